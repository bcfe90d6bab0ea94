"""Before the window opens on Linux/X11: are the libraries Qt's xcb plugin needs installed?

Without them Qt prints "Could not load the Qt platform plugin "xcb"" and aborts
the process (a core dump, no window). A fresh desktop often lacks
``libxcb-cursor0`` (Qt 6.5+), and a minimal one ``libxcb-icccm4`` and
``libxcb-keysyms1`` too. We look for them first and, if one is missing, say
which packages to install and exit with status 1 instead.

No Qt here: this runs before the QApplication exists. The decision
(``missing_libraries``) takes the environment and the library lookup as
arguments, so tests can drive it without changing the system.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# What libqxcb.so (PySide6's xcb platform plugin) needs beyond Qt and the C library,
# with the Debian/Ubuntu and Fedora packages that hold each.
XCB_LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
}
# The ones a fresh desktop is most often without: always named in the advice.
USUAL_MISSING: tuple[str, ...] = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1")
# Extra library names (separated by ":") to require as well, for diagnosis and for the whole-app test.
EXTRA_ENV = "ISSUE_LEDGER_XCB_LIBS"


def uses_xcb(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will start on X11 through the xcb plugin (and so needs its libraries)."""
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip().lower()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_libraries(env: Mapping[str, str], can_load: Callable[[str], bool],
                      platform: str = sys.platform) -> list[str]:
    """The xcb plugin's libraries that cannot be loaded, when the window would open on X11; else []."""
    if not uses_xcb(env, platform):
        return []
    names = [*XCB_LIBRARIES, *(n for n in env.get(EXTRA_ENV, "").split(":") if n.strip())]
    return [name for name in names if not can_load(name.strip())]


def can_load(soname: str) -> bool:
    """Whether the dynamic loader finds a library (system paths, or the frozen program's own folder)."""
    places = [soname]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        places.append(str(Path(bundle) / soname))
    for place in places:
        try:
            ctypes.CDLL(place)
        except OSError:
            continue
        return True
    return False


def advice(missing: list[str]) -> str:
    """One message: what is missing, and the commands that install it on Debian/Ubuntu and on Fedora."""
    wanted = [*USUAL_MISSING, *(m for m in missing if m not in USUAL_MISSING)]
    debian = dict.fromkeys(XCB_LIBRARIES[n][0] for n in wanted if n in XCB_LIBRARIES)
    fedora = dict.fromkeys(XCB_LIBRARIES[n][1] for n in wanted if n in XCB_LIBRARIES)
    return (
        f"Issue Ledger cannot open its window: the X11 (xcb) libraries Qt needs are missing: "
        f"{', '.join(missing)}.\n"
        f"Install them, then start Issue Ledger again:\n"
        f"  Debian/Ubuntu:  sudo apt install {' '.join(debian)}\n"
        f"  Fedora:         sudo dnf install {' '.join(fedora)}\n"
        f"The command line works without them (issue-ledger --help)."
    )


def check(env: Mapping[str, str] | None = None) -> str | None:
    """The message to show when the window cannot start on this system, else None."""
    missing = missing_libraries(os.environ if env is None else env, can_load)
    return advice(missing) if missing else None
