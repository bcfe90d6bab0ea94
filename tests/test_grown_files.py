"""A log that grew since its last import: only the new lines are imported, numbered on from the old ones."""

from __future__ import annotations

import json
from pathlib import Path

from app.domain import timeutil
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database


def _lines(start: int, n: int) -> str:
    return "".join(f"2026-12-01 10:{i // 60:02d}:{i % 60:02d} ERROR trunk {i} down\n" for i in range(start, start + n))


def test_a_grown_file_imports_only_its_new_lines(tmp_path: Path) -> None:
    log = tmp_path / "pbx.log"
    log.write_text(_lines(0, 100), encoding="utf-8")
    with Database.open(tmp_path / "l.db") as db:
        [first] = import_paths(db, [log], ImportOptions(zone=timeutil.UTC))
        assert first.ok and first.accepted == 100
        with log.open("a", encoding="utf-8") as fh:
            fh.write(_lines(100, 25))
        [grown] = import_paths(db, [log], ImportOptions(zone=timeutil.UTC))
        assert grown.ok
        assert (grown.read, grown.accepted, grown.already, grown.continues) == (25, 25, 100, first.import_id)
        assert db.scalar("SELECT count(*) FROM events") == 125  # nothing stored twice
        lines = [r["line_no"] for r in db.rows("SELECT line_no FROM events WHERE import_id = ? ORDER BY line_no",
                                               (grown.import_id,))]
        assert lines == list(range(101, 126))
        options = json.loads(db.scalar("SELECT options FROM imports WHERE id = ?", (grown.import_id,)))
        assert options["continues"] == first.import_id and options["lines_before"] == 100

        with log.open("a", encoding="utf-8") as fh:  # and again: numbering goes on from both imports
            fh.write(_lines(125, 5))
        [again] = import_paths(db, [log], ImportOptions(zone=timeutil.UTC))
        assert (again.read, again.already, again.continues) == (5, 125, grown.import_id)
        assert db.scalar("SELECT max(line_no) FROM events") == 130
        [same] = import_paths(db, [log], ImportOptions(zone=timeutil.UTC))
        assert same.status == "duplicate"
        [forced] = import_paths(db, [log], ImportOptions(zone=timeutil.UTC, force=True))
        assert forced.ok and forced.read == 130 and forced.already == 0
        assert db.scalar("SELECT count(*) FROM events") == 260


def test_a_copy_under_another_name_continues_by_its_leading_bytes(tmp_path: Path) -> None:
    log = tmp_path / "pbx.log"
    log.write_text(_lines(0, 10), encoding="utf-8")
    with Database.open(tmp_path / "l.db") as db:
        [first] = import_paths(db, [log], ImportOptions(zone=timeutil.UTC))
        rotated = tmp_path / "pbx.log.1"
        rotated.write_text(_lines(0, 12), encoding="utf-8")
        [r] = import_paths(db, [rotated], ImportOptions(zone=timeutil.UTC))
        assert (r.read, r.already, r.continues) == (2, 10, first.import_id)


def test_a_different_file_or_a_changed_head_is_imported_whole(tmp_path: Path) -> None:
    log = tmp_path / "pbx.log"
    log.write_text(_lines(0, 10), encoding="utf-8")
    with Database.open(tmp_path / "l.db") as db:
        import_paths(db, [log], ImportOptions(zone=timeutil.UTC))
        log.write_text(_lines(0, 10).replace("trunk 3 ", "trunk 33 ") + _lines(10, 5), encoding="utf-8")
        [r] = import_paths(db, [log], ImportOptions(zone=timeutil.UTC))
        assert r.ok and r.read == 15 and r.continues is None


def test_the_cli_says_how_many_lines_were_new(run_cli, db_path: Path, tmp_path: Path) -> None:
    log = tmp_path / "pbx.log"
    log.write_text(_lines(0, 10), encoding="utf-8")
    assert run_cli("--db", db_path, "import", log).returncode == 0
    with log.open("a", encoding="utf-8") as fh:
        fh.write(_lines(10, 3))
    r = run_cli("--db", db_path, "import", log)
    assert r.returncode == 0, r.stderr
    assert "3 new lines (10 already imported by import #1)" in r.stdout
