"""Review meetings end to end: file a framework, write its review workbook, update it as the meeting does,
file it, and see what shifted (hand-computed below) in 'safecontext hsb changes' and the tracker; the
person_id never leaves the store."""
from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook

from conftest import table_cell
from hsb_forms import FUTURE, PERSON_ID, valid_hsb_tables, valid_hsb_values
from test_store import store  # noqa: F401 (fixture: SQLite and PostgreSQL)

ID = "hsb-framework"
REVIEW_DATE = dt.date(2026, 11, 30)


@pytest.fixture
def filed(fillers, cli, store, config_file, tmp_path):
    """The initial meeting of HSB-0042, filed."""
    path = fillers(ID).save(tmp_path / "initial.xlsx", valid_hsb_values(), valid_hsb_tables())
    code, out, err = cli("ingest", path, "--db", store, "--config", config_file)
    assert (code, err) == (0, ""), out
    return store


def _hold_review(path, layout):
    """What the review meeting changes, typed into the review workbook as a person would."""
    wb = load_workbook(path)
    ws = wb["HSB meeting"]

    def at(table, row, column):
        return ws[table_cell(layout, ID, table, row, column)]

    ws[layout.cells["meeting_date"]] = REVIEW_DATE
    ws[layout.cells["hackett_level"]] = "Abusive"
    at("factors", 3, "context").value, at("factors", 3, "type").value = "Family / Home", "Vulnerability"
    at("factors", 3, "factor").value = "FAM-V02"                   # replaces SCH-S03
    at("interventions", 1, "rag").value = "Green - progressed"      # was Amber
    for column, value in (("context", "Family / Home"), ("intervention", "Parenting support"),  # replaces row 2
                          ("agency", "Children's Social Care"), ("rag", "Red - not yet actioned"),
                          ("addresses", "FAM-V02"), ("date_set", REVIEW_DATE), ("review_date", FUTURE)):
        at("interventions", 2, column).value = value
    wb.save(path)


def test_review_then_changes_end_to_end(filed, fillers, cli, config_file, check, tmp_path):
    review = tmp_path / "review.xlsx"
    code, out, err = cli("hsb", "review", "hsb-0042", "-o", review, "--db", filed, "--config", config_file)
    assert (code, err) == (0, "")
    assert out == (f"Wrote the review of HSB-0042 to {review}, prefilled from the meeting of 05/10/2026: fill in the "
                   "date of this meeting and update the factors, traffic lights and contextual table.\n")
    prefilled = check(review)
    initial = valid_hsb_values()
    assert prefilled.values == {**{f: v for f, v in check_values(initial).items()}, "meeting_type": "Review",
                                "meeting_date": None, "person_id": None}
    assert [r["factor"][:8] for r in prefilled.tables["factors"]] == ["IND-V02 ", "PEER-R07", "SCH-S03 "]
    assert [(r["intervention"], r["rag"]) for r in prefilled.tables["interventions"]] == [
        ("1:1 healthy relationships work", "Amber - in progress"), ("Detached youth work at the park",
                                                                    "Green - progressed")]
    _hold_review(review, fillers(ID).layout)
    code, out, err = cli("ingest", review, "--db", filed, "--config", config_file)
    assert (code, err) == (0, "") and "Filed 1, unchanged 0, superseded 0, refused 0" in out

    code, out, err = cli("hsb", "changes", "HSB-0042", "--db", filed, "--config", config_file)
    assert (code, err) == (0, "")
    assert out == (
        "HSB-0042: the meeting of 30/11/2026 (Review) against the one of 05/10/2026.\n"
        "Hackett level:\n  Problematic -> Abusive\n"
        "Factors added:\n  Family / Home: FAM-V02 - Experience of abuse or neglect\n"
        "Factors removed:\n  School: SCH-S03 - Clearly applied bullying policies and procedures\n"
        "Traffic lights changed:\n  Individual: 1:1 healthy relationships work: Amber -> Green\n"
        "New interventions:\n  Family / Home: Parenting support (Red)\n"
        "Interventions closed:\n  Peer group: Detached youth work at the park (was Green)\n")

    tracker = tmp_path / "tracker.xlsx"
    code, out, err = cli("hsb", "tracker", "-o", tracker, "--db", filed, "--config", config_file)
    assert (code, err, out) == (0, "", f"Wrote the HSB tracker to {tracker}\n")
    wb = load_workbook(tracker)
    assert wb.sheetnames == ["Cases", "Interventions", "Gaps", "Changes"]
    assert [c.value for c in wb["Changes"][6]] == [
        "HSB-0042", dt.datetime(2026, 10, 5), dt.datetime(2026, 11, 30), "Problematic -> Abusive",
        "Family / Home: FAM-V02 - Experience of abuse or neglect",
        "School: SCH-S03 - Clearly applied bullying policies and procedures",
        "Individual: 1:1 healthy relationships work: Amber -> Green", "Family / Home: Parenting support (Red)",
        "Peer group: Detached youth work at the park (was Green)"]
    cases = wb["Cases"]
    assert [c.value for c in cases[5]] == ["Reference", "Site", "Meetings", "Latest meeting", "Type", "Group or sole",
                                           "Hackett level", "Individual", "Family / Home", "Peer group", "School",
                                           "Neighbourhood", "Red items", "Overdue reviews", "Gaps", "Action needed"]
    assert [c.value for c in cases[6]] == [
        "HSB-0042", "Ashbridge North", 2, dt.datetime(2026, 11, 30), "Review", "Group", "Abusive", "1: Green",
        "1: Red", None, None, None, 1, None, "Peer group", "Action 1 red intervention(s); plan for Peer group"]
    assert (cases["I6"].fill.fgColor.rgb, cases["H6"].fill.fgColor.rgb) == ("00FF9B9B", "00A9D08E")
    assert [tuple(c.value for c in r) for r in wb["Gaps"].iter_rows(min_row=6)] == [
        ("HSB-0042", dt.datetime(2026, 11, 30), "Peer group", "PEER-R07")]
    assert [(r[2].value, r[5].value, r[5].fill.fgColor.rgb) for r in wb["Interventions"].iter_rows(min_row=6)] == [
        ("Individual", "Green", "00A9D08E"), ("Family / Home", "Red", "00FF9B9B")]
    for ws in wb.worksheets:
        assert ws.oddHeader.center.text == "OFFICIAL – SENSITIVE – INTERNAL: reference codes only", ws.title
        assert ws["A2"].value.startswith("INTERNAL: for the HSB MAP")
    # The person_id is in the store, and in nothing written from it.
    for path in (review, tracker):
        with zipfile.ZipFile(path) as z:
            assert not any(PERSON_ID.encode() in z.read(n) for n in z.namelist()), path


def check_values(values: dict) -> dict:
    """The typed values SafeContext reads back for what valid_hsb_values() types (ticks not typed are No)."""
    from addin.catalogue.hsb_framework.declaration import FORM

    typed = {f.id: None for f in FORM.fields} | {f.id: False for f in FORM.fields if f.type == "tick"}
    return typed | values


def test_the_review_of_an_unknown_case_says_what_to_do(filed, cli, config_file, tmp_path):
    code, out, err = cli("hsb", "review", "HSB-9999", "-o", tmp_path / "r.xlsx", "--db", filed, "--config",
                         config_file)
    assert (code, out) == (2, "")
    assert err == ("safecontext: no HSB framework with the reference HSB-9999 is filed in the store. Check the "
                   "reference ('safecontext store status' shows what is filed), or file its meeting first "
                   "('safecontext ingest').\n")
    assert not (tmp_path / "r.xlsx").exists()


def test_changes_need_a_review_meeting(filed, cli, config_file):
    code, out, err = cli("hsb", "changes", "HSB-0042", "--db", filed, "--config", config_file)
    assert (code, out) == (2, "")
    assert err == ("safecontext: only one meeting of HSB-0042 is filed (05/10/2026); file its review meeting first "
                   "('safecontext hsb review' writes its workbook).\n")


def test_the_review_workbook_is_not_written_over_without_force(filed, cli, config_file, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"mine")
    code, _, err = cli("hsb", "review", "HSB-0042", "-o", path, "--db", filed, "--config", config_file)
    assert code == 2 and err == f"safecontext: {path}: already exists. Choose another name or add --force to " \
                                "overwrite it.\n"
    assert path.read_bytes() == b"mine"
    assert cli("hsb", "review", "HSB-0042", "-o", path, "--force", "--db", filed, "--config", config_file)[0] == 0


def test_a_case_with_every_intervention_green_and_no_gap_is_not_open(fillers, cli, store, config_file, tmp_path):
    tables = valid_hsb_tables()
    tables["interventions"][0]["rag"] = "Green - progressed"
    path = fillers(ID).save(tmp_path / "m.xlsx", valid_hsb_values(), tables)
    assert cli("ingest", path, "--db", store, "--config", config_file)[0] == 0
    assert cli("hsb", "tracker", "-o", tmp_path / "t.xlsx", "--db", store, "--config", config_file)[0] == 0
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb["Cases"]["A6"].value == ("No open case: every filed case's latest meeting has all its interventions "
                                       "green and no gap.")


def test_a_framework_with_blank_answers_is_reviewed_with_them_blank(fillers, cli, store, config_file, check,
                                                                     tmp_path):
    values = valid_hsb_values(age=None, ward=None, hackett_level=None, hackett_rationale=None, gender=None)
    path = fillers(ID).save(tmp_path / "m.xlsx", values, valid_hsb_tables(challenges=[]))
    assert cli("ingest", path, "--db", store, "--config", config_file)[0] == 0
    assert cli("hsb", "review", "HSB-0042", "-o", tmp_path / "r.xlsx", "--db", store, "--config", config_file)[0] == 0
    res = check(tmp_path / "r.xlsx")
    assert [res.values[f] for f in ("age", "ward", "hackett_level", "gender")] == [None] * 4
    assert res.tables["challenges"] == []
    assert [str(p) for p in res.problems] == [  # the one thing left to fill in
        "HSB-001 Date of the meeting (C9): required, but blank; please fill it in"]
