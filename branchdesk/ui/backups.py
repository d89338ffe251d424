"""Backups in the window: automatic ones (at start, every N minutes, at exit — each only when
the data changed), the 文件 → 备份 menu, and restoring with the window rebuilt afterwards.

Automatic backups run on the GUI thread: copy + check of a 30 MB file take about 0.2 s and a
branch's file is usually under 5 MB. 备份到… goes through a progress dialog, since a USB
stick may take seconds to flush.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCursor
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from branchdesk.core import backup, settings
from branchdesk.core.errors import BackupError
from branchdesk.ui import startup
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.tasks import Cancelled, run_with_progress

log = logging.getLogger(__name__)

START_DELAY_MS = 3000  # after the window is up, so start-up stays quick


class BackupScheduler(QObject):
    """Automatic backups of one window's database. None for the fictional demo branch, nor for
    a file opened read-only (from a newer version): this app cannot change it."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.active = window.db.path.name != startup.DEMO_FILENAME and not window.db.read_only
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.run_auto)
        if self.active:
            self.apply_settings()
            QTimer.singleShot(START_DELAY_MS, self.run_auto)

    def apply_settings(self) -> None:
        if self.active:
            self.timer.start(settings.get(self.window.db, "backup_interval_minutes") * 60_000)

    def policy(self) -> backup.Policy:
        return backup.policy_from(settings.get_all(self.window.db))

    def run_auto(self) -> Path | None:
        """Back up if the data changed since the last backup; failures go to the status bar."""
        if not self.active:
            return None
        try:
            target = backup.backup_if_changed(self.window.db.path, self.policy())
        except Exception as exc:  # noqa: BLE001 - an automatic backup must never stop the work
            log.warning("automatic backup failed: %s", exc)
            self._status(f"自动备份没有完成：{exc}")
            return None
        if target is not None:
            self._status(f"已自动备份（{datetime.now():%H:%M}）")
        return target

    def at_exit(self) -> None:
        self.run_auto()
        self.stop()

    def stop(self) -> None:
        self.active = False
        self.timer.stop()

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10_000)


def add_menu(window, file_menu) -> None:
    """文件 → 备份: 立即备份, 备份到…, 恢复备份…, 从备份文件恢复…, 备份设置…"""
    menu = file_menu.addMenu("备份(&B)")
    entries = [("立即备份(&N)", lambda: backup_now(window)),
               ("备份到…（如U盘）(&T)", lambda: backup_to(window)),
               None, ("恢复备份(&R)…", lambda: choose_and_restore(window)),
               ("从备份文件恢复(&F)…", lambda: restore_from_file(window)), None,
               ("备份设置(&S)…", lambda: edit_settings(window))]
    for entry in entries:
        if entry is None:
            menu.addSeparator()
            continue
        action = QAction(entry[0], window)
        action.triggered.connect(entry[1])
        menu.addAction(action)


def edit_settings(window) -> None:
    from branchdesk.ui.dialogs.backup_dialog import BackupSettingsDialog

    if BackupSettingsDialog(window.db, window).exec():
        window.backups.apply_settings()


def backup_now(window) -> Path | None:
    try:
        target = backup.backup_now(window.db.path, window.backups.policy())
    except Exception as exc:  # noqa: BLE001 - shown through the one error path
        show_error(window, exc)
        return None
    QMessageBox.information(window, "备份完成", f"已备份到：\n{target}")
    return target


def backup_to(window, folder: Path | None = None) -> Path | None:
    """A verified copy in a folder the user picks (a USB stick, another disk)."""
    if folder is None:
        chosen = QFileDialog.getExistingDirectory(window, "选择备份位置（如U盘）", str(Path.home()))
        if not chosen:
            return None
        folder = Path(chosen)
    try:
        target = run_with_progress(window, "正在备份…", window.db.path,
                                   lambda db, report: backup.make_backup(db.path, folder))
    except Cancelled:
        return None
    except Exception as exc:  # noqa: BLE001
        show_error(window, exc)
        return None
    QMessageBox.information(window, "备份完成", f"已备份到：\n{target}\n\n如果是U盘，请先“安全弹出”再拔下。")
    return target


def choose_and_restore(window) -> None:
    from branchdesk.ui.dialogs.backup_dialog import RestoreDialog

    dialog = RestoreDialog(window.db.path, window)
    if dialog.exec() and dialog.chosen is not None:
        restore_from(window, dialog.chosen)


def restore_from_file(window) -> None:
    from branchdesk.ui.dialogs.backup_dialog import ask_backup_file

    path = ask_backup_file(window, window.db.path)
    if path is not None:
        restore_from(window, path)


def restore_from(window, source: Path, *, ask: bool = True):
    """Check ``source``, confirm, restore it over the window's database and rebuild the window.

    Returns the new main window, or None when nothing was restored.
    """
    report = backup.inspect_file(source)
    if report.locked and _unlock_backup(window, source):
        report = backup.inspect_file(source)
    if not report.ok:
        show_error(window, BackupError(report.problem + "没有用它做任何操作。"))
        return None
    if ask and not _confirm_restore(window, source, report):
        return None
    return _swap(window, source)


def _unlock_backup(window, source: Path) -> bool:
    """An encrypted backup with a key other than the branch's (made under an earlier
    password): its own password is asked; True when it was given."""
    from branchdesk.ui.dialogs.unlock_dialog import UnlockDialog

    return bool(UnlockDialog(source, window, what="备份文件", cancel_text="取消").exec())


def _confirm_restore(window, source: Path, report: backup.FileReport) -> bool:
    return confirm(window, "恢复备份",
                   f"用这个备份替换现在的数据吗？\n{source.name}（{report.counts_text()}）\n\n"
                   "现在的数据会先另存为一份备份（类型为“恢复前自动保存”），需要时可以再恢复回来。",
                   yes="恢复")


def _swap(window, source: Path):
    from branchdesk.core.db import open_db

    path = window.db.path
    window.backups.stop()
    window.db.close()  # the file is replaced by a rename: no connection may stay open
    QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
    try:
        result = backup.restore(source, path)
    except Exception as exc:  # noqa: BLE001 - the old file is untouched; reopen it below
        result = None
        show_error(window, exc)
    finally:
        QApplication.restoreOverrideCursor()
    try:
        db = open_db(path)
    except Exception as exc:  # noqa: BLE001
        show_error(window, exc)
        return None
    window._replace_with(db)
    replacement = getattr(window, "replacement", None)
    if result is not None:
        QMessageBox.information(replacement, "恢复完成", _restored_text(source, result))
    return replacement


def _restored_text(source: Path, result: backup.RestoreResult) -> str:
    text = f"已用“{source.name}”恢复（{result.report.counts_text()}）。"
    if result.saved is not None:
        text += f"\n恢复前的数据已另存为：\n{result.saved}"
    return text
