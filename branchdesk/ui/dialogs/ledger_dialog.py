"""导出年度台账: a year or a date range, masking, the file; written with progress and 取消."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QDateEdit, QDialog, QFileDialog,
                               QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from branchdesk.core.branch import heading_name
from branchdesk.core.ledger.period import file_name
from branchdesk.core.ledger.yearly import export_ledger
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.folders import documents_dir, show_done
from branchdesk.ui.tasks import Cancelled, run_with_progress
from branchdesk.ui.widgets import DialogButtons, dialog_buttons

XLSX_FILTER = "Excel 文件 (*.xlsx)"
MASK_NOTE = ("留在办公室存档的台账一般不隐藏；交给他人或带出办公室时请勾选。\n"
             "（“导出到U盘”默认隐藏。）")


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


# ---------------------------------------------------------------- the dialog

class LedgerDialog(QDialog):
    """Exports the yearly ledger; ``exported`` is the file written, after exec()."""

    def __init__(self, db, parent=None, *, today: date | None = None):
        super().__init__(parent)
        self.db, self.today = db, today or date.today()
        self.exported: Path | None = None
        self.path_chosen = False  # by 选择… or typing; otherwise the name follows the period
        self.confirmed: Path | None = None  # the file dialog already asked about replacing it
        self.setWindowTitle("导出年度台账")
        layout = QVBoxLayout(self)
        layout.addWidget(self._period_box())
        layout.addWidget(self._mask_box())
        layout.addWidget(self._target_box())
        layout.addWidget(self._buttons())
        self._period_changed()
        self.resize(560, 0)

    def _period_box(self) -> QGroupBox:
        box = QGroupBox("时间范围")
        grid = QGridLayout(box)
        self.by_year = QRadioButton("按年度")
        self.by_range = QRadioButton("按日期范围")
        self.by_year.setChecked(True)
        self.year = QSpinBox()
        self.year.setRange(2000, self.today.year + 1)
        self.year.setValue(self.today.year)
        self.year.setSuffix(" 年")
        self.start = self._date_edit(date(self.today.year, 1, 1))
        self.end = self._date_edit(self.today)
        dates = QHBoxLayout()
        for widget in (self.start, QLabel("至"), self.end):
            dates.addWidget(widget)
        dates.addStretch()
        grid.addWidget(self.by_year, 0, 0)
        grid.addWidget(self.year, 0, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.by_range, 1, 0)
        grid.addLayout(dates, 1, 1)
        grid.setColumnStretch(1, 1)
        for signal in (self.by_year.toggled, self.year.valueChanged, self.start.dateChanged,
                       self.end.dateChanged):
            signal.connect(self._period_changed)
        return box

    def _date_edit(self, day: date) -> QDateEdit:
        edit = QDateEdit(to_qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _mask_box(self) -> QWidget:
        box = QGroupBox("个人信息")
        layout = QVBoxLayout(box)
        self.mask = QCheckBox("隐藏身份证号、出生日期、电话和住址等个人信息")
        note = QLabel(MASK_NOTE)
        layout.addWidget(self.mask)
        layout.addWidget(note)
        return box

    def _target_box(self) -> QWidget:
        box = QGroupBox("保存为")
        row = QHBoxLayout(box)
        self.path_edit = QLineEdit()
        self.path_edit.textEdited.connect(lambda _: setattr(self, "path_chosen", True))
        browse = QPushButton("选择…")
        browse.clicked.connect(self.choose_file)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        return box

    def _buttons(self) -> DialogButtons:
        buttons = dialog_buttons(self, "导出", "关闭", on_accept=self.export)
        self.export_button = buttons.accept_button
        return buttons

    # ------------------------------------------------------------ choices
    def period(self) -> dict:
        """The keyword arguments of export_ledger for the chosen period."""
        if self.by_year.isChecked():
            return {"year": self.year.value()}
        return {"start": from_qdate(self.start.date()), "end": from_qdate(self.end.date())}

    def suggested_name(self) -> str:
        return file_name(heading_name(self.db), **self.period())  # as the ledger's title

    def _period_changed(self) -> None:
        self.year.setEnabled(self.by_year.isChecked())
        self.start.setEnabled(self.by_range.isChecked())
        self.end.setEnabled(self.by_range.isChecked())
        if not self.path_chosen:
            folder = Path(self.path_edit.text()).parent if self.path_edit.text() \
                else documents_dir()
            self.path_edit.setText(str(folder / self.suggested_name()))

    def choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "保存年度台账", self.path_edit.text(),
                                              XLSX_FILTER)
        if path:
            self.confirmed = _with_xlsx(Path(path))
            self.path_edit.setText(str(self.confirmed))
            self.path_chosen = True

    def target(self) -> Path | None:
        """The file to write, after the questions a save needs (empty, folder, overwrite)."""
        text = self.path_edit.text().strip()
        if not text:
            show_error(self, "请选择台账的保存位置。")
            return None
        path = _with_xlsx(Path(text))
        if path.exists() and path != self.confirmed and not confirm(
                self, "文件已存在", f"“{path.name}”已存在，要替换它吗？", "替换"):
            return None
        return path

    # ------------------------------------------------------------ export
    def export(self) -> None:
        path = self.target()
        if path is None:
            return
        period, mask, today = self.period(), self.mask.isChecked(), self.today
        try:
            run_with_progress(self, "正在导出年度台账…", self.db.path,
                              lambda db, report: export_ledger(db, path, mask=mask, today=today,
                                                               progress=report, **period))
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 - shown through the one error path
            show_error(self, exc)
            return
        self.exported = path
        show_done(self, "导出完成", f"已导出年度台账：\n{path}", path.parent)
        self.accept()


def _with_xlsx(path: Path) -> Path:
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")
