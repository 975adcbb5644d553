"""The store as SafeContext 0.1.0 made it, before migrations: referrals, their table rows, the filing log.

Frozen on purpose: it writes out the columns the 0.1.0 form declaration gave (build_tables at
commit 23336b5), so it makes exactly that schema however the declaration changes later. A store
written by 0.1.0 has these tables and no alembic_version table: it is stamped 0001, not made again.

Revision ID: 0001
Revises:
Create Date: 2026-03-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TYPES = {"bool": sa.Boolean, "date": sa.Date, "int": sa.Integer, "float": sa.Float, "text": sa.Text,
         "str13": lambda: sa.String(13), "str8": lambda: sa.String(8)}

# The FAP referral's fields in 0.1.0, in declaration order: column:type (all nullable).
REFERRAL_FIELDS = """
    referral_date:date child_name:text other_names:text upn:str13 date_of_birth:date gender:text
    year_group:int ethnicity:text school:text preferred_school:text postcode:str8 ward:text
    referral_reason:text lead_professional:text strengths_info:text strengths_response:text
    attitude_info:text attitude_response:text home_info:text home_response:text peer_info:text
    peer_response:text school_info:text school_response:text neighbourhood_info:text
    neighbourhood_response:text pru_risk_assessment:text open_to_social_care:bool
    social_care_contact_name:text social_care_contact_phone:text early_help:bool early_help_reason:text
    early_help_contact_name:text early_help_contact_phone:text child_protection:bool
    family_overview_issues:text family_overview_support:text concern_cse:bool
    concern_serious_youth_violence:bool concern_gangs:bool concern_relationship_abuse:bool
    concern_hsb:bool concern_sexual_bullying:bool concern_missing_education:bool
    concern_missing_home:bool current_status:text vulnerable_group:bool vulnerable_looked_after:bool
    vulnerable_traveller:bool vulnerable_asylum_seeker:bool vulnerable_young_carer:bool
    vulnerable_teenage_parent:bool vulnerable_school_refuser:bool vulnerable_young_offender:bool
    vulnerable_fsm:bool vulnerable_eal:bool medical:text allergies:text dietary:text accessibility:text
    cats_verbal:float cats_non_verbal:float cats_quantitative:float english_ks2:text
    english_current:text maths_ks2:text maths_current:text science_ks2:text science_current:text
    reading_age:text spelling_age:text ks4_courses:text attendance_pct:float
    authorised_absence_pct:float unauthorised_absence_pct:float last_attendance_date:date
    full_time_expected:bool full_time_details:text ewo_involvement:bool ewo_contact_name:text
    ewo_contact_phone:text send_primary_need:text send_secondary_need:text send_tertiary_need:text
    iep:bool diagnosis:bool risk_assessment:bool referral_number:text referred_by:text
    date_completed:date referrer_phone:text referrer_email:text check_pastoral_support_plan:bool
    check_referral_form:bool check_sims_attendance:bool check_school_report:bool check_caf:bool
    check_behaviour_log:bool check_iep:bool check_statement_sen:bool check_ed_psych_report:bool
    check_yos_report:bool check_statement_review:bool check_active_psp:bool check_careers_plan:bool
    check_risk_assessment:bool fap_complex_issues:bool fap_homeless:bool fap_unsupportive_family:bool
    fap_criminal_justice:bool fap_permanent_exclusion:bool fap_attendance_problems:bool
    fap_risk_of_exclusion:bool fap_out_of_education:bool fap_traveller:bool fap_refugee_asylum:bool
    fap_withdrawn_after_exclusion:bool fap_year_10_11:bool fap_moved_schools:bool fap_reason:text
    provision_mainstream_requested:bool provision_mainstream_agreed:bool
    provision_mainstream_pru_support:bool provision_mainstream_school_costs:bool
    provision_pru_respite_requested:bool provision_pru_respite_agreed:bool
    provision_pru_respite_pru_support:bool provision_pru_respite_school_costs:bool
    provision_alternative_requested:bool provision_alternative_agreed:bool
    provision_alternative_pru_support:bool provision_alternative_school_costs:bool
    provision_other_requested:bool provision_other_agreed:bool provision_other_pru_support:bool
    provision_other_school_costs:bool provision_other_details:text panel_chair:text panel_date:date
"""

# Its repeating tables, each a child table referral_<id>, in declaration order.
TABLES = {
    "parents_carers": """
    name:text relationship:text phone:text email:text address:text postcode:str8 primary_carer:bool
""",
    "previous_schools": """
    school_name:text date_from:date date_to:date
""",
    "other_agencies": """
    agency:text status:text contact_name:text email:text
""",
    "exclusions": """
    date_from:date date_to:date days:float reason:text
""",
    "internal_exclusions": """
    date_from:date date_to:date days:float reason:text
""",
    "internal_support": """
    support:text used:bool comment:text
""",
}


def _fields(spec: str) -> list[sa.Column]:
    return [sa.Column(name, TYPES[kind](), nullable=True) for name, kind in (t.split(":") for t in spec.split())]


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("referral_key", sa.String(80), nullable=False),
        sa.Column("upn_key", sa.String(80), nullable=False),
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
        *_fields(REFERRAL_FIELDS),
        sa.ForeignKeyConstraint(["superseded_by"], ["referrals.id"], name="fk_referrals_superseded_by"),
        sa.UniqueConstraint("referral_key", "version", name="uq_referrals_key_version"),
    )
    op.create_index("ix_referrals_term", "referrals", ["term", "is_current"])
    op.create_index("ix_referrals_upn_key", "referrals", ["upn_key"])
    if op.get_bind().dialect.name in ("sqlite", "postgresql"):  # partial indexes: at most one current version
        current = sa.column("is_current", sa.Boolean()) == sa.true()
        op.create_index("uq_referrals_current", "referrals", ["referral_key"], unique=True,
                        sqlite_where=current, postgresql_where=current)
    for table_id, spec in TABLES.items():
        name = f"referral_{table_id}"
        op.create_table(
            name,
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("referral_id", sa.Integer(), nullable=False),
            sa.Column("row_number", sa.Integer(), nullable=False),
            *_fields(spec),
            sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], name=f"fk_{name}_referral",
                                    ondelete="CASCADE"),
            sa.UniqueConstraint("referral_id", "row_number", name=f"uq_{name}_row"),
        )
        op.create_index(f"ix_{name}_referral", name, ["referral_id"])
    op.create_table(
        "filings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.String(32), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(255), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("term", sa.String(16), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], name="fk_filings_referral"),
    )
    op.create_index("ix_filings_filed_at", "filings", ["filed_at"])


def downgrade() -> None:
    op.drop_table("filings")
    for table_id in reversed(TABLES):
        op.drop_table(f"referral_{table_id}")
    op.drop_table("referrals")
