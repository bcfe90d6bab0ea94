"""Start-up tweaks for the dashboard's first draw: PySide6's import scan and numpy's BLAS threads."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from app.ui import feature_hook

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("name", "expected"), [
    ("numpy.core", False), ("matplotlib.axes._axes", False), ("json.decoder", False), ("app.store.events", False),
    ("app.ui", True), ("app.ui.pages.dashboard", True),
    ("matplotlib.backends.backend_qtagg", None), ("pytestqt.qtbot", None), ("someplugin", None),
])
def test_only_modules_that_may_use_qt_are_left_to_pyside(name: str, expected: bool | None) -> None:
    assert feature_hook.needs_scan(name) is expected


def test_the_hook_answers_without_reading_source_and_falls_back_otherwise(tmp_path: Path) -> None:
    feature = sys.modules.get("PySide6.support.feature")
    if feature is None:
        pytest.skip("this PySide6 has no __feature__ import hook")
    check = feature._mod_uses_pyside
    assert getattr(check, "il_quick", False), "importing app.ui installs the hook"
    # A module named like numpy's, with no file behind it: PySide6's own scan would raise or say False
    # only after trying to read it; the hook answers from the name.
    assert check(types.ModuleType("numpy.fake_for_test")) is False
    assert check(types.ModuleType("app.ui.fake_for_test")) is True
    # An unknown package still gets PySide6's source scan: one that mentions PySide6, one that does not.
    qt_user = tmp_path / "third_party_qt_user.py"
    qt_user.write_text("from PySide6 import QtCore\n")
    plain = tmp_path / "third_party_plain.py"
    plain.write_text("X = 1\n")
    for path, expected in ((qt_user, True), (plain, False)):
        mod = types.ModuleType(path.stem)
        mod.__file__ = str(path)
        assert check(mod) is expected
    assert feature_hook.install() is False, "installing twice wraps nothing again"


def _blas_threads(env: dict[str, str]) -> str:
    code = "import app, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=60, check=True)
    return out.stdout.strip()


def test_blas_runs_one_thread_unless_the_user_says_otherwise() -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert _blas_threads(env) == "1"
    assert _blas_threads({**env, "OPENBLAS_NUM_THREADS": "4"}) == "4"
