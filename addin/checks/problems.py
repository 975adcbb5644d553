"""A problem found in a form: the unit every output (console, JSON, annotated copy) speaks in."""
from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, QUERY = "error", "query"
# How a problem cell is marked, here and in Excel. Three lightnesses (the input cells are FFFDE7, near
# white; a query light blue; an error a stronger red), so they differ in grey and for colour-blind readers.
MARK_COLOURS = {ERROR: "FF9B9B", QUERY: "BDD7EE"}
LEGEND = ("Red: an error, which must be fixed before the form can be filed. Blue: a query, to check. "
          "(Pale yellow cells are where the form is typed.)")


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str | None
    cell: str | None
    field: str | None      # field id, or "table.column" for a table cell
    code: str              # e.g. "FAP-007"
    severity: str          # "error" blocks filing; "query" asks a person to check
    message: str           # plain English, names the field's label and its cell

    def __str__(self) -> str:
        return f"{self.code} {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def where(label: str, cell: str | None) -> str:
    """'Date of birth (C9)': how every message names a field."""
    return f"{label} ({cell})" if cell else label
