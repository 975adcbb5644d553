"""The briefing's charts, drawn headless with matplotlib: the radar of the rounds and the change between them."""
from __future__ import annotations

import math
from pathlib import Path

from addin.catalogue.hsb_audit.declaration import DOMAINS

COLOURS = ("#1F3864", "#C00000", "#70AD47", "#ED7D31", "#7F7F7F")


def radar_chart(means: dict[str, dict[int, float | None]], path: Path) -> Path:
    """One closed line per round over the five domains, 0-4 (a domain without a mean drawn at 0)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 5), dpi=150)
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)  # domain 1 at the top, then clockwise
    ax.set_theta_direction(-1)
    angles = [2 * math.pi * i / len(DOMAINS) for i in range(len(DOMAINS))]
    for (r, m), colour in zip(means.items(), COLOURS):
        values = [m[n] or 0 for n, _, _ in DOMAINS]
        ax.plot(angles + angles[:1], values + values[:1], marker="o", color=colour, label=r, linewidth=1.8)
    ax.set_xticks(angles)
    ax.set_xticklabels([f"{n}. {short}" for n, short, _ in DOMAINS], fontsize=9)
    ax.set_ylim(0, 4)
    ax.set_yticks([1, 2, 3, 4])
    ax.set_yticklabels(["1", "2", "3", "4"], fontsize=7, color="#595959")
    ax.legend(loc="upper left", bbox_to_anchor=(1.12, 1.05), frameon=False, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def change_chart(changes: dict[str, dict[int, float | None]], path: Path) -> Path:
    """Grouped bars: each domain's change in mean score between consecutive rounds."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 3.2), dpi=150)
    ax = fig.subplots()
    width = 0.8 / max(1, len(changes))
    for i, ((label, change), colour) in enumerate(zip(changes.items(), COLOURS[1:])):
        xs = [j + i * width for j in range(len(DOMAINS))]
        ax.bar(xs, [change[n] or 0 for n, _, _ in DOMAINS], width, color=colour, label=label)
    ax.axhline(0, color="#595959", linewidth=0.8)
    ax.set_xticks([j + width * (len(changes) - 1) / 2 for j in range(len(DOMAINS))])
    ax.set_xticklabels([short for _, short, _ in DOMAINS], fontsize=9)
    ax.set_ylabel("Change in mean score")
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(path)
    return path
