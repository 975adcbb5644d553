"""Checks on the files a report is written to, shared by every report."""
from __future__ import annotations

import os
from pathlib import Path

from addin.errors import UserError


def check_output(path: Path, error: type[UserError]) -> None:
    """Refuse, before any work, an output that could not be written: a folder, or a file in a folder
    that does not exist or may not be written in."""
    folder = path.parent
    if path.is_dir():
        raise error(f"{path} is a folder; give a file name in it, e.g. -o {path / ('report' + path.suffix)}.",
                    excel=f"{path} is a folder; choose a file name in it.")
    if not folder.is_dir():
        what = f"{folder} is a file, not a folder" if folder.exists() else f"the folder {folder} does not exist"
        raise error(f"{path}: {what}; create it first, or give -o a file in a folder that exists.",
                    excel=f"{path}: {what}; choose another folder.")
    if not os.access(folder, os.W_OK):
        raise error(f"{path}: you may not write in the folder {folder}; give -o a file in a folder of your own.",
                    excel=f"{path}: you may not write in the folder {folder}; choose a folder of your own.")


def save_error(path: Path, e: OSError, error: type[UserError]) -> UserError:
    """Saving failed after the checks (e.g. the file is open in Excel or Word, or read-only)."""
    return error(f"could not write {path} ({e.strerror or type(e).__name__}): close it if it is open in another "
                 "program, or give -o another file.",
                 excel=f"could not write {path} ({e.strerror or type(e).__name__}): close it if it is open, "
                       "or choose another file.")
