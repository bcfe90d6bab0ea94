#!/usr/bin/env python3
"""Pushing incidents to a ticket tool: the outbox's own cost, and a push end to end against a local server.

    python3 benchmarks/bench_tickets.py [--incidents N]

Makes a demo database (its incidents carry linked events as evidence), adds a Jira connection to a
minimal Jira stand-in on localhost (``http.server`` in a thread: creates answer 201 with a key, reads
answer the issue), then times, per incident (medians): queueing a create (outbox row, evidence text,
audit row; no HTTP), a whole push (queue, POST, link, external key audited), and a sync over every
linked incident (queue changes, send, pull status back), per link.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain import timeutil  # noqa: E402
from app.store.database import Database  # noqa: E402

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=timeutil.UTC)


class _Jira(BaseHTTPRequestHandler):
    made: ClassVar[list[int]] = [0]
    wbufsize = 65536  # headers and body leave in one write: no 40 ms delayed-ACK stall of the stand-in itself

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.made[0] += 1
        self._answer(201, {"id": str(self.made[0]), "key": f"OPS-{self.made[0]}", "self": ""})

    def do_GET(self) -> None:
        key = self.path.split("/")[-1].split("?")[0]
        self._answer(200, {"key": key, "fields": {"status": {"name": "In Progress"},
                                                  "assignee": {"displayName": "Beth Anglin"}}})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100)
    args = parser.parse_args()
    from app.demo.generator import generate
    from app.tickets import connections, outbox, service

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Jira)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ["BENCH_JIRA_TOKEN"] = "not-a-real-token"
    with tempfile.TemporaryDirectory() as tmp, Database.open(Path(tmp) / "bench.db") as db:
        generate(db, events=20_000, seed=7, end=NOW)
        numbers = [r[0] for r in db.execute("SELECT number FROM incidents ORDER BY id LIMIT ?", (args.incidents,))]
        connections.add(db, "queue-only", "jira", "http://127.0.0.1:9", project="OPS", user="b@example.com",
                        secret_env="BENCH_JIRA_TOKEN")
        connections.add(db, "jira", "jira", f"http://127.0.0.1:{server.server_port}", project="OPS",
                        user="b@example.com", secret_env="BENCH_JIRA_TOKEN")
        evidence = db.scalar("SELECT avg(n) FROM (SELECT count(*) AS n FROM incident_events GROUP BY incident_id)")
        queued, pushed = [], []
        for n in numbers:
            t0 = time.perf_counter()
            outbox.queue_push(db, n, "queue-only")
            queued.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            result = service.push(db, n, "jira")
            pushed.append(time.perf_counter() - t0)
            assert result["outbox"][0]["state"] == "done", result
        db.execute("DELETE FROM connections WHERE name = 'queue-only'")
        t0 = time.perf_counter()
        synced = service.sync(db)
        per_link = (time.perf_counter() - t0) / max(1, synced["pulled"])
    server.shutdown()
    print(f"{len(numbers)} incidents, {evidence:.1f} linked events each on average")
    print(f"queue a create (outbox + evidence + audit): median {statistics.median(queued) * 1000:.2f} ms")
    print(f"push end to end (local Jira stand-in):      median {statistics.median(pushed) * 1000:.2f} ms")
    print(f"sync (queue changes, send, pull) per link:  {per_link * 1000:.2f} ms over {synced['pulled']} links")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
