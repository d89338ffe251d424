"""Full disks under every writer the user keeps: the PDF (``branchdesk minutes``), the ledger,
the USB package and backups. Each twice: an injected ENOSPC (always) and a real, small tmpfs
(when running as root and mounting is allowed). Whatever fails, the earlier file is intact, no
temporary or partial file is left, 清单.csv lists only files that are on the stick and whole,
and the command line exits non-zero with a Chinese message."""

from __future__ import annotations

import errno
import gc
import os
import sqlite3

from branchdesk.core import driver
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from branchdesk.cli import main
from branchdesk.core import backup, files, package
from branchdesk.core.errors import EXIT_NOT_WRITTEN, BackupError, ExportError
from branchdesk.core.ledger.roster import export_members
from branchdesk.core.package import MANIFEST, UNFINISHED, PackageError, read_manifest
from tests.core.package_helpers import TODAY, YEAR, fake_ledger, fake_writers
from tests.core.package_helpers import make_branch as make_demo_branch
from tests.core.test_printing import general_meeting, make_branch

ROOT = Path(__file__).resolve().parents[2]
FULL = "磁盘空间不足"


# ---------------------------------------------------------------- helpers

@pytest.fixture
def small_disk(tmp_path):
    """Mounts a tmpfs of the given size (bytes) under tmp_path; skips unless root may mount."""
    mounted = []

    def mount(size: int) -> Path:
        if not sys.platform.startswith("linux") or os.geteuid() != 0:
            pytest.skip("a real small disk needs root on Linux")
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
                              capture_output=True)
        if done.returncode != 0:
            pytest.skip("mounting a tmpfs is not permitted here")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def fill(folder: Path) -> None:
    """Write until the disk is full."""
    with open(folder / "填满磁盘.bin", "wb", buffering=0) as handle:
        block = b"\0" * 4096
        try:
            while True:
                handle.write(block)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def no_space_under(folder: Path):
    """A ``files._write_fully`` that fails with ENOSPC for files under ``folder`` only (the
    stick; the staging folder on this computer still has room)."""
    real = files._write_fully

    def write(fd, data):
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(folder)):
            no_space()
        return real(fd, data)

    return write


def litter(folder: Path) -> list[str]:
    """Temporary and partial files anywhere under ``folder``."""
    return [p.name for p in folder.rglob("*")
            if p.name.startswith(files.TEMP_PREFIX) or p.name.endswith(backup.PARTIAL)
            or p.name.endswith("-journal")]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "branchdesk", *args], capture_output=True,
                          text=True, env=env, timeout=180, cwd=ROOT)


@pytest.fixture
def meeting_db(fresh_db):
    """A small branch with one 支部党员大会; the database closed, for the command line."""
    make_branch(fresh_db, 12)
    meeting = general_meeting(fresh_db)
    fresh_db.close()
    return fresh_db.path, meeting.id


# ---------------------------------------------------------------- the minutes PDF

def test_minutes_on_a_full_disk_exit_non_zero_and_keep_the_good_pdf(meeting_db, small_disk):
    db_path, meeting_id = meeting_db
    disk = small_disk(1024 * 1024)
    target = disk / "m.pdf"
    first = run_cli("minutes", str(meeting_id), "-o", str(target), "--db", str(db_path))
    assert first.returncode == 0, first.stderr
    good = target.read_bytes()
    fill(disk)
    again = run_cli("minutes", str(meeting_id), "-o", str(target), "--db", str(db_path))
    assert again.returncode == EXIT_NOT_WRITTEN, again.stdout + again.stderr
    assert FULL in again.stderr and "原有的文件没有改动" in again.stderr
    assert "Traceback" not in again.stderr and "已生成" not in again.stdout
    assert target.read_bytes() == good
    assert litter(disk) == []


def test_minutes_with_an_injected_enospc(meeting_db, tmp_path, monkeypatch, capsys, qapp):
    db_path, meeting_id = meeting_db
    target = tmp_path / "m.pdf"
    assert main(["minutes", str(meeting_id), "-o", str(target), "--db", str(db_path)]) == 0
    good = target.read_bytes()
    capsys.readouterr()
    monkeypatch.setattr(files, "_write_fully", no_space)
    code = main(["minutes", str(meeting_id), "-o", str(target), "--db", str(db_path)])
    out, err = capsys.readouterr()
    assert code == EXIT_NOT_WRITTEN and FULL in err and "已生成" not in out
    assert target.read_bytes() == good and litter(tmp_path) == []


def test_a_pdf_that_comes_out_short_is_never_saved(meeting_db, tmp_path, monkeypatch, qapp):
    """The bytes the painter produced are checked before anything is written."""
    from branchdesk.ui.print import pdf

    db_path, meeting_id = meeting_db
    target = tmp_path / "m.pdf"
    target.write_bytes(b"%PDF- the earlier good one")
    real = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf",
                        lambda paint, title="": (lambda d, n: (d[: len(d) // 2], n))(
                            *real(paint, title)))
    code = main(["signin-sheet", str(meeting_id), "-o", str(target), "--db", str(db_path)])
    assert code == EXIT_NOT_WRITTEN
    assert target.read_bytes() == b"%PDF- the earlier good one" and litter(tmp_path) == []


# ---------------------------------------------------------------- the ledger and the roster

def test_roster_on_a_full_disk_keeps_the_old_workbook(fresh_db, small_disk):
    make_branch(fresh_db, 30)
    disk = small_disk(512 * 1024)
    target = disk / "花名册.xlsx"
    export_members(fresh_db, target)
    good = target.read_bytes()
    fill(disk)
    with pytest.raises(ExportError, match=FULL):
        export_members(fresh_db, target)
    assert target.read_bytes() == good and litter(disk) == []


# openpyxl's abandoned sheet writer, when collected, tries once more to write to the full
# folder; Python reports that as an ignored exception.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("full, words", [
    ("target", FULL),
    # openpyxl writes each sheet to the system temp folder (C: on Windows) before zipping,
    # wherever the workbook goes: a full temp disk used to end every export in a traceback.
    ("temp", "本机的临时文件夹“{temp}”所在的磁盘空间不足。请清理这块磁盘"),
])
def test_ledger_with_an_injected_enospc_exits_4(fresh_db, tmp_path, monkeypatch, capsys, full,
                                                words):
    import openpyxl.worksheet._writer as sheet_writer

    make_branch(fresh_db, 12)
    general_meeting(fresh_db)
    fresh_db.close()
    target = tmp_path / "台账.xlsx"
    args = ["export-ledger", "--year", "2026", "-o", str(target), "--db", str(fresh_db.path)]
    assert main(args) == 0
    good = target.read_bytes()
    capsys.readouterr()
    if full == "target":
        monkeypatch.setattr(files, "_write_fully", no_space)
    else:
        monkeypatch.setattr(sheet_writer, "create_temporary_file", no_space)
    assert main(args) == EXIT_NOT_WRITTEN
    err = capsys.readouterr().err
    assert words.format(temp=tempfile.gettempdir()) in err and "原有的文件没有改动" in err
    assert target.read_bytes() == good and litter(tmp_path) == []
    gc.collect()  # openpyxl's abandoned sheet writer, while the warning is still filtered


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_full_temp_disk_keeps_the_old_roster(fresh_db, tmp_path, small_disk, monkeypatch):
    make_branch(fresh_db, 30)
    target = tmp_path / "花名册.xlsx"
    export_members(fresh_db, target)
    good = target.read_bytes()
    temp = small_disk(64 * 1024)
    fill(temp)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with pytest.raises(ExportError, match="临时文件夹.*所在的磁盘空间不足"):
        export_members(fresh_db, target)
    assert target.read_bytes() == good and litter(tmp_path) == []
    gc.collect()


# ---------------------------------------------------------------- the USB package

def every_listed_file_is_whole(folder: Path) -> None:
    """Each row of 清单.csv names a file on the stick with that size and SHA-256."""
    for row in read_manifest(folder / MANIFEST):
        assert files.sha256_of(folder / row.name) == files.Copied(row.size, row.sha256), row.name


def write(db, target: Path, tag: str, writers=None):
    target.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(package, "ledger_bytes", fake_ledger(tag))
        return package.write_package(db, target, YEAR, pdf_writers=writers or fake_writers(tag),
                                     today=TODAY)


def test_package_on_a_stick_that_fills_up(tmp_path, small_disk):
    db = make_demo_branch(tmp_path)
    stick = small_disk(2 * 1024 * 1024)
    folder = write(db, stick, "v1").folder
    old = {row.name: row for row in read_manifest(folder / MANIFEST)}
    fill(stick)
    with pytest.raises(PackageError, match="U盘空间不足"):
        write(db, stick, "v2")
    every_listed_file_is_whole(folder)  # the old 清单 still matches: no listed file broken
    assert set(old) <= {p.relative_to(folder).as_posix() for p in folder.rglob("*")}
    assert (folder / UNFINISHED).is_file() or not litter(stick)
    assert litter(stick) == []
    db.close()


def test_package_lists_only_verified_files_when_one_cannot_be_made(tmp_path, monkeypatch,
                                                                   capsys):
    """A minutes PDF that does not come out whole is not written, not in 清单.csv, and the
    summary and the exit code say so."""
    db = make_demo_branch(tmp_path)
    broken_title = {"n": 0}

    def minutes(layout) -> bytes:
        broken_title["n"] += 1
        if broken_title["n"] == 2:
            raise ExportError("生成的PDF文件不完整（PDF 文件不完整，缺少结尾），没有保存。")
        return f"%PDF-1.4 {layout.title}".encode()

    writers = package.PdfWriters(signin=fake_writers().signin, minutes=minutes)
    result = write(db, tmp_path / "stick0", "v1", writers)
    assert len(result.failed) == 1 and "会议记录/" in result.failed[0]
    failed_name = result.failed[0].split("：")[0]
    listed = {row.name for row in read_manifest(result.folder / MANIFEST)}
    assert failed_name not in listed and not (result.folder / failed_name).exists()
    every_listed_file_is_whole(result.folder)
    assert "1 个文件未能生成" in result.summary() and (result.folder / UNFINISHED).is_file()
    db.close()

    from branchdesk import cli

    monkeypatch.setattr(cli, "_pdf_writers", lambda: package.PdfWriters(
        signin=fake_writers().signin, minutes=minutes))
    broken_title["n"] = 0
    (tmp_path / "stick1").mkdir()
    code = main(["export-package", "--year", str(YEAR), "-o", str(tmp_path / "stick1"),
                 "--db", str(tmp_path / "demo.sqlite3")])
    out, err = capsys.readouterr()
    assert code == EXIT_NOT_WRITTEN and "未能生成" in out and "台账包不完整" in err


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("real_disk", [False, True])
def test_package_when_this_computer_is_full(tmp_path, small_disk, monkeypatch, real_disk):
    """The stick has room but this computer's disk is full (C: on Windows): the forms, README
    and 清单 are made in memory and all arrive; only the ledger, which openpyxl builds through
    the system temp folder, is missing, named, and not listed."""
    import openpyxl.worksheet._writer as sheet_writer

    db = make_demo_branch(tmp_path)
    if real_disk:
        temp = small_disk(64 * 1024)
        fill(temp)
        monkeypatch.setattr(tempfile, "tempdir", str(temp))
    else:
        monkeypatch.setattr(sheet_writer, "create_temporary_file", no_space)
    (tmp_path / "stick").mkdir()
    result = package.write_package(db, tmp_path / "stick", YEAR, pdf_writers=fake_writers(),
                                   today=TODAY)
    ledger = package.plan_package(db, YEAR).items[0].name
    assert result.failed == [f"{ledger}：无法生成“{ledger}”：本机的临时文件夹“{tempfile.gettempdir()}”"
                             "所在的磁盘空间不足。请清理这块磁盘（如清空回收站、删除不需要的文件）后重试。"]
    listed = {row.name for row in read_manifest(result.folder / MANIFEST)}
    assert ledger not in listed and len(listed) == len(result.files) - 1  # all but 清单 itself
    every_listed_file_is_whole(result.folder)
    db.close()
    gc.collect()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tells files apart by /proc")
def test_package_with_an_injected_enospc(tmp_path, monkeypatch):
    db = make_demo_branch(tmp_path)
    folder = write(db, tmp_path / "stick", "v1").folder
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    monkeypatch.setattr(files, "_write_fully", no_space_under(tmp_path / "stick"))
    with pytest.raises(PackageError, match="U盘空间不足"):
        write(db, tmp_path / "stick", "v2")
    for path, data in before.items():
        assert path.read_bytes() == data
    every_listed_file_is_whole(folder)
    assert litter(tmp_path / "stick") == []
    db.close()


# ---------------------------------------------------------------- backups

@pytest.fixture
def demo_path(tmp_path):
    from branchdesk.core import demo

    path = tmp_path / "demo.sqlite3"
    demo.create_demo(path, today=TODAY).close()
    return path


def test_backup_to_a_full_stick_keeps_the_earlier_backup(demo_path, small_disk):
    stick = small_disk(4 * 1024 * 1024)
    first = backup.make_backup(demo_path, stick)
    good = first.read_bytes()
    fill(stick)
    with pytest.raises(BackupError, match=f"备份没有完成：{FULL}") as raised:
        backup.make_backup(demo_path, stick)
    assert raised.value.exit_code == EXIT_NOT_WRITTEN
    assert sorted(p.name for p in stick.iterdir() if p.suffix == ".sqlite3") == [first.name]
    assert first.read_bytes() == good and litter(stick) == []


def test_backup_with_an_injected_disk_full(demo_path, tmp_path, monkeypatch, capsys):
    stick = tmp_path / "stick"
    first = backup.make_backup(demo_path, stick)
    real = backup.copy_database

    def copy_then_fill(source, target):
        real(source, target)
        with open(target, "r+b") as handle:
            handle.truncate(8192)
        raise driver.OperationalError("database or disk is full")

    monkeypatch.setattr(backup, "copy_database", copy_then_fill)
    code = main(["backup", "-o", str(stick), "--db", str(demo_path)])
    err = capsys.readouterr().err
    assert code == EXIT_NOT_WRITTEN and "备份没有完成" in err and FULL in err
    assert [p.name for p in stick.iterdir()] == [first.name] and litter(stick) == []
    monkeypatch.setattr(backup, "copy_database", real)
    monkeypatch.setattr(files, "fsync_file", no_space)
    with pytest.raises(BackupError, match=FULL):
        backup.make_backup(demo_path, stick)
    assert [p.name for p in stick.iterdir()] == [first.name]


def piped(demo_path, reader: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        f"{sys.executable} -m branchdesk meetings --db {demo_path} | {reader}; "
        'echo "rc=${PIPESTATUS[0]}" >&2',
        shell=True, executable="/bin/bash", capture_output=True, text=True, env=env,
        timeout=120, cwd=ROOT)


@pytest.mark.skipif(not Path("/bin/bash").exists(), reason="needs bash for PIPESTATUS")
def test_cli_piped_into_head_exits_quietly(demo_path):
    """``branchdesk meetings | head -1``: no traceback, and never 1 or 2 (rejected/unreadable).
    Whether the pipe breaks depends on timing; a reader gone before the first write
    (``true``) always breaks it."""
    done = piped(demo_path, "head -1")
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert done.stderr.strip() in ("rc=0", "rc=141"), done.stderr
    gone = piped(demo_path, "true")
    assert gone.stderr.strip() == "rc=141", gone.stderr
