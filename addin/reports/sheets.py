"""Writing report workbooks (openpyxl), shared by every report: a sheet's title and note, heading rows, numbers."""
from __future__ import annotations

from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from addin.forms.blank import _fit_row, _font

HEAD = PatternFill("solid", fgColor="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top")


def heads(ws, row: int, texts, widths=None) -> None:
    """A heading row from column B (and the columns' widths, the row tall enough for the wrapped headings)."""
    for j, h in enumerate(texts):
        c = ws.cell(row=row, column=2 + j, value=h)
        c.font, c.fill, c.alignment = _font(bold=True), HEAD, Alignment(wrap_text=True, vertical="center")
    for j, w in enumerate(widths or ()):
        ws.column_dimensions[get_column_letter(2 + j)].width = w
    if widths:
        _fit_row(ws, row, *((str(h), w, 11) for h, w in zip(texts, widths)))


def title(ws, text: str, note: str) -> None:
    """The sheet's title in B1 and its note in B2; printed A4 landscape, one page wide."""
    ws.column_dimensions["A"].width = 2
    ws["B1"] = text
    ws["B1"].font = _font(bold=True, size=14, color="1F3864")
    ws["B2"] = note
    ws["B2"].font = _font(italic=True, color="595959")
    ws.sheet_view.showGridLines = False
    ws.page_setup.paperSize, ws.page_setup.orientation = ws.PAPERSIZE_A4, "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def number(cell, value, fmt="0.00") -> None:
    """A number centred in its cell, in a number format."""
    cell.value = value
    cell.number_format = fmt
    cell.alignment = Alignment(horizontal="center")
