"""Summary lines of the publishable matrix: what is hidden, and what is not hidden needlessly."""
import pandas as pd

from addin.catalogue.fap_referral.matrix.build import ANY, REFERRALS, Block, Sheet
from addin.catalogue.fap_referral.matrix.publishable import publishable


def _summary(lines, concerns):
    counts = pd.Series(concerns, name=REFERRALS).to_frame()
    counts.index.name = "Concern"
    return [Sheet("Summary", [Block("Referrals by concern", counts, additive_cols=False)], lines)]


def test_most_common_concerns_name_only_counts_that_are_shown():
    lines = [("Referrals", 40), ("Most common concern 1", "CSE"), ("Most common concern 2", "Gangs"),
             ("Most common concern 3", "Sexual bullying")]
    (summary,) = publishable(_summary(lines, {"CSE": 12, "Gangs": 4, "Sexual bullying": 3}), 5)
    assert summary.lines == [("Referrals", 40), ("Most common concern 1", "CSE")]


def test_changes_hide_only_with_the_counts_they_come_from():
    lines = [("Referrals", 40), (ANY, 20), ("Referrals with two or more concerns", 3),
             ("Referrals in 2026-summer", 31), ("Change in referrals", 9),
             (f"{ANY} in 2026-summer", 2), ("Change in referrals with any concern", 18)]
    (summary,) = publishable(_summary(lines, {"CSE": 12}), 5)
    assert summary.lines == [("Referrals", 40), (ANY, 20), ("Referrals with two or more concerns", "c"),
                             ("Referrals in 2026-summer", 31), ("Change in referrals", 9),
                             (f"{ANY} in 2026-summer", "c"), ("Change in referrals with any concern", "c")]


def test_most_common_concerns_are_ranked_among_the_counts_shown():
    """A count hidden only because another sheet hides it (here Gangs, 9) does not rank, and leaves no gap."""
    lines = [("Referrals", 40), ("Most common concern 1", "CSE"), ("Most common concern 2", "Gangs"),
             ("Most common concern 3", "Sexual bullying"), ("Schools with referrals", 6)]
    sheets = _summary(lines, {"CSE": 12, "Gangs": 9, "Sexual bullying": 7, "Missing from home": 5,
                              "Open to children's social care": 30})
    (summary,) = publishable(sheets, 5, {})
    assert summary.lines == lines[:4] + [("Schools with referrals", 6)]
    from addin.catalogue.fap_referral.matrix.publishable import _ranking

    hidden = sheets[0].blocks[0].counts.astype(object)
    hidden.loc["Gangs", REFERRALS] = "c"
    blocks = [Block("Referrals by concern", hidden, additive_cols=False)]
    assert _ranking(lines, blocks) == [("Referrals", 40), ("Most common concern 1", "CSE"),
                                       ("Most common concern 2", "Sexual bullying"),
                                       ("Most common concern 3", "Missing from home"), ("Schools with referrals", 6)]
