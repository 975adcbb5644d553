"""matrix and brief with an output or template they cannot use: one line saying what to do, exit 2."""
from __future__ import annotations

import pytest
from docx import Document

from test_matrix import TERM, _one_line_error, fixed, fixed_referrals, soffice_writer  # noqa: F401

KINDS = [("matrix", ".xlsx"), ("brief", ".docx")]


def _run(cli, fixed, command: str, out) -> str:
    return _one_line_error(*cli(command, "--term", TERM, "-o", out, "--db", fixed.store))


@pytest.mark.parametrize("command, suffix", KINDS)
def test_an_output_that_is_a_folder(fixed, cli, tmp_path, command, suffix):
    folder = tmp_path / f"reports{suffix}"
    folder.mkdir()
    assert _run(cli, fixed, command, folder) == (
        f"safecontext: {folder} is a folder; give a file name in it, e.g. -o {folder / ('report' + suffix)}.")


@pytest.mark.parametrize("command, suffix", KINDS)
def test_an_output_in_a_folder_that_does_not_exist(fixed, cli, tmp_path, command, suffix):
    out = tmp_path / "nowhere" / f"out{suffix}"
    assert _run(cli, fixed, command, out) == (
        f"safecontext: {out}: the folder {out.parent} does not exist; create it first, or give -o a file in a "
        "folder that exists.")
    assert not out.parent.exists()


@pytest.mark.parametrize("command, suffix", KINDS)
def test_an_output_under_a_file(fixed, cli, tmp_path, command, suffix):
    (tmp_path / "notes.txt").write_text("x")
    out = tmp_path / "notes.txt" / f"out{suffix}"
    assert _run(cli, fixed, command, out) == (
        f"safecontext: {out}: {out.parent} is a file, not a folder; create it first, or give -o a file in a "
        "folder that exists.")


@pytest.mark.parametrize("command, suffix", KINDS)
def test_an_output_in_a_folder_you_may_not_write_in(fixed, cli, tmp_path, monkeypatch, command, suffix):
    """As root every folder is writable, so the check is told the folder is not."""
    import addin.reports.files

    monkeypatch.setattr(addin.reports.files.os, "access", lambda path, mode: False)
    out = tmp_path / f"out{suffix}"
    assert _run(cli, fixed, command, out) == (
        f"safecontext: {out}: you may not write in the folder {tmp_path}; give -o a file in a folder of your own.")


@pytest.mark.parametrize("command, suffix, saver", [("matrix", ".xlsx", "openpyxl.Workbook.save"),
                                                    ("brief", ".docx", "docxtpl.DocxTemplate.save")])
def test_a_file_that_cannot_be_saved(fixed, cli, tmp_path, monkeypatch, command, suffix, saver):
    """For example open in Excel or Word on Windows, or read-only."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(saver, refuse)
    out = tmp_path / f"out{suffix}"
    assert _run(cli, fixed, command, out) == (
        f"safecontext: could not write {out} (Permission denied): close it if it is open in another program, or "
        "give -o another file.")


def test_a_template_with_an_unknown_name_inside_a_loop(fixed, cli, tmp_path):
    """The loop's own variable (row) is declared by the loop, so only filling the template finds row.nme."""
    template = tmp_path / "own.docx"
    doc = Document()
    for text in ("{%p for row in concerns %}", "{{ row.nme }}", "{%p endfor %}"):
        doc.add_paragraph(text)
    doc.save(template)
    out = tmp_path / "brief.docx"
    code, stdout, err = cli("brief", "--term", TERM, "-o", out, "--template", template, "--db", fixed.store)
    assert _one_line_error(code, stdout, err) == (
        f"safecontext: {template}: the template uses a name SafeContext does not provide ('dict object' has no "
        "attribute 'nme'). 'safecontext brief --variables' lists the variables and the fields of their rows.")
    assert not out.exists()


@pytest.mark.skipif(soffice_writer() is None, reason="LibreOffice Writer is not installed: --pdf cannot be tried")
def test_brief_pdf_says_both_files(fixed, sc, tmp_path):
    proc = sc("brief", "--term", TERM, "-o", "brief.docx", "--pdf", "--db", fixed.store, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Wrote the briefing to brief.docx and brief.pdf"
