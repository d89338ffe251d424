from datetime import date

import pytest

from branchdesk.core import branch, idcard, members
from branchdesk.core.errors import InUseError, ValidationError
from branchdesk.core.members import Member

ID_1 = "11010519491231002X"  # published example, female, born 1949-12-31
TODAY = date(2026, 11, 29)


def add(db, **kw):
    kw.setdefault("name", "张三")
    return members.add(db, Member(**kw), today=TODAY)


def test_id_number_fills_birth_date_and_sex(fresh_db):
    m = add(fresh_db, id_number=ID_1.lower())
    assert m.id_number == ID_1
    assert m.birth_date == "1949-12-31"
    assert m.gender == "女"


def test_mismatching_birth_date_and_sex_are_warnings_not_errors():
    _, issues = members.prepare(Member(name="李四", id_number=ID_1, birth_date="1950-01-01",
                                       gender="男"), TODAY)
    assert not issues.errors
    assert "身份证号" in issues.warnings["birth_date"]
    assert "身份证号为女" in issues.warnings["gender"]


@pytest.mark.parametrize("number, reason", [
    ("110105194912310021", "校验位"),
    ("1101051949123", "18位"),
    ("110105194902300028", "出生日期"),
    (1.10105194912310e17, "Excel"),
])
def test_bad_id_numbers_are_field_errors(number, reason):
    _, issues = members.prepare(Member(name="王五", id_number=number), TODAY)
    assert reason in issues.errors["id_number"]


def test_dates_in_typed_forms_are_stored_as_iso(fresh_db):
    m = add(fresh_db, join_date="2001.7", full_date="2002年7月1日", birth_date="19800315")
    assert (m.join_date, m.full_date, m.birth_date) == ("2001-07-01", "2002-07-01", "1980-03-15")


def test_full_date_before_join_date_is_an_error():
    _, issues = members.prepare(Member(name="甲", join_date="2005-01-01", full_date="2004-01-01"),
                                TODAY)
    assert "不能早于入党日期" in issues.errors["full_date"]


def test_probationary_member_must_not_have_full_date():
    _, issues = members.prepare(Member(name="甲", category="预备党员", join_date="2026-01-01",
                                       full_date="2026-10-01"), TODAY)
    assert "预备党员不应有转正日期" in issues.errors["full_date"]


def test_future_join_date_and_unreadable_date():
    _, issues = members.prepare(Member(name="甲", join_date="2030-01-01", birth_date="明年"), TODAY)
    assert "不能晚于今天" in issues.errors["join_date"]
    assert "无法识别" in issues.errors["birth_date"]


@pytest.mark.parametrize("phone, ok", [("13800000000", True), ("010-12345678", True),
                                       ("0571 8765 4321", True), ("1380000", True),
                                       ("12345", False), ("138000000001", False)])
def test_phone_format(phone, ok):
    _, issues = members.prepare(Member(name="甲", phone=phone), TODAY)
    assert ("phone" not in issues.errors) == ok


def test_validation_error_keeps_nothing_half_written(fresh_db):
    with pytest.raises(ValidationError) as info:
        add(fresh_db, name="", phone="12")
    assert set(info.value.fields) == {"name", "phone"}
    assert members.count(fresh_db) == 0


def test_duplicate_id_number_refused(fresh_db):
    add(fresh_db, id_number=ID_1)
    with pytest.raises(ValidationError, match="已属于名册中的“张三”"):
        add(fresh_db, name="李四", id_number=ID_1)


def test_search_by_name_initials_and_full_pinyin(fresh_db):
    for name in ("张三", "李四", "曾红", "张珊珊"):
        add(fresh_db, name=name)
    assert [m.name for m in members.search(fresh_db, "zs")] == ["张三", "张珊珊"]
    assert [m.name for m in members.search(fresh_db, "lisi")] == ["李四"]
    assert [m.name for m in members.search(fresh_db, "李")] == ["李四"]
    assert [m.name for m in members.search(fresh_db, "zh")] == ["张三", "曾红", "张珊珊"]
    assert [m.name for m in members.search(fresh_db, "ch")] == ["曾红"]  # 曾 also reads ceng


def test_status_change_keeps_member_and_history(fresh_db):
    m = add(fresh_db, join_date="2000-01-01")
    members.change_status(fresh_db, m.id, "转出", date(2026, 6, 30), "调往其他单位")
    after = members.get(fresh_db, m.id)
    assert after.status == "转出" and after.left_date == "2026-06-30"
    assert members.list_members(fresh_db) == []
    assert [x.name for x in members.list_members(fresh_db, include_left=True)] == ["张三"]
    assert members.history(fresh_db, m.id)[0]["reason"] == "调往其他单位"
    with pytest.raises(ValidationError):
        members.change_status(fresh_db, m.id, "去世", date(2026, 7, 1))


def test_transfer_back_in_restores_roll(fresh_db):
    m = add(fresh_db, join_date="2000-01-01")
    members.change_status(fresh_db, m.id, "转出", date(2020, 1, 1))
    members.change_status(fresh_db, m.id, "转入", date(2022, 1, 1))
    on_roll = lambda d: [e.member.name for e in members.roll_as_of(fresh_db, d)]  # noqa: E731
    assert on_roll(date(2019, 12, 31)) == ["张三"]
    assert on_roll(date(2021, 1, 1)) == []
    assert on_roll(date(2022, 1, 1)) == ["张三"]


def test_promotion_to_full_member_recorded(fresh_db):
    m = add(fresh_db, category="预备党员", join_date="2025-10-01")
    members.change_status(fresh_db, m.id, "转正", date(2026, 10, 1), "支部大会讨论通过")
    after = members.get(fresh_db, m.id)
    assert (after.category, after.full_date) == ("正式党员", "2026-10-01")
    categories = {e.member.id: e.category for e in members.roll_as_of(fresh_db, date(2026, 9, 1))}
    assert categories[m.id] == "预备党员"


def test_group_change_is_history_and_roll_as_of_date_follows_it(fresh_db):
    one, two = branch.ensure_group(fresh_db, "一组"), branch.ensure_group(fresh_db, "二组")
    m = add(fresh_db, group_id=one, join_date="2000-01-01")
    m.group_id = two
    members.update(fresh_db, m, effective=date(2026, 5, 1), today=TODAY)
    groups = lambda d: members.roll_as_of(fresh_db, d)[0].group_id  # noqa: E731
    assert groups(date(2026, 4, 30)) == one
    assert groups(date(2026, 5, 1)) == two
    assert members.history(fresh_db, m.id)[-1]["kind"] == "调整党小组"


def test_member_joining_later_not_on_roll_before(fresh_db):
    add(fresh_db, name="新人", join_date="2020-01-01", branch_join_date="2026-04-10")
    assert members.roll_as_of(fresh_db, date(2026, 4, 9)) == []
    assert len(members.roll_as_of(fresh_db, date(2026, 4, 10))) == 1


def test_delete_refused_when_referenced(fresh_db):
    m = add(fresh_db)
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, m.id, "书记")])
    with pytest.raises(InUseError, match="不能删除"):
        members.delete(fresh_db, m.id)
    assert members.count(fresh_db) == 1


def test_delete_unreferenced_member(fresh_db):
    m = add(fresh_db)
    members.delete(fresh_db, m.id)
    assert members.count(fresh_db) == 0


def test_committee_change_keeps_past_committee(fresh_db):
    a, b = add(fresh_db, name="甲"), add(fresh_db, name="乙")
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, a.id, "书记")])
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, b.id, "书记")], date(2026, 3, 1))
    assert [s.member_name for s in branch.committee(fresh_db, date(2026, 2, 28))] == ["甲"]
    assert [s.member_name for s in branch.committee(fresh_db, date(2026, 3, 1))] == ["乙"]


def test_groups_rename_and_refuse_deleting_used_group(fresh_db):
    branch.save_groups(fresh_db, ["一组", "二组"])
    g2 = branch.groups(fresh_db)[1].id
    add(fresh_db, group_id=g2)
    ids = [g.id for g in branch.groups(fresh_db)]
    branch.save_groups(fresh_db, [(ids[1], "第二小组"), (ids[0], "第一小组")])
    assert [g.name for g in branch.groups(fresh_db)] == ["第二小组", "第一小组"]
    assert members.get(fresh_db, members.list_members(fresh_db)[0].id).group_name == "第二小组"
    branch.save_groups(fresh_db, ["第二小组", "新小组"])  # plain names: matched by name
    assert [g.name for g in branch.groups(fresh_db)] == ["第二小组", "新小组"]
    with pytest.raises(Exception, match="还有党员"):
        branch.save_groups(fresh_db, ["新小组"])
    assert len(branch.groups(fresh_db)) == 2


def test_demo_branch_is_valid(tmp_path):
    from branchdesk.core import demo, meetings

    db = demo.create_demo(tmp_path / "demo.sqlite3", today=TODAY)
    roll = members.list_members(db)
    assert 30 <= len(roll) <= 40
    assert all(idcard.parse(m.id_number) for m in roll)
    assert len(branch.groups(db)) == 3
    assert len(meetings.list_meetings(db, year=2026)) > 40


def test_member_who_leaves_also_leaves_the_committee(fresh_db):
    a = add(fresh_db, name="甲", join_date="2000-01-01")
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, a.id, "组织委员")])
    members.change_status(fresh_db, a.id, "转出", date(2026, 6, 30))
    assert branch.committee_roles(fresh_db) == {}
    assert [s.member_name for s in branch.committee(fresh_db, date(2026, 6, 29))] == ["甲"]
    assert branch.committee(fresh_db, date(2026, 6, 30)) == []
