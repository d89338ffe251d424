from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from branchdesk.core import members
from branchdesk.ui import record_tab  # the tabs ask before deleting through its confirm
from branchdesk.ui.dialogs.member_dialog import MemberDialog
from branchdesk.ui.members_tab import MembersTab


def shown_names(tab):
    return [tab.proxy.record_at(r).name for r in range(tab.proxy.rowCount())]


@pytest.fixture
def tab(app, fresh_db, qtbot):
    for name, category in (("张三", "正式党员"), ("李四", "预备党员"), ("张珊珊", "正式党员")):
        members.add(fresh_db, members.Member(name=name, category=category,
                                             join_date="2026-01-01" if category == "预备党员" else "2000-01-01"))
    widget = MembersTab(fresh_db)
    qtbot.addWidget(widget)
    return widget


def test_qt_dialogs_are_in_chinese(app, qtbot):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"


def test_model_passes_qtmodeltester(tab, qtmodeltester):
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)


def test_search_by_pinyin_initials(tab, qtbot):
    qtbot.keyClicks(tab.search, "zs")
    assert shown_names(tab) == ["张三", "张珊珊"]
    assert tab.count_label.text().startswith("显示 2 人　在册 3 人")
    tab.search.clear()
    tab.search.setText("李")  # QTest.keyClicks only types ASCII
    assert shown_names(tab) == ["李四"]


def test_filter_by_category_and_count_label(tab):
    tab.category.setCurrentText("预备党员")
    assert shown_names(tab) == ["李四"]
    assert "正式 2，预备 1" in tab.count_label.text()


def test_sort_by_name_column(tab):
    tab.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert shown_names(tab) == ["李四", "张三", "张珊珊"]


def test_selection_survives_typing_and_sorting_while_the_member_is_shown(tab, qtmodeltester):
    widths = [tab.view.columnWidth(c) for c in range(tab.proxy.columnCount())]
    tab.select_member(next(m.id for m in tab.model.rows() if m.name == "张珊珊"))
    tab.search.setText("zh")
    assert shown_names(tab) == ["张三", "张珊珊"] and tab.selected().name == "张珊珊"
    tab.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert shown_names(tab) == ["张珊珊", "张三"] and tab.selected().name == "张珊珊"
    tab.search.setText("zhangsh")  # 张三 hidden, 张珊珊 still there
    assert shown_names(tab) == ["张珊珊"] and tab.selected().name == "张珊珊"
    tab.search.setText("li")
    assert shown_names(tab) == ["李四"] and tab.selected() is None
    tab.search.setText("")
    assert shown_names(tab) == ["张珊珊", "张三", "李四"]
    assert [tab.view.columnWidth(c) for c in range(tab.proxy.columnCount())] == widths
    qtmodeltester.check(tab.proxy)


def row_texts(tab, row=0):
    return {tab.proxy.headerData(c, Qt.Orientation.Horizontal): tab.proxy.index(row, c).data()
            for c in range(tab.proxy.columnCount())}


def test_private_columns_masked_until_shown(app, fresh_db, qtbot):
    members.add(fresh_db, members.Member(
        name="王五", id_number="11010519491231002X", birth_date="1949-12-31",
        phone="13812345678", address="北京市朝阳区建国路1号", notes="原身份证号11010519491231002X已作废"))
    tab = MembersTab(fresh_db)
    qtbot.addWidget(tab)
    masked = row_texts(tab)
    assert masked["公民身份号码"] == "110105************" and masked["联系电话"] == "138****5678"
    assert masked["出生日期"] == "1949-12" and masked["家庭住址"] == "北京市朝阳区****"
    assert masked["备注"] == "原身份证号110105************已作废"
    id_column = list(masked).index("公民身份号码")
    masked_width = tab.view.columnWidth(id_column)
    tab.show_private.setChecked(True)
    shown = row_texts(tab)
    assert shown["公民身份号码"] == "11010519491231002X" and shown["联系电话"] == "13812345678"
    assert shown["出生日期"] == "1949-12-31" and shown["家庭住址"] == "北京市朝阳区建国路1号"
    assert tab.view.columnWidth(id_column) > masked_width  # the full number fits


def test_hiding_again_sorts_by_what_is_shown(app, fresh_db, qtbot):
    """Sorted by 出生日期 while shown, then hidden: the order must not keep telling which of
    two members born in the same month was born first."""
    for name, born in (("甲", "1968-07-20"), ("乙", "1968-07-05")):
        members.add(fresh_db, members.Member(name=name, birth_date=born))
    tab = MembersTab(fresh_db)
    qtbot.addWidget(tab)
    source_order = shown_names(tab)
    tab.show_private.setChecked(True)
    tab.view.sortByColumn(list(row_texts(tab)).index("出生日期"), Qt.SortOrder.AscendingOrder)
    assert shown_names(tab) == ["乙", "甲"]
    tab.show_private.setChecked(False)
    assert shown_names(tab) == source_order == ["甲", "乙"]


def test_add_member_dialog_marks_errors_and_keeps_input(app, fresh_db, qtbot):
    dialog = MemberDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.fields["name"].editor.setText("赵六")
    qtbot.keyClicks(dialog.fields["id_number"].editor, "110105194912310021")
    qtbot.keyClicks(dialog.fields["phone"].editor, "12345")
    dialog.save()
    assert dialog.result() == 0 and members.count(fresh_db) == 0
    assert "校验位" in dialog.fields["id_number"].message.text()
    assert not dialog.fields["id_number"].message.isHidden()
    assert "联系电话" in dialog.fields["phone"].message.text()
    assert dialog.fields["name"].editor.text() == "赵六"  # nothing typed is lost
    dialog.fields["id_number"].editor.setText("11010519491231002x")
    dialog.fields["id_number"].editor.editingFinished.emit()
    assert dialog.fields["birth_date"].editor.text() == "1949-12-31"
    dialog.fields["phone"].editor.setText("13800000000")
    dialog.fields["join_date"].editor.setText("1975.7")
    dialog.save()
    saved = members.get(fresh_db, dialog.saved.id)
    assert (saved.name, saved.id_number, saved.gender, saved.join_date) == (
        "赵六", "11010519491231002X", "女", "1975-07-01")


def test_warning_asks_before_saving(app, fresh_db, qtbot, monkeypatch):
    dialog = MemberDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.fields["name"].editor.setText("钱七")
    dialog.fields["id_number"].editor.setText("11010519491231002X")
    dialog.fields["gender"].editor.setCurrentText("男")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.save()
    assert members.count(fresh_db) == 0
    assert "性别与身份证号不一致" in dialog.fields["gender"].message.text()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.save()
    assert members.count(fresh_db) == 1


def test_edit_member_from_tab(tab, qtbot, monkeypatch):
    def fake_exec(dialog):
        dialog.fields["job"].editor.setText("教务处主任")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(MemberDialog, "exec", fake_exec)
    tab.select_member(members.search(tab.db, "李四")[0].id)
    tab.edit_selected()
    assert members.search(tab.db, "李四")[0].job == "教务处主任"
    assert tab.selected().name == "李四"


def test_delete_asks_first_and_refusal_keeps_member(tab, monkeypatch):
    tab.select_member(members.search(tab.db, "张三")[0].id)
    monkeypatch.setattr(record_tab, "confirm", lambda *a, **k: False)
    tab.delete_selected()
    assert members.count(tab.db) == 3
    monkeypatch.setattr(record_tab, "confirm", lambda *a, **k: True)
    tab.delete_selected()
    assert members.count(tab.db) == 2
    assert "张三" not in shown_names(tab)


def test_status_change_moves_member_off_the_roll(tab, monkeypatch):
    from branchdesk.ui.dialogs import status_dialog
    from branchdesk.ui.dialogs.status_dialog import StatusDialog

    member = members.search(tab.db, "张三")[0]
    dialog = StatusDialog(tab.db, member)
    dialog.kind.setCurrentText("转出")
    dialog.when.editor.setText("2026-06-30")
    dialog.reason.setText("工作调动")
    monkeypatch.setattr(status_dialog, "confirm", lambda *a, **k: True)
    dialog.save()
    tab.refresh()
    assert "张三" not in shown_names(tab)
    tab.status.setCurrentIndex(1)
    assert shown_names(tab) == ["张三"]
    assert members.roll_as_of(tab.db, date(2026, 6, 29))


def test_extending_probation_asks_for_the_months_and_shows_the_new_end(tab, qtbot):
    from branchdesk.ui.dialogs.status_dialog import StatusDialog

    member = members.search(tab.db, "李四")[0]  # 预备党员 since 2026-01-01
    dialog = StatusDialog(tab.db, member)
    qtbot.addWidget(dialog)
    assert dialog.months.isHidden()
    dialog.kind.setCurrentText("延长预备期")
    assert not dialog.months.isHidden() and dialog.months.minimum() == 6
    dialog.months.setValue(12)
    assert "延长后预备期至 2028-01-01 届满" in dialog.hint.text()
    dialog.when.editor.setText("2026-12-20")
    dialog.save()
    assert dialog.result() == 1
    assert members.probation_ends(tab.db, [member])[member.id] == date(2028, 1, 1)
    again = StatusDialog(tab.db, members.get(tab.db, member.id))
    qtbot.addWidget(again)
    kinds = [again.kind.itemText(i) for i in range(again.kind.count())]
    assert "延长预备期" not in kinds  # only once
    again.kind.setCurrentText("转正")
    assert again.when.editor.value() == date(2028, 1, 1)  # the extended end


def test_lazy_tab_reads_its_data_when_first_shown(app, fresh_db, qtbot):
    members.add(fresh_db, members.Member(name="王五", join_date="2000-01-01"))
    tab = MembersTab(fresh_db, lazy=True)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 0
    tab.show()
    assert shown_names(tab) == ["王五"] and not tab.property("stale")


def test_columns_fit_their_widest_text(tab):
    from PySide6.QtWidgets import QTableView

    from branchdesk.ui.models import fit_columns

    members.add(tab.db, members.Member(name="欧阳长名字同志", join_date="2000-01-01"))
    tab.refresh()
    metrics = tab.view.fontMetrics()
    assert tab.view.columnWidth(0) > metrics.horizontalAdvance("欧阳长名字同志")
    reference = QTableView()  # Qt's own measuring, for comparison
    reference.setModel(tab.proxy)
    reference.resizeColumnsToContents()
    fit_columns(tab.view)
    for column in range(tab.model.columnCount() - 1):  # the last column stretches
        assert tab.view.columnWidth(column) >= reference.columnWidth(column) - 2


def test_status_dialog_offers_probation_decisions_only_to_probationary(app, fresh_db, qtbot):
    from branchdesk.ui.dialogs.status_dialog import StatusDialog

    full = members.add(fresh_db, members.Member(name="甲", join_date="2000-01-01"))
    probation = members.add(fresh_db, members.Member(name="乙", category="预备党员",
                                                     join_date="2026-01-10"))
    kinds = lambda d: [d.kind.itemText(i) for i in range(d.kind.count())]  # noqa: E731
    assert "取消预备党员资格" not in kinds(StatusDialog(fresh_db, full))
    dialog = StatusDialog(fresh_db, probation)
    qtbot.addWidget(dialog)
    assert kinds(dialog)[:3] == ["转正", "延长预备期", "取消预备党员资格"]
    assert dialog.when.editor.text() == "2027-01-10"  # 转正 defaults to the end of the 预备期
    assert "党龄" in dialog.hint.text()
    dialog.kind.setCurrentText("转出")
    assert dialog.when.editor.value() == date.today()


def test_lost_contact_date_and_destination_follow_their_boxes(app, fresh_db, qtbot):
    dialog = MemberDialog(fresh_db, None)
    qtbot.addWidget(dialog)
    date_edit = dialog.fields["lost_contact_date"].editor
    destination = dialog.fields["mobile_destination"].editor
    assert not date_edit.isEnabled() and not destination.isEnabled()
    dialog.fields["lost_contact"].editor.setChecked(True)
    dialog.fields["mobile"].editor.setChecked(True)
    assert date_edit.isEnabled() and destination.isEnabled()


def test_a_birth_month_is_completed_from_the_id_number_in_either_order(app, fresh_db, qtbot):
    dialog = MemberDialog(fresh_db, None)
    qtbot.addWidget(dialog)
    birth, number = dialog.fields["birth_date"].editor, dialog.fields["id_number"].editor
    birth.setText("1949.12")
    birth.editingFinished.emit()
    assert birth.text() == "1949-12"  # given to the month: shown so, not as the 1st
    number.setText("11010519491231002X")
    number.editingFinished.emit()
    assert birth.text() == "1949-12-31"
    birth.setText("1949年12月")
    birth.editingFinished.emit()
    assert birth.text() == "1949-12-31"
    dialog.fields["name"].editor.setText("孙八")
    dialog.save()
    assert dialog.result() == 1 and dialog.saved.birth_date == "1949-12-31"


def test_observation_is_registered_for_one_or_two_years_and_then_restored(app, fresh_db, qtbot):
    from branchdesk.ui.dialogs.status_dialog import StatusDialog

    member = members.add(fresh_db, members.Member(name="甲", join_date="2000-01-01"))
    dialog = StatusDialog(fresh_db, member)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentText("留党察看")
    assert not dialog.months.isHidden()
    assert (dialog.months.minimum(), dialog.months.maximum()) == (12, 24)
    dialog.when.editor.setText("2026-03-01")
    dialog.when.editor.editingFinished.emit()
    dialog.months.stepUp()
    assert dialog.months.value() == 24 and "察看期至 2028-03-01" in dialog.hint.text()
    assert "表决权" in dialog.hint.text()
    dialog.save()
    assert dialog.result() == 1
    assert members.observation(fresh_db, member.id) == (date(2026, 3, 1), date(2028, 3, 1))
    again = StatusDialog(fresh_db, members.get(fresh_db, member.id))
    qtbot.addWidget(again)
    kinds = [again.kind.itemText(i) for i in range(again.kind.count())]
    assert "恢复党员权利" in kinds and "留党察看" not in kinds


def test_an_exemption_is_entered_with_dates_and_reason(app, fresh_db, qtbot):
    member = members.add(fresh_db, members.Member(name="甲", join_date="2000-01-01"))
    dialog = MemberDialog(fresh_db, member)
    qtbot.addWidget(dialog)
    assert dialog.tabs.tabText(1) == "不作硬性要求"
    dialog.exemptions.add_row(members.Exemption("老弱病残", "2026.1.5"))
    dialog.save()
    assert dialog.result() == 0 and dialog.tabs.currentWidget() is dialog.exemptions
    assert "原因" in dialog.exemptions.message.text()
    dialog.exemptions.table.item(0, 3).setText("年逾八旬，卧床，经支委会研究同意")
    dialog.save()
    assert dialog.result() == 1
    assert [(x.kind, x.start_date, x.end_date) for x in members.exemptions(fresh_db, member.id)] \
        == [("老弱病残", "2026-01-05", None)]
    again = MemberDialog(fresh_db, members.get(fresh_db, member.id))
    qtbot.addWidget(again)
    assert again.exemptions.items()[0].reason == "年逾八旬，卧床，经支委会研究同意"
    again.tabs.setCurrentWidget(again.exemptions)
    again.show()
    again.grab().save("/tmp/member_exemptions.png")
