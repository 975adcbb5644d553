"""What a form package declares besides its fields: its rules, its identity in the store, its names."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from addin.forms.model import Form


@dataclass(frozen=True)
class Identity:
    """Which filings are the same record, and which date decides the term it counts in.

    `number`: the field whose value names the record (compared with spaces collapsed, in upper
    case). `fallback`: fields that identify it when the number is blank or new (kept only as a
    sha256, so a UPN never appears in the store's keys). `completed`: the "date completed" field
    that decides which of two forms is older when either has no saved time. `with_number`: fields
    whose values join the number in the record's key, all needed (a meeting record: its case
    reference and meeting date, so a later meeting about the same case is a record of its own).
    """

    number: str
    term_date: str
    fallback: tuple[str, ...] = ()
    completed: str | None = None
    with_number: tuple[str, ...] = ()


@dataclass(frozen=True)
class Briefing:
    """A form package's Word briefing, made by `safecontext brief --kind KIND`.

    `module` holds VARIABLES (name -> meaning, what a template may use), BriefingError (a UserError) and
    make_briefing(out=, config=, db=, template=, pdf=, **options): the briefing's path (its PDF with pdf).
    `options`: which of the brief command's options it takes, by keyword: term, compare, start, end, site.
    """

    kind: str                # "fap", "hsb"
    title: str               # "FAP termly briefing"
    module: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormPlugin:
    """One registered form: its declaration, its rules module, its identity and its short name."""

    form: Form
    rules: str               # the module whose RULES are the form's own rules
    identity: Identity
    name: str                # short name, for messages, file names and the ribbon: "FAP referral"
    noun: str = "record"     # what one filed form is called: "referral", "request"
    registers: bool = False  # also read from a register (an Excel table, one row per record)
    # Hooks a form package may declare (all optional), so the generic stages never name a form:
    tables: Callable | None = None   # tables(metadata) -> {name: Table}: the package's own store tables
    filing: object | None = None     # refuse(conn, tables, values) -> reason | None; filed(conn, tables, item, ctx)
    commands: str | None = None      # a module whose `app` (typer) is added as `safecontext <command_name>`
    command_name: str | None = None
    ribbon: tuple = ()               # (label, entry point in `excel`, tip[, imageMso]): its own ribbon buttons
    excel: str | None = None         # the module holding those entry points
    workbook: Callable | None = None  # workbook(wb, layout, config): adds to a blank (a summary sheet, locks)
    briefing: "Briefing | None" = None  # its Word briefing: `safecontext brief --kind <kind>`

    @property
    def id(self) -> str:
        return self.form.id

    @property
    def store_prefix(self) -> str:
        """The prefix of its store tables: fap_referral_records, fap_referral_exclusions."""
        return self.form.id.replace("-", "_")

    def __post_init__(self):
        for fid in (self.identity.number, self.identity.term_date, *self.identity.fallback, *self.identity.with_number,
                    *([self.identity.completed] if self.identity.completed else [])):
            self.form[fid]  # KeyError at once for a misspelt field
