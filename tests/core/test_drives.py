"""Finding U盘: /proc/mounts on Linux, the Win32 drive calls (through a fake kernel32)."""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

import pytest

from branchdesk.core import drives
from branchdesk.core.drives import Drive, folder_drive, linux_drives, windows_drives

Usage = namedtuple("Usage", "total used free")
GB = 1 << 30

MOUNTS = r"""sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
/dev/nvme0n1p1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077 0 0
tmpfs /run/user/1000 tmpfs rw,nosuid,nodev,relatime,size=1617708k,mode=700,uid=1000 0 0
/dev/sdb1 /media/lihua/KINGSTON vfat rw,nosuid,nodev,relatime,uid=1000,gid=1000 0 0
/dev/sdc1 /media/lihua/党建\040资料 exfat ro,nosuid,nodev,relatime,uid=1000 0 0
/dev/sdd1 /run/media/lihua/SANDISK vfat rw,nosuid,nodev,relatime 0 0
/dev/sde1 /media/wangwu/OTHER vfat rw,nosuid,nodev 0 0
/dev/sdf1 /media/lihua/KINGSTON/inner vfat rw 0 0
systemd-1 /media/lihua/AUTO autofs rw,relatime,fd=47 0 0
/dev/sdg1 /media/lihua/AUTO ext4 rw,relatime 0 0
/dev/sdh1 /media/lihua/GONE vfat rw 0 0
/dev/sr0 /media/lihua broken
"""


def fake_usage(path: str) -> Usage:
    if path.endswith("GONE") or path == "F:\\":
        raise FileNotFoundError(path)
    return Usage(16 * GB, 4 * GB, 12 * GB)


def test_linux_drives_are_the_users_media_mounts():
    found = linux_drives(MOUNTS, "lihua", usage=fake_usage)
    assert [(str(d.path), d.label, d.read_only) for d in found] == [
        ("/media/lihua/KINGSTON", "KINGSTON", False),
        ("/media/lihua/党建 资料", "党建 资料", True),
        ("/run/media/lihua/SANDISK", "SANDISK", False),
        ("/media/lihua/AUTO", "AUTO", False)]
    assert found[0].free_bytes == 12 * GB and found[0].total_bytes == 16 * GB


def test_linux_without_media():
    assert linux_drives("/dev/sda1 / ext4 rw 0 0\n", "lihua", usage=fake_usage) == []
    assert linux_drives("", "lihua", usage=fake_usage) == []


def test_display_text():
    drive = Drive(Path("/media/lihua/KINGSTON"), "KINGSTON", 12 * GB, 16 * GB)
    assert drive.display == "KINGSTON（/media/lihua/KINGSTON）　剩余 12.0 GB，共 16.0 GB"
    assert drive.display != Drive(drive.path, "K", 1, 2, read_only=True).display
    assert "只读" in Drive(drive.path, "K", 1, 2, read_only=True).display


class FakeKernel32:
    """C: fixed, D: CD-ROM, E: a stick, F: a stick whose space cannot be read, G: a card
    reader without a card, H: a write-protected stick without a label."""

    TYPES = {"C:\\": 3, "D:\\": 5, "E:\\": 2, "F:\\": 2, "G:\\": 2, "H:\\": 2}
    VOLUMES = {"E:\\": ("KINGSTON", 0), "F:\\": ("OLD", 0), "H:\\": ("", 0x00080000)}

    def __init__(self):
        self.modes = []

    def SetThreadErrorMode(self, mode, old):  # noqa: N802 - the Win32 name
        self.modes.append(mode)
        if old is not None:
            old.contents.value = 0x8000
        return 1

    def GetLogicalDrives(self):  # noqa: N802
        return sum(1 << (ord(root[0]) - ord("A")) for root in self.TYPES)

    def GetDriveTypeW(self, root):  # noqa: N802
        return self.TYPES[root]

    def GetVolumeInformationW(self, root, name, size, serial, max_len, flags, fs, fs_size):  # noqa: N802
        if root not in self.VOLUMES:
            return 0
        name.value, flags.contents.value = self.VOLUMES[root]
        return 1


def test_windows_drives_are_removable_letters_with_a_volume():
    kernel32 = FakeKernel32()
    found = windows_drives(kernel32, usage=fake_usage)
    assert [(str(d.path), d.label, d.read_only) for d in found] == [
        ("E:\\", "KINGSTON", False), ("H:\\", "可移动磁盘", True)]
    assert kernel32.modes == [drives.SEM_FAILCRITICALERRORS, 0x8000]  # set, then restored


def test_removable_drives_dispatches_on_the_platform(monkeypatch):
    monkeypatch.setattr(drives.sys, "platform", "linux")
    monkeypatch.setattr(drives, "_read_mounts", lambda: MOUNTS)
    monkeypatch.setattr(drives.getpass, "getuser", lambda: "wangwu")
    monkeypatch.setattr(drives.shutil, "disk_usage", fake_usage)
    assert [d.label for d in drives.removable_drives()] == ["OTHER"]
    monkeypatch.setattr(drives.sys, "platform", "darwin")
    assert drives.removable_drives() == []


def test_removable_drives_on_this_machine_does_not_fail():
    assert isinstance(drives.removable_drives(), list)


def test_folder_drive(tmp_path):
    drive = folder_drive(tmp_path)
    assert drive.path == tmp_path and drive.label == tmp_path.name and drive.total_bytes > 0
    assert folder_drive(tmp_path / "missing") is None


@pytest.mark.parametrize("line", ["", "x", "a b c"])
def test_short_lines_are_ignored(line):
    assert linux_drives(line, "lihua", usage=fake_usage) == []
