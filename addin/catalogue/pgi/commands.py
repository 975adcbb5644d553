"""`safecontext pgi ...`: the request, feedback and tracker commands of the PGI package."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer

from addin.options import ConfigOpt, DbOpt

app = typer.Typer(help="The PGI request, return and feedback loop: send a request, record feedback, track them.",
                  no_args_is_help=True)


def _yes_no(value: str, option: str) -> bool:
    v = value.strip().casefold()
    if v in ("yes", "y"):
        return True
    if v in ("no", "n"):
        return False
    from addin.cli import Exit

    raise Exit(f"{option} takes yes or no, not '{value}'.")


def _run(fn, *args, **kwargs):
    """Call the loop; its refusals and store errors become one line and exit 2."""
    from addin.catalogue.pgi.loop import RequestError
    from addin.cli import Exit
    from addin.store.db import StoreError

    try:
        return fn(*args, **kwargs)
    except (RequestError, StoreError) as e:
        raise Exit(str(e)) from None


@app.command()
def request(draft: Path = typer.Argument(..., metavar="DRAFT", help="A PGI (from 'safecontext new pgi') whose "
                                         "Request section you filled in."),
            output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", help="The PGI to send to "
                                                  "the provider (default: beside the draft, named with the reference)."),
            db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Record a PGI request: give it a reference and a return-by date, and write the PGI to send."""
    from addin.catalogue.pgi.loop import make_request
    from addin.cli import Exit, _config, out

    if output is not None and output.suffix.lower() != ".xlsx":
        raise Exit(f"{output}: the file name must end in .xlsx.")
    done = _run(make_request, draft, _config(config), out=output, db=db)
    out.print(f"Recorded request {done.reference} (requested {done.date_requested:%d/%m/%Y}, to be returned by "
              f"{done.return_by:%d/%m/%Y}) in {done.url}.", markup=False)
    out.print(f"Send this PGI to the provider: {done.path}", markup=False)


@app.command()
def feedback(reference: str = typer.Argument(..., metavar="REFERENCE", help="The request reference, e.g. PGI-2026-0001."),
             informed: str = typer.Option(..., "--informed", metavar="YES|NO", help="Did the information inform the "
                                          "assessment?"),
             further: str = typer.Option(..., "--further-actions", metavar="YES|NO", help="Are further safeguarding "
                                         "actions needed?"),
             actions: Optional[str] = typer.Option(None, "--actions", metavar="TEXT", help="Which actions (needed "
                                                   "with --further-actions yes)."),
             output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The feedback letter to write "
                                         "(.docx)."),
             template: Optional[Path] = typer.Option(None, "--template", metavar="FILE", help="A letter template of "
                                                     "your own (default: report_templates/pgi_feedback_letter.docx)."),
             db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Record the requester's feedback on a returned PGI and write the letter to its provider."""
    from addin.catalogue.pgi.loop import give_feedback
    from addin.cli import _config, out

    done = _run(give_feedback, reference, _config(config), informed=_yes_no(informed, "--informed"),
                further_actions=_yes_no(further, "--further-actions"), actions=actions, letter=output, db=db,
                template=template)
    out.print(f"Recorded feedback on {done.reference}; wrote the letter to the provider: {done.letter}", markup=False)


@app.command()
def acknowledge(reference: str = typer.Argument(..., metavar="REFERENCE", help="The request reference."),
                db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Say you have seen a provider's changed PGI (the tracker lists changes not yet acknowledged)."""
    from addin.catalogue.pgi.loop import acknowledge as ack
    from addin.cli import _config, out

    ref, parts = _run(ack, reference, _config(config), db=db)
    out.print(f"Acknowledged the change to {ref}" + (f" (changed: {'; '.join(parts)})." if parts else "."),
              markup=False)


@app.command()
def tracker(output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The workbook to write (.xlsx)."),
            db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Write the PGI tracker: open, overdue and changed requests, feedback to send, and termly counts."""
    from addin.catalogue.pgi.tracker import write_tracker
    from addin.cli import Exit, _config, out

    if output.suffix.lower() != ".xlsx":
        raise Exit(f"{output}: the file name must end in .xlsx.")
    path = _run(write_tracker, output, _config(config), db=db, today=dt.date.today())
    out.print(f"Wrote the PGI tracker to {path}", markup=False)
