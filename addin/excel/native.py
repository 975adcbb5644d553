"""The few things xlwings' open-source API does not cover, per platform.

Windows goes through Excel's COM object model (`.api`, pywin32); the tests' fake Excel mimics
exactly that. The macOS branches use appscript and have not been run against a real Excel.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from addin.excel.friendly import Refusal

MAC = sys.platform == "darwin"
_ALLOW = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
          "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
          "AllowSorting", "AllowFiltering", "AllowUsingPivotTables")
_VERY_HIDDEN = 2  # xlSheetVeryHidden


def _locked(sheet) -> Refusal:
    return Refusal(f"The sheet '{sheet.name}' is protected with a password, so SafeContext cannot mark its "
                   "cells. Unprotect it (Review > Unprotect Sheet) and try again.")


def unprotect(sheet):
    """Lift a sheet's protection (without a password) so its cells can be coloured and noted.

    Returns what is needed to protect it again exactly as it was, or None if it was not protected.
    """
    api = sheet.api
    if MAC:
        try:
            if not api.protect_contents.get():
                return None
            api.unprotect(password="")
        except Exception:
            raise _locked(sheet) from None
        return "mac"
    if not api.ProtectContents:
        return None
    protection = api.Protection
    state = {"DrawingObjects": bool(api.ProtectDrawingObjects), "Contents": True,
             "Scenarios": bool(api.ProtectScenarios), **{k: bool(getattr(protection, k)) for k in _ALLOW}}
    try:
        api.Unprotect("")  # an empty password fails on a password-protected sheet instead of prompting
    except Exception:
        raise _locked(sheet) from None
    return state


def protect(sheet, state) -> None:
    """Protect a sheet again as unprotect() found it."""
    if state is None:
        return
    if MAC:  # as SafeContext's blank forms are protected: columns and rows may be resized
        sheet.api.protect_worksheet(contents=True, allow_formatting_columns=True, allow_formatting_rows=True)
        return
    sheet.api.Protect(**state)


def hide(sheet) -> None:
    """Hide a sheet so that it is not listed under Unhide (very hidden) where Excel allows it."""
    if MAC:
        sheet.visible = False
    else:
        sheet.api.Visible = _VERY_HIDDEN


def size_note(note) -> None:
    """Make a note big enough to read its message (best effort: cosmetic only)."""
    if MAC:
        return
    try:
        shape = note.api.Shape
        shape.Width, shape.Height = 320, 110
    except Exception:  # an older Excel or an unusual note: the default size still shows the text
        pass


def ask(app, prompt: str, title: str, default: str) -> str | None:
    """A one-line answer typed by the user, or None if they cancelled."""
    if MAC:
        script = ["-e", "on run argv", "-e", "display dialog (item 1 of argv) default answer (item 2 of argv) "
                  "with title (item 3 of argv)", "-e", "return text returned of result", "-e", "end run"]
        done = subprocess.run(["osascript", *script, prompt, default, title], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None
    answer = app.api.InputBox(prompt, title, default, Type=2)  # Application.InputBox: False when cancelled
    if answer is False or answer is None:
        return None
    return str(answer).strip()


def open_document(path: Path) -> None:
    """Open a file in the program the computer uses for it (Word for .docx)."""
    if sys.platform == "win32":
        os.startfile(str(path))  # type: ignore[attr-defined]
    else:
        subprocess.Popen(["open" if MAC else "xdg-open", str(path)])


def documents_folder() -> Path:
    """The user's Documents folder (Windows: wherever it has been redirected, e.g. OneDrive)."""
    if sys.platform == "win32":
        import ctypes

        buf = ctypes.create_unicode_buffer(260)
        if ctypes.windll.shell32.SHGetFolderPathW(None, 5, None, 0, buf) == 0 and buf.value:  # CSIDL_PERSONAL
            return Path(buf.value)
    docs = Path.home() / "Documents"
    return docs if docs.is_dir() else Path.home()
