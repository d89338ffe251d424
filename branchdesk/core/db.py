"""Opening the database file: checks, pragmas, migrations, the too-new refusal.

A file from a newer BranchDesk is opened read-only and never written. Before any schema
migration of a file that already holds data, a copy is made with SQLite's backup API.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from branchdesk import paths
from branchdesk.core.errors import DatabaseError, ReadOnlyDatabaseError, TooNewError
from branchdesk.core.migrations import latest_version, migrations

log = logging.getLogger(__name__)

# "BDSK" as a 32-bit big-endian integer, stored in the SQLite header.
APPLICATION_ID = 0x4244534B


def open_db(path: Path | str, *, create: bool = True) -> Database:
    """Open (and if needed create and migrate) the database at ``path``.

    The returned Database carries ``path``, ``read_only`` and ``read_only_reason``.
    Raises DatabaseError with a readable message when the file cannot be used at all.
    """
    path = Path(path)
    if not path.exists() and not create:
        raise DatabaseError(f"找不到数据文件：{path}。请确认路径是否正确。")
    version = _inspect(path) if path.exists() else 0
    if version > latest_version():
        return _open_read_only(path, TooNewError(
            "这个数据文件由更新版本的党支部工作台账创建，当前版本只能以只读方式打开它。"
            "请升级本软件后再编辑。"))
    if 0 < version < latest_version():
        _backup_before_migration(path, version)
    db = _connect(path)
    try:
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise DatabaseError("升级数据文件结构失败，文件保持原样未被修改。请联系技术人员。",
                            detail=str(exc)) from exc
    return db


def _inspect(path: Path) -> int:
    """Read application_id and user_version without writing; refuse foreign files."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"无法打开数据文件“{path.name}”：它不是有效的数据库文件，或已损坏。",
                            detail=str(exc)) from exc
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables > 0):
        raise DatabaseError(f"文件“{path.name}”不是党支部工作台账的数据文件，未做任何修改。")
    return version


def _connect(path: Path) -> Database:
    conn = sqlite3.connect(str(path), timeout=10)
    db = Database(conn)
    _configure(db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.path = path
    db.read_only = False
    db.read_only_reason = None
    return db


def _configure(db: Database) -> None:
    db.execute("PRAGMA foreign_keys = ON")
    # Rollback journal rather than WAL: the file may live on a USB stick or a network share,
    # where WAL's shared memory is unsafe, and one process writes at a time anyway.
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA synchronous = FULL")


def _open_read_only(path: Path, reason: DatabaseError) -> Database:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db = Database(conn)
    db.path = path
    db.read_only = True
    db.read_only_reason = reason
    log.warning("opened read-only: %s", type(reason).__name__)
    return db


def _backup_before_migration(path: Path, version: int) -> Path:
    folder = paths.backups_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-before-v{version + 1}-{stamp}.sqlite3"
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    log.info("backup before migration written: %s", target.name)
    return target


def ensure_writable(db: Database) -> None:
    """Raise the stored reason if the database must not be written."""
    if getattr(db, "read_only", False):
        reason = db.read_only_reason
        raise ReadOnlyDatabaseError(str(reason) if reason else "数据文件为只读，不能保存修改。")


def schema_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]
