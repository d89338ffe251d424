"""One window per database: a second launch asks the first to come to the front, then exits.

The first instance listens on a QLocalServer whose name is derived from the user and the
database path; a second launch connects, sends ``activate`` and quits. A name left behind by a
crash (a socket file on Linux) is removed before listening: nothing answers on it. The database
lock (core/single_writer.py) is the real guard against two writers; this is the courtesy on top.
"""

from __future__ import annotations

import getpass
import logging
from pathlib import Path

from PySide6.QtCore import QCryptographicHash, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
TIMEOUT_MS = 1000


def server_name(db_path: Path | str) -> str:
    """A short, per-user name for the database at ``db_path``."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some sandboxes
        user = ""
    key = f"{user}\n{Path(db_path).resolve()}".encode("utf-8")
    # Qt's SHA-256 (hashlib would load OpenSSL, 4 MiB, for this one digest at start-up)
    digest = QCryptographicHash.hash(key, QCryptographicHash.Algorithm.Sha256).toHex()
    return "branchdesk-" + bytes(digest.data()).decode("ascii")[:24]


def hand_off(name: str, timeout_ms: int = TIMEOUT_MS) -> bool:
    """True when an instance is listening on ``name`` and was asked to come to the front."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(ACTIVATE)
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches; emits ``activate_requested`` when one asks."""

    activate_requested = Signal()

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        QLocalServer.removeServer(self.name)  # a stale name from a crash; nobody answers on it
        return self.server.listen(self.name)

    def close(self) -> None:
        self.server.close()

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if ACTIVATE.strip() in bytes(socket.readAll()):
            self.activate_requested.emit()


# ---------------------------------------------------------------- used by app.run()

def claim(db_path: Path, parent=None) -> InstanceServer | None:
    """Become the instance for ``db_path``, or hand off to the running one (returns None)."""
    name = server_name(db_path)
    if hand_off(name):
        log.info("a window for this database is already open; asked it to come to the front")
        return None
    server = InstanceServer(name, parent)
    if not server.listen():
        log.warning("single-instance server not listening: %s", server.server.errorString())
    return server


def _main_windows() -> list:
    from branchdesk.ui.main_window import MainWindow

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def raise_main_window() -> None:
    """Bring the visible main window to the front (restored if minimised); when locked, its
    lock screen in front of it."""
    for window in _main_windows():
        if window.isVisible():
            if window.isMinimized():
                window.showNormal()
            window.raise_()
            window.activateWindow()
            if window.locker.locked:
                window.locker.bring_forward()


def back_up_open_windows() -> None:
    """At quit: the exit backup for windows that did not get a close event (session end)."""
    for window in _main_windows():
        window.backups.at_exit()
