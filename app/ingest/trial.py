"""Trying a format on a file's first lines without importing: what ``formats test`` shows.

Someone writing a format file wants to see, line by line, what each line
would become (or why it would not), before a real import stores anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.domain.text import scrub_row
from app.ingest import formats, lines, service
from app.ingest.formats.base import RecordParser, Reject
from app.ingest.sources import Skipped, Source, SourceError, expand


@dataclass
class TrialLine:
    line_no: int
    status: str  # event | continuation | rejected
    ts: str | None = None
    severity: int | None = None
    host: str | None = None
    component: str | None = None
    message: str = ""
    reason: str = ""


@dataclass
class Trial:
    format: str
    lines: list[TrialLine] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return sum(1 for t in self.lines if t.status == "event")


def trial(path: Path, options: service.ImportOptions, limit: int = 20) -> Trial:
    """Parse the first ``limit`` lines of ``path`` as ``options.format`` would; raises Reject or SourceError."""
    item = next(iter(expand([path])), None)
    if isinstance(item, SourceError):
        raise item
    if not isinstance(item, Source):
        reason = item.reason if isinstance(item, Skipped) else "nothing to read"
        raise SourceError(f"{path}: {reason}")
    fmt, enc, sample = service.choose_format(item, options)
    parser = formats.make(fmt, service._context(item, options, sample))
    if isinstance(parser, RecordParser) or enc is None:
        raise Reject(f"{fmt} is not read line by line; 'formats test' tries line formats")
    out = Trial(fmt)
    with item.open() as reader:
        for n, (text, _flags) in enumerate(lines.iter_lines(reader.stream, enc), 1):
            if n > limit:
                break
            try:
                row = parser.parse(text)
            except (Reject, ValueError) as exc:
                out.lines.append(TrialLine(n, "rejected", message=text, reason=str(exc)))
                continue
            if row is None:
                out.lines.append(TrialLine(n, "continuation", message=text))
            else:
                row, _replaced = scrub_row(row)  # as the import stores it: a lone surrogate as U+FFFD
                out.lines.append(TrialLine(n, "event", row[0], row[1], row[3], row[4], row[7]))
    return out
