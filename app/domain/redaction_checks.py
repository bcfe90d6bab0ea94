"""Check digits and published formats that tell a real identifier from a number that looks like one.

A rule's pattern finds candidates; these decide. python-stdnum has the cards' Luhn, IBAN, US SSN,
India's Aadhaar (Verhoeff) and PAN; it has no UK National Insurance number nor Philippine TIN
(checked 2.2), so those two are written here from their published rules: HMRC's NINO prefixes
and suffixes, and the BIR's TIN layout (9 digits and a 3- or 5-digit branch code; the BIR publishes
no check digit, so the layout is the whole check).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from stdnum import iban, luhn
from stdnum.in_ import aadhaar, pan
from stdnum.us import ssn

from app.domain.redaction import compact


def card(value: str) -> bool:
    digits = compact(value)
    return 13 <= len(digits) <= 19 and digits.isdigit() and luhn.is_valid(digits)


def iban_ok(value: str) -> bool:
    return bool(iban.is_valid(compact(value)))


def us_ssn(value: str) -> bool:
    return bool(ssn.is_valid(value))


def india_aadhaar(value: str) -> bool:
    return bool(aadhaar.is_valid(compact(value)))


def india_pan(value: str) -> bool:
    return bool(pan.is_valid(value))


# HMRC's National Insurance number manual (NIM39110): first letter not D F I Q U V, second not D F I O Q U V,
# and these prefixes are never issued; the suffix is A-D.
_NINO_NEVER = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NINO = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]")


def uk_nino(value: str) -> bool:
    v = compact(value).upper()
    return bool(_NINO.fullmatch(v)) and v[:2] not in _NINO_NEVER


_TIN = re.compile(r"\d{9}(?:\d{3}|\d{5})?")


def ph_tin(value: str) -> bool:
    v = compact(value)
    return bool(_TIN.fullmatch(v)) and v[:9] != "000000000"


def ipv4(value: str) -> bool:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def ipv6(value: str) -> bool:
    if value.count(":") < 2:
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": card, "iban": iban_ok, "us_ssn": us_ssn, "aadhaar": india_aadhaar, "pan": india_pan,
    "uk_nino": uk_nino, "ph_tin": ph_tin, "ipv4": ipv4, "ipv6": ipv6,
}
