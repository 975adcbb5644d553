"""Audits as the store holds them: the current version of each agency's (and the partnership's) audit per round."""
from __future__ import annotations

from sqlalchemy import select

from addin.catalogue.hsb_audit.declaration import DOMAINS, FORM, table_id
from addin.catalogue.hsb_audit.merge import Audit
from addin.catalogue.hsb_audit.scores import rows_of


def filed_audits(target, round_: str | None = None) -> list[Audit]:
    """Every current audit (of one round when given), in round order then agency. Raises StoreError."""
    from addin.store.db import open_store
    from addin.store.schema import store_tables

    st = store_tables(FORM.id)
    r = st.records
    engine = open_store(target, create=False)
    try:
        with engine.connect() as conn:
            where = [r.c.is_current] + ([r.c["round"] == round_] if round_ else [])
            records = conn.execute(select(r.c.id, r.c.agency, r.c["round"], r.c.round_date, r.c.source_file,
                                          *(r.c[f"date_completed_{n}"] for n, _, _ in DOMAINS))
                                   .where(*where)).all()
            rows = {x.id: {} for x in records}
            for n, _, _ in DOMAINS:
                child = st.children[table_id(n)]
                for row in conn.execute(select(child).where(child.c.record_id.in_(list(rows)))
                                        .order_by(child.c.record_id, child.c.row_number)):
                    rows[row.record_id].setdefault(table_id(n), []).append(dict(row._mapping))
    finally:
        engine.dispose()
    out = [Audit(x.agency, x.round, x.round_date, x.source_file, rows_of(rows[x.id]),
                 {n: getattr(x, f"date_completed_{n}") for n, _, _ in DOMAINS}) for x in records]
    return sorted(out, key=lambda a: (_round_key(a.round), a.agency))


def _round_key(r: str) -> int:
    return int(r[1:]) if r[1:].isdigit() else 0
