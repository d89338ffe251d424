"""The member roll (党员名册): records, validation, search, status history, roll as of a date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date

from branchdesk.core.db import Database

from branchdesk.core import driver, idcard, tables
from branchdesk.core.dates import add_months, add_years, from_iso, month_only, parse_date, to_iso
from branchdesk.core.db import ensure_writable
from branchdesk.core.text import clean
from branchdesk.core.errors import InUseError, NotFoundError, ValidationError
from branchdesk.core.pinyin import matches, search_key

CATEGORIES = ("正式党员", "预备党员")
GENDERS = ("男", "女")
EDUCATIONS = ("研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下")
PARTY_STATUSES = ("正常", "停止党籍")
ACTIVE = "在册"
# Status changes that take a member off the roll, and the ones that (re)enter it.
LEAVE_KINDS = ("转出", "去世", "出党", "除名", "取消预备党员资格")
ENTER_KINDS = ("转入",)
# 留党察看 (a dated 党纪处分: no vote, cannot elect or be elected) lasts until 恢复党员权利.
OBSERVED, RESTORED = "留党察看", "恢复党员权利"
# 出国出境 lasts until 回国（境）: the branch contacts the member every six months meanwhile.
ABROAD, RETURNED = "出国出境", "回国（境）"
OTHER_KINDS = ("转正", "延长预备期", "停止党籍", "恢复党籍", OBSERVED, RESTORED, ABROAD, RETURNED,
               "调整党小组", "其他")
# Written to the history when the 失联 box is ticked or cleared (dated by 失联日期).
LOST, FOUND = "失联", "恢复联系"
STATUS_KINDS = ENTER_KINDS + LEAVE_KINDS + OTHER_KINDS
# 组织活动不作硬性要求 (党员教育管理工作条例 第二十三条): why, when marked for a member.
EXEMPTION_KINDS = ("老弱病残", "经支部同意长期外出")
DATE_FIELDS = ("birth_date", "join_date", "full_date", "branch_join_date", "lost_contact_date",
               "mobile_since", "left_date")

LABELS = {
    "name": "姓名", "gender": "性别", "ethnicity": "民族", "id_number": "公民身份号码",
    "birth_date": "出生日期", "native_place": "籍贯", "education": "学历",
    "category": "人员类别", "group_id": "所在党小组", "join_date": "入党日期",
    "full_date": "转正日期", "branch_join_date": "转入本支部日期", "job": "工作岗位/职务",
    "party_post": "党内职务", "phone": "联系电话", "address": "家庭住址",
    "party_status": "党籍状态", "lost_contact": "失联", "lost_contact_date": "失联日期",
    "mobile": "流动党员", "mobile_destination": "外出流向", "mobile_since": "外出日期",
    "mobile_contact": "联系人", "introducers": "入党介绍人",
    "notes": "备注", "status": "状态", "left_date": "离开日期",
}


@dataclass
class Member:
    name: str = ""
    gender: str = ""
    ethnicity: str = ""
    id_number: str | None = None
    birth_date: str | None = None
    native_place: str = ""
    education: str = ""
    category: str = "正式党员"
    group_id: int | None = None
    join_date: str | None = None
    full_date: str | None = None
    branch_join_date: str | None = None
    job: str = ""
    party_post: str = ""
    phone: str = ""
    address: str = ""
    party_status: str = "正常"
    lost_contact: bool = False
    lost_contact_date: str | None = None
    mobile: bool = False
    mobile_destination: str = ""
    mobile_since: str | None = None  # 外出日期: away from here, without transferring
    mobile_contact: str = ""  # who keeps in touch (a person there, or the branch's own)
    introducers: str = ""
    notes: str = ""
    status: str = ACTIVE
    left_date: str | None = None
    id: int | None = None
    group_name: str = field(default="", compare=False)
    search_key: str = field(default="", compare=False)

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass
class Issues:
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


_FIELD_NAMES = [f.name for f in fields(Member)]
_COLUMNS = [f.name for f in fields(Member) if f.name not in ("id", "group_name", "search_key")]
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")


# ---------------------------------------------------------------- validation

def normalise(member: Member) -> Member:
    """Trim text, normalise the ID number and phone, fill birth date and sex from the ID."""
    # Fields read directly: asdict() deep-copies recursively, a noticeable share of a big import.
    values = {name: (clean(v).strip() if isinstance(v := getattr(member, name), str) else v)
              for name in _FIELD_NAMES}
    m = Member(**values)
    m.id_number = idcard.normalise(m.id_number) or None if m.id_number else None
    m.phone = re.sub(r"[\s()（）]", "", m.phone.translate(str.maketrans("０１２３４５６７８９－", "0123456789-")))
    for name in DATE_FIELDS:
        setattr(m, name, getattr(m, name) or None)
    if m.id_number:
        try:
            info = idcard.parse(m.id_number)
        except ValueError:
            return m
        m.birth_date = _birth_date_with_id(m.birth_date, info.birth_date)
        m.gender = m.gender or info.gender
    return m


def completed_birth_date(typed: str | None, id_number: str | None) -> str | None:
    """The birth date to show once the ID number is known: the ID's date when nothing is typed
    or when only a year and month are typed (出生年月, as many rosters give it) and they agree
    with the ID; otherwise what was typed. None when the ID number cannot be read."""
    try:
        info = idcard.parse(idcard.normalise(id_number or ""))
    except ValueError:
        return None
    return _birth_date_with_id((typed or "").strip() or None, info.birth_date)


def _birth_date_with_id(typed: str | None, from_id: date) -> str | None:
    if not typed or month_only(typed) == (from_id.year, from_id.month):
        return from_id.isoformat()
    return typed


def validate(member: Member, today: date | None = None) -> Issues:
    """Errors block saving; warnings are shown but the record may be saved."""
    today = today or date.today()
    issues = Issues()
    err, warn = issues.errors, issues.warnings
    if not member.name:
        err["name"] = "请填写姓名"
    elif len(member.name) > 30:
        err["name"] = "姓名过长"
    if member.category not in CATEGORIES:
        err["category"] = "人员类别应为“正式党员”或“预备党员”"
    if member.gender and member.gender not in GENDERS:
        err["gender"] = "性别应为“男”或“女”"
    _check_dates(member, today, issues)
    _check_id(member, issues)
    if member.phone and not _PHONE.match(member.phone):
        err["phone"] = "联系电话格式不对：手机号为11位，座机如 010-12345678"
    if member.category == "预备党员" and member.full_date:
        err["full_date"] = "预备党员不应有转正日期；如已转正，请把人员类别改为“正式党员”"
    if member.lost_contact and not member.lost_contact_date:
        warn["lost_contact_date"] = "已标记失联，建议填写失联日期"
    if member.mobile and not member.mobile_destination:
        warn["mobile_destination"] = "已标记流动党员，建议填写外出流向"
    if member.mobile and not member.mobile_since:
        warn["mobile_since"] = "已标记流动党员，建议填写外出日期"
    return issues


def _check_dates(member: Member, today: date, issues: Issues) -> None:
    parsed = {}
    for name in DATE_FIELDS:
        raw = getattr(member, name)
        try:
            parsed[name] = parse_date(raw)
        except ValueError as exc:
            issues.errors[name] = str(exc)
            continue
        if parsed[name] and parsed[name] > today and name not in ("left_date",):
            issues.errors[name] = f"{LABELS[name]}不能晚于今天"
    join, full, birth = parsed.get("join_date"), parsed.get("full_date"), parsed.get("birth_date")
    if join and full and full < join:
        issues.errors["full_date"] = "转正日期不能早于入党日期"
    elif join and full and full < add_years(join, 1):
        issues.warnings["full_date"] = "转正日期距入党日期不足一年，请核对"
    if birth and join and join < add_years(birth, 18):
        issues.warnings["join_date"] = "入党时未满18周岁，请核对出生日期和入党日期"


def _check_id(member: Member, issues: Issues) -> None:
    if not member.id_number:
        return
    try:
        info = idcard.parse(member.id_number)
    except ValueError as exc:
        issues.errors["id_number"] = str(exc)
        return
    if info.legacy:
        issues.warnings["id_number"] = "这是旧的15位身份证号，建议换成18位号码"
    if member.birth_date and not _agrees(member.birth_date, info.birth_date):
        issues.warnings["birth_date"] = f"出生日期与身份证号不一致（身份证号为 {info.birth_date.isoformat()}）"
    if member.gender and member.gender != info.gender:
        issues.warnings["gender"] = f"性别与身份证号不一致（身份证号为{info.gender}）"


def _agrees(typed: str, from_id: date) -> bool:
    """Whether a typed birth date (possibly only to the month) agrees with the ID's; an
    unreadable one is reported by the date check, not here."""
    if month_only(typed):
        return month_only(typed) == (from_id.year, from_id.month)
    try:
        return parse_date(typed) in (None, from_id)
    except ValueError:
        return True


def prepare(member: Member, today: date | None = None) -> tuple[Member, Issues]:
    """Normalise and validate; dates are converted to ISO text when readable."""
    m = normalise(member)
    issues = validate(m, today)
    for name in DATE_FIELDS:
        if name not in issues.errors:
            setattr(m, name, to_iso(parse_date(getattr(m, name))))
    return m, issues


# ---------------------------------------------------------------- queries

# The columns in the order of Member's fields, so a row becomes a Member without a dict per
# row: the roll is read several times per screen, and with hundreds of members that counts.
_SELECT = (
    "SELECT " + ", ".join("COALESCE(g.name, '')" if f.name == "group_name" else f"m.{f.name}"
                          for f in fields(Member))
    + " FROM members m LEFT JOIN party_groups g ON g.id = m.group_id"
)


def _row_to_member(row: tuple) -> Member:
    member = Member(*row)
    member.lost_contact = bool(member.lost_contact)
    member.mobile = bool(member.mobile)
    return member


def _query(db: Database, where: str = "", params: list | None = None) -> list[Member]:
    sql = f"{_SELECT} {where} ORDER BY COALESCE(g.sort_order, 9999), m.id"
    return [_row_to_member(row) for row in db.execute(sql, params or []).fetchall()]


def get(db: Database, member_id: int) -> Member:
    found = _query(db, "WHERE m.id = ?", [member_id])
    if not found:
        raise NotFoundError("找不到这名党员，可能已被删除。请刷新后重试。")
    return found[0]


def list_members(db: Database, *, include_left: bool = False, category: str | None = None,
                 group_id: int | None = None, status: str | None = None) -> list[Member]:
    clauses, params = [], []
    if not include_left and status is None:
        clauses.append("m.status = ?")
        params.append(ACTIVE)
    if status is not None:
        clauses.append("m.status = ?")
        params.append(status)
    if category:
        clauses.append("m.category = ?")
        params.append(category)
    if group_id is not None:
        clauses.append("m.group_id = ?")
        params.append(group_id)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return _query(db, where, params)


def search(db: Database, text: str, *, include_left: bool = True) -> list[Member]:
    """Members whose name, pinyin initials or full pinyin contain ``text``."""
    return [m for m in list_members(db, include_left=include_left) if matches(m.search_key, text)]


def find_by_id_number(db: Database, number: str) -> Member | None:
    found = _query(db, "WHERE m.id_number = ?", [idcard.normalise(number)])
    return found[0] if found else None


def count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM members").fetchone()[0]


# ---------------------------------------------------------------- saving

def _record(member: Member) -> dict:
    data = {k: getattr(member, k) for k in _COLUMNS}
    data["lost_contact"] = int(member.lost_contact)
    data["mobile"] = int(member.mobile)
    data["search_key"] = search_key(member.name)
    return data


def _raise_if_errors(issues: Issues) -> None:
    if issues.errors:
        raise ValidationError(issues.errors)


def add(db: Database, member: Member, *, today: date | None = None,
        exemptions: list[Exemption] | None = None) -> Member:
    """Validate and insert; returns the saved member with its id. Raises ValidationError.
    ``exemptions``: the member's 不作硬性要求 periods, saved with them."""
    ensure_writable(db)
    m, issues = prepare(member, today)
    _raise_if_errors(issues)
    items = check_exemptions(exemptions or [])
    with db.atomic():
        m.id = _insert(db, m)
        _write_exemptions(db, m.id, items)
        if m.lost_contact and m.lost_contact_date:
            _add_history(db, m.id, m.lost_contact_date, LOST, "")
    return get(db, m.id)


def _insert(db: Database, m: Member) -> int:
    _check_unique_id(db, m)
    return tables.insert(db, "members", _record(m))


def _check_unique_id(db: Database, m: Member) -> None:
    if not m.id_number:
        return
    row = db.execute("SELECT id, name FROM members WHERE id_number = ? AND id IS NOT ?",
                     [m.id_number, m.id]).fetchone()
    if row:
        raise ValidationError({"id_number": f"这个身份证号已属于名册中的“{row[1]}”"})


def update(db: Database, member: Member, *, effective: date | None = None,
           today: date | None = None, exemptions: list[Exemption] | None = None,
           full_date_reason: str = "") -> Member:
    """Validate and save changes. A changed 党小组, a 转正 and a ticked or cleared 失联 are
    written to the history. ``exemptions``, when given, replace the member's 不作硬性要求
    periods. ``full_date_reason``: why a 转正日期 is not the day the 预备期 ends
    (full_date_mismatch), recorded with the 转正."""
    ensure_writable(db)
    if member.id is None:
        raise ValueError("update() needs a member with an id")
    old = get(db, member.id)
    m, issues = prepare(member, today)
    _raise_if_errors(issues)
    items = None if exemptions is None else check_exemptions(exemptions)
    effective = effective or today or date.today()
    with db.atomic():
        _write_update(db, m)
        _history_for_changes(db, old, m, effective, full_date_reason)
        if items is not None:
            _write_exemptions(db, m.id, items)
    return get(db, m.id)


def _write_update(db: Database, m: Member) -> None:
    _check_unique_id(db, m)
    tables.update(db, "members", m.id, _record(m))


def _history_for_changes(db: Database, old: Member, new: Member, effective: date,
                         full_date_reason: str = "") -> None:
    if old.group_id != new.group_id:
        _add_history(db, new.id, effective.isoformat(), "调整党小组", "",
                     old.group_id, new.group_id)
        db.execute("UPDATE party_groups SET leader_id = NULL WHERE leader_id = ?", [new.id])
    if old.category == "预备党员" and new.category == "正式党员":
        on = from_iso(new.full_date) or effective
        _add_history(db, new.id, on.isoformat(), "转正",
                     _full_date_reason(db, old, on, full_date_reason), old.category, new.category)
    if old.lost_contact != new.lost_contact:
        on = (new.lost_contact_date if new.lost_contact else None) or effective.isoformat()
        _add_history(db, new.id, on, LOST if new.lost_contact else FOUND, "")
    elif new.lost_contact and new.lost_contact_date != old.lost_contact_date:
        _redate_lost(db, new.id, new.lost_contact_date)


def _redate_lost(db: Database, member_id: int, on: str | None) -> None:
    """A 失联日期 filled in (or corrected) later dates the 失联 already in the history."""
    row = db.execute("SELECT id FROM member_history WHERE member_id = ? AND kind = ? "
                     "ORDER BY date DESC, id DESC LIMIT 1", [member_id, LOST]).fetchone()
    if row and on:
        db.execute("UPDATE member_history SET date = ? WHERE id = ?", [on, row[0]])
    elif on:
        _add_history(db, member_id, on, LOST, "")


def full_date_mismatch(db: Database, member: Member, on: date) -> str | None:
    """The warning when ``member`` (a 预备党员) would become a 正式党员 on ``on`` although the
    预备期 (or its extension) ends on another day: 党龄 counts from the day it ends, so a
    different 转正日期 needs a reason recorded with the change. None when the days agree or
    the end cannot be known (no 入党日期)."""
    if member.category != "预备党员" or member.id is None:
        return None
    ends = probation_ends(db, [member]).get(member.id)
    if ends is None or ends == on:
        return None
    return (f"转正日期 {on:%Y-%m-%d} 与预备期满之日 {ends:%Y-%m-%d} 不同（党龄从预备期满之日算起），"
            "请写明原因")


def _full_date_reason(db: Database, member: Member, on: date, reason: str) -> str:
    """The reason to record with a 转正: as given, or a note that none was given when the
    date is not the end of the 预备期 (e.g. a roster imported with another date)."""
    reason = reason.strip()
    if reason or not full_date_mismatch(db, member, on):
        return reason
    ends = probation_ends(db, [member])[member.id]
    return f"转正日期与预备期满之日（{ends:%Y-%m-%d}）不同，未注明原因"


def _add_history(db: Database, member_id: int, on: str, kind: str, reason: str,
                 old_value: object = None, new_value: object = None) -> None:
    tables.insert(db, "member_history", {
        "member_id": member_id, "date": on, "kind": kind, "reason": reason,
        "old_value": _text(old_value), "new_value": _text(new_value)}, stamps=(tables.CREATED,))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


EXTENSION_MONTHS = (6, 12)  # 延长预备期: once, by 6 to 12 months (发展党员工作细则 第三十二条)
OBSERVATION_MONTHS = (12, 24)  # 留党察看 一年 or 二年 (党章 第四十条: at most two years)


def change_status(db: Database, member_id: int, kind: str, on: date, reason: str = "", *,
                  months: int | None = None) -> Member:
    """Record a status change (转出, 去世, 转入, 停止党籍, 留党察看 …) with its date and reason.
    ``months``: for 延长预备期, how long the 预备期 is extended, and for 留党察看 how long it
    lasts (12 or 24); the end is recorded."""
    ensure_writable(db)
    if kind not in STATUS_KINDS:
        raise ValidationError({"kind": f"未知的变动类型：{kind}"})
    member = get(db, member_id)
    _check_status_change(member, kind, on)
    _check_observation(db, member, kind, months)
    _check_abroad(db, member, kind)
    new_value = None
    if kind == "延长预备期":
        new_value = _extended_end(db, member, months).isoformat()
    elif kind == OBSERVED:
        new_value = add_months(on, months).isoformat()
    if kind == "转正":
        reason = _full_date_reason(db, member, on, reason)
    with db.atomic():
        _add_history(db, member_id, on.isoformat(), kind, reason.strip(), member.status,
                     new_value)
        _apply_status(db, member, kind, on)
    return get(db, member_id)


def _extended_end(db: Database, member: Member, months: int | None) -> date:
    low, high = EXTENSION_MONTHS
    if months is None or not low <= months <= high:
        raise ValidationError({"months": f"延长预备期的期限为 {low}～{high} 个月"})
    if not member.join_date:
        raise ValidationError({"kind": f"请先填写{member.name}的入党日期，才能计算延长后的预备期"})
    if probation_ends(db, [member])[member.id] != add_years(date.fromisoformat(member.join_date), 1):
        raise ValidationError({"kind": f"{member.name}的预备期已经延长过一次，不能再次延长"})
    return add_months(add_years(date.fromisoformat(member.join_date), 1), months)


def _check_observation(db: Database, member: Member, kind: str, months: int | None) -> None:
    observed = observation(db, member.id) is not None
    if kind == OBSERVED and observed:
        raise ValidationError({"kind": f"{member.name}正在留党察看期间"})
    if kind == OBSERVED and months not in OBSERVATION_MONTHS:
        raise ValidationError({"months": "留党察看的期限为一年或二年"})
    if kind == RESTORED and not observed:
        raise ValidationError({"kind": f"{member.name}不在留党察看期间，无需恢复党员权利"})


def _check_abroad(db: Database, member: Member, kind: str) -> None:
    away = abroad_since(db, member.id) is not None
    if kind == ABROAD and away:
        raise ValidationError({"kind": f"{member.name}已登记出国出境，尚未回国（境）"})
    if kind == RETURNED and not away:
        raise ValidationError({"kind": f"{member.name}没有登记出国出境，无需登记回国（境）"})


def abroad_since(db: Database, member_id: int) -> date | None:
    """The day the member went abroad (出国出境) when not back (回国（境）) since; else None."""
    return abroad_in(history(db, member_id))


def abroad_in(events: list[dict]) -> date | None:
    """abroad_since over a member's history, oldest first (dates as ISO text or dates)."""
    since = None
    for h in events:
        if h["kind"] == ABROAD:
            since = h["date"] if isinstance(h["date"], date) else date.fromisoformat(h["date"])
        elif h["kind"] == RETURNED:
            since = None
    return since


def observation(db: Database, member_id: int) -> tuple[date, date | None] | None:
    """The member's 留党察看 now in force (not ended by 恢复党员权利): its start and the end
    of the 察看期 recorded with it; None when there is none."""
    return observation_in([{"date": date.fromisoformat(h["date"]), "kind": h["kind"],
                            "new": h["new_value"]} for h in history(db, member_id)])


def observation_in(events: list[dict]) -> tuple[date, date | None] | None:
    """From a member's dated events (RollBook.events): the 留党察看 in force after them, as
    (start, recorded end of the 察看期), or None when the last one was ended by 恢复党员权利."""
    current = None
    for event in events:
        if event["kind"] == OBSERVED:
            current = (event["date"], from_iso(event["new"]))
        elif event["kind"] == RESTORED:
            current = None
    return current


def probation_ends(db: Database, people: list[Member]) -> dict[int, date | None]:
    """When each 预备党员's 预备期 ends: a year after joining, or the end recorded by a
    延长预备期. None without a join date."""
    ends = {m.id: add_years(date.fromisoformat(m.join_date), 1) if m.join_date else None
            for m in people}
    ids = [m.id for m in people if ends[m.id] is not None]
    if ids:
        marks = ",".join("?" * len(ids))
        for member_id, new_end in db.execute(
                f"SELECT member_id, new_value FROM member_history WHERE kind = '延长预备期' "
                f"AND member_id IN ({marks}) ORDER BY date, id", ids).fetchall():
            end = from_iso(new_end)
            if end:
                ends[member_id] = end
    return ends


def _check_status_change(member: Member, kind: str, on: date) -> None:
    if kind in LEAVE_KINDS and not member.active:
        raise ValidationError({"kind": f"{member.name}已不在册（{member.status}），不能再办理{kind}"})
    if kind in ENTER_KINDS and member.active:
        raise ValidationError({"kind": f"{member.name}已在册，无需办理转入"})
    if kind == "转正" and member.category != "预备党员":
        raise ValidationError({"kind": f"{member.name}已是正式党员"})
    if kind == "转正" and member.join_date and on < date.fromisoformat(member.join_date):
        raise ValidationError({"date": "转正日期不能早于入党日期"})


def _leave_committee(db: Database, member_id: int, on: date) -> None:
    """Someone who leaves the branch leaves its committee too (the seat ends the day before),
    and no longer leads a 党小组."""
    end = date.fromordinal(on.toordinal() - 1).isoformat()
    db.execute("UPDATE committee SET end_date = MAX(COALESCE(start_date, ?), ?) "
               "WHERE member_id = ? AND end_date IS NULL", [end, end, member_id])
    db.execute("UPDATE party_groups SET leader_id = NULL WHERE leader_id = ?", [member_id])


def _apply_status(db: Database, member: Member, kind: str, on: date) -> None:
    updates: dict[str, object] = {}
    if kind in LEAVE_KINDS:
        updates = {"status": kind, "left_date": on.isoformat()}
        _leave_committee(db, member.id, on)
    elif kind in ENTER_KINDS:
        updates = {"status": ACTIVE, "left_date": None}
    elif kind == "转正":
        updates = {"category": "正式党员", "full_date": on.isoformat()}
    elif kind == "停止党籍":
        updates = {"party_status": "停止党籍"}
    elif kind == "恢复党籍":
        updates = {"party_status": "正常"}
    if updates:
        tables.update(db, "members", member.id, updates)


def history(db: Database, member_id: int) -> list[dict]:
    cursor = db.execute(
        "SELECT id, date, kind, reason, old_value, new_value FROM member_history "
        "WHERE member_id = ? ORDER BY date, id", [member_id])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def delete(db: Database, member_id: int) -> None:
    """Delete a member entered by mistake. Refused once any other record refers to them."""
    ensure_writable(db)
    member = get(db, member_id)
    try:
        with db.atomic():
            db.execute("DELETE FROM member_history WHERE member_id = ?", [member_id])
            db.execute("DELETE FROM members WHERE id = ?", [member_id])
    except driver.IntegrityError:
        raise InUseError(
            f"“{member.name}”已有会议、谈话或职务等记录引用，不能删除。"
            "如其已离开本支部，请使用“组织关系变动”登记转出等情况，历史记录会保留。"
        ) from None


# ---------------------------------------------------------------- roll as of a date

@dataclass(frozen=True)
class RollEntry:
    member: Member
    group_id: int | None
    category: str
    suspended: bool  # 停止党籍 on that date
    observed: bool = False  # under 留党察看 on that date
    exemption: "Exemption | None" = None  # 组织活动不作硬性要求 on that date

    @property
    def votes(self) -> bool:
        """有表决权 on that date: a 正式党员 neither under 留党察看 nor with 党籍 stopped
        (党章 第七条, 第四十条). The same people may elect and be elected to the committee."""
        return self.category == "正式党员" and not self.suspended and not self.observed


def seat_barred(entry: RollEntry) -> str | None:
    """Why ``entry``'s member cannot hold a committee seat on that day (是预备党员, 正在留党察看,
    已停止党籍), or None when he or she can."""
    if entry.suspended:
        return "已停止党籍"
    if entry.observed:
        return "正在留党察看期间"
    if entry.category != "正式党员":
        return "是预备党员"
    return None


def roll_as_of(db: Database, on: date) -> list[RollEntry]:
    """Who was on the branch's roll on ``on``, with their 党小组 and category on that day."""
    return RollBook(db).on(on)


class RollBook:
    """Every member and their recorded changes, read once: the roll on any number of days
    without reading the database again."""

    def __init__(self, db: Database):
        self.members = list_members(db, include_left=True)
        self._events = _events_by_member(db)
        self._exemptions = _exemptions_by_member(db)
        self._by_id: dict[int, Member] | None = None

    def events(self, member_id: int) -> list[dict]:
        """The member's history, oldest first: date (a date), kind, reason, old, new."""
        return self._events.get(member_id, [])

    def on(self, day: date) -> list[RollEntry]:
        return [e for e in (self.entry(m, day) for m in self.members) if e is not None]

    def entry(self, m: Member, day: date) -> RollEntry | None:
        """``m``'s roll entry on ``day``, or None when not on the roll that day."""
        evs = self.events(m.id)
        if not _on_roll(m, evs, day):
            return None
        return RollEntry(m, _group_on(m, evs, day), _category_on(m, day),
                         _suspended_on(m, evs, day), _observed_on(evs, day),
                         next((x for x in self._exemptions.get(m.id, ()) if x.covers(day)), None))

    def owes_on(self, m: Member, day: date) -> bool:
        """On the roll on ``day`` with 党籍 not stopped: what owing 党费 for that day's month
        needs (core/dues.py), without building the whole entry."""
        evs = self.events(m.id)
        return _on_roll(m, evs, day) and not _suspended_on(m, evs, day)

    def owing_changes(self, m: Member) -> tuple[list[date], list[bool]]:
        """owes_on as steps: (days, states), the state from each day on (before the first,
        the state on date.min). The state can only change on a day the member's record or
        history names, so a month's question becomes a bisect (core/dues.py asks it for every
        month of many years)."""
        days = {date.min} | {e["date"] for e in self.events(m.id)}
        days |= {d for d in (from_iso(m.branch_join_date), from_iso(m.join_date),
                             from_iso(m.left_date)) if d}
        ordered = sorted(days)
        return ordered, [self.owes_on(m, d) for d in ordered]

    def exemptions(self, member_id: int) -> list["Exemption"]:
        return self._exemptions.get(member_id, [])

    def votes(self, member_id: int, day: date) -> bool:
        """Whether the member had a vote on ``day`` (RollEntry.votes), without building the
        whole entry: the quorum of a 党员大会 asks it for every attendee."""
        if self._by_id is None:
            self._by_id = {m.id: m for m in self.members}
        m = self._by_id.get(member_id)
        if m is None or _category_on(m, day) != "正式党员":
            return False
        evs = self.events(member_id)
        return _on_roll(m, evs, day) and not _suspended_on(m, evs, day) \
            and not _observed_on(evs, day)

    def groups_on(self, days: list[date], since: date) -> dict[date, frozenset]:
        """For each of ``days``: the 党小组 ids of the members on the roll that day whose 党籍
        is not stopped (None for those in no group). ``since``: no day is earlier; members
        who left before it are skipped (the 工作台 asks this for every month of a year)."""
        out: dict[date, set] = {day: set() for day in days}
        for m in self.members:
            if not m.active and m.left_date and m.left_date < since.isoformat():
                continue  # left before: a return would have put them back on the roll
            evs = self.events(m.id)
            moves = _moves(evs)
            for day in days:
                if _on_roll_moving(m, moves, day) and not _suspended_on(m, evs, day):
                    out[day].add(_group_on(m, evs, day))
        return {day: frozenset(groups) for day, groups in out.items()}


def _events_by_member(db: Database) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    cursor = db.execute("SELECT member_id, date, kind, reason, old_value, new_value "
                        "FROM member_history ORDER BY date, id")
    for member_id, on, kind, reason, old_value, new_value in cursor.fetchall():
        out.setdefault(member_id, []).append(
            {"date": date.fromisoformat(on), "kind": kind, "reason": reason, "old": old_value,
             "new": new_value})
    return out


def _on_roll(m: Member, events: list[dict], on: date) -> bool:
    return _on_roll_moving(m, _moves(events), on)


def _moves(events: list[dict]) -> list[dict]:
    return [e for e in events if e["kind"] in LEAVE_KINDS + ENTER_KINDS]


def _on_roll_moving(m: Member, moves: list[dict], on: date) -> bool:
    """_on_roll with the member's moves (转出, 转入 …) picked out once."""
    start = from_iso(m.branch_join_date) or from_iso(m.join_date)
    present = start is None or start <= on
    for event in moves:
        if event["date"] > on:
            break
        present = event["kind"] in ENTER_KINDS
    if not moves and not m.active and m.left_date:
        present = present and on < date.fromisoformat(m.left_date)
    return present


def _group_on(m: Member, events: list[dict], on: date) -> int | None:
    for event in events:
        if event["kind"] == "调整党小组" and event["date"] > on:
            return int(event["old"]) if event["old"] not in (None, "None") else None
    return m.group_id


def _category_on(m: Member, on: date) -> str:
    if m.category == "预备党员":
        return "预备党员"
    full = from_iso(m.full_date)
    return "预备党员" if full and on < full else "正式党员"


def _suspended_on(m: Member, events: list[dict], on: date) -> bool:
    state = False
    for event in events:
        if event["date"] > on:
            break
        if event["kind"] in ("停止党籍", "恢复党籍"):
            state = event["kind"] == "停止党籍"
    return state


def _observed_on(events: list[dict], on: date) -> bool:
    state = False
    for event in events:
        if event["date"] > on:
            break
        if event["kind"] in (OBSERVED, RESTORED):
            state = event["kind"] == OBSERVED
    return state


# ---------------------------------------------------------------- 不作硬性要求

@dataclass(frozen=True)
class Exemption:
    """组织活动不作硬性要求 for a member from ``start_date`` to ``end_date`` (None: open),
    decided by the branch for ``kind`` (EXEMPTION_KINDS) with a reason."""

    kind: str
    start_date: str
    end_date: str | None = None
    reason: str = ""
    member_id: int | None = None
    id: int | None = None

    def covers(self, day: date) -> bool:
        return self.start_date <= day.isoformat() and (
            self.end_date is None or day.isoformat() <= self.end_date)

    def overlaps(self, first: date, last: date) -> bool:
        return self.start_date <= last.isoformat() and (
            self.end_date is None or first.isoformat() <= self.end_date)

    @property
    def text(self) -> str:
        """不作硬性要求（老弱病残，2026-01-01 起）: how the ledger and the dialog say it."""
        until = f"至 {self.end_date}" if self.end_date else "起"
        return f"不作硬性要求（{self.kind}，{self.start_date} {until}）"


def exemptions(db: Database, member_id: int) -> list[Exemption]:
    cursor = db.execute("SELECT kind, start_date, end_date, reason, member_id, id FROM exemptions "
                        "WHERE member_id = ? ORDER BY start_date, id", [member_id])
    return [Exemption(*row) for row in cursor.fetchall()]


def exemptions_between(db: Database, first: date, last: date) -> dict[int, list[Exemption]]:
    """member id -> their 不作硬性要求 periods that overlap ``first`` to ``last``."""
    out: dict[int, list[Exemption]] = {}
    for row in db.execute("SELECT kind, start_date, end_date, reason, member_id, id FROM exemptions "
                          "WHERE start_date <= ? AND (end_date IS NULL OR end_date >= ?) "
                          "ORDER BY start_date, id", [last.isoformat(), first.isoformat()]):
        out.setdefault(row[4], []).append(Exemption(*row))
    return out


def _exemptions_by_member(db: Database) -> dict[int, list[Exemption]]:
    out: dict[int, list[Exemption]] = {}
    for row in db.execute("SELECT kind, start_date, end_date, reason, member_id, id "
                          "FROM exemptions ORDER BY start_date, id").fetchall():
        out.setdefault(row[4], []).append(Exemption(*row))
    return out


def check_exemptions(items: list[Exemption]) -> list[Exemption]:
    """The items with dates as ISO text and reasons trimmed; ValidationError on
    ``exemptions`` naming the first problem (the row's number counts from 1)."""
    out = []
    for number, item in enumerate(items, 1):
        where = f"第 {number} 项" if len(items) > 1 else ""
        if item.kind not in EXEMPTION_KINDS:
            raise ValidationError({"exemptions": f"{where}请选择不作硬性要求的情形"})
        try:
            start, end = parse_date(item.start_date), parse_date(item.end_date)
        except ValueError as exc:
            raise ValidationError({"exemptions": f"{where}{exc}"}) from None
        if start is None:
            raise ValidationError({"exemptions": f"{where}请填写起始日期"})
        if end is not None and end < start:
            raise ValidationError({"exemptions": f"{where}截止日期不能早于起始日期"})
        if not item.reason.strip():
            raise ValidationError({"exemptions": f"{where}请写明原因（如：年逾八旬，行动不便，经支委会研究同意）"})
        out.append(replace(item, start_date=start.isoformat(), end_date=to_iso(end),
                           reason=item.reason.strip()))
    return out


def _write_exemptions(db: Database, member_id: int, items: list[Exemption]) -> None:
    db.execute("DELETE FROM exemptions WHERE member_id = ?", [member_id])
    db.conn.executemany(
        "INSERT INTO exemptions (member_id, kind, start_date, end_date, reason) "
        "VALUES (?, ?, ?, ?, ?)",
        [(member_id, x.kind, x.start_date, x.end_date, x.reason) for x in items])


def with_changes(member: Member, **changes) -> Member:
    return replace(member, **changes)
