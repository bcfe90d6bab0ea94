"""JSON Lines from applications and ``journalctl -o json``: find the time, level, message fields."""

from __future__ import annotations

import json
from typing import Any

from app.ingest import levels
from app.ingest.formats.base import LineParser, ParseContext, Reject, Row, to_int

FIELDS: dict[str, tuple[str, ...]] = {
    "time": ("@timestamp", "timestamp", "ts", "time", "datetime", "date", "eventtime", "event_time", "logged_at",
             "asctime", "t", "__realtime_timestamp"),
    "level": ("level", "severity", "lvl", "loglevel", "log.level", "levelname", "level_name", "priority",
              "severity_text", "status_level"),
    "message": ("message", "msg", "@message", "text", "log", "body", "event", "description"),
    "component": ("logger", "logger_name", "log.logger", "component", "module", "service", "service.name", "app",
                  "application", "source", "name", "syslog_identifier", "_comm"),
    "host": ("host", "hostname", "host.name", "host.hostname", "_hostname", "machine", "computer"),
    "pid": ("pid", "process.pid", "process_id", "_pid", "syslog_pid"),
    "code": ("code", "event_id", "eventid", "event.code", "status", "http.status_code", "status_code"),
}


def flatten(obj: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """Nested objects -> dotted keys (``{"a": {"b": 1}}`` -> ``{"a.b": 1}``)."""
    out = {} if out is None else out
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict):
                flatten(v, f"{prefix}{k}.", out)
            else:
                out[f"{prefix}{k}"] = v
    return out


def auto_mapping(keys: list[str], given: dict[str, str]) -> dict[str, str]:
    """Field -> key for the keys seen, user's choices first."""
    lower = {k.lower(): k for k in keys}
    mapping = {f: given[f] for f in FIELDS if f in given}
    for f, names in FIELDS.items():
        if f in mapping:
            continue
        for n in names:
            if n in lower:
                mapping[f] = lower[n]
                break
    return mapping


class JsonLines(LineParser):
    name = "json"
    default_type = "application"

    def __init__(self, ctx: ParseContext) -> None:
        super().__init__(ctx)
        keys: list[str] = []
        for line in ctx.sample[:20]:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                keys += [k for k in flatten(obj) if k not in keys]
        self.keys = keys
        self.mapping = auto_mapping(keys, ctx.mapping)

    def shown_mapping(self) -> dict[str, str]:
        return dict(self.mapping)

    def shown_columns(self) -> list[str]:
        return list(self.keys)

    def parse(self, text: str) -> Row | None:
        if not text.strip():
            return None
        try:
            obj = json.loads(text)
        except ValueError as exc:
            raise Reject(f"not valid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise Reject("JSON value is not an object")
        flat = flatten(obj)
        mp = self.mapping
        if any(k not in flat for k in mp.values()):
            mp = auto_mapping(list(flat), self.ctx.mapping)
        tkey = mp.get("time")
        if tkey is None or flat.get(tkey) in (None, ""):
            raise Reject("no time field")
        ts = self.read_time(flat[tkey], tkey)
        raw_level = flat.get(mp["level"]) if "level" in mp else None
        raw_level = None if raw_level is None else str(raw_level)
        sev = levels.from_word(raw_level) if raw_level is not None else levels.INFO
        message = _text(flat.get(mp["message"])) if "message" in mp else None
        if message is None:
            used = set(mp.values())
            message = " ".join(f"{k}={v}" for k, v in flat.items() if k not in used)
            if raw_level is None:
                sev = levels.from_message(message)
        comp = flat.get(mp["component"]) if "component" in mp else None
        host = flat.get(mp["host"]) if "host" in mp else None
        pid = to_int(flat.get(mp["pid"])) if "pid" in mp else None
        code = flat.get(mp["code"]) if "code" in mp else None
        return (ts, sev, raw_level, None if host is None else str(host), None if comp is None else str(comp), pid,
                None if code is None else str(code), message, None)

    def read_time(self, value: Any, key: str) -> str:
        clock = self.ctx.clock
        if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
            n = float(value)
            if key.lower() == "__realtime_timestamp" or n > 1e17:
                return clock.epoch(n / 1e6 if n < 1e18 else n / 1e9)
            if n > 1e11:
                return clock.epoch(n / 1000)
            return clock.epoch(n)
        found = self.stamps.read(str(value))
        if found is None:
            raise Reject(f"cannot read time {value!r} in field {key!r}")
        return found[0]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, int) for v in value):  # journal binary MESSAGE
        return bytes(v & 0xFF for v in value).decode("utf-8", "replace")
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class Journal(JsonLines):
    """``journalctl -o json``: PRIORITY is syslog's 0..7, the identifier names the component."""

    name = "journal"
    default_type = "system"

    def __init__(self, ctx: ParseContext) -> None:
        given = {"time": "__REALTIME_TIMESTAMP", "level": "PRIORITY", "message": "MESSAGE", "host": "_HOSTNAME",
                 "pid": "_PID", "component": "SYSLOG_IDENTIFIER"}
        given.update(ctx.mapping)
        ctx.mapping = given
        super().__init__(ctx)

    def parse(self, text: str) -> Row | None:
        row = super().parse(text)
        if row is None:
            return None
        if row[4] is None:
            obj = json.loads(text)
            row = row[:4] + (obj.get("_COMM"),) + row[5:]
        facility = None
        try:
            facility = int(json.loads(text).get("SYSLOG_FACILITY", -1)) if '"SYSLOG_FACILITY"' in text else None
        except (ValueError, TypeError, AttributeError):
            facility = None
        if facility in (4, 10):
            row = row[:8] + ("security",)
        return row
