"""Fair Access Panel referral (seed 002, Appendix H): the form the termly matrix and briefing count."""
from addin.catalogue.fap_referral.declaration import FORM
from addin.forms.plugin import Briefing, FormPlugin, Identity

PLUGIN = FormPlugin(
    form=FORM,
    rules="addin.validators.fap_referral",
    # The panel's referral number; without one (or a new one), the UPN and referral date, so a form
    # that gains its number on correction is not counted twice.
    identity=Identity(number="referral_number", fallback=("upn", "referral_date"), term_date="referral_date",
                      completed="date_completed"),
    name="FAP referral",
    noun="referral",
    registers=True,
    commands="addin.catalogue.fap_referral.commands",  # matrix, as a top-level command
    briefing=Briefing("fap", "FAP termly briefing for the partnership", "addin.catalogue.fap_referral.briefing",
                      ("term", "compare")),
    excel="addin.catalogue.fap_referral.excel",
    ribbon=(("Termly matrix", "termly_matrix", "Asks for the term, makes the termly data matrix of need from the "
             "store and opens it.", "RecurrenceEdit"),
            ("Briefing", "briefing", "Asks for the term, makes the Word briefing for the safeguarding partnership "
             "and opens it.", "FilePrintPreview")),
)
