"""The checks as pure functions over plain records and settings: no database at all."""

from datetime import date

from branchdesk.core import quorum, rules, settings
from branchdesk.core.branch import CommitteeSeat, Group
from branchdesk.core.meetings import (COMMITTEE, GENERAL, GROUP, THEME_DAY, DecisiveMeeting,
                                      HeldMeeting, MemberMonth, MonthTotals, OpenRectification)
from branchdesk.core.members import Member, RollEntry

AS_OF = date(2026, 11, 29)
CONF = {key: spec.default for key, spec in settings.SETTINGS.items()}


def entry(member_id, name, category="正式党员", suspended=False):
    member = Member(name=name, category=category, id=member_id)
    return RollEntry(member, None, category, suspended)


def staffed(groups=(None,), committee=True):
    """Presence all year: members in ``groups``, and an elected committee or not."""
    return rules.Presence([frozenset(groups)] * 12, [committee] * 12)


def grid(held=(), has_committee=True, groups=(), **facts):
    facts = {"appraised": False, "talks_covered": False, **facts}
    presence = staffed((None, *(g.id for g in groups)), has_committee)
    return rules.grid_rows(2026, AS_OF, CONF, held=list(held), groups=list(groups),
                           presence=presence, **facts)


def row(rows, activity):
    return next(r for r in rows if r.activity == activity)


def test_a_theme_day_counts_for_its_month_and_a_planned_meeting_not_yet():
    held = [HeldMeeting(1, THEME_DAY, None, date(2026, 4, 3), "2026-03", False),
            HeldMeeting(2, GENERAL, None, date(2026, 12, 15), "", False)]
    rows = grid(held)
    months = row(rows, "主题党日").cells
    assert (months[2].status, months[2].meeting_ids) == (rules.DONE, [1])
    assert months[3].status == rules.MISSING  # April itself still had none
    assert row(rows, "支部党员大会").cells[3].status == rules.DUE  # the 15 December one is a plan


def test_no_committee_no_committee_row_and_one_row_per_group():
    groups = [Group(7, "第一党小组", 0), Group(8, "第二党小组", 1)]
    held = [HeldMeeting(3, GROUP, 8, date(2026, 1, 20), "", True)]
    rows = grid(held, groups=groups, has_committee=False)
    assert "支委会" not in [r.activity for r in rows]
    assert [r.group_id for r in rows if r.kind == GROUP] == [7, 8]
    january = row(rows, "第二党小组").cells[0]
    assert (january.status, january.late, january.text) == (rules.DONE, 1, "✓·补")
    assert row(rows, "第一党小组").cells[0].status == rules.MISSING


def test_member_findings_from_plain_statuses_and_totals():
    roll = [entry(1, "甲"), entry(2, "乙"), entry(3, "丙", "预备党员")]
    absent = [MemberMonth(f"2026-{m:02d}", 2, 0, 0) for m in range(5, 11)]
    found = rules.check_members(
        roll, AS_OF, CONF, probation_ends={3: date(2026, 12, 20)},
        latest={1: ["缺席", "缺席", "缺席", "出席"], 2: ["缺席", "请假", "缺席"]},
        months={1: absent, 2: absent[:5] + [MemberMonth("2026-10", 2, 0, 1)]})
    assert [(f.rule, f.target.get("id")) for f in found] == [
        ("probation_ending", 3), ("absent_streak", 1), ("inactive", 1)]
    assert "最近 6 个有会议的月份（2026年5月至10月）" in found[2].message
    assert "请及时谈心谈话" in found[2].message


def test_branch_findings_from_plain_meetings_and_open_items():
    roll = [entry(i, f"党员{i}") for i in range(1, 8)]
    decisive = [(DecisiveMeeting(11, GENERAL, date(2026, 5, 1), False, []),
                 quorum.VotingCounts(7, 3)),
                (DecisiveMeeting(12, COMMITTEE, date(2026, 6, 1), False, []),
                 quorum.VotingCounts(3, 2))]
    items = [OpenRectification("学习不够深入", "甲", "2026-10-31", 11, "2026-02-01"),
             OpenRectification("制度不健全", "", "2026-12-05", 11, "2026-02-01"),
             OpenRectification("明年再说", "", "2027-01-10", 11, "2026-02-01")]
    found = rules.check_branch(2026, AS_OF, CONF, roll, seats=[CommitteeSeat(1, 1, "书记")],
                               grades={1: ("优秀", ""), 2: ("优秀", ""), 3: ("合格", "")},
                               decisive=decisive, open_items=items)
    assert [f.rule for f in found] == ["committee_required", "excellent_ratio", "quorum",
                                       "rectification_overdue", "rectification_due"]
    assert found[2].target["id"] == 11


def test_monthly_rates_from_month_totals():
    rates, activities, year = rules.monthly_rates([MonthTotals(1, 10, 8, 2),
                                                   MonthTotals(3, 0, 0, 1)])
    assert rates[0] == 0.8 and rates[1] is None and rates[2] is None
    assert activities[:3] == [2, 0, 1] and year == 0.8
