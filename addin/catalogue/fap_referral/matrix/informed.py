"""The publishable matrix against an informed reader: what every "c" could be, and more hidden until it is enough.

publishable.py suppresses each table so that no "c" can be worked out from the totals.  A reader who also
knows how the tables' numbers relate can do better; this module models that reader (with
addin.suppression.reader) and hides more until every "c" could be at least `threshold` different values.

The reader knows every number published, that each "c" is a whole number of at least 1 (true zeros are
shown as 0; in a withheld table, where zeros are hidden too, at least 0), and these relations, each of
which a reader can infer from the labels and each of which holds for every term by how build.py counts:

- One number, one unknown: a number printed in several places is one key (the referrals; referrals with
  any concern; each concern's total, on Summary, in every Total row, on the co-occurrence diagonal and in
  the Trend; an earlier term's numbers in the Trend and the "... in <term>" lines; a co-occurrence pair,
  printed above and below the diagonal; the Wards "Not recorded" referrals and the Data quality blank
  count of "Ward where the child lives").
- Summary: any concern <= referrals; each concern <= any concern <= the sum of the eight concerns; open to
  social care <= referrals; two or more concerns <= any concern; queries <= referrals filed.
- "by <dimension> and concern" (Schools, Wards, Demographics): each column adds up to its Total, the
  referrals column to the grand total; in each row each concern <= any concern <= referrals, open to
  social care <= referrals, and any concern <= the sum of the row's eight concerns.
- Overlaps, exactly: the referrals with each combination of concerns are unknowns u_S >= 0, one per
  non-empty set S of the eight concerns (255, never published).  A combination listed is its u_S; "All
  other combinations" is the sum of the u_S not listed (without that row they are 0); all of them add up
  to the referrals with any concern; a concern's total is the sum of u_S over the S holding it, a pair's
  co-occurrence count the sum over the S holding both, two or more concerns the sum over |S| >= 2, and the
  rows of referrals by number of concerns the sums over |S| = 1, |S| = 2 and |S| >= 3 (or |S| >= 2, "two
  or more concerns", the Summary's line).  So
  "pair <= each of its two concerns", "pair <= two or more concerns" and every differencing of the
  combinations against concern totals and pairs follow.
- Contexts and Vulnerable groups (columns All referrals, any concern, the eight concerns; a Total row): in
  each row each concern <= any concern <= all, any concern <= the sum of the eight, each count <= its
  column's Total; and the complements: all - any concern <= referrals - any concern, all - a concern <=
  referrals - that concern, any - a concern <= any concern - that concern.  The agency rows: in each
  column, each agency <= "Other agencies involved (current)" <= the sum of the five agencies.
- Fair Access categories, provision, and any other count of referrals: each <= referrals.
- Trend, each term's row: each concern <= any concern <= referrals, the sum of the eight >= any concern,
  open to social care <= referrals.
- Data quality: each blank count <= referrals; the fields listed are the 15 most often blank, ties in
  form order (publishable.py prints them in form order, not ranked: a rank would put a "c" between its
  neighbours), so a field not listed is blank at most as often as each field listed (less, if it comes
  first in the form); an information field's blank count + its Contexts "All referrals" count = referrals; the
  Contexts "School response recorded (any context)" count is at least each response field's filled
  count (referrals - blank), and at most their sum when all six response fields are listed.

Not modelled: "Schools with referrals" (it says which school rows are not zero, as the Schools table does;
hidden when that table is withheld or its smaller schools pooled into "Other schools", a row like any other here); "Most common concern" lines (they rank only counts that are shown);
shares and changes (shown only where both their counts are); relations that follow from the validation
rules rather than the labels (such as a social care contact whenever a child is open to social care);
what other terms' matrices publish beyond this one's Trend.

What is protected: every "c" of the publication, the counts hidden only because their whole table is
withheld apart (they were shown before, so their values are ones the rules print; pinning one tells no
more than printing it would; true zeros hidden that way likewise).  All of them still count as the
reader's knowledge.

When a "c" could be fewer than `threshold` values (_protect lists the steps in order): hide the cheapest
count in a relation that binds it (a count of one table before one printed on several sheets, smallest
first; never the number of referrals; never one whose value would follow from the rest, which would free
nothing: then it and a count that pins it), pool a combination into "All other combinations", or
withhold its table (every count of the table shown as c, zeros too, with a note; its Total row and the
co-occurrence diagonal, numbers printed on other sheets, stay as they are elsewhere).  Each step only
hides more, so the loop ends; a term left with a number nothing can protect publishes headline counts
only.
"""
from __future__ import annotations

from dataclasses import replace
from itertools import combinations

from addin.forms import get_form
from addin.catalogue.fap_referral.declaration import CONCERNS
from addin.catalogue.fap_referral.matrix.build import (AGENCIES, CONTEXT_ROWS, DEGREES, DEGREES_INDEX, POP_CONCERNS, Block,
                                                      Sheet, optional_fields)
from addin.catalogue.fap_referral.matrix.labels import ALL_REFERRALS, ANY, NOT_RECORDED, REFERRALS
from addin.catalogue.fap_referral.matrix.publishable import OTHER_COMBINATIONS as OTHER
from addin.catalogue.fap_referral.matrix.publishable import QUERIES, TWO, TWO_OR_MORE, _line_key, _shared
from addin.suppression import SUPPRESSED
from addin.suppression.reader import Knowledge, narrow, probe

POP = [CONCERNS[c] for c in POP_CONCERNS]
SOCIAL_CARE = CONCERNS["open_to_social_care"]
AGENCY_ANY = CONTEXT_ROWS["_agency_any"]
AGENCY_ROWS = [f"Agency involved (current): {a}" for a in AGENCIES]
RESPONSE_ANY = CONTEXT_ROWS["_any_response"]
WITHHELD_NOTE = "Withheld to protect small numbers: every count in this table is shown as c, zeros included."
WITHHOLDABLE = ("by concern", "by context", "counts", "co-occurrence", "blanks", "degrees")
LINE = -1  # the block index of a summary line's place
PROBES = 2  # candidates tried, cheapest first, before the next kind of step


def kind(sheet: str, b: Block) -> str:
    """What a block is, for the relations it carries."""
    cols = [str(c) for c in b.counts.columns]
    if sheet == "Summary":
        return "concerns"
    if sheet == "Trend":
        return "trend"
    if sheet == "Data quality":
        return "blanks"
    if sheet == "Overlaps" and b.counts.index.name == DEGREES_INDEX:
        return "degrees"
    if sheet == "Overlaps":
        return "combinations" if cols == [REFERRALS] else "co-occurrence"
    if b.row_totals is not None and b.grand_total is not None:
        return "by concern"
    if cols[:2] == [ALL_REFERRALS, ANY] and b.col_totals is not None:
        return "by context"
    return "counts"


class Matrix:
    """Every number of a published matrix: where it is printed (places), what it is (its key), its true value.

    A place is (sheet index, block index, "cell" | "row" | "col" | "grand", row, column), or
    (sheet index, LINE, "line", label, None) for a summary line.
    """

    def __init__(self, exact: list[Sheet], pub: list[Sheet], threshold: int = 5):
        self.exact, self.pub, self.threshold = exact, pub, threshold
        self.key_at: dict = {}
        self.places: dict = {}
        self.in_block: dict = {}   # (sheet index, block index) -> [(place, key)]
        self._cells: dict = {}
        self.shared: set = set()   # totals printed on several sheets (publishable._shared): they stay as they are
                                   # elsewhere when a table showing them is withheld
        self.true: dict = {}
        self.kinds = {(si, bi): kind(s.name, b) for si, s in enumerate(exact) for bi, b in enumerate(s.blocks)}
        self.withheld = {(si, bi) for si, s in enumerate(pub) for bi, b in enumerate(s.blocks) if b.withheld}
        labels = {f.id: f.label for f in get_form("fap-referral").fields}
        self.labels = labels
        self.blank_label = {label: fid for fid, label in labels.items()}
        self.ward = ("blank", labels["ward"])
        self.dq_blanks = {}
        for s in exact:
            if s.name == "Data quality" and s.blocks:
                self.dq_blanks = {str(k): int(v) for k, v in s.blocks[0].counts.iloc[:, 0].items()}
        for si, (es, ps) in enumerate(zip(exact, pub)):
            for label, value in es.lines:
                key = _line_key(label)
                if key is not None and _is_count(value):
                    self._put(key, (si, LINE, "line", label, None), int(value))
            for bi, (eb, pb) in enumerate(zip(es.blocks, ps.blocks)):
                for place, key, value in self._numbers(si, bi, es.name, eb, pb):
                    self._put(key, place, value)

    def _put(self, key, place, value: int) -> None:
        if key in self.true and self.true[key] != value:
            key = (key, place)  # not the same number after all (a link that does not hold): keep them apart
        self.true[key] = value
        self.places.setdefault(key, []).append(place)
        self.key_at[place] = key
        self.in_block.setdefault(place[:2], []).append((place, key))

    def _numbers(self, si, bi, sheet, eb: Block, pb: Block):
        """(place, key, true value) for every number a block prints."""
        what = self.kinds[(si, bi)]
        shared = _shared(sheet, pb if what == "degrees" else eb)
        if what == "combinations":
            exact = {str(k): int(v) for k, v in eb.counts[REFERRALS].items()}
            listed = [str(k) for k in pb.counts.index]
            for label in listed:
                value = exact[label] if label != OTHER else sum(v for k, v in exact.items() if k not in listed)
                yield (si, bi, "cell", label, REFERRALS), ("combination", label), value
            self.shared.add(ANY)
            yield (si, bi, "col", REFERRALS, None), ANY, int(eb.col_totals[REFERRALS])
            return
        if what == "degrees":  # "two" and "three or more" may be published together, as "two or more"
            exact = {str(k): int(v) for k, v in eb.counts[REFERRALS].items()}
            exact[TWO_OR_MORE] = exact[DEGREES[1]] + exact[DEGREES[2]]
            for label in (str(r) for r in pb.counts.index):
                key = shared.get(("cell", label, REFERRALS), (sheet, eb.title, "cell", label, REFERRALS))
                if key == TWO:
                    self.shared.add(key)
                yield (si, bi, "cell", label, REFERRALS), key, exact[label]
            self.shared.add(ANY)
            yield (si, bi, "col", REFERRALS, None), ANY, int(eb.col_totals[REFERRALS])
            return
        values = eb.counts.to_numpy()
        for i, row in enumerate(eb.counts.index):
            for j, col in enumerate(eb.counts.columns):
                value = int(values[i, j])
                if ("cell", row, col) in shared:
                    key = shared[("cell", row, col)]
                    self.shared.add(key)
                elif what == "co-occurrence":
                    key = ("pair",) + tuple(sorted((str(row), str(col)), key=POP.index))
                elif what == "blanks":
                    key = ("blank", str(row))
                else:
                    key = (sheet, eb.title, "cell", str(row), str(col))
                yield (si, bi, "cell", row, col), key, value
            if eb.row_totals is not None:
                value = int(eb.row_totals[row])
                if sheet == "Wards" and row == NOT_RECORDED and self.dq_blanks.get(self.ward[1]) == value:
                    key = self.ward  # the same number as Data quality's blank count of the ward
                else:
                    key = (sheet, eb.title, "row", str(row))
                yield (si, bi, "row", row, None), key, value
        if eb.col_totals is not None:
            for col in eb.counts.columns:
                key = shared.get(("col", col), (sheet, eb.title, "col", str(col)))
                self.shared.add(key)
                yield (si, bi, "col", col, None), key, int(eb.col_totals[col])
        if eb.grand_total is not None:
            self.shared.add(shared.get(("grand",), REFERRALS))
            yield (si, bi, "grand", None, None), shared.get(("grand",), REFERRALS), int(eb.grand_total)

    def shown(self, place):
        """What the published sheets print at `place` (a number or "c")."""
        si, bi, what, row, col = place
        s = self.pub[si]
        if what == "line":
            return dict(s.lines).get(row)
        b = s.blocks[bi]
        if what == "cell":
            if (si, bi) not in self._cells:  # one dict per block: reading cells one at a time is slow
                self._cells[(si, bi)] = {(r, c): v for r, vs in zip(b.counts.index, b.counts.to_numpy())
                                         for c, v in zip(b.counts.columns, vs)}
            return self._cells[(si, bi)][(row, col)]
        if what == "row":
            return b.row_totals[row]
        if what == "col":
            return b.col_totals[row]
        return b.grand_total

    def own(self, key) -> bool:
        """Printed in one table only (not on a summary line, not in a Total row shared with other sheets)."""
        return len({p[:2] for p in self.places[key]}) == 1 and self.places[key][0][1] != LINE

    def withheld_here(self, place, key) -> bool:
        """Hidden because its table is withheld: a count of the table's own (not a total printed elsewhere)."""
        return place[:2] in self.withheld and key not in self.shared and place[2] in ("cell", "row")

    def state(self, key):
        """(hidden, floor): hidden where a "c" stands for it outside withheld tables (floor 1), or when it
        is printed only in withheld tables (floor 0)."""
        normal = [p for p in self.places[key] if p[:2] not in self.withheld or key in self.shared]
        if any(self.shown(p) == SUPPRESSED for p in normal):
            return True, 1
        return (False, None) if normal else (True, 0)

    def cells(self, si, bi) -> dict:
        """(row, column) -> key of a block's cells; and ("row", row) -> key of its row totals."""
        out = {}
        for place, key in self.in_block.get((si, bi), ()):
            if place[2] == "cell":
                out[(str(place[3]), str(place[4]))] = key
            elif place[2] in ("row", "col"):
                out[(place[2], str(place[3]))] = key
        return out


def _is_count(v) -> bool:
    return not isinstance(v, (bool, str)) and float(v).is_integer()


# --- the reader's knowledge --------------------------------------------------------------------------

def knowledge(m: Matrix) -> Knowledge:
    """The reader's knowledge of the published matrix `m` (with the true value of every number)."""
    k = Knowledge()
    for key, value in m.true.items():
        hidden, floor = m.state(key)
        k.value(key, value, hidden=hidden, floor=floor or 0, group=m.places[key][0][:2] if m.own(key) else None)
    n, a = REFERRALS, ANY
    if n in k.values and a in k.values:
        k.at_most([a], [n])
    for smaller, larger in ((TWO, a), (QUERIES, n), (SOCIAL_CARE, n)):
        if smaller in k.values and larger in k.values:
            k.at_most([smaller], [larger])
    if a in k.values and all(c in k.values for c in POP):
        _concerns(k, {c: c for c in POP} | {ANY: a})
    contexts = None
    degrees = next((m.cells(si, bi) for (si, bi), what in m.kinds.items() if what == "degrees"), {})
    for (si, bi), what in m.kinds.items():
        b = m.exact[si].blocks[bi]
        cells = m.cells(si, bi)
        rows, cols = [str(r) for r in b.counts.index], [str(c) for c in b.counts.columns]
        if what == "by concern":
            for c in cols:
                k.equal([cells[(r, c)] for r in rows], cells[("col", c)])
            k.equal([cells[("row", r)] for r in rows], n)
            for r in rows:
                row = {c: cells[(r, c)] for c in cols}
                _concerns(k, row)
                for part in (ANY, SOCIAL_CARE):
                    k.at_most([row[part]], [cells[("row", r)]])
        elif what == "by context":
            total = {c: cells[("col", c)] for c in cols}
            for r in rows:
                row = {c: cells[(r, c)] for c in cols}
                _concerns(k, row)
                k.at_most([row[ANY]], [row[ALL_REFERRALS]])
                for c in cols:
                    k.at_most([row[c]], [total[c]])
                # those in the row with the whole but not the part are among all with the whole but not the part
                for part, whole in [(ANY, ALL_REFERRALS)] + [(c, w) for c in POP for w in (ALL_REFERRALS, ANY)]:
                    k.at_most([row[whole], total[part]], [row[part], total[whole]])
            if AGENCY_ANY in rows:
                contexts = cells
                agencies = [r for r in AGENCY_ROWS if r in rows]
                for c in cols:
                    for r in agencies:
                        k.at_most([cells[(r, c)]], [cells[(AGENCY_ANY, c)]])
                    k.at_most([cells[(AGENCY_ANY, c)]], [cells[(r, c)] for r in agencies])
        elif what == "combinations":
            _combinations(k, m, si, bi, cells, degrees)
        elif what == "trend":
            for r in rows:
                row = {c: cells[(r, c)] for c in cols}
                _concerns(k, row)
                for part in (ANY, SOCIAL_CARE):
                    k.at_most([row[part]], [row[REFERRALS]])
        elif what in ("counts", "blanks"):
            for (r, c), key in cells.items():
                if r not in ("row", "col"):
                    k.at_most([key], [n])
    for (si, bi), what in m.kinds.items():
        if what == "blanks":
            _blanks(k, m, si, bi, contexts)
    one = degrees.get((DEGREES[0], REFERRALS))
    if one is not None and k.unknown(one) and not k.unknown(a) and k.unknown(TWO):
        k.exempt.add(one)  # "any concern" less "two or more": what the reader knows of it is what they know of that
    return k


def _concerns(k: Knowledge, row: dict) -> None:
    """Each concern <= any concern <= the sum of the eight concerns."""
    concerns = [row[c] for c in POP if c in row]
    for c in concerns:
        k.at_most([c], [row[ANY]])
    if len(concerns) == len(POP):
        k.at_most([row[ANY]], concerns)


def _combinations(k: Knowledge, m: Matrix, si, bi, cells, degrees=None) -> None:
    """The 255 unknowns u_S (referrals with exactly the concerns S) and what Overlaps and Summary say of them
    (`degrees`: the cells of referrals by number of concerns)."""
    exact = {str(r): int(v) for r, v in m.exact[si].blocks[bi].counts[REFERRALS].items()}
    listed = {frozenset(r.split(" + ")): key for (r, c), key in cells.items() if c == REFERRALS and r != OTHER}
    pooled = cells.get((OTHER, REFERRALS))
    u = {}
    for size in range(1, len(POP) + 1):
        for members in combinations(POP, size):
            s = frozenset(members)
            if s in listed:
                u[s] = listed[s]
            elif pooled is not None:  # without a pooled row, a combination not listed has no referrals
                label = " + ".join(members)
                k.value(("exactly", label), exact.get(label, 0), auxiliary=True)
                u[s] = ("exactly", label)
    if pooled is not None:
        k.equal([key for s, key in u.items() if s not in listed], pooled)
    k.equal(list(u.values()), ANY)
    for c in POP:
        k.equal([key for s, key in u.items() if c in s], c)
    for x, y in combinations(POP, 2):
        if ("pair", x, y) in k.values:
            k.equal([key for s, key in u.items() if {x, y} <= s], ("pair", x, y))
    if TWO in k.values:
        k.equal([key for s, key in u.items() if len(s) >= 2], TWO)
    sizes = dict(zip(DEGREES + (TWO_OR_MORE,), (lambda s: len(s) == 1, lambda s: len(s) == 2, lambda s: len(s) >= 3,
                                                 lambda s: len(s) >= 2)))
    for (row, _), key in (degrees or {}).items():
        if row in sizes:
            k.equal([x for s, x in u.items() if sizes[row](s)], key)


def _blanks(k: Knowledge, m: Matrix, si, bi, contexts) -> None:
    """Data quality: the fields listed are the most often blank (ties in form order); complements on Contexts."""
    order = {m.labels[f.id]: i for i, f in enumerate(optional_fields())}
    rows = [str(r) for r in m.exact[si].blocks[bi].counts.index]
    n = REFERRALS

    def holds(smaller, larger, slack=0):
        """Add sum(smaller) <= sum(larger) + slack where the true counts agree with it (ties kept in form
        order, blank and filled adding up: true when the store and the sheets count the same referrals)."""
        if sum(k.values[s] for s in smaller) <= sum(k.values[b] for b in larger) + slack:
            k.at_most(smaller, larger, slack)

    def blank(field_id):
        """[(key, less)]: the field's blank count is key - less at most; [(its key, 0)] when it is listed,
        and for a field not listed one per field listed (less 1 when the field comes first in the form)."""
        label = m.labels[field_id]
        if label in rows:
            return [(("blank", label), 0)], True
        if len(rows) < len(order):
            return [(("blank", r), 1 if order[label] < order.get(r, 0) else 0) for r in rows], False
        return [], False

    if contexts is not None:
        for field_id, row in CONTEXT_ROWS.items():
            if not field_id.endswith("_info") or (row, ALL_REFERRALS) not in contexts:
                continue
            recorded = contexts[(row, ALL_REFERRALS)]
            bounds, listed = blank(field_id)
            if listed:
                if k.values[bounds[0][0]] + k.values[recorded] == k.values[n]:
                    k.equal([bounds[0][0], recorded], n)
            else:  # blank = referrals - recorded <= a listed count - less
                for key, less in bounds:
                    holds([n], [recorded, key], -less)
        if (RESPONSE_ANY, ALL_REFERRALS) in contexts:
            any_response = contexts[(RESPONSE_ANY, ALL_REFERRALS)]
            responses = [f.id for f in optional_fields() if f.id.endswith("_response")]
            filled = []
            for field_id in responses:
                bounds, listed = blank(field_id)
                for key, less in bounds:  # filled = referrals - blank <= any response
                    holds([n], [any_response, key], -less)
                if listed:
                    filled.append(bounds[0][0])
            if len(filled) == len(responses):  # any response <= the sum of the filled counts
                holds([any_response] + filled, [n] * len(responses))
    nr = next((key for place, key in m.key_at.items() if m.pub[place[0]].name == "Wards" and place[2] == "row"
               and place[3] == NOT_RECORDED), None)
    if nr is not None and nr != m.ward and m.ward[1] not in rows:
        for key, less in blank("ward")[0]:
            holds([nr], [key], -less)


# --- protection --------------------------------------------------------------------------------------

class Unprotectable(Exception):
    """A number that no more hiding, pooling or withholding can protect."""


def protect(exact: list[Sheet], pub: list[Sheet], threshold: int, repool,
            sheets: bool = True) -> tuple[list[Sheet] | None, set]:
    """`pub` with more hidden until every "c" could be `threshold` values; also the keys hidden.

    `repool(exact combinations block, labels to pool too, hide the total)` makes the combinations block
    again with more combinations pooled (publishable._combinations).  With `sheets` False, only the keys
    (the sheets are None).  Raises Unprotectable.
    """
    pooled_too: set[str] = set()
    exempt: set = set()  # counts hidden only because their table is withheld (kept when pooling starts again)
    while True:
        m = Matrix(exact, pub, threshold)
        k = knowledge(m)
        k.exempt |= exempt
        more = _protect(m, k, threshold)
        exempt = k.exempt
        if more is None:
            return _apply(m, k) if sheets else None, {key for key in k.floors if key not in k.auxiliary}
        pooled_too |= more
        pub = _with_combinations(m, _apply(m, k), k, pooled_too, repool)


def _protect(m: Matrix, k: Knowledge, threshold: int):
    """Hide and withhold in `k` and `m` until nothing is exposed (None), or return combinations to pool.

    In rounds: every exposed key gets one step, unless a step this round already loosened a relation
    that binds it (then it is checked again next round first, so one step is not taken twice).  The
    steps, first that applies: hide the cheapest count of one table in a relation binding its greatest
    value; withhold its table; the same for what binds its least value; withhold the table of an unknown
    whose floor binds; pool a combination that binds it; hide a shared number that binds it; withhold the
    table of a count that binds it (a shown 0 can only be hidden that way); failing all of those (the LP's
    duals name one of several binding sets), the same over every relation of the key and of the unknowns
    next to it.  Pooling makes the knowledge again, so it ends the round.
    """
    pending = k.published_unknowns()
    combinations_first = [key for key in pending if _is_combination(m, key)]
    while pending:
        # the combinations first: pooling one makes the knowledge again (and loses what was found)
        exposed = narrow(k, threshold, combinations_first) if combinations_first else {}
        combinations_first, everything = [], not exposed
        if everything:
            exposed = narrow(k, threshold, pending)
        if not exposed:
            return None
        touched, new, pool = set(), [], set()
        for key, r in exposed.items():
            if touched & ({key} | set(r.binding) | set(r.floors)):
                continue
            if _is_combination(m, key) and _to_pool(m, k, [key]):
                pool |= _to_pool(m, k, [key])
                continue
            got = _hide_one(m, k, r.binding) or _hide_one(m, k, _within(m, r.tight, key)) or \
                _withhold(m, k, m.places[key][0][:2])
            binding, floors = r.binding, r.floors
            if not got:  # what binds its least value too
                low_binding, low_floors = r.low_side()
                binding, floors = binding + low_binding, floors + low_floors
                got = _hide_one(m, k, low_binding)
            for floor in floors:
                got = got or (_withhold(m, k, m.places[floor][0][:2]) if floor in m.places else [])
            if not got and _to_pool(m, k, binding):
                pool |= _to_pool(m, k, binding)
                continue
            got = got or _hide_one(m, k, binding, shared=True)
            for other in binding + r.tight:  # a shown zero, or a count of a table that could go whole
                got = got or (_withhold(m, k, m.places[other][0][:2]) if m.own(other) else [])
            if not got:
                got, labels = _nearest(m, k, key)
                if labels:
                    pool |= labels
                    continue
            if not got:
                raise Unprotectable(key)
            touched |= set(got)
            new += got
        if pool:
            return pool
        if not new:  # every exposed key waits on a step taken this round: there was none
            raise Unprotectable(next(iter(exposed)))
        pending = (list(exposed) if everything else pending) + new  # what passed stays passed: more is hidden
    return None


def _within(m: Matrix, keys: list, key) -> list:
    """Those of `keys` in the same table as `key` (a cheap step before withholding it)."""
    where = m.places[key][0][:2]
    return [x for x in keys if x in m.places and m.places[x][0][:2] == where]


def _is_combination(m: Matrix, key) -> bool:
    return m.kinds.get(m.places[key][0][:2]) == "combinations" if key in m.places else False


def _to_pool(m: Matrix, k: Knowledge, keys) -> set:
    """The combination to pool for these keys: the smallest listed among them (for "All other combinations"
    itself, the smallest listed at all)."""
    labels = [str(p[3]) for key in keys if _is_combination(m, key) for p in m.places[key]]
    if OTHER in labels:
        labels = [str(x[1]) for x in m.places if _is_combination(m, x)]
    listed = sorted((m.true[("combination", label)], label) for label in set(labels) if label != OTHER)
    return {listed[0][1]} if listed else set()


def _nearest(m: Matrix, k: Knowledge, key, depth: int = 5):
    """The nearest step: out from `key` through the unknowns of its relations, layer by layer, hide the
    cheapest count of one table met (or pool a combination met); failing that in every layer, the
    cheapest shared number of the nearest layer that has one.  Returns (keys hidden, labels to pool)."""
    seen, unknowns, shared = {key}, [key], None
    for _ in range(depth):
        met, nxt = [], []
        for u in unknowns:
            for index in k.relations_of(u):
                for other, _ in k.relations[index][0]:
                    if other in seen:
                        continue
                    seen.add(other)
                    (nxt if k.unknown(other) else met).append(other)
        got = _hide_one(m, k, met)
        if got:
            return got, set()
        labels = _to_pool(m, k, [x for x in met if _is_combination(m, x) and x[1] != OTHER])
        if labels:
            return [], labels
        if shared is None and any(not k.unknown(x) and k.values[x] > 0 and x != REFERRALS for x in met):
            shared = met
        unknowns = nxt
        if not unknowns:
            break
    return (_hide_one(m, k, shared, shared=True) if shared else []), set()


def _hide_one(m: Matrix, k: Knowledge, binding: list, shared: bool = False) -> list:
    """Hide the cheapest shown number in the binding relations, smallest first: a count of one table only
    (or, with `shared`, one printed on several sheets too).  Of the first PROBES, one that hidden could
    take `threshold` values is preferred (it needs no more protecting); one whose value would follow from
    the rest is never hidden alone (it would free nothing): if each would, the first is hidden with the
    cheapest count of one table that pins it."""
    options = [b for b in binding if not k.unknown(b) and k.values[b] > 0 and b != REFERRALS
               and not all(p[:2] in m.withheld for p in m.places[b]) and (shared or m.own(b))
               and not _is_combination(m, b)]  # combinations are pooled instead
    options = sorted(dict.fromkeys(options), key=lambda b: (not m.own(b), k.values[b], options.index(b)))
    sizes = {b: probe(k, b, threshold=m.threshold) for b in options[:PROBES]}
    useful = [b for b in options[:PROBES] if sizes[b] >= 2]
    if useful:
        best = next((b for b in useful if sizes[b] >= m.threshold), useful[0])
        k.hide(best, 1)
        return [best]
    for b in options[:PROBES]:  # each would follow from the rest: hide it with a count that pins it
        partners = [x for x in probe(k, b, binding=True)[1] if x != b and not k.unknown(x) and k.values[x] > 0
                    and x != REFERRALS and m.own(x) and not _is_combination(m, x)]
        if partners:
            partner = min(partners, key=lambda x: (k.values[x], partners.index(x)))
            k.hide(b, 1)
            k.hide(partner, 1)
            return [b, partner]
    return []


def _withhold(m: Matrix, k: Knowledge, where) -> list:
    """Withhold a table: every count of its own hidden, zeros too (a reader then knows only that each is >= 0).

    A count printed elsewhere too is hidden there as well (floor 1, a "c" elsewhere is not a zero), unless
    it is 0: a zero shown elsewhere says only what a shown 0 says.  The totals printed on several sheets
    (its Total row, the co-occurrence diagonal) stay as they are everywhere.
    """
    if where in m.withheld or m.kinds.get(where) not in WITHHOLDABLE:
        return []
    m.withheld.add(where)
    new = []
    for key, places in m.places.items():
        if key in m.shared or not any(p[:2] == where and p[2] in ("cell", "row") for p in places):
            continue
        elsewhere = [p for p in places if p[:2] not in m.withheld]
        if elsewhere and k.values[key] == 0:
            continue
        floor = 1 if elsewhere else 0
        if not k.unknown(key):
            k.exempt.add(key)  # shown until now: a value the rules print, hidden only with its table
        if not k.unknown(key) or k.floors[key] > floor:
            k.hide(key, floor)
            new.append(key)
    return new


def _with_combinations(m: Matrix, pub: list[Sheet], k: Knowledge, pooled_too: set, repool) -> list[Sheet]:
    """`pub` (hiding done so far) with the combinations block made again, `pooled_too` pooled as well."""
    out = []
    for si, (es, ps) in enumerate(zip(m.exact, pub)):
        blocks = list(ps.blocks)
        for bi, eb in enumerate(es.blocks):
            if m.kinds[(si, bi)] == "combinations":
                blocks[bi] = repool(eb, pooled_too, k.unknown(ANY))
        out.append(replace(ps, blocks=blocks))
    return out


def _apply(m: Matrix, k: Knowledge) -> list[Sheet]:
    """The published sheets with every hidden number "c" wherever it is printed, and withheld tables."""
    import pandas as pd

    out = []
    for si, ps in enumerate(m.pub):
        blocks = []
        for bi, b in enumerate(ps.blocks):
            withheld = (si, bi) in m.withheld
            counts = b.counts.astype(object).to_numpy(copy=True)
            at_row = {r: i for i, r in enumerate(b.counts.index)}
            at_col = {c: j for j, c in enumerate(b.counts.columns)}
            rows = b.row_totals.astype(object).copy() if b.row_totals is not None else None
            cols = b.col_totals.astype(object).copy() if b.col_totals is not None else None
            grand = b.grand_total
            for place, key in m.in_block.get((si, bi), ()):
                value = SUPPRESSED if k.unknown(key) or m.withheld_here(place, key) else k.values[key]
                if place[2] == "cell":
                    counts[at_row[place[3]], at_col[place[4]]] = value
                elif place[2] == "row":
                    rows[place[3]] = value
                elif place[2] == "col":
                    cols[place[3]] = value
                else:
                    grand = value
            note = (b.note + " " if b.note else "") + WITHHELD_NOTE if withheld and not b.withheld else b.note
            counts = pd.DataFrame(counts, index=b.counts.index, columns=b.counts.columns, dtype=object)
            blocks.append(replace(b, counts=counts, row_totals=rows, col_totals=cols, grand_total=grand,
                                  note=note, withheld=withheld))
        out.append(replace(ps, blocks=blocks))
    return out
