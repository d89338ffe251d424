"""Painting a 会议记录 (minutes page) onto a PDF writer or a printer.

Layout, like a page of the paper record book: the title (and a 补录 note), the header as a
bordered form of label | value cells, then each section (议题, 会议内容, 决议 …) as a bold
heading and the text wrapped line by line across as many pages as it needs, then the
signature line. Every page carries "第 N 页 共 M 页"; continuation pages repeat the title small.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPagedPaintDevice, QPainter, QTextLayout, QTextOption

from branchdesk.core.printing import FormField, MinutesPage, Section
from branchdesk.ui.print.layout import (
    BODY_PT, CENTER, LEFT, SMALL_PT, TITLE_PT, WRAP, Block, Canvas, Page, paginate, render, spacer,
    text_block)
from branchdesk.ui.print.pdf import pdf_bytes, write_pdf

LABEL_MM, CELL_PAD_MM, MIN_ROW_MM = 24.0, 1.8, 10.0
LINE_SPACING = 1.7  # line pitch in ems, close to a ruled record book
# Ruled lines left under an empty section, to write by hand (the content needs the most room).
BLANK_LINES, BLANK_CONTENT_LINES = 2, 10
SIGNATURE_BLANK_MM = 32.0
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def paint_minutes(device: QPagedPaintDevice, page: MinutesPage) -> int:
    """Paint ``page`` on ``device`` (a QPdfWriter or QPrinter); returns the page count."""
    return render(device, lambda canvas: minutes_pages(canvas, page))


def write_minutes_pdf(page: MinutesPage, path: Path | str) -> int:
    """Write the minutes as an A4 PDF at ``path`` (atomically); returns the page count."""
    return write_pdf(path, lambda device: paint_minutes(device, page), page.title)


def minutes_pdf(page: MinutesPage) -> bytes:
    """The minutes as a checked A4 PDF in memory (the U盘 package). Raises ExportError."""
    return pdf_bytes(lambda device: paint_minutes(device, page), page.title)[0]


KEEP_WITH_SIGNATURES = 2  # lines of the minutes that go to the next page with the signatures


def minutes_pages(canvas: Canvas, page: MinutesPage) -> list[Page]:
    """Pass one: where every block of the minutes goes."""
    blocks = [text_block(canvas, page.title, canvas.font(TITLE_PT, True), CENTER, 3)]
    if page.late_entry_note:
        blocks.append(text_block(canvas, page.late_entry_note, canvas.font(SMALL_PT), RIGHT, 1))
    blocks += [spacer(canvas.mm(2))] + _form_blocks(canvas, page.header)
    for section in page.sections:
        blocks += [spacer(canvas.mm(3))] + _section_blocks(canvas, section)
    for block in blocks[len(blocks) - KEEP_WITH_SIGNATURES:]:  # signatures never stand alone
        block.keep_with_next = True
    blocks += _signature_blocks(canvas, page.signatures)
    caption = f"{page.title}（续）"
    return paginate(blocks, canvas, lambda: [
        text_block(canvas, caption, canvas.font(SMALL_PT), CENTER, 3)])


# ---------------------------------------------------------------- the header form

def _form_blocks(canvas: Canvas, rows: list[list[FormField]]) -> list[Block]:
    """The header form; its first and last rows carry the frame's heavy top and bottom edges."""
    blocks = [_form_row(canvas, row) for row in rows]
    if blocks:
        blocks[0] = _with_rule(canvas, blocks[0], at_bottom=False)
        blocks[-1] = _with_rule(canvas, blocks[-1], at_bottom=True)
    return blocks


def _cells(canvas: Canvas, row: list[FormField]) -> list[tuple[QRectF, str, bool]]:
    """(rect at top 0, text, is_label) for every label and value cell of a form row."""
    width, label = canvas.width / len(row), canvas.mm(LABEL_MM)
    cells = []
    for index, item in enumerate(row):
        left = index * width
        cells.append((QRectF(left, 0, label, 0), item.label, True))
        cells.append((QRectF(left + label, 0, width - label, 0), item.value, False))
    return cells


def _form_row(canvas: Canvas, row: list[FormField]) -> Block:
    """One bordered row of label | value cells; as tall as its longest wrapped text."""
    font, pad = canvas.font(BODY_PT), canvas.mm(CELL_PAD_MM)
    cells = _cells(canvas, row)
    inner = max(canvas.text_height(text, font, rect.width() - 2 * pad) for rect, text, _ in cells)
    height = max(canvas.mm(MIN_ROW_MM), inner + 2 * pad)

    def paint(painter: QPainter, top: float) -> None:
        painter.setFont(font)
        painter.setPen(canvas.pen(0.25))
        for rect, text, is_label in cells:
            box = QRectF(rect.left(), top, rect.width(), height)
            _paint_cell(painter, box.adjusted(pad, pad, -pad, -pad), box, text, is_label)
        _row_frame(painter, canvas, top, height)

    return Block(height, paint)


def _paint_cell(painter: QPainter, inner: QRectF, box: QRectF, text: str, is_label: bool) -> None:
    """Labels centred, values left-aligned, wrapped in ``inner``; a rule on the box's left."""
    painter.drawText(inner, (CENTER if is_label else LEFT) | WRAP, text)
    painter.drawLine(QLineF(box.topLeft(), box.bottomLeft()))


def _row_frame(painter: QPainter, canvas: Canvas, top: float, height: float) -> None:
    painter.setPen(canvas.pen(0.25))
    painter.drawLine(QLineF(0, top + height, canvas.width, top + height))
    painter.setPen(canvas.pen(0.5))
    painter.drawLine(QLineF(0, top, 0, top + height))
    painter.drawLine(QLineF(canvas.width, top, canvas.width, top + height))


def _with_rule(canvas: Canvas, block: Block, at_bottom: bool) -> Block:
    def paint(painter: QPainter, top: float) -> None:
        block.paint(painter, top)
        y = top + block.height if at_bottom else top
        painter.setPen(canvas.pen(0.5))
        painter.drawLine(QLineF(0, y, canvas.width, y))

    return Block(block.height, paint, block.keep_with_next)


# ---------------------------------------------------------------- sections

def _section_blocks(canvas: Canvas, section: Section) -> list[Block]:
    """A bold heading kept with the first line, then one block per wrapped line."""
    heading = text_block(canvas, f"{section.heading}：", canvas.font(BODY_PT, True), pad_mm=1)
    heading.keep_with_next = True
    if not section.text:
        blank = BLANK_CONTENT_LINES if section.heading == "会议内容" else BLANK_LINES
        return [heading] + [_ruled_line(canvas) for _ in range(blank)]
    return [heading] + [b for paragraph in section.text.split("\n")
                        for b in _paragraph_lines(canvas, paragraph)]


def _line_pitch(canvas: Canvas, font: QFont) -> float:
    return max(canvas.metrics(font).height(), font.pointSizeF() * LINE_SPACING * canvas.dpi / 72)


def _paragraph_lines(canvas: Canvas, text: str) -> list[Block]:
    """The paragraph broken into lines with QTextLayout; an empty paragraph is a blank line."""
    font = canvas.font(BODY_PT)
    layout = QTextLayout(text, font, canvas.device)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    lines = _break_lines(layout, canvas.width)
    pitch = _line_pitch(canvas, font)
    if not lines:
        return [spacer(pitch)]
    blocks = [_line_block(layout, line, pitch) for line in lines]
    if len(blocks) > 1:  # no single line of a paragraph alone at a page's foot or head
        blocks[0].keep_with_next = blocks[-2].keep_with_next = True
    return blocks


def _break_lines(layout: QTextLayout, width: float) -> list:
    lines, y = [], 0.0
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        line.setPosition(QPointF(0, y))
        y += line.height()
        lines.append(line)
    layout.endLayout()
    return lines


def _line_block(layout: QTextLayout, line, pitch: float) -> Block:
    """One laid-out line, vertically centred in its pitch; keeps ``layout`` alive."""
    def paint(painter: QPainter, top: float, layout=layout) -> None:
        offset = top + (pitch - line.height()) / 2 - line.y()
        line.draw(painter, QPointF(0, offset))

    return Block(pitch, paint)


def _ruled_line(canvas: Canvas) -> Block:
    pitch = _line_pitch(canvas, canvas.font(BODY_PT))

    def paint(painter: QPainter, top: float) -> None:
        painter.setPen(canvas.pen(0.2))
        painter.drawLine(QLineF(0, top + pitch - canvas.mm(1), canvas.width,
                                top + pitch - canvas.mm(1)))

    return Block(pitch, paint)


# ---------------------------------------------------------------- signatures

def _signature_blocks(canvas: Canvas, signatures: tuple[str, ...]) -> list[Block]:
    """记录人签名：____ 主持人签名：____ 书记签名：____ after a gap, never split from it."""
    gap = spacer(canvas.mm(10))
    gap.keep_with_next = True
    return [gap, _signature_line(canvas, signatures)]


def _signature_line(canvas: Canvas, signatures: tuple[str, ...]) -> Block:
    font = canvas.font(BODY_PT)
    height = canvas.metrics(font).height() + canvas.mm(2)
    slot = canvas.width / max(1, len(signatures))

    def paint(painter: QPainter, top: float) -> None:
        painter.setFont(font)
        painter.setPen(canvas.pen(0.25))
        for index, label in enumerate(signatures):
            _paint_signature(painter, canvas, QRectF(index * slot, top, slot, height), f"{label}：")

    return Block(height, paint)


def _paint_signature(painter: QPainter, canvas: Canvas, slot: QRectF, text: str) -> None:
    """The label, then a line to sign on (as long as the slot allows)."""
    label_w = canvas.text_width(text, painter.font())
    painter.drawText(QRectF(slot.left(), slot.top(), label_w, slot.height()), CENTER, text)
    y = slot.bottom() - canvas.mm(1.5)
    end = min(slot.left() + label_w + canvas.mm(SIGNATURE_BLANK_MM), slot.right() - canvas.mm(3))
    painter.drawLine(QLineF(slot.left() + label_w, y, end, y))
