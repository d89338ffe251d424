"""Writing a printed form to a PDF file through the checked atomic write."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QPagedPaintDevice, QPdfWriter

from branchdesk import APP_TITLE
from branchdesk.core import files
from branchdesk.core.errors import ExportError
from branchdesk.ui.print.layout import a4_portrait

PDF_DPI = 600

PaintDevice = Callable[[QPagedPaintDevice], int]


def write_pdf(path: Path | str, paint: PaintDevice, title: str = "") -> int:
    """Paint an A4 portrait PDF at ``path`` with ``paint(device) -> page count``.

    The PDF is painted into memory (QPainter.end() does not report disk errors), its bytes
    are checked (%PDF- header, %%EOF trailer, the page count), then written with the checked
    atomic write (core/files.py): a failure never leaves a half-written file or destroys the
    previous one. Raises FileWriteError (an ExportError, in Chinese) when it cannot be saved.
    """
    data, pages = pdf_bytes(paint, title)
    files.write_bytes(path, data, verify=files.pdf_check(pages))
    return pages


def pdf_bytes(paint: PaintDevice, title: str = "") -> tuple[bytes, int]:
    """The PDF painted by ``paint`` and its page count, checked: the %PDF- header, the %%EOF
    trailer and as many pages as were painted. Raises ExportError when it is not whole."""
    data, pages = render_pdf(paint, title)
    if problem := files.pdf_problem(data, pages):
        raise ExportError(f"生成的PDF文件不完整（{problem}），没有保存。请重试；如果仍然出现，"
                          "请联系技术人员。", detail=problem)
    return data, pages


def render_pdf(paint: PaintDevice, title: str = "") -> tuple[bytes, int]:
    """The PDF's bytes and page count. The writer is local so it is destroyed (and the
    document finished) before the buffer is read."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pages = _paint_pdf(buffer, paint, title)
    buffer.close()
    return bytes(array.data()), pages


def _paint_pdf(buffer: QBuffer, paint: PaintDevice, title: str) -> int:
    writer = QPdfWriter(buffer)
    writer.setPageLayout(a4_portrait())
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator(APP_TITLE)
    return paint(writer)
