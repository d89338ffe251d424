"""Catching the modal dialogs an action opens: look at each one, then close it.

A modal dialog runs its own event loop, so the test cannot look at it after the call that
opened it returns; a timer polls for it meanwhile. ``look`` may open further dialogs from the
one it is given (through ``caught`` again: each call has its own timer).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget


def caught(action: Callable[[], object], look: Callable[[QWidget], None] = lambda w: None,
           ) -> list[tuple[str, str]]:
    """Run ``action``; every modal dialog it opens is passed to ``look`` and then rejected.
    Returns (class name, window title) of the dialogs seen, in order (the dialogs themselves
    may be gone by then)."""
    seen: list[QWidget] = []
    found: list[tuple[str, str]] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or any(dialog is s for s in seen) or not dialog.isVisible():
            return
        seen.append(dialog)
        found.append((type(dialog).__name__, dialog.windowTitle()))
        try:
            look(dialog)
        finally:  # also when ``look`` fails: the test goes on and reports it
            if isinstance(dialog, QDialog):
                dialog.reject()
            else:
                dialog.close()

    timer = QTimer()
    timer.setInterval(15)
    timer.timeout.connect(poll)
    timer.start()
    try:
        action()
    finally:
        timer.stop()
    return found
