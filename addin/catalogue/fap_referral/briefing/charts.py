"""Charts for the briefing, drawn headless with matplotlib from publishable numbers only."""
from __future__ import annotations

from pathlib import Path

from addin.reports.charts import figure as _figure, save as _save


def concerns_chart(concerns: list[dict], path: Path) -> Path:
    """Horizontal bars; a suppressed count is drawn as an empty bar labelled c."""
    names = [c["concern"] for c in concerns][::-1]
    values = [c["count"] if isinstance(c["count"], int) else 0 for c in concerns][::-1]
    fig, ax = _figure(7.5, 3.8)
    bars = ax.barh(names, values, color="#1F3864")
    for bar, c in zip(bars, concerns[::-1]):
        ax.annotate(str(c["count"]), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_xlabel("Referrals this term")
    return _save(fig, ax, path)


def trend_chart(trend, path: Path) -> Path:
    """Referrals and referrals with any concern by term; a suppressed point is left out of the line."""
    fig, ax = _figure(7.5, 3.2)
    terms = [str(t) for t in trend.index]
    for col, colour in zip(trend.columns[:2], ("#1F3864", "#C00000")):
        ys = [v if isinstance(v, (int, float)) and not isinstance(v, bool) else float("nan") for v in trend[col]]
        ax.plot(terms, ys, marker="o", color=colour, label=col)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Referrals")
    ax.legend(frameon=False, fontsize=8)
    return _save(fig, ax, path)


def upset_chart(bars: list[tuple[str, frozenset | None, int]], concerns: list[tuple[str, object]], path: Path) -> Path:
    """An UpSet chart: a column per intersection (its referrals above, its concerns marked below), each
    concern's total to the left. `bars` as addin.catalogue.fap_referral.matrix.overlaps.bars gives them (a
    pooled bar has no concerns marked and is named under its column); `concerns`: (name, count or c)."""
    import textwrap

    from matplotlib.gridspec import GridSpec

    names = [name for name, _ in concerns]
    fig, _ = _figure(7.5, 4.6)
    fig.clear()
    # the concerns' totals, their names (the dot matrix's labels, in the empty column), the intersections
    grid = GridSpec(2, 3, figure=fig, width_ratios=(1.1, 1.7, 3.4), height_ratios=(1.5, 1.4), wspace=0.02,
                    hspace=0.06)
    top, dots, sizes = fig.add_subplot(grid[0, 2]), fig.add_subplot(grid[1, 2]), fig.add_subplot(grid[1, 0])
    xs = list(range(len(bars)))
    drawn = top.bar(xs, [n for *_, n in bars], color=["#1F3864" if members else "#8497B0" for _, members, _ in bars],
                    width=0.6)
    for bar, (*_, n) in zip(drawn, bars):
        top.annotate(str(n), (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                     textcoords="offset points", ha="center", fontsize=8)
    top.set_ylabel("Referrals with\nexactly these", fontsize=8)
    top.set_xlim(-0.6, len(bars) - 0.4)
    top.set_xticks([])
    top.tick_params(labelsize=7)
    top.spines[["top", "right"]].set_visible(False)
    ys = list(range(len(names)))[::-1]  # the first concern at the top
    for x, (label, members, _) in zip(xs, bars):
        if not members:  # pooled: which concerns is not published, so no marks; its name instead
            dots.text(x, (len(names) - 1) / 2, "\n".join(textwrap.wrap(label, 22)), rotation=90, ha="center",
                      va="center", fontsize=7, color="#404040")
            continue
        dots.scatter([x] * len(names), ys, s=28, color="#D9D9D9", zorder=1)
        if members:
            marked = [y for y, name in zip(ys, names) if name in members]
            dots.plot([x, x], [min(marked), max(marked)], color="#1F3864", linewidth=2, zorder=2)
            dots.scatter([x] * len(marked), marked, s=34, color="#1F3864", zorder=3)
    dots.set_xlim(top.get_xlim())
    dots.set_ylim(-0.6, len(names) - 0.4)
    dots.set_yticks(ys, names, fontsize=7)
    dots.set_xticks([])
    dots.tick_params(length=0)
    for spine in dots.spines.values():
        spine.set_visible(False)
    counts = [count if isinstance(count, int) else 0 for _, count in concerns]
    shown = sizes.barh(ys, counts, color="#1F3864", height=0.5)
    for bar, (_, count) in zip(shown, concerns):
        sizes.annotate(str(count), (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(-3, 0),
                       textcoords="offset points", ha="right", va="center", fontsize=7)
    sizes.set_ylim(dots.get_ylim())
    sizes.set_yticks([])
    sizes.set_xlim(max(counts + [1]) * 1.35, 0)
    sizes.set_xlabel("Referrals with the concern", fontsize=7)
    sizes.tick_params(axis="x", labelsize=7)
    sizes.spines[["top", "left", "right"]].set_visible(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight")
    return path
