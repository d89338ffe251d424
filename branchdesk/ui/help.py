"""使用说明: the offline guide (resources/help/index.html, with its pictures) in a window.

Imported only when the guide is first opened (F1, 帮助 → 使用说明, a “这是什么？” link), so
start-up neither imports this module nor reads the HTML. The sections listed on the left are
the guide's <h2> headings, read from the document itself: the HTML is the one place they are
written down.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QListWidget, QListWidgetItem,
                               QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from branchdesk import APP_TITLE, paths
from branchdesk.ui.widgets import fit_to_screen

ANCHOR_ROLE = Qt.ItemDataRole.UserRole + 1
START_ZOOM = 2  # points above the window font: easier reading for the people who ask for help

# F1 opens the section about what is on screen: the tab, or the dialog in front.
SECTION_FOR = {
    "DashboardTab": "dashboard", "MembersTab": "import", "MeetingsTab": "meeting",
    "ThemeDaysTab": "meeting", "TalksTab": "talks", "WelcomeDialog": "first-run",
    "ProfileDialog": "first-run", "ImportDialog": "import", "MeetingDialog": "meeting",
    "QPrintPreviewDialog": "signin", "QPrintDialog": "signin", "LedgerDialog": "export",
    "PackageDialog": "export", "RestoreDialog": "backup", "BackupSettingsDialog": "backup",
    "PasswordDialog": "password", "UnlockDialog": "password", "RecoveryKeyDialog": "password",
    "RecoveryResetDialog": "password", "RulesDialog": "dashboard", "TalkDialog": "talks",
    "MemberDialog": "lifecycle", "StatusDialog": "lifecycle",
    "RecruitsTab": "recruits", "PersonDialog": "recruits", "StepDialog": "recruits",
    "EntryDialog": "recruits",
    "DuesTab": "dues", "PaymentDialog": "dues", "QuickEntryDialog": "dues", "BaseDialog": "dues",
    "ReliefDialog": "dues", "ApprovalDialog": "dues", "DuesSettingsDialog": "dues",
}


def guide_path():
    return paths.resources_dir() / "help" / "index.html"


class HelpWindow(QWidget):
    """The guide: sections on the left, the text on the right, 返回 and bigger/smaller text."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(f"使用说明 — {APP_TITLE}")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)  # offline: the guide links only to itself
        self.browser.setSource(QUrl.fromLocalFile(str(guide_path())))
        self.browser.zoomIn(START_ZOOM)
        self.contents = self._contents()
        layout = QVBoxLayout(self)
        layout.addLayout(self._toolbar())
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.contents)
        split.addWidget(self.browser)
        split.setStretchFactor(1, 1)
        split.setSizes([190, 890])
        layout.addWidget(split, 1)
        fit_to_screen(self, 1120, 800)  # the pictures are up to 840 pixels wide

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        buttons = [("返回", self.browser.backward, "回到刚才看的位置"),
                   ("字大一点", lambda: self.browser.zoomIn(1), "放大说明的文字"),
                   ("字小一点", lambda: self.browser.zoomOut(1), "缩小说明的文字")]
        for text, slot, tip in buttons:
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            row.addWidget(button)
        self.back_button = row.itemAt(0).widget()
        self.back_button.setEnabled(False)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        row.addStretch()
        close = QPushButton("关闭")
        close.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        close.clicked.connect(self.close)
        row.addWidget(close)
        return row

    def _contents(self) -> QListWidget:
        contents = QListWidget()
        font = contents.font()
        font.setPointSizeF(font.pointSizeF() + START_ZOOM)
        contents.setFont(font)
        for anchor, title in self.sections():
            item = QListWidgetItem(title)
            item.setData(ANCHOR_ROLE, anchor)
            contents.addItem(item)
        contents.itemClicked.connect(lambda item: self.show_section(item.data(ANCHOR_ROLE)))
        contents.itemActivated.connect(lambda item: self.show_section(item.data(ANCHOR_ROLE)))
        return contents

    def sections(self) -> list[tuple[str, str]]:
        """(anchor, title) of every <h2 id=…> in the guide, in order."""
        found = []
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() == 2:
                names = _anchor_names(block)
                if names:
                    found.append((names[0], block.text().strip()))
            block = block.next()
        return found

    def show_section(self, anchor: str) -> None:
        """Scroll to ``anchor`` (the top for "" or an unknown one) and mark it on the left."""
        known = dict(self.sections())
        if anchor in known:
            url = QUrl.fromLocalFile(str(guide_path()))
            url.setFragment(anchor)
            self.browser.setSource(url)  # recorded, so 返回 comes back here
        else:
            self.browser.moveCursor(QTextCursor.MoveOperation.Start)
            self.browser.verticalScrollBar().setValue(0)
        for row in range(self.contents.count()):
            item = self.contents.item(row)
            item.setSelected(item.data(ANCHOR_ROLE) == anchor)


def _anchor_names(block) -> list[str]:
    names = []
    it = block.begin()
    while not it.atEnd():
        names += it.fragment().charFormat().anchorNames()
        it += 1
    return names


def show_help(anchor: str = "", widget: QWidget | None = None) -> HelpWindow:
    """Open the guide at ``anchor`` and bring it to the front.

    A dialog that is open blocks every other window, so the guide asked for while one is
    open belongs to that dialog (and closes with it); otherwise it belongs to ``widget``'s
    window, the main window, and closes with it.
    """
    owner = QApplication.activeModalWidget() or (widget.window() if widget is not None else None)
    window = getattr(owner, "_help_window", None) if owner is not None else _orphans.get("help")
    if window is None:
        window = HelpWindow(owner)
        if owner is not None:
            owner._help_window = window
        else:
            _orphans["help"] = window
    window.show_section(anchor)
    window.show()
    window.raise_()
    window.activateWindow()
    return window


_orphans: dict[str, HelpWindow] = {}  # a guide opened with no window to belong to (tests)


def section_for(widget: QWidget | None) -> str:
    """The section about ``widget``'s kind of dialog or tab ("" for the start of the guide)."""
    while widget is not None:
        for cls in type(widget).__mro__:
            if cls.__name__ in SECTION_FOR:
                return SECTION_FOR[cls.__name__]
        widget = widget.parentWidget()
    return ""
