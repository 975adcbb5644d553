"""The progress report workbook: domain means per round with the change between rounds, a radar of the rounds and
a bar chart of the change; every statement's scores, the falls, the focus areas, the agencies' spread; and the
Action plan sheet (an Excel Table 'action_plan'), to be filled in and filed back ('safecontext audit actions')."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from addin.catalogue.hsb_audit.actions import PLAN_HEADERS, PLAN_ROUND, PLAN_SHEET, PLAN_TABLE, STATUSES
from addin.catalogue.hsb_audit.declaration import DOMAINS, TEXT, domain_of, scored
from addin.catalogue.hsb_audit.progress import Progress
from addin.catalogue.hsb_audit.summary import radar
from addin.forms.blank import _fit_row, _font
from addin.reports.sheets import WRAP, heads, number, title

_INPUT = PatternFill("solid", fgColor="FFFDE7")


def write_report(p: Progress, path: Path, authority: str) -> Path:
    wb = Workbook()
    _progress_sheet(wb.active, p, authority)
    _statements_sheet(wb.create_sheet("Statements"), p)
    _falls_sheet(wb.create_sheet("Falls"), p)
    _focus_sheet(wb.create_sheet("Focus areas"), p)
    _plan_sheet(wb, p)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _progress_sheet(ws, p: Progress, authority: str) -> None:
    ws.title = "Progress"
    rounds = ", ".join(f"{r} ({p.dates[r]:%d/%m/%Y})" for r in p.rounds)
    title(ws, "NSPCC HSB framework audit: progress", f"{authority} · the partnership's agreed scores · {rounds}")
    if p.merged_now:
        ws["B3"] = (f"No agreed audit is filed for {', '.join(p.merged_now)}: its scores are the lowest of the "
                    "agencies' filed audits, worked out for this report ('safecontext audit merge' files them).")
        ws["B3"].font = _font(italic=True, color="C00000")
    head = 5
    changes = [f"{a}→{b}" for a, b in p.changes]
    heads(ws, head, ["Domain", *p.rounds, *changes], [18] + [9] * (len(p.rounds) + len(changes)))
    for i, (n, short, _) in enumerate(DOMAINS):
        r = head + 1 + i
        ws.cell(row=r, column=2, value=f"{n}. {short}")
        for j, rd in enumerate(p.rounds):
            number(ws.cell(row=r, column=3 + j), p.means[rd][n])
        for j, (a, b) in enumerate(p.changes):
            number(ws.cell(row=r, column=3 + len(p.rounds) + j), p.change(a, b)[n], "+0.00;-0.00;0.00")
    total = head + 1 + len(DOMAINS)
    ws.cell(row=total, column=2, value="All statements").font = _font(bold=True)
    for j, rd in enumerate(p.rounds):
        number(ws.cell(row=total, column=3 + j), p.overall(rd))
    for j, (a, b) in enumerate(p.changes):
        x, y = p.overall(a), p.overall(b)
        number(ws.cell(row=total, column=3 + len(p.rounds) + j), None if x is None or y is None else y - x,
             "+0.00;-0.00;0.00")
    ws.cell(row=total + 2, column=2, value=(
        "Means of the scored statements (0-4): domains 3 and 5 have 8 statements, the others 10, so sums would not "
        "compare. A round's scores are the lowest of the agencies' (the NSPCC's advice where they differ).")).font = \
        _font(italic=True, size=9, color="595959")
    last = head + len(DOMAINS)
    chart = radar(ws, head, last, "Domain means by round (0-4)", tuple(range(3, 3 + len(p.rounds))))
    ws.add_chart(chart, "B16")
    if p.changes:
        bar = BarChart()
        bar.type, bar.title = "col", "Change in domain means between rounds"
        first = 3 + len(p.rounds)
        bar.add_data(Reference(ws, min_col=first, max_col=first + len(p.changes) - 1, min_row=head, max_row=last),
                     titles_from_data=True)
        bar.set_categories(Reference(ws, min_col=2, min_row=head + 1, max_row=last))
        bar.y_axis.title = "change in mean score"
        bar.x_axis.tickLblPos = "low"  # the domain names below the chart, not over the falls
        bar.y_axis.number_format = "+0.0;-0.0;0"
        bar.x_axis.delete = bar.y_axis.delete = False
        bar.height, bar.width = 11, 16
        ws.add_chart(bar, "K16")


def _statements_sheet(ws, p: Progress) -> None:
    latest = p.latest
    agencies = sorted(p.agencies.get(latest, {}))
    since = f"Change: {p.changes[-1][0]} to {p.changes[-1][1]}. " if p.changes else ""
    title(ws, "Every statement's agreed score by round", f"{since}Agencies' scores and spread: round {latest}.")
    headings = ["Statement", "Domain", *p.rounds, "Change", "Fell", "Focus area", *agencies, "Lowest", "Highest",
             "Spread"]
    heads(ws, 4, headings, [10, 8] + [7] * (len(p.rounds) + 3) + [16] * len(agencies) + [8, 8, 8])
    focus = set(p.focus)
    fell = {(f.statement, f.after_round) for f in p.falls}
    for i, k in enumerate(scored()):
        r = 5 + i
        row = [k, domain_of(k), *(p.scores[rd].get(k) for rd in p.rounds)]
        if p.changes:
            a, b = p.changes[-1]
            x, y = p.scores[a].get(k), p.scores[b].get(k)
            row.append(None if x is None or y is None else y - x)
        else:
            row.append(None)
        row += ["Yes" if (k, latest) in fell else None, "Yes" if k in focus else None]
        row += [p.agencies[latest][a].get(k) for a in agencies]
        lo_hi = p.spread(latest, k)
        row += [*(lo_hi or (None, None)), lo_hi[1] - lo_hi[0] if lo_hi else None]
        for j, v in enumerate(row):
            c = ws.cell(row=r, column=2 + j, value=v)
            c.alignment = Alignment(horizontal="left" if j == 0 else "center")
    ws.freeze_panes = "C5"


def _falls_sheet(ws, p: Progress) -> None:
    title(ws, "Statements whose agreed score fell", "Between each round and the next.")
    heads(ws, 4, ["Statement", "Domain", "From round", "To round", "Score before", "Score after", "Change"],
           [10, 8, 10, 10, 10, 10, 10])
    for i, f in enumerate(p.falls):
        for j, v in enumerate((f.statement, domain_of(f.statement), f.before_round, f.after_round, f.before, f.after,
                               f.after - f.before)):
            ws.cell(row=5 + i, column=2 + j, value=v).alignment = Alignment(horizontal="center" if j else "left")
    if not p.falls:
        ws["B5"] = "No statement's agreed score fell."


def _focus_sheet(ws, p: Progress) -> None:
    title(ws, f"Focus areas after round {p.latest}",
           "The lowest-scoring statements: those scored 0 or 1 (very little evidence or less), else those with the "
           "round's lowest score. They start the action plan.")
    heads(ws, 4, ["Statement", "Domain", "Statement text", f"Score {p.latest}", "Agencies' lowest", "Highest"],
           [10, 8, 90, 10, 10, 10])
    for i, k in enumerate(p.focus):
        lo_hi = p.spread(p.latest, k) or (None, None)
        for j, v in enumerate((k, domain_of(k), TEXT[k], p.scores[p.latest][k], *lo_hi)):
            c = ws.cell(row=5 + i, column=2 + j, value=v)
            c.alignment = WRAP if j == 2 else Alignment(horizontal="center" if j else "left", vertical="top")
        _fit_row(ws, 5 + i, (TEXT[k], 90, 11))


def _plan_sheet(wb, p: Progress) -> None:
    ws = wb.create_sheet(PLAN_SHEET)
    title(ws, f"Action plan after round {p.latest}",
           "Fill in an action, its owner (a role or agency, never a person's name), due date and status for each "
           "focus area; then file it: safecontext audit actions THIS-FILE.xlsx. The next report carries it.")
    ws["B3"] = "Round:"
    ws["C3"] = p.latest
    wb.defined_names[PLAN_ROUND] = DefinedName(PLAN_ROUND, attr_text=f"'{PLAN_SHEET}'!$C$3")
    head = 5
    heads(ws, head, PLAN_HEADERS, [10, 60, 9, 50, 24, 12, 14, 10])
    rows = p.actions or [{"statement": None}]
    for i, a in enumerate(rows):
        r = head + 1 + i
        k = a.get("statement")
        values = (k, TEXT.get(k), p.scores[p.latest].get(k) if k else None, a.get("action"), a.get("owner"),
                  a.get("due_date"), a.get("status"), a.get("round"))
        for j, v in enumerate(values):
            c = ws.cell(row=r, column=2 + j, value=v)
            c.alignment = WRAP
            if 3 <= j <= 6:
                c.fill = _INPUT
            if j == 5:
                c.number_format = "dd/mm/yyyy"
        _fit_row(ws, r, (values[1], 60, 11), (values[3], 50, 11), (values[4], 24, 11))
    last = head + len(rows)
    table = Table(displayName=PLAN_TABLE, ref=f"B{head}:I{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    status = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
    status.error, status.errorTitle, status.showErrorMessage = "Pick a status from the list.", "SafeContext", True
    ws.add_data_validation(status)
    status.add(f"H{head + 1}:H{last + 200}")
    due = DataValidation(type="date", operator="greaterThan", formula1="32874", allow_blank=True)  # after 1990
    due.error, due.errorStyle, due.showErrorMessage = "Please enter a date as dd/mm/yyyy.", "warning", True
    ws.add_data_validation(due)
    due.add(f"G{head + 1}:G{last + 200}")
