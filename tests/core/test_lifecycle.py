"""The member lifecycle (docs/rules.md, 党员教育管理工作条例 第二十五、三十四条): each deadline
on its boundary day, through the 工作台's report as the secretary sees it."""

from __future__ import annotations

from datetime import date

import pytest

from branchdesk.core import lifecycle, members, rules, settings, transfers
from branchdesk.core.errors import ValidationError
from branchdesk.core.members import Member
from branchdesk.core.transfers import Contact, Letter

TODAY = date(2027, 6, 30)


def add(db, name="张三", **fields) -> Member:
    fields.setdefault("join_date", "2000-01-01")
    return members.add(db, Member(name=name, **fields), today=TODAY)


def rules_of(db, as_of: date, name: str | None = None) -> dict[str, rules.Finding]:
    """The lifecycle findings of the 工作台 on ``as_of``, by rule (optionally about ``name``)."""
    report = rules.report(db, as_of.year, as_of)
    mine = {f.rule: f for f in report.findings
            if f.rule.startswith(("lost_", "suspended", "mobile", "abroad", "away", "transfer"))}
    if name is not None:
        ids = {m.id for m in members.list_members(db, include_left=True) if m.name == name}
        mine = {k: f for k, f in mine.items() if f.target.get("id") in ids}
    return mine


# ---------------------------------------------------------------- 失联 and 停止党籍

def test_lost_contact_six_months_to_the_day_suggests_stopping_membership(fresh_db):
    add(fresh_db, lost_contact=True, lost_contact_date="2027-01-15")
    assert rules_of(fresh_db, date(2027, 7, 14)) == {}
    found = rules_of(fresh_db, date(2027, 7, 15))["lost_contact"]
    assert found.severity == rules.MISSING
    assert "已满 6 个月" in found.message and "停止党籍" in found.message
    assert "第三十四条" in found.message and found.due == "2027-07-15"


def test_lost_contact_threshold_is_a_setting(fresh_db):
    add(fresh_db, lost_contact=True, lost_contact_date="2027-01-15")
    settings.put(fresh_db, {"lost_contact_months": 3})
    assert "lost_contact" in rules_of(fresh_db, date(2027, 4, 15))
    assert rules_of(fresh_db, date(2027, 4, 14)) == {}


def test_lost_contact_is_dated_in_the_history(fresh_db):
    m = add(fresh_db)
    marked = members.update(fresh_db, members.with_changes(
        m, lost_contact=True, lost_contact_date="2027-02-01"), today=TODAY)
    assert [(h["date"], h["kind"]) for h in members.history(fresh_db, m.id)] == [
        ("2027-02-01", "失联")]
    members.update(fresh_db, members.with_changes(marked, lost_contact=False),
                   effective=date(2027, 5, 1), today=TODAY)
    assert [(h["date"], h["kind"]) for h in members.history(fresh_db, m.id)][-1] == (
        "2027-05-01", "恢复联系")


def test_lost_contact_date_filled_in_later_dates_the_history(fresh_db):
    m = add(fresh_db, lost_contact=True)
    assert "lost_contact_undated" in rules_of(fresh_db, TODAY)
    members.update(fresh_db, members.with_changes(m, lost_contact_date="2026-12-01"),
                   today=TODAY)
    assert [h["date"] for h in members.history(fresh_db, m.id) if h["kind"] == "失联"] == [
        "2026-12-01"]
    assert set(rules_of(fresh_db, TODAY)) == {"lost_contact"}


def test_stopped_membership_two_years_later_suggests_removal(fresh_db):
    m = add(fresh_db, lost_contact=True, lost_contact_date="2024-10-01")
    members.change_status(fresh_db, m.id, "停止党籍", date(2025, 4, 1), "失联满六个月")
    assert rules_of(fresh_db, date(2027, 3, 31)) == {}  # the 失联 finding gave way
    found = rules_of(fresh_db, date(2027, 4, 1))["suspended_expired"]
    assert "已满 2 年" in found.message and "除名" in found.message
    assert found.due == "2027-04-01"


def test_restored_membership_ends_the_two_years(fresh_db):
    m = add(fresh_db)
    members.change_status(fresh_db, m.id, "停止党籍", date(2025, 4, 1))
    members.change_status(fresh_db, m.id, "恢复党籍", date(2026, 1, 1))
    assert rules_of(fresh_db, date(2027, 4, 1)) == {}


def test_stopped_membership_without_a_date_asks_for_it(fresh_db):
    m = add(fresh_db)
    fresh_db.execute("UPDATE members SET party_status = '停止党籍' WHERE id = ?", [m.id])
    assert rules_of(fresh_db, TODAY)["suspended_undated"].severity == rules.WARNING


# ---------------------------------------------------------------- 流动党员 and 出国出境

def mobile(db, since="2026-10-01", **fields) -> Member:
    return add(db, "李四", mobile=True, mobile_since=since, mobile_destination="广东省深圳市",
               mobile_contact="王五（深圳某公司党支部）", **fields)


def test_mobile_member_without_contact_for_six_months(fresh_db):
    mobile(fresh_db, since="2026-10-01")
    assert rules_of(fresh_db, date(2027, 3, 31)) == {}
    found = rules_of(fresh_db, date(2027, 4, 1))["mobile_contact"]
    assert "流动党员李四已满 6 个月没有联系记录" in found.message
    assert "自2026-10-01外出以来没有联系记录" in found.message


def test_a_recorded_contact_restarts_the_six_months(fresh_db):
    m = mobile(fresh_db, since="2026-10-01")
    transfers.save_contacts(fresh_db, m.id, [Contact("2027-02-10", "微信", "在深圳工作，参加当地组织生活")],
                            today=TODAY)
    assert rules_of(fresh_db, date(2027, 8, 9)) == {}
    found = rules_of(fresh_db, date(2027, 8, 10))["mobile_contact"]
    assert "最近一次联系在2027-02-10" in found.message


def test_mobile_flag_without_a_departure_date_has_no_deadline(fresh_db):
    add(fresh_db, "李四", mobile=True, mobile_destination="广东省深圳市")
    found = rules_of(fresh_db, date(2035, 1, 1))
    assert set(found) == {"mobile_undated"} and "外出日期" in found["mobile_undated"].message


def test_away_six_months_without_the_flag_says_the_member_is_mobile(fresh_db):
    add(fresh_db, "李四", mobile_since="2027-01-31")
    assert rules_of(fresh_db, date(2027, 7, 30)) == {}
    found = rules_of(fresh_db, date(2027, 7, 31))["away_unflagged"]
    assert "属于流动党员" in found.message and "勾选" in found.message


def test_long_absence_exemption_counts_as_away(fresh_db):
    away = members.Exemption("经支部同意长期外出", "2027-01-10", None, "赴外地援建，经支委会同意")
    members.add(fresh_db, Member(name="李四", join_date="2000-01-01"), today=TODAY,
                exemptions=[away])
    assert "away_unflagged" in rules_of(fresh_db, date(2027, 7, 10))
    assert rules_of(fresh_db, date(2027, 7, 9)) == {}


def test_mobile_note_beside_the_departure_date():
    m = Member(name="李四", mobile_since="2027-01-31")
    assert "属于流动党员" in lifecycle.mobile_note(m, date(2027, 7, 31), 6)
    assert "2027-07-31" in lifecycle.mobile_note(m, date(2027, 7, 30), 6)
    flagged = members.with_changes(m, mobile=True)
    assert "尚不属于流动党员" in lifecycle.mobile_note(flagged, date(2027, 7, 30), 6)
    assert lifecycle.mobile_note(flagged, date(2027, 7, 31), 6) == ""


def test_member_abroad_is_contacted_every_six_months(fresh_db):
    m = add(fresh_db, "赵六")
    members.change_status(fresh_db, m.id, "出国出境", date(2026, 12, 1), "赴德国访学一年")
    assert rules_of(fresh_db, date(2027, 5, 31)) == {}
    assert "出国出境党员赵六" in rules_of(fresh_db, date(2027, 6, 1))["abroad_contact"].message
    transfers.save_contacts(fresh_db, m.id, [Contact("2027-05-20", "视频")], today=TODAY)
    assert rules_of(fresh_db, date(2027, 6, 1)) == {}
    members.change_status(fresh_db, m.id, "回国（境）", date(2027, 6, 10))
    assert rules_of(fresh_db, date(2028, 6, 1)) == {}


def test_abroad_and_return_are_checked(fresh_db):
    m = add(fresh_db, "赵六")
    with pytest.raises(ValidationError, match="没有登记出国出境"):
        members.change_status(fresh_db, m.id, "回国（境）", date(2027, 1, 1))
    members.change_status(fresh_db, m.id, "出国出境", date(2027, 1, 1))
    with pytest.raises(ValidationError, match="尚未回国"):
        members.change_status(fresh_db, m.id, "出国出境", date(2027, 2, 1))


def test_contacts_are_checked_before_anything_is_written(fresh_db):
    m = mobile(fresh_db)
    transfers.save_contacts(fresh_db, m.id, [Contact("2027-01-01", "电话")], today=TODAY)
    with pytest.raises(ValidationError, match="第 2 条联系记录请填写联系日期"):
        transfers.save_contacts(fresh_db, m.id, [Contact("2027.3.1", "电话"), Contact("")],
                                today=TODAY)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        transfers.save_contacts(fresh_db, m.id, [Contact("2027-07-01")], today=TODAY)
    assert [c.date for c in transfers.contacts(fresh_db, m.id)] == ["2027-01-01"]


# ---------------------------------------------------------------- 转出 with its 回执

def letter(**fields) -> Letter:
    values = {"direction": "转出", "letter_date": "2027-03-10", "letter_number": "示组转字〔2027〕8号",
              "place": "示例市第二中学党支部", "valid_months": 3, "dues_paid_to": "2027年3月"}
    return Letter(**{**values, **fields})


def test_transfer_out_is_pending_until_the_receipt(fresh_db):
    m = add(fresh_db, "孙七")
    saved = transfers.transfer_out(fresh_db, m.id, letter(), today=TODAY)
    assert saved.dues_paid_to == "2027-03" and saved.valid_until == date(2027, 6, 10)
    gone = members.get(fresh_db, m.id)
    assert (gone.status, gone.left_date) == ("转出", "2027-03-10")
    assert [e.member.name for e in members.roll_as_of(fresh_db, date(2027, 3, 10))] == []
    due = rules_of(fresh_db, date(2027, 6, 10))["transfer_receipt_due"]  # the letter's last day
    assert due.severity == rules.DUE and "有效期至2027-06-10" in due.message
    overdue = rules_of(fresh_db, date(2027, 6, 11))["transfer_receipt_overdue"]
    assert overdue.severity == rules.MISSING and "已于2027-06-10过期" in overdue.message


def test_receipt_on_the_last_day_closes_the_transfer(fresh_db):
    m = add(fresh_db, "孙七")
    saved = transfers.transfer_out(fresh_db, m.id, letter(), today=TODAY)
    transfers.record_receipt(fresh_db, saved.id, "2027-06-10", today=TODAY)
    assert rules_of(fresh_db, date(2027, 6, 11)) == {}
    assert not transfers.get(fresh_db, saved.id).pending


def test_letter_validity_is_kept_with_the_letter(fresh_db):
    m = add(fresh_db, "孙七")
    transfers.transfer_out(fresh_db, m.id, letter(valid_months=1), today=TODAY)
    assert "transfer_receipt_overdue" in rules_of(fresh_db, date(2027, 4, 11))
    assert "transfer_receipt_due" in rules_of(fresh_db, date(2027, 4, 10))


@pytest.mark.parametrize("fields, field, text", [
    ({"letter_date": ""}, "letter_date", "请填写介绍信开具日期"),
    ({"letter_date": "2027-13-01"}, "letter_date", "介绍信日期"),
    ({"letter_date": "2027-07-01"}, "letter_date", "不能晚于今天"),
    ({"valid_months": 0}, "valid_months", "1～12 个月"),
    ({"dues_paid_to": "三月"}, "dues_paid_to", "党费交至年月"),
    ({"receipt_date": "2027-03-01"}, "receipt_date", "不能早于介绍信日期"),
])
def test_bad_letters_are_refused_and_nothing_changes(fresh_db, fields, field, text):
    m = add(fresh_db, "孙七")
    with pytest.raises(ValidationError) as caught:
        transfers.transfer_out(fresh_db, m.id, letter(**fields), today=TODAY)
    assert text in caught.value.fields[field]
    assert members.get(fresh_db, m.id).active and transfers.letters(fresh_db, m.id) == []


def test_transfer_back_in_records_the_letter_received(fresh_db):
    m = add(fresh_db, "孙七")
    transfers.transfer_out(fresh_db, m.id, letter(), today=TODAY)
    back = Letter("转入", "2027-06-01", "外组转字〔2027〕3号", "示例市第二中学党支部",
                  dues_paid_to="2027-05")
    transfers.transfer_in(fresh_db, m.id, back, today=TODAY)
    assert members.get(fresh_db, m.id).active
    assert [x.direction for x in transfers.letters(fresh_db, m.id)] == ["转出", "转入"]
    assert rules_of(fresh_db, date(2027, 6, 30)) == {}  # back on the roll: nothing pending


def test_letter_received_with_a_new_member(fresh_db):
    m = add(fresh_db, "周八", branch_join_date="2027-05-01")
    received = Letter("转入", "2027-04-25", "外组转字〔2027〕5号", "示例县委组织部", dues_paid_to="2027-04")
    transfers.save_letter_in(fresh_db, m.id, received, today=TODAY)
    transfers.save_letter_in(fresh_db, m.id, Letter("转入", "2027-04-26", place="示例县委组织部"),
                             today=TODAY)
    assert [(x.letter_date, x.letter_number) for x in transfers.letters(fresh_db, m.id)] == [
        ("2027-04-26", "")]
    transfers.save_letter_in(fresh_db, m.id, None, today=TODAY)
    assert transfers.letters(fresh_db, m.id) == []


# ---------------------------------------------------------------- 转正日期

def test_full_date_off_the_end_of_probation_is_recorded_with_its_reason(fresh_db):
    m = add(fresh_db, "吴九", category="预备党员", join_date="2026-03-01")
    assert members.full_date_mismatch(fresh_db, m, date(2027, 3, 1)) is None
    warning = members.full_date_mismatch(fresh_db, m, date(2027, 3, 20))
    assert "与预备期满之日 2027-03-01 不同" in warning and "原因" in warning
    members.change_status(fresh_db, m.id, "转正", date(2027, 3, 20), "上级党委3月20日批准")
    assert members.history(fresh_db, m.id)[-1]["reason"] == "上级党委3月20日批准"


def test_full_date_off_the_extended_end_without_a_reason_says_so(fresh_db):
    m = add(fresh_db, "吴九", category="预备党员", join_date="2026-03-01")
    members.change_status(fresh_db, m.id, "延长预备期", date(2027, 3, 1), months=6)
    m = members.get(fresh_db, m.id)
    assert members.full_date_mismatch(fresh_db, m, date(2027, 9, 1)) is None  # the extended end
    members.update(fresh_db, members.with_changes(m, category="正式党员", full_date="2027-06-01"),
                   today=TODAY)
    assert members.history(fresh_db, m.id)[-1]["reason"] == \
        "转正日期与预备期满之日（2027-09-01）不同，未注明原因"


def test_full_date_reason_from_the_member_form(fresh_db):
    m = add(fresh_db, "吴九", category="预备党员", join_date="2026-03-01")
    members.update(fresh_db, members.with_changes(m, category="正式党员", full_date="2027-03-05"),
                   today=TODAY, full_date_reason="支部大会于3月5日讨论")
    assert members.history(fresh_db, m.id)[-1]["reason"] == "支部大会于3月5日讨论"


def test_an_earlier_day_sees_the_transfer_as_it_stood(fresh_db):
    m = add(fresh_db, "孙七")
    saved = transfers.transfer_out(fresh_db, m.id, letter(), today=TODAY)
    transfers.record_receipt(fresh_db, saved.id, "2027-06-20", today=TODAY)  # late
    assert "transfer_receipt_overdue" in rules_of(fresh_db, date(2027, 6, 15))
    assert rules_of(fresh_db, date(2027, 6, 20)) == {}
    assert rules_of(fresh_db, date(2027, 3, 9)) == {}  # before the letter: nothing yet


def test_check_command_reports_the_lifecycle_and_points_at_the_member(db_path, capsys):
    import json

    from branchdesk.cli import main
    from branchdesk.core.db import open_db

    db = open_db(db_path)
    lost = add(db, lost_contact=True, lost_contact_date="2027-01-15")
    db.close()
    assert main(["check", "--db", str(db_path), "--year", "2027", "--as-of", "2027-07-15"]) == 3
    assert "已满 6 个月：应按规定启动停止党籍程序" in capsys.readouterr().out
    main(["check", "--db", str(db_path), "--year", "2027", "--as-of", "2027-07-15", "--json"])
    found = next(f for f in json.loads(capsys.readouterr().out)["findings"]
                 if f["rule"] == "lost_contact")
    assert found["target"] == {"tab": "members", "record": "member", "id": lost.id}


def test_six_months_from_the_end_of_a_month_ends_on_the_last_day_of_the_shorter_month():
    m = Member(name="张三", lost_contact=True, lost_contact_date="2026-08-31", id=1)
    assert lifecycle.lost_contact(m, date(2027, 2, 27), 6) is None
    assert lifecycle.lost_contact(m, date(2027, 2, 28), 6).due == "2027-02-28"
    stopped = Member(name="张三", party_status="停止党籍", id=1)
    assert lifecycle.suspended(stopped, date(2024, 2, 29), date(2026, 2, 27), 2) is None
    assert lifecycle.suspended(stopped, date(2024, 2, 29), date(2026, 2, 28), 2) is not None
