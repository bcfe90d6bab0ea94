"""The layering rule: only app.ui imports PySide6; the CLI path stays light."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import app

ROOT = Path(__file__).resolve().parents[1]

HEAVY = ("PySide6", "matplotlib", "openpyxl")


def _non_ui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(app.__path__, "app."):
        if not info.name.startswith("app.ui"):
            names.append(info.name)
    return names


def test_there_are_modules_to_check() -> None:
    mods = _non_ui_modules()
    assert "app.store.database" in mods and "app.cli.main" in mods


def test_no_non_ui_module_imports_pyside6() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {_non_ui_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "    bad = [m for m in sys.modules if m.split('.')[0] == 'PySide6']\n"
        "    assert not bad, f'{name} imported {bad[:3]}'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_cli_help_loads_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from app.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_import_contracts_in_pyproject_hold() -> None:
    """The same rule on the import graph (imports inside functions too), with the layers: ``lint-imports``."""
    lint = Path(sys.executable).with_name("lint-imports.exe" if os.name == "nt" else "lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
    assert "Only the GUI imports Qt KEPT" in result.stdout
    assert "Layers import downwards only KEPT" in result.stdout
