"""The HSB cohort profile briefing for the board: `safecontext brief --kind hsb`, from the publishable profile.

Only publishable (suppressed) numbers reach the document, and no case reference, person_id or grid text:
the context below is built from `Published` alone. Key messages are written from those numbers: the
largest differences between the sole and the group cohorts, the contexts with the most factors recorded
but not acted on, and where the interventions went.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from addin.catalogue.hsb_framework.profile import CONTEXT_IDS, CONTEXT_LABELS, COHORT_LABELS, Profile, Published
from addin.catalogue.hsb_framework.profile_workbook import row_label
from addin.errors import UserError
from addin.reports.templates import template_path

KIND = "hsb"
TITLE = "HSB cohort profile"
OPTIONS = ("term", "start", "end", "site")  # the brief command's options this briefing takes
TEMPLATE = template_path("hsb_profile_briefing.docx")
MARKING = "OFFICIAL – SENSITIVE"
BOARD = "the local safeguarding children partnership"
LISTING = "safecontext brief --kind hsb --variables"

VARIABLES = {
    "marking": "Protective marking, 'OFFICIAL – SENSITIVE'",
    "board": "Who the briefing is for",
    "authority": "Local authority name, from the configuration",
    "period": "The meetings counted, in words ('Meetings from 01/09/2026 to 31/12/2026')",
    "produced": "Date the briefing was made",
    "cases": "Cases (young people) counted (a number or c)",
    "cohorts": "Rows: cohort, cases (Sole, Group, Both, Group or both)",
    "key_messages": "List of sentences written from the numbers",
    "incidents": "Rows: item, sole, group, both, all (characteristics of the incidents)",
    "peers": "Rows: item, sole, group, both, all (peer relationships)",
    "interventions": "Rows: item, sole, group, both, all (interventions by context, with a Total row)",
    "interventions_chart": "Grouped bars of interventions by context and cohort (image)",
    "gaps": "Rows: context, factors, interventions, unaddressed (all cases)",
    "gap_chart": "Bars of cases with factors recorded against acted on, by context (image)",
    "hackett": "Rows: item, sole, group, both, all (level of the behaviour)",
    "challenges": "Rows: item, sole, group, both, all (challenges of response)",
    "headline_only": "True when too few cases were counted to publish any table",
    "methodology": "How the numbers were made",
    "symbols_note": "What c and 0 mean",
    "threshold": "The suppression threshold (counts below it are shown as c)",
}


class BriefingError(UserError):
    """A briefing that cannot be made; the message says what to do."""


def _rows(pub: Published, tid: str, skip_zero: bool = False) -> list[dict]:
    return [{"item": row_label(tid, r), **{k: v[k] for k in ("sole", "group", "both", "all")}}
            for r, v in pub.tables.get(tid, {}).items() if not (skip_zero and v["all"] == 0)]


def _share(count, size) -> float | None:
    """count / size as a share, only where both are published numbers and size > 0."""
    return count / size if isinstance(count, int) and isinstance(size, int) and size > 0 else None


def _said(v, threshold: int) -> str:
    return f"fewer than {threshold}" if v == "c" else str(v)


def key_messages(profile: Profile, pub: Published) -> list[str]:
    """Sentences from the publishable numbers only."""
    t, sizes, th = pub.tables, pub.sizes, pub.threshold
    period = profile.period(" at")
    out = [f"{_said(sizes['all'], th).capitalize()} young people were discussed at HSB meetings in the period "
           f"({period[:1].lower()}{period[1:]}): {_said(sizes['sole'], th)} who harmed alone, "
           f"{_said(sizes['group'], th)} in groups and {_said(sizes['both'], th)} both."]
    if pub.withheld or not t:
        return out + [f"Fewer than {pub.minimum} cases were counted, the fewest whose tables are published, so only "
                      "the numbers of cases are published."]
    diffs = []
    for tid in ("incident_characteristics", "peer_relationships"):
        for r, v in t[tid].items():
            a, b = _share(v["group_any"], sizes["group_any"]), _share(v["sole"], sizes["sole"])
            if a is not None and b is not None and a != b:
                diffs.append((abs(a - b), row_label(tid, r), a, b))
    for _, label, a, b in sorted(diffs, reverse=True)[:2]:
        out.append(f"{label}: {a:.0%} of the cases that harmed at least in part in groups, against {b:.0%} of those "
                   "who harmed alone.")
    unaddressed = {CONTEXT_LABELS[c]: t["gaps"][f"{c}.unaddressed"]["all"] for c in CONTEXT_IDS}
    gaps = sorted(((n, name) for name, n in unaddressed.items() if isinstance(n, int) and n > 0), reverse=True)[:2]
    if gaps:
        out.append("Factors recorded but not acted on with an intervention in the same context were most often in "
                   + " and ".join(f"the {name.lower()} context ({n} cases)" for n, name in gaps) + ".")
    ibc, total = t["interventions_by_context"], pub.totals.get("interventions_by_context", {}).get("all")
    ind, nbh = ibc["individual"]["all"], ibc["neighbourhood"]["all"]
    if isinstance(total, int) and total:
        out.append(f"Of {total} interventions planned, {_said(ind, th)} were with the individual young person and "
                   f"{_said(nbh, th)} in neighbourhoods (counts of interventions, not of young people).")
    return out


def context(profile: Profile, pub: Published, config, charts: Path) -> dict:
    from addin.reports.charts import grouped_bars
    from addin.suppression import symbols_note

    th, t = pub.threshold, pub.tables
    ctx = {
        "marking": MARKING, "board": BOARD, "authority": config.authority, "period": profile.period(" at"),
        "produced": f"{dt.date.today():%d/%m/%Y}", "cases": pub.sizes["all"],
        "cohorts": [{"cohort": COHORT_LABELS[k], "cases": pub.sizes[k]} for k in ("sole", "group", "both",
                                                                                  "group_any")],
        "key_messages": key_messages(profile, pub), "headline_only": pub.withheld or not t,
        "incidents": _rows(pub, "incident_characteristics"), "peers": _rows(pub, "peer_relationships"),
        "interventions": _rows(pub, "interventions_by_context"),
        "hackett": _rows(pub, "hackett"), "challenges": _rows(pub, "challenges", skip_zero=True),
        "gaps": [{"context": CONTEXT_LABELS[c], **{part: t["gaps"][f"{c}.{part}"]["all"]
                                                   for part in ("factors", "interventions", "unaddressed")}}
                 for c in CONTEXT_IDS] if t else [],
        "interventions_chart": "", "gap_chart": "", "threshold": th,
        "symbols_note": symbols_note(th, "from the other numbers of the briefing"),
        "methodology": (f"{profile.period(' at')}, filed by {config.authority} in SafeContext. Each case (young person) "
                        "counts once, at its latest meeting in the period. Cohorts come from each framework's 'Group "
                        "or sole offence': sole (harmed only alone), group (only in groups), both; 'group or both' "
                        "is the 2017 study's cohort of those who harmed at least in part in groups. Intervention "
                        "counts are of interventions, not of young people: a framework may plan several in one "
                        "context. Small numbers are suppressed as the symbols note says."),
    }
    if t:
        ctx["interventions"].append({"item": "Total", **{k: pub.totals["interventions_by_context"][k]
                                                         for k in ("sole", "group", "both", "all")}})
        rows = t["interventions_by_context"]
        ctx["interventions_chart"] = grouped_bars(
            [CONTEXT_LABELS[c] for c in CONTEXT_IDS],
            {COHORT_LABELS[k]: [rows[c][k] for c in CONTEXT_IDS] for k in ("sole", "group", "both")},
            charts / "interventions.png", "Interventions")
        ctx["gap_chart"] = grouped_bars(
            [CONTEXT_LABELS[c] for c in CONTEXT_IDS],
            {"With vulnerability or risk factors": [g["factors"] for g in ctx["gaps"]],
             "With an intervention": [g["interventions"] for g in ctx["gaps"]]},
            charts / "gaps.png", "Cases")
    return ctx


def make_briefing(out: Path, config, *, db: str | None = None, template: Path | None = None, pdf: bool = False,
                  start: dt.date | None = None, end: dt.date | None = None, site: str | None = None) -> Path:
    """Fill the HSB profile briefing from the publishable profile; optionally convert it to PDF."""
    from addin.catalogue.hsb_framework.profile import load_profile, publishable
    from addin.reports.files import check_output
    from addin.reports.word import check_template, render, to_pdf

    template, out = Path(template) if template else TEMPLATE, Path(out)
    check_output(out, BriefingError)  # refuse a bad output or template before any work
    check_template(template, VARIABLES, BriefingError, LISTING)
    profile = load_profile(config, db=db, start=start, end=end, site=site)
    pub = publishable(profile, config.suppression_threshold, config.minimum_publishable_total)
    with tempfile.TemporaryDirectory() as charts:
        render(template, context(profile, pub, config, Path(charts)), out, variables=VARIABLES, error=BriefingError,
               listing=LISTING, images={"interventions_chart": 150, "gap_chart": 150})
    return to_pdf(out, BriefingError) if pdf else out
