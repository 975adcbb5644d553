"""Fuzz: forms with random types in random cells never crash a check or file a wrong record.

Each example fills a few FAP referrals with random values of every kind a cell can hold (dates,
times, booleans, huge and negative numbers, NaN and infinity, control characters, long text) in
random fields, checks them as one batch, and files those without errors. Whatever was typed,
a field either has a problem on its cell or holds a value of its declared type that the store takes.
250 examples (about 500 forms) by default; SAFECONTEXT_FUZZ_EXAMPLES=2000 for a longer hunt.
"""
from __future__ import annotations

import datetime as dt
import math
import os

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from addin.checks.run import check_files
from addin.forms import get_form
from addin.intake.values import FIRST_YEAR, LAST_YEAR, MAX_INTEGER, MAX_NUMBER
from conftest import valid_fap_tables, valid_fap_values

FORM = get_form("fap-referral")
FIELDS = [f.id for f in FORM.fields]
_CONTROL = set(map(chr, [*range(0, 9), 11, 12, *range(14, 32), *range(127, 160)]))


def _escaped(text: str) -> str:
    """Text as a workbook stores characters that XML cannot hold: _xHHHH_ (calamine reads them back)."""
    return "".join(f"_x{ord(ch):04X}_" if ch in _CONTROL else ch for ch in text)


values = st.one_of(
    st.none(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(),
    st.booleans(),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30).map(_escaped),
    st.sampled_from(["Yes", "no", "maybe", "8/9", "31/02/2012", "=1+1", "95%", "1e308", "WBRI", " ", "-0"]),
    st.integers(min_value=0, max_value=40_000).map(lambda n: "x" * n),
)
forms = st.dictionaries(st.sampled_from(FIELDS), values, min_size=1, max_size=8)


def _typed_ok(f, value) -> bool:
    """A typed value as the store will hold it for a field of this type."""
    if value is None:
        return True
    if f.type in ("yesno", "tick"):
        return isinstance(value, bool)
    if f.type == "date":
        return type(value) is dt.date and FIRST_YEAR <= value.year <= LAST_YEAR
    if f.type == "integer":
        return type(value) is int and abs(value) <= MAX_INTEGER
    if f.type in ("number", "percent"):
        return isinstance(value, float) and math.isfinite(value) and abs(value) <= MAX_NUMBER
    if f.type == "choice":
        return isinstance(value, str)
    return isinstance(value, str) and not (set(value) & _CONTROL) and len(value) <= f.max_length


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from addin.store.db import open_store

    engine = open_store(str(tmp_path_factory.mktemp("fuzz") / "store.sqlite"))
    yield engine
    engine.dispose()


EXAMPLES = int(os.environ.get("SAFECONTEXT_FUZZ_EXAMPLES", "250"))


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(forms, min_size=1, max_size=3))
def test_random_values_in_random_cells(batch, fillers, config, tmp_path_factory, store):
    from addin.store.filing import file_batch

    folder = tmp_path_factory.mktemp("f")
    filler = fillers("fap-referral")
    paths = []
    for i, overrides in enumerate(batch):
        try:
            paths.append(filler.save(folder / f"form-{i}.xlsx", valid_fap_values() | overrides, valid_fap_tables()))
        except (ValueError, OverflowError, TypeError):
            assume(False)  # openpyxl itself will not write this value: Excel could not hold it either
    results = check_files(paths, config)
    for res in results:
        assert res.read_error is None
        at_cell = {p.field for p in res.problems}
        for p in res.problems:
            assert not (set(p.message) & _CONTROL), p.message
        for f in FORM.fields:
            if f.id not in at_cell:
                assert _typed_ok(f, res.values.get(f.id)), (f.id, res.values.get(f.id))
    report = file_batch(store, results, config, user="fuzz")
    assert len(report.filings) == len(results)
    for filing, res in zip(report.filings, results):
        if res.errors:
            assert filing.outcome == "refused"
        else:  # filed, or refused only because it matches several filed referrals (no error in the form)
            assert filing.outcome != "refused" or "matches" in filing.detail, filing.detail
