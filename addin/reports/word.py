"""Word briefings from docxtpl templates, for every form's reports: checking a template, filling it, a PDF
copy, and the pieces a package's template builder lays out (tables whose rows loop, page x of y, bullets).

Filling always escapes, and a variable the template uses that the report does not provide is an error
naming it, never a blank: an analyst's reworded template cannot quietly drop a number.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from addin.errors import UserError
from addin.reports.files import save_error

ASK_ADMIN = ("Ask your SafeContext administrator to correct the briefing template (the variables it may use are "
             "listed in the README).")


def check_template(path: Path, variables: dict, error: type[UserError], listing: str) -> None:
    """Refuse a template that is not a .docx, has a tag error, or uses a variable not in `variables`
    (`listing`: the command that lists them, for the message)."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    if not path.is_file():
        raise error(f"{path}: template not found.")
    try:
        used = DocxTemplate(str(path)).get_undeclared_template_variables()
    except TemplateSyntaxError as e:
        raise error(f"{path}: the template has a tag error ({e.message}); fix the {{{{ }}}} or {{% %}} tags in "
                    "Word.") from None
    except Exception:
        raise error(f"{path}: not a Word .docx template.") from None
    unknown = sorted(set(used) - set(variables))
    if unknown:
        what = f"{path}: the template uses unknown variable(s) {', '.join(unknown)}"
        raise error(f"{what}. '{listing}' lists the ones you can use.", excel=f"{what}. {ASK_ADMIN}")


def render(template: Path, ctx: dict, out: Path, *, variables: dict, error: type[UserError], listing: str,
           images: dict[str, int] | None = None) -> Path:
    """Fill the template with `ctx`; the keys of `images` holding a Path become pictures that many mm wide."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import Environment, StrictUndefined, UndefinedError

    check_template(template, variables, error, listing)
    tpl = DocxTemplate(str(template))
    ctx = dict(ctx)
    for key, width in (images or {}).items():
        if isinstance(ctx.get(key), Path):
            ctx[key] = InlineImage(tpl, str(ctx[key]), width=Mm(width))
    try:
        tpl.render(ctx, jinja_env=Environment(undefined=StrictUndefined, autoescape=True), autoescape=True)
    except UndefinedError as e:  # a name inside a loop or an attribute: only known once filled
        what = f"{template}: the template uses a name SafeContext does not provide ({e.message})"
        raise error(f"{what}. '{listing}' lists the variables and the fields of their rows.",
                    excel=f"{what}. {ASK_ADMIN}") from None
    try:
        tpl.save(out)
    except OSError as e:
        raise save_error(out, e, error) from None
    return out


def to_pdf(docx: Path, error: type[UserError]) -> Path:
    """A PDF beside the .docx, made by LibreOffice when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise error("--pdf needs LibreOffice, which is not installed here. The .docx was written; open it in Word "
                    "and Save As PDF, or install LibreOffice (apt-get install libreoffice-writer).")
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                               "pdf", "--outdir", str(docx.parent), str(docx)], capture_output=True, text=True,
                              timeout=180)
    pdf = docx.with_suffix(".pdf")
    if proc.returncode != 0 or not pdf.exists():
        raise error(f"LibreOffice could not convert {docx} to PDF; the .docx was written.")
    return pdf


# --- laying out a template (a package's template_source builds its .docx with these) ------------------------

def table(doc, headers, loop, cells, widths=None, size=None):
    """A Word table: header row (repeated at the top of every page the table runs onto), one docxtpl row
    loop ({%tr %}), filled per item; every column after the first holds numbers, right-aligned. `widths`
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
    if widths:
        t.autofit = False
        for column, width in zip(t.columns, widths):  # the grid, which LibreOffice goes by
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


def page_x_of_y(paragraph) -> None:
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


def bullets(doc, loop: str) -> None:
    """A bulleted paragraph per item of `loop` (a docxtpl paragraph loop, {%p %})."""
    doc.add_paragraph(f"{{%p for item in {loop} %}}")
    doc.add_paragraph("{{ item }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")


def marked_document(title: str, subtitle: str, footer: str):
    """A new document laid out as every briefing is: Arial 11, the marking centred in the header, the footer
    text and page x of y, the marking in red above the title."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = "{{ marking }}"
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot = section.footer.paragraphs[0]
    foot.text = footer
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_x_of_y(pages)
    marking = doc.add_paragraph("{{ marking }}")
    marking.runs[0].bold = True
    marking.runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    doc.add_heading(title, level=0)
    doc.add_paragraph(subtitle)
    return doc
