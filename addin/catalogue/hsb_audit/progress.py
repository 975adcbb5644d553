"""Progress between rounds, from the store: the partnership's agreed scores per round, domain means (means, not
sums: domains have 8 or 10 statements), change between rounds, statements that fell, the focus areas, the
agencies' spread, and the action plan carried from the last one filed."""
from __future__ import annotations

from dataclasses import dataclass, field

from addin.catalogue.hsb_audit.declaration import DOMAINS, scored
from addin.catalogue.hsb_audit.merge import Audit, Disagreement, merge
from addin.catalogue.hsb_audit.scores import domain_means
from addin.config import PARTNERSHIP

FOCUS_AT_MOST = 1  # a focus area scores at most 1 ("very little evidence"); with none so low, the lowest score


@dataclass
class Fall:
    statement: str
    before_round: str
    after_round: str
    before: int
    after: int


@dataclass
class Progress:
    rounds: list[str]                                   # in order: T1, T2, T3
    dates: dict[str, object]                            # round -> its date (the partnership audit's)
    scores: dict[str, dict[str, int | None]]            # round -> statement -> agreed score
    merged_now: list[str]                               # rounds without a filed partnership audit: merged here
    agencies: dict[str, dict[str, dict[str, int | None]]]  # round -> agency -> statement -> score
    disagreements: dict[str, list[Disagreement]]
    actions: list[dict] = field(default_factory=list)   # the action plan: carried rows, then new focus areas

    @property
    def latest(self) -> str:
        return self.rounds[-1]

    @property
    def means(self) -> dict[str, dict[int, float | None]]:
        return {r: domain_means(self.scores[r]) for r in self.rounds}

    def overall(self, r: str) -> float | None:
        values = [v for v in self.scores[r].values() if v is not None]
        return sum(values) / len(values) if values else None

    @property
    def changes(self) -> list[tuple[str, str]]:
        """The pairs of consecutive rounds: (T1, T2), (T2, T3)."""
        return list(zip(self.rounds, self.rounds[1:]))

    def change(self, a: str, b: str) -> dict[int, float | None]:
        ma, mb = self.means[a], self.means[b]
        return {n: None if ma[n] is None or mb[n] is None else mb[n] - ma[n] for n, _, _ in DOMAINS}

    @property
    def falls(self) -> list[Fall]:
        out = []
        for a, b in self.changes:
            for k in scored():
                x, y = self.scores[a].get(k), self.scores[b].get(k)
                if x is not None and y is not None and y < x:
                    out.append(Fall(k, a, b, x, y))
        return out

    @property
    def focus(self) -> list[str]:
        """The latest round's lowest-scoring statements: those scored at most 1, else those with its lowest score."""
        given = {k: v for k, v in self.scores[self.latest].items() if v is not None}
        if not given:
            return []
        cut = max(FOCUS_AT_MOST, min(given.values()))
        return [k for k in scored() if k in given and given[k] <= cut]

    def spread(self, r: str, k: str) -> tuple[int, int] | None:
        """(lowest, highest) of the agencies' scores of statement k in round r; None when fewer than two scored."""
        given = [s[k] for s in self.agencies.get(r, {}).values() if s.get(k) is not None]
        return (min(given), max(given)) if len(given) >= 2 else None

    def as_json(self) -> dict:
        names = {n: short for n, short, _ in DOMAINS}
        return {
            "rounds": self.rounds,
            "means": {r: {names[n]: m for n, m in self.means[r].items()} for r in self.rounds},
            "scores": self.scores,
            "disagreements": {r: [{"statement": d.statement, "scores": d.scores, "spread": d.spread}
                                  for d in self.disagreements.get(r, [])] for r in self.rounds},
            "change": {f"{a}-{b}": {names[n]: c for n, c in self.change(a, b).items()} for a, b in self.changes},
            "falls": [vars(f) for f in self.falls],
            "focus": self.focus,
            "merged_now": self.merged_now,
        }


def progress(audits: list[Audit], plan: list[dict] | None = None) -> Progress | None:
    """Progress from filed audits (None when there are none). A round's agreed scores are its filed partnership
    audit's; a round without one is merged here from its agencies' audits (and said so)."""
    rounds = sorted({a.round for a in audits}, key=lambda r: int(r[1:]))
    if not rounds:
        return None
    scores, dates, merged_now, agencies, disagreements = {}, {}, [], {}, {}
    for r in rounds:
        theirs = [a for a in audits if a.round == r and a.agency != PARTNERSHIP]
        agreed = next((a for a in audits if a.round == r and a.agency == PARTNERSHIP), None)
        m = merge(theirs, r) if theirs else None
        if agreed is not None:
            scores[r], dates[r] = agreed.scores, agreed.round_date
        else:
            scores[r], dates[r] = m.scores, m.round_date
            merged_now.append(r)
        agencies[r] = {a.agency: a.scores for a in theirs}
        disagreements[r] = m.disagreements if m else []
    p = Progress(rounds, dates, scores, merged_now, agencies, disagreements)
    p.actions = action_plan(p, plan or [])
    return p


def action_plan(p: Progress, plan: list[dict]) -> list[dict]:
    """The last filed plan's actions (their status as filed), then every focus area it has no action for."""
    carried = [dict(row) for row in plan]
    planned = {row["statement"] for row in carried}
    new = [{"statement": k, "action": None, "owner": None, "due_date": None, "status": "Not started", "round": None}
           for k in p.focus if k not in planned]
    return carried + new
