"""Guessing a file's format from its first bytes and lines (``--format`` overrides)."""

from __future__ import annotations

import json
import re

from app.ingest.formats import applog, syslog, web
from app.ingest.stamps import SHAPES, first_shape

_LEVEL_NEAR = applog.REST
_HEADER_CELL = re.compile(r"[A-Za-z_@][\w .@-]{0,40}")
_XML_EVENT = re.compile(r"<Event[\s>]")
_NUMERIC = re.compile(r"[\[\(\s]*(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}")
PREFERENCE = ("rfc5424", "syslog", "access", "errorlog", "journal", "json", "applog", "csv", "generic")


def detect(head: bytes, lines: list[str], name: str = "") -> str:
    """The format name for a file whose first bytes are ``head`` and first lines ``lines``."""
    if head.startswith(b"ElfFile\x00") or name.lower().endswith(".evtx"):
        return "evtx"
    text = [ln for ln in lines if ln.strip()][:60]
    if not text:
        return "generic"
    first = text[0].lstrip("\ufeff").lstrip()
    if first.startswith("<?xml") or first.startswith("<Events") or first.startswith("<Event "):
        if any(_XML_EVENT.search(ln) for ln in text[:20]):
            return "eventxml"
    scores = dict.fromkeys(PREFERENCE, 0)
    for ln in text:
        _score(ln, scores)
    if _looks_csv(text) and scores["csv"] == 0:
        scores["csv"] = len(text)
    best = max(PREFERENCE, key=lambda k: (scores[k], -PREFERENCE.index(k)))
    if scores[best] == 0:
        return "text"
    if best == "generic" and scores["applog"] * 2 >= scores["generic"]:
        return "applog"
    return best


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
    if syslog.BSD.match(ln):
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
    for d in (",", "\t", ";", "|"):
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


__all__ = ["detect", "dayfirst", "SHAPES"]
