"""`safecontext case-review ...`: the cross-case summary of the filed contextual case reviews."""
from __future__ import annotations

import typer

app = typer.Typer(help="Contextual case reviews: the cross-case summary of the reviews filed.", no_args_is_help=True)
