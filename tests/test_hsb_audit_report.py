"""The progress report from known audits of three rounds, cell by cell; the action plan filed back and carried;
the demo's three agencies and three rounds."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from addin.catalogue.hsb_audit.declaration import TEXT, scored
from addin.catalogue.hsb_audit.scores import tables_for

A, B, C = "Ashbridge Police", "Ashbridge Health", "Ashbridge Schools"
# round -> agency -> scores where they differ from the round's usual score (T1 2, T2 and T3 3).
ROUNDS = {
    "T1": {A: {"1.3": 4, "3.1": 0}, B: {"1.3": 2, "3.1": 0}, C: {"1.3": 1, "3.1": 0}},
    "T2": {A: {"1.3": 2, "3.1": 1, "2.5": 1}, B: {"1.3": 2, "3.1": 1}, C: {"1.3": 2, "3.1": 1}},
    "T3": {A: {"1.3": 2, "2.5": 0, "5.8": 2}, B: {"1.3": 4, "2.5": 1, "5.8": 2}},  # not merged: done by the report
}
USUAL = {"T1": 2, "T2": 3, "T3": 3}
DATES = {"T1": dt.date(2025, 12, 1), "T2": dt.date(2026, 6, 1), "T3": dt.date(2026, 12, 1)}


@pytest.fixture
def filed(fillers, tmp_path, cli, config_file):
    """A store with the three rounds' audits, T1 and T2 agreed with 'audit merge'."""
    db = tmp_path / "store.sqlite"
    filler = fillers("hsb-audit")
    for r, agencies in ROUNDS.items():
        for agency, known in agencies.items():
            scores = {k: USUAL[r] for k in scored()} | known
            filler.save(tmp_path / r / f"{agency.split()[1]}.xlsx",
                        {"agency": agency, "round": r, "round_date": DATES[r]},
                        tables_for(scores, {k: "Case file audit" for k in scored()}))
        code, out, _ = cli("ingest", tmp_path / r, "--db", db, "--config", config_file)
        assert code == 0, out
        if r != "T3":
            code, out, _ = cli("audit", "merge", "--round", r, "-o", tmp_path / f"{r}-agreed.xlsx", "--db", db,
                               "--config", config_file)
            assert code == 0, out
    return db


def test_the_progress_report_cell_by_cell(filed, tmp_path, cli, config_file):
    report = tmp_path / "progress.xlsx"
    code, out, err = cli("audit", "report", "-o", report, "--db", filed, "--config", config_file,
                         "--json", tmp_path / "p.json")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Wrote the progress of rounds T1, T2, T3 to {report}: 3 statement(s) fell, 1 focus area(s) after T3, 1 "
        "row(s) in the action plan.",
        "No agreed audit is filed for T3: the report uses the lowest of the agencies' scores ('safecontext audit "
        "merge' files them)."]
    wb = load_workbook(report)
    assert wb.sheetnames == ["Progress", "Statements", "Falls", "Focus areas", "Action plan"]
    ws = wb["Progress"]
    grid = [[ws.cell(row=r, column=c).value for c in range(2, 8)] for r in range(5, 12)]
    assert grid == [
        ["Domain", "T1", "T2", "T3", "T1→T2", "T2→T3"],
        ["1. Responses", 1.9, 2.9, 2.9, 1.0, 0.0],             # 1.3: T1 4, 2, 1 -> 1; T2 2; T3 2, 4 -> 2
        ["2. Prevention", 2.0, 2.8, 2.7, pytest.approx(0.8), pytest.approx(-0.1)],  # 2.5 fell 2 -> 1 -> 0
        ["3. Assessment", 1.75, 2.75, 3.0, 1.0, 0.25],          # 3.1: 0, 1, 3; a domain of 8 statements
        ["4. Interventions", 2.0, 3.0, 3.0, 1.0, 0.0],
        ["5. Development", 2.0, 3.0, 2.875, 1.0, -0.125],       # 5.8 fell 3 -> 2
        ["All statements", pytest.approx(89 / 46), pytest.approx(133 / 46), pytest.approx(133 / 46),
         pytest.approx(44 / 46), 0],
    ]
    assert ws["B3"].value.startswith("No agreed audit is filed for T3: its scores are the lowest of the agencies'")
    radar, bar = ws._charts
    assert radar.tagname == "radarChart" and [s.tx.strRef.f for s in radar.series] == [
        "'Progress'!C5", "'Progress'!D5", "'Progress'!E5"]
    assert bar.tagname == "barChart" and [s.tx.strRef.f for s in bar.series] == ["'Progress'!F5", "'Progress'!G5"]
    st = wb["Statements"]
    assert [c.value for c in st[4]][1:] == ["Statement", "Domain", "T1", "T2", "T3", "Change", "Fell", "Focus area",
                                            B, A, "Lowest", "Highest", "Spread"]
    rows = {r[1].value: [c.value for c in r[1:]] for r in st.iter_rows(min_row=5)}
    assert rows["1.3"] == ["1.3", 1, 1, 2, 2, 0, None, None, 4, 2, 2, 4, 2]
    assert rows["2.5"] == ["2.5", 2, 2, 1, 0, -1, "Yes", "Yes", 1, 0, 0, 1, 1]
    assert rows["1.6a"] == ["1.6a", 1, 2, 3, 3, 0, None, None, 3, 3, 3, 3, 0] and "1.6" not in rows
    falls = [[c.value for c in r[1:]] for r in wb["Falls"].iter_rows(min_row=5)]
    assert falls == [["2.5", 2, "T1", "T2", 2, 1, -1], ["2.5", 2, "T2", "T3", 1, 0, -1],
                     ["5.8", 5, "T2", "T3", 3, 2, -1]]
    assert [c.value for c in wb["Focus areas"][5]][1:] == ["2.5", 2, TEXT["2.5"], 0, 0, 1]
    plan = wb["Action plan"]
    assert plan["C3"].value == "T3" and plan.tables["action_plan"].ref == "B5:I6"
    assert [c.value for c in plan[6]][1:] == ["2.5", TEXT["2.5"], 0, None, None, None, "Not started", None]
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["means"]["T3"] == {"Responses": 2.9, "Prevention": 2.7, "Assessment": 3.0, "Interventions": 3.0,
                                   "Development": 2.875}
    assert data["scores"]["T1"]["1.3"] == 1 and data["scores"]["T3"]["2.5"] == 0 and len(data["scores"]["T2"]) == 46
    assert data["disagreements"] == {
        "T1": [{"statement": "1.3", "scores": {B: 2, A: 4, C: 1}, "spread": 3}],
        "T2": [{"statement": "2.5", "scores": {B: 3, A: 1, C: 3}, "spread": 2}],
        "T3": [{"statement": "1.3", "scores": {B: 4, A: 2}, "spread": 2}]}


def test_the_action_plan_is_filed_back_and_carried_into_the_next_report(filed, tmp_path, cli, config_file):
    report = tmp_path / "progress.xlsx"
    assert cli("audit", "report", "-o", report, "--db", filed, "--config", config_file)[0] == 0
    wb = load_workbook(report)
    ws = wb["Action plan"]
    ws["E6"], ws["F6"], ws["G6"] = "Prevention campaign in schools", "PSHE lead", dt.date(2027, 3, 31)
    ws["H6"] = "Finished"
    wb.save(report)
    assert cli("audit", "actions", report, "--db", filed, "--config", config_file) == (
        2, "", f"safecontext: {report}, sheet 'Action plan', cell H6: 'Finished' is not a status; pick one of Not "
               "started, In progress, Done, Dropped.\n")
    ws["H6"] = "In progress"
    wb.save(report)
    assert cli("audit", "actions", report, "--db", filed, "--config", config_file) == (
        0, f"Filed the action plan after round T3 (1 action(s)) in sqlite:///{filed}.\n", "")
    again = tmp_path / "again.xlsx"
    assert cli("audit", "report", "-o", again, "--db", filed, "--config", config_file)[0] == 0
    plan = load_workbook(again)["Action plan"]
    assert [c.value for c in plan[6]][1:] == ["2.5", TEXT["2.5"], 0, "Prevention campaign in schools", "PSHE lead",
                                              dt.datetime(2027, 3, 31), "In progress", "T3"]
    assert plan["B7"].value is None  # the focus area has its action: no second row for it


def test_the_report_says_what_to_do_with_an_empty_store(tmp_path, cli, config_file, fillers):
    db = tmp_path / "s.sqlite"
    fillers("pgi").save(tmp_path / "x.xlsx")  # the store exists, holding no audit
    cli("ingest", tmp_path / "x.xlsx", "--db", db, "--config", config_file)
    assert cli("audit", "report", "-o", tmp_path / "r.xlsx", "--db", db, "--config", config_file) == (
        2, "", "safecontext: no HSB audit is filed in the store yet; file the agencies' audits with 'safecontext "
               "ingest' (and agree them with 'safecontext audit merge').\n")
    assert cli("audit", "report", "-o", tmp_path / "r.csv", "--db", db) == (
        2, "", f"safecontext: {tmp_path / 'r.csv'}: the file name must end in .xlsx.\n")


def test_the_demo_files_three_agencies_three_rounds_and_two_action_plans(tmp_path, cfg):
    from addin.catalogue.hsb_audit.actions import last_plan
    from addin.catalogue.hsb_audit.demo import write_audit_demo
    from addin.catalogue.hsb_audit.filed import filed_audits
    from addin.config import PARTNERSHIP

    db = tmp_path / "store.sqlite"
    demo = write_audit_demo(tmp_path, cfg, db, today=dt.date(2026, 12, 1))
    audits = filed_audits(db)
    assert sorted({(a.round, a.agency) for a in audits}) == sorted(
        (r, a) for r in ("T1", "T2", "T3") for a in (*demo.agencies, PARTNERSHIP))
    assert demo.agencies == ["Ashbridge Children's Services", "Ashbridge Police", "Ashbridge Health"]
    assert demo.disagreements > 0 and demo.report.exists() and len(demo.paths) == 15
    plan = last_plan(db)
    assert plan and {r["round"] for r in plan} == {"T2"} and {r["status"] for r in plan} > {"Not started"}
    again = write_audit_demo(tmp_path / "again", cfg, tmp_path / "again.sqlite", today=dt.date(2026, 12, 1))
    assert [a.scores for a in filed_audits(tmp_path / "again.sqlite")] == [a.scores for a in audits]  # seeded
    assert again.disagreements == demo.disagreements


def test_the_briefing_from_known_rounds(filed, tmp_path, cli, config_file):
    import zipfile

    from docx import Document

    out = tmp_path / "audit.docx"
    assert cli("brief", "--kind", "audit", "-o", out, "--db", filed, "--config", config_file) == (
        0, f"Wrote the briefing to {out}\n", "")
    doc = Document(out)
    text = [p.text for p in doc.paragraphs]
    messages = text[text.index("Key messages") + 1:text.index("Where we stand in the five domains")]
    assert messages == [
            "The partnership's mean score over the 46 statements is 2.89 of 4 in round T3, +0.96 since the baseline "
            "T1.",
            "The strongest domain is assessment (3.00); the weakest is prevention (2.70).",
            "Since T2, 1 statement(s) rose and 2 fell.",
            "In T3 the agencies' scores differed by 2 points or more on 1 statement(s); the lower score was agreed, "
            "as the NSPCC advises.",
            "1 statement(s) are focus areas for the action plan."]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert tables[0] == [
        ["Domain", "T1", "T2", "T3", "Change since T2", "Change since T1"],
        ["1. Responses", "1.90", "2.90", "2.90", "no change", "+1.00"],
        ["2. Prevention", "2.00", "2.80", "2.70", "-0.10", "+0.70"],
        ["3. Assessment", "1.75", "2.75", "3.00", "+0.25", "+1.25"],
        ["4. Interventions", "2.00", "3.00", "3.00", "no change", "+1.00"],
        ["5. Development", "2.00", "3.00", "2.88", "-0.12", "+0.88"]]
    assert tables[1] == [["Statement", "What it asks", "T2", "T3"], ["3.1", TEXT["3.1"], "1", "3"]]
    assert tables[2] == [["Statement", "What it asks", "T2", "T3"], ["2.5", TEXT["2.5"], "1", "0"],
                         ["5.8", TEXT["5.8"], "3", "2"]]
    assert tables[3] == [["Statement", "What it asks", "Score"], ["2.5", TEXT["2.5"], "0"]]
    assert len(tables) == 4 and "No action plan has been filed yet" in " ".join(text)
    with zipfile.ZipFile(out) as z:  # the radar and the change chart
        assert len([n for n in z.namelist() if n.startswith("word/media/")]) == 2
        body = z.read("word/document.xml").decode()
    assert "Case file audit" not in body  # the agencies' evidence never reaches the briefing


def test_a_briefing_template_with_an_unknown_variable_is_refused(filed, tmp_path, cli, config_file):
    from docx import Document

    bad = tmp_path / "mine.docx"
    doc = Document()
    doc.add_paragraph("{{ authority }} {{ young_person_name }}")
    doc.save(bad)
    assert cli("brief", "--kind", "audit", "-o", tmp_path / "b.docx", "--template", bad, "--db", filed) == (
        2, "", f"safecontext: {bad}: the template uses unknown variable(s) young_person_name. 'safecontext brief "
               "--kind audit --variables' lists the ones you can use.\n")
    assert cli("brief", "--kind", "audit", "-o", tmp_path / "b.pdf", "--db", filed)[2] == (
        f"safecontext: {tmp_path / 'b.pdf'}: the file name must end in .docx.\n")


def test_the_committed_briefing_template_is_what_the_source_builds(tmp_path):
    from docx import Document

    from addin.catalogue.hsb_audit.briefing import LISTING, VARIABLES, BriefingError
    from addin.reports.word import check_template
    from addin.catalogue.hsb_audit.briefing.template_source import TEMPLATE, build

    fresh = build(tmp_path / "t.docx")
    assert [p.text for p in Document(fresh).paragraphs] == [p.text for p in Document(TEMPLATE).paragraphs]
    check_template(TEMPLATE, VARIABLES, BriefingError, LISTING)
    from docxtpl import DocxTemplate

    assert DocxTemplate(str(TEMPLATE)).get_undeclared_template_variables() == set(VARIABLES)


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice is not installed")
def test_the_briefing_converts_to_pdf_with_its_radar(filed, tmp_path, cli, config_file):
    out = tmp_path / "audit.docx"
    code, stdout, err = cli("brief", "--kind", "audit", "-o", out, "--pdf", "--db", filed, "--config", config_file)
    assert (code, err) == (0, "") and stdout == f"Wrote the briefing to {out} and {out.with_suffix('.pdf')}\n"
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
