"""Archive files: gzip JSON Lines, one per log type and month, and ``manifest.json`` that vouches for them.

Layout: ``<dir>/<log type>/<YYYY-MM>.jsonl.gz`` and ``<dir>/manifest.json``. A line
holds the fields of ``events --output json`` (severity as a word) plus ``raw``,
``flags`` and the import's file name and SHA-256, which a restore needs. Files are
owner-only (0600), gzip headers carry no time, so the same events give the same bytes.
The archive of an encrypted database is sealed (``app.retention.seal``): each file's
gzip bytes are encrypted under the database's passphrase, and the manifest says how.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from app.domain.digest import sha256_file
from app.domain.vocab import Severity
from app.retention.seal import Seal, SealedWriter, SealError
from app.store import private_files

MANIFEST = "manifest.json"
FORMAT = "issue-ledger-archive"


class ArchiveError(Exception):
    """An archive folder that cannot be written or read; the message names the file."""


def line_of(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["severity"] = Severity(out["severity"]).label
    return out


@dataclass
class _File:
    path: Path
    raw: IO[bytes]
    gz: gzip.GzipFile
    sealed: SealedWriter | None = None
    events: int = 0
    first_ts: str = ""
    last_ts: str = ""


@dataclass
class ArchiveWriter:
    """Writes events into their type/month files; ``finish`` closes them and writes the manifest."""

    folder: Path
    seal: Seal | None = None  # the database is encrypted: so is its archive
    _files: dict[tuple[str, str], _File] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        if self.folder.exists() and any(self.folder.iterdir()):
            raise ArchiveError(f"{self.folder}: the archive folder is not empty; give a new or empty folder")
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise ArchiveError(f"{self.folder}: cannot create the archive folder: {exc.strerror}") from exc

    def add(self, rows: Iterable[dict[str, Any]]) -> int:
        n = 0
        for row in rows:
            key = (row["log_type"], row["ts"][:7])
            f = self._files.get(key) or self._open(key)
            f.gz.write(json.dumps(line_of(row), ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
            f.events += 1
            f.first_ts = min(f.first_ts or row["ts"], row["ts"])
            f.last_ts = max(f.last_ts, row["ts"])
            n += 1
        return n

    def _open(self, key: tuple[str, str]) -> _File:
        sub = self.folder / key[0]
        sub.mkdir(exist_ok=True, mode=0o700)
        path = private_files.create(sub / f"{key[1]}.jsonl.gz")
        raw = open(path, "wb")  # noqa: SIM115 - closed in finish()
        sealed = self.seal.writer(raw, path.relative_to(self.folder).as_posix()) if self.seal else None
        f = _File(path, raw, gzip.GzipFile(fileobj=sealed or raw, mode="wb", compresslevel=6, mtime=0, filename=""),
                  sealed)
        self._files[key] = f
        return f

    def discard(self) -> None:
        """Remove what was written (a run cancelled or failed while archiving): no half archive is left."""
        for f in self._files.values():
            with contextlib.suppress(OSError):
                f.gz.close()
                f.raw.close()
            with contextlib.suppress(OSError):
                f.path.unlink()
        self._files.clear()
        for sub in sorted(self.folder.glob("*"), reverse=True):
            with contextlib.suppress(OSError):
                sub.rmdir()
        with contextlib.suppress(OSError):
            self.folder.rmdir()

    def close(self) -> list[dict[str, Any]]:
        """Close every file; their manifest entries, sorted by path."""
        entries = []
        for f in self._files.values():
            f.gz.close()
            if f.sealed is not None:
                f.sealed.finish()
            f.raw.flush()
            os.fsync(f.raw.fileno())
            f.raw.close()
            entries.append({"path": f.path.relative_to(self.folder).as_posix(), "events": f.events,
                            "first_ts": f.first_ts, "last_ts": f.last_ts, "bytes": f.path.stat().st_size,
                            "sha256": sha256_file(f.path)})
        self._files.clear()
        return sorted(entries, key=lambda e: e["path"])




def write_manifest(folder: Path, manifest: dict[str, Any]) -> str:
    """Write (or replace, atomically) the manifest; returns its SHA-256, the hash the audit rows name."""
    target = Path(folder) / MANIFEST
    tmp = private_files.create(target.with_name(f".{MANIFEST}.part"))
    data = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path) -> tuple[dict[str, Any], str]:
    """The manifest and its SHA-256; ``ArchiveError`` naming the file when it is missing or not one."""
    path = Path(folder) / MANIFEST
    try:
        data = path.read_bytes()
        manifest = json.loads(data)
    except FileNotFoundError:
        raise ArchiveError(f"{path}: no manifest; not an Issue Ledger archive folder") from None
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"{path}: cannot read the manifest ({exc})") from None
    if not (isinstance(manifest, dict) and manifest.get("format") == FORMAT
            and isinstance(manifest.get("files"), list)):
        raise ArchiveError(f"{path}: not an Issue Ledger archive manifest")
    return manifest, hashlib.sha256(data).hexdigest()


def seal_of(folder: Path, manifest: dict[str, Any], passphrase: str | None) -> Seal | None:
    """The key of a sealed archive (None for a plain one); ``ArchiveError`` without or with a wrong passphrase."""
    if not manifest.get("sealed"):
        return None
    try:
        return Seal.open(manifest["sealed"], passphrase, Path(folder) / MANIFEST)
    except SealError as exc:
        raise ArchiveError(str(exc)) from None


def read_lines(folder: Path, entry: dict[str, Any], seal: Seal | None = None) -> Iterator[dict[str, Any]]:
    """The events of one archive file, severity back as a number; ``ArchiveError`` names the file and line."""
    path = Path(folder) / entry["path"]
    n = 0
    try:
        source = seal.reader(path, str(entry["path"])) if seal else open(path, "rb")  # noqa: SIM115
        with source, gzip.GzipFile(fileobj=source, mode="rb") as fh:
            for n, line in enumerate(fh, start=1):  # noqa: B007 - n names the line in errors
                row = json.loads(line)
                row["severity"] = int(Severity.parse(row["severity"]))
                yield row
    except SealError as exc:
        raise ArchiveError(str(exc)) from None
    except (OSError, EOFError, ValueError, KeyError, TypeError, gzip.BadGzipFile) as exc:
        raise ArchiveError(f"{path}, line {n + 1}: cannot read ({exc})") from None


def verify(folder: Path, passphrase: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """Check every file's SHA-256 and event count against the manifest; the manifest and one finding a problem.

    A sealed archive needs its passphrase: its files are decrypted (and authenticated) to be counted.
    """
    manifest, _ = read_manifest(folder)
    seal = seal_of(folder, manifest, passphrase)
    problems: list[str] = []
    total = 0
    for entry in manifest["files"]:
        path = Path(folder) / str(entry.get("path", ""))
        if not path.is_file():
            problems.append(f"{path}: missing (the manifest lists it)")
            continue
        digest = sha256_file(path)
        if digest != entry.get("sha256"):
            problems.append(f"{path}: SHA-256 {digest} does not match the manifest's {entry.get('sha256')}")
            continue
        try:
            count = sum(1 for _ in read_lines(folder, entry, seal))
        except ArchiveError as exc:
            problems.append(str(exc))
            continue
        if count != entry.get("events"):
            problems.append(f"{path}: {count} events, the manifest says {entry.get('events')}")
        total += count
    listed = {str(e.get("path")) for e in manifest["files"]}
    for extra in sorted(Path(folder).glob("*/*.jsonl.gz")):
        if extra.relative_to(folder).as_posix() not in listed:
            problems.append(f"{extra}: not in the manifest")
    if not problems and total != manifest.get("events"):
        problems.append(f"{Path(folder) / MANIFEST}: files hold {total} events, the manifest says "
                        f"{manifest.get('events')}")
    return manifest, problems
