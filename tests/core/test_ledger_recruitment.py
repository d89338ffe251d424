"""The 发展党员工作台账 sheet of the yearly ledger: one row per person, main step dates, stage,
next step and deadline; masked like the roll. All people are fictional."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from branchdesk.core import idcard, recruitment as rc
from branchdesk.core.ledger.yearly import export_ledger
from branchdesk.core.recruitment import Recruit, StepRecord

TODAY = date(2026, 11, 29)


def _rows(path):
    ws = load_workbook(path)["发展党员"]
    header = [c.value for c in ws[3]]
    return header, [dict(zip(header, [c.value for c in row])) for row in ws.iter_rows(min_row=4)
                    if row[1].value]


def _people(db):
    a = rc.add(db, Recruit(name="孙晓燕", id_number=idcard.make_valid("11010520000305102"),
                           phone="13912345678", job="教师"), "2026-10-20", today=TODAY)
    b = rc.add(db, Recruit(name="周立新"), "2025-01-10", today=TODAY)
    rc.record_step(db, b.id, StepRecord(2, "2025-01-25"), today=TODAY)
    rc.record_step(db, b.id, StepRecord(3, "2025-03-01"), today=TODAY)
    old = rc.add(db, Recruit(name="吴过去"), "2024-01-10", today=TODAY)
    rc.withdraw(db, old.id, date(2025, 6, 1), "本人撤回申请")
    return a, b


def test_sheet_lists_the_pipeline_with_dates_stage_and_next_step(fresh_db, tmp_path):
    _people(fresh_db)
    path = export_ledger(fresh_db, tmp_path / "l.xlsx", year=2026, today=TODAY)
    header, rows = _rows(path)
    assert header[:5] == ["序号", "姓名", "性别", "出生日期", "工作岗位/职务"]
    by_name = {r["姓名"]: r for r in rows}
    assert set(by_name) == {"孙晓燕", "周立新"}  # withdrawn in 2025: not in the 2026 ledger
    sun, zhou = by_name["孙晓燕"], by_name["周立新"]
    assert sun["所处阶段"] == "入党申请人" and sun["下一步"] == "第2步 党组织派人谈话"
    assert sun["期限"].date() == date(2026, 11, 19) and "逾期" in sun["备注"]
    assert sun["出生日期"].date() == date(2000, 3, 5)
    assert zhou["确定积极分子"].date() == date(2025, 3, 1) and zhou["所处阶段"] == "入党积极分子"


def test_masked_sheet_hides_birth_dates(fresh_db, tmp_path):
    _people(fresh_db)
    path = export_ledger(fresh_db, tmp_path / "l.xlsx", year=2026, today=TODAY, mask=True)
    _, rows = _rows(path)
    sun = next(r for r in rows if r["姓名"] == "孙晓燕")
    assert "2000-03-05" not in str(sun["出生日期"]) and "3月5日" not in str(sun["出生日期"])


def test_empty_pipeline_says_no_records(fresh_db, tmp_path):
    path = export_ledger(fresh_db, tmp_path / "l.xlsx", year=2026, today=TODAY)
    ws = load_workbook(path)["发展党员"]
    assert any(c.value == "本期无记录" for row in ws.iter_rows() for c in row)
