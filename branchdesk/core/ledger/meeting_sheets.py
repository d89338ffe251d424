"""The 三会一课, 组织生活会 and 主题党日 sheets: one row per meeting, with the fields an
inspection expects of each kind (docs/rules.md, Records)."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from branchdesk.core.ledger.blocks import RecordTable, add_record_sheet
from branchdesk.core.ledger.period import LedgerPeriod
from branchdesk.core.printing import with_branch_name
from branchdesk.core.ledger.styles import DATE, LONG_TEXT, NUMBER, TEXT, Column
from branchdesk.core.meetings import (ABSENT, COMMITTEE, GENERAL, GROUP, LEAVE, LECTURE, LIFE,
                                      THEME_DAY, AttendanceEntry, Meeting, Rectification)

# Sheet name per kind, in ledger order.
MEETING_SHEETS = ((GENERAL, "支部党员大会"), (COMMITTEE, "支委会"), (GROUP, "党小组会"),
                  (LECTURE, "党课"), (LIFE, "组织生活会"))
THEME_DAY_SHEET = "主题党日"
LATE_MARK = "补录"

_COLUMNS = {c.header: c for c in (
    Column("序号", NUMBER, width=2),
    Column("月份", TEXT, max_width=4),
    Column("年度", TEXT, width=3),
    Column("日期", DATE),
    Column("时间", TEXT, width=3.5),
    Column("地点", TEXT, max_width=4),
    Column("党小组", TEXT, max_width=3),
    Column("主持人", TEXT, max_width=3),
    Column("记录人", TEXT, max_width=3),
    Column("主讲人", TEXT, max_width=3),
    Column("题目", LONG_TEXT),
    Column("召开形式", TEXT, max_width=4),
    Column("主题", LONG_TEXT),
    Column("形式", TEXT, max_width=4),
    Column("组织者", TEXT, max_width=4),
    Column("应到", NUMBER, width=2),
    Column("实到", NUMBER, width=2),
    Column("请假人员及原因", LONG_TEXT),
    Column("缺席人员及原因", LONG_TEXT),
    Column("列席", TEXT, max_width=4),
    Column("议题", LONG_TEXT),
    Column("会议内容", LONG_TEXT),
    Column("内容", LONG_TEXT),
    Column("成效", LONG_TEXT),
    Column("决议", LONG_TEXT),
    Column("整改事项", LONG_TEXT),
    Column("补录", TEXT, width=2),
)}
_PEOPLE = ("应到", "实到", "请假人员及原因", "缺席人员及原因")
_HEADERS = {
    GENERAL: ("序号", "日期", "时间", "地点", "主持人", "记录人", *_PEOPLE, "列席", "议题",
              "会议内容", "决议", "补录"),
    COMMITTEE: ("序号", "日期", "时间", "地点", "主持人", "记录人", *_PEOPLE, "列席", "议题",
                "会议内容", "决议", "补录"),
    GROUP: ("序号", "日期", "时间", "地点", "党小组", "主持人", "记录人", *_PEOPLE, "列席",
            "议题", "会议内容", "决议", "补录"),
    LECTURE: ("序号", "日期", "时间", "地点", "主持人", "记录人", "主讲人", "题目", *_PEOPLE,
              "列席", "议题", "会议内容", "决议", "补录"),
    LIFE: ("序号", "年度", "日期", "时间", "地点", "召开形式", "主持人", "记录人", *_PEOPLE, "列席",
           "议题", "会议内容", "决议", "整改事项", "补录"),
    THEME_DAY: ("序号", "月份", "日期", "时间", "主题", "形式", "地点", "组织者", "记录人",
                *_PEOPLE, "内容", "成效", "补录"),
}
# Shares of the spare page width among the long-text columns.
_WEIGHTS = {"会议内容": 6.0, "内容": 5.0, "议题": 2.0, "决议": 2.0, "整改事项": 3.0,
            "题目": 1.5, "主题": 1.5, "成效": 2.0, "请假人员及原因": 1.6,
            "缺席人员及原因": 1.2}


def columns_for(kind: str) -> list[Column]:
    """The ledger columns of a meeting kind (主题党日 included)."""
    return [_COLUMNS[header] for header in _HEADERS[kind]]


def add_meeting_sheet(wb: Workbook, name: str, kind: str, found: Sequence[Meeting],
                      branch_name: str, period: LedgerPeriod, *, mask: bool = False) -> Worksheet:
    """One sheet for one kind: its meetings in ``found`` by date, or "本期无记录".
    ``mask``: ID and phone numbers typed into the text masked (core/masking.py)."""
    chosen = [m for m in found if m.kind == kind]
    what = "主题党日活动" if kind == THEME_DAY else kind
    table = RecordTable(with_branch_name(branch_name, f"{what}记录"),
                        f"{period.label}　共 {len(chosen)} 次",
                        columns_for(kind), [meeting_row(kind, n, m) for n, m in
                                            enumerate(chosen, start=1)], _WEIGHTS)
    return add_record_sheet(wb, name, table, mask=mask)


def meeting_row(kind: str, number: int, meeting: Meeting) -> list[object]:
    values = meeting_values(meeting)
    values["序号"] = number
    return [values[header] for header in _HEADERS[kind]]


def meeting_values(m: Meeting) -> dict[str, object]:
    """Every ledger field of a meeting, by column header."""
    counts = m.counts
    return {
        "月份": month_label(m), "年度": m.period, "日期": m.date, "时间": time_range(m), "地点": m.place,
        "党小组": m.group_name, "主持人": m.host_name, "记录人": m.recorder_name,
        "主讲人": m.lecturer, "题目": m.lecture_title, "召开形式": held_as(m),
        "主题": "；".join(m.topics) or m.lecture_title, "形式": m.activity_form,
        "组织者": m.organiser, "应到": counts.expected, "实到": counts.present,
        "请假人员及原因": people_with_reasons(m.attendance, LEAVE),
        "缺席人员及原因": people_with_reasons(m.attendance, ABSENT), "列席": m.observers,
        "议题": numbered(m.topics), "会议内容": m.content, "内容": m.content,
        "成效": m.outcome, "决议": m.resolution,
        "整改事项": rectification_text(m.rectifications),
        "补录": LATE_MARK if m.late_entry else "",
    }


def time_range(m: Meeting) -> str:
    """14:30–16:00, or just the start time."""
    if m.start_time and m.end_time:
        return f"{m.start_time}–{m.end_time}"
    return m.start_time or m.end_time


def month_label(m: Meeting) -> str:
    """The month a 主题党日 counts for (its 期别), as 2026年3月."""
    period = m.period or m.date[:7]
    year, _, month = period.partition("-")
    return f"{year}年{int(month)}月" if month.isdigit() else period


def held_as(m: Meeting) -> str:
    """How a 组织生活会 was held: 支部党员大会, 支部委员会会议 or 党小组会（第一党小组）."""
    form = m.held_as or GENERAL
    return f"{form}（{m.group_name}）" if form == GROUP and m.group_name else form


def people_with_reasons(attendance: Sequence[AttendanceEntry], status: str) -> str:
    """张三（出差）、李四（病假）: the people with ``status``, each with the reason if given."""
    return "、".join(f"{a.name}（{a.reason}）" if a.reason else a.name
                    for a in attendance if a.status == status)


def numbered(lines: Sequence[str]) -> str:
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))


def rectification_text(items: Sequence[Rectification]) -> str:
    """One numbered line per 整改 item: problem → measure（责任人；时限；完成情况）."""
    return "\n".join(f"{n}. {_rectification(r)}" for n, r in enumerate(items, start=1))


def _rectification(r: Rectification) -> str:
    text = f"{r.problem} → {r.measure}" if r.measure else r.problem
    details = [f"责任人：{r.owner}" if r.owner else "", f"时限：{r.due_date}" if r.due_date else "",
               "已完成" if r.done else "未完成"]
    return f"{text}（{'；'.join(d for d in details if d)}）"
