"""Syslog receiver speed: messages per second over UDP and TCP, parsed only and stored in SQLite.

    python3 benchmarks/bench_syslog_net.py [--messages 100000]

A separate process sends half RFC 5424 and half RFC 3164 messages to a listener
on 127.0.0.1 (UDP: one socket, flooding or at a set rate; TCP: four connections,
newline framed, as fast as the receiver takes them). The figure is messages
received per second, from the first send to the last message handed over (or
stored); drops are what never arrived.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENDER = r"""
import socket, sys, time
proto, port, n, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
def msg(i):
    if i % 2:
        return (f"<{i % 192}>1 2026-12-02T10:{i % 60:02d}:00.123Z pbx{i % 5} dialer {i} DPD - seq={i}"
                f" DPD timeout on trunk {i % 9}").encode()
    return f"<{i % 192}>Dec  1 22:{i % 60:02d}:15 agent-ws{i % 7} sshd[{i}]: seq={i} Failed password".encode()
if proto == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    start = time.perf_counter()
    for i in range(n):
        s.sendto(msg(i), ("127.0.0.1", port))
        if rate and i % 100 == 99:
            ahead = start + (i + 1) / rate - time.perf_counter()
            if ahead > 0:
                time.sleep(ahead)
else:
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
    for k, s in enumerate(socks):
        s.sendall(b"".join(msg(i) + b"\n" for i in range(k, n, 4)))
    for s in socks:
        s.close()
"""


def _send(protocol: str, port: int, n: int, rate: float) -> None:
    subprocess.run([sys.executable, "-c", SENDER, protocol, str(port), str(n), str(rate)], check=True)


def run(protocol: str, n: int, store: bool, rate: float = 0, batch_size: int = 500) -> None:
    """Parsed only (the receiver's batches counted), or stored the way the collector stores a udp/tcp source."""
    if store:
        got, seconds = _run_stored(protocol, n, rate)
        what = f"stored in SQLite by the collector's source, batches of up to {_batch_lines():,}"
    else:
        got, seconds = _run_parsed(protocol, n, rate, batch_size)
        what = "parsed, not stored"
    sent = f"sent at {rate:,.0f}/s" if rate else "sent as fast as possible"
    print(f"{protocol.upper()} {sent}, {what}: {got:,} of {n:,} in {seconds:.2f} s ="
          f" {got / seconds:,.0f} msg/s (dropped {n - got:,})", flush=True)


def _batch_lines() -> int:
    from app.collect.reader import BATCH_LINES

    return BATCH_LINES


def _run_parsed(protocol: str, n: int, rate: float, batch_size: int) -> tuple[int, float]:
    from app.collect.syslog_net import SyslogReceiver

    got = [0]
    last = [0.0]

    def on_batch(batch: list[object]) -> None:
        got[0] += len(batch)
        last[0] = time.perf_counter()

    receiver = SyslogReceiver("127.0.0.1", 0, protocol, on_batch, batch_size=batch_size)
    receiver.start()
    started = time.perf_counter()
    _send(protocol, receiver.address[1], n, rate)
    deadline = time.monotonic() + 120
    while got[0] < n and time.monotonic() < deadline:
        before = got[0]
        time.sleep(1.0)
        if got[0] == before and protocol == "udp":
            break  # nothing more is coming: the rest was dropped
    receiver.stop()
    return got[0], last[0] - started


def _run_stored(protocol: str, n: int, rate: float) -> tuple[int, float]:
    """A udp/tcp source as ``watch`` runs it: the receiver queues, this loop stores a batch a transaction."""
    import socket
    import threading

    from app.collect import service
    from app.collect.network import NetworkSource
    from app.store.database import Database

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.db")
        source_id = service.add(db, f"{protocol}://127.0.0.1:{port}")
        net = NetworkSource(db, db.rows("SELECT * FROM sources WHERE id = ?", (source_id,))[0])
        net.start(db)
        sender = threading.Thread(target=_send, args=(protocol, port, n, rate))
        started = time.perf_counter()
        sender.start()
        got, last, idle_since = 0, started, time.monotonic()
        while got < n:
            stored = net.pass_(db)
            if stored:
                got, last, idle_since = got + stored, time.perf_counter(), time.monotonic()
            elif not sender.is_alive() and time.monotonic() - idle_since > 1.0:
                break  # nothing more is coming: the rest was dropped
            else:
                time.sleep(0.005)
        sender.join()
        net.close()
        db.close()
    return got, last - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    n = args.messages
    run("udp", n, False)  # a flood: what one receiver parses, and what it loses when senders outrun it
    run("udp", n, False, rate=20_000)
    run("tcp", n, False)
    run("tcp", n, True)
    run("udp", n, True, rate=5_000)


if __name__ == "__main__":
    main()
