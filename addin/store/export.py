"""Data leaving the store for analysis: every personal field becomes what its declaration says.

`drop`: left out. `hash`: HMAC-SHA256 of the value with the configured analysis_key (hex), so the
same child links across exports and terms without the UPN. `month`: a date as its month
(2012-05). `district`: a postcode as its outward code (AB1). Non-personal fields leave as stored.
The form's repeating tables are exported beside it, one CSV each, joined by record_id. The store's
record keys and source file names are not exported.
"""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from addin.forms.model import Field, Form


class ExportError(Exception):
    """An export that cannot be written; the message says what to do."""


def _leave(f: Field, value, key: bytes | None):
    if value is None or value != value:
        return None
    if f.leaves == "hash":
        return hmac.new(key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    if f.leaves == "month":
        return f"{value:%Y-%m}"
    if f.leaves == "district":
        return str(value).split()[0] if " " in str(value) else str(value)[:-3]
    return value


def for_analysis(df, fields: list[Field], key: str | None):
    """The frame with each personal field dropped or turned into what it declares."""
    if any(f.leaves == "hash" for f in fields if f.id in df.columns) and not key:
        raise ExportError("this form has fields exported as keyed hashes (e.g. the UPN), but the configuration has "
                          "no analysis_key. Add a long random text as analysis_key to the configuration, keep it "
                          "secret, and keep it for as long as the store (the same key links exports over time).")
    out = df.copy()
    raw = key.encode("utf-8") if key else None
    for f in fields:
        if f.id not in out.columns or not f.personal:
            continue
        if f.leaves == "drop":
            out = out.drop(columns=[f.id])
        else:
            out[f.id] = [_leave(f, v, raw) for v in out[f.id]]
    return out


def export_records(target, form: Form, out: Path, config, terms=None) -> list[tuple[Path, int]]:
    """Write the form's current records (and its tables' rows) for analysis as CSV; [(file, rows)]."""
    from addin.store import load_records, load_table_rows

    if out.suffix.lower() != ".csv":
        raise ExportError(f"{out}: the file name must end in .csv.")
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; give a file name in it, e.g. -o {out / 'export.csv'}.")
    if not out.parent.is_dir():
        raise ExportError(f"{out}: the folder {out.parent} does not exist; create it first.")
    records = load_records(target, terms, form=form.id)
    # The store's own keys and file names stay in the store: a key can hold an unkeyed hash of a UPN, and
    # a file name can hold a child's name.
    records = records.drop(columns=["record_key", "source_file"])
    frames = [(out, for_analysis(records, form.fields, config.analysis_key))]
    for t in form.tables:
        rows = load_table_rows(target, t.id, terms, form=form.id)
        frames.append((out.with_name(f"{out.stem}.{t.id}{out.suffix}"),
                       for_analysis(rows, list(t.columns), config.analysis_key)))
    written = []
    for path, df in frames:
        try:
            df.to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d")  # BOM: Excel reads UTF-8
        except OSError as e:
            raise ExportError(f"{path}: cannot be written ({e.strerror or e}).") from None
        written.append((path, len(df)))
    return written
