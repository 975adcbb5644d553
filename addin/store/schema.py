"""The store's tables, derived from the form declaration: adding a field adds a column."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String,
                        Table, Text, UniqueConstraint)

from addin.forms import Field, Form, get_form

MAX_NAME = 63  # PostgreSQL truncates longer identifiers

# Columns every referral version has besides the form's fields.
META_COLUMNS = ("id", "referral_key", "upn_key", "version", "is_current", "superseded_by", "term", "filed_at",
                "source_file", "content_hash", "record_hash", "form_version", "queries", "saved_at")
CHILD_META = ("id", "referral_id", "row_number")
# Filing-log outcomes; "restored" is a coordinator making an older version current ('store restore').
OUTCOMES = ("filed", "unchanged", "superseded", "older", "refused", "restored")


def column_type(f: Field):
    """The SQL type of a field, from its declared type."""
    if f.type in ("yesno", "tick"):
        return Boolean()
    if f.type == "date":
        return Date()
    if f.type == "integer":
        return Integer()
    if f.type in ("number", "percent"):
        return Float()
    if f.type == "upn":
        return String(13)   # validated: exactly 13 characters
    if f.type == "postcode":
        return String(8)    # validated: at most 8 characters
    return Text()           # text, longtext, email, phone, choice: no length is promised


@dataclass(frozen=True)
class StoreTables:
    form: Form
    metadata: MetaData
    referrals: Table
    children: dict[str, Table]   # repeating-table id -> its table
    filings: Table


def child_table_name(table_id: str) -> str:
    return f"referral_{table_id}"


def _check_names(owner: str, names: list[str], reserved: tuple[str, ...]) -> None:
    clash = sorted(set(names) & set(reserved))
    if clash:
        raise ValueError(f"{owner}: field ids {clash} clash with the store's own columns; rename the fields")
    long = [n for n in names if len(n) > MAX_NAME]
    if long:
        raise ValueError(f"{owner}: field ids longer than {MAX_NAME} characters cannot be columns: {long}")


def build_tables(form: Form) -> StoreTables:
    """Referrals (one row per version), one child table per repeating table, and the filing log."""
    _check_names(form.id, [f.id for f in form.fields], META_COLUMNS)
    md = MetaData()
    referrals = Table(
        "referrals", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("referral_key", String(80), nullable=False),     # 'ref:<number>' or 'upn:<sha256>'
        Column("upn_key", String(80), nullable=False),          # 'upn:<sha256 of UPN + referral date>'
        Column("version", Integer, nullable=False),
        Column("is_current", Boolean, nullable=False),
        Column("superseded_by", Integer, ForeignKey("referrals.id", name="fk_referrals_superseded_by"),
               nullable=True),
        Column("term", String(16), nullable=False),
        Column("filed_at", DateTime(timezone=True), nullable=False),
        Column("source_file", Text, nullable=False),            # file name only (or register + row)
        Column("content_hash", String(64), nullable=False),     # sha256 of the file bytes / register row
        Column("record_hash", String(64), nullable=False),      # sha256 of the typed content
        Column("form_version", String(32), nullable=True),
        Column("queries", Integer, nullable=True),              # how many queries (warnings) it had when filed
        Column("saved_at", DateTime(timezone=True), nullable=True),  # when its form was last saved (revision 0002)
        *[Column(f.id, column_type(f), nullable=True) for f in form.fields],
        UniqueConstraint("referral_key", "version", name="uq_referrals_key_version"),
    )
    Index("ix_referrals_term", referrals.c.term, referrals.c.is_current)
    Index("ix_referrals_upn_key", referrals.c.upn_key)
    # At most one current version per referral, where the database can say so portably.
    Index("uq_referrals_current", referrals.c.referral_key, unique=True,
          sqlite_where=referrals.c.is_current == True,  # noqa: E712 (SQL, not Python)
          postgresql_where=referrals.c.is_current == True).ddl_if(dialect=("sqlite", "postgresql"))  # noqa: E712
    children = {}
    for t in form.tables:
        _check_names(f"{form.id}.{t.id}", [c.id for c in t.columns], CHILD_META)
        name = child_table_name(t.id)
        children[t.id] = Table(
            name, md,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("referral_id", Integer, ForeignKey("referrals.id", name=f"fk_{name}_referral",
                                                      ondelete="CASCADE"), nullable=False),
            Column("row_number", Integer, nullable=False),
            *[Column(c.id, column_type(c), nullable=True) for c in t.columns],
            UniqueConstraint("referral_id", "row_number", name=f"uq_{name}_row"),
        )
        Index(f"ix_{name}_referral", children[t.id].c.referral_id)
    filings = Table(
        "filings", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("batch_id", String(32), nullable=False),
        Column("filed_at", DateTime(timezone=True), nullable=False),
        Column("filed_by", String(255), nullable=False),        # the OS user who ran the filing
        Column("file_name", Text, nullable=False),              # file name only, never a value from it
        Column("content_hash", String(64), nullable=True),      # None when the file could not be read
        Column("outcome", String(12), nullable=False),          # one of OUTCOMES
        Column("referral_id", Integer, ForeignKey("referrals.id", name="fk_filings_referral"), nullable=True),
        Column("version", Integer, nullable=True),
        Column("term", String(16), nullable=True),
        Column("detail", Text, nullable=True),                  # rule codes or a reason; no personal values
    )
    Index("ix_filings_filed_at", filings.c.filed_at)
    return StoreTables(form, md, referrals, children, filings)


_CACHE: dict[tuple[str, int], StoreTables] = {}


def store_tables(form: Form | str = "fap-referral") -> StoreTables:
    """The store's tables for a form (built once per declaration)."""
    if isinstance(form, str):
        form = get_form(form)
    key = (form.id, id(form))
    if key not in _CACHE:
        _CACHE[key] = build_tables(form)
    return _CACHE[key]
