"""The syslog network receiver: UDP datagrams or TCP streams in, batches of events and rejects out.

Threads, so the caller never waits: a reader drains the sockets as fast as the
kernel hands bytes over (UDP bursts sit in a large receive buffer, never behind a
database write), and a worker parses, batches and calls ``on_batch``. A batch goes
out when it holds ``batch_size`` messages or its first message is ``flush_s`` old.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import errno
import logging
import selectors
import socket
import threading
import time
from collections.abc import Callable

from app.collect.datagram import DatagramParser, Parsed, Reject, parse_datagram
from app.collect.framing import FrameTooLong

__all__ = ["Parsed", "Reject", "SyslogReceiver", "parse_datagram"]

log = logging.getLogger("issue_ledger.collect.syslog")
UTC = dt.UTC
UDP_RCVBUF = 16 << 20  # asked for; the kernel may grant less (net.core.rmem_max)
MAX_DATAGRAM = 65_535
MAX_QUEUED = 200_000  # messages waiting for the worker; beyond this new ones are dropped and counted
Batch = list[Parsed | Reject]
_Item = tuple[bytes | FrameTooLong, str, float]  # (message, peer, receipt time)


class SyslogReceiver:
    """Listens on ``protocol`` (``udp`` or ``tcp``) at ``host``:``port`` and hands parsed messages to ``on_batch``.

    ``on_batch`` runs on the receiver's worker thread; an exception from it is
    logged and counted in ``errors``, and the receiver carries on. Counters:
    ``received`` (messages read), ``rejected`` (of them, rejects), ``dropped``
    (lost to a full queue), ``batches``.
    """

    def __init__(self, host: str, port: int, protocol: str, on_batch: Callable[[Batch], None], *,
                 batch_size: int = 500, flush_s: float = 0.25, zone: dt.tzinfo = UTC) -> None:
        self.protocol = protocol.lower()
        if self.protocol not in ("udp", "tcp"):
            raise ValueError(f"unknown syslog protocol {protocol!r}: use udp or tcp")
        self.host, self.port, self.on_batch = host, port, on_batch
        self.batch_size, self.flush_s = max(1, batch_size), flush_s
        self.parser = DatagramParser(zone)
        self.received = self.rejected = self.dropped = self.batches = self.errors = 0
        self.last_error: str | None = None
        self._sock: socket.socket | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._stopping = threading.Event()
        self._reader_done = threading.Event()
        self._queue: collections.deque[list[_Item]] = collections.deque()
        self._queued = 0
        self._ready = threading.Condition()
        self._threads: list[threading.Thread] = []

    @property
    def address(self) -> tuple[str, int]:
        """The bound (host, port): the real port when 0 was asked for."""
        if self._sock is None:
            return (self.host, self.port)
        name = self._sock.getsockname()
        return (str(name[0]), int(name[1]))

    @property
    def url(self) -> str:
        return f"{self.protocol}://{self.host or '0.0.0.0'}:{self.port}"

    def start(self) -> None:
        """Bind and start the threads; ``OSError`` with a one-line message when the address cannot be had."""
        kind = socket.SOCK_DGRAM if self.protocol == "udp" else socket.SOCK_STREAM
        try:
            family, _t, _p, _c, addr = socket.getaddrinfo(self.host or None, self.port, type=kind,
                                                          flags=socket.AI_PASSIVE)[0]
            sock = socket.socket(family, kind)
        except OSError as exc:
            raise self._bind_error(exc) from None
        try:
            if kind == socket.SOCK_STREAM:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart need not wait out TIME_WAIT
            else:
                _big_receive_buffer(sock)
            sock.bind(addr)
            if kind == socket.SOCK_STREAM:
                sock.listen(128)
            sock.setblocking(False)
        except OSError as exc:
            sock.close()
            raise self._bind_error(exc) from None
        self._sock = sock
        reader = self._read_udp if kind == socket.SOCK_DGRAM else self._read_tcp
        self._threads = [threading.Thread(target=reader, name=f"syslog-{self.protocol}-read", daemon=True),
                         threading.Thread(target=self._work, name=f"syslog-{self.protocol}-batch", daemon=True)]
        for t in self._threads:
            t.start()

    def _bind_error(self, exc: OSError) -> OSError:
        where = f"cannot listen for syslog on {self.url}"
        if exc.errno == errno.EADDRINUSE:
            text = f"{where}: port {self.port} is already in use"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            text = f"{where}: not permitted to use port {self.port} (ports below 1024 need privileges)"
        elif exc.errno == errno.EADDRNOTAVAIL:
            text = f"{where}: no such local address {self.host!r}"
        else:
            text = f"{where}: {exc.strerror or exc}"
        err = OSError(text)
        err.errno = exc.errno
        return err

    def stop(self) -> None:
        """Close the sockets, deliver what was received (the last batch too) and join the threads."""
        if self._threads:
            self._stopping.set()
            with contextlib.suppress(OSError):
                self._wake_w.send(b"x")
            self._threads[0].join()  # the reader drains what the kernel holds, then closes
            self._threads[1].join()
            self._threads = []
        self._wake_r.close()
        self._wake_w.close()

    # -- reading (reader thread) --------------------------------------------------------------------------

    def _put(self, items: list[_Item]) -> None:
        if self._queued + len(items) > MAX_QUEUED:
            self.dropped += len(items)
            return
        with self._ready:
            self._queue.append(items)
            self._queued += len(items)
            self._ready.notify()

    def _read_udp(self) -> None:
        sock = self._sock
        assert sock is not None
        sel = selectors.DefaultSelector()
        sel.register(sock, selectors.EVENT_READ)
        sel.register(self._wake_r, selectors.EVENT_READ)
        try:
            while not self._stopping.is_set():
                sel.select()
                self._drain_udp(sock)
            self._drain_udp(sock)
        finally:
            sel.close()
            sock.close()
            self._reader_finished()

    def _drain_udp(self, sock: socket.socket) -> None:
        recv = sock.recvfrom
        while True:
            items: list[_Item] = []
            now = time.time()
            try:
                for _ in range(512):
                    data, peer = recv(MAX_DATAGRAM)
                    items.append((data, peer[0], now))
            except (BlockingIOError, InterruptedError):
                pass
            except OSError as exc:  # e.g. ICMP errors surfacing on some systems: keep listening
                log.warning("syslog %s: %s", self.url, exc)
            if items:
                self._put(items)
            if len(items) < 512:
                return

    def _read_tcp(self) -> None:
        from app.collect.tcp_clients import TcpClients

        sock = self._sock
        assert sock is not None
        clients = TcpClients(sock, self._wake_r, self._put)
        try:
            while not self._stopping.is_set():
                clients.poll()
            clients.drain()
        finally:
            clients.close()
            sock.close()
            self._reader_finished()

    def _reader_finished(self) -> None:
        with self._ready:
            self._reader_done.set()
            self._ready.notify()

    # -- parsing and batching (worker thread) -------------------------------------------------------------

    def _next(self, due: float | None) -> list[_Item] | None:
        """The next chunk of messages; None when the batch is due or the reader has finished and all is taken."""
        with self._ready:
            while not self._queue and not self._reader_done.is_set():
                wait = None if due is None else due - time.monotonic()
                if wait is not None and wait <= 0:
                    return None
                self._ready.wait(wait)
            if not self._queue:
                return None
            chunk = self._queue.popleft()
            self._queued -= len(chunk)
            return chunk

    def _work(self) -> None:
        batch: Batch = []
        due: float | None = None
        while True:
            chunk = self._next(due)
            if chunk is None:
                if batch:
                    self._deliver(batch)
                    batch, due = [], None
                if self._reader_done.is_set() and not self._queue:
                    return
                continue
            for data, peer, at in chunk:
                if isinstance(data, FrameTooLong):
                    item: Parsed | Reject = Reject(str(data), data.head.decode("utf-8", "replace"), peer, _iso(at))
                else:
                    item = self.parser.parse(data, peer, at)
                if not batch:
                    due = time.monotonic() + self.flush_s
                batch.append(item)
                if len(batch) >= self.batch_size:
                    self._deliver(batch)
                    batch, due = [], None
            if batch and due is not None and time.monotonic() >= due:
                self._deliver(batch)
                batch, due = [], None

    def _deliver(self, batch: Batch) -> None:
        self.received += len(batch)
        self.rejected += sum(1 for b in batch if isinstance(b, Reject))
        self.batches += 1
        try:
            self.on_batch(batch)
        except Exception as exc:  # the listener outlives a failing consumer; the failure is reported
            self.errors += 1
            self.last_error = str(exc) or type(exc).__name__
            log.exception("syslog %s: handing over a batch failed", self.url)


def _iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at, UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _big_receive_buffer(sock: socket.socket) -> None:
    """Ask for a large UDP receive buffer (forced past rmem_max where privileged) so bursts are not dropped."""
    force = getattr(socket, "SO_RCVBUFFORCE", None)
    for option in (force, socket.SO_RCVBUF):
        if option is None:
            continue
        try:
            sock.setsockopt(socket.SOL_SOCKET, option, UDP_RCVBUF)
            return
        except OSError:
            continue
