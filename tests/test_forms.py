"""Form declarations, blank workbooks and the round trip: fill by field id, read back typed values."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.forms import form_ids, get_form
from addin.forms.blank import MARKER_SHEET, build, choices_of, write_blank
from addin.validators.common import with_check_letter
from conftest import valid_fap_tables, valid_fap_values, valid_pgi_tables, valid_pgi_values

ROOT = Path(__file__).resolve().parents[1]
POSTCODES = ("SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "W1A 0AX", "LS1 4AP")


def sample(f, i: int, config):
    """(what a person types, the typed value SafeContext should read) for field `f`; i makes it unique."""
    kind = f.type
    if kind in ("text", "longtext"):
        s = f"{f.id} {i}" + (" line one\nline two" if kind == "longtext" else "")
        return s, s
    if kind in ("yesno", "tick"):
        return ("Yes", True) if i % 2 == 0 else ("No", False)
    if kind == "choice":
        choices = choices_of(f, config)
        c = choices[i % len(choices)]
        return c, c
    if kind == "date":
        d = dt.date(2020, 1, 1) + dt.timedelta(days=i)
        return d, d
    if kind == "integer":
        lo, hi = int(f.min if f.min is not None else 0), int(f.max if f.max is not None else 1000)
        n = lo + i % (hi - lo + 1)
        return n, n
    if kind == "number":
        lo, hi = (f.min if f.min is not None else 0), (f.max if f.max is not None else 1000)
        x = lo + (i % int(hi - lo)) + 0.5
        return x, x
    if kind == "percent":
        x = float(i % 100) + 0.25
        return x, x
    if kind == "email":
        return f"person.{i}@example.org", f"person.{i}@example.org"
    if kind == "phone":
        return f"01632 96{i:04d}", f"01632 96{i:04d}"
    if kind == "postcode":
        p = POSTCODES[i % len(POSTCODES)]
        return p.lower(), p
    if kind == "upn":
        u = with_check_letter(f"99912342{i:04d}")
        return u, u
    raise AssertionError(f"no sample value for field type {kind!r}: add one here")


def full_form(form, config):
    """Written values, tables and the expected typed values: every field and every table cell filled."""
    values, typed, tables, typed_tables = {}, {}, {}, {}
    i = 0
    for f in form.fields:
        values[f.id], typed[f.id] = sample(f, i, config)
        i += 1
    for t in form.tables:
        rows, trows = [], []
        for n in range(1, max(t.rows, len(t.preset)) + 1):
            row, trow = {}, {"_row": n}
            for c in t.columns:
                row[c.id], trow[c.id] = sample(c, i, config)
                i += 1
            rows.append(row)
            trows.append(trow)
        tables[t.id], typed_tables[t.id] = rows, trows
    return values, typed, tables, typed_tables


@pytest.mark.parametrize("form_id", form_ids())
def test_every_field_and_table_cell_round_trips(form_id, make_form, check, config):
    form = get_form(form_id)
    values, typed, tables, typed_tables = full_form(form, config)
    result = check(make_form(form_id, values, tables))
    assert result.read_error is None
    assert result.values == typed
    assert result.tables == typed_tables
    # Nothing was misread: any problem left is a cross-field rule about the made-up combination.
    assert [str(p) for p in result.problems if int(p.code.split("-")[1]) < 20] == []


@pytest.mark.parametrize("form_id", form_ids())
def test_every_field_has_a_defined_name_on_its_input_cell(form_id, config, tmp_path):
    form = get_form(form_id)
    wb, layout = build(form, config)
    assert set(layout.cells) == {f.id for f in form.fields}
    for f in form.fields:
        sheet = layout.sheets.get(f.id, form.sheet)  # a section may sit on a sheet of its own (a grid)
        column, row = re.match(r"([A-Z]+)(\d+)$", layout.cells[f.id]).groups()
        assert wb.defined_names[f.id].attr_text == f"'{sheet}'!${column}${row}"
        cell = wb[sheet][layout.cells[f.id]]
        assert cell.protection.locked is False
    tables = {name: (ws, ws.tables[name]) for ws in wb.worksheets for name in ws.tables}
    assert sorted(tables) == sorted(t.id for t in form.tables)
    for t in form.tables:
        header_row, first_col = layout.tables[t.id]
        ws, table = tables[t.id]
        assert ws.title == layout.sheets[t.id]  # a stage of a form may sit on a sheet of its own
        headers = [ws.cell(row=header_row, column=first_col + j).value for j in range(len(t.columns))]
        assert headers == [c.label + (" *" if c.required else "") for c in t.columns]
        assert [c.name for c in table.tableColumns] == headers
        presets = [tuple(ws.cell(row=header_row + 1 + k, column=first_col + j).value
                         for j in range(len(t.fixed(k)))) for k in range(len(t.preset))]
        assert presets == [t.fixed(k) for k in range(len(t.preset))]


@pytest.mark.parametrize("form_id", form_ids())
def test_blank_form_carries_its_marker(form_id, config, tmp_path):
    form = get_form(form_id)
    path = write_blank(form, tmp_path / "blank.xlsx", config)
    wb = load_workbook(path)
    marker = wb[MARKER_SHEET]
    assert marker.sheet_state == "veryHidden"
    assert (marker["B1"].value, marker["B2"].value) == (form_id, form.version)
    assert wb["Lists"].sheet_state == "hidden"
    assert wb.sheetnames[0] == form.sheet


def test_blank_fap_asks_for_exactly_the_required_fields(make_form, check):
    form = get_form("fap-referral")
    result = check(make_form("fap-referral"))
    required = {f.id for f in form.fields if f.required}
    assert {p.field for p in result.problems if p.code == "FAP-001"} == required
    assert [str(p) for p in result.problems if p.code != "FAP-001"] == [
        "FAP-028 Ward where the child lives (C19): is blank and so is Child's home postcode (C18); "
        "give one so the referral can be counted by ward"]
    upn = next(p for p in result.problems if p.field == "upn")
    assert str(upn) == "FAP-001 UPN (C11): required, but blank; please fill it in"
    assert (upn.sheet, upn.cell, upn.severity) == ("Referral", "C11", "error")


def test_blank_pgi_asks_for_exactly_the_required_fields(make_form, check):
    result = check(make_form("pgi"))
    assert [str(p) for p in result.problems] == [
        "PGI-001 Request reference (C7): required, but blank; please fill it in",
        "PGI-001 Information requester: name (C8): required, but blank; please fill it in",
        "PGI-001 Information requester: agency (C9): required, but blank; please fill it in",
        "PGI-001 Information provider: name (C10): required, but blank; please fill it in",
        "PGI-001 Information provider: agency (C11): required, but blank; please fill it in",
        "PGI-001 Name of young person concerned (C12): required, but blank; please fill it in",
        "PGI-001 Type of assessment being conducted by requesting organisation (C13): required, but blank; "
        "please fill it in",
        "PGI-001 Are you (the information provider) aware of any peer relationships of the young person "
        "concerned? (C19): required, but blank; please fill it in",
    ]


def test_valid_fap_has_no_problems(make_form, check):
    result = check(make_form("fap-referral", valid_fap_values(), valid_fap_tables()))
    assert [str(p) for p in result.problems] == []
    assert result.status == "valid"
    assert result.values["upn"] == with_check_letter("999123420001")
    assert result.tables["exclusions"] == [{"_row": 1, "date_from": dt.date(2025, 2, 3),
                                            "date_to": dt.date(2025, 2, 5), "days": 3.0, "reason": "Fighting"}]


def test_valid_pgi_has_no_problems(make_form, check):
    result = check(make_form("pgi", valid_pgi_values(), valid_pgi_tables()))
    assert [str(p) for p in result.problems] == []
    assert result.status == "valid"


def test_preset_rows_without_entries_are_not_rows(make_form, check):
    """The agency names printed in the blank form are not data until something is entered beside them."""
    tables = {"other_agencies": [{}, {"status": "Current", "contact_name": "PC Smith"}]}
    result = check(make_form("fap-referral", valid_fap_values(), tables))
    assert result.tables["other_agencies"] == [
        {"_row": 2, "agency": "Police", "status": "Current", "contact_name": "PC Smith", "email": None}]


# --- the committed blank workbooks are what the generator makes now -------------------------------

def _content(path: Path) -> dict:
    wb = load_workbook(path)
    out = {"sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
           "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [[c.value for c in row] for row in ws.iter_rows()],
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "tables": sorted((t.displayName, t.ref, tuple(c.name for c in t.tableColumns)) for t in ws.tables.values()),
            "validations": sorted((dv.type or "", dv.formula1 or "", dv.formula2 or "", str(dv.sqref))
                                  for dv in ws.data_validations.dataValidation),
            "protected": ws.protection.sheet,
            "unlocked": sorted(c.coordinate for row in ws.iter_rows() for c in row if c.protection.locked is False),
        }
    return out


@pytest.mark.parametrize("form_id", form_ids())
def test_committed_workbook_matches_generator(form_id, config, tmp_path):
    committed = ROOT / "workbooks" / f"{form_id}.xlsx"
    fresh = write_blank(get_form(form_id), tmp_path / f"{form_id}.xlsx", config)
    expected, actual = _content(fresh), _content(committed)
    for key in expected:
        assert actual[key] == expected[key], (
            f"workbooks/{form_id}.xlsx is out of date ({key}): run 'safecontext new {form_id} "
            f"workbooks/{form_id}.xlsx --force'")
    assert actual.keys() == expected.keys()


# --- the declaration vocabulary any form may use: grids, sheets of their own, dependent drop-downs --------------

def _tiny_form():
    from addin.forms.model import Field, Form, Grid, Section, Table

    kinds = Field("kind", "Kind", "choice", choices=("Fruit", "Veg"))
    item = Field("item", "Item", "choice", depends=("kind",), by=((("Fruit",), ("Apple", "Pear")),
                                                                  (("Veg",), ("Leek",))))
    grid = Grid("plot", "Plot", rows=(("north", "North bed", "Sunny"), ("south", "South bed", "")),
                columns=(("soil", "Soil", "Agenda a)"), ("crop", "Crop", "")))
    return Form(id="garden", code="GDN", title="Garden", version="1", sheet="Garden", sections=(
        Section("Beds", (Table("beds", "Beds", rows=3, columns=(kinds, item)),)),
        Section("The plot", (grid, Field("summary", "Summary", "longtext")), sheet="Plot", shows=("summary",)),
    ))


def test_a_grid_is_one_field_per_row_and_column_on_a_sheet_of_its_own(config):
    form = _tiny_form()
    assert [(f.id, f.label, f.help) for f in form.fields] == [
        ("plot_north_soil", "Plot, North bed: Soil", "Agenda a)"), ("plot_north_crop", "Plot, North bed: Crop", ""),
        ("plot_south_soil", "Plot, South bed: Soil", "Agenda a)"), ("plot_south_crop", "Plot, South bed: Crop", ""),
        ("summary", "Summary", "")]
    assert form.section_of("plot_south_crop") == "The plot"
    wb, layout = build(form, config)
    assert wb.sheetnames == ["Garden", "Plot", "Lists", MARKER_SHEET]
    ws = wb["Plot"]
    assert [ws["C4"].value, ws["D4"].value] == ["Soil", "Crop"]
    assert [str(ws["B5"].value), str(ws["B6"].value)] == ["North bed\nSunny", "South bed"]
    assert {f: (layout.sheets[f], layout.cells[f]) for f in ("plot_north_soil", "plot_south_crop", "summary")} == {
        "plot_north_soil": ("Plot", "C5"), "plot_south_crop": ("Plot", "D6"), "summary": ("Plot", "C7")}
    assert ws["B3"].value == '="Summary: "&summary'


def test_a_dependent_drop_down_offers_the_choices_for_its_rows_values(config):
    from addin.forms.model import Field

    form = _tiny_form()
    item = form["beds"].column("item")
    assert (item.choices, item.choices_for("Veg"), item.choices_for("Meat")) == (("Apple", "Pear", "Leek"),
                                                                              ("Leek",), None)
    wb, _ = build(form, config)
    (dv,) = [d for d in wb["Garden"].data_validations.dataValidation if "INDIRECT" in (d.formula1 or "")]
    assert (str(dv.sqref), dv.formula1) == ("C8:C10", 'INDIRECT(IFERROR("choices_beds_item_"&MATCH($B8,'
                                                       '\'Lists\'!$B$2:$B$3,0),"choices_beds_item"))')
    assert {n: wb.defined_names[n].attr_text for n in wb.defined_names if n.startswith("choices_")} == {
        "choices_beds_item": "'Lists'!$C$2:$C$4", "choices_beds_item_1": "'Lists'!$D$2:$D$3",
        "choices_beds_item_2": "'Lists'!$E$2:$E$2"}
    with pytest.raises(ValueError, match="'depends' and 'by' go together"):
        Field("item", "Item", "choice", depends=("kind", "size"), by=((("Fruit",), ("Apple",)),))


def test_a_record_key_may_join_the_number_with_other_fields():
    from addin.forms.plugin import Identity
    from addin.store.identity import number_key

    meeting = Identity(number="reference", term_date="meeting_date", with_number=("meeting_date",))
    assert number_key(meeting, {"reference": " hsb-0042 ", "meeting_date": dt.date(2026, 10, 5)}) == \
        "ref:HSB-0042|2026-10-05"
    assert number_key(meeting, {"reference": "HSB-0042", "meeting_date": None}) is None
