"""The window's menus come from one declared table, found by command id, never by visible title (issue #15 item 3)."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QMainWindow, QMenu

from app.store.database import Database
from app.ui import window_actions
from app.ui.actions import ActionSet, Command, Condition, Menu, Separator
from tests.window_helpers import open_window

UI = Path(__file__).resolve().parents[1] / "app" / "ui"





def _walk(menu: QMenu, menu_id: str, set_: ActionSet, out: list[tuple[str, str]]) -> None:
    """(menu id, row) for each entry of ``menu``, rows named by the id the action set gives them."""
    by_action = {id(action): key for key, action in set_.actions.items()}
    by_menu = {id(built): key for key, built in set_.menus.items()}
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            key = by_menu[id(sub)]
            out.append((menu_id, f"menu:{key}"))
            if key != "recent":  # Open recent is filled from the preferences each time it opens
                _walk(sub, key, set_, out)
        elif action.isSeparator():
            out.append((menu_id, "---"))
        else:
            out.append((menu_id, by_action[id(action)]))


def test_the_menu_bar_is_the_action_table_in_order(qtbot, db: Database) -> None:
    window = open_window(qtbot, db)
    rows = window_actions.table(window)
    expected = [(row.parent or "bar", f"menu:{row.id}") if isinstance(row, Menu)
                else (row.menu, "---") if isinstance(row, Separator) else (row.menu, row.id) for row in rows]
    built: list[tuple[str, str]] = []
    for top in window.menuBar().actions():
        sub = top.menu()
        assert isinstance(sub, QMenu)
        key = next(k for k, m in window.action_set.menus.items() if m is sub)
        built.append(("bar", f"menu:{key}"))
        _walk(sub, key, window.action_set, built)
    def by_menu(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
        menus: dict[str, list[str]] = {}
        for menu_id, row in pairs:
            menus.setdefault(menu_id, []).append(row)
        return menus

    assert by_menu(built) == by_menu(expected)  # each menu holds the table's rows, in the table's order
    assert window.import_action is window.action_set.action("import")
    assert window.shell.menus.settings_action is window.action_set.action("settings")
    assert window.shell.menus.recent_menu.objectName() == "recent-menu"


def test_menus_are_placed_by_id_whatever_their_titles_say(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    calls: list[str] = []
    set_ = ActionSet(window, (
        Menu("file", "&Fichier"),
        Command("open", "file", "&Ouvrir…", lambda: calls.append("open"), ("Ctrl+O",)),
        Menu("recent", "Ré&cents", parent="file", fill=lambda menu: calls.append(f"fill {menu.title()}")),
        Separator("file"),
        Command("quit", "file", "&Quitter", lambda: calls.append("quit")),
        Menu("help", "&Aide"),
        Command("about", "help", "À &propos", lambda: calls.append("about")),
    ))
    assert calls == ["fill Ré&cents"]  # filled once on build, then each time it opens
    assert [a.text() for a in window.menuBar().actions()] == ["&Fichier", "&Aide"]
    assert [a.text() for a in set_.menu("file").actions()] == ["&Ouvrir…", "Ré&cents", "", "&Quitter"]
    assert set_.action("open").shortcut().toString() == "Ctrl+O"
    set_.action("quit").trigger()
    set_.menu("recent").aboutToShow.emit()
    assert calls[1:] == ["quit", "fill Ré&cents"]


def test_enabled_when_turns_a_command_off_and_says_why(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    writable = [False]
    set_ = ActionSet(window, (
        Menu("file", "&File"),
        Command("import", "file", "&Import…", lambda: None, status_tip="Read log files",
                enabled_when=Condition(lambda: writable[0], "The database is read-only")),
    ))
    action = set_.action("import")
    assert not action.isEnabled() and action.statusTip() == "The database is read-only"
    writable[0] = True
    set_.update()
    assert action.isEnabled() and action.statusTip() == "Read log files"


def test_shell_and_menus_reach_the_window_through_typed_attributes() -> None:
    for name in ("shell.py", "menus_view.py"):
        text = (UI / name).read_text(encoding="utf-8")
        assert "type: ignore[attr-defined]" not in text, name
        assert not re.search(r"""\.text\(\)\.replace\("&", ""\) ==""", text), f"{name} finds a menu by its title"
