"""What the audit adds to its blank workbook: fixed statement cells, unscored stems, and the Summary sheet
(domain means by formula over the score cells, and a native radar chart of them), so the radar follows the
scores as they are typed, in Excel or LibreOffice, with or without SafeContext."""
from __future__ import annotations

from openpyxl.chart import RadarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname

from addin.catalogue.hsb_audit.declaration import DOMAINS, FORM, SCORES, STEMS, scored, statements, table_id
from addin.forms.blank import _SECTION_FILL, _fit_row, _font
from addin.forms.contract import LISTS_SHEET

SUMMARY = "Summary"
# The audit sheet's columns: statement, its text, score (descriptors wrap), evidence, assurance.
WIDTHS = {"B": 20, "C": 64, "D": 30, "E": 42, "F": 36}
_FIXED_FILL = PatternFill("solid", fgColor="EEF2F8")
_STEM_FILL = PatternFill("solid", fgColor="D9D9D9")
_LOCKED = Protection(locked=True)
MEAN_HEAD, FIRST_DOMAIN_ROW, STATEMENT_HEAD = 4, 5, 13  # rows of the Summary sheet


def add_summary(wb, layout, config) -> None:
    from addin.catalogue.hsb_audit.evidence import store_evidence

    ws = wb[FORM.sheet]
    _fix_audit_sheet(ws, layout)
    for number, text in store_evidence(config).items():  # a configured SafeContext's counts for 1.1 and 1.2
        cell = ws[score_cell(layout, number, column=3)]
        cell.value = text
        _fit_row(ws, cell.row, (text, WIDTHS["E"], 11))
    _write_summary(wb, ws, layout)
    wb.calculation.fullCalcOnLoad = True  # the Summary's formulas have no saved values: work them out on opening


def score_cell(layout, number: str, column: int = 2) -> str:
    """The Audit sheet's cell of a statement in a fresh blank: its score ('D12'), or another column of its row
    (0 the number, 1 the text, 3 the evidence, 4 the assurance)."""
    n = int(number.split(".")[0])
    header_row, first_col = layout.tables[table_id(n)]
    i = [k for k, _ in statements(n)].index(number)
    return f"{get_column_letter(first_col + column)}{header_row + 1 + i}"


def _fix_audit_sheet(ws, layout) -> None:
    for col, width in WIDTHS.items():
        ws.column_dimensions[col].width = width
    across = WIDTHS["B"] + WIDTHS["C"] + WIDTHS["D"]
    _fit_row(ws, 3, (FORM.intro, across, 11), at_least=30)
    for row in ws.iter_rows(min_col=2, max_col=2):  # section bars and notes across the table's width
        cell = row[0]
        if cell.fill == _SECTION_FILL:
            for col in "EF":
                ws[f"{col}{cell.row}"].fill = _SECTION_FILL
    for f in FORM.fields:  # labels and help wrap to the new widths
        r = int(layout.cells[f.id][1:])
        _fit_row(ws, r, (f.label, WIDTHS["B"], 11), (f.help, WIDTHS["D"], 9), at_least=48 if f.type == "longtext" else 0)
    note = next(c for row in ws.iter_rows(min_col=2, max_col=2) for c in row if str(c.value).startswith("Scoring key"))
    _fit_row(ws, note.row, (note.value, across, 11))
    for n, _, _ in DOMAINS:
        header_row, first_col = layout.tables[table_id(n)]
        ws.row_dimensions[header_row].height = None  # fitted again to the new widths
        _fit_row(ws, header_row, *((ws.cell(row=header_row, column=first_col + j).value, WIDTHS[col], 11)
                                   for j, col in enumerate("BCDEF")))
        for i, (number, text) in enumerate(statements(n)):
            r = header_row + 1 + i
            for j in (0, 1):  # the statement's number and text: fixed
                cell = ws.cell(row=r, column=first_col + j)
                cell.protection, cell.fill = _LOCKED, _FIXED_FILL
            if number in STEMS:  # introduces its items a-c: shown, never scored
                for j in (2, 3, 4):
                    cell = ws.cell(row=r, column=first_col + j)
                    cell.protection, cell.fill = _LOCKED, _STEM_FILL
                ws.cell(row=r, column=first_col + 1).font = _font(italic=True)
            _fit_row(ws, r, (text, WIDTHS["C"], 11), at_least=0 if number in STEMS else 46)


def _score_list(wb) -> str:
    """The Lists sheet's range holding the score key."""
    lists = wb[LISTS_SHEET]
    for col in lists.iter_cols(min_row=2, max_row=len(SCORES) + 1):
        if tuple(c.value for c in col) == SCORES:
            letter = col[0].column_letter
            return f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(SCORES) + 1}"
    raise ValueError("hsb-audit: the score key is not on the Lists sheet")


def value_formula(cell: str, choices: str) -> str:
    """0-4 from a score cell holding a choice ('3 - To a fair extent ...') or its number; "" otherwise."""
    return (f'=IFERROR(MATCH({cell},{choices},0)-1,IF(ISNUMBER({cell}),'
            f'IF(AND({cell}>=0,{cell}<=4,{cell}=INT({cell})),{cell},""),""))')


def _write_summary(wb, audit, layout) -> None:
    ws = wb.create_sheet(SUMMARY, index=wb.sheetnames.index(FORM.sheet) + 1)
    for col, width in {"A": 2, "B": 18, "C": 12, "D": 12, "E": 14}.items():
        ws.column_dimensions[col].width = width
    ws["B1"] = "Summary: domain means and radar"
    ws["B1"].font = _font(bold=True, size=14, color="1F3864")
    ws["B2"] = '="Agency: "&agency&"   ·   Round: "&round'
    ws["B2"].font = _font(bold=True)
    ws["B3"] = ("Means of the scored statements (0-4), worked out by formula as scores are typed; a domain with "
                "no score yet shows blank. The stems 1.6, 2.1 and 4.1 are not scored.")
    ws["B3"].font = _font(italic=True, color="595959", size=9)
    heads = ("Domain", "Scored", "Statements", "Mean (0-4)")
    for j, h in enumerate(heads):
        c = ws.cell(row=MEAN_HEAD, column=2 + j, value=h)
        c.font, c.alignment = _font(bold=True), Alignment(wrap_text=True, horizontal="center" if j else "left")
    choices = _score_list(wb)
    sheet = quote_sheetname(FORM.sheet)
    r = STATEMENT_HEAD
    for j, h in enumerate(("Statement", "Domain", "Score")):
        ws.cell(row=r, column=2 + j, value=h).font = _font(bold=True)
    spans = {}
    for n, short, _ in DOMAINS:
        first = r + 1
        for number in scored(n):
            r += 1
            ws.cell(row=r, column=2, value=number)
            ws.cell(row=r, column=3, value=n)
            ref = score_cell(layout, number)
            ws.cell(row=r, column=4, value=value_formula(f"{sheet}!${ref[0]}${ref[1:]}", choices))
        spans[n] = f"D{first}:D{r}"
    for i, (n, short, _) in enumerate(DOMAINS):
        row = FIRST_DOMAIN_ROW + i
        span = spans[n]
        ws.cell(row=row, column=2, value=f"{n}. {short}")
        ws.cell(row=row, column=3, value=f"=COUNT({span})")
        ws.cell(row=row, column=4, value=len(scored(n)))
        mean = ws.cell(row=row, column=5, value=f'=IF(COUNT({span})=0,"",AVERAGE({span}))')
        mean.number_format = "0.00"
    last = FIRST_DOMAIN_ROW + len(DOMAINS) - 1
    every = f"D{STATEMENT_HEAD + 1}:D{r}"
    ws.cell(row=last + 1, column=2, value="All domains").font = _font(bold=True)
    ws.cell(row=last + 1, column=3, value=f"=COUNT({every})")
    ws.cell(row=last + 1, column=4, value=len(scored()))
    overall = ws.cell(row=last + 1, column=5, value=f'=IF(COUNT({every})=0,"",AVERAGE({every}))')
    overall.number_format = "0.00"
    for row in ws.iter_rows(min_row=MEAN_HEAD + 1, max_row=r, min_col=3, max_col=5):
        for c in row:
            c.alignment = Alignment(horizontal="center")
    ws.add_chart(radar(ws, MEAN_HEAD, last, "Domain means (0-4)"), "G4")
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def radar(ws, head: int, last: int, title: str, series_cols: tuple[int, ...] = (5,), cats_col: int = 2) -> RadarChart:
    """A radar of the domain means in rows head+1..last (one series per column, named by row `head`), 0-4."""
    chart = RadarChart()
    chart.type = "marker"
    chart.title = title
    chart.style = 26
    for col in series_cols:
        chart.add_data(Reference(ws, min_col=col, min_row=head, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=cats_col, min_row=head + 1, max_row=last))
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 4
    chart.y_axis.majorUnit = 1
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.y_axis.number_format = "0"
    chart.height, chart.width = 11, 16
    if len(series_cols) == 1:
        chart.legend = None
    return chart
