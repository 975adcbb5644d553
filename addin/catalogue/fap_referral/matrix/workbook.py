"""Write the matrix as a native Excel workbook: tables, frozen headers, heat maps, live charts, in-cell bars."""
from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule, DataBarRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from addin.checks.annotate import set_text
from addin.catalogue.fap_referral.matrix.build import REFERRALS, Block, Sheet
from addin.catalogue.fap_referral.matrix import MARKING

INTERNAL_BANNER = ("INTERNAL – contains unsuppressed counts. Not for publication or sharing outside the "
                   "Fair Access Panel; for the board, use the Briefing button in Excel (or 'safecontext brief'), "
                   "or a publishable matrix ('safecontext matrix --publishable').")
_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_TOTAL_FONT = Font(bold=True)
_PERCENT = re.compile(r"-?\d+(\.\d+)?%")
_COL_WIDTH = 16                          # every column but A, in Excel's character widths
_ROW_PT, _HEADER_PT, _CM_PT = 15, 45, 28.35  # a default row and a header row in points; points per cm


def write(sheets: list[Sheet], path: Path, *, title: str, publishable: bool, symbols: str, authority: str = "",
          term: str = "") -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    used_names: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name[:31])
        labels: list[str] = [label for label, _ in sheet.lines]
        chart_end = (0, 0)  # the last row and column a chart covers
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
            if isinstance(value, str) and _PERCENT.fullmatch(value):  # a share: a number, shown as 56.7%
                cell.value, cell.number_format = float(value[:-1]) / 100, "0.0%"
            elif isinstance(value, str):
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
            labels += [str(i) for i in block.counts.index]
            row, chart = _write_block(ws, block, row, used_names, sheet.name)
            chart_end = max(chart_end, chart)
            row = max(row, chart_end[0]) + 2  # nothing under a chart
        if publishable:  # one wrapped paragraph, so it does not widen the printed page
            width = max(6, ws.max_column)
            set_text(ws.cell(row=row, column=1), symbols)
            ws.cell(row=row, column=1).font = Font(italic=True, size=9)
            ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            ws.row_dimensions[row].height = 40
        width_a = _label_column(ws, labels)
        # Printed, the page holds the title (Excel cuts text that runs past the last column) and the charts.
        title_cols = 1 + math.ceil(max(0, len(title) * 1.3 - width_a) / _COL_WIDTH)
        last_col = max(ws.max_column, chart_end[1], title_cols)
        for c in range(2, last_col + 1):
            ws.column_dimensions[get_column_letter(c)].width = _COL_WIDTH
        for block in sheet.blocks:  # room for the in-cell bars of an UpSet table
            if block.chart == "upset":
                ws.column_dimensions[get_column_letter(len(block.counts.columns) + 1)].width = 2 * _COL_WIDTH
        ws.print_area = f"A1:{get_column_letter(last_col)}{max(ws.max_row, chart_end[0])}"
        _print_setup(ws, publishable, authority, term)
        if first_header and len(sheet.blocks) == 1:
            ws.freeze_panes = ws.cell(row=first_header + 1, column=2)
        else:
            ws.freeze_panes = "B4"
    wb.save(path)
    return path


def _label_column(ws, labels: list[str]) -> float:
    """Column A as wide as its longest row label, within 30 to 60 characters; a longer label wraps."""
    width = min(60, max([30] + [len(label) + 2 for label in labels]))
    ws.column_dimensions["A"].width = width
    wrapped = set(label for label in labels if len(label) + 2 > width)
    for cell in ws["A"]:
        if cell.value in wrapped and not cell.font.bold:  # titles and notes keep running across
            for c in ws[cell.row]:  # the row's numbers level with the label's first line
                c.alignment = Alignment(horizontal=c.alignment.horizontal, vertical="top")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            # Set, not left to the program: LibreOffice does not grow a row for wrapped text on opening.
            ws.row_dimensions[cell.row].height = _ROW_PT * math.ceil(len(cell.value) / (width * 1.2))
    return width


def _header_footer_text(text: str) -> str:
    return text.replace("&", "&&")  # & starts a code in Excel's header and footer


def _print_setup(ws, publishable: bool, authority: str, term: str) -> None:
    """Landscape, one page wide; the marking above, the authority, term, sheet and page x of y below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = MARKING if publishable else f"{MARKING} · INTERNAL: exact counts, not for publication"
    ws.oddHeader.center.size, ws.oddHeader.center.font = 10, "Arial,Bold"
    ws.oddFooter.left.text = _header_footer_text(" · ".join(x for x in (authority[:120], term) if x))
    ws.oddFooter.center.text = "&A"  # the sheet's name
    ws.oddFooter.right.text = "Page &P of &N"
    for part in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right):
        part.size = 9


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


def _write_block(ws, b: Block, row: int, used: set[str], sheet: str) -> tuple[int, tuple[int, int]]:
    """Title, header, rows, totals; returns the last row written and the last row and column its chart covers
    ((0, 0) without one)."""
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
        c.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left" if j == 1 else
                                "center" if b.chart == "upset" and j <= len(cols) else "right")
    ws.row_dimensions[header].height = _HEADER_PT
    r = header
    for idx, values in zip(b.counts.index, b.counts.itertuples(index=False)):
        r += 1
        set_text(ws.cell(row=r, column=1), str(idx))
        for j, v in enumerate(values, start=2):
            if b.chart == "upset" and j <= len(cols):  # the UpSet marks: which concerns the bar's referrals have
                if v:
                    set_text(ws.cell(row=r, column=j), v)
                    ws.cell(row=r, column=j).alignment = Alignment(horizontal="center")
                    ws.cell(row=r, column=j).font = Font(color="1F3864", bold=True)
                continue
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
    chart = (0, 0)
    if b.chart == "upset" and len(b.counts):  # an UpSet chart on its side: each row's bar in its own cell,
        # level with the marks saying which concerns it counts (a chart beside the table could not line up)
        column = get_column_letter(len(cols) + 1)
        ws.conditional_formatting.add(f"{column}{header + 1}:{column}{last_data}",
                                      DataBarRule(start_type="num", start_value=0, end_type="max", color="1F3864",
                                                  showValue=True))
    elif b.chart and len(b.counts):
        chart = _chart(ws, b, header, last_data, len(cols), len(names))
    return r, chart


def _chart(ws, b: Block, header: int, last: int, ncols: int, width: int) -> tuple[int, int]:
    """A native chart beside its table (one empty column between); returns the last row and column it covers."""
    first_col = width + 2
    if b.chart == "bar":
        chart = BarChart()
        chart.type = "bar"
        chart.title = b.title
        chart.y_axis.title = REFERRALS
        data = Reference(ws, min_col=2, max_col=2, min_row=header, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
        chart.legend = None
        chart.x_axis.tickLblSkip = 1                 # every concern named, none skipped
        chart.x_axis.scaling.orientation = "maxMin"  # top to bottom in the table's order
        chart.y_axis.crosses = "max"                 # ... with the counts' axis still at the foot
        chart.height, chart.width = 12, 18
    else:
        chart = LineChart()
        chart.title = b.title
        chart.y_axis.title = REFERRALS
        data = Reference(ws, min_col=2, max_col=min(ncols + 1, 3), min_row=header, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
        chart.height, chart.width = 9, 18
        for series in chart.series:
            series.smooth = False  # straight lines between terms: a curve would show values never counted
            series.marker.symbol = "circle"
        chart.legend.position = "b"
    chart.x_axis.delete = chart.y_axis.delete = False  # Excel hides an axis that does not say so
    ws.add_chart(chart, f"{get_column_letter(first_col)}{header}")
    rows = header + math.ceil((chart.height * _CM_PT - _HEADER_PT) / _ROW_PT)
    cols = first_col + math.ceil(chart.width / (_COL_WIDTH * 0.17))  # a 16-wide column is under 3 cm
    return rows, cols
