"""The member form's lifecycle fields (外出日期, 联系人, 联系记录, 组织关系转接) and the status
dialog's 介绍信, driven as the secretary uses them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from branchdesk.core import members, settings, transfers
from branchdesk.core.dates import add_months
from branchdesk.ui.dialogs import status_dialog
from branchdesk.ui.dialogs.member_dialog import MemberDialog
from branchdesk.ui.dialogs.status_dialog import StatusDialog

TODAY = date.today()


@pytest.fixture
def member(fresh_db):
    return members.add(fresh_db, members.Member(name="李四", join_date="2000-01-01"))


def dialog_for(db, qtbot, m=None) -> MemberDialog:
    dialog = MemberDialog(db, members.get(db, m.id) if m else None)
    qtbot.addWidget(dialog)
    return dialog


def test_mobile_member_with_departure_contact_person_and_contacts(app, fresh_db, member, qtbot,
                                                                 monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog = dialog_for(fresh_db, qtbot, member)
    fields = dialog.fields
    assert not fields["mobile_contact"].editor.isEnabled()  # only meaningful when ticked
    fields["mobile"].editor.setChecked(True)
    since = add_months(TODAY, -2)
    fields["mobile_since"].editor.setText(since.isoformat())
    assert "尚不属于流动党员" in dialog.mobile_note.text()
    fields["mobile_destination"].editor.setText("广东省深圳市")
    fields["mobile_contact"].editor.setText("王五（深圳某公司党支部）")
    dialog.contacts.add_row(transfers.Contact((TODAY - timedelta(days=3)).isoformat(), "微信",
                                              "在深圳工作，参加当地组织生活"))
    dialog.save()
    assert dialog.result() == 1
    saved = members.get(fresh_db, member.id)
    assert (saved.mobile, saved.mobile_since, saved.mobile_contact) == (
        True, since.isoformat(), "王五（深圳某公司党支部）")
    assert [(c.way, c.note) for c in transfers.contacts(fresh_db, member.id)] == [
        ("微信", "在深圳工作，参加当地组织生活")]
    again = dialog_for(fresh_db, qtbot, member)
    assert again.contacts.table.rowCount() == 1


def test_departure_date_six_months_back_says_the_member_is_mobile(app, fresh_db, member, qtbot):
    dialog = dialog_for(fresh_db, qtbot, member)
    dialog.fields["mobile_since"].editor.setText(add_months(TODAY, -6).isoformat())
    assert "属于流动党员，请勾选“流动党员”" in dialog.mobile_note.text()
    assert dialog.mobile_note.isVisibleTo(dialog)
    dialog.fields["mobile"].editor.setChecked(True)
    assert dialog.mobile_note.text() == ""


def test_a_bad_contact_date_is_shown_on_its_page_and_nothing_is_saved(app, fresh_db, member,
                                                                     qtbot):
    dialog = dialog_for(fresh_db, qtbot, member)
    dialog.fields["phone"].editor.setText("13800001111")
    dialog.contacts.add_row(transfers.Contact("2026-02-30", "电话"))
    dialog.save()
    assert dialog.result() == 0
    assert dialog.tabs.currentWidget() is dialog.contacts
    assert "联系记录" in dialog.contacts.message.text() and dialog.contacts.message.isVisibleTo(dialog)
    assert members.get(fresh_db, member.id).phone == ""  # nothing half-written
    assert transfers.contacts(fresh_db, member.id) == []


def test_pending_transfer_out_and_its_receipt(app, fresh_db, member, qtbot):
    letter = transfers.transfer_out(fresh_db, member.id, transfers.Letter(
        "转出", (TODAY - timedelta(days=20)).isoformat(), "示组转字〔2026〕8号", "示例市第二中学党支部",
        3, "2026-11"))
    dialog = dialog_for(fresh_db, qtbot, member)
    page = dialog.letters
    assert "待回执" in page.out_state.text() and f"{letter.valid_until:%Y-%m-%d}" in page.out_state.text()
    page.receipt.setText((TODAY - timedelta(days=1)).isoformat())
    dialog.save()
    assert dialog.result() == 1
    assert transfers.get(fresh_db, letter.id).receipt_date == (TODAY - timedelta(days=1)).isoformat()
    assert "已于" in dialog_for(fresh_db, qtbot, member).letters.out_state.text()


def test_receipt_before_the_letter_is_refused_on_the_transfer_page(app, fresh_db, member, qtbot):
    letter = transfers.transfer_out(fresh_db, member.id, transfers.Letter(
        "转出", (TODAY - timedelta(days=20)).isoformat(), place="示例市第二中学党支部"))
    dialog = dialog_for(fresh_db, qtbot, member)
    dialog.letters.receipt.setText((TODAY - timedelta(days=30)).isoformat())
    dialog.save()
    assert dialog.result() == 0 and dialog.tabs.currentWidget() is dialog.letters
    assert "不能早于介绍信日期" in dialog.letters.message.text()
    assert transfers.get(fresh_db, letter.id).pending


def test_new_member_with_the_letter_received(app, fresh_db, qtbot):
    dialog = dialog_for(fresh_db, qtbot)
    dialog.fields["name"].editor.setText("周八")
    dialog.fields["join_date"].editor.setText("2010-07-01")
    page = dialog.letters
    page.in_date.setText("2026.3.5")
    page.in_number.setText("外组转字〔2026〕5号")
    page.in_place.setText("示例县委组织部")
    page.in_dues.setText("2026年2月")
    dialog.save()
    assert dialog.result() == 1
    [letter] = transfers.letters(fresh_db, dialog.saved.id)
    assert (letter.direction, letter.letter_date, letter.place, letter.dues_paid_to) == (
        "转入", "2026-03-05", "示例县委组织部", "2026-02")


def test_full_date_off_the_end_of_probation_asks_for_the_reason(app, fresh_db, qtbot, monkeypatch):
    joined = add_months(TODAY, -14)
    m = members.add(fresh_db, members.Member(name="吴九", category="预备党员",
                                             join_date=joined.isoformat()))
    asked = []

    def answer(parent, title, label, *a, **k):
        asked.append(label)
        return "上级党委批准时间较晚", True
    monkeypatch.setattr(QInputDialog, "getText", answer)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog = dialog_for(fresh_db, qtbot, m)
    dialog.fields["category"].editor.setCurrentText("正式党员")
    dialog.fields["full_date"].editor.setText(add_months(TODAY, -1).isoformat())
    dialog.save()
    assert dialog.result() == 1 and "预备期满之日" in asked[0]
    assert members.history(fresh_db, m.id)[-1]["reason"] == "上级党委批准时间较晚"


def test_cancelling_the_reason_saves_nothing(app, fresh_db, qtbot, monkeypatch):
    m = members.add(fresh_db, members.Member(name="吴九", category="预备党员",
                                             join_date=add_months(TODAY, -14).isoformat()))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog = dialog_for(fresh_db, qtbot, m)
    dialog.fields["category"].editor.setCurrentText("正式党员")
    dialog.fields["full_date"].editor.setText(add_months(TODAY, -1).isoformat())
    dialog.save()
    assert dialog.result() == 0 and members.get(fresh_db, m.id).category == "预备党员"


# ---------------------------------------------------------------- the status dialog

def status(db, qtbot, m) -> StatusDialog:
    dialog = StatusDialog(db, members.get(db, m.id))
    qtbot.addWidget(dialog)
    return dialog


def test_transfer_out_takes_its_letter(app, fresh_db, member, qtbot, monkeypatch):
    monkeypatch.setattr(status_dialog, "confirm", lambda *a, **k: True)
    settings.put(fresh_db, {"transfer_letter_months": 2})
    dialog = status(fresh_db, qtbot, member)
    dialog.kind.setCurrentText("去世")
    assert not dialog.letter_box.isVisibleTo(dialog)
    dialog.kind.setCurrentText("转出")
    assert dialog.letter_box.isVisibleTo(dialog) and dialog.valid.value() == 2
    assert dialog._when_label.text() == "介绍信日期"
    issued = TODAY - timedelta(days=5)
    dialog.when.editor.setText(issued.isoformat())
    dialog.when.editor.editingFinished.emit()
    assert f"介绍信有效期至 {add_months(issued, 2):%Y-%m-%d}" in dialog.hint.text()
    dialog.place.setText("示例市第二中学党支部")
    dialog.dues.setText("十一月")
    dialog.save()
    assert dialog.result() == 0 and "党费交至年月" in dialog.letter_fields["dues_paid_to"].message.text()
    assert members.get(fresh_db, member.id).active
    dialog.dues.setText("2026.11")
    dialog.save()
    assert dialog.result() == 1
    [letter] = transfers.letters(fresh_db, member.id)
    assert (letter.place, letter.valid_months, letter.dues_paid_to, letter.pending) == (
        "示例市第二中学党支部", 2, "2026-11", True)
    assert members.get(fresh_db, member.id).status == "转出"


def test_full_date_off_the_end_needs_a_reason_in_the_status_dialog(app, fresh_db, qtbot):
    joined = add_months(TODAY, -14)
    m = members.add(fresh_db, members.Member(name="吴九", category="预备党员",
                                             join_date=joined.isoformat()))
    dialog = status(fresh_db, qtbot, m)
    dialog.kind.setCurrentText("转正")
    assert not dialog.reason_field.has_message()  # the default is the end of the 预备期
    dialog.when.editor.setText((add_months(joined, 12) + timedelta(days=10)).isoformat())
    dialog.when.editor.editingFinished.emit()
    assert "预备期满之日" in dialog.reason_field.message.text()
    dialog.save()
    assert dialog.result() == 0 and members.get(fresh_db, m.id).category == "预备党员"
    dialog.reason.setText("支部大会延期召开")
    dialog.save()
    assert dialog.result() == 1
    assert members.history(fresh_db, m.id)[-1]["reason"] == "支部大会延期召开"


def test_abroad_then_back(app, fresh_db, member, qtbot):
    dialog = status(fresh_db, qtbot, member)
    kinds = [dialog.kind.itemText(i) for i in range(dialog.kind.count())]
    assert "出国出境" in kinds and "回国（境）" not in kinds
    dialog.kind.setCurrentText("出国出境")
    assert "联系记录" in dialog.hint.text()
    dialog.save()
    again = status(fresh_db, qtbot, member)
    kinds = [again.kind.itemText(i) for i in range(again.kind.count())]
    assert "回国（境）" in kinds and "出国出境" not in kinds


def test_members_tab_marks_a_pending_transfer_out(app, fresh_db, member, qtbot):
    from branchdesk.ui.members_tab import MembersTab

    letter = transfers.transfer_out(fresh_db, member.id, transfers.Letter(
        "转出", (TODAY - timedelta(days=3)).isoformat(), place="示例市第二中学党支部"))
    tab = MembersTab(fresh_db)
    qtbot.addWidget(tab)
    tab.status.setCurrentIndex(1)  # 已离开
    remark = tab.model.columns[-1].value(tab.proxy.record_at(0))
    assert remark.endswith("转出（待回执）")
    transfers.record_receipt(fresh_db, letter.id, TODAY)
    tab.refresh()
    assert "待回执" not in tab.model.columns[-1].value(tab.proxy.record_at(0))


def test_a_finding_about_a_pending_transfer_out_finds_the_member(app, fresh_db, member, qtbot):
    from branchdesk.ui.members_tab import MembersTab

    members.add(fresh_db, members.Member(name="王五", join_date="2000-01-01"))
    transfers.transfer_out(fresh_db, member.id, transfers.Letter(
        "转出", (TODAY - timedelta(days=3)).isoformat(), place="示例市第二中学党支部"))
    tab = MembersTab(fresh_db)
    qtbot.addWidget(tab)
    assert tab.status.currentIndex() == 0  # 在册党员: the member who left is not listed
    tab.select_member(member.id)
    assert tab.selected() is not None and tab.selected().id == member.id


def test_transfer_back_in_takes_the_letter_received(app, fresh_db, member, qtbot):
    transfers.transfer_out(fresh_db, member.id, transfers.Letter(
        "转出", (TODAY - timedelta(days=40)).isoformat(), place="示例市第二中学党支部"))
    dialog = status(fresh_db, qtbot, member)
    dialog.kind.setCurrentText("转入")
    assert dialog.letter_box.isVisibleTo(dialog) and not dialog.valid.isVisibleTo(dialog)
    assert dialog._place_label.text() == "从何处转来"
    dialog.place.setText("示例市第二中学党支部")
    dialog.letter_number.setText("外组转字〔2026〕7号")
    dialog.save()
    assert dialog.result() == 1 and members.get(fresh_db, member.id).active
    back = transfers.latest(fresh_db, member.id, "转入")
    assert (back.place, back.letter_number) == ("示例市第二中学党支部", "外组转字〔2026〕7号")
    assert member.id not in transfers.pending_out_ids(fresh_db)


def test_stopping_membership_says_when_removal_is_due(app, fresh_db, member, qtbot):
    settings.put(fresh_db, {"suspended_years": 3})
    dialog = status(fresh_db, qtbot, member)
    dialog.kind.setCurrentText("停止党籍")
    assert "满 3 年仍无法取得联系" in dialog.hint.text()
