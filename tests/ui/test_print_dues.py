"""The 党费收缴签收表 and 党费收缴情况公示表: what they say (core/printing.py) and the PDF."""

from __future__ import annotations

import re
from datetime import date

from pypdf import PdfReader

from branchdesk.core import dues, members, printing
from branchdesk.core.dues import Base, Payment
from branchdesk.core.members import Member
from branchdesk.ui.print.signin import write_signin_pdf

TODAY = date(2026, 12, 31)


def branch(db):
    a = members.add(db, Member(name="张三", join_date="2010-01-01"), today=TODAY)
    b = members.add(db, Member(name="李四", join_date="2010-01-01"), today=TODAY)
    members.add(db, Member(name="王新", join_date="2026-08-10", category="预备党员"), today=TODAY)
    dues.set_base(db, Base(a.id, "2026-01-01", dues.WORKING, 600000))  # 90.00
    dues.set_base(db, Base(b.id, "2026-01-01", dues.STUDENT))
    dues.add_payment(db, Payment(a.id, "2026-03-03", 27000), today=TODAY)
    return a, b


def test_signin_sheet_lists_who_owes_the_month_with_the_amount(fresh_db):
    branch(fresh_db)
    sheet = printing.dues_signin_sheet(fresh_db, "2026-05", TODAY)
    assert sheet.title.endswith("2026年5月党费收缴签收表") and sheet.post_header == "应交（元）"
    assert [(r.name, r.post) for r in sheet.rows] == [("张三", "90.00"), ("李四", "0.20")]
    assert sheet.rows[0].note == "另欠1个月 90.00 元"  # April; January–March paid
    assert sheet.rows[1].note == "另欠4个月 0.80 元"
    assert [(t.label, t.value, t.unit) for t in sheet.totals] == [
        ("应交", 2, "人"), ("应交合计", "90.20", "元"), ("实收合计", None, "元")]
    assert sheet.file_name == "2026-05_党费收缴签收表.pdf"


def test_notice_shows_months_not_money_per_member(fresh_db):
    branch(fresh_db)
    notice = printing.dues_notice(fresh_db, 2026, TODAY)
    zhang = notice.rows[0]
    assert (zhang.name, zhang.post, zhang.sign) == ("张三", "2026年3月", "3/12")
    assert zhang.note == "未交足：4月至12月"
    text = " ".join(f"{r.post} {r.sign} {r.note}" for r in notice.rows)
    assert "90" not in text and "6000" not in text
    assert notice.totals[1].value == "1082.40" and notice.totals[2].value == "270.00"


def test_signin_pdf_pages(qapp, fresh_db, tmp_path):
    branch(fresh_db)
    path = tmp_path / "签收表.pdf"
    assert write_signin_pdf(printing.dues_signin_sheet(fresh_db, "2026-05", TODAY), path) == 1
    text = re.sub(r"\s+", "", PdfReader(path).pages[0].extract_text())
    assert "党费收缴签收表" in text and "张三" in text and "90.00" in text and "实收合计" in text
    path = tmp_path / "公示表.pdf"
    assert write_signin_pdf(printing.dues_notice(fresh_db, 2026, TODAY), path) == 1
    text = re.sub(r"\s+", "", PdfReader(path).pages[0].extract_text())
    assert "已交月数" in text and "3/12" in text
