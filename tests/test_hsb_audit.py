"""The NSPCC HSB framework audit: its statements (verbatim from seed 004), the blank workbook with its live
Summary and radar, recalculated by LibreOffice as scores are typed."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.catalogue.hsb_audit.declaration import DOMAINS, SCORES, STATEMENTS, STEMS, scored, statements
from addin.catalogue.hsb_audit.scores import domain_means, tables_for
from addin.catalogue.hsb_audit.summary import score_cell
from addin.forms import get_form

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "004_c92d5156156b14bd.txt"
ROUND = {"agency": "Ashbridge Police", "round": "T1", "round_date": dt.date(2026, 10, 5),
         "completed_by_role": "Detective Inspector, safeguarding"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(not SEED.exists(), reason="the seeds are not beside this checkout")
def test_the_statements_are_the_seeds_audit_tables_verbatim():
    rows = re.compile(r"^(?:<p>)?(\d\.\d[a-c]?)\s+(.*?)\t\t\t\s*$")
    seed = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        m = rows.match(line)
        if m:
            text = re.sub(r"<[^>]+>", " ", m.group(2))  # the seed's markup (3.6 and 5.2 hold lists)
            seed.append((m.group(1), " ".join(text.split())))
    assert [(k, " ".join(t.split())) for k, t in STATEMENTS] == seed


def test_49_statement_rows_46_scored_8_or_10_a_domain():
    assert len(STATEMENTS) == 49 and len(scored()) == 46 and STEMS == ("1.6", "2.1", "4.1")
    assert [len(scored(n)) for n, _, _ in DOMAINS] == [10, 10, 8, 10, 8]
    assert scored(1) == ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6a", "1.6b", "1.6c", "1.7", "1.8")


def test_the_blank_has_a_table_per_domain_with_fixed_statements_and_a_score_drop_down(config, tmp_path):
    from addin.forms.blank import write_blank

    path = write_blank(get_form("hsb-audit"), tmp_path / "audit.xlsx", config)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Audit", "Summary", "Lists", "_safecontext"]
    ws = wb["Audit"]
    assert sorted(ws.tables) == ["domain_1", "domain_2", "domain_3", "domain_4", "domain_5"]
    assert ws.tables["domain_3"].ref == "B46:F54"
    assert [c.name for c in ws.tables["domain_1"].tableColumns] == [
        "Statement", "Statement text", "Score", "Evidence supporting this score",
        "Assurance systems in place locally for QA/evidencing this statement"]
    assert [ws[f"B{r}"].value for r in range(47, 55)] == list(scored(3))
    assert ws["C47"].value == STATEMENTS[22][1] and ws["C47"].value.startswith("The assessment tools used")
    assert ws["B47"].protection.locked and ws["C47"].protection.locked  # the statement is fixed
    assert not ws["D47"].protection.locked and not ws["E47"].protection.locked and ws.protection.sheet
    stem = score_cell_of(wb, "1.6")
    assert stem == "D20" and ws["B20"].value == "1.6" and ws[stem].protection.locked  # shown, not scored
    (score_list,) = [dv for dv in ws.data_validations.dataValidation if "D47" in str(dv.sqref)]
    assert score_list.type == "list"
    letter = score_list.formula1.split("!$")[1][0]
    assert [wb["Lists"][f"{letter}{i}"].value for i in range(2, 7)] == list(SCORES)
    assert SCORES[3] == "3 - To a fair extent/frequently/good evidence of this"


def score_cell_of(wb, number: str) -> str:
    """The score cell of a statement, found in the workbook by its number."""
    ws = wb["Audit"]
    (row,) = [c.row for c in ws["B"] if c.value == number]
    return f"D{row}"


def test_the_summary_means_are_formulas_over_the_score_cells_and_the_radar_is_a_chart_part(fillers, tmp_path):
    filler = fillers("hsb-audit")
    assert score_cell(filler.layout, "1.1") == "D15" and score_cell(filler.layout, "5.8") == "D83"
    path = tmp_path / "a.xlsx"
    filler.save(path, ROUND, tables_for({"1.1": 3}))
    ws = load_workbook(path)["Summary"]
    assert [ws[f"B{r}"].value for r in range(5, 11)] == ["1. Responses", "2. Prevention", "3. Assessment",
                                                         "4. Interventions", "5. Development", "All domains"]
    assert ws["E5"].value == '=IF(COUNT(D14:D23)=0,"",AVERAGE(D14:D23))'
    assert ws["B14"].value == "1.1" and ws["D14"].value == (
        "=IFERROR(MATCH('Audit'!$D$15,'Lists'!$D$2:$D$6,0)-1,IF(ISNUMBER('Audit'!$D$15),"
        "IF(AND('Audit'!$D$15>=0,'Audit'!$D$15<=4,'Audit'!$D$15=INT('Audit'!$D$15)),'Audit'!$D$15,\"\"),\"\"))")
    with zipfile.ZipFile(path) as z:  # a chart part of its own, as Excel writes one
        assert "xl/charts/chart1.xml" in z.namelist()
    (chart,) = ws._charts
    assert chart.tagname == "radarChart" and chart.type == "marker"
    (series,) = chart.series
    assert (series.val.numRef.f, series.cat.numRef.f if series.cat.numRef else series.cat.strRef.f) == (
        "'Summary'!$E$5:$E$9", "'Summary'!$B$5:$B$9")
    assert (chart.y_axis.scaling.min, chart.y_axis.scaling.max) == (0, 4)


def _recalculated(path: Path, outdir: Path) -> dict:
    """The Summary's domain means as LibreOffice calculates them (headless: convert, read the cached values)."""
    outdir.mkdir()
    run = subprocess.run([soffice(), f"-env:UserInstallation={(outdir / 'lo').as_uri()}", "--headless",
                          "--convert-to", "xlsx", "--outdir", str(outdir), str(path)],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr
    ws = load_workbook(outdir / path.name, data_only=True)["Summary"]
    return {ws[f"B{r}"].value: (ws[f"C{r}"].value, ws[f"E{r}"].value) for r in range(5, 11)}


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_the_summary_means_as_scores_are_typed(fillers, tmp_path):
    filler = fillers("hsb-audit")
    first = {"1.1": 4, "1.2": 2, "1.6a": 1, "3.1": 3, "5.8": 0}
    filler.save(tmp_path / "t1.xlsx", ROUND, tables_for(first))
    assert _recalculated(tmp_path / "t1.xlsx", tmp_path / "one") == {
        "1. Responses": (3, pytest.approx(7 / 3)), "2. Prevention": (0, None), "3. Assessment": (1, 3),
        "4. Interventions": (0, None), "5. Development": (1, 0), "All domains": (5, 2)}
    # New scores typed into the same cells, as a person would (a number alone is read as its score too).
    wb = filler.fill(ROUND, tables_for({**first, "1.2": 4, "2.2": 1, "2.3": 2}))
    wb["Audit"][score_cell(filler.layout, "4.8")] = 3
    wb.save(tmp_path / "t2.xlsx")
    means = _recalculated(tmp_path / "t2.xlsx", tmp_path / "two")
    assert means == {"1. Responses": (3, 3), "2. Prevention": (2, 1.5), "3. Assessment": (1, 3),
                     "4. Interventions": (1, 3), "5. Development": (1, 0), "All domains": (8, 2.25)}
    typed = {**first, "1.2": 4, "2.2": 1, "2.3": 2, "4.8": 3}
    assert {f"{n}. {s}": m for (n, s, _), m in zip(DOMAINS, domain_means(typed).values())} == {
        k: v[1] for k, v in means.items() if k != "All domains"}


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_the_audit_prints_in_libreoffice_with_the_radar(fillers, tmp_path):
    filler = fillers("hsb-audit")
    path = filler.save(tmp_path / "audit.xlsx", ROUND, tables_for({k: i % 5 for i, k in enumerate(scored())}))
    run = subprocess.run([soffice(), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr
    pdf = (tmp_path / "audit.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_statement_rows_without_a_score_or_evidence_are_not_rows(make_form, check):
    """The statement's number and text are printed on the blank (a preset of two columns): not entries."""
    result = check(make_form("hsb-audit", ROUND, tables_for({"1.2": 3}, {"1.2": "Quarterly HSB data report"})))
    assert result.tables["domain_1"] == [{"_row": 2, "statement": "1.2", "statement_text": STATEMENTS[1][1],
                                          "score": SCORES[3], "evidence": "Quarterly HSB data report",
                                          "assurance": None}]
    assert result.tables["domain_2"] == []


def test_a_configured_safecontext_prefills_1_1_and_1_2_with_publishable_counts_from_its_store(fillers, tmp_path):
    """Item 5: HSB frameworks (the latest meeting of each case) and FAP referrals with an HSB concern, by age band,
    gender and ethnicity group; small counts are c, and no hidden count can be worked out from the total."""
    from addin.checks.run import check_files
    from addin.config import demo_text, load_config
    from addin.forms.blank import write_blank
    from addin.store import file_batch
    from addin.validators.common import with_check_letter
    from conftest import valid_fap_tables, valid_fap_values
    from hsb_forms import valid_hsb_tables, valid_hsb_values

    config_path = tmp_path / "safecontext.toml"
    config_path.write_text(demo_text(), encoding="utf-8")  # its store: safecontext-store.sqlite beside it
    cfg = load_config(config_path)
    hsb, fap = fillers("hsb-framework"), fillers("fap-referral")
    people = [("HSB-0001", 11, "Male", "WBRI - White British", dt.date(2026, 9, 7)),
              ("HSB-0001", 12, "Male", "WBRI - White British", dt.date(2026, 11, 2)),  # its review: counted once
              ("HSB-0002", 12, "Male", "WBRI - White British", dt.date(2026, 9, 8)),
              ("HSB-0003", 13, "Female", "BAFR - Black African", dt.date(2026, 9, 9)),
              ("HSB-0004", 14, "Male", "WBRI - White British", dt.date(2026, 9, 10)),
              ("HSB-0005", 16, "Female", "WBRI - White British", dt.date(2026, 9, 11)),
              ("HSB-0006", 17, "Male", "WIRI - White Irish", dt.date(2026, 9, 14))]
    paths = [hsb.save(tmp_path / f"h{i}.xlsx", valid_hsb_values(reference=ref, age=age, gender=g, ethnicity=e,
                                                                meeting_date=d), valid_hsb_tables())
             for i, (ref, age, g, e, d) in enumerate(people)]
    paths += [fap.save(tmp_path / f"f{i}.xlsx", valid_fap_values() | {"upn": with_check_letter(f"99912342{i:04d}"),
                                                                       "concern_hsb": "Yes" if i < 3 else None},
                       valid_fap_tables()) for i in range(4)]
    report = file_batch(cfg.store, check_files(paths, cfg), cfg)
    assert report.count("filed") == 11
    ws = load_workbook(write_blank(get_form("hsb-audit"), tmp_path / "audit.xlsx", cfg))["Audit"]
    day = dt.date.today().strftime("%d/%m/%Y")
    note = (f"From the SafeContext store on {day}; counts from 1 to 4 are shown as c, and others hidden where they "
            "would reveal one.")
    assert ws["E15"].value == ("Cases with a contextual HSB framework: 6. FAP referrals recording harmful sexual "
                               f"behaviour: c. {note}")
    assert ws["E16"].value == (
        "Cases with a contextual HSB framework (6): by age 10 to 13 c, 14 to 15 c, 16 or over c; by gender Female c, "
        "Male c; by ethnicity group Black c, White c. FAP referrals recording harmful sexual behaviour (c): by age "
        f"10 to 13 c; by gender Female c; by ethnicity group White c. {note}")
    assert ws["D15"].value is None  # the score stays the partnership's to give
    with zipfile.ZipFile(tmp_path / "audit.xlsx") as z:  # counts only: no child's name, UPN or case code
        xml = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    assert not [v for v in ("Sam Testpupil", valid_fap_values()["upn"], "HSB-0001", "CMS-778812") if v in xml]
    # The built-in demo configuration (no file) reads no store: the committed blank stays the same everywhere.
    assert load_workbook(write_blank(get_form("hsb-audit"), tmp_path / "b.xlsx", config_for_demo()))["Audit"][
        "E15"].value is None


def config_for_demo():
    from addin.config import demo_config

    return demo_config()
