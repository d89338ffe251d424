from datetime import date

import pytest

from branchdesk.core import appraisals, branch, meetings, members, rules, settings, talks
from branchdesk.core.members import Member

TODAY = date(2026, 11, 29)


def person(db, name, **kw):
    kw.setdefault("join_date", "2000-01-01")
    return members.add(db, Member(name=name, **kw), today=TODAY).id


def meeting(db, kind, on, group_id=None, absent=(), topics=("议题",)):
    m = meetings.Meeting(kind=kind, date=on, group_id=group_id, topics=list(topics))
    m.attendance = meetings.default_attendance(db, kind, date.fromisoformat(on), group_id)
    for entry in m.attendance:
        if entry.member_id in absent:
            entry.status = meetings.ABSENT
    return meetings.save(db, m, today=date.fromisoformat(on))


def row(report, activity):
    return next(r for r in report.grid if r.activity == activity)


@pytest.fixture
def branch_db(fresh_db):
    a, b = person(fresh_db, "书记甲"), person(fresh_db, "委员乙")
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, a, "书记"),
                                     branch.CommitteeSeat(None, b, "组织委员")])
    return fresh_db


@pytest.fixture
def committee_db(branch_db):
    """branch_db with a third committee member: an elected 支部委员会, so a 支委会 row."""
    seats = branch.committee(branch_db) + [
        branch.CommitteeSeat(None, person(branch_db, "委员戊"), "宣传委员")]
    branch.save_committee(branch_db, seats)
    return branch_db


def test_periods_quarters_and_months():
    quarters = rules.periods(2026, 3)
    assert [(p.label, p.start, p.end) for p in quarters][0] == ("第一季度", date(2026, 1, 1), date(2026, 3, 31))
    assert quarters[-1].end == date(2026, 12, 31) and len(quarters) == 4
    months = rules.periods(2028, 1)
    assert months[1].end == date(2028, 2, 29)  # leap year
    assert rules.periods(2027, 1)[1].end == date(2027, 2, 28)


def test_meeting_on_last_day_of_quarter_counts_for_that_quarter(branch_db):
    meeting(branch_db, meetings.GENERAL, "2026-03-31")
    report = rules.report(branch_db, 2026, date(2026, 4, 1))
    cells = row(report, "支部党员大会").cells
    assert cells[0].status == rules.DONE
    assert cells[1].status == rules.DUE  # second quarter still running


def test_running_period_is_due_not_missing(committee_db):
    report = rules.report(committee_db, 2026, date(2026, 2, 10))
    committee = row(report, "支委会").cells
    assert [c.status for c in committee[:3]] == [rules.MISSING, rules.DUE, rules.FUTURE]
    due = [f for f in report.findings if f.rule == meetings.COMMITTEE and f.severity == rules.DUE]
    assert "应于2026-02-28前完成" in due[0].message
    assert report.has_missing


def test_group_meetings_checked_per_group(branch_db):
    g1, g2 = branch.ensure_group(branch_db, "第一党小组"), branch.ensure_group(branch_db, "第二党小组")
    person(branch_db, "丙", group_id=g1)
    person(branch_db, "丁", group_id=g2)
    meeting(branch_db, meetings.GROUP, "2026-01-15", group_id=g1)
    report = rules.report(branch_db, 2026, date(2026, 2, 1))
    assert row(report, "第一党小组").cells[0].status == rules.DONE
    assert row(report, "第二党小组").cells[0].status == rules.MISSING
    assert any(f.message == "1月未召开第二党小组会" for f in report.findings)


def test_frequency_setting_changes_periods(committee_db):
    settings.put(committee_db, {"freq_committee_months": 2})
    report = rules.report(committee_db, 2026, TODAY)
    assert len(row(report, "支委会").cells) == 6


def test_probation_ending_within_warning_days(fresh_db):
    person(fresh_db, "预备甲", category="预备党员", join_date="2026-01-20")
    findings = rules.member_findings(fresh_db, 2026, date(2026, 11, 29))
    assert [f.rule for f in findings] == ["probation_ending"]
    assert "2027-01-20" in findings[0].message
    assert rules.member_findings(fresh_db, 2026, date(2026, 11, 20)) == []  # 61 days ahead


def test_extended_probation_moves_the_reminder_and_can_happen_once(fresh_db):
    from branchdesk.core.errors import ValidationError

    pid = person(fresh_db, "预备丙", category="预备党员", join_date="2025-10-10")
    overdue = rules.member_findings(fresh_db, 2026, TODAY)
    assert overdue[0].rule == "probation_overdue" and "2026-10-10" in overdue[0].message
    with pytest.raises(ValidationError):
        members.change_status(fresh_db, pid, "延长预备期", date(2026, 10, 20), months=3)
    members.change_status(fresh_db, pid, "延长预备期", date(2026, 10, 20), "支部大会决定", months=6)
    assert members.probation_ends(fresh_db, [members.get(fresh_db, pid)])[pid] == date(2027, 4, 10)
    assert rules.member_findings(fresh_db, 2026, TODAY) == []  # not due until April
    ending = rules.member_findings(fresh_db, 2027, date(2027, 3, 1))
    assert ending[0].rule == "probation_ending" and "2027-04-10" in ending[0].message
    with pytest.raises(ValidationError, match="已经延长过一次"):
        members.change_status(fresh_db, pid, "延长预备期", date(2027, 1, 5), months=6)


def test_probation_ending_on_leap_day_boundary(fresh_db):
    members.add(fresh_db, Member(name="预备乙", category="预备党员", join_date="2028-02-29"),
                today=date(2028, 3, 1))
    ends_day = rules.member_findings(fresh_db, 2029, date(2029, 2, 28))
    assert ends_day[0].rule == "probation_ending" and "2029-02-28" in ends_day[0].message
    after = rules.member_findings(fresh_db, 2029, date(2029, 3, 1))
    assert after[0].rule == "probation_overdue" and after[0].severity == rules.MISSING


def test_absent_streak_counts_only_absence_not_leave(branch_db):
    c = person(branch_db, "丙")
    for day in ("2026-01-10", "2026-02-10"):
        meeting(branch_db, meetings.GENERAL, day, absent=(c,))
    assert not [f for f in rules.member_findings(branch_db, 2026, TODAY) if f.rule == "absent_streak"]
    meeting(branch_db, meetings.GENERAL, "2026-03-10", absent=(c,))
    streaks = [f for f in rules.member_findings(branch_db, 2026, date(2026, 3, 31))
               if f.rule == "absent_streak"]
    assert [f.target["id"] for f in streaks] == [c]


def test_inactive_six_months_prompt_and_newcomer_spared(branch_db):
    c = person(branch_db, "丙")
    late = person(branch_db, "新人", branch_join_date="2026-09-01")
    for month in range(5, 12):
        meeting(branch_db, meetings.GENERAL, f"2026-{month:02d}-10", absent=(c, late))
    rules_by_member = {f.target["id"] for f in rules.member_findings(branch_db, 2026, TODAY)
                       if f.rule == "inactive"}
    assert rules_by_member == {c}  # May–October; November is not over; 新人 has three months


def test_committee_required_at_seven_full_members(fresh_db):
    for i in range(7):
        person(fresh_db, f"党员{i}")
    found = [f.rule for f in rules.branch_findings(fresh_db, 2026, TODAY)]
    assert "committee_required" in found
    settings.put(fresh_db, {"committee_required_at": 8})
    assert "committee_required" not in [f.rule for f in rules.branch_findings(fresh_db, 2026, TODAY)]


def test_branch_size_warning(fresh_db):
    settings.put(fresh_db, {"branch_size_warn": 3})
    for i in range(4):
        person(fresh_db, f"党员{i}")
    assert "branch_size" in [f.rule for f in rules.branch_findings(fresh_db, 2026, TODAY)]


def test_term_due_and_overdue(fresh_db):
    settings.put(fresh_db, {"term_start": "2023-12-20", "term_years": 3})
    assert [f.rule for f in rules.branch_findings(fresh_db, 2026, TODAY)] == ["term_due"]
    assert rules.branch_findings(fresh_db, 2026, date(2026, 9, 1)) == []
    assert [f.rule for f in rules.branch_findings(fresh_db, 2026, date(2026, 12, 21))] == ["term_overdue"]


def test_quorum_exactly_half_is_enough_unless_the_locality_demands_more(branch_db):
    c, d = person(branch_db, "丙"), person(branch_db, "丁")
    meeting(branch_db, meetings.GENERAL, "2026-03-10", absent=(c, d))  # 2 of 4 came
    assert "quorum" not in [f.rule for f in rules.branch_findings(branch_db, 2026, TODAY)]
    settings.put(branch_db, {"quorum_more_than_half": True})
    found = [f for f in rules.branch_findings(branch_db, 2026, TODAY) if f.rule == "quorum"]
    assert "有表决权的党员到会 2 人，未超过应到 4 人的半数" in found[0].message


def test_excellent_ratio_warning(branch_db):
    ids = [person(branch_db, f"党员{i}") for i in range(4)]
    appraisals.save(branch_db, 2026, {i: ("优秀", "") for i in ids[:2]} |
                            {i: ("合格", "") for i in ids[2:]})
    assert "excellent_ratio" in [f.rule for f in rules.branch_findings(branch_db, 2026, TODAY)]


def test_yearly_talk_coverage_cell(branch_db):
    ids = {s.member_name: s.member_id for s in branch.committee(branch_db)}
    c = person(branch_db, "丙")
    assert row(rules.report(branch_db, 2026, TODAY), "谈心谈话全覆盖").cells[0].status == rules.DUE
    talks.save(branch_db, talks.Talk(date="2026-03-01", talker_id=ids["书记甲"], target_ids=[c, ids["委员乙"]],
                                     form="集体谈话"))
    assert row(rules.report(branch_db, 2026, TODAY), "谈心谈话全覆盖").cells[0].status == rules.DONE
    assert row(rules.report(branch_db, 2025), "谈心谈话全覆盖").cells[0].status == rules.MISSING


def test_counts_and_rates(branch_db):
    c = person(branch_db, "丙", category="预备党员", join_date="2026-06-01")
    meeting(branch_db, meetings.GENERAL, "2026-07-10", absent=(c,))
    report = rules.report(branch_db, 2026, TODAY)
    assert report.counts["预备党员"] == 1 and report.counts["total"] == 3
    assert report.attendance_rate == pytest.approx(2 / 3)
    assert report.monthly_activities[6] == 1 and report.monthly_rate[6] == pytest.approx(2 / 3)


def test_cli_check_exit_codes(tmp_path, capsys):
    from branchdesk.cli import main
    from branchdesk.core import demo

    path = tmp_path / "d.sqlite3"
    demo.create_demo(path, today=TODAY).close()
    assert main(["check", "--db", str(path), "--year", "2026", "--as-of", "2026-11-29"]) == 3
    assert "8月未召开支委会" in capsys.readouterr().out
    assert main(["check", "--db", str(path), "--year", "2026", "--as-of", "2026-01-02", "--json"]) == 0
    assert '"missing": false' in capsys.readouterr().out


def test_cli_check_json_targets_name_the_record_and_the_tab(tmp_path, capsys):
    import json

    from branchdesk.cli import main
    from branchdesk.core import demo

    path = tmp_path / "d.sqlite3"
    demo.create_demo(path, today=TODAY).close()
    main(["check", "--db", str(path), "--year", "2026", "--as-of", "2026-11-29", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"year", "as_of", "missing", "findings"}
    findings = out["findings"]
    assert all(set(f) == {"severity", "area", "rule", "message", "period", "due", "target"}
               for f in findings)
    august = next(f["target"] for f in findings if f["message"] == "8月未召开支委会")
    assert august == {"tab": "meetings", "record": "meeting", "id": None,
                      "kind": meetings.COMMITTEE, "group_id": None}
    probation = next(f["target"] for f in findings if f["rule"] == "probation_overdue")
    assert probation["tab"] == "members" and probation["record"] == "member" and probation["id"]


def test_findings_point_at_records_not_at_tabs(fresh_db):
    from branchdesk.core import demo

    db = demo.create_demo(fresh_db.path.with_name("demo.sqlite3"), today=TODAY)
    findings = rules.report(db, 2026, TODAY).findings
    assert findings and all("tab" not in f.target for f in findings)
    assert {f.target["record"] for f in findings} <= {rules.MEMBER, rules.MEETING, rules.TALK,
                                                     rules.APPRAISAL, rules.BRANCH,
                                                     rules.RECRUIT, rules.DUES}
    theme = next(f.target for f in findings if f.rule == meetings.THEME_DAY)
    assert theme == {"record": rules.MEETING, "id": None, "kind": meetings.THEME_DAY,
                     "group_id": None}


def test_absent_streak_older_than_the_inactivity_window_is_still_found(branch_db):
    # Only recent meetings are read first; a member short of entries there is read further back.
    c = person(branch_db, "丙")
    for day in ("2025-01-10", "2025-02-10", "2025-03-10"):
        meeting(branch_db, meetings.GENERAL, day, absent=(c,))
    found = {f.rule for f in rules.member_findings(branch_db, 2026, TODAY) if f.target.get("id") == c}
    assert found == {"absent_streak"}


def test_planned_meeting_counts_only_once_its_day_has_come(committee_db):
    meeting(committee_db, meetings.COMMITTEE, "2026-12-10")
    december = lambda as_of: row(rules.report(committee_db, 2026, as_of), "支委会").cells[11]  # noqa: E731
    assert december(date(2026, 12, 1)).status == rules.DUE
    assert december(date(2026, 12, 10)).status == rules.DONE


def test_months_before_the_start_date_are_not_missing_but_backfilled_records_count(committee_db):
    settings.put(committee_db, {"records_start": "2026-11-01"})
    meeting(committee_db, meetings.COMMITTEE, "2026-03-12")  # 补录 of an earlier meeting
    report = rules.report(committee_db, 2026, TODAY)
    cells = row(report, "支委会").cells
    assert cells[0].status == rules.UNTRACKED and cells[0].text == "—"
    assert cells[2].status == rules.DONE  # March was recorded afterwards
    assert cells[9].status == rules.UNTRACKED  # October
    assert cells[10].status == rules.DUE  # November, the first month checked
    quarter = row(report, "支部党员大会").cells[3]
    assert quarter.status == rules.DUE  # Q4 ends after the start date: still checked
    assert row(report, "民主评议").cells[0].status == rules.DUE
    messages = [f.message for f in report.findings]
    assert not any(m.startswith(("1月", "10月")) for m in messages)
    settings.put(committee_db, {"records_start": ""})
    assert row(rules.report(committee_db, 2026, TODAY), "支委会").cells[0].status == rules.MISSING


def test_a_year_before_the_start_date_has_nothing_missing(branch_db):
    settings.put(branch_db, {"records_start": "2026-11-01"})
    report = rules.report(branch_db, 2025)
    assert not report.has_missing
    assert all(c.status == rules.UNTRACKED for r in report.grid for c in r.cells)


def test_rectifications_past_their_deadline_are_missing_and_soon_ones_due(branch_db):
    from branchdesk.core.dates import parse_deadline

    life = meetings.Meeting(kind=meetings.LIFE, date="2026-01-20", topics=["专题组织生活会"])
    life.attendance = meetings.default_attendance(branch_db, meetings.LIFE, date(2026, 1, 20), None)
    life.rectifications = [
        meetings.Rectification("学习不够深入", "制定学习计划", "书记甲",
                               parse_deadline("2026年6月").isoformat()),
        meetings.Rectification("联系群众不够", "每月走访", "委员乙", "2026-12-10"),
        meetings.Rectification("已整改的问题", "", "", "2026-03-01", True),
        meetings.Rectification("明年的事项", "", "", "2027-06-30"),
    ]
    life = meetings.save(branch_db, life, today=date(2026, 1, 20))
    assert life.rectifications[0].due_date == "2026-06-30"  # a month alone: its last day
    found = {f.rule: f for f in rules.report(branch_db, 2026, TODAY).findings
             if f.rule.startswith("rectification")}
    overdue, due = found["rectification_overdue"], found["rectification_due"]
    assert overdue.severity == rules.MISSING and "学习不够深入" in overdue.message
    assert "2026-06-30" in overdue.message and overdue.target == {"record": rules.MEETING, "id": life.id}
    assert due.severity == rules.DUE and "2026-12-10" in due.message
    next_year = rules.report(branch_db, 2027, date(2027, 2, 1)).findings
    assert any(f.rule == "rectification_overdue" and "学习不够深入" in f.message for f in next_year)


def test_a_period_done_only_by_a_late_entry_says_so(committee_db):
    held = meetings.Meeting(kind=meetings.COMMITTEE, date="2026-02-10", topics=["研究工作"])
    held.attendance = meetings.default_attendance(committee_db, meetings.COMMITTEE, date(2026, 2, 10))
    meetings.save(committee_db, held, today=date(2026, 5, 1))  # entered months later: 补录
    meeting(committee_db, meetings.COMMITTEE, "2026-03-10")
    cells = row(rules.report(committee_db, 2026, TODAY), "支委会").cells
    assert (cells[1].status, cells[1].late, cells[1].text) == (rules.DONE, 1, "✓·补")
    assert (cells[2].late, cells[2].text) == (0, "✓")
