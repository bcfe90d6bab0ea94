"""Encodings, line ends, archives, folders, binary files, duplicates, cancel and crash recovery."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from app.domain import timeutil
from app.domain.jobs import Cancelled, Progress
from app.ingest.service import ImportOptions, import_paths
from app.store import imports as store
from app.store.database import Database
from helpers import CancelAfter

LINES = ["Nov 29 10:00:01 h1 app[1]: café ✓ first", "Nov 29 10:00:02 h1 app[1]: second",
         "  continuation", "Nov 29 10:00:03 h1 app[1]: last, no newline"]


def _opts(**kw: object) -> ImportOptions:
    return ImportOptions(zone=timeutil.UTC, year=2026, **kw)  # type: ignore[arg-type]


def _messages(db: Database, import_id: int | None) -> list[str]:
    return [r["message"] for r in db.rows("SELECT message FROM events WHERE import_id = ? ORDER BY line_no",
                                          (import_id,))]


@pytest.mark.parametrize("encoding, newline", [
    ("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("utf-16", "\r\n"), ("utf-16-le", "\n"), ("utf-16-be", "\r"),
    ("utf-8", "\r"),
])
def test_encodings_and_line_ends(db: Database, tmp_path: Path, encoding: str, newline: str) -> None:
    f = tmp_path / "x.log"
    data = newline.join(LINES).encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = newline.join(LINES).encode(encoding)  # no BOM: found from the NUL pattern
    f.write_bytes(data)
    [r] = import_paths(db, [f], _opts())
    assert r.ok, r.message
    assert (r.read, r.accepted, r.continuation, r.rejected) == (4, 3, 1, 0)
    msgs = _messages(db, r.import_id)
    assert msgs[0] == "café ✓ first" and msgs[1] == "second\n  continuation" and msgs[2] == "last, no newline"
    flags = {row["flags"] for row in db.rows("SELECT flags FROM events WHERE import_id = ?", (r.import_id,))}
    assert flags == {8}  # nothing replaced; plain syslog has no level field, so each severity is inferred


def test_cp1252_fallback_flags_the_event(db: Database, tmp_path: Path) -> None:
    f = tmp_path / "win.log"
    f.write_bytes(b"Nov 29 10:00:01 h app: caf\xe9 \x80 ok\nNov 29 10:00:02 h app: plain\n")
    [r] = import_paths(db, [f], _opts())
    rows = db.rows("SELECT message, flags FROM events WHERE import_id = ? ORDER BY line_no", (r.import_id,))
    assert rows[0]["message"] == "café € ok" and rows[0]["flags"] & 1 and not rows[1]["flags"] & 1


def test_gzip_zip_and_folder_with_glob(db: Database, tmp_path: Path) -> None:
    text = "\n".join(LINES) + "\n"
    folder = tmp_path / "logs"
    (folder / "sub").mkdir(parents=True)
    with gzip.open(folder / "sub" / "a.log.gz", "wt", encoding="utf-8") as fh:
        fh.write(text)
    (folder / "b.log").write_text(text.replace("first", "bee"), encoding="utf-8")
    (folder / "skip.txt").write_text("not matched by the glob")
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as zf:
        zf.writestr("inner/c1.log", text.replace("first", "c1"))
        zf.writestr("inner/c2.log", text.replace("first", "c2"))
    results = import_paths(db, [folder, tmp_path / "c.zip"], _opts(glob="*.log*"))
    assert [r.status for r in results] == ["complete"] * 4, [r.message for r in results]
    names = sorted(r.file.replace(str(tmp_path), "") for r in results)
    assert names == ["/c.zip:inner/c1.log", "/c.zip:inner/c2.log", "/logs/b.log", "/logs/sub/a.log.gz"]
    assert all((r.read, r.accepted) == (4, 3) for r in results)
    assert db.scalar("SELECT count(*) FROM events WHERE message = 'café ✓ c2'") == 1


def test_folder_and_zip_leave_out_what_is_not_a_log_but_a_named_file_is_taken(db: Database,
                                                                              tmp_path: Path) -> None:
    text = "\n".join(LINES) + "\n"
    folder = tmp_path / "bundle"
    (folder / "docs").mkdir(parents=True)
    (folder / "app.log").write_text(text, encoding="utf-8")
    (folder / "README.md").write_text("# Support bundle\n\nCollected from floor B.\n", encoding="utf-8")
    (folder / "LICENSE").write_text("MIT License\n", encoding="utf-8")
    (folder / "docs" / "screen.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with zipfile.ZipFile(folder / "more.zip", "w") as zf:
        zf.writestr("README.txt", "how to read these logs")
        zf.writestr("web.log", text.replace("first", "zipped"))
    results = import_paths(db, [folder], _opts())
    by_name = {Path(r.file.split(":")[-1]).name: r for r in results}
    assert {n: r.status for n, r in by_name.items()} == {
        "app.log": "complete", "README.md": "skipped", "LICENSE": "skipped", "screen.png": "skipped",
        "README.txt": "skipped", "web.log": "complete"}
    assert "README.md: skipped, not a log" in by_name["README.md"].message
    assert db.scalar("SELECT count(*) FROM events WHERE message LIKE '%Support bundle%'") == 0
    # Named directly, or asked for with a glob, a README is read like any text file: it has no time stamp,
    # so it is refused with its lines shown, unless the user chooses a time for it.
    named = import_paths(db, [folder / "README.md"], _opts())
    assert named[0].status == "failed" and "# Support bundle" in named[0].message
    globbed = import_paths(db, [folder], _opts(glob="LICENSE", force=True, time_from="mtime"))
    assert [r.status for r in globbed] == ["complete"]


def test_a_folder_with_nothing_but_documentation_fails_with_a_hint(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "README.md").write_text("# notes\n", encoding="utf-8")
    log = tmp_path / "app.log"
    log.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    db = tmp_path / "cli.db"  # beside the logs: the folder import leaves the database and its WAL alone
    only_docs = run_cli("--db", db, "import", folder)
    assert only_docs.returncode == 1
    assert "no logs in this folder, only 1 other file(s)" in only_docs.stderr
    assert "README.md: skipped" in only_docs.stdout
    both = run_cli("--db", db, "import", tmp_path)
    assert both.returncode == 0, both.stderr  # a log imported and a README skipped is a success
    assert "cli.db: skipped" in both.stdout and "app.log: syslog" in both.stdout
    itself = run_cli("--db", db, "import", db, f"{db}-wal")
    assert itself.returncode == 1
    assert itself.stderr.count("an Issue Ledger database open here, not a log") == 2, itself.stderr


def test_binary_file_fails_alone_with_one_line(db: Database, tmp_path: Path) -> None:
    good = tmp_path / "good.log"
    good.write_text("\n".join(LINES))
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 20)
    results = import_paths(db, [bad, good, tmp_path / "missing.log"], _opts())
    assert [r.status for r in results] == ["failed", "complete", "failed"]
    assert "photo.jpg" in results[0].message and "\n" not in results[0].message
    assert "missing.log" in results[2].message
    assert db.scalar("SELECT count(*) FROM imports WHERE file = 'photo.jpg'") == 0


def test_same_file_twice_is_refused_unless_forced(db: Database, tmp_path: Path) -> None:
    f = tmp_path / "a.log"
    f.write_text("\n".join(LINES))
    [first] = import_paths(db, [f], _opts())
    [again] = import_paths(db, [f], _opts())
    assert again.status == "duplicate" and f"#{first.import_id}" in again.message and "--force" in again.message
    [forced] = import_paths(db, [f], _opts(force=True))
    assert forced.ok and db.scalar("SELECT count(*) FROM events") == 6
    row = store.get(db, first.import_id or 0)
    assert row is not None and len(row["sha256"]) == 64 and row["format"] == "syslog" and row["size"] > 0


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 500 and the bulk-load path from 1,000 rows, so small files take the big-file paths."""
    from app.ingest import engine

    monkeypatch.setattr(engine, "BATCH", 500)
    monkeypatch.setattr(store, "BULK_MIN_ROWS", 1000)


def test_cancel_rolls_back_everything(db: Database, tmp_path: Path, small_batches: None) -> None:
    f = tmp_path / "big.log"
    f.write_text("".join(f"Nov 29 10:{i // 60 % 60:02d}:{i % 60:02d} h app: line {i}\n" for i in range(6_000)))
    before = db.scalar("SELECT count(*) FROM sqlite_master")
    [r] = import_paths(db, [f], _opts(), progress=CancelAfter(2))
    assert r.status == "cancelled"
    assert db.scalar("SELECT count(*) FROM events") == 0
    assert db.scalar("SELECT count(*) FROM imports") == 0
    assert db.scalar("SELECT count(*) FROM events_fts") == 0
    assert db.scalar("SELECT count(*) FROM sqlite_master") == before  # trigger and indexes are back


def test_stepped_import_keeps_indexes_and_search(db: Database, tmp_path: Path, small_batches: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ingest import steps

    monkeypatch.setattr(steps, "STEP_ROWS", 1000)
    f = tmp_path / "big.log"
    f.write_text("".join(f"Nov 29 10:{i // 60 % 60:02d}:{i % 60:02d} h app: line {i} token{i % 7}\n"
                         for i in range(6_000)))
    names = {r["name"] for r in db.rows("SELECT name FROM sqlite_master WHERE tbl_name = 'events'")}
    commits: list[str] = []
    db.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    [r] = import_paths(db, [f], _opts())
    db.conn.set_trace_callback(None)
    assert r.accepted == 6_000 and len(commits) >= 6  # committed in steps of at most 1,000 events
    assert {r["name"] for r in db.rows("SELECT name FROM sqlite_master WHERE tbl_name = 'events'")} == names
    hits = db.scalar("SELECT count(*) FROM events_fts WHERE events_fts MATCH 'token3'")
    assert hits == len([i for i in range(6_000) if i % 7 == 3])
    assert db.scalar("PRAGMA integrity_check") == "ok"


def test_interrupted_import_shows_as_incomplete(db: Database, tmp_path: Path) -> None:
    import json

    import_id = store.begin(db, {"file": "crashed.log", "sha256": "ab" * 32})
    db.execute("UPDATE imports SET options = ? WHERE id = ?",
               (json.dumps({"owner": {"pid": 999_999_999, "host": "elsewhere"}}), import_id))
    assert store.recover_interrupted(db) == [import_id]
    row = store.get(db, import_id)
    assert row is not None and row["status"] == "incomplete" and "again" in row["message"]
    assert (row["read"], row["accepted"]) == (0, 0)
    f = tmp_path / "crashed.log"
    f.write_text("\n".join(LINES))
    [r] = import_paths(db, [f], _opts())
    assert r.ok  # an incomplete import never blocks importing the file again


def test_running_import_of_a_live_process_is_left_alone(db: Database) -> None:
    import_id = store.begin(db, {"file": "live.log"})
    assert store.recover_interrupted(db) == []
    assert store.get(db, import_id)["status"] == "running"  # type: ignore[index]


def test_cancelled_exception_type_is_the_domain_one() -> None:
    p = Progress()
    p.cancel()
    with pytest.raises(Cancelled):
        p.check()
