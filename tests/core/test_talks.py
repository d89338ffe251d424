from datetime import date

import pytest

from branchdesk.core import branch, members, settings, talks
from branchdesk.core.errors import ValidationError
from branchdesk.core.members import Member

TODAY = date(2026, 11, 29)


@pytest.fixture
def people(fresh_db):
    made = {name: members.add(fresh_db, Member(name=name, join_date="2000-01-01"), today=TODAY)
            for name in ("书记甲", "委员乙", "党员丙", "党员丁")}
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, made["书记甲"].id, "书记"),
                                     branch.CommitteeSeat(None, made["委员乙"].id, "组织委员")])
    return {k: v.id for k, v in made.items()}


def talk(db, talker, targets, on="2026-03-01", **kw):
    return talks.save(db, talks.Talk(date=on, talker_id=talker, target_ids=targets, **kw),
                      today=date.fromisoformat(on))


def test_save_and_reload_talk_with_several_targets(fresh_db, people):
    saved = talk(fresh_db, people["书记甲"], [people["党员丙"], people["党员丁"]],
                 form="集体谈话", occasion="组织生活会前", topic="征求意见", content="内容要点",
                 feedback="希望多组织学习", follow_up="纳入计划", followed_up=True)
    again = talks.get(fresh_db, saved.id)
    assert again.target_names == ["党员丙", "党员丁"]
    assert again.talker_name == "书记甲"
    assert (again.form, again.occasion, again.followed_up, again.late_entry) == (
        "集体谈话", "组织生活会前", True, False)


def test_outside_talker_by_name(fresh_db, people):
    saved = talks.save(fresh_db, talks.Talk(date="2026-05-01", talker_name=" 上级党委副书记 ",
                                            target_ids=[people["书记甲"]]), today=TODAY)
    assert talks.get(fresh_db, saved.id).talker_name == "上级党委副书记"
    assert saved.late_entry  # entered long after


@pytest.mark.parametrize("kw, field", [({"date": ""}, "date"), ({"talker_id": None}, "talker"),
                                       ({"target_ids": []}, "targets")])
def test_validation(fresh_db, people, kw, field):
    values = {"date": "2026-03-01", "talker_id": people["书记甲"], "target_ids": [people["党员丙"]]}
    values.update(kw)
    with pytest.raises(ValidationError) as info:
        talks.save(fresh_db, talks.Talk(**values))
    assert field in info.value.fields


def test_talker_cannot_talk_to_self(fresh_db, people):
    with pytest.raises(ValidationError, match="不能同时是谈话对象"):
        talk(fresh_db, people["书记甲"], [people["书记甲"]])


def test_coverage_gaps_and_committee_pairs(fresh_db, people):
    talk(fresh_db, people["书记甲"], [people["党员丙"]])
    cv = talks.coverage(fresh_db, 2026, TODAY)
    assert [n for _, n in cv.members_without_committee_talk()] == ["党员丁"]
    assert [(a[1], b[1]) for a, b in cv.committee_pairs_missing()] == [("书记甲", "委员乙")]
    talk(fresh_db, people["党员丁"], [people["委员乙"]])  # a member may start the talk
    talk(fresh_db, people["委员乙"], [people["书记甲"]])
    cv = talks.coverage(fresh_db, 2026, TODAY)
    assert cv.members_without_committee_talk() == [] and cv.committee_pairs_missing() == []
    assert cv.count(people["党员丙"], people["书记甲"]) == 1
    assert cv.count(people["党员丙"], people["委员乙"]) == 0


def test_talks_of_other_years_do_not_count(fresh_db, people):
    talk(fresh_db, people["书记甲"], [people["党员丙"]], on="2025-12-31")
    cv = talks.coverage(fresh_db, 2026, TODAY)
    assert (people["党员丙"], "党员丙") in cv.members_without_committee_talk()


def test_member_joining_mid_year_is_expected_and_leaver_is_not(fresh_db, people):
    newcomer = members.add(fresh_db, Member(name="新转入", join_date="2010-01-01",
                                            branch_join_date="2026-09-01"), today=TODAY)
    members.change_status(fresh_db, people["党员丁"], "转出", date(2026, 6, 30))
    names = [n for _, n in talks.coverage(fresh_db, 2026, TODAY).members_without_committee_talk()]
    assert "新转入" in names and "党员丁" not in names
    assert newcomer.id


def test_committee_change_mid_year(fresh_db, people):
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, people["书记甲"], "书记"),
                                     branch.CommitteeSeat(None, people["党员丙"], "宣传委员")],
                          date(2026, 7, 1))
    cv = talks.coverage(fresh_db, 2026, TODAY)
    assert [n for _, n in cv.committee] == ["书记甲", "党员丙"]
    assert "委员乙" in [n for _, n in cv.members]
    assert cv.committee_pairs_missing() == [((people["书记甲"], "书记甲"), (people["党员丙"], "党员丙"))]


def test_past_year_uses_year_end(fresh_db, people):
    cv = talks.coverage(fresh_db, 2025)
    assert cv.as_of == date(2025, 12, 31)


def test_search_by_target_name(fresh_db, people):
    talk(fresh_db, people["书记甲"], [people["党员丙"]], topic="谈心")
    talk(fresh_db, people["书记甲"], [people["党员丁"]], topic="提醒")
    assert [t.topic for t in talks.list_talks(fresh_db, text="党员丁")] == ["提醒"]
    assert len(talks.list_talks(fresh_db, year=2026)) == 2


def test_late_entry_threshold_setting(fresh_db, people):
    settings.put(fresh_db, {"late_entry_days": 10})
    on_time = talks.save(fresh_db, talks.Talk(date="2026-03-01", talker_id=people["书记甲"],
                                              target_ids=[people["党员丙"]]), today=date(2026, 3, 11))
    late = talks.save(fresh_db, talks.Talk(date="2026-03-01", talker_id=people["书记甲"],
                                           target_ids=[people["党员丁"]]), today=date(2026, 3, 12))
    assert not on_time.late_entry and late.late_entry


def test_each_talk_keeps_its_own_targets_among_many(fresh_db, people):
    first = talk(fresh_db, people["书记甲"], [people["党员丙"]], on="2025-03-01")
    second = talk(fresh_db, people["委员乙"], [people["党员丁"], people["党员丙"]], form="集体谈话")
    assert talks.get(fresh_db, first.id).target_names == ["党员丙"]
    assert talks.get(fresh_db, second.id).target_names == ["党员丙", "党员丁"]
    assert [t.target_names for t in talks.list_talks(fresh_db, year=2026, text="委员乙")] == [
        ["党员丙", "党员丁"]]
    assert [t.id for t in talks.list_talks(fresh_db, year=2025)] == [first.id]


def test_an_individual_talk_has_one_target(fresh_db, people):
    with pytest.raises(ValidationError) as err:
        talk(fresh_db, people["书记甲"], [people["党员丙"], people["党员丁"]], form="个别谈话")
    assert "集体谈话" in err.value.fields["targets"]
