"""Settings for the rule thresholds and frequencies, with 恢复默认."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QFrame,
                               QLabel, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from branchdesk.core import settings
from branchdesk.core.errors import BranchdeskError
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.widgets import ERROR_STYLE, DateEdit, dialog_buttons, fit_to_screen, tab_through


class RulesDialog(QDialog):
    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("检查规则设置")
        layout = QVBoxLayout(self)
        note = QLabel("各地要求不尽相同，以下频次和阈值可按本地规定调整。默认值依据《中国共产党支部工作条例（试行）》等。")
        note.setWordWrap(True)
        layout.addWidget(note)
        inner = QWidget()
        form = QFormLayout(inner)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.records_start = DateEdit(placeholder="留空：检查全部月份")
        self.records_start.setToolTip("开始用本软件记录的日期。此前结束、又没有补录记录的月份"
                                      "显示为“—”，不算缺项；补录的会议照常计入。")
        form.addRow("从此日期开始检查", self.records_start)
        self.start_error = QLabel()
        self.start_error.setStyleSheet(ERROR_STYLE)
        self.start_error.hide()
        form.addRow("", self.start_error)
        self.spins: dict[str, QSpinBox] = {}
        self.boxes: dict[str, QCheckBox] = {}
        for spec in settings.rule_settings():
            if isinstance(spec.default, bool):
                self.boxes[spec.key] = QCheckBox(spec.label)
                form.addRow("", self.boxes[spec.key])
                continue
            spin = QSpinBox()
            spin.setRange(spec.minimum or 0, spec.maximum or 9999)
            self.spins[spec.key] = spin
            form.addRow(spec.label, spin)
        scroll = QScrollArea()  # all the rules fit on a 1366×768 screen too
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        layout.addWidget(scroll)
        layout.addWidget(dialog_buttons(self, "保存", "取消", extra=[
            ("恢复默认", QDialogButtonBox.ButtonRole.ResetRole, self.restore)]))
        self.load(settings.get_all(db))
        tab_through(self)
        fit_to_screen(self, 620, 760)

    def load(self, values: dict) -> None:
        for key, spin in self.spins.items():
            spin.setValue(values[key])
        for key, box in self.boxes.items():
            box.setChecked(values[key])
        if "records_start" in values:
            self.records_start.set_value(values["records_start"])

    def restore(self) -> None:
        if confirm(self, "恢复默认", "把所有检查规则恢复为默认值吗？（保存后生效）", yes="恢复默认"):
            self.load({s.key: s.default for s in settings.rule_settings()})

    def save(self) -> None:
        start = self.records_start.value()
        if self.records_start.text().strip() and start is None:
            self.start_error.setText("日期无法识别，请按 2026-01-01 的格式填写，或留空。")
            self.start_error.show()
            self.records_start.setFocus()
            return
        values = {key: spin.value() for key, spin in self.spins.items()}
        values.update({key: box.isChecked() for key, box in self.boxes.items()})
        values["records_start"] = start.isoformat() if start else ""
        try:
            settings.put(self.db, values)
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()
