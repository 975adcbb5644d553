"""The registered forms: one line per form package. Everything generic looks forms up here.

A form package (addin/catalogue/<form>/) has a module-level PLUGIN (addin.forms.plugin.FormPlugin).
More packages can be registered without changing this file: list their modules, separated by
commas, in the environment variable SAFECONTEXT_FORMS (for a council's own form, or a test).
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib import import_module

from addin.forms.plugin import FormPlugin

PACKAGES = (
    "addin.catalogue.fap_referral",
    "addin.catalogue.pgi",
    "addin.catalogue.hsb_framework",
    "addin.catalogue.hsb_audit",
    "addin.catalogue.case_review",
)
EXTRA = "SAFECONTEXT_FORMS"


@lru_cache(maxsize=None)
def _load(modules: tuple[str, ...]) -> dict[str, FormPlugin]:
    plugins = {}
    for name in modules:
        plugin = import_module(name).PLUGIN
        if plugin.id in plugins:
            raise ValueError(f"{name}: the form id '{plugin.id}' is registered twice")
        plugins[plugin.id] = plugin
    return plugins


def plugins() -> dict[str, FormPlugin]:
    """Form id -> its plugin, in registration order."""
    extra = tuple(m.strip() for m in os.environ.get(EXTRA, "").split(",") if m.strip())
    return _load(PACKAGES + extra)


def form_ids() -> tuple[str, ...]:
    return tuple(plugins())


def plugin(form_id: str) -> FormPlugin:
    """The plugin of a registered form; KeyError for an unknown id."""
    return plugins()[form_id]
