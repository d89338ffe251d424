"""The shared look of every Excel sheet BranchDesk writes.

A sheet is a title row, a subtitle row, a header row and a bordered table, in SimSun, sized for
Chinese text and set up to print on A4 with the header repeated and "第 N 页 共 M 页" below.

Safety contract of :func:`write_cell`: text is always stored as a string, never a formula, even
when it starts with = + - @ (or their full-width forms); characters that XML cannot hold are
removed; ID and phone numbers are text with the '@' format, never numbers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

from branchdesk.core import masking

# Column kinds
TEXT = "text"
LONG_TEXT = "long-text"
DATE = "date"
NUMBER = "number"
ID = "id"
PHONE = "phone"
KINDS = (TEXT, LONG_TEXT, DATE, NUMBER, ID, PHONE)
_MASK_KINDS = {ID: masking.ID, PHONE: masking.PHONE, TEXT: masking.FREE, LONG_TEXT: masking.FREE}

FONT_NAME = "SimSun"  # 宋体: on every Windows; elsewhere LibreOffice/WPS substitute a CJK font
TITLE_SIZE = 16
SUBTITLE_SIZE = 10
BODY_SIZE = 10
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
FOOTER = "第 &P 页 共 &N 页"
MAX_CELL_CHARS = 32767  # Excel's limit for one cell

TITLE_ROW, SUBTITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4

# Characters that start a formula when a cell is edited in Excel/WPS.
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
# Control characters XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE) and the
# non-characters U+FFFE/U+FFFF and lone surrogates, which make the file unreadable.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Width model: Excel column-width units (the width of a "0" in the workbook's default font,
# SimSun 10 pt here: 7 px at 96 dpi) per half-width character at BODY_SIZE (a CJK character
# counts as two), plus the cell's inner padding. SimSun needs 0.95 units per half-width
# character; 1.0 plus the padding keeps dates and ID numbers clear of "####" and wrapping
# in Excel, WPS and LibreOffice (checked by printing to PDF with LibreOffice).
_UNITS_PER_HALF = 1.0
_PADDING = 1.8
_LINE_POINTS = 1.45 * BODY_SIZE  # line height of a wrapped body line, with CJK fallback fonts
_ROW_PADDING = 4.0
# Printable width of A4 (11.69 x 8.27 in) between the side margins, in width units
# (1 unit = 7 px = 5.25 pt), less a little for the borders.
_SIDE_MARGIN = 0.3  # inches
_PAGE_UNITS_LANDSCAPE = int((11.69 - 2 * _SIDE_MARGIN) * 72 / 5.25) - 2
_PAGE_UNITS_PORTRAIT = int((8.27 - 2 * _SIDE_MARGIN) * 72 / 5.25) - 2
# Default widest automatic width per kind, in Chinese characters (None: always fit content).
_DEFAULT_CAPS = {TEXT: 8, LONG_TEXT: 16, NUMBER: None, DATE: None, ID: None, PHONE: None}
_MIN_CHARS = {LONG_TEXT: 6}
_WRAPPING = (TEXT, LONG_TEXT)

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
_BODY_FONT = Font(name=FONT_NAME, size=BODY_SIZE)
_HEADER_FONT = Font(name=FONT_NAME, size=BODY_SIZE, bold=True)
_TITLE_FONT = Font(name=FONT_NAME, size=TITLE_SIZE, bold=True)
_SUBTITLE_FONT = Font(name=FONT_NAME, size=SUBTITLE_SIZE)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    """One table column. Widths are in Chinese characters (one CJK character = 2 units)."""

    header: str
    kind: str = TEXT
    width: float | None = None  # fixed width; None = computed from the content
    max_width: float | None = None  # cap for the computed width of text columns
    private: str | None = None  # a core/masking kind, when not the one ``kind`` implies

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def mask_kind(self) -> str | None:
        """How a masked sheet shows this column (core/masking.py): IDs and phones by their kind,
        any text as free text (an ID number typed into 备注 is masked too), dates as they are."""
        return self.private or _MASK_KINDS.get(self.kind)


@dataclass
class Table:
    """What one sheet shows: title, subtitle (e.g. "截至 2026年11月29日"), columns and rows."""

    title: str
    subtitle: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]] = field(default_factory=list)


# ---------------------------------------------------------------- values

def clean_text(value: object) -> str:
    """Text safe for a cell: control characters removed, line breaks as "\\n", within the limit."""
    if isinstance(value, bool):
        value = "是" if value else "否"
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("", text)[:MAX_CELL_CHARS]


def masked(value: object, column: Column) -> object:
    """The value as printed with masking on (core/masking.py decides)."""
    if not value:
        return value
    kind = column.mask_kind
    if kind is None:
        return value
    return masking.value(kind, value if kind == masking.BIRTH else clean_text(value))


def masked_rows(rows: Sequence[Sequence[object]],
                columns: Sequence[Column]) -> list[list[object]]:
    """``rows`` as a masked sheet shows them: every cell through :func:`masked`."""
    return [[masked(v, c) for v, c in zip(row, columns)] for row in rows]


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def write_cell(cell: Cell, value: object, kind: str = TEXT) -> None:
    """Store ``value`` in ``cell`` as its kind asks; text can never become a formula."""
    stored, number_format = _stored(value, kind)
    if number_format:
        cell.number_format = number_format
    _put(cell, stored)


def _stored(value: object, kind: str, text: str | None = None) -> tuple[object, str | None]:
    """(what the cell holds, its number format or None). A str is stored as text, never as a
    formula. ``text``: ``shown(value, kind)`` when the caller has it already."""
    if value is None or value == "":
        # ID and phone cells are text even when empty: what is typed in later stays text
        return None, TEXT_FORMAT if kind in (ID, PHONE) else None
    if kind == DATE:
        day = _as_date(value)
        if day:
            return day, DATE_FORMAT
    elif kind == NUMBER and _is_number(value):
        return value, None
    text = clean_text(value) if text is None else text
    return text, TEXT_FORMAT if kind in (ID, PHONE) else None


def _put(cell: Cell, stored: object) -> None:
    if isinstance(stored, str):
        _write_text(cell, stored)
    elif stored is not None or cell.value is not None:  # a new cell is empty already
        cell.value = stored


def _is_number(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _write_text(cell: Cell, text: str) -> None:
    # ``text`` went through clean_text(): openpyxl's own check of the same (a regular expression
    # per cell, a tenth of an export) is skipped. Type "s": openpyxl makes "=..." a formula
    # and "#N/A" an error otherwise.
    cell._value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # stays text when the cell is edited in Excel/WPS


def shown(value: object, kind: str) -> str:
    """The text a cell will display, for measuring widths and heights."""
    if value is None:
        return ""
    if kind == DATE and _as_date(value):
        return _as_date(value).isoformat()
    return clean_text(value)


# ---------------------------------------------------------------- measuring

def display_width(text: str) -> int:
    """Width in half-width units: CJK and full-width characters count 2."""
    if text.isascii():  # dates, numbers, ID numbers: most cells
        return len(text)
    return _wide_text_width(text)


@lru_cache(maxsize=8192)  # names, 出席/缺席 and the like repeat down a sheet
def _wide_text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _units(halves: float) -> float:
    return round(halves * _UNITS_PER_HALF + _PADDING, 1)


def _halves_in(units: float) -> float:
    return max((units - _PADDING) / _UNITS_PER_HALF, 1.0)


def _widest_line(text: str) -> int:
    return max((display_width(line) for line in text.split("\n")), default=0)


def column_width(column: Column, texts: Sequence[str]) -> float:
    """Excel width units for ``column`` holding ``texts`` (already as shown)."""
    if column.width:
        return _units(column.width * 2)
    halves = max([_header_need(column.header), *map(_widest_line, texts)])
    cap = column.max_width or _DEFAULT_CAPS[column.kind]
    if cap and column.kind in _WRAPPING:
        halves = min(halves, cap * 2)
    halves = max(halves, _MIN_CHARS.get(column.kind, 2) * 2)
    return _units(halves)


def _header_need(header: str) -> int:
    """Half-width units a header needs: it may wrap onto two lines, but not below 2 characters."""
    lines = header.split("\n")
    if len(lines) == 1:
        lines = [header[: math.ceil(len(header) / 2)]]
    return max(max(display_width(line) for line in lines), 4)


def line_count(text: str, width: float, scale: float = 1.0) -> int:
    """Lines ``text`` wraps to in a column ``width`` units wide (``scale``: font size / body)."""
    return _lines_in(text, _halves_in(width) / scale)


def _lines_in(text: str, room: float) -> int:
    """Lines ``text`` wraps to in ``room`` half-width units."""
    if "\n" not in text:
        return max(math.ceil(display_width(text) / room), 1)
    return sum(max(math.ceil(display_width(line) / room), 1) for line in text.split("\n"))


def row_height(texts: Sequence[str], widths: Sequence[float], scale: float = 1.0) -> float:
    """Row height in points for wrapped ``texts`` (LibreOffice does not auto-fit on open)."""
    lines = max((line_count(t, w, scale) for t, w in zip(texts, widths)), default=1)
    return _height_of(lines, scale)


def _height_of(lines: int, scale: float = 1.0) -> float:
    return round(lines * _LINE_POINTS * scale + _ROW_PADDING, 1)


# ---------------------------------------------------------------- sheets

def new_workbook() -> Workbook:
    """An empty workbook (no default sheet) to which :func:`add_sheet` adds sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    _make_body_font_default(wb)
    wb.properties.creator = "党支部工作台账"
    return wb


def _make_body_font_default(wb: Workbook) -> None:
    # Excel, WPS and LibreOffice measure column widths in digits of the first (default) font;
    # with SimSun there too, the width model holds wherever Calibri is missing (Linux).
    wb._fonts = IndexedList([_BODY_FONT])
    wb._named_styles["Normal"].font = _BODY_FONT


def safe_sheet_name(name: str, wb: Workbook) -> str:
    """A sheet name Excel accepts (no []:*?/\\, at most 31 characters), unique in ``wb``."""
    base = re.sub(r"[\[\]:*?/\\]", "_", clean_text(name)).strip("'") or "Sheet"
    taken = {n.lower() for n in wb.sheetnames}  # Excel compares sheet names case-blind
    candidate, number = base[:31], 2
    while candidate.lower() in taken:
        suffix = f"({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    return candidate


def add_sheet(wb: Workbook, name: str, table: Table, *, landscape: bool = True,
              mask: bool = False, freeze_columns: int = 0) -> Worksheet:
    """Add a sheet showing ``table`` with the shared look and A4 print settings.

    ``mask`` hides the middle of ID and phone numbers; ``freeze_columns`` keeps that many
    columns on screen when scrolling sideways (rows above the data are always frozen).
    """
    ws = wb.create_sheet(safe_sheet_name(name, wb))
    columns = list(table.columns)
    rows = [_prepared(row, columns, mask) for row in table.rows]
    texts = [[shown(v, c.kind) for v, c in zip(row, columns)] for row in rows]
    widths = [column_width(c, [t[i] for t in texts]) for i, c in enumerate(columns)]
    widths = fill_page_width(widths, columns, landscape)
    _write_heading(ws, table, widths)
    _write_header(ws, columns, widths)
    rooms = [_halves_in(w) for w in widths]
    templates: dict[tuple, StyleArray] = {}
    for offset, (row, row_texts) in enumerate(zip(rows, texts)):
        _write_row(ws, FIRST_DATA_ROW + offset, row, row_texts, columns, rooms, templates)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, freeze_columns + 1).coordinate
    set_print_layout(ws, len(columns), FIRST_DATA_ROW + len(rows) - 1, landscape=landscape)
    return ws


def fill_page_width(widths: Sequence[float], columns: Sequence[Column],
                    landscape: bool) -> list[float]:
    """Widen long-text columns so a narrow table spans the printed page (fewer wrapped lines)."""
    spare = (_PAGE_UNITS_LANDSCAPE if landscape else _PAGE_UNITS_PORTRAIT) - sum(widths)
    growing = [i for i, c in enumerate(columns) if c.kind == LONG_TEXT and not c.width]
    if spare <= 0 or not growing:
        return list(widths)
    share = math.floor(spare / len(growing) * 10) / 10
    return [w + share if i in growing else w for i, w in enumerate(widths)]


def _prepared(row: Sequence[object], columns: Sequence[Column], mask: bool) -> list[object]:
    values = list(row)[: len(columns)] + [None] * (len(columns) - len(row))
    return [masked(v, c) if mask else v for v, c in zip(values, columns)]


def _write_heading(ws: Worksheet, table: Table, widths: Sequence[float]) -> None:
    total = sum(widths)
    for row, text, font in ((TITLE_ROW, table.title, _TITLE_FONT),
                            (SUBTITLE_ROW, table.subtitle, _SUBTITLE_FONT)):
        cell = ws.cell(row, 1)
        write_cell(cell, text)
        cell.font, cell.alignment = font, _CENTRE
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        ws.row_dimensions[row].height = row_height([shown(text, TEXT)], [total],
                                                   font.size / BODY_SIZE) + 4


def _write_header(ws: Worksheet, columns: Sequence[Column], widths: Sequence[float]) -> None:
    style = None
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(HEADER_ROW, index)
        write_cell(cell, column.header)
        if style is None:  # styled once, copied after (see _write_row)
            cell.font, cell.fill, cell.border, cell.alignment = (
                _HEADER_FONT, _HEADER_FILL, _BORDER, _CENTRE)
            style = StyleArray(cell._style)
        else:
            cell._style = StyleArray(style)
    ws.row_dimensions[HEADER_ROW].height = row_height([c.header for c in columns], widths)


def _write_row(ws: Worksheet, row: int, values: Sequence[object], texts: Sequence[str],
               columns: Sequence[Column], rooms: Sequence[float], templates: dict) -> None:
    """One body row. Assigning style objects makes openpyxl hash them for every cell (most of
    an export's run time), so each kind of cell is styled once and its style copied after."""
    cells = ws._cells
    for index, (value, text, column) in enumerate(zip(values, texts, columns), start=1):
        stored, number_format = _stored(value, column.kind, text)
        cell = Cell(ws, row=row, column=index)
        cells[(row, index)] = cell
        key = (column.kind == LONG_TEXT, number_format)
        template = templates.get(key)
        if template is None:
            cell.font, cell.border = _BODY_FONT, _BORDER
            cell.alignment = _LEFT if key[0] else _CENTRE
            if number_format:
                cell.number_format = number_format
            templates[key] = StyleArray(cell._style)
        else:
            cell._style = StyleArray(template)
        _put(cell, stored)
    lines = max(map(_lines_in, texts, rooms), default=1)
    ws.row_dimensions[row].height = _height_of(lines)


def set_print_layout(ws: Worksheet, column_count: int, last_row: int, *,
                     landscape: bool = True) -> None:
    """A4, one page wide, centred, header row repeated, "第 N 页 共 M 页" footer."""
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = _SIDE_MARGIN
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    last_column = get_column_letter(max(column_count, 1))
    ws.print_area = f"A1:{last_column}{max(last_row, HEADER_ROW)}"
    footer = ws.oddFooter.center
    footer.text, footer.size, footer.font = FOOTER, 9, f"{FONT_NAME},Regular"
