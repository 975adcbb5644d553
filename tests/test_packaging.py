"""SafeContext as `pip install` puts it (not the editable install the tests otherwise run from): every
package and every file the commands read at run time is in the wheel."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import valid_fap_tables, valid_fap_values

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> tuple[list[str], dict[str, str]]:
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return tool["packages"], tool["package-dir"]


def _folder(package: str, mapped: dict[str, str]) -> Path:
    return ROOT / (mapped.get(package) or package.replace(".", "/"))


def test_every_folder_of_code_is_a_declared_package():
    """A folder of modules left out of pyproject.toml's list works in a checkout and is missing from an
    install (the audit briefing's package once was)."""
    packages, mapped = _declared()
    code = {p.parent for base in ("addin", "validators") for p in (ROOT / base).rglob("*.py")
            if "__pycache__" not in p.parts}
    declared = {_folder(p, mapped) for p in packages}
    assert sorted(map(str, code - declared)) == []
    assert sorted(map(str, {d for d in declared if not d.is_dir()})) == []


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this checkout, installed (without its dependencies, which this venv has) into
    a folder of its own, as site-packages would hold it."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy, so the build leaves no build/ folder in the checkout, nor reuses one
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("addin", "validators", "report_templates"):
        shutil.copytree(ROOT / part, source / part, ignore=skip)
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, source / part)
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(work)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = work.glob("safecontext-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    for template in sorted(p.name for p in (ROOT / "report_templates").glob("*.docx")):
        assert f"addin/report_templates/{template}" in names
    target = work / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def test_an_installed_copy_files_a_form_and_fills_the_briefing_from_its_own_template(installed, make_form,
                                                                                     tmp_path):
    """Run from somewhere that is not the checkout, the installed copy finds its Word template inside
    itself (report_templates/ beside the source is not there in an install)."""
    form = make_form("fap-referral", valid_fap_values(), valid_fap_tables(), name="referral")
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("SAFECONTEXT_CONFIG", "APPDATA")}
    env.update(PYTHONPATH=str(installed), XDG_CONFIG_HOME=str(tmp_path / "xdg"), COLUMNS="200")

    def run(*args):
        code = "import sys; sys.argv = ['safecontext', *sys.argv[1:]]; from addin.cli import entry; entry()"
        return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=away, env=env,
                              capture_output=True, text=True, timeout=300)

    where = subprocess.run([sys.executable, "-c", "import addin; print(addin.__file__)"], cwd=away, env=env,
                           capture_output=True, text=True)
    assert where.stdout.strip() == str(installed / "addin" / "__init__.py")
    filed = run("ingest", form, "--db", "store.sqlite")
    assert filed.returncode == 0, filed.stdout + filed.stderr
    made = run("brief", "--kind", "fap", "--term", "2025-spring", "-o", "briefing.docx", "--db", "store.sqlite")
    assert made.returncode == 0, made.stdout + made.stderr
    assert made.stdout.splitlines()[-1] == "Wrote the briefing to briefing.docx"
    assert (away / "briefing.docx").stat().st_size > 10_000
