"""What goes on a printed 签到表 (sign-in sheet) and a printed 会议记录 (minutes page).

Pure layout data, no Qt: the painting is in ``branchdesk.ui.print``. The data follows the paper
forms inspections expect (docs/rules.md, Records).

Decisions about the sign-in sheet's totals line (应到 / 实到 / 请假 / 缺席):

* The sheet is printed *before* the meeting and signed on paper, so it is always a form to fill
  in, even when it is reprinted after attendance has been recorded.
* 应到 is known from the expected list and is always filled.
* 请假 is filled with the number of leave requests already recorded when there is at least one
  (their reasons are also in the 备注 column); with none it stays blank, because someone may
  still ask for leave on the day.
* 实到 and 缺席 are always blank: they are counted from the signatures after the meeting. The
  recorded figures belong on the minutes page, which uses the attendance as entered.
* A 党员大会 (or a 组织生活会 held as one) has a second line for the members with a vote
  (有表决权, docs/rules.md): its quorum and its votes count only them, while 预备党员 attend
  and sign too. 应到 is filled, 实到 left blank as above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from branchdesk.core.db import Database

from branchdesk.core import branch, quorum
from branchdesk.core.branch import COMMITTEE_ROLES
from branchdesk.core.dates import long_cn
from branchdesk.core.files import safe_name
from branchdesk.core.meetings import (
    ABSENT, COMMITTEE, GENERAL, GROUP, LEAVE, LECTURE, LIFE, THEME_DAY, AttendanceEntry,
    Meeting, Rectification, default_attendance)

DEFAULT_OBSERVER_ROWS = 3
SIGNATURES = ("记录人签名", "主持人签名", "书记签名")
GROUP_SIGNATURES = ("记录人签名", "党小组长签名")  # a 党小组会 is the 党小组's own record
_SPLIT_NAMES = re.compile(r"[、，,；;\n]+")


@dataclass(frozen=True)
class SignInRow:
    """One table row. Observer (列席) rows have no 序号; blank ones have no name either."""

    number: str
    name: str
    post: str
    note: str = ""
    sign: str = ""  # what the 签名 column holds printed (empty on a sheet to sign)

    @property
    def blank(self) -> bool:
        """A blank 列席 row, for whoever comes unannounced (the layout may print fewer)."""
        return not self.number and not self.name


@dataclass(frozen=True)
class Tally:
    """One figure of the totals line; ``value`` None means "leave blank, fill by hand"."""

    label: str
    value: int | str | None
    unit: str = "人"


@dataclass(frozen=True)
class SignInSheet:
    title: str
    info: list[tuple[str, str]]  # (label, value): 时间, 地点, 议题 or 主讲人/题目
    post_header: str  # "党小组" or "职务"
    rows: list[SignInRow]  # members first, then 列席 rows
    totals: list[Tally]
    # (label, name) of 主持人 and 记录人; "" where not yet known, to be written in by hand
    people: list[tuple[str, str]] = field(default_factory=list)
    file_name: str = ""  # suggested when saving as PDF: 2026-03-05_支部党员大会_签到表.pdf
    voting: list[Tally] = field(default_factory=list)  # 有表决权 应到/实到, for a 党员大会
    sign_header: str = "签名"  # the 党费 公示表 shows what was paid there instead

    @property
    def member_count(self) -> int:
        return sum(1 for r in self.rows if r.number)


@dataclass(frozen=True)
class FormField:
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    """A headed block of the minutes; ``text`` may hold several lines ("\\n")."""

    heading: str
    text: str


@dataclass(frozen=True)
class MinutesPage:
    title: str
    late_entry_note: str  # "" unless the record is a 补录
    header: list[list[FormField]]  # rows of the bordered form; one or more fields per row
    sections: list[Section]
    signatures: tuple[str, ...] = field(default=SIGNATURES)
    file_name: str = ""  # suggested when saving as PDF: 2026-03-05_支部党员大会_会议记录.pdf


# ---------------------------------------------------------------- shared pieces

def meeting_name(db: Database, meeting: Meeting) -> str:
    """The meeting's printed name: 支部党员大会, 一组党小组会, 主题党日 …"""
    if meeting.kind == GROUP and not meeting.group_name and meeting.group_id is not None:
        name = branch.group_names(db).get(meeting.group_id, "")
        return Meeting(kind=GROUP, group_name=name).title
    return meeting.title


SIGNIN_FORM = "签到表"


def record_form(meeting: Meeting) -> str:
    """What the minutes are called: 活动记录 for a 主题党日 (an activity), else 会议记录."""
    return "活动记录" if meeting.kind == THEME_DAY else "会议记录"


def form_file_name(db: Database, meeting: Meeting, form: str) -> str:
    """2026-03-05_支部党员大会_签到表.pdf: the meeting's date and name, then ``form``
    (SIGNIN_FORM or record_form()); safe on every file system, the same in the U盘 package."""
    return safe_name(f"{meeting.date}_{meeting_name(db, meeting)}_{form}.pdf")


def time_text(meeting: Meeting) -> str:
    """2026年3月15日 14:30—16:00 (times only as far as they are known).

    The range takes 一字线 "—" (GB/T 15834 for time ranges); "–" would also extract from the PDF
    as "‒", as the bundled font draws both with one glyph.
    """
    times = "—".join(t for t in (meeting.start_time, meeting.end_time) if t)
    return f"{long_cn(meeting.date)} {times}".strip()


def topics_text(meeting: Meeting) -> str:
    """Topics on one line: a single topic as is, several numbered 1. …；2. …"""
    if len(meeting.topics) == 1:
        return meeting.topics[0]
    return "；".join(f"{i}. {t}" for i, t in enumerate(meeting.topics, 1))


def attendance_of(db: Database, meeting: Meeting) -> list[AttendanceEntry]:
    """The recorded attendance, or everyone expected when none is recorded yet."""
    if meeting.attendance:
        return meeting.attendance
    return default_attendance(db, meeting.kind, meeting.the_date, meeting.group_id,
                              meeting.held_as)


def _acts_as(meeting: Meeting) -> str:
    """The kind that decides who attends: a 组织生活会 is held as another meeting kind."""
    return (meeting.held_as or meeting.kind) if meeting.kind == LIFE else meeting.kind


# ---------------------------------------------------------------- sign-in sheet

def signin_sheet(db: Database, meeting: Meeting,
                 observer_rows: int = DEFAULT_OBSERVER_ROWS) -> SignInSheet:
    """The sign-in sheet for ``meeting``: title, info lines, one row per expected member,
    the known 列席 people plus ``observer_rows`` blank rows, and the totals line."""
    attendance = attendance_of(db, meeting)
    by_post = _acts_as(meeting) in (COMMITTEE, GROUP)
    roles = _roles_on(db, meeting) if by_post else {}
    if _acts_as(meeting) == COMMITTEE:  # 书记, 副书记, 组织委员, 宣传委员, 纪检委员 …
        attendance = sorted(attendance, key=lambda a: _role_rank(roles.get(a.member_id, "")))
    rows = [_member_row(i, a, roles, by_post) for i, a in enumerate(attendance, 1)]
    rows += _observer_rows(meeting.observers, observer_rows)
    return SignInSheet(_titled(db, meeting_name(db, meeting) + SIGNIN_FORM),
                       _signin_info(meeting), "职务" if by_post else "党小组", rows,
                       _signin_totals(attendance),
                       [("主持人", meeting.host_name), ("记录人", meeting.recorder_name)],
                       form_file_name(db, meeting, SIGNIN_FORM),
                       _signin_voting(db, meeting, attendance))


def _role_rank(role: str) -> int:
    return COMMITTEE_ROLES.index(role) if role in COMMITTEE_ROLES else len(COMMITTEE_ROLES)


def _titled(db: Database, name: str) -> str:
    return with_branch_name(branch.title_name(db), name)


def with_branch_name(branch_name: str, name: str) -> str:
    """The branch name before ``name``, without saying 支部 twice: 星河厂第一党支部 +
    支部党员大会签到表 gives 星河厂第一党支部党员大会签到表."""
    branch_name = branch_name.strip()
    if branch_name.endswith("支部") and name.startswith("支部"):
        name = name[2:]
    return branch_name + name


def _roles_on(db: Database, meeting: Meeting) -> dict[int, str]:
    """Committee roles held on the meeting date (a later 换届 does not rewrite old sheets)."""
    return {s.member_id: s.role for s in branch.committee(db, meeting.the_date)}


def _member_row(number: int, entry: AttendanceEntry, roles: dict[int, str],
                by_post: bool) -> SignInRow:
    post = roles.get(entry.member_id, entry.role) if by_post else entry.group_name
    note = f"请假：{entry.reason}" if entry.status == LEAVE and entry.reason else (
        "请假" if entry.status == LEAVE else "")
    return SignInRow(str(number), entry.name, post, note)


def _observer_rows(observers: str, blank: int) -> list[SignInRow]:
    """Known 列席 people by name, then ``blank`` empty rows for those who come unannounced."""
    names = [n.strip() for n in _SPLIT_NAMES.split(observers or "") if n.strip()]
    return [SignInRow("", n, "列席") for n in names] + [SignInRow("", "", "列席")] * blank


def _signin_info(meeting: Meeting) -> list[tuple[str, str]]:
    info = [("时间", time_text(meeting)), ("地点", meeting.place)]
    if meeting.kind == LECTURE:
        return info + [("主讲人", meeting.lecturer), ("题目", meeting.lecture_title)]
    label = "主题" if meeting.kind == THEME_DAY else "议题"
    return info + [(label, topics_text(meeting) or meeting.lecture_title)]


def _signin_voting(db: Database, meeting: Meeting,
                   attendance: list[AttendanceEntry]) -> list[Tally]:
    if _acts_as(meeting) != GENERAL:
        return []
    counts = quorum.voting_counts(attendance, quorum.voters_on(db, meeting.the_date))
    noun = "有选举权" if meeting.election else "有表决权"
    return [Tally(f"其中{noun}应到", counts.expected), Tally(f"{noun}实到", None)]


def _signin_totals(attendance: list[AttendanceEntry]) -> list[Tally]:
    leave = sum(1 for a in attendance if a.status == LEAVE)
    return [Tally("应到", len(attendance)), Tally("实到", None),
            Tally("请假", leave or None), Tally("缺席", None)]


# ---------------------------------------------------------------- minutes page

def minutes_title(db: Database, meeting: Meeting) -> str:
    """支部党员大会记录, 一组党小组会记录, 党课记录, 主题党日活动记录 …, after the branch name."""
    name = meeting_name(db, meeting) + ("活动" if meeting.kind == THEME_DAY else "")
    return _titled(db, name + "记录")


def minutes_page(db: Database, meeting: Meeting) -> MinutesPage:
    """The minutes of ``meeting`` laid out like a page of the paper record book."""
    return MinutesPage(minutes_title(db, meeting), _late_note(meeting),
                       _minutes_header(db, meeting), _minutes_sections(meeting),
                       _signatures(db, meeting), form_file_name(db, meeting, record_form(meeting)))


def _signatures(db: Database, meeting: Meeting) -> tuple[str, ...]:
    """Who signs the record: the recorder and the host, and the 书记 unless he or she hosted."""
    if _acts_as(meeting) == GROUP:
        return GROUP_SIGNATURES
    secretary = next((s.member_id for s in branch.committee(db, meeting.the_date)
                      if s.role == "书记"), None)
    if secretary is not None and meeting.host_id == secretary:
        return SIGNATURES[:2]
    return SIGNATURES


def _late_note(meeting: Meeting) -> str:
    if not meeting.late_entry:
        return ""
    entered = long_cn(meeting.created_at[:10]) if meeting.created_at else ""
    return f"补录（录入日期：{entered}）" if entered else "补录"


def _minutes_header(db: Database, meeting: Meeting) -> list[list[FormField]]:
    label = "活动名称" if meeting.kind == THEME_DAY else "会议类型"
    rows = [[FormField(label, meeting_name(db, meeting))]]
    rows += _kind_rows(meeting)
    rows += [[FormField("时间", time_text(meeting)), FormField("地点", meeting.place)],
             [FormField("主持人", meeting.host_name), FormField("记录人", meeting.recorder_name)]]
    rows += _attendance_rows(db, meeting)
    rows.append([FormField("列席人员", meeting.observers or "无")])
    return rows


def _kind_rows(meeting: Meeting) -> list[list[FormField]]:
    """The extra lines a kind needs: 主讲人/题目, 形式/组织者, 召开形式."""
    if meeting.kind == LECTURE:
        return [[FormField("主讲人", meeting.lecturer), FormField("题目", meeting.lecture_title)]]
    if meeting.kind == THEME_DAY:
        return [[FormField("活动形式", meeting.activity_form),
                 FormField("组织者", meeting.organiser)]]
    if meeting.kind == LIFE:
        return [[FormField("召开形式", meeting.held_as), FormField("年度", meeting.period)]]
    return []


def _attendance_rows(db: Database, meeting: Meeting) -> list[list[FormField]]:
    """Counts and the people absent or on leave; only 应到 is known before it is recorded."""
    recorded = bool(meeting.attendance)
    entries = attendance_of(db, meeting)
    c = meeting.counts
    figures = [("应到", len(entries)), ("实到", c.present), ("请假", c.leave), ("缺席", c.absent)]
    counts = [FormField(f"{label}人数", f"{n} 人" if recorded or label == "应到" else "")
              for label, n in figures]
    return [counts, *_voting_rows(db, meeting, entries, recorded),
            [FormField("请假人员及原因", _people(entries, LEAVE) if recorded else "")],
            [FormField("缺席人员及原因", _people(entries, ABSENT) if recorded else "")]]


def _voting_rows(db: Database, meeting: Meeting, entries: list[AttendanceEntry],
                 recorded: bool) -> list[list[FormField]]:
    """A 党员大会's 有表决权 figures (预备党员 have no vote); at a 换届选举, who the
    四分之五 quorum leaves out and why."""
    if _acts_as(meeting) != GENERAL:
        return []
    c = quorum.voting_counts(entries, quorum.voters_on(db, meeting.the_date))
    noun = "有选举权" if meeting.election else "有表决权"
    rows = [[FormField(f"{noun}应到", f"{c.expected} 人"),
             FormField(f"{noun}实到", f"{c.present} 人" if recorded else "")]]
    if meeting.election and recorded:
        excused = [a for a in entries if a.excused]
        rows.append([FormField("经批准不计入应到会人数",
                               "、".join(_with_reason(a) for a in excused) or "无")])
    return rows


def _with_reason(a: AttendanceEntry) -> str:
    """张三（出差）; 张三：公假（带学生竞赛） when the reason has brackets of its own."""
    if not a.reason:
        return a.name
    return f"{a.name}：{a.reason}" if "（" in a.reason or "(" in a.reason else f"{a.name}（{a.reason}）"


def _people(entries: list[AttendanceEntry], status: str) -> str:
    """张三（出差）、李四 — or 无."""
    names = [_with_reason(a) for a in entries if a.status == status]
    return "、".join(names) or "无"


def _minutes_sections(meeting: Meeting) -> list[Section]:
    if len(meeting.topics) == 1:
        topics = meeting.topics[0]  # one topic is not a list
    else:
        topics = "\n".join(f"{i}. {t}" for i, t in enumerate(meeting.topics, 1))
    if meeting.kind == THEME_DAY:  # an activity: no 决议, its 成效 instead
        return [Section("主题", topics), Section("活动内容", meeting.content.strip()),
                Section("活动成效", meeting.outcome.strip())]
    sections = [Section("议题", topics), Section("会议内容", meeting.content.strip()),
                Section("决议及表决情况", meeting.resolution.strip())]
    if meeting.kind == LIFE:
        sections.append(Section("整改事项", _rectification_text(meeting)))
    return sections


def _rectification_text(meeting: Meeting) -> str:
    return "\n".join(_rectification_line(i, r) for i, r in enumerate(meeting.rectifications, 1))


def _rectification_line(number: int, r: Rectification) -> str:
    """1. 问题：…；措施：…；责任人：…；完成时限：2026年6月30日（已完成）"""
    parts = [f"问题：{r.problem}", r.measure and f"措施：{r.measure}",
             r.owner and f"责任人：{r.owner}", r.due_date and f"完成时限：{long_cn(r.due_date)}"]
    text = f"{number}. " + "；".join(p for p in parts if p)
    return text + ("（已完成）" if r.done else "")


# ---------------------------------------------------------------- 党费 forms

DUES_SIGNIN_FORM = "党费收缴签收表"
DUES_NOTICE_FORM = "党费收缴情况公示表"


def dues_signin_sheet(db: Database, month: str, as_of: date | None = None) -> SignInSheet:
    """The monthly 党费收缴签收表: one row per member who owes ``month`` (YYYY-MM), with the
    month's 应交 and, in 备注, what is still owed for earlier months; signed on paper."""
    from branchdesk.core import dues

    year = int(month[:4])
    as_of = as_of or max(date.today(), dues.last_day(month))
    rows, total = [], 0
    for d in dues.year_table(db, year, as_of):
        state = d.months[int(month[5:7]) - 1]
        if state.due is None and state.state == dues.NOT_DUE:
            continue  # not on the roll that month
        earlier = [m for m in d.months[:int(month[5:7]) - 1] if m.state in (dues.UNPAID, dues.PART)]
        note = ""
        if earlier:
            owed = sum((m.due or 0) - m.paid for m in earlier)
            note = f"另欠{len(earlier)}个月 {dues.yuan(owed)} 元" if owed else "前月基数未登记"
        if state.state == dues.EXEMPTED:
            note = "免交（已批准）"
        due = dues.yuan(state.due) if state.due is not None else "未定"
        rows.append(SignInRow(str(len(rows) + 1), d.member.name, due, note))
        total += state.due or 0
    title = _titled(db, f"{int(month[:4])}年{int(month[5:7])}月{DUES_SIGNIN_FORM}")
    return SignInSheet(title, [("月份", dues.month_label(month)), ("收款人", "")], "应交（元）",
                       rows, [Tally("应交", len(rows)), Tally("应交合计", dues.yuan(total), "元"),
                              Tally("实收合计", None, "元")],
                       file_name=f"{month}_{DUES_SIGNIN_FORM}.pdf")


def dues_notice(db: Database, year: int, as_of: date | None = None) -> SignInSheet:
    """The yearly 党费收缴情况公示表 for posting: per member only the months paid, the
    交至年月 and what is unpaid (no base and no amount: an amount gives the income away),
    with the branch's totals."""
    from branchdesk.core import dues

    as_of = as_of or min(date.today(), date(year, 12, 31))
    table = dues.year_table(db, year, as_of)
    rows = []
    for number, d in enumerate(table, 1):
        owed = [m for m in d.months if m.state != dues.NOT_DUE]
        paid = sum(1 for m in owed if m.state in (dues.PAID, dues.EXEMPTED))
        unpaid = [m.month for m in owed if m.state in (dues.UNPAID, dues.PART)]
        note = f"未交足：{_months_text(unpaid)}" if unpaid else ""
        rows.append(SignInRow(str(number), d.member.name,
                              dues.month_label(d.paid_to) if d.paid_to else "—", note,
                              sign=f"{paid}/{len(owed)}"))
    due = sum(d.due_total for d in table)
    paid_total = sum(d.paid_total for d in table)
    return SignInSheet(_titled(db, f"{year}年{DUES_NOTICE_FORM}"),
                       [("截至", long_cn(as_of)), ("公示期", "")], "交至年月", rows,
                       [Tally("党员", len(table)), Tally("应交合计", dues.yuan(due), "元"),
                        Tally("已交合计", dues.yuan(paid_total), "元")],
                       file_name=f"{year}年{DUES_NOTICE_FORM}.pdf", sign_header="已交月数")


def _months_text(months: list[str]) -> str:
    """3月、5月至7月 for 2026-03, 2026-05 … 2026-07."""
    from branchdesk.core import dues

    runs: list[list[str]] = []
    for m in months:
        if runs and dues.next_month(runs[-1][-1]) == m:
            runs[-1].append(m)
        else:
            runs.append([m])
    return "、".join(f"{int(r[0][5:7])}月" + (f"至{int(r[-1][5:7])}月" if len(r) > 1 else "")
                    for r in runs)
