"""The termly data matrix of need: exact counts from filed referrals, as named tables.

Input is one row per current referral (field ids as columns, plus `term`), as the store gives
it; output is a list of sheets, each a list of blocks (a titled DataFrame of counts). Disclosure
control is applied afterwards (publishable.py), so the arithmetic here stays exact and simple.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from addin.catalogue.fap_referral.declaration import CONCERNS, FORM
from addin.forms.codes import ETHNICITY_GROUPS, ethnicity_group
from addin.catalogue.fap_referral.matrix.labels import ALL_REFERRALS, ANY, NOT_RECORDED, REFERRALS
from addin.term import term_key

POP_CONCERNS = [c for c in CONCERNS if c.startswith("concern_")]  # the eight peer-on-peer abuse ticks
CONTEXT_ROWS = {
    "peer_info": "Peer group information recorded",
    "school_info": "School information recorded",
    "neighbourhood_info": "Neighbourhood information recorded",
    "home_info": "Home environment information recorded",
    "_any_response": "School response recorded (any context)",
    "_agency_any": "Other agencies involved (current)",
}
AGENCIES = ("YOS", "Police", "CAMHS", "Education Psychology", "Other")
FORM_ID = FORM.id
BOOLEAN_FIELDS = [f.id for f in FORM.fields if f.type in ("tick", "yesno")]
# the tick and yes/no fields the sheets count (the store is asked for these only: a third fewer columns)
COUNTED_FIELDS = [f for f in BOOLEAN_FIELDS if f.startswith(("concern_", "vulnerable_", "fap_", "provision_"))
                  or f == "open_to_social_care"]
CATEGORY_FIELDS = ["school", "ward", "gender", "ethnicity", "year_group"]
CONTEXT_INFO = ("peer_info", "school_info", "neighbourhood_info", "home_info")
# free text the sheets ask only "filled in?" of: the four contexts and every school response
PRESENCE_FIELDS = [f.id for f in FORM.fields if f.id in CONTEXT_INFO or f.id.endswith("_response")]


@dataclass
class Block:
    """A table of counts. `additive_cols`: column totals are sums of the rows (each referral is in one row)."""

    title: str
    counts: pd.DataFrame
    row_totals: pd.Series | None = None      # shown in a last column named REFERRALS
    col_totals: pd.Series | None = None      # shown in a last row "Total"
    grand_total: int | None = None
    additive_rows: bool = False
    additive_cols: bool = True
    heat: bool = True
    note: str = ""
    chart: str | None = None                 # "bar" or "line"
    withheld: bool = False                   # publishable only: every count of the table hidden (zeros too)
    configured: int = 0                      # the first rows are the configuration's list (schools, wards)


@dataclass
class Sheet:
    name: str
    blocks: list[Block] = field(default_factory=list)
    lines: list[tuple[str, object]] = field(default_factory=list)  # label/value lines above the blocks


def _labels() -> dict[str, str]:
    form = FORM
    return {f.id: f.label for f in form.fields}


def concern_labels() -> dict[str, str]:
    return dict(CONCERNS)


def prepare(df: pd.DataFrame, agencies: pd.DataFrame | None = None) -> pd.DataFrame:
    """Booleans as bools, derived columns for grouping, one row per referral."""
    df = df.copy()
    for c in BOOLEAN_FIELDS:
        if c in df.columns:
            df[c] = df[c].fillna(False).astype(bool)
    df = df.copy()  # one block per column type again: pandas slows (and warns) after many column writes
    df[ANY] = df[POP_CONCERNS].any(axis=1)
    df["_school"] = df["school"].fillna(NOT_RECORDED)
    df["_ward"] = df["ward"].fillna(NOT_RECORDED)
    df["_gender"] = df["gender"].fillna(NOT_RECORDED)
    df["_ethnicity"] = _each_value(df["ethnicity"], ethnicity_group)
    df["_year"] = _each_value(df["year_group"], lambda y: NOT_RECORDED if pd.isna(y) else f"Year {int(y)}")
    responses = [c for c in df.columns if c.endswith("_response")]
    df["_any_response"] = df[responses].notna().any(axis=1) if responses else False
    for c in CONTEXT_INFO:
        df[c] = df[c].notna() if c in df.columns else False
    for a in AGENCIES:
        df[f"_agency_{a}"] = False
    if agencies is not None and len(agencies):
        current = agencies[agencies["status"].fillna("") == "Current"].copy()
        current["_agency"] = current["agency"].fillna("Other").map(lambda a: a if a in AGENCIES else "Other")
        for a in AGENCIES:
            ids = set(current.loc[current["_agency"] == a, "record_id"])
            df[f"_agency_{a}"] = df["record_id"].isin(ids)
    df["_agency_any"] = df[[f"_agency_{a}" for a in AGENCIES]].any(axis=1)
    return df


def _each_value(column: pd.Series, f) -> pd.Series:
    """`column.map(f)`, with `f` called once per distinct value (a term has a few, and many referrals)."""
    import numpy as np

    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    results = [f(u) for u in uniques]
    missing = column[codes == -1]
    results.append(f(missing.iloc[0]) if len(missing) else None)  # code -1: the blank ones
    return pd.Series(np.array(results, dtype=object)[codes], index=column.index, dtype=object)


def by_concern(df: pd.DataFrame, key: str, order: list[str] | None, row_label: str) -> Block:
    """Rows = values of `key`; columns = concerns + any; row total = referrals in that row."""
    cols = POP_CONCERNS + [ANY, "open_to_social_care"]
    g = df.groupby(key)[cols].sum().astype(int)
    rows = list(order or []) + sorted(set(g.index) - set(order or []))
    g = g.reindex(rows, fill_value=0)
    g.columns = [concern_labels().get(c, c) for c in cols]
    g.index.name = row_label
    refs = df.groupby(key).size().reindex(rows, fill_value=0).astype(int)
    return Block(f"Referrals by {row_label.lower()} and concern", g, row_totals=refs, col_totals=g.sum().astype(int),
                 grand_total=int(len(df)), configured=len(order or []))


def overlaps(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """UpSet-style combination counts (referrals with at least one concern) and concern co-occurrence."""
    labels = [concern_labels()[c] for c in POP_CONCERNS]
    ticks = df[POP_CONCERNS].astype(bool)
    ticks.columns = labels
    some = ticks[ticks.any(axis=1)]
    if len(some):
        combos = some.value_counts().reset_index(name=REFERRALS)
    else:
        combos = pd.DataFrame(columns=labels + [REFERRALS])
    combos["Concerns"] = combos[labels].sum(axis=1).astype(int) if len(combos) else []
    combos = combos.sort_values([REFERRALS, "Concerns"], ascending=[False, True]).reset_index(drop=True)
    m = ticks.astype(int)
    co = (m.T @ m).astype(int)
    co.index.name = "Concern"
    return combos, co


DEGREES = ("One concern", "Two concerns", "Three or more concerns")
DEGREES_INDEX = "Number of concerns"
DEGREES_TITLE = "Referrals by number of concerns (each referral counted once)"
CO_OCCURRENCE_TITLE = "Concern co-occurrence (referrals with both; the diagonal is each concern's total)"


def degrees(df: pd.DataFrame) -> pd.DataFrame:
    """Referrals with at least one concern by how many they have: one, two, three or more (each counted once)."""
    n = df[POP_CONCERNS].astype(bool).sum(axis=1)
    counts = pd.DataFrame({REFERRALS: [int((n == 1).sum()), int((n == 2).sum()), int((n >= 3).sum())]},
                          index=list(DEGREES))
    counts.index.name = DEGREES_INDEX
    return counts


def trend_table(counts: pd.DataFrame) -> pd.DataFrame:
    """Per-term counts as the store gives them (term_counts) -> the Trend block's table, oldest first."""
    trend = pd.DataFrame({REFERRALS: counts["records"], ANY: counts["any"]}
                         | {concern_labels()[c]: counts[c] for c in CONCERNS}, index=counts.index).astype(int)
    trend.index.name = "Term"
    return trend


def build(df: pd.DataFrame, term: str, trend: pd.DataFrame, config, agencies: pd.DataFrame | None = None,
          blanks: dict[str, int] | None = None) -> list[Sheet]:
    """Every sheet of the matrix for `term`.

    `df`: the term's current referrals (field ids as columns; free-text fields may be given as
    1/None for filled/blank); `trend`: trend_table() of the compared terms, oldest first, this term
    last; `agencies`: their other_agencies rows; `blanks`: field id -> referrals leaving it blank
    (counted from `df` when not given).
    """
    cur = prepare(df, agencies)
    labels = _labels()
    sheets = []

    # Summary
    n = len(cur)
    any_n = int(cur[ANY].sum())
    concern_totals = pd.Series({concern_labels()[c]: int(cur[c].sum()) for c in CONCERNS})
    summary = Sheet("Summary")
    summary.lines = [("Authority", config.authority), ("Term", term), ("Referrals", n),
                     (ANY, any_n), ("Share with any peer-on-peer abuse concern", _share(any_n, n))]
    prev = [t for t in trend.index if term_key(t) < term_key(term)]
    if prev:
        p_n, p_any = int(trend.loc[prev[-1], REFERRALS]), int(trend.loc[prev[-1], ANY])
        summary.lines += [(f"Referrals in {prev[-1]}", p_n), ("Change in referrals", n - p_n),
                          (f"{ANY} in {prev[-1]}", p_any), ("Change in referrals with any concern", any_n - p_any)]
    summary.lines += [("Referrals with two or more concerns", int((cur[POP_CONCERNS].sum(axis=1) >= 2).sum())),
                      ("Schools with referrals", int(cur["school"].nunique()))]
    top = concern_totals.drop(concern_labels()["open_to_social_care"]).sort_values(ascending=False, kind="stable")
    summary.lines += [(f"Most common concern {i}", f"{k}") for i, k in enumerate(top.index[:3], start=1) if top[k] > 0]
    cfr = concern_totals.to_frame(REFERRALS)
    cfr.index.name = "Concern"
    summary.blocks.append(Block("Referrals by concern", cfr, additive_cols=False, chart="bar",
                                note="A referral can have several concerns, so these do not add up to the "
                                     "number of referrals."))
    sheets.append(summary)

    sheets.append(Sheet("Schools", [by_concern(cur, "_school", list(config.schools), "School")]))
    sheets.append(Sheet("Wards", [by_concern(cur, "_ward", list(config.wards), "Ward")]))
    eth_order = list(dict.fromkeys(ETHNICITY_GROUPS.values()))
    sheets.append(Sheet("Demographics", [
        by_concern(cur, "_gender", ["Male", "Female"], "Gender"),
        by_concern(cur, "_ethnicity", eth_order, "Ethnicity group"),
        by_concern(cur, "_year", [f"Year {y}" for y in range(7, 12)], "Year group"),
    ]))

    combos, co = overlaps(cur)
    deg = degrees(cur)
    combo_counts = combos[[REFERRALS]].copy()
    combo_counts.index = [" + ".join(c for c in co.columns if row[c]) for _, row in combos.iterrows()]
    combo_counts.index.name = "Combination of concerns"
    sheets.append(Sheet("Overlaps", [
        Block("Referrals by combination of concerns (each referral counted once)", combo_counts,
              col_totals=pd.Series({REFERRALS: int(combo_counts[REFERRALS].sum())}), heat=False,
              note="Only referrals with at least one peer-on-peer abuse concern."),
        Block(DEGREES_TITLE, deg, col_totals=pd.Series({REFERRALS: int(deg[REFERRALS].sum())}),
              heat=False, note="Only referrals with at least one peer-on-peer abuse concern."),
        Block(CO_OCCURRENCE_TITLE, co, additive_cols=False),
    ]))

    ctx_cols = [ALL_REFERRALS, ANY] + [concern_labels()[c] for c in POP_CONCERNS]
    ctx_rows = dict(CONTEXT_ROWS) | {f"_agency_{a}": f"Agency involved (current): {a}" for a in AGENCIES}
    ctx = pd.DataFrame(0, index=list(ctx_rows.values()), columns=ctx_cols)
    for src, label in ctx_rows.items():
        ctx.loc[label, ALL_REFERRALS] = int(cur[src].sum())
        ctx.loc[label, ANY] = int((cur[src] & cur[ANY]).sum())
        for c in POP_CONCERNS:
            ctx.loc[label, concern_labels()[c]] = int((cur[src] & cur[c]).sum())
    ctx.index.name = "Contextual information"
    col_n = pd.Series({ALL_REFERRALS: n, ANY: any_n} | {concern_labels()[c]: int(cur[c].sum()) for c in POP_CONCERNS})
    sheets.append(Sheet("Contexts", [Block("Contextual information recorded, by concern", ctx.astype(int),
                                           col_totals=col_n, additive_cols=False,
                                           note="Total row: referrals with that concern.")]))

    vul = [f for f in cur.columns if f.startswith("vulnerable_") and f != "vulnerable_group"]
    vtab = pd.DataFrame({ALL_REFERRALS: [int(cur[v].sum()) for v in vul],
                         ANY: [int((cur[v] & cur[ANY]).sum()) for v in vul]}, index=[labels[v] for v in vul])
    for c in POP_CONCERNS:
        vtab[concern_labels()[c]] = [int((cur[v] & cur[c]).sum()) for v in vul]
    vtab.index.name = "Vulnerable group"
    fap = [f for f in cur.columns if f.startswith("fap_") and f in labels and f != "fap_reason"]
    ftab = pd.DataFrame({REFERRALS: [int(cur[f].sum()) for f in fap]}, index=[labels[f] for f in fap])
    ftab.index.name = "Fair Access protocol category"
    prov_rows = {"mainstream": "Placement at mainstream school", "pru_respite": "Respite place in PRU",
                 "alternative": "Alternative provision", "other": "Other"}
    ptab = pd.DataFrame({col: [int(cur.get(f"provision_{k}_{suffix}", pd.Series(dtype=bool)).sum())
                               for k in prov_rows]
                         for col, suffix in (("Requested", "requested"), ("Placement agreed", "agreed"),
                                             ("PRU support", "pru_support"), ("School costs", "school_costs"))},
                        index=list(prov_rows.values()))
    ptab.index.name = "Provision"
    sheets.append(Sheet("Groups & provision", [
        Block("Vulnerable groups by concern", vtab.astype(int), col_totals=col_n, additive_cols=False,
              note="Total row: referrals with that concern."),
        Block("Fair Access protocol categories", ftab, additive_cols=False, heat=False,
              note="A referral can be in several categories."),
        Block("Provision requested and agreed", ptab, additive_cols=False, heat=False),
    ]))

    sheets.append(Sheet("Trend", [Block("Referrals and concerns by term", trend, additive_cols=False,
                                        heat=False, chart="line")]))

    dq = Sheet("Data quality")
    with_queries = int((pd.to_numeric(cur["queries"]).fillna(0) > 0).sum()) if "queries" in cur.columns else None
    dq.lines = [("Referrals filed", n)] + ([("Filed with queries to check", with_queries)]
                                          if with_queries is not None else [])
    if blanks is None:
        blanks = {f.id: int(df[f.id].isna().sum()) for f in optional_fields() if f.id in df.columns}
    ranked = pd.Series({labels[f]: v for f, v in blanks.items()}, dtype=int).sort_values(ascending=False,
                                                                                       kind="stable")
    btab = ranked.head(15).to_frame("Referrals with it blank")
    btab.index.name = "Field"
    dq.blocks.append(Block("Fields most often blank (optional fields)", btab, additive_cols=False, heat=False))
    sheets.append(dq)
    return sheets


def optional_fields():
    """Fields whose blanks the data-quality sheet counts: not required, and not tick boxes."""
    return [f for f in FORM.fields if not f.required and f.type != "tick"]


def _share(k: int, n: int) -> str:
    return f"{100 * k / n:.1f}%" if n else "-"
