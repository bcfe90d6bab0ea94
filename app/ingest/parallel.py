"""Parsing a big text log in a second process while this one writes to the database.

SQLite work (inserting, indexing) is single-threaded and is most of an import's
cost; parsing lines in Python is the rest. A child process runs the very same
``engine.run_lines`` over the file and sends finished batches through a pipe, so
the two costs overlap on a two-core machine. The pipe blocks the child when this
process falls behind, so at most a couple of batches are in flight (memory stays
flat). For an import the child also packs each batch for the store
(``event_sql.pack_rows``: epoch ms, raw as a shared template), which halved the
writing process's Python work; tuples with repeated host, component and template
strings shared keep unpickling on the writing side cheap.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeGuard

from app.ingest import engine, lines
from app.ingest.formats.base import LineParser, Parser
from app.ingest.sources import Source, damage_of
from app.store.event_sql import pack_rows

log = logging.getLogger("issue_ledger.ingest")
MIN_BYTES = 8 << 20  # below this, starting a process costs more than it saves
_FRAME = struct.Struct("<Q")  # each message: its length, then its pickle
AHEAD = 3  # batches the child may have parsed before the parent takes them
_ENDING_S = 5.0  # how long a child that has sent its last message may take to exit before it is killed
_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the ``app`` package


def worth_it(parser: Parser, size: int) -> TypeGuard[LineParser]:
    """A big text log on a machine with a spare core, with a parser that can travel to another process."""
    if not isinstance(parser, LineParser) or size < MIN_BYTES or (os.cpu_count() or 1) < 2:
        return False
    if os.name != "posix" or getattr(sys, "frozen", False):  # pass_fds, and a ``python -c`` to start
        return False
    try:
        pickle.dumps(parser, pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - e.g. a parser holding a callable; it parses here instead
        log.debug("parser %s cannot be sent to another process; parsing in this one", type(parser).__name__)
        return False
    return True


class ParserProcessError(RuntimeError):
    """The parsing process failed; the message is its error."""


def _child(out_fd: int, parser: LineParser, source: Source, enc: lines.Encoding, assign: engine.Assign,
           pack: bool = False) -> None:
    """Runs in the child: parse the whole source, writing framed ('e'|'p'|'r'|'t'|'d'|'x', payload) pickles.

    With ``pack`` the events go as 'p', packed for the store (epoch ms, raw as its template):
    that per-row work is then done here, beside the writing, not in the writing process.

    The parsing thread pickles; a sender thread only writes (with the GIL let go),
    so parsing goes on while the parent is busy inserting, up to ``AHEAD`` messages ahead.
    """
    outbox: queue.Queue[bytes | None] = queue.Queue(AHEAD)
    broken = threading.Event()

    def sender() -> None:
        try:
            while (data := outbox.get()) is not None:
                view = memoryview(data)
                while view:
                    view = view[os.write(out_fd, view):]
        except OSError:  # the parent stopped reading (cancelled or failed)
            broken.set()
            while outbox.get() is not None:
                pass

    def send(kind: str, payload: object) -> None:
        if broken.is_set():
            raise BrokenPipeError("the importing process stopped reading")
        data = pickle.dumps((kind, payload), pickle.HIGHEST_PROTOCOL)
        outbox.put(_FRAME.pack(len(data)) + data)

    thread = threading.Thread(target=sender, name="send", daemon=True)
    thread.start()
    try:
        with source.open() as reader:
            def tick(c: engine.Counts) -> None:
                pos = parser.position if parser.position >= 0 else reader.position()
                send("t", (c.as_tuple(), pos))

            events: Callable[[list[Any]], None] = (lambda rows: send("p", pack_rows(rows))) if pack else (
                lambda rows: send("e", rows))
            sink = engine.Sink(events, lambda rows: send("r", rows), tick)
            counts = engine.run_lines(parser, lines.iter_lines(reader.stream, enc), assign, sink)
            counts = engine.note_damage(damage_of(reader), assign, sink, counts)
        send("d", (counts.as_tuple(), counts.redacted))
    except BrokenPipeError:
        pass  # nothing to tell
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the import
        with contextlib.suppress(BrokenPipeError):
            send("x", f"{exc}" or type(exc).__name__)
    finally:
        outbox.put(None)
        thread.join()


def child_main() -> None:
    """Entry of the parsing process: its job arrives pickled on stdin, results go to the fd in argv."""
    parser, source, enc, assign, batch, pack = pickle.load(sys.stdin.buffer)
    engine.BATCH = batch  # as in the parent (tests make it small)
    out_fd = int(sys.argv[1])
    _widen(out_fd)
    try:
        _child(out_fd, parser, source, enc, assign, pack)
    finally:
        os.close(out_fd)


def _widen(fd: int) -> None:
    """A 1 MiB pipe (Linux) instead of 64 KiB: fewer hand-overs per 4 MB batch."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined]


def _read_exactly(fd: int, n: int) -> bytes:
    parts = []
    while n:
        part = os.read(fd, min(n, 1 << 20))
        if not part:
            raise EOFError
        parts.append(part)
        n -= len(part)
    return b"".join(parts)


def run_lines(parser: LineParser, source: Source, enc: lines.Encoding, assign: engine.Assign,
              sink: engine.Sink, position: Callable[[int], None]) -> engine.Counts:
    """Like ``engine.run_lines`` on ``source``, parsed in a child process; this process only writes.

    ``position(bytes)`` is told how far the child has read before each ``sink.tick``.
    Any exception here (a cancel from ``sink.tick``, a database error) stops the child.
    A plain interpreter is started (not ``multiprocessing``), so the caller's main
    module is never imported again and the GUI's threads are never forked.
    """
    read_fd, write_fd = os.pipe()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH", "")) if p)
    try:
        proc = subprocess.Popen([sys.executable, "-c", "from app.ingest.parallel import child_main; child_main()",
                                 str(write_fd)], stdin=subprocess.PIPE, pass_fds=(write_fd,), env=env)
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)
    try:
        _widen(read_fd)
        assert proc.stdin is not None
        try:
            pickle.dump((parser, source, enc, assign, engine.BATCH, sink.packed is not None), proc.stdin,
                        pickle.HIGHEST_PROTOCOL)
            proc.stdin.close()
        except BrokenPipeError:
            pass  # the child died at once; reading below says so
        while True:
            try:
                size, = _FRAME.unpack(_read_exactly(read_fd, _FRAME.size))
                kind, payload = pickle.loads(_read_exactly(read_fd, size))
            except EOFError:
                raise ParserProcessError(f"the parsing process ended unexpectedly (exit {proc.wait()})") from None
            if kind == "p" and sink.packed is not None:
                sink.packed(payload)
            elif kind == "e":
                sink.events(payload)
            elif kind == "r":
                sink.rejects(payload)
            elif kind == "t":
                counts, pos = payload
                position(pos)
                sink.tick(engine.Counts(*counts))
            elif kind == "d":
                (read, accepted, continuation, rejected), redacted = payload
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(_ENDING_S)  # it has said all: let it end by itself
                return engine.Counts(read, accepted, continuation, rejected, redacted)
            else:
                raise ParserProcessError(str(payload))
    finally:
        os.close(read_fd)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
