"""PCRE patterns, as lnav format files hold them, rewritten for Python's ``re``.

lnav compiles with PCRE2; users copy its patterns from lnav's own formats, so
the differences that real files use are translated here rather than refused:
``(?<name>``, a ``(?i)`` in the middle of a pattern (global-only in Python),
``\\h``, ``\\z``, ``\\e``, ``\\x{..}``, ``\\Q..\\E``, ``\\k<name>``, POSIX classes
and a ``[`` inside a class. Possessive quantifiers and atomic groups pass
through (Python 3.11 has them). Positions in errors point into the original.
"""

from __future__ import annotations

import re

_POSIX = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f",
    "word": r"\w", "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
}
_SIMPLE = {"h": r"[ \t]", "H": r"[^ \t]", "z": r"\Z", "Z": r"(?=\n?\Z)", "e": r"\x1b",
           "R": r"(?:\r\n|\n|\r)"}
_IN_CLASS = {"h": r" \t", "e": r"\x1b"}
_FLAG = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]+))?\)")
_NAME = re.compile(r"\(\?(?:<|'|P<)([A-Za-z_]\w*)[>']")


class PatternError(ValueError):
    """A pattern Python cannot run; ``pos`` indexes the original text."""

    def __init__(self, msg: str, pos: int) -> None:
        super().__init__(f"{msg} at position {pos}")
        self.msg = msg
        self.pos = pos


class _Out:
    """Output text with, for each character, where it came from in the source."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.origin: list[int] = []

    def add(self, text: str, src: int) -> None:
        self.parts.append(text)
        self.origin.extend([src] * len(text))


def translate(pattern: str) -> tuple[str, dict[str, list[str]]]:
    """Python text of a PCRE pattern, and group aliases (a name repeated in PCRE -> ``name__2`` ...)."""
    out, aliases = _translate(pattern)
    return "".join(out.parts), aliases


def _translate(pattern: str) -> tuple[_Out, dict[str, list[str]]]:
    out = _Out()
    names: dict[str, list[str]] = {}
    stack: list[list[str]] = [[]]  # per open group: scoped-flag openers to close at its end / reopen after |
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i = _escape(pattern, i, out, names)
            continue
        if c == "[":
            i = _char_class(pattern, i, out)
            continue
        if c == "(":
            fm = _FLAG.match(pattern, i)
            if fm and (fm.group(1) or fm.group(2)):
                on, off = fm.group(1).replace("J", ""), fm.group(2) or ""
                bad = set(on + off) - set("imsx")
                if bad:
                    raise PatternError(f"unsupported flag {''.join(sorted(bad))!r}", i)
                if on or off:
                    if i == 0 and not off:
                        out.add(f"(?{on})", i)
                    else:
                        opener = f"(?{on}{'-' + off if off else ''}:"
                        out.add(opener, i)
                        stack[-1].append(opener)
                i = fm.end()
                continue
            nm = _NAME.match(pattern, i)
            if nm:
                name = nm.group(1)
                aliases = names.setdefault(name, [])
                alias = name if not aliases else f"{name}__{len(aliases) + 1}"
                aliases.append(alias)
                out.add(f"(?P<{alias}>", i)
                stack.append([])
                i = nm.end()
                continue
            if pattern.startswith("(?|", i):
                raise PatternError("branch reset groups (?| are not supported", i)
            if pattern.startswith("(*", i):
                raise PatternError("PCRE verbs (*...) are not supported", i)
            out.add("(", i)
            stack.append([])
            i += 1
            continue
        if c == ")":
            if len(stack) > 1:
                out.add(")" * len(stack.pop()), i)
            out.add(")", i)
            i += 1
            continue
        if c == "|" and stack[-1]:
            out.add(")" * len(stack[-1]) + "|" + "".join(stack[-1]), i)
            i += 1
            continue
        out.add(c, i)
        i += 1
    while stack:
        out.add(")" * len(stack.pop()), n)
    return out, {k: v for k, v in names.items() if len(v) > 1}


def compile_pcre(pattern: str, flags: int = 0) -> tuple[re.Pattern[str], dict[str, list[str]]]:
    """Compile a PCRE pattern; raises PatternError with a position in ``pattern``."""
    out, aliases = _translate(pattern)
    text = "".join(out.parts)
    try:
        return re.compile(text, flags), aliases
    except re.error as exc:
        pos = exc.pos if exc.pos is not None else len(text)
        where = out.origin[pos] if pos < len(out.origin) else len(pattern)
        raise PatternError(_wording(exc.msg), where) from None


def _wording(msg: str) -> str:
    if msg.startswith("missing ), unterminated subpattern"):
        return "unbalanced parenthesis (a '(' is never closed)"
    if msg.startswith("unbalanced parenthesis"):
        return "unbalanced parenthesis (a ')' closes nothing)"
    return msg


def _escape(p: str, i: int, out: _Out, names: dict[str, list[str]]) -> int:
    if i + 1 >= len(p):
        raise PatternError("pattern ends with a lone backslash", i)
    e = p[i + 1]
    if e in _SIMPLE:
        out.add(_SIMPLE[e], i)
        return i + 2
    if e == "x" and p.startswith("{", i + 2):
        end = p.find("}", i + 3)
        if end < 0:
            raise PatternError("unterminated \\x{", i)
        out.add(_hex(p[i + 3:end], i), i)
        return end + 1
    if e == "Q":
        end = p.find("\\E", i + 2)
        end = len(p) if end < 0 else end
        out.add(re.escape(p[i + 2:end]), i)
        return min(end + 2, len(p))
    if e == "E":
        return i + 2
    if e == "k" and i + 2 < len(p) and p[i + 2] in "<{'":
        close = {"<": ">", "{": "}", "'": "'"}[p[i + 2]]
        end = p.find(close, i + 3)
        if end < 0:
            raise PatternError("unterminated \\k back reference", i)
        out.add(f"(?P={p[i + 3:end]})", i)
        return end + 1
    if e == "g":
        m = re.compile(r"\\g\{?(-?\d+)\}?").match(p, i)
        if m and not m.group(1).startswith("-"):
            out.add("\\" + m.group(1), i)
            return m.end()
        raise PatternError("unsupported \\g reference", i)
    if e in "KGXC":
        raise PatternError(f"\\{e} is not supported", i)
    out.add(p[i:i + 2], i)
    return i + 2


def _hex(digits: str, pos: int) -> str:
    try:
        code = int(digits, 16)
    except ValueError:
        raise PatternError(f"bad hex escape \\x{{{digits}}}", pos) from None
    return f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}"


def _char_class(p: str, i: int, out: _Out) -> int:
    """Copy ``[...]`` from ``p[i]``, rewriting what Python reads differently inside a class."""
    out.add("[", i)
    j = i + 1
    if j < len(p) and p[j] == "^":
        out.add("^", j)
        j += 1
    if j < len(p) and p[j] == "]":
        out.add(r"\]", j)
        j += 1
    prev = ""
    while j < len(p):
        c = p[j]
        if c == "]":
            out.add("]", j)
            return j + 1
        if c == "\\" and j + 1 < len(p):
            e = p[j + 1]
            if e in _IN_CLASS:
                out.add(_IN_CLASS[e], j)
            elif e == "x" and p.startswith("{", j + 2):
                end = p.find("}", j + 3)
                if end < 0:
                    raise PatternError("unterminated \\x{", j)
                out.add(_hex(p[j + 3:end], j), j)
                prev = ""
                j = end + 1
                continue
            else:
                out.add(p[j:j + 2], j)
            prev = ""
            j += 2
            continue
        if c == "[":
            m = re.compile(r"\[:(\^?)(\w+):\]").match(p, j)
            if m:
                if m.group(2) not in _POSIX:
                    raise PatternError(f"unknown POSIX class [:{m.group(2)}:]", j)
                if m.group(1):
                    raise PatternError("negated POSIX classes [:^...:] are not supported", j)
                out.add(_POSIX[m.group(2)], j)
                j = m.end()
                prev = ""
                continue
            out.add(r"\[", j)
        elif c in "&~|-" and prev == c:
            out.add("\\" + c, j)  # Python warns on a doubled one (reserved for set operations)
            c = ""
        else:
            out.add(c, j)
        prev = c
        j += 1
    raise PatternError("unterminated character class (a '[' is never closed)", i)
