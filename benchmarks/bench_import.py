"""Import speed: a generated 1,000,000-line syslog file through the CLI into a fresh database.

Prints lines/s, CPU time, peak RSS of the import, and the time ``lnav -n`` takes
on the same file in the same run. Files of 8 MB or more are parsed in a second
process (app/ingest/parallel.py), so wall time depends on a second core being free.
Usage: ``python3 benchmarks/bench_import.py [LINES] [--generic] [--redaction]``; ``--generic`` writes lines in a
shape no built-in family knows (``[dialer-03] 0042|2026/11/02-14:05:09.123|pbx7 ERROR ...``), read through the
layout learned from the file (app/ingest/layout.py). ``--redaction`` imports the file into fresh databases with
the PII rules all off and with the defaults on, alternately (``ROUNDS`` each, best of each kept), and prints the
cost of redaction; one line in 100 then carries a card number, an e-mail address or a phone number.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from precompile import compile_app

ROOT = Path(__file__).resolve().parents[1]
HOSTS = [f"agent-ws{n:03d}" for n in range(40)] + ["core-sw1", "dc01", "web01", "pbx01"]
PROGRAMS = [("sshd", "Accepted publickey for agent{u} from 10.1.{a}.{b} port {p} ssh2"),
            ("sshd", "Failed password for invalid user admin{u} from 203.0.113.{a} port {p} ssh2"),
            ("CRON", "(root) CMD (/usr/lib/sa/sa1 1 1)"),
            ("kernel", "e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None"),
            ("NetworkManager", "<info>  [1700000000.{p}] device (eth0): state change: activated -> deactivating"),
            ("softphone", "SIP registration to pbx01 refreshed, expires {p}"),
            ("crm-agent", "ticket {p} saved by agent{u} in {a} ms"),
            ("systemd", "Started Session {p} of user agent{u}."),
            ("dhclient", "DHCPREQUEST on eth0 to 10.1.{a}.1 port 67"),
            ("sudo", "agent{u} : TTY=pts/{a} ; PWD=/home/agent{u} ; USER=root ; COMMAND=/bin/systemctl restart crm")]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _stream(lines: int, seed: int) -> Iterator[tuple[int, int, int, int, int, str, str, random.Random]]:
    """The same events for every shape: (line, day, hour, minute, second, program, message, rng)."""
    rng = random.Random(seed)
    t = 0.0
    for i in range(lines):
        t += rng.expovariate(1.2)
        day, rest = divmod(int(t), 86400)
        h, rest = divmod(rest, 3600)
        mi, s = divmod(rest, 60)
        prog, text = PROGRAMS[rng.randrange(len(PROGRAMS))]
        msg = text.format(u=rng.randrange(300), a=rng.randrange(255), b=rng.randrange(255),
                          p=rng.randrange(1, 65535))
        yield i, day, h, mi, s, prog, msg, rng


def _write(path: Path, rows: Iterator[str]) -> None:
    """Lines in time order over about ten days, written in blocks so memory stays small."""
    with path.open("w", encoding="utf-8") as out:
        block = []
        for row in rows:
            block.append(row)
            if len(block) >= 10_000:
                out.writelines(block)
                block.clear()
        out.writelines(block)


def generate(path: Path, lines: int, seed: int = 1) -> None:
    """BSD syslog: ``Nov  3 14:05:09 host prog[pid]: message``."""
    _write(path, (f"{MONTHS[10]} {1 + day % 28:2d} {h:02d}:{mi:02d}:{s:02d} {HOSTS[i % len(HOSTS)]} "
                  f"{prog}[{1000 + i % 30000}]: {msg}\n" for i, day, h, mi, s, prog, msg, _r in _stream(lines, seed)))


def generate_generic(path: Path, lines: int, seed: int = 1) -> None:
    """The same events, the stamp behind a node name and a sequence field, the level after a host."""
    levels = ("INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG")
    _write(path, (f"[dialer-{i % 7:02d}] {i % 10000:04d}|2026/11/{1 + day % 28:02d}-{h:02d}:{mi:02d}:{s:02d}."
                  f"{rng.randrange(1000):03d}| {HOSTS[i % len(HOSTS)]} {levels[rng.randrange(6)]} "
                  f"{prog}[{1000 + i % 30000}]: {msg}\n"
                  for i, day, h, mi, s, prog, msg, rng in _stream(lines, seed)))


PII = ("card 4111 1111 1111 1111 declined", "mail to jane.doe@example.com bounced", "callback +44 20 7946 0958 queued")
ROUNDS = 3


def with_pii(path: Path) -> None:
    """One line in 100 gets a PII value at its end (rewritten in place, in blocks)."""
    tmp = path.with_suffix(".pii")
    with path.open(encoding="utf-8") as src, tmp.open("w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            out.write(f"{line[:-1]} {PII[i % 3]}\n" if i % 100 == 0 else line)
    tmp.replace(path)


def compare_redaction(log: Path, lines: int, tmp: Path, env: dict[str, str]) -> None:
    """Import the file with every PII rule off, then with the defaults, alternately; best wall time of each."""
    rules = ("email", "iban", "payment-card", "us-ssn", "ph-tin", "in-aadhaar", "in-pan", "uk-nino", "phone")
    best: dict[str, float] = {"off": float("inf"), "on": float("inf")}
    cpu_best: dict[str, float] = {"off": float("inf"), "on": float("inf")}
    for n in range(ROUNDS):
        for mode in ("off", "on"):
            db = tmp / f"bench-{mode}-{n}.db"
            base = [sys.executable, "-m", "app", "--db", str(db), "--tz", "UTC"]
            subprocess.run([sys.executable, "-c", "import sys; from app.store.database import Database; "
                            "Database.open(sys.argv[1]).close()", str(db)], env=env, cwd=ROOT, check=True)
            if mode == "off":
                for name in rules:
                    subprocess.run([*base, "redaction", "disable", name], env=env, cwd=ROOT, check=True,
                                   capture_output=True)
            secs, cpu, _rss, rc = run([*base, "import", str(log)], env)
            best[mode], cpu_best[mode] = min(best[mode], secs), min(cpu_best[mode], cpu)
            print(f"  round {n + 1}, redaction {mode}: {secs:.2f} s wall ({lines / secs:,.0f} lines/s), "
                  f"CPU {cpu:.2f} s, exit {rc}")
            if mode == "on":
                import sqlite3

                conn = sqlite3.connect(db)
                redacted = conn.execute("SELECT redacted FROM imports").fetchone()[0]
                conn.close()
                print(f"    redacted: {redacted}")
            db.unlink()
    wall, cpu = 100 * (best["on"] / best["off"] - 1), 100 * (cpu_best["on"] / cpu_best["off"] - 1)
    print(f"redaction off: {lines / best['off']:,.0f} lines/s; on: {lines / best['on']:,.0f} lines/s; "
          f"wall {wall:+.1f} %, CPU {cpu:+.1f} %")


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (user + system), peak RSS in MB, and exit status of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        print(err, file=sys.stderr)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, proc.returncode


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lines = int(args[0]) if args else 1_000_000
    generic = "--generic" in sys.argv
    compile_app()  # children start as an installed copy does, bytecode ready
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / ("bench-generic.log" if generic else "bench-syslog.log")
        t0 = time.perf_counter()
        (generate_generic if generic else generate)(log, lines)
        size_mb = log.stat().st_size / 1e6
        print(f"generated {lines:,} lines ({size_mb:.0f} MB) in {time.perf_counter() - t0:.1f} s")
        db = Path(tmp) / "bench.db"
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        if "--redaction" in sys.argv:
            with_pii(log)
            print(f"load average before: {os.getloadavg()[0]:.2f} (other work on the box slows every figure)")
            compare_redaction(log, lines, Path(tmp), env)
            return
        print(f"load average before: {os.getloadavg()[0]:.2f} (other work on the box slows every figure)")
        secs, cpu, rss, rc = run([sys.executable, "-m", "app", "--db", str(db), "--tz", "UTC", "import", str(log)],
                                 env)
        print(f"issue-ledger import: {secs:.2f} s wall, {lines / secs:,.0f} lines/s; CPU {cpu:.2f} s "
              f"({lines / cpu:,.0f} lines per CPU-second, the parse process included); peak RSS {rss} MB "
              f"(the largest of the two processes; the parse process ends first), exit {rc}")
        print(f"load average after: {os.getloadavg()[0]:.2f} (the import's own two processes count here)")
        import sqlite3

        conn = sqlite3.connect(db)
        n = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        fts = conn.execute("SELECT count(*) FROM events_fts WHERE events_fts MATCH 'publickey'").fetchone()[0]
        conn.close()
        print(f"  events stored: {n:,}; full-text hits for 'publickey': {fts:,}")
        lnav = shutil.which("lnav")
        if lnav:
            # lnav indexes the whole file to answer a count over its syslog table: the same work as our import
            lsecs, lcpu, lrss, lrc = run([lnav, "-n", "-c", ";select count(*) from syslog_log", str(log)],
                                         dict(os.environ, HOME=tmp))
            print(f"lnav -n -c ';select count(*) from syslog_log': {lsecs:.2f} s wall, CPU {lcpu:.2f} s, "
                  f"peak RSS {lrss} MB, exit {lrc}")
            print(f"ratio ours/lnav: {secs / lsecs:.2f}x wall, {cpu / max(lcpu, 1e-9):.2f}x CPU")
        else:
            print("lnav not installed; no comparison")


if __name__ == "__main__":
    main()
