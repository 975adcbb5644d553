"""The HSB framework package's Excel buttons (thin: they call addin.catalogue.hsb_framework.review and .tracker)."""
from __future__ import annotations

import datetime as dt
import re

from addin.excel.friendly import Refusal, entry_point


@entry_point
def hsb_review(book, folder=None):
    """HSB review: on a filed HSB meeting framework, write the next meeting's workbook and open it."""
    from addin.catalogue.hsb_framework.review import ReviewError, write_review
    from addin.excel.buttons import _config, _free_path, _output_folder, saved_value
    from addin.store.db import StoreError

    config = _config()
    reference = saved_value(book, "hsb-framework", "reference")  # read, not checked: it was checked when filed
    if not reference:
        raise Refusal(f"'{book.name}' is not an HSB meeting framework with a reference number, so there is no case "
                      "to review. Open the case's filed framework, then click the button again.")
    out = _free_path(_output_folder(folder), "HSB review " + re.sub(r'[\\/:*?"<>|]', "-", reference), ".xlsx")
    try:
        done, _ = write_review(reference, out, config)
    except (ReviewError, StoreError) as e:
        raise Refusal(str(e)[:1].upper() + str(e)[1:]) from None  # a sentence of its own in Excel
    book.app.books.open(str(done))
    return done


@entry_point
def hsb_tracker(book, folder=None, today: dt.date | None = None):
    """HSB tracker: write the tracker of open cases from the store and open it."""
    from addin.catalogue.hsb_framework.tracker import write_tracker
    from addin.excel.buttons import _config, _free_path, _output_folder

    path = _free_path(_output_folder(folder), f"SafeContext HSB tracker {(today or dt.date.today()).isoformat()}",
                      ".xlsx")
    write_tracker(path, _config(), today=today)
    book.app.books.open(str(path))
    return path


@entry_point
def hsb_profile(book, term: str | None = None, folder=None, today: dt.date | None = None):
    """HSB profile: ask for the term (or every filed meeting), write the internal cohort profile and open it."""
    from addin.catalogue.hsb_framework.profile import load_profile
    from addin.catalogue.hsb_framework.profile_workbook import write_profile
    from addin.excel.buttons import _config, _free_path, _output_folder, ask_term
    from addin.term import term_range

    config = _config()
    term = ask_term(book, config, term, "HSB cohort profile", today, blank="every filed meeting")
    if term is None:
        return None
    start, end = term_range(term, config) if term else (None, None)
    name = f"SafeContext HSB profile {term or 'all meetings'} (internal)"
    path = _free_path(_output_folder(folder), name, ".xlsx")
    write_profile(load_profile(config, start=start, end=end, today=today), path, authority=config.authority)
    book.app.books.open(str(path))
    return path
