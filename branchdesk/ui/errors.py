"""The one path from errors to the user: show_error() and the excepthook."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from branchdesk.core.errors import BranchdeskError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, error: BaseException | str, title: str | None = None) -> None:
    """Show a Chinese message for an error. Unexpected errors get a generic sentence + log."""
    if isinstance(error, BranchdeskError):
        text, title = str(error), title or error.title
    elif isinstance(error, str):
        text, title = error, title or "提示"
    else:
        log.error("unexpected error: %s", "".join(traceback.format_exception(error)))
        text = ("出现了意外错误，刚才的操作可能没有完成，已保存的数据不受影响。"
                "详细情况已写入日志文件，请把日志发给技术人员。")
        title = title or "意外错误"
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "确定") -> bool:
    """Ask before anything destructive; the safe answer is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is ok


def install_excepthook() -> None:
    """Log anything unexpected and show a dialog instead of vanishing."""
    def hook(exc_type, exc, tb):
        log.error("uncaught: %s", "".join(traceback.format_exception(exc_type, exc, tb)))
        if QApplication.instance() is not None:
            show_error(QApplication.activeWindow(), exc)

    sys.excepthook = hook
