"""The format families the importer knows, by the name ``--format`` takes."""

from __future__ import annotations

from app.domain.vocab import FLAG_TIME_CHOSEN
from app.ingest.formats.applog import AppLog
from app.ingest.formats.base import LineParser, ParseContext, RecordParser, Reject, Row
from app.ingest.formats.csvfmt import CsvExport
from app.ingest.formats.generic import GenericText
from app.ingest.formats.jsonlines import Journal, JsonLines
from app.ingest.formats.syslog import BsdSyslog, Rfc5424
from app.ingest.formats.web import AccessLog, ErrorLog
from app.ingest.formats.windows import EventXml, Evtx


class PlainText(LineParser):
    """Lines taken at a time the user chose (``--time-from``): only ever by explicit choice (flag bit 2)."""

    name = "text"
    default_type = "application"
    row_flags = FLAG_TIME_CHOSEN

    def parse(self, text: str) -> Row | None:
        from app.ingest import levels

        if not self.ctx.file_time:
            raise Reject("no time stamp, and no time chosen for the file (--time-from)")
        message = text.strip()
        return (self.ctx.file_time, levels.from_message(message), None, None, None, None, None, message or text, None)


FORMATS: dict[str, type[LineParser] | type[RecordParser]] = {
    "syslog": BsdSyslog,
    "rfc5424": Rfc5424,
    "journal": Journal,
    "json": JsonLines,
    "csv": CsvExport,
    "access": AccessLog,
    "errorlog": ErrorLog,
    "applog": AppLog,
    "evtx": Evtx,
    "eventxml": EventXml,
    "generic": GenericText,
    "text": PlainText,
}
DESCRIPTIONS: dict[str, str] = {
    "syslog": "BSD syslog (also ISO/high-precision stamps, optional <PRI>)",
    "rfc5424": "RFC 5424 syslog",
    "journal": "systemd journal export (journalctl -o json)",
    "json": "JSON Lines from applications",
    "csv": "CSV/TSV export with a header row",
    "access": "Apache/Nginx access log (common, combined)",
    "errorlog": "Apache/Nginx error log",
    "applog": "time level [thread] logger - message (log4j, Python, Hadoop, Spark, Android, ...)",
    "evtx": "Windows .evtx event log",
    "eventxml": "Windows Event Viewer XML export",
    "generic": "any text log with a time stamp near the start of lines (layout learned from the file)",
    "text": "every line at a time you choose (--time-from mtime|ISO); never chosen by detection",
}


def make(name: str, ctx: ParseContext) -> LineParser | RecordParser:
    if name not in FORMATS:  # a user's own format (lnav syntax), as chosen by service.choose_format
        from app.ingest import userformats

        return userformats.make_parser(name, ctx)
    return FORMATS[name](ctx)


__all__ = ["DESCRIPTIONS", "FORMATS", "LineParser", "ParseContext", "RecordParser", "make"]
