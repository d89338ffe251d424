"""Opening the database at start: problems explained, first run welcomed, demo offered.

Every file the window opens is first locked for this process (core/single_writer.py), so the
command line and a second window never write it at the same time. A damaged file is not
written; the newest good backup is offered instead (ui/dialogs/backup_dialog.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QPushButton, QVBoxLayout

from branchdesk import APP_TITLE, paths
from branchdesk.core import members, settings, single_writer
from branchdesk.core.db import open_db
from branchdesk.core.errors import BranchdeskError, DamagedDatabaseError, ReadOnlyPlaceError
from branchdesk.ui.errors import show_error

DEMO_FILENAME = paths.DEMO_FILENAME


def demo_path() -> Path:
    return paths.demo_db_path()


def open_demo():
    """Open the demo branch, creating it on first use (a separate file from the real data)."""
    from branchdesk.core import demo

    path = demo_path()
    single_writer.hold(path)
    if path.exists():
        return open_db(path)
    return demo.create_demo(path)


def open_locked(path: Path, parent=None):
    """Lock ``path`` for this process, then open it (asking for the password of an encrypted
    file); raises BranchdeskError (lock released); None when the password was not given.
    In a folder nobody can write (no lock file can be made there) it opens read-only."""
    try:
        single_writer.hold(path)
    except ReadOnlyPlaceError as exc:
        if not ask_password(path, parent):
            return None
        return open_db(path, create=False, read_only=exc)
    try:
        if not ask_password(path, parent):
            single_writer.release(path)
            return None
        db = open_db(path)
        if not db.read_only:
            from branchdesk.core import encryption

            encryption.finish(path)
        return db
    except BaseException:
        single_writer.release(path)
        raise


def ask_password(path: Path, parent=None) -> bool:
    """True when ``path`` can be opened: plain, already unlocked, or the right password given
    (ui/dialogs/unlock_dialog.py). A wrong password is never taken for damage."""
    from branchdesk.core import keys

    if not keys.needs_password(path):
        return True
    from branchdesk.ui.dialogs.unlock_dialog import UnlockDialog

    # at start the only way on is the password; from the window (回到我的支部数据) it is 取消
    return bool(UnlockDialog(path, parent, cancel_text="退出" if parent is None else "取消").exec())


def open_start_database(db_path: Path | None):
    """The database to start with, or None when the user chose to quit."""
    path = db_path or paths.default_db_path()
    try:
        db = _open_or_recover(path)
    except BranchdeskError as exc:
        show_error(None, exc)
        return None
    if db is None:
        return None
    if db.read_only and db.read_only_reason:
        QMessageBox.warning(None, db.read_only_reason.title, str(db.read_only_reason))
    if needs_setup(db):
        return first_run(db)
    return db


def _open_or_recover(path: Path):
    """Open ``path``; if it is damaged, offer the newest good backup (None: the user quits)."""
    try:
        return open_locked(path)
    except DamagedDatabaseError as exc:
        from branchdesk.ui.dialogs.backup_dialog import offer_recovery  # rarely needed: not at start

        single_writer.hold(path)  # nobody else may write while the backup is put in place
        if not _key_file_restored(path) and not offer_recovery(path, exc):
            return None
    return open_locked(path)


def _key_file_restored(path: Path) -> bool:
    """A file that is not plain SQLite and has no key file may be an encrypted branch whose
    key file was lost: with its 恢复密钥 it gets a new one (and a new password). False when
    that is not the case or the user has no 恢复密钥 (then a backup is offered)."""
    from branchdesk.core import driver, keys

    if keys.key_path(path).exists() or driver.has_plain_header(path) \
            or path.stat().st_size == 0:
        return False
    asked = QMessageBox.question(
        None, "数据文件打不开",
        f"数据文件“{path.name}”打不开：它可能已损坏，也可能是加密的数据文件而旁边的钥匙文件"
        f"“{keys.key_path(path).name}”丢失了。\n\n如果设置过密码，可以用恢复密钥打开它并设一个新密码。"
        "现在输入恢复密钥吗？（选“否”则改用备份恢复）")
    if asked != QMessageBox.StandardButton.Yes:
        return False
    from branchdesk.ui.dialogs.unlock_dialog import RecoveryResetDialog

    return bool(RecoveryResetDialog(path).exec())


def needs_setup(db) -> bool:
    return not db.read_only and not settings.get(db, "setup_done") and members.count(db) == 0


class WelcomeDialog(QDialog):
    SETUP, DEMO = 1, 2

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"欢迎使用{APP_TITLE}")
        layout = QVBoxLayout(self)
        text = QLabel(f"<h3>欢迎使用{APP_TITLE}</h3>"
                      "<p>所有数据只保存在这台电脑上，不联网。</p>"
                      "<p>第一次使用，请先设置本支部的基本情况；也可以先打开一个虚构的演示支部看看各项功能。</p>")
        text.setWordWrap(True)
        layout.addWidget(text)
        for label, code in (("设置我的党支部", self.SETUP), ("先看看演示支部", self.DEMO)):
            button = QPushButton(label)
            button.setMinimumHeight(36)
            button.clicked.connect(lambda _=False, c=code: self.done(c))
            layout.addWidget(button)
        self.resize(440, 260)


def first_run(db):
    from branchdesk.ui.dialogs.profile_dialog import ProfileDialog

    while True:
        choice = WelcomeDialog().exec()
        if choice == WelcomeDialog.DEMO:
            db.close()
            try:
                return open_demo()
            except BranchdeskError as exc:
                show_error(None, exc)
                return None
        if choice == WelcomeDialog.SETUP:
            if ProfileDialog(db, first_run=True).exec():
                return db
            continue
        return None
