"""Masking the variable parts of log messages so one problem counts as one.

"Call 81723 dropped: RTP timeout after 4 s" and "Call 99120 dropped: RTP
timeout after 12 s" are the same problem; masked they both read
"Call <n> dropped: RTP timeout after <n> s" (the message's *pattern*). IPs, UUIDs, hex values, MAC
addresses, e-mail addresses and numbers are masked; words are kept.

The store first replaces every digit with ``#`` in SQL (cheap, in C), which
collapses most variants before any row reaches Python; ``mask`` accepts both
raw text and that digit-masked form.
"""

from __future__ import annotations

import re

DIGIT_MARK = "#"
_D = r"[0-9#]"
_H = r"[0-9a-fA-F#]"
# word edges that also treat "#" (a masked digit) as part of a token
_B = r"(?<![\w#])"
_E = r"(?![\w#])"

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{_B}{_H}{{8}}-{_H}{{4}}-{_H}{{4}}-{_H}{{4}}-{_H}{{12}}{_E}"), "<uuid>"),
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "<email>"),
    (re.compile(rf"{_B}{_H}{{2}}(?:[:-]{_H}{{2}}){{5}}{_E}"), "<mac>"),
    (re.compile(rf"{_B}{_D}{{1,3}}(?:\.{_D}{{1,3}}){{3}}(?::{_D}+)?{_E}"), "<ip>"),
    # IPv6: compressed ("fe80::1") or five groups and more (so 12:30:45 stays a time)
    (re.compile(r"(?<![\w#:])(?=[0-9a-fA-F#:]*[0-9a-fA-F#])[0-9a-fA-F#:]*::[0-9a-fA-F#:]*(?![\w#:])"), "<ip>"),
    (re.compile(r"(?<![\w#:])(?:[0-9a-fA-F#]{1,4}:){4,7}[0-9a-fA-F#]{1,4}(?![\w#:])"), "<ip>"),
    (re.compile(rf"{_B}[0#][xX]{_H}+{_E}"), "<hex>"),
    # long hex-looking tokens with at least one digit: hashes, object ids
    (re.compile(rf"{_B}(?=[0-9a-fA-F#]*[0-9#])(?=[0-9a-fA-F#]*[a-fA-F])[0-9a-fA-F#]{{8,}}{_E}"), "<hex>"),
    # "#" counts as part of the token on the left: in "user##" the second "#" is not a number of its own
    (re.compile(rf"(?<![\w<#]){_D}+(?:[.,]{_D}+)*(?![\w>])"), "<n>"),
    # digits glued to letters (INC0012345, user42, 500ms): keep the letters
    (re.compile(rf"{_D}+"), "<n>"),
]


def mask(message: str) -> str:
    """The message with its variable parts replaced by placeholders."""
    text = message.strip()
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return re.sub(r"\s+", " ", text)


_DIGITS = str.maketrans("0123456789", DIGIT_MARK * 10)


def pattern_of(message: str | None) -> str | None:
    """The pattern the top-messages chart counts ``message`` under: digits marked first, as the store does.

    The Events page filters on this (the ``message_pattern`` SQL function), so a
    bar's drill-down lists exactly the events the bar counts.
    """
    return None if message is None else mask(message.translate(_DIGITS))


def literal_parts(masked: str, min_length: int = 2) -> list[str]:
    """The fixed text between placeholders, for finding a pattern's messages with "contains" terms."""
    parts = re.split(r"<(?:uuid|email|mac|ip|hex|n)>", masked)
    return [p.strip() for p in parts if len(p.strip()) >= min_length]
