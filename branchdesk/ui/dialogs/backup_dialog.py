"""Choosing a backup to restore, the offer to recover a damaged database at start, and the
backup settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHeaderView, QLabel, QMessageBox, QSpinBox,
                               QTableView, QVBoxLayout)

from branchdesk import paths
from branchdesk.core import backup, settings
from branchdesk.core.errors import BranchdeskError
from branchdesk.core.files import size_text
from branchdesk.ui.errors import show_error
from branchdesk.ui.models import Column, RecordTableModel
from branchdesk.ui.widgets import DialogButtons, dialog_buttons, tab_through

BACKUP_FILTER = "党支部工作台账数据文件 (*.sqlite3);;所有文件 (*)"


def when_text(info: backup.BackupInfo) -> str:
    return f"{info.when:%Y-%m-%d %H:%M:%S}"


class _Row:
    """One backup with its record counts, read once when the dialog opens."""

    def __init__(self, info: backup.BackupInfo):
        self.info = info
        self.counts = backup.record_counts(info.path)

    def count(self, table: str) -> str:
        return "无法读取" if self.counts is None else str(self.counts[table])


def _columns() -> list[Column]:
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return [
        Column("时间", lambda r: when_text(r.info), sort=lambda r: r.info.when),
        Column("类型", lambda r: r.info.label),
        Column("大小", lambda r: size_text(r.info.size), sort=lambda r: r.info.size, align=right),
        *[Column(label, lambda r, t=table: r.count(t), align=right)
          for table, label in backup.COUNTED_TABLES.items()],
    ]


class RestoreDialog(QDialog):
    """Lists the backups of ``db_path``; ``chosen`` is the file to restore after exec()."""

    def __init__(self, db_path: Path, parent=None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.chosen: Path | None = None
        self.setWindowTitle("恢复备份")
        layout = QVBoxLayout(self)
        note = QLabel("选择要恢复的备份。恢复前，现在的数据会先另存为一份备份（类型为“恢复前自动保存”），"
                      "需要时可以再恢复回来。")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self._table())
        layout.addWidget(self._buttons())
        tab_through(self)
        self.resize(720, 460)

    def _table(self) -> QTableView:
        self.model = RecordTableModel(_columns(), self)
        self.model.set_rows([_Row(info) for info in backup.list_backups(self.db_path)])
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        self.view.doubleClicked.connect(lambda _: self.choose_selected())
        if self.model.rowCount():
            self.view.selectRow(0)
        return self.view

    def _buttons(self) -> DialogButtons:
        buttons = dialog_buttons(self, "恢复所选备份", "关闭", on_accept=self.choose_selected, extra=[
            ("从文件恢复…", QDialogButtonBox.ButtonRole.ActionRole, self.choose_file)])
        self.restore_button = buttons.accept_button
        self.restore_button.setEnabled(self.model.rowCount() > 0)
        return buttons

    def choose_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.chosen = self.model.record(rows[0].row()).info.path
            self.accept()

    def choose_file(self) -> None:
        path = ask_backup_file(self, self.db_path)
        if path is not None:
            self.chosen = path
            self.accept()


def ask_backup_file(parent, db_path: Path) -> Path | None:
    start = paths.backups_dir(db_path)
    name, _ = QFileDialog.getOpenFileName(parent, "选择备份文件", str(start if start.is_dir()
                                                                    else Path.home()),
                                          BACKUP_FILTER)
    return Path(name) if name else None


# ---------------------------------------------------------------- damaged file at start

def offer_recovery(db_path: Path, error: BranchdeskError) -> bool:
    """Explain the damage and offer the newest good backup. True when it was restored."""
    found = backup.newest_good_backup(db_path)
    if found is None:
        show_error(None, f"{error}\n\n没有找到可用的备份，无法自动恢复。损坏的文件仍在原处：\n{db_path}\n"
                         "请不要删除它，并联系技术人员。", error.title)
        return False
    info, report = found
    if not _ask_recover(db_path, error, info, report):
        return False
    try:
        result = backup.restore(info.path, db_path)
    except BranchdeskError as exc:
        show_error(None, exc)
        return False
    QMessageBox.information(None, "已恢复", f"已用 {when_text(info)} 的备份恢复。\n"
                            f"损坏的文件原样保留为：\n{result.saved}")
    return True


def _ask_recover(db_path: Path, error, info: backup.BackupInfo, report) -> bool:
    text = (f"{error}\n\n最近一次完好的备份：{when_text(info)}（{report.counts_text()}）。\n"
            f"用它恢复吗？损坏的文件会原样保留在 {db_path.parent}，不会删除。\n"
            "备份之后录入的内容需要重新录入。")
    box = QMessageBox(QMessageBox.Icon.Warning, error.title, text, QMessageBox.StandardButton.NoButton)
    recover = box.addButton("用这个备份恢复", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover)
    box.exec()
    return box.clickedButton() is recover


# ---------------------------------------------------------------- backup settings

class BackupSettingsDialog(QDialog):
    """How often to back up and how much history to keep (the ``backup`` settings)."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("备份设置")
        self.setMinimumWidth(520)  # the folder path and the note read as lines, not a column
        layout = QVBoxLayout(self)
        where = QLabel(f"自动备份保存在：{paths.backups_dir(db.path)}\n"
                       "打开软件时、有修改时每隔一段时间、退出时自动备份（没有修改时不重复备份）。")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)
        layout.addLayout(self._form())
        layout.addWidget(dialog_buttons(self, "保存", "取消"))

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        self.spins: dict[str, QSpinBox] = {}
        values = settings.get_all(self.db)
        for spec in settings.backup_settings():
            spin = QSpinBox()
            spin.setRange(spec.minimum or 0, spec.maximum or 9999)
            spin.setValue(values[spec.key])
            self.spins[spec.key] = spin
            form.addRow(spec.label, spin)
        return form

    def save(self) -> None:
        try:
            settings.put(self.db, {key: spin.value() for key, spin in self.spins.items()})
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()
