"""Finding English a user would see in a window: every text of every widget in it, shown or
hidden (a printer, another Qt version or another page of a tab may show what is hidden here).

Words allowed: names of things people know by these letters (PDF, Excel, WPS, U盘's U), file
types, keys, units, and Latin glosses in brackets after Chinese, as Qt's own Chinese page-size
names have them: 美国信纸 (Letter). Paths and file names are data, not words.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QGroupBox,
                               QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QTabBar,
                               QTextBrowser, QTextEdit, QWidget)

ALLOWED = {
    "PDF", "Excel", "WPS", "xlsx", "xls", "csv", "sqlite", "backups",  # files and their folder
    "Ctrl", "Shift", "Alt", "Del", "Esc", "Tab", "Enter", "Return",  # keys, as on the keyboard
    "mm", "in", "pt", "cm", "DD", "CC", "KB", "MB", "GB",  # units
    "ANSI", "JIS", "DL",  # paper and envelope sizes (A4, B5 … are single letters)
    "BranchDesk",  # the program's name beside 党支部工作台账 in 关于
    "zs",  # what to type to find 张三 by initials (the search boxes' example)
}
WORD = re.compile(r"[A-Za-z]{2,}")
TAG = re.compile(r"<[^>]+>")
PATH = re.compile(r"\S*[/\\]\S*")
GLOSS = re.compile(r"(?<=[\u3400-\u9fff])\s*[(（][ -~]*?[)）]")


def english_words(text: str) -> list[str]:
    """The English words in ``text`` (rich text or plain) that are not allowed."""
    plain = PATH.sub(" ", html.unescape(TAG.sub(" ", text or "")))
    plain = GLOSS.sub(" ", plain)
    return [word for word in WORD.findall(plain) if word not in ALLOWED]


def texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of everything ``root`` and its children show or may show."""
    found: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        where = f"{type(widget).__name__} {widget.objectName()}".strip()
        add = lambda text, w=where: found.append((w, text))  # noqa: E731
        if widget.isWindow():
            add(widget.windowTitle())
        add(widget.toolTip())
        add(widget.whatsThis())
        for action in widget.actions():
            add(action.text())
            add(action.toolTip())
        _own_texts(widget, add)
    return [(where, text) for where, text in found if text]


def _own_texts(widget: QWidget, add) -> None:
    if isinstance(widget, (QLabel, QAbstractButton)):
        add(widget.text())
    elif isinstance(widget, QGroupBox):
        add(widget.title())
    elif isinstance(widget, QLineEdit):
        add(widget.placeholderText())  # what is typed is data
    elif isinstance(widget, QTextBrowser):
        add(widget.toPlainText())  # the 使用说明
    elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
        add(widget.placeholderText())
    elif isinstance(widget, QComboBox):
        add(widget.placeholderText())
        if not widget.isEditable():  # an editable combo box lists what was typed (paths…)
            for i in range(widget.count()):
                add(widget.itemText(i))
    elif isinstance(widget, QTabBar):
        for i in range(widget.count()):
            add(widget.tabText(i))
            add(widget.tabToolTip(i))
    elif isinstance(widget, QAbstractSpinBox):
        add(getattr(widget, "prefix", lambda: "")())
        add(getattr(widget, "suffix", lambda: "")())
        add(widget.specialValueText())
    elif isinstance(widget, QHeaderView) and widget.model() is not None:
        if widget.orientation() == Qt.Orientation.Horizontal:  # column titles; rows are data
            for section in range(widget.count()):
                add(str(widget.model().headerData(section, Qt.Orientation.Horizontal) or ""))


def untranslated(root: QWidget) -> list[str]:
    """Each text in ``root`` with English in it, as "where: text"."""
    return [f"{root.windowTitle()} › {where}: {text!r}" for where, text in texts(root)
            if english_words(text)]
