"""The password of an encrypted branch: asked before it opens, the 恢复密钥 page shown once,
and a new password set with the 恢复密钥 when the old one is forgotten."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QVBoxLayout)

from branchdesk import APP_TITLE
from branchdesk.core import encryption, keys, screen_lock
from branchdesk.core.errors import BranchdeskError, ValidationError, WrongPasswordError
from branchdesk.ui.errors import show_error
from branchdesk.ui.widgets import dialog_buttons

ERROR_STYLE = "color: #c0392b"


def password_field(placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


class UnlockDialog(QDialog):
    """输入密码: unlocks the key of ``path`` (core/keys.py) for this process. Accepted once
    the password opens the key file; a wrong one waits longer after a few tries (as the lock)
    and never leads to a restore offer."""

    def __init__(self, path: Path, parent=None, *, what: str = "数据文件",
                 cancel_text: str = "退出"):
        super().__init__(parent)
        self.path = Path(path)
        self.failures = 0
        self.setWindowTitle(f"输入密码 — {APP_TITLE}")
        layout = QVBoxLayout(self)
        intro = QLabel(f"<h3>请输入密码</h3><p>{what}“{self.path.name}”已加密，输入密码才能打开。</p>")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.password = password_field("密码")
        self.password.setMinimumWidth(260)
        self.password.returnPressed.connect(self.try_unlock)
        layout.addWidget(self.password)
        self.message = QLabel("")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        forgot = QPushButton("忘记密码？用恢复密钥…")
        forgot.setFlat(True)
        forgot.clicked.connect(self.use_recovery_key)
        layout.addWidget(forgot, 0, Qt.AlignmentFlag.AlignLeft)
        self.buttons = dialog_buttons(self, "打开", cancel_text, on_accept=self.try_unlock)
        layout.addWidget(self.buttons)

    def try_unlock(self) -> None:
        try:
            keys.unlock(self.path, self.password.text())
        except WrongPasswordError:
            self._wrong()
            return
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()

    def _wrong(self) -> None:
        self.failures += 1
        delay = screen_lock.delay_after(self.failures)
        wait = f"请等 {delay:.0f} 秒后再试。" if delay >= 1 else ""
        self.message.setText(f"密码不正确。{wait}数据文件没有被改动。")
        self.password.selectAll()
        if delay >= 1:
            self.buttons.accept_button.setEnabled(False)
            self.password.setEnabled(False)
            QTimer.singleShot(int(delay * 1000), self._ready)

    def _ready(self) -> None:
        self.buttons.accept_button.setEnabled(True)
        self.password.setEnabled(True)
        self.password.setFocus()

    def use_recovery_key(self) -> None:
        if RecoveryResetDialog(self.path, self).exec():
            self.accept()  # the new password's key is unlocked


class RecoveryResetDialog(QDialog):
    """用恢复密钥设置新密码: proves the key with the 恢复密钥, writes a new key file."""

    def __init__(self, path: Path, parent=None):
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle("用恢复密钥设置新密码")
        layout = QVBoxLayout(self)
        note = QLabel("请输入设置密码时抄下或打印的恢复密钥（11 组，每组 5 个字符，大小写和空格不影响），"
                      "再设一个新密码。数据不会改动。")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.recovery = QLineEdit()
        self.recovery.setPlaceholderText("XXXXX-XXXXX-…")
        self.recovery.setMinimumWidth(420)
        self.new = password_field()
        self.again = password_field()
        form.addRow("恢复密钥", self.recovery)
        form.addRow("新密码", self.new)
        form.addRow("再输入一次", self.again)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "设置新密码", "取消"))

    def save(self) -> None:
        try:
            if self.new.text() != self.again.text():
                raise ValidationError({"again": "两次输入的新密码不一致"})
            encryption.reset_with_recovery_key(self.path, self.recovery.text(), self.new.text())
        except BranchdeskError as exc:
            show_error(self, exc)
            return
        self.accept()


class RecoveryKeyDialog(QDialog):
    """The 恢复密钥 page, shown once after a password is set: the key in large print, how to
    keep it, 复制 and 打印; it closes only after the box saying it was kept is ticked."""

    def __init__(self, recovery_key: str, parent=None, *, intro: str = ""):
        super().__init__(parent)
        self.recovery_key = recovery_key
        self.setWindowTitle("恢复密钥（只显示这一次）")
        layout = QVBoxLayout(self)
        text = QLabel((intro + "<br>" if intro else "")
                      + "<h3>请抄下或打印这个恢复密钥</h3>"
                      "<p>忘记密码时，只有它能打开数据文件和备份；钥匙文件（.key）丢失时也能用它打开。"
                      "本软件<b>不会再显示</b>它，也没有其他办法找回数据。</p>"
                      "<p>请把它和电脑分开保管（例如锁进文件柜），不要存在这台电脑上。"
                      "以后修改密码，恢复密钥不变。</p>")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.key_view = QPlainTextEdit(_key_in_lines(recovery_key))
        self.key_view.setReadOnly(True)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(15)
        self.key_view.setFont(font)
        self.key_view.setFixedHeight(96)
        layout.addWidget(self.key_view)
        row = QHBoxLayout()
        copy = QPushButton("复制")
        copy.clicked.connect(self.copy)
        printing = QPushButton("打印…")
        printing.clicked.connect(self.print_key)
        row.addWidget(copy)
        row.addWidget(printing)
        row.addStretch(1)
        layout.addLayout(row)
        self.kept = QCheckBox("我已抄下或打印恢复密钥，并会妥善保管")
        layout.addWidget(self.kept)
        self.buttons = dialog_buttons(self, "完成")
        self.buttons.reject_button.hide()
        self.buttons.accept_button.setEnabled(False)
        self.kept.toggled.connect(self.buttons.accept_button.setEnabled)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def save(self) -> None:
        self.accept()

    def reject(self) -> None:  # Esc or the close button: only after the box is ticked
        if self.kept.isChecked():
            super().reject()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.recovery_key)

    def print_key(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec():
            document = QTextDocument()
            document.setHtml(f"<h2>{APP_TITLE} 恢复密钥</h2><p style='font-size:18pt;"
                             f"font-family:monospace'>{_key_in_lines(self.recovery_key, '<br>')}</p>"
                             "<p>忘记密码时用它打开数据文件。请锁好，不要和电脑放在一起。</p>")
            document.print_(printer)


def _key_in_lines(recovery_key: str, newline: str = "\n") -> str:
    """The 11 groups in three lines (4, 4, 3) so that copying it by hand keeps one's place."""
    groups = recovery_key.split("-")
    return newline.join("-".join(groups[i:i + 4]) for i in range(0, len(groups), 4))
