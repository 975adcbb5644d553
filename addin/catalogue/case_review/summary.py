"""The cross-case summary of the filed contextual case reviews (current versions): counts only, from the ticks,
choices and codes of the reviews, never their free text, and no code in any output.

Each table says what it counts: reviews, contexts (a context is one code of one review, however many of its young
people share it) or young people (one code of one review). The publishable version suppresses small numbers
(addin.suppression): with four to nine reviews in a cohort most cells are "c", as they should be.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from addin.catalogue.case_review.declaration import (AGENCIES, ASPECTS, BEHAVIOURS, DEFINITIONS, ENVIRONMENT_VALUES,
                                                     OUTCOMES, SAFEGUARDED, TIMING)
from addin.errors import UserError

FORM_ID = "case-review"

# id, title, what one count is, the columns (label), whether the rows partition the table's base (additive).
TABLES = (
    ("definitions", "Definition of incident/s", "reviews", ("Reviews",)),
    ("behaviours", "Abusive behaviours, by when they were present", "reviews", tuple(label for _, label in TIMING)),
    ("contexts", "Contexts with evidence of risk or safety (Stage 2 overview tables)", "contexts",
     ("Contexts", "With evidence of risk", "With evidence of safety")),
    ("context_factors", "Contexts in which each was identified (Stage 2 context tables)", "contexts",
     tuple(label for _, label in ASPECTS)),
    ("engagement", "Professional engagement prior to incident and identification", "young people",
     ("Prior to incident", "Prior to identification")),
    ("outcomes", "Outcomes (reviews recording each)", "reviews", ("Reviews",)),
    ("safeguarded", "Individual young people: safeguarded", "young people", ("Young people",)),
)
TITLES = {tid: title for tid, title, _, _ in TABLES}
UNITS = {tid: unit for tid, _, unit, _ in TABLES}


@dataclass
class Summary:
    """Exact counts: table id -> row label -> column label -> count."""

    reviews: int
    young_people: int
    tables: dict[str, dict[str, dict[str, int]]]
    terms: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"reviews": self.reviews, "young_people": self.young_people, **self.tables}


def _code(v) -> str:
    return "".join(str(v).split()).upper() if isinstance(v, str) else ""


def _filled(v) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _tick(v) -> bool:
    return v is True or v == True  # noqa: E712 (a pandas boolean)


def build_summary(records, young_people, overview, contexts, engagement, outcomes) -> Summary:
    """The counts from the store's frames (load_records and load_table_rows of the case review)."""
    recs = records.to_dict("records")
    ids = {r["record_id"] for r in recs}

    def rows(frame):
        return [r for r in frame.to_dict("records") if r["record_id"] in ids]

    def count(pairs) -> int:
        return len(set(pairs))

    tables: dict[str, dict[str, dict[str, int]]] = {}
    tables["definitions"] = {label: {"Reviews": sum(_tick(r[f"definition_{k}"]) for r in recs)}
                             for k, label in DEFINITIONS}
    tables["behaviours"] = {label: {tl: sum(_tick(r[f"behaviour_{k}_{t}"]) for r in recs) for t, tl in TIMING}
                            for k, label in BEHAVIOURS}
    over = rows(overview)
    tables["contexts"] = {
        env: {"Contexts": count((r["record_id"], _code(r["context_code"])) for r in over if r["environment"] == env),
              "With evidence of risk": count((r["record_id"], _code(r["context_code"])) for r in over
                                             if r["environment"] == env and _filled(r["risk"])),
              "With evidence of safety": count((r["record_id"], _code(r["context_code"])) for r in over
                                               if r["environment"] == env and _filled(r["safety"]))}
        for env in ENVIRONMENT_VALUES}
    ctx = rows(contexts)
    tables["context_factors"] = {
        env: {label: count((r["record_id"], _code(r["context_code"])) for r in ctx
                           if r["environment"] == env and _tick(r[k])) for k, label in ASPECTS}
        for env in ENVIRONMENT_VALUES}
    eng = rows(engagement)
    tables["engagement"] = {
        agency: {label: count((r["record_id"], _code(r["code"])) for r in eng if r["agency"] == agency and _tick(r[k]))
                 for k, label in (("prior_incident", "Prior to incident"),
                                  ("prior_identification", "Prior to identification"))}
        for agency in AGENCIES}
    tables["outcomes"] = {label: {"Reviews": sum(_filled(r[f"outcome_{k}_code"]) for r in recs)}
                          for k, label in OUTCOMES}
    out = {}
    for r in rows(outcomes):  # a young person given two rows counts once, by the last
        if r["safeguarded"] in SAFEGUARDED:
            out[(r["record_id"], _code(r["code"]))] = r["safeguarded"]
    tables["safeguarded"] = {v: {"Young people": sum(s == v for s in out.values())} for v in SAFEGUARDED}
    people = count((r["record_id"], _code(r["code"])) for r in rows(young_people) if _code(r["code"]))
    from addin.term import term_key

    return Summary(len(recs), people, tables, sorted({r["term"] for r in recs}, key=term_key))


def load_summary(config, *, db: str | None = None, terms=None) -> Summary:
    """The summary of the reviews filed in the store (current versions; of the given terms, or all)."""
    from addin.store.query import load_records, load_table_rows

    url = db or config.store
    frames = [load_table_rows(url, t, terms, form=FORM_ID)
              for t in ("young_people", "overview", "contexts", "engagement", "outcomes")]
    return build_summary(load_records(url, terms, form=FORM_ID), *frames)


# --- publishable numbers ------------------------------------------------------------------------------------

@dataclass
class Published:
    """The summary as it may leave the partnership: every number an int or "c"."""

    reviews: int | str
    tables: dict[str, dict[str, dict[str, int | str]]]
    threshold: int
    withheld: bool = False   # fewer reviews than the minimum: the number of reviews only
    minimum: int = 0

    def as_json(self) -> dict:
        return {"reviews": self.reviews, **self.tables}


def publishable(summary: Summary, threshold: int = 5, minimum: int = 0) -> Published:
    """Small numbers suppressed, column by column. No total but the number of reviews is published (a column's
    counts overlap, or add up to a number that is not published), so each count is hidden when it is 1 to
    threshold-1; where an environment's contexts are hidden, so is every other count of its row (each is at most
    that number, so a shown one could pin it); a count whose difference from the published number it is part of
    (the reviews, an environment's contexts) is 1 to threshold-1 is hidden too. True zeros stay 0. Fewer reviews
    than `minimum`: their number only."""
    import pandas as pd

    from addin.suppression import SUPPRESSED, suppress_series

    (shown_reviews,), _ = suppress_series(pd.Series([summary.reviews]), threshold)
    if summary.reviews < minimum:
        return Published(shown_reviews, {}, threshold, withheld=True, minimum=minimum)
    out: dict[str, dict[str, dict[str, int | str]]] = {}
    for tid, rows in summary.tables.items():
        out[tid] = {row: {} for row in rows}
        for column in next(iter(rows.values())):
            counts = pd.Series({row: rows[row][column] for row in rows})
            values, _ = suppress_series(counts, threshold, total=int(counts.sum()), additive=False)
            for row in rows:
                out[tid][row][column] = values[row]
    for row in out["contexts"]:
        if out["contexts"][row]["Contexts"] == SUPPRESSED:
            out["contexts"][row] = {k: SUPPRESSED if v != 0 else 0 for k, v in out["contexts"][row].items()}
            out["context_factors"][row] = {k: SUPPRESSED if v != 0 else 0
                                           for k, v in out["context_factors"][row].items()}
    # A count of reviews (or of an environment's contexts) with something, beside their published number, gives the
    # number without it: hide the count when that difference is small (1 to threshold-1), as for a small count.
    for tid, rows in out.items():
        for row, counts in rows.items():
            for column, value in counts.items():
                if tid in ("contexts", "context_factors"):
                    base = None if (tid, column) == ("contexts", "Contexts") else out["contexts"][row]["Contexts"]
                else:
                    base = shown_reviews if UNITS[tid] == "reviews" else None
                exact = summary.tables[tid][row][column]
                if isinstance(base, int) and value != SUPPRESSED and 0 < base - exact < threshold:
                    counts[column] = SUPPRESSED
    return Published(shown_reviews, out, threshold, minimum=minimum)


# --- the workbook ---------------------------------------------------------------------------------------------

class SummaryError(UserError):
    """A summary that cannot be written; str() says what to do."""


def write_summary(summary: Summary, path, *, authority: str, published: Published | None = None,
                  symbols: str = "") -> Path:
    """The summary workbook: exact counts (internal), or with `published` its suppressed numbers (publishable)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from addin.forms.blank import _font
    from addin.reports.files import check_output, save_error
    from addin.reports.sheets import heads, number, title

    path = Path(path)
    check_output(path, SummaryError)
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    kind = "publishable: small numbers suppressed" if published else "internal: exact counts, not for publication"
    terms = f"terms {summary.terms[0]} to {summary.terms[-1]}" if summary.terms else "no reviews filed"
    title(ws, "Contextual case reviews: cross-case summary", f"{authority} · {kind} · {terms}")
    reviews = published.reviews if published else summary.reviews
    ws["B3"] = f"Reviews filed: {reviews}" + ("" if published else f" · young people featured: {summary.young_people}")
    ws["B3"].font = _font(bold=True)
    row = 5
    if published and published.withheld:
        ws.cell(row=row, column=2, value=f"Fewer than {published.minimum} reviews are filed, so only their number is "
                                         "published: with so few, a breakdown would let small numbers be worked "
                                         "out (the setting minimum_publishable_total).").alignment = Alignment(
            wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        ws.row_dimensions[row].height = 45
        row += 2
    for tid, caption, unit, columns in TABLES if not (published and published.withheld) else ():
        ws.cell(row=row, column=2, value=caption).font = _font(bold=True, color="1F3864")
        ws.cell(row=row + 1, column=2, value=f"Counts of {unit}.").font = _font(italic=True, size=9, color="595959")
        heads(ws, row + 2, ["", *columns], [44] + [16] * len(columns))  # its headings' row tall enough
        rows = (published.tables if published else summary.tables)[tid]
        for i, (label, counts) in enumerate(rows.items(), start=row + 3):
            ws.cell(row=i, column=2, value=label)
            for j, column in enumerate(columns, start=3):
                number(ws.cell(row=i, column=j), counts[column], "0")
        row += 4 + len(rows)
    if published and symbols:
        ws.cell(row=row, column=2, value=symbols).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        ws.row_dimensions[row].height = 60
    try:
        wb.save(path)
    except OSError as e:
        raise save_error(path, e, SummaryError) from None
    return path
