"""Read a filled SafeContext workbook by its defined names, safely and fast.

Cell values come from python-calamine; the workbook's structure (defined names, tables) and
the few things calamine hides (Excel error values, formulas without a cached value) come
from the workbook XML, parsed with defusedxml after the zip has been checked for bombs.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import python_calamine
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from addin.checks.problems import ERROR, Problem, where
from addin.forms import Form, form_ids, get_form
from addin.forms.contract import MARKER_FORM, MARKER_VERSION
from addin.forms.model import Table
from addin.intake.values import clean_text

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
MAX_FILE = 64 * 2**20           # bytes on disk: a filled form is ~30 KiB, a big register a few MiB
MAX_UNPACKED = 100 * 2**20      # a filled form is well under 1 MiB unpacked
MAX_RATIO = 150                 # xlsx parts compress ~10x; far more means a bomb
# The area of a sheet that is read. calamine lays a sheet out in memory from A1 to its last cell,
# so one stray cell at XFD1048576 would ask for hundreds of GB: cells beyond the form are dropped
# before calamine sees the sheet, and a form whose own cells lie beyond these is refused.
MAX_ROW, MAX_COL = 20_000, 256  # rows, columns (IV)
MAX_CELLS = 3_000_000           # rows x columns of the area laid out (9,999 rows x 260 columns pass unchecked)
MAX_TABLE_ROWS = 1_000          # rows of a repeating table on a form (a blank form has 5 to 12)
_CACHE_PART = 64 * 2**10        # parts up to this size have their parsed XML cached (see _parse_xml)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]{1,3})\$?(\d+)$")
_CELL = re.compile(r'<c r="([A-Z]{1,3}\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_COORD = re.compile(r"^([A-Z]{1,3})(\d+)$")
# Sheet XML, as bytes: every cell element (any attribute order, any namespace prefix), its position.
_CELL_ELEMENT = re.compile(rb'<((?:[\w.-]+:)?)c\b([^>]*?)(/>|>.*?</\1c>)', re.S)
# Excel, LibreOffice and openpyxl write every cell and row with its position first: <c r="C9" ...>.
_CELL_START = re.compile(rb'<(?:[\w.-]+:)?c[\s/>]')
_CELL_PLACED = re.compile(rb'<(?:[\w.-]+:)?c r="')
_ROW_START = re.compile(rb'<(?:[\w.-]+:)?row[\s/>]')
_ROW_PLACED = re.compile(rb'<(?:[\w.-]+:)?row r="')
_CELL_AT = re.compile(rb'<(?:[\w.-]+:)?c r="([A-Z]{1,3})(\d{1,7})"')
# A position at row 10,000 or beyond, or at column JA (261) or beyond; without one the area is small.
_FAR = re.compile(rb' r="(?:[A-Z]*\d{5}|(?:[A-Z]{3,}|[J-Z][A-Z])\d)')
# A number calamine would turn into a date it cannot hold (or a panic): negative, huge, NaN, inf.
_ODD_NUMBER = re.compile(rb'v>\s*(?:-|[^<]*[eEnNiI]|\d{7})')
_STYLE_ATTR = re.compile(rb'\ss="\d*"')
_TYPE_ATTR = re.compile(rb'\st="([^"]*)"')
_VALUE = re.compile(rb'<(?:[\w.-]+:)?v>([^<]*)<')
_LAST_SERIAL = 2958466          # 1 January 10000: Excel's dates end the day before

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
    sha256: str | None = None                 # of the file's bytes as read (what was checked is what is filed)
    saved_at: dt.datetime | None = None       # when the workbook was last saved (its own properties), UTC


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
        if form_id not in form_ids():
            raise ReadError(path, f"the form id '{form_id}' is not a SafeContext form this version knows.")
        form = get_form(form_id)
        if expect and form_id != expect:
            raise ReadError(path, f"this is a {get_form(form_id).title} ({form_id}), but a "
                                  f"{get_form(expect).title} ({expect}) was expected.")
        if version not in form.accepted_versions:
            raise ReadError(path, f"template version '{version}' of {form_id} is not one this SafeContext "
                                  f"knows ({', '.join(form.accepted_versions)}). Use a current blank form "
                                  f"from 'safecontext new {form_id}' or update SafeContext.")
        rec = FormRecord(path=path, form=form, version=version, sha256=zf.sha256, saved_at=book.saved_at())
        _read_fields(book, rec)
        _read_tables(book, rec)
    return rec


DAMAGED = "the file is damaged and cannot be opened as a workbook. Ask the sender to save it again and resend it."
# What zipfile and zlib raise for a damaged or unusual archive (zlib.error: a corrupt deflate stream;
# NotImplementedError: a compression method Excel never uses; RuntimeError: an encrypted member).
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError, RuntimeError)


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a workbook file, refusing anything that is not a regular file of sensible size.

    Opened without blocking and checked on the open file, so a FIFO, a device (a link to
    /dev/zero) or a socket named .xlsx is refused at once instead of read forever.
    """
    path = Path(path)
    if path.is_dir():
        raise ReadError(path, "is a folder, not a workbook.")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ReadError(path, "file not found.") from None
    except PermissionError:
        raise ReadError(path, "cannot be opened: permission denied. Check the file is not open elsewhere "
                              "and that you may read it.") from None
    except OSError as e:
        raise ReadError(path, f"cannot be opened ({e.strerror or type(e).__name__}).") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if stat.S_ISDIR(st.st_mode):
            raise ReadError(path, "is a folder, not a workbook.")
        if not stat.S_ISREG(st.st_mode):
            raise ReadError(path, "is not a file but a device, pipe or socket, so it was not read. "
                                  "Give the path of a saved workbook.")
        data = fh.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise ReadError(path, f"refused: the file is larger than {MAX_FILE // 2**20} MiB, far more than any form "
                              "or register. It was not opened.")
    return data


def _open_zip(path: Path) -> zipfile.ZipFile:
    """The workbook's zip, read once into memory and checked for bombs; `.sha256` is of those bytes."""
    data = read_bytes(path)
    head = data[:8]
    if head == _OLE:
        if "EncryptedPackage".encode("utf-16-le") in data[:1 << 20]:
            raise ReadError(path, "the workbook is password-protected. Remove the password in Excel "
                                  "(File > Info > Protect Workbook > Encrypt with Password) and try again.")
        raise ReadError(path, "this is a legacy Excel 97-2003 (.xls) file. Open it in Excel and "
                              "Save As 'Excel Workbook (.xlsx)', or start from a blank SafeContext form.")
    if not head:
        raise ReadError(path, "the file is empty.")
    if not head.startswith(b"PK"):
        raise ReadError(path, "not an Excel workbook (.xlsx). Save it from Excel as 'Excel Workbook (.xlsx)'.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _ZIP_ERRORS:
        raise ReadError(path, DAMAGED) from None
    zf.sha256 = hashlib.sha256(data).hexdigest()
    if any(i.flag_bits & 0x1 for i in infos):
        zf.close()
        raise ReadError(path, "the workbook's parts are encrypted, which Excel never does for a workbook. "
                              "Ask the sender to save it again from Excel and resend it.")
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
        self._parts: dict[str, bytes] = {}
        wb = self._xml("xl/workbook.xml")
        rels = self._rels("xl/workbook.xml")
        self.sheet_paths: dict[str, str] = {}
        for s in wb.iterfind("m:sheets/m:sheet", NS):
            rid = s.get(f"{{{NS['r']}}}id")
            if rid in rels:
                self.sheet_paths[s.get("name")] = rels[rid]
        # Excel's names are case-insensitive: 'Child_Name' and 'child_name' are one name.
        self.names: dict[str, str] = {}
        self.defined_twice: set[str] = set()
        for d in wb.iterfind("m:definedNames/m:definedName", NS):
            if d.get("localSheetId") is None:
                key = (d.get("name") or "").casefold()
                if key in self.names:
                    self.defined_twice.add(key)
                self.names[key] = (d.text or "").strip()
        self._grids: dict[str, list] = {}
        self._special: dict[str, dict] = {}
        self._boxes: dict[str, tuple[int, int]] | None = None
        self._targets: dict[str, tuple | None] = {}

    def _read(self, part: str) -> bytes:
        """A part's bytes, read once. zipfile inflates no more than the size the zip declares, so a
        part whose stream is longer than it says fails its checksum instead of filling memory."""
        if part in self._parts:
            return self._parts[part]
        try:
            data = self.zf.read(part)
        except KeyError:
            raise ReadError(self.path, f"the workbook is damaged: part {part} is missing.") from None
        except _ZIP_ERRORS:
            raise ReadError(self.path, DAMAGED) from None
        # Anywhere in the part: a long comment can push the declaration past any fixed prefix.
        # Inside text these would be escaped (&lt;!DOCTYPE), so a raw one is always markup.
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise ReadError(self.path, "refused: the workbook contains an XML document type declaration "
                                       "(a possible entity bomb). Excel never writes these; it was not opened.")
        self._parts[part] = data
        return data

    def saved_at(self) -> dt.datetime | None:
        """When the workbook says it was last saved (docProps/core.xml), as UTC; None if it does not say."""
        if "docProps/core.xml" not in self.zf.namelist():
            return None
        try:
            core = self._xml("docProps/core.xml")
        except ReadError:
            return None
        text = core.findtext("{http://purl.org/dc/terms/}modified")
        try:
            when = dt.datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        return when.astimezone(dt.timezone.utc)

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

    def _target(self, name: str) -> tuple[str, str, int, int] | None:
        """(sheet, 'C9', row, column) that a defined name's text points at, whether or not the sheet exists."""
        key = name.casefold()
        if key not in self._targets:
            m = _REF.match(self.names.get(key) or "")
            self._targets[key] = None if not m else (
                (m.group(1) or "").replace("''", "'") or m.group(2), f"{m.group(3)}{m.group(4)}", int(m.group(4)),
                col_to_index(m.group(3)) + 1)
        return self._targets[key]

    def resolve(self, name: str) -> tuple[str, str] | None:
        """(sheet, 'C9') for a defined name, or None when it cannot be read (see why_unusable)."""
        if self.why_unusable(name):
            return None
        sheet, coord, _, _ = self._target(name)
        return sheet, coord

    def why_unusable(self, name: str) -> str | None:
        """Why a defined name cannot be read: missing, broken, defined twice, on a missing sheet, too far out."""
        key = name.casefold()
        if key not in self.names:
            return "missing"
        if key in self.defined_twice:
            return "defined twice (two names for one field: the form has been tampered with or damaged)"
        target = self._target(name)
        if target is None:
            return "broken (#REF!)"
        sheet, coord, row, col = target
        if sheet not in self.sheet_paths:
            return f"on a sheet '{sheet}' that the workbook does not have"
        if row > MAX_ROW or col > MAX_COL:
            return f"pointing at {coord}, far outside any form"
        return None

    def _box(self, sheet: str) -> tuple[int, int]:
        """The last row and column on `sheet` that the form's names and tables use (capped)."""
        if self._boxes is None:
            boxes: dict[str, list[int]] = {}
            for name in self.names:
                t = self._target(name)
                if t and t[2] <= MAX_ROW and t[3] <= MAX_COL:
                    b = boxes.setdefault(t[0], [1, 1])
                    b[0], b[1] = max(b[0], t[2]), max(b[1], t[3])
            for tsheet, _, ref, _, _, _ in self.table_parts():
                for corner in ref.split(":"):
                    m = _COORD.match(corner)
                    if m:
                        b = boxes.setdefault(tsheet, [1, 1])
                        b[0] = max(b[0], min(int(m.group(2)), MAX_ROW))
                        b[1] = max(b[1], min(col_to_index(m.group(1)) + 1, MAX_COL))
            self._boxes = {k: (v[0], v[1]) for k, v in boxes.items()}
        return self._boxes.get(sheet, (1, 1))

    def _safe_sheet(self, sheet: str) -> bytes:
        """The sheet's XML as calamine may see it: no cell beyond the form's area, no date it cannot hold."""
        data = self._read(self.sheet_paths[sheet])
        # calamine places a cell or row without a position after the one before it, so a sheet written
        # that way could claim any area; no spreadsheet program writes one.
        if not _all_placed(data):
            raise ReadError(self.path, f"sheet '{sheet}' is not written the way Excel writes a sheet (a cell or row "
                                       "without its position in the usual form). Open the file in Excel, save it, "
                                       "and send it again.")
        if _FAR.search(data):
            at = _CELL_AT.findall(data)
            last_row = max([int(r) for _, r in at] + [0])
            last_col = max([col_to_index(c.decode()) + 1 for c in {c for c, _ in at}] + [0])
            if last_row * last_col > MAX_CELLS or last_row > MAX_ROW or last_col > MAX_COL:
                rmax, cmax = self._box(sheet)
                data = _CELL_ELEMENT.sub(lambda m: m.group(0) if _inside(m.group(2), rmax, cmax) else b"", data)
        if _ODD_NUMBER.search(data):
            data = _CELL_ELEMENT.sub(_plain_odd_number, data)
        return data

    def grid(self, sheet: str) -> list:
        """The sheet's values from A1, through calamine, reading a copy we built of parts already checked."""
        if sheet not in self._grids:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
                for part in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                             "xl/styles.xml", "xl/sharedStrings.xml"):
                    if part in self.zf.namelist():
                        out.writestr(part, self._read(part))
                out.writestr(self.sheet_paths[sheet], self._safe_sheet(sheet))
            buf.seek(0)
            try:
                book = python_calamine.CalamineWorkbook.from_filelike(buf)
                self._grids[sheet] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except BaseException as e:  # calamine raises several types; a Rust panic is a BaseException
                if isinstance(e, (KeyboardInterrupt, SystemExit, MemoryError)):
                    raise
                raise ReadError(self.path, f"sheet '{sheet}' is damaged and cannot be read. Ask the sender to "
                                           "save it again and resend it.") from None
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
        if MARKER_FORM.casefold() not in self.names:
            raise ReadError(self.path, NOT_A_FORM)
        if not where_form:
            raise ReadError(self.path, "this workbook's SafeContext form marker is damaged (its name is "
                                       f"{self.why_unusable(MARKER_FORM)}). Copy the entries into a blank form "
                                       "made by 'safecontext new'.")
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
                       _count(t.get("headerRowCount"), 1), _count(t.get("totalsRowCount"), 0), headings)

    def tables(self) -> dict[str, tuple[str, str, list[str]]]:
        """Excel tables by name: (sheet, ref, header names); a name used twice maps to None."""
        found: dict = {}
        for sheet, name, ref, _, _, headings in self.table_parts():
            found[name] = None if name in found else (sheet, ref, headings)
        return found


def _count(text: str | None, default: int) -> int:
    """A table's header or totals row count; a damaged one counts as the default."""
    return int(text) if text and text.isdigit() and len(text) < 4 else default


def _all_placed(data: bytes) -> bool:
    """True when every cell and row element starts with its position (r="...")."""
    if b":c" in data or b":row" in data:  # elements with a namespace prefix: count them the slow way
        return (len(_CELL_START.findall(data)) == len(_CELL_PLACED.findall(data))
                and len(_ROW_START.findall(data)) == len(_ROW_PLACED.findall(data)))
    cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/")
    rows = data.count(b"<row ") + data.count(b"<row>") + data.count(b"<row/")
    return cells == data.count(b'<c r="') and rows == data.count(b'<row r="')


def _inside(attrs: bytes, rmax: int, cmax: int) -> bool:
    m = re.search(rb'\sr="([A-Z]{1,3})(\d{1,7})"', attrs)
    return bool(m) and int(m.group(2)) <= rmax and col_to_index(m.group(1).decode()) < cmax


def _plain_odd_number(m: re.Match) -> bytes:
    """A number cell outside Excel's dates (negative, huge, NaN, inf) loses its date style, so calamine
    hands the number over (and the reader says it is not a date) instead of 30/12/1899 or a panic."""
    attrs, body = m.group(2), m.group(3)
    t = _TYPE_ATTR.search(attrs)
    if (t and t.group(1) != b"n") or not _STYLE_ATTR.search(attrs):
        return m.group(0)
    v = _VALUE.search(body)
    try:
        number = float(v.group(1)) if v else 0.0
    except ValueError:
        return m.group(0)
    if math.isfinite(number) and 0 <= number < _LAST_SERIAL:
        return m.group(0)
    return b"<" + m.group(1) + b"c" + _STYLE_ATTR.sub(b"", attrs) + body


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


def _broken(rec: FormRecord, fid: str, label: str, what: str) -> None:
    rec.problems.append(Problem(
        str(rec.path), None, None, fid, f"{rec.form.code}-{BROKEN_NAME}", ERROR,
        f"{label}: the workbook's {what}, so it cannot be read. "
        "Copy the entries into a blank form made by 'safecontext new'."))


def _read_fields(book: _Structure, rec: FormRecord) -> None:
    form = rec.form
    missing_sheets: dict[str, list[str]] = {}   # a sheet the names point at that is not there: one problem
    used: dict[tuple[str, str], str] = {}       # cell -> the field read from it
    for f in form.fields:
        if not form.in_version(f, rec.version):
            continue  # added by a later template version: blank, not a broken name
        why = book.why_unusable(f.id)
        if why and why.startswith("on a sheet"):
            missing_sheets.setdefault(book._target(f.id)[0], []).append(f.id)
            continue
        if why:
            _broken(rec, f.id, f.label, f"name '{f.id}' for this field is {why}")
            continue
        sheet, coord = loc = book._target(f.id)[:2]
        if loc in used:
            other = form[used[loc]]
            _broken(rec, f.id, f.label, f"names '{other.id}' ({other.label}) and '{f.id}' point at the same cell "
                                        f"{coord}: the form has been tampered with or damaged")
            rec.raw[f.id] = None
            continue
        used[loc] = f.id
        rec.cells[f.id] = loc
        spec = book.special(sheet).get(coord)
        if spec:
            _cell_problem(rec, f.label, f.id, sheet, coord, *spec)
            rec.raw[f.id] = None
        else:
            rec.raw[f.id] = book.value(sheet, coord)
    for sheet, fids in missing_sheets.items():
        have = ", ".join(f"'{n}'" for n in book.sheet_paths) or "none"
        rec.problems.append(Problem(
            str(rec.path), None, None, None, f"{form.code}-{BROKEN_NAME}", ERROR,
            f"The {sheet} sheet, which holds {len(fids)} of this form's fields, is missing: it was renamed or "
            f"deleted (the workbook's sheets are {have}). Rename the sheet back to '{sheet}', or copy the "
            "entries into a blank form made by 'safecontext new'."))


def _label_key(s: str) -> str:
    return " ".join(s.replace("*", " ").split()).casefold()


def _read_tables(book: _Structure, rec: FormRecord) -> None:
    found = book.tables() if rec.form.tables else {}
    for t in rec.form.tables:
        rec.tables[t.id] = []
        if t.id not in found:
            _broken(rec, t.id, t.label, f"table '{t.id}' is missing")
            continue
        if found[t.id] is None:
            _broken(rec, t.id, t.label, f"table name '{t.id}' is used twice (the form has been tampered with "
                                        "or damaged)")
            continue
        sheet, ref, headers = found[t.id]
        first, _, last = ref.partition(":")
        m1, m2 = _COORD.match(first), _COORD.match(last or first)
        if not (m1 and m2):
            _broken(rec, t.id, t.label, f"table '{t.id}' has a damaged range ({ref})")
            continue
        r0, r1 = int(m1.group(2)), int(m2.group(2))
        if r1 - r0 > MAX_TABLE_ROWS or r1 > MAX_ROW:
            rec.problems.append(Problem(
                str(rec.path), sheet, first, t.id, f"{rec.form.code}-{BROKEN_NAME}", ERROR,
                f"{where(t.label, first)}: the table '{t.id}' runs to row {r1:,}, far more than a form holds "
                f"(at most {MAX_TABLE_ROWS:,} rows), so it was not read. Click in the table, choose Table "
                "Design > Resize Table, and end it at the last row in use."))
            continue
        rec.table_sheets[t.id] = sheet
        _read_table(book, rec, t, sheet, ref, headers)


def _read_table(book: _Structure, rec: FormRecord, t: Table, sheet: str, ref: str, headers: list[str]) -> None:
    first, _, last = ref.partition(":")
    m1, m2 = _COORD.match(first), _COORD.match(last or first)
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
    fixed = t.preset_columns  # printed on the blank form: not an entry
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
                   if clean_text(v) is not None and cid not in fixed]
        if entered:
            rec.tables[t.id].append(TableRow(number, raw, cells))
