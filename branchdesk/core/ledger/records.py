"""What the yearly ledger reads, in a fixed number of queries whatever the number of records.

The meetings of a period come with their attendance and 整改 items from three queries (not one
per meeting), and the per-member attendance totals from one aggregate query.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date

from branchdesk.core.db import Database

from branchdesk.core import talks
from branchdesk.core.ledger.period import LedgerPeriod
from branchdesk.core.meetings import (LIFE, MEETING_SELECT, AttendanceEntry, Counts, Meeting,
                                     Rectification)

_MEETINGS = MEETING_SELECT + """
WHERE mt.date BETWEEN ? AND ?
ORDER BY mt.date, mt.start_time, mt.id
"""

_ATTENDANCE = """
SELECT a.meeting_id, a.member_id, m.name, a.status, a.reason, COALESCE(g.name, '')
FROM attendance a
JOIN meetings mt ON mt.id = a.meeting_id
JOIN members m ON m.id = a.member_id
LEFT JOIN party_groups g ON g.id = m.group_id
WHERE mt.date BETWEEN ? AND ?
ORDER BY COALESCE(g.sort_order, 9999), m.id
"""

_RECTIFICATIONS = """
SELECT r.meeting_id, r.problem, r.measure, r.owner, r.due_date, r.done
FROM rectifications r JOIN meetings mt ON mt.id = r.meeting_id
WHERE mt.date BETWEEN ? AND ?
ORDER BY r.sort_order, r.id
"""

_TOTALS = """
SELECT a.member_id, mt.kind, count(*), sum(a.status = '出席'), sum(a.status = '请假'),
       sum(a.status = '缺席')
FROM attendance a JOIN meetings mt ON mt.id = a.meeting_id
WHERE mt.date BETWEEN ? AND ?
GROUP BY a.member_id, mt.kind
"""


_MEETING_FIELDS = {f.name for f in fields(Meeting)}


def _bounds(period: LedgerPeriod) -> list[str]:
    return [period.start.isoformat(), period.end.isoformat()]


def meetings_in(db: Database, period: LedgerPeriod, held_by: date | None = None
                ) -> list[Meeting]:
    """Every meeting of every kind held in the period, oldest first, with attendance and 整改.

    A 组织生活会 belongs to the ledger of the year it is for (its 计入年度): in a ledger that
    covers that year whole it is listed wherever it is dated (the 2026年度 one held in January
    2027, once held by ``held_by``), and not in the ledger of the year it happens to be dated
    in. Otherwise it is listed by its date."""
    bounds = _bounds(period)
    if held_by is not None and held_by > period.end:
        bounds[1] = min(held_by, date(period.end.year + 1, 12, 31)).isoformat()
    whole = _whole_years(period)
    found = [m for m in map(_meeting, _dicts(db, _MEETINGS, bounds))
             if _listed(m, period, whole)]
    by_id = {m.id: m for m in found}
    for meeting_id, *entry in db.execute(_ATTENDANCE, bounds).fetchall():
        member_id, name, status, reason, group = entry
        if meeting_id in by_id:
            by_id[meeting_id].attendance.append(
                AttendanceEntry(member_id, name, status, reason or "", group))
    for meeting_id, problem, measure, owner, due, done in db.execute(
            _RECTIFICATIONS, bounds).fetchall():
        if meeting_id in by_id:
            by_id[meeting_id].rectifications.append(
                Rectification(problem, measure or "", owner or "", due, bool(done)))
    return found


def _whole_years(period: LedgerPeriod) -> set[int]:
    return {y for y in period.years
            if period.start <= date(y, 1, 1) and date(y, 12, 31) <= period.end}


def _listed(m: Meeting, period: LedgerPeriod, whole: set[int]) -> bool:
    in_range = period.start.isoformat() <= m.date <= period.end.isoformat()
    if m.kind != LIFE or not m.period.isdigit():
        return in_range
    year = int(m.period)
    if year in whole:
        return True
    return in_range and (not whole or year >= period.start.year)


def _dicts(db: Database, sql: str, params: list) -> list[dict]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _meeting(row: dict) -> Meeting:
    values = {k: v for k, v in row.items() if k in _MEETING_FIELDS}  # e.g. not updated_at
    values["topics"] = json.loads(row["topics"] or "[]")
    values["late_entry"] = bool(row["late_entry"])
    return Meeting(**values)


def attendance_totals(db: Database, period: LedgerPeriod) -> dict[tuple[int, str], Counts]:
    """(member id, meeting kind) → 应参加 / 出席 / 请假 / 缺席 over the period."""
    rows = db.execute(_TOTALS, _bounds(period)).fetchall()
    return {(member_id, kind): Counts(*numbers) for member_id, kind, *numbers in rows}


def talks_in(db: Database, period: LedgerPeriod) -> list[talks.Talk]:
    """The talks held in the period, oldest first."""
    found = [t for year in period.years for t in talks.list_talks(db, year=year)
             if period.contains(date.fromisoformat(t.date))]
    return sorted(found, key=lambda t: (t.date, t.id))
