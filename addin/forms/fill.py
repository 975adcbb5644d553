"""Fill a blank form by field id: the factory behind tests, the demo and the benchmarks."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from addin.config import Config
from addin.forms.blank import build
from addin.forms.model import Form


def _cell_value(value):
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return value


def fill(form: Form, config: Config, values: dict | None = None, tables: dict | None = None,
         path: str | Path | None = None, _built=None):
    """A workbook of `form` with `values` (field id -> value) and `tables` (id -> list of row dicts).

    Values are written as given, so tests can type what people type ("Y", "3/9/2015", "95%").
    Returns the openpyxl Workbook; saves it too when `path` is given.
    """
    wb, layout = _built or build(form, config)
    ws = wb[form.sheet]
    for fid, value in (values or {}).items():
        cell = ws[layout.cells[fid]]
        cell.value = _cell_value(value)
        if isinstance(value, str):
            cell.data_type = "s"  # text stays text, even when it starts with "="
        elif isinstance(value, (dt.date, dt.datetime)):
            cell.number_format = "dd/mm/yyyy"
    for tid, rows in (tables or {}).items():
        table = form[tid]
        header_row, first_col = layout.tables[tid]
        capacity = max(table.rows, len(table.preset))
        if len(rows) > capacity:
            raise ValueError(f"{tid}: {len(rows)} rows given, the blank table has {capacity}")
        for i, row in enumerate(rows):
            for j, col in enumerate(table.columns):
                if col.id in row:
                    cell = ws.cell(row=header_row + 1 + i, column=first_col + j)
                    cell.value = _cell_value(row[col.id])
                    if isinstance(row[col.id], str):
                        cell.data_type = "s"
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    return wb
