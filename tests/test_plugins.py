"""A form is one package and one registry line: a throwaway form registered from a test package
(tests/plugins/sample_visit, through SAFECONTEXT_FORMS) works with new, fields, rules, validate,
ingest and store status, with nothing outside its package naming it."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_store import store  # noqa: F401 (fixture: SQLite and PostgreSQL)

PLUGINS = Path(__file__).parent / "plugins"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sample(monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGINS))
    monkeypatch.setenv("SAFECONTEXT_FORMS", "sample_visit")
    from addin.forms import get_form

    return get_form("sample-visit")


def visit(i: int, **changes) -> dict:
    return {"visit_reference": f"V-{i:03d}", "visit_date": dt.date(2025, 10, 1) + dt.timedelta(days=i),
            "venue": "Park", "young_people": 6 + i, "worker_name": f"Jo Outreach{i}", "concerns_raised": False,
            **changes}


ACTIVITIES = {"activities": [{"activity": "Football", "minutes": 45}, {"activity": "Chat", "minutes": 20}]}


def test_the_sample_form_is_registered_only_through_its_package(sample, cli):
    code, out, err = cli("forms", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)[-1] == {"id": "sample-visit", "title": "Outreach Visit Log", "version": "1",
                                   "name": "Outreach visit", "older_versions": []}
    named = subprocess.run(["git", "grep", "-l", "-e", "sample-visit", "-e", "sample_visit", "--", "addin",
                            "validators", "pyproject.toml"], cwd=ROOT, capture_output=True, text=True)
    assert named.stdout == ""  # no code outside its package knows it


def test_new_fields_and_rules_work_for_the_sample_form(sample, cli, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "visit.xlsx"
    assert cli("new", "sample-visit", path) == (0, f"Wrote a blank Outreach Visit Log to {path}\n", "")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Visit" and "visit_reference" in wb.defined_names and \
        "activities" in wb["Visit"].tables
    code, out, _ = cli("fields", "sample-visit", "--json")
    assert code == 0
    assert [e["id"] for e in json.loads(out)] == ["visit_reference", "visit_date", "venue", "young_people",
                                                  "worker_name", "concerns_raised", "concern_notes",
                                                  "activities", "activities.activity", "activities.minutes"]
    code, out, _ = cli("rules", "sample-visit", "--json")
    rules = {r["code"]: r for r in json.loads(out)}
    assert rules["SV-020"] == {"code": "SV-020", "severity": "query",
                               "checks": "If concerns were raised, say what they were."}
    assert {"SV-001", "SV-004", "SV-005", "SV-006", "SV-007"} <= set(rules)


def test_validate_ingest_and_status_work_for_the_sample_form(sample, cli, tmp_path, cfg, config_file, store):
    from addin.forms.fill import Filler
    from addin.store import load_records, load_table_rows

    filler = Filler(sample, cfg)
    folder = tmp_path / "visits"
    folder.mkdir()
    filler.save(folder / "v1.xlsx", visit(1), ACTIVITIES)
    filler.save(folder / "v2.xlsx", visit(2, concerns_raised=True), {})
    filler.save(folder / "v3.xlsx", visit(3, venue="Moon", young_people=900), {})
    code, out, err = cli("validate", folder / "v2.xlsx", folder / "v3.xlsx", "--json", tmp_path / "p.json")
    assert code == 1 and err == ""
    problems = [(Path(p["file"]).name, p["cell"], p["code"], p["message"]) for p in
                json.loads((tmp_path / "p.json").read_text())]
    assert problems == [
        ("v2.xlsx", "C12", "SV-020", "Were any concerns raised? (C12): is Yes, but Concerns: what was seen or said "
                                     "(C13) is blank; say what was seen or said"),
        ("v3.xlsx", "C9", "SV-004", "Venue (C9): 'Moon' is not one of the choices (Park, Youth club, "
                                    "Shopping centre); pick one from the drop-down"),
        ("v3.xlsx", "C10", "SV-006", "Young people met (C10): 900 is outside the allowed range 0 to 200"),
    ]
    code, out, err = cli("ingest", folder, "--db", store, "--config", config_file)
    assert code == 1, out + err
    assert "Filed 2, unchanged 0, superseded 0, refused 1" in out
    filed = load_records(store, form="sample-visit")
    assert list(filed["visit_reference"]) == ["V-001", "V-002"] and list(filed["term"]) == ["2025-autumn"] * 2
    rows = load_table_rows(store, "activities", form="sample-visit")
    assert list(rows["activity"]) == ["Football", "Chat"] and list(rows["minutes"]) == [45, 20]
    # A corrected form for the same visit reference supersedes it; the same content again changes nothing.
    filler.save(folder / "v1.xlsx", visit(1, young_people=8), ACTIVITIES)
    (folder / "v3.xlsx").unlink()
    code, out, _ = cli("ingest", folder, "--db", store, "--config", config_file)
    assert code == 0 and "Filed 0, unchanged 1, superseded 1, refused 0" in out
    code, out, _ = cli("store", "status", "--db", store, "--config", config_file)
    assert code == 0
    assert "Outreach visit: 2 current visits, 3 versions in all." in out
    assert "Jo Outreach" not in out  # a personal field never appears


def test_a_registered_form_works_in_a_separate_process(tmp_path, cfg, monkeypatch):
    """SAFECONTEXT_FORMS is all the program needs: the real command line, run as users run it."""
    env = {**os.environ, "SAFECONTEXT_FORMS": "sample_visit", "COLUMNS": "200",
           "PYTHONPATH": os.pathsep.join([str(PLUGINS), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-m", "addin.cli", "new", "sample-visit", tmp_path / "v.xlsx"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert (run.returncode, run.stderr) == (0, "")
    run = subprocess.run([sys.executable, "-m", "addin.cli", "validate", tmp_path / "v.xlsx"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 1 and "SV-001 Visit reference (C7): required, but blank; please fill it in" in run.stdout


def test_a_pgi_made_by_the_earlier_template_is_read_and_refused_at_filing_saying_why(tmp_path, cfg, make_form,
                                                                                      store, config_file, cli):
    """Template 2016.1 (before the request reference and return-by date): read without a broken-name
    problem, and refused when filed, since it cannot be matched to a request."""
    from conftest import resave, valid_pgi_tables, valid_pgi_values

    from addin.checks.run import check_files
    from addin.forms.contract import MARKER_VERSION

    def older(wb):
        for name in ("request_reference", "return_by"):
            del wb.defined_names[name]
        sheet, cell = next(iter(wb.defined_names[MARKER_VERSION].destinations))
        wb[sheet][cell.replace("$", "")] = "2016.1"

    values = {k: v for k, v in valid_pgi_values().items() if k != "request_reference"}
    old = resave(make_form("pgi", values, valid_pgi_tables()), tmp_path / "old.xlsx", older)
    (res,) = check_files([old], cfg)
    assert (res.record.version, res.values["request_reference"], [str(p) for p in res.problems]) == \
        ("2016.1", None, [])
    code, out, _ = cli("ingest", old, "--db", store, "--config", config_file)
    assert code == 1
    assert ("refused old.xlsx: it is a PGI form of template version 2016.1, which has no Request reference; copy its "
            "entries into a current form ('safecontext new pgi')") in out


def test_reading_knows_no_rules_and_no_stage_imports_a_higher_one():
    """Dependencies point one way, down the stages (design: 'Forms are plug-ins'); the one shared word is
    the Problem type in addin/checks/problems.py, which the reader uses for what it cannot read."""
    import ast

    stages = ["forms", "intake", "checks", "store"]  # lower to higher
    for i, stage in enumerate(stages):
        for path in (ROOT / "addin" / stage).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | \
                {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            higher = sorted(m for m in names for s in stages[i + 1:]
                            if m.startswith(f"addin.{s}") and m != "addin.checks.problems")
            assert higher == [], (path, higher)


def test_the_generic_stages_name_no_form():
    """Only the registry names the form packages (and the frozen migrations the tables they once had)."""
    import ast
    import re

    from addin.forms import form_ids

    ids = re.compile(r"\b(" + "|".join(re.escape(i) for i in form_ids()) + r"|fap_referral|pgi_\w+)\b")
    generic = [p for d in ("forms", "intake", "checks", "store", "suppression", "excel")
               for p in (ROOT / "addin" / d).rglob("*.py")] + [ROOT / "addin" / "cli.py", ROOT / "addin" / "term.py"]
    generic += [ROOT / "validators" / "common.py", ROOT / "validators" / "__init__.py"]
    for path in generic:
        if path.name == "registry.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        named = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                 and id(n) not in docstrings and ids.search(n.value)]
        assert named == [], (path, named)


def test_a_form_s_check_loads_no_report_or_store_library(make_form, tmp_path):
    """Registering the form packages and checking one form (what a click of Check this form does) imports no
    openpyxl, SQLAlchemy, scipy, matplotlib or docxtpl: each costs start-up time a check does not need (an import
    at a package's top, such as a workbook hook's charts, once put 0.1-0.5 s on every check)."""
    import subprocess
    import sys

    from conftest import valid_fap_tables, valid_fap_values

    path = make_form("fap-referral", valid_fap_values(), valid_fap_tables())
    code = ("import sys; sys.argv = ['safecontext', 'validate', sys.argv[1]]\n"
            "from addin.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = {'openpyxl', 'sqlalchemy', 'scipy', 'matplotlib', 'docxtpl', 'alembic'}\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
            # nor the forms' own commands (built only when one of them is asked for), nor a progress bar
            # for one file
            "from addin.forms import plugins\n"
            "print(sorted(m for m in [p.commands for p in plugins().values()] + ['rich.progress'] if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines()[-2:] == ["[]", "[]"], done.stdout + done.stderr
