"""A correction is never lost to a stale original: an older form is kept in the history, not made current.

'Older' is the workbook's own last-saved time (docProps/core.xml), or, when either form has
none, its 'Date form completed'. The coordinator makes an older form current on purpose with
`safecontext store restore ID`. Each test runs on SQLite and on PostgreSQL (see test_store.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import rewrite_zip
from test_register import row as register_row
from test_register import write_register
from test_store import (FAP, checked, filler, load_referrals, load_table_rows, make, personal_values, sc, store,  # noqa: F401
                        tables, valid)

from addin.checks.registers import check_register
from addin.store import file_batch, load_filings, store_status
from addin.store.db import as_utc, open_store
from addin.store.filing import restore_version
from addin.store.schema import store_tables

T0 = dt.datetime(2025, 10, 6, 9, 30, tzinfo=dt.timezone.utc)  # when the school saved the original
LATER = T0 + dt.timedelta(hours=2)                              # when it saved the correction
_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")


def saved(path: Path, when: dt.datetime | None) -> Path:
    """The workbook with its own last-saved time set to `when` (None: no saved time at all)."""
    def change(xml: bytes) -> bytes:
        if when is None:
            new, n = re.subn(rb"<dcterms:modified\b[^>]*>[^<]*</dcterms:modified>", b"", xml)
        else:
            new, n = _MODIFIED.subn(rb"\g<1>" + f"{when:%Y-%m-%dT%H:%M:%SZ}".encode() + rb"\g<2>", xml)
        assert n == 1
        return new

    tmp = path.with_name(path.name + ".tmp")
    rewrite_zip(path, tmp, {"docProps/core.xml": change})
    tmp.replace(path)
    return path


def pair(filler, folder: Path, i: int = 1, original_at=T0, corrected_at=LATER, **completed):
    """An original form and its correction (same referral number, attendance corrected to 80%)."""
    original = saved(make(filler, folder, i, values=valid(i, **completed.get("original", {}))), original_at)
    fixed = valid(i, attendance_pct=80, authorised_absence_pct=15, unauthorised_absence_pct=5,
                  **completed.get("corrected", {}))
    corrected = saved(make(filler, folder, i, name=f"referral-{i}-corrected.xlsx", values=fixed,
                           tabs={**tables(i), "exclusions": []}), corrected_at)
    return original, corrected


def history(url) -> list[tuple]:
    """(id, version, is_current, superseded_by, source_file, attendance) of every version, by id."""
    import pandas as pd

    df = load_referrals(url, history=True).sort_values("record_id")
    return [(int(r.record_id), int(r.version), bool(r.is_current),
             None if pd.isna(r.superseded_by) else int(r.superseded_by), r.source_file, float(r.attendance_pct))
            for r in df.itertuples()]


def saved_times(url) -> dict[int, dt.datetime | None]:
    """Each version's stored saved time, by id."""
    r = store_tables(FAP).records
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(r.c.id, r.c.saved_at).order_by(r.c.id)).all()
    finally:
        engine.dispose()
    return {i: as_utc(s) if isinstance(s, dt.datetime) else s for i, s in rows}


# --- the two orders -------------------------------------------------------------------------------------

def test_original_then_correction_the_correction_supersedes(store, tmp_path, filler, cfg):
    original, corrected = pair(filler, tmp_path)
    assert [f.outcome for f in file_batch(store, checked([original], cfg), cfg).filings] == ["filed"]
    report = file_batch(store, checked([corrected], cfg), cfg)
    assert [(f.outcome, f.version, f.detail) for f in report.filings] == [("superseded", 2, "replaces version 1")]
    assert history(store) == [(1, 1, False, 2, "referral-1.xlsx", 90.0),
                              (2, 2, True, None, "referral-1-corrected.xlsx", 80.0)]
    assert saved_times(store) == {1: T0, 2: LATER}


def test_correction_then_original_the_original_is_kept_as_older(store, tmp_path, filler, cfg, sc, config_file):
    """The issue's case: both in one folder, filed in name order (the correction's name sorts first)."""
    pair(filler, tmp_path / "in")
    run = sc("ingest", tmp_path / "in", "--db", store, "--config", config_file)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert "  filed      referral-1-corrected.xlsx (2025-autumn, version 1)" in lines
    assert ("  older      referral-1.xlsx (2025-autumn, version 2): saved before version 1, which stays current; "
            "'safecontext store restore 2 --form fap-referral' makes this one current") in lines
    assert f"Filed 1, unchanged 0, superseded 0, older 1, refused 0 into {store}." in lines

    assert history(store) == [(1, 1, True, None, "referral-1-corrected.xlsx", 80.0),
                              (2, 2, False, 1, "referral-1.xlsx", 90.0)]
    current = load_referrals(store)
    assert list(current["source_file"]) == ["referral-1-corrected.xlsx"] and current["n_exclusions"][0] == 0
    assert len(load_table_rows(store, "exclusions", history=True)) == 1  # the original's row is kept
    assert load_table_rows(store, "exclusions").empty
    log = load_filings(store).sort_values("id")
    assert [(r.file_name, r.outcome, int(r.version), int(r.record_id), r.detail if isinstance(r.detail, str)
             else None) for r in log.itertuples()] == [
        ("referral-1-corrected.xlsx", "filed", 1, 1, None),
        ("referral-1.xlsx", "older", 2, 2, "saved before version 1, which stays current")]
    assert store_status(store)["forms"][0]["terms"] == [{"term": "2025-autumn", "records": 1, "versions": 2}]
    secrets = personal_values(valid(1), tables(1))
    assert [s for s in secrets if s in run.stdout + run.stderr] == []


def test_the_older_form_sent_again_changes_nothing(store, tmp_path, filler, cfg):
    original, corrected = pair(filler, tmp_path)
    file_batch(store, checked([corrected, original], cfg), cfg)
    report = file_batch(store, checked([original], cfg), cfg)
    assert [(f.outcome, f.version, f.detail) for f in report.filings] == [
        ("unchanged", 1, "same content as version 2, which is kept in the history but is not current; "
                         "version 1 stays current")]
    assert len(load_referrals(store, history=True)) == 2


def test_in_one_batch_the_order_does_not_matter_either(store, tmp_path, filler, cfg):
    original, corrected = pair(filler, tmp_path)
    report = file_batch(store, checked([corrected, original], cfg), cfg)
    assert [(f.outcome, f.version) for f in report.filings] == [("filed", 1), ("older", 2)]
    assert list(load_referrals(store)["attendance_pct"]) == [80]


def test_forms_saved_at_the_same_time_the_later_filing_supersedes(store, tmp_path, filler, cfg):
    original, corrected = pair(filler, tmp_path, corrected_at=T0)
    file_batch(store, checked([corrected], cfg), cfg)
    report = file_batch(store, checked([original], cfg), cfg)
    assert [(f.outcome, f.version) for f in report.filings] == [("superseded", 2)]
    assert list(load_referrals(store)["source_file"]) == ["referral-1.xlsx"]


# --- without a saved time, the date completed decides --------------------------------------------------------

@pytest.mark.parametrize("original_at, corrected_at", [(None, None), (T0, None), (None, LATER)],
                         ids=["neither-saved", "correction-unsaved", "original-unsaved"])
def test_without_both_saved_times_the_date_completed_decides(store, tmp_path, filler, cfg, original_at,
                                                             corrected_at):
    original, corrected = pair(filler, tmp_path, original_at=original_at, corrected_at=corrected_at,
                               original={"date_completed": dt.date(2025, 10, 2)},
                               corrected={"date_completed": dt.date(2025, 10, 3)})
    file_batch(store, checked([corrected], cfg), cfg)
    report = file_batch(store, checked([original], cfg), cfg)
    assert [(f.outcome, f.detail) for f in report.filings] == [
        ("older", "completed before version 1, which stays current")]
    assert list(load_referrals(store)["source_file"]) == ["referral-1-corrected.xlsx"]
    assert saved_times(store) == {1: corrected_at, 2: original_at}


@pytest.mark.parametrize("completed", [{}, {"original": {"date_completed": dt.date(2025, 10, 3)},
                                            "corrected": {"date_completed": dt.date(2025, 10, 3)}}],
                         ids=["no-dates", "same-date"])
def test_with_no_way_to_tell_the_later_filing_supersedes(store, tmp_path, filler, cfg, completed):
    original, corrected = pair(filler, tmp_path, original_at=None, corrected_at=None, **completed)
    file_batch(store, checked([corrected], cfg), cfg)
    assert [f.outcome for f in file_batch(store, checked([original], cfg), cfg).filings] == ["superseded"]


def test_the_saved_time_wins_over_the_date_completed(store, tmp_path, filler, cfg):
    """Both saved times known: a correction saved later supersedes even with an earlier date completed."""
    original, corrected = pair(filler, tmp_path, original={"date_completed": dt.date(2025, 10, 3)},
                               corrected={"date_completed": dt.date(2025, 10, 2)})
    file_batch(store, checked([original], cfg), cfg)
    assert [f.outcome for f in file_batch(store, checked([corrected], cfg), cfg).filings] == ["superseded"]


# --- restore -----------------------------------------------------------------------------------------------

def test_restore_makes_the_older_form_current_on_purpose(store, tmp_path, filler, cfg, sc, config_file,
                                                         monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "fap.coordinator")
    original, corrected = pair(filler, tmp_path)
    file_batch(store, checked([corrected, original], cfg), cfg)
    status = sc("store", "status", "--db", store, "--config", config_file)
    assert "Filings: 1 filed, 1 older." in status.stdout.splitlines()
    assert re.search(r"│ 2 +│ referral-1\.xlsx +│ 2025-autumn +│ 2 +│ 1 +│", status.stdout), status.stdout
    assert "'safecontext store restore ID --form FORM' makes one of these current" in status.stdout

    started = dt.datetime.now(dt.timezone.utc)
    run = sc("store", "restore", "2", "--db", store, "--config", config_file)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"Restored version 2 (referral-1.xlsx, fap-referral, 2025-autumn, id 2): it is now the current version; version 1 "
        f"(id 1) is kept in the history. Logged in {store}."]
    assert history(store) == [(1, 1, False, 2, "referral-1-corrected.xlsx", 80.0),
                              (2, 2, True, None, "referral-1.xlsx", 90.0)]
    assert len(load_table_rows(store, "exclusions")) == 1  # the restored version's rows are the current ones
    newest = load_filings(store).iloc[0]
    assert (newest["outcome"], newest["file_name"], newest["version"], newest["record_id"], newest["term"],
            newest["filed_by"], newest["detail"]) == ("restored", "referral-1.xlsx", 2, 2, "2025-autumn",
                                                      "fap.coordinator", "made current by hand; replaces version 1")
    assert newest["content_hash"] == hashlib.sha256(original.read_bytes()).hexdigest()
    assert newest["filed_at"].to_pydatetime() >= started - dt.timedelta(seconds=5)
    after = sc("store", "status", "--db", store, "--config", config_file)
    assert "Forms older than" not in after.stdout and "Filings: 1 filed, 1 older, 1 restored." in after.stdout

    secrets = personal_values(valid(1), tables(1))
    assert [s for s in secrets if s in status.stdout + run.stdout + after.stdout + run.stderr] == []

    again = sc("store", "restore", "2", "--db", store, "--config", config_file)
    assert again.returncode == 0
    assert again.stdout.strip() == "Version 2 (referral-1.xlsx, fap-referral, 2025-autumn, id 2) is already current; nothing " \
                                   "was changed."
    assert len(load_filings(store)) == 3
    # The correction can be made current again the same way: nothing is ever lost.
    assert restore_version(store, 1).replaced_version == 2
    assert list(load_referrals(store)["attendance_pct"]) == [80]


def test_restore_of_a_version_that_does_not_exist(store, sc, config_file, tmp_path, filler, cfg):
    file_batch(store, checked([make(filler, tmp_path, 1)], cfg), cfg)
    run = sc("store", "restore", "99", "--db", store, "--config", config_file)
    assert run.returncode == 2
    assert run.stderr.strip() == (f"safecontext: there is no filed version 99 in the store {store}. 'safecontext "
                                  "store status' lists the older forms kept in the history, with their numbers.")
    missing = sc("store", "restore", "1", "--db", tmp_path / "none.sqlite", "--config", config_file)
    assert missing.returncode == 2 and "there is no store at" in missing.stderr
    assert not (tmp_path / "none.sqlite").exists()


# --- many filers at once -----------------------------------------------------------------------------------

def test_originals_and_corrections_filed_at_once_in_any_order_leave_every_correction_current(store, tmp_path,
                                                                                           filler, cfg):
    """10 filers, each with one form: the originals and corrections of 5 referrals, started in random order."""
    forms = [p for i in range(1, 6) for p in pair(filler, tmp_path, i)]
    random.Random(7).shuffle(forms)
    results = {p: checked([p], cfg) for p in forms}
    open_store(store).dispose()  # made first: what is tested here is filing (test_migrations makes stores at once)
    start, outcomes, errors = threading.Barrier(len(forms)), {}, []

    def filer(path):
        try:
            start.wait()
            outcomes[path.name] = file_batch(store, results[path], cfg).filings[0].outcome
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=filer, args=(p,)) for p in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors
    current = load_referrals(store)
    assert sorted(current["source_file"]) == [f"referral-{i}-corrected.xlsx" for i in range(1, 6)]
    assert (current["attendance_pct"] == 80).all()
    assert len(load_referrals(store, history=True)) == 10
    for i in range(1, 6):
        first, second = outcomes[f"referral-{i}.xlsx"], outcomes[f"referral-{i}-corrected.xlsx"]
        assert (first, second) in {("filed", "superseded"), ("older", "filed")}, (i, first, second)


# --- register rows and content hashes ------------------------------------------------------------------------

def test_a_register_row_older_than_the_filed_correction_is_kept_as_older(store, tmp_path, cfg):
    newer = saved(write_register(tmp_path / "register-march.xlsx", [register_row(1, ward="Abbey"), register_row(2)]),
                  LATER)
    older = saved(write_register(tmp_path / "register-feb.xlsx", [register_row(1), register_row(2)]), T0)
    file_batch(store, check_register(newer, cfg, FAP).results, cfg)
    report = file_batch(store, check_register(older, cfg, FAP).results, cfg)
    assert [(f.name, f.outcome, f.detail) for f in report.filings] == [
        ("register-feb.xlsx (Register row 4)", "older", "saved before version 1, which stays current"),
        ("register-feb.xlsx (Register row 5)", "unchanged", "same content as the current version")]
    assert list(load_referrals(store)["ward"]) == ["Abbey", "Marsh"]
    assert saved_times(store) == {1: LATER, 2: LATER, 3: T0}


def test_the_logged_hash_is_of_the_bytes_that_were_checked(store, tmp_path, filler, cfg, monkeypatch):
    path = make(filler, tmp_path, 1)
    checked_bytes = path.read_bytes()
    results = checked([path], cfg)
    path.write_bytes(b"changed after it was checked")  # what is filed is what was checked, not this

    def no_reading(_path):
        raise AssertionError("the file was read again to hash it")

    monkeypatch.setattr("addin.store.filing.file_hash", no_reading)
    report = file_batch(store, results, cfg)
    assert report.filings[0].content_hash == hashlib.sha256(checked_bytes).hexdigest() == results[0].record.sha256
    assert load_filings(store)["content_hash"][0] == hashlib.sha256(checked_bytes).hexdigest()
