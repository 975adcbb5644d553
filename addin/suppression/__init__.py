"""Disclosure control: small counts shown as "c", and no hidden count recoverable from totals.

Use (the termly matrix workbook and the Word briefing do this)::

    from addin.suppression import suppress_table, suppress_series, percent, symbols_note

    result = suppress_table(counts, threshold=5)          # counts: DataFrame of ints
    result.cells, result.row_totals, result.col_totals, result.grand_total   # ints or "c"
    result.mask, result.primary                           # bool: suppressed, and why
    result.table()                                        # cells with a Total row and column
    result.percentages(of="row")                          # % of row totals, "c" where needed
    values, total = suppress_series(counts_by_concern)    # one-way tables
    percent(10, 40, suppressed=False)                     # 25.0; format_percent(...) -> "25.0"
    symbols_note(5)                                       # the note printed under the table

Rules (design principle 8):

- Primary: every count from 1 to threshold-1 is "c", totals included.  True zeros are 0
  and are never suppressed, so a reader knows every "c" stands for 1 or more; the check
  below assumes they know it.
- Secondary: a total is a linear constraint only when it is the sum of its cells.  Say so
  with `additive_rows` (each row total is the sum of its row, and the grand total is the sum
  of the column totals) and `additive_cols` (each column total is the sum of its column, and
  the grand total is the sum of the row totals).  Where one referral can count in several
  columns (several concerns), rows are not additive: pass the row totals you publish and
  `additive_rows=False`.  For each primary count that could still be worked out, the
  cheapest cycle of counts through it is hidden (least total hidden first; a row total when
  the rest of the row is zeros); then each secondary count is shown again, largest first,
  if that leaves nothing recoverable.  So every row and column with a "c" has at least two,
  totals included, and more where two are not enough (two 1s whose published total leaves
  exactly 2 for them are both 1).  The guarantee, checked exactly: for every "c", given all
  published numbers, the additive totals and "c" >= 1, at least two values are possible.
- Forced: a count named in `hide_cells`, `hide_row_totals`, `hide_col_totals`, `hide_grand_total`
  (or `hide`/`hide_total` for a series) is hidden and protected like a primary one whatever its
  size: a number another published table had to hide (addin.catalogue.fap_referral.matrix.publishable links them).
- Percentages come from the exact counts and are "c" where the count is suppressed, or where
  the count is non-zero and its denominator is suppressed.

What this check does not model: a reader who knows which "c"s are primary (so below the
threshold), and inequalities such as "a concern count is at most its row's referrals".  Those
are reader.py's: `Knowledge` holds every published number, the additive totals and such
inequalities as linear relations, and `narrow(knowledge, threshold)` gives each "c" whose
whole-number range, worked out by linear and integer programming (scipy, imported only there),
spans fewer than `threshold` values.  addin.catalogue.fap_referral.matrix.informed builds that knowledge for the
publishable matrix and hides more until there is none.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .network import Network, protect
from .notes import SUPPRESSED, SYMBOLS_NOTE, format_percent, in_words, percent, symbols_note

__all__ = [
    "SUPPRESSED", "SYMBOLS_NOTE", "Suppressed", "format_percent", "in_words", "percent",
    "suppress_series", "suppress_table", "symbols_note", "table_network",
]


@dataclass
class Suppressed:
    """A two-way table ready to publish: ints where shown, "c" where suppressed."""

    cells: pd.DataFrame        # object dtype: ints or "c"
    row_totals: pd.Series      # object dtype, indexed like the rows
    col_totals: pd.Series      # object dtype, indexed like the columns
    grand_total: int | str
    mask: pd.DataFrame         # True where a cell is suppressed (primary or secondary)
    primary: pd.DataFrame      # True where a cell is 1..threshold-1
    row_totals_mask: pd.Series
    col_totals_mask: pd.Series
    grand_total_suppressed: bool
    threshold: int = 5

    def table(self, total_label: str = "Total") -> pd.DataFrame:
        """The cells with the row totals as a last column and the column totals as a last row."""
        rows = [list(self.cells.iloc[i]) + [self.row_totals.iloc[i]]
                for i in range(len(self.cells.index))]
        rows.append(list(self.col_totals) + [self.grand_total])
        return pd.DataFrame(rows, index=list(self.cells.index) + [total_label],
                            columns=list(self.cells.columns) + [total_label], dtype=object)

    def percentages(self, of: str = "row", places: int | None = 1) -> pd.DataFrame:
        """Each cell as a % of its row total, column total or the grand total ("grand").

        Text with `places` decimals, or unrounded floats when `places` is None.
        """
        if of not in ("row", "col", "grand"):
            raise ValueError('of must be "row", "col" or "grand"')
        out = pd.DataFrame(index=self.cells.index, columns=self.cells.columns, dtype=object)
        for i in range(self.cells.shape[0]):
            for j in range(self.cells.shape[1]):
                if of == "row":
                    denominator, hidden = self.row_totals.iloc[i], self.row_totals_mask.iloc[i]
                elif of == "col":
                    denominator, hidden = self.col_totals.iloc[j], self.col_totals_mask.iloc[j]
                else:
                    denominator, hidden = self.grand_total, self.grand_total_suppressed
                hide = bool(self.mask.iat[i, j])
                value = percent(self.cells.iat[i, j], denominator, hide, bool(hidden))
                out.iat[i, j] = value if places is None else format_percent(value, places)
        return out


def suppress_table(counts: pd.DataFrame, threshold: int = 5, row_totals=None, col_totals=None,
                   grand_total=None, additive_rows: bool = True,
                   additive_cols: bool = True, hide_cells=(), hide_row_totals=(), hide_col_totals=(),
                   hide_grand_total: bool = False) -> Suppressed:
    """Suppress a two-way table of counts with its row, column and grand totals.

    Totals default to sums, which are additive; a non-additive total must be passed in
    (a list, or a Series indexed like the rows or columns).  Raises ValueError for negative
    or fractional counts, or for totals said to be additive that are not the sums.

    `hide_cells` ((row, column) labels), `hide_row_totals`, `hide_col_totals` (labels) and
    `hide_grand_total` name counts that must be hidden whatever their size, as primary ones are:
    numbers another published table hides.  Zeros stay 0.
    """
    _check_threshold(threshold)
    values = [[_count(v, "count") for v in row] for row in counts.itertuples(index=False)]
    n_rows, n_cols = counts.shape
    row_sums = [sum(row) for row in values]
    col_sums = [sum(values[i][j] for i in range(n_rows)) for j in range(n_cols)]
    rows = _totals(row_totals, counts.index, row_sums, additive_rows, "row")
    cols = _totals(col_totals, counts.columns, col_sums, additive_cols, "column")
    grand = _grand(grand_total, rows, cols, additive_rows, additive_cols)

    net, cell_edge, row_edge, col_edge, grand_edge = table_network(
        values, rows, cols, grand, additive_rows, additive_cols)
    rows_at, cols_at = {k: i for i, k in enumerate(counts.index)}, {k: j for j, k in enumerate(counts.columns)}
    forced = {cell_edge[rows_at[r], cols_at[c]] for r, c in hide_cells} | \
        {row_edge[rows_at[r]] for r in hide_row_totals} | {col_edge[cols_at[c]] for c in hide_col_totals} | \
        ({grand_edge} if hide_grand_total else set())
    primary, suppressed = protect(net, threshold, forced)

    def shown(edge):
        return SUPPRESSED if edge in suppressed else net.values[edge]

    cells = pd.DataFrame([[shown(cell_edge[i, j]) for j in range(n_cols)] for i in range(n_rows)],
                         index=counts.index, columns=counts.columns, dtype=object)
    mask = pd.DataFrame([[cell_edge[i, j] in suppressed for j in range(n_cols)]
                         for i in range(n_rows)], index=counts.index, columns=counts.columns,
                        dtype=bool)
    prim = pd.DataFrame([[cell_edge[i, j] in primary for j in range(n_cols)]
                         for i in range(n_rows)], index=counts.index, columns=counts.columns,
                        dtype=bool)
    return Suppressed(
        cells=cells,
        row_totals=pd.Series([shown(e) for e in row_edge], index=counts.index, dtype=object),
        col_totals=pd.Series([shown(e) for e in col_edge], index=counts.columns, dtype=object),
        grand_total=shown(grand_edge),
        mask=mask,
        primary=prim,
        row_totals_mask=pd.Series([e in suppressed for e in row_edge], index=counts.index,
                                  dtype=bool),
        col_totals_mask=pd.Series([e in suppressed for e in col_edge], index=counts.columns,
                                  dtype=bool),
        grand_total_suppressed=grand_edge in suppressed,
        threshold=threshold,
    )


def suppress_series(counts: pd.Series, threshold: int = 5, total=None,
                    additive: bool = True, hide=(), hide_total: bool = False) -> tuple[pd.Series, int | str]:
    """Suppress a one-way table; returns (values, total), each an int or "c".

    With `additive=False` (one referral in several categories) pass the published total.
    `hide` (labels) and `hide_total` name counts to hide whatever their size (zeros stay 0).
    """
    _check_threshold(threshold)
    values = [_count(v, "count") for v in counts]
    if total is None:
        if not additive:
            raise ValueError("pass the published total when it is not the sum of the counts")
        total = sum(values)
    total = _count(total, "total")
    if additive and total != sum(values):
        raise ValueError(f"total {total} is not the sum of the counts ({sum(values)}); "
                         "pass additive=False if categories overlap")
    # One node balancing the counts against the total; without one, free self-loops.
    net = Network()
    inflow, node = ("hub", "line") if additive else ("free", "free")
    edges = [net.add(v, inflow, node) for v in values]
    total_edge = net.add(total, node, inflow, is_total=True)
    at = {k: i for i, k in enumerate(counts.index)}
    _, suppressed = protect(net, threshold, {edges[at[k]] for k in hide} | ({total_edge} if hide_total else set()))
    shown = pd.Series([SUPPRESSED if e in suppressed else net.values[e] for e in edges],
                      index=counts.index, dtype=object, name=counts.name)
    return shown, (SUPPRESSED if total_edge in suppressed else total)


def table_network(values, rows, cols, grand, additive_rows: bool, additive_cols: bool):
    """The network of a two-way table: (net, cell edges by (i, j), row, column, grand edges).

    Both additive: P --T_i--> row i --x_ij--> col j --U_j--> Q --G--> P.  Rows only: each
    row node balances its cells against its total, and Q the column totals against G (the
    other ends go to a "hub" whose balance follows from the rest).  Columns only: the same
    turned round, with P balancing the row totals against G.  Neither: free self-loops.
    """
    n_rows, n_cols = len(rows), len(cols)
    if additive_rows and additive_cols:
        def cell(i, j): return ("row", i), ("col", j)
        def row_total(i): return "P", ("row", i)
        def col_total(j): return ("col", j), "Q"
        grand_ends = ("Q", "P")
    elif additive_rows:
        def cell(i, j): return "hub", ("row", i)
        def row_total(i): return ("row", i), "hub"
        def col_total(j): return "hub", "Q"
        grand_ends = ("Q", "hub")
    elif additive_cols:
        def cell(i, j): return "hub", ("col", j)
        def col_total(j): return ("col", j), "hub"
        def row_total(i): return "hub", "P"
        grand_ends = ("P", "hub")
    else:
        def cell(i, j): return "free", "free"
        def row_total(i): return "free", "free"
        def col_total(j): return "free", "free"
        grand_ends = ("free", "free")
    net = Network()
    cell_edge = {(i, j): net.add(values[i][j], *cell(i, j))
                 for i in range(n_rows) for j in range(n_cols)}
    row_edge = [net.add(rows[i], *row_total(i), is_total=True) for i in range(n_rows)]
    col_edge = [net.add(cols[j], *col_total(j), is_total=True) for j in range(n_cols)]
    grand_edge = net.add(grand, *grand_ends, is_total=True)
    return net, cell_edge, row_edge, col_edge, grand_edge


def _check_threshold(threshold) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 2:
        raise ValueError("threshold must be a whole number of at least 2")


def _count(value, what: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {value!r} is not a number") from None
    if not number.is_integer() or number < 0:
        raise ValueError(f"{what} {value!r} is not a whole number of 0 or more")
    return int(number)


def _totals(given, labels, sums, additive: bool, what: str) -> list[int]:
    if given is None:
        if not additive:
            raise ValueError(f"pass the published {what} totals when they are not sums")
        return list(sums)
    if isinstance(given, pd.Series):
        missing = [label for label in labels if label not in given.index]
        if missing:
            raise ValueError(f"{what} totals missing for {missing}")
        given = [given[label] for label in labels]
    given = [_count(v, f"{what} total") for v in given]
    if len(given) != len(sums):
        raise ValueError(f"{len(given)} {what} totals for {len(sums)} {what}s")
    if additive and given != list(sums):
        raise ValueError(f"{what} totals {given} are not the sums {list(sums)}; "
                         f"pass additive_{what[:3]}s=False if one referral can count twice")
    return given


def _grand(given, rows, cols, additive_rows: bool, additive_cols: bool) -> int:
    expected = []
    if additive_cols:
        expected.append(("the sum of the row totals", sum(rows)))
    if additive_rows:
        expected.append(("the sum of the column totals", sum(cols)))
    if given is None:
        if not expected:
            raise ValueError("pass the grand total when neither rows nor columns are additive")
        return expected[0][1]
    given = _count(given, "grand total")
    for what, value in expected:
        if given != value:
            raise ValueError(f"grand total {given} is not {what} ({value})")
    return given
