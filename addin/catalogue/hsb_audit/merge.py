"""The multi-agency merge: one agreed score per statement, the lowest of the agencies' (S004:L184: "we strongly
suggest using the lower score"), every disagreement of 2 points or more, every agency's evidence under its name.
The merged audit is written as an audit of its own (agency "Partnership (agreed)") and filed as the round's."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from addin.catalogue.hsb_audit.declaration import DOMAINS, FORM, domain_of, scored
from addin.catalogue.hsb_audit.scores import rows_of, tables_for
from addin.config import PARTNERSHIP, Config

SPREAD = 2  # points between the highest and lowest agency score that make a disagreement worth discussing


class MergeError(Exception):
    """Audits that cannot be merged; str() is one line saying what to do."""


@dataclass
class Audit:
    """One agency's (or the partnership's) audit for a round, as merged and reported."""

    agency: str
    round: str
    round_date: dt.date
    source: str                                  # its file name
    rows: dict[str, dict]                        # statement -> {score, evidence, assurance}
    completed: dict[int, dt.date | None] = field(default_factory=dict)  # domain -> date completed

    @property
    def scores(self) -> dict[str, int | None]:
        return {k: self.rows[k]["score"] if k in self.rows else None for k in scored()}


@dataclass
class Disagreement:
    statement: str
    scores: dict[str, int]                       # agency -> score, of the agencies that scored it

    @property
    def spread(self) -> int:
        return max(self.scores.values()) - min(self.scores.values())

    def said(self) -> str:
        return f"{self.statement} ({', '.join(f'{a} {s}' for a, s in self.scores.items())})"


@dataclass
class Merged:
    round: str
    round_date: dt.date
    agencies: list[str]
    scores: dict[str, int | None]                # statement -> the lowest score (None: no agency scored it)
    by_agency: dict[str, dict[str, int]]          # statement -> agency -> score
    disagreements: list[Disagreement]
    evidence: dict[str, str]                     # statement -> "Agency: evidence" lines
    assurance: dict[str, str]
    completed: dict[int, dt.date | None]

    def as_json(self) -> dict:
        return {"round": self.round, "agencies": self.agencies, "scores": self.scores,
                "disagreements": [{"statement": d.statement, "scores": d.scores, "spread": d.spread}
                                  for d in self.disagreements]}


def audit_of(result) -> Audit:
    """An Audit from a checked workbook (addin.checks.run.FileResult)."""
    v = result.values
    return Audit(v["agency"], v["round"], v["round_date"], Path(result.path).name, rows_of(result.tables),
                 {n: v.get(f"date_completed_{n}") for n, _, _ in DOMAINS})


def merge(audits: list[Audit], round_: str) -> Merged:
    """The agreed scores of one round from its agencies' audits (the partnership's own is never an input)."""
    if not audits:
        raise MergeError(f"there are no agencies' audits for round {round_} to merge.")
    wrong = [a for a in audits if a.round != round_]
    if wrong:
        raise MergeError(f"{wrong[0].source} is the {wrong[0].agency} audit for round {wrong[0].round}, not "
                         f"{round_}; merge one round at a time.")
    agreed = [a for a in audits if a.agency == PARTNERSHIP]
    if agreed:
        raise MergeError(f"{agreed[0].source} is the partnership's agreed audit, not an agency's; leave it out.")
    seen = {}
    for a in audits:
        if a.agency in seen:
            raise MergeError(f"{seen[a.agency]} and {a.source} are both the {a.agency} audit for round {round_}; "
                             "keep the right one (a corrected audit replaces the other when filed).")
        seen[a.agency] = a.source
    audits = sorted(audits, key=lambda a: a.agency)
    by_agency, scores, evidence, assurance, disagreements = {}, {}, {}, {}, []
    for k in scored():
        given = {a.agency: a.rows[k]["score"] for a in audits if a.rows.get(k, {}).get("score") is not None}
        by_agency[k] = given
        scores[k] = min(given.values()) if given else None
        if given and max(given.values()) - min(given.values()) >= SPREAD:
            disagreements.append(Disagreement(k, given))
        for out, part in ((evidence, "evidence"), (assurance, "assurance")):
            lines = [f"{a.agency}: {a.rows[k][part]}" for a in audits if a.rows.get(k, {}).get(part)]
            if lines:
                out[k] = "\n".join(lines)
    completed = {n: max((a.completed.get(n) for a in audits if a.completed.get(n)), default=None)
                 for n, _, _ in DOMAINS}
    return Merged(round_, max(a.round_date for a in audits), [a.agency for a in audits], scores, by_agency,
                  disagreements, evidence, assurance, completed)


def comments(m: Merged, n: int) -> str:
    """What the merged audit says about domain n: who scored it and where they differ."""
    left = [d.said() for d in m.disagreements if domain_of(d.statement) == n]
    text = f"The lowest of the scores of {', '.join(m.agencies)} (safecontext audit merge)."
    return text + (f" Disagreements of {SPREAD} points or more: {'; '.join(left)}." if left else "")


def write_merged(m: Merged, path: Path, config: Config) -> Path:
    """The merged audit as a workbook of the audit form, ready to be checked and filed as any audit is."""
    from addin.forms.fill import Filler

    values = {"agency": PARTNERSHIP, "round": m.round, "round_date": m.round_date,
              "completed_by_role": f"Agreed from {len(m.agencies)} agencies' audits"}
    for n, _, _ in DOMAINS:
        values[f"comments_{n}"] = comments(m, n)
        values[f"date_completed_{n}"] = m.completed.get(n)
    from addin.catalogue.hsb_audit.declaration import TEXT
    from addin.catalogue.hsb_audit.summary import WIDTHS, score_cell
    from addin.forms.blank import _fit_row

    filler = Filler(FORM, config)
    wb = filler.fill(values, tables_for(m.scores, m.evidence, m.assurance))
    for k in scored():  # rows tall enough for every agency's evidence
        row = int(score_cell(filler.layout, k)[1:])
        _fit_row(filler.ws, row, (TEXT[k], WIDTHS["C"], 11), (m.evidence.get(k), WIDTHS["E"], 11),
                 (m.assurance.get(k), WIDTHS["F"], 11))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@dataclass
class MergeRun:
    merged: Merged
    path: Path                                   # the merged audit written
    filing: object                               # the store's Filing of it (addin.store.filing.Filing)
    url: str                                     # the store, password hidden


def run_merge(round_: str, paths: list[Path], config: Config, out: Path | None = None, db=None) -> MergeRun:
    """Merge the round's audits (these files, else the agencies' audits filed for the round), write the merged
    audit and file it as the partnership's for the round. Raises MergeError or StoreError."""
    from addin.checks.run import check_files, expand
    from addin.store.filing import file_batch

    target = db or config.store
    if paths:
        results = check_files(expand(paths), config, expect=FORM.id)
        for r in results:
            if r.read_error:
                raise MergeError(f"{r.path}: {r.read_error}")
            if r.errors:
                raise MergeError(f"{r.path}: it has {len(r.errors)} error(s) ({r.errors[0]}); correct them "
                                 "('safecontext validate' lists them all), then merge again.")
        audits = [audit_of(r) for r in results]
    else:
        from addin.catalogue.hsb_audit.filed import filed_audits

        audits = [a for a in filed_audits(target, round_) if a.agency != PARTNERSHIP]
        if not audits:
            raise MergeError(f"no agency's audit for round {round_} is filed in the store; file them with "
                             "'safecontext ingest', or give the audit files to merge.")
    merged = merge(audits, round_)
    path = write_merged(merged, out or Path(f"hsb-audit-{round_}-partnership.xlsx"), config)
    (result,) = check_files([path], config, expect=FORM.id)
    if result.errors:  # a merge of valid audits cannot have errors; never file one that has
        raise MergeError(f"{path}: the merged audit has errors ({result.errors[0]}); it was not filed.")
    report = file_batch(target, [result], config)
    return MergeRun(merged, path, report.filings[0], report.url)
