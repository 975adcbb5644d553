"""Contextual Case Review (seed 002 Appendix C): the evidence collected about one case, across its young people
and their contexts, and the cross-case summary of the reviews filed.

A review is identified by its case code alone: a corrected workbook with the same code supersedes the one filed,
whoever its author (a colleague finishing the review, or the author's role written differently, is still the same
review, which must not count twice in the summary). The date the evidence was collected decides its term.
"""
from addin.catalogue.case_review.declaration import FORM
from addin.forms.plugin import FormPlugin, Identity

PLUGIN = FormPlugin(
    form=FORM,
    rules="addin.validators.case_review",
    identity=Identity(number="review_reference", term_date="review_date", completed="review_date"),
    name="Contextual case review",
    noun="review",
    commands="addin.catalogue.case_review.commands",
    command_name="case-review",
    excel="addin.catalogue.case_review.excel",
    ribbon=(("Case review summary", "case_review_summary", "Writes the cross-case summary of the filed contextual "
             "case reviews (exact counts, for the partnership's own analysis) and opens it.", "ChartInsert"),),
)
