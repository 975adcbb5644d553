"""The PGI package's Excel buttons (thin: they call addin.catalogue.pgi.loop and .tracker)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from addin.excel.friendly import Refusal, entry_point, show


@entry_point
def send_pgi_request(book, folder=None, today: dt.date | None = None):
    """Send PGI request: this PGI's Request section filled in, record the request and open the PGI to send."""
    from addin.catalogue.pgi.loop import RequestError, make_request
    from addin.excel.buttons import _config, _form_file, _output_folder, _save
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
