"""Small reusable widgets: a date field that accepts what people type, field error labels,
“这是什么？” links to the 使用说明, and the guard that keeps the mouse wheel from changing
dropdowns and spin boxes by accident."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QWheelEvent
from PySide6.QtWidgets import (QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox,
                               QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QScrollArea, QTabWidget, QVBoxLayout,
                               QWidget)

from branchdesk.core.dates import month_only, parse_date

ERROR_STYLE = "color: #c0392b;"
WARNING_STYLE = "color: #b9770e;"
# Beside every 补录 mark (the tooltip of its “这是什么？” link).
LATE_HINT = "会后超过规定天数才录入的记录标为“补录”，照常计入完成情况。"


class DateEdit(QLineEdit):
    """Accepts 2001-07-01, 2001.7, 2001年7月1日, 20010701 …; shows ISO after editing.
    ``date_changed`` is emitted when editing ends with another date than before."""

    date_changed = Signal()

    def __init__(self, parent=None, placeholder: str = "如 2001-07-01", *,
                 keep_month: bool = False):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.keep_month = keep_month  # a date typed to the month shows as 1970-03, not -01
        self._settled = ""  # the text date_changed was last emitted for, or set_value() set
        self.editingFinished.connect(self._normalise)

    def _normalise(self) -> None:
        try:
            value = parse_date(self.text())
        except ValueError:
            return  # keep what was typed; validation will say what is wrong
        if value and self.keep_month and month_only(self.text()):
            self.setText(value.strftime("%Y-%m"))
        elif value:
            self.setText(value.isoformat())
        if self.text() == self._settled:
            return  # passed through with Tab, or left as its dialog closes: nothing changed
        self._settled = self.text()
        self.date_changed.emit()

    def value(self) -> date | None:
        """The date, or None when empty or unreadable."""
        try:
            return parse_date(self.text())
        except ValueError:
            return None

    def set_value(self, value: date | str | None) -> None:
        self.setText(value.isoformat() if isinstance(value, date) else (value or ""))
        self._settled = self.text()


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

    def has_message(self) -> bool:
        return bool(self.message.text())


class WheelGuard(QObject):
    """Application-wide: the mouse wheel changes a dropdown or spin box (dates included) only
    after the user clicked or tabbed into it. Over one without the focus the wheel scrolls
    whatever list or form is around it, so scrolling the 出勤情况 list never turns 出席 into
    缺席 under the pointer. Install once with ``install_wheel_guard``."""

    GUARDED = (QComboBox, QAbstractSpinBox)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(obj, self.GUARDED):
            # Qt's default WheelFocus would hand the focus to it on the first notch
            obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == QEvent.Type.Wheel and isinstance(obj, self.GUARDED) and not obj.hasFocus():
            return _scroll_around(obj, event)
        return False


def _scroll_around(widget: QWidget, event: QWheelEvent) -> bool:
    """Give the wheel to the nearest scrolling list or form around ``widget``. True: handled
    (scrolled, or nothing around to scroll: then it is simply not used)."""
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    if area is None:
        event.ignore()  # Qt passes an ignored wheel on to the parents
        return True
    viewport = area.viewport()
    moved = QWheelEvent(viewport.mapFromGlobal(event.globalPosition()), event.globalPosition(),
                        event.pixelDelta(), event.angleDelta(), event.buttons(),
                        event.modifiers(), event.phase(), event.inverted(), event.source())
    QCoreApplication.sendEvent(viewport, moved)
    return True


def install_wheel_guard(app: QApplication) -> None:
    """Once per application (create_app)."""
    if getattr(app, "_branchdesk_wheel_guard", None) is None:
        app._branchdesk_wheel_guard = WheelGuard(app)
        app.installEventFilter(app._branchdesk_wheel_guard)


def keep_place(label: QLabel) -> None:
    """A message line that comes and goes without moving what is below it, so the next click
    lands where the user aimed: its room is kept while hidden, and a one-line label (no word
    wrap) is as tall empty as with text."""
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    if not label.wordWrap():
        label.ensurePolished()  # the style sheet's font (bold) decides the height of a line
        text = label.text()
        label.setText("补录")  # Chinese glyphs are a pixel taller than an empty line
        label.setFixedHeight(label.sizeHint().height())
        label.setText(text)


class HelpLink(QLabel):
    """A “这是什么？” link beside something that follows a rule (a 缺 cell, a 补录 mark).

    Its tooltip says the rule in a sentence; a click opens the 使用说明 at ``section`` (an
    <h2> anchor of resources/help/index.html). The guide is imported only then.
    """

    def __init__(self, section: str, text: str = "这是什么？", tooltip: str = "", parent=None):
        super().__init__(f'<a href="#{section}">{text}</a>', parent)
        self.section = section
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.setToolTip((tooltip + "\n" if tooltip else "") + "点击查看使用说明中的解释（F1）")
        self.linkActivated.connect(lambda _: open_help(section, self))


def beside(*widgets: QWidget) -> QHBoxLayout:
    """A row of ``widgets`` from the left (a message and its “这是什么？” link)."""
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch()
    return row


def open_help(section: str = "", widget: QWidget | None = None) -> None:
    """Open the 使用说明 at ``section``, over ``widget``'s window."""
    from branchdesk.ui.help import show_help

    show_help(section, widget)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to the preferred size, shrunk to fit the screen (a 1366×768 laptop leaves about
    1366×728 under the taskbar, and the title bar takes some of that)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        widget.resize(width, height)
        return
    area = screen.availableGeometry()
    widget.resize(min(width, area.width() - 40), min(height, area.height() - 60))


def scrolled(content: QWidget) -> QScrollArea:
    """``content`` in a frameless scroll area: a long form scrolls on a small screen (768
    pixels high, or 150 % scaling) instead of pushing its dialog past the screen's edge."""
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area


class DialogButtons(QDialogButtonBox):
    """The row from ``dialog_buttons``, keeping its buttons at hand: ``accept_button``,
    ``reject_button`` and ``extra`` (the extra buttons, in the order asked for)."""

    accept_button: QPushButton
    reject_button: QPushButton
    extra: list[QPushButton]


def dialog_buttons(dialog: QDialog, accept_text: str = "保存", reject_text: str = "取消",
                   on_accept=None, extra=()) -> DialogButtons:
    """保存/取消 (or other Chinese labels) wired to ``on_accept`` (default dialog.save) and
    dialog.reject. The accept button is the Save role, so Enter in a line edit triggers it.
    ``extra``: (text, role, slot) per further button, e.g. ("恢复默认", ResetRole, restore);
    the platform places each by its role, as for any QDialogButtonBox."""
    box = DialogButtons(QDialogButtonBox.StandardButton.Save
                        | QDialogButtonBox.StandardButton.Cancel)
    box.accept_button = box.button(QDialogButtonBox.StandardButton.Save)
    box.reject_button = box.button(QDialogButtonBox.StandardButton.Cancel)
    box.accept_button.setText(accept_text)
    box.reject_button.setText(reject_text)
    box.extra = []
    for text, role, slot in extra:
        button = box.addButton(text, role)
        button.clicked.connect(slot)
        box.extra.append(button)
    box.accepted.connect(on_accept or dialog.save)
    box.rejected.connect(dialog.reject)
    return box


def tab_through(dialog: QWidget) -> None:
    """Make Tab go from field to field in reading order, starting at the first field.

    Called at the end of a dialog's set-up. A text box passes Tab on instead of typing a tab
    (nobody types one into a meeting's content); page tabs and scroll areas are no stops of
    their own (Ctrl+Tab turns the pages); the buttons at the bottom come left to right as
    shown, whatever order the platform lays them out in.
    """
    for box in dialog.findChildren(QPlainTextEdit):
        box.setTabChangesFocus(True)
    for tabs in dialog.findChildren(QTabWidget):
        tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for area in dialog.findChildren(QScrollArea):
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for box in dialog.findChildren(QDialogButtonBox):
        shown = [box.layout().itemAt(i).widget() for i in range(box.layout().count())]
        buttons = [b for b in shown if b is not None]
        for first, second in zip(buttons, buttons[1:]):
            QWidget.setTabOrder(first, second)


class LazyTab(QWidget):
    """A tab that reads its data when first shown (start-up only fills the first tab), and
    again when shown after MainWindow marked it stale because of an edit elsewhere.
    Subclasses provide ``refresh()``."""

    def fill_now_or_later(self, lazy: bool) -> None:
        if lazy:
            self.setProperty("stale", True)
        else:
            self.refresh()

    def ensure_filled(self) -> None:
        if self.property("stale"):
            self.setProperty("stale", False)
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.ensure_filled()
        super().showEvent(event)


class TabSlot(QWidget):
    """A tab's place in the QTabWidget. The tab itself (its imports, widgets and data) is built
    when the slot is first shown or the tab is first asked for: start-up builds only the
    first tab."""

    def __init__(self, factory, parent=None):
        super().__init__(parent)
        self._factory = factory
        self.tab = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def get(self) -> QWidget:
        if self.tab is None:
            self.tab = self._factory()
            self.layout().addWidget(self.tab)
        return self.tab

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.get()
        super().showEvent(event)
