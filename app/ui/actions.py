"""A window's menus and commands, declared as one table and built in one pass (qutebrowser's pattern).

Each row says where a command sits, what it is called, its keys, what it does and
when it is on, so menus are never found again by their visible titles and nothing
is patched in after the window is built. Rows are placed in table order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

Key = str | QKeySequence.StandardKey


@dataclass(frozen=True)
class Condition:
    """When a command is on; ``why_off`` becomes its status tip while it is off."""

    test: Callable[[], bool]
    why_off: str


@dataclass(frozen=True)
class Menu:
    """A menu: on the menu bar when ``parent`` is empty, else a submenu of the menu with that id."""

    id: str
    text: str
    parent: str = ""
    object_name: str = ""
    tool_tips: bool = False
    fill: Callable[[QMenu], None] | None = None  # rebuilds the menu's rows each time it opens (and once now)


@dataclass(frozen=True)
class Command:
    id: str
    menu: str
    text: str
    handler: Callable[[], object]
    keys: tuple[Key, ...] = ()
    status_tip: str = ""
    enabled_when: Condition | None = None
    checked_when: Callable[[], bool] | None = None  # makes it checkable; checked when true (its group's others uncheck)
    group: str = ""  # commands sharing a group exclude each other (radio items)
    role: QAction.MenuRole | None = None
    data: object = None


@dataclass(frozen=True)
class Separator:
    menu: str


Row = Menu | Command | Separator


class ActionSet:
    """The built menus and actions of one window, looked up by id."""

    def __init__(self, window: QMainWindow, rows: Iterable[Row]) -> None:
        self.window = window
        self.rows = tuple(rows)
        self.menus: dict[str, QMenu] = {}
        self.actions: dict[str, QAction] = {}
        self.groups: dict[str, QActionGroup] = {}
        for row in self.rows:
            if isinstance(row, Menu):
                self._add_menu(row)
            elif isinstance(row, Separator):
                self.menus[row.menu].addSeparator()
            else:
                self._add_command(row)
        self.update()
        for row in self.rows:
            if isinstance(row, Menu) and row.fill is not None:
                row.fill(self.menus[row.id])

    def action(self, command_id: str) -> QAction:
        return self.actions[command_id]

    def menu(self, menu_id: str) -> QMenu:
        return self.menus[menu_id]

    def update(self) -> None:
        """Put each command's enabled-when and checked-when into effect (again)."""
        for row in self.rows:
            if not isinstance(row, Command):
                continue
            action = self.actions[row.id]
            if row.enabled_when is not None:
                on = row.enabled_when.test()
                action.setEnabled(on)
                action.setStatusTip(row.status_tip if on else row.enabled_when.why_off)
            if row.checked_when is not None and row.checked_when():
                action.setChecked(True)

    def _add_menu(self, row: Menu) -> None:
        if row.id in self.menus:
            raise ValueError(f"menu id {row.id!r} is declared twice")
        parent = self.menus[row.parent] if row.parent else self.window.menuBar()
        menu = parent.addMenu(row.text)
        if row.object_name:
            menu.setObjectName(row.object_name)
        menu.setToolTipsVisible(row.tool_tips)
        fill = row.fill
        if fill is not None:
            menu.aboutToShow.connect(lambda: fill(menu))
        self.menus[row.id] = menu

    def _add_command(self, row: Command) -> None:
        if row.id in self.actions:
            raise ValueError(f"command id {row.id!r} is declared twice")
        action = QAction(row.text, self.window)
        action.setObjectName(f"action-{row.id}")
        keys = [k for k in (QKeySequence(key) for key in row.keys) if not k.isEmpty()]  # unbound standard keys
        if keys:
            action.setShortcuts(keys)
        if row.status_tip:
            action.setStatusTip(row.status_tip)
        if row.role is not None:
            action.setMenuRole(row.role)
        if row.data is not None:
            action.setData(row.data)
        if row.checked_when is not None:
            action.setCheckable(True)
        if row.group:
            group = self.groups.get(row.group)
            if group is None:
                group = self.groups[row.group] = QActionGroup(self.window)
            group.addAction(action)
        handler = row.handler
        action.triggered.connect(lambda _checked=False: handler())
        self.menus[row.menu].addAction(action)
        self.actions[row.id] = action
