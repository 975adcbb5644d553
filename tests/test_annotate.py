"""Annotated copies: a 'Checks' sheet first, problem cells coloured with a note; the input never changes."""
from __future__ import annotations

import hashlib
import json

import pytest
from openpyxl import load_workbook

from addin.checks.annotate import annotated_copy
from conftest import resave, valid_fap_tables, valid_fap_values, valid_pgi_tables, valid_pgi_values

RED, BLUE = "00FF9B9B", "00BDD7EE"
FORMULA_TEXT = '=HYPERLINK("http://x","y")'


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def two_problems(make_form):
    """A FAP form with one error (gender) and one query (year group against date of birth)."""
    return make_form("fap-referral", valid_fap_values() | {"gender": "Boy", "year_group": 9}, valid_fap_tables(),
                     name="referral-7")


def test_validate_annotate_writes_a_checked_copy(cli, two_problems, tmp_path):
    before = sha256(two_problems)
    code, out, _ = cli("validate", two_problems.name, "--annotate", "checked")
    assert code == 1
    assert "1 annotated copy written to checked" in out
    assert sha256(two_problems) == before, "the user's workbook must never be written"
    assert sorted(p.name for p in (tmp_path / "checked").iterdir()) == ["referral-7.checked.xlsx"]

    wb = load_workbook(tmp_path / "checked" / "referral-7.checked.xlsx")
    assert wb.sheetnames[0] == "Checks" and wb.active.title == "Checks"
    assert wb.sheetnames[1:] == ["Referral", "Lists", "_safecontext"]
    checks = wb["Checks"]
    assert checks["A1"].value == ("1 error and 1 query. Errors must be fixed before the form can be "
                                  "filed; queries are things to check. Click a cell reference to go to it.")
    assert checks["A2"].value == ("Red: an error, which must be fixed before the form can be filed. Blue: a query, "
                                  "to check. (Pale yellow cells are where the form is typed.)")
    rows = [[c.value for c in row] for row in checks.iter_rows(min_row=3, max_col=7)]
    assert rows == [
        ["Severity", "Code", "Sheet", "Cell", "Field", "Section", "Message"],
        ["query", "FAP-020", "Referral", "C12", "Date of birth", "1. Referral & Recommendations",
         "Date of birth (C12): 01/05/2012 means Year 8 in 2024/25, but Year group (C14) says 9; check both"],
        ["error", "FAP-004", "Referral", "C13", "Gender", "1. Referral & Recommendations",
         "Gender (C13): 'Boy' is not one of the choices (Male, Female); pick one from the drop-down"],
    ]
    assert [checks.cell(row=r, column=1).fill.fgColor.rgb for r in (4, 5)] == [BLUE, RED]
    assert [(checks[f"D{r}"].hyperlink.location, checks[f"D{r}"].hyperlink.target) for r in (4, 5)] == [
        ("'Referral'!C12", None), ("'Referral'!C13", None)]

    form = wb["Referral"]
    assert form["C13"].fill.fgColor.rgb == RED
    assert form["C12"].fill.fgColor.rgb == BLUE
    assert form["C13"].comment.text == ("FAP-004 Gender (C13): 'Boy' is not one of the choices (Male, Female); "
                                        "pick one from the drop-down")
    assert form["C12"].comment.text == ("FAP-020 Date of birth (C12): 01/05/2012 means Year 8 in 2024/25, but "
                                        "Year group (C14) says 9; check both")
    assert form["C12"].comment.author == "SafeContext"
    # FAP-020 involves the year group too: its cell is marked with the same note.
    assert form["C14"].fill.fgColor.rgb == BLUE and form["C14"].comment.text == form["C12"].comment.text
    assert form["C11"].comment is None and form["C11"].fill.fgColor.rgb == "00FFFDE7"  # untouched input colour
    assert form["C13"].value == "Boy"  # the data is copied as it was


def test_annotated_copy_keeps_the_named_ranges_and_reads_the_same(cli, check, two_problems, tmp_path):
    cli("validate", two_problems, "--annotate", "checked")
    copy = tmp_path / "checked" / "referral-7.checked.xlsx"
    original, again = check(two_problems), check(copy)
    assert [(str(p), p.cell) for p in again.problems] == [(str(p), p.cell) for p in original.problems]
    assert again.values == original.values


def test_rechecking_a_checked_copy_replaces_its_checks_sheet(check, two_problems, tmp_path):
    first, _ = annotated_copy(two_problems, check(two_problems).problems, tmp_path / "one")
    second, _ = annotated_copy(first, check(first).problems, tmp_path / "two", name="again")
    wb = load_workbook(second)
    assert wb.sheetnames == ["Checks", "Referral", "Lists", "_safecontext"]
    assert wb["Checks"].max_row == 5


def test_several_problems_on_one_cell_share_one_note(make_form, tmp_path):
    from addin.checks.problems import Problem

    path = make_form("pgi", valid_pgi_values(), valid_pgi_tables())
    query = Problem(str(path), "PGI", "C17", "aware_of_peers", "PGI-021", "query", "first")
    error = Problem(str(path), "PGI", "C17", "aware_of_peers", "PGI-020", "error", "second")
    wb = load_workbook(annotated_copy(path, [query, error], tmp_path / "out")[0])
    assert wb["PGI"]["C17"].comment.text == "PGI-021 first\nPGI-020 second"
    assert wb["PGI"]["C17"].fill.fgColor.rgb == RED  # an error outranks a query
    assert [c.value for c in wb["Checks"]["B"][3:]] == ["PGI-021", "PGI-020"]


def test_problems_without_a_cell_are_listed_without_a_link(check, make_form, tmp_path):
    path = resave(make_form("fap-referral", valid_fap_values(), valid_fap_tables()), tmp_path / "no-upn.xlsx",
                  lambda wb: wb.defined_names.pop("upn"))
    wb = load_workbook(annotated_copy(path, check(path).problems, tmp_path / "out")[0])
    row = [c.value for c in wb["Checks"][4]]
    assert row == ["error", "FAP-013", None, None, "upn", None,
                   "UPN: the workbook's name 'upn' for this field is missing, so it cannot be read. "
                   "Copy the entries into a blank form made by 'safecontext new'."]
    assert wb["Checks"]["D4"].hyperlink is None


def test_table_cell_problem_is_marked_on_its_cell(check, make_form, tmp_path, cells):
    tables = valid_fap_tables() | {"exclusions": [{"date_from": "03/02/2025", "date_to": "05/02/2025", "days": 9}]}
    path = make_form("fap-referral", valid_fap_values(), tables)
    wb = load_workbook(annotated_copy(path, check(path).problems, tmp_path / "out")[0])
    coord = cells("fap-referral")["exclusions_1_days"]
    assert wb["Referral"][coord].fill.fgColor.rgb == BLUE
    assert wb["Checks"]["D4"].hyperlink.location == f"'Referral'!{coord}"
    assert wb["Checks"]["E4"].value == "exclusions.days"


def test_valid_form_gets_a_copy_saying_so(cli, make_form, tmp_path):
    make_form("pgi", valid_pgi_values(), valid_pgi_tables(), name="fine")
    code, _, _ = cli("validate", "fine.xlsx", "--annotate", "out")
    assert code == 0
    wb = load_workbook(tmp_path / "out" / "fine.checked.xlsx")
    assert wb["Checks"]["A1"].value == "No problems found."
    assert wb["Checks"].max_row == 3


def test_same_names_from_two_folders_do_not_overwrite_each_other(cli, make_form, tmp_path):
    make_form("pgi", valid_pgi_values(), valid_pgi_tables(), name="a/form")
    make_form("pgi", valid_pgi_values() | {"requester_name": None}, valid_pgi_tables(), name="b/form")
    assert cli("validate", "a", "b", "--annotate", "out")[0] == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["form-2.checked.xlsx", "form.checked.xlsx"]
    assert load_workbook(tmp_path / "out" / "form-2.checked.xlsx")["Checks"]["B4"].value == "PGI-001"


def test_text_that_looks_like_a_formula_stays_text(cli, make_form, tmp_path):
    """Nothing a sender typed may become a live formula in our copy or a formula in the JSON."""
    make_form("fap-referral", valid_fap_values() | {"preferred_school": FORMULA_TEXT, "referrer_email": FORMULA_TEXT},
              valid_fap_tables(), name="sneaky")
    code, _, _ = cli("validate", "sneaky.xlsx", "--annotate", "out", "--json", "p.json")
    assert code == 1
    message = f"Referrer: email (C163): '{FORMULA_TEXT}' is not an email address"
    problems = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert [(p["code"], p["message"]) for p in problems] == [("FAP-009", message)]

    wb = load_workbook(tmp_path / "out" / "sneaky.checked.xlsx")
    form = wb["Referral"]
    for coord in ("C17", "C163"):
        assert (form[coord].value, form[coord].data_type) == (FORMULA_TEXT, "s")
    checks = wb["Checks"]
    assert (checks["G4"].value, checks["G4"].data_type) == (message, "s")
    assert form["C163"].comment.text == "FAP-009 " + message


def test_a_message_starting_with_equals_is_written_as_text(check, make_form, tmp_path):
    """Cells of the Checks sheet are text even when a value begins with '=' (e.g. a field id or message)."""
    from addin.checks.problems import Problem

    path = make_form("pgi", valid_pgi_values(), valid_pgi_tables())
    odd = Problem(str(path), "PGI", "C7", "=1+1", "PGI-001", "error", "=SUM(1,2)")
    wb = load_workbook(annotated_copy(path, [odd], tmp_path / "out")[0])
    assert [(c.value, c.data_type) for c in wb["Checks"][4][4:7:2]] == [("=1+1", "s"), ("=SUM(1,2)", "s")]


def test_the_checks_sheet_counts_in_words():
    """The Checks sheet's first line reads as a sentence: no "error(s)" or "quer(y/ies)"."""
    from addin.checks.annotate import summary_line
    from addin.checks.problems import ERROR, QUERY, Problem

    def problems(errors, queries):
        return ([Problem("f.xlsx", "Referral", "C5", "upn", "FAP-001", ERROR, "m")] * errors
                + [Problem("f.xlsx", "Referral", "C6", "ward", "FAP-020", QUERY, "m")] * queries)

    tail = " Errors must be fixed before the form can be filed; queries are things to check. Click a cell " \
           "reference to go to it."
    assert summary_line(problems(0, 1)) == "0 errors and 1 query." + tail
    assert summary_line(problems(2, 0)) == "2 errors and 0 queries." + tail
    assert summary_line(problems(1, 3)) == "1 error and 3 queries." + tail
    assert summary_line([]) == "No problems found."
