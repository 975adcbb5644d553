"""Form declarations: one per form, the single source for workbooks, reader, checks and store."""
from addin.forms.model import Field, Form, Heading, Section, Table

FORM_IDS = ("fap-referral", "pgi")


def get_form(form_id: str) -> Form:
    """The declaration of a form by id ('fap-referral' or 'pgi')."""
    if form_id == "fap-referral":
        from addin.forms.fap_referral import FORM
    elif form_id == "pgi":
        from addin.forms.pgi import FORM
    else:
        raise KeyError(form_id)
    return FORM


__all__ = ["Field", "Form", "Heading", "Section", "Table", "FORM_IDS", "get_form"]
