"""The HSB framework's Excel buttons against the fake Excel: New form, File, HSB review on the filed
framework, HSB tracker; and a workbook that is not a framework refused in plain words."""
from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

import addin.excel as sc
from hsb_forms import PERSON_ID, valid_hsb_tables, valid_hsb_values
from test_excel_addin import excel, last_alert, user_config  # noqa: F401 (fixtures)

ID = "hsb-framework"


def test_review_and_tracker_through_the_buttons(excel, make_form, user_config, check, tmp_path):  # noqa: F811
    blank = sc.new_hsb_framework(excel.open(make_form(ID, {}, {})), folder=tmp_path / "out",
                                 today=dt.date(2026, 10, 5))
    assert blank.name == "HSB meeting framework 2026-10-05.xlsx"
    book = excel.open(make_form(ID, valid_hsb_values(), valid_hsb_tables(), name="initial"))
    assert sc.file_this_form(book).outcome == "filed"
    assert last_alert(excel)["prompt"] == "Filed 'initial.xlsx' as a new meeting for 2026-autumn."
    review = sc.hsb_review(book, folder=tmp_path / "out")
    assert review == tmp_path / "out" / "HSB review HSB-0042.xlsx"
    assert str(excel.books.opened[-1].fullname) == str(review)
    res = check(review)
    assert (res.values["meeting_type"], res.values["meeting_date"], res.values["person_id"]) == ("Review", None, None)
    assert res.values["grid_peer_risk"] == "Peers normalise sharing images."
    path = sc.hsb_tracker(book, folder=tmp_path / "out", today=dt.date(2026, 12, 3))
    assert path == tmp_path / "out" / "SafeContext HSB tracker 2026-12-03.xlsx"
    assert load_workbook(path)["Cases"]["A6"].value == "HSB-0042"
    assert PERSON_ID not in str([c.value for ws in load_workbook(path).worksheets for r in ws.iter_rows() for c in r])


def test_hsb_review_on_another_form_is_refused_saying_what_to_open(excel, make_form, user_config,  # noqa: F811
                                                                     tmp_path):
    from conftest import valid_pgi_tables, valid_pgi_values

    book = excel.open(make_form("pgi", valid_pgi_values(), valid_pgi_tables(), name="a pgi"))
    assert sc.hsb_review(book, folder=tmp_path / "out") is None
    assert last_alert(excel)["prompt"] == ("'a pgi.xlsx' is not an HSB meeting framework with a reference number, so "
                                           "there is no case to review. Open the case's filed framework, then click "
                                           "the button again.")


def test_hsb_review_of_a_case_not_filed_says_so(excel, make_form, user_config, tmp_path):  # noqa: F811
    assert sc.file_this_form(excel.open(make_form(ID, valid_hsb_values(), valid_hsb_tables()))).outcome == "filed"
    book = excel.open(make_form(ID, valid_hsb_values(reference="HSB-0043"), valid_hsb_tables(), name="unfiled"))
    assert sc.hsb_review(book, folder=tmp_path / "out") is None
    assert last_alert(excel)["prompt"] == (
        "No HSB framework with the reference HSB-0043 is filed in the store. Check the reference ('safecontext store "
        "status' shows what is filed), or file its meeting first ('safecontext ingest').")
