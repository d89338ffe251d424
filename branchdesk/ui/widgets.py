"""Small reusable widgets: a date field that accepts what people type, field error labels."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from branchdesk.core.dates import parse_date

ERROR_STYLE = "color: #c0392b;"
WARNING_STYLE = "color: #b9770e;"


class DateEdit(QLineEdit):
    """Accepts 2001-07-01, 2001.7, 2001年7月1日, 20010701 …; shows ISO after editing."""

    date_changed = Signal()

    def __init__(self, parent=None, placeholder: str = "如 2001-07-01"):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.editingFinished.connect(self._normalise)

    def _normalise(self) -> None:
        try:
            value = parse_date(self.text())
        except ValueError:
            return  # keep what was typed; validation will say what is wrong
        if value:
            self.setText(value.isoformat())
        self.date_changed.emit()

    def value(self) -> date | None:
        """The date, or None when empty or unreadable."""
        try:
            return parse_date(self.text())
        except ValueError:
            return None

    def set_value(self, value: date | str | None) -> None:
        self.setText(value.isoformat() if isinstance(value, date) else (value or ""))


class Field(QWidget):
    """An input with a message line under it, for errors and warnings beside the field."""

    def __init__(self, editor: QWidget, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        layout.addWidget(self.message)

    def show_message(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else WARNING_STYLE)
        self.message.setVisible(bool(text))

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()
