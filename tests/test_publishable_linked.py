"""The same number on several sheets of the publishable matrix is hidden everywhere or nowhere.

A concern's total appears on Summary, as the Total row of Schools, Wards and the three
Demographics blocks, on Contexts and Groups & provision, on the co-occurrence diagonal and in
the Trend's last row; the number of referrals and the number with any concern appear in several
places too.  Each block is suppressed on its own, so a total hidden in one block (to protect a
cell) but shown in another would undo that block's protection.  These properties check, for
random terms heavy with small counts, that it never happens.
"""
from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.forms import get_form
from addin.forms.codes import ETHNICITY
from addin.catalogue.fap_referral.declaration import CONCERNS
from addin.catalogue.fap_referral.matrix.build import ANY, POP_CONCERNS, REFERRALS, build, trend_table
from addin.catalogue.fap_referral.matrix.publishable import is_headline, publishable

FORM = get_form("fap-referral")
SCHOOLS = ["Ashbridge Academy", "Kingsmead Academy", "Elmstead Community College"]
WARDS = ["Abbey", "Marsh", "Castle"]
ETHNICITIES = [ETHNICITY[0], ETHNICITY[5], ETHNICITY[12], None]
TERM = "2026-autumn"

referral = st.fixed_dictionaries({
    "school": st.sampled_from(SCHOOLS + [None]),
    "ward": st.sampled_from(WARDS + [None]),
    "gender": st.sampled_from(["Male", "Female", None]),
    "ethnicity": st.sampled_from(ETHNICITIES),
    "year_group": st.sampled_from([7, 8, 9, 10, 11, None]),
    "ticks": st.lists(st.booleans(), min_size=len(CONCERNS), max_size=len(CONCERNS)),
    "peer_info": st.sampled_from([None, "named peers"]),
})


def frame(referrals: list[dict]) -> pd.DataFrame:
    rows = []
    for i, r in enumerate(referrals):
        row = {f.id: None for f in FORM.fields}
        row.update({k: v for k, v in r.items() if k != "ticks"})
        row.update(dict(zip(CONCERNS, r["ticks"])))
        row["record_id"] = i + 1
        rows.append(row)
    return pd.DataFrame(rows, columns=[f.id for f in FORM.fields] + ["record_id"])


def published(config, referrals: list[dict], previous: list[dict]) -> dict:
    """Every place each shared number is printed: key -> list of (where, value shown).

    No minimum number of referrals: these terms are small on purpose, and published in full."""
    df = frame(referrals)
    counts = pd.DataFrame([_term_counts(frame(previous)), _term_counts(df)], index=["2026-summer", TERM])
    sheets = {s.name: s for s in publishable(build(df, TERM, trend_table(counts), config), 5, minimum_total=0)}
    labels = dict(CONCERNS)
    places: dict[str, list] = {}

    def put(key, where, value):
        places.setdefault(key, []).append((where, value))

    summary = sheets["Summary"]
    put(REFERRALS, "Summary line", dict(summary.lines)[REFERRALS])
    if is_headline(list(sheets.values())):  # a term nothing could protect: the number of referrals only
        return places
    put(ANY, "Summary line", dict(summary.lines)[ANY])
    for label, value in summary.blocks[0].counts[REFERRALS].items():
        put(label, "Summary block", value)
    for name in ("Schools", "Wards", "Demographics"):
        for b in sheets[name].blocks:
            put(REFERRALS, f"{name}: {b.title} grand total", b.grand_total)
            for label, value in b.col_totals.items():
                put(label, f"{name}: {b.title} Total row", value)
    for name in ("Contexts", "Groups & provision"):
        b = sheets[name].blocks[0]
        for label, value in b.col_totals.items():
            put(REFERRALS if label == "All referrals" else label, f"{name} Total row", value)
    overlaps = sheets["Overlaps"].blocks
    put(ANY, "Overlaps combinations total", overlaps[0].col_totals[REFERRALS])
    put(ANY, "Overlaps number of concerns total", overlaps[1].col_totals[REFERRALS])
    for c in POP_CONCERNS:
        put(labels[c], "co-occurrence diagonal", overlaps[2].counts.loc[labels[c], labels[c]])
    trend = sheets["Trend"].blocks[0].counts
    for label, value in trend.loc[TERM].items():
        put(label, "Trend this term", value)
    put(REFERRALS, "Data quality", dict(sheets["Data quality"].lines)["Referrals filed"])
    return places


def _term_counts(df: pd.DataFrame) -> dict:
    ticks = df[list(CONCERNS)].fillna(False).astype(bool)
    return {"records": len(df), "any": int(ticks[POP_CONCERNS].any(axis=1).sum())} | \
        {c: int(ticks[c].sum()) for c in CONCERNS}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.lists(referral, min_size=0, max_size=40), st.lists(referral, max_size=8))
def test_a_number_shown_in_one_place_is_never_hidden_in_another(config, referrals, previous):
    for key, shown in published(config, referrals, previous).items():
        values = {value for _, value in shown}
        assert len(values) == 1, f"{key} is published inconsistently: {shown}"


def test_the_places_checked_cover_every_shared_total(config):
    """The property above looks where it should: a term with every concern ticked once or more."""
    referrals = [{"school": s, "ward": w, "gender": "Female", "ethnicity": ETHNICITY[0], "year_group": 9,
                  "ticks": [True] * len(CONCERNS), "peer_info": None}
                 for s in SCHOOLS for w in WARDS]
    places = published(config, referrals, [])
    assert places[REFERRALS] == [("Summary line", 9)] + [(w, 9) for w, _ in places[REFERRALS][1:]]
    assert len(places[REFERRALS]) == 1 + 5 + 2 + 1 + 1  # Summary, 5 by-concern blocks, 2 Total rows, Trend, DQ
    assert [w for w, _ in places["CSE"]] == [
        "Summary block", "Schools: Referrals by school and concern Total row",
        "Wards: Referrals by ward and concern Total row", "Demographics: Referrals by gender and concern Total row",
        "Demographics: Referrals by ethnicity group and concern Total row",
        "Demographics: Referrals by year group and concern Total row", "Contexts Total row",
        "Groups & provision Total row", "co-occurrence diagonal", "Trend this term"]
    assert {v for _, v in places["CSE"]} == {9}


def test_a_total_one_block_must_hide_is_hidden_on_every_sheet(config):
    """Five harmful sexual behaviour referrals, one in each year group: shown as 5 anywhere, the
    Year group block's five "c"s would each be exactly 1. So the 5 is hidden everywhere.  (So is CSE's
    20: every referral has CSE, so with 20 shown the 5 referrals with both, on the co-occurrence table,
    would be all those with harmful sexual behaviour; addin.catalogue.fap_referral.matrix.informed.)"""
    hsb = list(CONCERNS).index("concern_hsb")
    cse = list(CONCERNS).index("concern_cse")

    def ticks(*at):
        return [i in at for i in range(len(CONCERNS))]

    referrals = [{"school": SCHOOLS[i % 3], "ward": WARDS[i % 3], "gender": "Male", "ethnicity": ETHNICITY[0],
                  "year_group": 7 + i, "ticks": ticks(hsb, cse), "peer_info": "x"} for i in range(5)]
    referrals += [{"school": SCHOOLS[i % 3], "ward": WARDS[i % 3], "gender": "Female", "ethnicity": ETHNICITY[0],
                   "year_group": 9, "ticks": ticks(cse), "peer_info": "x"} for i in range(15)]
    places = published(config, referrals, [])
    label = dict(CONCERNS)["concern_hsb"]
    assert len(places[label]) == 10 and {v for _, v in places[label]} == {"c"}
    assert len(places["CSE"]) == 10 and {v for _, v in places["CSE"]} == {"c"}
    assert {v for _, v in places[REFERRALS]} == {20}
    sheets = {s.name: s for s in publishable(build(frame(referrals), TERM, trend_table(pd.DataFrame(
        [_term_counts(frame(referrals))], index=[TERM])), config), 5)}
    years = sheets["Demographics"].blocks[2]
    assert years.counts[label].tolist() == ["c", "c", "c", "c", "c"]  # Years 7 to 11
    assert ("Most common concern 2", label) not in sheets["Summary"].lines


def test_an_earlier_terms_hidden_numbers_stay_hidden_in_this_terms_trend_and_lines(config):
    label = dict(CONCERNS)["concern_hsb"]
    now = [{"school": SCHOOLS[i % 3], "ward": WARDS[i % 3], "gender": "Female", "ethnicity": ETHNICITY[0],
            "year_group": 9, "ticks": [c == "concern_cse" for c in CONCERNS], "peer_info": "x"} for i in range(20)]
    before = [dict(r, ticks=[c in ("concern_cse", "concern_hsb") for c in CONCERNS]) for r in now[:12]]
    counts = pd.DataFrame([_term_counts(frame(before)), _term_counts(frame(now))], index=["2026-summer", TERM])
    sheets = build(frame(now), TERM, trend_table(counts), config)
    trend = publishable(sheets, 5, {"2026-summer": {label, REFERRALS}})
    by_name = {s.name: s for s in trend}
    row = by_name["Trend"].blocks[0].counts.loc["2026-summer"]
    assert (row[label], row["CSE"], row[REFERRALS]) == ("c", 12, "c")
    lines = dict(by_name["Summary"].lines)
    assert (lines["Referrals in 2026-summer"], lines["Change in referrals"], lines[f"{ANY} in 2026-summer"]) == \
        ("c", "c", 12)
    shown = {s.name: s for s in publishable(sheets, 5)}  # nothing hidden back then: shown as counted
    assert shown["Trend"].blocks[0].counts.loc["2026-summer", label] == 12


def test_the_matrix_from_the_store_hides_what_the_earlier_terms_own_matrix_hid(config, tmp_path):
    """End to end: summer's five harmful sexual behaviour referrals, one per year group, are hidden in
    summer's own publishable matrix, so autumn's Trend does not show them either."""
    import datetime as dt

    from addin.checks.run import check_files
    from addin.forms.fill import Filler
    from addin.catalogue.fap_referral.matrix import matrix_sheets
    from addin.store import file_batch
    from addin.validators.common import with_check_letter
    from addin.validators.fap_referral import expected_year_group

    def form(i: int, day: dt.date, year: int, *concerns: str):
        dob = next(dt.date(by, 3, 1) for by in range(2005, 2022) if expected_year_group(dt.date(by, 3, 1), day) == year)
        values = {"referral_date": day, "child_name": f"Child {i}", "upn": with_check_letter(f"9991234{i:05d}"),
                  "date_of_birth": dob, "gender": "Male", "year_group": year, "ethnicity": "WBRI",
                  "school": SCHOOLS[i % 3], "referral_reason": "r", "open_to_social_care": "No", "ward": WARDS[i % 3],
                  "peer_info": "Spends time with older peers."} | {c: "Yes" for c in concerns}
        return Filler(FORM, config).save(tmp_path / f"f{i:03d}.xlsx", values)

    summer, autumn = dt.date(2026, 6, 1), dt.date(2026, 10, 5)
    paths = [form(i, summer, 7 + i, "concern_hsb", "concern_cse") for i in range(5)]
    paths += [form(i, summer, 9, "concern_cse") for i in range(5, 20)]
    paths += [form(i, autumn, 9, "concern_cse") for i in range(20, 40)]
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    results = check_files(paths, config)
    assert [r.errors for r in results if r.errors] == []
    assert file_batch(db, results, config).count("filed") == 40
    label = dict(CONCERNS)["concern_hsb"]
    own, _ = matrix_sheets("2026-summer", config, db, publishable=True)
    assert {s.name: s for s in own}["Summary"].blocks[0].counts.loc[label, REFERRALS] == "c"
    exact, _ = matrix_sheets(TERM, config, db)
    assert {s.name: s for s in exact}["Trend"].blocks[0].counts.loc["2026-summer", label] == 5
    pub, _ = matrix_sheets(TERM, config, db, publishable=True)
    trend = {s.name: s for s in pub}["Trend"].blocks[0].counts
    # summer's CSE (20, every referral) is hidden in its own matrix too: beside it, the 5 with both
    # concerns would be all five with harmful sexual behaviour
    assert {s.name: s for s in own}["Summary"].blocks[0].counts.loc["CSE", REFERRALS] == "c"
    assert (trend.loc["2026-summer", label], trend.loc["2026-summer", "CSE"]) == ("c", "c")
    assert trend.loc["2026-summer", REFERRALS] == 20


def _overlaps(config, referrals):
    df = frame(referrals)
    counts = pd.DataFrame([_term_counts(df)], index=[TERM])
    exact = build(df, TERM, trend_table(counts), config)
    pub = {s.name: s for s in publishable(exact, 5, minimum_total=0)}
    if "Overlaps" not in pub:  # headline counts only: a term nothing could protect
        return None
    combos, degrees, co = pub["Overlaps"].blocks  # combinations, by number of concerns, co-occurrence
    assert degrees.title.startswith("Referrals by number of concerns")
    _overlaps.degrees = degrees
    return (combos, co), {s.name: s for s in exact}["Overlaps"].blocks[2].counts, dict(pub["Summary"].lines)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.lists(referral, min_size=1, max_size=50))
def test_no_small_count_follows_from_co_occurrence_less_the_combinations_shown(config, referrals):
    """What a reader can work out: a published concern total or pair count, less the published
    combinations holding it, is the number of pooled referrals with it. Never 1 to 4."""
    published = _overlaps(config, referrals)
    if published is None:
        return
    (combos, co), _, lines = published
    shown = {k: v for k, v in combos.counts[REFERRALS].items() if k != "All other combinations" and v != "c"}
    two, any_n = lines["Referrals with two or more concerns"], lines[ANY]
    multi = sum(v for k, v in shown.items() if " + " in k)
    single = sum(v for k, v in shown.items() if " + " not in k)
    if two != "c" and multi:
        assert not 0 < two - multi < 5, (two, shown)
    if two != "c" and any_n != "c" and single:
        assert not 0 < any_n - two - single < 5, (any_n, two, shown)
    sizes = {"One concern": lambda k: " + " not in k, "Two concerns": lambda k: k.count(" + ") == 1,
             "Three or more concerns": lambda k: k.count(" + ") >= 2}
    for row, published in _overlaps.degrees.counts[REFERRALS].items():  # referrals by number of concerns
        holding = [v for k, v in shown.items() if sizes[row](k)]
        if published != "c" and holding:
            assert not 0 < published - sum(holding) < 5, (row, published, shown)
    labels = list(co.counts.columns)
    for i, a in enumerate(labels):
        for b in labels[i:]:
            published = co.counts.loc[a, b]
            if published == "c":
                continue
            group = {a, b}
            holding = [v for k, v in shown.items() if group <= set(k.split(" + "))]
            if holding:
                assert not 0 < published - sum(holding) < 5, (group, published, shown)


def test_a_combination_that_would_give_a_small_count_away_is_pooled(config):
    """Harmful sexual behaviour: 8 referrals, 5 with it alone; showing that 5 would say 3 have it with
    another concern. So "Harmful sexual behaviour" alone joins the pool; so does "Gangs" alone (7 of
    10, which would say 3 have gangs with another concern). And "CSE" alone (6) too: beside it, the pool
    of 15 with the totals 8 and 10 would say that 8 + 10 - 15 = 3 have both (addin.catalogue.fap_referral.matrix.informed)."""
    def ticks(*ids):
        return [c in ids for c in CONCERNS]

    base = {"school": SCHOOLS[0], "ward": WARDS[0], "gender": "Male", "ethnicity": ETHNICITY[0], "year_group": 9,
            "peer_info": "x"}
    referrals = ([dict(base, ticks=ticks("concern_cse")) for _ in range(6)]
                 + [dict(base, ticks=ticks("concern_hsb")) for _ in range(5)]
                 + [dict(base, ticks=ticks("concern_hsb", "concern_gangs")) for _ in range(3)]
                 + [dict(base, ticks=ticks("concern_gangs")) for _ in range(7)])
    (combos, co), exact, _ = _overlaps(config, referrals)
    assert exact.loc["Harmful sexual behaviour", "Harmful sexual behaviour"] == 8
    assert combos.counts[REFERRALS].to_dict() == {"All other combinations": 21}
    assert combos.col_totals[REFERRALS] == 21
    assert co.counts.loc["Harmful sexual behaviour", "Gangs"] == "c"
    assert "and any whose count would let a smaller one be worked out, are pooled" in combos.note


def test_a_context_recorded_for_nearly_every_referral_is_hidden_as_its_blank_count_is(config):
    """Peer information recorded for 18 of 20: the Data quality sheet hides the 2 blanks, so Contexts
    must not show 18 beside a total of 20."""
    base = {"school": SCHOOLS[0], "ward": WARDS[0], "gender": "Male", "ethnicity": ETHNICITY[0], "year_group": 9,
            "ticks": [c == "concern_cse" for c in CONCERNS]}
    referrals = [dict(base, peer_info="x" if i < 18 else None) for i in range(20)]
    df = frame(referrals)
    sheets = {s.name: s for s in publishable(build(df, TERM, trend_table(pd.DataFrame(
        [_term_counts(df)], index=[TERM])), config), 5)}
    ctx = sheets["Contexts"].blocks[0]
    assert ctx.counts.loc["Peer group information recorded", "All referrals"] == "c"
    # Every referral has CSE, so the 18 with peer information and CSE are the 18 with peer information:
    # shown, either would give the hidden one away.
    assert ctx.counts.loc["Peer group information recorded"].tolist() == ["c", "c", "c"] + [0] * 7
    assert ctx.counts.loc["School information recorded", "All referrals"] == 0
    assert not ctx.withheld
