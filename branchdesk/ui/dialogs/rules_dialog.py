"""Settings for the rule thresholds and frequencies, with 恢复默认."""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox,
                               QVBoxLayout)

from branchdesk.core import settings
from branchdesk.core.errors import BranchdeskError
from branchdesk.ui.errors import confirm, show_error


class RulesDialog(QDialog):
    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("检查规则设置")
        layout = QVBoxLayout(self)
        note = QLabel("各地要求不尽相同，以下频次和阈值可按本地规定调整。默认值依据《中国共产党支部工作条例（试行）》等。")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.spins: dict[str, QSpinBox] = {}
        for spec in settings.rule_settings():
            spin = QSpinBox()
            spin.setRange(spec.minimum or 0, spec.maximum or 9999)
            self.spins[spec.key] = spin
            form.addRow(spec.label, spin)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).setText("恢复默认")
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.load(settings.get_all(db))

    def load(self, values: dict) -> None:
        for key, spin in self.spins.items():
            spin.setValue(values[key])

    def restore(self) -> None:
        if confirm(self, "恢复默认", "把所有检查规则恢复为默认值吗？（保存后生效）", yes="恢复默认"):
            self.load({s.key: s.default for s in settings.rule_settings()})

    def save(self) -> None:
        try:
            settings.put(self.db, {key: spin.value() for key, spin in self.spins.items()})
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()
