"""`safecontext audit ...`: the NSPCC HSB audit's merge, progress report, action plan and briefing commands."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from addin.options import ConfigOpt, DbOpt

app = typer.Typer(help="The NSPCC HSB framework audit: merge the agencies' scores, report progress, file the action "
                       "plan, write the briefing.", no_args_is_help=True)
RoundOpt = typer.Option(..., "--round", metavar="ROUND", help="The round: T1 (the baseline), T2, T3, ...")


def _run(fn, *args, **kwargs):
    """Call the package; its refusals and store errors become one line and exit 2."""
    from addin.catalogue.hsb_audit.merge import MergeError
    from addin.cli import Exit
    from addin.store.db import StoreError

    try:
        return fn(*args, **kwargs)
    except (MergeError, StoreError) as e:
        raise Exit(str(e)) from None


def _output(path: Optional[Path], suffix: str) -> None:
    from addin.cli import Exit

    if path is not None and path.suffix.lower() != suffix:
        raise Exit(f"{path}: the file name must end in {suffix}.")


def _write_json(path: Path, data) -> None:
    from addin.cli import Exit

    try:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    except OSError as e:
        raise Exit(f"{path}: cannot write it ({e.strerror}).") from None


@app.command()
def merge(round_: str = RoundOpt,
          paths: Optional[List[Path]] = typer.Argument(None, metavar="[PATH]...", help="The agencies' audits (files "
                                                       "or folders); none: the agencies' audits filed for the round."),
          output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", help="The merged audit "
                                                "(default: hsb-audit-ROUND-partnership.xlsx here)."),
          json_file: Optional[Path] = typer.Option(None, "--json", metavar="FILE", help="Also write the agreed "
                                                   "scores and the disagreements as JSON."),
          force: bool = typer.Option(False, "--force", help="Replace the merged audit's file if it exists."),
          db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Agree one score per statement, the lowest of the agencies', and file it as the partnership's for the round."""
    from addin.catalogue.hsb_audit.declaration import ROUNDS
    from addin.catalogue.hsb_audit.merge import SPREAD, run_merge
    from addin.cli import Exit, _config, out

    if round_ not in ROUNDS:
        raise Exit(f"'{round_}' is not a round; give T1 (the baseline), T2, T3, ... up to {ROUNDS[-1]}.")
    _output(output, ".xlsx")
    target = output or Path(f"hsb-audit-{round_}-partnership.xlsx")
    if target.exists() and not force:  # it may hold what the partnership wrote into it since
        raise Exit(f"{target} exists; give another -o FILE, or --force to replace it.")
    done = _run(run_merge, round_, list(paths or []), _config(config), out=target, db=db)
    m = done.merged
    out.print(f"Merged the {m.round} audits of {len(m.agencies)} agencies ({', '.join(m.agencies)}): each statement "
              "takes the lowest of their scores.", markup=False)
    out.print(f"Disagreements of {SPREAD} points or more: {len(m.disagreements)}", markup=False)
    for d in m.disagreements:
        out.print(f"  {d.statement}: " + ", ".join(f"{a} {s}" for a, s in d.scores.items()), markup=False)
    f = done.filing
    out.print(f"Wrote the partnership's audit for {m.round} to {done.path}; {f.outcome} in {done.url}"
              + (f" (version {f.version})" if f.version else "") + (f": {f.detail}" if f.detail else "") + ".",
              markup=False)
    if json_file:
        _write_json(json_file, m.as_json())


def _progress(config, db):
    """The progress of every round filed, with the last action plan filed."""
    from addin.catalogue.hsb_audit.actions import last_plan
    from addin.catalogue.hsb_audit.filed import filed_audits
    from addin.catalogue.hsb_audit.progress import progress
    from addin.cli import Exit

    target = db or config.store
    p = _run(progress, _run(filed_audits, target), _run(last_plan, target))
    if p is None:
        raise Exit("no HSB audit is filed in the store yet; file the agencies' audits with 'safecontext ingest' "
                   "(and agree them with 'safecontext audit merge').")
    return p


@app.command()
def report(output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The progress report (.xlsx)."),
           json_file: Optional[Path] = typer.Option(None, "--json", metavar="FILE", help="Also write the domain means "
                                                    "per round, the agreed scores and the disagreements as JSON."),
           db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Progress between rounds: domain means, change, falls, focus areas, spread, charts and the action plan."""
    from addin.catalogue.hsb_audit.report import write_report
    from addin.cli import Exit, _config, out

    _output(output, ".xlsx")
    cfg = _config(config)
    p = _progress(cfg, db)
    try:
        write_report(p, output, cfg.authority)
    except OSError as e:
        raise Exit(f"{output}: cannot write it ({e.strerror}).") from None
    falls, focus = p.falls, p.focus
    out.print(f"Wrote the progress of rounds {', '.join(p.rounds)} to {output}: {len(falls)} statement(s) fell, "
              f"{len(focus)} focus area(s) after {p.latest}, {len(p.actions)} row(s) in the action plan.", markup=False)
    if p.merged_now:
        out.print(f"No agreed audit is filed for {', '.join(p.merged_now)}: the report uses the lowest of the "
                  "agencies' scores ('safecontext audit merge' files them).", markup=False)
    if json_file:
        _write_json(json_file, p.as_json())


@app.command()
def actions(path: Path = typer.Argument(..., metavar="FILE", help="A progress report whose Action plan you filled in."),
            db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """File the action plan of a progress report; the next report carries it, with its status."""
    from addin.catalogue.hsb_audit.actions import PlanError, file_plan
    from addin.cli import Exit, _config, out

    cfg = _config(config)
    try:
        round_, n, url = _run(file_plan, db or cfg.store, path)
    except PlanError as e:
        raise Exit(str(e)) from None
    out.print(f"Filed the action plan after round {round_} ({n} action(s)) in {url}.", markup=False)
