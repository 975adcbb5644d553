"""The HSB cohort profile: the 2017 study's Tables 1-4 reproduced from 49 frameworks coded to match it,
every table of a small known set, the latest meeting per case, and no reference or free text where the
publishable numbers go."""
from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest

from addin.catalogue.hsb_framework.profile import COHORTS, build_profile, factor_rows, latest_meetings
from addin.forms import get_form
from test_excel_addin import excel, user_config  # noqa: F401 (fixtures)
from test_store import store  # noqa: F401 (fixture: SQLite and PostgreSQL)

FORM = get_form("hsb-framework")
CONTEXT = {"individual": "Individual", "family": "Family / Home", "peer": "Peer group", "school": "School",
           "neighbourhood": "Neighbourhood"}


def frames(cases: list[dict], factors=(), interventions=(), challenges=()):
    """The store's frames (load_records, load_table_rows) for these meetings: each case dict holds field values;
    the table rows hold record_id plus their columns."""
    records = pd.DataFrame([{f.id: None for f in FORM.fields} | {"record_id": i} | c
                            for i, c in enumerate(cases, start=1)])

    def table(tid, rows):
        columns = ["record_id", "term", "row_number"] + [c.id for c in FORM[tid].columns]
        return pd.DataFrame([{k: None for k in columns} | r for r in rows], columns=columns)

    return records, table("factors", factors), table("interventions", interventions), table("challenges", challenges)


def cohort(sole, group, both) -> dict:
    return {"sole": sole, "group": group, "both": both, "group_any": group + both, "all": sole + group + both}


# --- the study: 49 frameworks, the canonical cohorts of catalogue §4.2 (24 sole, 15 group, 10 both) ---------

SIZES = {"Sole": 24, "Group": 15, "Both": 10}
TABLE1 = {"Site A": 8, "Site B": 14, "Site C": 4, "Site D": 23}
TABLE2 = {"gang_associated": (2, 2, 2), "image_sharing": (3, 2, 4), "online": (4, 4, 3), "party": (3, 3, 1)}
# Table 3 as printed has Group n=14 and Sole n=25; its counts are put inside the canonical cohorts (the
# group column's counts among the 15 group cases, the sole column's among the 24 sole ones).
TABLE3 = {"bullying_others": (0, 7, 5), "bullied": (11, 6, 1), "criminality": (8, 9, 4)}
# Table 4 counts interventions, not frameworks (its footnote 4); they are spread over each cohort's cases.
TABLE4 = {"individual": (46, 28, 21), "family": (23, 18, 9), "peer": (10, 8, 3), "school": (12, 2, 2),
          "neighbourhood": (6, 4, 2)}


def study_profile():
    cases, order = [], list(itertools.chain.from_iterable([k] * n for k, n in SIZES.items()))
    sites = list(itertools.chain.from_iterable([s] * n for s, n in TABLE1.items()))
    for i, (context, site) in enumerate(zip(order, sites)):
        cases.append({"reference": f"HSB-{i + 1:03d}", "site": site, "meeting_date": dt.date(2016, 9, 1) +
                      dt.timedelta(days=i), "offence_context": context, "meeting_type": "Initial"})
    by_cohort = {k: [i for i, c in enumerate(cases) if c["offence_context"] == k] for k in SIZES}
    for table, prefix in ((TABLE2, "incident_"), (TABLE3, "peer_")):
        for key, counts in table.items():
            for k, n in zip(SIZES, counts):
                for i in by_cohort[k][:n]:
                    cases[i][prefix + key] = True
    interventions = []
    for context, counts in TABLE4.items():
        for k, n in zip(SIZES, counts):
            for j in range(n):  # round the cohort's cases: some get more than one in a context
                rid = by_cohort[k][j % len(by_cohort[k])] + 1
                interventions.append({"record_id": rid, "context": CONTEXT[context], "intervention": f"I{j}",
                                      "rag": "Green - progressed"})
    return build_profile(*frames(cases, interventions=interventions), sites=tuple(TABLE1),
                         today=dt.date(2017, 1, 31))


@pytest.fixture(scope="module")
def study():
    return study_profile()


def test_the_study_s_tables_1_to_4(study):
    assert study.sizes == cohort(24, 15, 10)
    assert {s: row["all"] for s, row in study.tables["frameworks_by_site"].items()} == TABLE1
    for key, counts in TABLE2.items():
        assert study.tables["incident_characteristics"][key] == cohort(*counts), key
    for key, counts in TABLE3.items():
        assert study.tables["peer_relationships"][key] == cohort(*counts), key
    for context, counts in TABLE4.items():
        assert study.tables["interventions_by_context"][context] == cohort(*counts), context
    # Table 4's sums: 97, 60 and 37 interventions; 194 in all.
    assert [sum(row[k] for row in study.tables["interventions_by_context"].values())
            for k in ("sole", "group", "both", "all")] == [97, 60, 37, 194]
    # Individuals in every sole case (46 interventions over 24 cases) but schools in 12 of them.
    assert study.tables["frameworks_with_intervention"]["individual"] == cohort(24, 15, 10)
    assert study.tables["frameworks_with_intervention"]["school"] == cohort(12, 2, 2)


# --- a small known set: every cell of every table ---------------------------------------------------------

def small():
    cases = [
        # case A: an initial meeting and a review; only the review counts
        {"reference": "HSB-A", "site": "North", "meeting_date": dt.date(2026, 9, 10), "offence_context": "Sole",
         "hackett_level": "Problematic", "incident_online": True},
        {"reference": "hsb-a ", "site": "North", "meeting_date": dt.date(2026, 11, 5), "offence_context": "Sole",
         "hackett_level": "Abusive", "incident_online": True, "incident_in_school": True, "peer_bullied": True},
        {"reference": "HSB-B", "site": "South", "meeting_date": dt.date(2026, 10, 1), "offence_context": "Group",
         "hackett_level": "Violent", "incident_peer_audience": True, "peer_criminality": True},
        {"reference": "HSB-C", "site": "North", "meeting_date": dt.date(2026, 10, 20), "offence_context": "Both",
         "peer_criminality": True, "peer_bullying_others": True},
        # outside the period
        {"reference": "HSB-D", "site": "South", "meeting_date": dt.date(2026, 6, 1), "offence_context": "Group"},
    ]
    factors = [
        {"record_id": 1, "context": "Individual", "type": "Vulnerability", "factor": "IND-V02 - Learning disabilities"},
        {"record_id": 2, "context": "Individual", "type": "Vulnerability", "factor": "IND-V02 - Learning disabilities"},
        {"record_id": 2, "context": "Individual", "type": "Risk", "factor": "IND-R02 - History of aggressive behavior"},
        {"record_id": 2, "context": "School", "type": "Risk", "factor": "Other", "other": "Rumours in year 9"},
        {"record_id": 3, "context": "Peer group", "type": "Vulnerability", "factor": "PEER-V02 - Gang association"},
        {"record_id": 3, "context": "Peer group", "type": "Resilience",
         "factor": "PEER-S01 - Abusive behaviour challenged by some peers"},
        {"record_id": 4, "context": "Peer group", "type": "Risk",
         "factor": "PEER-R03 - Recruiting others into exploitative situations"},
        {"record_id": 4, "context": "Neighbourhood", "type": "Vulnerability", "factor": "NBH-V02 - Gang association"},
        {"record_id": 5, "context": "Family / Home", "type": "Risk", "factor": "FAM-R01 - Witnessed domestic violence"},
    ]
    interventions = [
        {"record_id": 2, "context": "Individual", "intervention": "AIM3 assessment", "rag": "Green - progressed",
         "review_date": dt.date(2026, 11, 1)},
        {"record_id": 2, "context": "Individual", "intervention": "Keywork", "rag": "Red - not yet actioned",
         "review_date": dt.date(2026, 11, 20)},
        {"record_id": 3, "context": "Peer group", "intervention": "Disrupt association", "rag": "Amber - in progress",
         "review_date": dt.date(2026, 12, 20)},
        {"record_id": 3, "context": "Family / Home", "intervention": "Parenting support", "rag": None},
        {"record_id": 4, "context": "Individual", "intervention": "Healthy relationships", "rag": "Amber - in progress",
         "review_date": dt.date(2026, 10, 30)},
    ]
    challenges = [
        {"record_id": 2, "challenge": "Non-engagement from family"},
        {"record_id": 2, "challenge": "Non-engagement from family"},  # twice in one framework: one framework
        {"record_id": 4, "challenge": "Engagement of peers", "context": "Peer group"},
    ]
    return frames(cases, factors, interventions, challenges)


@pytest.fixture(scope="module")
def known():
    return build_profile(*small(), sites=("North", "South"), start=dt.date(2026, 9, 1), end=dt.date(2026, 12, 31),
                         today=dt.date(2026, 12, 2))


def test_a_case_counts_once_at_its_latest_meeting(known):
    records = small()[0]
    assert list(latest_meetings(records, dt.date(2026, 9, 1), dt.date(2026, 12, 31))["record_id"]) == [2, 3, 4]
    assert list(latest_meetings(records, end=dt.date(2026, 10, 31))["record_id"]) == [1, 3, 4, 5]
    assert list(latest_meetings(records, site="South")["record_id"]) == [3, 5]
    assert (known.meetings, known.cases) == (4, 3)
    assert known.sizes == cohort(1, 1, 1)


def test_every_cell_of_every_table(known):
    t = known.tables
    zero = cohort(0, 0, 0)
    assert t["frameworks_by_site"] == {"North": cohort(1, 0, 1), "South": cohort(0, 1, 0)}
    assert t["incident_characteristics"] == {k: zero for k in t["incident_characteristics"]} | {
        "online": cohort(1, 0, 0), "in_school": cohort(1, 0, 0), "peer_audience": cohort(0, 1, 0)}
    assert list(t["incident_characteristics"])[:4] == ["gang_associated", "image_sharing", "online", "party"]
    assert t["peer_relationships"] == {k: zero for k in t["peer_relationships"]} | {
        "bullied": cohort(1, 0, 0), "criminality": cohort(0, 1, 1), "bullying_others": cohort(0, 0, 1)}
    assert t["interventions_by_context"] == {"individual": cohort(2, 0, 1), "family": cohort(0, 1, 0),
                                             "peer": cohort(0, 1, 0), "school": zero, "neighbourhood": zero}
    assert t["frameworks_with_intervention"] == {"individual": cohort(1, 0, 1), "family": cohort(0, 1, 0),
                                                 "peer": cohort(0, 1, 0), "school": zero, "neighbourhood": zero}
    assert t["factor_types"] == {k: zero for k in t["factor_types"]} | {
        "individual.vulnerability": cohort(1, 0, 0), "individual.risk": cohort(1, 0, 0),
        "school.risk": cohort(1, 0, 0), "peer.vulnerability": cohort(0, 1, 0), "peer.resilience": cohort(0, 1, 0),
        "peer.risk": cohort(0, 0, 1), "neighbourhood.vulnerability": cohort(0, 0, 1)}
    assert len(t["factor_types"]) == 15
    assert t["factors"] == {k: zero for k, _, _, _ in factor_rows()} | {
        "IND-V02": cohort(1, 0, 0), "IND-R02": cohort(1, 0, 0), "SCH-R-OTHER": cohort(1, 0, 0),
        "PEER-V02": cohort(0, 1, 0), "PEER-S01": cohort(0, 1, 0), "PEER-R03": cohort(0, 0, 1),
        "NBH-V02": cohort(0, 0, 1)}  # case A's first meeting and case D are not counted
    assert t["gaps"] == {
        "individual.factors": cohort(1, 0, 0), "individual.interventions": cohort(1, 0, 1),
        "individual.unaddressed": zero,
        "family.factors": zero, "family.interventions": cohort(0, 1, 0), "family.unaddressed": zero,
        "peer.factors": cohort(0, 1, 1), "peer.interventions": cohort(0, 1, 0), "peer.unaddressed": cohort(0, 0, 1),
        "school.factors": cohort(1, 0, 0), "school.interventions": zero, "school.unaddressed": cohort(1, 0, 0),
        "neighbourhood.factors": cohort(0, 0, 1), "neighbourhood.interventions": zero,
        "neighbourhood.unaddressed": cohort(0, 0, 1)}
    assert known.unaddressed == {"Individual": [], "Family / Home": [], "Peer group": ["HSB-C"],
                                 "School": ["HSB-A"], "Neighbourhood": ["HSB-C"]}
    assert t["hackett"] == {"Normal": zero, "Inappropriate": zero, "Problematic": zero, "Abusive": cohort(1, 0, 0),
                            "Violent": cohort(0, 1, 0), "not_recorded": cohort(0, 0, 1)}
    assert t["challenges"] == {k: zero for k in t["challenges"]} | {
        "Non-engagement from family": cohort(1, 0, 0), "Engagement of peers": cohort(0, 0, 1)}
    assert t["rag"] == {k: zero for k in t["rag"]} | {
        "individual.green": cohort(1, 0, 0), "individual.red": cohort(1, 0, 0), "individual.amber": cohort(0, 0, 1),
        "peer.amber": cohort(0, 1, 0), "family.none": cohort(0, 1, 0),
        # the red keywork (review 20/11) and the amber healthy relationships (30/10) are past review on 2/12;
        # the green assessment (1/11) is done
        "overdue_reviews": cohort(1, 0, 1)}
    assert known.overdue == [("HSB-A", "Individual", dt.date(2026, 11, 20)),
                             ("HSB-C", "Individual", dt.date(2026, 10, 30))]  # by reference
    assert set(known.as_json()) == {"cohorts", *t} and known.as_json()["cohorts"] == {"cases": cohort(1, 1, 1)}
    assert all(set(row) == set(COHORTS) for table in t.values() for row in table.values())


# --- publishable numbers -----------------------------------------------------------------------------------

def test_publishable_suppresses_and_links_the_tables(study, known):
    from addin.catalogue.hsb_framework.profile import publishable

    pub = publishable(study, 5)
    assert pub.sizes == cohort(24, 15, 10)
    # Table 4 published: the group and both cells of the smaller contexts hidden in pairs (each row and column
    # with a c has two), "group or both" shown where all - sole gives it anyway.
    t4 = pub.tables["interventions_by_context"]
    assert t4 == {"individual": cohort(46, 28, 21), "family": cohort(23, 18, 9),
                  "peer": {"sole": 10, "group": "c", "both": "c", "group_any": 11, "all": 21},
                  "school": {"sole": 12, "group": "c", "both": "c", "group_any": 4, "all": 16},
                  "neighbourhood": {"sole": 6, "group": "c", "both": "c", "group_any": 6, "all": 12}}
    assert pub.totals["interventions_by_context"] == cohort(97, 60, 37)
    # Table 1: site C's 4 cases (2 sole, 2 group) hidden, with what would give them away.
    assert pub.tables["frameworks_by_site"] == {
        "Site A": {"sole": "c", "group": 0, "both": 0, "group_any": 0, "all": "c"},
        "Site B": {"sole": 14, "group": 0, "both": 0, "group_any": 0, "all": 14},
        "Site C": {"sole": "c", "group": "c", "both": 0, "group_any": "c", "all": "c"},
        "Site D": {"sole": 0, "group": "c", "both": 10, "group_any": "c", "all": "c"}}
    # The small set: three cases, one per cohort, so every cohort size is hidden, and so is every count.
    small_pub = publishable(known, 5)
    assert small_pub.sizes == {k: "c" for k in COHORTS}
    assert all(v in (0, "c") for table in small_pub.tables.values() for row in table.values() for v in row.values())
    # A row that repeats another table's is published alike.
    for context in ("individual", "family", "peer", "school", "neighbourhood"):
        assert pub.tables["gaps"][f"{context}.interventions"] == pub.tables["frameworks_with_intervention"][context]
    # Below the minimum number of cases, only the cohort sizes.
    assert publishable(study, 5, minimum=50).tables == {} and publishable(study, 5, minimum=50).withheld


def test_the_workbooks_and_json(study, known, tmp_path):
    import json

    from openpyxl import load_workbook

    from addin.catalogue.hsb_framework.profile import publishable
    from addin.catalogue.hsb_framework.profile_workbook import write_json, write_profile

    internal = load_workbook(write_profile(known, tmp_path / "internal.xlsx", authority="Ashbridge"))
    assert internal.sheetnames == ["Profile", "Sites", "Incidents", "Peers", "Interventions", "Contexts acted on",
                                   "Factor types", "Factors", "Gaps", "Hackett", "Challenges", "Traffic lights",
                                   "Unaddressed (internal)"]
    ws = internal["Interventions"]
    assert [c.value for c in ws[5]] == ["Interventions", "Sole (n=1)", "Group (n=1)", "Both (n=1)",
                                        "Group or both (n=2)", "All (n=3)"]
    assert [c.value for c in ws[6]] == ["Individual", 2, 0, 1, 1, 3]
    assert [c.value for c in ws[11]] == ["Total", 2, 2, 1, 3, 5]
    assert ws.oddHeader.center.text == "OFFICIAL – SENSITIVE · INTERNAL" and ws["A2"].value.startswith("INTERNAL")
    assert len(ws._charts) == 1
    gaps = internal["Gaps"]
    assert [c.value for c in gaps[14]] == ["Peer group: Frameworks with such factors but no intervention here",
                                           0, 0, 1, 1, 1]
    unaddressed = internal["Unaddressed (internal)"]
    assert [[c.value for c in unaddressed[r]][:2] for r in (8, 9, 10)] == [
        ["Peer group", "HSB-C"], ["School", "HSB-A"], ["Neighbourhood", "HSB-C"]]
    assert [unaddressed.cell(row=r, column=1).value for r in (13, 14)] == ["HSB-A", "HSB-C"]
    assert internal["Factors"]["A6"].value == ("IND-V01 Unsure about their sexual orientation or unable to disclose "
                                               "sexual orientation to their families or peers")

    pub = publishable(study, 5)
    path = write_profile(study, tmp_path / "pub.xlsx", authority="Ashbridge", published=pub, symbols="Symbols: c.")
    wb = load_workbook(path)
    assert "Unaddressed (internal)" not in wb.sheetnames
    ws = wb["Interventions"]
    assert [c.value for c in ws[8]] == ["Peer group", 10, "c", "c", 11, 21]
    assert ws["A2"].value.startswith("Publishable") and ws.oddHeader.center.text == "OFFICIAL – SENSITIVE"
    # No case reference anywhere in the publishable workbook or its JSON.
    cells = [str(c.value) for s in wb for row in s.iter_rows() for c in row if c.value is not None]
    assert not [v for v in cells if "HSB-" in v]
    data = json.loads(write_json(study, tmp_path / "pub.json", pub).read_text())
    assert data["interventions_by_context"]["peer"] == {"sole": 10, "group": "c", "both": "c", "group_any": 11,
                                                        "all": 21}
    assert data["cohorts"] == {"cases": cohort(24, 15, 10)} and "HSB-" not in json.dumps(data)


# --- through the store and the command line ----------------------------------------------------------------

def test_hsb_profile_from_filed_frameworks(fillers, cli, store, config_file, tmp_path):
    """Filed workbooks (an initial meeting and its review, and a second case) give the tables their counts; the
    publishable workbook and JSON hold no reference, person_id or grid text."""
    import json

    from openpyxl import load_workbook

    from hsb_forms import PERSON_ID, valid_hsb_tables, valid_hsb_values

    filler = fillers("hsb-framework")
    paths = [
        filler.save(tmp_path / "f" / "a1.xlsx", valid_hsb_values(), valid_hsb_tables()),
        filler.save(tmp_path / "f" / "a2.xlsx", valid_hsb_values(meeting_type="Review", meeting_date=dt.date(2026, 11, 9),
                                                                 hackett_level="Abusive"), valid_hsb_tables()),
        filler.save(tmp_path / "f" / "b1.xlsx", valid_hsb_values(reference="HSB-0043", offence_context="Sole",
                                                                 incident_peer_audience=None, person_id="CMS-1"),
                    valid_hsb_tables(interventions=[])),
    ]
    code, out, err = cli("ingest", *paths, "--db", store, "--config", config_file)
    assert (code, err) == (0, ""), out
    code, out, err = cli("hsb", "profile", "-o", tmp_path / "p.xlsx", "--json", tmp_path / "p.json",
                         "--from", "01/09/2026", "--to", "2026-12-31", "--db", store, "--config", config_file)
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"Wrote the internal (exact counts, case references) HSB cohort profile of 2 cases "
                                f"(3 meetings in the period) to {tmp_path / 'p.xlsx'} and {tmp_path / 'p.json'}"]
    data = json.loads((tmp_path / "p.json").read_text())
    # Every cell: the group case (its review) and the sole case, as valid_hsb_values/tables fill them.
    g, s, both = cohort(0, 1, 0), cohort(1, 0, 0), cohort(1, 1, 0)
    expected = {t: {r: cohort(0, 0, 0) for r in rows} for t, rows in data.items()} | {"cohorts": {"cases": both}}
    assert list(data["frameworks_by_site"]) == ["Ashbridge North", "Ashbridge South", "Brookfield and Castle", "Riverside"]
    for (t, r), v in {("frameworks_by_site", "Ashbridge North"): both,
                      ("incident_characteristics", "image_sharing"): both,
                      ("incident_characteristics", "in_school"): both, ("incident_characteristics", "peer_audience"): g,
                      ("peer_relationships", "harmful_attitudes"): both,
                      ("interventions_by_context", "individual"): g, ("interventions_by_context", "peer"): g,
                      ("frameworks_with_intervention", "individual"): g, ("frameworks_with_intervention", "peer"): g,
                      ("factor_types", "individual.vulnerability"): both, ("factor_types", "peer.risk"): both,
                      ("factor_types", "school.resilience"): both,
                      ("factors", "IND-V02"): both, ("factors", "PEER-R07"): both, ("factors", "SCH-S03"): both,
                      ("gaps", "individual.factors"): both, ("gaps", "individual.interventions"): g,
                      ("gaps", "individual.unaddressed"): s,  # the sole case: a factor, no intervention
                      ("gaps", "peer.factors"): both, ("gaps", "peer.interventions"): g, ("gaps", "peer.unaddressed"): s,
                      ("hackett", "Abusive"): g, ("hackett", "Problematic"): s,
                      ("challenges", "Non-engagement from family"): both,
                      ("rag", "individual.amber"): g, ("rag", "peer.green"): g}.items():
        expected[t][r] = v
    assert data == expected
    # ... and the workbook's sheets hold the same numbers, cell by cell.
    from addin.catalogue.hsb_framework.profile import COHORTS, TABLES
    from addin.catalogue.hsb_framework.profile_workbook import _SHEETS, row_label

    wb = load_workbook(tmp_path / "p.xlsx")
    for tid, _, _ in TABLES:
        ws = wb[_SHEETS[tid]]
        shown = {ws.cell(row=r, column=1).value: [ws.cell(row=r, column=j).value for j in range(2, 7)]
                 for r in range(6, 6 + len(expected[tid]))}
        assert shown == {row_label(tid, r): [v[k] for k in COHORTS] for r, v in expected[tid].items()}, tid
    profile_sheet = {r[0]: r[1] for r in wb["Profile"].iter_rows(min_row=5, max_col=2, values_only=True)}
    assert profile_sheet["Cases (young people)"] == 2 and profile_sheet["Meetings filed in the period (reviews " \
        "included)"] == 3 and profile_sheet["How cases count"] == ("Each case counts once, at its latest meeting in "
                                                                   "the period (its reviews replace earlier meetings).")
    assert [profile_sheet[f"{k} cases"] for k in ("Sole", "Group", "Both", "Group or both")] == [1, 1, 0, 1]
    assert wb["Unaddressed (internal)"]["B6"].value == "HSB-0043"

    code, out, err = cli("hsb", "profile", "-o", tmp_path / "pub.xlsx", "--json", tmp_path / "pub.json",
                         "--publishable", "--db", store, "--config", config_file)
    assert (code, err) == (0, "")
    texts = [str(c.value) for s in load_workbook(tmp_path / "pub.xlsx") for row in s.iter_rows() for c in row
             if c.value is not None] + [(tmp_path / "pub.json").read_text()]
    for secret in ("HSB-004", PERSON_ID, "CMS-1", "Lives with mother", "Shared images", "Detached youth work at"):
        assert not [t for t in texts if secret in t], secret


def test_hsb_profile_refuses_wrong_input_in_one_line(fillers, cli, store, config_file, tmp_path):
    from hsb_forms import valid_hsb_tables, valid_hsb_values

    path = fillers("hsb-framework").save(tmp_path / "a.xlsx", valid_hsb_values(), valid_hsb_tables())
    assert cli("ingest", path, "--db", store, "--config", config_file)[0] == 0

    def run(*args):
        return cli("hsb", "profile", *args, "--db", store, "--config", config_file)

    assert run("-o", tmp_path / "p.docx") == (2, "", f"safecontext: {tmp_path / 'p.docx'}: the file name must end in "
                                                      ".xlsx.\n")
    assert run("-o", tmp_path / "p.xlsx", "--from", "31/02/2026")[0] == 2
    assert "there is no 31 February 2026" in run("-o", tmp_path / "p.xlsx", "--from", "31/02/2026")[2]
    assert run("-o", tmp_path / "p.xlsx", "--from", "01/12/2026", "--to", "01/09/2026")[2] == (
        "safecontext: --from 01/12/2026 is after --to 01/09/2026; swap them.\n")
    code, out, err = run("-o", tmp_path / "p.xlsx", "--site", "Atlantis")
    assert code == 2 and err.startswith("safecontext: 'Atlantis' is not one of the configured sites: ")
    (tmp_path / "dir.xlsx").mkdir()
    assert run("-o", tmp_path / "dir.xlsx")[2] == (f"safecontext: {tmp_path / 'dir.xlsx'}: is a folder; give the "
                                                    "workbook's file name, e.g. -o hsb-profile.xlsx.\n")
    code, out, err = run("-o", tmp_path / "empty.xlsx", "--from", "01/01/2030")
    assert code == 0 and out.splitlines()[-1].startswith("No filed HSB meeting frameworks are in the period")


def test_hsb_profile_button_and_term(excel, make_form, user_config, cli, tmp_path):  # noqa: F811
    """The HSB profile button asks for the term (empty: every filed meeting) and opens the internal profile; the
    command line's --term counts the same meetings."""
    import addin.excel as sc
    from openpyxl import load_workbook

    from hsb_forms import valid_hsb_tables, valid_hsb_values
    from test_excel_addin import last_alert

    book = excel.open(make_form("hsb-framework", valid_hsb_values(), valid_hsb_tables(), name="initial"))
    assert sc.file_this_form(book).outcome == "filed"
    path = sc.hsb_profile(book, folder=tmp_path / "out", today=dt.date(2026, 12, 3))
    prompt, title, default, kind = excel.prompts[-1]
    assert (title, default) == ("SafeContext", "2026-autumn")
    assert prompt == ("Which term should the HSB cohort profile cover? Type it like 2026-autumn (autumn, spring or "
                      "summer), or leave it empty for every filed meeting.")
    assert path == tmp_path / "out" / "SafeContext HSB profile 2026-autumn (internal).xlsx"
    assert str(excel.books.opened[-1].fullname) == str(path)
    assert load_workbook(path)["Profile"]["B6"].value == 1
    excel.answers = [""]
    assert sc.hsb_profile(book, folder=tmp_path / "out").name == "SafeContext HSB profile all meetings (internal).xlsx"
    excel.answers = ["2027-spring"]
    assert load_workbook(sc.hsb_profile(book, folder=tmp_path / "out"))["Profile"]["B6"].value == 0
    excel.answers = [None]
    assert sc.hsb_profile(book, folder=tmp_path / "out") is None  # cancelled
    excel.answers = ["next term"]
    sc.hsb_profile(book, folder=tmp_path / "out")
    assert last_alert(excel)["prompt"].startswith("'next term' is not a term.")
    code, out, err = cli("hsb", "profile", "-o", tmp_path / "t.xlsx", "--term", "2026-autumn")
    assert (code, err) == (0, "") and "profile of 1 case (1 meeting in the period)" in out
    assert cli("hsb", "profile", "-o", tmp_path / "t.xlsx", "--term", "2026-autumn", "--from", "01/09/2026")[2] == (
        "safecontext: give either --term or --from / --to, not both.\n")


# --- the briefing: safecontext brief --kind hsb ----------------------------------------------------------------

def _docx_text(path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_brief_kind_hsb_from_filed_frameworks(fillers, cli, config_file, tmp_path):
    from hsb_forms import PERSON_ID, valid_hsb_tables, valid_hsb_values

    store = f"sqlite:///{tmp_path / 'store.sqlite'}"
    filler = fillers("hsb-framework")
    # 21 cases (the demo configuration publishes tables from 20): 9 group, 6 sole, 6 both
    paths = [filler.save(tmp_path / "f" / f"{i}.xlsx", valid_hsb_values(
        reference=f"HSB-{i:04d}", offence_context=("Group", "Group", "Group", "Sole", "Sole", "Both", "Both")[i % 7],
        person_id=f"CMS-{i}", incident_peer_audience=i % 7 < 3), valid_hsb_tables()) for i in range(21)]
    assert cli("ingest", *paths, "--db", store, "--config", config_file)[0] == 0
    code, out, err = cli("brief", "--kind", "hsb", "--from", "01/09/2026", "--to", "30/09/2026", "-o",
                         tmp_path / "none.docx", "--db", store, "--config", config_file)
    assert ("Fewer than 20 cases were counted, the fewest whose tables are published, so only the numbers of cases "
            "are published.") in _docx_text(tmp_path / "none.docx")
    assert cli("brief", "--kinds")[1].splitlines() == [
        "fap      FAP termly briefing for the partnership", "hsb      HSB cohort profile briefing",
        "audit    NSPCC HSB audit briefing: the rounds' progress and the action plan"]
    code, out, err = cli("brief", "--kind", "hsb", "--term", "2026-autumn", "-o", tmp_path / "b.docx", "--db", store,
                         "--config", config_file)
    assert (code, err, out) == (0, "", f"Wrote the briefing to {tmp_path / 'b.docx'}\n")
    text = _docx_text(tmp_path / "b.docx")
    messages = [p for p in text.splitlines() if p.endswith(".")][:5]
    assert messages[:3] == [
        "21 young people were discussed at HSB meetings in the period (meetings from 01/09/2026 to 31/12/2026): 6 who "
        "harmed alone, 9 in groups and 6 both.",
        "Peers present as an audience: 60% of the cases that harmed at least in part in groups, against 0% of those "
        "who harmed alone.",
        "Of 42 interventions planned, 21 were with the individual young person and 0 in neighbourhoods (counts of "
        "interventions, not of young people).",
    ]
    assert "Interventions planned, by the context they work in." in text
    for secret in ("HSB-00", PERSON_ID, "CMS-1", "Lives with mother", "Shared images in a group chat"):
        assert secret not in text, secret
    assert cli("brief", "--kind", "hsb", "--variables")[1].splitlines()[3] == \
        "period             The meetings counted, in words ('Meetings from 01/09/2026 to 31/12/2026')"


def test_brief_refuses_what_a_kind_does_not_take(cli, config_file, tmp_path):
    def run(*args):
        return cli("brief", *args, "-o", tmp_path / "b.docx", "--config", config_file)

    assert run("--kind", "hsb", "--compare", "3")[2] == (
        "safecontext: --compare is not used by --kind hsb (it takes --term, --from, --to, --site).\n")
    assert run("--site", "North")[2] == "safecontext: --site is not used by --kind fap (it takes --term, --compare).\n"
    assert run("--kind", "cse")[2] == "safecontext: there is no briefing of kind 'cse'; kinds: fap, hsb, audit.\n"
    assert run("--kind", "audit", "--term", "2026-autumn")[2] == (
        "safecontext: --term is not used by --kind audit (it takes no options).\n")
    assert run("--kind", "hsb", "--term", "2026-autumn", "--to", "01/12/2026")[2] == (
        "safecontext: give either --term or --from / --to, not both.\n")
    bad = tmp_path / "bad.docx"
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ casez }}")
    doc.save(str(bad))
    code, out, err = run("--kind", "hsb", "--template", bad)
    assert code == 2 and err == (f"safecontext: {bad}: the template uses unknown variable(s) casez. 'safecontext "
                                 "brief --kind hsb --variables' lists the ones you can use.\n")
