"""Fictional contextual case reviews for tests: a complete, valid one and its parts."""
from __future__ import annotations

import datetime as dt

FORM = "case-review"


def valid_review_values(**over) -> dict:
    """A complete, valid case review's fields: zero problems with valid_review_tables()."""
    return {
        "review_reference": "HA", "review_date": dt.date(2026, 10, 12), "author": "Partnership analyst",
        "incident_account": "HA03 was raped by HA01 at a party; HA02 filmed it.",
        "incident_year": 2015, "response_year": 2016,
        "definition_hsb": True, "definition_syv": True,
        "behaviour_sexual_during": True, "behaviour_emotional_prior": True, "behaviour_emotional_following": True,
        "behaviour_physical_prior": True,
        "behaviour_description": "HA01 'punched' by HA02 a month prior to the incident.",
        "technology": "Phone video shared on social media", "locations": "A house party; the park (N1)",
        "escalation": "Bullying in the peer group (PG1) over two terms.",
        "homes": 2, "peer_groups": 1, "schools": 1, "neighbourhoods": 1,
        "identified_by": "School (DSL)", "risk_assessment": "Joint police and CSC assessment",
        "context_intervention_school_code": "S1", "context_intervention_school_service": "Healthy relationships",
        "outcome_investigation_code": "HA01, HA02", "outcome_charges_code": "HA01",
        "outcome_managed_move_code": "HA02",
        "outcome_context_peer_code": "PG1", "outcome_context_peer_safety": "Partly safer",
        "change_training_then": "None on HSB", "change_training_current": "Multi-agency HSB training",
        "findings": "Peer group norms were not addressed.",
    } | over


def valid_review_tables(**over) -> dict:
    return {
        "young_people": [{"code": "HA01", "suspect": True, "leader": True}, {"code": "HA02", "suspect": True},
                         {"code": "HA03", "complainant": True}],
        "agencies": [{"prior": "School", "prior_code": "HA01", "post": "Police", "post_code": "HA01"}],
        "characteristics": [{"code": "HA01", "age": 15, "gender": "Male", "ethnicity": "WBRI - White British",
                             "lac": False, "offending": True, "ga": False, "education": "In education"},
                            {"code": "HA03", "age": 14, "gender": "Female", "cin_cp": "Child in need"}],
        "missing": [{"code": "HA03", "missing": True, "episodes": 3, "length": "up to 2 nights", "reported": True}],
        "overview": [{"code": "HA01", "environment": "Home", "context_code": "H1", "risk": "DA between parents"},
                     {"code": "HA01", "environment": "Peer group", "context_code": "PG1",
                      "safety": "One confidant", "risk": "Violence between peers"},
                     {"code": "HA03", "environment": "Home", "context_code": "H2", "safety": "Supportive mother"},
                     {"code": "HA03", "environment": "School", "context_code": "S1", "risk": "Sexual bullying"},
                     {"code": "HA03", "environment": "Neighbourhood", "context_code": "N1", "risk": "Park at night"}],
        "contexts": [{"code": "HA01", "environment": "Peer group", "context_code": "PG1", "abusive": True,
                      "abusive_account": "HA01 called a 'weakling' by HA02", "gender_norms": True, "capacity": True,
                      "protective": True}],
        "engagement": [{"code": "HA01", "agency": "Police", "prior_incident": True},
                       {"code": "HA03", "agency": "Health (insert)", "agency_detail": "School nurse",
                        "prior_identification": True}],
        "interventions": [{"code": "HA01", "service": "YOS", "assessment": "AIM2"}],
        "outcomes": [{"code": "HA01", "safeguarded": "Partial"}, {"code": "HA02", "safeguarded": "No"},
                     {"code": "HA03", "safeguarded": "Yes"}],
    } | over
