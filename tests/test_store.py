"""The referral store: filing is exact, idempotent, atomic, concurrent-safe, logged and private.

Every store test runs on a SQLite file and on PostgreSQL (a fresh schema per test); the
PostgreSQL runs skip, saying why, when no server answers at $SAFECONTEXT_TEST_PG (default
postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from addin.checks.run import check_files
from addin.config import demo_text
from addin.forms import Field, Section, get_form
from addin.forms.fill import Filler
from functools import partial

from addin.catalogue.fap_referral import PLUGIN as FAP_PLUGIN
from addin.store import StoreError, file_batch, load_filings, load_records, store_status
from addin.store import load_table_rows as _load_table_rows
from addin.store.identity import alt_key

FAP = "fap-referral"
load_referrals = partial(load_records, form=FAP)    # the tests here are about FAP referrals
load_table_rows = partial(_load_table_rows, form=FAP)


def upn_key(values: dict) -> str:
    return alt_key(FAP_PLUGIN.identity, values)
from addin.validators.common import with_check_letter
from addin.validators.fap_referral import expected_year_group

FORM = get_form("fap-referral")
PG_URL = os.environ.get("SAFECONTEXT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_pg_problem: list = []


def pg_unavailable() -> str | None:
    """Why PostgreSQL tests cannot run here, or None (asked once per session)."""
    if not _pg_problem:
        try:
            import sqlalchemy as sa

            engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(sa.text("select 1"))
            engine.dispose()
            _pg_problem.append(None)
        except Exception as e:  # no driver, no server, no database: all mean "skip"
            from addin.store import display_url

            _pg_problem.append(f"no PostgreSQL server answers at {display_url(PG_URL)} ({type(e).__name__}); "
                               "set SAFECONTEXT_TEST_PG to a database URL to run these")
    return _pg_problem[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A store URL: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    why = pg_unavailable()
    if why:
        pytest.skip(why)
    import sqlalchemy as sa

    schema = "sc_test_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = sa.engine.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(scope="module")
def filler(cfg):
    return Filler(FORM, cfg)


def valid(i: int, **overrides) -> dict:
    """Values of a valid FAP referral (no errors, no queries), child number i, fictional."""
    referral = dt.date(2025, 10, 1) + dt.timedelta(days=i)
    dob = dt.date(2011, 11, 1) + dt.timedelta(days=37 * i)
    values = dict(
        referral_date=referral, child_name=f"Alexa Testchild{i}", other_names=f"Lex{i}",
        upn=with_check_letter(f"9991234{20000 + i:05d}"), date_of_birth=dob, gender="Female",
        year_group=expected_year_group(dob, referral), ethnicity="MWBA", school="Beacon Hill School",
        postcode=f"AB{i % 9 + 1} 2DE", ward="Castle", referral_reason=f"Reason text {i} about Alexa",
        open_to_social_care="Yes", social_care_contact_name=f"Sam Worker{i}",
        social_care_contact_phone="0161 496 0000", concern_hsb="Yes", concern_cse=True,
        peer_info="Peer group information", attendance_pct=90, authorised_absence_pct=6.5,
        unauthorised_absence_pct=3.5, cats_verbal=101.5, referral_number=f"FAP/25/{i:03d}",
        referrer_email="referrer@example.org",
    )
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def tables(i: int) -> dict:
    return {
        "parents_carers": [{"name": f"Pat Testparent{i}", "relationship": "Mother", "phone": "07700 900123",
                            "email": "pat@example.org", "address": f"{i} Fictional Road, Ashbridge",
                            "postcode": "AB1 2DE", "primary_carer": True}],
        "previous_schools": [{"school_name": "Old Primary", "date_from": dt.date(2017, 9, 1),
                              "date_to": dt.date(2023, 7, 20)},
                             {"school_name": "Other School", "date_from": dt.date(2023, 9, 4)}],
        "exclusions": [{"date_from": dt.date(2025, 3, 3), "date_to": dt.date(2025, 3, 5), "days": 3,
                        "reason": "Fight"}],
        "other_agencies": [{"agency": "YOS", "status": "Current", "contact_name": f"Yo Officer{i}"}],
        "internal_support": [{"support": "Adapted timetables", "used": "Yes", "comment": "Helped"}],
    }


def personal_values(values: dict, tabs: dict) -> list[str]:
    """Every personal value of a filled form as it could appear in text (dates in both formats)."""
    found = []
    for f in FORM.fields:
        v = values.get(f.id)
        if f.personal and v not in (None, ""):
            found += [v.isoformat(), v.strftime("%d/%m/%Y")] if isinstance(v, dt.date) else [str(v)]
    for t in FORM.tables:
        for row in tabs.get(t.id, []):
            found += [str(row[c.id]) for c in t.columns if c.personal and row.get(c.id)]
    return found


def make(filler, folder: Path, i: int, name: str | None = None, values: dict | None = None,
         tabs: dict | None = None) -> Path:
    return filler.save(folder / (name or f"referral-{i}.xlsx"), values or valid(i),
                       tables(i) if tabs is None else tabs)


def checked(paths, cfg):
    results = check_files(paths, cfg, expect="fap-referral")
    return results


def counts(url) -> dict:
    """Rows in every store table."""
    import sqlalchemy as sa

    from addin.store.schema import store_tables

    st = store_tables(FAP)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("fap_referral_records"):
                return {}
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in st.metadata.sorted_tables}
    finally:
        engine.dispose()


def py(v):
    """A DataFrame cell back as the Python value check_files gives."""
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if hasattr(v, "item"):
        return v.item()
    return v


class Ran:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def sc(capsys, monkeypatch):
    """Run the command line in this process (fast); `cli` runs it as a separate program."""
    def run(*args):
        from addin.cli import main

        monkeypatch.setattr(sys, "argv", ["safecontext", *map(str, args)])
        capsys.readouterr()
        with pytest.raises(SystemExit) as e:
            main()
        got = capsys.readouterr()
        return Ran(e.value.code, got.out, got.err)

    monkeypatch.setenv("COLUMNS", "200")
    return run


def cli(*args, cwd=None, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "addin.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "COLUMNS": "200", **(env or {})}, timeout=timeout)


# --- round trip --------------------------------------------------------------------------------------

def test_filing_stores_exactly_the_values_and_the_table_rows(store, tmp_path, filler, cfg):
    paths = [make(filler, tmp_path, i) for i in (1, 2)]
    no_place = valid(3, ward=None, postcode=None)  # a query (FAP-028): filed, and counted
    paths.append(make(filler, tmp_path, 3, values=no_place, tabs={}))  # no table rows at all
    results = checked(paths, cfg)
    assert [r.status for r in results] == ["valid", "valid", "queries"]
    report = file_batch(store, results, cfg)
    assert [f.outcome for f in report.filings] == ["filed"] * 3

    df = load_referrals(store, ["2025-autumn"])
    assert len(df) == 3
    for res, (_, row) in zip(results, df.iterrows()):
        assert {f.id: py(row[f.id]) for f in FORM.fields} == res.values
        assert row["term"] == "2025-autumn" and row["version"] == 1
        for t in FORM.tables:
            assert row[f"n_{t.id}"] == len(res.tables[t.id])
    assert list(df["queries"]) == [0, 0, 1]
    assert str(df["referral_date"].dtype) == "datetime64[ns]"
    assert str(df["year_group"].dtype) == "Int64" and str(df["concern_hsb"].dtype) == "boolean"

    for t in FORM.tables:
        rows = load_table_rows(store, t.id, "2025-autumn")
        expected = [(df["record_id"][k], r) for k, res in enumerate(results) for r in res.tables[t.id]]
        assert len(rows) == len(expected)
        for (_, got), (rid, want) in zip(rows.iterrows(), expected):
            assert got["record_id"] == rid and got["row_number"] == want["_row"]
            assert {c.id: py(got[c.id]) for c in t.columns} == {c.id: want.get(c.id) for c in t.columns}


def test_referrals_are_filed_in_the_term_of_their_referral_date(store, tmp_path, filler, cfg):
    spring = valid(4, referral_date=dt.date(2025, 2, 10), year_group=None)
    spring["year_group"] = expected_year_group(spring["date_of_birth"], spring["referral_date"])
    paths = [make(filler, tmp_path, 1), make(filler, tmp_path, 4, values=spring)]
    file_batch(store, checked(paths, cfg), cfg)
    assert list(load_referrals(store, ["2025-spring"])["referral_number"]) == ["FAP/25/004"]
    assert list(load_referrals(store)["term"]) == ["2025-spring", "2025-autumn"]
    assert load_referrals(store, ["2024-autumn"]).empty
    assert load_table_rows(store, "previous_schools", ["2025-spring"])["record_id"].nunique() == 1
    status = store_status(store)
    assert status["forms"][0]["terms"] == [{"term": "2025-spring", "records": 1, "versions": 1},
                               {"term": "2025-autumn", "records": 1, "versions": 1}]


def test_an_empty_store_reads_as_empty_frames_with_the_columns(store):
    from addin.store.db import open_store

    open_store(store).dispose()
    df = load_referrals(store, None)
    assert df.empty and {"record_id", "term", "upn", "n_exclusions"} <= set(df.columns)
    assert load_table_rows(store, "exclusions").columns[:3].tolist() == ["record_id", "term", "row_number"]
    with pytest.raises(KeyError):
        load_table_rows(store, "no_such_table")


# --- refiling and corrections ---------------------------------------------------------------------------

def test_refiling_the_same_forms_changes_nothing(store, tmp_path, filler, cfg):
    paths = [make(filler, tmp_path, i) for i in (1, 2)]
    file_batch(store, checked(paths, cfg), cfg)
    before = counts(store)
    copy = make(filler, tmp_path, 1, name="copy-saved-again.xlsx")  # same answers, another file
    again = file_batch(store, checked(paths + [copy], cfg), cfg)
    assert [f.outcome for f in again.filings] == ["unchanged"] * 3
    after = counts(store)
    assert {k: v for k, v in after.items() if k != "filings"} == {k: v for k, v in before.items() if k != "filings"}
    assert after["filings"] == before["filings"] + 3
    log = load_filings(store)
    assert list(log["outcome"][:3]) == ["unchanged"] * 3
    assert log["content_hash"][0] == hashlib.sha256(copy.read_bytes()).hexdigest()


def test_a_corrected_form_supersedes_and_the_history_stays(store, tmp_path, filler, cfg):
    first = make(filler, tmp_path, 1)
    file_batch(store, checked([first], cfg), cfg)
    fixed_values = valid(1, attendance_pct=80, authorised_absence_pct=15, unauthorised_absence_pct=5)
    fixed = make(filler, tmp_path, 1, name="referral-1-corrected.xlsx", values=fixed_values,
                 tabs={**tables(1), "exclusions": []})
    report = file_batch(store, checked([fixed], cfg), cfg)
    assert [(f.outcome, f.version, f.detail) for f in report.filings] == [("superseded", 2, "replaces version 1")]

    current = load_referrals(store)
    assert len(current) == 1
    assert current["attendance_pct"][0] == 80 and current["version"][0] == 2
    assert current["source_file"][0] == "referral-1-corrected.xlsx"
    assert current["n_exclusions"][0] == 0
    assert load_table_rows(store, "exclusions").empty  # only the current version's rows

    history = load_referrals(store, history=True).sort_values("version")
    assert list(history["version"]) == [1, 2]
    assert list(history["is_current"]) == [False, True]
    assert list(history["attendance_pct"]) == [90, 80]
    assert history["superseded_by"].iloc[0] == history["record_id"].iloc[1]
    assert history["record_key"].nunique() == 1 and history["record_key"].iloc[0] == "ref:FAP/25/001"
    assert len(load_table_rows(store, "exclusions", history=True)) == 1  # version 1's row is kept
    assert store_status(store)["forms"][0]["terms"] == [{"term": "2025-autumn", "records": 1, "versions": 2}]


def test_without_a_referral_number_the_upn_and_referral_date_identify_it(store, tmp_path, filler, cfg):
    v1 = valid(1, referral_number=None)  # None: left blank
    file_batch(store, checked([make(filler, tmp_path, 1, values=v1)], cfg), cfg)
    v2 = {**v1, "child_name": "Alexa Testchild-Corrected"}
    report = file_batch(store, checked([make(filler, tmp_path, 1, name="again.xlsx", values=v2)], cfg), cfg)
    assert report.filings[0].outcome == "superseded"
    history = load_referrals(store, history=True)
    assert len(history) == 2
    assert set(history["record_key"]) == {upn_key(v1)}
    assert v1["upn"] not in history["record_key"][0]  # the key does not show the UPN
    # A different referral date for the same child is another referral.
    v3 = {**v1, "referral_date": dt.date(2025, 11, 20)}
    report = file_batch(store, checked([make(filler, tmp_path, 1, name="later.xlsx", values=v3)], cfg), cfg)
    assert report.filings[0].outcome == "filed"
    assert len(load_referrals(store)) == 2


def test_a_form_that_gains_its_referral_number_is_not_counted_twice(store, tmp_path, filler, cfg):
    school_copy = valid(1)
    school_copy.pop("referral_number")
    file_batch(store, checked([make(filler, tmp_path, 1, values=school_copy)], cfg), cfg)
    numbered = make(filler, tmp_path, 1, name="numbered.xlsx", values=valid(1))
    report = file_batch(store, checked([numbered], cfg), cfg)
    assert report.filings[0].outcome == "superseded"
    assert len(load_referrals(store)) == 1
    assert set(load_referrals(store, history=True)["record_key"]) == {"ref:FAP/25/001"}
    # The school's copy sent again is the old version: nothing changes.
    report = file_batch(store, checked([make(filler, tmp_path, 1, name="resent.xlsx", values=school_copy)],
                                       cfg), cfg)
    assert report.filings[0].outcome == "unchanged"
    assert load_referrals(store)["referral_number"][0] == "FAP/25/001"


def test_an_old_copy_sent_after_its_correction_does_not_undo_it(store, tmp_path, filler, cfg):
    old = make(filler, tmp_path, 1)
    new = make(filler, tmp_path, 1, name="fixed.xlsx", values=valid(1, school="Kingsmead Academy"))
    file_batch(store, checked([old], cfg), cfg)
    file_batch(store, checked([new], cfg), cfg)
    report = file_batch(store, checked([old], cfg), cfg)
    f = report.filings[0]
    assert (f.outcome, f.version) == ("unchanged", 2)
    assert f.detail == "same content as version 1, which a later version replaced; version 2 stays current"
    assert load_referrals(store)["school"][0] == "Kingsmead Academy"


def test_a_referral_number_is_compared_without_case_or_extra_spaces(store, tmp_path, filler, cfg):
    file_batch(store, checked([make(filler, tmp_path, 1)], cfg), cfg)
    other = make(filler, tmp_path, 1, name="b.xlsx", values=valid(1, referral_number=" fap/25/001 ", ward="Abbey"))
    assert file_batch(store, checked([other], cfg), cfg).filings[0].outcome == "superseded"


def test_original_and_correction_in_one_batch(store, tmp_path, filler, cfg):
    a = make(filler, tmp_path, 1, name="a.xlsx")
    b = make(filler, tmp_path, 1, name="b.xlsx", values=valid(1, ward="Abbey"))
    report = file_batch(store, checked([a, b, a], cfg), cfg)
    assert [f.outcome for f in report.filings] == ["filed", "superseded", "unchanged"]
    assert list(load_referrals(store)["ward"]) == ["Abbey"]


def test_an_ambiguous_form_without_a_number_is_refused(store, tmp_path, filler, cfg):
    paths = [make(filler, tmp_path, 1, name="one.xlsx", values=valid(1, referral_number="FAP/25/100")),
             make(filler, tmp_path, 1, name="two.xlsx", values=valid(1, referral_number="FAP/25/101"))]
    file_batch(store, checked(paths, cfg), cfg)
    bare = valid(1, ward="Abbey")
    bare.pop("referral_number")
    report = file_batch(store, checked([make(filler, tmp_path, 1, name="bare.xlsx", values=bare)], cfg), cfg)
    f = report.filings[0]
    assert f.outcome == "refused"
    assert f.detail == ("it matches 2 filed referrals with the same UPN and Date of referral; add the Referral "
                        "number (in '4. For Office Use Only') to say which one it corrects")


# --- refusals and the filing log ---------------------------------------------------------------------------

def test_forms_with_errors_are_refused_and_the_rest_filed(store, tmp_path, filler, cfg, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "fap.coordinator")
    good = make(filler, tmp_path, 1)
    bad = make(filler, tmp_path, 2, name="bad.xlsx", values=valid(2, upn="A12345", referral_date="31/02/2025"))
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    started = dt.datetime.now(dt.timezone.utc)
    results = checked([good, bad, junk], cfg)
    report = file_batch(store, results, cfg)
    assert [f.outcome for f in report.filings] == ["filed", "refused", "refused"]
    assert report.filings[1].detail == "errors: FAP-007, FAP-011"
    assert report.filings[2].detail == "UNREADABLE"
    assert len(load_referrals(store)) == 1

    log = load_filings(store).sort_values("id")
    assert list(log["file_name"]) == ["referral-1.xlsx", "bad.xlsx", "junk.xlsx"]
    assert list(log["outcome"]) == ["filed", "refused", "refused"]
    assert list(log["filed_by"]) == ["fap.coordinator"] * 3
    assert list(log["content_hash"]) == [hashlib.sha256(p.read_bytes()).hexdigest() for p in (good, bad, junk)]
    assert log["batch_id"].nunique() == 1 and list(log["term"])[0] == "2025-autumn"
    assert list(log["version"])[0] == 1 and log["record_id"].iloc[0] == load_referrals(store)["record_id"][0]
    for when in log["filed_at"]:
        assert started - dt.timedelta(seconds=5) <= when.to_pydatetime() <= started + dt.timedelta(minutes=2)


def test_ingest_refuses_naming_field_cell_and_rule_but_no_value(store, tmp_path, filler, config_file, cfg, sc):
    """validate (which goes back to the sender) quotes what was typed; filing output quotes no value."""
    folder = tmp_path / "in"
    make(filler, folder, 1)
    bad = make(filler, folder, 2, name="bad.xlsx", values=valid(2, upn="A12345", postcode="XX"))
    shown = sc("validate", bad, "--config", config_file)
    run = cli("ingest", folder, "--db", store, "--config", config_file)  # as a user runs it
    assert run.returncode == 1, run.stderr
    errors = [str(p) for p in check_files([bad], cfg)[0].errors]
    assert errors == ["FAP-011 UPN (C11): 'A12345' is not a valid UPN: it has 6 characters, not 13",
                      "FAP-010 Child's home postcode (C18): 'XX' is not a UK postcode"]
    for message in errors:
        assert message in shown.stdout
    lines = [line.strip() for line in run.stdout.splitlines()]
    assert "error FAP-011 UPN (C11): A UPN is not 13 characters with the correct DfE check letter." in lines
    assert "error FAP-010 Child's home postcode (C18): A postcode is not a valid UK postcode." in lines
    assert "A12345" not in run.stdout and "'XX'" not in run.stdout
    assert "Filed 1, unchanged 0, superseded 0, refused 1 into " in run.stdout
    assert "Traceback" not in run.stderr
    again = sc("ingest", folder / "referral-1.xlsx", "--db", store, "--config", config_file)
    assert again.returncode == 0
    assert "Filed 0, unchanged 1, superseded 0, refused 0" in again.stdout


def test_ingest_exit_2_for_an_unreadable_file_but_files_the_rest(store, tmp_path, filler, config_file, sc):
    make(filler, tmp_path / "in", 1)
    (tmp_path / "in" / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    run = sc("ingest", tmp_path / "in", "--db", store, "--config", config_file)
    assert run.returncode == 2
    assert "broken.xlsx" in run.stdout and "Filed 1," in run.stdout
    assert len(load_referrals(store)) == 1


# --- atomicity ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("crash", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_a_batch_that_fails_midway_leaves_the_store_as_it_was(store, tmp_path, filler, cfg, monkeypatch, crash):
    file_batch(store, checked([make(filler, tmp_path, 1)], cfg), cfg)
    before = counts(store)
    from addin.store import filing

    real, calls = filing._insert_record, []

    def third_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise crash
        return real(*args, **kwargs)

    monkeypatch.setattr(filing, "_insert_record", third_fails)
    batch = checked([make(filler, tmp_path, i) for i in (2, 3, 4, 5)], cfg)
    with pytest.raises(type(crash)):
        file_batch(store, batch, cfg)
    assert len(calls) == 3
    assert counts(store) == before
    monkeypatch.setattr(filing, "_insert_record", real)
    assert [f.outcome for f in file_batch(store, batch, cfg).filings] == ["filed"] * 4


_HOOKED_FILER = """
import os, sys, time
from addin.store import filing
real_insert, real_tx, n = filing._insert_record, filing.write_transaction, [0]
release = os.environ.get("SC_RELEASE", "")
def insert(*a, **k):
    rid = real_insert(*a, **k)
    n[0] += 1
    if n[0] == int(os.environ.get("SC_PAUSE_AFTER", "0")):
        print("PAUSED-IN-TRANSACTION", flush=True)
        deadline = time.monotonic() + 120
        while not (release and os.path.exists(release)) and time.monotonic() < deadline:
            time.sleep(0.05)
    return rid
def tx(*a, **k):
    print("ASKING-TO-WRITE", flush=True)
    return real_tx(*a, **k)
filing._insert_record, filing.write_transaction = insert, tx
from addin.cli import main
sys.argv = ["safecontext"] + sys.argv[1:]
main()
"""


def hooked_ingest(args, pause_after=0, release: Path | None = None):
    """`safecontext ingest` that says when it asks to write, and can pause inside its transaction."""
    env = {**os.environ, "COLUMNS": "200", "SC_PAUSE_AFTER": str(pause_after), "SC_RELEASE": str(release or "")}
    return subprocess.Popen([sys.executable, "-c", _HOOKED_FILER, "ingest", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def wait_for(proc, word: str, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if word in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"the filer ended before {word}: {proc.stderr.read()}")
    raise AssertionError(f"the filer never said {word}")


def test_a_filer_killed_midway_leaves_the_store_as_it_was(store, tmp_path, filler, cfg, config_file, sc):
    file_batch(store, checked([make(filler, tmp_path / "first", 1)], cfg), cfg)
    before = counts(store)
    for i in (2, 3, 4, 5):
        make(filler, tmp_path / "batch", i)
    proc = hooked_ingest([tmp_path / "batch", "--db", store, "--config", config_file], pause_after=2)
    try:
        wait_for(proc, "PAUSED-IN-TRANSACTION")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert counts(store) == before
    run = sc("ingest", tmp_path / "batch", "--db", store, "--config", config_file)  # the store still works
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Filed 4, unchanged 0" in run.stdout


# --- concurrency -------------------------------------------------------------------------------------------

def test_two_ingests_at_once_lose_nothing(store, tmp_path, filler, config_file):
    for i in range(1, 7):
        make(filler, tmp_path / "a", i)
    for i in range(5, 11):  # 5 and 6 are in both batches: filed once, unchanged once
        make(filler, tmp_path / "b", i)
    procs = [subprocess.Popen([sys.executable, "-m", "addin.cli", "ingest", str(tmp_path / name), "--db", store,
                               "--config", str(config_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for name in ("a", "b")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    df = load_referrals(store)
    assert sorted(df["referral_number"]) == [f"FAP/25/{i:03d}" for i in range(1, 11)]
    assert (df["version"] == 1).all()
    log = load_filings(store)
    assert len(log) == 12 and log["batch_id"].nunique() == 2
    assert sorted(log["outcome"]) == ["filed"] * 10 + ["unchanged"] * 2


def test_an_ingest_waits_for_another_that_holds_the_store(store, tmp_path, filler, config_file):
    for i in (1, 2, 3):
        make(filler, tmp_path / "a", i)
    make(filler, tmp_path / "b", 4)
    release = tmp_path / "release"
    first = hooked_ingest([tmp_path / "a", "--db", store, "--config", config_file], pause_after=1, release=release)
    second = None
    try:
        wait_for(first, "PAUSED-IN-TRANSACTION")  # holds the store, one referral inserted
        second = hooked_ingest([tmp_path / "b", "--db", store, "--config", config_file])
        wait_for(second, "ASKING-TO-WRITE")
        time.sleep(1.5)
        assert second.poll() is None, "the second ingest did not wait for the first"
        release.touch()
        outs = [p.communicate(timeout=120) for p in (first, second)]
    finally:
        for p in (first, second):
            if p is not None and p.poll() is None:
                p.kill()
    assert [first.returncode, second.returncode] == [0, 0], outs
    assert sorted(load_referrals(store)["referral_number"]) == [f"FAP/25/{i:03d}" for i in (1, 2, 3, 4)]


# --- privacy ---------------------------------------------------------------------------------------------

def test_status_logs_and_summaries_hold_no_personal_values(store, tmp_path, filler, cfg, config_file, caplog, sc):
    folder = tmp_path / "in"
    secrets = []
    for i in (1, 2, 3):
        make(filler, folder, i)
        secrets += personal_values(valid(i), tables(i))
    fixed = valid(1, child_name="Corrected Testname")
    make(filler, folder, 1, name="referral-1b.xlsx", values=fixed)
    secrets += personal_values(fixed, tables(1))
    bad = valid(9, upn="A12345", postcode="XX1")
    make(filler, folder, 9, name="bad.xlsx", values=bad)
    secret_of_bad = [s for s in personal_values(bad, tables(9)) if s not in ("A12345", "XX1")]
    caplog.set_level(logging.DEBUG)
    file_batch(store, checked(sorted(folder.iterdir()), cfg), cfg)
    run = sc("ingest", folder, "--db", store, "--config", config_file)  # all unchanged or refused now
    status = sc("store", "status", "--db", store, "--config", config_file)
    assert status.returncode == 0, status.stderr
    assert "referral-1b.xlsx" in status.stdout and "2025-autumn" in status.stdout
    assert "FAP referral: 3 current referrals, 4 versions in all.\n10 filings logged." in status.stdout
    outputs = {"log": caplog.text, "status": status.stdout + status.stderr, "ingest": run.stdout + run.stderr}
    assert "referral-2.xlsx" in caplog.text
    for what, text in outputs.items():
        leaked = [s for s in secrets + secret_of_bad if s in text]
        assert not leaked, f"personal values in {what}: {leaked}"
    log = load_filings(store)
    assert not [s for s in secrets if any(s in str(v) for v in log.drop(columns=["filed_at"]).to_numpy().ravel())]


# --- opening the store -------------------------------------------------------------------------------------

def test_a_store_that_cannot_be_opened_is_exit_2_with_the_url_and_no_password(tmp_path, filler, config_file, sc):
    make(filler, tmp_path, 1)
    run = sc("ingest", tmp_path, "--db", "postgresql+psycopg://clerk:S3cretPw@127.0.0.1:1/nowhere",
              "--config", config_file)
    assert run.returncode == 2
    assert "cannot open the store postgresql+psycopg://clerk:***@127.0.0.1:1/nowhere" in run.stderr
    assert "S3cretPw" not in run.stdout + run.stderr and "Traceback" not in run.stderr
    missing = sc("ingest", tmp_path, "--db", tmp_path / "no" / "such" / "store.sqlite", "--config", config_file)
    assert missing.returncode == 2
    assert f"the folder {tmp_path / 'no' / 'such'} does not exist." in missing.stderr
    notdb = tmp_path / "notes.sqlite"
    notdb.write_text("just text, not a database " * 100)
    wrong = sc("ingest", tmp_path, "--db", notdb, "--config", config_file)
    assert wrong.returncode == 2 and "cannot open the store sqlite:///" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    odd = sc("ingest", tmp_path, "--db", "nosuchdb://x", "--config", config_file)
    assert odd.returncode == 2 and "Traceback" not in odd.stderr and "nosuchdb://x" in odd.stderr


def test_status_of_a_store_that_does_not_exist_says_so_and_creates_nothing(tmp_path, config_file, sc):
    target = tmp_path / "none.sqlite"
    run = sc("store", "status", "--db", target, "--config", config_file)
    assert run.returncode == 2
    assert f"there is no store at {target}" in run.stderr
    assert not target.exists()
    with pytest.raises(StoreError):
        load_referrals(target)


def test_the_default_store_is_the_configured_one(tmp_path, filler, sc, monkeypatch):
    config = tmp_path / "team" / "safecontext.toml"
    config.parent.mkdir()
    config.write_text(demo_text().replace('store = "safecontext-store.sqlite"', 'store = "fap.sqlite"'))
    make(filler, tmp_path / "in", 1)
    monkeypatch.chdir(tmp_path)
    run = sc("ingest", tmp_path / "in", "--config", config)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "team" / "fap.sqlite").exists()
    assert len(load_referrals(tmp_path / "team" / "fap.sqlite")) == 1
    assert sc("store", "status", "--config", config).stdout.count("referral-1.xlsx") == 1


# --- the schema follows the declaration --------------------------------------------------------------------

def test_the_tables_derive_from_the_declaration():
    import sqlalchemy as sa

    from addin.store.schema import META_COLUMNS, store_tables

    st = store_tables(FAP)
    cols = st.records.c
    assert [c.name for c in st.records.columns] == list(META_COLUMNS) + [f.id for f in FORM.fields]
    assert isinstance(cols.referral_date.type, sa.Date) and isinstance(cols.concern_hsb.type, sa.Boolean)
    assert isinstance(cols.open_to_social_care.type, sa.Boolean) and isinstance(cols.year_group.type, sa.Integer)
    assert isinstance(cols.attendance_pct.type, sa.Float) and isinstance(cols.cats_verbal.type, sa.Float)
    assert isinstance(cols.child_name.type, sa.Text) and cols.upn.type.length == 13
    assert sorted(st.children) == sorted(t.id for t in FORM.tables)
    ex = st.children["exclusions"]
    assert ex.name == "fap_referral_exclusions"
    assert [c.name for c in ex.columns] == ["id", "record_id", "row_number", "date_from", "date_to", "days",
                                            "reason"]
    assert [c.name for c in st.filings.columns] == ["id", "batch_id", "form", "filed_at", "filed_by", "file_name",
                                                    "content_hash", "outcome", "record_id", "version", "term",
                                                    "detail"]


def test_a_field_added_to_the_declaration_becomes_a_column_of_an_existing_store(store, tmp_path, filler, cfg):
    file_batch(store, checked([make(filler, tmp_path, 1)], cfg), cfg)
    grown = replace(FORM, sections=FORM.sections + (Section("6. New", (Field("panel_outcome", "Outcome"),)),),
                    _index={})
    from addin.store.db import open_store

    open_store(store, grown).dispose()
    df = load_referrals(store, form=grown)
    assert "panel_outcome" in df.columns and df["panel_outcome"][0] is None
    assert df["child_name"][0] == "Alexa Testchild1"


def test_the_command_line_starts_without_loading_the_database_library():
    code = ("import sys, addin.cli, addin.store, addin.store.commands, addin.intake.register, addin.term; "
            "print(sorted(m for m in ('sqlalchemy', 'pandas', 'pandera') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "[]", run.stderr
