"""Opening a store: a SQLite file or any SQLAlchemy URL, safe settings for concurrent use, clear errors.

SQLite: WAL journal (readers never block the writer), a busy timeout, and write transactions
started with BEGIN IMMEDIATE so two writers queue instead of failing half-way. PostgreSQL: each
filing transaction takes a transaction-scoped advisory lock, so batches are filed one at a time.
Both: transient conflicts (locked, serialization failure, a concurrent insert of the same
referral) are retried from the start of the transaction.
"""
from __future__ import annotations

import logging
import random
import re
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from addin.errors import UserError

log = logging.getLogger("addin.store")

BUSY_SECONDS = 60          # how long SQLite waits for another writer before giving up
RETRIES = 6                # whole-transaction attempts on a transient conflict
ADVISORY_LOCK = 0x5AFEC0   # PostgreSQL advisory lock key for filing batches
_TRANSIENT_PG = {"40001", "40P01", "55P03", "23505"}  # serialization, deadlock, lock timeout, duplicate key


class StoreError(UserError):
    """A store that cannot be opened, read or written; the message is for the user (no password, no values)."""


def store_url(target) -> str:
    """A SQLAlchemy URL from a URL or a plain file path (a path means a SQLite file)."""
    s = str(target).strip()
    if "://" in s:
        return s
    return "sqlite:///" + str(Path(s).expanduser().absolute())


def display_url(url) -> str:
    """The URL as it may be shown: the password hidden."""
    if isinstance(url, Engine):
        url = url.url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not parseable: still hide anything that looks like user:password@
        return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", str(url))


def as_utc(when):
    """A stored time as an aware UTC datetime (SQLite gives it back without a zone, PostgreSQL in the
    session's zone); None stays None."""
    import datetime as dt

    if when is None:
        return None
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_settings(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # the driver's own BEGIN handling is off: we say BEGIN below
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
        cur.execute("PRAGMA foreign_keys = ON")
        try:
            cur.execute("PRAGMA journal_mode = WAL")
        except Exception:  # another process is switching it at this moment; it persists in the file
            pass
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def connect(target, create: bool = True) -> Engine:
    """An Engine for a store URL, file path or Engine. `create=False`: a missing SQLite file is an error."""
    if isinstance(target, Engine):
        return target
    _quiet_sql_log()
    url_text = store_url(target)
    shown = display_url(url_text)
    try:
        url = make_url(url_text)
    except ArgumentError:
        raise StoreError(f"'{shown}' is not a database URL. Give a SQLite file path or a URL like "
                         "postgresql+psycopg://user@host/dbname.") from None
    try:
        if url.get_backend_name() == "sqlite":
            db = url.database or ""
            if db and db != ":memory:" and not db.startswith("file:"):
                path = Path(db)
                if not create and not path.exists():
                    what = f"there is no store at {path}: nothing has been filed there yet"
                    raise StoreError(what + ". File forms with 'safecontext ingest', or give the right --db.",
                                     excel=what + ". File forms with the 'File this form' button first; if "
                                                  "they were filed elsewhere, ask your SafeContext administrator "
                                                  "to check the store in the configuration.")
                if not path.parent.is_dir():
                    raise StoreError(f"cannot open the store {shown}: the folder {path.parent} does not exist.")
            engine = create_engine(url, hide_parameters=True, connect_args={"timeout": BUSY_SECONDS})
            _sqlite_settings(engine)
        else:
            engine = create_engine(url, hide_parameters=True, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError):
        hint = " (pip install 'safecontext[postgres]')" if url.get_backend_name().startswith("postgres") else ""
        raise StoreError(f"cannot open the store {shown}: its database driver is not installed{hint}.") from None
    except ArgumentError:
        raise StoreError(f"cannot open the store {shown}: the URL's options are not valid.") from None
    return engine


def _quiet_sql_log() -> None:
    """SQLAlchemy logs result rows at DEBUG: keep its engine log at WARNING unless someone set it on purpose."""
    sql_log = logging.getLogger("sqlalchemy.engine")
    if sql_log.level == logging.NOTSET:
        sql_log.setLevel(logging.WARNING)


def reason(e: BaseException) -> str:
    """A one-line reason for a database error, without parameters or row contents."""
    orig = getattr(e, "orig", None) or e
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code:  # PostgreSQL: the primary message can quote values ("Failing row contains ..."): leave it out
        diag = getattr(orig, "diag", None)
        primary = getattr(diag, "message_primary", None) or ""
        if code.startswith("08") or code in ("28000", "28P01", "3D000", "42501"):  # connection, auth, no db
            return primary or type(orig).__name__
        return f"{type(orig).__name__} (SQLSTATE {code})"
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return re.sub(r"'[^']*'", "'…'", first)[:300]


def open_store(target, form=None, create: bool = True, notify=None) -> Engine:
    """Connect and bring the schema to this program's revision (addin.store.migrate). Raises StoreError.

    `notify(message)` is told when an existing store was upgraded (and where the copy of a SQLite
    store from before is); without it that goes to the log as a warning. `form`: a declaration
    whose tables must be there besides the registered forms' (one changed in a test or in development).
    """
    from addin.store.migrate import NEW, upgrade_store
    from addin.store.schema import store_metadata, store_tables

    engine = connect(target, create=create)
    try:
        try:
            done = upgrade_store(engine)
        except SQLAlchemyError as e:
            raise StoreError(f"cannot open the store {display_url(engine)}: {reason(e)}") from None
        if done is not None:
            message = done.message(display_url(engine))
            if done.before == NEW:
                log.info("store: %s", message)
            elif notify:
                notify(message)
            else:
                log.warning("store: %s", message)
        # Forms and fields declared but not (yet) in a migration, such as a council's own form package.
        ensure_schema(engine, store_metadata() if form is None else store_tables(form).metadata)
    except BaseException:
        if engine is not target:
            engine.dispose()
        raise
    return engine


def _missing(conn, metadata) -> tuple[list, list]:
    insp = inspect(conn)
    tables, columns = [], []
    for table in metadata.sorted_tables:
        if not insp.has_table(table.name):
            tables.append(table)
            continue
        have = {c["name"] for c in insp.get_columns(table.name)}
        columns.extend((table, c) for c in table.columns if c.name not in have)
    return tables, columns


def ensure_schema(engine: Engine, metadata) -> None:
    """Create missing tables, add missing (nullable) columns; a no-op on a store at the latest revision.

    The migrations make the declared schema (a test checks it); this covers a declaration the
    migrations do not know, such as a form changed in a test or in development.
    """
    try:
        with engine.connect() as conn:
            tables, columns = _missing(conn, metadata)
        if not tables and not columns:
            return

        def attempt(_n):
            with write_transaction(engine) as conn:
                tables, columns = _missing(conn, metadata)  # again, under the lock: another process may have done it
                if tables:
                    metadata.create_all(conn, tables=tables)
                prep = conn.dialect.identifier_preparer
                for table, col in columns:
                    if not col.nullable:
                        raise StoreError(f"the store's table {table.name} lacks the column {col.name}, which "
                                         "cannot be added to existing rows; ask for the store to be upgraded.")
                    conn.execute(text(f"ALTER TABLE {prep.format_table(table)} ADD COLUMN "
                                      f"{prep.format_column(col)} {col.type.compile(dialect=conn.dialect)}"))
                    log.info("store: added column %s.%s", table.name, col.name)

        retrying(engine, attempt)
    except SQLAlchemyError as e:
        raise StoreError(f"cannot open the store {display_url(engine)}: {reason(e)}") from None


@contextmanager
def write_transaction(engine: Engine):
    """A transaction that writes: taken as the only writer at once, committed at the end or rolled back."""
    sqlite = is_sqlite(engine)
    eng = engine.execution_options(sqlite_begin="IMMEDIATE") if sqlite else engine
    with eng.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        yield conn


def transient(e: BaseException, engine: Engine) -> bool:
    """A conflict with another writer that is worth trying again."""
    if not isinstance(e, DBAPIError):
        return False
    if e.connection_invalidated:
        return True
    orig = e.orig
    if is_sqlite(engine):
        msg = str(orig).lower()
        return "locked" in msg or "busy" in msg
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code in _TRANSIENT_PG


def retrying(engine: Engine, attempt, tries: int = RETRIES):
    """Run attempt(n) until it returns, retrying transient conflicts with a growing random pause."""
    for n in range(tries):
        try:
            return attempt(n)
        except DBAPIError as e:
            if n + 1 >= tries or not transient(e, engine):
                raise
            pause = min(0.1 * 2 ** n, 3.0) * (0.5 + random.random())
            log.info("store busy (%s); trying again in %.1f s", reason(e), pause)
            time.sleep(pause)
