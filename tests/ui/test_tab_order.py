"""Tab in every dialog goes from field to field in reading order (as the layout shows them),
starts at the first field, and never stops where nothing shows the focus or gets stuck in a
text box."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QAbstractSpinBox, QApplication, QComboBox,
                               QFormLayout, QGridLayout, QLineEdit, QPlainTextEdit, QScrollArea,
                               QSplitter, QTabWidget, QTextEdit, QWidget)

from branchdesk.core import meetings, members, talks

# Widgets that take the focus as one, whatever they hold (a combo box's line edit, a table's
# cells: Tab moves between a table's cells by itself).
WHOLE = (QComboBox, QAbstractSpinBox, QAbstractItemView, QTextEdit, QPlainTextEdit)


def _whole(widget: QWidget, root: QWidget) -> QWidget:
    found, parent = widget, widget
    while parent is not None and parent is not root:
        if isinstance(parent, WHOLE):
            found = parent
        parent = parent.parentWidget()
    return found


def _stop(widget: QWidget, root: QWidget) -> bool:
    """Tab can land on ``widget`` now."""
    return (widget.window() is root and widget.isVisibleTo(root) and widget.isEnabled()
            and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            and widget.focusProxy() is None)


def _unique(widgets: list[QWidget]) -> list[QWidget]:
    out: list[QWidget] = []
    for widget in widgets:
        if not any(widget is seen for seen in out):
            out.append(widget)
    return out


def tab_stops(root: QWidget) -> list[QWidget]:
    """Where Tab goes, in order: the focus chain from the dialog."""
    out, widget = [], root.nextInFocusChain()
    while widget is not root:
        if _stop(widget, root):
            out.append(_whole(widget, root))
        widget = widget.nextInFocusChain()
    return _unique(out)


def reading_order(root: QWidget) -> list[QWidget]:
    """The same widgets in the order the layouts show them: boxes top to bottom, grids row by
    row, forms label then field, the page of a tab widget that is showing."""
    out: list[QWidget] = []

    def widget(w: QWidget) -> None:
        out.append(w)
        if isinstance(w, QTabWidget):
            out.append(w.tabBar())
            widget(w.currentWidget())
        elif isinstance(w, QScrollArea):
            widget(w.widget())
        elif isinstance(w, QSplitter):
            for i in range(w.count()):
                widget(w.widget(i))
        elif not isinstance(w, WHOLE) and w.layout() is not None:
            layout(w.layout())

    def layout(lay) -> None:
        items = [lay.itemAt(i) for i in range(lay.count())]
        if isinstance(lay, QGridLayout):
            places = [lay.getItemPosition(i)[:2] for i in range(lay.count())]
            items = [item for _, item in sorted(zip(places, items), key=lambda p: p[0])]
        elif isinstance(lay, QFormLayout):
            roles = (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                     QFormLayout.ItemRole.SpanningRole)
            items = [lay.itemAt(row, role) for row in range(lay.rowCount()) for role in roles]
        for item in filter(None, items):
            if item.widget() is not None:
                widget(item.widget())
            elif item.layout() is not None:
                layout(item.layout())

    layout(root.layout())
    return _unique([_whole(w, root) for w in out if _stop(w, root)])


def _dialogs(db, folder):
    from branchdesk.core import idcard
    from branchdesk.ui.dialogs.appraisal_dialog import AppraisalDialog
    from branchdesk.ui.dialogs.backup_dialog import BackupSettingsDialog, RestoreDialog
    from branchdesk.ui.dialogs.import_dialog import ImportDialog
    from branchdesk.ui.dialogs.ledger_dialog import LedgerDialog
    from branchdesk.ui.dialogs.meeting_dialog import MeetingDialog
    from branchdesk.ui.dialogs.member_dialog import MemberDialog
    from branchdesk.ui.dialogs.package_dialog import PackageDialog
    from branchdesk.ui.dialogs.password_dialog import PasswordDialog
    from branchdesk.ui.dialogs.profile_dialog import ProfileDialog
    from branchdesk.ui.dialogs.rules_dialog import RulesDialog
    from branchdesk.ui.dialogs.status_dialog import StatusDialog
    from branchdesk.ui.dialogs.talk_dialog import TalkDialog
    from branchdesk.ui.dialogs.unlock_dialog import (RecoveryKeyDialog, RecoveryResetDialog,
                                                     UnlockDialog)
    from branchdesk.ui.startup import WelcomeDialog
    from tests.ui.test_import_dialog import roster

    member = members.list_members(db)[0]
    theme_day = next(s for s in meetings.list_meetings(db) if s.meeting.kind == meetings.THEME_DAY)
    return {
        "新增党员": lambda: MemberDialog(db),
        "编辑党员": lambda: MemberDialog(db, member),
        "组织关系变动": lambda: StatusDialog(db, member),
        "新建会议": lambda: MeetingDialog(db),
        "编辑会议": lambda: MeetingDialog(db, meetings.get(db, meetings.list_meetings(db)[0].meeting.id)),
        "主题党日": lambda: MeetingDialog(db, meetings.get(db, theme_day.meeting.id)),
        "谈心谈话": lambda: TalkDialog(db, talks.get(db, talks.list_talks(db)[0].id)),
        "民主评议": lambda: AppraisalDialog(db),
        "支部信息": lambda: ProfileDialog(db),
        "检查规则": lambda: RulesDialog(db),
        "密码": lambda: PasswordDialog(db),
        "输入密码": lambda: UnlockDialog(db.path),
        "恢复密钥": lambda: RecoveryKeyDialog("-".join(["ABCDE"] * 11)),
        "用恢复密钥设新密码": lambda: RecoveryResetDialog(db.path),
        "导出年度台账": lambda: LedgerDialog(db),
        "导出到U盘": lambda: PackageDialog(db, find_drives=lambda: []),
        "恢复备份": lambda: RestoreDialog(db.path),
        "备份设置": lambda: BackupSettingsDialog(db),
        "欢迎": lambda: WelcomeDialog(),
        "导入花名册": lambda: ImportDialog(db, roster(folder / "r.xlsx", [
            ["甲", "男", idcard.make_valid("11010519800101001"), "2001.07", "正式"]])),
    }


NAMES = [  # the keys of _dialogs(), for the test ids
    "新增党员", "编辑党员", "组织关系变动", "新建会议", "编辑会议", "主题党日", "谈心谈话", "民主评议",
    "支部信息", "检查规则", "密码", "输入密码", "恢复密钥", "用恢复密钥设新密码", "导出年度台账", "导出到U盘", "恢复备份", "备份设置", "欢迎",
    "导入花名册"]


def pages(dialog):
    """Each page of each tab widget in turn (just the dialog when it has none)."""
    tab_widgets = dialog.findChildren(QTabWidget)
    if not tab_widgets:
        yield "—"
    for tabs in tab_widgets:
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            yield tabs.tabText(i)


def describe(widgets) -> list[str]:
    """Class and (for buttons and labels) text, to read a failure."""
    return [f"{type(w).__name__} {w.text() if hasattr(w, 'text') and not isinstance(w, QLineEdit) else ''}"
            .strip() for w in widgets]


@pytest.mark.parametrize("name", NAMES)
def test_tab_follows_the_reading_order(app, demo_db, qtbot, tmp_path, name):
    made = _dialogs(demo_db, tmp_path)
    assert sorted(made) == sorted(NAMES)
    dialog = made[name]()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)  # it gives out the focus then
    first = QApplication.focusWidget()
    expected_first = reading_order(dialog)[0]
    assert first is not None and _whole(first, dialog) is expected_first, (
        f"{name}: opens on {describe([first])}, not {describe([expected_first])}")
    for page in pages(dialog):
        stops, order = tab_stops(dialog), reading_order(dialog)
        assert [id(w) for w in stops] == [id(w) for w in order], (
            f"{name} / {page}:\nTab goes {describe(stops)}\nshown as {describe(order)}")
        boxes = [w for w in dialog.findChildren(QPlainTextEdit) if not w.isReadOnly()]
        assert all(box.tabChangesFocus() for box in boxes), f"{name}: Tab types a tab in a text box"
        assert not [w for w in stops if isinstance(w, QScrollArea)], f"{name}: Tab stops on a scroll area"


def test_pressing_tab_walks_the_member_form(app, demo_db, qtbot):
    """What a user sees: from 姓名, Tab goes to 性别, 民族, 公民身份号码 … down the first column."""
    from branchdesk.ui.dialogs.member_dialog import MemberDialog

    dialog = MemberDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    fields = dialog.fields
    assert QApplication.focusWidget() is fields["name"].editor  # ready to type the name
    visited = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(_whole(QApplication.focusWidget(), dialog))
    assert visited == [fields[n].editor for n in ("gender", "ethnicity", "id_number", "birth_date",
                                                  "native_place", "education")]
    notes = fields["notes"].editor
    notes.setFocus()
    qtbot.keyClick(notes, Qt.Key.Key_Tab)
    assert notes.toPlainText() == "" and not notes.hasFocus()  # moved on, typed nothing


def test_tabbing_through_a_date_changes_nothing(app, qtbot):
    """A date field passed through with Tab (or left as its dialog closes) does not announce a
    change: the meeting dialog would rebuild its attendance list for nothing."""
    from branchdesk.ui.widgets import DateEdit

    field = DateEdit()
    qtbot.addWidget(field)
    field.set_value("2026-06-20")
    with qtbot.assertNotEmitted(field.date_changed):
        field.editingFinished.emit()
    field.setText("2026.7.1")
    with qtbot.waitSignal(field.date_changed, timeout=100):
        field.editingFinished.emit()
    assert field.text() == "2026-07-01"
    with qtbot.assertNotEmitted(field.date_changed):
        field.editingFinished.emit()
