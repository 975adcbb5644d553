"""Demo HSB meeting frameworks: fictional cases across the configured sites, initial meetings in the first two
terms and reviews after them, filed into the demo store, and the HSB tracker. Factors in peer, school and
neighbourhood contexts are often left without an intervention, as the 2017 study found (S000:L348-354).
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from addin.catalogue.hsb_framework.declaration import (ATTENDEES, CHALLENGES, CONTEXT_VALUES, FORM, HACKETT,
                                                       INCIDENT, PEERS, RAG)
from addin.catalogue.hsb_framework.factors import BY_CONTEXT_AND_TYPE
from addin.forms.codes import ETHNICITY

PLANS = {  # context -> interventions the demo plans there (S000:L354: mostly individual and family work)
    "Individual": ("1:1 healthy relationships programme", "CAMHS assessment", "AIM2 assessment"),
    "Family / Home": ("Child and family social work", "Parenting support", "Family group conference"),
    "Peer group": ("Disrupt peer association", "Refer peers for intervention", "Diversionary activities"),
    "School": ("Relationships and sex education in the school", "Safety plan agreed with school"),
    "Neighbourhood": ("Detached youth work in the park", "Neighbourhood policing patrols"),
}
AGENCIES = ("Children's Social Care", "Youth Justice Service", "CAMHS", "Youth service", "School", "Police")
GRID_TEXT = {
    "situation": "Lives at home; attends mainstream school.", "hsb": "Sexualised comments and touching.",
    "vulnerability": "See the Factors table.", "risk": "See the Factors table.",
    "strengths": "Good communication with youth worker.", "involvement": "Social care assessment under way.",
}
CHANCE_OF_A_PLAN = {"Individual": 0.95, "Family / Home": 0.8, "Peer group": 0.3, "School": 0.35, "Neighbourhood": 0.2}


def _initial(rng: random.Random, config, number: int, on: dt.date) -> tuple[dict, dict]:
    offence = rng.choices(("Sole", "Group", "Both"), weights=(24, 15, 10))[0]  # the study's cohorts (S000:L128)
    level = rng.choice(("Inappropriate", "Problematic", "Problematic", "Abusive", "Abusive", "Violent"))
    values = {
        "reference": f"HSB-{number:04d}", "site": rng.choice(config.lists()["sites"]), "meeting_date": on,
        "meeting_type": "Initial", "person_id": f"CMS-{rng.randrange(100000, 999999)}", "age": rng.randint(10, 17),
        "gender": "Male", "ethnicity": rng.choice(ETHNICITY[:18]), "school": rng.choice(config.schools),
        "ward": rng.choice(config.wards), "offence_context": offence, "hackett_level": level,
        "hackett_rationale": f"{level}: {dict(HACKETT)[level].split(';')[0]}.",
        **{f"attendance_{k}": rng.random() < 0.6 for k, _ in ATTENDEES},
        **{f"incident_{k}": rng.random() < (0.35 if offence != "Sole" else 0.15) for k, _ in INCIDENT},
        **{f"peer_{k}": rng.random() < (0.4 if offence != "Sole" else 0.2) for k, _ in PEERS},
        **{f"grid_individual_{c}": text for c, text in GRID_TEXT.items()},
        "contexts_summary": "Individual and family contexts most strongly associated.",
    }
    if offence != "Sole" and rng.random() < 0.85:  # a few group cases leave the peer row empty (HSB-029)
        values["grid_peer_hsb"] = "Harm in front of peers in a group."
        values["grid_peer_risk"] = "Peers normalise the behaviour."
    factors = []
    for (context, kind), entries in rng.sample(BY_CONTEXT_AND_TYPE, rng.randint(3, 6)):
        factors.append({"context": context, "type": kind, "factor": rng.choice(entries[:-1])})
    interventions = []
    for context in CONTEXT_VALUES:
        if any(f["context"] == context for f in factors) and rng.random() < CHANCE_OF_A_PLAN[context]:
            interventions.append(_plan(rng, context, on, [f for f in factors if f["context"] == context]))
    challenges = [{"challenge": rng.choice(CHALLENGES[:-1]), "context": rng.choice(CONTEXT_VALUES)}]
    return values, {"factors": factors, "interventions": interventions, "challenges": challenges}


def _plan(rng, context: str, on: dt.date, factors: list[dict]) -> dict:
    return {"context": context, "intervention": rng.choice(PLANS[context]), "agency": rng.choice(AGENCIES),
            "rag": rng.choice(RAG), "date_set": on, "review_date": on + dt.timedelta(weeks=rng.randint(6, 12)),
            "addresses": ", ".join(f["factor"].split(" - ")[0] for f in factors)}


def _review(rng: random.Random, values: dict, tables: dict, on: dt.date) -> tuple[dict, dict]:
    """The next meeting: lights moved on, a factor added or gone, sometimes a plan for a gap, a new level."""
    values = {**values, "meeting_type": "Review", "meeting_date": on}
    if rng.random() < 0.3:
        values["hackett_level"] = rng.choice(("Problematic", "Abusive"))
        values["hackett_rationale"] = f"{values['hackett_level']}: reviewed at the meeting of {on:%d/%m/%Y}."
    factors = list(tables["factors"])
    if factors and rng.random() < 0.4:
        factors.pop(rng.randrange(len(factors)))
    if rng.random() < 0.5:
        (context, kind), entries = rng.choice(BY_CONTEXT_AND_TYPE)
        factors.append({"context": context, "type": kind, "factor": rng.choice(entries[:-1])})
    interventions = []
    for i in tables["interventions"]:
        if i["rag"] == RAG[2] and rng.random() < 0.4:
            continue  # progressed and closed
        step = min(RAG.index(i["rag"]) + rng.choice((0, 1, 1)), 2)
        interventions.append({**i, "rag": RAG[step], "review_date": on + dt.timedelta(weeks=rng.randint(6, 12))})
    planned = {i["context"] for i in interventions}
    for context in CONTEXT_VALUES:
        if context not in planned and any(f["context"] == context for f in factors) and rng.random() < 0.5:
            interventions.append(_plan(rng, context, on, [f for f in factors if f["context"] == context]))
    return values, {**tables, "factors": factors[:FORM["factors"].rows],
                    "interventions": interventions[:FORM["interventions"].rows]}


def run_hsb_demo(folder: Path, config, rng: random.Random, terms, store: Path, out, today: dt.date) -> Path:
    """Write, check and file the frameworks term by term (reviews after the meetings they review); the tracker."""
    from addin.catalogue.hsb_framework.tracker import write_tracker
    from addin.checks.run import check_files
    from addin.forms.fill import Filler
    from addin.store import file_batch

    filler = Filler(FORM, config)
    cases: list[tuple[dict, dict]] = []
    number = 1
    for i, (term, start, end) in enumerate(terms):
        paths, resent = [], []
        forms = folder / "forms" / term / "hsb"
        due = [k for k, (v, _) in enumerate(cases) if rng.random() < 0.7]
        for k in due:  # reviews of earlier cases, two to ten weeks into this term
            on = min(start + dt.timedelta(days=rng.randint(14, 70)), end)
            cases[k] = _review(rng, *cases[k], on)
            paths.append(filler.save(forms / f"{cases[k][0]['reference']} review {on.isoformat()}.xlsx", *cases[k]))
        for _ in range((16, 14, 0)[i] if i < 3 else 0):
            on = start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))
            values, tables = _initial(rng, config, number, on)
            number += 1
            cases.append((values, tables))
            if rng.random() < 0.1:  # sent back for a level without its reason (HSB-022), then resent corrected
                paths.append(filler.save(forms / f"{values['reference']}.xlsx", {**values, "hackett_rationale": None},
                                         tables))
                resent.append(filler.save(forms / f"{values['reference']} corrected.xlsx", values, tables))
            else:
                paths.append(filler.save(forms / f"{values['reference']}.xlsx", values, tables))
        if not paths:
            continue
        report = file_batch(store, check_files(paths, config), config)
        again = file_batch(store, check_files(resent, config), config) if resent else None
        out.print(f"  HSB frameworks {term}: {len(due)} reviews and {len(paths) - len(due)} initial meetings "
                  f"written in {forms}; filed {report.count('filed')}, refused {report.count('refused')} (sent back "
                  f"with errors), {again.count('filed') if again else 0} filed when resent corrected", markup=False)
    return write_tracker(folder / "hsb-tracker.xlsx", config, db=str(store), today=today)
