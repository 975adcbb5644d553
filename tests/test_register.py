"""Register workbooks: one Excel Table, one row per referral, headings that are field ids or labels."""
from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo

from addin.forms import get_form
from addin.forms.fill import Filler
from conftest import valid_fap_tables, valid_fap_values
from addin.checks.registers import check_register
from addin.intake.register import is_register, read_register
from addin.store import file_batch, load_filings, load_records
from addin.store.filing import content_hash_of
from addin.store.identity import canonical_json
from addin.validators.common import with_check_letter
from addin.validators.fap_referral import expected_year_group

FORM = get_form("fap-referral")
FAP = FORM.id


def load_referrals(db):
    return load_records(db, form=FAP)

HEADINGS = ["referral_number", "Date of referral", "Name", "upn", "Date of birth", "gender", "Year group",
            "ethnicity", "school", "postcode", "ward", "Reason for referral and provision requested",
            "open_to_social_care", "concern_gangs", "attendance_pct", "Notes"]


def row(i: int, **changes) -> dict:
    referral = dt.date(2025, 11, 3) + dt.timedelta(days=i)
    dob = dt.date(2012, 1, 15) + dt.timedelta(days=41 * i)
    values = {
        "referral_number": f"REG/{i:03d}", "Date of referral": referral, "Name": f"Robin Registerchild{i}",
        "upn": with_check_letter(f"9991234{30000 + i:05d}"), "Date of birth": dob, "gender": "Male",
        "Year group": expected_year_group(dob, referral), "ethnicity": "BAFR", "school": "Kingsmead Academy",
        "postcode": "AB3 4DE", "ward": "Marsh", "Reason for referral and provision requested": f"Reason {i}",
        "open_to_social_care": "No", "concern_gangs": "no", "attendance_pct": 0.93,
        "Notes": f"private note {i}",
    }
    values.update(changes)
    return values


def write_register(path: Path, rows: list[dict], headings=HEADINGS, sheet="Register", first_row=3,
                   extra_blank_rows=0) -> Path:
    """A register as a coordinator keeps one: a title, then an Excel Table (built in code, as in Excel)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"] = "FAP referrals received"
    for j, h in enumerate(headings, start=1):
        ws.cell(row=first_row, column=j, value=h)
    r = first_row
    for values in rows:
        r += 1
        for j, h in enumerate(headings, start=1):
            v = values.get(h)
            c = ws.cell(row=r, column=j, value=v)
            if isinstance(v, dt.date):
                c.number_format = "dd/mm/yyyy"
    r += extra_blank_rows
    last = ws.cell(row=first_row, column=len(headings)).column_letter
    table = Table(displayName="Referrals", ref=f"A{first_row}:{last}{r}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    wb.save(path)
    return path


def test_a_register_is_told_apart_from_forms_and_other_workbooks(tmp_path, cfg):
    reg = write_register(tmp_path / "register.xlsx", [row(1)])
    form = Filler(FORM, cfg).save(tmp_path / "form.xlsx", {"child_name": "X"})
    plain = Workbook()
    plain.active["A1"] = "upn"
    plain.save(tmp_path / "plain.xlsx")
    (tmp_path / "junk.xlsx").write_text("nope")
    assert is_register(reg, FAP)
    assert not is_register(form, FAP) and not is_register(tmp_path / "plain.xlsx", FAP)
    assert not is_register(tmp_path / "junk.xlsx", FAP)


def test_each_row_is_typed_and_checked_like_a_form(tmp_path, cfg):
    path = write_register(tmp_path / "register.xlsx", [row(1), row(2)], extra_blank_rows=2)
    reg = check_register(path, cfg, FAP)
    assert (reg.sheet, reg.table) == ("Register", "Referrals")
    assert reg.ignored == ["Notes"]
    assert reg.columns["child_name"] == "Name" and reg.columns["upn"] == "upn"
    assert [r.row for r in reg.results] == [4, 5]  # the blank rows at the end are not referrals
    assert [r.status for r in reg.results] == ["valid", "valid"]
    first = reg.results[0]
    assert first.values["child_name"] == "Robin Registerchild1"
    assert first.values["referral_date"] == dt.date(2025, 11, 4)
    assert first.values["attendance_pct"] == 93 and first.values["concern_gangs"] is False
    assert first.values["ethnicity"] == "BAFR - Black African"
    assert first.values["concern_cse"] is None  # not a column of the register: not answered
    assert first.source_name == "register.xlsx (Register row 4)"
    assert content_hash_of(first) == hashlib.sha256(
        canonical_json(FORM, first.values, first.tables).encode()).hexdigest()


def test_problems_name_the_register_file_sheet_and_cell_of_the_row(tmp_path, cfg):
    path = write_register(tmp_path / "register.xlsx",
                          [row(1), row(2, upn="A12345", **{"Date of referral": "31/13/2025"}),
                           row(3, gender="Boy", Name=None)])
    reg = check_register(path, cfg, FAP)
    assert [r.status for r in reg.results] == ["valid", "errors", "errors"]
    got = [(p.file, p.sheet, p.cell, p.code, p.message) for r in reg.results[1:] for p in r.errors]
    assert got == [
        (str(path), "Register", "B5", "FAP-007", "Date of referral (B5): '31/13/2025' is not a date; type it as "
                                                 "dd/mm/yyyy"),
        (str(path), "Register", "D5", "FAP-011", "UPN (D5): 'A12345' is not a valid UPN: it has 6 characters, "
                                                 "not 13"),
        (str(path), "Register", "C6", "FAP-001", "Name (C6): required, but blank; please fill it in"),
        (str(path), "Register", "F6", "FAP-004", "Gender (F6): 'Boy' is not one of the choices (Male, Female); "
                                                 "pick one from the drop-down"),
    ]


def test_a_register_with_labels_and_dates_typed_as_text(tmp_path, cfg):
    headings = ["Date of referral*", "NAME", "UPN", "date_of_birth", "Gender", "year_group", "Ethnicity",
                "Current provision/school", "Reason for referral and provision requested",
                "Is the student open to social care?"]
    r = row(1)
    values = {"Date of referral*": "04/11/2025", "NAME": r["Name"], "UPN": r["upn"],
              "date_of_birth": r["Date of birth"].strftime("%d/%m/%Y"), "Gender": "male",
              "year_group": r["Year group"], "Ethnicity": "BAFR", "Current provision/school": r["school"],
              "Reason for referral and provision requested": "x", "Is the student open to social care?": "N"}
    reg = check_register(write_register(tmp_path / "r.xlsx", [values], headings=headings), cfg, FAP)
    res = reg.results[0]
    assert res.errors == []
    assert res.values["referral_date"] == dt.date(2025, 11, 4) and res.values["open_to_social_care"] is False
    assert res.values["gender"] == "Male"


def test_a_workbook_without_a_matching_table_cannot_be_read_as_a_register(tmp_path):
    from addin.intake.reader import ReadError

    path = write_register(tmp_path / "r.xlsx", [{"a": 1}], headings=["a", "b", "upn"])
    with pytest.raises(ReadError) as e:
        read_register(path, FAP)
    assert "no Excel table with Secondary Referral Form to Fair Access Pupil Placement Panel fields" in str(e.value)


def test_register_rows_are_filed_refiled_and_corrected_row_by_row(tmp_path, cfg):
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    path = write_register(tmp_path / "register.xlsx", [row(1), row(2), row(3, upn="bad")])
    report = file_batch(db, check_register(path, cfg, FAP).results, cfg)
    assert [f.outcome for f in report.filings] == ["filed", "filed", "refused"]
    df = load_referrals(db)
    assert list(df["source_file"]) == ["register.xlsx (Register row 4)", "register.xlsx (Register row 5)"]
    assert list(df["child_name"]) == ["Robin Registerchild1", "Robin Registerchild2"]
    assert (df["n_exclusions"] == 0).all()

    report = file_batch(db, check_register(path, cfg, FAP).results, cfg)
    assert [f.outcome for f in report.filings] == ["unchanged", "unchanged", "refused"]

    write_register(path, [row(1), row(2, ward="Abbey"), row(3)])  # row 2 corrected, row 3 fixed
    report = file_batch(db, check_register(path, cfg, FAP).results, cfg)
    assert [f.outcome for f in report.filings] == ["unchanged", "superseded", "filed"]
    assert list(load_referrals(db)["ward"]) == ["Marsh", "Abbey", "Marsh"]
    log = load_filings(db)
    newest = log.iloc[0]
    results = check_register(path, cfg, FAP).results
    assert newest["content_hash"] == content_hash_of(results[2])
    assert newest["file_name"] == "register.xlsx (Register row 6)"


def test_ingest_takes_forms_and_registers_together(tmp_path, cfg, config_file, capsys, monkeypatch):
    from addin.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    write_register(folder / "register.xlsx", [row(1), row(2, upn="A12345")])
    Filler(FORM, cfg).save(folder / "one-form.xlsx", {
        "referral_date": dt.date(2025, 10, 1), "child_name": "Formy Child", "upn": with_check_letter("999123499999"),
        "date_of_birth": dt.date(2012, 5, 5), "gender": "Female", "year_group": 9, "ethnicity": "WBRI",
        "school": "Ashbridge Academy", "referral_reason": "r", "open_to_social_care": "No", "ward": "Abbey"})
    db = tmp_path / "store.sqlite"
    monkeypatch.setattr(sys, "argv", ["safecontext", "ingest", str(folder), "--db", str(db),
                                      "--config", str(config_file)])
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as e:
        main()
    out = capsys.readouterr().out
    assert e.value.code == 1
    assert "error FAP-011 UPN (D5): A UPN is not 13 characters with the correct DfE check letter." in out
    assert "A12345" not in out
    assert "columns that are not fap-referral fields were not checked or filed: Notes" in out
    assert "Filed 2, unchanged 0, superseded 0, refused 1" in out
    assert sorted(load_referrals(db)["source_file"]) == ["one-form.xlsx", "register.xlsx (Register row 4)"]
    assert "private note" not in out


def test_validate_checks_a_register_row_by_row_with_json_and_an_annotated_copy(tmp_path, cfg, config_file, capsys,
                                                                                 monkeypatch):
    import json

    from openpyxl import load_workbook

    from addin.cli import main

    path = write_register(tmp_path / "register.xlsx", [row(1), row(2, upn="A12345"), row(3, gender="Boy")])
    before = path.read_bytes()
    monkeypatch.setattr(sys, "argv", ["safecontext", "validate", str(path), "--config", str(config_file),
                                      "--json", str(tmp_path / "p.json"), "--annotate", str(tmp_path / "out")])
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as e:
        main()
    out = capsys.readouterr().out
    assert e.value.code == 1
    lines = [line.strip() for line in out.splitlines()]
    assert f"{path} (Register row 5)" in lines
    assert "error FAP-011 UPN (D5): 'A12345' is not a valid UPN: it has 6 characters, not 13" in lines
    assert ("error FAP-004 Gender (F6): 'Boy' is not one of the choices (Male, Female); pick one from the "
            "drop-down") in lines
    assert ("3 records, 3 of them register rows: 1 valid, 0 valid with queries, 2 with errors, 0 unreadable."
            in lines)
    assert f"note {path}: columns that are not fap-referral fields were not checked or filed: Notes" in lines
    found = json.loads((tmp_path / "p.json").read_text())
    assert [(p["file"], p["sheet"], p["cell"], p["field"], p["code"]) for p in found] == [
        (str(path), "Register", "D5", "upn", "FAP-011"), (str(path), "Register", "F6", "gender", "FAP-004")]
    wb = load_workbook(tmp_path / "out" / "register.checked.xlsx")  # one copy for the whole register
    assert wb.sheetnames == ["Checks", "Register"]
    assert wb["Register"]["D5"].fill.fgColor.rgb == wb["Register"]["F6"].fill.fgColor.rgb == "00FF9B9B"
    assert wb["Register"]["D5"].comment.text.startswith("FAP-011 UPN (D5)")
    assert wb["Register"]["D4"].comment is None
    assert path.read_bytes() == before
    assert "private note" not in out and "Robin" not in out


def test_validate_still_refuses_a_plain_workbook_that_is_neither_form_nor_register(tmp_path, config_file, capsys,
                                                                                  monkeypatch):
    from addin.cli import main

    path = write_register(tmp_path / "list.xlsx", [{"a": 1}], headings=["a", "b", "upn"])
    monkeypatch.setattr(sys, "argv", ["safecontext", "validate", str(path), "--config", str(config_file)])
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as e:
        main()
    out = capsys.readouterr().out
    assert e.value.code == 2
    assert f"{path}: this workbook is not a SafeContext form (it has no SafeContext form marker)." in out


def test_a_thin_register_is_one_message_listing_the_missing_required_columns(tmp_path, cli):
    path = write_register(tmp_path / "thin.xlsx", [{"School": "Kingsmead Academy", "Gangs": "Yes"}],
                          headings=["School", "Gangs", "Missing from home", "Ward"])
    message = ("thin.xlsx: the register's table Referrals on sheet 'Register' has no column for these required fields: "
               "Date of referral; Name; UPN; Date of birth; Gender; Year group; Ethnicity; Reason for referral and "
               "provision requested; Is the student open to social care?. Add a column for each (the heading may be "
               "the field's label or id; see 'safecontext fields fap-referral').")
    for command in (["validate", "thin.xlsx"], ["ingest", "thin.xlsx", "--db", "store.sqlite"]):
        code, out, _ = cli(*command)
        assert code == 2
        assert message in out.splitlines()


def test_safecontexts_own_matrix_workbook_is_not_read_as_a_register(tmp_path, cli, make_form):
    """Its "by school and concern" tables share a few labels with the form, but are not mostly its fields."""
    form = make_form("fap-referral", valid_fap_values(), valid_fap_tables(), name="one")
    assert cli("ingest", form, "--db", "store.sqlite")[0] == 0
    assert cli("matrix", "--term", "2025-spring", "-o", "m.xlsx", "--db", "store.sqlite")[0] == 0
    for command in (["validate", "m.xlsx"], ["ingest", "m.xlsx", "--db", "store.sqlite"]):
        code, out, _ = cli(*command)
        assert code == 2
        assert ("m.xlsx: this workbook is not a SafeContext form (it has no SafeContext form marker). Start from a "
                "blank form made by 'safecontext new'.") in out.splitlines()
