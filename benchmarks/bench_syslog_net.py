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


def run(protocol: str, n: int, store: bool, rate: float = 0, batch_size: int = 500) -> None:
    from app.collect.net_sink import NetSink, open_import
    from app.collect.syslog_net import SyslogReceiver
    from app.store.database import Database

    got = [0]
    last = [0.0]
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.db") if store else None
        sink = NetSink(db, open_import(db, f"{protocol}://127.0.0.1")) if db is not None else None

        def on_batch(batch: list[object]) -> None:
            if sink is not None:
                sink(batch)  # type: ignore[arg-type]
            got[0] += len(batch)
            last[0] = time.perf_counter()

        receiver = SyslogReceiver("127.0.0.1", 0, protocol, on_batch, batch_size=batch_size)
        receiver.start()
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", SENDER, protocol, str(receiver.address[1]), str(n), str(rate)],
                       check=True)
        deadline = time.monotonic() + 120
        while got[0] < n and time.monotonic() < deadline:
            before = got[0]
            time.sleep(1.0)
            if got[0] == before and protocol == "udp":
                break  # nothing more is coming: the rest was dropped
        receiver.stop()
        if db is not None:
            db.close()
    seconds = last[0] - started
    what = f"stored in SQLite, batches of {batch_size}" if store else "parsed, not stored"
    sent = f"sent at {rate:,.0f}/s" if rate else "sent as fast as possible"
    print(f"{protocol.upper()} {sent}, {what}: {got[0]:,} of {n:,} in {seconds:.2f} s ="
          f" {got[0] / seconds:,.0f} msg/s (dropped {n - got[0]:,})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    n = args.messages
    run("udp", n, False)  # a flood: what one receiver parses, and what it loses when senders outrun it
    run("udp", n, False, rate=20_000)
    run("tcp", n, False)
    for batch_size in (500, 2000):
        run("tcp", n, True, batch_size=batch_size)
    run("udp", n, True, rate=5_000)


if __name__ == "__main__":
    main()
