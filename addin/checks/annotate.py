"""Annotated copies: every problem cell coloured, a note on it, and a first sheet 'Checks'.

The input workbook is never written: openpyxl drops buttons and shapes, so it only writes copies.
"""
from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from addin.checks.problems import ERROR, Problem

CHECKS_SHEET = "Checks"
FILLS = {"error": PatternFill("solid", fgColor="FFC7CE"), "query": PatternFill("solid", fgColor="FFEB9C")}
HEADERS = ("Severity", "Code", "Sheet", "Cell", "Field", "Message")
WIDTHS = (10, 10, 12, 8, 28, 100)
_TOP = Alignment(vertical="top")
_WRAP = Alignment(wrap_text=True, vertical="top")


def set_text(cell, text: str) -> None:
    """Write text that stays text, even when it looks like a formula (=, +, -, @)."""
    cell.value = text
    cell.data_type = "s"


def cell_notes(problems: list[Problem]) -> dict[tuple[str, str], list[Problem]]:
    """Problems grouped by (sheet, cell); problems without a cell are left out."""
    grouped = defaultdict(list)
    for p in problems:
        if p.sheet and p.cell:
            grouped[(p.sheet, p.cell)].append(p)
    return grouped


def summary_line(problems: list[Problem]) -> str:
    errors = sum(p.severity == ERROR for p in problems)
    queries = len(problems) - errors
    if not problems:
        return "No problems found."
    return (f"{errors} error(s) and {queries} quer(y/ies). Errors must be fixed before the form can be filed; "
            "queries are things to check. Click a cell reference to go to it.")


def annotated_copy(path: Path, problems: list[Problem], out_dir: Path, name: str | None = None) -> Path:
    """Write `<name>.checked.xlsx` in out_dir with the problems marked; return its path."""
    keep_vba = path.suffix.lower() == ".xlsm"
    wb = load_workbook(path, keep_vba=keep_vba, keep_links=True)
    if CHECKS_SHEET in wb.sheetnames:  # a copy that was checked before
        del wb[CHECKS_SHEET]
    for (sheet, cell), found in cell_notes(problems).items():
        if sheet not in wb.sheetnames:
            continue
        c = wb[sheet][cell]
        worst = "error" if any(p.severity == ERROR for p in found) else "query"
        c.fill = FILLS[worst]
        c.comment = Comment("\n".join(str(p) for p in found), "SafeContext", width=320, height=110)
    ws = wb.create_sheet(CHECKS_SHEET, 0)
    set_text(ws["A1"], summary_line(problems))
    ws["A1"].font = Font(name="Calibri", bold=True)  # named: without a name LibreOffice shows a serif face
    for j, h in enumerate(HEADERS, start=1):
        ws.cell(row=3, column=j, value=h).font = Font(name="Calibri", bold=True)
    for i, p in enumerate(problems, start=4):
        for j, v in enumerate((p.severity, p.code, p.sheet or "", p.cell or "", p.field or "", p.message), start=1):
            set_text(ws.cell(row=i, column=j), v)
            ws.cell(row=i, column=j).alignment = _WRAP if j == 6 else _TOP
        ws.cell(row=i, column=1).fill = FILLS[p.severity]
        lines = math.ceil(len(p.message) / (WIDTHS[5] * 1.1 - 3))
        if lines > 1:  # neither Excel nor LibreOffice grows a row for wrapped text when opening a file
            ws.row_dimensions[i].height = 15 * lines + 2
        if p.sheet and p.cell:
            link = ws.cell(row=i, column=4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(p.sheet)}!{p.cell}",
                                       display=p.cell)
            link.font = Font(name="Calibri", color="0563C1", underline="single")
    for col, width in zip("ABCDEF", WIDTHS):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name or path.stem}.checked{'.xlsm' if keep_vba else '.xlsx'}"
    wb.save(target)
    return target
