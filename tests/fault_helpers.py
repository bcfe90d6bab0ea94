"""Running the real CLI where the machine misbehaves: a read-only folder, a file-size limit."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# Mounts `$0` read-only inside a private mount namespace, then runs the command: writes fail with EROFS
# even for root, whom chmod does not stop.
_READ_ONLY_MOUNT = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'


def read_only_prefix(folder: Path) -> list[str]:
    """What to put before a command so that ``folder`` is truly read-only for it (chmod 0555 is set too)."""
    if os.geteuid() != 0:
        return []
    prefix = ["unshare", "-rm", "sh", "-c", _READ_ONLY_MOUNT, str(folder)]
    if shutil.which("unshare") is None or subprocess.run([*prefix, "true"], capture_output=True).returncode:
        pytest.skip("running as root without user namespaces or mounts in them: cannot make a folder read-only")
    return prefix


def tmpfs_prefix(folder: Path, size: str = "1m") -> list[str]:
    """What to put before a command so that ``folder`` is a small, fresh tmpfs for it: a disk that fills up."""
    prefix = ["unshare", "-rm", "sh", "-c", f'mount -t tmpfs -o size={size} tmpfs "$0" && exec "$@"', str(folder)]
    if shutil.which("unshare") is None or subprocess.run([*prefix, "true"], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (no user namespaces)")
    return prefix


def make_read_only(path: Path) -> None:
    path.chmod(0o444)
    path.parent.chmod(0o555)


def file_size_limit(max_bytes: int) -> Callable[[], None]:
    """A ``preexec_fn``: files may grow to ``max_bytes``, then writes fail with EFBIG as on a full disk."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the process instead of failing the write
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return limit


def run_app(*args: object, prefix: list[str] | None = None, preexec_fn: Callable[[], None] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m app ARGS`` as ``run_cli`` runs it, with a command prefix or a limit applied."""
    return subprocess.run([*(prefix or []), sys.executable, "-m", "app", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=preexec_fn)


def run_python(code: str, *args: object, prefix: list[str] | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """A short driver script in a fresh process (offscreen Qt), importing this checkout's ``app``."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([*(prefix or []), sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=env)
