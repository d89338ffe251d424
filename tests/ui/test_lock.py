"""The screen lock: idle timeout, Ctrl+L, data hidden, wrong passwords slowed, right one unlocks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QVBoxLayout

from branchdesk.core import screen_lock, settings
from branchdesk.ui import lock_screen
from branchdesk.ui.dialogs.password_dialog import PasswordDialog
from branchdesk.ui.main_window import MainWindow

PASSWORD = "正确密码2026"


@pytest.fixture
def window(app, demo_db, qtbot):
    screen_lock.set_password(demo_db, PASSWORD)
    widget = MainWindow(demo_db)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def idle_lock(window, qtbot) -> None:
    window.locker.timer.setInterval(50)
    window.locker.timer.start()
    qtbot.waitUntil(lambda: window.locker.locked, timeout=2000)


def covered(widget, cover) -> bool:
    """Whatever is drawn at the middle of ``widget`` belongs to ``cover``."""
    middle = widget.childAt(QPoint(widget.width() // 2, widget.height() // 2))
    while middle is not None and middle is not cover:
        middle = middle.parentWidget()
    return middle is cover and cover.geometry() == widget.rect()


def enter(window, qtbot, password: str) -> None:
    field = window.locker.cover.password
    field.setText(password)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_idle_timeout_locks_and_hides_everything(window, qtbot):
    branch = settings.get(window.db, "branch_name")
    assert branch and branch in window.windowTitle()
    window.members_tab.show_private.setChecked(True)
    idle_lock(window, qtbot)
    cover = window.locker.cover
    assert covered(window, cover) and cover.isVisible()
    assert window.windowTitle() == lock_screen.LOCKED_TITLE and branch not in window.windowTitle()
    assert not window.tabs.isEnabled() and not window.menuBar().isEnabled()
    assert not any(a.isEnabled() for a in window.menuBar().actions())
    assert not window.members_tab.show_private.isChecked()  # masked again after unlocking


def test_wrong_password_rejected_right_one_unlocks(window, qtbot):
    idle_lock(window, qtbot)
    enter(window, qtbot, "不对")
    assert window.locker.locked
    assert "密码不正确" in window.locker.cover.message.text()
    enter(window, qtbot, PASSWORD)
    assert not window.locker.locked
    assert window.tabs.isEnabled() and window.menuBar().isEnabled()
    assert all(a.isEnabled() for a in window.menuBar().actions())
    assert settings.get(window.db, "branch_name") in window.windowTitle()
    assert window.centralWidget() is window.tabs and window.tabs.isVisible()
    assert window.locker.timer.isActive()  # counting idle time again


def test_wrong_passwords_slow_down(window, qtbot, monkeypatch):
    monkeypatch.setattr(screen_lock, "delay_after", lambda failures: 0.0 if failures < 2 else 0.3)
    idle_lock(window, qtbot)
    enter(window, qtbot, "错一")
    assert window.locker.cover.button.isEnabled()
    enter(window, qtbot, "错二")
    cover = window.locker.cover
    assert not cover.button.isEnabled() and not cover.password.isEnabled()
    cover.password.setText(PASSWORD)
    cover._submit()  # refused while waiting
    assert window.locker.locked
    qtbot.waitUntil(cover.button.isEnabled, timeout=2000)
    enter(window, qtbot, PASSWORD)
    assert not window.locker.locked


def test_ctrl_l_locks(window, qtbot):
    window.activateWindow()
    qtbot.keyClick(window.tabs, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locker.locked


def test_ctrl_l_locks_inside_a_modal_dialog(window, qtbot):
    dialog = QDialog(window)
    field = QLineEdit()
    QVBoxLayout(dialog).addWidget(field)
    dialog.open()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(field, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locker.locked and window.locker.cover.host is dialog
    assert field.text() == ""
    enter(window, qtbot, PASSWORD)
    dialog.reject()


def test_activity_postpones_the_idle_lock(window, qtbot):
    window.locker.timer.setInterval(300)
    window.locker.timer.start()
    for _ in range(6):
        qtbot.wait(100)
        qtbot.mouseMove(window.tabs, QPoint(10 + _, 10))
        qtbot.keyClick(window.members_tab.search, Qt.Key.Key_Shift)
    assert not window.locker.locked
    qtbot.waitUntil(lambda: window.locker.locked, timeout=2000)


def test_open_dialog_is_covered_and_keeps_what_was_typed(window, qtbot):
    dialog = QDialog(window)
    dialog.setWindowTitle("编辑党员：张三")
    field = QLineEdit("110105198001010015")
    QVBoxLayout(dialog).addWidget(field)
    dialog.resize(500, 300)
    dialog.open()  # window-modal, like the app's edit dialogs
    qtbot.waitExposed(dialog)
    window.locker.lock()
    assert window.locker.cover.host is dialog  # the password box is where input can go
    assert dialog.windowTitle() == lock_screen.LOCKED_TITLE
    assert not field.isEnabled() and covered(dialog, window.locker.cover)
    assert any(c.host is window for c in window.locker._covers)
    enter(window, qtbot, PASSWORD)
    assert dialog.isVisible() and field.isEnabled() and field.text() == "110105198001010015"
    assert dialog.windowTitle() == "编辑党员：张三"
    dialog.reject()


def test_without_a_password_nothing_locks(app, demo_db, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    assert not window.locker.timer.isActive()
    window.locker.lock_if_enabled()
    window.locker.lock_now()
    assert not window.locker.locked
    assert shown and "还没有设置锁定密码" in shown[0]


def test_idle_minutes_setting_is_used(window):
    settings.put(window.db, {"lock_idle_minutes": 3})
    window.locker.apply_settings()
    assert window.locker.timer.interval() == 3 * 60_000


# ---------------------------------------------------------------- the settings page

def test_password_dialog_sets_changes_and_removes(app, demo_db, qtbot, monkeypatch):
    errors = []
    monkeypatch.setattr("branchdesk.ui.dialogs.password_dialog.show_error",
                        lambda parent, exc, *a: errors.append(str(exc)))
    monkeypatch.setattr("branchdesk.ui.dialogs.password_dialog.confirm", lambda *a, **k: True)
    dialog = PasswordDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.new.setText("一二三四")
    dialog.again.setText("一二三五")
    dialog.save()
    assert errors[-1] == "两次输入的密码不一致" and not screen_lock.is_enabled(demo_db)
    dialog.again.setText("一二三四")
    dialog.minutes.setValue(5)
    dialog.save()
    assert screen_lock.check(demo_db, "一二三四") and settings.get(demo_db, "lock_idle_minutes") == 5

    change = PasswordDialog(demo_db)
    qtbot.addWidget(change)
    change.old.setText("错的")
    change.new.setText("新密码新密码")
    change.again.setText("新密码新密码")
    change.save()
    assert errors[-1] == "原密码不正确" and screen_lock.check(demo_db, "一二三四")
    change.old.setText("一二三四")
    change.save()
    assert screen_lock.check(demo_db, "新密码新密码")

    remove = PasswordDialog(demo_db)
    qtbot.addWidget(remove)
    remove.old.setText("新密码新密码")
    remove.remove()
    assert not screen_lock.is_enabled(demo_db)
