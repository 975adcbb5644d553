"""The vocabulary every form declaration is written in."""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field
from functools import cached_property

# Field types. Each has a reader (addin.intake.values) and a generic check (validators.common).
TYPES = {
    "text",      # one line of text
    "longtext",  # several lines of text
    "yesno",     # Yes / No drop-down; blank means not answered
    "tick",      # a tick box shown as a Yes/No drop-down; blank means not ticked
    "choice",    # one value from a list (declared, or a configured list such as schools)
    "date",      # a day, Excel date or UK dd/mm/yyyy text
    "integer",
    "number",
    "percent",   # 0 to 100; 95, "95%" and 0.95 all mean 95
    "email",
    "phone",
    "postcode",  # UK postcode
    "upn",       # DfE Unique Pupil Number
}

# What a personal field becomes when data leaves the store for analysis (safecontext export): left
# out; a keyed hash (HMAC-SHA256 with the configured analysis_key, so records link without the value);
# its month (a date: 2012-05); its postcode district (the outward code: AB1). Personal fields are
# dropped unless they say otherwise; other fields leave as they are.
LEAVES = {"drop": None, "hash": None, "month": {"date"}, "district": {"postcode"}}

# The longest text each type takes (Excel's own cell limit is 32,767 characters).
MAX_LENGTH = {"text": 500, "longtext": 10_000, "choice": 500, "email": 254, "phone": 40, "postcode": 16,
              "upn": 20}

_CELL_LIKE = re.compile(r"^(?:[a-z]{1,3}\d+|r\d*c?\d*|c\d*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Field:
    """One input cell: its id is also its Excel defined name."""

    id: str
    label: str
    type: str = "text"
    required: bool = False
    personal: bool = False
    choices: tuple[str, ...] | str | None = None  # tuple, or the name of a configured list
    help: str = ""
    min: float | None = None
    max: float | None = None
    max_length: int | None = None       # longest text taken; default by type (MAX_LENGTH)
    since: str | None = None            # the template version that added it (older forms lack its cell)
    leaves: str | None = None           # personal: what it becomes when data leaves the store (LEAVES)
    # A table column whose drop-down depends on other columns of its row: `depends` names them, `by`
    # gives the choices for each combination of their values ((values, choices), ...); `choices` is
    # then every choice in order (what the reader accepts; the form's rules say which fit the row).
    depends: tuple[str, ...] = ()
    by: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()

    def __post_init__(self):
        if self.by and self.choices is None:
            union = dict.fromkeys(c for _, subset in self.by for c in subset)
            object.__setattr__(self, "choices", tuple(union))
        if bool(self.depends) != bool(self.by) or any(len(k) != len(self.depends) for k, _ in self.by):
            raise ValueError(f"{self.id}: 'depends' and 'by' go together, one value per column depended on")
        if self.max_length is None and self.type in MAX_LENGTH:
            object.__setattr__(self, "max_length", MAX_LENGTH[self.type])
        if self.type not in TYPES:
            raise ValueError(f"{self.id}: unknown field type {self.type!r}")
        if _CELL_LIKE.match(self.id):
            raise ValueError(f"{self.id}: looks like a cell reference, Excel would refuse it as a name")
        if self.leaves is not None and not self.personal:
            raise ValueError(f"{self.id}: only a personal field says what it becomes when data leaves the store")
        if self.personal and self.leaves is None:
            object.__setattr__(self, "leaves", "drop")
        if self.leaves is not None and (self.leaves not in LEAVES or
                                        (LEAVES[self.leaves] and self.type not in LEAVES[self.leaves])):
            raise ValueError(f"{self.id}: a {self.type} field cannot leave the store as {self.leaves!r}")

    def choices_for(self, *values) -> tuple[str, ...] | None:
        """A dependent column's choices for its row's values of `depends` (None: no such combination)."""
        return dict(self.by).get(tuple(values))


@dataclass(frozen=True)
class Table:
    """A repeating group of rows, written as an Excel Table named after its id."""

    id: str
    label: str
    columns: tuple[Field, ...]
    rows: int = 5                       # blank rows in a new workbook
    # Fixed values, one row each: the first column's (agency names), or a tuple of the first columns' values
    # (an audit statement's number and text). Rows with nothing entered beside them are not data.
    preset: tuple[str | tuple[str, ...], ...] = ()
    help: str = ""
    personal: bool = False

    def __post_init__(self):
        if _CELL_LIKE.match(self.id):
            raise ValueError(f"{self.id}: looks like a cell reference")
        labels = [c.label for c in self.columns]
        if len(set(labels)) != len(labels):  # the reader finds columns by heading, and Excel renames a twin
            raise ValueError(f"{self.id}: two columns are headed {sorted({x for x in labels if labels.count(x) > 1})}")

    def column(self, column_id: str) -> Field:
        return next(c for c in self.columns if c.id == column_id)

    def fixed(self, i: int) -> tuple[str, ...]:
        """The preset values of row i (0-based) for its first columns; () beyond the preset rows."""
        if i >= len(self.preset):
            return ()
        return self.preset[i] if isinstance(self.preset[i], tuple) else (self.preset[i],)

    @property
    def preset_columns(self) -> tuple[str, ...]:
        """The ids of the columns preset values fill."""
        return tuple(c.id for c in self.columns[:max((len(self.fixed(i)) for i in range(len(self.preset))),
                                                      default=0)])


@dataclass(frozen=True)
class Grid:
    """A matrix of cells laid out as on the paper form: one field per row and column, each with the
    id '<id>_<row key>_<column key>' (grid_peer_risk) and the label 'Row: Column'."""

    id: str
    label: str
    rows: tuple[tuple[str, str, str], ...]     # (key, label, help): the row's label cell also shows its help
    columns: tuple[tuple[str, str, str], ...]  # (key, label, help): the help is each cell's input message
    type: str = "longtext"
    personal: bool = False

    @cached_property  # built once: every reader and check asks for the form's fields
    def fields(self) -> tuple[Field, ...]:
        return tuple(Field(f"{self.id}_{r}_{c}", f"{self.label}, {rl}: {cl}", self.type, personal=self.personal,
                           help=ch) for r, rl, _ in self.rows for c, cl, ch in self.columns)

    def field(self, row: str, column: str) -> str:
        """The id of one cell's field."""
        return f"{self.id}_{row}_{column}"


@dataclass(frozen=True)
class Heading:
    """A sub-heading or a line of guidance inside a section."""

    text: str
    note: bool = False  # True: guidance text rather than a heading


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Field | Table | Grid | Heading, ...]
    sheet: str | None = None  # a sheet of its own (a grid printed on a page of its own); None: the form's sheet
    shows: tuple[str, ...] = ()  # on a sheet of its own: fields typed elsewhere shown at its top (whose page it is)


@dataclass(frozen=True)
class Form:
    """A whole form: the single source of the workbook, reader, checks and data dictionary."""

    id: str                 # e.g. "fap-referral"
    code: str               # rule-code prefix, e.g. "FAP"
    title: str
    version: str
    sheet: str              # the data-entry sheet's name
    sections: tuple[Section, ...]
    intro: str = ""
    known_versions: tuple[str, ...] = ()
    paper: str = "A4"       # "A3": printed on A3 landscape (a meeting table); A4 otherwise
    _index: dict = dc_field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        ids = [f.id for f in self.fields] + [t.id for t in self.tables]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"{self.id}: duplicate ids {sorted(dupes)}")
        self._index.update({f.id: f for f in self.fields})
        self._index.update({t.id: t for t in self.tables})

    @property
    def fields(self) -> list[Field]:
        return [f for s in self.sections for i in s.items
                for f in ((i,) if isinstance(i, Field) else i.fields if isinstance(i, Grid) else ())]

    @property
    def tables(self) -> list[Table]:
        return [i for s in self.sections for i in s.items if isinstance(i, Table)]

    def __getitem__(self, item_id: str) -> Field | Table:
        return self._index[item_id]

    def section_of(self, item_id: str) -> str:
        """The title of the section holding a field or table ('exclusions.date_to': the table's)."""
        item_id = item_id.split(".")[0]
        return next(s.title for s in self.sections for i in s.items if getattr(i, "id", None) == item_id
                    or isinstance(i, Grid) and any(f.id == item_id for f in i.fields))

    def label_of(self, item_id: str) -> str:
        """A field's label; 'Table, Column' for a table column given as 'exclusions.date_to'."""
        table_id, _, column_id = item_id.rpartition(".")
        if table_id:
            return f"{self[table_id].label}, {self[table_id].column(column_id).label}"
        return self[item_id].label

    @property
    def accepted_versions(self) -> tuple[str, ...]:
        return (self.version, *self.known_versions)

    def in_version(self, f: Field, version: str | None) -> bool:
        """Whether forms of a template version have the field (known_versions are listed oldest first)."""
        if f.since is None or version is None or version == self.version:
            return True
        order = (*self.known_versions, self.version)
        return version in order and f.since in order and order.index(version) >= order.index(f.since)
