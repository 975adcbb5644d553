"""An informed reader attacks the publishable matrix: every "c" must keep at least `threshold` possible values.

The reader here is written from the published labels alone, independently of addin.suppression and
addin.catalogue.fap_referral.matrix.informed: it reads the sheets publishable() returns (what the workbook prints), gives every
number a name (the same name wherever the same number is printed), and knows

- every number shown; every "c" is a whole number >= 1, or >= 0 in a table marked withheld; a pooled row
  ("Other schools") is a row like any other;
- the additive totals: each column of a "by <dimension> and concern" table adds up to its Total, its
  referrals column to the grand total; the combinations add up to the referrals with any concern;
- the shape: in every row of a "by ... and concern" table, of the Trend and of Contexts and Vulnerable
  groups, each concern <= any concern <= the row's referrals (or all referrals), open to social care <=
  referrals, any concern <= the sum of the eight concerns; each Contexts / Vulnerable count <= its
  column's Total, and the complements (all - any <= referrals - any concern, ...); one agency <= "Other
  agencies involved" <= the five agencies; every other count <= referrals;
- the concerns, exactly: one unknown >= 0 per combination of concerns (255); those listed are shown,
  "All other combinations" is the sum of the rest; concern totals, pairs (co-occurrence), "two or more
  concerns" and the referrals with one, two, and three or more concerns are sums of them; a row of the
  UpSet table with concerns marked is that combination, one without marks the sum of the combinations not
  listed with as many concerns as its label says;
- Data quality: the fields listed are the most often blank, ties in form order; filled + blank =
  referrals for the information fields on Contexts; a school response >= each response field filled.

and works out, by integer programming (scipy.optimize.milp), the least and greatest value of every "c".
The property: each spans at least `threshold` values, apart from a count hidden only because its table is
withheld whose value the rules would print (0, or not small): pinning it tells what printing it would.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from test_publishable_linked import SCHOOLS, TERM, _term_counts, frame
from test_publishable_linked import referral as linked_referral

from addin.forms import get_form
from addin.forms.codes import ETHNICITY
from addin.catalogue.fap_referral.declaration import CONCERNS
from addin.catalogue.fap_referral.matrix.build import build, trend_table
from addin.catalogue.fap_referral.matrix.overlaps import with_intersections
from addin.catalogue.fap_referral.matrix.publishable import publishable

C = "c"
LABELS = dict(CONCERNS)
EIGHT = [LABELS[c] for c in CONCERNS if c.startswith("concern_")]
CARE = LABELS["open_to_social_care"]
ANY = "Any peer-on-peer abuse concern"
ALL = "All referrals"
REFS = "Referrals"
OTHER = "All other combinations"
WITHHELD = "Withheld to protect small numbers"
FORM = get_form("fap-referral")
OPTIONAL = [f.label for f in FORM.fields if not f.required and f.type != "tick"]  # the Data quality fields
INFO = {"Peer group information recorded": "Peer group: information",
        "School information recorded": "School: information",
        "Neighbourhood information recorded": "Neighbourhood: information",
        "Home environment information recorded": "Home environment / parent/carer: information"}
RESPONSES = [label for label in OPTIONAL if ": school response" in label]
WARD_FIELD = "Ward where the child lives"


class Reader:
    """What a reader knows of a published matrix, as named numbers and linear relations among them."""

    def __init__(self, sheets):
        self.sightings: dict = {}     # name -> [(value shown, in a withheld table)]
        self.relations: list = []     # ({name: coefficient}, lo, hi)
        self.where: dict = {}         # name -> a (sheet, title, row, column) where it is printed
        self.extra: dict = {}         # unpublished unknowns (combinations not listed): name -> 0 floor
        self.printed_rows: list = []  # the names on each printed row of a table
        by_name = {s.name: s for s in sheets}
        self.sheets = by_name
        for s in sheets:
            self._lines(s)
            for b in s.blocks:
                self._block(s.name, b)

    # -- what is printed --------------------------------------------------------------------------
    def see(self, name, value, withheld=False, where=None):
        if where is not None and where[:3] != getattr(self, "_row", None):
            self._row = where[:3]
            self.printed_rows.append([])
        if where is not None:
            self.printed_rows[-1].append(name)
        self.sightings.setdefault(name, []).append((value, withheld))
        if where is not None:
            self.where.setdefault(name, where)
        return name

    def rel(self, terms: dict, lo=-np.inf, hi=np.inf):
        self.relations.append((terms, lo, hi))

    def le(self, small: list, big: list, slack=0):
        terms: dict = {}
        for n in small:
            terms[n] = terms.get(n, 0) + 1
        for n in big:
            terms[n] = terms.get(n, 0) - 1
        self.rel(terms, hi=slack)

    def eq(self, parts: list, whole):
        terms = {}
        for p in parts:
            terms[p] = terms.get(p, 0) + 1
        terms[whole] = terms.get(whole, 0) - 1
        self.rel(terms, 0, 0)

    def _lines(self, s):
        for label, value in s.lines:
            if isinstance(value, str) and value != C:
                continue
            if label in (REFS, "Referrals filed"):
                self.see("N", value)
            elif label == ANY:
                self.see("A", value)
            elif label == "Referrals with two or more concerns":
                self.see("two", value)
                self.le(["two"], ["A"])
            elif label == "Filed with queries to check":
                self.see("queries", value)
                self.le(["queries"], ["N"])
            elif label.startswith(f"{REFS} in "):
                self.see(("term", label[len(REFS) + 4:], REFS), value)
            elif label.startswith(f"{ANY} in "):
                self.see(("term", label[len(ANY) + 4:], ANY), value)

    def _total(self, column):
        return {ALL: "N", REFS: "N", ANY: "A"}.get(column, ("concern", column))

    def _block(self, sheet, b):
        withheld = WITHHELD in (b.note or "")
        title = b.title
        rows, cols = list(b.counts.index), list(b.counts.columns)
        cell = {}
        for r in rows:
            for col in cols:
                cell[r, col] = (sheet, title, str(r), str(col))
        if sheet == "Summary":
            for r in rows:
                self.see(("concern", str(r)), b.counts.loc[r, REFS], where=(sheet, title, str(r), REFS))
            self.le(["A"], ["N"])
            self.le([("concern", CARE)], ["N"])
            for c in EIGHT:
                self.le([("concern", c)], ["A"])
            self.le(["A"], [("concern", c) for c in EIGHT])
            return
        if sheet == "Overlaps" and title.startswith("Referrals by number of concerns"):
            return self._degrees(b)
        if sheet == "Overlaps" and title.startswith("Intersections of concerns"):
            return self._intersections(b)
        if sheet == "Overlaps" and cols == [REFS]:
            return self._combinations(b)
        if sheet == "Overlaps":
            for r in rows:
                for col in cols:
                    name = ("concern", r) if r == col else ("pair",) + tuple(sorted((r, col), key=EIGHT.index))
                    self.see(name, b.counts.loc[r, col], withheld and r != col, where=cell[r, col])
            return
        if sheet == "Trend":
            last = rows[-1]
            for r in rows:
                names = {}
                for col in cols:
                    name = self._total(col) if r == last else ("term", str(r), str(col))
                    names[col] = self.see(name, b.counts.loc[r, col], where=cell[r, col])
                self._shape(names, names[REFS])
            return
        for r in rows:
            for col in cols:
                self.see(cell[r, col], b.counts.loc[r, col], withheld, where=cell[r, col])
        if sheet == "Data quality":
            return self._blanks(b, cell)
        if b.row_totals is not None:  # "Referrals by ... and concern"
            totals = {}
            for r in rows:
                name = ("ward blank",) if sheet == "Wards" and r == "Not recorded" else (sheet, title, str(r), REFS)
                totals[r] = self.see(name, b.row_totals[r], withheld, where=(sheet, title, str(r), REFS))
                self._shape({col: cell[r, col] for col in cols}, totals[r])
            for col in cols:
                self.see(self._total(col), b.col_totals[col])
                self.eq([cell[r, col] for r in rows], self._total(col))
            self.see("N", b.grand_total)
            self.eq(list(totals.values()), "N")
            return
        if b.col_totals is not None and cols[:2] == [ALL, ANY]:  # Contexts, Vulnerable groups
            for col in cols:
                self.see(self._total(col), b.col_totals[col])
            for r in rows:
                names = {col: cell[r, col] for col in cols}
                self._shape(names, names[ALL])
                for col in cols:
                    self.le([names[col]], [self._total(col)])
                for part, whole in [(ANY, ALL)] + [(c, w) for c in EIGHT for w in (ALL, ANY)]:
                    self.le([names[whole], self._total(part)], [names[part], self._total(whole)])
            agencies = [r for r in rows if str(r).startswith("Agency involved (current): ")]
            if "Other agencies involved (current)" in rows:
                for col in cols:
                    some = cell["Other agencies involved (current)", col]
                    for r in agencies:
                        self.le([cell[r, col]], [some])
                    self.le([some], [cell[r, col] for r in agencies])
            return
        for r in rows:
            for col in cols:
                self.le([cell[r, col]], ["N"])

    def _shape(self, names: dict, total):
        concerns = [names[c] for c in EIGHT if c in names]
        if ANY in names:
            for c in concerns:
                self.le([c], [names[ANY]])
            if names[ANY] != total:
                self.le([names[ANY]], [total])
            if len(concerns) == len(EIGHT):
                self.le([names[ANY]], concerns)
        if CARE in names and names[CARE] != total:
            self.le([names[CARE]], [total])

    def _combinations(self, b):
        listed = {}
        for r in b.counts.index:
            name = self.see(("combination", str(r)), b.counts.loc[r, REFS], where=("Overlaps", b.title, str(r), REFS))
            if r != OTHER:
                listed[frozenset(str(r).split(" + "))] = name
        self.see("A", b.col_totals[REFS])
        pooled = ("combination", OTHER) if OTHER in b.counts.index else None
        every = {}
        for size in range(1, 9):
            for members in combinations(EIGHT, size):
                s = frozenset(members)
                if s in listed:
                    every[s] = listed[s]
                elif pooled is not None:
                    every[s] = ("exactly", s)
                    self.extra[every[s]] = 0
        if pooled is not None:
            self.eq([n for s, n in every.items() if s not in listed], pooled)
        self.eq(list(every.values()), "A")
        for c in EIGHT:
            self.eq([n for s, n in every.items() if c in s], ("concern", c))
        for x, y in combinations(EIGHT, 2):
            self.eq([n for s, n in every.items() if {x, y} <= s], ("pair", x, y))
        if "two" in self.sightings:
            self.eq([n for s, n in every.items() if len(s) >= 2], "two")
        self.every, self.listed = every, listed

    def _intersections(self, b):
        """The UpSet table: a row with concerns marked is that combination, as listed; a row without marks is
        the referrals of the combinations not listed with one, two, three or more (two or more) concerns,
        or all of them ("All other combinations")."""
        sizes = {"One concern (any)": lambda s: len(s) == 1, "Other single concerns": lambda s: len(s) == 1,
                 "Two concerns (any pair)": lambda s: len(s) == 2, "Other pairs of concerns": lambda s: len(s) == 2,
                 "Three or more concerns (any)": lambda s: len(s) >= 3,
                 "Other combinations of three or more": lambda s: len(s) >= 3,
                 "Two or more concerns (any)": lambda s: len(s) >= 2,
                 "Other combinations of two or more": lambda s: len(s) >= 2, OTHER: lambda s: True}
        assert list(b.counts.columns) == EIGHT + [REFS]
        for r in b.counts.index:
            value, marked = b.counts.loc[r, REFS], {c for c in EIGHT if b.counts.loc[r, c] == "●"}
            assert value != C and set(b.counts.loc[r, EIGHT]) <= {"●", ""}
            if marked:
                assert r == " + ".join(c for c in EIGHT if c in marked)
                self.see(("combination", r), value, where=("Overlaps", b.title, r, REFS))
            else:
                name = self.see(("Overlaps", b.title, r, REFS), value, where=("Overlaps", b.title, r, REFS))
                self.eq([n for s, n in self.every.items() if s not in self.listed and sizes[r](s)], name)

    def _degrees(self, b):
        """One concern, two concerns, three or more (or two or more, the Summary's line): sums of the
        combinations by their number of concerns."""
        sizes = {"One concern": lambda s: len(s) == 1, "Two concerns": lambda s: len(s) == 2,
                 "Three or more concerns": lambda s: len(s) >= 3, "Two or more concerns": lambda s: len(s) >= 2}
        assert list(b.counts.index) in (list(sizes)[:3], ["One concern", "Two or more concerns"])
        for r in b.counts.index:
            name = "two" if r == "Two or more concerns" else ("Overlaps", b.title, r, REFS)
            self.see(name, b.counts.loc[r, REFS], WITHHELD in (b.note or "") and name != "two",
                     where=("Overlaps", b.title, r, REFS))
            self.eq([n for s, n in self.every.items() if sizes[r](s)], name)
        self.see("A", b.col_totals[REFS])

    def _blanks(self, b, cell):
        listed = [str(r) for r in b.counts.index]
        blank = {r: cell[r, b.counts.columns[0]] for r in listed}
        for r in listed:
            self.le([blank[r]], ["N"])
        if WARD_FIELD in listed:
            self.eq([blank[WARD_FIELD]], ("ward blank",))
        order = {label: i for i, label in enumerate(OPTIONAL)}

        def at_most_listed(field, small, slack_sign):
            """An unlisted field's blank count (given as small - ...) is at most every listed one (less
            1 when it comes first in the form)."""
            for r in listed:
                less = 1 if order[field] < order[r] else 0
                small(r, less)

        ctx = self.sheets["Contexts"].blocks[0]
        for row, field in INFO.items():
            recorded = ("Contexts", ctx.title, row, ALL)
            if field in listed:
                self.eq([blank[field], recorded], "N")
            else:  # referrals - recorded <= listed - less
                at_most_listed(field, lambda r, less: self.le(["N"], [recorded, blank[r]], -less), 1)
        response = ("Contexts", ctx.title, "School response recorded (any context)", ALL)
        for field in RESPONSES:
            if field in listed:
                self.le(["N"], [response, blank[field]])
            else:
                at_most_listed(field, lambda r, less: self.le(["N"], [response, blank[r]], -less), 1)
        if all(field in listed for field in RESPONSES):
            self.le([response] + [blank[f] for f in RESPONSES], ["N"] * len(RESPONSES))
        if WARD_FIELD not in listed:
            at_most_listed(WARD_FIELD, lambda r, less: self.le([("ward blank",)], [blank[r]], -less), 1)

    # -- solving -----------------------------------------------------------------------------------
    def ranges(self, truth: dict | None = None):
        """name -> (least, greatest) for every "c" (greatest inf: no upper bound).  Where the values seen
        already span THRESHOLD, the solving stops there, so such a range is a part of the true one.

        `truth` (every unknown's true value, from the exact matrix) is checked against every relation,
        so the reader knows nothing false, and is the first solution seen."""
        known, floor = {}, {}
        for name, seen in self.sightings.items():
            numbers = {v for v, _ in seen if v != C}
            assert len(numbers) <= 1, f"{name} is printed as {numbers}"
            # one number, one value: hidden in one place and shown in another is the linked rule broken
            assert not numbers or not any(v == C and not w for v, w in seen), f"{name} is printed as {seen}"
            if numbers:
                known[name] = int(numbers.pop())
            else:
                floor[name] = 0 if all(w for _, w in seen) else 1
        floor |= {n: 0 for n in self.extra}
        unknowns = sorted(floor, key=repr)
        col = {n: j for j, n in enumerate(unknowns)}
        lb = np.array([floor[n] for n in unknowns], dtype=float)
        ub = np.full(len(unknowns), np.inf)
        rows = []
        for terms, lo, hi in self.relations:
            const = sum(c * known[n] for n, c in terms.items() if n in known)
            live = {col[n]: c for n, c in terms.items() if n in col and c}
            if truth is not None:
                value = const + sum(c * truth[unknowns[j]] for j, c in live.items())
                assert lo - 1e-9 <= value <= hi + 1e-9, ("the reader would know something false", terms)
            if live:
                rows.append((live, lo - const, hi - const))
            else:
                assert lo - 1e-9 <= const <= hi + 1e-9, (terms, lo, hi)
        rows = _tighten(rows, lb, ub)
        parent = list(range(len(unknowns)))

        def root(j):
            while parent[j] != j:
                parent[j] = parent[parent[j]]
                j = parent[j]
            return j

        for live, _, _ in rows:
            first, *rest = live
            for j in rest:
                parent[root(j)] = root(first)
        groups: dict = {}
        for j in range(len(unknowns)):
            groups.setdefault(root(j), []).append(j)
        start = np.array([truth[n] for n in unknowns], dtype=float) if truth is not None else None
        out = {}
        for members in groups.values():
            out.update(self._solve(members, rows, unknowns, lb, ub, col, start))
        return {n: r for n, r in out.items() if n not in self.extra}

    def _solve(self, members, rows, unknowns, lb, ub, col, start):
        index = {j: i for i, j in enumerate(members)}
        mine = [r for r in rows if next(iter(r[0])) in index]
        data, ri, ci = [], [], []
        for k, (live, _, _) in enumerate(mine):
            for j, c in live.items():
                data.append(c)
                ri.append(k)
                ci.append(index[j])
        a = csr_matrix((data, (ri, ci)), shape=(len(mine), len(members)))
        constraints = [LinearConstraint(a, [r[1] for r in mine], [r[2] for r in mine])] if mine else []
        bounds = Bounds(lb[members], ub[members])
        seen_lo = np.full(len(members), np.inf) if start is None else start[members].copy()
        seen_hi = np.full(len(members), -np.inf) if start is None else start[members].copy()

        def wide(i):
            return np.isfinite(seen_lo[i]) and seen_hi[i] - seen_lo[i] + 1 >= THRESHOLD

        def solve(objective):
            """A whole-number optimum: the LP's (HiGHS simplex, no presolve) when it is one, else milp's."""
            res = milp(objective, constraints=constraints, bounds=bounds, options={"presolve": False})
            if res.status == 3 or "nbounded" in str(res.message):
                return None
            assert res.status == 0, res.message
            if np.abs(res.x - np.round(res.x)).max(initial=0) > 1e-6:
                res = milp(objective, constraints=constraints, integrality=np.ones(len(members)), bounds=bounds)
                assert res.status == 0, res.message
            return np.round(res.x)

        # First one LP per printed row, pushing all of the row's unknowns up together: each optimum is a
        # solution, so a value every unknown can take (most ranges are shown wide enough by these).
        for row in self.printed_rows:
            chosen = [index[col[n]] for n in row if n in col and col[n] in index]
            if chosen and not all(wide(i) for i in chosen):
                objective = np.zeros(len(members))
                objective[chosen] = -1.0
                x = solve(objective)
                if x is not None:
                    seen_lo, seen_hi = np.minimum(seen_lo, x), np.maximum(seen_hi, x)
        out = {}
        for i, j in enumerate(members):
            for sense in (-1, 1):
                if unknowns[j] in self.extra or wide(i):
                    break
                objective = np.zeros(len(members))
                objective[i] = sense
                x = solve(objective)
                if x is None:
                    seen_hi[i] = np.inf
                    continue
                seen_lo, seen_hi = np.minimum(seen_lo, x), np.maximum(seen_hi, x)
            out[unknowns[j]] = (seen_lo[i], seen_hi[i])
        return out


def _tighten(rows, lb, ub):
    """A relation of one unknown becomes a bound on it (rounded inwards: whole numbers); "a sum of unknowns
    >= 0 is at most 0" makes each of them 0.  Returns the relations left."""
    while True:
        left, changed = [], False
        for live, lo, hi in rows:
            shift = sum(c * lb[j] for j, c in live.items() if lb[j] == ub[j])  # pinned: moved across
            live = {j: c for j, c in live.items() if lb[j] != ub[j]}
            lo, hi = lo - shift, hi - shift
            if not live:
                assert lo - 1e-9 <= 0 <= hi + 1e-9
            elif len(live) == 1:
                (j, c), = live.items()
                low, high = sorted((lo / c, hi / c))
                if np.isfinite(low) and np.ceil(low - 1e-9) > lb[j]:
                    lb[j], changed = np.ceil(low - 1e-9), True
                if np.isfinite(high) and np.floor(high + 1e-9) < ub[j]:
                    ub[j], changed = np.floor(high + 1e-9), True
            elif live and hi <= 1e-9 and all(c > 0 for c in live.values()) and all(lb[j] == 0 for j in live):
                for j in live:
                    ub[j] = 0
                changed = True
            elif live:
                left.append((live, lo, hi))
        if not changed:
            return left
        rows = left


THRESHOLD = 5


def exposed(exact, published, threshold=THRESHOLD) -> dict:
    """The "c"s an informed reader of `published` narrows to fewer than `threshold` values, with their ranges.

    Not counted: a count printed only in withheld tables whose true value the rules would print (0, or
    at least the threshold with a complement that is too, for the Data quality blanks and the Contexts
    "All referrals" column): hidden only with its table, pinning it tells what printing it would."""
    true = truth(exact, published)
    reader = Reader(published)
    n = true.get("N", next((v for v, _ in reader.sightings["N"] if v != C), None))

    def sensitive(name):
        value = true[name]
        small = 0 < value < threshold
        complement = name[:2] == ("Data quality", "Fields most often blank (optional fields)") or \
            (name[:2] == ("Contexts", "Contextual information recorded, by concern") and name[-1] == ALL)
        return small or (complement and 0 < n - value < threshold)

    def only_withheld(name):
        return all(w for _, w in reader.sightings.get(name, [(None, False)]))

    ranges = reader.ranges(true)
    return {name: r for name, r in ranges.items() if r[1] - r[0] + 1 < threshold
            and (sensitive(name) or not only_withheld(name))}


def truth(exact, published) -> dict:
    """The true value of every unknown of the reader of `published`, read from the exact matrix."""
    reader, everything = Reader(published), Reader(exact)
    values = {name: v for name, seen in everything.sightings.items() for v, _ in seen[:1]}
    combos = {frozenset(name[1].split(" + ")): v for name, v in values.items() if name[:1] == ("combination",)}
    out = {}
    for name in list(reader.sightings) + list(reader.extra):
        if name in values:
            out[name] = values[name]
        elif name[0] == "exactly":
            out[name] = combos.get(name[1], 0)
    for name in reader.sightings:  # "Other schools" / "Other wards": the rows the published table does not name
        if len(name) == 4 and name[2] in ("Other schools", "Other wards") and name not in values:
            printed = {n[2] for n in reader.sightings if len(n) == 4 and n[:2] == name[:2]}
            out[name] = sum(v for n, v in values.items() if len(n) == 4 and n[:2] == name[:2] and n[3] == name[3]
                            and n[2] not in printed)
    listed = [n for n in reader.sightings if n[:1] == ("combination",) and n[1] != OTHER]
    if ("combination", OTHER) in reader.sightings:
        out[("combination", OTHER)] = values["A"] - sum(values[n] for n in listed)
    return out


def matrix(config, referrals, minimum_total=20):
    df = frame(referrals)
    counts = pd.DataFrame([_term_counts(df)], index=[TERM])
    exact = build(df, TERM, trend_table(counts), config)
    # as matrix_sheets publishes it: with the UpSet table drawn from the published Overlaps
    return exact, with_intersections(publishable(exact, THRESHOLD, minimum_total=minimum_total), THRESHOLD)


# --- the two terms of the issue ---------------------------------------------------------------------

AUTHORITY = "Ashbridge Borough Council (fictional demo authority)"
WHITE, BLACK, ASIAN = ETHNICITY[0], ETHNICITY[12], ETHNICITY[5]
TICKS = {"cse": "concern_cse", "syv": "concern_serious_youth_violence", "gangs": "concern_gangs",
         "hsb": "concern_hsb", "sb": "concern_sexual_bullying", "me": "concern_missing_education",
         "mh": "concern_missing_home", "sc": "open_to_social_care"}
REASON = ("This term had fewer than 20 referrals, so only headline counts are published, to protect the "
          "children concerned.")
HEADLINE = "Headline counts only"


def referrals(rows) -> list[dict]:
    """(school, ward, gender, ethnicity, year group, ticks) -> referrals as frame() takes them; peer group
    information is recorded for every referral with a tick."""
    return [{"school": school, "ward": ward, "gender": gender, "ethnicity": ethnicity, "year_group": year,
             "ticks": [c in {TICKS[t] for t in ticks.split()} for c in CONCERNS],
             "peer_info": "named peers" if ticks else None}
            for school, ward, gender, ethnicity, year, ticks in rows]


# Five referrals: Abbey's one has no concern (any concern 0 beside referrals c), and four schools have one each.
FIVE = [
    ("Ashbridge Academy", "Abbey", "Male", WHITE, 9, ""),
    ("Beacon Hill School", "Marsh", "Female", WHITE, 9, "cse"),
    ("Brookfield High School", "Marsh", "Female", WHITE, 10, "cse"),
    ("Canal Side Academy", "Castle", "Male", WHITE, 10, "cse gangs"),
    ("Kingsmead Academy", "Castle", "Male", WHITE, 11, "gangs"),
]
A_, K_, E_ = SCHOOLS  # Ashbridge Academy, Kingsmead Academy, Elmstead Community College
TWELVE = [
    (A_, "Abbey", "Male", WHITE, 7, ""), (A_, "Abbey", "Female", WHITE, 8, ""),
    (A_, "Marsh", "Male", WHITE, 9, "cse"), (A_, "Marsh", "Male", BLACK, 9, "cse mh"),
    (K_, "Marsh", "Female", WHITE, 10, "cse sc"), (K_, "Castle", "Female", WHITE, 10, "gangs syv"),
    (K_, "Castle", "Male", BLACK, 11, "gangs sc"), (K_, None, "Male", WHITE, 11, "hsb"),
    (E_, "Castle", "Female", ASIAN, 9, "cse sb"), (E_, "Castle", "Male", WHITE, 8, "me"),
    (E_, "Marsh", "Female", WHITE, 7, "cse"), (E_, "Abbey", "Male", WHITE, 10, ""),
]


def test_the_reader_works_out_what_suppression_against_totals_alone_leaves(config):
    """The issue's attack, on the five-referral term published in full with only the totals protecting it
    (the network suppression on its own): nearly every "c" is pinned down."""
    from addin.catalogue.fap_referral.matrix.publishable import _linked

    exact, _ = matrix(config, referrals(FIVE))
    totals_only, _ = _linked(exact, THRESHOLD, None)
    found = exposed(exact, totals_only)
    assert len(found) == 54  # 53, and "One concern" (5 less "two or more concerns") of referrals by number of concerns
    wards = "Wards", "Referrals by ward and concern"
    assert found[wards + ("Abbey", REFS)] == (1, 1)    # any concern 0 beside referrals c: exactly 1
    assert found[wards + ("Castle", "Gangs")] == (2, 2)
    assert found["Schools", "Referrals by school and concern", "Kingsmead Academy", ANY] == (1, 1)


def test_a_five_referral_term_publishes_headline_counts_only_and_says_why(config, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    from addin.catalogue.fap_referral.briefing import context, render
    from addin.catalogue.fap_referral.briefing.template_source import TEMPLATE
    from addin.catalogue.fap_referral.matrix.publishable import hidden_numbers
    from addin.catalogue.fap_referral.matrix.workbook import write
    from addin.suppression import symbols_note
    from addin.term import term_range

    exact, pub = matrix(config, referrals(FIVE))
    assert [(s.name, s.blocks) for s in pub] == [("Summary", [])]
    assert pub[0].lines == [("Authority", AUTHORITY), ("Term", TERM), (REFS, 5), (HEADLINE, REASON)]
    assert hidden_numbers(exact, THRESHOLD) == {ANY} | set(LABELS.values())  # the next term's Trend hides them
    book = load_workbook(write(pub, tmp_path / "matrix.xlsx", title="t", publishable=True,
                               symbols=symbols_note(THRESHOLD)))
    assert book.sheetnames == ["Summary"]
    assert [[c.value for c in row] for row in book["Summary"].iter_rows(min_row=5, max_row=8, max_col=2)] == [
        ["Authority", AUTHORITY], ["Term", TERM], [REFS, 5], [HEADLINE, REASON]]
    ctx = context(pub, TERM, term_range(TERM, config), config, THRESHOLD, symbols_note(THRESHOLD), tmp_path)
    doc = Document(render(TEMPLATE, ctx, tmp_path / "briefing.docx"))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[texts.index("Key messages") + 1:texts.index("Method and symbols")] == [
        "5 referrals reached the Fair Access Panel in the autumn term 2026.", REASON]
    assert doc.tables == [] and len(doc.inline_shapes) == 0
    fewer = [(s.name, s.lines) for s in matrix(config, referrals(FIVE[:4]))[1]]
    assert fewer == [("Summary", [("Authority", AUTHORITY), ("Term", TERM), (REFS, C), (HEADLINE, REASON)])]


def test_a_twelve_referral_term_published_in_full_leaves_every_c_wide_enough(config):
    """The minimum set at 10, the twelve referrals are published: each table where hiding more could not
    protect every "c" is withheld (here the five "by ... and concern" tables), and what is shown tells the
    reader no "c" to within fewer than five values."""
    exact, pub = matrix(config, referrals(TWELVE), minimum_total=10)
    assert exposed(exact, pub) == {}
    by = {s.name: s for s in pub}
    assert by["Summary"].lines == [
        ("Authority", AUTHORITY), ("Term", TERM), (REFS, 12), (ANY, 9),
        ("Share with any peer-on-peer abuse concern", "75.0%"), ("Referrals with two or more concerns", C),
        ("Schools with referrals", C)]  # c: the Schools table is withheld
    assert by["Summary"].blocks[0].counts[REFS].to_dict() == {
        "CSE": C, "Serious youth violence": C, "Gangs": C, "Harmful sexual behaviour": C,
        "Relationship/domestic abuse": 0, "Sexual bullying": C, "Missing from education": C, "Missing from home": C,
        CARE: C}
    assert [b.title for s in pub for b in s.blocks if b.withheld] == [
        "Referrals by school and concern", "Referrals by ward and concern", "Referrals by gender and concern",
        "Referrals by ethnicity group and concern", "Referrals by year group and concern"]
    # six with one concern, three with two, none with three: two and three or more are shown together, as the
    # Summary's "two or more concerns" (3, so c), and one concern is 9 less that
    degrees = by["Overlaps"].blocks[1]
    assert degrees.counts[REFS].to_dict() == {"One concern": C, "Two or more concerns": C}
    assert degrees.col_totals[REFS] == 9
    # The nine with peer information are the nine with a concern: all of that row hidden, one 0 apart.
    ctx = by["Contexts"].blocks[0]
    assert ctx.counts.loc["Peer group information recorded"].tolist() == [C] * 6 + [0] + [C] * 3
    assert set(ctx.counts.drop("Peer group information recorded").values.ravel()) == {0}
    assert ctx.col_totals.tolist() == [12, 9, C, C, C, C, 0, C, C, C]
    wards = by["Wards"].blocks[0]
    assert wards.note == "Withheld to protect small numbers: every count in this table is shown as c, zeros included."
    assert set(wards.counts.values.ravel()) == {C} and set(wards.row_totals) == {C}
    assert wards.col_totals.tolist() == [C, C, C, C, 0, C, C, C, 9, C] and wards.grand_total == 12
    combos = by["Overlaps"].blocks[0]
    assert combos.counts[REFS].to_dict() == {OTHER: 9} and combos.col_totals[REFS] == 9
    co = by["Overlaps"].blocks[2].counts
    assert {r: list(co.loc[r]) for r in co.index} == {
        "CSE": [C, 0, 0, 0, 0, C, 0, C], "Serious youth violence": [0, C, C, 0, 0, 0, 0, 0],
        "Gangs": [0, C, C, 0, 0, 0, 0, 0], "Harmful sexual behaviour": [0, 0, 0, C, 0, 0, 0, 0],
        "Relationship/domestic abuse": [0] * 8, "Sexual bullying": [C, 0, 0, 0, 0, C, 0, 0],
        "Missing from education": [0, 0, 0, 0, 0, 0, C, 0], "Missing from home": [C, 0, 0, 0, 0, 0, 0, C]}
    assert by["Trend"].blocks[0].counts.loc[TERM].tolist() == [12, 9, C, C, C, C, 0, C, C, C, C]
    from addin.catalogue.fap_referral.matrix.publishable import _linked

    totals_only, _ = _linked(exact, THRESHOLD, None)
    assert len(exposed(exact, totals_only)) == 78  # what the network suppression alone would have left


# --- the property ---------------------------------------------------------------------------------

# The linked test's random referrals (about half of them with each concern), 5 to 40 of them.
term = st.lists(linked_referral, min_size=5, max_size=40)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(term)
def test_no_hidden_count_can_be_narrowed_below_the_threshold(config, referrals):
    """Random small terms published in full (no minimum): the informed reader narrows no "c"."""
    exact, pub = matrix(config, referrals, minimum_total=0)
    assert exposed(exact, pub) == {}


# --- the setting ----------------------------------------------------------------------------------

def test_the_minimum_publishable_total_is_configured_beside_the_threshold(tmp_path):
    from addin.config import ConfigError, demo_text, load_config

    text = demo_text()
    assert "suppression_threshold = 5\n\n# A term with fewer referrals than this publishes headline counts only" in text
    assert "minimum_publishable_total = 20\n" in text
    assert load_config().minimum_publishable_total == 20
    path = tmp_path / "safecontext.toml"
    path.write_text(text.replace("minimum_publishable_total = 20", "minimum_publishable_total = 8"), encoding="utf-8")
    assert load_config(path).minimum_publishable_total == 8
    path.write_text(text.replace("minimum_publishable_total = 20\n", ""), encoding="utf-8")
    assert load_config(path).minimum_publishable_total == 20
    for bad in ("-1", "2.5", '"ten"', "true"):
        path.write_text(text.replace("minimum_publishable_total = 20", f"minimum_publishable_total = {bad}"),
                        encoding="utf-8")
        with pytest.raises(ConfigError) as error:
            load_config(path)
        assert str(error.value) == f"{path}: minimum_publishable_total must be a whole number of 0 or more."
