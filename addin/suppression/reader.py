"""What an informed reader can work out: the feasible range of every hidden count, by integer programming.

The network check (network.py) answers one question exactly: can a "c" take two values, given the
additive totals?  A reader who also knows the shape of the tables (a concern count is at most its row's
"any concern" count, which is at most its referrals; a pair of concerns is at most either concern ...)
can narrow a "c" much further.  This module holds that knowledge as linear relations and measures it:

    k = Knowledge()
    k.value("total", 12); k.value("a", 1, hidden=True); k.value("b", 11)
    k.equal(["a", "b"], "total")             # sum of the parts is the whole
    k.at_most(["a"], ["b"])                  # sum on the left <= sum on the right
    narrow(k, threshold=5)                   # {"a": Range(lo=1, hi=1, ...)}: "a" is pinned down

Every key is a whole number >= 0 with a true value.  A key is shown (the reader knows it), hidden with a
floor (1 for a "c": true zeros are shown as 0; 0 for a count in a withheld table, where zeros are hidden
too) or auxiliary (never published, such as the number of referrals with exactly one combination of
concerns, floor 0): hidden and auxiliary keys are the unknowns.

The criterion: a hidden key is protected when its feasible whole-number range [lo, hi] spans at least
`threshold` values (hi - lo + 1 >= threshold).  For threshold 5 a reader can never rule out that a
hidden count is 5 or more, nor pin it down.  A hidden true zero (only in a withheld table, where zeros
are hidden too) is protected whatever its range: the most a reader can learn of it is that it is 0,
which every other table prints.  So is a key in `exempt` (the caller's: a count hidden only because its
whole table is withheld, whose value the rules would print): pinning it tells what printing it would.
Both still count as knowledge in every other key's range.

How ranges are measured (narrow), cheapest first, and exact: a key is called protected only on whole-number
solutions found, exposed only on bounds proved.
1. Witnesses: every whole-number solution found so far (the true values are one) gives each unknown a
   value it can take; a key whose witnessed values already span `threshold` values is protected.
   Hiding more only adds solutions, so what was seen stays seen (adding a relation forgets it).
2. Sweeps: one LP (scipy.optimize.milp with no integer unknowns: HiGHS's simplex) pushes up, then down,
   a set of unknowns that compete for no relation's room; a whole-number optimum is a witness for all of
   them.  First within each key's group (its table), the other unknowns held at their true values (what
   is found there is a solution of the whole), then over whole components.
3. check(), for each key still short: LP max and min over its component (the unknowns linked to it).  A
   light presolve first (one-unknown relations become bounds, sums forced to 0 fix their unknowns) keeps
   the LP small, and with HiGHS's own presolve off the simplex method ends on a vertex that is almost
   always a whole-number point.  The LP range contains the integer range, so an LP range narrower than
   `threshold` (rounded inwards) proves the key exposed; a whole-number LP optimum is also the integer
   optimum, and a witness.  Only where an optimum is fractional and its bound would not settle the
   question does the integer programme (scipy.optimize.milp) run for that end.
For an exposed key, the LP's dual values name the relations binding its greatest value (and, the duals
of a degenerate optimum being one choice of several, the relations tight there, nearest first): the
shown keys in them are what to hide next.  probe() tells whether hiding one would free anything.

scipy is imported inside the functions that solve, never at import: the command line starts fast.
"""
from __future__ import annotations

import itertools
import math
from collections import deque
from dataclasses import dataclass, field

INF = math.inf
_EPS = 1e-6
TIGHT = 40  # tight relations reported, nearest first (what to hide is looked for among their keys)
_VERSIONS = itertools.count(1)  # every change of any Knowledge gets a new number: caches keyed by it never collide


@dataclass
class Range:
    """A hidden key's feasible whole-number range, and what binds its greatest value."""

    lo: float
    hi: float
    binding: list = field(default_factory=list)   # shown keys in the binding relations, in order
    floors: list = field(default_factory=list)    # unknowns whose floor binds (a withheld table's 0 would free them)
    low_side: object = None                       # () -> (binding, floors) of its least value, worked out on demand
    tight: list = field(default_factory=list)     # shown keys of every relation tight at its greatest, nearest first

    @property
    def size(self) -> float:
        return self.hi - self.lo + 1


@dataclass
class Knowledge:
    """Keys with true values; which are unknown to the reader (with floors); linear relations among them."""

    values: dict = field(default_factory=dict)
    floors: dict = field(default_factory=dict)       # unknown key -> least value the reader may assume
    auxiliary: set = field(default_factory=set)      # unknowns that are never published
    groups: dict = field(default_factory=dict)       # key -> its table, for the quick local check (narrow)
    exempt: set = field(default_factory=set)         # unknowns whose range is not checked (see check())
    relations: list = field(default_factory=list)    # (((key, coefficient), ...), lo, hi)
    version: int = 0
    _by_key: dict = field(default_factory=dict, repr=False)
    _seen: dict = field(default_factory=dict, repr=False)   # unknown -> (least, greatest) value in a solution found

    def value(self, key, true: int, hidden: bool = False, floor: int = 1, auxiliary: bool = False,
              group=None) -> None:
        """Declare a key and its true value; hidden (a "c", floor 1 unless said) or auxiliary (floor 0).

        `group` (a table, say) lets narrow() look for solutions within the group first, every other unknown
        at its true value: a cheap sufficient check (what it finds are solutions of the whole)."""
        if key in self.values and self.values[key] != int(true):
            raise ValueError(f"{key!r} declared with two values: {self.values[key]} and {true}")
        self.values[key] = int(true)
        if group is not None:
            self.groups[key] = group
        if auxiliary:
            self.auxiliary.add(key)
            self.floors[key] = 0
        elif hidden:
            self.floors[key] = min(floor, int(true))
        self.version = next(_VERSIONS)

    def hide(self, key, floor: int = 1) -> None:
        """Hide a shown key (floor 1), or lower a hidden key's floor (0 in a withheld table)."""
        self.floors[key] = min(self.floors.get(key, floor), floor, self.values[key])
        self.version = next(_VERSIONS)

    def relate(self, coefficients: dict, lo: float = -INF, hi: float = INF) -> None:
        """lo <= sum(coefficient * key) <= hi (coefficients: key -> number)."""
        terms = tuple((k, c) for k, c in coefficients.items() if c)
        if not terms:
            return
        missing = [k for k, _ in terms if k not in self.values]
        if missing:
            raise KeyError(f"relation on undeclared keys {missing}")
        total = sum(c * self.values[k] for k, c in terms)
        if total < lo - _EPS or total > hi + _EPS:
            raise ValueError(f"the true values break a relation: {lo} <= {total} <= {hi} for {terms}")
        index = len(self.relations)
        self.relations.append((terms, lo, hi))
        self._seen.clear()  # a new relation can cut off a solution found before
        for k, _ in terms:
            self._by_key.setdefault(k, []).append(index)
        self.version = next(_VERSIONS)

    def equal(self, parts, whole) -> None:
        """The parts (keys) add up to the whole (a key or a list of keys)."""
        self.relate(_combine(parts, 1, whole, -1), 0, 0)

    def at_most(self, smaller, larger, slack: float = 0) -> None:
        """sum(smaller) <= sum(larger) + slack."""
        self.relate(_combine(smaller, 1, larger, -1), hi=slack)

    def unknown(self, key) -> bool:
        return key in self.floors

    def published_unknowns(self) -> list:
        return [k for k in self.floors if k not in self.auxiliary]

    def relations_of(self, key) -> list[int]:
        return self._by_key.get(key, [])


def _combine(left, a, right, b) -> dict:
    out: dict = {}
    for keys, sign in ((left, a), (right, b)):
        for k in (keys if isinstance(keys, list) else [keys]):
            out[k] = out.get(k, 0) + sign
    return out


def narrow(k: Knowledge, threshold: int, keys=None) -> dict:
    """The hidden keys (all published unknowns, or `keys`) whose range spans fewer than `threshold`
    values, each with a Range; every other key named is protected.

    Cheapest first: (1) within each key's group (its table), every other unknown held at its true value,
    sweeps and then the key's own LP bounds look for whole-number solutions (each one is a solution of
    the whole, so a key they show wide enough is protected; nothing is concluded from a narrow one);
    (2) sweeps over each whole component; (3) check() for each key still short.  A sweep is one LP that
    pushes up (then down) a set of keys competing for no relation's room: its whole-number optimum is a
    witness for all of them at once.
    """
    keys = list(k.published_unknowns() if keys is None else keys)
    for local in (True, False):
        groups: dict = {}
        for key in keys:
            if _span(k, key) < threshold and (not local or key in k.groups):
                p = _component(k, key, local)
                if key in p.column:
                    groups.setdefault(id(p), (p, []))[1].append(key)
        for p, members in groups.values():
            if not p.swept:
                _sweep(k, p, members, threshold)
                p.swept = True
    out = {}
    for key in keys:
        r = check(k, key, threshold)
        if r is not None:
            out[key] = r
    return out


def probe(k: Knowledge, key, binding: bool = False, threshold: int = 2):
    """How many values shown `key` could take if it were hidden (a "c", floor 1), by the LP bounds (which
    contain the integer range).  1 means hiding it would free nothing: its value follows from the rest,
    so no other key's range would grow.  A count of at least `threshold` may be an undercount (found
    within its own table, the rest held at their true values).  With `binding`, (that, the shown keys
    binding it there: its relations tight at its greatest, nearest first).  Nothing is kept: the knowledge
    is as it was."""
    if k.unknown(key):
        raise ValueError(f"{key!r} is hidden")
    version, seen = k.version, k._seen
    caches = {name: k.__dict__.pop(name, None) for name in ("_components", "_local")}
    k.floors[key], k._seen = 1, {}
    k.version = next(_VERSIONS)
    try:
        if not binding and key in k.groups:  # its own table first (the rest held): a part of the range
            p = _component(k, key, local=True)
            if key not in p.fixed:
                size = _bound(k, p, key, -1)[0] - _bound(k, p, key, +1)[0] + 1
                if size >= threshold:
                    return size
        p = _component(k, key)
        if key in p.fixed:
            size, keys = 1, _shown_in(k, k.relations_of(key))
        else:
            hi, _, duals, _, tight = _bound(k, p, key, -1, duals=binding)
            size, keys = hi - _bound(k, p, key, +1)[0] + 1, list(dict.fromkeys(duals + tight))
        return (size, keys) if binding else size
    finally:
        del k.floors[key]
        k._seen, k.version = seen, version
        for name, cache in caches.items():  # the knowledge's own caches, untouched by the probe
            k.__dict__.pop(name, None)
            if cache is not None:
                k.__dict__[name] = cache


def check(k: Knowledge, key, threshold: int) -> Range | None:
    """None if hidden `key` is protected; else a Range holding its feasible values, and what binds it.

    The Range is exact where the LP optima were whole-number points or the integer programme ran; where
    the LP bounds alone already prove the key exposed it is those bounds (rounded inwards).
    """
    if not k.unknown(key):
        raise ValueError(f"{key!r} is shown")
    if _span(k, key) >= threshold or k.values[key] == 0 or key in k.exempt:
        return None
    p = _component(k, key)
    if key in p.fixed:  # the relations alone pin it down
        value = p.fixed[key]
        return Range(value, value, _shown_in(k, p.fixed_by.get(key, [])), [], lambda: ([], []),
                     _shown_in(k, k.relations_of(key)))
    low, high = _witnessed(k, key)
    j = p.column[key]
    binding = None
    if high >= p.ub[j]:  # a solution reaches its bound: that is its greatest value, no LP needed
        hi, hi_exact = high, True
    else:  # with the duals at once: most keys that get this far are exposed, and need them
        hi, hi_exact, binding, floors, tight = _bound(k, p, key, -1, duals=True)
    if hi_exact:
        high = hi
    if high - low + 1 >= threshold:
        return None
    if low <= p.lb[j]:  # likewise its least (often its floor, 1, where a small count is)
        lo, lo_exact = low, True
    else:
        lo, lo_exact, _, _, _ = _bound(k, p, key, +1)
    if lo_exact:
        low = lo
    if high - low + 1 >= threshold:
        return None
    if hi - lo + 1 >= threshold:  # the LP range is wide enough: does integrality narrow it?
        if not hi_exact:
            hi = _integer(k, p, key, -1)
        if not lo_exact:
            lo = _integer(k, p, key, +1)
        if hi - lo + 1 >= threshold:
            return None
    if binding is None:
        binding, floors, tight = _bound(k, p, key, -1, duals=True)[2:]
    return Range(lo, hi, binding, floors, lambda: _bound(k, p, key, +1, duals=True)[2:4], tight)


def _span(k: Knowledge, key) -> float:
    low, high = _witnessed(k, key)
    return high - low + 1


def _witnessed(k: Knowledge, key) -> tuple[float, float]:
    """Least and greatest value of `key` among the whole-number solutions found so far (true values too).

    A solution found for one component, with every other unknown at its true value, is a solution of the
    whole; and hiding more only adds solutions, so what was seen stays seen until a relation is added."""
    true = k.values[key]
    return k._seen.get(key, (true, true))


def _remember(k: Knowledge, solution: dict) -> None:
    for key, v in solution.items():
        low, high = k._seen.get(key, (k.values[key], k.values[key]))
        if v < low or v > high:
            k._seen[key] = (min(low, v), max(high, v))


@dataclass
class _Problem:
    """The unknowns linked to a key, as an LP: free unknowns (columns), relations left after presolve (rows)."""

    version: int
    unknowns: list
    column: dict
    rows: list          # relation index of each matrix row
    matrix: object      # scipy.sparse csr (rows x unknowns)
    lo: object          # numpy arrays: each row's bounds, the shown and fixed part moved across
    hi: object
    lb: object          # each unknown's bounds: its floor, or tighter from a one-unknown relation
    ub: object
    lb_from: list       # relation index that gave the lower bound (None: the floor)
    ub_from: list
    fixed: dict         # unknowns presolve pinned: key -> value (all of the component's, not only these)
    fixed_by: dict      # key -> relation indexes that pinned it
    singles: list = field(default_factory=list)  # each unknown's one-unknown relations (its bounds)
    lp: object = None   # the arrays linprog takes, built on first use
    leaky: bool = False  # a local problem that holds unknowns of other groups at their true values
    swept: bool = False


def _component(k: Knowledge, key, local: bool = False) -> _Problem:
    """The LP of the unknowns linked to `key` through relations (cached until the knowledge changes);
    `local`: only those of its group, the others held at their true values.

    A light presolve first, so the LP is small and its optima whole numbers (HiGHS's own presolve is off:
    from the slack basis the simplex method ends on whole-number vertices almost always here): a relation
    of one unknown becomes a bound on it (rounded inwards: the unknowns are whole numbers); "a sum of
    unknowns with positive coefficients is at most 0" fixes them at 0; a pinned unknown is moved across.
    What is left splits into components again.
    """
    cache = k.__dict__.setdefault("_local" if local else "_components", {})
    hit = cache.get(key)
    if hit is not None and hit.version == k.version:
        return hit
    group = k.groups.get(key)
    leak = False
    import numpy as np
    from scipy.sparse import csr_matrix

    seen, stack, rows = {key}, [key], set()
    while stack:
        current = stack.pop()
        for index in k.relations_of(current):
            if index in rows:
                continue
            rows.add(index)
            for other, _ in k.relations[index][0]:
                if other not in seen and k.unknown(other):
                    if local and k.groups.get(other) != group:
                        leak = True  # an unknown of another group, held at its true value here
                        continue
                    seen.add(other)
                    stack.append(other)
    terms, lo, hi = {}, {}, {}
    for index in rows:
        relation, low, high = k.relations[index]
        shown = sum(c * k.values[o] for o, c in relation if o not in seen)
        terms[index] = {o: c for o, c in relation if o in seen}
        lo[index], hi[index] = low - shown, high - shown
    lb = {u: float(k.floors[u]) for u in seen}
    ub = {u: INF for u in seen}
    lb_from, ub_from = {u: None for u in seen}, {u: None for u in seen}
    singles: dict = {u: [] for u in seen}  # every one-unknown relation of each unknown (now a bound)
    fixed, fixed_by = {}, {}
    of = {}
    for index, t in terms.items():
        for u in t:
            of.setdefault(u, []).append(index)
    queue, live = deque(terms), set(terms)

    def fix(u, value, why):
        fixed[u] = value
        fixed_by[u] = why
        for index in of.get(u, []):
            if index in live and u in terms[index]:
                c = terms[index].pop(u)
                lo[index] -= c * value
                hi[index] -= c * value
                queue.append(index)

    while queue:
        index = queue.popleft()
        if index not in live:
            continue
        t = terms[index]
        if not t:
            live.discard(index)
            continue
        if len(t) == 1:
            (u, c), = t.items()
            low, high = sorted((lo[index] / c, hi[index] / c))
            live.discard(index)
            singles[u].append(index)
            if math.isfinite(low) and math.ceil(low - _EPS) > lb[u]:
                lb[u], lb_from[u] = math.ceil(low - _EPS), index
            if math.isfinite(high) and math.floor(high + _EPS) < ub[u]:
                ub[u], ub_from[u] = math.floor(high + _EPS), index
            if ub[u] <= lb[u]:
                fix(u, int(lb[u]), list(dict.fromkeys(i for i in (lb_from[u], ub_from[u], index, *singles[u])
                                                      if i is not None)))
        elif hi[index] <= _EPS and all(c > 0 for c in t.values()) and all(lb[u] == 0 for u in t):
            live.discard(index)
            for u in list(t):
                fix(u, 0, [index])
        elif lo[index] >= -_EPS and all(c < 0 for c in t.values()) and all(lb[u] == 0 for u in t):
            live.discard(index)
            for u in list(t):
                fix(u, 0, [index])
    problems = []
    placed: dict = {}
    for start in sorted((u for u in seen if u not in fixed), key=_order):
        if start in placed:
            continue
        members, stack, mine = {start}, [start], set()
        while stack:
            current = stack.pop()
            for index in of.get(current, []):
                if index in live and index not in mine:
                    mine.add(index)
                    for other in terms[index]:
                        if other not in members:
                            members.add(other)
                            stack.append(other)
        unknowns = sorted(members, key=_order)
        column = {u: j for j, u in enumerate(unknowns)}
        order = sorted(mine)
        data, ri, ci = [], [], []
        for r, index in enumerate(order):
            for u, c in terms[index].items():
                data.append(float(c))
                ri.append(r)
                ci.append(column[u])
        p = _Problem(k.version, unknowns, column, order,
                     csr_matrix((data, (ri, ci)), shape=(len(order), len(unknowns))),
                     np.array([lo[i] for i in order], dtype=float), np.array([hi[i] for i in order], dtype=float),
                     np.array([lb[u] for u in unknowns], dtype=float), np.array([ub[u] for u in unknowns], dtype=float),
                     [lb_from[u] for u in unknowns], [ub_from[u] for u in unknowns], fixed, fixed_by,
                     singles=[singles[u] for u in unknowns])
        p.leaky = leak
        problems.append(p)
        for u in unknowns:
            placed[u] = p
    empty = None
    whole = k.__dict__.setdefault("_components", {}) if local and not leak else None
    for u in seen:
        if u in placed:
            cache[u] = placed[u]
            if whole is not None:  # nothing outside the group: the same problem as the whole component
                whole[u] = placed[u]
        else:  # pinned by presolve: a problem with nothing left to solve
            if empty is None:
                empty = _Problem(k.version, [], {}, [], csr_matrix((0, 0)), np.zeros(0), np.zeros(0), np.zeros(0),
                                 np.zeros(0), [], [], fixed, fixed_by)
            cache[u] = empty
            if whole is not None:
                whole[u] = empty
    return cache[key]


def _order(key):
    return repr(key)


def _shown_in(k: Knowledge, indexes) -> list:
    """The shown keys of these relations, in order."""
    out = []
    for index in indexes:
        out += [o for o, _ in k.relations[index][0] if not k.unknown(o)]
    return list(dict.fromkeys(out))


def _lp(p: _Problem):
    """The problem's relations as linprog wants them (built once per problem)."""
    if p.lp is None:
        import numpy as np
        from scipy.sparse import vstack

        equal = np.isclose(p.lo, p.hi)
        upper = ~equal & np.isfinite(p.hi)
        lower = ~equal & np.isfinite(p.lo)
        a_ub = vstack([p.matrix[upper], -p.matrix[lower]]).tocsr() if upper.any() or lower.any() else None
        b_ub = np.concatenate([p.hi[upper], -p.lo[lower]]) if a_ub is not None else None
        rows_ub = list(np.flatnonzero(upper)) + list(np.flatnonzero(lower))
        a_eq = p.matrix[equal] if equal.any() else None
        b_eq = p.lo[equal] if equal.any() else None
        bounds = [(low, None if math.isinf(high) else high) for low, high in zip(p.lb, p.ub)]
        p.lp = (a_ub, b_ub, a_eq, b_eq, list(np.flatnonzero(equal)), rows_ub, bounds)
    return p.lp


def _solve(p: _Problem, objective):
    """The LP optimum (scipy.optimize.milp with no integer unknowns: HiGHS's simplex, its presolve off)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = [LinearConstraint(p.matrix, p.lo, p.hi)] if p.matrix.shape[0] else []
    return milp(objective, constraints=constraints, integrality=np.zeros(len(p.unknowns)),
                bounds=Bounds(p.lb, p.ub), options={"presolve": False})


def _witness(k: Knowledge, p: _Problem, x) -> bool:
    """Keep a whole-number LP optimum as a witness; False if it is fractional."""
    import numpy as np

    if x is None or not np.all(np.abs(x - np.round(x)) < _EPS):
        return False
    _remember(k, dict(zip(p.unknowns, np.round(x).astype(int).tolist())))
    _remember(k, p.fixed)
    return True


def _sweep(k: Knowledge, p: _Problem, keys: list, threshold: int) -> None:
    """Witnesses for many keys at once: one LP pushes up a set of keys that compete for no relation's room
    (no two with a positive coefficient in one "at most", or a negative one in one "at least"), then one
    pushes down those still short that can go lower; each whole-number optimum is a witness for all."""
    import numpy as np

    csc = p.matrix.tocsc()
    upper, lower = np.isfinite(p.hi), np.isfinite(p.lo)

    def room(j, sense):
        """The (row, side) capacities that raising (sense 1) or lowering (-1) unknown j uses up."""
        rows = csc.indices[csc.indptr[j]:csc.indptr[j + 1]]
        signs = np.sign(csc.data[csc.indptr[j]:csc.indptr[j + 1]]) * sense
        return {(r, 1) for r, g in zip(rows.tolist(), signs.tolist()) if g > 0 and upper[r]} | \
            {(r, -1) for r, g in zip(rows.tolist(), signs.tolist()) if g < 0 and lower[r]}

    for sense in (1, -1):
        todo = [key for key in keys if _span(k, key) < threshold
                and (sense > 0 or _witnessed(k, key)[0] > p.lb[p.column[key]])]
        while todo:
            used, chosen = set(), []
            for key in todo:
                j = p.column[key]
                needs = room(j, sense)
                if not needs & used:
                    chosen.append(j)
                    used |= needs
            objective = np.zeros(len(p.unknowns))
            objective[chosen] = -float(sense)
            res = _solve(p, objective)
            if res.status == 0:
                _witness(k, p, res.x)  # a fractional optimum is no witness (an integer programme costs more)
            done = {p.unknowns[j] for j in chosen}
            todo = [key for key in todo if key not in done and _span(k, key) < threshold]


def _bound(k: Knowledge, p: _Problem, key, sense: int, duals: bool = False):
    """The LP bound on `key` (max if sense is -1, min if +1), rounded inwards: (bound, exact, binding, floors).

    Exact when the LP optimum is a whole-number point (a feasible integer point attaining a bound of the
    integer range), which is then kept as a witness.  With `duals` (linprog, a little slower than milp)
    also what binds it: the shown keys of the relations whose dual value is not zero, and the unknowns
    whose floor binds; otherwise two empty lists.
    """
    import numpy as np

    objective = np.zeros(len(p.unknowns))
    objective[p.column[key]] = sense
    if duals:
        from scipy.optimize import linprog

        a_ub, b_ub, a_eq, b_eq, rows_eq, rows_ub, bounds = _lp(p)
        res = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs",
                      options={"presolve": False})
    else:
        res = _solve(p, objective)
    if res.status == 3:
        return INF, True, [], [], []  # unbounded: only upwards can it be (every unknown has a floor)
    if res.status != 0:
        raise RuntimeError(f"the reader's model has no solution ({res.message}); the true values should be one")
    exact = _witness(k, p, res.x)
    value = sense * res.fun
    value = math.floor(value + _EPS) if sense < 0 else math.ceil(value - _EPS)
    if not duals:
        return value, exact, [], [], []
    marginals = []
    if a_eq is not None:
        marginals += list(zip(rows_eq, res.eqlin.marginals))
    if a_ub is not None:
        marginals += list(zip(rows_ub, res.ineqlin.marginals))
    binding = [p.rows[i] for i, d in marginals if abs(d) > _EPS]
    floors = []
    for i, (low, high) in enumerate(zip(res.lower.marginals, res.upper.marginals)):
        if abs(low) > _EPS:
            if p.lb_from[i] is None:
                if p.unknowns[i] != key:
                    floors.append(p.unknowns[i])
            else:
                binding.append(p.lb_from[i])
        if abs(high) > _EPS and p.ub_from[i] is not None:
            binding.append(p.ub_from[i])
    return value, exact, _shown_in(k, binding), floors, _shown_in(k, _tight(p, res.x, p.column[key]))


def _tight(p: _Problem, x, j) -> list:
    """The relations tight at the LP optimum `x`, nearest to unknown j first: where the duals name one of
    several binding sets (a degenerate optimum), these hold the others."""
    import numpy as np

    activity = p.matrix @ x
    tight = np.flatnonzero((np.abs(activity - p.hi) < 1e-7) | (np.abs(activity - p.lo) < 1e-7))
    csc, csr = p.matrix.tocsc(), p.matrix.tocsr()
    layer, frontier, seen = {}, {j}, {j}
    depth = 0
    while frontier and len(layer) < len(tight):
        rows = set()
        for u in frontier:
            rows |= set(csc.indices[csc.indptr[u]:csc.indptr[u + 1]].tolist())
        nxt = set()
        for r in rows:
            layer.setdefault(r, depth)
            nxt |= set(csr.indices[csr.indptr[r]:csr.indptr[r + 1]].tolist())
        frontier, seen, depth = nxt - seen, seen | nxt, depth + 1
    out = sorted(tight.tolist(), key=lambda r: layer.get(r, depth + 1))[:TIGHT]
    at_bound = [i for i in sorted(range(len(x)), key=lambda i: i != j)
                if abs(x[i] - p.ub[i]) < 1e-7 or abs(x[i] - p.lb[i]) < 1e-7]
    return [p.rows[r] for r in out] + [index for i in at_bound for index in p.singles[i]]


def _integer(k: Knowledge, p: _Problem, key, sense: int) -> int:
    """The whole-number max (sense -1) or min (+1) of `key` (scipy.optimize.milp), kept as a witness: run
    only where the LP optimum is fractional and its bound does not already settle the question."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    objective = np.zeros(len(p.unknowns))
    objective[p.column[key]] = sense
    constraints = [LinearConstraint(p.matrix, p.lo, p.hi)] if p.matrix.shape[0] else []
    res = milp(objective, constraints=constraints, integrality=np.ones(len(p.unknowns)),
               bounds=Bounds(p.lb, p.ub))
    if res.status != 0 or res.x is None:
        raise RuntimeError(f"the integer programme failed ({res.message})")
    _witness(k, p, np.round(res.x))
    return int(round(res.x[p.column[key]]))
