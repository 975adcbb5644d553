"""Cross-field rules of the contextual HSB meeting framework (the case-code pattern is configured)."""
from __future__ import annotations

import datetime as dt
import re

from addin.catalogue.hsb_framework.declaration import CONTEXTS, FORM, GRID, RED
from addin.catalogue.hsb_framework.factors import OTHER, TYPES, code_of, gaps
from addin.validators.common import blank, error, query, rowwise

_FACTOR = FORM["factors"].column("factor")
_CODES = {code_of(c): c for c in _FACTOR.choices if c != OTHER}
_CODE_IN_TEXT = re.compile(r"[A-Za-z]+-[A-Za-z]\d+|[^\s,;]+")
_TYPE_OF_LETTER = {letter: kind for kind, letter in TYPES}
_VALUE_OF_PREFIX = {prefix: value for _, value, _, prefix in CONTEXTS}


def _d(v: dt.date) -> str:
    return v.strftime("%d/%m/%Y")


def _fits(r) -> bool:
    if blank(r.factor) or blank(r.context) or blank(r.type):
        return True
    return r.factor in (_FACTOR.choices_for(r.context, r.type) or ())


def _fits_msg(r, at) -> str:
    code = code_of(r.factor)
    prefix, _, rest = code.partition("-")
    what = f"a {_VALUE_OF_PREFIX[prefix]} {_TYPE_OF_LETTER[rest[0]].lower()} factor"
    return (f"{code} is {what}, but this row's context and type are {r.context}, {r.type}; pick the factor from "
            f"the row's drop-down, or correct {at('context')} and {at('type')}")


def _unknown_codes(text) -> list[str]:
    """The entries of an 'addresses' cell that are not factor codes."""
    if blank(text):
        return []
    return [c for c in _CODE_IN_TEXT.findall(str(text)) if c.upper() not in _CODES]


def _gap(value: str):
    """A context with vulnerability or risk factors but no intervention in it (S002:L3548, the gap report)."""
    def needing(r) -> list[str]:
        if r._factors_rows is None or r._interventions_rows is None:
            return []  # a table could not be read: its problem is said, and a gap would mislead
        return gaps(r._factors_rows, r._interventions_rows).get(value, [])

    def msg(r, at) -> str:
        found = needing(r)
        return (f"the Factors table has {len(found)} vulnerability or risk factor(s) in the {value} context "
                f"({', '.join(found)}), but no intervention in the Interventions table is in that context; plan "
                "one, or record why not in Challenges / barriers to intervention")

    return rowwise(lambda r: not needing(r)), msg


_PEER_ROW = tuple(f.id for f in GRID.fields if f.id.startswith(GRID.field("peer", "")))


def rules(config) -> list:
    pattern = config.hsb_reference_pattern
    return [
        error("HSB-020", "A factor must be one of Appendix 4's factors of its row's context and type.", "factor",
              rowwise(_fits), _fits_msg, table="factors", also=("context", "type")),
        error("HSB-021", "A factor of 'Other' needs describing.", "other",
              rowwise(lambda r: r.factor != OTHER or not blank(r.other)),
              lambda r, at: f"is blank, but {at('factor')} is Other; describe the factor", table="factors",
              also=("factor",)),
        error("HSB-022", "A Hackett continuum level needs the reason for it.", "hackett_rationale",
              rowwise(lambda r: blank(r.hackett_level) or not blank(r.hackett_rationale)),
              lambda r, at: f"is blank, but {at('hackett_level')} is {r.hackett_level}; explicitly state the "
                            "reason for drawing this conclusion",
              also=("hackett_level",)),
        error("HSB-023", "Every intervention needs a traffic light.", "rag",
              rowwise(lambda r: not blank(r.rag)),
              lambda r, at: "is blank; give the intervention its traffic light: Red (not yet actioned), Amber "
                            "(in progress) or Green (progressed)", table="interventions", also=("intervention",)),
        error("HSB-024", "Every intervention needs a review date.", "review_date",
              rowwise(lambda r: not blank(r.review_date)),
              lambda r, at: "is blank; say when the intervention will be reviewed", table="interventions",
              also=("intervention",)),
        query("HSB-025", "A red intervention has not yet been actioned.", "rag",
              rowwise(lambda r: r.rag != RED),
              lambda r, at: "is Red: the intervention has not yet been actioned; check who will action it and by "
                            "when", table="interventions", also=("intervention",)),
        query("HSB-026", "An intervention's review date has passed.", "review_date",
              rowwise(lambda r: blank(r.review_date) or r.review_date >= dt.date.today()),
              lambda r, at: f"{_d(r.review_date)} has passed; review the intervention, update its traffic light "
                            "and set the next review date", table="interventions", also=("rag",)),
        error("HSB-027", "A factor code an intervention addresses must be an Appendix 4 code.", "addresses",
              rowwise(lambda r: not _unknown_codes(r.addresses)),
              lambda r, at: f"{', '.join(_unknown_codes(r.addresses))} is not a factor code; give the codes of the "
                            "factors it addresses, e.g. PEER-V02, PEER-R03, separated by commas",
              table="interventions"),
        error("HSB-028", "The reference number must be a case code of the configured pattern, never a name.",
              "reference",
              rowwise(lambda r: blank(r.reference) or re.fullmatch(pattern, r.reference) is not None),
              lambda r, at: f"does not match the case-code pattern {pattern} (the setting hsb_reference_pattern); "
                            "use the case code the lead professional gave, never a name"),
        query("HSB-029", "A group offence should come with peer information in the contextual table.",
              "offence_context",
              rowwise(lambda r: r.offence_context not in ("Group", "Both") or any(not blank(r[f]) for f in _PEER_ROW)),
              lambda r, at: f"is {r.offence_context}, but the Peer group(s) row of the contextual table is empty; "
                            "record what is known about the peer group", also=_PEER_ROW),
        *(query(f"HSB-{30 + i:03d}", f"Vulnerability or risk factors in the {value} context should have an "
                                     "intervention there.", GRID.field(key, "actions"), *_gap(value),
                also=(GRID.field(key, "vulnerability"), GRID.field(key, "risk")))
          for i, (key, value, _, _) in enumerate(CONTEXTS)),
    ]
