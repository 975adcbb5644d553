"""Every rule of the Contextual Case Review, one case each, from a valid review."""
from __future__ import annotations

import pytest

from addin.forms import get_form
from addin.validators import all_rules
from case_reviews import FORM, valid_review_tables, valid_review_values
from test_rules_fap import Case, E, Q, _error_value, _formula, assert_case

YP = valid_review_tables()["young_people"]


def _t(tid: str, i: int, **row) -> dict:
    """The valid tables with row i (0-based) of table `tid` changed (a new row when i is past the end)."""
    rows = [dict(r) for r in valid_review_tables()[tid]]
    if i < len(rows):
        rows[i] |= row
    else:
        rows.append(row)
    return {tid: rows}


def _drop(sheet, table):
    return lambda wb: wb[sheet].tables.pop(table)


def _unlisted(table: str, label: str, row: int, column: str, code: str, number: int) -> tuple:
    head = {"code": "Code", "prior_code": "Code (if relevant), prior", "post_code": "Code (if relevant), post"}[column]
    return (f"CCR-{number:03d} {label} row {row}, {head} "
            f"({{{table}_{row}_{column}}}): {code} is not listed in Young people featured (HA01, HA02, HA03); add the "
            "young person there (Stage 1) or correct the code", E, f"{table}_{row}_{column}")


def _family(number: int, grid: str, row: str, label: str, code: str, value: str, prefix: str) -> Case:
    fid = f"{grid}_{row}_code"
    title = "Intervention with contexts" if grid == "context_intervention" else "Outcomes: contexts"
    return Case([(f"CCR-{number:03d} {title}, {label}: Code ({{{fid}}}): {code} is not a {value} context code; give "
                  f"the code from Stage 2, {prefix} and a number ({prefix}1)", E, fid)], values={fid: code})


def _outcome(number: int, key: str, label: str) -> Case:
    fid = f"outcome_{key}_code"
    return Case([(f"CCR-{number:03d} Outcomes: overview, {label}: Code ({{{fid}}}): HA09 is not listed in Young "
                  "people featured; give the codes of the young people it applies to, as listed there (Stage 1)", E,
                  fid)], values={fid: "HA01 HA09"})


def _count(number: int, field: str, label: str, n: int, value: str, codes: str) -> Case:
    used = codes.count(",") + 1
    return Case([(f"CCR-{number:03d} {label} ({{{field}}}): is {n}, but the Stage 2 tables use {used} {value} context "
                  f"code{'s' if used > 1 else ''} ({codes}); check the number, or the codes", Q, field)],
                values={field: n})


CASES: dict[str, Case] = {
    "CCR-001": Case([("CCR-001 Case code ({review_reference}): required, but blank; please fill it in", E,
                      "review_reference")], values={"review_reference": None}),
    "CCR-002": Case([("CCR-002 Year (of incident) ({incident_year}): the cell shows the Excel error #VALUE!; type "
                      "the value in instead", E, "incident_year")], values={"incident_year": None},
                    edit=_error_value("incident_year", "#VALUE!")),
    "CCR-003": Case([("CCR-003 Date the evidence was collected ({review_date}): the formula has no calculated "
                      "value; type the value in, or open and save the file in Excel so it is calculated", E,
                      "review_date")], values={"review_date": None}, edit=_formula("review_date", "=TODAY()")),
    "CCR-004": Case([("CCR-004 Outcomes: individual young people row 2, Safeguarded ({outcomes_2_safeguarded}): "
                      "'maybe' is not one of the choices (Yes, No, Partial); pick one from the drop-down", E,
                      "outcomes_2_safeguarded")], tables=_t("outcomes", 1, safeguarded="maybe")),
    "CCR-005": Case([("CCR-005 Number of schools ({schools}): 'two' is not a number", E, "schools")],
                    values={"schools": "two"}),
    "CCR-006": Case([("CCR-006 Young people featured: characteristics row 1, Age ({characteristics_1_age}): 3 is "
                      "outside the allowed range 5 to 25", E, "characteristics_1_age")],
                    tables=_t("characteristics", 0, age=3)),
    "CCR-007": Case([("CCR-007 Date the evidence was collected ({review_date}): '31/09/2026' is not a date: there "
                      "is no 31 September 2026", E, "review_date")], values={"review_date": "31/09/2026"}),
    "CCR-013": Case([("CCR-013 Outcomes: individual young people: the workbook's table 'outcomes' is missing, so it "
                      "cannot be read. Copy the entries into a blank form made by 'safecontext new'.", E, None)],
                    structure=_drop("Stage 3 Response", "outcomes")),  # and no 'no outcome' query: rows unknown
    "CCR-014": Case([("CCR-014 Escalation (qualitative account) ({escalation}): holds invisible control characters "
                      "(often pasted from another program); delete the entry and type it again", E, "escalation")],
                    values={"escalation": "Bullying_x001B_"}),
    "CCR-015": Case([("CCR-015 Author (role) ({author}): 501 characters is longer than this field takes (500); "
                      "shorten it", E, "author")], values={"author": "a" * 501}),
    "CCR-020": Case([("CCR-020 Young people featured row 4, Code ({young_people_4_code}): 'Jamie' is not a code; "
                      "give the young person's code, the case code and a number (e.g. HA01), never a name", E,
                      "young_people_4_code")], tables=_t("young_people", 3, code="Jamie", other=True)),
    "CCR-021": Case([("CCR-021 Young people featured row 1, Code ({young_people_1_code}): HA01 is listed more than "
                      "once; give each young person one row and tick all their roles there", E, "young_people_1_code"),
                     ("CCR-021 Young people featured row 4, Code ({young_people_4_code}): HA01 is listed more than "
                      "once; give each young person one row and tick all their roles there", E,
                      "young_people_4_code")], tables=_t("young_people", 3, code="ha01 ", witness=True)),
    "CCR-022": Case([("CCR-022 Young people featured row 2, Complainant ({young_people_2_complainant}): no role is "
                      "ticked for HA02; tick Complainant, Suspect, Witness or Other (Leader is ticked as well as a "
                      "role)", Q, "young_people_2_complainant")],
                    tables=_t("young_people", 1, suspect=None, leader=True)),
    "CCR-023": Case([("CCR-023 Young people featured row 3, Code ({young_people_3_code}): HB03 does not begin with "
                      "the case code HA; check the code (or the case code on this sheet)", Q, "young_people_3_code")],
                    tables=_t("young_people", 2, code="HB03") | _t("outcomes", 2, code="HB03")
                    | {"characteristics": [], "missing": [], "overview": [], "engagement": []},
                    values={"homes": None, "schools": None, "neighbourhoods": None}),
    "CCR-024": Case([_unlisted("characteristics", "Young people featured: characteristics", 2, "code", "HA04", 24)],
                    tables=_t("characteristics", 1, code="HA04")),
    "CCR-025": Case([_unlisted("missing", "Missing episodes", 1, "code", "HA09", 25)],
                    tables=_t("missing", 0, code="HA09")),
    "CCR-026": Case([_unlisted("overview", "Overview table", 6, "code", "HA04", 26)],
                    tables=_t("overview", 5, code="HA04", environment="School", context_code="S1")),
    "CCR-027": Case([_unlisted("contexts", "Context tables", 1, "code", "HA10", 27)],
                    tables=_t("contexts", 0, code="HA10")),
    "CCR-028": Case([_unlisted("engagement", "Professional engagement", 3, "code", "HA05", 28)],
                    tables=_t("engagement", 2, code="HA05", agency="Youth service")),
    "CCR-029": Case([_unlisted("interventions", "Intervention with young people", 1, "code", "HA04", 29)],
                    tables=_t("interventions", 0, code="HA04")),
    "CCR-030": Case([("CCR-056 Young people featured row 3, Code ({young_people_3_code}): the Outcomes table for "
                      "individual young people (Stage 3) has no row for HA03; say whether they were safeguarded "
                      "(Yes, No or Partial)", Q, "young_people_3_code"),
                     _unlisted("outcomes", "Outcomes: individual young people", 3, "code", "HA33", 30)],
                    tables=_t("outcomes", 2, code="HA33")),
    "CCR-031": Case([_unlisted("agencies", "Agencies featured", 1, "prior_code", "HA07", 31)],
                    tables=_t("agencies", 0, prior_code="HA07")),
    "CCR-032": Case([_unlisted("agencies", "Agencies featured", 2, "post_code", "HA08", 32)],
                    tables=_t("agencies", 1, post="YOS", post_code="HA08")),
    "CCR-033": Case([("CCR-033 Overview table row 2, Context code ({overview_2_context_code}): 'P1' is not a code "
                      "of the Peer group family; Peer group contexts are coded PG and a number (PG1, PG2), the same "
                      "context keeping its code in every table", E, "overview_2_context_code")],
                    tables=_t("overview", 1, context_code="P1")),
    "CCR-034": Case([("CCR-034 Context tables row 1, Context code ({contexts_1_context_code}): 'H1' is not a code "
                      "of the Peer group family; Peer group contexts are coded PG and a number (PG1, PG2), the same "
                      "context keeping its code in every table", E, "contexts_1_context_code")],
                    tables=_t("contexts", 0, context_code="H1")),
    "CCR-035": _family(35, "context_intervention", "home", "Home (code)", "PG1", "Home", "H"),
    "CCR-036": _family(36, "context_intervention", "peer", "Peer group (code)", "H1", "Peer group", "PG"),
    "CCR-037": _family(37, "context_intervention", "school", "School (code)", "Oakfield", "School", "S"),
    "CCR-038": _family(38, "context_intervention", "neighbourhood", "Neighbourhood (code)", "S2", "Neighbourhood",
                       "N"),
    "CCR-039": _family(39, "outcome_context", "home", "Home (code)", "N1", "Home", "H"),
    "CCR-040": _family(40, "outcome_context", "peer", "Peer group (code)", "PG", "Peer group", "PG"),
    "CCR-041": _family(41, "outcome_context", "school", "School (code)", "H2", "School", "S"),
    "CCR-042": _family(42, "outcome_context", "neighbourhood", "Neighbourhood locality (code)", "HA01",
                       "Neighbourhood", "N"),
    **{f"CCR-{43 + i:03d}": _outcome(43 + i, key, label) for i, (key, label) in enumerate((
        ("investigation", "Investigation"), ("charges", "Charges"), ("convictions", "Convictions"),
        ("relocation", "Relocations (home)"), ("managed_move", "Managed move (school)"),
        ("exclusion", "Exclusion (school)"), ("cp_plan", "Child protection plan"), ("looked_after", "Looked after")))},
    "CCR-051": Case([("CCR-051 Year (of response) ({response_year}): 2014 is before Year (of incident) "
                      "({incident_year}) 2015; correct one of the years", E, "response_year")],
                    values={"response_year": 2014}),
    "CCR-052": _count(52, "homes", "Number of homes", 1, "home", "H1, H2"),
    "CCR-053": _count(53, "peer_groups", "Number of peer groups", 3, "peer group", "PG1"),
    "CCR-054": _count(54, "schools", "Number of schools", 0, "school", "S1"),
    "CCR-055": _count(55, "neighbourhoods", "Number of neighbourhood localities", 2, "neighbourhood", "N1"),
    "CCR-056": Case([("CCR-056 Young people featured row 2, Code ({young_people_2_code}): the Outcomes table for "
                      "individual young people (Stage 3) has no row for HA02; say whether they were safeguarded "
                      "(Yes, No or Partial)", Q, "young_people_2_code")],
                    tables={"outcomes": [r for r in valid_review_tables()["outcomes"] if r["code"] != "HA02"]}),
}


@pytest.fixture(scope="module")
def results(check_batch):
    """Every case checked in one run, as a folder of reviews would be."""
    batch = {code: {"form": FORM, "values": valid_review_values() | case.values,
                    "tables": valid_review_tables() | case.tables, "edit": case.edit, "structure": case.structure}
             for code, case in CASES.items()}
    batch["valid"] = {"form": FORM, "values": valid_review_values(), "tables": valid_review_tables()}
    return check_batch(batch)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule(code, results, cells):
    assert_case(code, CASES[code], results[code], cells(FORM))


def test_every_rule_has_a_case():
    """`safecontext rules case-review` lists exactly the codes tested here."""
    assert sorted(CASES) == sorted(r.code for r in all_rules(get_form(FORM)))


def test_a_complete_review_has_no_problems(results):
    assert [str(p) for p in results["valid"].problems] == [] and results["valid"].status == "valid"
