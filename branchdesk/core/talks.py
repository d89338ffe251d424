"""谈心谈话: the talk register and the yearly coverage (each pair at least once a year)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from branchdesk.core.db import Database

from branchdesk.core import branch, settings, tables
from branchdesk.core.db import ensure_writable
from branchdesk.core.errors import NotFoundError, ValidationError
from branchdesk.core.meetings import is_late_entry
from branchdesk.core.members import RollEntry, roll_as_of

INDIVIDUAL, GROUP_TALK = "个别谈话", "集体谈话"
FORMS = (INDIVIDUAL, GROUP_TALK, "电话/线上")
OCCASIONS = ("日常", "岗位变动", "转入", "入党/转正", "提醒", "组织生活会前", "困难帮扶", "其他")


@dataclass
class Talk:
    date: str = ""
    place: str = ""
    talker_id: int | None = None
    talker_name: str = ""  # for a talker from outside the branch (e.g. a higher-level leader)
    form: str = FORMS[0]
    occasion: str = OCCASIONS[0]
    topic: str = ""
    content: str = ""
    feedback: str = ""
    follow_up: str = ""
    followed_up: bool = False
    late_entry: bool = False
    target_ids: list[int] = field(default_factory=list)
    id: int | None = None
    target_names: list[str] = field(default_factory=list)


def validate(talk: Talk) -> dict[str, str]:
    errors = {}
    try:
        date.fromisoformat(talk.date)
    except (TypeError, ValueError):
        errors["date"] = "请填写谈话日期"
    if talk.talker_id is None and not talk.talker_name.strip():
        errors["talker"] = "请选择谈话人，或填写外单位谈话人的姓名"
    if not talk.target_ids:
        errors["targets"] = "请至少选择一名谈话对象"
    elif talk.talker_id in talk.target_ids:
        errors["targets"] = "谈话人不能同时是谈话对象"
    elif talk.form == INDIVIDUAL and len(talk.target_ids) > 1:
        errors["targets"] = "个别谈话只有一名谈话对象；同时与几人谈话，请把谈话形式选为“集体谈话”"
    if talk.form not in FORMS:
        errors["form"] = "请选择谈话形式"
    return errors


_COLUMNS = ("date", "place", "talker_id", "talker_name", "form", "occasion", "topic", "content",
            "feedback", "follow_up")


def save(db: Database, talk: Talk, *, today: date | None = None) -> Talk:
    """Insert or update a talk with its targets in one transaction (补录 decided on insert)."""
    ensure_writable(db)
    talk.talker_name = talk.talker_name.strip() if talk.talker_id is None else ""
    talk.target_ids = list(dict.fromkeys(talk.target_ids))
    errors = validate(talk)
    if errors:
        raise ValidationError(errors)
    today = today or date.today()
    with db.atomic():
        if talk.id is None:
            late = is_late_entry(date.fromisoformat(talk.date), today,
                                 settings.get(db, "late_entry_days"))
            talk.id = _insert(db, talk, late)
        else:
            _update(db, talk)
        db.execute("DELETE FROM talk_targets WHERE talk_id = ?", [talk.id])
        db.conn.executemany("INSERT INTO talk_targets (talk_id, member_id) VALUES (?, ?)",
                            [(talk.id, mid) for mid in talk.target_ids])
    return get(db, talk.id)


def _values(talk: Talk) -> dict:
    data = {k: getattr(talk, k) for k in _COLUMNS}
    data["followed_up"] = int(talk.followed_up)
    return data


def _insert(db: Database, talk: Talk, late: bool) -> int:
    return tables.insert(db, "talks", {**_values(talk), "late_entry": int(late)})


def _update(db: Database, talk: Talk) -> None:
    if not tables.update(db, "talks", talk.id, _values(talk)):
        raise NotFoundError("这条谈话记录已不存在，可能已被删除。")


def delete(db: Database, talk_id: int) -> None:
    ensure_writable(db)
    with db.atomic():
        db.execute("DELETE FROM attachments WHERE owner_kind = 'talk' AND owner_id = ?", [talk_id])
        db.execute("DELETE FROM talks WHERE id = ?", [talk_id])


_SELECT = ("SELECT t.*, COALESCE(m.name, t.talker_name) AS talker_label FROM talks t "
           "LEFT JOIN members m ON m.id = t.talker_id")


def _from_rows(db: Database, where: str, params: list) -> list[Talk]:
    cursor = db.execute(f"{_SELECT} {where} ORDER BY t.date DESC, t.id DESC", params)
    names = [d[0] for d in cursor.description]
    targets = _targets(db, where, params)
    talks = []
    for row in cursor.fetchall():
        data = dict(zip(names, row))
        label = data.pop("talker_label")
        for key in ("created_at", "updated_at"):
            data.pop(key)
        talk = Talk(**{**data, "followed_up": bool(data["followed_up"]),
                       "late_entry": bool(data["late_entry"])})
        talk.talker_name = label or ""
        talk.target_ids = [mid for mid, _ in targets.get(talk.id, [])]
        talk.target_names = [name for _, name in targets.get(talk.id, [])]
        talks.append(talk)
    return talks


def _targets(db: Database, where: str, params: list) -> dict[int, list[tuple[int, str]]]:
    """The targets of the talks ``where`` selects only: reading every talk's targets made
    get() (called after each save) slower with every talk in the file."""
    out: dict[int, list[tuple[int, str]]] = {}
    cursor = db.execute("SELECT tt.talk_id, m.id, m.name FROM talk_targets tt "
                        "JOIN members m ON m.id = tt.member_id "
                        f"WHERE tt.talk_id IN (SELECT t.id FROM talks t LEFT JOIN members m "
                        f"ON m.id = t.talker_id {where}) ORDER BY m.id", params)
    for talk_id, mid, name in cursor.fetchall():
        out.setdefault(talk_id, []).append((mid, name))
    return out


def get(db: Database, talk_id: int) -> Talk:
    found = _from_rows(db, "WHERE t.id = ?", [talk_id])
    if not found:
        raise NotFoundError("找不到这条谈话记录，可能已被删除。请刷新后重试。")
    return found[0]


def list_talks(db: Database, *, year: int | None = None, text: str = "") -> list[Talk]:
    clauses, params = [], []
    if year is not None:  # a range, not substr(), so the index on the date serves it
        clauses.append("t.date >= ? AND t.date < ?")
        params.extend([f"{year:04d}", f"{year + 1:04d}"])
    if text.strip():
        like = f"%{text.strip()}%"
        clauses.append("(t.topic LIKE ? OR t.content LIKE ? OR t.feedback LIKE ? OR "
                       "COALESCE(m.name, t.talker_name) LIKE ? OR t.id IN (SELECT tt.talk_id "
                       "FROM talk_targets tt JOIN members x ON x.id = tt.member_id "
                       "WHERE x.name LIKE ?))")
        params.extend([like] * 5)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return _from_rows(db, where, params)


def years(db: Database) -> list[int]:
    return [int(r[0]) for r in db.execute("SELECT DISTINCT substr(date, 1, 4) FROM talks ORDER BY 1 DESC")]


# ---------------------------------------------------------------- coverage

@dataclass
class Coverage:
    year: int
    as_of: date
    committee: list[tuple[int, str]]  # (member id, name) of the committee on as_of
    members: list[tuple[int, str]]  # everyone on the roll on as_of who is not on the committee
    pair_counts: dict[tuple[int, int], int]  # (member id, committee id) -> talks that year

    def count(self, member_id: int, committee_id: int) -> int:
        return self.pair_counts.get((member_id, committee_id), 0)

    def members_without_committee_talk(self) -> list[tuple[int, str]]:
        ids = [c for c, _ in self.committee]
        return [(m, n) for m, n in self.members if not any(self.count(m, c) for c in ids)]

    def committee_pairs_missing(self) -> list[tuple[tuple[int, str], tuple[int, str]]]:
        return [(a, b) for a, b in combinations(self.committee, 2) if not self.count(a[0], b[0])]

    def gaps(self) -> list[tuple[int, int]]:
        """Every (member, committee member) pair with no talk, committee pairs once each."""
        out = [(m, c) for m, _ in self.members for c, _ in self.committee if not self.count(m, c)]
        out += [(a[0], b[0]) for a, b in self.committee_pairs_missing()]
        return out


def coverage(db: Database, year: int, as_of: date | None = None, *,
             roll: list[RollEntry] | None = None) -> Coverage:
    """Who has been talked to this year. People are taken as on ``as_of`` (default: the
    year's end, or today while the year is running): a member who joined mid-year is
    expected, one who left is not; a new committee member is expected from their seat on.
    ``roll``: roll_as_of(db, as_of) when the caller has it already (as_of must be given).
    """
    if as_of is None or as_of.year != year:
        roll = None  # the caller's roll is for another day
        as_of = as_of or min(date(year, 12, 31), date.today())
        if as_of.year != year:
            as_of = date(year, 12, 31)
    entries = roll_as_of(db, as_of) if roll is None else roll
    roll = {e.member.id: e.member.name for e in entries if not e.suspended}
    committee = [(s.member_id, s.member_name) for s in branch.committee(db, as_of)
                 if s.member_id in roll]
    committee_ids = {c for c, _ in committee}
    members = [(mid, name) for mid, name in roll.items() if mid not in committee_ids]
    return Coverage(year, as_of, committee, members, _pair_counts(db, year))


def _pair_counts(db: Database, year: int) -> dict[tuple[int, int], int]:
    """Talks between two members in a year, counted in both directions."""
    cursor = db.execute(
        "SELECT t.talker_id, tt.member_id FROM talks t JOIN talk_targets tt ON tt.talk_id = t.id "
        "WHERE t.talker_id IS NOT NULL AND t.date >= ? AND t.date < ?",
        [f"{year:04d}", f"{year + 1:04d}"])
    counts: dict[tuple[int, int], int] = {}
    for talker, target in cursor.fetchall():
        for key in ((talker, target), (target, talker)):
            counts[key] = counts.get(key, 0) + 1
    return counts
