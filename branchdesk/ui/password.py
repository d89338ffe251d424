"""Encrypting and decrypting the open branch from the window (core/encryption.py).

Both rewrite the whole file, so the window's connection is closed first and the window is
rebuilt around a fresh one afterwards, as a restore does (ui/backups.py); the process keeps
its writer lock throughout. After encrypting, the 恢复密钥 page is shown once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from branchdesk.core import encryption
from branchdesk.ui.errors import show_error

UPGRADE_INTRO = ("<p>从这个版本起，锁定密码同时用来<b>加密</b>数据文件和备份。"
                 "刚才输入的锁定密码已经用来加密，以后仍用它解锁。</p>")


def apply(window, intent) -> None:
    """Carry out a PasswordDialog's ``intent`` on the window's branch."""
    action, password = intent
    if action == "set":
        encrypt(window, password)
    elif action == "remove":
        decrypt(window, password)


def encrypt(window, password: str, *, upgrade: bool = False) -> None:
    done = _with_db_closed(window, lambda path: encryption.set_password(
        path, password, upgrade=upgrade))
    replacement = getattr(window, "replacement", None) or window
    if done is None:
        return
    from branchdesk.ui.dialogs.unlock_dialog import RecoveryKeyDialog

    RecoveryKeyDialog(done.recovery_key, replacement,
                      intro=UPGRADE_INTRO if upgrade else "").exec()
    QMessageBox.information(replacement, "已加密", _encrypted_text(done))


def _encrypted_text(done) -> str:
    text = "数据文件已加密。"
    if done.backups_changed:
        text += f"backups 文件夹中的 {done.backups_changed} 份备份也已加密。"
    if done.not_reached:
        text += ("\n\n以下副本没能加密，仍未加密，请确认后删除：\n" + "\n".join(done.not_reached))
    return text + ("\n\n备份到U盘等其他位置的旧副本没有加密，请删除它们或重新备份。"
                   "旧的未加密文件在磁盘（尤其是固态硬盘）上占用过的空间无法保证已被擦除。")


def decrypt(window, password: str) -> None:
    done = _with_db_closed(window, lambda path: encryption.remove_password(path, password))
    if done is not None:
        QMessageBox.information(getattr(window, "replacement", None) or window, "已取消密码",
                                "数据文件不再加密。已有的加密备份仍需原密码或恢复密钥才能打开。")


def _with_db_closed(window, operation):
    """Run ``operation(path)`` with the window's connection closed, then rebuild the window
    on the (new) file. Returns the operation's result, or None after showing its error (the
    old file is unchanged then)."""
    from branchdesk.core.db import open_db

    path = window.db.path
    window.backups.stop()
    window.db.close()
    QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
    try:
        result = operation(path)
    except Exception as exc:  # noqa: BLE001 - the old file is untouched; reopen it below
        result = None
        QApplication.restoreOverrideCursor()
        show_error(window, exc)
    else:
        QApplication.restoreOverrideCursor()
    try:
        db = open_db(path)
    except Exception as exc:  # noqa: BLE001
        show_error(window, exc)
        return None
    window._replace_with(db)
    return result
