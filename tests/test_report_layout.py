"""How the matrix workbooks and the briefing look on paper: marking, authority, term and page x of y on
every page; numbers as numbers, headed on their side; charts beside their tables and over nothing; no label
cut; the briefing's table headers repeated on each page, "no change", and its notes in plain words."""
from __future__ import annotations

import math
import re
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from test_briefing import briefing  # noqa: F401
from test_matrix import (TERM, convert_to_pdf, fixed, fixed_referrals, internal, public, soffice,  # noqa: F401
                         soffice_writer)

from addin.catalogue.fap_referral.briefing import _change_cell, symbols_words
from addin.catalogue.fap_referral.matrix.build import Sheet
from addin.catalogue.fap_referral.matrix.workbook import write

AUTHORITY = "Ashbridge Borough Council (fictional demo authority)"
EMU_PER_CM = 360_000


# --- the matrix on paper ------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["internal", "public"])
def test_every_sheet_prints_with_the_marking_authority_term_and_page_x_of_y(which, request):
    for ws in load_workbook(request.getfixturevalue(which)).worksheets:
        marking = ws.oddHeader.center.text
        assert marking == ("OFFICIAL – SENSITIVE" if which == "public" else
                           "OFFICIAL – SENSITIVE · INTERNAL: exact counts, not for publication"), ws.title
        assert ws.oddFooter.left.text == f"{AUTHORITY} · {TERM}"
        assert ws.oddFooter.center.text == "&A"           # Excel prints the sheet's name
        assert ws.oddFooter.right.text == "Page &P of &N"  # ... and "Page 2 of 9"
        assert ws.page_setup.orientation == "landscape"
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_an_ampersand_in_the_authority_is_printed_as_itself(tmp_path):
    """& starts a code in Excel's header and footer ("&P" is the page), so it is written twice."""
    out = write([Sheet("Summary", lines=[("Referrals", 25)])], tmp_path / "m.xlsx", title="Smith & Jones",
                publishable=True, symbols="Symbols: c = suppressed.", authority="Smith & Jones", term=TERM)
    assert load_workbook(out)["Summary"].oddFooter.left.text == f"Smith && Jones · {TERM}"


def test_the_internal_warning_speaks_to_excel_users_too(internal):
    warning = load_workbook(internal)["Summary"]["A2"].value
    assert warning == ("INTERNAL – contains unsuppressed counts. Not for publication or sharing outside the Fair "
                       "Access Panel; for the board, use the Briefing button in Excel (or 'safecontext brief'), or "
                       "a publishable matrix ('safecontext matrix --publishable').")


@pytest.mark.parametrize("which", ["internal", "public"])
def test_the_share_is_a_number_shown_as_a_percentage(which, request):
    ws = load_workbook(request.getfixturevalue(which))["Summary"]
    row = next(c.row for c in ws["A"] if c.value == "Share with any peer-on-peer abuse concern")
    share = ws.cell(row, 2)
    assert (share.value, share.data_type, share.number_format) == (0.708, "n", "0.0%")  # shown as 70.8%


def test_headings_align_with_their_numbers(internal):
    ws = load_workbook(internal)["Schools"]
    header = next(c.row for c in ws["A"] if c.value == "Referrals by school and concern") + 1
    cells = [c for c in ws[header] if c.value is not None]
    assert cells[0].value == "School" and cells[0].alignment.horizontal == "left"
    assert [c.alignment.horizontal for c in cells[1:]] == ["right"] * 11
    assert all(isinstance(c.value, int) for c in ws[header + 1][1:12])  # the numbers below: right by nature


def _column_cm(ws, col: int) -> float:
    """Excel's rule: a width of w characters is w * 7 + 5 pixels at 96 per inch."""
    width = ws.column_dimensions[get_column_letter(col)].width or 8.43
    return (width * 7 + 5) / 96 * 2.54


def _row_cm(ws, row: int) -> float:
    return (ws.row_dimensions[row].height or 15) / 72 * 2.54


def _covered(ws, chart) -> tuple[range, range]:
    """The rows and columns (1-based) a chart's picture lies over, from its anchor and size."""
    start = chart.anchor._from
    col, row = start.col + 1, start.row + 1
    cols, left = [], chart.anchor.ext.width / EMU_PER_CM
    while left > 0:
        cols.append(col)
        left -= _column_cm(ws, col)
        col += 1
    rows, left = [], chart.anchor.ext.height / EMU_PER_CM
    while left > 0:
        rows.append(row)
        left -= _row_cm(ws, row)
        row += 1
    return range(rows[0], rows[-1] + 1), range(cols[0], cols[-1] + 1)


@pytest.mark.parametrize("which", ["internal", "public"])
@pytest.mark.parametrize("sheet, title", [("Summary", "Referrals by concern"),
                                          ("Trend", "Referrals and concerns by term")])
def test_a_chart_sits_beside_its_table_and_covers_no_cell(which, sheet, title, request):
    ws = load_workbook(request.getfixturevalue(which))[sheet]
    [chart] = ws._charts
    rows, cols = _covered(ws, chart)
    header = next(c.row for c in ws["A"] if c.value == title) + 1
    [table] = ws.tables.values()
    last_col = column_index_from_string(re.match(r"A\d+:([A-Z]+)\d+", table.ref).group(1))
    assert (rows.start, cols.start) == (header, last_col + 2)  # level with the header, one empty column between
    merged = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
              for c in range(m.min_col, m.max_col + 1)}
    under = [ws.cell(r, c).coordinate for r in rows for c in cols
             if ws.cell(r, c).value is not None or (r, c) in merged]
    assert under == []  # the symbols note (merged across the page) comes below the chart
    last_col, last_row = re.match(r"A1:([A-Z]+)(\d+)", ws.print_area.split("!")[1].replace("$", "")).groups()
    assert column_index_from_string(last_col) >= cols[-1] and int(last_row) >= rows[-1]  # printed whole


def test_the_trend_line_is_straight_between_terms(internal):
    with zipfile.ZipFile(internal) as z:
        xml = next(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/") and
                   b"<lineChart>" in z.read(n))
    assert xml.count('<smooth val="0"/>') == 2 and 'smooth val="1"' not in xml


@pytest.mark.parametrize("which", ["internal", "public"])
def test_no_label_is_cut(which, request):
    """A row label longer than column A wraps in a row tall enough for it; the title is inside the printed area."""
    wb = load_workbook(request.getfixturevalue(which))
    long_labels = wrapped = 0
    for ws in wb.worksheets:
        width = ws.column_dimensions["A"].width
        for cell in ws["A"][4:]:
            beside = ws.cell(cell.row, 2).value
            if not isinstance(cell.value, str) or beside is None or len(cell.value) + 2 <= width:
                continue
            long_labels += 1
            assert cell.alignment.wrap_text, (ws.title, cell.value)
            lines = math.ceil(len(cell.value) / (1.2 * width))  # a letter is narrower than Excel's unit, a "0"
            assert (ws.row_dimensions[cell.row].height or 15) >= 15 * lines, (ws.title, cell.value)
            wrapped += lines > 1
        area = ws.print_area.split("!")[1].replace("$", "")
        last = column_index_from_string(re.match(r"A1:([A-Z]+)\d+", area).group(1))
        printed = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, last + 1))
        assert printed >= len(ws["A1"].value) * 1.3, ws.title  # 13pt bold: wider than 11pt characters
    assert long_labels >= 5 and wrapped >= 4  # Fair Access categories and Data quality's field labels


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and pdftotext are needed to print the matrix")
def test_the_printed_matrix_carries_marking_and_page_numbers(public, tmp_path):
    assert convert_to_pdf(public, tmp_path).returncode == 0
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / (public.stem + ".pdf")), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 9  # a page at least per sheet
    for i, page in enumerate(pages, start=1):
        assert "OFFICIAL – SENSITIVE" in page and f"{AUTHORITY} · {TERM}" in page
        assert f"Page {i} of {len(pages)}" in page


# --- the briefing on paper ----------------------------------------------------------------------------

def _footer_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if re.fullmatch(r"word/footer\d*\.xml", n))


def test_the_briefing_footer_says_page_x_of_y(briefing):
    xml = _footer_xml(briefing)
    assert re.search(r'Page </w:t>.*<w:fldSimple w:instr="PAGE">.* of </w:t>.*<w:fldSimple w:instr="NUMPAGES">',
                     xml, re.S), xml


def test_table_headers_repeat_on_every_page_and_numbers_are_right_aligned(briefing):
    tables = Document(briefing).tables
    assert len(tables) == 6  # concerns, number of concerns, pairs, schools, wards, contexts
    for table in tables:
        header, *body = table.rows
        assert header._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") \
            is not None
        for row in [header] + body:
            label, *numbers = row.cells
            assert label.paragraphs[0].alignment is None  # text on the left
            assert [c.paragraphs[0].alignment for c in numbers] == [WD_ALIGN_PARAGRAPH.RIGHT] * len(numbers)


def test_a_change_of_nothing_reads_no_change():
    assert [_change_cell(v) for v in (3, -2, 0, "c", "")] == ["+3", "-2", "no change", "c", ""]


def test_the_symbols_note_is_in_plain_words(briefing):
    last = Document(briefing).paragraphs[-1].text
    assert last == symbols_words(5) == (
        "c means a number not shown, to protect the children concerned: it is fewer than 5, or it is hidden so "
        "that another hidden number cannot be worked out from the totals, from other tables or from an earlier "
        "term's briefing. 0 means none. Percentages are worked out from the exact numbers and are not shown "
        "where their number is hidden.")
    assert "sheet" not in last and "matrix" not in last


@pytest.mark.skipif(soffice_writer() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice Writer and pdftotext are needed to print the briefing")
def test_the_printed_briefing_numbers_its_pages(briefing, tmp_path):
    assert convert_to_pdf(briefing, tmp_path).returncode == 0
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "briefing.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for i, page in enumerate(pages, start=1):
        assert "OFFICIAL – SENSITIVE" in page and f"Page {i} of {len(pages)}" in page
