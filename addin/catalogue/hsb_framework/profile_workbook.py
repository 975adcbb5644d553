"""The HSB cohort profile as an Excel workbook: one sheet per table, by cohort as the study prints them
("Sole (n=24)"), two charts (interventions by context and cohort; factors recorded against acted on), and
in the internal version a sheet listing the cases with factors but no intervention in a context."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from addin.catalogue.hsb_framework.declaration import INCIDENT, PEERS
from addin.catalogue.hsb_framework.profile import (COHORT_LABELS, COHORTS, CONTEXT_LABELS, NOT_RECORDED, TABLES,
                                                   Profile, Published, factor_rows)
from addin.checks.annotate import set_text

MARKING = "OFFICIAL – SENSITIVE"
INTERNAL = ("INTERNAL – exact counts, and case references on the sheet 'Unaddressed (internal)'. Not for "
            "publication or sharing outside the HSB panel; for the board, use --publishable or the briefing.")
_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_LIGHT = {"red": "Red (not yet actioned)", "amber": "Amber (in progress)", "green": "Green (progressed)",
          "none": "No traffic light"}
_GAP = {"factors": "Frameworks with vulnerability or risk factors here", "interventions":
        "Frameworks with an intervention here", "unaddressed": "Frameworks with such factors but no intervention here"}
_NOTES = {
    "interventions_by_context": "Counts interventions, not frameworks or young people: a framework may plan more "
                                "than one intervention in a context (as the study's Table 4 footnote says).",
    "rag": "Counts interventions. Overdue: the review date has passed and the intervention is not yet green.",
    "factors": "Frameworks recording the factor (a factor listed twice in one framework counts once).",
}


class ProfileError(Exception):
    """The profile cannot be written (a folder, an unwritable file)."""


def row_label(table: str, key: str) -> str:
    """What a row key means, for people: 'IND-V02 Learning disabilities', 'Peer group: unaddressed', ..."""
    if table == "incident_characteristics":
        return dict(INCIDENT)[key]
    if table == "peer_relationships":
        return dict(PEERS)[key]
    if table in ("interventions_by_context", "frameworks_with_intervention"):
        return CONTEXT_LABELS[key]
    if table == "factor_types":
        context, kind = key.split(".")
        return f"{CONTEXT_LABELS[context]}: {kind}"
    if table == "factors":
        return f"{key} {next(t for k, _, _, t in factor_rows() if k == key)}"
    if table == "gaps":
        context, part = key.split(".")
        return f"{CONTEXT_LABELS[context]}: {_GAP[part]}"
    if table == "rag":
        if key == "overdue_reviews":
            return "Overdue reviews"
        context, light = key.split(".")
        return f"{CONTEXT_LABELS[context]}: {_LIGHT[light]}"
    if key == NOT_RECORDED:
        return "Not recorded"
    return key


def write_profile(profile: Profile, path: Path, *, authority: str, published: Published | None = None,
                  symbols: str = "") -> Path:
    """The internal workbook (exact counts), or with `published` the publishable one."""
    if path.is_dir():
        raise ProfileError(f"{path}: is a folder; give the workbook's file name, e.g. -o hsb-profile.xlsx.")
    sizes = published.sizes if published else profile.sizes
    tables = published.tables if published else profile.tables
    wb = Workbook()
    ws = wb.active
    ws.title = "Profile"
    _head(ws, f"HSB cohort profile – {authority}", published is not None)
    lines = [
        ("Period", profile.period()),
        ("Cases (young people)", sizes["all"]),
        ("Meetings filed in the period (reviews included)", profile.meetings if not published else "–"),
        ("How cases count", "Each case counts once, at its latest meeting in the period (its reviews replace "
                            "earlier meetings)."),
        ("Cohorts", "Sole: harmed only on their own. Group: only in groups. Both: in groups and alone. Group or "
                    "both: at least in part in groups (the study's 'group' cohort). From each framework's 'Group "
                    "or sole offence'."),
    ] + [(f"{COHORT_LABELS[k]} cases", sizes[k]) for k in COHORTS[:-1]]
    if published is not None and published.withheld:
        lines.append(("Not published", "Fewer cases than the minimum the configuration sets for publishing "
                                       "tables: only the cohort sizes are published."))
    for i, (label, value) in enumerate(lines, start=5):
        set_text(ws.cell(row=i, column=1), label)
        ws.cell(row=i, column=1).font = Font(bold=True)
        ws.cell(row=i, column=1).alignment = Alignment(vertical="top")
        cell = ws.cell(row=i, column=2)
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 44, 90
    for i in (8, 9):
        ws.row_dimensions[i].height = 32
    _print(ws, authority, published is not None)
    for tid, title, counts in TABLES:
        if not tables.get(tid):
            continue
        sheet = wb.create_sheet(_sheet_name(tid))
        _head(sheet, title, published is not None)
        last = _table(sheet, tid, tables[tid], sizes, published.totals.get(tid) if published else _sum(tables[tid]),
                      counts)
        note = _NOTES.get(tid)
        if note:
            set_text(sheet.cell(row=last + 2, column=1), note)
            sheet.cell(row=last + 2, column=1).font = Font(italic=True, size=9, color="595959")
        if published is not None:
            set_text(sheet.cell(row=last + 3, column=1), symbols)
            sheet.cell(row=last + 3, column=1).font = Font(italic=True, size=9)
            sheet.cell(row=last + 3, column=1).alignment = Alignment(wrap_text=True, vertical="top")
            sheet.merge_cells(start_row=last + 3, start_column=1, end_row=last + 3, end_column=len(COHORTS) + 1)
            sheet.row_dimensions[last + 3].height = 60
        if tid == "interventions_by_context":
            _chart(sheet, tables[tid], last + 5)
        elif tid == "gaps":
            _gap_chart(sheet, tables[tid], last + 5)
        _print(sheet, authority, published is not None)
    if published is None:
        _unaddressed(wb.create_sheet("Unaddressed (internal)"), profile, authority)
    try:
        wb.save(path)
    except OSError as e:
        raise ProfileError(f"{path}: cannot be written ({e.strerror or e}); if it is open in Excel, close it "
                           "and try again.") from None
    return path


def write_json(profile: Profile, path: Path, published: Published | None = None) -> Path:
    """{table: {row: {cohort: count}}} (counts or "c"), with the cohort sizes as "cohorts"."""
    data = (published or profile).as_json()
    try:
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    except OSError as e:
        raise ProfileError(f"{path}: cannot be written ({e.strerror or e}).") from None
    return path


def _sum(rows: dict) -> dict | None:
    return {k: sum(r[k] for r in rows.values()) for k in COHORTS}


_SHEETS = {"frameworks_by_site": "Sites", "incident_characteristics": "Incidents", "peer_relationships": "Peers",
           "interventions_by_context": "Interventions", "frameworks_with_intervention": "Contexts acted on",
           "factor_types": "Factor types", "factors": "Factors", "gaps": "Gaps", "hackett": "Hackett",
           "challenges": "Challenges", "rag": "Traffic lights"}


def _sheet_name(tid: str) -> str:
    return _SHEETS[tid]


def _head(ws, title: str, publishable: bool) -> None:
    set_text(ws["A1"], title)
    ws["A1"].font = Font(bold=True, size=13, color="1F3864")
    if publishable:
        set_text(ws["A2"], "Publishable: small numbers suppressed (see the symbols note at the foot).")
        ws["A2"].font = Font(italic=True)
    else:
        set_text(ws["A2"], INTERNAL)
        ws["A2"].font = Font(bold=True, color="C00000")
    ws["A3"] = f"Produced {dt.date.today():%d/%m/%Y} by SafeContext"
    ws["A3"].font = Font(italic=True, color="595959")


def _cohort_heading(k: str, sizes: dict) -> str:
    return f"{COHORT_LABELS[k]} (n={sizes[k]})"


def _table(ws, tid: str, rows: dict, sizes: dict, totals: dict | None, counts: str) -> int:
    """The table from row 5: a label column and one per cohort; returns its last row."""
    header = 5
    for j, text in enumerate(["Interventions" if counts == "interventions" else "Cases"] +
                             [_cohort_heading(k, sizes) for k in COHORTS], start=1):
        c = ws.cell(row=header, column=j)
        set_text(c, text)
        c.font, c.fill = Font(bold=True, color="FFFFFF"), _HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left" if j == 1 else "right")
    ws.row_dimensions[header].height = 32
    r = header
    for key, values in rows.items():
        r += 1
        label = row_label(tid, key)
        set_text(ws.cell(row=r, column=1), label)
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        if len(label) > 66:  # neither Excel nor LibreOffice grows a row for wrapped text on opening
            ws.row_dimensions[r].height = 15 * (len(label) // 66 + 1)
        for j, k in enumerate(COHORTS, start=2):
            _put(ws.cell(row=r, column=j), values[k])
    if counts == "interventions" and totals:
        r += 1
        set_text(ws.cell(row=r, column=1), "Total")
        ws.cell(row=r, column=1).font = Font(bold=True)
        for j, k in enumerate(COHORTS, start=2):
            _put(ws.cell(row=r, column=j), totals[k])
            ws.cell(row=r, column=j).font = Font(bold=True)
    ws.column_dimensions["A"].width = 72
    for j in range(2, len(COHORTS) + 2):
        ws.column_dimensions[get_column_letter(j)].width = 14
    ws.freeze_panes = ws.cell(row=header + 1, column=2)
    return r


def _put(cell, value) -> None:
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = int(value)
    cell.alignment = Alignment(horizontal="right", vertical="top")


def _chart(ws, rows: dict, top: int) -> None:
    """Interventions by context and cohort: grouped bars under the table (a "c" plots as nothing)."""
    chart = _bars("Interventions by context and cohort", "Interventions")
    chart.add_data(Reference(ws, min_col=2, max_col=4, min_row=5, max_row=5 + len(rows)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=6, max_row=5 + len(rows)))
    ws.add_chart(chart, f"A{top}")


def _gap_chart(ws, rows: dict, top: int) -> None:
    """All cases by context: recorded factors against interventions (the gap), a small table and its bars."""
    ws.row_breaks.append(Break(id=top - 1))  # the summary and its chart on a page of their own
    set_text(ws.cell(row=top, column=1), "All cases, by context")
    ws.cell(row=top, column=1).font = Font(bold=True)
    heads = ("Context", "With vulnerability or risk factors", "With an intervention", "Factors but no intervention")
    for j, text in enumerate(heads, start=1):
        c = ws.cell(row=top + 1, column=j)
        set_text(c, text)
        c.font, c.fill = Font(bold=True, color="FFFFFF"), _HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left" if j == 1 else "right")
    ws.row_dimensions[top + 1].height = 45
    contexts = list(dict.fromkeys(k.split(".")[0] for k in rows))
    for i, context in enumerate(contexts, start=top + 2):
        ws.cell(row=i, column=1, value=CONTEXT_LABELS[context])
        for j, part in ((2, "factors"), (3, "interventions"), (4, "unaddressed")):
            _put(ws.cell(row=i, column=j), rows[f"{context}.{part}"]["all"])
    chart = _bars("Factors recorded and acted on (all cases)", "Cases")
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=top + 1, max_row=top + 1 + len(contexts)),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 2, max_row=top + 1 + len(contexts)))
    ws.add_chart(chart, f"A{top + 3 + len(contexts)}")


def _bars(title: str, axis: str) -> BarChart:
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    chart.title, chart.y_axis.title = title, axis
    chart.x_axis.delete = chart.y_axis.delete = False  # Excel hides an axis that does not say so
    chart.legend.position = "b"
    chart.height, chart.width = 9, 16
    return chart


def _unaddressed(ws, profile: Profile, authority: str) -> None:
    _head(ws, "Cases with vulnerability or risk factors in a context but no intervention there", False)
    r = 5
    for j, text in enumerate(("Context", "Case references"), start=1):
        ws.cell(row=r, column=j, value=text).font = Font(bold=True)
    for context, refs in profile.unaddressed.items():
        r += 1
        ws.cell(row=r, column=1, value=context)
        set_text(ws.cell(row=r, column=2), ", ".join(refs) if refs else "none")
        ws.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    r += 2
    ws.cell(row=r, column=1, value="Overdue reviews").font = Font(bold=True)
    for ref, context, review in profile.overdue:
        r += 1
        ws.cell(row=r, column=1, value=ref)
        ws.cell(row=r, column=2, value=f"{context}: review date {review:%d/%m/%Y}")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 24, 100
    _print(ws, authority, False)


def _print(ws, authority: str, publishable: bool) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = MARKING if publishable else f"{MARKING} · INTERNAL"
    ws.oddFooter.left.text = authority.replace("&", "&&")
    ws.oddFooter.center.text = "&A"
    ws.oddFooter.right.text = "Page &P of &N"
