"""The Patterns sheet's facts: the report filter's top patterns, each with its trend and what answers it.

Gathered inside the export's snapshot with the other facts. The trend is a text
sparkline, one block per local hour or day (grouped when there would be more than
``MAX_TREND``): it reads the same in Excel and LibreOffice and prints, which an
Excel sparkline (an extension LibreOffice shows differently) would not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from app.patterns.listing import listing
from app.reports.context import ReportContext
from app.store import kb, patterns as pattern_store, report_queries

TOP = 50
MAX_TREND = 60  # blocks in a trend; longer series are summed in groups
MAX_LINKS = 10  # incidents or articles listed in one cell; the rest are counted
BLOCKS = "▁▂▃▄▅▆▇█"


@dataclass
class PatternFacts:
    """The top patterns (busiest first), what one trend block stands for, and events not yet given a pattern."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    unit: str = "day"
    unmined: int = 0


def sparkline(series: list[int]) -> str:
    """One block per count, the tallest for the peak; an empty period is the lowest block."""
    peak = max(series, default=0)
    if peak <= 0:
        return BLOCKS[0] * len(series)
    return "".join(BLOCKS[0] if v <= 0 else BLOCKS[1 + min(6, int(v * 7 / peak - 1e-9))] for v in series)


def grouped(series: list[int], unit: str) -> tuple[list[int], str]:
    """The series summed in equal groups so it has at most ``MAX_TREND`` blocks, and the unit of one block."""
    size = max(1, math.ceil(len(series) / MAX_TREND))
    if size == 1:
        return series, unit
    return [sum(series[i:i + size]) for i in range(0, len(series), size)], f"{size} {unit}s"


def _linked(items: list[tuple[str, str]]) -> str:
    lines = [f"{key} {title}" for key, title in items[:MAX_LINKS]]
    if len(items) > MAX_LINKS:
        lines.append(f"and {len(items) - MAX_LINKS} more")
    return "\n".join(lines)


def top_patterns(ctx: ReportContext) -> PatternFacts:
    """Up to ``TOP`` patterns of the filter's events, with trend, peak, linked incidents and articles."""
    rows = listing(ctx.db, ctx.filter, ctx.zone, "count", now=ctx.now, want_series=True)[:TOP]
    facts = PatternFacts(unmined=pattern_store.unmined_count(ctx.db))
    if not rows:
        return facts
    titles = report_queries.incident_titles(ctx.db, [n for r in rows for n in r["incidents"]])
    articles = kb.articles_by_pattern(ctx.db, [r["id"] for r in rows])
    for r in rows:
        series, facts.unit = grouped(r.pop("series"), r.pop("bucket"))
        r["trend"] = sparkline(series)
        r["peak"] = max(series, default=0)
        r["incident_text"] = _linked([(n, titles.get(n, "")) for n in r["incidents"]])
        r["articles"] = articles.get(r["id"], [])
        r["article_text"] = _linked([(f"#{aid}", title) for aid, title in r["articles"]])
    facts.rows = rows
    return facts
