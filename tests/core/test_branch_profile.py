"""支部基本情况 saved with its 党小组 and committee: the rules the profile dialog relies on.
All names are fictional."""

from datetime import date

import pytest

from branchdesk.core import branch, members, settings
from branchdesk.core.branch import CommitteeSeat, Profile
from branchdesk.core.errors import InUseError, ValidationError

TODAY = date(2026, 5, 17)


def test_the_first_run_stores_the_profile_and_starts_checking_this_month(fresh_db):
    branch.save_profile(fresh_db, Profile(" 测试单位第一党支部 ", " 测试一支部 ",
                                          " 中共测试单位委员会 ", term_start=date(2024, 12, 20)),
                        [(None, "第一党小组"), (None, "第二党小组")], first_run=True, today=TODAY)
    values = settings.get_all(fresh_db)
    assert (values["branch_name"], values["parent_org"], values["term_start"]) == \
        ("测试单位第一党支部", "中共测试单位委员会", "2024-12-20")
    assert values["setup_done"] and values["records_start"] == "2026-05-01"
    assert branch.title_name(fresh_db) == "测试一支部"
    assert [g.name for g in branch.groups(fresh_db)] == ["第一党小组", "第二党小组"]


def test_a_later_edit_or_a_chosen_start_keeps_the_start_of_checking(fresh_db):
    branch.save_profile(fresh_db, Profile("某支部"), [], today=TODAY)
    assert settings.get(fresh_db, "records_start") == ""
    settings.put(fresh_db, {"records_start": "2025-01-01"})
    branch.save_profile(fresh_db, Profile("某支部"), [], first_run=True, today=TODAY)
    assert settings.get(fresh_db, "records_start") == "2025-01-01"


def test_the_name_is_required_and_nothing_is_written_without_it(fresh_db):
    with pytest.raises(ValidationError) as err:
        branch.save_profile(fresh_db, Profile("  ", parent_org="中共测试单位委员会"),
                            [(None, "第一党小组")])
    assert err.value.fields == {"branch_name": "请填写支部名称"}
    assert settings.get(fresh_db, "parent_org") == "" and branch.groups(fresh_db) == []


def test_the_secretary_is_the_member_in_the_secretary_seat_unless_typed(fresh_db):
    a = members.add(fresh_db, members.Member(name="甲"))
    b = members.add(fresh_db, members.Member(name="乙"))
    seats = [CommitteeSeat(None, b.id, "组织委员"), CommitteeSeat(None, a.id, "书记")]
    branch.save_profile(fresh_db, Profile("某支部"), [], seats, effective=TODAY)
    assert settings.get(fresh_db, "secretary_name") == "甲"
    branch.save_profile(fresh_db, Profile("某支部", secretary_name="丙"), [], seats)
    assert settings.get(fresh_db, "secretary_name") == "丙"


def test_the_first_committee_is_undated_and_a_change_takes_effect_on_its_day(fresh_db):
    a = members.add(fresh_db, members.Member(name="甲"))
    b = members.add(fresh_db, members.Member(name="乙"))
    branch.save_profile(fresh_db, Profile("某支部"), [], [CommitteeSeat(None, a.id, "书记")],
                        effective=TODAY)
    assert [(s.member_name, s.start_date) for s in branch.committee(fresh_db)] == [("甲", None)]
    branch.save_profile(fresh_db, Profile("某支部"), [], [CommitteeSeat(None, b.id, "书记")],
                        effective=TODAY)
    assert [(s.member_name, s.start_date, s.end_date) for s in branch.committee(fresh_db)] == \
        [("乙", "2026-05-17", None), ("甲", None, "2026-05-16")]
    assert branch.secretary_seat(fresh_db, date(2026, 5, 1)).member_id == a.id
    assert branch.secretary_seat(fresh_db, TODAY).member_id == b.id


def test_a_change_without_a_date_closes_the_old_seat_today_and_keeps_its_history(fresh_db):
    a = members.add(fresh_db, members.Member(name="甲"))
    b = members.add(fresh_db, members.Member(name="乙"))
    branch.save_profile(fresh_db, Profile("某支部"), [], [CommitteeSeat(None, a.id, "书记")])
    branch.save_profile(fresh_db, Profile("某支部"), [], [CommitteeSeat(None, b.id, "书记")],
                        effective=None, today=TODAY)
    assert [(s.member_name, s.start_date, s.end_date) for s in branch.committee(fresh_db)] == \
        [("乙", "2026-05-17", None), ("甲", None, "2026-05-16")]
    assert branch.secretary_seat(fresh_db, date(2026, 1, 5)).member_id == a.id


def test_no_seats_leaves_the_committee_alone(fresh_db):
    a = members.add(fresh_db, members.Member(name="甲"))
    branch.save_committee(fresh_db, [CommitteeSeat(None, a.id, "书记")])
    branch.save_profile(fresh_db, Profile("某支部"), [], None)
    assert [s.member_name for s in branch.committee(fresh_db)] == ["甲"]


def test_a_refused_group_change_writes_nothing_at_all(fresh_db):
    branch.save_groups(fresh_db, ["第一党小组"])
    members.add(fresh_db, members.Member(name="甲", group_id=branch.groups(fresh_db)[0].id))
    with pytest.raises(InUseError):
        branch.save_profile(fresh_db, Profile("新名字"), [], first_run=True, today=TODAY)
    assert settings.get(fresh_db, "branch_name") == "" and settings.get(fresh_db, "records_start") == ""
    assert [g.name for g in branch.groups(fresh_db)] == ["第一党小组"]
