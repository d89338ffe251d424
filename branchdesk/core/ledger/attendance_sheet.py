"""The 出勤统计 sheet: per member, for each kind of meeting, 应参加 / 出席 / 请假 / 缺席, and an
overall 出席率. The numbers come from one aggregate query over the period's attendance."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from branchdesk.core.db import Database

from branchdesk.core import branch, masking, members
from branchdesk.core.ledger.blocks import copy_style, merge
from branchdesk.core.ledger.period import LedgerPeriod
from branchdesk.core.ledger.records import attendance_totals
from branchdesk.core.ledger.styles import (FIRST_DATA_ROW, HEADER_ROW, NUMBER, TEXT, Column,
                                           Table, add_sheet, column_width,
                                           row_height, write_cell)
from branchdesk.core.meetings import KINDS, SHORT_NAMES, Counts
from branchdesk.core.members import Member

SHEET_NAME = "出勤统计"
STATS = ("应参加", "出席", "请假", "缺席")
# Stacked one character a line, so four numbers per kind fit across an A4 page.
_STAT_LABELS = tuple("\n".join(label) for label in STATS)
RATE_FORMAT = "0.0%"
_LEADING = (Column("序号", NUMBER, width=2), Column("姓名", TEXT, max_width=4),
            Column("人员类别", TEXT, max_width=4), Column("党小组", TEXT, max_width=5))
_RATE = Column("出席率", NUMBER, width=3)
_STAT_WIDTH = 2  # characters: four digits fit without "####"


@dataclass(frozen=True)
class StatMember:
    """A member counted in the period, with the category and group shown for them."""

    member: Member
    category: str
    group_id: int | None


def columns() -> list[Column]:
    bands = [Column(SHORT_NAMES[kind] if i == 0 else "", NUMBER, width=_STAT_WIDTH)
             for kind in KINDS for i in range(len(STATS))]
    return [*_LEADING, *bands, _RATE]


def add_attendance_sheet(wb: Workbook, db: Database, branch_name: str,
                         period: LedgerPeriod, *, mask: bool = False) -> Worksheet:
    """The sheet, with the kind names as a band above the four figures of each kind.
    ``mask``: its text as core/masking.py shows it (the same rule on every sheet)."""
    totals = attendance_totals(db, period)
    people = counted_members(db, period, {mid for mid, _ in totals})
    names = branch.group_names(db)
    rows = [stat_row(n, p, totals, names) for n, p in enumerate(people, start=1)]
    rows.append(total_row(rows))
    labels = [None] * len(_LEADING) + list(_STAT_LABELS) * len(KINDS) + [None]
    table = Table(f"{branch_name}党员参加组织生活情况统计",
                  f"{period.label}　单位：次　（离开本支部的党员统计到离开之日）",
                  columns(), [labels, *rows])
    ws = add_sheet(wb, SHEET_NAME, table, freeze_columns=2, mask=mask)
    _two_header_rows(ws)
    _format_rates(ws, len(rows))
    lines = exemption_lines(db, period, [p.member for p in people])
    _exemption_notes(ws, FIRST_DATA_ROW + 1 + len(rows),
                     [masking.free_text(line) for line in lines] if mask else lines)
    return ws


def exemption_lines(db: Database, period: LedgerPeriod, people: list[Member]) -> list[str]:
    """注 lines for the members whose organisational life was 不作硬性要求 in the period:
    who, since when, why (so their absences are read as the branch decided)."""
    found = members.exemptions_between(db, period.start, period.as_of)
    return [f"注：{m.name}{x.text}：{x.reason}" for m in people for x in found.get(m.id, [])]


def _exemption_notes(ws: Worksheet, first: int, lines: list[str]) -> None:
    """The 注 lines under the table, each across the sheet's width."""
    for offset, text in enumerate(lines, start=1):
        row = first + offset
        write_cell(ws.cell(row, 1), text)
        ws.cell(row, 1).alignment = Alignment(horizontal="left", vertical="center",
                                              wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ws.max_column)


def counted_members(db: Database, period: LedgerPeriod, attended: set[int]) -> list[StatMember]:
    """Everyone on the roll at some time in the period: on the roll at its end first (by
    group), then those who left during it (shown as 已转出 …)."""
    order = {g.id: i for i, g in enumerate(branch.groups(db))}
    at_end = members.roll_as_of(db, period.as_of)
    found = {e.member.id: StatMember(e.member, e.category, e.group_id) for e in at_end}
    for entry in members.roll_as_of(db, period.start):
        found.setdefault(entry.member.id, _left(entry.member, entry.group_id))
    for m in members.list_members(db, include_left=True):
        if m.id in attended:
            found.setdefault(m.id, _left(m, m.group_id))
    staying = {e.member.id for e in at_end}
    return sorted(found.values(), key=lambda p: (p.member.id not in staying,
                                                 order.get(p.group_id, len(order)), p.member.id))


def _left(m: Member, group_id: int | None) -> StatMember:
    shown = f"已{m.status}" if not m.active else m.category
    return StatMember(m, shown, group_id)


def stat_row(number: int, person: StatMember, totals: dict[tuple[int, str], Counts],
             group_names: dict[int, str]) -> list[object]:
    counts = [totals.get((person.member.id, kind), Counts(0, 0, 0, 0)) for kind in KINDS]
    figures = [n for c in counts for n in (c.expected, c.present, c.leave, c.absent)]
    return [number, person.member.name, person.category,
            group_names.get(person.group_id, ""), *_shown(figures), _rate(figures)]


NOT_EXPECTED = "—"  # a kind of meeting the member was not expected at (e.g. 支委会)


def _shown(figures: list[int]) -> list[object]:
    """The figures, with "—" for the four of a kind the member was never expected at."""
    out: list[object] = []
    for start in range(0, len(figures), len(STATS)):
        four = figures[start:start + len(STATS)]
        out += four if four[0] else [NOT_EXPECTED] * len(STATS)
    return out


def total_row(rows: list[list[object]]) -> list[object]:
    """合计: the sum of every figure column and the overall rate."""
    first = len(_LEADING)
    sums = [sum(r[i] for r in rows if isinstance(r[i], int))
            for i in range(first, first + len(KINDS) * len(STATS))]
    return [None, "合计", None, None, *_shown(sums), _rate(sums)]


def _rate(figures: list[int]) -> float | None:
    expected, present = sum(figures[0::4]), sum(figures[1::4])
    return round(present / expected, 4) if expected else None


def _two_header_rows(ws: Worksheet) -> None:
    """Row 3: leading headers (merged down) and kind names (merged across their four
    columns); row 4: 应参加 / 出席 / 请假 / 缺席. Both repeat on every printed page."""
    labels_row = HEADER_ROW + 1
    for column in range(1, ws.max_column + 1):
        copy_style(ws.cell(HEADER_ROW, column), ws.cell(labels_row, column))
    for column in (*range(1, len(_LEADING) + 1), ws.max_column):
        merge(ws, HEADER_ROW, column, labels_row, column)
    band_width = column_width(Column("", NUMBER, width=_STAT_WIDTH), []) * len(STATS)
    for index in range(len(KINDS)):
        first = len(_LEADING) + 1 + index * len(STATS)
        merge(ws, HEADER_ROW, first, HEADER_ROW, first + len(STATS) - 1)
    ws.row_dimensions[HEADER_ROW].height = row_height(["组织生活会"], [band_width])
    ws.print_title_rows = f"{HEADER_ROW}:{labels_row}"
    ws.freeze_panes = ws.cell(labels_row + 1, 3).coordinate


def _format_rates(ws: Worksheet, count: int) -> None:
    column = get_column_letter(ws.max_column)
    for row in range(FIRST_DATA_ROW + 1, FIRST_DATA_ROW + 1 + count):
        ws[f"{column}{row}"].number_format = RATE_FORMAT
