"""The branch itself: its profile (支部基本情况), its 党小组 and its committee (支部委员会)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from branchdesk.core.text import clean
from branchdesk.core.db import Database

from branchdesk.core import driver, members, settings
from branchdesk.core.db import ensure_writable
from branchdesk.core.errors import InUseError, ValidationError

COMMITTEE_ROLES = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "青年委员", "委员")
_PARTY_PREFIXES = ("中国共产党", "中共")
_COMMITTEE_SUFFIX = "委员会"


def short_name(full_name: str) -> str:
    """The branch's name for titles, from its full (official) name.

    A branch with a committee is officially "中共星河机械厂第一支部委员会"; on a sheet titled
    "…支部党员大会签到表" that reads badly, so the title takes "星河机械厂第一支部": a leading
    中共 / 中国共产党 and a 委员会 right after 支部 (党支部, 总支部) are dropped. Other names come
    back as they are (trimmed); a name that would come out empty is kept whole.
    """
    name = full_name.strip()
    for prefix in _PARTY_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):].lstrip()
            break
    if name.endswith(_COMMITTEE_SUFFIX) and name[:-len(_COMMITTEE_SUFFIX)].endswith("支部"):
        name = name[:-len(_COMMITTEE_SUFFIX)]
    return name or full_name.strip()


def title_name(db: Database) -> str:
    """The name printed in titles: the short name set in 支部信息, or else the one derived
    from the full name ("" when the branch has no name yet)."""
    return (settings.get(db, "branch_short_name").strip()
            or short_name(settings.get(db, "branch_name")))


def heading_name(db: Database) -> str:
    """What exported files' titles and names start with (ledger, roster, U盘 package):
    title_name, or 党支部 while the branch has no name yet."""
    return title_name(db) or "党支部"


@dataclass
class Group:
    id: int
    name: str
    sort_order: int
    leader_id: int | None = None  # the 党小组长, who chairs the 党小组会


@dataclass
class CommitteeSeat:
    id: int | None
    member_id: int
    role: str
    start_date: str | None = None
    end_date: str | None = None
    member_name: str = ""


def groups(db: Database) -> list[Group]:
    rows = db.execute("SELECT id, name, sort_order, leader_id FROM party_groups "
                      "ORDER BY sort_order, id")
    return [Group(*row) for row in rows.fetchall()]


def group_names(db: Database) -> dict[int, str]:
    return {g.id: g.name for g in groups(db)}


def save_groups(db: Database, items: list[str] | list[tuple[int | None, str]]) -> None:
    """Make the group list equal to ``items``, in that order.

    Items are ``(id, name)`` pairs: an existing id keeps its members under the (possibly new)
    name, ``None`` adds a group. Plain names are matched to existing groups by name. Groups
    left out are deleted, which is refused (InUseError) while members or meetings use them.
    """
    ensure_writable(db)
    existing = {g.name: g.id for g in groups(db)}
    pairs = [(g if isinstance(g, tuple) else (existing.get(g.strip()), g)) for g in items]
    pairs = [(gid, name.strip()) for gid, name in pairs if name and name.strip()]
    names = [name for _, name in pairs]
    if len(set(names)) != len(names):
        raise ValidationError({"groups": "党小组名称不能重复"})
    try:
        with db.atomic():
            _apply_groups(db, pairs)
    except driver.IntegrityError:
        raise InUseError("要删除的党小组中还有党员（或有该小组的会议记录），请先把党员调整到其他党小组。") from None


def _apply_groups(db: Database, pairs: list[tuple[int | None, str]]) -> None:
    kept = {gid for gid, _ in pairs if gid is not None}
    for group in groups(db):
        if group.id not in kept:
            db.execute("DELETE FROM party_groups WHERE id = ?", [group.id])
    for gid in kept:  # temporary names avoid UNIQUE clashes when groups swap names
        db.execute("UPDATE party_groups SET name = ? WHERE id = ?", [f"\0{gid}", gid])
    for order, (gid, name) in enumerate(pairs):
        name = clean(name).strip()
        if gid is None:
            db.execute("INSERT INTO party_groups (name, sort_order) VALUES (?, ?)", [name, order])
        else:
            db.execute("UPDATE party_groups SET name = ?, sort_order = ? WHERE id = ?",
                       [name, order, gid])


def set_group_leaders(db: Database, leaders: dict[int, int | None],
                      today: date | None = None) -> None:
    """Name each 党小组's 党小组长 (group id -> member id, None for nobody). A leader must be
    on the roll and in that 党小组 today. Runs inside the caller's transaction, if any."""
    ensure_writable(db)
    today = today or date.today()
    book = members.RollBook(db)
    names = group_names(db)
    with db.atomic():
        for group_id, member_id in leaders.items():
            if member_id is not None:
                _check_leader(book, member_id, group_id, names.get(group_id, ""), today)
            db.execute("UPDATE party_groups SET leader_id = ? WHERE id = ?", [member_id, group_id])


def _check_leader(book, member_id: int, group_id: int, group: str, today: date) -> None:
    member = next((m for m in book.members if m.id == member_id), None)
    entry = book.entry(member, today) if member else None
    if entry is None or entry.group_id != group_id:
        name = member.name if member else "所选党员"
        raise ValidationError({"groups": f"{name}不是{group}的党员，不能担任该党小组组长"})


def group_leaders(db: Database) -> dict[int, str]:
    """member id -> "党小组长", for the 党小组长 of every group (sign-in sheets, minutes)."""
    return {g.leader_id: "党小组长" for g in groups(db) if g.leader_id is not None}


def ensure_group(db: Database, name: str) -> int:
    """The id of the group called ``name``, creating it at the end if needed."""
    name = clean(name).strip()
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
    _check_eligible(db, [s for key, s in wanted.items() if key not in current],
                    on or date.today())
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


def _check_eligible(db: Database, new: list[CommitteeSeat], on: date) -> None:
    """预备党员, members under 留党察看 and those whose 党籍 is stopped cannot take a seat
    (选举工作条例 第五条); checked for the seats that start now, on ``on``."""
    if not new:
        return
    book = members.RollBook(db)
    by_id = {m.id: m for m in book.members}
    for seat in new:
        member = by_id.get(seat.member_id)
        entry = book.entry(member, on) if member else None
        barred = members.seat_barred(entry) if entry else None
        if barred:
            raise ValidationError({"committee": f"{member.name}{barred}，没有被选举权，"
                                                f"不能担任{seat.role}"})


def _check_seats(seats: list[CommitteeSeat]) -> None:
    holders = [s.member_id for s in seats if s.end_date is None]
    if len(set(holders)) != len(holders):
        raise ValidationError({"committee": "同一名党员在支委会中只能担任一个职务"})
    for role in ("书记", "副书记"):
        if sum(1 for s in seats if s.role == role and s.end_date is None) > 1:
            raise ValidationError({"committee": f"{role}只能有一位"})


def committee_roles(db: Database) -> dict[int, str]:
    """member id -> current committee role."""
    return {s.member_id: s.role for s in committee(db) if s.end_date is None}


def secretary_seat(db: Database, on: date) -> CommitteeSeat | None:
    """The 书记's seat on ``on``, or None when nobody holds it that day."""
    return next((s for s in committee(db, on) if s.role == "书记"), None)


# ---------------------------------------------------------------- the profile

@dataclass
class Profile:
    """支部基本情况 as 设置 → 支部信息 (and the first-run set-up) edits it."""

    branch_name: str
    short_name: str = ""  # the name in titles; empty: derived from branch_name (title_name)
    parent_org: str = ""
    secretary_name: str = ""  # empty: the member given the 书记 seat
    term_start: date | None = None  # 本届支委会选举日期
    term_years: int = 3


def save_profile(db: Database, profile: Profile, groups: list[tuple[int | None, str]],
                 seats: list[CommitteeSeat] | None = None, *, effective: date | None = None,
                 first_run: bool = False, today: date | None = None,
                 leaders: dict[int, int | None] | None = None) -> None:
    """Store the profile, the 党小组 (as save_groups takes them) and the committee together:
    all of it or, on any error, nothing.

    支部名称 is required (ValidationError on ``branch_name``). A 支部书记 left empty is the
    member given the 书记 seat in ``seats``. On the first run the 工作台 starts checking this
    month (``records_start``, unless already set): months before the branch began using the
    app are not 缺项, and 设置 → 检查规则 moves the date back for records entered afterwards.
    ``seats`` None leaves the committee alone (nobody on the roll yet); otherwise the first
    committee is set up undated, and a change takes effect on ``effective`` (save_committee;
    ``today`` when None).
    ``leaders``: the 党小组长 of the groups that existed before (set_group_leaders); a group
    deleted here is skipped.
    """
    ensure_writable(db)
    name = profile.branch_name.strip()
    if not name:
        raise ValidationError({"branch_name": "请填写支部名称"})
    today = today or date.today()
    with db.atomic():
        settings.put(db, _profile_values(db, profile, name, seats or []))
        if first_run and not settings.get(db, "records_start"):
            settings.put(db, {"records_start": date(today.year, today.month, 1).isoformat()})
        save_groups(db, groups)
        kept = set(group_names(db)) if leaders else set()  # ``groups`` is the argument here
        set_group_leaders(db, {g: m for g, m in (leaders or {}).items() if g in kept}, today)
        if seats is not None:
            initial = not any(s.end_date is None for s in committee(db))
            # a change to a sitting committee is always dated (today when no date is given):
            # undated, the seats that go would be deleted and past meetings lose their 支委会
            save_committee(db, seats, None if initial else (effective or today))


def _profile_values(db: Database, profile: Profile, name: str, seats: list[CommitteeSeat]
                    ) -> dict:
    secretary = profile.secretary_name.strip() or next(
        (members.get(db, s.member_id).name for s in seats if s.role == "书记"), "")
    return {"branch_name": name, "branch_short_name": profile.short_name.strip(),
            "parent_org": profile.parent_org.strip(),
            "secretary_name": secretary,
            "term_start": profile.term_start.isoformat() if profile.term_start else "",
            "term_years": profile.term_years, "setup_done": True}
