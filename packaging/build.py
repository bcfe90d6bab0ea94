#!/usr/bin/env python3
"""Build the one-folder program and, where the tools exist, the installers.

    python packaging/build.py                # dist/issue-ledger/ (PyInstaller, this platform)
    python packaging/build.py --check        # ... then run the built program without Python
    python packaging/build.py --installer    # ... and the platform's installer:
                                             #   Windows: Inno Setup -> dist/IssueLedger-<v>-setup.exe
                                             #   Linux:   dist/issue-ledger-<v>-linux-<arch>.tar.gz
                                             #   macOS:   dist/IssueLedger-<v>-macos.zip of the .app

Needs the build extra: ``pip install -e .[build]`` (PyInstaller). Inno Setup's
``iscc`` must be on PATH for the Windows installer.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from app import __version__  # noqa: E402

DIST = ROOT / "dist"
FOLDER = DIST / "issue-ledger"
EXE_NAME = "issue-ledger.exe" if os.name == "nt" else "issue-ledger"
LINUX_FILES = ROOT / "packaging" / "linux"


def binary() -> Path:
    return FOLDER / EXE_NAME


def build(clean: bool) -> float:
    """Run PyInstaller on the spec; returns seconds taken."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit("PyInstaller is missing: pip install -e '.[build]'")
    if not (ROOT / "resources" / "icons" / "app" / "issue-ledger.ico").exists():
        subprocess.run([sys.executable, str(ROOT / "packaging" / "make_icons.py")], check=True)
    started = time.monotonic()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"),
               str(ROOT / "packaging" / "issue-ledger.spec")]
    if clean:
        command.insert(3, "--clean")
    subprocess.run(command, check=True, cwd=ROOT)
    seconds = time.monotonic() - started
    if sys.platform.startswith("linux"):
        warn_unbundled_xcb()
    size = sum(f.stat().st_size for f in FOLDER.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"built {binary()} in {seconds:.0f} s; folder {size / 1e6:.0f} MB")
    return seconds


def warn_unbundled_xcb() -> None:
    """PyInstaller bundles the xcb libraries Qt's X11 plugin needs only when the build machine has them."""
    from app.ui.xcb_check import XCB_LIBRARIES

    inside = {f.name for f in FOLDER.rglob("*.so*")}
    absent = [name for name in XCB_LIBRARIES if name not in inside]
    if absent:
        packages = " ".join(dict.fromkeys(XCB_LIBRARIES[n][0] for n in absent))
        print(f"warning: the build carries no {', '.join(absent)}: users need them installed to open the "
              f"window. Install them here (sudo apt install {packages}) and build again to bundle them.")


def check() -> None:
    """Run the built program from a copy, with no Python on PATH: version, then demo data."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "issue-ledger"
        shutil.copytree(FOLDER, copy, symlinks=True)
        env = {"PATH": str(Path(tmp) / "no-python-here"), "HOME": tmp, "USERPROFILE": tmp,
               "LANG": "C.UTF-8", "SYSTEMROOT": os.environ.get("SYSTEMROOT", "")}
        exe = copy / EXE_NAME
        version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env, cwd=tmp,
                                 timeout=120)
        print(version.stdout.strip() or version.stderr.strip())
        if version.returncode != 0 or __version__ not in version.stdout:
            sys.exit(f"the built program did not report version {__version__}")
        db = Path(tmp) / "check.db"
        started = time.monotonic()
        demo = subprocess.run([str(exe), "--db", str(db), "demo", "--events", "2000"], capture_output=True,
                              text=True, env=env, cwd=tmp, timeout=300)
        print(demo.stdout.strip() or demo.stderr.strip())
        if demo.returncode != 0 or "added 2,000 events" not in demo.stdout:
            sys.exit("the built program could not create demo data")
        print(f"demo data in {time.monotonic() - started:.1f} s")
        redaction_smoke(exe, db, env, Path(tmp))
        if sys.platform.startswith("linux"):
            gui_smoke(exe, db, env, Path(tmp))
        print("check passed")


def redaction_smoke(exe: Path, db: Path, env: dict[str, str], tmp: Path) -> None:
    """Import a line of PII: phonenumbers' region modules and stdnum's data files must be in the build."""
    log = tmp / "pii.log"
    log.write_text("Dec  2 16:17:00 web01 crm[42]: iban GB82 WEST 1234 5698 7654 32 phone +44 20 7946 0958 "
                   "+63 917 123 4567 card 4111111111111111\n", encoding="utf-8")
    done = subprocess.run([str(exe), "--db", str(db), "import", str(log)], capture_output=True, text=True, env=env,
                          cwd=tmp, timeout=120)
    print(done.stdout.strip() or done.stderr.strip())
    if done.returncode != 0 or "1 card redacted, 1 iban redacted, 2 phone redacted" not in done.stdout:
        sys.exit("the built program did not redact PII at import")


def gui_smoke(exe: Path, db: Path, env: dict[str, str], tmp: Path) -> None:
    """Open the window off screen: the theme (read from the bundled resources) must load, nothing may crash."""
    state = tmp / "state"
    log = state / "issue-ledger" / "log" / "issue-ledger.log"
    gui_env = {**env, "QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(state),
               "XDG_CONFIG_HOME": str(tmp / "config")}
    proc = subprocess.Popen([str(exe), "--db", str(db)], env=gui_env, cwd=tmp, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if log.exists() and "theme light (" in log.read_text(encoding="utf-8"):
                break
            time.sleep(0.3)
        time.sleep(2)  # let the first page load
        alive = proc.poll() is None
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=20)
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    if not alive or "theme light" not in text or "CRITICAL" in text:
        sys.exit(f"the built program's window did not start cleanly:\n{text}\n{stderr.decode(errors='replace')}")
    print("window opened off screen with its theme and icons")


def installer() -> Path:
    """The platform's installer from dist/issue-ledger/."""
    if os.name == "nt":
        iscc = shutil.which("iscc") or shutil.which("ISCC")
        if not iscc:
            sys.exit("Inno Setup's iscc is not on PATH; install Inno Setup 6")
        subprocess.run([iscc, f"/DAppVersion={__version__}", f"/DSourceDir={FOLDER}", f"/O{DIST}",
                        str(ROOT / "packaging" / "windows" / "issue-ledger.iss")], check=True)
        return DIST / f"IssueLedger-{__version__}-setup.exe"
    if sys.platform == "darwin":
        bundle = DIST / "Issue Ledger.app"
        out = DIST / f"IssueLedger-{__version__}-macos"
        return Path(shutil.make_archive(str(out), "zip", DIST, bundle.name))
    return linux_archive()


def linux_archive() -> Path:
    """A tarball: the program folder, its desktop entry, AppStream data, icons and install.sh."""
    name = f"issue-ledger-{__version__}-linux-{platform.machine()}"
    out = DIST / f"{name}.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        tar.add(FOLDER, arcname=f"{name}/issue-ledger")
        for f in sorted(LINUX_FILES.iterdir()):
            tar.add(f, arcname=f"{name}/{f.name}")
        tar.add(ROOT / "resources" / "icons" / "issue-ledger.svg", arcname=f"{name}/icons/issue-ledger.svg")
        for png in sorted((ROOT / "resources" / "icons" / "app").glob("*.png")):
            tar.add(png, arcname=f"{name}/icons/{png.name}")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.0f} MB)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's cache first")
    parser.add_argument("--check", action="store_true", help="run the built program without Python")
    parser.add_argument("--installer", action="store_true", help="also make this platform's installer")
    parser.add_argument("--no-build", action="store_true", help="reuse dist/issue-ledger/")
    args = parser.parse_args(argv)
    if not args.no_build:
        build(args.clean)
    if not binary().exists():
        sys.exit(f"{binary()} is missing; build first")
    if args.check:
        check()
    if args.installer:
        installer()
    return 0


if __name__ == "__main__":
    sys.exit(main())
