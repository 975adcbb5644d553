"""English school terms: which term a date falls in, and each term's dates.

By default autumn runs September to December, spring January to March and summer April to
August, each inside one calendar year, so ids read `2026-autumn`, `2027-spring`, `2027-summer`.
The configuration may move a term's start and end (`[terms."2026-autumn"]`). A date in no
term's range (a holiday between two configured terms) counts in the next term, the one in
which the panel would see it.
"""
from __future__ import annotations

import datetime as dt
import re

SEASONS = ("spring", "summer", "autumn")  # chronological order within a calendar year
_DEFAULT = {  # season -> ((start month, day), (end month, day))
    "spring": ((1, 1), (3, 31)),
    "summer": ((4, 1), (8, 31)),
    "autumn": ((9, 1), (12, 31)),
}
_ID = re.compile(r"^\s*(\d{4})\s*-\s*([A-Za-z]+)\s*$")


class TermError(ValueError):
    """A term id or configured term dates that cannot be used; the message says what to write."""


def parse_term(text: str) -> str:
    """The canonical id of a term written like '2026-autumn' (case and spaces forgiven)."""
    m = _ID.match(str(text))
    if not m or m.group(2).casefold() not in SEASONS:
        raise TermError(f"'{text}' is not a term. Write a year and a term, like 2026-autumn, "
                        "2027-spring or 2027-summer.")
    return f"{m.group(1)}-{m.group(2).casefold()}"


def _split(term_id: str) -> tuple[int, int]:
    """(year, season index): sorts terms chronologically."""
    year, season = parse_term(term_id).split("-")
    return int(year), SEASONS.index(season)


def _join(year: int, index: int) -> str:
    year, index = year + index // 3, index % 3
    return f"{year}-{SEASONS[index]}"


def term_key(term_id: str) -> tuple[int, int]:
    """A sort key that orders term ids chronologically."""
    return _split(term_id)


def next_term(term_id: str) -> str:
    year, i = _split(term_id)
    return _join(year, i + 1)


def previous_term(term_id: str) -> str:
    year, i = _split(term_id)
    return _join(year, i - 1)


def previous_terms(term_id: str, n: int) -> list[str]:
    """The n terms before `term_id` (not including it), oldest first."""
    year, i = _split(term_id)
    return [_join(year, i - k) for k in range(n, 0, -1)]


def default_term_of(day: dt.date) -> str:
    """The term of a date under the default (unconfigured) term dates."""
    season = "spring" if day.month <= 3 else "summer" if day.month <= 8 else "autumn"
    return f"{day.year}-{season}"


def _default_range(term_id: str) -> tuple[dt.date, dt.date]:
    year, i = _split(term_id)
    (m0, d0), (m1, d1) = _DEFAULT[SEASONS[i]]
    return dt.date(year, m0, d0), dt.date(year, m1, d1)


def _as_date(value, term_id: str, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise TermError(f'terms."{term_id}".{key} = {value!r} is not a date; write it like '
                        '"2026-09-01" (year-month-day).') from None


def configured_terms(config) -> dict[str, tuple[dt.date, dt.date]]:
    """Term dates set in the configuration, checked: known ids, start not after end, no overlaps."""
    raw = getattr(config, "terms", None) or {}
    out: dict[str, tuple[dt.date, dt.date]] = {}
    for key, spec in raw.items():
        term_id = parse_term(key)
        if not isinstance(spec, dict):
            raise TermError(f'terms."{key}" must give a start and an end, like start = "2026-09-01" '
                            'and end = "2026-12-23".')
        default_start, default_end = _default_range(term_id)
        start = _as_date(spec["start"], key, "start") if "start" in spec else default_start
        end = _as_date(spec["end"], key, "end") if "end" in spec else default_end
        if start > end:
            raise TermError(f'terms."{key}": the start {start.isoformat()} is after the end {end.isoformat()}.')
        # A configured term may move by weeks, not into another year's term.
        if abs((start - default_start).days) > 92 or abs((end - default_end).days) > 92:
            raise TermError(f'terms."{key}": {start.isoformat()} to {end.isoformat()} is too far from the '
                            f"usual dates of {term_id}; check the year.")
        out[term_id] = (start, end)
    ordered = sorted(out.items(), key=lambda kv: term_key(kv[0]))
    for (a, (_, a_end)), (b, (b_start, _)) in zip(ordered, ordered[1:]):
        if b_start <= a_end:
            raise TermError(f'terms."{a}" and terms."{b}" overlap: {a} ends {a_end.isoformat()} but {b} '
                            f"starts {b_start.isoformat()}.")
    return out


def term_range(term_id: str, config=None) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of a term, from the configuration when it sets them."""
    term_id = parse_term(term_id)
    return configured_terms(config).get(term_id) or _default_range(term_id)


def term_of(day: dt.date, config=None) -> str:
    """The term a date belongs to (a referral's term is the term of its referral date)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    configured = configured_terms(config)
    for term_id, (start, end) in configured.items():
        if start <= day <= end:
            return term_id
    home = default_term_of(day)
    if home not in configured:
        return home
    # In a holiday between configured terms: count it in the next term that starts after it.
    term_id = previous_term(home)
    for _ in range(4):
        start, _end = configured.get(term_id) or _default_range(term_id)
        if start > day:
            return term_id
        term_id = next_term(term_id)
    return home  # unreachable with checked configuration; kept as a safe answer


def current_term(today: dt.date | None = None, config=None) -> str:
    """The term of today (or of the given day)."""
    return term_of(today or dt.date.today(), config)


def terms_between(first: str, last: str) -> list[str]:
    """Every term from `first` to `last` inclusive, oldest first."""
    out, term_id = [], parse_term(first)
    stop = term_key(last)
    while term_key(term_id) <= stop:
        out.append(term_id)
        term_id = next_term(term_id)
    return out
