"""A valid contextual HSB meeting framework, and helpers to vary it (shared by the HSB tests)."""
from __future__ import annotations

import datetime as dt

MEETING = dt.date(2026, 10, 5)          # autumn term 2026
PERSON_ID = "CMS-778812"                # personal: must never appear in any output
FUTURE = dt.date.today() + dt.timedelta(days=60)


def valid_hsb_values(**changes) -> dict:
    """A complete, valid framework of an initial meeting: zero problems with valid_hsb_tables()."""
    return {
        "reference": "HSB-0042", "site": "Ashbridge North", "meeting_date": MEETING, "meeting_type": "Initial",
        "person_id": PERSON_ID, "age": 14, "gender": "Male", "ethnicity": "WBRI - White British",
        "school": "Brookfield High School", "ward": "Castle", "offence_context": "Group",
        "hackett_level": "Problematic",
        "hackett_rationale": "Developmentally unusual; consent unclear; no overt victimisation.",
        "attendance_social_care": True, "attendance_police": True, "attendance_education": True,
        "incident_image_sharing": True, "incident_peer_audience": True, "incident_in_school": True,
        "peer_harmful_attitudes": True,
        "grid_individual_situation": "Lives with mother; attends mainstream school.",
        "grid_individual_vulnerability": "Learning needs.",
        "grid_peer_hsb": "Shared images in a group chat with two peers.",
        "grid_peer_risk": "Peers normalise sharing images.",
        "grid_peer_actions": "Detached youth work where the group meets.",
        "grid_school_resilience": "Clear bullying policy applied.",
        "contexts_summary": "Peer group most strongly associated.",
        **changes,
    }


def valid_hsb_tables(**changes) -> dict:
    return {
        "factors": [
            {"context": "Individual", "type": "Vulnerability", "factor": "IND-V02 - Learning disabilities"},
            {"context": "Peer group", "type": "Risk", "factor": "PEER-R07"},  # the code alone will do
            {"context": "School", "type": "Resilience", "factor": "SCH-S03 - Clearly applied bullying policies "
                                                                     "and procedures"},
        ],
        "interventions": [
            {"context": "Individual", "intervention": "1:1 healthy relationships work",
             "agency": "Youth Justice Service",
             "rag": "Amber - in progress", "date_set": MEETING, "review_date": FUTURE, "addresses": "IND-V02"},
            {"context": "Peer group", "intervention": "Detached youth work at the park", "agency": "Youth service",
             "rag": "Green - progressed", "date_set": MEETING, "review_date": FUTURE, "addresses": "PEER-R07"},
        ],
        "challenges": [{"challenge": "Non-engagement from family", "context": "Family / Home"}],
        **changes,
    }
