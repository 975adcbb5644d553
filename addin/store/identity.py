"""Which record a form is, and whether its content changed: keys and hashes, no database."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from addin.forms import Form
from addin.forms.plugin import Identity


def normal_number(value) -> str | None:
    """A record's number (referral number, request reference) as compared: spaces collapsed, upper case."""
    if value is None:
        return None
    s = " ".join(str(value).split()).upper()
    return s or None


def _key_text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def alt_key(identity: Identity, values: dict) -> str | None:
    """'<first fallback field>:' + sha256 of the fallback fields' values (FAP: 'upn:' + sha256(UPN +
    referral date)): identifies a record without showing them. None for a form without fallback fields."""
    if not identity.fallback:
        return None
    text = "".join(_key_text(values.get(f)) for f in identity.fallback)
    return f"{identity.fallback[0]}:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def number_key(identity: Identity, values: dict) -> str | None:
    """'ref:' + the record's number (and '|' + each `with_number` value: 'ref:HSB-0042|2026-10-05'), or None
    when it has none (or lacks a `with_number` value)."""
    number = normal_number(values.get(identity.number))
    parts = [_key_text(values.get(f)) for f in identity.with_number]
    if not number or not all(parts):
        return None
    return "|".join([f"ref:{number}", *parts])


def record_key(identity: Identity, values: dict) -> str | None:
    """The number key when there is a number, else the fallback key (None: the form cannot be identified)."""
    return number_key(identity, values) or alt_key(identity, values)


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 95.0 and 95 are the same answer
    return value


def canonical_json(form: Form, values: dict, tables: dict | None = None) -> str:
    """The typed content of a form as JSON with a fixed order (row positions left out)."""
    tables = tables or {}
    content = {
        "form": form.id,
        "values": {f.id: _plain(values.get(f.id)) for f in form.fields},
        "tables": {t.id: [{c.id: _plain(row.get(c.id)) for c in t.columns} for row in tables.get(t.id, [])]
                   for t in form.tables},
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(form: Form, values: dict, tables: dict | None = None) -> str:
    """sha256 of the canonical JSON: equal for the same answers, however the workbook was saved."""
    return hashlib.sha256(canonical_json(form, values, tables).encode("utf-8")).hexdigest()


def file_hash(path) -> str:
    """sha256 of a file's bytes. OSError for anything but a regular file (a pipe, or a link to
    /dev/zero, would never end) and for a file larger than any workbook that is read."""
    from addin.intake.reader import ReadError, read_bytes

    try:
        return hashlib.sha256(read_bytes(path)).hexdigest()
    except ReadError as e:
        raise OSError(e.reason) from None
