"""The main window: tabs, menus and status bar. Thin: each tab owns its work."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget

from branchdesk import APP_TITLE, __version__
from branchdesk.core import settings
from branchdesk.ui import startup
from branchdesk.ui.actions import WindowCommands
from branchdesk.ui.widgets import TabSlot, fit_to_screen
from branchdesk.ui.errors import show_error


class MainWindow(QMainWindow):
    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self.commands = WindowCommands(self)  # keys and the 编辑 menu (ui/actions.py)
        self._add_tabs()
        self._safety()
        self._menus()
        self._status()
        self.update_title()
        self._size_to_screen(1280, 780)

    def _size_to_screen(self, width: int, height: int) -> None:
        """The preferred size where the screen has room for it; maximized on a smaller screen
        (a 1366×768 laptop), where every pixel of height counts for the 工作台."""
        fit_to_screen(self, width, height)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None and (screen.availableGeometry().width() < width
                                   or screen.availableGeometry().height() < height + 40):
            self.setWindowState(Qt.WindowState.WindowMaximized)

    # ------------------------------------------------------------ tabs
    def _add_tabs(self) -> None:
        from branchdesk.ui.dashboard_tab import DashboardTab

        self.dashboard_tab = DashboardTab(self.db)
        self.dashboard_tab.navigate.connect(self.navigate)
        self.tabs.addTab(self.dashboard_tab, "工作台")
        self.commands.attach(self.dashboard_tab)
        # The other tabs are built when first shown or first needed (TabSlot): start-up
        # builds and fills the 工作台 only.
        self._slots = {}
        for key, title in (("members", "党员名册"), ("meetings", "会议记录"),
                           ("theme_days", "主题党日"), ("talks", "谈心谈话"),
                           ("recruits", "发展党员"), ("dues", "党费")):
            slot = TabSlot(lambda key=key: self._build_tab(key))
            self._slots[key] = slot
            self.tabs.addTab(slot, title)
        self.tabs.currentChanged.connect(self._on_tab_changed)

    def _build_tab(self, key: str):
        if key == "members":
            from branchdesk.ui.members_tab import MembersTab as cls
        elif key == "meetings":
            from branchdesk.ui.meetings_tab import MeetingsTab as cls
        elif key == "theme_days":
            from branchdesk.ui.theme_days_tab import ThemeDaysTab as cls
        elif key == "recruits":
            from branchdesk.ui.recruits_tab import RecruitsTab as cls
        elif key == "dues":
            from branchdesk.ui.dues_tab import DuesTab as cls
        else:
            from branchdesk.ui.talks_tab import TalksTab as cls
        tab = cls(self.db, lazy=True)  # data read when shown
        tab.changed.connect(self.refresh_all)
        self.commands.attach(tab)
        return tab

    @property
    def members_tab(self):
        return self._slots["members"].get()

    @property
    def meetings_tab(self):
        return self._slots["meetings"].get()

    @property
    def theme_days_tab(self):
        return self._slots["theme_days"].get()

    @property
    def talks_tab(self):
        return self._slots["talks"].get()

    def current_tab(self):
        """The tab on screen (not its TabSlot)."""
        widget = self.tabs.currentWidget()
        return widget.get() if isinstance(widget, TabSlot) else widget

    def _tabs(self) -> list:
        """The tabs built so far."""
        return [self.dashboard_tab] + [s.tab for s in self._slots.values() if s.tab is not None]

    def refresh_all(self) -> None:
        """Other tabs refresh when shown next (cheap now, correct later)."""
        sender = self.sender()
        for tab in self._tabs():
            if tab is not sender:
                tab.setProperty("stale", True)

    def _on_tab_changed(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if isinstance(tab, TabSlot):
            tab = tab.tab
        if tab is not None and tab.property("stale"):
            tab.setProperty("stale", False)
            tab.refresh()

    def navigate(self, target: dict) -> None:
        """Go where a 工作台 finding or cell can be fixed (``target``: rules.points_at)."""
        from branchdesk.ui.places import tab_for

        tab = tab_for(target)
        if tab == "profile":
            self.edit_profile()
        elif tab == "rules":
            self.edit_rules()
        elif tab == "appraisal":
            self.meetings_tab.appraise(target.get("year"))
        elif tab in self._slots:
            widget = self._slots[tab].get()
            self.tabs.setCurrentWidget(self._slots[tab])
            widget.ensure_filled()  # also when the window is not on screen (tests)
            if tab == "members":
                if target.get("id"):
                    widget.select_member(target["id"])
            elif hasattr(widget, "show_target"):
                widget.show_target(target)

    def _safety(self) -> None:
        """Automatic backups and the screen lock (ui/backups.py, ui/lock_screen.py)."""
        from branchdesk.ui.backups import BackupScheduler
        from branchdesk.ui.lock_screen import LockController

        self.backups = BackupScheduler(self)
        self.locker = LockController(self)

    # ------------------------------------------------------------ menus
    def _menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self._action(file_menu, "导入花名册(&I)…", lambda: self.members_tab.import_roster())
        self._action(file_menu, "导出花名册(&E)…", lambda: self.members_tab.export_roster())
        self._action(file_menu, "导出年度台账(&Y)…", self.export_ledger)
        self._action(file_menu, "导出到U盘(&U)…", self.export_package)
        file_menu.addSeparator()
        file_menu.addAction(self.commands.print)
        file_menu.addSeparator()
        from branchdesk.ui import backups

        backups.add_menu(self, file_menu)
        file_menu.addAction(self.locker.lock_action)
        file_menu.addSeparator()
        if self._is_demo():
            self._action(file_menu, "回到我的支部数据(&M)", self.open_own)
        else:
            self._action(file_menu, "打开演示支部（虚构数据）(&M)", self.open_demo)
        file_menu.addSeparator()
        # Ctrl+Q on every system (Windows has no standard key for quitting)
        self._action(file_menu, "退出(&X)", self.close, QKeySequence("Ctrl+Q"))
        self.commands.add_edit_menu(bar)
        self._action(bar.addMenu("组织生活(&O)"), "民主评议(&A)…",
                     lambda: self.meetings_tab.open_appraisal())
        settings_menu = bar.addMenu("设置(&S)")
        self._action(settings_menu, "支部信息(&B)…", self.edit_profile)
        self._action(settings_menu, "检查规则(&R)…", self.edit_rules)
        self._action(settings_menu, "密码(&P)…", self.edit_password)
        help_menu = bar.addMenu("帮助(&H)")
        help_menu.addAction(self.commands.help)
        self._action(help_menu, "关于(&A)", self.about)

    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _status(self) -> None:
        self.file_label = QLabel()
        self.statusBar().addPermanentWidget(self.file_label)
        note = "（只读）" if self.db.read_only else ""
        self.file_label.setText(f"数据文件：{self.db.path}{note}")

    def _is_demo(self) -> bool:
        return self.db.path.name == startup.DEMO_FILENAME

    def update_title(self) -> None:
        name = settings.get(self.db, "branch_name") or "未设置支部名称"
        extra = "　【演示数据，均为虚构】" if self._is_demo() else ""
        extra += "　【只读】" if self.db.read_only else ""
        self.setWindowTitle(f"{name} — {APP_TITLE}{extra}")

    # ------------------------------------------------------------ actions
    def export_ledger(self) -> None:
        from branchdesk.ui.dialogs.ledger_dialog import LedgerDialog

        LedgerDialog(self.db, self).exec()

    def export_package(self) -> None:
        from branchdesk.ui.dialogs.package_dialog import PackageDialog

        PackageDialog(self.db, self).exec()

    def edit_profile(self) -> None:
        from branchdesk.ui.dialogs.profile_dialog import ProfileDialog

        if ProfileDialog(self.db, self).exec():
            self.update_title()
            for tab in self._tabs():
                tab.refresh()

    def edit_rules(self) -> None:
        from branchdesk.ui.dialogs.rules_dialog import RulesDialog

        if RulesDialog(self.db, self).exec():
            self.dashboard_tab.refresh()

    def edit_password(self) -> None:
        from branchdesk.ui.dialogs.password_dialog import PasswordDialog

        dialog = PasswordDialog(self.db, self)
        if not dialog.exec():
            return
        self.locker.apply_settings()
        if dialog.intent is not None:
            from branchdesk.ui import password

            password.apply(self, dialog.intent)

    def open_demo(self) -> None:
        try:
            self._replace_with(startup.open_demo())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)

    def open_own(self) -> None:
        from branchdesk import paths

        try:
            db = startup.open_locked(paths.default_db_path(), parent=self)
            if db is None:
                return
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        if startup.needs_setup(db):
            from branchdesk.ui.dialogs.profile_dialog import ProfileDialog

            if not ProfileDialog(db, self, first_run=True).exec():
                db.close()
                return
        self._replace_with(db)

    def _replace_with(self, db) -> None:
        window = MainWindow(db)
        window.show()
        self.replacement = window
        self.close()

    def about(self) -> None:
        QMessageBox.about(self, "关于", f"<b>{APP_TITLE}</b>（BranchDesk）{__version__}<br>"
                          "离线的党支部工作记录与台账工具。数据只保存在本机。")

    def closeEvent(self, event) -> None:
        self.locker.shutdown()
        self.backups.at_exit()
        self.db.close()
        successor = getattr(self, "replacement", None)
        if successor is None or successor.db.path != self.db.path:
            from branchdesk.core import single_writer

            single_writer.release(self.db.path)
        super().closeEvent(event)
