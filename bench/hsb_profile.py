"""How fast `safecontext hsb profile` counts a big store of HSB meeting frameworks, against a naive path.

    .venv/bin/python bench/hsb_profile.py [--cases 5000] [--runs 3]

Fills a new SQLite store (SQLAlchemy Core, in bulk; not timed) with CASES fictional cases over four sites,
each an initial meeting and 0-2 reviews, with factors, interventions and challenges, then times in one run:
  * `safecontext hsb profile -o FILE.xlsx --json FILE` (internal) and with --publishable, whole processes
    (median of --runs);
  * the same profile in this process: loading the store, and counting (build_profile);
  * a naive path in this process: one query per meeting for each of its tables (an ORM's lazy loading), the
    latest meeting per case found by comparing dates in Python, and every table counted by looping over the
    cases for each row and cohort.
Target: the whole process under 5 s. Nothing here asserts; tests never time anything.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORM_ID = "hsb-framework"
TARGET = 5.0  # seconds for the whole `safecontext hsb profile` process on 5,000 cases


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("safecontext")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "addin.cli"]


def bulk_store(db: Path, cases: int, seed: int = 11) -> tuple[int, float]:
    """CASES cases with 1-3 meetings each, straight into the store's tables: (meetings, seconds)."""
    from addin.catalogue.hsb_framework.declaration import CHALLENGES, HACKETT, INCIDENT, PEERS, RAG
    from addin.catalogue.hsb_framework.factors import BY_CONTEXT_AND_TYPE
    from addin.store import open_store, store_tables

    st = store_tables(FORM_ID)
    r = st.records
    rng = random.Random(seed)
    sites = ("North", "South", "East", "West")
    now = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    engine = open_store(db)
    rows, children = [], {t: [] for t in st.children}
    rid = 0
    for case in range(cases):
        first = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(300))
        context = rng.choices(("Sole", "Group", "Both"), (24, 15, 10))[0]
        site = rng.choice(sites)
        for k in range(rng.choice((1, 1, 2, 3))):
            rid += 1
            day = first + dt.timedelta(days=42 * k)
            ticks = {f"incident_{key}": rng.random() < 0.15 for key, _ in INCIDENT}
            ticks |= {f"peer_{key}": rng.random() < 0.2 for key, _ in PEERS}
            rows.append({"id": rid, "record_key": f"ref:HSB-{case:05d}|{day.isoformat()}", "version": 1,
                         "is_current": True, "term": "2026-autumn", "filed_at": now, "source_file": f"b{rid}.xlsx",
                         "content_hash": f"{rid:064d}", "record_hash": f"{rid:064d}", "form_version": st.form.version,
                         "queries": 0, "reference": f"HSB-{case:05d}", "site": site, "meeting_date": day,
                         "meeting_type": "Review" if k else "Initial", "offence_context": context,
                         "hackett_level": rng.choice([h for h, _ in HACKETT]), **ticks})
            for n, ((ctx, kind), entries) in enumerate(rng.sample(BY_CONTEXT_AND_TYPE, 4), start=1):
                children["factors"].append({"record_id": rid, "row_number": n, "context": ctx, "type": kind,
                                            "factor": rng.choice(entries)})
            for n in range(1, rng.randint(1, 4)):
                children["interventions"].append({
                    "record_id": rid, "row_number": n, "context": rng.choice(BY_CONTEXT_AND_TYPE)[0][0],
                    "intervention": "Keywork", "rag": rng.choice(RAG), "review_date": day + dt.timedelta(days=56)})
            children["challenges"].append({"record_id": rid, "row_number": 1, "challenge": rng.choice(CHALLENGES)})
    with engine.begin() as conn:
        conn.execute(r.insert(), rows)
        for t, child_rows in children.items():
            if child_rows:
                conn.execute(st.children[t].insert(), child_rows)
    engine.dispose()
    return rid, time.perf_counter() - t0


def run(args: list[str]) -> float:
    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    t0 = time.perf_counter()
    done = subprocess.run(_cli() + args, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"safecontext {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def ours_in_process(url: str) -> tuple[float, float, object]:
    from addin.catalogue.hsb_framework.profile import build_profile
    from addin.config import demo_config
    from addin.store.query import load_records, load_table_rows

    t0 = time.perf_counter()
    frames = [load_records(url, form=FORM_ID)] + [load_table_rows(url, t, form=FORM_ID)
                                                 for t in ("factors", "interventions", "challenges")]
    t1 = time.perf_counter()
    profile = build_profile(*frames, sites=demo_config().lists()["sites"], today=dt.date(2026, 12, 31))
    return t1 - t0, time.perf_counter() - t1, profile


def naive(url: str) -> tuple[float, dict]:
    """One query per meeting and table, then Python loops over the cases for every row and cohort."""
    import sqlalchemy as sa

    from addin.catalogue.hsb_framework.declaration import INCIDENT
    from addin.store import store_tables

    st = store_tables(FORM_ID)
    t0 = time.perf_counter()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        meetings = [dict(m._mapping) for m in conn.execute(sa.select(st.records).where(st.records.c.is_current))]
        for m in meetings:  # lazy loading: a query per meeting and table
            for t, child in st.children.items():
                m[t] = [dict(c._mapping) for c in conn.execute(sa.select(child).where(child.c.record_id == m["id"]))]
    latest = {}
    for m in meetings:
        ref = m["reference"]
        if ref not in latest or m["meeting_date"] > latest[ref]["meeting_date"]:
            latest[ref] = m
    cases = list(latest.values())
    tables = {}
    for cohort in ("Sole", "Group", "Both"):
        for key, _ in INCIDENT:
            tables[(key, cohort)] = sum(1 for c in cases if c["offence_context"] == cohort and c[f"incident_{key}"])
        for ctx in ("Individual", "Family / Home", "Peer group", "School", "Neighbourhood"):
            tables[(ctx, cohort)] = sum(1 for c in cases if c["offence_context"] == cohort
                                        for i in c["interventions"] if i["context"] == ctx)
            tables[(ctx, "gap", cohort)] = sum(1 for c in cases if c["offence_context"] == cohort and any(
                f["context"] == ctx and f["type"] in ("Vulnerability", "Risk") for f in c["factors"])
                and not any(i["context"] == ctx for i in c["interventions"]))
    engine.dispose()
    return time.perf_counter() - t0, tables


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="safecontext-bench-hsb-"))
    db = tmp / "store.sqlite"
    meetings, fill_s = bulk_store(db, args.cases)
    url = f"sqlite:///{db}"
    internal = [run(["hsb", "profile", "-o", str(tmp / "p.xlsx"), "--json", str(tmp / "p.json"), "--db", url])
                for _ in range(args.runs)]
    public = [run(["hsb", "profile", "-o", str(tmp / "q.xlsx"), "--publishable", "--db", url])
              for _ in range(args.runs)]
    ours_in_process(url)  # warm-up: imports and first use
    load_s, count_s, profile = ours_in_process(url)
    naive_s, counts = naive(url)
    # The two paths agree (a few cells), or the comparison means nothing.
    for key in ("online", "party"):
        assert counts[(key, "Group")] == profile.tables["incident_characteristics"][key]["group"], key
    assert counts[("Peer group", "Sole")] == profile.tables["interventions_by_context"]["peer"]["sole"]
    assert counts[("School", "gap", "Both")] == profile.tables["gaps"]["school.unaddressed"]["both"]

    rows = [
        (f"store: {args.cases:,} cases, {meetings:,} meetings (bulk insert, not timed)", f"{fill_s:.1f} s", "", ""),
        (f"hsb profile, internal + JSON, whole process (median of {args.runs})",
         " ".join(f"{t:.2f}" for t in internal), f"{statistics.median(internal):.2f} s", f"< {TARGET:.0f} s "
         + ("PASS" if statistics.median(internal) < TARGET else "FAIL")),
        (f"hsb profile --publishable, whole process (median of {args.runs})", " ".join(f"{t:.2f}" for t in public),
         f"{statistics.median(public):.2f} s", f"< {TARGET:.0f} s " + ("PASS" if statistics.median(public) < TARGET
                                                                     else "FAIL")),
        ("  in-process: load the store", "", f"{load_s:.2f} s", ""),
        ("  in-process: count every table (build_profile)", "", f"{count_s:.2f} s", ""),
        ("naive: a query per meeting and table, loops per row and cohort (fewer tables)", "", f"{naive_s:.2f} s",
         f"ours (load + count) {naive_s / (load_s + count_s):.1f}x faster"),
    ]
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    print(f"SafeContext HSB profile benchmark, {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, "
          f"{dt.datetime.now():%Y-%m-%d %H:%M}")
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
