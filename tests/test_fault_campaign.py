"""Fault campaign: SIGKILLs at seeded random moments of import, report and export, and writers at once.

After every step: ``PRAGMA integrity_check``, ``verify`` exits 0, exact event
counts (a killed import shows none of its events or all; importing the file
again gives exactly its count) and no unaudited file in the export folder
(stray .part files only until the next run there). Figures: see README,
"Fault campaign".
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.campaign import checks, logs, procs, record
from tests.campaign.record import Campaign

pytestmark = pytest.mark.slow

SEED = 14
KILLS = 20
MAX_STEPS = 40  # a kill can come after the command already finished; those steps do not count as kills
LOG_LINES = 5_000
PARALLEL_LINES = 30_000
DEMO = ("demo", "--events", "2000", "--incidents", "40", "--seed", "7", "--end", "2026-11-30T12:00:00Z")
SCHEDULE = ("import", "report", "export")


@pytest.fixture
def campaign(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Campaign]:
    yield from record.opened(request.node.name, tmp_path_factory.getbasetemp())


def _command(kind: str, step: int, work: Path, out: Path) -> tuple[tuple[str, ...], Path | None]:
    """The CLI arguments of one step, and the log file it imports (None for exports)."""
    if kind == "import":
        log = logs.syslog_file(work / f"step-{step:02d}.log", LOG_LINES, seed=SEED * 1000 + step)
        return ("import", str(log), "--year", "2026"), log
    if kind == "report":
        return ("report", str(out / f"report-{step:02d}.xlsx")), None
    return ("export", "events", str(out / f"events-{step:02d}.csv")), None


def _measure(campaign: Campaign, db: Path, work: Path, out: Path) -> dict[str, float]:
    """Each command's duration, uninterrupted, on this machine now: kills land within it."""
    durations = {}
    for kind in SCHEDULE:
        args, _log = _command(kind, 0, work, out)
        done = procs.run(campaign, db, *args)
        assert done.returncode == 0, done.stderr
        durations[kind] = campaign.measured[kind] = round(done.seconds, 2)
    return durations


def test_sigkill_at_random_moments_loses_nothing_and_leaves_no_unaudited_file(campaign: Campaign,
                                                                               tmp_path: Path) -> None:
    rng = random.Random(SEED)
    db, work, out = tmp_path / "ledger.db", tmp_path / "logs", tmp_path / "exports"
    work.mkdir()
    out.mkdir()
    assert procs.run(campaign, db, *DEMO).returncode == 0
    durations = _measure(campaign, db, work, out)
    expected = checks.event_count(db)
    checks.database(campaign, db, "setup")
    step = 0
    while campaign.kills < KILLS and step < MAX_STEPS:
        step += 1
        kind = SCHEDULE[(step - 1) % len(SCHEDULE)]
        name = f"step {step} ({kind})"
        args, log = _command(kind, step, work, out)
        # Half the kills anywhere in the run, half in its last fifth, where the file is renamed and recorded.
        delay = durations[kind] * (rng.uniform(0.8, 1.0) if rng.random() < 0.5 else rng.uniform(0.0, 1.0))
        hit = procs.run_killed(campaign, db, delay, *args)
        campaign.steps += 1
        campaign.killed[kind] = campaign.killed.get(kind, 0) + hit.killed
        if not hit.killed:
            campaign.check(hit.returncode == 0, f"{name}: exited {hit.returncode}: {hit.stderr.strip()[-300:]}")
        name += f", killed after {delay:.2f} s" if hit.killed else ", finished before the kill"
        checks.database(campaign, db, name)
        checks.export_folder(campaign, db, out, name, parts_allowed=True)
        if log is not None:
            visible = checks.killed_import(campaign, db, log, LOG_LINES, name)
            campaign.check(checks.event_count(db) == expected + visible,
                           f"{name}: {checks.event_count(db):,} events, expected {expected + visible:,}")
        again = procs.run(campaign, db, *args)  # the same command again, to the end
        campaign.steps += 1
        repeated = f"step {step} ({kind}) run again"
        already = again.returncode == 1 and "already imported" in again.stderr and log is not None
        campaign.check(again.returncode == 0 or already, f"{repeated}: exited {again.returncode}: "
                                                         f"{again.stderr.strip()[-300:]}")
        checks.database(campaign, db, repeated)
        checks.export_folder(campaign, db, out, repeated, parts_allowed=kind == "import")
        if log is not None:
            visible = checks.killed_import(campaign, db, log, LOG_LINES, repeated)
            campaign.check(visible == LOG_LINES, f"{repeated}: {visible:,} events of {log.name}, not {LOG_LINES:,}")
            expected += LOG_LINES
        stored = (checks.event_count(db), checks.event_count(db, hidden_too=True))
        campaign.check(stored == (expected, expected),
                       f"{repeated}: {stored[0]:,} events seen and {stored[1]:,} stored, expected {expected:,}")
        campaign.events_checked += checks.event_count(db)
    assert campaign.kills >= KILLS, f"only {campaign.kills} of {step} steps were killed before finishing"
    campaign.assert_clean()


def test_two_importers_and_an_incident_writer_at_once(campaign: Campaign, tmp_path: Path) -> None:
    db, work = tmp_path / "ledger.db", tmp_path / "logs"
    work.mkdir()
    assert procs.run(campaign, db, *DEMO).returncode == 0
    before = checks.event_count(db)
    files = [logs.syslog_file(work / f"parallel-{n}.log", PARALLEL_LINES, seed=SEED * 100 + n) for n in (1, 2)]
    started = time.perf_counter()
    importers = [procs.start(db, "import", str(f), "--year", "2026") for f in files]
    titles = [f"Headsets crackling on floor {n}" for n in range(12)]
    writes: list[procs.Outcome] = []
    between = 0
    for title in titles:
        writes.append(procs.run(campaign, db, "incident", "add", "--title", title, "--type", "network", "--impact",
                                "2", "--urgency", "2", "-o", "json"))
        between += any(proc.poll() is None for proc, _argv in importers)  # done while an import still ran
    imports = [procs.finish(campaign, proc, argv, started) for proc, argv in importers]
    campaign.check(between > 0, "parallel: the imports ended before the first incident was written")
    campaign.steps += len(writes) + len(imports)
    for done in [*imports, *writes]:
        campaign.check(done.returncode == 0, f"{' '.join(done.args[2:])[:80]}: exited {done.returncode}: "
                                             f"{done.stderr.strip()[-300:]}")
    for f in files:
        campaign.check(checks.killed_import(campaign, db, f, PARALLEL_LINES, f"parallel {f.name}") == PARALLEL_LINES,
                       f"parallel {f.name}: not every event is stored")
    total = checks.event_count(db)
    campaign.check(checks.event_count(db, hidden_too=True) == total, "parallel: events stored but hidden")
    campaign.check(total == before + 2 * PARALLEL_LINES,
                   f"parallel: {total:,} events, expected {before + 2 * PARALLEL_LINES:,}")
    listed = procs.run(campaign, db, "incidents", "--search", "Headsets crackling", "-o", "json", "--limit", "100")
    campaign.check(all(t in listed.stdout for t in titles), "parallel: an incident added during the imports is missing")
    checks.database(campaign, db, "parallel")
    campaign.assert_clean()
