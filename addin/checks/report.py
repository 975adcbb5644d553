"""What `safecontext validate` shows and writes: a summary, the problems, JSON, annotated copies."""
from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from addin.checks.run import FileResult, check_inputs, expand
from addin.console import shown
from addin.config import Config
from addin.text import plural

UNREADABLE = "UNREADABLE"
_STYLE = {"valid": "green", "queries": "yellow", "errors": "red", "unreadable": "red"}
_SHOW_ALL_UP_TO = 10  # files; above this only a summary is printed (use --json / --annotate)


class _NoBar:
    """What progress_bar gives where no bar is shown: the same calls, doing nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def add_task(self, *args, **kwargs) -> int:
        return 0

    def advance(self, *args, **kwargs) -> None:
        return None


def progress_bar(console: Console, total: int):
    """The progress bar every batch command shows (none for a single file, nor when not a terminal,
    where rich would leave a blank line behind; rich.progress is then not even imported)."""
    if total < 2 or not console.is_terminal:
        return _NoBar()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, transient=True)


def problem_dicts(results: list[FileResult]) -> list[dict]:
    """One object per problem; a file that could not be read is one problem with code UNREADABLE."""
    out = []
    for r in results:
        if r.read_error:
            out.append({"file": str(r.path), "sheet": None, "cell": None, "cells": [], "field": None,
                        "code": UNREADABLE, "severity": "error", "message": r.read_error, "form": None})
        for p in r.problems:
            out.append({**p.as_dict(), "form": r.form_id})
    return out


def unique_names(paths: list[Path]) -> dict[Path, str]:
    """A distinct output stem per input, even when two folders hold files of the same name."""
    seen: dict[str, int] = {}
    names = {}
    for p in paths:
        n = seen.get(p.stem.casefold(), 0)
        seen[p.stem.casefold()] = n + 1
        names[p] = p.stem if n == 0 else f"{p.stem}-{n + 1}"
    return names


def run_validate(paths, config: Config, out: Console, err: Console, annotate: Path | None = None,
                 json_file: Path | None = None, expect: str | None = None) -> int:
    wrong = _output_problem(annotate, json_file)
    if wrong:
        err.print(f"safecontext: {wrong}", markup=False)
        return 2
    skipped: list[str] = []
    files = expand(paths, skipped)
    if not files:
        err.print("safecontext: no workbooks found in " + ", ".join(map(str, paths)), markup=False)
        for note in skipped:
            err.print(f"  {note}", markup=False)
        return 2
    from addin.checks.problems import RuleError

    try:
        with progress_bar(err, len(files)) as bar:
            task = bar.add_task("Checking", total=len(files))
            results, notes = check_inputs(files, config, expect=expect, advance=lambda: bar.advance(task))
    except RuleError as e:  # a bug in SafeContext: no form may read as valid, so nothing is written
        err.print(f"safecontext: {e}", markup=False)
        return 3
    show(results, out)
    for note in skipped + notes:
        out.print(f"[yellow]note[/] {shown(note)}")
    if json_file:
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(json.dumps(problem_dicts(results), indent=2, ensure_ascii=False), encoding="utf-8")
        out.print(f"Problems written to {json_file}", markup=False)
    if annotate:
        from addin.checks.annotate import annotated_copy

        problems: dict[Path, list] = {}  # a register's rows share one annotated copy
        forms = {}
        for r in results:
            if r.record:
                problems.setdefault(r.path, []).extend(r.problems)
                forms[r.path] = r.record.form
        names = unique_names(list(problems))
        from addin.checks.annotate import AnnotateError

        made, notes = 0, []
        with progress_bar(err, len(problems)) as bar:
            task = bar.add_task("Annotating", total=len(problems))
            for path, found in problems.items():
                try:
                    target, left_out = annotated_copy(path, found, annotate, names[path], form=forms[path])
                    made += 1
                    if left_out:
                        notes.append(f"{target}: {left_out}")
                except AnnotateError as e:
                    notes.append(str(e))
                bar.advance(task)
        for note in notes:
            out.print(f"[yellow]note[/] {shown(note)}")
        out.print(f"{plural(made, 'annotated copy', 'annotated copies')} written to {annotate}", markup=False)
    return exit_code(results)


def _output_problem(annotate: Path | None, json_file: Path | None) -> str | None:
    """Why the output paths cannot be written, checked before any file is read; None when they can."""
    if annotate is not None and annotate.exists() and not annotate.is_dir():
        return f"--annotate {annotate}: is a file; give a folder for the annotated copies (it is made if missing)."
    if json_file is not None:
        if json_file.is_dir():
            return f"--json {json_file}: is a folder; give a file name such as {json_file / 'problems.json'}."
        parent = next((p for p in json_file.parents if p.exists()), None)
        if parent is not None and not parent.is_dir():
            return f"--json {json_file}: {parent} is a file, not a folder; give another path for the JSON."
    return None


def exit_code(results: list[FileResult]) -> int:
    if any(r.read_error for r in results):
        return 2
    return 1 if any(r.errors for r in results) else 0


def show(results: list[FileResult], out: Console, private: bool = False, every: bool = False) -> None:
    """The summary table and each file's problems (all of them when `every`, else up to a few files).

    `private`: problems are named by field, cell and rule only, quoting nothing typed in the form (what
    filing prints); `validate`, whose output goes back to the sender, quotes what was typed.
    """
    t = Table("File", "Form", "Result", "Errors", "Queries", title="SafeContext check")
    for r in results:
        status = r.status
        t.add_row(shown(r.label), r.form_id or "-", f"[{_STYLE[status]}]{status}[/]",
                  str(len(r.errors)), str(len(r.queries)))
    out.print(t)
    detailed = every or len(results) <= _SHOW_ALL_UP_TO
    for r in results:
        if r.read_error:
            out.print(f"[red]{shown(f'{r.label}: {r.read_error}')}[/]")
        elif r.problems and detailed:
            out.print(f"[bold]{shown(r.label)}[/]")
            for p in r.problems:
                text = private_text(p, r.record.form) if private else str(p)
                out.print(f"  [{'red' if p.severity == 'error' else 'yellow'}]{p.severity:5}[/] {shown(text)}")
    counts = {s: sum(r.status == s for r in results) for s in _STYLE}
    rows = sum(1 for r in results if getattr(r, "row", 0))
    what = plural(len(results), "record") + f", {rows} of them register rows" if rows else plural(len(results), "file")
    out.print(f"{what}: {counts['valid']} valid, {counts['queries']} valid with queries, "
              f"{counts['errors']} with errors, {counts['unreadable']} unreadable.")
    if not detailed and any(r.problems for r in results):
        out.print(f"Problems are listed one by one for up to {_SHOW_ALL_UP_TO} files; for more, use --json FILE or "
                  "--annotate DIR.")


# Messages of these generic rules (blank, Excel error, no calculated value, broken name) quote nothing typed.
_VALUE_FREE = {"001", "002", "003", "013"}


def private_text(p, form) -> str:
    """A problem named by its rule, field and cell, quoting no value from the form."""
    if p.field is None or p.code.rsplit("-", 1)[-1] in _VALUE_FREE:
        return str(p)
    from addin.checks.problems import where
    from addin.validators import all_rules

    label = form.label_of(p.field)
    title = next((r.title for r in all_rules(form) if r.code == p.code), "see 'safecontext rules'")
    return f"{p.code} {where(label, p.cell)}: {title}"
