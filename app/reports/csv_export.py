"""CSV exports: events, incidents, and incidents shaped for ServiceNow's or Jira's importer.

Every text field gets the same treatment as the workbook (formula triggers
neutralised, characters spreadsheets cannot show escaped visibly) but keeps its
full length, and is quoted when it holds a separator of any locale (see
``safety.csv_line``). Files are written to a temporary name, then renamed into
place together with their audit row (the file's SHA-256) or not at all.

Events and incidents CSVs are UTF-8 with a byte-order mark (Excel then reads
accents right) and keep times in stored UTC form plus a local column. The
ITSM CSV is plain UTF-8 with local ``yyyy-MM-dd HH:mm:ss`` times, the form both
importers parse (set the importing user's time zone to the one named by --tz).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.jobs import Progress
from app.domain.vocab import SEVERITIES, flag_notes
from app.reports import files
from app.reports.itsm import ITSM_FLAVOURS, itsm_columns, itsm_row
from app.reports.safety import csv_line, csv_text
from app.reports.workbook import ExportResult, record_export
from app.store import events as event_store, report_queries
from app.store.database import Database

EVENT_CSV_COLUMNS: tuple[str, ...] = (
    "id", "ts_utc", "ts_local", "log_type", "severity", "raw_level", "host", "component", "pid",
    "event_code", "message", "client", "site", "import_id", "line_no", "notes",
)
INCIDENT_TIME_FIELDS = (
    "opened_at", "first_seen_at", "acknowledged_at", "resolved_at", "closed_at", "created_at", "updated_at",
)


def _write_csv(tmp: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str) -> None:
    with open(tmp, "w", encoding=encoding, newline="") as fh:
        fh.write(csv_line(header))
        fh.writelines(csv_line(row) for row in rows)


def _publish(db: Database, tmp: Path, target: Path, kind: str, f: Filter, started: float, *, events: int = 0,
             incidents: int = 0) -> ExportResult:
    """Audit the file and rename it into place as one step (``files.publish``)."""
    result = ExportResult(path=target.resolve(), sha256="", kind=kind, events=events, incidents=incidents)
    sha = files.publish(db, tmp, target, lambda digest: record_export(db, replace(result, sha256=digest), f))
    return replace(result, sha256=sha, seconds=time.perf_counter() - started)


def export_events_csv(db: Database, out: str | Path, f: Filter, zone: dt.tzinfo, *,
                      progress: Progress | None = None, now: dt.datetime | None = None) -> ExportResult:
    """Every matching event, oldest first."""
    started = time.perf_counter()
    progress = progress or Progress()
    now = now or dt.datetime.now(timeutil.UTC)
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    written = 0

    def rows() -> Iterable[list[Any]]:
        nonlocal written
        total = event_store.count(db, f, zone, now)
        for (event_id, ts, log_type, severity, raw_level, host, component, pid, code, message, client, site,
             import_id, line_no, flags) in report_queries.iter_events(db, f, zone, now):
            local = timeutil.from_iso(ts).astimezone(zone).strftime(fmt)[:-3]
            yield [event_id, ts, local, log_type, SEVERITIES[severity], csv_text(raw_level), csv_text(host),
                   csv_text(component), pid, csv_text(code), csv_text(message), csv_text(client), csv_text(site),
                   import_id, line_no, csv_text("; ".join(flag_notes(flags)))]
            written += 1
            if written % 5000 == 0:
                progress.check()
                progress.report(written, total, f"events: {written:,} of {total:,}")

    target = Path(out)
    with files.staged_output(target) as tmp:
        with db.lean(), report_queries.snapshot(db):
            _write_csv(tmp, EVENT_CSV_COLUMNS, rows(), "utf-8-sig")
        return _publish(db, tmp, target, "events-csv", f, started, events=written)


def _incidents(
    db: Database, f: Filter, zone: dt.tzinfo, now: dt.datetime
) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    from app.analysis import sla
    from app.reports.facts import SLA_COLUMNS

    rows = sla.incident_sla_rows(db, f, zone, now)
    rows.sort(key=lambda r: (r["opened_at"], r["id"]))
    return rows, SLA_COLUMNS


def export_incidents_csv(db: Database, out: str | Path, f: Filter, zone: dt.tzinfo, *,
                         progress: Progress | None = None, now: dt.datetime | None = None) -> ExportResult:
    """Every matching incident with every field and the SLA columns; times UTC plus local copies."""
    from app.store.incidents import INCIDENT_COLUMNS

    started = time.perf_counter()
    progress = progress or Progress()
    now = now or dt.datetime.now(timeutil.UTC)
    with report_queries.snapshot(db):
        incidents, sla_columns = _incidents(db, f, zone, now)
    local_names = [f"{n}_local" for n in INCIDENT_TIME_FIELDS]
    header = ["id", *INCIDENT_COLUMNS, *sla_columns, *local_names]

    def rows() -> Iterable[list[Any]]:
        for r in incidents:
            progress.check()
            yield ([csv_text(r.get(c)) for c in ("id", *INCIDENT_COLUMNS, *sla_columns)]
                   + [timeutil.display(r.get(c), zone) for c in INCIDENT_TIME_FIELDS])

    target = Path(out)
    with files.staged_output(target) as tmp:
        _write_csv(tmp, header, rows(), "utf-8-sig")
        return _publish(db, tmp, target, "incidents-csv", f, started, incidents=len(incidents))


def export_itsm_csv(db: Database, out: str | Path, f: Filter, zone: dt.tzinfo, *, flavour: str = "servicenow",
                    progress: Progress | None = None, now: dt.datetime | None = None) -> ExportResult:
    """Incidents as ServiceNow's import sets or Jira's CSV importer expect them (see README)."""
    if flavour not in ITSM_FLAVOURS:
        raise ValueError(f"flavour: {flavour!r} is not one of {', '.join(ITSM_FLAVOURS)}")
    started = time.perf_counter()
    now = now or dt.datetime.now(timeutil.UTC)
    with report_queries.snapshot(db):
        incidents, _ = _incidents(db, f, zone, now)
    def local(text: str | None) -> str:
        return timeutil.display(text, zone)

    labels_width = max([len(_tags(r)) for r in incidents] + [1])
    header = itsm_columns(flavour, labels_width)
    rows = ([csv_text(v) for v in itsm_row(flavour, r, local, labels_width)] for r in incidents)
    target = Path(out)
    with files.staged_output(target) as tmp:
        _write_csv(tmp, header, rows, "utf-8")
        return _publish(db, tmp, target, f"itsm-csv-{flavour}", f, started, incidents=len(incidents))


def _tags(row: dict[str, Any]) -> list[str]:
    return [t.strip() for t in (row.get("tags") or "").split(",") if t.strip()]
