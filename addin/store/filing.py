"""File a batch of checked forms of any registered form: one transaction, idempotent, corrections
supersede, all logged.

Which filings are the same record, and the term a record counts in, come from the identity its
form package declares (addin.forms.plugin.Identity). A form older than the current version of its record (saved before it, or, when either has no
saved time, completed before it) does not supersede it: it is kept in the history as `older`,
and `restore_version` makes it current when the coordinator decides so.
"""
from __future__ import annotations

import datetime as dt
import getpass
import logging
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from addin.checks.run import FileResult
from addin.store.db import StoreError, as_utc, display_url, open_store, reason, retrying, write_transaction
from addin.store.identity import alt_key, file_hash, number_key, record_hash, record_key
from addin.store.schema import StoreTables, all_tables, filing_log
from addin.term import configured_terms, term_of

log = logging.getLogger("addin.store")

FILED, UNCHANGED, SUPERSEDED, OLDER, REFUSED = "filed", "unchanged", "superseded", "older", "refused"
RESTORED = "restored"  # logged by restore_version


@dataclass
class Filing:
    """What happened to one form (or register row) of a batch. Holds no personal values."""

    name: str                       # file name, or "register.xlsx (Sheet row 7)"
    outcome: str                    # filed / unchanged / superseded / older / refused
    content_hash: str | None
    result: FileResult | None = field(default=None, repr=False)
    term: str | None = None
    version: int | None = None
    record_id: int | None = None    # the version's id in its form's records table
    detail: str | None = None       # rule codes or a reason, for the log and the summary
    form: str | None = None         # the form id (None: the file could not be read as a form)


@dataclass
class BatchReport:
    batch_id: str
    url: str                        # the store, password hidden
    filings: list[Filing]

    def count(self, outcome: str) -> int:
        return sum(f.outcome == outcome for f in self.filings)

    def of(self, outcome: str) -> list[Filing]:
        return [f for f in self.filings if f.outcome == outcome]


def source_name(result: FileResult) -> str:
    """How a result is named in the store and the log: the file name, or register file and row."""
    name = getattr(result, "source_name", None)
    return name if name else Path(result.path).name


def content_hash_of(result: FileResult) -> str | None:
    """sha256 of a register row's canonical JSON, or of the file's bytes as the reader read and checked
    them (what was checked is what is filed); read again only when the reader did not get that far."""
    if getattr(result, "row", 0) and result.record is not None:  # a register row: its typed values
        return record_hash(result.record.form, result.values, result.tables)
    h = getattr(result.record, "sha256", None)
    if h:
        return h
    try:
        return file_hash(result.path)
    except OSError:
        return None


def refusal(result: FileResult) -> str | None:
    """Why a result cannot be filed (rule codes only), or None when it can."""
    if result.read_error:
        return "UNREADABLE"
    if result.errors:
        return "errors: " + ", ".join(sorted({p.code for p in result.errors}))
    if result.record is None:
        return "UNREADABLE"
    return None


def _plain(col, value):
    """A typed form value as the column wants it."""
    if value is None:
        return None
    py = col.type.python_type
    if py is dt.date and isinstance(value, dt.datetime):
        return value.date()
    if py in (bool, int, float) and not isinstance(value, py):
        return py(value)
    return value


def _row_values(st: StoreTables, values: dict) -> dict:
    cols = st.records.c
    return {f.id: _plain(cols[f.id], values.get(f.id)) for f in st.form.fields}


def _insert_record(conn, st: StoreTables, row: dict) -> int:
    """Insert one record version; its id."""
    # One statement with bound parameters, so it is compiled once per batch, not once per form.
    return conn.execute(st.records.insert(), row).inserted_primary_key[0]


def _insert_rows(conn, st: StoreTables, record_id: int, tables: dict) -> None:
    for t in st.form.tables:
        rows = tables.get(t.id) or []
        if not rows:
            continue
        table = st.children[t.id]
        conn.execute(table.insert(), [
            {"record_id": record_id, "row_number": int(r["_row"]),
             **{c.id: _plain(table.c[c.id], r.get(c.id)) for c in t.columns}}
            for r in rows
        ])


class _Ambiguous(Exception):
    pass


def _current_chain(conn, st: StoreTables, values: dict):
    """The current version of the record this form is about, or None for a new record.

    Same number; else (no number on the form, or the number is new) the same fallback fields (FAP:
    UPN and referral date), so a form that gains its panel number on correction is not counted twice.
    """
    ident, r = st.plugin.identity, st.records
    cols = (r.c.id, r.c.record_key, r.c.version, r.c.record_hash, r.c.saved_at, _completed(r, ident))
    number, alt = number_key(ident, values), alt_key(ident, values)
    if number:
        row = conn.execute(select(*cols).where(r.c.record_key == number, r.c.is_current)).first()
        if row or alt is None:
            return row
        return conn.execute(select(*cols).where(r.c.record_key == alt, r.c.is_current)).first()
    rows = conn.execute(select(*cols).where(r.c.alt_key == alt, r.c.is_current).order_by(r.c.id)).all()
    unnumbered = [x for x in rows if not x.record_key.startswith("ref:")]
    if unnumbered:
        return unnumbered[0]
    if len(rows) > 1:
        fallback = " and ".join(st.form[f].label for f in ident.fallback)
        raise _Ambiguous(f"it matches {len(rows)} filed {st.plugin.noun}s with the same {fallback}; add the "
                         f"{st.form[ident.number].label} (in '{st.form.section_of(ident.number)}') to say which "
                         "one it corrects")
    return rows[0] if rows else None


def _completed(r, ident):
    """The form's 'date completed' column (None when it declares none)."""
    from sqlalchemy import null

    return (r.c[ident.completed] if ident.completed else null()).label("date_completed")


def older_than(saved_at, completed, current) -> str | None:
    """How a different form is older than the current version, or None when it is not older.

    Its saved time decides when both forms have one; otherwise its 'date completed' (both needed).
    The same time, or no way to tell, is not older: the later filing supersedes, as before.
    """
    theirs = as_utc(current.saved_at)
    if saved_at is not None and theirs is not None:
        return "saved before" if as_utc(saved_at) < theirs else None
    done, their_done = completed, current.date_completed
    if isinstance(done, dt.datetime):
        done = done.date()
    if isinstance(their_done, dt.datetime):
        their_done = their_done.date()
    if isinstance(done, dt.date) and isinstance(their_done, dt.date) and done < their_done:
        return "completed before"
    return None


def _file_one(conn, st: StoreTables, item: Filing, ctx: dict) -> Filing:
    res = item.result
    if item.outcome == REFUSED:
        return _log(conn, item, ctx)
    ident = st.plugin.identity
    values, tables = res.values, res.tables
    rh = record_hash(st.form, values, tables)
    term = term_of(values[ident.term_date], ctx["config"])
    r = st.records
    hook = st.plugin.filing
    why = hook.refuse(conn, st, values) if hook else None
    if why:  # the form package's own condition (a returned PGI needs its request)
        item.outcome, item.detail = REFUSED, why
        return _log(conn, item, ctx)
    try:
        chain = _current_chain(conn, st, values)
    except _Ambiguous as e:
        item.outcome, item.detail = REFUSED, str(e)
        return _log(conn, item, ctx)
    base = {"term": term, "filed_at": ctx["now"], "source_file": item.name, "content_hash": item.content_hash,
            "record_hash": rh, "alt_key": alt_key(ident, values), "is_current": True,
            "form_version": getattr(res.record, "version", None), "queries": len(res.queries),
            "saved_at": getattr(res.record, "saved_at", None), **_row_values(st, values)}
    item.term = term
    if chain is None:
        rid = _insert_record(conn, st, {**base, "record_key": record_key(ident, values), "version": 1})
        _insert_rows(conn, st, rid, tables)
        item.outcome, item.version, item.record_id = FILED, 1, rid
        return _log(conn, item, ctx)
    if chain.record_hash == rh:
        item.outcome, item.version, item.record_id = UNCHANGED, chain.version, chain.id
        item.detail = "same content as the current version"
        return _log(conn, item, ctx)
    earlier = conn.execute(select(r.c.id, r.c.version).where(r.c.record_key == chain.record_key,
                                                              r.c.record_hash == rh)
                           .order_by(r.c.version.desc())).first()
    if earlier:  # an old copy sent again: keep the correction that replaced it
        item.outcome, item.version, item.record_id = UNCHANGED, chain.version, chain.id
        which = ("which a later version replaced" if earlier.version < chain.version
                 else "which is kept in the history but is not current")
        item.detail = f"same content as version {earlier.version}, {which}; version {chain.version} stays current"
        return _log(conn, item, ctx)
    how = older_than(base["saved_at"], values.get(ident.completed) if ident.completed else None, chain)
    if how:  # a stale form (an original sent after its correction): kept in the history, not current
        last = conn.execute(select(func.max(r.c.version)).where(r.c.record_key == chain.record_key)).scalar_one()
        rid = _insert_record(conn, st, {**base, "is_current": False, "superseded_by": chain.id,
                                        "record_key": chain.record_key, "version": last + 1})
        _insert_rows(conn, st, rid, tables)
        item.outcome, item.version, item.record_id = OLDER, last + 1, rid
        item.detail = f"{how} version {chain.version}, which stays current"
        return _log(conn, item, ctx)
    key = chain.record_key
    number = number_key(ident, values)
    if number and not key.startswith("ref:"):
        key = number  # the record got its number: the whole history takes it
        conn.execute(update(r).where(r.c.record_key == chain.record_key).values(record_key=key))
    last = conn.execute(select(func.max(r.c.version)).where(r.c.record_key == key)).scalar_one()
    conn.execute(update(r).where(r.c.id == chain.id).values(is_current=False))
    rid = _insert_record(conn, st, {**base, "record_key": key, "version": last + 1})
    _insert_rows(conn, st, rid, tables)
    conn.execute(update(r).where(r.c.id == chain.id).values(superseded_by=rid))
    item.outcome, item.version, item.record_id = SUPERSEDED, last + 1, rid
    item.detail = f"replaces version {chain.version}"
    return _log(conn, item, ctx)


def _log(conn, item: Filing, ctx: dict) -> Filing:
    conn.execute(filing_log().insert(), dict(
        batch_id=ctx["batch"], form=item.form, filed_at=ctx["now"], filed_by=ctx["user"], file_name=item.name,
        content_hash=item.content_hash, outcome=item.outcome, record_id=item.record_id,
        version=item.version, term=item.term, detail=item.detail))
    return item


def unfileable(res: FileResult) -> str | None:
    """Why a readable form without errors still cannot be filed (its number or term date is blank)."""
    from addin.forms import plugin

    p = plugin(res.form_id)  # the reader reads registered forms only
    ident, form = p.identity, p.form
    if not res.values.get(ident.term_date):
        return f"it has no {form[ident.term_date].label}, which decides the term it counts in; fill it in"
    if record_key(ident, res.values) is None:
        version = getattr(res.record, "version", None)
        if version and not form.in_version(form[ident.number], version):
            return (f"it is a {p.name} of template version {version}, which has no {form[ident.number].label}; "
                    f"copy its entries into a current form ('safecontext new {form.id}')")
        missing = next((f for f in (ident.number, *ident.with_number) if res.values.get(f) in (None, "")),
                       ident.number)
        return f"it has no {form[missing].label}; fill it in"
    return None


def prepare(results: list[FileResult]) -> list[Filing]:
    """One filing per result: refused when it cannot be filed, else to be decided in the store."""
    items = []
    for res in results:
        why = refusal(res) or unfileable(res)
        items.append(Filing(source_name(res), REFUSED if why else "pending", content_hash_of(res), res,
                            detail=why, form=res.form_id))
    return items


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (some services): say so rather than fail
        return "unknown"


def file_batch(target, results: list[FileResult], config, *, user: str | None = None,
               advance: Callable[[], None] | None = None) -> BatchReport:
    """File checked results (of any registered forms) in one transaction. Raises StoreError (nothing
    filed) when the store fails."""
    tables = all_tables()
    configured_terms(config)  # raises TermError for unusable term dates, before the store is touched
    engine = open_store(target)
    try:
        batch = uuid.uuid4().hex
        ctx = {"batch": batch, "user": user or _user(), "config": config}

        prepared = prepare(results)  # hashes the files once, outside the transaction

        def attempt(n: int) -> list[Filing]:
            items = [replace(i) for i in prepared]  # a retry starts from scratch
            ctx["now"] = dt.datetime.now(dt.timezone.utc)
            with write_transaction(engine) as conn:
                done = []
                for item in items:
                    st = tables.get(item.form) if item.outcome != REFUSED else None
                    done.append(_file_one(conn, st, item, ctx) if st else _log(conn, item, ctx))
                    if st is not None and st.plugin.filing and done[-1].outcome != REFUSED:
                        st.plugin.filing.filed(conn, st, done[-1], ctx)  # e.g. a PGI's request is marked returned
                    if advance and n == 0:
                        advance()
            return done

        try:
            filings = retrying(engine, attempt)
        except SQLAlchemyError as e:
            raise StoreError(f"could not file into {display_url(engine)}: {reason(e)}. Nothing was filed; "
                             "the store is as it was.") from None
        report = BatchReport(batch, display_url(engine), filings)
        for f in filings:
            log.info("%s: %s%s", f.name, f.outcome, f" ({f.detail})" if f.detail else "")
        log.info("batch %s filed by %s into %s: %d filed, %d unchanged, %d superseded, %d older, %d refused",
                 batch, ctx["user"], report.url, report.count(FILED), report.count(UNCHANGED),
                 report.count(SUPERSEDED), report.count(OLDER), report.count(REFUSED))
        return report
    finally:
        if engine is not target:
            engine.dispose()


@dataclass
class Restored:
    """What `restore_version` did. Holds no personal values."""

    url: str                        # the store, password hidden
    form: str                       # the form id
    record_id: int                  # the version made current
    version: int
    term: str
    name: str                       # its file name (or register and row)
    replaced_id: int | None = None  # the version that was current, now in the history
    replaced_version: int | None = None
    already: bool = False           # it was current already: nothing changed


def restore_version(target, record_id: int, *, form: str | None = None, user: str | None = None,
                    notify=None) -> Restored:
    """Make one filed version of a record current on purpose (e.g. a form kept as older).

    `form`: the form id, needed only when several forms have a version with that id. The version
    that was current is superseded by it and stays in the history; the change is logged (outcome
    'restored', who and when). Raises StoreError when there is no such version.
    `notify`: as for open_store (told when an old store was upgraded on opening).
    """
    tables = all_tables()
    if form is not None and form not in tables:
        raise StoreError(f"there is no form '{form}'; 'safecontext forms' lists them.")
    engine = open_store(target, create=False, notify=notify)
    url = display_url(engine)
    try:
        def attempt(_n) -> Restored:
            now = dt.datetime.now(dt.timezone.utc)
            with write_transaction(engine) as conn:
                found = []
                for fid, st in tables.items():
                    if form not in (None, fid):
                        continue
                    r = st.records
                    row = conn.execute(select(r.c.id, r.c.record_key, r.c.version, r.c.is_current, r.c.term,
                                              r.c.source_file, r.c.content_hash).where(r.c.id == record_id)).first()
                    if row is not None:
                        found.append((st, row))
                if not found:
                    raise StoreError(f"there is no filed version {record_id} in the store {url}. 'safecontext "
                                     "store status' lists the older forms kept in the history, with their numbers.")
                if len(found) > 1:
                    raise StoreError(f"several forms have a filed version {record_id} ("
                                     f"{', '.join(st.form.id for st, _ in found)}); say which with --form FORM.")
                (st, row), = found
                r = st.records
                done = Restored(url, st.form.id, row.id, row.version, row.term, row.source_file)
                if row.is_current:
                    done.already = True
                    return done
                current = conn.execute(select(r.c.id, r.c.version).where(r.c.record_key == row.record_key,
                                                                          r.c.is_current)).first()
                if current is not None:
                    conn.execute(update(r).where(r.c.id == current.id).values(is_current=False,
                                                                              superseded_by=row.id))
                    done.replaced_id, done.replaced_version = current.id, current.version
                conn.execute(update(r).where(r.c.id == row.id).values(is_current=True, superseded_by=None))
                item = Filing(row.source_file, RESTORED, row.content_hash, term=row.term, version=row.version,
                              record_id=row.id, form=st.form.id,
                              detail=f"made current by hand; replaces version {current.version}" if current
                              else "made current by hand")
                _log(conn, item, {"batch": uuid.uuid4().hex, "now": now, "user": user or _user()})
                return done

        try:
            done = retrying(engine, attempt)
        except SQLAlchemyError as e:
            raise StoreError(f"could not change the store {url}: {reason(e)}. Nothing was changed.") from None
        if not done.already:
            log.info("restored version %d (id %d, %s, %s, %s) as current in %s; version %s is in the history",
                     done.version, done.record_id, done.form, done.term, done.name, url, done.replaced_version)
        return done
    finally:
        if engine is not target:
            engine.dispose()
