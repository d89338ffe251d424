"""Faults while writing the USB package: a full stick, a pulled stick, a file held open by
Excel/WPS, a read-only stick, bytes that do not read back — injected at a random file
operation on the stick. Whatever happens, every file is its old complete content or the new
verified one, no temporary file remains, and the message says what to do, in Chinese."""

from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branchdesk.core import package
from branchdesk.core.package import UNFINISHED, PackageError, write_package
from tests.core.package_helpers import (TODAY, YEAR, fake_ledger, fake_writers, make_branch,
                                        temporaries, tree)

FOLDER = "示例市第一中学教工党支部台账_2026"
LEDGER = "示例市第一中学教工党支部2026年度工作台账.xlsx"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="tells files apart by /proc/self/fd")

OPERATIONS = ("open", "write", "fsync", "replace", "mkdir")

FULL = "U盘空间不足"
GONE = "找不到U盘"
READ_ONLY = "U盘不能写入"
IN_USE = "正在被其他程序"
ERRORS = {
    "ENOSPC": (lambda: OSError(errno.ENOSPC, "No space left on device"), FULL),
    "EIO": (lambda: OSError(errno.EIO, "Input/output error"), GONE),
    "ENOENT": (lambda: FileNotFoundError(errno.ENOENT, "No such file or directory"), GONE),
    "EROFS": (lambda: OSError(errno.EROFS, "Read-only file system"), READ_ONLY),
    "EACCES": (lambda: PermissionError(errno.EACCES, "Permission denied"), READ_ONLY),
}


class Stick:
    """Counts the file operations on paths under ``root`` and fails the ``fail_at``-th one."""

    def __init__(self, root: Path, fail_at: int | None = None, error=None):
        self.root, self.fail_at, self.error = str(root), fail_at, error
        self.log: list[str] = []
        self.failed: str | None = None

    def on_stick(self, name: str, args) -> bool:
        target = args[0]
        if name in ("write", "fsync"):
            try:
                target = os.readlink(f"/proc/self/fd/{target}")
            except OSError:
                return False
        if name == "mkdir" and os.path.isdir(target):
            return False  # pathlib ignores any error for a folder that exists
        return os.fspath(target).startswith(self.root)

    def wrap(self, name: str, original):
        def call(*args, **kwargs):
            if self.on_stick(name, args):
                self.log.append(name)
                if len(self.log) == self.fail_at:
                    self.failed = name
                    raise self.error
            return original(*args, **kwargs)

        return call


@contextmanager
def faults(stick: Stick):
    """Routes the stick's file operations through ``stick``, with the v2 ledger."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(package, "ledger_bytes", fake_ledger("v2"))
        for name in OPERATIONS:
            mp.setattr(os, name, stick.wrap(name, getattr(os, name)))
        yield stick


def run(db, target: Path, tag: str = "v2"):
    return write_package(db, target, YEAR, pdf_writers=fake_writers(tag), today=TODAY)


def prepare(world, stick_dir: Path, rerun: bool) -> Path:
    """An empty stick, or one holding the old (v1) package."""
    if rerun:
        shutil.copytree(world["old_stick"], stick_dir)
    else:
        stick_dir.mkdir()
    return stick_dir


class World(dict):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return "World(...)"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A branch, an old package (v1) on a stick, what a clean v2 run writes, and the file
    operations a v2 run makes on an empty stick (ops[False]) and over the old one (ops[True])."""
    base = tmp_path_factory.mktemp("faults")
    world = World(db=make_branch(base), ops={})
    world["old_stick"] = clean_run(world, base / "old", "v1").parent
    world["old"] = tree(world["old_stick"] / FOLDER)
    world["new"] = tree(clean_run(world, base / "new", "v2"))
    for rerun in (False, True):
        stick_dir = prepare(world, base / f"count{rerun}", rerun)
        with faults(Stick(stick_dir)) as counter:
            run(world["db"], stick_dir)
        world["ops"][rerun] = counter.log
    yield world
    world["db"].close()


def clean_run(world, stick_dir: Path, tag: str) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(package, "ledger_bytes", fake_ledger(tag))
        return run(world["db"], prepare(world, stick_dir, False), tag).folder


def fault_run(world, stick_dir: Path, fail_at: int, kind: str, rerun: bool
              ) -> tuple[Stick, str | None]:
    """The run's message, or None when it recovered (pathlib makes the parent folder and
    tries again after ENOENT from mkdir)."""
    prepare(world, stick_dir, rerun)
    stick = Stick(stick_dir, fail_at, ERRORS[kind][0]())
    with faults(stick):
        try:
            run(world["db"], stick_dir)
        except PackageError as exc:
            return stick, str(exc)
    assert (stick.failed, kind) == ("mkdir", "ENOENT")
    return stick, None


def expected_message(kind: str, operation: str) -> str:
    make, message = ERRORS[kind]
    if operation == "replace" and isinstance(make(), PermissionError):
        return IN_USE  # Windows: Excel/WPS holds the file being replaced
    return message


def check_every_file_whole(stick_dir: Path, old: dict[str, bytes], new: dict[str, bytes]) -> None:
    """Each file is its old complete content or the new one; no old file is gone; no temps."""
    folder = stick_dir / FOLDER
    found = tree(folder) if folder.exists() else {}
    for name, data in found.items():
        if name != UNFINISHED:
            assert data in (old.get(name), new.get(name)), name
    assert set(old) <= set(found)
    assert not temporaries(stick_dir)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(point=st.floats(0, 1, exclude_max=True), kind=st.sampled_from(sorted(ERRORS)),
       rerun=st.booleans())
def test_a_fault_at_any_point_leaves_whole_files(world, point, kind, rerun):
    fail_at = 1 + int(point * len(world["ops"][rerun]))
    with tempfile.TemporaryDirectory() as scratch:
        stick_dir = Path(scratch) / "stick"
        stick, message = fault_run(world, stick_dir, fail_at, kind, rerun)
        assert stick.failed == world["ops"][rerun][fail_at - 1]
        if message is None:
            assert tree(stick_dir / FOLDER) == world["new"]
        else:
            assert expected_message(kind, stick.failed) in message and "重新导出" in message
        check_every_file_whole(stick_dir, world["old"] if rerun else {}, world["new"])


@pytest.mark.parametrize("operation, kind", [
    (operation, kind) for operation in OPERATIONS for kind in sorted(ERRORS)
    if (operation, kind) != ("mkdir", "ENOENT")])  # pathlib makes the parent and tries again
def test_each_error_on_each_operation_mid_package(world, tmp_path, operation, kind):
    """Fails the first ``operation`` after the 20th file operation (past the marker, inside
    the package), over an old package (folders are only made on an empty stick)."""
    rerun = operation != "mkdir"
    log = world["ops"][rerun]
    fail_at = next(i for i, name in enumerate(log, 1) if name == operation and i > 20)
    stick, message = fault_run(world, tmp_path / "stick", fail_at, kind, rerun)
    assert stick.failed == operation
    assert expected_message(kind, operation) in message
    assert "已核对并保留" in message and UNFINISHED in message
    check_every_file_whole(tmp_path / "stick", world["old"] if rerun else {}, world["new"])
    assert (tmp_path / "stick" / FOLDER / UNFINISHED).is_file()


def test_a_read_only_stick_is_refused_at_once(world, tmp_path):
    stick, message = fault_run(world, tmp_path / "stick", 1, "EROFS", False)
    assert stick.failed == "mkdir" and message.startswith(READ_ONLY)
    assert "尚未完成" not in message  # nothing was written, nothing to explain
    assert not (tmp_path / "stick" / FOLDER).exists()


def test_bytes_that_do_not_read_back_are_never_published(world, tmp_path, monkeypatch):
    """A stick that returns other bytes than were written (a fake-capacity stick)."""
    stick_dir = prepare(world, tmp_path / "stick", True)
    original_read = os.read
    reads = []

    def corrupt(fd, n):
        data = original_read(fd, n)
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(stick_dir)) and data:
            reads.append(fd)
            if len(reads) == 5:
                return bytes([data[0] ^ 1]) + data[1:]
        return data

    monkeypatch.setattr(os, "read", corrupt)
    with faults(Stick(tmp_path / "elsewhere")), \
            pytest.raises(PackageError, match="读回核对不一致"):
        run(world["db"], stick_dir)
    check_every_file_whole(stick_dir, world["old"], world["new"])


def test_the_failed_files_old_content_is_kept(world, tmp_path):
    """The ledger's replace fails (open in WPS): the old ledger stays, byte for byte."""
    fail_at = next(i for i, name in enumerate(world["ops"][True], 1) if name == "replace" and i > 8)
    _, message = fault_run(world, tmp_path / "stick", fail_at, "EACCES", True)
    assert message.startswith(f"文件“{LEDGER}”正在被其他程序")
    assert (tmp_path / "stick" / FOLDER / LEDGER).read_bytes() == world["old"][LEDGER]
