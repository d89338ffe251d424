"""Safe files: the one way the app writes a file the user sees or keeps, and their names.

The checked atomic write (``write_bytes``, ``write_with``, ``copy_file``; all built on
``staged`` and ``publish``):

1. a temporary file ``.branchdesk-<random>.tmp`` is made in the target folder (same file system,
   so the final rename is atomic);
2. the content is written to it and flushed to the disk (fsync);
3. the write is checked: the size on disk equals what was written, then the format's own
   ``verify(temp)`` callback (a PDF's header, trailer and pages; a workbook's zip; a
   database's integrity check; a copy read back and compared by SHA-256) runs;
4. the file gets the permissions a plain ``open()`` would give it (the umask, read once);
5. it is renamed over the target and the folder is flushed, so the rename survives a
   power cut or a pulled USB stick.

On any failure the old file (if any) is untouched, the temporary file is removed, and a
``FileWriteError`` says in Chinese why (disk full, permission denied, read-only, gone, held
open, failed the check) and what to do. ``kind_of`` tells the causes apart for callers that
word them for their own context (the USB package).

Also here: ``safe_name`` (names every Windows and Linux file system takes) and ``size_text``.
"""

from __future__ import annotations

import errno
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from branchdesk.core import driver
from branchdesk.core.errors import EXIT_UNREADABLE, ExportError

_CHUNK = 1024 * 1024
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
TEMP_PREFIX, TEMP_SUFFIX = ".branchdesk-", ".tmp"  # a run that was killed leaves these

Verify = Callable[[Path], None]  # raises CheckFailed("why, in Chinese") when the file is bad


class CheckFailed(Exception):
    """Raised by a ``verify`` callback: the written file is not what it should be."""


class FileWriteError(ExportError):
    """A file could not be written; the old file (if any) is unchanged and no temporary file
    remains. ``kind`` is one of ``KINDS`` (see ``kind_of``)."""

    title = "文件未能保存"

    def __init__(self, message: str, *, kind: str = "other", detail: str | None = None):
        super().__init__(message, detail=detail)
        self.kind = kind


# ---------------------------------------------------------------- the umask, read once

_umask: int | None = None


def remember_umask() -> int:
    """The process umask, read once (call it at start-up, before any thread runs).

    Linux reports it in /proc/self/status without changing it; elsewhere reading means
    setting and restoring it, which must not happen while other threads create files."""
    global _umask
    if _umask is None:
        _umask = _umask_from_proc()
        if _umask is None:
            _umask = os.umask(0o022)
            os.umask(_umask)
    return _umask


def _umask_from_proc() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


def file_mode() -> int:
    """The permissions a normal ``open(path, "w")`` gives a new file."""
    return 0o666 & ~remember_umask()


# ---------------------------------------------------------------- what went wrong

KINDS = ("full", "read_only", "denied", "in_use", "gone", "too_long", "too_big", "is_folder",
         "broken", "other")
# Windows codes first: Python maps several of them to EACCES (ERROR_NOT_READY, a pulled
# drive, is 21; ERROR_WRITE_PROTECT is 19; ERROR_SHARING_VIOLATION, a file open in Excel, 32).
_WINDOWS_CODES = {"full": {39, 112}, "gone": {2, 3, 15, 21, 55, 1117, 1167},
                  "read_only": {19}, "in_use": {32, 33}, "denied": {5},
                  "too_long": {206}, "too_big": {223}}  # FILENAME_EXCED_RANGE, FILE_TOO_LARGE
_ERRNO_CODES = {"full": {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)},
                "read_only": {errno.EROFS},
                "denied": {errno.EACCES, errno.EPERM},
                "gone": {errno.ENOENT, errno.EIO, errno.ENODEV, errno.ENXIO,
                         getattr(errno, "ESTALE", errno.EIO)},
                "too_long": {errno.ENAMETOOLONG}, "too_big": {errno.EFBIG},
                "is_folder": {errno.EISDIR}}
# SQLite's own result codes (a database copy meets the disk through SQLite, not an OSError).
_SQLITE_CODES = {"full": {13}, "read_only": {8}, "denied": {14}, "gone": {10}}
_MESSAGES = {
    "full": "磁盘空间不足，无法保存“{name}”。请删除不需要的文件或换一个位置后重试。",
    "read_only": "“{folder}”是只读的（如打开了写保护的U盘），无法保存“{name}”。请换一个位置后重试。",
    "denied": "没有权限保存“{name}”：“{folder}”不可写，或文件正在被其他程序打开。"
              "请关闭占用它的程序或换一个位置后重试。",
    "in_use": "文件“{name}”正在被其他程序（如 Excel、WPS 或 PDF 阅读器）打开，无法替换。请关闭它后重试。",
    "gone": "保存“{name}”时找不到“{folder}”（U盘可能已被拔出）。请确认位置存在后重试。",
    "too_long": "无法保存“{name}”：文件名或文件夹路径太长。请换一个短一些的文件名或文件夹后重试。",
    "too_big": "无法保存“{name}”：文件超过了这个磁盘允许的单个文件大小（FAT32 格式的U盘最大 4 GB）。"
               "请换一个位置后重试。",
    "is_folder": "无法保存“{name}”：那里已有一个同名的文件夹。请换一个文件名后重试。",
    "other": "无法保存“{name}”（{reason}）。请换一个位置后重试。",
}
UNCHANGED = "原有的文件没有改动。"


def kind_of(exc: OSError | driver.Error) -> str:
    """Which of ``KINDS`` an OSError (or SQLite error) met while writing is (never "broken")."""
    if isinstance(exc, driver.Error):
        code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+; older: the words
        if code is None and "disk is full" in str(exc):
            code = 13
        tables = ((_SQLITE_CODES, None if code is None else code & 0xFF),)
    else:
        tables = ((_WINDOWS_CODES, getattr(exc, "winerror", None)), (_ERRNO_CODES, exc.errno))
    for codes, code in tables:
        for kind, known in codes.items():
            if code is not None and code in known:
                return kind
    return "other"


def write_error(exc: OSError | driver.Error, path: Path, *,
                replacing: bool = False) -> FileWriteError:
    """The Chinese FileWriteError for ``exc`` met while writing ``path``.

    ``replacing``: the error came from the final rename; a permission error there means the
    target is held open (Windows), not that the folder is unwritable."""
    kind = kind_of(exc)
    if replacing and kind == "denied":
        kind = "in_use"
    text = _MESSAGES[kind].format(name=path.name, folder=path.parent,
                                  reason=getattr(exc, "strerror", None) or exc)
    return FileWriteError(text + _unchanged(path), kind=kind, detail=str(exc))


def _unchanged(path: Path) -> str:
    """"The old file is unchanged", when there is one (a path too long cannot even be
    looked at: then there is none)."""
    try:
        return UNCHANGED if path.is_file() else ""
    except OSError:
        return ""


def temp_folder_error(exc: OSError, path: Path) -> FileWriteError:
    """A library that builds its output through the system temp folder (openpyxl writes each
    sheet there first) failed there: the fix is to free that disk, not to choose another
    place for ``path``."""
    kind = kind_of(exc)
    why = {"full": "所在的磁盘空间不足", "read_only": "不可写", "denied": "不可写"}.get(
        kind, f"无法使用（{exc.strerror or exc}）")
    return FileWriteError(f"无法生成“{path.name}”：本机的临时文件夹“{tempfile.gettempdir()}”{why}。"
                          f"请清理这块磁盘（如清空回收站、删除不需要的文件）后重试。{_unchanged(path)}",
                          kind=kind, detail=str(exc))


def broken(path: Path, why: str) -> FileWriteError:
    """A written file failed its check (``why``: what was wrong, in Chinese)."""
    return FileWriteError(f"保存“{path.name}”后核对未通过（{why}），文件没有保存。"
                          f"请确认磁盘空间足够、U盘插好后重试。{_unchanged(path)}",
                          kind="broken")


# ---------------------------------------------------------------- the checked atomic write

@contextmanager
def staged(path: Path | str, *, temp: Path | None = None) -> Iterator[Path]:
    """A temporary file beside ``path`` to write the new content into; removed on leaving
    (after ``publish`` it is gone already). OSErrors (and SQLite's errors, for a database
    copy) inside become FileWriteError.

    ``temp``: a name the caller needs (backups clean up ``*.partial`` of killed runs)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileWriteError(f"保存位置“{path.parent}”不存在（U盘可能已被拔出），"
                             f"无法保存“{path.name}”。请重新选择文件夹。", kind="gone")
    try:
        temp = temp or _new_temp(path)
    except OSError as exc:
        raise write_error(exc, path) from exc
    try:
        yield temp
    except (OSError, driver.Error) as exc:
        raise write_error(exc, path) from exc
    finally:
        with suppress(OSError):
            temp.unlink(missing_ok=True)


def _new_temp(path: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(handle)
    return Path(name)


def publish(temp: Path, path: Path, *, size: int | None = None, verify: Verify | None = None,
            keep_mode: bool = False) -> None:
    """Check ``temp`` (flushed already) and rename it over ``path``; flush the folder.

    ``size``: the bytes written, compared with the size on disk. ``keep_mode``: leave the
    file's permissions as its writer made them (a database copy)."""
    if size is not None and (found := temp.stat().st_size) != size:
        raise broken(path, f"应为 {size} 字节，实际只写入了 {found} 字节")
    if verify is not None:
        try:
            verify(temp)
        except CheckFailed as exc:
            raise broken(path, str(exc)) from exc
    if not keep_mode:
        os.chmod(temp, file_mode())  # mkstemp makes it owner-only; a saved file is not
    try:
        os.replace(temp, path)
    except OSError as exc:
        raise write_error(exc, path, replacing=True) from exc
    fsync_dir(path.parent)


def write_bytes(path: Path | str, data: bytes, *, verify: Verify | None = None) -> Path:
    """Write ``data`` to ``path`` with the checked atomic write (module docstring)."""
    path = Path(path)
    with staged(path) as temp:
        fd = os.open(temp, os.O_WRONLY | os.O_TRUNC | _O_BINARY)
        try:
            _write_fully(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        publish(temp, path, size=len(data), verify=verify)
    return path


def write_with(path: Path | str, produce: Callable[[Path], object], *,
               verify: Verify | None = None, temp: Path | None = None,
               keep_mode: bool = False) -> Path:
    """The checked atomic write for content a library writes to a path itself
    (``produce(temp)``, e.g. SQLite's backup API); ``verify(temp)`` checks it."""
    path = Path(path)
    with staged(path, temp=temp) as temp_path:
        produce(temp_path)
        fsync_file(temp_path)
        publish(temp_path, path, verify=verify, keep_mode=keep_mode)
    return path


@dataclass(frozen=True)
class Copied:
    size: int
    sha256: str


def copy_file(source: Path | str | bytes, path: Path | str, *,
              tick: Callable[[], None] | None = None) -> Copied:
    """Copy ``source`` (a file, or bytes made in memory) to ``path`` with the checked atomic
    write, the copy read back from the device (Linux drops the cached pages first) and
    compared by SHA-256.

    ``tick()`` is called every 8 MB; an exception it raises (取消) propagates. Raises
    FileWriteError for the target and FileReadError when ``source`` cannot be read."""
    path = Path(path)
    reader = io.BytesIO(source) if isinstance(source, bytes) else _open_source(Path(source))
    try:
        with staged(path) as temp:
            copied = _copy_synced(reader, temp, tick)
            publish(temp, path, size=copied.size,
                    verify=lambda written: _compare(written, copied))
    finally:
        reader.close()
    return copied


class FileReadError(ExportError):
    """A local file to be copied cannot be read."""

    title = "无法读取文件"
    exit_code = EXIT_UNREADABLE


def _open_source(source: Path):
    try:
        return open(source, "rb")
    except OSError as exc:
        raise FileReadError(f"无法读取本机上的文件“{source.name}”（{exc.strerror or exc}），"
                            "请确认它没有被删除或占用后重试。", detail=str(exc)) from exc


def _copy_synced(reader, temp: Path, tick: Callable[[], None] | None) -> Copied:
    import hashlib  # OpenSSL (4 MiB): not loaded until a file is copied

    digest, size = hashlib.sha256(), 0
    fd = os.open(temp, os.O_WRONLY | os.O_TRUNC | _O_BINARY)
    try:
        while chunk := _read(reader):
            _write_fully(fd, chunk)
            digest.update(chunk)
            size += len(chunk)
            if tick is not None and size % (8 * _CHUNK) == 0:
                tick()
        os.fsync(fd)
    finally:
        os.close(fd)
    return Copied(size, digest.hexdigest())


def _read(reader) -> bytes:
    try:
        return reader.read(_CHUNK)
    except OSError as exc:
        raise FileReadError(f"读取本机上的文件“{Path(reader.name).name}”时出错"
                            f"（{exc.strerror or exc}），请确认它完好后重试。",
                            detail=str(exc)) from exc


def sha256_of(path: Path, *, from_device: bool = False) -> Copied:
    """Size and SHA-256 of a file; ``from_device``: drop the cached pages first (Linux), so
    the bytes come from the disk or stick, not from memory."""
    import hashlib

    digest, size = hashlib.sha256(), 0
    fd = os.open(path, os.O_RDONLY | _O_BINARY)
    try:
        if from_device:
            _drop_cache(fd)
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return Copied(size, digest.hexdigest())


def _compare(written: Path, expected: Copied) -> None:
    if sha256_of(written, from_device=True) != expected:
        raise CheckFailed("读回的内容与原文件不一致，磁盘或U盘可能有故障")


def _drop_cache(fd: int) -> None:
    """Linux: forget the cached pages (clean after fsync), so reading goes to the device.
    Windows has no such call; there the read-back may come from the cache."""
    if hasattr(os, "posix_fadvise"):
        with suppress(OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def _write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:  # writable: Windows refuses to flush a read-only handle
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows cannot open a folder, and NTFS journals renames."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- checks per format

_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def pdf_problem(data: bytes, pages: int | None = None) -> str | None:
    """Why ``data`` is not a complete PDF (in Chinese), or None: the %PDF- header, the %%EOF
    trailer and, when given, ``pages`` page objects."""
    if not data.startswith(b"%PDF-"):
        return "文件开头不是 PDF 格式"
    if not data.rstrip().endswith(b"%%EOF"):
        return "PDF 文件不完整，缺少结尾"
    found = len(_PDF_PAGE.findall(data))
    if pages is not None and found != pages:
        return f"应有 {pages} 页，文件中只有 {found} 页"
    return None


def pdf_check(pages: int | None = None) -> Verify:
    """A ``verify`` callback: the written file is a complete PDF of ``pages`` pages."""
    def verify(temp: Path) -> None:
        if problem := pdf_problem(temp.read_bytes(), pages):
            raise CheckFailed(problem)
    return verify


def xlsx_check(temp: Path) -> None:
    """A ``verify`` callback: the written workbook is a complete zip whose members all read
    back with their CRC, with the parts every .xlsx has."""
    import zipfile

    try:
        with zipfile.ZipFile(temp) as archive:
            bad = archive.testzip()
            names = set(archive.namelist())
    except (zipfile.BadZipFile, EOFError) as exc:
        raise CheckFailed("Excel 文件不完整") from exc
    if bad is not None or not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise CheckFailed("Excel 文件不完整")


# ---------------------------------------------------------------- names and sizes

MAX_NAME = 80
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$",
                       re.IGNORECASE)


def safe_name(text: str, limit: int = MAX_NAME) -> str:
    """A file or folder name every Windows and Linux file system takes, extension kept.

    No \\ / : * ? " < > | or control characters, no reserved device names (CON, NUL, COM1 …,
    also with an extension or trailing spaces), no trailing dots or spaces, at most ``limit``
    characters (80 Chinese characters are 240 bytes in UTF-8: within ext4's 255)."""
    cleaned = _UNSAFE.sub("_", text).strip(" .") or "未命名"
    stem, dot, ext = cleaned.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        stem, ext = cleaned, ""
    if _RESERVED.match(stem.split(".")[0].rstrip(" ")):
        stem = "_" + stem
    suffix = f".{ext}" if ext else ""
    return stem[:max(limit - len(suffix), 1)].rstrip(" .") + suffix


def size_text(size: int) -> str:
    """A size as people read it: 512 字节, 3.0 MB."""
    for unit, step in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= step:
            return f"{size / step:.1f} {unit}"
    return f"{size} 字节"
