"""The termly FAP data matrix of need: from the store to an Excel workbook, exact or publishable."""
from __future__ import annotations

from pathlib import Path


class MatrixError(Exception):
    """A matrix that cannot be made; the message says what to do."""


def load(term: str, config, db: str | None = None, compare: int = 2):
    """Referrals and agency rows of `term` and the `compare` terms before it, from the store."""
    from addin.store import load_referrals, load_table_rows
    from addin.term import parse_term, previous_terms

    term = parse_term(term)
    terms = previous_terms(term, compare) + [term]
    url = db or config.store
    referrals = load_referrals(url, terms)
    agencies = load_table_rows(url, "other_agencies", terms)
    return term, terms, referrals, agencies


def matrix_sheets(term: str, config, db: str | None = None, compare: int = 2, publishable: bool = False):
    """The matrix as sheets of blocks, exact or after disclosure control."""
    from addin.matrix.build import build
    from addin.matrix.publishable import publishable as make_publishable

    term, terms, referrals, agencies = load(term, config, db, compare)
    if not (referrals["term"] == term).any():
        filed = sorted(set(referrals["term"]))
        raise MatrixError(f"no referrals are filed for {term}"
                          + (f" (the store has {', '.join(filed)})" if filed else "")
                          + ". File some with 'safecontext ingest', or choose another --term.")
    queries = referrals["queries"] if "queries" in referrals.columns else None
    sheets = build(referrals, term, terms, config, agencies, queries)
    return (make_publishable(sheets, config.suppression_threshold) if publishable else sheets), terms


def make_matrix(term: str, out: Path, config, db: str | None = None, compare: int = 2,
                publishable: bool = False) -> Path:
    """Write the matrix workbook for `term` to `out`."""
    from addin.matrix.workbook import write
    from addin.suppression import symbols_note

    sheets, terms = matrix_sheets(term, config, db, compare, publishable)
    kind = "publishable" if publishable else "internal, exact counts"
    title = f"{config.authority} · Fair Access Panel data matrix of need · {terms[-1]} ({kind})"
    return write(sheets, Path(out), title=title, publishable=publishable,
                 symbols=symbols_note(config.suppression_threshold))
