"""The termly FAP data matrix of need: from the store to an Excel workbook, exact or publishable."""
from __future__ import annotations

from pathlib import Path

from addin.errors import UserError
from addin.reports.files import check_output, save_error  # noqa: F401 (the matrix's and briefing's checks)

MARKING = "OFFICIAL – SENSITIVE"  # the protective marking on every printed matrix page and on the briefing


class MatrixError(UserError):
    """A matrix that cannot be made; the message says what to do."""


def load(term: str, config, db: str | None = None, compare: int = 2, counts=None):
    """What the matrix needs from the store, counted in the database where it can be.

    Returns (term, trend terms, the term's referrals (only the columns counted; free text only as
    filled/blank), their other-agency rows, per-term counts, blank counts per optional field).
    `counts`: per-term counts already made (term_counts_of) for these terms and maybe more.
    """
    from addin.catalogue.fap_referral.matrix.build import (CATEGORY_FIELDS, COUNTED_FIELDS, FORM_ID, PRESENCE_FIELDS,
                                                           optional_fields)
    from addin.store import blank_counts, load_current_columns, load_table_rows
    from addin.term import parse_term, previous_terms

    term = parse_term(term)
    terms = previous_terms(term, compare) + [term]
    url = db or config.store
    referrals = load_current_columns(url, term, CATEGORY_FIELDS + COUNTED_FIELDS, PRESENCE_FIELDS, form=FORM_ID)
    agencies = load_table_rows(url, "other_agencies", [term], form=FORM_ID)
    counts = (term_counts_of(url, terms) if counts is None else counts).loc[terms]
    blanks = blank_counts(url, term, [f.id for f in optional_fields()], form=FORM_ID)
    return term, terms, referrals, agencies, counts, blanks


def term_counts_of(url: str, terms: list[str]):
    """Per term: referrals, each concern, and referrals with any peer-on-peer abuse concern (store counts)."""
    from addin.catalogue.fap_referral.matrix.build import FORM_ID, POP_CONCERNS
    from addin.catalogue.fap_referral.declaration import CONCERNS
    from addin.store import term_counts

    counts = term_counts(url, terms, list(CONCERNS), form=FORM_ID)
    counts["any"] = term_counts(url, terms, POP_CONCERNS, form=FORM_ID)["any"]
    return counts


def matrix_sheets(term: str, config, db: str | None = None, compare: int = 2, publishable: bool = False):
    """The matrix as sheets of blocks, exact or after disclosure control."""
    from addin.catalogue.fap_referral.matrix.build import build, trend_table
    from addin.catalogue.fap_referral.matrix.publishable import publishable as make_publishable

    from addin.term import parse_term, previous_terms

    # the counts of this term's Trend and of each earlier term's own (one query, not one per matrix)
    every = term_counts_of(db or config.store, previous_terms(parse_term(term), 2 * compare) + [parse_term(term)]) \
        if publishable else None
    term, terms, referrals, agencies, counts, blanks = load(term, config, db, compare, every)
    if referrals.empty:
        filed = [t for t in terms if counts.loc[t, "records"]]
        what = f"no referrals are filed for {term}" + (
            f" (among the terms compared, the store has {', '.join(filed)})" if filed else "")
        raise MatrixError(what + ". File some with 'safecontext ingest', or choose another --term.",
                          excel=what + ". File referrals with the 'File this form' button, or choose another "
                                       "term.")
    from addin.catalogue.fap_referral.matrix.overlaps import with_intersections

    sheets = build(referrals, term, trend_table(counts), config, agencies, blanks)
    threshold = config.suppression_threshold
    if not publishable:
        return with_intersections(sheets, threshold), terms
    earlier = {t: earlier_hidden(t, config, db, compare, every) for t in terms[:-1] if counts.loc[t, "records"]}
    # the chart's table is drawn from the published tables after disclosure control: nothing new in it
    return with_intersections(make_publishable(sheets, threshold, earlier,
                                               minimum_total=config.minimum_publishable_total), threshold), terms


def earlier_hidden(term: str, config, db: str | None, compare: int, counts=None) -> set[str]:
    """The totals an earlier term's own publishable matrix hides (from the store as it is now), so this
    term's Trend and summary lines do not show what that matrix hid."""
    from addin.catalogue.fap_referral.matrix.build import build, trend_table
    from addin.catalogue.fap_referral.matrix.publishable import hidden_numbers

    _, _, referrals, agencies, counts, blanks = load(term, config, db, compare, counts)
    return hidden_numbers(build(referrals, term, trend_table(counts), config, agencies, blanks),
                          config.suppression_threshold, config.minimum_publishable_total)


def make_matrix(term: str, out: Path, config, db: str | None = None, compare: int = 2,
                publishable: bool = False) -> Path:
    """Write the matrix workbook for `term` to `out`."""
    from addin.catalogue.fap_referral.matrix.workbook import write
    from addin.suppression import symbols_note

    out = Path(out)
    check_output(out, MatrixError)
    sheets, terms = matrix_sheets(term, config, db, compare, publishable)
    kind = "publishable" if publishable else "internal, exact counts"
    title = f"{config.authority} · Fair Access Panel data matrix of need · {terms[-1]} ({kind})"
    try:
        return write(sheets, out, title=title, publishable=publishable, authority=config.authority,
                     term=terms[-1], symbols=symbols_note(config.suppression_threshold))
    except OSError as e:
        raise save_error(out, e, MatrixError) from None
