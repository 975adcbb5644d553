"""Charts for briefings, drawn headless with matplotlib from publishable numbers only."""
from __future__ import annotations

from pathlib import Path


def figure(width: float, height: float):
    """A figure drawn off-screen; no pyplot, so nothing interactive is loaded (faster start)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=150)
    return fig, fig.subplots()


def save(fig, ax, path: Path) -> Path:
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def grouped_bars(groups: list[str], series: dict[str, list], path: Path, ylabel: str) -> Path:
    """Bars per group, one per series side by side; a suppressed count ("c") is an empty bar labelled c."""
    colours = ("#1F3864", "#C00000", "#8497B0", "#548235")
    fig, ax = figure(7.5, 3.4)
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series.items()):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
        heights = [v if isinstance(v, int) else 0 for v in values]
        bars = ax.bar(xs, heights, width * 0.95, label=name, color=colours[i % len(colours)])
        for bar, v in zip(bars, values):
            ax.annotate(str(v), (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                        textcoords="offset points", ha="center", fontsize=7)
    ax.set_xticks(range(len(groups)), groups, fontsize=8)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=8)
    return save(fig, ax, path)
