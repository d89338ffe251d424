"""The 党费收缴登记表 and 党费收缴汇总 sheets of the yearly ledger, plain and masked."""

from datetime import date

import openpyxl
import pytest

from branchdesk.core import dues, members
from branchdesk.core.dues import Base, Payment, Relief
from branchdesk.core.ledger.yearly import export_ledger
from branchdesk.core.members import Member

TODAY = date(2026, 12, 31)


@pytest.fixture
def branch(fresh_db):
    a = members.add(fresh_db, Member(name="张三", join_date="2010-01-01"), today=TODAY)
    b = members.add(fresh_db, Member(name="李四", join_date="2010-01-01"), today=TODAY)
    dues.set_base(fresh_db, Base(a.id, "2026-01-01", dues.WORKING, 1234567))  # 2%: 246.91
    dues.set_base(fresh_db, Base(b.id, "2026-01-01", dues.RETIRED, 400000))  # 0.5%: 20.00
    for month in range(1, 13):
        dues.add_payment(fresh_db, Payment(a.id, f"2026-{month:02d}-08", 24691), today=TODAY)
    dues.add_payment(fresh_db, Payment(b.id, "2026-04-02", 8000), today=TODAY)  # Jan–Apr: 补交
    dues.add_relief(fresh_db, Relief(b.id, dues.EXEMPT, "2026-10", None, None, "2026-09-10",
                                     "2026-09-20", "因病生活困难"))
    return fresh_db


def rows_of(ws):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=4)]


def test_register_sheet_lists_members_by_month_with_totals(branch, tmp_path):
    wb = openpyxl.load_workbook(export_ledger(branch, tmp_path / "l.xlsx", year=2026, today=TODAY))
    ws = wb["党费收缴登记表"]
    assert ws["A1"].value.endswith("党费收缴登记表")
    assert [c.value for c in ws[3]][:8] == ["序号", "姓名", "交纳类别", "计算基数", "比例", "月应交",
                                            "1月", "2月"]
    zhang, li, total = rows_of(ws)[:3]
    assert zhang[1:6] == ["张三", "在职", "12345.67", "2%", "246.91"]
    assert zhang[6:18] == ["246.91"] * 12 and zhang[18:] == ["2962.92", "2962.92", "2026年12月"]
    assert li[6:10] == ["20.00补", "20.00补", "20.00补", "20.00"]
    assert li[10:15] == ["未交"] * 5 and li[15:18] == ["免交"] * 3
    assert li[18:] == ["180.00", "80.00", "2026年4月"]
    assert total[1] == "合计" and total[6] == "266.91" and total[18:20] == ["3142.92", "3042.92"]


def test_summary_sheet_counts_and_money_by_month(branch, tmp_path):
    wb = openpyxl.load_workbook(export_ledger(branch, tmp_path / "l.xlsx", year=2026, today=TODAY))
    rows = rows_of(wb["党费收缴汇总"])
    april, may, october = rows[3], rows[4], rows[9]
    assert april == ["4月", 2, 2, 0, 0, 0, "266.91", "266.91", "326.91", "60.00", "0.00"]
    assert may[:6] == ["5月", 2, 1, 0, 1, 0] and october[5] == 1
    assert rows[12][0] == "全年合计" and rows[12][6:9] == ["3142.92", "3042.92", "3042.92"]


def test_masked_sheets_show_no_income_nor_amount_per_member(branch, tmp_path):
    wb = openpyxl.load_workbook(export_ledger(branch, tmp_path / "m.xlsx", year=2026, today=TODAY,
                                              mask=True))
    ws = wb["党费收缴登记表"]
    header = [c.value for c in ws[3]]
    assert "计算基数" not in header and "比例" not in header and "月应交" not in header
    zhang, li, total = rows_of(ws)[:3]
    assert zhang == [1, "张三", *["已交"] * 12, "2026年12月"]
    assert li[2:6] == ["已交"] * 4 and li[6] == "未交" and li[11:14] == ["—"] * 3
    text = " ".join(str(v) for row in rows_of(ws)[:2] for v in row)
    assert "12345" not in text and "246.91" not in text and "免交" not in text
    assert total[1] == "合计" and total[2] == "266.91"  # the branch's totals stay
