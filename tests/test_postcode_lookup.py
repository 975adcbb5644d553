"""The optional postcode -> ward lookup fills the ward when only the child's postcode is given."""
from pathlib import Path

import pytest

from addin.checks.run import check_files
from addin.config import ConfigError, demo_text, load_config
from conftest import valid_fap_tables, valid_fap_values


def _config(tmp_path: Path, lookup_text: str | None) -> Path:
    cfg = tmp_path / "safecontext.toml"
    text = demo_text().replace('# postcode_lookup = "postcode_wards.csv"', 'postcode_lookup = "wards.csv"')
    cfg.write_text(text, encoding="utf-8")
    if lookup_text is not None:
        (tmp_path / "wards.csv").write_text(lookup_text, encoding="utf-8")
    return cfg


def test_ward_comes_from_the_postcode_when_blank(tmp_path, make_form):
    cfg = load_config(_config(tmp_path, "postcode,ward\nAS1 2AB,Castle\nas3 9zz,Priory\n"))
    path = make_form("fap-referral", {**valid_fap_values(), "ward": None, "postcode": "as1  2ab"}, valid_fap_tables())
    (result,) = check_files([path], cfg)
    assert result.values["ward"] == "Castle"
    assert [p.code for p in result.problems] == []  # no FAP-028 "postcode or ward" query


def test_a_typed_ward_is_kept_and_an_unlisted_postcode_leaves_it_blank(tmp_path, make_form):
    cfg = load_config(_config(tmp_path, "postcode,ward\nAS1 2AB,Castle\n"))
    typed, unlisted = (make_form("fap-referral", {**valid_fap_values(), **v}, valid_fap_tables(), name=n) for n, v in (
        ("typed.xlsx", {"ward": "Abbey", "postcode": "AS1 2AB"}),
        ("unlisted.xlsx", {"ward": None, "postcode": "AS9 9ZZ"})))
    a, b = check_files([typed, unlisted], cfg)
    assert a.values["ward"] == "Abbey"
    assert b.values["ward"] is None


def test_a_missing_or_malformed_lookup_is_refused_when_the_config_is_read(tmp_path):
    with pytest.raises(ConfigError) as missing:
        load_config(_config(tmp_path, None))
    assert str(missing.value).startswith(f"{tmp_path / 'wards.csv'}: the postcode lookup file cannot be read")
    with pytest.raises(ConfigError) as malformed:
        load_config(_config(tmp_path, "code,area\nAS1 2AB,Castle\n"))
    assert str(malformed.value) == f"{tmp_path / 'wards.csv'}: the postcode lookup needs the columns postcode,ward."
