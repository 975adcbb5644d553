"""Shared fixtures: the demo configuration, a form factory, valid forms, and ways to run the CLI.

Every test runs in its own temporary folder with no user configuration in sight, so what it
sees is the built-in demo configuration (12 fictional schools, 20 fictional wards).
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from addin.config import demo_text, load_config
from addin.forms import get_form
from addin.forms.fill import Filler
from addin.validators.common import with_check_letter

VALID_UPN = with_check_letter("999123420001")
REFERRAL_DATE = dt.date(2025, 3, 10)   # spring term of school year 2024/25
DOB_YEAR_8 = dt.date(2012, 5, 1)       # 12 on 31 August 2024: Year 8 in 2024/25


def _isolate(mp: pytest.MonkeyPatch, folder: Path) -> None:
    """No configuration from the environment, the working folder or the user's profile."""
    mp.delenv("SAFECONTEXT_CONFIG", raising=False)
    mp.delenv("APPDATA", raising=False)
    mp.setenv("XDG_CONFIG_HOME", str(folder / "xdg-config"))
    mp.chdir(folder)


@pytest.fixture(autouse=True)
def _clean_env(tmp_path, monkeypatch):
    _isolate(monkeypatch, tmp_path)


@pytest.fixture(scope="session")
def config(tmp_path_factory):
    """The built-in demo configuration."""
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, tmp_path_factory.mktemp("config"))
        cfg = load_config()
    assert cfg.path is None, "a user configuration leaked into the tests"
    assert len(cfg.schools) == 12 and len(cfg.wards) == 20
    return cfg


@pytest.fixture(scope="session")
def fillers(config):
    """One Filler per form for the whole session: building a blank workbook is the slow part."""
    cache: dict[str, Filler] = {}

    def get(form_id: str) -> Filler:
        if form_id not in cache:
            cache[form_id] = Filler(get_form(form_id), config)
        return cache[form_id]

    return get


@pytest.fixture
def make_form(tmp_path, fillers):
    """make_form(form_id, values=None, tables=None, name=None, edit=None) -> path of a filled workbook.

    Values are written exactly as given (what people type). `edit(ws, layout)` may change cell
    values on the form's sheet after filling (e.g. write a formula or an Excel error); every
    fill starts from blank values, so such edits do not leak into the next form.
    """
    counter = iter(range(1, 10_000))

    def make(form_id: str, values: dict | None = None, tables: dict | None = None,
             name: str | None = None, edit=None) -> Path:
        filler = fillers(form_id)
        wb = filler.fill(values, tables)
        if edit is not None:
            edit(filler.ws, filler.layout)
        path = tmp_path / f"{name or f'{form_id}-{next(counter)}'}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        return path

    return make


@pytest.fixture(scope="session")
def check_batch(fillers, config, tmp_path_factory):
    """check_batch({key: dict(form=, values=, tables=, edit=, structure=)}) -> {key: FileResult}.

    Many forms checked in one run, as `safecontext validate FOLDER` does: parametrized tests share
    one validation instead of paying for one each. `edit(ws, layout)` changes cells after filling;
    `structure(wb)` changes the saved workbook in openpyxl (names, tables, marker).
    """
    from addin.checks.run import check_files

    def run(cases: dict) -> dict:
        folder = tmp_path_factory.mktemp("batch")
        paths = {}
        for i, (key, case) in enumerate(cases.items()):
            filler = fillers(case["form"])
            wb = filler.fill(case.get("values"), case.get("tables"))
            if case.get("edit"):
                case["edit"](filler.ws, filler.layout)
            path = folder / f"case-{i}.xlsx"
            wb.save(path)
            if case.get("structure"):
                path = resave(path, folder / f"case-{i}-changed.xlsx", case["structure"])
            paths[key] = path
        results = check_files(list(paths.values()), config)
        return dict(zip(paths, results))

    return run


@pytest.fixture
def check(config):
    """check(path, expect=None) -> the FileResult of one workbook."""
    from addin.checks.run import check_files

    def run(path, expect=None):
        (result,) = check_files([path], config, expect=expect)
        return result

    return run


def valid_fap_values() -> dict:
    """A complete, valid FAP referral: zero problems."""
    return {
        "referral_date": REFERRAL_DATE,
        "child_name": "Sam Testpupil",
        "upn": VALID_UPN,
        "date_of_birth": DOB_YEAR_8,
        "gender": "Female",
        "year_group": 8,
        "ethnicity": "WBRI - White British",
        "school": "Brookfield High School",
        "preferred_school": "Kingsmead Academy",
        "postcode": "SW1A 1AA",
        "ward": "Castle",
        "referral_reason": "Repeated fixed-term exclusions; a fresh start is requested.",
        "lead_professional": "Pat Lead",
        "peer_info": "Spends time with older peers outside school.",
        "peer_response": "Mentoring arranged.",
        "open_to_social_care": "Yes",
        "social_care_contact_name": "Jo Worker",
        "social_care_contact_phone": "01632 960123",
        "early_help": "No",
        "child_protection": "No",
        "concern_gangs": "Yes",
        "vulnerable_group": "Yes",
        "vulnerable_fsm": "Yes",
        "cats_verbal": 98,
        "attendance_pct": 87.5,
        "authorised_absence_pct": 7.5,
        "unauthorised_absence_pct": 5,
        "last_attendance_date": dt.date(2025, 3, 7),
        "full_time_expected": "Yes",
        "ewo_involvement": "Yes",
        "ewo_contact_name": "Lee Officer",
        "ewo_contact_phone": "01632 960456",
        "referred_by": "Alex Head",
        "date_completed": REFERRAL_DATE,
        "referrer_phone": "01632 960789",
        "referrer_email": "alex.head@example.org",
        "check_referral_form": "Yes",
    }


def valid_fap_tables() -> dict:
    """Table rows that go with valid_fap_values()."""
    return {
        "parents_carers": [{"name": "Chris Testparent", "relationship": "Mother", "phone": "07700 900123",
                            "email": "chris@example.org", "postcode": "SW1A 1AA", "primary_carer": "Yes"}],
        "previous_schools": [{"school_name": "Hollins Park School", "date_from": dt.date(2023, 9, 4),
                              "date_to": dt.date(2024, 7, 19)}],
        "exclusions": [{"date_from": dt.date(2025, 2, 3), "date_to": dt.date(2025, 2, 5), "days": 3,
                        "reason": "Fighting"}],
        "internal_exclusions": [{"date_from": dt.date(2025, 1, 13), "date_to": dt.date(2025, 1, 13), "days": 1}],
    }


def valid_pgi_values() -> dict:
    """A complete, valid Peer Group Information Capture form: zero problems with valid_pgi_tables()."""
    return {
        "request_reference": "PGI-2026-0001",
        "requester_name": "Robin Requester",
        "requester_agency": "Youth offending team",
        "provider_name": "Pat Provider",
        "provider_agency": "Education provider (mainstream)",
        "young_person_name": "Sam Testpupil",
        "assessment_type": "Asset Plus",
        "date_requested": dt.date(2025, 1, 6),
        "date_returned": dt.date(2025, 1, 17),
        "aware_of_peers": "Yes",
        "peer_network": "A small number",
        "peer_network_details": "Two close friends from school.",
        "positive_influence": "Alex: encourages attendance.",
        "negative_influence": "None known.",
    }


def valid_pgi_tables() -> dict:
    return {"peers": [{"name": "Alex Friend", "setting": "same school"},
                      {"name": "Billie Friend", "setting": "youth club"}]}


def table_cell(filler_layout, form_id: str, table_id: str, row: int, column_id: str) -> str:
    """The coordinate of a table cell in a freshly built form (row is 1-based)."""
    from openpyxl.utils import get_column_letter

    table = get_form(form_id)[table_id]
    header_row, first_col = filler_layout.tables[table_id]
    j = [c.id for c in table.columns].index(column_id)
    return f"{get_column_letter(first_col + j)}{header_row + row}"


# --- the command line -------------------------------------------------------------------------

def _cli_command() -> list[str]:
    exe = Path(sys.executable).with_name("safecontext")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "addin.cli"]


@pytest.fixture
def sc(tmp_path):
    """Run the real `safecontext` program: sc(*args) -> CompletedProcess (text, exit code in .returncode)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SAFECONTEXT_CONFIG", "APPDATA")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "xdg-config"), COLUMNS="200", PYTHONIOENCODING="utf-8")

    def run(*args, timeout=120):
        return subprocess.run(_cli_command() + [str(a) for a in args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=timeout)

    return run


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run the CLI in this process, as the entry point does: cli(*args) -> (exit code, stdout, stderr)."""
    from addin import cli as cli_module

    monkeypatch.setenv("COLUMNS", "200")

    def run(*args):
        monkeypatch.setattr(sys, "argv", ["safecontext", *map(str, args)])
        capsys.readouterr()
        with pytest.raises(SystemExit) as stop:
            cli_module.main()
        captured = capsys.readouterr()
        return stop.value.code, captured.out, captured.err

    return run


def rewrite_zip(src: Path, dst: Path, changes: dict) -> Path:
    """Copy a workbook's zip, replacing parts: part name -> new bytes, or a function of the old bytes."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            change = changes.get(info.filename)
            if change is not None:
                data = change(data) if callable(change) else change
            zout.writestr(info.filename, data)
    return dst


def resave(src: Path, dst: Path, change) -> Path:
    """Open a workbook in openpyxl, change(wb) its structure (names, tables, marker), save a copy."""
    from openpyxl import load_workbook

    wb = load_workbook(src)
    change(wb)
    wb.save(dst)
    return dst


@pytest.fixture(scope="session")
def cells(fillers):
    """cells(form_id) -> {field id: "C9", "<table>_<row>_<column>": "D118", ...} in a fresh blank form."""
    def get(form_id: str) -> dict[str, str]:
        layout = fillers(form_id).layout
        out = dict(layout.cells)
        form = get_form(form_id)
        for t in form.tables:
            for n in range(1, max(t.rows, len(t.preset)) + 1):
                for c in t.columns:
                    out[f"{t.id}_{n}_{c.id}"] = table_cell(layout, form_id, t.id, n, c.id)
        return out

    return get


# A configuration file on disk (the demo text), for tests that need a path as users give one.

@pytest.fixture(scope="module")
def config_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("config") / "safecontext.toml"
    path.write_text(demo_text(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cfg(config_file):
    return load_config(config_file)
