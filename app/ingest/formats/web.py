"""Apache/Nginx access logs (common and combined) and error logs (Apache 2.2, 2.4, Nginx)."""

from __future__ import annotations

import re

from app.ingest import levels
from app.ingest.clock import MONTHS, BadTime, ms3, parse_offset
from app.ingest.formats.base import LineParser, Reject, Row

ACCESS = re.compile(r'(?:(\S+) )?(\S+) (\S+) (\S+) \[(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d+))?'
                    r' ([+-]\d{4})\] "((?:[^"\\]|\\.)*)" (\d{3}) (\S+)'
                    r'(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?(.*)')
APACHE_ERROR = re.compile(r"\[(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) (\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})\] "
                          r"\[(?:([\w.-]+):)?(\w+)\](?: \[pid (\d+)(?::tid \d+)?\])?(?: \[client ([^\]]+)\])? ?(.*)",
                          re.DOTALL)
NGINX_ERROR = re.compile(r"(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) \[(\w+)\] (\d+)#\d+: (.*)", re.DOTALL)


class AccessLog(LineParser):
    name = "access"
    default_type = "application"

    def parse(self, text: str) -> Row | None:
        m = ACCESS.match(text)
        if m is None:
            return self.generic(text)
        (vhost, client, _ident, user, d, mon, y, h, mi, s, frac, off, request, status, size, referer, agent,
         _rest) = m.groups()
        month = MONTHS.get(mon)
        if month is None:
            raise Reject(f"unknown month {mon!r}")
        try:
            ts = self.ctx.clock.offset(int(y), month, int(d), int(h), int(mi), s, ms3(frac), parse_offset(off) or 0)
        except BadTime as exc:
            raise Reject(str(exc)) from None
        code = int(status)
        parts = [client, f'"{request}"', status, size]
        if user != "-":
            parts.insert(1, f"user={user}")
        if referer is not None:
            parts += [f'"{referer}"', f'"{agent}"']
        return (ts, levels.from_http_status(code), status, vhost, "access", None, status, " ".join(parts), None)


class ErrorLog(LineParser):
    name = "errorlog"
    default_type = "error"

    def parse(self, text: str) -> Row | None:
        m = APACHE_ERROR.match(text)
        if m is not None:
            mon, d, h, mi, s, frac, y, module, level, pid, client, msg = m.groups()
            month = MONTHS.get(mon)
            if month is None:
                raise Reject(f"unknown month {mon!r}")
            try:
                ts = self.ctx.clock.local(int(y), month, int(d), int(h), int(mi), s, ms3(frac))
            except BadTime as exc:
                raise Reject(str(exc)) from None
            if client:
                msg = f"[client {client}] {msg}"
            return (ts, levels.from_word(level), level, None, module or "httpd", int(pid) if pid else None, None,
                    msg, None)
        m = NGINX_ERROR.match(text)
        if m is not None:
            y, mo, d, h, mi, s, level, pid, msg = m.groups()
            try:
                ts = self.ctx.clock.local(int(y), int(mo), int(d), int(h), int(mi), s)
            except BadTime as exc:
                raise Reject(str(exc)) from None
            return (ts, levels.from_word(level), level, None, "nginx", int(pid), None, msg, None)
        return self.generic(text)
