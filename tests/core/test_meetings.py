"""Meetings core: expected attendees from the roll as of the date, counts, 补录, validation,
queries, deletion. All names are fictional."""

from datetime import date

import pytest

from branchdesk.core import attachments, branch, meetings, members, settings
from branchdesk.core.errors import ValidationError
from branchdesk.core.meetings import Meeting

DAY = date(2025, 6, 10)


def add_member(db, name, *, group=None, category="正式党员", join="2010-07-01", full="2011-07-01",
               branch_join=None):
    member = members.Member(name=name, category=category, group_id=group, join_date=join,
                            full_date=None if category == "预备党员" else full,
                            branch_join_date=branch_join)
    return members.add(db, member, today=date(2030, 1, 1))


def names(entries):
    return sorted(e.name for e in entries)


def expected(db, kind=meetings.GENERAL, on=DAY, group=None, held_as=""):
    return names(e.member for e in meetings.expected_entries(db, kind, on, group, held_as))


def meeting_on(db, on=DAY, kind=meetings.GENERAL, **values):
    m = Meeting(kind=kind, date=on.isoformat(), **values)
    m.attendance = meetings.default_attendance(db, kind, on, m.group_id, m.held_as)
    return m


@pytest.fixture
def groups(fresh_db):
    return branch.ensure_group(fresh_db, "第一党小组"), branch.ensure_group(fresh_db, "第二党小组")


# ---------------------------------------------------------------- expected attendees

def test_member_who_joins_after_the_meeting_is_not_expected(fresh_db):
    add_member(fresh_db, "甲一")
    add_member(fresh_db, "乙二", join="2025-06-11", full=None, category="预备党员")
    assert expected(fresh_db) == ["甲一"]
    assert expected(fresh_db, on=date(2025, 6, 11)) == ["乙二", "甲一"]


def test_member_transferred_in_later_is_not_expected_before(fresh_db):
    add_member(fresh_db, "甲一", branch_join="2025-07-01")
    assert expected(fresh_db) == []
    assert expected(fresh_db, on=date(2025, 7, 1)) == ["甲一"]


def test_member_transferred_out_before_the_meeting_is_not_expected(fresh_db):
    gone = add_member(fresh_db, "甲一")
    add_member(fresh_db, "乙二")
    members.change_status(fresh_db, gone.id, "转出", date(2025, 6, 1), "调往其他单位")
    assert expected(fresh_db) == ["乙二"]
    assert expected(fresh_db, on=date(2025, 5, 31)) == ["乙二", "甲一"]


def test_probationary_member_becoming_full_is_expected_before_and_after(fresh_db):
    m = add_member(fresh_db, "甲一", category="预备党员", join="2024-06-01")
    members.change_status(fresh_db, m.id, "转正", date(2025, 6, 1))
    before = meetings.expected_entries(fresh_db, meetings.GENERAL, date(2025, 5, 1))
    after = meetings.expected_entries(fresh_db, meetings.GENERAL, DAY)
    assert [e.category for e in before] == ["预备党员"]
    assert [e.category for e in after] == ["正式党员"]


def test_group_change_moves_member_between_group_lists_by_date(fresh_db, groups):
    first, second = groups
    m = add_member(fresh_db, "甲一", group=first)
    add_member(fresh_db, "乙二", group=second)
    moved = members.get(fresh_db, m.id)
    moved.group_id = second
    members.update(fresh_db, moved, effective=date(2025, 6, 1), today=date(2026, 1, 1))
    assert expected(fresh_db, meetings.GROUP, date(2025, 5, 31), first) == ["甲一"]
    assert expected(fresh_db, meetings.GROUP, date(2025, 5, 31), second) == ["乙二"]
    assert expected(fresh_db, meetings.GROUP, DAY, first) == []
    assert expected(fresh_db, meetings.GROUP, DAY, second) == ["乙二", "甲一"]


def test_committee_meeting_expects_the_committee_as_of_the_date(fresh_db):
    a, b, c = (add_member(fresh_db, n) for n in ("甲一", "乙二", "丙三"))
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, a.id, "书记"),
                                     branch.CommitteeSeat(None, b.id, "组织委员")])
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, a.id, "书记"),
                                     branch.CommitteeSeat(None, c.id, "组织委员")],
                          on=date(2025, 6, 1))
    assert expected(fresh_db, meetings.COMMITTEE, date(2025, 5, 31)) == ["乙二", "甲一"]
    assert expected(fresh_db, meetings.COMMITTEE, DAY) == ["丙三", "甲一"]


def test_suspended_member_is_not_expected(fresh_db):
    m = add_member(fresh_db, "甲一")
    add_member(fresh_db, "乙二")
    members.change_status(fresh_db, m.id, "停止党籍", date(2025, 6, 1), "失去联系超过六个月")
    assert expected(fresh_db) == ["乙二"]
    assert expected(fresh_db, on=date(2025, 5, 1)) == ["乙二", "甲一"]


def test_lecture_and_life_meeting_expect_the_right_people(fresh_db, groups):
    a = add_member(fresh_db, "甲一", group=groups[0])
    add_member(fresh_db, "乙二", group=groups[1])
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, a.id, "书记")])
    assert expected(fresh_db, meetings.LECTURE) == ["乙二", "甲一"]
    assert expected(fresh_db, meetings.LIFE) == ["乙二", "甲一"]
    assert expected(fresh_db, meetings.LIFE, held_as=meetings.COMMITTEE) == ["甲一"]
    assert expected(fresh_db, meetings.LIFE, group=groups[1], held_as=meetings.GROUP) == ["乙二"]


def test_refresh_attendance_keeps_marks_already_made(fresh_db, groups):
    a = add_member(fresh_db, "甲一", group=groups[0])
    add_member(fresh_db, "乙二", group=groups[1])
    m = meeting_on(fresh_db)
    m.attendance[[e.member_id for e in m.attendance].index(a.id)].status = meetings.LEAVE
    m.attendance[[e.member_id for e in m.attendance].index(a.id)].reason = "出差"
    m.kind, m.group_id = meetings.GROUP, groups[0]
    fresh = meetings.refresh_attendance(fresh_db, m)
    assert [(e.name, e.status, e.reason) for e in fresh] == [("甲一", "请假", "出差")]


# ---------------------------------------------------------------- counts, 补录

def test_counts_are_computed_from_the_entries(fresh_db):
    for n in ("甲一", "乙二", "丙三", "丁四"):
        add_member(fresh_db, n)
    m = meeting_on(fresh_db)
    m.attendance[0].status, m.attendance[0].reason = meetings.LEAVE, "病假"
    m.attendance[1].status, m.attendance[1].reason = meetings.ABSENT, "未说明原因"
    saved = meetings.save(fresh_db, m, today=DAY)
    assert saved.counts == meetings.Counts(4, 2, 1, 1)
    [summary] = meetings.list_meetings(fresh_db)
    assert summary.counts == meetings.Counts(4, 2, 1, 1)


def test_reason_of_a_present_member_is_dropped(fresh_db):
    add_member(fresh_db, "甲一")
    m = meeting_on(fresh_db)
    m.attendance[0].reason = "  无关  "
    assert meetings.save(fresh_db, m, today=DAY).attendance[0].reason == ""


@pytest.mark.parametrize("days, late", [(0, False), (3, False), (4, True)])
def test_late_entry_threshold_default_three_days(fresh_db, days, late):
    m = meetings.save(fresh_db, meeting_on(fresh_db), today=date.fromordinal(DAY.toordinal() + days))
    assert m.late_entry is late


def test_late_entry_follows_the_setting(fresh_db):
    settings.put(fresh_db, {"late_entry_days": 7})
    at = lambda days: date.fromordinal(DAY.toordinal() + days)  # noqa: E731
    assert not meetings.save(fresh_db, meeting_on(fresh_db), today=at(7)).late_entry
    assert meetings.save(fresh_db, meeting_on(fresh_db), today=at(8)).late_entry


def test_late_entry_is_decided_on_first_save_only(fresh_db):
    m = meetings.save(fresh_db, meeting_on(fresh_db), today=DAY)
    m.place = "会议室"
    again = meetings.save(fresh_db, m, today=date(2026, 1, 1))
    assert not again.late_entry and again.place == "会议室"


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("start, end, field", [
    ("15:00", "14:30", "end_time"),
    ("15:00", "15:00", "end_time"),
    ("25:00", "", "start_time"),
    ("14:3", "", "start_time"),
    ("", "下午", "end_time"),
])
def test_bad_times_are_refused(fresh_db, start, end, field):
    with pytest.raises(ValidationError) as err:
        meetings.save(fresh_db, meeting_on(fresh_db, start_time=start, end_time=end))
    assert field in err.value.fields


def test_empty_times_are_allowed(fresh_db):
    assert meetings.save(fresh_db, meeting_on(fresh_db)).start_time == ""


def test_group_meeting_needs_a_group(fresh_db):
    with pytest.raises(ValidationError) as err:
        meetings.save(fresh_db, meeting_on(fresh_db, kind=meetings.GROUP))
    assert "group_id" in err.value.fields


def test_life_meeting_held_as_group_meeting_keeps_its_group(fresh_db, groups):
    add_member(fresh_db, "甲一", group=groups[1])
    with pytest.raises(ValidationError):
        meetings.save(fresh_db, meeting_on(fresh_db, kind=meetings.LIFE, held_as=meetings.GROUP))
    m = meeting_on(fresh_db, kind=meetings.LIFE, held_as=meetings.GROUP, group_id=groups[1])
    saved = meetings.save(fresh_db, m)
    assert saved.group_id == groups[1] and names(saved.attendance) == ["甲一"]


def test_missing_date_is_refused(fresh_db):
    with pytest.raises(ValidationError) as err:
        meetings.save(fresh_db, Meeting(kind=meetings.GENERAL, date=""))
    assert "date" in err.value.fields


# ---------------------------------------------------------------- queries, delete

@pytest.fixture
def several(fresh_db, groups):
    add_member(fresh_db, "甲一", group=groups[0])
    made = [
        meeting_on(fresh_db, date(2024, 12, 1), topics=["年终总结"]),
        meeting_on(fresh_db, date(2025, 3, 1), meetings.COMMITTEE, topics=["研究发展党员"]),
        meeting_on(fresh_db, date(2025, 4, 1), meetings.GROUP, group_id=groups[0],
                   content="交流学习体会"),
        meeting_on(fresh_db, date(2025, 5, 1), meetings.GROUP, group_id=groups[1]),
        meeting_on(fresh_db, date(2025, 6, 1), meetings.LECTURE, lecture_title="传承红色基因"),
    ]
    return [meetings.save(fresh_db, m, today=date(2026, 1, 1)) for m in made]


def dates(summaries):
    return [s.meeting.date for s in summaries]


def test_list_filters(fresh_db, several, groups):
    assert dates(meetings.list_meetings(fresh_db, year=2024)) == ["2024-12-01"]
    assert len(meetings.list_meetings(fresh_db, year=2025)) == 4
    assert dates(meetings.list_meetings(fresh_db, kinds=(meetings.GROUP,))) == ["2025-05-01",
                                                                                "2025-04-01"]
    assert dates(meetings.list_meetings(fresh_db, group_id=groups[0])) == ["2025-04-01"]
    assert dates(meetings.list_meetings(fresh_db, text="学习体会")) == ["2025-04-01"]
    assert dates(meetings.list_meetings(fresh_db, text="发展党员")) == ["2025-03-01"]
    assert dates(meetings.list_meetings(fresh_db, text="红色")) == ["2025-06-01"]
    assert meetings.years(fresh_db) == [2025, 2024]


def test_a_year_lists_what_is_counted_for_it_wherever_it_is_dated(fresh_db):
    life = meeting_on(fresh_db, date(2026, 1, 20), meetings.LIFE, period="2025")
    meetings.save(fresh_db, life, today=date(2026, 2, 1))
    assert dates(meetings.list_meetings(fresh_db, year=2025)) == ["2026-01-20"]
    assert dates(meetings.list_meetings(fresh_db, year=2026)) == ["2026-01-20"]
    assert meetings.list_meetings(fresh_db, year=2024) == []
    assert meetings.years(fresh_db) == [2026, 2025]


def test_list_is_newest_first_with_titles(fresh_db, several):
    found = meetings.list_meetings(fresh_db, year=2025)
    assert dates(found) == sorted(dates(found), reverse=True)
    assert found[1].meeting.title == "第二党小组会"


def test_delete_cascades_attendance_and_attachments(fresh_db, several, tmp_path):
    doomed = several[0]
    photo = tmp_path / "会场照片.jpg"
    photo.write_bytes(b"fictional photo")
    stored = attachments.add(fresh_db, attachments.MEETING, doomed.id, photo)
    meetings.delete(fresh_db, doomed.id)
    left = fresh_db.execute("SELECT count(*) FROM attendance WHERE meeting_id = ?",
                            [doomed.id]).fetchone()[0]
    assert left == 0
    assert attachments.list_for(fresh_db, attachments.MEETING, doomed.id) == []
    assert not attachments.path_of(fresh_db, stored).exists()
    assert len(meetings.list_meetings(fresh_db)) == 4


def test_member_history_shows_the_meeting(fresh_db, several):
    member = members.list_members(fresh_db)[0]
    history = meetings.member_history(fresh_db, member.id)
    assert [h.date for h in history][:2] == ["2025-06-01", "2025-04-01"]
    assert history[0].title == "传承红色基因"


def test_list_of_one_year_counts_only_its_meetings(fresh_db, several, tmp_path):
    # The counts are read for the listed meetings only (not every meeting's attendance).
    photo = tmp_path / "签到表.jpg"
    photo.write_bytes(b"fictional scan")
    attachments.add(fresh_db, attachments.MEETING, several[0].id, photo)
    old = meetings.list_meetings(fresh_db, year=2024)
    assert [(s.counts.expected, s.counts.present, s.attachment_count) for s in old] == [(1, 1, 1)]
    found = meetings.list_meetings(fresh_db, year=2025, kinds=(meetings.GROUP,), text="体会")
    assert [(s.meeting.date, s.counts.expected, s.attachment_count) for s in found] == [
        ("2025-04-01", 1, 0)]


def test_a_planned_meeting_keeps_no_attendance_until_it_is_held(fresh_db):
    add_member(fresh_db, "张三")
    planned = meetings.save(fresh_db, meeting_on(fresh_db), today=DAY.replace(day=1))
    assert planned.attendance == [] and planned.is_planned(DAY.replace(day=1))
    assert meetings.default_attendance(fresh_db, meetings.GENERAL, DAY)  # its 签到表 list
    planned.attendance = meetings.default_attendance(fresh_db, meetings.GENERAL, DAY)
    held = meetings.save(fresh_db, planned, today=DAY)  # recorded on the day
    assert [(a.name, a.status) for a in held.attendance] == [("张三", meetings.PRESENT)]


# ---------------------------------------------------------------- who chairs

def test_absent_chair_warning_names_the_host_and_recorder_marked_away():
    people = [meetings.AttendanceEntry(1, "甲一", meetings.ABSENT),
              meetings.AttendanceEntry(2, "乙二", meetings.LEAVE),
              meetings.AttendanceEntry(3, "丙三")]
    held = Meeting(date="2025-06-10", host_id=1, recorder_id=2, attendance=people)
    warning = meetings.absent_chair_warning(held, today=DAY)
    assert warning.startswith("主持人甲一被登记为“缺席”、记录人乙二被登记为“请假”。\n")
    assert meetings.absent_chair_warning(Meeting(date="2025-06-10", host_id=3, recorder_id=3,
                                                 attendance=people), today=DAY) is None
    planned = Meeting(date="2025-06-20", host_id=1, attendance=people)
    assert meetings.absent_chair_warning(planned, today=DAY) is None  # not held yet


def test_a_new_meeting_is_chaired_by_the_secretary_of_its_day(fresh_db):
    a, b = add_member(fresh_db, "甲一"), add_member(fresh_db, "乙二")
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, a.id, "书记")])
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, b.id, "书记")], on=DAY)
    assert meetings.default_host(fresh_db, meetings.GENERAL, date(2025, 6, 1)) == a.id
    assert meetings.default_host(fresh_db, meetings.COMMITTEE, DAY) == b.id
    assert meetings.default_host(fresh_db, meetings.GROUP, DAY) is None  # no 党小组长 named
    group = branch.ensure_group(fresh_db, "第一党小组")
    members.update(fresh_db, members.with_changes(a, group_id=group), today=DAY)
    branch.set_group_leaders(fresh_db, {group: a.id}, DAY)
    assert meetings.default_host(fresh_db, meetings.GROUP, DAY, group) == a.id  # its 组长
