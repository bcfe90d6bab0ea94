"""Level words from every family of log onto one severity scale (0 debug .. 5 critical)."""

from __future__ import annotations

import re

DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL = range(6)

LEVELS: dict[str, int] = {
    # generic / log4j / logback / python / java.util.logging
    "trace": DEBUG, "finest": DEBUG, "finer": DEBUG, "fine": DEBUG, "verbose": DEBUG, "debug": DEBUG,
    "dbug": DEBUG, "dbg": DEBUG, "config": DEBUG,
    "info": INFO, "information": INFO, "informational": INFO, "inf": INFO, "ok": INFO,
    "notice": NOTICE, "note": NOTICE,
    "warn": WARNING, "warning": WARNING, "wrn": WARNING,
    "error": ERROR, "err": ERROR, "severe": ERROR, "fail": ERROR, "failure": ERROR, "eror": ERROR,
    "crit": CRITICAL, "critical": CRITICAL, "fatal": CRITICAL, "alert": CRITICAL, "emerg": CRITICAL,
    "emergency": CRITICAL, "panic": CRITICAL,
    # Windows Event Viewer words
    "audit success": INFO, "audit failure": WARNING,
}
# Android logcat letters (V D I W E F/A) and syslog numeric priorities.
ANDROID: dict[str, int] = {"V": DEBUG, "D": DEBUG, "I": INFO, "W": WARNING, "E": ERROR, "F": CRITICAL,
                           "A": CRITICAL, "S": DEBUG}
SYSLOG_PRIORITY: tuple[int, ...] = (CRITICAL, CRITICAL, CRITICAL, ERROR, WARNING, NOTICE, INFO, DEBUG)
# Windows Level 0..5 (0 = LogAlways, shown as Information).
WINDOWS_LEVEL: dict[int, int] = {0: INFO, 1: CRITICAL, 2: ERROR, 3: WARNING, 4: INFO, 5: DEBUG}

LEVEL_WORD = (r"TRACE|DEBUG|DBG|VERBOSE|FINEST|FINER|FINE|CONFIG|INFO|INFORMATION|NOTICE|WARN|WARNING|ERROR|ERR"
              r"|SEVERE|CRIT|CRITICAL|FATAL|ALERT|EMERG|PANIC")

# Case-sensitive on a lowered copy: ``re`` then skips ahead by first letters, ~8x faster than IGNORECASE.
_QUICK = re.compile(r"panic|fatal|emerg|critical|err|fail|denied|invalid|refused|timed? ?out|unreachable|warn")
_HINT = re.compile(r"\b(?:(panic|fatal|emerg\w*|critical)|(error|errors|err)|(fail\w*|denied|invalid|refused|"
                   r"timed? ?out|unreachable|warn\w*))\b")


def from_word(word: str | None, default: int = INFO) -> int:
    """A level word (any case) -> severity; unknown words get ``default``."""
    if not word:
        return default
    w = word.strip().lower()
    sev = LEVELS.get(w)
    if sev is not None:
        return sev
    if len(word.strip()) == 1 and word.strip().upper() in ANDROID:
        return ANDROID[word.strip().upper()]
    if w.isdigit():
        n = int(w)
        return SYSLOG_PRIORITY[n] if n < 8 else default
    return default


def from_message(message: str) -> int:
    """Severity guessed from words in a message that carries no level (plain syslog)."""
    low = message.lower()
    if _QUICK.search(low) is None:  # most lines: one cheap scan
        return INFO
    m = _HINT.search(low)
    if m is None:
        return INFO
    if m.group(1):
        return CRITICAL
    if m.group(2):
        return ERROR
    return WARNING


def from_http_status(status: int) -> int:
    return ERROR if status >= 500 else WARNING if status >= 400 else INFO
