"""The termly data matrix, checked cell by cell against counts worked out by hand.

The fixed set below is 40 fictional referrals over three terms (24 in 2026-spring, 12 in
2025-autumn, 4 in 2025-summer), filed through the real path: filled workbooks -> check_files
-> file_batch. Every expected number in this file was counted by hand from the tables below,
not re-derived with pandas; the comments show the referrals that make up each count.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.forms import get_form
from addin.forms.fill import Filler
from addin.validators.common import with_check_letter

TERM, PREV, OLDER = "2026-spring", "2025-autumn", "2025-summer"
A, B, C, D = "Ashbridge Academy", "Beacon Hill School", "Brookfield High School", "Canal Side Academy"
CONCERN_IDS = {
    "cse": "concern_cse", "syv": "concern_serious_youth_violence", "gangs": "concern_gangs",
    "hsb": "concern_hsb", "rel": "concern_relationship_abuse", "sb": "concern_sexual_bullying",
    "me": "concern_missing_education", "mh": "concern_missing_home",
}
# Column headings of the "by concern" blocks, in order.
COLS = ["CSE", "Serious youth violence", "Gangs", "Harmful sexual behaviour", "Relationship/domestic abuse",
        "Sexual bullying", "Missing from education", "Missing from home", "Any peer-on-peer abuse concern",
        "Open to children's social care"]
CONCERN_LABELS = COLS[:8]
ANY = "Any peer-on-peer abuse concern"
SC = "Open to children's social care"
INTERNAL_BANNER_START = "INTERNAL – contains unsuppressed counts"

# --- the fixed set -------------------------------------------------------------------------------
# (school, ward or None, gender, ethnicity code, year group, concerns, open to social care)
CURRENT = [  # 2026-spring, referral numbers FIX-S01..FIX-S24
    (A, "Abbey", "M", "WBRI", 9, "cse mh", True),             # 1
    (A, "Abbey", "F", "WBRI", 9, "cse mh", False),            # 2
    (A, "Abbey", "F", "BAFR", 10, "cse mh", False),           # 3
    (A, "Abbey", "M", "WBRI", 10, "cse sb", False),           # 4
    (A, "Bankside", "M", "BCRB", 9, "cse syv gangs", True),   # 5
    (A, "Bankside", "M", "WBRI", 10, "syv gangs", True),      # 6
    (A, "Bankside", "M", "BAFR", 11, "syv gangs", False),     # 7
    (A, "Castle", "M", "WBRI", 8, "", False),                 # 8
    (A, "Castle", "F", "AIND", 7, "", False),                 # 9
    (A, None, "M", "WBRI", 8, "me", False),                   # 10
    (B, "Abbey", "F", "WBRI", 9, "cse mh", True),             # 11
    (B, "Abbey", "F", "MWBC", 10, "cse mh", False),           # 12
    (B, "Bankside", "M", "WBRI", 9, "hsb sb", True),          # 13
    (B, "Bankside", "M", "BCRB", 11, "hsb", False),           # 14
    (B, "Castle", "M", "WIRI", 8, "", False),                 # 15
    (B, "Castle", "M", "APKN", 10, "", False),                # 16
    (B, None, "F", "WBRI", 11, "me", False),                  # 17
    (C, "Abbey", "M", "BAFR", 9, "syv", True),                # 18
    (C, "Abbey", "M", "WBRI", 10, "syv gangs", False),        # 19
    (C, "Bankside", "M", "MWBA", 8, "", False),               # 20
    (C, "Castle", "F", "ABAN", 7, "", False),                 # 21
    (C, None, "M", "REFU", 11, "me mh", False),               # 22
    (D, "Abbey", "M", "WBRI", 9, "rel", True),                # 23
    (D, "Bankside", "F", "BOTH", 8, "", False),               # 24
]
PREVIOUS = [  # 2025-autumn, FIX-P01..FIX-P12
    (A, "Abbey", "M", "WBRI", 9, "cse mh", True),
    (A, "Abbey", "F", "WBRI", 9, "cse mh", False),
    (B, "Castle", "F", "BAFR", 10, "cse", False),
    (B, "Bankside", "M", "WBRI", 10, "cse syv", False),
    (C, "Abbey", "F", "WBRI", 8, "cse", False),
    (A, "Bankside", "M", "BCRB", 11, "syv gangs", True),
    (D, "Castle", "M", "WBRI", 9, "hsb", False),
    (A, "Abbey", "M", "AIND", 7, "me", False),
    (B, "Castle", "F", "WBRI", 8, "mh", False),
    (A, "Bankside", "M", "WBRI", 10, "", False),
    (C, "Abbey", "M", "WBRI", 11, "", False),
    (A, "Castle", "F", "MWBA", 9, "", False),
]
OLDER_TERM = [  # 2025-summer, FIX-O01..FIX-O04
    (A, "Abbey", "M", "WBRI", 9, "cse", True),
    (B, "Bankside", "M", "BAFR", 10, "syv", False),
    (C, "Castle", "F", "WBRI", 8, "", False),
    (A, "Abbey", "M", "WBRI", 11, "me", False),
]
# Current-term extras: field -> referral numbers (1-based, as in the comments above).
CURRENT_TICKS = {
    "peer_info": {1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 17, 18, 19, 22, 23},
    "school_info": {1, 2, 3, 4, 5, 6},
    "neighbourhood_info": {5, 6, 7, 19},
    "home_info": {9, 20},
    "peer_response": {1, 2, 3, 11, 12},
    "school_response": {13},
    "vulnerable_fsm": {1, 2, 5, 8, 9, 13, 18, 20},
    "vulnerable_eal": {9, 16, 21},
    "vulnerable_looked_after": {11},
    "fap_risk_of_exclusion": set(range(1, 16)),
    "fap_complex_issues": {1, 5, 6, 7, 13},
    "fap_permanent_exclusion": {16, 17},
    "fap_year_10_11": {3, 4, 6, 7, 12, 14, 16, 17, 19, 22},
    "provision_mainstream_requested": set(range(1, 13)),
    "provision_mainstream_agreed": set(range(1, 9)),
    "provision_mainstream_school_costs": {1, 2},
    "provision_pru_respite_requested": set(range(13, 19)),
    "provision_pru_respite_agreed": {13, 14, 15},
    "provision_pru_respite_pru_support": {13, 14, 15},
    "provision_alternative_requested": set(range(19, 25)),
    "pru_risk_assessment": set(range(13, 19)),
}
# Other agency involvement of current-term referrals: number -> {preset row: (agency or None, status)}.
CURRENT_AGENCIES = {
    5: {"YOS": (None, "Current"), "Police": (None, "Current")},
    6: {"YOS": (None, "Current")},
    7: {"YOS": (None, "Current")},
    13: {"Police": (None, "Current")},
    1: {"Police": (None, "Expired")},
    9: {"CAMHS": (None, "Current")},
    22: {"CAMHS": (None, "Current")},
    10: {"Education Psychology": (None, "Expired")},
    14: {"Other (state)": ("Local youth project", "Current")},
}
PRESET_AGENCIES = ("YOS", "Police", "CAMHS", "Education Psychology", "Other (state)")

FIRST = ("Amara", "Bartholomew", "Cosima", "Dashiell", "Ezinne", "Florian", "Gwendolyn", "Horatio", "Imogen",
         "Jericho", "Kestrel", "Leopold", "Marisol", "Nathaniel", "Octavia", "Peregrine", "Quillon", "Rosalind",
         "Sebastiano", "Thaddeus")
LAST = ("Quennell", "Ravensworth", "Stowbridge", "Tolliver", "Umberleigh", "Vanterpool", "Wetherall",
        "Xanthoudakis", "Yardley-Pike", "Zabrowski")


def _dob(year_group: int, referral_date: dt.date, i: int) -> dt.date:
    """A date of birth putting the child in `year_group` on the referral date (age on 31 August)."""
    start = referral_date.year if referral_date.month >= 9 else referral_date.year - 1
    return dt.date(start - year_group - 5, 9, 1) + dt.timedelta(days=(7 * i + 3) % 360)


def _postcode(i: int) -> str:
    return f"AS{i % 9 + 1} {i % 10}{'ABDEFGHJLN'[i % 10]}{'PQRSTUWXYZ'[(i // 10) % 10]}"


def fixed_referrals() -> list[tuple[str, dict, dict]]:
    """(file stem, values, tables) of every referral of the fixed set, in filing order."""
    out = []
    k = 0
    for term_rows, prefix, first_day, step in ((OLDER_TERM, "O", dt.date(2025, 4, 22), 9),
                                               (PREVIOUS, "P", dt.date(2025, 9, 8), 7),
                                               (CURRENT, "S", dt.date(2026, 1, 5), 3)):
        for n, (school, ward, gender, eth, year, concerns, sc) in enumerate(term_rows, start=1):
            k += 1
            day = first_day + dt.timedelta(days=step * (n - 1))
            name = f"{FIRST[k % 20]} {LAST[k % 10]}{'' if k < 20 else '-' + LAST[(k + 3) % 10]}"
            eth_value = next(e for e in get_form("fap-referral")["ethnicity"].choices if e.startswith(eth))
            v = {
                "referral_date": day, "child_name": name,
                "other_names": None,
                "upn": with_check_letter(f"99950{k:07d}"),
                "date_of_birth": _dob(year, day, k), "gender": {"M": "Male", "F": "Female"}[gender],
                "year_group": year, "ethnicity": eth_value, "school": school,
                "preferred_school": "Kingsmead Academy", "postcode": _postcode(k), "ward": ward,
                "referral_reason": f"Reason R{k:02d}: repeated incidents with peers (fictional case {k}).",
                "lead_professional": f"Lead Professor{k:02d}",
                "open_to_social_care": sc,
                "early_help": True, "early_help_reason": "Early help in place since last year.",
                "early_help_contact_name": f"Earlyhelp Worker{k:02d}",
                "early_help_contact_phone": f"01632 961{k:03d}",
                "child_protection": False,
                "family_overview_issues": f"Family note F{k:02d}: lives with mother and two siblings.",
                "family_overview_support": f"Family support S{k:02d}: weekly check-ins.",
                "current_status": f"Status note T{k:02d}: attending part-time.",
                "vulnerable_group": False,
                "medical": f"Medical note M{k:02d}: asthma.", "allergies": f"Allergy note A{k:02d}: none known.",
                "dietary": f"Diet note N{k:02d}.", "accessibility": f"Access note Q{k:02d}.",
                "cats_verbal": 95, "cats_non_verbal": 101, "cats_quantitative": 99,
                "english_ks2": "4", "english_current": "5", "maths_ks2": "4", "maths_current": "5",
                "science_ks2": "4", "science_current": "5", "reading_age": "12y 3m", "spelling_age": "11y 9m",
                "ks4_courses": "GCSE English, maths, science.",
                "attendance_pct": 90, "authorised_absence_pct": 6, "unauthorised_absence_pct": 4,
                "last_attendance_date": day - dt.timedelta(days=3),
                "full_time_expected": True, "full_time_details": "Full timetable.",
                "ewo_involvement": False, "ewo_contact_name": f"Welfare Officer{k:02d}",
                "ewo_contact_phone": f"01632 962{k:03d}",
                "send_primary_need": "SEMH", "send_secondary_need": "SLCN", "send_tertiary_need": "None",
                "iep": False, "diagnosis": False, "risk_assessment": True,
                "referral_number": f"FIX-{prefix}{n:02d}",
                "referred_by": f"Referrer Person{k:02d}", "date_completed": day,
                "referrer_phone": f"01632 963{k:03d}", "referrer_email": f"referrer{k:02d}@school.example.org",
                "fap_reason": f"Left reason L{k:02d}: managed move broke down.",
                "panel_chair": f"Panel Chairperson{k:02d}", "panel_date": day + dt.timedelta(days=14),
            }
            for c in concerns.split():
                v[CONCERN_IDS[c]] = True
            if sc:
                v["social_care_contact_name"] = f"Social Worker{k:02d}"
                v["social_care_contact_phone"] = f"01632 964{k:03d}"
            agencies = {}
            if prefix == "S":
                if n == 20:  # adds up to 98%: one query (FAP-024), filed all the same
                    v["unauthorised_absence_pct"] = 2
                for fid, numbers in CURRENT_TICKS.items():
                    if n in numbers:
                        v[fid] = f"Context text {fid} X{k:02d}." if fid.endswith(("_info", "_response", "assessment")) else True
                agencies = CURRENT_AGENCIES.get(n, {})
            else:
                v["peer_info"] = f"Context text peer_info X{k:02d}." if concerns else None
                v["fap_risk_of_exclusion"] = True
                v["provision_mainstream_requested"] = True
                if n == 1 and prefix == "P":
                    agencies = {"YOS": (None, "Current")}
            if any(f.startswith("vulnerable_") and f != "vulnerable_group" and val is True for f, val in v.items()):
                v["vulnerable_group"] = True
            tables = {
                "parents_carers": [{"name": f"Parentname Carer{k:02d}", "relationship": "Mother",
                                    "phone": f"07700 900{k:03d}", "email": f"parent{k:02d}@mail.example.net",
                                    "address": f"{k} Fictional Row, Ashbridge", "postcode": _postcode(k),
                                    "primary_carer": True}],
            }
            if agencies:
                rows = []
                for preset in PRESET_AGENCIES:
                    if preset in agencies:
                        agency, status = agencies[preset]
                        row = {"status": status, "contact_name": f"Agency Contact{k:02d}"}
                        if agency:
                            row["agency"] = agency
                        rows.append(row)
                    else:
                        rows.append({})
                tables["other_agencies"] = rows
            out.append((f"{prefix}{n:02d}", v, tables))
    return out


def _forms_of(value) -> set[str]:
    """How a personal value could be written out: dates in the usual UK and ISO forms."""
    if isinstance(value, dt.date):
        return {f"{value:%d/%m/%Y}", value.isoformat(), f"{value.day}/{value.month}/{value.year}"}
    return {str(value)}


def personal_values(referrals) -> set[str]:
    """Every value of a field or table column the form declares personal, as text."""
    form = get_form("fap-referral")
    out: set[str] = set()
    for _, values, tables in referrals:
        for f in form.fields:
            if f.personal and values.get(f.id) is not None:
                out |= _forms_of(values[f.id])
        for t in form.tables:
            for row in tables.get(t.id, []):
                for c in t.columns:
                    if c.personal and row.get(c.id) is not None:
                        out |= _forms_of(row[c.id])
    return out


class Fixed:
    """The fixed set on disk: forms, their check results, a store with all of them filed."""

    def __init__(self, folder: Path, config, referrals=None, filler=None):
        from addin.checks.run import check_files
        from addin.store import file_batch

        self.folder, self.config = folder, config
        self.referrals = referrals if referrals is not None else fixed_referrals()
        filler = filler or Filler(get_form("fap-referral"), config)
        self.forms = folder / "forms"
        self.paths = [filler.save(self.forms / f"{stem}.xlsx", v, t) for stem, v, t in self.referrals]
        self.results = check_files(self.paths, config, expect="fap-referral")
        self.store = folder / "store.sqlite"
        self.report = file_batch(self.store, self.results, config)
        self.personal = personal_values(self.referrals)
        self.dobs = {v["date_of_birth"] for _, v, _ in self.referrals}
        self.filler = filler


_CACHE: dict = {}


@pytest.fixture(scope="session")
def fixed(tmp_path_factory, config) -> Fixed:
    """The fixed set, built once per session (test_briefing imports this fixture too)."""
    if "fixed" not in _CACHE:
        _CACHE["fixed"] = Fixed(tmp_path_factory.mktemp("fixed"), config)
    return _CACHE["fixed"]


def _matrix(fixed, tmp_path_factory, publishable: bool, term: str = TERM) -> Path:
    from addin.catalogue.fap_referral.matrix import make_matrix

    key = ("matrix", publishable, term)
    if key not in _CACHE:
        out = tmp_path_factory.mktemp("matrix") / f"matrix-{term}-{'pub' if publishable else 'int'}.xlsx"
        _CACHE[key] = make_matrix(term, out, fixed.config, db=str(fixed.store), publishable=publishable)
    return _CACHE[key]


@pytest.fixture(scope="session")
def internal(fixed, tmp_path_factory) -> Path:
    return _matrix(fixed, tmp_path_factory, publishable=False)


@pytest.fixture(scope="session")
def public(fixed, tmp_path_factory) -> Path:
    return _matrix(fixed, tmp_path_factory, publishable=True)


# --- reading a matrix workbook back -----------------------------------------------------------------

UPSET = "Intersections of concerns (UpSet chart: each bar counts the referrals with exactly the concerns marked)"
TITLES = {
    "Summary": ["Referrals by concern"],
    "Schools": ["Referrals by school and concern"],
    "Wards": ["Referrals by ward and concern"],
    "Demographics": ["Referrals by gender and concern", "Referrals by ethnicity group and concern",
                     "Referrals by year group and concern"],
    "Overlaps": ["Referrals by combination of concerns (each referral counted once)",
                 "Referrals by number of concerns (each referral counted once)",
                 "Concern co-occurrence (referrals with both; the diagonal is each concern's total)",
                 UPSET],
    "Contexts": ["Contextual information recorded, by concern"],
    "Groups & provision": ["Vulnerable groups by concern", "Fair Access protocol categories",
                           "Provision requested and agreed"],
    "Trend": ["Referrals and concerns by term"],
    "Data quality": ["Fields most often blank (optional fields)"],
}
ALL_TITLES = {t for ts in TITLES.values() for t in ts}


def lines(ws) -> dict:
    """The label/value lines above the first block (Summary, Data quality)."""
    out, r = {}, 5
    while ws.cell(r, 1).value is not None and ws.cell(r, 1).value not in ALL_TITLES:
        out[ws.cell(r, 1).value] = ws.cell(r, 2).value
        r += 1
    return out


def block(ws, title: str) -> dict:
    """A block found by its title in column A: {"columns": [...], "rows": {row label: [values]}}.

    The header is the row under the title; data rows follow while a column after A has a value; the
    "Total" row is one of the rows.
    """
    starts = [c.row for c in ws["A"] if c.value == title]
    assert len(starts) == 1, f"{ws.title}: block {title!r} found {len(starts)} times"
    header = starts[0] + 1
    columns = []
    c = 2
    while ws.cell(header, c).value is not None:
        columns.append(ws.cell(header, c).value)
        c += 1
    rows, r = {}, header + 1
    while ws.cell(r, 1).value is not None and any(ws.cell(r, j).value is not None for j in range(2, len(columns) + 2)):
        rows[ws.cell(r, 1).value] = [ws.cell(r, j).value for j in range(2, len(columns) + 2)]
        r += 1
    return {"index": ws.cell(header, 1).value, "columns": columns, "rows": rows, "header": header}


def every_block(path: Path) -> dict:
    """(sheet, title) -> block, for every block of a matrix workbook."""
    wb = load_workbook(path)
    assert wb.sheetnames == list(TITLES)
    return {(s, t): block(wb[s], t) for s, ts in TITLES.items() for t in ts}


def zeros(n: int = 11) -> list[int]:
    return [0] * n


# --- what the fixed set should give, counted by hand ------------------------------------------------
# Referral numbers in the comments are the current term's (S01..S24) unless marked P (2025-autumn).

SUMMARY = {
    "Authority": "Ashbridge Borough Council (fictional demo authority)",
    "Term": TERM,
    "Referrals": 24,
    ANY: 17,                                        # all but S08 S09 S15 S16 S20 S21 S24
    "Share with any peer-on-peer abuse concern": 0.708,     # 17 / 24, a number shown as 70.8%
    "Referrals in 2025-autumn": 12,
    "Change in referrals": 12,                      # 24 - 12
    f"{ANY} in 2025-autumn": 9,                     # P01..P09
    "Change in referrals with any concern": 8,      # 17 - 9
    "Referrals with two or more concerns": 12,      # S01-S07, S11-S13, S19, S22
    "Schools with referrals": 4,                    # A, B, C, D
    "Most common concern 1": "CSE",                 # 7
    "Most common concern 2": "Missing from home",   # 6
    "Most common concern 3": "Serious youth violence",  # 5
}
BY_CONCERN = {  # concern -> referrals this term
    "CSE": 7,                              # S01-S05, S11, S12
    "Serious youth violence": 5,           # S05-S07, S18, S19
    "Gangs": 4,                            # S05-S07, S19
    "Harmful sexual behaviour": 2,         # S13, S14
    "Relationship/domestic abuse": 1,      # S23
    "Sexual bullying": 2,                  # S04, S13
    "Missing from education": 3,           # S10, S17, S22
    "Missing from home": 6,                # S01-S03, S11, S12, S22
    SC: 7,                                 # S01, S05, S06, S11, S13, S18, S23
}
TOTAL = [7, 5, 4, 2, 1, 2, 3, 6, 17, 7, 24]  # the Total row of every "by ... and concern" block
# Columns: CSE, SYV, gangs, HSB, rel, SB, ME, MH, any, open to social care, referrals.
SCHOOLS = {
    A: [5, 3, 3, 0, 0, 1, 1, 3, 8, 3, 10],     # S01-S10
    B: [2, 0, 0, 2, 0, 1, 1, 2, 5, 2, 7],      # S11-S17
    C: [0, 2, 1, 0, 0, 0, 1, 1, 3, 1, 5],      # S18-S22
    D: [0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2],      # S23, S24
}
WARDS = {
    "Abbey": [6, 2, 1, 0, 1, 1, 0, 5, 9, 4, 9],       # S01-S04, S11, S12, S18, S19, S23
    "Bankside": [1, 3, 3, 2, 0, 1, 0, 0, 5, 3, 7],    # S05-S07, S13, S14, S20, S24
    "Castle": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5],      # S08, S09, S15, S16, S21
    "Not recorded": [0, 0, 0, 0, 0, 0, 3, 1, 3, 0, 3],  # S10, S17, S22
}
GENDER = {
    "Male": [3, 5, 4, 2, 1, 2, 2, 2, 12, 6, 16],
    "Female": [4, 0, 0, 0, 0, 0, 1, 4, 5, 1, 8],      # S02 S03 S09 S11 S12 S17 S21 S24
}
ETHNICITY = {
    "White": [4, 2, 2, 1, 1, 2, 2, 3, 10, 5, 12],     # WBRI/WIRI: S01 S02 S04 S06 S08 S10 S11 S13 S15 S17 S19 S23
    "Mixed": [1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 2],       # S12, S20
    "Asian": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3],       # S09, S16, S21
    "Black": [2, 3, 2, 1, 0, 0, 0, 1, 5, 2, 6],       # S03 S05 S07 S14 S18 S24
    "Chinese": zeros(),
    "Any other ethnic group": zeros(),
    "Unknown": [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1],     # S22 (refused)
}
YEARS = {
    "Year 7": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],      # S09, S21
    "Year 8": [0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 5],      # S08 S10 S15 S20 S24
    "Year 9": [4, 2, 1, 1, 1, 1, 0, 3, 7, 6, 7],      # S01 S02 S05 S11 S13 S18 S23
    "Year 10": [3, 2, 2, 0, 0, 1, 0, 2, 5, 1, 6],     # S03 S04 S06 S12 S16 S19
    "Year 11": [0, 1, 1, 1, 0, 0, 2, 1, 4, 0, 4],     # S07 S14 S17 S22
}
COMBINATIONS = {
    "CSE + Missing from home": 5,                          # S01-S03, S11, S12
    "Serious youth violence + Gangs": 3,                   # S06, S07, S19
    "Missing from education": 2,                           # S10, S17
    "CSE + Sexual bullying": 1,                            # S04
    "CSE + Serious youth violence + Gangs": 1,             # S05
    "Harmful sexual behaviour + Sexual bullying": 1,       # S13
    "Harmful sexual behaviour": 1,                         # S14
    "Serious youth violence": 1,                           # S18
    "Missing from education + Missing from home": 1,       # S22
    "Relationship/domestic abuse": 1,                      # S23
}
DEGREES = {"One concern": [5],              # S10, S14, S17, S18, S23
           "Two concerns": [11],            # the five with CSE + Missing from home, S04, S06, S07, S13, S19, S22
           "Three or more concerns": [1],   # S05
           "Total": [17]}
CO_OCCURRENCE = {  # rows and columns in CONCERN_LABELS order; the diagonal is each concern's total
    "CSE": [7, 1, 1, 0, 0, 1, 0, 5],
    "Serious youth violence": [1, 5, 4, 0, 0, 0, 0, 0],
    "Gangs": [1, 4, 4, 0, 0, 0, 0, 0],
    "Harmful sexual behaviour": [0, 0, 0, 2, 0, 1, 0, 0],
    "Relationship/domestic abuse": [0, 0, 0, 0, 1, 0, 0, 0],
    "Sexual bullying": [1, 0, 0, 1, 0, 2, 0, 0],
    "Missing from education": [0, 0, 0, 0, 0, 0, 3, 1],
    "Missing from home": [5, 0, 0, 0, 0, 0, 1, 6],
}
# Columns: all referrals, any concern, then the eight concerns.
CONTEXTS = {
    "Peer group information recorded": [18, 17, 7, 5, 4, 2, 1, 2, 3, 6],   # every concern referral + S08
    "School information recorded": [6, 6, 5, 2, 2, 0, 0, 1, 0, 3],         # S01-S06
    "Neighbourhood information recorded": [4, 4, 1, 4, 4, 0, 0, 0, 0, 0],  # S05-S07, S19
    "Home environment information recorded": [2, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # S09, S20
    "School response recorded (any context)": [6, 6, 5, 0, 0, 1, 0, 1, 0, 5],  # S01-S03 S11 S12 S13
    "Other agencies involved (current)": [7, 6, 1, 3, 3, 2, 0, 1, 1, 1],   # S05-S07 S09 S13 S14 S22
    "Agency involved (current): YOS": [3, 3, 1, 3, 3, 0, 0, 0, 0, 0],      # S05-S07
    "Agency involved (current): Police": [2, 2, 1, 1, 1, 1, 0, 1, 0, 0],   # S05, S13 (S01 expired)
    "Agency involved (current): CAMHS": [2, 1, 0, 0, 0, 0, 0, 0, 1, 1],    # S09, S22
    "Agency involved (current): Education Psychology": zeros(10),          # S10's is expired
    "Agency involved (current): Other": [1, 1, 0, 0, 0, 1, 0, 0, 0, 0],    # S14 (Local youth project)
    "Total": [24, 17, 7, 5, 4, 2, 1, 2, 3, 6],
}
VULNERABLE = {
    "Children looked after": [1, 1, 1, 0, 0, 0, 0, 0, 0, 1],   # S11
    "Traveller child": zeros(10), "Child of asylum seeker": zeros(10), "Young carer": zeros(10),
    "Teenage parent": zeros(10), "School refuser": zeros(10), "Young offender": zeros(10),
    "Eligible for FSM": [8, 5, 3, 2, 1, 1, 0, 1, 0, 2],        # S01 S02 S05 S08 S09 S13 S18 S20
    "EAL": [3, 0, 0, 0, 0, 0, 0, 0, 0, 0],                     # S09 S16 S21
    "Total": [24, 17, 7, 5, 4, 2, 1, 2, 3, 6],
}
FAP_CATEGORIES = {
    "Complex Issue Cases (CIC)": 5,                                          # S01 S05 S06 S07 S13
    "Homeless": 0, "Children with unsupportive family backgrounds": 0,
    "Returning from the criminal justice system": 0,
    "Permanent exclusion previously or currently attending the PRU": 2,      # S16 S17
    "Children without a school place and a history of serious attendance problems": 0,
    "At risk of permanent exclusion/managed move": 15,                       # S01-S15
    "Out of education for more than 1 school term (includes movers in and returnees from EHE)": 0,
    "Traveller": 0, "Children of refugees and asylum seekers not in accommodation centres": 0,
    "Withdrawn by parents following fixed term exclusion and unable to find a school place": 0,
    "Changing school in Year 10 or 11": 10,                                  # every Year 10 and 11
    "Moved between a number of schools in the authority and previously": 0,
}
PROVISION = {  # requested, placement agreed, PRU support, school costs
    "Placement at mainstream school": [12, 8, 0, 2],    # S01-S12; agreed S01-S08; costs S01 S02
    "Respite place in PRU": [6, 3, 3, 0],               # S13-S18; agreed and PRU support S13-S15
    "Alternative provision": [6, 0, 0, 0],              # S19-S24
    "Other": [0, 0, 0, 0],
}
TREND_COLUMNS = ["Referrals", ANY] + COLS[:8] + [SC]
TREND = {
    OLDER: [4, 3, 1, 1, 0, 0, 0, 0, 1, 0, 1],      # O01 cse+sc, O02 syv, O04 me
    PREV: [12, 9, 5, 2, 1, 1, 0, 0, 1, 3, 2],      # P01-P12
    TERM: [24, 17, 7, 5, 4, 2, 1, 2, 3, 6, 7],
}
BLANKS = {  # the 15 optional fields most often blank this term (ties in form order)
    "Other names": 24,
    "Individual's strengths: information": 24,
    "Individual's strengths: school response, including referrals to external agencies": 24,
    "Individual's attitude to work: information": 24,
    "Individual's attitude to work: school response, including referrals to external agencies": 24,
    "Home environment / parent/carer: school response, including referrals to external agencies": 24,
    "Neighbourhood: school response, including referrals to external agencies": 24,
    "Other provision (please elaborate)": 24,
    "School: school response, including referrals to external agencies": 23,   # filled on S13 only
    "Home environment / parent/carer: information": 22,                        # S09, S20
    "Neighbourhood: information": 20,                                          # S05-S07, S19
    "Peer group: school response, including referrals to external agencies": 19,  # S01-S03 S11 S12
    "School: information": 18,                                                 # S01-S06
    "Risk assessment for placement at PRU": 18,                                # S13-S18
    "Social care contact: name": 17,                                           # 7 open to social care
}
# Rows come in the configured order (then "Not recorded"); a school or ward with no referral is a row of zeros.
SCHOOL_ORDER = [A, B, C, D, "Elmstead Community College", "Fairfield Girls' School", "Greystone Boys' School",
                "Hollins Park School", "Kingsmead Academy", "Marsh Lane School",
                "St Aidan's Church of England School", "Ashbridge Pupil Referral Unit"]
WARD_ORDER = ["Abbey", "Bankside", "Brookfield", "Castle", "Chapel End", "Eastgate", "Fairfield", "Greenhill",
              "Hollins", "Kingsmead", "Langley", "Marsh", "Northmoor", "Oakwood", "Priory", "Riverside",
              "St Aidan's", "Thornbury", "Westfield", "Whitecross", "Not recorded"]
ETHNICITY_ORDER = ["White", "Mixed", "Asian", "Black", "Chinese", "Any other ethnic group", "Unknown"]


def with_zeros(named: dict, order: list[str], total: list) -> dict:
    """Every row in order, zeros where `named` has none, then the Total row."""
    return {name: named.get(name, zeros()) for name in order} | {"Total": total}


# --- the fixed set itself ---------------------------------------------------------------------------

def test_the_fixed_set_is_filed_whole(fixed):
    assert [r.errors for r in fixed.results] == [[]] * 40
    assert [p.code for r in fixed.results for p in r.problems] == ["FAP-024"]  # S20, 98%: a query only
    assert fixed.report.count("filed") == 40


# --- the internal matrix, cell by cell --------------------------------------------------------------

def test_every_internal_sheet_says_it_is_internal(internal):
    wb = load_workbook(internal)
    for ws in wb.worksheets:
        assert ws["A2"].value.startswith(INTERNAL_BANNER_START + ". Not for publication"), ws.title
        assert ws["A1"].value == ("Ashbridge Borough Council (fictional demo authority) · Fair Access Panel data "
                                  "matrix of need · 2026-spring (internal, exact counts)")


def test_summary_lines_and_concerns(internal):
    ws = load_workbook(internal)["Summary"]
    assert lines(ws) == SUMMARY
    b = block(ws, "Referrals by concern")
    assert (b["index"], b["columns"]) == ("Concern", ["Referrals"])
    assert {k: v[0] for k, v in b["rows"].items()} == BY_CONCERN


@pytest.mark.parametrize("sheet, title, index, expected, order", [
    ("Schools", "Referrals by school and concern", "School", SCHOOLS, SCHOOL_ORDER),
    ("Wards", "Referrals by ward and concern", "Ward", WARDS, WARD_ORDER),
    ("Demographics", "Referrals by gender and concern", "Gender", GENDER, ["Male", "Female"]),
    ("Demographics", "Referrals by ethnicity group and concern", "Ethnicity group", ETHNICITY, ETHNICITY_ORDER),
    ("Demographics", "Referrals by year group and concern", "Year group", YEARS, list(YEARS)),
])
def test_by_concern_blocks(internal, sheet, title, index, expected, order):
    b = block(load_workbook(internal)[sheet], title)
    assert b["index"] == index
    assert b["columns"] == COLS + ["Referrals"]
    want = with_zeros(expected, order, TOTAL)
    assert list(b["rows"]) == list(want)
    for label, row in want.items():
        assert b["rows"][label] == row, label


def test_overlaps(internal):
    ws = load_workbook(internal)["Overlaps"]
    combos = block(ws, "Referrals by combination of concerns (each referral counted once)")
    assert combos["index"] == "Combination of concerns"
    got = {k: v[0] for k, v in combos["rows"].items()}
    assert got.pop("Total") == 17
    assert got == COMBINATIONS
    assert list(got)[:3] == ["CSE + Missing from home", "Serious youth violence + Gangs", "Missing from education"]
    degrees = block(ws, "Referrals by number of concerns (each referral counted once)")
    assert (degrees["index"], degrees["columns"], degrees["rows"]) == ("Number of concerns", ["Referrals"], DEGREES)
    co = block(ws, "Concern co-occurrence (referrals with both; the diagonal is each concern's total)")
    assert co["columns"] == CONCERN_LABELS
    assert co["rows"] == CO_OCCURRENCE
    # the UpSet table: every combination, largest first (ties: fewer concerns first), its concerns marked
    upset = block(ws, UPSET)
    assert upset["index"] == "Referrals with exactly" and upset["columns"] == CONCERN_LABELS + ["Referrals"]
    marks = {label: [None] * 8 + [n] for label, n in sorted(COMBINATIONS.items(),
                                                             key=lambda kv: (-kv[1], kv[0].count("+")))}
    for label, row in marks.items():
        for concern in label.split(" + "):
            row[CONCERN_LABELS.index(concern)] = "●"
    assert upset["rows"] == marks
    assert list(upset["rows"])[:4] == ["CSE + Missing from home", "Serious youth violence + Gangs",
                                       "Missing from education", "Harmful sexual behaviour"]
    bars = [(str(cf.sqref), [r.type for r in cf.rules]) for cf in ws.conditional_formatting
            if cf.rules[0].type == "dataBar"]
    assert bars == [(f"J{upset['header'] + 1}:J{upset['header'] + len(COMBINATIONS)}", ["dataBar"])]


def test_contexts_groups_and_provision(internal):
    wb = load_workbook(internal)
    ctx = block(wb["Contexts"], "Contextual information recorded, by concern")
    assert ctx["columns"] == ["All referrals", ANY] + CONCERN_LABELS
    assert ctx["rows"] == CONTEXTS
    vul = block(wb["Groups & provision"], "Vulnerable groups by concern")
    assert vul["columns"] == ["All referrals", ANY] + CONCERN_LABELS
    assert vul["rows"] == VULNERABLE
    fap = block(wb["Groups & provision"], "Fair Access protocol categories")
    assert {k: v[0] for k, v in fap["rows"].items()} == FAP_CATEGORIES
    prov = block(wb["Groups & provision"], "Provision requested and agreed")
    assert prov["columns"] == ["Requested", "Placement agreed", "PRU support", "School costs"]
    assert prov["rows"] == PROVISION


def test_trend_and_data_quality(internal):
    wb = load_workbook(internal)
    trend = block(wb["Trend"], "Referrals and concerns by term")
    assert trend["columns"] == TREND_COLUMNS
    assert trend["rows"] == TREND
    ws = wb["Data quality"]
    assert lines(ws) == {"Referrals filed": 24, "Filed with queries to check": 1}  # S20
    blanks = block(ws, "Fields most often blank (optional fields)")
    assert {k: v[0] for k, v in blanks["rows"].items()} == BLANKS
    assert list(blanks["rows"]) == list(BLANKS)


def test_workbook_has_charts_heat_map_and_tables(internal):
    wb = load_workbook(internal)
    assert [type(c).__name__ for c in wb["Summary"]._charts] == ["BarChart"]
    assert [type(c).__name__ for c in wb["Trend"]._charts] == ["LineChart"]
    schools = wb["Schools"]
    heat = [(str(cf.sqref), [r.type for r in cf.rules]) for cf in schools.conditional_formatting]
    assert heat == [("B7:K18", ["colorScale"])]  # the 12 schools x 10 concern columns
    assert {t.ref for t in schools.tables.values()} == {"A6:L18"}
    assert schools.freeze_panes == "B7"  # header row and school names stay in view
    for ws in wb.worksheets:
        assert len(ws.tables) == len(TITLES[ws.title]), ws.title


# --- the publishable matrix -------------------------------------------------------------------------

c = "c"
# What the informed reader check (addin.catalogue.fap_referral.matrix.informed) leaves of the fixed set.  Against the totals
# alone the tables below were published with secondary "c"s; against a reader who also knows that a
# concern count is at most its row's "any concern" count, at most its referrals, and so on, most of
# them could be narrowed to fewer than five values, so more is hidden and some tables are withheld.
PUB_TOTAL = [7, 5, c, c, c, c, c, 6, 17, 7, 24]
WITHHELD = "Withheld to protect small numbers: every count in this table is shown as c, zeros included."
PUB_GENDER = {  # the Male row's concerns: 2 or 3 beside female counts of 0 would follow from the totals
    "Male": [c, 5, c, c, c, c, c, c, 12, c, 16],
    "Female": [c, 0, 0, 0, 0, 0, c, c, 5, c, 8],
}
# Schools, Wards and the ethnicity and year group tables are withheld: with four schools holding 24
# referrals, hiding more of a table could not keep every "c" five values wide.
PUB_WITHHELD = ["Referrals by school and concern", "Referrals by ward and concern",
                "Referrals by ethnicity group and concern", "Referrals by year group and concern",
                "Concern co-occurrence (referrals with both; the diagonal is each concern's total)"]
# 2025-autumn (12 referrals) and 2025-summer (4) are below the minimum of 20: their own matrices publish
# the number of referrals only (4 as c), so this term's Trend and lines show no more of them.
PUB_SUMMARY = dict(SUMMARY, **{"Schools with referrals": c, f"{ANY} in 2025-autumn": c,
                               "Change in referrals with any concern": c})
PUB_BY_CONCERN = dict(BY_CONCERN, **{"Gangs": c, "Harmful sexual behaviour": c, "Relationship/domestic abuse": c,
                                     "Sexual bullying": c, "Missing from education": c})
PUB_TREND = {
    OLDER: [c, c, c, c, 0, 0, 0, 0, c, 0, c],
    PREV: [12, c, c, c, c, c, 0, 0, c, c, c],
    TERM: [24, 17, 7, 5, c, c, c, c, c, 6, 7],
}
# Blank counts whose complement (referrals with the field filled in) is 1 to 4 are hidden too:
# "Home environment information recorded" is c on Contexts, and 24 - 22 would give it away.  The fields
# are listed in form order: ranked by count, a "c" between two counts would be pinned between them.
PUB_BLANKS = dict(BLANKS, **{"School: school response, including referrals to external agencies": c,
                             "Home environment / parent/carer: information": c,
                             "Neighbourhood: information": c})
SYMBOLS = ("Symbols: c = suppressed: fewer than 5 (or needed to stop a suppressed number being worked out from "
           "totals, on this sheet, another sheet or an earlier term's matrix); 0 = true zero.")


def test_publishable_summary_trend_and_overlaps(public):
    wb = load_workbook(public)
    assert lines(wb["Summary"]) == PUB_SUMMARY
    assert {k: v[0] for k, v in block(wb["Summary"], "Referrals by concern")["rows"].items()} == PUB_BY_CONCERN
    assert block(wb["Trend"], "Referrals and concerns by term")["rows"] == PUB_TREND
    combos = block(wb["Overlaps"], "Referrals by combination of concerns (each referral counted once)")
    # "CSE + Missing from home" (5) is pooled too: CSE's total of 7 less 5 would say 2 are in other combinations
    assert combos["rows"] == {"All other combinations": [17], "Total": [17]}
    # one with three concerns: so two and three or more are shown together, as the Summary's "two or more"
    degrees = block(wb["Overlaps"], "Referrals by number of concerns (each referral counted once)")
    assert degrees["rows"] == {"One concern": [5], "Two or more concerns": [12], "Total": [17]}
    co = block(wb["Overlaps"], "Concern co-occurrence (referrals with both; the diagonal is each concern's total)")
    # drawn from the tables above: no combination is listed, so the bars are the pooled referrals by number of
    # concerns (the chart says nothing the tables do not)
    assert block(wb["Overlaps"], UPSET)["rows"] == {"One concern (any)": [None] * 8 + [5],
                                                     "Two or more concerns (any)": [None] * 8 + [12]}
    diagonal = [7, 5, c, c, c, c, c, 6]  # each concern's total, as printed everywhere else
    assert co["rows"] == {label: [diagonal[i] if i == j else c for j in range(8)]
                          for i, label in enumerate(CONCERN_LABELS)}


def test_publishable_by_concern_blocks(public):
    wb = load_workbook(public)
    assert block(wb["Demographics"], "Referrals by gender and concern")["rows"] == \
        with_zeros(PUB_GENDER, ["Male", "Female"], PUB_TOTAL)
    for sheet, title, order in (("Schools", "Referrals by school and concern", SCHOOL_ORDER),
                                ("Wards", "Referrals by ward and concern", WARD_ORDER),
                                ("Demographics", "Referrals by ethnicity group and concern", ETHNICITY_ORDER),
                                ("Demographics", "Referrals by year group and concern", list(YEARS))):
        withheld = block(wb[sheet], title)
        assert withheld["rows"] == {name: [c] * 11 for name in order} | {"Total": PUB_TOTAL}, title
    notes = {sheet: [cell.value for cell in wb[sheet]["A"]].count(WITHHELD) for sheet in wb.sheetnames}
    assert notes == {"Summary": 0, "Schools": 1, "Wards": 1, "Demographics": 2, "Overlaps": 1, "Contexts": 0,
                     "Groups & provision": 0, "Trend": 0, "Data quality": 0}


def test_publishable_withholds_the_tables_it_could_not_protect(fixed, tmp_path_factory):
    from addin.catalogue.fap_referral.matrix import matrix_sheets

    pub, _ = matrix_sheets(TERM, fixed.config, db=str(fixed.store), publishable=True)
    assert [b.title for s in pub for b in s.blocks if b.withheld] == PUB_WITHHELD


def test_publishable_data_quality_hides_small_complements(public):
    ws = load_workbook(public)["Data quality"]
    assert lines(ws) == {"Referrals filed": 24, "Filed with queries to check": c}
    rows = block(ws, "Fields most often blank (optional fields)")["rows"]
    assert {k: v[0] for k, v in rows.items()} == PUB_BLANKS
    order = [f.label for f in get_form("fap-referral").fields if f.label in PUB_BLANKS]
    assert list(rows) == order


def test_publishable_contexts(public):
    ctx = block(load_workbook(public)["Contexts"], "Contextual information recorded, by concern")
    assert ctx["rows"] == {
        "Peer group information recorded": [18, 17, 7, 5, c, c, c, c, c, 6],
        "School information recorded": [6, 6, 5, c, c, 0, 0, c, 0, c],
        "Neighbourhood information recorded": [c, c, c, c, c, 0, 0, 0, 0, 0],
        "Home environment information recorded": [c, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        "School response recorded (any context)": [6, 6, 5, 0, 0, c, 0, c, 0, 5],
        "Other agencies involved (current)": [7, 6, c, c, c, c, 0, c, c, c],
        "Agency involved (current): YOS": [c, c, c, c, c, 0, 0, 0, 0, 0],
        "Agency involved (current): Police": [c, c, c, c, c, c, 0, c, 0, 0],
        "Agency involved (current): CAMHS": [c, c, 0, 0, 0, 0, 0, 0, c, c],
        "Agency involved (current): Education Psychology": zeros(10),
        "Agency involved (current): Other": [c, c, 0, 0, 0, c, 0, 0, 0, 0],
        "Total": [24, 17, 7, 5, c, c, c, c, c, 6],
    }


def test_publishable_follows_the_rules_in_every_cell(internal, public):
    """1..4 -> c, 0 -> 0, 5 or more -> itself or c (secondary), in every block but the pooled combinations;
    in a withheld table every count is c."""
    exact, shown = every_block(internal), every_block(public)
    pooled = ("Overlaps", "Referrals by combination of concerns (each referral counted once)")
    degrees = ("Overlaps", "Referrals by number of concerns (each referral counted once)")
    withheld = {key for key in exact if key[1] in PUB_WITHHELD}
    checked = 0
    for key, b in exact.items():
        if key in (pooled, degrees, ("Overlaps", UPSET)):  # pooled; two and three or more shown together; drawn
            # from those (test_publishable_summary_trend_and_overlaps)
            continue
        assert shown[key]["columns"] == b["columns"] and set(shown[key]["rows"]) == set(b["rows"]), key
        for label, row in b["rows"].items():
            for col, want, got in zip(b["columns"], row, shown[key]["rows"][label]):
                where = (key, label, col)
                checked += 1
                if key in withheld and label != "Total" and not (key[0] == "Overlaps" and label == col):
                    assert got == c, where
                elif want == 0:
                    assert got == 0, where
                elif 1 <= want <= 4:
                    assert got == c, where
                elif key[0] == "Data quality" and 1 <= 24 - want <= 4:
                    assert got == c, where
                else:
                    assert got in (want, c), where
    assert checked > 900


def test_the_informed_reader_narrows_no_c(fixed):
    """The attack of test_informed_reader, on the fixed set's publishable matrix as made from the store."""
    from test_informed_reader import exposed

    from addin.catalogue.fap_referral.matrix import load, matrix_sheets
    from addin.catalogue.fap_referral.matrix.build import build, trend_table

    term, _, referrals, agencies, counts, blanks = load(TERM, fixed.config, str(fixed.store))
    exact = build(referrals, term, trend_table(counts), fixed.config, agencies, blanks)
    pub, _ = matrix_sheets(TERM, fixed.config, db=str(fixed.store), publishable=True)
    assert exposed(exact, pub) == {}


def test_small_term_publishes_headline_counts_only(fixed, tmp_path_factory):
    """2025-summer has 4 referrals, fewer than the minimum of 20: one Summary sheet, the number of
    referrals as c, and why."""
    wb = load_workbook(_matrix(fixed, tmp_path_factory, publishable=True, term=OLDER))
    assert wb.sheetnames == ["Summary"]
    assert lines(wb["Summary"]) == {
        "Authority": "Ashbridge Borough Council (fictional demo authority)", "Term": OLDER, "Referrals": c,
        "Headline counts only": "This term had fewer than 20 referrals, so only headline counts are published, "
                                "to protect the children concerned."}
    prev = lines(load_workbook(_matrix(fixed, tmp_path_factory, publishable=True, term=PREV))["Summary"])
    assert prev["Referrals"] == 12
    exact = lines(load_workbook(_matrix(fixed, tmp_path_factory, publishable=False, term=OLDER))["Summary"])
    assert (exact["Referrals"], exact[ANY], exact["Share with any peer-on-peer abuse concern"]) == (4, 3, 0.75)


def _cells(path: Path):
    """Every cell value of every sheet, and the text of every part of the .xlsx zip."""
    wb = load_workbook(path)
    values = [cell.value for ws in wb.worksheets for row in ws.iter_rows() for cell in row
              if cell.value is not None]
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name).decode("utf-8", "replace") for name in z.namelist()}
    return values, parts


@pytest.mark.parametrize("which", ["public", "internal"])
def test_no_personal_value_in_any_cell(fixed, which, request):
    path = request.getfixturevalue(which)
    values, parts = _cells(path)
    _, v, t = fixed.referrals[-1]
    dob, parent = v["date_of_birth"], t["parents_carers"][0]
    assert {v["child_name"], v["upn"], f"{dob:%d/%m/%Y}", dob.isoformat(), v["postcode"], v["referral_reason"],
            parent["name"], parent["phone"], parent["email"], parent["address"]} <= fixed.personal
    assert len(fixed.personal) > 700  # and the other personal fields: notes, contacts, referrers ...
    texts = [str(v) for v in values]
    leaks = sorted({p for p in fixed.personal for t in texts if p in t})
    assert leaks == []
    assert not [v for v in values if isinstance(v, (dt.date, dt.datetime)) and
                (v.date() if isinstance(v, dt.datetime) else v) in fixed.dobs]
    assert sorted({p for p in fixed.personal for name, text in parts.items() if p in text}) == []


def test_publishable_sheets_carry_the_symbols_note(public):
    wb = load_workbook(public)
    for ws in wb.worksheets:
        assert ws["A2"].value == "Publishable: small numbers suppressed (see the symbols note at the foot)."
        notes = [cell.value for cell in ws["A"] if isinstance(cell.value, str) and cell.value.startswith("Symbols:")]
        assert len(notes) == 1 and notes[0].startswith(SYMBOLS), ws.title
        assert "Counts of 1 to 4 (fewer than five) are not shown" in notes[0]
        assert "INTERNAL" not in " ".join(str(cell.value) for row in ws.iter_rows() for cell in row)


# --- refiling and corrections -----------------------------------------------------------------------

def _snapshot(path: Path) -> dict:
    """Everything a matrix shows, by sheet: lines and blocks."""
    wb = load_workbook(path)
    return {s: (lines(wb[s]), {t: block(wb[s], t) for t in ts}) for s, ts in TITLES.items()}


def test_refiling_changes_nothing_and_a_correction_counts_once(fixed, cli, tmp_path):
    db = tmp_path / "store.sqlite"
    code, out, err = cli("ingest", fixed.forms, "--db", db)
    assert code == 0, err
    assert "Filed 40, unchanged 0, superseded 0, refused 0" in out
    assert cli("matrix", "--term", TERM, "-o", tmp_path / "before.xlsx", "--db", db)[0] == 0
    code, out, err = cli("ingest", fixed.forms, "--db", db)
    assert code == 0, err
    assert "Filed 0, unchanged 40, superseded 0, refused 0" in out
    assert cli("matrix", "--term", TERM, "-o", tmp_path / "after.xlsx", "--db", db)[0] == 0
    assert _snapshot(tmp_path / "after.xlsx") == _snapshot(tmp_path / "before.xlsx")

    # S23 is resent with the same referral number: harmful sexual behaviour, not relationship abuse.
    stem, values, tables = next(r for r in fixed.referrals if r[0] == "S23")
    corrected = dict(values, concern_relationship_abuse=None, concern_hsb=True)
    fixed.filler.save(tmp_path / "corrections" / f"{stem}-corrected.xlsx", corrected, tables)
    code, out, err = cli("ingest", tmp_path / "corrections", "--db", db)
    assert code == 0, err
    assert "Filed 0, unchanged 0, superseded 1, refused 0" in out
    assert cli("matrix", "--term", TERM, "-o", tmp_path / "corrected.xlsx", "--db", db)[0] == 0
    wb = load_workbook(tmp_path / "corrected.xlsx")
    assert lines(wb["Summary"])["Referrals"] == 24
    by = {k: v[0] for k, v in block(wb["Summary"], "Referrals by concern")["rows"].items()}
    assert by == dict(BY_CONCERN, **{"Harmful sexual behaviour": 3, "Relationship/domestic abuse": 0})
    assert block(wb["Schools"], "Referrals by school and concern")["rows"][D] == [0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 2]
    assert block(wb["Trend"], "Referrals and concerns by term")["rows"][TERM][:2] == [24, 17]

    from functools import partial

    from addin.store import load_records

    load_referrals = partial(load_records, form="fap-referral")

    history = load_referrals(str(db), TERM, history=True)
    s23 = history[history["referral_number"] == "FIX-S23"]
    assert sorted(zip(s23["version"], s23["is_current"])) == [(1, False), (2, True)]


# --- bad input through the command line --------------------------------------------------------------

def _one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2, (out, err)
    assert "Traceback" not in err + out
    assert out == ""
    lines_ = err.strip().splitlines()
    assert len(lines_) == 1, err
    return lines_[0]


def test_bad_input_gives_one_clear_line(fixed, cli, tmp_path):
    db = fixed.store
    out = tmp_path / "m.xlsx"
    assert _one_line_error(*cli("matrix", "--term", "autumn-2026", "-o", out, "--db", db)) == (
        "safecontext: 'autumn-2026' is not a term. Write a year and a term, like 2026-autumn, 2027-spring or "
        "2027-summer.")
    assert _one_line_error(*cli("matrix", "--term", "2027-summer", "-o", out, "--db", db)) == (
        "safecontext: no referrals are filed for 2027-summer. File some with 'safecontext ingest', or choose "
        "another --term.")
    nearby = _one_line_error(*cli("matrix", "--term", "2026-summer", "-o", out, "--db", db))
    assert nearby == ("safecontext: no referrals are filed for 2026-summer (among the terms compared, the store "
                      "has 2025-autumn, 2026-spring). File some with 'safecontext ingest', or choose another --term.")
    missing = tmp_path / "nowhere.sqlite"
    assert _one_line_error(*cli("matrix", "--term", TERM, "-o", out, "--db", missing)) == (
        f"safecontext: there is no store at {missing}: nothing has been filed there yet. File forms with "
        "'safecontext ingest', or give the right --db.")
    assert not missing.exists()
    assert _one_line_error(*cli("matrix", "--term", TERM, "-o", tmp_path / "matrix.csv", "--db", db)) == (
        f"safecontext: {tmp_path / 'matrix.csv'}: the file name must end in .xlsx.")
    assert not out.exists() and not (tmp_path / "matrix.csv").exists()


def test_bad_input_in_a_real_process(fixed, sc, tmp_path):
    """The same through the installed program: exit 2, one line on stderr, nothing on stdout."""
    proc = sc("matrix", "--term", "2026-winter", "-o", "m.xlsx", "--db", fixed.store)
    assert _one_line_error(proc.returncode, proc.stdout, proc.stderr) == (
        "safecontext: '2026-winter' is not a term. Write a year and a term, like 2026-autumn, 2027-spring or "
        "2027-summer.")


# --- it opens in LibreOffice ------------------------------------------------------------------------

def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_writer() -> str | None:
    """soffice when LibreOffice Writer is installed too (a .docx needs it; Calc alone cannot convert one)."""
    import os

    found = soffice()
    if found and (shutil.which("lowriter") or (Path(os.path.realpath(found)).parent / "swriter").exists()):
        return found
    return None


def convert_to_pdf(path: Path, outdir: Path) -> subprocess.CompletedProcess:
    """LibreOffice headless with a profile of its own, so parallel or earlier runs do not interfere."""
    profile = outdir / "lo-profile"
    return subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                           "pdf", "--outdir", str(outdir), str(path)], capture_output=True, text=True, timeout=240)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed: cannot check the "
                                              "workbooks open in an office suite")
@pytest.mark.parametrize("which", ["internal", "public"])
def test_workbook_opens_in_libreoffice(which, request, tmp_path):
    path = request.getfixturevalue(which)
    proc = convert_to_pdf(path, tmp_path)
    pdf = tmp_path / (path.stem + ".pdf")
    assert proc.returncode == 0, proc.stderr
    assert "Error" not in proc.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
