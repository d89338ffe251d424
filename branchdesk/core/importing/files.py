"""Opening a roster workbook safely: sniff what the file really is, refuse what cannot be read.

Only .xlsx (openpyxl) and .xls (xlrd) are read, chosen by content rather than by the name, so a
real .xls renamed to .xlsx still opens. Everything that cannot be read raises ImportFileError
with a message that says what to do. Limits keep time and memory bounded on hostile files and
are checked before any parser runs: the file, the parts' sizes and ratio, and the XML elements
of all parts together (MAX_ELEMENTS); docs/safety.md lists the attacks tried.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import xlrd

from branchdesk.core.errors import BranchdeskError, ImportFileError
from branchdesk.core.text import clean

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
# Small members (styles, shared strings) legitimately compress very well; only large ones
# with extreme ratios are the signature of a zip bomb.
RATIO_CHECKED_FROM = 1024 * 1024
# Bounds on the parts openpyxl parses, measured on the 2-core CI machine so that any file is
# accepted or refused within 10 s and 500 MB (docs/safety.md): a sheet's XML parses at about
# 2 MB/s, shared strings at 1 MB/s (with 13 MB of memory per MB), styles at 1 MB/s. A real
# roster of a few thousand rows needs a fraction of each.
MAX_PART_BYTES = {"sheet": 12 * 2**20, "sharedStrings": 6 * 2**20, "styles": 2**20}
# Those bounds go by the usual part names, and bytes are not the cost: parts may be stored under
# any name (the relationships say which is a sheet), and 11 MB of the shortest cells (<c/>) is
# 1.3 million of them. What openpyxl's time follows is the number of XML elements it parses:
# about 100,000 a second here, through defusedxml. So the start tags of all parts together
# are counted while inflating them (bytes.count, C speed; stops at the limit) and bounded: a
# 20,000-row roster of 5 columns has about 320,000, and the worst 400,000 found take 4–6 s.
MAX_ELEMENTS = 400_000
_SCAN_CHUNK = 2**20
MAX_SHEET_ROWS = 100_000
MAX_DATA_ROWS = 20_000
HEADER_ROOM = 20  # title and header rows above the data (headers.HEADER_SCAN_ROWS)
MAX_COLUMNS = 200
# This many empty rows in a row is taken as the end of the data: sheets formatted far below the
# roster should not make us walk a million rows.
EMPTY_RUN_LIMIT = 1_000

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
SAVE_AS = "请在 Excel/WPS 中打开它，另存为 .xlsx 后重试。"


class Workbook:
    """An opened workbook: its sheet names and an iterator over each sheet's row values.

    ``sheet_names()`` lists the sheets that hold cells, the visible ones first: a hidden sheet
    (often an old copy or a lookup list) is taken only when no visible one looks like a roster.
    """

    hidden: set[str] = set()  # filled by sheet_names()

    def sheet_names(self) -> list[str]:
        raise NotImplementedError

    def iter_rows(self, sheet: str) -> Iterator[list[object]]:
        """Row values from row 1 down, one list per row (possibly empty), at most MAX_COLUMNS."""
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_workbook(path: Path | str) -> Workbook:
    """Open ``path`` as a workbook after checking it is safe and readable.

    Raises ImportFileError for anything that is not a readable .xlsx/.xls.
    """
    path = Path(path)
    head = _read_head(path)
    if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
        _check_zip(path)
        return _guarded(path, lambda: _XlsxBook(path))
    if head.startswith(OLE_MAGIC):
        data = path.read_bytes()
        if ENCRYPTED_STREAM in data:
            raise _encrypted(path)
        return _guarded(path, lambda: _XlsBook(path, data))
    raise _not_excel(path, head)


def _read_head(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError:
        raise ImportFileError(f"找不到文件“{path.name}”，请确认它没有被移动或删除。") from None
    except OSError as exc:
        raise ImportFileError(f"无法打开文件“{path.name}”：它可能正被 Excel/WPS 占用，"
                              "请关闭后重试。", detail=str(exc)) from exc
    _check_file_size(path, size)
    return head


def _check_file_size(path: Path, size: int) -> None:
    if size == 0:
        raise ImportFileError(f"文件“{path.name}”是空的（0 字节），可能没有保存完整。"
                              "请重新打开原表格，另存为 .xlsx 后重试。")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"文件“{path.name}”有 {size // 2**20} MB，远超党员名册的正常大小，"
                              "未读取。请只保留名册工作表，另存为 .xlsx 后重试。")


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_sizes(path, infos)
            _check_is_spreadsheet(path, {info.filename for info in infos})
            _check_elements(path, archive, infos)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError, zlib.error) as exc:
        # a flipped version byte ("zip file version 14.8"), an encrypted member (RuntimeError),
        # a member that does not inflate (zlib.error, or a CRC error once read)
        raise _damaged(path, exc) from exc


def _check_elements(path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook with more XML elements than MAX_ELEMENTS in all its parts, or with an
    XML part, under whatever name, larger than a sheet may be."""
    elements = 0
    for info in infos:
        counted, is_xml = _count_elements(archive, info, MAX_ELEMENTS - elements)
        elements += counted
        if elements > MAX_ELEMENTS or (is_xml and info.file_size > MAX_PART_BYTES["sheet"]):
            raise ImportFileError(
                f"文件“{path.name}”的内容太多（单元格、文字和格式合计超过 {MAX_ELEMENTS // 10_000} 万项），"
                "远超党员名册的正常规模，读取会非常慢，未读取。请在 Excel/WPS 中只保留名册所在的工作表"
                "和有内容的区域（删除多余的工作表、行、列和格式），另存为新的 .xlsx 后重试。")


def _count_elements(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int
                    ) -> tuple[int, bool]:
    """(start tags in the part, stopping once past ``limit``; whether it is XML at all).
    A tag cut between two chunks may be counted wrongly by one: a bound, not a census."""
    count, is_xml = 0, False
    with archive.open(info) as member:
        while count <= limit and (chunk := member.read(_SCAN_CHUNK)):
            if not count:
                is_xml = chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
            count += chunk.count(b"<") - chunk.count(b"</")
    return count, is_xml


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    # zipfile stops each member at its declared size, so checking the declared sizes bounds
    # what openpyxl can ever inflate.
    total = sum(info.file_size for info in infos)
    ratios = [info.file_size / max(info.compress_size, 1) for info in infos
              if info.file_size >= RATIO_CHECKED_FROM]
    if total > MAX_UNCOMPRESSED or any(r > MAX_RATIO for r in ratios):
        raise ImportFileError(
            f"文件“{path.name}”解压后过大（约 {total // 2**20} MB）或压缩比异常，"
            f"疑似损坏或被恶意构造，已拒绝读取。{SAVE_AS}")
    for info in infos:
        part = _part_kind(info.filename)
        if part and info.file_size > MAX_PART_BYTES[part]:
            raise ImportFileError(
                f"文件“{path.name}”中的{_PART_NAMES[part]}过大（约 {info.file_size / 2**20:.0f} MB），"
                "远超党员名册的正常规模，未读取。请在 Excel/WPS 中只保留名册所在的区域"
                "（删除多余的行、列和格式），另存为新的 .xlsx 后重试。")


_PART_NAMES = {"sheet": "工作表", "sharedStrings": "文字内容表", "styles": "格式表"}


def _part_kind(name: str) -> str | None:
    """Which bounded part of a workbook a zip member is, if any."""
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return "sheet"
    if name == "xl/sharedStrings.xml":
        return "sharedStrings"
    if name == "xl/styles.xml":
        return "styles"
    return None


def _check_is_spreadsheet(path: Path, names: set[str]) -> None:
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return
    if "content.xml" in names:
        raise ImportFileError(f"文件“{path.name}”是 WPS/LibreOffice 的 ODS 表格，不能直接读取。"
                              f"{SAVE_AS}")
    raise ImportFileError(f"文件“{path.name}”是压缩包或 Word/PowerPoint 文档，不是 Excel 工作簿。"
                          f"{SAVE_AS}")


def _guarded(path: Path, opener) -> Workbook:
    try:
        return opener()
    except BranchdeskError:
        raise
    except Exception as exc:  # noqa: BLE001 — parsers of untrusted files raise anything
        raise _damaged(path, exc) from exc


def _damaged(path: Path, exc: BaseException) -> ImportFileError:
    return ImportFileError(f"文件“{path.name}”不完整或已损坏（可能复制或下载时中断），无法读取。"
                           "请重新获取原文件，或在 Excel/WPS 中打开它，另存为 .xlsx 后重试。",
                           detail=f"{type(exc).__name__}: {exc}")


def _encrypted(path: Path) -> ImportFileError:
    return ImportFileError(f"文件“{path.name}”设置了打开密码，无法读取。请在 Excel/WPS 中打开它，"
                           "取消密码（文件→信息→保护工作簿/文档加密）后另存为 .xlsx 再导入。")


def _not_excel(path: Path, head: bytes) -> ImportFileError:
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        what = "实际上是网页（HTML）或 XML 格式，只是扩展名像 Excel"
    elif _looks_like_text(head):
        what = "是文本（CSV）格式，不是 Excel 工作簿"
    else:
        what = "不是 Excel 工作簿（.xlsx 或 .xls）"
    return ImportFileError(f"文件“{path.name}”{what}，无法导入。{SAVE_AS}")


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return bool(decoded) and not re.search(r"[\x00-\x08\x0e-\x1f]", decoded)
    return False


# ---------------------------------------------------------------- .xlsx

class _XlsxBook(Workbook):
    def __init__(self, path: Path):
        # A file object, not the path: openpyxl refuses paths whose extension is not .xlsx,
        # and the content has already been checked.
        self._handle = path.open("rb")
        self._path = path
        try:
            self._book = openpyxl.load_workbook(self._handle, read_only=True, data_only=True)
        except BaseException:
            self._handle.close()
            raise

    def sheet_names(self) -> list[str]:
        """Sheets holding cells (chart sheets have none), visible ones first."""
        sheets = self._book.worksheets
        self.hidden = {ws.title for ws in sheets if ws.sheet_state != "visible"}
        return _visible_first([(ws.title, ws.title not in self.hidden) for ws in sheets])

    def iter_rows(self, sheet: str) -> Iterator[list[object]]:
        worksheet = self._book[sheet]
        declared = worksheet.max_row or 0
        if declared > MAX_SHEET_ROWS:
            raise _too_many_rows(sheet, declared)
        # The declared size is sometimes wrong (some generators write "A1"); read what is there.
        worksheet.reset_dimensions()
        try:
            # No max_col: openpyxl would pad every row to that width (200 values for a roster
            # of 5 columns, 40 times the work below); a row is as wide as its last cell.
            for values in worksheet.iter_rows(values_only=True):
                yield list(values[:MAX_COLUMNS])
        except BranchdeskError:
            raise
        except Exception as exc:  # noqa: BLE001 — damaged sheet XML raises anything
            raise _damaged(self._path, exc) from exc

    def close(self) -> None:
        self._book.close()
        self._handle.close()


def too_many_data_rows(sheet: str, rows: int) -> ImportFileError:
    return ImportFileError(f"工作表“{sheet}”表头下有 {rows} 行数据，超过一次最多导入 {MAX_DATA_ROWS} 行的"
                           "上限，未读取。请把名册分成几个文件分别导入。")


def _too_many_rows(sheet: str, rows: int) -> ImportFileError:
    return ImportFileError(f"工作表“{sheet}”有 {rows} 行，远超党员名册的规模，未读取。"
                           "请只保留名册所在的区域，另存为 .xlsx 后重试。")


# ---------------------------------------------------------------- .xls

class _Discard:
    """xlrd's log: its warnings about damaged files would otherwise go to stdout."""

    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


class _XlsBook(Workbook):
    def __init__(self, path: Path, data: bytes):
        self._path = path
        try:
            # ragged_rows: one cell at row 65536, column 256 must not make xlrd pad every row
            # to full width (150 MB from a 6 KB file).
            self._book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True,
                                            logfile=_Discard())
        except xlrd.XLRDError as exc:
            if "encrypted" in str(exc).lower():
                raise _encrypted(path) from exc
            if "workbook" in str(exc).lower():  # an OLE file without a workbook: .doc, .msg…
                raise _not_excel(path, b"\0") from exc
            raise

    def sheet_names(self) -> list[str]:
        """Visible sheets first, read from the workbook's sheet list (loading a sheet could fail:
        xlrd reads sheets lazily). Visibility 0 is visible."""
        names = list(self._book.sheet_names())
        visibility = getattr(self._book, "_sheet_visibility", None) or [0] * len(names)
        self.hidden = {name for name, v in zip(names, visibility) if v != 0}
        return _visible_first([(name, name not in self.hidden) for name in names])

    def iter_rows(self, sheet: str) -> Iterator[list[object]]:
        try:
            yield from self._rows(sheet)
        except BranchdeskError:
            raise
        except Exception as exc:  # noqa: BLE001 — xlrd reads the sheet lazily, here; a damaged
            raise _damaged(self._path, exc) from exc  # one raises anything (struct.error, …)

    def _rows(self, sheet: str) -> Iterator[list[object]]:
        worksheet = self._book.sheet_by_name(sheet)
        if worksheet.nrows > MAX_SHEET_ROWS:
            raise _too_many_rows(sheet, worksheet.nrows)
        width = min(worksheet.ncols, MAX_COLUMNS)
        for index in range(worksheet.nrows):
            cells = worksheet.row_slice(index, 0, width)
            yield [_xls_value(cell, self._book.datemode) for cell in cells]

    def close(self) -> None:
        self._book.release_resources()


def _xls_value(cell: xlrd.sheet.Cell, datemode: int) -> object:
    """xlrd's typed cell as the Python value openpyxl would give for it."""
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        return _xls_date(cell.value, datemode)
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    return cell.value


def _xls_date(value: float, datemode: int) -> object:
    try:
        return xlrd.xldate.xldate_as_datetime(value, datemode)
    except (xlrd.xldate.XLDateError, ValueError, OverflowError):
        return value


def _visible_first(sheets: list[tuple[str, bool]]) -> list[str]:
    return [name for name, visible in sheets if visible] + [
        name for name, visible in sheets if not visible]


# ---------------------------------------------------------------- reading whole sheets

def read_rows(book: Workbook, sheet: str, limit: int | None = None) -> list[list[object]]:
    """The sheet's rows from Excel row 1 (index 0), trailing empty rows dropped.

    With ``limit``, only the first ``limit`` rows. Reading stops after EMPTY_RUN_LIMIT empty
    rows in a row; more non-empty rows than MAX_DATA_ROWS plus room for titles and a header
    raises ImportFileError (the exact data-row limit is checked once the header is known).
    """
    rows: list[list[object]] = []
    filled = empty_run = 0
    for values in book.iter_rows(sheet):
        if limit is not None and len(rows) >= limit:
            break
        empty_run = 0 if any(is_filled(v) for v in values) else empty_run + 1
        if empty_run >= EMPTY_RUN_LIMIT:
            break
        filled += empty_run == 0
        if filled > MAX_DATA_ROWS + HEADER_ROOM:
            raise _too_many_rows(sheet, filled)
        rows.append(_trim_cells(values))
    return _trim(rows)


def is_filled(value: object) -> bool:
    """Something shows in the cell: not None, not only spaces or invisible format characters
    (a row of zero-width spaces is an empty row, not a member without a name)."""
    return value is not None and not (isinstance(value, str) and not clean(value).strip())


def _trim_cells(values: list[object]) -> list[object]:
    end = len(values)
    while end and not is_filled(values[end - 1]):
        end -= 1
    return values[:end]


def _trim(rows: list[list[object]]) -> list[list[object]]:
    while rows and not rows[-1]:
        rows.pop()
    return rows

