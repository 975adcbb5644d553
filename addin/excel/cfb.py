"""A small writer and reader for compound files (MS-CFB, version 3), the container of `vbaProject.bin`.

Only what a VBA project needs: storages and streams, no timestamps, no CLSIDs. Streams under
4,096 bytes live in the mini stream, as the format requires.
"""
from __future__ import annotations

import struct

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


class CfbError(ValueError):
    """Not a compound file this module can read."""


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        if len(name) > 31:
            raise ValueError(f"compound file names are at most 31 characters: {name!r}")
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Entry] = {}
        self.left = self.right = self.child = NOSTREAM
        self.color = _BLACK
        self.start, self.size = END, 0
        self.sid = 0


def _key(name: str):
    """The directory's order: shorter names first, then by upper-cased UTF-16 code units."""
    return (len(name), [ord(c) for c in name.upper()])


def _link(entries: list[_Entry]) -> int:
    """Make a balanced binary tree of sibling entries; colour it as a valid red-black tree; its root id."""
    ordered = sorted(entries, key=lambda e: _key(e.name))
    if not ordered:
        return NOSTREAM
    depth_of = {}

    def build(lo, hi, depth):
        if lo > hi:
            return NOSTREAM
        mid = (lo + hi + 1) // 2
        node = ordered[mid]
        depth_of[id(node)] = depth
        node.left = build(lo, mid - 1, depth + 1)
        node.right = build(mid + 1, hi, depth + 1)
        return node.sid

    root = build(0, len(ordered) - 1, 0)
    # Every path down has the same number of black nodes once the deepest level, which may be
    # incomplete, is red (its parents are black).
    deepest = max(depth_of.values())
    full = len(ordered) == 2 ** (deepest + 1) - 1
    for e in ordered:
        e.color = _RED if (not full and depth_of[id(e)] == deepest) else _BLACK
    return root


def write(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams`, keyed by path ("VBA/dir", "PROJECT")."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            node = node.children.setdefault(part, _Entry(part, _STORAGE))
            if node.kind != _STORAGE:
                raise ValueError(f"{path}: {part} is a stream, not a storage")
        if parts[-1] in node.children:
            raise ValueError(f"{path}: given twice")
        node.children[parts[-1]] = _Entry(parts[-1], _STREAM, bytes(data))

    entries: list[_Entry] = []

    def number(node):
        node.sid = len(entries)
        entries.append(node)
        for c in sorted(node.children.values(), key=lambda e: _key(e.name)):
            number(c)

    number(root)
    for e in entries:
        if e.kind in (_STORAGE, _ROOT):
            e.child = _link(list(e.children.values()))
    root.color = _BLACK

    # The mini stream: small streams, each starting on a 64-byte boundary.
    mini = bytearray()
    minifat: list[int] = []
    for e in entries:
        if e.kind == _STREAM and 0 < len(e.data) < CUTOFF:
            n = -(-len(e.data) // MINI)
            e.start, e.size = len(minifat), len(e.data)
            minifat.extend(range(e.start + 1, e.start + n))
            minifat.append(END)
            mini += e.data + b"\0" * (n * MINI - len(e.data))
        elif e.kind == _STREAM and not e.data:
            e.start, e.size = END, 0

    # Regular sectors, in order: big streams, the mini stream, the directory, the mini FAT, the FAT.
    sectors = bytearray()
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return END
        n = -(-len(data) // SECTOR)
        start = len(fat)
        fat.extend(range(start + 1, start + n))
        fat.append(END)
        sectors.extend(data + b"\0" * (n * SECTOR - len(data)))
        return start

    for e in entries:
        if e.kind == _STREAM and len(e.data) >= CUTOFF:
            e.start, e.size = place(e.data), len(e.data)
    root.start, root.size = place(bytes(mini)), len(mini)
    if not mini:
        root.start = END

    def dir_bytes() -> bytes:
        out = bytearray()
        for e in entries:
            name = e.name.encode("utf-16-le") + b"\0\0"
            out += name.ljust(64, b"\0")
            out += struct.pack("<HBBIII", len(name), e.kind, e.color, e.left, e.right, e.child)
            out += b"\0" * 16 + struct.pack("<I", 0) + b"\0" * 16
            out += struct.pack("<IQ", e.start if e.kind != _STORAGE else 0, e.size)
        while len(out) % SECTOR:
            out += (b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM)
                    + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", 0, 0))
        return bytes(out)

    first_dir = place(dir_bytes())
    minifat_bytes = b"".join(struct.pack("<I", x) for x in minifat)
    minifat_bytes += b"\xff\xff\xff\xff" * ((-len(minifat)) % (SECTOR // 4))
    first_minifat = place(minifat_bytes) if minifat else END
    n_minifat = len(minifat_bytes) // SECTOR if minifat else 0

    # The FAT must also map its own sectors.
    n_fat = 1
    while (len(fat) + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1
    if n_fat > 109:
        raise ValueError("too big for a compound file without DIFAT sectors")
    fat_start = len(fat)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREE] * (n_fat * (SECTOR // 4) - len(fat)))
    sectors += b"".join(struct.pack("<I", x) for x in fat)

    difat = list(range(fat_start, fat_start + n_fat)) + [FREE] * (109 - n_fat)
    header = (MAGIC + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, first_dir, 0, CUTOFF, first_minifat, n_minifat, END, 0)
              + b"".join(struct.pack("<I", x) for x in difat))
    assert len(header) == SECTOR
    return header + bytes(sectors)


def read(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file, by path ("VBA/dir"). Version 3 and 4 files."""
    if data[:8] != MAGIC:
        raise CfbError("not a compound file")
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    size, mini_size = 1 << shift, 1 << mini_shift
    n_fat, first_dir, _, cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from(
        "<IIIIIIII", data, 44)
    fat_ids = [x for x in struct.unpack_from("<109I", data, 76) if x not in (FREE, END)]
    d = first_difat
    while n_difat and d not in (FREE, END):
        vals = struct.unpack_from(f"<{size // 4}I", data, size + d * size)
        fat_ids += [x for x in vals[:-1] if x not in (FREE, END)]
        d = vals[-1]
    fat_ids = fat_ids[:n_fat]

    def sector(i):
        return data[size + i * size: size + (i + 1) * size]

    fat = []
    for i in fat_ids:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(i)))

    def chain(start, table):
        seen = set()
        while start not in (END, FREE):
            if start in seen or start >= len(table):
                raise CfbError("broken sector chain")
            seen.add(start)
            yield start
            start = table[start]

    directory = b"".join(sector(i) for i in chain(first_dir, fat))
    minifat = []
    for i in chain(first_minifat, fat) if n_minifat else ():
        minifat.extend(struct.unpack(f"<{size // 4}I", sector(i)))
    raw = []
    for off in range(0, len(directory), 128):
        e = directory[off:off + 128]
        nlen, kind, _color, left, right, child = struct.unpack_from("<HBBIII", e, 64)
        start, length = struct.unpack_from("<IQ", e, 116)
        if size == 512:
            length &= 0xFFFFFFFF
        raw.append((e[:max(nlen - 2, 0)].decode("utf-16-le"), kind, left, right, child, start, length))
    if not raw or raw[0][1] != _ROOT:
        raise CfbError("no root entry")
    ministream = b"".join(sector(i) for i in chain(raw[0][5], fat))
    out: dict[str, bytes] = {}

    def walk(sid, prefix, depth=0):
        if sid == NOSTREAM or depth > 64:
            return
        name, kind, left, right, child, start, length = raw[sid]
        walk(left, prefix, depth + 1)
        walk(right, prefix, depth + 1)
        path = prefix + name
        if kind == _STORAGE:
            walk(child, path + "/", 0)
        elif kind == _STREAM:
            if length < cutoff:
                blob = b"".join(ministream[i * mini_size:(i + 1) * mini_size] for i in chain(start, minifat))
            else:
                blob = b"".join(sector(i) for i in chain(start, fat))
            out[path] = blob[:length]

    walk(raw[0][4], "")
    return out
