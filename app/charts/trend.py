"""Events over time, stacked by severity (or log type, or client), one bar per local bucket."""

from __future__ import annotations

from typing import Any

from app.analysis.buckets import UNITS
from app.analysis.series import NO_CLIENT, TimeSeries
from app.charts import base
from app.domain.chart_window import DEFAULT_DAYS

_FILTER_FIELD = {"severity": "severities", "type": "log_types", "client": "clients"}
_GROUP_TITLE = {"severity": "severity", "type": "log type", "client": "client"}


def build(data: TimeSeries, width: int = 1000, height: int = 520, theme: str = "light") -> base.Chart:
    """Stacked bars; clicking one opens the Events page on that bucket and group value."""
    fig = base.new_figure(width, height, theme=theme)
    ax = fig.axes[0]
    chart = base.Chart(fig)
    by = data.group or "severity"
    summary = f"{data.total:,} events"
    if data.earliest is not None:
        summary += f" · last {DEFAULT_DAYS} days with events (All time from {data.earliest:%Y-%m-%d})"
    base.title(ax, f"Events over time by {_GROUP_TITLE[by]}", summary)
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
    _mark_gaps(ax, data)
    ax.yaxis.set_major_formatter(base.thousands())
    base.legend(ax, title=_GROUP_TITLE[by], loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return chart


def _mark_gaps(ax: Any, data: TimeSeries) -> None:
    """Shade each long empty stretch and say how long it is, so old data beside new reads as two islands."""
    import matplotlib.dates as mdates

    t = base.theme_of(ax.figure)
    for start, end in data.gaps():
        a, b = (float(x) for x in mdates.date2num([start, end]))
        ax.axvspan(a, b, facecolor="none", edgecolor=t.grid, hatch="//", linewidth=0, zorder=0)
        days = (end - start).days
        length = f"{days / 365.25:.1f} years" if days >= 730 else f"{days:,} days"
        ax.text((a + b) / 2, 0.5, f"no events\n{length}", transform=ax.get_xaxis_transform(), ha="center",
                va="center", fontsize=9, color=t.muted)


def _drill(data: TimeSeries, by: str, key: str, j: int) -> base.Drill:
    start, end = data.span(j)
    changes: dict[str, Any] = {"since": base.iso(start), "until": base.iso(end)}
    if key != NO_CLIENT:
        changes[_FILTER_FIELD[by]] = (key,)
    local = data.starts[j].astimezone(data.zone).strftime("%Y-%m-%d %H:%M")
    return base.Drill(changes, f"{key} events in the {data.size} from {local}")

