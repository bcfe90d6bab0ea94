"""How the compact event store (schema 16) holds an event, and the SQL that reads it back.

``event_data`` keeps time as epoch milliseconds (``t``), every text dimension
(log type, raw level, host, component, client, site) as an id into the one
dictionary ``event_names``, and ``raw`` only as what the message does not
already say: NULL when raw equals the message, otherwise the text before and
after the message (``raw_pre``/``raw_post``); a raw line that does not contain
its message is kept whole in ``raw_pre``. Two storage bits of ``flags`` tell
these apart and are never shown.

Two views read it back. ``events`` has exactly the columns of the old table, so
every export, report and other reader keeps working; ``event_rows`` adds the
stored columns, so filters (``app.store.filter_sql``) test integers and ids on
the indexes while the query still selects ``ts``, ``host``... as text.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from app.domain.event_row import EVENT_COLUMNS

RAW_WHOLE = 1 << 16  # raw does not contain the message: raw_pre holds all of it
RAW_NONE = 1 << 17  # raw is NULL
# raw_pre is the id of a prefix template in event_names, whose marks stand for the host, component,
# pid and (at its start) a BSD syslog stamp of the event's own time: a syslog prefix, mostly.
RAW_MASKED = 1 << 18
HOST_MARK, COMPONENT_MARK, PID_MARK, STAMP_MARK = "\x01", "\x02", "\x03", "\x04"
# After STAMP_MARK, one character names the stamp's UTC offset in quarter hours: chr(OFFSET_ZERO + quarters).
OFFSET_ZERO = 0x140
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SHOWN_FLAGS = 0xFFFF

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MS = dt.timedelta(milliseconds=1)


def iso_to_ms(text: str) -> int:
    """Stored ISO text -> epoch milliseconds (exact, any year the store accepts).

    The stored shape (``2026-11-30T05:18:28.000Z``) is read by slicing, its day looked up
    once (an import sees a few days, not a million): a third of the datetime route's cost.
    """
    if len(text) == 24 and text[10] == "T" and text[23] == "Z" and text[13] == text[16] == ":" \
            and text[19] == ".":
        clock = text[11:13] + text[14:16] + text[17:19] + text[20:23]
        if clock.isdigit() and clock.isascii() and clock[:2] < "24" and clock[2] < "6" and clock[4] < "6":
            return (_day_ms(text[:10]) + int(clock[:2]) * 3_600_000 + int(clock[2:4]) * 60_000
                    + int(clock[4:6]) * 1000 + int(clock[6:]))
    return _slow_iso_to_ms(text)


def _slow_iso_to_ms(text: str) -> int:
    from app.domain import timeutil

    return (timeutil.from_iso(text) - _EPOCH) // _MS


@functools.lru_cache(maxsize=1024)
def _day_ms(day: str) -> int:
    return _slow_iso_to_ms(f"{day}T00:00:00.000Z")


def ms_to_iso(ms: int) -> str:
    """Epoch milliseconds -> the stored ISO text (``2026-11-30T05:18:28.000Z``)."""
    from app.domain import timeutil

    return timeutil.to_iso(_EPOCH + dt.timedelta(milliseconds=ms))


def ts_sql(t: str) -> str:
    """SQL for the ISO text of epoch-ms column ``t`` (integer arithmetic: no float rounding, any sign)."""
    ms = f"((({t}) % 1000 + 1000) % 1000)"
    return f"(strftime('%Y-%m-%dT%H:%M:%S', (({t}) - {ms}) / 1000, 'unixepoch') || printf('.%03dZ', {ms}))"


def seconds_sql(t: str) -> str:
    """SQL for whole epoch seconds (floor) of epoch-ms column ``t``."""
    return f"((({t}) - ((({t}) % 1000 + 1000) % 1000)) / 1000)"


def name_sql(id_sql: str) -> str:
    return f"(SELECT name FROM event_names WHERE id = {id_sql})"


def stamp_sql(seconds: str) -> str:
    """SQL for the BSD syslog stamp (``Nov  3 14:05:09``) of epoch seconds ``seconds``."""
    day = f"CAST(strftime('%d', {seconds}, 'unixepoch') AS INTEGER)"
    month = f"CAST(strftime('%m', {seconds}, 'unixepoch') AS INTEGER)"
    return (f"(substr('{''.join(MONTHS)}', {month} * 3 - 2, 3) || printf(' %2d', {day})"
            f" || strftime(' %H:%M:%S', {seconds}, 'unixepoch'))")


def raw_sql(a: str) -> str:
    """SQL rebuilding ``raw`` from row alias prefix ``a`` (``"e."`` or ``""``)."""
    tpl = name_sql(a + "raw_pre")
    named = (f"replace(replace(replace({tpl}, char(3), {a}pid), char(2), {name_sql(a + 'component_id')}),"
             f" char(1), {name_sql(a + 'host_id')})")
    seconds = f"({seconds_sql(a + 't')} + (unicode(substr({tpl}, 2, 1)) - {OFFSET_ZERO}) * 900)"
    stamped = (f"(CASE WHEN substr({tpl}, 1, 1) = char(4) THEN {stamp_sql(seconds)} || substr({named}, 3)"
               f" ELSE {named} END)")
    pre = f"(CASE WHEN {a}flags & {RAW_MASKED} THEN {stamped} ELSE {a}raw_pre END)"
    return (f"(CASE WHEN {a}flags & {RAW_NONE} THEN NULL WHEN {a}flags & {RAW_WHOLE} THEN {a}raw_pre"
            f" WHEN {a}raw_pre IS NULL THEN {a}message || coalesce({a}raw_post, '')"
            f" ELSE {pre} || {a}message || coalesce({a}raw_post, '') END)")


def ids_in(column: str, n: int) -> str:
    """``column`` holds the id of one of ``n`` bound names."""
    return f"{column} IN (SELECT id FROM event_names WHERE name IN ({','.join('?' * n)}))"


# Text column of the old table -> the stored column holding its id.
DIMENSIONS = {"log_type": "type_id", "raw_level": "level_id", "host": "host_id", "component": "component_id",
              "client": "client_id", "site": "site_id"}


def column_sql(name: str, a: str) -> str:
    """SQL for old-table column ``name`` over a row of ``event_data`` aliased ``a`` (prefix, e.g. ``"t."``)."""
    if name == "ts":
        return ts_sql(a + "t")
    if name in DIMENSIONS:
        return name_sql(a + DIMENSIONS[name])
    if name == "raw":
        return raw_sql(a)
    if name == "flags":
        return f"({a}flags & {SHOWN_FLAGS})"
    return a + name


OLD_COLUMNS = ("id", *EVENT_COLUMNS, "pattern_id")
ROWS_VIEW = ("CREATE VIEW event_rows AS SELECT d.*, "
             + ", ".join(f"{column_sql(c, 'd.')} AS {c}" for c in ("ts", *DIMENSIONS, "raw"))
             + ", d.flags & 65535 AS shown_flags FROM event_data d")
EVENTS_VIEW = ("CREATE VIEW events AS SELECT "
               + ", ".join("shown_flags AS flags" if c == "flags" else c for c in OLD_COLUMNS) + " FROM event_rows")

_TS_IN = "(unixepoch(substr({v}, 1, 19)) * 1000 + CAST(substr({v}, 21, 3) AS INTEGER))"
_AT = "instr(NEW.raw, NEW.message)"
_ENCODED = {
    "t": _TS_IN.format(v="NEW.ts"),
    **{col: f"(SELECT id FROM event_names WHERE name = NEW.{name})" for name, col in DIMENSIONS.items()},
    "raw_pre": f"(CASE WHEN NEW.raw IS NULL THEN NULL WHEN {_AT} = 0 THEN NEW.raw"
               f" ELSE nullif(substr(NEW.raw, 1, {_AT} - 1), '') END)",
    "raw_post": f"(CASE WHEN NEW.raw IS NULL OR {_AT} = 0 THEN NULL"
                f" ELSE nullif(substr(NEW.raw, {_AT} + length(NEW.message)), '') END)",
    "flags": f"((coalesce(NEW.flags, 0) & {SHOWN_FLAGS}) | (CASE WHEN NEW.raw IS NULL THEN {RAW_NONE}"
             f" WHEN {_AT} = 0 THEN {RAW_WHOLE} ELSE 0 END))",
}
BASE_COLUMNS = ("t", "severity", "type_id", "level_id", "host_id", "component_id", "pid", "event_code", "message",
                "raw_pre", "raw_post", "client_id", "site_id", "import_id", "line_no", "flags", "pattern_id")
_NEW_NAMES = ("INSERT OR IGNORE INTO event_names(name) SELECT v FROM (" + " UNION ALL ".join(
    f"SELECT NEW.{n} AS v" for n in DIMENSIONS) + ") WHERE v IS NOT NULL;")
_VALUES = ", ".join(_ENCODED.get(c, f"NEW.{c}") for c in BASE_COLUMNS)

# Writes through the ``events`` view, for readers and tools written against the old table.
VIEW_TRIGGERS = (
    "CREATE TRIGGER events_insert INSTEAD OF INSERT ON events BEGIN " + _NEW_NAMES
    + f" INSERT INTO event_data(id, {', '.join(BASE_COLUMNS)}) VALUES (NEW.id, {_VALUES}); END",
    "CREATE TRIGGER events_update INSTEAD OF UPDATE ON events BEGIN " + _NEW_NAMES
    + f" UPDATE event_data SET id = NEW.id, ({', '.join(BASE_COLUMNS)}) = ({_VALUES}) WHERE id = OLD.id; END",
    "CREATE TRIGGER events_delete INSTEAD OF DELETE ON events BEGIN DELETE FROM event_data WHERE id = OLD.id; END",
)

# The events' full text reads its content from event_data itself. No per-row sizes (``columnsize=0``:
# 10 bytes per event): nothing ranks events by bm25, and phrase queries (must-contain terms, addresses)
# need the positions of ``detail=full``, so that stays.
FTS_TABLE = ("CREATE VIRTUAL TABLE events_fts USING fts5(message, content='event_data', content_rowid='id',"
             " tokenize='unicode61', columnsize=0)")
FTS_TRIGGERS = (
    "CREATE TRIGGER events_fts_ai AFTER INSERT ON event_data BEGIN"
    " INSERT INTO events_fts(rowid, message) VALUES (new.id, new.message); END",
    "CREATE TRIGGER events_fts_ad AFTER DELETE ON event_data BEGIN"
    " INSERT INTO events_fts(events_fts, rowid, message) VALUES ('delete', old.id, old.message); END",
    "CREATE TRIGGER events_fts_au AFTER UPDATE OF message ON event_data BEGIN"
    " INSERT INTO events_fts(events_fts, rowid, message) VALUES ('delete', old.id, old.message);"
    " INSERT INTO events_fts(rowid, message) VALUES (new.id, new.message); END",
)


def stamp(seconds: int) -> str:
    """The BSD syslog stamp of epoch ``seconds``, as ``stamp_sql`` writes it (the day's text looked up once)."""
    day, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return f"{_day_stamp(day)}{h:02d}:{m:02d}:{s:02d}"


@functools.lru_cache(maxsize=1024)
def _day_stamp(day: int) -> str:
    d = _EPOCH + dt.timedelta(days=day)
    return f"{MONTHS[d.month - 1]} {d.day:2d} "


_STAMP_LEN = 15


def stamp_offset(text: str, ms: int, guess: int | None = None) -> int | None:
    """Quarter hours to add to UTC time ``ms`` so that its BSD stamp is ``text``, or None.

    ``guess`` (the previous row's answer) is tried first: one formatting, no parsing.
    """
    seconds = (ms - ms % 1000) // 1000
    try:
        if guess is not None and stamp(seconds + guess * 900) == text:
            return guess
        month = MONTHS.index(text[:3]) + 1
        day, clock = int(text[4:6]), text[7:]
        h, m, s = int(clock[:2]), int(clock[3:5]), int(clock[6:8])
        utc = _EPOCH + dt.timedelta(seconds=seconds)
        for year in (utc.year, utc.year - 1, utc.year + 1):
            try:
                local = dt.datetime(year, month, day, h, m, s, tzinfo=dt.UTC)
            except ValueError:
                continue
            diff = int((local - utc).total_seconds())
            if diff % 900 == 0 and abs(diff) <= 14 * 3600 and stamp(seconds + diff) == text:
                return diff // 900
    except (ValueError, IndexError, OverflowError):
        return None
    return None


def encode_raw(raw: str | None, message: str, host: str | None = None, component: str | None = None,
               pid: int | None = None, ms: int | None = None,
               guess: int | None = None) -> tuple[str | None, str | None, int]:
    """(raw_pre, raw_post, storage flag bits) for one event; a RAW_MASKED raw_pre is a template to store by id.

    The text before the message names the host, component and pid by one-character
    marks when it holds them all, and a leading BSD stamp of the event's own time by
    STAMP_MARK and its offset (``ms``: the event's time); replacing the marks back in
    the reverse order rebuilds it exactly, as no mark was in it (checked here).
    """
    if raw is None:
        return None, None, RAW_NONE
    at = raw.find(message)
    if at < 0:
        return raw, None, RAW_WHOLE
    pre, post = raw[:at] or None, raw[at + len(message):] or None
    if pre and host and component and type(pid) is int and host in pre and component in pre and str(pid) in pre \
            and HOST_MARK not in pre and COMPONENT_MARK not in pre and PID_MARK not in pre:
        quarters = None
        if ms is not None and STAMP_MARK not in pre and len(pre) > _STAMP_LEN:
            quarters = stamp_offset(pre[:_STAMP_LEN], ms, guess)
        rest = pre[_STAMP_LEN:] if quarters is not None else pre
        masked = rest.replace(host, HOST_MARK)
        masked = masked.replace(component, COMPONENT_MARK).replace(str(pid), PID_MARK)
        if (masked.replace(PID_MARK, str(pid)).replace(COMPONENT_MARK, component).replace(HOST_MARK, host)
                == rest):
            if quarters is not None:
                masked = STAMP_MARK + chr(OFFSET_ZERO + quarters) + masked
            return masked, post, RAW_MASKED
    return pre, post, 0


class NameIds(dict[str | None, int | None]):
    """Dictionary ids for dimension text, looked up (and added) once per name while the object lives.

    A plain ``dict`` read (``ids[name]``) for every known name; only a new one runs SQL.
    Ids never change once committed (names are never deleted), so an import keeps one
    of these across its steps; the caller owns the transaction a new name is added in.
    """

    def __init__(self, db: Any) -> None:
        super().__init__()
        self.db = db
        self[None] = None

    def __missing__(self, name: str | None) -> int:
        self.db.execute("INSERT OR IGNORE INTO event_names(name) VALUES (?)", (name,))
        got = self[name] = int(self.db.scalar("SELECT id FROM event_names WHERE name = ?", (name,)))
        return got

    def __call__(self, name: str | None) -> int | None:
        return self[name]


_I = {c: i for i, c in enumerate(EVENT_COLUMNS)}


def pack_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Rows in ``EVENT_COLUMNS`` order -> ``event_data`` rows with their dimensions still as text (no pattern id).

    Pure: the parsing process runs it, so the writing one only swaps names for ids
    (``resolve_rows``). A RAW_MASKED row's ``raw_pre`` is its template's text; equal
    templates are one shared string (cheaper to send to another process).
    """
    ts, sev, typ, lvl, host, comp, pid, code, msg, raw, cli, site, imp, line, flags = (
        _I[c] for c in EVENT_COLUMNS)
    last_ts, last_t = "", 0
    guess: int | None = None
    shared: dict[str, str] = {}
    share = shared.setdefault
    out = []
    for r in rows:
        if r[ts] != last_ts:
            last_ts, last_t = r[ts], iso_to_ms(r[ts])
        pre, post, bits = encode_raw(r[raw], r[msg], r[host], r[comp], r[pid], last_t, guess)
        if bits & RAW_MASKED and pre is not None:
            if pre[:1] == STAMP_MARK:
                guess = ord(pre[1]) - OFFSET_ZERO
            pre = share(pre, pre)
        out.append((last_t, r[sev], r[typ], r[lvl], r[host], r[comp], r[pid], r[code], r[msg], pre, post, r[cli],
                    r[site], r[imp], r[line], (r[flags] & SHOWN_FLAGS) | bits))
    return out


def resolve_rows(packed: Iterable[Sequence[Any]], ids: NameIds,
                 patterns: Iterable[int | None] | None = None) -> Iterable[tuple[Any, ...]]:
    """``pack_rows`` rows (and their pattern ids) -> ``BASE_COLUMNS`` tuples: each name becomes its id."""
    pats = itertools.repeat(None) if patterns is None else patterns
    for (t, sev, typ, lvl, host, comp, pid, code, msg, pre, post, cli, site, imp, line, flags), p in zip(
            packed, pats):
        yield (t, sev, ids[typ], ids[lvl], ids[host], ids[comp], pid, code, msg,
               ids[pre] if flags & RAW_MASKED else pre, post, ids[cli], ids[site], imp, line, flags, p)


def encode_rows(db: Any, rows: Iterable[Sequence[Any]], with_pattern: bool) -> Iterable[tuple[Any, ...]]:
    """Rows in ``EVENT_COLUMNS`` order (then pattern_id) -> ``BASE_COLUMNS`` tuples for ``event_data``."""
    rows = rows if isinstance(rows, list) else list(rows)
    pats = [r[len(EVENT_COLUMNS)] for r in rows] if with_pattern else None
    return resolve_rows(pack_rows(rows), NameIds(db), pats)


COMPACT_SINCE = 16  # the schema that brought event_data


def stored_table(db: Any) -> str:
    """Where events are written: ``event_data``, or the old ``events`` table of a file not yet migrated
    (migration tests build such files with today's writers)."""
    return "event_data" if db.user_version >= COMPACT_SINCE else "events"


LEGACY_INSERT = (f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}, pattern_id)"
                 f" VALUES ({', '.join('?' * (len(EVENT_COLUMNS) + 1))})")
INSERT_SQL = f"INSERT INTO event_data ({', '.join(BASE_COLUMNS)}) VALUES ({', '.join('?' * len(BASE_COLUMNS))})"
