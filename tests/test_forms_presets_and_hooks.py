"""Two generic pieces any form package may use, shown on a throwaway package written here: preset rows that fix
several columns (Table.preset of tuples), and the package's `workbook` hook adding to its blank."""
from __future__ import annotations

import textwrap

import pytest
from openpyxl import load_workbook

PACKAGE = '''
from addin.forms.model import Field as F, Form, Section, Table
from addin.forms.plugin import FormPlugin, Identity

FORM = Form(id="checklist", code="CL", title="Checklist", version="1", sheet="List", sections=(
    Section("Checklist", (
        F("reference", "Reference", required=True),
        F("checked_on", "Checked on", "date", required=True),
        Table("items", "Items", rows=0, preset=(("A1", "Doors locked"), ("A2", "Lights off"), "B1"), columns=(
            F("code", "Code"), F("what", "What"), F("done", "Done", "yesno"))),
    )),
))
CALLS = []


def add_notes(wb, layout, config):
    CALLS.append(sorted(layout.tables))
    wb.create_sheet("Notes")["A1"] = config.authority


RULES = []  # no rules of its own
PLUGIN = FormPlugin(form=FORM, rules="checklist_pkg", identity=Identity(number="reference",
                    term_date="checked_on"), name="Checklist", workbook=add_notes)
'''


@pytest.fixture
def checklist(tmp_path, monkeypatch):
    (tmp_path / "checklist_pkg.py").write_text(textwrap.dedent(PACKAGE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("SAFECONTEXT_FORMS", "checklist_pkg")
    import checklist_pkg

    return checklist_pkg


def test_a_preset_row_fixes_its_first_columns_and_is_no_entry_until_something_is_typed_beside_it(
        checklist, config, tmp_path):
    from addin.checks.run import check_files
    from addin.forms.fill import Filler

    t = checklist.FORM["items"]
    assert [t.fixed(i) for i in range(4)] == [("A1", "Doors locked"), ("A2", "Lights off"), ("B1",), ()]
    assert t.preset_columns == ("code", "what")
    filler = Filler(checklist.FORM, config)
    path = filler.save(tmp_path / "c.xlsx", {"reference": "C-1", "checked_on": "01/12/2026"},
                       {"items": [{}, {"done": "Yes"}, {"done": "No"}]})
    ws = load_workbook(path)["List"]
    header, col = filler.layout.tables["items"]
    assert [[ws.cell(row=header + i, column=col + j).value for j in range(3)] for i in (1, 2, 3)] == [
        ["A1", "Doors locked", None], ["A2", "Lights off", "Yes"], ["B1", None, "No"]]
    (result,) = check_files([path], config)
    assert result.tables["items"] == [{"_row": 2, "code": "A2", "what": "Lights off", "done": True},
                                      {"_row": 3, "code": "B1", "what": None, "done": False}]


def test_the_package_hook_adds_to_its_blank(checklist, config, tmp_path):
    from addin.forms.blank import write_blank

    checklist.CALLS.clear()
    wb = load_workbook(write_blank(checklist.FORM, tmp_path / "blank.xlsx", config))
    assert checklist.CALLS == [["items"]]
    assert wb.sheetnames[:2] == ["List", "Lists"] and wb["Notes"]["A1"].value == config.authority
