"""Errors a secretary can read. Every message says what happened and what to do.

Each error carries the command line's exit code for it (``exit_code``), so cli.py maps them
in one place. The codes, also listed in the README (命令行):
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_REJECTED = 1  # rejected rows, invalid input, unknown record
EXIT_UNREADABLE = 2  # a file or database that cannot be read or used (damaged, in use …)
EXIT_FINDINGS = 3  # ``check`` found missing work
EXIT_NOT_WRITTEN = 4  # an output file could not be written (disk full, read-only …)
EXIT_CANCELLED = 130  # Ctrl+C (128 + SIGINT)
EXIT_BROKEN_PIPE = 141  # the reader of the output went away, as in ``| head`` (128 + SIGPIPE)


class BranchdeskError(Exception):
    """Base class: ``str(err)`` is a complete Chinese sentence for the user."""

    title = "操作未完成"
    exit_code = EXIT_REJECTED

    def __init__(self, message: str, *, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class ValidationError(BranchdeskError):
    """Bad input. ``fields`` maps a field name to the problem with it."""

    title = "请检查填写内容"

    def __init__(self, fields: dict[str, str], message: str | None = None):
        self.fields = dict(fields)
        text = message or "；".join(self.fields.values()) or "填写内容有误。"
        super().__init__(text)


class NotFoundError(BranchdeskError):
    title = "找不到记录"


class InUseError(BranchdeskError):
    """A record that others refer to cannot be deleted."""

    title = "不能删除"


class DatabaseError(BranchdeskError):
    title = "数据文件问题"
    exit_code = EXIT_UNREADABLE


class ReadOnlyDatabaseError(DatabaseError):
    title = "数据文件为只读"


class ReadOnlyPlaceError(ReadOnlyDatabaseError):
    """The database or its folder cannot be written here (permissions, read-only media)."""


class TooNewError(DatabaseError):
    title = "数据文件版本较新"


class DamagedDatabaseError(DatabaseError):
    """The file fails SQLite's checks; it has not been written. A backup can replace it."""

    title = "数据文件已损坏"


class ForeignSchemaError(DatabaseError):
    """Our application_id, but tables, indexes or triggers the migrations did not make."""

    title = "不是本软件的完整数据文件"


class DatabaseInUseError(DatabaseError):
    """Another BranchDesk process holds the database (core/single_writer.py)."""

    title = "数据文件正在使用"


class PasswordError(DatabaseError):
    """A password missing, wrong or unusable (exit 2); nothing was read or written."""

    title = "密码"


class PasswordRequiredError(PasswordError):
    """The file is encrypted and its key has not been unlocked in this process."""

    title = "需要密码"


class WrongPasswordError(PasswordError):
    """The password (or 恢复密钥) does not open the key file. Never damage: nothing is offered
    or moved; the file is untouched."""

    title = "密码不正确"


class KeyFileError(DatabaseError):
    """The key file beside an encrypted database is missing, unreadable or not ours."""

    title = "钥匙文件有问题"


class BackupError(BranchdeskError):
    """A backup or restore could not be completed; nothing was replaced."""

    title = "备份或恢复未完成"
    exit_code = EXIT_UNREADABLE


class BackupWriteError(BackupError):
    """The backup file could not be written (disk full, stick pulled, write-protected…): an
    output not written, like any other; the data and earlier backups are unchanged."""

    exit_code = EXIT_NOT_WRITTEN


class ImportFileError(BranchdeskError):
    """The file to import cannot be read at all (wrong format, damaged, encrypted...)."""

    title = "无法读取文件"
    exit_code = EXIT_UNREADABLE


class ExportError(BranchdeskError):
    """An output file was not written; an earlier file of that name is unchanged."""

    title = "导出失败"
    exit_code = EXIT_NOT_WRITTEN
