"""The PGI request -> return -> feedback loop, end to end through the command line: a request is
recorded and its PGI written; returns are filed against their requests (late, with nothing, changed,
unknown); feedback writes the letter; the tracker's cells are what the loop did. Peer names never
appear in any output."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from test_store import store  # noqa: F401 (fixture: SQLite and PostgreSQL)

from addin.catalogue.pgi.loop import working_days_after
from addin.forms import get_form

FORM = get_form("pgi")
REQUEST = {"requester_name": "Robin Requester", "requester_agency": "Youth offending team",
           "provider_name": "Pat Provider", "provider_agency": "Youth service", "young_person_name": "Sam Pupil",
           "assessment_type": "Asset Plus"}
PEERS = ["Alex Friend", "Bo Mate", "Cal Peer"]


def test_return_by_is_ten_working_days_after_the_request():
    assert working_days_after(dt.date(2026, 11, 2), 10) == dt.date(2026, 11, 16)   # a Monday: two weeks on
    assert working_days_after(dt.date(2026, 11, 6), 1) == dt.date(2026, 11, 9)     # Friday -> Monday


def _values(path, cfg) -> dict:
    from addin.checks.run import check_files

    (res,) = check_files([path], cfg)
    return {k: v for k, v in res.values.items() if v is not None}


@pytest.fixture
def loop(tmp_path, cfg, cli, store):
    from addin.forms.fill import Filler

    filler = Filler(FORM, cfg)

    def request(name: str, on: dt.date, **changes):
        draft = filler.save(tmp_path / f"{name}.xlsx", {**REQUEST, "date_requested": on, **changes}, {})
        code, out, err = cli("pgi", "request", draft, "--db", store, "-o", tmp_path / "sent" / f"{name}.xlsx")
        assert (code, err) == (0, ""), out + err
        return tmp_path / "sent" / f"{name}.xlsx", out

    def returned(sent: Path, folder: str, name: str, **answers):
        values = {**_values(sent, cfg), **answers}
        peers = [{"name": p, "setting": "School"} for p in values.pop("_peers", [])]
        return filler.save(tmp_path / folder / name, values, {"peers": peers})

    return request, returned


def test_the_loop_end_to_end(loop, cli, store, tmp_path, cfg, config_file):
    request, returned = loop
    (tmp_path / "sent").mkdir()
    sent1, said = request("one", dt.date(2026, 11, 2))
    assert said == (f"Recorded request PGI-2026-0001 (requested 02/11/2026, to be returned by 16/11/2026) in "
                    f"{store}.\nSend this PGI to the provider: {tmp_path / 'sent' / 'one.xlsx'}\n")
    sent2, _ = request("two", dt.date(2026, 11, 3), provider_agency="Education provider (mainstream)")
    sent3, _ = request("three", dt.date(2026, 11, 4))
    sent4, _ = request("four", dt.date(2026, 11, 2), requester_agency="CSE service")  # due 16/11: overdue
    v1 = _values(sent1, cfg)
    assert (v1["request_reference"], v1["return_by"], v1["young_person_name"]) == \
        ("PGI-2026-0001", dt.date(2026, 11, 16), "Sam Pupil")

    # Returns: one on time, one late, one "not aware of peers", one with a reference no request has.
    returned(sent1, "in", "one.xlsx", aware_of_peers=True, date_returned=dt.date(2026, 11, 10),
             peer_network="A small number", negative_influence="An older peer.", _peers=PEERS[:2])
    returned(sent2, "in", "two.xlsx", aware_of_peers=True, date_returned=dt.date(2026, 11, 27),
             peer_network="Many peer relationships", _peers=PEERS[2:])
    returned(sent3, "in", "three.xlsx", aware_of_peers=False, date_returned=dt.date(2026, 11, 6))
    returned(sent4, "in", "stray.xlsx", request_reference="PGI-2026-0099", aware_of_peers=False)
    code, out, err = cli("ingest", tmp_path / "in", "--db", store, "--config", config_file)
    assert code == 1 and err == ""
    assert ("refused stray.xlsx: its Request reference PGI-2026-0099 matches no PGI request recorded in this "
            "store; check the reference with the requester (a PGI is filed against the request it answers)") in out
    assert "Filed 3, unchanged 0, superseded 0, refused 1" in out
    # The provider corrects the first: it supersedes, and the requester is told what changed.
    returned(sent1, "later", "one corrected.xlsx", aware_of_peers=True, date_returned=dt.date(2026, 11, 10),
             peer_network="A small number", negative_influence="The older peer has moved away.", _peers=PEERS[:1])
    code, out, _ = cli("ingest", tmp_path / "later", "--db", store, "--config", config_file)
    assert code == 0 and "superseded one corrected.xlsx (2026-autumn, version 2)" in " ".join(out.split())

    code, out, err = cli("pgi", "feedback", "PGI-2026-0001", "--informed", "yes", "--further-actions", "yes",
                         "--db", store, "-o", tmp_path / "letter.docx")
    assert (code, out, err) == (2, "", "safecontext: say which further safeguarding actions are needed with "
                                        "--actions TEXT.\n")
    code, out, _ = cli("pgi", "feedback", "PGI-2026-0001", "--informed", "yes", "--further-actions", "yes",
                       "--actions", "Refer to the CSE service", "--db", store, "-o", tmp_path / "letter.docx")
    assert out == f"Recorded feedback on PGI-2026-0001; wrote the letter to the provider: {tmp_path / 'letter.docx'}\n"
    code, out, err = cli("pgi", "feedback", "PGI-2026-0004", "--informed", "no", "--further-actions", "no",
                         "--db", store, "-o", tmp_path / "letter4.docx")
    assert (code, err) == (2, "safecontext: the PGI for request PGI-2026-0004 has not been returned and filed yet, "
                              "so there is nothing to give feedback on.\n")
    from docx import Document

    letter = "\n".join(p.text for p in Document(tmp_path / "letter.docx").paragraphs)
    table = [[c.text for c in r.cells] for r in Document(tmp_path / "letter.docx").tables[0].rows]
    assert "To: Pat Provider, Youth service" in letter and "request PGI-2026-0001" in letter
    assert table == [["Did the information inform the assessment?", "Yes"],
                     ["Are further safeguarding actions needed?", "Yes: Refer to the CSE service"]]
    assert not any(p in letter for p in PEERS + ["Sam Pupil"])  # no peer, and the young person by reference only

    code, out, _ = cli("pgi", "tracker", "--db", store, "-o", tmp_path / "tracker.xlsx")
    assert code == 0
    wb = load_workbook(tmp_path / "tracker.xlsx")
    ws = wb["Requests"]
    head = [c.value for c in ws[5]]
    rows = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=6, values_only=True)}
    assert list(rows) == ["PGI-2026-0001", "PGI-2026-0004", "PGI-2026-0002", "PGI-2026-0003"]  # by date requested
    one, four, two, three = rows.values()
    assert (one["Status"], one["Days to return"], one["Feedback sent"], one["Change to acknowledge"]) == \
        ("Returned", 8, dt.datetime.combine(dt.date.today(), dt.time()), "Yes")
    assert one["What changed"] == ("Do you consider any of the above individuals to have a negative or risky "
                                   "influence on the young person concerned? (Please explain answer); Peers")
    assert one["Action needed"] == "Acknowledge the change ('safecontext pgi acknowledge')"
    assert (two["Status"], two["Days to return"], two["Feedback sent"], two["Action needed"]) == \
        ("Returned", 24, "Not yet", "Send feedback ('safecontext pgi feedback')")
    assert two["Date returned"] > two["Return by"]  # returned late
    assert (three["Status"], three["Days to return"]) == ("Returned with nothing", 2)
    assert (four["Status"], four["Action needed"]) == ("Overdue", "Chase the return")
    assert four["Days outstanding"] == (dt.date.today() - dt.date(2026, 11, 2)).days
    assert ws.oddHeader.center.text == "OFFICIAL – SENSITIVE – INTERNAL" and "INTERNAL" in ws["A2"].value
    # Fifteen columns print on A3 with the headings on every page, and a row is as tall as its wrapped text
    # (the change of PGI-2026-0001, 150 characters in the 40-wide column: four lines by the generous estimate
    # that allows for LibreOffice's wider font; a one-line row keeps its height).
    assert (ws.page_setup.paperSize, ws.page_setup.orientation, ws.print_title_rows) == (8, "landscape", "$5:$5")
    assert ws.row_dimensions[6].height == 61 and ws.row_dimensions[7].height is None
    assert counts_note(wb).startswith(
        "Symbols: c = suppressed: fewer than 5 (or needed to stop a suppressed number being worked out from the "
        "term's number of requests and its other counts); 0 = true zero.")
    counts = wb["Counts"]
    assert [counts.cell(row=5, column=j).value for j in (1, 2)] == ["Count", "2026-autumn"]
    assert counts["B5"].alignment.horizontal == "right" == counts["B6"].alignment.horizontal
    assert counts["A6"].value == "Requests" and counts["B6"].value == "c"  # 4 requests: fewer than 5
    assert "2026-autumn had fewer than 20 requests" in counts_note(wb)
    # Acknowledging clears it, and says what changed.
    code, out, _ = cli("pgi", "acknowledge", "pgi-2026-0001", "--db", store)
    assert out.startswith("Acknowledged the change to PGI-2026-0001 (changed: Do you consider")
    cli("pgi", "tracker", "--db", store, "-o", tmp_path / "tracker2.xlsx")
    ws = load_workbook(tmp_path / "tracker2.xlsx")["Requests"]
    assert ws["M6"].value is None and ws["O6"].value is None
    # No output holds a peer's name or the young person's: not the filing log, store status, or the tracker.
    from addin.store import load_filings

    log = load_filings(store).drop(columns=["filed_at"]).to_json()
    code, status, _ = cli("store", "status", "--db", store)
    assert code == 0 and "PGI form: 3 current returned PGIs, 4 versions in all." in status
    assert not any(p in log + status for p in PEERS + ["Sam Pupil"])
    for path in (tmp_path / "tracker.xlsx", tmp_path / "tracker2.xlsx"):
        wb = load_workbook(path)
        text = json.dumps([[c.value for c in row] for s in wb for row in s.iter_rows()], default=str)
        assert not any(p in text for p in PEERS + ["Sam Pupil", "Robin Requester", "Pat Provider"])


def test_a_request_needs_a_complete_request_section(tmp_path, cfg, cli, store):
    from addin.forms.fill import Filler

    draft = Filler(FORM, cfg).save(tmp_path / "d.xlsx", {**REQUEST, "provider_name": None,
                                                         "assessment_type": "Guesswork"}, {})
    code, out, err = cli("pgi", "request", draft, "--db", store)
    assert (code, out) == (2, "")
    assert err == (f"safecontext: {draft}: the Request section is not complete, so no request was recorded:\n"
                   "  Information provider: name (C10): required, but blank; please fill it in\n"
                   "  Type of assessment being conducted by requesting organisation (C13): 'Guesswork' is not one "
                   "of the choices (Social care assessment, Asset Plus, CSE service assessment, Other); pick one "
                   "from the drop-down\n")
    sent = tmp_path / "sent.xlsx"
    Filler(FORM, cfg).save(tmp_path / "d2.xlsx", REQUEST, {})
    assert cli("pgi", "request", tmp_path / "d2.xlsx", "--db", store, "-o", sent)[0] == 0
    code, _, err = cli("pgi", "request", sent, "--db", store)
    assert (code, err) == (2, f"safecontext: {sent}: this PGI already has the request reference PGI-"
                              f"{dt.date.today():%Y}-0001, so it was requested already. To ask again, start from a "
                              "blank PGI ('safecontext new pgi').\n")


def counts_note(wb) -> str:
    """The symbols note at the foot of the tracker's Counts sheet."""
    return next(c.value for c in wb["Counts"]["A"] if str(c.value).startswith("Symbols"))
