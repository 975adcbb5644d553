"""How fast `safecontext validate` checks a folder of filled FAP referral forms, against a naive path.

    .venv/bin/python bench/validate_batch.py [--n 1000] [--dir DIR] [--sample 100] [--runs 9]

Generates N realistic filled forms (fictional people; about 20% with the mistakes people make),
then times, in one run:
  * our path as a user runs it: `safecontext validate DIR --json out.json`, a whole process;
  * the same core in this process (`check_files`), for reference;
  * a naive baseline: openpyxl `load_workbook` in full, every field read by its defined name,
    a one-row DataFrame and one pandera call per file (on a sample, extrapolated);
  * one form as a whole `safecontext validate FILE` process (median of --runs) as users install
    SafeContext: with hypothesis hidden (a test-only dependency that pandera imports whenever it is
    installed) and SafeContext's own modules byte-compiled first, as pip does when it installs a
    package (the target is judged on this), and in this venv with hypothesis, for reference;
  * beside it, alternated, a bare `python -c "import pandas, pandera.pandas"`: the cold check's
    target is a ratio to it measured in the same run (<= 1.3x), as machines differ from day to day;
    and the same import ending as `safecontext` ends (gc.freeze() before exit, which skips Python's
    closing garbage collection, about 0.1-0.2 s), so what that saving is worth shows beside the ratio;
  * one form checked again in this process, as the Excel buttons check it in the Python the add-in
    keeps running between clicks (median of at least 20, after a first check).
Prints one table with the targets, judged on wall time; CPU time is shown beside it because a
shared machine's load moves wall time. Nothing here asserts; tests never time anything.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from addin.config import load_config
from addin.forms import get_form
from addin.forms.codes import ETHNICITY
from addin.forms.fill import Filler
from addin.validators.common import with_check_letter
from addin.validators.fap_referral import expected_year_group

FORM_ID = "fap-referral"
TARGET_RATE = 100       # forms per second, batch, 2 cores
TARGET_SPEEDUP = 10     # times the naive rate
TARGET_SINGLE = 1.0     # seconds for one form as a whole process
TARGET_WARM = 0.25      # seconds for one form checked again in a Python that is already running (Excel)
TARGET_COLD_RATIO = 1.3  # one form as a whole process, over a bare `import pandas, pandera.pandas`
MANIFEST = "bench-manifest.json"
MISTAKE_SHARE = 0.2

FIRST = ("Amara", "Ben", "Chloe", "Dylan", "Ella", "Finn", "Grace", "Harvey", "Isla", "Jayden", "Kacper",
         "Leah", "Mohammed", "Nia", "Oscar", "Priya", "Reuben", "Sofia", "Tyler", "Zainab")
LAST = ("Adeyemi", "Brooks", "Clarke", "Dunn", "Evans", "Fraser", "Gill", "Hussain", "Iqbal", "Jones",
        "Kowalski", "Lewis", "Mensah", "Novak", "O'Neill", "Patel", "Quinn", "Robinson", "Shah", "Taylor")
RELATIONS = ("Mother", "Father", "Grandmother", "Aunt", "Foster carer", "Stepfather")
STREETS = ("Canal Street", "Mill Lane", "Station Road", "Victoria Terrace", "Church Walk", "Park View")
REASONS = ("Persistent disruption in lessons and two fixed-term exclusions this term.",
           "Managed move requested after a serious incident with peers outside school.",
           "Returning from custody; needs a fresh start with support.",
           "At risk of permanent exclusion; school requests a respite place at the PRU.",
           "Moved into the borough mid-year; no school place and poor attendance history.")
NOTES = ("Works well 1:1 with a trusted adult.", "Engages in practical subjects, struggles in English.",
         "Mother is supportive but finds evenings difficult.", "Spends time with older peers off-site.",
         "Two incidents linked to the same group of Year 10 pupils.",
         "Concerns about travelling through the town centre after school.",
         "Referred to early help; awaiting allocation.", "Mentoring twice a week since October.")
SUPPORT = ("Adapted timetables", "1:1 Sessions", "Peer Mentoring", "Counselling", "School Nurse")


# ---------------------------------------------------------------------------- synthetic forms

def _postcode(rng: random.Random) -> str:
    """A postcode of the right shape (first letters from our fictional area)."""
    return f"AS{rng.randint(1, 19)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
           f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def _phone(rng: random.Random) -> str:
    return f"01632 960{rng.randint(0, 999):03d}"  # Ofcom's range reserved for drama


def _upn(rng: random.Random) -> str:
    return with_check_letter("999" + "".join(str(rng.randint(0, 9)) for _ in range(9)))


def _school_days(start: dt.date, n: int) -> dt.date:
    d = start
    while n > 1:
        d += dt.timedelta(days=1)
        n -= d.weekday() < 5
    return d


def _exclusions(rng: random.Random, before: dt.date, k: int) -> list[dict]:
    rows = []
    for _ in range(k):
        start = before - dt.timedelta(days=rng.randint(20, 300))
        while start.weekday() >= 5:
            start += dt.timedelta(days=1)
        days = rng.randint(1, 5)
        rows.append({"date_from": start, "date_to": _school_days(start, days), "days": days,
                     "reason": rng.choice(("Persistent disruptive behaviour", "Physical assault against a pupil",
                                           "Verbal abuse against an adult", "Drug and alcohol related"))})
    return rows


def referral(rng: random.Random, config, today: dt.date) -> tuple[dict, dict]:
    """A filled FAP referral as people fill it: most fields, a few table rows (values, tables)."""
    ref_date = today - dt.timedelta(days=rng.randint(1, 300))
    year = rng.randint(7, 11)
    sy = ref_date.year if ref_date.month >= 9 else ref_date.year - 1
    dob = dt.date(sy - year - 4 - 1, 9, 1) + dt.timedelta(days=rng.randint(0, 364))
    assert expected_year_group(dob, ref_date) == year
    first, last = rng.choice(FIRST), rng.choice(LAST)
    att = round(rng.uniform(55, 97), 1)
    auth = round(rng.uniform(1, 99 - att), 1)  # parts of at least 1%: 0.8 would read as 80% (a fraction)
    concerns = {c: rng.random() < 0.25 for c in (
        "concern_cse", "concern_serious_youth_violence", "concern_gangs", "concern_relationship_abuse",
        "concern_hsb", "concern_sexual_bullying", "concern_missing_education", "concern_missing_home")}
    vulnerable = {v: rng.random() < 0.2 for v in (
        "vulnerable_looked_after", "vulnerable_young_carer", "vulnerable_school_refuser", "vulnerable_fsm",
        "vulnerable_eal")}
    open_sc = rng.random() < 0.3
    ewo = rng.random() < 0.4
    values = {
        "referral_date": ref_date, "child_name": f"{first} {last}", "upn": _upn(rng), "date_of_birth": dob,
        "gender": rng.choice(("Male", "Female")), "year_group": year, "ethnicity": rng.choice(ETHNICITY),
        "school": rng.choice(config.schools), "preferred_school": rng.choice(config.schools),
        "postcode": _postcode(rng), "ward": rng.choice(config.wards),
        "referral_reason": rng.choice(REASONS), "lead_professional": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        **{f"{k}_{part}": rng.choice(NOTES) for k in ("strengths", "attitude", "home", "peer", "school",
                                                       "neighbourhood") for part in ("info", "response")},
        "pru_risk_assessment": rng.choice(NOTES),
        "open_to_social_care": "Yes" if open_sc else "No",
        "early_help": rng.choice(("Yes", "No")), "child_protection": rng.choice(("Yes", "No")),
        "family_overview_issues": rng.choice(NOTES), "family_overview_support": rng.choice(NOTES),
        **{k: "Yes" for k, on in concerns.items() if on},
        "current_status": rng.choice(NOTES), "vulnerable_group": "Yes" if any(vulnerable.values()) else "No",
        **{k: "Yes" for k, on in vulnerable.items() if on},
        "medical": "None known.", "allergies": "None known.",
        "cats_verbal": rng.randint(70, 130), "cats_non_verbal": rng.randint(70, 130),
        "cats_quantitative": rng.randint(70, 130), "english_ks2": "4b", "english_current": "5c",
        "maths_ks2": "4a", "maths_current": "5b", "reading_age": f"{rng.randint(9, 14)}y {rng.randint(0, 11)}m",
        "attendance_pct": att, "authorised_absence_pct": auth,
        "unauthorised_absence_pct": round(100 - att - auth, 1),
        "last_attendance_date": ref_date - dt.timedelta(days=rng.randint(0, 20)),
        "full_time_expected": "Yes", "ewo_involvement": "Yes" if ewo else "No",
        "send_primary_need": rng.choice(("", "SEMH", "SLCN", "MLD")), "iep": rng.choice(("Yes", "No")),
        "diagnosis": "No", "risk_assessment": rng.choice(("Yes", "No")),
        "referral_number": f"FAP-{ref_date.year}-{rng.randint(1, 999):03d}",
        "referred_by": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "date_completed": ref_date,
        "referrer_phone": _phone(rng), "referrer_email": f"{rng.choice(FIRST).lower()}@school.example.org",
        **{c: "Yes" for c in ("check_pastoral_support_plan", "check_referral_form", "check_sims_attendance",
                              "check_school_report", "check_behaviour_log") if rng.random() < 0.8},
        **{f: "Yes" for f in ("fap_risk_of_exclusion", "fap_unsupportive_family", "fap_year_10_11",
                              "fap_permanent_exclusion") if rng.random() < 0.3},
        "provision_pru_respite_requested": "Yes",
    }
    if open_sc:
        values |= {"social_care_contact_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                   "social_care_contact_phone": _phone(rng)}
    if ewo:
        values |= {"ewo_contact_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "ewo_contact_phone": _phone(rng)}
    values = {k: v for k, v in values.items() if v != ""}
    carers = [{"name": f"{rng.choice(FIRST)} {last}", "relationship": rng.choice(RELATIONS),
               "phone": _phone(rng), "email": f"{last.lower().replace(chr(39), '')}@mail.example.org",
               "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}, Ashbridge",
               "postcode": values["postcode"], **({"primary_carer": "Yes"} if i == 0 else {})}
              for i in range(rng.choice((1, 1, 2)))]
    tables = {
        "parents_carers": carers,
        "previous_schools": [{"school_name": rng.choice(config.schools),
                              "date_from": dt.date(sy - 2, 9, 1), "date_to": dt.date(sy - 1, 7, 20)}
                             ][:rng.randint(0, 1)],
        "exclusions": _exclusions(rng, ref_date, rng.randint(0, 3)),
        "internal_exclusions": _exclusions(rng, ref_date, rng.randint(0, 2)),
        "other_agencies": [{"agency": a, "status": rng.choice(("Current", "Expired")),
                            "contact_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"}
                           for a in ("YOS", "Police", "CAMHS") if rng.random() < 0.3],
        "internal_support": [{"support": s, "used": "Yes", "comment": rng.choice(NOTES)}
                             for s in rng.sample(SUPPORT, rng.randint(1, 3))],
    }
    return values, tables


def _with_mistake(rng: random.Random, values: dict, tables: dict) -> None:
    """One or two of the mistakes people really make."""
    mistakes = [
        lambda: values.update(upn=values["upn"][1:] + values["upn"][0]),           # letter at the end
        lambda: values.update(open_to_social_care="maybe"),
        lambda: values.update(year_group=values["year_group"] + 1),                # DOB vs year group
        lambda: values.update(unauthorised_absence_pct=values["unauthorised_absence_pct"] + 25),
        lambda: values.pop("child_name"),
        lambda: values.pop("school"),
        lambda: values.update(referrer_email=values["referrer_email"].replace("@", " at ")),
        lambda: values.update(date_of_birth="31/02/2011"),
        lambda: values.update(school="Ashbridge Acadamy"),
        lambda: values.update(postcode="AS1"),
        lambda: values.update(open_to_social_care="Yes") or values.pop("social_care_contact_name", None),
        lambda: values.update(referral_date=values["referral_date"] + dt.timedelta(days=400)),
        lambda: tables["exclusions"].append({"date_from": dt.date(2025, 3, 10), "date_to": dt.date(2025, 3, 3),
                                             "days": 2, "reason": "Dates swapped"}),
    ]
    for m in rng.sample(mistakes, rng.choice((1, 1, 2))):
        m()


def generate(folder: Path, n: int, seed: int) -> list[Path]:
    """N filled forms in `folder`; reused when a previous run made the same N with the same seed."""
    manifest = folder / MANIFEST
    wanted = {"form": FORM_ID, "n": n, "seed": seed}
    files = [folder / f"referral-{i:04d}.xlsx" for i in range(n)]
    if manifest.exists() and json.loads(manifest.read_text()) == wanted and all(f.exists() for f in files):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("referral-*.xlsx"):
        old.unlink()
    config = load_config()
    filler = Filler(get_form(FORM_ID), config)
    rng = random.Random(seed)
    today = dt.date.today()
    t0 = time.perf_counter()
    for i, path in enumerate(files):
        values, tables = referral(rng, config, today)
        if rng.random() < MISTAKE_SHARE:
            _with_mistake(rng, values, tables)
        filler.save(path, values, tables)
        if (i + 1) % 100 == 0:
            print(f"  generated {i + 1}/{n} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    manifest.write_text(json.dumps(wanted))
    return files


# ---------------------------------------------------------------------------- measurements

@dataclass
class Timing:
    wall: float   # seconds, what a person waits
    cpu: float    # seconds of CPU (user + system); steadier than wall time on a shared machine


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows: no rusage; CPU time is then not reported
        return float("nan")
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("safecontext")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "addin.cli"]


# The console script with hypothesis hidden. hypothesis is a test-only dependency of SafeContext;
# pandera imports it when it is installed, as it is in a development venv but not in a user's install.
_NO_HYPOTHESIS = ("import sys; sys.modules['hypothesis'] = None; sys.argv = ['safecontext', *sys.argv[1:]]; "
                  "from addin.cli import entry; entry()")
# The floor of any check: Python starting and importing pandas and pandera (hypothesis hidden likewise).
_BARE_IMPORT = "import sys; sys.modules['hypothesis'] = None; import pandas, pandera.pandas"
# The same, ending as `safecontext` does (gc.freeze() before exit, which skips the closing collection):
# shown beside the judged ratio so that saving is not mistaken for a faster check.
_BARE_FROZEN = _BARE_IMPORT + "; import gc; gc.freeze()"


def byte_compile() -> list[str]:
    """SafeContext's own modules compiled to bytecode, as `pip install` leaves them. An editable install
    has none until Python writes them, and a machine that sets PYTHONDONTWRITEBYTECODE (this one does)
    would compile every module afresh in every process: about 50 ms a start that no user pays."""
    import compileall

    import addin
    import addin.validators

    dirs = [str(Path(m.__file__).parent) for m in (addin, addin.validators)]
    for d in dirs:
        compileall.compile_dir(d, quiet=1)
    return dirs


def run_cli(args: list[str], command: list[str] | None = None) -> Timing:
    env = {**os.environ, "COLUMNS": "120"}
    cpu0, t0 = _children_cpu(), time.perf_counter()
    done = subprocess.run((command or _cli()) + args, capture_output=True, text=True, env=env)
    timing = Timing(time.perf_counter() - t0, _children_cpu() - cpu0)
    if done.returncode not in (0, 1):  # 1: some forms have errors, as intended
        raise SystemExit(f"safecontext {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return timing


def ours_in_process(files: list[Path]) -> tuple[Timing, list]:
    from addin.checks.run import check_files

    config = load_config()
    check_files(files[:2], config)  # imports and first-use costs, as the process run pays them separately
    cpu0, t0 = time.process_time(), time.perf_counter()
    results = check_files(files, config)
    return Timing(time.perf_counter() - t0, time.process_time() - cpu0), results


def warm_single(path: Path, runs: int) -> tuple[Timing, list[float]]:
    """One form checked again and again in this process, as the Excel buttons do in the Python the add-in
    keeps running (check_inputs, what Check this form calls after saving): the median after a first check."""
    from addin.checks.run import check_inputs

    config = load_config()
    check_inputs([path], config)
    walls, cpus = [], []
    for _ in range(runs):
        cpu0, t0 = time.process_time(), time.perf_counter()
        check_inputs([path], config)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - cpu0)
    return Timing(statistics.median(walls), statistics.median(cpus)), walls


def naive(files: list[Path]) -> Timing:
    """openpyxl in full, fields by defined name, typed, one-row DataFrame, one pandera call per file."""
    import naive as baseline

    read, check = baseline.reader(load_config()), baseline.checker()
    cpu0, t0 = time.process_time(), time.perf_counter()
    for path in files:
        check(read(path))
    return Timing(time.perf_counter() - t0, time.process_time() - cpu0)


def median_timing(runs: list[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in runs), statistics.median(t.cpu for t in runs))


# ---------------------------------------------------------------------------- report

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="forms to generate and check (default 1000)")
    ap.add_argument("--dir", type=Path, help="folder for the forms (kept and reused; default: a temp folder)")
    ap.add_argument("--sample", type=int, default=100, help="files the naive baseline reads (default 100)")
    ap.add_argument("--runs", type=int, default=9, help="runs of the single-form process and of the bare import, alternated (median; default 9)")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args(argv)

    tmp = None
    folder = args.dir
    if folder is None:
        tmp = tempfile.mkdtemp(prefix="safecontext-bench-")
        folder = Path(tmp) / "forms"
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    try:
        t0 = time.perf_counter()
        files = generate(folder, args.n, args.seed)
        gen_s = time.perf_counter() - t0
        out_dir = Path(tempfile.mkdtemp(prefix="safecontext-bench-out-"))
        compiled = byte_compile()

        batch = run_cli(["validate", str(folder), "--json", str(out_dir / "out.json")])
        problems = json.loads((out_dir / "out.json").read_text())
        core, results = ours_in_process(files)
        sample = files[:min(args.sample, len(files))]
        base = naive(sample)
        singles = [run_cli(["validate", str(files[0])]) for _ in range(args.runs)]
        bare, imports, frozen = [], [], []
        for _ in range(args.runs):  # alternated, so a change in the machine's load touches all alike
            bare.append(run_cli(["validate", str(files[0])], [sys.executable, "-c", _NO_HYPOTHESIS]))
            imports.append(run_cli([], [sys.executable, "-c", _BARE_IMPORT]))
            frozen.append(run_cli([], [sys.executable, "-c", _BARE_FROZEN]))
        warm, warm_walls = warm_single(files[0], max(args.runs, 20))
        shutil.rmtree(out_dir, ignore_errors=True)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None

    n, k = len(files), len(sample)
    statuses = {s: sum(r.status == s for r in results) for s in ("valid", "queries", "errors", "unreadable")}
    single, single_bare, bare_import = median_timing(singles), median_timing(bare), median_timing(imports)
    # Each check ran just before its bare import, so a pair shares the machine's load of the moment: the
    # judged ratio is the median of the pairs' ratios (steadier on a shared machine than a ratio of medians).
    cold_ratio = statistics.median(b.wall / i.wall for b, i in zip(bare, imports))
    cold_cpu = statistics.median(b.cpu / i.cpu for b, i in zip(bare, imports)) if all(i.cpu > 0 for i in imports) else None
    ours_rate, naive_rate = n / batch.wall, k / base.wall
    speedup = ours_rate / naive_rate

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    def rate(count: int, seconds: float) -> str:
        return f"{count / seconds:,.1f} forms/s" if seconds == seconds and seconds > 0 else "-"

    rows = [
        ("our validate (batch, whole process)", f"{n} forms in {batch.wall:.2f} s",
         rate(n, batch.wall), rate(n, batch.cpu), f">= {TARGET_RATE} forms/s", verdict(ours_rate >= TARGET_RATE)),
        ("  same core in-process (check_files)", f"{n} forms in {core.wall:.2f} s",
         rate(n, core.wall), rate(n, core.cpu), "(reference)", ""),
        ("naive baseline (openpyxl full + pandera/file)", f"{k} forms in {base.wall:.2f} s",
         rate(k, base.wall), rate(k, base.cpu), f"{n} forms ~ {n / naive_rate:,.0f} s (extrapolated)", ""),
        ("speed-up (our batch / naive)", "", f"{speedup:,.1f}x",
         f"{(n / batch.cpu) / (k / base.cpu):,.1f}x" if batch.cpu == batch.cpu else "-",
         f">= {TARGET_SPEEDUP}x", verdict(speedup >= TARGET_SPEEDUP)),
        (f"single form, whole process, as users install (median of {len(bare)})",
         " ".join(f"{t.wall:.2f}" for t in bare), f"{single_bare.wall:.2f} s", f"{single_bare.cpu:.2f} s",
         f"< {TARGET_SINGLE:.0f} s", verdict(single_bare.wall < TARGET_SINGLE)),
        ("  same in this venv, hypothesis installed (tests)", " ".join(f"{t.wall:.2f}" for t in singles),
         f"{single.wall:.2f} s", f"{single.cpu:.2f} s", "(reference)", ""),
        ("  bare `import pandas, pandera.pandas`", " ".join(f"{t.wall:.2f}" for t in imports),
         f"{bare_import.wall:.2f} s", f"{bare_import.cpu:.2f} s", "(reference)", ""),
        ("  one form cold / bare import (median of the pairs)", " ".join(f"{b.wall / i.wall:.2f}" for b, i in zip(bare, imports)),
         f"{cold_ratio:.2f}x", f"{cold_cpu:.2f}x" if cold_cpu else "-",
         f"<= {TARGET_COLD_RATIO}x", verdict(cold_ratio <= TARGET_COLD_RATIO)),
        ("  bare import ending as safecontext does (gc.freeze)", " ".join(f"{t.wall:.2f}" for t in frozen),
         f"{median_timing(frozen).wall:.2f} s", f"{median_timing(frozen).cpu:.2f} s", "(reference)", ""),
        ("  one form cold / that (median of the pairs)", " ".join(f"{b.wall / f.wall:.2f}" for b, f in zip(bare, frozen)),
         f"{statistics.median(b.wall / f.wall for b, f in zip(bare, frozen)):.2f}x", "", "(reference)", ""),
        (f"one form again, warm in-process (median of {len(warm_walls)})", f"min {min(warm_walls):.3f}",
         f"{warm.wall:.3f} s", f"{warm.cpu:.3f} s", f"< {TARGET_WARM} s", verdict(warm.wall < TARGET_WARM)),
    ]
    headers = ("measure", "raw (wall s)", "wall time", "CPU time", "target", "")
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    load = (f"; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
            if load_before and load_after else "")
    print(f"SafeContext validate benchmark: {n} filled {FORM_ID} forms, {os.cpu_count()} CPU(s), "
          f"Python {sys.version.split()[0]}{load}")
    print(f"forms: {statuses['valid']} valid, {statuses['queries']} with queries, {statuses['errors']} with "
          f"errors, {statuses['unreadable']} unreadable; {len(problems)} problems in the JSON "
          f"(generated or reused in {gen_s:.1f} s)")
    print(line)
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths)).rstrip())
    print(line)
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    print(line)
    print(f"naive: fields only (no tables), typed with the same parsers, one pandera schema built once; "
          f"timed on {k} files and extrapolated.")
    print(f"Before timing, SafeContext's modules were byte-compiled as pip install does ({', '.join(compiled)}; "
          f"PYTHONDONTWRITEBYTECODE is {'set' if os.environ.get('PYTHONDONTWRITEBYTECODE') else 'not set'} here).")
    print("PASS/FAIL judge wall time. CPU time is user + system seconds of the process; on a busy machine "
          "it shows what an idle one would take.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
