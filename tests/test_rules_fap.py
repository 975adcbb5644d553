"""Every rule of the FAP referral form, one case each: start from a valid form, change one thing.

Expected messages are written as the user sees them; "{upn}" stands for the UPN cell's
reference ("C11") in the current layout, so adding a field to the form moves no test.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

import pytest

from addin.forms import get_form
from addin.validators import all_rules
from conftest import resave, valid_fap_tables, valid_fap_values

FORM = "fap-referral"


@dataclass
class Case:
    expected: list[tuple[str, str, str | None]]  # (str(problem) with {cell} placeholders, severity, cell key)
    values: dict = field(default_factory=dict)    # overrides of valid_fap_values()
    tables: dict = field(default_factory=dict)    # table id -> rows, replacing valid_fap_tables()'s
    edit: Callable | None = None                  # edit(ws, layout) after filling
    structure: Callable | None = None             # structure(openpyxl wb) on the saved file


def _error_value(fid, text):
    def edit(ws, layout):
        ws[layout.cells[fid]].value = text
        ws[layout.cells[fid]].data_type = "e"
    return edit


def _formula(fid, text):
    def edit(ws, layout):
        ws[layout.cells[fid]].value = text
    return edit


def _exclusion(**row):
    return [{"date_from": dt.date(2025, 2, 3), "date_to": dt.date(2025, 2, 5), "days": 3, "reason": "Fighting"} | row]


E, Q = "error", "query"

CASES: dict[str, Case] = {
    "FAP-001": Case([("FAP-001 Name ({child_name}): required, but blank; please fill it in", E, "child_name")],
                    values={"child_name": None}),
    "FAP-002": Case([("FAP-002 CATS score: verbal ({cats_verbal}): the cell shows the Excel error #N/A; "
                      "type the value in instead", E, "cats_verbal")],
                    values={"cats_verbal": None}, edit=_error_value("cats_verbal", "#N/A")),
    "FAP-003": Case([("FAP-003 CATS score: verbal ({cats_verbal}): the formula has no calculated value; type the "
                      "value in, or open and save the file in Excel so it is calculated", E, "cats_verbal")],
                    values={"cats_verbal": None}, edit=_formula("cats_verbal", "=AVERAGE(90,100)")),
    "FAP-004": Case([("FAP-004 Gender ({gender}): 'Boy' is not one of the choices (Male, Female); "
                      "pick one from the drop-down", E, "gender")],
                    values={"gender": "Boy"}),
    "FAP-005": Case([("FAP-005 Year group ({year_group}): 'eight' is not a number", E, "year_group")],
                    values={"year_group": "eight"}),
    "FAP-006": Case([("FAP-006 CATS score: verbal ({cats_verbal}): 250 is outside the allowed range 0 to 200",
                      E, "cats_verbal")],
                    values={"cats_verbal": 250}),
    "FAP-007": Case([("FAP-007 Date of last attendance ({last_attendance_date}): 'last Friday' is not a date; "
                      "type it as dd/mm/yyyy", E, "last_attendance_date")],
                    values={"last_attendance_date": "last Friday"}),
    "FAP-008": Case([("FAP-008 Current attendance (%) ({attendance_pct}): 'most days' is not a percentage",
                      E, "attendance_pct")],
                    values={"attendance_pct": "most days"}),
    "FAP-009": Case([("FAP-009 Referrer: email ({referrer_email}): 'alex.head at example.org' is not an email "
                      "address", E, "referrer_email")],
                    values={"referrer_email": "alex.head at example.org"}),
    "FAP-010": Case([("FAP-010 Child's home postcode ({postcode}): 'SW1A' is not a UK postcode", E, "postcode")],
                    values={"postcode": "SW1A"}),
    # Y999123420001 is valid: 9*2+9*3+9*4+1*5+2*6+3*7+4*8+2*9+0+0+0+1*13 = 182; 182 mod 23 = 21 -> Y.
    "FAP-011": Case([("FAP-011 UPN ({upn}): 'A999123420001' is not a valid UPN: the check letter should be Y, "
                      "not A", E, "upn")],
                    values={"upn": "A999123420001"}),
    "FAP-012": Case([("FAP-012 Referrer: tel no ({referrer_phone}): '01632 96' is not a phone number "
                      "(10 to 13 digits)", E, "referrer_phone")],
                    values={"referrer_phone": "01632 96"}),
    "FAP-013": Case([("FAP-013 UPN: the workbook's name 'upn' for this field is missing, so it cannot be read. "
                      "Copy the entries into a blank form made by 'safecontext new'.", E, None)],
                    structure=lambda wb: wb.defined_names.pop("upn")),
    # _x001B_ is how a workbook writes the ESC character: calamine reads it back as ESC.
    "FAP-014": Case([("FAP-014 Name ({child_name}): holds invisible control characters (often pasted from "
                      "another program); delete the entry and type it again", E, "child_name")],
                    values={"child_name": "Sam_x001B_[2J Testpupil"}),
    "FAP-015": Case([("FAP-015 Name ({child_name}): 1,004 characters is longer than this field takes (500); "
                      "shorten it", E, "child_name")],
                    values={"child_name": "Sam " + "x" * 1_000}),
    "FAP-020": Case([("FAP-020 Date of birth ({date_of_birth}): 01/05/2012 means Year 8 in 2024/25, but "
                      "Year group ({year_group}) says 9; check both", Q, "date_of_birth")],
                    values={"year_group": 9}),
    "FAP-021": Case([("FAP-021 Date of birth ({date_of_birth}): 01/05/2025 is not before Date of referral "
                      "({referral_date}) 10/03/2025", E, "date_of_birth")],
                    values={"date_of_birth": dt.date(2025, 5, 1)}),
    # A referral typed in 2099 also moves the school year the year group is checked against.
    "FAP-022": Case([("FAP-022 Date of referral ({referral_date}): 10/03/2099 is in the future; check the year",
                      E, "referral_date"),
                     ("FAP-020 Date of birth ({date_of_birth}): 01/05/2012 means Year 82 in 2098/99, but "
                      "Year group ({year_group}) says 8; check both", Q, "date_of_birth")],
                    values={"referral_date": dt.date(2099, 3, 10)}),
    "FAP-023": Case([("FAP-023 Current attendance (%) ({attendance_pct}): 90% plus 7.5% authorised and 5% "
                      "unauthorised absence is 102.5%, over 100%", E, "attendance_pct")],
                    values={"attendance_pct": 90}),
    "FAP-024": Case([("FAP-024 Current attendance (%) ({attendance_pct}): 80% plus 7.5% authorised and 5% "
                      "unauthorised absence is 92.5%, not 100%", Q, "attendance_pct")],
                    values={"attendance_pct": "80%"}),
    "FAP-025": Case([("FAP-025 Social care contact: name ({social_care_contact_name}): is blank, but Is the "
                      "student open to social care? ({open_to_social_care}) is Yes; give the social worker's name",
                      E, "social_care_contact_name")],
                    values={"social_care_contact_name": None}),
    "FAP-026": Case([("FAP-026 Does the student fall into a vulnerable group? ({vulnerable_group}): is No, but a "
                      "vulnerable group is ticked below; answer Yes or untick the groups", E, "vulnerable_group")],
                    values={"vulnerable_group": "No"}),
    "FAP-027": Case([("FAP-027 Peer group: information ({peer_info}): peer group, school and neighbourhood "
                      "information are all blank, but a peer-on-peer abuse concern is ticked; describe the "
                      "contexts if anything is known", Q, "peer_info")],
                    values={"peer_info": None}),
    "FAP-028": Case([("FAP-028 Ward where the child lives ({ward}): is blank and so is Child's home postcode "
                      "({postcode}); give one so the referral can be counted by ward", Q, "ward")],
                    values={"ward": None, "postcode": None}),
    "FAP-029": Case([("FAP-029 EWO contact: name ({ewo_contact_name}): is blank, but EWO involvement "
                      "({ewo_involvement}) is Yes; give the EWO's name", E, "ewo_contact_name")],
                    values={"ewo_contact_name": None}),
    "FAP-030": Case([("FAP-030 Previous schools row 1, To ({previous_schools_1_date_to}): 04/09/2023 is before "
                      "Previous schools row 1, From ({previous_schools_1_date_from}) 19/07/2024; swap or correct "
                      "the dates", E, "previous_schools_1_date_to")],
                    tables={"previous_schools": [{"school_name": "Hollins Park School",
                                                  "date_from": dt.date(2024, 7, 19), "date_to": "4/9/2023"}]}),
    "FAP-031": Case([("FAP-031 Exclusion history row 1, To ({exclusions_1_date_to}): 03/02/2025 is before "
                      "Exclusion history row 1, From ({exclusions_1_date_from}) 05/02/2025; swap or correct the "
                      "dates", E, "exclusions_1_date_to")],
                    tables={"exclusions": _exclusion(date_from=dt.date(2025, 2, 5), date_to=dt.date(2025, 2, 3))}),
    "FAP-032": Case([("FAP-032 Exclusion history row 1, Length of exclusion (days) ({exclusions_1_days}): 5 days, "
                      "but 03/02/2025 to 05/02/2025 has 3 school days (Mon-Fri); check the length",
                      Q, "exclusions_1_days")],
                    tables={"exclusions": _exclusion(days=5)}),
    "FAP-033": Case([("FAP-033 Internal exclusions history row 2, To ({internal_exclusions_2_date_to}): "
                      "13/01/2025 is before Internal exclusions history row 2, From "
                      "({internal_exclusions_2_date_from}) 14/01/2025; swap or correct the dates",
                      E, "internal_exclusions_2_date_to")],
                    tables={"internal_exclusions": [
                        {"date_from": dt.date(2025, 1, 13), "date_to": dt.date(2025, 1, 13), "days": 1},
                        {"date_from": "14/01/2025", "date_to": "13/01/2025", "days": 1}]}),
    # 10 to 19 January 2025 is Friday to Sunday of the next week: 6 school days.
    "FAP-034": Case([("FAP-034 Internal exclusions history row 1, Length of exclusion (days) "
                      "({internal_exclusions_1_days}): 7.5 days, but 10/01/2025 to 19/01/2025 has 6 school days "
                      "(Mon-Fri); check the length", Q, "internal_exclusions_1_days")],
                    tables={"internal_exclusions": [
                        {"date_from": dt.date(2025, 1, 10), "date_to": dt.date(2025, 1, 19), "days": 7.5}]}),
}


@pytest.fixture
def run_case(make_form, check, tmp_path):
    def run(case: Case):
        tables = valid_fap_tables() | case.tables
        path = make_form(FORM, valid_fap_values() | case.values, tables, edit=case.edit)
        if case.structure:
            path = resave(path, tmp_path / "changed.xlsx", case.structure)
        return check(path)
    return run


def as_batch(case: Case) -> dict:
    return {"form": FORM, "values": valid_fap_values() | case.values, "tables": valid_fap_tables() | case.tables,
            "edit": case.edit, "structure": case.structure}


@pytest.fixture(scope="module")
def results(check_batch):
    """Every case of this module checked in one run, as a folder of forms would be."""
    batch = {code: as_batch(case) for code, case in CASES.items()}
    batch.update({i: as_batch(Case([], values=overrides)) for i, (overrides, _) in enumerate(MORE_WAYS)})
    return check_batch(batch)


def assert_case(code: str, case: Case, result, at: dict) -> None:
    """The problems of a case's form, exactly as a user sees them, with the cells of the current layout."""
    expected = [(text.format(**at), severity, at.get(key)) for text, severity, key in case.expected]
    assert [(str(p), p.severity, p.cell) for p in result.problems] == expected
    assert code in {p.code for p in result.problems}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule(code, results, cells):
    assert_case(code, CASES[code], results[code], cells(FORM))


def test_every_rule_has_a_case():
    """`safecontext rules fap-referral` lists exactly the codes tested here."""
    assert sorted(CASES) == sorted(r.code for r in all_rules(get_form(FORM)))


def test_problem_names_file_sheet_and_field(run_case):
    result = run_case(CASES["FAP-030"])
    (p,) = result.problems
    assert (p.file, p.sheet, p.field, p.code) == (str(result.path), "Referral", "previous_schools.date_to", "FAP-030")


# --- more ways to break the same rules -----------------------------------------------------------

MORE_WAYS = [
    ({"year_group": 8.5}, "FAP-005 Year group ({year_group}): '8.5' is not a whole number"),
    ({"year_group": "8.5"}, "FAP-005 Year group ({year_group}): '8.5' is not a whole number"),
    ({"cats_verbal": "high"}, "FAP-005 CATS score: verbal ({cats_verbal}): 'high' is not a number"),
    ({"attendance_pct": 120, "authorised_absence_pct": 0, "unauthorised_absence_pct": 0},
     "FAP-008 Current attendance (%) ({attendance_pct}): 120 is not a percentage from 0 to 100"),
    ({"attendance_pct": "87.5 %%"}, "FAP-008 Current attendance (%) ({attendance_pct}): '87.5 %%' is not a percentage"),
    ({"upn": "Y99912342000"}, "FAP-011 UPN ({upn}): 'Y99912342000' is not a valid UPN: it has 12 characters, not 13"),
    ({"upn": "Y9991234200O1"}, "FAP-011 UPN ({upn}): 'Y9991234200O1' is not a valid UPN: characters 2 to 12 must "
                               "be digits and the last a digit or letter"),
    ({"upn": "I999123420001"}, "FAP-011 UPN ({upn}): 'I999123420001' is not a valid UPN: it must start with a "
                               "check letter"),
    ({"referral_date": "31/02/2025"}, "FAP-007 Date of referral ({referral_date}): '31/02/2025' is not a date: "
                                      "there is no 31 February 2025"),
    ({"vulnerable_group": None}, "FAP-026 Does the student fall into a vulnerable group? ({vulnerable_group}): is "
                                 "blank, but a vulnerable group is ticked below; answer Yes or untick the groups"),
    ({"gender": "M"}, "FAP-004 Gender ({gender}): 'M' is not one of the choices (Male, Female); "
                      "pick one from the drop-down"),
    ({"school": "Hogwarts"}, "FAP-004 Current provision/school ({school}): 'Hogwarts' is not one of the choices "
                             "(the drop-down list); pick one from the drop-down"),
]


@pytest.mark.parametrize("i", range(len(MORE_WAYS)), ids=[MORE_WAYS[i][1].split(" (")[0] for i in range(len(MORE_WAYS))])
def test_more_ways_to_break_a_rule(i, results, cells):
    overrides, expected = MORE_WAYS[i]
    assert [str(p) for p in results[i].problems] == [expected.format(**cells(FORM))]


def test_unreadable_required_value_is_not_also_called_blank(run_case, cells):
    """What was typed could not be read: say that, not 'required, but blank' as well."""
    result = run_case(Case([], values={"referral_date": "10/13/2025", "date_completed": None}))
    assert [str(p) for p in result.problems] == [
        "FAP-007 Date of referral ({referral_date}): '10/13/2025' is not a date; type it as dd/mm/yyyy".format(
            **cells(FORM))]


def test_year_group_is_checked_against_age_on_31_august(run_case, cells):
    """Born 1 September 2012: 11 on 31 August 2024, so Year 7 in 2024/25 (the youngest of the year)."""
    result = run_case(Case([], values={"date_of_birth": dt.date(2012, 9, 1), "year_group": 7}))
    assert result.problems == []
    result = run_case(Case([], values={"date_of_birth": dt.date(2012, 8, 31), "year_group": 7}))
    assert [str(p) for p in result.problems] == [
        "FAP-020 Date of birth ({date_of_birth}): 31/08/2012 means Year 8 in 2024/25, but Year group "
        "({year_group}) says 7; check both".format(**cells(FORM))]


def test_attendance_rounding_within_half_a_percent_is_accepted(run_case):
    result = run_case(Case([], values={"attendance_pct": 87.1, "authorised_absence_pct": 7.5,
                                       "unauthorised_absence_pct": 5}))
    assert result.problems == []


def test_social_care_no_needs_no_contact(run_case):
    result = run_case(Case([], values={"open_to_social_care": "No", "social_care_contact_name": None}))
    assert result.problems == []


def test_table_required_column(run_case, cells):
    result = run_case(Case([], tables={"previous_schools": [{"date_from": dt.date(2023, 9, 4)}]}))
    assert [(str(p), p.field) for p in result.problems] == [(
        "FAP-001 Previous schools row 1, Name of school ({previous_schools_1_school_name}): required, but blank; "
        "please fill it in".format(**cells(FORM)), "previous_schools.school_name")]


def test_table_value_checks_name_the_row(run_case, cells):
    rows = [{"name": "Chris Testparent", "email": "chris@example.org"},
            {"name": "Dee Testparent", "email": "dee(at)example.org", "postcode": "nowhere"}]
    result = run_case(Case([], tables={"parents_carers": rows}))
    assert [str(p) for p in result.problems] == [s.format(**cells(FORM)) for s in (
        "FAP-009 Parent/carer information row 2, Email ({parents_carers_2_email}): 'dee(at)example.org' is not an "
        "email address",
        "FAP-010 Parent/carer information row 2, Postcode ({parents_carers_2_postcode}): 'NOWHERE' is not a UK "
        "postcode",
    )]


def test_missing_table_is_fap_013(run_case, tmp_path):
    def drop_table(wb):
        del wb["Referral"].tables["exclusions"]

    result = run_case(Case([], structure=drop_table))
    assert [(str(p), p.cell, p.field) for p in result.problems] == [(
        "FAP-013 Exclusion history: the workbook's table 'exclusions' is missing, so it cannot be read. "
        "Copy the entries into a blank form made by 'safecontext new'.", None, "exclusions")]


def test_renamed_table_column_is_fap_013(run_case, fillers):
    header_row, _ = fillers(FORM).layout.tables["exclusions"]

    def rename(wb):
        ws = wb["Referral"]
        ws[f"E{header_row}"] = "Why"
        ws.tables["exclusions"].tableColumns[3].name = "Why"

    result = run_case(Case([], structure=rename))
    assert [(str(p), p.cell, p.field) for p in result.problems] == [(
        f"FAP-013 Exclusion history (B{header_row}): the column 'Reason for exclusion' is missing from the table. "
        "Put the heading back, or copy the entries into a blank form.", f"B{header_row}", "exclusions.reason")]


@pytest.mark.parametrize("overrides, expected", [
    ({"vulnerable_group": "maybe"},
     "FAP-004 Does the student fall into a vulnerable group? ({vulnerable_group}): 'maybe' is not Yes or No; "
     "pick one from the drop-down"),
    ({"ward": "Nowhere", "postcode": None},
     "FAP-004 Ward where the child lives ({ward}): 'Nowhere' is not one of the choices (the drop-down list); "
     "pick one from the drop-down"),
])
def test_a_cell_that_cannot_be_read_is_not_also_called_blank_by_a_cross_field_rule(overrides, expected, run_case,
                                                                                   cells):
    """Without this, FAP-026 / FAP-028 would add 'is blank' about a cell the person did fill in."""
    result = run_case(Case([], values=overrides))
    assert [str(p) for p in result.problems] == [expected.format(**cells(FORM))]
