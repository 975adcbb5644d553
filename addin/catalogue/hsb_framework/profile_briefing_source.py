"""Builds report_templates/hsb_profile_briefing.docx, the HSB profile briefing's starting template.

Run `python -m addin.catalogue.hsb_framework.profile_briefing_source` to rebuild it; after that the .docx is
the source, reworded and restyled in Word. Its variables: `safecontext brief --kind hsb --variables`.
"""
from __future__ import annotations

from pathlib import Path

from addin.catalogue.hsb_framework.profile_briefing import TEMPLATE

_COHORT_COLUMNS = (["Sole", "Group", "Both", "All"], ["{{ row.sole }}", "{{ row.group }}", "{{ row.both }}",
                                                       "{{ row.all }}"])


WIDE = [7.6, 2.1, 2.1, 2.1, 2.1]  # cm: the label, then the four cohorts


def build(path: Path = TEMPLATE) -> Path:
    from addin.reports.word import bullets, marked_document, table

    doc = marked_document("Harmful sexual behaviour: what the HSB meetings recorded",
                          "Briefing for {{ board }} · {{ authority }} · {{ period }} · produced {{ produced }}",
                          "{{ authority }} · HSB cohort profile · {{ marking }}")
    doc.add_heading("Key messages", level=1)
    bullets(doc, "key_messages")
    doc.add_heading("The young people", level=1)
    table(doc, ["Cohort", "Cases"], "cohorts", ["{{ row.cohort }}", "{{ row.cases }}"])
    doc.add_paragraph("{%p if not headline_only %}")
    headers, cells = _COHORT_COLUMNS
    doc.add_heading("The incidents", level=1)
    table(doc, ["Characteristic"] + headers, "incidents", ["{{ row.item }}"] + cells, widths=WIDE)
    doc.add_heading("Peer relationships", level=1)
    table(doc, ["Peer relationship"] + headers, "peers", ["{{ row.item }}"] + cells, widths=WIDE)
    doc.add_heading("Where the interventions went", level=1)
    doc.add_paragraph("Interventions planned, by the context they work in. These count interventions, not young "
                      "people: one framework may plan several in a context.")
    table(doc, ["Context"] + headers, "interventions", ["{{ row.item }}"] + cells, widths=WIDE)
    doc.add_paragraph("{{ interventions_chart }}")
    doc.add_heading("Factors recorded and acted on", level=1)
    doc.add_paragraph("For each context: the cases with vulnerability or risk factors recorded there, the cases "
                      "with an intervention there, and the cases with such factors but no intervention in that "
                      "context.")
    table(doc, ["Context", "With factors", "With an intervention", "Factors, no intervention"], "gaps",
          ["{{ row.context }}", "{{ row.factors }}", "{{ row.interventions }}", "{{ row.unaddressed }}"],
          widths=[5.5, 3.5, 3.5, 3.5])
    doc.add_paragraph("{{ gap_chart }}")
    doc.add_heading("Level of the behaviour (Hackett continuum)", level=1)
    table(doc, ["Level"] + headers, "hackett", ["{{ row.item }}"] + cells, widths=WIDE)
    doc.add_heading("Challenges of response", level=1)
    table(doc, ["Challenge"] + headers, "challenges", ["{{ row.item }}"] + cells, widths=WIDE)
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Method and symbols", level=1)
    doc.add_paragraph("{{ methodology }}")
    doc.add_paragraph("{{ symbols_note }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build())
