"""Cross-field rules of the NSPCC HSB framework audit: one of each kind per domain (AUD-020 + n - 1 ...).

A score outside 0-4 is the generic AUD-004: the score is a choice of the key's five scores.
"""
from __future__ import annotations

from addin.catalogue.hsb_audit.declaration import DOMAINS, STEMS, scored, score_value, statements, table_id
from addin.validators.common import blank, error, query, rowwise


def _number(r) -> str:
    return " ".join(str(r.statement).split()) if not blank(r.statement) else ""


def unscored(rows, n: int) -> list[str]:
    """Domain n's scored statements without a score in its rows (read by their statement number)."""
    done = {" ".join(str(x.get("statement") or "").split()) for x in rows if x.get("score") is not None}
    return [k for k in scored(n) if k not in done]


def _unscored_rule(code: str, n: int, short: str):
    rows = f"_{table_id(n)}_rows"

    def ok(r) -> bool:
        return r[rows] is None or not unscored(r[rows], n)  # an unreadable table: its problem is said

    def msg(r, at) -> str:
        left = unscored(r[rows], n)
        return (f"{len(left)} of the {len(scored(n))} statements of Domain {n} ({short}) "
                f"{'is' if len(left) == 1 else 'are'} not scored: {', '.join(left)}; score each 0-4, or say here "
                "why not")

    return query(code, f"Domain {n}: every statement should be scored.", f"comments_{n}", rowwise(ok), msg)


def _belongs(n: int):
    known = set(scored(n))

    def ok(r) -> bool:
        return r.score is None or _number(r) in known

    def msg(r, at) -> str:
        number = _number(r)
        if number in STEMS:
            items = ", ".join(k for k, _ in statements(n) if k.startswith(number) and k != number)
            return (f"is {score_value(r.score)}, but {number} introduces {items} and is not scored itself; clear "
                    f"it and score {items}")
        what = f"'{number}' is not a statement of Domain {n}" if number else "is blank"
        return (f"is {score_value(r.score)}, but {at('statement')} {what}; put the statement's number back, or "
                "copy the scores into a blank audit ('safecontext new hsb-audit')")

    return ok, msg


RULES = [
    *(query(f"AUD-{20 + i:03d}", f"Domain {n}: a score needs the evidence supporting it.", "evidence",
            rowwise(lambda r, n=n: r.score is None or _number(r) not in scored(n) or not blank(r.evidence)),
            lambda r, at: f"is blank, but statement {_number(r)} is scored {score_value(r.score)}; give the "
                          "evidence that underpins the score (the framework asks for evidence behind every score)",
            table=table_id(n), also=("score",))
      for i, (n, _, _) in enumerate(DOMAINS)),
    *(_unscored_rule(f"AUD-{25 + i:03d}", n, short) for i, (n, short, _) in enumerate(DOMAINS)),
    *(error(f"AUD-{30 + i:03d}", f"Domain {n}: a score belongs to one of the domain's scored statements (not a "
                                 "stem).", "score", rowwise(_belongs(n)[0]), _belongs(n)[1], table=table_id(n),
            also=("statement",))
      for i, (n, _, _) in enumerate(DOMAINS)),
]
