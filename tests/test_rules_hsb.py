"""Every rule of the contextual HSB meeting framework, one case each, from a valid framework."""
from __future__ import annotations

import datetime as dt

import pytest

from addin.forms import get_form
from addin.validators import all_rules
from hsb_forms import FUTURE, MEETING, valid_hsb_tables, valid_hsb_values
from test_rules_fap import Case, E, Q, _error_value, _formula, assert_case

FORM = "hsb-framework"
ROW = {"context": "Individual", "intervention": "Mentoring", "agency": "YJS", "rag": "Amber - in progress",
       "date_set": MEETING, "review_date": FUTURE, "addresses": "IND-V02"}
PEER_GRID = {f"grid_peer_{c}": None for c in ("hsb", "risk", "actions")}
GAP_TAIL = ("but no intervention in the Interventions table is in that context; plan one, or record why not in "
            "Challenges / barriers to intervention")


def _only(context, kind, factor, elsewhere="Individual"):
    """Tables with one factor and one intervention in another context (the gap)."""
    return {"factors": [{"context": context, "type": kind, "factor": factor}],
            "interventions": [ROW | {"context": elsewhere, "addresses": None}]}


CASES: dict[str, Case] = {
    "HSB-001": Case([("HSB-001 Site ({site}): required, but blank; please fill it in", E, "site")],
                    values={"site": None}),
    "HSB-002": Case([("HSB-002 Age of the young person ({age}): the cell shows the Excel error #VALUE!; type the "
                      "value in instead", E, "age")], values={"age": None}, edit=_error_value("age", "#VALUE!")),
    "HSB-003": Case([("HSB-003 Age of the young person ({age}): the formula has no calculated value; type the value "
                      "in, or open and save the file in Excel so it is calculated", E, "age")],
                    values={"age": None}, edit=_formula("age", "=10+4")),
    "HSB-004": Case([("HSB-004 Group or sole offence ({offence_context}): 'Gang' is not one of the choices (Sole, "
                      "Group, Both); pick one from the drop-down", E, "offence_context")],
                    values={"offence_context": "Gang"}),
    "HSB-005": Case([("HSB-005 Age of the young person ({age}): 'fourteen' is not a number", E, "age")],
                    values={"age": "fourteen"}),
    "HSB-006": Case([("HSB-006 Age of the young person ({age}): 41 is outside the allowed range 5 to 18", E, "age")],
                    values={"age": 41}),
    "HSB-007": Case([("HSB-007 Date of the meeting ({meeting_date}): '5th Oct' is not a date; type it as dd/mm/yyyy",
                      E, "meeting_date")], values={"meeting_date": "5th Oct"}),
    "HSB-013": Case([("HSB-013 Interventions: the workbook's table 'interventions' is missing, so it cannot be read. "
                      "Copy the entries into a blank form made by 'safecontext new'.", E, None)],
                    structure=lambda wb: wb["HSB meeting"].tables.pop("interventions")),  # and no gap: unknown
    "HSB-014": Case([("HSB-014 Contextual table, Peer group(s): Young person's HSB ({grid_peer_hsb}): holds "
                      "invisible control characters (often pasted from another program); delete the entry and "
                      "type it again", E, "grid_peer_hsb")], values={"grid_peer_hsb": "Shared_x0000_ images"}),
    "HSB-015": Case([("HSB-015 Contexts summary ({contexts_summary}): 10,001 characters is longer than this field "
                      "takes (10,000); shorten it", E, "contexts_summary")],
                    values={"contexts_summary": "y" * 10_001}),
    "HSB-020": Case([("HSB-020 Factors row 1, Factor ({factors_1_factor}): PEER-V02 is a Peer group vulnerability "
                      "factor, but this row's context and type are Individual, Risk; pick the factor from the row's "
                      "drop-down, or correct Factors row 1, Context ({factors_1_context}) and Factors row 1, Type "
                      "({factors_1_type})", E, "factors_1_factor")],
                    tables={"factors": [{"context": "Individual", "type": "Risk", "factor": "PEER-V02"}]}),
    "HSB-021": Case([("HSB-021 Factors row 1, Other factor (describe) ({factors_1_other}): is blank, but Factors row "
                      "1, Factor ({factors_1_factor}) is Other; describe the factor", E, "factors_1_other")],
                    tables={"factors": [{"context": "School", "type": "Resilience", "factor": "Other"}]}),
    "HSB-022": Case([("HSB-022 Hackett continuum: the reason for this level ({hackett_rationale}): is blank, but "
                      "Hackett continuum: level of the behaviour ({hackett_level}) is Problematic; explicitly state "
                      "the reason for drawing this conclusion", E, "hackett_rationale")],
                    values={"hackett_rationale": None}),
    "HSB-023": Case([("HSB-023 Interventions row 1, Traffic light ({interventions_1_rag}): is blank; give the "
                      "intervention its traffic light: Red (not yet actioned), Amber (in progress) or Green "
                      "(progressed)", E, "interventions_1_rag")],
                    tables={"interventions": [ROW | {"rag": None}, valid_hsb_tables()["interventions"][1]]}),
    "HSB-024": Case([("HSB-024 Interventions row 2, Review date ({interventions_2_review_date}): is blank; say when "
                      "the intervention will be reviewed", E, "interventions_2_review_date")],
                    tables={"interventions": [ROW, valid_hsb_tables()["interventions"][1] | {"review_date": None}]}),
    "HSB-025": Case([("HSB-025 Interventions row 1, Traffic light ({interventions_1_rag}): is Red: the intervention "
                      "has not yet been actioned; check who will action it and by when", Q, "interventions_1_rag")],
                    tables={"interventions": [ROW | {"rag": "red"}, valid_hsb_tables()["interventions"][1]]}),
    "HSB-026": Case([("HSB-026 Interventions row 1, Review date ({interventions_1_review_date}): 01/11/2026 has "
                      "passed; review the intervention, update its traffic light and set the next review date", Q,
                      "interventions_1_review_date")],
                    tables={"interventions": [ROW | {"review_date": dt.date(2026, 11, 1)},
                                              valid_hsb_tables()["interventions"][1]]}),
    "HSB-027": Case([("HSB-027 Interventions row 1, Addresses (factor codes) ({interventions_1_addresses}): gangs, "
                      "IND-X01 is not a factor code; give the codes of the factors it addresses, e.g. PEER-V02, "
                      "PEER-R03, separated by commas", E, "interventions_1_addresses")],
                    tables={"interventions": [ROW | {"addresses": "IND-V02, gangs; IND-X01"},
                                              valid_hsb_tables()["interventions"][1]]}),
    "HSB-028": Case([("HSB-028 Reference number ({reference}): does not match the case-code pattern "
                      "[A-Z]{{2,5}}-[0-9]{{3,6}} (the setting hsb_reference_pattern); use the case code the lead "
                      "professional gave, never a name", E, "reference")], values={"reference": "Jo Smith"}),
    "HSB-029": Case([("HSB-029 Group or sole offence ({offence_context}): is Both, but the Peer group(s) row of the "
                      "contextual table is empty; record what is known about the peer group", Q, "offence_context")],
                    values={"offence_context": "Both", **PEER_GRID}),
    "HSB-030": Case([("HSB-030 Contextual table, Individual young person's characteristics: Planned actions / "
                      "interventions ({grid_individual_actions}): the Factors table has 1 vulnerability or risk "
                      f"factor(s) in the Individual context (IND-R04), {GAP_TAIL}", Q, "grid_individual_actions")],
                    tables=_only("Individual", "Risk", "IND-R04", elsewhere="School")),
    "HSB-031": Case([("HSB-031 Contextual table, Family / Home(s) characteristics: Planned actions / interventions "
                      "({grid_family_actions}): the Factors table has 1 vulnerability or risk factor(s) in the Family "
                      f"/ Home context (FAM-R01), {GAP_TAIL}", Q, "grid_family_actions")],
                    tables=_only("Family / Home", "Risk", "FAM-R01")),
    "HSB-032": Case([("HSB-032 Contextual table, Peer group(s): Planned actions / interventions ({grid_peer_actions}): "
                      "the Factors table has 2 vulnerability or risk factor(s) in the Peer group context (PEER-V02, "
                      f"Other), {GAP_TAIL}", Q, "grid_peer_actions")],
                    tables={"factors": [{"context": "Peer group", "type": "Vulnerability", "factor": "PEER-V02"},
                                        {"context": "Peer group", "type": "Resilience", "factor": "PEER-S01"},
                                        {"context": "Peer group", "type": "Risk", "factor": "Other",
                                         "other": "Older peers recruit"}],
                            "interventions": [ROW | {"addresses": None}]}),
    "HSB-033": Case([("HSB-033 Contextual table, School(s): Planned actions / interventions ({grid_school_actions}): "
                      "the Factors table has 1 vulnerability or risk factor(s) in the School context (SCH-V05), "
                      f"{GAP_TAIL}", Q, "grid_school_actions")],
                    tables=_only("School", "Vulnerability", "SCH-V05")),
    "HSB-034": Case([("HSB-034 Contextual table, Neighbourhood spaces (specify): Planned actions / interventions "
                      "({grid_neighbourhood_actions}): the Factors table has 1 vulnerability or risk factor(s) in the "
                      f"Neighbourhood context (NBH-V02), {GAP_TAIL}", Q, "grid_neighbourhood_actions")],
                    tables=_only("Neighbourhood", "Vulnerability", "NBH-V02")),
}


@pytest.fixture(scope="module")
def results(check_batch):
    """Every case checked in one run, as a folder of forms would be."""
    return check_batch({code: {"form": FORM, "values": valid_hsb_values() | case.values,
                               "tables": valid_hsb_tables() | case.tables, "edit": case.edit,
                               "structure": case.structure} for code, case in CASES.items()})


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule(code, results, cells):
    assert_case(code, CASES[code], results[code], cells(FORM))


def test_every_rule_has_a_case():
    """`safecontext rules hsb-framework` lists exactly the codes tested here."""
    assert sorted(CASES) == sorted(r.code for r in all_rules(get_form(FORM)))


def test_the_valid_framework_has_no_problem(check_batch):
    (res,) = check_batch({"ok": {"form": FORM, "values": valid_hsb_values(), "tables": valid_hsb_tables()}}).values()
    assert [str(p) for p in res.problems] == []
    assert res.tables["factors"][1]["factor"] == ("PEER-R07 - Evidence of sexual bullying and/or distributing "
                                                   "sexually inappropriate images")  # from the code alone


def test_a_gap_names_its_cell_on_the_contextual_table_sheet(results):
    (p,) = [p for p in results["HSB-032"].problems]
    assert (p.sheet, p.field, p.also) == ("Contextual table", "grid_peer_actions", ("E8", "F8"))


def test_the_reference_pattern_is_the_configured_one(fillers, tmp_path):
    from dataclasses import replace

    from addin.checks.run import check_files
    from addin.config import demo_config

    path = fillers(FORM).save(tmp_path / "f.xlsx", valid_hsb_values(reference="Case 17/2026"), valid_hsb_tables())
    (res,) = check_files([path], replace(demo_config(), hsb_reference_pattern=r"Case \d+/\d{4}"))
    assert [str(p) for p in res.problems] == []
