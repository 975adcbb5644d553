"""The audit's Excel buttons, with the fake Excel of tests/fake_xlwings.py: Merge audits and Audit progress."""
from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

import addin.excel as sc
from addin.catalogue.hsb_audit.scores import tables_for
from addin.config import load_config
from test_excel_addin import excel, last_alert, open_form, store, user_config  # noqa: F401 (fixtures)
from test_hsb_audit_merge import HEALTH, POLICE, SCHOOLS, evidence_of, scores_of, values


def test_merge_audits_asks_for_the_round_agrees_files_and_opens_it(excel, make_form, user_config, store, fillers,  # noqa: F811
                                                                   tmp_path):
    from addin.checks.run import check_files
    from addin.store import file_batch, load_records

    cfg = load_config(user_config)
    filler = fillers("hsb-audit")
    paths = [filler.save(tmp_path / f"{a.split()[1]}.xlsx", values(a), tables_for(scores_of(a), evidence_of(a)))
             for a in (POLICE, HEALTH, SCHOOLS)]
    file_batch(cfg.store, check_files(paths, cfg), cfg)
    book = open_form(excel, make_form, "hsb-audit", values=values(POLICE), tables={}, name="police")
    excel.answers = ["round one"]
    assert sc.merge_audits(book, folder=tmp_path / "out") is None
    assert last_alert(excel)["prompt"] == ("'round one' is not a round (T1 is the baseline, then T2, T3, ...), so "
                                           "nothing was merged. Click the button again.")
    excel.answers = ["t1"]
    done = sc.merge_audits(book, folder=tmp_path / "out")
    assert done.path == tmp_path / "out" / "NSPCC HSB audit T1 agreed.xlsx"
    assert str(excel.books.opened[-1].fullname) == str(done.path)
    assert last_alert(excel) == {
        "prompt": "Agreed round T1 from 3 agencies' audits (the lowest score of each statement) and filed it as the "
                  "partnership's (filed).\n\n3 disagreement(s) of 2 points or more:\n"
                  "• 1.3 (Ashbridge Health 2, Ashbridge Police 4, Ashbridge Schools 1)\n"
                  "• 2.5 (Ashbridge Health 2, Ashbridge Police 0, Ashbridge Schools 1)\n"
                  "• 5.8 (Ashbridge Police 2, Ashbridge Schools 4)",
        "title": "SafeContext", "mode": "info"}
    assert "Partnership (agreed)" in set(load_records(cfg.store, form="hsb-audit")["agency"])
    path = sc.audit_progress(book, folder=tmp_path / "out", today=dt.date(2026, 12, 3))
    assert path == tmp_path / "out" / "NSPCC HSB audit progress 2026-12-03.xlsx"
    assert load_workbook(path)["Progress"]["C6"].value == 2.7  # domain 1 at T1: (8 x 3 + 1 + 2) / 10


def test_audit_progress_with_nothing_filed_says_what_to_do(excel, make_form, user_config, tmp_path):  # noqa: F811
    book = open_form(excel, make_form, "hsb-audit", values=values(POLICE), tables={}, name="police")
    assert sc.audit_progress(book, folder=tmp_path) is None
    assert "nothing has been filed there yet" in last_alert(excel)["prompt"]
