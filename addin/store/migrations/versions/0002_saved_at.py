"""When each referral version's form was last saved, so a stale original cannot beat its correction.

Versions filed before this revision have no saved time (NULL); for them the form's own
"date completed" decides which of two forms is older.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("referrals", sa.Column("saved_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("saved_at")
