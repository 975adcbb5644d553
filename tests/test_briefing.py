"""The Word briefing for the board: filled from the publishable matrix of the fixed set, read back.

The fixed set and its hand-counted numbers live in test_matrix.py; the numbers here are the
publishable ones (counts of 1 to 4 are c) from those tables.
"""
from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.dom import minidom

import pytest
from docx import Document

from test_matrix import (A, B, C, D, TERM, Fixed, convert_to_pdf, fixed, fixed_referrals, soffice,  # noqa: F401
                         soffice_writer)

from addin.catalogue.fap_referral.briefing import MARKING, VARIABLES, make_briefing
from addin.catalogue.fap_referral.briefing.template_source import TEMPLATE

c = "c"
ANY = "Any peer-on-peer abuse concern"
AUTHORITY = "Ashbridge Borough Council (fictional demo authority)"
NASTY_AUTHORITY = """Smith & Jones <Borough> "Council" 'demo'"""
NASTY_SCHOOL = """St Mary & St John's <Academy> "Q" 'x'"""

KEY_MESSAGES = [
    "24 referrals reached the Fair Access Panel in the spring term 2026 (up 12 on the autumn term 2025).",
    "17 of them (70.8%) recorded at least one peer-on-peer abuse concern.",
    "The most common peer-on-peer abuse concerns were CSE (7), missing from home (6) and serious youth violence (5).",
    "7 referrals were open to children's social care; it is listed with the concerns but not ranked with them, "
    "because it says the child is known to social care, not which peer-on-peer abuse is of concern.",
    "12 referrals recorded two or more peer-on-peer abuse concerns, so the same young people appear in more "
    "than one of the usual lists.",
]
CONCERNS = [  # this term, previous term, change: a change only where both counts are shown
    # The autumn had 12 referrals, fewer than the minimum of 20: its own matrix published that number
    # only, so its concern counts are c here too (true zeros apart); and so is every change.
    ["Concern", "Spring term 2026", "Autumn term 2025", "Change"],
    ["CSE", "7", c, c],                           # 5 in the autumn
    ["Serious youth violence", "5", c, c],        # 2 in the autumn
    ["Gangs", c, c, c],
    ["Harmful sexual behaviour", c, c, c],
    ["Relationship/domestic abuse", c, "0", c],
    ["Sexual bullying", c, "0", c],
    ["Missing from education", c, c, c],
    ["Missing from home", "6", c, c],             # 3 in the autumn
    ["Open to children's social care", "7", c, c],
]
# One referral with three concerns: so two and three or more are shown together, as "two or more concerns"
BY_NUMBER = [["Number of concerns", "Referrals"], ["One concern", "5"], ["Two or more concerns", "12"]]
PAIR_HEADER = ["Concern", "CSE", "SYV", "Gangs", "HSB", "RDA", "SB", "MfE", "MfH"]
# The matrix withholds its co-occurrence table for this term: every pair c, each concern's total on the diagonal
PAIRS = [PAIR_HEADER] + [[concern] + [total if i == j else c for j in range(8)] for i, (concern, total) in enumerate(
    [("CSE", "7"), ("Serious youth violence", "5"), ("Gangs", c), ("Harmful sexual behaviour", c),
     ("Relationship/domestic abuse", c), ("Sexual bullying", c), ("Missing from education", c),
     ("Missing from home", "6")])]
# The matrix withholds its Schools and Wards tables for this term (a reader who knows the tables' shape
# could narrow their "c"s to fewer than five values otherwise), so the briefing names none.
SCHOOLS = [["School", "Referrals", "With a peer-on-peer abuse concern"],
           ["Withheld to protect small numbers", c, c]]
WARDS = [["Ward where the child lives", "Referrals", "With a peer-on-peer abuse concern"],
         ["Withheld to protect small numbers", c, c]]
CONTEXTS = [
    ["Recorded on the referral", "All referrals", "With a peer-on-peer abuse concern"],
    ["Peer group information recorded", "18", "17"],
    ["School information recorded", "6", "6"],
    ["Neighbourhood information recorded", c, c],
    ["Home environment information recorded", c, "0"],
    ["School response recorded (any context)", "6", "6"],
    ["Other agencies involved (current)", "7", "6"],
    ["Agency involved (current): YOS", c, c],
    ["Agency involved (current): Police", c, c],
    ["Agency involved (current): CAMHS", c, c],
    ["Agency involved (current): Education Psychology", "0", "0"],
    ["Agency involved (current): Other", c, c],
]
DATA_QUALITY = [
    "Fewer than 5 referrals were filed with queries for the panel to check.",   # S20
    "Fields most often left blank: Other names (24); Individual's strengths: information (24); Individual's "
    "strengths: school response, including referrals to external agencies (24); Individual's attitude to work: "
    "information (24); Individual's attitude to work: school response, including referrals to external "
    "agencies (24).",
]

_CACHE: dict = {}


@pytest.fixture(scope="session")
def briefing(fixed, tmp_path_factory) -> Path:
    if "briefing" not in _CACHE:
        out = tmp_path_factory.mktemp("briefing") / "briefing.docx"
        _CACHE["briefing"] = make_briefing(TERM, out, fixed.config, db=str(fixed.store))
    return _CACHE["briefing"]


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def paragraphs_between(doc, start: str, end: str) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    return [t for t in texts[texts.index(start) + 1:texts.index(end)] if t.strip()]


def all_text(doc) -> str:
    """Body paragraphs, table cells, headers and footers."""
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    for s in doc.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(parts)


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels"))}


# --- what the briefing says ------------------------------------------------------------------------

def test_key_messages(briefing):
    doc = Document(briefing)
    assert paragraphs_between(doc, "Key messages", "Concerns recorded on referrals") == KEY_MESSAGES
    assert paragraphs_between(doc, "How far concerns overlap", "Schools and neighbourhoods") == [
        KEY_MESSAGES[4], "Referrals with at least one peer-on-peer abuse concern, by how many they recorded:",
        "Each column of the chart counts the referrals with exactly the concerns marked below it; combinations too "
        "rare to name are pooled in the grey columns, by how many concerns they have. The bars on the left are each "
        "concern's total.", "Referrals recording both concerns of each pair (a concern with itself: its total):",
        "SYV: serious youth violence; HSB: harmful sexual behaviour; RDA: relationship/domestic abuse; SB: sexual "
        "bullying; MfE, MfH: missing from education, from home."]
    prefix = f"{AUTHORITY} · Spring term 2026 (01/01/2026 to 31/03/2026) · produced "
    assert [p.text for p in doc.paragraphs if p.text.startswith(prefix)] != []


def test_tables(briefing):
    concerns, by_number, pairs, schools, wards, contexts = (rows(t) for t in Document(briefing).tables)
    assert concerns == CONCERNS
    assert by_number == BY_NUMBER
    assert pairs == PAIRS
    assert schools == SCHOOLS
    assert wards == WARDS
    assert contexts == CONTEXTS


def _term_briefing(config, groups, tmp_path):
    """The briefing of a term made in code: (school, referrals, concern ids) groups, all in one ward.
    Returns (the published sheets, the context, the document)."""
    import pandas as pd
    from test_publishable_linked import TERM as TERM_, _term_counts, frame

    from addin.catalogue.fap_referral.briefing import context, render, symbols_words
    from addin.catalogue.fap_referral.declaration import CONCERNS as IDS
    from addin.catalogue.fap_referral.matrix.build import build, trend_table
    from addin.catalogue.fap_referral.matrix.overlaps import with_intersections
    from addin.catalogue.fap_referral.matrix.publishable import publishable
    from addin.forms.codes import ETHNICITY
    from addin.term import term_range

    referrals = [{"school": school, "ward": "Abbey", "gender": "Male", "ethnicity": ETHNICITY[0], "year_group": 9,
                  "ticks": [c in {f"concern_{t}" for t in ticks} for c in IDS], "peer_info": "x" if ticks else None}
                 for school, n, ticks in groups for _ in range(n)]
    df = frame(referrals)
    exact = build(df, TERM_, trend_table(pd.DataFrame([_term_counts(df)], index=[TERM_])), config)
    pub = with_intersections(publishable(exact, 5, minimum_total=0), 5)  # as matrix_sheets publishes it
    _term_briefing.exact = exact
    ctx = context(pub, TERM_, term_range(TERM_, config), config, 5, symbols_words(5), tmp_path)
    return pub, ctx, Document(render(TEMPLATE, ctx, tmp_path / "term.docx"))


OVERLAPPING = [  # 64 referrals with a concern, 30 without
    ("Ashbridge Academy", 12, ("cse", "missing_home")), ("Beacon Hill School", 10, ("serious_youth_violence", "gangs")),
    ("Ashbridge Academy", 15, ("missing_education",)), ("Beacon Hill School", 9, ("hsb",)),
    ("Brookfield High School", 30, ()), ("Ashbridge Academy", 6, ("sexual_bullying",)),
    ("Beacon Hill School", 5, ("relationship_abuse",)), ("Brookfield High School", 3, ("cse",)),
    ("Ashbridge Academy", 2, ("gangs", "hsb")), ("Beacon Hill School", 2, ("cse", "missing_home", "sexual_bullying"))]


def test_overlaps_of_a_term_with_combinations_to_publish(config, tmp_path):
    """What the chart and tables say when some combinations survive: the two published (missing from education
    alone, 15; relationship/domestic abuse alone, 5) with their concerns marked, then the pooled ones by number
    of concerns (38 with one concern less those 20; the 26 with two or more), every number one the Overlaps
    sheet prints or gives by subtraction."""
    from addin.catalogue.fap_referral.matrix.overlaps import bars

    pub, ctx, doc = _term_briefing(config, OVERLAPPING, tmp_path)
    overlaps = {s.name: s for s in pub}["Overlaps"].blocks
    assert overlaps[0].counts["Referrals"].to_dict() == {"Missing from education": 15, "Relationship/domestic abuse": 5,
                                                          "All other combinations": 44}
    upset = overlaps[-1].counts
    assert upset["Referrals"].to_dict() == {"Missing from education": 15, "Relationship/domestic abuse": 5,
                                            "Other single concerns": 18, "Other combinations of two or more": 26}
    assert upset.loc["Missing from education", "Missing from education"] == "●"
    assert (upset.drop(columns="Referrals") == "●").sum().sum() == 2
    assert [(label, n) for label, _, n in bars(pub, 5)] == list(upset["Referrals"].items())
    assert ctx["overlaps_chart"].name == "overlaps.png" and len(doc.inline_shapes) == 3
    tables = [rows(t) for t in doc.tables]
    assert tables[1] == [["Number of concerns", "Referrals"], ["One concern", "38"], ["Two or more concerns", "26"]]
    assert tables[2][0] == PAIR_HEADER and [row[0] for row in tables[2][1:]] == [r[0] for r in PAIRS[1:]]


def test_a_pooled_row_the_page_gives_away_anyway_is_shown(config, tmp_path):
    """Ashbridge Academy is named (40 referrals, 10 with a concern); Beacon Hill (35) is hidden beside Canal
    Side's 3. The page prints the 78 referrals and 20 with a concern, so the pooled row's 38 and 10 are shown,
    not c (item 14.8)."""
    _, ctx, doc = _term_briefing(config, [("Ashbridge Academy", 30, ()), ("Beacon Hill School", 25, ()),
                                          ("Canal Side Academy", 3, ()),
                                          ("Ashbridge Academy", 10, ("missing_education",)),
                                          ("Beacon Hill School", 10, ("missing_education",))], tmp_path)
    schools = rows(doc.tables[3])
    assert schools == [["School", "Referrals", "With a peer-on-peer abuse concern"], ["Ashbridge Academy", "40", "10"],
                       ["Other schools (2, with numbers suppressed or not recorded)", "38", "10"]]
    assert ctx["key_messages"][:2] == ["78 referrals reached the Fair Access Panel in the autumn term 2026.",
                                       "20 of them (25.6%) recorded at least one peer-on-peer abuse concern."]


SMALL_SCHOOLS = [("Ashbridge Academy", 30, ()), ("Beacon Hill School", 25, ()), ("Canal Side Academy", 3, ()),
                 ("Elmstead Community College", 2, ()), ("Fairfield Girls' School", 4, ("missing_education",)),
                 ("Ashbridge Academy", 10, ("missing_education",)), ("Beacon Hill School", 10, ("missing_education",))]


def test_schools_with_few_referrals_are_pooled_in_the_matrix_and_the_briefing(config, tmp_path):
    """Three schools with 3, 2 and 4 referrals and nine with none: one row, Other schools (9), so the Schools
    table is published, not withheld. A reader knows each of the ten schools in it had 0 to 9 referrals (9
    between them): any of them could have had none, or five or more, as for a "c". "Schools with referrals"
    is hidden: it would say how many of the pool had any."""
    pub, _, doc = _term_briefing(config, SMALL_SCHOOLS, tmp_path)
    by = {s.name: s for s in pub}
    schools = by["Schools"].blocks[0]
    assert not schools.withheld
    assert schools.row_totals.to_dict() == {"Ashbridge Academy": 40, "Beacon Hill School": 35, "Other schools": 9}
    assert schools.counts["Missing from education"].to_dict() == {"Ashbridge Academy": c, "Beacon Hill School": 10,
                                                                    "Other schools": c}  # 10, 10 and 4
    assert schools.counts[ANY].to_dict() == {"Ashbridge Academy": c, "Beacon Hill School": 10, "Other schools": c}
    assert schools.note == ("Schools with fewer than 10 referrals this term, and those with none, are counted "
                            "together as Other schools.")
    assert dict(by["Summary"].lines)["Schools with referrals"] == c
    assert rows(doc.tables[3]) == [["School", "Referrals", "With a peer-on-peer abuse concern"],
                                   ["Ashbridge Academy", "40", c], ["Beacon Hill School", "35", "10"],
                                   ["Other schools (each with fewer referrals than those named)", "9", c]]
    from test_informed_reader import exposed
    from addin.catalogue.fap_referral.matrix.publishable import _pool_rare

    exact = [_pool_rare(s, 5) for s in _term_briefing.exact]  # what the pooled table's numbers truly are
    assert exposed(exact, pub) == {}


def test_schools_are_not_pooled_where_the_pool_would_tell_too_much():
    """Pooled only where every school in it could have had none or five: not two schools with 18 between them
    (9 each, known), not a pool of 4 (each under 5), and not where no school is left to name."""
    import pandas as pd

    from addin.catalogue.fap_referral.matrix.build import Block, Sheet
    from addin.catalogue.fap_referral.matrix.publishable import _pool_rare

    def sheet(totals, configured=None):
        counts = pd.DataFrame({ANY: [0] * len(totals)}, index=[f"S{i}" for i in range(len(totals))])
        b = Block("Referrals by school and concern", counts, row_totals=pd.Series(totals, index=counts.index),
                  col_totals=pd.Series({ANY: 0}), grand_total=sum(totals),
                  configured=len(totals) if configured is None else configured)
        return Sheet("Schools", [b])

    def pooled(s):
        return list(_pool_rare(s, 5).blocks[0].row_totals.items())

    assert pooled(sheet([40, 9, 9])) == [("S0", 40), ("S1", 9), ("S2", 9)]          # 18 > 9 x (2 - 1)
    assert pooled(sheet([40, 9, 9, 0])) == [("S0", 40), ("Other schools", 18)]       # 18 <= 9 x (3 - 1)
    assert pooled(sheet([40, 9, 9, 0], configured=3)) == [("S0", 40), ("S1", 9), ("S2", 9), ("S3", 0)]
    assert pooled(sheet([40, 3, 1, 0])) == [("S0", 40), ("S1", 3), ("S2", 1), ("S3", 0)]  # a pool of 4
    assert pooled(sheet([40, 0, 0])) == [("S0", 40), ("Other schools", 0)]           # zeros: nothing to tell
    assert pooled(sheet([9, 3, 0])) == [("S0", 9), ("S1", 3), ("S2", 0)]             # none left to name


def test_a_pooled_row_is_c_where_the_page_does_not_give_it():
    """The rest is shown only where the total and every named count are numbers, and it is not small."""
    from addin.catalogue.fap_referral.briefing import _rest

    assert _rest(78, [40], 5) == 38
    assert (_rest(78, [40, c], 5), _rest(c, [40], 5), _rest(43, [40], 5), _rest(40, [40], 5)) == (c, c, c, 0)


def test_data_quality_and_method(briefing):
    doc = Document(briefing)
    assert paragraphs_between(doc, "Data quality", "Method and symbols") == DATA_QUALITY
    method = paragraphs_between(doc, "Method and symbols", doc.paragraphs[-1].text) + [doc.paragraphs[-1].text]
    assert method[-1].startswith("c means a number not shown, to protect the children concerned: it is fewer than 5")


def test_three_charts_and_the_marking_everywhere(briefing):
    doc = Document(briefing)
    assert len(doc.inline_shapes) == 3  # concerns, the UpSet chart of overlaps, the trend
    assert doc.paragraphs[0].text == MARKING == "OFFICIAL – SENSITIVE"
    for s in doc.sections:
        assert [p.text for p in s.header.paragraphs] == [MARKING]
        assert s.footer.paragraphs[0].text == f"{AUTHORITY} · Spring term 2026 · {MARKING}"  # then page x of y
    with zipfile.ZipFile(briefing) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 3 and all(n.endswith(".png") for n in media)


def test_every_number_in_the_tables_obeys_suppression(briefing):
    """No count from 1 to 4 anywhere in the tables; a change (a difference of two shown counts) may be small."""
    for table in Document(briefing).tables:
        header, *body = rows(table)
        for row in body:
            for col, text in zip(header[1:], row[1:]):
                if col == "Change":
                    assert re.fullmatch(r"[+-]\d+|no change|c", text), text
                    continue
                assert text == c or (text.isdigit() and (int(text) == 0 or int(text) >= 5)), (row, col)


# --- privacy ---------------------------------------------------------------------------------------

def test_no_personal_value_anywhere_in_the_document(fixed, briefing):
    parts = xml_parts(briefing)
    assert {"word/document.xml", "docProps/core.xml"} <= set(parts)
    assert any(n.startswith("word/header") for n in parts) and any(n.startswith("word/footer") for n in parts)
    leaks = sorted({(p, name) for p in fixed.personal for name, text in parts.items() if p in text})
    assert leaks == []
    text = all_text(Document(briefing))
    assert sorted(p for p in fixed.personal if p in text) == []


@pytest.mark.skipif(soffice_writer() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice Writer and pdftotext are needed to read the briefing as a PDF")
def test_no_personal_value_in_the_pdf(fixed, briefing, tmp_path):
    proc = convert_to_pdf(briefing, tmp_path)
    pdf = tmp_path / "briefing.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    # The PDF's text can be read: the marking and the authority (tables are laid out in columns).
    assert "OFFICIAL – SENSITIVE" in text and AUTHORITY in flat
    assert sorted(p for p in fixed.personal if p in text or " ".join(p.split()) in flat) == []


# --- escaping -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def nasty(fixed, tmp_path_factory):
    """The current term again, filed under a configuration whose authority and first school need escaping."""
    config = dataclasses.replace(fixed.config, authority=NASTY_AUTHORITY,
                                 schools=(NASTY_SCHOOL,) + fixed.config.schools[1:])
    referrals = [(stem, dict(v, school=NASTY_SCHOOL if v["school"] == A else v["school"]), t)
                 for stem, v, t in fixed_referrals() if stem.startswith("S")]
    built = Fixed(tmp_path_factory.mktemp("nasty"), config, referrals)
    assert built.report.count("filed") == 24
    return built


def _header_template(path: Path) -> Path:
    """A template of our own with the authority in the header as well as the body and a table."""
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ authority }} · {{ marking }}"
    doc.sections[0].footer.paragraphs[0].text = "{{ marking }} · {{ authority }}"
    doc.add_paragraph("Briefing by {{ authority }}")
    t = doc.add_table(rows=3, cols=2)
    t.rows[0].cells[0].text = "{%tr for row in schools %}"
    t.rows[1].cells[0].text = "{{ row.name }}"
    t.rows[1].cells[1].text = "{{ row.referrals }}"
    t.rows[2].cells[0].text = "{%tr endfor %}"
    doc.save(path)
    return path


def test_special_characters_come_out_intact(nasty, tmp_path):
    out = make_briefing(TERM, tmp_path / "nasty.docx", nasty.config, db=str(nasty.store))
    doc = Document(out)
    assert f"{NASTY_AUTHORITY} · Spring term 2026 (01/01/2026 to 31/03/2026)" in all_text(doc)
    assert doc.sections[0].footer.paragraphs[0].text == f"{NASTY_AUTHORITY} · Spring term 2026 · {MARKING}"
    assert rows(doc.tables[3])[1] == ["Withheld to protect small numbers", c, c]  # the Schools table is withheld
    own = make_briefing(TERM, tmp_path / "own.docx", nasty.config, db=str(nasty.store),
                        template=_header_template(tmp_path / "own-template.docx"))
    doc = Document(own)
    assert [p.text for p in doc.sections[0].header.paragraphs] == [f"{NASTY_AUTHORITY} · {MARKING}"]
    assert [p.text for p in doc.sections[0].footer.paragraphs] == [f"{MARKING} · {NASTY_AUTHORITY}"]
    assert doc.paragraphs[0].text == f"Briefing by {NASTY_AUTHORITY}"
    # a school named in the table, as in a term whose Schools table is published
    from addin.catalogue.fap_referral.briefing import context, render
    from addin.catalogue.fap_referral.matrix import matrix_sheets
    from addin.suppression import symbols_note
    from addin.term import term_range

    pub, _ = matrix_sheets(TERM, nasty.config, db=str(nasty.store), publishable=True)
    ctx = context(pub, TERM, term_range(TERM, nasty.config), nasty.config, 5, symbols_note(5), tmp_path)
    ctx["schools"] = [{"name": NASTY_SCHOOL, "referrals": 10, "any_concern": 8}]
    named = render(TEMPLATE, ctx, tmp_path / "named.docx")
    assert rows(Document(named).tables[3])[1] == [NASTY_SCHOOL, "10", "8"]
    for path in (out, own, named):
        for name, text in xml_parts(path).items():
            minidom.parseString(text.encode("utf-8"))  # well-formed, or this raises
        assert "Smith &amp; Jones &lt;Borough&gt;" in xml_parts(path)["word/document.xml"]


# --- templates and the command line -----------------------------------------------------------------

def test_default_template_uses_only_known_variables(cli):
    from docxtpl import DocxTemplate

    used = DocxTemplate(str(TEMPLATE)).get_undeclared_template_variables()
    assert used <= set(VARIABLES)
    assert {"marking", "authority", "key_messages", "concerns", "schools", "wards", "concerns_chart",
            "trend_chart", "symbols_note"} <= used
    code, out, err = cli("brief", "--variables")
    assert code == 0, err
    listed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert listed == list(VARIABLES)
    assert used <= set(listed)


def test_a_template_with_an_unknown_variable_is_refused(fixed, cli, tmp_path):
    bad = tmp_path / "bad.docx"
    doc = Document()
    doc.add_paragraph("{{ authority }} {{ child_names }} {{ referrals }}")
    doc.save(bad)
    out = tmp_path / "out.docx"
    code, stdout, err = cli("brief", "--term", TERM, "-o", out, "--template", bad, "--db", fixed.store)
    assert code == 2
    assert err.strip() == (f"safecontext: {bad}: the template uses unknown variable(s) child_names. "
                           "'safecontext brief --variables' lists the ones you can use.")
    assert "Traceback" not in err and not out.exists()


def _safecontext() -> str:
    exe = Path(sys.executable).with_name("safecontext")
    assert exe.exists(), "the safecontext command is not installed in this environment"
    return str(exe)


def test_pdf_without_libreoffice_says_so_and_keeps_the_docx(fixed, tmp_path):
    """PATH holds only the virtualenv's bin folder, so soffice cannot be found."""
    env = {k: v for k, v in os.environ.items() if k not in ("SAFECONTEXT_CONFIG", "APPDATA")}
    env.update(PATH=str(Path(sys.executable).parent), XDG_CONFIG_HOME=str(tmp_path / "xdg"), COLUMNS="200",
               PYTHONIOENCODING="utf-8")
    out = tmp_path / "brief.docx"
    proc = subprocess.run([_safecontext(), "brief", "--term", TERM, "-o", str(out), "--pdf", "--db", str(fixed.store)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == (
        "safecontext: --pdf needs LibreOffice, which is not installed here. The .docx was written; open it in "
        "Word and Save As PDF, or install LibreOffice (apt-get install libreoffice-writer).")
    assert "Traceback" not in proc.stderr
    assert out.exists() and not out.with_suffix(".pdf").exists()
    assert Document(out).paragraphs[0].text == MARKING


@pytest.mark.skipif(soffice_writer() is None, reason="LibreOffice Writer is not installed: --pdf cannot be tried")
def test_pdf_with_libreoffice(fixed, sc, tmp_path):
    proc = sc("brief", "--term", TERM, "-o", "brief.docx", "--pdf", "--db", fixed.store, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF")
    assert proc.stdout.strip() == "Wrote the briefing to brief.docx and brief.pdf"
