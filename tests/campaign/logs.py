"""Seeded log files for the campaign: a different file (and SHA-256) for every step, every line an event."""

from __future__ import annotations

import random
from pathlib import Path

HOSTS = ("agent-ws-pn205", "dialer-01", "crm-app-2", "vpn-gw", "pbx-core")
WORDS = ("call dropped", "RTP timeout", "login failed", "queue full", "disk 91% used", "session restored")


def syslog_file(path: Path, lines: int, seed: int) -> Path:
    """``lines`` BSD syslog lines dated November 2026 (the import is given --year 2026)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for n in range(lines):
            second = n * 7 % 86_400
            fh.write(f"Nov {1 + n * 29 // lines:2d} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d} "
                     f"{rng.choice(HOSTS)} app[{1000 + n % 97}]: {rng.choice(WORDS)} step {seed} line {n}\n")
    return path
