"""Sealed archives: the archive of an encrypted database is encrypted too, under the database's passphrase.

Events taken out of an encrypted (SQLCipher) database must not sit in plain gzip
next to it. Each archive file is AES-256-GCM over its gzip bytes: a random 12-byte
nonce, the ciphertext, then the 16-byte tag, with the file's path in the archive as
associated data (a file moved to another month's place fails). The key comes from
the passphrase by scrypt with a random salt kept in the manifest (``sealed``), with
an HMAC of a fixed text under the key, so a wrong passphrase is named as such
before any file is read. ``cryptography`` is the ``encryption`` extra's, as
SQLCipher is: without it an encrypted database cannot be opened anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

CIPHER = "AES-256-GCM"
KDF = {"name": "scrypt", "n": 2**15, "r": 8, "p": 1}  # about 32 MB and 0.1 s: once per archive, not per file
NONCE_BYTES = 12
TAG_BYTES = 16
_CHECK = b"issue-ledger archive key check"


class SealError(Exception):
    """A sealed archive that cannot be opened: no or a wrong passphrase, or no ``cryptography``."""


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    except ImportError:  # pragma: no cover - the encryption extra brings it
        raise SealError("sealed archives need the cryptography package: pip install 'issue-ledger[encryption]'"
                        ) from None
    return Cipher, algorithms, modes


def _key(passphrase: str, salt: bytes, kdf: dict[str, Any]) -> bytes:
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=int(kdf["n"]), r=int(kdf["r"]),
                          p=int(kdf["p"]), maxmem=256 << 20, dklen=32)


@dataclass(frozen=True)
class Seal:
    """The key of one archive folder and what the manifest says about it."""

    key: bytes
    salt: bytes

    @classmethod
    def new(cls, passphrase: str) -> Seal:
        salt = os.urandom(16)
        return cls(_key(passphrase, salt, KDF), salt)

    @classmethod
    def open(cls, described: dict[str, Any], passphrase: str | None, where: Path) -> Seal:
        """The key for a manifest's ``sealed`` entry; ``SealError`` naming ``where`` without or with a wrong one."""
        if not passphrase:
            raise SealError(f"{where}: the archive is sealed with its database's passphrase; give it "
                            "(the database's own, or $ISSUE_LEDGER_PASSPHRASE)")
        try:
            salt = bytes.fromhex(described["salt"])
            key = _key(passphrase, salt, described["kdf"])
            check = bytes.fromhex(described["check"])
        except (KeyError, TypeError, ValueError) as exc:
            raise SealError(f"{where}: the manifest's sealed entry is damaged ({exc})") from None
        seal = cls(key, salt)
        if not hmac.compare_digest(seal.check(), check):
            raise SealError(f"{where}: wrong passphrase for this sealed archive")
        return seal

    def check(self) -> bytes:
        return hmac.new(self.key, _CHECK, hashlib.sha256).digest()[:16]

    def describe(self) -> dict[str, Any]:
        """The manifest's ``sealed`` entry: never the key, only what rebuilds it from the passphrase."""
        return {"cipher": CIPHER, "kdf": dict(KDF), "salt": self.salt.hex(), "check": self.check().hex()}

    def writer(self, raw: IO[bytes], name: str) -> SealedWriter:
        return SealedWriter(raw, self.key, name)

    def reader(self, path: Path, name: str) -> IO[bytes]:
        """The plain bytes of sealed file ``path``; a damaged or altered file raises ``SealError`` at its end."""
        return io.BufferedReader(_SealedReader(path, self.key, name), buffer_size=1 << 16)


class SealedWriter(io.RawIOBase):
    """A write-only stream that encrypts into ``raw``; ``finish`` writes the tag (``raw`` stays open)."""

    def __init__(self, raw: IO[bytes], key: bytes, name: str) -> None:
        super().__init__()
        cipher_cls, algorithms, modes = _crypto()
        nonce = os.urandom(NONCE_BYTES)
        self._enc = cipher_cls(algorithms.AES(key), modes.GCM(nonce)).encryptor()
        self._enc.authenticate_additional_data(name.encode("utf-8"))
        self._raw = raw
        raw.write(nonce)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._raw.write(self._enc.update(chunk))
        return len(chunk)

    def finish(self) -> None:
        self._raw.write(self._enc.finalize() + self._enc.tag)


class _SealedReader(io.RawIOBase):
    """Decrypts a sealed file as it is read; the tag is checked when the last byte has been read."""

    def __init__(self, path: Path, key: bytes, name: str) -> None:
        super().__init__()
        cipher_cls, algorithms, modes = _crypto()
        self._path = path
        self._fh = open(path, "rb")  # noqa: SIM115 - closed with this reader
        size = os.fstat(self._fh.fileno()).st_size
        if size < NONCE_BYTES + TAG_BYTES:
            self._fh.close()
            raise SealError(f"{path}: too short for a sealed archive file")
        nonce = self._fh.read(NONCE_BYTES)
        self._fh.seek(size - TAG_BYTES)
        tag = self._fh.read(TAG_BYTES)
        self._fh.seek(NONCE_BYTES)
        self._left = size - NONCE_BYTES - TAG_BYTES
        self._dec = cipher_cls(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        self._dec.authenticate_additional_data(name.encode("utf-8"))
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._done:
            return 0
        want = min(len(buffer), self._left)
        data = self._fh.read(want) if want else b""
        self._left -= len(data)
        out = self._dec.update(data)
        if not self._left:
            self._done = True
            from cryptography.exceptions import InvalidTag

            try:
                out += self._dec.finalize()
            except InvalidTag:
                raise SealError(f"{self._path}: altered or damaged (its authentication tag does not match)"
                                ) from None
        buffer[:len(out)] = out
        return len(out)

    def close(self) -> None:
        self._fh.close()
        super().close()
