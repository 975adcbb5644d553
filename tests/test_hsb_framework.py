"""The contextual HSB meeting framework: the A3 workbook laid out like the paper table, the factor
drop-down that follows its row's context and type (openpyxl and LibreOffice), the round trip, and filing
(a review is a record of its own; a correction supersedes, with the history kept)."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.catalogue.hsb_framework.declaration import COLUMNS, FORM
from addin.catalogue.hsb_framework.factors import BY_CONTEXT_AND_TYPE, CONTEXTS, factors
from addin.forms.blank import build
from hsb_forms import PERSON_ID, valid_hsb_tables, valid_hsb_values
from office import offered, uno_python
from test_matrix import convert_to_pdf, soffice
from test_store import store  # noqa: F401 (fixture: SQLite and PostgreSQL)

ID = "hsb-framework"
GRID_SHEET = "Contextual table"


def test_new_writes_the_framework_with_its_contextual_table(cli, tmp_path):
    path = tmp_path / "meeting.xlsx"
    assert cli("new", ID, path) == (0, f"Wrote a blank Contextual HSB Meeting Framework to {path}\n", "")
    wb = load_workbook(path)
    assert wb.sheetnames == ["HSB meeting", GRID_SHEET, "Lists", "_safecontext"]
    assert sorted(wb["HSB meeting"].tables) == ["challenges", "factors", "interventions"]


def test_every_sheet_prints_on_a3_landscape_one_page_wide(config):
    wb, _ = build(FORM, config)
    for ws in (wb["HSB meeting"], wb[GRID_SHEET]):
        assert (int(ws.page_setup.paperSize), ws.page_setup.orientation) == (8, "landscape")  # 8: A3, ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert wb[GRID_SHEET].page_setup.fitToHeight == 1  # the table on one page, as on paper


def test_the_contextual_table_is_laid_out_like_the_paper_table(config):
    """Contexts down the left, the nine columns across (S002:L3580-3587), a cell per context and column."""
    wb, layout = build(FORM, config)
    ws = wb[GRID_SHEET]
    head = layout.cells["grid_individual_situation"]
    assert head == "C6" and [ws.cell(row=5, column=3 + j).value for j in range(9)] == [
        "Young person's current situation", "Young person's HSB", "Vulnerability factors", "Risk factors",
        "Resilience factors", "Strengths", "Professional involvement to date", "Planned actions / interventions",
        "Challenges / barriers to intervention"]
    assert [str(ws.cell(row=6 + i, column=2).value).split("\n")[0] for i in range(5)] == [
        "Individual young person's characteristics", "Family / Home(s) characteristics", "Peer group(s)",
        "School(s)", "Neighbourhood spaces (specify)"]
    for i, (key, _, _, _) in enumerate(CONTEXTS):
        for j, (column, _, _) in enumerate(COLUMNS):
            fid = f"grid_{key}_{column}"
            assert (layout.sheets[fid], layout.cells[fid]) == (GRID_SHEET, f"{'CDEFGHIJK'[j]}{6 + i}")
            assert wb.defined_names[fid].attr_text == f"'{GRID_SHEET}'!${'CDEFGHIJK'[j]}${6 + i}"
    assert (ws["B11"].value, layout.cells["contexts_summary"]) == ("Contexts summary", "C11")
    assert "C11:K11" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["B3"].value == ('="Reference number: "&reference&"   ·   "&"Date of the meeting: "&IF(meeting_date="",'
                              '"",TEXT(meeting_date,"dd/mm/yyyy"))&"   ·   "&"Group or sole offence: "&offence_context')
    assert ws.print_area == "'Contextual table'!$A$1:$K$11"


def test_the_input_message_of_a_grid_cell_is_its_agenda_item(config):
    wb, _ = build(FORM, config)
    prompts = {str(dv.sqref): dv.prompt for dv in wb[GRID_SHEET].data_validations.dataValidation}
    assert prompts["J8"] == ("Agenda g) Decisions about interventions in this context. Give each a traffic light in "
                             "the Interventions table.")


def test_every_field_and_table_round_trips_with_what_people_type(fillers, check, tmp_path):
    values = valid_hsb_values(**{f.id: f"{f.id} text" for f in FORM.fields if f.id.startswith("grid_")})
    tables = valid_hsb_tables()
    tables["factors"].append({"context": "Peer group", "type": "Risk", "factor": "other", "other": "Older peers",
                              "note": "Seen by police"})
    tables["challenges"][0]["note"] = "Mother declined twice"
    res = check(fillers(ID).save(tmp_path / "m.xlsx", values, tables))
    assert res.problems == []
    expected = {f.id: None for f in FORM.fields} | {f.id: False for f in FORM.fields if f.type == "tick"}
    expected |= values | {"ethnicity": "WBRI - White British"}
    assert res.values == expected
    assert [(r["_row"], r["factor"], r["other"]) for r in res.tables["factors"]] == [
        (1, "IND-V02 - Learning disabilities", None),
        (2, "PEER-R07 - Evidence of sexual bullying and/or distributing sexually inappropriate images", None),
        (3, "SCH-S03 - Clearly applied bullying policies and procedures", None),
        (4, "Other", "Older peers")]
    assert res.tables["interventions"] == [{"_row": i + 1, **row} for i, row in enumerate(tables["interventions"])]
    assert res.tables["challenges"] == [{"_row": 1, "challenge": "Non-engagement from family",
                                         "context": "Family / Home", "note": "Mother declined twice"}]


# --- the factor drop-down: only the factors of the row's context and type -----------------------------------

def test_the_factor_lists_are_appendix_4s_96_factors_and_other():
    assert [len(entries) - 1 for _, entries in BY_CONTEXT_AND_TYPE] == [6, 12, 7, 8, 5, 3, 8, 7, 3, 8, 5, 8, 5, 4, 7]
    assert factors("School", "Resilience")[3] == "SCH-S04 - Response to corridor cultures are consistent"
    assert factors("Individual", "Risk")[7] == ("IND-R08 - Cold, callous attitude towards offending & appears to "
                                                "lack of empathy")


def test_the_factor_drop_down_follows_the_rows_context_and_type_in_the_file(config):
    wb, layout = build(FORM, config)
    ws = wb["HSB meeting"]
    (dv,) = [d for d in ws.data_validations.dataValidation if "INDIRECT" in (d.formula1 or "")]
    assert (str(dv.sqref), dv.type) == ("D63:D78", "list")
    assert dv.formula1 == ('INDIRECT(IFERROR("choices_factors_factor_"&MATCH($B63,\'Lists\'!$J$2:$J$6,0)&"_"&'
                           'MATCH($C63,\'Lists\'!$K$2:$K$4,0),"choices_factors_factor"))')
    lists = wb["Lists"]
    assert [lists.cell(row=i, column=10).value for i in range(2, 7)] == [v for _, v, _, _ in CONTEXTS]
    assert [lists.cell(row=i, column=11).value for i in range(2, 5)] == ["Vulnerability", "Risk", "Resilience"]

    def named(name):
        ((sheet, ref),) = wb.defined_names[name].destinations
        return [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]

    for i, (_, context, _, _) in enumerate(CONTEXTS, start=1):
        for j, kind in enumerate(("Vulnerability", "Risk", "Resilience"), start=1):
            assert named(f"choices_factors_factor_{i}_{j}") == [*factors(context, kind), "Other"]
    assert len(named("choices_factors_factor")) == 97  # while the row's context or type is blank


@pytest.mark.skipif(soffice() is None or uno_python() is None,
                    reason="LibreOffice and a Python with its uno module are needed")
def test_libreoffice_offers_exactly_the_factors_of_the_rows_context_and_type(fillers, tmp_path):
    combos = [key for key, _ in BY_CONTEXT_AND_TYPE]
    rows = [{"context": c, "type": t} for c, t in combos]  # 15 rows, one per context and type; row 16 blank
    path = fillers(ID).save(tmp_path / "m.xlsx", valid_hsb_values(), valid_hsb_tables(factors=rows))
    found = offered(path, {"HSB meeting": [f"D{63 + i}" for i in range(16)]}, tmp_path / "lo")
    for i, (context, kind) in enumerate(combos):
        assert found["HSB meeting", f"D{63 + i}"] == {"type": "LIST", "choices": [*factors(context, kind), "Other"]}, \
            (context, kind)
    assert len(found["HSB meeting", "D78"]["choices"]) == 97  # context and type blank: every factor


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and pdftotext are needed to print the workbook")
def test_the_blank_prints_on_a3_with_no_column_cut(tmp_path):
    blank = Path(__file__).resolve().parents[1] / "workbooks" / f"{ID}.xlsx"
    proc = convert_to_pdf(blank, tmp_path)
    pdf = tmp_path / f"{ID}.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "1190.55 x 841.89 pts (A3)" in info  # landscape
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout.split("\f")
    grid = [p for p in pages if "Points for discussion" in p or "points for discussion" in p]
    assert len(grid) == 1  # the contextual table on one page
    flat = " ".join(grid[0].split())
    for _, label, _ in COLUMNS:
        for word in label.split():
            assert word in flat, word
    assert "Contexts summary" in flat
    # Each table's last column prints on the same page as its first: one page wide, nothing cut.
    for first, last in (("Factor *", "Note"), ("Intervention *", "Review")):
        assert any(first in p and last in p for p in pages), (first, last)


# --- filing: a meeting is its reference and date ------------------------------------------------------------

def _ingest(cli, store, config_file, *paths):
    code, out, err = cli("ingest", *paths, "--db", store, "--config", config_file)
    assert err == "", err
    return code, out


def test_a_review_is_a_record_of_its_own_and_a_correction_supersedes(fillers, cli, store, config_file, tmp_path):
    from addin.store import load_filings, load_records

    filler = fillers(ID)
    first = filler.save(tmp_path / "a" / "initial.xlsx", valid_hsb_values(), valid_hsb_tables())
    review = filler.save(tmp_path / "b" / "review.xlsx",
                         valid_hsb_values(meeting_type="Review", meeting_date=dt.date(2027, 1, 11),
                                          hackett_level="Abusive"), valid_hsb_tables())
    assert _ingest(cli, store, config_file, first, review)[0] == 0
    filed = load_records(store, form=ID)
    assert [(r.record_key, r.term, r.meeting_type) for r in filed.itertuples()] == [
        ("ref:HSB-0042|2026-10-05", "2026-autumn", "Initial"), ("ref:HSB-0042|2027-01-11", "2027-spring", "Review")]
    # The initial meeting's workbook corrected: it replaces that meeting's record, not the review's.
    fixed = filler.save(tmp_path / "c" / "initial-corrected.xlsx", valid_hsb_values(age=15), valid_hsb_tables())
    code, out = _ingest(cli, store, config_file, fixed, review)
    assert code == 0 and "Filed 0, unchanged 1, superseded 1, refused 0" in out
    every = load_records(store, form=ID, history=True)
    assert [(r.record_key, r.version, r.is_current, r.age) for r in every.itertuples()] == [
        ("ref:HSB-0042|2026-10-05", 1, False, 14), ("ref:HSB-0042|2026-10-05", 2, True, 15),
        ("ref:HSB-0042|2027-01-11", 1, True, 14)]
    log = load_filings(store).sort_values("id")
    assert list(log["outcome"]) == ["filed", "filed", "superseded", "unchanged"]
    assert set(log["form"]) == {ID}


def test_a_framework_without_its_meeting_date_is_refused_saying_so(fillers, cli, store, config_file, tmp_path):
    path = fillers(ID).save(tmp_path / "m.xlsx", valid_hsb_values(meeting_date=None), valid_hsb_tables())
    code, out = _ingest(cli, store, config_file, path)
    assert code == 1
    assert "error HSB-001 Date of the meeting (C9): required, but blank; please fill it in" in out
    assert "Filed 0, unchanged 0, superseded 0, refused 1" in out


def test_the_person_id_never_appears_in_what_filing_writes_or_says(fillers, cli, store, config_file, tmp_path,
                                                                   caplog):
    import logging

    from addin.store import load_filings, load_records

    caplog.set_level(logging.DEBUG)
    path = fillers(ID).save(tmp_path / "m.xlsx", valid_hsb_values(), valid_hsb_tables())
    code, out = _ingest(cli, store, config_file, path)
    assert code == 0 and PERSON_ID not in out + caplog.text
    assert list(load_records(store, form=ID)["person_id"]) == [PERSON_ID]  # kept in the store, to link records
    code, status, _ = cli("store", "status", "--db", store, "--config", config_file)
    assert code == 0 and "HSB meeting framework: 1 current meeting, 1 version in all." in status
    assert PERSON_ID not in status
    assert PERSON_ID not in load_filings(store).to_csv()
    code, out, _ = cli("validate", path, "--json", tmp_path / "p.json")
    assert code == 0 and PERSON_ID not in out + (tmp_path / "p.json").read_text()


def test_the_data_dictionary_lists_every_cell_of_the_contextual_table(cli):
    code, out, _ = cli("fields", ID, "--json")
    assert code == 0
    entries = {e["id"]: e for e in json.loads(out)}
    assert [i for i in entries if i.startswith("grid_peer_")] == [f"grid_peer_{c}" for c, _, _ in COLUMNS]
    assert {k: entries["grid_peer_actions"][k] for k in ("label", "section", "kind", "type", "personal", "leaves",
                                                         "defined_name")} == {
        "label": "Contextual table, Peer group(s): Planned actions / interventions",
        "section": "Contextual table: points for discussion / recording at HSB MAP meeting", "kind": "field",
        "type": "longtext", "personal": True, "leaves": "drop", "defined_name": "grid_peer_actions"}
    assert (entries["person_id"]["personal"], entries["person_id"]["leaves"]) == (True, "hash")
    assert len(entries["factors.factor"]["choices"]) == 97
    assert set(entries) == {f.id for f in FORM.fields} | {t.id for t in FORM.tables} | {
        f"{t.id}.{c.id}" for t in FORM.tables for c in t.columns}


def test_an_annotated_copy_marks_the_gap_on_the_contextual_table(fillers, cli, tmp_path):
    tables = valid_hsb_tables(interventions=valid_hsb_tables()["interventions"][:1])  # none in the peer group
    path = fillers(ID).save(tmp_path / "gap.xlsx", valid_hsb_values(), tables)
    code, out, _ = cli("validate", path, "--annotate", tmp_path / "checked")
    assert code == 0 and "1 annotated copy written to" in out
    wb = load_workbook(tmp_path / "checked" / "gap.checked.xlsx")
    rows = [[c.value for c in row] for row in wb["Checks"].iter_rows(min_row=4, max_col=6)]
    assert rows == [["query", "HSB-032", GRID_SHEET, "J8", "Contextual table, Peer group(s): Planned actions / "
                     "interventions", "Contextual table: points for discussion / recording at HSB MAP meeting"]]
    grid = wb[GRID_SHEET]
    assert {c: grid[c].fill.fgColor.rgb for c in ("J8", "E8", "F8", "J7")} == {
        "J8": "00BDD7EE", "E8": "00BDD7EE", "F8": "00BDD7EE", "J7": "00FFFDE7"}  # the gap and its factor cells


@pytest.mark.parametrize("line, message", [
    ('hsb_reference_pattern = "[A-Z"', "hsb_reference_pattern is not a regular expression (the default is "
                                       "\"[A-Z]{2,5}-[0-9]{3,6}\")."),
    ('sites = "North"', "sites must be a list of names, e.g. sites = [\"North\", \"South\"]."),
])
def test_a_bad_sites_list_or_reference_pattern_is_refused_saying_how_to_fix_it(line, message, tmp_path):
    from addin.config import ConfigError, demo_text, load_config

    key = line.split(" =")[0]
    text = "\n".join(x for x in demo_text().splitlines() if not x.startswith(key)) + f"\n{line}\n"
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(e.value) == f"{path}: {message}"


def test_without_a_sites_list_the_authority_is_the_one_site(tmp_path):
    from addin.config import demo_text, load_config

    path = tmp_path / "c.toml"
    path.write_text("\n".join(x for x in demo_text().splitlines() if not x.startswith("sites")), encoding="utf-8")
    cfg = load_config(path)
    assert cfg.lists()["sites"] == (cfg.authority,)
