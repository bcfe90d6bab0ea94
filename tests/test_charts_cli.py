"""``issue-ledger chart`` as a real subprocess: formats, filters, sizes and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store.database import Database


@pytest.fixture
def demo_path(demo_db: Database) -> Path:
    demo_db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return demo_db.path


# one subprocess per format; every kind is rendered in-process by test_charts_figures.py
@pytest.mark.parametrize("kind,suffix", [("trend", "png"), ("heatmap", "svg"), ("mttr", "pdf")])
def test_each_kind_renders(run_cli, demo_path: Path, tmp_path: Path, kind: str, suffix: str) -> None:
    out = tmp_path / f"{kind}.{suffix}"
    result = run_cli("--db", demo_path, "--tz", "Asia/Manila", "chart", kind, out)
    assert result.returncode == 0, result.stderr
    assert f"{kind} chart written" in result.stdout
    magic = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}[suffix]
    assert out.read_bytes().startswith(magic)


def test_size_filters_and_split(run_cli, demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.png"
    result = run_cli("--db", demo_path, "chart", "trend", out, "--by", "type", "--client", "Acme Telecom",
                     "--since", "2026-11-20", "--min-severity", "warning", "--width", "640", "--height", "320",
                     "--theme", "dark")
    assert result.returncode == 0, result.stderr
    from PIL import Image

    with Image.open(out) as image:
        assert image.size == (640, 320)


def test_svg_labels_the_zone(run_cli, demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.svg"
    result = run_cli("--db", demo_path, "--tz", "Europe/London", "chart", "trend", out)
    assert result.returncode == 0, result.stderr
    assert "Europe/London" in out.read_text(encoding="utf-8")


def test_bad_extension_and_bad_regex_are_clear(run_cli, demo_path: Path, tmp_path: Path) -> None:
    bad = run_cli("--db", demo_path, "chart", "trend", tmp_path / "chart.jpg")
    assert bad.returncode == 2 and "use a .png, .svg or .pdf" in bad.stderr
    regex = run_cli("--db", demo_path, "chart", "top", tmp_path / "x.png", "--search", "/port (/")
    assert regex.returncode == 2 and "regex /port (/ is not valid" in regex.stderr
    assert not (tmp_path / "x.png").exists()
    kind = run_cli("--db", demo_path, "chart", "pie", tmp_path / "x.png")
    assert kind.returncode == 2 and "trend" in kind.stderr
