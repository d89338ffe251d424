"""Compliance checks (工作台): pure functions over the records and the branch settings.

Every threshold comes from settings (DOMAIN.md §1–§3 defaults). A period still running is
"due by <date>", never "missing".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from branchdesk.core.db import Database

from branchdesk.core import appraisals, branch, meetings, members, settings, talks
from branchdesk.core.dates import add_months, add_years
from branchdesk.core.meetings import (COMMITTEE, GENERAL, GROUP, LECTURE, LIFE, THEME_DAY)
from branchdesk.core.members import RollEntry, roll_as_of

DONE, DUE, MISSING, FUTURE = "done", "due", "missing", "future"
UNTRACKED = "untracked"  # ended before the 开始检查的日期 (settings.records_start), no record
WARNING = "warning"
STATUS_TEXT = {DONE: "已完成", DUE: "待完成", MISSING: "缺项", FUTURE: "未到期",
               UNTRACKED: "开始检查之前，不计缺项", WARNING: "提醒"}


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


@dataclass
class Finding:
    severity: str  # MISSING, DUE or WARNING
    area: str  # 'activity', 'member' or 'branch'
    rule: str
    message: str
    period: str = ""
    due: str | None = None
    target: dict = field(default_factory=dict)  # where to fix it: {'tab': ..., 'id': ...}

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


def year_grid(db: Database, year: int, as_of: date, *,
              roll: list[RollEntry] | None = None) -> list[GridRow]:
    """Rows of activities × periods, with done / due / missing / future cells.
    ``roll``: roll_as_of(db, as_of) when the caller has it already."""
    conf = settings.get_all(db)
    dates = _meeting_dates(db, year, as_of)
    since = records_start(conf)
    rows = []
    for label, kind, key in _ACTIVITIES:
        spans = periods(year, conf[key])
        if kind == GROUP:
            for group in branch.groups(db):
                rows.append(_row(f"{group.name}", kind, group.id, spans, dates, as_of, since))
        elif kind != COMMITTEE or _has_committee(db, as_of, year):
            rows.append(_row(label, kind, None, spans, dates, as_of, since))
    rows.append(_row("组织生活会", LIFE, None, periods(year, 12), dates, as_of, since))
    rows.append(_yearly_row(year, as_of, since, "民主评议", "appraisal",
                            _appraisal_done(db, year)))
    rows.append(_yearly_row(year, as_of, since, "谈心谈话全覆盖", "talks",
                            _talks_done(db, year, as_of, roll)))
    return rows


def _has_committee(db: Database, as_of: date, year: int) -> bool:
    day = min(as_of, date(year, 12, 31))
    return bool(branch.committee(db, day)) or bool(branch.committee(db))


def _meeting_dates(db: Database, year: int, as_of: date) -> list[tuple[int, str, int | None, date]]:
    """Each meeting held by ``as_of`` with the day it counts on: a 主题党日 counts for its
    计入月份. A meeting dated later is only planned (its 签到表 printed ahead) and counts
    once its day has come."""
    # Date ranges rather than substr(), so the indexes on the date are used.
    cursor = db.execute("SELECT id, kind, group_id, date, period, late_entry FROM meetings "
                        "WHERE date >= ? AND date < ? UNION "
                        "SELECT id, kind, group_id, date, period, late_entry FROM meetings "
                        "WHERE kind = ? AND period >= ? AND period < ?",
                        [*_years_range(year, 2), THEME_DAY, *_years_range(year)])
    out = []
    for mid, kind, gid, on, period, late in cursor.fetchall():
        day = date.fromisoformat(f"{period}-01") if kind == THEME_DAY and period else date.fromisoformat(on)
        if day.year == year and date.fromisoformat(on) <= as_of:
            out.append((mid, kind, gid, day, bool(late)))
    return out


def records_start(conf: dict) -> date | None:
    """The 开始检查的日期 from the settings, or None (check every period)."""
    try:
        return date.fromisoformat(conf["records_start"]) if conf["records_start"] else None
    except ValueError:
        return None


def _row(label, kind, group_id, spans, dates, as_of, since) -> GridRow:
    # This row's meetings first, then each period's: a year of a big branch has a thousand.
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


def _appraisal_done(db: Database, year: int) -> bool:
    return bool(appraisals.grades(db, year))


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
                   cell.period.end.isoformat(), {"tab": _tab_for(row.kind), "kind": row.kind,
                                                 "group_id": row.group_id})


def _tab_for(kind: str) -> str:
    return {THEME_DAY: "theme_days", "talks": "talks", "appraisal": "appraisal"}.get(kind, "meetings")


# ---------------------------------------------------------------- member findings

def member_findings(db: Database, year: int, as_of: date, *,
                    book: members.RollBook | None = None) -> list[Finding]:
    """``book``: the members and their history, when the caller has read them already."""
    conf = settings.get_all(db)
    book = book or members.RollBook(db)
    roll = book.on(as_of)
    since = add_months(as_of, -conf["inactive_months"])
    streak = conf["absent_streak"]
    out = _probation(db, roll, as_of, conf["probation_warn_days"])
    out += _absent_streaks(roll, _latest_statuses(db, roll, as_of, since, streak), streak)
    out += _inactive(roll, _window_counts(db, since, as_of), book.on(since),
                     conf["inactive_months"])
    return out


def _probation(db: Database, roll, as_of: date, warn_days: int) -> list[Finding]:
    out = []
    probationary = [e.member for e in roll if e.member.category == "预备党员"]
    all_ends = members.probation_ends(db, probationary)
    for m in probationary:
        ends = all_ends[m.id]
        if ends is None:
            continue
        target = {"tab": "members", "id": m.id}
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
                               target={"tab": "members", "id": entry.member.id}))
    return out


# Each member's latest statuses, newest first, up to a number: SQLite numbers the rows per
# member (a window function), so Python receives a few rows per member, not every row.
_LATEST = """
SELECT member_id, status FROM (
    SELECT a.member_id, a.status, ROW_NUMBER() OVER (
        PARTITION BY a.member_id ORDER BY mt.date DESC, mt.id DESC) AS n
    FROM meetings mt JOIN attendance a ON a.meeting_id = mt.id
    WHERE mt.date <= ? AND {where})
WHERE n <= ? ORDER BY member_id, n
"""


def _latest_statuses(db: Database, roll, as_of: date, since: date,
                     count: int) -> dict[int, list[str]]:
    """The last ``count`` statuses of each member, newest first, by ``as_of``.

    Read through the index on the meeting date: the meetings after ``since`` for everyone,
    and older ones only for the members with fewer than ``count`` of those (one more query;
    the ids are our own integers, written into the SQL so no limit on parameters applies).
    """
    out: dict[int, list[str]] = {}
    for member_id, status in db.execute(_LATEST.format(where="mt.date > ?"),
                                        [as_of.isoformat(), since.isoformat(), count]):
        out.setdefault(member_id, []).append(status)
    short = [e.member.id for e in roll if len(out.get(e.member.id, ())) < count]
    listed = ", ".join(str(int(mid)) for mid in short)
    older = _LATEST.format(where=f"mt.date <= ? AND a.member_id IN ({listed})")
    for member_id, status in db.execute(older, [as_of.isoformat(), since.isoformat(), count]):
        out.setdefault(member_id, []).append(status)
    return out


def _window_counts(db: Database, since: date, as_of: date) -> dict[int, tuple[int, int, int]]:
    """member id -> (meetings expected at, 出席, 请假) after ``since``, by ``as_of``."""
    cursor = db.execute(
        "SELECT a.member_id, count(*), sum(a.status = ?), sum(a.status = ?) FROM meetings mt "
        "JOIN attendance a ON a.meeting_id = mt.id WHERE mt.date > ? AND mt.date <= ? "
        "GROUP BY a.member_id",
        [meetings.PRESENT, meetings.LEAVE, since.isoformat(), as_of.isoformat()])
    return {member_id: (expected, present, leave) for member_id, expected, present, leave in cursor}


def _inactive(roll, counts: dict[int, tuple[int, int, int]], roll_since: list[RollEntry],
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
                               target={"tab": "members", "id": entry.member.id}))
    return out


# ---------------------------------------------------------------- branch findings

def branch_findings(db: Database, year: int, as_of: date, *,
                    roll: list[RollEntry] | None = None) -> list[Finding]:
    """``roll``: roll_as_of(db, as_of) when the caller has it already."""
    conf = settings.get_all(db)
    roll = [e for e in (roll_as_of(db, as_of) if roll is None else roll) if not e.suspended]
    full = sum(1 for e in roll if e.category == "正式党员")
    out = []
    if full >= conf["committee_required_at"] and not branch.committee(db, as_of):
        out.append(Finding(MISSING, "branch", "committee_required",
                           f"支部有正式党员 {full} 人，达到 {conf['committee_required_at']} 人应设立支部委员会，"
                           "目前未登记支委", target={"tab": "profile"}))
    if len(roll) > conf["branch_size_warn"]:
        out.append(Finding(WARNING, "branch", "branch_size",
                           f"支部党员 {len(roll)} 人，超过一般不超过 {conf['branch_size_warn']} 人的规定，"
                           "可考虑分设支部或成立党总支", target={"tab": "members"}))
    out += _term(conf, as_of)
    out += _appraisal_ratio(db, year, conf["excellent_ratio_pct"])
    out += _quorum(db, year)
    out += _rectifications(db, year, as_of)
    return out


RECTIFY_WARN_DAYS = 14


def _rectifications(db: Database, year: int, as_of: date) -> list[Finding]:
    """整改事项 not marked done: past their 时限 (缺项), or due within two weeks. The current
    year's report also carries those left over from earlier years."""
    first = date(year, 1, 1) if year != as_of.year else date.min
    soon = as_of + timedelta(days=RECTIFY_WARN_DAYS)
    cursor = db.execute(
        "SELECT r.problem, r.owner, r.due_date, mt.id, mt.date FROM rectifications r "
        "JOIN meetings mt ON mt.id = r.meeting_id WHERE NOT r.done AND r.due_date IS NOT NULL "
        "AND r.due_date >= ? AND r.due_date <= ? AND r.due_date < ? AND mt.date <= ? "
        "ORDER BY r.due_date, mt.date", [first.isoformat(), soon.isoformat(),
                                         f"{year + 1:04d}", as_of.isoformat()])
    out = []
    for problem, owner, due, meeting_id, held in cursor.fetchall():
        who = f"，责任人：{owner}" if owner else ""
        short = problem if len(problem) <= 30 else problem[:29] + "…"
        target = {"tab": "meetings", "id": meeting_id}
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
    target = {"tab": "profile"}
    if ends < as_of:
        return [Finding(MISSING, "branch", "term_overdue",
                        f"本届支委会任期已于{ends:%Y-%m-%d}届满，应按期换届", due=ends.isoformat(),
                        target=target)]
    if (ends - as_of).days <= conf["term_warn_days"]:
        return [Finding(DUE, "branch", "term_due",
                        f"本届支委会任期将于{ends:%Y-%m-%d}届满，请提前做好换届准备", due=ends.isoformat(),
                        target=target)]
    return []


def _appraisal_ratio(db: Database, year: int, pct: int) -> list[Finding]:
    warning = appraisals.excellent_warning(appraisals.grades(db, year), pct)
    return [Finding(WARNING, "branch", "excellent_ratio", f"{year}年民主评议：{warning}",
                    target={"tab": "appraisal", "year": year})] if warning else []


def _quorum(db: Database, year: int) -> list[Finding]:
    out = []
    for s in meetings.list_meetings(db, year=year, kinds=(GENERAL, COMMITTEE)):
        c = s.counts
        if c.expected and c.present * 2 <= c.expected:
            out.append(Finding(WARNING, "branch", "quorum",
                               f"{s.meeting.date} {s.meeting.kind}应到 {c.expected} 人、实到 {c.present} 人，"
                               "未超过半数，会议决定可能无效", period=s.meeting.date,
                               target={"tab": "meetings", "id": s.meeting.id}))
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
    book = members.RollBook(db)  # read once for the checks that need the roll
    roll = book.on(as_of)
    grid = year_grid(db, year, as_of, roll=roll)
    findings = activity_findings(grid) + member_findings(db, year, as_of, book=book) + \
        branch_findings(db, year, as_of, roll=roll)
    rates, activities, year_rate = _monthly(db, year)
    return Report(year, as_of, grid, findings, member_counts(db, as_of, roll=roll),
                  year_rate, rates, activities, records_start(settings.get_all(db)))


def member_counts(db: Database, as_of: date, *,
                  roll: list[RollEntry] | None = None) -> dict[str, int]:
    roll = roll_as_of(db, as_of) if roll is None else roll
    full = sum(1 for e in roll if e.category == "正式党员")
    return {"total": len(roll), "正式党员": full, "预备党员": len(roll) - full,
            "流动党员": sum(1 for e in roll if e.member.mobile),
            "停止党籍": sum(1 for e in roll if e.suspended)}


def _years_range(year: int, years: int = 1) -> list[str]:
    """Bounds for ISO date text in ``year`` (and the following ones): date >= ? AND date < ?."""
    return [f"{year:04d}", f"{year + years:04d}"]


def _monthly(db: Database, year: int) -> tuple[list[float | None], list[int], float | None]:
    """Each month's attendance rate and number of meetings, and the year's rate."""
    rates: list[float | None] = [None] * 12
    activities = [0] * 12
    year_expected = year_present = 0
    cursor = db.execute(
        "SELECT CAST(substr(mt.date, 6, 2) AS INTEGER), count(a.member_id), "
        "sum(a.status = '出席'), count(DISTINCT mt.id) FROM meetings mt "
        "LEFT JOIN attendance a ON a.meeting_id = mt.id WHERE mt.date >= ? AND mt.date < ? "
        "GROUP BY 1", _years_range(year))
    for month, expected, present, count in cursor.fetchall():
        rates[month - 1] = (present or 0) / expected if expected else None
        activities[month - 1] = count
        year_expected, year_present = year_expected + expected, year_present + (present or 0)
    return rates, activities, year_present / year_expected if year_expected else None
