"""Every rule of the Peer Group Information Capture form, one case each, from a valid form."""
from __future__ import annotations

import pytest

from addin.forms import get_form
from addin.validators import all_rules
from conftest import resave, valid_pgi_tables, valid_pgi_values
from test_rules_fap import Case, E, Q, _error_value, _formula, assert_case

FORM = "pgi"
AWARE = "Are you (the information provider) aware of any peer relationships of the young person concerned?"

CASES: dict[str, Case] = {
    "PGI-001": Case([("PGI-001 Information requester: name ({requester_name}): required, but blank; "
                      "please fill it in", E, "requester_name")],
                    values={"requester_name": "   "}),
    "PGI-002": Case([("PGI-002 Date returned ({date_returned}): the cell shows the Excel error #VALUE!; "
                      "type the value in instead", E, "date_returned")],
                    values={"date_returned": None}, edit=_error_value("date_returned", "#VALUE!")),
    "PGI-003": Case([("PGI-003 Date returned ({date_returned}): the formula has no calculated value; type the "
                      "value in, or open and save the file in Excel so it is calculated", E, "date_returned")],
                    values={"date_returned": None}, edit=_formula("date_returned", "=TODAY()")),
    "PGI-004": Case([("PGI-004 Information requester: agency ({requester_agency}): 'Police' is not one of the "
                      "choices (Youth offending team, Children's social care, CSE service, Other); pick one from "
                      "the drop-down", E, "requester_agency")],
                    values={"requester_agency": "Police"}),
    "PGI-007": Case([("PGI-007 Date requested ({date_requested}): '6th Jan' is not a date; type it as dd/mm/yyyy",
                      E, "date_requested")],
                    values={"date_requested": "6th Jan"}),
    "PGI-013": Case([("PGI-013 Peers: the workbook's table 'peers' is missing, so it cannot be read. Copy the "
                      "entries into a blank form made by 'safecontext new'.", E, None)],
                    structure=lambda wb: wb["PGI"].tables.pop("peers")),  # and no PGI-021: peers unknown
    "PGI-014": Case([("PGI-014 Information provider: name ({provider_name}): holds invisible control characters "
                      "(often pasted from another program); delete the entry and type it again", E, "provider_name")],
                    values={"provider_name": "Pat_x0000_ Provider"}),
    "PGI-015": Case([("PGI-015 Peer relationships: details ({peer_network_details}): 10,001 characters is longer than "
                      "this field takes (10,000); shorten it", E, "peer_network_details")],
                    values={"peer_network_details": "y" * 10_001}),
    "PGI-020": Case([(f"PGI-020 {AWARE} ({{aware_of_peers}}): is No, so the rest of the form must be empty, but "
                      "these are filled: {peer_network}, {peer_network_details}, {positive_influence}, "
                      "{negative_influence}, 2 peer name(s); answer Yes or clear them", E, "aware_of_peers")],
                    values={"aware_of_peers": "No"}),
    "PGI-021": Case([(f"PGI-021 {AWARE} ({{aware_of_peers}}): is Yes, but no peers are named in the Peers table; "
                      "name the young people this young person spends time with", Q, "aware_of_peers")],
                    tables={"peers": []}),
}


@pytest.fixture
def run_case(make_form, check, tmp_path):
    def run(case: Case):
        path = make_form(FORM, valid_pgi_values() | case.values, valid_pgi_tables() | case.tables, edit=case.edit)
        if case.structure:
            path = resave(path, tmp_path / "changed.xlsx", case.structure)
        return check(path)
    return run


@pytest.fixture(scope="module")
def results(check_batch):
    """Every case checked in one run, as a folder of forms would be."""
    return check_batch({code: {"form": FORM, "values": valid_pgi_values() | case.values,
                               "tables": valid_pgi_tables() | case.tables, "edit": case.edit,
                               "structure": case.structure} for code, case in CASES.items()})


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule(code, results, cells):
    assert_case(code, CASES[code], results[code], cells(FORM))


def test_every_rule_has_a_case():
    """`safecontext rules pgi` lists exactly the codes tested here, and no check PGI cannot break."""
    assert sorted(CASES) == sorted(r.code for r in all_rules(get_form(FORM)))


def test_not_aware_of_peers_and_nothing_else_filled_is_valid(run_case):
    values = {k: None for k in ("peer_network", "peer_network_details", "positive_influence", "negative_influence")}
    result = run_case(Case([], values={"aware_of_peers": "No", **values}, tables={"peers": []}))
    assert result.problems == []
    assert result.values["aware_of_peers"] is False


def test_not_aware_of_peers_with_one_answer_filled(run_case, cells):
    values = {k: None for k in ("peer_network", "peer_network_details", "positive_influence")}
    result = run_case(Case([], values={"aware_of_peers": "n", **values, "negative_influence": "Some."},
                           tables={"peers": []}))
    assert [(str(p), p.cell) for p in result.problems] == [(
        f"PGI-020 {AWARE} ({{aware_of_peers}}): is No, so the rest of the form must be empty, but these are "
        "filled: {negative_influence}; answer Yes or clear them".format(**cells(FORM)), cells(FORM)["aware_of_peers"])]


def test_not_aware_of_peers_but_peers_named(run_case, cells):
    values = {k: None for k in ("peer_network", "peer_network_details", "positive_influence", "negative_influence")}
    result = run_case(Case([], values={"aware_of_peers": "No", **values},
                           tables={"peers": [{"name": "Alex Friend"}]}))
    assert [str(p) for p in result.problems] == [
        f"PGI-020 {AWARE} ({{aware_of_peers}}): is No, so the rest of the form must be empty, but these are "
        "filled: 1 peer name(s); answer Yes or clear them".format(**cells(FORM))]


def test_peer_without_a_name_is_pgi_001(run_case, cells):
    result = run_case(Case([], tables={"peers": [{"name": "Alex Friend"}, {"setting": "youth club"}]}))
    assert [(str(p), p.field) for p in result.problems] == [(
        "PGI-001 Peers row 2, Name ({peers_2_name}): required, but blank; please fill it in".format(**cells(FORM)),
        "peers.name")]


def test_defined_name_broken_is_pgi_013(run_case):
    def break_name(wb):
        wb.defined_names["provider_name"].attr_text = "#REF!"

    result = run_case(Case([], structure=break_name))
    assert [(str(p), p.cell, p.field) for p in result.problems] == [(
        "PGI-013 Information provider: name: the workbook's name 'provider_name' for this field is broken "
        "(#REF!), so it cannot be read. Copy the entries into a blank form made by 'safecontext new'.",
        None, "provider_name")]
