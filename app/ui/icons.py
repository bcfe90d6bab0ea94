"""Icons drawn from the SVGs in resources/icons, tinted to the theme where they are line art.

Line-art icons use ``currentColor``; it is replaced by the palette's text colour
(and by the highlighted-text colour for the selected state) before rendering,
so the same file reads on light and dark themes.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.domain.vocab import Severity
from app.ui import resource_files

SIZES = (16, 20, 24, 32, 48, 64)
APP_ICON_PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: str, size: int) -> QPixmap:
    """One SVG text as a square pixmap of ``size`` pixels."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError("not a valid SVG image")
    pixmap = QPixmap(QSize(size, size))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


def tinted_icon(relative: str, palette: QPalette | None = None) -> QIcon:
    """A line-art icon in the palette's text colour, white-ish when selected."""
    pal = palette or QGuiApplication.palette()
    svg = resource_files.read_text(relative)
    normal = svg.replace("currentColor", pal.color(QPalette.ColorRole.WindowText).name())
    selected = svg.replace("currentColor", pal.color(QPalette.ColorRole.HighlightedText).name())
    disabled = svg.replace("currentColor", pal.color(QPalette.ColorGroup.Disabled,
                                                     QPalette.ColorRole.WindowText).name())
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(render(normal, size), QIcon.Mode.Normal)
        icon.addPixmap(render(selected, size), QIcon.Mode.Selected)
        icon.addPixmap(render(disabled, size), QIcon.Mode.Disabled)
    return icon


def nav_icon(name: str, palette: QPalette | None = None) -> QIcon:
    """The navigation icon ``name`` (a PageSpec.icon)."""
    return tinted_icon(f"icons/nav/{name}.svg", palette)


def severity_icon(severity: int | str) -> QIcon:
    """The coloured icon of a severity, by number (0..5) or name; one QIcon per severity."""
    sev = Severity(severity) if isinstance(severity, int) else Severity.parse(severity)
    return _severity_icon(sev.label)


@functools.cache
def _severity_icon(label: str) -> QIcon:
    svg = resource_files.read_text(f"icons/severity/{label}.svg")
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(render(svg, size))
    return icon


@functools.cache
def app_icon() -> QIcon:
    """The application icon: the generated PNG sizes, else the SVG drawn at each size."""
    icon = QIcon()
    svg = resource_files.read_text("icons/issue-ledger.svg")
    for size in APP_ICON_PNG_SIZES:
        try:
            data = resource_files.read_bytes(f"icons/app/issue-ledger-{size}.png")
        except FileNotFoundError:
            icon.addPixmap(render(svg, size))
            continue
        pixmap = QPixmap()
        pixmap.loadFromData(data, "PNG")
        icon.addPixmap(pixmap)
    return icon
