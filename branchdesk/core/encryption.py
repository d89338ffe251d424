"""Setting, changing and removing a branch's password: export → verify → swap.

Setting a password encrypts the branch file; removing it decrypts it. Neither can be done in
place: ``PRAGMA rekey`` cannot turn an encrypted file back into a plain one, and SQLite's backup
API cannot copy a plain file into a keyed one. So both write a new file with SQLCipher's
``sqlcipher_export`` beside the database (``<db>.encrypting.partial`` /
``<db>.decrypting.partial``), set ``user_version`` and ``application_id`` again (the export
does not copy them), compare every row of every table with the original, flush it to disk and
rename it over the database. A kill at any moment leaves the old file or the new one:

- set: the key file ``<db>.key`` is written (and flushed) *before* the rename. Until the
  rename the database still has a plain header, so the key file is ignored (keys.is_encrypted);
  after it, the key file is there to open it. The 恢复密钥 is shown after the rename.
- remove: the plain file is renamed in first, then the key file is deleted; a key file left
  beside a plain file is ignored.
- change: only the key file is rewritten (checked atomic write); the data key, and so the
  database and its backups, stay as they are.

A leftover ``.partial`` of a killed run (a plain one, for a remove) is deleted by the next open
for writing (``remove_leftovers``). The rename leaves the old file's blocks to the file system:
on an SSD they cannot be promised erased, which the password dialog says.

The caller holds the writer lock (core/single_writer.py) and has closed every connection.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from branchdesk.core import driver, files, keys
from branchdesk.core.db import (APPLICATION_ID, SCHEMA_VERSION, connect_file, connect_read_only,
                                open_db, schema_differences)
from branchdesk.core.errors import (BackupError, BranchdeskError, DatabaseError, ValidationError,
                                    WrongPasswordError)

log = logging.getLogger(__name__)

_PARTIALS = (".encrypting.partial", ".decrypting.partial")


@dataclass(frozen=True)
class Done:
    """What a set or remove did besides the database: backups re-encrypted (or re-wrapped) and
    the copies it could not change (outside ``backups/``, e.g. on a USB stick, or unreadable)."""

    recovery_key: str = ""
    backups_changed: int = 0
    not_reached: tuple[str, ...] = ()


def is_encrypted(db_path: Path | str) -> bool:
    return keys.is_encrypted(db_path)


def set_password(db_path: Path | str, password: str, *, upgrade: bool = False) -> Done:
    """Encrypt the plain branch file with a new data key; returns the 恢复密钥 to show once.

    The plain backups in ``backups/`` are encrypted with the same key afterwards
    (backup.encrypt_backups). ValidationError for a short password or a file that is already
    encrypted; DatabaseError if the file cannot be opened; nothing is changed then.
    ``upgrade``: the existing screen-lock password becomes the encryption password as it is,
    even if shorter than keys.MIN_LENGTH (the lock allowed screen_lock.MIN_LENGTH).
    """
    db_path = Path(db_path)
    if not upgrade:
        keys.check_new_password(password)
    if keys.is_encrypted(db_path):
        raise ValidationError({"new": "这个数据文件已经设置了密码。要换密码，请用“修改密码”。"})
    open_db(db_path, create=False).close()  # checked, migrated to the current schema
    remove_leftovers(db_path)
    data_key = keys.new_data_key()
    keyfile = keys.wrap(data_key, password)
    partial = db_path.with_name(db_path.name + _PARTIALS[0])
    rewrite(db_path, None, partial, data_key)
    files.write_bytes(keys.key_path(db_path), keyfile.to_bytes())  # ignored until the rename
    _swap(partial, db_path)
    keys.remember(data_key)
    _clear_lock_setting(db_path)
    log.info("encrypted %s", db_path.name)
    from branchdesk.core import attachments, backup

    changed, missed = backup.encrypt_backups(db_path, data_key, keyfile)
    missed += tuple(attachments.seal_all(db_path, data_key))
    return Done(keys.recovery_key(data_key), changed, missed)


def change_password(db_path: Path | str, old: str, new: str) -> Done:
    """Re-wrap the data key under ``new``: the key file of the database and of the backups in
    ``backups/`` that use the same key (so the old password opens none of them any more).
    WrongPasswordError when ``old`` is wrong; nothing is written then."""
    db_path = Path(db_path)
    _require_encrypted(db_path)
    keys.check_new_password(new)
    data_key = keys.unlock(db_path, old)
    keyfile = keys.wrap(data_key, new)
    files.write_bytes(keys.key_path(db_path), keyfile.to_bytes())
    from branchdesk.core import backup

    changed = backup.rewrap_backups(db_path, data_key, keyfile)
    return Done(backups_changed=changed)


def remove_password(db_path: Path | str, password: str) -> Done:
    """Decrypt the branch file back to a plain one. Its backups stay encrypted (their key
    files still open them with this password or the 恢复密钥). WrongPasswordError when the
    password is wrong; nothing is written then."""
    db_path = Path(db_path)
    _require_encrypted(db_path)
    data_key = keys.unlock(db_path, password)
    open_db(db_path, create=False).close()
    remove_leftovers(db_path)
    from branchdesk.core import attachments

    # Before the swap: cut off after it, every file still opens (plain ones are read as such).
    failed = attachments.unseal_all(db_path, data_key)
    if failed:
        raise DatabaseError(f"有 {len(failed)} 个附件文件没能解密（{'、'.join(failed[:3])}），"
                            "密码没有取消，数据文件仍加密。请确认附件文件夹可以写入后重试。")
    partial = db_path.with_name(db_path.name + _PARTIALS[1])
    rewrite(db_path, data_key, partial, None)
    _swap(partial, db_path)
    keys.key_path(db_path).unlink(missing_ok=True)  # beside a plain file it is ignored anyway
    files.fsync_dir(db_path.parent)
    _clear_lock_setting(db_path)
    log.info("decrypted %s", db_path.name)
    return Done()


def finish(db_path: Path | str) -> None:
    """Complete a set that was cut off after the swap: encrypt the backups and seal the
    attachments still plain (an encrypted branch whose key is unlocked; nothing otherwise).
    What is done already is only peeked at (16 bytes of each file)."""
    db_path = Path(db_path)
    if not keys.is_encrypted(db_path) or keys.needs_password(db_path):
        return
    from branchdesk.core import attachments, backup

    data_key = keys.connection_key(db_path)
    backup.encrypt_backups(db_path, data_key, keys.read_key_file(keys.key_path(db_path)))
    attachments.seal_all(db_path, data_key)


def reset_with_recovery_key(db_path: Path | str, recovery_text: str, new: str) -> None:
    """Give an encrypted file whose password is forgotten (or whose key file is lost or
    damaged) a new password, proving the key with its 恢复密钥. Nothing is re-encrypted.

    ValidationError for a mistyped 恢复密钥 or a short password; WrongPasswordError when the
    恢复密钥 is another file's."""
    db_path = Path(db_path)
    data_key = keys.parse_recovery_key(recovery_text)
    keys.check_new_password(new)
    if driver.has_plain_header(db_path) or not db_path.is_file():
        raise ValidationError({"recovery": "这个数据文件没有加密，不需要恢复密钥。"})
    if not _key_opens(db_path, data_key):
        raise WrongPasswordError("这个恢复密钥不是这个数据文件的，数据文件没有被修改。"
                                 "请找到设置密码时保存的那一份恢复密钥。")
    keyfile = keys.wrap(data_key, new)
    files.write_bytes(keys.key_path(db_path), keyfile.to_bytes())
    keys.remember(data_key)
    from branchdesk.core import backup

    backup.rewrap_backups(db_path, data_key, keyfile)  # the forgotten password opens none of them


def _key_opens(db_path: Path, data_key: bytes) -> bool:
    """Whether ``data_key`` decrypts ``db_path`` (its first page authenticates)."""
    try:
        conn = connect_read_only(db_path, key=data_key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except driver.DatabaseError:
        return False
    return True


def _clear_lock_setting(db_path: Path) -> None:
    """The screen lock's own password hash (core/screen_lock.py) gives way to the encryption
    password, which the lock checks while the file is encrypted; after a remove no old lock
    password comes back."""
    from branchdesk.core import settings

    db = open_db(db_path, create=False)
    try:
        if settings.get(db, "lock_password"):
            settings.put(db, {"lock_password": ""})
    finally:
        db.close()


def _require_encrypted(db_path: Path) -> None:
    if not keys.is_encrypted(db_path):
        raise ValidationError({"old": "这个数据文件没有设置密码。"})


def remove_leftovers(db_path: Path | str) -> None:
    """Delete the partial files (and journals) a killed set or remove left beside the file."""
    db_path = Path(db_path)
    for suffix in _PARTIALS:
        for name in (db_path.name + suffix, db_path.name + suffix + "-journal"):
            try:
                (db_path.parent / name).unlink(missing_ok=True)
            except OSError as exc:
                log.warning("could not remove %s: %s", name, exc)


# ---------------------------------------------------------------- export → verify → swap

def rewrite(source: Path, source_key: bytes | None, target: Path,
            target_key: bytes | None) -> None:
    """Write ``source`` to ``target`` under ``target_key`` (None: plain), checked and flushed.

    Raises BackupError when the copy does not match the source, FileWriteError when it cannot
    be written; the target is removed then.
    """
    try:
        export(source, source_key, target, target_key)
        problem = difference(source, source_key, target, target_key)
        if problem:
            raise BackupError(f"加密或解密后的副本与原数据不一致（{problem}），原数据文件没有被修改。"
                              "请联系技术人员。")
        files.fsync_file(target)
    except BranchdeskError:
        _remove_with_journal(target)
        raise
    except (OSError, driver.Error) as exc:
        _remove_with_journal(target)
        raise files.write_error(exc, target) from exc


def export(source: Path, source_key: bytes | None, target: Path,
           target_key: bytes | None) -> None:
    """``sqlcipher_export`` of ``source`` into a new file ``target`` keyed with ``target_key``,
    with the header values the export does not copy (user_version, application_id)."""
    _remove_with_journal(target)
    conn = connect_file(source, key=source_key)
    try:
        literal = driver.key_literal(target_key) if target_key is not None else ""
        conn.execute("ATTACH DATABASE ? AS target KEY ?", [str(target), literal])
        conn.execute("SELECT sqlcipher_export('target')").fetchall()
        version = conn.execute("PRAGMA main.user_version").fetchone()[0]
        conn.execute(f"PRAGMA target.user_version = {int(version)}")
        conn.execute(f"PRAGMA target.application_id = {APPLICATION_ID}")
        conn.commit()
        conn.execute("DETACH DATABASE target")
    finally:
        conn.close()


def difference(source: Path, source_key: bytes | None, target: Path,
               target_key: bytes | None) -> str:
    """'' when ``target`` holds exactly ``source``'s rows (every table, in rowid order), passes
    the integrity check and has our header and schema; else what differs."""
    src = connect_read_only(source, key=source_key)
    dst = connect_read_only(target, key=target_key)
    try:
        header = [c.execute("PRAGMA application_id").fetchone()[0] for c in (src, dst)]
        versions = [c.execute("PRAGMA user_version").fetchone()[0] for c in (src, dst)]
        if header[1] != APPLICATION_ID or versions[0] != versions[1]:
            return "文件头"
        if [r[0] for r in dst.execute("PRAGMA integrity_check(5)")] != ["ok"]:
            return "完整性检查"
        if 1 <= versions[1] <= SCHEMA_VERSION and schema_differences(dst, versions[1]):
            return "数据表结构"
        for table in _tables(src):
            if _digest(src, table) != _digest(dst, table):
                return f"数据表 {table}"
        return ""
    finally:
        src.close()
        dst.close()


def _tables(conn) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def _digest(conn, table: str) -> str:
    digest = hashlib.sha256()
    quoted = '"' + table.replace('"', '""') + '"'
    for row in conn.execute(f"SELECT * FROM {quoted} ORDER BY rowid"):
        digest.update(repr(row).encode("utf-8"))
    return digest.hexdigest()


def _swap(partial: Path, db_path: Path) -> None:
    try:
        os.replace(partial, db_path)
    except OSError as exc:
        _remove_with_journal(partial)
        raise DatabaseError(f"无法替换数据文件“{db_path.name}”（{exc.strerror or exc}），"
                            "它保持原样。请关闭其他可能打开它的程序后重试。", detail=str(exc)) from exc
    files.fsync_dir(db_path.parent)


def _remove_with_journal(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(f"{path}-journal").unlink(missing_ok=True)
