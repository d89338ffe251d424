"""Writing a printed form to a PDF file, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from PySide6.QtGui import QPagedPaintDevice, QPdfWriter

from branchdesk import APP_TITLE
from branchdesk.core.errors import ExportError
from branchdesk.ui.print.layout import a4_portrait

PDF_DPI = 600
CANNOT_WRITE = "文件正在被其他程序打开或目标文件夹不可写，请关闭后重试或换一个位置"

PaintDevice = Callable[[QPagedPaintDevice], int]


def write_pdf(path: Path | str, paint: PaintDevice, title: str = "") -> int:
    """Paint an A4 portrait PDF at ``path`` with ``paint(device) -> page count``.

    The PDF is written to a temporary file in the same folder and then renamed over ``path``,
    so a failure never leaves a half-written file or destroys the previous one. Raises
    ExportError (in Chinese) when the folder is not writable or the file is held open.
    """
    path = Path(path)
    temp: Path | None = None
    try:
        temp = _temp_beside(path)
        pages = _paint_pdf(temp, paint, title)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp made it private; a saved PDF is not
        os.replace(temp, path)
    except OSError as exc:
        raise ExportError(f"无法保存“{path.name}”：{CANNOT_WRITE}。", detail=str(exc)) from exc
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
    return pages


def _temp_beside(path: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    return Path(name)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _paint_pdf(temp: Path, paint: PaintDevice, title: str) -> int:
    """The writer is local so it is destroyed (and its file closed) before the rename."""
    writer = QPdfWriter(str(temp))
    writer.setPageLayout(a4_portrait())
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator(APP_TITLE)
    return paint(writer)
