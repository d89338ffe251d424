"""Record sheets: tables where one record (a meeting, a talk) may take several rows.

Long text wraps inside its column. When a record would need a row taller than a printed page
(or than Excel allows, 409 pt), its long text carries on in the rows below and the record's
other cells are merged down beside it: nothing is cut off, and a page break can fall between
the rows. The widths of long-text columns are shared out so the table prints at about
``TARGET_SCALE`` on A4 landscape.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field, replace

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from branchdesk.core.ledger.styles import (_PADDING, _PAGE_UNITS_LANDSCAPE, FIRST_DATA_ROW,
                                           LONG_TEXT, TEXT, Column, Table, add_sheet,
                                           column_width, display_width, masked_rows,
                                           row_height, shown, write_cell)

EMPTY_TEXT = "本期无记录"
MAX_LINES_PER_ROW = 24  # 24 wrapped lines ≈ 350 pt: within Excel's 409 pt and one printed page
TARGET_SCALE = 0.8  # long-text columns are sized so the sheet prints at about 80 %
_MIN_LONG_CHARS = 4


@dataclass
class RecordTable:
    """A sheet of records. ``weights`` shares the spare width among long-text columns by header
    (default 1); ``notes`` are full-width lines after the records (e.g. a summary)."""

    title: str
    subtitle: str
    columns: Sequence[Column]
    records: Sequence[Sequence[object]]
    weights: dict[str, float] = field(default_factory=dict)
    notes: Sequence[str] = ()


def add_record_sheet(wb: Workbook, name: str, table: RecordTable, *,
                     freeze_columns: int = 2, mask: bool = False) -> Worksheet:
    """Add ``table`` as a sheet: "本期无记录" when there are no records; notes at the end.

    ``mask``: the records as core/masking.py shows them, masked before long text is split over
    rows, so no ID or phone number can straddle two cells unmasked."""
    records = masked_rows(table.records, table.columns) if mask else table.records
    columns = sized_columns(table.columns, records, table.weights)
    blocks = [split_record(record, columns) for record in records]
    blocks = blocks or [[[None] * len(columns)]]
    blocks += [[[None] * len(columns)] for _ in table.notes]
    rows = [row for block in blocks for row in block]
    ws = add_sheet(wb, name, Table(table.title, table.subtitle, columns, rows),
                   freeze_columns=freeze_columns)
    merge_blocks(ws, blocks[:len(records)])
    notes = list(table.notes) if records else [EMPTY_TEXT, *table.notes]
    first_note = FIRST_DATA_ROW + len(rows) - len(notes)
    for offset, text in enumerate(notes):
        write_note_row(ws, first_note + offset, text)
    return ws


# ---------------------------------------------------------------- widths

def sized_columns(columns: Sequence[Column], records: Sequence[Sequence[object]],
                  weights: dict[str, float]) -> list[Column]:
    """The columns with a fixed width (in characters) for every long-text column.

    Long-text columns share what the other columns leave of the page by their weights, none
    wider than its longest line needs. Short text fills the page at 100 %; long text widens
    the table up to 1 / TARGET_SCALE of the page (printed smaller, with fewer lines).
    """
    growing = [i for i, c in enumerate(columns) if c.kind == LONG_TEXT and not c.width]
    texts = [[shown(r[i], c.kind) for r in records] for i, c in enumerate(columns)]
    others = sum(column_width(c, texts[i]) for i, c in enumerate(columns) if i not in growing)
    needs = {i: _widest(texts[i]) for i in growing}
    page = _PAGE_UNITS_LANDSCAPE
    target = max(page, min(page / TARGET_SCALE, others + sum(needs.values())))
    shares = share_out(target - others, needs,
                       {i: weights.get(columns[i].header, 1.0) for i in growing},
                       floor=_MIN_LONG_CHARS * 2 + _PADDING)
    out = list(columns)
    for i in growing:
        out[i] = replace(columns[i], width=max(_chars(shares[i]), _MIN_LONG_CHARS))
    return out


def share_out(budget: float, needs: dict[int, float], weights: dict[int, float],
              floor: float = 0.0) -> dict[int, float]:
    """Split ``budget`` by ``weights``, each share between ``floor`` and its need.

    A share below the floor is raised to it, one above its need is cut to the need, and the
    rest is shared again among the others. What is left at the end is shared by weight.
    """
    shares: dict[int, float] = {}
    open_ = dict(weights)
    while open_:
        total = sum(open_.values()) or 1.0
        offer = {i: budget * w / total for i, w in open_.items()}
        fixed = {i: floor for i in open_ if offer[i] < floor} or \
            {i: max(needs[i], floor) for i in open_ if offer[i] >= needs[i]}
        if not fixed:
            return shares | offer
        for i, width in fixed.items():
            shares[i] = width
            budget -= width
            del open_[i]
    total = sum(weights.values()) or 1.0
    return {i: shares[i] + max(budget, 0) * weights[i] / total for i in shares}


def _widest(texts: Sequence[str]) -> float:
    """Width units the longest line of ``texts`` needs."""
    return max((display_width(line) for t in texts for line in t.split("\n")), default=0) \
        + _PADDING


def _chars(units: float) -> float:
    return math.floor((units - _PADDING) / 2 * 2) / 2  # half-character steps


# ---------------------------------------------------------------- splitting

def split_record(values: Sequence[object], columns: Sequence[Column]) -> list[list[object]]:
    """One record as one or more rows: long text beyond MAX_LINES_PER_ROW carries on below."""
    parts = [split_text(shown(v, c.kind), c.width) if c.kind == LONG_TEXT and v else [v]
             for v, c in zip(values, columns)]
    height = max(len(p) for p in parts)
    return [[p[i] if i < len(p) else None for p in parts] for i in range(height)]


def split_text(text: str, width_chars: float,
               max_lines: int = MAX_LINES_PER_ROW) -> list[str]:
    """``text`` in chunks of at most ``max_lines`` wrapped lines in a column that wide.

    Chunks break between lines where possible; joined with "\\n" they give the text back
    (a single line longer than a whole chunk is cut inside the line).
    """
    room = max(width_chars * 2, 1)
    chunks: list[list[str]] = [[]]
    used = 0
    for piece in (p for line in text.split("\n") for p in _cut(line, room * max_lines)):
        lines = max(math.ceil(display_width(piece) / room), 1)
        if chunks[-1] and used + lines > max_lines:
            chunks.append([])
            used = 0
        chunks[-1].append(piece)
        used += lines
    return ["\n".join(chunk) for chunk in chunks]


def _cut(line: str, limit: float) -> list[str]:
    pieces, start, used = [], 0, 0
    for index, ch in enumerate(line):
        step = display_width(ch)
        if used + step > limit:
            pieces.append(line[start:index])
            start, used = index, 0
        used += step
    return pieces + [line[start:]]


# ---------------------------------------------------------------- merging and notes

def merge_blocks(ws: Worksheet, blocks: Sequence[Sequence[Sequence[object]]]) -> None:
    """Merge each record's cells down over its continuation rows where those are empty."""
    row = FIRST_DATA_ROW
    for block in blocks:
        if len(block) > 1:
            _align_top(ws, row, len(block))
        for column in range(len(block[0])):
            if len(block) > 1 and all(r[column] is None for r in block[1:]):
                merge(ws, row, column + 1, row + len(block) - 1, column + 1)
        row += len(block)


def _align_top(ws: Worksheet, row: int, height: int) -> None:
    # A record over several rows reads top-down, and a merged cell's text then prints on the
    # record's first page when a page break falls inside it (centred, it would show on
    # whichever page holds the middle of the block).
    for cells in ws.iter_rows(min_row=row, max_row=row + height - 1):
        for cell in cells:
            cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="top",
                                       wrap_text=True)


def write_note_row(ws: Worksheet, row: int, text: str) -> None:
    """A line of text across the whole table, e.g. "本期无记录" or a summary."""
    last = ws.max_column
    cell = ws.cell(row, 1)
    write_cell(cell, text)
    cell.alignment = Alignment(horizontal="center" if text == EMPTY_TEXT else "left",
                               vertical="center", wrap_text=True)
    merge(ws, row, 1, row, last)
    ws.row_dimensions[row].height = row_height([shown(text, TEXT)], [table_width(ws)])


def table_width(ws: Worksheet) -> float:
    """Sum of the column widths of the sheet, in Excel width units."""
    return sum(d.width for d in ws.column_dimensions.values() if d.width)


def copy_style(source: Cell, target: Cell) -> None:
    """Give ``target`` the whole look (font, fill, border, alignment, format) of ``source``."""
    target._style = copy(source._style)  # openpyxl's own idiom; much faster than per attribute


def merge(ws: Worksheet, first_row: int, first_column: int, last_row: int,
          last_column: int) -> None:
    """Merge a range whose covered cells are empty and already styled (borders included).

    Worksheet.merge_cells would rebuild the covered cells and their borders, which costs
    milliseconds per range in openpyxl; Excel itself keeps the covered cells' styles too.
    """
    ref = (f"{get_column_letter(first_column)}{first_row}:"
           f"{get_column_letter(last_column)}{last_row}")
    ws.merged_cells.add(MergedCellRange(ws, ref))
