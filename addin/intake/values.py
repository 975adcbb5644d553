"""Turn what people really type into typed values, or say why not.

Each parser takes the raw cell value (str, float, int, bool, date, datetime or None) and
returns (value, problem) where problem is None or (rule suffix, detail) for validators.common.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from addin.text import printable

_YES = {"yes", "y", "✓", "✔", "x", "true", "1", "ticked", "tick"}
_NO = {"no", "n", "false", "0", "✗", "none"}
_DATE_TEXT = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?\s*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LAST_SERIAL = 2958466                 # 1 January 10000: Excel's dates end the day before
FIRST_YEAR, LAST_YEAR = 1900, 2100     # a date outside these years is a slip, not a date on a form
MAX_INTEGER = 2**31 - 1                # the store's whole-number columns (PostgreSQL integer)
MAX_NUMBER = 1e15                      # beyond this a "number" is a slip (or an attack), not a count
# Characters no one types: C0 controls but tab, line feed and carriage return; DEL and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def show(raw) -> str:
    """A raw value as the person typed it, for messages (control characters escaped, long text cut)."""
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time(0):
            return raw.strftime("%d/%m/%Y %H:%M")
        raw = raw.date()
    if isinstance(raw, dt.date):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, dt.time):
        return raw.strftime("%H:%M")
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < MAX_NUMBER:
            return str(int(raw))
        return f"{raw:g}"
    text = printable(str(raw))
    return text if len(text) <= 60 else text[:57] + "..."


def _kind_of(raw) -> str | None:
    """'a date' or 'a time' when Excel stored what was typed as one (it turns "8/9" into a date)."""
    if isinstance(raw, dt.datetime) and raw.time() != dt.time(0):
        return "a date and time"
    if isinstance(raw, dt.date):
        return "a date"
    if isinstance(raw, (dt.time, dt.timedelta)):
        return "a time"
    return None


def clean_text(raw) -> str | None:
    """Trimmed text; None for blank. Numbers typed into text cells come back as text."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if isinstance(raw, dt.timedelta):
        raw = str(raw)
    s = show(raw).strip() if not isinstance(raw, str) else raw.strip()
    return s or None


def parse_text(raw, max_length: int | None):
    """Trimmed text, refused when it holds control characters or is longer than the field allows."""
    s = clean_text(raw)
    if s is None:
        return None, None
    if _CONTROL.search(s):
        return None, ("control", "holds invisible control characters (often pasted from another program); "
                                 "delete the entry and type it again")
    if max_length is not None and len(s) > max_length:
        return None, ("length", f"{len(s):,} characters is longer than this field takes ({max_length:,}); "
                                "shorten it")
    return s, None


def parse_yesno(raw):
    s = clean_text(raw)
    if s is None:
        return None, None
    key = s.casefold()
    if key in _YES:
        return True, None
    if key in _NO:
        return False, None
    return None, ("choice", f"'{show(s)}' is not Yes or No; pick one from the drop-down")


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
    return None, ("choice", f"'{show(s)}' is not one of the choices ({shown}); pick one from the drop-down")


def parse_number(raw, integer: bool = False):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    kind = _kind_of(raw)
    if kind:
        return None, ("number", f"{show(raw)} is {kind}, not a number (Excel may have changed what was typed); "
                                "format the cell as Number and type the number again")
    if isinstance(raw, bool):
        return None, ("number", f"'{show(raw)}' is not a number")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        s = str(raw).strip().replace(",", "")
        try:
            value = float(s)
        except ValueError:
            return None, ("number", f"'{show(raw)}' is not a number")
    if not math.isfinite(value):
        return None, ("number", f"'{show(raw)}' is not a number")
    if abs(value) > (MAX_INTEGER if integer else MAX_NUMBER):
        return None, ("number", f"{show(value)} is far too large to be right; check the number")
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
    if problem and _kind_of(raw):
        return None, problem
    if problem or value is None:
        return value, problem and ("number", f"'{show(raw)}' is not a percentage")
    if 0 < value < 1:
        value = round(value * 100, 6)  # a cell formatted as % holds 0.95 for 95%
    return value, None


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _day(y: int, mo: int, d: int, typed: str):
    """The date, or why there is none: "there is no 31 February 2012" rather than a format lecture."""
    try:
        day = dt.date(y, mo, d)
    except ValueError:
        if 1 <= mo <= 12 and 1 <= d <= 31 and 1 <= y:
            return None, ("date", f"'{typed}' is not a date: there is no {d} {_MONTHS[mo - 1]} {y}")
        return None, ("date", f"'{typed}' is not a date; type it as dd/mm/yyyy")
    return _in_range(day, typed)


def _in_range(day: dt.date, typed: str):
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None, ("date", f"'{typed}' is not a date this form can hold (the year must be from {FIRST_YEAR} "
                              f"to {LAST_YEAR}); type it as dd/mm/yyyy")
    return day, None


def parse_date(raw):
    if raw is None:
        return None, None
    if isinstance(raw, dt.datetime):
        return _in_range(raw.date(), show(raw))
    if isinstance(raw, dt.date):
        return _in_range(raw, show(raw))
    if isinstance(raw, (dt.time, dt.timedelta)):
        return None, ("date", f"{show(raw)} is a time, not a date; type the date as dd/mm/yyyy")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if math.isfinite(raw) and 1 <= raw < _LAST_SERIAL:  # an Excel serial date stored without a date format
            return _in_range(_EXCEL_EPOCH + dt.timedelta(days=int(raw)), show(raw))
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
            return None, ("date", f"'{show(s)}' is not a date; type it as dd/mm/yyyy")
        y, mo, d = (int(g) for g in m.groups())
    return _day(y, mo, d, s)


def parse(field, raw, choices: tuple[str, ...] = ()):
    """Typed value and parse problem for one field (text of any kind is checked by parse_text)."""
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
    value, problem = parse_text(raw, field.max_length)
    if problem:
        return None, problem
    if value is not None and kind in ("postcode", "upn"):
        value = " ".join(value.upper().split()) if kind == "postcode" else value.upper().replace(" ", "")
    return value, None
