"""Choose the cells to suppress in a table of counts and prove none can be worked out.

A published table is modelled as a network (a circulation): every count, cells and totals
alike, is an edge, and every additive line ("this total is the sum of these cells") is a
node where what flows in equals what flows out.  A two-way table with additive rows and
columns is the classic transportation network

    totals column P --T_i--> row i --x_ij--> column j --U_j--> totals row Q --G--> P

A line that is not additive contributes no node (its counts end on a "hub" whose balance
follows from the others, or are free self-loops).  The reader knows every published number,
every additive equation and that each suppressed number is at least 1 (true zeros are
always shown as 0, so a "c" is never zero).  A suppressed count can then take another value
exactly when a cycle of suppressed edges runs through it that can be pushed one unit round:
forward along any edge, backward only along an edge whose count is 2 or more.  The test is
exact for whole numbers: two solutions differ by a circulation, which splits into such
cycles.  So no linear-programming library is needed here (the tests check it against one).
"""
from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Network:
    """Counts as edges between line nodes; a node's edges are one additive line."""

    values: list[int] = field(default_factory=list)
    tails: list[object] = field(default_factory=list)
    heads: list[object] = field(default_factory=list)
    is_total: list[bool] = field(default_factory=list)

    def add(self, value: int, tail: object, head: object, is_total: bool = False) -> int:
        """Add one count as an edge tail -> head and return its index."""
        self.values.append(int(value))
        self.tails.append(tail)
        self.heads.append(head)
        self.is_total.append(is_total)
        return len(self.values) - 1


def recoverable(net: Network, suppressed: set[int], edge: int) -> bool:
    """True when suppressed `edge` has only one possible value given everything published."""
    tail, head = net.tails[edge], net.heads[edge]
    if tail == head:  # a count in no equation: nothing pins it
        return False
    arcs: dict[object, list[object]] = {}
    for other in suppressed:
        if other == edge:
            continue
        a, b = net.tails[other], net.heads[other]
        arcs.setdefault(a, []).append(b)  # it can always grow
        if net.values[other] >= 2:  # it can shrink and stay at least 1
            arcs.setdefault(b, []).append(a)
    can_grow = _reaches(arcs, head, tail)
    can_shrink = net.values[edge] >= 2 and _reaches(arcs, tail, head)
    return not (can_grow or can_shrink)


def exposed(net: Network, suppressed: set[int]) -> list[int]:
    """Suppressed edges whose value could be worked out, in index order."""
    return [edge for edge in sorted(suppressed) if recoverable(net, suppressed, edge)]


def protect(net: Network, threshold: int, forced=()) -> tuple[set[int], set[int]]:
    """Primary and full (primary plus secondary) suppression sets for `net`.

    Primary: every count from 1 to threshold-1, and the `forced` edges (counts hidden elsewhere,
    such as a total that another table had to hide; a forced zero stays 0).  Secondary, in two
    passes:

    1. For each primary count (in order) that could still be worked out, hide the cheapest
       cycle through it: the least total of newly hidden counts, then the fewest totals,
       then the fewest counts, found by a shortest-path search in which hidden counts cost
       nothing.  Every count on the cycle can then move, and hiding more never uncovers a
       count already hidden, so after this pass nothing can be worked out.
    2. Try showing each secondary count again, largest first; keep it shown if the exact
       audit still finds nothing recoverable (cycles found one at a time can overlap).

    Zeros are never suppressed, so "c" always means 1 or more.
    """
    primary = {e for e, v in enumerate(net.values) if 1 <= v < threshold} | \
        {e for e in forced if net.values[e] > 0}
    suppressed = set(primary)
    for edge in sorted(primary):
        if recoverable(net, suppressed, edge):
            suppressed |= _cheapest_cycle(net, suppressed, edge)
    for edge in sorted(suppressed - primary, key=lambda e: (-net.values[e], -e)):
        trial = suppressed - {edge}
        if not exposed(net, trial):
            suppressed = trial
    return primary, suppressed


def _cheapest_cycle(net: Network, suppressed: set[int], edge: int) -> set[int]:
    """The published counts to hide so that a movable cycle runs through `edge`."""
    arcs: dict[object, list[tuple[object, int]]] = {}
    for other, value in enumerate(net.values):
        a, b = net.tails[other], net.heads[other]
        if other == edge or value == 0 or a == b:
            continue
        arcs.setdefault(a, []).append((b, other))
        if value >= 2:
            arcs.setdefault(b, []).append((a, other))
    tail, head = net.tails[edge], net.heads[edge]
    routes = [_shortest(net, suppressed, arcs, head, tail)]  # push `edge` up
    if net.values[edge] >= 2:
        routes.append(_shortest(net, suppressed, arcs, tail, head))  # or down
    found = [route for route in routes if route is not None]
    # Suppressing every non-zero count always hides everything, so a cycle exists.
    assert found, "no cycle through a suppressed count"
    return min(found, key=lambda route: route[0])[1]


def _shortest(net, suppressed, arcs, start, goal):
    """Dijkstra from start to goal: ((cost), edges to hide) or None."""
    best = {start: (0, 0, 0)}
    via: dict[object, tuple[object, int]] = {}
    heap = [((0, 0, 0), 0, start)]
    tie = 0
    while heap:
        cost, _, node = heapq.heappop(heap)
        if cost > best.get(node, cost):
            continue
        if node == goal:
            hidden, step = set(), goal
            while step != start:
                step, used = via[step]
                hidden.add(used)
            return cost, hidden - suppressed
        for nxt, used in arcs.get(node, ()):
            if used in suppressed:
                step = (0, 0, 0)
            else:
                step = (net.values[used], int(net.is_total[used]), 1)
            new = tuple(x + y for x, y in zip(cost, step))
            if nxt not in best or new < best[nxt]:
                best[nxt] = new
                via[nxt] = (node, used)
                tie += 1
                heapq.heappush(heap, (new, tie, nxt))
    return None


def _reaches(arcs: dict[object, list[object]], start: object, goal: object) -> bool:
    """Breadth-first search over residual arcs."""
    if start == goal:
        return True
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in arcs.get(node, ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return False
