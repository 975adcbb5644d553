"""The contextual case review's tables: case_review_records (one row per filed version of a review) and its repeating
tables case_review_young_people, _agencies, _characteristics, _missing, _overview, _contexts, _engagement,
_interventions and _outcomes. Nothing else changes; no rows move.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
from __future__ import annotations

from importlib import import_module

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The tables are made as revision 0003 made the PGI's, with 0004's types (their helpers are frozen with them).
_0003 = import_module("addin.store.migrations.versions.0003_forms_own_tables")
_0004 = import_module("addin.store.migrations.versions.0004_hsb_framework")

# The case review (template 2017.1) as declared at this revision, in declaration order: column:type.
FIELDS = """
    review_reference:text review_date:date author:text incident_account:text incident_year:int response_year:int
    definition_cse:bool definition_domestic_abuse:bool definition_syv:bool definition_gang_violence:bool
    definition_hsb:bool behaviour_physical_prior:bool behaviour_physical_during:bool
    behaviour_physical_following:bool behaviour_sexual_prior:bool behaviour_sexual_during:bool
    behaviour_sexual_following:bool behaviour_emotional_prior:bool behaviour_emotional_during:bool
    behaviour_emotional_following:bool behaviour_financial_prior:bool behaviour_financial_during:bool
    behaviour_financial_following:bool behaviour_coercive_control_prior:bool
    behaviour_coercive_control_during:bool behaviour_coercive_control_following:bool behaviour_description:text
    weapons:text technology:text locations:text escalation:text missing_examples:text homes:int
    homes_summary:text peer_groups:int peer_groups_summary:text schools:int schools_summary:text
    neighbourhoods:int neighbourhoods_summary:text identified_by:text identification_account:text
    initial_response:text multi_agency_meetings:text risk_assessment:text context_intervention_home_code:text
    context_intervention_home_service:text context_intervention_home_assessment:text
    context_intervention_home_account:text context_intervention_peer_code:text
    context_intervention_peer_service:text context_intervention_peer_assessment:text
    context_intervention_peer_account:text context_intervention_school_code:text
    context_intervention_school_service:text context_intervention_school_assessment:text
    context_intervention_school_account:text context_intervention_neighbourhood_code:text
    context_intervention_neighbourhood_service:text context_intervention_neighbourhood_assessment:text
    context_intervention_neighbourhood_account:text outcome_investigation_code:text
    outcome_investigation_account:text outcome_charges_code:text outcome_charges_account:text
    outcome_convictions_code:text outcome_convictions_account:text outcome_relocation_code:text
    outcome_relocation_account:text outcome_managed_move_code:text outcome_managed_move_account:text
    outcome_exclusion_code:text outcome_exclusion_account:text outcome_cp_plan_code:text
    outcome_cp_plan_account:text outcome_looked_after_code:text outcome_looked_after_account:text
    outcome_context_home_code:text outcome_context_home_safety:text outcome_context_home_account:text
    outcome_context_peer_code:text outcome_context_peer_safety:text outcome_context_peer_account:text
    outcome_context_school_code:text outcome_context_school_safety:text outcome_context_school_account:text
    outcome_context_neighbourhood_code:text outcome_context_neighbourhood_safety:text
    outcome_context_neighbourhood_account:text change_multi_agency_then:text change_multi_agency_current:text
    change_strategies_then:text change_strategies_current:text change_risk_tools_then:text
    change_risk_tools_current:text change_specialist_then:text change_specialist_current:text
    change_schools_then:text change_schools_current:text change_training_then:text change_training_current:text
    change_problem_profile_then:text change_problem_profile_current:text findings:text recommendations:text
"""
TABLES = {
    "young_people": "code:text complainant:bool suspect:bool witness:bool other:bool leader:bool",
    "agencies": "prior:text prior_code:text post:text post_code:text",
    "characteristics": "code:text age:int gender:text ethnicity:text disability:bool sexuality:text lac:bool "
                       "offending:bool ga:bool cin_cp:text education:text examples:text",
    "missing": "code:text missing:bool episodes:int length:text reported:bool",
    "overview": "code:text environment:text context_code:text safety:text risk:text",
    "contexts": "code:text environment:text context_code:text abusive:bool abusive_account:text "
                "criminality:bool criminality_account:text gender_norms:bool gender_norms_account:text "
                "capacity:bool capacity_account:text protective:bool protective_account:text",
    "engagement": "code:text agency:text agency_detail:text prior_incident:bool prior_identification:bool "
                  "account:text",
    "interventions": "code:text service:text assessment:text account:text",
    "outcomes": "code:text safeguarded:text account:text",
}


def upgrade() -> None:
    _0003._records("case_review_records", _0004._columns(FIELDS))
    for table_id, spec in TABLES.items():
        _0003._child(f"case_review_{table_id}", "case_review_records", _0004._columns(spec))


def downgrade() -> None:
    for table_id in reversed(TABLES):
        op.drop_table(f"case_review_{table_id}")
    op.drop_table("case_review_records")
