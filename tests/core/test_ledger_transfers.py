"""The ledger's 转入登记表 and 转出登记表: every 介绍信 of the period, with its 回执 as it
stood on the ledger's day. All people are fictional."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from branchdesk.core import members, settings, transfers
from branchdesk.core.ledger.yearly import export_ledger
from branchdesk.core.members import Member
from branchdesk.core.transfers import Letter

TODAY = date(2026, 11, 29)


def table(ws) -> list[dict]:
    headers = [c.value for c in ws[3]]
    return [dict(zip(headers, (_shown(c.value) for c in row))) for row in ws.iter_rows(min_row=4)
            if isinstance(row[0].value, int)]


def _shown(value):
    """A date cell (written as a real date) as its ISO day, for comparing."""
    return value.date().isoformat() if hasattr(value, "date") else value


def add(db, name, **fields) -> Member:
    fields.setdefault("join_date", "2000-07-01")
    return members.add(db, Member(name=name, gender="男", **fields), today=TODAY)


def branch_of_movers(db):
    settings.put(db, {"branch_name": "示例中学教工党支部"})
    came = add(db, "周八", branch_join_date="2026-03-06")
    transfers.save_letter_in(db, came.id, Letter("转入", "2026-03-05", "外组转字〔2026〕5号",
                                                 "示例县委组织部", dues_paid_to="2026-02"), today=TODAY)
    add(db, "郑九", branch_join_date="2026-05-01")  # no letter recorded
    add(db, "冯十", branch_join_date="2025-05-01")  # another year
    returned = add(db, "卫三")  # left and came back before letters were kept
    members.change_status(db, returned.id, "转出", date(2025, 1, 10))
    members.change_status(db, returned.id, "转入", date(2026, 8, 1))
    back = add(db, "孙七")
    out = transfers.transfer_out(db, back.id, Letter("转出", "2026-02-10", "示组转字〔2026〕2号",
                                                     "示例市第二中学党支部", 3, "2026-01"), today=TODAY)
    transfers.record_receipt(db, out.id, "2026-05-10", today=TODAY)  # the letter's last day
    late = add(db, "吴一")
    transfers.transfer_out(db, late.id, Letter("转出", "2026-06-01", "示组转字〔2026〕6号",
                                               "示例区委组织部（电话13800001234）", 3, "2026-05"),
                           today=TODAY)
    waiting = add(db, "陈二")
    transfers.transfer_out(db, waiting.id, Letter("转出", "2026-10-15", "示组转字〔2026〕9号",
                                                  "示例市人民医院党委", 3, "2026-10"), today=TODAY)


def test_transfer_sheets_list_the_years_letters(fresh_db, tmp_path):
    branch_of_movers(fresh_db)
    book = load_workbook(export_ledger(fresh_db, tmp_path / "台账.xlsx", year=2026, today=TODAY))
    ins = table(book["转入登记表"])
    assert [(r["姓名"], r["转入日期"], r["介绍信日期"], r["从何处转来"], r["介绍信编号"],
             r["党费交至"], r["备注"]) for r in ins] == [
        ("周八", "2026-03-06", "2026-03-05", "示例县委组织部", "外组转字〔2026〕5号", "2026年2月", None),
        ("郑九", "2026-05-01", None, None, None, None, "未登记介绍信"),
        ("卫三", "2026-08-01", None, None, None, None, "未登记介绍信")]
    assert book["转入登记表"]["A1"].value == "示例中学教工党支部党员组织关系转入登记表"
    outs = table(book["转出登记表"])
    assert [(r["序号"], r["姓名"], r["有效期至"], r["党费交至"], r["回执"]) for r in outs] == [
        (1, "孙七", "2026-05-10", "2026年1月", "已收回（2026-05-10）"),
        (2, "吴一", "2026-09-01", "2026年5月", "已过有效期，未收到回执"),
        (3, "陈二", "2027-01-15", "2026年10月", "待回执")]
    assert "共 3 人次" in book["转出登记表"]["A2"].value


def test_masked_ledger_masks_numbers_in_the_transfer_sheets(fresh_db, tmp_path):
    branch_of_movers(fresh_db)
    book = load_workbook(export_ledger(fresh_db, tmp_path / "台账.xlsx", year=2026, today=TODAY,
                                       mask=True))
    places = [r["转往"] for r in table(book["转出登记表"])]
    assert not any("13800001234" in p for p in places) and any("电话" in p for p in places)


def test_a_year_without_transfers_says_so(fresh_db, tmp_path):
    add(fresh_db, "张三")
    book = load_workbook(export_ledger(fresh_db, tmp_path / "台账.xlsx", year=2026, today=TODAY))
    for name in ("转入登记表", "转出登记表"):
        assert any(c.value == "本期无记录" for row in book[name].iter_rows() for c in row)


def test_roster_remark_gives_the_departure_date_of_a_mobile_member():
    from branchdesk.core.ledger.roster import remarks

    m = Member(name="李四", mobile=True, mobile_since="2026-03-01", mobile_destination="广东省深圳市")
    assert remarks(m) == "流动党员（2026-03-01外出），外出流向：广东省深圳市"
