"""One writer per database file: an OS file lock beside the database, with the holder's PID.

The lock is ``<database file>.lock`` in the same folder, locked with ``fcntl.flock`` (POSIX) or
``msvcrt.locking`` (Windows). The operating system drops the lock when the process ends, however
it ends, so a lock file left by a power cut or a crash never blocks the next start: only a
living process can hold it. The PID written inside is only there to name the holder in the
message.

Who takes it: the window, for the file it shows, for as long as it shows it; command-line
commands that write (restore, import-members, demo) refuse with a clear message while it is
held elsewhere; command-line commands that only read (check, verify, backup, exports) open the
file read-only when it is held elsewhere (SQLite's own locking makes reading while the window
writes safe). Locks do not work reliably on network shares; the data folder is meant to be local.
"""

from __future__ import annotations

import os
from pathlib import Path

from branchdesk.core.errors import DatabaseInUseError, ReadOnlyPlaceError

# Windows locks a byte range; one byte far beyond the PID text keeps that text readable.
_WINDOWS_LOCK_OFFSET = 1 << 30
_PID_WIDTH = 24


def lock_path(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


class DatabaseLock:
    """A non-blocking, process-wide lock on one database file."""

    def __init__(self, db_path: Path | str):
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> None:
        """Take the lock or raise DatabaseInUseError naming the holder's PID."""
        if self._handle is not None:
            return
        try:
            handle = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644), "r+b")
        except OSError as exc:  # a read-only folder, a CD, no permission
            raise ReadOnlyPlaceError(
                f"数据文件所在的文件夹“{self.path.parent}”不能写入（只读或没有权限），"
                "只能以只读方式查看，不能修改。要修改，请把数据文件复制到可以写入的文件夹。",
                detail=str(exc)) from exc
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise self._in_use_error() from None
        _write_pid(handle)
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            _unlock(self._handle)
        except OSError:
            pass
        self._handle.close()
        self._handle = None

    def _in_use_error(self) -> DatabaseInUseError:
        pid = holder_pid(self.db_path)
        who = f"（进程号 {pid}）" if pid else ""
        return DatabaseInUseError(
            f"数据文件“{self.db_path.name}”正在被另一个党支部工作台账程序使用{who}。为避免两处"
            "同时修改同一个文件，这个操作没有进行。请先关闭那个窗口（或等它完成），再重试。")


def holder_pid(db_path: Path | str) -> int | None:
    """The PID written by the last holder (it may have ended since)."""
    try:
        text = lock_path(db_path).read_bytes()[:_PID_WIDTH].decode("ascii").strip()
        return int(text) if text else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _write_pid(handle) -> None:
    # Overwrite in place: truncating a file with a locked region is not portable.
    handle.seek(0)
    handle.write(str(os.getpid()).ljust(_PID_WIDTH - 1).encode("ascii") + b"\n")
    handle.flush()


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle) -> None:
        handle.seek(_WINDOWS_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle) -> None:
        handle.seek(_WINDOWS_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------- this process's locks

_held: dict[Path, DatabaseLock] = {}


def _key(db_path: Path | str) -> Path:
    return Path(db_path).resolve()


def hold(db_path: Path | str) -> None:
    """Hold the lock for ``db_path`` for this process (idempotent); raises DatabaseInUseError."""
    key = _key(db_path)
    if key in _held:
        return
    lock = DatabaseLock(key)
    lock.acquire()
    _held[key] = lock


def release(db_path: Path | str) -> None:
    lock = _held.pop(_key(db_path), None)
    if lock is not None:
        lock.release()


def holds(db_path: Path | str) -> bool:
    return _key(db_path) in _held


def release_all() -> None:
    for key in list(_held):
        release(key)
