"""Disclosure control applied to a built matrix: what may leave the panel."""
from __future__ import annotations

import pandas as pd

from addin.matrix.build import ANY, REFERRALS, Block, Sheet
from addin.suppression import suppress_series, suppress_table

OTHER_COMBINATIONS = "All other combinations"
CHANGE_PREFIX = "Change"
TOP_PREFIX = "Most common concern"
DATA_QUALITY, BLANKS_OF = "Data quality", "Referrals filed"


def _small(v, threshold: int) -> bool:
    return isinstance(v, (int,)) and not isinstance(v, bool) and 0 < v < threshold


def publishable(sheets: list[Sheet], threshold: int) -> list[Sheet]:
    """A copy of `sheets` with every count suppressed as the rules say; exact sheets are untouched."""
    out = []
    for s in sheets:
        blocks = [_blanks(b, threshold, dict(s.lines).get(BLANKS_OF)) if s.name == DATA_QUALITY
                  else _block(b, threshold, s.name) for b in s.blocks]
        out.append(Sheet(s.name, blocks, _ranking(_lines(s.lines, threshold), blocks)))
    return out


def _ranking(lines, blocks):
    """'Most common concern' lines name only concerns whose count is shown: ranking hidden counts
    against each other would say something about them."""
    shown = {}
    for b in blocks:
        if b.counts.columns.tolist() == [REFERRALS]:
            shown.update({str(k): v for k, v in b.counts[REFERRALS].items()})
    if not shown:
        return lines
    return [(label, value) for label, value in lines
            if not (label.startswith(TOP_PREFIX) and shown.get(str(value)) == "c")]


def _blanks(b: Block, threshold: int, filed) -> Block:
    """Blank counts: hidden when small, and when few referrals have the field filled in (filed - blank).

    That complement is a count other sheets suppress (24 filed, 22 without home information: the
    2 with it are the "c" on Contexts), so it must not be left to subtraction.
    """
    def shown(v):
        v = int(v)
        return "c" if _small(v, threshold) or (filed is not None and _small(int(filed) - v, threshold)) else v

    return Block(b.title, b.counts.astype(object).map(shown), additive_cols=False, heat=b.heat, note=b.note,
                 chart=b.chart)


def _lines(lines, threshold):
    """Counts on summary lines: 1..threshold-1 become c; a change or share made from a hidden count too."""
    out, hidden = [], set()
    values = dict(lines)
    for label, value in lines:
        if _small(value, threshold):
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
    """A change is hidden when either of the two counts it is made from is hidden."""
    if "any concern" in label:
        keys = [k for k in values if k.startswith(ANY)]
    else:
        keys = [k for k in values if k == REFERRALS or k.startswith(f"{REFERRALS} in ")]
    return any(k in hidden for k in keys)


def _block(b: Block, threshold: int, sheet: str) -> Block:
    if sheet == "Overlaps" and b.counts.columns.tolist() == [REFERRALS]:
        return _combinations(b, threshold)
    # Totals a block does not publish constrain nothing: pass them as non-additive zeros.
    rows_shown, cols_shown = b.row_totals is not None, b.col_totals is not None
    s = suppress_table(b.counts, threshold,
                       row_totals=b.row_totals if rows_shown else pd.Series(0, index=b.counts.index),
                       col_totals=b.col_totals if cols_shown else pd.Series(0, index=b.counts.columns),
                       grand_total=b.grand_total if b.grand_total is not None else (None if rows_shown and cols_shown else 0),
                       additive_rows=b.additive_rows and rows_shown, additive_cols=b.additive_cols and cols_shown)
    return Block(b.title, s.cells, row_totals=s.row_totals if b.row_totals is not None else None,
                 col_totals=s.col_totals if b.col_totals is not None else None,
                 grand_total=s.grand_total if b.grand_total is not None else None,
                 additive_rows=b.additive_rows, additive_cols=b.additive_cols, heat=b.heat, note=b.note,
                 chart=b.chart)


def _combinations(b: Block, threshold: int) -> Block:
    """Rare combinations are pooled into one row, so no single unusual combination is shown."""
    counts = b.counts[REFERRALS]
    keep = counts[counts >= threshold]
    pooled = int(counts[counts < threshold].sum())
    series = pd.concat([keep, pd.Series({OTHER_COMBINATIONS: pooled})]) if pooled else keep.copy()
    series.index.name = b.counts.index.name
    shown, total = suppress_series(series.astype(int), threshold, total=int(counts.sum()), additive=True)
    table = shown.to_frame(REFERRALS)
    return Block(b.title, table, col_totals=pd.Series({REFERRALS: total}), heat=False,
                 note=b.note + f" Combinations of fewer than {threshold} referrals are pooled.")
