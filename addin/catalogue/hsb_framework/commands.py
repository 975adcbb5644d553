"""`safecontext hsb ...`: review meetings, what shifted, and the tracker of the HSB framework package."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer

from addin.options import ConfigOpt, DbOpt, date_option

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


@app.command()
def profile(output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The workbook to write (.xlsx)."),
            start: Optional[str] = typer.Option(None, "--from", metavar="DATE", callback=date_option,
                                                help="First meeting date counted, dd/mm/yyyy (default: the first "
                                                     "filed)."),
            end: Optional[str] = typer.Option(None, "--to", metavar="DATE", callback=date_option,
                                              help="Last meeting date counted, dd/mm/yyyy (default: the last filed)."),
            term: Optional[str] = typer.Option(None, "--term", "-t", metavar="TERM", help="Instead of --from and "
                                               "--to: the meetings of a term, like 2026-autumn."),
            site: Optional[str] = typer.Option(None, "--site", metavar="SITE", help="Only the frameworks of this "
                                               "site (one of the configuration's sites)."),
            publishable: bool = typer.Option(False, "--publishable", help="Suppress small numbers so the profile "
                                             "can leave the HSB panel; leaves out the case references."),
            json_out: Optional[Path] = typer.Option(None, "--json", metavar="FILE", help="Also write every table as "
                                                    "JSON, {table: {row: {cohort: count}}}."),
            db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Write the HSB cohort profile: the 2017 study's tables from the filed frameworks, by cohort (sole, group,
    both), over the latest meeting of each case in the period."""
    from addin.catalogue.hsb_framework.profile import load_profile, publishable as publish
    from addin.catalogue.hsb_framework.profile_workbook import ProfileError, write_json, write_profile
    from addin.cli import Exit, _config, out
    from addin.store.db import StoreError
    from addin.suppression import symbols_note

    cfg = _config(config)
    if output.suffix.lower() != ".xlsx":
        raise Exit(f"{output}: the file name must end in .xlsx.")
    if output.is_dir():
        raise Exit(f"{output}: is a folder; give the workbook's file name, e.g. -o hsb-profile.xlsx.")
    if json_out is not None and json_out.suffix.lower() != ".json":
        raise Exit(f"{json_out}: the file name must end in .json.")
    if term is not None:
        from addin.term import TermError, parse_term, term_range

        if start or end:
            raise Exit("give either --term or --from / --to, not both.")
        try:
            start, end = term_range(parse_term(term), cfg)
        except TermError as e:
            raise Exit(str(e)) from None
    if start and end and start > end:
        raise Exit(f"--from {start:%d/%m/%Y} is after --to {end:%d/%m/%Y}; swap them.")
    sites = cfg.lists()["sites"]
    if site is not None and site not in sites:
        raise Exit(f"'{site}' is not one of the configured sites: {', '.join(sites)}.")
    try:
        p = load_profile(cfg, db=db, start=start, end=end, site=site)
        pub = publish(p, cfg.suppression_threshold, cfg.minimum_publishable_total) if publishable else None
        symbols = symbols_note(cfg.suppression_threshold, "from the other numbers of the profile")
        path = write_profile(p, output, authority=cfg.authority, published=pub, symbols=symbols)
        if json_out is not None:
            write_json(p, json_out, pub)
    except (ProfileError, StoreError) as e:
        raise Exit(str(e)) from None
    what = "publishable" if publishable else "internal (exact counts, case references)"
    out.print(f"Wrote the {what} HSB cohort profile of {p.cases} case{'s' if p.cases != 1 else ''} "
              f"({p.meetings} meeting{'s' if p.meetings != 1 else ''} in the period) to {path}"
              + (f" and {json_out}" if json_out else ""), markup=False)
    if p.cases == 0:
        out.print("No filed HSB meeting frameworks are in the period: file some with 'safecontext ingest', or "
                  "widen --from / --to.", markup=False)
