"""Masking variable parts of messages, on raw text and on the store's digit-masked text alike."""

from __future__ import annotations

import pytest

from app.domain.masking import literal_parts, mask


@pytest.mark.parametrize("raw,masked", [
    ("SIP trunk to 10.0.3.4 unreachable: 503 Service Unavailable",
     "SIP trunk to <ip> unreachable: <n> Service Unavailable"),
    ("DHCPACK on 10.2.3.4 to 00:1a:2b:33:4d:5e", "DHCPACK on <ip> to <mac>"),
    ("Blocked outbound connection to 10.9.1.2:44312", "Blocked outbound connection to <ip>"),
    ("faulting application softphone.exe, code 0xc0000005", "faulting application softphone.exe, code <hex>"),
    ("object 3f2a9b8c77d1 took 1,234.5 ms", "object <hex> took <n> ms"),
    ("request 123e4567-e89b-12d3-a456-426614174000 from a.b@example.org", "request <uuid> from <email>"),
    ("link fe80::1ff:fe23:4567:890a down", "link <ip> down"),
    ("Case 81723  saved by maria", "Case <n> saved by maria"),
])
def test_raw_messages(raw: str, masked: str) -> None:
    assert mask(raw) == masked


def test_digit_masked_form_gives_the_same_pattern() -> None:
    raw = "DHCPACK on 10.2.3.4 to 00:1a:2b:33:4d:5e after 0x1f3 tries"
    digits = "".join("#" if c.isdigit() else c for c in raw)
    assert mask(digits) == mask(raw) == "DHCPACK on <ip> to <mac> after <hex> tries"


@pytest.mark.parametrize("raw", [
    "Accepted password for user17 from 10.1.2.3 port 52210 ssh2",
    "Failed password for invalid user admin130 from 203.0.113.30 port 49871 ssh2",
    "ticket 4821 saved by agent107 in 24 ms", "build v1.2.34 deployed to INC0012345",
])
def test_letters_then_several_digits_mask_alike_raw_or_digit_masked(raw: str) -> None:
    """The dashboard masks digits to "#" in SQL first; "user##" must not become "user<n><n>"."""
    digits = "".join("#" if c.isdigit() else c for c in raw)
    assert mask(digits) == mask(raw)
    assert "<n><n>" not in mask(digits)


def test_variants_collapse_and_words_stay() -> None:
    a = mask("Call 81723 dropped: RTP timeout after 4 s")
    b = mask("Call 99120 dropped: RTP timeout after 12 s")
    assert a == b == "Call <n> dropped: RTP timeout after <n> s"
    assert mask("Agent maria registered") != mask("Agent jose registered")


def test_literal_parts() -> None:
    assert literal_parts("Call <n> dropped: RTP timeout after <n> s") == ["Call", "dropped: RTP timeout after"]
    assert literal_parts("<ip> <n>") == []


def test_times_and_scoped_names_are_not_addresses() -> None:
    assert mask("backup at 12:30:45 done") == "backup at <n>:<n>:<n> done"
    assert mask("std::vector overflow in Foo::bar") == "std::vector overflow in Foo::bar"
    assert mask("peer 2001:db8:0:0:1:0:0:1 reset") == "peer <ip> reset"
