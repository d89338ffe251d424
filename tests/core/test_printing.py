"""Layout data of the printed sign-in sheet and minutes page (no Qt)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from branchdesk.core import branch, meetings, members, settings
from branchdesk.core.meetings import Meeting, Rectification
from branchdesk.core.printing import (
    DEFAULT_OBSERVER_ROWS, SignInRow, minutes_page, signin_sheet, time_text)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["一鸣", "工程", "支华", "晓燕", "建国", "海涛", "丽娟", "志强", "玉兰", "国栋", "明轩",
         "思雨", "德胜", "春梅", "文博", "子涵", "立新", "秀英", "永康", "雅琴"]
GROUPS = ("第一党小组", "第二党小组", "第三党小组")
BRANCH = "星河机械厂第一党支部"


def fictional_names(n: int) -> list[str]:
    """``n`` distinct made-up names (surname × given name, stepping so neighbours differ)."""
    names = [s + g for g in GIVEN for s in SURNAMES]
    return [names[(i * 37) % len(names)] for i in range(n)]


def make_branch(db, size: int = 60) -> list[members.Member]:
    """A fictional branch of ``size`` members in three 党小组 with a five-person committee."""
    settings.put(db, {"branch_name": BRANCH})
    branch.save_groups(db, list(GROUPS))
    group_ids = list(branch.group_names(db))
    roll = [members.add(db, members.Member(name=name, group_id=group_ids[i * 3 // size],
                                           category="预备党员" if i % 17 == 5 else "正式党员"))
            for i, name in enumerate(fictional_names(size))]
    roles = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员")
    branch.save_committee(db, [branch.CommitteeSeat(None, m.id, r) for m, r in zip(roll, roles)])
    return roll


def general_meeting(db, *, leave: dict[int, str] | None = None, **changes) -> Meeting:
    """A saved 支部党员大会 on 2026-03-15; ``leave`` maps roll positions to 请假 reasons."""
    on = date(2026, 3, 15)
    attendance = meetings.default_attendance(db, meetings.GENERAL, on)
    for index, reason in (leave or {}).items():
        attendance[index].status, attendance[index].reason = meetings.LEAVE, reason
    values = dict(kind=meetings.GENERAL, date=on.isoformat(), start_time="14:30",
                  end_time="16:00", place="厂部三楼会议室", topics=["学习传达全会精神", "讨论发展党员"],
                  attendance=attendance)
    values.update(changes)
    return meetings.save(db, Meeting(**values), today=on)


@pytest.fixture
def roll(fresh_db):
    return make_branch(fresh_db)


def test_title_without_branch_name(fresh_db):
    sheet = signin_sheet(fresh_db, Meeting(kind=meetings.GENERAL, date="2026-03-15"))
    assert sheet.title == "支部党员大会签到表"


def test_fictional_names_are_distinct():
    assert len(set(fictional_names(60))) == 60


def test_signin_title_joins_branch_and_meeting_name(fresh_db, roll):
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db))
    assert sheet.title == "星河机械厂第一党支部党员大会签到表"  # 支部 not said twice


def test_signin_info_lines(fresh_db, roll):
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db))
    assert sheet.info == [("时间", "2026年3月15日 14:30—16:00"), ("地点", "厂部三楼会议室"),
                          ("议题", "1. 学习传达全会精神；2. 讨论发展党员")]


def test_signin_names_host_and_recorder(fresh_db, roll):
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db, host_id=roll[0].id,
                                                   recorder_id=roll[2].id))
    assert sheet.people == [("主持人", roll[0].name), ("记录人", roll[2].name)]
    planned = signin_sheet(fresh_db, Meeting(kind=meetings.GENERAL, date="2026-03-15"))
    assert planned.people == [("主持人", ""), ("记录人", "")]  # written in by hand


def test_pdf_file_names_carry_date_and_kind(fresh_db, roll):
    meeting = general_meeting(fresh_db, date="2026-03-05")
    assert signin_sheet(fresh_db, meeting).file_name == "2026-03-05_支部党员大会_签到表.pdf"
    assert minutes_page(fresh_db, meeting).file_name == "2026-03-05_支部党员大会_会议记录.pdf"
    theme = Meeting(kind=meetings.THEME_DAY, date="2026-04-08")
    assert minutes_page(fresh_db, theme).file_name == "2026-04-08_主题党日_活动记录.pdf"
    groups = branch.groups(fresh_db)  # a "/" in a group name must not make a folder
    branch.save_groups(fresh_db, [(g.id, "一组/二组" if i == 0 else g.name)
                                  for i, g in enumerate(groups)])
    group = Meeting(kind=meetings.GROUP, date="2026-04-09", group_id=groups[0].id)
    assert signin_sheet(fresh_db, group).file_name == "2026-04-09_一组_二组党小组会_签到表.pdf"


def test_signin_rows_list_every_member_with_group(fresh_db, roll):
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db))
    members_rows = [r for r in sheet.rows if r.number]
    assert [r.name for r in members_rows] == [m.name for m in roll]
    assert [r.number for r in members_rows] == [str(i) for i in range(1, 61)]
    assert sheet.post_header == "党小组"
    assert {r.post for r in members_rows} == set(GROUPS)


def test_expected_count_filled_and_hand_counts_blank(fresh_db, roll):
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db))
    assert [(t.label, t.value) for t in sheet.totals] == [
        ("应到", 60), ("实到", None), ("请假", None), ("缺席", None)]


def test_known_leave_reasons_are_prefilled(fresh_db, roll):
    meeting = general_meeting(fresh_db, leave={3: "出差", 10: ""})
    sheet = signin_sheet(fresh_db, meeting)
    assert sheet.rows[3].note == "请假：出差"
    assert sheet.rows[10].note == "请假"
    assert sheet.totals[2].value == 2
    assert sum(1 for r in sheet.rows if r.note) == 2


def test_observer_rows_blank_by_default(fresh_db, roll):
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db))
    tail = sheet.rows[60:]
    assert tail == [SignInRow("", "", "列席")] * DEFAULT_OBSERVER_ROWS
    assert sheet.member_count == 60


def test_known_observers_are_named_before_blank_rows(fresh_db, roll):
    meeting = general_meeting(fresh_db, observers="上级党委 宋明、团支部书记 韩雪")
    sheet = signin_sheet(fresh_db, meeting, observer_rows=2)
    assert [r.name for r in sheet.rows[60:]] == ["上级党委 宋明", "团支部书记 韩雪", "", ""]


def test_committee_sheet_shows_roles(fresh_db, roll):
    on = date(2026, 3, 10)
    meeting = meetings.save(fresh_db, Meeting(
        kind=meetings.COMMITTEE, date=on.isoformat(), topics=["研究季度工作"],
        attendance=meetings.default_attendance(fresh_db, meetings.COMMITTEE, on)), today=on)
    sheet = signin_sheet(fresh_db, meeting)
    assert sheet.title == "星河机械厂第一党支部委员会会议签到表"
    assert sheet.post_header == "职务"
    assert [(r.name, r.post) for r in sheet.rows if r.number] == list(
        zip([m.name for m in roll[:5]], ("书记", "副书记", "组织委员", "宣传委员", "纪检委员")))


def test_committee_sheet_lists_the_secretary_first_whatever_the_roll_order(fresh_db, roll):
    on = date(2026, 3, 10)
    roles = ("纪检委员", "宣传委员", "组织委员", "副书记", "书记")  # the roll's first five, reversed
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, m.id, role)
                                     for m, role in zip(roll[:5], roles)], date(2026, 1, 5))
    meeting = meetings.save(fresh_db, Meeting(
        kind=meetings.COMMITTEE, date=on.isoformat(), topics=["研究季度工作"],
        attendance=meetings.default_attendance(fresh_db, meetings.COMMITTEE, on)), today=on)
    sheet = signin_sheet(fresh_db, meeting)
    assert [r.post for r in sheet.rows if r.number] == ["书记", "副书记", "组织委员", "宣传委员",
                                                        "纪检委员"]
    assert [r.number for r in sheet.rows if r.number] == ["1", "2", "3", "4", "5"]


def test_group_meeting_title_uses_group_name(fresh_db, roll):
    on = date(2026, 3, 12)
    group_id = next(iter(branch.group_names(fresh_db)))
    meeting = meetings.save(fresh_db, Meeting(
        kind=meetings.GROUP, date=on.isoformat(), group_id=group_id, topics=["学习"],
        attendance=meetings.default_attendance(fresh_db, meetings.GROUP, on, group_id)), today=on)
    sheet = signin_sheet(fresh_db, meeting)
    assert sheet.title == f"{BRANCH}第一党小组会签到表"
    assert sheet.totals[0].value == 20
    assert minutes_page(fresh_db, meeting).signatures == ("记录人签名", "党小组长签名")


def test_unsaved_meeting_uses_expected_list(fresh_db, roll):
    sheet = signin_sheet(fresh_db, Meeting(kind=meetings.THEME_DAY, date="2026-04-08",
                                           topics=["参观红色教育基地"]))
    assert sheet.totals[0].value == 60
    assert sheet.info[2] == ("主题", "参观红色教育基地")
    assert sheet.title.endswith("主题党日签到表")


def test_lecture_sheet_names_lecturer_and_title(fresh_db, roll):
    sheet = signin_sheet(fresh_db, Meeting(kind=meetings.LECTURE, date="2026-04-20",
                                           lecturer="王一鸣", lecture_title="牢记初心使命"))
    assert sheet.info[2:] == [("主讲人", "王一鸣"), ("题目", "牢记初心使命")]


def test_time_text_without_times():
    assert time_text(Meeting(date="2026-03-05")) == "2026年3月5日"
    assert time_text(Meeting(date="2026-03-05", start_time="9:00")) == "2026年3月5日 9:00"


# ---------------------------------------------------------------- minutes

def _fields(page) -> dict[str, str]:
    return {f.label: f.value for row in page.header for f in row}


def test_minutes_header_has_record_book_fields(fresh_db, roll):
    meeting = general_meeting(fresh_db, leave={3: "出差"}, host_id=roll[0].id,
                              recorder_id=roll[2].id, content="会议内容……", resolution="全票通过")
    meeting.attendance[5].status = meetings.ABSENT
    meeting = meetings.save(fresh_db, meeting, today=date(2026, 3, 15))
    page = minutes_page(fresh_db, meeting)
    fields = _fields(page)
    assert page.title == "星河机械厂第一党支部党员大会记录"
    assert fields["时间"] == "2026年3月15日 14:30—16:00"
    assert fields["主持人"] == roll[0].name and fields["记录人"] == roll[2].name
    assert (fields["应到人数"], fields["实到人数"], fields["请假人数"], fields["缺席人数"]) == (
        "60 人", "58 人", "1 人", "1 人")
    assert fields["请假人员及原因"] == f"{roll[3].name}（出差）"
    assert fields["缺席人员及原因"] == roll[5].name
    assert fields["列席人员"] == "无"
    assert page.late_entry_note == ""
    assert page.signatures == ("记录人签名", "主持人签名")  # the 书记 hosted: signs once
    deputy_hosts = meetings.save(fresh_db, replace(meeting, host_id=roll[1].id),
                                 today=date(2026, 3, 15))
    assert minutes_page(fresh_db, deputy_hosts).signatures == ("记录人签名", "主持人签名",
                                                               "书记签名")


def test_theme_day_minutes_speak_of_an_activity_and_one_topic_is_not_numbered(fresh_db, roll):
    on = date(2026, 3, 20)
    day = meetings.save(fresh_db, Meeting(
        kind=meetings.THEME_DAY, date=on.isoformat(), topics=["参观革命纪念馆"],
        content="全体党员参观纪念馆。", outcome="受到教育",
        attendance=meetings.default_attendance(fresh_db, meetings.THEME_DAY, on)), today=on)
    page = minutes_page(fresh_db, day)
    assert _fields(page)["活动名称"] == "主题党日"
    assert [(s.heading, s.text) for s in page.sections] == [
        ("主题", "参观革命纪念馆"), ("活动内容", "全体党员参观纪念馆。"), ("活动成效", "受到教育")]


def test_a_reason_with_its_own_brackets_is_not_bracketed_again(fresh_db, roll):
    meeting = general_meeting(fresh_db, leave={3: "公假（带学生竞赛）", 4: "出差"})
    fields = _fields(minutes_page(fresh_db, meeting))
    assert fields["请假人员及原因"] == f"{roll[3].name}：公假（带学生竞赛）、{roll[4].name}（出差）"


def test_minutes_sections_in_order(fresh_db, roll):
    page = minutes_page(fresh_db, general_meeting(fresh_db, content="第一段\n第二段",
                                                  resolution="同意"))
    assert [(s.heading, s.text) for s in page.sections] == [
        ("议题", "1. 学习传达全会精神\n2. 讨论发展党员"), ("会议内容", "第一段\n第二段"),
        ("决议及表决情况", "同意")]


def test_minutes_late_entry_is_marked(fresh_db, roll):
    meeting = general_meeting(fresh_db)
    meeting = meetings.save(fresh_db, Meeting(**{**meeting.__dict__, "id": None}),
                            today=date(2026, 4, 1))
    assert meeting.late_entry
    assert minutes_page(fresh_db, meeting).late_entry_note.startswith("补录")


def test_life_meeting_lists_rectifications(fresh_db, roll):
    on = date(2026, 12, 20)
    meeting = meetings.save(fresh_db, Meeting(
        kind=meetings.LIFE, held_as=meetings.GENERAL, date=on.isoformat(), period="2026",
        rectifications=[Rectification("学习不够深入", "制定学习计划", "王一鸣", "2027-03-31"),
                        Rectification("联系群众不够", done=True)],
        attendance=meetings.default_attendance(fresh_db, meetings.LIFE, on)), today=on)
    page = minutes_page(fresh_db, meeting)
    assert page.sections[-1].heading == "整改事项"
    assert page.sections[-1].text == ("1. 问题：学习不够深入；措施：制定学习计划；责任人：王一鸣；"
                                      "完成时限：2027年3月31日\n2. 问题：联系群众不够（已完成）")
    assert _fields(page)["召开形式"] == meetings.GENERAL


def test_lecture_and_theme_day_fields(fresh_db, roll):
    lecture = minutes_page(fresh_db, Meeting(kind=meetings.LECTURE, date="2026-04-20",
                                             lecturer="王一鸣", lecture_title="牢记初心使命"))
    assert _fields(lecture)["主讲人"] == "王一鸣" and _fields(lecture)["题目"] == "牢记初心使命"
    day = minutes_page(fresh_db, Meeting(kind=meetings.THEME_DAY, date="2026-04-08",
                                         activity_form="参观", organiser="李工程", outcome="受教育"))
    assert day.title.endswith("主题党日活动记录")
    assert _fields(day)["活动形式"] == "参观" and _fields(day)["组织者"] == "李工程"
    assert ("活动成效", "受教育") in [(s.heading, s.text) for s in day.sections]


def test_unrecorded_minutes_leave_counts_blank(fresh_db, roll):
    page = minutes_page(fresh_db, Meeting(kind=meetings.GENERAL, date="2026-05-01"))
    fields = _fields(page)
    assert fields["应到人数"] == "60 人" and fields["实到人数"] == ""
    assert fields["请假人员及原因"] == ""


def test_general_meeting_shows_voting_members_apart(fresh_db, roll):
    """预备党员 sign in with everyone, but the quorum counts only those with a vote."""
    meeting = general_meeting(fresh_db, leave={3: "出差", 5: "病假"})  # roll[5] is 预备党员
    fields = _fields(minutes_page(fresh_db, meeting))
    assert (fields["应到人数"], fields["实到人数"]) == ("60 人", "58 人")
    assert (fields["有表决权应到"], fields["有表决权实到"]) == ("56 人", "55 人")
    sheet = signin_sheet(fresh_db, meeting)
    assert [(t.label, t.value) for t in sheet.voting] == [("其中有表决权应到", 56),
                                                          ("有表决权实到", None)]
    lecture = signin_sheet(fresh_db, Meeting(kind=meetings.LECTURE, date="2026-03-15"))
    assert lecture.voting == [] and "有表决权应到" not in _fields(
        minutes_page(fresh_db, Meeting(kind=meetings.LECTURE, date="2026-03-15")))


def test_election_minutes_name_the_excused_absentees(fresh_db, roll):
    meeting = general_meeting(fresh_db, leave={3: "长期患病卧床，经上级党组织同意"}, election=True)
    meeting.attendance[3].excused = True
    meeting = meetings.save(fresh_db, meeting, today=date(2026, 3, 15))
    fields = _fields(minutes_page(fresh_db, meeting))
    assert (fields["有选举权应到"], fields["有选举权实到"]) == ("55 人", "55 人")
    assert fields["经批准不计入应到会人数"] == f"{roll[3].name}（长期患病卧床，经上级党组织同意）"
