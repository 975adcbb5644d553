"""The HSB tracker (internal): every open case at its latest meeting, its interventions by context with
their traffic lights, overdue reviews, red items, the gap list (S002:L3545-3548) and what shifted at reviews.

Cases are named by reference code only: the person_id is never read (review.cases leaves it out), and no
free text about the young person (the contextual table, notes) is shown. A case is open until its latest
meeting's interventions are all green with no gap.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from addin.catalogue.hsb_framework.declaration import CONTEXT_VALUES
from addin.catalogue.hsb_framework.factors import gaps
from addin.catalogue.hsb_framework.review import ReviewError, cases, compare

MARKING = "OFFICIAL – SENSITIVE – INTERNAL: reference codes only"
BANNER = ("INTERNAL: for the HSB MAP and its lead professionals. Cases are named by their reference code only; do "
          "not share this workbook outside them.")
LIGHTS = {"Red": "FF9B9B", "Amber": "FFD966", "Green": "A9D08E"}
ORDER = ("Red", "Amber", "Green")
CASE_COLUMNS = ("Reference", "Site", "Meetings", "Latest meeting", "Type", "Group or sole", "Hackett level",
                *CONTEXT_VALUES, "Red items", "Overdue reviews", "Gaps", "Action needed")
INTERVENTION_COLUMNS = ("Reference", "Latest meeting", "Context", "Intervention", "Lead agency", "Traffic light",
                        "Addresses", "Date set", "Review date", "Review overdue")
GAP_COLUMNS = ("Reference", "Latest meeting", "Context", "Vulnerability and risk factors with no intervention here")
CHANGE_COLUMNS = ("Reference", "From meeting", "To meeting", "Hackett level", "Factors added", "Factors removed",
                  "Traffic lights changed", "New interventions", "Interventions closed")


def light(rag: str | None) -> str | None:
    """'Red' of 'Red - not yet actioned'."""
    return rag.split(" - ")[0] if rag else None


def _overdue(row: dict, today: dt.date) -> bool:
    return row.get("review_date") is not None and row["review_date"] < today


def is_open(meeting) -> bool:
    rows = meeting.tables["interventions"]
    return not rows or any(light(r["rag"]) != "Green" for r in rows) or \
        bool(gaps(meeting.tables["factors"], rows))


def _by_context(rows: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["context"], []).append(light(r["rag"]) or "no light")
    return out


def _action(reds: int, overdue: int, gap: dict) -> str | None:
    needed = ([f"action {reds} red intervention(s)"] if reds else []) + \
             ([f"review {overdue} intervention(s) past their review date"] if overdue else []) + \
             ([f"plan for {', '.join(gap)}"] if gap else [])
    return ("; ".join(needed)[:1].upper() + "; ".join(needed)[1:]) if needed else None


def _font(**kw) -> Font:
    return Font(name="Calibri", **kw)  # without a name LibreOffice prints a serif face


def _head(ws, title: str, authority: str, today: dt.date) -> None:
    ws["A1"] = f"{title} – {authority}"
    ws["A1"].font = _font(bold=True, size=13, color="1F3864")
    ws["A2"] = BANNER
    ws["A2"].font = _font(bold=True, color="C00000")
    ws["A3"] = f"Produced {today:%d/%m/%Y} by SafeContext from the filed HSB meeting frameworks"
    ws["A3"].font = _font(italic=True, color="595959")


def _height(row: tuple, columns: tuple[str, ...], widths: dict) -> float:
    """Points for a row whose longest wrapped text needs the most lines (rows do not grow when a file opens)."""
    lines = max((sum(math.ceil(len(part) / max(1, widths.get(h, 13) - 2)) or 1 for part in str(v).split("\n"))
                 for v, h in zip(row, columns) if v is not None), default=1)
    return 15 * lines + 2


def _sheet(wb, name: str, title: str, columns: tuple[str, ...], rows: list[tuple], widths: dict, config, today,
           empty: str, fills=None) -> None:
    """A sheet: heading, an Excel table of `rows` (or what `empty` says), printed with the marking on each page."""
    ws = wb.create_sheet(name) if wb.worksheets[0].title != "Sheet" else wb.worksheets[0]
    ws.title = name
    _head(ws, title, config.authority, today)
    for j, h in enumerate(columns, start=1):
        c = ws.cell(row=5, column=j, value=h)
        c.font = _font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="bottom")
        ws.column_dimensions[get_column_letter(j)].width = widths.get(h, 13)
    for i, row in enumerate(rows, start=6):
        for j, v in enumerate(row, start=1):
            c = ws.cell(row=i, column=j, value=v)
            c.font = _font()
            c.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(v, dt.date):
                c.number_format = "dd/mm/yyyy"
            colour = fills(columns[j - 1], v, row) if fills else None
            if colour:
                c.fill = PatternFill("solid", fgColor=colour)
        ws.row_dimensions[i].height = _height(row, columns, widths)
    if rows:
        table = Table(displayName=name.replace(" ", ""), ref=f"A5:{get_column_letter(len(columns))}{5 + len(rows)}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
        ws.add_table(table)
    else:
        ws["A6"] = empty
        ws["A6"].font = _font()
    ws.row_dimensions[5].height = 32
    ws.freeze_panes = "B6"
    ws.print_title_rows = "5:5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = MARKING
    ws.oddFooter.left.text = config.authority.replace("&", "&&")
    ws.oddFooter.center.text = "&A"
    ws.oddFooter.right.text = "Page &P of &N"


def _case_fill(column: str, value, row) -> str | None:
    """A context's cell in the colour of its worst traffic light; red items and overdue reviews in red/amber."""
    if column in CONTEXT_VALUES and value:
        worst = next((o for o in ORDER if o in value), None)
        return LIGHTS.get(worst)
    if column == "Red items" and value:
        return LIGHTS["Red"]
    if column == "Overdue reviews" and value:
        return LIGHTS["Amber"]
    return None


def tracker_rows(db, today: dt.date) -> dict[str, list[tuple]]:
    """The rows of each sheet, as written."""
    out = {"Cases": [], "Interventions": [], "Gaps": [], "Changes": []}
    for _, meetings in sorted(cases(db).items()):
        last = meetings[-1]
        v, rows = last.values, last.tables["interventions"]
        if len(meetings) > 1:
            c = compare(v["reference"], meetings[-2], last)
            out["Changes"].append((v["reference"], meetings[-2].date, last.date,
                                   *("\n".join(items) or "none" for _, items in c.lines())))
        if not is_open(last):
            continue
        gap = gaps(last.tables["factors"], rows)
        lights = _by_context(rows)
        reds = sum(light(r["rag"]) == "Red" for r in rows)
        overdue = sum(_overdue(r, today) for r in rows)
        out["Cases"].append((v["reference"], v["site"], len(meetings), last.date, v["meeting_type"],
                             v["offence_context"], v["hackett_level"],
                             *(f"{len(lights[c])}: {', '.join(lights[c])}" if c in lights else None
                               for c in CONTEXT_VALUES),
                             reds or None, overdue or None, ", ".join(gap) or None, _action(reds, overdue, gap)))
        for r in rows:
            out["Interventions"].append((v["reference"], last.date, r["context"], r["intervention"], r["agency"],
                                         light(r["rag"]), r["addresses"], r["date_set"], r["review_date"],
                                         "Yes" if _overdue(r, today) else None))
        for context, codes in gap.items():
            out["Gaps"].append((v["reference"], last.date, context, ", ".join(codes)))
    return out


def write_tracker(path: Path, config, *, db: str | None = None, today: dt.date | None = None) -> Path:
    today = today or dt.date.today()
    path = Path(path)
    if path.is_dir():
        raise ReviewError(f"{path}: is a folder; give the workbook's file name, e.g. -o hsb-tracker.xlsx.")
    rows = tracker_rows(db or config.store, today)
    wb = Workbook()
    wide = {"Reference": 12, "Site": 18, "Intervention": 40, "Lead agency": 22, "Addresses": 18, "Action needed": 40,
            "Gaps": 22, **{c: 16 for c in CONTEXT_VALUES}}
    _sheet(wb, "Cases", "HSB cases: open at their latest meeting", CASE_COLUMNS, rows["Cases"], wide, config, today,
           "No open case: every filed case's latest meeting has all its interventions green and no gap.",
           fills=_case_fill)
    _sheet(wb, "Interventions", "HSB interventions of open cases, by context", INTERVENTION_COLUMNS,
           rows["Interventions"], wide, config, today, "No intervention is planned in an open case.",
           fills=lambda col, v, row: LIGHTS.get(v) if col == "Traffic light" else
           LIGHTS["Amber"] if col == "Review overdue" and v else None)
    _sheet(wb, "Gaps", "The gap list: vulnerability or risk factors with no intervention in their context",
           GAP_COLUMNS, rows["Gaps"], {**wide, GAP_COLUMNS[-1]: 60}, config, today,
           "No gap: every context with vulnerability or risk factors has an intervention.")
    _sheet(wb, "Changes", "What shifted at each case's latest review", CHANGE_COLUMNS, rows["Changes"],
           {**wide, **{c: 34 for c in CHANGE_COLUMNS[3:]}}, config, today, "No case has a review meeting filed yet.")
    try:
        wb.save(path)
    except OSError as e:
        raise ReviewError(f"{path}: cannot be written ({e.strerror or e}).") from None
    return path
