"""The 工作台 checked against the 条例 (docs/rules.md): no false 缺项, with the boundaries."""

from __future__ import annotations

import json
from datetime import date

import pytest

from branchdesk.core import appraisals, branch, meetings, members, rules, settings
from branchdesk.core.members import Exemption, Member

TODAY = date(2026, 11, 29)


def person(db, name, category="正式党员", **kw):
    kw.setdefault("join_date", "2000-01-01" if category == "正式党员" else "2026-06-01")
    return members.add(db, Member(name=name, category=category, **kw), today=TODAY).id


def meeting(db, kind, on, *, absent=(), leave=(), excused=(), election=False, period="",
            group_id=None):
    day = date.fromisoformat(on)
    m = meetings.Meeting(kind=kind, date=on, topics=["议题"], election=election, period=period,
                         group_id=group_id)
    m.attendance = meetings.default_attendance(db, kind, day, group_id)
    for a in m.attendance:
        if a.member_id in absent:
            a.status = meetings.ABSENT
        if a.member_id in leave or a.member_id in excused:
            a.status, a.reason = meetings.LEAVE, "经批准，不能参加"
            a.excused = a.member_id in excused
    return meetings.save(db, m, today=day)


def row(report, activity):
    return next((r for r in report.grid if r.activity == activity), None)


def rules_of(report):
    return [f.rule for f in report.findings]


def seats(db, ids, roles=("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "青年委员",
                          "委员", "委员")):
    branch.save_committee(db, [branch.CommitteeSeat(None, m, r) for m, r in zip(ids, roles)])


# ---------------------------------------------------------------- 17.1 the committee

def test_a_five_member_branch_with_a_secretary_has_no_committee_row_and_no_false_missing(fresh_db):
    people = [person(fresh_db, f"党员{i}") for i in range(5)]
    seats(fresh_db, people[:1])
    report = rules.report(fresh_db, 2026, TODAY)
    assert row(report, "支委会") is None
    assert not [f for f in report.findings if f.rule in (meetings.COMMITTEE, "committee_required")]


@pytest.mark.parametrize("size, has_row, findings", [
    (2, False, ["committee_required"]),  # 书记 and 副书记 are not a 支部委员会
    (3, True, []), (7, True, []), (8, True, ["committee_size"])])
def test_committee_of_two_three_seven_and_eight(fresh_db, size, has_row, findings):
    people = [person(fresh_db, f"党员{i}") for i in range(9)]
    seats(fresh_db, people[:size])
    report = rules.report(fresh_db, 2026, TODAY)
    assert (row(report, "支委会") is not None) is has_row
    committee_rules = [r for r in rules_of(report) if r.startswith("committee")]
    assert committee_rules == findings
    monthly = [f for f in report.findings if f.rule == meetings.COMMITTEE]
    assert len(monthly) == (11 if has_row else 0)  # January to November: none held


def test_seven_full_members_without_a_committee_get_one_finding_not_monthly_ones(fresh_db):
    for i in range(6):
        person(fresh_db, f"党员{i}")
    person(fresh_db, "预备甲", "预备党员")
    assert "committee_required" not in rules_of(rules.report(fresh_db, 2026, TODAY))  # 6 正式
    person(fresh_db, "党员6")
    found = [f for f in rules.report(fresh_db, 2026, TODAY).findings
             if f.rule in ("committee_required", meetings.COMMITTEE)]
    assert [f.rule for f in found] == ["committee_required"]
    assert "正式党员 7 人" in found[0].message and "目前未登记支委" in found[0].message


def test_months_before_a_committee_was_elected_are_not_applicable(fresh_db):
    people = [person(fresh_db, f"党员{i}") for i in range(8)]
    seats(fresh_db, people[:1])
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, m, r) for m, r in
                                     zip(people, ("书记", "组织委员", "宣传委员"))],
                          date(2026, 5, 10))
    cells = row(rules.report(fresh_db, 2026, TODAY), "支委会").cells
    assert [c.status for c in cells[:4]] == [rules.NOT_APPLICABLE] * 4
    assert cells[0].text == "不适用"
    assert cells[4].status == rules.MISSING  # elected on 10 May: May needed one


def test_a_seat_held_by_someone_now_barred_is_reported(fresh_db):
    people = [person(fresh_db, f"党员{i}") for i in range(3)]
    seats(fresh_db, people)
    members.change_status(fresh_db, people[2], members.OBSERVED, date(2026, 6, 1), months=12)
    found = [f for f in rules.report(fresh_db, 2026, TODAY).findings
             if f.rule == "committee_seat_barred"]
    assert "党员2正在留党察看期间" in found[0].message


@pytest.mark.parametrize("as_of, expected", [
    (date(2026, 4, 1), []),  # more than probation_warn_days (60) before the end
    (date(2026, 4, 2), ["observation_ending"]),  # 60 days before 2026-06-01
    (date(2026, 6, 1), ["observation_ending"]),  # the 察看期's last day
    (date(2026, 6, 2), ["observation_over"]),
])
def test_an_observation_period_running_out_asks_for_the_decision(fresh_db, as_of, expected):
    who = person(fresh_db, "察看甲")
    members.change_status(fresh_db, who, members.OBSERVED, date(2025, 6, 1), months=12)
    ends = members.observation(fresh_db, who)[1]
    found = [f for f in rules.report(fresh_db, as_of.year, as_of).findings
             if f.rule.startswith("observation_")]
    assert ends == date(2026, 6, 1) and [f.rule for f in found] == expected
    assert all(f.target["id"] == who and "察看甲" in f.message for f in found)


def test_restoring_rights_ends_the_reminder(fresh_db):
    who = person(fresh_db, "察看乙")
    members.change_status(fresh_db, who, members.OBSERVED, date(2025, 6, 1), months=12)
    members.change_status(fresh_db, who, members.RESTORED, date(2026, 6, 5))
    found = [f for f in rules.report(fresh_db, 2026, date(2026, 7, 1)).findings
             if f.rule.startswith("observation_")]
    assert found == []


# ---------------------------------------------------------------- 17.2 quorum and elections

def test_quorum_counts_only_members_with_a_vote(fresh_db):
    full = [person(fresh_db, f"正式{i}") for i in range(5)]
    person(fresh_db, "预备甲", "预备党员")
    meeting(fresh_db, meetings.GENERAL, "2026-03-10", absent=full[3:])  # 3 of 5 正式 came
    assert "quorum" not in rules_of(rules.report(fresh_db, 2026, TODAY))


def test_probationary_members_do_not_make_a_quorum(fresh_db):
    full = [person(fresh_db, f"正式{i}") for i in range(4)]
    for i in range(3):
        person(fresh_db, f"预备{i}", "预备党员")
    meeting(fresh_db, meetings.GENERAL, "2026-03-10", absent=full[1:])  # 1 正式 + 3 预备 came
    found = [f for f in rules.report(fresh_db, 2026, TODAY).findings if f.rule == "quorum"]
    assert "有表决权的党员到会 1 人，不到应到 4 人的半数" in found[0].message


@pytest.mark.parametrize("absent, strict, flagged", [
    (3, False, False),  # exactly half of 6: 半数以上 includes half
    (3, True, True), (4, False, True), (2, True, False)])
def test_exactly_half_present(fresh_db, absent, strict, flagged):
    people = [person(fresh_db, f"党员{i}") for i in range(6)]
    settings.put(fresh_db, {"quorum_more_than_half": strict})
    meeting(fresh_db, meetings.GENERAL, "2026-03-10", absent=people[:absent])
    assert ("quorum" in rules_of(rules.report(fresh_db, 2026, TODAY))) is flagged


@pytest.mark.parametrize("absent, excused, flagged", [
    (2, 0, True),  # 8 of 10: exactly four fifths is not more than four fifths
    (1, 0, False),  # 9 of 10
    (2, 1, False),  # one excused: 8 of 9 counted
    (3, 1, True)])  # 7 of 9
def test_election_needs_more_than_four_fifths(fresh_db, absent, excused, flagged):
    people = [person(fresh_db, f"党员{i}") for i in range(10)]
    meeting(fresh_db, meetings.GENERAL, "2026-11-20", election=True,
            absent=people[excused:absent], excused=people[:excused])
    found = [f for f in rules.report(fresh_db, 2026, TODAY).findings if f.rule == "quorum"]
    assert bool(found) is flagged
    if found:
        assert "换届选举大会" in found[0].message and "五分之四" in found[0].message


# ---------------------------------------------------------------- 17.3 计入年度

@pytest.fixture
def small_branch(fresh_db):
    for i in range(3):
        person(fresh_db, f"党员{i}")
    return fresh_db


def life_cell(db, year, as_of):
    return row(rules.report(db, year, as_of), "组织生活会").cells[0]


def test_a_meeting_on_31_march_counts_for_the_previous_year(small_branch):
    meeting(small_branch, meetings.LIFE, "2027-03-31")
    assert life_cell(small_branch, 2026, date(2027, 3, 31)).status == rules.DONE
    assert life_cell(small_branch, 2027, date(2027, 4, 1)).status == rules.DUE


def test_a_meeting_on_1_april_counts_for_its_own_year(small_branch):
    meeting(small_branch, meetings.LIFE, "2027-04-01")
    assert life_cell(small_branch, 2026, date(2027, 4, 1)).status == rules.MISSING
    assert life_cell(small_branch, 2027, date(2027, 4, 1)).status == rules.DONE
    meeting(small_branch, meetings.LIFE, "2027-04-02", period="2026")  # chosen, but too late
    assert life_cell(small_branch, 2026, date(2027, 4, 5)).status == rules.MISSING


def test_the_year_cell_waits_until_31_march(small_branch):
    cell = life_cell(small_branch, 2026, date(2027, 2, 1))
    assert (cell.status, cell.text) == (rules.DUE, "2027年3月31日前")
    report = rules.report(small_branch, 2027, date(2027, 2, 1))
    last = [f for f in report.findings if f.period == "2026年"]
    assert [f.message for f in last] == [
        "2026年度组织生活会尚未召开，应于2027-03-31前完成（计入2026年度）",
        "2026年度民主评议尚未开展，应于2027-03-31前完成（计入2026年度）"]
    settings.put(small_branch, {"life_window_month": 1})
    assert life_cell(small_branch, 2026, date(2027, 2, 1)).status == rules.MISSING


def test_appraisal_follows_the_same_window(small_branch):
    cell = row(rules.report(small_branch, 2026, date(2027, 3, 31)), "民主评议").cells[0]
    assert cell.status == rules.DUE
    appraisals.save(small_branch, 2026, {1: ("合格", "")})
    cell = row(rules.report(small_branch, 2026, date(2027, 3, 31)), "民主评议").cells[0]
    assert cell.status == rules.DONE


def test_a_past_year_is_checked_once_its_window_has_closed(small_branch):
    report = rules.report(small_branch, 2024)
    assert report.as_of == date(2025, 4, 1)
    assert life_cell(small_branch, 2024, report.as_of).status == rules.MISSING


# ---------------------------------------------------------------- 17.4 不作硬性要求

def test_exempt_members_get_no_attendance_findings(fresh_db):
    person(fresh_db, "书记丙")
    a, b = person(fresh_db, "甲"), person(fresh_db, "乙")
    for month in range(1, 12):
        meeting(fresh_db, meetings.GENERAL, f"2026-{month:02d}-10", absent=(a, b))
    members.update(fresh_db, members.get(fresh_db, a), today=TODAY, exemptions=[
        Exemption("老弱病残", "2025-06-01", None, "卧床，经支委会研究同意")])
    found = {(f.rule, f.target["id"]) for f in rules.report(fresh_db, 2026, TODAY).findings
             if f.area == "member"}
    assert found == {("absent_streak", b), ("inactive", b)}


# ---------------------------------------------------------------- 17.5 自行脱党

@pytest.fixture
def absentee(fresh_db):
    person(fresh_db, "书记甲")
    return person(fresh_db, "乙")


def prompts(db, as_of):
    return [f for f in rules.member_findings(db, as_of.year, as_of) if f.rule == "inactive"]


def test_six_counting_months_to_the_day(fresh_db, absentee):
    settings.put(fresh_db, {"records_start": "2026-01-01"})
    for month in range(1, 7):
        meeting(fresh_db, meetings.GENERAL, f"2026-{month:02d}-05", absent=(absentee,))
    assert prompts(fresh_db, date(2026, 6, 29)) == []  # June not over: five months
    found = prompts(fresh_db, date(2026, 6, 30))
    assert "最近 6 个有会议的月份（2026年1月至6月）" in found[0].message
    assert "视为" not in found[0].message and "请及时谈心谈话" in found[0].message
    settings.put(fresh_db, {"records_start": "2026-01-02"})  # January not wholly checked
    assert prompts(fresh_db, date(2026, 6, 30)) == []


def test_months_without_meetings_neither_count_nor_break_the_run(fresh_db, absentee):
    for month in (1, 3, 4, 7, 9, 10):
        meeting(fresh_db, meetings.GENERAL, f"2026-{month:02d}-05", absent=(absentee,))
    assert "2026年1月至10月" in prompts(fresh_db, TODAY)[0].message


def test_leave_or_attendance_in_a_month_breaks_the_run(fresh_db, absentee):
    for month in range(1, 9):
        meeting(fresh_db, meetings.GENERAL, f"2026-{month:02d}-05", absent=(absentee,))
    meeting(fresh_db, meetings.LECTURE, "2026-06-20", leave=(absentee,))
    assert prompts(fresh_db, date(2026, 9, 1)) == []  # only July and August since


def test_two_meetings_just_after_checking_began_are_no_prompt(fresh_db, absentee):
    """The case that was reported: checking began three days earlier, two meetings four days
    apart, one absence a 请假."""
    settings.put(fresh_db, {"records_start": "2026-11-01"})
    meeting(fresh_db, meetings.GENERAL, "2026-11-04", absent=(absentee,))
    meeting(fresh_db, meetings.LECTURE, "2026-11-08", leave=(absentee,))
    report = rules.report(fresh_db, 2026, date(2026, 11, 9))
    assert "inactive" not in rules_of(report)


# ---------------------------------------------------------------- 17.6 empty is not done

def test_no_members_means_not_applicable_not_done(fresh_db):
    report = rules.report(fresh_db, 2026, TODAY)
    statuses = {c.status for r in report.grid for c in r.cells}
    assert statuses == {rules.NOT_APPLICABLE}
    assert row(report, "谈心谈话全覆盖").cells[0].text == "不适用"
    assert not report.has_missing


def test_a_group_without_members_need_not_meet(fresh_db):
    first = branch.ensure_group(fresh_db, "第一党小组")
    branch.ensure_group(fresh_db, "第二党小组")  # nobody in it
    person(fresh_db, "甲", group_id=first)
    report = rules.report(fresh_db, 2026, TODAY)
    assert row(report, "第二党小组").cells[0].status == rules.NOT_APPLICABLE
    assert row(report, "第一党小组").cells[0].status == rules.MISSING
    assert not [f for f in report.findings if "第二党小组" in f.message]


# ---------------------------------------------------------------- branchdesk check --json

def check_json(path, capsys, *args):
    from branchdesk.cli import main

    code = main(["check", "--db", str(path), "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_check_json_five_member_branch_with_a_secretary(db_path, capsys):
    """Everything such a branch owes is done: the check says so (exit 0), no 支委会 缺."""
    from branchdesk.core import talks
    from branchdesk.core.db import open_db

    db = open_db(db_path)
    people = [person(db, f"党员{i}") for i in range(5)]
    seats(db, people[:1])
    for month in range(1, 13):
        day = f"2026-{month:02d}-10"
        meeting(db, meetings.THEME_DAY, day)
        if month % 3 == 1:
            meeting(db, meetings.GENERAL, day)
            meeting(db, meetings.LECTURE, day)
    meeting(db, meetings.LIFE, "2027-01-15")  # the 2026年度 one, held in January
    appraisals.save(db, 2026, {m: ("合格", "") for m in people})
    for other in people[1:]:
        talks.save(db, talks.Talk(date="2026-06-01", talker_id=people[0], target_ids=[other]),
                   today=date(2026, 6, 1))
    db.close()
    code, out = check_json(db_path, capsys, "--year", "2026", "--as-of", "2027-04-01")
    assert (code, out["missing"]) == (0, False), out["findings"]
    assert not any("支委" in f["message"] for f in out["findings"])


def test_check_json_a_year_whose_life_meeting_was_held_next_january(db_path, capsys):
    from branchdesk.core.db import open_db

    db = open_db(db_path)
    for i in range(3):
        person(db, f"党员{i}")
    meeting(db, meetings.LIFE, "2027-01-15")
    appraisals.save(db, 2026, {1: ("合格", ""), 2: ("合格", ""), 3: ("合格", "")})
    db.close()
    code, out = check_json(db_path, capsys, "--year", "2026", "--as-of", "2027-02-01")
    messages = [f["message"] for f in out["findings"]]
    assert not any("组织生活会" in m for m in messages), messages
    code, out = check_json(db_path, capsys, "--year", "2027", "--as-of", "2027-02-01")
    life = [(f["severity"], f["message"]) for f in out["findings"] if "组织生活会" in f["message"]]
    assert life == [("due", "2027年尚未召开组织生活会，应于2028-03-31前完成")]  # 2027's own
