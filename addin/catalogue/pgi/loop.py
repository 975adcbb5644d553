"""The PGI's request -> return -> feedback loop (seed 002 Appendix F, L2553-2585; catalogue §2.2).

1. The requester fills the Request section of a blank PGI and asks SafeContext to send it
   (`safecontext pgi request DRAFT.xlsx`, or the Excel button): the request gets a reference
   (PGI-2026-0001) and a return-by date (pgi_return_working_days after the date requested), is
   recorded in `pgi_requests`, and a workbook carrying both is written to send to the provider.
2. The provider's returned PGI is filed like any form (`ingest`, File this form) against its
   request, by reference: one that matches no request is refused; one saying "not aware of peer
   relationships" closes the request as returned with nothing.
3. A later, corrected PGI for the same request supersedes the earlier one, and the request is
   marked changed (with which parts changed) until the requester acknowledges it.
4. The requester records whether the information informed the assessment and whether further
   safeguarding actions are needed, and SafeContext writes the feedback letter to the provider.

`pgi_requests` holds no names: only the reference, agencies, type of assessment, dates and the
loop's state. Peer names stay in the filed PGI (pgi_records, pgi_peers) and never leave it.
"""
from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from pathlib import Path

# SQLAlchemy and the store are imported where they are used: registering the form must stay cheap
# (checking one form never opens the store).

FORM_ID = "pgi"
REQUEST_FIELDS = ("requester_name", "requester_agency", "provider_name", "provider_agency", "young_person_name",
                  "assessment_type")
FILED, SUPERSEDED = "filed", "superseded"


def request_tables(md) -> dict:
    """The PGI package's own store table: one row per request, no personal values."""
    from sqlalchemy import Boolean, Column, Date, DateTime, Integer, String, Table, Text, UniqueConstraint

    t = Table(
        "pgi_requests", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("reference", String(40), nullable=False),
        Column("requester_agency", Text, nullable=True),
        Column("provider_agency", Text, nullable=True),
        Column("assessment_type", Text, nullable=True),
        Column("date_requested", Date, nullable=False),
        Column("return_by", Date, nullable=False),
        Column("term", String(16), nullable=False),           # the term of the date requested
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("recorded_by", String(255), nullable=False),
        Column("record_id", Integer, nullable=True),           # the current returned PGI in pgi_records
        Column("returned_at", DateTime(timezone=True), nullable=True),  # when it was first filed
        Column("date_returned", Date, nullable=True),         # as the provider wrote it (else the filing day)
        Column("returned_nothing", Boolean, nullable=True),   # the provider was not aware of peer relationships
        Column("changed_at", DateTime(timezone=True), nullable=True),   # a corrected PGI was filed
        Column("changed_parts", Text, nullable=True),         # field labels, never values
        Column("change_seen_at", DateTime(timezone=True), nullable=True),
        Column("feedback_at", DateTime(timezone=True), nullable=True),
        Column("informed", Boolean, nullable=True),
        Column("further_actions", Boolean, nullable=True),
        Column("further_actions_detail", Text, nullable=True),  # the requester's words, for the letter only
        UniqueConstraint("reference", name="uq_pgi_requests_reference"),
    )
    return {"pgi_requests": t}


class RequestError(Exception):
    """A request, feedback or acknowledgement that cannot be done; the message says what to do."""


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def working_days_after(day: dt.date, n: int) -> dt.date:
    """The n-th Monday-to-Friday day after `day`."""
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _requests(st):
    return st.own["pgi_requests"]


class Loop:
    """The filing hook of the PGI package (addin.forms.plugin.FormPlugin.filing)."""

    @staticmethod
    def refuse(conn, st, values: dict) -> str | None:
        from sqlalchemy import select

        from addin.store.identity import normal_number

        ref = normal_number(values.get("request_reference"))
        req = _requests(st)
        if conn.execute(select(req.c.id).where(req.c.reference == ref)).first() is None:
            return (f"its Request reference {ref} matches no PGI request recorded in this store; check the reference "
                    "with the requester (a PGI is filed against the request it answers)")
        return None

    @staticmethod
    def filed(conn, st, item, ctx) -> None:
        if item.outcome not in (FILED, SUPERSEDED):
            return
        from sqlalchemy import select, update

        from addin.store.identity import normal_number

        values = item.result.values
        req = _requests(st)
        ref = normal_number(values.get("request_reference"))
        row = conn.execute(select(req.c.returned_at).where(req.c.reference == ref)).first()
        change = {"record_id": item.record_id, "returned_nothing": values.get("aware_of_peers") is False,
                  "date_returned": values.get("date_returned") or ctx["now"].date()}
        if row.returned_at is None:
            change["returned_at"] = ctx["now"]
        if item.outcome == SUPERSEDED:
            change.update(changed_at=ctx["now"], change_seen_at=None,
                          changed_parts="; ".join(_changed_parts(conn, st, item.record_id, item.result)))
        conn.execute(update(req).where(req.c.reference == ref).values(**change))


def _changed_parts(conn, st, record_id: int, result) -> list[str]:
    """The labels of what differs from the version this one replaces (no values)."""
    from sqlalchemy import select

    r = st.records
    old = conn.execute(select(r).where(r.c.superseded_by == record_id)).first()
    if old is None:
        return []
    parts = []
    for f in st.form.fields:
        new = result.values.get(f.id)
        if isinstance(new, dt.datetime):
            new = new.date()
        if f.id not in ("request_reference",) and old._mapping[f.id] != new:
            parts.append(f.label)
    for t in st.form.tables:
        child = st.children[t.id]
        before = [tuple(x[c.id] for c in t.columns) for x in conn.execute(
            select(child).where(child.c.record_id == old.id).order_by(child.c.row_number)).mappings()]
        after = [tuple(row.get(c.id) for c in t.columns) for row in result.tables.get(t.id, [])]
        if before != after:
            parts.append(t.label)
    return parts


# --- 1. the request --------------------------------------------------------------------------------

@dataclass
class Request:
    reference: str
    path: Path
    date_requested: dt.date
    return_by: dt.date
    url: str


def make_request(draft: Path, config, *, out: Path | None = None, db: str | None = None,
                 today: dt.date | None = None, user: str | None = None) -> Request:
    """Record a request from a PGI whose Request section the requester filled; write the PGI to send."""
    from addin.checks.run import check_files
    from addin.forms import plugin
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from addin.forms.fill import Filler
    from addin.store.db import StoreError, display_url, open_store, reason, retrying, write_transaction
    from addin.store.schema import store_tables
    from addin.term import term_of

    form = plugin(FORM_ID).form
    (res,) = check_files([draft], config, expect=FORM_ID)
    if res.read_error:
        raise RequestError(f"{draft}: {res.read_error}")
    ref = res.values.get("request_reference")
    if ref:
        raise RequestError(f"{draft}: this PGI already has the request reference {ref}, so it was requested "
                           "already. To ask again, start from a blank PGI ('safecontext new pgi').")
    wanted = set(REQUEST_FIELDS) | {"date_requested"}
    problems = [p for p in res.errors if p.field in wanted]
    missing = [form[f].label for f in REQUEST_FIELDS if res.values.get(f) is None and
               not any(p.field == f for p in problems)]
    if problems or missing:
        lines = [str(p.message) for p in problems] + [f"{m}: fill it in" for m in missing]
        raise RequestError(f"{draft}: the Request section is not complete, so no request was recorded:\n  "
                           + "\n  ".join(lines))
    requested = res.values.get("date_requested") or today or dt.date.today()
    if isinstance(requested, dt.datetime):
        requested = requested.date()
    return_by = working_days_after(requested, config.pgi_return_working_days)
    st = store_tables(FORM_ID)
    req = _requests(st)
    engine = open_store(db or config.store)
    url = display_url(engine)
    try:
        def attempt(_n) -> Request:
            with write_transaction(engine) as conn:
                prefix = f"PGI-{requested:%Y}-"
                n = conn.execute(select(func.count()).where(req.c.reference.like(prefix + "%"))).scalar_one()
                reference = f"{prefix}{n + 1:04d}"
                target = out or draft.with_name(f"{draft.stem} {reference}.xlsx")
                if target.exists():
                    raise RequestError(f"{target}: already exists. Give another name with -o FILE.xlsx.")
                conn.execute(req.insert(), dict(
                    reference=reference, requester_agency=res.values["requester_agency"],
                    provider_agency=res.values["provider_agency"], assessment_type=res.values["assessment_type"],
                    date_requested=requested, return_by=return_by, term=term_of(requested, config),
                    recorded_at=dt.datetime.now(dt.timezone.utc), recorded_by=user or _user()))
                values = {f: res.values[f] for f in REQUEST_FIELDS}
                values.update(request_reference=reference, date_requested=requested, return_by=return_by)
                try:  # written inside the transaction: if it cannot be written, nothing is recorded
                    Filler(form, config).save(target, values, {})
                except OSError as e:
                    raise RequestError(f"{target}: cannot be written ({e.strerror or e}). Nothing was "
                                       "recorded.") from None
                return Request(reference, target, requested, return_by, url)

        try:
            return retrying(engine, attempt)
        except SQLAlchemyError as e:
            raise StoreError(f"could not record the request in {url}: {reason(e)}. Nothing was recorded.") from None
    finally:
        engine.dispose()


# --- 4. feedback and 3. acknowledging a change --------------------------------------------------------

def _request_row(conn, req, reference: str):
    from sqlalchemy import select

    from addin.store.identity import normal_number

    ref = normal_number(reference)
    row = conn.execute(select(req).where(req.c.reference == ref)).first()
    if row is None:
        raise RequestError(f"there is no PGI request {ref} in the store; 'safecontext pgi tracker' lists them.")
    return row


@dataclass
class Feedback:
    reference: str
    letter: Path


def give_feedback(reference: str, config, *, informed: bool, further_actions: bool, actions: str | None,
                  letter: Path, db: str | None = None, template: Path | None = None,
                  today: dt.date | None = None) -> Feedback:
    """Record the requester's feedback on a returned PGI and write the letter to its provider."""
    from docxtpl import DocxTemplate
    from sqlalchemy import select, update

    from addin.store.db import open_store, retrying, write_transaction
    from addin.store.schema import store_tables

    if further_actions and not (actions or "").strip():
        raise RequestError("say which further safeguarding actions are needed with --actions TEXT.")
    if letter.suffix.lower() != ".docx":
        raise RequestError(f"{letter}: the letter's file name must end in .docx.")
    if letter.is_dir():
        raise RequestError(f"{letter}: is a folder; give the letter's file name, e.g. -o feedback.docx.")
    st = store_tables(FORM_ID)
    req, r = _requests(st), st.records
    from addin.reports.templates import template_path

    template = template or template_path("pgi_feedback_letter.docx")
    if not template.is_file():
        raise RequestError(f"{template}: the feedback letter template is missing.")
    engine = open_store(db or config.store, create=False)
    try:
        def attempt(_n) -> Feedback:
            with write_transaction(engine) as conn:
                row = _request_row(conn, req, reference)
                if row.record_id is None:
                    raise RequestError(f"the PGI for request {row.reference} has not been returned and filed yet, "
                                       "so there is nothing to give feedback on.")
                pgi = conn.execute(select(r).where(r.c.id == row.record_id)).mappings().one()
                now = dt.datetime.now(dt.timezone.utc)
                conn.execute(update(req).where(req.c.id == row.id).values(
                    feedback_at=now, informed=informed, further_actions=further_actions,
                    further_actions_detail=(actions or "").strip() or None))
                doc = DocxTemplate(str(template))
                day = today or dt.date.today()
                doc.render({
                    "reference": row.reference, "today": f"{day:%d/%m/%Y}",
                    "provider_name": pgi["provider_name"], "provider_agency": pgi["provider_agency"],
                    "requester_name": pgi["requester_name"], "requester_agency": pgi["requester_agency"],
                    "assessment_type": pgi["assessment_type"],
                    "date_requested": f"{row.date_requested:%d/%m/%Y}",
                    "date_returned": f"{row.date_returned:%d/%m/%Y}" if row.date_returned else "",
                    "informed": "Yes" if informed else "No", "further_actions": "Yes" if further_actions else "No",
                    "actions": (actions or "").strip(), "returned_nothing": bool(row.returned_nothing)})
                try:
                    doc.save(str(letter))
                except OSError as e:
                    raise RequestError(f"{letter}: cannot be written ({e.strerror or e}). The feedback was not "
                                       "recorded.") from None
                return Feedback(row.reference, letter)

        return retrying(engine, attempt)
    finally:
        engine.dispose()


def acknowledge(reference: str, config, *, db: str | None = None) -> tuple[str, list[str]]:
    """Mark a changed PGI as seen by the requester; (reference, the parts that changed)."""
    from sqlalchemy import update

    from addin.store.db import open_store, retrying, write_transaction
    from addin.store.schema import store_tables

    req = _requests(store_tables(FORM_ID))
    engine = open_store(db or config.store, create=False)
    try:
        def attempt(_n):
            with write_transaction(engine) as conn:
                row = _request_row(conn, req, reference)
                if row.record_id is None:
                    raise RequestError(f"the PGI for request {row.reference} has not been returned yet; there is "
                                       "nothing to acknowledge.")
                if row.changed_at is None:
                    raise RequestError(f"the PGI for request {row.reference} has not changed since it was returned; "
                                       "there is nothing to acknowledge.")
                conn.execute(update(req).where(req.c.id == row.id).values(
                    change_seen_at=dt.datetime.now(dt.timezone.utc)))
                return row.reference, [p for p in (row.changed_parts or "").split("; ") if p]

        return retrying(engine, attempt)
    finally:
        engine.dispose()


def load_requests(target):
    """Every request as a DataFrame (no personal values), oldest first."""
    import pandas as pd
    from sqlalchemy import select

    from addin.store.db import connect
    from addin.store.schema import store_tables

    req = _requests(store_tables(FORM_ID))
    engine = connect(target, create=False)
    try:
        with engine.connect() as conn:
            rows = [dict(x._mapping) for x in conn.execute(
                select(req).order_by(req.c.date_requested, req.c.reference))]
    finally:
        if engine is not target:
            engine.dispose()
    return pd.DataFrame(rows, columns=[c.name for c in req.columns])
