"""Long work off the GUI thread, with a progress dialog; and the interactive exports.

SQLite connections belong to the thread that made them, so the worker opens its own
connection to the same file.
"""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QEventLoop, QObject, QThread, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from branchdesk.core.branch import heading_name
from branchdesk.ui.errors import show_error


class Cancelled(Exception):
    """Raised inside a task when the user pressed 取消."""


class _Worker(QThread):
    progressed = Signal(int, str)

    def __init__(self, db_path: Path, fn: Callable, parent=None):
        super().__init__(parent)
        self.db_path, self.fn = db_path, fn
        self.result: Any = None
        self.error: BaseException | None = None
        self.cancel_requested = False

    def report(self, percent: int, text: str = "") -> None:
        if self.cancel_requested:
            raise Cancelled()
        self.progressed.emit(percent, text)

    def run(self) -> None:
        from branchdesk.core.db import open_db

        try:
            db = open_db(self.db_path, create=False)
            try:
                self.result = self.fn(db, self.report)
            finally:
                db.close()
        except BaseException as exc:  # handed to the GUI thread
            self.error = exc


class _ProgressRelay(QObject):
    """Receives the worker's progress in the GUI thread: widgets may only be touched there."""

    def __init__(self, dialog: QProgressDialog):
        super().__init__(dialog)
        self.dialog = dialog

    @Slot(int, str)
    def show_progress(self, percent: int, text: str) -> None:
        self.dialog.setValue(percent)
        if text:
            self.dialog.setLabelText(text)


def run_with_progress(parent: QWidget | None, title: str, db_path: Path,
                      fn: Callable[[Any, Callable[[int, str], None]], Any]) -> Any:
    """Run ``fn(db, report)`` in a worker thread while a progress dialog shows.

    Returns fn's result; re-raises its exception in the GUI thread; raises Cancelled.
    """
    worker = _Worker(db_path, fn)  # no parent: closing a window must not destroy a running thread
    dialog = QProgressDialog(title, "取消", 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setValue(0)
    relay = _ProgressRelay(dialog)  # lives in the GUI thread, so the signal is queued to it
    worker.progressed.connect(relay.show_progress)
    dialog.canceled.connect(lambda: setattr(worker, "cancel_requested", True))
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    # No cyclic garbage collection while the worker runs: collecting Qt wrappers (of earlier
    # dialogs or of objects the worker made) concurrently with the worker crashed PySide6.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        worker.start()
        loop.exec()
        worker.wait()  # "finished" is emitted just before the thread really ends
    finally:
        if gc_was_enabled:
            gc.enable()
    dialog.reset()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result


def ask_save_path(parent: QWidget, title: str, suggested: str, pattern: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested), pattern)
    return Path(path) if path else None


def export_roster_interactive(parent: QWidget, db) -> None:
    from branchdesk.core.ledger.roster import export_members

    name = heading_name(db)  # as the roster's own title says it
    target = ask_save_path(parent, "导出党员花名册", f"{name}党员花名册_{date.today():%Y%m%d}.xlsx",
                           "Excel 文件 (*.xlsx)")
    if target is None:
        return
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    mask = QMessageBox.question(
        parent, "导出党员花名册", "是否隐藏身份证号、出生日期、电话和住址等个人信息？\n（花名册要交给他人或带出办公室时建议隐藏）",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes
    try:
        run_with_progress(parent, "正在导出花名册…", db.path,
                          lambda d, report: export_members(d, target, mask=mask))
    except Cancelled:
        return
    except Exception as exc:  # noqa: BLE001 - shown through the one error path
        show_error(parent, exc)
        return
    QMessageBox.information(parent, "导出完成", f"已导出到：\n{target}")
