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
    islands = data.islands()
    axes = _broken_axes(fig, ax, [len(r) for r in islands]) if len(islands) > 1 else [ax]
    left, widths = base.bar_edges(data.starts, data.ends)
    top = 0
    for part, (axis, island) in enumerate(zip(axes, islands)):
        bottom = [0] * len(island)
        for i, (key, counts) in enumerate(data.series.items()):
            heights = [counts[j] for j in island]
            coll = base.bars(axis, [left[j] for j in island], [widths[j] for j in island], heights, bottom,
                             label=key if part == len(axes) - 1 else None,
                             facecolors=base.colour_for(by, key, i))
            chart.drills[coll] = [_drill(data, by, key, j) for j in island]
            bottom = [b + c for b, c in zip(bottom, heights)]
        top = max([top, *bottom])
        share = axis.get_position().width / sum(a.get_position().width for a in axes)
        base.time_axis(axis, data.zone, data.starts[island[0]], data.ends[island[-1]],
                       maxticks=max(3, round(10 * share)))
        axis.set_xlim(left[island[0]], left[island[-1]] + (widths[island[-1]] / 0.9))
    axes[0].set_ylim(0, top * 1.05 or 1)
    axes[0].set_ylabel(f"events {UNITS[data.size]}")
    axes[0].yaxis.set_major_formatter(base.thousands())
    from matplotlib.ticker import MaxNLocator

    axes[0].yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no "0, 0, 1, 1" on small ones
    _label_breaks(axes, data)
    base.legend(axes[-1], title=_GROUP_TITLE[by], loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return chart


def _broken_axes(fig: Any, ax: Any, sizes: list[int]) -> list[Any]:
    """One axes per island of buckets, side by side on a shared y: long empty stretches are cut out.

    Each island gets width by its number of buckets, but never under a sixth of the
    whole, so three weeks of 2005 stay readable beside two months of this year.
    """
    t = base.theme_of(fig)
    total = sum(sizes)
    spec = ax.get_subplotspec().subgridspec(1, len(sizes), wspace=0.08,
                                            width_ratios=[max(n, total / 6) for n in sizes])
    fig.delaxes(ax)
    first = fig.add_subplot(spec[0, 0])
    axes = [first] + [fig.add_subplot(spec[0, i], sharey=first) for i in range(1, len(sizes))]
    for a in axes:
        base.style_axes(a, t)
    for a in axes[1:]:
        a.tick_params(labelleft=False, left=False)
        a.spines["left"].set_color(t.background)
    return axes


def _label_breaks(axes: list[Any], data: TimeSeries) -> None:
    """Say how long each cut-out stretch is, in the space between the islands, with a break mark."""
    t = base.theme_of(axes[0].figure)
    for axis, (start, end) in zip(axes[1:], data.gaps()):
        days = (end - start).days
        length = f"{days / 365.25:.1f} years" if days >= 730 else f"{days:,} days"
        axis.text(-0.04, 0.5, f"no events for {length}", transform=axis.transAxes, rotation=90, ha="center",
                  va="center", fontsize=8, color=t.muted)
        axis.text(-0.04, 0.0, "//", transform=axis.transAxes, ha="center", va="center", fontsize=10,
                  color=t.muted)


def _drill(data: TimeSeries, by: str, key: str, j: int) -> base.Drill:
    start, end = data.span(j)
    changes: dict[str, Any] = {"since": base.iso(start), "until": base.iso(end)}
    if key != NO_CLIENT:
        changes[_FILTER_FIELD[by]] = (key,)
    local = data.starts[j].astimezone(data.zone).strftime("%Y-%m-%d %H:%M")
    return base.Drill(changes, f"{key} events in the {data.size} from {local}")

