"""What a blank workbook promises its reader: the marker's names and each field's allowed values.

Kept free of openpyxl, which only writing needs, so reading and checking start fast.
"""
from __future__ import annotations

from addin.config import Config
from addin.forms.codes import YES_NO
from addin.forms.model import Field

MARKER_SHEET = "_safecontext"
LISTS_SHEET = "Lists"
MARKER_FORM = "SafeContext_form"
MARKER_VERSION = "SafeContext_version"


def choices_of(f: Field, config: Config) -> tuple[str, ...]:
    """The allowed values of a choice, yes/no or tick field."""
    if f.type in ("yesno", "tick"):
        return YES_NO
    if isinstance(f.choices, str):
        return config.lists()[f.choices]
    return tuple(f.choices or ())
