"""Attachments (photos, scans, documents) of any record, stored content-addressed.

A file is copied to ``<attachments dir>/<sha256[:2]>/<sha256><ext>``: the same content is
stored once however many records use it, and a file is deleted only when no row refers to
its content any more. The copy goes through the checked atomic write (core/files.py), so a
full disk or a power cut never leaves a half-written file under a real name.

Attachments of an encrypted branch (core/keys.py) are sealed: the file holds ``SEAL_MAGIC``,
a 12-byte nonce and the content encrypted with AES-256-GCM under a key derived from the
branch's data key (tag included), not the content itself. They stay files beside the database
rather than rows in it, so backups keep within ``backup_max_mb``. Setting a password seals every
file in the folder (the set-aside ``.removed`` ones too), removing it unseals them; reading
tells the two apart by the magic, so a run cut off half-way leaves files that still open. The
names stay content addresses: the SHA-256 of the content, which tells someone holding a copy
of a known file that it is attached, not what an unknown file says.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from branchdesk.core.db import Database

from branchdesk import paths
from branchdesk.core.db import ensure_writable
from branchdesk.core import files, keys
from branchdesk.core.errors import BranchdeskError, NotFoundError
from branchdesk.core.files import size_text
from branchdesk.core.text import clean

log = logging.getLogger(__name__)

MEETING = "meeting"
MAX_BYTES = 200 * 1024 * 1024
_EXT = re.compile(r"^\.[A-Za-z0-9]{1,10}$")
SEAL_MAGIC = b"BDSEAL1\n"
_NONCE = 12
SEAL_OVERHEAD = len(SEAL_MAGIC) + _NONCE + 16  # magic, nonce, GCM tag
_KEY_LABEL = b"BranchDesk attachments v1"


class AttachmentError(BranchdeskError):
    title = "附件问题"


@dataclass
class Attachment:
    id: int
    owner_kind: str
    owner_id: int
    original_name: str
    stored_name: str
    sha256: str
    size: int
    note: str = ""
    added_at: str = ""


# ---------------------------------------------------------------- reading

def list_for(db: Database, owner_kind: str, owner_id: int) -> list[Attachment]:
    cursor = db.execute("SELECT * FROM attachments WHERE owner_kind = ? AND owner_id = ? "
                        "ORDER BY id", [owner_kind, owner_id])
    return [_from_row(cursor.description, row) for row in cursor.fetchall()]


def get(db: Database, attachment_id: int) -> Attachment:
    cursor = db.execute("SELECT * FROM attachments WHERE id = ?", [attachment_id])
    row = cursor.fetchone()
    if row is None:
        raise NotFoundError("找不到这个附件，可能已被删除。")
    return _from_row(cursor.description, row)


def _from_row(description, row) -> Attachment:
    return Attachment(**dict(zip([d[0] for d in description], row)))


REMOVED = ".removed"  # files no record uses any more, kept while a backup may refer to them


def path_of(db: Database, attachment: Attachment) -> Path:
    """Where the stored copy lives (it may be missing if someone deleted it by hand).

    After a backup was restored, a record may again use a file that had been removed: it is
    brought back from the removed files first."""
    root = paths.attachments_dir(db.path)
    path = root / attachment.stored_name
    if (not path.exists() and (root / REMOVED / attachment.stored_name).exists()
            and _in_use(db, attachment.sha256)):
        try:
            os.replace(root / REMOVED / attachment.stored_name, path)
            log.info("attachment file brought back after a restore")
        except OSError as exc:
            log.warning("could not bring back attachment file: %s", exc)
    return path


# ---------------------------------------------------------------- adding

def check_file(src_path: Path | str) -> int:
    """The file's size; raises AttachmentError when it cannot be attached."""
    src = Path(src_path)
    if not src.is_file():
        raise AttachmentError(f"找不到文件“{src.name}”，或它不是一个文件。")
    size = src.stat().st_size
    if size > MAX_BYTES:
        raise AttachmentError(f"文件“{src.name}”有 {size_text(size)}，超过 200 MB 的上限，"
                              "不能作为附件。请压缩图片或拆分文件后再添加。")
    return size


def add(db: Database, owner_kind: str, owner_id: int, src_path: Path | str,
        note: str = "") -> Attachment:
    """Copy the file into the attachments folder (once per content) and record it."""
    ensure_writable(db)
    src = Path(src_path)
    check_file(src)
    sha, size, stored_name = _store(db, src)
    try:
        with db.atomic():
            new_id = db.execute(
                "INSERT INTO attachments (owner_kind, owner_id, original_name, stored_name, "
                "sha256, size, note, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [owner_kind, owner_id, clean(src.name), stored_name, sha, size, clean(note).strip(),
                 datetime.now().isoformat(timespec="seconds")]).lastrowid
    except BaseException:
        _discard_if_unused(db, sha, stored_name)
        raise
    return get(db, new_id)


def _store(db: Database, src: Path) -> tuple[str, int, str]:
    """Hash the file, then copy it to its content address with the checked atomic write
    (unless the same content is stored already); sealed for an encrypted branch."""
    root = paths.attachments_dir(db.path)
    sha, size = _hash(src)
    stored_name = f"{sha[:2]}/{sha}{_extension(src)}"
    target = root / stored_name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise files.write_error(exc, target) from exc
    key = attachment_key(db.path)
    if target.exists() and _content_size(target) == size and (key is None) != is_sealed(target):
        return sha, size, stored_name
    if key is not None:
        return _store_sealed(db, src, key, sha, stored_name)
    if files.copy_file(src, target).sha256 != sha:  # it changed while we copied
        _discard_if_unused(db, sha, stored_name)
        raise AttachmentError(f"文件“{src.name}”在复制时被改动了，请关闭正在编辑它的程序后重新添加。")
    return sha, size, stored_name


def _store_sealed(db: Database, src: Path, key: bytes, sha: str,
                  stored_name: str) -> tuple[str, int, str]:
    import hashlib

    try:
        content = src.read_bytes()
    except OSError as exc:
        raise AttachmentError(f"无法读取文件“{src.name}”：{exc.strerror or exc}。"
                              "请确认文件可以打开后重试。") from exc
    if hashlib.sha256(content).hexdigest() != sha:
        raise AttachmentError(f"文件“{src.name}”在复制时被改动了，请关闭正在编辑它的程序后重新添加。")
    files.write_bytes(paths.attachments_dir(db.path) / stored_name, seal(content, key))
    return sha, len(content), stored_name


def _content_size(path: Path) -> int:
    size = path.stat().st_size
    return size - SEAL_OVERHEAD if is_sealed(path) else size


def _hash(src: Path) -> tuple[str, int]:
    try:
        found = files.sha256_of(src)
    except OSError as exc:
        raise AttachmentError(f"无法读取文件“{src.name}”：{exc.strerror or exc}。"
                              "请确认文件可以打开后重试。") from exc
    if found.size > MAX_BYTES:  # it grew since it was checked
        raise AttachmentError(f"文件“{src.name}”超过 200 MB 的上限，不能作为附件。")
    return found.sha256, found.size


def _extension(src: Path) -> str:
    ext = src.suffix.lower()
    return ext if _EXT.match(ext) else ""


# ---------------------------------------------------------------- removing

def remove(db: Database, attachment_id: int) -> None:
    """Delete the record, and the stored file when no other record uses the same content."""
    ensure_writable(db)
    attachment = get(db, attachment_id)
    with db.atomic():
        db.execute("DELETE FROM attachments WHERE id = ?", [attachment_id])
    _discard_if_unused(db, attachment.sha256, attachment.stored_name)


def remove_for(db: Database, owner_kind: str, owner_id: int) -> None:
    """Delete every attachment of one record (rows first, then the unused files)."""
    ensure_writable(db)
    found = list_for(db, owner_kind, owner_id)
    with db.atomic():
        db.execute("DELETE FROM attachments WHERE owner_kind = ? AND owner_id = ?",
                   [owner_kind, owner_id])
    discard_unused(db, found)


def discard_unused(db: Database, attachments: list[Attachment]) -> None:
    """Delete the stored files of rows already deleted, unless other rows still use them."""
    for attachment in attachments:
        _discard_if_unused(db, attachment.sha256, attachment.stored_name)


def _in_use(db: Database, sha: str) -> bool:
    return db.execute("SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1", [sha]).fetchone() is not None


def _discard_if_unused(db: Database, sha: str, stored_name: str) -> None:
    """Set the file aside (not deleted): the automatic backups still hold records that use it,
    and restoring one of them should find its attachments (backup.prune empties the aside
    folder of files older than the oldest backup kept)."""
    if _in_use(db, sha):
        return
    root = paths.attachments_dir(db.path)
    if not (root / stored_name).exists():
        return
    try:
        (root / REMOVED / stored_name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(root / stored_name, root / REMOVED / stored_name)
        os.utime(root / REMOVED / stored_name)  # removed now: the age that purging looks at
    except OSError as exc:  # e.g. open in a viewer on Windows: an unused file stays behind
        log.warning("could not set aside attachment file %s: %s", stored_name, exc)


def purge_removed(db_path: Path | str, before: datetime) -> int:
    """Delete the set-aside files removed before ``before`` (no backup kept is that old, so
    none can refer to them); returns how many were deleted."""
    folder = paths.attachments_dir(Path(db_path)) / REMOVED
    if not folder.is_dir():
        return 0
    deleted = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file() and datetime.fromtimestamp(path.stat().st_mtime) < before:
                path.unlink()
                deleted += 1
        except OSError as exc:
            log.warning("could not delete a removed attachment file: %s", exc)
    return deleted


# ---------------------------------------------------------------- copies out

def content(db: Database, attachment: Attachment) -> Path | bytes:
    """The attachment's content as files.copy_file takes it: the stored file itself, or the
    unsealed bytes of a sealed one (an encrypted branch)."""
    source = path_of(db, attachment)
    if not source.is_file():
        raise NotFoundError(f"附件“{attachment.original_name}”的文件已丢失（{source}）。"
                            "可以删除这条附件后重新添加。")
    if not is_sealed(source):
        return source
    key = attachment_key(db.path)
    if key is None:
        raise AttachmentError(f"附件“{attachment.original_name}”是加密保存的，但数据文件没有密码。"
                              "请联系技术人员。")
    return unseal(source.read_bytes(), key, attachment.original_name)


def copy_out(db: Database, attachment: Attachment, dest: Path | str) -> Path:
    """Copy the stored file (unsealed) to ``dest`` (e.g. 另存为, or a read-only copy to
    open) with the checked atomic write."""
    source = content(db, attachment)
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():  # an earlier read-only viewing copy: Windows cannot replace it
            dest.chmod(stat.S_IWRITE | stat.S_IREAD)
    except OSError as exc:
        raise files.write_error(exc, dest) from exc
    files.copy_file(source, dest)
    return dest


def viewing_copy(db: Database, attachment: Attachment, folder: Path | str) -> Path:
    """A read-only copy under its original name, so viewers show a sensible title and an
    edit in the viewer can never change the stored (content-addressed) file."""
    dest = Path(folder) / str(attachment.id) / files.safe_name(attachment.original_name)
    copy_out(db, attachment, dest)
    dest.chmod(stat.S_IREAD)
    return dest


# ---------------------------------------------------------------- sealing (encrypted branches)

def attachment_key(db_path: Path | str) -> bytes | None:
    """The sealing key of an encrypted branch's attachments (None for a plain branch)."""
    data_key = keys.connection_key(db_path)
    return None if data_key is None else _derive_key(data_key)


def _derive_key(data_key: bytes) -> bytes:
    return hmac.new(data_key, _KEY_LABEL, "sha256").digest()


def seal(data: bytes, key: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE)
    return SEAL_MAGIC + nonce + AESGCM(key).encrypt(nonce, data, SEAL_MAGIC)


def unseal(data: bytes, key: bytes, name: str = "") -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    start = len(SEAL_MAGIC)
    try:
        return AESGCM(key).decrypt(data[start:start + _NONCE], data[start + _NONCE:], SEAL_MAGIC)
    except (InvalidTag, ValueError):
        raise AttachmentError(f"附件“{name}”的文件已损坏，或不是用这个数据文件的密码加密的，无法打开。") \
            from None


def is_sealed(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SEAL_MAGIC)) == SEAL_MAGIC
    except OSError:
        return False


def seal_all(db_path: Path | str, data_key: bytes) -> list[str]:
    """Seal every plain file in the branch's attachments folder (``.removed`` included), each
    with the checked atomic write; returns the names that could not be sealed."""
    return _convert_all(Path(db_path), _derive_key(data_key), sealing=True)


def unseal_all(db_path: Path | str, data_key: bytes) -> list[str]:
    """Turn every sealed file back into its content (after the password is removed)."""
    return _convert_all(Path(db_path), _derive_key(data_key), sealing=False)


def _convert_all(db_path: Path, key: bytes, *, sealing: bool) -> list[str]:
    root = paths.attachments_dir(db_path)
    failed = []
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if not path.is_file() or path.name.startswith(files.TEMP_PREFIX) \
                or is_sealed(path) == sealing:
            continue
        try:
            data = path.read_bytes()
            files.write_bytes(path, seal(data, key) if sealing else unseal(data, key, path.name))
        except (BranchdeskError, OSError) as exc:
            log.warning("could not %s an attachment file: %s", "seal" if sealing else "unseal", exc)
            failed.append(path.name)
    return failed
