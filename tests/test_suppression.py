"""Disclosure control: hand-worked tables, and properties checked by an independent solver."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from addin.suppression import (
    SYMBOLS_NOTE, format_percent, percent, suppress_series, suppress_table, symbols_note,
    table_network,
)
from addin.suppression.network import recoverable

C = "c"


def frame(rows, index=None, columns=None):
    index = index or [f"r{i + 1}" for i in range(len(rows))]
    columns = columns or list("ABCDEFGH"[: len(rows[0])])
    return pd.DataFrame(rows, index=index, columns=columns)


# --- an attacker's view, solved exactly by integer programming --------------------------

def table_entries(counts, row_totals, col_totals, grand):
    """Every published-or-hidden number of a two-way table, keyed by where it sits."""
    values = {("cell", i, j): int(counts.iat[i, j])
              for i in range(counts.shape[0]) for j in range(counts.shape[1])}
    values.update({("row", i): int(t) for i, t in enumerate(row_totals)})
    values.update({("col", j): int(t) for j, t in enumerate(col_totals)})
    values["grand"] = int(grand)
    return values


def table_equations(n_rows, n_cols, additive_rows, additive_cols):
    """Each additive line as (its cells, its total): the total is the sum of the cells."""
    lines = []
    if additive_rows:
        lines += [([("cell", i, j) for j in range(n_cols)], ("row", i)) for i in range(n_rows)]
        lines.append(([("col", j) for j in range(n_cols)], "grand"))
    if additive_cols:
        lines += [([("cell", i, j) for i in range(n_rows)], ("col", j)) for j in range(n_cols)]
        lines.append(([("row", i) for i in range(n_rows)], "grand"))
    return lines


def attacker_ranges(values, hidden, lines):
    """For each hidden key, the least and greatest value it can take, given the published
    numbers, the additive lines and that every hidden number is a whole number >= 1 (zeros
    are always shown).  Integer programme via scipy's HiGHS; a 'greatest' equal to the
    artificial cap means unbounded."""
    hidden = sorted(hidden, key=str)
    if not hidden:
        return {}
    column = {key: k for k, key in enumerate(hidden)}
    rows, rhs = [], []
    for cells, total in lines:
        coefficients = np.zeros(len(hidden))
        constant = 0
        for key, sign in [(cell, 1) for cell in cells] + [(total, -1)]:
            if key in column:
                coefficients[column[key]] += sign
            else:
                constant += sign * values[key]
        if coefficients.any():
            rows.append(coefficients)
            rhs.append(-constant)
        else:
            assert constant == 0, "published numbers contradict an additive total"
    cap = 10 * (sum(values.values()) + 1)
    bounds = Bounds(np.ones(len(hidden)), np.full(len(hidden), cap))
    constraints = [LinearConstraint(np.array(rows), rhs, rhs)] if rows else []
    integrality = np.ones(len(hidden))
    out = {}
    for key, k in column.items():
        ends = []
        for sense in (1, -1):
            objective = np.zeros(len(hidden))
            objective[k] = sense
            result = milp(objective, constraints=constraints, bounds=bounds,
                          integrality=integrality)
            assert result.success, result.message
            ends.append(round(sense * result.fun))
        out[key] = tuple(ends)
    return out


def worked_out(values, hidden, lines):
    """Hidden keys whose value is pinned down exactly (least == greatest)."""
    return sorted((key for key, (lo, hi) in attacker_ranges(values, hidden, lines).items()
                   if lo == hi), key=str)


def hidden_keys(result):
    keys = {("cell", i, j) for i in range(result.mask.shape[0])
            for j in range(result.mask.shape[1]) if result.mask.iat[i, j]}
    keys |= {("row", i) for i, m in enumerate(result.row_totals_mask) if m}
    keys |= {("col", j) for j, m in enumerate(result.col_totals_mask) if m}
    if result.grand_total_suppressed:
        keys.add("grand")
    return keys


# --- hand-worked tables ----------------------------------------------------------------

def test_one_small_count_in_large_ones_hides_the_cheapest_rectangle():
    counts = frame([[2, 10, 12], [11, 13, 15], [14, 16, 17]])
    result = suppress_table(counts)
    # The 2 is primary; its row's smallest partner is 10; columns A and B take 11 and 13
    # (13 sits in row r2, which already needed a second hidden cell).
    assert result.table().values.tolist() == [
        [C, C, 12, 24],
        [C, C, 15, 39],
        [14, 16, 17, 47],
        [27, 39, 44, 110],
    ]
    assert result.primary.values.tolist() == [[True, False, False]] + [[False] * 3] * 2
    assert result.mask.values.sum() == 4
    assert not result.row_totals_mask.any() and not result.col_totals_mask.any()


def test_a_row_whose_only_other_count_is_large_hides_the_large_one():
    counts = frame([[3, 0, 40], [12, 9, 20], [15, 11, 25]])
    result = suppress_table(counts)
    assert result.table().values.tolist() == [
        [C, 0, C, 43],
        [C, 9, C, 41],
        [15, 11, 25, 51],
        [30, 20, 85, 135],
    ]


def test_a_row_with_only_zeros_beside_it_hides_its_total_instead():
    counts = frame([[6, 0, 0], [2, 30, 40], [0, 25, 35]])
    result = suppress_table(counts)
    # The 2 needs a cycle of hidden counts.  Cheapest: column A's 6, whose row r1 has only
    # zeros beside it, so r1's total (6) is hidden; the column of totals then needs a second
    # hidden entry, r2's total 72: 84 hidden.  Through the column totals it would be
    # 8 + 55 + 30 = 93.
    assert result.table().values.tolist() == [
        [C, 0, 0, C],
        [C, 30, 40, C],
        [0, 25, 35, 60],
        [8, 55, 75, 138],
    ]
    assert result.mask.values.tolist() == [[True, False, False], [True, False, False],
                                           [False, False, False]]
    assert result.row_totals_mask.tolist() == [True, True, False]


def test_zeros_stay_zero_and_totals_under_the_threshold_are_hidden():
    counts = frame([[0, 3, 1], [0, 0, 0], [7, 8, 9]])
    result = suppress_table(counts)
    # r1's 3, 1 and total 4 are primary.  The 1 cannot shrink, so the 3 needs a way round:
    # 8 below it and r3's total 24 (the column of totals would otherwise give 4 away); the
    # 1 then needs only the 9.
    assert result.table().values.tolist() == [
        [0, C, C, C],
        [0, 0, 0, 0],
        [7, C, C, C],
        [7, 11, 10, 28],
    ]
    assert result.primary.values.tolist() == [[False, True, True], [False] * 3, [False] * 3]
    values = table_entries(counts, [4, 0, 24], [7, 11, 10], 28)
    assert worked_out(values, hidden_keys(result), table_equations(3, 3, True, True)) == []


def test_two_ones_whose_total_leaves_two_for_them_are_not_enough():
    # Every row and column with a "c" has two, but a reader who knows a "c" is at least 1
    # sees r1's two cells share 12 - 10 = 2: both are 1, and then columns A and B give
    # away the 7 and the 6.
    counts = frame([[1, 1, 10], [8, 9, 10], [7, 6, 10]])
    naive = {("cell", 0, 0), ("cell", 0, 1), ("cell", 2, 0), ("cell", 2, 1)}
    values = table_entries(counts, [12, 27, 23], [16, 16, 30], 62)
    lines = table_equations(3, 3, True, True)
    assert worked_out(values, naive, lines) == sorted(naive, key=str)
    net, cell_edge, *_ = table_network(counts.values.tolist(), [12, 27, 23], [16, 16, 30], 62,
                                       True, True)
    suppressed = {cell_edge[key[1:]] for key in naive}
    assert all(recoverable(net, suppressed, edge) for edge in suppressed)  # the fast audit too
    result = suppress_table(counts)
    # A 1 cannot shrink, so each 1 needs a cycle that leaves r1 through the 10.
    assert result.table().values.tolist() == [
        [C, C, C, 12],
        [8, 9, 10, 27],
        [C, C, C, 23],
        [16, 16, 30, 62],
    ]
    assert worked_out(values, hidden_keys(result), lines) == []


def test_non_additive_rows_need_no_partner_along_the_row():
    # One referral can have several concerns: a row total counts referrals, not concerns.
    counts = frame([[3, 0, 12], [9, 11, 2]], index=["female", "male"],
                   columns=["CSE", "Gangs", "HSB"])
    result = suppress_table(counts, row_totals=[14, 20], additive_rows=False)
    assert result.table().values.tolist() == [
        [C, 0, C, 14],
        [C, 11, C, 20],
        [12, 11, 14, 34],   # grand total: referrals, the sum of the row totals
    ]
    assert result.primary.values.tolist() == [[True, False, False], [False, False, True]]


def test_a_small_non_additive_total_is_hidden_and_protected_in_its_column():
    counts = frame([[3, 0, 2], [9, 11, 12], [10, 15, 7]])
    result = suppress_table(counts, row_totals=[4, 25, 20], additive_rows=False)
    assert result.row_totals.iloc[0] == C
    # The row totals add up to the grand total (49): a second one is hidden, the smallest.
    assert result.row_totals.tolist() == [C, 25, C] and result.grand_total == 49
    values = table_entries(counts, [4, 25, 20], [22, 26, 21], 49)
    lines = table_equations(3, 3, False, True)
    assert worked_out(values, hidden_keys(result), lines) == []


def test_nothing_additive_means_primary_suppression_only():
    counts = frame([[3, 20], [7, 1]])
    result = suppress_table(counts, row_totals=[21, 8], col_totals=[10, 20], grand_total=26,
                            additive_rows=False, additive_cols=False)
    assert result.table().values.tolist() == [[C, 20, 21], [7, C, 8], [10, 20, 26]]


def test_totals_said_to_be_additive_must_be_sums():
    counts = frame([[3, 20], [7, 1]])
    with pytest.raises(ValueError, match="not the sums"):
        suppress_table(counts, row_totals=[21, 8])
    with pytest.raises(ValueError, match="pass the published row totals"):
        suppress_table(counts, additive_rows=False)
    with pytest.raises(ValueError, match="whole number"):
        suppress_table(frame([[1.5, 2]]))
    with pytest.raises(ValueError, match="whole number"):
        suppress_table(frame([[-1, 2]]))
    with pytest.raises(ValueError, match="threshold"):
        suppress_table(counts, threshold=1)


def test_threshold_is_configurable():
    counts = frame([[6, 20], [30, 40]])
    assert suppress_table(counts).mask.values.sum() == 0
    result = suppress_table(counts, threshold=10)
    assert result.primary.values.tolist() == [[True, False], [False, False]]
    assert result.mask.values.sum() == 4


def test_one_way_tables():
    values, total = suppress_series(pd.Series({"CSE": 2, "Gangs": 10, "HSB": 0, "Missing": 30}))
    assert values.tolist() == [C, C, 0, 30] and total == 42
    values, total = suppress_series(pd.Series({"CSE": 2, "Gangs": 1, "HSB": 0}))
    assert values.tolist() == [C, C, 0] and total == C
    # Several concerns per referral: the total is not the sum, so no partner is needed.
    values, total = suppress_series(pd.Series({"CSE": 2, "Gangs": 10}), total=11, additive=False)
    assert values.tolist() == [C, 10] and total == 11
    with pytest.raises(ValueError, match="not the sum"):
        suppress_series(pd.Series({"CSE": 2, "Gangs": 10}), total=11)


def test_the_published_table_keeps_the_callers_labels():
    counts = pd.DataFrame([[2, 10], [11, 13]],
                          index=pd.CategoricalIndex(["Ashford Ward", "Brook Ward"]),
                          columns=["CSE", "HSB"])
    table = suppress_table(counts).table(total_label="All referrals")
    assert list(table.index) == ["Ashford Ward", "Brook Ward", "All referrals"]
    assert list(table.columns) == ["CSE", "HSB", "All referrals"]
    assert table.loc["All referrals", "All referrals"] == 36
    assert table.loc["Ashford Ward", "CSE"] == C


def test_percentages():
    assert percent(10, 40, suppressed=False) == 25.0
    assert percent(3, 40, suppressed=True) == C
    assert percent(10, C, suppressed=False, denominator_suppressed=True) == C
    assert percent(0, C, suppressed=False, denominator_suppressed=True) == 0.0
    assert percent(0, 0, suppressed=False) == 0.0
    assert percent(1, 3, suppressed=False) == pytest.approx(33.3333333)  # unrounded
    assert format_percent(percent(1, 3, suppressed=False)) == "33.3"
    assert format_percent(percent(2, 3, suppressed=False), places=0) == "67"
    assert format_percent(C) == C
    result = suppress_table(frame([[2, 10, 12], [11, 13, 15], [14, 16, 17]]))
    assert result.percentages(of="row").values.tolist() == [
        [C, C, "50.0"], [C, C, "38.5"], ["29.8", "34.0", "36.2"]]
    assert result.percentages(of="grand", places=None).iat[2, 2] == 100 * 17 / 110


def test_percentages_of_a_hidden_total_are_hidden():
    result = suppress_table(frame([[6, 0, 0], [2, 30, 40], [0, 25, 35]]))
    # r2's 30 is shown, but 30 as a % of r2's hidden total would give the total away.
    assert result.percentages(of="row").values.tolist() == [
        [C, "0.0", "0.0"], [C, C, C], ["0.0", "41.7", "58.3"]]


def test_symbols_note():
    assert SYMBOLS_NOTE.startswith(
        "Symbols: c = suppressed: fewer than 5 (or needed to stop a suppressed number being "
        "worked out from totals, on this sheet, another sheet or an earlier term's matrix); 0 = true zero.")
    assert "fewer than five" in SYMBOLS_NOTE
    assert "Counts of 1 to 9 (fewer than ten)" in symbols_note(10)


def test_the_checker_catches_primary_only_suppression():
    counts = frame([[2, 10, 12], [11, 13, 15], [14, 16, 17]])
    values = table_entries(counts, [24, 39, 47], [27, 39, 44], 110)
    lines = table_equations(3, 3, True, True)
    assert worked_out(values, {("cell", 0, 0)}, lines) == [("cell", 0, 0)]
    assert attacker_ranges(values, {("cell", 0, 0)}, lines) == {("cell", 0, 0): (2, 2)}


# --- properties ------------------------------------------------------------------------

count = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 30))
# 1s and 2s sit on the floor of what a "c" can be, where a wrong audit shows first.
tight_count = st.one_of(st.just(0), st.integers(1, 2), st.integers(1, 30))


@st.composite
def tables(draw, counts_from=count):
    n_rows, n_cols = draw(st.integers(1, 6)), draw(st.integers(1, 8))
    counts = frame([[draw(counts_from) for _ in range(n_cols)] for _ in range(n_rows)])
    additive_rows, additive_cols = draw(st.booleans()), draw(st.booleans())
    threshold = draw(st.sampled_from([5, 5, 3, 2, 10]))
    kwargs = dict(threshold=threshold, additive_rows=additive_rows, additive_cols=additive_cols)

    def overlapping(lines):
        # A referral in several columns: the total lies between the largest cell and the sum.
        return [max(line) + draw(st.integers(0, sum(line) - max(line))) for line in lines]

    rows = counts.sum(axis=1).tolist()
    cols = counts.sum(axis=0).tolist()
    if not additive_rows:
        rows = overlapping(counts.values.tolist())
        kwargs["row_totals"] = rows
    if not additive_cols:
        cols = overlapping(counts.values.T.tolist())
        kwargs["col_totals"] = cols
    if additive_cols:
        grand = sum(rows)
    elif additive_rows:
        grand = sum(cols)
    else:
        grand = max(rows + cols) + draw(st.integers(0, 5))
        kwargs["grand_total"] = grand
    return counts, rows, cols, grand, kwargs


def published_and_true(result, values):
    pairs = [(result.cells.iat[i, j], values["cell", i, j])
             for i in range(result.cells.shape[0]) for j in range(result.cells.shape[1])]
    pairs += [(t, values["row", i]) for i, t in enumerate(result.row_totals)]
    pairs += [(t, values["col", j]) for j, t in enumerate(result.col_totals)]
    pairs.append((result.grand_total, values["grand"]))
    return pairs


FAST = settings(max_examples=200, deadline=None)


@FAST
@given(tables())
def test_every_small_count_is_hidden_zeros_are_shown_and_the_rest_is_true(table):
    counts, rows, cols, grand, kwargs = table
    result = suppress_table(counts, **kwargs)
    threshold = kwargs["threshold"]
    values = table_entries(counts, rows, cols, grand)
    for shown, true in published_and_true(result, values):
        if 1 <= true < threshold:
            assert shown == C          # (1) every count 1..threshold-1 is hidden
        elif true == 0:
            assert shown == 0          # (2) a zero is always shown as 0
        else:
            assert shown in (C, true)  # (3) whatever is shown is the true number
            assert shown == C or type(shown) is int
    assert (result.primary <= result.mask).all().all()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_count_can_be_worked_out(table):
    counts, rows, cols, grand, kwargs = table
    result = suppress_table(counts, **kwargs)
    values = table_entries(counts, rows, cols, grand)
    lines = table_equations(*counts.shape, kwargs["additive_rows"], kwargs["additive_cols"])
    hidden = hidden_keys(result)
    ranges = attacker_ranges(values, hidden, lines)
    # (4) every hidden number has at least two possible values, and the truth is among them
    for key, (lo, hi) in ranges.items():
        assert lo < hi, (key, values[key])
        assert lo <= values[key] <= hi


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(counts_from=tight_count), st.data())
def test_the_fast_audit_agrees_with_the_integer_programme(table, data):
    """The module's cycle test and the solver judge any hiding pattern the same way,
    including patterns that leave counts exposed (so the property tests can fail)."""
    counts, rows, cols, grand, kwargs = table
    additive = (kwargs["additive_rows"], kwargs["additive_cols"])
    values = table_entries(counts, rows, cols, grand)
    keys = sorted((key for key, v in values.items() if v > 0), key=str)
    share = data.draw(st.sampled_from([0.2, 0.5, 0.8]))
    hidden = {key for key in keys if data.draw(st.floats(0, 1)) < share}
    cells = counts.values.tolist()
    net, cell_edge, row_edge, col_edge, grand_edge = table_network(cells, rows, cols, grand,
                                                                   *additive)
    edge = {("cell", i, j): e for (i, j), e in cell_edge.items()}
    edge.update({("row", i): e for i, e in enumerate(row_edge)})
    edge.update({("col", j): e for j, e in enumerate(col_edge)})
    edge["grand"] = grand_edge
    suppressed = {edge[key] for key in hidden}
    fast = sorted((key for key in hidden if recoverable(net, suppressed, edge[key])), key=str)
    assert fast == worked_out(values, hidden, table_equations(*counts.shape, *additive))


@settings(max_examples=150, deadline=None)
@given(st.lists(count, min_size=1, max_size=12), st.sampled_from([2, 3, 5, 10]))
def test_one_way_tables_are_protected(numbers, threshold):
    series = pd.Series(numbers, index=[f"k{k}" for k in range(len(numbers))])
    values, total = suppress_series(series, threshold=threshold)
    truth = {("cell", k): v for k, v in enumerate(numbers)} | {"total": sum(numbers)}
    hidden = {("cell", k) for k, v in enumerate(values) if v == C}
    if total == C:
        hidden.add("total")
    for key, true in truth.items():
        shown = total if key == "total" else values.iloc[key[1]]
        assert shown == (C if key in hidden else true)
        assert (shown == C) == (key in hidden)
        if 1 <= true < threshold:
            assert shown == C
        if true == 0:
            assert shown == 0
    lines = [([("cell", k) for k in range(len(numbers))], "total")]
    assert worked_out(truth, hidden, lines) == []


# --- counts another table hides: forced, whatever their size ------------------------------

def test_a_forced_column_total_is_hidden_with_the_smallest_count_that_protects_it():
    counts = frame([[6, 8], [7, 9], [10, 5]])
    s = suppress_table(counts, 5, row_totals=[10, 12, 13], additive_rows=False, hide_col_totals=["A"])
    assert s.table().values.tolist() == [[C, 8, 10], [7, 9, 12], [10, 5, 13], [C, 22, 35]]
    assert not s.primary.any().any()  # nothing was small: both "c"s protect the forced total


def test_a_forced_cell_is_protected_like_a_small_one():
    s = suppress_table(frame([[6, 8], [7, 9], [10, 5]]), 5, hide_cells=[("r2", "B")])
    assert s.table().values.tolist() == [[C, C, 14], [C, C, 16], [10, 5, 15], [23, 22, 45]]


def test_a_forced_series_total_hides_the_smallest_value_and_a_forced_zero_stays_zero():
    values, total = suppress_series(pd.Series({"x": 6, "y": 9, "z": 0}), 5, hide_total=True)
    assert (values.tolist(), total) == ([C, 9, 0], C)
    values, total = suppress_series(pd.Series({"x": 6, "y": 9, "z": 0}), 5, hide=["z"])
    assert (values.tolist(), total) == ([6, 9, 0], 15)


# --- the informed reader's knowledge (addin.suppression.reader) -------------------------------------

def test_the_reader_pins_a_count_its_total_and_a_shown_count_leave_no_room_for():
    from addin.suppression.reader import Knowledge, narrow

    k = Knowledge()
    k.value("total", 12)
    k.value("a", 1, hidden=True)
    k.value("b", 11)
    k.equal(["a", "b"], "total")
    k.at_most(["a"], ["b"])
    exposed = narrow(k, threshold=5)
    assert list(exposed) == ["a"] and (exposed["a"].lo, exposed["a"].hi) == (1, 1)
    assert exposed["a"].binding == ["b", "total"]  # the shown keys of the relations that pin it


def test_two_cs_under_a_total_need_room_for_threshold_values_each():
    """Two "c"s adding up to 6 could each be 1 to 5: five values, enough for threshold 5 but not 6.
    Adding up to 5, each is 1 to 4: the total is what binds them."""
    from addin.suppression.reader import Knowledge, narrow

    def two(total):
        k = Knowledge()
        k.value("total", total)
        k.value("a", 1, hidden=True)
        k.value("b", total - 1, hidden=True)
        k.equal(["a", "b"], "total")
        return k

    assert narrow(two(6), 5) == {}
    assert {key: (r.lo, r.hi) for key, r in narrow(two(6), 6).items()} == {"a": (1, 5), "b": (1, 5)}
    exposed = narrow(two(5), 5)
    assert {key: (r.lo, r.hi, r.binding) for key, r in exposed.items()} == {
        "a": (1, 4, ["total"]), "b": (1, 4, ["total"])}


def test_a_shape_inequality_narrows_a_c_that_totals_alone_leave_wide():
    """CSE "c" beside "any concern" 3 in its row: at most 3, whatever the column's total allows."""
    from addin.suppression.reader import Knowledge, narrow

    k = Knowledge()
    k.value("column total", 20)
    k.value("cse here", 2, hidden=True)
    k.value("cse elsewhere", 18, hidden=True)
    k.value("any here", 3)
    k.equal(["cse here", "cse elsewhere"], "column total")
    assert narrow(k, 5) == {}  # the totals alone: 1 to 19
    k.at_most(["cse here"], ["any here"])
    exposed = narrow(k, 5)
    assert {key: (r.lo, r.hi) for key, r in exposed.items()} == {"cse here": (1, 3), "cse elsewhere": (17, 19)}


def test_a_withheld_zero_and_an_exempt_count_are_not_checked_but_still_known():
    """In a withheld table a "c" may be 0 (floor 0): a true zero is not checked, and neither is a key the
    caller exempts (hidden only because its table is withheld); both still bound the others."""
    from addin.suppression.reader import Knowledge, check, probe

    k = Knowledge()
    k.value("total", 7)
    k.value("zero", 0, hidden=True, floor=0)
    k.value("seven", 7, hidden=True, floor=0)
    k.value("small", 2, hidden=True)
    k.equal(["zero", "seven"], "total")
    k.at_most(["small"], ["seven"])
    assert check(k, "zero", 5) is None
    assert (check(k, "seven", 9).lo, check(k, "seven", 9).hi) == (1, 7)  # at least "small", at least 1
    k.exempt.add("seven")
    assert check(k, "seven", 9) is None
    assert (check(k, "small", 9).lo, check(k, "small", 9).hi) == (1, 7)
    assert probe(k, "total") > 1 and not k.unknown("total")  # hiding the total would free them; not hidden
