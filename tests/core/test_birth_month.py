"""出生年月 given only to the month: completed from the ID number when year and month agree."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from branchdesk.core import idcard, members
from branchdesk.core.dates import month_only
from branchdesk.core.importing import plan_file
from branchdesk.core.members import Member

TODAY = date(2026, 11, 1)
ID_MARCH = idcard.make_valid("11010519700315001")  # born 1970-03-15
ID_AUGUST = idcard.make_valid("11010519750809002")  # born 1975-08-09


@pytest.mark.parametrize("text, expected", [
    ("1970.03", (1970, 3)), ("1975年8月", (1975, 8)), ("197508", (1975, 8)),
    ("1970-03", (1970, 3)), ("１９７０．０３", (1970, 3)), ("1970-03-15", None),
    ("19700315", None), ("", None), (None, None), (1970.03, None), ("1970.13", None)])
def test_month_only_recognises_dates_given_to_the_month(text, expected):
    assert month_only(text) == expected


@pytest.mark.parametrize("typed", ["1970.03", "1970年3月", "197003", "1970-03"])
def test_a_birth_month_agreeing_with_the_id_takes_the_full_date_without_warning(typed):
    m, issues = members.prepare(Member(name="张三", id_number=ID_MARCH, birth_date=typed), TODAY)
    assert m.birth_date == "1970-03-15"
    assert "birth_date" not in issues.warnings


def test_a_birth_month_disagreeing_with_the_id_is_flagged():
    m, issues = members.prepare(Member(name="张三", id_number=ID_MARCH, birth_date="1970.04"),
                                TODAY)
    assert "1970-03-15" in issues.warnings["birth_date"]
    assert m.birth_date == "1970-04-01"  # kept as typed (to the month) for the user to decide


def test_a_full_birth_date_disagreeing_with_the_id_is_still_flagged():
    _, issues = members.prepare(Member(name="张三", id_number=ID_MARCH, birth_date="1970-03-01"),
                                TODAY)
    assert "不一致" in issues.warnings["birth_date"]


def test_completed_birth_date_for_the_member_dialog():
    assert members.completed_birth_date("1970.03", ID_MARCH) == "1970-03-15"
    assert members.completed_birth_date("", ID_MARCH) == "1970-03-15"
    assert members.completed_birth_date("1970.04", ID_MARCH) == "1970.04"
    assert members.completed_birth_date("1970.03", "12345") is None


def test_import_of_birth_months_gives_full_dates_and_no_warnings(tmp_path, fresh_db):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "公民身份号码", "出生年月", "人员类别"])
    sheet.append(["张三", ID_MARCH, 1970.03, "正式"])  # a number, as Excel keeps 1970.03
    sheet.append(["李四", ID_AUGUST, "1975年8月", "正式"])
    sheet.append(["王五", idcard.make_valid("11010519800101003"), "1980.02", "正式"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    rows = plan_file(fresh_db, path, today=TODAY).rows
    assert [r.member.birth_date for r in rows] == ["1970-03-15", "1975-08-09", "1980-02-01"]
    assert not any("出生日期" in w for r in rows[:2] for w in r.warnings)
    assert any("出生日期与身份证号不一致" in w for w in rows[2].warnings)
