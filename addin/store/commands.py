"""What `safecontext ingest`, `safecontext store status` and `safecontext store restore` do and show, for every registered form."""
from __future__ import annotations

from rich.console import Console
from addin.console import shown as escape
from rich.table import Table

from addin.checks.problems import RuleError
from addin.checks.report import progress_bar, show
from addin.checks.run import check_inputs, expand
from addin.config import Config
from addin.text import plural

_SHOW_EACH_UP_TO = 20  # filings listed one per line; above this only the counts
_STYLE = {"filed": "green", "superseded": "cyan", "unchanged": "dim", "older": "yellow", "refused": "red",
          "restored": "cyan"}


def _url(db: str | None, config: Config) -> str:
    from addin.store.db import store_url

    return store_url(db or config.store)


def _noting(out: Console):
    """What open_store says when it upgraded the store (and where its copy from before is), as a note."""
    return lambda message: out.print(f"[yellow]note[/] {escape(message)}")


def run_ingest(paths, config: Config, out: Console, err: Console, db: str | None = None,
               form: str | None = None) -> int:
    """Check and file forms of any registered form (`form`: refuse the others); exit code 0 all filed or
    unchanged, 1 some refused, 2 unreadable or store failed."""
    from addin.store.db import StoreError, open_store
    from addin.store.filing import OLDER, REFUSED, file_batch

    skipped: list[str] = []
    files = expand(paths, skipped)
    if not files:
        err.print("safecontext: no workbooks found in " + ", ".join(map(str, paths)), markup=False)
        return 2
    from addin.term import TermError, configured_terms

    try:
        configured_terms(config)  # a referral's term comes from these: check them before anything is read
    except TermError as e:
        err.print(f"safecontext: {config.path or 'configuration'}: {e}", markup=False)
        return 2
    url = _url(db, config)
    try:
        # Before reading anything: a store that cannot be opened stops here; an old one is upgraded.
        engine = open_store(url, notify=_noting(out))
    except StoreError as e:
        err.print(f"safecontext: {e}", markup=False)
        return 2
    try:
        try:
            with progress_bar(err, len(files)) as bar:
                task = bar.add_task("Checking", total=len(files))
                results, notes = check_inputs(files, config, expect=form, advance=lambda: bar.advance(task))
        except RuleError as e:  # a bug in a rule: no form may pass it unchecked, so nothing is filed
            err.print(f"safecontext: {e}", markup=False)
            return 3
        try:
            with progress_bar(err, len(results)) as bar:
                task = bar.add_task("Filing", total=len(results))
                report = file_batch(engine, results, config, advance=lambda: bar.advance(task))
        except KeyboardInterrupt:
            err.print("Interrupted: nothing was filed; the store is as it was.")
            raise
        except StoreError as e:
            err.print(f"safecontext: {e}", markup=False)
            return 2
    finally:
        engine.dispose()
    refused = report.of(REFUSED)
    bad = [f.result for f in refused if f.result is not None and (f.result.read_error or f.result.errors)]
    if bad:
        out.print(f"[bold red]Refused[/] {len(bad)} (fix these and ingest them again; 'safecontext validate FILE' "
                  "shows what was typed in each problem cell):")
        show(bad, out, private=True, every=True)  # field, cell and rule: no value from the forms
    shown = {id(r) for r in bad}
    for f in refused:
        if f.result is not None and id(f.result) in shown:
            continue
        out.print(f"[red]refused[/] {escape(f.name)}: {escape(f.detail or '')}")
    for note in skipped + notes:
        out.print(f"[yellow]note[/] {escape(note)}")
    every = len(report.filings) <= _SHOW_EACH_UP_TO
    for f in report.filings:
        if f.outcome == REFUSED or not (every or f.outcome == OLDER):  # an older form is always named
            continue
        where = f" ({f.term}, version {f.version})" if f.term else ""
        if f.outcome == OLDER:
            extra = f": {f.detail}; 'safecontext store restore {f.record_id}{_form_option(f.form)}' makes this one current"
        else:
            extra = f"; {f.detail}" if f.detail and f.outcome == "unchanged" and "stays current" in f.detail else ""
        n = len(f.result.queries) if f.result is not None else 0
        extra += f"; {plural(n, 'query', 'queries')} to check" if n else ""
        out.print(f"  [{_STYLE[f.outcome]}]{f.outcome:10}[/] {escape(f.name)}{where}{escape(extra)}")
    queries = sum(1 for f in report.filings if f.outcome != REFUSED and f.result is not None and f.result.queries)
    older = f"older {report.count(OLDER)}, " if report.count(OLDER) else ""
    out.print(f"Filed {report.count('filed')}, unchanged {report.count('unchanged')}, superseded "
              f"{report.count('superseded')}, {older}refused {report.count(REFUSED)} into {escape(report.url)}.")
    if queries:
        out.print(f"{queries} of the filed forms {'has' if queries == 1 else 'have'} queries (warnings to check); "
                  "'safecontext validate' lists them.")
    if any(r.read_error for r in results):
        return 2
    return 1 if refused else 0


def _form_option(form_id: str | None) -> str:
    """' --form ID' where more than one form is registered (a version id is one form's)."""
    from addin.forms import form_ids

    return f" --form {form_id}" if form_id and len(form_ids()) > 1 else ""


def run_status(config: Config, out: Console, err: Console, db: str | None = None, last: int = 10) -> int:
    from addin.store.db import StoreError, as_utc
    from addin.store.query import store_status

    try:
        st = store_status(_url(db, config), last=last)
    except StoreError as e:
        err.print(f"safecontext: {e}", markup=False)
        return 2
    out.print(f"Store: {escape(st['url'])}")
    if not st["forms"]:
        out.print("Nothing is filed yet.")
    for form in st["forms"]:
        out.print(f"{form['name']}: {plural(form['records'], 'current ' + form['noun'])}, "
                  f"{plural(form['versions'], 'version')} in all.")
    out.print(f"{plural(st['filings'], 'filing')} logged.")
    if st["outcomes"]:
        from addin.store.schema import OUTCOMES

        out.print("Filings: " + ", ".join(f"{st['outcomes'][o]} {o}" for o in OUTCOMES if st["outcomes"].get(o)) + ".")
    for form in st["forms"]:
        t = Table("Term", form["noun"][0].upper() + form["noun"][1:] + "s", "Versions", title=f"{form['name']}s by term")
        for row in form["terms"]:
            t.add_row(row["term"], str(row["records"]), str(row["versions"]))
        out.print(t)
    if st["last"]:
        t = Table("Filed at (UTC)", "By", "Form", "File", "Outcome", "Term", "Version", "Detail", title="Last filings")
        for row in st["last"]:
            when = as_utc(row["filed_at"])
            detail = row["detail"] if row["outcome"] == "refused" else ""  # rule codes or a reason: no values
            t.add_row(when.strftime("%Y-%m-%d %H:%M:%S") if when else "", escape(row["filed_by"] or ""),
                      row["form"] or "", escape(row["file_name"] or ""), row["outcome"], row["term"] or "",
                      "" if row["version"] is None else str(row["version"]), escape(detail or ""))
        out.print(t)
    if st["older"]:
        t = Table("Form", "Id", "File", "Term", "Version", "Current version",
                  title="Forms older than the current version of their record (kept in the history, not current)")
        for row in st["older"]:
            t.add_row(row["form"], str(row["id"]), escape(row["file_name"] or ""), row["term"], str(row["version"]),
                      "" if row["current_version"] is None else str(row["current_version"]))
        out.print(t)
        out.print("'safecontext store restore ID --form FORM' makes one of these current (the current version is "
                  "kept in the history).")
    return 0


def run_restore(record_id: int, config: Config, out: Console, err: Console, db: str | None = None,
                form: str | None = None) -> int:
    """Make a filed version current on purpose; exit 0 done (or already current), 2 no such version or store."""
    from addin.store.db import StoreError
    from addin.store.filing import restore_version

    try:
        done = restore_version(_url(db, config), record_id, form=form, notify=_noting(out))
    except StoreError as e:
        err.print(f"safecontext: {e}", markup=False)
        return 2
    what = f"version {done.version} ({escape(done.name)}, {done.form}, {done.term}, id {done.record_id})"
    if done.already:
        out.print(f"{what[0].upper()}{what[1:]} is already current; nothing was changed.")
        return 0
    kept = f"; version {done.replaced_version} (id {done.replaced_id}) is kept in the history" \
        if done.replaced_id is not None else ""
    out.print(f"Restored {what}: it is now the current version{kept}. Logged in {escape(done.url)}.")
    return 0
