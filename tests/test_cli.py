"""The `safecontext` command line, as a user runs it."""
from __future__ import annotations

import json
import re
import zipfile

import pytest
from openpyxl import Workbook

from addin.forms import get_form
from addin.validators import all_rules
from conftest import resave, rewrite_zip, valid_fap_tables, valid_fap_values, valid_pgi_tables, valid_pgi_values

# Field ids later work (store, matrix, briefing) relies on: they must never disappear or be renamed.
CONTRACT_FIELDS = (
    "upn", "date_of_birth", "gender", "ethnicity", "year_group", "school", "postcode", "ward", "referral_date",
    "open_to_social_care", "concern_cse", "concern_serious_youth_violence", "concern_gangs", "concern_hsb",
    "concern_relationship_abuse", "concern_sexual_bullying", "concern_missing_education", "concern_missing_home",
)
JSON_KEYS = ["file", "sheet", "cell", "cells", "field", "code", "severity", "message", "form"]


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


# --- fields and rules ------------------------------------------------------------------------------

def test_fields_json_is_the_data_dictionary(sc, config):
    run = sc("fields", "fap-referral", "--json")
    assert run.returncode == 0, run.stderr
    entries = json.loads(run.stdout)
    by_id = {e["id"]: e for e in entries}
    for fid in CONTRACT_FIELDS:
        assert by_id[fid]["kind"] == "field" and by_id[fid]["defined_name"] == fid
    form = get_form("fap-referral")
    assert [e["id"] for e in entries if e["kind"] == "field"] == [f.id for f in form.fields]
    assert [e["id"] for e in entries if e["kind"] == "table"] == [t.id for t in form.tables]
    assert by_id["upn"] | {"help": ""} == {
        "id": "upn", "label": "UPN", "section": "1. Referral & Recommendations", "kind": "field", "type": "upn",
        "choices": [], "choices_from": None, "required": True, "personal": True, "leaves": "hash", "help": "", "min": None,
        "max": None, "defined_name": "upn"}
    assert by_id["school"]["choices"] == list(config.schools) and by_id["school"]["choices_from"] == "schools"
    assert by_id["ward"]["choices"] == list(config.wards)
    assert by_id["concern_cse"]["choices"] == ["Yes", "No"]
    assert by_id["ethnicity"]["choices"][0] == "WBRI - White British"
    assert by_id["year_group"]["min"] == 7 and by_id["year_group"]["max"] == 11
    assert by_id["other_agencies"]["preset_rows"] == ["YOS", "Police", "CAMHS", "Education Psychology", "Other (state)"]


@pytest.mark.parametrize("form_id", ["fap-referral", "pgi"])
def test_fields_json_structured_references_match_the_workbook(form_id, cli, fillers):
    """'exclusions[From]' style references name real table headers (required columns end in ' *')."""
    code, out, _ = cli("fields", form_id, "--json")
    assert code == 0
    ws = fillers(form_id).ws
    headers = {t.displayName: [c.name for c in t.tableColumns] for t in ws.tables.values()}
    columns = [e for e in json.loads(out) if e["kind"] == "table column"]
    assert columns
    for e in columns:
        table, _, column = e["id"].partition(".")
        assert e["defined_name"].startswith(table + "[") and e["defined_name"][len(table) + 1:-1] in headers[table]
    assert {e["defined_name"] for e in columns} >= (
        {"previous_schools[Name of school *]"} if form_id == "fap-referral" else {"peers[Name *]"})


def test_fields_table_lists_every_field(cli):
    code, out, _ = cli("fields", "pgi")
    assert code == 0
    for f in get_form("pgi").fields:
        assert f.id in out


@pytest.mark.parametrize("form_id", ["fap-referral", "pgi"])
def test_rules_lists_every_rule(form_id, cli):
    code, out, _ = cli("rules", form_id, "--json")
    assert code == 0
    listed = json.loads(out)
    rules = all_rules(get_form(form_id))
    assert listed == [{"code": r.code, "severity": r.severity, "checks": r.title} for r in rules]
    code, table, _ = cli("rules", form_id)
    assert code == 0
    for r in rules:
        assert f"│ {r.code} │ {r.severity:8} │ {r.title}" in table


def test_rules_real_process(sc):
    run = sc("rules", "pgi", "--json")
    assert run.returncode == 0
    assert [r["code"] for r in json.loads(run.stdout)] == [
        "PGI-001", "PGI-002", "PGI-003", "PGI-004", "PGI-007", "PGI-013", "PGI-014", "PGI-015", "PGI-020",
        "PGI-021"]
    fap = json.loads(sc("rules", "fap-referral", "--json").stdout)
    assert {"code": "FAP-020", "severity": "query",
            "checks": "Date of birth should match the year group (age on 31 August)."} in fap


def test_unknown_form(cli):
    assert cli("rules", "hsb") == (2, "", "safecontext: unknown form 'hsb'. Forms: fap-referral, pgi, hsb-framework, hsb-audit, case-review ('safecontext forms' lists them).\n")


def test_forms_lists_the_registered_forms(cli):
    code, stdout, stderr = cli("forms", "--json")
    assert (code, stderr) == (0, "")
    assert json.loads(stdout) == [
        {"id": "fap-referral", "title": "Secondary Referral Form to Fair Access Pupil Placement Panel",
         "version": "2015-16.1", "name": "FAP referral", "older_versions": []},
        {"id": "pgi", "title": "Peer Group Information Capture Form", "version": "2016.2", "name": "PGI form",
         "older_versions": ["2016.1"]},
        {"id": "hsb-framework", "title": "Contextual HSB Meeting Framework", "version": "2017.1",
         "name": "HSB meeting framework", "older_versions": []},
        {"id": "hsb-audit", "title": "NSPCC HSB framework audit", "version": "2019.1", "name": "NSPCC HSB audit",
         "older_versions": []},
        {"id": "case-review", "title": "Contextual Case Review – Evidence collection document", "version": "2017.1",
         "name": "Contextual case review", "older_versions": []},
    ]


def test_no_arguments_shows_help(sc):
    run = sc()
    assert run.returncode == 2
    assert "Usage: safecontext" in run.stdout + run.stderr
    assert "validate" in run.stdout + run.stderr and "Traceback" not in run.stdout + run.stderr


def _every_command():
    """Every command and group of the CLI, as the words a user types: ["validate"], ["pgi", "request"], ..."""
    import typer

    from addin.cli import whole_app

    def walk(cmd, path):
        yield path
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            yield from walk(sub, path + [name])

    return list(walk(typer.main.get_command(whole_app()), []))


def test_help_shows_arguments_by_name_and_wraps_between_words(cli, monkeypatch):
    """--help of every command: no <list[Path]>, <str>, <bool> or {PATH} placeholders, ranges in words, no
    word or [default: ...] bracket broken across lines, at a narrow terminal too."""
    commands = _every_command()
    assert ["pgi", "request"] in commands and ["store", "restore"] in commands and len(commands) > 20
    for columns in ("60", "200"):
        for words in commands:
            monkeypatch.setenv("COLUMNS", columns)
            code, out, err = cli(*words, "--help")
            assert (code, err) == (0, ""), words
            assert not re.search(r"<(list|str|path|int|bool|float)\b|\{[A-Z]+\}|x[<>]=|[a-z]\.\.\.$", out, re.M), (words, out)
            for line, after in zip(out.splitlines(), out.splitlines()[1:]):
                # a line never ends inside a word (r / eport_templates), on a hyphen, or inside a bracket
                assert not line.endswith("-") and line.count("[") == line.count("]"), (words, line, after)
    monkeypatch.setenv("COLUMNS", "80")
    assert cli("validate", "--help")[1].splitlines()[:8] == [
        "Usage: safecontext validate [OPTIONS] PATH...",
        "",
        "  Check forms. Exit 0: all valid (queries allowed); 1: a form has errors; 2: a",
        "  file could not be read.",
        "",
        "Arguments:",
        "  PATH...  Workbooks or folders of workbooks.  [required]",
        "",
    ]
    monkeypatch.setenv("COLUMNS", "60")
    out = cli("store", "status", "--help")[1]
    assert ("  --last N           How many of the latest filings to\n"
            "                     list.  [default: 10; at least 1]\n") in out
    assert cli("demo", "--help")[1].startswith("Usage: safecontext demo [OPTIONS] [FOLDER]\n")
    monkeypatch.setenv("COLUMNS", "80")
    assert "  restore  Make a filed version current on purpose (such as a form filed as\n" in cli("store", "--help")[1]


# --- new and init ----------------------------------------------------------------------------------

def test_new_writes_a_blank_form_that_reads_back(cli, check, tmp_path):
    code, out, _ = cli("new", "pgi", "forms/blank-pgi.xlsx")
    assert (code, out) == (0, "Wrote a blank Peer Group Information Capture Form to forms/blank-pgi.xlsx\n")
    result = check(tmp_path / "forms" / "blank-pgi.xlsx")
    assert result.form_id == "pgi" and {p.code for p in result.problems} == {"PGI-001"}


def test_new_refuses_to_overwrite(cli, tmp_path):
    (tmp_path / "f.xlsx").write_bytes(b"keep me")
    assert cli("new", "fap-referral", "f.xlsx") == (
        2, "", "safecontext: f.xlsx: already exists. Choose another name or add --force to overwrite it.\n")
    assert (tmp_path / "f.xlsx").read_bytes() == b"keep me"
    assert cli("new", "fap-referral", "f.xlsx", "--force")[0] == 0
    assert zipfile.is_zipfile(tmp_path / "f.xlsx")


def test_new_needs_xlsx(cli):
    assert cli("new", "pgi", "form.xls") == (2, "", "safecontext: form.xls: the file name must end in .xlsx.\n")


def test_init_writes_the_demo_configuration_to_edit(cli, tmp_path):
    code, out, _ = cli("init", "my.toml")
    assert (code, out) == (0, "Wrote my.toml. Replace the fictional authority, schools and wards with your own.\n")
    assert "Ashbridge Borough Council" in (tmp_path / "my.toml").read_text(encoding="utf-8")
    assert cli("init", "my.toml")[2] == "safecontext: my.toml: already exists. Edit it, or add --force to start again.\n"


def test_validate_with_a_missing_config_file(cli, make_form):
    path = make_form("pgi", valid_pgi_values(), valid_pgi_tables())
    assert cli("validate", path, "--config", "nope.toml") == (
        2, "", "safecontext: nope.toml: configuration file not found. Run 'safecontext init nope.toml' to create one.\n")


def test_validate_uses_the_config_schools(cli, make_form, tmp_path):
    """A school from the demo list is not in the authority's own list."""
    (tmp_path / "la.toml").write_text('authority = "Test LA"\nschools = ["Only School"]\nwards = ["Only Ward"]\n',
                                      encoding="utf-8")
    path = make_form("fap-referral", valid_fap_values(), valid_fap_tables())
    code, out, _ = cli("validate", path, "--config", "la.toml")
    assert code == 1
    assert ("  error FAP-004 Current provision/school (C16): 'Brookfield High School' is not one of the choices "
            "(Only School); pick one from the drop-down") in lines(out)


# --- validate: exit codes, output, JSON, folders ----------------------------------------------------

def test_validate_valid_form_exits_0(sc, make_form):
    make_form("fap-referral", valid_fap_values(), valid_fap_tables(), name="good")
    run = sc("validate", "good.xlsx")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 file: 1 valid, 0 valid with queries, 0 with errors, 0 unreadable." in lines(run.stdout)
    assert run.stderr == ""


def test_emoji_codes_in_a_file_name_are_printed_as_spelt(cli, make_form):
    """rich would turn ":fire:" into an emoji; a file name (or a school in a message) is shown as it is spelt."""
    make_form("fap-referral", valid_fap_values() | {"year_group": 9}, valid_fap_tables(), name="Year 7 :fire: drill")
    code, out, err = cli("validate", "Year 7 :fire: drill.xlsx")
    assert code == 0, out + err
    assert "Year 7 :fire: drill.xlsx" in lines(out)
    assert "\N{FIRE}" not in out


def test_validate_queries_only_exits_0(cli, make_form):
    make_form("fap-referral", valid_fap_values() | {"year_group": 9}, valid_fap_tables(), name="query")
    code, out, err = cli("validate", "query.xlsx")
    assert code == 0
    assert lines(out)[-3:] == [
        "query.xlsx",
        "  query FAP-020 Date of birth (C12): 01/05/2012 means Year 8 in 2024/25, but Year group (C14) says 9; "
        "check both",
        "1 file: 0 valid, 1 valid with queries, 0 with errors, 0 unreadable.",
    ]


def test_validate_errors_exit_1(cli, make_form):
    make_form("fap-referral", valid_fap_values() | {"child_name": None}, valid_fap_tables(), name="bad")
    code, out, _ = cli("validate", "bad.xlsx")
    assert code == 1
    assert lines(out)[-3:] == [
        "bad.xlsx",
        "  error FAP-001 Name (C9): required, but blank; please fill it in",
        "1 file: 0 valid, 0 valid with queries, 1 with errors, 0 unreadable.",
    ]


def test_validate_json(cli, make_form, tmp_path):
    make_form("fap-referral", valid_fap_values() | {"gender": "M", "year_group": 9}, valid_fap_tables(), name="a")
    make_form("pgi", valid_pgi_values(), valid_pgi_tables(), name="b")
    (tmp_path / "c.xlsx").write_text("not a workbook")
    code, out, _ = cli("validate", "a.xlsx", "b.xlsx", "c.xlsx", "--json", "out/problems.json")
    assert code == 2
    assert "Problems written to out/problems.json" in lines(out)
    problems = json.loads((tmp_path / "out" / "problems.json").read_text(encoding="utf-8"))
    assert all(list(p) == JSON_KEYS for p in problems)
    assert problems == [
        {"file": "a.xlsx", "sheet": "Referral", "cell": "C12", "cells": ["C12", "C14"], "field": "date_of_birth",
         "code": "FAP-020",
         "severity": "query", "message": "Date of birth (C12): 01/05/2012 means Year 8 in 2024/25, but Year group "
                                         "(C14) says 9; check both", "form": "fap-referral"},
        {"file": "a.xlsx", "sheet": "Referral", "cell": "C13", "cells": ["C13"], "field": "gender", "code": "FAP-004",
         "severity": "error", "message": "Gender (C13): 'M' is not one of the choices (Male, Female); pick one from "
                                         "the drop-down", "form": "fap-referral"},
        {"file": "c.xlsx", "sheet": None, "cell": None, "cells": [], "field": None, "code": "UNREADABLE",
         "severity": "error",
         "message": "not an Excel workbook (.xlsx). Save it from Excel as 'Excel Workbook (.xlsx)'.", "form": None},
    ]


def test_validate_json_of_a_valid_form_is_an_empty_list(cli, make_form, tmp_path):
    path = make_form("pgi", valid_pgi_values(), valid_pgi_tables())
    assert cli("validate", path, "--json", "p.json")[0] == 0
    assert json.loads((tmp_path / "p.json").read_text(encoding="utf-8")) == []


def test_validate_expands_folders_and_says_what_it_skipped(cli, make_form, tmp_path):
    make_form("fap-referral", valid_fap_values(), valid_fap_tables(), name="term/school-a/one")
    make_form("pgi", valid_pgi_values() | {"requester_name": None}, valid_pgi_tables(), name="term/two")
    # A school's corrected annotated copy is a form like any other.
    make_form("pgi", valid_pgi_values(), valid_pgi_tables(), name="term/three.checked")
    (tmp_path / "term" / "~$one.xlsx").write_bytes(b"Excel lock file")
    (tmp_path / "term" / "notes.txt").write_text("not a form")
    code, out, _ = cli("validate", "term", "--json", "p.json")
    assert code == 1
    assert "3 files: 2 valid, 0 valid with queries, 1 with errors, 0 unreadable." in lines(out)
    assert ("note term: skipped 1 Excel lock file (~$..., left while a workbook is open) and 1 file that "
            "is not a workbook (.xlsx, .xlsm).") in lines(out)
    assert {p["file"] for p in json.loads((tmp_path / "p.json").read_text())} == {"term/two.xlsx"}
    assert "term/school-a/one.xlsx" in out and "term/three.checked.xlsx" in out


def test_a_corrected_checked_copy_is_filed(cli, make_form, tmp_path, cells):
    """A school corrects the annotated copy it was sent back and returns it: its Checks sheet is ignored."""
    bad = make_form("fap-referral", valid_fap_values() | {"gender": "Boy"}, valid_fap_tables(), name="ref-9")
    assert cli("validate", bad, "--annotate", "back")[0] == 1
    from openpyxl import load_workbook

    copy = tmp_path / "back" / "ref-9.checked.xlsx"
    wb = load_workbook(copy)
    wb["Referral"][cells("fap-referral")["gender"]].value = "Female"
    wb.save(copy)
    code, out, _ = cli("ingest", "back", "--db", "store.sqlite")
    assert code == 0, out
    assert "Filed 1, unchanged 0, superseded 0, refused 0 into " in out


def test_validate_empty_folder(sc, tmp_path):
    (tmp_path / "empty").mkdir()
    run = sc("validate", "empty")
    assert (run.returncode, run.stdout, run.stderr) == (2, "", "safecontext: no workbooks found in empty\n")


def test_validate_many_files_prints_a_summary_only(cli, make_form):
    for i in range(11):
        make_form("pgi", valid_pgi_values() | {"requester_name": None}, valid_pgi_tables(), name=f"many/f{i:02}")
    code, out, _ = cli("validate", "many")
    assert code == 1
    assert lines(out)[-2:] == ["11 files: 0 valid, 0 valid with queries, 11 with errors, 0 unreadable.",
                               "Problems are listed one by one for up to 10 files; for more, use --json FILE or "
                               "--annotate DIR."]
    assert "PGI-001" not in out


def test_file_names_with_brackets_are_shown_as_they_are(cli, make_form, tmp_path):
    """Rich markup must not eat '[v2]' from a file name."""
    make_form("fap-referral", valid_fap_values() | {"child_name": None}, valid_fap_tables(), name="Referral [v2]")
    (tmp_path / "[red]odd.xlsx").write_text("x")
    code, out, _ = cli("validate", "Referral [v2].xlsx", "[red]odd.xlsx")
    assert code == 2
    assert "Referral [v2].xlsx" in lines(out)
    assert ("[red]odd.xlsx: not an Excel workbook (.xlsx). Save it from Excel as 'Excel Workbook (.xlsx)'."
            in lines(out))


# --- bad inputs: exit 2, one line that says why, never a traceback -----------------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NOT_XLSX = "not an Excel workbook (.xlsx). Save it from Excel as 'Excel Workbook (.xlsx)'."
DAMAGED = "the file is damaged and cannot be opened as a workbook. Ask the sender to save it again and resend it."
ENTITY_BOMB = ("refused: the workbook contains an XML document type declaration (a possible entity bomb). "
               "Excel never writes these; it was not opened.")
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
                     for i in range(1, 10))
          + b']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheets><sheet name="&lol9;" sheetId="1"/></sheets></workbook>')


def _csv(tmp_path, make_form):
    (tmp_path / "referrals.csv").write_text("upn,name\nY999123420001,Sam\n")
    return "referrals.csv"


def _xls(tmp_path, make_form):
    (tmp_path / "old.xls").write_bytes(OLE2 + bytes(4096))
    return "old.xls"


def _truncated(tmp_path, make_form):
    data = make_form("pgi", valid_pgi_values()).read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    return "cut.xlsx"


def _password(tmp_path, make_form):
    (tmp_path / "locked.xlsx").write_bytes(OLE2 + bytes(1024) + "EncryptedPackage".encode("utf-16-le") + bytes(1024))
    return "locked.xlsx"


def _plain(tmp_path, make_form):
    wb = Workbook()
    wb.active["A1"] = "UPN"
    wb.save(tmp_path / "plain.xlsx")
    return "plain.xlsx"


def _unknown_version(tmp_path, make_form):
    def change(wb):
        wb["_safecontext"]["B2"] = "2099.1"
    resave(make_form("pgi", valid_pgi_values(), valid_pgi_tables()), tmp_path / "future.xlsx", change)
    return "future.xlsx"


def _entity_bomb(tmp_path, make_form):
    rewrite_zip(make_form("pgi", valid_pgi_values()), tmp_path / "laughs.xlsx", {"xl/workbook.xml": LAUGHS})
    return "laughs.xlsx"


def _entity_bomb_in_sheet_after_long_comment(tmp_path, make_form):
    """A long comment first must not hide the declaration from the check."""
    head = b"<!--" + b" " * 10_000 + b"-->" + LAUGHS.split(b"<workbook")[0].split(b"?>", 1)[1]
    rewrite_zip(make_form("pgi", valid_pgi_values()), tmp_path / "laughs2.xlsx",
                {"xl/worksheets/sheet1.xml": lambda xml: head + xml})
    return "laughs2.xlsx"


def _empty(tmp_path, make_form):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    return "empty.xlsx"


def _missing(tmp_path, make_form):
    return "nowhere.xlsx"


def _no_workbook_part(tmp_path, make_form):
    with zipfile.ZipFile(tmp_path / "docs.xlsx", "w") as z:
        z.writestr("word/document.xml", "<document/>")
    return "docs.xlsx"


BAD_INPUTS = {
    "csv": (_csv, NOT_XLSX),
    "legacy xls": (_xls, "this is a legacy Excel 97-2003 (.xls) file. Open it in Excel and Save As 'Excel Workbook "
                         "(.xlsx)', or start from a blank SafeContext form."),
    "truncated zip": (_truncated, DAMAGED),
    "password": (_password, "the workbook is password-protected. Remove the password in Excel (File > Info > "
                            "Protect Workbook > Encrypt with Password) and try again."),
    "not a form": (_plain, "this workbook is not a SafeContext form (it has no SafeContext form marker). Start from "
                           "a blank form made by 'safecontext new'."),
    "unknown version": (_unknown_version, "template version '2099.1' of pgi is not one this SafeContext knows "
                                          "(2016.2, 2016.1). Use a current blank form from 'safecontext new pgi' or update "
                                          "SafeContext."),
    "entity bomb": (_entity_bomb, ENTITY_BOMB),
    "entity bomb late in a sheet": (_entity_bomb_in_sheet_after_long_comment, ENTITY_BOMB),
    "empty file": (_empty, "the file is empty."),
    "missing file": (_missing, "file not found."),
    "zip without a workbook": (_no_workbook_part, "not an Excel workbook (.xlsx): it has no workbook part. "
                                                  "Save it from Excel as 'Excel Workbook (.xlsx)'."),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input(case, cli, make_form, tmp_path):
    make, reason = BAD_INPUTS[case]
    name = make(tmp_path, make_form)
    code, out, err = cli("validate", name)
    assert code == 2
    assert f"{name}: {reason}" in lines(out)
    assert "1 file: 0 valid, 0 valid with queries, 0 with errors, 1 unreadable." in lines(out)
    assert "Traceback" not in out + err


def test_bad_inputs_real_process(sc, make_form, tmp_path):
    """All of them at once, as a user would meet them in a folder: one line each, no traceback."""
    names = [make(tmp_path, make_form) for make, _ in BAD_INPUTS.values()]
    run = sc("validate", *names, "--json", "p.json", "--annotate", "checked")
    assert run.returncode == 2
    for name, (_, reason) in zip(names, BAD_INPUTS.values()):
        assert f"{name}: {reason}" in lines(run.stdout)
    assert f"{len(names)} files: 0 valid, 0 valid with queries, 0 with errors, {len(names)} unreadable." in lines(
        run.stdout)
    assert "Traceback" not in run.stdout + run.stderr
    reported = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert [(p["file"], p["code"], p["message"]) for p in reported] == [
        (name, "UNREADABLE", reason) for name, (_, reason) in zip(names, BAD_INPUTS.values())]
    assert not (tmp_path / "checked").exists() or list((tmp_path / "checked").iterdir()) == []


def test_wrong_form(sc, cli, make_form):
    make_form("pgi", valid_pgi_values(), valid_pgi_tables(), name="pgi-form")
    run = sc("validate", "pgi-form.xlsx", "--form", "fap-referral")
    assert run.returncode == 2
    assert ("pgi-form.xlsx: this is a Peer Group Information Capture Form (pgi), but a Secondary Referral Form to "
            "Fair Access Pupil Placement Panel (fap-referral) was expected.") in lines(run.stdout)
    assert "Traceback" not in run.stdout + run.stderr
    assert cli("validate", "pgi-form.xlsx", "--form", "pgi")[0] == 0


def test_unknown_form_option(cli, make_form):
    path = make_form("pgi", valid_pgi_values(), valid_pgi_tables())
    assert cli("validate", path, "--form", "cse") == (2, "", "safecontext: unknown form 'cse'. Forms: fap-referral, pgi, hsb-framework, hsb-audit, case-review ('safecontext forms' lists them).\n")


def test_deleted_defined_name_is_an_error_not_unreadable(cli, make_form, tmp_path):
    resave(make_form("fap-referral", valid_fap_values(), valid_fap_tables()), tmp_path / "no-upn.xlsx",
           lambda wb: wb.defined_names.pop("upn"))
    code, out, err = cli("validate", "no-upn.xlsx")
    assert code == 1
    assert ("  error FAP-013 UPN: the workbook's name 'upn' for this field is missing, so it cannot be read. "
            "Copy the entries into a blank form made by 'safecontext new'.") in lines(out)
    assert "Traceback" not in out + err


def test_broken_defined_name(cli, make_form, tmp_path):
    def break_name(wb):
        wb.defined_names["upn"].attr_text = "#REF!"
    resave(make_form("fap-referral", valid_fap_values(), valid_fap_tables()), tmp_path / "ref.xlsx", break_name)
    code, out, _ = cli("validate", "ref.xlsx")
    assert code == 1
    assert ("  error FAP-013 UPN: the workbook's name 'upn' for this field is broken (#REF!), so it cannot be read. "
            "Copy the entries into a blank form made by 'safecontext new'.") in lines(out)


def test_broken_marker_name(cli, make_form, tmp_path):
    def break_marker(wb):
        wb.defined_names["SafeContext_form"].attr_text = "#REF!"
    resave(make_form("pgi", valid_pgi_values()), tmp_path / "nomark.xlsx", break_marker)
    code, out, _ = cli("validate", "nomark.xlsx")
    assert code == 2
    assert ("nomark.xlsx: this workbook's SafeContext form marker is damaged (its name is broken (#REF!)). Copy the "
            "entries into a blank form made by 'safecontext new'.") in lines(out)


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory):
    """A zip with a workbook part and a member of 200 MiB of zeros (under 1 MiB compressed)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(zeros)
    assert path.stat().st_size < 1 << 20
    return path


def test_zip_bomb_is_refused_without_reading_it(cli, zip_bomb, monkeypatch):
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(name) or real_open(
        self, name, *a, **k))
    code, out, _ = cli("validate", zip_bomb)
    assert code == 2
    assert (f"{zip_bomb}: refused: the workbook would unpack to 200 MiB, far more than any form holds (a possible "
            "zip bomb). It was not opened.") in lines(out)
    assert opened == []


def test_zip_bomb_real_process(sc, zip_bomb):
    run = sc("validate", zip_bomb, "--annotate", "checked", "--json", "p.json")
    assert run.returncode == 2
    assert "zip bomb" in run.stdout and "Traceback" not in run.stdout + run.stderr


def test_one_bad_file_does_not_stop_the_others(cli, make_form, tmp_path):
    make_form("pgi", valid_pgi_values(), valid_pgi_tables(), name="batch/a")
    (tmp_path / "batch" / "b.xlsx").write_bytes(b"")
    make_form("fap-referral", valid_fap_values() | {"upn": "Y999"}, valid_fap_tables(), name="batch/c")
    code, out, _ = cli("validate", "batch")
    assert code == 2
    assert lines(out)[-4:] == [
        "batch/b.xlsx: the file is empty.",
        "batch/c.xlsx",
        "  error FAP-011 UPN (C11): 'Y999' is not a valid UPN: it has 4 characters, not 13",
        "3 files: 1 valid, 0 valid with queries, 1 with errors, 1 unreadable.",
    ]


def test_validate_output_paths_that_cannot_be_written_are_one_line(cli, make_form, tmp_path):
    form = make_form("pgi", valid_pgi_values(), valid_pgi_tables(), name="one")
    (tmp_path / "existing.xlsx").write_bytes(b"not a folder")
    (tmp_path / "somedir").mkdir()
    cases = {
        ("--annotate", "existing.xlsx"): "safecontext: --annotate existing.xlsx: is a file; give a folder for the "
                                         "annotated copies (it is made if missing).",
        ("--json", "somedir"): "safecontext: --json somedir: is a folder; give a file name such as "
                               "somedir/problems.json.",
        ("--json", "existing.xlsx/p.json"): "safecontext: --json existing.xlsx/p.json: existing.xlsx is a file, not "
                                            "a folder; give another path for the JSON.",
    }
    for args, message in cases.items():
        code, out, err = cli("validate", form.name, *args)
        assert (code, out, err.strip()) == (2, "", message)


def test_summary_names_whole_paths_when_not_a_terminal(make_form, tmp_path):
    """Output sent to a file or a pipe keeps each file's whole path in the summary table."""
    import os
    import subprocess
    import sys

    deep = "a-rather-long-folder-name-for-one-school/and-another-level-for-the-autumn-term-returns"
    path = make_form("pgi", valid_pgi_values(), valid_pgi_tables(), name=f"{deep}/peer-information-form-1")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "SAFECONTEXT_CONFIG")}
    run = subprocess.run([sys.executable, "-m", "addin.cli", "validate", str(path)], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=120)
    assert run.returncode == 0
    assert str(path) in run.stdout


def test_matrix_without_term_names_the_term_it_used(cli, make_form, config):
    from addin.term import current_term

    assert cli("ingest", make_form("fap-referral", valid_fap_values(), valid_fap_tables()), "--db", "s.sqlite")[0] == 0
    term = current_term(None, config)  # the form is from spring 2025, so that term has nothing filed
    code, out, err = cli("matrix", "-o", "m.xlsx", "--db", "s.sqlite")
    assert code == 2
    assert out.splitlines() == [f"No --term given: using the current term, {term}."]
    assert err.strip() == (f"safecontext: no referrals are filed for {term}. File some with 'safecontext ingest', or "
                           "choose another --term.")
