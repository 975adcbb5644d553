"""Read a register workbook: an Excel Table with one row per record and one column per field.

The coordinator's register is not a SafeContext form: it has no form marker, and its headings
are field ids or labels (`upn` or `UPN`, `date_of_birth` or `Date of birth`). Each row becomes a
record of raw values with its cells, which addin.checks.registers types and validates exactly
like a form. Columns that are not fields are reported and not filed. Reading knows no rules.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from addin.forms import Form, get_form
from addin.forms.contract import MARKER_FORM
from addin.intake.reader import (MAX_ROW, FormRecord, ReadError, _cell_problem, _COORD, _open_zip, _Structure,
                                 col_to_index, index_to_col)
from addin.intake.values import clean_text

MIN_MATCHED = 3  # headings that must be fields before a table counts as a register


class NotARegister(ReadError):
    """The workbook has no Excel table whose headings are the form's fields."""


@dataclass
class Register:
    path: Path
    sheet: str | None = None
    table: str | None = None
    columns: dict[str, str] = field(default_factory=dict)   # field id -> register heading
    ignored: list[str] = field(default_factory=list)         # headings that are not fields (not filed)
    rows: list[tuple[int, FormRecord]] = field(default_factory=list)  # (Excel row number, its record)


def _key(s: str) -> str:
    return " ".join(str(s).replace("*", " ").split()).casefold()


def _heading_map(form: Form, headings: list[str]) -> tuple[dict[str, int], list[str]]:
    """Field id -> column position for headings that are field ids or labels; the other headings."""
    by_key = {}
    for f in form.fields:
        by_key.setdefault(f.id.casefold(), f.id)
        by_key.setdefault(_key(f.label), f.id)
    mapped, ignored = {}, []
    for i, h in enumerate(headings):
        fid = by_key.get(_key(h))
        if fid and fid not in mapped:
            mapped[fid] = i
        elif h:
            ignored.append(h)
    return mapped, ignored


def _best_table(book: _Structure, form: Form):
    """The table whose headings are mostly the form's fields (at least MIN_MATCHED and half of them):
    a table that merely shares a few labels, such as a matrix's "by school and concern", is not a register."""
    best = None
    for sheet, name, ref, header_rows, totals_rows, headings in book.table_parts():
        mapped, ignored = _heading_map(form, headings)
        mostly = len(mapped) >= MIN_MATCHED and 2 * len(mapped) >= len([h for h in headings if h])
        if header_rows and mostly and (best is None or len(mapped) > len(best[-2])):
            best = (sheet, name, ref, header_rows, totals_rows, headings, mapped, ignored)
    return best


def is_register(path: str | Path, form_id: str) -> bool:
    """True for a workbook without a SafeContext form marker whose Excel table has field headings."""
    path = Path(path)
    try:
        zf = _open_zip(path)
    except ReadError:
        return False
    try:
        with zf:
            book = _Structure(path, zf)
            if MARKER_FORM.casefold() in book.names:
                return False
            return _best_table(book, get_form(form_id)) is not None
    except ReadError:
        return False


def read_register(path: str | Path, form_id: str) -> Register:
    """Every non-blank row of the register's table as a record (typed and checked by check_register)."""
    path = Path(path)
    form = get_form(form_id)
    reg = Register(path)
    with _open_zip(path) as zf:
        book = _Structure(path, zf)
        best = _best_table(book, form)
        if best is None:
            raise NotARegister(path, f"no Excel table with {form.title} fields as headings was found. Give the "
                                      "register's table headings that are field ids or labels "
                                      f"(see 'safecontext fields {form_id}').")
        sheet, name, ref, header_rows, totals_rows, headings, mapped, ignored = best
        missing = [f.label for f in form.fields if f.required and f.id not in mapped]
        if missing:  # its rows could never be filed: say so once, not as a blank on every row
            raise ReadError(path, f"the register's table {name} on sheet '{sheet}' has no column for these required "
                                  f"fields: {'; '.join(missing)}. Add a column for each (the heading may be the "
                                  f"field's label or id; see 'safecontext fields {form_id}').")
        reg.sheet, reg.table, reg.ignored = sheet, name, ignored
        reg.columns = {fid: headings[i] for fid, i in mapped.items()}
        first, _, last = ref.partition(":")
        m1, m2 = _COORD.match(first), _COORD.match(last or first)
        if not (m1 and m2):
            raise ReadError(path, f"the table {name} on sheet '{sheet}' has a damaged range ({ref}).")
        c0, r0, r1 = col_to_index(m1.group(1)), int(m1.group(2)), int(m2.group(2))
        if r1 > MAX_ROW:
            raise ReadError(path, f"the register's table {name} on sheet '{sheet}' runs to row {r1:,}; a register "
                                  f"may have at most {MAX_ROW:,} rows. Click in the table, choose Table Design > "
                                  "Resize Table, and end it at the last row in use.")
        special = book.special(sheet)
        saved_at = book.saved_at()
        for r in range(r0 + header_rows, r1 - totals_rows + 1):
            rec = FormRecord(path=path, form=form, version=form.version, sha256=zf.sha256, saved_at=saved_at,
                             tables={t.id: [] for t in form.tables})
            for fid, i in mapped.items():
                coord = f"{index_to_col(c0 + i)}{r}"
                rec.cells[fid] = (sheet, coord)
                spec = special.get(coord)
                if spec:
                    _cell_problem(rec, form[fid].label, fid, sheet, coord, *spec)
                    rec.raw[fid] = None
                else:
                    rec.raw[fid] = book.value(sheet, coord)
            if all(clean_text(v) is None for v in rec.raw.values()) and not rec.problems:
                continue  # a blank row
            reg.rows.append((r, rec))
    return reg
