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
    also: tuple[str, ...] = ()  # the other cells on `sheet` the rule involves (attendance and absences ...)

    def __str__(self) -> str:
        return f"{self.code} {self.message}"

    @property
    def cells(self) -> list[str]:
        """Every cell the problem involves, its own `cell` first; marked alike in copies and in Excel."""
        return ([self.cell] if self.cell else []) + list(self.also)

    def as_dict(self) -> dict:
        """For JSON: `cell` and the list `cells` of every cell involved (no `also`)."""
        d = asdict(self)
        del d["also"]
        return {k: d[k] for k in ("file", "sheet", "cell")} | {"cells": self.cells} | d


class RuleError(Exception):
    """A rule itself failed (a bug in SafeContext, such as a misspelt field): the check stops, so that no
    form passes a rule that never ran. `kind` is the exception's type; `name` what it looked up, if any
    (a field name from the rule's code, never a value from the form)."""

    def __init__(self, code: str, kind: str, name: str = ""):
        self.code, self.what = code, f"{kind}: {name}" if name else kind
        super().__init__(f"internal error in rule {code} ({self.what}): nothing was checked or filed; "
                         "please report it")

    @classmethod
    def of(cls, code: str, e: Exception) -> "RuleError":
        """The RuleError of an exception raised by rule `code` (only a lookup's name is kept)."""
        if isinstance(e, AttributeError):
            return cls(code, "AttributeError", e.name or "")
        return cls(code, type(e).__name__, str(e.args[0]) if isinstance(e, KeyError) and e.args else "")


def where(label: str, cell: str | None) -> str:
    """'Date of birth (C9)': how every message names a field."""
    return f"{label} ({cell})" if cell else label
