"""The screen lock: after N idle minutes, on Ctrl+L and at start, when a password is set.

Locking covers every visible window of the app (the main window and any open dialog) with an
opaque page, disables what lies beneath it (so Tab cannot reach a hidden field) and every menu
action, and replaces the window titles, which may name the branch or a member. Dialogs stay
open underneath, so nothing typed is lost. The password box goes on the window that can take
input: the open modal dialog if there is one, else the main window. Wrong passwords make the
next try wait longer (core/screen_lock.py delay_after).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QLineEdit, QMessageBox,
                               QPushButton, QToolTip, QVBoxLayout, QWidget)

from branchdesk import APP_TITLE
from branchdesk.core import screen_lock, settings

log = logging.getLogger(__name__)

LOCKED_TITLE = f"{APP_TITLE}（已锁定）"
LOCK_SHORTCUT = "Ctrl+L"
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin}
_FORM_MIN_SIZE = (380, 260)


class LockCover(QWidget):
    """An opaque page over one window; with ``with_form`` it holds the password box."""

    unlock_requested = Signal(str)

    def __init__(self, host: QWidget, with_form: bool):
        super().__init__(host)
        self.host = host
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.password = self.button = self.message = None
        self._build(with_form)
        host.installEventFilter(self)
        self.setGeometry(host.rect())
        self.raise_()
        self.show()

    def _build(self, with_form: bool) -> None:
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("<h2>已锁定</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        if with_form:
            layout.addLayout(self._form())
        layout.addStretch(2)

    def _form(self) -> QVBoxLayout:
        box = QVBoxLayout()
        hint = QLabel("为保护党员信息，本软件已锁定。请输入密码解锁。")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        self.password.setMaximumWidth(260)
        self.password.returnPressed.connect(self._submit)
        self.button = QPushButton("解锁")
        self.button.clicked.connect(self._submit)
        self.message = QLabel("")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: #c0392b")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.password)
        row.addWidget(self.button)
        row.addStretch(1)
        box.addWidget(hint)
        box.addLayout(row)
        box.addWidget(self.message)
        return box

    def _submit(self) -> None:
        if self.button.isEnabled():
            self.unlock_requested.emit(self.password.text())

    def wait(self, seconds: float, text: str) -> None:
        """Show ``text`` and refuse tries for ``seconds``."""
        self.password.clear()
        self.message.setText(text)
        if seconds <= 0:
            return
        self.password.setEnabled(False)
        self.button.setEnabled(False)
        QTimer.singleShot(int(seconds * 1000), self._ready)

    def _ready(self) -> None:
        self.password.setEnabled(True)
        self.button.setEnabled(True)
        self.password.setFocus()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.host.rect())
            self.raise_()
        return False

    def remove(self) -> None:
        self.host.removeEventFilter(self)
        self.hide()
        self.deleteLater()


class LockController(QObject):
    """Locks and unlocks one main window (and the dialogs above it)."""

    locked_changed = Signal(bool)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.failures = 0
        self.cover: LockCover | None = None
        self._covers: list[LockCover] = []
        self._restore: list = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock_if_enabled)
        self.lock_action = self._make_action()
        QApplication.instance().installEventFilter(self)
        self.apply_settings()

    def _make_action(self) -> QAction:
        action = QAction("锁定(&L)", self.window)
        action.setShortcut(QKeySequence(LOCK_SHORTCUT))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(self.lock_now)
        self.window.addAction(action)
        return action

    @property
    def locked(self) -> bool:
        return self.cover is not None

    def enabled(self) -> bool:
        try:
            return screen_lock.is_enabled(self.window.db)
        except Exception:  # noqa: BLE001 - a closed database (while restoring) has no lock
            return False

    def apply_settings(self) -> None:
        """Re-read the idle minutes and whether a password is set."""
        if not self.enabled():
            self.timer.stop()
            return
        self.timer.setInterval(settings.get(self.window.db, "lock_idle_minutes") * 60_000)
        self.timer.start()

    def shutdown(self) -> None:
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and _is_lock_key(event):
            # Inside a modal dialog the window's shortcut does not fire; the key press comes here.
            self.lock_if_enabled()
            return self.locked
        if kind in _ACTIVITY and not self.locked and self.timer.isActive():
            self.timer.start()  # restart the idle countdown
        return False

    # ------------------------------------------------------------ locking
    def lock_now(self) -> None:
        """Ctrl+L: lock, or explain how to set a password."""
        if self.enabled():
            self.lock()
        elif not self.locked:
            QMessageBox.information(self.window, "锁定", "还没有设置锁定密码。"
                                    "请在“设置 → 锁定密码…”中设置密码后再锁定。")

    def lock_if_enabled(self) -> None:
        if self.enabled():
            self.lock()

    def lock(self) -> None:
        if self.locked:
            return
        self.timer.stop()
        _close_popups()
        form_host = QApplication.activeModalWidget() or self.window
        for host in self._hosts(form_host):
            self._cover(host, with_form=host is form_host)
        self._disable_actions()
        self._hide_private()
        self.cover.password.setFocus()
        self.locked_changed.emit(True)
        log.info("locked")

    def _hosts(self, form_host: QWidget) -> list[QWidget]:
        visible = [w for w in QApplication.topLevelWidgets()
                   if w.isVisible() and w.isWindow() and not isinstance(w, LockCover)]
        return list(dict.fromkeys([self.window, form_host, *visible]))

    def _cover(self, host: QWidget, with_form: bool) -> None:
        self._restore.append(lambda h=host, t=host.windowTitle(): h.setWindowTitle(t))
        host.setWindowTitle(LOCKED_TITLE)
        for child in host.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isEnabled() and not child.isWindow():
                child.setEnabled(False)
                self._restore.append(lambda c=child: c.setEnabled(True))
        if with_form:
            self._make_room(host)
        cover = LockCover(host, with_form)
        self._covers.append(cover)
        if with_form:
            self.cover = cover
            cover.unlock_requested.connect(self.try_unlock)

    def _make_room(self, host: QWidget) -> None:
        width, height = _FORM_MIN_SIZE
        if host.width() < width or host.height() < height:
            size = host.size()
            host.resize(max(width, size.width()), max(height, size.height()))
            self._restore.append(lambda h=host, s=size: h.resize(s))

    def _disable_actions(self) -> None:
        """Menu actions, and anything beneath the window that a shortcut could trigger."""
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        actions = self.window.findChildren(QAction, options=direct)
        actions += [a for a in self.window.findChildren(QAction) if not a.shortcut().isEmpty()]
        for item in [*dict.fromkeys(actions), *self.window.findChildren(QShortcut)]:
            if item is not self.lock_action and item.isEnabled():
                item.setEnabled(False)
                self._restore.append(lambda i=item: i.setEnabled(True))

    def _hide_private(self) -> None:
        """Back to masked ID and phone numbers: unlocking should not re-show them."""
        tab = getattr(self.window, "members_tab", None)
        checkbox = getattr(tab, "show_private", None)
        if checkbox is not None:
            checkbox.setChecked(False)

    # ------------------------------------------------------------ unlocking
    def try_unlock(self, password: str) -> bool:
        if screen_lock.check(self.window.db, password):
            self.unlock()
            return True
        self.failures += 1
        delay = screen_lock.delay_after(self.failures)
        wait = f"请等 {delay:.0f} 秒后再试。" if delay >= 1 else ""
        self.cover.wait(delay, f"密码不正确。{wait}")
        log.info("wrong lock password (%d in a row)", self.failures)
        return False

    def unlock(self) -> None:
        for cover in self._covers:
            cover.remove()
        for undo in reversed(self._restore):
            undo()
        self._covers, self._restore, self.cover = [], [], None
        self.failures = 0
        self.apply_settings()
        self.locked_changed.emit(False)
        log.info("unlocked")


def _is_lock_key(event) -> bool:
    return (event.key() == Qt.Key.Key_L
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier)


def _close_popups() -> None:
    QToolTip.hideText()
    while (popup := QApplication.activePopupWidget()) is not None:
        popup.close()
