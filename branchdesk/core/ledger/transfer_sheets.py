"""The 转入登记表 and 转出登记表: one row per 组织关系介绍信 of the period.

A 转出 shows its destination, letter number, validity, 党费交至年月 and the day its 回执 came
back (or 待回执 / 已过有效期，未收到回执). A 转入 is listed by the day the member came (the
转入本支部日期, or the letter's date); one recorded without a letter has the letter's columns
empty.
"""

from __future__ import annotations

from datetime import date

from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from branchdesk.core import members, transfers
from branchdesk.core.db import Database
from branchdesk.core.ledger.blocks import RecordTable, add_record_sheet
from branchdesk.core.ledger.period import LedgerPeriod
from branchdesk.core.ledger.styles import DATE, LONG_TEXT, NUMBER, TEXT, Column
from branchdesk.core.members import Member
from branchdesk.core.transfers import Letter

IN_SHEET, OUT_SHEET = "转入登记表", "转出登记表"

_PERSON = (Column("姓名", TEXT, max_width=4), Column("性别", TEXT, width=2),
           Column("人员类别", TEXT, max_width=4))
IN_COLUMNS = (Column("序号", NUMBER, width=2), Column("转入日期", DATE), Column("介绍信日期", DATE),
              *_PERSON,
              Column("从何处转来", LONG_TEXT), Column("介绍信编号", TEXT, max_width=9),
              Column("党费交至", TEXT, width=5), Column("备注", LONG_TEXT))
OUT_COLUMNS = (Column("序号", NUMBER, width=2), Column("介绍信日期", DATE), *_PERSON,
               Column("转往", LONG_TEXT), Column("介绍信编号", TEXT, max_width=9),
               Column("有效期至", DATE), Column("党费交至", TEXT, width=5),
               Column("回执", TEXT, max_width=10), Column("备注", LONG_TEXT))
NO_LETTER = "未登记介绍信"


def add_in_sheet(wb: Workbook, db: Database, branch_name: str, period: LedgerPeriod, *,
                 mask: bool = False) -> Worksheet:
    """The 转入登记表 of ``period``. ``mask``: ID and phone numbers typed into the text
    masked (core/masking.py)."""
    rows = in_rows(db, _people(db), period)
    return _sheet(wb, IN_SHEET, f"{branch_name}党员组织关系转入登记表", IN_COLUMNS, rows, period,
                  mask)


def add_out_sheet(wb: Workbook, db: Database, branch_name: str, period: LedgerPeriod, *,
                  mask: bool = False) -> Worksheet:
    """The 转出登记表 of ``period``, the 回执 column judged on ``period.as_of``."""
    rows = out_rows(db, _people(db), period)
    return _sheet(wb, OUT_SHEET, f"{branch_name}党员组织关系转出登记表", OUT_COLUMNS, rows,
                  period, mask)


def _people(db: Database) -> dict[int, Member]:
    return {m.id: m for m in members.list_members(db, include_left=True)}


def _sheet(wb, name, title, columns, rows, period: LedgerPeriod, mask: bool) -> Worksheet:
    table = RecordTable(title, f"{period.label}　共 {len(rows)} 人次", columns, rows,
                        {"备注": 1.5})
    return add_record_sheet(wb, name, table, mask=mask)


def in_rows(db: Database, people: dict[int, Member], period: LedgerPeriod) -> list[list]:
    """[序号, 转入日期, 介绍信日期, 姓名, 性别, 人员类别, 从何处转来, 编号, 党费交至, 备注]
    of the 转入 whose 转入日期 falls in the period, by that date. The 转入日期 is the member's
    转入本支部日期 for their latest letter (when not before it), else the letter's date; a
    转入 recorded without a letter (转入本支部日期, or a 转入 in the history) has the letter's
    columns empty."""
    letters: dict[int, list[Letter]] = {}
    for x in transfers.all_letters(db):
        if x.direction == transfers.IN:
            letters.setdefault(x.member_id, []).append(x)
    rows = []
    for m in people.values():
        mine = letters.get(m.id, [])
        for x in mine:
            day = _arrival(m, x, x is mine[-1])
            rows.append((day, [None, day, x.letter_date, *_person(m), x.place, x.letter_number,
                               _month(x.dues_paid_to), x.note]))
        for day in _unlettered(db, m, mine):
            rows.append((day, [None, day, None, *_person(m), "", "", "", NO_LETTER]))
    return _numbered([(day, row) for day, row in rows
                      if period.contains(date.fromisoformat(day))])


def _arrival(m: Member, x: Letter, latest: bool) -> str:
    joined = m.branch_join_date
    return joined if latest and joined and joined >= x.letter_date else x.letter_date


def _unlettered(db: Database, m: Member, mine: list[Letter]) -> list[str]:
    """The days ``m`` came when no letter is kept for them: the 转入本支部日期 and the 转入
    in the history (recorded before letters were kept)."""
    if mine:
        return []
    days = {h["date"] for h in members.history(db, m.id) if h["kind"] == transfers.IN}
    if m.branch_join_date:
        days.add(m.branch_join_date)
    return sorted(days)


def out_rows(db: Database, people: dict[int, Member], period: LedgerPeriod) -> list[list]:
    """[序号, 介绍信日期, 姓名, 性别, 人员类别, 转往, 编号, 有效期至, 党费交至, 回执, 备注]."""
    letters = transfers.between(db, transfers.OUT, period.start, period.end)
    return _numbered([(x.letter_date, [
        None, x.letter_date, *_person(people[x.member_id]), x.place, x.letter_number,
        x.valid_until.isoformat(), _month(x.dues_paid_to), receipt_text(x, period.as_of),
        x.note]) for x in letters])


def receipt_text(x: Letter, as_of: date) -> str:
    """已收回（2026-12-01）, 待回执, or 已过有效期，未收到回执 on ``as_of``."""
    if x.receipt_date:
        return f"已收回（{x.receipt_date}）"
    return "待回执" if as_of <= x.valid_until else "已过有效期，未收到回执"


def _person(m: Member) -> list[str]:
    return [m.name, m.gender, m.category]


def _month(text: str) -> str:
    """2026-11 as 2026年11月."""
    return f"{text[:4]}年{int(text[5:7])}月" if len(text) == 7 else text


def _numbered(rows: list[tuple[str, list]]) -> list[list]:
    ordered = [row for _, row in sorted(rows, key=lambda r: r[0])]
    for number, row in enumerate(ordered, start=1):
        row[0] = number
    return ordered
