"""Help ▸ About: version, the libraries it runs on, and where settings and logs live."""

from __future__ import annotations

import platform
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from app import APP_NAME, __version__
from app.ui import icons, preferences


def about_html(db_path: object) -> str:
    import sqlite3

    frozen = " (installed build)" if getattr(sys, "frozen", False) else ""
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Technical issues, logs and SLAs for BPO operations, in one local SQLite file.</p>"
        f"<p><b>Database:</b> {db_path}<br>"
        f"<b>Settings:</b> {preferences.settings_file()}<br>"
        f"<b>Error log:</b> {preferences.log_dir()}</p>"
        f"<p style='color:gray'>Python {platform.python_version()}{frozen} · Qt {qVersion()} · "
        f"PySide6 {pyside_version} · SQLite {sqlite3.sqlite_version}</p>"
        "<p>MIT licence.</p>"
    )


def show_about(parent: QWidget, db_path: object) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(f"About {APP_NAME}")
    box.setIconPixmap(icons.app_icon().pixmap(96, 96))
    box.setText(about_html(db_path))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box
