"""Builds report_templates/hsb_audit_briefing.docx, the starting template analysts restyle in Word.

Run `python -m addin.catalogue.hsb_audit.briefing.template_source` to rebuild it. After that the .docx is the source:
analysts reword and restyle it in Word; SafeContext only fills its tags.
"""
from __future__ import annotations

from pathlib import Path

from addin.reports.templates import template_path

from addin.reports.word import bullets as _bullets, marked_document, table as _table

STATEMENT = (2.6, 10.2, 2.1, 2.1)  # cm: a statement's number, its text, two scores
TEMPLATE = template_path("hsb_audit_briefing.docx")


def _shape(t, widths: tuple[float, ...], text: tuple[int, ...] = ()) -> None:
    """Column widths (cm; the grid for LibreOffice, every cell for Word) and left-aligned text columns."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    t.autofit = False
    for j, (column, width) in enumerate(zip(t.columns, widths)):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
            if j in text:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT


def build(path: Path = TEMPLATE) -> Path:
    doc = marked_document("Our response to harmful sexual behaviour: the NSPCC framework audit",
                          "Briefing for {{ board }}",
                          "{{ authority }} · NSPCC HSB framework audit, round {{ latest_round }} · {{ marking }}")
    doc.add_paragraph("{{ authority }} · rounds {{ rounds }} · produced {{ produced }}")

    doc.add_heading("Key messages", level=1)
    _bullets(doc, "key_messages")

    doc.add_heading("Where we stand in the five domains", level=1)
    doc.add_paragraph("The partnership's agreed scores (the lowest of the agencies' where they differ), as the mean "
                      "score of each domain's statements from 0 (no evidence) to 4 (a wealth of strong evidence).")
    doc.add_paragraph("{{ radar_chart }}")
    _shape(_table(doc, ["Domain", "{{ first_round }}", "{{ previous_round }}", "{{ latest_round }}", "Change since "
                 "{{ previous_round }}", "Change since {{ first_round }}"], "domains",
           ["{{ row.domain }}", "{{ row.first }}", "{{ row.previous }}", "{{ row.latest }}", "{{ row.change }}",
            "{{ row.since_first }}"]), (4.2, 2.2, 2.2, 2.2, 3.2, 3.2))
    doc.add_paragraph("{{ change_chart }}")

    doc.add_heading("Biggest improvements", level=1)
    doc.add_paragraph("{%p if improvements %}")
    _shape(_table(doc, ["Statement", "What it asks", "{{ previous_round }}", "{{ latest_round }}"], "improvements",
                  ["{{ row.statement }}", "{{ row.text }}", "{{ row.before }}", "{{ row.after }}"]), STATEMENT, (1,))
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No statement's agreed score rose since {{ previous_round }}.")
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("Statements that fell", level=1)
    doc.add_paragraph("{%p if falls %}")
    _shape(_table(doc, ["Statement", "What it asks", "{{ previous_round }}", "{{ latest_round }}"], "falls",
                  ["{{ row.statement }}", "{{ row.text }}", "{{ row.before }}", "{{ row.after }}"]), STATEMENT, (1,))
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No statement's agreed score fell since {{ previous_round }}.")
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("Focus areas", level=1)
    doc.add_paragraph("The lowest-scoring statements after {{ latest_round }}: where improvement is needed most.")
    _shape(_table(doc, ["Statement", "What it asks", "Score"], "focus",
                  ["{{ row.statement }}", "{{ row.text }}", "{{ row.score }}"]), (2.6, 12.2, 2.2), (1,))

    doc.add_heading("Action plan", level=1)
    doc.add_paragraph("{{ action_status }}")
    doc.add_paragraph("{%p if actions %}")
    _shape(_table(doc, ["Statement", "Action", "Owner", "Due", "Status"], "actions",
                  ["{{ row.statement }}", "{{ row.action }}", "{{ row.owner }}", "{{ row.due }}", "{{ row.status }}"]),
           (2.6, 5.6, 3.6, 2.6, 2.6), (1, 2, 4))
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("Method", level=1)
    doc.add_paragraph("{{ methodology }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build())
