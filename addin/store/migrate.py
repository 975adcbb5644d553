"""Bringing a store's schema to this program's revision with Alembic, under the store's write lock.

A new store is made by running every migration; a store written by 0.1.0 (its tables, no
alembic_version table) is stamped 0001, the schema it has, and upgraded; a store at an older
revision is upgraded in place. A SQLite file is first copied (the sqlite3 backup API) to a
sibling file named after its revision and the time. A store at a revision this program does
not know was written by a newer SafeContext and is refused, unchanged.

The check and the upgrade happen in one write transaction (SQLite: BEGIN IMMEDIATE;
PostgreSQL: the filing advisory lock), re-reading the revision once the lock is held, so two
programs opening a new or old store at once never both migrate: the second finds it done.
Alembic is imported only when something is to be done: opening an up-to-date store costs one
query.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from addin.store.db import BUSY_SECONDS, StoreError, display_url, is_sqlite, retrying, write_transaction

HEAD = "0006"          # the latest revision in migrations/versions (tests/test_migrations.py checks)
BASELINE = "0001"      # the schema of 0.1.0, which had no alembic_version table
VERSION_TABLE = "alembic_version"
MIGRATIONS = Path(__file__).with_name("migrations")
NEW = "new"            # revision_of: no store tables yet


@dataclass(frozen=True)
class Upgrade:
    """What opening the store did to its schema."""

    before: str                     # the revision it had, or NEW
    after: str
    backup: Path | None = None      # the SQLite copy made first
    unversioned: bool = False       # written by 0.1.0: no alembic_version table (stamped BASELINE)

    def message(self, url: str) -> str:
        if self.before == NEW:
            return f"made a new store at {url} (schema revision {self.after})"
        was = f"{self.before} (as SafeContext 0.1.0 wrote it)" if self.unversioned else self.before
        copy = f"; a copy of it as it was is at {self.backup}" if self.backup else ""
        return f"upgraded the store {url} from schema revision {was} to {self.after}{copy}"


def stamped(conn: Connection) -> str | None:
    """The revision in alembic_version, or None when there is none (a 0.1.0 store, or no store)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    revs = [r[0] for r in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))]
    if len(revs) > 1:
        raise StoreError(f"the store's schema has several revisions at once ({', '.join(sorted(revs))}); "
                         "ask your SafeContext administrator to check it.")
    return revs[0] if revs else None


def revision_of(conn: Connection) -> str:
    """The store's schema revision: alembic_version's, BASELINE for a 0.1.0 store, NEW for no store."""
    rev = stamped(conn)
    if rev is not None:
        return rev
    return BASELINE if inspect(conn).has_table("referrals") else NEW


def alembic_config(conn: Connection):
    """An Alembic Config whose env.py migrates on `conn` (inside the caller's transaction)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    cfg = alembic_config(None)
    return {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}


def _newer(url: str, rev: str) -> StoreError:
    what = (f"this store was written by a newer SafeContext (its schema revision is {rev}; this SafeContext "
            f"knows revisions up to {HEAD})")
    return StoreError(f"cannot open the store {url}: {what}; update SafeContext to use it. Nothing was changed.",
                      excel=f"The store cannot be opened: {what}. Ask your SafeContext administrator to update "
                            "SafeContext on this computer. Nothing was changed.")


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite store (None for an in-memory one)."""
    db = engine.url.database or ""
    if not is_sqlite(engine) or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def backup_sqlite(path: Path, rev: str) -> Path:
    """Copy the store to a sibling file named after its revision and the time; its path.

    Called while this program holds the write lock and has written nothing yet, so the copy, read
    by a connection of its own, is the store exactly as it was before the upgrade.
    """
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target, n = path.with_name(f"{path.stem}.backup-rev{rev}-{when}{path.suffix}"), 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.stem}.backup-rev{rev}-{when}-{n}{path.suffix}")
    src, dst = sqlite3.connect(path, timeout=BUSY_SECONDS), sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    return target


def upgrade_store(engine: Engine) -> Upgrade | None:
    """Bring the store to HEAD; None when it was there already. Raises StoreError for a newer store."""
    with engine.connect() as conn:
        rev = revision_of(conn)
    if rev == HEAD:
        return None
    url = display_url(engine)
    if rev != NEW and rev not in known_revisions():
        raise _newer(url, rev)
    from alembic import command
    from alembic.util import CommandError

    def attempt(_n) -> Upgrade | None:
        with write_transaction(engine) as conn:
            before = revision_of(conn)  # again, under the lock: another program may have done it
            if before == HEAD:
                return None
            if before != NEW and before not in known_revisions():
                raise _newer(url, before)
            path = sqlite_path(engine)
            backup = backup_sqlite(path, before) if path is not None and before != NEW else None
            cfg = alembic_config(conn)
            unversioned = before == BASELINE and stamped(conn) is None
            try:
                if unversioned:
                    command.stamp(cfg, BASELINE)  # 0.1.0 made these tables: record that, do not make them again
                command.upgrade(cfg, HEAD)
            except CommandError as e:  # a damaged migration history: say so, without a traceback
                raise StoreError(f"cannot upgrade the store {url}: {e}. Nothing was changed.") from None
            return Upgrade(before, HEAD, backup, unversioned)

    return retrying(engine, attempt)
