"""Errors a secretary can read. Every message says what happened and what to do."""

from __future__ import annotations


class BranchdeskError(Exception):
    """Base class: ``str(err)`` is a complete Chinese sentence for the user."""

    title = "操作未完成"

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


class BackupError(BranchdeskError):
    """A backup or restore could not be completed; nothing was replaced."""

    title = "备份或恢复未完成"


class ImportFileError(BranchdeskError):
    """The file to import cannot be read at all (wrong format, damaged, encrypted...)."""

    title = "无法读取文件"


class ExportError(BranchdeskError):
    title = "导出失败"
