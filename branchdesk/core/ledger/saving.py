"""Saving a workbook without ever leaving a half-written or stray file behind."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook

from branchdesk.core import files


def save_workbook(wb: Workbook, path: Path | str) -> Path:
    """Write ``wb`` to ``path`` with the checked atomic write (core/files.py): the workbook is
    built in memory, written beside the target, checked as a complete .xlsx, then renamed.

    Raises FileWriteError (an ExportError, in Chinese: disk full, folder not writable, file
    open in Excel/WPS …); the previous file is then left as it was and no temporary file
    remains.
    """
    buffer = io.BytesIO()
    wb.save(buffer)
    return files.write_bytes(path, buffer.getvalue(), verify=files.xlsx_check)
