#!/usr/bin/env python3
"""Screenshots of the real app for the README, taken on a virtual display.

    python3 packaging/screenshots.py                 # all pages in light, some in dark -> docs/screenshots/
    python3 packaging/screenshots.py --binary dist/issue-ledger/issue-ledger   # the frozen build instead

Starts Xvfb, makes a demo database (fixed seed and end, so reruns match) and one
Excel report from it, opens the window with its own settings folder, moves through
the pages with the same Ctrl+1…Ctrl+9, Ctrl+0 shortcuts a person uses (xdotool), and grabs
each with ImageMagick's ``import``. Needs: Xvfb, xdotool, imagemagick (apt-get install xvfb xdotool imagemagick).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from app.ui.pages import PAGES  # noqa: E402  (page order = the Ctrl+N shortcuts)

OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 800)
DARK_PAGES = ("dashboard", "incidents")


def need(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        sys.exit(f"missing {', '.join(missing)}: apt-get install -y xvfb xdotool imagemagick")


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """A fresh X server on a free display number (Xvfb picks it and tells us)."""
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        sys.exit("Xvfb did not start")
    return proc, f":{number}"


def command(binary: str | None) -> list[str]:
    return [binary] if binary else [sys.executable, "-m", "app"]


def make_demo(base: list[str], db: Path, events: int, env: dict[str, str]) -> None:
    subprocess.run([*base, "--db", str(db), "demo", "--events", str(events), "--seed", "1",
                    "--end", "2026-11-30T12:00:00Z"], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([*base, "--db", str(db), "patterns", "--rebuild"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # the Patterns page lists mined events
    draft_articles(base, db, env)


def draft_articles(base: list[str], db: Path, env: dict[str, str], wanted: int = 8) -> None:
    """Knowledge-base drafts from closed incidents that name a root cause, so the Knowledge page has articles."""
    import json

    listed = subprocess.run([*base, "--db", str(db), "incidents", "--status", "closed", "-o", "json", "--limit",
                             "500"], check=True, env=env, cwd=ROOT, capture_output=True, text=True).stdout
    numbers = [r["number"] for r in json.loads(listed) if r.get("root_cause")][:wanted]
    for number in numbers:
        subprocess.run([*base, "--db", str(db), "kb", "draft", number], env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # one refused is simply left out


def make_alerts(base: list[str], db: Path, env: dict[str, str]) -> None:
    """Three alert rules and a burst of VPN timeouts on two gateways, so the Alerts page shows firings."""
    def cli(*args: str) -> None:
        subprocess.run([*base, "--db", str(db), "--tz", "UTC", *args], check=True, env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    cli("rules", "add", "DPD timeouts", "--search", "DPD timeout", "--threshold", "5", "--window", "5m",
        "--severity", "error", "--incident", "--impact", "2", "--urgency", "1", "--client", "Acme Telecom")
    cli("rules", "add", "Auth failure spike", "--search", "Failed password", "--condition", "spike", "--window", "10m")
    cli("rules", "add", "Dialer silent", "--host", "dialer-01", "--condition", "heartbeat", "--window", "15m",
        "--no-notify", "--disabled")
    log = db.parent / "vpn.log"
    with log.open("w", encoding="utf-8") as f:
        for host, minute in (("vpn-gw7", 20), ("vpn-gw2", 35)):
            for k in range(20):
                f.write(f"Nov 30 11:{minute + k // 12:02d}:{5 * k % 60:02d} {host} charon[4242]: DPD timeout for peer "
                        f"203.0.113.{k} closing SA\n")
    cli("import", str(log))


def make_sources(base: list[str], db: Path, env: dict[str, str]) -> None:
    """A dialer log, a folder of PBX logs, a syslog listener and a file that went missing, for the Sources page."""
    def cli(*args: str) -> None:
        subprocess.run([*base, "--db", str(db), "--tz", "UTC", *args], check=True, env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    logs = db.parent / "logs"
    (logs / "pbx").mkdir(parents=True, exist_ok=True)
    with (logs / "dialer.log").open("w", encoding="utf-8") as f:
        for k in range(30):
            what = "error: campaign 12 trunk 3 busy" if k % 5 == 0 else "info: campaign 12 call placed"
            f.write(f"2026-11-30T11:{30 + k // 2:02d}:{k % 2 * 30:02d}.000Z dialer-01 dialer[7]: {what}\n")
    (logs / "pbx" / "pbx-a.log").write_text("".join(
        f"Nov 30 11:{40 + k:02d}:00 pbx-a asterisk[88]: NOTICE: SIP peer 'agent{k}' is reachable\n" for k in range(12)),
        encoding="utf-8")
    cli("sources", "add", str(logs / "dialer.log"), "--client", "Acme Telecom", "--site", "Manila Site A",
        "--log-type", "application")
    cli("sources", "add", str(logs / "pbx"), "--glob", "*.log", "--client", "Acme Telecom", "--site", "Cebu Site B")
    cli("sources", "add", "udp://127.0.0.1:55140", "--log-type", "network")
    cli("sources", "add", str(logs / "gone" / "crm.log"), "--client", "Globex")


def make_report(base: list[str], db: Path, env: dict[str, str]) -> None:
    """One Excel audit report, so the Reports page and the audit trail show a recent export."""
    subprocess.run([*base, "--db", str(db), "--tz", "UTC", "report", str(db.parent / "Weekly audit.xlsx"),
                    "--since", "2026-11-23", "--until", "2026-11-30T12:00:00Z"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def write_settings(config: Path, theme: str) -> None:
    folder = config / "issue-ledger"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.ini").write_text(
        f"[appearance]\ntheme={theme}\n\n[general]\ntime_zone=UTC\n", encoding="utf-8")


def xdo(env: dict[str, str], *args: str) -> str:
    return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=30).stdout.strip()


def grab(env: dict[str, str], window: str, out: Path) -> None:
    """Grab one X window to an optimised PNG."""
    from PIL import Image

    data = subprocess.run(["import", "-window", window, "png:-"], env=env, capture_output=True, check=True,
                          timeout=30).stdout
    Image.open(io.BytesIO(data)).convert("RGB").save(out, optimize=True)
    print(f"{out.relative_to(ROOT)}")


def shoot(base: list[str], db: Path, theme: str, pages: list[str], display: str, tmp: Path, wait: float) -> None:
    config = tmp / f"config-{theme}"
    write_settings(config, theme)
    env = {**os.environ, "DISPLAY": display, "XDG_CONFIG_HOME": str(config), "XDG_STATE_HOME": str(tmp / "state"),
           "QT_QPA_PLATFORM": "xcb", "LANG": "C.UTF-8"}
    env.pop("ISSUE_LEDGER_DB", None)
    app = subprocess.Popen([*base, "--db", str(db)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    try:
        window = ""
        deadline = time.monotonic() + 60
        while not window and time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.5)
            found = xdo(env, "search", "--onlyvisible", "--name", "^Issue Ledger").splitlines()
            window = found[0] if found else ""
        if not window:
            raise SystemExit("the window did not appear: " + (app.stderr.read().decode() if app.poll() else ""))
        xdo(env, "windowsize", window, str(SIZE[0]), str(SIZE[1]))
        xdo(env, "windowmove", window, "0", "0")
        xdo(env, "windowfocus", "--sync", window)
        time.sleep(wait)
        for key in pages:
            number = next(i for i, spec in enumerate(PAGES, start=1) if spec.key == key)
            xdo(env, "key", "--clearmodifiers", f"ctrl+{number % 10}")  # the tenth page is Ctrl+0
            time.sleep(wait)
            grab(env, window, OUT / f"{key}-{theme}.png")
        xdo(env, "key", "ctrl+q")
        app.wait(timeout=20)
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", help="run this built program instead of python -m app")
    parser.add_argument("--events", type=int, default=50_000, help="demo events (default 50,000)")
    parser.add_argument("--wait", type=float, default=2.5, help="seconds to let each page load")
    parser.add_argument("--dark", default=",".join(DARK_PAGES), help="pages also taken in the dark theme")
    parser.add_argument("--pages", default="", help="only these pages in the light theme (default: all)")
    args = parser.parse_args(argv)
    need("Xvfb", "xdotool", "import")
    OUT.mkdir(parents=True, exist_ok=True)
    base = command(args.binary)
    xvfb, display = start_xvfb()
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            db = tmp / "Northwind BPO.db"
            make_demo(base, db, args.events, {**os.environ, "LANG": "C.UTF-8"})
            make_report(base, db, {**os.environ, "LANG": "C.UTF-8"})
            make_alerts(base, db, {**os.environ, "LANG": "C.UTF-8"})
            make_sources(base, db, {**os.environ, "LANG": "C.UTF-8"})
            light = [k for k in args.pages.split(",") if k] if args.pages else [s.key for s in PAGES]
            shoot(base, db, "light", light, display, tmp, args.wait)
            dark = [k for k in args.dark.split(",") if k]
            if dark:
                shoot(base, db, "dark", dark, display, tmp, args.wait)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
