"""Disclosure control applied to a built matrix: what may leave the panel."""
from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import pandas as pd

from addin.catalogue.fap_referral.declaration import CONCERNS
from addin.catalogue.fap_referral.matrix.build import DEGREES_INDEX, Block, Sheet
from addin.catalogue.fap_referral.matrix.labels import ALL_REFERRALS, ANY, NOT_RECORDED, REFERRALS
from addin.suppression import SUPPRESSED, suppress_series, suppress_table

SUMMARY, OVERLAPS, TREND, CONTEXTS = "Summary", "Overlaps", "Trend", "Contexts"
OTHER_COMBINATIONS = "All other combinations"
CHANGE_PREFIX = "Change"
TOP_PREFIX = "Most common concern"
SOCIAL_CARE = CONCERNS["open_to_social_care"]  # in the concerns table, but not a concern to rank
DATA_QUALITY, BLANKS_OF = "Data quality", "Referrals filed"


def _small(v, threshold: int) -> bool:
    return _positive(v) and v < threshold


def _positive(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


TWO, QUERIES, SCHOOLS_WITH = "Referrals with two or more concerns", "Filed with queries to check", "Schools with referrals"
LINE_KEYS = {REFERRALS: REFERRALS, ANY: ANY, BLANKS_OF: REFERRALS, TWO: TWO, QUERIES: QUERIES}
MINIMUM_TOTAL = 20  # addin.config's default minimum_publishable_total
HEADLINE = "Headline counts only"
TWO_OR_MORE = "Two or more concerns"  # referrals by number of concerns: "two" and "three or more" together


def publishable(sheets: list[Sheet], threshold: int, earlier: dict[str, set[str]] | None = None,
                minimum_total: int = MINIMUM_TOTAL) -> list[Sheet]:
    """A copy of `sheets` with every count suppressed as the rules say; exact sheets are untouched.

    The same number is printed on several sheets (a concern's total on Summary, as the Total row
    of every "by ... and concern" block, on Contexts, on the co-occurrence diagonal and in the
    Trend; the number of referrals and of referrals with any concern likewise).  Each block is
    suppressed on its own, so a number one block has to hide (five 1s under a total of 5 are all
    1 unless the total is hidden) is then hidden everywhere, and every block suppressed again
    with it hidden, until no block hides a number another shows.

    Then the whole matrix is checked against a reader who also knows how its numbers relate (a
    concern count is at most its row's "any concern" count, which is at most its referrals, and the
    rest listed in addin.catalogue.fap_referral.matrix.informed): more is hidden, combinations pooled or tables withheld
    until every "c" could be at least `threshold` different values.

    Schools and wards with fewer than twice the threshold referrals are counted together as "Other
    schools" ("Other wards") where every one of them could then still have had none or the threshold or
    more (_pool_rare), unless that table is withheld all the same.

    A term with fewer than `minimum_total` referrals publishes headline counts only (headline()),
    and so does one whose breakdown nothing can protect.

    `earlier`: for each earlier term in the Trend, the numbers of its own that its publishable
    matrix hides (hidden_numbers()); they stay hidden in the Trend and the summary lines here.
    """
    return _protected(sheets, threshold, earlier, minimum_total)[0]


def hidden_numbers(sheets: list[Sheet], threshold: int, minimum_total: int = MINIMUM_TOTAL) -> set[str]:
    """What the term's publishable matrix hides of its own totals: REFERRALS, ANY, concern labels."""
    return {key for key in _protected(sheets, threshold, None, minimum_total, keys_only=True)[1]
            if isinstance(key, str)}


def referrals(sheets: list[Sheet]) -> int:
    """The number of referrals a built matrix counts (its Summary line)."""
    return int(dict(next(s for s in sheets if s.name == SUMMARY).lines)[REFERRALS])


def headline_reason(minimum_total: int) -> str:
    """Why a term publishes headline counts only, in plain English."""
    return (f"This term had fewer than {minimum_total} referrals, so only headline counts are published, to "
            "protect the children concerned.")


UNPROTECTABLE = ("This term's breakdown could not be published without letting a small number be worked out, "
                 "so only headline counts are published, to protect the children concerned.")


def headline(sheets: list[Sheet], threshold: int, reason: str) -> list[Sheet]:
    """Headline counts only: one Summary sheet with the authority, the term, the number of referrals (c when
    it is 1 to threshold-1) and why nothing more is published."""
    lines = dict(next(s for s in sheets if s.name == SUMMARY).lines)
    n = int(lines[REFERRALS])
    return [Sheet(SUMMARY, [], [("Authority", lines["Authority"]), ("Term", lines["Term"]),
                                (REFERRALS, SUPPRESSED if _small(n, threshold) else n), (HEADLINE, reason)])]


def is_headline(sheets: list[Sheet]) -> bool:
    """True for a publication of headline counts only."""
    return any(label == HEADLINE for s in sheets for label, _ in s.lines)


def _protected(sheets, threshold, earlier, minimum_total, keys_only=False):
    """(published sheets, keys hidden); with `keys_only`, (None, keys hidden).

    Schools and wards with few referrals are pooled first (_pool_rare); a pooled table that is withheld all
    the same is published unpooled instead (pooling it bought nothing, and the knowledge it adds can cost
    numbers elsewhere), and the matrix protected again."""
    n = referrals(sheets)
    # what headline counts only leave hidden of the term's own totals: all but the number of referrals
    unpublished = {ANY} | set(CONCERNS.values()) | ({REFERRALS} if _small(n, threshold) else set())
    if n < minimum_total:
        return headline(sheets, threshold, headline_reason(minimum_total)), unpublished
    pooled = [_pool_rare(s, threshold) for s in sheets]
    names = {p.name for s, p in zip(sheets, pooled) if p is not s}
    if names:
        out, hidden = _protect_all(pooled, threshold, earlier, unpublished, keys_only=False)
        kept = {s.name for s in out if s.name in names and not s.blocks[0].withheld} if not is_headline(out) else set()
        if kept == names:
            return (None if keys_only else out), hidden
        sheets = [p if p.name in kept else s for s, p in zip(sheets, pooled)]
    return _protect_all(sheets, threshold, earlier, unpublished, keys_only)


def _protect_all(sheets, threshold, earlier, unpublished, keys_only):
    """_protected for sheets as they are (after any pooling)."""
    from addin.catalogue.fap_referral.matrix import informed

    out, forced = _linked(sheets, threshold, earlier)
    try:
        out, hidden = informed.protect(sheets, out, threshold,
                                       lambda b, also, hide: _combinations(b, threshold, hide, also),
                                       sheets=not keys_only)
    except informed.Unprotectable:
        return headline(sheets, threshold, UNPROTECTABLE), unpublished
    hidden |= forced
    if keys_only:
        return None, hidden
    withheld = {b.title for s in out for b in s.blocks if b.withheld}
    pooled = any(POOLED[SCHOOLS] in b.counts.index for x in out if x.name == SCHOOLS for b in x.blocks)
    result = []
    for exact, s in zip(sheets, out):
        lines = _ranking(_lines(exact.lines, threshold, hidden), s.blocks) if s.lines else s.lines
        if s.name == SUMMARY and (pooled or any(t.startswith("Referrals by school") for t in withheld)):
            lines = [(label, SUPPRESSED if label == SCHOOLS_WITH and _positive(v) else v) for label, v in lines]
        result.append(Sheet(s.name, s.blocks, lines))
    return result, hidden


SCHOOLS, WARDS = "Schools", "Wards"
POOLED = {SCHOOLS: "Other schools", WARDS: "Other wards"}


def _pool_rare(s: Sheet, threshold: int) -> Sheet:
    """Schools (wards) with fewer than twice the threshold referrals, and those with none, as one row.

    A reader then knows that each school in the pool had 0 to 2 * threshold - 1 referrals: at least
    `threshold` values, and `threshold` or more among them, as for a "c".  So pooling is done only where
    the pool's total leaves every school of the configured list in it free to have had none or `threshold`
    (threshold <= total <= (2 * threshold - 1) * (schools - 1); a school not in the list may be unknown to
    the reader, so it is not counted), where some row stays named and the pool has two rows or more.
    "Not recorded" stays a row of its own.  The pooled row is then a row like any other, for the rules
    and the informed reader; "Schools with referrals" is hidden (it would say how many in the pool had any).
    """
    if s.name not in POOLED or not s.blocks or s.blocks[0].row_totals is None:
        return s
    b, label, most = s.blocks[0], POOLED[s.name], 2 * threshold
    totals = {r: int(v) for r, v in b.row_totals.items()}
    rows = [r for r in b.counts.index if r != NOT_RECORDED]
    pooled = [r for r in rows if totals[r] < most]
    named = [r for r in rows if r not in pooled]
    total = sum(totals[r] for r in pooled)
    known = [r for i, r in enumerate(b.counts.index) if i < b.configured and r in pooled]
    if not named or len(pooled) < 2 or not (total == 0 or threshold <= total <= (most - 1) * (len(known) - 1)):
        return s
    tail = [r for r in b.counts.index if r == NOT_RECORDED]
    counts = pd.concat([b.counts.loc[named], b.counts.loc[pooled].sum().to_frame(label).T, b.counts.loc[tail]])
    counts = counts.astype(int)
    counts.index.name = b.counts.index.name
    row_totals = pd.Series([totals[r] for r in named] + [total] + [totals[r] for r in tail],
                           index=counts.index).astype(int)
    note = (b.note + " " if b.note else "") + (f"{s.name} with fewer than {most} referrals this term, and those with "
                                               f"none, are counted together as {label}.")
    return Sheet(s.name, [replace(b, counts=counts, row_totals=row_totals, note=note, configured=0)] + s.blocks[1:],
                 s.lines)


def _linked(sheets, threshold, earlier):
    """(published sheets, keys hidden): a key is what a number counts, (term, what) for an earlier term's."""
    forced: set = {(term, what) for term, whats in (earlier or {}).items() for what in whats}
    while True:
        out = [_sheet(s, threshold, forced) for s in sheets]
        hidden = {key for s in out for key, value in _shared_values(s) if value == SUPPRESSED}
        if hidden <= forced:
            return out, forced
        forced |= hidden


def _sheet(s: Sheet, threshold: int, forced: set[str]) -> Sheet:
    blocks = [_blanks(b, threshold, dict(s.lines).get(BLANKS_OF)) if s.name == DATA_QUALITY
              else _block(b, threshold, s.name, forced) for b in s.blocks]
    return Sheet(s.name, blocks, _ranking(_lines(s.lines, threshold, forced), blocks))


def _shared(sheet: str, b: Block) -> dict[tuple, str]:
    """Where a block prints a number other sheets print too: position -> what it counts.

    Positions: ("col", label) a Total-row count, ("grand",) the grand total, ("cell", row, column).
    What it counts: REFERRALS (all referrals), ANY, or a concern's label.
    """
    out: dict[tuple, str] = {}
    if sheet == OVERLAPS and b.counts.index.name == DEGREES_INDEX:  # adding up to any concern; its "two or more"
        return {("col", REFERRALS): ANY} | ({("cell", TWO_OR_MORE, REFERRALS): TWO} if TWO_OR_MORE in b.counts.index
                                            else {})
    if sheet == OVERLAPS and b.counts.columns.tolist() == [REFERRALS]:
        return {("col", REFERRALS): ANY}  # the combinations add up to the referrals with any concern
    if b.col_totals is not None:
        out.update({("col", c): REFERRALS if c == ALL_REFERRALS else str(c) for c in b.counts.columns})
    if b.grand_total is not None:
        out[("grand",)] = REFERRALS
    if sheet == SUMMARY and b.counts.columns.tolist() == [REFERRALS]:
        out.update({("cell", r, REFERRALS): str(r) for r in b.counts.index})
    if sheet == OVERLAPS:  # co-occurrence: the diagonal is each concern's total
        out.update({("cell", r, r): str(r) for r in b.counts.index if r in b.counts.columns})
    if sheet == TREND and len(b.counts.index):  # the last row is this term; earlier terms' are theirs
        *before, last = b.counts.index
        out.update({("cell", last, c): str(c) for c in b.counts.columns})
        out.update({("cell", t, c): (str(t), str(c)) for t in before for c in b.counts.columns})
    return out


def _line_key(label: str):
    """What a summary line counts (see _shared), or None: "Referrals in 2026-summer" is an earlier term's."""
    if label in LINE_KEYS:
        return LINE_KEYS[label]
    for what in (REFERRALS, ANY):
        if label.startswith(f"{what} in "):
            return label[len(what) + 4:], what
    return None


def _shared_values(s: Sheet):
    """(what it counts, value shown) for every shared number on a published sheet."""
    for label, value in s.lines:
        if _line_key(label) is not None:
            yield _line_key(label), value
    for b in s.blocks:
        for pos, key in _shared(s.name, b).items():
            if pos[0] == "col":
                yield key, b.col_totals[pos[1]]
            elif pos[0] == "grand":
                yield key, b.grand_total
            else:
                yield key, b.counts.loc[pos[1], pos[2]]


def _ranking(lines, blocks):
    """'Most common concern' lines ranked again among the counts shown, so they say nothing about a
    hidden count: not where it would rank, nor (by a gap in the list) that it is there. A hidden
    count is usually below the threshold, so below every count shown; one hidden only because another
    sheet hides it can be larger, and then the lines rank the concerns shown."""
    shown = {}
    for b in blocks:
        if b.counts.columns.tolist() == [REFERRALS]:
            shown.update({str(k): v for k, v in b.counts[REFERRALS].items()})
    if not shown:
        return lines
    ranked = sorted((k for k, v in shown.items() if _positive(v) and k != SOCIAL_CARE), key=lambda k: -shown[k])
    top = [(f"{TOP_PREFIX} {i}", k) for i, k in enumerate(ranked[:3], start=1)]
    at = next((i for i, (label, _) in enumerate(lines) if label.startswith(TOP_PREFIX)), None)
    if at is None:
        return lines
    rest = [line for line in lines if not line[0].startswith(TOP_PREFIX)]
    return rest[:at] + top + rest[at:]


def _blanks(b: Block, threshold: int, filed) -> Block:
    """Blank counts: hidden when small, and when few referrals have the field filled in (filed - blank).

    That complement is a count other sheets suppress (24 filed, 22 without home information: the
    2 with it are the "c" on Contexts), so it must not be left to subtraction.

    The fields are the ones most often blank, listed in form order: ranked by their counts, a "c"
    between 24 and 22 would be 22 to 24 (23 if the ranking's ties follow the form), whatever is hidden.
    """
    from addin.catalogue.fap_referral.matrix.build import _labels, optional_fields

    def shown(v):
        v = int(v)
        return "c" if _small(v, threshold) or (filed is not None and _small(int(filed) - v, threshold)) else v

    labels = _labels()
    order = {labels[f.id]: i for i, f in enumerate(optional_fields())}
    counts = b.counts.astype(object).map(shown)
    counts = counts.loc[sorted(counts.index, key=lambda r: order.get(str(r), len(order)))]
    return Block(b.title, counts, additive_cols=False, heat=b.heat, note=b.note, chart=b.chart)


def _lines(lines, threshold, forced=frozenset()):
    """Counts on summary lines: 1..threshold-1 become c, and numbers hidden elsewhere (`forced`, keyed
    as _line_key says); a change or share made from a hidden count too. A zero is never hidden."""
    out, hidden = [], set()
    values = dict(lines)
    for label, value in lines:
        if _small(value, threshold) or (_line_key(label) in forced and _positive(value)):
            hidden.add(label)
    for label, value in lines:
        if label in hidden:
            out.append((label, "c"))
        elif label.startswith(CHANGE_PREFIX) and _change_hidden(label, values, hidden):
            out.append((label, "c"))
        elif label.startswith("Share") and (ANY in hidden or REFERRALS in hidden):
            out.append((label, "c"))
        else:
            out.append((label, value))
    return out


def _change_hidden(label: str, values: dict, hidden: set) -> bool:
    """A change is hidden when either of the two counts it is made from (this term's, the last term's)
    is hidden."""
    what = ANY if "any concern" in label else REFERRALS
    return any(k in hidden for k in values if _counted(k) == what)


def _counted(label: str):
    """What a summary line counts, in whichever term: REFERRALS, ANY, or None."""
    key = _line_key(label)
    return key[1] if isinstance(key, tuple) else key


def _block(b: Block, threshold: int, sheet: str, forced=frozenset()) -> Block:
    hide = [pos for pos, key in _shared(sheet, b).items() if key in forced]
    if sheet == CONTEXTS and b.col_totals is not None:  # referrals without it = a Data quality blank count
        n = b.col_totals.get(ALL_REFERRALS, 0)
        hide += [("cell", r, ALL_REFERRALS) for r, v in b.counts[ALL_REFERRALS].items() if _small(int(n - v), threshold)]
    if sheet == OVERLAPS and b.counts.index.name == DEGREES_INDEX:
        return _degrees(b, threshold, forced)
    if sheet == OVERLAPS and b.counts.columns.tolist() == [REFERRALS]:
        return _combinations(b, threshold, hide_total=bool(hide))
    # Totals a block does not publish constrain nothing: pass them as non-additive zeros.
    rows_shown, cols_shown = b.row_totals is not None, b.col_totals is not None
    s = suppress_table(b.counts, threshold,
                       row_totals=b.row_totals if rows_shown else pd.Series(0, index=b.counts.index),
                       col_totals=b.col_totals if cols_shown else pd.Series(0, index=b.counts.columns),
                       grand_total=b.grand_total if b.grand_total is not None else (None if rows_shown and cols_shown else 0),
                       additive_rows=b.additive_rows and rows_shown, additive_cols=b.additive_cols and cols_shown,
                       hide_cells=[p[1:] for p in hide if p[0] == "cell"],
                       hide_col_totals=[p[1] for p in hide if p[0] == "col"],
                       hide_grand_total=("grand",) in hide)
    return Block(b.title, s.cells, row_totals=s.row_totals if b.row_totals is not None else None,
                 col_totals=s.col_totals if b.col_totals is not None else None,
                 grand_total=s.grand_total if b.grand_total is not None else None,
                 additive_rows=b.additive_rows, additive_cols=b.additive_cols, heat=b.heat, note=b.note,
                 chart=b.chart)


def _degrees(b: Block, threshold: int, forced=frozenset()) -> Block:
    """Referrals by number of concerns: one, two, three or more (adding up to "any concern").

    "Two" and "three or more" add up to the Summary's "two or more concerns", so when either is small they are
    shown together as "Two or more concerns" (that line's number) rather than as two "c"s; "one" is "any
    concern" less that line, shown or hidden with it (a small one is c, as it would be anywhere).
    """
    counts = b.counts[REFERRALS].astype(int)
    if not _split(counts, threshold):
        one, two, more = counts.index
        counts = pd.Series({one: int(counts[one]), TWO_OR_MORE: int(counts[two] + counts[more])})
    hide = list(counts.index) if TWO in forced else [counts.index[0]] if ANY in forced else []
    shown, total = suppress_series(counts, threshold, total=int(counts.sum()), additive=True, hide=hide,
                                   hide_total=ANY in forced)
    table = shown.to_frame(REFERRALS)
    table.index.name = b.counts.index.name
    return Block(b.title, table, col_totals=pd.Series({REFERRALS: total}), heat=False, note=b.note)


def _split(counts: pd.Series, threshold: int) -> bool:
    """Whether referrals by number of concerns show "two" and "three or more" apart: neither is small."""
    _, two, more = (int(v) for v in counts)
    return not (_small(two, threshold) or _small(more, threshold))


def _combinations(b: Block, threshold: int, hide_total: bool = False, also=()) -> Block:
    """Rare combinations are pooled into one row, so no single unusual combination is shown.

    A concern's total (and each pair's count on the co-occurrence table) less the combinations
    shown that hold it is the number of pooled referrals with it: that must not be 1 to
    threshold-1 either, so the smallest shown combination holding it joins the pool until none is.
    `also`: combinations to pool whatever their size (the informed reader could narrow them).
    """
    counts = b.counts[REFERRALS].astype(int)
    pooled = set(_pooled(counts, threshold, also))
    keep = counts[[k not in pooled for k in counts.index]]
    rest = int(counts[list(pooled)].sum()) if pooled else 0
    series = pd.concat([keep, pd.Series({OTHER_COMBINATIONS: rest})]) if rest else keep.copy()
    series.index.name = b.counts.index.name
    shown, total = suppress_series(series.astype(int), threshold, total=int(counts.sum()), additive=True,
                                   hide_total=hide_total)
    table = shown.to_frame(REFERRALS)
    return Block(b.title, table, col_totals=pd.Series({REFERRALS: total}), heat=False,
                 note=b.note + f" Combinations of fewer than {threshold} referrals, and any whose count would let "
                               "a smaller one be worked out, are pooled.")


def _pooled(counts: pd.Series, threshold: int, also=()) -> list:
    """The combinations ("CSE + Gangs") to pool: the rare ones, then as few more as keep the pooled count
    of every group a reader can total (each concern, each pair, "two or more concerns", "one concern" and
    the other rows of referrals by number of concerns) at 0 or at least the threshold (each combination joining the pool adds at least that)."""
    members = {k: frozenset(str(k).split(" + ")) for k in counts.index}
    pooled = [k for k in counts.index if counts[k] < threshold or k in also]
    concerns = sorted(set().union(*members.values())) if members else []
    groups = [frozenset([a]).issubset for a in concerns] + \
        [frozenset(p).issubset for p in combinations(concerns, 2)] + \
        [lambda m: len(m) >= 2, lambda m: len(m) == 1]
    by_size = pd.Series([sum(int(counts[k]) for k in counts.index if size(members[k])) for size in
                         (lambda m: len(m) == 1, lambda m: len(m) == 2, lambda m: len(m) >= 3)])
    if _split(by_size, threshold):  # referrals by number of concerns shows two and three or more apart
        groups += [lambda m: len(m) == 2, lambda m: len(m) >= 3]
    while True:
        for holds in groups:
            inside = sum(int(counts[k]) for k in pooled if holds(members[k]))
            holders = [k for k in counts.index if k not in pooled and holds(members[k])]
            if 0 < inside < threshold and holders:
                pooled.append(min(holders, key=lambda k: (int(counts[k]), len(members[k]))))
                break
        else:
            return pooled
