"""The Excel entry points: what each SafeContext button does, as a thin layer over the core.

Each takes the workbook as its first argument (default: the one the button was pressed in,
`xw.Book.caller()`), so tests pass a fake one. "Check" and "File" save the workbook first and
then check the saved file with the same functions as `safecontext validate` and `ingest`.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from addin.checks.problems import ERROR, RuleError
from addin.excel import marks, native
from addin.excel.friendly import Refusal, entry_point, show

FIXED_ENTRY_POINTS = ("check_this_form", "file_this_form")


def new_form_entry(form_id: str) -> str:
    """The entry point of a registered form's New form button: new_fap_referral, new_pgi."""
    return "new_" + form_id.replace("-", "_")


def entry_points() -> tuple[str, ...]:
    """Every entry point a button may name: the fixed ones, one New form entry per registered form, and
    the buttons form packages declare (their `ribbon`)."""
    from addin.forms import plugins

    return (FIXED_ENTRY_POINTS + tuple(new_form_entry(f) for f in plugins())
            + tuple(r[1] for p in plugins().values() for r in p.ribbon))
_LIST_UP_TO = 8  # messages listed in a message box; the Checks sheet has them all


def _config():
    """The user's configuration; never the built-in fictional demo for real forms."""
    from addin.config import default_path, load_config

    config = load_config()
    if config.path is None:
        raise Refusal("SafeContext is not set up on this computer yet: it has no configuration (your "
                      "authority, schools, wards and where forms are filed).\n\nAsk your SafeContext "
                      f"administrator for the configuration file and save it as\n{default_path()}")
    return config


def _is_form(book) -> bool:
    from addin.forms.blank import MARKER_FORM

    return any(n.name == MARKER_FORM for n in book.names)


def _is_register(book) -> bool:
    """A saved register workbook: an Excel table, one row per referral (as `safecontext ingest` reads)."""
    from addin.checks.run import register_forms
    from addin.intake.register import is_register

    full = Path(str(book.fullname))
    return full.is_absolute() and full.is_file() and any(is_register(full, f) for f in register_forms())


def _form_file(book) -> Path:
    """The form's (or register's) file; refuse a workbook that is neither."""
    if not _is_form(book) and not _is_register(book):
        raise Refusal(f"'{book.name}' is not a SafeContext form, so there is nothing to check.\n\n"
                      "Open a form made by SafeContext (SafeContext > New form), or copy the entries into one.")
    full = str(book.fullname)
    if "://" in full:
        raise Refusal("This form is open from OneDrive or SharePoint and SafeContext cannot find a copy of it on "
                      "this computer.\n\nSave a copy in a folder on this computer (File > Save As > Browse), "
                      "then try again.")
    if not Path(full).parent.name and not Path(full).is_absolute():
        raise Refusal("Save this form first (File > Save As, as an Excel Workbook), then try again.")
    return Path(full)


def _save(book, path: Path) -> None:
    try:
        book.save()
    except Exception:
        raise Refusal(f"Excel could not save '{book.name}' (it may be read-only, or open from an email).\n\n"
                      "Save it in a folder of your own (File > Save As), then try again.") from None
    if not path.is_file():
        raise Refusal(f"SafeContext cannot find the saved form at {path}. Save it in a folder on this computer "
                      "(File > Save As), then try again.")


def _check_saved(book, config) -> list:
    """Clear the last marks, save, check the saved file: its FileResult, or one per row of a register
    (refuses unreadable files and registers without rows)."""
    from addin.checks.run import check_inputs

    path = _form_file(book)
    marks.clear(book)
    _save(book, path)
    try:
        results, _ = check_inputs([path], config)
    except RuleError as e:  # a bug in SafeContext: the form must not look valid, so nothing is marked or filed
        raise Refusal(f"SafeContext could not check '{book.name}': rule {e.code} failed with an internal error "
                      f"({e.what}). Nothing was marked or filed.\n\nPlease tell "
                      "your SafeContext administrator, naming the rule.") from None
    for result in results:
        if result.read_error:
            raise Refusal(f"SafeContext cannot check '{book.name}': {result.read_error}")
    if not results:
        raise Refusal(f"The register '{book.name}' has no rows to check: its table is empty.")
    return results


def _problems(results) -> list:
    return [p for r in results for p in r.problems]


def _register_rows(results) -> bool:
    """True when the results are a register's rows (a form gives one result without a row)."""
    return bool(getattr(results[0], "row", 0))


def _what(book, results) -> str:
    """"'x.xlsx' has 1 error and 1 query", with the rows for a register."""
    problems = _problems(results)
    said = f"'{book.name}' has {_counts(problems)}"
    if _register_rows(results):
        rows = sum(1 for r in results if r.problems)
        said += f" in {rows} of its {len(results)} row{'s' if len(results) != 1 else ''}"
    return said


def _listed(problems) -> str:
    lines = [f"• {p}" for p in problems[:_LIST_UP_TO]]
    if len(problems) > _LIST_UP_TO:
        lines.append(f"… and {len(problems) - _LIST_UP_TO} more.")
    return "\n".join(lines)


def _form_of(results):
    """The form the results are of (for the Checks sheet's field labels), or None."""
    return next((r.record.form for r in results if r.record is not None), None)


def _counts(problems) -> str:
    e = sum(p.severity == ERROR for p in problems)
    q = len(problems) - e
    return f"{e} error{'s' if e != 1 else ''} and {q} quer{'ies' if q != 1 else 'y'}"


@entry_point
def check_this_form(book):
    """Check this form: save it, check it, mark each problem cell and list them on a Checks sheet."""
    config = _config()
    results = _check_saved(book, config)
    problems = _problems(results)
    done = marks.paint(book, problems, _form_of(results))
    register = _register_rows(results)
    if not problems:
        show(book.app, f"No problems found in '{book.name}'" + (f" ({len(results)} rows)." if register else "."),
             critical=False)
    else:
        show(book.app, f"{_what(book, results)}.\n\n{_listed(problems)}\n\nThe problem cells "
                       f"are coloured (red: error, blue: query) with a note on each, and all are listed on the "
                       f"sheet '{done['checks_sheet']}'. Errors must be fixed before the form can be filed; "
                       "queries are things to check.", critical=any(r.errors for r in results))
    return results if register else results[0]


@entry_point
def file_this_form(book):
    """File this form: check it as above; with no errors, file it in the configured store."""
    from addin.store.db import store_url
    from addin.store.filing import FILED, OLDER, REFUSED, SUPERSEDED, UNCHANGED, file_batch

    config = _config()
    results = _check_saved(book, config)
    marks.paint(book, _problems(results), _form_of(results))
    if _register_rows(results):
        return _file_register(book, results, config)
    (result,) = results
    from addin.forms import plugin

    noun = plugin(result.form_id).noun
    if result.errors:
        raise Refusal(f"Not filed: {_what(book, results)}. Fix the errors first:\n\n"
                      f"{_listed(result.errors)}\n\nThe cells are marked and every problem is listed on the "
                      "sheet 'Checks'.")
    report = file_batch(store_url(config.store), [result], config)
    filing = report.filings[0]
    queries = (f"\n\nIt has {len(result.queries)} quer{'ies' if len(result.queries) != 1 else 'y'} to check "
               "(marked blue).") if result.queries else ""
    if filing.outcome == REFUSED:
        raise Refusal(f"Not filed: {filing.detail}.")
    said = {FILED: f"Filed '{book.name}' as a new {noun} for {filing.term}.",
            SUPERSEDED: f"Filed '{book.name}': it corrects a {noun} filed before ({filing.detail}); the "
                        f"store now holds version {filing.version}.",
            UNCHANGED: f"'{book.name}' is already filed with exactly this content; nothing was changed.",
            OLDER: f"'{book.name}' is older than the version already filed (it was {filing.detail}), so it was "
                   f"kept in the history but not made current. If this copy is the right one, ask your "
                   f"SafeContext administrator to make version id {filing.record_id} of {result.form_id} current."}
    show(book.app, said.get(filing.outcome, f"Filed: {filing.outcome}.") + queries, critical=False)
    return filing


def _file_register(book, rows, config):
    """File a register's rows without errors; say what became of each kind (rows with errors are marked)."""
    from addin.store.db import store_url
    from addin.store.filing import REFUSED, file_batch

    report = file_batch(store_url(config.store), rows, config)
    refused = [f for f in report.filings if f.outcome == REFUSED]
    said = (f"'{book.name}': filed {report.count('filed')} new, {report.count('superseded')} corrected and "
            f"{report.count('unchanged')} unchanged of its {len(rows)} rows.")
    if refused:
        errors = [p for r in rows for p in r.errors]
        other = [f"• {f.name}: {f.detail}" for f in refused if f.result is None or not f.result.errors]
        said += (f"\n\nNot filed: {len(refused)} row{'s' if len(refused) != 1 else ''}. Fix the errors (marked "
                 f"red, and listed on the sheet 'Checks') and file again:\n\n"
                 + "\n".join(([_listed(errors)] if errors else []) + other))
    show(book.app, said, critical=bool(refused))
    return report


def ask_term(book, config, term: str | None, what: str, today: dt.date | None, blank: str = "") -> str | None:
    """The term given, else asked for (the current term offered); None if the user cancelled. With `blank`
    (what an empty answer means, e.g. "every filed meeting"), an empty answer is "" instead."""
    from addin.excel import native
    from addin.term import current_term, parse_term

    if term is None:
        default = current_term(today, config)
        term = native.ask(book.app, f"Which term should the {what} cover? Type it like {default} "
                                    f"(autumn, spring or summer){f', or leave it empty for {blank}' if blank else ''}.",
                          "SafeContext", default)
        if term is None:
            return None
    if not term.strip():
        return "" if blank else None
    return parse_term(term)


def saved_value(book, form_id: str, field: str) -> str | None:
    """Save the workbook and read one field of it as typed (not checked: a button that needs only a filed
    form's reference), or None when it is not that form or the field is blank."""
    from addin.intake.reader import ReadError, read_form
    from addin.intake.values import clean_text

    path = _form_file(book)
    _save(book, path)
    try:
        rec = read_form(path)
    except ReadError:
        return None
    return clean_text(rec.raw.get(field)) if rec.form.id == form_id else None


def _free_path(folder: Path, stem: str, suffix: str) -> Path:
    """folder/stem.suffix, or stem (2).suffix and so on if that exists already."""
    folder.mkdir(parents=True, exist_ok=True)
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem} ({n}){suffix}"
    return path


def _output_folder(folder) -> Path:
    return Path(folder) if folder else native.documents_folder() / "SafeContext"


@entry_point
def new_form(book, form_id: str, folder=None, today: dt.date | None = None):
    """New form: a blank form of a registered form, saved in Documents\\SafeContext and opened."""
    from addin.forms import plugin
    from addin.forms.blank import write_blank

    config = _config()
    p = plugin(form_id)
    path = _free_path(_output_folder(folder), f"{p.name} {(today or dt.date.today()).isoformat()}", ".xlsx")
    write_blank(p.form, path, config)
    return book.app.books.open(str(path))
