"""The optional screen-lock password: stored only as a salted scrypt hash, checked slowly.

Stored form (the ``lock_password`` setting; '' means no password):
``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>``. The parameters travel with the hash so they can
be raised later without breaking old passwords; parameters read back are bounded so a tampered
file cannot make a check take minutes or gigabytes.

This hash is the lock of a branch that is not encrypted; it keeps a passer-by at a shared office
PC away from the screen and does not protect the file. Once the branch is encrypted
(core/encryption.py) the lock checks the encryption password against the key file instead, and
this setting is emptied: one password. A branch that still has only this lock password is
encrypted at its first unlock (``needs_upgrade``; the window does it).
"""

from __future__ import annotations

import os

from branchdesk.core.db import Database

from branchdesk.core import keys, settings
from branchdesk.core.errors import KeyFileError, ValidationError, WrongPasswordError

N, R, P = 2**14, 8, 1  # about 50 ms and 16 MB on an office PC
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 4
_MAX_N, _MAX_R, _MAX_P = 2**17, 16, 4
_MAXMEM = 256 * 1024 * 1024
# After a few free tries each wrong password doubles the wait, up to a minute.
FREE_TRIES = 3
MAX_DELAY_SECONDS = 60.0


def hash_password(password: str, *, n: int = N, r: int = R, p: int = P) -> str:
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, n, r, p)
    return f"scrypt${n}${r}${p}${salt.hex()}${key.hex()}"


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    import hashlib  # OpenSSL: loaded only when a password is set or checked

    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=_MAXMEM, dklen=KEY_BYTES)


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; False for anything malformed."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        n, r, p = int(n), int(r), int(p)
        salt, key = bytes.fromhex(salt), bytes.fromhex(key)
    except ValueError:
        return False
    if scheme != "scrypt" or not (1 < n <= _MAX_N and 0 < r <= _MAX_R and 0 < p <= _MAX_P):
        return False
    import hmac  # with hashlib: OpenSSL, loaded only when a password is checked

    return hmac.compare_digest(_derive(password, salt, n, r, p), key)


def delay_after(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` wrong passwords in a row."""
    if failures < FREE_TRIES:
        return 0.0
    return min(2.0 ** (failures - FREE_TRIES), MAX_DELAY_SECONDS)


# ---------------------------------------------------------------- the setting

def is_encrypted(db: Database) -> bool:
    return db.path is not None and keys.is_encrypted(db.path)


def is_enabled(db: Database) -> bool:
    return is_encrypted(db) or bool(settings.get(db, "lock_password"))


def check(db: Database, password: str) -> bool:
    """The encryption password (key file) of an encrypted branch, else the lock's own hash."""
    if is_encrypted(db):
        try:
            keys.unwrap(keys.read_key_file(keys.key_path(db.path)), password)
        except (WrongPasswordError, KeyFileError):
            return False
        return True
    stored = settings.get(db, "lock_password")
    return bool(stored) and verify_password(password, stored)


def needs_upgrade(db: Database) -> bool:
    """A writable branch locked by the old lock password only: to be encrypted with it."""
    return (not db.read_only and db.path is not None and not is_encrypted(db)
            and bool(settings.get(db, "lock_password")))


def set_password(db: Database, new: str, *, old: str = "") -> None:
    """Set or change the password; changing needs the old one. Raises ValidationError."""
    _require_old(db, old)
    if len(new) < MIN_LENGTH:
        raise ValidationError({"new": f"密码至少 {MIN_LENGTH} 个字符"})
    settings.put(db, {"lock_password": hash_password(new)})


def remove_password(db: Database, old: str) -> None:
    """Turn the lock off; needs the current password. Raises ValidationError."""
    _require_old(db, old)
    settings.put(db, {"lock_password": ""})


def _require_old(db: Database, old: str) -> None:
    if is_enabled(db) and not check(db, old):
        raise ValidationError({"old": "原密码不正确"})
