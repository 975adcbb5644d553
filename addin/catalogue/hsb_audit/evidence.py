"""Evidence for statements 1.1 and 1.2 from the store (issue 13, item 5): how many young people the partnership
holds HSB frameworks for and how many FAP referrals record an HSB concern, by age band, gender and ethnicity group,
as publishable numbers (counts under the threshold shown as c, and others hidden where they would give one away).

Only a configured SafeContext (a configuration file, not the built-in demo) whose store exists is read; the store is
read only, never created or upgraded, so making a blank audit changes nothing."""
from __future__ import annotations

import datetime as dt

AGE_BANDS = ((0, 9, "under 10"), (10, 13, "10 to 13"), (14, 15, "14 to 15"), (16, 99, "16 or over"))
NOT_RECORDED = "not recorded"


def age_band(age) -> str:
    import pandas as pd

    if age is None or pd.isna(age):
        return NOT_RECORDED
    return next(label for lo, hi, label in AGE_BANDS if lo <= int(age) <= hi)


def _age(dob, on) -> int | None:
    """Age in whole years on a day (both from the store: Timestamps, or NaT when blank)."""
    import pandas as pd

    if pd.isna(dob) or pd.isna(on):
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _series(values, threshold: int, order=None) -> tuple[str, int | str]:
    """'label n, label c, ...' and the total, after disclosure control."""
    import pandas as pd

    from addin.suppression import suppress_series

    counts = pd.Series(values).value_counts()
    labels = [x for x in (order or []) if x in counts.index] + sorted(x for x in counts.index if x not in (order or []))
    shown, total = suppress_series(counts.reindex(labels).astype(int), threshold)
    return ", ".join(f"{k} {v}" for k, v in shown.items()), total


def _breakdown(name: str, ages, genders, groups, threshold: int) -> tuple[str, str]:
    """(the total sentence for 1.1, the breakdown sentence for 1.2) of one source."""
    by_age, total = _series(list(ages), threshold, [b for _, _, b in AGE_BANDS] + [NOT_RECORDED])
    by_gender, _ = _series(list(genders), threshold)
    by_group, _ = _series(list(groups), threshold)
    return (f"{name}: {total}.",
            f"{name} ({total}): by age {by_age}; by gender {by_gender}; by ethnicity group {by_group}.")


def store_evidence(config, today: dt.date | None = None) -> dict[str, str]:
    """Statement -> evidence text ({} when SafeContext is not configured, the store is missing or holds neither)."""
    if config.path is None:
        return {}
    from addin.forms import form_ids
    from addin.forms.codes import ethnicity_group
    from addin.store import StoreError, load_records

    threshold = config.suppression_threshold
    parts = []
    try:
        if "hsb-framework" in form_ids():
            from addin.catalogue.hsb_framework.profile import latest_meetings

            cases = latest_meetings(load_records(config.store, form="hsb-framework"))
            if len(cases):
                parts.append(_breakdown("Cases with a contextual HSB framework",
                                        [age_band(a) for a in cases["age"]],
                                        cases["gender"].fillna(NOT_RECORDED.capitalize()),
                                        cases["ethnicity"].map(ethnicity_group), threshold))
        if "fap-referral" in form_ids():
            fap = load_records(config.store, form="fap-referral")
            fap = fap[fap["concern_hsb"].fillna(False).astype(bool)]
            if len(fap):
                parts.append(_breakdown("FAP referrals recording harmful sexual behaviour",
                                        [age_band(_age(d, r)) for d, r in zip(fap["date_of_birth"], fap["referral_date"])],
                                        fap["gender"].fillna(NOT_RECORDED.capitalize()),
                                        fap["ethnicity"].map(ethnicity_group), threshold))
    except StoreError:
        return {}
    if not parts:
        return {}
    day = (today or dt.date.today()).strftime("%d/%m/%Y")
    note = (f"From the SafeContext store on {day}; counts from 1 to {threshold - 1} are shown as c, and others hidden "
            "where they would reveal one.")
    return {"1.1": " ".join([*(a for a, _ in parts), note]), "1.2": " ".join([*(b for _, b in parts), note])}
