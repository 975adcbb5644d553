"""The reader accepts what people really type, and says clearly what it cannot read."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from addin.intake.reader import ReadError, read_form
from conftest import rewrite_zip, table_cell, valid_fap_tables, valid_fap_values, valid_pgi_tables, valid_pgi_values

SHEET1 = "xl/worksheets/sheet1.xml"  # openpyxl writes the form's own sheet first


def fap(**overrides) -> dict:
    return valid_fap_values() | overrides


@pytest.fixture
def read_fap(make_form, check):
    """read_fap(**overrides) -> FileResult of the valid FAP form with some cells typed differently."""
    def run(tables=None, edit=None, **overrides):
        return check(make_form("fap-referral", fap(**overrides), valid_fap_tables() if tables is None else tables,
                               edit=edit))
    return run


YES = ["Yes", "yes", "Y", "y", "✓", "✔", "x", "X", "TRUE", "true", "Yes  ", " y"]
NO = ["No", "no", "N", "n", "FALSE", "No "]
DATES = [dt.date(2015, 9, 3), dt.datetime(2015, 9, 3, 0, 0), "3/9/2015", "03/09/2015", "3.9.2015", "3-9-2015",
         "3/9/15", "2015-09-03", " 03/09/2015 ", 42250]
PERCENTS = [95, 95.0, "95", "95%", " 95 % ", 0.95, "95.0%"]
ETHNICITY = ["WBRI", "wbri", "WBRI - White British", " wbri "]


@pytest.fixture(scope="module")
def typed(check_batch):
    """Every variant below as its own form, all checked in one run: {(kind, repr(typed)): FileResult}."""
    cases = {}
    for t in YES:
        cases[("yes", repr(t))] = fap(concern_cse=t, early_help=t)
    for t in NO:
        cases[("no", repr(t))] = fap(concern_gangs=t, early_help=t)
    for t in DATES:
        cases[("date", repr(t))] = fap(last_attendance_date=t)
    for t in PERCENTS:
        cases[("percent", repr(t))] = fap(attendance_pct=t, authorised_absence_pct=3, unauthorised_absence_pct=2)
    for t in ETHNICITY:
        cases[("ethnicity", repr(t))] = fap(ethnicity=t)
    assert len(cases) == len(YES) + len(NO) + len(DATES) + len(PERCENTS) + len(ETHNICITY)  # no variant lost
    return check_batch({key: {"form": "fap-referral", "values": values, "tables": valid_fap_tables()}
                        for key, values in cases.items()})


@pytest.mark.parametrize("text", YES)
def test_yes_is_read_from_what_people_type(typed, text):
    r = typed[("yes", repr(text))]
    assert (r.values["concern_cse"], r.values["early_help"]) == (True, True)
    assert [str(p) for p in r.problems] == []


@pytest.mark.parametrize("text", NO)
def test_no_is_read_from_what_people_type(typed, text):
    r = typed[("no", repr(text))]
    assert (r.values["concern_gangs"], r.values["early_help"]) == (False, False)
    assert [str(p) for p in r.problems] == []


def test_excel_true_and_false_cells_are_yes_and_no(read_fap):
    def booleans(ws, layout):
        ws[layout.cells["early_help"]].value = True
        ws[layout.cells["child_protection"]].value = False

    r = read_fap(edit=booleans)
    assert (r.values["early_help"], r.values["child_protection"]) == (True, False)


def test_unticked_box_is_no_and_unanswered_yes_no_is_blank(read_fap):
    r = read_fap(concern_cse=None, early_help=None)
    assert (r.values["concern_cse"], r.values["early_help"]) == (False, None)


def test_maybe_in_a_yes_no_cell_is_an_error_never_true(read_fap):
    r = read_fap(early_help="maybe", concern_cse="maybe")
    assert r.values["early_help"] is None
    assert r.values["concern_cse"] is None
    assert [(str(p), p.cell, p.severity) for p in r.problems] == [
        ("FAP-004 Does the student have a current Early Help Assessment or CAF? (C52): 'maybe' is not Yes or No; "
         "pick one from the drop-down", "C52", "error"),
        ("FAP-004 Child sexual exploitation (C60): 'maybe' is not Yes or No; pick one from the drop-down",
         "C60", "error"),
    ]


def test_trailing_and_leading_spaces_are_ignored(read_fap):
    r = read_fap(gender="Female  ", ward=" Castle ", school="Brookfield High School ", child_name="  Sam Testpupil ",
                 upn=" " + valid_fap_values()["upn"] + " ", postcode=" sw1a 1aa ")
    assert [str(p) for p in r.problems] == []
    assert (r.values["gender"], r.values["ward"], r.values["school"], r.values["child_name"]) == (
        "Female", "Castle", "Brookfield High School", "Sam Testpupil")
    assert r.values["upn"] == valid_fap_values()["upn"]
    assert r.values["postcode"] == "SW1A 1AA"


def test_choices_ignore_case_and_inner_spaces(read_fap):
    r = read_fap(gender="female", school="brookfield  high school")
    assert (r.values["gender"], r.values["school"]) == ("Female", "Brookfield High School")


def test_numbers_stored_as_text(read_fap):
    r = read_fap(year_group="8", cats_verbal=" 98 ", attendance_pct="87.5", authorised_absence_pct="7.5",
                 unauthorised_absence_pct="5")
    assert [str(p) for p in r.problems] == []
    assert (r.values["year_group"], r.values["cats_verbal"], r.values["attendance_pct"]) == (8, 98.0, 87.5)


def test_numbers_typed_into_text_cells_come_back_as_text(read_fap):
    r = read_fap(referral_number=1234, reading_age=11.5)
    assert (r.values["referral_number"], r.values["reading_age"]) == ("1234", "11.5")


@pytest.mark.parametrize("text", DATES)
def test_dates_as_excel_dates_or_uk_text(typed, text):
    """'3/9/2015' is 3 September 2015 (UK), never 9 March."""
    r = typed[("date", repr(text))]
    assert r.values["last_attendance_date"] == dt.date(2015, 9, 3)
    assert [str(p) for p in r.problems] == []


@pytest.mark.parametrize("text", PERCENTS)
def test_percentages_all_mean_95(typed, text):
    r = typed[("percent", repr(text))]
    assert r.values["attendance_pct"] == 95
    assert [str(p) for p in r.problems] == []


def test_percentage_cell_formatted_as_percent(read_fap):
    """A cell formatted as % in Excel holds 0.95 for 95%."""
    def percent_format(ws, layout):
        for fid, v in (("attendance_pct", 0.95), ("authorised_absence_pct", 0.03), ("unauthorised_absence_pct", 0.02)):
            ws[layout.cells[fid]].value = v
            ws[layout.cells[fid]].number_format = "0%"

    r = read_fap(edit=percent_format)
    assert (r.values["attendance_pct"], r.values["authorised_absence_pct"], r.values["unauthorised_absence_pct"]) == (
        95, 3, 2)
    assert [str(p) for p in r.problems] == []


@pytest.mark.parametrize("text", ETHNICITY)
def test_ethnicity_code_alone_is_the_coded_entry(typed, text):
    r = typed[("ethnicity", repr(text))]
    assert r.values["ethnicity"] == "WBRI - White British"
    assert [str(p) for p in r.problems] == []


def test_ethnicity_description_alone_is_not_guessed(read_fap):
    r = read_fap(ethnicity="White British")
    assert r.values["ethnicity"] is None
    assert [str(p) for p in r.problems] == [
        "FAP-004 Ethnicity (C15): 'White British' is not one of the choices (the drop-down list); "
        "pick one from the drop-down"]


def _formula(fid, formula="=1+1"):
    def edit(ws, layout):
        ws[layout.cells[fid]].value = formula
    return edit


def _with_cached_value(coord: str, formula: str, cached: str, text: bool = False):
    """Give a formula the value Excel would have calculated and saved with it."""
    def change(xml: bytes) -> bytes:
        pattern = re.compile(rf'<c r="{coord}"([^>]*)><f>{re.escape(formula)}</f><v\s*/?>(?:</v>)?'.encode())
        assert pattern.search(xml), f"no formula in {coord}"
        t = b' t="str"' if text else b""
        return pattern.sub(lambda m: b'<c r="' + coord.encode() + b'"' + m.group(1) + t + b"><f>"
                           + formula.encode() + b"</f><v>" + cached.encode() + b"</v>", xml)
    return change


def test_formula_with_a_cached_value_uses_it(make_form, check, tmp_path):
    src = make_form("fap-referral", fap(cats_verbal=None, child_name=None),
                    edit=lambda ws, lay: (_formula("cats_verbal")(ws, lay),
                                          _formula("child_name", '="Sam "&"Testpupil"')(ws, lay)))
    both = lambda xml: _with_cached_value("C9", '"Sam "&amp;"Testpupil"', "Sam Testpupil", text=True)(
        _with_cached_value("C94", "1+1", "2")(xml))
    path = rewrite_zip(src, tmp_path / "calculated.xlsx", {SHEET1: both})
    r = check(path)
    assert (r.values["cats_verbal"], r.values["child_name"]) == (2.0, "Sam Testpupil")
    assert [str(p) for p in r.problems] == []


def test_formula_without_a_cached_value_is_fap_003(read_fap):
    r = read_fap(cats_verbal=None, edit=_formula("cats_verbal"))
    assert r.values["cats_verbal"] is None
    assert [(str(p), p.sheet, p.cell, p.field, p.severity) for p in r.problems] == [
        ("FAP-003 CATS score: verbal (C94): the formula has no calculated value; type the value in, or open and "
         "save the file in Excel so it is calculated", "Referral", "C94", "cats_verbal", "error")]


def test_formula_without_value_in_a_required_field_is_not_also_called_blank(read_fap):
    r = read_fap(year_group=None, edit=_formula("year_group", "=7+1"))
    assert [p.code for p in r.problems] == ["FAP-003"]


def _error(fid, text="#N/A"):
    def edit(ws, layout):
        ws[layout.cells[fid]].value = text
        ws[layout.cells[fid]].data_type = "e"
    return edit


def test_excel_error_value_is_fap_002(read_fap):
    r = read_fap(cats_verbal=None, edit=_error("cats_verbal"))
    assert r.values["cats_verbal"] is None
    assert [(str(p), p.sheet, p.cell, p.field, p.severity) for p in r.problems] == [
        ("FAP-002 CATS score: verbal (C94): the cell shows the Excel error #N/A; type the value in instead",
         "Referral", "C94", "cats_verbal", "error")]


def test_excel_error_in_a_table_cell(make_form, check, fillers):
    layout = fillers("fap-referral").layout
    coord = table_cell(layout, "fap-referral", "exclusions", 1, "days")

    def edit(ws, _):
        ws[coord].value = "#DIV/0!"
        ws[coord].data_type = "e"

    r = check(make_form("fap-referral", valid_fap_values(), valid_fap_tables(), edit=edit))
    assert [(str(p), p.cell, p.field) for p in r.problems] == [
        (f"FAP-002 Exclusion history row 1, Length of exclusion (days) ({coord}): the cell shows the Excel error "
         "#DIV/0!; type the value in instead", coord, "exclusions.days")]
    assert r.tables["exclusions"][0]["days"] is None


def test_text_that_looks_like_a_formula_stays_text(read_fap):
    r = read_fap(preferred_school='=HYPERLINK("http://x","y")')
    assert r.values["preferred_school"] == '=HYPERLINK("http://x","y")'
    assert [str(p) for p in r.problems] == []


def test_multi_line_text_keeps_its_lines(read_fap):
    r = read_fap(peer_info="Line one\nLine two\n")
    assert r.values["peer_info"] == "Line one\nLine two"


def test_read_form_gives_raw_values_and_cells(make_form):
    rec = read_form(make_form("pgi", valid_pgi_values(), valid_pgi_tables()))
    assert rec.form.id == "pgi" and rec.version == "2016.2"
    assert rec.cells["aware_of_peers"] == ("PGI", "C19")
    assert rec.raw["aware_of_peers"] == "Yes"
    assert [(row.number, row.raw, row.cells) for row in rec.tables["peers"]] == [
        (1, {"name": "Alex Friend", "setting": "same school"}, {"name": "B25", "setting": "C25"}),
        (2, {"name": "Billie Friend", "setting": "youth club"}, {"name": "B26", "setting": "C26"}),
    ]


def test_read_form_refuses_the_wrong_form(make_form):
    with pytest.raises(ReadError) as e:
        read_form(make_form("pgi", valid_pgi_values()), expect="fap-referral")
    assert e.value.reason == (
        "this is a Peer Group Information Capture Form (pgi), but a Secondary Referral Form to Fair Access "
        "Pupil Placement Panel (fap-referral) was expected.")


def test_rows_users_inserted_in_a_table_are_read(make_form, check, tmp_path):
    """Named ranges and tables are the contract: a user may insert rows above and grow a table."""
    from openpyxl import load_workbook

    src = make_form("pgi", valid_pgi_values(), valid_pgi_tables())
    wb = load_workbook(src)
    ws = wb["PGI"]
    table = ws.tables["peers"]
    assert table.ref == "B24:C32"
    ws["B33"], ws["C33"] = "Casey Ninth", "online"  # a ninth peer, below the eight blank rows
    table.ref = "B24:C33"
    wb.save(tmp_path / "grown.xlsx")
    r = check(tmp_path / "grown.xlsx")
    assert [row["name"] for row in r.tables["peers"]] == ["Alex Friend", "Billie Friend", "Casey Ninth"]
    assert r.tables["peers"][-1]["_row"] == 9
