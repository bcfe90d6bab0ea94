"""Events over time, stacked by severity (or log type, or client), one bar per local bucket."""

from __future__ import annotations

from typing import Any

from app.analysis.buckets import UNITS
from app.analysis.series import NO_CLIENT, TimeSeries
from app.charts import base

_FILTER_FIELD = {"severity": "severities", "type": "log_types", "client": "clients"}
_GROUP_TITLE = {"severity": "severity", "type": "log type", "client": "client"}


def build(data: TimeSeries, width: int = 1000, height: int = 520, theme: str = "light") -> base.Chart:
    """Stacked bars; clicking one opens the Events page on that bucket and group value."""
    fig = base.new_figure(width, height, theme=theme)
    ax = fig.axes[0]
    chart = base.Chart(fig)
    by = data.group or "severity"
    base.title(ax, f"Events over time by {_GROUP_TITLE[by]}", f"{data.total:,} events")
    if not data.starts or not data.total:
        base.empty(ax)
        return chart
    left, widths = base.bar_edges(data.starts, data.ends)
    bottom = [0] * len(left)
    for i, (key, counts) in enumerate(data.series.items()):
        coll = base.bars(ax, left, widths, counts, bottom, label=key, facecolors=base.colour_for(by, key, i))
        chart.drills[coll] = [_drill(data, by, key, j) for j in range(len(counts))]
        bottom = [b + c for b, c in zip(bottom, counts)]
    ax.set_ylim(0, max(bottom) * 1.05 or 1)
    base.time_axis(ax, data.zone, data.starts[0], data.ends[-1])
    ax.set_xlim(left[0], left[-1] + (widths[-1] / 0.9))
    ax.set_ylabel(f"events {UNITS[data.size]}")
    ax.yaxis.set_major_formatter(base.thousands())
    base.legend(ax, title=_GROUP_TITLE[by], loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return chart


def _drill(data: TimeSeries, by: str, key: str, j: int) -> base.Drill:
    start, end = data.span(j)
    changes: dict[str, Any] = {"since": base.iso(start), "until": base.iso(end)}
    if key != NO_CLIENT:
        changes[_FILTER_FIELD[by]] = (key,)
    local = data.starts[j].astimezone(data.zone).strftime("%Y-%m-%d %H:%M")
    return base.Drill(changes, f"{key} events in the {data.size} from {local}")

