"""The data key of an encrypted branch: its key file, the password and the 恢复密钥.

An encrypted branch file is encrypted by SQLCipher with a random 256-bit **data key** (its raw
key: no key derivation when the file opens). The data key is never stored in the clear on disk:

- ``<db>.key`` (the key file, beside the database, plain JSON) holds it wrapped with AES-256-GCM
  under scrypt(password), with the scrypt parameters and salt (needed before the database can
  be opened, so they cannot live inside it), and the key's ``key_id``;
- the **恢复密钥** (recovery key) is the data key itself written out for printing: 55 characters
  of Crockford base32 with a 16-bit checksum, in groups of five. It opens the file, and every
  backup made with the same key, with or without a key file; it never changes when the
  password changes (nothing is re-encrypted then), so it is kept like the data itself.

``key_id`` (HMAC-SHA256 of the data key, 16 bytes) names the key without revealing it: it ties a
key file, a backup's key file and a typed 恢复密钥 to the same key, and indexes the keys
unlocked in this process. Once a password has opened a branch's key file, every file of that
branch (its database, its backups, copies being checked) opens without asking again: the
connection factory (``connection_key``) finds the key by the key_id in the file's key file.

A wrong password fails AES-GCM's authentication of the key file, before the database is read:
it raises WrongPasswordError, never a damage error.
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from branchdesk.core import driver
from branchdesk.core.errors import KeyFileError, PasswordRequiredError, WrongPasswordError

KEY_SUFFIX = ".key"
FORMAT = "BranchDesk key file"
VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
# scrypt: about 0.45 s and 128 MiB on the 2-core CI machine (bench/README.md), paid once per
# unlock. Parameters read back are bounded so a tampered key file cannot ask for minutes or
# gigabytes.
N, R, P = 2**17, 8, 1
_MAX_N, _MAX_R, _MAX_P = 2**18, 16, 4
_MAXMEM = 512 * 1024 * 1024
MIN_LENGTH = 6
_WRAP_AAD = b"BranchDesk data key v1"
_ID_LABEL = b"BranchDesk key id"
# Crockford's base32: no I, L, O, U (read as 1, 1, 0; U is not used at all).
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"I": "1", "L": "1", "O": "0"}
_GROUP = 5

# key_id -> data key, for the keys unlocked in this process (see the module docstring).
_unlocked: dict[str, bytes] = {}


@dataclass(frozen=True)
class KeyFile:
    """The parsed key file. ``wrapped`` is the data key sealed by AES-GCM (tag included)."""

    key_id: str
    n: int
    r: int
    p: int
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def to_bytes(self) -> bytes:
        data = {"format": FORMAT, "version": VERSION, "key_id": self.key_id,
                "kdf": {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p,
                        "salt": self.salt.hex()},
                "password": {"cipher": "AES-256-GCM", "nonce": self.nonce.hex(),
                             "wrapped": self.wrapped.hex()}}
        return (json.dumps(data, indent=1) + "\n").encode("utf-8")


def key_path(db_path: Path | str) -> Path:
    """The key file of a database (or backup) file: its name plus ``.key``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + KEY_SUFFIX)


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


def key_id(data_key: bytes) -> str:
    return hmac.new(data_key, _ID_LABEL, "sha256").digest()[:16].hex()


# ---------------------------------------------------------------- wrapping

def check_new_password(password: str) -> None:
    """Raise ValidationError when ``password`` is too short to protect the file."""
    from branchdesk.core.errors import ValidationError

    if len(password) < MIN_LENGTH:
        raise ValidationError({"new": f"密码至少 {MIN_LENGTH} 个字符"})


def wrap(data_key: bytes, password: str) -> KeyFile:
    """A key file holding ``data_key`` sealed under scrypt(``password``) with N, R, P."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    n, r, p = N, R, P
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    sealed = AESGCM(_derive(password, salt, n, r, p)).encrypt(nonce, data_key, _WRAP_AAD)
    return KeyFile(key_id(data_key), n, r, p, salt, nonce, sealed)


def unwrap(keyfile: KeyFile, password: str) -> bytes:
    """The data key, or WrongPasswordError when ``password`` does not open ``keyfile``."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kek = _derive(password, keyfile.salt, keyfile.n, keyfile.r, keyfile.p)
    try:
        data_key = AESGCM(kek).decrypt(keyfile.nonce, keyfile.wrapped, _WRAP_AAD)
    except InvalidTag:
        raise WrongPasswordError("密码不正确。数据文件没有被修改。") from None
    if len(data_key) != KEY_BYTES or not hmac.compare_digest(key_id(data_key), keyfile.key_id):
        raise KeyFileError("钥匙文件内容不一致（可能被改动过）。数据文件没有被修改。"
                           "可以用恢复密钥打开。")
    return data_key


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    import hashlib  # OpenSSL: loaded only when a password is used

    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=_MAXMEM, dklen=KEY_BYTES)


# ---------------------------------------------------------------- the key file

def read_key_file(path: Path | str) -> KeyFile:
    """Parse a key file; KeyFileError (never a crash) for anything malformed or out of bounds."""
    path = Path(path)
    try:
        data = json.loads(path.read_bytes()[:64 * 1024].decode("utf-8"))
        kdf, sealed = data["kdf"], data["password"]
        keyfile = KeyFile(str(data["key_id"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]),
                          bytes.fromhex(kdf["salt"]), bytes.fromhex(sealed["nonce"]),
                          bytes.fromhex(sealed["wrapped"]))
        ours = (data["format"] == FORMAT and data["version"] == VERSION
                and kdf["name"] == "scrypt" and sealed["cipher"] == "AES-256-GCM")
    except OSError as exc:
        raise KeyFileError(f"无法读取钥匙文件“{path.name}”（{exc.strerror or exc}）。"
                           "数据文件没有被修改。", detail=str(exc)) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyFileError(_not_a_key_file(path), detail=str(exc)) from exc
    if not ours or not _bounded(keyfile):
        raise KeyFileError(_not_a_key_file(path))
    return keyfile


def _not_a_key_file(path: Path) -> str:
    return (f"“{path.name}”不是有效的钥匙文件（可能已损坏或被改动）。数据文件没有被修改。"
            "可以用恢复密钥打开数据文件，并重新设置密码。")


def _bounded(k: KeyFile) -> bool:
    return (1 < k.n <= _MAX_N and k.n & (k.n - 1) == 0 and 0 < k.r <= _MAX_R
            and 0 < k.p <= _MAX_P and 128 * k.n * k.r * k.p <= _MAXMEM // 2
            and len(k.nonce) == NONCE_BYTES and len(k.salt) >= 8 and len(k.key_id) == 32)


def is_encrypted(db_path: Path | str) -> bool:
    """An encrypted branch file: a key file beside it and no plain SQLite header.

    The header decides: a key file beside a plain file is what an interrupted ``set`` leaves
    (key file written, swap not done) or a finished ``remove`` before the key file went; the
    plain file is then the database and the key file is ignored.
    """
    db_path = Path(db_path)
    return (db_path.is_file() and key_path(db_path).is_file()
            and not driver.has_plain_header(db_path))


# ---------------------------------------------------------------- unlocking

def remember(data_key: bytes) -> str:
    """Keep ``data_key`` unlocked for this process; returns its key_id."""
    kid = key_id(data_key)
    _unlocked[kid] = data_key
    return kid


def forget_all() -> None:
    _unlocked.clear()


def unlocked(kid: str) -> bytes | None:
    return _unlocked.get(kid)


def unlock(db_path: Path | str, password: str) -> bytes:
    """Open ``db_path``'s key file with ``password`` and keep the key for this process.

    A plain file needs no key: returns b"". WrongPasswordError / KeyFileError otherwise.
    """
    if not is_encrypted(db_path):
        return b""
    data_key = unwrap(read_key_file(key_path(db_path)), password)
    remember(data_key)
    return data_key


def needs_password(db_path: Path | str) -> bool:
    """Encrypted, and its key not unlocked in this process yet."""
    if not is_encrypted(db_path):
        return False
    try:
        return unlocked(read_key_file(key_path(db_path)).key_id) is None
    except KeyFileError:
        return True


def connection_key(db_path: Path | str) -> bytes | None:
    """The key a connection to ``db_path`` needs: None for a plain (or new) file.

    PasswordRequiredError when the file is encrypted and its key is not unlocked yet;
    KeyFileError when its key file cannot be read.
    """
    if not is_encrypted(db_path):
        return None
    path = Path(db_path)
    data_key = unlocked(read_key_file(key_path(path)).key_id)
    if data_key is None:
        raise PasswordRequiredError(f"数据文件“{path.name}”已加密，需要输入密码才能打开。")
    return data_key


# ---------------------------------------------------------------- the 恢复密钥

def recovery_key(data_key: bytes) -> str:
    """The printable 恢复密钥 of ``data_key``: 11 groups of 5 characters."""
    import hashlib

    payload = data_key + hashlib.sha256(data_key).digest()[:2]
    number, bits = int.from_bytes(payload, "big"), len(payload) * 8
    count = -(-bits // 5)
    number <<= count * 5 - bits
    chars = [_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(count))]
    text = "".join(chars)
    return "-".join(text[i:i + _GROUP] for i in range(0, len(text), _GROUP))


def parse_recovery_key(text: str) -> bytes:
    """The data key written in ``text`` (spaces, dashes and case do not matter; I, L, O read
    as 1, 1, 0). ValidationError when it is not a 恢复密钥 (a typo fails the checksum)."""
    import hashlib

    from branchdesk.core.errors import ValidationError

    wrong = ValidationError({"recovery": "恢复密钥不正确：请逐个字符核对（共 55 个字符，"
                                         "分 11 组）。"})
    chars = [_READ_AS.get(c, c) for c in text.upper() if c not in " -\t\r\n"]
    count = -(-(KEY_BYTES + 2) * 8 // 5)
    if len(chars) != count or any(c not in _ALPHABET for c in chars):
        raise wrong
    number = 0
    for c in chars:
        number = number * 32 + _ALPHABET.index(c)
    payload = (number >> (count * 5 - (KEY_BYTES + 2) * 8)).to_bytes(KEY_BYTES + 2, "big")
    data_key, check = payload[:KEY_BYTES], payload[KEY_BYTES:]
    if hashlib.sha256(data_key).digest()[:2] != check:
        raise wrong
    return data_key
