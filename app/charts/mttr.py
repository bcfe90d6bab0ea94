"""MTTR per week by priority, with each priority's SLA resolution target as a dashed line."""

from __future__ import annotations

from app.analysis.incident_series import MttrSeries
from app.charts import base
from app.domain.vocab import PRIORITY_LABELS, Priority, Status


def build(data: MttrSeries, width: int = 1000, height: int = 520, theme: str = "light") -> base.Chart:
    """Grouped bars (one per priority) per week of opening, in hours; bars drill to those incidents."""
    fig = base.new_figure(width, height, theme=theme, margins=(84, 190, 40, 58))
    ax = fig.axes[0]
    chart = base.Chart(fig)
    t = base.theme_of(fig)
    count = sum(sum(v) for v in data.resolved.values())
    base.title(ax, "Mean time to resolve per week", f"{count:,} resolved incidents")
    if not data.starts or not data.minutes:
        base.empty(ax, "No resolved incidents match the filter")
        return chart
    left, widths = base.bar_edges(data.starts, data.ends)
    priorities = list(data.minutes)
    slot = [w / len(priorities) for w in widths]
    top = 0.0
    for k, p in enumerate(priorities):
        hours = [(m or 0.0) / 60 for m in data.minutes[p]]
        top = max(top, *hours)
        colour = base.colour_for("priority", str(p))
        coll = base.bars(ax, [x + s * k for x, s in zip(left, slot)], slot, hours,
                         label=PRIORITY_LABELS[Priority(p)], unit="hours", facecolors=colour)
        chart.drills[coll] = [_drill(data, p, j) if data.minutes[p][j] is not None else None
                              for j in range(len(left))]
        target = data.targets.get(p)
        if target is not None:
            ax.axhline(target / 60, color=colour, linestyle=(0, (5, 3)), linewidth=1.2,
                       label=f"P{p} SLA target {target / 60:g} h")
    visible_targets = [v / 60 for v in data.targets.values() if v / 60 <= max(top, 1) * 3]
    ax.set_ylim(0, max([top, *visible_targets, 1]) * 1.12)
    ax.set_ylabel("MTTR (hours, wall clock)")
    base.time_axis(ax, data.zone, data.starts[0], data.ends[-1], "week opened")
    ax.set_xlim(left[0], left[-1] + widths[-1] / 0.9)
    base.legend(ax, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.text(1.01, 0.02, "targets run on the\nSLA clock (calendar,\non-hold paused)", transform=ax.transAxes,
            fontsize=7, color=t.muted, va="bottom")
    return chart


def _drill(data: MttrSeries, priority: int, j: int) -> base.Drill:
    local = data.starts[j].astimezone(data.zone).strftime("%Y-%m-%d")
    return base.Drill({"since": base.iso(data.starts[j]), "until": base.iso(data.ends[j]),
                       "priorities": (priority,), "statuses": (Status.RESOLVED, Status.CLOSED)},
                      f"P{priority} incidents opened in the week of {local}", page="incidents")
