"""One entry point per chart kind: gather the data (SQL, any thread), then build the figure.

The dashboard runs ``gather`` in a worker and ``build`` on the GUI thread; the
CLI and the benchmark call ``render`` which does both and saves the file.
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path
from typing import Any

from app.charts.base import KINDS, Chart
from app.domain.filters import Filter
from app.store.database import Database

FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
SIZES: dict[str, tuple[int, int]] = {
    "trend": (1000, 520), "incidents": (1000, 520), "mttr": (1000, 520),
    "top": (1000, 560), "heatmap": (1000, 420), "clients": (1000, 480),
}


def gather(kind: str, db: Database, f: Filter, zone: dt.tzinfo, by: str | None = None,
           now: dt.datetime | None = None, exact: bool = False, all_time: bool = False) -> Any:
    """The chart's data; ``by`` splits the trend (severity, type or client).

    The trend covers the last 30 days with events when the filter has no time
    range, unless ``all_time`` (``app.domain.chart_window``).
    """
    from app.analysis import incident_series, series

    if kind == "trend":
        return series.trend(db, f, zone, by=by or "severity", now=now, all_time=all_time)
    if kind == "incidents":
        return incident_series.flow(db, f, zone, now=now)
    if kind == "mttr":
        return incident_series.mttr(db, f, zone, now=now)
    if kind == "top":
        return series.top_messages(db, f, zone, exact=exact, now=now)
    if kind == "heatmap":
        return series.heatmap(db, f, zone, now=now)
    if kind == "clients":
        return incident_series.by_client(db, f, zone, now=now)
    raise ValueError(f"unknown chart {kind!r}; expected one of {', '.join(KINDS)}")


def build(kind: str, data: Any, width: int | None = None, height: int | None = None,
          theme: str = "light") -> Chart:
    """The figure for ``data`` gathered for ``kind``."""
    if kind not in KINDS:
        raise ValueError(f"unknown chart {kind!r}; expected one of {', '.join(KINDS)}")
    w, h = SIZES[kind]
    module = importlib.import_module(f"app.charts.{kind}")
    return module.build(data, width=width or w, height=height or h, theme=theme)  # type: ignore[no-any-return]


def render(kind: str, out: Path, db: Database, f: Filter, zone: dt.tzinfo, by: str | None = None,
           width: int | None = None, height: int | None = None, theme: str = "light",
           now: dt.datetime | None = None, exact: bool = False, all_time: bool = False) -> Chart:
    """Gather, build and save to ``out`` (PNG, SVG or PDF by its extension)."""
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"{out}: unknown picture format {suffix!r}; use .png, .svg or .pdf")
    chart = build(kind, gather(kind, db, f, zone, by, now, exact, all_time), width, height, theme)
    chart.figure.savefig(out, facecolor=chart.figure.get_facecolor())
    return chart
