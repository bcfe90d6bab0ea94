"""Top patterns: the ten most frequent log templates among the matching events, as Pareto bars.

Each bar is a mined pattern, labelled with its template, and drills down to that
pattern's events. While some matching events have no pattern yet, the bars are
masked messages instead (digits, addresses, ids blanked), and drill down by the mask.
"""

from __future__ import annotations

import textwrap

from app.analysis.series import TopMessages
from app.charts import base

BAR_COLOUR = "#3b82f6"
LINE_COLOUR = "#f59e0b"
TITLE = "Top patterns"


def build(data: TopMessages, width: int = 1000, height: int = 560, theme: str = "light") -> base.Chart:
    """Horizontal bars, most frequent on top, with the cumulative share of all matching events."""
    label_px = min(420, width * 2 // 5)
    fig = base.new_figure(width, height, theme=theme, margins=(label_px, 40, 40, 58))
    ax = fig.axes[0]
    chart = base.Chart(fig)
    t = base.theme_of(fig)
    if data.estimated:
        subtitle = f"estimated from every {data.every}th event · ≈{data.total:,} events"
    else:
        subtitle = f"{data.total:,} events"
    if not data.ids and data.patterns:
        subtitle += " · by message: some events have no pattern yet (issue-ledger patterns)"
    base.title(ax, TITLE, subtitle)
    if not data.patterns:
        base.empty(ax)
        return chart
    n = len(data.patterns)
    ys = [n - 1 - i - 0.4 for i in range(n)]
    coll = base.bars(ax, ys, [0.8] * n, data.counts, horizontal=True, facecolors=BAR_COLOUR, label="events")
    chart.drills[coll] = ([_pattern_drill(i, p) for i, p in zip(data.ids, data.patterns, strict=True)] if data.ids
                          else [_drill(p) for p in data.patterns])
    ax.set_yticks([n - 1 - i for i in range(n)])
    chars = max(20, label_px // 7)
    ax.set_yticklabels([textwrap.shorten(p, chars, placeholder="…") for p in data.patterns], fontsize=8)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0, max(data.counts) * 1.08)
    ax.grid(True, axis="x", color=t.grid, linewidth=0.8)
    ax.grid(False, axis="y")
    ax.set_xlabel("events (count)" + (" — estimated" if data.estimated else ""))
    ax.xaxis.set_major_formatter(base.thousands())
    share = ax.twiny()
    base.style_axes(share, t)
    share.grid(False)
    cumulative, acc = [], 0
    for c in data.counts:
        acc += c
        cumulative.append(100.0 * acc / max(data.total, 1))
    share.plot(cumulative, [n - 1 - i for i in range(n)], color=LINE_COLOUR, marker="o", markersize=4,
               linewidth=1.6)
    share.set_xlim(0, 100)
    share.set_xlabel("cumulative share of matching events (%)", fontsize=8, color=t.muted)
    share.tick_params(axis="x", labelsize=8, colors=LINE_COLOUR)
    share.xaxis.set_label_position("top")
    share.title.set_visible(False)
    fig.subplots_adjust(top=1 - (94 if width < base.NARROW else 78) / height)
    return chart


def _drill(pattern: str) -> base.Drill:
    """The events whose message masks to ``pattern``: exactly the ones its bar counts."""
    return base.Drill({"pattern": pattern}, f"messages like “{pattern}”")



def _pattern_drill(pattern_id: int, template: str) -> base.Drill:
    """The events of pattern ``pattern_id``: exactly the ones its bar counts."""
    return base.Drill({"pattern_id": pattern_id}, f"pattern #{pattern_id} “{template}”")
