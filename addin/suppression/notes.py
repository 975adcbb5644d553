"""Percentages that respect suppression, and the symbols note printed under every table."""
from __future__ import annotations

SUPPRESSED = "c"

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def in_words(number: int) -> str:
    """A whole number from 0 to 99 in words ("five", "twenty-one"); digits beyond that."""
    if 0 <= number < 20:
        return _UNITS[number]
    if 20 <= number < 100:
        tens, units = divmod(number, 10)
        return _TENS[tens - 2] + (f"-{_UNITS[units]}" if units else "")
    return str(number)


MATRIX_SOURCES = "from totals, on this sheet, another sheet or an earlier term's matrix"


def symbols_note(threshold: int = 5, worked_out: str = MATRIX_SOURCES) -> str:
    """The note explaining `c` and `0`, with the threshold in figures and in words; `worked_out` says
    what else a suppressed number could be worked out from (the matrix's totals and other sheets)."""
    return (
        f"Symbols: c = suppressed: fewer than {threshold} (or needed to stop a suppressed "
        f"number being worked out {worked_out}); 0 = true zero. "
        f"Counts of 1 to {threshold - 1} (fewer than {in_words(threshold)}) are not shown, "
        f"so that no child or family can be identified; percentages are worked out from "
        f"the exact counts and are suppressed wherever their count or total is."
    )


SYMBOLS_NOTE = symbols_note(5)


def percent(count, denominator, suppressed: bool, denominator_suppressed: bool = False):
    """`count` as a percentage of `denominator`, unrounded; "c" where it would disclose.

    A suppressed count gives "c".  So does a published, non-zero count over a suppressed
    total: 25% of a hidden total, next to its count of 10, gives the total away.  A count
    of 0 is 0.0 whatever the total.  A total of 0 gives None (no percentage exists).
    """
    if suppressed:
        return SUPPRESSED
    if count == SUPPRESSED or denominator == SUPPRESSED and not denominator_suppressed:
        raise ValueError("pass the true numbers and say which are suppressed")
    if count == 0:
        return 0.0
    if denominator_suppressed:
        return SUPPRESSED
    if denominator == 0:
        return None
    return 100.0 * count / denominator


def format_percent(value, places: int = 1) -> str:
    """A percentage as text with `places` decimals ("12.5"); "c" stays "c"; None is ""."""
    if value is None:
        return ""
    if value == SUPPRESSED:
        return SUPPRESSED
    return f"{value:.{places}f}"
