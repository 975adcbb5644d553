"""How fast the termly Word briefing is made from the store, against a naive path that re-reads every workbook.

    .venv/bin/python bench/briefing.py [--n 1000] [--dir DIR] [--sample 100] [--referrals 5000] [--runs 3]

Prints, in one run:
  * `safecontext brief --term T -o X.docx` as a whole process (imports, store, matrix, disclosure
    control, two matplotlib charts, docxtpl rendering), on a store holding N filed forms over
    three terms, and on a store with several thousand referrals in the term (bulk filled);
  * make_briefing() in this process: the first call (cold imports) and the median of --runs;
  * a naive path without the store: every workbook re-read with openpyxl in full (fields by defined
    name, typed), a DataFrame, then the same matrix, disclosure control, charts and rendering. The
    reading is timed on a sample of the forms and scaled to all N (it is the same work per form);
    the rest is timed once on all of them;
  * the publishable matrix the briefing is filled from, in this process, on both stores: disclosure
    control as it was before the informed-reader check (each table against its totals only, and so the
    earlier terms' hidden totals) and as it is now (matrix_sheets), in the same run.
Target: a briefing in under 3 s. The forms are the ones bench/ingest_batch.py generates (reused
from --dir when they are there). Nothing here asserts; tests never time anything.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ingest_batch import FORM_ID, bench_terms, bulk_store, generate, run_cli

from addin.config import demo_config
from addin.forms import get_form

TARGET = 3.0  # seconds for one briefing


def file_forms(files: list[Path], db: Path) -> int:
    """File the forms in a new store, in this process (setup, not timed)."""
    from addin.checks.run import check_files
    from addin.store import file_batch

    config = demo_config()
    report = file_batch(db, check_files(files, config, expect=FORM_ID), config)
    return report.count("filed")


def read_naive(files: list[Path]):
    """openpyxl in full, every field by its defined name, typed: one row per workbook."""
    import naive as baseline

    from addin.term import term_of

    config = demo_config()
    read = baseline.reader(config)
    rows = []
    for i, path in enumerate(files):
        row = {"record_id": i + 1, **read(path)}
        row["term"] = term_of(row["referral_date"], config)
        rows.append(row)
    return rows


def naive_rest(rows: list[dict], term: str, out: Path) -> None:
    """From read rows to a rendered briefing: the same matrix, suppression, charts and template."""
    import pandas as pd

    from addin.catalogue.fap_referral.briefing import context, render
    from addin.catalogue.fap_referral.briefing.template_source import TEMPLATE
    from addin.catalogue.fap_referral.declaration import CONCERNS
    from addin.catalogue.fap_referral.matrix.build import POP_CONCERNS, build, trend_table
    from addin.catalogue.fap_referral.matrix.publishable import publishable
    from addin.suppression import symbols_note
    from addin.term import previous_terms, term_range

    config = demo_config()
    df = pd.DataFrame(rows)
    for f in get_form(FORM_ID).fields:
        if f.type == "date":
            df[f.id] = pd.to_datetime(df[f.id])
    terms = previous_terms(term, 2) + [term]
    df = df[df["term"].isin(terms)]
    ticks = df[list(CONCERNS)].fillna(False).astype(bool)
    counts = ticks.groupby(df["term"]).sum().reindex(terms, fill_value=0)
    counts["records"] = df.groupby("term").size().reindex(terms, fill_value=0)
    counts["any"] = ticks[POP_CONCERNS].any(axis=1).groupby(df["term"]).sum().reindex(terms, fill_value=0)
    current = df[df["term"] == term]
    pub = publishable(build(current, term, trend_table(counts), config, None, None), config.suppression_threshold)
    with tempfile.TemporaryDirectory() as charts:
        ctx = context(pub, term, term_range(term, config), config, config.suppression_threshold,
                      symbols_note(config.suppression_threshold), Path(charts))
        render(TEMPLATE, ctx, out)


def publishable_before(term: str, config, db: str):
    """The publishable sheets as they were made before the informed-reader check: each table suppressed
    against its totals only (publishable._linked), and the earlier terms' hidden totals likewise."""
    from addin.catalogue.fap_referral.matrix import load
    from addin.catalogue.fap_referral.matrix.build import build, trend_table
    from addin.catalogue.fap_referral.matrix.publishable import _linked

    def built(t):
        _, terms, referrals, agencies, counts, blanks = load(t, config, db)
        return terms, counts, build(referrals, t, trend_table(counts), config, agencies, blanks)

    terms, counts, sheets = built(term)
    threshold = config.suppression_threshold
    earlier = {t: {k for k in _linked(built(t)[2], threshold, None)[1] if isinstance(k, str)}
               for t in terms[:-1] if counts.loc[t, "records"]}
    return _linked(sheets, threshold, earlier)[0]


def publishable_times(term: str, config, db: str, runs: int) -> tuple[float, float]:
    """Median seconds for the publishable sheets of `term`: (before, now)."""
    from addin.catalogue.fap_referral.matrix import matrix_sheets

    publishable_before(term, config, db)  # warm: imports, first connection
    matrix_sheets(term, config, db, publishable=True)
    before, now = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        publishable_before(term, config, db)
        t1 = time.perf_counter()
        matrix_sheets(term, config, db, publishable=True)
        before.append(t1 - t0)
        now.append(time.perf_counter() - t1)
    return statistics.median(before), statistics.median(now)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="forms filed in the store (default 1000, three terms)")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "safecontext-bench" / "ingest-forms",
                    help="where the generated forms are kept (shared with bench/ingest_batch.py)")
    ap.add_argument("--sample", type=int, default=100, help="forms the naive path reads, scaled to all (100)")
    ap.add_argument("--referrals", type=int, default=5000, help="referrals in the bulk store (default 5000)")
    ap.add_argument("--runs", type=int, default=3, help="repeats for the medians (default 3)")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args(argv)

    from addin.catalogue.fap_referral.briefing import make_briefing

    files, _ = generate(args.dir, args.n, args.seed)
    terms = bench_terms()
    term = terms[-1][0]
    work = Path(tempfile.mkdtemp(prefix="safecontext-bench-"))
    config = demo_config()
    try:
        db = work / "forms.sqlite"
        filed = file_forms(files, db)
        big = work / "big.sqlite"
        bulk_store(big, args.referrals, terms)
        in_term = round(args.referrals * 0.37)

        process = [run_cli(["brief", "--term", term, "-o", str(work / f"p{i}.docx"), "--db", str(db)], work)[0]
                   for i in range(args.runs)]
        process_big = [run_cli(["brief", "--term", term, "-o", str(work / f"b{i}.docx"), "--db", str(big)],
                               work)[0] for i in range(args.runs)]
        t0 = time.perf_counter()
        make_briefing(term, work / "first.docx", config, db=str(db))
        first = time.perf_counter() - t0
        warm = []
        for i in range(args.runs):
            t0 = time.perf_counter()
            make_briefing(term, work / f"w{i}.docx", config, db=str(db))
            warm.append(time.perf_counter() - t0)

        pub_before, pub_now = publishable_times(term, config, str(db), args.runs)
        big_before, big_now = publishable_times(term, config, str(big), args.runs)

        sample = files[:: max(1, len(files) // args.sample)][: args.sample]
        t0 = time.perf_counter()
        read_naive(sample)
        per_form = (time.perf_counter() - t0) / len(sample)
        rows = read_naive_cached(files, db)
        t0 = time.perf_counter()
        naive_rest(rows, term, work / "naive.docx")
        rest = time.perf_counter() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)

    naive_total = per_form * len(files) + rest
    ours = statistics.median(process)

    def verdict(seconds: float) -> str:
        return "PASS" if seconds < TARGET else "FAIL"

    print(f"SafeContext briefing benchmark  ({platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {platform.system()})")
    print(f"term {term}; store: {filed} filed forms over {', '.join(t for t, _, _ in terms)}; bulk store: "
          f"{args.referrals:,} referrals, about {in_term:,} in {term}")
    table = [
        ("what", "referrals", "seconds", "target", "result"),
        ("safecontext brief (whole process, median)", f"{filed}", f"{ours:.2f}", f"< {TARGET:g} s",
         verdict(ours)),
        ("safecontext brief, bulk store (median)", f"{args.referrals}", f"{statistics.median(process_big):.2f}",
         f"< {TARGET:g} s", verdict(statistics.median(process_big))),
        ("make_briefing in process, first call", f"{filed}", f"{first:.2f}", f"< {TARGET:g} s", verdict(first)),
        ("make_briefing in process, warm (median)", f"{filed}", f"{statistics.median(warm):.2f}",
         f"< {TARGET:g} s", verdict(statistics.median(warm))),
        ("publishable sheets, totals only (before; median)", f"{filed}", f"{pub_before:.2f}", "", ""),
        ("publishable sheets, informed reader (now; median)", f"{filed}", f"{pub_now:.2f}", "", ""),
        ("publishable sheets, bulk store, before (median)", f"{args.referrals}", f"{big_before:.2f}", "", ""),
        ("publishable sheets, bulk store, now (median)", f"{args.referrals}", f"{big_now:.2f}", "", ""),
        ("naive: re-read every workbook + render", f"{len(files)}", f"{naive_total:.1f}", "baseline",
         f"ours {naive_total / ours:.0f}x"),
        (f"  of which reading ({per_form * 1000:.0f} ms/form x {len(files)})", "", f"{per_form * len(files):.1f}",
         "", ""),
        ("  of which matrix, suppression, charts, render", "", f"{rest:.2f}", "", ""),
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for i, r in enumerate(table):
        print("  ".join(cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in enumerate(zip(r, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"naive reading timed on {len(sample)} of the {len(files)} forms and scaled; runs: {args.runs}. The first "
          "in-process call imports matplotlib and docxtpl (pandas and SQLAlchemy were loaded by the setup); the "
          "whole process also pays Python's start and every import.")
    return 0


def read_naive_cached(files: list[Path], db: Path):
    """All forms as the naive path would have read them, taken from the store to save minutes (not timed)."""
    from functools import partial

    from addin.store import load_records

    load_referrals = partial(load_records, form="fap-referral")

    df = load_referrals(str(db))
    return df.drop(columns=[c for c in ("record_key", "version", "filed_at", "source_file", "queries")
                            if c in df.columns]).to_dict("records")


if __name__ == "__main__":
    sys.exit(main())
