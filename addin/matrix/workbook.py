"""Write the matrix as a native Excel workbook: tables, frozen headers, heat maps, live charts."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from addin.checks.annotate import set_text
from addin.matrix.build import REFERRALS, Block, Sheet

INTERNAL_BANNER = ("INTERNAL – contains unsuppressed counts. Not for publication or sharing outside the "
                   "Fair Access Panel; use --publishable for the board.")
_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_TOTAL_FONT = Font(bold=True)


def write(sheets: list[Sheet], path: Path, *, title: str, publishable: bool, symbols: str) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    used_names: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name[:31])
        ws["A1"] = title
        ws["A1"].font = Font(bold=True, size=13, color="1F3864")
        if publishable:
            set_text(ws["A2"], "Publishable: small numbers suppressed (see the symbols note at the foot).")
            ws["A2"].font = Font(italic=True)
        else:
            set_text(ws["A2"], INTERNAL_BANNER)
            ws["A2"].font = Font(bold=True, color="C00000")
        ws["A3"] = f"Produced {dt.date.today():%d/%m/%Y} by SafeContext"
        ws["A3"].font = Font(italic=True, color="595959")
        row = 5
        for label, value in sheet.lines:
            set_text(ws.cell(row=row, column=1), label)
            cell = ws.cell(row=row, column=2)
            if isinstance(value, str):
                set_text(cell, value)
                cell.alignment = Alignment(horizontal="right" if value == "c" else "left")
            else:
                cell.value = value
            row += 1
        if sheet.lines:
            row += 1
        first_header = None
        for block in sheet.blocks:
            header_row = row + 1
            first_header = first_header or header_row
            row = _write_block(ws, block, row, used_names, sheet.name) + 2
        if publishable:  # one wrapped paragraph, so it does not widen the printed page
            width = max(6, ws.max_column)
            set_text(ws.cell(row=row, column=1), symbols)
            ws.cell(row=row, column=1).font = Font(italic=True, size=9)
            ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            ws.row_dimensions[row].height = 40
        ws.column_dimensions["A"].width = 46
        for c in range(2, ws.max_column + 1):
            ws.column_dimensions[get_column_letter(c)].width = 16
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if first_header and len(sheet.blocks) == 1:
            ws.freeze_panes = ws.cell(row=first_header + 1, column=2)
        else:
            ws.freeze_panes = "B4"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _table_name(sheet: str, title: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "_", f"{sheet}_{title}").strip("_")[:40] or "Table"
    name, i = base, 2
    while name.casefold() in used:
        name, i = f"{base}_{i}", i + 1
    used.add(name.casefold())
    return name


def _put(cell, value) -> None:
    if isinstance(value, str):
        set_text(cell, value)
        cell.alignment = Alignment(horizontal="right")
    elif hasattr(value, "item"):
        cell.value = value.item()
    else:
        cell.value = value


def _write_block(ws, b: Block, row: int, used: set[str], sheet: str) -> int:
    """Title, header, rows, totals; returns the last row written."""
    set_text(ws.cell(row=row, column=1), b.title)
    ws.cell(row=row, column=1).font = Font(bold=True, size=12)
    header = row + 1
    cols = [str(c) for c in b.counts.columns]
    with_row_totals = b.row_totals is not None
    names = [str(b.counts.index.name or "")] + cols + ([REFERRALS] if with_row_totals and REFERRALS not in cols else [])
    for j, name in enumerate(names, start=1):
        c = ws.cell(row=header, column=j)
        set_text(c, name)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = _HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[header].height = 45
    r = header
    for idx, values in zip(b.counts.index, b.counts.itertuples(index=False)):
        r += 1
        set_text(ws.cell(row=r, column=1), str(idx))
        for j, v in enumerate(values, start=2):
            _put(ws.cell(row=r, column=j), v)
        if with_row_totals:
            _put(ws.cell(row=r, column=len(cols) + 2), b.row_totals.get(idx, 0))
    last_data = r
    if len(b.counts) == 0:  # an Excel table needs a data row
        r += 1
        set_text(ws.cell(row=r, column=1), "(none)")
        last_data = r
    table = Table(displayName=_table_name(sheet, b.title, used),
                  ref=f"A{header}:{get_column_letter(len(names))}{last_data}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    if b.heat and len(b.counts) and len(cols):
        rng = f"B{header + 1}:{get_column_letter(len(cols) + 1)}{last_data}"
        ws.conditional_formatting.add(rng, ColorScaleRule(start_type="min", start_color="FFFFFF",
                                                          end_type="max", end_color="F8696B"))
    if b.col_totals is not None:
        r += 1
        set_text(ws.cell(row=r, column=1), "Total")
        ws.cell(row=r, column=1).font = _TOTAL_FONT
        for j, c in enumerate(b.counts.columns, start=2):
            if c in b.col_totals.index:
                _put(ws.cell(row=r, column=j), b.col_totals[c])
                ws.cell(row=r, column=j).font = _TOTAL_FONT
        if with_row_totals and b.grand_total is not None:
            _put(ws.cell(row=r, column=len(cols) + 2), b.grand_total)
            ws.cell(row=r, column=len(cols) + 2).font = _TOTAL_FONT
    if b.note:
        r += 1
        set_text(ws.cell(row=r, column=1), b.note)
        ws.cell(row=r, column=1).font = Font(italic=True, size=9, color="595959")
    if b.chart and len(b.counts):
        _chart(ws, b, header, last_data, len(cols))
    return r


def _chart(ws, b: Block, header: int, last: int, ncols: int) -> None:
    anchor = f"{get_column_letter(ncols + 4)}{header}"
    if b.chart == "bar":
        chart = BarChart()
        chart.type = "bar"
        chart.title = b.title
        chart.y_axis.title = REFERRALS
        data = Reference(ws, min_col=2, max_col=2, min_row=header, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
        chart.legend = None
        chart.height, chart.width = 9, 16
    else:
        chart = LineChart()
        chart.title = b.title
        chart.y_axis.title = REFERRALS
        data = Reference(ws, min_col=2, max_col=min(ncols + 1, 3), min_row=header, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
        chart.height, chart.width = 9, 18
    ws.add_chart(chart, anchor)
