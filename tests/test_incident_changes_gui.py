"""The incident window's "What changed" tab (issue 16, item 3), driven with qtbot over a database the real CLI built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from app.domain import timeutil
from app.store import incidents as store
from app.store.database import Database
from app.ui.incident_dialog import IncidentDialog, open_incident
from app.ui.session import Session
from test_incident_changes_cli import _burst_logs, _incident, _ok

NIC = "e1000e: eth0 NIC Link is Down"


def test_what_changed_lists_the_burst_drills_down_and_links_it(qtbot: Any, run_cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    for log in _burst_logs(tmp_path):
        _ok(run_cli("--db", path, "--tz", "UTC", "import", "--year", "2026", log))
    number = _incident(run_cli, path, "2026-12-08 12:00")
    with Database.open(path) as db:
        dialog = open_incident(Session(db, timeutil.UTC), number, None)
        qtbot.addWidget(dialog)
        assert isinstance(dialog, IncidentDialog)
        tab = dialog.changes_tab
        assert not tab.loaded  # nothing computed until the tab is shown
        dialog.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: tab.table.rowCount() > 0, timeout=10000)
        labels = [tab.table.item(r, 5).text() for r in range(tab.table.rowCount())]
        assert NIC in labels[:4] and "ws03" in labels[:4]
        assert "7 earlier day(s)" in tab.status.text()
        new = [r for r in range(tab.table.rowCount()) if tab.table.item(r, 4).text() == "new"]
        assert [labels[r] for r in new] == ["Device <PATH> reports <NUM> offline sectors"]
        tab.table.selectRow(labels.index(NIC))
        qtbot.waitUntil(lambda: tab.event_table.rowCount() == 31 and tab.link_button.isEnabled(), timeout=10000)
        assert all(NIC in tab.event_table.item(r, 4).text() for r in range(31))
        with qtbot.waitSignal(tab.linked, timeout=10000) as blocker:
            qtbot.mouseClick(tab.link_button, Qt.MouseButton.LeftButton)
        assert blocker.args == [31]
        row = store.get_by_number(db, number)
        assert row and len(store.linked_event_ids(db, row["id"])) == 31
        # the Linked events tab shows them (the old table goes at the next event loop turn)
        qtbot.waitUntil(lambda: [t.rowCount() for t in dialog.events_tab.findChildren(type(tab.table), "linkedEvents")]
                        == [31], timeout=5000)
        assert db.scalar("SELECT count(*) FROM audit_log WHERE entity_id = ? AND action LIKE '%link%'", (number,))
        dialog.close()
