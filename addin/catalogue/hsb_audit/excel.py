"""The audit package's Excel buttons (thin: they call addin.catalogue.hsb_audit.merge and .report)."""
from __future__ import annotations

import datetime as dt

from addin.excel.friendly import Refusal, entry_point, show


def _round(book) -> str | None:
    """The round typed in answer (None when cancelled)."""
    from addin.catalogue.hsb_audit.declaration import ROUNDS
    from addin.excel import native

    answer = native.ask(book.app, "Which round's audits should be agreed? Type T1, T2, T3, ...", "SafeContext", "")
    if answer is None:
        return None
    round_ = "".join(answer.split()).upper()
    if round_ not in ROUNDS:
        raise Refusal(f"'{answer}' is not a round (T1 is the baseline, then T2, T3, ...), so nothing was merged. "
                      "Click the button again.")
    return round_


@entry_point
def merge_audits(book, folder=None):
    """Merge audits: ask for the round, agree the lowest of the agencies' filed scores, file it and open it."""
    from addin.catalogue.hsb_audit.merge import SPREAD, MergeError, run_merge
    from addin.excel.buttons import _config, _free_path, _output_folder
    from addin.store.db import StoreError

    config = _config()
    round_ = _round(book)
    if round_ is None:
        return None
    path = _free_path(_output_folder(folder), f"NSPCC HSB audit {round_} agreed", ".xlsx")
    try:
        done = run_merge(round_, [], config, out=path)
    except (MergeError, StoreError) as e:
        raise Refusal(getattr(e, "excel", None) or str(e)) from None
    m = done.merged
    listed = "".join(f"\n• {d.said()}" for d in m.disagreements[:10])
    more = f"\n… and {len(m.disagreements) - 10} more (in each domain's comments)" if len(m.disagreements) > 10 else ""
    book.app.books.open(str(done.path))
    show(book.app, f"Agreed round {round_} from {len(m.agencies)} agencies' audits (the lowest score of each "
                   f"statement) and filed it as the partnership's ({done.filing.outcome}).\n\n"
                   f"{len(m.disagreements)} disagreement(s) of {SPREAD} points or more{':' if listed else '.'}"
                   f"{listed}{more}", critical=False)
    return done


@entry_point
def audit_progress(book, folder=None, today: dt.date | None = None):
    """Audit progress: write the progress report of every round filed and open it."""
    from addin.catalogue.hsb_audit.actions import last_plan
    from addin.catalogue.hsb_audit.filed import filed_audits
    from addin.catalogue.hsb_audit.progress import progress
    from addin.catalogue.hsb_audit.report import write_report
    from addin.excel.buttons import _config, _free_path, _output_folder
    from addin.store.db import StoreError

    config = _config()
    try:
        p = progress(filed_audits(config.store), last_plan(config.store))
    except StoreError as e:
        raise Refusal(getattr(e, "excel", None) or str(e)) from None
    if p is None:
        raise Refusal("No NSPCC HSB audit is filed yet. File the agencies' audits with the File this form button, "
                      "then agree each round with Merge audits.")
    path = _free_path(_output_folder(folder), f"NSPCC HSB audit progress {(today or dt.date.today()).isoformat()}",
                      ".xlsx")
    write_report(p, path, config.authority)
    book.app.books.open(str(path))
    return path
