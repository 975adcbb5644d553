"""Check a batch of forms: read each, type the values, validate the batch as DataFrames, map
every failure back to its file, sheet and cell."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from addin.checks.problems import ERROR, QUERY, Problem, where
from addin.config import Config
from addin.forms import Form, get_form
from addin.forms.contract import choices_of
from addin.intake.reader import NOT_A_FORM, FormRecord, ReadError, read_form
from addin.intake.values import parse
from addin.text import plural

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


@dataclass
class FileResult:
    path: Path
    record: FormRecord | None = None
    values: dict = field(default_factory=dict)          # field id -> typed value
    tables: dict = field(default_factory=dict)          # table id -> list of typed row dicts
    problems: list[Problem] = field(default_factory=list)
    read_error: str | None = None

    @property
    def form_id(self) -> str | None:
        return self.record.form.id if self.record else None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def queries(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == QUERY]

    @property
    def label(self) -> str:
        """How the summary names it: the file's path (a register row adds its sheet and row)."""
        return str(self.path)

    @property
    def status(self) -> str:
        if self.read_error:
            return "unreadable"
        return "errors" if self.errors else "queries" if self.queries else "valid"


def expand(paths: Iterable[str | Path], skipped: list[str] | None = None) -> list[Path]:
    """Files as given, and the workbooks inside any folder (a returned `*.checked.xlsx` copy is a form too).

    Excel lock files (`~$...`) and files that are not workbooks are passed over; `skipped` gets one
    line per folder saying how many and why, so nothing is left out unseen.
    """
    out = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        locks = others = 0
        for q in sorted(p.rglob("*")):
            if q.is_dir():
                continue
            if q.name.startswith("~$"):
                locks += 1
            elif q.suffix.lower() not in WORKBOOK_SUFFIXES:
                others += 1
            else:  # not only regular files: a pipe or device named .xlsx is listed, so the reader refuses it aloud
                out.append(q)
        reasons = [plural(locks, "Excel lock file") + " (~$..., left while a workbook is open)"
                   ] if locks else []
        reasons += [plural(others, "file that is not a workbook", "files that are not workbooks") + " (.xlsx, .xlsm)"
                    ] if others else []
        if reasons and skipped is not None:
            skipped.append(f"{p}: skipped {' and '.join(reasons)}.")
    return out


def check_files(paths: Iterable[str | Path], config: Config, expect: str | None = None,
                advance: Callable[[], None] | None = None) -> list[FileResult]:
    """Read and validate every file. Never raises for a bad file: it becomes an unreadable result."""
    results = []
    for path, outcome in _read_all([Path(p) for p in paths], expect):
        res = FileResult(path)
        if isinstance(outcome, str):
            res.read_error = outcome
        else:
            res.record = outcome
            res.problems.extend(outcome.problems)
        results.append(res)
        if advance:
            advance()
    by_form: dict[str, list[FileResult]] = {}
    for r in results:
        if r.record:
            by_form.setdefault(r.form_id, []).append(r)
    for group in by_form.values():
        validate_batch(group, config)
    for r in results:
        r.problems.sort(key=_position)
    return results


def register_forms(expect: str | None = None) -> list[str]:
    """The forms whose registers are read (those whose package says so; only `expect` when given)."""
    from addin.forms import plugins

    return [fid for fid, p in plugins().items() if p.registers and expect in (None, fid)]


def check_inputs(paths: Iterable[str | Path], config: Config, expect: str | None = None,
                 advance: Callable[[], None] | None = None) -> tuple[list, list[str]]:
    """check_files, where a workbook that is not a form but holds a register is checked row by row.

    Returns (results in order, a register's rows in its place; notes about registers to show).
    """
    results = check_files(paths, config, expect=expect, advance=advance)
    forms = register_forms(expect)
    if not forms or not any(r.read_error == NOT_A_FORM for r in results):
        return results, []
    from addin.checks.registers import check_register
    from addin.intake.register import NotARegister

    out, notes = [], []
    for r in results:
        if r.read_error != NOT_A_FORM:
            out.append(r)
            continue
        for form_id in forms:
            try:
                reg = check_register(r.path, config, form_id)
            except NotARegister:  # not this form's register; if no form's, it stays "not a SafeContext form"
                continue
            except ReadError as e:
                out.append(FileResult(r.path, read_error=e.reason))
                break
            out.extend(reg.results)
            if reg.ignored:
                notes.append(f"{r.path}: columns that are not {form_id} fields were not checked or filed: "
                             + ", ".join(reg.ignored))
            if not reg.results:
                notes.append(f"{r.path}: the register's table has no rows.")
            break
        else:
            out.append(r)
    return out, notes


PARALLEL_FROM = 40  # files; below this a second process costs more than it saves


def _read_one(path: Path, expect: str | None):
    """A FormRecord, or the one-line reason it cannot be read (a string pickles safely)."""
    try:
        return read_form(path, expect=expect)
    except ReadError as e:
        return e.reason


def _read_in_worker(path: Path, expect: str | None):
    """As _read_one, sending back the form's id instead of its whole declaration (cheaper to pickle)."""
    outcome = _read_one(path, expect)
    if not isinstance(outcome, str):
        outcome.form = outcome.form.id
    return outcome


def _with_form(outcome):
    if not isinstance(outcome, str):
        outcome.form = get_form(outcome.form)
    return outcome


def _workers(n_files: int) -> int:
    wanted = os.environ.get("SAFECONTEXT_WORKERS")
    if wanted and wanted.isdigit():
        return max(1, int(wanted))
    return min(os.cpu_count() or 1, 4) if n_files >= PARALLEL_FROM else 1


def _read_all(paths: list[Path], expect: str | None):
    """(path, record or reason) in order; a big batch is read by one process per core."""
    workers = _workers(len(paths))
    if workers == 1:
        for p in paths:
            yield p, _read_one(p, expect)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        for path, outcome in zip(paths, pool.map(_read_in_worker, paths, [expect] * len(paths), chunksize=16)):
            yield path, _with_form(outcome)


def _position(p: Problem):
    m = re.match(r"([A-Z]+)(\d+)", p.cell or "")
    return (p.sheet or "", int(m.group(2)) if m else 0, len(m.group(1)) if m else 0, m.group(1) if m else "", p.code)


def type_record(res: FileResult, config: Config) -> None:
    """Typed values from raw ones; what cannot be typed becomes a problem and a blank."""
    rec, form = res.record, res.record.form
    for f in form.fields:
        if f.id not in rec.cells:
            res.values[f.id] = None
            continue
        value, problem = parse(f, rec.raw.get(f.id), choices_of(f, config) if f.type == "choice" else ())
        res.values[f.id] = value
        if problem:
            sheet, cell = rec.cells[f.id]
            res.problems.append(_parse_problem(res, form, f, f.label, sheet, cell, problem, f.id))
    if res.values.get("ward") is None and "ward" in rec.cells and res.values.get("postcode"):
        res.values["ward"] = config.ward_for(res.values["postcode"])  # from the configured lookup, if any
    for t in form.tables:
        rows = []
        for row in rec.tables.get(t.id, []):
            typed = {"_row": row.number}
            for c in t.columns:
                if c.id not in row.cells:
                    continue
                value, problem = parse(c, row.raw.get(c.id), choices_of(c, config) if c.type == "choice" else ())
                typed[c.id] = value
                if problem:
                    res.problems.append(_parse_problem(res, form, c, f"{t.label} row {row.number}, {c.label}",
                                                       rec.table_sheets[t.id], row.cells[c.id], problem,
                                                       f"{t.id}.{c.id}"))
            rows.append(typed)
        res.tables[t.id] = rows


def _parse_problem(res, form, f, label, sheet, cell, problem, fid) -> Problem:
    from addin.validators.common import PARSE_CODES

    kind, detail = problem
    code = "008" if f.type == "percent" and kind == "number" else PARSE_CODES[kind]
    return Problem(str(res.path), sheet, cell, fid, f"{form.code}-{code}", ERROR, f"{where(label, cell)}: {detail}")


def validate_batch(results: list[FileResult], config: Config) -> None:
    """Validate the records of one form as one DataFrame per level (fields, each table)."""
    import pandas as pd

    from addin.validators import rules_for
    from addin.validators.common import build_schema, value_checks

    form: Form = results[0].record.form
    for r in results:
        type_record(r, config)
    rules = rules_for(form.id, config)
    # Form-level frame: one row per file, plus the number of rows filled in each table (None when
    # the table could not be read: its problem is reported, and rules about its rows stay silent)
    # and, for rules that compare tables, those rows (_<table>_rows, typed; None when unreadable).
    frame = pd.DataFrame([r.values for r in results], columns=[f.id for f in form.fields], dtype=object)
    frame = _blanks_as_none(frame)
    for t in form.tables:
        readable = [t.id in r.record.table_sheets for r in results]
        frame[f"_{t.id}"] = pd.Series([len(r.tables.get(t.id, [])) if ok else None
                                       for r, ok in zip(results, readable)], index=frame.index, dtype=object)
        frame[f"_{t.id}_rows"] = pd.Series([r.tables.get(t.id, []) if ok else None
                                            for r, ok in zip(results, readable)], index=frame.index, dtype=object)
    own = [r for r in rules if r.table is None]
    schema = build_schema(form.id, form.code, form.fields, own)
    _collect(form, schema, frame, results, own, value_checks, table=None)
    tables, labels = {t.id for t in form.tables}, {f.id for f in form.fields}
    for t in form.tables:
        rows, owners = [], []
        for i, r in enumerate(results):
            for row in r.tables.get(t.id, []):
                rows.append(row)
                owners.append((i, row["_row"]))
        if not rows:
            continue  # an empty frame cannot fail; skipping saves pandera's fixed cost per schema
        tframe = pd.DataFrame(rows, columns=["_row"] + [c.id for c in t.columns], dtype=object)
        tframe = _blanks_as_none(tframe)
        trules = [r for r in rules if r.table == t.id]
        for rule in trules:
            unknown = [s for s in rule.sees if s not in tables and s not in labels]
            if unknown:  # a misspelt name in the rule: stop rather than let it see a blank
                from addin.checks.problems import RuleError

                raise RuleError(rule.code, "unknown field", unknown[0])
        for seen in dict.fromkeys(s for r in trules for s in r.sees):  # what the rules read of each row's form
            tframe[f"_{seen}_rows" if seen in tables else f"_{seen}"] = pd.Series(
                [_seen(results[i], seen, tables) for i, _ in owners], index=tframe.index, dtype=object)
        tschema = build_schema(f"{form.id}.{t.id}", form.code, list(t.columns), trules)
        _collect(form, tschema, tframe, results, trules, value_checks, table=(t, owners))


def _seen(res: FileResult, name: str, tables: set):
    """Another table's typed rows (None when it could not be read), or a field's value, of a row's form."""
    if name in tables:
        return res.tables.get(name, []) if name in res.record.table_sheets else None
    return res.values.get(name)


def _blanks_as_none(df):
    """Object columns with None for blanks: rules test `is None`/`is True`, not NaN."""
    return df.astype(object).where(df.notna(), None)


def _collect(form, schema, frame, results, rules, value_checks, table) -> None:
    by_code = {r.code: r for r in rules}
    seen = set()
    # Cells with a problem before this level's checks run: what was typed there could not be read.
    unread = {id(r): {(p.sheet, p.cell) for p in r.problems if p.cell} for r in results}
    for check, column, index, value in _failures(schema, frame):
        key = (check, None if check in by_code else column, index)
        if key in seen:
            continue
        seen.add(key)
        if table is None:
            res, rec = results[index], results[index].record
            labels = {f.id: f.label for f in form.fields}

            def at(fid, rec=rec):
                return where(labels[fid], rec.cells.get(fid, (None, None))[1])

            def loc(fid, rec=rec):
                return rec.cells.get(fid, (None, None)), fid
        else:
            t, owners = table
            i, number = owners[index]
            res, rec = results[i], results[i].record
            row = next(x for x in rec.tables[t.id] if x.number == number)
            labels = {c.id: f"{t.label} row {number}, {c.label}" for c in t.columns}

            def at(cid, row=row, labels=labels):
                return where(labels[cid], row.cells.get(cid))

            def loc(cid, row=row, rec=rec, t=t):
                return (rec.table_sheets[t.id], row.cells.get(cid)), f"{t.id}.{cid}"

        if check in by_code:  # a cross-field rule
            from addin.checks.problems import RuleError

            rule = by_code[check]
            unknown = [f for f in (rule.field, *rule.also) if f and f not in labels]
            if unknown:  # a misspelt field in the rule: stop rather than mark nothing
                raise RuleError(rule.code, "unknown field", unknown[0])
            if table is None and rule.field and rule.field not in rec.cells:
                continue  # its cell's name is broken (said by the reader): a rule that sees a blank would mislead
            (sheet, cell), fid = loc(rule.field)
            if cell and (sheet, cell) in unread[id(res)]:
                continue  # what was typed there could not be read: a rule that sees it as blank would mislead
            try:
                text = f"{at(rule.field)}: {rule.message(frame.loc[index], at)}"
            except Exception as e:  # a bug in the rule's message: stop, as for one in its check
                raise RuleError.of(rule.code, e) from e
            also = [c for (s, c), _ in map(loc, rule.also) if c and s == sheet and c != cell]  # every cell it involves
            res.problems.append(Problem(str(res.path), sheet, cell, fid, rule.code, rule.severity, text, tuple(also)))
            continue
        f = form[column] if table is None else table[0].column(column)
        (sheet, cell), fid = loc(column)
        if check.endswith("-001"):
            if table is None and not form.in_version(f, rec.version):
                continue  # a field its template version does not have (e.g. a 2016.1 PGI's request reference)
            if any(p.cell == cell and p.sheet == sheet for p in res.problems):
                continue  # already said: what was typed could not be read
            text = f"{at(column)}: required, but blank; please fill it in"
        else:
            msg = next(m for code, _, m in value_checks(form.code, f) if code == check)
            text = f"{at(column)}: {msg(value)}"
        res.problems.append(Problem(str(res.path), sheet, cell, fid, check, ERROR, text))


def _failures(schema, frame):
    from addin.validators.common import failures

    for check, column, index, value in failures(schema, frame):
        if index is not None and index == index:
            yield check, column, int(index), value
