"""Background database work: one operation shape, connections that end with their thread, and an inline mode."""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path

from app.domain import timeutil
from app.domain.jobs import Progress
from app.store.database import Database

UI = Path(__file__).resolve().parents[1] / "app" / "ui"


def _closed(db: Database) -> bool:
    try:
        db.conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:  # "Cannot operate on a closed database."
        return True
    return False


def test_a_model_thread_keeps_one_connection_and_closes_it_when_the_thread_ends(qtbot, new_db_path: Path) -> None:
    from app.ui.models.runner import SqlRunner

    runner = SqlRunner(new_db_path)
    seen: list[Database] = []
    counts: list[int] = []

    def count(db: Database, _progress: Progress) -> int:
        seen.append(db)
        return int(db.scalar("SELECT count(*) FROM events"))

    runner.run(count, counts.append)
    runner.run(count, counts.append)
    qtbot.waitUntil(lambda: counts == [0, 0])
    assert seen[0] is seen[1]  # the page thread's later work reuses its connection
    assert not _closed(seen[0])
    assert runner.wait()  # Qt 6: waitForDone ends the pool's threads
    assert _closed(seen[0]), "the connection outlived its thread"


def test_no_connection_outlives_its_thread(qtbot, new_db_path: Path) -> None:
    """Every kind of pool: the global one, a named one (the write queue), a model's; then all threads end."""
    from app.ui import connections, workers, write_queue
    from app.ui.db_ops import DbOp, Kind

    seen: list[tuple[Database, int]] = []
    done: list[str] = []

    def grab(name: str):  # type: ignore[no-untyped-def]
        def op(db: Database, _progress: Progress) -> str:
            seen.append((db, threading.get_ident()))
            return name
        return op

    DbOp(None, new_db_path, grab("full"), on_success=done.append).run_in_background()
    DbOp(None, new_db_path, grab("lean"), on_success=done.append, kind=Kind.LEAN).run_in_background()
    write_queue.submit(None, new_db_path, lambda db: grab("write")(db, Progress()), done.append,
                       lambda *_a: None)
    qtbot.waitUntil(lambda: sorted(done) == ["full", "lean", "write"])
    assert all(threading.get_ident() != ident for _db, ident in seen)  # none ran on the GUI thread
    assert workers.wait_all()
    assert [db for db, _ident in seen if not _closed(db)] == []
    assert connections.open_count(new_db_path) == 0


def test_a_failed_operation_gets_a_fresh_connection_next_time(qtbot, new_db_path: Path) -> None:
    from app.ui import workers
    from app.ui.db_ops import DbOp

    seen: list[Database] = []
    failures: list[str] = []
    results: list[int] = []
    pool = workers.pool("test-failure", 1)

    def fail(db: Database, _progress: Progress) -> int:
        seen.append(db)
        raise sqlite3.OperationalError("disk I/O error")

    def count(db: Database, _progress: Progress) -> int:
        seen.append(db)
        return int(db.scalar("SELECT count(*) FROM incidents"))

    DbOp(None, new_db_path, fail, on_failure=lambda m, _d: failures.append(m)).run_in_background(pool)
    DbOp(None, new_db_path, count, on_success=results.append).run_in_background(pool)
    qtbot.waitUntil(lambda: results == [0])
    assert failures == ["disk I/O error"]
    assert seen[0] is not seen[1] and _closed(seen[0])


def test_inline_ops_run_at_once_on_the_callers_thread(inline_ops: None, new_db_path: Path) -> None:
    from PySide6.QtCore import QObject

    from app.ui.db_ops import DbOp

    parent = QObject()
    seen: list[tuple[Database, int]] = []
    results: list[int] = []
    progress: list[tuple[int, int, str]] = []

    def op(db: Database, p: Progress) -> int:
        seen.append((db, threading.get_ident()))
        p.report(1, 1, "counted")
        return int(db.scalar("SELECT count(*) FROM events"))

    task = DbOp(parent, new_db_path, op, on_success=results.append,
                on_progress=lambda u: progress.append((u.done, u.total, u.text))).run_in_background()
    assert results == [0] and progress == [(1, 1, "counted")]  # already delivered: nothing to wait for
    assert seen[0][1] == threading.get_ident()
    assert _closed(seen[0][0])  # the GUI thread keeps no connection
    assert task.name.endswith("op")


def test_a_window_leaves_no_connection_open_once_its_threads_end(qtbot, demo_db: Database) -> None:
    from app.ui import connections, workers
    from app.ui.main_window import MainWindow
    from app.ui.session import Session

    window = MainWindow(Session(demo_db, timeutil.UTC))
    path = window.session.db_path
    window.show()
    for name in ("dashboard", "events", "incidents", "imports", "audit"):
        window.show_page(name)
        assert workers.settle(30_000)
    assert connections.open_count(path) > 0  # the pages' threads keep theirs while the window lives
    window.close()
    with qtbot.waitSignal(window.destroyed, timeout=10_000):
        window.deleteLater()  # its models' page and count threads end with it
    assert workers.settle(30_000)  # and the shared pools' threads end here
    assert connections.open_count(path) == 0


def test_no_widget_opens_a_database_connection_itself() -> None:
    """Background work gets its connection from ``app.ui.connections``; only the window's own is opened here."""
    # The provider, the window's GUI-thread connection, and the collector's thread, which keeps one connection
    # for as long as it collects (a pool worker's borrowed connection would be held for the window's life).
    allowed = {"connections.py", "application.py", "window_collector.py"}
    found = [f"{path.relative_to(UI)}:{n}" for path in sorted(UI.rglob("*.py")) if path.name not in allowed
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"Database\.open\(", line)]
    assert found == []


def test_callbacks_find_no_owner_by_looking_into_closures() -> None:
    source = (UI / "workers.py").read_text(encoding="utf-8")
    assert "__closure__" not in source and "cell_contents" not in source


def test_the_session_has_no_unused_connection_opener() -> None:
    from app.ui.session import Session

    assert not hasattr(Session, "open_worker_db")


def test_a_kept_connection_holds_no_memory_map_between_operations(qtbot, new_db_path: Path) -> None:
    """A closed connection held no mapped pages; the one a worker keeps must not hold them either."""
    from app.ui import workers
    from app.ui.db_ops import DbOp

    maps: list[tuple[int, Database]] = []
    pool = workers.pool("test-rest", 1)

    def mapped(db: Database, _progress: Progress) -> int:
        maps.append((int(db.scalar("PRAGMA mmap_size")), db))
        return 0

    done: list[int] = []
    DbOp(None, new_db_path, mapped, on_success=done.append).run_in_background(pool)
    DbOp(None, new_db_path, mapped, on_success=done.append).run_in_background(pool)
    qtbot.waitUntil(lambda: done == [0, 0])
    assert [size for size, _db in maps] == [268435456, 268435456]  # mapped while it works, as a new one is
    db = maps[1][1]
    assert db is maps[0][1] and int(db.scalar("PRAGMA mmap_size")) == 0  # and unmapped while it waits


def test_no_worker_connection_is_left_open_at_exit(qtbot, demo_db: Database) -> None:
    """What ``application.run`` does after the event loop: every worker thread ends and closes its connections."""
    from app.ui import application, connections
    from app.ui.pages.events import EventsPage

    path = demo_db.path
    demo_db.close()
    manager = application.WindowManager(timeutil.UTC)
    assert manager.open(path)
    window = manager.window
    assert window is not None
    page = window.show_page("events")
    assert isinstance(page, EventsPage)
    model = page.model
    qtbot.waitUntil(lambda: model.total is not None, timeout=10_000)  # the page and count threads hold theirs
    db_path = window.session.db_path
    assert connections.open_count(db_path) > 0
    session_db = window.session.db
    application.shutdown(manager)
    assert connections.open_count(db_path) == 0
    session_db.close()


def test_a_queued_write_is_counted_done_when_it_ends_even_if_its_asker_is_gone(qtbot, new_db_path: Path) -> None:
    """An editor closed on save must not leave the count up: every later save would queue behind nothing."""
    import shiboken6
    from PySide6.QtWidgets import QWidget

    from app.ui import workers, write_queue

    asker = QWidget()
    ok, failed = [], []
    write_queue.submit(asker, new_db_path, lambda db: int(db.scalar("SELECT count(*) FROM incidents")), ok.append,
                       lambda text, _d: failed.append(text))
    write_queue.submit(asker, new_db_path, lambda db: 1 // 0, ok.append, lambda text, _d: failed.append(text))
    assert write_queue.pending() == 2
    shiboken6.delete(asker)  # closed while its writes are queued
    assert workers.pool(write_queue.POOL).waitForDone(30_000)
    assert write_queue.pending() == 0  # counted on the writes thread, before any result is delivered
    assert workers.settle()
    assert ok == failed == []  # the asker is gone: its callbacks are dropped, the count is not
