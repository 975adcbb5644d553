"""How fast `safecontext ingest` files a folder of FAP referrals, and how fast the matrix is built from a big store.

    .venv/bin/python bench/ingest_batch.py [--n 1000] [--dir DIR] [--sample 100] [--referrals 100000]
                                           [--baseline-tree DIR]

Prints, in one run:
  * forms per second for `safecontext ingest DIR --db NEW.sqlite` of N filled forms, a whole process;
  * `safecontext ingest` of N mixed forms: half of them those FAP referrals, half returned PGIs
    filed against their requests (recorded in the store first, not timed), beside the N FAP forms;
    with --baseline-tree (a checkout of an earlier release, e.g. `git worktree add /tmp/sc-rev2
    97b0e10`, with `validators` linked into its addin/), the N FAP forms filed by that release too;
  * the same for a naive baseline: openpyxl `load_workbook` in full, every field read by its defined
    name, a one-row DataFrame and one pandera call per file, then one INSERT (one transaction) per
    form (on a sample of the forms, the rate extrapolated);
  * the time to build the termly matrix (`safecontext matrix`, a whole process, internal and
    publishable) from a store of 100,000 referrals over the three terms the matrix compares, filled
    in bulk with SQLAlchemy Core; and the in-process times of loading, of building the sheets, and of
    disclosure control both as it was (each table against its totals only) and as it is now (checked
    against a reader who knows the tables' shape), in the same run.
Targets: at least 100 forms/s for ingest; the matrix under 5 s. Forms are generated once with
Filler + addin.demo.synthetic_referral (fictional people, all valid) and reused when --dir already
holds them. Nothing here asserts; tests never time anything.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from addin.config import demo_config
from addin.forms import get_form

FORM_ID = "fap-referral"
TARGET_RATE = 100      # forms per second through `safecontext ingest`
TARGET_MATRIX = 5.0    # seconds for `safecontext matrix` on a store of 100,000 referrals
MANIFEST = "bench-manifest.json"


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("safecontext")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "addin.cli"]


def run_cli(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    """One whole `safecontext` process, as a user runs it: (wall seconds, completed process)."""
    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    t0 = time.perf_counter()
    proc = subprocess.run(_cli() + args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8")
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"safecontext {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed, proc


def bench_terms(today: dt.date | None = None) -> list[tuple[str, dt.date, dt.date]]:
    """The latest term begun by yesterday and the two before it, as the demo uses (dates in the past)."""
    from addin.demo import demo_terms

    return demo_terms(today or dt.date.today(), demo_config())


# ---------------------------------------------------------------------------- forms

def generate(folder: Path, n: int, seed: int) -> tuple[list[Path], list[str]]:
    """N valid filled forms spread over three terms (reused when the manifest matches); (paths, terms)."""
    from addin.demo import synthetic_referral
    from addin.forms.fill import Filler

    config = demo_config()
    form = get_form(FORM_ID)
    manifest = folder / MANIFEST
    want = {"n": n, "seed": seed, "form": form.id, "version": form.version, "authority": config.authority}
    if manifest.exists():
        have = json.loads(manifest.read_text())
        paths = [folder / name for name in have.get("files", [])]
        if {k: have.get(k) for k in want} == want and all(p.exists() for p in paths):
            print(f"Reusing {n} forms in {folder}", file=sys.stderr)
            return paths, have["terms"]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    terms = bench_terms()
    filler = Filler(form, config)
    paths = []
    t0 = time.perf_counter()
    for i in range(n):
        term, start, end = terms[i * len(terms) // n]
        day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        values, tables = synthetic_referral(rng, config, day, i + 1)
        paths.append(filler.save(folder / f"referral-{i + 1:05d}.xlsx", values, tables))
        if (i + 1) % 200 == 0:
            print(f"  generated {i + 1}/{n} forms ({(time.perf_counter() - t0) / (i + 1) * 1000:.0f} ms each)",
                  file=sys.stderr)
    manifest.write_text(json.dumps({**want, "terms": [t for t, _, _ in terms],
                                    "files": [p.name for p in paths]}, indent=1))
    return paths, [t for t, _, _ in terms]


def generate_pgis(folder: Path, n: int, seed: int) -> list[Path]:
    """N valid returned PGIs with references PGI-BENCH-00001 ... (regenerated each run: they are quick)."""
    from addin.demo import synthetic_pgi
    from addin.forms.fill import Filler

    shutil.rmtree(folder, ignore_errors=True)
    rng = random.Random(seed)
    terms = bench_terms()
    filler = Filler(get_form("pgi"), demo_config())
    paths = []
    for i in range(n):
        term, start, end = terms[i * len(terms) // n]
        day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        values, tables = synthetic_pgi(rng, day, False)
        values["request_reference"] = f"PGI-BENCH-{i + 1:05d}"
        paths.append(filler.save(folder / f"pgi-{i + 1:05d}.xlsx", values, tables))
    return paths


def record_requests(db: Path, pgis: list[Path]) -> None:
    """The requests the PGIs answer, inserted in bulk (setup, not timed)."""
    from addin.checks.run import check_files
    from addin.store import open_store, store_tables
    from addin.term import term_of

    config = demo_config()
    req = store_tables("pgi").own["pgi_requests"]
    engine = open_store(str(db))
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for r in check_files(pgis, config):
        v = r.values
        rows.append(dict(reference=v["request_reference"], requester_agency=v["requester_agency"],
                         provider_agency=v["provider_agency"], assessment_type=v["assessment_type"],
                         date_requested=v["date_requested"], return_by=v["date_requested"],
                         term=term_of(v["date_requested"], config), recorded_at=now, recorded_by="bench"))
    with engine.begin() as conn:
        conn.execute(req.insert(), rows)
    engine.dispose()


def baseline_ingest(tree: Path, folder: Path, db: Path, cwd: Path) -> float:
    """`safecontext ingest` of the same folder by an earlier release's code (its checkout on PYTHONPATH)."""
    env = dict(os.environ, COLUMNS="200", PYTHONPATH=str(tree))
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "addin.cli", "ingest", str(folder), "--db", str(db)], cwd=cwd,
                          env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"the baseline release's ingest failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed


def naive(files: list[Path], db: Path) -> float:
    """openpyxl in full, fields by defined name, typed, one pandera call and one INSERT transaction per file."""
    import naive as baseline

    from addin.store import open_store, store_tables
    from addin.term import term_of

    config = demo_config()
    read, check = baseline.reader(config), baseline.checker()
    engine = open_store(db)
    referrals = store_tables(FORM_ID).records
    t0 = time.perf_counter()
    for i, path in enumerate(files):
        row = read(path)
        check(row)  # a naive coordinator would file it anyway and look at these later
        with engine.begin() as conn:  # one transaction per form
            conn.execute(referrals.insert().values(
                record_key=f"naive:{i}", alt_key=f"naive:{i}", version=1, is_current=True,
                term=term_of(row["referral_date"], config), filed_at=dt.datetime.now(dt.timezone.utc),
                source_file=path.name, content_hash="0" * 64, record_hash="0" * 64, **row))
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return elapsed


# ---------------------------------------------------------------------------- a big store

def bulk_store(db: Path, n: int, terms: list[tuple[str, dt.date, dt.date]], seed: int = 7) -> float:
    """A store of n current referrals over `terms` (oldest first, 30/33/37%), straight into its tables."""
    from addin.demo import synthetic_referral
    from addin.store import open_store, store_tables

    config = demo_config()
    st = store_tables(FORM_ID)
    r, agencies = st.records, st.children["other_agencies"]
    fields = [f.id for f in st.form.fields]
    rng = random.Random(seed)
    t0 = time.perf_counter()
    engine = open_store(db)
    now = dt.datetime.now(dt.timezone.utc)
    shares = (0.30, 0.63, 1.0)
    chunk, rows, child = 10_000, [], []
    with engine.begin() as conn:
        for i in range(n):
            k = next(j for j, s in enumerate(shares) if i < s * n)
            term, start, end = terms[k]
            day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
            values, _ = synthetic_referral(rng, config, day, i + 1)
            key = hashlib.sha256(f"{seed}:{i}".encode()).hexdigest()
            rows.append({"id": i + 1, "record_key": f"ref:BULK-{i + 1:06d}", "alt_key": f"upn:{key}",
                         "version": 1, "is_current": True, "term": term, "filed_at": now,
                         "source_file": f"bulk-{i + 1:06d}.xlsx", "content_hash": key, "record_hash": key,
                         "form_version": st.form.version, **({"queries": 0} if "queries" in r.c else {}),
                         **{f: values.get(f) for f in fields}})
            if values.get("concern_gangs") or values.get("concern_serious_youth_violence") or rng.random() < 0.1:
                for n_row, agency in enumerate(rng.sample(("YOS", "Police", "CAMHS"), rng.randint(1, 2)), start=1):
                    child.append({"record_id": i + 1, "row_number": n_row, "agency": agency,
                                  "status": rng.choice(("Current", "Current", "Expired"))})
            if len(rows) == chunk:
                conn.execute(r.insert(), rows)
                rows = []
        if rows:
            conn.execute(r.insert(), rows)
        conn.execute(agencies.insert(), child)
    engine.dispose()
    return time.perf_counter() - t0


def matrix_in_process(db: Path, term: str) -> tuple[float, float, float, float]:
    """(load from the store, build the sheets, disclosure control against the totals only as before the
    informed-reader check, disclosure control as now) in seconds, after a warm-up, in the same run."""
    from addin.catalogue.fap_referral.matrix import load
    from addin.catalogue.fap_referral.matrix.build import build, trend_table
    from addin.catalogue.fap_referral.matrix.publishable import _linked, publishable

    config = demo_config()
    load(term, config, str(db))  # imports and first connection out of the way
    import scipy.optimize  # noqa: F401  (imported on first use; its import is not the check's cost)
    t0 = time.perf_counter()
    term, terms, referrals, agencies, counts, blanks = load(term, config, str(db))
    t1 = time.perf_counter()
    sheets = build(referrals, term, trend_table(counts), config, agencies, blanks)
    t2 = time.perf_counter()
    _linked(sheets, config.suppression_threshold, None)
    t3 = time.perf_counter()
    publishable(sheets, config.suppression_threshold, minimum_total=config.minimum_publishable_total)
    t4 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, t4 - t3


# ---------------------------------------------------------------------------- report

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="forms to generate and ingest (default 1000)")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "safecontext-bench" / "ingest-forms",
                    help="where the generated forms are kept (reused if they are there)")
    ap.add_argument("--sample", type=int, default=100, help="forms the naive baseline reads (default 100)")
    ap.add_argument("--referrals", type=int, default=100_000, help="referrals in the big store (default 100000)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--baseline-tree", type=Path, default=None, help="a checkout of an earlier release: its ingest "
                    "of the same FAP forms is timed too")
    args = ap.parse_args(argv)

    files, term_ids = generate(args.dir, args.n, args.seed)
    work = Path(tempfile.mkdtemp(prefix="safecontext-bench-"))
    try:
        ingest_s, proc = run_cli(["ingest", str(args.dir), "--db", str(work / "ingest.sqlite")], work)
        filed = next((line for line in proc.stdout.splitlines() if line.startswith("Filed ")), "?")
        mixed = work / "mixed"
        mixed.mkdir()
        pgis = generate_pgis(work / "pgis", len(files) - len(files) // 2, args.seed)
        for p in files[: len(files) // 2] + pgis:
            (mixed / p.name).symlink_to(p)
        record_requests(work / "mixed.sqlite", pgis)
        mixed_s, mproc = run_cli(["ingest", str(mixed), "--db", str(work / "mixed.sqlite")], work)
        mixed_filed = next((line for line in mproc.stdout.splitlines() if line.startswith("Filed ")), "?")
        base_s = baseline_ingest(args.baseline_tree, args.dir, work / "base.sqlite", work) \
            if args.baseline_tree else None
        sample = files[:: max(1, len(files) // args.sample)][: args.sample]
        naive_s = naive(sample, work / "naive.sqlite")

        terms = bench_terms()
        latest = terms[-1][0]
        build_s = bulk_store(work / "big.sqlite", args.referrals, terms)
        matrix_s, _ = run_cli(["matrix", "--term", latest, "-o", str(work / "m.xlsx"), "--db",
                               str(work / "big.sqlite")], work)
        public_s, _ = run_cli(["matrix", "--term", latest, "-o", str(work / "p.xlsx"), "--db",
                               str(work / "big.sqlite"), "--publishable"], work)
        load_s, sheets_s, before_s, suppress_s = matrix_in_process(work / "big.sqlite", latest)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ours_rate, naive_rate = len(files) / ingest_s, len(sample) / naive_s

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(f"SafeContext ingest and matrix benchmark  ({platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, {platform.system()})")
    print(f"forms: {len(files)} valid FAP referrals in {', '.join(term_ids)} ({filed}); mixed: {mixed_filed}")
    rows = [
        ("what", "items", "seconds", "rate", "target", "result"),
        ("safecontext ingest DIR (whole process)", f"{len(files)}", f"{ingest_s:.2f}", f"{ours_rate:.0f} forms/s",
         f">= {TARGET_RATE} forms/s", verdict(ours_rate >= TARGET_RATE)),
        ("safecontext ingest DIR, half FAP, half PGI (process)", f"{len(files)}", f"{mixed_s:.2f}",
         f"{len(files) / mixed_s:.0f} forms/s", "<= FAP only", verdict(mixed_s <= ingest_s * 1.05)),
        *([("the earlier release's ingest of the FAP forms", f"{len(files)}", f"{base_s:.2f}",
            f"{len(files) / base_s:.0f} forms/s", "baseline", f"mixed now {base_s / mixed_s:.2f}x")]
          if base_s else []),
        ("naive: openpyxl full + pandera + INSERT/form", f"{len(sample)}", f"{naive_s:.2f}",
         f"{naive_rate:.1f} forms/s", "baseline", ""),
        ("  naive extrapolated to all forms", f"{len(files)}", f"{len(files) / naive_rate:.1f}", "", "",
         f"ours {ours_rate / naive_rate:.0f}x"),
        (f"store of {args.referrals:,} referrals (bulk insert)", f"{args.referrals}", f"{build_s:.1f}", "",
         "setup", ""),
        ("safecontext matrix (whole process)", f"{args.referrals}", f"{matrix_s:.2f}", "",
         f"< {TARGET_MATRIX:g} s", verdict(matrix_s < TARGET_MATRIX)),
        ("safecontext matrix --publishable (process)", f"{args.referrals}", f"{public_s:.2f}", "",
         f"< {TARGET_MATRIX:g} s", verdict(public_s < TARGET_MATRIX)),
        ("  in process: load 3 terms from the store", f"{args.referrals}", f"{load_s:.2f}", "", "", ""),
        ("  in process: build the sheets", f"{args.referrals}", f"{sheets_s:.2f}", "", "", ""),
        ("  in process: disclosure control, totals only (before)", "", f"{before_s:.2f}", "", "", ""),
        ("  in process: disclosure control, informed reader (now)", "", f"{suppress_s:.2f}", "", "", ""),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print("  ".join(cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in enumerate(zip(r, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"matrix: term {latest}, compared with {', '.join(t for t, _, _ in terms[:-1])}; the store's referrals "
          "are all in those three terms, so every one is loaded and counted.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
