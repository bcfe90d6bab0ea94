"""The TCP side of the syslog receiver: accepting many clients and framing each one's stream."""

from __future__ import annotations

import contextlib
import selectors
import socket
import time
from collections.abc import Callable

from app.collect.framing import Framer, FrameTooLong

RECV = 1 << 16
Put = Callable[[list[tuple[bytes | FrameTooLong, str, float]]], None]


class TcpClients:
    """One selector over the listening socket, a wake-up socket and every open connection."""

    def __init__(self, listener: socket.socket, wake: socket.socket, put: Put) -> None:
        self.listener, self.wake, self.put = listener, wake, put
        self.sel = selectors.DefaultSelector()
        self.sel.register(listener, selectors.EVENT_READ, "accept")
        self.sel.register(wake, selectors.EVENT_READ, "wake")
        self.framers: dict[socket.socket, tuple[Framer, str]] = {}

    def poll(self, timeout: float | None = None) -> int:
        """Handle what is ready; returns how many connections had something to read."""
        ready = self.sel.select(timeout)
        for key, _mask in ready:
            if key.data == "accept":
                self._accept()
            elif key.data == "wake":
                with contextlib.suppress(OSError):
                    self.wake.recv(64)
            else:
                self._read(key.fileobj)  # type: ignore[arg-type]
        return sum(1 for key, _m in ready if key.data == "conn")

    def drain(self) -> None:
        """At stop: read what the clients already sent, without waiting for more."""
        for _ in range(10_000):
            if not self.poll(0):
                return

    def _accept(self) -> None:
        while True:
            try:
                conn, peer = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # out of descriptors, or the client gave up: accept the next one later
                return
            conn.setblocking(False)
            self.framers[conn] = (Framer(), str(peer[0]))
            self.sel.register(conn, selectors.EVENT_READ, "conn")

    def _read(self, conn: socket.socket) -> None:
        framer, peer = self.framers[conn]
        try:
            data = conn.recv(RECV)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        now = time.time()
        if data:
            frames = framer.feed(data)
            if frames:
                self.put([(f, peer, now) for f in frames])
            return
        last = framer.close()
        if last:
            self.put([(last, peer, now)])
        self._drop(conn)

    def _drop(self, conn: socket.socket) -> None:
        self.sel.unregister(conn)
        del self.framers[conn]
        conn.close()

    def close(self) -> None:
        """Close every connection, handing over a last frame a client left unended."""
        now = time.time()
        for conn, (framer, peer) in list(self.framers.items()):
            last = framer.close()
            if last:
                self.put([(last, peer, now)])
            self._drop(conn)
        self.sel.close()
