"""BSD syslog (classic and ISO stamps, with or without <PRI>) and RFC 5424: the hot path.

Kept to one compiled regex and a few dict look-ups per line; the clock caches
the time conversion per minute.
"""

from __future__ import annotations

import re

from app.ingest import levels
from app.ingest.clock import MONTHS, BadTime, ms3, parse_offset
from app.ingest.formats.base import LineParser, ParseContext, Reject, Row
from app.ingest.levels import from_message

_TAG = r"(?:([^\s\[:]+)(?:\[(\d+)\])?: ?)?(.*)"
BSD = re.compile(r"(?:<(\d{1,3})>)?([A-Z][a-z]{2}  ?\d{1,2} \d\d:\d\d):(\d\d)(?:\.(\d{1,9}))? (\S+) " + _TAG,
                 re.DOTALL)
ISO = re.compile(r"(?:<(\d{1,3})>)?(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?"
                 r"(Z|[+-]\d\d:?\d\d)? (\S+) " + _TAG, re.DOTALL)
RFC5424 = re.compile(r"<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(.*)", re.DOTALL)
SECURITY_FACILITIES = {4, 10, 13}
NOT_HOSTS = frozenset(w for word in levels.LEVEL_WORD.split("|")
                      for w in (word, word.lower(), word.title(), f"[{word}]", f"{word}:"))  # auth, authpriv, log audit


def _from_pri(pri: str | None) -> tuple[int | None, str | None, str | None]:
    """Severity, raw level and facility log type from a <PRI> value."""
    if pri is None:
        return None, None, None
    n = int(pri)
    if n > 191:
        return None, None, None
    facility = n >> 3
    log_type = "security" if facility in SECURITY_FACILITIES else None
    return levels.SYSLOG_PRIORITY[n & 7], str(n & 7), log_type


class BsdSyslog(LineParser):
    name = "syslog"
    default_type = "system"

    def __init__(self, ctx: ParseContext) -> None:
        super().__init__(ctx)
        self._minutes: dict[str, str] = {}

    def parse(self, text: str) -> Row | None:
        m = BSD.match(text)
        if m is None:
            m2 = ISO.match(text)
            if m2 is None:
                return self.generic(text)
            return self._iso(m2)
        pri, minute, sec, frac, host, tag, pid, msg = m.groups()
        if host in NOT_HOSTS:
            return self.generic(text)  # "Jan  1 00:00:00 ERROR ...": a level, not a syslog host
        prefix = self._minutes.get(minute)
        if prefix is None:
            prefix = self._minute(minute)
        if prefix[0] == "!":
            raise Reject(prefix[1:])
        ts = f"{prefix}{sec}.000Z" if frac is None and sec < "60" else f"{prefix}{min(sec, '59')}.{ms3(frac)}Z"
        if pri is None:
            return (ts, from_message(msg), None, host, tag, int(pid) if pid else None, None, msg, None)
        sev, raw, log_type = _from_pri(pri)
        if sev is None:
            sev = from_message(msg)
        return (ts, sev, raw, host, tag, int(pid) if pid else None, None, msg, log_type)

    def _minute(self, minute: str) -> str:
        """``Jun 14 15:16`` -> the UTC text up to the seconds, or ``!reason``; cached."""
        mon, d, hm = minute.split()
        month = MONTHS.get(mon)
        if month is None:
            prefix = f"!unknown month {mon!r}"
        else:
            clock = self.ctx.clock
            day = int(d)
            h, mi = hm.split(":")
            try:
                prefix = clock.local(clock.guess_year(month, day), month, day, int(h), int(mi), "00")[:-7]
            except BadTime as exc:
                prefix = f"!{exc}"
        if len(self._minutes) > 100_000:
            self._minutes.clear()
        self._minutes[minute] = prefix
        return prefix

    def _iso(self, m: re.Match[str]) -> Row:
        pri, y, mo, d, h, mi, s, frac, off, host, tag, pid, msg = m.groups()
        clock = self.ctx.clock
        minutes = parse_offset(off)
        try:
            if minutes is None:
                ts = clock.local(int(y), int(mo), int(d), int(h), int(mi), s, ms3(frac))
            else:
                ts = clock.offset(int(y), int(mo), int(d), int(h), int(mi), s, ms3(frac), minutes)
        except BadTime as exc:
            raise Reject(str(exc)) from None
        sev, raw, log_type = _from_pri(pri)
        if sev is None:
            sev = levels.from_message(msg)
        return (ts, sev, raw, host, tag, int(pid) if pid else None, None, msg, log_type)


def _nil(value: str) -> str | None:
    return None if value == "-" else value


class Rfc5424(LineParser):
    name = "rfc5424"
    default_type = "system"

    def parse(self, text: str) -> Row | None:
        m = RFC5424.match(text)
        if m is None:
            return self.generic(text)
        pri, stamp, host, app, procid, msgid, sd, msg = m.groups()
        if stamp == "-":
            raise Reject("RFC 5424 line without a time stamp")
        found = self.stamps.read(stamp)
        if found is None:
            raise Reject(f"cannot read time stamp {stamp!r}")
        sev, raw, log_type = _from_pri(pri)
        if msg.startswith("\ufeff"):
            msg = msg[1:]
        message = msg if sd == "-" else f"{msg} {sd}".strip()
        pid = int(procid) if procid.isdigit() else None
        return (found[0], INFO if sev is None else sev, raw, _nil(host), _nil(app), pid, _nil(msgid),
                message, log_type)


INFO = levels.INFO
