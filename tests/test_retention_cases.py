"""Retention's edges: dry run, tampered archives, restoring twice, cancel midway, policies set and shown."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from app.domain.jobs import Progress, ProgressUpdate
from app.retention import archive, restore, run
from app.store.database import Database
from retention_helpers import NOW, NOW_ISO, due_where, events_json, fill, ok


def _db(path: Path, n: int = 5_000) -> Database:
    db = Database.open(path)
    fill(db, n)
    return db


def test_a_dry_run_writes_nothing(db_path: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    with _db(db_path) as db:
        due = db.scalar(f"SELECT count(*) FROM events WHERE {due_where()}")
        audit_rows = db.scalar("SELECT count(*) FROM audit_log")
    out = json.loads(ok(run_cli("--db", db_path, "retention", "run", "--dry-run", "--archive", tmp_path / "a",
                                "--now", NOW_ISO, "--output", "json")).stdout)
    assert out["due"] == due > 0 and out["purged"] == 0 and out["state"] == "dry-run"
    assert sum(out["by_policy"].values()) == due
    assert not (tmp_path / "a").exists()
    with Database.open(db_path) as db:
        assert db.scalar("SELECT count(*) FROM events") == 5_000
        assert db.scalar("SELECT count(*) FROM audit_log") == audit_rows
        assert db.scalar("SELECT count(*) FROM retention_runs") == 0


def test_a_tampered_archive_file_fails_verify_naming_it(db_path: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    with _db(db_path) as db:
        run.run(db, tmp_path / "a", NOW)
    victim = sorted((tmp_path / "a").glob("*/*.jsonl.gz"))[1]
    with gzip.open(victim, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    lines[0] = lines[0].replace("event", "EVENT", 1)
    with gzip.open(victim, "wt", encoding="utf-8") as fh:
        fh.writelines(lines)
    proc = run_cli("archive", "verify", tmp_path / "a")
    assert proc.returncode == 1
    assert str(victim) in proc.stderr and "SHA-256" in proc.stderr and "Traceback" not in proc.stderr
    refused = run_cli("--db", tmp_path / "other.db", "archive", "restore", tmp_path / "a")
    assert refused.returncode == 1 and "nothing was restored" in refused.stderr


def test_restoring_twice_adds_nothing_and_into_the_same_database_brings_back_the_purged(  # type: ignore[no-untyped-def]
        db_path: Path, tmp_path: Path, run_cli) -> None:
    with _db(db_path) as db:
        before = events_json(db)
        result = run.run(db, tmp_path / "a", NOW)
        assert result.purged > 0
    first = json.loads(ok(run_cli("--db", db_path, "archive", "restore", tmp_path / "a", "-o", "json")).stdout)
    second = json.loads(ok(run_cli("--db", db_path, "archive", "restore", tmp_path / "a", "-o", "json")).stdout)
    assert first["restored"] == result.purged and second["restored"] == 0
    assert second["already_present"] == result.archived
    with Database.open(db_path) as db:
        assert events_json(db) == before
        assert [r["action"] for r in db.rows("SELECT action FROM audit_log WHERE entity = 'retention'")] == [
            "archive", "purge", "restore", "restore"]
    ok(run_cli("--db", db_path, "verify"))


class _CancelDuringPurge(Progress):
    """Presses Cancel once the purge has deleted its second batch."""

    def update(self, update: ProgressUpdate) -> None:
        if update.text.startswith("purged") and (update.events or 0) >= 2_000:
            self.cancel()


def test_a_run_cancelled_midway_is_consistent(db_path: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    with _db(db_path, 20_000) as db:
        everything = events_json(db)
        result = run.run(db, tmp_path / "a", NOW, progress=_CancelDuringPurge(), batch=1_000)
        assert result.state == "cancelled" and result.purged == 2_000 < result.archived
        manifest, problems = archive.verify(tmp_path / "a")
        assert problems == []
        assert manifest["purge"]["state"] == "cancelled" and manifest["purge"]["purged"] == 2_000
        gone = db.scalar("SELECT count(*) FROM events WHERE id <= ?", (manifest["purge"]["through_id"],))
        assert db.scalar("SELECT count(*) FROM events") == 18_000 and gone < manifest["purge"]["through_id"]
        back = restore.restore(db, tmp_path / "a")
        assert back.restored == 2_000 and back.already_present == result.archived - 2_000
        assert events_json(db) == everything
    ok(run_cli("--db", db_path, "verify"))


def test_evidence_of_an_open_incident_stays_and_of_a_long_closed_one_goes(db_path: Path, tmp_path: Path) -> None:
    from app.incidents import service as incidents

    with _db(db_path) as db:
        old = [int(r[0]) for r in db.execute(f"SELECT id FROM events WHERE {due_where()} ORDER BY id DESC LIMIT 6")]
        incidents.create(db, {"title": "open", "log_type": "system", "impact": 2, "urgency": 2}, old[:3])
        closed = incidents.create(db, {"title": "closed", "log_type": "system", "impact": 2, "urgency": 2,
                                       "opened_at": "2024-01-01T00:00:00.000Z"}, old[3:])
        db.execute("UPDATE incidents SET status = 'closed', closed_at = '2024-01-02T00:00:00.000Z' WHERE id = ?",
                   (closed["id"],))
        result = run.run(db, tmp_path / "a", NOW)
        assert result.kept_as_evidence == 3
        listed = ",".join(map(str, old))
        assert {int(r[0]) for r in db.execute(f"SELECT id FROM events WHERE id IN ({listed})")} == set(old[:3])


def test_policies_are_set_audited_and_shown(db_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _db(db_path, 10).close()
    assert "was 14 days" in ok(run_cli("--db", db_path, "retention", "set", "debug", "7")).stdout
    assert "new policy" in ok(run_cli("--db", db_path, "retention", "set", "network", "30", "--client", "ACME")).stdout
    shown = json.loads(ok(run_cli("--db", db_path, "retention", "show", "-o", "json")).stdout)
    days = {p["label"]: p["days"] for p in shown["policies"]}
    assert days["* up to debug"] == 7 and days["network for ACME"] == 30 and days["security"] == 365
    bad = run_cli("--db", db_path, "retention", "set", "nonsense", "7")
    assert bad.returncode == 2 and "LOG_TYPE" in bad.stderr and "Traceback" not in bad.stderr
    with Database.open(db_path) as db:
        assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'retention-policy'") == 2
    ok(run_cli("--db", db_path, "verify"))


def test_the_excel_cover_states_the_retention_policy_in_force(db_path: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    _db(db_path, 100).close()
    ok(run_cli("--db", db_path, "retention", "set", "security", "400"))
    out = tmp_path / "r.xlsx"
    ok(run_cli("--db", db_path, "report", out, timeout=300))
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True) if r and r[0]}
    stated = summary["Retention policy in force"]
    assert "security 400 days" in stated and "any log type up to debug 14 days" in stated
    assert "every other event 90 days" in stated and "730 days after closing" in stated


def test_an_older_file_is_told_to_vacuum_once_and_then_returns_space(db_path: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    _db(db_path, 5_000).close()
    with sqlite3.connect(db_path) as raw:  # as files made before schema 19 are: no auto-vacuum
        raw.execute("PRAGMA auto_vacuum=NONE")
        raw.execute("VACUUM")
        assert raw.execute("PRAGMA auto_vacuum").fetchone()[0] == 0
    told = ok(run_cli("--db", db_path, "retention", "run", "--archive", tmp_path / "a", "--now", NOW_ISO))
    assert "retention run --vacuum" in told.stderr
    pages = lambda: sqlite3.connect(db_path).execute("PRAGMA page_count").fetchone()[0]  # noqa: E731
    before = pages()
    ok(run_cli("--db", db_path, "retention", "run", "--vacuum", "--archive", tmp_path / "b", "--now", NOW_ISO))
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
    assert pages() < before
    ok(run_cli("--db", db_path, "verify"))


class _CancelWhileArchiving(Progress):
    def update(self, update: ProgressUpdate) -> None:
        if update.text.startswith("archived"):
            self.cancel()


def test_a_run_cancelled_while_archiving_purges_nothing_and_leaves_no_half_archive(db_path: Path,
                                                                                    tmp_path: Path) -> None:
    from app.domain.jobs import Cancelled

    with _db(db_path, 5_000) as db:
        try:
            run.run(db, tmp_path / "a", NOW, progress=_CancelWhileArchiving(), batch=500)
        except Cancelled:
            pass
        else:
            raise AssertionError("the run was not cancelled")
        assert db.scalar("SELECT count(*) FROM events") == 5_000
        assert db.rows("SELECT state, purged FROM retention_runs") == [{"state": "cancelled", "purged": 0}]
        assert db.scalar("SELECT count(*) FROM audit_log WHERE entity = 'retention'") == 0
    assert not (tmp_path / "a").exists()


def test_an_older_database_gets_the_default_policies_on_upgrade(db_path: Path) -> None:
    from app.store import migrations

    db = Database.open(db_path, migrate=False)
    migrations.upgrade(db, target=18)
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'retention_policies'") == 0
    db.close()
    with Database.open(db_path) as db:
        assert db.user_version == migrations.LATEST
        rows = {(r["scope"], r["log_type"], r["max_severity"]): r["days"] for r in db.rows(
            "SELECT scope, log_type, max_severity, days FROM retention_policies")}
        assert rows == {("events", "*", None): 90, ("events", "security", None): 365,
                        ("events", "audit", None): 365, ("events", "*", 0): 14, ("incidents", "*", None): 730}
    with Database.open(db_path) as db:
        from app.store import settings

        assert settings.RETENTION_AUTO.read(db) is False  # an upgrade never starts purging unasked


def test_scheduled_runs_are_on_for_a_new_file_off_for_an_upgraded_one_and_switched_from_the_cli(
        tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from app.retention import schedule
    from app.store import migrations

    new = tmp_path / "new.db"
    with Database.open(new) as db:
        fill(db, 200)
        assert schedule.is_due(db, NOW) > 0
    old = tmp_path / "old.db"
    db = Database.open(old, migrate=False)
    migrations.upgrade(db, target=18)
    db.close()
    with Database.open(old) as db:
        fill(db, 200)
        assert schedule.is_due(db, NOW) == 0 and schedule.run_if_due(db, NOW) is None
        assert db.scalar("SELECT count(*) FROM events") == 200
    shown = json.loads(run_cli("--db", old, "retention", "show", "-o", "json").stdout)
    assert shown["auto"] is False
    turned = run_cli("--db", old, "retention", "auto", "on")
    assert turned.returncode == 0 and turned.stdout.strip() == "scheduled retention runs on (were off)"
    with Database.open(old) as db:
        assert schedule.is_due(db, NOW) > 0
        sql = "SELECT count(*) FROM audit_log WHERE entity = 'settings' AND entity_id = 'retention.auto'"
        assert db.scalar(sql) == 1
