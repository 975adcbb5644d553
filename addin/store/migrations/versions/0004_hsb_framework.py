"""The contextual HSB meeting framework's tables: hsb_framework_records (one row per filed version of a
meeting record) and its repeating tables hsb_framework_factors, hsb_framework_interventions and
hsb_framework_challenges. Nothing else changes; no rows move.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""
from __future__ import annotations

from importlib import import_module

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The tables are made as revision 0003 made the PGI's (its helpers are frozen with it).
_0003 = import_module("addin.store.migrations.versions.0003_forms_own_tables")

# The framework (template 2017.1) as declared at this revision, in declaration order: column:type.
FIELDS = """
    reference:text site:text meeting_date:date meeting_type:text person_id:text age:int gender:text ethnicity:text
    school:text ward:text offence_context:text hackett_level:text hackett_rationale:text
    attendance_social_care:bool attendance_police:bool attendance_analysts:bool attendance_education:bool
    attendance_youth_service:bool attendance_reviewing_service:bool attendance_vcs:bool
    attendance_youth_justice:bool attendance_health:bool attendance_community_safety:bool
    incident_gang_associated:bool incident_image_sharing:bool incident_online:bool incident_party:bool
    incident_blackmail:bool incident_weapon:bool incident_against_peers:bool incident_against_younger:bool
    incident_against_sibling:bool incident_against_partner:bool incident_peer_audience:bool
    incident_peers_recruiting:bool incident_peers_normalising:bool incident_in_school:bool
    incident_public_space:bool incident_ongoing:bool incident_previous_nfa:bool peer_bullying_others:bool
    peer_bullied:bool peer_criminality:bool peer_harmful_attitudes:bool peer_repeat_hsb:bool peer_violence:bool
    peer_socially_isolated:bool grid_individual_situation:text grid_individual_hsb:text
    grid_individual_vulnerability:text grid_individual_risk:text grid_individual_resilience:text
    grid_individual_strengths:text grid_individual_involvement:text grid_individual_actions:text
    grid_individual_challenges:text grid_family_situation:text grid_family_hsb:text grid_family_vulnerability:text
    grid_family_risk:text grid_family_resilience:text grid_family_strengths:text grid_family_involvement:text
    grid_family_actions:text grid_family_challenges:text grid_peer_situation:text grid_peer_hsb:text
    grid_peer_vulnerability:text grid_peer_risk:text grid_peer_resilience:text grid_peer_strengths:text
    grid_peer_involvement:text grid_peer_actions:text grid_peer_challenges:text grid_school_situation:text
    grid_school_hsb:text grid_school_vulnerability:text grid_school_risk:text grid_school_resilience:text
    grid_school_strengths:text grid_school_involvement:text grid_school_actions:text grid_school_challenges:text
    grid_neighbourhood_situation:text grid_neighbourhood_hsb:text grid_neighbourhood_vulnerability:text
    grid_neighbourhood_risk:text grid_neighbourhood_resilience:text grid_neighbourhood_strengths:text
    grid_neighbourhood_involvement:text grid_neighbourhood_actions:text grid_neighbourhood_challenges:text
    contexts_summary:text
"""
TABLES = {
    "factors": "context:text type:text factor:text other:text note:text",
    "interventions": "context:text intervention:text agency:text rag:text addresses:text date_set:date "
                     "review_date:date",
    "challenges": "challenge:text context:text note:text",
}


TYPES = {**_0003.TYPES, "int": sa.Integer}  # the age is the first whole number a form's own tables hold


def _columns(spec: str) -> list[sa.Column]:
    return [sa.Column(name, TYPES[kind](), nullable=True) for name, kind in (t.split(":") for t in spec.split())]


def upgrade() -> None:
    _0003._records("hsb_framework_records", _columns(FIELDS))
    for table_id, spec in TABLES.items():
        _0003._child(f"hsb_framework_{table_id}", "hsb_framework_records", _columns(spec))


def downgrade() -> None:
    op.drop_table("hsb_framework_challenges")
    op.drop_table("hsb_framework_interventions")
    op.drop_table("hsb_framework_factors")
    op.drop_table("hsb_framework_records")
