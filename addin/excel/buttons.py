"""The Excel entry points: what each SafeContext button does, as a thin layer over the core.

Each takes the workbook as its first argument (default: the one the button was pressed in,
`xw.Book.caller()`), so tests pass a fake one. "Check" and "File" save the workbook first and
then check the saved file with the same functions as `safecontext validate` and `ingest`.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from addin.excel import marks, native
from addin.excel.friendly import Refusal, entry_point, show

ENTRY_POINTS = ("check_this_form", "file_this_form", "new_fap_referral", "new_pgi", "termly_matrix", "briefing")
SHORT_NAMES = {"fap-referral": "FAP referral", "pgi": "PGI form"}
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


def _form_file(book) -> Path:
    """Save the form and return its file; refuse a workbook that is not a SafeContext form."""
    if not _is_form(book):
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


def _check_saved(book, config):
    """Clear the last marks, save, check the saved file: the FileResult (refuses unreadable files)."""
    from addin.checks.run import check_files

    path = _form_file(book)
    marks.clear(book)
    _save(book, path)
    (result,) = check_files([path], config)
    if result.read_error:
        raise Refusal(f"SafeContext cannot check '{book.name}': {result.read_error}")
    return result


def _listed(problems) -> str:
    lines = [f"• {p}" for p in problems[:_LIST_UP_TO]]
    if len(problems) > _LIST_UP_TO:
        lines.append(f"… and {len(problems) - _LIST_UP_TO} more.")
    return "\n".join(lines)


def _counts(result) -> str:
    e, q = len(result.errors), len(result.queries)
    return f"{e} error{'s' if e != 1 else ''} and {q} quer{'ies' if q != 1 else 'y'}"


@entry_point
def check_this_form(book):
    """Check this form: save it, check it, mark each problem cell and list them on a Checks sheet."""
    config = _config()
    result = _check_saved(book, config)
    done = marks.paint(book, result.problems)
    if not result.problems:
        show(book.app, f"No problems found in '{book.name}'.", critical=False)
    else:
        show(book.app, f"'{book.name}' has {_counts(result)}.\n\n{_listed(result.problems)}\n\nThe problem cells "
                       f"are coloured (red: error, amber: query) with a note on each, and all are listed on the "
                       f"sheet '{done['checks_sheet']}'. Errors must be fixed before the form can be filed; "
                       "queries are things to check.", critical=bool(result.errors))
    return result


@entry_point
def file_this_form(book):
    """File this form: check it as above; with no errors, file it in the configured store."""
    from addin.store.db import store_url
    from addin.store.filing import FILED, REFUSED, SUPERSEDED, UNCHANGED, file_batch

    config = _config()
    result = _check_saved(book, config)
    marks.paint(book, result.problems)
    if result.form_id != "fap-referral":
        raise Refusal(f"Only FAP referrals are filed in the SafeContext store; '{book.name}' is a "
                      f"{result.record.form.title}. Send it to the person who asked for it.")
    if result.errors:
        raise Refusal(f"Not filed: '{book.name}' has {_counts(result)}. Fix the errors first:\n\n"
                      f"{_listed(result.errors)}\n\nThe cells are marked and every problem is listed on the "
                      "sheet 'Checks'.")
    report = file_batch(store_url(config.store), [result], config)
    filing = report.filings[0]
    queries = (f"\n\nIt has {len(result.queries)} quer{'ies' if len(result.queries) != 1 else 'y'} to check "
               "(marked amber).") if result.queries else ""
    if filing.outcome == REFUSED:
        raise Refusal(f"Not filed: {filing.detail}.")
    said = {FILED: f"Filed '{book.name}' as a new referral for {filing.term}.",
            SUPERSEDED: f"Filed '{book.name}': it corrects a referral filed before ({filing.detail}); the "
                        f"store now holds version {filing.version}.",
            UNCHANGED: f"'{book.name}' is already filed with exactly this content; nothing was changed."}
    show(book.app, said.get(filing.outcome, f"Filed: {filing.outcome}.") + queries, critical=False)
    return filing


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


def _new_form(book, form_id: str, folder=None, today: dt.date | None = None):
    from addin.forms import get_form
    from addin.forms.blank import write_blank

    config = _config()
    path = _free_path(_output_folder(folder), f"{SHORT_NAMES[form_id]} {(today or dt.date.today()).isoformat()}",
                      ".xlsx")
    write_blank(get_form(form_id), path, config)
    return book.app.books.open(str(path))


@entry_point
def new_fap_referral(book, folder=None, today: dt.date | None = None):
    """New form: a blank FAP referral, saved in Documents\\SafeContext and opened."""
    return _new_form(book, "fap-referral", folder, today)


@entry_point
def new_pgi(book, folder=None, today: dt.date | None = None):
    """New form: a blank Peer Group Information Capture form, saved in Documents\\SafeContext and opened."""
    return _new_form(book, "pgi", folder, today)


def _term(book, config, term: str | None, what: str, today: dt.date | None) -> str | None:
    """The term given, else asked for (the current term offered); None if the user cancelled."""
    from addin.term import current_term, parse_term

    if term is None:
        default = current_term(today, config)
        term = native.ask(book.app, f"Which term should the {what} cover? Type it like {default} "
                                    "(autumn, spring or summer).", "SafeContext", default)
        if not term:
            return None
    return parse_term(term)


@entry_point
def termly_matrix(book, term: str | None = None, folder=None, today: dt.date | None = None):
    """Termly matrix: ask for the term, write the data matrix of need from the store, open it in Excel."""
    from addin.matrix import make_matrix

    config = _config()
    term = _term(book, config, term, "termly matrix", today)
    if term is None:
        return None
    path = _free_path(_output_folder(folder), f"SafeContext matrix {term} (internal)", ".xlsx")
    make_matrix(term, path, config)
    book.app.books.open(str(path))
    return path


@entry_point
def briefing(book, term: str | None = None, folder=None, today: dt.date | None = None):
    """Briefing: ask for the term, fill the Word briefing for the partnership, open it in Word."""
    from addin.briefing import make_briefing

    config = _config()
    term = _term(book, config, term, "briefing", today)
    if term is None:
        return None
    path = _free_path(_output_folder(folder), f"SafeContext briefing {term}", ".docx")
    make_briefing(term, path, config)
    native.open_document(path)
    return path
