"""Peer Group Information Capture form (seed 002, Appendix F): returned by a provider against a request."""
from addin.catalogue.pgi.declaration import FORM
from addin.catalogue.pgi.loop import Loop, request_tables
from addin.forms.plugin import FormPlugin, Identity

PLUGIN = FormPlugin(
    form=FORM,
    rules="addin.validators.pgi",
    identity=Identity(number="request_reference", term_date="date_requested", completed="date_returned"),
    name="PGI form",
    noun="returned PGI",
    tables=request_tables,
    filing=Loop,
    commands="addin.catalogue.pgi.commands",
    command_name="pgi",
    excel="addin.catalogue.pgi.excel",
    ribbon=(("Send PGI request", "send_pgi_request", "Records the request this PGI's Request section describes "
             "(a reference and a return-by date) and opens the PGI to send to the provider."),
            ("Record PGI feedback", "pgi_feedback", "On a returned PGI: asks whether it informed the assessment "
             "and which safeguarding actions follow, records it and opens the letter to the provider.",
             "FilePrintPreview"),
            ("PGI tracker", "pgi_tracker", "Writes the tracker of every PGI request: open, overdue, changed, "
             "feedback to send, and termly counts.", "RecurrenceEdit")),
)
