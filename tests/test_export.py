"""Personal fields declare what they become when data leaves the store, and every export honours it:
`safecontext export` drops, hashes (keyed), or coarsens them; the matrix reads no personal value."""
from __future__ import annotations

import csv
import hashlib
import hmac

import pytest

from test_store import checked, filler, make, personal_values, store, tables, valid  # noqa: F401 (fixtures)

from addin.forms import Field, get_form
from addin.store import file_batch

KEY = "demo-only-key-change-me-0123456789"  # the demo configuration's analysis_key


def test_a_personal_field_says_what_it_becomes_and_only_a_personal_one_may():
    assert Field("x", "X", personal=True).leaves == "drop" and Field("x", "X").leaves is None
    with pytest.raises(ValueError, match="only a personal field"):
        Field("x", "X", leaves="hash")
    with pytest.raises(ValueError, match="a text field cannot leave the store as 'month'"):
        Field("x", "X", personal=True, leaves="month")
    with pytest.raises(ValueError, match="cannot leave the store as 'district'"):
        Field("d", "D", "date", personal=True, leaves="district")
    fap = get_form("fap-referral")
    assert {f.id: f.leaves for f in fap.fields if f.leaves not in (None, "drop")} == {
        "upn": "hash", "date_of_birth": "month", "postcode": "district"}


def test_the_data_dictionary_lists_what_each_field_becomes(cli):
    import json

    code, out, _ = cli("fields", "fap-referral", "--json")
    entries = {e["id"]: e for e in json.loads(out)}
    assert (entries["upn"]["leaves"], entries["child_name"]["leaves"], entries["school"]["leaves"]) == \
        ("hash", "drop", None)


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_export_drops_hashes_and_coarsens_personal_fields(store, tmp_path, filler, cfg, cli, config_file):
    v1, v2 = valid(1), valid(2)
    file_batch(store, checked([make(filler, tmp_path, 1), make(filler, tmp_path, 2)], cfg), cfg)
    code, out, err = cli("export", "fap-referral", "-o", tmp_path / "fap.csv", "--db", store, "--config",
                         config_file)
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == [f"Wrote 2 rows to {tmp_path / 'fap.csv'}",
                                    f"Wrote 2 rows to {tmp_path / 'fap.parents_carers.csv'}",
                                    f"Wrote 4 rows to {tmp_path / 'fap.previous_schools.csv'}"]
    rows = _rows(tmp_path / "fap.csv")
    form = get_form("fap-referral")
    kept = [f.id for f in form.fields if f.leaves != "drop"]
    assert list(rows[0]) == ["record_id", "version", "term", "filed_at", "queries", *kept,
                             *[f"n_{t.id}" for t in form.tables]]
    first = rows[0]
    assert first["upn"] == hmac.new(KEY.encode(), v1["upn"].encode(), hashlib.sha256).hexdigest()
    assert first["date_of_birth"] == f"{v1['date_of_birth']:%Y-%m}" and first["postcode"] == "AB2"
    assert (first["school"], first["ward"], first["concern_hsb"]) == ("Beacon Hill School", "Castle", "True")
    everything = "".join(p.read_text(encoding="utf-8-sig") for p in tmp_path.glob("fap*.csv"))
    secrets = personal_values(v1, tables(1)) + personal_values(v2, tables(2))
    assert [s for s in secrets if s in everything] == []
    assert "referral-1.xlsx" not in everything  # file names stay in the store


def test_export_without_a_key_says_what_to_set(store, tmp_path, filler, cfg, cli):
    from addin.config import demo_text

    config = tmp_path / "nokey.toml"
    config.write_text("\n".join(line for line in demo_text().splitlines() if not line.startswith("analysis_key")),
                      encoding="utf-8")
    file_batch(store, checked([make(filler, tmp_path, 1)], cfg), cfg)
    code, out, err = cli("export", "fap-referral", "-o", tmp_path / "fap.csv", "--db", store, "--config", config)
    assert (code, out) == (2, "")
    assert err.startswith("safecontext: this form has fields exported as keyed hashes (e.g. the UPN), but the "
                          "configuration has no analysis_key.")
    assert not (tmp_path / "fap.csv").exists()
    code, _, err = cli("export", "fap-referral", "-o", tmp_path, "--db", store, "--config", config)
    assert (code, err) == (2, f"safecontext: {tmp_path}: the file name must end in .csv.\n")


def test_the_matrix_reads_no_personal_value():
    """Its counts come from non-personal fields; free text (personal) only as whether it is filled."""
    from addin.catalogue.fap_referral.matrix.build import BOOLEAN_FIELDS, CATEGORY_FIELDS, PRESENCE_FIELDS

    form = get_form("fap-referral")
    assert [f for f in CATEGORY_FIELDS + BOOLEAN_FIELDS if form[f].personal] == []
    assert all(form[f].personal and form[f].type == "longtext" for f in PRESENCE_FIELDS)
