"""Where saved files go, and the message that says where one went (with 打开文件夹).

Shared by every export: the yearly ledger, the U盘 package and 另存为PDF in the print preview.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from branchdesk.ui.errors import show_error


def show_done(parent: QWidget | None, title: str, text: str, folder: Path) -> None:
    """Say the file is written; open ``folder`` when asked to."""
    if ask_open_folder(parent, title, text):
        open_folder(parent, folder)


def ask_open_folder(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    open_button = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(open_button)
    box.exec()
    return box.clickedButton() is open_button


def open_folder(parent: QWidget | None, folder: Path) -> None:
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        show_error(parent, f"无法打开文件夹“{folder}”，请在文件管理器中找到它。")


def documents_dir() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()
