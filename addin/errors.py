"""The base of errors whose message is for the person running SafeContext."""
from __future__ import annotations


class UserError(Exception):
    """A message that says what to do. `excel`: the same advice for someone using the Excel buttons,
    where the command-line advice ("run 'safecontext ingest'", "give --db") does not apply."""

    def __init__(self, message: str, excel: str | None = None):
        super().__init__(message)
        self.excel = excel
