"""Incidents opened vs resolved per local day or week, with the open backlog as a line."""

from __future__ import annotations

from app.analysis.buckets import UNITS
from app.analysis.incident_series import IncidentFlow
from app.charts import base
from app.domain.vocab import Status

OPENED_COLOUR = "#3b82f6"
RESOLVED_COLOUR = "#16a34a"


def build(data: IncidentFlow, width: int = 1000, height: int = 520, theme: str = "light") -> base.Chart:
    """Side-by-side bars (opened, resolved) and the backlog on a second axis; bars drill to incidents."""
    fig = base.new_figure(width, height, theme=theme, margins=(84, 84, 40, 58))
    ax = fig.axes[0]
    chart = base.Chart(fig)
    t = base.theme_of(fig)
    base.title(ax, "Incidents opened vs resolved",
               f"{sum(data.opened):,} opened · {sum(data.resolved):,} resolved")
    if not data.starts:
        base.empty(ax)
        return chart
    left, widths = base.bar_edges(data.starts, data.ends)
    half = [w / 2 for w in widths]
    opened = base.bars(ax, left, half, data.opened, label="opened", unit="incidents",
                       facecolors=OPENED_COLOUR)
    resolved = base.bars(ax, [x + h for x, h in zip(left, half)], half, data.resolved, label="resolved",
                         unit="incidents", facecolors=RESOLVED_COLOUR)
    chart.drills[opened] = [_drill(data, j) for j in range(len(left))]
    chart.drills[resolved] = [_drill(data, j, resolved=True) for j in range(len(left))]
    ax.set_ylim(0, max(data.opened + data.resolved + [1]) * 1.15)
    ax.set_ylabel(f"incidents {UNITS[data.size]}")
    base.time_axis(ax, data.zone, data.starts[0], data.ends[-1])
    ax.set_xlim(left[0], left[-1] + widths[-1] / 0.9)
    right = ax.twinx()
    base.style_axes(right, t)
    right.grid(False)
    right.patch.set_visible(False)
    mids = [x + w / 2 for x, w in zip(left, widths)]
    right.plot(mids, data.backlog, color=t.backlog, linewidth=1.8, label="open backlog")
    right.set_ylim(0, max(data.backlog + [1]) * 1.15)
    right.set_ylabel("open incidents (backlog)")
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    leg = ax.legend(handles=handles, frameon=False, fontsize=8, labelcolor=t.foreground, ncols=3,
                    loc="upper left")
    leg.set_zorder(5)
    return chart


def _drill(data: IncidentFlow, j: int, resolved: bool = False) -> base.Drill:
    local = data.starts[j].astimezone(data.zone).strftime("%Y-%m-%d")
    if resolved:
        # the shared filter bounds incidents by opening time; show the resolved ones opened up to then
        return base.Drill({"until": base.iso(data.ends[j]), "statuses": (Status.RESOLVED, Status.CLOSED)},
                          f"resolved incidents up to the {data.size} of {local}", page="incidents")
    return base.Drill({"since": base.iso(data.starts[j]), "until": base.iso(data.ends[j])},
                      f"incidents opened in the {data.size} of {local}", page="incidents")
