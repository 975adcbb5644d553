"""Filing audits by agency and round, and the multi-agency merge at the lowest score, cell by cell."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from addin.catalogue.hsb_audit.declaration import SCORES, scored
from addin.catalogue.hsb_audit.merge import Audit, MergeError, merge
from addin.catalogue.hsb_audit.scores import tables_for
from addin.catalogue.hsb_audit.summary import score_cell
from addin.config import PARTNERSHIP

POLICE, HEALTH, SCHOOLS = "Ashbridge Police", "Ashbridge Health", "Ashbridge Schools"
# Three agencies' T1 scores where they matter; every other statement is scored 3 by all.
KNOWN = {
    POLICE: {"1.3": 4, "1.4": 3, "2.5": 0, "5.8": 2},
    HEALTH: {"1.3": 2, "1.4": 3, "2.5": 2, "5.8": None},   # Health left 5.8 unscored
    SCHOOLS: {"1.3": 1, "1.4": 2, "2.5": 1, "5.8": 4},
}


def scores_of(agency: str, base: int = 3) -> dict:
    return {k: base for k in scored()} | KNOWN[agency]


def evidence_of(agency: str) -> dict:
    return {k: f"{agency.split()[1]} evidence {k}" for k, v in scores_of(agency).items() if v is not None}


def values(agency: str, round_: str = "T1", day: int = 5) -> dict:
    return {"agency": agency, "round": round_, "round_date": dt.date(2026, 10, day),
            "completed_by_role": "Safeguarding lead", "date_completed_1": dt.date(2026, 10, day)}


def _audit(agency: str) -> Audit:
    rows = {k: {"score": s, "evidence": evidence_of(agency).get(k), "assurance": None}
            for k, s in scores_of(agency).items()}
    return Audit(agency, "T1", dt.date(2026, 10, 5), f"{agency}.xlsx", rows)


def test_the_merge_takes_the_lowest_score_and_lists_spreads_of_two_or_more():
    m = merge([_audit(POLICE), _audit(HEALTH), _audit(SCHOOLS)], "T1")
    assert m.agencies == [HEALTH, POLICE, SCHOOLS]
    assert (m.scores["1.3"], m.scores["1.4"], m.scores["2.5"], m.scores["5.8"], m.scores["1.1"]) == (1, 2, 0, 2, 3)
    assert "1.6" not in m.scores and len(m.scores) == 46  # a stem is never scored
    assert [(d.statement, d.scores, d.spread) for d in m.disagreements] == [
        ("1.3", {HEALTH: 2, POLICE: 4, SCHOOLS: 1}, 3),
        ("2.5", {HEALTH: 2, POLICE: 0, SCHOOLS: 1}, 2),
        ("5.8", {POLICE: 2, SCHOOLS: 4}, 2)]  # 1.4 (3, 3, 2) differs by one point only
    assert m.evidence["1.3"] == ("Ashbridge Health: Health evidence 1.3\nAshbridge Police: Police evidence 1.3\n"
                                 "Ashbridge Schools: Schools evidence 1.3")
    assert m.evidence["5.8"] == "Ashbridge Police: Police evidence 5.8\nAshbridge Schools: Schools evidence 5.8"


def test_a_merge_refuses_mixed_rounds_twice_the_same_agency_and_the_partnerships_own():
    t2 = _audit(HEALTH)
    t2.round = "T2"
    with pytest.raises(MergeError, match=r"^Ashbridge Health.xlsx is the Ashbridge Health audit for round T2, not T1; "
                                         r"merge one round at a time.$"):
        merge([_audit(POLICE), t2], "T1")
    with pytest.raises(MergeError, match=r"^Ashbridge Police.xlsx and Ashbridge Police.xlsx are both the Ashbridge "
                                         r"Police audit for round T1; keep the right one"):
        merge([_audit(POLICE), _audit(POLICE)], "T1")
    agreed = _audit(POLICE)
    agreed.agency = PARTNERSHIP
    with pytest.raises(MergeError, match="is the partnership's agreed audit, not an agency's; leave it out."):
        merge([agreed], "T1")


@pytest.fixture
def three(fillers, tmp_path):
    """The three agencies' T1 audits as workbooks in a folder."""
    folder = tmp_path / "t1"
    filler = fillers("hsb-audit")
    for i, agency in enumerate((POLICE, HEALTH, SCHOOLS)):
        filler.save(folder / f"{agency.split()[1].lower()}.xlsx", values(agency, day=5 + i),
                    tables_for(scores_of(agency), evidence_of(agency)))
    return folder


def test_merge_writes_the_agreed_audit_and_files_it_as_the_partnerships(three, tmp_path, cli, config_file, fillers):
    from addin.store import load_records, load_table_rows

    db, merged = tmp_path / "store.sqlite", tmp_path / "agreed.xlsx"
    code, out, err = cli("audit", "merge", "--round", "T1", three, "-o", merged, "--db", db, "--config", config_file,
                         "--json", tmp_path / "m.json")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Merged the T1 audits of 3 agencies (Ashbridge Health, Ashbridge Police, Ashbridge Schools): each statement "
        "takes the lowest of their scores.",
        "Disagreements of 2 points or more: 3",
        "  1.3: Ashbridge Health 2, Ashbridge Police 4, Ashbridge Schools 1",
        "  2.5: Ashbridge Health 2, Ashbridge Police 0, Ashbridge Schools 1",
        "  5.8: Ashbridge Police 2, Ashbridge Schools 4",
        f"Wrote the partnership's audit for T1 to {merged}; filed in sqlite:///{db} (version 1)."]
    layout = fillers("hsb-audit").layout
    ws = load_workbook(merged)["Audit"]
    cell = {k: score_cell(layout, k) for k in ("1.3", "1.4", "1.6", "2.5", "5.8")}
    assert {k: ws[c].value for k, c in cell.items()} == {"1.3": SCORES[1], "1.4": SCORES[2], "1.6": None,
                                                         "2.5": SCORES[0], "5.8": SCORES[2]}
    evidence = ws[cell["1.3"].replace("D", "E")].value
    assert evidence == ("Ashbridge Health: Health evidence 1.3\nAshbridge Police: Police evidence 1.3\n"
                        "Ashbridge Schools: Schools evidence 1.3")
    assert ws[layout.cells["agency"]].value == PARTNERSHIP and ws[layout.cells["round"]].value == "T1"
    assert ws[layout.cells["round_date"]].value.date() == dt.date(2026, 10, 7)  # the latest agency's
    assert ws[layout.cells["comments_1"]].value == (
        "The lowest of the scores of Ashbridge Health, Ashbridge Police, Ashbridge Schools (safecontext audit merge). "
        "Disagreements of 2 points or more: 1.3 (Ashbridge Health 2, Ashbridge Police 4, Ashbridge Schools 1).")
    filed = load_records(db, form="hsb-audit")
    assert list(filed["agency"]) == [PARTNERSHIP] and list(filed["round"]) == ["T1"]
    rows = load_table_rows(db, "domain_1", form="hsb-audit")
    assert dict(zip(rows["statement"], rows["score"]))["1.3"] == SCORES[1]
    assert json.loads((tmp_path / "m.json").read_text())["disagreements"][0] == {
        "statement": "1.3", "scores": {HEALTH: 2, POLICE: 4, SCHOOLS: 1}, "spread": 3}
    # Merging again from what is filed (no files given) is the same agreement: nothing new is filed.
    code, out, _ = cli("ingest", three, "--db", db, "--config", config_file)
    assert code == 0, out
    assert cli("audit", "merge", "--round", "T1", "-o", merged, "--db", db, "--config", config_file) == (
        2, "", f"safecontext: {merged} exists; give another -o FILE, or --force to replace it.\n")
    code, out, _ = cli("audit", "merge", "--round", "T1", "-o", merged, "--force", "--db", db, "--config",
                       config_file)
    assert code == 0 and out.splitlines()[-1] == (f"Wrote the partnership's audit for T1 to {merged}; unchanged in "
                                                  f"sqlite:///{db} (version 1): same content as the current version.")


def test_an_audit_is_the_same_record_for_its_agency_and_round(fillers, tmp_path, cfg, check):
    from addin.checks.run import check_files
    from addin.store import file_batch, load_records

    filler, db = fillers("hsb-audit"), tmp_path / "store.sqlite"
    first = filler.save(tmp_path / "p1.xlsx", values(POLICE), tables_for(scores_of(POLICE), evidence_of(POLICE)))
    corrected = filler.save(tmp_path / "p1b.xlsx", values(POLICE),
                            tables_for(scores_of(POLICE) | {"1.1": 1}, evidence_of(POLICE)))
    t2 = filler.save(tmp_path / "p2.xlsx", values(POLICE, "T2"), tables_for(scores_of(POLICE), evidence_of(POLICE)))
    report = file_batch(db, check_files([first, corrected, t2], cfg), cfg)
    assert [(f.outcome, f.version) for f in report.filings] == [("filed", 1), ("superseded", 2), ("filed", 1)]
    filed = load_records(db, form="hsb-audit")
    assert list(zip(filed["agency"], filed["round"], filed["version"])) == [(POLICE, "T1", 2), (POLICE, "T2", 1)]
    assert list(filed["record_key"]) == ["ref:ASHBRIDGE POLICE|T1", "ref:ASHBRIDGE POLICE|T2"]


def test_merge_says_what_to_do_when_there_is_nothing_to_merge(cli, tmp_path, config_file, three):
    db = tmp_path / "empty.sqlite"
    code, _, _ = cli("ingest", three / "police.xlsx", "--db", db, "--config", config_file)
    assert code == 0
    assert cli("audit", "merge", "--round", "T2", "--db", db, "--config", config_file) == (
        2, "", "safecontext: no agency's audit for round T2 is filed in the store; file them with 'safecontext "
               "ingest', or give the audit files to merge.\n")
    assert cli("audit", "merge", "--round", "T 1", "--db", db) == (
        2, "", "safecontext: 'T 1' is not a round; give T1 (the baseline), T2, T3, ... up to T9.\n")
