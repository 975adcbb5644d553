"""A throwaway form package for tests: a youth-club outreach visit log, registered only through
SAFECONTEXT_FORMS=sample_visit (with tests/plugins on the path). It shows that a form is one
package and one registry line: nothing outside this folder names it."""
from addin.forms.model import Field as F, Form, Section, Table
from addin.forms.plugin import FormPlugin, Identity

FORM = Form(
    id="sample-visit",
    code="SV",
    title="Outreach Visit Log",
    version="1",
    sheet="Visit",
    sections=(
        Section("Visit", (
            F("visit_reference", "Visit reference", required=True),
            F("visit_date", "Date of visit", "date", required=True),
            F("venue", "Venue", "choice", required=True, choices=("Park", "Youth club", "Shopping centre")),
            F("young_people", "Young people met", "integer", min=0, max=200),
            F("worker_name", "Outreach worker", personal=True),
            F("concerns_raised", "Were any concerns raised?", "yesno", required=True),
            F("concern_notes", "Concerns: what was seen or said", "longtext", personal=True),
        )),
        Section("Activities", (
            Table("activities", "Activities", rows=3, columns=(
                F("activity", "Activity", required=True),
                F("minutes", "Minutes", "integer", min=1, max=600),
            )),
        )),
    ),
)

PLUGIN = FormPlugin(
    form=FORM,
    rules="sample_visit.rules",
    identity=Identity(number="visit_reference", term_date="visit_date"),
    name="Outreach visit",
    noun="visit",
)
