"""`safecontext hsb ...`: review meetings, what shifted, and the tracker of the HSB framework package."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer

from addin.options import ConfigOpt, DbOpt

app = typer.Typer(help="HSB meeting frameworks: the next meeting's workbook, what shifted between meetings, the "
                       "tracker of open cases.", no_args_is_help=True)


def _run(fn, *args, **kwargs):
    """Call the package; its refusals and store errors become one line and exit 2."""
    from addin.catalogue.hsb_framework.review import ReviewError
    from addin.cli import Exit
    from addin.store.db import StoreError

    try:
        return fn(*args, **kwargs)
    except (ReviewError, StoreError) as e:
        raise Exit(str(e)) from None


@app.command()
def review(reference: str = typer.Argument(..., metavar="REFERENCE", help="The case's reference, e.g. HSB-0042."),
           output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The workbook to write (.xlsx)."),
           force: bool = typer.Option(False, "--force", help="Overwrite the file if it exists."),
           db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Write the next meeting's workbook, prefilled from the case's last filed framework."""
    from addin.catalogue.hsb_framework.review import write_review
    from addin.cli import _config, out

    path, last = _run(write_review, reference, output, _config(config), db=db, force=force)
    out.print(f"Wrote the review of {last.values['reference']} to {path}, prefilled from the meeting of "
              f"{last.date:%d/%m/%Y}: fill in the date of this meeting and update the factors, traffic lights and "
              "contextual table.", markup=False)


@app.command()
def changes(reference: str = typer.Argument(..., metavar="REFERENCE", help="The case's reference, e.g. HSB-0042."),
            db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Show what shifted between the case's last two filed meetings."""
    from addin.catalogue.hsb_framework.review import changes as shifted
    from addin.cli import _config, out

    c = _run(shifted, reference, db or _config(config).store)
    kind = c.after.values["meeting_type"] or "type not given"
    out.print(f"{c.reference}: the meeting of {c.after.date:%d/%m/%Y} ({kind}) against the one of "
              f"{c.before.date:%d/%m/%Y}.", markup=False)
    for heading, items in c.lines():
        out.print(f"{heading}: none" if not items else f"{heading}:", markup=False)
        for item in items:
            out.print(f"  {item}", markup=False)


@app.command()
def tracker(output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The workbook to write (.xlsx)."),
            db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Write the HSB tracker: open cases, interventions by context with their traffic lights, overdue reviews,
    red items, the gap list and what shifted at reviews."""
    from addin.catalogue.hsb_framework.tracker import write_tracker
    from addin.cli import Exit, _config, out

    if output.suffix.lower() != ".xlsx":
        raise Exit(f"{output}: the file name must end in .xlsx.")
    path = _run(write_tracker, output, _config(config), db=db, today=dt.date.today())
    out.print(f"Wrote the HSB tracker to {path}", markup=False)
