"""Themes and icons: palettes from resources, View ▸ Theme, the OS scheme, tinted nav icons."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from app.domain import timeutil
from app.domain.vocab import SEVERITIES, SEVERITY_COLOURS
from app.store.database import Database
from app.ui import icons, preferences, resource_files, theme
from app.ui.incident_form import IncidentForm
from app.ui.main_window import MainWindow
from app.ui.pages import PAGES
from app.ui.search_box import SearchBox
from app.ui.session import Session
from app.ui.settings_dialog import SettingsDialog
from app.ui.sla_settings_dialog import SlaSettingsDialog


def _window_colour() -> str:
    return QApplication.palette().color(QPalette.ColorRole.Window).name()


@pytest.fixture
def themes(qapp: QApplication) -> Iterator[theme.ThemeManager]:
    manager = theme.manager("system")
    yield manager
    manager.set_choice("system")


def test_both_themes_load_with_every_role(qapp: QApplication) -> None:
    light, light_qss = theme.load("light")
    dark, dark_qss = theme.load("dark")
    assert not theme.is_dark(light) and theme.is_dark(dark)
    assert "QListWidget#navigation" in light_qss and "QListWidget#navigation" in dark_qss
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.Base, QPalette.ColorRole.Highlight):
        assert light.color(role) != dark.color(role), role


def test_both_themes_give_error_text_a_colour(qapp: QApplication) -> None:
    for name in ("light", "dark"):
        _palette, sheet = theme.load(name)
        assert theme.colour("error", _palette) == "#dc2626"
        assert 'QLabel[role="error"] { color: #dc2626; }' in sheet and "@" not in sheet, name


def test_error_labels_take_their_colour_from_the_theme(qtbot, qapp: QApplication, db: Database,
                                                       themes: theme.ThemeManager) -> None:
    session = Session(db, timeutil.UTC)
    window = MainWindow(session)
    form, search = IncidentForm(timeutil.UTC), SearchBox("events")
    dialogs = [SettingsDialog(preferences.current(), session), SlaSettingsDialog(session)]
    for widget in (window, form, search, *dialogs):
        qtbot.addWidget(widget)
    pages = [window.page(key) for key in ("dashboard", "events", "incidents")]
    labels: list[QLabel] = [page.error_label for page in pages]  # type: ignore[attr-defined]
    labels += [form._error_labels["title"], search.error, dialogs[0].error, dialogs[1].message]
    sheet = qapp.styleSheet()
    try:
        for colour in ("#dc2626", "#0f766e"):  # the theme's own, then one a theme could choose instead
            qapp.setStyleSheet(f'QLabel[role="error"] {{ color: {colour}; }}')
            for label in labels:
                label.ensurePolished()
                assert label.property("role") == "error", label.objectName()
                assert label.palette().color(QPalette.ColorRole.WindowText).name() == colour, label.objectName()
    finally:
        qapp.setStyleSheet(sheet)


def test_choosing_dark_then_light_switches_the_palette(themes: theme.ThemeManager, qtbot) -> None:
    with qtbot.waitSignal(themes.changed) as blocker:
        themes.set_choice("dark")
    assert blocker.args == ["dark"]
    assert theme.is_dark() and _window_colour() == "#1e2228"
    themes.set_choice("light")
    assert not theme.is_dark() and _window_colour() == "#f5f6f8"
    with pytest.raises(ValueError, match="unknown theme"):
        themes.set_choice("sepia")


def test_system_choice_follows_the_os_scheme(qapp: QApplication, themes: theme.ThemeManager) -> None:
    os_scheme = ["light"]
    manager = theme.ThemeManager(qapp, "system", scheme=lambda: os_scheme[0])
    try:
        assert manager.apply() == "light"
        os_scheme[0] = "dark"
        manager._system_changed()
        assert manager.effective == "dark" and theme.is_dark()
        manager.set_choice("light")
        manager._system_changed()  # a pinned theme ignores the OS
        assert manager.effective == "light"
    finally:
        qapp.styleHints().colorSchemeChanged.disconnect(manager._system_changed)
        manager.deleteLater()


def test_view_theme_menu_switches_and_remembers(qtbot, db: Database, themes: theme.ThemeManager) -> None:
    window = MainWindow(Session(db, timeutil.UTC))
    qtbot.addWidget(window)
    menus = window.shell.menus
    assert menus.theme_actions["system"].isChecked()
    menus.theme_actions["dark"].trigger()
    assert theme.is_dark()
    assert preferences.current().theme == "dark"
    assert menus.theme_actions["dark"].isChecked()
    # the navigation icons were redrawn in the dark palette's text colour
    image = window.nav.item(0).icon().pixmap(48, 48).toImage()
    colours = {QColor(image.pixel(x, y)).name() for x in range(48) for y in range(48)
               if QColor.fromRgba(image.pixel(x, y)).alpha() == 255}
    assert "#e4e7eb" in colours
    menus.theme_actions["light"].trigger()
    assert not theme.is_dark() and preferences.current().theme == "light"


def test_every_page_has_a_navigation_icon_and_tip(qtbot, db: Database) -> None:
    window = MainWindow(Session(db, timeutil.UTC))
    qtbot.addWidget(window)
    for row, spec in enumerate(PAGES):
        resource_files.find(f"icons/nav/{spec.icon}.svg")
        item = window.nav.item(row)
        assert not item.icon().isNull(), spec.key
        assert item.toolTip() and f"Ctrl+{(row + 1) % 10})" in item.toolTip()


def test_severity_icons_use_the_vocabulary_colours(qapp: QApplication) -> None:
    for number, name in enumerate(SEVERITIES):
        svg = resource_files.read_text(f"icons/severity/{name}.svg")
        assert SEVERITY_COLOURS[name] in svg, name
        image = icons.severity_icon(number).pixmap(64, 64).toImage()
        assert QColor(image.pixel(32, 8)).name() == SEVERITY_COLOURS[name] or \
            QColor(image.pixel(8, 32)).name() == SEVERITY_COLOURS[name], name
    assert icons.severity_icon("warning") is icons.severity_icon(3)


def test_app_icon_has_every_size(qapp: QApplication) -> None:
    sizes = {(s.width(), s.height()) for s in icons.app_icon().availableSizes()}
    assert {(16, 16), (32, 32), (256, 256), (512, 512)} <= sizes


def test_missing_resource_names_the_file() -> None:
    with pytest.raises(FileNotFoundError, match=r"icons/nav/nope.svg"):
        resource_files.find("icons/nav/nope.svg")
