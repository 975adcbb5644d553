"""One module per schema revision (Alembic reads them by path; this file only makes them package data)."""
