"""Settings ▸ Retention, driven as a person would: change a policy, run now with progress, cancel a run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.domain import timeutil
from app.domain.jobs import ProgressUpdate
from app.store.database import Database
from app.ui.retention_tab import RetentionTab
from app.ui.session import Session
from retention_helpers import fill

LEFT = Qt.MouseButton.LeftButton
WAIT = 30_000


def _tab(qtbot, db: Database) -> RetentionTab:  # type: ignore[no-untyped-def]
    tab = RetentionTab(Session(db, timeutil.UTC))
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 5, timeout=WAIT)
    return tab


def test_edit_a_policy_then_run_now_with_progress(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    fill(db, 20_000)
    tab = _tab(qtbot, db)
    labels = [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]
    tab.table.selectRow(labels.index("security"))
    assert tab.target.currentText() == "security" and tab.days.value() == 365
    tab.days.clear()
    qtbot.keyClicks(tab.days, "30")
    with qtbot.waitSignal(tab.done, timeout=WAIT):
        qtbot.mouseClick(tab.save_button, LEFT)
    assert tab.message.text() == "Saved: security 30 days (was 365)."
    qtbot.waitUntil(lambda: tab.table.item(labels.index("security"), 1).text() == "30", timeout=WAIT)

    updates: list[ProgressUpdate] = []
    original = tab._progress
    tab._progress = lambda u: (updates.append(u), original(u))  # type: ignore[method-assign]
    with qtbot.waitSignal(tab.done, timeout=WAIT):
        qtbot.mouseClick(tab.run_button, LEFT)
        assert tab.progress.isVisible() and tab.cancel_button.isEnabled() and not tab.run_button.isEnabled()
    assert tab.message.text().startswith("Purged ") and "Archive:" in tab.message.text()
    assert updates and updates[-1].done == updates[-1].total
    assert tab.run_button.isEnabled() and not tab.progress.isVisible()
    security_left = db.scalar("SELECT count(*) FROM events WHERE log_type = 'security' AND ts < ?",
                              ("2026-11-01T12:00:00.000Z",))
    assert security_left == 0  # the 30 days just saved applied (today is later than the generated data)
    archives = list(Path(db.path).parent.glob("*.archives/*/manifest.json"))
    assert len(archives) == 1


def test_cancel_stops_a_run_and_keeps_the_window_usable(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    fill(db, 60_000)
    before = db.scalar("SELECT count(*) FROM events")
    tab = _tab(qtbot, db)
    with qtbot.waitSignal(tab.done, timeout=WAIT):
        qtbot.mouseClick(tab.run_button, LEFT)
        qtbot.mouseClick(tab.cancel_button, LEFT)
    assert "ancelled" in tab.message.text()
    assert tab.run_button.isEnabled() and not tab.cancel_button.isEnabled()
    after = db.scalar("SELECT count(*) FROM events")
    runs = db.rows("SELECT state, purged FROM retention_runs")
    assert runs and runs[-1]["state"] == "cancelled" and before - after == runs[-1]["purged"] < before
    for folder in Path(db.path).parent.glob("*.archives/*"):  # a run stopped while archiving leaves no half archive
        assert (folder / "manifest.json").is_file()


def test_the_window_offers_a_due_run_once_a_day_without_blocking(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from app.ui.preferences import Preferences
    from app.ui.retention_offer import RetentionOffer

    fill(db, 5_000)
    before = db.scalar("SELECT count(*) FROM events")
    prefs = Preferences()
    offer = RetentionOffer(Session(db, timeutil.UTC), prefs)
    qtbot.addWidget(offer)
    with qtbot.waitSignal(offer.checked, timeout=WAIT) as asked:
        offer.check()
    assert asked.args[0] > 0 and offer.isVisible() and "past their retention policy" in offer.label.text()
    with qtbot.waitSignal(offer.finished, timeout=WAIT) as ended:
        qtbot.mouseClick(offer.run_button, LEFT)
    assert ended.args[0].startswith("Purged ") and not offer.isVisible()
    assert db.scalar("SELECT count(*) FROM events") < before
    again = RetentionOffer(Session(db, timeutil.UTC), prefs)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.checked, timeout=WAIT) as asked_again:
        again.check()
    assert asked_again.args[0] == 0 and not again.isVisible()  # offered today already


def test_the_scheduled_runs_switch(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from app.store import settings

    tab = _tab(qtbot, db)
    assert tab.auto.isChecked()  # a new file: on
    with qtbot.waitSignal(tab.done, timeout=WAIT):
        qtbot.mouseClick(tab.auto, LEFT)
    assert tab.message.text() == "Due policies now run only when asked."
    assert settings.RETENTION_AUTO.read(db) is False
    qtbot.waitUntil(lambda: not tab.auto.isChecked(), timeout=WAIT)
