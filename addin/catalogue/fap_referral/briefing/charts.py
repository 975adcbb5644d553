"""Charts for the briefing, drawn headless with matplotlib from publishable numbers only."""
from __future__ import annotations

from pathlib import Path


def _figure(width: float, height: float):
    """A figure drawn off-screen; no pyplot, so nothing interactive is loaded (faster start)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=150)
    return fig, fig.subplots()


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


def _save(fig, ax, path: Path) -> Path:
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
