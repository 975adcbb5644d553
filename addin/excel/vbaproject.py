"""Write a VBA project (`vbaProject.bin`, MS-OVBA) from module source text, without Excel.

The project holds source code only, no compiled p-code: `_VBA_PROJECT` says version 0xFFFF
and every module's source starts at offset 0, so Excel compiles the modules when it opens the
add-in. That is what the spec asks of writers other than Office, what LibreOffice writes, and
how the xlwings quickstart add-in ships its own `xlwings` module.
"""
from __future__ import annotations

import random
import re
import struct
import uuid
from dataclasses import dataclass

from addin.excel import cfb

CODEPAGE = 1252
LCID = 0x0409
# Microsoft Office Object Library (for IRibbonControl), exactly as the xlwings quickstart add-in
# refers to it; Excel resolves a reference by its GUID and version, not the path.
OFFICE_LIBID = (r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files (x86)\Common Files"
                r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library")
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
PROCEDURAL, CLASS, DOCUMENT = "module", "class", "document"


@dataclass(frozen=True)
class Module:
    name: str
    kind: str          # "module", "class" or "document"
    source: str        # as VBA keeps it: Attribute lines first, CRLF line ends


# --- MS-OVBA 2.4.1: compression ---------------------------------------------------------------

def _copy_token_help(pos_in_chunk: int) -> tuple[int, int]:
    """(bit count of the offset, maximum length) at this position of a decompressed chunk."""
    bits = max((pos_in_chunk - 1).bit_length(), 4)
    return bits, (0xFFFF >> bits) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    pos, n = 0, len(chunk)
    heads: dict[bytes, list[int]] = {}
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos >= 1 and pos + 3 <= n:
                bits, max_len = _copy_token_help(pos)
                limit = min(max_len, n - pos)
                for start in reversed(heads.get(chunk[pos:pos + 3], ())[-64:]):
                    length = 3
                    while length < limit and chunk[start + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - start
                        if length == limit:
                            break
            if best_len >= 3:
                bits, _ = _copy_token_help(pos)
                out += struct.pack("<H", ((best_off - 1) << (16 - bits)) | (best_len - 3))
                flags |= 1 << bit
                step = best_len
            else:
                out.append(chunk[pos])
                step = 1
            for p in range(pos, pos + step):
                if p + 3 <= n:
                    heads.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer (signature 0x01, then chunks of up to 4,096 decompressed bytes)."""
    out = bytearray(b"\x01")
    for i in range(0, len(data), 4096):
        chunk = data[i:i + 4096]
        packed = _compress_chunk(chunk)
        if len(packed) > 4096 and len(chunk) == 4096:  # raw chunks must hold exactly 4,096 bytes
            out += struct.pack("<H", (4096 + 2 - 3) | (0b011 << 12)) + chunk
        else:
            out += struct.pack("<H", (len(packed) + 2 - 3) | (0b011 << 12) | 0x8000) + packed
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """The inverse of compress(), for any valid CompressedContainer."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed VBA container")
    out = bytearray()
    i = 1
    while i < len(data):
        header = struct.unpack_from("<H", data, i)[0]
        size = (header & 0x0FFF) + 3
        end = i + size
        i += 2
        start = len(out)
        if not header & 0x8000:
            out += data[i:i + 4096]
            i += 4096
            continue
        while i < end:
            flags = data[i]
            i += 1
            for bit in range(8):
                if i >= end:
                    break
                if flags & (1 << bit):
                    token = struct.unpack_from("<H", data, i)[0]
                    i += 2
                    bits, _ = _copy_token_help(len(out) - start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(data[i])
                    i += 1
    return bytes(out)


# --- MS-OVBA 2.4.3: the "data encryption" of the PROJECT stream's CMG, DPB and GC -------------

def encrypt(data: bytes, project_id: str, seed: int) -> str:
    """Hex text of `data` encrypted with the project's key, as in CMG="..." (no real secrecy)."""
    key = sum(project_id.encode("ascii")) & 0xFF
    version_enc = seed ^ 2
    key_enc = seed ^ key
    out = [seed, version_enc, key_enc]
    unenc1, enc1, enc2 = key, key_enc, version_enc
    ignored = (seed & 6) // 2
    plain = [0] * ignored + list(struct.pack("<I", len(data))) + list(data)
    for b in plain:
        e = b ^ ((enc2 + unenc1) & 0xFF)
        out.append(e)
        enc2, enc1, unenc1 = enc1, e, b
    return "".join(f"{b:02X}" for b in out)


def decrypt(text: str, project_id: str) -> bytes:
    """The inverse of encrypt(); checks the key against the project id."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    key = seed ^ key_enc
    if (seed ^ version_enc) != 2 or key != sum(project_id.encode("ascii")) & 0xFF:
        raise ValueError("encrypted with another project's key")
    unenc1, enc1, enc2 = key, key_enc, version_enc
    plain = []
    for e in raw[3:]:
        b = e ^ ((enc2 + unenc1) & 0xFF)
        plain.append(b)
        enc2, enc1, unenc1 = enc1, e, b
    ignored = (seed & 6) // 2
    length = struct.unpack("<I", bytes(plain[ignored:ignored + 4]))[0]
    return bytes(plain[ignored + 4:ignored + 4 + length])


# --- the streams -------------------------------------------------------------------------------

def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _mbcs(s: str) -> bytes:
    return s.encode("cp1252")


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-le")


def dir_stream(project_name: str, modules: list[Module]) -> bytes:
    """The `VBA/dir` stream, decompressed: project information, references, modules."""
    d = bytearray()
    d += _rec(0x0001, struct.pack("<I", 1))              # SYSKIND: Win32, as the quickstart add-in says
    d += _rec(0x0002, struct.pack("<I", LCID))
    d += _rec(0x0014, struct.pack("<I", LCID))
    d += _rec(0x0003, struct.pack("<H", CODEPAGE))
    d += _rec(0x0004, _mbcs(project_name))
    d += _rec(0x0005, b"") + _rec(0x0040, b"")           # doc string
    d += _rec(0x0006, b"") + _rec(0x003D, b"")           # help file
    d += _rec(0x0007, struct.pack("<I", 0))
    d += _rec(0x0008, struct.pack("<I", 0))
    d += struct.pack("<HIIH", 0x0009, 4, 1, 0)           # VERSION: reserved size 4, major, minor
    d += _rec(0x000C, b"") + _rec(0x003C, b"")           # constants
    libid = _mbcs(OFFICE_LIBID)
    d += _rec(0x0016, b"Office") + _rec(0x003E, _utf16("Office"))
    d += _rec(0x000D, struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0))
    d += _rec(0x000F, struct.pack("<H", len(modules)))
    d += _rec(0x0013, struct.pack("<H", 0xFFFF))
    for m in modules:
        d += _rec(0x0019, _mbcs(m.name)) + _rec(0x0047, _utf16(m.name))
        d += _rec(0x001A, _mbcs(m.name)) + _rec(0x0032, _utf16(m.name))
        d += _rec(0x001C, b"") + _rec(0x0048, b"")
        d += _rec(0x0031, struct.pack("<I", 0))          # source at offset 0: no p-code
        d += _rec(0x001E, struct.pack("<I", 0))
        d += _rec(0x002C, struct.pack("<H", 0xFFFF))
        d += _rec(0x0021 if m.kind == PROCEDURAL else 0x0022, b"")
        d += _rec(0x002B, b"")
    d += _rec(0x0010, b"")
    return bytes(d)


def project_stream(project_name: str, project_id: str, modules: list[Module], seed: int) -> bytes:
    """The `PROJECT` stream: module list, name, and an unprotected, visible project."""
    lines = [f'ID="{project_id}"']
    for m in modules:
        if m.kind == DOCUMENT:
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == CLASS:
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    cmg = encrypt(struct.pack("<I", 0), project_id, seed)          # protection state: none
    dpb = encrypt(bytes([0]), project_id, (seed + 1) & 0xFF)        # password: none
    gc = encrypt(bytes([0xFF]), project_id, (seed + 2) & 0xFF)      # visibility: visible
    lines += [f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{cmg}"', f'DPB="{dpb}"', f'GC="{gc}"',
              "", "[Host Extender Info]", "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def projectwm_stream(modules: list[Module]) -> bytes:
    return b"".join(_mbcs(m.name) + b"\0" + _utf16(m.name) + b"\0\0" for m in modules) + b"\0\0"


def build(project_name: str, modules: list[Module], project_id: str | None = None,
          seed: int | None = None) -> bytes:
    """The bytes of a `vbaProject.bin` holding `modules`. Same inputs, same bytes."""
    names = [m.name for m in modules]
    if len(set(n.casefold() for n in names)) != len(names) or project_name.casefold() in map(str.casefold, names):
        raise ValueError("module names must differ from each other and from the project name")
    for m in modules:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", m.name):
            raise ValueError(f"{m.name!r} is not a VBA module name")
        if not m.source.startswith(f'Attribute VB_Name = "{m.name}"'):
            raise ValueError(f"{m.name}: the source must start with Attribute VB_Name = \"{m.name}\"")
    project_id = project_id or "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "safecontext:" + project_name)).upper() + "}"
    seed = random.Random(project_name).randrange(256) if seed is None else seed
    streams = {
        "PROJECT": project_stream(project_name, project_id, modules, seed),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": bytes.fromhex("cc61ffff000100"),
        "VBA/dir": compress(dir_stream(project_name, modules)),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(m.source.encode("cp1252"))
    return cfb.write(streams)


# --- reading back (tests, and `safecontext addin check`) ----------------------------------------

def read_sources(vba_project: bytes) -> dict[str, str]:
    """Module name -> source text of a vbaProject.bin, found through its dir stream."""
    streams = cfb.read(vba_project)
    d = decompress(streams["VBA/dir"])
    i, names, offsets, current = 0, [], {}, None
    while i < len(d):
        rid, size = struct.unpack_from("<HI", d, i)
        if rid == 0x0009:       # VERSION: its size field says 4, but 6 bytes follow
            i += 12
            continue
        payload = d[i + 6:i + 6 + size]
        if rid == 0x001A:
            current = payload.decode("cp1252")
            names.append(current)
        elif rid == 0x0031 and current is not None:
            offsets[current] = struct.unpack("<I", payload)[0]
        i += 6 + size
    return {n: decompress(streams[f"VBA/{n}"][offsets.get(n, 0):]).decode("cp1252") for n in names}


# --- module source as VBA keeps it --------------------------------------------------------------

def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def document_module(name: str, base: str) -> Module:
    attrs = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"',
             "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
             "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
             "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
    return Module(name, DOCUMENT, "\r\n".join(attrs) + "\r\n")


def standard_module(text: str) -> Module:
    """A .bas file as exported from the VBA editor."""
    text = _crlf(text.lstrip("\ufeff"))
    m = re.match(r'Attribute VB_Name = "([^"]+)"', text)
    if not m:
        raise ValueError("a .bas file must start with Attribute VB_Name")
    return Module(m.group(1), PROCEDURAL, text)


def class_module(text: str) -> Module:
    """A .cls file as exported from the VBA editor: the VERSION/BEGIN header becomes attributes."""
    text = _crlf(text.lstrip("\ufeff"))
    text = re.sub(r"\AVERSION 1\.0 CLASS\r\nBEGIN\r\n.*?END\r\n", "", text, flags=re.S)
    m = re.match(r'Attribute VB_Name = "([^"]+)"\r\n', text)
    if not m:
        raise ValueError("a .cls file must have Attribute VB_Name")
    rest = text[m.end():]
    attrs = {}
    while True:
        a = re.match(r"Attribute (VB_\w+) = (.*)\r\n", rest)
        if not a:
            break
        attrs[a.group(1)] = a.group(2)
        rest = rest[a.end():]
    ordered = {"VB_Base": f'"{CLASS_BASE}"', "VB_GlobalNameSpace": "False", "VB_Creatable": "False",
               "VB_PredeclaredId": "False", "VB_Exposed": "False", "VB_TemplateDerived": "False",
               "VB_Customizable": "False"}
    ordered.update({k: v for k, v in attrs.items() if k != "VB_Base"})
    head = [f'Attribute VB_Name = "{m.group(1)}"'] + [f"Attribute {k} = {v}" for k, v in ordered.items()]
    return Module(m.group(1), CLASS, "\r\n".join(head) + "\r\n" + rest)
