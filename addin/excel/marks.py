"""Problem marks painted live on an open workbook, and taken off again, through xlwings.

Each problem cell is filled red (error) or blue (query) and given a note with the messages;
a sheet "Checks" lists every problem with a link to its cell. Before painting, each cell's own
fill colour and note are recorded in a very hidden sheet, so the next check puts them back;
a colour or note the user has changed since is theirs and is left alone.
"""
from __future__ import annotations

import json
from contextlib import contextmanager

from addin.checks.annotate import CHECKS_SHEET, HEADERS, cell_notes, field_and_section, summary_line
from addin.checks.problems import ERROR, LEGEND, MARK_COLOURS, Problem
from addin.excel import native

COLOURS = {severity: tuple(int(rgb[i:i + 2], 16) for i in (0, 2, 4)) for severity, rgb in MARK_COLOURS.items()}
MARKS_SHEET = "_safecontext_marks"
MARKS_TITLE = "SafeContext marks (the add-in uses this sheet to undo its marks; do not edit)"
OTHER_CHECKS_SHEET = "SafeContext checks"  # when the workbook has a sheet called Checks of its own
_WIDTHS = {"A": 10, "B": 10, "C": 12, "D": 8, "E": 28, "F": 24, "G": 110}


def _hex(rgb) -> str | None:
    return None if rgb is None else "#%02X%02X%02X" % tuple(rgb)


def _rgb(text: str | None):
    return None if not text else tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))


def _text(value):
    """A string Excel keeps as text even when it starts like a formula (=, +, -, @)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _link(sheet: str, cell: str) -> str:
    target = "#'" + sheet.replace("'", "''") + "'!" + cell
    return '=HYPERLINK("' + target.replace('"', '""') + '","' + cell + '")'


def find_sheet(book, name: str):
    for sheet in book.sheets:
        if sheet.name == name:
            return sheet
    return None


@contextmanager
def editable(sheet):
    """Sheet protection lifted for the duration (SafeContext's forms are protected, no password)."""
    state = native.unprotect(sheet)
    try:
        yield sheet
    finally:
        native.protect(sheet, state)


@contextmanager
def quietly(app):
    """Screen updating off while painting, restored afterwards."""
    before = app.screen_updating
    app.screen_updating = False
    try:
        yield
    finally:
        app.screen_updating = before


def _add_note(rng, text: str):
    if hasattr(rng, "add_note"):  # xlwings >= 0.37
        return rng.add_note(text)
    rng.api.AddComment(text)      # older xlwings, Windows
    return rng.note


def _set_note(rng, text: str | None) -> None:
    note = rng.note
    if text is None:
        if note is not None:
            note.delete()
    elif note is not None:
        note.text = text
    else:
        native.size_note(_add_note(rng, text))


# --- the record of marks ----------------------------------------------------------------------

def read_marks(book) -> tuple[list[dict], str | None]:
    """The cells marked by the last check (with their own colour and note) and its Checks sheet."""
    ms = find_sheet(book, MARKS_SHEET)
    if ms is None:
        return [], None
    count = ms.range("B1").value
    checks = ms.range("C1").value or None
    n = int(count) if isinstance(count, (int, float)) else 0
    if n <= 0:
        return [], checks
    rows = ms.range(f"A2:A{n + 1}").options(ndim=1).value
    return [json.loads(r) for r in rows if isinstance(r, str) and r.startswith("{")], checks


def _write_marks(book, marks: list[dict], checks: str | None) -> None:
    ms = find_sheet(book, MARKS_SHEET)
    if ms is None and not marks and not checks:
        return
    if ms is None:
        active = book.sheets.active
        ms = book.sheets.add(MARKS_SHEET, after=list(book.sheets)[-1])
        native.hide(ms)
        active.activate()
    ms.clear_contents()
    ms.range("A1").value = [[MARKS_TITLE, len(marks), _text(checks or "")]]
    if marks:
        ms.range("A2").value = [[json.dumps(m, ensure_ascii=False)] for m in marks]


# --- taking marks off --------------------------------------------------------------------------

def _same_text(a, b) -> bool:
    return (a or "").replace("\r", "") == (b or "").replace("\r", "")


def _undo(rng, mark: dict) -> None:
    """Put back a cell's own colour and note, but only what is still as SafeContext left it."""
    if _hex(rng.color) == mark.get("mark"):
        rng.color = _rgb(mark.get("color"))
    note = rng.note
    if note is not None and _same_text(note.text, mark.get("text")):
        _set_note(rng, mark.get("note"))


def _ours(sheet) -> bool:
    """A Checks sheet written by SafeContext (live, or by 'safecontext validate --annotate')."""
    return tuple(sheet.range("A3:F3").options(ndim=1).value or ()) == HEADERS


def clear(book) -> int:
    """Put back the colours and notes the last check replaced; remove its Checks sheet. How many cells."""
    marks, checks = read_marks(book)
    if not marks and find_sheet(book, MARKS_SHEET) is None and find_sheet(book, CHECKS_SHEET) is None:
        return 0
    with quietly(book.app):
        by_sheet: dict[str, list[dict]] = {}
        for m in marks:
            by_sheet.setdefault(m["sheet"], []).append(m)
        for name, cells in by_sheet.items():
            sheet = find_sheet(book, name)
            if sheet is None:  # deleted or renamed since: nothing to put back
                continue
            with editable(sheet):
                for m in cells:
                    _undo(sheet.range(m["cell"]), m)
        old = find_sheet(book, checks) if checks else None
        if old is None:
            candidate = find_sheet(book, CHECKS_SHEET)
            old = candidate if candidate is not None and _ours(candidate) else None
        if old is not None:
            old.delete()
        if find_sheet(book, MARKS_SHEET) is not None:
            _write_marks(book, [], None)
    return len(marks)


# --- painting ---------------------------------------------------------------------------------

def _worst(found: list[Problem]) -> str:
    return ERROR if any(p.severity == ERROR for p in found) else "query"


def _note_text(found: list[Problem]) -> str:
    return "\n".join(str(p) for p in found)


def paint(book, problems: list[Problem], form=None) -> dict:
    """Mark every problem on its cell and list them all on a Checks sheet; returns what was done."""
    grouped = cell_notes(problems)
    by_sheet: dict[str, list[tuple[str, list[Problem]]]] = {}
    for (sheet, cell), found in grouped.items():
        by_sheet.setdefault(sheet, []).append((cell, found))
    sheets = {name: find_sheet(book, name) for name in by_sheet}
    with quietly(book.app):
        # First record each cell's own colour and note, so that a failure half-way can still be undone.
        marks = []
        for name, cells in by_sheet.items():
            if sheets[name] is None:
                continue
            for cell, found in cells:
                rng = sheets[name].range(cell)
                note = rng.note
                marks.append({"sheet": name, "cell": cell, "color": _hex(rng.color),
                              "note": note.text if note is not None else None,
                              "mark": _hex(COLOURS[_worst(found)]), "text": _note_text(found)})
        checks = None
        if problems:
            checks = CHECKS_SHEET if find_sheet(book, CHECKS_SHEET) is None else OTHER_CHECKS_SHEET
        _write_marks(book, marks, checks)
        for name, cells in by_sheet.items():
            if sheets[name] is None:
                continue
            with editable(sheets[name]):
                for cell, found in cells:
                    rng = sheets[name].range(cell)
                    rng.color = COLOURS[_worst(found)]
                    _set_note(rng, _note_text(found))
        if checks:
            _checks_sheet(book, checks, problems, form)
    return {"cells": len(marks), "checks_sheet": checks}


def _checks_sheet(book, name: str, problems: list[Problem], form=None) -> None:
    ws = book.sheets.add(name, before=list(book.sheets)[0])
    ws.range("A1").value = _text(summary_line(problems))
    ws.range("A1").font.bold = True
    ws.range("A2").value = _text(LEGEND)
    ws.range("A3").value = [list(HEADERS)]
    ws.range("A3:G3").font.bold = True
    rows = []
    for p in problems:
        cell = _link(p.sheet, p.cell) if p.sheet and p.cell else ""
        label, section = field_and_section(p, form)
        rows.append([p.severity, _text(p.code), _text(p.sheet or ""), cell, _text(label), _text(section),
                     _text(p.message)])
    if rows:
        ws.range("A4").value = rows
    for i, p in enumerate(problems, start=4):
        ws.range(f"A{i}").color = COLOURS[p.severity]
    for col, width in _WIDTHS.items():
        ws.range(f"{col}:{col}").column_width = width
    ws.activate()
