"""The FAP referral's Excel buttons: the termly matrix and the briefing (thin: they call its reports)."""
from __future__ import annotations

import datetime as dt

from addin.excel import native
from addin.excel.buttons import _config, _free_path, _output_folder, ask_term as _term
from addin.excel.friendly import entry_point


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
