"""The Excel add-in, without Excel: each button's entry point end to end against a fake Excel
(tests/fake_xlwings.py) and workbooks made by our own builder; then the add-in file itself.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings, strategies as st
from openpyxl import load_workbook

import addin.excel as sc
from addin.config import demo_text
from addin.excel import cfb, marks, native, vbaproject as vp, xlam
from conftest import resave, valid_fap_tables, valid_fap_values, valid_pgi_tables, valid_pgi_values
from fake_xlwings import FakeApp, FakeComError

ERROR_FILL, QUERY_FILL, INPUT_FILL = (0xFF, 0x9B, 0x9B), (0xBD, 0xD7, 0xEE), (0xFF, 0xFD, 0xE7)
REFERRAL = "Referral"          # the FAP form's sheet
SPRING_2025 = dt.date(2025, 3, 20)


@pytest.fixture
def user_config(tmp_path, monkeypatch):
    """A configuration file of the user's own (the demo authority), its store beside it."""
    path = tmp_path / "profile" / "config.toml"
    path.parent.mkdir()
    path.write_text(demo_text(), encoding="utf-8")
    monkeypatch.setenv("SAFECONTEXT_CONFIG", str(path))
    return path


@pytest.fixture
def store(user_config):
    return user_config.parent / "safecontext-store.sqlite"


@pytest.fixture
def excel():
    return FakeApp()


@pytest.fixture
def fap(cells):
    return cells("fap-referral")


def open_form(excel, make_form, form_id="fap-referral", values=None, tables=None, name=None):
    """A filled form, made by our builder and opened in the fake Excel."""
    if values is None:
        values, tables = (valid_fap_values(), valid_fap_tables()) if form_id == "fap-referral" else \
            (valid_pgi_values(), valid_pgi_tables())
    return excel.open(make_form(form_id, values, tables, name=name))


def invalid_fap():
    """Two problems: 'maybe' in a Yes/No cell (error) and no postcode or ward (query)."""
    return valid_fap_values() | {"early_help": "maybe", "postcode": None, "ward": None}


def expected_problems(fap):
    early, ward, postcode = fap["early_help"], fap["ward"], fap["postcode"]
    return {
        ward: ("query", f"FAP-028 Ward where the child lives ({ward}): is blank and so is Child's home postcode "
                        f"({postcode}); give one so the referral can be counted by ward"),
        early: ("error", f"FAP-004 Does the student have a current Early Help Assessment or CAF? ({early}): "
                         "'maybe' is not Yes or No; pick one from the drop-down"),
    }


def changed_fills(sheet, before: dict) -> dict:
    return {k: v for k, v in sheet.colours().items() if before.get(k) != v}


def last_alert(excel) -> dict:
    return excel.alerts[-1]


# --- Check this form ----------------------------------------------------------------------------

def test_check_marks_exactly_the_problem_cells_and_lists_them(excel, make_form, user_config, fap):
    book = open_form(excel, make_form, values=invalid_fap(), tables=valid_fap_tables(), name="referral")
    form = book.sheets[REFERRAL]
    before = form.colours()
    assert before[fap["early_help"]] == INPUT_FILL and form.notes() == {}

    result = sc.check_this_form(book)

    want = expected_problems(fap)
    assert [str(p) for p in result.problems] == [want[fap["ward"]][1], want[fap["early_help"]][1]]
    # FAP-028 involves the ward and the postcode: both cells are marked, with the same note.
    assert changed_fills(form, before) == {fap["ward"]: QUERY_FILL, fap["postcode"]: QUERY_FILL,
                                           fap["early_help"]: ERROR_FILL}
    assert form.notes() == {cell: text for cell, (_, text) in want.items()} | {fap["postcode"]: want[fap["ward"]][1]}
    assert book.log == ["save"]
    # The form sheet is protected again exactly as the builder protected it.
    assert form.api.ProtectContents and form.api.protect_calls[-1]["AllowFormattingColumns"] is True
    assert form.api.protect_calls[-1]["AllowFormattingCells"] is False

    checks = book.sheets["Checks"]
    assert book.sheets.names()[0] == "Checks" and book.sheets.active is checks
    w, e = fap["ward"], fap["early_help"]
    assert checks.values() == {
        "A1": "1 error and 1 query. Errors must be fixed before the form can be filed; queries are "
              "things to check. Click a cell reference to go to it.",
        "A2": "Red: an error, which must be fixed before the form can be filed. Blue: a query, to check. (Pale "
              "yellow cells are where the form is typed.)",
        "A3": "Severity", "B3": "Code", "C3": "Sheet", "D3": "Cell", "E3": "Field", "F3": "Section", "G3": "Message",
        "A4": "query", "B4": "FAP-028", "C4": REFERRAL, "D4": f'=HYPERLINK("#\'Referral\'!{w}","{w}")',
        "E4": "Ward where the child lives", "F4": "1. Referral & Recommendations", "G4": want[w][1].removeprefix("FAP-028 "),
        "A5": "error", "B5": "FAP-004", "C5": REFERRAL, "D5": f'=HYPERLINK("#\'Referral\'!{e}","{e}")',
        "E5": "Does the student have a current Early Help Assessment or CAF?", "F5": "2. Social Profile",
        "G5": want[e][1].removeprefix("FAP-004 "),
    }
    assert checks.colours() == {"A4": QUERY_FILL, "A5": ERROR_FILL}
    assert checks.range("A3:G3").font.bold

    hidden = book.sheets[marks.MARKS_SHEET]
    assert hidden.api.Visible == 2  # very hidden: not offered under Unhide
    alert = last_alert(excel)
    assert alert["mode"] == "critical" and alert["title"] == "SafeContext"
    assert alert["prompt"].startswith("'referral.xlsx' has 1 error and 1 query.\n\n• " + want[w][1] + "\n• ")
    assert "listed on the sheet 'Checks'" in alert["prompt"]


def test_a_second_check_first_takes_off_the_marks_of_the_first(excel, make_form, user_config, fap):
    book = open_form(excel, make_form, values=invalid_fap(), tables=valid_fap_tables(), name="referral")
    form = book.sheets[REFERRAL]
    before = form.colours()
    sc.check_this_form(book)
    sc.check_this_form(book)  # nothing fixed: the same marks, not doubled
    assert changed_fills(form, before) == {fap["ward"]: QUERY_FILL, fap["postcode"]: QUERY_FILL,
                                           fap["early_help"]: ERROR_FILL}
    assert len(form.notes()) == 3
    assert [n for n in book.sheets.names() if "Checks" in n] == ["Checks"]

    make_form("fap-referral", valid_fap_values(), valid_fap_tables(), name="referral")  # the user fixes and saves
    sc.check_this_form(book)

    assert changed_fills(form, before) == {}
    assert form.notes() == {}
    assert "Checks" not in book.sheets.names()
    assert last_alert(excel) == {"prompt": "No problems found in 'referral.xlsx'.", "title": "SafeContext",
                                 "mode": "info"}
    assert form.api.ProtectContents


def test_a_cells_own_colour_and_note_come_back_after_the_check(excel, make_form, user_config, fap):
    book = open_form(excel, make_form, values=invalid_fap(), tables=valid_fap_tables(), name="referral")
    form = book.sheets[REFERRAL]
    cell = form.range(fap["early_help"])
    form.api.Unprotect("")
    cell.color = (200, 230, 255)
    cell.add_note("Asked the school on Monday")
    form.api.Protect(Contents=True, AllowFormattingColumns=True, AllowFormattingRows=True)

    sc.check_this_form(book)
    assert cell.color == ERROR_FILL and cell.note.text.startswith("FAP-004 ")

    make_form("fap-referral", valid_fap_values(), valid_fap_tables(), name="referral")
    sc.check_this_form(book)
    assert cell.color == (200, 230, 255)
    assert cell.note.text == "Asked the school on Monday"


def test_what_the_user_changed_after_a_check_is_not_undone(excel, make_form, user_config, fap):
    book = open_form(excel, make_form, values=invalid_fap(), tables=valid_fap_tables(), name="referral")
    form = book.sheets[REFERRAL]
    sc.check_this_form(book)
    form.api.Unprotect("")
    form.range(fap["early_help"]).color = (0, 176, 80)           # the user fixed it and coloured it green
    form.range(fap["ward"]).note.text = "Ward unknown: family moving"  # and replaced a note with their own
    form.api.Protect(Contents=True, AllowFormattingColumns=True, AllowFormattingRows=True)

    make_form("fap-referral", valid_fap_values(), valid_fap_tables(), name="referral")
    sc.check_this_form(book)
    assert form.range(fap["early_help"]).color == (0, 176, 80) and form.range(fap["early_help"]).note is None
    assert form.range(fap["ward"]).color == INPUT_FILL
    assert form.notes() == {fap["ward"]: "Ward unknown: family moving"}


def test_a_valid_form_gets_no_marks_and_no_extra_sheets(excel, make_form, user_config):
    book = open_form(excel, make_form)
    names, fills = book.sheets.names(), book.sheets[REFERRAL].colours()
    result = sc.check_this_form(book)
    assert result.problems == []
    assert book.sheets.names() == names and book.sheets[REFERRAL].colours() == fills
    assert last_alert(excel)["mode"] == "info"


def test_the_form_is_saved_before_it_is_read(excel, make_form, user_config, monkeypatch):
    import addin.checks.run as run

    book = open_form(excel, make_form)
    real = run.check_files
    monkeypatch.setattr(run, "check_files", lambda paths, config, **kw: (book.log.append("read"),
                                                                         real(paths, config, **kw))[1])
    sc.check_this_form(book)
    assert book.log == ["save", "read"]


def test_a_workbook_of_its_own_called_checks_is_left_alone(excel, make_form, user_config, fap):
    book = open_form(excel, make_form, values=invalid_fap(), tables=valid_fap_tables())
    mine = book.sheets.add("Checks", after=book.sheets[REFERRAL])
    mine.range("A1").value = "my own notes"
    sc.check_this_form(book)
    assert mine.values() == {"A1": "my own notes"}
    assert book.sheets["SafeContext checks"].range("B4").value == "FAP-028"
    make_form("fap-referral", valid_fap_values(), valid_fap_tables(), name=Path(book.fullname).stem)
    sc.check_this_form(book)
    assert "SafeContext checks" not in book.sheets.names() and "Checks" in book.sheets.names()


def test_a_pgi_form_is_checked_the_same_way(excel, make_form, user_config, cells):
    pgi = cells("pgi")
    book = open_form(excel, make_form, "pgi", valid_pgi_values() | {"aware_of_peers": "perhaps"},
                     valid_pgi_tables())
    sc.check_this_form(book)
    form = book.sheets["PGI"]
    assert form.colours()[pgi["aware_of_peers"]] == ERROR_FILL
    assert list(form.notes()) == [pgi["aware_of_peers"]]


# --- friendly failures ----------------------------------------------------------------------------

def test_a_workbook_that_is_not_a_form_is_refused_untouched(excel, tmp_path, user_config):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "budget"
    wb.save(tmp_path / "budget.xlsx")
    book = excel.open(tmp_path / "budget.xlsx")
    assert sc.check_this_form(book) is None
    assert last_alert(excel) == {
        "prompt": "'budget.xlsx' is not a SafeContext form, so there is nothing to check.\n\nOpen a form made by "
                  "SafeContext (SafeContext > New form), or copy the entries into one.",
        "title": "SafeContext", "mode": "critical"}
    assert book.log == [] and book.sheets.names() == ["Sheet"]


def test_a_form_never_saved_is_asked_to_be_saved_first(excel, make_form, user_config):
    book = open_form(excel, make_form)
    book.fullname, book.name = "Book1", "Book1"
    sc.file_this_form(book)
    assert last_alert(excel)["prompt"] == "Save this form first (File > Save As, as an Excel Workbook), then try again."
    assert book.log == []


def test_a_read_only_form_says_how_to_save_it(excel, make_form, user_config):
    book = open_form(excel, make_form, name="from-email")
    excel.fail_save = True
    sc.check_this_form(book)
    assert last_alert(excel)["prompt"].startswith("Excel could not save 'from-email.xlsx' (it may be read-only")


def test_a_form_of_an_unknown_version_says_so(excel, make_form, user_config, tmp_path):
    src = make_form("fap-referral", valid_fap_values(), valid_fap_tables())
    old = resave(src, tmp_path / "old.xlsx", lambda wb: wb["_safecontext"].__setitem__("B2", "1999.1"))
    book = excel.open(old)
    sc.check_this_form(book)
    assert last_alert(excel)["prompt"] == (
        "SafeContext cannot check 'old.xlsx': template version '1999.1' of fap-referral is not one this SafeContext "
        "knows (2015-16.1). Use a current blank form from 'safecontext new fap-referral' or update SafeContext.")


def test_without_a_configuration_the_user_is_told_where_it_goes(excel, make_form, tmp_path):
    book = open_form(excel, make_form)
    sc.check_this_form(book)
    prompt = last_alert(excel)["prompt"]
    assert prompt.startswith("SafeContext is not set up on this computer yet")
    assert str(tmp_path / "xdg-config" / "safecontext" / "config.toml") in prompt
    assert book.log == []  # nothing saved


def test_a_broken_configuration_is_explained(excel, make_form, tmp_path, monkeypatch):
    bad = tmp_path / "bad.toml"
    bad.write_text('authority = "X"\nschools = []\n', encoding="utf-8")
    monkeypatch.setenv("SAFECONTEXT_CONFIG", str(bad))
    sc.new_pgi(excel.open(make_form("pgi", valid_pgi_values(), valid_pgi_tables())), folder=tmp_path)
    assert last_alert(excel)["prompt"].startswith(
        f"SafeContext's configuration cannot be used:\n{bad}: 'wards' is missing. Add it (see 'safecontext init').")


def test_a_password_protected_sheet_is_explained_not_forced(excel, make_form, user_config):
    book = open_form(excel, make_form, values=invalid_fap(), tables=valid_fap_tables())
    form = book.sheets[REFERRAL]
    form.api.Unprotect("")
    form.api.Protect(Password="secret", Contents=True)
    sc.check_this_form(book)
    assert last_alert(excel)["prompt"] == ("The sheet 'Referral' is protected with a password, so SafeContext cannot "
                                           "mark its cells. Unprotect it (Review > Unprotect Sheet) and try again.")
    assert form.notes() == {}


def test_an_unexpected_failure_is_a_message_not_a_traceback(excel, make_form, user_config, monkeypatch, capsys):
    def broken(book, problems, form=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(marks, "paint", broken)
    book = open_form(excel, make_form)
    assert sc.check_this_form(book) is None
    assert last_alert(excel)["prompt"] == (
        "SafeContext stopped with an unexpected problem (RuntimeError).\n\nPlease tell your SafeContext "
        "administrator which button you pressed, and on which workbook.")
    assert "RuntimeError: boom" in capsys.readouterr().err  # for a developer running it from a terminal


def test_excel_refusing_a_change_is_explained(excel, make_form, user_config):
    book = open_form(excel, make_form, values=invalid_fap(), tables=valid_fap_tables())
    book.structure_protected = True  # no sheets may be added
    FakeComError.__name__ = "com_error"  # what pywin32 calls it
    try:
        sc.check_this_form(book)
    finally:
        FakeComError.__name__ = "FakeComError"
    assert last_alert(excel)["prompt"].startswith("Excel refused a change SafeContext tried to make.\n\nIf the "
                                                  "workbook or a sheet is protected with a password")


def test_the_caller_book_is_used_when_none_is_given(excel, make_form, user_config, monkeypatch):
    import addin.excel.friendly as friendly

    book = open_form(excel, make_form)
    monkeypatch.setattr(friendly, "caller_book", lambda: book)
    sc.check_this_form()
    assert book.log == ["save"] and last_alert(excel)["mode"] == "info"


# --- File this form ---------------------------------------------------------------------------------

def _filed(store) -> int:
    from functools import partial

    from addin.store import load_records

    load_referrals = partial(load_records, form="fap-referral")

    return len(load_referrals(f"sqlite:///{store}", history=True))


def test_a_valid_referral_is_filed_and_refiling_changes_nothing(excel, make_form, user_config, store):
    book = open_form(excel, make_form, name="sam")
    filing = sc.file_this_form(book)
    assert filing.outcome == "filed"
    assert last_alert(excel) == {"prompt": "Filed 'sam.xlsx' as a new referral for 2025-spring.",
                                 "title": "SafeContext", "mode": "info"}
    assert _filed(store) == 1
    assert sc.file_this_form(book).outcome == "unchanged"
    assert last_alert(excel)["prompt"] == "'sam.xlsx' is already filed with exactly this content; nothing was changed."
    assert _filed(store) == 1


def test_a_corrected_referral_supersedes_the_filed_one(excel, make_form, user_config, store):
    book = open_form(excel, make_form, name="sam")
    sc.file_this_form(book)
    make_form("fap-referral", valid_fap_values() | {"referral_reason": "Corrected reason."}, valid_fap_tables(),
              name="sam")
    filing = sc.file_this_form(book)
    assert (filing.outcome, filing.version) == ("superseded", 2)
    assert last_alert(excel)["prompt"] == ("Filed 'sam.xlsx': it corrects a referral filed before (replaces "
                                           "version 1); the store now holds version 2.")


def test_an_older_copy_is_kept_but_not_made_current(excel, make_form, user_config, store, tmp_path):
    """The correction was filed first (saved in 2030, by its own properties); this copy, saved now, is older."""
    import re

    from conftest import rewrite_zip

    correction = make_form("fap-referral", valid_fap_values() | {"referral_reason": "Corrected reason."},
                           valid_fap_tables(), name="correction")
    later = tmp_path / "correction-2030.xlsx"
    rewrite_zip(correction, later, {"docProps/core.xml": lambda xml: re.sub(
        rb"(<dcterms:modified\b[^>]*>)[^<]*", rb"\g<1>2030-01-01T00:00:00Z", xml)})
    from addin.config import load_config
    from addin.checks.run import check_files
    from addin.store.filing import file_batch

    assert file_batch(f"sqlite:///{store}", check_files([later], load_config()), load_config()).filings[0].outcome \
        == "filed"
    book = open_form(excel, make_form, name="sam")
    filing = sc.file_this_form(book)
    assert filing.outcome == "older"
    assert last_alert(excel)["prompt"] == (
        "'sam.xlsx' is older than the version already filed (it was saved before version 1, which stays current), "
        f"so it was kept in the history but not made current. If this copy is the right one, ask your SafeContext "
        f"administrator to make version id {filing.record_id} of fap-referral current.")
    assert _filed(store) == 2


def test_a_referral_with_errors_is_refused_with_its_messages(excel, make_form, user_config, store, fap):
    book = open_form(excel, make_form, values=invalid_fap(), tables=valid_fap_tables(), name="sam")
    assert sc.file_this_form(book) is None
    want = expected_problems(fap)
    assert last_alert(excel) == {
        "prompt": "Not filed: 'sam.xlsx' has 1 error and 1 query. Fix the errors first:\n\n"
                  f"• {want[fap['early_help']][1]}"
                  "\n\nThe cells are marked and every problem is listed on the sheet 'Checks'.",
        "title": "SafeContext", "mode": "critical"}
    assert book.sheets[REFERRAL].colours()[fap["early_help"]] == ERROR_FILL
    assert not store.exists()


def test_a_referral_with_only_queries_is_filed_and_the_queries_are_marked(excel, make_form, user_config, store, fap):
    book = open_form(excel, make_form, values=valid_fap_values() | {"postcode": None, "ward": None},
                     tables=valid_fap_tables(), name="sam")
    assert sc.file_this_form(book).outcome == "filed"
    assert last_alert(excel)["prompt"] == ("Filed 'sam.xlsx' as a new referral for 2025-spring.\n\nIt has 1 query to "
                                           "check (marked blue).")
    assert book.sheets[REFERRAL].colours()[fap["ward"]] == QUERY_FILL


def test_the_pgi_loop_through_the_buttons(excel, make_form, user_config, store, tmp_path, monkeypatch):
    """A returned PGI with no request is refused; Send PGI request records one and opens the PGI to send;
    the provider's return is filed against it; the PGI tracker shows it waiting for feedback."""
    from addin.store import load_records

    stray = open_form(excel, make_form, "pgi", name="stray")
    assert sc.file_this_form(stray) is None
    assert last_alert(excel)["prompt"] == (
        "Not filed: its Request reference PGI-2026-0001 matches no PGI request recorded in this store; check the "
        "reference with the requester (a PGI is filed against the request it answers).")
    request = {k: v for k, v in valid_pgi_values().items() if k in (
        "requester_name", "requester_agency", "provider_name", "provider_agency", "young_person_name",
        "assessment_type")} | {"date_requested": dt.date(2026, 11, 2)}
    draft = open_form(excel, make_form, "pgi", values=request, tables={}, name="draft")
    done = sc.send_pgi_request(draft, folder=tmp_path / "out")
    assert done.path == tmp_path / "out" / "draft request.xlsx" and done.reference == "PGI-2026-0001"
    assert last_alert(excel) == {
        "prompt": f"Recorded request PGI-2026-0001: to be returned by 16/11/2026.\n\nThe PGI to send to the "
                  f"provider is open: {done.path}", "title": "SafeContext", "mode": "info"}
    assert str(excel.books.opened[-1].fullname) == str(done.path)
    answers = valid_pgi_values() | {"date_requested": dt.date(2026, 11, 2), "date_returned": dt.date(2026, 11, 9)}
    back = open_form(excel, make_form, "pgi", values=answers, tables=valid_pgi_tables(), name="returned")
    assert sc.file_this_form(back).outcome == "filed"
    assert last_alert(excel)["prompt"] == "Filed 'returned.xlsx' as a new returned PGI for 2026-autumn."
    filed = load_records(f"sqlite:///{store}", form="pgi")
    assert list(filed["request_reference"]) == ["PGI-2026-0001"] and list(filed["source_file"]) == ["returned.xlsx"]
    path = sc.pgi_tracker(back, folder=tmp_path / "out", today=dt.date(2026, 11, 20))
    assert path == tmp_path / "out" / "SafeContext PGI tracker 2026-11-20.xlsx"
    row = [c.value for c in load_workbook(path)["Requests"][6]]
    assert row[0] == "PGI-2026-0001" and row[8:11] == ["Returned", None, 7]
    assert row[14] == "Send feedback ('safecontext pgi feedback')"
    # Record PGI feedback asks its questions ('maybe' is asked again) and opens the letter.
    opened = []
    monkeypatch.setattr(native, "open_document", opened.append)
    excel.answers = ["maybe", "Yes", "yes", "Referral to the CSE service"]
    done = sc.pgi_feedback(back, folder=tmp_path / "out")
    assert [p[0] for p in excel.prompts] == [
        "Did the information in PGI-2026-0001 inform the assessment? Type Yes or No.",
        "Did the information in PGI-2026-0001 inform the assessment? Type Yes or No.",
        "Are further safeguarding actions needed? Type Yes or No.",
        "Which further safeguarding actions are needed?"]
    assert opened == [tmp_path / "out" / "PGI feedback PGI-2026-0001.docx"] == [done.letter]
    from docx import Document

    cells = [[c.text for c in r.cells] for r in Document(done.letter).tables[0].rows]
    assert cells[1] == ["Are further safeguarding actions needed?", "Yes: Referral to the CSE service"]
    row = [c.value for c in load_workbook(sc.pgi_tracker(back, folder=tmp_path / "out"))["Requests"][6]]
    assert row[11] == dt.datetime.combine(dt.date.today(), dt.time()) and row[14] is None


def test_a_store_that_cannot_be_opened_is_explained(excel, make_form, user_config, tmp_path):
    user_config.write_text(demo_text().replace('store = "safecontext-store.sqlite"',
                                               f'store = "{tmp_path / "no-such-folder" / "x" / "store.sqlite"}"'),
                           encoding="utf-8")
    (tmp_path / "no-such-folder").write_text("a file where a folder should be")
    book = open_form(excel, make_form)
    sc.file_this_form(book)
    prompt = last_alert(excel)["prompt"]
    assert prompt.startswith("Cannot open the store sqlite:///") and prompt.endswith("x does not exist.")


# --- A register: one row per referral --------------------------------------------------------------------

@pytest.fixture
def register_book(excel, tmp_path):
    from test_register import row, write_register

    path = write_register(tmp_path / "register.xlsx", [row(1), row(2, upn="A12345"), row(3, gender="Boy")])
    return excel.open(path)


def test_check_a_register_marks_the_problems_of_every_row(excel, register_book, user_config):
    results = sc.check_this_form(register_book)
    assert [r.row for r in results] == [4, 5, 6]
    sheet = register_book.sheets["Register"]
    assert {c: sheet.range(c).color for c in ("D4", "D5", "F6")} == {"D4": None, "D5": ERROR_FILL, "F6": ERROR_FILL}
    assert register_book.sheets.names()[0] == "Checks"
    assert last_alert(excel)["prompt"].startswith(
        "'register.xlsx' has 2 errors and 0 queries in 2 of its 3 rows.\n\n"
        "• FAP-011 UPN (D5): 'A12345' is not a valid UPN: it has 6 characters, not 13\n"
        "• FAP-004 Gender (F6): 'Boy' is not one of the choices (Male, Female); pick one from the drop-down\n\n")
    assert register_book.log == ["save"]


def test_file_a_register_files_the_rows_without_errors_and_says_which_were_not(excel, register_book, user_config,
                                                                               store):
    from functools import partial

    from addin.store import load_records

    load_referrals = partial(load_records, form="fap-referral")

    sc.file_this_form(register_book)
    assert last_alert(excel) == {
        "prompt": "'register.xlsx': filed 1 new, 0 corrected and 0 unchanged of its 3 rows.\n\n"
                  "Not filed: 2 rows. Fix the errors (marked red, and listed on the sheet 'Checks') and file "
                  "again:\n\n• FAP-011 UPN (D5): 'A12345' is not a valid UPN: it has 6 characters, not 13\n"
                  "• FAP-004 Gender (F6): 'Boy' is not one of the choices (Male, Female); pick one from the "
                  "drop-down",
        "title": "SafeContext", "mode": "critical"}
    assert list(load_referrals(store)["source_file"]) == ["register.xlsx (Register row 4)"]
    sc.file_this_form(register_book)
    assert last_alert(excel)["prompt"].startswith("'register.xlsx': filed 0 new, 0 corrected and 1 unchanged of its "
                                                  "3 rows.")
    assert len(load_referrals(store)) == 1


# --- New form -------------------------------------------------------------------------------------------

def test_new_form_writes_a_blank_form_and_opens_it(excel, make_form, user_config, tmp_path):
    from addin.intake.reader import read_form

    book = open_form(excel, make_form)
    day = dt.date(2026, 1, 5)
    first = sc.new_fap_referral(book, folder=tmp_path / "out", today=day)
    second = sc.new_fap_referral(book, folder=tmp_path / "out", today=day)
    assert [Path(b.fullname).name for b in excel.books.opened] == ["FAP referral 2026-01-05.xlsx",
                                                                   "FAP referral 2026-01-05 (2).xlsx"]
    assert (first, second) == tuple(excel.books.opened)
    assert read_form(first.fullname).form.id == "fap-referral"
    assert sc.new_pgi(book, folder=tmp_path / "out", today=day).name == "PGI form 2026-01-05.xlsx"
    assert excel.alerts == []


def test_new_form_when_nothing_was_open_closes_the_helper_workbook(excel, make_form, user_config, tmp_path):
    helper = excel.open(make_form("pgi", valid_pgi_values(), valid_pgi_tables()))
    new = sc.new_pgi(helper, placeholder=True, folder=tmp_path / "out")
    assert helper.closed and not new.closed


def test_new_form_uses_the_users_lists(excel, make_form, user_config, tmp_path):
    from openpyxl import load_workbook

    user_config.write_text(demo_text().replace('"Ashbridge Academy",', '"Our Own School",'), encoding="utf-8")
    new = sc.new_fap_referral(open_form(excel, make_form), folder=tmp_path / "out")
    lists = load_workbook(new.fullname)["Lists"]
    assert "Our Own School" in [c.value for c in lists[next(c.column_letter for c in lists[1]
                                                            if c.value == "schools")]]


# --- Termly matrix and briefing -----------------------------------------------------------------------------

@pytest.fixture
def filed(excel, make_form, user_config, store):
    """A store holding one referral in spring 2025; the book it was filed from."""
    book = open_form(excel, make_form, name="sam")
    assert sc.file_this_form(book).outcome == "filed"
    return book


def test_matrix_asks_for_the_term_offering_the_current_one(excel, filed, tmp_path):
    path = sc.termly_matrix(filed, folder=tmp_path / "out", today=SPRING_2025)
    prompt, title, default, kind = excel.prompts[-1]
    assert (title, default, kind) == ("SafeContext", "2025-spring", 2)
    assert prompt.startswith("Which term should the termly matrix cover? Type it like 2025-spring")
    assert path == tmp_path / "out" / "SafeContext matrix 2025-spring (internal).xlsx" and path.is_file()
    assert [b.fullname for b in excel.books.opened] == [str(path)]


def test_matrix_for_a_typed_term_and_a_cancel(excel, filed, tmp_path):
    excel.answers = [" 2025-Spring ", None]
    assert sc.termly_matrix(filed, folder=tmp_path / "out", today=dt.date(2026, 10, 1)).name == \
        "SafeContext matrix 2025-spring (internal).xlsx"
    assert sc.termly_matrix(filed, folder=tmp_path / "out") is None  # cancelled: nothing written, nothing said
    assert len(list((tmp_path / "out").iterdir())) == 1 and excel.alerts[-1]["mode"] == "info"


def test_matrix_for_a_mistyped_or_empty_term_says_why(excel, filed, tmp_path):
    excel.answers = ["autumn 2025"]
    sc.termly_matrix(filed, folder=tmp_path / "out")
    assert last_alert(excel)["prompt"] == ("'autumn 2025' is not a term. Write a year and a term, like 2026-autumn, "
                                           "2027-spring or 2027-summer.")
    sc.termly_matrix(filed, term="2024-autumn", folder=tmp_path / "out")
    assert last_alert(excel)["prompt"] == ("No referrals are filed for 2024-autumn. File referrals with the 'File "
                                           "this form' button, or choose another term.")


def test_matrix_before_anything_is_filed_gives_advice_for_the_buttons(excel, make_form, user_config, store,
                                                                      tmp_path):
    sc.termly_matrix(open_form(excel, make_form), term="2025-spring", folder=tmp_path / "out")
    assert last_alert(excel)["prompt"] == (
        f"There is no store at {store}: nothing has been filed there yet. File forms with the 'File this form' "
        "button first; if they were filed elsewhere, ask your SafeContext administrator to check the store in the "
        "configuration.")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_briefing_is_written_and_opened_in_word(excel, filed, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(native, "open_document", opened.append)
    path = sc.briefing(filed, folder=tmp_path / "out", today=SPRING_2025)
    assert path == tmp_path / "out" / "SafeContext briefing 2025-spring.docx"
    assert opened == [path] and zipfile.is_zipfile(path)


# --- the add-in file ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = xlam.build(tmp_path_factory.mktemp("addin") / "SafeContext.xlam", interpreter_win=r"C:\Py\python.exe")
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def ribbon_buttons(parts) -> list[ET.Element]:
    ns = {"ui": "http://schemas.microsoft.com/office/2009/07/customui"}
    root = ET.fromstring(parts["customUI/customUI14.xml"])
    assert root.find("ui:ribbon/ui:tabs/ui:tab", ns).get("label") == "SafeContext"
    return root.findall(".//ui:button", ns)


def test_every_ribbon_button_calls_a_vba_callback_that_runs_an_existing_entry_point(built):
    buttons = ribbon_buttons(built)
    sources = vp.read_sources(built["xl/vbaProject.bin"])
    ours = sources[xlam.BUTTONS_MODULE]
    assert {b.get("tag") for b in buttons} == set(sc.entry_points())
    assert [b.get("label") for b in buttons if b.get("tag").startswith("new_")] == ["FAP referral", "PGI form",
                                                                                 "HSB meeting framework",
                                                                                 "NSPCC HSB audit",
                                                                                 "Contextual case review"]
    assert len({b.get("id") for b in buttons}) == len(buttons)
    for b in buttons:
        module, _, sub = b.get("onAction").partition(".")
        assert module in sources
        assert re.search(rf"^Public Sub {sub}\(control As IRibbonControl\)\r\n    RunEntry control\.Tag\r\n",
                         sources[module], re.M), b.get("onAction")
        assert getattr(sc, b.get("tag")).is_entry_point
    # The macros for Application.Run and sheet buttons name entry points too, and RunPython calls addin.excel.
    macros = dict(re.findall(r'^Public Sub (\w+)\(\)\r\n    RunEntry "(\w+)"\r\n', ours, re.M))
    assert sorted(macros.values()) == ["briefing", "check_this_form", "file_this_form", "termly_matrix"]
    assert set(macros.values()) <= set(sc.entry_points())
    assert 'Public Sub NewForm(formId As String)' in ours and 'RunEntry "new_" & Replace(formId, "-", "_")' in ours
    assert 'RunPython "import addin.excel as sc; sc." & entry & "(placeholder="' in ours


def test_the_add_in_carries_xlwings_runpython_and_safe_settings(built):
    import xlwings

    sources = vp.read_sources(built["xl/vbaProject.bin"])
    assert list(sources) == ["ThisWorkbook", "Sheet1", "xlwings", "Dictionary", "SafeContextButtons"]
    assert "Public Function RunPython(PythonCommand As String)" in sources["xlwings"]
    assert f"'Version: {xlwings.__version__}" in sources["xlwings"]
    assert 'Public Const PROJECT_NAME As String = "safecontext"' in sources["xlwings"]
    assert sources["Dictionary"].startswith('Attribute VB_Name = "Dictionary"\r\nAttribute VB_Base = "0{FCFB3D2A')
    sheet = built["xl/worksheets/sheet1.xml"].decode()
    cells = re.findall(r"<t xml:space=\"preserve\">([^<]*)</t>", sheet)
    assert cells == ["Interpreter_Win", r"C:\Py\python.exe", "USE UDF SERVER", "True",
                     "ADD_WORKBOOK_TO_PYTHONPATH", "false"]
    # Python (started per click, or kept running between clicks) starts without the current folder on its
    # path (-P).
    assert sources["xlwings"].count('tail = " -B -P -c ""import sys, os;"') == 1
    assert sources["xlwings"].count('PythonInterpreter & " -B -P -c ""import xlwings.utils;') == 1
    assert " -B -c " not in sources["xlwings"]
    # ... and a macro stops it (after an upgrade), for the next click to start a new one.
    assert re.search(r"^Public Sub RestartPython\(\)\r\n(?:    '.*\r\n)*    #If Not Mac Then\r\n"
                     r"        On Error Resume Next\r\n        KillPy\r\n", sources["SafeContextButtons"], re.M)
    assert b'name="safecontext.conf"' in built["xl/workbook.xml"]
    assert b"application/vnd.ms-excel.addin.macroEnabled.main+xml" in built["[Content_Types].xml"]


def test_fresh_python_starts_python_for_every_click(tmp_path):
    from addin.cli import app
    from typer.testing import CliRunner

    done = CliRunner().invoke(app, ["addin", "build", str(tmp_path / "S.xlam"), "--fresh-python"])
    assert done.exit_code == 0, done.output
    assert "  A new Python for every click (--fresh-python)." in done.output.splitlines()
    with zipfile.ZipFile(tmp_path / "S.xlam") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    cells = re.findall(r"<t xml:space=\"preserve\">([^<]*)</t>", sheet)
    assert cells[cells.index("USE UDF SERVER") + 1] == "False"
    done = CliRunner().invoke(app, ["addin", "build", str(tmp_path / "K.xlam")])
    assert ("  One Python kept running per Excel session on Windows (after upgrading SafeContext, restart Excel "
            "or run the macro RestartPython).") in done.output.splitlines()


def test_the_add_in_is_the_same_bytes_every_build(tmp_path):
    a, b = xlam.build(tmp_path / "a.xlam"), xlam.build(tmp_path / "b.xlam")
    assert a.read_bytes() == b.read_bytes()


def test_the_vba_project_is_source_only_so_excel_compiles_it(built):
    streams = cfb.read(built["xl/vbaProject.bin"])
    assert streams["VBA/_VBA_PROJECT"] == bytes.fromhex("cc61ffff000100")  # version 0xFFFF: no p-code to trust
    project = streams["PROJECT"].decode("cp1252")
    pid = re.search(r'ID="(\{[0-9A-F-]+\})"', project).group(1)
    assert vp.decrypt(re.search(r'CMG="(\w+)"', project).group(1), pid) == bytes(4)   # not protected
    assert vp.decrypt(re.search(r'DPB="(\w+)"', project).group(1), pid) == b"\0"      # no password
    assert vp.decrypt(re.search(r'GC="(\w+)"', project).group(1), pid) == b"\xff"     # visible
    assert "Module=SafeContextButtons\r\n" in project and "Document=ThisWorkbook/&H00000000\r\n" in project


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_generated_vba_project(built, tmp_path):
    """An independent MS-OVBA reader finds our modules (LibreOffice opens .xlsm, not add-ins)."""
    xlsm = tmp_path / "addin.xlsm"
    with zipfile.ZipFile(xlsm, "w") as z:
        for name, data in built.items():
            if name == "[Content_Types].xml":
                data = data.replace(b"ms-excel.addin.macroEnabled", b"ms-excel.sheet.macroEnabled")
            z.writestr(name, data)
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "ods", "--outdir", str(tmp_path), str(xlsm)],
                   capture_output=True, timeout=180, check=False)
    with zipfile.ZipFile(tmp_path / "addin.ods") as z:
        basic = {n for n in z.namelist() if n.startswith("Basic/SafeContext/")}
        module = z.read("Basic/SafeContext/SafeContextButtons.xml").decode()
    assert {f"Basic/SafeContext/{m}.xml" for m in ("xlwings", "Dictionary", "SafeContextButtons")} <= basic
    assert "Public Sub OnButton(control As IRibbonControl)" in module


def test_safecontext_addin_build(cli, tmp_path):
    code, out, err = cli("addin", "build", tmp_path / "SafeContext.xlam", "--interpreter", r"D:\Python\python.exe")
    assert code == 0, err
    assert f"Wrote the Excel add-in to {tmp_path / 'SafeContext.xlam'}" in out
    assert "Python on Windows: D:\\Python\\python.exe" in out
    assert cli("addin", "build", tmp_path / "SafeContext.xlam")[2] == (
        f"safecontext: {tmp_path / 'SafeContext.xlam'}: already exists. Choose another name or add --force to "
        "overwrite it.\n")
    assert cli("addin", "build", tmp_path / "SafeContext.xlam", "--force")[0] == 0
    assert cli("addin", "build", tmp_path / "addin.xlsm")[0] == 2


# --- the file formats behind it --------------------------------------------------------------------------------

def _quickstart_vba() -> bytes:
    """xlwings' own quickstart add-in's VBA project, as xlwings ships it (a file Office tools wrote)."""
    import xlwings

    with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam") as z:
        return z.read("xl/vbaProject.bin")


def test_our_readers_agree_with_a_vba_project_from_office():
    import xlwings

    sources = vp.read_sources(_quickstart_vba())
    shipped = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_text(encoding="cp1252")
    assert sources["xlwings"].replace("\r\n", "\n") == shipped.replace("\r\n", "\n")
    assert "Sub RunMain(control As IRibbonControl)" in sources["RibbonMyAddin"]
    project = cfb.read(_quickstart_vba())["PROJECT"].decode("cp1252")
    pid = re.search(r'ID="(\{[0-9A-F-]+\})"', project).group(1)
    assert vp.decrypt(re.search(r'CMG="(\w+)"', project).group(1), pid) == bytes(4)
    assert vp.decrypt(re.search(r'GC="(\w+)"', project).group(1), pid) == b"\xff"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=300), st.sampled_from([b"Dim x As String\r\n", b"End Sub\r\n", b" "])),
                max_size=80).map(b"".join))
def test_compression_round_trips(data):
    assert vp.decompress(vp.compress(data)) == data


def test_compression_handles_long_runs_and_chunk_edges():
    for data in (b"", b"a", b"a" * 4096, b"a" * 4097, bytes(range(256)) * 40, b"ab" * 10_000):
        assert vp.decompress(vp.compress(data)) == data
    assert len(vp.compress(b"Attribute VB_Name = \"x\"\r\n" * 400)) < 10_000 // 10


_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_0123456789", min_size=1, max_size=31)


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from(["", "VBA/", "VBA/sub/"]), _names).map("".join),
                       st.tuples(st.integers(0, 255), st.one_of(st.integers(0, 300), st.integers(4090, 9000))),
                       max_size=40))
def test_compound_files_round_trip(sizes):
    streams = {k: bytes((seed + 7 * i) % 256 for i in range(n)) for k, (seed, n) in sizes.items()
               if not any(o.startswith(k + "/") for o in sizes)}  # a name is a stream or a storage, not both
    assert cfb.read(cfb.write(streams)) == streams


def test_compound_file_directory_is_a_valid_red_black_tree():
    import struct

    streams = {f"VBA/m{i:03d}": bytes([i]) * (i * 37) for i in range(150)} | {"big": b"x" * 300_000}
    data = cfb.write(streams)
    assert cfb.read(data) == streams
    first_dir = struct.unpack_from("<I", data, 48)[0]
    fat = []
    for sid in struct.unpack_from("<109I", data, 76):
        if sid != cfb.FREE:
            fat += struct.unpack_from("<128I", data, 512 + sid * 512)
    raw, s = b"", first_dir
    while s != cfb.END:
        raw += data[512 + s * 512: 1024 + s * 512]
        s = fat[s]
    entries = [raw[i:i + 128] for i in range(0, len(raw), 128)]

    def node(sid):
        e = entries[sid]
        n = struct.unpack_from("<H", e, 64)[0]
        name = e[:n - 2].decode("utf-16-le")
        color, left, right, child = struct.unpack_from("<BIII", e, 67)
        return name, color, left, right, child

    def check(sid):  # returns (black height, sorted names)
        if sid == cfb.NOSTREAM:
            return 1, []
        name, color, left, right, _ = node(sid)
        if color == 0:
            assert all(x == cfb.NOSTREAM or node(x)[1] == 1 for x in (left, right)), "red node with a red child"
        hl, names_l = check(left)
        hr, names_r = check(right)
        assert hl == hr, "unequal black heights"
        return hl + (color == 1), names_l + [name] + names_r

    vba = next(i for i in range(len(entries)) if node(i)[0] == "VBA")
    _, ordered = check(node(vba)[4])
    assert ordered == sorted(ordered, key=lambda n: (len(n), n.upper())) and len(ordered) == 150
