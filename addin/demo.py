"""`safecontext demo`: a synthetic term of fictional referrals, checked as a coordinator would.

Every person, school, ward and postcode here is invented. The generator is seeded, so the
same seed and date give the same forms.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from addin.config import Config, demo_config
from addin.forms import get_form
from addin.forms.codes import ETHNICITY
from addin.validators.common import with_check_letter

FIRST = ("Aiden", "Amara", "Ben", "Chloe", "Daniel", "Ella", "Femi", "Grace", "Hassan", "Isla", "Jayden",
         "Kai", "Leah", "Mason", "Nia", "Omar", "Priya", "Quinn", "Reece", "Sofia", "Tyler", "Yusuf", "Zara")
LAST = ("Adeyemi", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones",
        "Khan", "Lewis", "Mensah", "Nowak", "Okafor", "Patel", "Roberts", "Smith", "Taylor", "Walker")
CONCERN_RATES = {  # share of referrals with each concern (seed 002: "over a third" relate to p-o-p abuse)
    "concern_cse": 0.12, "concern_serious_youth_violence": 0.10, "concern_gangs": 0.09,
    "concern_hsb": 0.08, "concern_relationship_abuse": 0.06, "concern_sexual_bullying": 0.08,
    "concern_missing_education": 0.12, "concern_missing_home": 0.10,
}
CONTEXT_TEXT = {
    "peer_info": ("Spends time with an older group after school; role appears to be a follower.",
                  "Isolated in class, recently lost a friendship group.",
                  "Named as a leader in a group linked to incidents on the bus."),
    "school_info": ("Linked to two other incidents in Year 9 this term.",
                    "Concerns about sexualised comments in corridors.", ""),
    "neighbourhood_info": ("Assaulted on the journey to school in the park by the station.",
                           "Reports of gang activity near home; avoids the high street.", ""),
    "peer_response": ("Peer mentoring offered; referral to youth service.", "Restorative meeting held.", ""),
    "school_response": ("Safeguarding lead informed; staff briefed.", "Behaviour plan agreed with parents.", ""),
}


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _dob_for(rng: random.Random, year_group: int, on: dt.date) -> dt.date:
    """A date of birth that puts a child in `year_group` in the school year of `on`."""
    start = on.year if on.month >= 9 else on.year - 1
    born_after = dt.date(start - year_group - 5, 9, 1)  # age (year_group + 4) on 31 August `start`
    return born_after + dt.timedelta(days=rng.randrange(365))


def synthetic_referral(rng: random.Random, config: Config, referral_date: dt.date, number: int):
    """A complete, valid FAP referral: (values, tables)."""
    year = rng.choice((7, 8, 8, 9, 9, 9, 10, 10, 10, 11))
    ward_i = rng.randrange(len(config.wards))
    v = {
        "referral_date": referral_date,
        "child_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "upn": with_check_letter(f"999{rng.randrange(10**9):09d}"),
        "date_of_birth": _dob_for(rng, year, referral_date),
        "gender": rng.choice(("Male", "Male", "Male", "Female")),
        "year_group": year,
        "ethnicity": rng.choices(ETHNICITY, weights=[40, 2, 1, 1, 6, 4, 3, 3, 3, 5, 6, 4, 3, 5, 8, 2, 1, 2, 1, 1])[0],
        "school": config.schools[min(int(rng.paretovariate(1.2)) - 1, len(config.schools) - 1)],
        "postcode": f"AS{ward_i % 9 + 1} {rng.randrange(10)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
        "ward": config.wards[ward_i],
        "referral_reason": "At risk of permanent exclusion following repeated incidents; managed move requested.",
        "open_to_social_care": rng.random() < 0.3,
        "early_help": rng.random() < 0.5,
        "child_protection": rng.random() < 0.1,
        "referral_number": f"FAP-{referral_date.year}-{number:04d}",
        "referred_by": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "referrer_email": "safeguarding@school.example.org",
        "date_completed": referral_date,
        "attendance_pct": 0.0,
        "full_time_expected": rng.random() < 0.8,
    }
    for field, rate in CONCERN_RATES.items():
        v[field] = rng.random() < rate
    if v["concern_gangs"] and rng.random() < 0.6:
        v["concern_serious_youth_violence"] = True
    concerned = any(v[f] for f in CONCERN_RATES)
    if concerned:
        for field, texts in CONTEXT_TEXT.items():
            v[field] = rng.choice(texts) or None
        v["peer_info"] = rng.choice(CONTEXT_TEXT["peer_info"])
    elif rng.random() < 0.3:  # context is recorded for some referrals without a peer-on-peer concern too
        v["school_info"] = "Low-level disruption in lessons; no incidents with peers."
    if rng.random() < 0.35:
        v["home_info"] = rng.choice(("Parent engages well with the school.", "Child sometimes stays with a relative.",
                                     "Family recently moved into temporary accommodation."))
    involved = {"YOS": v["concern_gangs"] or v["concern_serious_youth_violence"],
                "Police": v["concern_cse"] or v["concern_gangs"], "CAMHS": rng.random() < 0.15,
                "Education Psychology": rng.random() < 0.1}
    agencies = [{"agency": a} | ({"status": rng.choice(("Current", "Current", "Expired")),
                                  "contact_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"}
                                 if on and rng.random() < 0.8 else {}) for a, on in involved.items()]
    if v["open_to_social_care"]:
        v["social_care_contact_name"] = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        v["social_care_contact_phone"] = "020 7946 0" + f"{rng.randrange(1000):03d}"
    if rng.random() < 0.4:
        v["vulnerable_group"] = True
        for tick in rng.sample(("vulnerable_fsm", "vulnerable_eal", "vulnerable_young_carer",
                                "vulnerable_looked_after", "vulnerable_school_refuser"), rng.randint(1, 2)):
            v[tick] = True
    else:
        v["vulnerable_group"] = False
    attendance = float(rng.randint(55, 97))
    authorised = float(rng.randint(1, int(100 - attendance) - 1)) if attendance < 98 else 0.0
    v.update(attendance_pct=attendance, authorised_absence_pct=authorised,
             unauthorised_absence_pct=round(100 - attendance - authorised, 1))
    for tick in rng.sample([f.id for f in get_form("fap-referral").fields if f.id.startswith("fap_")
                            and f.type == "tick"], rng.randint(1, 2)):
        v[tick] = True
    v[rng.choice(("provision_mainstream_requested", "provision_pru_respite_requested",
                  "provision_alternative_requested"))] = True
    exclusions = []
    for _ in range(rng.choice((0, 0, 1, 2))):
        start = _date_between(rng, referral_date - dt.timedelta(days=200), referral_date - dt.timedelta(days=10))
        start += dt.timedelta(days=(7 - start.weekday()) % 7 if start.weekday() > 4 else 0)
        days = rng.choice((1, 2, 3, 5))
        end = start + dt.timedelta(days=days - 1 + 2 * ((start.weekday() + days - 1) // 5))
        exclusions.append({"date_from": start, "date_to": end, "days": days,
                           "reason": rng.choice(("Persistent disruptive behaviour", "Physical assault against a pupil",
                                                 "Verbal abuse against an adult"))})
    tables = {
        "parents_carers": [{"name": f"{rng.choice(FIRST)} {v['child_name'].split()[1]}",
                            "relationship": rng.choice(("Mother", "Father", "Grandmother", "Foster carer")),
                            "phone": f"07700 900{rng.randrange(1000):03d}", "postcode": v["postcode"],
                            "primary_carer": True}],
        "exclusions": exclusions,
        "other_agencies": agencies if any(len(a) > 1 for a in agencies) else [],
        "previous_schools": [{"school_name": rng.choice(config.schools), "date_from": dt.date(referral_date.year - 2, 9, 1),
                              "date_to": dt.date(referral_date.year - 1, 7, 20)}] if rng.random() < 0.4 else [],
    }
    return v, tables


def _bad_date(v, t):
    v["date_of_birth"] = "31/02/2012"


def _maybe(v, t):
    v["open_to_social_care"] = "maybe"


def _bad_upn(v, t):
    upn = v["upn"]
    v["upn"] = ("B" if upn[0] != "B" else "C") + upn[1:]


def _no_school(v, t):
    v["school"] = None


def _attendance(v, t):
    v["unauthorised_absence_pct"] = round(v["unauthorised_absence_pct"] + 12, 1)


def _reversed_exclusion(v, t):
    t["exclusions"] = [{"date_from": v["referral_date"] - dt.timedelta(days=20),
                        "date_to": v["referral_date"] - dt.timedelta(days=27), "days": 2, "reason": "Assault"}]


def _no_contact(v, t):
    v["open_to_social_care"] = True
    v["social_care_contact_name"] = None


def _year_mismatch(v, t):
    v["year_group"] = 11 if v["year_group"] < 11 else 10


def _bad_email(v, t):
    v["referrer_email"] = "safeguarding@school"


def _typed_text(v, t):  # what people type: all accepted, so the form stays valid
    v["referral_date"] = v["referral_date"].strftime("%-d/%-m/%Y")
    v["attendance_pct"] = f"{v['attendance_pct']}%"
    v["open_to_social_care"] = "Y" if v["open_to_social_care"] is True else "n"


MISTAKES = (_bad_date, _maybe, _bad_upn, _no_school, _attendance, _reversed_exclusion, _no_contact,
            _year_mismatch, _bad_email)


def synthetic_pgi(rng: random.Random, on: dt.date, mistake: bool):
    aware = rng.random() < 0.8
    v = {"requester_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
         "requester_agency": rng.choice(("Youth offending team", "Children's social care", "CSE service")),
         "provider_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
         "provider_agency": rng.choice(("Education provider (mainstream)", "Education provider (alternative)",
                                        "Youth service")),
         "young_person_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
         "assessment_type": rng.choice(("Social care assessment", "Asset Plus", "CSE service assessment")),
         "date_requested": on, "date_returned": on + dt.timedelta(days=rng.randint(3, 15)),
         "aware_of_peers": aware}
    peers = []
    if aware:
        v.update(peer_network=rng.choice(("Many peer relationships", "A small number")),
                 negative_influence="One older peer appears to encourage risk-taking after school.",
                 follows_peers="Tends to follow the older peer's lead.")
        peers = [{"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "setting": rng.choice(("Same school", "Youth club"))}
                 for _ in range(rng.randint(1, 4))]
    if mistake:
        if aware:
            peers = []  # query: aware but no peers named
        else:
            v["other_information"] = "Seen with a group at the park."  # error: No means the rest is empty
    return v, {"peers": peers}


def write_term(folder: Path, config: Config, rng: random.Random, start: dt.date, end: dt.date,
               n_fap: int, first_number: int = 1, mistake_rate: float = 0.25) -> list[Path]:
    """Write a term's synthetic FAP referrals; return the paths (PGIs come from pgi_requests)."""
    from addin.forms.fill import Filler

    fap = Filler(get_form("fap-referral"), config)
    paths = []
    for i in range(n_fap):
        values, tables = synthetic_referral(rng, config, _date_between(rng, start, end), first_number + i)
        roll = rng.random()
        if roll < mistake_rate:
            rng.choice(MISTAKES)(values, tables)
        elif roll < mistake_rate + 0.1:
            _typed_text(values, tables)
        paths.append(fap.save(folder / "fap" / f"referral-{first_number + i:04d}.xlsx", values, tables))
    return paths


@dataclass
class PgiDemo:
    returned: list[Path]          # the providers' returned PGIs, to be filed with the term's batch
    corrected: Path | None        # a provider's later correction of one of them
    requests: list[str]           # every request reference, in order
    open: int                     # requests not returned (by the demo's today)


def pgi_requests(folder: Path, config: Config, rng: random.Random, start: dt.date, end: dt.date, n: int,
                 store: Path) -> PgiDemo:
    """The PGI loop's first half for a term: n requests recorded (drafts -> PGIs to send), most returned
    (some late, one 'not aware of peers', some with mistakes), one corrected later."""
    from addin.catalogue.pgi.loop import make_request
    from addin.forms.fill import Filler
    from addin.intake.reader import read_form

    pgi = Filler(get_form("pgi"), config)
    returned, refs, open_ = [], [], 0
    request_fields = ("requester_name", "requester_agency", "provider_name", "provider_agency",
                      "young_person_name", "assessment_type", "date_requested")
    nothing = None
    for i in range(n):
        on = _date_between(rng, start, end)
        values, tables = synthetic_pgi(rng, on, rng.random() < 0.3)
        draft = pgi.save(folder / "pgi" / "drafts" / f"request-{i + 1:03d}.xlsx",
                         {k: values[k] for k in request_fields}, {})
        done = make_request(draft, config, out=folder / "pgi" / "sent" / f"request-{i + 1:03d}.xlsx", db=str(store),
                            user="demo.requester")
        refs.append(done.reference)
        back = on + dt.timedelta(days=rng.randint(3, 20))  # more than 14 days: returned late
        if back > end or i % 7 == 6:
            open_ += 1  # not returned yet
            continue
        if nothing is None and not values["aware_of_peers"]:
            nothing = i
        values.update(request_reference=done.reference, return_by=done.return_by, date_returned=back)
        returned.append(pgi.save(folder / "pgi" / "returned" / f"{done.reference}.xlsx", values, tables))
    corrected = None
    for path in returned:  # the first complete return with peers is corrected by its provider
        rec = read_form(path)
        if rec.raw.get("aware_of_peers") == "Yes" and rec.tables["peers"]:
            values = {k: v for k, v in rec.raw.items() if v is not None}
            values["negative_influence"] = "Since the form was returned, the older peer has moved out of the area."
            peers = [row.raw for row in rec.tables["peers"]][:1]
            corrected = pgi.save(folder / "pgi" / "corrections" / f"{path.stem} corrected.xlsx", values,
                                 {"peers": peers})
            break
    return PgiDemo(returned, corrected, refs, open_)


def demo_terms(today: dt.date, config: Config) -> list[tuple[str, dt.date, dt.date]]:
    """The latest term begun by today (up to yesterday) and the two before it."""
    from addin.term import current_term, previous_terms, term_range

    latest = current_term(today - dt.timedelta(days=1), config)
    out = []
    for term in previous_terms(latest, 2) + [latest]:
        start, end = term_range(term, config)
        out.append((term, start, min(end, today - dt.timedelta(days=1))))
    return out


def run_demo(folder: Path, seed: int, out, err, today: dt.date | None = None) -> None:
    """Write three terms of forms, check them, file the valid ones, write matrices and the briefing."""
    from addin.catalogue.fap_referral.briefing import make_briefing
    from addin.checks.annotate import annotated_copy
    from addin.checks.report import problem_dicts, progress_bar
    from addin.checks.run import check_files
    from addin.catalogue.fap_referral.matrix import make_matrix
    from addin.store import file_batch

    config = demo_config()
    rng = random.Random(seed)
    terms = demo_terms(today or dt.date.today(), config)
    sizes = {0: (95, 8), 1: (105, 12), 2: (120, 24)}  # FAP referrals and PGI requests per term, oldest first
    store = folder / "demo-store.sqlite"
    if store.exists():
        store.unlink()  # the demo always starts from an empty store
    number = 1
    latest_results, pgi_loop = [], None
    for i, (term, start, end) in enumerate(terms):
        n_fap, n_pgi = sizes[i]
        forms = folder / "forms" / term
        out.print(f"{term}: writing {n_fap} synthetic FAP referrals{' (and a correction of one)' if i == len(terms) - 1 else ''}"
                  f" and {n_pgi} PGI requests (fictional people) in {forms}")
        paths = write_term(forms, config, rng, start, end, n_fap, first_number=number)
        number += n_fap
        if i == len(terms) - 1:
            paths.append(_corrected_copy(forms, paths[0], config))
        loop = pgi_requests(forms, config, rng, start, end, n_pgi, store) if n_pgi else None
        paths += loop.returned if loop else []
        with progress_bar(err, len(paths)) as bar:
            task = bar.add_task(f"Checking {term}", total=len(paths))
            results = check_files(paths, config, advance=lambda: bar.advance(task))
        referrals = [r for r in results if r.form_id == "fap-referral"]
        report = file_batch(store, referrals, config)
        out.print(f"  filed {report.count('filed')}, superseded {report.count('superseded')}, "
                  f"refused {report.count('refused')} (forms with errors)")
        if loop:
            pgi_loop = _pgi_returns(folder, config, loop, [r for r in results if r.form_id == "pgi"], store, out)
        latest_results = results
    latest = terms[-1][0]
    checked = folder / "checked"
    with progress_bar(err, len(latest_results)) as bar:
        task = bar.add_task("Annotating", total=len(latest_results))
        for r in latest_results:
            if r.problems:
                annotated_copy(r.path, r.problems, checked, form=r.record.form)
            bar.advance(task)
    report_file = folder / "validation-report.json"
    report_file.write_text(json.dumps(problem_dicts(latest_results), indent=2, ensure_ascii=False), encoding="utf-8")
    summary = _summary(latest_results)
    (folder / "validation-summary.txt").write_text(summary, encoding="utf-8")
    out.print(summary, markup=False)
    internal = make_matrix(latest, folder / f"matrix-{latest}-internal.xlsx", config, db=str(store))
    public = make_matrix(latest, folder / f"matrix-{latest}-publishable.xlsx", config, db=str(store), publishable=True)
    briefing = make_briefing(latest, folder / f"briefing-{latest}.docx", config, db=str(store))
    from addin.catalogue.pgi.tracker import write_tracker

    tracker = write_tracker(folder / "pgi-tracker.xlsx", config, db=str(store), today=today)
    from addin.catalogue.hsb_framework.demo import run_hsb_demo

    out.print("HSB meeting frameworks (fictional cases across the configured sites):")
    hsb_tracker = run_hsb_demo(folder, config, rng, terms, store, out, today or dt.date.today())
    from addin.catalogue.hsb_framework.profile import load_profile, publishable
    from addin.catalogue.hsb_framework.profile_briefing import make_briefing as make_hsb_briefing
    from addin.catalogue.hsb_framework.profile_workbook import write_json, write_profile
    from addin.suppression import symbols_note

    profile = load_profile(config, db=str(store), today=today)
    profile_internal = write_profile(profile, folder / "hsb-profile-internal.xlsx", authority=config.authority)
    published = publishable(profile, config.suppression_threshold, config.minimum_publishable_total)
    symbols = symbols_note(config.suppression_threshold, "from the other numbers of the profile")
    profile_public = write_profile(profile, folder / "hsb-profile-publishable.xlsx", authority=config.authority,
                                   published=published, symbols=symbols)
    write_json(profile, folder / "hsb-profile-publishable.json", published)
    hsb_briefing = make_hsb_briefing(folder / "hsb-briefing.docx", config, db=str(store))
    from addin.catalogue.hsb_audit.briefing import make_briefing as make_audit_briefing
    from addin.catalogue.hsb_audit.demo import write_audit_demo

    audit = write_audit_demo(folder, config, store, today=today)
    out.print(f"NSPCC HSB audit: {len(audit.agencies)} agencies' audits of {audit.rounds} rounds, agreed at the lower "
              f"score ({audit.disagreements} disagreements of 2 points or more), with two action plans.", markup=False)
    audit_briefing = make_audit_briefing(folder / "hsb-audit-briefing.docx", config, db=str(store), today=today)
    from addin.catalogue.case_review.demo import write_case_review_demo

    reviews = write_case_review_demo(folder, config, store, today=today)
    out.print(f"Contextual case reviews: {reviews.filed} fictional reviews filed (one refused first for a name typed "
              "in place of a code, then corrected), and their cross-case summary.", markup=False)
    out.print(f"Annotated copies of {latest} forms with problems: {checked}\n"
              f"Every problem as JSON: {report_file}\n"
              f"Store: {store}\n"
              f"Matrix (internal, exact counts): {internal}\n"
              f"Matrix (publishable): {public}\n"
              f"Briefing for the board: {briefing}\n"
              f"PGI feedback letters: {pgi_loop}\n"
              f"PGI tracker (internal requests, publishable counts): {tracker}\n"
              f"HSB tracker (internal, reference codes only): {hsb_tracker}\n"
              f"HSB cohort profile of {profile.cases} cases (internal): {profile_internal}\n"
              f"HSB cohort profile (publishable, and its JSON): {profile_public}\n"
              f"HSB briefing for the board: {hsb_briefing}\n"
              f"HSB audit progress report: {audit.report}\n"
              f"HSB audit briefing for the board: {audit_briefing}\n"
              f"Case review summary (internal, exact counts): {reviews.internal}\n"
              f"Case review summary (publishable): {reviews.publishable}")


def _pgi_returns(folder: Path, config: Config, loop: PgiDemo, results, store: Path, out) -> Path:
    """The PGI loop's second half: file the returns against their requests, then a provider's correction,
    and send feedback on most returns; the folder of feedback letters."""
    from addin.catalogue.pgi.loop import give_feedback
    from addin.checks.run import check_files
    from addin.store import file_batch

    report = file_batch(store, results, config)
    changed = file_batch(store, check_files([loop.corrected], config), config) if loop.corrected else None
    letters = folder / "pgi-feedback"
    letters.mkdir(parents=True, exist_ok=True)
    filed = [f for f in report.filings if f.outcome == "filed"]
    fed = 0
    for k, f in enumerate(filed):
        if k % 4 == 3:
            continue  # feedback not yet sent: the tracker lists these
        fed += 1
        reference = f.result.values["request_reference"]
        further = k % 3 == 0
        give_feedback(reference, config, informed=k % 5 != 4, further_actions=further,
                      actions="A referral to the CSE service and a safety plan agreed with school" if further else None,
                      letter=letters / f"{reference} feedback.docx", db=str(store))
    out.print(f"  PGIs: {len(loop.requests)} requests recorded, {report.count('filed')} returned and filed, "
              f"{report.count('refused')} refused (forms with errors), {loop.open} not returned yet, "
              f"{changed.count('superseded') if changed else 0} corrected by its provider; feedback sent on {fed}")
    return letters


def _corrected_copy(forms: Path, first: Path, config: Config) -> Path:
    """A referral resent with a correction (same referral number): it supersedes the first version.

    It is saved an hour after the first (its workbook's own saved time, set explicitly), so it is
    the newer form in whatever order the two are filed.
    """
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    from addin.forms.fill import Filler
    from addin.intake.reader import read_form

    rec = read_form(first)
    values = {k: v for k, v in rec.raw.items() if v is not None}
    values["concern_sexual_bullying"] = True
    values["peer_info"] = values.get("peer_info") or "Named with two peers in repeated sexualised comments."
    tables = {t: [row.raw for row in rows] for t, rows in rec.tables.items() if rows}
    wb = Filler(get_form("fap-referral"), config).fill(values, tables)
    saved = (rec.saved_at or dt.datetime.now(dt.timezone.utc)) + dt.timedelta(hours=1)
    wb.properties.modified = saved.astimezone(dt.timezone.utc).replace(tzinfo=None)  # openpyxl: naive UTC
    path = forms / "fap" / f"{first.stem}-corrected.xlsx"
    # openpyxl's save() stamps the time of saving over `modified`; its writer alone keeps the time set.
    ExcelWriter(wb, ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)).save()
    return path


def _summary(results) -> str:
    status = Counter(r.status for r in results)
    forms = Counter(r.form_id for r in results)
    codes = Counter(p.code for r in results for p in r.problems)
    lines = [f"Checked {len(results)} forms: {forms['fap-referral']} FAP referrals, {forms['pgi']} PGIs.",
             f"  valid: {status['valid']}, valid with queries: {status['queries']}, "
             f"with errors: {status['errors']}, unreadable: {status['unreadable']}",
             "Most common problems:"]
    lines += [f"  {code}: {n}" for code, n in codes.most_common(8)]
    return "\n".join(lines) + "\n"
