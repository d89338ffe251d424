from datetime import date

import pytest

from branchdesk.core import meetings, members, rules
from branchdesk.core.errors import ValidationError


def theme_day(db, on, period="", topics=("重温入党誓词",)):
    m = meetings.Meeting(kind=meetings.THEME_DAY, date=on, period=period, topics=list(topics),
                         activity_form="集中学习", organiser="支部委员会", outcome="增强了党性意识")
    m.attendance = meetings.default_attendance(db, meetings.THEME_DAY, date.fromisoformat(on))
    return meetings.save(db, m, today=date.fromisoformat(on))


@pytest.fixture
def db(fresh_db):
    for name in ("甲", "乙", "丙"):
        members.add(fresh_db, members.Member(name=name, join_date="2000-01-01"))
    return fresh_db


def test_theme_day_counts_for_its_own_month_by_default(db):
    saved = theme_day(db, "2026-03-15")
    assert saved.period == "2026-03"
    assert (saved.activity_form, saved.organiser, saved.outcome) == ("集中学习", "支部委员会", "增强了党性意识")
    assert saved.counts.expected == 3  # attendance exactly as for a 党员大会


def test_theme_day_held_early_next_month_can_count_for_previous_month(db):
    theme_day(db, "2026-04-02", period="2026-03")
    grid = rules.report(db, 2026, date(2026, 4, 30)).grid
    cells = next(r for r in grid if r.activity == "主题党日").cells
    assert cells[2].status == rules.DONE  # March
    assert cells[3].status == rules.DUE  # April still open, although a theme day was held in it


def test_december_theme_day_held_in_january_counts_for_last_year(db):
    theme_day(db, "2027-01-05", period="2026-12")
    cells = next(r for r in rules.report(db, 2026, date(2027, 1, 10)).grid if r.activity == "主题党日").cells
    assert cells[11].status == rules.DONE


def test_theme_day_needs_a_theme_and_a_valid_month(db):
    with pytest.raises(ValidationError) as info:
        theme_day(db, "2026-03-15", topics=())
    assert "topics" in info.value.fields
    with pytest.raises(ValidationError) as info:
        theme_day(db, "2026-03-15", period="2026-13")
    assert "period" in info.value.fields


def test_theme_days_are_kept_apart_from_meetings(db):
    theme_day(db, "2026-03-15")
    assert meetings.list_meetings(db, kinds=meetings.MEETING_KINDS) == []
    assert len(meetings.list_meetings(db, kinds=(meetings.THEME_DAY,))) == 1


def test_theme_days_by_month_follows_the_counted_month(db):
    theme_day(db, "2026-04-03", "2026-03", topics=("重温入党誓词",))
    theme_day(db, "2026-04-15", topics=("参观纪念馆",))
    theme_day(db, "2025-12-20", topics=("年度总结",))
    assert meetings.theme_days_by_month(db, 2026) == {3: ["重温入党誓词"], 4: ["参观纪念馆"]}
    assert meetings.theme_days_by_month(db, 2025) == {12: ["年度总结"]}
