"""The Contextual Case Review: its declaration is the seed's template, its workbook a sheet per stage with the
template's tables and grids, and every generic command takes it."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.catalogue.case_review.declaration import (AGENCIES, ASPECTS, BEHAVIOURS, CHANGES, DEFINITIONS,
                                                     ENVIRONMENT_VALUES, OUTCOMES, SAFEGUARDED, TIMING)
from addin.forms import get_form
from case_reviews import FORM, valid_review_tables, valid_review_values
from office import offered, uno_python
from test_matrix import convert_to_pdf, soffice

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "002_cffecc785d99bba4.txt"
BLANK = Path(__file__).resolve().parents[1] / "workbooks" / f"{FORM}.xlsx"
STAGES = ["Stage 1 Behaviour", "Stage 2 Contexts", "Stage 3 Response"]


@pytest.mark.skipif(not SEED.exists(), reason="the seeds are not beside this checkout")
def test_the_labels_and_lists_are_the_templates_words():
    """Each heading row of the template (S002:L1996-2300) is a declared list, in the template's order."""
    template = SEED.read_text(encoding="utf-8").splitlines()[1995:2300]
    rows = [line.split("\t") for line in template]
    assert ["Code", "Complainant", "Suspect", "Witness", "Other", "Leader"] in rows
    assert [label for _, label in DEFINITIONS] in rows
    assert ["Behaviour", *(label for _, label in TIMING)] in rows
    assert ["Age", "Gender", "Ethnicity", "Disability", "Sexuality", "LAC", "Offending", "GA", "CIN/CP",
            "Education"] in rows  # the template's ten, with Disability (catalogue §10 B7)
    assert ["Code", "Missing", "No of episodes", "Length of missing", "Reported"] in rows
    lines = [line.rstrip("\t ") for line in template]
    for label in [label for _, label in BEHAVIOURS] + [label for _, label in ASPECTS] + list(AGENCIES) + \
            [label for _, label in OUTCOMES] + [label for _, label in CHANGES]:
        assert label in lines, label
    assert ["Code", "Safeguarded", "Qualitative account"] in rows
    assert "Home (add if more than one)" in lines and "School (insert names)" in lines  # not the slides' "codes"


def test_it_has_no_field_that_names_a_person():
    """Anonymised at input: codes are the only identifiers (no name, UPN, date of birth, address or contact)."""
    form = get_form(FORM)
    columns = [c for t in form.tables for c in t.columns]
    assert {f.type for f in form.fields + columns} <= {"text", "longtext", "choice", "tick", "yesno", "integer",
                                                       "date"}
    ids = [f.id for f in form.fields] + [c.id for c in columns]
    assert not [i for i in ids if re.search(r"name|upn|birth|dob|address|postcode|phone|email", i)]
    assert [f.id for f in form.fields if f.type == "date"] == ["review_date"]


def test_the_blank_has_a_sheet_per_stage_with_the_templates_tables_and_grids():
    wb = load_workbook(BLANK)
    assert wb.sheetnames == [*STAGES, "Lists", "_safecontext"]
    tables = {name: (ws.title, ws.tables[name].ref) for ws in wb.worksheets for name in ws.tables}
    assert tables == {
        "young_people": (STAGES[0], "B16:G26"), "agencies": (STAGES[0], "B28:E36"),
        "characteristics": (STAGES[0], "B60:M70"), "missing": (STAGES[0], "B72:F82"),
        "overview": (STAGES[1], "B7:F23"), "contexts": (STAGES[1], "B25:N41"),
        "engagement": (STAGES[2], "B6:G30"), "interventions": (STAGES[2], "B40:E52"),
        "outcomes": (STAGES[2], "B72:D82")}
    ws = wb[STAGES[0]]
    assert [ws.cell(row=16, column=j).value for j in range(2, 8)] == ["Code *", "Complainant", "Suspect", "Witness",
                                                                      "Other", "Leader"]
    assert [ws.cell(row=46, column=j).value for j in range(3, 6)] == [label for _, label in TIMING]
    assert [str(ws.cell(row=r, column=2).value) for r in range(47, 52)] == [label for _, label in BEHAVIOURS]
    assert wb.defined_names["behaviour_coercive_control_following"].attr_text == "'Stage 1 Behaviour'!$E$51"
    assert wb.defined_names["homes"].attr_text == "'Stage 2 Contexts'!$C$44"
    assert wb.defined_names["change_problem_profile_current"].attr_text == "'Stage 3 Response'!$D$98"
    for sheet in STAGES:
        assert wb[sheet].protection.sheet and wb[sheet].page_setup.orientation == "landscape"


def _list_of(wb, sheet: str, cell: str) -> list[str]:
    """The values of the drop-down on a cell, read from the Lists sheet its validation points at."""
    (dv,) = [dv for dv in wb[sheet].data_validations.dataValidation if cell in dv.sqref]
    assert dv.type == "list"
    letter, first, last = re.fullmatch(r"'Lists'!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)", dv.formula1).groups()
    return [wb["Lists"][f"{letter}{r}"].value for r in range(int(first), int(last) + 1)]


def test_every_choice_and_tick_has_its_drop_down():
    wb = load_workbook(BLANK)
    assert _list_of(wb, STAGES[0], "C17") == ["Yes", "No"]                 # Complainant (a tick)
    assert _list_of(wb, STAGES[0], "C47") == ["Yes", "No"]                 # Physical, prior (a grid tick)
    assert _list_of(wb, STAGES[1], "C8") == list(ENVIRONMENT_VALUES)       # the overview table's environment
    assert _list_of(wb, STAGES[2], "C7") == list(AGENCIES)                 # professional engagement's agency
    assert _list_of(wb, STAGES[2], "C73") == list(SAFEGUARDED) == ["Yes", "No", "Partial"]


@pytest.mark.skipif(soffice() is None or uno_python() is None,
                    reason="LibreOffice and a Python with its uno module are needed")
def test_libreoffice_offers_the_drop_downs(tmp_path):
    found = offered(BLANK, {STAGES[0]: ["C17", "E51"], STAGES[1]: ["C8", "C26"], STAGES[2]: ["C73", "C30"]},
                    tmp_path / "lo")
    assert {k: v["choices"] for k, v in found.items()} == {
        (STAGES[0], "C17"): ["Yes", "No"], (STAGES[0], "E51"): ["Yes", "No"],
        (STAGES[1], "C8"): list(ENVIRONMENT_VALUES), (STAGES[1], "C26"): list(ENVIRONMENT_VALUES),
        (STAGES[2], "C73"): list(SAFEGUARDED), (STAGES[2], "C30"): list(AGENCIES)}


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and pdftotext are needed to print the workbook")
def test_the_blank_prints_every_heading_whole(tmp_path):
    """Each stage prints one page wide: every table's and grid's headings are on the page, none cut."""
    proc = convert_to_pdf(BLANK, tmp_path)
    pdf = tmp_path / f"{FORM}.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                                   text=True).stdout.split())
    form = get_form(FORM)
    words = {w for t in form.tables for c in t.columns for w in c.label.split()}
    words |= {w for _, label in BEHAVIOURS + TIMING + OUTCOMES + CHANGES for w in label.split()}
    missing = sorted(w for w in words if w not in text)
    assert missing == []
    for stage in STAGES:
        assert f"Evidence collection document: {stage}" in text or stage == STAGES[0]


def test_every_command_takes_it_and_a_review_is_identified_by_its_case_code(sc, tmp_path, fillers, config_file):
    blank = tmp_path / "blank.xlsx"
    run = sc("new", FORM, blank, "--config", config_file)
    assert run.returncode == 0 and run.stdout.strip() == (f"Wrote a blank Contextual Case Review – Evidence "
                                                         f"collection document to {blank}")
    fields = json.loads(sc("fields", FORM, "--json").stdout)
    assert [f["id"] for f in fields][:3] == ["review_reference", "review_date", "author"]
    assert next(f for f in fields if f["id"] == "contexts.protective_account")["personal"] is True
    rules = json.loads(sc("rules", FORM, "--json").stdout)
    assert len(rules) == 47 and rules[-1]["code"] == "CCR-056"
    filler = fillers(FORM)
    first = filler.save(tmp_path / "in" / "review.xlsx", valid_review_values(), valid_review_tables())
    run = sc("validate", first, "--config", config_file)
    assert run.returncode == 0
    assert "1 file: 1 valid, 0 valid with queries, 0 with errors, 0 unreadable." in run.stdout
    db = tmp_path / "store.sqlite"
    said = sc("ingest", first, "--db", db, "--config", config_file).stdout
    assert f"Filed 1, unchanged 0, superseded 0, refused 0 into sqlite:///{db}." in said
    said = sc("ingest", first, "--db", db, "--config", config_file).stdout
    assert f"Filed 0, unchanged 1, superseded 0, refused 0 into sqlite:///{db}." in said
    # A colleague corrects it, writing the author's role differently: the same review, version 2.
    corrected = filler.save(tmp_path / "in2" / "review-corrected.xlsx",
                            valid_review_values(author="Safeguarding partnership analyst", homes=2),
                            valid_review_tables())
    said = sc("ingest", corrected, "--db", db, "--config", config_file).stdout
    assert f"Filed 0, unchanged 0, superseded 1, refused 0 into sqlite:///{db}." in said
    status = sc("store", "status", "--db", db).stdout
    assert "Contextual case review: 1 current review, 2 versions in all." in status
    assert re.search(r"│ 2026-autumn\s+│ 1\s+│ 2\s+│", status)
    # The log and the status hold no free text of the review.
    free = [v for f in get_form(FORM).fields if f.personal and isinstance(v := valid_review_values().get(f.id), str)]
    free += [r[c] for t, rows in valid_review_tables().items() for r in rows for c in r
             if get_form(FORM)[t].column(c).personal]
    assert free and not [v for v in free if v in status or v in said]
