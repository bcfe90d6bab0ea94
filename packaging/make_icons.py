#!/usr/bin/env python3
"""Draw the raster app icons from resources/icons/issue-ledger.svg.

    python3 packaging/make_icons.py

Writes PNGs of every size the desktops ask for into resources/icons/app/, then
packs them with Pillow into the Windows ``.ico`` and the macOS ``.icns``. The SVG
is the one source; rerun this after editing it (a test checks they agree).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "issue-ledger.svg"
OUT = ROOT / "resources" / "icons" / "app"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZE = 1024


def rasterise(svg: bytes, size: int) -> bytes:
    """PNG bytes of the SVG at ``size`` pixels square, drawn by Qt's SVG renderer."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def main() -> int:
    from PIL import Image

    svg = SVG.read_bytes()
    OUT.mkdir(parents=True, exist_ok=True)
    for size in PNG_SIZES:
        (OUT / f"issue-ledger-{size}.png").write_bytes(rasterise(svg, size))
    big = Image.open(io.BytesIO(rasterise(svg, ICNS_SIZE))).convert("RGBA")
    big.save(OUT / "issue-ledger.icns")
    big.resize((256, 256), Image.Resampling.LANCZOS).save(
        OUT / "issue-ledger.ico", sizes=[(s, s) for s in ICO_SIZES])
    for path in sorted(OUT.iterdir()):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
