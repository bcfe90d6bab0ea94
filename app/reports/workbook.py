"""The Excel audit report: Summary, Incidents, Patterns, Events, Audit trail and Charts in one workbook.

The whole workbook is written in openpyxl's write-only mode (rows stream to
disk), from one read snapshot of the database, to a temporary file renamed into
place at the end. The database file is hashed first; the finished workbook is
read back by an independent reader (``xlsx_check``), then hashed, recorded in the
audit trail and renamed into place as one step (``files.publish``), so an auditor
can tie the file they hold to the database it came from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app import APP_NAME, __version__
from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.jobs import Progress
from app.reports import files, leftovers
from app.reports.context import EXCEL_MAX_ROWS, ReportContext
from app.reports.facts import ReportFacts, gather
from app.reports.xlsx_check import WorkbookCheckError, check_workbook
from app.store import audit, dbfile, report_queries
from app.store.database import Database

log = logging.getLogger("issue_ledger.reports")


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote, as the CLI prints it and the audit trail records it."""

    path: Path
    sha256: str
    kind: str
    events: int = 0
    incidents: int = 0
    audit_rows: int = 0
    sheets: tuple[str, ...] = ()
    seconds: float = 0.0
    chain_ok: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _event_sheet_text(events: int, per_sheet: int) -> str:
    n = max(1, math.ceil(events / (per_sheet - 1))) if events else 1
    return "Events" if n == 1 else f"Events to Events ({n}) — {n} sheets of at most {per_sheet - 1:,} rows"


def _write(path: Path, ctx: ReportContext, facts: ReportFacts) -> tuple[str, ...]:
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    from app.reports.sheets_audit import write_audit
    from app.reports.sheets_charts import write_charts
    from app.reports.sheets_events import PRINTED_ROWS, write_events
    from app.reports.sheets_incidents import printed_columns_text, write_incidents
    from app.reports.sheets_patterns import write_patterns
    from app.reports.sheets_summary import page_text, write_summary
    from app.reports.xlsx_whitespace import keep_whitespace_only_texts

    keep_whitespace_only_texts()
    wb = Workbook(write_only=True)
    props = wb.properties
    props.title = f"Audit report — {facts.event_count:,} events, {len(facts.incidents):,} incidents"
    props.subject = "Issue Ledger audit report: incidents, events, SLA figures and the audit trail"
    props.creator = f"{APP_NAME} {__version__} ({ctx.actor})"
    props.description = (f"Database SHA-256 {facts.database_sha256}; audit-chain head {facts.chain.head} "
                         f"at row {facts.chain.count} (check with: issue-ledger verify --head HASH)")
    props.created = ctx.now.astimezone(timeutil.UTC).replace(tzinfo=None, microsecond=0)
    props.keywords = "audit; incidents; SLA; logs"
    wb.security = WorkbookProtection(lockStructure=True)
    if ctx.include_events:
        ctx.notes["event_sheets_text"] = _event_sheet_text(facts.event_count, ctx.max_rows_per_sheet)
        ctx.notes["events_print_rows"] = min(PRINTED_ROWS, facts.event_count)
    ctx.notes["incidents_print_text"] = printed_columns_text(ctx)
    ctx.page = page_text(ctx, facts)
    try:
        ctx.progress.report(0, max(facts.event_count, 1), "summary and incidents")
        write_summary(wb, ctx, facts)
        write_incidents(wb, ctx, facts)
        write_patterns(wb, ctx, facts.patterns)
        if ctx.include_events:
            write_events(wb, ctx, facts.event_count)
        ctx.progress.check()
        write_audit(wb, ctx, facts.audit_rows)
        write_charts(wb, ctx, facts)
        ctx.progress.check()
        ctx.progress.report(facts.event_count, max(facts.event_count, 1), "saving the workbook")
        titles = tuple(ws.title for ws in wb.worksheets)
        wb.save(path)
    except BaseException:
        _discard(wb)
        raise
    return titles


def _discard(wb: Any) -> None:
    """Finish and delete the sheets' temporary files after a failure or cancel.

    Write-only sheets stream into temporary files; left open, they would leak
    and later complain when garbage-collected.
    """
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        with contextlib.suppress(Exception):
            ws.close()
        if writer is not None:
            with contextlib.suppress(OSError, TypeError):
                os.remove(writer.out)


def export_workbook(
    db: Database,
    out: str | Path,
    f: Filter,
    zone: dt.tzinfo,
    *,
    include_events: bool = True,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    actor: str | None = None,
    max_rows_per_sheet: int = EXCEL_MAX_ROWS,
) -> ExportResult:
    """Write the audit workbook to ``out``; nothing is left at ``out`` if it fails or is cancelled."""
    started = time.perf_counter()
    target = Path(out)
    progress = progress or Progress()
    ctx = ReportContext(db=db, filter=f, zone=zone, now=now or dt.datetime.now(timeutil.UTC),
                        actor=actor or audit.current_actor(), include_events=include_events,
                        max_rows_per_sheet=max_rows_per_sheet, progress=progress)
    _busy, frames, copied = report_queries.checkpoint(db)
    ctx.notes["checkpoint"] = (
        "complete: the file held every committed change when hashed" if frames <= 0 or frames == copied
        else f"partial: {frames - copied} WAL frames were still held by another connection")
    db_sha = dbfile.sha256(db.path)  # never open and close the live file: that drops our locks
    with files.staged_output(target) as tmp:
        with db.lean(), report_queries.snapshot(db), leftovers.owned_tempdir():
            facts = gather(ctx, db_sha)
            titles = _write(tmp, ctx, facts)
        try:
            check_workbook(tmp)
        except WorkbookCheckError as exc:
            raise WorkbookCheckError(f"{target}: the written workbook failed its check ({exc}); "
                                     "it was removed and nothing was recorded") from None
        result = ExportResult(
            path=target.resolve(), sha256="", kind="xlsx",
            events=facts.event_count if include_events else 0, incidents=len(facts.incidents),
            audit_rows=facts.audit_rows, sheets=titles, seconds=0.0, chain_ok=facts.chain.ok,
        )
        extra = {"database_sha256": db_sha, "chain_head": facts.chain.head, "events_included": include_events,
                 "zone": ctx.zone_label}
        sha = files.publish(db, tmp, target, lambda digest: record_export(db, replace(result, sha256=digest), f,
                                                                           extra))
    result = replace(result, sha256=sha, seconds=time.perf_counter() - started)
    log.info("report %s written: %s events, %s incidents in %.1f s", target, result.events, result.incidents,
             result.seconds)
    return result


def record_export(db: Database, result: ExportResult, f: Filter, extra: dict[str, Any] | None = None) -> None:
    """The audit row every export writes: what file, its hash, what it covers (``files.publish`` commits it)."""
    audit.append(db, "export", "report", result.path.name, new={
        "kind": result.kind, "path": str(result.path), "sha256": result.sha256, "filter": f.to_dict(),
        "events": result.events, "incidents": result.incidents, **(extra or {}),
    })
