"""党费: bands at every edge, flat categories, rounding, filling months, 补交/预交, 预备党员,
reliefs, 转入/转出 (docs/rules.md, 党费)."""

from datetime import date
from decimal import Decimal

import pytest

from branchdesk.core import dues, members, settings, transfers
from branchdesk.core.dues import Base, Event, Payment, Relief
from branchdesk.core.errors import ValidationError
from branchdesk.core.members import Member
from branchdesk.core.transfers import Letter

CONF = {s.key: s.default for s in settings._SETTINGS}
TODAY = date(2026, 12, 31)


def fen(text: str) -> int:
    return dues.parse_yuan(text)


def due_for(category: str, base_yuan: str | None, **conf) -> str:
    base = Base(1, "2026-01-01", category, fen(base_yuan) if base_yuan else None)
    return dues.yuan(dues.monthly_due(base, {**CONF, **conf}))


@pytest.mark.parametrize("base, due, rate", [
    ("0.00", "0.00", "0.5%"),
    ("2000.00", "10.00", "0.5%"),
    ("3000.00", "15.00", "0.5%"),       # 3000 inclusive is the first band
    ("3000.01", "30.00", "1%"),         # 30.0001 rounds to 30.00
    ("3001.00", "30.01", "1%"),
    ("5000.00", "50.00", "1%"),
    ("5000.01", "75.00", "1.5%"),       # 75.00015
    ("10000.00", "150.00", "1.5%"),
    ("10000.01", "200.00", "2%"),       # 200.0002
    ("12345.67", "246.91", "2%"),       # 246.9134
])
def test_working_members_bands_at_every_edge(base, due, rate):
    assert due_for(dues.WORKING, base) == due
    assert dues.rate_text(dues.rate_bp(dues.WORKING, fen(base), CONF)) == rate


@pytest.mark.parametrize("base, due", [("5000.00", "25.00"), ("5000.01", "50.00"),
                                       ("4000.00", "20.00"), ("8000.00", "80.00")])
def test_retired_members_two_bands(base, due):
    assert due_for(dues.RETIRED, base) == due


def test_half_up_rounding_to_fen_not_bankers():
    # 3001 at 0.5% would be 15.005: in the first band only when the band is widened.
    assert due_for(dues.WORKING, "3001.00", dues_band1_max=4000) == "15.01"
    assert Decimal("15.005").quantize(Decimal("0.01")) == Decimal("15.00")  # why it matters
    assert due_for(dues.WORKING, "2999.00") == "15.00"  # 14.995 -> 15.00 (half up)
    assert due_for(dues.WORKING, "2998.00") == "14.99"


def test_rounding_to_jiao_is_a_setting():
    assert due_for(dues.WORKING, "3001.00", dues_band1_max=4000, dues_round_jiao=True) == "15.00"
    assert due_for(dues.WORKING, "2990.00", dues_round_jiao=True) == "15.00"  # 14.95 -> 15.0
    assert due_for(dues.WORKING, "2980.00", dues_round_jiao=True) == "14.90"
    assert due_for(dues.WORKING, "3010.00", dues_round_jiao=True) == "30.10"


def test_rates_and_bands_are_settings():
    assert due_for(dues.WORKING, "4000.00", dues_band1_max=4000) == "20.00"
    assert due_for(dues.WORKING, "4000.00", dues_rate2_bp=120) == "48.00"


@pytest.mark.parametrize("category, due", [
    (dues.STUDENT, "0.20"), (dues.UNEMPLOYED, "0.20"), (dues.RELIEF_FUNDS, "0.20"),
    (dues.SUBSISTENCE, "0.20"), (dues.FARMER, "0.50")])
def test_flat_categories(category, due):
    assert due_for(category, None) == due


def test_farmer_amount_decided_by_branch_and_voluntary_extra():
    assert dues.yuan(dues.monthly_due(Base(1, "2026-01-01", dues.FARMER, fixed_fen=100), CONF)) == "1.00"
    extra = Base(1, "2026-01-01", dues.WORKING, fen("4000"), extra_fen=1000)
    assert dues.yuan(dues.monthly_due(extra, CONF)) == "50.00"
    with pytest.raises(ValidationError):
        dues.check_base(Base(1, "2026-01-01", dues.FARMER, fixed_fen=150))


def test_parse_yuan():
    assert fen("3,001.50元") == 300150
    assert fen(3001.5) == 300150
    assert fen("0.005") == 1
    for bad in ("abc", "-5", ""):
        with pytest.raises(ValueError):
            fen(bad)


# ---------------------------------------------------------------- the database

def add_member(db, name, *, join="2010-01-01", category="正式党员", branch_join=None, full=None):
    return members.add(db, Member(name=name, category=category, join_date=join,
                                  branch_join_date=branch_join, full_date=full),
                       today=TODAY)


def pay(db, m, on, amount, first="", last=""):
    return dues.add_payment(db, Payment(m.id, on, fen(amount), first, last, "王会计"), today=TODAY)


def states(db, m, year=2026, as_of=TODAY):
    book = dues.DuesBook(db, as_of=as_of)
    return book.member_year(members.get(db, m.id), year)


def test_monthly_payments_paid(fresh_db):
    m = add_member(fresh_db, "张三")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    for month in range(1, 13):
        pay(fresh_db, m, f"2026-{month:02d}-10", "40")
    year = states(fresh_db, m)
    assert [s.state for s in year.months] == [dues.PAID] * 12
    assert not any(s.late or s.ahead for s in year.months)
    assert year.due_total == year.paid_total == fen("480")
    assert year.paid_to == "2026-12"


def test_the_month_under_way_is_still_to_pay_and_behind_once_it_is_over(fresh_db):
    m = add_member(fresh_db, "赵六")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    pay(fresh_db, m, "2026-02-10", "80")  # January and February
    march = states(fresh_db, m, as_of=date(2026, 3, 31)).months[2]
    assert (march.state, march.current, march.text) == (dues.UNPAID, True, "待交")
    april = states(fresh_db, m, as_of=date(2026, 4, 1)).months
    assert (april[2].text, april[3].text) == ("未交", "待交")


def test_base_change_in_july(fresh_db):
    m = add_member(fresh_db, "李四")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    dues.set_base(fresh_db, Base(m.id, "2026-07-01", dues.WORKING, fen("6000")))
    year = states(fresh_db, m)
    assert [s.due for s in year.months] == [4000] * 6 + [9000] * 6
    assert year.base.base_fen == fen("6000")


def test_payment_fills_oldest_month_first_part_and_credit(fresh_db):
    m = add_member(fresh_db, "王五")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))  # 40 a month
    pay(fresh_db, m, "2026-03-05", "100", "2026-03", "2026-03")  # said for March: fills Jan, Feb, half March
    year = states(fresh_db, m, as_of=date(2026, 3, 31))
    assert [s.state for s in year.months[:4]] == [dues.PAID, dues.PAID, dues.PART, dues.NOT_DUE]
    assert year.months[2].paid == 2000
    assert year.months[0].late and not year.months[2].late
    pay(fresh_db, m, "2026-03-20", "100")  # 20 for March, 40 April, 40 May ahead
    year = states(fresh_db, m, as_of=date(2026, 3, 31))
    assert [s.state for s in year.months[:6]] == [dues.PAID] * 5 + [dues.NOT_DUE]
    assert year.months[4].ahead and year.months[4].text == "已交·预"
    assert year.paid_to == "2026-05"
    assert year.due_total == fen("120") and year.paid_total == fen("200")


def test_overpayment_beyond_the_year_is_credit(fresh_db):
    m = add_member(fresh_db, "赵六")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    pay(fresh_db, m, "2026-01-05", "500")
    year = states(fresh_db, m)
    assert year.paid_total == fen("480") and year.credit == fen("20")
    assert states(fresh_db, m, 2027, date(2027, 1, 31)).months[0].state == dues.PART


def test_prepay_refused_when_setting_off(fresh_db):
    m = add_member(fresh_db, "钱七")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    settings.put(fresh_db, {"dues_prepay": False})
    with pytest.raises(ValidationError, match="不允许预交"):
        pay(fresh_db, m, "2026-02-01", "120")
    pay(fresh_db, m, "2026-02-01", "80")  # January and February: allowed
    assert states(fresh_db, m).paid_to == "2026-02"


def test_makeup_after_six_months(fresh_db):
    m = add_member(fresh_db, "孙八")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    before = states(fresh_db, m, as_of=date(2026, 7, 20))
    assert [s.state for s in before.months[:7]] == [dues.UNPAID] * 7
    assert before.unpaid_total == fen("280")
    pay(fresh_db, m, "2026-08-02", "320")  # 补交 January–July and August
    after = states(fresh_db, m, as_of=date(2026, 8, 31))
    assert [s.state for s in after.months[:8]] == [dues.PAID] * 8
    assert all(s.late for s in after.months[:7]) and not after.months[7].late
    assert after.months[0].text == "已交·补"
    # January paid in August: more than 6 months late (a setting); February: within
    assert [s.overdue for s in after.months[:3]] == [True, False, False]
    settings.put(fresh_db, {"dues_makeup_months": 7})
    assert not states(fresh_db, m, as_of=date(2026, 8, 31)).months[0].overdue


def test_probationary_member_accepted_mid_month(fresh_db):
    m = add_member(fresh_db, "周九", join="2026-03-18", category="预备党员")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    # Before the 上级党委's approval: owed from March, not yet payable.
    waiting = states(fresh_db, m, as_of=date(2026, 5, 10))
    assert [s.state for s in waiting.months[:5]] == [dues.NOT_DUE] * 5
    assert waiting.months[1].due is None and waiting.months[2].due == 4000
    assert waiting.months[2].pending and waiting.months[2].text == "待审批"
    dues.record_event(fresh_db, Event(m.id, dues.APPROVED, "2026-05-20"))
    approved = states(fresh_db, m, as_of=date(2026, 6, 10))
    assert [s.state for s in approved.months[:6]] == [dues.NOT_DUE] * 2 + [dues.UNPAID] * 4
    pay(fresh_db, m, "2026-06-10", "160")  # March (whole month) to June
    done = states(fresh_db, m, as_of=date(2026, 6, 10))
    assert [s.state for s in done.months[:6]] == [dues.NOT_DUE] * 2 + [dues.PAID] * 4
    assert done.due_total == fen("160")


def test_exemption_needs_both_dates(fresh_db):
    m = add_member(fresh_db, "吴十")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("2000")))
    with pytest.raises(ValidationError, match="两个日期"):
        dues.add_relief(fresh_db, Relief(m.id, dues.EXEMPT, "2026-04", "2026-09",
                                         meeting_date="2026-03-20", reason="因病生活困难"))
    with pytest.raises(ValidationError, match="不能早于"):
        dues.add_relief(fresh_db, Relief(m.id, dues.EXEMPT, "2026-04", "2026-09", None,
                                         "2026-03-20", "2026-03-01", "因病生活困难"))
    dues.add_relief(fresh_db, Relief(m.id, dues.EXEMPT, "2026-04", "2026-09", None,
                                     "2026-03-20", "2026-03-28", "因病生活困难"))
    dues.add_relief(fresh_db, Relief(m.id, dues.REDUCED, "2026-10", None, 500,
                                     "2026-09-20", "2026-09-28", "仍有困难"))
    year = states(fresh_db, m)
    assert [s.state for s in year.months[3:9]] == [dues.EXEMPTED] * 6
    assert year.months[3].due == 0 and year.months[10].due == 500
    assert year.due_total == 3 * 1000 + 3 * 500


def test_transfer_letters_paid_to_decide_the_months_owed_here(fresh_db):
    newcomer = add_member(fresh_db, "郑一", branch_join="2026-04-15")
    dues.set_base(fresh_db, Base(newcomer.id, "2026-01-01", dues.WORKING, fen("4000")))
    transfers.save_letter_in(fresh_db, newcomer.id, Letter("转入", "2026-04-15", dues_paid_to="2026-05"),
                             today=TODAY)
    year = states(fresh_db, newcomer)
    assert [s.state for s in year.months[:6]] == [dues.NOT_DUE] * 5 + [dues.UNPAID]
    late = add_member(fresh_db, "郑二", branch_join="2026-04-15")
    dues.set_base(fresh_db, Base(late.id, "2026-01-01", dues.WORKING, fen("4000")))
    transfers.save_letter_in(fresh_db, late.id, Letter("转入", "2026-04-15", dues_paid_to="2026-02"),
                             today=TODAY)
    assert [s.state for s in states(fresh_db, late).months[:4]] == \
        [dues.NOT_DUE] * 2 + [dues.UNPAID] * 2  # March owed here though it joined in April

    leaver = add_member(fresh_db, "郑三")
    dues.set_base(fresh_db, Base(leaver.id, "2026-01-01", dues.WORKING, fen("4000")))
    pay(fresh_db, leaver, "2026-03-01", "120")
    assert dues.paid_to(fresh_db, leaver.id, date(2026, 6, 1)) == "2026-03"
    transfers.transfer_out(fresh_db, leaver.id, Letter("转出", "2026-06-10", place="某支部",
                                                       dues_paid_to="2026-03"), today=TODAY)
    year = states(fresh_db, leaver)
    assert [s.state for s in year.months[:7]] == [dues.PAID] * 3 + [dues.NOT_DUE] * 4


def test_left_without_paid_to_owes_through_the_month_of_leaving(fresh_db):
    m = add_member(fresh_db, "冯四")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.STUDENT))
    members.change_status(fresh_db, m.id, "转出", date(2026, 6, 10))
    year = states(fresh_db, m)
    assert [s.state for s in year.months[4:8]] == [dues.UNPAID] * 2 + [dues.NOT_DUE] * 2
    assert year.months[0].due == 20


def test_no_base_is_unknown_not_zero(fresh_db):
    m = add_member(fresh_db, "陈五")
    year = states(fresh_db, m, as_of=date(2026, 3, 15))
    assert [s.state for s in year.months[:4]] == [dues.UNPAID] * 3 + [dues.NOT_DUE]
    assert year.months[0].due is None and not year.bases_in_year
    assert dues.quick_entries(fresh_db, [m.id], "2026-03")[0].amount is None


def test_quick_entry_records_what_is_owed_through_the_month(fresh_db):
    a, b = add_member(fresh_db, "甲"), add_member(fresh_db, "乙")
    for m in (a, b):
        dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    pay(fresh_db, a, "2026-02-01", "80")
    book = dues.DuesBook(fresh_db, as_of=date(2026, 3, 10))
    entries = dues.quick_entries(fresh_db, [a.id, b.id], "2026-03", book=book)
    assert [e.amount for e in entries] == [4000, 12000]
    assert dues.record_quick(fresh_db, entries, "2026-03", date(2026, 3, 10), today=TODAY) == 2
    assert states(fresh_db, b, as_of=date(2026, 3, 10)).paid_to == "2026-03"


def test_bad_payments_are_refused(fresh_db):
    m = add_member(fresh_db, "褚六")
    with pytest.raises(ValidationError, match="晚于今天"):
        pay(fresh_db, m, "2027-01-05", "10")
    with pytest.raises(ValidationError, match="大于 0"):
        dues.add_payment(fresh_db, Payment(m.id, "2026-01-05", 0), today=TODAY)
    with pytest.raises(ValidationError, match="交纳方式"):
        dues.add_payment(fresh_db, Payment(m.id, "2026-01-05", 100, method="支票"), today=TODAY)
    assert dues.payments(fresh_db) == []


def test_schema_v4_file_migrates_and_takes_dues(tmp_path):
    import shutil
    from pathlib import Path

    from branchdesk.core.db import open_db

    path = tmp_path / "old.sqlite3"
    shutil.copyfile(Path(__file__).parent.parent / "fixtures" / "schema-v4.sqlite3", path)
    db = open_db(path)
    people = members.list_members(db)
    assert {m.name for m in people} == {"赵示例", "钱样本", "孙测试"}
    assert dues.payments(db) == []
    dues.set_base(db, Base(people[0].id, "2026-01-01", dues.RETIRED, fen("5000.01")))
    book = dues.DuesBook(db, as_of=date(2026, 2, 1))
    assert book.member_year(people[0], 2026).months[0].due == 5000
    db.close()


# ---------------------------------------------------------------- 工作台

def rules_of(db, year=2026, as_of=TODAY):
    from branchdesk.core import rules

    return [f for f in rules.report(db, year, as_of).findings if f.rule.startswith("dues")]


def test_unpaid_three_months_then_six_gives_the_article_nine_prompt(fresh_db):
    m = add_member(fresh_db, "蒋七")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    pay(fresh_db, m, "2026-01-10", "40")
    assert rules_of(fresh_db, as_of=date(2026, 3, 31)) == []  # Feb unpaid, March under way
    found = rules_of(fresh_db, as_of=date(2026, 5, 2))  # Feb, Mar, Apr
    assert [f.rule for f in found] == ["dues_unpaid"]
    assert "3 个月" in found[0].message and "2026年2月至4月" in found[0].message
    assert "元" not in found[0].message  # no amount: it gives the income away
    assert found[0].target == {"record": "dues", "id": m.id, "year": 2026}
    found = rules_of(fresh_db, as_of=date(2026, 8, 1))  # Feb–Jul: six
    assert [f.rule for f in found] == ["dues_inactive"] and "党章第九条" in found[0].message
    pay(fresh_db, m, "2026-08-01", "240")  # 补交
    assert rules_of(fresh_db, as_of=date(2026, 8, 1)) == []


def test_a_recorded_reason_stops_the_prompt_and_the_thresholds_are_settings(fresh_db):
    m = add_member(fresh_db, "沈八")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    dues.add_relief(fresh_db, Relief(m.id, dues.DEFERRED, "2026-05", None, reason="长期住院，家属代为联系"))
    found = rules_of(fresh_db, as_of=date(2026, 8, 1))
    assert [f.rule for f in found] == ["dues_unpaid"]  # still owed, but no 第九条 prompt
    settings.put(fresh_db, {"dues_unpaid_warn_months": 12})
    assert rules_of(fresh_db, as_of=date(2026, 8, 1)) == []


def test_months_before_checking_began_are_not_judged(fresh_db):
    m = add_member(fresh_db, "韩九")
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    settings.put(fresh_db, {"records_start": "2026-06-01"})
    assert rules_of(fresh_db, as_of=date(2026, 8, 1)) == []


def test_bases_not_set_for_the_year(fresh_db):
    a, b, c = add_member(fresh_db, "杨一"), add_member(fresh_db, "杨二"), add_member(fresh_db, "杨三")
    dues.set_base(fresh_db, Base(a.id, "2025-01-01", dues.WORKING, fen("4000")))
    dues.set_base(fresh_db, Base(b.id, "2026-01-01", dues.WORKING, fen("4000")))
    dues.set_base(fresh_db, Base(c.id, "2024-01-01", dues.STUDENT))  # flat: no yearly base
    found = [f for f in rules_of(fresh_db, as_of=date(2026, 1, 20)) if f.rule == "dues_bases"]
    assert len(found) == 1 and "1 名党员尚未登记2026年" in found[0].message
    assert "杨一" in found[0].message and "杨二" not in found[0].message


def test_probationer_without_dues_from_acceptance(fresh_db):
    m = add_member(fresh_db, "朱预备", join="2026-03-18", category="预备党员")
    found = [f.message for f in rules_of(fresh_db, as_of=date(2026, 4, 2)) if f.rule == "dues_probationer"]
    assert found and "2026年3月" in found[0] and "尚未登记交纳类别" in found[0]
    dues.set_base(fresh_db, Base(m.id, "2026-01-01", dues.WORKING, fen("4000")))
    found = [f.message for f in rules_of(fresh_db, as_of=date(2026, 4, 2)) if f.rule == "dues_probationer"]
    assert "审批日期" in found[0]
    dues.record_event(fresh_db, Event(m.id, dues.APPROVED, "2026-03-30"))
    found = [f.message for f in rules_of(fresh_db, as_of=date(2026, 4, 2)) if f.rule == "dues_probationer"]
    assert "接收当月的党费尚未交纳" in found[0]
    pay(fresh_db, m, "2026-04-01", "40")
    assert not [f for f in rules_of(fresh_db, as_of=date(2026, 4, 2)) if f.rule == "dues_probationer"]


@pytest.mark.parametrize("paid", [
    [("2021-01-05", "1000")],                      # years ahead, paid long ago
    [("2021-03-05", "120"), ("2025-06-01", "40")],  # arrears, then a little
    [("2021-01-05", "40")] * 30 + [("2024-02-02", "700")],
])
def test_old_payments_summed_give_the_same_months_as_read_one_by_one(fresh_db, paid):
    m = add_member(fresh_db, "秦一")
    dues.set_base(fresh_db, Base(m.id, "2021-01-01", dues.WORKING, fen("4000")))
    dues.set_base(fresh_db, Base(m.id, "2024-01-01", dues.WORKING, fen("5000.01")))
    dues.add_payments(fresh_db, [Payment(m.id, on, fen(amount)) for on, amount in paid], today=TODAY)
    person = members.get(fresh_db, m.id)
    quick = dues.DuesBook(fresh_db, as_of=date(2026, 6, 30))
    slow = dues.DuesBook(fresh_db, as_of=date(2026, 6, 30), since="0000-01-01")
    for year in (2024, 2025, 2026):
        a, b = quick.member_year(person, year), slow.member_year(person, year)
        assert a.months == b.months and a.paid_to == b.paid_to and a.credit == b.credit
    assert quick.outstanding(person, "2026-06") == slow.outstanding(person, "2026-06")
