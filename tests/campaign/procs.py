"""``python -m app`` as real child processes: run to the end, or SIGKILL after a chosen delay."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.campaign.record import Campaign

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Outcome:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL


def start(db: Path, *args: object) -> tuple[subprocess.Popen[str], tuple[str, ...]]:
    """A child ``python -m app --db DB ARGS`` with pipes for its output (this checkout's ``app``)."""
    argv = ("--db", str(db), *map(str, args))
    proc = subprocess.Popen([sys.executable, "-m", "app", *argv], cwd=REPO, env=dict(os.environ), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8", errors="replace")
    return proc, argv


def finish(campaign: Campaign, proc: subprocess.Popen[str], argv: tuple[str, ...], started: float,
           timeout: float = 120) -> Outcome:
    out, err = proc.communicate(timeout=timeout)
    outcome = Outcome(argv, proc.returncode, out, err, time.perf_counter() - started)
    campaign.processes += 1
    campaign.keep_stderr(f"{' '.join(argv[2:])} -> {proc.returncode}", err)
    return outcome


def run(campaign: Campaign, db: Path, *args: object, timeout: float = 120) -> Outcome:
    started = time.perf_counter()
    proc, argv = start(db, *args)
    return finish(campaign, proc, argv, started, timeout)


def run_killed(campaign: Campaign, db: Path, delay: float, *args: object) -> Outcome:
    """Start the command and SIGKILL it ``delay`` seconds later (unless it finished first)."""
    started = time.perf_counter()
    proc, argv = start(db, *args)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
    outcome = finish(campaign, proc, argv, started)
    campaign.kills += outcome.killed
    return outcome
