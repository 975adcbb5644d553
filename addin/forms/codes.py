"""Coded lists shared by forms: DfE school-census ethnicity codes and common choices."""

YES_NO = ("Yes", "No")

# DfE school census ethnicity codes (main categories), shown as "CODE - description".
ETHNICITY = (
    "WBRI - White British",
    "WIRI - White Irish",
    "WIRT - Traveller of Irish heritage",
    "WROM - Gypsy/Roma",
    "WOTH - Any other White background",
    "MWBC - White and Black Caribbean",
    "MWBA - White and Black African",
    "MWAS - White and Asian",
    "MOTH - Any other mixed background",
    "AIND - Indian",
    "APKN - Pakistani",
    "ABAN - Bangladeshi",
    "AOTH - Any other Asian background",
    "BCRB - Black Caribbean",
    "BAFR - Black African",
    "BOTH - Any other Black background",
    "CHNE - Chinese",
    "OOTH - Any other ethnic group",
    "REFU - Refused",
    "NOBT - Information not yet obtained",
)

# Census ethnicity groups, by the code's first letter, for aggregate reporting.
ETHNICITY_GROUPS = {
    "W": "White", "M": "Mixed", "A": "Asian", "B": "Black",
    "C": "Chinese", "O": "Any other ethnic group", "R": "Unknown", "N": "Unknown",
}


def ethnicity_group(value: str | None) -> str:
    """Census group of an ethnicity entry ("BAFR - Black African" -> "Black"); blank (None, NaN) -> "Unknown"."""
    if not isinstance(value, str) or not value:
        return "Unknown"
    return ETHNICITY_GROUPS.get(value[:1].upper(), "Unknown")
