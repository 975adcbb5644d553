"""Form declarations: one package per form (addin/catalogue/<form>/), listed in addin.forms.registry."""
from addin.forms.model import Field, Form, Grid, Heading, Section, Table
from addin.forms.registry import form_ids, plugin, plugins


def get_form(form_id: str) -> Form:
    """The declaration of a registered form by id; KeyError for an unknown id."""
    return plugin(form_id).form


__all__ = ["Field", "Form", "Grid", "Heading", "Section", "Table", "form_ids", "get_form", "plugin", "plugins"]
