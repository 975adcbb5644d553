"""The termly Word briefing for the safeguarding partnership, filled from the publishable matrix.

Only publishable (suppressed) numbers reach the document; rendering always escapes and fails
on any variable the template uses that SafeContext does not provide.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from addin.catalogue.fap_referral.briefing.template_source import TEMPLATE
from addin.errors import UserError
from typing import TYPE_CHECKING

from addin.catalogue.fap_referral.matrix import MARKING, check_output
from addin.reports.word import to_pdf
from addin.catalogue.fap_referral.matrix.labels import ALL_REFERRALS, ANY, REFERRALS

if TYPE_CHECKING:  # pandas stays unloaded until a briefing is actually made
    from addin.catalogue.fap_referral.matrix.build import Sheet

BOARD = "the local safeguarding children partnership"

VARIABLES = {
    "marking": "Protective marking, 'OFFICIAL – SENSITIVE'",
    "board": "Who the briefing is for",
    "authority": "Local authority name, from the configuration",
    "term": "Term id, e.g. 2026-autumn",
    "term_label": "Term in words, e.g. Autumn term 2026",
    "term_dates": "First and last day of the term, dd/mm/yyyy",
    "previous_label": "The previous term in words ('' if none in the store)",
    "produced": "Date the briefing was made",
    "referrals": "Referrals this term (publishable: a number or c)",
    "any_concern": "Referrals with at least one peer-on-peer abuse concern (number or c)",
    "any_concern_share": "That as a percentage of referrals, e.g. 35.8% (or c)",
    "key_messages": "List of sentences",
    "concerns": "Rows: concern, count, previous, change",
    "concerns_chart": "Bar chart of concerns this term (image)",
    "overlap_sentence": "A sentence on referrals with two or more concerns",
    "combinations": "Rows: combination, count (rare combinations pooled)",
    "by_number": "Rows: number (one concern, two concerns, three or more concerns; or two or more), count",
    "pairs": "Rows: concern, counts (referrals with it and each of the eight concerns, in the order CSE, serious "
             "youth violence, gangs, harmful sexual behaviour, relationship/domestic abuse, sexual bullying, missing "
             "from education, missing from home; with itself, its total)",
    "overlaps_chart": "UpSet chart of the published intersections of concerns (image; '' when there is none)",
    "schools": "Rows: name, referrals, any_concern (schools under the threshold pooled)",
    "wards": "Rows: name, referrals, any_concern (wards under the threshold pooled)",
    "contexts": "Rows: item, all, any_concern",
    "trend_chart": "Line chart of referrals and concerns by term (image)",
    "trend": "Rows: term, referrals, any_concern",
    "data_quality": "List of sentences about completeness",
    "methodology": "How the numbers were made",
    "symbols_note": "What c and 0 mean",
    "threshold": "The suppression threshold (counts below it are shown as c)",
    "headline_only": "True when the term publishes headline counts only (too few referrals to break down)",
    "publication_note": "Why only headline counts are published ('' when the whole briefing is)",
}
WITHHELD = "Withheld to protect small numbers"
CARE = "Open to children's social care"


class BriefingError(UserError):
    """A briefing that cannot be made; the message says what to do."""


def term_label(term: str) -> str:
    year, _, season = term.partition("-")
    return f"{season.capitalize()} term {year}" if season else term


def _sheet(sheets: list[Sheet], name: str) -> Sheet:
    return next(s for s in sheets if s.name == name)


def _say(v, threshold: int) -> str:
    return f"fewer than {threshold}" if v == "c" else str(v)


def _pooled_rows(block, threshold: int, label: str) -> list[dict]:
    """Named rows where the row count survives suppression; the rest pooled without names.

    The pooled row's counts are the table's totals less the named rows': shown where every one of those is
    a number (a reader of the page could work them out anyway) and the result is not small; else c."""
    if block.withheld:
        return [{"name": WITHHELD, "referrals": "c", "any_concern": "c"}]
    rows, pooled, other = [], 0, f"Other {label}"  # other: the matrix's own pool of the smaller ones
    for name in block.counts.index:
        total = block.row_totals[name]
        if total == 0:
            continue
        if total == "c" or name in ("Not recorded", other):
            pooled += 1
            continue
        rows.append({"name": str(name), "referrals": total, "any_concern": block.counts.loc[name, ANY]})
    rows.sort(key=lambda r: -r["referrals"])
    if pooled:
        # Not "each with fewer than {threshold}": a secondary c can be larger, and with that bound a
        # reader could solve the pooled counts (two schools, 8 referrals between them: 4 and 4).
        named = (f"{other} (the smaller ones, and any with numbers suppressed or not recorded)"
                 if other in block.counts.index else f"{other} ({pooled}, with numbers suppressed or not recorded)")
        if other in block.counts.index and pooled == 1:
            named = f"{other} (each with fewer referrals than those named)"
        rows.append({"name": named,
                     "referrals": _rest(block.grand_total, [r["referrals"] for r in rows], threshold),
                     "any_concern": _rest(block.col_totals[ANY], [r["any_concern"] for r in rows], threshold)})
    return rows


def _rest(total, shown: list, threshold: int):
    """`total` less the `shown` counts, where all are numbers and the difference is 0 or not small; else c."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in [total] + shown):
        return "c"
    rest = total - sum(shown)
    return rest if rest == 0 or rest >= threshold else "c"


def context(pub: list[Sheet], term: str, term_dates: tuple[dt.date, dt.date], config, threshold: int,
            symbols: str, chart_dir: Path) -> dict:
    """Every variable of the template, from publishable sheets only."""
    from addin.catalogue.fap_referral.matrix.build import DEGREES_INDEX
    from addin.catalogue.fap_referral.matrix.overlaps import bars as upset_bars
    from addin.catalogue.fap_referral.matrix.publishable import HEADLINE

    lines = dict(_sheet(pub, "Summary").lines)
    if HEADLINE in lines:
        return _headline_context(lines, term, term_dates, config, threshold, symbols)
    trend = _sheet(pub, "Trend").blocks[0].counts
    terms = list(trend.index)
    prev = terms[terms.index(term) - 1] if term in terms and terms.index(term) > 0 else None
    concerns_block = _sheet(pub, "Summary").blocks[0].counts[REFERRALS]
    concerns = []
    for name, count in concerns_block.items():
        before = trend.loc[prev, name] if prev is not None else ""
        change = (count - before) if isinstance(count, int) and isinstance(before, int) else ("" if prev is None else "c")
        concerns.append({"concern": name, "count": count, "previous": before,
                         "change": _change_cell(change)})
    n, any_n = lines.get("Referrals"), lines.get(ANY)
    messages = [f"{_say(n, threshold)} referrals reached the Fair Access Panel in the {term_label(term).lower()}"
                + (f" ({_change_words(lines.get('Change in referrals'), threshold)} on the "
                   f"{term_label(prev).lower()})." if prev else ".")]
    messages.append(f"{_say(any_n, threshold)} of them ({lines.get('Share with any peer-on-peer abuse concern')}) "
                    "recorded at least one peer-on-peer abuse concern.")
    ranked = [c for c in concerns if isinstance(c["count"], int) and c["count"] > 0 and c["concern"] != CARE]
    ranked.sort(key=lambda c: -c["count"])
    if ranked:
        top = [f"{c['concern'].lower() if c['concern'] != 'CSE' else 'CSE'} ({c['count']})" for c in ranked[:3]]
        messages.append("The most common peer-on-peer abuse concerns were " + (
            ", ".join(top[:-1]) + " and " + top[-1] if len(top) > 1 else top[0]) + ".")
    care = next((c["count"] for c in concerns if c["concern"] == CARE), None)
    if care is not None:
        messages.append(("the number open to children's social care is not shown (small numbers)" if care == "c"
                         else f"{care} referrals were open to children's social care")
                        + "; it is listed with the concerns but not ranked with them, because it says the child is "
                        "known to social care, not which peer-on-peer abuse is of concern.")
    two = lines.get("Referrals with two or more concerns")
    overlap = (f"{_say(two, threshold)} referrals recorded two or more peer-on-peer abuse concerns, so the "
               "same young people appear in more than one of the usual lists.")
    messages.append(overlap)
    schools = _pooled_rows(_sheet(pub, "Schools").blocks[0], threshold, "schools")
    wards = _pooled_rows(_sheet(pub, "Wards").blocks[0], threshold, "wards")
    ctx_block = _sheet(pub, "Contexts").blocks[0]
    contexts = [{"item": item, "all": ctx_block.counts.loc[item, ALL_REFERRALS],
                 "any_concern": ctx_block.counts.loc[item, ANY]} for item in ctx_block.counts.index]
    if ctx_block.withheld:
        contexts = [{"item": WITHHELD, "all": "c", "any_concern": "c"}]
    overlaps = {b.counts.index.name: b for b in _sheet(pub, "Overlaps").blocks}
    combinations = [{"combination": str(k), "count": v}
                    for k, v in overlaps["Combination of concerns"].counts[REFERRALS].items()]
    by_number = [{"number": str(k), "count": v} for k, v in overlaps[DEGREES_INDEX].counts[REFERRALS].items()]
    co = overlaps["Concern"].counts
    pairs = [{"concern": str(r), "counts": list(co.loc[r])} for r in co.index]
    bars = upset_bars(pub, threshold)
    dq_lines = dict(_sheet(pub, "Data quality").lines)
    dq_block = _sheet(pub, "Data quality").blocks[0].counts
    data_quality = []
    if "Filed with queries to check" in dq_lines:
        data_quality.append(f"{_say(dq_lines['Filed with queries to check'], threshold)} referrals were filed "
                            "with queries for the panel to check.")
    # c here may hide a large count (its complement is small), so it is shown as c, not "fewer than".
    # The matrix lists the fields in form order; ranked here among the counts shown (a "c" last, unranked).
    blanks = [(k, v) for k, v in dq_block.iloc[:, 0].items() if v != 0]
    blanks.sort(key=lambda kv: -kv[1] if isinstance(kv[1], int) else 1)
    blank_fields = [f"{k} ({v})" for k, v in blanks][:5]
    if blank_fields:
        data_quality.append("Fields most often left blank: " + "; ".join(blank_fields) + ".")
    from addin.catalogue.fap_referral.briefing.charts import concerns_chart, trend_chart, upset_chart

    return {
        "marking": MARKING, "board": BOARD, "authority": config.authority, "term": term,
        "term_label": term_label(term), "term_dates": f"{term_dates[0]:%d/%m/%Y} to {term_dates[1]:%d/%m/%Y}",
        "previous_label": term_label(prev) if prev else "", "produced": f"{dt.date.today():%d/%m/%Y}",
        "referrals": n, "any_concern": any_n,
        "any_concern_share": lines.get("Share with any peer-on-peer abuse concern"),
        "key_messages": [_capital(m) for m in messages], "concerns": concerns,
        "concerns_chart": concerns_chart(concerns, chart_dir / "concerns.png"),
        "overlap_sentence": overlap, "combinations": combinations, "by_number": by_number, "pairs": pairs,
        "overlaps_chart": upset_chart(bars, [(c["concern"], c["count"]) for c in concerns if c["concern"] != CARE],
                                      chart_dir / "overlaps.png") if bars else "",
        "schools": schools, "wards": wards,
        "contexts": contexts,
        "trend_chart": trend_chart(trend, chart_dir / "trend.png"),
        "trend": [{"term": t, "referrals": trend.loc[t, REFERRALS], "any_concern": trend.loc[t, ANY]} for t in terms],
        "data_quality": [_capital(s) for s in data_quality] or ["No data quality issues to report."],
        "methodology": METHODOLOGY,
        "symbols_note": symbols, "threshold": threshold, "headline_only": False, "publication_note": "",
    }


METHODOLOGY = ("Counts of Fair Access Panel referrals filed in SafeContext whose referral date falls in the term; a "
               "corrected referral replaces the earlier version, so each referral is counted once. Concerns are the "
               "peer-on-peer abuse ticks on the referral form plus whether the child is open to children's social "
               "care. Wards are where the child lives. Small numbers are suppressed so that no child can be "
               "identified.")


def _headline_context(lines: dict, term: str, term_dates, config, threshold: int, symbols: str) -> dict:
    """The template's variables for a term that publishes headline counts only: the number of referrals
    and why nothing more is said; every table empty, no charts."""
    from addin.catalogue.fap_referral.matrix.publishable import HEADLINE

    n, reason = lines.get("Referrals"), lines[HEADLINE]
    return {
        "marking": MARKING, "board": BOARD, "authority": config.authority, "term": term,
        "term_label": term_label(term), "term_dates": f"{term_dates[0]:%d/%m/%Y} to {term_dates[1]:%d/%m/%Y}",
        "previous_label": "", "produced": f"{dt.date.today():%d/%m/%Y}",
        "referrals": n, "any_concern": "c", "any_concern_share": "c",
        "key_messages": [f"{_capital(_say(n, threshold))} referrals reached the Fair Access Panel in the "
                         f"{term_label(term).lower()}.", reason],
        "concerns": [], "concerns_chart": "", "overlap_sentence": "", "combinations": [], "by_number": [],
        "pairs": [], "overlaps_chart": "", "schools": [],
        "wards": [], "contexts": [], "trend_chart": "", "trend": [], "data_quality": [],
        "methodology": METHODOLOGY, "symbols_note": symbols, "threshold": threshold, "headline_only": True,
        "publication_note": reason,
    }


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _change_cell(change) -> str:
    """The Change column: +3, -2, no change; c or blank as given."""
    if isinstance(change, int):
        return f"{change:+d}" if change else "no change"
    return change


def symbols_words(threshold: int) -> str:
    """The symbols note in plain words for a reader of the briefing (the matrix's speaks of its sheets)."""
    return (f"c means a number not shown, to protect the children concerned: it is fewer than {threshold}, or it "
            "is hidden so that another hidden number cannot be worked out from the totals, from other tables or "
            "from an earlier term's briefing. 0 means none. Percentages are worked out from the exact numbers "
            "and are not shown where their number is hidden.")


def _change_words(change, threshold: int) -> str:
    if change == "c" or change is None:
        return "change not shown: small numbers"
    if change == 0:
        return "no change"
    return f"{'up' if change > 0 else 'down'} {abs(change)}"


LISTING = "safecontext brief --variables"
_IMAGES = {"concerns_chart": 150, "trend_chart": 150, "overlaps_chart": 150}  # mm wide


def check_template(path: Path) -> None:
    """Refuse a template that is not a .docx or that uses a variable SafeContext does not provide."""
    from addin.reports.word import check_template as check

    check(path, VARIABLES, BriefingError, LISTING)


def render(template: Path, ctx: dict, out: Path) -> Path:
    """Fill the template: autoescape always, and a missing variable is an error, never blank."""
    from addin.reports.word import render as fill

    return fill(template, ctx, out, variables=VARIABLES, error=BriefingError, listing=LISTING, images=_IMAGES)


def make_briefing(term: str, out: Path, config, db: str | None = None, template: Path | None = None,
                  pdf: bool = False, compare: int = 2) -> Path:
    """Fill the briefing for `term` from the publishable matrix; optionally convert it to PDF."""
    from addin.catalogue.fap_referral.matrix import matrix_sheets
    from addin.term import parse_term, term_range

    template = Path(template) if template else TEMPLATE
    out = Path(out)
    check_output(out, BriefingError)  # refuse a bad template or output before any work
    check_template(template)
    term = parse_term(term)
    pub, _ = matrix_sheets(term, config, db, compare, publishable=True)
    threshold = config.suppression_threshold
    with tempfile.TemporaryDirectory() as charts:
        ctx = context(pub, term, term_range(term, config), config, threshold, symbols_words(threshold), Path(charts))
        render(template, ctx, out)
    return to_pdf(out, BriefingError) if pdf else out
