"""Records the 条例 checks need: 留党察看, 有表决权, 不作硬性要求, committee seats, 党小组长,
计入年度 of a 组织生活会, the 换届选举 meeting and its excused absentees, quorum arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from branchdesk.core import branch, meetings, members, quorum, settings
from branchdesk.core.errors import ValidationError
from branchdesk.core.members import Exemption, Member

TODAY = date(2026, 11, 29)


def person(db, name, category="正式党员", **kw):
    kw.setdefault("join_date", "2000-01-01" if category == "正式党员" else "2026-06-01")
    return members.add(db, Member(name=name, category=category, **kw), today=TODAY).id


def entry(db, member_id, on):
    return next(e for e in members.roll_as_of(db, on) if e.member.id == member_id)


# ---------------------------------------------------------------- 留党察看 and 有表决权

def test_observation_is_dated_and_takes_the_vote_until_rights_are_restored(fresh_db):
    a = person(fresh_db, "甲")
    members.change_status(fresh_db, a, members.OBSERVED, date(2026, 3, 1), "党纪处分", months=12)
    assert entry(fresh_db, a, date(2026, 2, 28)).votes
    assert not entry(fresh_db, a, date(2026, 3, 1)).votes
    assert members.observation(fresh_db, a) == (date(2026, 3, 1), date(2027, 3, 1))
    members.change_status(fresh_db, a, members.RESTORED, date(2027, 3, 5), "期满，确已改正")
    assert not entry(fresh_db, a, date(2027, 3, 4)).votes
    assert entry(fresh_db, a, date(2027, 3, 5)).votes
    assert members.observation(fresh_db, a) is None


@pytest.mark.parametrize("kind, months, message", [
    (members.OBSERVED, 6, "一年或二年"), (members.RESTORED, None, "不在留党察看期间")])
def test_observation_changes_are_checked(fresh_db, kind, months, message):
    a = person(fresh_db, "甲")
    with pytest.raises(ValidationError) as err:
        members.change_status(fresh_db, a, kind, date(2026, 3, 1), months=months)
    assert message in str(err.value.fields)


def test_only_full_members_in_good_standing_vote(fresh_db):
    full, probation, stopped = person(fresh_db, "甲"), person(fresh_db, "乙", "预备党员"), \
        person(fresh_db, "丙")
    members.change_status(fresh_db, stopped, "停止党籍", date(2026, 7, 1), "失联")
    assert quorum.voters_on(fresh_db, TODAY) == {full}
    assert probation in {e.member.id for e in members.roll_as_of(fresh_db, TODAY)}


# ---------------------------------------------------------------- committee seats

@pytest.mark.parametrize("setup, said", [
    (lambda db, m: None, "是预备党员"),
    (lambda db, m: members.change_status(db, m, members.OBSERVED, date(2026, 1, 1), months=24),
     "正在留党察看期间"),
    (lambda db, m: members.change_status(db, m, "停止党籍", date(2026, 1, 1)), "已停止党籍")])
def test_members_without_the_right_to_be_elected_cannot_take_a_seat(fresh_db, setup, said):
    m = person(fresh_db, "乙", "预备党员" if said == "是预备党员" else "正式党员")
    setup(fresh_db, m)
    with pytest.raises(ValidationError) as err:
        branch.save_committee(fresh_db, [branch.CommitteeSeat(None, m, "组织委员")], TODAY)
    assert said in err.value.fields["committee"] and "被选举权" in err.value.fields["committee"]
    assert branch.committee(fresh_db) == []


# ---------------------------------------------------------------- 党小组长

def test_a_group_leader_is_a_member_of_that_group_and_leaves_with_them(fresh_db):
    branch.save_groups(fresh_db, ["第一党小组", "第二党小组"])
    first, second = [g.id for g in branch.groups(fresh_db)]
    a = person(fresh_db, "甲", group_id=first)
    with pytest.raises(ValidationError) as err:
        branch.set_group_leaders(fresh_db, {second: a}, TODAY)
    assert "不是第二党小组的党员" in err.value.fields["groups"]
    branch.set_group_leaders(fresh_db, {first: a}, TODAY)
    assert branch.groups(fresh_db)[0].leader_id == a
    assert meetings.default_attendance(fresh_db, meetings.GROUP, TODAY, first)[0].role == "党小组长"
    members.update(fresh_db, members.with_changes(members.get(fresh_db, a), group_id=second),
                   today=TODAY)
    assert branch.groups(fresh_db)[0].leader_id is None  # moved to another group


# ---------------------------------------------------------------- 不作硬性要求

def test_exemptions_are_dated_with_a_reason_and_show_on_the_roll(fresh_db):
    a = person(fresh_db, "甲")
    m = members.get(fresh_db, a)
    with pytest.raises(ValidationError) as err:
        members.update(fresh_db, m, exemptions=[Exemption("老弱病残", "2026-01-01")])
    assert "原因" in err.value.fields["exemptions"]
    with pytest.raises(ValidationError):
        members.update(fresh_db, m, exemptions=[
            Exemption("老弱病残", "2026-05-01", "2026-04-01", "卧床")])
    members.update(fresh_db, m, today=TODAY, exemptions=[
        Exemption("老弱病残", "2026.1.1", "2026-06-30", " 年逾八旬，卧床 ")])
    saved = members.exemptions(fresh_db, a)
    assert [(x.start_date, x.end_date, x.reason) for x in saved] == [
        ("2026-01-01", "2026-06-30", "年逾八旬，卧床")]
    assert entry(fresh_db, a, date(2026, 6, 30)).exemption.kind == "老弱病残"
    assert entry(fresh_db, a, date(2026, 7, 1)).exemption is None
    assert "不作硬性要求（老弱病残，2026-01-01 至 2026-06-30）" == saved[0].text


# ---------------------------------------------------------------- 计入年度

def _life(db, on, period=""):
    return meetings.save(db, meetings.Meeting(kind=meetings.LIFE, date=on, period=period,
                                              topics=["年度组织生活会"]), today=TODAY)


@pytest.mark.parametrize("on, year", [("2027-01-15", "2026"), ("2027-03-31", "2026"),
                                      ("2027-04-01", "2027"), ("2026-12-20", "2026")])
def test_a_life_meeting_counts_for_the_previous_year_when_held_by_march(fresh_db, on, year):
    assert _life(fresh_db, on).period == year


def test_the_counted_year_follows_the_window_setting_and_the_users_choice(fresh_db):
    settings.put(fresh_db, {"life_window_month": 1})
    assert _life(fresh_db, "2026-02-10").period == "2026"
    assert _life(fresh_db, "2026-02-10", "2025").period == "2025"
    with pytest.raises(ValidationError) as err:
        _life(fresh_db, "2026-02-10", "2024")
    assert "2025 或 2026" in err.value.fields["period"]


def test_other_meetings_keep_no_period(fresh_db):
    saved = meetings.save(fresh_db, meetings.Meeting(kind=meetings.GENERAL, date="2026-03-01",
                                                     period="2025", topics=["议题"]), today=TODAY)
    assert saved.period == ""


# ---------------------------------------------------------------- 换届选举

def test_an_election_meeting_keeps_its_excused_absentees_with_reasons(fresh_db):
    a, b = person(fresh_db, "甲"), person(fresh_db, "乙")
    m = meetings.Meeting(kind=meetings.GENERAL, date="2026-11-20", topics=["换届选举"],
                         election=True)
    m.attendance = meetings.default_attendance(fresh_db, meetings.GENERAL, date(2026, 11, 20))
    m.attendance[1].status, m.attendance[1].excused = meetings.LEAVE, True
    with pytest.raises(ValidationError) as err:
        meetings.save(fresh_db, m, today=TODAY)
    assert "写明" in err.value.fields["attendance"]
    m.attendance[1].reason = "长期患病卧床，经上级党组织同意"
    saved = meetings.save(fresh_db, m, today=TODAY)
    assert saved.election and [x.excused for x in saved.attendance] == [False, True]
    assert quorum.meeting_counts(fresh_db, saved) == quorum.VotingCounts(1, 1, 1)
    saved.kind = meetings.LECTURE  # only a 党员大会 elects
    again = meetings.save(fresh_db, saved, today=TODAY)
    assert not again.election and not any(x.excused for x in again.attendance)
    assert {a, b} == {x.member_id for x in again.attendance}


# ---------------------------------------------------------------- quorum arithmetic

@pytest.mark.parametrize("present, expected, strict, ok", [
    (3, 6, False, True),  # exactly half: 半数以上 includes half
    (3, 6, True, False),  # a locality demanding more than half
    (4, 6, True, True), (2, 5, False, False), (3, 5, False, True), (0, 0, False, True)])
def test_half_present(present, expected, strict, ok):
    assert quorum.half_present(present, expected, more_than_half=strict) is ok


@pytest.mark.parametrize("present, expected, ok", [
    (8, 10, False),  # exactly four fifths is not more than four fifths
    (9, 10, True), (4, 5, False), (5, 5, True), (33, 41, True), (32, 40, False)])
def test_election_needs_more_than_four_fifths(present, expected, ok):
    assert quorum.election_present(present, expected) is ok
