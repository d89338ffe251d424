"""The meeting dialog while its date moves across today: the fields stay where they are, the
title follows the record, and a planned meeting expects the people its sign-in sheet lists.
All names are fictional."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog

from branchdesk.core import branch, meetings, members, printing
from branchdesk.ui.dialogs.meeting_dialog import MeetingDialog

TODAY = date.today()


@pytest.fixture
def committee_db(fresh_db):
    """Five members, three of them on the 支委 since 2010."""
    ids = [members.add(fresh_db, members.Member(name=name, join_date="2005-07-01",
                                                full_date="2006-07-01")).id
           for name in ("甲一", "乙二", "丙三", "丁四", "戊五")]
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, ids[0], "书记"),
                                     branch.CommitteeSeat(None, ids[1], "组织委员"),
                                     branch.CommitteeSeat(None, ids[2], "宣传委员")])
    return fresh_db


@pytest.fixture
def shown(qtbot):
    """Show a dialog; closed at the end without the 放弃修改 question."""
    dialogs = []

    def show(dialog):
        dialogs.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    yield show
    for dialog in dialogs:
        QDialog.done(dialog, QDialog.DialogCode.Rejected)


def set_date(dialog, value: date) -> None:
    editor = dialog.fields["date"].editor
    editor.setText(value.isoformat())
    editor.editingFinished.emit()
    QApplication.processEvents()  # the layout settles as it would before the next click


def positions(dialog) -> dict[str, QPoint]:
    widgets = {name: dialog.fields[name] for name in ("date", "place", "host_id", "topics")}
    widgets["attendance list"] = dialog.attendance.table
    return {name: w.mapTo(dialog, QPoint(0, 0)) for name, w in widgets.items()}


def test_fields_stay_still_when_the_date_crosses_today(app, committee_db, shown):
    dialog = shown(MeetingDialog(committee_db, None, kind=meetings.COMMITTEE))
    where = positions(dialog)
    set_date(dialog, TODAY - timedelta(days=20))  # 补录 banner
    assert "补录" in dialog.late_label.text()
    assert positions(dialog) == where
    set_date(dialog, TODAY + timedelta(days=7))  # planned: no banner, the plan note instead
    assert not dialog.planned_label.isHidden()
    assert positions(dialog) == where
    set_date(dialog, TODAY - timedelta(days=1))
    assert positions(dialog) == where


def test_title_follows_the_kind_and_date(app, committee_db, shown):
    dialog = shown(MeetingDialog(committee_db, None, kind=meetings.GENERAL))
    assert dialog.windowTitle() == f"新建会议记录 — 支部党员大会（{TODAY.isoformat()}）"
    dialog.fields["kind"].editor.setCurrentIndex(
        dialog.fields["kind"].editor.findData(meetings.COMMITTEE))
    set_date(dialog, date(2026, 3, 5))
    assert dialog.windowTitle() == "新建会议记录 — 支部委员会会议（2026-03-05）"
    dialog.fields["topics"].editor.setPlainText("研究工作")
    dialog.save()
    edit = shown(MeetingDialog(committee_db, meetings.get(committee_db, dialog.saved.id)))
    assert edit.windowTitle() == "编辑会议记录 — 支部委员会会议（2026-03-05）"
    set_date(edit, date(2026, 3, 6))
    assert edit.windowTitle() == "编辑会议记录 — 支部委员会会议（2026-03-06）"


def test_a_planned_meeting_expects_who_its_sign_in_sheet_lists(app, committee_db, shown, qtbot):
    from branchdesk.ui.meetings_tab import MeetingsTab

    planned = meetings.save(committee_db, meetings.Meeting(
        kind=meetings.COMMITTEE, date=(TODAY + timedelta(days=10)).isoformat(),
        topics=["研究下月工作"]))
    sheet = printing.signin_sheet(committee_db, planned)
    assert sheet.member_count == 3
    summary = next(s for s in meetings.list_meetings(committee_db) if s.meeting.id == planned.id)
    assert summary.counts.expected == 3 and not summary.attendance_recorded

    tab = MeetingsTab(committee_db)
    qtbot.addWidget(tab)
    tab.set_filters(year=planned.the_date.year)
    row = next(r for r in range(tab.proxy.rowCount())
               if tab.proxy.record_at(r).meeting.id == planned.id)
    cells = {tab.proxy.headerData(c, Qt.Orientation.Horizontal): tab.proxy.index(row, c).data()
             for c in range(tab.proxy.columnCount())}
    assert (cells["应到"], cells["实到"], cells["请假"], cells["缺席"]) == ("3", "", "", "")

    dialog = shown(MeetingDialog(committee_db, meetings.get(committee_db, planned.id)))
    totals = dialog.attendance.totals.text()
    assert totals.startswith("应到 3 人") and "实到" not in totals and "出席率" not in totals
    set_date(dialog, TODAY - timedelta(days=1))  # held after all: the marks can be made
    assert "实到 3 人" in dialog.attendance.totals.text()


def test_title_names_the_group_and_the_theme_day(app, committee_db, shown):
    group = branch.ensure_group(committee_db, "第一党小组")
    dialog = shown(MeetingDialog(committee_db, None, kind=meetings.GROUP, group_id=group))
    assert dialog.windowTitle() == f"新建会议记录 — 第一党小组会（{TODAY.isoformat()}）"
    theme = shown(MeetingDialog(committee_db, None, kind=meetings.THEME_DAY))
    set_date(theme, date(2026, 3, 28))
    assert theme.windowTitle() == "新建主题党日记录（2026-03-28）"
