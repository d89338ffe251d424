"""The Windows version resource of branchdesk.exe (Explorer → 属性 → 详细信息), built in the spec.

Written in Simplified Chinese (language 0x0804, Unicode code page 1200) so the file properties
and the Task Manager show 党支部工作台账. The numeric version comes from
``branchdesk.__version__`` ("0.1.0" → 0.1.0.0); a non-numeric suffix (0.2.0rc1) is ignored there
but kept in the text fields.
"""

from __future__ import annotations

import re

LANG_ZH_CN = 0x0804
CODEPAGE_UNICODE = 1200  # 0x04B0


def numeric_version(version: str) -> tuple[int, int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]]
    numbers = (numbers + [0, 0, 0, 0])[:4]
    return tuple(min(n, 0xFFFF) for n in numbers)  # each field is 16 bits


def version_info(version: str, title: str, exe_name: str):
    """A PyInstaller ``VSVersionInfo`` (importable on any OS; only Windows builds use it)."""
    from PyInstaller.utils.win32.versioninfo import (
        FixedFileInfo, StringFileInfo, StringStruct, StringTable, VarFileInfo, VarStruct,
        VSVersionInfo)

    numbers = numeric_version(version)
    strings = {
        "CompanyName": "BranchDesk",
        "FileDescription": title,
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": "MIT License",
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": title,
        "ProductVersion": version,
    }
    table = f"{LANG_ZH_CN:04X}{CODEPAGE_UNICODE:04X}"  # "080404B0"
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            StringFileInfo([StringTable(table, [StringStruct(k, v) for k, v in strings.items()])]),
            VarFileInfo([VarStruct("Translation", [LANG_ZH_CN, CODEPAGE_UNICODE])]),
        ],
    )
