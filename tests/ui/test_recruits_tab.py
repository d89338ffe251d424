"""The 发展党员 tab driven offscreen: people by stage with next step and deadline (overdue in
red), a person's 25-step timeline, recording a step, and one click from 审批 to the roll."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from branchdesk.core import members, recruitment as rc
from branchdesk.ui.dialogs.recruit_dialogs import PersonDialog, StepDialog
from branchdesk.ui.recruits_tab import RED, RecruitsTab


def _tab(db, qtbot):
    tab = RecruitsTab(db)
    qtbot.addWidget(tab)
    return tab


def _select(tab, stage):
    row = next(i for i, r in enumerate(tab.proxy.shown_records()) if r.stage == stage)
    tab.view.selectRow(row)
    return tab.proxy.shown_records()[row]


def test_people_by_stage_with_overdue_in_red(app, qtbot, tmp_path):
    from branchdesk.core import demo

    db = demo.create_demo(tmp_path / "d.sqlite3")  # dated back from today, as the tab judges
    tab = _tab(db, qtbot)
    stages = [tab.model.index(i, 1).data() for i in range(tab.model.rowCount())]
    assert stages == ["入党申请人", "入党申请人", "入党积极分子", "入党积极分子", "发展对象", "待审批"]
    late = next(i for i in range(tab.model.rowCount())
                if "已逾期" in (tab.model.index(i, 3).data() or ""))
    assert tab.model.index(late, 2).data() == "第2步 党组织派人谈话"
    assert tab.model.index(late, 2).data(Qt.ItemDataRole.ForegroundRole).color().name() == RED
    assert "1 人有逾期事项" in tab.count_label.text()


def test_timeline_and_admission_to_the_roll(app, qtbot, tmp_path, monkeypatch):
    from branchdesk.core import demo

    db = demo.create_demo(tmp_path / "d.sqlite3")
    tab = _tab(db, qtbot)
    row = _select(tab, "待审批")
    assert tab.timeline.rowCount() == 25
    assert tab.timeline.item(14, 2).text() == "已完成"  # 支部大会
    assert tab.timeline.item(16, 2).text() == "待办"  # 审批
    assert not tab.button_admit.isEnabled()

    approved = (date.today() - timedelta(days=3)).isoformat()

    def approve(dialog):
        assert dialog.number() == rc.APPROVAL  # the next step is offered
        dialog.date.setText(approved)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(StepDialog, "exec", approve)
    tab.timeline.cellDoubleClicked.emit(16, 0)
    assert tab.button_admit.isEnabled()
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda *a, **k: ("第一党小组", True))
    roll_before = len(members.list_members(db))
    tab.button_admit.click()
    added = [m for m in members.list_members(db) if m.name == row.name]
    assert len(members.list_members(db)) == roll_before + 1 and len(added) == 1
    assert added[0].category == "预备党员"
    assert added[0].join_date == str(row.recruit.on(rc.GENERAL_MEETING))
    assert tab.selected().stage == "预备党员"
    assert tab.timeline.item(18, 2).text() == "已完成"  # 编入党支部和党小组


def test_new_applicant_dialog_validates_like_the_roll(app, fresh_db, qtbot, monkeypatch):
    tab = _tab(fresh_db, qtbot)

    def fill(dialog: PersonDialog):
        dialog.fields["name"].setText("郑新")
        dialog.applied.setText("2026-01-05")
        dialog.fields["phone"].setText("123")
        dialog.save()
        assert "联系电话格式不对" in dialog.error.text() and dialog.result() == 0
        dialog.fields["phone"].setText("13900001111")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(PersonDialog, "exec", fill)
    tab.button_add_person.click()
    (person,) = rc.list_recruits(fresh_db)
    assert (person.name, person.phone, str(person.on(rc.APPLY))) == ("郑新", "13900001111", "2026-01-05")
    assert tab.model.rowCount() == 1 and members.list_members(fresh_db) == []


def test_finding_on_the_dashboard_opens_the_person(app, demo_db, qtbot):
    from branchdesk.core import rules
    from branchdesk.ui.main_window import MainWindow

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    target = next(f.target for f in rules.report(demo_db, 2026, date(2026, 11, 29)).findings
                  if f.rule == "recruit_talk")
    window.navigate(target)
    tab = window.current_tab()
    assert isinstance(tab, RecruitsTab) and tab.selected().id == target["id"]


def test_step_dialog_links_the_general_meeting_and_takes_its_counts(app, demo_db, qtbot):
    from branchdesk.core import meetings, quorum

    person = next(r for r in rc.list_recruits(demo_db) if rc.stage(r) == "发展对象")
    dialog = StepDialog(demo_db, person, rc.GENERAL_MEETING)
    qtbot.addWidget(dialog)
    held = meetings.list_meetings(demo_db, kinds=(meetings.GENERAL,))[0].meeting
    dialog.meeting.setCurrentIndex(dialog.meeting.findData(held.id))
    dialog.meeting.activated.emit(dialog.meeting.currentIndex())
    counts = quorum.meeting_counts(demo_db, meetings.get(demo_db, held.id))
    assert dialog.date.text() == held.date
    assert (dialog.votes[0].value(), dialog.votes[1].value()) == (counts.expected, counts.present)
    assert dialog.value().meeting_id == held.id


def test_step_dialog_says_what_is_wrong_and_keeps_the_input(app, demo_db, qtbot):
    person = next(r for r in rc.list_recruits(demo_db) if rc.stage(r) == "入党积极分子")
    dialog = StepDialog(demo_db, person, rc.INTRODUCERS)
    qtbot.addWidget(dialog)
    dialog.date.setText(str(person.on(rc.ACTIVIST)))
    dialog.people.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.save()
    assert "两名" in dialog.error.text() and dialog.result() == 0
    assert rc.INTRODUCERS not in rc.get(demo_db, person.id).steps


def test_people_to_choose_are_those_on_the_roll_on_the_steps_date(app, fresh_db, qtbot):
    members.add(fresh_db, members.Member(name="老党员", join_date="2000-07-01"))
    members.add(fresh_db, members.Member(name="新转入", join_date="2010-07-01",
                                         branch_join_date="2026-06-01"))
    person = rc.add(fresh_db, rc.Recruit(name="申请人"), "2025-01-05")
    dialog = StepDialog(fresh_db, person, rc.CONTACTS)
    qtbot.addWidget(dialog)

    def names():
        return [dialog.people.item(i).text() for i in range(dialog.people.count())]

    dialog.date.setText("2026-03-01")
    dialog.date.editingFinished.emit()
    assert names() == ["老党员"]
    dialog.people.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.date.setText("2026-07-01")
    dialog.date.editingFinished.emit()
    assert sorted(names()) == ["新转入", "老党员"] and dialog._chosen() == {1}


def test_ctrl_n_and_f1_on_the_tab(app, demo_db, qtbot, monkeypatch):
    from branchdesk.ui import help as guide
    from branchdesk.ui.main_window import MainWindow

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex([window.tabs.tabText(i) for i in range(window.tabs.count())]
                                .index("发展党员"))
    opened = []
    monkeypatch.setattr(PersonDialog, "exec", lambda dialog: opened.append(dialog) or 0)
    window.commands.new_record()
    assert len(opened) == 1 and opened[0].person is None
    assert guide.section_for(window.current_tab()) == "recruits"


def test_entries_and_history_of_the_selected_person(app, demo_db, qtbot, monkeypatch):
    tab = _tab(demo_db, qtbot)
    row = _select(tab, "待审批")
    kinds = [tab.entries.item(i, 0).text() for i in range(tab.entries.rowCount())]
    assert {"考察", "思想汇报", "公示"} <= set(kinds)
    assert tab.history.item(0).text().endswith("递交入党申请书")
    before = len(rc.get(demo_db, row.id).entries)
    tab.entries.selectRow(0)
    monkeypatch.setattr("branchdesk.ui.recruits_tab.confirm", lambda *a, **k: True)
    tab.remove_entry()
    assert len(rc.get(demo_db, row.id).entries) == before - 1
    assert tab.entries.rowCount() == before - 1


def _fits(view, column: int) -> bool:
    """The column lies wholly inside the visible part of the table."""
    left = view.horizontalHeader().sectionViewportPosition(column)
    return left >= 0 and left + view.columnWidth(column) <= view.viewport().width()


def test_next_step_deadline_and_timeline_readable_on_a_1024_screen(app, demo_db, qtbot):
    tab = _tab(demo_db, qtbot)
    tab.resize(1000, 620)
    tab.show()
    qtbot.waitExposed(tab)
    row = _select(tab, "待审批")
    qtbot.waitUntil(lambda: _fits(tab.view, 4), timeout=2000)  # the split is fitted after layout
    metrics = tab.view.fontMetrics()
    index = tab.proxy.shown_records().index(row)
    for column in (2, 3, 4):  # 下一步, 期限, 状态: whole text, inside the list
        text = tab.proxy.index(index, column).data()
        assert tab.view.columnWidth(column) >= metrics.horizontalAdvance(text), text
        assert _fits(tab.view, column)
    for column in range(4):  # the timeline's 步骤…日期/期限 in view, no sideways scrolling
        assert _fits(tab.timeline, column)
    explanation = tab.timeline.horizontalHeader().sectionViewportPosition(4)
    assert tab.timeline.viewport().width() - explanation >= 60  # 说明 shows its start


def test_material_hints_name_recruitment_papers_not_meeting_photos(app, demo_db, qtbot):
    from PySide6.QtWidgets import QLabel

    from branchdesk.ui.dialogs.recruit_dialogs import EntryDialog

    person = next(r for r in rc.list_recruits(demo_db) if rc.stage(r) == "发展对象")
    for dialog in (StepDialog(demo_db, person, rc.GENERAL_MEETING), EntryDialog(demo_db, person)):
        qtbot.addWidget(dialog)
        texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "扫描件" in texts and "会场照片" not in texts and "讲稿" not in texts


def test_on_a_wide_screen_the_spare_width_goes_to_the_timeline(app, demo_db, qtbot):
    tab = _tab(demo_db, qtbot)
    tab.resize(1340, 620)
    tab.show()
    qtbot.waitExposed(tab)
    _select(tab, "待审批")
    header = tab.view.horizontalHeader()
    fitted = sum(header.sectionSize(i) for i in range(header.count() - 1))
    qtbot.waitUntil(lambda: tab.split.sizes()[0] < fitted + 200)
    assert tab.split.sizes()[1] > tab.split.sizes()[0]
