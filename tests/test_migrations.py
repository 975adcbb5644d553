"""The store's schema evolves through Alembic migrations: a store written by 0.1.0 is upgraded, nothing lost.

tests/fixtures/store-0.1.0.sqlite was written by SafeContext 0.1.0 (commit 23336b5; see the
README beside it). Its rows are read before an upgrade and compared with what the upgraded store
holds, on SQLite and on PostgreSQL (skipped, saying why, when no server answers; see test_store.py).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from test_store import FAP, checked, filler, load_referrals, make, sc, store, valid  # noqa: F401 (fixtures)

from addin.store import StoreError, file_batch, load_filings
from addin.store.db import as_utc, open_store
from addin.store.migrate import BASELINE, HEAD, alembic_config, upgrade_store
from addin.store.schema import store_metadata, store_tables

FIXTURE = Path(__file__).parent / "fixtures" / "store-0.1.0.sqlite"
REV0002 = Path(__file__).parent / "fixtures" / "store-rev0002.sqlite"  # as the release at 97b0e10 wrote it
REV0005 = Path(__file__).parent / "fixtures" / "store-rev0005.sqlite"  # as the release at 4ef4f39 wrote it
CASE_REVIEW_TABLES = ["case_review_agencies", "case_review_characteristics", "case_review_contexts",
                      "case_review_engagement", "case_review_interventions", "case_review_missing",
                      "case_review_outcomes", "case_review_overview", "case_review_records", "case_review_young_people"]


def _read_only(path: Path) -> str:
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def old_columns(fixture: Path = FIXTURE) -> dict[str, list[str]]:
    """The tables of a fixture store and their columns, as the fixture has them."""
    engine = sa.create_engine(_read_only(fixture))
    try:
        with engine.connect() as conn:
            insp = sa.inspect(conn)
            return {t: [c["name"] for c in insp.get_columns(t)] for t in insp.get_table_names()
                    if t != "alembic_version"}
    finally:
        engine.dispose()


# Revision 0003 gave every form its own tables and the columns generic names.
RENAMED_COLUMNS = {"referral_key": "record_key", "upn_key": "alt_key", "referral_id": "record_id"}


def renamed(table: str) -> str:
    """Where a table of the FAP-only store (before revision 0003) is now."""
    if table == "referrals":
        return "fap_referral_records"
    return "fap_referral_" + table.removeprefix("referral_") if table.startswith("referral_") else table


def snapshot(url, fixture: Path = FIXTURE) -> dict[str, list[tuple]]:
    """Every row of every table of the fixture, in the fixture's columns, as Python values (times in UTC), by id:
    read from the fixture's tables, or, in a store at revision 0003 or later, from where they are now."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            have = set(sa.inspect(conn).get_table_names())
            out = {}
            for name, cols in old_columns(fixture).items():
                now = name if name in have else renamed(name)
                t = sa.Table(now, sa.MetaData(), autoload_with=conn)
                moved = now != name or "record_id" in t.c
                picked = [t.c[RENAMED_COLUMNS.get(c, c) if moved else c] for c in cols]
                rows = conn.execute(sa.select(*picked).order_by(t.c.id)).all()
                out[name] = [tuple(as_utc(v) if isinstance(v, dt.datetime) else v for v in row) for row in rows]
            return out
    finally:
        engine.dispose()


def revision(url) -> str | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()


def copy_of_fixture(folder: Path) -> Path:
    target = folder / "team-store.sqlite"
    shutil.copyfile(FIXTURE, target)
    return target


# --- the fixture is what it says ---------------------------------------------------------------------------

def test_the_fixture_is_a_0_1_0_store_holding_what_an_upgrade_must_keep():
    assert FIXTURE.stat().st_size < 1 << 20
    url = _read_only(FIXTURE)
    assert revision(url) is None  # 0.1.0 had no migrations
    rows = snapshot(url)
    assert sorted(rows) == ["filings", "referral_exclusions", "referral_internal_exclusions",
                            "referral_internal_support", "referral_other_agencies", "referral_parents_carers",
                            "referral_previous_schools", "referrals"]
    cols = old_columns()["referrals"]
    history = [dict(zip(cols, r)) for r in rows["referrals"]]
    assert {r["term"] for r in history} == {"2025-spring", "2025-autumn"}
    assert len(history) == 6 and sum(bool(r["is_current"]) for r in history) == 4
    chains = [r["superseded_by"] for r in history if r["superseded_by"] is not None]
    assert len(chains) == 2 and set(chains) <= {r["id"] for r in history}
    assert sum(len(rows[t]) for t in rows if t.startswith("referral_")) > 10
    assert {t for t in rows if t.startswith("referral_") and rows[t]} >= {"referral_exclusions",
                                                                          "referral_parents_carers"}
    outcome = old_columns()["filings"].index("outcome")
    assert sorted(r[outcome] for r in rows["filings"]) == ["filed"] * 4 + ["refused"] * 2 + ["superseded"] * 2 + \
        ["unchanged"] * 2


def test_revision_0001_makes_exactly_the_schema_0_1_0_made(tmp_path):
    """The fixture's tables, columns, types, keys and indexes are the ones migration 0001 creates."""
    from alembic import command

    fresh = tmp_path / "at-0001.sqlite"
    engine = sa.create_engine(f"sqlite:///{fresh}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), BASELINE)
    engine.dispose()

    def schema(path: Path) -> dict:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                                "IN ('alembic_version', 'sqlite_sequence') ORDER BY name")]
            out = {"indexes": sorted(r for r in con.execute("SELECT name, tbl_name, sql FROM sqlite_master "
                                                            "WHERE type = 'index' AND sql IS NOT NULL"))}
            for t in tables:
                out[t] = {"columns": con.execute(f"PRAGMA table_info({t})").fetchall(),
                          "keys": sorted(con.execute(f"PRAGMA foreign_key_list({t})").fetchall()),
                          "unique": sorted((r[1], r[2]) for r in con.execute(f"PRAGMA index_list({t})")
                                           if r[3] == "u")}
            return out
        finally:
            con.close()

    old, new = schema(FIXTURE), schema(fresh)
    assert sorted(old) == sorted(new)
    for part in old:
        assert new[part] == old[part], part


# --- upgrading a 0.1.0 store --------------------------------------------------------------------------------

def test_a_0_1_0_sqlite_store_is_upgraded_with_nothing_lost_and_a_backup_first(tmp_path, filler, cfg):
    path = copy_of_fixture(tmp_path)
    url = f"sqlite:///{path}"
    before = snapshot(url)
    said = []
    open_store(url, notify=said.append).dispose()

    (backup,) = [p for p in tmp_path.iterdir() if p.name.startswith("team-store.backup-")]
    assert said == [f"upgraded the store {url} from schema revision 0001 (as SafeContext 0.1.0 wrote it) to "
                    f"{HEAD}; a copy of it as it was is at {backup}"]
    assert backup.name.startswith("team-store.backup-rev0001-") and backup.suffix == ".sqlite"
    stamp = dt.datetime.strptime(backup.name.split("-")[3].split(".")[0], "%Y%m%dT%H%M%SZ")
    assert abs(stamp.replace(tzinfo=dt.timezone.utc) - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=5)
    assert revision(url) == HEAD
    assert snapshot(url) == before  # every referral, version, history link, child row and log row
    assert snapshot(_read_only(backup)) == before and revision(_read_only(backup)) is None  # the 0.1.0 store
    assert list(sqlite3.connect(backup).execute("PRAGMA integrity_check")) == [("ok",)]
    assert saved_at_values(url) == [None] * 6

    said.clear()
    open_store(url, notify=said.append).dispose()  # up to date: nothing done, no second copy
    assert said == [] and len(list(tmp_path.glob("team-store.backup-*"))) == 1
    # The upgraded store files as any other: a new referral, and a stale copy judged by its date completed.
    report = file_batch(url, checked([make(filler, tmp_path, 7),
                                      make(filler, tmp_path, 1, name="old-1.xlsx",
                                           values=valid(1, date_completed=dt.date(2025, 9, 30), ward="Abbey"))],
                                     cfg), cfg)
    assert [(f.outcome, f.record_id, f.version, f.detail) for f in report.filings] == [
        ("filed", 7, 1, None), ("older", 8, 3, "completed before version 2, which stays current")]


def saved_at_values(url) -> list:
    r = store_tables(FAP).records
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [v for (v,) in conn.execute(sa.select(r.c.saved_at).order_by(r.c.id))]
    finally:
        engine.dispose()


def test_ingest_says_where_the_copy_from_before_the_upgrade_is(tmp_path, filler, config_file, sc):
    path = copy_of_fixture(tmp_path)
    make(filler, tmp_path / "in", 7)
    run = sc("ingest", tmp_path / "in", "--db", path, "--config", config_file)
    assert run.returncode == 0, run.stdout + run.stderr
    (backup,) = tmp_path.glob("team-store.backup-rev0001-*.sqlite")
    assert (f"note upgraded the store sqlite:///{path} from schema revision 0001 (as SafeContext 0.1.0 wrote it) "
            f"to {HEAD}; a copy of it as it was is at {backup}") in run.stdout.splitlines()
    assert "Filed 1, unchanged 0, superseded 0, refused 0" in run.stdout
    con = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    assert con.execute("SELECT count(*) FROM referrals").fetchone() == (6,)
    assert con.execute("SELECT count(*) FROM filings").fetchone() == (10,)
    con.close()


def test_a_store_at_an_older_revision_is_upgraded_in_place(tmp_path):
    """Stamped 0001 (as a store made by a release with only that migration would be)."""
    from alembic import command

    path = copy_of_fixture(tmp_path)
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.stamp(alembic_config(conn), BASELINE)
    engine.dispose()
    before = snapshot(url)
    said = []
    open_store(url, notify=said.append).dispose()
    (backup,) = tmp_path.glob("team-store.backup-rev0001-*.sqlite")
    assert said == [f"upgraded the store {url} from schema revision 0001 to {HEAD}; a copy of it as it was is at "
                    f"{backup}"]
    assert revision(url) == HEAD and snapshot(url) == before and revision(_read_only(backup)) == BASELINE


def load_fixture_rows(url: str, fixture: Path = FIXTURE) -> None:
    """Copy every row of a fixture into a store at its revision (ids kept, sequences moved past them)."""
    cols = old_columns(fixture)
    src = sa.create_engine(_read_only(fixture))
    dst = sa.create_engine(url)
    try:
        with src.connect() as s, dst.begin() as d:
            order = ["referrals"] + sorted(t for t in cols if t.startswith("referral_")) + ["filings"]
            links, md = [], sa.MetaData()
            md.reflect(d)
            for name in order:
                t = md.tables[name]
                rows = [dict(r._mapping) for r in s.execute(sa.select(*[t.c[c] for c in cols[name]]))]
                for r in rows:
                    for k, v in r.items():
                        if isinstance(v, dt.datetime):  # SQLite keeps them without a zone: they are UTC
                            r[k] = as_utc(v)
                    if name == "referrals":  # a version can point at a later one: linked once all are in
                        links.append({"rid": r["id"], "to": r.pop("superseded_by")})
                if not rows:
                    continue
                d.execute(t.insert(), rows)
                d.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"(SELECT max(id) FROM {name}))"))
            r = md.tables["referrals"]
            d.execute(r.update().where(r.c.id == sa.bindparam("rid")).values(superseded_by=sa.bindparam("to")),
                      [x for x in links if x["to"] is not None])
    finally:
        src.dispose()
        dst.dispose()


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)  # a new, empty PostgreSQL schema
@pytest.mark.parametrize("stamped", [False, True], ids=["as-0.1.0-left-it", "stamped-0001"])
def test_a_0_1_0_store_on_postgresql_is_upgraded_with_nothing_lost(store, stamped, tmp_path, filler, cfg):
    from alembic import command

    url = store
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), BASELINE)
        if not stamped:  # 0.1.0 made the tables without any record of a revision
            conn.execute(sa.text("DROP TABLE alembic_version"))
    engine.dispose()
    load_fixture_rows(url)
    before = snapshot(_read_only(FIXTURE))
    assert snapshot(url) == before and revision(url) == (BASELINE if stamped else None)

    said = []
    open_store(url, notify=said.append).dispose()
    was = "0001" if stamped else "0001 (as SafeContext 0.1.0 wrote it)"
    assert said == [f"upgraded the store {url} from schema revision {was} to {HEAD}"]  # no file to copy
    assert revision(url) == HEAD
    assert snapshot(url) == before
    assert saved_at_values(url) == [None] * 6
    report = file_batch(url, checked([make(filler, tmp_path, 7)], cfg), cfg)
    assert [(f.outcome, f.record_id) for f in report.filings] == [("filed", 7)]


# --- upgrading a store written by the release before per-form tables (revision 0002) --------------------------

def _upgraded_rev0002_checks(url: str, before: dict, tmp_path, filler, cfg) -> None:
    """What a store upgraded from the rev0002 fixture must hold and do."""
    assert revision(url) == HEAD
    assert snapshot(url, REV0002) == before  # every version, history link, table row and log row, by id
    history = load_referrals(url, history=True)
    assert len(history) == 8 and int(history["is_current"].sum()) == 5
    log = load_filings(url)
    assert set(log["form"]) == {"fap-referral"} and len(log) == 13
    assert sorted(log["outcome"]) == (["filed"] * 5 + ["older"] + ["refused"] * 2 + ["restored"]
                                      + ["superseded"] * 2 + ["unchanged"] * 2)
    restored = log[log["outcome"] == "restored"].iloc[0]
    current = history[history["record_id"] == restored["record_id"]].iloc[0]
    assert bool(current["is_current"]) and current["source_file"] == "referral-6.xlsx"
    # It files as any store does: the next id follows the copied ones.
    report = file_batch(url, checked([make(filler, tmp_path, 7)], cfg), cfg)
    assert [(f.outcome, f.record_id, f.version, f.form) for f in report.filings] == [
        ("filed", 9, 1, "fap-referral")]


def test_a_rev0002_sqlite_store_gets_per_form_tables_with_nothing_lost(tmp_path, filler, cfg):
    path = tmp_path / "team-store.sqlite"
    shutil.copyfile(REV0002, path)
    url = f"sqlite:///{path}"
    assert revision(url) == "0002"
    before = snapshot(url, REV0002)
    said = []
    open_store(url, notify=said.append).dispose()
    (backup,) = tmp_path.glob("team-store.backup-rev0002-*.sqlite")
    assert said == [f"upgraded the store {url} from schema revision 0002 to {HEAD}; a copy of it as it was is "
                    f"at {backup}"]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = sorted(r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    assert list(con.execute("PRAGMA foreign_key_check")) == [] and list(con.execute("PRAGMA integrity_check")) == \
        [("ok",)]
    con.close()
    assert tables == ["alembic_version", *CASE_REVIEW_TABLES, "fap_referral_exclusions",
                      "fap_referral_internal_exclusions", "fap_referral_internal_support", "fap_referral_other_agencies", "fap_referral_parents_carers",
                      "fap_referral_previous_schools", "fap_referral_records", "filings", "hsb_audit_actions",
                      "hsb_audit_domain_1", "hsb_audit_domain_2", "hsb_audit_domain_3", "hsb_audit_domain_4",
                      "hsb_audit_domain_5", "hsb_audit_records", "hsb_framework_challenges",
                      "hsb_framework_factors", "hsb_framework_interventions", "hsb_framework_records", "pgi_peers",
                      "pgi_records", "pgi_requests"]
    assert snapshot(_read_only(backup), REV0002) == before and revision(_read_only(backup)) == "0002"
    _upgraded_rev0002_checks(url, before, tmp_path, filler, cfg)


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)  # a new, empty PostgreSQL schema
def test_a_rev0002_store_on_postgresql_gets_per_form_tables_with_nothing_lost(store, tmp_path, filler, cfg):
    from alembic import command

    engine = sa.create_engine(store)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
    engine.dispose()
    load_fixture_rows(store, REV0002)
    before = snapshot(_read_only(REV0002), REV0002)
    assert snapshot(store, REV0002) == before
    said = []
    open_store(store, notify=said.append).dispose()
    assert said == [f"upgraded the store {store} from schema revision 0002 to {HEAD}"]
    _upgraded_rev0002_checks(store, before, tmp_path, filler, cfg)


# --- upgrading a store written by the release before the case review (revision 0005) ----------------------------

def every_row(url) -> dict[str, list[tuple]]:
    """Every row of every table of a store (but the revision's), in its own columns, by id (times in UTC)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            md = sa.MetaData()
            md.reflect(conn)
            return {name: [tuple(as_utc(v) if isinstance(v, dt.datetime) else v for v in row)
                           for row in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                    for name, t in md.tables.items() if name != "alembic_version"}
    finally:
        engine.dispose()


def test_the_rev0005_fixture_holds_a_row_in_every_table_of_its_release():
    rows = every_row(_read_only(REV0005))
    assert revision(_read_only(REV0005)) == "0005"
    assert [t for t, r in rows.items() if not r] == ["fap_referral_internal_exclusions"] and len(rows) == 22
    assert len(rows["hsb_audit_actions"]) == 21 and len(rows["pgi_requests"]) == 1
    assert not any(t.startswith("case_review") for t in rows)


def test_a_rev0005_sqlite_store_gets_the_case_review_tables_with_nothing_lost(tmp_path, cfg):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from case_reviews import valid_review_tables, valid_review_values
    from addin.checks.run import check_files
    from addin.forms import get_form
    from addin.forms.fill import Filler
    from addin.store.query import load_records, load_table_rows

    path = tmp_path / "team-store.sqlite"
    shutil.copyfile(REV0005, path)
    url = f"sqlite:///{path}"
    before = every_row(url)
    said = []
    open_store(url, notify=said.append).dispose()
    (backup,) = tmp_path.glob("team-store.backup-rev0005-*.sqlite")
    assert said == [f"upgraded the store {url} from schema revision 0005 to {HEAD}; a copy of it as it was is at "
                    f"{backup}"]
    after = every_row(url)
    assert revision(url) == HEAD == "0006"
    assert {t: after[t] for t in before} == before  # every version, history link, table row, log row and plan
    assert sorted(set(after) - set(before)) == CASE_REVIEW_TABLES and not any(after[t] for t in CASE_REVIEW_TABLES)
    assert every_row(_read_only(backup)) == before and revision(_read_only(backup)) == "0005"
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert list(con.execute("PRAGMA foreign_key_check")) == [] and list(con.execute("PRAGMA integrity_check")) == \
        [("ok",)]
    con.close()
    # It files a case review as any store files a form, beside what was there.
    form = Filler(get_form("case-review"), cfg)
    review = form.save(tmp_path / "review.xlsx", valid_review_values(), valid_review_tables())
    report = file_batch(url, check_files([review], cfg), cfg)
    assert [(f.outcome, f.form, f.version) for f in report.filings] == [("filed", "case-review", 1)]
    assert list(load_records(url, form="case-review")["review_reference"]) == ["HA"]
    assert sorted(load_table_rows(url, "young_people", form="case-review")["code"]) == ["HA01", "HA02", "HA03"]
    assert {t: every_row(url)[t] for t in before if t != "filings"} == {t: before[t] for t in before if t != "filings"}


# --- the declaration and the migrations agree -----------------------------------------------------------------

def test_the_latest_revision_is_head():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(None))
    assert script.get_heads() == [HEAD]
    assert [s.revision for s in reversed(list(script.walk_revisions()))] == ["0001", "0002", "0003", "0004", "0005",
                                                                             "0006"]


def schema_differences(url, metadata) -> list:
    """What alembic's compare_metadata finds between a store and a declaration (empty: they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()


def test_the_migrations_make_exactly_the_tables_the_declaration_says(store):
    """If this fails, the form declaration changed: write the migration (addin/store/migrations/versions/)."""
    from addin.store.db import connect

    engine = connect(store)
    try:
        assert upgrade_store(engine).before == "new"  # the migrations alone, not open_store's additions
    finally:
        engine.dispose()
    assert schema_differences(store, store_metadata()) == []
    # ... and it does fail when they disagree: a field declared but in no migration.
    from dataclasses import replace

    from addin.forms import Field, Section, form_ids, get_form
    from addin.store.schema import build_tables

    form = get_form("fap-referral")
    grown = replace(form, sections=form.sections + (Section("6. New", (Field("panel_outcome", "Outcome"),)),),
                    _index={})
    others = [get_form(i) for i in form_ids() if i != FAP]
    diff = schema_differences(store, build_tables(grown, *others)[FAP].metadata)
    assert [(d[0], d[2], d[3].name) for d in diff] == [("add_column", "fap_referral_records", "panel_outcome")]


# --- refusing what this program does not know ------------------------------------------------------------------

def test_a_store_written_by_a_newer_safecontext_is_refused_unchanged(store, tmp_path, filler, cfg, config_file, sc):
    file_batch(store, checked([make(filler, tmp_path, 1)], cfg), cfg)
    engine = sa.create_engine(store)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    message = (f"cannot open the store {store}: this store was written by a newer SafeContext (its schema revision "
               f"is 0099; this SafeContext knows revisions up to {HEAD}); update SafeContext to use it. Nothing "
               "was changed.")
    with pytest.raises(StoreError) as e:
        open_store(store)
    assert str(e.value) == message
    assert e.value.excel == ("The store cannot be opened: this store was written by a newer SafeContext (its schema "
                             f"revision is 0099; this SafeContext knows revisions up to {HEAD}). Ask your SafeContext "
                             "administrator to update SafeContext on this computer. Nothing was changed.")
    run = sc("ingest", tmp_path / "referral-1.xlsx", "--db", store, "--config", config_file)
    assert run.returncode == 2 and run.stderr.strip() == f"safecontext: {message}"
    assert revision(store) == "0099" and len(load_filings(store)) == 1
    assert not list(tmp_path.glob("*.backup-*"))


# --- opening at once ------------------------------------------------------------------------------------------

_OPENER = """
import os, sys, time
while not os.path.exists(sys.argv[2]):
    time.sleep(0.01)
from addin.store.db import open_store
open_store(sys.argv[1], notify=lambda m: print(m, flush=True)).dispose()
print("OPENED", flush=True)
"""


@pytest.mark.parametrize("start", ["new", "0.1.0"])
def test_programs_opening_a_store_at_once_migrate_it_once(tmp_path, start):
    path = tmp_path / "team-store.sqlite" if start == "new" else copy_of_fixture(tmp_path)
    before = snapshot(_read_only(path)) if start != "new" else None
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _OPENER, str(path), str(go)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    time.sleep(0.5)
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outs
    assert all(o.rstrip().endswith("OPENED") for o, _ in outs)
    upgraded = [o for o, _ in outs if "upgraded the store" in o]
    assert len(upgraded) == (0 if start == "new" else 1)
    assert len(list(tmp_path.glob("team-store.backup-*"))) == (0 if start == "new" else 1)
    assert revision(f"sqlite:///{path}") == HEAD
    if before is not None:
        assert snapshot(f"sqlite:///{path}") == before


def test_two_ingests_into_one_new_sqlite_file_both_succeed(tmp_path, filler, config_file):
    make(filler, tmp_path / "a", 1)
    make(filler, tmp_path / "b", 2)
    db = tmp_path / "new-store.sqlite"
    procs = [subprocess.Popen([sys.executable, "-m", "addin.cli", "ingest", str(tmp_path / name), "--db", str(db),
                               "--config", str(config_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "COLUMNS": "200"}) for name in ("a", "b")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(load_referrals(db)["referral_number"]) == ["FAP/25/001", "FAP/25/002"]
    assert revision(f"sqlite:///{db}") == HEAD
