"""File a batch of checked referrals: one transaction, idempotent, corrections supersede, all logged."""
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
from addin.store.db import StoreError, display_url, open_store, reason, retrying, write_transaction
from addin.store.identity import file_hash, normal_number, record_hash, referral_key, upn_key
from addin.store.schema import StoreTables, store_tables
from addin.term import configured_terms, term_of

log = logging.getLogger("addin.store")

FILED, UNCHANGED, SUPERSEDED, REFUSED = "filed", "unchanged", "superseded", "refused"


@dataclass
class Filing:
    """What happened to one form (or register row) of a batch. Holds no personal values."""

    name: str                       # file name, or "register.xlsx (Sheet row 7)"
    outcome: str                    # filed / unchanged / superseded / refused
    content_hash: str | None
    result: FileResult | None = field(default=None, repr=False)
    term: str | None = None
    version: int | None = None
    referral_id: int | None = None
    detail: str | None = None       # rule codes or a reason, for the log and the summary


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
    """sha256 of the file bytes, or of a register row's canonical JSON; None if the file cannot be read."""
    h = getattr(result, "content_hash", None)
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
    cols = st.referrals.c
    return {f.id: _plain(cols[f.id], values.get(f.id)) for f in st.form.fields}


def _insert_referral(conn, st: StoreTables, row: dict) -> int:
    """Insert one referral version; its id."""
    # One statement with bound parameters, so it is compiled once per batch, not once per form.
    return conn.execute(st.referrals.insert(), row).inserted_primary_key[0]


def _insert_rows(conn, st: StoreTables, referral_id: int, tables: dict) -> None:
    for t in st.form.tables:
        rows = tables.get(t.id) or []
        if not rows:
            continue
        table = st.children[t.id]
        conn.execute(table.insert(), [
            {"referral_id": referral_id, "row_number": int(r["_row"]),
             **{c.id: _plain(table.c[c.id], r.get(c.id)) for c in t.columns}}
            for r in rows
        ])


class _Ambiguous(Exception):
    pass


def _current_chain(conn, st: StoreTables, values: dict):
    """The current version of the referral this form is about, or None for a new referral.

    Same referral number; else (no number on the form, or the number is new) the same UPN and
    referral date, so a form that gains its panel number on correction is not counted twice.
    """
    r = st.referrals
    cols = (r.c.id, r.c.referral_key, r.c.version, r.c.record_hash)
    number = normal_number(values.get("referral_number"))
    if number:
        row = conn.execute(select(*cols).where(r.c.referral_key == f"ref:{number}", r.c.is_current)).first()
        if row:
            return row
        return conn.execute(select(*cols).where(r.c.referral_key == upn_key(values), r.c.is_current)).first()
    rows = conn.execute(select(*cols).where(r.c.upn_key == upn_key(values), r.c.is_current)
                        .order_by(r.c.id)).all()
    unnumbered = [x for x in rows if x.referral_key.startswith("upn:")]
    if unnumbered:
        return unnumbered[0]
    if len(rows) > 1:
        raise _Ambiguous(f"it matches {len(rows)} filed referrals with the same UPN and referral date; "
                         "add the referral number (section 4) to say which one it corrects")
    return rows[0] if rows else None


def _file_one(conn, st: StoreTables, item: Filing, ctx: dict) -> Filing:
    res = item.result
    if item.outcome == REFUSED:
        return _log(conn, st, item, ctx)
    values, tables = res.values, res.tables
    rh = record_hash(st.form, values, tables)
    term = term_of(values["referral_date"], ctx["config"])
    r = st.referrals
    try:
        chain = _current_chain(conn, st, values)
    except _Ambiguous as e:
        item.outcome, item.detail = REFUSED, str(e)
        return _log(conn, st, item, ctx)
    base = {"term": term, "filed_at": ctx["now"], "source_file": item.name, "content_hash": item.content_hash,
            "record_hash": rh, "upn_key": upn_key(values), "is_current": True,
            "form_version": getattr(res.record, "version", None), "queries": len(res.queries),
            **_row_values(st, values)}
    item.term = term
    if chain is None:
        rid = _insert_referral(conn, st, {**base, "referral_key": referral_key(values), "version": 1})
        _insert_rows(conn, st, rid, tables)
        item.outcome, item.version, item.referral_id = FILED, 1, rid
        return _log(conn, st, item, ctx)
    if chain.record_hash == rh:
        item.outcome, item.version, item.referral_id = UNCHANGED, chain.version, chain.id
        item.detail = "same content as the current version"
        return _log(conn, st, item, ctx)
    earlier = conn.execute(select(r.c.id, r.c.version).where(r.c.referral_key == chain.referral_key,
                                                              r.c.record_hash == rh)
                           .order_by(r.c.version.desc())).first()
    if earlier:  # an old copy sent again: keep the correction that replaced it
        item.outcome, item.version, item.referral_id = UNCHANGED, chain.version, chain.id
        item.detail = (f"same content as version {earlier.version}, which a later version replaced; "
                       f"version {chain.version} stays current")
        return _log(conn, st, item, ctx)
    key = chain.referral_key
    if normal_number(values.get("referral_number")) and key.startswith("upn:"):
        key = referral_key(values)  # the referral got its number: the whole history takes it
        conn.execute(update(r).where(r.c.referral_key == chain.referral_key).values(referral_key=key))
    last = conn.execute(select(func.max(r.c.version)).where(r.c.referral_key == key)).scalar_one()
    conn.execute(update(r).where(r.c.id == chain.id).values(is_current=False))
    rid = _insert_referral(conn, st, {**base, "referral_key": key, "version": last + 1})
    _insert_rows(conn, st, rid, tables)
    conn.execute(update(r).where(r.c.id == chain.id).values(superseded_by=rid))
    item.outcome, item.version, item.referral_id = SUPERSEDED, last + 1, rid
    item.detail = f"replaces version {chain.version}"
    return _log(conn, st, item, ctx)


def _log(conn, st: StoreTables, item: Filing, ctx: dict) -> Filing:
    conn.execute(st.filings.insert(), dict(
        batch_id=ctx["batch"], filed_at=ctx["now"], filed_by=ctx["user"], file_name=item.name,
        content_hash=item.content_hash, outcome=item.outcome, referral_id=item.referral_id,
        version=item.version, term=item.term, detail=item.detail))
    return item


def prepare(results: list[FileResult]) -> list[Filing]:
    """One filing per result: refused when it cannot be filed, else to be decided in the store."""
    items = []
    for res in results:
        why = refusal(res)
        if why is None and (res.form_id != "fap-referral" or not res.values.get("referral_date")):
            why = "not a FAP referral with a referral date"
        items.append(Filing(source_name(res), REFUSED if why else "pending", content_hash_of(res), res,
                            detail=why))
    return items


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (some services): say so rather than fail
        return "unknown"


def file_batch(target, results: list[FileResult], config, *, user: str | None = None,
               advance: Callable[[], None] | None = None) -> BatchReport:
    """File checked results in one transaction. Raises StoreError (nothing filed) when the store fails."""
    st = store_tables("fap-referral")
    configured_terms(config)  # raises TermError for unusable term dates, before the store is touched
    engine = open_store(target, st.form)
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
                    done.append(_file_one(conn, st, item, ctx))
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
        log.info("batch %s filed by %s into %s: %d filed, %d unchanged, %d superseded, %d refused", batch,
                 ctx["user"], report.url, report.count(FILED), report.count(UNCHANGED), report.count(SUPERSEDED),
                 report.count(REFUSED))
        return report
    finally:
        if engine is not target:
            engine.dispose()
