"""Cross-field rules of the Contextual Case Review: codes are the form's only identifiers, so they must agree.

An individual code used in any Stage 1-3 table must be one listed in 'Young people featured'; a context code must
be of its environment's family (H home, PG peer group, S school, N neighbourhood, and a number). A table that could
not be read (its problem is said) is taken as agreeing, so no rule speaks from a blank it did not see.
"""
from __future__ import annotations

import re

from addin.catalogue.case_review.declaration import (CONTEXT_INTERVENTIONS, CONTEXT_ROWS, ENVIRONMENTS,
                                                     OUTCOME_CONTEXT_ROWS,
                                                     OUTCOME_CONTEXTS, OUTCOME_GRID, OUTCOMES, PREFIX, ROLES)
from addin.text import plural
from addin.validators.common import blank, error, query, rowwise

# A code has letters and digits only and at least one digit (HA01; the App G scheme's 6B1): a name has none.
_CODE = re.compile(r"[A-Za-z0-9]{2,12}")
_CONTEXT = re.compile(r"(H|PG|S|N)(\d{1,3})")
_SPLIT = re.compile(r"[\s,;/]+")


def norm(code) -> str:
    """A code as compared: spaces removed, upper case ('ha01 ' is HA01)."""
    return "".join(str(code).split()).upper() if not blank(code) else ""


def is_code(value) -> bool:
    v = norm(value)
    return bool(_CODE.fullmatch(v)) and any(ch.isdigit() for ch in v)


def listed(rows) -> set[str] | None:
    """The codes in 'Young people featured' (None: the table could not be read)."""
    return None if rows is None else {norm(r.get("code")) for r in rows if is_code(r.get("code"))}


def typed_codes(text) -> list[str]:
    """The codes in a cell that may hold several ('HA01, HA02'), as typed."""
    return [c for c in _SPLIT.split(str(text)) if c] if not blank(text) else []


def codes_in(text) -> list[str]:
    """The codes in a cell that may hold several, as compared."""
    return [norm(c) for c in typed_codes(text)]


def context_codes(rows, prefix: str) -> set[str]:
    """The distinct context codes of one family in rows of the Stage 2 tables."""
    return {norm(r.get("context_code")) for r in rows or ()
            if (m := _CONTEXT.fullmatch(norm(r.get("context_code")))) and m.group(1) == prefix}


def _unlisted(column: str):
    """A table rule: the row's code (in `column`) is not in Young people featured."""
    def ok(r) -> bool:
        known = listed(r._young_people_rows)
        return known is None or blank(r[column]) or norm(r[column]) in known

    return rowwise(ok)


def _unlisted_msg(column: str):
    def msg(r, at) -> str:
        known = sorted(listed(r._young_people_rows))
        return (f"{norm(r[column])} is not listed in Young people featured ({', '.join(known) or 'none listed'}); "
                "add the young person there (Stage 1) or correct the code")

    return msg


# Tables whose 'code' is a young person's: table id, what it is in a title.
CODED_TABLES = (("characteristics", "characteristics"), ("missing", "missing episodes"),
                ("overview", "the Stage 2 overview table"), ("contexts", "the Stage 2 context tables"),
                ("engagement", "professional engagement"), ("interventions", "interventions with young people"),
                ("outcomes", "individual outcomes"))


def _family(r) -> bool:
    if blank(r.context_code) or blank(r.environment):
        return True
    m = _CONTEXT.fullmatch(norm(r.context_code))
    return bool(m) and m.group(1) == PREFIX[r.environment]


def _family_msg(r, at) -> str:
    want = PREFIX[r.environment]
    return (f"'{r.context_code}' is not a code of the {r.environment} family; {r.environment} contexts are coded "
            f"{want} and a number ({want}1, {want}2), the same context keeping its code in every table")


def _grid_family(key: str, label: str, grid):
    """The code cell of a Stage 3 context row (Home (code) ...) is of its environment's family."""
    value = next(v for k, v, _, _ in ENVIRONMENTS if k == key)
    prefix, fid = PREFIX[value], grid.field(key, "code")

    def fits(c: str) -> bool:
        return bool(m := _CONTEXT.fullmatch(norm(c))) and m.group(1) == prefix

    def ok(r) -> bool:
        return all(fits(c) for c in typed_codes(r[fid]))

    def msg(r, at) -> str:
        wrong = [c for c in typed_codes(r[fid]) if not fits(c)]
        return (f"{', '.join(wrong)} is not a {value} context code; give the code from Stage 2, {prefix} and a "
                f"number ({prefix}1)")

    return ok, msg, fid


def _outcome_codes(key: str):
    fid = OUTCOME_GRID.field(key, "code")

    def unknown(r) -> list[str]:
        known = listed(r._young_people_rows)
        return [] if known is None else [c for c in typed_codes(r[fid]) if norm(c) not in known]

    def msg(r, at) -> str:
        return (f"{', '.join(unknown(r))} is not listed in Young people featured; give the codes of the young "
                "people it applies to, as listed there (Stage 1)")

    return rowwise(lambda r: not unknown(r)), msg, fid


_SUMMARY = (("homes", "Home", "H"), ("peer_groups", "Peer group", "PG"), ("schools", "School", "S"),
            ("neighbourhoods", "Neighbourhood", "N"))


def _summary_count(field: str, value: str, prefix: str):
    """The case summary's number of homes (etc.) against the distinct context codes Stage 2 uses."""
    def used(r) -> set[str] | None:
        if r._overview_rows is None or r._contexts_rows is None:
            return None
        return context_codes(r._overview_rows, prefix) | context_codes(r._contexts_rows, prefix)

    def ok(r) -> bool:
        codes = used(r)
        return blank(r[field]) or codes is None or not codes or int(r[field]) == len(codes)

    def msg(r, at) -> str:
        codes = sorted(used(r))
        return (f"is {int(r[field])}, but the Stage 2 tables use {plural(len(codes), value.lower() + ' context code')} "
                f"({', '.join(codes)}); check the number, or the codes")

    return query("", f"The number of {value.lower()} contexts should match the distinct {prefix} codes "
                 "of Stage 2.", field, rowwise(ok), msg)


def _no_role(r) -> bool:
    return any(r[k] is True for k, _ in ROLES)


def _without_outcome(r) -> list[str]:
    known, done = listed(r._young_people_rows), listed(r._outcomes_rows)
    if known is None or done is None or not r._outcomes_rows:
        return []
    return sorted(known - done)


def _renumber(rules: list) -> list:
    """Codes in order from CCR-020 (a rule's place in the list is its code; adding one appends it)."""
    from dataclasses import replace

    return [replace(r, code=f"CCR-{20 + i:03d}") for i, r in enumerate(rules)]


RULES = _renumber([
    error("", "An individual code is letters and digits with a number (HA01), never a name.", "code",
          rowwise(lambda r: blank(r.code) or is_code(r.code)),
          lambda r, at: f"'{r.code}' is not a code; give the young person's code, the case code and a number (e.g. "
                        "HA01), never a name", table="young_people"),
    error("", "A young person is listed once in Young people featured.", "code",
          rowwise(lambda r: blank(r.code) or r._young_people_rows is None
                  or sum(norm(x.get("code")) == norm(r.code) for x in r._young_people_rows) == 1),
          lambda r, at: f"{norm(r.code)} is listed more than once; give each young person one row and tick all "
                        "their roles there", table="young_people", sees=("young_people",)),
    query("", "A young person featured should have a role ticked.", "complainant", rowwise(_no_role),
          lambda r, at: f"no role is ticked for {norm(r.code)}; tick Complainant, Suspect, Witness or Other (Leader "
                        "is ticked as well as a role)", table="young_people", also=("suspect", "witness", "other")),
    query("", "An individual code should begin with the case code.", "code",
          rowwise(lambda r: not is_code(r.code) or blank(r._review_reference)
                  or norm(r.code).startswith(norm(r._review_reference))),
          lambda r, at: f"{norm(r.code)} does not begin with the case code {norm(r._review_reference)}; check the "
                        "code (or the case code on this sheet)", table="young_people", sees=("review_reference",)),
    *(error("", f"A code in {what} must be one listed in Young people featured.", "code", _unlisted("code"),
            _unlisted_msg("code"), table=tid, sees=("young_people",)) for tid, what in CODED_TABLES),
    *(error("", f"An agency's code ({when} identification) must be one listed in Young people featured.", column,
            _unlisted(column), _unlisted_msg(column), table="agencies", sees=("young_people",))
      for column, when in (("prior_code", "prior to"), ("post_code", "post"))),
    *(error("", "A context code is of its environment's family (H, PG, S, N and a number).", "context_code",
            rowwise(_family), _family_msg, table=tid, also=("environment",)) for tid in ("overview", "contexts")),
    *(error("", f"Intervention with contexts: the {label.split(' (')[0]} row's code is a context code of its family.",
            fid, rowwise(ok), msg) for key, label in CONTEXT_ROWS
      for ok, msg, fid in [_grid_family(key, label, CONTEXT_INTERVENTIONS)]),
    *(error("", f"Outcomes, contexts: the {label.split(' (')[0]} row's code is a context code of its family.", fid,
            rowwise(ok), msg)
      for key, label in OUTCOME_CONTEXT_ROWS for ok, msg, fid in [_grid_family(key, label, OUTCOME_CONTEXTS)]),
    *(error("", f"Outcomes, {label}: the codes must be listed in Young people featured.", fid, check, msg)
      for key, label in OUTCOMES for check, msg, fid in [_outcome_codes(key)]),
    error("", "The year of the response cannot be before the year of the incident.", "response_year",
          rowwise(lambda r: blank(r.incident_year) or blank(r.response_year) or r.response_year >= r.incident_year),
          lambda r, at: f"{r.response_year} is before {at('incident_year')} {r.incident_year}; correct one of the "
                        "years", also=("incident_year",)),
    *(_summary_count(field, value, prefix) for field, value, prefix in _SUMMARY),
    query("", "Every young person featured should have an individual outcome.", "code",
          rowwise(lambda r: not is_code(r.code) or norm(r.code) not in _without_outcome(r)),
          lambda r, at: f"the Outcomes table for individual young people (Stage 3) has no row for {norm(r.code)}; "
                        "say whether they were safeguarded (Yes, No or Partial)", table="young_people",
          sees=("young_people", "outcomes")),
])
