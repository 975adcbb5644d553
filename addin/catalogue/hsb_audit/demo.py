"""The audit's part of the demo: three fictional agencies audit three rounds (T1, then six and twelve months on),
disagreeing on some statements; each round is merged and filed, an action plan is filed after T1 and T2, and the
progress report is written. Seeded: the same seed and date give the same workbooks."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from addin.catalogue.hsb_audit.declaration import FORM, scored
from addin.catalogue.hsb_audit.scores import tables_for
from addin.config import PARTNERSHIP, Config

EVIDENCE = ("Quarterly HSB data report to the partnership board", "Multi-agency case file audit of HSB referrals",
            "Training evaluation returns", "Service specification and contract monitoring",
            "Practitioner survey", "Feedback from children and families", "Referral pathway review minutes",
            "Schools' safeguarding audit (section 175/157)", "Supervision audit")
ASSURANCE = ("Partnership quality assurance subgroup", "Annual section 11 audit", "Internal audit programme")
ACTIONS = ("Agree a shared HSB data set and report it quarterly", "Commission multi-agency HSB training",
           "Review the HSB referral pathway with schools", "Set up reflective supervision for HSB practitioners",
           "Publish information for parents and carers", "Agree thresholds with education and health")
OWNERS = ("Partnership business manager", "Head of Early Help", "Designated safeguarding leads' network",
          "Principal social worker")
STATUSES = ("Done", "In progress", "In progress", "Not started")


@dataclass
class AuditDemo:
    paths: list[Path]          # every workbook written (agencies' audits, agreed audits, reports)
    report: Path               # the progress report after the last round
    rounds: int
    agencies: list[str]
    disagreements: int         # over all rounds


def _scores(rng: random.Random, base: dict, bias: int, lift: float) -> dict:
    """An agency's scores: the area's level for each statement, its own leaning, and the round's progress."""
    out = {}
    for k in scored():
        v = base[k] + bias + (1 if rng.random() < lift else 0) - (1 if rng.random() < 0.06 else 0)
        if rng.random() < 0.08:
            v += rng.choice((-2, 2))  # a real difference of view: these make the disagreements
        out[k] = max(0, min(4, v))
    return out


def _fill_plan(report: Path, rng: random.Random, later: bool, on: dt.date) -> None:
    """Write actions into the report's action plan, as the partnership lead would."""
    from openpyxl import load_workbook

    from addin.catalogue.hsb_audit.actions import PLAN_SHEET, PLAN_TABLE

    wb = load_workbook(report)
    ws = wb[PLAN_SHEET]
    rows = list(ws[ws.tables[PLAN_TABLE].ref])[1:]
    for i, row in enumerate(rows):
        if row[0].value is None:
            continue
        if row[3].value is None:
            row[3].value = ACTIONS[i % len(ACTIONS)]
            row[4].value = OWNERS[i % len(OWNERS)]
            row[5].value = on + dt.timedelta(days=90 + 30 * (i % 4))
            row[6].value = "Not started"
        elif later:
            row[6].value = rng.choice(STATUSES)
    wb.save(report)


def write_audit_demo(folder: Path, config: Config, db, today: dt.date | None = None, seed: int = 13) -> AuditDemo:
    """Three agencies' audits of three rounds in folder/audit, filed into `db` with the agreed audit of each round and
    two action plans; the progress report last. `config` must offer at least three agencies."""
    from addin.catalogue.hsb_audit.actions import file_plan, last_plan
    from addin.catalogue.hsb_audit.filed import filed_audits
    from addin.catalogue.hsb_audit.merge import run_merge
    from addin.catalogue.hsb_audit.progress import progress
    from addin.catalogue.hsb_audit.report import write_report
    from addin.checks.run import check_files
    from addin.forms.fill import Filler
    from addin.store.filing import file_batch

    today = today or dt.date.today()
    rng = random.Random(seed)
    agencies = [a for a in config.lists()["agencies"] if a != PARTNERSHIP][:3]
    if len(agencies) < 3:
        raise ValueError("the audit demo needs three agencies in the configuration")
    base = {k: rng.choice((1, 2, 2, 2, 3, 3)) for k in scored()}
    bias = dict(zip(agencies, (0, 1, 0)))
    filler, out = Filler(FORM, config), folder / "audit"
    paths, disagreements, report = [], 0, out / "hsb-audit-progress.xlsx"
    for i, (round_, when) in enumerate((("T1", today - dt.timedelta(days=364)), ("T2", today - dt.timedelta(days=182)),
                                       ("T3", today))):
        written = []
        for agency in agencies:
            scores = _scores(rng, base, bias[agency], lift=0.25 * i)
            evidence = {k: f"{rng.choice(EVIDENCE)} ({when:%B %Y})" for k in scores if rng.random() < 0.93}
            assurance = {k: rng.choice(ASSURANCE) for k in scores if rng.random() < 0.5}
            values = {"agency": agency, "round": round_, "round_date": when,
                      "completed_by_role": "Safeguarding lead", **{f"date_completed_{n}": when for n in range(1, 6)}}
            name = agency.lower().replace("'", "").replace(" ", "-")
            written.append(filler.save(out / round_ / f"hsb-audit-{round_}-{name}.xlsx", values,
                                       tables_for(scores, evidence, assurance)))
        file_batch(db, check_files(written, config), config)
        done = run_merge(round_, [], config, out=out / round_ / f"hsb-audit-{round_}-partnership.xlsx", db=db)
        disagreements += len(done.merged.disagreements)
        paths += [*written, done.path]
        p = progress(filed_audits(db), last_plan(db))
        path = write_report(p, out / f"hsb-audit-progress-{round_}.xlsx" if round_ != "T3" else report,
                            config.authority)
        paths.append(path)
        if round_ != "T3":
            _fill_plan(path, rng, later=i > 0, on=when)
            file_plan(db, path)
    return AuditDemo(paths, report, 3, agencies, disagreements)
