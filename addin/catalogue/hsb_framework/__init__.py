"""Contextual HSB meeting framework (seed 002 Appendix L): one record per HSB MAP meeting about a young person.

A meeting is identified by its case reference and meeting date: a later meeting with the same reference is
a review of the same case (a record of its own), a corrected workbook for the same meeting supersedes it.
"""
from addin.catalogue.hsb_framework.declaration import FORM
from addin.forms.plugin import Briefing, FormPlugin, Identity

PLUGIN = FormPlugin(
    form=FORM,
    rules="addin.validators.hsb_framework",
    identity=Identity(number="reference", term_date="meeting_date", with_number=("meeting_date",)),
    name="HSB meeting framework",
    noun="meeting",
    commands="addin.catalogue.hsb_framework.commands",
    command_name="hsb",
    briefing=Briefing("hsb", "HSB cohort profile briefing", "addin.catalogue.hsb_framework.profile_briefing",
                      ("start", "end", "site")),
    excel="addin.catalogue.hsb_framework.excel",
    ribbon=(("HSB review", "hsb_review", "On a filed HSB meeting framework: writes the next meeting's workbook, "
             "prefilled from the case's last filed meeting, and opens it.", "RecurrenceEdit"),
            ("HSB tracker", "hsb_tracker", "Writes the tracker of open HSB cases: interventions by context with "
             "their traffic lights, overdue reviews, red items, the gap list and what shifted at reviews.",
             "FilePrintPreview"),
            ("HSB profile", "hsb_profile", "Asks for the term and writes the cohort profile of the filed frameworks "
             "(the 2017 study's tables, by sole, group and both) with exact counts, for the HSB panel.",
             "ChartInsert")),
)
