"""Time buckets in the user's zone, right across daylight-saving changes.

Minute and hour buckets are spans of elapsed time aligned to the local clock, so
the repeated hour when clocks go back shows as two buckets (01:00 twice, with
different offsets) and the skipped hour simply does not exist. Day and week
buckets are local calendar days (23 or 25 hours long on change days) and weeks
starting Monday 00:00 local time.

The store groups rows by a bucket number computed in SQL (``app.store.local_time``,
which also turns numbers back into start times); this module gathers what the charts
use of it. Where buckets start on the wall clock is ``app.domain.time_buckets``; the
Events timeline (``app.store.events.histogram``) uses both, so its bars are the charts' bars.
"""

from __future__ import annotations

from app.domain.time_buckets import SECONDS, UTC, choose, floor, local_to_utc, next_start, starts_between
from app.domain.zone_spans import OffsetSpan, offset_spans
from app.store.local_time import WEEK_SHIFT, bucket_start, sql_bucket, sql_local_seconds

BUCKETS: tuple[str, ...] = ("minute", "hour", "day", "week")
UNITS: dict[str, str] = {"minute": "per minute", "hour": "per hour", "day": "per day", "week": "per week"}


# The charts reach the wall-clock arithmetic through here, beside the SQL side of it.
__all__ = ["BUCKETS", "SECONDS", "UNITS", "UTC", "WEEK_SHIFT", "OffsetSpan", "bucket_start", "choose", "floor",
           "local_to_utc", "next_start", "offset_spans", "sql_bucket", "sql_local_seconds", "starts_between"]
