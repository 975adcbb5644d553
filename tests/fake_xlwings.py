"""A fake Excel for the add-in's tests: the slice of xlwings' Book/Sheet/Range/App the entry points
use, plus the COM calls behind `.api` (sheet protection, very hidden sheets, InputBox).

A FakeBook is opened from a real .xlsx (our own builder's), so names, sheets, fill colours,
notes and sheet protection start as Excel would show them. Like Excel, a protected sheet refuses
colours and notes, and a string written with a leading apostrophe is stored as text.
"""
from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_COLS = re.compile(r"^([A-Z]{1,3}):([A-Z]{1,3})$")


class FakeComError(Exception):
    """What pywin32 raises when Excel refuses a call."""


def _coords(address: str) -> list[list[str]]:
    """Rows of cell references in a rectangular address ("C9", "A1:F3")."""
    first, _, last = address.upper().partition(":")
    m1, m2 = _CELL.match(first), _CELL.match(last or first)
    if not (m1 and m2):
        raise ValueError(f"fake Excel cannot address {address!r}")
    c1, c2 = column_index_from_string(m1.group(1)), column_index_from_string(m2.group(1))
    r1, r2 = int(m1.group(2)), int(m2.group(2))
    return [[f"{get_column_letter(c)}{r}" for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]


def _offset(anchor: str, down: int, right: int) -> str:
    m = _CELL.match(anchor.upper())
    return f"{get_column_letter(column_index_from_string(m.group(1)) + right)}{int(m.group(2)) + down}"


class FakeCell:
    def __init__(self):
        self.value = None
        self.color = None
        self.note = None
        self.bold = False


class FakeNote:
    def __init__(self, cell: FakeCell, sheet: "FakeSheet", text: str):
        self._cell, self._sheet, self._text = cell, sheet, text
        self.api = type("NoteApi", (), {})()
        self.api.Shape = type("Shape", (), {"Width": 100, "Height": 60})()

    @property
    def text(self) -> str:
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._sheet._check_editable("change a note")
        self._text = value

    def delete(self) -> None:
        self._sheet._check_editable("delete a note")
        self._cell.note = None


class FakeFont:
    def __init__(self, rng: "FakeRange"):
        self._rng = rng

    @property
    def bold(self):
        return all(c.bold for row in self._rng._cells() for c in row)

    @bold.setter
    def bold(self, value):
        for row in self._rng._cells():
            for c in row:
                c.bold = bool(value)


class FakeRange:
    def __init__(self, sheet: "FakeSheet", address: str, ndim: int | None = None):
        self.sheet, self.address, self._ndim = sheet, address.upper(), ndim

    def options(self, ndim=None, **_):
        return FakeRange(self.sheet, self.address, ndim)

    def _cells(self) -> list[list[FakeCell]]:
        return [[self.sheet.cell(c) for c in row] for row in _coords(self.address)]

    @property
    def value(self):
        rows = [[c.value for c in row] for row in self._cells()]
        if self._ndim == 2:
            return rows
        if self._ndim == 1:
            return [v for row in rows for v in row]
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1 or all(len(r) == 1 for r in rows):
            return [v for row in rows for v in row]
        return rows

    @value.setter
    def value(self, data):
        self.sheet._check_editable("write a value")
        anchor = self.address.partition(":")[0]
        if not isinstance(data, (list, tuple)):
            data = [[data]]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [list(data)]
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                if isinstance(v, str) and v.startswith("'"):
                    v = v[1:]  # Excel keeps the rest as text
                self.sheet.cell(_offset(anchor, i, j)).value = v

    @property
    def color(self):
        return self._cells()[0][0].color

    @color.setter
    def color(self, rgb):
        self.sheet._check_editable("change a fill colour")
        for row in self._cells():
            for c in row:
                c.color = None if rgb is None else tuple(rgb)

    @property
    def note(self):
        return self._cells()[0][0].note

    def add_note(self, text: str) -> FakeNote:
        cell = self._cells()[0][0]
        if cell.note is not None:
            raise ValueError("This cell already has a note")
        self.sheet._check_editable("add a note")
        cell.note = FakeNote(cell, self.sheet, text)
        return cell.note

    @property
    def font(self) -> FakeFont:
        return FakeFont(self)

    @property
    def column_width(self):
        return self.sheet.widths.get(self.address.partition(":")[0])

    @column_width.setter
    def column_width(self, width):
        m = _COLS.match(self.address)
        for i in range(column_index_from_string(m.group(1)), column_index_from_string(m.group(2)) + 1):
            self.sheet.widths[get_column_letter(i)] = width


class _Protection:
    def __init__(self, **allow):
        for k, v in allow.items():
            setattr(self, k, v)


ALLOW = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
         "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
         "AllowSorting", "AllowFiltering", "AllowUsingPivotTables")


class FakeSheetApi:
    """The COM Worksheet calls the add-in makes through `.api`."""

    def __init__(self, sheet: "FakeSheet"):
        self._sheet = sheet
        self.ProtectContents = False
        self.ProtectDrawingObjects = False
        self.ProtectScenarios = False
        self.Protection = _Protection(**{k: False for k in ALLOW})
        self.password = ""
        self.Visible = -1  # xlSheetVisible; 0 hidden; 2 very hidden
        self.protect_calls: list[dict] = []

    def Unprotect(self, Password=""):  # noqa: N802, N803 (COM names)
        if self.ProtectContents and Password != self.password:
            raise FakeComError("The password you supplied is not correct.")
        self.ProtectContents = self.ProtectDrawingObjects = self.ProtectScenarios = False

    def Protect(self, Password="", DrawingObjects=True, Contents=True, Scenarios=True, **allow):  # noqa: N802, N803
        self.protect_calls.append({"DrawingObjects": DrawingObjects, "Contents": Contents,
                                   "Scenarios": Scenarios, **allow})
        self.password = Password
        self.ProtectContents, self.ProtectDrawingObjects, self.ProtectScenarios = Contents, DrawingObjects, Scenarios
        self.Protection = _Protection(**{k: bool(allow.get(k, False)) for k in ALLOW})


class FakeSheet:
    def __init__(self, book: "FakeBook", name: str):
        self.book, self.name = book, name
        self.cells: dict[str, FakeCell] = {}
        self.widths: dict[str, float] = {}
        self.api = FakeSheetApi(self)

    def __repr__(self):
        return f"<FakeSheet {self.name}>"

    def _check_editable(self, what: str) -> None:
        if self.api.ProtectContents:
            raise FakeComError(f"cannot {what} on the protected sheet {self.name}")

    def cell(self, coord: str) -> FakeCell:
        return self.cells.setdefault(coord.upper().replace("$", ""), FakeCell())

    def range(self, address: str) -> FakeRange:
        return FakeRange(self, address)

    __getitem__ = range

    @property
    def visible(self) -> bool:
        return self.api.Visible == -1

    @visible.setter
    def visible(self, value: bool) -> None:
        self.api.Visible = -1 if value else 0

    def activate(self) -> None:
        self.book.sheets._active = self

    def delete(self) -> None:
        self.book.sheets._remove(self)

    def clear_contents(self) -> None:
        for c in self.cells.values():
            c.value = None

    # test helpers
    def values(self) -> dict[str, object]:
        return {k: c.value for k, c in self.cells.items() if c.value is not None}

    def notes(self) -> dict[str, str]:
        return {k: c.note.text for k, c in self.cells.items() if c.note is not None}

    def colours(self) -> dict[str, tuple]:
        return {k: c.color for k, c in self.cells.items() if c.color is not None}


class FakeSheets:
    def __init__(self, book: "FakeBook"):
        self.book = book
        self._list: list[FakeSheet] = []
        self._active: FakeSheet | None = None

    def __iter__(self):
        return iter(list(self._list))

    def __len__(self):
        return len(self._list)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._list[key]
        for s in self._list:
            if s.name.lower() == key.lower():
                return s
        raise KeyError(key)

    @property
    def active(self) -> FakeSheet:
        return self._active

    def names(self) -> list[str]:
        return [s.name for s in self._list]

    def add(self, name=None, before=None, after=None) -> FakeSheet:
        if self.book.structure_protected:
            raise FakeComError("the workbook's structure is protected")
        if name is None or any(s.name.lower() == name.lower() for s in self._list):
            raise FakeComError(f"a sheet called {name!r} exists already")
        sheet = FakeSheet(self.book, name)
        if before is not None:
            self._list.insert(self._list.index(before), sheet)
        elif after is not None:
            self._list.insert(self._list.index(after) + 1, sheet)
        else:
            self._list.insert(self._list.index(self._active) if self._active else 0, sheet)
        self._active = sheet  # Excel activates a new sheet
        return sheet

    def _remove(self, sheet: FakeSheet) -> None:
        i = self._list.index(sheet)
        self._list.remove(sheet)
        if self._active is sheet:
            self._active = self._list[min(i, len(self._list) - 1)] if self._list else None


class FakeName:
    def __init__(self, name: str, refers_to: str):
        self.name, self.refers_to = name, "=" + refers_to


class FakeBook:
    """An open workbook. `log` records saves and closes in order."""

    def __init__(self, app: "FakeApp", fullname: str):
        self.app, self.fullname = app, fullname
        self.name = Path(fullname).name
        self.sheets = FakeSheets(self)
        self.names: list[FakeName] = []
        self.structure_protected = False
        self.log: list[str] = []
        self.closed = False

    @classmethod
    def from_file(cls, app: "FakeApp", path) -> "FakeBook":
        """Open an .xlsx as Excel would show it: sheets, names, fills, notes, protection."""
        path = Path(path)
        book = cls(app, str(path))
        wb = load_workbook(path)
        for ws in wb.worksheets:
            sheet = FakeSheet(book, ws.title)
            book.sheets._list.append(sheet)
            sheet.api.Visible = {"visible": -1, "hidden": 0, "veryHidden": 2}[ws.sheet_state]
            for row in ws.iter_rows():
                for c in row:
                    fill = c.fill
                    if c.value is not None or (fill is not None and fill.patternType == "solid") or c.comment:
                        cell = sheet.cell(c.coordinate)
                        cell.value = c.value
                        if fill is not None and fill.patternType == "solid" and isinstance(fill.fgColor.rgb, str):
                            rgb = fill.fgColor.rgb[-6:]
                            cell.color = tuple(int(rgb[i:i + 2], 16) for i in (0, 2, 4))
                        if c.comment:
                            cell.note = FakeNote(cell, sheet, c.comment.text)
            p = ws.protection
            if p.sheet:
                sheet.api.ProtectContents = True
                sheet.api.ProtectDrawingObjects = bool(p.objects)
                sheet.api.ProtectScenarios = bool(p.scenarios)
                # openpyxl's flags say what is locked; Excel's Allow* say what is allowed.
                sheet.api.Protection = _Protection(
                    AllowFormattingCells=not p.formatCells, AllowFormattingColumns=not p.formatColumns,
                    AllowFormattingRows=not p.formatRows, AllowInsertingColumns=not p.insertColumns,
                    AllowInsertingRows=not p.insertRows, AllowInsertingHyperlinks=not p.insertHyperlinks,
                    AllowDeletingColumns=not p.deleteColumns, AllowDeletingRows=not p.deleteRows,
                    AllowSorting=not p.sort, AllowFiltering=not p.autoFilter,
                    AllowUsingPivotTables=not p.pivotTables)
        for name, dn in wb.defined_names.items():
            book.names.append(FakeName(name, dn.attr_text))
        book.sheets._active = book.sheets._list[wb.index(wb.active)] if wb.worksheets else None
        return book

    def save(self, path=None) -> None:
        self.log.append("save")
        if self.app.fail_save:
            raise FakeComError("the file is read-only")

    def close(self) -> None:
        self.log.append("close")
        self.closed = True
        if self in self.app.books.opened:
            self.app.books.opened.remove(self)


class FakeAppApi:
    """Application.InputBox: answers come from app.answers (None = Cancel); prompts are recorded."""

    def __init__(self, app: "FakeApp"):
        self._app = app

    def InputBox(self, Prompt, Title=None, Default=None, Left=None, Top=None, HelpFile=None,  # noqa: N802, N803
                 HelpContextID=None, Type=None):  # noqa: N803
        self._app.prompts.append((Prompt, Title, Default, Type))
        answer = self._app.answers.pop(0) if self._app.answers else Default
        return False if answer is None else answer


class FakeBooks:
    def __init__(self, app: "FakeApp"):
        self.app = app
        self.opened: list[FakeBook] = []

    def open(self, fullname) -> FakeBook:
        book = FakeBook.from_file(self.app, fullname)
        self.opened.append(book)
        return book


class FakeApp:
    def __init__(self):
        self.alerts: list[dict] = []
        self.books = FakeBooks(self)
        self.api = FakeAppApi(self)
        self.screen_updating = True
        self.answers: list[str | None] = []
        self.prompts: list[tuple] = []
        self.fail_save = False

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append({"prompt": prompt, "title": title, "mode": mode})
        return "ok"

    def open(self, path) -> FakeBook:
        """Test helper: open a workbook as the user would (not recorded as opened by the add-in)."""
        return FakeBook.from_file(self, path)
