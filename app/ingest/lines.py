"""Bytes to text lines: encoding detection, every newline style, bounded memory.

A line is what ends in ``\\n``, ``\\r\\n`` or ``\\r`` (or the end of the file).
Lines that are not valid UTF-8 are read as cp1252 with undecodable bytes
replaced and flagged (``FLAG_REPLACED``), so nothing is dropped.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from app.domain.vocab import FLAG_CUT, FLAG_REPLACED

_LINE_END = re.compile(rb"\r\n|\r|\n")
CHUNK = 1 << 20
MAX_LINE = 4 << 20  # a "line" longer than this is cut, so memory stays bounded
SAMPLE = 64 << 10


class BinaryFileError(Exception):
    """The file is not text (or not a log we can read)."""


@dataclass(frozen=True)
class Encoding:
    name: str  # "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be"
    bom: int  # bytes to skip


def detect_encoding(sample: bytes) -> Encoding:
    """Choose how to decode from the first bytes; refuse binary data."""
    if sample.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8-sig", 3)
    if sample.startswith(codecs.BOM_UTF16_LE):
        return Encoding("utf-16-le", 2)
    if sample.startswith(codecs.BOM_UTF16_BE):
        return Encoding("utf-16-be", 2)
    if b"\x00" in sample:
        even = sample[0::2].count(0)
        odd = sample[1::2].count(0)
        half = max(len(sample) // 2, 1)
        if odd > 0.3 * half and even < 0.05 * half:
            return Encoding("utf-16-le", 0)
        if even > 0.3 * half and odd < 0.05 * half:
            return Encoding("utf-16-be", 0)
        raise BinaryFileError("binary data (NUL bytes), not a text log")
    if sample:
        control = sum(sample.count(c) for c in range(1, 32) if c not in (9, 10, 12, 13, 27))
        if control > 0.1 * len(sample):
            raise BinaryFileError("binary data (control bytes), not a text log")
    return Encoding("utf-8", 0)


def iter_lines(stream: BinaryIO, enc: Encoding) -> Iterator[tuple[str, int]]:
    """Yield ``(text, flags)`` for every line of ``stream`` without its line end."""
    if enc.name.startswith("utf-16"):
        yield from _utf16_lines(stream, enc)
    else:
        yield from _byte_lines(stream, enc.bom)


def _utf16_lines(stream: BinaryIO, enc: Encoding) -> Iterator[tuple[str, int]]:
    if enc.bom:
        stream.read(enc.bom)
    text = io.TextIOWrapper(stream, encoding=enc.name, errors="replace", newline=None)  # type: ignore[arg-type]
    for line in text:
        if line.endswith("\n"):
            line = line[:-1]
        yield line, (FLAG_REPLACED if "\ufffd" in line else 0)
    text.detach()


def decode(raw: bytes, errors: str = "replace") -> tuple[str, int]:
    """UTF-8, else Windows-1252 (what files from Windows desktops hold), flagged ``FLAG_REPLACED``.

    The one text decoder of the importers: log lines take ``replace`` (an undefined
    byte becomes U+FFFD, flagged); incident sheets take ``strict`` and refuse the file.
    """
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors), FLAG_REPLACED


def _split(data: bytes) -> Iterator[tuple[str, int]]:
    """Split a chunk of complete lines (it ends just before a line end or at EOF)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        for raw in data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"):
            yield decode(raw)
        return
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for line in text.split("\n"):
        if len(line) > MAX_LINE:
            yield line[:MAX_LINE], FLAG_CUT
        else:
            yield line, 0


def _byte_lines(stream: BinaryIO, bom: int) -> Iterator[tuple[str, int]]:
    """Lines of a byte stream; a line longer than ``MAX_LINE`` stays one line, cut and flagged.

    Its bytes past the cut are read and dropped up to the line's end, so memory
    stays bounded and every later line keeps its true number.
    """
    carry = b""
    first = True
    skipping = False  # inside an over-long line whose head was already given
    while True:
        chunk = stream.read(CHUNK)
        if first:
            first = False
            if bom:
                chunk = chunk[bom:]
        if not chunk:
            break
        data = carry + chunk
        if skipping:
            end = _LINE_END.search(data)
            if end is None or (end.group() == b"\r" and end.end() == len(data)):  # \r may be half of \r\n
                carry = data[-1:] if data.endswith(b"\r") else b""
                continue
            data = data[end.end():]
            skipping = False
        cut = data.rfind(b"\n")
        if cut < 0:
            cut = data.rfind(b"\r", 0, len(data) - 1)  # a final \r may be half of \r\n
        if cut < 0:
            if len(data) > MAX_LINE:
                text, flags = decode(data[:MAX_LINE])
                yield text, flags | FLAG_CUT
                skipping = True
                data = b""
            carry = data
            continue
        if data[cut] == 13 and cut + 1 < len(data) and data[cut + 1] == 10:
            cut += 1
        carry = data[cut + 1:]
        body = data[:cut]
        if body.endswith(b"\r") and data[cut] == 10:
            body = body[:-1]
        yield from _split(body)
    if carry:
        if carry.endswith(b"\r\n"):
            carry = carry[:-2]
            yield from _split(carry)
        elif carry.endswith((b"\r", b"\n")):
            yield from _split(carry[:-1])
        else:
            yield from _split(carry)
