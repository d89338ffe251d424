"""设置 → 密码: set, change or remove the password that encrypts the branch and locks the
screen, and the idle minutes.

Changing only rewrites the key file, so it happens here. Setting and removing rewrite the
whole file with the window's connection closed: the dialog checks what was typed and leaves
``intent`` for ui/password.py.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox,
                               QVBoxLayout)

from branchdesk.core import encryption, keys, screen_lock, settings
from branchdesk.core.errors import BranchdeskError, ValidationError
from branchdesk.ui.dialogs.unlock_dialog import password_field
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.widgets import DialogButtons, dialog_buttons

PROTECTS = ("设置密码后，数据文件、backups 文件夹中的备份和会议附件都加密保存：没有密码，拿到这些文件的人"
            "也看不到其中的姓名、身份证号和电话。打开本软件、离开电脑一段时间或按 Ctrl+L 时会锁定。")
CAVEATS = ("设置后会显示一次恢复密钥，忘记密码时只能用它打开数据。备份到U盘等其他位置的旧副本不会加密，"
           "请删除或重新备份；旧的未加密文件在磁盘（尤其是固态硬盘）上占用过的空间无法保证已被擦除。")


class PasswordDialog(QDialog):
    """``intent`` after exec(): ("set", new), ("remove", old) or None (changed here, or only
    the minutes)."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.intent = None
        self.had_password = screen_lock.is_enabled(db)
        self.encrypted = screen_lock.is_encrypted(db)
        self.setWindowTitle("密码")
        layout = QVBoxLayout(self)
        for text in (PROTECTS, CAVEATS):
            note = QLabel(text)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(self._form())
        layout.addWidget(self._buttons())
        self.setMinimumWidth(540)

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        self.old = password_field()
        self.new = password_field(f"至少 {keys.MIN_LENGTH} 个字符")
        self.again = password_field()
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
            self._save()
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()

    def _save(self) -> None:
        changing = bool(self.new.text() or self.again.text()) or not self.had_password
        if changing:
            if self.new.text() != self.again.text():
                raise ValidationError({"again": "两次输入的密码不一致"})
            keys.check_new_password(self.new.text())
        if self.had_password and not screen_lock.check(self.db, self.old.text()):
            raise ValidationError({"old": "原密码不正确"})
        settings.put(self.db, {"lock_idle_minutes": self.minutes.value()})
        if not changing:
            return
        if self.encrypted:
            encryption.change_password(self.db.path, self.old.text(), self.new.text())
        else:  # a first password, or one that was only the screen lock's
            self.intent = ("set", self.new.text())

    def remove(self) -> None:
        if not confirm(self, "取消密码", "取消后数据文件不再加密，本软件也不再锁定，任何人都能查看数据。"
                       "已有的加密备份仍需这个密码或恢复密钥才能打开。确定取消密码吗？",
                       yes="取消密码"):
            return
        if not screen_lock.check(self.db, self.old.text()):
            show_error(self, ValidationError({"old": "原密码不正确"}))
            return
        if self.encrypted:
            self.intent = ("remove", self.old.text())
        else:
            screen_lock.remove_password(self.db, self.old.text())
        self.accept()
