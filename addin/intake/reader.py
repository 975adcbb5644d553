"""Read a filled SafeContext workbook by its defined names, safely and fast.

Cell values come from python-calamine; the workbook's structure (defined names, tables) and
the few things calamine hides (Excel error values, formulas without a cached value) come
from the workbook XML, parsed with defusedxml after the zip has been checked for bombs.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import python_calamine
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from addin.checks.problems import ERROR, Problem, where
from addin.forms import FORM_IDS, Form, get_form
from addin.forms.contract import MARKER_FORM, MARKER_VERSION
from addin.forms.model import Table
from addin.intake.values import clean_text

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
MAX_UNPACKED = 100 * 2**20      # a filled form is well under 1 MiB unpacked
MAX_RATIO = 150                 # xlsx parts compress ~10x; far more means a bomb
_CACHE_PART = 64 * 2**10        # parts up to this size have their parsed XML cached (see _parse_xml)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]{1,3})\$?(\d+)$")
_CELL = re.compile(r'<c r="([A-Z]{1,3}\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_COORD = re.compile(r"^([A-Z]{1,3})(\d+)$")

# Codes of the problems found while reading (suffixes; the form's code is the prefix).
EXCEL_ERROR, NO_CACHED_VALUE, BROKEN_NAME = "002", "003", "013"


NOT_A_FORM = ("this workbook is not a SafeContext form (it has no SafeContext form marker). Start from a "
              "blank form made by 'safecontext new'.")


class ReadError(Exception):
    """A file that cannot be read as a form at all; str() is one line for the user."""

    def __init__(self, path, message: str):
        self.path = str(path)
        self.reason = message
        super().__init__(f"{path}: {message}")


@dataclass
class TableRow:
    number: int                               # 1-based row within the table
    raw: dict[str, object]                    # column id -> raw value
    cells: dict[str, str]                     # column id -> "C40"


@dataclass
class FormRecord:
    """One filled form as read: raw values by field id, where each came from, and read problems."""

    path: Path
    form: Form
    version: str
    raw: dict[str, object] = field(default_factory=dict)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # field id -> (sheet, cell)
    tables: dict[str, list[TableRow]] = field(default_factory=dict)
    table_sheets: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def col_to_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


@lru_cache(maxsize=256)
def _parse_xml(data: bytes):
    """A small part's XML, parsed once per distinct content. Forms made from one template share
    their workbook, relationship and table parts byte for byte, and defusedxml's pure-Python
    parser was the slowest step of reading a batch. Callers only read the tree, never change it."""
    return SafeET.fromstring(data)


@lru_cache(maxsize=8192)
def _row_col(coord: str) -> tuple[int, int]:
    """0-based (row, column) of 'C9'; cached, as every file asks for the same few hundred cells."""
    m = _COORD.match(coord)
    return int(m.group(2)) - 1, col_to_index(m.group(1))


def index_to_col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def read_form(path: str | Path, expect: str | None = None) -> FormRecord:
    """Read one workbook. Raises ReadError with a one-line reason when it is not a usable form."""
    path = Path(path)
    zf = _open_zip(path)
    with zf:
        book = _Structure(path, zf)
        form_id, version = book.marker()
        if form_id not in FORM_IDS:
            raise ReadError(path, f"the form id '{form_id}' is not a SafeContext form this version knows.")
        form = get_form(form_id)
        if expect and form_id != expect:
            raise ReadError(path, f"this is a {get_form(form_id).title} ({form_id}), but a "
                                  f"{get_form(expect).title} ({expect}) was expected.")
        if version not in form.accepted_versions:
            raise ReadError(path, f"template version '{version}' of {form_id} is not one this SafeContext "
                                  f"knows ({', '.join(form.accepted_versions)}). Use a current blank form "
                                  f"from 'safecontext new {form_id}' or update SafeContext.")
        rec = FormRecord(path=path, form=form, version=version)
        _read_fields(book, rec)
        _read_tables(book, rec)
    return rec


def _open_zip(path: Path) -> zipfile.ZipFile:
    if not path.exists():
        raise ReadError(path, "file not found.")
    if path.is_dir():
        raise ReadError(path, "is a folder, not a workbook.")
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head == _OLE:
            fh.seek(0)
            if "EncryptedPackage".encode("utf-16-le") in fh.read(1 << 20):
                raise ReadError(path, "the workbook is password-protected. Remove the password in Excel "
                                      "(File > Info > Protect Workbook > Encrypt with Password) and try again.")
            raise ReadError(path, "this is a legacy Excel 97-2003 (.xls) file. Open it in Excel and "
                                  "Save As 'Excel Workbook (.xlsx)', or start from a blank SafeContext form.")
    if not head:
        raise ReadError(path, "the file is empty.")
    if not head.startswith(b"PK"):
        raise ReadError(path, "not an Excel workbook (.xlsx). Save it from Excel as 'Excel Workbook (.xlsx)'.")
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReadError(path, "the file is damaged and cannot be opened as a workbook. "
                              "Ask the sender to save it again and resend it.") from None
    total = sum(i.file_size for i in infos)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > 1 << 20), default=0)
    if total > MAX_UNPACKED or worst > MAX_RATIO:
        zf.close()
        raise ReadError(path, f"refused: the workbook would unpack to {total / 2**20:,.0f} MiB, far more than "
                              "any form holds (a possible zip bomb). It was not opened.")
    if "xl/workbook.xml" not in zf.namelist():
        zf.close()
        raise ReadError(path, "not an Excel workbook (.xlsx): it has no workbook part. "
                              "Save it from Excel as 'Excel Workbook (.xlsx)'.")
    return zf


class _Structure:
    """Sheets, defined names and tables of a workbook, from its XML."""

    def __init__(self, path: Path, zf: zipfile.ZipFile):
        self.path, self.zf = path, zf
        wb = self._xml("xl/workbook.xml")
        rels = self._rels("xl/workbook.xml")
        self.sheet_paths: dict[str, str] = {}
        for s in wb.iterfind("m:sheets/m:sheet", NS):
            rid = s.get(f"{{{NS['r']}}}id")
            if rid in rels:
                self.sheet_paths[s.get("name")] = rels[rid]
        self.names: dict[str, str] = {}
        for d in wb.iterfind("m:definedNames/m:definedName", NS):
            if d.get("localSheetId") is None:
                self.names[d.get("name")] = (d.text or "").strip()
        self._calamine = None
        self._grids: dict[str, list] = {}
        self._special: dict[str, dict] = {}

    def _read(self, part: str) -> bytes:
        try:
            data = self.zf.read(part)
        except KeyError:
            raise ReadError(self.path, f"the workbook is damaged: part {part} is missing.") from None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise ReadError(self.path, "the file is damaged and cannot be opened as a workbook.") from None
        # Anywhere in the part: a long comment can push the declaration past any fixed prefix.
        # Inside text these would be escaped (&lt;!DOCTYPE), so a raw one is always markup.
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise ReadError(self.path, "refused: the workbook contains an XML document type declaration "
                                       "(a possible entity bomb). Excel never writes these; it was not opened.")
        return data

    def _xml(self, part: str):
        data = self._read(part)
        try:
            return _parse_xml(data) if len(data) <= _CACHE_PART else SafeET.fromstring(data)
        except (SafeET.ParseError, DefusedXmlException):
            raise ReadError(self.path, f"the workbook is damaged: {part} is not readable XML.") from None

    def _rels(self, part: str) -> dict[str, str]:
        p = PurePosixPath(part)
        rels_part = str(p.parent / "_rels" / (p.name + ".rels"))
        if rels_part not in self.zf.namelist():
            return {}
        out = {}
        for r in self._xml(rels_part).iterfind("rel:Relationship", NS):
            target = r.get("Target", "")
            if r.get("TargetMode") == "External":
                continue
            full = target.lstrip("/") if target.startswith("/") else _join(p.parent, target)
            out[r.get("Id")] = full
        return out

    def resolve(self, name: str) -> tuple[str, str] | None:
        """(sheet, 'C9') for a defined name, or None when missing or broken (#REF!)."""
        ref = self.names.get(name)
        m = _REF.match(ref or "")
        if not m:
            return None
        sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
        if sheet not in self.sheet_paths:
            return None
        return sheet, f"{m.group(3)}{m.group(4)}"

    def grid(self, sheet: str) -> list:
        if sheet not in self._grids:
            if self._calamine is None:
                try:
                    self._calamine = python_calamine.CalamineWorkbook.from_path(str(self.path))
                except Exception:  # calamine raises several types for damaged files
                    raise ReadError(self.path, "the file is damaged and cannot be opened as a workbook.") from None
            try:
                self._grids[sheet] = self._calamine.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except Exception:
                raise ReadError(self.path, f"sheet '{sheet}' is damaged and cannot be read.") from None
        return self._grids[sheet]

    def special(self, sheet: str) -> dict[str, tuple[str, str]]:
        """Cells calamine reads as blank but are not: Excel errors and formulas with no cached value."""
        if sheet not in self._special:
            data = self._read(self.sheet_paths[sheet])
            # Only cells can hold formulas or errors; outside <sheetData> '<f' is every drop-down's
            # <formula1>, which would send every file through the slow scan below.
            lo, hi = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
            cells = data[lo:hi] if 0 <= lo < hi else data
            found = {}
            if b"<f" in cells or b't="e"' in cells:
                for m in _CELL.finditer(data.decode("utf-8", "replace")):
                    coord, attrs, inner = m.group(1), m.group(2), m.group(3) or ""
                    if 't="e"' in attrs:
                        v = re.search(r"<v>(.*?)</v>", inner)
                        found[coord] = ("error", v.group(1) if v else "#VALUE!")
                    elif "<f" in inner and not re.search(r"<v>[^<]+</v>", inner):
                        found[coord] = ("novalue", "")
            self._special[sheet] = found
        return self._special[sheet]

    def value(self, sheet: str, coord: str):
        r, c = _row_col(coord)
        rows = self.grid(sheet)
        if r < len(rows) and c < len(rows[r]):
            v = rows[r][c]
            return None if v == "" else v
        return None

    def marker(self) -> tuple[str, str]:
        where_form, where_version = self.resolve(MARKER_FORM), self.resolve(MARKER_VERSION)
        if not where_form:
            raise ReadError(self.path, NOT_A_FORM)
        form_id = self.value(*where_form)
        version = self.value(*where_version) if where_version else None
        if not isinstance(form_id, str) or not form_id:
            raise ReadError(self.path, "this workbook's SafeContext form marker is empty or damaged. "
                                       "Copy the entries into a blank form made by 'safecontext new'.")
        return form_id.strip(), str(version or "").strip()

    def table_parts(self):
        """Every Excel table: (sheet, name, ref, header rows, totals rows, column headings)."""
        for sheet, part in self.sheet_paths.items():
            for target in self._rels(part).values():
                if "/tables/" not in "/" + target:
                    continue
                t = self._xml(target)
                headings = [c.get("name", "") for c in t.iterfind("m:tableColumns/m:tableColumn", NS)]
                yield (sheet, t.get("displayName") or t.get("name"), t.get("ref", ""),
                       int(t.get("headerRowCount", "1")), int(t.get("totalsRowCount", "0")), headings)

    def tables(self) -> dict[str, tuple[str, str, list[str]]]:
        """Excel tables by name: (sheet, ref, header names)."""
        return {name: (sheet, ref, headings) for sheet, name, ref, _, _, headings in self.table_parts()}


def _join(base: PurePosixPath, target: str) -> str:
    parts = []
    for piece in (str(base) + "/" + target).split("/"):
        if piece == "..":
            parts and parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _cell_problem(rec: FormRecord, label: str, fid: str, sheet: str, coord: str, kind: str, detail: str):
    code = EXCEL_ERROR if kind == "error" else NO_CACHED_VALUE
    msg = (f"{where(label, coord)}: the cell shows the Excel error {detail}; type the value in instead"
           if kind == "error" else
           f"{where(label, coord)}: the formula has no calculated value; type the value in, or open and "
           "save the file in Excel so it is calculated")
    rec.problems.append(Problem(str(rec.path), sheet, coord, fid, f"{rec.form.code}-{code}", ERROR, msg))


def _read_fields(book: _Structure, rec: FormRecord) -> None:
    for f in rec.form.fields:
        loc = book.resolve(f.id)
        if loc is None:
            broken = "broken (#REF!)" if f.id in book.names else "missing"
            rec.problems.append(Problem(
                str(rec.path), None, None, f.id, f"{rec.form.code}-{BROKEN_NAME}", ERROR,
                f"{f.label}: the workbook's name '{f.id}' for this field is {broken}, so it cannot be read. "
                "Copy the entries into a blank form made by 'safecontext new'."))
            continue
        sheet, coord = loc
        rec.cells[f.id] = loc
        spec = book.special(sheet).get(coord)
        if spec:
            _cell_problem(rec, f.label, f.id, sheet, coord, *spec)
            rec.raw[f.id] = None
        else:
            rec.raw[f.id] = book.value(sheet, coord)


def _label_key(s: str) -> str:
    return " ".join(s.replace("*", " ").split()).casefold()


def _read_tables(book: _Structure, rec: FormRecord) -> None:
    found = book.tables() if rec.form.tables else {}
    for t in rec.form.tables:
        rec.tables[t.id] = []
        if t.id not in found:
            rec.problems.append(Problem(
                str(rec.path), None, None, t.id, f"{rec.form.code}-{BROKEN_NAME}", ERROR,
                f"{t.label}: the workbook's table '{t.id}' is missing, so it cannot be read. "
                "Copy the entries into a blank form made by 'safecontext new'."))
            continue
        sheet, ref, headers = found[t.id]
        rec.table_sheets[t.id] = sheet
        _read_table(book, rec, t, sheet, ref, headers)


def _read_table(book: _Structure, rec: FormRecord, t: Table, sheet: str, ref: str, headers: list[str]) -> None:
    first, _, last = ref.partition(":")
    m1, m2 = _COORD.match(first), _COORD.match(last or first)
    if not (m1 and m2):
        return
    c0, r0, r1 = col_to_index(m1.group(1)), int(m1.group(2)), int(m2.group(2))
    by_label = {_label_key(h): i for i, h in enumerate(headers)}
    positions = {}
    for c in t.columns:
        if _label_key(c.label) in by_label:
            positions[c.id] = c0 + by_label[_label_key(c.label)]
        else:
            rec.problems.append(Problem(
                str(rec.path), sheet, first, f"{t.id}.{c.id}", f"{rec.form.code}-{BROKEN_NAME}", ERROR,
                f"{where(t.label, first)}: the column '{c.label}' is missing from the table. "
                "Put the heading back, or copy the entries into a blank form."))
    special = book.special(sheet)
    letters = {cid: index_to_col(ci) for cid, ci in positions.items()}
    number = 0
    for r in range(r0 + 1, r1 + 1):
        raw, cells = {}, {}
        for cid, letter in letters.items():
            coord = f"{letter}{r}"
            cells[cid] = coord
            spec = special.get(coord)
            if spec:
                col = t.column(cid)
                _cell_problem(rec, f"{t.label} row {r - r0}, {col.label}", f"{t.id}.{cid}", sheet, coord, *spec)
                raw[cid] = None
            else:
                raw[cid] = book.value(sheet, coord)
        number += 1
        entered = [cid for cid, v in raw.items()
                   if clean_text(v) is not None and not (t.preset and cid == t.columns[0].id)]
        if entered:
            rec.tables[t.id].append(TableRow(number, raw, cells))
