"""Hostile and careless workbooks, made in code from a valid form: each case names what it does.

A case is `build(good, dst, cells) -> Path`: `good` is a valid filled FAP referral, `dst` the path
to write, `cells` the field id -> cell map of the blank form. Nothing here is a hand-edited
binary: every file is the valid form with its XML or zip changed the way the attacker or the
careless sender did.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from conftest import rewrite_zip as rewrite

SHEET = "xl/worksheets/sheet1.xml"      # the Referral sheet in a form made by `safecontext new`
MARKER_SHEET = "xl/worksheets/sheet3.xml"
STRINGS = "xl/sharedStrings.xml"


def set_cell(coord: str, xml: str) -> Callable[[bytes], bytes]:
    """Replace the cell element at `coord` in a sheet part with `xml` (which should carry r="coord")."""
    def change(data: bytes) -> bytes:
        pattern = rf'<c r="{coord}"[^>]*?(?:/>|>.*?</c>)'.encode()
        new, n = re.subn(pattern, xml.encode("utf-8", "surrogatepass"), data, count=1, flags=re.S)
        assert n == 1, f"no cell {coord} in the sheet"
        return new
    return change


def style_of(good: Path, coord: str) -> str:
    """The s="..." attribute of a cell in the good form (its date or number format)."""
    with zipfile.ZipFile(good) as z:
        m = re.search(rf'<c r="{coord}"([^>]*?)(?:/>|>)'.encode(), z.read(SHEET))
    s = re.search(rb's="(\d+)"', m.group(1))
    return f' s="{s.group(1).decode()}"' if s else ""


def add_cell_far(data: bytes, coord: str = "XFD1048576", value: str = "stray") -> bytes:
    """A text cell at `coord`, in a row of its own at the end of sheetData."""
    row = re.match(r"[A-Z]+(\d+)", coord).group(1)
    cell = f'<row r="{row}"><c r="{coord}" t="inlineStr"><is><t>{value}</t></is></c></row>'.encode()
    return data.replace(b"</sheetData>", cell + b"</sheetData>", 1)


def lying_sizes(src: Path, dst: Path, part: str, inflated: int) -> Path:
    """A zip whose `part` inflates to `inflated` bytes of spaces inside the XML while the zip's
    directory says it is as small as the original (a "lying" zip bomb, 1 to 3 MB on disk)."""
    with zipfile.ZipFile(src) as z:
        original = z.read(part)
    head, _, tail = original.partition(b"</sheetData>")
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunks = [comp.compress(head)]
    block = b" " * (1 << 20)
    for _ in range(inflated >> 20):
        chunks.append(comp.compress(block))
    chunks.append(comp.compress(b"</sheetData>" + tail))
    chunks.append(comp.flush())
    body = b"".join(chunks)
    rewrite(src, dst, {})
    # Rebuild with the bomb's bytes as the part's data, then put the original's size and CRC back in
    # both headers, as the attack does: every size check on the directory passes.
    with zipfile.ZipFile(dst) as z:
        infos = z.infolist()
    raw = dst.read_bytes()
    out = bytearray()
    central = []
    for info in infos:
        start = info.header_offset
        name_len, extra_len = struct.unpack("<HH", raw[start + 26:start + 30])
        data_start = start + 30 + name_len + extra_len
        data = raw[data_start:data_start + info.compress_size]
        local = bytearray(raw[start:data_start])
        crc, size = info.CRC, info.file_size
        if info.filename == part:
            data, crc, size = body, zlib.crc32(original), len(original)
            struct.pack_into("<H", local, 8, zipfile.ZIP_DEFLATED)
        struct.pack_into("<III", local, 14, crc, len(data), size)
        central.append((info, len(out), crc, len(data), size))
        out += local + data
    cd_start = len(out)
    for info, offset, crc, csize, size in central:
        name = info.filename.encode()
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, zipfile.ZIP_DEFLATED, 0, 0, crc, csize,
                           size, len(name), 0, 0, 0, 0, 0, offset) + name
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(out) - cd_start,
                       cd_start, 0)
    dst.write_bytes(bytes(out))
    return dst


def corrupt_deflate(src: Path, dst: Path, part: str = SHEET) -> Path:
    """Flip bytes in the middle of a part's compressed stream (a damaged download)."""
    rewrite(src, dst, {})
    with zipfile.ZipFile(dst) as z:
        info = z.getinfo(part)
    raw = bytearray(dst.read_bytes())
    name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    mid = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
    for i in range(mid, mid + 16):
        raw[i] ^= 0xFF
    dst.write_bytes(bytes(raw))
    return dst


def duplicate_name(field: str, points_at: str) -> Callable[[bytes], bytes]:
    """A second workbook-level definition of `field`'s name, pointing at another cell."""
    def change(data: bytes) -> bytes:
        extra = f"<definedName name=\"{field}\">'Referral'!${points_at[0]}${points_at[1:]}</definedName>"
        return data.replace(b"</definedNames>", extra.encode() + b"</definedNames>", 1)
    return change


def rename_sheet(old: str, new: str) -> Callable[[bytes], bytes]:
    """Rename a sheet in workbook.xml only, as a tool that does not update the names would."""
    def change(data: bytes) -> bytes:
        new_data, n = re.subn(rb'(<sheet\b[^>]*?\sname=")' + re.escape(old.encode()) + rb'"',
                              lambda m: m.group(1) + new.encode() + b'"', data, count=1)
        assert n == 1, f"no sheet {old}"
        return new_data
    return change


def stretch_table(part: str, last_row: int = 1_048_576) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        return re.sub(rb'ref="([A-Z]+\d+):([A-Z]+)\d+"', lambda m: b'ref="%s:%s%d"' % (m.group(1), m.group(2),
                                                                                      last_row), data, count=1)
    return change


@dataclass
class Hostile:
    """One hostile case: how to build it, and what validate must say of it."""

    build: Callable[[Path, Path, dict], Path | None]
    status: str                           # "unreadable", "errors" or "valid" (valid: it is filed)
    expect: str                           # a line validate prints for it (cells filled in from the layout)
    code: str | None = None               # the rule code of that line (None for an unreadable file)


def _cellxml(coord, inner, attrs=""):
    return f'<c r="{coord}"{attrs}>{inner}</c>'


def _number_as(fid: str, raw_xml_value: str, style_from: str | None = None):
    """Put a raw serial in a field's cell, styled like another cell (a date cell's format)."""
    def build(good, dst, cells):
        coord = cells[fid]
        style = style_of(good, cells[style_from or fid])
        return rewrite(good, dst, {SHEET: set_cell(coord, _cellxml(coord, f"<v>{raw_xml_value}</v>", style))})
    return build


def _special_file(kind: str):
    def build(good, dst, cells):
        if kind == "fifo":
            os.mkfifo(dst)
        else:
            os.symlink(kind, dst)
        return dst
    return build


def _xml_change(part: str, change):
    def build(good, dst, cells):
        return rewrite(good, dst, {part: change})
    return build


def _text_cell(fid: str, text: str):
    """An inline-string cell with `text` exactly as given (raw control bytes included)."""
    def build(good, dst, cells):
        coord = cells[fid]
        return rewrite(good, dst, {SHEET: set_cell(coord, f'<c r="{coord}" t="inlineStr"><is><t>{text}</t></is></c>')})
    return build


def _openpyxl_value(fid: str, value):
    """The value written by openpyxl (as Excel would store it: a date, a time)."""
    def build(good, dst, cells):
        from openpyxl import load_workbook

        wb = load_workbook(good)
        ws = wb["Referral"]
        ws[cells[fid]].value = value
        if isinstance(value, dt.time):
            ws[cells[fid]].number_format = "hh:mm"
        elif isinstance(value, dt.date):
            ws[cells[fid]].number_format = "dd/mm/yyyy"
        wb.save(dst)
        return dst
    return build


def _chain(*builds):
    def build(good, dst, cells):
        tmp = dst.with_name(dst.stem + ".step.xlsx")
        src = good
        for i, b in enumerate(builds):
            target = dst if i == len(builds) - 1 else tmp.with_name(f"{dst.stem}.step{i}.xlsx")
            src = b(src, target, cells)
        return src
    return build


def _lying(good, dst, cells):
    return lying_sizes(good, dst, SHEET, inflated=LYING_INFLATES)


LYING_INFLATES = 512 << 20  # what the lying part really inflates to (about 0.5 MB on disk)


def _corrupt(good, dst, cells):
    return corrupt_deflate(good, dst)


def _unplaced(good, dst, cells):
    """Cells with no position (r) after the last real one: calamine would place them further along."""
    stray = b'<row r="200">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 3 + b"</row>"
    return rewrite(good, dst, {SHEET: lambda d: d.replace(b"</sheetData>", stray + b"</sheetData>", 1)})


def _single_quoted_far_cell(good, dst, cells):
    far = b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>"
    return rewrite(good, dst, {SHEET: lambda d: d.replace(b"</sheetData>", far + b"</sheetData>", 1)})


NOT_AS_EXCEL_WRITES = ("sheet 'Referral' is not written the way Excel writes a sheet (a cell or row without its "
                       "position in the usual form). Open the file in Excel, save it, and send it again.")
REFUSED_DAMAGED = "the file is damaged and cannot be opened as a workbook. Ask the sender to save it again and resend it."
NOT_A_FILE = "is not a file but a device, pipe or socket, so it was not read. Give the path of a saved workbook."

# name -> case. The names are the files' names in a batch; 'expect' uses {cell} placeholders.
CASES: dict[str, Hostile] = {
    "year-group-as-date": Hostile(
        _openpyxl_value("year_group", dt.date(2026, 9, 8)), "errors",
        "FAP-005 Year group ({year_group}): 08/09/2026 is a date, not a number (Excel may have changed what was "
        "typed); format the cell as Number and type the number again", "FAP-005"),
    "attendance-as-time": Hostile(
        _openpyxl_value("attendance_pct", dt.time(8, 30)), "errors",
        "FAP-008 Current attendance (%) ({attendance_pct}): 08:30 is a time, not a number (Excel may have changed "
        "what was typed); format the cell as Number and type the number again", "FAP-008"),
    "far-cell-form-sheet": Hostile(_xml_change(SHEET, add_cell_far), "valid", ""),
    "far-cell-marker-sheet": Hostile(_xml_change(MARKER_SHEET, add_cell_far), "valid", ""),
    "corrupt-deflate": Hostile(_corrupt, "unreadable", REFUSED_DAMAGED),
    "cells-without-positions": Hostile(_unplaced, "unreadable", NOT_AS_EXCEL_WRITES),
    "far-cell-single-quoted": Hostile(_single_quoted_far_cell, "unreadable", NOT_AS_EXCEL_WRITES),
    "date-serial-minus-1e15": Hostile(
        _number_as("date_of_birth", "-1e15"), "errors",
        "FAP-007 Date of birth ({date_of_birth}): '-1e+15' is not a date; type it as dd/mm/yyyy", "FAP-007"),
    "date-serial-1e308": Hostile(
        _number_as("date_of_birth", "1e308"), "errors",
        "FAP-007 Date of birth ({date_of_birth}): '1e+308' is not a date; type it as dd/mm/yyyy", "FAP-007"),
    "date-serial-minus-1e6": Hostile(
        _number_as("date_of_birth", "-1000000"), "errors",
        "FAP-007 Date of birth ({date_of_birth}): '-1000000' is not a date; type it as dd/mm/yyyy", "FAP-007"),
    "date-serial-nan": Hostile(
        _number_as("date_of_birth", "NaN"), "errors",
        "FAP-007 Date of birth ({date_of_birth}): 'nan' is not a date; type it as dd/mm/yyyy", "FAP-007"),
    "bad-iso-date": Hostile(
        lambda good, dst, cells: rewrite(good, dst, {SHEET: set_cell(
            cells["date_of_birth"], f'<c r="{cells["date_of_birth"]}" t="d"><v>99999-99-99</v></c>')}),
        "errors",
        "FAP-007 Date of birth ({date_of_birth}): '99999-99-99' is not a date; type it as dd/mm/yyyy", "FAP-007"),
    "days-as-nan": Hostile(
        _number_as("cats_verbal", "NaN"), "errors",
        "FAP-005 CATS score: verbal ({cats_verbal}): 'nan' is not a number", "FAP-005"),
    "huge-count": Hostile(
        _number_as("cats_verbal", "1e20"), "errors",
        "FAP-005 CATS score: verbal ({cats_verbal}): 1e+20 is far too large to be right; check the number",
        "FAP-005"),
    "control-bytes-in-name": Hostile(
        _text_cell("child_name", "Sam\x07Testpupil"), "errors",
        "FAP-014 Name ({child_name}): holds invisible control characters (often pasted from another program); "
        "delete the entry and type it again", "FAP-014"),
    "escape-sequence-in-name": Hostile(
        _text_cell("child_name", "_x001B_[2J_x001B_[31mSam"), "errors",
        "FAP-014 Name ({child_name}): holds invisible control characters (often pasted from another program); "
        "delete the entry and type it again", "FAP-014"),
    "nul-in-reason": Hostile(
        _text_cell("referral_reason", "Fresh start_x0000_"), "errors",
        "FAP-014 Reason for referral and provision requested ({referral_reason}): holds invisible control "
        "characters (often pasted from another program); delete the entry and type it again", "FAP-014"),
    "very-long-name": Hostile(
        _text_cell("child_name", "Sam " + "x" * 100_000), "errors",
        "FAP-015 Name ({child_name}): 100,004 characters is longer than this field takes (500); shorten it",
        "FAP-015"),
    "duplicate-defined-name": Hostile(
        lambda good, dst, cells: rewrite(good, dst, {"xl/workbook.xml": duplicate_name("child_name", cells["upn"])}),
        "errors",
        "FAP-013 Name: the workbook's name 'child_name' for this field is defined twice (two names for one field: "
        "the form has been tampered with or damaged), so it cannot be read. Copy the entries into a blank form "
        "made by 'safecontext new'.", "FAP-013"),
    "sheet-renamed": Hostile(
        _xml_change("xl/workbook.xml", rename_sheet("Referral", "Sheet1")), "errors",
        "FAP-013 The Referral sheet, which holds {n_fields} of this form's fields, is missing: it was renamed or "
        "deleted (the workbook's sheets are 'Sheet1', 'Lists', '_safecontext'). Rename the sheet back to "
        "'Referral', or copy the entries into a blank form made by 'safecontext new'.", "FAP-013"),
    "table-stretched": Hostile(
        _xml_change("xl/tables/table4.xml", stretch_table("xl/tables/table4.xml")), "errors",
        "FAP-013 Exclusion history ({exclusions_first}): the table 'exclusions' runs to row 1,048,576, far more than a "
        "form holds (at most 1,000 rows), so it was not read. Click in the table, choose Table Design > Resize "
        "Table, and end it at the last row in use.", "FAP-013"),
    "lying-zip-bomb": Hostile(_lying, "unreadable", REFUSED_DAMAGED),
    "link-to-dev-zero": Hostile(_special_file("/dev/zero"), "unreadable", NOT_A_FILE),
    "link-to-dev-urandom": Hostile(_special_file("/dev/urandom"), "unreadable", NOT_A_FILE),
    "fifo": Hostile(_special_file("fifo"), "unreadable", NOT_A_FILE),
}
