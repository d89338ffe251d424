"""File names the app suggests or writes: safe on FAT32/exFAT/NTFS and on Linux.

No \\ / : * ? " < > | or control characters, no reserved device names (CON, NUL, COM1 …),
no trailing dots or spaces, at most 80 characters with the extension kept.
"""

from __future__ import annotations

import re

MAX_NAME = 80
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)


def safe_name(text: str, limit: int = MAX_NAME) -> str:
    """A file or folder name every Windows and Linux file system takes, extension kept."""
    cleaned = _UNSAFE.sub("_", text).strip(" .") or "未命名"
    stem, dot, ext = cleaned.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        stem, ext = cleaned, ""
    if _RESERVED.match(stem.split(".")[0]):
        stem = "_" + stem
    suffix = f".{ext}" if ext else ""
    return stem[:max(limit - len(suffix), 1)].rstrip(" .") + suffix

