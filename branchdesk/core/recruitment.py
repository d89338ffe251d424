"""发展党员: the people in the pipeline, the 25 steps of the 发展党员工作细则 (2014), their time
rules, and the transfer to the roll on approval.

Applicants, 积极分子 and 发展对象 are not members: they live in ``recruits`` and are never on
the roll, in the rules' member counts or in attendance. When the 上级党委 approves the
支部大会's decision, ``admit`` copies the person onto the roll as a 预备党员 (入党日期 = the
day of the 支部大会, the 入党介绍人 carried over) in one transaction; from then on the roll
tracks the 预备期 and this record keeps the rest of the 纪实.

The canonical numbered list of steps is ``STEPS`` (docs/rules.md prints it with the articles).
Time rules are settings (core/settings.py, keys ``recruit_*``). ``timeline`` and
``obligations`` are pure functions over a ``Recruit`` and the settings; ``findings`` is the
工作台 reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta

from branchdesk.core import branch, members, settings, tables
from branchdesk.core.dates import add_months, add_years, from_iso, parse_date
from branchdesk.core.db import Database, ensure_writable
from branchdesk.core.errors import InUseError, NotFoundError, ValidationError
from branchdesk.core.pinyin import matches, search_key
from branchdesk.core.text import clean


# ---------------------------------------------------------------- the 25 steps

@dataclass(frozen=True)
class Step:
    number: int
    stage: int
    name: str
    people: str = ""  # who is named with the step (谈话人, 培养联系人, 入党介绍人 …), if anyone


STAGE_NAMES = {1: "申请入党", 2: "入党积极分子的确定和培养教育", 3: "发展对象的确定和考察",
               4: "预备党员的接收", 5: "预备党员的教育考察和转正"}

STEPS = [
    Step(1, 1, "递交入党申请书"),
    Step(2, 1, "党组织派人谈话", "谈话人"),
    Step(3, 2, "确定入党积极分子"),
    Step(4, 2, "报上级党委备案"),
    Step(5, 2, "指定培养联系人", "培养联系人"),
    Step(6, 2, "培养教育考察"),
    Step(7, 3, "确定发展对象"),
    Step(8, 3, "报上级党委备案"),
    Step(9, 3, "确定入党介绍人", "入党介绍人"),
    Step(10, 3, "进行政治审查"),
    Step(11, 3, "开展集中培训"),
    Step(12, 4, "支部委员会审查"),
    Step(13, 4, "上级党委预审"),
    Step(14, 4, "填写入党志愿书"),
    Step(15, 4, "支部大会讨论"),
    Step(16, 4, "上级党委派人谈话", "谈话人"),
    Step(17, 4, "上级党委审批"),
    Step(18, 4, "再上级党委组织部门备案"),
    Step(19, 5, "编入党支部和党小组"),
    Step(20, 5, "入党宣誓"),
    Step(21, 5, "继续教育考察"),
    Step(22, 5, "提出转正申请"),
    Step(23, 5, "支部大会讨论转正"),
    Step(24, 5, "上级党委审批转正"),
    Step(25, 5, "材料归档"),
]
STEP = {s.number: s for s in STEPS}
APPLY, TALK, ACTIVIST, CONTACTS, REVIEWS, CANDIDATE = 1, 2, 3, 5, 6, 7
INTRODUCERS, VETTING, TRAINING, COMMITTEE_REVIEW, PRE_REVIEW = 9, 10, 11, 12, 13
GENERAL_MEETING, APPROVAL, FILED, ADMISSION, PROBATION_REVIEWS = 15, 17, 18, 19, 21
FULL_APPLICATION = 22
FULL_APPROVAL = 24
# Steps that are a course of entries (考察, 思想汇报), not one dated act: done with the first
# 考察 entry of their stage.
CONTINUING = (REVIEWS, PROBATION_REVIEWS)
# Who is chosen from the roll (as of the step's date) and how many (细则: 一至两名 培养联系人,
# 两名 入党介绍人, all 正式党员).
FROM_ROLL = {CONTACTS: (1, 2), INTRODUCERS: (2, 2)}
MIN_AGE = 18  # 党章 第一条: 年满十八岁

# Entries: periodic 考察 and 思想汇报, and the 公示 (not one of the 25 steps).
REVIEW, REPORT, PUBLICITY = "考察", "思想汇报", "公示"
ENTRY_KINDS = (REVIEW, REPORT, PUBLICITY)

ACTIVE, PAUSED, WITHDRAWN, ADMITTED = "进行中", "暂停", "终止", "已接收"
STATUSES = (ACTIVE, PAUSED, WITHDRAWN, ADMITTED)

# Attachment owners (core/attachments.py): a step's documents, an entry's (思想汇报 …).
STEP_OWNER, ENTRY_OWNER = "recruit_step", "recruit_entry"

PERSONAL = ("name", "gender", "ethnicity", "id_number", "birth_date", "native_place",
            "education", "job", "phone", "address", "notes")


# ---------------------------------------------------------------- records

@dataclass
class Person:
    """Someone named with a step: a member of the roll (``member_id``) or an outside person
    (上级党委 谈话人), by name."""

    name: str
    member_id: int | None = None


@dataclass
class StepRecord:
    step: int
    date: str
    end_date: str | None = None  # 集中培训: the last day
    hours: int | None = None  # 集中培训: 学时
    meeting_id: int | None = None  # 支部大会: the 党员大会 record
    voters: int | None = None  # 支部大会: 应到会有表决权的正式党员
    present: int | None = None  # 支部大会: 到会有表决权的
    ayes: int | None = None  # 支部大会: 赞成
    notes: str = ""
    people: list[Person] = field(default_factory=list)
    id: int | None = None


@dataclass
class Entry:
    kind: str
    date: str
    end_date: str | None = None
    notes: str = ""
    id: int | None = None


@dataclass
class Recruit:
    name: str = ""
    gender: str = ""
    ethnicity: str = ""
    id_number: str | None = None
    birth_date: str | None = None
    native_place: str = ""
    education: str = ""
    job: str = ""
    phone: str = ""
    address: str = ""
    notes: str = ""
    status: str = ACTIVE
    approval_extended: bool = False
    member_id: int | None = None
    search_key: str = field(default="", compare=False)  # 张三|zs|zhangsan (pinyin.search_key)
    id: int | None = None
    steps: dict[int, StepRecord] = field(default_factory=dict, compare=False)
    entries: list[Entry] = field(default_factory=list, compare=False)
    # Set by read(): the admitted member's 预备期 end and 转正 date, from the roll.
    probation_end: str | None = field(default=None, compare=False)
    full_date: str | None = field(default=None, compare=False)

    def on(self, number: int) -> date | None:
        """The date step ``number`` was done, or None (the continuing steps: their first 考察)."""
        if number in CONTINUING:
            return _first_review(self, number)
        if number == FULL_APPROVAL and number not in self.steps and self.full_date:
            return date.fromisoformat(self.full_date)  # 转正 recorded on the roll
        record = self.steps.get(number)
        return date.fromisoformat(record.date) if record else None

    def entries_of(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]


def _first_review(r: Recruit, number: int) -> date | None:
    start, end = (r.on(ACTIVIST), r.on(CANDIDATE)) if number == REVIEWS else \
        (r.on(APPROVAL), r.on(FULL_APPROVAL))
    if start is None:
        return None
    days = [date.fromisoformat(e.date) for e in r.entries_of(REVIEW)]
    days = [d for d in days if d >= start and (end is None or d <= end)]
    return min(days) if days else None


def stage(r: Recruit) -> str:
    """What the person is now: 入党申请人, 入党积极分子, 发展对象, 待审批 (the 支部大会 passed),
    预备党员, 正式党员; 暂停 or 终止 when so marked."""
    if r.status in (PAUSED, WITHDRAWN):
        return r.status
    if r.on(FULL_APPROVAL):
        return "正式党员"
    if r.status == ADMITTED:
        return "预备党员"
    if r.on(GENERAL_MEETING):
        return "待审批"
    if r.on(CANDIDATE):
        return "发展对象"
    if r.on(ACTIVIST):
        return "入党积极分子"
    return "入党申请人"


STAGE_ORDER = ("入党申请人", "入党积极分子", "发展对象", "待审批", "预备党员", "正式党员", PAUSED,
               WITHDRAWN)


# ---------------------------------------------------------------- time rules (pure)

@dataclass(frozen=True)
class Due:
    """Something owed for a person: the step it belongs to, what it is, and by when (None: no
    deadline, e.g. 确定发展对象, which may come only after a year: ``not_before``)."""

    step: int
    name: str
    due: date | None
    not_before: date | None = None

    def overdue(self, as_of: date) -> bool:
        return self.due is not None and as_of > self.due


def talk_due(applied: date, conf: dict) -> date:
    """The last day for the 谈话 (细则 第七条: within one month; ``recruit_talk_days``)."""
    return applied + timedelta(days=conf["recruit_talk_days"])


def candidate_from(activist: date, conf: dict) -> date:
    """The first day a 积极分子 may be made a 发展对象 (细则 第十三条: 一年以上 培养, the full
    year counted to the same date)."""
    return add_months(activist, conf["recruit_cultivate_months"])


def approval_due(meeting: date, conf: dict, extended: bool) -> date:
    """The last day for the 上级党委's 审批 (three months after the 支部大会; six when extended)."""
    months = conf["recruit_approval_max_months" if extended else "recruit_approval_months"]
    return add_months(meeting, months)


def training_enough(record: StepRecord | None, conf: dict) -> bool:
    """集中培训 of at least N days (first to last day inclusive) or M 学时 (细则 第十七条)."""
    if record is None:
        return False
    if record.hours is not None and record.hours >= conf["recruit_training_hours"]:
        return True
    start, end = from_iso(record.date), from_iso(record.end_date) or from_iso(record.date)
    return (end - start).days + 1 >= conf["recruit_training_days"]


def obligations(r: Recruit, conf: dict) -> list[Due]:
    """What is owed for ``r``, the earliest deadline first (no deadline last): the next step of
    the 25, and while a 积极分子 or 发展对象 the periodic 考察 and 思想汇报. None for a person
    paused, withdrawn, or through to 转正."""
    if r.status in (PAUSED, WITHDRAWN) or r.on(FULL_APPROVAL):
        return []
    out = []
    nxt = next_step(r)
    if nxt is not None:
        out.append(_step_due(r, nxt, conf))
    activist, candidate, meeting = r.on(ACTIVIST), r.on(CANDIDATE), r.on(GENERAL_MEETING)
    if activist and not candidate:
        last = _last(r, REVIEW, activist)
        out.append(Due(REVIEWS, "培养教育考察（每半年一次）",
                       add_months(last, conf["recruit_review_months"])))
    if activist and not meeting:
        last = _last(r, REPORT, activist)
        out.append(Due(REVIEWS, "提交思想汇报", add_months(last, conf["recruit_report_months"])))
    return sorted(out, key=lambda d: (d.due is None, d.due or date.max, d.step))


def next_step(r: Recruit) -> int | None:
    """The first step of the 25 not yet done (the continuing 考察 steps are owed through their
    entries, not here); None when all are done."""
    for s in STEPS:
        if s.number not in CONTINUING and r.on(s.number) is None:
            if s.number > ADMISSION and r.status != ADMITTED:
                return ADMISSION  # the next act is putting the person on the roll
            return s.number
    return None


def _step_due(r: Recruit, number: int, conf: dict) -> Due:
    name = STEP[number].name
    if number == TALK and r.on(APPLY):
        return Due(number, name, talk_due(r.on(APPLY), conf))
    if number == CANDIDATE and r.on(ACTIVIST):
        return Due(number, name, None, candidate_from(r.on(ACTIVIST), conf))
    if number == APPROVAL and r.on(GENERAL_MEETING):
        return Due(number, name, approval_due(r.on(GENERAL_MEETING), conf, r.approval_extended))
    if number == ADMISSION and r.status != ADMITTED:
        return Due(number, "接收入名册（编入党支部和党小组）", None)
    if number == FULL_APPLICATION and r.probation_end:
        return Due(number, name, date.fromisoformat(r.probation_end))
    return Due(number, name, None)


def _last(r: Recruit, kind: str, since: date) -> date:
    days = [date.fromisoformat(e.date) for e in r.entries_of(kind)]
    return max([since] + [d for d in days if d >= since])


def overdue(r: Recruit, conf: dict, as_of: date) -> bool:
    return any(d.overdue(as_of) for d in obligations(r, conf))


def publicity_before(r: Recruit, day: date | None) -> bool:
    """A 公示 recorded that started on or before ``day`` (the 支部大会; None: any)."""
    return any(day is None or date.fromisoformat(e.date) <= day for e in r.entries_of(PUBLICITY))


# Steps that must be on record before a later one (a 支部大会 before 政审 is out of order).
_CHAIN = (APPLY, ACTIVIST, CANDIDATE, INTRODUCERS, VETTING, TRAINING, COMMITTEE_REVIEW,
          PRE_REVIEW, 14, GENERAL_MEETING, APPROVAL)


def order_problems(r: Recruit) -> list[str]:
    """Steps out of order: a step of the chain not on record while a later one is, or dated
    after a later one (a 支部大会 before the 政审). Chinese phrases, for the 工作台; each earlier
    step is named once, against the first later step it conflicts with."""
    out = []
    for i, earlier in enumerate(_CHAIN):
        when = r.on(earlier)
        later = [n for n in _CHAIN[i + 1:] if r.on(n) and (when is None or r.on(n) < when)]
        if not later:
            continue
        n = later[0]
        if when is None:
            out.append(f"已{STEP[n].name}（第{n}步），但没有{STEP[earlier].name}（第{earlier}步）的记录")
        else:
            out.append(f"{STEP[n].name}（第{n}步，{r.on(n)}）早于{STEP[earlier].name}"
                       f"（第{earlier}步，{when}）")
    return out


# ---------------------------------------------------------------- the timeline (纪实)

@dataclass(frozen=True)
class TimelineRow:
    step: Step
    status: str  # 已完成, 待办, 已逾期, 缺记录 (a later step is done), 未到
    date: date | None
    due: date | None
    detail: str  # people, 培训 days/hours, vote, entries


DONE, PENDING, LATE, MISSING, LATER = "已完成", "待办", "已逾期", "缺记录", "未到"


def timeline(r: Recruit, conf: dict, as_of: date) -> list[TimelineRow]:
    """Each of the 25 steps for ``r`` on ``as_of``: done (with its date and details), due
    (with its deadline, 已逾期 past it), 缺记录 (a later step is done), or not yet reached."""
    owed = {d.step: d for d in reversed(obligations(r, conf))}
    last_done = max((s.number for s in STEPS if r.on(s.number)), default=0)
    rows = []
    for s in STEPS:
        when, due = r.on(s.number), owed.get(s.number)
        if when:
            status = DONE
        elif due is not None:
            status = LATE if due.overdue(as_of) else PENDING
        elif s.number < last_done and s.number not in CONTINUING:
            status = MISSING
        else:
            status = LATER
        rows.append(TimelineRow(s, status, when, due.due if due else None, _detail(r, s.number)))
    return rows


def _detail(r: Recruit, number: int) -> str:
    record = r.steps.get(number)
    parts = []
    if record and record.people:
        parts.append(f"{STEP[number].people}：" + "、".join(p.name for p in record.people))
    if number == TRAINING and record:
        span = f"{record.date}至{record.end_date}" if record.end_date else record.date
        parts.append(span + (f"，{record.hours}学时" if record.hours else ""))
    if number == GENERAL_MEETING and record and record.voters:
        parts.append(f"应到会有表决权{record.voters}人，实到{record.present}人，赞成{record.ayes}人")
    if number in CONTINUING:
        kinds = (REVIEW, REPORT) if number == REVIEWS else (REVIEW,)
        for kind in kinds:
            days = [e.date for e in r.entries_of(kind) if _in_stage(r, number, e.date)]
            if days:
                parts.append(f"{kind}{len(days)}次（最近 {max(days)}）")
    if number == 14 and r.entries_of(PUBLICITY):
        e = r.entries_of(PUBLICITY)[-1]
        parts.append(f"公示 {e.date}至{e.end_date or '?'}")
    if record and record.notes:
        parts.append(record.notes)
    return "；".join(parts)


def _in_stage(r: Recruit, number: int, day: str) -> bool:
    start = r.on(ACTIVIST if number == REVIEWS else APPROVAL)
    end = r.on(GENERAL_MEETING if number == REVIEWS else FULL_APPROVAL)
    d = date.fromisoformat(day)
    return start is not None and d >= start and (end is None or d <= end)


# ---------------------------------------------------------------- reading

_COLUMNS = [f.name for f in fields(Recruit)
            if f.name not in ("id", "steps", "entries", "probation_end", "full_date")]


def list_recruits(db: Database, *, include_closed: bool = True) -> list[Recruit]:
    """Every person in the pipeline with their steps and entries, in stage order then by
    application date. ``include_closed``: also the withdrawn and those through to 转正."""
    rows = db.execute(f"SELECT {', '.join(_COLUMNS)}, id FROM recruits ORDER BY id").fetchall()
    people = [_row(row) for row in rows]
    _attach_steps(db, people)
    _attach_roll(db, people)
    if not include_closed:
        people = [r for r in people if stage(r) not in (WITHDRAWN, "正式党员")]
    return sorted(people, key=lambda r: (STAGE_ORDER.index(stage(r)), r.on(APPLY) or date.max,
                                         r.id))


def get(db: Database, recruit_id: int) -> Recruit:
    row = db.execute(f"SELECT {', '.join(_COLUMNS)}, id FROM recruits WHERE id = ?",
                     [recruit_id]).fetchone()
    if row is None:
        raise NotFoundError("找不到这名发展对象的记录，可能已被删除。请刷新后重试。")
    r = _row(row)
    _attach_steps(db, [r])
    _attach_roll(db, [r])
    return r


def search(db: Database, text: str) -> list[Recruit]:
    keys = dict(db.execute("SELECT id, search_key FROM recruits").fetchall())
    return [r for r in list_recruits(db) if matches(keys.get(r.id, ""), text)]


def _row(row: tuple) -> Recruit:
    r = Recruit(**dict(zip(_COLUMNS + ["id"], row)))
    r.approval_extended = bool(r.approval_extended)
    return r


def _attach_steps(db: Database, people: list[Recruit]) -> None:
    by_id = {r.id: r for r in people}
    if not by_id:
        return
    marks = ",".join("?" * len(by_id))
    step_ids = {}
    for row in db.execute(
            "SELECT recruit_id, step, date, end_date, hours, meeting_id, voters, present, ayes, "
            f"notes, id FROM recruit_steps WHERE recruit_id IN ({marks})", list(by_id)):
        record = StepRecord(*row[1:10], id=row[10])
        by_id[row[0]].steps[record.step] = record
        step_ids[record.id] = record
    for step_id, member_id, name in db.execute(
            "SELECT step_id, member_id, name FROM recruit_step_people ORDER BY step_id, "
            "sort_order").fetchall():
        if step_id in step_ids:
            step_ids[step_id].people.append(Person(name, member_id))
    for recruit_id, kind, on, end, notes, entry_id in db.execute(
            "SELECT recruit_id, kind, date, end_date, notes, id FROM recruit_entries "
            f"WHERE recruit_id IN ({marks}) ORDER BY date, id", list(by_id)):
        by_id[recruit_id].entries.append(Entry(kind, on, end, notes, entry_id))


def _attach_roll(db: Database, people: list[Recruit]) -> None:
    """The admitted people's 预备期 end (with any 延长预备期) and 转正 date, from the roll."""
    admitted = [r for r in people if r.member_id]
    if not admitted:
        return
    roll = {m.id: m for m in members.list_members(db, include_left=True)}
    found = [roll[r.member_id] for r in admitted if r.member_id in roll]
    ends = members.probation_ends(db, found)
    for r in admitted:
        m = roll.get(r.member_id)
        if m is not None:
            r.full_date = m.full_date
            end = ends.get(m.id)
            r.probation_end = end.isoformat() if end and not m.full_date else None


def history(db: Database, recruit_id: int) -> list[dict]:
    cursor = db.execute("SELECT date, kind, reason FROM recruit_history WHERE recruit_id = ? "
                        "ORDER BY date, id", [recruit_id])
    return [dict(zip(("date", "kind", "reason"), row)) for row in cursor.fetchall()]


# ---------------------------------------------------------------- saving a person

def prepare(person: Recruit, today: date | None = None) -> Recruit:
    """The person's personal fields normalised and checked the way the roll checks them
    (core/members.py: ID number by GB 11643, birth date and sex from it, phone, dates).
    Raises ValidationError with the roll's Chinese messages."""
    values = {name: getattr(person, name) for name in PERSONAL}
    member, issues = members.prepare(members.Member(**values), today)
    errors = {k: v for k, v in issues.errors.items() if k in PERSONAL}
    if errors:
        raise ValidationError(errors)
    return replace(person, **{name: getattr(member, name) for name in PERSONAL})


def add(db: Database, person: Recruit, applied: date | str, *, today: date | None = None,
        notes: str = "") -> Recruit:
    """Enter a new applicant with the date the 入党申请书 was received (step 1). The age at that
    date must be at least 18 (党章 第一条). Raises ValidationError."""
    ensure_writable(db)
    p = prepare(person, today)
    on = _date(applied, "date", "递交入党申请书的日期", today)
    _check_age(p, on)
    _check_unique(db, p)
    with db.atomic():
        p.id = tables.insert(db, "recruits", _record(p))
        _write_step(db, p.id, StepRecord(APPLY, on.isoformat(), notes=clean(notes).strip()))
        _add_history(db, p.id, on, "递交入党申请书", "")
    return get(db, p.id)


def update(db: Database, person: Recruit, *, today: date | None = None) -> Recruit:
    """Save changed personal fields (the steps are saved by record_step). Refused once the
    person is on the roll: from then on the roll holds them."""
    ensure_writable(db)
    old = get(db, person.id)
    if old.member_id is not None:
        raise ValidationError({"name": f"{old.name}已接收入党员名册，个人信息请在“党员名册”中修改"})
    p = prepare(person, today)
    _check_age(p, old.on(APPLY))
    _check_unique(db, p)
    tables.update(db, "recruits", p.id, _record(replace(
        p, status=old.status, member_id=old.member_id, approval_extended=old.approval_extended)))
    return get(db, p.id)


def _record(p: Recruit) -> dict:
    data = {name: getattr(p, name) for name in _COLUMNS}
    data["approval_extended"] = int(p.approval_extended)
    data["search_key"] = search_key(p.name)
    return data


def _check_age(p: Recruit, applied: date | None) -> None:
    birth = from_iso(p.birth_date) if p.birth_date and len(p.birth_date) == 10 else None
    if birth and applied and applied < add_years(birth, MIN_AGE):
        raise ValidationError({"birth_date": f"递交入党申请书时（{applied}）未满{MIN_AGE}周岁，"
                                             "不能申请入党（党章第一条）"})


def _check_unique(db: Database, p: Recruit) -> None:
    if not p.id_number:
        return
    row = db.execute("SELECT name FROM recruits WHERE id_number = ? AND id IS NOT ?",
                     [p.id_number, p.id]).fetchone()
    if row:
        raise ValidationError({"id_number": f"这个身份证号已属于发展党员名单中的“{row[0]}”"})
    on_roll = members.find_by_id_number(db, p.id_number)
    if on_roll is not None and on_roll.id != p.member_id:
        raise ValidationError({"id_number": f"这个身份证号已属于党员名册中的“{on_roll.name}”"})


def _date(value: date | str | None, key: str, label: str, today: date | None) -> date:
    try:
        on = value if isinstance(value, date) else parse_date(value)
    except ValueError as exc:
        raise ValidationError({key: str(exc)}) from None
    if on is None:
        raise ValidationError({key: f"请填写{label}"})
    if on > (today or date.today()):
        raise ValidationError({key: f"{label}不能晚于今天"})
    return on


# ---------------------------------------------------------------- steps and entries

def record_step(db: Database, recruit_id: int, record: StepRecord, *,
                today: date | None = None, conf: dict | None = None) -> Recruit:
    """Record (or correct) step ``record.step`` for the person. Checks what the 细则 fixes: the
    date not before the application nor in the future; 发展对象 only after a full year as
    积极分子; 培养联系人 (1–2) and 入党介绍人 (2) 正式党员 on the roll that day; the 支部大会's
    vote (quorum and 赞成 over half of 应到会有表决权); steps 19–25 only after admission.
    Raises ValidationError."""
    ensure_writable(db)
    r = get(db, recruit_id)
    conf = conf or settings.get_all(db)
    rec = _checked(db, r, record, today, conf)
    with db.atomic():
        _write_step(db, recruit_id, rec)
    return get(db, recruit_id)


def _checked(db: Database, r: Recruit, record: StepRecord, today: date | None,
             conf: dict) -> StepRecord:
    n = record.step
    if n not in STEP:
        raise ValidationError({"step": "步骤应为 1～25"})
    if n in CONTINUING:
        raise ValidationError({"step": "培养教育考察请逐次登记“考察”记录"})
    if r.status in (PAUSED, WITHDRAWN):
        raise ValidationError({"step": f"{r.name}的发展工作已{r.status}，请先恢复"})
    if n == APPLY and r.steps.get(APPLY) is None:
        raise ValidationError({"step": "递交入党申请书的日期在登记时填写"})
    on = _date(record.date, "date", f"“{STEP[n].name}”的日期", today)
    applied = r.on(APPLY)
    if n != APPLY and applied and on < applied:
        raise ValidationError({"date": f"日期不能早于递交入党申请书的日期（{applied}）"})
    if n > FILED and r.status != ADMITTED:
        raise ValidationError({"step": "第19步起是预备党员阶段：请先在上级党委审批后接收入名册"})
    if n == APPLY:
        _check_age(r, on)  # a corrected application date
    if n == CANDIDATE:
        _check_cultivation(r, on, conf)
    end = _end_date(record, on, today)
    people = _people(db, n, record.people, on)
    rec = replace(record, date=on.isoformat(), end_date=end, people=people,
                  notes=clean(record.notes).strip())
    if n == GENERAL_MEETING:
        _check_vote(rec)
    return rec


def _check_cultivation(r: Recruit, on: date, conf: dict) -> None:
    activist = r.on(ACTIVIST)
    if activist is None:
        raise ValidationError({"step": "请先登记确定入党积极分子（第3步）"})
    earliest = candidate_from(activist, conf)
    if on < earliest:
        raise ValidationError({"date": f"入党积极分子须经一年以上培养教育和考察，"
                                       f"最早可于 {earliest} 列为发展对象（细则第十三条）"})


def _end_date(record: StepRecord, on: date, today: date | None) -> str | None:
    if not record.end_date:
        return None
    end = _date(record.end_date, "end_date", "结束日期", today)
    if end < on:
        raise ValidationError({"end_date": "结束日期不能早于开始日期"})
    return end.isoformat()


def _people(db: Database, n: int, people: list[Person], on: date) -> list[Person]:
    """Names trimmed; for 培养联系人 and 入党介绍人, that many 正式党员 on the roll on ``on``."""
    people = [replace(p, name=clean(p.name).strip()) for p in people if p.member_id or p.name.strip()]
    if n not in FROM_ROLL:
        return people
    low, high = FROM_ROLL[n]
    label = STEP[n].people
    count = "两名" if low == high == 2 else f"{low}～{high}名"
    if not low <= len(people) <= high or any(p.member_id is None for p in people):
        raise ValidationError({"people": f"{label}应为{count}正式党员，请从名册中选择"})
    book = members.RollBook(db)
    by_id = {m.id: m for m in book.members}
    out = []
    for p in people:
        m = by_id.get(p.member_id)
        entry = book.entry(m, on) if m else None
        if entry is None or entry.category != "正式党员":
            who = m.name if m else "所选党员"
            raise ValidationError({"people": f"{who}在 {on} 不是本支部的正式党员，不能担任{label}"})
        out.append(Person(m.name, m.id))
    if len({p.member_id for p in out}) != len(out):
        raise ValidationError({"people": f"{label}不能重复"})
    return out


def _check_vote(rec: StepRecord) -> None:
    """细则: 有表决权的到会人数超过应到会有表决权人数的半数，赞成人数超过应到会有表决权的正式党员的半数."""
    if rec.voters is None or rec.present is None or rec.ayes is None:
        raise ValidationError({"voters": "请填写应到会有表决权人数、实到人数和赞成人数"})
    if rec.voters <= 0 or not 0 <= rec.ayes <= rec.present <= rec.voters:
        raise ValidationError({"voters": "人数不合理：赞成人数不能多于实到，实到不能多于应到"})
    if rec.present * 2 <= rec.voters:
        raise ValidationError({"present": f"有表决权的到会 {rec.present} 人，未超过应到会 "
                                          f"{rec.voters} 人的半数，会议不能讨论接收预备党员"})
    if rec.ayes * 2 <= rec.voters:
        raise ValidationError({"ayes": f"赞成 {rec.ayes} 人，未超过应到会有表决权的 {rec.voters} 人"
                                       "的半数，未通过接收预备党员的决议"})


def _write_step(db: Database, recruit_id: int, rec: StepRecord) -> None:
    values = {"recruit_id": recruit_id, "step": rec.step, "date": rec.date,
              "end_date": rec.end_date, "hours": rec.hours, "meeting_id": rec.meeting_id,
              "voters": rec.voters, "present": rec.present, "ayes": rec.ayes, "notes": rec.notes}
    row = db.execute("SELECT id FROM recruit_steps WHERE recruit_id = ? AND step = ?",
                     [recruit_id, rec.step]).fetchone()
    if row:
        step_id = row[0]
        tables.update(db, "recruit_steps", step_id, values)
        db.execute("DELETE FROM recruit_step_people WHERE step_id = ?", [step_id])
    else:
        step_id = tables.insert(db, "recruit_steps", values)
    db.conn.executemany(
        "INSERT INTO recruit_step_people (step_id, sort_order, member_id, name) VALUES (?, ?, ?, ?)",
        [(step_id, i, p.member_id, p.name) for i, p in enumerate(rec.people)])


def step_id(db: Database, recruit_id: int, number: int) -> int | None:
    """The row id of a recorded step: the owner id of its documents (STEP_OWNER)."""
    row = db.execute("SELECT id FROM recruit_steps WHERE recruit_id = ? AND step = ?",
                     [recruit_id, number]).fetchone()
    return row[0] if row else None


def clear_step(db: Database, recruit_id: int, number: int) -> Recruit:
    """Remove a step recorded by mistake, with its documents. Refused for the application and,
    once admitted, for the steps that put the person on the roll."""
    ensure_writable(db)
    r = get(db, recruit_id)
    if number == APPLY or (r.status == ADMITTED and number in (GENERAL_MEETING, APPROVAL)):
        raise InUseError(f"“{STEP[number].name}”不能删除，可以修改日期")
    found = step_id(db, recruit_id, number)
    if found is not None:
        from branchdesk.core import attachments

        with db.atomic():
            attachments.remove_for(db, STEP_OWNER, found)
            db.execute("DELETE FROM recruit_steps WHERE id = ?", [found])
    return get(db, recruit_id)


def add_entry(db: Database, recruit_id: int, entry: Entry, *, today: date | None = None) -> Entry:
    """Record a 考察, a 思想汇报 or a 公示 (with its last day). Raises ValidationError."""
    ensure_writable(db)
    r = get(db, recruit_id)
    if entry.kind not in ENTRY_KINDS:
        raise ValidationError({"kind": "请选择考察、思想汇报或公示"})
    on = _date(entry.date, "date", f"{entry.kind}日期", today)
    if r.on(APPLY) and on < r.on(APPLY):
        raise ValidationError({"date": f"日期不能早于递交入党申请书的日期（{r.on(APPLY)}）"})
    end = None
    if entry.kind == PUBLICITY:
        if not entry.end_date:
            raise ValidationError({"end_date": "请填写公示的截止日期"})
        end = parse_date(entry.end_date)
        if end is None or end < on:
            raise ValidationError({"end_date": "公示截止日期不能早于开始日期"})
    entry_id = tables.insert(db, "recruit_entries", {
        "recruit_id": recruit_id, "kind": entry.kind, "date": on.isoformat(),
        "end_date": end.isoformat() if end else None, "notes": clean(entry.notes).strip()},
        stamps=(tables.CREATED,))
    return Entry(entry.kind, on.isoformat(), end.isoformat() if end else None,
                 clean(entry.notes).strip(), entry_id)


def remove_entry(db: Database, entry_id: int) -> None:
    ensure_writable(db)
    from branchdesk.core import attachments

    with db.atomic():
        attachments.remove_for(db, ENTRY_OWNER, entry_id)
        db.execute("DELETE FROM recruit_entries WHERE id = ?", [entry_id])


# ---------------------------------------------------------------- status and admission

def pause(db: Database, recruit_id: int, on: date, reason: str) -> Recruit:
    """Pause the person's development (暂缓) with a reason; no deadlines run while paused."""
    return _set_status(db, recruit_id, PAUSED, on, reason, "暂缓发展", (ACTIVE,))


def resume(db: Database, recruit_id: int, on: date, reason: str = "") -> Recruit:
    return _set_status(db, recruit_id, ACTIVE, on, reason, "恢复培养", (PAUSED,))


def withdraw(db: Database, recruit_id: int, on: date, reason: str) -> Recruit:
    """End the person's development (撤回申请, 不再列为积极分子, 调离 …) with a reason. The
    record and its history are kept."""
    return _set_status(db, recruit_id, WITHDRAWN, on, reason, "终止发展", (ACTIVE, PAUSED))


def _set_status(db: Database, recruit_id: int, status: str, on: date, reason: str, kind: str,
                allowed: tuple[str, ...]) -> Recruit:
    ensure_writable(db)
    r = get(db, recruit_id)
    if r.status not in allowed:
        raise ValidationError({"status": f"{r.name}目前为“{r.status}”，不能{kind}"})
    reason = clean(reason).strip()
    if status != ACTIVE and not reason:
        raise ValidationError({"reason": f"请写明{kind}的原因"})
    with db.atomic():
        db.execute("UPDATE recruits SET status = ?, updated_at = ? WHERE id = ?",
                   [status, tables.now(), recruit_id])
        _add_history(db, recruit_id, on, kind, reason)
    return get(db, recruit_id)


def extend_approval(db: Database, recruit_id: int, on: date, reason: str) -> Recruit:
    """The 上级党委 extends the time for 审批 (遇特殊情况, never beyond six months)."""
    ensure_writable(db)
    r = get(db, recruit_id)
    if r.on(GENERAL_MEETING) is None or r.on(APPROVAL) is not None:
        raise ValidationError({"status": "只有支部大会通过、尚待审批时才能延长审批时间"})
    if not clean(reason).strip():
        raise ValidationError({"reason": "请写明延长审批时间的原因"})
    with db.atomic():
        db.execute("UPDATE recruits SET approval_extended = 1 WHERE id = ?", [recruit_id])
        _add_history(db, recruit_id, on, "延长审批时间", clean(reason).strip())
    return get(db, recruit_id)


def _add_history(db: Database, recruit_id: int, on: date, kind: str, reason: str) -> None:
    tables.insert(db, "recruit_history", {"recruit_id": recruit_id, "date": on.isoformat(),
                                          "kind": kind, "reason": reason},
                  stamps=(tables.CREATED,))


def admit(db: Database, recruit_id: int, *, group_id: int | None = None,
          today: date | None = None) -> members.Member:
    """Put the person on the roll as a 预备党员, once the 支部大会 passed (step 15) and the
    上级党委 approved (step 17): 入党日期 = the 支部大会's date (the 预备期 runs a year from it),
    the 入党介绍人 carried over, the personal fields copied. One transaction: the roll entry,
    the link, and the history. Raises ValidationError."""
    ensure_writable(db)
    r = get(db, recruit_id)
    if r.status == ADMITTED:
        raise ValidationError({"status": f"{r.name}已接收为预备党员"})
    if r.status != ACTIVE:
        raise ValidationError({"status": f"{r.name}的发展工作已{r.status}"})
    meeting, approved = r.on(GENERAL_MEETING), r.on(APPROVAL)
    if meeting is None or approved is None:
        raise ValidationError({"status": "须支部大会通过（第15步）并经上级党委审批（第17步）后，"
                                         "才能接收入名册"})
    introducers = "、".join(p.name for p in r.steps[INTRODUCERS].people) \
        if INTRODUCERS in r.steps else ""
    member = members.Member(**{name: getattr(r, name) for name in PERSONAL},
                            category="预备党员", join_date=meeting.isoformat(),
                            group_id=group_id, introducers=introducers)
    with db.atomic():
        added = members.add(db, member, today=today)
        group = branch.group_names(db).get(group_id, "") if group_id else ""
        _write_step(db, recruit_id, StepRecord(ADMISSION, approved.isoformat(), notes=group))
        db.execute("UPDATE recruits SET status = ?, member_id = ?, updated_at = ? WHERE id = ?",
                   [ADMITTED, added.id, tables.now(), recruit_id])
        _add_history(db, recruit_id, approved, "接收为预备党员",
                     f"入党日期 {meeting}（支部大会），{approved} 上级党委批准")
    return added


def delete(db: Database, recruit_id: int) -> None:
    """Delete a person entered by mistake, with steps, entries and documents. Refused once
    admitted to the roll (the 纪实 belongs with the member's file)."""
    ensure_writable(db)
    r = get(db, recruit_id)
    if r.member_id is not None:
        raise InUseError(f"{r.name}已接收入名册，发展党员纪实须保留，不能删除")
    from branchdesk.core import attachments

    with db.atomic():
        for rec in r.steps.values():
            attachments.remove_for(db, STEP_OWNER, rec.id)
        for e in r.entries:
            attachments.remove_for(db, ENTRY_OWNER, e.id)
        db.execute("DELETE FROM recruits WHERE id = ?", [recruit_id])


# ---------------------------------------------------------------- summary (CLI, ledger, tab)

def summary(r: Recruit, conf: dict, as_of: date) -> dict:
    """The person as ``branchdesk recruits --json`` gives them (README): id, name, stage, the
    dates of the steps done by number, the next thing owed with its deadline, overdue."""
    owed = obligations(r, conf)
    first = owed[0] if owed else None
    return {
        "id": r.id, "name": r.name, "stage": stage(r),
        "steps": {str(s.number): r.on(s.number).isoformat() for s in STEPS if r.on(s.number)},
        "next": {"step": first.step, "name": first.name,
                 "due": first.due.isoformat() if first.due else None} if first else None,
        "overdue": any(d.overdue(as_of) for d in owed),
    }



# ---------------------------------------------------------------- 工作台 findings

def findings(db: Database, year: int, as_of: date, conf: dict) -> list:
    """The 工作台's 发展党员 findings on ``as_of``: the pipeline as it stands, so only in the
    view of the year ``as_of`` falls in (a past year's view is judged on a later day and
    holds no pipeline findings)."""
    if year != as_of.year:
        return []
    return check(list_recruits(db, include_closed=False), conf, as_of)


def check(people: list[Recruit], conf: dict, as_of: date) -> list:
    """Findings from plain data: overdue 谈话, 考察 and 思想汇报; 积极分子 with a full year of
    培养; 审批 pending (past three months: 缺项); 培训 and 公示 missing before the 支部大会;
    steps out of order. Paused and withdrawn people have none."""
    out = []
    for r in people:
        if r.status not in (ACTIVE, ADMITTED):
            continue
        out += _deadlines(r, conf, as_of) + _before_meeting(r, conf, as_of) + _order(r)
    return out


def _finding(severity: str, rule: str, r: Recruit, message: str, due: date | None = None):
    from branchdesk.core.rules import RECRUIT, Finding, points_at

    return Finding(severity, "recruit", rule, message, due=due.isoformat() if due else None,
                   target=points_at(RECRUIT, r.id))


def _deadlines(r: Recruit, conf: dict, as_of: date) -> list:
    from branchdesk.core.rules import DUE, MISSING, WARNING

    out = []
    activist = r.on(ACTIVIST)
    if activist and not r.on(CANDIDATE) and as_of >= candidate_from(activist, conf):
        out.append(_finding(WARNING, "recruit_year", r, f"{r.name}确定为入党积极分子已满一年"
                            f"（{activist}起），可研究是否列为发展对象"))
    for d in obligations(r, conf):
        late = d.overdue(as_of)
        if d.step == TALK and late:
            out.append(_finding(MISSING, "recruit_talk", r, f"{r.name}于{r.on(APPLY)}递交入党申请书，"
                                f"应在{d.due}前派人谈话，已逾期 {(as_of - d.due).days} 天", d.due))
        elif d.step == REVIEWS and late:
            what = "考察" if "考察" in d.name else "思想汇报"
            rule = "recruit_review" if what == "考察" else "recruit_report"
            out.append(_finding(MISSING, rule, r, f"入党积极分子{r.name}的{what}应于{d.due}前进行，"
                                f"已逾期 {(as_of - d.due).days} 天", d.due))
        elif d.step == APPROVAL:
            severity = MISSING if late else DUE
            state = f"已超过审批期限 {(as_of - d.due).days} 天" if late else f"应于{d.due}前审批"
            out.append(_finding(severity, "recruit_approval", r, f"{r.name}经支部大会（"
                                f"{r.on(GENERAL_MEETING)}）通过接收为预备党员，尚待上级党委审批，"
                                f"{state}", d.due))
    return out


def _before_meeting(r: Recruit, conf: dict, as_of: date) -> list:
    """培训 and 公示 owed before the 支部大会: 缺项 once it was held without them; while the
    person is a 发展对象: 待完成."""
    from branchdesk.core.rules import DUE, MISSING

    meeting = r.on(GENERAL_MEETING)
    if r.on(CANDIDATE) is None or r.status != ACTIVE:
        return []  # once on the roll, the 纪实 shows what was missing
    severity = MISSING if meeting else DUE
    when = "支部大会前未" if meeting else "召开支部大会前须"
    out = []
    training = r.steps.get(TRAINING)
    if not training_enough(training, conf) or (meeting and r.on(TRAINING) > meeting):
        short = "（不足 {0} 天或 {1} 学时）".format(conf["recruit_training_days"],
                                              conf["recruit_training_hours"]) if training else ""
        out.append(_finding(severity, "recruit_training", r,
                            f"发展对象{r.name}{when}完成集中培训{short}"))
    asked = conf["recruit_publicity"] and (meeting or r.on(PRE_REVIEW))
    if asked and not publicity_before(r, meeting):
        out.append(_finding(severity, "recruit_publicity", r, f"发展对象{r.name}{when}进行公示"))
    return out


def _order(r: Recruit) -> list:
    from branchdesk.core.rules import WARNING

    problems = order_problems(r)
    if not problems:
        return []
    return [_finding(WARNING, "recruit_order", r, f"{r.name}的发展步骤顺序有误：" + "；".join(problems))]
