"""The HSB cohort profile: the 2017 study's tables (seed 000, Tables 1-4) from the filed frameworks.

The study coded 49 frameworks by hand to compare young people who sexually harmed alone (sole), in
groups (group) or both, and found contextual factors recorded far more often than acted on. This
counts the same things from the frameworks a partnership files, over the latest meeting of each case
in a period (a case counts once), by cohort: `sole`, `group`, `both` (the framework's "Group or sole
offence"), `group_any` (group or both: the study's "at least in part in groups") and `all`.

Every table is {row: {cohort: count}}, with the row keys analysts' tools rely on: field ids without
their prefix (incident ticks, peer ticks), factor codes (IND-R01; IND-R-OTHER for an "Other" factor),
context ids (individual, family, peer, school, neighbourhood). `publishable()` suppresses small
numbers with addin.suppression, linking the tables that share numbers.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from addin.catalogue.hsb_framework.declaration import CHALLENGES, HACKETT, INCIDENT, PEERS, RAG
from addin.catalogue.hsb_framework.factors import BY_CONTEXT_AND_TYPE, CONTEXTS, OTHER, TYPES, code_of

FORM_ID = "hsb-framework"
COHORTS = ("sole", "group", "both", "group_any", "all")
PARTS = ("sole", "group", "both")  # each case is in exactly one of these
COHORT_LABELS = {"sole": "Sole", "group": "Group", "both": "Both", "group_any": "Group or both", "all": "All"}
_COHORT_OF = {"Sole": "sole", "Group": "group", "Both": "both"}
CONTEXT_IDS = tuple(key for key, _, _, _ in CONTEXTS)
CONTEXT_OF_VALUE = {value: key for key, value, _, _ in CONTEXTS}
CONTEXT_LABELS = {key: value for key, value, _, _ in CONTEXTS}
LIGHTS = ("red", "amber", "green", "none")
_LIGHT_OF = {value: value.split(" ")[0].lower() for value in RAG}
NOT_RECORDED = "not_recorded"

# Tables, in the order of the workbook and the JSON: (id, title, what a row counts).
TABLES = (
    ("frameworks_by_site", "Frameworks by site (Table 1)", "cases"),
    ("incident_characteristics", "Characteristics of the incidents (Table 2: its first four rows)", "cases"),
    ("peer_relationships", "Peer relationships (Table 3)", "cases"),
    ("interventions_by_context", "Interventions by context (Table 4)", "interventions"),
    ("frameworks_with_intervention", "Frameworks with at least one intervention in the context", "cases"),
    ("factor_types", "Frameworks recording factors of each context and type", "cases"),
    ("factors", "Frameworks recording each Appendix 4 factor", "cases"),
    ("gaps", "Factors recorded and acted on, by context", "cases"),
    ("hackett", "Hackett continuum: level of the behaviour", "cases"),
    ("challenges", "Challenges of response", "cases"),
    ("rag", "Interventions by traffic light and context", "interventions"),
)


@lru_cache(maxsize=None)
def factor_rows() -> tuple[tuple[str, str, str, str], ...]:
    """(row key, context id, type, text) of every factor row: each Appendix 4 code, then an Other row per
    context and type (IND-R-OTHER), in the declaration's order."""
    rows = []
    letters = dict(TYPES)
    for (context_value, kind), entries in BY_CONTEXT_AND_TYPE:
        context = CONTEXT_OF_VALUE[context_value]
        prefix = next(p for k, _, _, p in CONTEXTS if k == context)
        for entry in entries:
            if entry == OTHER:
                rows.append((f"{prefix}-{letters[kind]}-OTHER", context, kind, f"Other ({kind.lower()})"))
            else:
                code, _, text = entry.partition(" - ")
                rows.append((code, context, kind, text))
    return tuple(rows)


@dataclass
class Profile:
    """The profile of one period: cohort sizes, every table, and the internal-only lists."""

    start: dt.date | None
    end: dt.date | None
    site: str | None
    meetings: int                                   # filed meetings in the period (reviews included)
    sizes: dict[str, int]                           # cohort -> cases
    tables: dict[str, dict[str, dict[str, int]]]    # table -> row -> cohort -> count
    unaddressed: dict[str, list[str]] = field(default_factory=dict)  # context -> references (internal only)
    overdue: list[tuple[str, str, dt.date]] = field(default_factory=list)  # (reference, context, review date)

    @property
    def cases(self) -> int:
        return self.sizes["all"]

    def period(self, site_word: str = ", site") -> str:
        """The meetings counted, in words: 'Meetings from 01/09/2026 to 31/12/2026, site North'."""
        start = f"{self.start:%d/%m/%Y}" if self.start else "the first filed meeting"
        end = f"{self.end:%d/%m/%Y}" if self.end else "the last"
        return f"Meetings from {start} to {end}" + (f"{site_word} {self.site}" if self.site else "")

    def as_json(self) -> dict:
        """{table: {row: {cohort: count}}}, with the cohort sizes as the table "cohorts"."""
        return {"cohorts": {"cases": dict(self.sizes)}, **self.tables}


def _day(v) -> dt.date | None:
    if v is None or v != v:
        return None
    return v.date() if isinstance(v, (dt.datetime, pd.Timestamp)) else v


def _in_period(records: pd.DataFrame, start, end, site) -> pd.DataFrame:
    keep = pd.Series([d is not None and (start is None or d >= start) and (end is None or d <= end)
                      for d in records["meeting_date"].map(_day)], index=records.index, dtype=bool)
    if site is not None:
        keep &= records["site"] == site
    return records[keep]


def latest_meetings(records: pd.DataFrame, start: dt.date | None = None, end: dt.date | None = None,
                    site: str | None = None) -> pd.DataFrame:
    """The latest filed meeting of each case (reference) held in the period [start, end] at the site."""
    chosen = _in_period(records, start, end, site)
    chosen = chosen.assign(_day=chosen["meeting_date"].map(_day), _ref=chosen["reference"].str.strip().str.upper())
    chosen = chosen.sort_values(["_ref", "_day", "record_id"]).drop_duplicates("_ref", keep="last")
    return chosen.drop(columns=["_day", "_ref"]).sort_values("record_id")


def _counter(cohort_of: dict[int, str]):
    def by_cohort(ids) -> dict[str, int]:
        """{cohort: how many of these record ids (or of these rows, when ids repeat)}."""
        out = dict.fromkeys(COHORTS, 0)
        for i in ids:
            part = cohort_of[i]
            if part is not None:
                out[part] += 1
                out["group_any"] += part in ("group", "both")
            out["all"] += 1
        return out
    return by_cohort


def build_profile(records: pd.DataFrame, factors: pd.DataFrame, interventions: pd.DataFrame,
                  challenges: pd.DataFrame, *, sites=(), start: dt.date | None = None, end: dt.date | None = None,
                  site: str | None = None, today: dt.date | None = None) -> Profile:
    """The profile from the store's frames: records (load_records), and the factors, interventions and
    challenges tables' rows (load_table_rows), over the latest meeting of each case in the period."""
    latest = latest_meetings(records, start, end, site)
    ids = list(latest["record_id"])
    cohort_of = {r: _COHORT_OF.get(c) for r, c in zip(ids, latest["offence_context"])}
    refs = {r: " ".join(str(ref).split()).upper() for r, ref in zip(ids, latest["reference"])}
    count = _counter(cohort_of)
    factors, interventions, challenges = (df[df["record_id"].isin(ids)] for df in (factors, interventions, challenges))

    def distinct(df, mask) -> set[int]:
        return set(df.loc[mask, "record_id"])

    def ticked(column) -> list[int]:
        return [r for r, v in zip(ids, latest[column].fillna(False)) if bool(v)]

    tables: dict[str, dict[str, dict[str, int]]] = {}
    site_values = list(sites) + sorted(set(latest["site"].dropna()) - set(sites))
    tables["frameworks_by_site"] = {s: count(latest.loc[latest["site"] == s, "record_id"]) for s in site_values}
    tables["incident_characteristics"] = {k: count(ticked(f"incident_{k}")) for k, _ in INCIDENT}
    tables["peer_relationships"] = {k: count(ticked(f"peer_{k}")) for k, _ in PEERS}

    f_ctx, i_ctx = factors["context"].map(CONTEXT_OF_VALUE), interventions["context"].map(CONTEXT_OF_VALUE)
    tables["interventions_by_context"] = {c: count(interventions.loc[i_ctx == c, "record_id"]) for c in CONTEXT_IDS}
    acted = {c: distinct(interventions, i_ctx == c) for c in CONTEXT_IDS}
    tables["frameworks_with_intervention"] = {c: count(acted[c]) for c in CONTEXT_IDS}
    tables["factor_types"] = {f"{c}.{kind.lower()}": count(distinct(factors, (f_ctx == c) & (factors["type"] == kind)))
                              for c in CONTEXT_IDS for kind, _ in TYPES}
    prefix = {k: p for k, _, _, p in CONTEXTS}
    letters = dict(TYPES)
    keys = pd.Series([f"{prefix.get(c)}-{letters.get(t)}-OTHER" if code == OTHER else code
                      for code, c, t in zip(factors["factor"].map(code_of), f_ctx, factors["type"])],
                     index=factors.index, dtype=object)
    tables["factors"] = {key: count(distinct(factors, keys == key)) for key, _, _, _ in factor_rows()}
    tables["gaps"], unaddressed = {}, {}
    for c in CONTEXT_IDS:
        concerning = distinct(factors, (f_ctx == c) & factors["type"].isin(("Vulnerability", "Risk")))
        tables["gaps"][f"{c}.factors"] = count(concerning)
        tables["gaps"][f"{c}.interventions"] = count(acted[c])
        tables["gaps"][f"{c}.unaddressed"] = count(concerning - acted[c])
        unaddressed[CONTEXT_LABELS[c]] = sorted(refs[r] for r in concerning - acted[c])
    levels = [level for level, _ in HACKETT]
    tables["hackett"] = {level: count(latest.loc[latest["hackett_level"] == level, "record_id"]) for level in levels}
    tables["hackett"][NOT_RECORDED] = count(latest.loc[~latest["hackett_level"].isin(levels), "record_id"])
    tables["challenges"] = {ch: count(distinct(challenges, challenges["challenge"] == ch)) for ch in CHALLENGES}
    lights = interventions["rag"].map(_LIGHT_OF).fillna("none")
    tables["rag"] = {f"{c}.{light}": count(interventions.loc[(i_ctx == c) & (lights == light), "record_id"])
                     for c in CONTEXT_IDS for light in LIGHTS}
    as_of = min(d for d in (end, today or dt.date.today()) if d is not None)
    reviews = interventions["review_date"].map(_day)
    late = pd.Series([r is not None and r < as_of and light != "green" for r, light in zip(reviews, lights)],
                     index=interventions.index, dtype=bool)  # past the review date and not yet green
    tables["rag"]["overdue_reviews"] = count(interventions.loc[late, "record_id"])
    overdue = sorted((refs[rid], CONTEXT_LABELS[c], r) for rid, c, r in
                     zip(interventions.loc[late, "record_id"], i_ctx[late], reviews[late]))
    return Profile(start=start, end=end, site=site, meetings=len(_in_period(records, start, end, site)),
                   sizes=count(ids), tables=tables, unaddressed=unaddressed, overdue=overdue)


def load_profile(config, *, db: str | None = None, start: dt.date | None = None, end: dt.date | None = None,
                 site: str | None = None, today: dt.date | None = None) -> Profile:
    """The profile of the frameworks filed in the store (current versions), as build_profile counts them."""
    from addin.store.query import load_records, load_table_rows

    url = db or config.store
    frames = [load_records(url, form=FORM_ID)] + [load_table_rows(url, t, form=FORM_ID)
                                                 for t in ("factors", "interventions", "challenges")]
    return build_profile(*frames, sites=config.lists()["sites"], start=start, end=end, site=site, today=today)


# --- publishable numbers ------------------------------------------------------------------------------

# Tables whose rows partition the cases (each case in one row): their cohort columns sum to the cohort sizes.
_PARTITIONS = {"frameworks_by_site", "hackett"}
# Tables of interventions (not cases): a Total row, the sum of the rows.
_INTERVENTIONS = {"interventions_by_context"}
# Rows that repeat another table's row exactly: (table, row prefix) -> the table they copy.
_COPIES = {("gaps", ".interventions"): "frameworks_with_intervention"}


@dataclass
class Published:
    """The profile as it may leave the partnership: every number an int or "c"."""

    sizes: dict[str, int | str]
    tables: dict[str, dict[str, dict[str, int | str]]]
    totals: dict[str, dict[str, int | str]]  # interventions tables: their Total row
    threshold: int
    withheld: bool = False  # fewer cases than the minimum: cohort sizes only
    minimum: int = 0        # the fewest cases whose tables are published

    def as_json(self) -> dict:
        return {"cohorts": {"cases": dict(self.sizes)}, **self.tables}


def publishable(profile: Profile, threshold: int = 5, minimum: int = 0) -> Published:
    """Small numbers suppressed in every table (addin.suppression), linked across tables: a cohort size hidden
    once is hidden in every table's heading; a row that repeats another table's is hidden alike; `group_any`
    (group + both) is shown only where the published numbers give it anyway (all - sole, or group + both)."""
    from addin.suppression import SUPPRESSED, suppress_series, suppress_table

    sizes = pd.Series({k: profile.sizes[k] for k in PARTS})
    shown_sizes, shown_all = suppress_series(sizes, threshold, total=profile.sizes["all"])
    hidden_sizes = {k for k in PARTS if shown_sizes[k] == SUPPRESSED}
    if profile.cases < minimum:
        return Published(sizes=_with_group_any(dict(shown_sizes) | {"all": shown_all}), tables={}, totals={},
                         threshold=threshold, withheld=True, minimum=minimum)
    forced: dict[str, set] = {t: set() for t, _, _ in TABLES}   # (row, cohort) cells to hide whatever their size
    forced_rows: dict[str, set] = {t: set() for t, _, _ in TABLES}  # rows whose "all" to hide
    for _ in range(6):  # until the copies agree
        tables, totals = {}, {}
        for tid, _, _ in TABLES:
            rows = profile.tables[tid]
            if not rows:
                tables[tid] = {}
                continue
            counts = pd.DataFrame([[rows[r][k] for k in PARTS] for r in rows], index=list(rows), columns=list(PARTS))
            if tid in _INTERVENTIONS:
                result = suppress_table(counts, threshold, additive_rows=True, additive_cols=True,
                                        hide_cells=sorted(forced[tid]), hide_row_totals=sorted(forced_rows[tid]))
                totals[tid] = _with_group_any(dict(result.col_totals) | {"all": result.grand_total})
            else:
                result = suppress_table(counts, threshold, col_totals=[profile.sizes[k] for k in PARTS],
                                        grand_total=profile.sizes["all"], additive_rows=True,
                                        additive_cols=tid in _PARTITIONS, hide_cells=sorted(forced[tid]),
                                        hide_row_totals=sorted(forced_rows[tid]),
                                        hide_col_totals=sorted(hidden_sizes),
                                        hide_grand_total=shown_all == SUPPRESSED)
                # A cohort size this table had to hide is hidden everywhere.
                hidden_sizes |= {k for k in PARTS if result.col_totals[k] == SUPPRESSED}
            tables[tid] = {r: _with_group_any({k: result.cells.at[r, k] for k in PARTS} | {"all": result.row_totals[r]})
                           for r in rows}
        changed = False
        for (tid, suffix), source in _COPIES.items():
            for row in tables[tid]:
                if not row.endswith(suffix):
                    continue
                twin = row[: -len(suffix)]
                for k in (*PARTS, "all"):
                    a, b = tables[tid][row][k], tables[source][twin][k]
                    if (a == SUPPRESSED) != (b == SUPPRESSED):
                        target, key = (source, twin) if a == SUPPRESSED else (tid, row)
                        cell = forced_rows if k == "all" else forced
                        entry = key if k == "all" else (key, k)
                        if entry not in cell[target]:
                            cell[target].add(entry)
                            changed = True
        if not changed and not (hidden_sizes - {k for k in PARTS if shown_sizes[k] == SUPPRESSED}):
            break
        shown_sizes = pd.Series({k: SUPPRESSED if k in hidden_sizes else profile.sizes[k] for k in PARTS})
    return Published(sizes=_with_group_any(dict(shown_sizes) | {"all": shown_all}), tables=tables, totals=totals,
                     threshold=threshold)


def _with_group_any(row: dict) -> dict:
    """The row with group_any (group + both) where the row's published numbers give it, else "c"."""
    from addin.suppression import SUPPRESSED

    if SUPPRESSED not in (row["group"], row["both"]):
        value = row["group"] + row["both"]
    elif SUPPRESSED not in (row["all"], row["sole"]):
        value = row["all"] - row["sole"]
    else:
        value = SUPPRESSED
    return {k: row[k] for k in ("sole", "group", "both")} | {"group_any": value, "all": row["all"]}
