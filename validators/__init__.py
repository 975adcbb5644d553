"""Validators, one module per form: pandera checks and cross-field rules (imported as addin.validators)."""
from importlib import import_module


def rules_for(form_id: str, config=None) -> list:
    """The cross-field rules of a form (from the rules module its package names). A module whose rules
    follow the local configuration (a case-code pattern) has `rules(config)` instead of RULES; without a
    configuration (listing the rules) they are made from the built-in demo's."""
    from addin.forms import plugin

    module = import_module(plugin(form_id).rules)
    if hasattr(module, "rules"):
        from addin.config import demo_config

        return module.rules(config or demo_config())
    return module.RULES


def all_rules(form, config=None) -> list:
    """Every rule a form is checked against: the generic ones from its declaration, then its own."""
    from addin.validators.common import generic_rules

    return generic_rules(form) + rules_for(form.id, config)
