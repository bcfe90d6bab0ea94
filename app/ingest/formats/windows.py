"""Windows event logs: ``.evtx`` files and Event Viewer XML exports.

Level 1..5 and the audit keywords map to the severity scale; the channel gives
the log type. For these formats "line" means the record's ordinal in the file.
The message is the event's name when its ID is a common one ("An account failed
to log on (4625)"), then its data as ``Name: value`` lines; binary data stays out
of the message, in the raw XML kept with the event (``binary_data`` reads it).
``.evtx`` files are read with evtx (Rust, about a thousand times faster) and,
when a file is damaged, with python-evtx, which still reads the records of a
chunk whose header is broken where evtx drops the whole chunk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.ingest import levels
from app.ingest.formats.base import ParseContext, Record, RecordParser, Reject, Row, to_int
from app.ingest.formats.windows_names import event_name

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
AUDIT_SUCCESS = 0x0020000000000000
AUDIT_FAILURE = 0x0010000000000000
CHANNEL_TYPES = {"security": "security", "system": "system", "application": "application"}
WINDOWS_FORMATS = ("evtx", "eventxml")  # the readers' names, as imports record them


def channel_type(channel: str | None) -> str:
    c = (channel or "").lower()
    if c in CHANNEL_TYPES:
        return CHANNEL_TYPES[c]
    if any(w in c for w in ("network", "dhcp", "dns", "wlan", "wired", "tcpip", "firewall")):
        return "network"
    if "security" in c or "audit" in c:
        return "security"
    return "event"


def _find(system: ET.Element, tag: str) -> ET.Element | None:
    el = system.find(NS + tag)
    return el if el is not None else system.find(tag)


def event_row(event: ET.Element) -> Row:
    """One ``<Event>`` element -> a parsed row."""
    ns = NS if event.tag.startswith(NS) else ""
    system = event.find(ns + "System")
    if system is None:
        raise Reject("event without a System element")
    created = _find(system, "TimeCreated")
    stamp = created.get("SystemTime") if created is not None else None
    if not stamp:
        raise Reject("event without TimeCreated")
    ts = _utc(stamp)
    provider = _find(system, "Provider")
    source = provider.get("Name") if provider is not None else None
    level_el = _find(system, "Level")
    level = to_int(level_el.text) if level_el is not None else None
    kw_el = _find(system, "Keywords")
    keywords = int(kw_el.text, 16) if kw_el is not None and kw_el.text and kw_el.text.startswith("0x") else 0
    sev = levels.WINDOWS_LEVEL.get(level if level is not None else 4, levels.INFO)
    raw_level = None if level is None else str(level)
    if keywords & AUDIT_FAILURE:
        sev, raw_level = levels.WARNING, "Audit Failure"
    elif keywords & AUDIT_SUCCESS:
        sev, raw_level = levels.INFO, "Audit Success"
    event_id_el = _find(system, "EventID")
    event_id = event_id_el.text.strip() if event_id_el is not None and event_id_el.text else None
    computer_el = _find(system, "Computer")
    channel_el = _find(system, "Channel")
    execution = _find(system, "Execution")
    pid = to_int(execution.get("ProcessID")) if execution is not None else None
    channel = channel_el.text if channel_el is not None else None
    message = _message(event, ns, source, event_id) or f"Event {event_id} from {source}"
    return (ts, sev, raw_level, computer_el.text if computer_el is not None else None, source, pid, event_id,
            message, channel_type(channel))


def event_data(event: ET.Element, ns: str = NS) -> list[tuple[str, str]]:
    """The EventData and UserData values as (name, value), binary data left out."""
    parts: list[tuple[str, str]] = []
    for section in ("EventData", "UserData"):
        el = event.find(ns + section)
        if el is None:
            continue
        for item in el.iter():
            tag = item.tag.split("}")[-1]
            if item is el or tag == "Binary" or not (item.text and item.text.strip()):
                continue
            parts.append((item.get("Name") or tag, " ".join(item.text.split())))
    return parts


def _message(event: ET.Element, ns: str, provider: str | None, event_id: str | None) -> str:
    rendered = event.find(f"{ns}RenderingInfo/{ns}Message")
    if rendered is not None and rendered.text:
        return rendered.text.strip()
    data = event_data(event, ns)
    name = event_name(provider, event_id, dict(data))
    return "\n".join(([name] if name else []) + [f"{k}: {v}" for k, v in data])


_BINARY = re.compile(r"<(?:\w+:)?Binary>\s*([0-9A-Fa-f\s]+?)\s*</(?:\w+:)?Binary>")


def binary_data(raw: str | None) -> bytes | None:
    """The bytes of an event's ``<Binary>`` data, from the raw XML kept with it (None when it has none)."""
    if not raw or "Binary>" not in raw:
        return None
    m = _BINARY.search(raw)
    if not m:
        return None
    digits = "".join(m.group(1).split())
    try:
        return bytes.fromhex(digits) if digits and len(digits) % 2 == 0 else None
    except ValueError:
        return None


def _utc(stamp: str) -> str:
    s = stamp.strip().replace(" ", "T").replace("Z", "+00:00")
    if "." in s:  # fromisoformat in 3.11 takes at most 6 fraction digits
        head, _, tail = s.partition(".")
        digits = "".join(ch for ch in tail if ch.isdigit())
        zone = tail[len(digits):]
        s = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    try:
        moment = dt.datetime.fromisoformat(s)
    except ValueError:
        raise Reject(f"cannot read SystemTime {stamp!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        u = moment.astimezone(dt.UTC)
    except OverflowError:
        raise Reject(f"SystemTime {stamp!r} is out of range") from None
    return u.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


class Evtx(RecordParser):
    name = "evtx"
    default_type = "event"
    binary = True
    notes: list[str]  # what the damaged-file reader warned of, for the import's message
    batch = 2000  # rows per progress report; python-evtx (a few hundred records/s) reports every 100

    def __init__(self, ctx: ParseContext) -> None:
        super().__init__(ctx)
        self.notes = []

    def records_from_file(self, path: Path, progress_size: int | None = None) -> Iterator[Record]:
        """The file's records in order, read by whichever reader loses nothing it can keep.

        A first pass with evtx (milliseconds per MB) counts the records and finds
        damage; a sound file is then read with evtx, a damaged one with python-evtx.
        Either way a record that cannot be read is a reject with its reason.
        ``position`` runs up to ``progress_size`` (default the file's size): a .gz
        read through a temporary copy reports against its own, compressed size.
        """
        size = path.stat().st_size
        scale = (progress_size if progress_size is not None else size) / max(size, 1)
        total = sound_record_count(path)
        if total is None:
            self.batch = 100
            return _accounted(self._recovering(path, scale), path)
        self.batch = Evtx.batch
        return _accounted(self._fast(path, total, size * scale), path)

    def _fast(self, path: Path, total: int, size: float) -> Iterator[Record]:
        from evtx import PyEvtxParser

        records = PyEvtxParser(str(path), number_of_threads=1).records()
        done = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except RuntimeError as exc:  # damage the first pass did not meet (the file changed)
                yield 1, "", 0, f"damaged record: {exc}"
                continue
            done += 1
            self.position = int(size * done / max(total, 1))
            xml = _without_declaration(record["data"])  # type: ignore[index]  # evtx's stub: next() -> Optional
            yield _record(xml)

    def _recovering(self, path: Path, scale: float) -> Iterator[Record]:
        """python-evtx's walk; a header or chunk table it cannot walk fails the file with its reason, no traceback."""
        from Evtx.BinaryParser import BinaryParserException
        from Evtx.Evtx import Evtx as EvtxFile

        try:
            with EvtxFile(str(path)) as log, _reader_warnings(self.notes):
                for record in log.records():
                    self.position = int(record.offset() * scale)
                    try:
                        xml = record.xml()
                    except Exception as exc:  # noqa: BLE001 - a damaged record is a reject, not a crash
                        yield 1, "", 0, f"damaged record: {exc}"
                        continue
                    yield _record(xml)
        except BinaryParserException as exc:
            raise ValueError(f"not a readable .evtx file: {exc}") from None


_FILE_MAGIC, _CHUNK_MAGIC = b"ElfFile\x00", b"ElfChnk\x00"
_HEADER, _CHUNK = 4096, 65536


@dataclass
class _Promise:
    """What the file's own headers say it holds: record-id ranges per chunk, and chunks lost whole."""

    ranges: list[tuple[int, int, int]]  # (first id, last id, chunk)
    lost: list[str]  # one reason per chunk the file no longer holds
    readable_header: bool


def promised_records(path: Path) -> _Promise:
    """Read the file header's chunk count and each chunk header's record-id range.

    A chunk whose header is damaged takes the ids between its neighbours'; a
    chunk the file is too short to hold is lost whole, its records uncountable.
    """
    with path.open("rb") as fh:
        head = fh.read(_HEADER)
        if len(head) < 44 or not head.startswith(_FILE_MAGIC):
            return _Promise([], [], False)
        chunks = struct.unpack_from("<H", head, 42)[0]
        size = path.stat().st_size
        found: list[tuple[int, int] | None] = []
        lost: list[str] = []
        for k in range(chunks):
            offset = _HEADER + _CHUNK * k
            fh.seek(offset)
            block = fh.read(40)
            if len(block) < 40:
                lost.append(f"chunk {k + 1} of {chunks} lost: the file ends at byte {size:,}, before its "
                            f"header at byte {offset:,}; its records cannot be counted")
                continue
            if not block.startswith(_CHUNK_MAGIC):
                found.append(None)
                continue
            first, last = struct.unpack_from("<QQ", block, 24)
            found.append((first, last) if first <= last else None)
    ranges = []
    for k, rng in enumerate(found):
        if rng is None:  # damaged header: the ids between its neighbours, when both are known
            before = found[k - 1] if k else None
            after = found[k + 1] if k + 1 < len(found) else None
            if before is not None and after is not None and after[0] - before[1] > 1:
                ranges.append((before[1] + 1, after[0] - 1, k + 1))
            continue
        ranges.append((rng[0], rng[1], k + 1))
    return _Promise(ranges, lost, True)


def _accounted(records: Iterator[Record], path: Path) -> Iterator[Record]:
    """Every record the headers promise is read or rejected; a file with none readable fails."""
    promise = promised_records(path)
    read = met = 0  # records read; records met at all (read, or rejected by the reader)
    for rec in records:
        met += 1
        if isinstance(rec[3], tuple):
            read += 1
        yield rec
    if read == 0:
        why = "the file header is missing or damaged" if not promise.readable_header else (
            promise.lost[0] if promise.lost and not promise.ranges else "every record is damaged")
        raise Reject(f"no event record could be read: {why}")
    promised = sum(last - first + 1 for first, last, _chunk in promise.ranges)
    # Record ids inside the XML need not match the chunk headers' numbering, so the count is what is checked.
    for k in range(promised - met):
        yield 1, "", 0, (f"record not readable ({k + 1} of {promised - met} the chunk headers promise beyond the "
                         f"{met:,} met): damaged or cut off")
    for reason in promise.lost:
        yield 1, "", 0, reason


@contextlib.contextmanager
def _reader_warnings(notes: list[str]) -> Iterator[None]:
    """python-evtx logs what it meets in a damaged file; keep it for the message instead of stderr."""
    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            text = record.getMessage()
            if text not in notes:
                notes.append(text)

    logger = logging.getLogger("Evtx")
    handler = Keep(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def sound_record_count(path: Path) -> int | None:
    """How many records evtx reads from ``path``, or None when any part of it is damaged."""
    from evtx import PyEvtxParser

    try:
        records = PyEvtxParser(str(path), number_of_threads=1).records()
    except (RuntimeError, OSError, ValueError):
        return None  # a damaged file header: python-evtx gives the clearer message
    count = 0
    while True:
        try:
            next(records)
        except StopIteration:
            return count
        except RuntimeError:
            return None
        count += 1


def _record(xml: str) -> Record:
    try:
        return 1, xml, 0, event_row(ET.fromstring(xml))
    except (Reject, ET.ParseError, ValueError) as exc:
        return 1, xml, 0, str(exc)


def _without_declaration(xml: str) -> str:
    """evtx starts each record with ``<?xml ...?>``; the stored raw text starts at ``<Event``."""
    if xml.startswith("<?xml"):
        return xml[xml.index("?>") + 2:].lstrip()
    return xml


class EventXml(RecordParser):
    """An Event Viewer "Save as XML" export: ``<Events><Event>…</Event>…</Events>``."""

    name = "eventxml"
    default_type = "event"
    binary = True

    def records_from_stream(self, stream: BinaryIO) -> Iterator[Record]:
        parser = ET.iterparse(stream, events=("end",))
        try:
            for _, el in parser:
                if el.tag.split("}")[-1] != "Event":
                    continue
                raw = ET.tostring(el, encoding="unicode")
                try:
                    yield 1, raw, 0, event_row(el)
                except (Reject, ValueError) as exc:
                    yield 1, raw, 0, str(exc)
                el.clear()
        except ET.ParseError as exc:
            yield 1, "", 0, f"XML error: {exc}"
