"""Builds report_templates/fap_termly_briefing.docx, the starting template analysts restyle in Word.

Run `python -m addin.catalogue.fap_referral.briefing.template_source` to rebuild it. After that the .docx is the
source: analysts reword and restyle it in Word; SafeContext only fills its tags.
"""
from __future__ import annotations

from pathlib import Path


TEMPLATE = Path(__file__).resolve().parents[4] / "report_templates" / "fap_termly_briefing.docx"


def _table(doc, headers, loop, cells, widths=None, size=None):
    """A Word table: header row (repeated at the top of every page the table runs onto), one docxtpl row
    loop ({%tr %}), filled per item; every column after the first holds numbers, right-aligned.  `widths`
    (cm) per column and a font `size` (points) for a wide table."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm, Pt

    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Light Grid Accent 1"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for j, h in enumerate(headers):
        t.rows[0].cells[j].text = h
    t.rows[1].cells[0].text = f"{{%tr for row in {loop} %}}"
    for j, c in enumerate(cells):
        t.rows[2].cells[j].text = c
    t.rows[3].cells[0].text = "{%tr endfor %}"
    for row in (t.rows[0], t.rows[2]):
        for cell in row.cells[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row, tags in ((t.rows[0], ("w:cantSplit", "w:tblHeader")), (t.rows[2], ("w:cantSplit",))):
        for tag in tags:  # no row broken across two pages; the header row repeated ("Repeat as header row")
            row._tr.get_or_add_trPr().append(OxmlElement(tag))
    if widths:  # the grid (LibreOffice reads it) and every cell (Word does)
        t.autofit = False
        for column, width in zip(t.columns, widths):
            column.width = Cm(width)
        for row in t.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)
    if size:
        for row in (t.rows[0], t.rows[2]):
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(size)
    return t


def _page_x_of_y(paragraph) -> None:
    """'Page 3 of 7' from Word's PAGE and NUMPAGES fields, which Word and LibreOffice fill in."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run("Page ")
    for i, field in enumerate(("PAGE", "NUMPAGES")):
        if i:
            paragraph.add_run(" of ")
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), field)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"  # shown until the program updates the field
        run.append(text)
        simple.append(run)
        paragraph._p.append(simple)


def _bullets(doc, loop: str) -> None:
    """A bulleted paragraph per item of `loop` (a docxtpl paragraph loop, {%p %})."""
    doc.add_paragraph(f"{{%p for item in {loop} %}}")
    doc.add_paragraph("{{ item }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")


def build(path: Path = TEMPLATE) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = "{{ marking }}"
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.text = "{{ authority }} · {{ term_label }} · {{ marking }}"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_x_of_y(pages)

    marking = doc.add_paragraph("{{ marking }}")
    marking.runs[0].bold = True
    marking.runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    doc.add_heading("Peer-on-peer abuse seen through the Fair Access Panel", level=0)
    doc.add_paragraph("Briefing for {{ board }}")
    doc.add_paragraph("{{ authority }} · {{ term_label }} ({{ term_dates }}) · produced {{ produced }}")

    doc.add_heading("Key messages", level=1)
    _bullets(doc, "key_messages")
    doc.add_paragraph("{%p if not headline_only %}")  # a term with too few referrals: no breakdown at all

    doc.add_heading("Concerns recorded on referrals", level=1)
    doc.add_paragraph("Each referral can record several peer-on-peer abuse concerns, so the numbers do not "
                      "add up to the number of referrals.")
    _table(doc, ["Concern", "{{ term_label }}", "{{ previous_label }}", "Change"], "concerns",
           ["{{ row.concern }}", "{{ row.count }}", "{{ row.previous }}", "{{ row.change }}"])
    doc.add_paragraph("{{ concerns_chart }}")

    doc.add_heading("How far concerns overlap", level=1)
    doc.add_paragraph("{{ overlap_sentence }}")
    doc.add_paragraph("Referrals with at least one peer-on-peer abuse concern, by how many they recorded:")
    _table(doc, ["Number of concerns", "Referrals"], "by_number", ["{{ row.number }}", "{{ row.count }}"])
    doc.add_paragraph("{%p if overlaps_chart %}")
    doc.add_paragraph("{{ overlaps_chart }}")
    doc.add_paragraph("Each column of the chart counts the referrals with exactly the concerns marked below it; "
                      "combinations too rare to name are pooled in the grey columns, by how many concerns they "
                      "have. The bars on the left are each concern's total.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("Referrals recording both concerns of each pair (a concern with itself: its total):")
    short = ["CSE", "SYV", "Gangs", "HSB", "RDA", "SB", "MfE", "MfH"]
    _table(doc, ["Concern"] + short, "pairs",
           ["{{ row.concern }}"] + [f"{{{{ row.counts[{i}] }}}}" for i in range(8)],
           widths=[3.8] + [1.4] * 8, size=8)
    doc.add_paragraph("SYV: serious youth violence; HSB: harmful sexual behaviour; RDA: relationship/domestic "
                      "abuse; SB: sexual bullying; MfE, MfH: missing from education, from home.")

    doc.add_heading("Schools and neighbourhoods", level=1)
    doc.add_paragraph("Schools are named only where their number of referrals is large enough to publish.")
    _table(doc, ["School", "Referrals", "With a peer-on-peer abuse concern"], "schools",
           ["{{ row.name }}", "{{ row.referrals }}", "{{ row.any_concern }}"])
    doc.add_paragraph("")
    _table(doc, ["Ward where the child lives", "Referrals", "With a peer-on-peer abuse concern"], "wards",
           ["{{ row.name }}", "{{ row.referrals }}", "{{ row.any_concern }}"])

    doc.add_heading("Contextual information and schools' responses", level=1)
    doc.add_paragraph("What referrers recorded beyond the individual child: peer group, school, "
                      "neighbourhood and home, and what the school did before referring.")
    _table(doc, ["Recorded on the referral", "All referrals", "With a peer-on-peer abuse concern"], "contexts",
           ["{{ row.item }}", "{{ row.all }}", "{{ row.any_concern }}"])

    doc.add_heading("Trend", level=1)
    doc.add_paragraph("{{ trend_chart }}")

    doc.add_heading("Data quality", level=1)
    _bullets(doc, "data_quality")
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("Method and symbols", level=1)
    doc.add_paragraph("{{ methodology }}")
    doc.add_paragraph("{{ symbols_note }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build())
