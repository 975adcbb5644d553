"""Builds report_templates/pgi_feedback_letter.docx, the feedback letter's starting template.

Run `python -m addin.catalogue.pgi.letter_source` to rebuild it; after that the .docx is the
source, reworded and restyled in Word. Its tags: reference, today, provider_name,
provider_agency, requester_name, requester_agency, assessment_type, date_requested,
date_returned, informed, further_actions, actions, returned_nothing. The young person is named
by the reference only: the provider knows who it is, and a letter can go astray.
"""
from __future__ import annotations

from pathlib import Path

from addin.reports.templates import template_path

TEMPLATE = template_path("pgi_feedback_letter.docx")


def build(path: Path = TEMPLATE) -> Path:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    marking = doc.sections[0].header.paragraphs[0]
    marking.text = "OFFICIAL – SENSITIVE"
    doc.add_paragraph("{{ today }}")
    doc.add_paragraph("To: {{ provider_name }}, {{ provider_agency }}")
    doc.add_paragraph("From: {{ requester_name }}, {{ requester_agency }}")
    doc.add_heading("Peer Group Information Capture: feedback on request {{ reference }}", level=1)
    doc.add_paragraph("Thank you for returning the Peer Group Information Capture form for request {{ reference }} "
                      "(requested {{ date_requested }}{% if date_returned %}, returned {{ date_returned }}"
                      "{% endif %}) for the {{ assessment_type }}.")
    doc.add_paragraph("{% if returned_nothing %}You told us you were not aware of any peer relationships of the "
                      "young person concerned; thank you for letting us know.{% endif %}")
    t = doc.add_table(rows=2, cols=2)
    t.style = "Light Grid Accent 1"
    t.cell(0, 0).text = "Did the information inform the assessment?"
    t.cell(0, 1).text = "{{ informed }}"
    t.cell(1, 0).text = "Are further safeguarding actions needed?"
    t.cell(1, 1).text = "{{ further_actions }}{% if actions %}: {{ actions }}{% endif %}"
    doc.add_paragraph("")
    doc.add_paragraph("If anything you told us changes, please let {{ requester_name }} know, so the assessment can "
                      "be updated. The information was shared to inform this assessment only; it is not an "
                      "intelligence gathering exercise.")
    doc.add_paragraph("{{ requester_name }}, {{ requester_agency }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
