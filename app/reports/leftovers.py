"""What a killed export leaves behind, and where: found and removed by the next export.

A killed export leaves its ``.NAME.PID.part`` file beside the target and, for a
workbook, openpyxl's temporary sheet files (each as large as the sheet's XML,
hundreds of MB for a big report). Those temporary files go to a folder the app
owns, one subfolder per process, so that both kinds can be told apart from live
ones by their process id: a file or folder whose process is gone is junk.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger("issue_ledger.reports")

# .report.xlsx.4242.part, and .report.xlsx.4242.old.part (the file being replaced, kept until the commit)
_PART = re.compile(r"^\.(?P<name>.+\.(?:xlsx|csv))\.(?P<pid>\d+)(?:\.old)?\.part$", re.IGNORECASE)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs now (a reused id counts as alive: then nothing is removed)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return bool(kernel32.GetLastError() == 5)  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def remove_stale_parts(folder: Path) -> list[Path]:
    """Remove the ``.part`` files in ``folder`` whose export process is gone; returns them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _PART.match(entry.name)
        if m is None or not entry.is_file(follow_symlinks=False) or pid_alive(int(m["pid"])):
            continue
        with contextlib.suppress(OSError):
            os.remove(entry.path)
            removed.append(Path(entry.path))
            log.info("removed %s, left by export process %s which is no longer running", entry.path, m["pid"])
    return removed


def temp_root() -> Path:
    """The app's own folder for export temporary files (in the user cache folder)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("issue-ledger", "IssueLedger")) / "export-temp"


def remove_stale_temp(root: Path | None = None) -> list[Path]:
    """Remove the per-process temporary folders whose process is gone; returns them."""
    root = root or temp_root()
    removed: list[Path] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        if entry.name.isdigit() and entry.is_dir(follow_symlinks=False) and not pid_alive(int(entry.name)):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
            log.info("removed %s, temporary files of export process %s which is no longer running",
                     entry.path, entry.name)
    return removed


_scope_lock = threading.Lock()
_scope_users = 0
_saved_tempdir: str | None = None


@contextlib.contextmanager
def owned_tempdir() -> Iterator[Path]:
    """Send ``tempfile``'s files (openpyxl's write-only sheets) to this process's folder under ``temp_root``.

    openpyxl has no setting of its own: its write-only sheets call
    ``tempfile.NamedTemporaryFile`` without a folder, which honours
    ``tempfile.tempdir``. That is process-wide, so it is set while any export
    runs and put back when the last one ends.
    """
    global _scope_users, _saved_tempdir
    root = temp_root()
    remove_stale_temp(root)
    folder = root / str(os.getpid())
    folder.mkdir(parents=True, exist_ok=True)
    with _scope_lock:
        if _scope_users == 0:
            _saved_tempdir = tempfile.tempdir
            tempfile.tempdir = str(folder)
        _scope_users += 1
    try:
        yield folder
    finally:
        with _scope_lock:
            _scope_users -= 1
            if _scope_users == 0:
                tempfile.tempdir = _saved_tempdir
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty
