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

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from app.ingest import levels, stamps
from app.ingest.clock import BadTime, Clock
from app.ingest.stamps import Shape

MIN_SHARE = 0.05  # a second stamp rule must hold on this share of the sample (and 2 lines)
LEVEL_SHARE = 0.3  # a level position must hold on this share of stamped lines
FIELD_SHARE = 0.6  # host and component positions: on this share
SCAN = 6  # tokens after the stamp that may hold a field
_SKIP = [re.compile(r"\s*" + r"(?:\S+\s+)" * n) for n in range(12)]
_STRIP = "[](){}<>|:,;=-\"'*#"
LETTERS = {"V": levels.DEBUG, "D": levels.DEBUG, "T": levels.DEBUG, "I": levels.INFO, "N": levels.NOTICE,
           "W": levels.WARNING, "E": levels.ERROR, "C": levels.CRITICAL, "F": levels.CRITICAL,
           "A": levels.CRITICAL}
EXTRA_WORDS = {"inf": levels.INFO, "wrn": levels.WARNING, "wrng": levels.WARNING, "crt": levels.CRITICAL,
               "ftl": levels.CRITICAL, "dbg": levels.DEBUG, "trc": levels.DEBUG, "erro": levels.ERROR,
               "emer": levels.CRITICAL, "warnung": levels.WARNING, "fehler": levels.ERROR}
_PROC = re.compile(r"([A-Za-z_][\w./@-]*)\[(\d+)\]:?")
_DOTTED = re.compile(r"[A-Za-z_$][\w$-]*(?:\.[A-Za-z_$][\w$-]*){1,}:?")
_HOSTLIKE = re.compile(r"[A-Za-z][\w-]*(?:[./][\w-]+)*")
_SYSPRI = re.compile(r"<(\d{1,3})>")


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
    sev = levels.LEVELS.get(low)
    if sev is None:
        sev = EXTRA_WORDS.get(low)
    if sev is not None:
        return sev, word
    if len(word) == 1 and word in LETTERS:
        return LETTERS[word], word
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
    host: FieldRule | None = None
    component: FieldRule | None = None  # proc[pid] or a dotted name
    proc: bool = False  # the component field is ``proc[pid]:``

    @property
    def shape(self) -> Shape:
        return self.rules[0].shape

    @property
    def share(self) -> float:
        return self.rules[0].support / self.sampled if self.sampled else 0.0

    def stamp(self, text: str) -> tuple[str, int, int] | None:
        """``(ts, start, end)`` of the line's stamp by the best rule that reads it; raises BadTime."""
        failure: BadTime | None = None
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

    def fields(self, text: str, start: int, end: int) -> tuple[int | None, str | None, str | None, str | None,
                                                               int | None, str]:
        """Severity (None: no level), raw level, host, component, pid and message of a stamped line."""
        after = text[end:].split(None, SCAN)
        used = 0  # tokens after the stamp that are fields, not message
        sev = raw = host = comp = None
        pid = None
        if self.level is not None:
            found = self._level(text, start, after)
            if found is not None:
                sev, raw, used = found
        if self.host is not None and self.host.side == "after" and self.host.index < len(after):
            tok = after[self.host.index]
            if _HOSTLIKE.fullmatch(tok.strip(_STRIP)) and level_of(tok) is None:
                host = tok.strip(_STRIP)
                used = max(used, self.host.index + 1)
        elif self.host is not None and self.host.side == "before":
            parts = text[:start].split()
            if self.host.index < len(parts):
                host = parts[self.host.index].strip(_STRIP) or None
        if self.component is not None and self.component.index < len(after):
            tok = after[self.component.index]
            if self.proc:
                m = _PROC.fullmatch(tok)
                if m:
                    comp, pid = m.group(1), int(m.group(2))
                    used = max(used, self.component.index + 1)
                elif tok.endswith(":") and len(tok) > 1:
                    comp = tok[:-1]
                    used = max(used, self.component.index + 1)
            elif _DOTTED.fullmatch(tok):
                comp = tok.rstrip(":")
                used = max(used, self.component.index + 1)
        if used:
            rest = text[end:].split(None, used)
            message = rest[used] if len(rest) > used else ""
        else:
            message = text[end:]
        message = message.strip().lstrip(":-|> ").strip()
        return sev, raw, host, comp, pid, message

    def _level(self, text: str, start: int, after: list[str]) -> tuple[int, str, int] | None:
        rule = self.level
        assert rule is not None
        if rule.side == "after":
            lo, hi = rule.index, min(rule.index + 3, len(after))
            for i in range(lo, hi):
                found = level_of(after[i])
                if found is not None and (i == rule.index or _loud(after[i])):
                    if len(found[1]) == 1 and not self.letters and found[1] not in "<>":
                        continue
                    return found[0], found[1], i + 1
            return None
        if rule.side == "glued":
            parts = text[:start].split()
            glue = parts[-1] if parts and not text[start - 1].isspace() else ""
            found = level_of(glue) if glue else None
            return (found[0], found[1], 0) if found else None
        parts = text[:start].split()
        if rule.index < len(parts):
            found = level_of(parts[rule.index])
            if found is not None:
                return found[0], found[1], 0
        return None


def _gap(text: str, pos: int, start: int) -> bool:
    """Whitespace between the token's start and the stamp: the stamp is in a later token."""
    return any(c.isspace() for c in text[pos:start])


def _loud(token: str) -> bool:
    """A level written as a field (upper case or bracketed), not a word in a sentence."""
    word = token.strip(_STRIP)
    return word.isupper() or token[:1] in "[<("


def learn(sample: list[str], clock: Clock, dayfirst: bool = False) -> Layout | None:
    """The layout that reads the most sample lines, or None when no line has a stamp."""
    lines = [ln for ln in sample if ln.strip()]
    support: Counter[tuple[str, int]] = Counter()
    starts: dict[tuple[str, int], int] = defaultdict(int)
    for ln in lines:
        seen = set()
        for shape, m in stamps.find(ln):
            key = (shape.name, _tokens_before(ln, m.start())[0])
            if key in seen:
                continue
            try:
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
    floor = max(2, MIN_SHARE * len(lines))
    keep = [ranked[0]] + [k for k in ranked[1:] if support[k] >= floor]
    rules = [StampRule(stamps.BY_NAME[name], n, support[(name, n)]) for name, n in keep]
    layout = Layout(rules, len(lines), clock, dayfirst or _dayfirst(lines))
    _learn_fields(layout, lines)
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
        after = ln[end:].split(None, SCAN)[:SCAN]
        before = ln[:start].split()
        glued = before.pop() if before and not ln[start - 1].isspace() else ""
        for side, toks in (("after", after), ("before", before)):
            for i, tok in enumerate(toks):
                found = level_of(tok)
                if found is None:
                    continue
                (letters if len(found[1]) == 1 else lvl)[(side, i)] += 1
        if glued and level_of(glued):
            (letters if len(glued.strip(_STRIP)) == 1 else lvl)[("glued", 0)] += 1
        for i, tok in enumerate(after[:4]):
            if _PROC.fullmatch(tok) or (i and tok.endswith(":") and _HOSTLIKE.fullmatch(tok[:-1])):
                procs[i] += 1
            elif _DOTTED.fullmatch(tok) and not tok.replace(".", "").replace(":", "").isdigit():
                dotted[i] += 1
        if after and _HOSTLIKE.fullmatch(after[0].strip(_STRIP)) and level_of(after[0]) is None:
            hosts[("after", 0)].append(after[0].strip(_STRIP))
        if before and _HOSTLIKE.fullmatch(before[-1].strip(_STRIP)) and level_of(before[-1]) is None:
            hosts[("before", len(before) - 1)].append(before[-1].strip(_STRIP))
    if not stamped:
        return
    word_best = _best(lvl, stamped * LEVEL_SHARE)
    letter_best = _best(letters, stamped * 0.8)
    if word_best is not None:
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
    for key, names in hosts.items():
        if len(names) < stamped * 0.8 or not _hosty(names, stamped):
            continue
        if key[0] == "after" and layout.component is not None and layout.component.index == 0:
            continue
        if key[0] == "after" and layout.level is not None and layout.level.side == "after" \
                and layout.level.index == 0:
            continue
        layout.host = FieldRule(key[0], key[1], len(names))
        break


def _hosty(names: list[str], stamped: int) -> bool:
    """Host and node names: few distinct values, each with a digit, a dash or a dot."""
    distinct = set(names)
    if len(distinct) > max(3, stamped // 4):
        return False
    return all(any(c.isdigit() or c in "-." for c in n) for n in distinct)


def _best(counts: dict[tuple[str, int], int] | Counter[tuple[str, int]], floor: float) -> tuple[str, int] | None:
    if not counts:
        return None
    key = max(counts, key=lambda k: (counts[k], k[0] == "after", -k[1]))
    return key if counts[key] >= max(floor, 1) else None


__all__ = ["Layout", "StampRule", "FieldRule", "learn", "level_of"]
