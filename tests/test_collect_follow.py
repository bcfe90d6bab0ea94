"""Following files: partial lines, rotation (rename, copytruncate, .1/.gz), missing and unreadable files."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from app.collect.files import PARTIAL_TIMEOUT_S, FileFollower
from app.store import sources as store
from app.store.database import Database
from tests.collect_helpers import add, append, collect, line, lines, seqs


def test_a_partial_line_waits_for_its_newline_then_for_the_timeout(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"first\nsec")
    follower = FileFollower(1, tmp_path, name="app.log")
    mtime = log.stat().st_mtime
    [chunk] = follower.poll(now=mtime)
    assert chunk.data == b"first\n" and chunk.state.pending == 3
    follower.done(chunk)
    assert follower.poll(now=mtime + 1) == []  # "sec" has no newline yet
    append(log, "ond\nthi")
    mtime = log.stat().st_mtime
    [chunk] = follower.poll(now=mtime)
    assert chunk.data == b"second\n"  # the waiting bytes and their rest make one line
    follower.done(chunk)
    assert follower.poll(now=mtime + PARTIAL_TIMEOUT_S - 1) == []
    [late] = follower.poll(now=mtime + PARTIAL_TIMEOUT_S)  # the writer went quiet: taken as it is
    assert late.data == b"thi" and late.state.offset == log.stat().st_size


def test_offsets_survive_a_restart_of_the_collector(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(lines(0, 50), encoding="utf-8")
    add(db, log)
    assert collect(db) == 50
    append(log, lines(50, 7))
    assert collect(db) == 7  # a new Runner: it starts from the stored offset
    assert collect(db) == 0
    assert seqs(db) == list(range(57))
    [state] = store.files(db, 1)
    assert (state.offset, state.line_no) == (log.stat().st_size, 57)
    assert db.scalar("SELECT max(line_no) FROM events") == 57


def test_rename_rotation_reads_the_old_file_to_its_end_then_the_new_one(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(lines(0, 10), encoding="utf-8")
    add(db, log)
    collect(db)
    append(log, lines(10, 5))  # written just before the rotation, not yet read
    log.rename(tmp_path / "app.log.1")
    log.write_text(lines(15, 5), encoding="utf-8")
    collect(db)
    assert seqs(db) == list(range(20))
    (tmp_path / "app.log.1").rename(tmp_path / "app.log.2")  # a second rotation, after a restart
    log.rename(tmp_path / "app.log.1")
    log.write_text(lines(20, 3), encoding="utf-8")
    append(tmp_path / "app.log.1", lines(23, 0))
    collect(db)
    assert seqs(db) == list(range(23))


def test_copytruncate_loses_nothing_and_repeats_nothing(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(lines(0, 10), encoding="utf-8")
    add(db, log)
    collect(db)
    append(log, lines(10, 4))  # not yet read when logrotate copies and truncates
    shutil.copyfile(log, tmp_path / "app.log.1")
    with log.open("r+b") as fh:
        fh.truncate(0)
    append(log, lines(14, 3))
    collect(db)
    assert seqs(db) == list(range(17))


def test_copytruncate_with_the_same_head_starts_the_file_again(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    head = lines(0, 30)
    log.write_text(head, encoding="utf-8")
    add(db, log)
    collect(db)
    with log.open("r+b") as fh:
        fh.truncate(0)
    log.write_text(line(0), encoding="utf-8")  # the same first line again, yet a shorter file: read from 0
    collect(db)
    assert seqs(db) == [*range(30), 0]


def test_renamed_and_compressed_rotations_are_not_read_again(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(lines(0, 20), encoding="utf-8")
    add(db, log)
    collect(db)
    log.rename(tmp_path / "app.log.1")
    log.write_text(lines(20, 5), encoding="utf-8")
    collect(db)
    with (tmp_path / "app.log.1").open("rb") as src, gzip.open(tmp_path / "app.log.2.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    (tmp_path / "app.log.1").unlink()
    log.rename(tmp_path / "app.log.1")
    log.write_text(lines(25, 1), encoding="utf-8")
    collect(db)
    assert seqs(db) == list(range(26))
    assert sorted(Path(s.path).name for s in store.files(db, 1)) == ["app.log", "app.log.1"]


def test_an_old_rotation_present_before_the_source_is_left_alone(db: Database, tmp_path: Path) -> None:
    (tmp_path / "app.log.1").write_text(lines(900, 5), encoding="utf-8")
    (tmp_path / "app.log").write_text(lines(0, 5), encoding="utf-8")
    add(db, tmp_path / "app.log")
    collect(db)
    assert seqs(db) == list(range(5))


def test_a_missing_file_is_an_error_until_it_appears(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "later.log"
    source_id = add(db, log)
    collect(db)
    row = store.get(db, source_id)
    assert row and row["last_error"] == f"{log}: not found (waiting for it)" and row["last_error_at"]
    log.write_text(lines(0, 3), encoding="utf-8")
    collect(db)
    row = store.get(db, source_id)
    assert row and row["last_error"] is None and row["lines"] == 3
    assert seqs(db) == [0, 1, 2]


def test_a_folder_follows_every_matching_file_new_ones_included(db: Database, tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text(lines(0, 3), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a log\n", encoding="utf-8")
    add(db, tmp_path, glob="*.log")
    collect(db)
    (tmp_path / "b.log").write_text(lines(3, 2), encoding="utf-8")
    append(tmp_path / "a.log", lines(5, 1))
    collect(db)
    assert sorted(seqs(db)) == list(range(6))
    assert db.scalar("SELECT count(DISTINCT import_id) FROM events") == 1  # one import per source, not per batch


def test_an_unreadable_file_shows_an_error_and_the_other_sources_keep_running(tmp_path: Path) -> None:
    root = os.geteuid() == 0  # root reads any file: then the collector runs as an ordinary user (nobody)
    base = Path(tempfile.mkdtemp(prefix="collect-", dir="/tmp")) if root else tmp_path
    try:
        folder = base / "logs"
        folder.mkdir()
        locked = folder / "locked.log"
        locked.write_text(lines(100, 2), encoding="utf-8")
        fine = base / "fine.log"
        fine.write_text(lines(0, 4), encoding="utf-8")
        with Database.open(base / "ledger.db") as db:
            add(db, locked)
            add(db, fine)
        locked.chmod(0)
        prefix: list[str] = []
        if root:
            base.chmod(0o755)
            for path in [base, *base.rglob("*")]:
                os.chown(path, 65534, 65534)
            os.chown(locked, 0, 0)
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        env = {**os.environ, "HOME": str(base), **{k: str(base / k) for k in
                                                   ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME",
                                                    "XDG_CACHE_HOME")}}
        done = subprocess.run([*prefix, sys.executable, "-m", "app", "--db", str(base / "ledger.db"), "watch",
                               "--once"], capture_output=True, text=True, timeout=60, env=env)
        assert done.returncode == 0, done.stderr
        with Database.open(base / "ledger.db") as again:
            assert seqs(again) == [0, 1, 2, 3]
            rows = {r["id"]: r for r in store.listing(again)}
            assert rows[1]["last_error"] == f"{locked}: cannot read: Permission denied"
            assert rows[2]["last_error"] is None and rows[2]["lines"] == 4
    finally:
        if root:
            shutil.rmtree(base, ignore_errors=True)


def test_the_detected_format_is_kept_for_later_runs(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(lines(0, 2), encoding="utf-8")
    add(db, log)
    collect(db)
    assert db.scalar("SELECT format FROM imports") == "syslog"
    log.write_text("a line in no known shape\n", encoding="utf-8")  # truncated: alone, detection would refuse it
    collect(db)  # a new run: the source keeps the format it had, and the line is a reject like any other
    assert [r["line_no"] for r in db.rows("SELECT line_no FROM import_rejects")] == [1]
    assert store.get(db, 1)["last_error"] is None  # type: ignore[index]


def test_continuation_lines_in_a_later_batch_join_their_event(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(lines(0, 3), encoding="utf-8")
    add(db, log)
    from app.collect.runner import Runner

    runner = Runner(db)
    runner.reload()  # one runner kept across passes, as ``watch`` keeps it
    try:
        assert runner.pass_once() is True
        append(log, "    at com.acme.Dialer.call(Dialer.java:42)\n    at com.acme.Main\n" + line(3))
        runner.pass_once()
    finally:
        runner.close()
    assert seqs(db) == [0, 1, 2, 3]
    last = db.rows("SELECT message, raw FROM events WHERE line_no = 3")[0]
    assert last["message"].endswith("seq=2\n    at com.acme.Dialer.call(Dialer.java:42)\n    at com.acme.Main")
    assert db.scalar("SELECT line_no FROM events WHERE message LIKE '%seq=3'") == 6
    assert db.scalar("SELECT count(*) FROM import_rejects") == 0
    assert db.scalar("SELECT count(*) FROM events_fts WHERE events_fts MATCH 'Dialer'") == 1
    assert db.rows("SELECT read_count, continuation FROM imports")[0] == {"read_count": 6, "continuation": 2}


def test_a_copy_is_not_read_while_its_original_is_whole(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(lines(0, 10), encoding="utf-8")
    add(db, log)
    collect(db)
    append(log, lines(10, 4))
    shutil.copyfile(log, tmp_path / "app.log.1")  # logrotate has copied, not yet truncated
    collect(db)
    assert seqs(db) == list(range(14))  # the new lines once, from the original
    with log.open("r+b") as fh:
        fh.truncate(0)
    append(log, lines(14, 3))
    collect(db)
    assert seqs(db) == list(range(17))


def test_a_copy_seen_after_the_truncation_gives_its_unread_rest(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(lines(0, 10), encoding="utf-8")
    follower = FileFollower(1, tmp_path, name="app.log")
    [chunk] = follower.poll()
    follower.done(chunk)
    append(log, lines(10, 4))
    copy = tmp_path / "later"
    shutil.copyfile(log, copy)
    with log.open("r+b") as fh:
        fh.truncate(0)
    append(log, lines(14, 1))
    [fresh] = follower.poll()  # the truncation is seen before the copy has its rotated name
    follower.done(fresh)
    assert fresh.data == line(14).encode()
    copy.rename(tmp_path / "app.log.1")
    [rest] = follower.poll()
    assert rest.data == lines(10, 4).encode()


def test_idle_files_hold_no_open_handle_and_are_read_again_when_they_grow(tmp_path: Path) -> None:
    for n in range(5):
        (tmp_path / f"agent{n}.log").write_text(lines(n * 10, 2), encoding="utf-8")
    follower = FileFollower(1, tmp_path, glob="*.log")
    for chunk in follower.poll(now=1000.0):
        follower.done(chunk)
    assert len(follower.handles) == 5
    assert follower.poll(now=1000.0 + 61) == [] and follower.handles == {}
    append(tmp_path / "agent3.log", line(99))
    [chunk] = follower.poll(now=1000.0 + 62)
    assert chunk.data == line(99).encode() and list(follower.handles) == [(chunk.state.device, chunk.state.inode)]
