"""The branch itself: its 党小组 and its committee (支部委员会)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from branchdesk.core.db import ensure_writable
from branchdesk.core.errors import InUseError, ValidationError

COMMITTEE_ROLES = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "青年委员", "委员")


@dataclass
class Group:
    id: int
    name: str
    sort_order: int


@dataclass
class CommitteeSeat:
    id: int | None
    member_id: int
    role: str
    start_date: str | None = None
    end_date: str | None = None
    member_name: str = ""


def groups(db: Database) -> list[Group]:
    rows = db.execute("SELECT id, name, sort_order FROM party_groups ORDER BY sort_order, id")
    return [Group(*row) for row in rows.fetchall()]


def group_names(db: Database) -> dict[int, str]:
    return {g.id: g.name for g in groups(db)}


def save_groups(db: Database, names: list[str]) -> None:
    """Make the group list equal to ``names`` (in order); renames keep their members.

    Existing groups are matched by position; extra old groups are deleted only when no member
    belongs to them.
    """
    ensure_writable(db)
    clean = [n.strip() for n in names if n and n.strip()]
    if len(set(clean)) != len(clean):
        raise ValidationError({"groups": "党小组名称不能重复"})
    existing = groups(db)
    try:
        with db.atomic():
            _apply_groups(db, existing, clean)
    except sqlite3.IntegrityError:
        raise InUseError("要删除的党小组中还有党员，请先把他们调整到其他党小组。") from None


def _apply_groups(db: Database, existing: list[Group], names: list[str]) -> None:
    for index, group in enumerate(existing):
        if index >= len(names):
            db.execute("DELETE FROM party_groups WHERE id = ?", [group.id])
        else:  # temporary names avoid UNIQUE clashes when groups are reordered
            db.execute("UPDATE party_groups SET name = ? WHERE id = ?", [f"\0{group.id}", group.id])
    for index, name in enumerate(names):
        if index < len(existing):
            db.execute("UPDATE party_groups SET name = ?, sort_order = ? WHERE id = ?",
                       [name, index, existing[index].id])
        else:
            db.execute("INSERT INTO party_groups (name, sort_order) VALUES (?, ?)", [name, index])


def ensure_group(db: Database, name: str) -> int:
    """The id of the group called ``name``, creating it at the end if needed."""
    row = db.execute("SELECT id FROM party_groups WHERE name = ?", [name]).fetchone()
    if row:
        return row[0]
    order = db.execute("SELECT COALESCE(MAX(sort_order), -1) + 1 FROM party_groups").fetchone()[0]
    return db.execute("INSERT INTO party_groups (name, sort_order) VALUES (?, ?)",
                      [name, order]).lastrowid


def committee(db: Database, on: date | None = None) -> list[CommitteeSeat]:
    """Committee seats; with ``on``, only those held on that date."""
    sql = ("SELECT c.id, c.member_id, c.role, c.start_date, c.end_date, m.name FROM committee c "
           "JOIN members m ON m.id = c.member_id")
    params: list = []
    if on is not None:
        sql += (" WHERE (c.start_date IS NULL OR c.start_date <= ?)"
                " AND (c.end_date IS NULL OR c.end_date >= ?)")
        params = [on.isoformat(), on.isoformat()]
    sql += " ORDER BY c.end_date IS NOT NULL, c.id"
    rows = db.execute(sql, params).fetchall()
    seats = [CommitteeSeat(*row) for row in rows]
    return sorted(seats, key=lambda s: (s.end_date is not None, COMMITTEE_ROLES.index(s.role)
                                        if s.role in COMMITTEE_ROLES else 99))


def save_committee(db: Database, seats: list[CommitteeSeat], on: date | None = None) -> None:
    """Make the current committee equal to ``seats`` from ``on``.

    Seats that stay (same member and role) are untouched; seats that go are closed the day
    before ``on``, so past meetings keep their committee; new seats start on ``on``. Without
    ``on`` (first set-up) removed seats are deleted and new ones have no start date.
    """
    ensure_writable(db)
    _check_seats(seats)
    current = {(s.member_id, s.role): s for s in committee(db) if s.end_date is None}
    wanted = {(s.member_id, s.role): s for s in seats}
    with db.atomic():
        for key, seat in current.items():
            if key not in wanted:
                _close_seat(db, seat, on)
        for key, seat in wanted.items():
            if key not in current:
                start = seat.start_date or (on.isoformat() if on else None)
                db.execute("INSERT INTO committee (member_id, role, start_date) VALUES (?, ?, ?)",
                           [seat.member_id, seat.role, start])


def _close_seat(db: Database, seat: CommitteeSeat, on: date | None) -> None:
    if on is None or (seat.start_date and seat.start_date >= on.isoformat()):
        db.execute("DELETE FROM committee WHERE id = ?", [seat.id])
    else:
        end = date.fromordinal(on.toordinal() - 1).isoformat()
        db.execute("UPDATE committee SET end_date = ? WHERE id = ?", [end, seat.id])


def _check_seats(seats: list[CommitteeSeat]) -> None:
    members = [s.member_id for s in seats if s.end_date is None]
    if len(set(members)) != len(members):
        raise ValidationError({"committee": "同一名党员在支委会中只能担任一个职务"})
    for role in ("书记", "副书记"):
        if sum(1 for s in seats if s.role == role and s.end_date is None) > 1:
            raise ValidationError({"committee": f"{role}只能有一位"})


def committee_roles(db: Database) -> dict[int, str]:
    """member id -> current committee role."""
    return {s.member_id: s.role for s in committee(db) if s.end_date is None}
