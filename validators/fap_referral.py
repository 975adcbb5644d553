"""Cross-field rules of the FAP referral form. Each rule: code, severity, what it checks, message."""
from __future__ import annotations

import datetime as dt

from addin.validators.common import blank, error, query, rowwise

CONCERN_FIELDS = (
    "concern_cse", "concern_serious_youth_violence", "concern_gangs", "concern_hsb",
    "concern_relationship_abuse", "concern_sexual_bullying", "concern_missing_education",
    "concern_missing_home",
)
VULNERABLE_TICKS = (
    "vulnerable_looked_after", "vulnerable_traveller", "vulnerable_asylum_seeker",
    "vulnerable_young_carer", "vulnerable_teenage_parent", "vulnerable_school_refuser",
    "vulnerable_young_offender", "vulnerable_fsm", "vulnerable_eal",
)
CONTEXT_INFO = ("peer_info", "school_info", "neighbourhood_info")
ABSENCES = ("authorised_absence_pct", "unauthorised_absence_pct")


def school_year_start(on: dt.date) -> int:
    """The calendar year in which the school year containing `on` began (1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def expected_year_group(dob: dt.date, on: dt.date) -> int:
    """National curriculum year from age on 31 August before the school year of `on`."""
    y = school_year_start(on)
    age = y - dob.year - (1 if (dob.month, dob.day) > (8, 31) else 0)
    return age - 4


def _d(v: dt.date) -> str:
    return v.strftime("%d/%m/%Y")



def _year_ok(r) -> bool:
    if blank(r.date_of_birth) or blank(r.year_group) or blank(r.referral_date):
        return True
    if r.date_of_birth >= r.referral_date:
        return True  # FAP-021 says so; a "Year -5" here would only confuse
    return expected_year_group(r.date_of_birth, r.referral_date) == r.year_group


def _year_msg(r, at) -> str:
    y = school_year_start(r.referral_date)
    exp = expected_year_group(r.date_of_birth, r.referral_date)
    return (f"{_d(r.date_of_birth)} means Year {exp} in {y}/{str(y + 1)[2:]}, but {at('year_group')} "
            f"says {r.year_group}; check both")


def _sum(r):
    """The three percentages added up; None when one is blank or not a percentage (FAP-008 says so)."""
    parts = (r.attendance_pct, r.authorised_absence_pct, r.unauthorised_absence_pct)
    return None if any(blank(p) or not 0 <= p <= 100 for p in parts) else sum(parts)


def _weekdays(a: dt.date, b: dt.date) -> int:
    """Monday-to-Friday days from a to b inclusive."""
    weeks, extra = divmod((b - a).days + 1, 7)
    return weeks * 5 + sum((a.weekday() + i) % 7 < 5 for i in range(extra))


def _exclusion_rules(code_order: str, code_length: str, table: str, label: str):
    def order_ok(r):
        return blank(r.date_from) or blank(r.date_to) or r.date_from <= r.date_to

    def length_ok(r):
        if blank(r.date_from) or blank(r.date_to) or blank(r.days) or r.date_from > r.date_to:
            return True
        return 0 < r.days <= _weekdays(r.date_from, r.date_to)

    return [
        error(code_order, f"{label}: 'From' must not be after 'To'.", "date_to", rowwise(order_ok),
              lambda r, at: f"{_d(r.date_to)} is before {at('date_from')} {_d(r.date_from)}; "
                            "swap or correct the dates", table=table, also=("date_from",)),
        query(code_length, f"{label}: the length in days should fit the school days from 'From' to 'To'.",
              "days", rowwise(length_ok),
              lambda r, at: f"{r.days:g} days, but {_d(r.date_from)} to {_d(r.date_to)} has "
                            f"{_weekdays(r.date_from, r.date_to)} school days (Mon-Fri); check the length",
              table=table, also=("date_from", "date_to")),
    ]


RULES = [
    query("FAP-020", "Date of birth should match the year group (age on 31 August).", "date_of_birth",
          rowwise(_year_ok), _year_msg, also=("year_group",)),
    error("FAP-021", "Date of birth must be before the referral date.", "date_of_birth",
          rowwise(lambda r: blank(r.date_of_birth) or blank(r.referral_date)
                   or r.date_of_birth < r.referral_date),
          lambda r, at: f"{_d(r.date_of_birth)} is not before {at('referral_date')} {_d(r.referral_date)}",
          also=("referral_date",)),
    error("FAP-022", "Referral date must not be in the future.", "referral_date",
          rowwise(lambda r: blank(r.referral_date) or r.referral_date <= dt.date.today()),
          lambda r, at: f"{_d(r.referral_date)} is in the future; check the year"),
    error("FAP-023", "Attendance and authorised and unauthorised absence cannot add up to more than 100%.",
          "attendance_pct", rowwise(lambda r: _sum(r) is None or _sum(r) <= 100.5),
          lambda r, at: f"{r.attendance_pct:g}% plus {r.authorised_absence_pct:g}% authorised and "
                        f"{r.unauthorised_absence_pct:g}% unauthorised absence is {_sum(r):g}%, over 100%",
          also=ABSENCES),
    query("FAP-024", "Attendance and authorised and unauthorised absence should add up to 100%.",
          "attendance_pct", rowwise(lambda r: _sum(r) is None or _sum(r) > 100.5 or _sum(r) >= 99.5),
          lambda r, at: f"{r.attendance_pct:g}% plus {r.authorised_absence_pct:g}% authorised and "
                        f"{r.unauthorised_absence_pct:g}% unauthorised absence is {_sum(r):g}%, not 100%",
          also=ABSENCES),
    error("FAP-025", "A student open to social care needs a social care contact name.",
          "social_care_contact_name",
          rowwise(lambda r: r.open_to_social_care is not True or not blank(r.social_care_contact_name)),
          lambda r, at: f"is blank, but {at('open_to_social_care')} is Yes; give the social worker's name",
          also=("open_to_social_care",)),
    error("FAP-026", "Vulnerable-group ticks need 'Does the student fall into a vulnerable group?' = Yes.",
          "vulnerable_group",
          rowwise(lambda r: r.vulnerable_group is True or not any(r[t] is True for t in VULNERABLE_TICKS)),
          lambda r, at: f"is {'No' if r.vulnerable_group is False else 'blank'}, but a vulnerable group is "
                        "ticked below; answer Yes or untick the groups"),
    query("FAP-027", "A ticked peer-on-peer abuse concern should come with peer group, school or "
                     "neighbourhood information.", "peer_info",
          rowwise(lambda r: not any(r[c] is True for c in CONCERN_FIELDS)
                   or any(not blank(r[c]) for c in CONTEXT_INFO)),
          lambda r, at: "peer group, school and neighbourhood information are all blank, but a peer-on-peer "
                        "abuse concern is ticked; describe the contexts if anything is known",
          also=CONTEXT_INFO[1:]),
    query("FAP-028", "The child's home postcode or ward should be given.", "ward",
          rowwise(lambda r: not blank(r.ward) or not blank(r.postcode)),
          lambda r, at: f"is blank and so is {at('postcode')}; give one so the referral can be counted by ward",
          also=("postcode",)),
    error("FAP-029", "An education welfare officer involved needs a contact name.", "ewo_contact_name",
          rowwise(lambda r: r.ewo_involvement is not True or not blank(r.ewo_contact_name)),
          lambda r, at: f"is blank, but {at('ewo_involvement')} is Yes; give the EWO's name",
          also=("ewo_involvement",)),
    error("FAP-030", "Previous schools: 'From' must not be after 'To'.", "date_to",
          rowwise(lambda r: blank(r.date_from) or blank(r.date_to) or r.date_from <= r.date_to),
          lambda r, at: f"{_d(r.date_to)} is before {at('date_from')} {_d(r.date_from)}; "
                        "swap or correct the dates", table="previous_schools", also=("date_from",)),
    *_exclusion_rules("FAP-031", "FAP-032", "exclusions", "Exclusion history"),
    *_exclusion_rules("FAP-033", "FAP-034", "internal_exclusions", "Internal exclusions history"),
]
