"""LibreOffice for tests: the drop-downs it offers in a workbook's cells (tests/lo_validation.py, run by a Python
that has LibreOffice's uno, against a LibreOffice started here with a profile of its own)."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
from pathlib import Path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def uno_python() -> str | None:
    for exe in ("/usr/bin/python3", shutil.which("python3")):
        if exe and subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0:
            return exe
    return None


def offered(path: Path, cells: dict[str, list[str]], profile: Path) -> dict[tuple[str, str], dict]:
    """(sheet, cell) -> {"type": "LIST", "choices": [...]}: what LibreOffice offers in each cell, in that cell's row."""
    with socket.socket() as s:
        s.bind(("localhost", 0))
        port = s.getsockname()[1]
    office = subprocess.Popen([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                               f"--accept=socket,host=localhost,port={port};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = {}
    try:
        for sheet, refs in cells.items():
            run = subprocess.run([uno_python(), str(Path(__file__).with_name("lo_validation.py")), str(port),
                                  str(path), sheet, *refs], capture_output=True, text=True, timeout=240)
            assert run.returncode == 0, run.stderr
            found |= {(sheet, ref): v for ref, v in json.loads(run.stdout).items()}
    finally:
        office.terminate()
        office.wait(timeout=60)
    return found
