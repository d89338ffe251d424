"""Attachments of a record (photos, scanned sign-in sheets, documents) inside its dialog.

Changes wait for the dialog's 保存, like every other field: added files are copied and removed
ones deleted only in ``apply()``, so 取消 leaves the record exactly as it was.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from branchdesk.core import attachments
from branchdesk.core.attachments import Attachment
from branchdesk.core.files import size_text
from branchdesk.core.errors import BranchdeskError
from branchdesk.ui.errors import confirm, show_error

FILE_FILTER = ("常用文件 (*.jpg *.jpeg *.png *.bmp *.gif *.pdf *.doc *.docx *.wps *.xls *.xlsx "
               "*.ppt *.pptx *.txt *.mp3 *.mp4);;所有文件 (*)")


class AttachmentPanel(QWidget):
    changed = Signal()

    def __init__(self, db, owner_kind: str, parent=None, *,
                 examples: str = "会场照片、签到表扫描件、讲稿等"):
        """``examples``: what files the secretary might add here, named in the hint."""
        super().__init__(parent)
        self.db, self.owner_kind, self.examples = db, owner_kind, examples
        self.saved: list[Attachment] = []
        self.pending: list[Path] = []
        self.to_remove: list[Attachment] = []
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"可添加{self.examples}（单个文件不超过 200 MB）。"
                                "文件会复制到数据文件夹中保存，原文件可以移动或删除。"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["文件名", "大小", "添加时间"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _: self.open_selected())
        layout.addWidget(self.table)
        layout.addLayout(self._buttons())

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, slot in (("添加文件…", self.add_files), ("打开", self.open_selected),
                           ("另存为…", self.save_selected_as), ("删除", self.remove_selected)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch()
        return row

    # ------------------------------------------------------------ contents
    def load(self, owner_id: int | None) -> None:
        self.saved = attachments.list_for(self.db, self.owner_kind, owner_id) if owner_id else []
        self._show()

    def count(self) -> int:
        return len(self.saved) + len(self.pending)

    def items(self) -> list[Attachment | Path]:
        return [*self.saved, *self.pending]

    def _show(self) -> None:
        items = self.items()
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            for column, text in enumerate(self._cells(item)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnToContents(1)
        self.table.resizeColumnToContents(2)
        self.changed.emit()

    @staticmethod
    def _cells(item: Attachment | Path) -> tuple[str, str, str]:
        if isinstance(item, Path):
            return item.name, size_text(item.stat().st_size), "（保存后添加）"
        return item.original_name, size_text(item.size), item.added_at.replace("T", " ")

    def _selected(self) -> Attachment | Path | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            show_error(self, "请先在列表中选中一个附件。", "未选择附件")
            return None
        return self.items()[rows[0].row()]

    # ------------------------------------------------------------ actions
    def add_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "选择要添加的附件", str(Path.home()),
                                                FILE_FILTER)
        for name in names:
            self.add_path(Path(name))

    def add_path(self, path: Path) -> bool:
        try:
            attachments.check_file(path)
        except BranchdeskError as exc:
            show_error(self, exc)
            return False
        self.pending.append(path)
        self._show()
        return True

    def open_selected(self) -> None:
        item = self._selected()
        if item is None:
            return
        try:
            path = item if isinstance(item, Path) else attachments.viewing_copy(
                self.db, item, Path(tempfile.gettempdir()) / "branchdesk-view")
        except (BranchdeskError, OSError) as exc:
            show_error(self, exc if isinstance(exc, BranchdeskError) else
                       f"无法打开附件：{exc}", "无法打开附件")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            show_error(self, "系统中没有能打开这种文件的程序。可以用“另存为”保存后再打开。",
                       "无法打开附件")

    def save_selected_as(self) -> None:
        item = self._selected()
        if item is None or isinstance(item, Path):
            return
        target, _ = QFileDialog.getSaveFileName(self, "附件另存为",
                                                str(Path.home() / item.original_name))
        if target:
            try:
                attachments.copy_out(self.db, item, Path(target))
            except (BranchdeskError, OSError) as exc:
                show_error(self, exc if isinstance(exc, BranchdeskError) else
                           f"保存失败：{exc}", "另存为失败")

    def remove_selected(self) -> None:
        item = self._selected()
        if item is None:
            return
        if isinstance(item, Path):
            self.pending.remove(item)
        elif confirm(self, "删除附件", f"确定删除附件“{item.original_name}”吗？\n"
                     "保存本记录后，附件将从数据文件夹中删除。", yes="删除"):
            self.saved.remove(item)
            self.to_remove.append(item)
        self._show()

    # ------------------------------------------------------------ saving
    def apply(self, owner_id: int) -> None:
        """Carry out the changes for the saved record. Raises BranchdeskError; whatever was
        done before the error is not repeated on the next call."""
        while self.to_remove:
            attachments.remove(self.db, self.to_remove[0].id)
            self.to_remove.pop(0)
        while self.pending:
            self.saved.append(attachments.add(self.db, self.owner_kind, owner_id, self.pending[0]))
            self.pending.pop(0)
        self._show()
