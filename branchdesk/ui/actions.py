"""The window's everyday commands, on keys and in the menus: new, open, delete, find, print,
refresh, help.

Each command acts on the tab on screen through the method that tab has for it (the tables
below); on a tab without one, the status bar says where the command works. The keys are Qt's
standard ones (QKeySequence.StandardKey: what WPS and Office use) plus the key the 使用说明
names, in case a desktop's standard differs. Enter and Del act on the record list that has
the focus, so they still type and delete in a search box or a form.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QStackedWidget, QTabWidget, QWidget

StandardKey = QKeySequence.StandardKey

# The tab's method for each command, first one it has wins (ThemeDaysTab inherits MeetingsTab's).
# A new record tab names its add method add_record.
NEW = ("add_member", "add_meeting", "add_talk", "add_record")
OPEN = ("edit_selected", "open_current")
DELETE = ("delete_selected",)
PRINT = ("print_signin",)
# The lists in each tab where Enter opens and Del deletes the selected row (by class, up the
# inheritance: "RecordTab" gives every record tab its table).
RECORD_LISTS = {"DashboardTab": ("grid", "findings"), "RecordTab": ("view",)}

NOT_HERE = {
    "new": "这个页签上不能新建记录：请先点上方的“党员名册”“会议记录”“主题党日”“谈心谈话”或“发展党员”。",
    "open": "请先在表格中选中一条记录。",
    "delete": "这个页签上没有可删除的记录。",
    "find": "这个页签没有搜索框：请先点上方的“党员名册”“会议记录”“主题党日”或“谈心谈话”。",
    "print": "请先在“会议记录”或“主题党日”中选中一次会议，再打印签到表。",
}


def keys(standard: StandardKey | None, *extra: str | Qt.Key) -> list[QKeySequence]:
    """The platform's keys for ``standard``, then ``extra`` ones it lacks."""
    found = QKeySequence.keyBindings(standard) if standard is not None else []
    for key in extra:
        sequence = QKeySequence(key)
        if sequence not in found:
            found.append(sequence)
    return found


class WindowCommands(QObject):
    """The commands of one main window. ``attach(tab)`` gives a newly built tab's record
    lists the Enter and Del keys."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.new = self._action("新建记录(&N)", self.new_record, keys(StandardKey.New, "Ctrl+N"))
        self.open = self._action("打开选中的记录(&O)", self.open_selected,
                                 keys(None, Qt.Key.Key_Return, Qt.Key.Key_Enter),
                                 Qt.ShortcutContext.WidgetShortcut)
        self.delete = self._action("删除选中的记录(&D)…", self.delete_selected,
                                   keys(StandardKey.Delete, "Del"),
                                   Qt.ShortcutContext.WidgetShortcut)
        self.find = self._action("查找(&F)", self.find_in_tab, keys(StandardKey.Find, "Ctrl+F"))
        self.refresh = self._action("刷新(&R)", self.refresh_tab, keys(StandardKey.Refresh, "F5"))
        self.print = self._action("打印签到表(&P)…", self.print_signin,
                                  keys(StandardKey.Print, "Ctrl+P"))
        self.help = self._action("使用说明(&H)", self.show_help,
                                 keys(StandardKey.HelpContents, "F1"))
        # Also inside a dialog, where the window's keys are blocked: see eventFilter.
        QApplication.instance().installEventFilter(self)

    def _action(self, text: str, slot, shortcuts: list[QKeySequence],
                context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts(shortcuts)
        action.setShortcutContext(context)
        action.triggered.connect(slot)
        if context != Qt.ShortcutContext.WidgetShortcut:
            self.window.addAction(action)  # the keys work with the menus closed
        return action

    # ------------------------------------------------------------ menus
    def add_edit_menu(self, bar: QMenuBar, before: QAction | None = None) -> QMenu:
        """编辑(&E): the record commands, each with its key shown."""
        menu = QMenu("编辑(&E)", bar)
        for action in (self.new, self.open, self.delete, None, self.find, self.refresh):
            menu.addSeparator() if action is None else menu.addAction(action)
        bar.insertMenu(before, menu) if before is not None else bar.addMenu(menu)
        return menu

    def attach(self, tab: QWidget) -> None:
        """Enter and Del on ``tab``'s record lists (only while one of them has the focus)."""
        for cls in type(tab).__mro__:
            for name in RECORD_LISTS.get(cls.__name__, ()):
                getattr(tab, name).addAction(self.open)
                getattr(tab, name).addAction(self.delete)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        """F1 in a dialog (a modal dialog blocks the window's shortcuts, so the key press
        itself comes here): the guide, at the section about that dialog."""
        if (event.type() == QEvent.Type.KeyPress and QApplication.activeModalWidget() is not None
                and self.help.isEnabled() and self.window.isVisible()
                and any(_is_key(event, k) for k in self.help.shortcuts())):
            self.show_help()
            return True
        return False

    # ------------------------------------------------------------ what the keys do
    def new_record(self) -> None:
        self._call("new", NEW)

    def open_selected(self) -> None:
        self._call("open", OPEN)

    def delete_selected(self) -> None:
        self._call("delete", DELETE)

    def print_signin(self) -> None:
        self._call("print", PRINT)

    def refresh_tab(self) -> None:
        self.window.current_tab().refresh()
        self.window.statusBar().showMessage("已刷新", 3000)

    def find_in_tab(self) -> None:
        """The focus to the tab's search box, its text selected so typing replaces it."""
        search = getattr(self.window.current_tab(), "search", None)
        if search is None:
            self._not_here("find")
            return
        _reveal(search)
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def show_help(self) -> None:
        from branchdesk.ui.help import section_for, show_help
        from PySide6.QtWidgets import QApplication

        shown = QApplication.activeModalWidget() or self.window.current_tab()
        show_help(section_for(shown), self.window)

    def _call(self, command: str, methods: tuple[str, ...]) -> None:
        tab = self.window.current_tab()
        method = next((getattr(tab, name) for name in methods if hasattr(tab, name)), None)
        if method is None:
            self._not_here(command)
        else:
            method()

    def _not_here(self, command: str) -> None:
        self.window.statusBar().showMessage(NOT_HERE[command], 8000)


def _is_key(event, sequence: QKeySequence) -> bool:
    return sequence.count() == 1 and sequence[0] == event.keyCombination()


def _reveal(widget: QWidget) -> None:
    """Bring the page holding ``widget`` to the front in every tab widget around it."""
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QStackedWidget):
            tabs = parent.parentWidget()  # a QTabWidget's pages are in its own stack
            if isinstance(tabs, QTabWidget):
                tabs.setCurrentWidget(child)
            else:
                parent.setCurrentWidget(child)
        child, parent = parent, parent.parentWidget()
