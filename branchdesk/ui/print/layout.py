"""Page geometry, fonts and two-pass pagination shared by every printed form.

A printed document is built as a flat list of ``Block``s (a title, a table row, one line of
wrapped text …), each with a measured height and a function that paints it at a given top
edge. ``paginate`` places the blocks on pages first, so the page count is known before anything
is painted and each page can carry "第 N 页 共 M 页".

All coordinates are device pixels of the paint rectangle (inside the page margins), so the same
code paints on a QPdfWriter and on a QPrinter of any resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QFont, QFontMetricsF, QPageLayout, QPageSize, QPagedPaintDevice, QPainter, QPen)

from branchdesk.core.errors import ExportError

# Left 20 mm for binding into the record book, right 15 mm; top and bottom leave room for
# the printer's unprintable edge and the page-number footer.
MARGINS_MM = QMarginsF(20, 15, 15, 12)
FOOTER_MM = 9.0
TITLE_PT, BODY_PT, SMALL_PT = 18.0, 12.0, 10.5
WRAP = int(Qt.TextFlag.TextWordWrap)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)

PaintAt = Callable[[QPainter, float], None]


def a4_portrait() -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                       MARGINS_MM, QPageLayout.Unit.Millimeter)


def print_font(points: float) -> QFont:
    """The Chinese print font (宋体 style, with the bundled font as fallback) at ``points``.

    ``branchdesk.ui.fonts`` is imported here, not at the top, so laying out a page is the
    first thing that needs a QGuiApplication.
    """
    from branchdesk.ui import fonts

    return fonts.print_font(points)


class Canvas:
    """The paint rectangle of one device, with millimetre and font helpers."""

    def __init__(self, device: QPagedPaintDevice):
        self.device = device
        self.dpi = device.logicalDpiY()
        self.width = float(device.width())
        self.height = float(device.height())
        self._fonts: dict[tuple[float, bool], QFont] = {}
        self._pens: dict[float, QPen] = {}

    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4

    @property
    def body_bottom(self) -> float:
        """Where page content must end: above the footer."""
        return self.height - self.mm(FOOTER_MM)

    def font(self, points: float = BODY_PT, bold: bool = False) -> QFont:
        """The print font at ``points``; cached, as layout asks for the same few sizes often."""
        key = (points, bold)
        if key not in self._fonts:
            font = print_font(points)
            font.setBold(bold)
            font.setStyleStrategy(QFont.StyleStrategy.PreferOutline)
            self._fonts[key] = font
        return self._fonts[key]

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.device)

    def text_width(self, text: str, font: QFont) -> float:
        return self.metrics(font).horizontalAdvance(text)

    def text_height(self, text: str, font: QFont, width: float) -> float:
        """Height of ``text`` wrapped to ``width`` (one line's height for empty text)."""
        rect = self.metrics(font).boundingRect(QRectF(0, 0, width, 1e9), WRAP, text or " ")
        return rect.height()

    def pen(self, width_mm: float = 0.25) -> QPen:
        """A black pen ``width_mm`` wide (cached)."""
        if width_mm not in self._pens:
            pen = QPen(Qt.GlobalColor.black)
            pen.setWidthF(self.mm(width_mm))
            self._pens[width_mm] = pen
        return self._pens[width_mm]


@dataclass
class Block:
    """A piece of a page: ``paint(painter, top)`` draws it within ``height`` below ``top``."""

    height: float
    paint: PaintAt
    keep_with_next: bool = False  # headings and the last table row stay with what follows


@dataclass
class Placed:
    top: float
    block: Block
    head: bool = False  # part of the header repeated on a continuation page


@dataclass
class Page:
    placed: list[Placed] = field(default_factory=list)


def paginate(blocks: list[Block], canvas: Canvas,
             continuation: Callable[[], list[Block]]) -> list[Page]:
    """Place ``blocks`` top to bottom, starting a new page when the next one (with those it
    must stay with) does not fit. Each new page first gets ``continuation()`` blocks (a
    caption, the repeated table header). A block taller than a page is placed alone."""
    pages, y, index = [Page()], 0.0, 0
    while index < len(blocks):
        need = _run_height(blocks, index)
        if y + need > canvas.body_bottom and pages[-1].placed and not _only_heads(pages[-1]):
            pages.append(Page())
            y = _place(pages[-1], continuation(), 0.0, head=True)
        y = _place(pages[-1], [blocks[index]], y)
        index += 1
    return pages


def _run_height(blocks: list[Block], index: int) -> float:
    """Height of the block at ``index`` plus the following ones it is kept with."""
    total = blocks[index].height
    while blocks[index].keep_with_next and index + 1 < len(blocks):
        index += 1
        total += blocks[index].height
    return total


def _place(page: Page, blocks: list[Block], y: float, head: bool = False) -> float:
    for block in blocks:
        page.placed.append(Placed(y, block, head))
        y += block.height
    return y


def _only_heads(page: Page) -> bool:
    """A page holding only its repeated header: breaking again would loop forever."""
    return all(p.head for p in page.placed)


def spacer(height: float) -> Block:
    return Block(height, lambda painter, top: None)


def paint_pages(painter: QPainter, canvas: Canvas, pages: list[Page]) -> int:
    """Paint every page with its footer, calling newPage() between pages; returns the count."""
    for number, page in enumerate(pages, 1):
        if number > 1:
            canvas.device.newPage()
        for placed in page.placed:
            placed.block.paint(painter, placed.top)
        paint_footer(painter, canvas, number, len(pages))
    return len(pages)


def paint_footer(painter: QPainter, canvas: Canvas, number: int, total: int) -> None:
    """第 N 页 共 M 页, centred at the bottom of the paint rectangle."""
    painter.setFont(canvas.font(SMALL_PT))
    rect = QRectF(0, canvas.body_bottom, canvas.width, canvas.height - canvas.body_bottom)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                     f"第 {number} 页 共 {total} 页")


def text_block(canvas: Canvas, text: str, font: QFont, flags: int = LEFT,
               pad_mm: float = 0.0) -> Block:
    """Full-width wrapped text with ``pad_mm`` of space below it."""
    height = canvas.text_height(text, font, canvas.width)

    def paint(painter: QPainter, top: float) -> None:
        painter.setFont(font)
        painter.drawText(QRectF(0, top, canvas.width, height), flags | WRAP, text)

    return Block(height + canvas.mm(pad_mm), paint)


def fit_text(painter: QPainter, canvas: Canvas, rect: QRectF, text: str,
             flags: int = LEFT, sizes: tuple[float, ...] = (BODY_PT, SMALL_PT, 9.0, 8.0)) -> None:
    """Draw ``text`` in ``rect`` at the largest of ``sizes`` at which it fits (wrapped); the
    smallest size when none does."""
    for points in sizes:
        font = canvas.font(points)
        if canvas.text_height(text, font, rect.width()) <= rect.height():
            break
    painter.setFont(font)
    painter.drawText(rect, flags | WRAP, text)


def render(device: QPagedPaintDevice, build: Callable[[Canvas], list[Page]]) -> int:
    """Lay out with ``build`` (pass one), then paint every page (pass two); the page count.

    Raises ExportError when painting cannot start on the device (printer gone, file locked).
    """
    painter = QPainter()
    if not painter.begin(device):
        raise ExportError("无法开始输出：打印机不可用或文件无法写入，请检查后重试。")
    try:
        canvas = Canvas(device)
        return paint_pages(painter, canvas, build(canvas))
    finally:
        painter.end()
