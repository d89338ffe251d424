"""Compliance checks (工作台): pure functions over the records and the branch settings.

Every rule, its default and its source are in docs/rules.md; every threshold comes from the
settings. A period still running is "due by <date>", never "missing"; a period in which an
activity does not apply (no members, a 党小组 without members, no elected 支委会) is 不适用.

Two layers: ``grid_rows``, ``check_members``, ``check_branch`` and ``monthly_rates`` are pure
functions over plain data (lists of records, the settings as a dict), testable without a
database; ``year_grid``, ``member_findings``, ``branch_findings`` and ``report`` read that data
through the record modules' own queries (meetings, members, branch, appraisals, talks) and
call them. No SQL here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from datetime import date, timedelta

from branchdesk.core.db import Database

from branchdesk.core import (appraisals, branch, meetings, members, quorum, recruitment,
                             settings, talks)
from branchdesk.core.branch import CommitteeSeat, Group
from branchdesk.core.dates import add_months, add_years
from branchdesk.core.meetings import (COMMITTEE, GENERAL, GROUP, LECTURE, LIFE, THEME_DAY,
                                      DecisiveMeeting, HeldMeeting, MemberMonth, MonthTotals,
                                      OpenRectification)
from branchdesk.core.members import Exemption, Member, RollEntry, roll_as_of

DONE, DUE, MISSING, FUTURE = "done", "due", "missing", "future"
UNTRACKED = "untracked"  # ended before the 开始检查的日期 (settings.records_start), no record
NOT_APPLICABLE = "n/a"  # nobody to hold it: no members, an empty 党小组, no elected 支委会
WARNING = "warning"
STATUS_TEXT = {DONE: "已完成", DUE: "待完成", MISSING: "缺项", FUTURE: "未到期",
               UNTRACKED: "开始检查之前，不计缺项", NOT_APPLICABLE: "不适用", WARNING: "提醒"}

# The kinds of record a finding or a grid row points at; the window decides where each is shown.
MEMBER, MEETING, TALK, APPRAISAL, BRANCH = "member", "meeting", "talk", "appraisal", "branch"
RECRUIT = "recruit"  # a person in the 发展党员 pipeline (core/recruitment.py)
DUES = "dues"  # 党费 (core/dues.py): a member's months, or the year's bases


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
    until: date | None = None  # the last day it may be done, when later than the period's end

    @property
    def due_by(self) -> date:
        """The last day the activity may be done: a 组织生活会 or 民主评议 for a year may be
        held until the end of March of the next (a setting); others by the period's end."""
        return self.until or self.period.end

    @property
    def text(self) -> str:
        if self.status == DONE:
            done = f"✓ {self.count}次" if self.count > 1 else "✓"
            return done + "·补" if self.late else done  # some or all entered as 补录
        if self.status == DUE:
            when = f"{self.due_by.month}月{self.due_by.day}日前"
            return when if self.due_by.year == self.period.end.year else f"{self.due_by.year}年{when}"
        if self.status == UNTRACKED:
            return "—"
        if self.status == NOT_APPLICABLE:
            return "不适用"
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


def cell_status(period: Period, count: int, as_of: date, since: date | None = None, *,
                until: date | None = None, applies: bool = True) -> str:
    """``since``: the 开始检查的日期; a period that ended before it is not missing.
    ``until``: the last day it may be done, when later than the period's end. ``applies``:
    False when nobody could hold it (不适用, unless it was held all the same)."""
    if count:
        return DONE
    if not applies:
        return NOT_APPLICABLE
    due_by = until or period.end
    if since is not None and due_by < since:
        return UNTRACKED
    if as_of < period.start:
        return FUTURE
    return DUE if as_of <= due_by else MISSING


def window_end(year: int, conf: dict) -> date:
    """The last day the 组织生活会 and 民主评议 for ``year`` may be held: the end of month
    ``life_window_month`` of the next year (31 March by default; 0 means within the year)."""
    month = conf["life_window_month"]
    if not month:
        return date(year, 12, 31)
    return add_months(date(year + 1, month, 1), 1) - timedelta(days=1)


# ---------------------------------------------------------------- the year grid

_ACTIVITIES = [  # (label, kind, frequency setting)
    ("支委会", COMMITTEE, "freq_committee_months"),
    ("党小组会", GROUP, "freq_group_months"),
    ("主题党日", THEME_DAY, "freq_theme_day_months"),
    ("支部党员大会", GENERAL, "freq_general_meeting_months"),
    ("党课", LECTURE, "freq_lecture_months"),
]


@dataclass(frozen=True)
class Presence:
    """Who could hold the activities, month by month (index 0 is January): the 党小组 of the
    members on the roll (None for members in no 党小组; an empty set: no members at all), and
    whether an elected 支委会 (at least ``committee_min_size`` seats) sat at some time."""

    groups: list[frozenset]
    committee: list[bool]

    def members(self, span: Period) -> bool:
        return any(self.groups[m - 1] for m in _months_of(span))

    def group(self, span: Period, group_id: int) -> bool:
        return any(group_id in self.groups[m - 1] for m in _months_of(span))

    def elected(self, span: Period) -> bool:
        return any(self.committee[m - 1] for m in _months_of(span)) and self.members(span)


def _months_of(span: Period) -> range:
    return range(span.start.month, span.end.month + 1)


def year_grid(db: Database, year: int, as_of: date, *, roll: list[RollEntry] | None = None,
              conf: dict | None = None, book: members.RollBook | None = None) -> list[GridRow]:
    """Rows of activities × periods, with done / due / missing / future / 不适用 cells.
    ``roll``: roll_as_of(db, as_of), ``conf``: settings.get_all(db) and ``book``: a RollBook,
    when the caller has them."""
    conf = conf or settings.get_all(db)
    book = book or members.RollBook(db)
    return grid_rows(year, as_of, conf, groups=branch.groups(db),
                     presence=presence(book, branch.committee(db), year, as_of, conf),
                     held=meetings.held_around(db, year),
                     appraised=bool(appraisals.grades(db, year)),
                     talks_covered=_talks_done(db, year, as_of, roll))


def presence(book: members.RollBook, seats: list[CommitteeSeat], year: int, as_of: date,
             conf: dict) -> Presence:
    """Presence for each month of ``year`` from the roll (on the month's first and last day,
    or on ``as_of`` for days after it) and the committee seats with their dates."""
    months = []
    for month in range(1, 13):
        first = date(year, month, 1)
        months.append((first, add_months(first, 1) - timedelta(days=1)))
    samples = {m: sorted({min(first, as_of), min(last, as_of)}) for m, (first, last)
               in enumerate(months)}
    days = sorted({d for pair in samples.values() for d in pair})
    on_roll = book.groups_on(days, days[0])
    groups = [frozenset().union(*(on_roll[d] for d in samples[m])) for m in range(12)]
    committee = [committee_sat(seats, first, min(last, max(as_of, first)),
                               conf["committee_min_size"]) for first, last in months]
    return Presence(groups, committee)


def committee_sat(seats: list[CommitteeSeat], first: date, last: date, min_size: int) -> bool:
    """Whether at least ``min_size`` seats were held together on some day from ``first`` to
    ``last``: a 书记 alone (or with a 副书记) is not a 支部委员会."""
    days = {first} | {date.fromisoformat(s.start_date) for s in seats
                      if s.start_date and first.isoformat() <= s.start_date <= last.isoformat()}
    return any(sum(1 for s in seats if _seat_held(s, day)) >= min_size for day in days)


def _seat_held(seat: CommitteeSeat, day: date) -> bool:
    text = day.isoformat()
    return (seat.start_date is None or seat.start_date <= text) and (
        seat.end_date is None or text <= seat.end_date)


def grid_rows(year: int, as_of: date, conf: dict, *, groups: list[Group], presence: Presence,
              held: list[HeldMeeting], appraised: bool, talks_covered: bool) -> list[GridRow]:
    """The grid from plain data: ``held`` as meetings.held_around gives it; the 支委会 row only
    in a year when an elected committee sat; one 党小组会 row per group."""
    # Sorted out once by kind (and 党小组): a big branch has a thousand meetings a year and
    # dozens of rows, each of which would otherwise scan them all.
    counted: dict = {}
    for item in counted_days(held, year, as_of, conf):
        counted.setdefault(item[1], []).append(item)
        if item[1] == GROUP:
            counted.setdefault((GROUP, item[2]), []).append(item)
    since = records_start(conf)
    rows = []
    for label, kind, key in _ACTIVITIES:
        spans = periods(year, conf[key])
        if kind == GROUP:
            rows += [_row(group.name, kind, group.id, spans, counted.get((GROUP, group.id), []),
                          as_of, since, lambda span, g=group.id: presence.group(span, g))
                     for group in groups]
        elif kind != COMMITTEE or any(presence.committee):
            applies = presence.elected if kind == COMMITTEE else presence.members
            rows.append(_row(label, kind, None, spans, counted.get(kind, []), as_of, since,
                             applies))
    year_span, until = periods(year, 12)[0], window_end(year, conf)
    staffed = presence.members(year_span)
    life = _row("组织生活会", LIFE, None, [year_span], counted.get(LIFE, []), as_of, since,
                presence.members)
    life.cells[0] = _windowed(life.cells[0], as_of, since, until, staffed)
    rows.append(life)
    rows.append(_yearly_row(year_span, as_of, since, "民主评议", "appraisal", appraised,
                            until=until, applies=staffed))
    rows.append(_yearly_row(year_span, as_of, since, "谈心谈话全覆盖", "talks",
                            talks_covered and staffed, applies=staffed))
    return rows


def theme_day_row(db: Database, year: int, as_of: date | None = None) -> GridRow:
    """The 主题党日 row of the year grid alone, exactly as the 工作台 shows it (the 主题党日
    tab's twelve months), as of ``as_of`` (default as report() takes it)."""
    conf = settings.get_all(db)
    as_of = as_of or min(date.today(), window_end(year, conf) + timedelta(days=1))
    staffed = presence(members.RollBook(db), [], year, as_of, conf)
    counted = [d for d in counted_days(meetings.held_around(db, year), year, as_of, conf)
               if d[1] == THEME_DAY]
    return _row("主题党日", THEME_DAY, None, periods(year, conf["freq_theme_day_months"]),
                counted, as_of, records_start(conf), staffed.members)


def _windowed(cell: Cell, as_of: date, since: date | None, until: date, applies: bool) -> Cell:
    """A 组织生活会 cell that may still be done until ``until`` (next year's March)."""
    cell.until = until
    cell.status = cell_status(cell.period, cell.count, as_of, since, until=until,
                              applies=applies)
    return cell


def counted_days(held: list[HeldMeeting], year: int, as_of: date, conf: dict | None = None
                 ) -> list[tuple[int, str, int | None, date, bool]]:
    """(id, kind, group id, day, 补录) of each meeting held by ``as_of`` that counts for
    ``year``, on the day it counts: a 主题党日 counts for its 计入月份, a 组织生活会 for its
    计入年度 (when held by the end of that year's window, see window_end). A meeting dated
    later is only planned (its 签到表 printed ahead) and counts once its day has come."""
    out = []
    for m in held:
        if m.date > as_of:
            continue
        if m.kind == LIFE:
            if _life_counts_for(m, year, conf or {"life_window_month": 3}):
                out.append((m.id, m.kind, m.group_id, date(year, 1, 1), m.late_entry))
            continue
        day = date.fromisoformat(f"{m.period}-01") if m.kind == THEME_DAY and m.period else m.date
        if day.year == year:
            out.append((m.id, m.kind, m.group_id, day, m.late_entry))
    return out


def _life_counts_for(m: HeldMeeting, year: int, conf: dict) -> bool:
    """A 组织生活会 counts for its 计入年度 when held by the end of that year's window."""
    counted = int(m.period) if m.period.isdigit() else \
        meetings.counted_year(m.date, conf["life_window_month"])
    return counted == year and m.date <= window_end(year, conf)


def records_start(conf: dict) -> date | None:
    """The 开始检查的日期 from the settings, or None (check every period)."""
    try:
        return date.fromisoformat(conf["records_start"]) if conf["records_start"] else None
    except ValueError:
        return None


def _row(label, kind, group_id, spans, dates, as_of, since, applies) -> GridRow:
    """``dates``: counted_days entries of this row's kind (and 党小组); ``applies(span)``:
    whether anyone could hold it in that period."""
    mine = [(mid, d, late) for mid, k, gid, d, late in dates
            if k == kind and (group_id is None or gid == group_id)]
    cells = []
    for span in spans:
        held = [(mid, late) for mid, d, late in mine if span.contains(d)]
        ids = [mid for mid, _ in held]
        status = cell_status(span, len(ids), as_of, since, applies=applies(span))
        cells.append(Cell(span, status, len(ids), ids, sum(late for _, late in held)))
    return GridRow(label, kind, group_id, cells)


def _yearly_row(span, as_of, since, label, kind, done: bool, *, until: date | None = None,
                applies: bool = True) -> GridRow:
    status = cell_status(span, int(done), as_of, since, until=until, applies=applies)
    return GridRow(label, kind, None, [Cell(span, status, int(done), until=until)])


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
        message = f"{cell.period.label}尚未{verb}{name}，应于{cell.due_by:%Y-%m-%d}前完成"
    return Finding(cell.status, "activity", row.kind, message, cell.period.label,
                   cell.due_by.isoformat(), row.target)


# ---------------------------------------------------------------- member findings

LOOKBACK_MONTHS = 24  # how far back the 自行脱党 prompt looks for months with meetings


def member_findings(db: Database, year: int, as_of: date, *,
                    book: members.RollBook | None = None, conf: dict | None = None
                    ) -> list[Finding]:
    """``book``: the members and their history, and ``conf``: settings.get_all(db), when the
    caller has read them already."""
    conf = conf or settings.get_all(db)
    book = book or members.RollBook(db)
    roll = book.on(as_of)
    since = add_months(as_of, -conf["inactive_months"])
    first = date(as_of.year, as_of.month, 1)
    first = max(add_months(first, -LOOKBACK_MONTHS), records_start(conf) or date.min)
    probationary = [e.member for e in roll if e.member.category == "预备党员"]
    latest = meetings.latest_statuses(db, [e.member.id for e in roll], as_of, since,
                                      conf["absent_streak"])
    # Only a member whose latest mark is 缺席 can have a run of months against them.
    absent = [e.member.id for e in roll if latest.get(e.member.id, [""])[0] == meetings.ABSENT]
    observed = {e.member.id: members.observation_in(
        [x for x in book.events(e.member.id) if x["date"] <= as_of]) for e in roll if e.observed}
    return check_members(
        roll, as_of, conf, probation_ends=members.probation_ends(db, probationary),
        latest=latest, months=meetings.attendance_by_member_month(db, absent, first, as_of),
        exemptions={e.member.id: book.exemptions(e.member.id) for e in roll},
        observations=observed)


def check_members(roll: list[RollEntry], as_of: date, conf: dict, *,
                  probation_ends: dict[int, date | None], latest: dict[int, list[str]],
                  months: dict[int, list[MemberMonth]],
                  exemptions: dict[int, list[Exemption]] | None = None,
                  observations: dict[int, tuple[date, date | None] | None] | None = None
                  ) -> list[Finding]:
    """Findings about members, from plain data: ``roll`` on ``as_of``; each member's latest
    statuses (newest first) and months with meetings they were expected at, as
    meetings.latest_statuses / attendance_by_member_month give them; their 不作硬性要求
    periods; the 留党察看 in force for members under it (members.observation_in). Members
    exempt on ``as_of`` get no attendance findings."""
    probationary = [e.member for e in roll if e.member.category == "预备党员"]
    out = _probation(probationary, probation_ends, as_of, conf["probation_warn_days"])
    out += _observation_ends(roll, observations or {}, as_of, conf["probation_warn_days"])
    held_to = [e for e in roll if e.exemption is None]  # 不作硬性要求: no attendance findings
    out += _absent_streaks(held_to, latest, conf["absent_streak"])
    out += _inactive(held_to, months, exemptions or {}, as_of, records_start(conf),
                     conf["inactive_months"])
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


def _observation_ends(roll: list[RollEntry], observations: dict, as_of: date,
                      warn_days: int) -> list[Finding]:
    """A 留党察看 whose 察看期 is over (or nearly) with no decision recorded: the 支部大会 must
    decide 恢复党员权利 or 开除党籍 (党章 第四十条), and the roll needs the outcome."""
    out = []
    for e in roll:
        ends = (observations.get(e.member.id) or (None, None))[1]
        if not e.observed or ends is None:
            continue
        target = points_at(MEMBER, e.member.id)
        if ends < as_of:
            out.append(Finding(MISSING, "member", "observation_over",
                               f"{e.member.name}的留党察看期已于{ends:%Y-%m-%d}届满，尚未登记恢复党员权利："
                               "请召开支部党员大会讨论，报上级党组织批准后在“组织关系变动”中登记结果",
                               due=ends.isoformat(), target=target))
        elif (ends - as_of).days <= warn_days:
            out.append(Finding(DUE, "member", "observation_ending",
                               f"{e.member.name}的留党察看期将于{ends:%Y-%m-%d}届满，"
                               "届时需召开支部党员大会讨论恢复党员权利",
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


def _inactive(roll, months: dict[int, list[MemberMonth]], exemptions: dict[int, list[Exemption]],
              as_of: date, since: date | None, run: int) -> list[Finding]:
    """The 自行脱党 prompt (党章 第九条): a prompt to talk, never a verdict."""
    out = []
    for entry in roll:
        span = counting_run(months.get(entry.member.id, []), exemptions.get(entry.member.id, []),
                            as_of, since, run)
        if span:
            out.append(Finding(WARNING, "member", "inactive",
                               f"{entry.member.name}最近 {run} 个有会议的月份（{span}）"
                               "应参加的组织生活都未参加，也未请假。请及时谈心谈话，了解情况"
                               "（党章第九条：无正当理由连续六个月不参加党的组织生活的，"
                               "被认为是自行脱党，由支部大会决定除名）",
                               target=points_at(MEMBER, entry.member.id)))
    return out


def counting_run(months: list[MemberMonth], exemptions: list[Exemption], as_of: date,
                 since: date | None, run: int) -> str | None:
    """"2026年1月至6月" when the member's last ``run`` months with a meeting they were
    expected at all count against them, else None.

    A month counts when they neither attended nor had 请假 at any such meeting. Months
    without one neither count nor break the run; the month under way (ending after
    ``as_of``) is not judged yet, but attending in it (or 请假) ends the run; a month not
    wholly inside the time checked (starting before ``since``, the 开始检查的日期) or touching
    a 不作硬性要求 period ends the search.
    """
    done = [m for m in months if _month_end(m.month) <= as_of][-run:]
    running = [m for m in months if _month_end(m.month) > as_of]
    if len(done) < run or any(m.present or m.leave for m in running):
        return None
    for m in done:
        first, last = _month_start(m.month), _month_end(m.month)
        if since is not None and first < since:
            return None
        if m.present or m.leave or any(x.overlaps(first, last) for x in exemptions):
            return None
    a, b = _month_start(done[0].month), _month_start(done[-1].month)
    to = f"{b.month}月" if a.year == b.year else f"{b.year}年{b.month}月"
    return f"{a.year}年{a.month}月至{to}"


@lru_cache(maxsize=512)
def _month_start(month: str) -> date:
    return date.fromisoformat(f"{month}-01")


@lru_cache(maxsize=512)
def _month_end(month: str) -> date:
    return add_months(_month_start(month), 1) - timedelta(days=1)


# ---------------------------------------------------------------- branch findings

def branch_findings(db: Database, year: int, as_of: date, *,
                    roll: list[RollEntry] | None = None, conf: dict | None = None,
                    book: members.RollBook | None = None) -> list[Finding]:
    """``roll``: roll_as_of(db, as_of), ``conf``: settings.get_all(db) and ``book``: a
    RollBook, when the caller has them."""
    book = book or members.RollBook(db)
    decisive = meetings.decisive_meetings(db, year, as_of)
    return check_branch(
        year, as_of, conf or settings.get_all(db), book.on(as_of) if roll is None else roll,
        seats=branch.committee(db, as_of), grades=appraisals.grades(db, year),
        decisive=[(m, quorum.decisive_counts(m, book)) for m in decisive],
        open_items=meetings.open_rectifications(db, as_of))


def check_branch(year: int, as_of: date, conf: dict, roll: list[RollEntry], *,
                 seats: list[CommitteeSeat], grades: appraisals.Grades,
                 decisive: list[tuple[DecisiveMeeting, quorum.VotingCounts]],
                 open_items: list[OpenRectification]) -> list[Finding]:
    """Findings about the branch, from plain data: the committee ``seats`` held on ``as_of``,
    the year's 民主评议 grades, its 党员大会 and 支委会 with their voting counts
    (``decisive``), and the open 整改事项 as meetings.open_rectifications gives them."""
    roll = [e for e in roll if not e.suspended]
    out = _committee(conf, roll, seats)
    if len(roll) > conf["branch_size_warn"]:
        out.append(Finding(WARNING, "branch", "branch_size",
                           f"支部党员 {len(roll)} 人，超过一般不超过 {conf['branch_size_warn']} 人的规定，"
                           "可考虑分设支部或成立党总支", target=points_at(MEMBER)))
    out += _term(conf, as_of)
    out += _appraisal_ratio(grades, year, conf["excellent_ratio_pct"])
    out += _quorum(decisive, conf)
    out += _rectifications(open_items, year, as_of)
    return out


def _committee(conf: dict, roll: list[RollEntry], seats: list[CommitteeSeat]) -> list[Finding]:
    """One branch-level finding when a branch of 7 正式党员 or more has no elected committee
    (not a 缺 every month); a warning for a committee larger than usual; and for each seat
    held by someone who cannot be elected (预备党员, 留党察看, 停止党籍)."""
    full = sum(1 for e in roll if e.category == "正式党员")
    low, high, target = conf["committee_min_size"], conf["committee_max_size"], points_at(BRANCH)
    out = []
    if full >= conf["committee_required_at"] and len(seats) < low:
        now = f"目前登记支委 {len(seats)} 人" if seats else "目前未登记支委"
        out.append(Finding(MISSING, "branch", "committee_required",
                           f"支部有正式党员 {full} 人，达到 {conf['committee_required_at']} 人应设立支部委员会"
                           f"（{low} 人以上），{now}", target=target))
    if len(seats) > high:
        out.append(Finding(WARNING, "branch", "committee_size",
                           f"支委会有 {len(seats)} 人，一般由3至5人组成、不超过 {high} 人，请核对",
                           target=target))
    entries = {e.member.id: e for e in roll}
    for seat in seats:
        entry = entries.get(seat.member_id)
        barred = members.seat_barred(entry) if entry else None
        if barred:
            out.append(Finding(WARNING, "branch", "committee_seat_barred",
                               f"{seat.member_name}{barred}，没有被选举权，不能担任{seat.role}，"
                               "请调整支委会", target=target))
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


def _quorum(decisive: list[tuple[DecisiveMeeting, quorum.VotingCounts]],
            conf: dict) -> list[Finding]:
    """党员大会 and 支委会 short of their quorum, counted over those with a vote (a 换届选举:
    more than four fifths, excused absentees left out)."""
    out = []
    for meeting, counts in decisive:
        problem = quorum.shortfall(counts, conf, election=meeting.election) \
            if counts.expected else None
        if problem:
            name = "换届选举大会" if meeting.election else meetings.SHORT_NAMES[meeting.kind]
            out.append(Finding(WARNING, "branch", "quorum", f"{meeting.date} {name}：{problem}",
                               period=meeting.date.isoformat(),
                               target=points_at(MEETING, meeting.id)))
    return out


def last_year_window(year: int, as_of: date, conf: dict, *, life_held: bool, appraised: bool,
                     staffed: bool) -> list[Finding]:
    """While the previous year's window is open (January–March), what is still to be done for
    it: its 组织生活会 and 民主评议 count for that year, not this one."""
    last, until = year - 1, window_end(year - 1, conf)
    since = records_start(conf)
    if not staffed or as_of > until or as_of.year != year or (since and since > until):
        return []
    out = []
    for done, what, kind in ((life_held, "组织生活会", LIFE), (appraised, "民主评议", "appraisal")):
        if not done:
            verb = "召开" if kind == LIFE else "开展"
            target = points_at(APPRAISAL if kind != LIFE else MEETING, kind=kind, year=last)
            out.append(Finding(DUE, "activity", kind,
                               f"{last}年度{what}尚未{verb}，应于{until:%Y-%m-%d}前完成（计入{last}年度）",
                               f"{last}年", until.isoformat(), target))
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
    complete: bool = True  # False: the 党费 checks are still to be added (report(later=False))

    @property
    def has_missing(self) -> bool:
        return any(f.severity == MISSING for f in self.findings)

    @property
    def has_untracked(self) -> bool:
        return any(c.status == UNTRACKED for row in self.grid for c in row.cells)


def report(db: Database, year: int, as_of: date | None = None, *, later: bool = True) -> Report:
    """Everything the 工作台 shows for a year, as of a date (default today, or for a past year
    the day after its 组织生活会 window closed: 1 April of the next year by default).

    ``later=False`` leaves out the 党费 checks, the ones that take longest to work out (every
    member's payments filled into months): ``complete(db, report)`` adds them. The 工作台 shows
    the rest at once and the 党费 findings a moment later, so the window appears sooner."""
    conf = settings.get_all(db)
    as_of = as_of or min(date.today(), window_end(year, conf) + timedelta(days=1))
    book = members.RollBook(db)  # read once for the checks that need the roll
    roll = book.on(as_of)
    grid = year_grid(db, year, as_of, roll=roll, conf=conf, book=book)
    findings = activity_findings(grid) + _last_year(db, year, as_of, conf, book) + \
        member_findings(db, year, as_of, book=book, conf=conf) + \
        branch_findings(db, year, as_of, roll=roll, conf=conf, book=book)
    findings += _lifecycle().findings(db, year, as_of, conf, book=book)
    findings += recruitment.findings(db, year, as_of, conf)
    if later:
        findings += _dues().findings(db, year, as_of, conf, roll=book)
    rates, activities, year_rate = monthly_rates(meetings.attendance_by_month(db, year))
    return Report(year, as_of, grid, findings, member_counts(db, as_of, roll=roll),
                  year_rate, rates, activities, records_start(conf), complete=later)


def complete(db: Database, report: Report) -> None:
    """Add the 党费 findings to a report made with ``later=False`` (nothing if it has them)."""
    if not report.complete:
        report.findings += _dues().findings(db, report.year, report.as_of, settings.get_all(db))
        report.complete = True


def _dues():
    """core/dues.py, imported when first used: the 工作台 can be shown before it is needed."""
    from branchdesk.core import dues
    return dues


def _lifecycle():
    """core/lifecycle.py, imported when first used: it builds on this module's Finding."""
    from branchdesk.core import lifecycle
    return lifecycle


def _last_year(db: Database, year: int, as_of: date, conf: dict,
               book: members.RollBook) -> list[Finding]:
    """last_year_window, read only while that window is open."""
    if as_of.year != year or as_of > window_end(year - 1, conf):
        return []
    held = counted_days(meetings.life_meetings_for(db, year - 1), year - 1, as_of, conf)
    return last_year_window(year, as_of, conf, life_held=bool(held),
                            appraised=bool(appraisals.grades(db, year - 1)),
                            staffed=bool(book.on(date(year - 1, 12, 31))))


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
