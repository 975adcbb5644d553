"""The consoles the command line prints on: nothing from a file or a cell reaches the terminal raw."""
from __future__ import annotations

import os

from rich.console import Console
from rich.markup import escape

from addin.text import printable


class SafeConsole(Console):
    """A rich Console whose printed strings have control characters escaped, so a file name or cell
    holding ESC [2J shows as text instead of clearing the screen (rich adds its own colours after).
    Emoji codes are off: a file or school named "Year 7 :fire: drill" is printed as it is spelt."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("emoji", False)
        super().__init__(*args, **kwargs)
        if not self.is_terminal and "width" not in kwargs and not os.environ.get("COLUMNS"):
            self.width = 1000  # a file or a pipe: whole file names in the tables, not cut to 80 columns

    def print(self, *objects, **kwargs):
        super().print(*(printable(o, keep_lines=True) if isinstance(o, str) else o for o in objects), **kwargs)


def shown(s: object) -> str:
    """Data for a console line or a table cell: control characters escaped, rich markup escaped."""
    return escape(printable(str(s)))
