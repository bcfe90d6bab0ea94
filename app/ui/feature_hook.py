"""Spare every import the source scan PySide6 runs for its ``__feature__`` switch.

Once PySide6 is loaded, it calls ``_mod_uses_pyside(module)`` after each new
module is imported: ``inspect.getsource`` reads and splits the whole file just to
look for the word "PySide6". Importing matplotlib for the dashboard runs it over
some 300 modules (50 ms of a 325 ms import; see benchmarks/bench_charts.py).
The answer only decides whether PySide6 may switch ``snake_case`` or
``true_property`` on for that module, which this application never asks for,
so modules known not to touch Qt get "no" at once. Anything else still gets
PySide6's own check, and a PySide6 without this hook is left alone.
"""

from __future__ import annotations

import logging
import sys
from types import ModuleType
from typing import Any

log = logging.getLogger("issue_ledger.ui")

# Packages that never import Qt (matplotlib's Qt backends excepted below).
NO_QT = frozenset({
    "numpy", "PIL", "pyparsing", "dateutil", "kiwisolver", "cycler", "fontTools", "packaging", "six",
    "openpyxl", "et_xmlfile", "sqlite_utils", "sqlite_fts4", "click", "tabulate", "Evtx", "hexdump",
    "python_calamine", "zoneinfo", "tzdata",
})


def needs_scan(name: str) -> bool | None:
    """False for a module that cannot use PySide6, True for our Qt layer, None when PySide6 must look."""
    top = name.partition(".")[0]
    if top == "app":
        return name == "app.ui" or name.startswith("app.ui.")
    if top == "matplotlib":
        return None if "qt" in name else False
    if top in NO_QT or top in sys.stdlib_module_names:
        return False
    return None


def install() -> bool:
    """Answer PySide6's per-import question from the module name where possible; True when installed."""
    feature = sys.modules.get("PySide6.support.feature")
    original: Any = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None or getattr(original, "il_quick", False):
        return False

    def uses_pyside(module: ModuleType) -> Any:
        known = needs_scan(getattr(module, "__name__", "") or "")
        return original(module) if known is None else known

    uses_pyside.il_quick = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]  # a private hook, not in PySide6's stubs
    log.debug("PySide6 import scan limited to modules that may use Qt")
    return True
