"""Saving a workbook without ever leaving a half-written or stray file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook

from branchdesk.core.errors import ExportError


def save_workbook(wb: Workbook, path: Path | str) -> Path:
    """Write ``wb`` to ``path`` atomically: a temporary file in the same folder, then a rename.

    Raises ExportError (in Chinese) when the target is open in Excel/WPS or cannot be written;
    the previous file is then left as it was and no temporary file remains.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportError(f"保存位置“{path.parent}”不存在，请重新选择文件夹。")
    temp = _temp_file(path)
    try:
        wb.save(temp)
        _sync(temp)
        _replace(temp, path)
    except OSError as exc:
        raise ExportError(f"无法保存“{path.name}”：磁盘已满或文件夹不可写，请换个位置重试。",
                          detail=str(exc)) from exc
    finally:
        temp.unlink(missing_ok=True)
    return path


def _temp_file(path: Path) -> Path:
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"没有权限在“{path.parent}”中保存文件，请换个位置重试。",
                          detail=str(exc)) from exc
    os.close(handle)
    return Path(name)


def _sync(temp: Path) -> None:
    """Make the bytes durable before the rename (USB sticks get pulled) and give the file the
    permissions a normal save would have (mkstemp makes it owner-only)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temp, 0o666 & ~umask)
    with open(temp, "rb+") as handle:
        os.fsync(handle.fileno())


def _replace(temp: Path, path: Path) -> None:
    try:
        os.replace(temp, path)
    except PermissionError as exc:  # Windows: Excel/WPS holds the file open
        raise ExportError(f"文件“{path.name}”正在被 Excel/WPS 打开，请关闭后重试。",
                          detail=str(exc)) from exc
