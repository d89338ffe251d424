"""发展党员 (core/recruitment.py): the 25 steps, their time rules at the boundaries, the transfer
to the roll, withdrawal, and that pipeline people are never members."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from branchdesk.core import driver  # the app's SQLite errors (not sqlite3's)
from branchdesk.core import attachments, idcard, meetings, members, recruitment as rc, rules, settings
from branchdesk.core.errors import InUseError, ValidationError
from branchdesk.core.recruitment import Entry, Person, Recruit, StepRecord

TODAY = date(2026, 11, 30)


def _id(birth: str, serial: str = "123") -> str:
    return idcard.make_valid(f"110105{birth}{serial}")


@pytest.fixture
def branch(fresh_db):
    """Three 正式党员 who joined long ago, able to be 培养联系人 and 入党介绍人."""
    ids = [members.add(fresh_db, members.Member(name=n, join_date="2000-07-01"), today=TODAY).id
           for n in ("张建国", "李红梅", "王志强")]
    return fresh_db, ids


def _applicant(db, applied="2025-01-10", name="赵晓明", birth="19980312"):
    return rc.add(db, Recruit(name=name, id_number=_id(birth), phone="13800001234"), applied,
                  today=TODAY)


def _conf(db):
    return settings.get_all(db)


def _step(db, r, n, on, **kw):
    return rc.record_step(db, r.id, StepRecord(n, on, **kw), today=TODAY)


def _through_meeting(db, ids, r, meeting="2026-06-20"):
    """Steps 2–16 on plausible dates, the 支部大会 on ``meeting``."""
    for n, on in ((2, "2025-01-20"), (3, "2025-03-01"), (4, "2025-03-05")):
        r = _step(db, r, n, on)
    r = _step(db, r, 5, "2025-03-05", people=[Person("", ids[0])])
    rc.add_entry(db, r.id, Entry("考察", "2025-09-01"), today=TODAY)
    for n, on in ((7, "2026-03-01"), (8, "2026-03-05")):
        r = _step(db, r, n, on)
    r = _step(db, r, 9, "2026-03-05", people=[Person("", ids[1]), Person("", ids[2])])
    r = _step(db, r, 10, "2026-04-01")
    r = _step(db, r, 11, "2026-04-10", end_date="2026-04-12")
    for n, on in ((12, "2026-05-10"), (13, "2026-05-20"), (14, "2026-06-01")):
        r = _step(db, r, n, on)
    rc.add_entry(db, r.id, Entry("公示", "2026-06-05", "2026-06-11"), today=TODAY)
    r = _step(db, r, 15, meeting, voters=3, present=3, ayes=3)
    return _step(db, r, 16, "2026-07-01")


def _rules(people, as_of, db):
    return {f.rule for f in rc.check(people, _conf(db), as_of)}


# ---------------------------------------------------------------- records and validation

def test_applicant_is_validated_like_the_roll(branch):
    db, _ = branch
    with pytest.raises(ValidationError) as err:
        good = _id("19980312", "777")
        bad = good[:17] + ("1" if good[17] != "1" else "2")
        rc.add(db, Recruit(name="钱某", id_number=bad), "2025-01-10", today=TODAY)
    assert "校验位" in err.value.fields["id_number"]
    with pytest.raises(ValidationError) as err:
        rc.add(db, Recruit(name="钱某", phone="12345"), "2025-01-10", today=TODAY)
    assert "phone" in err.value.fields
    r = _applicant(db)
    assert r.birth_date == "1998-03-12" and r.gender == "男"  # from the ID, as on the roll


def test_applicant_under_eighteen_at_the_application_is_refused(branch):
    db, _ = branch
    with pytest.raises(ValidationError) as err:
        _applicant(db, applied="2016-03-11", birth="19980312")
    assert "未满18周岁" in err.value.fields["birth_date"]
    assert _applicant(db, applied="2016-03-12", birth="19980312").id  # the 18th birthday


def test_id_number_already_on_the_roll_is_refused(branch):
    db, _ = branch
    members.add(db, members.Member(name="孙丽", id_number=_id("19900101", "222"),
                                   join_date="2015-01-01"), today=TODAY)
    with pytest.raises(ValidationError) as err:
        rc.add(db, Recruit(name="孙丽", id_number=_id("19900101", "222")), "2025-01-01", today=TODAY)
    assert "党员名册" in err.value.fields["id_number"]


def test_future_and_pre_application_dates_are_refused(branch):
    db, _ = branch
    r = _applicant(db)
    with pytest.raises(ValidationError):
        _step(db, r, 2, "2026-12-01")
    with pytest.raises(ValidationError) as err:
        _step(db, r, 2, "2025-01-09")
    assert "早于递交入党申请书" in err.value.fields["date"]


# ---------------------------------------------------------------- 谈话 within one month

def test_talk_is_due_within_thirty_days_of_the_application(branch):
    db, _ = branch
    r = _applicant(db, applied="2026-01-01")
    conf = _conf(db)
    assert rc.obligations(r, conf)[0].due == date(2026, 1, 31)
    assert "recruit_talk" not in _rules([r], date(2026, 1, 31), db)  # day 30
    assert "recruit_talk" in _rules([r], date(2026, 2, 1), db)  # day 31
    assert rc.summary(r, conf, date(2026, 2, 1))["overdue"] is True
    r = _step(db, r, 2, "2026-01-31")
    assert "recruit_talk" not in _rules([r], date(2026, 3, 1), db)


def test_talk_days_is_a_setting(branch):
    db, _ = branch
    settings.put(db, {"recruit_talk_days": 10})
    r = _applicant(db, applied="2026-01-01")
    assert "recruit_talk" in _rules([r], date(2026, 1, 12), db)


# ---------------------------------------------------------------- 培养 one full year

def test_candidate_exactly_one_year_after_becoming_activist(branch):
    db, ids = branch
    r = _step(db, _applicant(db), 3, "2025-03-01")
    assert "recruit_year" not in _rules([r], date(2026, 2, 28), db)
    assert "recruit_year" in _rules([r], date(2026, 3, 1), db)
    with pytest.raises(ValidationError) as err:
        _step(db, r, 7, "2026-02-28")
    assert "2026-03-01" in err.value.fields["date"]
    r = _step(db, r, 7, "2026-03-01")
    assert rc.stage(r) == "发展对象"


# ---------------------------------------------------------------- 考察 every six months, reports

def test_review_every_six_months_from_the_last(branch):
    db, _ = branch
    r = _step(db, _step(db, _applicant(db), 2, "2025-01-20"), 3, "2025-03-01")
    assert "recruit_review" not in _rules([r], date(2025, 9, 1), db)
    assert "recruit_review" in _rules([r], date(2025, 9, 2), db)
    rc.add_entry(db, r.id, Entry("考察", "2025-08-20"), today=TODAY)
    r = rc.get(db, r.id)
    assert "recruit_review" not in _rules([r], date(2026, 2, 20), db)
    assert "recruit_review" in _rules([r], date(2026, 2, 21), db)
    assert r.on(rc.REVIEWS) == date(2025, 8, 20)  # step 6 done with the first 考察


def test_thought_reports_quarterly(branch):
    db, _ = branch
    r = _step(db, _step(db, _applicant(db), 2, "2025-01-20"), 3, "2025-03-01")
    assert "recruit_report" not in _rules([r], date(2025, 6, 1), db)
    assert "recruit_report" in _rules([r], date(2025, 6, 2), db)
    rc.add_entry(db, r.id, Entry("思想汇报", "2025-05-28"), today=TODAY)
    assert "recruit_report" not in _rules([rc.get(db, r.id)], date(2025, 8, 28), db)


# ---------------------------------------------------------------- 支部大会 and 审批

def test_general_meeting_needs_quorum_and_majority_of_voters(branch):
    db, ids = branch
    r = _applicant(db)
    with pytest.raises(ValidationError) as err:
        _step(db, r, 15, "2026-06-20", voters=10, present=6, ayes=5)
    assert "未超过" in err.value.fields["ayes"]
    with pytest.raises(ValidationError) as err:
        _step(db, r, 15, "2026-06-20", voters=10, present=5, ayes=5)
    assert "present" in err.value.fields


def test_approval_due_three_months_after_the_meeting(branch):
    db, ids = branch
    r = _through_meeting(db, ids, _applicant(db))
    assert rc.stage(r) == "待审批"
    found = {f.rule: f for f in rc.check([r], _conf(db), date(2026, 9, 20))}
    assert found["recruit_approval"].severity == rules.DUE
    assert found["recruit_approval"].due == "2026-09-20"
    found = {f.rule: f for f in rc.check([r], _conf(db), date(2026, 9, 21))}
    assert found["recruit_approval"].severity == rules.MISSING
    r = rc.extend_approval(db, r.id, date(2026, 9, 1), "党委换届")
    found = {f.rule: f for f in rc.check([r], _conf(db), date(2026, 9, 21))}
    assert found["recruit_approval"].severity == rules.DUE
    assert found["recruit_approval"].due == "2026-12-20"  # six months at most


def test_training_and_publicity_missing_before_the_meeting(branch):
    db, ids = branch
    r = _applicant(db)
    for n, on in ((2, "2025-01-20"), (3, "2025-03-01"), (7, "2026-03-01"), (10, "2026-04-01")):
        r = _step(db, r, n, on)
    assert "recruit_training" in _rules([r], date(2026, 5, 1), db)
    r = _step(db, r, 11, "2026-04-10", end_date="2026-04-11", hours=16)  # 2 days, 16 学时
    assert "recruit_training" in _rules([r], date(2026, 5, 1), db)
    r = _step(db, r, 11, "2026-04-10", end_date="2026-04-11", hours=24)
    assert "recruit_training" not in _rules([r], date(2026, 5, 1), db)
    r = _step(db, r, 11, "2026-04-10", end_date="2026-04-12")  # 3 days
    assert "recruit_training" not in _rules([r], date(2026, 5, 1), db)
    r = _step(db, r, 13, "2026-05-20")
    assert "recruit_publicity" in _rules([r], date(2026, 5, 21), db)
    settings.put(db, {"recruit_publicity": False})
    assert "recruit_publicity" not in _rules([r], date(2026, 5, 21), db)


def test_steps_out_of_order(branch):
    db, ids = branch
    r = _applicant(db)
    for n, on in ((3, "2025-03-01"), (7, "2026-03-01"), (10, "2026-07-01")):
        r = _step(db, r, n, on)
    r = _step(db, r, 15, "2026-06-20", voters=3, present=3, ayes=2)
    problems = rc.order_problems(r)
    assert any("支部大会讨论（第15步，2026-06-20）早于进行政治审查" in p for p in problems)
    assert any("没有确定入党介绍人" in p for p in problems)
    assert "recruit_order" in _rules([r], TODAY, db)


# ---------------------------------------------------------------- admission

def test_admission_puts_the_person_on_the_roll_in_one_step(branch):
    db, ids = branch
    r = _through_meeting(db, ids, _applicant(db))
    with pytest.raises(ValidationError):
        rc.admit(db, r.id)  # not yet approved
    assert len(members.list_members(db)) == 3
    r = _step(db, r, 17, "2026-08-15")
    m = rc.admit(db, r.id, today=TODAY)
    assert (m.category, m.join_date, m.introducers) == ("预备党员", "2026-06-20", "李红梅、王志强")
    assert m.id_number == r.id_number and m.phone == "13800001234"
    assert members.probation_ends(db, [m])[m.id] == date(2027, 6, 20)
    r = rc.get(db, r.id)
    assert (r.status, r.member_id, rc.stage(r)) == (rc.ADMITTED, m.id, "预备党员")
    assert r.probation_end == "2027-06-20"
    assert r.on(19) == date(2026, 8, 15)  # 编入党支部 recorded with the admission
    assert rc.obligations(r, _conf(db))[0].step == 18
    assert rc.history(db, r.id)[-1]["kind"] == "接收为预备党员"
    with pytest.raises(ValidationError):
        rc.admit(db, r.id)


def test_failed_admission_leaves_nothing_half_written(branch, monkeypatch):
    db, ids = branch
    r = _step(db, _through_meeting(db, ids, _applicant(db)), 17, "2026-08-15")

    def broken(*args, **kwargs):
        raise driver.OperationalError("disk I/O error")

    monkeypatch.setattr(rc, "_add_history", broken)
    with pytest.raises(driver.OperationalError):
        rc.admit(db, r.id, today=TODAY)
    assert len(members.list_members(db)) == 3
    assert rc.get(db, r.id).status == rc.ACTIVE


def test_full_membership_on_the_roll_completes_the_record(branch):
    db, ids = branch
    r = _step(db, _through_meeting(db, ids, _applicant(db)), 17, "2026-08-15")
    m = rc.admit(db, r.id, today=TODAY)
    members.change_status(db, m.id, "转正", date(2026, 11, 20))
    r = rc.get(db, r.id)
    assert rc.stage(r) == "正式党员" and r.on(24) == date(2026, 11, 20)
    assert rc.obligations(r, _conf(db)) == []


# ---------------------------------------------------------------- withdrawal, pause, history

def test_withdrawal_and_pause_need_a_reason_and_stop_the_deadlines(branch):
    db, _ = branch
    r = _applicant(db, applied="2026-01-01")
    with pytest.raises(ValidationError):
        rc.pause(db, r.id, date(2026, 1, 5), "  ")
    r = rc.pause(db, r.id, date(2026, 1, 5), "外出务工半年")
    assert rc.stage(r) == "暂停" and rc.check([r], _conf(db), date(2026, 6, 1)) == []
    with pytest.raises(ValidationError):
        _step(db, r, 2, "2026-01-20")
    r = rc.resume(db, r.id, date(2026, 7, 1))
    r = rc.withdraw(db, r.id, date(2026, 8, 1), "本人撤回入党申请")
    assert rc.stage(r) == "终止" and rc.summary(r, _conf(db), TODAY)["next"] is None
    assert [h["kind"] for h in rc.history(db, r.id)] == ["递交入党申请书", "暂缓发展", "恢复培养",
                                                        "终止发展"]
    assert rc.get(db, r.id).name == "赵晓明"  # the record is kept


# ---------------------------------------------------------------- never a member

def test_pipeline_people_are_never_on_the_roll_counts_or_attendance(branch):
    db, ids = branch
    r = _through_meeting(db, ids, _applicant(db))
    _applicant(db, name="周婷", birth="20000101")
    assert [m.name for m in members.list_members(db, include_left=True)] == ["张建国", "李红梅", "王志强"]
    assert rules.member_counts(db, TODAY)["total"] == 3
    assert len(members.roll_as_of(db, TODAY)) == 3
    expected = meetings.default_attendance(db, meetings.GENERAL, date(2026, 11, 2))
    assert {a.member_id for a in expected} == set(ids)
    assert rc.get(db, r.id).member_id is None


# ---------------------------------------------------------------- people and documents

def test_introducers_are_two_full_members_on_the_roll_that_day(branch):
    db, ids = branch
    reserve = members.add(db, members.Member(name="吴预备", category="预备党员",
                                             join_date="2026-01-10"), today=TODAY)
    r = _applicant(db)
    with pytest.raises(ValidationError) as err:
        _step(db, r, 9, "2026-03-05", people=[Person("", ids[0])])
    assert "两名" in err.value.fields["people"]
    with pytest.raises(ValidationError) as err:
        _step(db, r, 9, "2026-03-05", people=[Person("", ids[0]), Person("", reserve.id)])
    assert "吴预备" in err.value.fields["people"]
    with pytest.raises(ValidationError):
        _step(db, r, 9, "2026-03-05", people=[Person("", ids[0]), Person("", ids[0])])


def test_documents_attach_to_a_step(branch, tmp_path):
    db, _ = branch
    r = _applicant(db)
    scan = tmp_path / "入党申请书.pdf"
    scan.write_bytes(b"%PDF-1.4 fictional")
    owner = rc.step_id(db, r.id, 1)
    attachments.add(db, rc.STEP_OWNER, owner, scan)
    assert [a.original_name for a in attachments.list_for(db, rc.STEP_OWNER, owner)] == ["入党申请书.pdf"]
    rc.delete(db, r.id)
    assert attachments.list_for(db, rc.STEP_OWNER, owner) == []


def test_admitted_person_cannot_be_deleted(branch):
    db, ids = branch
    r = _step(db, _through_meeting(db, ids, _applicant(db)), 17, "2026-08-15")
    rc.admit(db, r.id, today=TODAY)
    with pytest.raises(InUseError):
        rc.delete(db, r.id)


def test_summary_shape(branch):
    db, _ = branch
    r = _applicant(db, applied="2026-11-20")
    assert rc.summary(r, _conf(db), TODAY) == {
        "id": r.id, "name": "赵晓明", "stage": "入党申请人", "steps": {"1": "2026-11-20"},
        "next": {"step": 2, "name": "党组织派人谈话", "due": "2026-12-20"}, "overdue": False}


def test_report_lists_pipeline_findings(branch):
    db, _ = branch
    _applicant(db, applied="2026-01-01")
    report = rules.report(db, 2026, TODAY)
    assert any(f.rule == "recruit_talk" and f.target["record"] == "recruit" for f in report.findings)
    assert report.counts["total"] == 3


def test_a_schema_v4_file_migrates_and_keeps_its_rows(tmp_path):
    import shutil
    from pathlib import Path

    from branchdesk.core.db import open_db

    path = tmp_path / "branch.sqlite3"
    shutil.copyfile(Path(__file__).resolve().parent.parent / "fixtures" / "schema-v4.sqlite3", path)
    before = sqlite3.connect(path).execute("SELECT id, name FROM members ORDER BY id").fetchall()
    db = open_db(path)
    assert db.execute("SELECT id, name FROM members ORDER BY id").fetchall() == before
    assert rc.list_recruits(db) == []
    r = rc.add(db, Recruit(name="新申请人"), "2026-01-05", today=TODAY)
    assert rc.stage(r) == "入党申请人"
    db.close()


def test_demo_and_generated_branches_have_a_realistic_pipeline(tmp_path):
    from branchdesk.core import demo
    from testdata import fakedata

    for db in (demo.create_demo(tmp_path / "demo.sqlite3", today=TODAY),
               fakedata.create(tmp_path / "small.sqlite3", "small", today=TODAY)):
        people = rc.list_recruits(db)
        assert sorted(rc.stage(r) for r in people) == sorted(
            ["入党申请人", "入党申请人", "入党积极分子", "入党积极分子", "发展对象", "待审批"])
        found = {f.rule for f in rc.check(people, _conf(db), TODAY)}
        assert {"recruit_talk", "recruit_year", "recruit_training", "recruit_approval"} <= found
        candidate = next(r for r in people if rc.stage(r) == "发展对象")
        assert candidate.on(rc.VETTING) and not candidate.on(rc.TRAINING)
        assert {m.name for m in members.list_members(db)}.isdisjoint(r.name for r in people)
        db.close()


def test_a_past_year_view_has_no_pipeline_findings(branch):
    db, _ = branch
    _applicant(db, applied="2026-01-01")
    assert not [f for f in rules.report(db, 2025, date(2026, 4, 1)).findings if f.area == "recruit"]
    assert [f for f in rules.report(db, 2026, date(2026, 4, 1)).findings if f.area == "recruit"]


def test_personal_fields_are_edited_on_the_roll_once_admitted(branch):
    db, ids = branch
    r = _step(db, _through_meeting(db, ids, _applicant(db)), 17, "2026-08-15")
    rc.update(db, replace(r, job="教师"), today=TODAY)
    rc.admit(db, r.id, today=TODAY)
    with pytest.raises(ValidationError) as err:
        rc.update(db, replace(rc.get(db, r.id), job="校长"), today=TODAY)
    assert "党员名册" in err.value.fields["name"]
