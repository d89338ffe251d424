"""Hostile and broken roster files, beyond test_importing_files.py: bit flips and truncation at
many points in .xlsx and .xls, a zip member lying about its size, full-size entity attacks,
and a memory ceiling measured in a separate process. Each must end in ImportFileError (or, for
a harmless flip, a normal read) in bounded time and memory, with the database untouched."""

from __future__ import annotations

import json
import random
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from branchdesk.core import idcard
from branchdesk.core.errors import ImportFileError
from branchdesk.core.importing import plan_file, read_table

from tests.core.test_importing_files import rewrite_zip

FLIPS = 150
HEADER = ["姓名", "性别", "公民身份号码", "入党日期", "人员类别"]


def _rows():
    for i in range(30):
        yield [f"张{i}", "男", idcard.make_valid(f"11010519800101{i:03d}"), "2001-07-01", "正式党员"]


def roster_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in _rows():
        book.active.append(row)
    book.save(path)
    return path


def roster_xls(path: Path) -> Path:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("名册")
    for r, row in enumerate([HEADER, *_rows()]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def outcome(db, path: Path) -> str:
    """'ok' or 'refused'; anything else escaping is a failure of the test."""
    try:
        plan_file(db, path)
        return "ok"
    except ImportFileError:
        return "refused"


@pytest.mark.parametrize("make, suffix", [(roster_xlsx, ".xlsx"), (roster_xls, ".xls")])
def test_bit_flips_are_refused_or_read_never_crash(tmp_path, fresh_db, db_path, make, suffix):
    data = make(tmp_path / f"good{suffix}").read_bytes()
    before = db_path.read_bytes()
    rng = random.Random(20261129)
    results = {"ok": 0, "refused": 0}
    for _ in range(FLIPS):
        flipped = bytearray(data)
        for _ in range(rng.choice((1, 1, 3))):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        path = tmp_path / f"flipped{suffix}"
        path.write_bytes(bytes(flipped))
        started = time.monotonic()
        results[outcome(fresh_db, path)] += 1
        assert time.monotonic() - started < 5
    assert results["refused"] > 0
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("make, suffix", [(roster_xlsx, ".xlsx"), (roster_xls, ".xls")])
def test_truncated_anywhere_is_refused_never_read_in_part(tmp_path, fresh_db, db_path, make,
                                                          suffix):
    good = make(tmp_path / f"good{suffix}")
    data, complete = good.read_bytes(), read_table(good).rows
    before = db_path.read_bytes()
    refused = 0
    for cut in [1, 4, 100, *range(512, len(data), max(len(data) // 40, 1)), len(data) - 1]:
        path = tmp_path / f"cut{suffix}"
        path.write_bytes(data[:cut])
        try:
            rows = read_table(path).rows
        except ImportFileError:
            refused += 1
            continue
        # Only an .xls cut inside the OLE container's trailing slack still reads, and then
        # completely: a roster is never imported in part.
        assert suffix == ".xls" and cut > len(data) - 512 and rows == complete, cut
    assert refused >= 40
    assert db_path.read_bytes() == before


# ---------------------------------------------------------------- crafted attacks

def lying_zip_bomb(path: Path) -> Path:
    """64 MB of zeros whose headers claim 1 KB: passes the size checks, must still be bounded."""
    roster_xlsx(path)
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    target = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name == target:
                with archive.open(name, "w", force_zip64=False) as member:
                    for _ in range(64):
                        member.write(b"\0" * 2**20)
            else:
                archive.writestr(name, data)
    raw = bytearray(path.read_bytes())
    _patch_sizes(raw, target.encode(), 1024)
    path.write_bytes(bytes(raw))
    return path


def _patch_sizes(raw: bytearray, name: bytes, size: int) -> None:
    """Rewrite the uncompressed size in the local header and central directory entry."""
    local = raw.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", raw, local + 26)[0]
        if raw[local + 30: local + 30 + name_len] == name:
            struct.pack_into("<I", raw, local + 22, size)
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46: central + 46 + name_len] == name:
            struct.pack_into("<I", raw, central + 24, size)
        central = raw.find(b"PK\x01\x02", central + 4)


def _with_doctype(path: Path, doctype: bytes, reference: bytes) -> Path:
    roster_xlsx(path)
    with zipfile.ZipFile(path) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
    body = body.replace("张0".encode(), reference, 1)
    return rewrite_zip(path, {"xl/worksheets/sheet1.xml":
                              b'<?xml version="1.0"?>' + doctype + body})


def billion_laughs(path: Path) -> Path:
    entities = [b'<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.encode() for i in range(1, 10)]
    return _with_doctype(path, b"<!DOCTYPE worksheet [" + b"".join(entities) + b"]>", b"&lol9;")


def quadratic_blowup(path: Path) -> Path:
    doctype = b'<!DOCTYPE worksheet [<!ENTITY big "' + b"A" * 100_000 + b'">]>'
    return _with_doctype(path, doctype, b"&big;" * 5000)


def external_entity(path: Path) -> Path:
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return _with_doctype(path, doctype, b"&xxe;")


def huge_xls(path: Path) -> Path:
    """One cell at the last BIFF8 row and column: xlrd must not pad 16 M cells."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("名册")
    sheet.write(0, 0, "姓名")
    sheet.write(1, 0, "张三")
    sheet.write(65535, 255, "x")
    book.save(str(path))
    return path


ATTACKS = [(lying_zip_bomb, "roster.xlsx"), (billion_laughs, "roster.xlsx"),
           (quadratic_blowup, "roster.xlsx"), (external_entity, "roster.xlsx")]


def test_openpyxl_parses_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


@pytest.mark.parametrize("make, name", ATTACKS)
def test_crafted_attacks_are_refused_quickly(tmp_path, fresh_db, db_path, make, name):
    path = make(tmp_path / name)
    before = db_path.read_bytes()
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="不完整或已损坏"):
        plan_file(fresh_db, path)
    assert time.monotonic() - started < 5
    assert db_path.read_bytes() == before


def test_external_entity_is_never_resolved(tmp_path):
    path = external_entity(tmp_path / "roster.xlsx")
    try:
        table = read_table(path)
    except ImportFileError:
        return
    assert "root:" not in json.dumps(table.rows, ensure_ascii=False, default=str)


def test_huge_xls_dimensions_are_read_in_bounded_time(tmp_path):
    started = time.monotonic()
    table = read_table(huge_xls(tmp_path / "roster.xls"))
    assert table.rows[:2] == [["姓名"], ["张三"]]
    assert time.monotonic() - started < 2


MEMORY_PROBE = """
import json, resource, sys
from branchdesk.core.errors import ImportFileError
from branchdesk.core.importing import read_table
read_table(sys.argv[1])  # a good file first: imports and caches are in the baseline
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for path in sys.argv[2:]:
    try:
        read_table(path)
    except ImportFileError:
        pass
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_mb": (peak - baseline) / 1024}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="resource module is POSIX")
def test_memory_stays_bounded_on_every_attack(tmp_path):
    good = roster_xlsx(tmp_path / "good.xlsx")
    files = [make(tmp_path / f"{i}-{name}") for i, (make, name) in enumerate(ATTACKS)]
    files.append(huge_xls(tmp_path / "huge.xls"))
    result = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(good), *map(str, files)],
                            capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    growth = json.loads(result.stdout.strip().splitlines()[-1])["growth_mb"]
    assert growth < 64, f"peak memory grew by {growth:.0f} MB"
