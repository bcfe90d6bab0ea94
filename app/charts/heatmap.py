"""Error and critical events by local hour of day × weekday."""

from __future__ import annotations

from app.analysis.series import Heatmap
from app.charts import base
from app.domain.vocab import SEVERITIES

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def build(data: Heatmap, width: int = 1000, height: int = 420, theme: str = "light") -> base.Chart:
    """A 7 × 24 grid; clicking a cell lists that cell's events (see ``_drill``)."""
    fig = base.new_figure(width, height, theme=theme, margins=(60, 110, 40, 58))
    ax = fig.axes[0]
    chart = base.Chart(fig)
    t = base.theme_of(fig)
    levels = SEVERITIES[SEVERITIES.index(data.min_severity):]
    names = " and ".join(levels) if len(levels) <= 2 else f"{levels[0]} and worse"
    base.title(ax, f"{names.capitalize()} events by hour and weekday", f"{data.total:,} events")
    ax.grid(False)
    if not data.total:
        base.empty(ax)
        return chart
    cmap = "Reds" if t.name == "light" else "magma"
    image = ax.imshow(data.counts, aspect="auto", cmap=cmap, interpolation="nearest", picker=True,
                      extent=(-0.5, 23.5, 6.5, -0.5))
    ax.set_xticks(range(0, 24, 2))
    ax.set_xticklabels([f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_yticks(range(7))
    ax.set_yticklabels(DAYS)
    ax.set_xlabel(f"hour of day, local time ({base.zone_name(data.zone)})")
    ax.set_ylabel("weekday")
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("events (count)", color=t.foreground)
    bar.ax.tick_params(colors=t.foreground, labelsize=8)
    bar.outline.set_edgecolor(t.grid)
    chart.cell_drill = lambda x, y: _drill(data, x, y)
    chart.drills[image] = []
    return chart


def _drill(data: Heatmap, x: float, y: float) -> base.Drill | None:
    """The cell under (x, y): its severities, weekday and local hour, as the Events page's filter."""
    hour, day = round(x), round(y)
    if not (0 <= hour <= 23 and 0 <= day <= 6):
        return None
    level = SEVERITIES.index(data.min_severity)
    return base.Drill({"severities": tuple(SEVERITIES[level:]), "weekdays": (day,), "hours": (hour,)},
                      f"{data.min_severity} and worse events on {DAYS[day]}s, {hour:02d}:00–{hour + 1:02d}:00")
