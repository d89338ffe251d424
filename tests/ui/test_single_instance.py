"""A second launch hands off to the first window and exits; two processes never share a file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from branchdesk.core import single_writer
from branchdesk.ui import single_instance, startup
from branchdesk.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(app, db_path):
    peer = single_instance.InstanceServer(single_instance.server_name(db_path))
    assert peer.listen()
    yield peer
    peer.close()


def test_names_differ_per_database_and_are_stable(tmp_path):
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    assert single_instance.server_name(a) == single_instance.server_name(a)
    assert single_instance.server_name(a) != single_instance.server_name(b)


def test_second_peer_sends_activate(server, db_path, qtbot):
    with qtbot.waitSignal(server.activate_requested, timeout=3000):
        assert single_instance.hand_off(single_instance.server_name(db_path))


def test_nobody_listening_means_no_hand_off(app, tmp_path):
    assert not single_instance.hand_off(single_instance.server_name(tmp_path / "x.sqlite3"), 200)


def test_second_launch_in_another_process_hands_off_and_exits(server, db_path, qtbot):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with qtbot.waitSignal(server.activate_requested, timeout=15000):
        launch = subprocess.Popen([sys.executable, "-m", "branchdesk", "--db", str(db_path)],
                                  cwd=ROOT, env=env)
    assert launch.wait(timeout=30) == 0
    assert not db_path.exists()  # the second launch never opened (or created) the file


def test_activate_brings_the_window_back(server, demo_db, qtbot):
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.showMinimized()
    server.activate_requested.connect(single_instance.raise_main_window)
    with qtbot.waitSignal(server.activate_requested, timeout=3000):
        single_instance.hand_off(server.name)
    assert window.isVisible() and not window.isMinimized()


LISTEN_AND_DIE = """
import os, sys
from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QLocalServer
app = QCoreApplication([])
server = QLocalServer()
assert server.listen(sys.argv[1])
print("listening", flush=True)
os.kill(os.getpid(), 9)
"""


@pytest.mark.skipif(os.name != "posix", reason="socket files are left behind on POSIX")
def test_name_left_by_a_crashed_instance_does_not_block(app, tmp_path):
    name = single_instance.server_name(tmp_path / "crashed.sqlite3")
    subprocess.run([sys.executable, "-c", LISTEN_AND_DIE, name])
    assert not single_instance.hand_off(name, 300)
    peer = single_instance.InstanceServer(name)
    assert peer.listen()
    peer.close()


def test_start_refuses_a_database_another_process_holds(app, db_path, monkeypatch):
    shown = []
    monkeypatch.setattr(startup, "show_error", lambda parent, exc, *a: shown.append(str(exc)))
    other = single_writer.DatabaseLock(db_path)  # stands for another process
    other.acquire()
    try:
        assert startup.open_start_database(db_path) is None
    finally:
        other.release()
    assert "正在被另一个党支部工作台账程序使用" in shown[0]
    assert not db_path.exists()


def test_window_holds_the_lock_until_it_closes(app, db_path, qtbot):
    from branchdesk.core import settings

    db = startup.open_locked(db_path)
    settings.put(db, {"setup_done": True})
    window = MainWindow(db)
    qtbot.addWidget(window)
    with pytest.raises(single_writer.DatabaseInUseError):
        _other_process_lock(db_path)
    window.close()
    _other_process_lock(db_path).release()


def _other_process_lock(path):
    lock = single_writer.DatabaseLock(path)
    lock.acquire()
    return lock
