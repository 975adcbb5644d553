"""Turn what people really type into typed values, or say why not.

Each parser takes the raw cell value (str, float, int, bool, date, datetime or None) and
returns (value, problem) where problem is None or (rule suffix, detail) for validators.common.
"""
from __future__ import annotations

import datetime as dt
import re

_YES = {"yes", "y", "✓", "✔", "x", "true", "1", "ticked", "tick"}
_NO = {"no", "n", "false", "0", "✗", "none"}
_DATE_TEXT = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?\s*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def show(raw) -> str:
    """A raw value as the person typed it, for messages."""
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def clean_text(raw) -> str | None:
    """Trimmed text; None for blank. Numbers typed into text cells come back as text."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    s = show(raw).strip() if not isinstance(raw, str) else raw.strip()
    return s or None


def parse_yesno(raw):
    s = clean_text(raw)
    if s is None:
        return None, None
    key = s.casefold()
    if key in _YES:
        return True, None
    if key in _NO:
        return False, None
    return None, ("choice", f"'{s}' is not Yes or No; pick one from the drop-down")


def parse_choice(raw, choices: tuple[str, ...]):
    s = clean_text(raw)
    if s is None:
        return None, None
    key = " ".join(s.split()).casefold()
    for c in choices:
        if c.casefold() == key:
            return c, None
    for c in choices:  # coded lists accept the code alone: "WBRI" for "WBRI - White British"
        code, sep, _ = c.partition(" - ")
        if sep and code.casefold() == key:
            return c, None
    shown = ", ".join(choices) if len(choices) <= 6 else "the drop-down list"
    return None, ("choice", f"'{s}' is not one of the choices ({shown}); pick one from the drop-down")


def parse_number(raw, integer: bool = False):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, bool):
        return None, ("number", f"'{show(raw)}' is not a number")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        s = raw.strip().replace(",", "")
        try:
            value = float(s)
        except ValueError:
            return None, ("number", f"'{raw.strip()}' is not a number")
    if integer:
        if not value.is_integer():
            return None, ("number", f"'{show(raw)}' is not a whole number")
        return int(value), None
    return value, None


def parse_percent(raw):
    """95, '95', '95%' and 0.95 all mean 95 per cent."""
    if isinstance(raw, str) and raw.strip().endswith("%"):
        value, problem = parse_number(raw.strip()[:-1])
        return value, (problem and ("number", f"'{raw.strip()}' is not a percentage"))
    value, problem = parse_number(raw)
    if problem or value is None:
        return value, problem and ("number", f"'{show(raw)}' is not a percentage")
    if 0 < value < 1:
        value = round(value * 100, 6)  # a cell formatted as % holds 0.95 for 95%
    return value, None


def parse_date(raw):
    if raw is None:
        return None, None
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:  # an Excel serial date stored without a date format
            return _EXCEL_EPOCH + dt.timedelta(days=int(raw)), None
        return None, ("date", f"'{show(raw)}' is not a date; type it as dd/mm/yyyy")
    s = str(raw).strip()
    if not s:
        return None, None
    m = _DATE_TEXT.match(s)
    if m:
        d, mo, y = (int(g) for g in m.groups())
        if y < 100:
            y += 2000 if y < 50 else 1900
    else:
        m = _ISO_DATE.match(s)
        if not m:
            return None, ("date", f"'{s}' is not a date; type it as dd/mm/yyyy")
        y, mo, d = (int(g) for g in m.groups())
    try:
        return dt.date(y, mo, d), None
    except ValueError:
        return None, ("date", f"'{s}' is not a date; type it as dd/mm/yyyy")


def parse(field, raw, choices: tuple[str, ...] = ()):
    """Typed value and parse problem for one field."""
    kind = field.type
    if kind in ("yesno", "tick"):
        value, problem = parse_yesno(raw)
        if kind == "tick" and value is None and problem is None:
            value = False  # an unticked box is a No
        return value, problem
    if kind == "choice":
        return parse_choice(raw, choices)
    if kind == "date":
        return parse_date(raw)
    if kind in ("integer", "number"):
        return parse_number(raw, integer=kind == "integer")
    if kind == "percent":
        return parse_percent(raw)
    value = clean_text(raw)
    if value is not None and kind in ("postcode", "upn"):
        value = " ".join(value.upper().split()) if kind == "postcode" else value.upper().replace(" ", "")
    return value, None
