"""The store's tables, derived from the form declarations: adding a field adds a column.

Each registered form has its own tables, named from its id (fap_referral_records,
fap_referral_exclusions, pgi_records, pgi_peers); the filing log (filings) is shared, with the
form of each filing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import (Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String,
                        Table, Text, UniqueConstraint)

from addin.forms import Field, Form

MAX_NAME = 63  # PostgreSQL truncates longer identifiers

# Columns every record version has besides the form's fields.
META_COLUMNS = ("id", "record_key", "alt_key", "version", "is_current", "superseded_by", "term", "filed_at",
                "source_file", "content_hash", "record_hash", "form_version", "queries", "saved_at")
CHILD_META = ("id", "record_id", "row_number")
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
    """One form's tables in the store, and the filing log all forms share."""

    form: Form
    metadata: MetaData           # every registered form's tables and the log
    records: Table               # one row per filed version
    children: dict[str, Table]   # repeating-table id -> its table
    filings: Table
    own: dict = field(default_factory=dict)  # the tables the form package declares (its plugin's `tables`)

    @property
    def plugin(self):
        from addin.forms import plugin

        return plugin(self.form.id)


def prefix(form: Form) -> str:
    return form.id.replace("-", "_")


def records_table_name(form: Form) -> str:
    return f"{prefix(form)}_records"


def child_table_name(form: Form, table_id: str) -> str:
    return f"{prefix(form)}_{table_id}"


def _check_names(owner: str, names: list[str], reserved: tuple[str, ...]) -> None:
    clash = sorted(set(names) & set(reserved))
    if clash:
        raise ValueError(f"{owner}: field ids {clash} clash with the store's own columns; rename the fields")
    long = [n for n in names if len(n) > MAX_NAME]
    if long:
        raise ValueError(f"{owner}: field ids longer than {MAX_NAME} characters cannot be columns: {long}")


def filings_table(md: MetaData) -> Table:
    """The filing log: one row per form (or register row) of every batch, of every form."""
    filings = Table(
        "filings", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("batch_id", String(32), nullable=False),
        Column("form", String(40), nullable=True),              # the form id; None when the file was unreadable
        Column("filed_at", DateTime(timezone=True), nullable=False),
        Column("filed_by", String(255), nullable=False),        # the OS user who ran the filing
        Column("file_name", Text, nullable=False),              # file name only, never a value from it
        Column("content_hash", String(64), nullable=True),      # None when the file could not be read
        Column("outcome", String(12), nullable=False),          # one of OUTCOMES
        Column("record_id", Integer, nullable=True),            # the version in <form>_records
        Column("version", Integer, nullable=True),
        Column("term", String(16), nullable=True),
        Column("detail", Text, nullable=True),                  # rule codes or a reason; no personal values
    )
    Index("ix_filings_filed_at", filings.c.filed_at)
    Index("ix_filings_form_record", filings.c.form, filings.c.record_id)
    return filings


def form_tables(form: Form, md: MetaData, filings: Table) -> StoreTables:
    """<form>_records (one row per version) and one table per repeating table, e.g. fap_referral_exclusions."""
    _check_names(form.id, [f.id for f in form.fields], META_COLUMNS)
    name = records_table_name(form)
    records = Table(
        name, md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("record_key", String(80), nullable=False),       # 'ref:<number>', or '<field>:<sha256>' (fallback)
        Column("alt_key", String(80), nullable=True),           # '<field>:<sha256 of the fallback fields>'
        Column("version", Integer, nullable=False),
        Column("is_current", Boolean, nullable=False),
        Column("superseded_by", Integer, ForeignKey(f"{name}.id", name=f"fk_{name}_superseded_by"),
               nullable=True),
        Column("term", String(16), nullable=False),
        Column("filed_at", DateTime(timezone=True), nullable=False),
        Column("source_file", Text, nullable=False),            # file name only (or register + row)
        Column("content_hash", String(64), nullable=False),     # sha256 of the file bytes / register row
        Column("record_hash", String(64), nullable=False),      # sha256 of the typed content
        Column("form_version", String(32), nullable=True),
        Column("queries", Integer, nullable=True),              # how many queries (warnings) it had when filed
        Column("saved_at", DateTime(timezone=True), nullable=True),  # when its form was last saved
        *[Column(f.id, column_type(f), nullable=True) for f in form.fields],
        UniqueConstraint("record_key", "version", name=f"uq_{name}_key_version"),
    )
    Index(f"ix_{name}_term", records.c.term, records.c.is_current)
    Index(f"ix_{name}_alt_key", records.c.alt_key)
    # At most one current version per record, where the database can say so portably.
    Index(f"uq_{name}_current", records.c.record_key, unique=True,
          sqlite_where=records.c.is_current == True,  # noqa: E712 (SQL, not Python)
          postgresql_where=records.c.is_current == True).ddl_if(dialect=("sqlite", "postgresql"))  # noqa: E712
    children = {}
    for t in form.tables:
        _check_names(f"{form.id}.{t.id}", [c.id for c in t.columns], CHILD_META)
        child = child_table_name(form, t.id)
        children[t.id] = Table(
            child, md,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("record_id", Integer, ForeignKey(f"{name}.id", name=f"fk_{child}_record", ondelete="CASCADE"),
                   nullable=False),
            Column("row_number", Integer, nullable=False),
            *[Column(c.id, column_type(c), nullable=True) for c in t.columns],
            UniqueConstraint("record_id", "row_number", name=f"uq_{child}_row"),
        )
        Index(f"ix_{child}_record", children[t.id].c.record_id)
    return StoreTables(form, md, records, children, filings)


def build_tables(*forms: Form) -> dict[str, StoreTables]:
    """Every given form's tables (and those its package declares) and the filing log, in one MetaData."""
    from addin.forms import form_ids, plugin

    md = MetaData()
    filings = filings_table(md)
    out = {}
    for f in forms:
        st = form_tables(f, md, filings)
        hook = plugin(f.id).tables if f.id in form_ids() else None
        out[f.id] = StoreTables(st.form, md, st.records, st.children, filings, hook(md) if hook else {})
    return out


_CACHE: dict[tuple, dict[str, StoreTables]] = {}


def all_tables() -> dict[str, StoreTables]:
    """The store's tables for every registered form (built once per set of declarations)."""
    from addin.forms import plugins

    forms = tuple(p.form for p in plugins().values())
    key = tuple((f.id, id(f)) for f in forms)
    if key not in _CACHE:
        _CACHE[key] = build_tables(*forms)
    return _CACHE[key]


def store_metadata() -> MetaData:
    """Every table of the store, as the registered declarations say."""
    return filing_log().metadata


def filing_log() -> Table:
    """The filing log every registered form shares."""
    return next(iter(all_tables().values())).filings


def store_tables(form: Form | str) -> StoreTables:
    """One registered form's tables (a declaration that is not the registered one gets its own MetaData)."""
    form_id = form if isinstance(form, str) else form.id
    st = all_tables()[form_id]
    if isinstance(form, str) or form is st.form:
        return st
    return build_tables(form)[form.id]
