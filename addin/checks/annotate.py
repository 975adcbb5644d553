"""Annotated copies: every problem cell coloured, a note on it, and a first sheet 'Checks'.

The input workbook is never written: openpyxl drops buttons and shapes, so it only writes copies.
"""
from __future__ import annotations

import io
import math
import re
import warnings
import zipfile
from collections import defaultdict
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from addin.checks.problems import ERROR, LEGEND, MARK_COLOURS, Problem
from addin.errors import UserError
from addin.text import plural, printable

CHECKS_SHEET = "Checks"
FILLS = {severity: PatternFill("solid", fgColor=rgb) for severity, rgb in MARK_COLOURS.items()}
HEADERS = ("Severity", "Code", "Sheet", "Cell", "Field", "Section", "Message")
WIDTHS = (10, 10, 12, 8, 28, 24, 100)
_TOP = Alignment(vertical="top")
_WRAP = Alignment(wrap_text=True, vertical="top")


class AnnotateError(UserError):
    """An annotated copy could not be made; the check's results stand (summary and JSON)."""


def set_text(cell, text: str) -> None:
    """Write text that stays text, even when it looks like a formula (=, +, -, @); control characters,
    which a workbook cannot hold, are written as escapes (\\x1b)."""
    cell.value = printable(text, keep_lines=True)
    cell.data_type = "s"


_XML_ILLEGAL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _without_control_bytes(data: bytes) -> tuple[bytes, int]:
    """The workbook with raw control bytes (not allowed in XML, so openpyxl refuses the file) removed."""
    removed = 0
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            part = zin.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                part, n = _XML_ILLEGAL.subn(b"", part)
                removed += n
            zout.writestr(info.filename, part)
    return out.getvalue(), removed


def _open_for_copy(path: Path, keep_vba: bool):
    """openpyxl's workbook of the file and a note of what had to be left out, or AnnotateError."""
    from addin.intake.reader import ReadError, read_bytes

    try:
        data = read_bytes(path)
    except ReadError as e:
        raise AnnotateError(f"{path}: no annotated copy was made: {e.reason}") from None
    with warnings.catch_warnings():  # openpyxl warns on stderr of cells it cannot show; the check said so
        warnings.simplefilter("ignore")
        try:
            return load_workbook(io.BytesIO(data), keep_vba=keep_vba, keep_links=True), None
        except Exception:  # openpyxl raises many types for what it cannot parse; try once without control bytes
            pass
        try:
            cleaned, removed = _without_control_bytes(data)
            if removed:
                return (load_workbook(io.BytesIO(cleaned), keep_vba=keep_vba, keep_links=True),
                        f"{plural(removed, 'invisible control character')} that a workbook cannot hold "
                        f"{'was' if removed == 1 else 'were'} left out of this copy.")
        except Exception:
            pass
    raise AnnotateError(f"{path}: no annotated copy was made: the workbook holds something the copy cannot be "
                        "written with (an impossible value in a cell). Its problems are in the list above and "
                        "in the JSON; ask the sender to fix them in the form.")


def cell_notes(problems: list[Problem]) -> dict[tuple[str, str], list[Problem]]:
    """Problems grouped by (sheet, cell), each under every cell it involves; problems without a cell are left out."""
    grouped = defaultdict(list)
    for p in problems:
        if p.sheet:
            for cell in p.cells:
                grouped[(p.sheet, cell)].append(p)
    return grouped


def summary_line(problems: list[Problem]) -> str:
    errors = sum(p.severity == ERROR for p in problems)
    queries = len(problems) - errors
    if not problems:
        return "No problems found."
    counts = f"{plural(errors, 'error')} and {plural(queries, 'query', 'queries')}."
    return (f"{counts} Errors must be fixed before the form can be filed; queries are things to check. Click a "
            "cell reference to go to it.")


def field_and_section(p: Problem, form) -> tuple[str, str]:
    """How the Checks sheet names a problem's field: its label and section (the id without a form)."""
    if not p.field:
        return "", ""
    if form is None:
        return p.field, ""
    try:
        return form.label_of(p.field), form.section_of(p.field)
    except (KeyError, StopIteration):
        return p.field, ""


def annotated_copy(path: Path, problems: list[Problem], out_dir: Path,
                   name: str | None = None, form=None) -> tuple[Path, str | None]:
    """Write `<name>.checked.xlsx` in out_dir with the problems marked; return its path and a note of
    anything left out of the copy (None when nothing was). Raises AnnotateError when no copy can be made."""
    path = Path(path)
    keep_vba = path.suffix.lower() == ".xlsm"
    wb, left_out = _open_for_copy(path, keep_vba)
    if CHECKS_SHEET in wb.sheetnames:  # a copy that was checked before
        del wb[CHECKS_SHEET]
    for (sheet, cell), found in cell_notes(problems).items():
        if sheet not in wb.sheetnames:
            continue
        c = wb[sheet][cell]
        worst = "error" if any(p.severity == ERROR for p in found) else "query"
        c.fill = FILLS[worst]
        c.comment = Comment(printable("\n".join(str(p) for p in found), keep_lines=True), "SafeContext",
                            width=320, height=110)
    ws = wb.create_sheet(CHECKS_SHEET, 0)
    set_text(ws["A1"], summary_line(problems) + (f" Note: {left_out}" if left_out else ""))
    ws["A1"].font = Font(name="Calibri", bold=True)  # named: without a name LibreOffice shows a serif face
    set_text(ws["A2"], LEGEND)
    for j, h in enumerate(HEADERS, start=1):
        ws.cell(row=3, column=j, value=h).font = Font(name="Calibri", bold=True)
    for i, p in enumerate(problems, start=4):
        label, section = field_and_section(p, form)
        for j, v in enumerate((p.severity, p.code, p.sheet or "", p.cell or "", label, section, p.message), start=1):
            set_text(ws.cell(row=i, column=j), v)
            ws.cell(row=i, column=j).alignment = _WRAP if j in (5, 6, 7) else _TOP
        ws.cell(row=i, column=1).fill = FILLS[p.severity]
        lines = max(math.ceil(len(p.message) / (WIDTHS[6] * 1.1 - 3)), math.ceil(len(label) / (WIDTHS[4] * 1.1 - 3)))
        if lines > 1:  # neither Excel nor LibreOffice grows a row for wrapped text when opening a file
            ws.row_dimensions[i].height = 15 * lines + 2
        if p.sheet and p.cell:
            link = ws.cell(row=i, column=4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(p.sheet)}!{p.cell}",
                                       display=p.cell)
            link.font = Font(name="Calibri", color="0563C1", underline="single")
    for col, width in zip("ABCDEFG", WIDTHS):
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
    try:
        wb.save(target)
    except Exception as e:  # a value openpyxl will not write: no half-written copy is left behind
        target.unlink(missing_ok=True)
        raise AnnotateError(f"{path}: no annotated copy was made: it could not be written "
                            f"({type(e).__name__}). Its problems are in the list above and in the JSON.") from None
    return target, left_out
