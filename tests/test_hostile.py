"""Nothing a school sends can crash a batch or file a wrong record.

Every hostile case in tests/hostile.py goes through validate, ingest and validate --annotate on its
own and inside a 45-file batch with good forms: exit codes, the line the user reads, what is filed
and what is not, and never a traceback, an "unexpected error" or a raw escape sequence.
"""
from __future__ import annotations

import json
import sqlite3

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from addin.forms import get_form
from addin.validators.common import with_check_letter
from conftest import valid_fap_tables, valid_fap_values
from hostile import CASES

EXIT = {"unreadable": 2, "errors": 1, "valid": 0}
BASE_NUMBER = "FAP-H-0001"   # the referral number of the form every hostile case starts from
N_GOOD = 22                  # good forms in the batch, beside the hostile ones and one with an odd name
EVIL_NAME = "evil\x1b[31mred\x1b[2J.xlsx"


def _cells(filler) -> dict:
    layout = filler.layout
    header_row, first_col = layout.tables["exclusions"]
    return dict(layout.cells) | {"exclusions_first": f"{get_column_letter(first_col)}{header_row}",
                                 "n_fields": len(get_form("fap-referral").fields)}


def _good_values(i: int) -> dict:
    return valid_fap_values() | {"referral_number": f"FAP-G-{i:04d}", "upn": with_check_letter(f"9991234{i:05d}"),
                                 "child_name": f"Goodchild Number{i}"}


@pytest.fixture(scope="module")
def base(tmp_path_factory, fillers):
    filler = fillers("fap-referral")
    root = tmp_path_factory.mktemp("hostile-base")
    good = filler.save(root / "base.xlsx", valid_fap_values() | {"referral_number": BASE_NUMBER}, valid_fap_tables())
    return good, _cells(filler)


@pytest.fixture(scope="module")
def alone(tmp_path_factory, base):
    """Each hostile file in a folder of its own: name -> path."""
    good, cells = base
    root = tmp_path_factory.mktemp("hostile-alone")
    return {name: case.build(good, root / f"{name}.xlsx", cells) for name, case in CASES.items()}


def _clean(text: str) -> None:
    assert "Traceback" not in text and "unexpected error" not in text
    assert "\x1b" not in text, "a raw escape sequence reached the terminal"


def _expected(name: str, path, cells) -> str:
    case = CASES[name]
    line = case.expect.format(**cells)
    return f"{path}: {line}" if case.status == "unreadable" else line


@pytest.mark.parametrize("name", list(CASES))
def test_validate_alone(name, alone, base, cli):
    path, case = alone[name], CASES[name]
    code, out, err = cli("validate", path)
    assert code == EXIT[case.status]
    _clean(out + err)
    if case.status == "valid":
        assert "1 file: 1 valid, 0 valid with queries, 0 with errors, 0 unreadable." in out
    else:
        assert _expected(name, path, base[1]) in [line.strip() for line in out.splitlines()] or \
            f"error {_expected(name, path, base[1])}" in [line.strip() for line in out.splitlines()]


@pytest.mark.parametrize("name", list(CASES))
def test_ingest_alone(name, alone, cli, tmp_path):
    path, case = alone[name], CASES[name]
    store = tmp_path / "store.sqlite"
    code, out, err = cli("ingest", path, "--db", store)
    assert code == EXIT[case.status]
    _clean(out + err)
    filed = case.status == "valid"
    assert f"Filed {int(filed)}, unchanged 0, superseded 0, refused {int(not filed)} into " in out
    with sqlite3.connect(store) as db:
        numbers = [r[0] for r in db.execute("select referral_number from fap_referral_records")]
    assert numbers == ([BASE_NUMBER] if filed else [])


@pytest.mark.parametrize("name", list(CASES))
def test_annotate_alone(name, alone, cli, tmp_path):
    path, case = alone[name], CASES[name]
    code, out, err = cli("validate", path, "--annotate", tmp_path / "checked", "--json", tmp_path / "p.json")
    assert code == EXIT[case.status]
    _clean(out + err)
    problems = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    if case.status == "unreadable":
        assert [p["code"] for p in problems] == ["UNREADABLE"]
        assert not (tmp_path / "checked").exists()
        return
    assert ("1 annotated copy written to" in out) != ("no annotated copy was made" in out)
    for copy in (tmp_path / "checked").glob("*.checked.xlsx"):
        wb = load_workbook(copy)
        assert wb.sheetnames[0] == "Checks"
        codes = [wb["Checks"].cell(row=r, column=2).value for r in range(4, wb["Checks"].max_row + 1)]
        assert codes == [p["code"] for p in problems]


@pytest.fixture(scope="module")
def batch(tmp_path_factory, base, fillers):
    """48 files: every hostile case, 22 good forms and a good form whose name holds escape sequences."""
    good, cells = base
    folder = tmp_path_factory.mktemp("hostile-batch") / "in"
    folder.mkdir()
    for name, case in CASES.items():
        case.build(good, folder / f"{name}.xlsx", cells)
    filler = fillers("fap-referral")
    for i in range(N_GOOD):
        filler.save(folder / f"good-{i:02d}.xlsx", _good_values(i), valid_fap_tables())
    filler.save(folder / EVIL_NAME, _good_values(99), valid_fap_tables())
    assert len(list(folder.iterdir())) == 48
    return folder


def test_a_batch_with_every_hostile_case_is_checked_and_the_good_forms_filed(batch, sc, tmp_path):
    run = sc("validate", batch, "--json", tmp_path / "p.json", "--annotate", tmp_path / "checked", timeout=300)
    assert run.returncode == 2
    _clean(run.stdout + run.stderr)
    by_file = {}
    for p in json.loads((tmp_path / "p.json").read_text(encoding="utf-8")):
        by_file.setdefault(p["file"].rsplit("/", 1)[-1], []).append(p["code"])
    for name, case in CASES.items():
        codes = by_file.get(f"{name}.xlsx", [])
        if case.status == "unreadable":
            assert codes == ["UNREADABLE"], name
        elif case.status == "errors":
            assert case.code in codes, name
        else:
            assert codes == [], name
    assert "48 files: 25 valid, 0 valid with queries, 16 with errors, 7 unreadable." in run.stdout
    assert "evil\\x1b[31mred\\x1b[2J.xlsx" in run.stdout  # the name, shown as text
    assert run.stderr == ""  # no progress bar, and no blank line from one, when not a terminal

    store = tmp_path / "store.sqlite"
    filed = sc("ingest", batch, "--db", store, timeout=300)
    assert filed.returncode == 2
    _clean(filed.stdout + filed.stderr)
    assert "Filed 24, unchanged 1, superseded 0, refused 23 into " in filed.stdout
    with sqlite3.connect(store) as db:
        numbers = sorted(r[0] for r in db.execute("select referral_number from fap_referral_records"))
        outcomes = sorted(r[0] for r in db.execute("select outcome from filings"))
    assert numbers == sorted([BASE_NUMBER] + [f"FAP-G-{i:04d}" for i in [*range(N_GOOD), 99]])
    assert outcomes == ["filed"] * 24 + ["refused"] * 23 + ["unchanged"]

    # Filing output quotes no personal value, from the good forms or the refused ones.
    personal = {v for f in get_form("fap-referral").fields if f.personal
                for v in [valid_fap_values().get(f.id)] if isinstance(v, str)}
    personal |= {"Sam", "Testpupil", "01/05/2012"} | {_good_values(i)["upn"] for i in range(N_GOOD)}
    leaked = sorted(v for v in personal if v in filed.stdout + filed.stderr)
    assert leaked == []

    again = sc("ingest", batch, "--db", store, timeout=300)
    assert again.returncode == 2
    assert "Filed 0, unchanged 25, superseded 0, refused 23 into " in again.stdout


def test_annotated_copy_of_a_form_openpyxl_cannot_open_says_why(alone, cli, tmp_path):
    """Raw control bytes: the copy leaves them out and says so; an impossible ISO date: no copy, one line."""
    code, out, _ = cli("validate", alone["control-bytes-in-name"], alone["bad-iso-date"],
                       "--annotate", tmp_path / "checked")
    assert code == 1
    notes = [line for line in out.splitlines() if line.startswith("note ")]
    copy = tmp_path / "checked" / "control-bytes-in-name.checked.xlsx"
    assert notes == [
        f"note {copy}: 1 invisible control character that a workbook cannot hold was left out of this copy.",
        f"note {alone['bad-iso-date']}: no annotated copy was made: the workbook holds something the copy cannot "
        "be written with (an impossible value in a cell). Its problems are in the list above and in the JSON; ask "
        "the sender to fix them in the form."]
    assert "1 annotated copy written to" in out
    assert load_workbook(copy)["Checks"]["A1"].value.endswith(
        "Note: 1 invisible control character that a workbook cannot hold was left out of this copy.")
