"""The 会议记录 tab and its dialogs, driven through the real widgets (offscreen).

Only message boxes, file dialogs and the print preview are replaced. All names are fictional.
"""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from branchdesk.core import appraisals, attachments, branch, meetings, members
from branchdesk.ui import attachment_panel as panel_module
from branchdesk.ui import record_tab  # the tabs ask before deleting through its confirm
from branchdesk.ui.dialogs import meeting_dialog as dialog_module
from branchdesk.ui.dialogs.appraisal_dialog import AppraisalDialog
from branchdesk.ui.dialogs.meeting_dialog import MeetingDialog
from branchdesk.ui.meetings_tab import MeetingsTab

YESTERDAY = date.today() - timedelta(days=1)
COLUMNS = {"日期": 0, "类型/名称": 2, "议题/题目": 3, "应到": 6, "实到": 7, "请假": 8, "缺席": 9,
           "附件": 10, "补录": 11}


@pytest.fixture
def branch_db(fresh_db):
    """Two 党小组, four members (甲一 is 书记), all on the roll since 2010."""
    g1, g2 = branch.ensure_group(fresh_db, "第一党小组"), branch.ensure_group(fresh_db, "第二党小组")
    people = {}
    for name, group in (("甲一", g1), ("乙二", g1), ("丙三", g2), ("丁四", g2)):
        people[name] = members.add(fresh_db, members.Member(
            name=name, group_id=group, join_date="2010-07-01", full_date="2011-07-01")).id
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, people["甲一"], "书记")])
    fresh_db.people, fresh_db.groups = people, (g1, g2)
    return fresh_db


@pytest.fixture
def tab(qtbot, branch_db):
    widget = MeetingsTab(branch_db)
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def no_confirm(monkeypatch):
    """Fail loudly if a dialog asks for confirmation the test did not expect."""
    def unexpected(*args, **kwargs):
        raise AssertionError(f"unexpected confirmation: {args[2] if len(args) > 2 else args}")
    monkeypatch.setattr(dialog_module, "confirm", unexpected)


def drive_modal(start, fill):
    """Call ``start`` (which exec()s a modal dialog) while ``fill(dialog)`` drives it."""
    problems, ran = [], []

    def step():
        ran.append(True)
        dialog = QApplication.activeModalWidget()
        try:
            fill(dialog)
        except BaseException as exc:  # re-raised below, after the dialog has closed
            problems.append(exc)
        finally:
            if dialog is not None and dialog.isVisible():
                dialog.reject()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(step)
    timer.start(0)
    start()
    timer.stop()
    if problems:
        raise problems[0]
    assert ran, "no modal dialog was opened"


def type_text(widget, text: str) -> None:
    """Type at the cursor (QTest.keyClicks only knows ASCII keys)."""
    widget.setFocus()
    if hasattr(widget, "insertPlainText"):
        widget.insertPlainText(text)
    else:
        widget.insert(text)


def set_date(dialog, value: date) -> None:
    editor = dialog.fields["date"].editor
    editor.setText(value.isoformat())
    editor.editingFinished.emit()


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def click_save(qtbot, dialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def mark(qtbot, dialog, member_id, status, reason) -> None:
    row = dialog.attendance.row_of(member_id)
    dialog.attendance.status_combo(row).setCurrentText(status)
    type_text(dialog.attendance.reason_edit(row), reason)


def row_texts(tab, meeting_id) -> dict[str, str]:
    for row in range(tab.proxy.rowCount()):
        if tab.proxy.record_at(row).meeting.id == meeting_id:
            return {title: tab.proxy.index(row, column).data() for title, column in COLUMNS.items()}
    raise AssertionError(f"meeting {meeting_id} is not shown")


def fill_general_meeting(qtbot, dialog, people) -> None:
    choose(dialog.fields["kind"].editor, meetings.GENERAL)
    set_date(dialog, YESTERDAY)
    qtbot.keyClicks(dialog.fields["start_time"].editor, "14:30")
    qtbot.keyClicks(dialog.fields["end_time"].editor, "1600")
    dialog.fields["end_time"].editor.editingFinished.emit()
    type_text(dialog.fields["place"].editor, "党员活动室")
    choose(dialog.fields["recorder_id"].editor, people["丁四"])
    dialog.fields["topics"].editor.setPlainText("学习支部工作条例\n研究发展党员工作\n")
    type_text(dialog.content, "书记传达了文件精神，大家逐条学习。")
    type_text(dialog.resolution, "全体同意。")
    mark(qtbot, dialog, people["乙二"], meetings.LEAVE, "出差")
    mark(qtbot, dialog, people["丙三"], meetings.ABSENT, "未请假")


# ---------------------------------------------------------------- create, reopen

def test_create_through_the_dialog_and_reopen_unchanged(qtbot, tab, branch_db, no_confirm):
    people = branch_db.people

    def fill(dialog):
        fill_general_meeting(qtbot, dialog, people)
        assert dialog.fields["host_id"].editor.currentData() == people["甲一"]  # the 书记
        assert dialog.attendance.totals.text().startswith("应到 4 人　实到 2 人　请假 1 人　缺席 1 人")
        click_save(qtbot, dialog)

    drive_modal(tab.button_add_meeting.click, fill)
    [summary] = meetings.list_meetings(branch_db)
    saved = meetings.get(branch_db, summary.meeting.id)
    assert (saved.start_time, saved.end_time, saved.place) == ("14:30", "16:00", "党员活动室")
    assert saved.topics == ["学习支部工作条例", "研究发展党员工作"]
    assert row_texts(tab, saved.id) == {
        "日期": YESTERDAY.isoformat(), "类型/名称": "支部党员大会",
        "议题/题目": "学习支部工作条例；研究发展党员工作", "应到": "4", "实到": "2", "请假": "1",
        "缺席": "1", "附件": "", "补录": ""}
    assert tab.selected().meeting.id == saved.id

    seen = {}

    def inspect(dialog):
        seen["topics"] = dialog.fields["topics"].editor.toPlainText()
        seen["content"] = dialog.content.toPlainText()
        seen["resolution"] = dialog.resolution.toPlainText()
        seen["host"] = dialog.fields["host_id"].editor.currentText()
        seen["recorder"] = dialog.fields["recorder_id"].editor.currentText()
        seen["marks"] = {e.name: (e.status, e.reason) for e in dialog.attendance.entries()}
        seen["late"] = dialog.late_label.isVisible()
        seen["meeting"] = dialog.meeting()

    drive_modal(tab.edit_selected, inspect)
    assert seen["topics"] == "学习支部工作条例\n研究发展党员工作"
    assert seen["content"] == "书记传达了文件精神，大家逐条学习。"
    assert seen["resolution"] == "全体同意。"
    assert (seen["host"], seen["recorder"]) == ("甲一", "丁四")
    assert seen["marks"] == {"甲一": ("出席", ""), "乙二": ("请假", "出差"),
                             "丙三": ("缺席", "未请假"), "丁四": ("出席", "")}
    assert not seen["late"]
    assert meetings.save(branch_db, seen["meeting"]).attendance == saved.attendance


def test_double_click_opens_the_editor(qtbot, tab, branch_db):
    meetings.save(branch_db, meetings.Meeting(kind=meetings.LECTURE, date="2026-03-01",
                                              lecture_title="传承红色基因"))
    tab.set_filters(year=2026)
    tab.show()
    qtbot.waitExposed(tab)
    opened = []
    index = tab.proxy.index(0, 3)
    rect = tab.view.visualRect(index)
    # an item view acts on a double click only after a press on the same cell
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    drive_modal(lambda: qtbot.mouseDClick(tab.view.viewport(), Qt.MouseButton.LeftButton,
                                          pos=rect.center()),
                lambda dialog: opened.append(dialog.fields["lecture_title"].editor.text()))
    assert opened == ["传承红色基因"]


def test_member_dialog_shows_the_attendance(qtbot, tab, branch_db, no_confirm):
    from branchdesk.ui.dialogs.member_dialog import MemberDialog

    drive_modal(tab.button_add_meeting.click,
                lambda d: (fill_general_meeting(qtbot, d, branch_db.people), click_save(qtbot, d)))
    dialog = MemberDialog(branch_db, members.get(branch_db, branch_db.people["乙二"]))
    qtbot.addWidget(dialog)
    table = dialog.attendance_table
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in (0, 1, 3, 4)] == [YESTERDAY.isoformat(), "党员大会",
                                                              "请假", "出差"]
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert f"{YESTERDAY.year}年共应参加 1 次，出席 0 次，请假 1 次，缺席 0 次" in texts
    assert any(t.startswith("暂无组织关系变动记录") for t in texts)


# ---------------------------------------------------------------- attendance panel

def test_group_meeting_list_follows_group_and_keeps_adjustments(qtbot, branch_db, no_confirm):
    people, (g1, _) = branch_db.people, branch_db.groups
    dialog = MeetingDialog(branch_db, None, kind=meetings.GROUP)
    qtbot.addWidget(dialog)
    assert dialog.attendance.entries() == []
    choose(dialog.fields["group_id"].editor, g1)
    assert [e.name for e in dialog.attendance.entries()] == ["甲一", "乙二"]
    mark(qtbot, dialog, people["乙二"], meetings.LEAVE, "病假")
    choose(dialog.attendance.candidates, people["丙三"])
    dialog.attendance.add_button.click()
    dialog.attendance.table.selectRow(dialog.attendance.row_of(people["甲一"]))
    dialog.attendance.remove_button.click()
    set_date(dialog, YESTERDAY - timedelta(days=1))  # recomputed: marks and changes survive
    marks = [(e.name, e.status, e.reason) for e in dialog.attendance.entries()]
    assert marks == [("乙二", "请假", "病假"), ("丙三", "出席", "")]
    assert dialog.attendance.totals.text().startswith("应到 2 人　实到 1 人　请假 1 人　缺席 0 人")
    dialog.save()
    assert [e.name for e in dialog.saved.attendance] == ["乙二", "丙三"]
    assert dialog.saved.title == "第一党小组会"


def test_all_present_button_clears_marks(qtbot, branch_db):
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    mark(qtbot, dialog, branch_db.people["丁四"], meetings.ABSENT, "外出")
    dialog.attendance.all_present_button.click()
    assert {e.status for e in dialog.attendance.entries()} == {"出席"}
    assert dialog.attendance.counts() == meetings.Counts(4, 4, 0, 0)


def test_missing_reason_asks_before_saving(qtbot, branch_db, monkeypatch):
    asked = []
    monkeypatch.setattr(dialog_module, "confirm", lambda *a, **k: asked.append(a[2]) or False)
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    dialog.attendance.set_mark(branch_db.people["丁四"], meetings.LEAVE)
    assert "丁四" in dialog.attendance.message.text()
    dialog.save()
    assert "丁四" in asked[0] and dialog.saved is None
    monkeypatch.setattr(dialog_module, "confirm", lambda *a, **k: True)
    dialog.save()
    assert dialog.saved is not None


# ---------------------------------------------------------------- validation

def test_errors_show_beside_fields_and_nothing_typed_is_lost(qtbot, branch_db, no_confirm):
    dialog = MeetingDialog(branch_db, None, kind=meetings.GROUP)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.fields["start_time"].editor, "15:00")
    qtbot.keyClicks(dialog.fields["end_time"].editor, "14:00")
    type_text(dialog.content, "很长的会议内容")
    dialog.save()
    assert dialog.saved is None and meetings.list_meetings(branch_db) == []
    assert dialog.fields["group_id"].message.text() == "党小组会请选择党小组"
    assert dialog.fields["end_time"].message.text() == "结束时间应晚于开始时间"
    assert not dialog.fields["group_id"].message.isHidden()
    assert dialog.content.toPlainText() == "很长的会议内容"
    assert dialog.fields["start_time"].editor.text() == "15:00"


def test_unreadable_date_is_named(qtbot, branch_db, no_confirm):
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    dialog.fields["date"].editor.setText("上周三")
    dialog.save()
    assert "无法识别的日期" in dialog.fields["date"].message.text()
    assert dialog.fields["date"].editor.text() == "上周三"


def test_enter_in_a_field_does_not_save(qtbot, branch_db):
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.fields["place"].editor, "会议室")
    qtbot.keyClick(dialog.fields["place"].editor, Qt.Key.Key_Return)
    assert dialog.saved is None and dialog.isVisible()


# ---------------------------------------------------------------- 补录, kinds

def test_late_entry_is_shown_in_the_list_and_the_dialog(qtbot, tab, branch_db):
    held = date(2026, 3, 2)
    old = meetings.save(branch_db, meetings.Meeting(kind=meetings.COMMITTEE, date=held.isoformat()),
                        today=held + timedelta(days=10))
    tab.set_filters(year=2026)
    assert row_texts(tab, old.id)["补录"] == "补录"
    dialog = MeetingDialog(branch_db, meetings.get(branch_db, old.id))
    qtbot.addWidget(dialog)
    # counted from when the row was really written (the test saved it today)
    assert dialog.late_label.text() == f"本记录为补录（会后 {(date.today() - held).days} 天录入）"
    assert not dialog.late_label.isHidden()


def test_new_meeting_with_an_old_date_warns_it_will_be_late(qtbot, branch_db):
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    assert dialog.late_label.isHidden()
    set_date(dialog, date.today() - timedelta(days=30))
    assert "将标记为“补录”" in dialog.late_label.text()


def test_kind_specific_fields(qtbot, branch_db, no_confirm):
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    form = dialog.forms["lecturer"]
    assert not form.isRowVisible(dialog.fields["lecturer"])
    choose(dialog.fields["kind"].editor, meetings.LIFE)
    assert dialog.tabs.isTabVisible(dialog_module.RECTIFY_TAB)
    choose(dialog.fields["held_as"].editor, meetings.COMMITTEE)
    assert [e.name for e in dialog.attendance.entries()] == ["甲一"]
    dialog.rectifications.add_row(meetings.Rectification("学习不够系统", "制定学习计划", "甲一",
                                                          "2026年12月"))
    dialog.save()
    assert dialog.saved.held_as == meetings.COMMITTEE
    assert dialog.saved.rectifications == [meetings.Rectification(
        "学习不够系统", "制定学习计划", "甲一", "2026-12-31", False)]  # a month: its last day


# ---------------------------------------------------------------- filters, delete, model

def test_filters_and_search(qtbot, tab, branch_db):
    g1 = branch_db.groups[0]
    for m in (meetings.Meeting(kind=meetings.GENERAL, date="2026-01-05", topics=["年度计划"]),
              meetings.Meeting(kind=meetings.GROUP, date="2026-02-05", group_id=g1,
                               content="交流学习体会"),
              meetings.Meeting(kind=meetings.GENERAL, date="2025-12-05"),
              meetings.Meeting(kind=meetings.THEME_DAY, date="2026-02-15", topics=["志愿服务"])):
        meetings.save(branch_db, m)
    tab.refresh()
    assert [tab.year.itemData(i) for i in range(tab.year.count())][:3] == [None, 2026, 2025]
    tab.set_filters(year=2026)
    assert tab.proxy.rowCount() == 2  # the 主题党日 has its own tab
    tab.set_filters(year=None, kind=meetings.GENERAL)
    assert tab.proxy.rowCount() == 2
    tab.set_filters(group_id=g1)
    assert tab.proxy.rowCount() == 1
    tab.set_filters()
    type_text(tab.search, "学习体会")
    assert [tab.proxy.record_at(0).meeting.date] == ["2026-02-05"] and tab.proxy.rowCount() == 1


@pytest.mark.parametrize("answer", [False, True])
def test_delete_asks_first(qtbot, tab, branch_db, monkeypatch, tmp_path, answer):
    m = meetings.Meeting(kind=meetings.GENERAL, date=YESTERDAY.isoformat())
    m.attendance = meetings.default_attendance(branch_db, m.kind, m.the_date)
    saved = meetings.save(branch_db, m)
    photo = tmp_path / "合影.jpg"
    photo.write_bytes(b"fictional")
    stored = attachments.add(branch_db, attachments.MEETING, saved.id, photo)
    tab.refresh()
    tab.select_meeting(saved.id)
    asked = []
    monkeypatch.setattr(record_tab, "confirm", lambda *a, **k: asked.append(a[2]) or answer)
    tab.button_delete_selected.click()
    assert "出勤记录和附件也会删除" in asked[0]
    assert (len(meetings.list_meetings(branch_db)) == 0) is answer
    assert attachments.path_of(branch_db, stored).exists() is not answer
    assert tab.proxy.rowCount() == (0 if answer else 1)


def test_model_passes_qtmodeltester(qtmodeltester, tab, branch_db):
    meetings.save(branch_db, meetings.Meeting(kind=meetings.GENERAL, date=YESTERDAY.isoformat(),
                                              topics=["一", "二"]))
    tab.refresh()
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)


# ---------------------------------------------------------------- attachments

def test_attachments_are_added_on_save_and_removed_after_confirm(qtbot, branch_db, tmp_path,
                                                                  monkeypatch, no_confirm):
    photo = tmp_path / "会场照片.jpg"
    photo.write_bytes(b"fictional photo")
    monkeypatch.setattr(panel_module.QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(photo)], "")))
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    dialog.files.add_files()
    assert dialog.tabs.tabText(dialog_module.FILES_TAB) == "附件（1）"
    assert attachments.list_for(branch_db, attachments.MEETING, 1) == []  # not before 保存
    dialog.save()
    [stored] = attachments.list_for(branch_db, attachments.MEETING, dialog.saved.id)
    assert stored.original_name == "会场照片.jpg"

    monkeypatch.setattr(panel_module, "confirm", lambda *a, **k: True)
    again = MeetingDialog(branch_db, meetings.get(branch_db, dialog.saved.id))
    qtbot.addWidget(again)
    again.files.table.selectRow(0)
    again.files.remove_selected()
    assert attachments.list_for(branch_db, attachments.MEETING, dialog.saved.id)  # until 保存
    again.save()
    assert attachments.list_for(branch_db, attachments.MEETING, dialog.saved.id) == []
    assert not attachments.path_of(branch_db, stored).exists()


def test_too_large_attachment_is_refused_at_once(qtbot, branch_db, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(panel_module, "show_error", lambda parent, error, *a: shown.append(str(error)))
    monkeypatch.setattr(attachments, "MAX_BYTES", 3)
    big = tmp_path / "录像.mp4"
    big.write_bytes(b"0123")
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    assert not dialog.files.add_path(big)
    assert "200 MB" in shown[0] and dialog.files.count() == 0


# ---------------------------------------------------------------- print

def test_print_buttons_preview_the_selected_meeting(qtbot, tab, branch_db, monkeypatch):
    preview = pytest.importorskip("branchdesk.ui.print.preview")
    saved = meetings.save(branch_db, meetings.Meeting(kind=meetings.GENERAL,
                                                      date=YESTERDAY.isoformat(), topics=["学习"]))
    tab.refresh()
    tab.select_meeting(saved.id)
    shown = []
    monkeypatch.setattr(preview, "preview_signin", lambda parent, sheet, *a: shown.append(sheet))
    monkeypatch.setattr(preview, "preview_minutes", lambda parent, page, *a: shown.append(page))
    tab.button_print_signin.click()
    tab.button_print_minutes.click()
    assert len(shown) == 2 and all("党员大会" in item.title for item in shown)


# ---------------------------------------------------------------- 民主评议

def test_appraisal_warns_when_too_many_excellent(qtbot, branch_db):
    people = branch_db.people
    probation = members.add(branch_db, members.Member(name="戊五", category="预备党员",
                                                      join_date="2026-01-10")).id
    dialog = AppraisalDialog(branch_db, year=2026)
    qtbot.addWidget(dialog)
    assert dialog.grades()[probation] == (appraisals.NOT_GRADED, "")
    dialog.grade_rest_qualified()
    dialog.set_grade(people["甲一"], "优秀")
    assert dialog.warning.isHidden()  # 1 of 4 graded
    dialog.set_grade(people["乙二"], "优秀")
    assert not dialog.warning.isHidden() and "50%" in dialog.warning.text()
    dialog.set_grade(people["乙二"], "合格")
    dialog.save()
    stored = appraisals.grades(branch_db, 2026)
    assert stored[people["甲一"]] == ("优秀", "") and stored[probation][0] == "不参加评议"


def test_appraisal_at_exactly_a_third_is_silent(qtbot, branch_db):
    members.change_status(branch_db, branch_db.people["丁四"], "转出", date(2026, 2, 1))
    dialog = AppraisalDialog(branch_db, year=2026)
    qtbot.addWidget(dialog)
    assert len(dialog.member_ids) == 3
    dialog.grade_rest_qualified()
    dialog.set_grade(branch_db.people["甲一"], "优秀")
    assert dialog.warning.isHidden()


def test_life_meeting_list_label_says_how_it_was_held(qtbot, tab, branch_db):
    g2 = branch_db.groups[1]
    saved = meetings.save(branch_db, meetings.Meeting(
        kind=meetings.LIFE, date=YESTERDAY.isoformat(), held_as=meetings.GROUP, group_id=g2))
    tab.refresh()
    assert row_texts(tab, saved.id)["类型/名称"] == "组织生活会（第二党小组）"


def test_show_target_from_the_dashboard(qtbot, tab, branch_db):
    g1 = branch_db.groups[0]
    group_meeting = meetings.save(branch_db, meetings.Meeting(kind=meetings.GROUP,
                                                              date="2025-05-12", group_id=g1))
    general = meetings.save(branch_db, meetings.Meeting(kind=meetings.GENERAL, date="2024-03-20"))
    tab.refresh()
    tab.show_target({"record": "meeting", "kind": meetings.GROUP, "group_id": g1, "year": 2025,
                     "ids": [group_meeting.id]})
    assert (tab.kind.currentData(), tab.group.currentData(), tab.year.currentData()) == \
        (meetings.GROUP, g1, 2025)
    assert tab.selected().meeting.id == group_meeting.id
    tab.show_target({"record": "meeting", "id": general.id})
    assert tab.year.currentData() == 2024 and tab.selected().meeting.id == general.id


@pytest.mark.parametrize("answer", [False, True])
def test_cancel_with_changes_asks_first(qtbot, branch_db, monkeypatch, answer):
    asked = []
    monkeypatch.setattr(dialog_module, "confirm", lambda *a, **k: asked.append(a[1]) or answer)
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()  # nothing typed: closes without asking
    assert asked == [] and not dialog.isVisible()
    dialog.show()
    type_text(dialog.content, "写了一半的记录")
    dialog.reject()
    assert asked == ["放弃修改"] and dialog.isVisible() is not answer


def test_a_meeting_dated_after_today_is_saved_as_a_plan(qtbot, tab, branch_db, no_confirm):
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    choose(dialog.fields["kind"].editor, meetings.COMMITTEE)
    assert dialog.planned_label.isHidden() and dialog.attendance.isEnabled()
    set_date(dialog, date.today() + timedelta(days=10))
    assert not dialog.planned_label.isHidden() and not dialog.attendance.isEnabled()
    dialog.fields["topics"].editor.setPlainText("研究下月工作")
    dialog.save()
    assert dialog.saved.attendance == []  # who attends is recorded after the meeting
    tab.refresh()
    assert row_texts(tab, dialog.saved.id)["日期"].endswith("（计划）")
    set_date(dialog, YESTERDAY)  # moved to a day that has passed: attendance can be entered
    assert dialog.planned_label.isHidden() and dialog.attendance.isEnabled()


def test_a_host_marked_absent_is_questioned_before_saving(qtbot, branch_db, monkeypatch):
    asked = []
    monkeypatch.setattr(dialog_module, "confirm", lambda *a, **k: asked.append(a[2]) or False)
    dialog = MeetingDialog(branch_db, None)
    qtbot.addWidget(dialog)
    choose(dialog.fields["kind"].editor, meetings.GENERAL)
    set_date(dialog, YESTERDAY)
    dialog.fields["topics"].editor.setPlainText("学习")
    choose(dialog.fields["host_id"].editor, branch_db.people["甲一"])
    mark(qtbot, dialog, branch_db.people["甲一"], meetings.ABSENT, "未请假")
    dialog.save()
    assert dialog.saved is None and "主持人甲一被登记为“缺席”" in asked[0]
    assert meetings.list_meetings(branch_db) == []  # answered 否: nothing saved


def test_attendance_post_does_not_repeat_the_group():
    from branchdesk.ui.attendance_widget import post_text

    leader = meetings.AttendanceEntry(1, "甲", group_name="第一党小组", role="第一党小组组长")
    assert post_text(leader) == "第一党小组 · 组长"
    secretary = meetings.AttendanceEntry(2, "乙", group_name="第一党小组", role="书记")
    assert post_text(secretary) == "第一党小组 · 书记"


def test_life_meeting_asks_for_its_counted_year(qtbot, branch_db):
    dialog = MeetingDialog(branch_db, None, kind=meetings.LIFE)
    qtbot.addWidget(dialog)
    dialog.fields["date"].editor.setText("2027-01-15")
    dialog.fields["date"].editor.editingFinished.emit()
    period = dialog.fields["period"]
    assert dialog.forms["period"].labelForField(period).text() == "计入年度"
    assert "留空为 2026" in period.editor.placeholderText()
    dialog.fields["topics"].editor.setPlainText("2026年度组织生活会")
    dialog.save()
    assert dialog.saved.period == "2026"
    other = MeetingDialog(branch_db, None, kind=meetings.LIFE)
    qtbot.addWidget(other)
    other.fields["date"].editor.setText("2027-01-15")
    other.fields["period"].editor.setText("2027年度")
    other.fields["topics"].editor.setPlainText("议题")
    other.save()
    assert other.saved.period == "2027"


def test_an_election_shows_who_may_be_left_out_and_the_four_fifths(qtbot, branch_db):
    dialog = MeetingDialog(branch_db, None, kind=meetings.GENERAL)
    qtbot.addWidget(dialog)
    table = dialog.attendance.table
    assert table.isColumnHidden(4) and "其中有表决权：应到 4 人　实到 4 人" in dialog.attendance.voting.text()
    dialog.fields["election"].editor.setChecked(True)
    assert not table.isColumnHidden(4)
    ids = branch_db.people
    dialog.attendance.set_mark(ids["丁四"], meetings.LEAVE, "长期患病卧床，经上级党组织同意")
    assert "未超过应到会 4 人的五分之四" in dialog.attendance.voting.text()
    table.item(dialog.attendance.row_of(ids["丁四"]), 4).setCheckState(Qt.CheckState.Checked)
    assert dialog.attendance.voting.text() == "其中有选举权：应到 3 人　实到 3 人（经批准不计入应到 1 人）"
    dialog.fields["topics"].editor.setPlainText("选举新一届支部委员会")
    dialog.save()
    assert dialog.saved.election and [a.excused for a in dialog.saved.attendance
                                       if a.member_id == ids["丁四"]] == [True]
