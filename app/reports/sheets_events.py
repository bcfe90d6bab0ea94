"""The Events sheets: every matching event, streamed in write-only mode.

Rows go straight from the SQLite cursor to the sheet's file, so memory stays
flat however many events there are. Excel holds 1,048,576 rows a sheet; past
that the rows go on in "Events (2)", "Events (3)", … each with its own heading.
Colours come from conditional formats on the severity and log-type columns
rather than per-cell styles, which would slow the stream down. Only the first
``PRINTED_ROWS`` rows print: the sheet is for filtering, not for paper.
"""

from __future__ import annotations

from typing import Any

from app.domain.vocab import LOG_TYPE_COLOURS, SEVERITIES, SEVERITY_COLOURS, flag_notes
from app.reports import xlsx_style
from app.reports.context import ReportContext
from app.reports.safety import excel_text, needs_quote_prefix
from app.store import report_queries

EVENT_HEADINGS_BASE: tuple[str, ...] = (
    "Event id", "Time", "Log type", "Severity", "Raw level", "Host", "Component", "PID",
    "Event code", "Message", "Client", "Site", "Import id", "Line", "Notes",
)
_TEXT_COLUMNS = (4, 5, 6, 8, 9, 10, 11)  # raw level, host, component, event code, message, client, site
_WIDTHS = (10, 20, 12, 10, 10, 18, 18, 8, 11, 100, 14, 14, 9, 8, 30)
_PROGRESS_EVERY = 5000
PRINTED_ROWS = 500


def event_headings(ctx: ReportContext) -> tuple[str, ...]:
    return tuple(ctx.time_header(h) if h == "Time" else h for h in EVENT_HEADINGS_BASE)


def sheet_title(index: int) -> str:
    return "Events" if index == 1 else f"Events ({index})"


def _new_sheet(wb: Any, ctx: ReportContext, index: int) -> Any:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet_title(index))
    xlsx_style.print_setup(ws, ctx.page)
    ws.freeze_panes = "A2"
    for i, width in enumerate(_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    xlsx_style.header_height(ws, event_headings(ctx), _WIDTHS)
    ws.append(xlsx_style.header_row(ws, event_headings(ctx)))
    return ws


def _finish_sheet(ws: Any, rows: int) -> None:
    """Autofilter, colour rules and protection, written in the sheet's tail."""
    last = max(rows + 1, 2)
    ws.auto_filter.ref = f"A1:N{last}"
    ws.print_area = f"A1:N{min(last, PRINTED_ROWS + 1)}"
    for value in SEVERITIES:
        rule = xlsx_style.text_equals_rule(f"D2:D{last}", "D", 2, value, SEVERITY_COLOURS[value])
        ws.conditional_formatting.add(*rule)
    for value, colour in LOG_TYPE_COLOURS.items():
        ws.conditional_formatting.add(*xlsx_style.text_equals_rule(f"C2:C{last}", "C", 2, value, colour))
    xlsx_style.finish_sheet(ws)


class _SafeTexts(dict[Any, Any]):
    """Made-safe texts of the short, repetitive columns (host, component, client…), memoised.

    A dict hit is much cheaper than checking the text again, and these columns
    repeat a few hundred values across millions of rows. Bounded, so a column
    of unique values cannot grow it without limit.
    """

    LIMIT = 50_000

    def __missing__(self, key: Any) -> Any:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[key] = None if key is None else excel_text(key)
        return value


class _Notes(dict[int, str]):
    """What an event's flags say, per distinct flags value (a handful in any report)."""

    def __missing__(self, key: int) -> str:
        text = "; ".join(flag_notes(key))
        self[key] = text
        return text


def write_events(wb: Any, ctx: ReportContext, total: int) -> list[tuple[str, int]]:
    """Write the Events sheet(s); returns (sheet title, data rows) for each sheet written."""
    limit = ctx.max_rows_per_sheet - 1  # the heading takes one row
    local = ctx.local
    labels = SEVERITIES
    progress = ctx.progress
    quoted = needs_quote_prefix
    sheets: list[tuple[str, int]] = []
    index = 1
    ws = _new_sheet(wb, ctx, index)
    in_sheet = 0
    done = 0
    append = ws.append
    safe = _SafeTexts()
    notes = _Notes()
    for (event_id, ts, log_type, severity, raw_level, host, component, pid, code, message, client, site,
         import_id, line_no, flags) in report_queries.iter_events(ctx.db, ctx.filter, ctx.zone, ctx.now):
        if in_sheet == limit:
            _finish_sheet(ws, in_sheet)
            sheets.append((ws.title, in_sheet))
            index += 1
            ws = _new_sheet(wb, ctx, index)
            append = ws.append
            in_sheet = 0
        row = [
            event_id, local(ts), log_type, labels[severity], safe[raw_level], safe[host], safe[component], pid,
            safe[code], excel_text(message), safe[client], safe[site], import_id, line_no,
            notes[flags] if flags else None,
        ]
        for i in _TEXT_COLUMNS:  # a text that looks like a formula becomes a quote-prefixed text cell
            if row[i] and quoted(row[i]):
                row[i] = xlsx_style.text_cell(ws, row[i])
        append(row)
        in_sheet += 1
        done += 1
        if done % _PROGRESS_EVERY == 0:
            progress.check()
            progress.report(done, total, f"events: {done:,} of {total:,}")
    _finish_sheet(ws, in_sheet)
    sheets.append((ws.title, in_sheet))
    progress.report(done, total, f"events: {done:,} of {total:,}")
    return sheets
