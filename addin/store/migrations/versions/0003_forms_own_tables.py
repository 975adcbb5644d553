"""Every form has its own tables: referrals become fap_referral_records, referral_<t> fap_referral_<t>,
the PGI gets pgi_records, pgi_peers and pgi_requests (its request loop), and the filing log names
each filing's form.

Generic column names replace the FAP ones: referral_key -> record_key, upn_key -> alt_key (a
form without fallback fields has none, so it may be NULL), and referral_id -> record_id in the
child tables and the log. Every row is copied with its id, so versions, their history
(superseded_by) and the log's links are kept exactly; filings made before this revision were all
FAP filings and get form 'fap-referral'. The FAP field columns are copied as the store has them
(read from the store, so a column added outside the migrations is kept too).

There is no downgrade: opening a SQLite store with this revision first copies it (the copy's
name says its revision), and that copy is the way back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RENAMED = {"referral_key": "record_key", "upn_key": "alt_key", "referral_id": "record_id"}
META = ("id", "referral_key", "upn_key", "version", "is_current", "superseded_by", "term", "filed_at", "source_file",
        "content_hash", "record_hash", "form_version", "queries", "saved_at")
TYPES = {"bool": sa.Boolean, "date": sa.Date, "text": sa.Text}
# The PGI (template 2016.2) as declared at this revision, in declaration order: column:type.
PGI_FIELDS = """
    request_reference:text requester_name:text requester_agency:text provider_name:text provider_agency:text
    young_person_name:text assessment_type:text date_requested:date return_by:date date_returned:date
    aware_of_peers:bool
    peer_network:text peer_network_details:text positive_influence:text negative_influence:text
    follows_peers:text leads_peers:text other_information:text
"""
PGI_TABLES = {"peers": "name:text setting:text"}


def _spec(spec: str) -> list[sa.Column]:
    return [sa.Column(name, TYPES[kind](), nullable=True) for name, kind in (t.split(":") for t in spec.split())]


def _records(name: str, fields: list[sa.Column]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_key", sa.String(80), nullable=False),
        sa.Column("alt_key", sa.String(80), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.Column("term", sa.String(16), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("form_version", sa.String(32), nullable=True),
        sa.Column("queries", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=True),
        *fields,
        sa.ForeignKeyConstraint(["superseded_by"], [f"{name}.id"], name=f"fk_{name}_superseded_by"),
        sa.UniqueConstraint("record_key", "version", name=f"uq_{name}_key_version"),
    )
    op.create_index(f"ix_{name}_term", name, ["term", "is_current"])
    op.create_index(f"ix_{name}_alt_key", name, ["alt_key"])
    if op.get_bind().dialect.name in ("sqlite", "postgresql"):  # partial indexes: at most one current version
        current = sa.column("is_current", sa.Boolean()) == sa.true()
        op.create_index(f"uq_{name}_current", name, ["record_key"], unique=True,
                        sqlite_where=current, postgresql_where=current)


def _child(name: str, parent: str, columns: list[sa.Column]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["record_id"], [f"{parent}.id"], name=f"fk_{name}_record", ondelete="CASCADE"),
        sa.UniqueConstraint("record_id", "row_number", name=f"uq_{name}_row"),
    )
    op.create_index(f"ix_{name}_record", name, ["record_id"])


def _copy(conn, source: str, target: str, columns: list[str], extra: dict | None = None) -> None:
    """INSERT INTO target SELECT ... FROM source, renaming the FAP columns; `extra`: constant columns."""
    prep = conn.dialect.identifier_preparer
    extra = extra or {}
    names = [RENAMED.get(c, c) for c in columns] + list(extra)
    values = [prep.quote(c) for c in columns] + [f":{k}" for k in extra]
    conn.execute(sa.text(f"INSERT INTO {prep.quote(target)} ({', '.join(prep.quote(n) for n in names)}) "
                         f"SELECT {', '.join(values)} FROM {prep.quote(source)} ORDER BY id"), extra)
    if conn.dialect.name == "postgresql":  # the ids were copied: move the new table's sequence past them
        conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{target}', 'id'), "
                             f"COALESCE((SELECT MAX(id) FROM {prep.quote(target)}), 0) + 1, false)"))


def upgrade() -> None:
    conn = op.get_bind()
    insp = sa.inspect(conn)
    columns = {c["name"]: c for c in insp.get_columns("referrals")}
    fields = [sa.Column(n, c["type"], nullable=True) for n, c in columns.items() if n not in META]
    _records("fap_referral_records", fields)
    _copy(conn, "referrals", "fap_referral_records", list(columns))
    children = [t for t in insp.get_table_names() if t.startswith("referral_")
                and "referral_id" in {c["name"] for c in insp.get_columns(t)}]
    for old in children:
        cols = {c["name"]: c for c in insp.get_columns(old)}
        new = "fap_referral_" + old.removeprefix("referral_")
        _child(new, "fap_referral_records",
               [sa.Column(n, c["type"], nullable=True) for n, c in cols.items()
                if n not in ("id", "referral_id", "row_number")])
        _copy(conn, old, new, list(cols))
    op.create_table(
        "filings_0003",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.String(32), nullable=False),
        sa.Column("form", sa.String(40), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(255), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("term", sa.String(16), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    _copy(conn, "filings", "filings_0003", [c["name"] for c in insp.get_columns("filings")],
          {"form": "fap-referral"})
    for old in children:
        op.drop_table(old)
    op.drop_table("filings")
    op.drop_table("referrals")
    op.rename_table("filings_0003", "filings")
    op.create_index("ix_filings_filed_at", "filings", ["filed_at"])
    op.create_index("ix_filings_form_record", "filings", ["form", "record_id"])
    _records("pgi_records", _spec(PGI_FIELDS))
    for table_id, spec in PGI_TABLES.items():
        _child(f"pgi_{table_id}", "pgi_records", _spec(spec))
    op.create_table(
        "pgi_requests",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("requester_agency", sa.Text(), nullable=True),
        sa.Column("provider_agency", sa.Text(), nullable=True),
        sa.Column("assessment_type", sa.Text(), nullable=True),
        sa.Column("date_requested", sa.Date(), nullable=False),
        sa.Column("return_by", sa.Date(), nullable=False),
        sa.Column("term", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(255), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("date_returned", sa.Date(), nullable=True),
        sa.Column("returned_nothing", sa.Boolean(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_parts", sa.Text(), nullable=True),
        sa.Column("change_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feedback_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("informed", sa.Boolean(), nullable=True),
        sa.Column("further_actions", sa.Boolean(), nullable=True),
        sa.Column("further_actions_detail", sa.Text(), nullable=True),
        sa.UniqueConstraint("reference", name="uq_pgi_requests_reference"),
    )


def downgrade() -> None:
    raise NotImplementedError("revision 0003 has no downgrade: use the copy of the store made before the upgrade")
