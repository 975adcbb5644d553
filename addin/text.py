"""Text that is safe to show: control characters from data written as escapes, never sent raw."""
from __future__ import annotations

import re

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(s: str, keep_lines: bool = False) -> str:
    """`s` with every control character written as an escape (ESC as \\x1b), safe for a terminal.

    keep_lines leaves line feeds and tabs alone (our own multi-line output); data never keeps them.
    """
    pattern = _CONTROLS_BUT_LINES if keep_lines else _CONTROLS
    return pattern.sub(lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}"), s)



def plural(n: int, one: str, many: str | None = None) -> str:
    """"0 errors", "1 error", "2 errors": a count people read without brackets (many: one + "s" unless given)."""
    return f"{n} {one if n == 1 else many or one + 's'}"
