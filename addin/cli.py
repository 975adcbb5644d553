"""The `safecontext` command line. Every command is a thin layer over the same core functions."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from addin.console import SafeConsole
from addin.options import ConfigOpt, DbOpt, PlainGroup, date_option
from addin.text import plural

app = typer.Typer(help="SafeContext: check, file and count peer-on-peer abuse referral forms.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None, cls=PlainGroup)
out = SafeConsole(highlight=False, soft_wrap=True)
err = SafeConsole(stderr=True, highlight=False, soft_wrap=True)



class Exit(Exception):
    """Stop with a message for the user and an exit code (no traceback)."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def _config(path):
    from addin.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as e:
        raise Exit(str(e))


def _form(form_id: str):
    from addin.forms import form_ids, get_form

    if form_id not in form_ids():
        raise Exit(f"unknown form '{form_id}'. Forms: {', '.join(form_ids())} ('safecontext forms' lists them).")
    return get_form(form_id)


FORM_HELP = "A form id ('safecontext forms' lists them)."


@app.command("forms")
def forms_(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")):
    """The registered forms: id, title and template version (and the older versions still read)."""
    from addin.forms import plugins

    listed = [{"id": p.id, "title": p.form.title, "version": p.form.version, "name": p.name,
               "older_versions": list(p.form.known_versions)} for p in plugins().values()]
    if as_json:
        print(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    t = Table("id", "title", "version", "older versions read")
    for f in listed:
        t.add_row(f["id"], f["title"], f["version"], ", ".join(f["older_versions"]))
    out.print(t)


@app.command()
def new(form: str = typer.Argument(..., metavar="FORM", help=FORM_HELP),
        path: Path = typer.Argument(..., metavar="PATH", help="Where to write the blank workbook (.xlsx)."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
        config: Optional[Path] = ConfigOpt):
    """Write a blank data-entry workbook for a form."""
    from addin.forms.blank import write_blank

    f = _form(form)
    if path.suffix.lower() != ".xlsx":
        raise Exit(f"{path}: the file name must end in .xlsx.")
    if path.exists() and not force:
        raise Exit(f"{path}: already exists. Choose another name or add --force to overwrite it.")
    write_blank(f, path, _config(config))
    out.print(f"Wrote a blank {f.title} to {path}", markup=False)


@app.command()
def fields(form: str = typer.Argument(..., metavar="FORM", help=FORM_HELP),
           as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
           config: Optional[Path] = ConfigOpt):
    """The data dictionary: every field and table of a form."""
    from addin.forms.dictionary import data_dictionary

    entries = data_dictionary(_form(form), _config(config))
    if as_json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    t = Table("id", "label", "section", "type", "required", "personal", "defined name", show_lines=False)
    for e in entries:
        t.add_row(e["id"], e["label"], e["section"], e["type"], "yes" if e["required"] else "",
                  "yes" if e["personal"] else "", e["defined_name"])
    out.print(t)


@app.command()
def rules(form: str = typer.Argument(..., metavar="FORM", help=FORM_HELP),
          as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")):
    """Every rule a form is checked against: code, severity and what it checks."""
    from addin.validators import all_rules

    listed = [{"code": r.code, "severity": r.severity, "checks": r.title} for r in all_rules(_form(form))]
    if as_json:
        print(json.dumps(listed, indent=2))
        return
    from rich.table import Table

    t = Table("code", "severity", "checks")
    for r in listed:
        t.add_row(r["code"], r["severity"], r["checks"])
    out.print(t)


@app.command()
def validate(paths: List[Path] = typer.Argument(..., metavar="PATH", help="Workbooks or folders of workbooks."),
             annotate: Optional[Path] = typer.Option(None, "--annotate", metavar="FOLDER", help="Write a copy of each readable file into "
                                                     "this folder, its problems marked and listed on a first "
                                                     "sheet 'Checks'."),
             json_file: Optional[Path] = typer.Option(None, "--json", metavar="FILE", help="Write every problem to this JSON file."),
             form: Optional[str] = typer.Option(None, "--form", metavar="FORM", help="Refuse files that are not this form."),
             config: Optional[Path] = ConfigOpt):
    """Check forms. Exit 0: all valid (queries allowed); 1: a form has errors; 2: a file could not be read."""
    from addin.checks.report import run_validate

    if form:
        _form(form)
    code = run_validate(paths, _config(config), out, err, annotate=annotate, json_file=json_file, expect=form)
    raise typer.Exit(code)


@app.command()
def init(path: Optional[Path] = typer.Argument(None, metavar="PATH", help="Where to write the configuration "
                                               "(default: your user configuration file)."),
         force: bool = typer.Option(False, "--force", help="Overwrite an existing file.")):
    """Write a commented configuration file to edit: authority, schools, wards, terms, store."""
    from addin.config import default_path, demo_text

    path = path or default_path()
    if path.exists() and not force:
        raise Exit(f"{path}: already exists. Edit it, or add --force to start again.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(demo_text(), encoding="utf-8")
    out.print(f"Wrote {path}. Replace the fictional authority, schools and wards with your own.", markup=False)


@app.command()
def demo(folder: Path = typer.Argument(Path("safecontext-demo"), metavar="FOLDER", help="Where to write the demo."),
         seed: int = typer.Option(2026, metavar="N", help="Random seed for the synthetic data.")):
    """Make three terms of synthetic forms (fictional people), check and file them, and write every report: the FAP matrices, trackers, HSB profile, audit report and briefings."""
    from addin.demo import run_demo

    run_demo(folder, seed, out, err)



@app.command()
def ingest(paths: List[Path] = typer.Argument(..., metavar="PATH", help="Form workbooks, folders of them, or register "
                                              "workbooks (an Excel table, one row per referral)."),
           form: Optional[str] = typer.Option(None, "--form", metavar="FORM", help="Refuse files that are not this form."),
           db: Optional[str] = DbOpt,
           config: Optional[Path] = ConfigOpt):
    """File valid forms of every registered form in the store. Exit 0: all filed, unchanged or kept as older; 1: some refused; 2: a file could not be read or the store could not be opened."""
    from addin.store.commands import run_ingest

    if form:
        _form(form)
    raise typer.Exit(run_ingest(paths, _config(config), out, err, db=db, form=form))


@app.command()
def export(form: str = typer.Argument(..., metavar="FORM", help=FORM_HELP),
           output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The CSV file to write; each "
                                       "repeating table goes beside it (FILE.<table>.csv)."),
           term: Optional[List[str]] = typer.Option(None, "--term", "-t", metavar="TERM", help="Only these terms "
                                                    "(repeat for several; default: every term)."),
           db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Export a form's current records for analysis: personal fields dropped, hashed, or coarsened as declared."""
    from addin.store.db import StoreError, store_url
    from addin.store.export import ExportError, export_records
    from addin.term import TermError, parse_term

    f = _form(form)
    cfg = _config(config)
    try:
        terms = [parse_term(t) for t in term] if term else None
        written = export_records(store_url(db or cfg.store), f, output, cfg, terms)
    except (ExportError, StoreError, TermError) as e:
        raise Exit(str(e))
    for path, n in written:
        out.print(f"Wrote {plural(n, 'row')} to {path}", markup=False)


store_app = typer.Typer(help="The store of filed forms: what is in it, and making a filed version current.",
                        no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("status")
def store_status(db: Optional[str] = DbOpt,
                 last: int = typer.Option(10, "--last", min=1, metavar="N", help="How many of the latest filings to list."),
                 config: Optional[Path] = ConfigOpt):
    """Filed records of each form by term and the latest filings (file names only, no personal values)."""
    from addin.store.commands import run_status

    raise typer.Exit(run_status(_config(config), out, err, db=db, last=last))


@store_app.command("restore")
def store_restore(version_id: int = typer.Argument(..., metavar="ID", help="The filed version's id, as "
                                                   "'ingest' and 'store status' show it."),
                  form: Optional[str] = typer.Option(None, "--form", metavar="FORM", help="The form the version is "
                                                     "of, when several forms have a version with that id."),
                  db: Optional[str] = DbOpt,
                  config: Optional[Path] = ConfigOpt):
    """Make a filed version current on purpose (such as a form filed as older); the current one stays in the history."""
    from addin.store.commands import run_restore

    if form:
        _form(form)
    raise typer.Exit(run_restore(version_id, _config(config), out, err, db=db, form=form))


@app.command()
def brief(kind: Optional[str] = typer.Option(None, "--kind", metavar="KIND", help="Which briefing ('safecontext brief "
                                             "--kinds' lists them; default: the first listed)."),
          term: Optional[str] = typer.Option(None, "--term", "-t", metavar="TERM", help="Term id like 2026-autumn "
                                             "(default: the current term, for a briefing by term)."),
          start: Optional[str] = typer.Option(None, "--from", metavar="DATE", callback=date_option,
                                              help="First day counted, dd/mm/yyyy (a briefing over a period)."),
          end: Optional[str] = typer.Option(None, "--to", metavar="DATE", callback=date_option,
                                            help="Last day counted, dd/mm/yyyy (a briefing over a period)."),
          site: Optional[str] = typer.Option(None, "--site", metavar="SITE", help="Only this site (a briefing by "
                                             "site)."),
          output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", help="The Word document to write (.docx)."),
          template: Optional[Path] = typer.Option(None, "--template", metavar="FILE", help="A Word template of your own "
                                                  "(default: the kind's template in report_templates/)."),
          pdf: bool = typer.Option(False, "--pdf", help="Also write a PDF (needs LibreOffice)."),
          variables: bool = typer.Option(False, "--variables", help="List the variables a template may use."),
          kinds: bool = typer.Option(False, "--kinds", help="List the briefings there are."),
          compare: Optional[int] = typer.Option(None, "--compare", min=1, max=12, metavar="N", help="How many earlier "
                                                "terms the trend shows (a briefing by term; default 2)."),
          db: Optional[str] = DbOpt,
          config: Optional[Path] = ConfigOpt):
    """Fill a Word briefing for the safeguarding partnership from publishable numbers (--kind says which)."""
    from importlib import import_module

    from addin.errors import UserError
    from addin.forms import plugins
    from addin.term import TermError, parse_term, term_range

    briefings = {p.briefing.kind: p.briefing for p in plugins().values() if p.briefing}
    if kinds:
        for b in briefings.values():
            out.print(f"{b.kind:8} {b.title}", markup=False)
        return
    b = briefings.get(kind or next(iter(briefings)))
    if b is None:
        raise Exit(f"there is no briefing of kind '{kind}'; kinds: {', '.join(briefings)}.")
    module = import_module(b.module)
    if variables:
        for name, meaning in module.VARIABLES.items():
            out.print(f"{name:18} {meaning}", markup=False)
        return
    if output is None:
        raise Exit("give the document to write with -o FILE.docx (or --variables to list template variables).")
    if output.suffix.lower() != ".docx":
        raise Exit(f"{output}: the file name must end in .docx.")
    given = {"start": start, "end": end, "site": site, "compare": compare}
    flags = {"start": "--from", "end": "--to"}
    takes = ", ".join((["--term"] if "start" in b.options and "term" not in b.options else [])
                      + [flags.get(o, f"--{o}") for o in b.options]) or "no options"
    for name, value in given.items():
        if value is not None and name not in b.options:
            raise Exit(f"{flags.get(name, f'--{name}')} is not used by --kind {b.kind} (it takes {takes}).")
    cfg = _config(config)
    options = {k: v for k, v in given.items() if v is not None}
    if "term" in b.options:
        options["term"] = _term_or_current(term, cfg)
    elif term is not None:
        if "start" not in b.options:
            raise Exit(f"--term is not used by --kind {b.kind} (it takes {takes}).")
        if start or end:
            raise Exit("give either --term or --from / --to, not both.")
        try:
            options["start"], options["end"] = term_range(parse_term(term), cfg)
        except TermError as e:
            raise Exit(str(e)) from None
    if options.get("start") and options.get("end") and options["start"] > options["end"]:
        raise Exit(f"--from {options['start']:%d/%m/%Y} is after --to {options['end']:%d/%m/%Y}; swap them.")
    try:
        path = module.make_briefing(out=output, config=cfg, db=db, template=template, pdf=pdf, **options)
    except UserError as e:
        raise Exit(str(e)) from None
    out.print(f"Wrote the briefing to {f'{output} and {path}' if pdf else path}")


def _term_or_current(term, config) -> str:
    from addin.term import TermError, current_term, parse_term

    try:
        if term:
            return parse_term(term)
        chosen = current_term(None, config)
    except TermError as e:
        raise Exit(str(e))
    out.print(f"No --term given: using the current term, {chosen}.", markup=False)
    return chosen


addin_app = typer.Typer(help="The Excel add-in: the SafeContext tab in desktop Excel.", no_args_is_help=True)
app.add_typer(addin_app, name="addin")


@addin_app.command("build")
def addin_build(path: Path = typer.Argument(Path("SafeContext.xlam"), metavar="PATH", help="Where to write the add-in (.xlam)."),
                interpreter: Optional[str] = typer.Option(None, "--interpreter", metavar="PYTHON", help="The python.exe Excel should "
                                                          "start on Windows (default: this Python when built on "
                                                          "Windows, else 'python' from the PATH)."),
                interpreter_mac: Optional[str] = typer.Option(None, "--interpreter-mac", metavar="PYTHON", help="The python Excel "
                                                              "should start on a Mac (default: this Python when "
                                                              "built on a Mac)."),
                fresh_python: bool = typer.Option(False, "--fresh-python", help="Start a new Python for every "
                                                  "click (slower). By default one Python is kept running for "
                                                  "the Excel session on Windows, so later clicks are quick."),
                force: bool = typer.Option(False, "--force", help="Overwrite an existing file.")):
    """Write the Excel add-in SafeContext.xlam: the ribbon tab, its VBA and xlwings' RunPython."""
    from addin.excel.xlam import BuildError, build

    if path.suffix.lower() != ".xlam":
        raise Exit(f"{path}: the file name must end in .xlam.")
    if path.exists() and not force:
        raise Exit(f"{path}: already exists. Choose another name or add --force to overwrite it.")
    if interpreter is None and sys.platform == "win32":
        interpreter = sys.executable
    if interpreter_mac is None and sys.platform == "darwin":
        interpreter_mac = sys.executable
    try:
        build(path, interpreter_win=interpreter, interpreter_mac=interpreter_mac, keep_python=not fresh_python)
    except BuildError as e:
        raise Exit(str(e))
    out.print(f"Wrote the Excel add-in to {path}")
    out.print(f"  Python on Windows: {interpreter or 'python (from the PATH)'}", markup=False)
    if interpreter_mac:
        out.print(f"  Python on a Mac: {interpreter_mac}", markup=False)
    out.print("  " + ("A new Python for every click (--fresh-python)." if fresh_python else
                      "One Python kept running per Excel session on Windows (after upgrading SafeContext, "
                      "restart Excel or run the macro RestartPython)."), markup=False)
    out.print("Install it for this user with: xlwings addin install --file " + str(path), markup=False)


def _form_commands() -> None:
    """Each registered form package's own commands, from the registry: a group (`safecontext pgi ...`)
    when it names one, else top-level commands (the FAP referral's `matrix` and `brief`)."""
    from importlib import import_module

    from addin.forms import plugins

    for p in plugins().values():
        if not p.commands:
            continue
        sub = import_module(p.commands).app
        if p.command_name:
            app.add_typer(sub, name=p.command_name)
        else:
            app.registered_commands.extend(sub.registered_commands)


def _core_names() -> set[str]:
    from typer.main import get_command_name

    return ({c.name or get_command_name(c.callback.__name__) for c in app.registered_commands}
            | {g.name for g in app.registered_groups})


_CORE = _core_names()  # before the forms' own commands are added
_forms_added = False


def whole_app() -> typer.Typer:
    """The app with every form package's commands added (once). `main` adds them only when the command
    asked for is not one of the core ones above, so `safecontext validate FILE` does not import and
    build every form's commands first (about 30 ms of a 0.1 s check)."""
    global _forms_added
    if not _forms_added:
        _forms_added = True
        _form_commands()
    return app


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] not in _CORE:  # a form's command, --help, or a mistyped name: the whole app
        whole_app()
    try:
        code = app(standalone_mode=False, prog_name="safecontext")
        sys.exit(code if isinstance(code, int) else 0)
    except Exit as e:
        err.print(f"safecontext: {e}", markup=False)
        sys.exit(e.code)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except Exception as e:  # click usage errors and anything unforeseen: one line, no traceback
        if hasattr(e, "show") and hasattr(e, "exit_code"):  # click's usage errors (typer vendors click)
            e.show()
            sys.exit(e.exit_code)
        if type(e).__name__ == "Abort":
            err.print("Aborted.")
            sys.exit(130)
        err.print(f"safecontext: unexpected error ({type(e).__name__}). Please report it with the command "
                  "you ran; no data was changed.", markup=False)
        sys.exit(3)


def entry() -> None:
    """The `safecontext` program: main, then the process ends without Python's closing garbage collection.
    Tearing down pandas and the rest takes about 0.2 s of a 0.8 s check (measured 3 December 2026); with
    every object frozen first, modules are still cleared and files closed as usual, but the collector
    no longer walks them all at exit. In-process callers (tests, Excel) use main and keep a normal gc."""
    import gc

    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    entry()
