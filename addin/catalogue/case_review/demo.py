"""The case review's part of the demo: six fictional contextual case reviews (codes only, invented accounts), one of
them sent first with a mistake and then corrected, filed into the demo store, and the cross-case summary, internal
and publishable. Seeded: the same seed and date give the same workbooks."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from addin.catalogue.case_review.declaration import (AGENCIES, ASPECTS, BEHAVIOURS, DEFINITIONS, ENVIRONMENTS,
                                                     FORM, OUTCOMES, ROLES, SAFEGUARDED, TIMING)
from addin.config import Config
from addin.forms.codes import ETHNICITY

CASES = ("HA", "HB", "HC", "HD", "HE", "HF")
ACCOUNTS = ("Peers filmed the incident and shared it", "Escalated over a term of bullying in school",
            "Threats made online before the incident", "The group met in the park after school")
SERVICES = ("YOS", "CSE service", "CAMHS", "Youth service", "School pastoral team")


@dataclass
class CaseReviewDemo:
    paths: list[Path]       # every workbook written, the corrected one last
    internal: Path          # the summary with exact counts
    publishable: Path       # the summary with small numbers suppressed
    filed: int              # reviews current in the store


def _review(rng: random.Random, case: str, on: dt.date) -> tuple[dict, dict]:
    """One fictional review's values and tables: two to five young people, their contexts and outcomes."""
    codes = [f"{case}{i:02d}" for i in range(1, rng.randint(2, 5) + 1)]
    year = on.year - rng.randint(1, 3)
    values = {"review_reference": case, "review_date": on, "author": "Partnership analyst",
              "incident_account": rng.choice(ACCOUNTS), "incident_year": year,
              "response_year": year + rng.randint(0, 1),
              "identified_by": rng.choice(("School (DSL)", "Police", "Children's social care"))}
    for k, _ in rng.sample(DEFINITIONS, rng.randint(1, 2)):
        values[f"definition_{k}"] = True
    for (k, _), (t, _) in ((b, t) for b in BEHAVIOURS for t in TIMING):
        if rng.random() < 0.3:
            values[f"behaviour_{k}_{t}"] = True
    people = [{"code": c, **{rng.choice(ROLES)[0]: True}} for c in codes]
    people[0] |= {"suspect": True, "leader": rng.random() < 0.5}
    characteristics = [{"code": c, "age": rng.randint(12, 17), "gender": rng.choice(("Male", "Female")),
                        "ethnicity": rng.choice(ETHNICITY[:16]), "lac": rng.random() < 0.2,
                        "offending": rng.random() < 0.3, "ga": rng.random() < 0.2,
                        "education": rng.choice(("In education", "Excluded"))} for c in codes]
    overview, contexts = [], []
    for j, c in enumerate(codes):
        for key, env, prefix, _ in ENVIRONMENTS:
            if rng.random() < (0.9 if key in ("home", "peer") else 0.5):
                code = f"H{j + 1}" if key == "home" else f"{prefix}1"  # each young person's home; shared others
                overview.append({"code": c, "environment": env, "context_code": code,
                                 "risk": "Evidence of risk recorded" if rng.random() < 0.7 else None,
                                 "safety": "Evidence of safety recorded" if rng.random() < 0.4 else None})
                contexts.append({"code": c, "environment": env, "context_code": code,
                                 **{k: True for k, _ in ASPECTS if rng.random() < 0.4}})
    for prefix, count in (("H", "homes"), ("PG", "peer_groups"), ("S", "schools"), ("N", "neighbourhoods")):
        values[count] = len({r["context_code"] for r in overview if r["context_code"].rstrip("0123456789") == prefix})
    engagement = [{"code": c, "agency": a, "prior_incident": rng.random() < 0.5, "prior_identification": True}
                  for c in codes for a in rng.sample(AGENCIES, 2)]
    for k, _ in rng.sample(OUTCOMES, 2):
        values[f"outcome_{k}_code"] = codes[0]
    outcomes = [{"code": c, "safeguarded": rng.choice(SAFEGUARDED)} for c in codes]
    interventions = [{"code": codes[0], "service": rng.choice(SERVICES), "assessment": "AIM3"}]
    return values, {"young_people": people, "characteristics": characteristics, "overview": overview,
                    "contexts": contexts, "engagement": engagement, "outcomes": outcomes,
                    "interventions": interventions}


def write_case_review_demo(folder: Path, config: Config, db, today: dt.date | None = None,
                           seed: int = 17) -> CaseReviewDemo:
    """The reviews in folder/case-reviews, filed into `db` (one first with a mistake, refused, then corrected), and
    the summaries in folder."""
    from addin.catalogue.case_review.summary import load_summary, publishable, write_summary
    from addin.checks.run import check_files
    from addin.forms.fill import Filler
    from addin.store.filing import file_batch
    from addin.suppression import symbols_note

    today = today or dt.date.today()
    rng = random.Random(seed)
    filler, out = Filler(FORM, config), folder / "case-reviews"
    paths, reviews = [], {}
    for i, case in enumerate(CASES):
        values, tables = reviews[case] = _review(rng, case, today - dt.timedelta(days=30 * (len(CASES) - i)))
        paths.append(filler.save(out / f"case-review-{case}.xlsx", values, tables))
    # The last review was first sent with a young person's name in place of a code (refused: CCR-020 and the codes
    # that no longer match), then corrected.
    values, tables = reviews[CASES[-1]]
    slip = {**tables, "young_people": [{**tables["young_people"][0], "code": "Jordan"}, *tables["young_people"][1:]]}
    first = filler.save(out / f"case-review-{CASES[-1]}-first.xlsx", values, slip)
    file_batch(db, check_files([first], config), config)
    file_batch(db, check_files(paths, config), config)
    summary = load_summary(config, db=str(db))
    internal = write_summary(summary, folder / "case-review-summary-internal.xlsx", authority=config.authority)
    shown = publishable(summary, config.suppression_threshold, config.minimum_publishable_total)
    public = write_summary(summary, folder / "case-review-summary-publishable.xlsx", authority=config.authority,
                           published=shown, symbols=symbols_note(config.suppression_threshold,
                                                                  "from the other numbers of the summary"))
    return CaseReviewDemo([first, *paths], internal, public, summary.reviews)
