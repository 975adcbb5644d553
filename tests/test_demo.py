"""`safecontext demo DIR`, run once as a user would: what it writes, what it prints, what it keeps private."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from addin.config import demo_config

SIZES = {0: 95, 1: 105, 2: 120}  # FAP referrals per term, oldest first (addin.demo.run_demo)
PGIS = {0: 8, 1: 12, 2: 24}       # PGI requests per term


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One run of the real program (it takes 30-60 s); the terms are the ones it chose for today."""
    from addin.demo import demo_terms

    folder = tmp_path_factory.mktemp("demo") / "safecontext-demo"
    env = {k: v for k, v in os.environ.items() if k not in ("SAFECONTEXT_CONFIG", "APPDATA")}
    env.update(XDG_CONFIG_HOME=str(folder.parent / "xdg"), COLUMNS="200", PYTHONIOENCODING="utf-8")
    exe = Path(sys.executable).with_name("safecontext")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "addin.cli"]
    today = dt.date.today()
    proc = subprocess.run(cmd + ["demo", str(folder)], cwd=folder.parent, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    terms = [t for t, _, _ in demo_terms(today, demo_config())]
    return folder, proc, terms


def _personal_values(paths) -> set[str]:
    """Every personal value of the given forms, read back with the reader (dates in several forms)."""
    from addin.intake.reader import read_form

    out: set[str] = set()

    def add(value):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            out.update({f"{value:%d/%m/%Y}", value.isoformat(), f"{value.day}/{value.month}/{value.year}"})
        elif value is not None and len(str(value).strip()) >= 4:
            out.add(str(value).strip())

    for path in paths:
        rec = read_form(path)
        for f in rec.form.fields:
            if f.personal:
                add(rec.raw.get(f.id))
        for t in rec.form.tables:
            for row in rec.tables.get(t.id, []):
                for col in t.columns:
                    if col.personal:
                        add(row.raw.get(col.id))
    return out


def test_it_writes_three_terms_of_forms(demo):
    folder, _, terms = demo
    assert sorted(p.name for p in (folder / "forms").iterdir()) == sorted(terms)
    for i, term in enumerate(terms):
        fap = sorted(p.name for p in (folder / "forms" / term / "fap").glob("*.xlsx"))
        corrected = 1 if i == 2 else 0  # the latest term has one corrected copy of its first referral
        assert len(fap) == SIZES[i] + corrected, term
        sent = list((folder / "forms" / term / "pgi" / "sent").glob("*.xlsx"))
        assert len(sent) == PGIS[i], term
        returned = list((folder / "forms" / term / "pgi" / "returned").glob("*.xlsx"))
        said = _pgi_counts(_demo_out(demo))[i]
        assert len(returned) == said["filed"] + said["refused"] and said["recorded"] == PGIS[i]
        assert said["filed"] + said["refused"] + said["open"] == PGIS[i], term
    assert any(name.endswith("-corrected.xlsx") for name in os.listdir(folder / "forms" / terms[2] / "fap"))


def test_validation_report_and_annotated_copies_agree(demo):
    folder, _, terms = demo
    report = json.loads((folder / "validation-report.json").read_text(encoding="utf-8"))
    assert report and {"file", "sheet", "cell", "field", "code", "severity", "message", "form"} <= set(report[0])
    assert all(Path(p["file"]).is_relative_to(folder / "forms" / terms[2]) for p in report)
    with_problems = {Path(p["file"]).stem for p in report}
    checked = sorted((folder / "checked").glob("*.checked.xlsx"))
    assert {p.name.removesuffix(".checked.xlsx") for p in checked} == with_problems
    wb = load_workbook(checked[0])
    assert "Checks" in wb.sheetnames
    summary = (folder / "validation-summary.txt").read_text(encoding="utf-8")
    pgis = _pgi_counts(_demo_out(demo))[2]
    returned = pgis["filed"] + pgis["refused"]
    assert summary.startswith(f"Checked {SIZES[2] + 1 + returned} forms: {SIZES[2] + 1} FAP referrals, "
                              f"{returned} PGIs.")


def test_store_holds_what_was_filed(demo):
    from addin.store import store_status

    folder, proc, terms = demo
    counts = _demo_counts(proc)
    assert len(counts) == 3
    assert [sum(c) for c in counts] == [SIZES[0], SIZES[1], SIZES[2] + 1]  # every form filed or refused
    assert counts[2][1] == 1  # the corrected copy replaced its first version
    st = store_status(str(folder / "demo-store.sqlite"))
    assert [(t["term"], t["records"]) for t in st["forms"][0]["terms"]] == [(t, c[0]) for t, c in zip(terms, counts)]
    fap, pgi, hsb = st["forms"][:3]
    lines = re.findall(r"^  HSB frameworks \S+: .*; filed (\d+), refused \d+ \(sent back with errors\), (\d+) filed "
                       r"when resent corrected$", proc.stdout, re.M)
    filed = sum(int(first) + int(resent) for first, resent in lines)
    assert len(lines) == 3 and (hsb["form"], hsb["records"], hsb["versions"]) == ("hsb-framework", filed, filed)
    assert fap["versions"] == sum(c[0] for c in counts) + 1  # the first version is kept as history
    pgis = _pgi_counts(proc.stdout)
    assert pgi["records"] == sum(c["filed"] for c in pgis)  # every return filed against its request
    assert pgi["versions"] == pgi["records"] + sum(c["corrected"] for c in pgis)


def _demo_out(demo) -> str:
    return demo[1].stdout


def _pgi_counts(out: str) -> list[dict]:
    keys = ("recorded", "filed", "refused", "open", "corrected", "feedback")
    pattern = (r"^  PGIs: (\d+) requests recorded, (\d+) returned and filed, (\d+) refused \(forms with errors\), "
               r"(\d+) not returned yet, (\d+) corrected by its provider; feedback sent on (\d+)$")
    return [dict(zip(keys, map(int, m))) for m in re.findall(pattern, out, re.M)]


def test_the_pgi_tracker_shows_every_request_and_publishes_suppressed_counts(demo):
    folder, proc, terms = demo
    pgis = _pgi_counts(proc.stdout)
    assert len(pgis) == 3
    wb = load_workbook(folder / "pgi-tracker.xlsx")
    rows = list(wb["Requests"].iter_rows(min_row=6, values_only=True))
    assert len(rows) == sum(PGIS.values())
    status = [r[8] for r in rows]
    assert status.count("Returned") + status.count("Returned with nothing") == sum(c["filed"] for c in pgis)
    assert status.count("Open") + status.count("Overdue") == sum(c["open"] + c["refused"] for c in pgis)
    assert sum(1 for r in rows if r[12] == "Yes") == sum(c["corrected"] for c in pgis)  # changes to acknowledge
    sent = [r for r in rows if isinstance(r[11], dt.datetime)]
    assert len(sent) == sum(c["feedback"] for c in pgis)
    assert len(list((folder / "pgi-feedback").glob("*.docx"))) == len(sent)
    counts = wb["Counts"]
    assert [c.value for c in counts[5]][:4] == ["Count", *terms]
    assert [c.value for c in counts[6]][:4] == ["Requests", 8, 12, 24]
    assert counts["B7"].value == "–"  # 8 requests: fewer than 20, so headline counts only
    latest = [counts.cell(row=r, column=4).value for r in range(7, 11)]
    assert sum(v for v in latest if isinstance(v, int)) <= 24 and all(v == "c" or v == 0 or v >= 5 for v in latest)


def _demo_counts(proc) -> list[tuple[int, int, int]]:
    return [tuple(map(int, m)) for m in re.findall(r"^  filed (\d+), superseded (\d+), refused (\d+)", proc.stdout,
                                                   re.M)]


def test_the_corrected_copy_is_saved_after_its_original_and_is_current(demo):
    from addin.intake.reader import read_form
    from functools import partial

    from addin.store import load_records

    load_referrals = partial(load_records, form="fap-referral")

    folder, _, terms = demo
    fap = folder / "forms" / terms[2] / "fap"
    (corrected,) = fap.glob("*-corrected.xlsx")
    original = fap / corrected.name.replace("-corrected", "")
    assert read_form(corrected).saved_at == read_form(original).saved_at + dt.timedelta(hours=1)
    history = load_referrals(str(folder / "demo-store.sqlite"), terms[2], history=True)
    number = read_form(original).raw["referral_number"]
    chain = history[history["referral_number"] == number].sort_values("version")
    assert list(zip(chain["source_file"], chain["is_current"])) == [(original.name, False), (corrected.name, True)]


def test_filing_the_demo_folder_in_name_order_leaves_the_correction_current(demo, tmp_path, capsys, monkeypatch):
    """The correction's name sorts before its original's: the original, saved earlier, is kept as older."""
    from addin.cli import main
    from functools import partial

    from addin.store import load_records

    load_referrals = partial(load_records, form="fap-referral")

    folder, proc, terms = demo
    fap = folder / "forms" / terms[2] / "fap"
    (corrected,) = fap.glob("*-corrected.xlsx")
    original = fap / corrected.name.replace("-corrected", "")
    assert sorted([original.name, corrected.name]) == [corrected.name, original.name]
    db = tmp_path / "in-name-order.sqlite"
    monkeypatch.setattr(sys, "argv", ["safecontext", "ingest", str(fap), "--db", str(db)])
    monkeypatch.setenv("COLUMNS", "200")
    capsys.readouterr()
    with pytest.raises(SystemExit) as e:
        main()
    out = capsys.readouterr().out
    filed, superseded, refused = _demo_counts(proc)[2]
    assert e.value.code == (1 if refused else 0)
    older = re.findall(rf"^  older +{re.escape(original.name)} \({terms[2]}, version 2\): saved before version 1, "
                       r"which stays current; 'safecontext store restore (\d+) --form fap-referral' makes this one current$", out, re.M)
    assert len(older) == 1, out[-3000:]
    assert f"Filed {filed}, unchanged 0, superseded 0, older 1, refused {refused} into sqlite:///{db}." in out
    current = load_referrals(db, terms[2])
    assert len(current) == filed
    assert corrected.name in set(current["source_file"]) and original.name not in set(current["source_file"])


def test_both_matrices_and_the_briefing(demo):
    from addin.store import store_status

    folder, _, terms = demo
    latest = terms[2]
    current = {t["term"]: t["records"] for t in store_status(str(folder / "demo-store.sqlite"))["forms"][0]["terms"]}[latest]
    internal = load_workbook(folder / f"matrix-{latest}-internal.xlsx")
    assert internal["Summary"]["A2"].value.startswith("INTERNAL – contains unsuppressed counts")
    assert internal["Summary"]["B7"].value == current and internal["Summary"]["A7"].value == "Referrals"
    public = load_workbook(folder / f"matrix-{latest}-publishable.xlsx")
    assert public.sheetnames == internal.sheetnames
    for ws in public.worksheets:
        assert ws["A2"].value.startswith("Publishable")
        assert any(str(cell.value).startswith("Symbols: c = suppressed") for cell in ws["A"])
    doc = Document(folder / f"briefing-{latest}.docx")
    assert doc.paragraphs[0].text == "OFFICIAL – SENSITIVE"
    assert len(doc.inline_shapes) == 3  # concerns, the UpSet chart of overlaps, the trend


def test_publishable_outputs_hold_no_personal_value(demo):
    folder, _, terms = demo
    forms = sorted((folder / "forms").rglob("*.xlsx"))
    sample = forms[::4]  # a quarter of every term's forms, PGIs too
    personal = _personal_values(sample)
    assert len(personal) > 300
    latest = terms[2]
    outputs = [folder / f"matrix-{latest}-publishable.xlsx", folder / f"briefing-{latest}.docx",
               folder / "pgi-tracker.xlsx"]
    for path in outputs:
        with zipfile.ZipFile(path) as z:
            text = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                             if not n.startswith(("word/media/", "xl/media/")))
        assert sorted(p for p in personal if p in text) == [], path.name
    wb = load_workbook(outputs[0])
    cells = " | ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert sorted(p for p in personal if p in cells) == []
    # A feedback letter names its provider and requester (it is a letter to them), never a peer.
    from addin.intake.reader import read_form

    returned = [read_form(path) for path in (folder / "forms").rglob("pgi/returned/*.xlsx")]
    staff = {rec.raw[f] for rec in returned for f in ("provider_name", "requester_name")}
    peers = {row.raw["name"] for rec in returned for row in rec.tables["peers"]} - staff  # random names can meet
    assert len(peers) > 10
    for letter in (folder / "pgi-feedback").glob("*.docx"):
        with zipfile.ZipFile(letter) as z:
            text = z.read("word/document.xml").decode("utf-8")
        assert [p for p in peers if p in text] == [], letter.name


def test_the_output_names_each_file(demo):
    folder, proc, terms = demo
    latest = terms[2]
    out = proc.stdout
    for term in terms:
        assert f"{term}: writing " in out and str(folder / "forms" / term) in out
    for line in (f"Annotated copies of {latest} forms with problems: {folder / 'checked'}",
                 f"Every problem as JSON: {folder / 'validation-report.json'}",
                 f"Store: {folder / 'demo-store.sqlite'}",
                 f"Matrix (internal, exact counts): {folder / f'matrix-{latest}-internal.xlsx'}",
                 f"Matrix (publishable): {folder / f'matrix-{latest}-publishable.xlsx'}",
                 f"Briefing for the board: {folder / f'briefing-{latest}.docx'}",
                 f"PGI feedback letters: {folder / 'pgi-feedback'}",
                 f"PGI tracker (internal requests, publishable counts): {folder / 'pgi-tracker.xlsx'}"):
        assert line in out.splitlines(), line
    assert "Traceback" not in proc.stderr


def test_the_demo_files_hsb_frameworks_across_four_sites_with_reviews_and_writes_the_tracker(demo):
    from addin.intake.reader import read_form
    from addin.store import load_records

    folder, proc, terms = demo
    assert f"HSB tracker (internal, reference codes only): {folder / 'hsb-tracker.xlsx'}" in proc.stdout.splitlines()
    meetings = load_records(str(folder / "demo-store.sqlite"), form="hsb-framework")
    assert set(meetings["site"]) == set(demo_config().sites) and len(demo_config().sites) == 4
    assert set(meetings["meeting_type"]) == {"Initial", "Review"}
    reviewed = meetings.groupby("reference").size()
    assert (reviewed >= 2).sum() >= 10 and len(reviewed) == 30  # 30 cases, most reviewed at least once
    wb = load_workbook(folder / "hsb-tracker.xlsx")
    assert wb.sheetnames == ["Cases", "Interventions", "Gaps", "Changes"]
    assert wb["Gaps"]["A6"].value.startswith("HSB-")  # the study's finding: contexts with factors and no plan
    # The person_id (and every other personal value) of the frameworks is in none of the outputs.
    frameworks = sorted((folder / "forms").rglob("hsb/*.xlsx"))
    ids = {read_form(p).raw["person_id"] for p in frameworks}
    assert len(ids) == 30
    personal = _personal_values(frameworks) | ids
    for path in [folder / "hsb-tracker.xlsx", folder / "pgi-tracker.xlsx", folder / "validation-summary.txt",
                 *folder.glob("matrix-*.xlsx"), *folder.glob("briefing-*.docx")]:
        text = _text_of(path)
        assert sorted(p for p in ids if p in text) == [], path.name
    with zipfile.ZipFile(folder / "hsb-tracker.xlsx") as z:
        text = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert sorted(p for p in personal if p in text) == []
    assert not any(p in proc.stdout + proc.stderr for p in ids)


def test_the_demo_writes_the_hsb_profile_and_its_briefing_without_a_reference_or_personal_value(demo):
    import json

    from addin.intake.reader import read_form

    folder, proc, _ = demo
    lines = proc.stdout.splitlines()
    assert f"HSB cohort profile of 30 cases (internal): {folder / 'hsb-profile-internal.xlsx'}" in lines
    assert f"HSB cohort profile (publishable, and its JSON): {folder / 'hsb-profile-publishable.xlsx'}" in lines
    assert f"HSB briefing for the board: {folder / 'hsb-briefing.docx'}" in lines
    data = json.loads((folder / "hsb-profile-publishable.json").read_text(encoding="utf-8"))
    assert data["cohorts"]["cases"]["all"] == 30
    assert load_workbook(folder / "hsb-profile-internal.xlsx")["Unaddressed (internal)"]["A2"].value.startswith(
        "INTERNAL")
    frameworks = sorted((folder / "forms").rglob("hsb/*.xlsx"))
    grid = {v for p in frameworks for k, v in read_form(p).raw.items() if k.startswith("grid_") and v}
    secrets = _personal_values(frameworks) | {read_form(p).raw["person_id"] for p in frameworks} | grid
    assert len(grid) >= 5  # the demo writes a few phrases into the contextual table
    for path in (folder / "hsb-profile-publishable.xlsx", folder / "hsb-profile-publishable.json",
                 folder / "hsb-briefing.docx"):
        text = _text_of(path)
        assert "HSB-0" not in text, path.name  # no case reference
        assert sorted(str(s) for s in secrets if str(s) in text) == [], path.name


def test_the_demo_audits_three_agencies_over_three_rounds(demo):
    from addin.store import load_records

    folder, proc, _ = demo
    lines = proc.stdout.splitlines()
    assert any(line.startswith("NSPCC HSB audit: 3 agencies' audits of 3 rounds, agreed at the lower score (")
               for line in lines)
    assert f"HSB audit progress report: {folder / 'audit' / 'hsb-audit-progress.xlsx'}" in lines
    assert f"HSB audit briefing for the board: {folder / 'hsb-audit-briefing.docx'}" in lines
    audits = load_records(str(folder / "demo-store.sqlite"), form="hsb-audit")
    assert sorted(set(audits["round"])) == ["T1", "T2", "T3"] and len(set(audits["agency"])) == 4  # and the agreed
    progress = load_workbook(folder / "audit" / "hsb-audit-progress.xlsx")
    assert "Action plan" in progress.sheetnames
    doc = Document(folder / "hsb-audit-briefing.docx")
    assert len(doc.inline_shapes) == 2  # the radar of the rounds and the chart of change


def _text_of(path) -> str:
    """A text file's text, or every XML part of a workbook or document (pictures left out)."""
    if path.suffix in (".txt", ".json"):
        return path.read_text(encoding="utf-8")
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                         if not n.startswith(("word/media/", "xl/media/")))


def test_the_demo_files_six_case_reviews_and_summarises_them_with_no_code_or_free_text_published(demo):
    from addin.intake.reader import read_form
    from addin.store import load_filings, load_records

    folder, proc, _ = demo
    lines = proc.stdout.splitlines()
    assert ("Contextual case reviews: 6 fictional reviews filed (one refused first for a name typed in place of a "
            "code, then corrected), and their cross-case summary.") in lines
    assert f"Case review summary (internal, exact counts): {folder / 'case-review-summary-internal.xlsx'}" in lines
    assert f"Case review summary (publishable): {folder / 'case-review-summary-publishable.xlsx'}" in lines
    store = str(folder / "demo-store.sqlite")
    reviews = load_records(store, form="case-review")
    assert sorted(reviews["review_reference"]) == ["HA", "HB", "HC", "HD", "HE", "HF"]
    log = load_filings(store)
    log = log[log["form"] == "case-review"]
    assert sorted(log["outcome"]) == ["filed"] * 6 + ["refused"]
    assert log[log["outcome"] == "refused"]["detail"].iloc[0].startswith("errors: CCR-020, CCR-024")
    internal = load_workbook(folder / "case-review-summary-internal.xlsx")["Summary"]
    assert internal["B3"].value.startswith("Reviews filed: 6 · young people featured: ")
    # The demo's configuration publishes a breakdown only from 20 reviews: six give their number alone.
    public = load_workbook(folder / "case-review-summary-publishable.xlsx")["Summary"]
    assert public["B3"].value == "Reviews filed: 6"
    assert public["B5"].value.startswith("Fewer than 20 reviews are filed, so only their number is published")
    paths = sorted((folder / "case-reviews").glob("*.xlsx"))
    codes = {row.raw["code"] for p in paths for row in read_form(p).tables["young_people"]}
    assert "HA01" in codes and "Jordan" in codes
    secrets = _personal_values(paths) | codes | {c.removesuffix("01") for c in codes if c.endswith("01")}
    text = _text_of(folder / "case-review-summary-publishable.xlsx")
    assert sorted(s for s in secrets if re.search(rf"\b{re.escape(s)}\b", text)) == []
    assert "Jordan" not in proc.stdout + proc.stderr and "Jordan" not in " ".join(map(str, log["detail"]))
