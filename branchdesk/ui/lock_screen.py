"""The screen lock: after N idle minutes, on Ctrl+L and at start, when a password is set.

How it holds, and why it can always be undone:
- The password box lives in a window of its own, ``LockScreen``: a top-level window with no
  parent, so no other window can disable or hide it along with itself; application-modal and
  shown last, so Qt's modality gives it alone the keyboard and mouse while every other window is
  blocked. Nothing is disabled, so nothing has to be re-enabled.
- Every other window of the app (the main window, edit dialogs, dialogs opened from dialogs,
  message boxes) gets a ``LockCover``: an opaque page over its whole content, so names and ID
  numbers cannot be read; its title becomes 已锁定. A window that opens while locked (a message
  from a timer) is covered as it shows, and the lock screen goes back on top of the modal stack.
- Nothing is hidden or closed: hiding a QDialog ends its exec() loop, which would throw away an
  open edit dialog. Dialogs keep running underneath with what was typed in them; unlocking
  removes the covers, puts the titles back and returns focus to the window and field that had it.
Wrong passwords make the next try wait longer (core/screen_lock.py delay_after).
"""

from __future__ import annotations

import logging
import weakref

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QLineEdit, QMessageBox,
                               QPushButton, QToolTip, QVBoxLayout, QWidget)
from shiboken6 import isValid

from branchdesk import APP_TITLE
from branchdesk.core import screen_lock, settings

log = logging.getLogger(__name__)

LOCKED_TITLE = f"{APP_TITLE}（已锁定）"
LOCK_SHORTCUT = "Ctrl+L"
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin}
_NOT_WINDOWS = {Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.Desktop}
SCREEN_SIZE = (420, 260)


class LockCover(QWidget):
    """An opaque page over one window's content while locked, with 已锁定 as the window's title.
    It takes no input itself: the modal lock screen keeps all input away from the window.

    No Python reference to the window is kept (only Qt's parent link): in PySide, dropping the
    last reference to a dialog from inside its child's destructor deletes the dialog mid-way."""

    def __init__(self, host: QWidget):
        super().__init__(host)
        self._title = host.windowTitle()
        host.setWindowTitle(LOCKED_TITLE)
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for text in ("<h2>已锁定</h2>", "请在“已锁定”窗口中输入密码解锁。"):
            label = QLabel(text)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(2)
        host.installEventFilter(self)
        self._fit()
        self.show()

    def _fit(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.raise_()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.Resize, QEvent.Type.ChildAdded) \
                and obj is self.parentWidget():
            self._fit()  # also above a child added after locking
        return False

    def remove(self) -> None:
        """Give the window back its content and title."""
        host = self.parentWidget()
        host.removeEventFilter(self)
        host.setWindowTitle(self._title)
        self.hide()
        self.deleteLater()


class LockScreen(QWidget):
    """The window with the password box. Its close button and Alt+F4 do nothing: only the
    right password puts it away."""

    unlock_requested = Signal(str)

    def __init__(self):
        super().__init__(None, Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint
                         | Qt.WindowType.WindowTitleHint)
        self.setWindowTitle(LOCKED_TITLE)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumSize(*SCREEN_SIZE)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("<h2>已锁定</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("为保护党员信息，本软件已锁定。请输入密码解锁。\n打开的窗口和填写的内容都还在。")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        self.password.setMinimumWidth(200)
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
        for item in (title, hint):
            layout.addWidget(item)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(2)

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
        if isValid(self):  # the window may have closed meanwhile
            self.password.setEnabled(True)
            self.button.setEnabled(True)
            self.password.setFocus()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        event.ignore()  # only ``put_away`` hides it

    def put_away(self) -> None:
        """Hide, ready for the next lock. Not deleted here: this runs inside the password box's
        own signal, and the controller keeps the window for the next time."""
        self.hide()
        self.password.clear()
        self.message.clear()
        self._ready()


class LockController(QObject):
    """Locks and unlocks the app for one main window: every window of the app is covered."""

    locked_changed = Signal(bool)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.failures = 0
        self._locked = False
        self.screen: LockScreen | None = None  # made at the first lock, then kept
        self._covers: list[LockCover] = []
        self._return_to = None  # a weak reference to the window that was active
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
        return self._locked

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
        """The main window is closing: stop, and take the lock screen away with it (a window
        left open would keep the application running)."""
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)
        if self.locked:
            self._take_down()
        if self.screen is not None:
            self.screen.deleteLater()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.KeyPress and _is_lock_key(event):
            # Inside a modal dialog the window's shortcut does not fire; the key press comes here.
            self.lock_if_enabled()
            return self.locked
        if self.locked:
            if kind == QEvent.Type.Show and obj is not self.screen and _is_app_window(obj):
                self._cover(obj)  # opened while locked: covered, and the lock screen back on top
                QTimer.singleShot(0, self, self.bring_forward)
        elif kind in _ACTIVITY and self.timer.isActive():
            self.timer.start()  # restart the idle countdown
        return False

    # ------------------------------------------------------------ locking
    def lock_now(self) -> None:
        """Ctrl+L: lock, or explain how to set a password."""
        if self.enabled():
            self.lock()
        elif not self.locked:
            QMessageBox.information(self.window, "锁定", "还没有设置密码。"
                                    "请在“设置 → 密码…”中设置密码后再锁定。")

    def lock_if_enabled(self) -> None:
        if self.enabled():
            self.lock()

    def lock(self) -> None:
        """Cover every window of the app and show the lock screen. The main window is covered
        even before it is first shown (the lock at start)."""
        if self.locked:
            return
        self.timer.stop()
        _close_popups()
        active = QApplication.activeWindow()
        self._return_to = weakref.ref(active) if active is not None else None
        for host in [self.window, *_app_windows()]:
            self._cover(host)
        self._hide_private()
        if self.screen is None:
            self.screen = LockScreen()
            self.screen.unlock_requested.connect(self.try_unlock)
        self._locked = True
        self.bring_forward()
        self.locked_changed.emit(True)
        log.info("locked")

    def _cover(self, host: QWidget) -> None:
        if not any(isValid(cover) and cover.parentWidget() is host for cover in self._covers):
            self._covers.append(LockCover(host))

    def bring_forward(self) -> None:
        """Show the lock screen over the main window, on top of the modal stack, with the
        keyboard. Showing again after a hide puts it back on top of a dialog opened later."""
        screen = self.screen
        if not self.locked:
            return
        if QApplication.activeModalWidget() is not screen:
            screen.hide()
        active = QGuiApplication.applicationState() == Qt.ApplicationState.ApplicationActive
        # An idle lock while someone works in another program does not take the keyboard.
        screen.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, not active)
        self._place(screen)
        self._stay_above_main_window(screen)
        screen.show()
        screen.raise_()
        if active:
            screen.activateWindow()
        screen.password.setFocus()

    def _stay_above_main_window(self, screen: LockScreen) -> None:
        """A transient parent for the window manager only (stacking, no taskbar entry of its
        own); unlike a parent widget it never disables or hides the lock screen."""
        main = self.window.windowHandle()
        if main is not None:
            screen.winId()  # makes the native window, so it has a handle
            screen.windowHandle().setTransientParent(main)

    def _place(self, screen: LockScreen) -> None:
        """Centred over the main window, or over the display when the window is not shown."""
        screen.adjustSize()
        if self.window.isVisible():
            area = self.window.frameGeometry()
        else:
            area = (self.window.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        frame = screen.frameGeometry()
        frame.moveCenter(area.center())
        screen.move(frame.topLeft())

    def _hide_private(self) -> None:
        """Back to masked ID and phone numbers: unlocking should not re-show them."""
        tab = getattr(self.window, "members_tab", None)
        checkbox = getattr(tab, "show_private", None)
        if checkbox is not None:
            checkbox.setChecked(False)

    # ------------------------------------------------------------ unlocking
    def try_unlock(self, password: str) -> bool:
        if screen_lock.check(self.window.db, password):
            upgrade = screen_lock.needs_upgrade(self.window.db)
            self.unlock()
            if upgrade:  # the old lock password becomes the encryption password, now
                QTimer.singleShot(0, self.window, lambda: self._encrypt(password))
            return True
        self.failures += 1
        delay = screen_lock.delay_after(self.failures)
        wait = f"请等 {delay:.0f} 秒后再试。" if delay >= 1 else ""
        self.screen.wait(delay, f"密码不正确。{wait}")
        log.info("wrong lock password (%d in a row)", self.failures)
        return False

    def _encrypt(self, password: str) -> None:
        from branchdesk.ui import password as ui_password

        ui_password.encrypt(self.window, password, upgrade=True)

    def unlock(self) -> None:
        self._take_down()
        self.failures = 0
        self.apply_settings()
        self._give_back_focus()
        self.locked_changed.emit(False)
        log.info("unlocked")

    def _take_down(self) -> None:
        """Hide the lock screen, remove the covers (those of windows closed meanwhile went
        with them)."""
        self._locked = False
        self.screen.put_away()
        for cover in self._covers:
            if isValid(cover):
                cover.remove()
        self._covers = []

    def _give_back_focus(self) -> None:
        """To the dialog waiting for input if there is one, else to the window that was active,
        else the main window. Qt puts the focus back on the field that had it in that window."""
        remembered = self._return_to() if self._return_to is not None else None
        self._return_to = None
        window = QApplication.activeModalWidget()
        if window is None and remembered is not None and isValid(remembered) \
                and remembered.isVisible():
            window = remembered
        window = window or self.window
        if window.isVisible():
            window.raise_()
            window.activateWindow()


def _is_lock_key(event) -> bool:
    return (event.key() == Qt.Key.Key_L
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier)


def _is_app_window(obj) -> bool:
    """A window of the app that could show data: not a menu, tooltip or the lock's own."""
    return (isinstance(obj, QWidget) and obj.isWindow() and not isinstance(obj, LockScreen)
            and obj.windowType() not in _NOT_WINDOWS)


def _app_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and _is_app_window(w)]


def _close_popups() -> None:
    QToolTip.hideText()
    while (popup := QApplication.activePopupWidget()) is not None:
        popup.close()
