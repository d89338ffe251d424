"""Opening the database file: checks, pragmas, migrations, the too-new refusal.

A file from a newer BranchDesk is opened read-only and never written. Before any schema
migration of a file that already holds data, a verified copy is made (core/backup.py).

Every open runs ``PRAGMA quick_check`` first, on a read-only connection: a damaged file raises
DamagedDatabaseError and is never written. The one write that can happen before that check is
SQLite's own recovery: a hot rollback journal left by a power cut is rolled back, as any
SQLite connection would do, because a read-only connection cannot read such a file at all.
Opening an unchanged file does not modify it (the application_id is written only when it
differs), so the file's hash is a faithful change marker for automatic backups.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from branchdesk.core import driver, keys
from branchdesk.core.errors import (DamagedDatabaseError, DatabaseError, ForeignSchemaError,
                                    ReadOnlyDatabaseError, ReadOnlyPlaceError, TooNewError)

log = logging.getLogger(__name__)

# "BDSK" as a 32-bit big-endian integer, stored in the SQLite header.
APPLICATION_ID = 0x4244534B
# The newest schema (PRAGMA user_version): the number of steps in core/migrations.py, which
# tests/core/test_db.py checks. Kept here so opening an up-to-date file needs no migrations.
SCHEMA_VERSION = 7


class Database:
    """An open branch file: what open_db() returns and every core function takes.

    It fronts sqlite-utils' Database over the same sqlite3 connection. ``execute()`` (all that
    reading needs) goes straight to the connection, exactly as sqlite-utils' does;
    ``atomic()`` transactions, the schema migrations and any other sqlite-utils helper use
    sqlite-utils' Database, made on first use. Importing sqlite-utils brings click, dateutil
    and pluggy (about 0.1 s and 15 MiB, bench/README.md) that showing the window does not
    need: the first save pays for it, once per process.
    """

    def __init__(self, conn: driver.Connection, path: Path | None = None, *,
                 read_only: bool = False, read_only_reason: DatabaseError | None = None):
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self._utils = None
        self.closed = False  # after close(): work queued for later must not touch it
        conn.execute("PRAGMA recursive_triggers = on")  # as sqlite-utils' Database sets it

    def execute(self, sql: str, parameters=None) -> driver.Cursor:
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)

    @property
    def utils(self):
        """sqlite-utils' Database over this connection (no plugins: whatever else is installed
        on the PC never touches the branch's connection)."""
        if self._utils is None:
            from sqlite_utils import Database as UtilsDatabase

            self._utils = UtilsDatabase(self.conn, execute_plugins=False)
        return self._utils

    def atomic(self):
        """A transaction (a savepoint when nested): sqlite-utils' ``atomic()``."""
        return self.utils.atomic()

    def close(self) -> None:
        self.conn.close()
        self.closed = True

    def __getattr__(self, name: str):  # any other sqlite-utils helper
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.utils, name)

    def __getitem__(self, table: str):
        return self.utils[table]


def open_db(path: Path | str, *, create: bool = True,
            read_only: ReadOnlyDatabaseError | None = None) -> Database:
    """Open the database at ``path``; create it, complete and migrated, only where nothing is.

    The returned Database carries ``path``, ``read_only`` and ``read_only_reason``.
    With ``read_only`` (the reason to show), the file is opened read-only and never migrated;
    so is a file that this user or this place cannot write. An existing file is never
    initialised. Raises DatabaseError with a readable message when the file cannot be used at
    all (also an older file that would need migrating where it cannot be written), and
    DamagedDatabaseError when it fails the integrity check or is empty.
    """
    path = Path(path)
    if not path.exists():
        if not create or read_only is not None:
            raise DatabaseError(f"找不到数据文件：{path}。请确认路径是否正确。")
        return _create(path)
    _refuse_linked(path)
    version = _inspect(path)
    if read_only is None and not _writable(path):
        read_only = ReadOnlyPlaceError(
            f"数据文件“{path.name}”或它所在的文件夹是只读的（或没有写入权限），只能查看，不能修改。"
            "要修改，请把数据文件复制到可以写入的文件夹。")
    if read_only is not None:
        if version < SCHEMA_VERSION:  # its tables are not yet what this version reads
            raise DatabaseError(f"数据文件“{path.name}”需要先升级结构才能使用，但现在只能以只读方式"
                                f"打开它：{read_only}文件没有被修改。", detail=str(read_only))
        return _open_read_only(path, read_only)
    if version > SCHEMA_VERSION:
        return _open_read_only(path, TooNewError(
            "这个数据文件由更新版本的党支部工作台账创建，当前版本只能以只读方式打开它。"
            "请升级本软件后再编辑。"))
    if version < SCHEMA_VERSION:
        _backup_before_migration(path, version)
    _remove_encryption_leftovers(path)
    db = _connect(path)
    if version < SCHEMA_VERSION:
        _migrate(db)
    return db


def _migrate(db: Database) -> None:
    """Bring ``db`` to SCHEMA_VERSION; on failure it is exactly as it was (and closed)."""
    from branchdesk.core.migrations import migrations

    try:
        with db.atomic():  # the steps become savepoints: all of them, with their record, or none
            migrations.apply(db.utils)
    except driver.DatabaseError as exc:
        db.close()
        raise DatabaseError("升级数据文件结构失败，文件保持原样未被修改。请联系技术人员。",
                            detail=str(exc)) from exc


def _create(path: Path) -> Database:
    """A new, complete file at ``path``: built beside it under a temporary name, migrated,
    flushed and only then renamed. A crash or a failed step leaves nothing under the real
    name (an empty or half-made file there would be refused at the next start)."""
    if not path.parent.is_dir():
        raise DatabaseError(f"找不到文件夹“{path.parent}”。请确认路径是否正确。")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        _migrate(db := _connect(temporary))
        db.close()
        with open(temporary, "rb+") as handle:  # writable: Windows refuses to flush otherwise
            os.fsync(handle.fileno())
        if path.exists():  # made meanwhile by another program: theirs stays
            raise DatabaseError(f"数据文件“{path.name}”刚刚被其他程序建立，没有覆盖它。请重新打开。")
        os.replace(temporary, path)
    except (OSError, driver.Error) as exc:
        raise DatabaseError(f"无法在“{path.parent}”中建立数据文件：这个文件夹可能是只读的，或磁盘"
                            "已满。请换一个可以写入的文件夹后重试。", detail=str(exc)) from exc
    finally:
        for leftover in (temporary, Path(f"{temporary}-journal")):
            leftover.unlink(missing_ok=True)
    return _connect(path)


def _remove_encryption_leftovers(path: Path) -> None:
    """A set or remove password killed half-way leaves its new file beside the database
    (core/encryption.py); for a remove that is a plain copy, which must not stay."""
    if any(path.with_name(path.name + suffix).exists()
           for suffix in (".encrypting.partial", ".decrypting.partial")):
        from branchdesk.core import encryption

        encryption.remove_leftovers(path)


def _refuse_linked(path: Path) -> None:
    """A second hard link would let a second writer in under another name, past the file lock."""
    if path.stat().st_nlink > 1:
        raise DatabaseError(f"数据文件“{path.name}”还有其他名字（硬链接），同时从两个名字打开会损坏数据，"
                            "因此没有打开它，也没有修改它。请把它复制成一个普通文件后再打开。")


def _writable(path: Path) -> bool:
    """SQLite needs to write the file and create its journal beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


# ``key`` left at AUTO: the file's own key (keys.connection_key), None for a plain file.
AUTO = object()


def connect_file(path: Path | str, *, key=AUTO, timeout: float = 10) -> driver.Connection:
    """A read-write connection to ``path`` through the one driver, keyed when encrypted.

    PasswordRequiredError (before anything is read) when the file is encrypted and its key
    is not unlocked in this process."""
    key = keys.connection_key(path) if key is AUTO else key
    return driver.connect(str(path), key=key, timeout=timeout)


def connect_read_only(path: Path | str, *, key=AUTO) -> driver.Connection:
    """A connection that cannot write ``path`` (any characters in the path are safe);
    keyed as connect_file is."""
    key = keys.connection_key(path) if key is AUTO else key
    # as_uri() percent-encodes ? # % and spaces; urllib.request (30 ms to import) not needed
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    return driver.connect(uri, key=key, uri=True)


def roll_back_hot_journal(path: Path, *, key=AUTO) -> None:
    """Let SQLite finish the recovery of a transaction cut off by a crash or power cut.

    A read-only connection cannot read a file with a hot journal; a normal one rolls the
    journal back on its first read. Nothing else is written. An encrypted file's journal
    holds encrypted pages: the connection is keyed, so the roll-back needs the key first
    (and a wrong key never gets this far: keys.unlock checks it against the key file).
    """
    journal = Path(f"{path}-journal")
    if journal.exists() and journal.stat().st_size > 0:
        conn = connect_file(path, key=key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
        log.info("rolled back an interrupted transaction in %s", path.name)


def _inspect(path: Path) -> int:
    """Read application_id and user_version without writing; refuse foreign and damaged files."""
    try:
        roll_back_hot_journal(path)
        conn = connect_read_only(path)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            foreign = schema_differences(conn, version) if problems == ["ok"] else []
        finally:
            conn.close()
    except driver.DatabaseError as exc:
        if not _is_damage(exc):
            raise DatabaseError(f"无法读取数据文件“{path.name}”：它可能正被其他程序占用，或当前用户"
                                "没有读写权限。文件没有被修改。请关闭其他程序后重试。",
                                detail=str(exc)) from exc
        raise DamagedDatabaseError(unreadable_message(path), detail=str(exc)) from exc
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables > 0):
        raise DatabaseError(f"文件“{path.name}”不是党支部工作台账的数据文件，未做任何修改。")
    if problems != ["ok"]:
        raise DamagedDatabaseError(
            f"数据文件“{path.name}”已损坏（完整性检查未通过）。为免损失扩大，本软件没有对它做任何"
            "修改。可以用最近一次完好的备份恢复。", detail="; ".join(problems))
    if version == 0 and path.stat().st_size == 0:  # where a power cut can leave the real data
        raise DamagedDatabaseError(
            f"数据文件“{path.name}”是空的（0 字节），可能在保存时断电或被其他程序清空，未做任何修改。"
            "可以用最近一次完好的备份恢复；要新建支部，请指定一个还不存在的文件名。")
    if version == 0:
        raise DatabaseError(f"文件“{path.name}”不是党支部工作台账的数据文件（空文件或没有任何数据表），"
                            "未做任何修改。请选择正确的数据文件；要新建支部，请指定一个还不存在的文件名。")
    if foreign:
        log.warning("schema of %s differs: %s", path.name, "; ".join(foreign[:10]))
        raise ForeignSchemaError(not_ours_message(path.name), detail="; ".join(foreign))
    return version


def unreadable_message(path: Path) -> str:
    """Why a file SQLite calls "not a database" cannot be opened. For an encrypted file the
    password was already checked against its key file, so this is damage (or a key file
    that belongs to another file), never a wrong password."""
    if keys.is_encrypted(path):
        return (f"无法打开数据文件“{path.name}”：密码正确，但数据文件解不开，它已损坏，或旁边的"
                f"钥匙文件“{keys.key_path(path).name}”不是它的。为免损失扩大，本软件没有对它做任何修改。")
    if not driver.has_plain_header(path) and path.stat().st_size > 0:
        return (f"无法打开数据文件“{path.name}”：它不是有效的数据库文件，或已损坏；如果它是加密的"
                f"数据文件，也可能是旁边的钥匙文件“{keys.key_path(path).name}”丢失了（那样可以用"
                "恢复密钥打开）。为免损失扩大，本软件没有对它做任何修改。")
    return (f"无法打开数据文件“{path.name}”：它不是有效的数据库文件，或已损坏。"
            "为免损失扩大，本软件没有对它做任何修改。")


def not_ours_message(name: str) -> str:
    return (f"文件“{name}”不是本软件的完整数据文件：其中的数据表、索引或触发器与本软件建立的不一致"
            "（可能被其他程序修改过）。为安全起见，本软件没有使用也没有修改它。"
            "请用最近一次完好的备份恢复，或联系技术人员。")


def schema_differences(conn: driver.Connection, version: int) -> list[str]:
    """Differences from the schema our migrations build; for a newer version (read-only), the
    tables and columns of ours that it lacks."""
    from branchdesk.core import schema

    if version > SCHEMA_VERSION:
        return schema.missing_for_newer(conn)
    if version < 1:
        return []
    return schema.differences(conn, version)


_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def _is_damage(exc: driver.DatabaseError) -> bool:
    """Damage, as opposed to a file that is busy, locked or not readable by this user."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return (code & 0xFF) in _DAMAGE_CODES
    text = str(exc).lower()
    return any(word in text for word in ("not a database", "malformed", "corrupt"))


def _connect(path: Path) -> Database:
    conn = connect_file(path)
    db = Database(conn, path)
    _configure(db)
    # Written only when it differs: writing the header bumps the file's change counter.
    if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return db


def _configure(db: Database) -> None:
    db.execute("PRAGMA foreign_keys = ON")
    # Rollback journal rather than WAL: the file may live on a USB stick or a network share,
    # where WAL's shared memory is unsafe, and one process writes at a time anyway.
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA synchronous = FULL")


def _open_read_only(path: Path, reason: DatabaseError) -> Database:
    db = Database(connect_read_only(path), path, read_only=True, read_only_reason=reason)
    log.warning("opened read-only: %s", type(reason).__name__)
    return db


def _backup_before_migration(path: Path, version: int) -> Path:
    from branchdesk.core import backup

    target = backup.make_backup(path, tag=f"before-v{version + 1}")
    log.info("backup before migration written: %s", target.name)
    return target


def ensure_writable(db: Database) -> None:
    """Raise the stored reason if the database must not be written."""
    if getattr(db, "read_only", False):
        reason = db.read_only_reason
        raise ReadOnlyDatabaseError(str(reason) if reason else "数据文件为只读，不能保存修改。")


def schema_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]
