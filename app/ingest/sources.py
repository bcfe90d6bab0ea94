"""What the user named, as readable sources: files, folders (recursive, globbed), .gz and .zip members."""

from __future__ import annotations

import contextlib
import fnmatch
import gzip
import hashlib
import io
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

from app.store import dbfile


class SourceError(Exception):
    """A path that cannot be read; the message names it."""


@dataclass(frozen=True)
class Source:
    """One log to import: a file, a gzip file, or a member of a zip file."""

    path: Path
    member: str | None = None
    skip: int = 0  # bytes already imported: a grown file is read from here (plain files only)

    @property
    def name(self) -> str:
        return f"{self.path.name}:{self.member}" if self.member else self.path.name

    @property
    def display_path(self) -> str:
        return f"{self.path}:{self.member}" if self.member else str(self.path)

    @property
    def size(self) -> int:
        """Bytes the progress bar counts (the compressed size for .gz)."""
        if self.member:
            with zipfile.ZipFile(self.path) as zf:
                return zf.getinfo(self.member).file_size
        return self.path.stat().st_size

    @property
    def mtime(self) -> float:
        if self.member:
            with zipfile.ZipFile(self.path) as zf:
                import datetime as dt

                return dt.datetime(*zf.getinfo(self.member).date_time).timestamp()
        return self.path.stat().st_mtime

    @property
    def gzipped(self) -> bool:
        return self.member is None and self.path.suffix.lower() == ".gz"

    def open(self) -> Reader:
        """A binary stream of the log's bytes plus how far into the file it is."""
        self._refuse_databases()
        try:
            if self.member:
                zf = zipfile.ZipFile(self.path)
                return Reader(zf.open(self.member), None, zf)
            raw = self.path.open("rb")
            if self.gzipped:
                return Reader(EndsEarly(gzip.GzipFile(fileobj=raw, mode="rb")), raw)  # type: ignore[arg-type]
            if self.skip:
                raw.seek(self.skip)
            return Reader(raw, raw)
        except (OSError, zipfile.BadZipFile, KeyError) as exc:
            raise SourceError(f"{self.display_path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None

    @contextlib.contextmanager
    def local_file(self) -> Iterator[Path]:
        """A plain file with the log's bytes, for readers that need a path (.evtx).

        The file itself, or for a .gz or zip member a temporary copy of its content,
        written in 1 MiB blocks and removed afterwards.
        """
        if not self.member and not self.gzipped:
            yield self.path
            return
        with tempfile.TemporaryDirectory(prefix="issue-ledger-") as tmp:
            copy = Path(tmp) / Path(self.member or self.path.stem).name
            with self.open() as reader, copy.open("wb") as out:
                shutil.copyfileobj(reader.stream, out, 1 << 20)
            yield copy

    def _refuse_databases(self) -> None:
        """A database this process has open is not a log, and reading it would drop our locks on it."""
        if self.member is None and dbfile.in_use(self.path):
            raise SourceError(f"{self.display_path}: an Issue Ledger database open here, not a log; "
                              "it cannot be imported")

    def head_sha256(self, size: int) -> str | None:
        """SHA-256 of the first ``size`` bytes of a plain file (None for .gz and zip members, or a shorter file)."""
        if self.member or self.gzipped:
            return None
        h = hashlib.sha256()
        left = size
        try:
            with self.path.open("rb") as fh:
                while left:
                    block = fh.read(min(left, 1 << 20))
                    if not block:
                        return None
                    h.update(block)
                    left -= len(block)
                fh.seek(size - 1)
                if size and fh.read(1) not in (b"\n", b"\r"):
                    return None  # the earlier import ended inside a line: not a clean continuation
        except OSError:
            return None
        return h.hexdigest()

    def sha256(self) -> str:
        """SHA-256 of the stored bytes (the .gz file itself; a zip member's content)."""
        self._refuse_databases()
        h = hashlib.sha256()
        if self.member:
            with self.open() as r:
                for block in iter(lambda: r.stream.read(1 << 20), b""):
                    h.update(block)
        else:
            try:
                with self.path.open("rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        h.update(block)
            except OSError as exc:
                raise SourceError(f"{self.path}: cannot read: {exc.strerror}") from None
        return h.hexdigest()


class EndsEarly:
    """A compressed stream that stops, instead of failing, where its data breaks off.

    A ``.gz`` cut mid-stream (a copy interrupted, a disk that filled) still
    holds every line before the cut; they are read, and ``damage`` says why
    the rest is missing so the import can reject it with that reason.
    """

    STEP = 8192

    def __init__(self, inner: BinaryIO) -> None:
        self.inner = inner
        self.given = 0
        self.damage: str | None = None

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes, in small steps: a break loses at most the step it falls in."""
        parts: list[bytes] = []
        want = n if n >= 0 else 1 << 62
        while want > 0 and self.damage is None:
            try:
                data = self.inner.read(min(want, self.STEP))
            except (EOFError, OSError, zlib.error) as exc:
                self.damage = (f"the compressed file breaks off after {self.given:,} bytes of text "
                               f"({exc or type(exc).__name__}); what follows could not be read")
                break
            if not data:
                break
            parts.append(data)
            self.given += len(data)
            want -= len(data)
        return b"".join(parts)

    def close(self) -> None:
        self.inner.close()


def damage_of(reader: Reader) -> str | None:
    """Why the source stopped early (a broken ``.gz``), or None when it was read to its end."""
    return getattr(reader.stream, "damage", None)


class Reader:
    """An open source; ``position()`` is the bytes consumed, for progress."""

    def __init__(self, stream: IO[bytes], raw: IO[bytes] | None, owner: zipfile.ZipFile | None = None) -> None:
        # typeshed gives a zip member as IO[bytes] and io.RawIOBase as no IO at all; each is a binary file here.
        self.stream = cast(BinaryIO, stream)
        self._raw = raw
        self._owner = owner
        self._counted = 0
        if raw is None:  # zip member: count what passes through
            self.stream = cast(BinaryIO, _Counting(stream, self))

    def position(self) -> int:
        if self._raw is not None:
            try:
                return self._raw.tell()
            except (OSError, ValueError):
                return 0
        return self._counted

    def close(self) -> None:
        self.stream.close()
        if self._raw is not None:
            self._raw.close()
        if self._owner is not None:
            self._owner.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Counting(io.RawIOBase):
    def __init__(self, inner: IO[bytes], reader: Reader) -> None:
        self._inner = inner
        self._reader = reader

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self._inner.read(n)
        self._reader._counted += len(data)
        return data

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


# Files a folder (or a zip) of logs often carries that are not logs: taken only when named
# directly or asked for with a glob of their own, never swept in with a folder's logs.
NOT_LOGS: tuple[str, ...] = (
    "readme*", "license*", "licence*", "copying*", "notice*", "authors*", "changelog*", "changes*",
    "citation*", "*.md", "*.rst", "*.pdf", "*.html", "*.htm", "*.png", "*.jpg", "*.jpeg", "*.gif", "*.svg",
    "*.ico", "*.doc", "*.docx", "*.odt", "*.xls", "*.xlsx", "*.ods", "*.ppt", "*.pptx", "*.exe", "*.dll",
    "*.db", "*.sqlite", "*.sqlite3", "*-wal", "*-shm", "*-journal",
)


NOT_A_LOG = "not a log (documentation, picture, office file or database)"


@dataclass(frozen=True)
class Skipped:
    """A file inside a folder or zip that is left out, and why (the summary lists it)."""

    name: str
    reason: str


def not_a_log(name: str) -> bool:
    low = name.lower()
    return any(fnmatch.fnmatch(low, pattern) for pattern in NOT_LOGS)


def expand(paths: list[Path], glob: str = "*") -> Iterator[Source | SourceError | Skipped]:
    """Every log named by ``paths``: folders recursively (files matching ``glob``), zip members.

    With the default glob a folder's or zip's documentation, pictures and office
    files come out as ``Skipped``; a file named directly is always taken.
    """
    for p in paths:
        if not p.exists():
            yield SourceError(f"{p}: no such file or folder")
        elif p.is_dir():
            found = skipped = 0
            files, problems = _walk(p)
            for where, why in problems:
                yield Skipped(where, why)
            for f in files:
                if not any(part.startswith(".") for part in f.relative_to(p).parts) \
                        and fnmatch.fnmatch(f.name, glob):
                    if glob == "*" and not_a_log(f.name):
                        skipped += 1
                        yield Skipped(str(f), NOT_A_LOG)
                        continue
                    found += 1
                    yield from _file(f, glob)
            if not found and skipped:
                yield SourceError(f"{p}: no logs in this folder, only {skipped} other file(s); "
                                  "name a file, or give --glob, to import it anyway")
            elif not found:
                yield SourceError(f"{p}: no files matching {glob!r} in this folder")
        else:
            yield from _file(p, "*")


def _walk(top: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files below ``top`` (following links, each folder once) and what could not be looked into, with why.

    ``Path.rglob`` passes over an unreadable folder or a link that loops without
    a word; here each becomes a reason the import lists.
    """
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            problems.append((str(folder), f"cannot be read ({exc.strerror or exc})"))
            continue
        if (st.st_dev, st.st_ino) in seen:
            problems.append((str(folder), "a link back to a folder already read (a loop), not read again"))
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            problems.append((str(folder), f"folder cannot be read ({exc.strerror or exc})"))
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    stack.append(entry)
                elif entry.is_file():
                    files.append(entry)
                elif entry.is_symlink():
                    problems.append((str(entry), "a link to nothing (broken link)"))
            except OSError as exc:  # ELOOP: a link to itself
                problems.append((str(entry), f"cannot be followed ({exc.strerror or exc})"))
    files.sort()
    return files, problems


def _file(p: Path, glob: str) -> Iterator[Source | SourceError | Skipped]:
    if p.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(p) as zf:
                members = [i.filename for i in zf.infolist()
                           if not i.is_dir() and fnmatch.fnmatch(Path(i.filename).name, glob)]
        except (zipfile.BadZipFile, OSError) as exc:
            yield SourceError(f"{p}: not a readable zip file ({exc})")
            return
        for m in members:
            if glob == "*" and not_a_log(Path(m).name):
                yield Skipped(f"{p}:{m}", NOT_A_LOG)
            else:
                yield Source(p, m)
    else:
        yield Source(p)
