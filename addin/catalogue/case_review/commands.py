"""`safecontext case-review ...`: the cross-case summary of the filed contextual case reviews."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from addin.options import ConfigOpt, DbOpt

app = typer.Typer(help="Contextual case reviews: the cross-case summary of the reviews filed.", no_args_is_help=True)


@app.command()
def summary(output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The workbook to write (.xlsx)."),
            publishable: bool = typer.Option(False, "--publishable", help="Small numbers suppressed, for "
                                             "publication (otherwise exact counts, internal only)."),
            term: Optional[List[str]] = typer.Option(None, "--term", metavar="TERM", help="Only reviews of this term "
                                                     "(e.g. 2026-autumn); repeat for several. Default: all."),
            json_file: Optional[Path] = typer.Option(None, "--json", metavar="FILE", help="Also write the numbers "
                                                     "as JSON (suppressed with --publishable)."),
            db: Optional[str] = DbOpt, config: Optional[Path] = ConfigOpt):
    """Count, across the filed reviews: definitions of incidents, abusive behaviours by when, contexts with evidence
    of risk or safety, professional engagement before the incident, outcomes."""
    from addin.catalogue.case_review.summary import SummaryError, load_summary, publishable as publish, write_summary
    from addin.cli import Exit, _config, out
    from addin.store.db import StoreError
    from addin.suppression import symbols_note
    from addin.text import plural

    if output.suffix.lower() != ".xlsx":
        raise Exit(f"{output}: the file name must end in .xlsx.")
    cfg = _config(config)
    try:
        found = load_summary(cfg, db=db, terms=term or None)
        published = publish(found, cfg.suppression_threshold, cfg.minimum_publishable_total) if publishable else None
        symbols = symbols_note(cfg.suppression_threshold, "from the other numbers of the summary")
        path = write_summary(found, output, authority=cfg.authority, published=published, symbols=symbols)
        if json_file:
            data = published.as_json() if published else found.as_json()
            json_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except (SummaryError, StoreError) as e:
        raise Exit(str(e)) from None
    except OSError as e:
        raise Exit(f"{json_file}: cannot write it ({e.strerror}).") from None
    what = "publishable, small numbers suppressed" if publishable else "internal, exact counts"
    out.print(f"Wrote the summary of {plural(found.reviews, 'filed case review')} ({what}) to {path}.", markup=False)
