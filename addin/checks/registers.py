"""Check a register (an Excel table, one row per record) row by row, with the same rules as forms."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from addin.checks.run import FileResult, validate_batch
from addin.intake.reader import _COORD, col_to_index
from addin.intake.register import Register, read_register


@dataclass
class RowResult(FileResult):
    """One register row, checked like a form: `path` is the register file."""

    sheet: str = ""
    row: int = 0                 # the Excel row number

    @property
    def source_name(self) -> str:
        return f"{Path(self.path).name} ({self.sheet} row {self.row})"

    @property
    def label(self) -> str:
        return f"{self.path} ({self.sheet} row {self.row})"


@dataclass
class CheckedRegister:
    register: Register
    results: list[RowResult] = field(default_factory=list)

    def __getattr__(self, name):  # path, sheet, table, columns, ignored: as read
        return getattr(self.register, name)


def check_register(path: str | Path, config, form_id: str) -> CheckedRegister:
    """Read a register and type and validate its rows as one batch (the same rules as forms)."""
    reg = read_register(path, form_id)
    checked = CheckedRegister(reg)
    for number, rec in reg.rows:
        res = RowResult(reg.path, record=rec, sheet=reg.sheet, row=number)
        res.problems.extend(rec.problems)
        checked.results.append(res)
    if checked.results:
        validate_batch(checked.results, config)
        for res in checked.results:
            res.problems.sort(key=lambda p: (p.cell is None, _col(p.cell), p.code))
    return checked


def _col(cell: str | None) -> int:
    m = _COORD.match(cell or "")
    return col_to_index(m.group(1)) if m else 0
