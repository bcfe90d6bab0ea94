"""Issue #18's figures at 10,000,000 events, each a whole CLI process: pages, counts, search, charts.

    python3 benchmarks/bench_scale.py --from /work/bench/10m.db --db /tmp/scale10m.db [--root CHECKOUT]
        [--runs 3] [--tz Asia/Manila] [--save results.json] [--only count]

``--from`` is copied (reflink where the file system can) to ``--db`` when that file does not exist yet,
and only the copy is ever opened: the first CLI run upgrades it to ``--root``'s schema. ``--root``
runs another checkout's CLI (the previous release for a "before" column). Every case prints the median
of ``--runs`` processes and a digest of its output (stdout, or the chart file's bytes), so two
checkouts can be shown to answer the same (``--save`` writes them; ``--compare`` reads another run's).

Targets (issue 18): first filtered page < 0.3 s; count of a filter < 0.5 s; full-text search < 0.5 s;
any chart < 2 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"page": 0.3, "count": 0.5, "search": 0.5, "chart": 2.0}


def copy_once(source: Path, dest: Path) -> None:
    """The 10M file is shared: work on a copy, made once."""
    if dest.exists():
        return
    if not source.exists():
        sys.exit(f"{source}: no such file (give --from or an existing --db)")
    tmp = dest.with_name(dest.name + ".part")
    subprocess.run(["cp", "--reflink=auto", str(source), str(tmp)], check=True)
    tmp.rename(dest)


def facts(path: Path) -> dict[str, str]:
    """Values the cases filter on, read from the copy (read-only)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        def name(sql: str) -> str:
            row = con.execute(sql).fetchone()
            return str(row[0]) if row and row[0] is not None else ""

        host = name("SELECT (SELECT name FROM event_names WHERE id = host_id) FROM event_data "
                    "WHERE id = (SELECT max(id) / 2 FROM event_data)")
        kind = name("SELECT (SELECT name FROM event_names WHERE id = type_id) FROM event_data "
                    "WHERE id = (SELECT max(id) / 2 FROM event_data)")
        last = int(con.execute("SELECT max(t) FROM event_data").fetchone()[0])
        day = time.strftime("%Y-%m-%d", time.gmtime(last / 1000 - 10 * 86400))
        end = time.strftime("%Y-%m-%d", time.gmtime(last / 1000 - 9 * 86400))
    finally:
        con.close()
    return {"host": host, "type": kind, "day": day, "next_day": end}


def cases(v: dict[str, str], word: str, address: str) -> list[tuple[str, str, list[str]]]:
    """(kind, name, CLI arguments after the global options); ``{out}`` stands for a chart file."""
    page = ["events", "--limit", "100", "--output", "json"]
    count = ["events", "--count"]
    day = ["--since", v["day"], "--until", v["next_day"]]
    out: list[tuple[str, str, list[str]]] = [
        ("page", "no filter", page),
        ("page", f"type {v['type']}", [*page, "--type", v["type"]]),
        ("page", f"host {v['host']} + warning", [*page, "--host", v["host"], "--severity", "warning"]),
        ("page", "one day + error+", [*page, *day, "--min-severity", "error"]),
        ("page", "type + client, no match", [*page, "--type", v["type"], "--client", "Acme Telecom"]),
        ("page", "critical + host, 1 day", [*page, "--severity", "critical", "--host", v["host"], *day]),
        ("count", "everything", count),
        ("count", f"type {v['type']}", [*count, "--type", v["type"]]),
        ("count", "host + severity", [*count, "--host", v["host"], "--severity", "warning"]),
        ("count", "min severity error", [*count, "--min-severity", "error"]),
        ("count", "one day", [*count, *day]),
        ("count", "type + client, no match", [*count, "--type", v["type"], "--client", "Acme Telecom"]),
        ("search", f"page, word '{word}'", [*page, "--search", word]),
        ("search", f"count, word '{word}'", [*count, "--search", word]),
        ("search", f"page, address {address}", [*page, "--search", address]),
        ("search", f"count, address {address}", [*count, "--search", address]),
        ("search", f"page, '{word}' + host", [*page, "--search", word, "--host", v["host"]]),
    ]
    for kind in ("trend", "incidents", "mttr", "top", "heatmap", "clients"):
        out.append(("chart", kind, ["chart", kind, "{out}"]))
    out += [("chart", "trend --by type", ["chart", "trend", "{out}", "--by", "type"]),
            ("chart", "trend --by client", ["chart", "trend", "{out}", "--by", "client"]),
            ("chart", "trend --all-time", ["chart", "trend", "{out}", "--all-time"]),
            ("chart", "trend --by type, host", ["chart", "trend", "{out}", "--by", "type", "--host", v["host"]])]
    return out


def run(root: Path, db: Path, tz: str, args: list[str], out: Path) -> tuple[float, str]:
    """Seconds of one whole process, and a digest of what it produced."""
    argv = [a.replace("{out}", str(out)) for a in args]
    env = {**os.environ, "PYTHONPATH": str(root)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "app", "--db", str(db), "--tz", tz, *argv], cwd=root, env=env,
                          capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(argv)}: exit {done.returncode}: {done.stderr.decode(errors='replace')[-500:]}")
    data = out.read_bytes() if "{out}" in args else done.stdout
    return seconds, hashlib.sha256(data).hexdigest()[:12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("/tmp/scale10m.db"), help="the working copy")
    parser.add_argument("--from", dest="source", type=Path, default=Path("/work/bench/10m.db"))
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose CLI runs")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tz", default="Asia/Manila")
    parser.add_argument("--word", default="saved", help="a word in about 10%% of events")
    parser.add_argument("--address", default="203.0.113.77", help="a rare address")
    parser.add_argument("--only", default="", help="run only the cases whose kind or name contains this")
    parser.add_argument("--save", type=Path, help="write {case: [median s, digest]} here")
    parser.add_argument("--compare", type=Path, help="a --save file of another run: flag differing outputs")
    args = parser.parse_args()
    copy_once(args.source, args.db)
    # One untimed run opens (and, for a newer checkout, upgrades) the copy before anything is timed.
    warm, _ = run(args.root, args.db, args.tz, ["events", "--count"], args.db.with_suffix(".png"))
    print(f"{args.db} via {args.root}: first open {warm:.1f} s; load average {os.getloadavg()[0]:.2f}")
    values = facts(args.db)
    other = json.loads(args.compare.read_text()) if args.compare else {}
    results: dict[str, list[object]] = {}
    worst: dict[str, float] = {}
    print(f"{'kind':<7} {'case':<40} {'median s':>9} {'target':>7}  digest")
    for kind, name, argv in cases(values, args.word, args.address):
        if args.only and args.only not in kind and args.only not in name:
            continue
        out = args.db.with_name(f"bench_scale_{len(results)}.png")
        times, digest = [], ""
        for _ in range(args.runs):
            seconds, digest = run(args.root, args.db, args.tz, argv, out)
            times.append(seconds)
        out.unlink(missing_ok=True)
        median = statistics.median(times)
        key = f"{kind}: {name}"
        results[key] = [round(median, 3), digest]
        worst[kind] = max(worst.get(kind, 0.0), median)
        flag = " over" if median > TARGETS[kind] else ""
        same = "" if key not in other else ("  same" if other[key][1] == digest else "  DIFFERS")
        print(f"{kind:<7} {name[:40]:<40} {median:>9.2f} {TARGETS[kind]:>6.1f}s  {digest}{flag}{same}", flush=True)
    print("worst: " + ", ".join(f"{k} {v:.2f} s (< {TARGETS[k]} s)" for k, v in worst.items())
          + f"; load average {os.getloadavg()[0]:.2f}")
    if args.save:
        args.save.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
