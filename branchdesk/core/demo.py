"""A realistic, entirely fictional demo branch: people, committee, groups and a year of records.

Every name, ID number and phone number here is invented: names are random pairs of common
surnames and given names, ID numbers combine one city-district code with random birth dates
and sequences (with a valid check character, so validation passes), and phone numbers are
1380000xxxx. Gaps are left on purpose (a missing 支委会, 党小组会 and 主题党日, talks not yet
held, a 预备期 past due, a 失联 member, a 流动党员 not contacted for six months, a 转出 awaiting
its 回执) so that the 工作台 has findings to show.
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from pathlib import Path

from branchdesk.core.db import Database

from branchdesk.core import (appraisals, branch, dues, idcard, meetings, members, recruitment,
                             settings, talks, transfers)
from branchdesk.core.transfers import Contact, Letter
from branchdesk.core.db import open_db
from branchdesk.core.errors import BranchdeskError, ReadOnlyDatabaseError

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN_MALE = ["建国", "志强", "明", "伟", "军", "磊", "洋", "勇", "涛", "超", "平", "刚", "晓东",
              "文博", "思远", "浩然", "俊杰", "鹏", "宇航", "国庆"]
GIVEN_FEMALE = ["秀英", "丽华", "海燕", "静", "芳", "敏", "艳", "娟", "霞", "桂英", "雨桐", "子涵",
                "佳怡", "婷", "慧", "欣怡", "雪梅", "春燕"]
GIVEN = GIVEN_MALE + GIVEN_FEMALE
EDU = ["大学本科"] * 6 + ["研究生"] * 3 + ["大学专科"] * 2 + ["中专"]
JOBS = ["语文教师", "数学教师", "英语教师", "物理教师", "化学教师", "历史教师", "体育教师",
        "教务处干事", "总务处主任", "年级组长", "校医", "图书管理员", "财务科科员", "信息中心工程师"]
REASONS = ["出差", "病假", "外出培训", "公假（带学生竞赛）", "事假"]
TOPICS = {
    meetings.GENERAL: ["学习《中国共产党支部工作条例（试行）》", "讨论通过本季度党员发展工作安排",
                       "通报上半年支部工作情况", "研究预备党员转正事宜"],
    meetings.COMMITTEE: ["研究本月支部工作安排", "讨论主题党日活动方案", "研究党费收缴情况",
                         "研究谈心谈话安排", "讨论党员教育培训计划"],
    meetings.GROUP: ["学习上级会议精神", "交流学习体会", "讨论教学工作中的党员先锋作用"],
    meetings.LECTURE: ["坚定理想信念，做新时代合格党员", "严守纪律规矩，筑牢廉洁防线",
                       "践行为民宗旨，办好人民满意教育", "传承红色基因，赓续精神血脉"],
}
THEMES = [("重温入党誓词", "集中学习"), ("走进社区志愿服务", "志愿服务"), ("参观革命纪念馆", "参观学习"),
          ("读书分享会", "研讨交流"), ("清洁校园环境", "志愿服务"), ("学习党章党规", "集中学习"),
          ("红色观影", "集中学习"), ("结对帮扶困难学生", "志愿服务"), ("廉洁文化进校园", "研讨交流"),
          ("教学技能传帮带", "研讨交流"), ("安全隐患排查", "志愿服务"), ("年度学习总结交流", "研讨交流")]


def create_demo(path: Path, *, overwrite: bool = False, today: date | None = None) -> Database:
    """Write the demo branch to ``path`` (a new file) and return it open.

    An existing file is replaced only with ``overwrite`` and only if it is itself a demo branch;
    a verified backup of it is written first, and the new branch is built under a temporary
    name and renamed over it, so the old one stays until the new one is complete. A real
    branch is never replaced by demo data.
    """
    path = Path(path)
    if not path.exists():
        db = open_db(path)
        populate(db, today or date.today())
        return db
    if not overwrite:
        raise BranchdeskError(f"文件“{path}”已存在。演示数据需要新文件，请换一个文件名，或加 --force 覆盖。")
    _back_up_old_demo(path)
    staging = path.with_name(f".{path.name}.{os.getpid()}.demo")
    try:
        db = open_db(staging)
        populate(db, today or date.today())
        db.close()
        os.replace(staging, path)
    finally:
        for leftover in (staging, Path(f"{staging}-journal")):
            leftover.unlink(missing_ok=True)
    return open_db(path)


def _back_up_old_demo(path: Path) -> None:
    """Back up an earlier demo branch at ``path``; refuse anything else."""
    from branchdesk.core import backup

    db = open_db(path, read_only=ReadOnlyDatabaseError("只读检查"))
    try:
        # older demo files carry no marker, but the demo's fictional name
        is_demo = (settings.get(db, "is_demo")
                   or settings.get(db, "branch_name") == _profile(2000)["branch_name"])
    finally:
        db.close()
    if not is_demo:
        raise BranchdeskError(f"文件“{path}”是一个真实支部的数据文件，不能用演示数据覆盖它，文件没有被修改。"
                              "请为演示支部另选一个文件名。")
    backup.make_backup(path, tag="before-demo")


def populate(db: Database, today: date) -> None:
    rng = random.Random(20261129)
    year = today.year
    with db.atomic():
        settings.put(db, _profile(year))
        groups = [branch.ensure_group(db, f"第{n}党小组") for n in "一二三"]
        people = _members(db, rng, groups, today)
        _committee(db, people)
        _status_changes(db, people, year, today)
        _lifecycle(db, people, today)
        _meetings(db, rng, people, groups, today)
        _appraisal(db, rng, year - 1, today)
        _talks(db, rng, people, today)
        add_pipeline(db, rng, today)
        _dues(db, random.Random(21), people, today)


def _profile(year: int) -> dict:
    return {
        "branch_name": "示例市第一中学教工党支部",
        "parent_org": "中共示例市教育局委员会",
        "secretary_name": "",
        "term_start": f"{year - 3}-12-20",
        "term_years": 3,
        "setup_done": True,
        "is_demo": True,
    }


def _fake_id(rng: random.Random, birth: date, female: bool) -> str:
    seq = rng.randrange(10, 99) * 10 + (rng.choice([0, 2, 4, 6, 8]) if female else rng.choice([1, 3, 5, 7, 9]))
    return idcard.make_valid(f"330106{birth:%Y%m%d}{seq:03d}")


def _members(db: Database, rng: random.Random, groups: list[int], today: date) -> list[members.Member]:
    used: set[str] = set()
    people = []
    for index in range(35):
        people.append(members.add(db, _person(rng, index, groups, today, used), today=today))
    return people


def _person(rng, index, groups, today, used) -> members.Member:
    female = rng.random() < 0.55
    name = _unique_name(rng, used, GIVEN_FEMALE if female else GIVEN_MALE)
    birth = date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28))
    join = date(max(birth.year + 19, 1990) + rng.randint(0, 8), rng.randint(1, 12), 1)
    probationary = index in (7, 19, 30)
    if probationary:
        join = _probation_start(index, today)
    full = None if probationary else _full_date(join)
    return members.Member(
        name=name, gender="女" if female else "男", ethnicity="汉族" if index % 11 else "回族",
        id_number=_fake_id(rng, birth, female), birth_date=birth.isoformat(),
        native_place=rng.choice(["浙江杭州", "浙江宁波", "江苏苏州", "安徽合肥", "江西南昌"]),
        education=rng.choice(EDU), category="预备党员" if probationary else "正式党员",
        group_id=groups[index % 3], join_date=join.isoformat(),
        full_date=full.isoformat() if full else None, job=rng.choice(JOBS),
        phone=f"1380000{index:04d}", address=f"示例市文教路{rng.randint(1, 200)}号",
        mobile=index == 25, mobile_destination="外派支教（示例县中学）" if index == 25 else "",
        introducers="、".join(sorted(used - {name})[:2]) if probationary else "",
    )


def _unique_name(rng, used, given) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(given)
        if name not in used:
            used.add(name)
            return name


def _probation_start(index: int, today: date) -> date:
    # One whose 预备期 ends within 60 days, one already past it, one recent.
    offsets = {7: 320, 19: 380, 30: 90}
    return today - timedelta(days=offsets[index])


def _full_date(join: date) -> date:
    return join.replace(year=join.year + 1)


def _committee(db, people) -> None:
    roles = ["书记", "组织委员", "宣传委员", "纪检委员", "委员"]
    seats = [branch.CommitteeSeat(None, people[i].id, role) for i, role in zip((0, 1, 2, 3, 4), roles)]
    branch.save_committee(db, seats)
    settings.put(db, {"secretary_name": people[0].name})
    for seat in seats:
        m = members.get(db, seat.member_id)
        m.party_post = "支部" + seat.role if seat.role != "委员" else "支部委员"
        members.update(db, m)


def _status_changes(db, people, year, today) -> None:
    """A 转出 in June whose 回执 came back, and a 转入 in April with the 介绍信 it brought."""
    out = date(year, 6, 30)
    letter = transfers.transfer_out(db, people[33].id, Letter(
        "转出", out.isoformat(), f"示组转字〔{year}〕6号", "示例市第二中学党支部", 3, f"{year}-06",
        note="调往示例市第二中学"), today=max(today, out))
    if out + timedelta(days=21) <= today:
        transfers.record_receipt(db, letter.id, out + timedelta(days=21), today=today)
    late = people[34]
    late.branch_join_date = f"{year}-04-10"
    late.notes = "由示例市实验小学党支部转入"
    members.update(db, late)
    transfers.save_letter_in(db, late.id, Letter(
        "转入", f"{year}-04-08", f"示教组转字〔{year}〕3号", "示例市实验小学党支部",
        dues_paid_to=f"{year}-03"), today=max(today, date(year, 4, 10)))


def _lifecycle(db, people, today) -> None:
    """What the 工作台 reminds a branch of about its members' whereabouts: a member out of
    contact for seven months (停止党籍 is due), a 流动党员 last contacted more than six months
    ago, and a 转出 three weeks ago whose 回执 has not come back."""
    lost = members.get(db, people[28].id)
    members.update(db, members.with_changes(
        lost, lost_contact=True, lost_contact_date=(today - timedelta(days=213)).isoformat(),
        notes="（虚构）外出务工后电话停机，多方联系未果"), today=today)
    away = members.get(db, people[25].id)
    members.update(db, members.with_changes(
        away, mobile_since=(today - timedelta(days=330)).isoformat(),
        mobile_contact="示例县中学党支部 刘老师"), today=today)
    transfers.save_contacts(db, away.id, [
        Contact((today - timedelta(days=300)).isoformat(), "电话", "已到示例县中学报到，工作安顿"),
        Contact((today - timedelta(days=200)).isoformat(), "微信", "参加当地学校党支部组织生活")],
        today=today)
    gone = today - timedelta(days=21)
    transfers.transfer_out(db, people[32].id, Letter(
        "转出", gone.isoformat(), f"示组转字〔{gone.year}〕9号", "示例市教育科学研究院党支部", 3,
        f"{gone:%Y-%m}", note="工作调动"), today=today)


def _meetings(db, rng, people, groups, today) -> None:
    host, recorder = people[0].id, people[1].id
    leaders = _group_leaders(db, people, groups)
    for month in range(1, 13):
        if date(today.year, month, 1) > today:
            break
        _month_meetings(db, rng, month, host, recorder, groups, leaders, today)


def _group_leaders(db, people, groups) -> dict[int, tuple[int, int]]:
    """Each 党小组's 组长 (who chairs its meetings) and a member who keeps the record."""
    names = branch.group_names(db)
    leaders = {}
    for group in groups:
        own = [members.get(db, p.id) for p in people[5:30] if p.group_id == group]
        leader, recorder = [m for m in own if m.category == "正式党员" and m.active][:2]
        leader.party_post = f"{names[group]}组长"
        members.update(db, leader)
        leaders[group] = (leader.id, recorder.id)
    return leaders


def _month_meetings(db, rng, month, host, recorder, groups, leaders, today) -> None:
    year = today.year
    if month != 8:  # a missing 支委会 in August, on purpose, so the 工作台 shows a gap
        _add(db, rng, meetings.COMMITTEE, date(year, month, 5), host, recorder, today)
    for index, group in enumerate(groups):
        if not (month == 7 and index == 2):
            _add(db, rng, meetings.GROUP, date(year, month, 12 + index), *leaders[group], today,
                 group_id=group)
    if month in (3, 6, 9):
        _add(db, rng, meetings.GENERAL, date(year, month, 20), host, recorder, today)
    if month in (2, 5, 8):
        _add(db, rng, meetings.LECTURE, date(year, month, 25), host, recorder, today)
    if month != 10:
        _add_theme_day(db, rng, month, host, recorder, today)


def _add(db, rng, kind, on, host, recorder, today, group_id=None) -> None:
    if on > today:
        return
    choices = [t for t in TOPICS[kind] if on.month >= 7 or "上半年" not in t]  # not in March
    topics = rng.sample(choices, 2 if kind != meetings.LECTURE else 1)
    m = meetings.Meeting(kind=kind, date=on.isoformat(), start_time="15:30", end_time="17:00",
                         place="学校党员活动室", host_id=host, recorder_id=recorder, group_id=group_id,
                         topics=topics, content=_minutes(topics), resolution=_resolution(kind))
    if kind == meetings.LECTURE:
        m.lecturer, m.lecture_title, m.topics = members.get(db, host).name, topics[0], []
    m.attendance = _marks(rng, meetings.default_attendance(db, kind, on, group_id), {host, recorder})
    entered = on + timedelta(days=12 if (on.month == 4 and kind == meetings.COMMITTEE) else 1)
    meetings.save(db, m, today=min(entered, today))


def _add_theme_day(db, rng, month, host, recorder, today) -> None:
    on = date(today.year, month, 15)
    if on > today:
        return
    theme, form = THEMES[month - 1]
    m = meetings.Meeting(kind=meetings.THEME_DAY, date=on.isoformat(), start_time="14:00",
                         end_time="16:30", place="学校党员活动室", host_id=host, recorder_id=recorder,
                         topics=[theme], activity_form=form, organiser="支部委员会",
                         content=f"支部组织党员开展“{theme}”主题党日活动。活动中大家认真参与、交流体会。",
                         outcome="党员的宗旨意识和责任意识进一步增强。")
    m.attendance = _marks(rng, meetings.default_attendance(db, meetings.THEME_DAY, on), {host, recorder})
    meetings.save(db, m, today=min(on + timedelta(days=1), today))


def _marks(rng, attendance, present=frozenset()):
    """Some 请假 and a few 缺席, never the host or the recorder (``present``)."""
    for entry in attendance:
        roll = rng.random()
        if entry.member_id in present:
            continue
        if roll < 0.08:
            entry.status, entry.reason = meetings.LEAVE, rng.choice(REASONS)
        elif roll < 0.10:
            entry.status, entry.reason = meetings.ABSENT, "未说明原因"
    return attendance


def _minutes(topics: list[str]) -> str:
    lines = [f"一、{topics[0]}。主持人传达了有关文件精神，与会党员逐条学习，并结合本职工作谈了认识。"]
    if len(topics) > 1:
        lines.append(f"二、{topics[1]}。与会同志充分讨论，提出意见建议若干条，记录如下：")
        lines.append("1. 要把学习成果转化为做好教育教学工作的实际行动；")
        lines.append("2. 党员要在年级组和教研组中发挥先锋模范作用。")
    lines.append("会议最后，书记对下一阶段工作作了部署。")
    return "\n".join(lines)


def _resolution(kind: str) -> str:
    if kind == meetings.GENERAL:
        return "与会党员举手表决，全体同意通过上述事项。"
    return "" if kind == meetings.GROUP else "会议议定按上述安排抓好落实。"


def _appraisal(db, rng, year, today) -> None:
    candidates = appraisals.candidates(db, year)
    grades = {}
    for entry in candidates:
        if entry.category == "预备党员":
            grades[entry.member.id] = (appraisals.NOT_GRADED, "预备党员")
        else:
            grades[entry.member.id] = ("优秀" if rng.random() < 0.2 else "合格", "")
    appraisals.save(db, year, grades)


TALK_TOPICS = [("日常", "了解思想和工作情况"), ("岗位变动", "谈新岗位的打算"), ("提醒", "按时参加组织生活"),
               ("组织生活会前", "征求对支部班子的意见建议"), ("困难帮扶", "了解家庭困难情况"),
               ("日常", "交流教学和学习体会")]
PROBATION_TALK = ("入党/转正", "谈预备期表现和努力方向")


def _talks(db, rng, people, today) -> None:
    """Most members talked to by a committee member this year; a few gaps left on purpose."""
    committee = [p.id for p in people[:5]]
    others = [p for p in people[5:33]]
    for index, person in enumerate(others):
        if index % 9 == 4:
            continue  # gaps for the coverage view
        _talk(db, rng, committee[index % 5], [person.id], today, index,
              probationary=person.category == "预备党员")
    for a, b in [(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (2, 3)]:
        _talk(db, rng, committee[a], [committee[b]], today, a * 5 + b)


def _talk(db, rng, talker, targets, today, index, probationary=False) -> None:
    on = date(today.year, 1, 10) + timedelta(days=(index * 9) % max((today - date(today.year, 1, 10)).days, 1))
    # 入党/转正 talks are for 预备党员 only
    occasion, topic = PROBATION_TALK if probationary else TALK_TOPICS[index % len(TALK_TOPICS)]
    talk = talks.Talk(date=on.isoformat(), place="支部书记办公室", talker_id=talker,
                      target_ids=targets, occasion=occasion, topic=topic,
                      content="双方围绕工作、学习和思想情况进行了交流，谈话对象表示将继续努力。",
                      feedback="希望支部多组织业务交流活动。" if index % 3 == 0 else "",
                      follow_up="已向支委会反映，纳入下季度活动安排。" if index % 3 == 0 else "",
                      followed_up=index % 6 == 0)
    talks.save(db, talk, today=min(on + timedelta(days=1), today))


# ---------------------------------------------------------------- 发展党员

def add_pipeline(db: Database, rng: random.Random, today: date, *, region: str = "330106") -> None:
    """A realistic 发展党员 pipeline (core/recruitment.py), dated back from ``today``: two
    applicants (one still waiting for the 谈话, past its month), two 积极分子 (one just past a
    year of 培养, one half-way), one 发展对象 with the 政审 done and the 集中培训 missing, one
    whose 支部大会 passed two months ago, awaiting the 上级党委's 审批. The 培养联系人 and
    入党介绍人 are 正式党员 on the roll on the day. Fictional people, ``region`` in their IDs."""
    def ago(days: int) -> date:
        return today - timedelta(days=days)

    plan = PipelinePlan(db, rng, today, region)
    plan.person(ago(40), [])  # 谈话 due after 30 days: overdue
    plan.person(ago(20), [(2, ago(12))])
    first = ago(400)
    plan.person(first - timedelta(days=60), [(2, first - timedelta(days=45)), (3, first),
                                             (4, first + timedelta(days=5)),
                                             (5, first + timedelta(days=5))],
                reviews=[first + timedelta(days=170), first + timedelta(days=350)])
    half = ago(150)
    plan.person(half - timedelta(days=90), [(2, half - timedelta(days=70)), (3, half),
                                            (4, half + timedelta(days=4)),
                                            (5, half + timedelta(days=4))],
                reviews=[half + timedelta(days=120)])
    act = ago(560)
    cand = act + timedelta(days=400)
    plan.person(act - timedelta(days=60), [
        (2, act - timedelta(days=40)), (3, act), (4, act + timedelta(days=3)),
        (5, act + timedelta(days=3)), (7, cand), (8, cand + timedelta(days=5)),
        (9, cand + timedelta(days=5)), (10, cand + timedelta(days=60))],
        reviews=[act + timedelta(days=175), act + timedelta(days=355)])
    meeting = ago(62)
    act = meeting - timedelta(days=600)
    cand = act + timedelta(days=380)
    plan.person(act - timedelta(days=75), [
        (2, act - timedelta(days=55)), (3, act), (4, act + timedelta(days=6)),
        (5, act + timedelta(days=6)), (7, cand), (8, cand + timedelta(days=4)),
        (9, cand + timedelta(days=4)), (10, cand + timedelta(days=70)),
        (11, cand + timedelta(days=100)), (12, cand + timedelta(days=150)),
        (13, cand + timedelta(days=165)), (14, cand + timedelta(days=180)),
        (15, meeting), (16, meeting + timedelta(days=20))],
        reviews=[act + timedelta(days=178), act + timedelta(days=350)],
        publicity=(meeting - timedelta(days=20), meeting - timedelta(days=14)))


class PipelinePlan:
    """Writes fictional pipeline people through core/recruitment.py (add_pipeline)."""

    def __init__(self, db: Database, rng: random.Random, today: date, region: str):
        self.db, self.rng, self.today, self.region = db, rng, today, region
        self.conf = settings.get_all(db)
        self.book = members.RollBook(db)  # read once: a generated branch has many members
        taken = {m.name for m in members.list_members(db, include_left=True)}
        self.used = taken | {r.name for r in recruitment.list_recruits(db)}

    def person(self, applied: date, steps: list[tuple[int, date]], *,
               reviews: tuple | list = (), publicity: tuple[date, date] | None = None) -> None:
        female = self.rng.random() < 0.5
        name = _unique_name(self.rng, self.used, GIVEN_FEMALE if female else GIVEN_MALE)
        birth = date(applied.year - self.rng.randint(23, 35), self.rng.randint(1, 12),
                     self.rng.randint(1, 28))
        seq = self.rng.randrange(10, 99) * 10 + (self.rng.choice((0, 2, 4, 6, 8)) if female
                                                 else self.rng.choice((1, 3, 5, 7, 9)))
        r = recruitment.add(self.db, recruitment.Recruit(
            name=name, id_number=idcard.make_valid(f"{self.region}{birth:%Y%m%d}{seq:03d}"),
            ethnicity="汉族", education=self.rng.choice(EDU), job=self.rng.choice(JOBS),
            phone=f"1390000{self.rng.randrange(10000):04d}"), applied, today=self.today)
        for day in reviews:
            recruitment.add_entry(self.db, r.id, recruitment.Entry(
                "考察", day.isoformat(), notes="党支部考察，表现良好"), today=self.today)
        last = [d for n, d in steps if n == 3]
        if last:
            for k in range(1, 9):
                day = last[0] + timedelta(days=85 * k)
                if day > min(self.today, *[d for n, d in steps if n == 15] or [self.today]):
                    break
                recruitment.add_entry(self.db, r.id, recruitment.Entry(
                    "思想汇报", day.isoformat(), notes=f"第{k}季度思想汇报"), today=self.today)
        if publicity:
            recruitment.add_entry(self.db, r.id, recruitment.Entry(
                "公示", publicity[0].isoformat(), publicity[1].isoformat(), "公示期内无异议"),
                today=self.today)
        for number, day in steps:
            recruitment.record_step(self.db, r.id, self._step(number, day), today=self.today,
                                    conf=self.conf)

    def _step(self, number: int, day: date) -> recruitment.StepRecord:
        rec = recruitment.StepRecord(number, day.isoformat())
        full = [e.member for e in self.book.on(day) if e.category == "正式党员"]
        if number == recruitment.TALK:
            rec.people = [recruitment.Person(full[0].name, full[0].id)] if full else []
        elif number in recruitment.FROM_ROLL:
            count = recruitment.FROM_ROLL[number][1]
            rec.people = [recruitment.Person(m.name, m.id) for m in self.rng.sample(full, count)]
        elif number == recruitment.TRAINING:
            rec.end_date, rec.hours = (day + timedelta(days=2)).isoformat(), 24
        elif number == recruitment.GENERAL_MEETING:
            voters = len(full)
            rec.voters, rec.present = voters, voters - 2
            rec.ayes = voters - 2
        elif number == 16:
            rec.people = [recruitment.Person("上级党委组织员（示例）")]
        return rec


# ---------------------------------------------------------------- 党费

RETIRED = (3, 12)  # indexes of the two oldest-looking members who are 离退休
STUDENT, EXEMPT, BEHIND, MAKE_UP = 22, 16, 27, (9, 14)


def _dues(db, rng, people, today) -> None:
    """Two years of 党费: bases from the finance office each January (one raised in July), two
    retirees, one on full-time study (学生), one 免交 for hardship with both dates, most paying
    monthly, two paying 补交 for three months at once, one four months behind, and the
    预备党员's approvals (the 转出 and 转入 members' 交至年月 are on their 介绍信)."""
    year, receiver = today.year, people[1].name
    for index, m in enumerate(people):
        pay = rng.randrange(2800, 11000) * 100
        for y, share in ((year - 1, 96), (year, 100)):
            start = f"{y}-01-01"
            if index in RETIRED:
                base = dues.Base(m.id, start, dues.RETIRED, pay * share // 160)
            elif index == STUDENT and y == year:
                base = dues.Base(m.id, start, dues.STUDENT, note="全日制攻读硕士学位（脱产）")
            else:
                base = dues.Base(m.id, start, dues.WORKING, pay * share // 100)
            dues.set_base(db, base)
    dues.set_base(db, dues.Base(people[5].id, f"{year}-07-01", dues.WORKING,
                                dues.bases(db, people[5].id)[-1].base_fen + 80000, note="岗位调整"))
    if today.month >= 4:
        dues.add_relief(db, dues.Relief(people[EXEMPT].id, dues.EXEMPT, f"{year}-04", f"{year}-12",
                                        None, f"{year}-03-12", f"{year}-03-25",
                                        "家属重病，生活困难，本人申请"))
    _dues_events(db, people, today)
    book = dues.DuesBook(db, as_of=today)
    for index, m in enumerate(people):
        last = today.month if today.day >= 10 else today.month - 1
        if index == BEHIND:
            last -= 4
        _pay_months(db, rng, book, members.get(db, m.id), year, last, index in MAKE_UP,
                    receiver, today)


def _dues_events(db, people, today) -> None:
    for index in (7, 19, 30):
        joined = date.fromisoformat(people[index].join_date)
        dues.record_event(db, dues.Event(people[index].id, dues.APPROVED,
                                         min(joined + timedelta(days=21), today).isoformat()))


def _pay_months(db, rng, book, m, year, last, in_threes, receiver, today) -> None:
    """Pay month by month from January of last year up to ``last`` of this year (or three
    months at a time, late)."""
    months = [f"{year - 1}-{n:02d}" for n in range(1, 13)] + [f"{year}-{n:02d}"
                                                               for n in range(1, last + 1)]
    owed = {o.month: o for o in dues.owed_months(m, book, months[-1], months[0])} if months else {}
    batch = 3 if in_threes else 1
    for first in range(0, len(months), batch):
        chunk = [mo for mo in months[first:first + batch] if owed.get(mo) and owed[mo].due]
        if not chunk:
            continue
        payable = max([owed[mo].falls_due or dues.first_day(mo) for mo in chunk]
                      + [dues.first_day(chunk[-1])])
        day = min(payable + timedelta(days=rng.randrange(3, 12) + (25 if in_threes else 0)), today)
        dues.add_payment(db, dues.Payment(m.id, day.isoformat(), sum(owed[mo].due for mo in chunk),
                                          chunk[0], chunk[-1], receiver,
                                          rng.choice(dues.METHODS)), today=today)
