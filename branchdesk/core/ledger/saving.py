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
    open in Excel/WPS, the system temp folder full …); the previous file is then left as it
    was and no temporary file remains.
    """
    path = Path(path)
    return save_xlsx(workbook_bytes(wb, path), path)


def save_xlsx(data: bytes, path: Path) -> Path:
    """Write a workbook's bytes (``workbook_bytes``) to ``path``, as ``save_workbook`` does."""
    return files.write_bytes(path, data, verify=files.xlsx_check)


def workbook_bytes(wb: Workbook, path: Path) -> bytes:
    """The .xlsx file of ``wb``, made in memory; ``path`` (where it will go) names it in the
    FileWriteError raised when the system temp folder openpyxl needs is full or unwritable."""
    buffer = io.BytesIO()
    try:
        wb.save(buffer)  # openpyxl writes each sheet to a file in the system temp folder first
    except OSError as exc:
        raise files.temp_folder_error(exc, path) from exc
    return buffer.getvalue()
