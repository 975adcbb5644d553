"""The cross-case summary of contextual case reviews: exact counts for the partnership, and a publishable version
with small numbers suppressed that holds no code and no free text."""
from __future__ import annotations

import datetime as dt
import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from addin.config import demo_text
from case_reviews import FORM, valid_review_tables, valid_review_values


def _variant(i: int) -> tuple[dict, dict]:
    """Review i (0: the valid one) with its own case code HA, HB, ...; the later ones lack a school context."""
    case = "ABCDEFG"[i]
    values = valid_review_values(review_reference=f"H{case}", **({"definition_cse": True, "schools": None,
                                                                   "behaviour_sexual_during": None} if i else {}))
    if i == 6:
        values["review_date"] = dt.date(2026, 6, 10)  # a term before the others
    tables = valid_review_tables()
    rename = {f"HA0{n}": f"H{case}0{n}" for n in (1, 2, 3)}
    for tid, rows in tables.items():
        for r in rows:
            for k in ("code", "prior_code", "post_code"):
                if k in r:
                    r[k] = rename[r[k]]
    for k, v in list(values.items()):
        if k.startswith("outcome_") and k.endswith("_code") and v:
            values[k] = ", ".join(rename.get(c.strip(), c.strip()) for c in v.split(","))
    if i:
        tables["overview"] = [r for r in tables["overview"] if r["environment"] != "School"]
    return values, tables


@pytest.fixture(scope="module")
def filed(tmp_path_factory, config):
    """Seven reviews filed in one store (HA complete; HB-HG with CSE ticked and no school context)."""
    from addin.checks.run import check_files
    from addin.forms import get_form
    from addin.forms.fill import Filler
    from addin.store import file_batch

    folder = tmp_path_factory.mktemp("reviews")
    filler = Filler(get_form(FORM), config)
    paths = [filler.save(folder / f"review-{i}.xlsx", *_variant(i)) for i in range(7)]
    results = check_files(paths, config)
    assert [r.status for r in results] == ["valid"] * 7, [str(p) for r in results for p in r.problems]
    db = folder / "store.sqlite"
    file_batch(db, results, config)
    return db, paths


def test_the_summary_counts_reviews_contexts_and_young_people(filed, config):
    from addin.catalogue.case_review.summary import load_summary

    db, _ = filed
    s = load_summary(config, db=str(db))
    assert (s.reviews, s.young_people, s.terms) == (7, 21, ["2026-summer", "2026-autumn"])  # in order
    assert s.tables["definitions"] == {"Child sexual exploitation": {"Reviews": 6}, "Domestic Abuse": {"Reviews": 0},
                                       "Serious youth violence": {"Reviews": 7},
                                       "Gang-associated violence": {"Reviews": 0},
                                       "Harmful sexual behaviour": {"Reviews": 7}}
    assert s.tables["behaviours"]["Sexual"] == {"Prior (during escalation)": 0, "During incident": 1,
                                                "Following incident": 0}
    assert s.tables["behaviours"]["Emotional"] == {"Prior (during escalation)": 7, "During incident": 0,
                                                   "Following incident": 7}
    # Each review: homes H1 (risk) and H2 (safety), PG1 (both), N1 (risk); S1 (risk) in HA only.
    assert s.tables["contexts"] == {
        "Home": {"Contexts": 14, "With evidence of risk": 7, "With evidence of safety": 7},
        "Peer group": {"Contexts": 7, "With evidence of risk": 7, "With evidence of safety": 7},
        "School": {"Contexts": 1, "With evidence of risk": 1, "With evidence of safety": 0},
        "Neighbourhood": {"Contexts": 7, "With evidence of risk": 7, "With evidence of safety": 0}}
    assert s.tables["context_factors"]["Peer group"] == {"Abusive behaviours": 7, "Criminality": 0,
                                                         "Harmful gender norms": 7,
                                                         "Lack of capacity to safeguard": 7, "Protective factors": 7}
    assert s.tables["engagement"]["Police"] == {"Prior to incident": 7, "Prior to identification": 0}
    assert s.tables["engagement"]["Health (insert)"] == {"Prior to incident": 0, "Prior to identification": 7}
    assert s.tables["outcomes"]["Charges"] == {"Reviews": 7} and s.tables["outcomes"]["Looked after"] == {"Reviews": 0}
    assert s.tables["safeguarded"] == {"Yes": {"Young people": 7}, "No": {"Young people": 7},
                                       "Partial": {"Young people": 7}}


def test_publishable_numbers_hide_small_counts_and_small_differences(filed, config):
    from addin.catalogue.case_review.summary import Summary, load_summary, publishable

    db, _ = filed
    p = publishable(load_summary(config, db=str(db)), threshold=5, minimum=0)
    assert p.reviews == 7 and not p.withheld
    # CSE 6 of 7 reviews: the one without it would show, so 6 is hidden; SYV 7 of 7 leaves a true zero.
    assert p.tables["definitions"] == {"Child sexual exploitation": {"Reviews": "c"}, "Domestic Abuse": {"Reviews": 0},
                                       "Serious youth violence": {"Reviews": 7},
                                       "Gang-associated violence": {"Reviews": 0},
                                       "Harmful sexual behaviour": {"Reviews": 7}}
    assert p.tables["behaviours"]["Sexual"] == {"Prior (during escalation)": 0, "During incident": "c",
                                                "Following incident": 0}
    # One school context: its row is hidden but for the true zero.
    assert p.tables["contexts"]["School"] == {"Contexts": "c", "With evidence of risk": "c",
                                              "With evidence of safety": 0}
    assert p.tables["context_factors"]["School"] == {"Abusive behaviours": 0, "Criminality": 0,
                                                     "Harmful gender norms": 0, "Lack of capacity to safeguard": 0,
                                                     "Protective factors": 0}
    assert p.tables["contexts"]["Home"] == {"Contexts": 14, "With evidence of risk": 7, "With evidence of safety": 7}
    # Four reviews: their number is hidden, and so every count of reviews.
    exact = load_summary(config, db=str(db))
    four = {t: {r: {c: min(v, 4) for c, v in cols.items()} for r, cols in rows.items()}
            for t, rows in exact.tables.items()}
    few = publishable(Summary(4, 12, four), threshold=5, minimum=0)
    assert few.reviews == "c" and few.tables["definitions"]["Harmful sexual behaviour"] == {"Reviews": "c"}
    # The configured minimum (20 in the demo configuration) withholds the breakdown of seven reviews.
    withheld = publishable(load_summary(config, db=str(db)), threshold=5, minimum=20)
    assert withheld.withheld and withheld.tables == {} and withheld.as_json() == {"reviews": 7}


def _xml_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def test_the_command_writes_both_workbooks_and_the_publishable_one_holds_no_code_or_free_text(filed, sc, tmp_path):
    db, paths = filed
    config = tmp_path / "open.toml"  # every number of seven reviews published (the demo's minimum is 20)
    config.write_text(demo_text().replace("minimum_publishable_total = 20", "minimum_publishable_total = 0"),
                      encoding="utf-8")
    internal, public = tmp_path / "internal.xlsx", tmp_path / "public.xlsx"
    run = sc("case-review", "summary", "-o", internal, "--db", db, "--config", config)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"Wrote the summary of 7 filed case reviews (internal, exact counts) to {internal}."
    run = sc("case-review", "summary", "-o", public, "--publishable", "--json", tmp_path / "public.json", "--db", db,
             "--config", config)
    assert run.stdout.strip() == (f"Wrote the summary of 7 filed case reviews (publishable, small numbers "
                                  f"suppressed) to {public}.")
    one = tmp_path / "summer.xlsx"
    run = sc("case-review", "summary", "-o", one, "--term", "2026-summer", "--db", db, "--config", config)
    assert run.stdout.strip() == f"Wrote the summary of 1 filed case review (internal, exact counts) to {one}."
    ws = load_workbook(internal)["Summary"]
    assert ws["B1"].value == "Contextual case reviews: cross-case summary"
    assert ws["B2"].value.endswith("· internal: exact counts, not for publication · terms 2026-summer to 2026-autumn")
    assert ws["B3"].value == "Reviews filed: 7 · young people featured: 21"
    assert [ws.cell(row=7, column=j).value for j in (2, 3)] == [None, "Reviews"]
    assert [ws.cell(row=8, column=j).value for j in (2, 3)] == ["Child sexual exploitation", 6]
    ws = load_workbook(public)["Summary"]
    assert ws["B3"].value == "Reviews filed: 7"
    assert [ws.cell(row=8, column=j).value for j in (2, 3)] == ["Child sexual exploitation", "c"]
    assert ws.cell(row=ws.max_row, column=2).value.startswith("Symbols: c = suppressed: fewer than 5")
    published = json.loads((tmp_path / "public.json").read_text(encoding="utf-8"))
    assert published["reviews"] == 7 and published["contexts"]["School"]["Contexts"] == "c"
    # No code (case, individual, context) and no free text of the reviews in the publishable outputs.
    from addin.intake.reader import read_form

    secrets = set()
    for path in paths:
        rec = read_form(path)
        secrets |= {str(v) for f in rec.form.fields if (f.personal or f.id == "review_reference")
                    and (v := rec.raw.get(f.id))}
        secrets |= {str(v) for t in rec.form.tables for row in rec.tables.get(t.id, []) for c in t.columns
                    if (c.personal or "code" in c.id) and (v := row.raw.get(c.id))}
    assert {"HA", "HB01", "PG1", "HA01 'punched' by HA02 a month prior to the incident."} <= secrets
    for out in (public, tmp_path / "public.json"):
        text = _xml_text(out) if out.suffix == ".xlsx" else out.read_text(encoding="utf-8")
        assert sorted(s for s in secrets if re.search(rf"(?<![A-Za-z0-9]){re.escape(s)}(?![A-Za-z0-9])", text)) == []
