"""The optional key that seals the audit trail (HMAC-SHA256 instead of plain SHA-256).

Without a key, anyone holding the file can edit a row and recompute every hash
after it. With a secret kept outside the database, they cannot. The key comes
from ``$ISSUE_LEDGER_AUDIT_KEY`` (the secret itself) or ``$ISSUE_LEDGER_AUDIT_KEY_FILE``
(a file holding it). The first row written with a key seals the trail from that
row on, and the database records it (row number and the key's fingerprint, never
the key), so a later ``verify`` without the key says it cannot check rather than "ok".
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from app.store.database import Database, UserFacingStoreError
from app.store.settings import AUDIT_CHAIN_KEY

KEY_ENV = "ISSUE_LEDGER_AUDIT_KEY"
KEY_FILE_ENV = "ISSUE_LEDGER_AUDIT_KEY_FILE"


class AuditKeyError(UserFacingStoreError):
    """The trail is keyed and no key, or the wrong one, was given."""


@dataclass(frozen=True)
class Sealing:
    """Where the keyed part of the trail starts, and which key seals it (by fingerprint)."""

    from_id: int
    fingerprint: str


def load(key_file: Path | None = None) -> bytes | None:
    """The key from ``key_file``, else the environment; None when none is set."""
    path = key_file or (Path(os.environ[KEY_FILE_ENV]) if os.environ.get(KEY_FILE_ENV) else None)
    if path is not None:
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise AuditKeyError(f"{path}: cannot read the audit key: {exc.strerror or exc}") from None
        if not secret:
            raise AuditKeyError(f"{path}: the audit key file is empty")
        return secret
    text = os.environ.get(KEY_ENV, "")
    return text.encode("utf-8") if text else None


def fingerprint(key: bytes) -> str:
    """Names the key without revealing it, so a wrong key is told apart from tampering."""
    return hmac.new(key, b"issue-ledger audit key", hashlib.sha256).hexdigest()[:16]


def sealing(db: Database) -> Sealing | None:
    """The database's record that its trail is keyed (None: an unkeyed trail)."""
    saved = AUDIT_CHAIN_KEY.read(db)
    if not isinstance(saved, dict):
        return None
    return Sealing(int(saved.get("from", 0) or 0), str(saved.get("fingerprint", "")))


def signer_for_append(db: Database, next_id: int) -> bytes | None:
    """The key to hash the next row with; seals an unkeyed trail when a key is set (inside the writing transaction).

    A keyed trail refuses rows without its key: an unsigned row would be one
    anybody could forge.
    """
    key = load()
    sealed = sealing(db)
    if sealed is None:
        if key is not None:
            AUDIT_CHAIN_KEY.write(db, {"from": next_id, "fingerprint": fingerprint(key)})
        return key
    if key is None:
        raise AuditKeyError(f"{db.path}: the audit trail is keyed (from row {sealed.from_id}); "
                            f"set {KEY_ENV} or {KEY_FILE_ENV} to record changes")
    if fingerprint(key) != sealed.fingerprint:
        raise AuditKeyError(f"{db.path}: the audit key given is not this trail's key "
                            f"(fingerprint {fingerprint(key)}, expected {sealed.fingerprint})")
    return key


def digest(key: bytes | None, text: str) -> str:
    """SHA-256 of ``text``, or its HMAC-SHA256 under ``key``."""
    data = text.encode("utf-8")
    return hmac.new(key, data, hashlib.sha256).hexdigest() if key else hashlib.sha256(data).hexdigest()
