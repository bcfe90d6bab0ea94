"""Guessing a file's format from its first bytes and lines (``--format`` overrides).

Every family counts the sample lines it would read with a time; the family
that reads the most wins, a specific family beating the learned generic
layout when they read as many. The result says how sure it is: the winner's
share of the sample and the runner-up, and whether two formats tie.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.ingest import layout as layouts
from app.ingest.clock import Clock
from app.ingest.delimiters import DELIMITERS
from app.ingest.formats import applog, syslog, web
from app.ingest.formats.base import ParseContext, Reject
from app.ingest.formats.generic import ANSI
from app.ingest.stamps import SHAPES, first_shape

_LEVEL_NEAR = applog.REST
_HEADER_CELL = re.compile(r"[A-Za-z_@][\w .@-]{0,40}")
_XML_EVENT = re.compile(r"<Event[\s>]")
_NUMERIC = re.compile(r"[\[\(\s]*(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}")
SAMPLE = 60
PREFERENCE = ("rfc5424", "syslog", "access", "errorlog", "journal", "json", "applog", "generic", "csv")


REFINED = ("generic", "applog", "csv")  # readers any richer family refines: a tie with them is no tie


@dataclass(frozen=True)
class Candidate:
    format: str
    lines: int  # sample lines it reads with a time
    share: float  # of the non-blank sample lines

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "lines": self.lines, "share": round(self.share, 4)}


@dataclass(frozen=True)
class Detection:
    """What detection decided for one file, and how sure it was."""

    format: str | None  # None: no format finds a time stamp in the sample
    sampled: int
    candidates: tuple[Candidate, ...] = ()  # best first
    tie: bool = False  # the best two read as many lines and neither refines the other
    notes: tuple[str, ...] = field(default=())

    @property
    def share(self) -> float:
        best = self.candidates[0] if self.candidates else None
        return best.share if best is not None and best.format == self.format else (1.0 if self.format else 0.0)

    @property
    def runner_up(self) -> Candidate | None:
        rest = [c for c in self.candidates if c.format != self.format]
        return rest[0] if rest else None

    def as_dict(self) -> dict[str, Any]:
        runner = self.runner_up
        return {"format": self.format, "share": round(self.share, 4), "sampled": self.sampled,
                "runner_up": runner.format if runner else None, "runner_up_share": round(runner.share, 4)
                if runner else None, "tie": self.tie, "candidates": [c.as_dict() for c in self.candidates]}


def detect(head: bytes, lines: list[str], name: str = "") -> str:
    """The format name for a file whose first bytes are ``head`` and first lines ``lines`` ("text": none)."""
    return examine(head, lines, name).format or "text"


def examine(head: bytes, lines: list[str], name: str = "", clock: Clock | None = None,
            extra: Sequence[tuple[str, Any]] = ()) -> Detection:
    """Score every family on the sample; ``extra`` are users' own formats as (name, parser), tried first."""
    if head.startswith(b"ElfFile\x00") or name.lower().endswith(".evtx"):
        return Detection("evtx", 0, (Candidate("evtx", 0, 1.0),))
    text = [ln for ln in lines if ln.strip()][:SAMPLE]
    if not text:
        return Detection(None, 0, notes=("the file has no text lines",))
    first = text[0].lstrip("\ufeff").lstrip()
    if first.startswith(("<?xml", "<Events", "<Event ")) and any(_XML_EVENT.search(ln) for ln in text[:20]):
        return Detection("eventxml", len(text), (Candidate("eventxml", len(text), 1.0),))
    scores = dict.fromkeys(PREFERENCE, 0)
    for ln in text:
        _score(ln, scores)
    clock = clock or Clock(dt.UTC, None, dt.datetime.now(dt.UTC))
    if not first.startswith(("{", "[")) and _looks_csv(text):
        scores["csv"] = _csv_reads(text, clock)
    plain = [ANSI.sub("", ln) for ln in text] if any("\x1b" in ln for ln in text) else text
    learned = layouts.learn(plain, clock)
    if learned is not None and learned.time_only:
        learned.start_on(clock.file_day)  # any day will do to count the lines it reads
    scores["generic"] = _layout_reads(learned, plain) if learned is not None else 0
    users = {fmt: _parser_reads(parser, text) for fmt, parser in extra}
    order = [*users, *PREFERENCE]
    scores.update(users)
    if scores["applog"] and scores["applog"] * 2 >= scores["generic"]:
        scores["applog"] = max(scores["applog"], scores["generic"])  # a level after the stamp: the richer reader
    ranked = sorted((k for k in order if scores[k] > 0), key=lambda k: (-scores[k], order.index(k)))
    candidates = tuple(Candidate(k, scores[k], scores[k] / len(text)) for k in ranked)
    if not candidates:
        return Detection(None, len(text), notes=("no time stamp in any of the first lines",))
    best = candidates[0]
    tie = len(candidates) > 1 and candidates[1].lines == best.lines and candidates[1].format not in REFINED
    return Detection(best.format, len(text), candidates, tie)


def _csv_reads(text: list[str], clock: Clock) -> int:
    """The header plus the rows whose time column reads: a table with no time column reads nothing."""
    from app.ingest.formats.csvfmt import CsvExport

    try:
        parser = CsvExport(ParseContext(clock=clock, sample=text))
        if not parser.time_columns:
            return 0
        return 1 + sum(1 for _n, _raw, _f, res in parser.records(iter((t, 0) for t in text))
                       if isinstance(res, tuple) and res[0])
    except (ValueError, Reject, IndexError):
        return 0


def _layout_reads(learned: layouts.Layout, text: list[str]) -> int:
    n = 0
    for ln in text:
        try:
            if learned.stamp(ln) is not None:
                n += 1
        except ValueError:
            continue
    return n


def _parser_reads(parser: Any, text: list[str]) -> int:
    n = 0
    for ln in text:
        try:
            row = parser.parse(ln)
        except (ValueError, Reject):
            continue
        if row is not None:
            n += 1
    return n


def _score(ln: str, scores: dict[str, int]) -> None:
    if ln.startswith("{"):
        try:
            obj = json.loads(ln)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            scores["journal" if "__REALTIME_TIMESTAMP" in obj or "__CURSOR" in obj else "json"] += 1
            return
    if syslog.RFC5424.match(ln):
        scores["rfc5424"] += 1
        return
    m0 = syslog.BSD.match(ln)
    if m0 and m0.group(5) not in syslog.NOT_HOSTS:
        scores["syslog"] += 1
        return
    m = syslog.ISO.match(ln)
    if m and m.group(11):
        scores["syslog"] += 1
        return
    if web.ACCESS.match(ln):
        scores["access"] += 1
        return
    if web.APACHE_ERROR.match(ln) or web.NGINX_ERROR.match(ln):
        scores["errorlog"] += 1
        return
    shape = first_shape(ln)
    if shape is None:
        return
    scores["generic"] += 1
    m2 = shape.regex.search(ln)
    end = m2.end() if m2 else 0
    if applog.ANDROID.match(ln, end):
        scores["applog"] += 1
        return
    m3 = _LEVEL_NEAR.match(ln, end)
    if m3 and applog._CASE_OK.fullmatch(m3.group("lvl")):
        scores["applog"] += 1


def _looks_csv(text: list[str]) -> bool:
    if len(text) < 2:
        return False
    head = text[0]
    for d in DELIMITERS:
        n = head.count(d)
        if n == 1 and not all(_HEADER_CELL.fullmatch(c.strip().strip('"')) for c in head.split(d)):
            continue  # one delimiter is a CSV only when the first line reads as column names
        if n >= 1 and first_shape(head) is None and sum(ln.count(d) >= n for ln in text[1:6]) >= min(
                len(text) - 1, 5) * 0.6:
            return True
    return False


def dayfirst(lines: list[str]) -> bool:
    """True when numeric dates in the sample can only be day-first (a first field above 12)."""
    for ln in lines[:200]:
        m = _NUMERIC.match(ln)
        if m and int(m.group(1)) > 12:
            return True
    return False


__all__ = ["SHAPES", "Candidate", "Detection", "dayfirst", "detect", "examine"]
