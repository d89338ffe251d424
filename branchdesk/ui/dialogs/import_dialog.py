"""Roster import preview: check the column mapping, see every row's fate, then import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QRadioButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from branchdesk.core import importing, masking
from branchdesk.core.errors import BranchdeskError
from branchdesk.ui.errors import show_error
from branchdesk.ui.widgets import dialog_buttons, fit_to_screen
from branchdesk.ui.tasks import Cancelled, run_with_progress

NOT_IMPORTED = "（不导入）"
HIDDEN_MARK = "（隐藏的工作表）"
# The preview shows what would be written, field by field, so it can be checked first; the ID
# and the birth date as every masked output shows them (beside the region of a masked ID, a full
# birth date would leave 500 candidate numbers, below the rule of docs/privacy.md).
VALUE_COLUMNS = [("性别", lambda m: m.gender),
                 ("公民身份号码", lambda m: masking.id_number(m.id_number)),
                 ("出生日期", lambda m: masking.birth(m.birth_date)), ("人员类别", lambda m: m.category),
                 ("党小组", lambda m: m.group_name), ("入党日期", lambda m: m.join_date or ""),
                 ("转正日期", lambda m: m.full_date or "")]
ROW_HEADERS = ["Excel行号", "姓名", "处理方式", *(title for title, _ in VALUE_COLUMNS), "说明"]
NOTE_MIN_WIDTH = 260  # the 说明 column: narrower, and the table scrolls sideways instead


class ImportDialog(QDialog):
    """Reads the file on open; ``exec()`` returns 0 at once when it cannot be read."""

    def __init__(self, db, path: Path, parent=None):
        super().__init__(parent)
        self.db, self.path = db, path
        self.plan: importing.ImportPlan | None = None
        self.result_summary: importing.ImportResult | None = None
        self.setWindowTitle(f"导入花名册 — {path.name}")
        self._build()
        fit_to_screen(self, 1100, 720)
        self.load()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._file_row())
        layout.addWidget(self._mapping_box())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.rows = QTableWidget(0, len(ROW_HEADERS))
        self.rows.setHorizontalHeaderLabels(ROW_HEADERS)
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.verticalHeader().hide()  # the Excel row number is the first column
        self.rows.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.rows, 1)
        layout.addLayout(self._options())
        self.buttons = dialog_buttons(self, "导入", "取消", on_accept=self.do_import)
        self.import_button = self.buttons.accept_button
        layout.addWidget(self.buttons)

    def _file_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.sheet = QComboBox()
        self.sheet.setToolTip("文件中有几个工作表时，可以在这里选择导入哪一个")
        self.sheet.activated.connect(self._sheet_chosen)
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 50)
        again = QPushButton("按此设置重新识别")
        again.clicked.connect(self.replan)
        for widget in (QLabel("工作表"), self.sheet, QLabel("表头所在行"), self.header_row, again):
            row.addWidget(widget)
        row.addStretch()
        return row

    def _mapping_box(self) -> QGroupBox:
        box = QGroupBox("列的对应关系（识别不对可以在这里改，然后点“按此设置重新识别”）")
        layout = QVBoxLayout(box)
        self.mapping = QTableWidget(2, 0)
        self.mapping.setVerticalHeaderLabels(["文件中的列", "导入为"])
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Rows as tall as their dropdowns, the table as tall as its rows (see _fit_mapping).
        self.mapping.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.mapping.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.mapping.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.mapping)
        return box

    def _options(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.update_existing = QRadioButton("身份证号已在名册中的：用文件内容更新")
        self.skip_existing = QRadioButton("身份证号已在名册中的：跳过，保持不变")
        self.skip_existing.setChecked(True)
        self.partial = QCheckBox("有不能导入的行时，只导入其余的行")
        self.partial.toggled.connect(self._update_button)
        self.blocked = QLabel()
        self.blocked.setStyleSheet("color: #c0392b;")
        for widget in (self.skip_existing, self.update_existing, self.partial):
            row.addWidget(widget)
        row.addStretch()
        row.addWidget(self.blocked)
        return row

    # ------------------------------------------------------------ planning
    def load(self) -> None:
        try:
            plan = run_with_progress(self.parentWidget(), "正在读取文件…", self.db.path,
                                     lambda db, report: importing.plan_file(db, self.path))
        except Cancelled:
            self.failed = True
            return
        except Exception as exc:  # noqa: BLE001 - one error path
            self.failed = True
            show_error(self.parentWidget(), exc)
            return
        self.failed = False
        self._show_plan(plan)

    def exec(self) -> int:
        return 0 if self.failed else super().exec()

    def replan(self) -> None:
        if self.plan is None:
            return
        try:
            table = self.plan.table
            if self.sheet.currentData() != table.sheet:
                table = importing.read_table(self.path, self.sheet.currentData())
                plan = importing.build_plan(self.db, table)
            elif self.header_row.value() != self.plan.header.row:
                # another header row means other column titles: guess the mapping afresh
                plan = importing.build_plan(self.db, table, header_row=self.header_row.value())
            else:
                plan = importing.build_plan(self.db, table, header_row=self.header_row.value(),
                                            header_height=self.plan.header.height,
                                            mapping=self.chosen_mapping())
        except BranchdeskError as exc:
            show_error(self, exc)
            self._show_sheets(self.plan.table)  # back to the sheet that is shown
            return
        self._show_plan(plan)

    def _sheet_chosen(self, _index: int) -> None:
        """The sheet chosen in the list is read at once (a bound slot: no lambda keeps a closed
        dialog alive)."""
        self.replan()

    def chosen_mapping(self) -> dict[int, str]:
        mapping = {}
        for column in range(self.mapping.columnCount()):
            field = self.mapping.cellWidget(1, column).currentData()
            if field:
                mapping[column] = field
        return mapping

    def _show_plan(self, plan: importing.ImportPlan) -> None:
        self.plan = plan
        self._show_sheets(plan.table)
        self.header_row.setValue(plan.header.row)
        self._fill_mapping(plan)
        self._fill_rows(plan)
        self._update_button()

    def _show_sheets(self, table: importing.Table) -> None:
        """Every worksheet, hidden ones marked, the one read selected (item data: its name)."""
        self.sheet.blockSignals(True)
        self.sheet.clear()
        for name in table.sheet_names:
            self.sheet.addItem(f"{name}{HIDDEN_MARK if name in table.hidden_sheets else ''}", name)
        self.sheet.setCurrentIndex(self.sheet.findData(table.sheet))
        self.sheet.blockSignals(False)

    def _fill_mapping(self, plan: importing.ImportPlan) -> None:
        titles = plan.header.titles
        self.mapping.setColumnCount(len(titles))
        self.mapping.setHorizontalHeaderLabels([importing.column_name(i) for i in range(len(titles))])
        for index, title in enumerate(titles):
            self.mapping.setItem(0, index, QTableWidgetItem(title or ""))
            combo = QComboBox()
            combo.addItem(NOT_IMPORTED, None)
            for field, label in importing.FIELDS.items():
                combo.addItem(label, field)
            combo.setCurrentIndex(max(combo.findData(plan.mapping.get(index)), 0))
            self.mapping.setCellWidget(1, index, combo)
        self._fit_mapping()

    def _fit_mapping(self) -> None:
        """Make the mapping table exactly as tall as its header, its two rows (the second as
        tall as a dropdown) and its scroll bar, whatever the font size and screen scaling."""
        table = self.mapping
        table.resizeRowsToContents()
        combo = table.cellWidget(1, 0)
        if combo is not None:
            table.setRowHeight(1, max(table.rowHeight(1), combo.sizeHint().height()))
        height = (table.horizontalHeader().sizeHint().height() + table.rowHeight(0)
                  + table.rowHeight(1) + table.horizontalScrollBar().sizeHint().height()
                  + 2 * table.frameWidth())
        table.setFixedHeight(height)
    def _fill_rows(self, plan: importing.ImportPlan) -> None:
        results = sorted(plan.rows, key=lambda r: r.row)
        self.rows.setRowCount(len(results))
        for index, result in enumerate(results):
            self._fill_row(index, result)
        self.rows.resizeColumnsToContents()
        note = self.rows.columnCount() - 1
        self.rows.setColumnWidth(note, max(self.rows.columnWidth(note), NOTE_MIN_WIDTH))
        new = sum(1 for r in plan.accepted if not r.existing)
        known = len(plan.accepted) - new
        warned = sum(1 for r in plan.accepted if r.warnings)
        self.summary.setText(
            f"共 {len(plan.rows)} 行：可新增 {new} 人，名册中已有 {known} 人，"
            + (f"<span style='color:#9a5b00'>有提示 {warned} 行（黄色，请核对）</span>，" if warned else "")
            + f"<span style='color:#c0392b'>不能导入 {len(plan.rejected)} 行</span>"
            + (f"；另有 {len(plan.ignored)} 行（标题、备注等）已忽略" if plan.ignored else ""))

    def _fill_row(self, index: int, result) -> None:
        """One row: where it is, what happens to it, the values it would write, and why."""
        member = result.member if result.accepted else None
        name = member.name if member else result.name
        action = "不能导入" if not result.accepted else ("已在名册" if result.existing else "新增")
        note = result.reason or "；".join(result.warnings) or (
            "名册中已有此人（身份证号相同），按下方的选择更新或跳过" if result.existing else "")
        values = [value(member) if member else "" for _, value in VALUE_COLUMNS]
        color = "#fadbd8" if not result.accepted else ("#fdebd0" if result.warnings else None)
        for column, text in enumerate([str(result.row), name, action, *values, note]):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if color:
                item.setBackground(QBrush(QColor(color)))
            self.rows.setItem(index, column, item)

    def _update_button(self) -> None:
        plan = self.plan
        ok = bool(plan and plan.accepted and (not plan.rejected or self.partial.isChecked()))
        self.import_button.setEnabled(ok)
        self.blocked.setText("" if ok or not plan else
                             "没有可导入的行" if not plan.accepted else
                             f"有 {len(plan.rejected)} 行不能导入：请修改文件后重新导入，或勾选左边的“只导入其余的行”")

    # ------------------------------------------------------------ writing
    def do_import(self) -> None:
        try:
            self.result_summary = importing.apply(
                self.db, self.plan, update_existing=self.update_existing.isChecked(),
                skip_rejected=self.partial.isChecked())
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        QMessageBox.information(self, "导入完成", self.result_summary.summary())
        self.accept()
