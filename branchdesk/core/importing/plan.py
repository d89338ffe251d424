"""The import itself: read a sheet, plan every row, then write the plan in one transaction.

The steps are separate so the UI can show the plan, let the user correct the header row or
the column mapping, plan again from the same Table without rereading the file, and only then
write.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from branchdesk.core.db import Database

from branchdesk.core import branch, idcard, members
from branchdesk.core.db import ensure_writable
from branchdesk.core.errors import ImportFileError, ValidationError
from branchdesk.core.importing import cells
from branchdesk.core.importing import files
from branchdesk.core.importing.files import SAVE_AS, Workbook, open_workbook, read_rows
from branchdesk.core.importing.headers import (FIELDS, HEADER_SCAN_ROWS, Header, detect_header,
                                                guess_mapping, header_at, score)
from branchdesk.core.importing.rows import RowResult, build_row, read_values
from branchdesk.core.members import Member

_FOOTER = re.compile(r"^(填表|制表|填报|审核|审批|负责人|联系人|统计|日期|注|说明|备注|合计|共计|总计|以上)")


@dataclass
class Table:
    """One worksheet's cell values: ``rows[i]`` is Excel row ``i + 1``."""

    source: str  # the file name, for messages
    sheet: str
    sheet_names: list[str]  # the worksheets, visible ones first
    rows: list[list[object]] = field(repr=False)
    hidden_sheets: set[str] = field(default_factory=set)  # hidden in Excel/WPS


@dataclass
class ImportPlan:
    """What an import would do, row by row; nothing has been written.

    ``mapping`` maps 0-based column indexes to field names (see headers.FIELDS). ``rows`` has
    one RowResult per data row; ``ignored`` lists (Excel row, why) for rows passed over on
    purpose: footer notes, repeated headers, 党小组 titles. Blank rows are not listed.
    """

    table: Table = field(repr=False)
    header: Header
    mapping: dict[int, str]
    rows: list[RowResult] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)

    @property
    def unmapped(self) -> list[int]:
        """Columns with a title that are not imported."""
        return [i for i, title in enumerate(self.header.titles) if title and i not in self.mapping]

    @property
    def accepted(self) -> list[RowResult]:
        return [r for r in self.rows if r.accepted]

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if not r.accepted]


@dataclass
class ImportResult:
    """What apply() wrote. ``skipped`` counts members already on the roll left as they were;
    ``warned`` the rows written (added or updated) that came with warnings to check."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: list[RowResult] = field(default_factory=list)
    warned: int = 0

    def summary(self) -> str:
        """已导入 12 人（新增 10 人，更新 2 人），其中 3 行有提示，… — for the window and the CLI."""
        text = f"已导入 {self.added + self.updated} 人（新增 {self.added} 人，更新 {self.updated} 人）"
        if self.warned:
            text += f"，其中 {self.warned} 行有提示，请在党员名册中核对这些人的信息"
        text += "。"
        if self.skipped:
            text += f"跳过名册中已有的 {self.skipped} 人（保持不变）。"
        if self.rejected:
            text += f"另有 {len(self.rejected)} 行不能导入，未写入。"
        return text


# ---------------------------------------------------------------- reading

def read_table(path: Path | str, sheet: str | None = None,
               lookup: dict[str, str] | None = None) -> Table:
    """Read one sheet of a roster workbook (.xlsx or .xls, told apart by content).

    Without ``sheet``, the sheet whose first rows look most like a roster header (or, with
    ``lookup``, a header of that vocabulary: headers.make_lookup) is read.
    Raises ImportFileError when the file cannot be read.
    """
    with open_workbook(path) as book:
        names = book.sheet_names()
        if not names:
            raise ImportFileError(f"文件“{Path(path).name}”中没有工作表。{SAVE_AS}")
        chosen = sheet if sheet is not None else _likeliest_sheet(book, names, lookup)
        if chosen not in names:
            raise ImportFileError(f"文件中没有名为“{chosen}”的工作表。")
        return Table(Path(path).name, chosen, names, read_rows(book, chosen), set(book.hidden))


def _likeliest_sheet(book: Workbook, names: list[str], lookup: dict[str, str] | None) -> str:
    """The best-scoring visible sheet that has a header at all, else the best-scoring sheet."""
    def header_score(name: str) -> int:
        rows = read_rows(book, name, limit=HEADER_SCAN_ROWS)
        return score(detect_header(rows, lookup=lookup), lookup)
    scores = {name: header_score(name) for name in names}
    visible = [name for name in names if name not in book.hidden and scores[name] > 0]
    return max(visible or names, key=lambda name: scores[name])


# ---------------------------------------------------------------- planning

def plan_file(db: Database, path: Path | str, *, sheet: str | None = None, **options) -> ImportPlan:
    """read_table() then build_plan(); ``options`` are build_plan's keyword arguments."""
    return build_plan(db, read_table(path, sheet), **options)


def build_plan(db: Database, table: Table, *, header_row: int | None = None,
               header_height: int = 1, mapping: dict[int, str] | None = None,
               today: date | None = None) -> ImportPlan:
    """Check every data row of ``table`` against the roll; writes nothing.

    ``header_row`` (1-based) and ``header_height`` override the detected header; ``mapping``
    (0-based column -> field name from headers.FIELDS) overrides the guessed one. Raises
    ImportFileError when no header can be found, ValidationError for an unusable mapping.
    """
    header = _header(table, header_row, header_height)
    _check_data_rows(table, header)
    mapping = dict(guess_mapping(header.titles) if mapping is None else mapping)
    check_mapping(mapping)
    plan = ImportPlan(table, header, mapping)
    _Planner(db, plan, today or date.today()).run()
    return plan


def _check_data_rows(table: Table, header: Header) -> None:
    data = sum(1 for row in table.rows[header.data_row - 1:] if any(files.is_filled(v) for v in row))
    if data > files.MAX_DATA_ROWS:
        raise files.too_many_data_rows(table.sheet, data)


def _header(table: Table, row: int | None, height: int) -> Header:
    if row is not None:
        if not 1 <= row <= len(table.rows) or height not in (1, 2):
            raise ValidationError({"header_row": f"表头行号应在 1 到 {len(table.rows)} 之间"})
        return header_at(table.rows, row, height)
    found = detect_header(table.rows)
    if found is None:
        raise ImportFileError(
            f"在工作表“{table.sheet}”的前{HEADER_SCAN_ROWS}行中没有找到表头（如“姓名”“身份证号”）。"
            "请确认这是党员名册，或指定表头所在的行后重试。")
    return found


def check_mapping(mapping: dict[int, str]) -> None:
    """Raise ValueError for unknown fields or columns, ValidationError for what the user must fix:
    a field taken by two columns, or no 姓名 column."""
    unknown = [f for f in mapping.values() if f not in FIELDS]
    if unknown or any(not isinstance(i, int) or i < 0 for i in mapping):
        raise ValueError(f"bad mapping: {mapping!r}")
    chosen = list(mapping.values())
    for name in dict.fromkeys(chosen):
        if chosen.count(name) > 1:
            raise ValidationError({"mapping": f"“{FIELDS[name]}”只能对应一列，请检查列对应"})
    if "name" not in chosen:
        raise ValidationError({"mapping": "没有找到“姓名”列，请在列对应中指定哪一列是姓名"})


class _Planner:
    """Walks the data rows once, remembering ID numbers seen and the current 党小组 title."""

    def __init__(self, db: Database, plan: ImportPlan, today: date):
        self.plan, self.today = plan, today
        roll = members.list_members(db, include_left=True)
        self.by_id = {m.id_number: m for m in roll if m.id_number}
        self.names = {m.name for m in roll}
        self.seen: dict[str, int] = {}
        self.group = ""

    def run(self) -> None:
        rows = self.plan.table.rows
        for index in range(self.plan.header.data_row - 1, len(rows)):
            self.visit(index + 1, rows[index])

    def visit(self, number: int, row: list[object]) -> None:
        why = self.passed_over(row)
        if why is None:
            self.plan.rows.append(self.check(number, row))
        elif why:
            self.plan.ignored.append((number, why))

    def passed_over(self, row: list[object]) -> str | None:
        """None for a data row, "" for a blank one, else why the row is not data."""
        filled = [cells.text(v) for v in row if not cells.is_blank(v)]
        if _is_group_title(filled):
            self.group = _squeeze(filled[0])
            return "党小组标题"
        if _is_footer(filled):
            return "表尾说明"
        if all(cells.is_blank(row[i]) for i in self.plan.mapping if i < len(row)):
            return ""
        if self._repeats_header(row):
            return "重复的表头"
        return None

    def _repeats_header(self, row: list[object]) -> bool:
        titles = self.plan.header.titles
        return all(cells.text(row[i]) == titles[i] for i in self.plan.mapping
                   if i < len(row) and i < len(titles))

    def check(self, number: int, row: list[object]) -> RowResult:
        read = read_values(row, self.plan.mapping)
        if self.group:
            read.values.setdefault("group_name", self.group)
        key = idcard.normalise(read.values.get("id_number") or "")
        result = build_row(number, read, self.by_id.get(key) if key else None, self.today)
        self._check_duplicate(result, key)
        if not key and result.accepted:
            result.warnings.append(self._no_id_note(result.member))
        return result

    def _check_duplicate(self, result: RowResult, key: str) -> None:
        if not key:
            return
        if key not in self.seen:
            self.seen[key] = result.row
            return
        note = f"身份证号与第{self.seen[key]}行重复，同一人不能导入两次"
        result.reason = f"{result.reason}；{note}" if result.reason else note
        result.member = None

    def _no_id_note(self, member: Member) -> str:
        if member.name in self.names:
            return f"未填写身份证号，且名册中已有同名党员“{member.name}”，导入后可能重复"
        return "未填写身份证号，无法核对是否与名册中已有党员重复"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _is_group_title(filled: list[str]) -> bool:
    return len(filled) == 1 and _squeeze(filled[0]).endswith("党小组")


def _is_footer(filled: list[str]) -> bool:
    first = _squeeze(filled[0]) if filled else ""
    if len(filled) <= 3 and _FOOTER.match(first):
        return True
    return len(filled) == 1 and ":" in first


# ---------------------------------------------------------------- writing

def apply(db: Database, plan: ImportPlan, *, update_existing: bool,
          skip_rejected: bool = False, today: date | None = None) -> ImportResult:
    """Write the plan's accepted rows inside one transaction: all of them, or none.

    Members already on the roll (same ID number) are updated with the file's non-blank values,
    keeping their id and every other field, when ``update_existing``; otherwise left as they
    are and counted as skipped. 党小组 named in the file are created when missing.

    A plan with rejected rows is refused (ValidationError, nothing written) unless
    ``skip_rejected``: the CLI never sets it; the UI sets it only after the user explicitly
    chose to import the accepted rows and leave the rejected ones out. Any failure while
    writing rolls everything back and raises, naming the Excel row.
    """
    ensure_writable(db)
    if plan.rejected and not skip_rejected:
        raise ValidationError({"rows": _refusal(plan.rejected)})
    result = ImportResult(rejected=plan.rejected)
    with db.atomic():
        for row in plan.accepted:
            outcome = _write_row(db, row, update_existing, today)
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.warned += bool(row.warnings) and outcome != "skipped"
    return result


def _refusal(rejected: list[RowResult]) -> str:
    return (f"有 {len(rejected)} 行未通过检查（如{rejected[0]}），没有导入任何数据。"
            "请修改表格后重新导入。")


def _write_row(db: Database, row: RowResult, update_existing: bool, today: date | None) -> str:
    """Save one accepted row; returns the ImportResult counter it adds to."""
    if row.existing and not update_existing:
        return "skipped"
    member = replace(row.member)
    if row.group:
        member.group_id = branch.ensure_group(db, row.group)
    try:
        if row.existing:
            members.update(db, member, today=today)
            return "updated"
        members.add(db, member, today=today)
        return "added"
    except ValidationError as exc:
        raise ValidationError(exc.fields, f"第{row.row}行：{exc}。没有导入任何数据。") from exc
