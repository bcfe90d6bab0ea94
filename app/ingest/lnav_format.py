"""Users' own log formats, written in lnav's format-file syntax, read as they are.

lnav's format files are what people already write and share for odd logs, so
the app reads them unchanged (regexes with named groups, ``timestamp-format``,
a level map) and writes its own by-example formats back in the same syntax.
Reading is strict where a mistake would silently lose events (a bad regex, a
time format we cannot follow) and lenient where lnav itself is (trailing
commas, comments, keys we have no use for).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.ingest import levels, relaxed_json
from app.ingest.clock import BadTime
from app.ingest.formats.base import LineParser, ParseContext, Reject, Row, to_int
from app.ingest.lnav_time import StampFormat, TimeFormatError, builtin, compile_format
from app.ingest.pcre import PatternError, compile_pcre

SCHEMA = "https://lnav.org/schemas/format-v1.schema.json"
# lnav's levels, in lnav's order (the order level patterns are tried), onto our 0..5 scale.
LNAV_LEVELS: dict[str, int] = {
    "trace": levels.DEBUG, "debug5": levels.DEBUG, "debug4": levels.DEBUG, "debug3": levels.DEBUG,
    "debug2": levels.DEBUG, "debug": levels.DEBUG, "info": levels.INFO, "stats": levels.NOTICE,
    "notice": levels.NOTICE, "warning": levels.WARNING, "error": levels.ERROR, "critical": levels.CRITICAL,
    "fatal": levels.CRITICAL,
}
VALUE_KINDS = ("string", "integer", "float", "boolean", "json", "struct", "quoted", "xml", "timestamp", "any")
HOST_NAMES = ("host", "hostname", "log_hostname", "logging_host", "host_name", "computer", "node")
COMPONENT_NAMES = ("component", "logger", "class", "module", "log_procname", "process_name", "procname", "proc",
                   "tag", "category", "program", "app", "name")
PID_NAMES = ("pid", "log_pid", "process_id", "processid")
_NAME_OK = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


class FormatError(ValueError):
    """A format file we cannot use; the message names the file and the key, as ``file: key: reason``."""

    def __init__(self, file: str, key: str | None, reason: str) -> None:
        super().__init__(f"{file}: {key}: {reason}" if key else f"{file}: {reason}")
        self.file, self.key, self.reason = file, key, reason


@dataclass
class UserFormat:
    """One format of a file, compiled; ``definition`` is the format's JSON as written, for ``to_json``."""

    name: str
    title: str
    source: Path | None
    definition: dict[str, Any]
    patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()
    aliases: dict[str, list[str]] = field(default_factory=dict)  # a group name repeated in PCRE
    timestamp_formats: tuple[StampFormat, ...] = ()
    timestamp_field: str = "timestamp"
    timestamp_divisor: float = 1.0
    level_field: str = "level"
    levels: tuple[tuple[str, int, re.Pattern[str]], ...] = ()
    body_field: str = "body"
    opid_field: str | None = None
    host_field: str | None = None
    component_field: str | None = None
    pid_field: str | None = None
    json: bool = False
    description: str = ""

    def samples(self) -> list[tuple[str, str | None]]:
        """The file's own ``sample`` lines with the level lnav should give them, when named."""
        out = []
        for s in self.definition.get("sample") or []:
            if isinstance(s, dict) and isinstance(s.get("line"), str):
                out.append((s["line"], s.get("level")))
        return out


def load_file(path: Path) -> list[UserFormat]:
    """Every format in one lnav format file; raises FormatError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(path.name, None, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    return from_json(loads(text, path.name), path)


def loads(text: str, file: str = "<format>") -> Any:
    """JSON as lnav reads it (trailing commas, comments); raises FormatError with line and column."""
    try:
        return relaxed_json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(file, None, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def from_json(data: Any, source: Path | str | None = None) -> list[UserFormat]:
    """The formats of a parsed format file (``{"name": {...}, ...}``); raises FormatError."""
    file = Path(source).name if source else "<format>"
    if not isinstance(data, dict):
        raise FormatError(file, None, "a format file holds a JSON object of formats by name")
    out = []
    for name, body in data.items():
        if name.startswith("$"):
            continue
        if not isinstance(body, dict):
            raise FormatError(file, name, "a format is a JSON object (title, regex, timestamp-format, ...)")
        if not _NAME_OK.fullmatch(name):
            raise FormatError(file, name, "a format name uses letters, digits, '_', '-' and '.'")
        out.append(_build(name, body, file, Path(source) if isinstance(source, (str, Path)) else None))
    if not out:
        raise FormatError(file, None, "no format in the file")
    return out


def _build(name: str, body: dict[str, Any], file: str, source: Path | None) -> UserFormat:
    def text(key: str, default: str | None) -> str | None:
        value = body.get(key, default)
        if value is not None and not isinstance(value, str):
            raise FormatError(file, f"{name}/{key}", "must be a string")
        return value

    is_json = body.get("json") is True or body.get("file-type") == "json"
    fmt = UserFormat(name=name, title=text("title", "") or name, source=source, definition=body, json=is_json,
                     description=text("description", "") or "",
                     timestamp_field=text("timestamp-field", "timestamp") or "timestamp",
                     level_field=text("level-field", "level") or "level",
                     body_field=text("body-field", "body") or "body", opid_field=text("opid-field", None))
    divisor = body.get("timestamp-divisor", 1)
    if not isinstance(divisor, (int, float)) or isinstance(divisor, bool) or divisor <= 0:
        raise FormatError(file, f"{name}/timestamp-divisor", "must be a positive number")
    fmt.timestamp_divisor = float(divisor)
    fmt.patterns, fmt.aliases = _patterns(name, body, file, fmt.timestamp_field, is_json)
    fmt.timestamp_formats = _stamps(name, body, file)
    fmt.levels = _levels(name, body, file)
    values = _values(name, body, file)
    names = set(values)
    for _pid, rx in fmt.patterns:
        names.update(g for g in rx.groupindex if "__" not in g)
    fmt.host_field = next((n for n in HOST_NAMES if n in names), None)
    module = text("module-field", None)
    fmt.component_field = module or next((n for n in COMPONENT_NAMES if n in names), None)
    fmt.pid_field = next((n for n in PID_NAMES if n in names), None)
    return fmt


def _patterns(name: str, body: dict[str, Any], file: str, ts_field: str,
              is_json: bool) -> tuple[tuple[tuple[str, re.Pattern[str]], ...], dict[str, list[str]]]:
    regex = body.get("regex")
    if is_json:
        if regex:
            raise FormatError(file, f"{name}/regex", "a JSON format reads fields by name and has no regex")
        return (), {}
    if not isinstance(regex, dict) or not regex:
        raise FormatError(file, f"{name}/regex", "a text format needs at least one regex (or \"json\": true)")
    out: list[tuple[str, re.Pattern[str]]] = []
    aliases: dict[str, list[str]] = {}
    for rid, spec in regex.items():
        key = f"{name}/regex/{rid}/pattern"
        if not isinstance(spec, dict) or not isinstance(spec.get("pattern"), str):
            raise FormatError(file, key, "missing: each regex is {\"pattern\": \"...\"}")
        try:
            rx, more = compile_pcre(spec["pattern"])
        except PatternError as exc:
            raise FormatError(file, key, str(exc)) from None
        if ts_field not in rx.groupindex:
            raise FormatError(file, key, f"no (?<{ts_field}>...) group: every line needs its time")
        out.append((str(rid), rx))
        for k, v in more.items():
            aliases[k] = sorted(set(aliases.get(k, [])) | set(v))
    return tuple(out), aliases


def _stamps(name: str, body: dict[str, Any], file: str) -> tuple[StampFormat, ...]:
    given = body.get("timestamp-format")
    if given is None:
        return ()
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, list):
        raise FormatError(file, f"{name}/timestamp-format", "must be a list of strptime formats")
    out = []
    for i, f in enumerate(given):
        try:
            out.append(compile_format(f))
        except TimeFormatError as exc:
            raise FormatError(file, f"{name}/timestamp-format/{i}", str(exc)) from None
    return tuple(out)


def _levels(name: str, body: dict[str, Any], file: str) -> tuple[tuple[str, int, re.Pattern[str]], ...]:
    given = body.get("level") or {}
    if not isinstance(given, dict):
        raise FormatError(file, f"{name}/level", "must map level names (error, warning, ...) to regexes")
    out = []
    for lvl in LNAV_LEVELS:
        if lvl not in given:
            continue
        value = given[lvl]
        key = f"{name}/level/{lvl}"
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise FormatError(file, key, "must be a regex (or a number, for JSON formats)")
        try:
            rx = re.compile(rf"^{value}$") if isinstance(value, int) else compile_pcre(value)[0]
        except PatternError as exc:
            raise FormatError(file, key, str(exc)) from None
        out.append((lvl, LNAV_LEVELS[lvl], rx))
    unknown = set(given) - set(LNAV_LEVELS)
    if unknown:
        raise FormatError(file, f"{name}/level/{sorted(unknown)[0]}",
                          f"not an lnav level; use one of {', '.join(LNAV_LEVELS)}")
    return tuple(out)


def _values(name: str, body: dict[str, Any], file: str) -> dict[str, Any]:
    values = body.get("value") or {}
    if not isinstance(values, dict):
        raise FormatError(file, f"{name}/value", "must map field names to {\"kind\": ...}")
    for vname, spec in values.items():
        if not isinstance(spec, dict):
            raise FormatError(file, f"{name}/value/{vname}", "must be an object such as {\"kind\": \"string\"}")
        kind = spec.get("kind", "string")
        if kind not in VALUE_KINDS:
            raise FormatError(file, f"{name}/value/{vname}/kind", f"{kind!r} is not one of {', '.join(VALUE_KINDS)}")
    return values


def to_json(fmt: UserFormat) -> dict[str, Any]:
    """The format as an lnav format file's JSON, to save or to share with lnav."""
    return {"$schema": SCHEMA, fmt.name: copy.deepcopy(fmt.definition)}


def best_for(formats: list[UserFormat], sample: Iterable[str]) -> UserFormat:
    """Of a file's formats, the one whose patterns match most of ``sample`` (the first on a tie)."""
    lines = [s for s in sample if s.strip()][:60]

    def hits(f: UserFormat) -> int:
        if f.json:
            return sum(1 for s in lines if s.lstrip().startswith("{"))
        return sum(1 for s in lines if any(rx.search(s) for _i, rx in f.patterns))

    return max(formats, key=hits) if len(formats) > 1 else formats[0]


class LnavParser(LineParser):
    """Lines of a user's format: the first matching regex (the last one that worked tried first).

    A line no regex matches continues the event above; a matched line whose time
    cannot be read is rejected with the reason.
    """

    default_type = "application"

    def __init__(self, ctx: ParseContext, fmt: UserFormat) -> None:
        super().__init__(ctx)
        self.fmt = fmt
        self.name = fmt.name
        self.order = list(range(len(fmt.patterns)))
        self.stamp_order = list(fmt.timestamp_formats or builtin())

    def parse(self, text: str) -> Row | None:
        if self.fmt.json:
            return self._parse_json(text)
        for i, idx in enumerate(self.order):
            m = self.fmt.patterns[idx][1].search(text)
            if m is not None:
                if i:
                    self.order.insert(0, self.order.pop(i))
                return self._row(text, lambda f: self._group(m, f), m)  # noqa: B023 - called before the loop goes on
        return None

    def _group(self, m: re.Match[str], name: str | None) -> str | None:
        if not name:
            return None
        for alias in self.fmt.aliases.get(name, (name,)):
            if alias in m.re.groupindex and m.group(alias) is not None:
                return m.group(alias)
        return None

    def _parse_json(self, text: str) -> Row | None:
        s = text.strip()
        if not s.startswith("{"):
            return None
        try:
            obj = json.loads(s)
        except ValueError:
            return None
        if not isinstance(obj, dict):
            return None
        return self._row(text, lambda f: _field(obj, f), None)

    def _row(self, text: str, get: Any, m: re.Match[str] | None) -> Row:
        fmt = self.fmt
        stamp = get(fmt.timestamp_field)
        if stamp is None or stamp == "":
            raise Reject(f"no {fmt.timestamp_field!r} field")
        ts = self._time(stamp)
        body = get(fmt.body_field)
        message = str(body).strip() if body is not None and str(body).strip() else text.strip()
        level_text = get(fmt.level_field)
        level_text = None if level_text is None else str(level_text)
        sev, lnav_level = self._severity(level_text, message)
        raw = level_text if level_text is not None and fmt.level_field != fmt.body_field and len(level_text) <= 24 \
            else lnav_level
        host, comp, opid = get(fmt.host_field), get(fmt.component_field), get(fmt.opid_field)
        return (ts, sev, raw, _text(host), _text(comp), to_int(get(fmt.pid_field)) if fmt.pid_field else None,
                _text(opid), message, None)

    def _time(self, stamp: object) -> str:
        clock = self.ctx.clock
        try:
            if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
                return clock.epoch(stamp / self.fmt.timestamp_divisor)
            text = str(stamp).strip()
            for whole in (True, False):
                for i, sf in enumerate(self.stamp_order):
                    ts = sf.read(text, clock, whole)
                    if ts is not None:
                        if i:
                            self.stamp_order.insert(0, self.stamp_order.pop(i))
                        return ts
            if not self.fmt.timestamp_formats:
                found = self.stamps.read(text)
                if found is not None:
                    return found[0]
        except (BadTime, ValueError, OverflowError) as exc:
            raise Reject(f"time {stamp!r}: {exc}") from None
        wanted = ", ".join(repr(f.source) for f in self.fmt.timestamp_formats) or "any known time format"
        raise Reject(f"time {stamp!r} does not match {wanted}")

    def _severity(self, level_text: str | None, message: str) -> tuple[int, str | None]:
        if level_text is not None and self.fmt.levels:
            for lvl, sev, rx in self.fmt.levels:
                if rx.search(level_text):
                    return sev, lvl
        if level_text:
            sev = levels.from_word(level_text, -1)
            if sev >= 0:
                return sev, None
        if self.fmt.levels and level_text is not None:
            return levels.INFO, None
        return levels.from_message(message), None


def _field(obj: dict[str, Any], name: str | None) -> Any:
    """A JSON field by name, or by an lnav path such as ``src/file``."""
    if not name:
        return None
    if name in obj:
        return obj[name]
    cur: Any = obj
    for part in name.split("/"):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _text(value: object) -> str | None:
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    text = "" if value is None else str(value).strip()
    return None if text in ("", "-") else text
