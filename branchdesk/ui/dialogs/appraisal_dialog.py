"""民主评议党员: one grade per member for a year, with a warning when 优秀 are too many."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout)

from branchdesk.core import appraisals, branch, settings
from branchdesk.core.errors import BranchdeskError
from branchdesk.core.appraisals import GRADES, NOT_GRADED
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.widgets import WARNING_STYLE, fit_to_screen, dialog_buttons

UNGRADED = "（未评定）"
NAME, CATEGORY, GROUP, GRADE, NOTE = range(5)


def default_year(today: date | None = None) -> int:
    """Appraisals happen at the year's end or early next year: in Q1, the year just past."""
    today = today or date.today()
    return today.year - 1 if today.month <= 3 else today.year


def default_grade(category: str) -> str:
    """预备党员 are listed but not graded by default (docs/rules.md, 民主评议)."""
    return NOT_GRADED if category == "预备党员" else ""


class AppraisalDialog(QDialog):
    def __init__(self, db, parent=None, *, year: int | None = None):
        super().__init__(parent)
        self.db = db
        self.member_ids: list[int] = []
        self.shown_year = 0
        self.dirty = False
        self.setWindowTitle("民主评议党员")
        self._build(year or default_year())
        self.load(self.year.value())
        fit_to_screen(self, 760, 620)

    # ------------------------------------------------------------ layout
    def _build(self, year: int) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._top(year))
        layout.addWidget(self._table())
        self.summary = QLabel()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE + " font-weight: bold;")
        layout.addWidget(self.summary)
        layout.addWidget(self.warning)
        layout.addWidget(self._button_box())

    def _top(self, year: int) -> QHBoxLayout:
        row = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setRange(1990, date.today().year + 1)
        self.year.setValue(year)
        self.year.setSuffix(" 年度")
        self.year.valueChanged.connect(self._year_changed)
        self.rest_qualified = QPushButton("未评定的设为“合格”")
        self.rest_qualified.clicked.connect(self.grade_rest_qualified)
        row.addWidget(QLabel("评议年度："))
        row.addWidget(self.year)
        row.addStretch()
        row.addWidget(self.rest_qualified)
        return row

    def _table(self) -> QTableWidget:
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["姓名", "人员类别", "党小组", "评议等次", "备注"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(30)
        for column, width in ((NAME, 90), (CATEGORY, 90), (GROUP, 120), (GRADE, 120)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        return self.table

    def _button_box(self) -> QDialogButtonBox:
        buttons = dialog_buttons(self, "保存", "关闭")
        return buttons

    # ------------------------------------------------------------ loading
    def load(self, year: int) -> None:
        stored = appraisals.grades(self.db, year)
        candidates = appraisals.candidates(self.db, year)
        groups = branch.group_names(self.db)
        self.shown_year, self.member_ids = year, [e.member.id for e in candidates]
        self.table.setRowCount(0)
        for entry in candidates:
            grade, note = stored.get(entry.member.id, (default_grade(entry.category), ""))
            self._append(entry.member.name, entry.category, groups.get(entry.group_id, ""),
                         grade, note)
        self.dirty = False
        self._update_feedback()

    def _append(self, name: str, category: str, group: str, grade: str, note: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in ((NAME, name), (CATEGORY, category), (GROUP, group)):
            self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.setCellWidget(row, GRADE, self._grade_combo(grade))
        edit = QLineEdit(note)
        edit.textChanged.connect(self._mark_dirty)
        self.table.setCellWidget(row, NOTE, edit)

    def _grade_combo(self, grade: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems([UNGRADED, *GRADES, NOT_GRADED])
        combo.setCurrentText(grade or UNGRADED)
        combo.currentTextChanged.connect(self._grade_changed)
        return combo

    def _year_changed(self, year: int) -> None:
        if self.dirty and not confirm(self, "切换年度", "本年度的评议结果尚未保存，切换后修改将丢失。"
                                      "确定切换吗？", yes="切换"):
            self.year.blockSignals(True)
            self.year.setValue(self.shown_year)
            self.year.blockSignals(False)
            return
        self.load(year)

    # ------------------------------------------------------------ reading and editing
    def grade_combo(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, GRADE)

    def grades(self) -> dict[int, tuple[str, str]]:
        """member id -> (grade, note); ungraded rows have an empty grade (not stored)."""
        out = {}
        for row, member_id in enumerate(self.member_ids):
            grade = self.grade_combo(row).currentText()
            note = self.table.cellWidget(row, NOTE).text()
            out[member_id] = ("" if grade == UNGRADED else grade, note)
        return out

    def set_grade(self, member_id: int, grade: str) -> None:
        self.grade_combo(self.member_ids.index(member_id)).setCurrentText(grade)

    def grade_rest_qualified(self) -> None:
        for row in range(self.table.rowCount()):
            if self.grade_combo(row).currentText() == UNGRADED:
                self.grade_combo(row).setCurrentText("合格")

    def _grade_changed(self) -> None:
        self._mark_dirty()
        self._update_feedback()

    def _mark_dirty(self) -> None:
        self.dirty = True

    def _update_feedback(self) -> None:
        grades = [g for g, _ in self.grades().values()]
        parts = [f"{g} {grades.count(g)} 人" for g in (*GRADES, NOT_GRADED) if grades.count(g)]
        ungraded = grades.count("")
        self.summary.setText(f"共 {len(grades)} 人：" + ("，".join(parts) or "尚未评定")
                             + (f"，未评定 {ungraded} 人" if ungraded else ""))
        warning = appraisals.excellent_warning(self.grades(),
                                             settings.get(self.db, "excellent_ratio_pct"))
        self.warning.setText(warning or "")
        self.warning.setVisible(bool(warning))

    def reject(self) -> None:
        if self.dirty and not confirm(self, "关闭", "评议结果尚未保存，关闭后修改将丢失。确定关闭吗？",
                                      yes="关闭"):
            return
        super().reject()

    # ------------------------------------------------------------ saving
    def save(self) -> None:
        try:
            appraisals.save(self.db, self.year.value(), self.grades())
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.dirty = False
        self.accept()
