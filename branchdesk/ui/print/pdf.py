"""Writing a printed form to a PDF file through the checked atomic write."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QPagedPaintDevice, QPdfWriter

from branchdesk import APP_TITLE
from branchdesk.core import files
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
    path = Path(path)
    data, pages = render_pdf(paint, title)
    if problem := files.pdf_problem(data, pages):
        raise files.broken(path, problem)
    files.write_bytes(path, data, verify=files.pdf_check(pages))
    return pages


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
