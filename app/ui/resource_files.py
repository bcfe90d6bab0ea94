"""Where icons and themes are read from: the ``app_resources`` package, else the checkout.

Installed (wheel, editable install) and frozen (PyInstaller) builds carry
``resources/`` as the package ``app_resources`` and are read through
``importlib.resources``; a plain source checkout, where that package is not
importable, reads the top-level ``resources/`` folder beside ``app/``.
"""

from __future__ import annotations

import functools
import importlib.resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "app_resources"


@functools.cache
def root() -> Traversable:
    """The resources folder as a Traversable (a real directory in every supported layout)."""
    try:
        return importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "resources"


def find(relative: str) -> Traversable:
    """One resource, e.g. ``find("icons/nav/events.svg")``; raises FileNotFoundError if missing."""
    item = root().joinpath(*relative.split("/"))
    if not item.is_file():
        raise FileNotFoundError(f"resource {relative!r} is missing from {root()}")
    return item


def read_text(relative: str) -> str:
    return find(relative).read_text(encoding="utf-8")


def read_bytes(relative: str) -> bytes:
    return find(relative).read_bytes()
