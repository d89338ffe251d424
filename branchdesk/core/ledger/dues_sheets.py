"""The 党费收缴登记表 (member × month) and 党费收缴汇总 (month by month) sheets.

Income is personal data, and per band an amount gives the base away: the masked sheets
(U盘, ``--mask``) show each member only as 已交 / 未交 (部分, 免交) and the 交至年月, with no
base, rate or amount of anyone; the branch's totals stay (docs/privacy.md, docs/rules.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from branchdesk.core import dues, settings
from branchdesk.core.db import Database
from branchdesk.core.dues import MemberDues, MonthState
from branchdesk.core.ledger.blocks import RecordTable, add_record_sheet
from branchdesk.core.ledger.period import LedgerPeriod
from branchdesk.core.ledger.styles import NUMBER, TEXT, Column

REGISTER_SHEET = "党费收缴登记表"
SUMMARY_SHEET = "党费收缴汇总"
MONTHS = [f"{n}月" for n in range(1, 13)]


def _month_columns() -> list[Column]:
    return [Column(label, TEXT, width=3.9) for label in MONTHS]


REGISTER_COLUMNS = (Column("序号", NUMBER, width=2), Column("姓名", TEXT, max_width=4),
                    Column("交纳类别", TEXT, width=3), Column("计算基数", TEXT, width=4),
                    Column("比例", TEXT, width=2.2), Column("月应交", TEXT, width=3.2),
                    *_month_columns(), Column("应交合计", TEXT, width=3.6),
                    Column("已交合计", TEXT, width=3.6), Column("交至年月", TEXT, width=5.2))
MASKED_COLUMNS = (Column("序号", NUMBER, width=2), Column("姓名", TEXT, max_width=4),
                  *_month_columns(), Column("交至年月", TEXT, width=5))
SUMMARY_COLUMNS = (Column("月份", TEXT, width=4), Column("应交人数", NUMBER, width=4),
                   Column("已交足人数", NUMBER, width=4), Column("部分交纳", NUMBER, width=4),
                   Column("未交人数", NUMBER, width=4), Column("免交人数", NUMBER, width=4),
                   Column("应交金额（元）", TEXT, width=6), Column("已交金额（元）", TEXT, width=6),
                   Column("当月收款（元）", TEXT, width=6), Column("其中补交（元）", TEXT, width=6),
                   Column("其中预交（元）", TEXT, width=6))


@dataclass
class DuesYear:
    """One year's table and the payments received in it (for the 汇总's 当月收款)."""

    year: int
    as_of: date
    rows: list[MemberDues]
    received: list[int]  # 分 received in each month (by payment date)
    late: list[int]  # of which filled earlier months (补交)
    ahead: list[int]  # of which filled later months (预交)


def read_year(db: Database, year: int, as_of: date) -> DuesYear:
    """Everything both sheets need for ``year`` as of ``as_of``, read once."""
    book = dues.shared_book(db, as_of)
    if f"{year}-01-01" < book.since:  # an old year: every payment one by one
        book = dues.DuesBook(db, as_of=as_of, since="0000-01-01")
    rows = [book.member_year(m, year) for m in book.people(year)]
    received, late, ahead = [0] * 12, [0] * 12, [0] * 12
    for paid in book.paid.values():
        for paid_on, amount in paid:
            if paid_on[:4] == str(year):
                received[int(paid_on[5:7]) - 1] += amount
    for d in rows:  # the money of each payment that went into an earlier / a later month
        for month, f in d.filled.items():
            for paid_on, amount in f.slices:
                if paid_on[:4] == str(year) and paid_on[:7] != month:
                    (late if paid_on[:7] > month else ahead)[int(paid_on[5:7]) - 1] += amount
    return DuesYear(year, as_of, rows, received, late, ahead)


def cell_text(m: MonthState, mask: bool) -> str:
    """A month's cell: the amount paid (45.00, 45.00补 for 补交, 45.00预 for 预交, 20.00部分),
    or 未交 / 免交 / 待审批 / empty; masked: 已交 / 部分 / 未交 / — (nothing owed) only."""
    if mask and m.state == dues.EXEMPTED:
        return "—"  # 免交 would tell of hardship: masked, only "nothing owed"
    if mask or m.state in (dues.UNPAID, dues.EXEMPTED, dues.NOT_DUE):
        return m.text.split("·")[0] if mask else m.text
    amount = dues.yuan(m.paid)
    if m.state == dues.PART:
        return f"{amount}部分"
    return amount + ("补" if m.late else "预" if m.ahead else "") + ("超期" if m.overdue else "")


def register_rows(data: DuesYear, conf: dict, mask: bool) -> list[list[object]]:
    rows = []
    for number, d in enumerate(data.rows, start=1):
        months = [cell_text(m, mask) for m in d.months]
        paid_to = dues.month_label(d.paid_to) if d.paid_to else "—"
        if mask:
            rows.append([number, d.member.name, *months, paid_to])
            continue
        base, rate = dues.base_rate(d.base, conf)
        monthly = dues.monthly_due(d.base, conf) if d.base else None
        rows.append([number, d.member.name, d.category_text() or "未登记", base or "", rate or "",
                     dues.yuan(monthly) or "", *months, dues.yuan(d.due_total),
                     dues.yuan(d.paid_total), paid_to])
    return rows


def totals_row(data: DuesYear, mask: bool) -> list[object]:
    """合计: what was paid into each month, and the year's totals (branch figures)."""
    paid = [dues.yuan(sum(d.months[i].paid for d in data.rows)) for i in range(12)]
    if mask:
        return [None, "合计", *paid, ""]
    due = dues.yuan(sum(d.due_total for d in data.rows))
    return [None, "合计", "", "", "", "", *paid, due,
            dues.yuan(sum(d.paid_total for d in data.rows)), ""]


def add_register_sheet(wb: Workbook, db: Database, branch_name: str, period: LedgerPeriod, *,
                       mask: bool = False, data: list[DuesYear] | None = None) -> Worksheet:
    """The 党费收缴登记表 of each year of the period (normally one), with a 合计 row each."""
    conf = settings.get_all(db)
    data = data or [read_year(db, y, min(period.as_of, date(y, 12, 31))) for y in period.years]
    records: list[list[object]] = []
    for year in data:
        if year.rows:
            records += register_rows(year, conf, mask) + [totals_row(year, mask)]
    notes = [_legend(mask), *(_year_note(y) for y in data if len(data) > 1)]
    table = RecordTable(f"{branch_name}党费收缴登记表", _subtitle(period, data),
                        MASKED_COLUMNS if mask else REGISTER_COLUMNS, records, notes=notes)
    return add_record_sheet(wb, REGISTER_SHEET, table, mask=mask)


def add_summary_sheet(wb: Workbook, db: Database, branch_name: str, period: LedgerPeriod, *,
                      mask: bool = False, data: list[DuesYear] | None = None) -> Worksheet:
    """Month by month: members owing, paid, part, unpaid, exempt; amounts owed, paid into the
    month, received in it and how much of that was 补交 or 预交. Branch totals only."""
    data = data or [read_year(db, y, min(period.as_of, date(y, 12, 31))) for y in period.years]
    records = []
    for year in data:
        prefix = f"{year.year}年" if len(data) > 1 else ""
        records += [summary_row(year, i, prefix) for i in range(12)]
        records.append(_summary_total(year, prefix))
    table = RecordTable(f"{branch_name}党费收缴汇总", _subtitle(period, data), SUMMARY_COLUMNS,
                        records, notes=["已交金额：交入该月的党费（含补交、预交）；当月收款：该月实际收到的党费。"])
    return add_record_sheet(wb, SUMMARY_SHEET, table, mask=mask, freeze_columns=1)


def summary_row(data: DuesYear, index: int, prefix: str = "") -> list[object]:
    months = [d.months[index] for d in data.rows]
    owing = [m for m in months if m.state != dues.NOT_DUE]
    count = {s: sum(1 for m in owing if m.state == s) for s in
             (dues.PAID, dues.PART, dues.UNPAID, dues.EXEMPTED)}
    return [f"{prefix}{MONTHS[index]}", len(owing), count[dues.PAID], count[dues.PART],
            count[dues.UNPAID], count[dues.EXEMPTED], dues.yuan(sum(m.due or 0 for m in owing)),
            dues.yuan(sum(m.paid for m in months)), dues.yuan(data.received[index]),
            dues.yuan(data.late[index]), dues.yuan(data.ahead[index])]


def _summary_total(data: DuesYear, prefix: str) -> list[object]:
    rows = [summary_row(data, i) for i in range(12)]
    money = [dues.yuan(sum(dues.parse_yuan(r[c]) for r in rows)) for c in range(6, 11)]
    return [f"{prefix}全年合计", "", "", "", "", "", *money]


def _subtitle(period: LedgerPeriod, data: list[DuesYear]) -> str:
    when = data[-1].as_of if data else period.as_of
    return f"{period.label}　截至 {when.year}年{when.month}月{when.day}日"


def _legend(mask: bool) -> str:
    if mask:
        return "已交：该月已交足；部分：已交一部分；未交：应交未交；—：无需交纳；空白：不在本支部或尚未到期。"
    return ("各月为交入该月的金额：“补”为过月补交，“预”为提前预交，“部分”为未交足；"
            "“超期”为超过规定期限（一般为6个月）后补交；"
            "未交：应交未交；免交：经批准免交；待审批：预备党员待上级党委审批后交纳；空白：不在本支部或尚未到期。")


def _year_note(data: DuesYear) -> str:
    due = sum(d.due_total for d in data.rows)
    paid = sum(d.paid_total for d in data.rows)
    return f"{data.year}年：应交 {dues.yuan(due)} 元，已交 {dues.yuan(paid)} 元"
