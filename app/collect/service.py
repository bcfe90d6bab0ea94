"""Managing sources, shared by ``issue-ledger sources`` and the window: parse what the user typed, check it, save it.

Every change is audited by ``app.store.sources``. Refusals are ``SourceSpecError``
with one line naming the field.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import Any

from app.domain import timeutil
from app.store import sources as store
from app.store.database import Database


class SourceSpecError(ValueError):
    """What the user gave cannot be a source; the message names the field."""


def parse_target(text: str, glob: str | None = None) -> dict[str, Any]:
    """``PATH``, ``udp://HOST:PORT`` or ``tcp://HOST:PORT`` -> the source's kind and where it reads."""
    scheme, sep, rest = text.partition("://")
    if sep:
        kind = scheme.lower()
        if kind not in ("udp", "tcp"):
            raise SourceSpecError(f"{text}: use a path, udp://HOST:PORT or tcp://HOST:PORT")
        host, colon, port = rest.rpartition(":")
        host = host.strip("[]")
        if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise SourceSpecError(f"{text}: give the address and a port from 1 to 65535, e.g. {kind}://0.0.0.0:5514")
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if host != "localhost":
                raise SourceSpecError(f"{text}: {host!r} is not an IP address to listen on") from None
        if glob:
            raise SourceSpecError(f"{text}: --glob is for folders")
        return {"kind": kind, "host": host, "port": int(port)}
    path = Path(text).expanduser().absolute()
    if path.is_dir() or glob:
        return {"kind": "folder", "path": str(path), "glob": glob or "*"}
    return {"kind": "file", "path": str(path)}


def add(db: Database, text: str, *, glob: str | None = None, fmt: str | None = None, zone: str | None = None,
        log_type: str | None = None, client: str | None = None, site: str | None = None,
        actor: str | None = None) -> int:
    """A new enabled source; refuses one that reads what another source already reads."""
    spec = parse_target(text, glob)
    if zone:
        try:
            timeutil.get_zone(zone)
        except ValueError as exc:
            raise SourceSpecError(f"--zone: {exc}") from None
    spec |= {"format": fmt, "zone": zone, "log_type": log_type, "client": client, "site": site}
    wanted = store.target(spec)
    for row in store.listing(db):
        if row["target"] == wanted and (row.get("glob") or None) == (spec.get("glob") or None):
            raise SourceSpecError(f"{wanted}: already source #{row['id']}")
    return store.add(db, spec, actor)


IDLE_S = 10.0  # a source with no batch for this long shows 0 lines/s, not the rate of its last burst


def listing(db: Database, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Every source with its status: lines, ``lines_s`` (0 once idle), last line time, lag in bytes, last error."""
    now = now or dt.datetime.now(dt.UTC)
    rows = store.listing(db)
    for row in rows:
        last = timeutil.from_iso(row["last_line_at"]) if row["last_line_at"] else None
        recent = last is not None and (now - last).total_seconds() < IDLE_S
        row["lines_s"] = round(float(row["rate"] or 0), 1) if recent else 0.0
    return rows


def remove(db: Database, source_id: int, actor: str | None = None) -> dict[str, Any]:
    try:
        return store.remove(db, source_id, actor)
    except KeyError:
        raise SourceSpecError(f"no source #{source_id}") from None


def set_enabled(db: Database, source_id: int, on: bool, actor: str | None = None) -> None:
    if not store.set_enabled(db, source_id, on, actor):
        raise SourceSpecError(f"no source #{source_id}")
