"""The screen lock: idle timeout, Ctrl+L, data hidden, wrong passwords slowed, right one unlocks;
with the app's own edit dialogs open (opened through the tabs), everything is given back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QMessageBox,
                               QPushButton)

from branchdesk.core import encryption, keys, meetings, members, screen_lock, settings
from branchdesk.core.db import open_db
from branchdesk.ui import lock_screen, single_instance
from branchdesk.ui.dialogs.password_dialog import PasswordDialog
from branchdesk.ui.main_window import MainWindow

PASSWORD = "正确密码2026"


@pytest.fixture
def encrypted_db(demo_db, fast_kdf):
    """The demo branch with a password: encrypted, the lock checking the key file."""
    path = demo_db.path
    demo_db.close()
    encryption.set_password(path, PASSWORD)
    db = open_db(path)
    yield db
    db.close()


@pytest.fixture
def window(app, encrypted_db, qtbot):
    widget = MainWindow(encrypted_db)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def idle_lock(window, qtbot) -> None:
    window.locker.timer.setInterval(50)
    window.locker.timer.start()
    qtbot.waitUntil(lambda: window.locker.locked, timeout=2000)


def covered(widget) -> bool:
    """Whatever is drawn at the middle of ``widget`` is a lock cover over all of it."""
    middle = widget.childAt(QPoint(widget.width() // 2, widget.height() // 2))
    while middle is not None and not isinstance(middle, lock_screen.LockCover):
        middle = middle.parentWidget()
    return (middle is not None and middle.parentWidget() is widget
            and middle.geometry() == widget.rect())


def enter(window, qtbot, password: str) -> None:
    field = window.locker.screen.password
    field.setText(password)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def assert_locked_over(window, *hosts) -> None:
    """The lock screen takes input; every window named is covered and says 已锁定."""
    screen = window.locker.screen
    assert window.locker.locked and screen.isVisible() and screen.isWindow()
    assert screen.password.isEnabled() and screen.button.isEnabled()
    assert screen.parentWidget() is None  # no window can disable or hide it with itself
    assert QApplication.activeModalWidget() is screen
    for host in (window, *hosts):
        assert covered(host) and host.windowTitle() == lock_screen.LOCKED_TITLE


def blocked(widget) -> bool:
    """A key pressed for ``widget`` (as the window system delivers it, to its window) is refused."""
    widget.setFocus()
    before = widget.text()
    QTest.keyClick(widget.window().windowHandle(), Qt.Key.Key_X, Qt.KeyboardModifier.NoModifier)
    return widget.text() == before


def run_modal(open_dialog, scenario) -> None:
    """Call ``open_dialog`` (which exec()s a real dialog) while ``scenario(dialog)`` drives it.
    The dialog is closed afterwards if the scenario left it open; its failure is re-raised."""
    problems, ran = [], []

    def step():
        dialog = QApplication.activeModalWidget()
        ran.append(dialog)
        try:
            scenario(dialog)
        except BaseException as exc:  # re-raised below, once the dialog has closed
            problems.append(exc)
        finally:
            if isinstance(dialog, QDialog) and dialog.isVisible():
                QDialog.done(dialog, QDialog.DialogCode.Rejected)  # no 放弃修改 question

    QTimer.singleShot(0, step)
    open_dialog()
    if problems:
        raise problems[0]
    assert ran and ran[0] is not None, "no modal dialog was opened"


def open_tab(window, qtbot, key: str):
    """Click the tab ``key`` (members, meetings, theme_days, talks): it fills as it shows."""
    tab = getattr(window, f"{key}_tab")
    bar = window.tabs.tabBar()
    index = window.tabs.indexOf(tab.parentWidget())  # the tab's place (TabSlot)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitExposed(tab)
    assert window.current_tab() is tab
    return tab


def double_click_first_row(qtbot, view) -> None:
    rect = view.visualRect(view.model().index(0, 0))
    # an item view acts on a double click only after a press on the same cell
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_idle_timeout_locks_and_hides_everything(window, qtbot):
    branch = settings.get(window.db, "branch_name")
    assert branch and branch in window.windowTitle()
    open_tab(window, qtbot, "members").show_private.setChecked(True)
    idle_lock(window, qtbot)
    assert_locked_over(window)
    assert branch not in window.windowTitle()
    assert blocked(window.members_tab.search)
    for target in (window.locker.screen, window):  # Alt+F does not open the 文件 menu
        QTest.keyClick(target.windowHandle(), Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert window.locker.locked and QApplication.activePopupWidget() is None
    assert not window.members_tab.show_private.isChecked()  # masked again after unlocking


def test_wrong_password_rejected_right_one_unlocks(window, qtbot):
    open_tab(window, qtbot, "members")
    idle_lock(window, qtbot)
    enter(window, qtbot, "不对")
    assert window.locker.locked
    assert "密码不正确" in window.locker.screen.message.text()
    screen = window.locker.screen
    enter(window, qtbot, PASSWORD)
    assert not window.locker.locked and not screen.isVisible()
    assert not covered(window)
    assert settings.get(window.db, "branch_name") in window.windowTitle()
    assert window.centralWidget() is window.tabs and window.tabs.isVisible()
    assert not blocked(window.members_tab.search) and window.members_tab.search.text() == "x"
    assert window.locker.timer.isActive()  # counting idle time again


def test_wrong_passwords_slow_down(window, qtbot, monkeypatch):
    monkeypatch.setattr(screen_lock, "delay_after", lambda failures: 0.0 if failures < 2 else 0.3)
    idle_lock(window, qtbot)
    enter(window, qtbot, "错一")
    assert window.locker.screen.button.isEnabled()
    enter(window, qtbot, "错二")
    screen = window.locker.screen
    assert not screen.button.isEnabled() and not screen.password.isEnabled()
    screen.password.setText(PASSWORD)
    screen._submit()  # refused while waiting
    assert window.locker.locked
    qtbot.waitUntil(screen.button.isEnabled, timeout=2000)
    enter(window, qtbot, PASSWORD)
    assert not window.locker.locked


def test_ctrl_l_locks(window, qtbot):
    window.activateWindow()
    qtbot.keyClick(window.tabs, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locker.locked


def test_the_lock_screen_cannot_be_closed_without_the_password(window, qtbot):
    window.locker.lock()
    screen = window.locker.screen
    screen.close()
    QTest.keyClick(screen.windowHandle(), Qt.Key.Key_Escape)
    assert window.locker.locked and screen.isVisible()


def test_activity_postpones_the_idle_lock(window, qtbot):
    window.locker.timer.setInterval(300)
    window.locker.timer.start()
    for _ in range(6):
        qtbot.wait(100)
        qtbot.mouseMove(window.tabs, QPoint(10 + _, 10))
        qtbot.keyClick(window.members_tab.search, Qt.Key.Key_Shift)
    assert not window.locker.locked
    qtbot.waitUntil(lambda: window.locker.locked, timeout=2000)


# ---------------------------------------------------------------- with the app's own dialogs open

def test_ctrl_l_over_a_member_dialog_opened_by_double_click(window, qtbot):
    tab = open_tab(window, qtbot, "members")
    first = tab.proxy.record_at(0)
    seen = {}

    def scenario(dialog):
        job, notes = dialog.fields["job"].editor, dialog.fields["notes"].editor
        job.setFocus()
        job.selectAll()
        qtbot.keyClicks(job, "Engineer")
        notes.setPlainText("")
        notes.insertPlainText("锁定前写下的备注")
        qtbot.keyClick(job, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert_locked_over(window, dialog)
        assert job.text() == "Engineer"  # Ctrl+L typed nothing
        assert blocked(job)
        enter(window, qtbot, "不对")
        assert window.locker.locked and covered(dialog)
        enter(window, qtbot, PASSWORD)
        assert not window.locker.locked and dialog.isVisible() and not covered(dialog)
        assert dialog.windowTitle() == "编辑党员信息"
        assert job.text() == "Engineer" and notes.toPlainText() == "锁定前写下的备注"
        assert QApplication.activeModalWidget() is dialog and dialog.isEnabled()
        qtbot.keyClicks(job, "2")  # still takes typing, and 保存 still saves
        qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(
            QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        seen["result"] = dialog.result()

    run_modal(lambda: double_click_first_row(qtbot, tab.view), scenario)
    assert seen["result"] == QDialog.DialogCode.Accepted
    saved = members.get(window.db, first.id)
    assert saved.job == "Engineer2" and saved.notes == "锁定前写下的备注"


def test_idle_timeout_over_a_new_meeting_dialog(window, qtbot):
    tab = open_tab(window, qtbot, "meetings")
    seen = {}

    def scenario(dialog):
        place, topics = dialog.fields["place"].editor, dialog.fields["topics"].editor
        place.setFocus()
        place.insert("三楼会议室")
        topics.setPlainText("学习党章")
        idle_lock(window, qtbot)
        assert_locked_over(window, dialog)
        assert blocked(place)
        enter(window, qtbot, PASSWORD)
        assert not window.locker.locked and not covered(dialog)
        assert dialog.windowTitle().startswith("新建会议记录")
        assert place.text() == "三楼会议室" and topics.toPlainText() == "学习党章"
        qtbot.waitUntil(lambda: QApplication.focusWidget() is place)  # back where the typing was
        qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(
            QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        seen["saved"] = dialog.saved

    run_modal(tab.button_add_meeting.click, scenario)
    assert seen["saved"].id and meetings.get(window.db, seen["saved"].id).place == "三楼会议室"


def test_lock_over_a_question_asked_from_a_dialog(window, qtbot):
    """A message box opened by the meeting dialog (a nested modal loop) is covered and given
    back too; answering it afterwards carries on with the save."""
    tab = open_tab(window, qtbot, "meetings")
    seen = {}

    def question(box):
        meeting_dialog = box.parentWidget().window()
        qtbot.keyClick(box, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert_locked_over(window, meeting_dialog, box)
        enter(window, qtbot, PASSWORD)
        assert box.isVisible() and not covered(box) and not covered(meeting_dialog)
        assert QApplication.activeModalWidget() is box
        yes = next(b for b in box.buttons() if b.text() == "仍然保存")
        qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)

    def scenario(dialog):
        dialog.fields["topics"].editor.setPlainText("研究工作")
        last = dialog.attendance.table.rowCount() - 1  # not the 主持人 (书记)
        dialog.attendance.status_combo(last).setCurrentText(meetings.LEAVE)  # no reason: asks
        run_modal(lambda: dialog.save(), question)
        seen["saved"] = dialog.saved

    run_modal(tab.button_add_meeting.click, scenario)
    assert seen["saved"] is not None and seen["saved"].id


@pytest.mark.parametrize("key, button", [("talks", "新增谈话记录"), ("theme_days", "新建主题党日")])
def test_ctrl_l_over_the_other_tabs_dialogs(window, qtbot, key, button):
    tab = open_tab(window, qtbot, key)
    chosen = next(b for b in tab.findChildren(QPushButton) if b.text() == button)

    def scenario(dialog):
        field = dialog.focusWidget() or dialog
        qtbot.keyClick(field, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert_locked_over(window, dialog)
        enter(window, qtbot, PASSWORD)
        assert not window.locker.locked and dialog.isVisible() and not covered(dialog)
        assert QApplication.activeModalWidget() is dialog

    run_modal(chosen.click, scenario)


def test_a_window_opened_while_locked_is_covered(window, qtbot):
    window.locker.lock()
    box = QMessageBox(QMessageBox.Icon.Information, "备份完成", "已备份到：某处", parent=window)
    box.open()
    qtbot.waitExposed(box)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is window.locker.screen, timeout=2000)
    assert_locked_over(window, box)
    enter(window, qtbot, PASSWORD)
    assert box.isVisible() and box.windowTitle() == "备份完成" and not covered(box)
    box.done(0)


def test_the_lock_screen_stays_above_the_main_window(window, qtbot):
    """Its window's transient parent is the main window's, so the window manager keeps it in
    front (and gives it no taskbar entry); a second start of the app, which raises the main
    window, leaves the password box in front."""
    window.locker.lock()
    screen = window.locker.screen
    assert screen.windowHandle().transientParent() is window.windowHandle()
    single_instance.raise_main_window()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=2000)
    assert screen.isVisible() and window.locker.locked


def test_lock_at_start_covers_the_window_shown_after_it(app, encrypted_db, qtbot):
    window = MainWindow(encrypted_db)
    qtbot.addWidget(window)
    window.locker.lock()  # as ui/app.run does, before the window is first shown
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.locker.screen.isVisible(), timeout=2000)
    assert_locked_over(window)
    enter(window, qtbot, PASSWORD)
    assert not window.locker.locked and not covered(window)


def test_closing_the_window_takes_the_lock_screen_away(window, qtbot):
    window.locker.lock()
    screen = window.locker.screen
    window.close()
    assert not screen.isVisible()  # else the application would never quit


def test_without_a_password_nothing_locks(app, demo_db, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    assert not window.locker.timer.isActive()
    window.locker.lock_if_enabled()
    window.locker.lock_now()
    assert not window.locker.locked
    assert shown and "还没有设置密码" in shown[0] and "设置 → 密码" in shown[0]


def test_idle_minutes_setting_is_used(window):
    settings.put(window.db, {"lock_idle_minutes": 3})
    window.locker.apply_settings()
    assert window.locker.timer.interval() == 3 * 60_000


# ---------------------------------------------------------------- the settings page

def _answer_recovery_page(monkeypatch) -> list[str]:
    """The 恢复密钥 page, ticked and closed as a user would; returns the keys it showed."""
    from branchdesk.ui.dialogs import unlock_dialog

    shown = []

    def exec_(dialog):
        shown.append(dialog.key_view.toPlainText().replace("\n", "-"))
        assert not dialog.buttons.accept_button.isEnabled()  # not before the box is ticked
        dialog.kept.setChecked(True)
        return 1

    monkeypatch.setattr(unlock_dialog.RecoveryKeyDialog, "exec", exec_)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    return shown


def test_password_dialog_sets_changes_and_removes(app, demo_db, qtbot, monkeypatch, fast_kdf):
    from branchdesk.ui import password

    errors = []
    monkeypatch.setattr("branchdesk.ui.dialogs.password_dialog.show_error",
                        lambda parent, exc, *a: errors.append(str(exc)))
    monkeypatch.setattr("branchdesk.ui.dialogs.password_dialog.confirm", lambda *a, **k: True)
    recovery = _answer_recovery_page(monkeypatch)
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    path = demo_db.path
    dialog = PasswordDialog(window.db, window)
    qtbot.addWidget(dialog)
    dialog.new.setText("一二三四五六")
    dialog.again.setText("一二三四五七")
    dialog.save()
    assert errors[-1] == "两次输入的密码不一致" and not screen_lock.is_enabled(demo_db)
    dialog.again.setText("一二三四五六")
    dialog.minutes.setValue(5)
    dialog.save()
    assert dialog.intent == ("set", "一二三四五六")
    password.apply(window, dialog.intent)
    window = window.replacement
    qtbot.addWidget(window)
    assert keys.is_encrypted(path) and len(recovery) == 1
    assert screen_lock.check(window.db, "一二三四五六")
    assert settings.get(window.db, "lock_idle_minutes") == 5 and members.count(window.db) == 35

    change = PasswordDialog(window.db, window)
    qtbot.addWidget(change)
    change.old.setText("错的")
    change.new.setText("新密码新密码")
    change.again.setText("新密码新密码")
    change.save()
    assert errors[-1] == "原密码不正确" and screen_lock.check(window.db, "一二三四五六")
    change.old.setText("一二三四五六")
    change.save()
    assert change.intent is None and screen_lock.check(window.db, "新密码新密码")

    remove = PasswordDialog(window.db, window)
    qtbot.addWidget(remove)
    remove.old.setText("新密码新密码")
    remove.remove()
    password.apply(window, remove.intent)
    window = window.replacement
    qtbot.addWidget(window)
    assert not keys.is_encrypted(path) and not screen_lock.is_enabled(window.db)
    assert members.count(window.db) == 35
    assert keys.parse_recovery_key(recovery[0])  # the page showed a whole, valid key


def test_old_lock_password_encrypts_the_branch_at_first_unlock(app, demo_db, qtbot,
                                                               monkeypatch, fast_kdf):
    """A branch locked by the screen lock's own password (before encryption existed) is
    encrypted with that same password when it is first unlocked; the 恢复密钥 is shown."""
    recovery = _answer_recovery_page(monkeypatch)
    screen_lock.set_password(demo_db, "1234")  # the old lock allowed 4 characters
    path = demo_db.path
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.locker.lock()
    window.show()
    qtbot.waitExposed(window)
    enter(window, qtbot, "1234")
    qtbot.waitUntil(lambda: getattr(window, "replacement", None) is not None, timeout=5000)
    replacement = window.replacement
    qtbot.addWidget(replacement)
    assert keys.is_encrypted(path) and len(recovery) == 1
    assert settings.get(replacement.db, "lock_password") == ""  # one password, the key file's
    assert screen_lock.check(replacement.db, "1234") and members.count(replacement.db) == 35
    keys.forget_all()
    keys.unlock(path, "1234")
