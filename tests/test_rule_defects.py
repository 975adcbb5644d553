"""Three defects of issue 10: a rule that raises, drop-down lists that collide, rules of several cells."""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

import addin.excel as sc
import addin.validators.fap_referral as fap_rules
from addin.checks.annotate import annotated_copy
from addin.checks.problems import RuleError
from addin.forms import Field, Form, Section, Table, get_form
from addin.forms.blank import write_blank
from addin.validators import all_rules
from addin.validators.common import error, rowwise
from conftest import valid_fap_tables, valid_fap_values
from fake_xlwings import FakeApp
from test_excel_addin import user_config  # noqa: F401 (fixture: the user's own configuration)

FAP = "fap-referral"


# --- 1. a rule that raises stops the check; it never passes a form -----------------------------------

# A rule with a bug: 'atendance_pct' is misspelt, so its check raises on every row.
MISSPELT = error("FAP-099", "A rule with a bug in its check.", "attendance_pct",
                 rowwise(lambda r: r.atendance_pct >= 0), lambda r, at: "never shown")
# A rule whose check works but whose message has the bug.
BAD_MESSAGE = error("FAP-098", "A rule with a bug in its message.", "attendance_pct",
                    rowwise(lambda r: False), lambda r, at: f"{r.atendance_pct}")
INTERNAL = ("safecontext: internal error in rule FAP-099 (AttributeError: atendance_pct): nothing was checked or "
            "filed; please report it")


@pytest.fixture
def broken(monkeypatch):
    """broken(rule): the FAP form's own rules with a broken one added, as a bug in a release would add it;
    broken(None): the rules as released again (the bug fixed)."""
    released = fap_rules.RULES

    def add(rule):
        monkeypatch.setattr(fap_rules, "RULES", released + [rule] if rule else released)
    return add


@pytest.fixture
def valid_fap(make_form):
    return make_form(FAP, valid_fap_values(), valid_fap_tables(), name="referral")


def test_a_rule_that_raises_stops_the_check_naming_the_rule(broken, valid_fap, config):
    from addin.checks.run import check_files

    assert check_files([valid_fap], config)[0].status == "valid"  # the rules as released
    broken(MISSPELT)
    with pytest.raises(RuleError) as stop:
        check_files([valid_fap], config)
    assert stop.value.code == "FAP-099"
    assert f"safecontext: {stop.value}" == INTERNAL


def test_a_rule_whose_message_raises_stops_the_check_too(broken, valid_fap, config):
    from addin.checks.run import check_files

    broken(BAD_MESSAGE)
    with pytest.raises(RuleError, match=r"^internal error in rule FAP-098 \(AttributeError: atendance_pct\)"):
        check_files([valid_fap], config)


def test_a_rule_naming_a_field_the_form_does_not_have_stops_the_check(broken, valid_fap, config):
    from addin.checks.run import check_files

    broken(error("FAP-097", "A rule marking a misspelt field.", "atendance_pct", rowwise(lambda r: False),
                 lambda r, at: "never shown"))
    with pytest.raises(RuleError, match=r"^internal error in rule FAP-097 \(unknown field: atendance_pct\)"):
        check_files([valid_fap], config)


def test_validate_stops_with_an_internal_error_and_writes_nothing(cli, broken, valid_fap, tmp_path):
    broken(MISSPELT)
    code, out, err = cli("validate", valid_fap, "--json", "p.json", "--annotate", "checked")
    assert (code, out, err.strip()) == (3, "", INTERNAL)
    assert not (tmp_path / "p.json").exists() and not (tmp_path / "checked").exists()


def test_ingest_stops_with_an_internal_error_and_files_nothing(cli, broken, valid_fap, tmp_path):
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    broken(MISSPELT)
    code, out, err = cli("ingest", valid_fap, "--db", db)
    assert (code, err.strip().splitlines()[-1]) == (3, INTERNAL)
    assert "Filed" not in out
    broken(None)
    code, out, _ = cli("ingest", valid_fap, "--db", db)
    assert code == 0 and "Filed 1, unchanged 0," in out  # new now, so nothing was filed before


@pytest.mark.parametrize("button", ["check_this_form", "file_this_form"])
def test_excel_buttons_say_a_rule_failed_and_mark_and_file_nothing(button, broken, valid_fap, user_config):
    excel = FakeApp()
    book = excel.open(valid_fap)
    before = book.sheets["Referral"].colours()
    broken(MISSPELT)
    assert getattr(sc, button)(book) is None
    assert excel.alerts[-1] == {
        "prompt": "SafeContext could not check 'referral.xlsx': rule FAP-099 failed with an internal error "
                  "(AttributeError: atendance_pct). Nothing was marked or filed.\n\nPlease tell your SafeContext "
                  "administrator, naming the rule.", "title": "SafeContext", "mode": "critical"}
    assert book.sheets["Referral"].colours() == before and "Checks" not in book.sheets.names()
    if button == "file_this_form":  # nothing was filed: with the bug fixed, it is filed as new
        broken(None)
        sc.file_this_form(book)
        assert excel.alerts[-1]["prompt"].startswith("Filed 'referral.xlsx' as a new referral")


# --- 2. drop-down lists: columns that share an id keep their own choices -------------------------------

def _dropdown(wb, ws, cell: str) -> list:
    """The values of the drop-down list on `cell` (its data validation's range on the Lists sheet)."""
    (dv,) = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    sheet, ref = dv.formula1.split("!")
    return [c.value for row in wb[sheet.strip("'")][ref.replace("$", "")] for c in row]


def _first_cell(ws, table: str) -> str:
    col, header, _, _ = range_boundaries(ws.tables[table].ref)
    return f"{get_column_letter(col)}{header + 1}"


def test_table_columns_sharing_an_id_keep_their_own_choices(tmp_path, config):
    form = Form("two-tables", "TWO", "Two tables", "1", "Form", sections=(Section("Rows", (
        Table("pets", "Pets", (Field("kind", "Kind", "choice", choices=("Cat", "Dog")),), rows=2),
        Table("cars", "Cars", (Field("kind", "Kind", "choice", choices=("Saloon", "Estate", "Van")),), rows=2),
    )),))
    wb = load_workbook(write_blank(form, tmp_path / "two.xlsx", config))
    ws = wb["Form"]
    assert _dropdown(wb, ws, _first_cell(ws, "pets")) == ["Cat", "Dog"]
    assert _dropdown(wb, ws, _first_cell(ws, "cars")) == ["Saloon", "Estate", "Van"]


# --- 3. a rule of several cells marks every cell it involves ---------------------------------------------

ATTENDANCE = ("attendance_pct", "authorised_absence_pct", "unauthorised_absence_pct")
ERROR_FILL, INPUT_FILL = "00FF9B9B", "00FFFDE7"


@pytest.fixture
def over_100(make_form):
    """Attendance 90% + 7.5% + 5% = 102.5% (FAP-023, an error) and an exclusion of 5 days in 3 school days
    (FAP-032, a query)."""
    exclusion = valid_fap_tables()["exclusions"][0] | {"days": 5}
    return make_form(FAP, valid_fap_values() | {"attendance_pct": 90},
                     valid_fap_tables() | {"exclusions": [exclusion]}, name="over")


def test_a_table_rule_seeing_what_its_form_does_not_have_stops_the_check(broken, valid_fap, config):
    from addin.checks.run import check_files

    broken(error("FAP-096", "A rule reading a misspelt table.", "date_to", rowwise(lambda r: False),
                 lambda r, at: "never shown", table="exclusions", sees=("previous_school",)))
    with pytest.raises(RuleError, match=r"^internal error in rule FAP-096 \(unknown field: previous_school\)"):
        check_files([valid_fap], config)


def test_every_field_a_rule_names_is_a_field_of_its_form():
    """A misspelt field in a rule's declaration fails here, not by marking nothing."""
    for form_id in ("fap-referral", "pgi", "case-review"):
        form = get_form(form_id)
        for rule in all_rules(form):
            ids = {c.id for c in form[rule.table].columns} if rule.table else {f.id for f in form.fields}
            assert {f for f in (rule.field, *rule.also) if f} <= ids, rule.code
            assert set(rule.sees) <= {f.id for f in form.fields} | {t.id for t in form.tables}, rule.code


def test_a_rule_of_several_cells_names_them_all(check, over_100, cells):
    at = cells(FAP)
    found = {p.code: p for p in check(over_100).problems}
    assert found["FAP-023"].cell == at["attendance_pct"]
    assert found["FAP-023"].cells == [at[f] for f in ATTENDANCE]
    assert found["FAP-032"].cells == [at[f"exclusions_1_{c}"] for c in ("days", "date_from", "date_to")]


def test_json_lists_every_cell_of_a_problem(cli, over_100, cells, tmp_path):
    at = cells(FAP)
    cli("validate", over_100, "--json", "p.json")
    problems = {p["code"]: p for p in json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))}
    assert list(problems["FAP-023"])[:5] == ["file", "sheet", "cell", "cells", "field"]
    assert (problems["FAP-023"]["cell"], problems["FAP-023"]["cells"]) == (at["attendance_pct"],
                                                                          [at[f] for f in ATTENDANCE])
    assert problems["FAP-032"]["cells"] == [at[f"exclusions_1_{c}"] for c in ("days", "date_from", "date_to")]


def test_annotated_copy_marks_every_cell_of_a_problem(check, over_100, cells, tmp_path):
    at = cells(FAP)
    problems = check(over_100).problems
    ws = load_workbook(annotated_copy(over_100, problems, tmp_path / "out")[0])["Referral"]
    (p,) = [p for p in problems if p.code == "FAP-023"]
    for f in ATTENDANCE:
        assert ws[at[f]].fill.fgColor.rgb == ERROR_FILL, f
        assert ws[at[f]].comment.text == str(p)
    assert ws[at["last_attendance_date"]].fill.fgColor.rgb == INPUT_FILL
    assert ws[at["exclusions_1_date_from"]].comment.text.startswith("FAP-032 ")


def test_excel_check_marks_every_cell_of_a_problem(over_100, cells, user_config):
    at = cells(FAP)
    excel = FakeApp()
    book = excel.open(over_100)
    sheet = book.sheets["Referral"]
    before = sheet.colours()
    sc.check_this_form(book)
    changed = {k for k, v in sheet.colours().items() if before.get(k) != v}
    assert changed == {at[f] for f in ATTENDANCE} | {at[f"exclusions_1_{c}"] for c in ("days", "date_from", "date_to")}
    assert sheet.notes()[at["unauthorised_absence_pct"]].startswith("FAP-023 ")
