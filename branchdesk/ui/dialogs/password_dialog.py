"""设置 → 锁定密码: set, change or remove the screen-lock password, and the idle minutes."""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QSpinBox, QVBoxLayout)

from branchdesk.core import screen_lock, settings
from branchdesk.core.errors import BranchdeskError, ValidationError
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.widgets import DialogButtons, dialog_buttons


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class PasswordDialog(QDialog):
    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.had_password = screen_lock.is_enabled(db)
        self.setWindowTitle("锁定密码")
        layout = QVBoxLayout(self)
        note = QLabel("设置密码后，打开本软件、离开电脑一段时间或按 Ctrl+L 时会锁定，"
                      "输入密码才能查看。密码只保存为不可还原的校验值；忘记密码将无法解锁，请牢记。")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(self._form())
        layout.addWidget(self._buttons())

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        self.old = _password_field()
        self.new = _password_field()
        self.again = _password_field()
        self.minutes = QSpinBox()
        spec = settings.SETTINGS["lock_idle_minutes"]
        self.minutes.setRange(spec.minimum, spec.maximum)
        self.minutes.setSuffix(" 分钟")
        self.minutes.setValue(settings.get(self.db, "lock_idle_minutes"))
        if self.had_password:
            form.addRow("原密码", self.old)
        form.addRow("新密码" if self.had_password else "密码", self.new)
        form.addRow("再输入一次", self.again)
        form.addRow("无操作自动锁定", self.minutes)
        return form

    def _buttons(self) -> DialogButtons:
        remove = [("取消密码", QDialogButtonBox.ButtonRole.ResetRole, self.remove)]
        buttons = dialog_buttons(self, "保存", "取消", extra=remove if self.had_password else ())
        if self.had_password:
            self.remove_button = buttons.extra[0]
        return buttons

    def save(self) -> None:
        """A blank new password with one already set keeps it (only the minutes change)."""
        try:
            if self.new.text() or self.again.text() or not self.had_password:
                self._check_same()
                screen_lock.set_password(self.db, self.new.text(), old=self.old.text())
            elif not screen_lock.check(self.db, self.old.text()):
                raise ValidationError({"old": "原密码不正确"})
            settings.put(self.db, {"lock_idle_minutes": self.minutes.value()})
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()

    def _check_same(self) -> None:
        if self.new.text() != self.again.text():
            raise ValidationError({"again": "两次输入的密码不一致"})

    def remove(self) -> None:
        if not confirm(self, "取消密码", "取消后本软件不再锁定，任何人都能查看数据。确定取消密码吗？",
                       yes="取消密码"):
            return
        try:
            screen_lock.remove_password(self.db, self.old.text())
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()
