"""A log format taught by example: the user marks the time (and level, host, component) in one line.

From the line and the marked spans this proposes what an lnav format file needs: a pattern with named
groups (``timestamp``, ``level``, ``host``, ``component``, ``body``) and a time format in lnav's strftime
syntax. The text between the marks is generalised (digits, words, spaces) so that the other lines of the
log match too; punctuation is kept as it is. Patterns are written the way lnav spells them,
``(?<name>…)``; ``python_pattern`` turns one into what ``re`` compiles.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.ingest import levels
from app.ingest.clock import MONTHS, UTC, Clock
from app.ingest.formats.base import ParseContext, Reject
from app.ingest.lnav_format import SCHEMA, LnavParser, from_json

FIELDS = ("timestamp", "level", "host", "component")
Span = tuple[int, int]  # start, end (exclusive) in the sample line

_SPECIAL = set(".^$*+?()[]{}|\\")
_TOKEN = re.compile(r"(?P<space>\s+)|(?P<digits>\d+)|(?P<word>[^\W\d]\w*)|(?P<other>.)", re.DOTALL)
# Separators a message follows: spaces, closers and dividers, but not an opener that belongs to it.
_BODY_LEAD = re.compile(r"[\s\]\)>}|:;,=-]*")
_TRIM = set("[](){}<>\"',;:|")  # around a selection: not part of the marked value
_NAMED = re.compile(r"\(\?<(?=[A-Za-z_])")  # (?<name> but not the look-behinds (?<= and (?<!
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def escape(text: str) -> str:
    """``text`` as a literal in a pattern, escaping only what needs it (``re.escape`` also escapes ``-#=``)."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


def python_pattern(pattern: str) -> str:
    """An lnav (PCRE) pattern in the spelling Python's ``re`` accepts: ``(?<name>`` → ``(?P<name>``."""
    return _NAMED.sub("(?P<", pattern)


def generalise(text: str) -> str:
    """Literal text between the marked parts, loosened: digits ``\\d+``, words ``\\w+``, spaces ``\\s+``."""
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        out.append({"space": r"\s+", "digits": r"\d+", "word": r"\w+"}.get(kind or "", "") or escape(m.group()))
    return "".join(out)


def _field_pattern(text: str, following: str) -> str:
    """What a marked level, host or component may look like in other lines."""
    if re.fullmatch(r"\w+", text):
        return r"\w+"
    if not re.search(r"\s", text):
        stop = following[:1]
        if stop and not stop.isspace() and not stop.isalnum():
            return "[^\\s" + ("\\" + stop if stop in "]\\^-" else stop) + "]+"
        return r"\S+"
    return ".+?"


def propose_pattern(line: str, marks: Mapping[str, Span], time_format: str | None = None) -> str:
    """A pattern for lines shaped like ``line``, with a named group per marked span and the rest as body.

    Raises ValueError when the time is not marked, a span is empty or outside the line, or two overlap.
    """
    if "timestamp" not in marks:
        raise ValueError("mark the time first")
    spans = sorted(marks.items(), key=lambda item: item[1][0])
    for name, (start, end) in spans:
        if name not in FIELDS:
            raise ValueError(f"unknown field {name!r}")
        if not 0 <= start < end <= len(line):
            raise ValueError(f"the {name} mark is empty or outside the line")
    for (first, (_s, end)), (second, (start, _e)) in itertools.pairwise(spans):
        if start < end:
            raise ValueError(f"the {first} and {second} marks overlap")
    parts = ["^"]
    position = 0
    for name, (start, end) in spans:
        parts.append(generalise(line[position:start]))
        text = line[start:end]
        if name == "timestamp":
            inner = time_pattern(time_format or propose_time_format(text).format)
        else:
            inner = _field_pattern(text, line[end:end + 1])
        parts.append(f"(?<{name}>{inner})")
        position = end
    rest = line[position:]
    lead = _BODY_LEAD.match(rest).group()  # type: ignore[union-attr]
    parts.append(generalise(lead).replace(r"\s+", r"\s*"))
    parts.append("(?<body>.*)")
    return "".join(parts)


# -- time formats ---------------------------------------------------------------------------------
_DIRECTIVE_PATTERNS = {
    "Y": r"\d{4}", "y": r"\d{2}", "m": r"\d{1,2}", "d": r"\d{1,2}", "e": r"[ \d]?\d", "H": r"\d{1,2}",
    "I": r"\d{1,2}", "M": r"\d{2}", "S": r"\d{2}", "L": r"\d{3}", "f": r"\d{6}", "N": r"\d{9}", "j": r"\d{3}",
    "b": r"[A-Za-z]{3}", "B": r"[A-Za-z]+", "a": r"[A-Za-z]{3}", "A": r"[A-Za-z]+", "p": r"[AaPp][Mm]",
    "z": r"(?:Z|[+-]\d{2}:?\d{2})", "Z": r"[A-Za-z]+", "s": r"\d{10}", "i": r"\d{13}", "%": "%",
}
_WIDTHS = {"Y": 4, "y": 2, "m": 2, "d": 2, "H": 2, "I": 2, "M": 2, "S": 2, "j": 3}
_DIRECTIVE = re.compile(r"%(.)|(.)", re.DOTALL)


def time_pattern(time_format: str) -> str:
    """The pattern matching times written in ``time_format``; raises ValueError for an unknown ``%x``.

    Numbers written next to another number (``%Y%m%d``) get their exact width, so they can be told apart.
    """
    pieces = [(m.group(1), m.group(2)) for m in _DIRECTIVE.finditer(time_format)]
    out: list[str] = []
    for i, (directive, literal) in enumerate(pieces):
        if directive is None:
            out.append(escape(literal))
            continue
        if directive not in _DIRECTIVE_PATTERNS:
            raise ValueError(f"%{directive} is not a time format code lnav knows")
        glued = any(0 <= j < len(pieces) and pieces[j][0] in _WIDTHS for j in (i - 1, i + 1))
        if directive in _WIDTHS and glued:
            out.append(rf"\d{{{_WIDTHS[directive]}}}")
        else:
            out.append(_DIRECTIVE_PATTERNS[directive])
    pattern, merged = "".join(out), ""
    while merged != pattern:  # \d{4}\d{2}\d{2} → \d{8}
        merged, pattern = pattern, re.sub(r"\\d\{(\d+)\}\\d\{(\d+)\}",
                                          lambda m: rf"\d{{{int(m[1]) + int(m[2])}}}", pattern, count=1)
    return pattern


@dataclass(frozen=True)
class TimeProposal:
    """The proposed time format, and the other readings of the same text when it is ambiguous."""

    format: str
    choices: tuple[str, ...]  # the proposal first
    note: str = ""  # why the user should check it (day and month order), else empty

    @property
    def ambiguous(self) -> bool:
        return len(self.choices) > 1


_FRACTION = {3: "%L", 6: "%f", 9: "%N"}
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rx)) for name, rx in (
    ("epoch", r"(1\d{9})(\d{3})?(?!\d)"),
    ("ymd", r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)"),
    ("xxy", r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\d)"),
    ("d-mon-y", r"(\d{1,2})([-/ ])([A-Za-z]{3,9})\2(\d{4})"),
    ("compact", r"((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d{1,3}(?!\d))"),
    ("hms-compact", r"([01]\d|2[0-3])([0-5]\d)([0-5]\d)(?!\d)"),
    ("hms", r"(\d{1,2}):(\d{2})(?::(\d{2}))?"),
    ("fraction", r"([.,:])(\d{3}|\d{6}|\d{9})(?!\d)"),
    ("xx", r"(\d{1,2})([-/.])(\d{1,2})(?![-/.:]?\d)"),
    ("offset", r"(?:Z|[+-]\d{2}:?\d{2})(?![\w:])"),
    ("year", r"(?:19|20)\d{2}(?!\d)"),
    ("mon-d", r"([A-Za-z]{3,9})( {1,2})(\d{1,2})(?!\d)"),
    ("word", r"[A-Za-z]+"),
))


def _day_month(a: str, b: str, sep: str, year: str) -> tuple[tuple[str, ...], str]:
    """The orders two numbers ``a`` ``b`` of a date may be in (day-month first when it cannot be told)."""
    dm, md = f"%d{sep}%m{year}", f"%m{sep}%d{year}"
    if int(a) > 12 >= int(b):
        return (dm,), ""
    if int(b) > 12 >= int(a):
        return (md,), ""
    if a == b:
        return (dm,), ""
    note = f"{a}{sep}{b} may be day{sep}month or month{sep}day: choose the order"
    return ((dm, md) if sep in ".-" else (md, dm)), note


def propose_time_format(text: str) -> TimeProposal:
    """The lnav time format for a marked time text, e.g. ``02/Dec/2026:14:05:09 +0100`` → ``%d/%b/%Y:%H:%M:%S %z``.

    Raises ValueError when the text holds no time a format can describe.
    """
    options: list[tuple[str, ...]] = []  # one tuple per piece; a piece with two readings makes two formats
    note = ""
    position = 0
    while position < len(text):
        so_far = "".join(piece[0] for piece in options)
        for name, rule in _RULES:
            m = rule.match(text, position)
            piece = None if m is None else _piece(name, m, so_far)
            if piece is not None:
                break
        else:
            m, piece = None, (text[position].replace("%", "%%"),)
        if len(piece) == 4 and piece[0] == "?":  # two readings; a literal "?" is a 1-tuple
            piece, note = piece[1:3], piece[-1]
        position = m.end() if m is not None else position + 1
        options.append(piece)
    formats = [""]
    for piece in options:
        formats = [f + p for f in formats for p in piece]
    formats = [f.replace("%H", "%I") if "%p" in f else f for f in formats]
    if not any(code in formats[0] for code in ("%H", "%I", "%s", "%i")):
        raise ValueError(f"no time of day in {text!r}: mark the whole time stamp")
    return TimeProposal(formats[0], tuple(dict.fromkeys(formats)), note)


def _piece(name: str, m: re.Match[str], so_far: str) -> tuple[str, ...] | None:
    """The format text for one recognised piece; ``("?", a, b, note)`` for two readings; None: not this."""
    g = m.groups()
    seen_time = any(code in so_far for code in ("%H", "%s", "%i"))
    seen_date = any(code in so_far for code in ("%d", "%e", "%m", "%Y"))
    if name == "year":
        return ("%Y",) if seen_date and "%Y" not in so_far and "%y" not in so_far else None
    if name == "epoch":
        return None if seen_date or seen_time else ("%i" if g[1] else "%s",)
    if name == "ymd":
        return (f"%Y{g[1]}%m{g[1]}%d",)
    if name == "xxy":
        year = g[1] + ("%Y" if len(g[3]) == 4 else "%y")
        if len(g[3]) == 2 and int(g[0]) > 31:  # 26/12/02: a two-digit year first
            return (f"%y{g[1]}%m{g[1]}%d",)
        readings, note = _day_month(g[0], g[2], g[1], year)
        return readings if len(readings) == 1 else ("?", *readings, note)
    if name == "d-mon-y":
        month = _month_code(g[2])
        return None if month is None else (f"%d{g[1]}{month}{g[1]}%Y",)
    if name == "compact":
        return None if seen_date else ("%Y%m%d",)
    if name == "hms-compact":
        return None if seen_time or not seen_date else ("%H%M%S",)
    if name == "hms":
        if seen_time:
            return None
        return ("%H:%M:%S" if g[2] else "%H:%M",)
    if name == "fraction":
        return None if not seen_time else (g[0] + _FRACTION[len(g[1])],)
    if name == "xx":
        if seen_date:
            return None
        readings, note = _day_month(g[0], g[2], g[1], "")
        return readings if len(readings) == 1 else ("?", *readings, note)
    if name == "offset":
        return ("%z",) if seen_time else None
    if name == "mon-d":
        month = _month_code(g[0])
        if month is None:
            return None
        return (f"{month} %e" if len(g[1]) == 2 or len(g[2]) == 1 else f"{month} %d",)
    word = m.group()
    if word.upper() in ("AM", "PM"):
        return ("%p",)
    month = _month_code(word)
    if month is not None:
        return (month,)
    low = word.lower()
    if any(day.startswith(low) for day in _DAY_NAMES) and len(low) >= 3:
        return ("%A" if len(low) > 3 else "%a",)
    if word in ("UTC", "GMT"):
        return (word,)
    return None  # a letter kept as it is (the T of ISO times)


def _month_code(word: str) -> str | None:
    if len(word) == 3 and word in MONTHS:
        return "%b"
    if word.lower() in _MONTH_NAMES:
        return "%B"
    return None


# -- the format file ------------------------------------------------------------------------------
_LNAV_LEVELS = {levels.DEBUG: "debug", levels.INFO: "info", levels.NOTICE: "notice", levels.WARNING: "warning",
                levels.ERROR: "error", levels.CRITICAL: "critical"}


def level_patterns() -> dict[str, str]:
    """lnav's ``level`` table: for each lnav level, a pattern of the level words we read as that severity."""
    words: dict[str, list[str]] = {}
    for word, severity in levels.LEVELS.items():
        if " " not in word:
            words.setdefault(_LNAV_LEVELS[severity], []).append(word)
    return {name: "(?i)^(?:" + "|".join(sorted(ws, key=lambda w: (-len(w), w))) + ")$"
            for name, ws in words.items()}


def format_json(name: str, pattern: str, time_format: str, sample: str = "", title: str = "") -> dict[str, Any]:
    """The lnav format file for a taught format: ``{name: {title, regex, timestamp-format, …}}``.

    ``sample`` (the line the format was taught with) is kept in the file only while the format reads it:
    lnav refuses to load a format whose sample does not match.
    """
    groups = set(re.findall(r"\(\?P?<([A-Za-z_]\w*)>", pattern))
    spec: dict[str, Any] = {
        "title": title or name,
        "description": "Defined by example in Issue Ledger.",
        "regex": {"std": {"pattern": pattern}},
        "timestamp-format": [time_format],
    }
    if "level" in groups:
        spec["level-field"] = "level"
        spec["level"] = level_patterns()
    if "body" in groups:
        spec["body-field"] = "body"
    values = {g: {"kind": "string", "identifier": True} for g in ("host", "component") if g in groups}
    if values:
        spec["value"] = values
    data = {"$schema": SCHEMA, name: spec}
    if sample and _reads(data, sample):
        spec["sample"] = [{"line": sample}]
    return data


def _reads(data: dict[str, Any], line: str) -> bool:
    """Whether the format reads ``line`` as an event (in any zone: only the shape matters)."""
    clock = Clock(UTC, None, dt.datetime.now(UTC))
    try:
        (fmt,) = from_json(data, "sample check")
        return LnavParser(ParseContext(clock=clock), fmt).parse(line) is not None
    except (Reject, ValueError):
        return False


def trim_span(line: str, start: int, end: int) -> Span:
    """A selection without the spaces, brackets, quotes and separators around it (``[WARN]:`` → ``WARN``)."""
    while start < end and (line[start].isspace() or line[start] in _TRIM):
        start += 1
    while end > start and (line[end - 1].isspace() or line[end - 1] in _TRIM):
        end -= 1
    return start, end


# -- the preview ----------------------------------------------------------------------------------
ROW_KEYS = ("ts", "severity", "raw_level", "host", "component", "pid", "event_code", "message", "log_type")


def preview(lines: list[str], data: dict[str, Any], ctx: ParseContext, limit: int = 20) -> list[dict[str, Any]]:
    """The first ``limit`` lines read as an import with the format in ``data`` would read them.

    Each row has its line number and ``status``: event, continuation (no match: the line joins the event
    above) or rejected (a match whose time is not a real moment, with the reason in ``rejected``).
    Raises FormatError when the format itself cannot be used (a bad pattern or time format).
    """
    (fmt,) = from_json(data, "Define format")
    parser = LnavParser(ctx, fmt)  # the parser the import will use: the preview cannot promise otherwise
    rows: list[dict[str, Any]] = []
    for number, text in enumerate(lines[:limit], 1):
        try:
            row = parser.parse(text)
        except (Reject, ValueError) as exc:
            rows.append({"line": number, "ts": None, "status": "rejected", "rejected": str(exc), "message": text})
            continue
        if row is None:
            rows.append({"line": number, "ts": None, "status": "continuation", "message": text})
        else:
            rows.append(dict(zip(ROW_KEYS, row)) | {"line": number, "status": "event"})
    return rows

