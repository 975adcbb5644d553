"""Every rule of the NSPCC HSB framework audit, one case each, from a valid audit."""
from __future__ import annotations

import datetime as dt

import pytest

from addin.catalogue.hsb_audit.declaration import SCORES, scored
from addin.catalogue.hsb_audit.scores import tables_for
from addin.forms import get_form
from addin.validators import all_rules
from test_rules_fap import Case, E, Q, _error_value, _formula, assert_case

FORM = "hsb-audit"
VALUES = {"agency": "Ashbridge Police", "round": "T1", "round_date": dt.date(2026, 10, 5),
          "completed_by_role": "Detective Inspector, safeguarding"}
SCORED = {k: i % 5 for i, k in enumerate(scored())}
EVIDENCE = {k: f"Evidence for {k}" for k in scored()}
KEY = ", ".join(SCORES)


def valid_audit_tables(scores=None, evidence=None) -> dict:
    """Every statement scored with its evidence: no problem at all."""
    return tables_for(SCORED if scores is None else scores, EVIDENCE if evidence is None else evidence)


def _with(domain: int, index: int, **row) -> dict:
    """The valid tables with one row (0-based within the domain, stems counted) changed."""
    tables = valid_audit_tables()
    tables[f"domain_{domain}"][index] = tables[f"domain_{domain}"][index] | row
    return tables


def _drop(sheet, table):
    return lambda wb: wb[sheet].tables.pop(table)


def _without(number: str) -> dict:
    return valid_audit_tables(scores={k: v for k, v in SCORED.items() if k != number})


def _unscored(n: int, short: str, count: int, numbers: str) -> str:
    verb = "is" if numbers.count(",") == 0 else "are"
    return (f"AUD-0{24 + n} Domain {n}: comments ({{comments_{n}}}): {numbers.count(',') + 1} of the {count} "
            f"statements of Domain {n} ({short}) {verb} not scored: {numbers}; score each 0-4, or say here why not")


def _no_evidence(n: int, short: str, row: int, number: str, score: int) -> str:
    return (f"AUD-0{19 + n} Domain {n}: {short} row {row}, Evidence supporting this score "
            f"({{domain_{n}_{row}_evidence}}): is blank, but statement {number} is scored {score}; give the evidence "
            "that underpins the score (the framework asks for evidence behind every score)")


CASES: dict[str, Case] = {
    "AUD-001": Case([("AUD-001 Agency ({agency}): required, but blank; please fill it in", E, "agency")],
                    values={"agency": None}),
    "AUD-002": Case([("AUD-002 Date of this round ({round_date}): the cell shows the Excel error #VALUE!; type the "
                      "value in instead", E, "round_date")], values={"round_date": None},
                    edit=_error_value("round_date", "#VALUE!")),
    "AUD-003": Case([("AUD-003 Date of this round ({round_date}): the formula has no calculated value; type the "
                      "value in, or open and save the file in Excel so it is calculated", E, "round_date")],
                    values={"round_date": None}, edit=_formula("round_date", "=DATE(2026,10,5)")),
    # A score outside 0-4: the score is one of the key's five, so it is the generic choice check.
    "AUD-004": Case([(f"AUD-004 Domain 1: Responses row 3, Score ({{domain_1_3_score}}): '5' is not one of the "
                      f"choices ({KEY}); pick one from the drop-down", E, "domain_1_3_score"),
                     (_unscored(1, "Responses", 10, "1.3"), Q, "comments_1")],
                    tables=_with(1, 2, score=5)),
    "AUD-007": Case([("AUD-007 Date of this round ({round_date}): '5th Oct' is not a date; type it as dd/mm/yyyy", E,
                      "round_date")], values={"round_date": "5th Oct"}),
    "AUD-013": Case([("AUD-013 Domain 2: Prevention: the workbook's table 'domain_2' is missing, so it cannot be "
                      "read. Copy the entries into a blank form made by 'safecontext new'.", E, None)],
                    structure=_drop("Audit", "domain_2")),  # and no 'not scored' query: its rows are unknown
    "AUD-014": Case([("AUD-014 Domain 3: Assessment row 2, Evidence supporting this score ({domain_3_2_evidence}): "
                      "holds invisible control characters (often pasted from another program); delete the entry "
                      "and type it again", E, "domain_3_2_evidence")], tables=_with(3, 1, evidence="Audit_x0007_")),
    "AUD-015": Case([("AUD-015 Domain 4: Interventions row 5, Assurance systems in place locally for QA/evidencing "
                      "this statement ({domain_4_5_assurance}): 10,001 characters is longer than this field takes "
                      "(10,000); shorten it", E, "domain_4_5_assurance")], tables=_with(4, 4, assurance="y" * 10_001)),
    "AUD-020": Case([(_no_evidence(1, "Responses", 1, "1.1", 0), Q, "domain_1_1_evidence")],
                    tables=_with(1, 0, evidence=None)),
    "AUD-021": Case([(_no_evidence(2, "Prevention", 7, "2.4", 0), Q, "domain_2_7_evidence")],
                    tables=_with(2, 6, evidence=" ")),
    "AUD-022": Case([(_no_evidence(3, "Assessment", 8, "3.8", 2), Q, "domain_3_8_evidence")],
                    tables=_with(3, 7, evidence=None)),
    "AUD-023": Case([(_no_evidence(4, "Interventions", 2, "4.1a", 3), Q, "domain_4_2_evidence")],
                    tables=_with(4, 1, evidence=None)),
    "AUD-024": Case([(_no_evidence(5, "Development", 3, "5.3", 0), Q, "domain_5_3_evidence")],
                    tables=_with(5, 2, evidence=None)),
    "AUD-025": Case([(_unscored(1, "Responses", 10, "1.6b"), Q, "comments_1")], tables=_without("1.6b")),
    "AUD-026": Case([(_unscored(2, "Prevention", 10, "2.1a, 2.2, 2.8"), Q, "comments_2")],
                    tables=valid_audit_tables(scores={k: v for k, v in SCORED.items()
                                                      if k not in ("2.1a", "2.2", "2.8")})),
    "AUD-027": Case([(_unscored(3, "Assessment", 8, "3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 3.7, 3.8"), Q, "comments_3")],
                    tables=valid_audit_tables(scores={k: v for k, v in SCORED.items() if not k.startswith("3.")})),
    "AUD-028": Case([(_unscored(4, "Interventions", 10, "4.8"), Q, "comments_4")], tables=_without("4.8")),
    "AUD-029": Case([(_unscored(5, "Development", 8, "5.5"), Q, "comments_5")], tables=_without("5.5")),
    # A stem (its cells are locked, but a copy may be pasted over them) ...
    "AUD-030": Case([("AUD-030 Domain 1: Responses row 6, Score ({domain_1_6_score}): is 2, but 1.6 introduces 1.6a, "
                      "1.6b, 1.6c and is not scored itself; clear it and score 1.6a, 1.6b, 1.6c", E,
                      "domain_1_6_score")], tables=_with(1, 5, score=SCORES[2])),
    "AUD-031": Case([("AUD-031 Domain 2: Prevention row 1, Score ({domain_2_1_score}): is 4, but 2.1 introduces 2.1a, "
                      "2.1b, 2.1c and is not scored itself; clear it and score 2.1a, 2.1b, 2.1c", E,
                      "domain_2_1_score")], tables=_with(2, 0, score="4", evidence="Prevention strategy")),
    # ... or a statement's number changed: its score belongs to nothing, and the statement is unscored.
    "AUD-032": Case([("AUD-032 Domain 3: Assessment row 4, Score ({domain_3_4_score}): is 3, but Domain 3: Assessment "
                      "row 4, Statement ({domain_3_4_statement}) is blank; put the statement's number back, or copy "
                      "the scores into a blank audit ('safecontext new hsb-audit')",
                      E, "domain_3_4_score"),
                     (_unscored(3, "Assessment", 8, "3.4"), Q, "comments_3")], tables=_with(3, 3, statement=None)),
    "AUD-033": Case([("AUD-033 Domain 4: Interventions row 1, Score ({domain_4_1_score}): is 0, but 4.1 introduces "
                      "4.1a, 4.1b, 4.1c and is not scored itself; clear it and score 4.1a, 4.1b, 4.1c", E,
                      "domain_4_1_score")], tables=_with(4, 0, score=0, evidence="Intervention audit")),
    "AUD-034": Case([("AUD-034 Domain 5: Development row 1, Score ({domain_5_1_score}): is 3, but Domain 5: "
                      "Development row 1, Statement ({domain_5_1_statement}) '5.9' is not a statement of Domain 5; "
                      "put the statement's number back, or copy the scores into a blank audit ('safecontext new "
                      "hsb-audit')", E, "domain_5_1_score"),
                     (_unscored(5, "Development", 8, "5.1"), Q, "comments_5")], tables=_with(5, 0, statement="5.9")),
}


@pytest.fixture(scope="module")
def results(check_batch):
    """Every case checked in one run, as a folder of audits would be."""
    batch = {code: {"form": FORM, "values": VALUES | case.values, "tables": case.tables or valid_audit_tables(),
                    "edit": case.edit, "structure": case.structure} for code, case in CASES.items()}
    batch["valid"] = {"form": FORM, "values": VALUES, "tables": valid_audit_tables()}
    return check_batch(batch)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule(code, results, cells):
    assert_case(code, CASES[code], results[code], cells(FORM))


def test_every_rule_has_a_case():
    """`safecontext rules hsb-audit` lists exactly the codes tested here."""
    assert sorted(CASES) == sorted(r.code for r in all_rules(get_form(FORM)))


def test_a_complete_audit_has_no_problems(results):
    assert [str(p) for p in results["valid"].problems] == [] and results["valid"].status == "valid"


def test_a_blank_audit_asks_for_its_header_and_lists_the_unscored_statements_once_per_domain(make_form, check):
    result = check(make_form(FORM))
    assert [(p.code, p.cell) for p in result.problems] == [
        ("AUD-001", "C7"), ("AUD-001", "C8"), ("AUD-001", "C9"), ("AUD-025", "C26"), ("AUD-026", "C42"),
        ("AUD-027", "C55"), ("AUD-028", "C71"), ("AUD-029", "C84")]
    assert str(result.problems[-1]) == ("AUD-029 Domain 5: comments (C84): 8 of the 8 statements of Domain 5 "
                                        "(Development) are not scored: 5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7, 5.8; score "
                                        "each 0-4, or say here why not")
