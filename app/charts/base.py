"""What every chart shares: the light and dark look, figure size, local-time axes, drill-down slices.

Builders make a ``matplotlib.figure.Figure`` directly (no pyplot, no GUI
backend), so the CLI renders PNG/SVG/PDF headless and the dashboard hands the
same figure to the Qt canvas. matplotlib is imported inside functions only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.vocab import LOG_TYPE_COLOURS, PRIORITY_COLOURS, SEVERITY_COLOURS

NARROW = 820  # pixels: below this the title's summary moves to its own line
KINDS: tuple[str, ...] = ("trend", "incidents", "mttr", "top", "heatmap", "clients")
CLIENT_PALETTE: tuple[str, ...] = ("#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2", "#ca8a04",
                                   "#db2777", "#4b5563")


@dataclass(frozen=True)
class Theme:
    """Figure colours; the series colours come from app/domain/vocab.py and suit both."""

    name: str
    background: str
    foreground: str
    muted: str
    grid: str
    backlog: str


THEMES: dict[str, Theme] = {
    "light": Theme("light", "#ffffff", "#1f2937", "#6b7280", "#e5e7eb", "#111827"),
    "dark": Theme("dark", "#1e1f22", "#e5e7eb", "#9ca3af", "#3a3d42", "#f9fafb"),
}


@dataclass(frozen=True)
class Drill:
    """A slice of a chart as changes to the shared filter, and the page that shows it."""

    changes: dict[str, Any]
    label: str
    page: str = "events"


@dataclass
class Chart:
    """A built figure and the drill-down slices behind its clickable artists.

    ``drills[artist]`` lists one slice per bar of a bar collection (the pick
    event's ``ind``); ``cell_drill(xdata, ydata)`` serves images such as the heatmap.
    """

    figure: Any
    drills: dict[Any, list[Drill | None]] = field(default_factory=dict)
    cell_drill: Any = None

    @property
    def size(self) -> tuple[int, int]:
        """The pixel size the figure was built for."""
        w, h = self.figure.get_size_inches() * self.figure.dpi
        return round(w), round(h)

    @property
    def theme(self) -> str:
        return theme_of(self.figure).name

    def drill_for(self, artist: Any, index: int | None = None, xdata: float | None = None,
                  ydata: float | None = None) -> Drill | None:
        """The slice behind bar ``index`` of a picked collection, or a point on an image."""
        slices = self.drills.get(artist)
        if slices is not None and index is not None and 0 <= index < len(slices):
            return slices[index]
        if self.cell_drill is not None and xdata is not None and ydata is not None:
            return self.cell_drill(xdata, ydata)  # type: ignore[no-any-return]
        return None

    def bars(self) -> list[Any]:
        """The clickable bar collections, in drawing order."""
        return list(self.drills)


def bars(ax: Any, left: Sequence[float], widths: Sequence[float], heights: Sequence[float],
         bottoms: Sequence[float] | None = None, horizontal: bool = False, unit: str = "events", **style: Any) -> Any:
    """Bars as one ``PolyCollection`` (far faster to build and draw than one patch each); pickable.

    With ``horizontal`` the roles swap: ``left`` is the bar's bottom edge on y, ``heights`` its length on x.
    """
    from matplotlib.collections import PolyCollection

    bottoms = bottoms or [0.0] * len(left)
    verts = []
    for x, w, h, b in zip(left, widths, heights, bottoms):
        rect = [(x, b), (x + w, b), (x + w, b + h), (x, b + h)]
        verts.append([(y, x_) for x_, y in rect] if horizontal else rect)
    coll = PolyCollection(verts, picker=True, pickradius=0, linewidths=0, **style)
    coll.il_horizontal = horizontal  # type: ignore[attr-defined]
    coll.il_unit = unit  # type: ignore[attr-defined]
    ax.add_collection(coll, autolim=True)
    ax.autoscale_view()
    return coll


def describe(artist: Any, index: int | None, event: Any) -> str:
    """The value under the pointer, with its unit: "1,234 events", "4.2 hours"."""
    if index is not None and hasattr(artist, "il_unit"):
        value = heights_of(artist, artist.il_horizontal)[index]
        return f"{value:,.1f} {artist.il_unit}" if artist.il_unit == "hours" else f"{value:,.0f} {artist.il_unit}"
    data = artist.get_cursor_data(event) if hasattr(artist, "get_cursor_data") else None
    return f"{data:,.0f} events" if data is not None else ""


def heights_of(coll: Any, horizontal: bool = False) -> list[float]:
    """Each bar's length, read back from the drawn artist (tests compare it with SQL counts)."""
    out = []
    for path in coll.get_paths():
        v = path.vertices
        out.append(float((v[:, 0].max() - v[:, 0].min()) if horizontal else (v[:, 1].max() - v[:, 1].min())))
    return out


def colour_for(group: str | None, key: str, index: int = 0) -> str:
    if group == "severity":
        return SEVERITY_COLOURS.get(key, "#888888")
    if group == "type":
        return LOG_TYPE_COLOURS.get(key, "#888888")
    if group == "priority":
        return PRIORITY_COLOURS.get(int(key), "#888888")
    return CLIENT_PALETTE[index % len(CLIENT_PALETTE)]


def new_figure(width_px: int = 1000, height_px: int = 520, dpi: int = 100, theme: str = "light",
               margins: tuple[int, int, int, int] = (84, 150, 40, 58)) -> Any:
    """A figure of the given pixel size, painted for the theme, with one axes.

    ``margins`` (left, right, top, bottom) are pixels: fixed margins cost nothing
    to lay out, where constrained layout would draw the figure twice.
    """
    from matplotlib.figure import Figure

    t = THEMES[theme]
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor=t.background)
    fig.il_theme = t  # type: ignore[attr-defined]
    fig.il_margins = margins  # type: ignore[attr-defined]
    left, right, top, bottom = margins
    if width_px < NARROW:
        top += 16  # the summary goes on a second line under the title
    fig.subplots_adjust(left=min(0.4, left / width_px), right=max(0.6, 1 - right / width_px),
                        top=max(0.6, 1 - top / height_px), bottom=min(0.4, bottom / height_px))
    ax = fig.add_subplot()
    style_axes(ax, t)
    return fig


def style_axes(ax: Any, t: Theme) -> None:
    ax.set_facecolor(t.background)
    for side, spine in ax.spines.items():
        spine.set_color(t.grid if side in ("left", "bottom") else t.background)
    ax.tick_params(colors=t.foreground, labelsize=9)
    ax.xaxis.label.set_color(t.foreground)
    ax.yaxis.label.set_color(t.foreground)
    ax.title.set_color(t.foreground)
    ax.grid(True, axis="y", color=t.grid, linewidth=0.8)
    ax.set_axisbelow(True)


def theme_of(fig: Any) -> Theme:
    return getattr(fig, "il_theme", THEMES["light"])


def title(ax: Any, text: str, subtitle: str = "") -> None:
    """The chart's title at the figure's top left, a short summary at its top right."""
    fig = ax.figure
    t = theme_of(fig)
    w, h = fig.get_size_inches() * fig.dpi
    fig.text(14 / w, 1 - 10 / h, text, ha="left", va="top", fontsize=12, fontweight="bold", color=t.foreground)
    if subtitle and w < NARROW:
        fig.text(14 / w, 1 - 30 / h, subtitle, ha="left", va="top", fontsize=8, color=t.muted)
    elif subtitle:
        fig.text(1 - 14 / w, 1 - 12 / h, subtitle, ha="right", va="top", fontsize=9, color=t.muted)


def legend(ax: Any, **kwargs: Any) -> None:
    t = theme_of(ax.figure)
    leg = ax.legend(frameon=False, fontsize=8, labelcolor=t.foreground, **kwargs)
    if leg is not None and leg.get_title() is not None:
        leg.get_title().set_color(t.foreground)


def empty(ax: Any, message: str = "Nothing matches the filter") -> None:
    t = theme_of(ax.figure)
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color=t.muted, fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])


def zone_name(zone: dt.tzinfo) -> str:
    return str(getattr(zone, "key", None) or dt.datetime.now(zone).tzname() or zone)


def time_axis(ax: Any, zone: dt.tzinfo, first: dt.datetime, last: dt.datetime, what: str = "local time",
              maxticks: int = 10) -> None:
    """Dates on x in the user's zone; the zone and the year(s) go in the axis label, not a corner offset."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(tz=zone, minticks=min(4, maxticks - 1), maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=zone, show_offset=False))
    y0, y1 = first.astimezone(zone).year, last.astimezone(zone).year
    years = str(y0) if y0 == y1 else f"{y0}–{y1}"
    ax.set_xlabel(f"{what}, {years} ({zone_name(zone)})")


def bar_edges(starts: list[dt.datetime], ends: list[dt.datetime]) -> tuple[list[float], list[float]]:
    """Left edges and widths in matplotlib date units (days); DST days are 23 or 25 hours wide."""
    import matplotlib.dates as mdates

    left = [float(x) for x in mdates.date2num(starts)]
    right = [float(x) for x in mdates.date2num(ends)]
    return left, [(r - lo) * 0.9 for lo, r in zip(left, right)]


def thousands() -> Any:
    """A tick formatter with thousands separators: 25,000 rather than 25000."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _p: f"{v:,.0f}")


def iso(moment: dt.datetime) -> str:
    from app.domain import timeutil

    return timeutil.to_iso(moment)


def save(fig: Any, path: str) -> None:
    """Write PNG, SVG or PDF by the file's extension."""
    fig.savefig(path, facecolor=fig.get_facecolor())
