"""Blank data-entry workbooks, generated from a form declaration."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table as XlTable, TableStyleInfo

from addin.config import Config
from addin.forms.codes import YES_NO
from addin.forms.contract import (  # noqa: F401  (re-exported: blank.choices_of etc. keep working)
    LISTS_SHEET, MARKER_FORM, MARKER_SHEET, MARKER_VERSION, choices_of,
)
from addin.forms.model import Field, Form, Grid, Heading, Section, Table

_INPUT_FILL = PatternFill("solid", fgColor="FFFDE7")
_SECTION_FILL = PatternFill("solid", fgColor="1F3864")
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="8EA9DB")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)
_WIDTHS = dict(zip("ABCDEFGH", (2, 46, 40, 48, 26, 30, 11, 10)))


def _font(**kw) -> Font:
    """A Calibri font: a Font without a name shows in a serif face in LibreOffice."""
    return Font(name="Calibri", **kw)


def _lines(text: str, width: float, size: float = 11) -> int:
    """How many lines `text` wraps to in a column `width` characters wide (a generous estimate:
    wide fonts such as the DejaVu Sans LibreOffice uses in place of Calibri, and whole words)."""
    per_line = max(1, int(width * 1.1 * 11 / size) - 3)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _fit_row(ws, row: int, *texts: tuple[str, float, float], at_least: float = 0) -> None:
    """Make a row tall enough for its wrapped texts (text, width, font size). Neither Excel nor
    LibreOffice grows rows when opening a file, so without this long labels spill over the next row."""
    needed = max([_lines(text, width, size) * size * 1.3 + 3 for text, width, size in texts if text]
                 + [at_least])
    if needed > 18:  # more than the one line of 11 pt a default row holds
        ws.row_dimensions[row].height = math.ceil(needed)


@dataclass
class Layout:
    """Where each field and table landed in a freshly built workbook."""

    cells: dict[str, str] = field(default_factory=dict)          # field id -> "C9"
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # table id -> (header row, first col)
    sheets: dict[str, str] = field(default_factory=dict)         # field or table id -> its sheet


def column_header(c: Field) -> str:
    """A table column's header text, which is also its name in Excel structured references."""
    return c.label + (" *" if c.required else "")


def build(form: Form, config: Config) -> tuple[Workbook, Layout]:
    """A blank workbook for `form`, with the configured lists, and where everything is."""
    wb = Workbook()
    ws = wb.active
    ws.title = form.sheet
    layout = Layout()
    list_refs = _write_lists(wb, form, config)

    for col, width in _WIDTHS.items():
        ws.column_dimensions[col].width = width
    across = _WIDTHS["B"] + _WIDTHS["C"] + _WIDTHS["D"]
    ws["B1"] = form.title
    ws["B1"].font = _font(bold=True, size=14, color="1F3864")
    ws.row_dimensions[1].height = 21
    ws["B2"] = f"{config.authority} · SafeContext form {form.id} version {form.version}"
    ws["B2"].font = _font(italic=True, color="595959")
    ws["B3"] = form.intro
    ws["B3"].alignment = _WRAP
    ws.merge_cells("B3:D3")
    _fit_row(ws, 3, (form.intro, across, 11), at_least=30)
    ws["B4"] = "Cells marked * are required."
    ws["B4"].font = _font(italic=True, color="595959")
    row = 6
    sheets: dict[str, list] = {}  # a sheet of its own laid out as the form's: [sheet, next row]
    # A sheet of its own holding a table (a stage of a form, several sections) is laid out as the form's sheet;
    # one holding grids and fields only as a page (a meeting's contextual table).
    staged = {s.sheet for s in form.sections if s.sheet and _holds_table(s)}
    for section in form.sections:
        if section.sheet and section.sheet not in staged:
            _write_sheet_section(wb, form, section, config, list_refs, layout)
            continue
        if section.sheet:  # a stage of a form, tables and all, on a sheet of its own laid out as the form's sheet
            if section.sheet not in sheets:
                sheets[section.sheet] = [_form_sheet(wb, form, section.sheet, config), 4]
            at = sheets[section.sheet]
            at[1] = _write_section(at[0], wb, section, at[1], config, list_refs, layout)
            continue
        row = _write_section(ws, wb, section, row, config, list_refs, layout)

    # A4, as in England; landscape when a table runs past column D, else the print is too small to read.
    # An A3 form (a meeting table) is landscape throughout.
    for sheet in [ws] + [at[0] for at in sheets.values()]:
        tables = [t for s in form.sections if (s.sheet or form.sheet) == sheet.title for t in s.items
                  if isinstance(t, Table)]
        _widen(sheet, tables, own=sheet is not ws)
        wide = form.paper == "A3" or any(len(t.columns) > 3 for t in tables)
        _finish(sheet, form.paper, "landscape" if wide else "portrait", pages_down=0)
    _package_additions(wb, form, layout, config)
    _write_marker(wb, form)
    return wb, layout


def _holds_table(section: Section) -> bool:
    return any(isinstance(i, Table) for i in section.items)


# Widths of table columns beyond H (the form's own columns B-H have _WIDTHS), by the column's type.
_TYPE_WIDTHS = {"tick": 15, "yesno": 15, "integer": 10, "number": 10, "percent": 10, "date": 12, "choice": 24,
                "longtext": 40}


def _widen(ws, tables, own: bool = False) -> None:
    """Columns from E (fields use B-D) on a sheet of its own or one whose tables run past H, as wide as the widest
    column's type there needs; the form's sheet, its tables ending by H, keeps the form's widths."""
    if not own and not any(len(t.columns) > len(_WIDTHS) - 1 for t in tables):
        return
    widths: dict[str, int] = {}
    for t in tables:
        for j, c in enumerate(t.columns):
            letter = get_column_letter(2 + j)
            if letter not in "ABCD":
                widths[letter] = max(widths.get(letter, 0), _TYPE_WIDTHS.get(c.type, 18))
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def _table_width(letter: str, c: Field, wide: bool) -> float:
    """The width a table column's heading wraps in (as _widen will set it)."""
    if wide and letter not in "ABCD" or letter not in _WIDTHS:
        return _TYPE_WIDTHS.get(c.type, 18)
    return _WIDTHS[letter]


def _form_sheet(wb, form: Form, title: str, config):
    """A further sheet laid out as the form's own: its columns, its title, whose form it is."""
    ws = wb.create_sheet(title, index=len([n for n in wb.sheetnames if n != LISTS_SHEET]))
    for col, width in _WIDTHS.items():
        ws.column_dimensions[col].width = width
    ws["B1"] = f"{form.title}: {title}"
    ws["B1"].font = _font(bold=True, size=14, color="1F3864")
    ws.row_dimensions[1].height = 21
    ws["B2"] = f"{config.authority} · SafeContext form {form.id} version {form.version}"
    ws["B2"].font = _font(italic=True, color="595959")
    return ws


def _write_section(ws, wb, section: Section, row: int, config, list_refs, layout: Layout) -> int:
    """A section's title bar and items from `row` on a sheet laid out as the form's; the next free row."""
    across = _WIDTHS["B"] + _WIDTHS["C"] + _WIDTHS["D"]
    for col in "BCD":
        ws[f"{col}{row}"].fill = _SECTION_FILL
    ws[f"B{row}"] = section.title
    ws[f"B{row}"].font = _font(bold=True, color="FFFFFF", size=12)
    ws.row_dimensions[row].height = 18
    row += 1
    for item in section.items:
        if isinstance(item, Heading):
            ws[f"B{row}"] = item.text
            ws[f"B{row}"].alignment = _WRAP
            if item.note:
                ws[f"B{row}"].font = _font(italic=True, color="595959")
                ws.merge_cells(f"B{row}:D{row}")
                _fit_row(ws, row, (item.text, across, 11))
            else:  # B:C, as a table's help note may sit in D of this row
                ws[f"B{row}"].font = _font(bold=True, color="1F3864")
                ws.merge_cells(f"B{row}:C{row}")
                _fit_row(ws, row, (item.text, _WIDTHS["B"] + _WIDTHS["C"], 11))
            row += 1
        elif isinstance(item, Field):
            _write_field(ws, wb, item, row, config, list_refs, layout)
            row += 1
        elif isinstance(item, Grid):  # its columns in C, D, ...: as narrow as the form's narrowest used
            width = min(_WIDTHS[get_column_letter(3 + j)] for j in range(len(item.columns)))
            row = _write_grid(ws, wb, item, row, width, config, list_refs, layout,
                              row_height=20 if item.type in ("tick", "yesno") else 48) + 1
        else:
            row = _write_table(ws, item, row, config, list_refs, layout) + 1
    return row + 1


def _package_additions(wb, form: Form, layout: Layout, config) -> None:
    """What the form's package adds to its blank (its plugin's `workbook` hook), e.g. a summary sheet."""
    from addin.forms.registry import plugins

    hook = plugins()[form.id].workbook if form.id in plugins() else None
    if hook:
        hook(wb, layout, config)


def _finish(ws, paper: str, orientation: str, pages_down: int) -> None:
    """Protection and printing: one page wide (and `pages_down` pages down; 0: as many as needed)."""
    ws.protection.sheet = True          # labels locked; input cells unlocked; no password
    ws.protection.formatColumns = False  # people may still widen columns and rows
    ws.protection.formatRows = False
    ws.sheet_view.showGridLines = False
    ws.print_options.gridLines = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if paper == "A3" else ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_down
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# A sheet of its own holding a grid: the row labels in B, then one column per grid column, as wide as
# fills an A3 landscape page (about 215 characters across) at full size.
_GRID_LABEL_WIDTH, _GRID_ACROSS = 24, 190
_GRID_ROW_HEIGHT, _GRID_FIELD_HEIGHT = 122, 80


def _write_sheet_section(wb, form: Form, section: Section, config, list_refs, layout: Layout) -> None:
    """A section on its own sheet, laid out as on paper: headings and notes across the page, a grid as a
    matrix (row labels down the left, column headings across the top), a field as a box across the grid."""
    ws = wb.create_sheet(section.sheet, index=wb.sheetnames.index(form.sheet) + 1)
    ncols = max([len(i.columns) for i in section.items if isinstance(i, Grid)] or [1])
    width = max(12, _GRID_ACROSS // ncols)
    last = get_column_letter(2 + ncols)
    ws.column_dimensions["A"].width = 2
    ws.column_dimensions["B"].width = _GRID_LABEL_WIDTH
    for j in range(ncols):
        ws.column_dimensions[get_column_letter(3 + j)].width = width
    across = _GRID_LABEL_WIDTH + width * ncols
    ws["B1"] = section.title
    ws["B1"].font = _font(bold=True, size=14, color="1F3864")
    ws.row_dimensions[1].height = 21
    ws["B2"] = f"{form.title} · {config.authority} · SafeContext form {form.id} version {form.version}"
    ws["B2"].font = _font(italic=True, color="595959")
    if section.shows:  # a formula, so the printed page says whose it is without typing it twice
        shown = (f'IF({f}="","",TEXT({f},"dd/mm/yyyy"))' if form[f].type == "date" else f for f in section.shows)
        ws["B3"] = "=" + '&"   ·   "&'.join(f'"{form[f].label}: "&{v}' for f, v in zip(section.shows, shown))
        ws["B3"].font = _font(bold=True)
    row = 4
    for item in section.items:
        if isinstance(item, Heading):
            ws[f"B{row}"] = item.text
            ws[f"B{row}"].alignment = _WRAP
            ws[f"B{row}"].font = _font(italic=item.note, bold=not item.note,
                                       color="595959" if item.note else "1F3864")
            ws.merge_cells(f"B{row}:{last}{row}")
            _fit_row(ws, row, (item.text, across, 11))
            row += 1
        elif isinstance(item, Grid):
            row = _write_grid(ws, wb, item, row, width, config, list_refs, layout) + 1
        else:
            label = ws.cell(row=row, column=2, value=item.label + (" *" if item.required else ""))
            label.font = _font(bold=True)
            label.alignment = _WRAP
            label.fill = _HEAD_FILL
            label.border = _BOX
            _place(ws, wb, item, row, 3, config, list_refs, layout)
            ws.merge_cells(f"C{row}:{last}{row}")
            ws.row_dimensions[row].height = _GRID_FIELD_HEIGHT if item.type == "longtext" else 30
            row += 1
    ws.print_area = f"A1:{last}{row - 1}"
    _finish(ws, form.paper, "landscape", pages_down=1)


def _write_grid(ws, wb, g: Grid, row: int, width: int, config, list_refs, layout: Layout,
                row_height: float = _GRID_ROW_HEIGHT) -> int:
    """The grid's heading row and one row per grid row, from `row`; returns the last row used."""
    for j, (_, label, _) in enumerate(g.columns):
        h = ws.cell(row=row, column=3 + j, value=label)
        h.font = _font(bold=True)
        h.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        h.fill = _HEAD_FILL
        h.border = _BOX
    _fit_row(ws, row, *((label, width, 11) for _, label, _ in g.columns), at_least=32)
    for i, (rkey, rlabel, prompt) in enumerate(g.rows, start=1):
        r = row + i
        head = ws.cell(row=r, column=2, value=CellRichText(
            TextBlock(InlineFont(rFont="Calibri", b=True, sz=11), rlabel),
            *([TextBlock(InlineFont(rFont="Calibri", i=True, sz=9, color="595959"), "\n" + prompt)] if prompt else [])))
        head.alignment = _WRAP
        head.fill = _HEAD_FILL
        head.border = _BOX
        for j, f in enumerate(g.fields[(i - 1) * len(g.columns):i * len(g.columns)]):
            _place(ws, wb, f, r, 3 + j, config, list_refs, layout)
        ws.row_dimensions[r].height = max(row_height, ws.row_dimensions[r].height or 0)
    return row + len(g.rows)


def _place(ws, wb, f: Field, row: int, col: int, config, list_refs, layout: Layout) -> None:
    """An input cell for `f` at (row, col) on `ws`, with its drop-down or input message and its name."""
    cell = ws.cell(row=row, column=col)
    _style_input(cell, f)
    _validate(ws, f, cell.coordinate, config, list_refs)
    wb.defined_names[f.id] = DefinedName(f.id, attr_text=f"{quote_sheetname(ws.title)}!${get_column_letter(col)}${row}")
    layout.cells[f.id] = cell.coordinate
    layout.sheets[f.id] = ws.title


def write_blank(form: Form, path: str | Path, config: Config) -> Path:
    wb, _ = build(form, config)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _write_field(ws, wb, f: Field, row: int, config, list_refs, layout: Layout) -> None:
    label = ws.cell(row=row, column=2, value=f.label + (" *" if f.required else ""))
    label.alignment = _WRAP
    cell = ws.cell(row=row, column=3)
    _style_input(cell, f)
    if f.help:
        h = ws.cell(row=row, column=4, value=f.help)
        h.font = _font(italic=True, size=9, color="595959")
        h.alignment = _WRAP
    _fit_row(ws, row, (label.value, _WIDTHS["B"], 11), (f.help, _WIDTHS["D"], 9),
             at_least=48 if f.type == "longtext" else 0)
    ref = cell.coordinate
    _validate(ws, f, ref, config, list_refs)
    wb.defined_names[f.id] = DefinedName(f.id, attr_text=f"{quote_sheetname(ws.title)}!${get_column_letter(3)}${row}")
    layout.cells[f.id] = ref
    layout.sheets[f.id] = ws.title


def _write_table(ws, t: Table, row: int, config, list_refs, layout: Layout) -> int:
    """Write an Excel Table at `row`; return the last row used."""
    first_col = 2
    nrows = max(t.rows, len(t.preset))
    for j, c in enumerate(t.columns):
        h = ws.cell(row=row, column=first_col + j, value=column_header(c))
        h.font = _font(bold=True)
        h.alignment = _WRAP
    wide = len(t.columns) > len(_WIDTHS) - 1  # not exact for a narrower table on a sheet with a wide one: generous
    _fit_row(ws, row, *((column_header(c), _table_width(get_column_letter(first_col + j), c, wide), 11)
                        for j, c in enumerate(t.columns)))
    for i in range(nrows):
        for j, c in enumerate(t.columns):
            cell = ws.cell(row=row + 1 + i, column=first_col + j)
            _style_input(cell, c)
            if j < len(t.fixed(i)):
                cell.value = t.fixed(i)[j]
    last = row + nrows
    letters = {c.id: get_column_letter(first_col + j) for j, c in enumerate(t.columns)}
    for c in t.columns:
        letter = letters[c.id]
        if c.depends:
            _validate_dependent(ws, t, c, letters, row + 1, last, config, list_refs)
        else:
            _validate(ws, c, f"{letter}{row + 1}:{letter}{last}", config, list_refs)
    ref = f"B{row}:{get_column_letter(first_col + len(t.columns) - 1)}{last}"
    xt = XlTable(displayName=t.id, ref=ref)
    xt.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(xt)
    # Excel requires table header cells to hold exactly the column names.
    xt._initialise_columns()
    for j, col in enumerate(xt.tableColumns):
        col.name = ws.cell(row=row, column=first_col + j).value
    if t.help:
        note = ws.cell(row=row - 1, column=4, value=t.help)
        note.font = _font(italic=True, size=9, color="595959")
    layout.tables[t.id] = (row, first_col)
    layout.sheets[t.id] = ws.title
    return last


def _style_input(cell, f: Field) -> None:
    cell.fill = _INPUT_FILL
    cell.border = _BOX
    cell.protection = _UNLOCKED
    cell.alignment = _WRAP
    if f.type == "date":
        cell.number_format = "dd/mm/yyyy"
    elif f.type in ("text", "upn", "postcode", "phone", "email", "longtext"):
        cell.number_format = "@"  # keep leading zeros in phone numbers; text stays text


def _validate(ws, f: Field, ref: str, config, list_refs) -> None:
    kind = f.type
    if kind in ("yesno", "tick", "choice"):
        dv = DataValidation(type="list", formula1=list_refs[tuple(choices_of(f, config))], allow_blank=True)
        dv.error = f"Please pick one of the values in the list for '{f.label[:60]}'."
        dv.errorStyle = "stop"
    elif kind == "date":
        dv = DataValidation(type="date", operator="between", allow_blank=True,
                            formula1=str(_excel_serial(dt.date(1990, 1, 1))),
                            formula2=str(_excel_serial(dt.date(2100, 12, 31))))
        dv.error = "Please enter a date as dd/mm/yyyy."
        dv.errorStyle = "warning"
    elif kind in ("integer", "number", "percent"):
        lo, hi = (0, 100) if kind == "percent" else (f.min, f.max)
        dv = DataValidation(type="whole" if kind == "integer" else "decimal", operator="between",
                            allow_blank=True, formula1=str(lo if lo is not None else -1e9),
                            formula2=str(hi if hi is not None else 1e9))
        dv.error = f"Please enter a number from {lo} to {hi}." if lo is not None else "Please enter a number."
        dv.errorStyle = "warning"
    else:
        dv = DataValidation(allow_blank=True)  # no restriction; carries the input message
    dv.showErrorMessage = kind not in ("text", "longtext", "email", "phone", "postcode", "upn")
    dv.errorTitle = "SafeContext"
    if f.help:
        dv.promptTitle = f.label[:32]
        dv.prompt = f.help[:255]
        dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(ref)


def dependent_name(t: Table, c: Field, positions: tuple[int, ...] = ()) -> str:
    """The defined name of a dependent column's list: all its choices, or (1-based positions of the values
    it depends on in their own lists) the choices for them: choices_factors_factor_2_1."""
    return "_".join(["choices", t.id, c.id, *map(str, positions)])


def _validate_dependent(ws, t: Table, c: Field, letters: dict, first: int, last: int, config, list_refs) -> None:
    """A drop-down offering the choices for the values of `c.depends` in the same row (all of them while
    those are blank): INDIRECT of the name made from their positions in their lists, which Excel and
    LibreOffice both evaluate per row."""
    matches = '&"_"&'.join(f"MATCH(${letters[d]}{first},{list_refs[tuple(choices_of(t.column(d), config))]},0)"
                           for d in c.depends)
    whole = dependent_name(t, c)
    dv = DataValidation(type="list", formula1=f'INDIRECT(IFERROR("{whole}_"&{matches},"{whole}"))',
                        allow_blank=True)
    heads = " and ".join(f"'{t.column(d).label}'" for d in c.depends)
    dv.error = f"Please pick one of the values in the list for '{c.label[:40]}', which follows the row's {heads}."
    dv.errorStyle = "warning"  # a code alone (PEER-V02) may be typed; the checks say whether it fits the row
    dv.showErrorMessage = True
    dv.errorTitle = "SafeContext"
    dv.promptTitle = c.label[:32]
    dv.prompt = (c.help or f"Pick the {heads} first: the list then offers only their choices.")[:255]
    dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(f"{letters[c.id]}{first}:{letters[c.id]}{last}")


def _list_key(f: Field) -> str:
    """A choice list's heading on the Lists sheet: the configured list's name, else the field's id."""
    return f.choices if isinstance(f.choices, str) else f.id


def _write_lists(wb: Workbook, form: Form, config: Config) -> dict[tuple[str, ...], str]:
    """A hidden sheet holding every drop-down list; returns the list's values -> absolute range.

    Keyed by the values, not the field id: columns of two tables may share an id but not their choices.
    """
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    lists: dict[tuple[str, ...], str] = {tuple(YES_NO): "yesno"}
    every = form.fields + [c for t in form.tables for c in t.columns]
    for f in every:
        if f.type == "choice":
            lists.setdefault(tuple(choices_of(f, config)), _list_key(f))
    named = {}  # a dependent column's lists, by their defined names
    for t in form.tables:
        for c in t.columns:
            if c.depends:
                named[dependent_name(t, c)] = tuple(choices_of(c, config))
                options = [choices_of(t.column(d), config) for d in c.depends]
                for values, subset in c.by:
                    positions = tuple(o.index(v) + 1 for o, v in zip(options, values))
                    named[dependent_name(t, c, positions)] = subset
                    lists.setdefault(subset, f"{c.id} {' / '.join(values)}")
    refs = {}
    for j, (values, key) in enumerate(lists.items(), start=1):
        letter = get_column_letter(j)
        ws.cell(row=1, column=j, value=key)
        for i, v in enumerate(values, start=2):
            ws.cell(row=i, column=j).value = v
        refs[values] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    for name, values in named.items():
        wb.defined_names[name] = DefinedName(name, attr_text=refs[values])
    ws.protection.sheet = True
    return refs


def _write_marker(wb: Workbook, form: Form) -> None:
    ws = wb.create_sheet(MARKER_SHEET)
    ws.sheet_state = "veryHidden"
    ws["A1"], ws["B1"] = "form", form.id
    ws["A2"], ws["B2"] = "version", form.version
    ws["A3"], ws["B3"] = "generator", "SafeContext"
    ws.protection.sheet = True
    wb.defined_names[MARKER_FORM] = DefinedName(MARKER_FORM, attr_text=f"{MARKER_SHEET}!$B$1")
    wb.defined_names[MARKER_VERSION] = DefinedName(MARKER_VERSION, attr_text=f"{MARKER_SHEET}!$B$2")


def _excel_serial(d: dt.date) -> int:
    return (d - dt.date(1899, 12, 30)).days
