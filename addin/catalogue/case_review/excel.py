"""The case review package's Excel button (thin: it calls addin.catalogue.case_review.summary)."""
from __future__ import annotations

import datetime as dt

from addin.excel.friendly import Refusal, entry_point


@entry_point
def case_review_summary(book, folder=None, today: dt.date | None = None):
    """Case review summary: write the cross-case summary of the filed reviews (exact counts, internal) and open it."""
    from addin.catalogue.case_review.summary import SummaryError, load_summary, write_summary
    from addin.excel.buttons import _config, _free_path, _output_folder
    from addin.store.db import StoreError

    config = _config()
    try:
        summary = load_summary(config)
        if not summary.reviews:
            raise Refusal("No contextual case review is filed yet. File the reviews with the File this form button, "
                          "then click Case review summary again.")
        path = _free_path(_output_folder(folder), f"Case review summary {(today or dt.date.today()).isoformat()}",
                          ".xlsx")
        write_summary(summary, path, authority=config.authority)
    except (SummaryError, StoreError) as e:
        raise Refusal(getattr(e, "excel", None) or str(e)) from None
    book.app.books.open(str(path))
    return path
