"""Each built-in redaction rule on samples from its standard, the look-alikes it must leave, and the engine's
options (keyed hash, user rules, a phone region, the parsing process's copy)."""

from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import replace

import pytest

from app.domain.redaction import BUILTIN, BUILTIN_RULES, RuleSet, rule_set, user_rule

ON = rule_set(BUILTIN_RULES)

VALID = {
    "card": ["4111111111111111", "4111 1111 1111 1111", "5500-0000-0000-0004", "3782 822463 10005"],
    "email": ["jane.doe@example.com", "a+tag@sub.example.co.uk"],
    "phone": ["+1 202-555-0143", "+44 20 7946 0958", "+63 917 123 4567", "+91 98765 43210"],
    "iban": ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"],
    "ssn": ["123-45-6789"],
    "nino": ["AB123456C", "AB 12 34 56 C"],
    "aadhaar": ["2345 6789 0124", "234567890124"],
    "pan": ["ABCPE1234F"],
    "tin": ["123-456-789-000", "123-456-789"],
}
INVALID = {
    "card": ["4111111111111112", "1234567812345678", "4111 1111 1111 1112"],  # Luhn fails; no network starts with 1
    "email": ["root@localhost", "user@ host.com"],
    "phone": ["+1 123 456 7890", "(202) 555-0143"],  # no area code starts with 1; national form: not by default
    "iban": ["GB82 WEST 1234 5698 7654 33", "GB00WEST12345698765432"],
    "ssn": ["000-12-3456", "666-12-3456", "900-12-3456", "078-05-1120"],  # never issued; the Woolworth card
    "nino": ["QQ123456C", "GB123456A", "AB123456E", "DA123456A"],
    "aadhaar": ["2345 6789 0125", "1234 5678 9012"],
    "pan": ["ABCXE1234F"],
    "tin": ["000-000-000-000"],
}
LOOKALIKES = ["ORD-4000123412341235", "v2.14.7-build01234", "2026-11-02T14:05:09.123456Z", "1.2.3.4",
              "550e8400-e29b-41d4-a716-446655440000", "0xdeadbeefcafe1234", "1764691200123", "pid 4242 port 51234",
              "Dec  2 16:17:00", "10.1.2.3", "fe80::1"]


@pytest.mark.parametrize(("kind", "value"), [(k, v) for k, vs in VALID.items() for v in vs])
def test_a_valid_value_is_replaced_and_counted(kind: str, value: str) -> None:
    tally: Counter[str] = Counter()
    assert ON.redact(f"customer {value} called", tally) == f"customer [{kind}] called"
    assert tally == {kind: 1}


@pytest.mark.parametrize(("kind", "value"), [(k, v) for k, vs in INVALID.items() for v in vs])
def test_a_value_failing_its_check_is_left(kind: str, value: str) -> None:
    text = f"customer {value} called"
    assert ON.redact(text) == text, kind


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalikes_survive(text: str) -> None:
    assert ON.redact(f"ref {text} ok") == f"ref {text} ok"


def test_ip_rules_are_off_by_default_and_check_the_address() -> None:
    assert not BUILTIN["ipv4"].enabled and not BUILTIN["ipv6"].enabled
    ips = rule_set([replace(BUILTIN["ipv4"], enabled=True), replace(BUILTIN["ipv6"], enabled=True)])
    assert ips.redact("from 10.1.2.3 and 2001:db8::1 at 16:17:00") == "from [ipv4] and [ipv6] at 16:17:00"
    assert ips.redact("version 1.2.3.4.5 and 999.1.1.1") == "version 1.2.3.4.5 and 999.1.1.1"


def test_an_iban_followed_by_a_capital_word_is_still_found() -> None:
    assert ON.redact("GB82 WEST 1234 5698 7654 32 DONE") == "[iban] DONE"


def test_a_phone_rule_with_a_region_finds_national_numbers() -> None:
    us = rule_set([replace(BUILTIN["phone"], region="US")])
    assert us.redact("call (202) 555-0143 now") == "call [phone] now"
    assert us.redact("took 2026-11-02 14:05:09 build 1234") == "took 2026-11-02 14:05:09 build 1234"


def test_the_keyed_hash_counts_the_same_value_however_written() -> None:
    keyed = rule_set(BUILTIN_RULES, b"k" * 32)
    out = keyed.redact("4111 1111 1111 1111 then 4111-1111-1111-1111 then 5500000000000004")
    first, second, third = out.split(" then ")
    assert first == second and first.startswith("[card:") and len(first) == len("[card:12345678]")
    assert third != first
    assert rule_set(BUILTIN_RULES, b"x" * 32).redact("4111111111111111") != first  # another database's secret
    assert keyed.redact("Jane@Example.com") == keyed.redact("jane@example.com")


def test_user_rules_are_checked_and_applied_after_the_built_ins() -> None:
    rules = rule_set([*BUILTIN_RULES, user_rule("account", r"ACCT-\d{6}", "[account]")])
    tally: Counter[str] = Counter()
    assert rules.redact("ACCT-123456 paid by jane@example.com", tally) == "[account] paid by [email]"
    assert tally == {"account": 1, "email": 1}
    for bad, why in (("(", "does not compile"), ("x*", "matches empty text"), ("", "is empty")):
        with pytest.raises(ValueError, match=why):
            user_rule("bad", bad, "[x]")


def test_a_rule_set_travels_to_the_parsing_process() -> None:
    keyed = rule_set(BUILTIN_RULES, b"k" * 32)
    copy = pickle.loads(pickle.dumps(keyed))
    assert isinstance(copy, RuleSet) and copy.redact("4111111111111111") == keyed.redact("4111111111111111")


def test_with_every_rule_off_nothing_is_searched() -> None:
    off = rule_set([replace(r, enabled=False) for r in BUILTIN_RULES])
    assert not off.active and off.redact("4111111111111111") == "4111111111111111"
