"""The mouse wheel over a dropdown or spin box nobody clicked into scrolls the list around it
and changes nothing. The wheel events are real: QTest.wheelEvent goes through the window
system's path (Qt picks the widget under the pointer, gives wheel focus, propagates)."""

from datetime import date

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from branchdesk.core import meetings

DOWN = -120  # one notch towards the user


def wheel_over(widget, delta: int = DOWN) -> None:
    """Turn the wheel with the pointer over the middle of ``widget``."""
    window = widget.window()
    position = widget.mapTo(window, widget.rect().center())
    QTest.wheelEvent(window.windowHandle(), QPointF(position), QPoint(0, delta))


@pytest.fixture
def show(qtbot):
    """Show a dialog; closed at the end without its 放弃修改 question (done() skips reject())."""
    shown = []

    def show(dialog):
        shown.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    yield show
    for dialog in shown:
        QDialog.done(dialog, QDialog.DialogCode.Rejected)
        dialog.deleteLater()


def test_wheel_over_an_attendance_row_scrolls_the_list(app, demo_db, show):
    from branchdesk.ui.dialogs.meeting_dialog import MeetingDialog

    dialog = show(MeetingDialog(demo_db, None, kind=meetings.GENERAL))
    dialog.fields["date"].editor.set_value(date(2026, 11, 20))
    dialog.fields["date"].editor.date_changed.emit()
    attendance = dialog.attendance
    bar = attendance.table.verticalScrollBar()
    assert bar.maximum() > 0  # a branch's roll is longer than the list
    combo = attendance.status_combo(1)
    before = attendance.totals.text()
    wheel_over(combo)
    assert combo.currentText() == meetings.PRESENT and attendance.totals.text() == before
    assert bar.value() > 0  # the wheel scrolled the list instead
    assert [e.status for e in attendance.entries()] == [meetings.PRESENT] * len(attendance.entries())
    combo.setFocus()  # clicked or tabbed into on purpose: the wheel may change it
    wheel_over(combo)
    assert combo.currentText() == meetings.LEAVE


def test_wheel_over_appraisal_grades_scrolls(app, demo_db, show):
    from branchdesk.ui.dialogs.appraisal_dialog import GRADE, AppraisalDialog

    dialog = show(AppraisalDialog(demo_db, year=2026))
    grades = [dialog.table.cellWidget(r, GRADE).currentText()
              for r in range(dialog.table.rowCount())]
    bar = dialog.table.verticalScrollBar()
    wheel_over(dialog.table.cellWidget(1, GRADE))
    wheel_over(dialog.table.cellWidget(2, GRADE), -DOWN)
    assert [dialog.table.cellWidget(r, GRADE).currentText()
            for r in range(dialog.table.rowCount())] == grades
    assert not dialog.dirty and bar.maximum() > 0


@pytest.mark.parametrize("opener", ["profile", "rules", "member"])
def test_wheel_changes_no_dropdown_or_spin_box_elsewhere(app, demo_db, show, opener):
    """The 支委 table's dropdowns, 检查规则's spin boxes, the member form's dropdowns."""
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox

    from branchdesk.core import members
    from branchdesk.ui.dialogs.member_dialog import MemberDialog
    from branchdesk.ui.dialogs.profile_dialog import ProfileDialog
    from branchdesk.ui.dialogs.rules_dialog import RulesDialog

    dialog = show({"profile": lambda: ProfileDialog(demo_db),
                          "rules": lambda: RulesDialog(demo_db),
                          "member": lambda: MemberDialog(demo_db, members.list_members(demo_db)[0]),
                          }[opener]())
    boxes = [w for w in dialog.findChildren(QComboBox) + dialog.findChildren(QAbstractSpinBox)
             if w.isVisible() and w.isEnabled()]
    assert boxes
    values = [value_of(w) for w in boxes]
    for box in boxes:
        wheel_over(box)
        wheel_over(box, -DOWN)
        wheel_over(box, -DOWN)
    assert [value_of(w) for w in boxes] == values


def value_of(widget):
    return widget.currentText() if hasattr(widget, "currentText") else widget.text()
