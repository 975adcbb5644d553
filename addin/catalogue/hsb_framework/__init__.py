"""Contextual HSB meeting framework (seed 002 Appendix L): one record per HSB MAP meeting about a young person.

A meeting is identified by its case reference and meeting date: a later meeting with the same reference is
a review of the same case (a record of its own), a corrected workbook for the same meeting supersedes it.
"""
from addin.catalogue.hsb_framework.declaration import FORM
from addin.forms.plugin import FormPlugin, Identity

PLUGIN = FormPlugin(
    form=FORM,
    rules="addin.validators.hsb_framework",
    identity=Identity(number="reference", term_date="meeting_date", with_number=("meeting_date",)),
    name="HSB meeting framework",
    noun="meeting",
)
