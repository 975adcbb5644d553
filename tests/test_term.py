"""English school terms: ids, default dates, configured dates, and the term of a referral date."""
import datetime as dt
from dataclasses import replace

import pytest

from addin.config import ConfigError, _parse, demo_text, load_config
from addin.term import (TermError, current_term, next_term, parse_term, previous_term, previous_terms,
                        term_key, term_of, term_range, terms_between)

D = dt.date


@pytest.fixture
def demo():
    return _parse(demo_text(), None)


def with_terms(config, terms: dict):
    return replace(config, terms=terms)


@pytest.mark.parametrize("day, term", [
    (D(2026, 9, 1), "2026-autumn"), (D(2026, 12, 31), "2026-autumn"),
    (D(2027, 1, 1), "2027-spring"), (D(2027, 3, 31), "2027-spring"),
    (D(2027, 4, 1), "2027-summer"), (D(2027, 8, 31), "2027-summer"),
    (D(2024, 2, 29), "2024-spring"),
])
def test_default_terms_follow_the_english_school_year(day, term, demo):
    assert term_of(day, demo) == term
    assert term_of(day) == term  # no configuration: the defaults


def test_a_datetime_counts_by_its_day(demo):
    assert term_of(dt.datetime(2026, 8, 31, 23, 59), demo) == "2026-summer"


@pytest.mark.parametrize("term, start, end", [
    ("2026-autumn", D(2026, 9, 1), D(2026, 12, 31)),
    ("2027-spring", D(2027, 1, 1), D(2027, 3, 31)),
    ("2027-summer", D(2027, 4, 1), D(2027, 8, 31)),
])
def test_default_term_ranges(term, start, end, demo):
    assert term_range(term, demo) == (start, end)


def test_previous_terms_are_the_ones_before_oldest_first():
    assert previous_terms("2027-spring", 4) == ["2025-autumn", "2026-spring", "2026-summer", "2026-autumn"]
    assert previous_terms("2026-autumn", 0) == []
    assert previous_term("2027-spring") == "2026-autumn"
    assert next_term("2026-autumn") == "2027-spring"
    assert next_term("2027-summer") == "2027-autumn"


def test_terms_sort_chronologically():
    ids = ["2027-spring", "2026-autumn", "2026-summer", "2026-spring"]
    assert sorted(ids, key=term_key) == ["2026-spring", "2026-summer", "2026-autumn", "2027-spring"]
    assert terms_between("2026-summer", "2027-spring") == ["2026-summer", "2026-autumn", "2027-spring"]


def test_current_term(demo):
    assert current_term(D(2026, 11, 23), demo) == "2026-autumn"
    assert current_term(None, demo) == term_of(dt.date.today(), demo)


@pytest.mark.parametrize("text, term", [("2026-autumn", "2026-autumn"), (" 2027-Spring ", "2027-spring"),
                                        ("2027 - SUMMER", "2027-summer")])
def test_parse_term_accepts_what_people_type(text, term):
    assert parse_term(text) == term


@pytest.mark.parametrize("text", ["2026-fall", "autumn-2026", "26-autumn", "2026", "", "2026-autumn-1"])
def test_parse_term_says_how_to_write_a_term(text):
    with pytest.raises(TermError) as e:
        parse_term(text)
    assert str(e.value) == (f"'{text}' is not a term. Write a year and a term, like 2026-autumn, "
                            "2027-spring or 2027-summer.")


def test_configured_term_dates_override_the_defaults(demo):
    cfg = with_terms(demo, {"2026-autumn": {"start": "2026-09-03", "end": "2026-12-18"},
                            "2027-spring": {"start": dt.date(2027, 1, 5), "end": "2027-03-26"}})
    assert term_range("2026-autumn", cfg) == (D(2026, 9, 3), D(2026, 12, 18))
    assert term_range("2027-spring", cfg) == (D(2027, 1, 5), D(2027, 3, 26))
    assert term_range("2027-summer", cfg) == (D(2027, 4, 1), D(2027, 8, 31))  # not configured: default
    assert term_of(D(2026, 12, 18), cfg) == "2026-autumn"
    assert term_of(D(2027, 1, 5), cfg) == "2027-spring"


@pytest.mark.parametrize("day, term", [
    (D(2026, 9, 2), "2026-autumn"),    # before the configured start: holiday, counts in the term ahead
    (D(2026, 12, 21), "2027-spring"),  # Christmas holiday
    (D(2027, 1, 4), "2027-spring"),
    (D(2027, 3, 29), "2027-summer"),   # after spring's configured end, before summer's default start
])
def test_a_holiday_between_configured_terms_counts_in_the_next_term(day, term, demo):
    cfg = with_terms(demo, {"2026-autumn": {"start": "2026-09-03", "end": "2026-12-18"},
                            "2027-spring": {"start": "2027-01-05", "end": "2027-03-26"}})
    assert term_of(day, cfg) == term


def test_a_configured_term_may_start_inside_the_default_range_of_the_term_before(demo):
    cfg = with_terms(demo, {"2027-summer": {"start": "2027-03-22", "end": "2027-07-21"}})
    assert term_of(D(2027, 3, 22), cfg) == "2027-summer"
    assert term_of(D(2027, 3, 21), cfg) == "2027-spring"
    assert term_of(D(2027, 7, 25), cfg) == "2027-autumn"


def test_configured_terms_from_a_file(tmp_path):
    text = demo_text() + '\n[terms."2026-autumn"]\nstart = "2026-09-03"\nend = 2026-12-18\n'
    path = tmp_path / "safecontext.toml"
    path.write_text(text, encoding="utf-8")
    cfg = load_config(path)
    assert term_range("2026-autumn", cfg) == (D(2026, 9, 3), D(2026, 12, 18))
    assert term_of(D(2026, 12, 20), cfg) == "2027-spring"


@pytest.mark.parametrize("terms, message", [
    ({"2026-fall": {"start": "2026-09-01"}},
     "'2026-fall' is not a term. Write a year and a term, like 2026-autumn, 2027-spring or 2027-summer."),
    ({"2026-autumn": {"start": "01/09/2026"}},
     'terms."2026-autumn".start = \'01/09/2026\' is not a date; write it like "2026-09-01" (year-month-day).'),
    ({"2026-autumn": {"start": "2026-12-01", "end": "2026-11-01"}},
     'terms."2026-autumn": the start 2026-12-01 is after the end 2026-11-01.'),
    ({"2026-autumn": {"start": "2025-09-01", "end": "2025-12-20"}},
     'terms."2026-autumn": 2025-09-01 to 2025-12-20 is too far from the usual dates of 2026-autumn; '
     "check the year."),
    ({"2026-autumn": {"end": "2027-01-10"}, "2027-spring": {"start": "2027-01-04"}},
     'terms."2026-autumn" and terms."2027-spring" overlap: 2026-autumn ends 2027-01-10 but 2027-spring '
     "starts 2027-01-04."),
    ({"2026-autumn": "2026-09-01"},
     'terms."2026-autumn" must give a start and an end, like start = "2026-09-01" and end = "2026-12-23".'),
])
def test_bad_configured_terms_are_explained(terms, message, demo):
    with pytest.raises(TermError) as e:
        term_of(D(2026, 10, 1), with_terms(demo, terms))
    assert str(e.value) == message


def test_term_errors_are_value_errors_not_config_errors():
    # Callers that catch ValueError (bad user input) catch these; ConfigError is for unreadable files.
    assert issubclass(TermError, ValueError) and not issubclass(TermError, ConfigError)
