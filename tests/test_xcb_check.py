"""A Linux desktop without Qt's xcb libraries gets one clear message and exit 1, not Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.ui import xcb_check

X11 = {"DISPLAY": ":0"}


def _lookup(absent: set[str]) -> Callable[[str], bool]:
    """A stand-in for the system's dynamic loader: finds every library but ``absent``."""
    return lambda name: name not in absent


def test_missing_cursor_library_on_x11_is_found() -> None:
    missing = xcb_check.missing_libraries(X11, _lookup({"libxcb-cursor.so.0"}), "linux")
    assert missing == ["libxcb-cursor.so.0"]
    assert xcb_check.missing_libraries(X11, _lookup(set()), "linux") == []


@pytest.mark.parametrize(("env", "platform"), [
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux"),  # Qt starts on Wayland
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux"),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, "linux"),
    ({}, "linux"),  # no display at all: Qt's own message is the right one
    (X11, "win32"),
    (X11, "darwin"),
])
def test_no_check_where_xcb_is_not_used(env: dict[str, str], platform: str) -> None:
    assert xcb_check.missing_libraries(env, _lookup({"libxcb-cursor.so.0"}), platform) == []


def test_xcb_asked_for_by_name_is_checked_even_on_wayland() -> None:
    env = {"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}
    assert xcb_check.missing_libraries(env, _lookup({"libxcb-icccm.so.4"}), "linux") == ["libxcb-icccm.so.4"]


def test_advice_names_debian_and_fedora_packages() -> None:
    text = xcb_check.advice(["libxcb-cursor.so.0", "libxcb-image.so.0"])
    assert "libxcb-cursor.so.0, libxcb-image.so.0" in text
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0" in text
    assert "sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms xcb-util-image" in text


def test_the_real_lookup_tells_present_from_absent() -> None:
    assert xcb_check.can_load("libc.so.6")
    assert not xcb_check.can_load("libissue-ledger-absent.so.0")


def test_window_without_a_library_exits_1_with_the_advice(tmp_path: Path) -> None:
    """The real program, started as a user would on X11, with one library the loader cannot find."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")}
    env.update(DISPLAY=":93", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), ISSUE_LEDGER_XCB_LIBS="libissue-ledger-absent.so.0")
    result = subprocess.run([sys.executable, "-m", "app", "--db", str(tmp_path / "x.db"), "gui"],
                            capture_output=True, text=True, timeout=60, env=env, cwd=Path(__file__).parents[1])
    assert result.returncode == 1, result.stderr
    assert "Issue Ledger cannot open its window" in result.stderr
    assert "libissue-ledger-absent.so.0" in result.stderr
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in result.stderr
    assert "sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms" in result.stderr
    assert "platform plugin" not in result.stderr  # Qt never got as far as trying
    assert not (tmp_path / "x.db").exists()
