"""Generated PII values of every built-in kind, valid by their standards, and look-alikes that must survive.

Each value is unique, so a test can say of every one whether it is still somewhere.
"""

from __future__ import annotations

import random
import uuid

import phonenumbers
from stdnum import luhn, verhoeff
from stdnum.in_ import pan as pan_std
from stdnum.us import ssn as ssn_std

NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NINO_NEVER = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
PHONE_SHAPES = [("+1", "US", "{a} {b} {c}", (3, 3, 4)), ("+44", "GB", "{a} {b} {c}", (2, 4, 4)),
                ("+63", "PH", "{a} {b} {c}", (3, 3, 4)), ("+91", "IN", "{a} {b}", (5, 5, 0))]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def card(rng: random.Random) -> str:
    body = rng.choice("45") + _digits(rng, 14)
    number = body + luhn.calc_check_digit(body)
    shape = rng.randrange(3)
    if shape == 0:
        return number
    sep = " " if shape == 1 else "-"
    return sep.join(number[i:i + 4] for i in range(0, 16, 4))


def iban(rng: random.Random) -> str:
    bban = "WEST" + _digits(rng, 14)
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "GB00")) % 97
    number = f"GB{check:02d}{bban}"
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4)) if rng.random() < 0.5 else number


def ssn(rng: random.Random) -> str:
    while True:
        v = f"{rng.randrange(1, 900):03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"
        if ssn_std.is_valid(v):
            return v


def nino(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
        if prefix not in NINO_NEVER:
            break
    d = _digits(rng, 6)
    suffix = rng.choice("ABCD")
    return f"{prefix} {d[:2]} {d[2:4]} {d[4:]} {suffix}" if rng.random() < 0.5 else f"{prefix}{d}{suffix}"


def aadhaar(rng: random.Random) -> str:
    while True:
        body = str(rng.randrange(2, 10)) + _digits(rng, 10)
        number = body + verhoeff.calc_check_digit(body)
        if number != number[::-1]:
            return f"{number[:4]} {number[4:8]} {number[8:]}" if rng.random() < 0.5 else number


def pan(rng: random.Random) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        v = ("".join(rng.choice(letters) for _ in range(3)) + rng.choice("ABCFGHLJPT") + rng.choice(letters)
             + _digits(rng, 4) + rng.choice(letters))
        if pan_std.is_valid(v):
            return v


def tin(rng: random.Random) -> str:
    return f"{rng.randrange(100, 1000)}-{_digits(rng, 3)}-{_digits(rng, 3)}-{rng.choice(['000', '001', '002'])}"


def email(rng: random.Random) -> str:
    return f"caller.{_digits(rng, 6)}{rng.choice('abcdefgh')}@example-{rng.randrange(1000)}.com"


def phone(rng: random.Random) -> str:
    while True:
        code, region, shape, (na, nb, nc) = rng.choice(PHONE_SHAPES)
        a, b, c = _digits(rng, na), _digits(rng, nb), _digits(rng, nc)
        text = f"{code} " + shape.format(a=a, b=b, c=c)
        try:
            parsed = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed) and phonenumbers.region_code_for_number(parsed) == region:
            return text


MAKERS = {"card": card, "email": email, "phone": phone, "iban": iban, "ssn": ssn, "nino": nino,
          "aadhaar": aadhaar, "pan": pan, "tin": tin}


def order_number(rng: random.Random) -> str:
    body = "4" + _digits(rng, 14)
    bad = (int(luhn.calc_check_digit(body)) + 1 + rng.randrange(9)) % 10
    return f"ORD-{body}{bad}"


def version(rng: random.Random) -> str:
    return f"v{rng.randrange(1, 20)}.{rng.randrange(100)}.{rng.randrange(1000)}-build{_digits(rng, 5)}"


def timestamp(rng: random.Random) -> str:
    return (f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:"
            f"{rng.randrange(60):02d}:{rng.randrange(60):02d}.{_digits(rng, 6)}Z")


def uuid_text(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def hex_id(rng: random.Random) -> str:
    while True:
        v = f"{rng.getrandbits(64):016x}"
        if not v.isdigit():
            return "0x" + v


LOOKALIKES = {"order": order_number, "version": version, "timestamp": timestamp, "uuid": uuid_text,
              "hex": hex_id}


def unique(maker: object, rng: random.Random, n: int) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < n:
        seen[maker(rng)] = None  # type: ignore[operator]
    return list(seen)


def samples(n: int, seed: int = 19) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(kind → n PII values, look-alike shape → n values)."""
    rng = random.Random(seed)
    return ({k: unique(m, rng, n) for k, m in MAKERS.items()}, {k: unique(m, rng, n) for k, m in LOOKALIKES.items()})
