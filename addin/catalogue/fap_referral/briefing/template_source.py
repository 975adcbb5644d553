"""Builds report_templates/fap_termly_briefing.docx, the starting template analysts restyle in Word.

Run `python -m addin.catalogue.fap_referral.briefing.template_source` to rebuild it. After that the .docx is the
source: analysts reword and restyle it in Word; SafeContext only fills its tags.
"""
from __future__ import annotations

from pathlib import Path

from addin.reports.templates import template_path

from addin.reports.word import bullets as _bullets, marked_document, table as _table


TEMPLATE = template_path("fap_termly_briefing.docx")


def build(path: Path = TEMPLATE) -> Path:
    doc = marked_document("Peer-on-peer abuse seen through the Fair Access Panel", "Briefing for {{ board }}",
                          "{{ authority }} · {{ term_label }} · {{ marking }}")
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
