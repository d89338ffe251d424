"""An encrypted branch at start: the password is asked before anything is read; a wrong one
is refused and never brings the damaged-file offer; the restore of a backup made under
another password asks for that password."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from branchdesk.core import backup, demo, encryption, keys, members
from branchdesk.ui import startup
from branchdesk.ui.dialogs.unlock_dialog import UnlockDialog

PASSWORD = "支部密码2026"
pytestmark = pytest.mark.usefixtures("fast_kdf")


@pytest.fixture
def encrypted_path(tmp_path):
    path = tmp_path / "branch.sqlite3"
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    encryption.set_password(path, PASSWORD)
    keys.forget_all()
    return path


def answer(passwords: list[str], seen: list[str]) -> None:
    """Type each password into the unlock dialog as it comes up; then close it."""
    def step():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, UnlockDialog):
            QTimer.singleShot(20, step)
            return
        if passwords:
            dialog.password.setText(passwords.pop(0))
            dialog.try_unlock()
            seen.append(dialog.message.text())
            if dialog.isVisible():
                QTimer.singleShot(20, step)
        else:
            dialog.reject()

    QTimer.singleShot(0, step)


def test_start_asks_the_password_and_a_wrong_one_is_not_damage(app, encrypted_path,
                                                               monkeypatch):
    offered = []
    monkeypatch.setattr("branchdesk.ui.dialogs.backup_dialog.offer_recovery",
                        lambda *a: offered.append(a) or False)
    seen = []
    answer(["不是这个密码", PASSWORD], seen)
    db = startup.open_start_database(encrypted_path)
    assert db is not None and members.count(db) == 35
    assert "密码不正确" in seen[0] and not offered
    assert not list(encrypted_path.parent.glob("*damaged*"))
    db.close()


def test_start_without_the_password_quits_and_touches_nothing(app, encrypted_path):
    before = encrypted_path.read_bytes()
    answer([], [])
    assert startup.open_start_database(encrypted_path) is None
    assert encrypted_path.read_bytes() == before


def test_unlock_dialog_looks_right(app, encrypted_path, qtbot, tmp_path):
    dialog = UnlockDialog(encrypted_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for widget in (dialog.password, dialog.buttons.accept_button):
        assert widget.isVisible() and dialog.rect().contains(widget.geometry())


def test_restoring_a_backup_made_under_another_password_asks_for_it(app, encrypted_path,
                                                                   qtbot, monkeypatch,
                                                                   tmp_path):
    from branchdesk.ui import backups
    from branchdesk.ui.main_window import MainWindow

    keys.unlock(encrypted_path, PASSWORD)
    old = backup.make_backup(encrypted_path)
    encryption.remove_password(encrypted_path, PASSWORD)
    encryption.set_password(encrypted_path, "新设的密码2027")  # a new data key: ``old`` has the old one
    keys.forget_all()
    keys.unlock(encrypted_path, "新设的密码2027")
    db = startup.open_locked(encrypted_path)
    window = MainWindow(db)
    qtbot.addWidget(window)
    monkeypatch.setattr(backups, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    seen = []
    answer(["新设的密码2027", PASSWORD], seen)
    replacement = backups.restore_from(window, old)
    qtbot.addWidget(replacement)
    assert "密码不正确" in seen[0]
    assert members.count(replacement.db) == 35
    keys.forget_all()
    keys.unlock(encrypted_path, "新设的密码2027")  # the branch keeps its current password


def test_lost_key_file_is_replaced_with_the_recovery_key_at_start(app, tmp_path, monkeypatch):
    """The key file is gone: instead of calling the branch damaged and offering a backup,
    the window asks for the 恢复密钥 and a new password, then opens the branch."""
    from branchdesk.ui.dialogs.unlock_dialog import RecoveryResetDialog

    path = tmp_path / "branch.sqlite3"
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    recovery = encryption.set_password(path, PASSWORD).recovery_key
    keys.forget_all()
    keys.key_path(path).unlink()
    offered = []
    monkeypatch.setattr("branchdesk.ui.dialogs.backup_dialog.offer_recovery",
                        lambda *a: offered.append(a) or False)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    def fill(dialog):
        dialog.recovery.setText(recovery)
        dialog.new.setText("新设的密码2027")
        dialog.again.setText("新设的密码2027")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(RecoveryResetDialog, "exec", fill)
    db = startup.open_start_database(path)
    assert db is not None and members.count(db) == 35 and not offered
    db.close()
    keys.forget_all()
    keys.unlock(path, "新设的密码2027")
