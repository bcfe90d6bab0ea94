"""The Alerts page, the rule editor and notifications (issue 17, item 4), driven like a person would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from app.alerts import rules
from app.analysis.integrity import check
from app.domain.alerts import Rule
from app.domain.filters import Filter
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database
from app.ui.incident_dialog import IncidentDialog
from app.ui.main_window import MainWindow
from app.ui.pages.alerts import AlertsPage
from app.ui.rule_dialog import RuleDialog
from app.ui.rule_test_dialog import RuleTestDialog
from tests.window_helpers import open_window

BURST_AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _burst(path: Path, n: int = 20, host: str = "vpn-gw7") -> Path:
    """``n`` DPD timeouts on one host, 5 s apart (syslog lines, in UTC)."""
    lines = [f"{t:%b} {t.day:2d} {t:%H:%M:%S} {host} charon[4242]: DPD timeout for peer 203.0.113.{i} closing SA\n"
             for i, t in enumerate(BURST_AT + dt.timedelta(seconds=5 * k) for k in range(n))]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _alerts_page(qtbot, window: MainWindow) -> AlertsPage:  # type: ignore[no-untyped-def]
    page = window.show_page("alerts")
    assert isinstance(page, AlertsPage)
    qtbot.waitUntil(lambda: page.firings_count.text() != "", timeout=10_000)
    return page


def _click(qtbot, button: QPushButton) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _type(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select what the field holds and type over it."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def _choose(qtbot, combo, data: object) -> None:  # type: ignore[no-untyped-def]
    """Pick an entry of a combo box with the keyboard, as a person tabbing through the form would."""
    combo.setFocus()
    target = combo.findData(data)
    assert target >= 0, data
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def _select_rule(qtbot, page: AlertsPage, name: str) -> None:  # type: ignore[no-untyped-def]
    row = next(i for i, r in enumerate(page.rules_model.rows) if r["rule"].name == name)
    rect = page.rules_table.visualRect(page.rules_model.index(row, 0))
    qtbot.mouseClick(page.rules_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected_rule() is not None and page.selected_rule().name == name  # type: ignore[union-attr]


def _import(db: Database, path: Path) -> None:
    [result] = import_paths(db, [path], ImportOptions(zone=dt.UTC, zone_name="UTC", year=2026))
    assert result.ok, result.message


def test_a_rule_typed_in_the_editor_fires_on_a_cli_import_and_is_announced(qtbot, qtmodeltester, run_cli,
                                                                          demo_db: Database, tmp_path: Path) -> None:
    window = open_window(qtbot, demo_db)
    page = _alerts_page(qtbot, window)
    _click(qtbot, page.buttons["new"])
    dialog = page.dialog
    assert isinstance(dialog, RuleDialog)
    _type(qtbot, dialog.name, "DPD timeouts")
    _type(qtbot, dialog.search, "DPD timeout")
    _type(qtbot, dialog.threshold, "5")
    _type(qtbot, dialog.window_edit, "5m")
    _type(qtbot, dialog.cooldown, "30m")
    qtbot.mouseClick(dialog.incident, Qt.MouseButton.LeftButton)
    _choose(qtbot, dialog.impact, 2)
    _choose(qtbot, dialog.urgency, 1)
    _type(qtbot, dialog.client, "Acme Telecom")
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        _click(qtbot, dialog.save_button)
    rule = saved.args[0]
    assert (rule.name, rule.filter.search, rule.threshold, rule.window_s, rule.incident, rule.impact, rule.urgency,
            rule.client) == ("DPD timeouts", "DPD timeout", 5, 300, True, 2, 1, "Acme Telecom")
    qtbot.waitUntil(lambda: page.rules_model.rowCount() == 1, timeout=2000)
    assert page.rules_model.index(0, 1).data() == "≥ 5 in 5m"
    assert page.rules_model.index(0, 5).data() == "incident I2/U1, notify"

    window.show_page("incidents")  # away from the Alerts page: the count waits on its entry
    alerts_row = next(i for i in range(window.nav.count()) if window.nav.item(i).text().startswith("Alerts"))
    with qtbot.waitSignal(window.alerts.notified, timeout=2000) as notified:  # counted once the CLI is done
        result = run_cli("--db", demo_db.path, "--tz", "UTC", "import", _burst(tmp_path / "vpn.log"))
        assert result.returncode == 0, result.stderr
    title, text = notified.args
    assert title == "Alert: DPD timeouts" and "vpn-gw7" in text and "→ INC-" in text
    assert "DPD timeouts" not in text  # the title names the rule once
    assert window.alerts.tray is not None or window.statusBar().currentMessage().startswith("Alert: DPD timeouts")
    assert window.nav.item(alerts_row).text() == "Alerts (1)"
    qtbot.waitUntil(lambda: page.firings_model.rowCount() == 1, timeout=2000)
    firing = page.firings_model.rows[0]
    number = firing["incident_number"]
    assert firing["host"] == "vpn-gw7" and firing["action"] == "incident-created" and number
    assert demo_db.scalar("SELECT count(*) FROM incident_events ie JOIN incidents i ON i.id = ie.incident_id"
                          " WHERE i.number = ?", (number,)) == 20
    assert page.firings_model.index(0, page.firings_model.INCIDENT).data() == number
    qtbot.waitUntil(lambda: page.rules_model.index(0, 8).data() == "1", timeout=2000)

    window.nav.setCurrentRow(alerts_row)  # the page is viewed: the count goes
    assert window.nav.item(alerts_row).text() == "Alerts"
    rect = page.table.visualRect(page.firings_model.index(0, page.firings_model.INCIDENT))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert isinstance(page.dialog, IncidentDialog) and page.dialog.number == number
    page.dialog.close()
    qtmodeltester.check(page.rules_model)
    qtmodeltester.check(page.firings_model)


def test_the_editor_names_the_field_it_refuses_and_an_edit_keeps_the_rule(qtbot, db: Database) -> None:
    rules.add(db, Rule("Auth failures", "count", 300, Filter(search="Failed password"), threshold=10))
    window = open_window(qtbot, db)
    page = _alerts_page(qtbot, window)
    qtbot.waitUntil(lambda: page.rules_model.rowCount() == 1, timeout=2000)
    _select_rule(qtbot, page, "Auth failures")
    _click(qtbot, page.buttons["edit"])
    dialog = page.dialog
    assert isinstance(dialog, RuleDialog) and dialog.search.text() == "Failed password"
    _type(qtbot, dialog.window_edit, "5x")
    _click(qtbot, dialog.save_button)
    error = dialog.errors["window"]
    assert error.isVisible() and error.text().startswith("window: '5x' is not a duration")
    _type(qtbot, dialog.window_edit, "10m")
    _choose(qtbot, dialog.condition, "spike")
    dialog.baseline.setFocus()
    _type(qtbot, dialog.baseline, "2")
    _click(qtbot, dialog.save_button)
    assert not error.isVisible() and dialog.errors["baseline"].text().startswith("baseline: 2 windows")
    _type(qtbot, dialog.baseline, "12")
    _type(qtbot, dialog.name, "Auth failure spikes")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        _click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: page.rules_model.rowCount() == 1 and
                    page.rules_model.rows[0]["rule"].name == "Auth failure spikes", timeout=2000)
    edited = page.rules_model.rows[0]["rule"]
    assert (edited.condition, edited.window_s, edited.baseline) == ("spike", 600, 12)
    assert db.scalar("SELECT count(*) FROM alert_rules") == 1
    assert db.scalar("SELECT action FROM audit_log WHERE entity = 'alert_rule' ORDER BY id DESC LIMIT 1") == "update"


def test_test_replays_the_rule_and_shows_when_it_would_have_fired(qtbot, qtmodeltester, db: Database,
                                                                    tmp_path: Path) -> None:
    _import(db, _burst(tmp_path / "vpn.log", 12))
    rules.add(db, Rule("DPD timeouts", "count", 300, Filter(search="DPD timeout"), threshold=5))
    window = open_window(qtbot, db)
    page = _alerts_page(qtbot, window)
    qtbot.waitUntil(lambda: page.rules_model.rowCount() == 1, timeout=2000)
    _select_rule(qtbot, page, "DPD timeouts")
    _click(qtbot, page.buttons["test"])
    dialog = page.dialog
    assert isinstance(dialog, RuleTestDialog)
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=10_000)
    assert dialog.model.rowCount() == 1
    assert dialog.summary.text() == "Would have fired 1 time(s) on 1 host(s)."
    assert dialog.model.index(0, 1).data() == "vpn-gw7" and dialog.model.index(0, 6).data() == "12"
    assert dialog.model.index(0, 0).data() == "2026-12-01 09:00:20"  # the 5th event, in the session's zone
    assert db.scalar("SELECT count(*) FROM alert_firings") == 0  # nothing written
    qtmodeltester.check(dialog.model)
    _choose(qtbot, dialog.span, "24h")  # the burst is long past: nothing in the last day
    with qtbot.waitSignal(dialog.finished_replay, timeout=10_000) as finished:
        _click(qtbot, dialog.run_button)
    assert finished.args == [0] and dialog.summary.text() == "Would not have fired over these events."


def test_disable_and_remove_are_audited_and_the_chain_stays_whole(qtbot, db: Database) -> None:
    rules.add(db, Rule("Disk full", "count", 600, Filter(search="No space left"), threshold=1))
    window = open_window(qtbot, db)
    page = _alerts_page(qtbot, window)
    qtbot.waitUntil(lambda: page.rules_model.rowCount() == 1, timeout=2000)
    _select_rule(qtbot, page, "Disk full")
    assert page.buttons["switch"].text() == "Disable"
    _click(qtbot, page.buttons["switch"])
    qtbot.waitUntil(lambda: page.rules_model.index(0, 6).data() == "no", timeout=2000)
    assert page.buttons["switch"].text() == "Enable"
    assert db.rows("SELECT action, old, new FROM audit_log WHERE entity = 'alert_rule' ORDER BY id DESC LIMIT 1") == [
        {"action": "update", "old": '{"enabled": true}', "new": '{"enabled": false}'}]
    _click(qtbot, page.buttons["remove"])
    box = page.confirm
    assert isinstance(box, QMessageBox) and "Disk full" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert db.scalar("SELECT count(*) FROM alert_rules") == 1
    _click(qtbot, page.buttons["remove"])
    qtbot.mouseClick(page.confirm.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.rules_model.rowCount() == 0, timeout=2000)
    assert db.scalar("SELECT action FROM audit_log WHERE entity = 'alert_rule' ORDER BY id DESC LIMIT 1") == "delete"
    assert check(db).ok
    assert not page.buttons["edit"].isEnabled() and not page.buttons["remove"].isEnabled()


def test_a_heartbeat_tick_fires_while_the_window_is_open(qtbot, db: Database) -> None:
    rules.add(db, Rule("Dialer silent", "heartbeat", 60, Filter(hosts=("dialer-01",)), notify=True))
    window = open_window(qtbot, db)
    qtbot.waitUntil(lambda: window.alerts.last_id is not None, timeout=5000)
    with qtbot.waitSignal(window.alerts.notified, timeout=5000) as notified:
        window.alerts.timer.timeout.emit()  # the minute is up
    assert notified.args == ["Alert: Dialer silent", "on dialer-01: silent for its window"]
    assert db.scalar("SELECT count(*) FROM alert_firings WHERE rule_name = 'Dialer silent'") == 1
    assert window.alerts.timer.interval() == 60_000 and window.alerts.timer.isActive()


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # offscreen: popups cannot grab
def test_a_pattern_becomes_an_alert_rule_from_its_context_menu(qtbot, demo_db: Database) -> None:
    from app.patterns import backfill

    backfill.fill(demo_db)
    window = open_window(qtbot, demo_db)
    page = window.show_page("patterns")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=30_000)
    pid = page.model.pattern_id(0)
    rect = page.table.visualRect(page.model.index(0, 0))
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, rect.center(), page.table.viewport().mapToGlobal(
        rect.center()))
    QApplication.sendEvent(page.table.viewport(), event)
    menu = page.menu
    assert menu is not None
    action = next(a for a in menu.actions() if a.text() == "New alert rule from this pattern…")
    menu.hide()
    action.trigger()
    dialog = page.rule_dialog
    assert isinstance(dialog, RuleDialog) and dialog.pattern.value() == pid
    _type(qtbot, dialog.name, "Pattern watch")
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        _click(qtbot, dialog.save_button)
    assert saved.args[0].pattern_id == pid
    assert demo_db.scalar("SELECT pattern_id FROM alert_rules WHERE name = 'Pattern watch'") == pid


def test_use_the_current_events_filter_copies_it_without_its_time_span(qtbot, db: Database) -> None:
    window = open_window(qtbot, db)
    window.session.set_filter(Filter(search="timeout", hosts=("gw1",), components=("charon",), since="24h"))
    page = _alerts_page(qtbot, window)
    _click(qtbot, page.buttons["new"])
    dialog = page.dialog
    assert isinstance(dialog, RuleDialog)
    _click(qtbot, dialog.use_events)
    assert dialog.search.text() == "timeout" and dialog.hosts.text() == "gw1"
    assert dialog.extras_label.text() == "Component: charon"
    assert dialog.build_filter() == Filter(search="timeout", hosts=("gw1",), components=("charon",))
    dialog.close()


def test_the_editor_pushes_the_rules_incident_to_a_chosen_connection(qtbot, db: Database,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """"Push to" lists the ticket connections (read in a worker), is only on with "Open an incident", and is
    stored as the rule's ``push_to`` (the CLI's ``--push-to``)."""
    from app.tickets import connections

    monkeypatch.setenv("DESK_TOKEN", "t0ken")
    connections.add(db, "jira-ops", "jira", "http://localhost:9", project="OPS", user="ops@example.com",
                    secret_env="DESK_TOKEN")
    window = open_window(qtbot, db)
    page = _alerts_page(qtbot, window)
    _click(qtbot, page.buttons["new"])
    dialog = page.dialog
    assert isinstance(dialog, RuleDialog)
    qtbot.waitUntil(lambda: dialog.push_to.findData("jira-ops") >= 0, timeout=5000)
    assert not dialog.push_to.isEnabled()  # no incident, nothing to push
    _type(qtbot, dialog.name, "Trunk down")
    _type(qtbot, dialog.search, "DPD timeout")
    qtbot.mouseClick(dialog.incident, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.incident.height() // 2))
    assert dialog.incident.isChecked() and dialog.push_to.isEnabled()
    _choose(qtbot, dialog.push_to, "jira-ops")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        _click(qtbot, dialog.save_button)
    assert rules.get(db, "Trunk down").push_to == "jira-ops"
    reopened = RuleDialog(window.session, rules.get(db, "Trunk down"))
    qtbot.addWidget(reopened)
    assert reopened.push_to.currentData() == "jira-ops" and reopened.push_to.isEnabled()


def test_several_firings_name_their_rules_and_one_firing_names_its_rule_once() -> None:
    from app.ui.alert_notifier import describe

    fired = [{"rule_name": n, "host": h, "incident_number": None, "condition": "count", "count": c,
              "severity": "error"} for n, h, c in (("DPD", "gw1", 20), ("Auth", None, 1_500))]
    assert describe(fired[:1]) == ("Alert: DPD", "on gw1: 20 event(s)")
    assert describe(fired) == ("2 alerts fired (error and others)",
                               "DPD on gw1: 20 event(s)\nAuth on any host: 1,500 event(s)")
