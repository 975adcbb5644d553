"""The NSPCC HSB framework audit's tables: hsb_audit_records (one row per filed version of an agency's, or the
partnership's, audit for a round), one table per domain (hsb_audit_domain_1 ... _5, a row per statement) and the
action plans filed back from progress reports (hsb_audit_actions). Nothing else changes; no rows move.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
from __future__ import annotations

from importlib import import_module

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The tables are made as revision 0003 made the PGI's (its helpers are frozen with it).
_0003 = import_module("addin.store.migrations.versions.0003_forms_own_tables")

# The audit (template 2019.1) as declared at this revision, in declaration order: column:type.
FIELDS = " ".join(["agency:text round:text round_date:date completed_by_role:text",
                   *(f"comments_{n}:text date_completed_{n}:date" for n in range(1, 6))])
DOMAIN = "statement:text statement_text:text score:text evidence:text assurance:text"


def upgrade() -> None:
    _0003._records("hsb_audit_records", _0003._spec(FIELDS))
    for n in range(1, 6):
        _0003._child(f"hsb_audit_domain_{n}", "hsb_audit_records", _0003._spec(DOMAIN))
    op.create_table(
        "hsb_audit_actions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.String(32), nullable=False),
        sa.Column("round", sa.String(8), nullable=False),
        sa.Column("statement", sa.String(8), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(255), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hsb_audit_actions")
    for n in range(5, 0, -1):
        op.drop_table(f"hsb_audit_domain_{n}")
    op.drop_table("hsb_audit_records")
