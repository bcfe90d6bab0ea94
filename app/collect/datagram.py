"""One syslog message off the network (a UDP datagram or a TCP frame) read into an event, or a reject.

The file importer's syslog parsers do the reading (``BsdSyslog`` for RFC 3164 and
its ISO-stamped variants, ``Rfc5424``), so a line reads the same whether it
arrived in a file or over the wire. This module only adds what the wire needs:
bytes to text, a missing host taken from the sender's address, the receipt time
for a message that carries none, and a reason instead of an exception for
anything that cannot be read.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass

from app.domain.event_row import EventRow
from app.domain.vocab import FLAG_REPLACED, FLAG_SEVERITY_INFERRED, FLAG_TIME_CHOSEN
from app.ingest import levels
from app.ingest.clock import BadTime, Clock
from app.ingest.engine import Assign
from app.ingest.formats.base import ParseContext, Reject as LineReject, Row
from app.ingest.formats.syslog import BSD, ISO, RFC5424, BsdSyslog, Rfc5424

UTC = dt.UTC
_PRI = re.compile(rb"<(\d{1,3})>")
_HOSTLESS = re.compile(r"[^\s\[:]+(?:\[\d+\])?:")  # "su:" or "sshd[42]:" where the host should be: a tag
_CLOCK_HOURS = 1  # year guesses are made against a clock this recent (the December/January rollover)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A message read into the fields the importer makes of a line (``app.ingest.formats.base.Row``).

    ``log_type`` None leaves it to the import's rules, as for a file; ``flags`` are ``events.flags`` bits.
    """

    ts: str
    severity: int
    raw_level: str | None
    host: str | None
    component: str | None
    pid: int | None
    event_code: str | None
    message: str
    log_type: str | None
    raw: str
    flags: int
    peer: str
    received: str

    def row(self) -> Row:
        return (self.ts, self.severity, self.raw_level, self.host, self.component, self.pid, self.event_code,
                self.message, self.log_type)

    def event(self, a: Assign, line_no: int) -> EventRow:
        """The stored row, with the import's log type, client and site applied as ``engine.run_lines`` does."""
        log_type = a.forced_type or self.log_type or a.type_rules.resolve(self.component, self.message) \
            or a.default_type
        if a.client is not None or a.site is not None:
            client, site = a.client, a.site
        else:
            client, site = a.host_rules.resolve(self.host)
        return EventRow(self.ts, self.severity, log_type, self.raw_level, self.host, self.component, self.pid,
                        self.event_code, self.message, self.raw, client, site, a.import_id, a.line_base + line_no,
                        self.flags | a.row_flags)


@dataclass(frozen=True, slots=True)
class Reject:
    """A message that cannot become an event: why, and its bytes as text (undecodable bytes replaced)."""

    reason: str
    raw: str
    peer: str
    received: str


def _decode(data: bytes) -> tuple[str, int]:
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), FLAG_REPLACED


def _stamp(now: float) -> str:
    return dt.datetime.fromtimestamp(now, UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


class DatagramParser:
    """Reads messages for one listener; year-less stamps are read in ``zone`` against a clock kept recent."""

    def __init__(self, zone: dt.tzinfo = UTC) -> None:
        self.zone = zone
        self._until = 0.0
        self._bsd: BsdSyslog
        self._rfc: Rfc5424

    def _parsers(self, now: float) -> tuple[BsdSyslog, Rfc5424]:
        if now >= self._until or now < self._until - 3600 * _CLOCK_HOURS:
            ctx = ParseContext(clock=Clock(self.zone, None, dt.datetime.fromtimestamp(now, UTC)))
            self._bsd, self._rfc = BsdSyslog(ctx), Rfc5424(ctx)
            self._until = now + 3600 * _CLOCK_HOURS
        return self._bsd, self._rfc

    def parse(self, data: bytes, peer: str, now: float | None = None) -> Parsed | Reject:
        """Never raises: whatever cannot be read comes back as a ``Reject`` with its reason."""
        now = time.time() if now is None else now
        received = _stamp(now)
        text, flags = _decode(data.rstrip(b"\r\n\x00"))
        try:
            return self._read(data, text, flags, peer, now, received)
        except (LineReject, BadTime, ValueError) as exc:
            return Reject(str(exc) or "unreadable message", text, peer, received)

    def _read(self, data: bytes, text: str, flags: int, peer: str, now: float, received: str) -> Parsed | Reject:
        if not text.strip():
            return Reject("empty message", text, peer, received)
        pri: int | None = None
        at = 0  # where the text after <PRI> starts
        if data[:1] == b"<":
            m = _PRI.match(data)
            if m is None:
                return Reject("malformed <PRI>: expected '<' and 1-3 digits then '>'", text, peer, received)
            pri, at = int(m.group(1)), m.end()
            if pri > 191:
                return Reject(f"<PRI> {pri} out of range 0-191", text, peer, received)
        bsd, rfc = self._parsers(now)
        if pri is not None and text[at:at + 2] == "1 ":  # RFC 5424: VERSION 1
            return self._rfc5424(rfc, text, flags, peer, received)
        line = text
        bm = BSD.match(line) or ISO.match(line)
        if bm is not None:
            host_at = bm.start(5) if bm.re is BSD else bm.start(10)
            if _HOSTLESS.fullmatch(bm.group(5) if bm.re is BSD else bm.group(10)):
                line = f"{line[:host_at]}{peer} {line[host_at:]}"  # no HOSTNAME field: the sender is the host
        row = bsd.parse(line)
        if row is None:
            if pri is None:
                return Reject("no <PRI> and no time stamp: not a syslog message", text, peer, received)
            message = text[at:].strip()  # RFC 3164 4.3.3: a relay adds its own time stamp
            sev = levels.SYSLOG_PRIORITY[pri & 7]
            return Parsed(received, sev, str(pri & 7), peer, None, None, None, message or text, None, text,
                          flags | FLAG_TIME_CHOSEN, peer, received)
        if row[2] is None:  # no <PRI>: the severity came from the message's words, as for a file
            flags |= FLAG_SEVERITY_INFERRED
        return _parsed(row, text, flags, peer, received)

    def _rfc5424(self, rfc: Rfc5424, text: str, flags: int, peer: str, received: str) -> Parsed | Reject:
        m = RFC5424.match(text)
        if m is None:
            return Reject("malformed RFC 5424 header: expected <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID"
                          " STRUCTURED-DATA", text, peer, received)
        line = text
        if m.group(2) == "-":  # NILVALUE time: the receiver's time (RFC 5424 6.2.3)
            line = f"{text[:m.start(2)]}{received}{text[m.end(2):]}"
            flags |= FLAG_TIME_CHOSEN
        row = rfc.parse(line)
        if row is None:
            return Reject("malformed RFC 5424 message", text, peer, received)
        if row[3] is None:
            row = (*row[:3], peer, *row[4:])  # type: ignore[assignment]
        return _parsed(row, text, flags, peer, received)


def _parsed(row: Row, text: str, flags: int, peer: str, received: str) -> Parsed:
    ts, sev, raw_level, host, comp, pid, code, msg, log_type = row
    return Parsed(ts, sev, raw_level, host, comp, pid, code, msg, log_type, text, flags, peer, received)


_SHARED: dict[dt.tzinfo, DatagramParser] = {}


def parse_datagram(data: bytes, peer: str, *, zone: dt.tzinfo = UTC, now: float | None = None) -> Parsed | Reject:
    """One message read into a ``Parsed`` event or a ``Reject``; never raises.

    ``now`` (epoch seconds) stands for the receipt time: it dates messages without a
    time stamp and decides the year of RFC 3164's year-less stamps.
    """
    if now is not None:
        return DatagramParser(zone).parse(data, peer, now)
    parser = _SHARED.get(zone)
    if parser is None:
        parser = _SHARED.setdefault(zone, DatagramParser(zone))
    return parser.parse(data, peer)
