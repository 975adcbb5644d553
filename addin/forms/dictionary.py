"""The data dictionary of a form, derived from its declaration."""
from __future__ import annotations

from addin.config import Config
from addin.forms.blank import choices_of, column_header
from addin.forms.model import Field, Form, Grid, Table


def _entry(f: Field, section: str, config: Config, defined_name: str, table: str | None = None) -> dict:
    choices = list(choices_of(f, config)) if f.type in ("choice", "yesno", "tick") else []
    return {
        "id": f.id if table is None else f"{table}.{f.id}",
        "label": f.label,
        "section": section,
        "kind": "field" if table is None else "table column",
        "type": f.type,
        "choices": choices,
        "choices_from": f.choices if isinstance(f.choices, str) else None,
        "required": f.required,
        "personal": f.personal,
        "leaves": f.leaves,
        "help": f.help,
        "min": f.min,
        "max": f.max,
        "defined_name": defined_name,
    }


def data_dictionary(form: Form, config: Config) -> list[dict]:
    """One entry per field and per table column; tables are named by their Excel Table name."""
    entries = []
    for section in form.sections:
        for item in section.items:
            if isinstance(item, Field):
                entries.append(_entry(item, section.title, config, item.id))
            elif isinstance(item, Grid):  # one field per row and column, each with its own defined name
                entries.extend(_entry(f, section.title, config, f.id) for f in item.fields)
            elif isinstance(item, Table):
                entries.append({
                    "id": item.id, "label": item.label, "section": section.title, "kind": "table",
                    "type": "table", "choices": [], "choices_from": None, "required": False,
                    "personal": item.personal, "leaves": None, "help": item.help, "min": None, "max": None,
                    "defined_name": item.id, "columns": [c.id for c in item.columns],
                    "preset_rows": list(item.preset),
                })
                for c in item.columns:
                    entries.append(_entry(c, section.title, config, f"{item.id}[{column_header(c)}]",
                                         table=item.id))
    return entries
