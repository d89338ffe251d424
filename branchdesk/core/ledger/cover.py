"""The 封面 (cover) of the yearly ledger: title, the branch's basic facts, the contents and the
date it was made, on one A4 landscape page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from branchdesk.core.db import Database

from branchdesk.core import branch, masking, members, settings
from branchdesk.core.dates import long_cn
from branchdesk.core.ledger.blocks import merge
from branchdesk.core.ledger.period import LedgerPeriod
from branchdesk.core.ledger.styles import FONT_NAME, row_height, shown, write_cell

SHEET_NAME = "封面"
TITLE_SIZE, FACT_SIZE, NOTE_SIZE = 26, 14, 12
# Columns: margin, label, value, margin (Excel width units).
_WIDTHS = {"A": 6, "B": 26, "C": 100, "D": 6}
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")


def ledger_title(branch_name: str, period: LedgerPeriod) -> str:
    """示例党支部工作台账（2026年度）"""
    return f"{branch_name}工作台账（{period.label}）"


def cover_facts(db: Database, period: LedgerPeriod, today: date) -> list[tuple[str, str]]:
    """(label, text) lines of the cover: who the branch is and how it is made up."""
    roll = [e for e in members.roll_as_of(db, period.as_of)]
    full = sum(1 for e in roll if e.category == "正式党员")
    return [
        ("支部名称", settings.get(db, "branch_name")),
        ("上级党组织", settings.get(db, "parent_org")),
        ("台账年度" if period.year else "台账期间", period.label),
        ("支部书记", secretary(db, period.as_of)),
        ("党员人数", f"共 {len(roll)} 人，其中正式党员 {full} 人、预备党员 {len(roll) - full} 人"
                     f"（截至 {long_cn(period.as_of)}）"),
        ("支部委员会", committee_text(db, period.as_of)),
        ("党小组", groups_text(db, roll)),
        ("生成日期", long_cn(today)),
    ]


def secretary(db: Database, on: date) -> str:
    seat = branch.secretary_seat(db, on)
    return seat.member_name if seat else settings.get(db, "secretary_name")


def committee_text(db: Database, on: date) -> str:
    """书记 张三；组织委员 李四；…"""
    seats = branch.committee(db, on)
    return "；".join(f"{s.role} {s.member_name}" for s in seats) or "未设支部委员会"


def groups_text(db: Database, roll: Sequence[members.RollEntry]) -> str:
    """第一党小组（12 人）、第二党小组（11 人）"""
    sizes = Counter(e.group_id for e in roll)
    return "、".join(f"{g.name}（{sizes[g.id]} 人）" for g in branch.groups(db)) or "未设党小组"


def add_cover(wb: Workbook, db: Database, branch_name: str, period: LedgerPeriod, today: date,
              contents: Sequence[str], *, mask: bool = False) -> Worksheet:
    """The cover sheet; ``contents`` are the names of the other sheets, for the 目录 line;
    ``mask``: numbers in the facts masked (core.masking)."""
    ws = wb.create_sheet(SHEET_NAME, 0)
    for letter, width in _WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.row_dimensions[1].height = 40
    _line(ws, 2, ledger_title(branch_name, period), TITLE_SIZE, bold=True)
    ws.row_dimensions[3].height = 30
    row = 4
    for label, text in cover_facts(db, period, today):
        _fact(ws, row, label, masking.free_text(text) if mask else text)
        row += 1
    ws.row_dimensions[row].height = 24
    _line(ws, row + 1, "本台账包括：" + "、".join(contents), NOTE_SIZE, align="left")
    _set_cover_print(ws, row + 1)
    return ws


def _line(ws: Worksheet, row: int, text: str, size: int, *, bold: bool = False,
          align: str = "center") -> None:
    cell = ws.cell(row, 2)
    write_cell(cell, text)
    cell.font = Font(name=FONT_NAME, size=size, bold=bold)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    merge(ws, row, 2, row, 3)
    width = _WIDTHS["B"] + _WIDTHS["C"]
    ws.row_dimensions[row].height = row_height([shown(text, "text")], [width], size / 10) + 8


def _fact(ws: Worksheet, row: int, label: str, text: str) -> None:
    name, value = ws.cell(row, 2), ws.cell(row, 3)
    write_cell(name, label)
    write_cell(value, text)
    for cell, align in ((name, "center"), (value, "left")):
        cell.font = Font(name=FONT_NAME, size=FACT_SIZE, bold=cell is name)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True,
                                   indent=1 if cell is value else 0)
        cell.border = _BOX
    name.fill = _FILL
    ws.row_dimensions[row].height = row_height(
        [label, shown(text, "text")], [_WIDTHS["B"], _WIDTHS["C"]], FACT_SIZE / 10) + 10


def _set_cover_print(ws: Worksheet, last_row: int) -> None:
    """One A4 landscape page, centred, with no page number and no rows to repeat."""
    setup = ws.page_setup
    setup.paperSize, setup.orientation = ws.PAPERSIZE_A4, "landscape"
    setup.fitToWidth = setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = ws.print_options.verticalCentered = True
    ws.print_area = f"A1:D{last_row}"
