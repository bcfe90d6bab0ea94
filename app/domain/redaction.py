"""PII redaction rules as data, and the engine that applies them to text before it is stored.

A rule is a name, a kind (what the per-import counts are keyed by), a pattern, an optional
validator (check digits: ``app.domain.redaction_checks``) and the marker that replaces what it
finds. Most log lines hold no candidate at all, so a ``RuleSet`` first tests the text for each rule's
cheap ``hint`` (a few shapes shared by the built-ins) and returns it untouched when none is there; only
then are the exact patterns and validators run, in the order of the rules (e-mails before phone numbers,
so the digits of an address are not taken for a number).

With a secret, a marker carries the first 8 hex digits of HMAC-SHA256(secret, normalised value)
(``[card:3f9a1c2b]``), so that "the same card again" can be counted without keeping the card.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

_SEPARATORS = re.compile(r"[\s\-().]")


def compact(value: str) -> str:
    """The value without spaces, dashes, dots and brackets, as checks and the keyed hash see it."""
    return _SEPARATORS.sub("", value)


PHONE = "phone"  # the validator that hands the text to phonenumbers' matcher instead of a pattern
INTERNATIONAL = "ZZ"  # phonenumbers' unknown region: only numbers written with +country code are found


@dataclass(frozen=True)
class Rule:
    """One redaction rule; ``hint`` is a cheap pattern every match of ``pattern`` contains (default: pattern)."""

    name: str
    kind: str
    pattern: str
    replacement: str
    validator: str | None = None  # a key of VALIDATORS, or PHONE
    hint: str | None = None
    region: str | None = None  # phone rules: the region of numbers written without +country code
    enabled: bool = True
    builtin: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "pattern": self.pattern, "replacement": self.replacement,
                "validator": self.validator, "region": self.region, "enabled": self.enabled,
                "builtin": self.builtin}


# Hints are kept to a few shapes that are quick to search for (a character class first); the set
# searches for each shape once. DIGITS: three digits, then eight more digits, spaces or dashes (every number
# these rules take starts so; an SSN is the shortest), not a time stamp's date and hour ("2026-12-02 16:");
# CAPS: two capitals then two digits (an IBAN's country and check, a PAN's 4th and 5th letters, a NINO's
# prefix), so not the T of "2026-12-02T16".
DIGITS = r"(?<![0-9])(?![0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}[:.])[0-9]{3}[0-9 \-]{8}"
CAPS = r"[A-Z]{2} ?[0-9]{2}"
# Looks around cost the regex engine its quick scan for a first character, so each of these shapes is
# searched for in a looser form first (0.8 µs on a 100-character syslog line instead of 2.4 µs).
_LOOSER = {DIGITS: r"[0-9][0-9][0-9][0-9 \-]{8}", CAPS: r"[A-Z] ?[0-9]{2}"}
_B = r"(?<![A-Za-z0-9])"  # not inside a word or a longer code
_E = r"(?![A-Za-z0-9])"
BUILTIN_RULES: tuple[Rule, ...] = (
    # The local part starts where a run of its characters starts: without that look-behind a long run with no
    # "@" (a base64 blob) is rescanned from each of its characters, quadratic in its length (6.8 s at 100 KB).
    Rule("email", "email",
         r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
         "[email]", hint="@"),
    Rule("iban", "iban", _B + r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?" + _E, "[iban]", "iban",
         hint=CAPS),
    Rule("payment-card", "card",
         r"(?<!\d)(?:[2-6]\d{3}([ \-]?)\d{4}\1\d{4}\1\d{1,7}|3[47]\d{2}[ \-]?\d{6}[ \-]?\d{5})(?!\d)", "[card]",
         "luhn", hint=DIGITS),
    Rule("us-ssn", "ssn", r"(?<![\d\-])\d{3}-\d{2}-\d{4}(?![\d\-])", "[ssn]", "us_ssn", hint=DIGITS),
    Rule("ph-tin", "tin", r"(?<![\d\-])\d{3}-\d{3}-\d{3}(?:-\d{5}|-\d{3})?(?![\d\-])", "[tin]", "ph_tin",
         hint=DIGITS),
    Rule("in-aadhaar", "aadhaar", r"(?<![\d\-])[2-9]\d{3}( ?)\d{4}\1\d{4}(?![\d\-])", "[aadhaar]", "aadhaar",
         hint=DIGITS),
    Rule("in-pan", "pan", _B + r"[A-Z]{5}\d{4}[A-Z]" + _E, "[pan]", "pan", hint=CAPS),
    Rule("uk-nino", "nino", _B + r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]" + _E, "[nino]", "uk_nino",
         hint=CAPS),
    Rule("phone", "phone", "", "[phone]", PHONE),
    Rule("ipv6", "ipv6", r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])", "[ipv6]", "ipv6",
         hint=r":[0-9A-Fa-f]*:", enabled=False),
    Rule("ipv4", "ipv4", r"(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w.])", "[ipv4]", "ipv4",
         hint=r"[0-9]\.[0-9]", enabled=False),
)
BUILTIN_RULES = tuple(replace(r, builtin=True) for r in BUILTIN_RULES)
BUILTIN: dict[str, Rule] = {r.name: r for r in BUILTIN_RULES}
_PHONE_HINT_INTL = r"\+[0-9][0-9 ().\-]{6}"  # not "+05:30" nor "+0000 host": the offsets of time stamps
_PHONE_HINT_NATIONAL = r"[0-9][0-9 ().\-]{6}"


def user_rule(name: str, pattern: str, replacement: str, kind: str | None = None, enabled: bool = True) -> Rule:
    """A rule the user wrote; a pattern that does not compile is refused with the reason."""
    if not name.strip():
        raise ValueError("a redaction rule needs a name")
    if not pattern:
        raise ValueError(f"redaction rule {name!r}: the pattern is empty")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"redaction rule {name!r}: the pattern does not compile: {exc}") from None
    if compiled.search(""):
        raise ValueError(f"redaction rule {name!r}: the pattern matches empty text")
    if not replacement:
        raise ValueError(f"redaction rule {name!r}: the replacement is empty")
    return Rule(name, kind or name, pattern, replacement, enabled=enabled)


def marker(rule: Rule, value: str, secret: bytes | None) -> str:
    """What replaces ``value``: the rule's marker, with the keyed hash's 8 hex digits when there is a secret."""
    if secret is None:
        return rule.replacement
    norm = value.lower() if rule.kind == "email" else compact(value).upper()
    digest = hmac.new(secret, norm.encode("utf-8"), hashlib.sha256).hexdigest()[:8]
    base = rule.replacement
    return f"{base[:-1]}:{digest}]" if base.endswith("]") else f"{base}:{digest}"


@dataclass
class RuleSet:
    """The enabled rules compiled once; ``redact`` is what the importer calls for every text."""

    rules: tuple[Rule, ...]
    secret: bytes | None = None
    _gates: tuple[Callable[[str], object], ...] = field(init=False, repr=False, default=())
    _steps: list[Callable[[str, Counter[str]], str]] = field(init=False, repr=False, default_factory=list)

    def __post_init__(self) -> None:
        hints: list[str] = []
        for rule in self.rules:
            if not rule.enabled or not (rule.pattern or rule.validator == PHONE):
                continue
            if rule.validator == PHONE:
                hint = _PHONE_HINT_INTL if (rule.region or INTERNATIONAL) == INTERNATIONAL else _PHONE_HINT_NATIONAL
                hints.append(hint)
                self._steps.append(_phone_step(rule, self.secret, _gate(hint)))
            else:
                hints.append(rule.hint or rule.pattern)
                self._steps.append(_pattern_step(rule, self.secret))
        self._gates = tuple(_gate(h) for h in dict.fromkeys(hints))

    @property
    def active(self) -> bool:
        return bool(self._gates)

    def candidate(self, text: str) -> bool:
        """Whether any rule could match: the cheap test every line pays (a few searches run in C)."""
        for gate in self._gates:  # noqa: SIM110 - a plain loop: any() over a generator costs more per line
            if gate(text):
                return True
        return False

    def redact(self, text: str, tally: Counter[str] | None = None) -> str:
        """``text`` with every validated match replaced; ``tally`` counts them by kind."""
        if not self.candidate(text):
            return text
        counts = tally if tally is not None else Counter()
        for step in self._steps:
            text = step(text, counts)
        return text


def _gate(hint: str) -> Callable[[str], object]:
    """A hint as a test: a plain character is looked for with ``in``; a pattern that needs one first skips
    the regex search on text without it (a ``+`` for phone numbers); DIGITS and CAPS try a looser form first."""
    if len(hint) == 1:
        return lambda text: hint in text
    search = re.compile(hint).search  # flags as the rule's own pattern has them: a user's \w stays Unicode
    if hint in _LOOSER:
        loose = re.compile(_LOOSER[hint]).search
        return lambda text: loose(text) and search(text)
    if hint.startswith("\\+"):
        return lambda text: "+" in text and search(text)
    return search


def _pattern_step(rule: Rule, secret: bytes | None) -> Callable[[str, Counter[str]], str]:
    from app.domain.redaction_checks import VALIDATORS  # python-stdnum: loaded when a rule set is built

    rx = re.compile(rule.pattern)
    check = VALIDATORS.get(rule.validator) if rule.validator else None
    kind = rule.kind
    trims = rule.validator == "iban"  # an IBAN's pattern may take the next word as a group: try it without

    def step(text: str, tally: Counter[str]) -> str:
        def sub(m: re.Match[str]) -> str:
            value = m.group(0)
            if check is None or check(value):
                tally[kind] += 1
                return marker(rule, value, secret)
            if trims:
                head = value
                while " " in head:
                    head = head.rsplit(" ", 1)[0]
                    if check(head):
                        tally[kind] += 1
                        return marker(rule, head, secret) + value[len(head):]
            return value

        return rx.sub(sub, text)

    return step


def _phone_step(rule: Rule, secret: bytes | None,
                gate: Callable[[str], object]) -> Callable[[str, Counter[str]], str]:
    """phonenumbers' matcher (tens of microseconds a line), run only on text its own hint finds."""
    import phonenumbers  # its metadata loads lazily, region by region

    region = rule.region or INTERNATIONAL
    leniency = phonenumbers.Leniency.VALID
    kind = rule.kind

    def step(text: str, tally: Counter[str]) -> str:
        if not gate(text):
            return text
        found = list(phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency))
        if not found:
            return text
        out, at = [], 0
        for m in found:
            out.append(text[at:m.start])
            out.append(marker(rule, phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164),
                              secret))
            at = m.end
            tally[kind] += 1
        out.append(text[at:])
        return "".join(out)

    return step


def rule_set(rules: Iterable[Rule], secret: bytes | None = None) -> RuleSet:
    return RuleSet(tuple(rules), secret)


def with_enabled(rule: Rule, enabled: bool) -> Rule:
    return replace(rule, enabled=enabled)


def _rebuild(rules: tuple[Rule, ...], secret: bytes | None) -> RuleSet:
    return RuleSet(rules, secret)


def _reduce(self: RuleSet) -> tuple[Any, ...]:
    """Pickled as its rules (the parsing process compiles them again): compiled steps are closures."""
    return (_rebuild, (self.rules, self.secret))


RuleSet.__reduce__ = _reduce  # type: ignore[method-assign,assignment]


@dataclass
class Redactor:
    """The rule sets of one import: the database's, and each client's that switches a rule another way."""

    default: RuleSet
    clients: dict[str, RuleSet] = field(default_factory=dict)

    def for_client(self, client: str | None) -> RuleSet:
        return self.default if client is None else self.clients.get(client, self.default)

    @property
    def active(self) -> bool:
        return self.default.active or any(s.active for s in self.clients.values())

    def redact(self, text: str, client: str | None = None, tally: Counter[str] | None = None) -> str:
        return self.for_client(client).redact(text, tally)


def describe(rules: Iterable[Rule]) -> str:
    """One line naming the rules on, for a report's cover and the CLI."""
    on = [r.name for r in rules if r.enabled]
    return ", ".join(on) if on else "none (redaction is off)"


# An incident's free-text fields: what someone types or a sheet carries about a caller.
INCIDENT_TEXT_FIELDS: tuple[str, ...] = ("title", "description", "root_cause", "resolution_notes", "reported_by",
                                         "tags", "hold_reason")


def redact_values(values: dict[str, Any], rules: RuleSet, fields: Iterable[str] | None = None,
                  tally: Counter[str] | None = None) -> dict[str, Any]:
    """A copy of ``values`` with its texts redacted: those of ``fields``, or every text when None."""
    if not rules.active:
        return dict(values)
    wanted = None if fields is None else set(fields)
    out = {}
    for k, v in values.items():
        if isinstance(v, str) and (wanted is None or k in wanted):
            v = rules.redact(v, tally)
        out[k] = v
    return out
