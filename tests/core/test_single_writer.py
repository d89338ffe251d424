"""One writer per database: an OS lock that a dead process never keeps."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from branchdesk.core import single_writer
from branchdesk.core.errors import DatabaseInUseError

HOLD_AND_WAIT = (
    "import sys, time\n"
    "from branchdesk.core.single_writer import DatabaseLock\n"
    "lock = DatabaseLock(sys.argv[1]); lock.acquire()\n"
    "print('held', flush=True)\n"
    "time.sleep(60)\n")

HOLD_AND_DIE = (
    "import os, sys\n"
    "from branchdesk.core.single_writer import DatabaseLock\n"
    "DatabaseLock(sys.argv[1]).acquire()\n"
    "os._exit(0) if sys.platform == 'win32' else os.kill(os.getpid(), 9)\n")


def test_second_lock_on_the_same_file_is_refused(db_path):
    first = single_writer.DatabaseLock(db_path)
    first.acquire()
    second = single_writer.DatabaseLock(db_path)
    with pytest.raises(DatabaseInUseError, match=f"进程号 {os.getpid()}"):
        second.acquire()
    first.release()
    second.acquire()
    assert second.held
    second.release()


def test_lock_held_by_another_live_process_is_refused(db_path):
    child = subprocess.Popen([sys.executable, "-c", HOLD_AND_WAIT, str(db_path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseInUseError, match=f"进程号 {child.pid}"):
            single_writer.DatabaseLock(db_path).acquire()
    finally:
        child.kill()
        child.wait()
    lock = single_writer.DatabaseLock(db_path)
    lock.acquire()  # the holder is gone: free again
    lock.release()


def test_lock_file_left_by_a_dead_process_does_not_block(db_path):
    subprocess.run([sys.executable, "-c", HOLD_AND_DIE, str(db_path)])
    assert single_writer.lock_path(db_path).exists()
    lock = single_writer.DatabaseLock(db_path)
    lock.acquire()
    assert single_writer.holder_pid(db_path) == os.getpid()
    lock.release()


def test_process_registry_is_idempotent(db_path):
    single_writer.hold(db_path)
    single_writer.hold(db_path)
    assert single_writer.holds(db_path)
    with pytest.raises(DatabaseInUseError):
        single_writer.DatabaseLock(db_path).acquire()
    single_writer.release(db_path)
    assert not single_writer.holds(db_path)
    single_writer.DatabaseLock(db_path).acquire()
