"""The audit's action plan in the store: one row per action of each action plan filed back from a progress report
(the plan for the focus areas a round showed). A plan filed again for the same round is a new filing; the latest
filing of a round is its plan, earlier ones are kept."""
from __future__ import annotations

ACTION_COLUMNS = ("statement", "action", "owner", "due_date", "status")
STATUSES = ("Not started", "In progress", "Done", "Dropped")


def action_tables(md) -> dict:
    from sqlalchemy import Column, Date, DateTime, Integer, String, Table, Text

    t = Table(
        "hsb_audit_actions", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("batch_id", String(32), nullable=False),        # one filing of a plan
        Column("round", String(8), nullable=False),            # the round whose results the plan follows
        Column("statement", String(8), nullable=False),
        Column("action", Text, nullable=False),
        Column("owner", Text, nullable=True),                  # a role or agency, not a name
        Column("due_date", Date, nullable=True),
        Column("status", String(16), nullable=False),
        Column("filed_at", DateTime(timezone=True), nullable=False),
        Column("filed_by", String(255), nullable=False),
        Column("source_file", Text, nullable=False),           # file name only
    )
    return {"hsb_audit_actions": t}
