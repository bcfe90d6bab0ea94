#!/usr/bin/env python3
"""Set up a virtual environment in .venv and run the app or the tests.

    python3 packaging/dev.py run    # install, make demo.db on first run, open the window
    python3 packaging/dev.py test   # install, run the test suite
    python3 packaging/dev.py bench  # install, run the benchmarks
    python3 packaging/dev.py lint   # install, run ruff check, mypy app and lint-imports (each, then fail if any did)
    python3 packaging/dev.py build  # install with PyInstaller, build dist/issue-ledger/ (args go to build.py)

Only the standard library is used here, so it works on a machine with nothing
but Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def ensure_env(extras: str = "test,encryption") -> None:
    """Create .venv and install the project with ``extras`` when pyproject.toml or setup.py changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run by any python3, before the venv exists
        sys.exit(f"Issue Ledger needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    setup_py = ROOT / "setup.py"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()
                            + (setup_py.read_bytes() if setup_py.exists() else b"")).hexdigest()
    stamp = STAMP.with_name(f"{STAMP.name}-{extras.replace(',', '-')}")  # one per extras set: no ping-pong
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("installing Issue Ledger and its dependencies into .venv", flush=True)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-e", f"{ROOT}[{extras}]"], check=True)
    stamp.write_text(digest)


def lint() -> int:
    """The checks CI runs besides the tests; each runs even when one before it failed, so one run shows all."""
    exe = ".exe" if os.name == "nt" else ""
    checks = {
        "ruff check": [str(PY), "-m", "ruff", "check", "."],
        "mypy app": [str(PY), "-m", "mypy", "app"],
        "lint-imports": [str(BIN / f"lint-imports{exe}"), "--no-cache"],
    }
    failed = []
    for name, cmd in checks.items():
        started = time.perf_counter()
        code = subprocess.call(cmd, cwd=ROOT)
        outcome = "ok" if code == 0 else f"failed ({code})"
        print(f"{name}: {outcome} in {time.perf_counter() - started:.1f} s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"lint failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    rest = argv[1:]
    ensure_env("test,encryption,build" if command == "build" else "test,encryption")
    if command == "run":
        db = ROOT / "demo.db"
        if not db.exists():
            subprocess.run([str(PY), "-m", "app", "--db", str(db), "demo"], check=True)
        return subprocess.call([str(PY), "-m", "app", "--db", str(db), *rest])
    if command == "test":
        return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT)
    if command == "build":
        return subprocess.call([str(PY), str(ROOT / "packaging" / "build.py"), *rest], cwd=ROOT)
    if command == "lint":
        return lint()
    if command == "bench":
        return subprocess.call([str(PY), str(ROOT / "benchmarks" / "run_all.py"), *rest], cwd=ROOT)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
