"""Removable drives (U盘) to write the inspection package to.

* Windows: the drive letters whose type is DRIVE_REMOVABLE (GetLogicalDrives + GetDriveTypeW),
  with the volume label from GetVolumeInformationW. A card reader slot without a card has no
  volume and is left out. USB hard disks (and some large sticks) report DRIVE_FIXED and are not
  listed; the dialog's "其他文件夹…" reaches them.
* Linux (统信UOS, 麒麟 …): the file systems the desktop mounts for the user under
  ``/media/<user>/<label>`` or ``/run/media/<user>/<label>``, read from ``/proc/mounts``.

Free and total space come from ``shutil.disk_usage``. A drive whose space cannot be read
(pulled out a moment ago) is left out. Nothing here imports Qt.
"""

from __future__ import annotations

import ctypes
import getpass
import re
import shutil
import string
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from branchdesk.core.files import size_text

DRIVE_REMOVABLE = 2
FILE_READ_ONLY_VOLUME = 0x00080000
SEM_FAILCRITICALERRORS = 0x0001
_LINUX_ROOTS = ("/media", "/run/media")
_ESCAPE = re.compile(r"\\([0-7]{3})")

Usage = Callable[[str], Any]  # like shutil.disk_usage (the default): .total, .free


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str
    free_bytes: int
    total_bytes: int
    read_only: bool = False

    @property
    def display(self) -> str:
        """KINGSTON（E:\\）　剩余 12.3 GB，共 14.9 GB"""
        ro = "　只读" if self.read_only else ""
        return (f"{self.label}（{self.path}）　剩余 {size_text(self.free_bytes)}，"
                f"共 {size_text(self.total_bytes)}{ro}")


def removable_drives() -> list[Drive]:
    """The removable drives of this computer, in drive-letter or mount order."""
    if sys.platform == "win32":
        return windows_drives(ctypes.windll.kernel32)  # type: ignore[attr-defined]
    if sys.platform.startswith("linux"):
        return linux_drives(_read_mounts(), getpass.getuser())
    return []


def folder_drive(folder: Path | str, usage: Usage | None = None) -> Drive | None:
    """Any folder as a target ("其他文件夹…"), with the space of the disk it is on."""
    folder = Path(folder)
    space = _space(str(folder), usage)
    return None if space is None else Drive(folder, folder.name or str(folder), *space)


def _space(path: str, usage: Usage | None) -> tuple[int, int] | None:
    try:
        found = (usage or shutil.disk_usage)(path)
    except OSError:
        return None
    return found.free, found.total


# ---------------------------------------------------------------- Linux

def linux_drives(mounts_text: str, user: str, usage: Usage | None = None) -> list[Drive]:
    """Drives mounted for ``user`` in a /proc/mounts text; a mount point mounted twice (an
    automount under the real file system) is listed once, with its last entry."""
    found: dict[str, bool] = {}
    for mount_point, read_only in _parse_mounts(mounts_text):
        if _is_user_media(mount_point, user):
            found.pop(mount_point, None)
            found[mount_point] = read_only
    return [d for point, ro in found.items() if (d := _linux_drive(point, ro, usage))]


def _parse_mounts(text: str) -> list[tuple[str, bool]]:
    """(mount point, mounted read-only) per line of /proc/mounts."""
    entries = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4:
            entries.append((_unescape(fields[1]), "ro" in fields[3].split(",")))
    return entries


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes (\\040 …)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), field)


def _is_user_media(mount_point: str, user: str) -> bool:
    parent = str(PurePosixPath(mount_point).parent)
    return parent in {f"{root}/{user}" for root in _LINUX_ROOTS}


def _linux_drive(mount_point: str, read_only: bool, usage: Usage | None) -> Drive | None:
    space = _space(mount_point, usage)
    if space is None:
        return None
    return Drive(Path(mount_point), PurePosixPath(mount_point).name, *space, read_only)


def _read_mounts() -> str:
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


# ---------------------------------------------------------------- Windows

def windows_drives(kernel32: Any, usage: Usage | None = None) -> list[Drive]:
    """Removable drive letters with a volume in them. ``kernel32`` is ctypes.windll.kernel32
    (a fake in tests). Critical-error boxes ("驱动器中没有磁盘") are suppressed meanwhile."""
    old_mode = ctypes.c_uint(0)
    kernel32.SetThreadErrorMode(SEM_FAILCRITICALERRORS, ctypes.pointer(old_mode))
    try:
        roots = [r for r in _letters(kernel32.GetLogicalDrives())
                 if kernel32.GetDriveTypeW(r) == DRIVE_REMOVABLE]
        return [d for r in roots if (d := _windows_drive(kernel32, r, usage))]
    finally:
        kernel32.SetThreadErrorMode(old_mode.value, None)


def _letters(mask: int) -> list[str]:
    return [f"{letter}:\\" for i, letter in enumerate(string.ascii_uppercase) if mask >> i & 1]


def _windows_drive(kernel32: Any, root: str, usage: Usage | None) -> Drive | None:
    volume = _volume(kernel32, root)
    space = _space(root, usage) if volume else None
    if volume is None or space is None:
        return None
    label, read_only = volume
    return Drive(Path(root), label or "可移动磁盘", *space, read_only)


def _volume(kernel32: Any, root: str) -> tuple[str, bool] | None:
    """(label, read-only) of the volume in ``root``, or None when there is no medium."""
    name = ctypes.create_unicode_buffer(261)
    flags = ctypes.c_ulong(0)
    ok = kernel32.GetVolumeInformationW(root, name, len(name), None, None,
                                        ctypes.pointer(flags), None, 0)
    if not ok:
        return None
    return name.value, bool(flags.value & FILE_READ_ONLY_VOLUME)
