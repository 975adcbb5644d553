"""Reading the store: a form's current records of some terms as DataFrames, their table rows, the filing log."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import Boolean, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from addin.store.db import StoreError, connect, display_url, reason
from addin.store.schema import StoreTables, all_tables, filing_log, store_tables
from addin.term import parse_term, term_key


@contextmanager
def _reading(target):
    """A read-only connection; errors become StoreError. A missing SQLite file is not created."""
    engine = connect(target, create=False)
    try:
        with engine.connect() as conn:
            yield conn
    except SQLAlchemyError as e:
        raise StoreError(f"cannot read the store {display_url(engine)}: {reason(e)}") from None
    finally:
        if engine is not target:
            engine.dispose()


def _columns(conn, name: str) -> set[str] | None:
    insp = inspect(conn)
    if not insp.has_table(name):
        return None
    return {c["name"] for c in insp.get_columns(name)}


def _dtype(f) -> str:
    return {"yesno": "boolean", "tick": "boolean", "integer": "Int64", "number": "float64",
            "percent": "float64", "date": "datetime64[ns]"}.get(f.type, "object")


def _frame(rows: list, columns: list[str], typed: dict):
    """A DataFrame with pandas types: nullable booleans and integers, datetime64 dates, text as object."""
    import pandas as pd

    df = pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    for col, kind in typed.items():
        if kind == "datetime64[ns]":
            df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
        elif kind == "utc":
            df[col] = pd.to_datetime(df[col], utc=True)
        elif kind == "object":
            df[col] = df[col].astype(object).where(df[col].notna(), None)
        else:
            df[col] = df[col].astype(kind)
    return df


def _terms(terms) -> list[str] | None:
    if terms is None:
        return None
    if isinstance(terms, str):
        terms = [terms]
    return [parse_term(t) for t in terms]


def _where(r, terms, history: bool) -> list:
    conds = [] if history else [r.c.is_current]
    if terms is not None:
        conds.append(r.c.term.in_(terms))
    return conds


def load_records(engine_or_url, terms: list[str] | str | None = None, *, form: str, history: bool = False):
    """One row per current record of a form (every version with history=True) of the given terms (None: all).

    Columns: record_id, record_key, version, term, filed_at, source_file, queries (how many
    queries the form had when filed), [is_current, superseded_by with history], every field of the
    form by id, then n_<table id> for each repeating table (its number of filled rows). Types: yes/no and ticks -> boolean, integers ->
    Int64, numbers and percentages -> float64, dates -> datetime64, text -> object (str or None).
    """
    st: StoreTables = store_tables(form)
    terms = _terms(terms)
    r = st.records
    meta = ["record_id", "record_key", "version", "term", "filed_at", "source_file", "queries"]
    if history:
        meta += ["is_current", "superseded_by"]
    fields = [f.id for f in st.form.fields]
    counts = [f"n_{t.id}" for t in st.form.tables]
    typed = {"record_id": "int64", "version": "int64", "filed_at": "utc", "term": "object", "queries": "Int64",
             **({"is_current": "bool", "superseded_by": "Int64"} if history else {}),
             **{f.id: _dtype(f) for f in st.form.fields}, **{c: "int64" for c in counts}}
    with _reading(engine_or_url) as conn:
        have = _columns(conn, r.name)
        if have is None:
            return _frame([], meta + fields + counts, typed)
        sel = [r.c.id.label("record_id")] + [r.c[c] for c in meta[1:] if c in have]
        sel += [r.c[f] for f in fields if f in have]
        term_date = r.c[st.plugin.identity.term_date]
        query = select(*sel).where(*_where(r, terms, history)).order_by(term_date, r.c.id)
        found = [dict(row._mapping) for row in conn.execute(query)]
        for t in st.form.tables:
            child = st.children[t.id]
            n = {}
            if _columns(conn, child.name) is not None:
                q = (select(child.c.record_id, func.count().label("n"))
                     .join(r, r.c.id == child.c.record_id).where(*_where(r, terms, history))
                     .group_by(child.c.record_id))
                n = {row.record_id: row.n for row in conn.execute(q)}
            for row in found:
                row[f"n_{t.id}"] = n.get(row["record_id"], 0)
    return _frame(found, meta + fields + counts, typed)


def load_table_rows(engine_or_url, table_id: str, terms: list[str] | str | None = None, *, form: str,
                    history: bool = False):
    """The rows of one repeating table (e.g. 'exclusions') of a form's current records of the given terms.

    Columns: record_id (joins load_records), term, row_number (1-based row in the form's
    table), then the table's columns by id, typed as in load_records.
    """
    st: StoreTables = store_tables(form)
    if table_id not in st.children:
        raise KeyError(f"{table_id!r} is not a repeating table of {st.form.id}; "
                       f"tables: {', '.join(st.children)}")
    terms = _terms(terms)
    t, child, r = st.form[table_id], st.children[table_id], st.records
    cols = ["record_id", "term", "row_number"] + [c.id for c in t.columns]
    typed = {"record_id": "int64", "term": "object", "row_number": "int64",
             **{c.id: _dtype(c) for c in t.columns}}
    with _reading(engine_or_url) as conn:
        have = _columns(conn, child.name)
        if have is None or _columns(conn, r.name) is None:
            return _frame([], cols, typed)
        q = (select(child.c.record_id, r.c.term, child.c.row_number,
                    *[child.c[c.id] for c in t.columns if c.id in have])
             .join(r, r.c.id == child.c.record_id).where(*_where(r, terms, history))
             .order_by(child.c.record_id, child.c.row_number))
        rows = [dict(row._mapping) for row in conn.execute(q)]
    return _frame(rows, cols, typed)


def load_filings(engine_or_url, limit: int | None = None):
    """The filing log of every form, newest first: filed_at, form, filed_by, file_name, outcome, term, ..."""
    f = filing_log()
    cols = [c.name for c in f.columns]
    with _reading(engine_or_url) as conn:
        if _columns(conn, f.name) is None:
            return _frame([], cols, {"filed_at": "utc"})
        q = select(f).order_by(f.c.filed_at.desc(), f.c.id.desc())
        if limit:
            q = q.limit(limit)
        rows = [dict(row._mapping) for row in conn.execute(q)]
    return _frame(rows, cols, {"filed_at": "utc", "record_id": "Int64", "version": "Int64"})


def store_status(engine_or_url, last: int = 10) -> dict:
    """Per form, counts by term; the last filings; the forms kept as older than their current version.

    Only counts, file names, users, outcomes and row ids: no personal values. `forms` has, for each
    registered form with anything filed, its id, name, noun and terms ({term, records, versions}).
    `older` lists each version filed as older that is still not current: form, id (what 'store
    restore' takes), file name, term, version and the current version of its record.
    """
    tables = all_tables()
    f = filing_log()
    engine = connect(engine_or_url, create=False)
    out = {"url": display_url(engine), "forms": [], "records": 0, "versions": 0, "filings": 0,
           "outcomes": {}, "last": [], "older": []}
    try:
        with _reading(engine) as conn:
            have_log = _columns(conn, f.name) is not None
            for form_id, st in tables.items():
                r = st.records
                if _columns(conn, r.name) is None:
                    continue
                q = (select(r.c.term, func.count().label("versions"), func.sum(case_current(r)).label("current"))
                     .group_by(r.c.term))
                rows = sorted(conn.execute(q), key=lambda x: term_key(x.term))
                if not rows:
                    continue
                terms = [{"term": x.term, "records": int(x.current or 0), "versions": int(x.versions)} for x in rows]
                out["forms"].append({"form": form_id, "name": st.plugin.name, "noun": st.plugin.noun,
                                     "terms": terms, "records": sum(t["records"] for t in terms),
                                     "versions": sum(t["versions"] for t in terms)})
                if have_log:
                    out["older"] += _older_kept(conn, form_id, r, f)
            out["records"] = sum(x["records"] for x in out["forms"])
            out["versions"] = sum(x["versions"] for x in out["forms"])
            if have_log:
                out["outcomes"] = {x.outcome: int(x.n) for x in conn.execute(
                    select(f.c.outcome, func.count().label("n")).group_by(f.c.outcome))}
                out["filings"] = sum(out["outcomes"].values())
                q = (select(f.c.filed_at, f.c.form, f.c.filed_by, f.c.file_name, f.c.outcome, f.c.term, f.c.version,
                            f.c.detail)
                     .order_by(f.c.filed_at.desc(), f.c.id.desc()).limit(last))
                out["last"] = [dict(x._mapping) for x in conn.execute(q)]
    finally:
        if engine is not engine_or_url:
            engine.dispose()
    return out


def _older_kept(conn, form_id: str, r, f) -> list[dict]:
    """A form's versions filed as 'older' that are not current, with the current version of their record."""
    from sqlalchemy import and_, literal, true

    cur = r.alias("cur")
    q = (select(literal(form_id).label("form"), r.c.id, r.c.source_file.label("file_name"), r.c.term, r.c.version,
                cur.c.version.label("current_version"))
         .join(f, and_(f.c.form == form_id, f.c.record_id == r.c.id, f.c.outcome == "older"))
         .outerjoin(cur, and_(cur.c.record_key == r.c.record_key, cur.c.is_current == true()))
         .where(~r.c.is_current).distinct().order_by(r.c.id))
    return [dict(x._mapping) for x in conn.execute(q)]


def case_current(r):
    from sqlalchemy import case

    return case((r.c.is_current, 1), else_=0)


def load_current_columns(engine_or_url, term: str, values: list[str], present: list[str], *, form: str):
    """A form's current records of one term, only the columns a report needs, fetched lean for speed.

    `values` come back as stored (booleans as 0/1 or bool, dates as stored); each of `present` comes
    back as 1 where the field is filled and None where it is blank, so free text never leaves the
    database. Also record_id, term and queries.
    """
    import pandas as pd
    from sqlalchemy import Integer, case, type_coerce

    st: StoreTables = store_tables(form)
    r = st.records
    term = parse_term(term)
    names = ["record_id", "term", "queries"] + list(values) + list(present)
    with _reading(engine_or_url) as conn:
        if _columns(conn, r.name) is None:
            return pd.DataFrame(columns=names)
        sel = [r.c.id, r.c.term, r.c.queries]
        sel += [type_coerce(r.c[v], Integer) if isinstance(r.c[v].type, Boolean) else r.c[v] for v in values]
        sel += [case((r.c[p].is_(None), None), else_=1) for p in present]
        rows = conn.execute(select(*sel).where(r.c.is_current, r.c.term == term)).all()
    columns = list(zip(*rows)) if rows else [[] for _ in names]
    return pd.DataFrame({n: pd.Series(c, dtype=object) for n, c in zip(names, columns)})


def blank_counts(engine_or_url, term: str, fields: list[str], *, form: str) -> dict[str, int]:
    """For each field, how many of a form's current records of the term leave it blank (counted in the database)."""
    from sqlalchemy import case

    st: StoreTables = store_tables(form)
    r = st.records
    with _reading(engine_or_url) as conn:
        if _columns(conn, r.name) is None or not fields:
            return {f: 0 for f in fields}
        sums = [func.coalesce(func.sum(case((r.c[f].is_(None), 1), else_=0)), 0) for f in fields]
        row = conn.execute(select(*sums).where(r.c.is_current, r.c.term == parse_term(term))).one()
    return {f: int(v) for f, v in zip(fields, row)}


def term_counts(engine_or_url, terms: list[str], ticks: list[str], *, form: str):
    """Per term: a form's current records, how many have each tick, and how many have any of `ticks`.

    A DataFrame indexed by term (every term asked for, zeros where none are filed), columns
    'records', each tick's id and 'any'.
    """
    import pandas as pd
    from sqlalchemy import case, or_

    st: StoreTables = store_tables(form)
    r = st.records
    terms = [parse_term(t) for t in terms]
    cols = ["records"] + list(ticks) + ["any"]
    out = pd.DataFrame(0, index=pd.Index(terms, name="term"), columns=cols)
    with _reading(engine_or_url) as conn:
        if _columns(conn, r.name) is None:
            return out
        yes = [case((r.c[t].is_(True), 1), else_=0) for t in ticks]
        q = (select(r.c.term, func.count(), *[func.sum(y) for y in yes],
                    func.sum(case((or_(*[r.c[t].is_(True) for t in ticks]), 1), else_=0)))
             .where(r.c.is_current, r.c.term.in_(terms)).group_by(r.c.term))
        for row in conn.execute(q):
            out.loc[row[0]] = [int(v or 0) for v in row[1:]]
    return out.astype(int)
