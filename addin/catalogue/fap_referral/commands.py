"""The FAP referral's reports on the command line: `safecontext matrix` (its briefing is `safecontext brief`)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from addin.options import ConfigOpt, DbOpt

app = typer.Typer()


@app.command()
def matrix(term: Optional[str] = typer.Option(None, "--term", "-t", metavar="TERM", help="Term id like 2026-autumn "
                                              "(default: the current term)."),
           output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The workbook to write (.xlsx)."),
           compare: int = typer.Option(2, "--compare", min=0, max=12, metavar="N", help="How many earlier terms to compare with."),
           publishable: bool = typer.Option(False, "--publishable", help="Suppress small numbers so the matrix "
                                            "can leave the panel (always used for the board)."),
           db: Optional[str] = DbOpt,
           config: Optional[Path] = ConfigOpt):
    """Write the termly data matrix of need from the filed referrals."""
    from addin.catalogue.fap_referral.matrix import MatrixError, make_matrix
    from addin.cli import Exit, _config, _term_or_current, out
    from addin.store import StoreError

    cfg = _config(config)
    if output.suffix.lower() != ".xlsx":
        raise Exit(f"{output}: the file name must end in .xlsx.")
    try:
        path = make_matrix(_term_or_current(term, cfg), output, cfg, db=db, compare=compare, publishable=publishable)
    except (MatrixError, StoreError) as e:
        raise Exit(str(e))
    out.print(f"Wrote the {'publishable' if publishable else 'internal (exact counts)'} matrix to {path}")
