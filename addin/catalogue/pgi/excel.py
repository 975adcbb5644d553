"""The PGI package's Excel buttons (thin: they call addin.catalogue.pgi.loop and .tracker)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from addin.excel.friendly import Refusal, entry_point, show


@entry_point
def send_pgi_request(book, folder=None, today: dt.date | None = None):
    """Send PGI request: this PGI's Request section filled in, record the request and open the PGI to send."""
    from addin.catalogue.pgi.loop import RequestError, make_request
    from addin.excel.buttons import _config, _form_file, _save
    from addin.store.db import StoreError

    config = _config()
    path = _form_file(book)
    _save(book, path)
    out = Path(folder) / f"{path.stem} request.xlsx" if folder else None
    try:
        done = make_request(path, config, out=out, today=today)
    except (RequestError, StoreError) as e:
        raise Refusal(getattr(e, "excel", None) or str(e)) from None
    book.app.books.open(str(done.path))
    show(book.app, f"Recorded request {done.reference}: to be returned by {done.return_by:%d/%m/%Y}.\n\n"
                   f"The PGI to send to the provider is open: {done.path}", critical=False)
    return done


@entry_point
def pgi_tracker(book, folder=None, today: dt.date | None = None):
    """PGI tracker: write the tracker of every request from the store and open it."""
    from addin.catalogue.pgi.tracker import write_tracker
    from addin.excel.buttons import _config, _free_path, _output_folder

    config = _config()
    path = _free_path(_output_folder(folder), f"SafeContext PGI tracker {(today or dt.date.today()).isoformat()}",
                      ".xlsx")
    write_tracker(path, config, today=today)
    book.app.books.open(str(path))
    return path


def _yes_no(book, question: str) -> bool | None:
    """Yes or No typed in answer (asked again once if it is neither); None when cancelled."""
    from addin.excel import native

    for _ in range(2):
        answer = native.ask(book.app, f"{question} Type Yes or No.", "SafeContext", "")
        if answer is None:
            return None
        if answer.strip().casefold() in ("yes", "y", "no", "n"):
            return answer.strip().casefold().startswith("y")
    raise Refusal(f"'{answer}' is not Yes or No, so no feedback was recorded. Click the button again.")


@entry_point
def pgi_feedback(book, folder=None):
    """Record PGI feedback: on a returned PGI, ask whether it informed the assessment and what follows,
    record it and open the letter to the provider in Word."""
    from addin.catalogue.pgi.loop import RequestError, give_feedback
    from addin.excel import native
    from addin.excel.buttons import _config, _free_path, _output_folder, saved_value
    from addin.store.db import StoreError

    config = _config()
    reference = saved_value(book, "pgi", "request_reference")  # read, not checked: it was checked when filed
    if not reference:
        raise Refusal(f"'{book.name}' is not a returned PGI with a request reference, so there is nothing to give "
                      "feedback on. Open the provider's returned PGI, then click the button again.")
    informed = _yes_no(book, f"Did the information in {reference} inform the assessment?")
    if informed is None:
        return None
    further = _yes_no(book, "Are further safeguarding actions needed?")
    if further is None:
        return None
    actions = None
    if further:
        actions = native.ask(book.app, "Which further safeguarding actions are needed?", "SafeContext", "")
        if not actions:
            return None
    letter = _free_path(_output_folder(folder), f"PGI feedback {reference}", ".docx")
    try:
        done = give_feedback(reference, config, informed=informed, further_actions=further, actions=actions,
                             letter=letter)
    except (RequestError, StoreError) as e:
        raise Refusal(getattr(e, "excel", None) or str(e)) from None
    native.open_document(done.letter)
    return done
