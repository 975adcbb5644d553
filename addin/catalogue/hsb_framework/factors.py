"""Appendix 4: Risk, Resilience and Vulnerability factors per context (S002:L3589-3603; S003:L1945-2223).

Text as printed, except two splits the extraction lost (catalogue §3.8, †): Individual risk R07/R08
run into one bullet, and Peer vulnerability "Recent bereavement" / "Bulling/ sexual bullying or loss",
where "or loss" slipped onto the next factor. The spellings "Bulling" and "behavior" are the seed's.
The codes are the catalogue's: <context>-<R|S|V><nn> (S for resilience, "strength").
"""
from __future__ import annotations

CONTEXTS = (  # (key, the tables' value, the contextual table's row label, code prefix)
    ("individual", "Individual", "Individual young person's characteristics", "IND"),
    ("family", "Family / Home", "Family / Home(s) characteristics", "FAM"),
    ("peer", "Peer group", "Peer group(s)", "PEER"),
    ("school", "School", "School(s)", "SCH"),
    ("neighbourhood", "Neighbourhood", "Neighbourhood spaces (specify)", "NBH"),
)
TYPES = (("Vulnerability", "V"), ("Risk", "R"), ("Resilience", "S"))
OTHER = "Other"

_R, _S, _V = "Risk", "Resilience", "Vulnerability"
_TEXT = {
    ("IND", _R): (
        "Formal diagnosis of Conduct Disorder or other formal mental health diagnosis",
        "History of aggressive behavior", "History of cruelty to animals", "Socially and emotionally isolated",
        "Disclosures made then withdrawn by subject or victim", "Recruiting others into exploitative situations",
        "Concerns raised regarding sexualised or sexually harmful behaviour during childhood",
        "Cold, callous attitude towards offending & appears to lack of empathy",
        "Harmful/Oppressive attitudes towards young women, relationships and consent",
        "Obsession/ pre-occupation with pornography",
        "Evidence of sexual bullying and/or distributing sexually inappropriate images",
        "Allegations have been made against them in respect of sexually harmful behaviour, including when NFA'd"),
    ("IND", _S): (
        "Abusive behaviour appears to be peer influenced rather than led by young person",
        "Abusive behaviour ceased when victim demonstrated non-compliance or distress",
        "Accepts responsibility for the offence", "Engages in positive talents and or leisure interests",
        "Good negotiation/ problem solving skills", "Developmentally appropriate level of sexual knowledge",
        "Makes positive use of support network"),
    ("IND", _V): (
        "Unsure about their sexual orientation or unable to disclose sexual orientation to their families or peers",
        "Learning disabilities", "Recent bereavement or loss", "Low self-esteem or self-confidence",
        "Experience of being bullied themselves and/ or coercion into bullying others",
        "Alcohol and/ or substance misuse"),
    ("FAM", _R): (
        "Witnessed domestic violence", "Disclosures made then withdrawn by subject or victim",
        "Recruiting others into exploitative situations",
        "Concerns raised regarding sexualised or sexually harmful behaviour within family",
        "Harmful/Oppressive attitudes towards young women, relationships and consent"),
    ("FAM", _S): (
        "Access to a positive relationship with at least one adult",
        "The most significant adults in a young person's life demonstrate protective attitudes and behaviours",
        "Makes positive use of support network"),
    ("FAM", _V): (
        "Living in a chaotic or dysfunctional household", "Experience of abuse or neglect", "Gang association",
        "Missing from home or care",
        "Unsure about their sexual orientation or unable to disclose sexual orientation to their families or peers",
        "Recent bereavement or loss", "Bulling/ sexual bullying", "Alcohol and/ or substance misuse"),
    ("PEER", _R): (
        "History of aggressive behavior", "Disclosures made then withdrawn by subject or victim",
        "Recruiting others into exploitative situations",
        "Concerns raised regarding sexualised or sexually harmful behaviour amongst peers",
        "Harmful/Oppressive attitudes towards young women, relationships and consent",
        "Obsession/ pre-occupation with pornography",
        "Evidence of sexual bullying and/or distributing sexually inappropriate images"),
    ("PEER", _S): (
        "Abusive behaviour challenged by some peers", "Developmentally appropriate level of sexual knowledge",
        "Makes positive use of support network"),
    ("PEER", _V): (
        "Experience of abuse or neglect", "Gang association",
        "Attending school or are friends with young people who are involved in sexually harmful behavior/ "
        "sexually exploited",
        "Missing from home or care",
        "Unsure about their sexual orientation or unable to disclose sexual orientation to their families",
        "Recent bereavement", "Bulling/ sexual bullying", "Alcohol and/ or substance misuse"),
    ("SCH", _R): (
        "Disclosures made then withdrawn by subject or victim", "Recruiting others into exploitative situations",
        "Concerns raised regarding sexualised or sexually harmful behaviour within school",
        "Harmful/Oppressive attitudes towards young women, relationships and consent",
        "Evidence of sexual bullying and/or distributing sexually inappropriate images"),
    ("SCH", _S): (
        "Opportunities for extra-curricular and or leisure interests",
        "Clear messaging about consent, relationships gender", "Clearly applied bullying policies and procedures",
        "Response to corridor cultures are consistent", "Access to a positive relationship with at least one adult",
        "The most significant adults in a young person's life demonstrate protective attitudes and behaviours",
        "Positive relationships with professionals",
        "Makes positive use of support network – engaged in multi-agency partnerships"),
    ("SCH", _V): (
        "Experience of abuse or neglect", "Gang association",
        "Attending school or are friends with young people who are involved in sexually harmful behavior/ "
        "sexually exploited",
        "Unsure about their sexual orientation or unable to disclose sexual orientation to their families",
        "Absent or exclusion from education or training", "Missing from home or care", "Bulling/ sexual bullying",
        "Alcohol and/ or substance misuse"),
    ("NBH", _R): (
        "Disclosures made then withdrawn by subject or victim", "Recruiting others into exploitative situations",
        "Concerns raised regarding sexualised or sexually harmful behaviour within local areas where they spend "
        "their time",
        "Harmful/Oppressive attitudes towards young women, relationships and consent"),
    ("NBH", _S): (
        "Available extra-curricular and or leisure interests",
        "Access to a consistent and positive relationship with at least one adult",
        "The most significant adults in a young person's life demonstrate protective attitudes and behaviours",
        "Positive relationships with professionals", "Places for safe socialisation are available",
        "Clear response to identified trends in crime and anti-social behaviour",
        "Relevant neighbourhood partners engaged in response to emerging trends"),
    ("NBH", _V): (
        "Experience of abuse or neglect", "Gang association", "Missing from home or care", "Bulling/ sexual bullying",
        "Alcohol and/ or substance misuse"),
}


def factors(context: str, kind: str) -> tuple[str, ...]:
    """The drop-down entries ('IND-R01 - Formal diagnosis ...') of a context (its tables' value) and type."""
    prefix = next(p for _, v, _, p in CONTEXTS if v == context)
    letter = dict(TYPES)[kind]
    return tuple(f"{prefix}-{letter}{i:02d} - {text}" for i, text in enumerate(_TEXT[(prefix, kind)], start=1))


def code_of(entry: str | None) -> str | None:
    """'IND-R01' of a drop-down entry ('Other' stays 'Other'; None stays None)."""
    return entry.split(" - ", 1)[0] if entry else None


def context_of_code(code: str) -> str | None:
    """The context key ('peer') of a factor code ('PEER-V02'), or None for 'Other'."""
    prefix = code.split("-", 1)[0]
    return next((k for k, _, _, p in CONTEXTS if p == prefix), None)


# ((context value, type), entries): the factor column's choices for each row, with Other in every list.
BY_CONTEXT_AND_TYPE = tuple(((value, kind), factors(value, kind) + (OTHER,))
                            for _, value, _, _ in CONTEXTS for kind, _ in TYPES)


def gaps(factor_rows: list[dict], intervention_rows: list[dict]) -> dict[str, list[str]]:
    """The gap report (S002:L3548): context -> the codes ('Other' for an other factor) of its vulnerability
    and risk factors, for each context that has some but no intervention in it."""
    planned = {i.get("context") for i in intervention_rows if i.get("context")}
    out: dict[str, list[str]] = {}
    for _, value, _, _ in CONTEXTS:
        found = [code_of(f["factor"]) for f in factor_rows if f.get("context") == value and f.get("factor")
                 and f.get("type") in ("Vulnerability", "Risk")]
        if found and value not in planned:
            out[value] = found
    return out
