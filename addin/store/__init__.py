"""The store: every registered form's filed records, their history and the filing log (SQLAlchemy Core).

A SQLite file by default, any SQLAlchemy URL (PostgreSQL for shared use) otherwise. The
public functions are imported lazily so that `import addin.store` does not load SQLAlchemy.
"""
from importlib import import_module

_API = {
    "StoreError": "addin.store.db",
    "connect": "addin.store.db",
    "display_url": "addin.store.db",
    "store_url": "addin.store.db",
    "open_store": "addin.store.db",
    "store_tables": "addin.store.schema",
    "all_tables": "addin.store.schema",
    "file_batch": "addin.store.filing",
    "BatchReport": "addin.store.filing",
    "Filing": "addin.store.filing",
    "restore_version": "addin.store.filing",
    "load_records": "addin.store.query",
    "load_table_rows": "addin.store.query",
    "load_filings": "addin.store.query",
    "store_status": "addin.store.query",
    "load_current_columns": "addin.store.query",
    "blank_counts": "addin.store.query",
    "term_counts": "addin.store.query",
    "record_key": "addin.store.identity",
    "record_hash": "addin.store.identity",
}


def __getattr__(name):
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'addin.store' has no attribute {name!r}")


__all__ = sorted(_API)
