"""The PGI tracker: every request and what it waits for (internal), and termly counts for the pilot's
evaluation questions (publishable: small numbers suppressed as in the matrix).

Sheets: **Requests** (internal, an Excel table): reference, term, agencies, type of assessment,
dates, status (Open, Overdue, Returned, Returned with nothing), days outstanding, days to
return, feedback sent, a change not yet acknowledged, and the action needed. **Counts**
(publishable): per term, requests by requesting agency and by provider type, returned, returned
with nothing, not yet returned, median days from request to return, and the share of feedback
saying the information informed the assessment. No names, and no peer name, ever: they are not in the
requests table this reads.
"""
from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from addin.forms.blank import _fit_row

MARKING = "OFFICIAL – SENSITIVE"
INTERNAL = ("INTERNAL: for the requesting teams only. It lists every request by reference; do not share it "
            "outside them. The Counts sheet is the one that can be published.")
REQUEST_COLUMNS = ("Reference", "Term", "Requesting agency", "Provider agency", "Type of assessment",
                   "Date requested", "Return by", "Date returned", "Status", "Days outstanding", "Days to return",
                   "Feedback sent", "Change to acknowledge", "What changed", "Action needed")


def status(row, today: dt.date) -> str:
    if row["record_id"] is not None and row["record_id"] == row["record_id"]:
        return "Returned with nothing" if row["returned_nothing"] else "Returned"
    return "Overdue" if today > row["return_by"] else "Open"


def _day(v):
    if v is None or v != v:
        return None
    return v.date() if isinstance(v, dt.datetime) else v


def request_rows(df, today: dt.date) -> list[tuple]:
    """One row per request, as the Requests sheet shows it."""
    rows = []
    for r in df.to_dict("records"):
        st = status(r, today)
        requested, returned = _day(r["date_requested"]), _day(r["date_returned"])
        feedback = _day(r["feedback_at"])
        unseen = r["changed_at"] is not None and r["changed_at"] == r["changed_at"] and \
            (r["change_seen_at"] is None or r["change_seen_at"] != r["change_seen_at"])
        if st in ("Open", "Overdue"):
            action = "Chase the return" if st == "Overdue" else ""
        elif unseen:
            action = "Acknowledge the change ('safecontext pgi acknowledge')"
        elif feedback is None:
            action = "Send feedback ('safecontext pgi feedback')"
        else:
            action = ""
        rows.append((r["reference"], r["term"], r["requester_agency"], r["provider_agency"], r["assessment_type"],
                     requested, _day(r["return_by"]), returned, st,
                     (today - requested).days if st in ("Open", "Overdue") else None,
                     (returned - requested).days if returned else None,
                     feedback if feedback else "Not yet" if st.startswith("Returned") else None,
                     "Yes" if unseen else None, r["changed_parts"] if unseen else None, action or None))
    return rows


def counts(df, config) -> tuple[list[str], list[tuple[str, list]], str]:
    """(terms, [(row label, value per term)], note): the publishable counts, suppressed."""
    import pandas as pd

    from addin.forms import get_form
    from addin.suppression import SUPPRESSED, suppress_series, symbols_note

    form = get_form("pgi")
    requesting = [c for c in form["requester_agency"].choices]
    providers = [c for c in form["provider_agency"].choices]
    threshold, minimum = config.suppression_threshold, config.minimum_publishable_total
    terms = sorted(set(df["term"]), key=lambda t: (t[:4], ("spring", "summer", "autumn").index(t[5:])))
    lines: dict[str, list] = {}
    notes = []
    for term in terms:
        d = df[df["term"] == term]
        n = len(d)
        returned = d["record_id"].notna()
        nothing = returned & d["returned_nothing"].fillna(False).astype(bool)
        fed = d["feedback_at"].notna()
        groups = {
            "Requests by requesting agency: ": pd.Series([int((d["requester_agency"] == a).sum()) for a in requesting],
                                                         index=requesting),
            "Requests to provider: ": pd.Series([int((d["provider_agency"] == a).sum()) for a in providers],
                                                index=providers),
            "": pd.Series([int((returned & ~nothing).sum()), int(nothing.sum()), int((~returned).sum())],
                          index=["Returned with information", "Returned with nothing (not aware of peers)",
                                 "Not yet returned"]),
        }
        headline_only = n < minimum
        hide_total = False
        shown = {}
        for _ in range(3):  # the total is one number: hidden in one table, hidden in all
            shown = {k: suppress_series(s, threshold, total=n, hide_total=hide_total) for k, s in groups.items()}
            if hide_total or not any(t == SUPPRESSED for _, t in shown.values()):
                break
            hide_total = True
        total = SUPPRESSED if hide_total or 0 < n < threshold else n
        lines.setdefault("Requests", []).append(total)
        for prefix, (values, _) in shown.items():
            for label, v in values.items():
                lines.setdefault(prefix + label, []).append("–" if headline_only else v)
        days = [(r - q).days for q, r in zip(d.loc[returned, "date_requested"], d.loc[returned, "date_returned"])]
        median = round(statistics.median(days), 1) if days else None
        ok = not headline_only and len(days) >= threshold
        lines.setdefault("Median days from request to return", []).append(
            (median if median is not None else "–") if ok else ("–" if headline_only or not days else SUPPRESSED))
        informed = int(d.loc[fed, "informed"].fillna(False).astype(bool).sum())
        share = f"{100 * informed / int(fed.sum()):.0f}%" if fed.any() else "–"
        ok = not headline_only and int(fed.sum()) >= threshold and (informed == 0 or informed >= threshold) and \
            (int(fed.sum()) - informed == 0 or int(fed.sum()) - informed >= threshold)
        lines.setdefault("Feedback given: information informed the assessment", []).append(
            "–" if headline_only else share if ok or share == "–" else SUPPRESSED)
        if headline_only:
            notes.append(f"{term} had fewer than {minimum} requests, so only the number of requests is published.")
    note = " ".join([symbols_note(threshold, "from the term's number of requests and its other counts"),
                     "– = none to count, or not published."] + notes)
    return terms, list(lines.items()), note


def _head(ws, title: str, banner: str, red: bool) -> None:
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13, color="1F3864")
    ws["A2"] = banner
    ws["A2"].font = Font(bold=True, color="C00000") if red else Font(italic=True)
    ws["A3"] = f"Produced {dt.date.today():%d/%m/%Y} by SafeContext"
    ws["A3"].font = Font(italic=True, color="595959")


def _print(ws, authority: str, internal: bool, paper: int = 9) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = paper  # 9: A4, 8: A3
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = MARKING + (" – INTERNAL" if internal else "")
    ws.oddFooter.left.text = authority.replace("&", "&&")
    ws.oddFooter.right.text = "Page &P of &N"


def write_tracker(path: Path, config, *, db: str | None = None, today: dt.date | None = None) -> Path:
    from addin.catalogue.pgi.loop import RequestError, load_requests

    today = today or dt.date.today()
    if path.is_dir():
        raise RequestError(f"{path}: is a folder; give the workbook's file name, e.g. -o pgi-tracker.xlsx.")
    df = load_requests(db or config.store)
    wb = Workbook()
    ws = wb.active
    ws.title = "Requests"
    _head(ws, f"PGI requests – {config.authority}", INTERNAL, red=True)
    rows = request_rows(df, today)
    for j, h in enumerate(REQUEST_COLUMNS, start=1):
        ws.cell(row=5, column=j, value=h).font = Font(bold=True)
    amber = PatternFill("solid", fgColor="FFE699")
    for i, row in enumerate(rows, start=6):
        for j, v in enumerate(row, start=1):
            c = ws.cell(row=i, column=j, value=v)
            if isinstance(v, dt.date):
                c.number_format = "dd/mm/yyyy"
        if row[8] == "Overdue" or row[12] == "Yes":
            for j in range(1, len(REQUEST_COLUMNS) + 1):
                ws.cell(row=i, column=j).fill = amber
    if rows:
        ref = f"A5:{get_column_letter(len(REQUEST_COLUMNS))}{5 + len(rows)}"
        t = Table(displayName="Requests", ref=ref)
        t.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(t)
    else:
        ws["A6"] = "No PGI requests are recorded yet ('safecontext pgi request')."
    widths = [{"Reference": 15, "Term": 13, "Requesting agency": 22, "Provider agency": 33, "Type of assessment": 24,
               "Status": 24, "What changed": 40, "Action needed": 34}.get(h, 12) for h in REQUEST_COLUMNS]
    for j, (h, w) in enumerate(zip(REQUEST_COLUMNS, widths), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
        ws.cell(row=5, column=j).alignment = Alignment(wrap_text=True, vertical="bottom")
    for i, row in enumerate(rows, start=6):
        for c in ws[i]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        # tall enough for its wrapped text: neither Excel nor LibreOffice grows a row when opening a file
        _fit_row(ws, i, *[(v, w, 11) for v, w in zip(row, widths) if isinstance(v, str)])
    ws.row_dimensions[5].height = 30
    ws.freeze_panes = "B6"
    ws.print_title_rows = "5:5"  # the headings on every page
    _print(ws, config.authority, internal=True, paper=8)  # A3: fifteen columns are too small to read on A4

    cs = wb.create_sheet("Counts")
    _head(cs, f"PGI requests by term – {config.authority}",
          "Publishable: small numbers suppressed (see the symbols note at the foot).", red=False)
    terms, lines, note = counts(df, config) if len(df) else ([], [], "")
    cs.cell(row=5, column=1, value="Count").font = Font(bold=True)
    for j, term in enumerate(terms, start=2):
        cs.cell(row=5, column=j, value=term).font = Font(bold=True)
        cs.cell(row=5, column=j).alignment = Alignment(horizontal="right")  # over its numbers
    r = 6
    for label, values in lines:
        cs.cell(row=r, column=1, value=label)
        for j, v in enumerate(values, start=2):
            c = cs.cell(row=r, column=j)
            if isinstance(v, str) and v.endswith("%"):
                c.value, c.number_format = float(v[:-1]) / 100, "0%"
            else:
                c.value = v
            c.alignment = Alignment(horizontal="right")
        r += 1
    if note:
        cs.cell(row=r + 1, column=1, value=note).alignment = Alignment(wrap_text=True, vertical="top")
        cs.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=max(4, len(terms) + 1))
        cs.row_dimensions[r + 1].height = 75
    cs.column_dimensions["A"].width = 62
    for j in range(2, len(terms) + 2):
        cs.column_dimensions[get_column_letter(j)].width = 14
    _print(cs, config.authority, internal=False)
    try:
        wb.save(path)
    except OSError as e:
        raise RequestError(f"{path}: cannot be written ({e.strerror or e}).") from None
    return path
