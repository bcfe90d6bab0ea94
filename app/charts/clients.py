"""Incidents by client, stacked by log type."""

from __future__ import annotations

from app.analysis.incident_series import NO_CLIENT, ClientMatrix
from app.charts import base


def build(data: ClientMatrix, width: int = 1000, height: int = 480, theme: str = "light") -> base.Chart:
    """Horizontal stacked bars, the client with the most incidents on top; bars drill to incidents."""
    fig = base.new_figure(width, height, theme=theme, margins=(150, 150, 40, 58))
    ax = fig.axes[0]
    chart = base.Chart(fig)
    t = base.theme_of(fig)
    base.title(ax, "Incidents by client and log type", f"{data.total:,} incidents")
    if not data.clients:
        base.empty(ax)
        return chart
    n = len(data.clients)
    ys = [n - 1 - i - 0.35 for i in range(n)]
    start = [0] * n
    for key, counts in data.series.items():
        coll = base.bars(ax, ys, [0.7] * n, counts, start, horizontal=True, label=key, unit="incidents",
                         facecolors=base.colour_for("type", key))
        chart.drills[coll] = [_drill(c, key) for c in data.clients]
        start = [a + b for a, b in zip(start, counts)]
    ax.set_yticks([n - 1 - i for i in range(n)])
    ax.set_yticklabels(data.clients)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0, max(start) * 1.08)
    ax.grid(True, axis="x", color=t.grid, linewidth=0.8)
    ax.grid(False, axis="y")
    ax.set_xlabel("incidents (count)")
    base.legend(ax, title="log type", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return chart


def _drill(client: str, log_type: str) -> base.Drill | None:
    if client == NO_CLIENT:
        return None
    return base.Drill({"clients": (client,), "log_types": (log_type,)},
                      f"{log_type} incidents of {client}", page="incidents")
