"""Review meetings: the next meeting's workbook prefilled from a case's last filed framework, and what
shifted between a case's last two meetings (S002:L3545: "identify where factors/behaviours/contexts have
shifted"). A case is every filed meeting with the same reference; only current versions are read."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from addin.catalogue.hsb_framework.declaration import CONTEXT_VALUES, FORM
from addin.catalogue.hsb_framework.factors import OTHER
from addin.store.identity import normal_number

ID = FORM.id
KEPT_OUT = ("person_id", "meeting_date")  # never copied into a workbook; a new meeting gets a new date


class ReviewError(Exception):
    """A review or comparison that cannot be made; str() is one line saying what to do."""


@dataclass
class Meeting:
    """One filed meeting of a case: its values and its tables' rows (column id -> value)."""

    values: dict
    tables: dict[str, list[dict]]

    @property
    def date(self) -> dt.date:
        return self.values["meeting_date"]


def _plain(v):
    """A value from the store as a form holds it: None for NaN, NaT and NA, dates as dates, whole numbers as int."""
    import pandas as pd

    if v is None or pd.isna(v):
        return None
    if hasattr(v, "to_pydatetime"):
        return v.to_pydatetime().date()
    if hasattr(v, "item"):  # numpy and pandas scalars
        v = v.item()
    return v


def cases(db) -> dict[str, list[Meeting]]:
    """Every case's current meetings, oldest first, by reference (as compared: spaces collapsed, upper case)."""
    from addin.store import load_records, load_table_rows

    records = load_records(db, form=ID)
    rows = {t.id: load_table_rows(db, t.id, form=ID) for t in FORM.tables}
    out: dict[str, list[Meeting]] = {}
    for rec in records.to_dict("records"):
        values = {f.id: _plain(rec[f.id]) for f in FORM.fields if f.id != "person_id"}
        values["record_id"], values["term"] = rec["record_id"], rec["term"]
        tables = {tid: [{c.id: _plain(r[c.id]) for c in FORM[tid].columns}
                        for r in df[df["record_id"] == rec["record_id"]].to_dict("records")]
                  for tid, df in rows.items()}
        out.setdefault(normal_number(values["reference"]), []).append(Meeting(values, tables))
    for meetings in out.values():
        meetings.sort(key=lambda m: (m.date, m.values["record_id"]))
    return out


def meetings_of(reference: str, db) -> list[Meeting]:
    found = cases(db).get(normal_number(reference) or "")
    if not found:
        raise ReviewError(f"no HSB framework with the reference {reference} is filed in the store. Check the "
                          "reference ('safecontext store status' shows what is filed), or file its meeting first "
                          "('safecontext ingest').")
    return found


def write_review(reference: str, path: Path, config, *, db=None, force: bool = False) -> tuple[Path, Meeting]:
    """The next meeting's workbook, prefilled from the case's last filed meeting: a Review, its date blank."""
    from addin.forms.fill import Filler

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ReviewError(f"{path}: the file name must end in .xlsx.")
    if path.is_dir():
        raise ReviewError(f"{path}: is a folder; give the workbook's file name, e.g. -o review.xlsx.")
    if path.exists() and not force:
        raise ReviewError(f"{path}: already exists. Choose another name or add --force to overwrite it.")
    last = meetings_of(reference, db or config.store)[-1]
    values = {f.id: last.values.get(f.id) for f in FORM.fields if f.id not in KEPT_OUT}
    values["meeting_type"] = "Review"
    filler = Filler(FORM, config)
    for tid, rows in last.tables.items():
        room = max(FORM[tid].rows, len(FORM[tid].preset))
        if len(rows) > room:
            raise ReviewError(f"the last meeting of {reference} has {len(rows)} rows of {FORM[tid].label}, more than "
                              f"a blank framework holds ({room}); the review workbook was not written.")
    try:
        filler.save(path, values, last.tables)
    except OSError as e:
        raise ReviewError(f"{path}: cannot be written ({e.strerror or e}).") from None
    return path, last


# --- what shifted -------------------------------------------------------------------------------------------

def _factor(row: dict) -> tuple[str, str]:
    """(context, what the factor is): its entry ('PEER-V02 - Gang association'), or 'Other: <description>'."""
    what = row["factor"] if row["factor"] != OTHER else f"Other: {row.get('other') or 'not described'}"
    return row["context"], what


def _intervention(row: dict) -> tuple[str, str]:
    return row["context"], " ".join(str(row["intervention"]).split()).casefold()


def _light(rag: str | None) -> str:
    return rag.split(" - ")[0] if rag else "no traffic light"


@dataclass
class Changes:
    """What shifted from one meeting of a case to the next (contexts in the table's order)."""

    reference: str
    before: Meeting
    after: Meeting
    hackett: tuple[str | None, str | None] | None = None      # (before, after) when it changed
    factors_added: list[tuple[str, str]] = field(default_factory=list)     # (context, entry or 'Other: ...')
    factors_removed: list[tuple[str, str]] = field(default_factory=list)
    lights_changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # context, intervention, from, to
    new_interventions: list[tuple[str, str, str]] = field(default_factory=list)    # context, intervention, light
    closed: list[tuple[str, str, str]] = field(default_factory=list)               # context, intervention, last light

    def lines(self) -> list[tuple[str, list[str]]]:
        """(heading, items) as the command and the tracker show them ('none' when nothing shifted)."""
        def by_context(pairs):
            return [f"{c}: {w}" for c, w in pairs]

        return [
            ("Hackett level", [f"{self.hackett[0] or 'none'} -> {self.hackett[1] or 'none'}"] if self.hackett else []),
            ("Factors added", by_context(self.factors_added)),
            ("Factors removed", by_context(self.factors_removed)),
            ("Traffic lights changed", [f"{c}: {i}: {a} -> {b}" for c, i, a, b in self.lights_changed]),
            ("New interventions", [f"{c}: {i} ({light})" for c, i, light in self.new_interventions]),
            ("Interventions closed", [f"{c}: {i} (was {light})" for c, i, light in self.closed]),
        ]


def _in_order(items, context=lambda x: x[0]):
    return sorted(items, key=lambda x: (CONTEXT_VALUES.index(context(x)), x))


def compare(reference: str, before: Meeting, after: Meeting) -> Changes:
    out = Changes(reference, before, after)
    if before.values.get("hackett_level") != after.values.get("hackett_level"):
        out.hackett = (before.values.get("hackett_level"), after.values.get("hackett_level"))
    was = {_factor(r) for r in before.tables["factors"] if r.get("factor")}
    now = {_factor(r) for r in after.tables["factors"] if r.get("factor")}
    out.factors_added, out.factors_removed = _in_order(now - was), _in_order(was - now)
    old = {_intervention(r): r for r in before.tables["interventions"] if r.get("intervention")}
    new = {_intervention(r): r for r in after.tables["interventions"] if r.get("intervention")}
    out.lights_changed = _in_order([(new[k]["context"], new[k]["intervention"], _light(old[k]["rag"]),
                                     _light(new[k]["rag"])) for k in new.keys() & old.keys()
                                    if old[k]["rag"] != new[k]["rag"]])
    out.new_interventions = _in_order([(r["context"], r["intervention"], _light(r["rag"]))
                                       for k, r in new.items() if k not in old])
    out.closed = _in_order([(r["context"], r["intervention"], _light(r["rag"]))
                            for k, r in old.items() if k not in new])
    return out


def changes(reference: str, db) -> Changes:
    """What shifted between the case's last two filed meetings."""
    meetings = meetings_of(reference, db)
    if len(meetings) < 2:
        raise ReviewError(f"only one meeting of {reference} is filed ({meetings[0].date:%d/%m/%Y}); file its review "
                          "meeting first ('safecontext hsb review' writes its workbook).")
    return compare(meetings[-1].values["reference"], meetings[-2], meetings[-1])
