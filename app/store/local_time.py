"""SQL for the local wall-clock time of a stored UTC column, one offset per span of the zone."""

from __future__ import annotations

from app.domain.zone_spans import OffsetSpan

# Whole weeks added before taking an hour of day or weekday: the local seconds of any time from year 1 on
# stay positive, where SQLite's truncating ``/`` and ``%`` read the wall clock right (whole weeks change neither).
CLOCK_SHIFT = 102_800 * 7 * 86_400


def sql_local_seconds(spans: list[OffsetSpan], column: str) -> tuple[str, list[object]]:
    """SQL for seconds since 1970-01-01 00:00 on the local wall clock of stored time ``column``."""
    case, params = offset_case(spans, column)
    return f"(unixepoch({column}) + {case})", params


def offset_case(spans: list[OffsetSpan], column: str) -> tuple[str, list[object]]:
    """The offset (seconds) in effect at ``column``: a constant, or a CASE over the changes."""
    if len(spans) == 1:
        return "?", [spans[0].offset]
    parts: list[str] = []
    params: list[object] = []
    for s in spans[:-1]:
        parts.append(f"WHEN {column} < ? THEN ?")
        params += [s.until, s.offset]
    params.append(spans[-1].offset)
    return "(CASE " + " ".join(parts) + " ELSE ? END)", params
