"""Failures as message boxes: every entry point shows what to do, never a traceback."""
from __future__ import annotations

import functools
import sys
import traceback

TITLE = "SafeContext"
_EXPECTED = ("ConfigError", "StoreError", "MatrixError", "BriefingError", "TermError", "com_error")


class Refusal(Exception):
    """Something the user can put right; the message says how. Shown in a message box."""

    def __init__(self, message: str, title: str = TITLE):
        super().__init__(message)
        self.message, self.title = message, title


def caller_book():
    """The workbook that was active when the button was pressed (xlwings RunPython)."""
    import xlwings as xw

    return xw.Book.caller()


def explain(e: BaseException) -> str:
    """A plain message for an exception raised by the core or by Excel."""
    from addin.config import ConfigError, default_path

    name = type(e).__name__
    if isinstance(e, ConfigError):
        return (f"SafeContext's configuration cannot be used:\n{e}\n\nAsk your SafeContext administrator for a "
                f"working configuration file; it lives at {default_path()}.")
    if name in _EXPECTED[1:5]:
        text = getattr(e, "excel", None) or str(e)  # advice for the buttons, where the core has some
        return text[:1].upper() + text[1:]
    if name == "com_error":  # Excel refused a change (pywin32)
        detail = ""
        try:
            detail = e.excepinfo[2] or ""  # type: ignore[attr-defined]
        except Exception:  # not every com_error carries exception info
            pass
        return ("Excel refused a change SafeContext tried to make" + (f": {detail}" if detail else ".")
                + "\n\nIf the workbook or a sheet is protected with a password, unprotect it (Review > "
                  "Unprotect) and try again. If a cell is being edited, press Enter first.")
    if isinstance(e, PermissionError):
        return (f"SafeContext could not write {e.filename or 'a file'}: it is in use or you may not change it. "
                "If it is open in Excel or Word, close it and try again.")
    if isinstance(e, OSError):
        return f"SafeContext could not use {e.filename or 'a file'}: {e.strerror or e}."
    return (f"SafeContext stopped with an unexpected problem ({name}).\n\nPlease tell your SafeContext "
            "administrator which button you pressed, and on which workbook.")


def show(app, message: str, title: str = TITLE, critical: bool = True) -> None:
    """A message box in Excel (xlwings App.alert)."""
    if app is None:
        import xlwings as xw

        app = xw.apps.active
    app.alert(message, title, mode="critical" if critical else "info")


def entry_point(fn):
    """Wrap an Excel entry point: find the caller's book, turn every failure into a message box.

    `placeholder=True` says the calling book was opened by the add-in only so that Python could
    run (nothing was open); it is closed again afterwards.
    """
    @functools.wraps(fn)
    def run(book=None, *args, placeholder: bool = False, **kwargs):
        app = None
        try:
            if book is None:
                book = caller_book()
            app = book.app
            return fn(book, *args, **kwargs)
        except Refusal as e:
            show(app, e.message, e.title)
        except Exception as e:  # the user sees a message box; a developer at a terminal also sees the trace
            if type(e).__name__ not in _EXPECTED and not isinstance(e, OSError):
                traceback.print_exc(file=sys.stderr)
            show(app, explain(e))
        finally:
            if placeholder and book is not None:
                try:
                    book.close()
                except Exception:  # closing an empty helper workbook is a courtesy, never an error
                    pass
        return None

    run.is_entry_point = True
    return run
