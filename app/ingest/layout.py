"""Where a text log keeps its time, level and source: learned once per file from a sample.

A file is decided as a whole: the stamp shape and the position (whitespace
tokens before it) that hold across most sample lines win, and every line is
then read with that decision. A line whose own stamp fails the first rule gets
the next best rule; a line with no stamp of the file's own shapes is a
continuation of the event before it. Levels and source fields (``proc[pid]:``,
dotted component names, host or node names) count only at a position that is
steady across the sample, so a word in a message never passes for a field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from app.ingest import levels, stamps
from app.ingest.clock import BadTime, Clock, ms3
from app.ingest.stamps import Shape

MIN_SHARE = 0.05  # a second stamp rule must hold on this share of the sample (and 2 lines)
LEVEL_SHARE = 0.3  # a level position must hold on this share of stamped lines
FIELD_SHARE = 0.6  # host and component positions: on this share
SCAN = 8  # words after the stamp that may hold a host or component
LEVEL_SCAN = 12  # words between separators after the stamp that may hold the level
_SKIP = [re.compile(r"\s*" + r"(?:\S+\s+)" * n) for n in range(12)]
_STRIP = "[](){}<>|:,;=-\"'*#"
LETTERS = {"V": levels.DEBUG, "D": levels.DEBUG, "T": levels.DEBUG, "I": levels.INFO, "N": levels.NOTICE,
           "W": levels.WARNING, "E": levels.ERROR, "C": levels.CRITICAL, "F": levels.CRITICAL,
           "A": levels.CRITICAL}
EXTRA_WORDS = {"inf": levels.INFO, "wrn": levels.WARNING, "wrng": levels.WARNING, "crt": levels.CRITICAL,
               "ftl": levels.CRITICAL, "dbg": levels.DEBUG, "trc": levels.DEBUG, "erro": levels.ERROR,
               "emer": levels.CRITICAL, "warnung": levels.WARNING, "fehler": levels.ERROR,
               "log": levels.INFO, "detail": levels.INFO, "hint": levels.INFO, "statement": levels.INFO}
_PROC = re.compile(r"([A-Za-z_][\w./@()-]*)\[(\d+)\]:?")
_DOTTED = re.compile(r"[A-Za-z_$][\w$-]*(?:\.[A-Za-z_$][\w$-]*){1,}:?")
_HOSTLIKE = re.compile(r"[A-Za-z][\w-]*(?:[./:][\w-]+)*")
_NOT_HOST = re.compile(r"_|:\d+$|\d{5}|[0-9a-f]{8}")  # underscores, a :port, long numbers, hex ids
_SYSPRI = re.compile(r"<(\d{1,3})>")
_PART = re.compile(r"<\d{1,3}>|[^\s|:,;\[\](){}<>=\"']+")  # level candidates: words between separators
_WORD = re.compile(r"\S+")
_SPACE = re.compile(r"\s")
UPPER_ONLY = {"log", "detail", "hint", "statement"}  # levels only when written as fields are (upper case)
ROLLBACK = 3600  # a time of day this far before the last one starts the next day
_TIME_AT = re.compile(r"\s*\[?(\d{1,2}):(\d\d):(\d\d)")
_DEBUG_N = re.compile(r"(?:debug|trace)\d")


def level_of(token: str) -> tuple[int, str] | None:
    """A token that is a level: a word, ``[E]``, ``<3>``, or a lone capital in a steady column."""
    m = _SYSPRI.fullmatch(token.rstrip(":"))
    if m:
        n = int(m.group(1))
        return (levels.SYSLOG_PRIORITY[n & 7], str(n & 7)) if n < 192 else None
    word = token.strip(_STRIP)
    if not word or len(word) > 13:
        return None
    low = word.lower()
    if low in UPPER_ONLY and not word.isupper():
        return None  # "Log every 3": a word of the message, not PostgreSQL's LOG level
    sev = levels.LEVELS.get(low)
    if sev is None:
        sev = EXTRA_WORDS.get(low)
    if sev is not None:
        return sev, word
    if len(word) == 1 and word in LETTERS:
        return LETTERS[word], word
    if _DEBUG_N.fullmatch(low):  # debug2 .. debug5, trace2
        return levels.DEBUG, word
    return None


def _tokens_before(text: str, start: int) -> tuple[int, str]:
    """Whole tokens before ``start``, and the text glued to the stamp within its own token."""
    prefix = text[:start]
    parts = prefix.split()
    if prefix and not prefix[-1].isspace():
        return len(parts) - 1, parts[-1]
    return len(parts), ""


@dataclass(frozen=True)
class StampRule:
    shape: Shape
    tokens: int  # whole whitespace tokens before the token holding the stamp
    support: int  # sample lines it read


@dataclass(frozen=True)
class FieldRule:
    side: str  # "after" the stamp, "before" it (token from the line's start), or "glued" to it
    index: int
    support: int


@dataclass
class Layout:
    """The decision for one file; ``read`` applies it to a line."""

    rules: list[StampRule]
    sampled: int  # non-blank sample lines
    clock: Clock
    dayfirst: bool = False
    level: FieldRule | None = None
    letters: bool = False  # the level field holds single letters (glog, logcat)
    # a level rule's index counts words between separators: after the stamp from 0, before it from 1 backwards
    host: FieldRule | None = None
    component: FieldRule | None = None  # proc[pid] or a dotted name
    proc: bool = False  # the component field is ``proc[pid]:``
    day: dt.date | None = None  # time-of-day files: the date of the line being read
    _last: int = -1  # time-of-day files: the last line's second of the day

    def days_crossed(self, lines: Iterable[str]) -> int:
        """How often the time of day goes back in ``lines``: the days a time-of-day file spans, less one."""
        last, n = -1, 0
        for ln in lines:
            m = _TIME_AT.match(ln)
            if m is None:
                continue
            seconds = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
            if last - seconds > ROLLBACK:
                n += 1
            last = seconds
        return n

    @property
    def shape(self) -> Shape:
        return self.rules[0].shape

    @property
    def share(self) -> float:
        return self.rules[0].support / self.sampled if self.sampled else 0.0

    def stamp(self, text: str) -> tuple[str, int, int] | None:
        """``(ts, start, end)`` of the line's stamp by the best rule that reads it; raises BadTime."""
        failure: BadTime | None = None
        if self.day is not None:
            return self._time_of_day(text)
        for rule in self.rules:
            skip = _SKIP[rule.tokens] if rule.tokens < len(_SKIP) else re.compile(r"\s*(?:\S+\s+)" * rule.tokens)
            sm = skip.match(text)
            if sm is None:
                continue
            pos = sm.end()
            m = stamps.search(rule.shape, text, pos, min(pos + 48, len(text)))
            if m is None or _gap(text, pos, m.start()):
                continue
            try:
                return rule.shape.convert(m, self.clock, self.dayfirst), m.start(), m.end()
            except BadTime as exc:
                failure = exc
        if failure is not None:
            raise failure
        return None

    @property
    def _word_need(self) -> int:
        """Words after the stamp that the host and component rules look at."""
        need = 0
        if self.host is not None and self.host.side == "after":
            need = self.host.index + 1
        if self.component is not None:
            need = max(need, self.component.index + 1)
        return need

    @property
    def time_only(self) -> bool:
        """The file's stamps are times of day: its dates come from a header or the file's date."""
        return self.rules[0].shape.name == "time"

    def start_on(self, day: dt.date) -> None:
        """Read times of day on ``day`` from here on (a ``#Date:`` header, or the first line's day)."""
        self.day, self._last = day, -1

    def _time_of_day(self, text: str) -> tuple[str, int, int] | None:
        rule = self.rules[0]
        pos = _SKIP[min(rule.tokens, len(_SKIP) - 1)].match(text).end()  # type: ignore[union-attr]
        m = stamps.search(rule.shape, text, pos, min(pos + 48, len(text)))
        if m is None or _gap(text, pos, m.start()):
            return None
        g = m.groupdict()
        h, mi = int(g["H"]), int(g["M"])  # type: ignore[arg-type]
        seconds = h * 3600 + mi * 60 + int(g["S"])  # type: ignore[arg-type]
        day = self.day
        assert day is not None  # set by start_on() before any time of day is read
        if self._last - seconds > ROLLBACK:
            day = self.day = day + dt.timedelta(days=1)
        self._last = seconds
        ts = self.clock.local(day.year, day.month, day.day, h, mi, g["S"].zfill(2),  # type: ignore[union-attr]
                              ms3(g.get("f")))
        return ts, m.start(), m.end()

    def fields(self, text: str, start: int, end: int) -> tuple[int | None, str | None, str | None, str | None,
                                                               int | None, str]:
        """Severity (None: no level), raw level, host, component, pid and message of a stamped line."""
        body = end  # where the message starts: after the last field read
        sev = raw = host = comp = None
        pid = None
        if self.level is not None:
            found = self._level(text, start, end)
            if found is not None:
                sev, raw, stop = found
                body = max(body, stop)
        need = max(self._word_need, 0)
        words = list(islice(_WORD.finditer(text, end, end + 400), need)) if need else []
        rule = self.host
        if rule is not None and rule.side == "after" and rule.index < len(words):
            tok = words[rule.index]
            name = tok.group().strip(_STRIP)
            if is_host(name) and level_of(tok.group()) is None:
                host = name
                body = max(body, tok.end())
        elif rule is not None and rule.side == "before":
            before = text[:start].split()
            if rule.index < len(before) and is_host(before[rule.index].strip(_STRIP)):
                host = before[rule.index].strip(_STRIP)
        if self.component is not None and self.component.index < len(words):
            tok = words[self.component.index]
            word = tok.group()
            if self.proc:
                m = _PROC.fullmatch(word)
                if m:
                    comp, pid = m.group(1), int(m.group(2))
                    body = max(body, tok.end())
                elif word.endswith(":") and len(word) > 1:
                    comp = word[:-1]
                    body = max(body, tok.end())
            elif _DOTTED.fullmatch(word):
                comp = word.rstrip(":")
                body = max(body, tok.end())
        message = text[body:].strip().lstrip(":-|>]) ").strip()
        return sev, raw, host, comp, pid, message

    def _level(self, text: str, start: int, end: int) -> tuple[int, str, int] | None:
        """Severity, raw level and the index just after it, read at the file's level position."""
        rule = self.level
        assert rule is not None
        if rule.side == "after":
            parts = list(islice(_PART.finditer(text, end, end + 200), rule.index + 3))
            for i in range(rule.index, len(parts)):
                m = parts[i]
                found = level_of(m.group())
                if found is None or (i != rule.index and not _loud(m.group())):
                    continue
                if len(found[1]) == 1 and not self.letters:
                    continue
                return found[0], found[1], m.end()
            return None
        parts = list(_PART.finditer(text, 0, start))
        if rule.index <= len(parts):
            m = parts[-rule.index]
            found = level_of(m.group())
            if found is not None and (len(found[1]) > 1 or self.letters):
                return found[0], found[1], end
        return None


def _gap(text: str, pos: int, start: int) -> bool:
    """Whitespace between the token's start and the stamp: the stamp is in a later token."""
    return start > pos and _SPACE.search(text, pos, start) is not None


def _loud(token: str) -> bool:
    """A level written as a field (upper case or bracketed), not a word in a sentence."""
    word = token.strip(_STRIP)
    return word.isupper() or token[:1] in "[<("


def learn(sample: list[str], clock: Clock, dayfirst: bool = False) -> Layout | None:
    """The layout that reads the most sample lines, or None when no line has a stamp."""
    lines = [ln for ln in sample if ln.strip()]
    data = [ln for ln in lines if not ln.startswith("#")]
    if data and data != lines and learn(data, clock, dayfirst) is not None:
        lines = data  # W3C, Bro and the like: '#' lines are headers, their dates no line's stamp
    support: Counter[tuple[str, int]] = Counter()
    starts: dict[tuple[str, int], int] = defaultdict(int)
    for ln in lines:
        seen = set()
        for shape, m in stamps.find(ln):
            key = (shape.name, _tokens_before(ln, m.start())[0])
            if key in seen:
                continue
            try:
                if shape.name != "time":
                    shape.convert(m, clock, dayfirst)
            except BadTime:
                continue
            seen.add(key)
            support[key] += 1
            starts[key] += m.start()
    if not support:
        return None
    order = {s.name: i for i, s in enumerate(stamps.SHAPES)}
    ranked = sorted(support, key=lambda k: (-support[k], starts[k] / support[k], order[k[0]]))
    dated = [k for k in ranked if k[0] != "time" and support[k] * 2 >= support[ranked[0]]]
    if dated:
        ranked = dated  # a time of day is only the file's stamp when nothing carries a date
    elif ranked[0][1] != 0:
        return None  # a time of day deep in a line is a message's, not the line's stamp
    floor = 1 if len(lines) < 20 else max(2, MIN_SHARE * len(lines))  # a small file: every shape it shows
    keep = [ranked[0]] + [k for k in ranked[1:] if support[k] >= floor]
    rules = [StampRule(stamps.BY_NAME[name], n, support[(name, n)]) for name, n in keep]
    layout = Layout(rules, len(lines), clock, dayfirst or _dayfirst(lines))
    if layout.time_only:
        layout.start_on(clock.file_day)  # any day, to find the fields; the parser dates the lines
    _learn_fields(layout, lines)
    layout.day, layout._last = None, -1
    return layout


def _dayfirst(lines: list[str]) -> bool:
    """Numeric dates that can only be day-first (a first field above 12) make the whole file day-first."""
    shape = stamps.BY_NAME["numeric-date"]
    for ln in lines:
        m = stamps.search(shape, ln)
        if m and int(m.group("a")) > 12:
            return True
    return False


def _learn_fields(layout: Layout, lines: list[str]) -> None:
    lvl: Counter[tuple[str, int]] = Counter()
    letters: Counter[tuple[str, int]] = Counter()
    hosts: dict[tuple[str, int], list[str]] = defaultdict(list)
    procs: Counter[int] = Counter()
    dotted: Counter[int] = Counter()
    stamped = 0
    for ln in lines:
        try:
            hit = layout.stamp(ln)
        except BadTime:
            continue
        if hit is None:
            continue
        stamped += 1
        _ts, start, end = hit
        after_parts = [m.group() for m in islice(_PART.finditer(ln, end, end + 300), LEVEL_SCAN)]
        before_parts = [m.group() for m in _PART.finditer(ln, 0, start)][-3:]
        for i, tok in enumerate(after_parts):
            found = level_of(tok)
            if found is not None:
                (letters if len(found[1]) == 1 else lvl)[("after", i)] += 1
        for k, tok in enumerate(reversed(before_parts), 1):
            found = level_of(tok)
            if found is not None:
                (letters if len(found[1]) == 1 else lvl)[("before", k)] += 1
        after = ln[end:].split(None, SCAN)[:SCAN]
        before = ln[:start].split()
        if before and not ln[start - 1].isspace():
            before.pop()  # the text glued to the stamp is no host
        for i, tok in enumerate(after[:SCAN]):
            if _PROC.fullmatch(tok) or (i and tok.endswith(":") and _HOSTLIKE.fullmatch(tok[:-1])):
                procs[i] += 1
            elif _DOTTED.fullmatch(tok) and not tok.replace(".", "").replace(":", "").isdigit():
                dotted[i] += 1
        for side, words in (("after", after[:SCAN]), ("before", before)):
            for i, tok in enumerate(words):
                name = tok.strip(_STRIP)
                if is_host(name) and level_of(tok) is None:
                    hosts[(side, i)].append(name)
    if not stamped:
        return
    word_best = _best(lvl, max(stamped * LEVEL_SHARE, min(2, stamped)))
    letter_best = _best(letters, stamped * 0.8)
    if word_best is not None and (letter_best is None or lvl[word_best] >= letters[letter_best]):
        layout.level = FieldRule(word_best[0], word_best[1], lvl[word_best])
    elif letter_best is not None:
        layout.level = FieldRule(letter_best[0], letter_best[1], letters[letter_best])
        layout.letters = True
    proc = _best({("after", i): n for i, n in procs.items()}, stamped * FIELD_SHARE)
    dot = _best({("after", i): n for i, n in dotted.items()}, stamped * FIELD_SHARE)
    if proc is not None:
        layout.component, layout.proc = FieldRule("after", proc[1], procs[proc[1]]), True
    elif dot is not None:
        layout.component = FieldRule("after", dot[1], dotted[dot[1]])
    taken = {layout.component.index} if layout.component is not None else set()
    after_fields = [r.index for r in (layout.level, layout.component) if r is not None and r.side == "after"]
    if layout.level is not None and layout.level.side == "after":
        taken.add(layout.level.index)
    for key in sorted(hosts, key=lambda k: (k[0] != "before", k[1])):  # the earliest steady host field
        names = hosts[key]
        if len(names) < stamped * 0.8 or len(set(names)) > max(5, 0.9 * stamped):
            continue
        if key[0] == "after" and (key[1] in taken or key[1] >= min(after_fields, default=SCAN)):
            continue  # a host stands before the level and the component, not in the message after them
        layout.host = FieldRule(key[0], key[1], len(names))
        break


def is_host(name: str) -> bool:
    """A host or node name: letters first, a digit somewhere (agent-ws12, pbx01, dn228, R02-M1-N0-C:J12-U11)."""
    return bool(_HOSTLIKE.fullmatch(name)) and any(c.isdigit() for c in name) and _NOT_HOST.search(name) is None


def _best(counts: dict[tuple[str, int], int] | Counter[tuple[str, int]], floor: float) -> tuple[str, int] | None:
    if not counts:
        return None
    key = max(counts, key=lambda k: (counts[k], k[0] == "after", -k[1]))
    return key if counts[key] >= max(floor, 1) else None


__all__ = ["FieldRule", "Layout", "StampRule", "learn", "level_of"]
