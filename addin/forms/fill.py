"""Fill a blank form by field id: the factory behind tests, the demo and the benchmarks."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from addin.config import Config
from addin.forms.blank import build
from addin.forms.model import Form


def _put(cell, value) -> None:
    if value is True:
        value = "Yes"
    elif value is False:
        value = "No"
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text, even when it starts with "="
    elif isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = "dd/mm/yyyy"


class Filler:
    """Builds the blank workbook once, then writes many filled copies (each starts blank)."""

    def __init__(self, form: Form, config: Config):
        self.form = form
        self.wb, self.layout = build(form, config)
        self.ws = self.wb[form.sheet]
        self._formats = {fid: self._cell(fid).number_format for fid in self.layout.cells}

    def _cell(self, fid: str):
        """A field's input cell (on its own sheet, for a section laid out on a sheet of its own)."""
        return self._sheet(fid)[self.layout.cells[fid]]

    def _table_cells(self, tid: str):
        table = self.form[tid]
        header_row, first_col = self.layout.tables[tid]
        capacity = max(table.rows, len(table.preset))
        return table, header_row, first_col, capacity

    def _sheet(self, item_id: str):
        """The sheet a field or table is on (a stage of a form may have a sheet of its own)."""
        sheet = self.layout.sheets.get(item_id)
        return self.wb[sheet] if sheet else self.ws

    def reset(self) -> None:
        for fid, fmt in self._formats.items():
            self._cell(fid).value = None
            self._cell(fid).number_format = fmt
        for tid in self.layout.tables:
            table, header_row, first_col, capacity = self._table_cells(tid)
            for i in range(capacity):
                for j in range(len(table.columns)):
                    preset = table.fixed(i)[j] if j < len(table.fixed(i)) else None
                    self._sheet(tid).cell(row=header_row + 1 + i, column=first_col + j).value = preset

    def fill(self, values: dict | None = None, tables: dict | None = None):
        """Values as given (so tests can type what people type: "Y", "3/9/2015", "95%")."""
        self.reset()
        for fid, value in (values or {}).items():
            _put(self._cell(fid), value)
        for tid, rows in (tables or {}).items():
            table, header_row, first_col, capacity = self._table_cells(tid)
            if len(rows) > capacity:
                raise ValueError(f"{tid}: {len(rows)} rows given, the blank table has {capacity}")
            for i, row in enumerate(rows):
                for j, col in enumerate(table.columns):
                    if col.id in row:
                        _put(self._sheet(tid).cell(row=header_row + 1 + i, column=first_col + j), row[col.id])
        return self.wb

    def save(self, path: str | Path, values: dict | None = None, tables: dict | None = None) -> Path:
        self.fill(values, tables)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.wb.save(path)
        return path


def fill(form: Form, config: Config, values: dict | None = None, tables: dict | None = None,
         path: str | Path | None = None):
    """One filled workbook of `form` (field id -> value; table id -> list of row dicts); saved if `path`."""
    filler = Filler(form, config)
    wb = filler.fill(values, tables)
    if path is not None:
        filler.save(path, values, tables)
    return wb
