"""What the campaign did and what it found: counts for the summary, failed checks, every child's stderr.

A failed check is collected, not raised at once, so one run names every check
that fails (and the step it failed at) instead of stopping at the first.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

FIGURES = ("kills", "steps", "files_checked", "events_checked", "fuzz_examples", "processes", "seconds")


@dataclass
class Campaign:
    stderr_log: Path
    kills: int = 0
    steps: int = 0
    files_checked: int = 0
    events_checked: int = 0
    fuzz_examples: int = 0
    processes: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    measured: dict[str, float] = field(default_factory=dict)  # seconds an uninterrupted command took
    killed: dict[str, int] = field(default_factory=dict)  # kills per command

    def check(self, ok: bool, what: str) -> bool:
        """A strict check that does not stop the campaign; ``what`` names the step and the finding."""
        if not ok and what not in self.failures:
            self.failures.append(what)
        return ok

    def keep_stderr(self, label: str, text: str) -> None:
        if text:
            with self.stderr_log.open("a", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(f"--- {label}\n{text}\n")

    def tracebacks(self) -> list[str]:
        """Lines of the captured stderr that start a Python traceback (the campaign's ``grep Traceback``)."""
        if not self.stderr_log.exists():
            return []
        return [ln for ln in self.stderr_log.read_text(encoding="utf-8").splitlines() if "Traceback" in ln]

    def assert_clean(self) -> None:
        found = self.tracebacks()
        self.check(not found, f"tracebacks on stderr ({len(found)}); see {self.stderr_log}")
        assert not self.failures, f"{len(self.failures)} campaign check(s) failed:\n  " + "\n  ".join(self.failures)

    def merge_into(self, summary: Path, part: str) -> dict[str, object]:
        """Add this part's figures to the session's summary file; returns the whole summary."""
        whole = json.loads(summary.read_text(encoding="utf-8")) if summary.exists() else {"parts": {}}
        kept = (*FIGURES, "failures", "measured", "killed")
        whole["parts"][part] = {k: v for k, v in asdict(self).items() if k in kept}
        whole["total"] = {k: round(sum(p.get(k, 0) for p in whole["parts"].values()), 1) for k in FIGURES}
        summary.write_text(json.dumps(whole, indent=1, ensure_ascii=False), encoding="utf-8")
        return whole


def opened(part: str, base: Path) -> Iterator[Campaign]:
    """A campaign part for one test; its figures join ``base/fault-campaign.json`` and are printed (``-s``)."""
    campaign = Campaign(stderr_log=base / f"campaign-{part}.stderr")
    started = time.perf_counter()
    try:
        yield campaign
    finally:
        campaign.seconds = round(time.perf_counter() - started, 1)
        whole = campaign.merge_into(base / "fault-campaign.json", part)
        print(f"\nfault campaign, {part}: " + json.dumps({k: getattr(campaign, k) for k in FIGURES})
              + (f"; measured {json.dumps(campaign.measured)}; killed {json.dumps(campaign.killed)}"
                 if campaign.measured else ""))
        print(f"fault campaign so far ({base / 'fault-campaign.json'}): {json.dumps(whole['total'])}")
