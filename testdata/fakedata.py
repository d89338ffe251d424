"""Fictional branches of several sizes, for benchmarks and tests. Never real people.

    db = create(path, "large")      # 100 members, 10 years of every kind of record

Sizes (see SIZES): ``small`` (12 members, 2 years: quick, for tests), ``demo`` (the 35-member
demo branch of branchdesk/core/demo.py), ``large`` (100 members, 10 years), ``stress`` (500
members, 20 years). "Members" is the roll at the end; over the years some leave (转出, 去世) and others
arrive (转入) or are newly admitted (预备党员, 转正 a year later), so more rows exist.

The same ``seed`` and ``today`` always give the same branch. Every record goes through the
core's own save functions (members.add, change_status, save_committee, meetings.save,
talks.save, attachments.add …), so it passes the validation typed-in data passes, and all of it
is written in one transaction: with ``synchronous=FULL`` a commit per record would spend most of
the time waiting for the disk.

All names, ID numbers and phone numbers are invented: an ID number is a real district code with
a random birth date and sequence, completed with its check character (idcard.make_valid); phone
numbers are 1380000xxxx and 1390000xxxx.
"""

from __future__ import annotations

import bisect
import random
import shutil
import struct
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from branchdesk.core.db import Database

from branchdesk.core import (appraisals, attachments, branch, demo, dues, idcard, meetings, members,
                             settings, talks, transfers)
from branchdesk.core.dates import add_years
from branchdesk.core.transfers import Contact, Letter
from branchdesk.core.db import open_db
from branchdesk.core.errors import BranchdeskError

SEED = 20261129


@dataclass(frozen=True)
class Size:
    name: str
    members: int  # on the roll at the end
    years: int  # up to and including the current year
    attachments: bool = True


SIZES = {
    "small": Size("small", 12, 2),
    "demo": Size("demo", 35, 1, attachments=False),
    "large": Size("large", 100, 10),
    "stress": Size("stress", 500, 20),
}

# More given names than the demo's, so 800 people (stress, with those who left) stay distinct.
GIVEN = demo.GIVEN + ["振华", "立新", "红梅", "玉兰", "卫东", "建华", "淑珍", "德明", "金凤", "永强",
                      "晓燕", "志刚", "海涛", "丽娟", "春梅", "宏伟", "秋菊", "建平", "凤英", "国华",
                      "子轩", "梓涵", "一诺", "嘉怡", "博文", "若曦", "天佑", "诗琪", "明轩", "语嫣",
                      "家豪", "欣然", "俊熙", "晨曦", "景行", "书瑶", "亦凡", "可馨", "正阳", "安琪"]
REGIONS = ["330106", "330102", "320508", "340104", "360102", "110105", "310104", "420106"]
PLACES = ["浙江杭州", "浙江宁波", "江苏苏州", "安徽合肥", "江西南昌", "湖北武汉", "山东济南", "河南郑州"]
LEAVE_REASONS = [("转出", "调往示例市第{n}中学"), ("转出", "退休后转至居住地社区党组织"),
                 ("转出", "考取示例大学研究生"), ("去世", "因病去世")]
RECTIFY = [("理论学习不够系统", "制定季度学习计划，每月集中学习一次"),
           ("联系服务群众不够经常", "每名党员联系两名群众，每季度走访一次"),
           ("组织生活形式比较单一", "结合教学实际开展主题党日，丰富活动形式"),
           ("批评与自我批评不够深入", "会前开展谈心谈话，会上逐一点评")]
LIFE_TOPICS = ["对照检查，开展批评与自我批评", "通报上年度整改落实情况", "开展民主评议党员"]


def create(path: Path | str, size: str = "large", *, seed: int = SEED,
           today: date | None = None, overwrite: bool = False) -> Database:
    """Write a fictional branch of ``size`` to the new file ``path`` and return it open."""
    path = Path(path)
    if path.exists():
        if not overwrite:
            raise BranchdeskError(f"文件“{path}”已存在。")
        path.unlink()
    db = open_db(path)
    populate(db, size, seed=seed, today=today)
    return db


def populate(db: Database, size: str = "large", *, seed: int = SEED,
             today: date | None = None) -> None:
    """Fill an empty database with the branch of ``size`` (a key of SIZES)."""
    today = today or date.today()
    if size == "demo":
        demo.populate(db, today)
        return
    # Scratch files for the attachments, beside the database (tests keep everything in tmp_path).
    scratch = Path(tempfile.mkdtemp(prefix=".fake-", dir=Path(db.path).resolve().parent))
    try:
        with db.atomic():
            _Builder(db, SIZES[size], random.Random(seed), today, scratch).run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ---------------------------------------------------------------- the plan of people

@dataclass
class _Person:
    """One member as planned: the record to add and the dated changes to record afterwards."""

    member: members.Member
    arrives: date | None = None  # None: on the roll before the period starts
    stable: bool = False  # committee material: never leaves
    full_on: date | None = None  # 转正 during the period
    leaves: tuple[date, str, str] | None = None
    moves: list[tuple[date, int]] = field(default_factory=list)  # (date, new group index)
    id: int | None = None

    def on_roll(self, day: date) -> bool:
        arrived = self.arrives is None or self.arrives <= day
        return arrived and (self.leaves is None or day < self.leaves[0])


@dataclass
class _Term:
    start: date
    seats: list[tuple[_Person, str]]  # (person, role)

    def holder(self, role: str) -> int:
        """The member id of whoever holds ``role`` (the first seat when nobody does)."""
        return next((p for p, r in self.seats if r == role), self.seats[0][0]).id


class _Builder:
    """Plans the people and their changes first (plain Python, so departures can be drawn from
    whoever is on the roll that day), then writes everything through the core in date order."""

    def __init__(self, db: Database, size: Size, rng: random.Random, today: date, scratch: Path):
        self.db, self.size, self.rng, self.today = db, size, rng, today
        self.start = date(today.year - size.years + 1, 1, 1)
        self.people: list[_Person] = []
        self.names: set[str] = set()
        self.id_numbers: set[str] = set()
        self.group_ids: list[int] = []
        self.terms: list[_Term] = []
        self.phones = 0
        self.files = scratch
        self.rolls: _RollCache | None = None  # made once every member and change is written
        # The lifecycle details (contacts, 介绍信 numbers, 回执 days) draw from their own stream,
        # so the people, meetings and talks stay those of the same seed without them.
        self.life = random.Random(19)
        self.letters_out: list[tuple[date, int]] = []

    def run(self) -> None:
        settings.put(self.db, _profile())
        group_count = max(3, round(self.size.members / 15))
        self.group_ids = [branch.ensure_group(self.db, f"第{_cn(n)}党小组")
                          for n in range(1, group_count + 1)]
        self._plan_people()
        self._plan_terms()
        self._add_people()
        self._record_changes()
        self._receipts()
        self._committee()
        self.rolls = _RollCache(self.db)
        self._meetings()
        self._appraisals()
        self._talks()
        demo.add_pipeline(self.db, self.rng, self.today)  # 发展党员: applicants to 待审批
        self._dues()

    # ------------------------------------------------------------ people
    def _plan_people(self) -> None:
        n, years = self.size.members, self.size.years
        leaves_a_year = max(1, round(n * 0.03))
        transfers_a_year, admitted_a_year = round(n * 0.02), max(1, round(n * 0.02))
        initial = n - (transfers_a_year + admitted_a_year - leaves_a_year) * years
        stable = 11 if n >= 50 else 9  # committee seats (7 or 5) and a few to rotate in
        for index in range(initial):
            self.people.append(self._initial(index, stable, initial))
        for year in range(self.start.year, self.today.year + 1):
            for _ in range(transfers_a_year):
                self._maybe_add(self._transfer(self._day_in(year)))
            for _ in range(admitted_a_year):
                self._maybe_add(self._admitted(self._day_in(year)))
            for _ in range(leaves_a_year):
                self._plan_departure(self._day_in(year))
            for _ in range(max(1, round(n * 0.02))):
                self._plan_move(self._day_in(year))

    def _maybe_add(self, person: _Person) -> None:
        if person.arrives <= self.today:
            self.people.append(person)

    def _day_in(self, year: int) -> date:
        first = date(year, 1, 2)
        last = min(date(year, 12, 28), self.today)
        if last < first:
            return self.today
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _initial(self, index: int, stable: int, initial: int) -> _Person:
        birth = self._birth(1955, self.start.year - 25)
        join = self._date_between(add_years(birth, 20), self.start - timedelta(days=400))
        person = _Person(self._member(birth, join), stable=index < stable)
        if index >= initial - 2:  # admitted shortly before the period: 转正 in the first year
            person.member.join_date = (self.start - timedelta(days=120 + index % 2 * 60)).isoformat()
            person.member.category, person.member.full_date = "预备党员", None
            person.full_on = add_years(date.fromisoformat(person.member.join_date), 1)
        return person

    def _transfer(self, arrives: date) -> _Person:
        birth = self._birth(1965, arrives.year - 26)
        join = self._date_between(add_years(birth, 20), arrives - timedelta(days=400))
        member = self._member(birth, join)
        member.branch_join_date = arrives.isoformat()
        member.notes = f"由示例市第{_cn(self.rng.randint(2, 9))}中学党支部转入"
        return _Person(member, arrives=arrives)

    def _admitted(self, joins: date) -> _Person:
        birth = self._birth(joins.year - 35, joins.year - 22)
        member = self._member(birth, joins)
        member.category, member.full_date = "预备党员", None
        member.introducers = "（虚构）两名正式党员"
        full = add_years(joins, 1)
        return _Person(member, arrives=joins, full_on=full if full <= self.today else None)

    def _birth(self, first_year: int, last_year: int) -> date:
        return date(self.rng.randint(first_year, max(first_year, last_year)),
                    self.rng.randint(1, 12), self.rng.randint(1, 28))

    def _date_between(self, first: date, last: date) -> date:
        last = max(first, last)
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _member(self, birth: date, join: date) -> members.Member:
        rng, index = self.rng, self.phones
        self.phones += 1
        female = rng.random() < 0.55
        full = add_years(join, 1)
        return members.Member(
            name=self._unique_name(), gender="女" if female else "男",
            ethnicity="汉族" if rng.random() < 0.93 else rng.choice(["回族", "满族", "壮族"]),
            id_number=self._id_number(birth, female), birth_date=birth.isoformat(),
            native_place=rng.choice(PLACES), education=rng.choice(demo.EDU),
            category="正式党员", group_id=None, join_date=join.isoformat(),
            full_date=full.isoformat() if full <= self.today else None, job=rng.choice(demo.JOBS),
            phone=f"13{8 + index // 10000}0000{index % 10000:04d}",
            address=f"示例市文教路{rng.randint(1, 300)}号", **self._mobile())

    def _mobile(self) -> dict:
        if self.rng.random() < 0.02:
            return self._away()
        return {}

    def _away(self) -> dict:
        """A 流动党员's fields: away for two months to a year and a half."""
        since = self.today - timedelta(days=self.life.randint(60, 540))
        return {"mobile": True, "mobile_destination": "外派支教（示例县中学）",
                "mobile_since": since.isoformat(), "mobile_contact": "（虚构）示例县中学党支部联系人"}

    def _unique_name(self) -> str:
        while True:
            name = self.rng.choice(demo.SURNAMES) + self.rng.choice(GIVEN)
            if name not in self.names:
                self.names.add(name)
                return name

    def _id_number(self, birth: date, female: bool) -> str:
        while True:
            sex = self.rng.choice("02468" if female else "13579")
            number = idcard.make_valid(
                f"{self.rng.choice(REGIONS)}{birth:%Y%m%d}{self.rng.randint(0, 99):02d}{sex}")
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def _plan_departure(self, on: date) -> None:
        candidates = [p for p in self.people if not p.stable and p.on_roll(on) and p.leaves is None
                      and (p.arrives is None or p.arrives < on - timedelta(days=30))
                      and (p.full_on is None or p.full_on < on)]
        if candidates:
            kind, reason = self.rng.choice(LEAVE_REASONS)
            self.rng.choice(candidates).leaves = (on, kind, reason.format(n=_cn(self.rng.randint(2, 9))))

    def _plan_move(self, on: date) -> None:
        candidates = [p for p in self.people if p.on_roll(on) and not p.stable
                      and all(d < on for d, _ in p.moves)]
        if candidates:
            self.rng.choice(candidates).moves.append((on, self.rng.randrange(len(self.group_ids))))

    # ------------------------------------------------------------ writing people
    def _add_people(self) -> None:
        """Initial members first, then newcomers as they arrived (ids grow with time)."""
        order = sorted(self.people, key=lambda p: p.arrives or date.min)
        staying = [i for i, p in enumerate(order) if p.leaves is None and not p.stable
                   and p.arrives is None and not p.member.mobile]
        middle = staying[len(staying) // 2 - 1:][:2]  # a 失联 and a 流动党员 in every branch
        lost = {i for i in staying if i % 97 == 40} | set(middle[:1])
        away = set(middle[1:])
        for index, person in enumerate(order):
            person.member.group_id = self.group_ids[index % len(self.group_ids)]
            if index in lost:
                person.member.lost_contact = True
                person.member.lost_contact_date = (self.today - timedelta(days=300)).isoformat()
            if index in away:
                person.member = members.with_changes(person.member, **self._away())
            saved = members.add(self.db, person.member, today=self.today)
            person.id, person.member = saved.id, saved
            self._lifecycle_records(person)
        self.people = order

    def _lifecycle_records(self, person: _Person) -> None:
        """The 介绍信 a newcomer brought, and the contacts kept with a 流动党员."""
        m = person.member
        if m.branch_join_date and person.arrives:
            issued = person.arrives - timedelta(days=self.life.randint(1, 10))
            transfers.save_letter_in(self.db, person.id, Letter(
                "转入", issued.isoformat(), f"外组转字〔{issued.year}〕{self.life.randint(1, 99)}号",
                m.notes.removeprefix("由").removesuffix("转入") or "示例市委组织部",
                dues_paid_to=f"{issued:%Y-%m}"), today=self.today)
        if m.mobile and m.mobile_since:
            since = date.fromisoformat(m.mobile_since)
            days = sorted(self.life.randint(20, max(21, (self.today - since).days))
                          for _ in range(self.life.randint(1, 3)))
            transfers.save_contacts(self.db, person.id, [
                Contact((since + timedelta(days=d)).isoformat(), self.life.choice(("电话", "微信")),
                        "（虚构）了解工作和学习情况，按时参加当地组织生活") for d in days],
                today=self.today)

    def _record_changes(self) -> None:
        """转正, 转出/去世, 调整党小组 and one 停止党籍 … 恢复党籍, in date order."""
        changes = []
        leaving = sorted((p for p in self.people if p.leaves), key=lambda p: p.leaves[0])
        if leaving and all(p.leaves[1] != "转出" for p in leaving):  # one 转出 in every branch
            leaving[-1].leaves = (leaving[-1].leaves[0], "转出", "调往示例市第二中学")
        for person in self.people:
            if person.full_on:
                changes.append((person.full_on, lambda p=person: self._status(p, "转正", p.full_on)))
            if person.leaves:
                on, kind, reason = person.leaves
                changes.append((on, lambda p=person, o=on, k=kind, r=reason: self._status(p, k, o, r)))
            for on, group in person.moves:
                changes.append((on, lambda p=person, o=on, g=group: self._move(p, o, g)))
        suspended = next(p for p in self.people if not p.stable and p.leaves is None
                         and p.arrives is None)
        middle = self.start + (self.today - self.start) / 2
        changes.append((middle, lambda: self._status(suspended, "停止党籍", middle, "（虚构）")))
        back = middle + timedelta(days=200)
        changes.append((back, lambda: self._status(suspended, "恢复党籍", back, "（虚构）")))
        for _, change in sorted(changes, key=lambda c: c[0]):
            change()

    def _status(self, person: _Person, kind: str, on: date, reason: str = "") -> None:
        if kind == "转出":
            self._transfer_out(person, on, reason)
            return
        members.change_status(self.db, person.id, kind, on, reason)

    def _transfer_out(self, person: _Person, on: date, reason: str) -> None:
        """A 转出 with its 介绍信 (its 回执 comes in _receipts)."""
        place = (reason.removeprefix("调往") + "党支部" if reason.startswith("调往")
                 else reason.split("转至")[-1] if "转至" in reason else "示例大学研究生党支部")
        letter = transfers.transfer_out(self.db, person.id, Letter(
            "转出", on.isoformat(), f"示组转字〔{on.year}〕{self.life.randint(1, 99)}号", place, 3,
            f"{on:%Y-%m}", note=reason), today=self.today)
        self.letters_out.append((on, letter.id))

    def _receipts(self) -> None:
        """Every 回执 comes back one to eight weeks after its letter, except the latest
        转出's and any not yet due by today: those are pending."""
        for on, letter_id in sorted(self.letters_out)[:-1]:
            back = on + timedelta(days=self.life.randint(7, 56))
            if back <= self.today:
                transfers.record_receipt(self.db, letter_id, back, today=self.today)

    def _move(self, person: _Person, on: date, group: int) -> None:
        member = members.get(self.db, person.id)
        if member.active and member.group_id != self.group_ids[group]:
            member.group_id = self.group_ids[group]
            members.update(self.db, member, effective=on, today=self.today)

    # ------------------------------------------------------------ committee
    def _plan_terms(self) -> None:
        """An election every three years from the start; each brings one or two new faces."""
        roles = (["书记", "副书记", "组织委员", "宣传委员", "纪检委员", "青年委员", "委员"]
                 if self.size.members >= 50 else ["书记", "组织委员", "宣传委员", "纪检委员", "委员"])
        pool = [p for p in self.people if p.stable]
        seated = pool[:len(roles)]
        # Elected before the period, so the first months' 支委会 have their committee.
        on, bench = self.start - timedelta(days=40), pool[len(roles):]
        while on <= self.today:
            self.terms.append(_Term(on, list(zip(seated, roles))))
            for _ in range(self.rng.randint(1, 2)):
                out = self.rng.randrange(1, len(seated))  # the 书记 stays, to keep hosts simple
                bench.append(seated[out])
                seated[out] = bench.pop(0)
            on = add_years(on, 3)

    def _committee(self) -> None:
        for term in self.terms:
            seats = [branch.CommitteeSeat(None, p.id, role) for p, role in term.seats]
            branch.save_committee(self.db, seats, on=term.start)
        last = self.terms[-1]
        secretary = members.get(self.db, last.holder("书记"))
        settings.put(self.db, {"term_start": last.start.isoformat(), "secretary_name": secretary.name})
        for person, role in last.seats:
            member = members.get(self.db, person.id)
            member.party_post = "支部" + role if role != "委员" else "支部委员"
            members.update(self.db, member, today=self.today)

    def _term_on(self, day: date) -> _Term:
        return next((t for t in reversed(self.terms) if t.start <= day), self.terms[0])

    # ------------------------------------------------------------ meetings
    def _meetings(self) -> None:
        month = self.start
        while month <= self.today:
            self._month(month.year, month.month)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)

    def _month(self, year: int, month: int) -> None:
        rng = self.rng
        if rng.random() > 0.02:
            self._meeting(meetings.COMMITTEE, date(year, month, rng.randint(3, 7)))
        for group_id in self.group_ids:
            if rng.random() > 0.03:
                self._meeting(meetings.GROUP, date(year, month, rng.randint(8, 20)), group_id=group_id)
        if month % 3 == 0:
            self._meeting(meetings.GENERAL, date(year, month, rng.randint(20, 26)))
        if month % 3 == 2:
            self._meeting(meetings.LECTURE, date(year, month, rng.randint(21, 27)))
        if month == 1:
            self._meeting(meetings.LIFE, date(year, month, rng.randint(15, 25)))
        self._theme_day(year, month)

    def _theme_day(self, year: int, month: int) -> None:
        on = date(year, month, self.rng.randint(10, 18))
        if self.rng.random() < 0.05 and month < 12:  # held early the next month, counted for this one
            on = date(year, month + 1, self.rng.randint(2, 5))
        theme, form = demo.THEMES[(month + year) % len(demo.THEMES)]
        self._meeting(meetings.THEME_DAY, on, topics=[theme], activity_form=form, organiser="支部委员会",
                      period=f"{year:04d}-{month:02d}", outcome="党员的宗旨意识和责任意识进一步增强。",
                      content=f"全体党员参加了“{theme}”主题党日活动。活动中大家认真参与、交流体会。")

    def _meeting(self, kind: str, on: date, group_id: int | None = None, **fields) -> None:
        if on > self.today:
            return
        term = self._term_on(on)
        host, recorder = term.holder("书记"), term.holder("组织委员")
        m = meetings.Meeting(kind=kind, date=on.isoformat(), start_time="15:30", end_time="17:00",
                             place="学校党员活动室", host_id=host, recorder_id=recorder,
                             group_id=group_id, **fields)
        self._subject(m)
        m.attendance = self._marks(meetings.default_attendance(
            self.db, kind, on, group_id, m.held_as, roll=self.rolls.on(on)))
        late = self.rng.random() < 0.05
        entered = min(on + timedelta(days=self.rng.randint(5, 20) if late else 1), self.today)
        saved = meetings.save(self.db, m, today=entered)
        if self.size.attachments and kind in (meetings.GENERAL, meetings.LIFE, meetings.THEME_DAY):
            attachments.add(self.db, attachments.MEETING, saved.id, self._scan(on), "签到表扫描件")

    def _subject(self, m: meetings.Meeting) -> None:
        if m.kind == meetings.THEME_DAY:
            return
        if m.kind == meetings.LIFE:
            m.held_as, m.topics = meetings.GENERAL, list(LIFE_TOPICS)
            m.rectifications = [meetings.Rectification(p, s, "支部委员会", f"{m.date[:4]}-06-30", True)
                                for p, s in self.rng.sample(RECTIFY, 2)]
        elif m.kind == meetings.LECTURE:
            m.lecturer, m.lecture_title = "支部书记", self.rng.choice(demo.TOPICS[m.kind])
        else:
            m.topics = self.rng.sample(demo.TOPICS[m.kind], 2)
            m.resolution = "" if m.kind == meetings.GROUP else "会议议定按上述安排抓好落实。"
        topics = m.topics or [m.lecture_title]
        m.content = "\n".join([f"{n}、{t}。与会同志认真学习讨论，结合本职工作谈了认识和打算。"
                               for n, t in zip("一二三", topics)] + ["会议最后，书记对下一阶段工作作了部署。"])

    def _marks(self, attendance: list[meetings.AttendanceEntry]) -> list[meetings.AttendanceEntry]:
        for entry in attendance:
            roll = self.rng.random()
            if roll < 0.06:
                entry.status, entry.reason = meetings.LEAVE, self.rng.choice(demo.REASONS)
            elif roll < 0.075 or (entry.member_id % 53 == 7 and roll < 0.6):  # a few often absent
                entry.status, entry.reason = meetings.ABSENT, "未说明原因"
        return attendance

    def _scan(self, on: date) -> Path:
        """A small grey PNG, different for every meeting (attachments are stored by content)."""
        path = self.files / f"签到表扫描-{on.isoformat()}.png"
        path.write_bytes(_png(48, 32, self.rng, f"{on.isoformat()}-{self.rng.randrange(10 ** 9)}"))
        return path

    # ------------------------------------------------------------ 民主评议 and talks
    def _appraisals(self) -> None:
        for year in range(self.start.year, self.today.year):
            grades = {}
            for entry in appraisals.candidates(self.db, year):
                if entry.category == "预备党员":
                    grades[entry.member.id] = (appraisals.NOT_GRADED, "预备党员")
                else:
                    roll = self.rng.random()
                    grade = "优秀" if roll < 0.2 else "基本合格" if roll > 0.99 else "合格"
                    grades[entry.member.id] = (grade, "")
            appraisals.save(self.db, year, grades)

    def _talks(self) -> None:
        for year in range(self.start.year, self.today.year + 1):
            as_of = min(date(year, 12, 31), self.today)
            term = self._term_on(as_of)
            committee = [p.id for p, _ in term.seats]
            on_roll = [e.member.id for e in members.roll_as_of(self.db, as_of)
                       if not e.suspended and e.member.id not in committee]
            for index, member_id in enumerate(on_roll):
                if self.rng.random() < 0.93:
                    self._talk(committee[index % len(committee)], member_id, year, index)
            for a in range(len(committee)):
                for b in range(a + 1, len(committee)):
                    if self.rng.random() < 0.95:
                        self._talk(committee[a], committee[b], year, a * 10 + b)

    def _talk(self, talker: int, target: int, year: int, index: int) -> None:
        on = self._day_in(year)
        occasion, topic = demo.TALK_TOPICS[index % len(demo.TALK_TOPICS)]
        follow = index % 4 == 0
        talk = talks.Talk(date=on.isoformat(), place="支部书记办公室", talker_id=talker,
                          target_ids=[target], occasion=occasion, topic=topic,
                          content="双方围绕工作、学习和思想情况进行了交流，谈话对象表示将继续努力。",
                          feedback="希望支部多组织业务交流活动。" if follow else "",
                          follow_up="已向支委会反映，纳入下季度活动安排。" if follow else "",
                          followed_up=follow and on.year < self.today.year)
        talks.save(self.db, talk, today=min(on + timedelta(days=1), self.today))


    # ------------------------------------------------------------ 党费
    def _dues(self) -> None:
        """Yearly bases (pay rises a little each year; members born before 1962 are 离退休
        from 60; one 学生, one 免交 for hardship), payments month by month, some three months
        at once (补交), one member behind for the last seven months, and the 预备党员's
        approvals three weeks after the 支部大会."""
        rng, first_year = self.rng, self.start.year
        for n, person in enumerate(self.people):
            m = person.member
            pay = rng.randrange(2600, 12000) * 100
            born = date.fromisoformat(m.birth_date)
            for year in range(first_year, self.today.year + 1):
                retired = date(year, 1, 1) >= add_years(born, 60)
                category = dues.RETIRED if retired else dues.STUDENT if n == 7 else dues.WORKING
                base = None if category == dues.STUDENT else pay * (100 + 3 * (year - first_year)) // (
                    160 if retired else 100)
                dues.upsert_base(self.db, dues.Base(person.id, f"{year}-01-01", category, base))
            if m.category == "预备党员" or person.full_on:
                approved = date.fromisoformat(m.join_date) + timedelta(days=21)
                dues.record_event(self.db, dues.Event(person.id, dues.APPROVED,
                                                      min(approved, self.today).isoformat()))
        hardship = self.people[len(self.people) // 3]
        dues.add_relief(self.db, dues.Relief(hardship.id, dues.EXEMPT, f"{self.today.year}-01", None,
                                             None, f"{self.today.year - 1}-12-10",
                                             f"{self.today.year - 1}-12-20", "（虚构）因病生活困难"))
        self._payments()

    def _payments(self) -> None:
        book = dues.DuesBook(self.db, as_of=self.today)
        last = dues.month_of(self.today - timedelta(days=10))
        items = []
        for n, person in enumerate(self.people):
            owed = [o for o in dues.owed_months(person.member, book, last,
                                                f"{self.start.year}-01") if o.due]
            if n == 5:
                owed = owed[:-7]  # behind: the 党章第九条 prompt shows
            batch = 3 if n % 17 == 3 else 1
            for i in range(0, len(owed), batch):
                chunk = owed[i:i + batch]
                due = max([o.falls_due or dues.first_day(o.month) for o in chunk])
                on = min(due + timedelta(days=self.rng.randrange(3, 20) + 31 * (batch - 1)),
                         self.today)
                items.append(dues.Payment(person.id, on.isoformat(), sum(o.due for o in chunk),
                                          chunk[0].month, chunk[-1].month, "（虚构）组织委员",
                                          self.rng.choice(dues.METHODS)))
        dues.add_payments(self.db, items, today=self.today)


class _RollCache:
    """members.roll_as_of, read once per stretch of days in which nothing changes.

    The roll on a day depends on the day only through comparisons with the dates in the
    members' records and histories (joined, 转正, left, each recorded change), so it is the
    same on every day between two consecutive such dates. Reading it once per stretch rather
    than once per meeting makes the large branch about three times quicker to generate.
    """

    def __init__(self, db: Database):
        self.db = db
        found = set()
        for m in members.list_members(db, include_left=True):
            found.update(d for d in (m.join_date, m.full_date, m.branch_join_date, m.left_date) if d)
            found.update(h["date"] for h in members.history(db, m.id))
        self.dates = sorted(date.fromisoformat(d) for d in found)
        self.rolls: dict[int, list[members.RollEntry]] = {}

    def on(self, day: date) -> list[members.RollEntry]:
        stretch = bisect.bisect_right(self.dates, day)
        if stretch not in self.rolls:
            self.rolls[stretch] = members.roll_as_of(self.db, day)
        return self.rolls[stretch]


def _profile() -> dict:
    return {"branch_name": "示例市第一中学教工党支部（虚构）", "parent_org": "中共示例市教育局委员会",
            "term_years": 3, "setup_done": True}


_DIGITS = "零一二三四五六七八九"


def _cn(number: int) -> str:
    """1 → 一, 12 → 十二, 34 → 三十四 (up to 99)."""
    tens, ones = divmod(number, 10)
    if not tens:
        return _DIGITS[ones]
    return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[ones] if ones else "")


def _png(width: int, height: int, rng: random.Random, label: str) -> bytes:
    """A valid greyscale PNG of grey stripes (a stand-in for a scanned sign-in sheet); the
    label in a text chunk makes every file's content, and so its stored copy, distinct."""
    rows = b"".join(b"\x00" + bytes([rng.randrange(180, 256)]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"tEXt", b"Comment\x00" + label.encode("ascii"))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
