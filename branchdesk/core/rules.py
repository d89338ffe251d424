"""Compliance checks (工作台): pure functions over the records and the branch settings.

Every threshold comes from settings (DOMAIN.md §1–§3 defaults). A period still running is
"due by <date>", never "missing".

Two layers: ``grid_rows``, ``check_members``, ``check_branch`` and ``monthly_rates`` are pure
functions over plain data (lists of records, the settings as a dict), testable without a
database; ``year_grid``, ``member_findings``, ``branch_findings`` and ``report`` read that data
through the record modules' own queries (meetings, members, branch, appraisals, talks) and
call them. No SQL here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from branchdesk.core.db import Database

from branchdesk.core import appraisals, branch, meetings, members, settings, talks
from branchdesk.core.branch import Group
from branchdesk.core.dates import add_months, add_years
from branchdesk.core.meetings import (COMMITTEE, GENERAL, GROUP, LECTURE, LIFE, THEME_DAY,
                                      AttendanceTotals, HeldMeeting, MeetingSummary, MonthTotals,
                                      OpenRectification)
from branchdesk.core.members import Member, RollEntry, roll_as_of

DONE, DUE, MISSING, FUTURE = "done", "due", "missing", "future"
UNTRACKED = "untracked"  # ended before the 开始检查的日期 (settings.records_start), no record
WARNING = "warning"
STATUS_TEXT = {DONE: "已完成", DUE: "待完成", MISSING: "缺项", FUTURE: "未到期",
               UNTRACKED: "开始检查之前，不计缺项", WARNING: "提醒"}

# The kinds of record a finding or a grid row points at; the window decides where each is shown.
MEMBER, MEETING, TALK, APPRAISAL, BRANCH = "member", "meeting", "talk", "appraisal", "branch"


def points_at(record: str, record_id: int | None = None, **context) -> dict:
    """A finding's ``target``: the record it is about (its kind and id; id None for the records
    of a kind, or for the branch itself), with what narrows them down (kind, 党小组, year)."""
    return {"record": record, "id": record_id, **context}


@dataclass
class Period:
    label: str
    start: date
    end: date  # inclusive

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass
class Cell:
    period: Period
    status: str
    count: int
    meeting_ids: list[int] = field(default_factory=list)
    late: int = 0  # how many of the meetings were 补录 (entered long after)

    @property
    def text(self) -> str:
        if self.status == DONE:
            done = f"✓ {self.count}次" if self.count > 1 else "✓"
            return done + "·补" if self.late else done  # some or all entered as 补录
        if self.status == DUE:
            return f"{self.period.end.month}月{self.period.end.day}日前"
        if self.status == UNTRACKED:
            return "—"
        return "缺" if self.status == MISSING else ""


@dataclass
class GridRow:
    activity: str  # what is shown, e.g. 支委会, 第一党小组 党小组会
    kind: str  # meeting kind, or 'talks' / 'appraisal'
    group_id: int | None
    cells: list[Cell]

    @property
    def target(self) -> dict:
        """The records this row counts: meetings of its kind (and 党小组), talks, or 民主评议."""
        record = {"talks": TALK, "appraisal": APPRAISAL}.get(self.kind, MEETING)
        return points_at(record, kind=self.kind, group_id=self.group_id)


@dataclass
class Finding:
    severity: str  # MISSING, DUE or WARNING
    area: str  # 'activity', 'member' or 'branch'
    rule: str
    message: str
    period: str = ""
    due: str | None = None
    target: dict = field(default_factory=dict)  # what to fix: points_at(record, id, ...)

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- periods

def periods(year: int, months: int) -> list[Period]:
    """Consecutive periods of ``months`` months from January (the last may be shorter)."""
    out, start = [], date(year, 1, 1)
    while start.year == year:
        end = min(add_months(start, months) - timedelta(days=1), date(year, 12, 31))
        out.append(Period(_label(start, end, months), start, end))
        start = end + timedelta(days=1)
    return out


def _label(start: date, end: date, months: int) -> str:
    if months == 1:
        return f"{start.month}月"
    if months == 3 and start.month in (1, 4, 7, 10):
        return f"第{'一二三四'[start.month // 3]}季度"
    if months == 12:
        return f"{start.year}年"
    return f"{start.month}–{end.month}月"


def cell_status(period: Period, count: int, as_of: date, since: date | None = None) -> str:
    """``since``: the 开始检查的日期; a period that ended before it is not missing."""
    if count:
        return DONE
    if since is not None and period.end < since:
        return UNTRACKED
    if as_of < period.start:
        return FUTURE
    return DUE if as_of <= period.end else MISSING


# ---------------------------------------------------------------- the year grid

_ACTIVITIES = [  # (label, kind, frequency setting)
    ("支委会", COMMITTEE, "freq_committee_months"),
    ("党小组会", GROUP, "freq_group_months"),
    ("主题党日", THEME_DAY, "freq_theme_day_months"),
    ("支部党员大会", GENERAL, "freq_general_meeting_months"),
    ("党课", LECTURE, "freq_lecture_months"),
]


def year_grid(db: Database, year: int, as_of: date, *, roll: list[RollEntry] | None = None,
              conf: dict | None = None) -> list[GridRow]:
    """Rows of activities × periods, with done / due / missing / future cells.
    ``roll``: roll_as_of(db, as_of) and ``conf``: settings.get_all(db), when the caller has them."""
    return grid_rows(year, as_of, conf or settings.get_all(db), groups=branch.groups(db),
                     has_committee=_has_committee(db, as_of, year),
                     held=meetings.held_around(db, year),
                     appraised=bool(appraisals.grades(db, year)),
                     talks_covered=_talks_done(db, year, as_of, roll))


def grid_rows(year: int, as_of: date, conf: dict, *, groups: list[Group], has_committee: bool,
              held: list[HeldMeeting], appraised: bool, talks_covered: bool) -> list[GridRow]:
    """The grid from plain data: ``held`` as meetings.held_around gives it; the 支委会 row only
    with ``has_committee``; one 党小组会 row per group."""
    # Sorted out once by kind (and 党小组): a big branch has a thousand meetings a year and
    # dozens of rows, each of which would otherwise scan them all.
    counted: dict = {}
    for item in counted_days(held, year, as_of):
        counted.setdefault(item[1], []).append(item)
        if item[1] == GROUP:
            counted.setdefault((GROUP, item[2]), []).append(item)
    since = records_start(conf)
    rows = []
    for label, kind, key in _ACTIVITIES:
        spans = periods(year, conf[key])
        if kind == GROUP:
            rows += [_row(group.name, kind, group.id, spans, counted.get((GROUP, group.id), []),
                          as_of, since) for group in groups]
        elif kind != COMMITTEE or has_committee:
            rows.append(_row(label, kind, None, spans, counted.get(kind, []), as_of, since))
    rows.append(_row("组织生活会", LIFE, None, periods(year, 12), counted.get(LIFE, []), as_of,
                     since))
    rows.append(_yearly_row(year, as_of, since, "民主评议", "appraisal", appraised))
    rows.append(_yearly_row(year, as_of, since, "谈心谈话全覆盖", "talks", talks_covered))
    return rows


def _has_committee(db: Database, as_of: date, year: int) -> bool:
    day = min(as_of, date(year, 12, 31))
    return bool(branch.committee(db, day)) or bool(branch.committee(db))


def counted_days(held: list[HeldMeeting], year: int, as_of: date
                 ) -> list[tuple[int, str, int | None, date, bool]]:
    """(id, kind, group id, day, 补录) of each meeting held by ``as_of`` that counts for
    ``year``, on the day it counts: a 主题党日 counts for its 计入月份. A meeting dated later
    is only planned (its 签到表 printed ahead) and counts once its day has come."""
    out = []
    for m in held:
        day = date.fromisoformat(f"{m.period}-01") if m.kind == THEME_DAY and m.period else m.date
        if day.year == year and m.date <= as_of:
            out.append((m.id, m.kind, m.group_id, day, m.late_entry))
    return out


def records_start(conf: dict) -> date | None:
    """The 开始检查的日期 from the settings, or None (check every period)."""
    try:
        return date.fromisoformat(conf["records_start"]) if conf["records_start"] else None
    except ValueError:
        return None


def _row(label, kind, group_id, spans, dates, as_of, since) -> GridRow:
    """``dates``: counted_days entries of this row's kind (and 党小组)."""
    mine = [(mid, d, late) for mid, k, gid, d, late in dates
            if k == kind and (group_id is None or gid == group_id)]
    cells = []
    for span in spans:
        held = [(mid, late) for mid, d, late in mine if span.contains(d)]
        ids = [mid for mid, _ in held]
        cells.append(Cell(span, cell_status(span, len(ids), as_of, since), len(ids), ids,
                          sum(late for _, late in held)))
    return GridRow(label, kind, group_id, cells)


def _yearly_row(year, as_of, since, label, kind, done: bool) -> GridRow:
    span = periods(year, 12)[0]
    status = cell_status(span, int(done), as_of, since)
    return GridRow(label, kind, None, [Cell(span, status, int(done))])


def _talks_done(db: Database, year: int, as_of: date, roll: list[RollEntry] | None) -> bool:
    if as_of.year == year:
        cv = talks.coverage(db, year, as_of, roll=roll)
    else:
        cv = talks.coverage(db, year)
    return not cv.members_without_committee_talk() and not cv.committee_pairs_missing()


def activity_findings(rows: list[GridRow]) -> list[Finding]:
    """One finding per missing or due cell."""
    out = []
    for row in rows:
        for cell in row.cells:
            if cell.status in (MISSING, DUE):
                out.append(_activity_finding(row, cell))
    return out


def _activity_finding(row: GridRow, cell: Cell) -> Finding:
    name = row.activity if row.kind != GROUP else f"{row.activity}党小组会"
    if row.kind == GROUP and row.activity.endswith("党小组"):
        name = f"{row.activity}会"
    verb = {"appraisal": "开展", "talks": "完成"}.get(row.kind, "召开")
    if cell.status == MISSING:
        message = f"{cell.period.label}未{verb}{name}"
    else:
        message = f"{cell.period.label}尚未{verb}{name}，应于{cell.period.end:%Y-%m-%d}前完成"
    return Finding(cell.status, "activity", row.kind, message, cell.period.label,
                   cell.period.end.isoformat(), row.target)


# ---------------------------------------------------------------- member findings

def member_findings(db: Database, year: int, as_of: date, *,
                    book: members.RollBook | None = None, conf: dict | None = None
                    ) -> list[Finding]:
    """``book``: the members and their history, and ``conf``: settings.get_all(db), when the
    caller has read them already."""
    conf = conf or settings.get_all(db)
    book = book or members.RollBook(db)
    roll = book.on(as_of)
    since = add_months(as_of, -conf["inactive_months"])
    probationary = [e.member for e in roll if e.member.category == "预备党员"]
    return check_members(
        roll, as_of, conf, roll_since=book.on(since),
        probation_ends=members.probation_ends(db, probationary),
        latest=meetings.latest_statuses(db, [e.member.id for e in roll], as_of, since,
                                        conf["absent_streak"]),
        totals=meetings.attendance_totals(db, since, as_of))


def check_members(roll: list[RollEntry], as_of: date, conf: dict, *,
                  roll_since: list[RollEntry], probation_ends: dict[int, date | None],
                  latest: dict[int, list[str]], totals: dict[int, AttendanceTotals]
                  ) -> list[Finding]:
    """Findings about members, from plain data: ``roll`` on ``as_of`` and ``roll_since`` on the
    start of the inactivity window; each member's latest statuses (newest first) and attendance
    totals in the window, as meetings.latest_statuses / attendance_totals give them."""
    probationary = [e.member for e in roll if e.member.category == "预备党员"]
    out = _probation(probationary, probation_ends, as_of, conf["probation_warn_days"])
    out += _absent_streaks(roll, latest, conf["absent_streak"])
    out += _inactive(roll, totals, roll_since, conf["inactive_months"])
    return out


def _probation(probationary: list[Member], all_ends: dict[int, date | None], as_of: date,
               warn_days: int) -> list[Finding]:
    out = []
    for m in probationary:
        ends = all_ends.get(m.id)
        if ends is None:
            continue
        target = points_at(MEMBER, m.id)
        if ends < as_of:
            out.append(Finding(MISSING, "member", "probation_overdue",
                               f"{m.name}的预备期已于{ends:%Y-%m-%d}届满（已过 {(as_of - ends).days} 天），"
                               "尚未作出转正决定，请召开支部党员大会讨论", due=ends.isoformat(),
                               target=target))
        elif (ends - as_of).days <= warn_days:
            out.append(Finding(DUE, "member", "probation_ending",
                               f"{m.name}的预备期将于{ends:%Y-%m-%d}届满，需在此前后召开支部党员大会讨论转正",
                               due=ends.isoformat(), target=target))
    return out


def _absent_streaks(roll, latest: dict[int, list[str]], streak: int) -> list[Finding]:
    out = []
    for entry in roll:
        recent = latest.get(entry.member.id, [])[:streak]
        if len(recent) == streak and all(s == meetings.ABSENT for s in recent):
            out.append(Finding(WARNING, "member", "absent_streak",
                               f"{entry.member.name}最近连续 {streak} 次应参加的会议均缺席（未请假）",
                               target=points_at(MEMBER, entry.member.id)))
    return out


def _inactive(roll, counts: dict[int, AttendanceTotals], roll_since: list[RollEntry],
              months: int) -> list[Finding]:
    on_roll_since = {e.member.id for e in roll_since}
    out = []
    for entry in roll:
        if entry.member.id not in on_roll_since:
            continue  # joined within the window: too early to judge
        expected, present, leave = counts.get(entry.member.id, (0, 0, 0))
        if expected and not present:
            out.append(Finding(WARNING, "member", "inactive",
                               f"{entry.member.name}近 {months} 个月应参加 {expected} 次组织生活，"
                               f"一次也未出席（其中请假 {leave} 次）。无正当理由连续6个月不参加组织生活的，"
                               "按党章第九条视为自行脱党，请及时谈话了解情况",
                               target=points_at(MEMBER, entry.member.id)))
    return out


# ---------------------------------------------------------------- branch findings

def branch_findings(db: Database, year: int, as_of: date, *,
                    roll: list[RollEntry] | None = None, conf: dict | None = None
                    ) -> list[Finding]:
    """``roll``: roll_as_of(db, as_of) and ``conf``: settings.get_all(db), when the caller has
    them."""
    return check_branch(
        year, as_of, conf or settings.get_all(db),
        roll_as_of(db, as_of) if roll is None else roll,
        has_committee=bool(branch.committee(db, as_of)), grades=appraisals.grades(db, year),
        decisive=meetings.list_meetings(db, year=year, kinds=(GENERAL, COMMITTEE)),
        open_items=meetings.open_rectifications(db, as_of))


def check_branch(year: int, as_of: date, conf: dict, roll: list[RollEntry], *,
                 has_committee: bool, grades: appraisals.Grades,
                 decisive: list[MeetingSummary], open_items: list[OpenRectification]
                 ) -> list[Finding]:
    """Findings about the branch, from plain data: ``has_committee`` on ``as_of``, the year's
    民主评议 grades, its 党员大会 and 支委会 with their counts (``decisive``), and the open
    整改事项 as meetings.open_rectifications gives them."""
    roll = [e for e in roll if not e.suspended]
    full = sum(1 for e in roll if e.category == "正式党员")
    out = []
    if full >= conf["committee_required_at"] and not has_committee:
        out.append(Finding(MISSING, "branch", "committee_required",
                           f"支部有正式党员 {full} 人，达到 {conf['committee_required_at']} 人应设立支部委员会，"
                           "目前未登记支委", target=points_at(BRANCH)))
    if len(roll) > conf["branch_size_warn"]:
        out.append(Finding(WARNING, "branch", "branch_size",
                           f"支部党员 {len(roll)} 人，超过一般不超过 {conf['branch_size_warn']} 人的规定，"
                           "可考虑分设支部或成立党总支", target=points_at(MEMBER)))
    out += _term(conf, as_of)
    out += _appraisal_ratio(grades, year, conf["excellent_ratio_pct"])
    out += _quorum(decisive)
    out += _rectifications(open_items, year, as_of)
    return out


RECTIFY_WARN_DAYS = 14


def _rectifications(items: list[OpenRectification], year: int, as_of: date) -> list[Finding]:
    """整改事项 not marked done: past their 时限 (缺项), or due within two weeks. The current
    year's report also carries those left over from earlier years."""
    first = date(year, 1, 1) if year != as_of.year else date.min
    soon = as_of + timedelta(days=RECTIFY_WARN_DAYS)
    low, high, next_year = first.isoformat(), soon.isoformat(), f"{year + 1:04d}"
    out = []
    for problem, owner, due, meeting_id, held in items:
        if not (low <= due <= high and due < next_year):  # ISO text, compared as SQLite did
            continue
        who = f"，责任人：{owner}" if owner else ""
        short = problem if len(problem) <= 30 else problem[:29] + "…"
        target = points_at(MEETING, meeting_id)
        if date.fromisoformat(due) < as_of:
            out.append(Finding(MISSING, "branch", "rectification_overdue",
                               f"整改事项“{short}”已过完成时限（{due}{who}），尚未标记完成"
                               f"（{held}的会议）", due=due, target=target))
        else:
            out.append(Finding(DUE, "branch", "rectification_due",
                               f"整改事项“{short}”应于{due}前完成{who}", due=due, target=target))
    return out


def _term(conf: dict, as_of: date) -> list[Finding]:
    if not conf["term_start"]:
        return []
    ends = add_years(date.fromisoformat(conf["term_start"]), conf["term_years"])
    target = points_at(BRANCH)
    if ends < as_of:
        return [Finding(MISSING, "branch", "term_overdue",
                        f"本届支委会任期已于{ends:%Y-%m-%d}届满，应按期换届", due=ends.isoformat(),
                        target=target)]
    if (ends - as_of).days <= conf["term_warn_days"]:
        return [Finding(DUE, "branch", "term_due",
                        f"本届支委会任期将于{ends:%Y-%m-%d}届满，请提前做好换届准备", due=ends.isoformat(),
                        target=target)]
    return []


def _appraisal_ratio(grades: appraisals.Grades, year: int, pct: int) -> list[Finding]:
    warning = appraisals.excellent_warning(grades, pct)
    return [Finding(WARNING, "branch", "excellent_ratio", f"{year}年民主评议：{warning}",
                    target=points_at(APPRAISAL, year=year))] if warning else []


def _quorum(decisive: list[MeetingSummary]) -> list[Finding]:
    out = []
    for s in decisive:
        c = s.counts
        if c.expected and c.present * 2 <= c.expected:
            out.append(Finding(WARNING, "branch", "quorum",
                               f"{s.meeting.date} {s.meeting.kind}应到 {c.expected} 人、实到 {c.present} 人，"
                               "未超过半数，会议决定可能无效", period=s.meeting.date,
                               target=points_at(MEETING, s.meeting.id)))
    return out


# ---------------------------------------------------------------- all together

@dataclass
class Report:
    year: int
    as_of: date
    grid: list[GridRow]
    findings: list[Finding]
    counts: dict[str, int]
    attendance_rate: float | None
    monthly_rate: list[float | None]
    monthly_activities: list[int]
    records_start: date | None = None  # the 开始检查的日期, when set

    @property
    def has_missing(self) -> bool:
        return any(f.severity == MISSING for f in self.findings)

    @property
    def has_untracked(self) -> bool:
        return any(c.status == UNTRACKED for row in self.grid for c in row.cells)


def report(db: Database, year: int, as_of: date | None = None) -> Report:
    """Everything the 工作台 shows for a year, as of a date (default today or the year's end)."""
    as_of = as_of or min(date.today(), date(year + 1, 1, 1))  # a past year is over
    conf = settings.get_all(db)
    book = members.RollBook(db)  # read once for the checks that need the roll
    roll = book.on(as_of)
    grid = year_grid(db, year, as_of, roll=roll, conf=conf)
    findings = activity_findings(grid) + \
        member_findings(db, year, as_of, book=book, conf=conf) + \
        branch_findings(db, year, as_of, roll=roll, conf=conf)
    rates, activities, year_rate = monthly_rates(meetings.attendance_by_month(db, year))
    return Report(year, as_of, grid, findings, member_counts(db, as_of, roll=roll),
                  year_rate, rates, activities, records_start(conf))


def member_counts(db: Database, as_of: date, *,
                  roll: list[RollEntry] | None = None) -> dict[str, int]:
    roll = roll_as_of(db, as_of) if roll is None else roll
    full = sum(1 for e in roll if e.category == "正式党员")
    return {"total": len(roll), "正式党员": full, "预备党员": len(roll) - full,
            "流动党员": sum(1 for e in roll if e.member.mobile),
            "停止党籍": sum(1 for e in roll if e.suspended)}


def monthly_rates(months: list[MonthTotals]
                  ) -> tuple[list[float | None], list[int], float | None]:
    """Each month's attendance rate and number of meetings, and the year's rate."""
    rates: list[float | None] = [None] * 12
    activities = [0] * 12
    year_expected = year_present = 0
    for month, expected, present, count in months:
        rates[month - 1] = present / expected if expected else None
        activities[month - 1] = count
        year_expected, year_present = year_expected + expected, year_present + present
    return rates, activities, year_present / year_expected if year_expected else None
