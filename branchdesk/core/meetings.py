"""Meetings (三会一课, 组织生活会, 主题党日): records, expected attendees, attendance, 补录.

All kinds share one table and one attendance model, so a 主题党日 counts people exactly as a
支部党员大会 does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from datetime import date

from branchdesk.core.text import clean
from branchdesk.core.db import Database

from branchdesk.core import attachments, branch, settings, tables
from branchdesk.core.db import ensure_writable
from branchdesk.core.errors import NotFoundError, ValidationError
from branchdesk.core.members import RollEntry, roll_as_of

GENERAL = "支部党员大会"
COMMITTEE = "支部委员会会议"
GROUP = "党小组会"
LECTURE = "党课"
LIFE = "组织生活会"
THEME_DAY = "主题党日"
MEETING_KINDS = (GENERAL, COMMITTEE, GROUP, LECTURE, LIFE)
KINDS = MEETING_KINDS + (THEME_DAY,)
SHORT_NAMES = {GENERAL: "党员大会", COMMITTEE: "支委会", GROUP: "党小组会", LECTURE: "党课",
               LIFE: "组织生活会", THEME_DAY: "主题党日"}
LIFE_HELD_AS = (GENERAL, COMMITTEE, GROUP)
PRESENT, LEAVE, ABSENT = "出席", "请假", "缺席"
STATUSES = (PRESENT, LEAVE, ABSENT)
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")


@dataclass
class AttendanceEntry:
    member_id: int
    name: str = ""
    status: str = PRESENT
    reason: str = ""
    group_name: str = ""
    role: str = ""  # committee role or 党内职务, for the sign-in sheet
    # At a 换届选举 党员大会: an absentee the committee excused (with a reason), left out of
    # the 应到会人数 the four-fifths quorum is counted on (选举工作条例).
    excused: bool = False


@dataclass
class Rectification:
    problem: str
    measure: str = ""
    owner: str = ""
    due_date: str | None = None
    done: bool = False


@dataclass
class Meeting:
    kind: str = GENERAL
    date: str = ""
    start_time: str = ""
    end_time: str = ""
    place: str = ""
    host_id: int | None = None
    recorder_id: int | None = None
    group_id: int | None = None
    observers: str = ""
    topics: list[str] = field(default_factory=list)
    content: str = ""
    resolution: str = ""
    lecturer: str = ""
    lecture_title: str = ""
    held_as: str = ""
    period: str = ""
    activity_form: str = ""
    organiser: str = ""
    outcome: str = ""
    late_entry: bool = False
    election: bool = False  # a 党员大会 that elects the committee (换届选举)
    id: int | None = None
    created_at: str = ""
    attendance: list[AttendanceEntry] = field(default_factory=list)
    rectifications: list[Rectification] = field(default_factory=list)
    host_name: str = ""
    recorder_name: str = ""
    group_name: str = ""

    @property
    def title(self) -> str:
        """What the meeting is called on lists and printed sheets."""
        if self.kind == GROUP and self.group_name:
            return f"{self.group_name}党小组会" if not self.group_name.endswith("党小组") \
                else f"{self.group_name}会"
        return self.kind

    @property
    def counts(self) -> "Counts":
        return count(self.attendance)

    @property
    def the_date(self) -> date:
        return date.fromisoformat(self.date)

    def is_planned(self, today: date | None = None) -> bool:
        """Dated after ``today``: not held yet, so no attendance is recorded."""
        return self.the_date > (today or date.today())


@dataclass(frozen=True)
class Counts:
    expected: int
    present: int
    leave: int
    absent: int

    @property
    def rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


def count(attendance: list[AttendanceEntry]) -> Counts:
    """应到 / 实到 / 请假 / 缺席, always computed from the per-person entries."""
    statuses = [a.status for a in attendance]
    return Counts(len(statuses), statuses.count(PRESENT), statuses.count(LEAVE),
                  statuses.count(ABSENT))


# ---------------------------------------------------------------- expected attendees

def expected_entries(db: Database, kind: str, on: date, group_id: int | None = None,
                     held_as: str = "", *, roll: list[RollEntry] | None = None) -> list[RollEntry]:
    """Who is expected, from the kind and the roll on the meeting date.

    党员大会, 党课, 主题党日: every member on the roll (正式 and 预备) whose 党籍 is not stopped;
    支委会: the committee on that date; 党小组会: the members of that group on that date;
    组织生活会: as the kind of meeting it is held as (党员大会 by default).
    ``roll``: roll_as_of(db, on), when the caller already has it (saves reading the roll).
    """
    if kind == LIFE:
        kind = held_as if held_as in LIFE_HELD_AS else GENERAL
    roll = [e for e in (roll_as_of(db, on) if roll is None else roll) if not e.suspended]
    if kind == COMMITTEE:
        seat_ids = {s.member_id for s in branch.committee(db, on)}
        return [e for e in roll if e.member.id in seat_ids]
    if kind == GROUP:
        return [e for e in roll if group_id is not None and e.group_id == group_id]
    return roll


def default_attendance(db: Database, kind: str, on: date, group_id: int | None = None,
                       held_as: str = "", *, roll: list[RollEntry] | None = None
                       ) -> list[AttendanceEntry]:
    """Everyone expected, marked present: quick entry after a meeting ticks the exceptions."""
    roles = _roles(db)
    groups = branch.group_names(db)
    return [
        AttendanceEntry(e.member.id, e.member.name, PRESENT, "", groups.get(e.group_id, ""),
                        roles.get(e.member.id, e.member.party_post))
        for e in expected_entries(db, kind, on, group_id, held_as, roll=roll)
    ]


def refresh_attendance(db: Database, meeting: Meeting) -> list[AttendanceEntry]:
    """The expected list for the meeting's current kind/date/group, keeping marks already made."""
    marks = {a.member_id: a for a in meeting.attendance}
    fresh = default_attendance(db, meeting.kind, meeting.the_date, meeting.group_id,
                               meeting.held_as)
    for entry in fresh:
        if entry.member_id in marks:
            mark = marks[entry.member_id]
            entry.status, entry.reason, entry.excused = mark.status, mark.reason, mark.excused
    return fresh


# ---------------------------------------------------------------- validation

def validate(meeting: Meeting) -> dict[str, str]:
    errors: dict[str, str] = {}
    if meeting.kind not in KINDS:
        errors["kind"] = "请选择会议类型"
    try:
        date.fromisoformat(meeting.date)
    except (TypeError, ValueError):
        errors["date"] = "请填写会议日期"
    for name in ("start_time", "end_time"):
        value = getattr(meeting, name)
        if value and not _TIME.match(value):
            errors[name] = "时间请写成 14:30 的形式"
    if meeting.start_time and meeting.end_time and "start_time" not in errors \
            and "end_time" not in errors and _minutes(meeting.end_time) <= _minutes(meeting.start_time):
        errors["end_time"] = "结束时间应晚于开始时间"
    if needs_group(meeting) and meeting.group_id is None:
        errors["group_id"] = "党小组会请选择党小组"
    if meeting.kind == THEME_DAY and not meeting.topics and not meeting.lecture_title:
        errors["topics"] = "请填写主题党日的主题"
    if meeting.kind == THEME_DAY and meeting.period and \
            not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", meeting.period):
        errors["period"] = "计入月份请写成 2026-03 的形式"
    if meeting.kind == LIFE and meeting.period and "date" not in errors:
        _check_counted_year(meeting, errors)
    _check_attendance(meeting, errors)
    return errors


def _check_counted_year(meeting: Meeting, errors: dict[str, str]) -> None:
    held = date.fromisoformat(meeting.date).year
    if meeting.period not in (str(held - 1), str(held)):
        errors["period"] = f"计入年度应为 {held - 1} 或 {held}（会议日期所在年份或上一年）"


def counted_year(held: date, window_month: int) -> int:
    """The 年度 a 组织生活会 held on ``held`` is for unless the user says otherwise: the
    previous year when held by the end of month ``window_month`` (the "N年度" meeting is
    usually held in January–March of N+1), else the year it is held in."""
    return held.year - 1 if held.month <= window_month else held.year


def needs_group(meeting: Meeting) -> bool:
    """党小组会, and a 组织生活会 held as a 党小组会, belong to one 党小组."""
    return meeting.kind == GROUP or (meeting.kind == LIFE and meeting.held_as == GROUP)


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _check_attendance(meeting: Meeting, errors: dict[str, str]) -> None:
    ids = [a.member_id for a in meeting.attendance]
    if len(set(ids)) != len(ids):
        errors["attendance"] = "应到人员中有重复的人"
    for a in meeting.attendance:
        if a.status not in STATUSES:
            errors["attendance"] = f"{a.name}的出勤情况应为出席、请假或缺席"
        elif a.excused and not a.reason:
            errors["attendance"] = (f"{a.name}经批准不计入应到会人数，请在原因中写明"
                                    "（如：患病不能表达本人意志，经上级党组织同意）")


def is_late_entry(meeting_date: date, entered: date, threshold_days: int) -> bool:
    """补录: entered more than ``threshold_days`` days after the meeting."""
    return (entered - meeting_date).days > threshold_days


def absent_chair_warning(meeting: Meeting, today: date | None = None) -> str | None:
    """What to ask before saving a held meeting whose 主持人 or 记录人 is marked 请假/缺席
    (almost always a slip); None when there is nothing to ask."""
    away = {a.member_id: a for a in meeting.attendance if a.status != PRESENT}
    roles = [(label, away[pid]) for label, pid in (("主持人", meeting.host_id),
                                                   ("记录人", meeting.recorder_id)) if pid in away]
    if not roles or meeting.is_planned(today):
        return None
    text = "、".join(f"{label}{a.name}被登记为“{a.status}”" for label, a in roles)
    return f"{text}。\n主持或记录会议的人一般应出席；请检查主持人、记录人或出勤情况。"


def default_host(db: Database, kind: str, on: date, group_id: int | None = None) -> int | None:
    """Who chairs a new meeting unless someone else is chosen: the 书记 on that day; a 党小组会
    is chaired by that 党小组's 组长 (None while the group has none)."""
    if kind == GROUP:
        return next((g.leader_id for g in branch.groups(db) if g.id == group_id), None)
    seat = branch.secretary_seat(db, on)
    return seat.member_id if seat else None


# ---------------------------------------------------------------- saving

_COLUMNS = ("kind", "date", "start_time", "end_time", "place", "host_id", "recorder_id",
            "group_id", "observers", "content", "resolution", "lecturer", "lecture_title",
            "held_as", "period", "activity_form", "organiser", "outcome", "election")


def _clean(meeting: Meeting) -> Meeting:
    for name in ("place", "observers", "lecturer", "lecture_title", "organiser", "start_time",
                  "end_time", "activity_form"):
        setattr(meeting, name, (getattr(meeting, name) or "").strip())
    meeting.topics = [t.strip() for t in meeting.topics if t and t.strip()]
    if not needs_group(meeting):
        meeting.group_id = None
    meeting.period = (meeting.period or "").strip() if meeting.kind in (THEME_DAY, LIFE) else ""
    if meeting.kind == THEME_DAY and not meeting.period and meeting.date:
        meeting.period = meeting.date[:7]
    meeting.election = meeting.election and meeting.kind == GENERAL
    for a in meeting.attendance:
        a.reason = (a.reason or "").strip() if a.status != PRESENT else ""
        a.excused = a.excused and meeting.election and a.status != PRESENT
    return meeting


def save(db: Database, meeting: Meeting, *, today: date | None = None) -> Meeting:
    """Insert or update a meeting with its attendance and 整改 items, in one transaction.

    The 补录 flag is decided when the record is first saved: entered more than the
    ``late_entry_days`` setting after the meeting date.
    """
    ensure_writable(db)
    meeting = _clean(meeting)
    errors = validate(meeting)
    if errors:
        raise ValidationError(errors)
    today = today or date.today()
    if meeting.kind == LIFE and not meeting.period:
        window = settings.get(db, "life_window_month")
        meeting.period = str(counted_year(meeting.the_date, window))
    if meeting.is_planned(today):
        # Not held yet: a plan (its 签到表 printed ahead). Who attended is recorded afterwards,
        # so nothing counts as 出席 before the meeting has taken place.
        meeting.attendance = []
    with db.atomic():
        if meeting.id is None:
            meeting.late_entry = is_late_entry(meeting.the_date, today,
                                               settings.get(db, "late_entry_days"))
            meeting.id = _insert(db, meeting)
        else:
            _update(db, meeting)
        _write_children(db, meeting)
    return get(db, meeting.id)


def _values(meeting: Meeting) -> dict:
    data = {k: getattr(meeting, k) for k in _COLUMNS}
    data["topics"] = json.dumps(meeting.topics, ensure_ascii=False)
    data["election"] = int(meeting.election)
    return data


def _insert(db: Database, meeting: Meeting) -> int:
    return tables.insert(db, "meetings", {**_values(meeting), "late_entry": int(meeting.late_entry)})


def _update(db: Database, meeting: Meeting) -> None:
    if not tables.update(db, "meetings", meeting.id, _values(meeting)):
        raise NotFoundError("这条会议记录已不存在，可能已被删除。")


def _write_children(db: Database, meeting: Meeting) -> None:
    db.execute("DELETE FROM attendance WHERE meeting_id = ?", [meeting.id])
    db.conn.executemany(
        "INSERT INTO attendance (meeting_id, member_id, status, reason, excused) "
        "VALUES (?, ?, ?, ?, ?)",
        [(meeting.id, a.member_id, a.status, clean(a.reason), int(a.excused))
         for a in meeting.attendance])
    db.execute("DELETE FROM rectifications WHERE meeting_id = ?", [meeting.id])
    db.conn.executemany(
        "INSERT INTO rectifications (meeting_id, sort_order, problem, measure, owner, due_date, "
        "done) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(meeting.id, i, clean(r.problem).strip(), clean(r.measure).strip(), clean(r.owner).strip(),
          r.due_date, int(r.done)) for i, r in enumerate(meeting.rectifications)
         if clean(r.problem).strip()])


def delete(db: Database, meeting_id: int) -> None:
    """Delete a meeting with its attendance, 整改 items and attachments (files no other
    record uses are deleted after the rows)."""
    ensure_writable(db)
    files = attachments.list_for(db, attachments.MEETING, meeting_id)
    with db.atomic():
        db.execute("DELETE FROM attachments WHERE owner_kind = 'meeting' AND owner_id = ?",
                   [meeting_id])
        db.execute("DELETE FROM meetings WHERE id = ?", [meeting_id])
    attachments.discard_unused(db, files)


# ---------------------------------------------------------------- queries

# A meeting with its host, recorder and 党小组 names (also core/ledger/records.py).
MEETING_SELECT = """
SELECT mt.*, COALESCE(h.name, '') AS host_name, COALESCE(r.name, '') AS recorder_name,
       COALESCE(g.name, '') AS group_name
FROM meetings mt
LEFT JOIN members h ON h.id = mt.host_id
LEFT JOIN members r ON r.id = mt.recorder_id
LEFT JOIN party_groups g ON g.id = mt.group_id
"""


def _rows(db: Database, where: str, params: list) -> list[dict]:
    cursor = db.execute(f"{MEETING_SELECT} {where} ORDER BY mt.date DESC, mt.start_time DESC, mt.id DESC",
                        params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _from_row(row: dict) -> Meeting:
    row = dict(row)
    row.pop("updated_at", None)
    row["topics"] = json.loads(row["topics"] or "[]")
    row["late_entry"] = bool(row["late_entry"])
    row["election"] = bool(row["election"])
    return Meeting(**row)


def get(db: Database, meeting_id: int) -> Meeting:
    rows = _rows(db, "WHERE mt.id = ?", [meeting_id])
    if not rows:
        raise NotFoundError("找不到这条会议记录，可能已被删除。请刷新后重试。")
    meeting = _from_row(rows[0])
    meeting.attendance = _attendance(db, meeting_id)
    meeting.rectifications = _rectifications(db, meeting_id)
    return meeting


def _attendance(db: Database, meeting_id: int) -> list[AttendanceEntry]:
    roles = _roles(db)
    cursor = db.execute(
        "SELECT a.member_id, m.name, a.status, a.reason, COALESCE(g.name, ''), m.party_post, "
        "a.excused FROM attendance a JOIN members m ON m.id = a.member_id "
        "LEFT JOIN party_groups g ON g.id = m.group_id "
        "WHERE a.meeting_id = ? ORDER BY COALESCE(g.sort_order, 9999), m.id", [meeting_id])
    return [AttendanceEntry(mid, name, status, reason, group, roles.get(mid, post),
                            bool(excused))
            for mid, name, status, reason, group, post, excused in cursor.fetchall()]


def _roles(db: Database) -> dict[int, str]:
    """member id -> committee role, or 党小组长 for a 党小组's leader (sign-in sheets)."""
    return {**branch.group_leaders(db), **branch.committee_roles(db)}


def _rectifications(db: Database, meeting_id: int) -> list[Rectification]:
    cursor = db.execute("SELECT problem, measure, owner, due_date, done FROM rectifications "
                        "WHERE meeting_id = ? ORDER BY sort_order, id", [meeting_id])
    return [Rectification(p, m, o, d, bool(done)) for p, m, o, d, done in cursor.fetchall()]


@dataclass
class MeetingSummary:
    """``counts``: from the recorded attendance; for a meeting with none recorded yet (a plan)
    ``attendance_recorded`` is False and only ``counts.expected`` means something: the people
    its sign-in sheet lists."""

    meeting: Meeting
    counts: Counts
    attachment_count: int = 0
    attendance_recorded: bool = True


def list_meetings(db: Database, *, year: int | None = None, kinds: tuple[str, ...] | None = None,
                  group_id: int | None = None, text: str = "") -> list[MeetingSummary]:
    """Meetings newest first, with counts, in three queries whatever their number.

    ``year``: the meetings dated in it and those counted for it wherever they are dated (a
    组织生活会 held in January for the year before, a 主题党日 by its 计入月份)."""
    clauses, params = [], []
    if year is not None:  # ranges, not substr(), so the indexes on the date serve it
        clauses.append("((mt.date >= ? AND mt.date < ?) OR (mt.period >= ? AND mt.period < ?))")
        params.extend([f"{year:04d}", f"{year + 1:04d}"] * 2)
    if kinds:
        clauses.append(f"mt.kind IN ({', '.join('?' * len(kinds))})")
        params.extend(kinds)
    if group_id is not None:
        clauses.append("mt.group_id = ?")
        params.append(group_id)
    if text.strip():
        clauses.append("(mt.topics LIKE ? OR mt.content LIKE ? OR mt.resolution LIKE ? "
                       "OR mt.place LIKE ? OR mt.lecture_title LIKE ?)")
        params.extend([f"%{text.strip()}%"] * 5)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = _rows(db, where, params)
    counts, files = _counts_by_meeting(db, where, params), _attachments_by_meeting(db, where, params)
    summaries = []
    for row in rows:
        m = _from_row(row)
        recorded = counts.get(m.id)
        summaries.append(MeetingSummary(m, recorded or _expected_counts(db, m),
                                        files.get(m.id, 0), recorded is not None))
    return summaries


def _expected_counts(db: Database, m: Meeting) -> Counts:
    """No attendance recorded (a plan): 应到 is who the sign-in sheet lists, as of its date."""
    return Counts(len(expected_entries(db, m.kind, m.the_date, m.group_id, m.held_as)), 0, 0, 0)


# The counts of the listed meetings only (``where`` is list_meetings' filter on ``mt``): counting
# every meeting's attendance for a list of one year made the list slower with every year kept.

def _counts_by_meeting(db: Database, where: str, params: list) -> dict[int, Counts]:
    cursor = db.execute(
        "SELECT meeting_id, count(*), sum(status = '出席'), sum(status = '请假'), "
        "sum(status = '缺席') FROM attendance "
        f"WHERE meeting_id IN (SELECT mt.id FROM meetings mt {where}) GROUP BY meeting_id", params)
    return {row[0]: Counts(*row[1:]) for row in cursor.fetchall()}


def _attachments_by_meeting(db: Database, where: str, params: list) -> dict[int, int]:
    cursor = db.execute("SELECT owner_id, count(*) FROM attachments WHERE owner_kind = 'meeting' "
                        f"AND owner_id IN (SELECT mt.id FROM meetings mt {where}) GROUP BY owner_id",
                        params)
    return dict(cursor.fetchall())


def theme_days_by_month(db: Database, year: int) -> dict[int, list[str]]:
    """Month of ``year`` -> the themes of the 主题党日 counted for it (by 计入月份), newest first."""
    cursor = db.execute("SELECT period, topics FROM meetings WHERE kind = ? AND period >= ? "
                        "AND period < ? ORDER BY date DESC, start_time DESC, id DESC",
                        [THEME_DAY, f"{year:04d}", f"{year + 1:04d}"])
    out: dict[int, list[str]] = {}
    for period, topics in cursor.fetchall():
        out.setdefault(int(period[5:7]), []).append("；".join(json.loads(topics or "[]")))
    return out


def years(db: Database) -> list[int]:
    """The years meetings are dated in or counted for, newest first."""
    cursor = db.execute("SELECT substr(date, 1, 4) FROM meetings UNION "
                        "SELECT substr(period, 1, 4) FROM meetings WHERE period != '' "
                        "ORDER BY 1 DESC")
    return [int(row[0]) for row in cursor.fetchall()]


@dataclass
class AttendanceRecord:
    meeting_id: int
    date: str
    kind: str
    title: str
    status: str
    reason: str


def member_history(db: Database, member_id: int) -> list[AttendanceRecord]:
    """A member's attendance at every meeting they were expected at, newest first."""
    cursor = db.execute(
        "SELECT mt.id, mt.date, mt.kind, mt.topics, mt.lecture_title, a.status, a.reason "
        "FROM attendance a JOIN meetings mt ON mt.id = a.meeting_id "
        "WHERE a.member_id = ? ORDER BY mt.date DESC, mt.id DESC", [member_id])
    return [AttendanceRecord(mid, d, kind, _title_of(topics, lecture), status, reason)
            for mid, d, kind, topics, lecture, status, reason in cursor.fetchall()]


def _title_of(topics_json: str, lecture_title: str) -> str:
    topics = json.loads(topics_json or "[]")
    return lecture_title or "；".join(topics)


# ---------------------------------------------------------------- what the checks read
# The 工作台 checks (core/rules.py) are pure functions over these plain records.

class HeldMeeting(NamedTuple):
    """A meeting as the yearly grid sees it (a tuple: a big branch has thousands)."""

    id: int
    kind: str
    group_id: int | None
    date: date
    period: str  # a 主题党日's 计入月份 (YYYY-MM), a 组织生活会's 计入年度 (YYYY); else ''
    late_entry: bool


def held_around(db: Database, year: int) -> list[HeldMeeting]:
    """Every meeting that may count for ``year``: those dated in ``year`` or the next, and the
    主题党日 whose 计入月份 is in ``year`` wherever they are dated (planned ones included)."""
    # Date ranges rather than substr(), so the indexes on the date are used.
    cursor = db.execute("SELECT id, kind, group_id, date, period, late_entry FROM meetings "
                        "WHERE date >= ? AND date < ? UNION "
                        "SELECT id, kind, group_id, date, period, late_entry FROM meetings "
                        "WHERE kind = ? AND period >= ? AND period < ?",
                        [f"{year:04d}", f"{year + 2:04d}", THEME_DAY, f"{year:04d}",
                         f"{year + 1:04d}"])
    return [HeldMeeting(mid, kind, gid, date.fromisoformat(on), period, bool(late))
            for mid, kind, gid, on, period, late in cursor.fetchall()]


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


def latest_statuses(db: Database, member_ids: list[int], as_of: date, since: date,
                    count: int) -> dict[int, list[str]]:
    """The last ``count`` attendance statuses of each member, newest first, by ``as_of``;
    complete for ``member_ids`` (others may appear with only their statuses after ``since``).

    Read through the index on the meeting date: the meetings after ``since`` for everyone,
    and older ones only for the members with fewer than ``count`` of those (one more query;
    the ids are our own integers, written into the SQL so no limit on parameters applies).
    """
    out: dict[int, list[str]] = {}
    for member_id, status in db.execute(_LATEST.format(where="mt.date > ?"),
                                        [as_of.isoformat(), since.isoformat(), count]):
        out.setdefault(member_id, []).append(status)
    short = [mid for mid in member_ids if len(out.get(mid, ())) < count]
    listed = ", ".join(str(int(mid)) for mid in short)
    older = _LATEST.format(where=f"mt.date <= ? AND a.member_id IN ({listed})")
    for member_id, status in db.execute(older, [as_of.isoformat(), since.isoformat(), count]):
        out.setdefault(member_id, []).append(status)
    return out


class MemberMonth(NamedTuple):
    """A member's attendance in one calendar month: how many meetings they were expected at,
    and how many of them they attended or were on 请假 for."""

    month: str  # YYYY-MM
    expected: int
    present: int
    leave: int


def attendance_by_member_month(db: Database, member_ids: list[int], first: date, until: date
                               ) -> dict[int, list[MemberMonth]]:
    """member id -> their months with a meeting they were expected at, dated from ``first`` to
    ``until`` (both included), oldest first, for ``member_ids`` only (the 工作台 asks it for
    the few whose latest mark is 缺席). Members expected nowhere are left out. The ids are our
    own integers, written into the SQL."""
    if not member_ids:
        return {}
    listed = ", ".join(str(int(mid)) for mid in member_ids)
    # CROSS JOIN keeps SQLite on the meetings of the time first, then (meeting, member) in
    # the attendance key: through the member's index it read all of each member's years.
    cursor = db.execute(
        "SELECT a.member_id, substr(mt.date, 1, 7), count(*), sum(a.status = ?), "
        "sum(a.status = ?) FROM meetings mt CROSS JOIN attendance a "
        f"ON a.meeting_id = mt.id AND a.member_id IN ({listed}) "
        "WHERE mt.date >= ? AND mt.date <= ? "
        "GROUP BY 1, 2 ORDER BY 1, 2", [PRESENT, LEAVE, first.isoformat(), until.isoformat()])
    out: dict[int, list[MemberMonth]] = {}
    for member_id, month, expected, present, leave in cursor:
        out.setdefault(member_id, []).append(MemberMonth(month, expected, present, leave))
    return out


class Marked(NamedTuple):
    """One person's mark at a meeting, as the quorum check reads it."""

    member_id: int
    status: str
    excused: bool


class DecisiveMeeting(NamedTuple):
    """A 党员大会 or 支委会 with its marks: the meetings whose decisions need a quorum."""

    id: int
    kind: str
    date: date
    election: bool
    marks: list[Marked]


def decisive_meetings(db: Database, year: int, held_by: date) -> list[DecisiveMeeting]:
    """The year's 党员大会 and 支委会 held by ``held_by`` with attendance recorded, by date."""
    cursor = db.execute(
        "SELECT mt.id, mt.kind, mt.date, mt.election, a.member_id, a.status, a.excused "
        "FROM meetings mt JOIN attendance a ON a.meeting_id = mt.id "
        "WHERE mt.kind IN (?, ?) AND mt.date >= ? AND mt.date < ? AND mt.date <= ? "
        "ORDER BY mt.date, mt.id", [GENERAL, COMMITTEE, f"{year:04d}", f"{year + 1:04d}",
                                    held_by.isoformat()])
    out: dict[int, DecisiveMeeting] = {}
    for mid, kind, on, election, member_id, status, excused in cursor:
        if mid not in out:
            out[mid] = DecisiveMeeting(mid, kind, date.fromisoformat(on), bool(election), [])
        out[mid].marks.append(Marked(member_id, status, bool(excused)))
    return list(out.values())


def life_meetings_for(db: Database, year: int) -> list[HeldMeeting]:
    """The 组织生活会 that may count for ``year``: dated in it or the year after."""
    cursor = db.execute("SELECT id, kind, group_id, date, period, late_entry FROM meetings "
                        "WHERE kind = ? AND date >= ? AND date < ?",
                        [LIFE, f"{year:04d}", f"{year + 2:04d}"])
    return [HeldMeeting(mid, kind, gid, date.fromisoformat(on), period, bool(late))
            for mid, kind, gid, on, period, late in cursor.fetchall()]


class MonthTotals(NamedTuple):
    month: int  # 1–12
    expected: int  # attendance rows (应到 summed over the month's meetings)
    present: int
    meetings: int


def attendance_by_month(db: Database, year: int) -> list[MonthTotals]:
    """The months of ``year`` that had meetings, with their attendance summed."""
    cursor = db.execute(
        "SELECT CAST(substr(mt.date, 6, 2) AS INTEGER), count(a.member_id), "
        "sum(a.status = ?), count(DISTINCT mt.id) FROM meetings mt "
        "LEFT JOIN attendance a ON a.meeting_id = mt.id WHERE mt.date >= ? AND mt.date < ? "
        "GROUP BY 1", [PRESENT, f"{year:04d}", f"{year + 1:04d}"])
    return [MonthTotals(month, expected, present or 0, count)
            for month, expected, present, count in cursor.fetchall()]


class OpenRectification(NamedTuple):
    problem: str
    owner: str
    due_date: str  # ISO date
    meeting_id: int
    meeting_date: str  # the 组织生活会 that set it


def open_rectifications(db: Database, held_by: date) -> list[OpenRectification]:
    """整改事项 not marked done that have a 完成时限, from meetings held by ``held_by``,
    soonest due first."""
    cursor = db.execute(
        "SELECT r.problem, r.owner, r.due_date, mt.id, mt.date FROM rectifications r "
        "JOIN meetings mt ON mt.id = r.meeting_id WHERE NOT r.done AND r.due_date IS NOT NULL "
        "AND mt.date <= ? ORDER BY r.due_date, mt.date, r.id", [held_by.isoformat()])
    return [OpenRectification(*row) for row in cursor.fetchall()]
