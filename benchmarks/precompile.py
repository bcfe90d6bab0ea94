"""Compile the app's bytecode before timing child processes, as an installed copy has it.

``pip install`` writes ``.pyc`` files for every module; a source checkout run with
``PYTHONDONTWRITEBYTECODE`` set (common in containers) would otherwise compile
all of ``app/`` again in every child the benchmarks start, which no user pays.
"""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compile_app() -> None:
    compileall.compile_dir(ROOT / "app", quiet=1)
