"""Packaging files: the desktop entry and AppStream data validate, the icons match their SVG,
the wheel carries resources/ as app_resources and reads them from there."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.issueledger.IssueLedger"
ICONS = ROOT / "resources" / "icons" / "app"


def test_desktop_entry_validates() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    result = subprocess.run([tool, str(LINUX / f"{APP_ID}.desktop")], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_desktop_entry_matches_the_app() -> None:
    entry = (LINUX / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert "\nExec=issue-ledger\n" in entry and f"\nIcon={APP_ID}\n" in entry
    from app.ui.startup import DESKTOP_ID

    assert DESKTOP_ID == APP_ID


def test_metainfo_validates() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed")
    result = subprocess.run([tool, "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    from app import __version__

    assert f'<release version="{__version__}"' in (LINUX / f"{APP_ID}.metainfo.xml").read_text()


def test_raster_icons_match_the_svg(qapp) -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import make_icons
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    svg = (ROOT / "resources" / "icons" / "issue-ledger.svg").read_bytes()
    for size in make_icons.PNG_SIZES:
        stored = Image.open(ICONS / f"issue-ledger-{size}.png").convert("RGBA")
        fresh = Image.open(io.BytesIO(make_icons.rasterise(svg, size))).convert("RGBA")
        assert stored.size == (size, size)
        diff = sum(abs(a - b) for a, b in zip(stored.tobytes(), fresh.tobytes()))
        assert diff / (size * size * 4) < 2, f"{size}px icon is stale: run python3 packaging/make_icons.py"
    ico = Image.open(ICONS / "issue-ledger.ico")
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    icns = Image.open(ICONS / "issue-ledger.icns")
    assert icns.format == "ICNS" and icns.size[0] >= 512


def test_installer_scripts_point_at_real_files() -> None:
    iss = (ROOT / "packaging" / "windows" / "issue-ledger.iss").read_text(encoding="utf-8")
    assert r"SetupIconFile=..\..\resources\icons\app\issue-ledger.ico" in iss
    assert "issue-ledger-gui.exe" in iss and "PrivilegesRequired=lowest" in iss
    spec = (ROOT / "packaging" / "issue-ledger.spec").read_text(encoding="utf-8")
    assert 'name="issue-ledger"' in spec and "app_resources" in spec
    install = (LINUX / "install.sh").read_text(encoding="utf-8")
    assert f"ID={APP_ID}\n" in install and install.startswith("#!/bin/sh")


def test_wheel_ships_resources_as_app_resources(tmp_path: Path) -> None:
    """Build the wheel from a copy of the sources, install it, read a theme through it elsewhere."""
    src = tmp_path / "src"
    for name in ("app", "resources"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "-w", str(tmp_path / "wheel"), str(src)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "wheel").glob("issue_ledger-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("app_resources/__init__.py", "app_resources/themes/dark.qss", "app_resources/themes/light.json",
                 "app_resources/icons/nav/events.svg", "app_resources/icons/app/issue-ledger.ico",
                 "app_resources/icons/severity/critical.svg", "app/ui/main_window.py"):
        assert path in names, path
    assert not any(n.startswith("app_resources/screenshots") for n in names)
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = ("from app.ui import resource_files as r; print(r.root()); "
            "print(r.read_text('themes/dark.qss').splitlines()[0])")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    root, first = run.stdout.splitlines()
    assert Path(root) == target / "app_resources"
    assert first.startswith("/* Dark theme")


def test_readme_screenshots_exist_for_every_page() -> None:
    import re

    from app.ui.pages import PAGES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    referenced = re.findall(r"\]\((docs/screenshots/[^)]+\.png)\)", readme)
    assert referenced, "README has no screenshots"
    for rel in referenced:
        image = Image.open(ROOT / rel)
        assert image.size == (1280, 800), rel
    assert {f"docs/screenshots/{spec.key}-light.png" for spec in PAGES} <= set(referenced)


def test_sqlite_utils_is_a_test_tool_the_app_never_imports() -> None:
    """Tests read schemas with it, and users may read the file with it; the app never loads it (the reasons are in
    app/store/migrations/__init__.py), so an install without the test extra must not need it."""
    import ast
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(requirements: list[str]) -> set[str]:
        return {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower() for r in requirements}

    assert "sqlite-utils" not in names(project["dependencies"])
    assert "sqlite-utils" in names(project["optional-dependencies"]["test"])
    importers = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(m.partition(".")[0] == "sqlite_utils" for m in modules):
                importers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not importers
