"""Where the Word templates every report starts from are: report_templates/ at the top of a source checkout
(and an editable install), or addin/report_templates/ inside an installed wheel, where pyproject.toml puts
the same folder."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # addin/


def template_path(name: str) -> Path:
    """The starting template `name` (e.g. "fap_termly_briefing.docx"); in a checkout, the path its
    template_source module builds it at, whether or not it has been built yet."""
    installed = _PACKAGE / "report_templates" / name
    return installed if installed.is_file() else _PACKAGE.parent / "report_templates" / name
