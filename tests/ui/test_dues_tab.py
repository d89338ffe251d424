"""The 党费 tab driven offscreen: the grid, 本月已交 for many members, a payment, a base,
search by pinyin, amounts hidden until asked, and a 工作台 finding opening it."""

from datetime import date

from PySide6.QtCore import Qt

from branchdesk.core import dues, members
from branchdesk.core.dues import Base
from branchdesk.core.members import Member
from branchdesk.ui.dialogs.dues_dialogs import BaseDialog, PaymentDialog, QuickEntryDialog
from branchdesk.ui.dues_tab import DuesTab

TODAY = date(2026, 3, 20)


def make_branch(db):
    people = {}
    for name in ("张三", "李四", "王五"):
        m = members.add(db, Member(name=name, join_date="2010-01-01"), today=TODAY)
        dues.set_base(db, Base(m.id, "2026-01-01", dues.WORKING, 400000))  # 40.00 a month
        people[name] = m
    return people


def cells(tab, row):
    return [tab.proxy.data(tab.proxy.index(row, c)) for c in range(tab.proxy.columnCount())]


def test_quick_entry_then_the_exceptions(app, fresh_db, qtbot, monkeypatch):
    people = make_branch(fresh_db)
    tab = DuesTab(fresh_db, today=TODAY)
    qtbot.addWidget(tab)
    assert tab.proxy.rowCount() == 3 and tab.chosen_month == "2026-03"
    assert cells(tab, 0)[3:6] == ["未交", "未交", "待交"]  # March: under way on 20 March

    def untick_li_and_save(dialog):
        assert dialog.total.text() == "共 3 人，合计 360.00 元"  # January–March each
        li = next(i for i, e in enumerate(dialog.entries) if e.member.name == "李四")
        dialog.list.item(li).setCheckState(Qt.CheckState.Unchecked)
        assert dialog.total.text() == "共 2 人，合计 240.00 元"
        dialog.receiver.setText("组织委员")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(QuickEntryDialog, "exec", untick_li_and_save)
    tab.button_quick_entry.click()
    rows = {cells(tab, r)[0]: cells(tab, r) for r in range(3)}
    assert rows["张三"][3:6] == ["已交·补", "已交·补", "已交"]
    assert rows["李四"][3:6] == ["未交", "未交", "待交"] and rows["李四"][-1] == "—"
    assert rows["张三"][-1] == "2026年3月"
    paid = dues.payments(fresh_db, people["张三"].id)[0]
    assert (paid.amount_fen, paid.receiver, paid.first_month) == (12000, "组织委员", "2026-03")
    assert "3月 2/3" in tab.totals.text()


def test_a_payment_for_the_selected_member(app, fresh_db, qtbot, monkeypatch):
    people = make_branch(fresh_db)
    tab = DuesTab(fresh_db, today=TODAY)
    qtbot.addWidget(tab)
    tab.select_record(people["王五"].id)

    def pay_part(dialog):
        assert dialog.amount.text() == "120.00"  # what is owed through March
        dialog.amount.setText("60")
        dialog.method.setCurrentText("转账")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(PaymentDialog, "exec", pay_part)
    tab.view.doubleClicked.emit(tab.view.currentIndex())
    row = next(cells(tab, r) for r in range(3) if cells(tab, r)[0] == "王五")
    assert row[3:6] == ["已交·补", "部分·补", "待交"]  # paid in March for January–February
    assert tab.selected().member.id == people["王五"].id  # the place is kept


def test_bad_amount_says_what_to_fix_and_writes_nothing(app, fresh_db, qtbot, monkeypatch):
    people = make_branch(fresh_db)
    shown = []
    monkeypatch.setattr("branchdesk.ui.dialogs.dues_dialogs.show_error",
                        lambda parent, error, *a: shown.append(str(error)))
    dialog = PaymentDialog(fresh_db, people["张三"], "2026-03", today=TODAY)
    qtbot.addWidget(dialog)
    dialog.amount.setText("四十元")
    dialog.save()
    assert shown and "不是金额" in shown[0] and dues.payments(fresh_db) == []


def test_base_dialog_previews_the_monthly_amount(app, fresh_db, qtbot):
    people = make_branch(fresh_db)
    dialog = BaseDialog(fresh_db, people["张三"], 2026)
    qtbot.addWidget(dialog)
    dialog.start.set_value("2026-07-01")
    dialog.base.setText("3000.01")
    assert dialog.preview.text() == "30.00 元"
    dialog.base.setText("3000")
    assert dialog.preview.text() == "15.00 元"
    dialog.category.setCurrentText(dues.STUDENT)
    assert dialog.preview.text() == "0.20 元" and not dialog.base.isEnabled()
    dialog.category.setCurrentText(dues.WORKING)
    dialog.save()
    assert [b.start_date for b in dues.bases(fresh_db, people["张三"].id)] == [
        "2026-01-01", "2026-07-01"]


def test_search_by_pinyin_and_amounts_hidden_until_asked(app, fresh_db, qtbot):
    make_branch(fresh_db)
    tab = DuesTab(fresh_db, today=TODAY)
    qtbot.addWidget(tab)
    assert cells(tab, 0)[2] == "＊＊"
    tab.show_money.setChecked(True)
    assert cells(tab, 0)[2] == "40.00"
    tab.search.setText("ls")
    assert tab.proxy.rowCount() == 1 and cells(tab, 0)[0] == "李四"
    tab.search.setText("wangwu")
    assert cells(tab, 0)[0] == "王五"


def test_dashboard_finding_opens_the_dues_tab_on_the_member(shown_window, qtbot):
    from branchdesk.core import rules

    window = shown_window
    finding = next(f for f in rules.report(window.db, 2026, date(2026, 11, 29)).findings
                   if f.rule.startswith("dues_unpaid"))
    window.navigate(finding.target)
    tab = window.current_tab()
    assert type(tab).__name__ == "DuesTab"
    assert tab.selected().member.id == finding.target["id"]


def test_transfer_out_letter_starts_with_the_months_paid(app, fresh_db, qtbot):
    from branchdesk.ui.dialogs.status_dialog import StatusDialog

    people = make_branch(fresh_db)
    dues.add_payment(fresh_db, dues.Payment(people["张三"].id, "2026-02-01", 8000), today=TODAY)
    dialog = StatusDialog(fresh_db, members.get(fresh_db, people["张三"].id))
    qtbot.addWidget(dialog)
    assert dialog.dues.text() == "2026-02"
