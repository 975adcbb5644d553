"""The intersections of concerns an UpSet chart draws, from a matrix's Overlaps sheet (exact or published).

Every number here is printed on the Overlaps sheet already, or follows from numbers printed there: a
combination listed is its own row of the combinations table; the pooled referrals are split by number of
concerns only where the table of referrals by number of concerns shows each of that table's rows as a
number (the pooled ones with two concerns are "two concerns" less the pairs listed).  So the chart tells a
reader nothing the tables do not, and a "c" is never drawn.
"""
from __future__ import annotations

import pandas as pd

from addin.catalogue.fap_referral.matrix.build import DEGREES, DEGREES_INDEX, POP_CONCERNS, Block, Sheet, concern_labels
from addin.catalogue.fap_referral.matrix.labels import REFERRALS
from addin.catalogue.fap_referral.matrix.publishable import OTHER_COMBINATIONS, OVERLAPS, TWO_OR_MORE

TITLE = "Intersections of concerns (UpSet chart: each bar counts the referrals with exactly the concerns marked)"
INDEX = "Referrals with exactly"
MARK = "●"
NOTE = ("Only combinations published above are drawn. The pooled referrals are shown by how many concerns "
        "they have where the table of referrals by number of concerns says so.")
# the pooled bars' labels, beside combinations listed and where none is
OTHER = {DEGREES[0]: "Other single concerns", DEGREES[1]: "Other pairs of concerns",
         DEGREES[2]: "Other combinations of three or more", TWO_OR_MORE: "Other combinations of two or more"}
ANY = {DEGREES[0]: "One concern (any)", DEGREES[1]: "Two concerns (any pair)",
       DEGREES[2]: "Three or more concerns (any)", TWO_OR_MORE: "Two or more concerns (any)"}
_SIZE = {DEGREES[0]: lambda n: n == 1, DEGREES[1]: lambda n: n == 2, DEGREES[2]: lambda n: n >= 3,
         TWO_OR_MORE: lambda n: n >= 2}


def _count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def bars(sheets: list[Sheet], threshold: int) -> list[tuple[str, frozenset | None, int]]:
    """(label, the concerns of a combination or None for a pooled bar, referrals) for each bar, largest
    combination first and the pooled bars last; empty when the sheets have no Overlaps sheet."""
    overlaps = next((s for s in sheets if s.name == OVERLAPS), None)
    if overlaps is None:
        return []
    combos = next(b for b in overlaps.blocks if b.counts.index.name == "Combination of concerns")
    by_size = next((b for b in overlaps.blocks if b.counts.index.name == DEGREES_INDEX), None)
    listed, pooled = [], None
    for label, value in combos.counts[REFERRALS].items():
        value = value.item() if hasattr(value, "item") else value
        if label == OTHER_COMBINATIONS:
            pooled = value
        elif _count(value) and value > 0:
            listed.append((str(label), frozenset(str(label).split(" + ")), value))
    listed.sort(key=lambda bar: (-bar[2], len(bar[1])))
    if not _count(pooled) or pooled == 0:
        return listed
    split = _split(listed, by_size, pooled, threshold)
    return listed + (split if split is not None else [(OTHER_COMBINATIONS, None, pooled)])


def _split(listed, by_size: Block | None, pooled: int, threshold: int):
    """The pooled referrals by number of concerns, or None where the published numbers do not give it."""
    if by_size is None or by_size.withheld:
        return None
    rows = {str(k): (v.item() if hasattr(v, "item") else v) for k, v in by_size.counts[REFERRALS].items()}
    if not all(_count(v) for v in rows.values()):
        return None
    names = OTHER if listed else ANY
    parts = [(names[row], None, value - sum(n for _, members, n in listed if _SIZE[row](len(members))))
             for row, value in rows.items()]
    if sum(n for *_, n in parts) != pooled or any(n < 0 or 0 < n < threshold for *_, n in parts):
        return None
    return [part for part in parts if part[2] > 0]


def intersections(sheets: list[Sheet], threshold: int) -> Block | None:
    """The bars as a table for the native chart: a column per concern (marked where the bar's combination
    holds it) and the referrals; None when there is nothing to draw."""
    drawn = bars(sheets, threshold)
    if not drawn:
        return None
    concerns = [concern_labels()[c] for c in POP_CONCERNS]
    rows = {label: [MARK if members and c in members else "" for c in concerns] + [n] for label, members, n in drawn}
    counts = pd.DataFrame.from_dict(rows, orient="index", columns=concerns + [REFERRALS])
    counts.index.name = INDEX
    return Block(TITLE, counts, heat=False, additive_cols=False, note=NOTE, chart="upset")


def with_intersections(sheets: list[Sheet], threshold: int) -> list[Sheet]:
    """`sheets` with the intersections table (and its chart) at the foot of the Overlaps sheet."""
    block = intersections(sheets, threshold)
    if block is None:
        return sheets
    return [Sheet(s.name, s.blocks + [block], s.lines) if s.name == OVERLAPS else s for s in sheets]
