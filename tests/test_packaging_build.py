"""The frozen one-folder build runs with no Python beside it.

Building takes 30–45 s, so CI does it once in ``.ci/run`` (``packaging/dev.py build
--check``) and this test is skipped unless ISSUE_LEDGER_TEST_BUILD=1; it then builds
with PyInstaller (when dist/ is missing) and checks the program from a copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__

ROOT = Path(__file__).resolve().parents[1]
BINARY = ROOT / "dist" / "issue-ledger" / ("issue-ledger.exe" if os.name == "nt" else "issue-ledger")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("ISSUE_LEDGER_TEST_BUILD") != "1",
                       reason="builds with PyInstaller; set ISSUE_LEDGER_TEST_BUILD=1 (CI builds in .ci/run)"),
]


def test_built_program_prints_version_and_makes_demo_data(tmp_path: Path) -> None:
    pytest.importorskip("PyInstaller")
    if not BINARY.exists():
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True, cwd=ROOT, timeout=900)
    folder = tmp_path / "issue-ledger"
    shutil.copytree(BINARY.parent, folder, symlinks=True)
    exe = folder / BINARY.name
    env = {"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env, cwd=tmp_path,
                             timeout=120)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"issue-ledger, version {__version__}"
    db = tmp_path / "frozen.db"
    demo = subprocess.run([str(exe), "--db", str(db), "demo", "--events", "1000"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert "added 1,000 events" in demo.stdout
    stats = subprocess.run([str(exe), "--db", str(db), "stats", "--output", "json"], capture_output=True,
                           text=True, env=env, cwd=tmp_path, timeout=120)
    assert stats.returncode == 0 and '"events": 1000' in stats.stdout
