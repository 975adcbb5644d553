"""Build the SafeContext Excel add-in (`SafeContext.xlam`): a ribbon tab, our VBA, xlwings' VBA.

Everything is generated here, on any OS, from text: the ribbon XML, a settings sheet, and a
VBA project (`vbaproject.py`) holding xlwings' own RunPython module, the Dictionary class it
needs on a Mac, and `vba/SafeContextButtons.bas`. Excel compiles the VBA when it opens the file.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from addin.excel import vbaproject as vp

ADDIN_NAME = "SafeContext.xlam"
PROJECT_NAME = "SafeContext"           # the VBA project, as in Application.Run "'SafeContext.xlam'!..."
SETTINGS_NAME = "safecontext"          # xlwings reads "<name>.conf" sheets and %USERPROFILE%\.<name>\<name>.conf
BUTTONS_MODULE = "SafeContextButtons"
ON_ACTION = f"{BUTTONS_MODULE}.OnButton"
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)      # fixed, so the same inputs give the same file


class BuildError(Exception):
    """The add-in cannot be built; the message says why."""


@dataclass(frozen=True)
class Button:
    id: str
    label: str
    entry: str        # the Python entry point in addin.excel; the button's tag
    image: str        # a built-in Office icon (imageMso)
    tip: str


GROUPS = (
    ("scForm", "This form", (
        Button("scCheck", "Check this form", "check_this_form", "Spelling",
               "Saves this form, checks it and marks every problem cell: red for errors, blue for "
               "queries, with a note on each. The list is on a sheet called Checks."),
        Button("scFile", "File this form", "file_this_form", "FileSave",
               "Saves and checks this form, then files it in the SafeContext store. A form "
               "with errors is not filed."),
    )),
)
NEW_MENU = "scNew"  # the group whose buttons sit in one "New form" drop-down menu


def new_form_buttons() -> tuple[Button, ...]:
    """One New form button per registered form, from the registry."""
    from addin.excel.buttons import new_form_entry
    from addin.forms import plugins

    return tuple(Button("scNew_" + new_form_entry(p.id).removeprefix("new_"), p.name, new_form_entry(p.id), "FileNew",
                        f"Opens a new blank {p.form.title}, saved in Documents\\SafeContext.")
                 for p in plugins().values())


def package_groups() -> tuple:
    """A group per form package that declares buttons of its own (e.g. the PGI's request and tracker)."""
    from addin.forms import plugins

    return tuple((f"sc_{p.store_prefix}", p.name, tuple(Button(f"sc_{r[1]}", r[0], r[1], r[3] if len(r) > 3 else
                                                              "FileNew", r[2]) for r in p.ribbon))
                 for p in plugins().values() if p.ribbon)


def groups() -> tuple:
    """The ribbon's groups: This form, New (a menu of the registered forms), then each package's own."""
    return (*GROUPS, (NEW_MENU, "New", new_form_buttons()), *package_groups())


def buttons() -> list[Button]:
    return [b for _, _, group in groups() for b in group]


def _button_xml(b: Button, size: str | None = "large") -> str:
    size_attr = f' size="{size}"' if size else ""
    return (f'<button id="{b.id}" label={quoteattr(b.label)}{size_attr} imageMso="{b.image}" '
            f'tag="{b.entry}" onAction="{ON_ACTION}" screentip={quoteattr(b.label)} '
            f'supertip={quoteattr(b.tip)}/>')


def ribbon_xml() -> str:
    """customUI14.xml: a "SafeContext" tab; every button calls OnButton, its tag names the entry point."""
    out = []
    for gid, label, group in groups():
        if gid == NEW_MENU:
            inner = ('<menu id="scNewMenu" label="New form" size="large" imageMso="FileNew" '
                     'screentip="New form" supertip="Opens a new blank SafeContext form.">'
                     + "".join(_button_xml(b, None) for b in group) + "</menu>")
        else:
            inner = "".join(_button_xml(b) for b in group)
        out.append(f'<group id="{gid}" label={quoteattr(label)}>{inner}</group>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">'
            '<ribbon><tabs><tab id="scTab" label="SafeContext">' + "".join(out)
            + "</tab></tabs></ribbon></customUI>\n")


# --- VBA ---------------------------------------------------------------------------------------

def _xlwings_file(*parts: str) -> str:
    import xlwings

    path = Path(xlwings.__file__).parent.joinpath(*parts)
    try:
        return path.read_text(encoding="cp1252")
    except OSError:
        raise BuildError(f"xlwings {xlwings.__version__} has no {'/'.join(parts)}; SafeContext needs the "
                         "xlwings package that ships its add-in VBA (pip install 'xlwings>=0.30').") from None


def buttons_source() -> str:
    return resources.files("addin.excel").joinpath("vba", f"{BUTTONS_MODULE}.bas").read_text(encoding="utf-8")


def vba_modules() -> list[vp.Module]:
    """The add-in's modules: ThisWorkbook, the settings sheet, xlwings, Dictionary, ours."""
    xlwings_bas = _xlwings_file("xlwings_custom_addin.bas")
    marker = 'Public Const PROJECT_NAME As String = "myaddin"'
    if marker not in xlwings_bas:
        raise BuildError("this xlwings version's add-in VBA has no PROJECT_NAME constant to set; "
                         "use the xlwings version SafeContext was tested with (0.37).")
    xlwings_bas = xlwings_bas.replace(marker, f'Public Const PROJECT_NAME As String = "{SETTINGS_NAME}"')
    # xlwings starts Python with `python -B -c ...` (once per click, and for the Python kept running between
    # clicks), which puts the current folder first on its path; -P (Python 3.11+) leaves it off, so a file
    # called addin.py in whatever folder Excel is in cannot run instead of SafeContext.
    if xlwings_bas.count(' -B -c ""') != 2:
        raise BuildError("this xlwings version starts Python differently; use the xlwings version "
                         "SafeContext was tested with (0.37).")
    xlwings_bas = xlwings_bas.replace(' -B -c ""', ' -B -P -c ""')
    return [
        vp.document_module("ThisWorkbook", vp.WORKBOOK_BASE),
        vp.document_module("Sheet1", vp.WORKSHEET_BASE),
        vp.standard_module(xlwings_bas),
        vp.class_module(_xlwings_file("addin", "Dictionary.cls")),
        vp.standard_module(buttons_source()),
    ]


def vba_project() -> bytes:
    return vp.build(PROJECT_NAME, vba_modules())


# --- the workbook ------------------------------------------------------------------------------

def settings(interpreter_win: str | None = None, interpreter_mac: str | None = None,
             keep_python: bool = True) -> list[tuple[str, str]]:
    """The rows of the add-in's settings sheet, read by xlwings' VBA (GetConfig)."""
    rows = []
    if interpreter_win:
        rows.append(("Interpreter_Win", interpreter_win))
    if interpreter_mac:
        rows.append(("Interpreter_Mac", interpreter_mac))
    # On Windows, keep one Python running for the Excel session (xlwings' COM server), so only the first
    # click pays for starting Python and importing pandas and pandera. A Mac starts Python every time.
    rows.append(("USE UDF SERVER", "True" if keep_python else "False"))
    # Never put the folder of the workbook being checked on Python's path: a file called
    # addin.py beside a form sent in from outside would otherwise run instead of SafeContext.
    rows.append(("ADD_WORKBOOK_TO_PYTHONPATH", "false"))
    return rows


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _sheet_xml(rows: list[tuple[str, str]]) -> str:
    body = "".join(f'<row r="{i}">{_cell(f"A{i}", k)}{_cell(f"B{i}", v)}</row>'
                   for i, (k, v) in enumerate(rows, start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetPr codeName="Sheet1"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            '<cols><col min="1" max="1" width="32" customWidth="1"/><col min="2" max="2" width="60" '
            'customWidth="1"/></cols>'
            f"<sheetData>{body}</sheetData></worksheet>")


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>")

_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC_REL}/extended-properties" Target="docProps/app.xml"/>'
    '<Relationship Id="rId4" Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" '
    'Target="customUI/customUI14.xml"/>'
    "</Relationships>")

_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
    'Target="vbaProject.bin"/>'
    "</Relationships>")

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")


def _workbook_xml(sheet_name: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<workbookPr codeName="ThisWorkbook"/>'
            '<bookViews><workbookView visibility="hidden"/></bookViews>'
            f'<sheets><sheet name={quoteattr(sheet_name)} sheetId="1" r:id="rId1"/></sheets></workbook>')


def _core_xml() -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:title>SafeContext</dc:title><dc:description>SafeContext buttons for Excel: check, file and "
            "count safeguarding referral forms.</dc:description></cp:coreProperties>")


_APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Microsoft Excel</Application></Properties>")


def parts(interpreter_win: str | None = None, interpreter_mac: str | None = None,
          keep_python: bool = True) -> dict[str, bytes]:
    """Every part of the add-in's zip, by name."""
    text = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "docProps/app.xml": _APP_XML,
        "docProps/core.xml": _core_xml(),
        "xl/workbook.xml": _workbook_xml(f"{SETTINGS_NAME}.conf"),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": _sheet_xml(settings(interpreter_win, interpreter_mac, keep_python)),
        "xl/styles.xml": _STYLES,
        "customUI/customUI14.xml": ribbon_xml(),
    }
    out = {k: v.encode("utf-8") for k, v in text.items()}
    out["xl/vbaProject.bin"] = vba_project()
    return out


def build(path: str | Path, interpreter_win: str | None = None, interpreter_mac: str | None = None,
          keep_python: bool = True) -> Path:
    """Write the add-in to `path` (normally SafeContext.xlam); same inputs, same bytes."""
    path = Path(path)
    if path.suffix.lower() != ".xlam":
        raise BuildError(f"{path}: an Excel add-in's name must end in .xlam.")
    content = parts(interpreter_win, interpreter_mac, keep_python)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in content.items():
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    tmp.replace(path)
    return path
