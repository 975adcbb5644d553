"""Validators, one module per form: pandera checks and cross-field rules (imported as addin.validators)."""
from importlib import import_module


def rules_for(form_id: str) -> list:
    """The cross-field rules of a form (from the rules module its package names)."""
    from addin.forms import plugin

    return import_module(plugin(form_id).rules).RULES


def all_rules(form) -> list:
    """Every rule a form is checked against: the generic ones from its declaration, then its own."""
    from addin.validators.common import generic_rules

    return generic_rules(form) + rules_for(form.id)
