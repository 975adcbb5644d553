"""Checks every form gets from its declaration, the Rule type, and the pandera schema builder.

pandas and pandera are imported inside functions, so listing rules stays fast.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from addin.checks.problems import ERROR, QUERY, RuleError
from addin.forms.model import Field, Form

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_POSTCODE = re.compile(r"^(GIR 0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-Z]? ?[0-9][ABD-HJLNP-UW-Z]{2})$")
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # DfE check letters, values 0..22


@dataclass(frozen=True)
class Rule:
    """One check: a code, a severity, what it checks, and how it speaks.

    `check(df)` returns a boolean Series, True where a row passes. `message(row)` returns the
    text after the field's label and cell. `field` names the cell the problem is on; `also` the
    other fields it involves, whose cells are marked too; `table` says the rule runs on a
    repeating table's rows instead of the form's fields (and `field`, `also` are its columns);
    `sees` names what such a rule reads of its row's form besides the row: another table's rows (as
    `_<table>_rows`, typed; None when that table could not be read) or a field's value (as `_<field>`).
    """

    code: str
    severity: str
    title: str
    field: str | None = None
    table: str | None = None
    check: Callable | None = None
    message: Callable | None = None
    also: tuple[str, ...] = ()
    sees: tuple[str, ...] = ()


# Generic rules, by code suffix. The form's code is the prefix: FAP-007, PGI-007.
GENERIC = {
    "001": (ERROR, "A required field is blank."),
    "002": (ERROR, "A cell shows an Excel error value (#N/A, #REF! ...)."),
    "003": (ERROR, "A formula has no calculated value."),
    "004": (ERROR, "A value is not one of the field's choices (drop-down, Yes/No or tick)."),
    "005": (ERROR, "A value is not a number (or not a whole number where one is needed)."),
    "006": (ERROR, "A number is outside the field's allowed range."),
    "007": (ERROR, "A value is not a date (dd/mm/yyyy)."),
    "008": (ERROR, "A percentage is not a number from 0 to 100."),
    "009": (ERROR, "An email address is not in the form name@example.org."),
    "010": (ERROR, "A postcode is not a valid UK postcode."),
    "011": (ERROR, "A UPN is not 13 characters with the correct DfE check letter."),
    "012": (ERROR, "A phone number does not have 10 to 13 digits."),
    "013": (ERROR, "A field's defined name or a table is missing or broken, so it cannot be read."),
    "014": (ERROR, "A text holds invisible control characters."),
    "015": (ERROR, "A text is longer than the field takes."),
}
PARSE_CODES = {"choice": "004", "number": "005", "date": "007", "control": "014", "length": "015"}


# Which field types each generic check applies to; codes not listed apply to every form.
_GENERIC_TYPES = {
    "004": {"choice", "yesno", "tick"},
    "005": {"integer", "number"},
    "007": {"date"},
    "008": {"percent"},
    "009": {"email"},
    "010": {"postcode"},
    "011": {"upn"},
    "012": {"phone"},
    "014": {"text", "longtext", "email", "phone", "postcode", "upn"},
    "015": {"text", "longtext", "email", "phone", "postcode", "upn"},
}


def _applies(n: str, fields: list[Field]) -> bool:
    """A generic rule is listed only if some field of the form can break it."""
    if n == "001":
        return any(f.required for f in fields)
    if n == "006":
        return any(f.type in ("integer", "number") and (f.min is not None or f.max is not None) for f in fields)
    return n not in _GENERIC_TYPES or any(f.type in _GENERIC_TYPES[n] for f in fields)


def generic_rules(form: Form) -> list[Rule]:
    """The generic rules that can apply to `form`, given the types of its fields and table columns."""
    fields = form.fields + [c for t in form.tables for c in t.columns]
    return [Rule(f"{form.code}-{n}", sev, title) for n, (sev, title) in GENERIC.items() if _applies(n, fields)]


def upn_problem(upn: str) -> str | None:
    """Why a UPN is invalid, or None. DfE: check letter + 12 characters, weights 2..13, mod 23."""
    if len(upn) != 13:
        return f"it has {len(upn)} characters, not 13"
    if not upn[1:12].isdigit() or not (upn[12].isdigit() or upn[12] in _UPN_LETTERS):
        return "characters 2 to 12 must be digits and the last a digit or letter"
    if upn[0] not in _UPN_LETTERS:
        return "it must start with a check letter"
    values = [int(ch) for ch in upn[1:12]] + [int(upn[12]) if upn[12].isdigit() else _UPN_LETTERS.index(upn[12])]
    expected = _UPN_LETTERS[sum(v * w for v, w in zip(values, range(2, 14))) % 23]
    if upn[0] != expected:
        return f"the check letter should be {expected}, not {upn[0]}"
    return None


def with_check_letter(body12: str) -> str:
    """A valid UPN from its last 12 characters (for demo data and tests)."""
    values = [int(ch) for ch in body12[:11]] + [int(body12[11]) if body12[11].isdigit() else _UPN_LETTERS.index(body12[11])]
    return _UPN_LETTERS[sum(v * w for v, w in zip(values, range(2, 14))) % 23] + body12


def _digits(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


def _phone_ok(s: str) -> bool:
    return bool(re.fullmatch(r"[0-9 +()\-.]+", s)) and 10 <= _digits(s) <= 13


def value_checks(form_code: str, f: Field) -> list[tuple[str, Callable, Callable]]:
    """(code, element test, message) for a typed value of field `f`; tests see non-blank values."""
    out = []
    if f.type in ("integer", "number") and (f.min is not None or f.max is not None):
        lo, hi = f.min, f.max
        out.append(("006", lambda v, lo=lo, hi=hi: (lo is None or v >= lo) and (hi is None or v <= hi),
                    lambda v, lo=lo, hi=hi: f"{_num(v)} is outside the allowed range {_num(lo)} to {_num(hi)}"))
    elif f.type == "percent":
        out.append(("008", lambda v: 0 <= v <= 100, lambda v: f"{_num(v)} is not a percentage from 0 to 100"))
    elif f.type == "email":
        out.append(("009", lambda v: bool(_EMAIL.match(v)), lambda v: f"'{v}' is not an email address"))
    elif f.type == "postcode":
        out.append(("010", lambda v: bool(_POSTCODE.match(v)), lambda v: f"'{v}' is not a UK postcode"))
    elif f.type == "upn":
        out.append(("011", lambda v: upn_problem(v) is None,
                    lambda v: f"'{v}' is not a valid UPN: {upn_problem(v)}"))
    elif f.type == "phone":
        out.append(("012", _phone_ok, lambda v: f"'{v}' is not a phone number (10 to 13 digits)"))
    return [(f"{form_code}-{code}", test, msg) for code, test, msg in out]


def _num(v) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def build_schema(name: str, form_code: str, fields: list[Field], rules: list[Rule]):
    """A pandera DataFrameSchema: per-field checks from the declaration plus the cross-field rules."""
    import pandera.pandas as pa

    columns = {}
    for f in fields:
        checks = []
        if f.required:
            checks.append(pa.Check(lambda s: s.notna(), name=f"{form_code}-001", ignore_na=False))
        for code, test, _ in value_checks(form_code, f):
            checks.append(pa.Check(test, element_wise=True, name=code))
        # Only the columns with checks: the reader gives every field a column (the rules read them from
        # the frame), and each column pandera validates costs about as much as reading a form's cells.
        # No dtype: the values are typed by the reader, and a one-form frame's blanks are not objects.
        if checks:
            columns[f.id] = pa.Column(None, checks=checks, nullable=True, required=True)
    wide = [pa.Check(r.check, name=r.code) for r in rules]
    return pa.DataFrameSchema(columns, checks=wide, name=name, coerce=False)


# Exceptions whose argument is a name the rule's code looked up (a misspelt field), not a value from a form.
_LOOKUPS = ("AttributeError", "KeyError", "NameError")


def failures(schema, df):
    """(check name, column or None, row index, failing value) for every failure, lazily collected.

    A check that raised (pandera reports it as a failure without a row) raises RuleError instead.
    """
    import pandera.errors as pe

    try:
        schema.validate(df, lazy=True)
    except pe.SchemaErrors as err:
        for e in err.schema_errors:
            if e.reason_code == pe.SchemaErrorReason.CHECK_ERROR:  # failure_cases: 'AttributeError("atendance")'
                kind, _, arg = str(e.failure_cases).partition("(")
                name = arg.rstrip(")").strip("\"'") if kind in _LOOKUPS else ""
                raise RuleError(getattr(e.check, "name", str(e.check)), kind, name) from None
        fc = err.failure_cases
        return [(row.check, row.column if isinstance(row.column, str) and row.column in df.columns else None,
                 row.index, row.failure_case) for row in fc.itertuples(index=False)]
    return []


def blank(v) -> bool:
    """True for None/NaN/empty: pandas turns None into NaN in some columns."""
    return v is None or v != v or v == ""


class _Row:
    """One frame row for a rule: r.field or r["field"]. Far cheaper than the pandas Series that
    df.apply(axis=1) builds per row, whose attribute access dominated validating a batch."""

    __slots__ = ("_values",)

    def __init__(self, values: dict):
        self._values = values

    def __getitem__(self, key):
        return self._values[key]

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None


def rowwise(fn):
    """Turn a per-row predicate into a DataFrame check returning a boolean Series."""
    def check(df):
        import pandas as pd

        columns = list(df.columns)
        # One object array rather than itertuples, which costs a column lookup per column on every call:
        # on a one-form frame of 146 columns that was most of the check's time.
        passed = [bool(fn(_Row(dict(zip(columns, values))))) for values in df.to_numpy(dtype=object)]
        return pd.Series(passed, index=df.index, dtype=bool)

    return check


def query(code, title, field, check, message, table=None, also=(), sees=()) -> Rule:
    return Rule(code, QUERY, title, field, table, check, message, tuple(also), tuple(sees))


def error(code, title, field, check, message, table=None, also=(), sees=()) -> Rule:
    return Rule(code, ERROR, title, field, table, check, message, tuple(also), tuple(sees))
