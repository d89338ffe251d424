"""The one SQLite driver for every database file, encrypted or not: sqlcipher3.

sqlcipher3 is SQLite built with SQLCipher, with the standard library's sqlite3 interface. A
plain file opens with it exactly as with sqlite3 (same file format); an encrypted one needs the
data key (core/keys.py) given with ``PRAGMA key`` before the first read. Every connection to a
branch file, its backups and its copies comes from ``connect`` here, so a file never meets two
different SQLite builds.

Its exceptions are its own classes, *not* subclasses of sqlite3's: code that catches SQLite's
errors catches the names below (``driver.DatabaseError`` …), never ``sqlite3.DatabaseError``.
"""

from __future__ import annotations

from sqlcipher3 import dbapi2

Connection = dbapi2.Connection
Cursor = dbapi2.Cursor
Error = dbapi2.Error
DatabaseError = dbapi2.DatabaseError
IntegrityError = dbapi2.IntegrityError
OperationalError = dbapi2.OperationalError

SQLITE_HEADER = b"SQLite format 3\x00"


def connect(target: str, *, key: bytes | None = None, uri: bool = False,
            timeout: float = 5.0) -> Connection:
    """A connection to ``target``; with ``key`` (32 bytes), SQLCipher's raw key for it.

    SQLCipher's own log (English "hmac check failed" lines on stderr for a wrong key or a
    damaged page) is switched off: the caller turns the error into a Chinese message.
    A wrong key only shows at the first read, as SQLITE_NOTADB.
    """
    conn = dbapi2.connect(target, uri=uri, timeout=timeout)
    conn.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        conn.execute(f"PRAGMA key = \"{key_literal(key)}\"")
    return conn


def key_literal(key: bytes) -> str:
    """SQLCipher's spelling of a raw 256-bit key (no key derivation: the key is random)."""
    if len(key) != 32:
        raise ValueError("a raw SQLCipher key is 32 bytes")
    return f"x'{key.hex()}'"


def has_plain_header(path) -> bool:
    """Whether the file starts like an unencrypted SQLite database. An encrypted file starts
    with 16 random bytes (SQLCipher's salt) instead; an empty or missing file: False."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False
