"""Hostile files for tests/core/test_hostile_files.py, generated in code (nothing stored), and
the runner that puts each through the command line in its own process, measuring it.

Workbooks are written part by part with zipfile, so each attack is exactly what it says (a
styles table of 4 MB, 35 MB of shared strings …) and passes the older limits: every part is
compressible only about as well as real data (ratio well under files.MAX_RATIO).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from branchdesk.core import idcard

ROOT = Path(__file__).resolve().parents[2]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = ["姓名", "性别", "公民身份号码", "入党日期", "人员类别"]
STYLES = (f'<styleSheet {NS}><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" '
          'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" '
          'fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>{extra}</styleSheet>')
NORMAL = '<cellStyle name="Normal" xfId="0" builtinId="0"/>'



# ---------------------------------------------------------------- running the command line

@dataclass
class Run:
    code: int
    out: str
    err: str
    wall: float  # seconds
    cpu: float  # seconds of user + system time of that process alone
    peak_mb: float  # its ru_maxrss


def run_cli(args: list[str], home: Path, *, without_root_powers: bool = False,
            timeout: float = 120) -> Run:
    """``python -m branchdesk ARGS`` in a fresh process, with BRANCHDESK_HOME=home.

    Time and peak memory are that process's own: a small Python in between starts it and
    reads its rusage (os.wait4). Started straight from pytest, its ru_maxrss would begin at
    pytest's size: Linux carries the high-water mark over fork and exec.
    ``without_root_powers``: when run as root, the process loses the capabilities that let
    root write where permissions say no (setpriv), so read-only folders and files are
    read-only to it as to a secretary.
    """
    command = [sys.executable, "-m", "branchdesk", *args]
    if without_root_powers and os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRANCHDESK_HOME": str(home),
           "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory() as scratch:
        measures = Path(scratch) / "measures.json"
        out, err = Path(scratch) / "out", Path(scratch) / "err"
        with out.open("wb") as out_file, err.open("wb") as err_file:
            process = subprocess.Popen([sys.executable, "-c", _MEASURE, str(measures), *command],
                                       stdout=out_file, stderr=err_file, env=env, cwd=ROOT,
                                       start_new_session=True)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
                raise AssertionError(f"still running after {timeout} s: {args}") from None
        found = json.loads(measures.read_text())
        return Run(found["code"], out.read_text("utf-8", "replace"),
                   err.read_text("utf-8", "replace"), found["wall"], found["cpu"], found["mb"])


_MEASURE = """
import json, os, subprocess, sys, time
started = time.monotonic()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    json.dump({"code": child.returncode, "wall": time.monotonic() - started,
               "cpu": usage.ru_utime + usage.ru_stime, "mb": usage.ru_maxrss / 1024}, out)
"""


def can_drop_root_powers() -> bool:
    import shutil

    return os.geteuid() != 0 or shutil.which("setpriv") is not None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "(none)"


# ---------------------------------------------------------------- databases

def alter(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


# ---------------------------------------------------------------- workbooks, part by part

def workbook(path: Path, sheets: dict[str, bytes], *, styles: bytes | None = None,
             shared: bytes | None = None, hidden: set[str] = frozenset()) -> Path:
    """An .xlsx whose worksheets hold ``sheets`` (name -> the inside of <sheetData>)."""
    names = list(sheets)
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in range(1, len(names) + 1))
        + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
          'sharedStrings+xml"/></Types>')
    states = {name: ' state="hidden"' if name in hidden else "" for name in names}
    book = (f'<workbook {NS} xmlns:r="{REL_NS}"><sheets>'
            + "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"{states[name]}/>'
                      for i, name in enumerate(names, 1)) + "</sheets></workbook>")
    rels = (f'<Relationships xmlns="{PKG_NS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
            + f'<Relationship Id="rS" Type="{REL_NS}/styles" Target="styles.xml"/>'
              f'<Relationship Id="rT" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
              "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{PKG_NS}"><Relationship Id="r1" '
                         f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/styles.xml", styles or STYLES.format(
            extra=f'<cellStyles count="1">{NORMAL}</cellStyles>').encode())
        archive.writestr("xl/sharedStrings.xml", shared or f'<sst {NS} count="0"/>'.encode())
        for i, body in enumerate(sheets.values(), 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml",
                             f"<worksheet {NS}><sheetData>".encode() + body
                             + b"</sheetData></worksheet>")
    return path


def column(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def roster_rows(count: int = 3, first_row: int = 1, names=None) -> bytes:
    """A header and ``count`` valid members, as inline strings."""
    names = names or [f"张{i}" for i in range(count)]
    rows = [HEADER] + [[name, "男", idcard.make_valid(f"110105{19600101 + i % 28 + 100 * (i // 28 % 12):08d}"
                                                       f"{i % 1000:03d}"), "2001-07-01", "正式党员"]
                       for i, name in enumerate(names)]
    return b"".join(_row(first_row + r, values) for r, values in enumerate(rows))


def _row(number: int, values: list[str]) -> bytes:
    cells = "".join(f'<c r="{column(c)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for c, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'.encode()


def wide(path: Path, columns: int = 16_000, rows: int = 500) -> Path:
    """A roster, then ``rows`` rows of ``columns`` numbers (8 million cells)."""
    rng = random.Random(1)
    pool = [f"<c><v>{rng.randrange(10**6)}</v></c>" for _ in range(4096)]
    body = [roster_rows()]
    for number in range(5, rows + 5):
        body.append(f'<row r="{number}">{"".join(rng.choices(pool, k=columns))}</row>'.encode())
    return workbook(path, {"名册": b"".join(body)})


def empty_cells(path: Path, size: int = 11 * 2**20) -> Path:
    """A roster, then ``size`` bytes of formatted empty cells, rows of varying width."""
    rng = random.Random(2)
    body, number, total = [roster_rows()], 5, 0
    while total < size:
        cells = "".join(f'<c r="{column(c)}{number}" s="0"/>' for c in range(rng.randrange(20, 60)))
        row = f'<row r="{number}">{cells}</row>'.encode()
        body.append(row)
        total += len(row)
        number += 1
    return workbook(path, {"名册": b"".join(body)})


def dense_cells(path: Path, rows: int = 1750, per_row: int = 600) -> Path:
    """A roster, then 11 MB of the shortest cells (<c/>, <c s="1"/>, <c><v>1</v></c> …): under
    a per-part size limit, over a million cells."""
    rng = random.Random(5)
    tokens = ["<c/>", '<c s="1"/>', '<c s="2"/>', "<c><v>1</v></c>", '<c s="3"/>', "<c><v>7</v></c>"]
    body = [roster_rows()] + [f'<row r="{n}">{"".join(rng.choices(tokens, k=per_row))}</row>'.encode()
                              for n in range(5, 5 + rows)]
    return workbook(path, {"名册": b"".join(body)})


def sheet_elsewhere(path: Path) -> Path:
    """The 16,000-column sheet, stored as xl/data/s.xml: the relationships, not the name, make
    a part a worksheet, so limits by name do not see it."""
    wide(path, rows=400)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/data/s.xml"] = parts.pop("xl/worksheets/sheet1.xml")
    for name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        parts[name] = parts[name].replace(b"worksheets/sheet1.xml", b"data/s.xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def shared_strings(path: Path, size: int = 35 * 2**20) -> Path:
    """A roster whose workbook carries ``size`` bytes of distinct shared strings."""
    rng = random.Random(3)
    items, total = [], 0
    while total < size:
        item = f"<si><t>{rng.randrange(10**9)}</t></si>".encode()
        items.append(item)
        total += len(item)
    table = f'<sst {NS} count="{len(items)}">'.encode() + b"".join(items) + b"</sst>"
    return workbook(path, {"名册": roster_rows()}, shared=table)


def styles(path: Path, size: int = 4 * 2**20) -> Path:
    """A roster with ``size`` bytes of named cell styles (the costliest kind found)."""
    xfs, names, total, count = [], [], 0, 0
    while total < size:
        xfs.append('<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>')
        names.append(f'<cellStyle name="样式{count}" xfId="{count}"/>')
        total += len(xfs[-1]) + len(names[-1].encode())
        count += 1
    table = STYLES.format(extra=f'<cellStyles count="{count + 1}">{NORMAL}{"".join(names)}</cellStyles>')
    table = table.replace('<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
                          'borderId="0"/></cellStyleXfs>',
                          f'<cellStyleXfs count="{count}">{"".join(xfs)}</cellStyleXfs>')
    return workbook(path, {"名册": roster_rows()}, styles=table.encode())


def rows_of_members(path: Path, count: int) -> Path:
    """A title row, the header and ``count`` valid, distinct members."""
    title = _row(1, ["党员名册"])
    return workbook(path, {"名册": title + roster_rows(count, first_row=2,
                                                     names=[f"党员{i}" for i in range(count)])})


def hidden_and_visible(path: Path) -> Path:
    """A hidden sheet that looks more like a roster (more columns) than the visible one."""
    return workbook(path, {"旧名册": roster_rows(5, names=[f"旧{i}" for i in range(5)]),
                           "名册": roster_rows(1, names=["张三"])}, hidden={"旧名册"})


def invisible_rows(path: Path) -> Path:
    """One member, then rows that show nothing: zero-width spaces, BOMs, bidi marks."""
    junk = b"".join(_row(n, ["\u200b", "\ufeff", "\u202e", "\u2060", "\u200d"]) for n in range(3, 400))
    return workbook(path, {"名册": roster_rows(1) + junk})


def with_chart_sheet(path: Path) -> Path:
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    book = openpyxl.Workbook()
    data = book.active
    data.title = "名册"
    data.append(HEADER)
    data.append(["张三", "男", idcard.make_valid("11010519800101001"), "2001-07-01", "正式党员"])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=1, min_row=1, max_row=2))
    book.create_chartsheet("图表", 0).add_chart(chart)
    book.save(path)
    return path
