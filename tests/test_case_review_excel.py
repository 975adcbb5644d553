"""The case review's Excel button, with the fake Excel of tests/fake_xlwings.py: Case review summary."""
from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

import addin.excel as sc
from addin.config import load_config
from case_reviews import FORM, valid_review_tables, valid_review_values
from test_excel_addin import excel, last_alert, open_form, store, user_config  # noqa: F401 (fixtures)


def test_case_review_summary_writes_the_summary_of_the_filed_reviews_and_opens_it(excel, make_form, user_config,  # noqa: F811
                                                                                  store, fillers, tmp_path):
    from addin.checks.run import check_files
    from addin.store import file_batch

    book = open_form(excel, make_form, FORM, values=valid_review_values(), tables=valid_review_tables(), name="r")
    assert sc.case_review_summary(book, folder=tmp_path / "out") is None
    assert "nothing has been filed there yet" in last_alert(excel)["prompt"]
    cfg = load_config(user_config)
    refused = fillers(FORM).save(tmp_path / "bad.xlsx", valid_review_values(review_reference=None),
                                 valid_review_tables())
    assert file_batch(cfg.store, check_files([refused], cfg), cfg).count("refused") == 1
    assert sc.case_review_summary(book, folder=tmp_path / "out") is None
    assert last_alert(excel)["prompt"] == ("No contextual case review is filed yet. File the reviews with the File "
                                           "this form button, then click Case review summary again.")
    path = fillers(FORM).save(tmp_path / "review.xlsx", valid_review_values(), valid_review_tables())
    file_batch(cfg.store, check_files([path], cfg), cfg)
    written = sc.case_review_summary(book, folder=tmp_path / "out", today=dt.date(2026, 12, 3))
    assert written == tmp_path / "out" / "Case review summary 2026-12-03.xlsx"
    assert str(excel.books.opened[-1].fullname) == str(written)
    assert load_workbook(written)["Summary"]["B3"].value == "Reviews filed: 1 · young people featured: 3"
