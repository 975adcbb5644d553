"""The audit briefing for the safeguarding partnership: the radar of the rounds, the domain table, the biggest
improvements and falls, the focus areas and the action plan's status, from the partnership's agreed scores.

No evidence text reaches it (free text may hold what should not be published): scores, statement texts, and the
action plan's actions, owners (roles) and statuses. Rendering always escapes and fails on any unknown variable.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from addin.catalogue.hsb_audit.briefing.template_source import TEMPLATE
from addin.catalogue.hsb_audit.declaration import DOMAINS, TEXT, scored
from addin.catalogue.hsb_audit.progress import Progress
from addin.errors import UserError

MARKING = "OFFICIAL"  # scores and plans of services, no case data
BOARD = "the local safeguarding children partnership"
IMPROVEMENTS = 5      # the biggest rises shown
LISTING = "safecontext brief --kind audit --variables"

VARIABLES = {
    "marking": "Protective marking, 'OFFICIAL'",
    "board": "Who the briefing is for",
    "authority": "Local authority name, from the configuration",
    "produced": "Date the briefing was made",
    "rounds": "The rounds with their dates, e.g. T1 (02/12/2025), T2 (02/06/2026)",
    "first_round": "The first round (the baseline), e.g. T1",
    "previous_round": "The round before the latest (the latest itself when there is one round)",
    "latest_round": "The latest round, e.g. T3",
    "key_messages": "List of sentences",
    "radar_chart": "Radar of the domain means, one line per round (image)",
    "change_chart": "Bar chart of the change in domain means between rounds (image)",
    "domains": "Rows: domain, first, previous, latest (means 0-4, 2 decimals), change, since_first (signed)",
    "improvements": "Rows: statement, text, before, after: the biggest rises since the previous round",
    "falls": "Rows: statement, text, before, after: every fall since the previous round",
    "focus": "Rows: statement, text, score: the focus areas after the latest round",
    "actions": "Rows: statement, action, owner, due (dd/mm/yyyy), status: the last action plan filed",
    "action_status": "A sentence counting the action plan's actions by status",
    "methodology": "How the scores were agreed and averaged",
}


class BriefingError(UserError):
    """A briefing that cannot be made; the message says what to do."""


def _mean(v) -> str:
    return "" if v is None else f"{v:.2f}"


def _signed(v) -> str:
    return "" if v is None else "no change" if abs(v) < 0.005 else f"{v:+.2f}"


def context(p: Progress, authority: str, charts: Path, today: dt.date | None = None) -> dict:
    from addin.catalogue.hsb_audit.briefing.charts import change_chart, radar_chart

    first, latest = p.rounds[0], p.latest
    previous = p.rounds[-2] if len(p.rounds) > 1 else latest
    means = p.means
    domains = []
    for n, short, _ in DOMAINS:
        a, b, c = means[first][n], means[previous][n], means[latest][n]
        domains.append({"domain": f"{n}. {short}", "first": _mean(a), "previous": _mean(b), "latest": _mean(c),
                        "change": _signed(None if b is None or c is None else c - b),
                        "since_first": _signed(None if a is None or c is None else c - a)})
    before, after = p.scores[previous], p.scores[latest]
    moved = [(k, before[k], after[k]) for k in scored() if before.get(k) is not None and after.get(k) is not None]
    rises = sorted((m for m in moved if m[2] > m[1]), key=lambda m: (m[1] - m[2], scored().index(m[0])))
    falls = [m for m in moved if m[2] < m[1]]
    row = lambda m: {"statement": m[0], "text": TEXT[m[0]], "before": m[1], "after": m[2]}  # noqa: E731
    statuses = Counter(a["status"] for a in p.actions if a.get("action"))
    action_status = ("No action plan has been filed yet; the progress report's Action plan sheet starts one."
                     if not statuses else "The action plan holds " + ", ".join(
                         f"{n} {s.lower()}" for s, n in sorted(statuses.items(), key=lambda x: -x[1])) + ".")
    overall = {r: p.overall(r) for r in p.rounds}
    messages = [f"The partnership's mean score over the 46 statements is {_mean(overall[latest])} of 4 in round "
                f"{latest}" + (f", {_signed(overall[latest] - overall[first])} since the baseline {first}."
                               if latest != first and overall[first] is not None else ".")]
    best = max(DOMAINS, key=lambda d: means[latest][d[0]] or 0)
    worst = min(DOMAINS, key=lambda d: means[latest][d[0]] if means[latest][d[0]] is not None else 5)
    messages.append(f"The strongest domain is {best[1].lower()} ({_mean(means[latest][best[0]])}); the weakest is "
                    f"{worst[1].lower()} ({_mean(means[latest][worst[0]])}).")
    if latest != previous:
        messages.append(f"Since {previous}, {len(rises)} statement(s) rose and {len(falls)} fell.")
    disagreed = len(p.disagreements.get(latest, []))
    if disagreed:
        messages.append(f"In {latest} the agencies' scores differed by 2 points or more on {disagreed} statement(s); "
                        "the lower score was agreed, as the NSPCC advises.")
    messages.append(f"{len(p.focus)} statement(s) are focus areas for the action plan.")
    return {
        "marking": MARKING, "board": BOARD, "authority": authority,
        "produced": (today or dt.date.today()).strftime("%d/%m/%Y"),
        "rounds": ", ".join(f"{r} ({p.dates[r]:%d/%m/%Y})" for r in p.rounds),
        "first_round": first, "previous_round": previous, "latest_round": latest,
        "key_messages": messages,
        "radar_chart": radar_chart(means, charts / "radar.png"),
        "change_chart": change_chart({f"{a} to {b}": p.change(a, b) for a, b in p.changes}, charts / "change.png"),
        "domains": domains,
        "improvements": [row(m) for m in rises[:IMPROVEMENTS]],
        "falls": [row(m) for m in falls],
        "focus": [{"statement": k, "text": TEXT[k], "score": after[k]} for k in p.focus],
        "actions": [{"statement": a["statement"], "action": a["action"], "owner": a.get("owner") or "",
                     "due": a["due_date"].strftime("%d/%m/%Y") if a.get("due_date") else "", "status": a["status"]}
                    for a in p.actions if a.get("action")],
        "action_status": action_status,
        "methodology": ("Each agency scored the framework's 46 statements from 0 to 4 with the evidence behind each "
                        "score (the stems 1.6, 2.1 and 4.1 are scored by their items a to c). Where agencies differed "
                        "the lowest score was agreed (NSPCC HSB framework, 2019). A domain's score is the mean of its "
                        "statements' scores: domains 3 and 5 have 8 statements, the others 10, so sums would not "
                        "compare."),
    }


def make_briefing(out: Path, config, db: str | None = None, template: Path | None = None,
                  pdf: bool = False, today: dt.date | None = None) -> Path:
    """The audit briefing from the store's audits (and the last action plan filed); optionally also as PDF
    (`safecontext brief --kind audit`). Raises BriefingError (or StoreError) with a message saying what to do."""
    from addin.catalogue.hsb_audit.actions import last_plan
    from addin.catalogue.hsb_audit.filed import filed_audits
    from addin.catalogue.hsb_audit.progress import progress
    from addin.reports.files import check_output
    from addin.reports.word import check_template, render, to_pdf

    template, out = Path(template) if template else TEMPLATE, Path(out)
    check_output(out, BriefingError)
    check_template(template, VARIABLES, BriefingError, LISTING)
    target = db or config.store
    p = progress(filed_audits(target), last_plan(target))
    if p is None:
        raise BriefingError("no HSB audit is filed in the store yet; file the agencies' audits with 'safecontext "
                            "ingest' (and agree them with 'safecontext audit merge').")
    with tempfile.TemporaryDirectory() as charts:
        render(template, context(p, config.authority, Path(charts), today), out, variables=VARIABLES,
               error=BriefingError, listing=LISTING, images={"radar_chart": 120, "change_chart": 150})
    return to_pdf(out, BriefingError) if pdf else out
