"""The checked atomic write (core/files.py): what survives a failure, what the user is told,
the format checks, safe names and sizes."""

from __future__ import annotations

import errno
import os
import sqlite3

from branchdesk.core import driver
import stat
import sys
import zipfile

import pytest

from branchdesk.core import files
from branchdesk.core.errors import EXIT_NOT_WRITTEN
from branchdesk.core.files import CheckFailed, FileWriteError


def leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(files.TEMP_PREFIX)]


def test_writes_the_bytes_with_normal_permissions(tmp_path):
    path = files.write_bytes(tmp_path / "a.txt", b"hello")
    assert path.read_bytes() == b"hello"
    assert leftovers(tmp_path) == []
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~files.remember_umask()


def test_the_umask_is_read_without_changing_it():
    before = os.umask(0o027)
    try:
        os.umask(0o027)
        files._umask = None
        assert files.remember_umask() == 0o027
        assert os.umask(0o027) == 0o027  # still what it was
    finally:
        os.umask(before)
        files._umask = None
        files.remember_umask()


@pytest.mark.parametrize("error, words, kind", [
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间不足", "full"),
    (OSError(errno.EROFS, "Read-only file system"), "是只读的", "read_only"),
    (PermissionError(errno.EACCES, "Permission denied"), "没有权限", "denied"),
    (OSError(errno.EIO, "Input/output error"), "找不到", "gone"),
    (OSError(errno.ENAMETOOLONG, "File name too long"), "文件名或文件夹路径太长", "too_long"),
    (OSError(errno.EFBIG, "File too large"), "FAT32 格式的U盘最大 4 GB", "too_big"),
])
def test_a_failed_write_keeps_the_old_file_and_says_why(tmp_path, monkeypatch, error, words, kind):
    path = tmp_path / "会议记录.pdf"
    path.write_bytes(b"old good file")

    def fail(fd, data):
        raise error

    monkeypatch.setattr(files, "_write_fully", fail)
    with pytest.raises(FileWriteError) as raised:
        files.write_bytes(path, b"new")
    assert words in str(raised.value) and "原有的文件没有改动" in str(raised.value)
    assert raised.value.kind == kind and raised.value.exit_code == EXIT_NOT_WRITTEN
    assert path.read_bytes() == b"old good file"
    assert leftovers(tmp_path) == []


def test_a_short_write_is_caught_by_the_size_check(tmp_path, monkeypatch):
    """As a device that accepts fewer bytes than it reports (the write 'succeeds')."""
    path = tmp_path / "x.bin"
    path.write_bytes(b"old")
    monkeypatch.setattr(files, "_write_fully", lambda fd, data: os.write(fd, data[:3]))
    with pytest.raises(FileWriteError, match="应为 10 字节，实际只写入了 3 字节"):
        files.write_bytes(path, b"0123456789")
    assert path.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_a_failed_verify_keeps_the_old_file(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"old")

    def refuse(temp):
        raise CheckFailed("不对")

    with pytest.raises(FileWriteError, match="核对未通过（不对）") as raised:
        files.write_bytes(path, b"new", verify=refuse)
    assert raised.value.kind == "broken"
    assert path.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_a_held_file_is_reported_as_open_elsewhere(tmp_path, monkeypatch):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(errno.EACCES, "being used by another process")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(FileWriteError, match="正在被其他程序") as raised:
        files.write_bytes(path, b"new")
    assert raised.value.kind == "in_use" and path.read_bytes() == b"old"


def test_a_name_too_long_for_the_file_system_is_explained(tmp_path):
    """Linux takes 255 bytes per name: 90 Chinese characters are 270. The check whether an
    old file exists must not itself fail on the name."""
    path = tmp_path / ("长" * 90 + ".pdf")
    with pytest.raises(FileWriteError, match="文件名或文件夹路径太长") as raised:
        files.write_bytes(path, b"%PDF-")
    assert raised.value.kind == "too_long" and "没有改动" not in str(raised.value)
    assert leftovers(tmp_path) == []


def test_a_folder_where_the_file_should_go_is_explained(tmp_path):
    (tmp_path / "花名册.xlsx").mkdir()
    with pytest.raises(FileWriteError, match="已有一个同名的文件夹") as raised:
        files.write_bytes(tmp_path / "花名册.xlsx", b"PK")
    assert raised.value.kind == "is_folder" and leftovers(tmp_path) == []


@pytest.mark.parametrize("words, kind", [
    ("database or disk is full", "full"), ("attempt to write a readonly database", "other")])
def test_sqlite_errors_have_kinds_too(words, kind):
    assert files.kind_of(driver.OperationalError(words)) == kind


def test_sqlite_result_codes_are_read_first():
    full = driver.OperationalError("whatever")
    full.sqlite_errorcode = 13  # SQLITE_FULL, as Python 3.11+ sets it
    read_only = driver.OperationalError("whatever")
    read_only.sqlite_errorcode = 8 | (1 << 8)  # SQLITE_READONLY_RECOVERY: an extended code
    assert (files.kind_of(full), files.kind_of(read_only)) == ("full", "read_only")


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(FileWriteError, match="不存在"):
        files.write_bytes(tmp_path / "没有" / "x.txt", b"x")


def test_copy_reads_back_and_compares(tmp_path, monkeypatch):
    source = tmp_path / "src.bin"
    source.write_bytes(os.urandom(3000))
    copied = files.copy_file(source, tmp_path / "dest.bin")
    assert (tmp_path / "dest.bin").read_bytes() == source.read_bytes()
    assert copied.size == 3000 and copied == files.sha256_of(source)
    real = files.sha256_of
    monkeypatch.setattr(files, "sha256_of",
                        lambda path, from_device=False: files.Copied(1, "0" * 64))
    with pytest.raises(FileWriteError, match="读回的内容与原文件不一致"):
        files.copy_file(source, tmp_path / "dest.bin")
    monkeypatch.setattr(files, "sha256_of", real)
    assert (tmp_path / "dest.bin").read_bytes() == source.read_bytes()


def test_pdf_problems():
    whole = b"%PDF-1.4\n1 0 obj <</Type /Page>>\n2 0 obj <</Type /Pages /Kids []>>\n%%EOF\n"
    assert files.pdf_problem(whole, 1) is None
    assert "开头" in files.pdf_problem(b"\0" * 100)
    assert "缺少结尾" in files.pdf_problem(whole[:40])
    assert "应有 2 页" in files.pdf_problem(whole, 2)


def test_xlsx_check_refuses_a_truncated_workbook(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "a.xlsx"
    Workbook().save(path)
    files.xlsx_check(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckFailed):
        files.xlsx_check(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(CheckFailed):
        files.xlsx_check(path)


@pytest.mark.parametrize("text, expected", [
    ("a:b?<c>.png", "a_b__c_.png"),
    ("CON.txt", "_CON.txt"),
    ("con", "_con"),
    ("nul .jpg", "_nul.jpg"),
    ("COM1.tar", "_COM1.tar"),
    ("报告. ", "报告"),
    ("", "未命名"),
])
def test_safe_names(text, expected):
    assert files.safe_name(text) == expected


def test_safe_names_are_short_enough_for_every_file_system():
    name = files.safe_name("很长" * 200 + ".jpg")
    assert len(name) == files.MAX_NAME and name.endswith(".jpg")
    assert len(name.encode("utf-8")) <= 255  # ext4, and NTFS's 255 UTF-16 units


def test_viewing_copies_get_safe_names(tmp_path):
    """The attachment copy opened in a viewer uses the same rule (CON was let through)."""
    from branchdesk.core import attachments
    from branchdesk.core.db import open_db

    db = open_db(tmp_path / "b.sqlite3")
    source = tmp_path / "CON.jpg"
    source.write_bytes(b"photo")
    added = attachments.add(db, attachments.MEETING, 1, source)
    copy = attachments.viewing_copy(db, added, tmp_path / "view")
    assert copy.name == "_CON.jpg" and copy.read_bytes() == b"photo"
    db.close()


def test_sizes_as_text():
    assert files.size_text(512) == "512 字节"
    assert files.size_text(3 * 1024 * 1024) == "3.0 MB"


@pytest.mark.skipif(sys.platform != "linux", reason="no /proc elsewhere")
def test_no_code_sets_the_umask_while_writing():
    """Setting the umask around a write (as the ledger worker once did) loosens other threads'
    files for that moment; only files.remember_umask's fallback may touch it."""
    from pathlib import Path

    root = Path(files.__file__).resolve().parents[1]
    users = [p.relative_to(root).as_posix() for p in root.rglob("*.py")
             if "os.umask(" in p.read_text(encoding="utf-8")]
    assert users == ["core/files.py"]
