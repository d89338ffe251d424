"""Painting a 签到表 (sign-in sheet) onto a PDF writer or a printer.

Layout: the title centred, the 时间/地点 line and the 议题 line, then a bordered table
序号 | 姓名 | 党小组/职务 | 签名 | 备注 whose header row is repeated on every page, the 列席 rows,
the totals line after the last row (for a 党员大会 a second one, 有表决权), and "第 N 页 共 M 页"
on every page. The rows, the 列席 rows and the totals stay on one page whenever they fit there
(rows a little lower, fewer blank 列席 rows if need be); a break always leaves some people to
sign on the last page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QPagedPaintDevice, QPainter

from branchdesk.core.printing import SignInRow, SignInSheet, Tally
from branchdesk.ui.print.layout import (
    BODY_PT, CENTER, LEFT, SMALL_PT, TITLE_PT, WRAP, Block, Canvas, Page, fit_text, paginate,
    render, spacer, text_block)
from branchdesk.ui.print.pdf import pdf_bytes, write_pdf

# Column widths in millimetres on A4 portrait (175 mm between the margins); they are scaled
# to the actual paint width, so a printer with wider unprintable edges still fits the table.
COLUMNS_MM = (12.0, 28.0, 30.0, 67.0, 38.0)
HEADER_MM, TOTALS_MM, VOTING_MM = 10.0, 14.0, 6.0
BLANK_MM = 40.0  # the line left for a 主持人 or 记录人 not yet known
# Rows are 10.5 mm high, and as low as 9 mm (still room to sign in pen) when that saves a page.
ROW_HEIGHTS_MM = (10.5, 10.0, 9.5, 9.0)
MIN_BLANK_ROWS = 1  # blank 列席 rows kept when dropping the others saves a page
CARRY_ROWS = 3  # rows to sign that go with the totals when the table must break


def paint_signin(device: QPagedPaintDevice, sheet: SignInSheet) -> int:
    """Paint ``sheet`` on ``device`` (a QPdfWriter or QPrinter); returns the page count."""
    return render(device, lambda canvas: signin_pages(canvas, sheet))


def write_signin_pdf(sheet: SignInSheet, path: Path | str) -> int:
    """Write ``sheet`` as an A4 PDF at ``path`` (atomically); returns the page count."""
    return write_pdf(path, lambda device: paint_signin(device, sheet), sheet.title)


def signin_pdf(sheet: SignInSheet) -> bytes:
    """``sheet`` as a checked A4 PDF in memory (the U盘 package). Raises ExportError."""
    return pdf_bytes(lambda device: paint_signin(device, sheet), sheet.title)[0]


def signin_pages(canvas: Canvas, sheet: SignInSheet) -> list[Page]:
    """Pass one: where every block of the sheet goes.

    Every layout option (row height, blank 列席 rows kept) is paginated by measured height;
    of those needing the fewest pages, the first in ``_options`` order wins: full-height rows
    and all blank rows when they fit, lower rows next, fewer blank rows last. So the rows, the
    列席 rows and the totals share a page whenever they can.
    """
    layouts = [_layout(canvas, sheet, row_mm, rows) for row_mm, rows in _options(sheet)]
    fewest = min(len(pages) for pages in layouts)
    return next(pages for pages in layouts if len(pages) == fewest)


def _options(sheet: SignInSheet) -> list[tuple[float, list[SignInRow]]]:
    """(row height in mm, rows to print) in order of preference."""
    options = [(row_mm, sheet.rows) for row_mm in ROW_HEIGHTS_MM]
    blanks = sum(1 for row in sheet.rows if row.blank)
    for keep in range(blanks - 1, min(MIN_BLANK_ROWS, blanks) - 1, -1):
        options.append((ROW_HEIGHTS_MM[-1], _without_blanks(sheet.rows, blanks - keep)))
    return options


def _without_blanks(rows: list[SignInRow], drop: int) -> list[SignInRow]:
    """``rows`` less ``drop`` of its blank rows (from the end)."""
    kept = list(rows)
    for index in range(len(kept) - 1, -1, -1):
        if drop and kept[index].blank:
            del kept[index]
            drop -= 1
    return kept


def _layout(canvas: Canvas, sheet: SignInSheet, row_mm: float,
            rows: list[SignInRow]) -> list[Page]:
    header = _table_header(canvas, sheet.post_header, sheet.sign_header)
    blocks = [text_block(canvas, sheet.title, canvas.font(TITLE_PT, True), CENTER, 6)]
    blocks += _info_blocks(canvas, sheet) + [spacer(canvas.mm(2)), header]
    row_blocks = [_row_block(canvas, row, row_mm) for row in rows]
    _keep_tail_together(rows, row_blocks)
    totals = [_totals_block(canvas, sheet.totals)]
    if sheet.voting:  # a 党员大会: the members with a vote, on a line of their own
        totals[0].keep_with_next = True
        totals.append(_totals_block(canvas, sheet.voting, VOTING_MM, 0.5))
    blocks += row_blocks + totals
    caption = f"{sheet.title}（续）"
    pages = paginate(blocks, canvas, lambda: [
        text_block(canvas, caption, canvas.font(SMALL_PT), CENTER, 2), header])
    return _close_frames(canvas, pages, row_blocks)


def _keep_tail_together(rows: list[SignInRow], blocks: list[Block]) -> None:
    """The last ``CARRY_ROWS`` rows to sign, the rows after them and the totals are never
    split: a page break leaves people to sign on the last page, never only blanks."""
    signed = [index for index, row in enumerate(rows) if not row.blank]
    start = signed[-CARRY_ROWS] if len(signed) >= CARRY_ROWS else 0
    for block in blocks[start:]:
        block.keep_with_next = True


def _close_frames(canvas: Canvas, pages: list[Page], rows: list[Block]) -> list[Page]:
    """Give the last table row of every page the frame's heavy bottom edge."""
    row_ids = {id(row) for row in rows}
    for page in pages:
        on_page = [placed for placed in page.placed if id(placed.block) in row_ids]
        if on_page:
            on_page[-1].block = _with_bottom_edge(canvas, on_page[-1].block)
    return pages


def _with_bottom_edge(canvas: Canvas, block: Block) -> Block:
    def paint(painter: QPainter, top: float) -> None:
        block.paint(painter, top)
        painter.setPen(canvas.pen(0.5))
        painter.drawLine(QLineF(0, top + block.height, canvas.width, top + block.height))

    return Block(block.height, paint, block.keep_with_next)


def _columns(canvas: Canvas) -> list[tuple[float, float]]:
    """(left, width) of each column, scaled to the paint width."""
    scale = canvas.width / sum(COLUMNS_MM)
    lefts, x = [], 0.0
    for width in COLUMNS_MM:
        lefts.append((x, width * scale))
        x += width * scale
    return lefts


# ---------------------------------------------------------------- above the table

def _info_blocks(canvas: Canvas, sheet: SignInSheet) -> list[Block]:
    """时间 and 地点 side by side, 主持人 and 记录人 side by side, then every other item (议题,
    主讲人 …) on its own wrapped line."""
    pairs = [sheet.info[:2], sheet.people[:2]]
    blocks = [_pair_block(canvas, *pair) for pair in pairs if len(pair) == 2]
    font = canvas.font(BODY_PT)
    return blocks + [text_block(canvas, f"{label}：{value}", font, LEFT, 2)
                     for label, value in sheet.info[2:]]


def _pair_block(canvas: Canvas, left: tuple[str, str], right: tuple[str, str]) -> Block:
    """Two "label：value" items on one line; an empty value is a line to write on."""
    font, half = canvas.font(BODY_PT), canvas.width / 2
    width = half - canvas.mm(2)
    height = max(canvas.text_height(f"{label}：{value}", font, width)
                 for label, value in (left, right))

    def paint(painter: QPainter, top: float) -> None:
        painter.setFont(font)
        for x, (label, value) in ((0.0, left), (half, right)):
            text = f"{label}：{value}"
            painter.drawText(QRectF(x, top, width, height), LEFT | WRAP, text)
            if not value:
                _blank_line(painter, canvas, x + canvas.text_width(text, font), top + height)

    return Block(height + canvas.mm(2), paint)


def _blank_line(painter: QPainter, canvas: Canvas, x: float, y: float) -> None:
    painter.setPen(canvas.pen(0.25))
    painter.drawLine(QLineF(x, y, x + canvas.mm(BLANK_MM), y))


# ---------------------------------------------------------------- the table

def _table_header(canvas: Canvas, post_header: str, sign_header: str = "签名") -> Block:
    titles = ("序号", "姓名", post_header, sign_header, "备注")
    height = canvas.mm(HEADER_MM)

    def paint(painter: QPainter, top: float) -> None:
        painter.setFont(canvas.font(BODY_PT, True))
        for (left, width), title in zip(_columns(canvas), titles):
            painter.drawText(QRectF(left, top, width, height), CENTER, title)
        _grid(painter, canvas, top, height, outer_top=True)

    return Block(height, paint, keep_with_next=True)


def _row_block(canvas: Canvas, row: SignInRow, row_mm: float) -> Block:
    height = canvas.mm(row_mm)
    pad = canvas.mm(1.5)
    cells = (row.number, row.name, row.post, row.sign, row.note)

    def paint(painter: QPainter, top: float) -> None:
        for (left, width), text, flags in zip(_columns(canvas), cells, (CENTER,) * 4 + (LEFT,)):
            if text:
                rect = QRectF(left + pad, top + pad / 2, width - 2 * pad, height - pad)
                fit_text(painter, canvas, rect, text, flags)
        _grid(painter, canvas, top, height)

    return Block(height, paint)


def _grid(painter: QPainter, canvas: Canvas, top: float, height: float,
          outer_top: bool = False) -> None:
    """The row's borders: thin inner lines, a heavier frame on the outside."""
    bottom, right = top + height, canvas.width
    painter.setPen(canvas.pen(0.25))
    painter.drawLines([QLineF(left, top, left, bottom) for left, _ in _columns(canvas)[1:]]
                      + [QLineF(0, bottom, right, bottom)])
    painter.setPen(canvas.pen(0.5))
    painter.drawLines([QLineF(0, top, 0, bottom), QLineF(right, top, right, bottom)]
                      + ([QLineF(0, top, right, top)] if outer_top else []))


# ---------------------------------------------------------------- below the table

def _totals_block(canvas: Canvas, totals: list[Tally], height_mm: float = TOTALS_MM,
                  gap_mm: float = 5.0) -> Block:
    """应到 __ 人 实到 __ 人 请假 __ 人 缺席 __ 人, spread across the width under the table
    (``gap_mm`` below what is above it)."""
    height = canvas.mm(height_mm)

    def paint(painter: QPainter, top: float) -> None:
        slot = canvas.width / len(totals)
        for index, tally in enumerate(totals):
            _paint_tally(painter, canvas, index * slot, top + canvas.mm(gap_mm), tally)

    return Block(height, paint)


def _paint_tally(painter: QPainter, canvas: Canvas, x: float, top: float, tally: Tally) -> None:
    """Label, an underlined blank (holding the value when known), then its unit (人, 元)."""
    font = canvas.font(BODY_PT)
    painter.setFont(font)
    line_h, blank = canvas.metrics(font).height(), canvas.mm(16)
    label_w = canvas.text_width(tally.label, font) + canvas.mm(1.5)
    painter.setPen(canvas.pen(0.25))
    painter.drawText(QRectF(x, top, label_w, line_h), LEFT, tally.label)
    value = "" if tally.value is None else str(tally.value)
    blank = max(blank, canvas.text_width(value, font) + canvas.mm(3))  # a sum of money
    painter.drawText(QRectF(x + label_w, top, blank, line_h), CENTER, value)
    painter.drawLine(QLineF(x + label_w, top + line_h, x + label_w + blank, top + line_h))
    painter.drawText(QRectF(x + label_w + blank + canvas.mm(1.5), top, line_h, line_h), LEFT,
                     tally.unit)
