"""The 谈心谈话 and 民主评议 sheets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from branchdesk.core.db import Database

from branchdesk.core import appraisals, branch, members
from branchdesk.core.ledger.blocks import RecordTable, add_record_sheet
from branchdesk.core.ledger.period import LedgerPeriod
from branchdesk.core.ledger.styles import DATE, LONG_TEXT, NUMBER, TEXT, Column
from branchdesk.core.members import Member, RollEntry
from branchdesk.core.talks import Talk

TALKS_SHEET = "谈心谈话"
APPRAISAL_SHEET = "民主评议"
LATE_MARK = "补录"
NOT_RATED = "未评定"

TALK_COLUMNS = (
    Column("序号", NUMBER, width=2), Column("日期", DATE), Column("地点", TEXT, max_width=4),
    Column("谈话人", TEXT, max_width=4), Column("谈话对象", LONG_TEXT),
    Column("形式", TEXT, max_width=4), Column("缘由", TEXT, max_width=4),
    Column("主题", LONG_TEXT), Column("内容要点", LONG_TEXT),
    Column("对象意见/反映问题", LONG_TEXT), Column("后续措施", LONG_TEXT),
    Column("是否落实", TEXT, width=2), Column("补录", TEXT, width=2),
)
_TALK_WEIGHTS = {"谈话对象": 1.0, "主题": 1.5, "内容要点": 4.0, "对象意见/反映问题": 2.5,
                 "后续措施": 2.5}


def add_talks_sheet(wb: Workbook, found: Sequence[Talk], branch_name: str,
                    period: LedgerPeriod, *, mask: bool = False) -> Worksheet:
    """One row per talk in ``found``, oldest first, or "本期无记录". ``mask``: ID and phone
    numbers typed into the text masked (core/masking.py)."""
    rows = [talk_row(n, t) for n, t in enumerate(found, start=1)]
    table = RecordTable(f"{branch_name}谈心谈话记录", f"{period.label}　共 {len(rows)} 次",
                        TALK_COLUMNS, rows, _TALK_WEIGHTS)
    return add_record_sheet(wb, TALKS_SHEET, table, mask=mask)


def talk_row(number: int, t: Talk) -> list[object]:
    return [number, t.date, t.place, t.talker_name, "、".join(t.target_names), t.form,
            t.occasion, t.topic, t.content, t.feedback, t.follow_up, followed_up_text(t),
            LATE_MARK if t.late_entry else ""]


def followed_up_text(t: Talk) -> str:
    """是 / 否 for a talk with a follow-up measure; empty when there was nothing to follow up."""
    if t.followed_up:
        return "是"
    return "否" if t.follow_up.strip() else ""


# ---------------------------------------------------------------- 民主评议

APPRAISAL_COLUMNS = (
    Column("序号", NUMBER, width=2), Column("姓名", TEXT, max_width=4),
    Column("人员类别", TEXT, max_width=4), Column("党小组", TEXT, max_width=5),
    Column("评议等次", TEXT, max_width=5), Column("备注", LONG_TEXT),
)
_YEAR_COLUMN = Column("年度", TEXT, width=3)


def add_appraisal_sheet(wb: Workbook, db: Database, branch_name: str,
                        period: LedgerPeriod, *, mask: bool = False) -> Worksheet:
    """The grades of each year of the period, with a summary line per year.

    Members on the roll at the year's end without a grade are listed too: 预备党员 as
    不参加评议 (docs/rules.md, 民主评议), 正式党员 as 未评定. A year with no grades at all has
    no rows. ``mask``: ID and phone numbers in 备注 masked.
    """
    several = len(period.years) > 1
    rows, notes = [], []
    for year in period.years:
        year_rows = appraisal_rows(db, year, min(period.as_of, date(year, 12, 31)))
        rows += [[r[0], f"{year}年", *r[1:]] if several else r for r in year_rows]
        notes += [appraisal_summary(year, [r[4] for r in year_rows])] if year_rows else []
    for number, row in enumerate(rows, start=1):
        row[0] = number
    columns = (APPRAISAL_COLUMNS[0], _YEAR_COLUMN, *APPRAISAL_COLUMNS[1:]) if several \
        else APPRAISAL_COLUMNS
    table = RecordTable(f"{branch_name}民主评议党员结果", period.label, columns, rows,
                        notes=notes)
    return add_record_sheet(wb, APPRAISAL_SHEET, table, mask=mask)


def appraisal_rows(db: Database, year: int, as_of: date) -> list[list[object]]:
    """[序号, 姓名, 人员类别, 党小组, 评议等次, 备注] for one year (序号 filled in later)."""
    grades = appraisals.grades(db, year)
    if not grades:
        return []
    roll = {e.member.id: e for e in members.roll_as_of(db, as_of) if not e.suspended}
    people = {m.id: m for m in members.list_members(db, include_left=True)}
    ids = sorted(set(grades) | set(roll), key=_group_order(db, roll, people))
    names = branch.group_names(db)
    return [_appraisal_row(people[mid], roll.get(mid), grades.get(mid), names) for mid in ids]


def _group_order(db: Database, roll: dict[int, RollEntry], people: dict[int, Member]):
    order = {g.id: i for i, g in enumerate(branch.groups(db))}

    def key(member_id: int) -> tuple[int, int]:
        group = roll[member_id].group_id if member_id in roll else people[member_id].group_id
        return order.get(group, len(order)), member_id
    return key


def _appraisal_row(m: Member, entry: RollEntry | None, grade: tuple[str, str] | None,
                   group_names: dict[int, str]) -> list[object]:
    category = entry.category if entry else m.category
    group = group_names.get(entry.group_id if entry else m.group_id, "")
    if grade is None:
        probationer = category == "预备党员"
        grade = (appraisals.NOT_GRADED if probationer else NOT_RATED,
                 "预备党员" if probationer else "")
    return [None, m.name, category, group, grade[0], grade[1]]


def appraisal_summary(year: int, grades: Sequence[str]) -> str:
    """2026年度评议结果：优秀 3 人、合格 27 人、基本合格 0 人、不合格 0 人；不参加评议 3 人."""
    counts = Counter(grades)
    text = "、".join(f"{g} {counts[g]} 人" for g in appraisals.GRADES)
    extra = [f"{g} {counts[g]} 人" for g in (appraisals.NOT_GRADED, NOT_RATED) if counts[g]]
    return f"{year}年度评议结果：{text}" + ("；" + "；".join(extra) if extra else "")
