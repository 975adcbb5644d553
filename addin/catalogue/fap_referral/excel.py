"""The FAP referral's Excel buttons: the termly matrix and the briefing (thin: they call its reports)."""
from __future__ import annotations

import datetime as dt

from addin.excel import native
from addin.excel.buttons import _config, _free_path, _output_folder
from addin.excel.friendly import entry_point


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
    from addin.catalogue.fap_referral.matrix import make_matrix

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
    from addin.catalogue.fap_referral.briefing import make_briefing

    config = _config()
    term = _term(book, config, term, "briefing", today)
    if term is None:
        return None
    path = _free_path(_output_folder(folder), f"SafeContext briefing {term}", ".docx")
    make_briefing(term, path, config)
    native.open_document(path)
    return path
