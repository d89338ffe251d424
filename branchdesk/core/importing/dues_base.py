"""Import a year's 党费计算基数 from the finance office's Excel: the roster importer's reading,
header detection (with its own column names), preview and all-or-nothing writing.

Each row names a member by 身份证号 and/or 姓名 and gives a 基数 (or 工资收入), optionally a
交纳类别 and the date it applies from (default 1 January of the year). A name matching two
members, with no ID number to tell them apart, is rejected as ambiguous. Nothing is written
unless every row passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from branchdesk.core import dues, idcard, members
from branchdesk.core.db import Database, ensure_writable
from branchdesk.core.dues import Base
from branchdesk.core.errors import ImportFileError, ValidationError
from branchdesk.core.importing import cells
from branchdesk.core.importing.headers import (HEADER_SCAN_ROWS, Header, detect_header,
                                               guess_mapping, header_at, make_lookup)
from branchdesk.core.importing.plan import Table, _is_footer, _refusal, read_table
from branchdesk.core.members import Member

FIELDS = {"name": "姓名", "id_number": "身份证号", "base": "计算基数", "category": "交纳类别",
          "start_date": "执行日期", "note": "备注"}
_SYNONYMS = {
    "name": ("姓名", "党员姓名", "名字"),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "身份证", "公民身份证号码",
                  "公民身份证号", "身份证件号码", "证件号码"),
    "base": ("计算基数", "基数", "党费基数", "党费计算基数", "交纳基数", "缴纳基数", "工资收入",
             "月工资收入", "税后工资收入", "税后月工资", "月工资", "税后工资", "工资",
             "离退休费", "养老金", "月收入", "收入"),
    "category": ("交纳类别", "缴纳类别", "党费类别", "交纳类型", "人员类型"),
    "start_date": ("执行日期", "起始日期", "生效日期", "执行时间", "起始年月", "执行年月",
                   "开始日期"),
    "note": ("备注",),
}
LOOKUP = make_lookup(_SYNONYMS)


@dataclass
class BaseRow:
    """One data row: the matched member and the Base to write, or why it cannot be."""

    row: int
    name: str = ""
    member: Member | None = None
    base: Base | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    existing: bool = False  # the member already has a base from that date

    @property
    def accepted(self) -> bool:
        return self.base is not None and not self.reason

    def __str__(self) -> str:
        who = f"（{self.name}）" if self.name else ""
        return f"第{self.row}行{who}：{self.reason or '；'.join(self.warnings) or '可以导入'}"


@dataclass
class BasePlan:
    table: Table = field(repr=False)
    header: Header
    mapping: dict[int, str]
    year: int
    rows: list[BaseRow] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)

    @property
    def accepted(self) -> list[BaseRow]:
        return [r for r in self.rows if r.accepted]

    @property
    def rejected(self) -> list[BaseRow]:
        return [r for r in self.rows if not r.accepted]


@dataclass
class BaseResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0

    def summary(self) -> str:
        text = f"已导入 {self.added + self.updated} 人的党费计算基数（新增 {self.added}，更新 {self.updated}）。"
        if self.skipped:
            text += f"跳过已有同日基数的 {self.skipped} 人（保持不变）。"
        return text


def plan_file(db: Database, path: Path | str, year: int, *, sheet: str | None = None,
              header_row: int | None = None, mapping: dict[int, str] | None = None) -> BasePlan:
    """Read ``path`` and check every row; writes nothing. ImportFileError when the file or its
    header cannot be read; ValidationError for an unusable mapping."""
    return build_plan(db, read_table(path, sheet, LOOKUP), year, header_row=header_row,
                      mapping=mapping)


def build_plan(db: Database, table: Table, year: int, *, header_row: int | None = None,
               mapping: dict[int, str] | None = None) -> BasePlan:
    header = header_at(table.rows, header_row) if header_row else \
        detect_header(table.rows, lookup=LOOKUP)
    if header is None:
        raise ImportFileError(
            f"在工作表“{table.sheet}”的前{HEADER_SCAN_ROWS}行中没有找到表头（如“姓名”“基数”）。"
            "请确认这是财务部门提供的工资收入表，或指定表头所在的行后重试。")
    mapping = dict(guess_mapping(header.titles, LOOKUP) if mapping is None else mapping)
    _check_mapping(mapping)
    plan = BasePlan(table, header, mapping, year)
    _Planner(db, plan).run()
    return plan


def _check_mapping(mapping: dict[int, str]) -> None:
    chosen = list(mapping.values())
    if any(f not in FIELDS for f in chosen):
        raise ValueError(f"bad mapping: {mapping!r}")
    for name in dict.fromkeys(chosen):
        if chosen.count(name) > 1:
            raise ValidationError({"mapping": f"“{FIELDS[name]}”只能对应一列，请检查列对应"})
    if "name" not in chosen and "id_number" not in chosen:
        raise ValidationError({"mapping": "没有找到“姓名”或“身份证号”列，请指定哪一列是姓名"})
    if "base" not in chosen and "category" not in chosen:
        raise ValidationError({"mapping": "没有找到“基数”（或“工资收入”）列，请指定哪一列是计算基数"})


class _Planner:
    def __init__(self, db: Database, plan: BasePlan):
        self.plan = plan
        everyone = members.list_members(db, include_left=True)
        self.by_id = {m.id_number: m for m in everyone if m.id_number}
        self.by_name: dict[str, list[Member]] = {}
        for m in everyone:
            self.by_name.setdefault(m.name, []).append(m)
        self.bases = {m.id: dues.bases(db, m.id) for m in everyone}
        self.seen: dict[int, int] = {}

    def run(self) -> None:
        rows = self.plan.table.rows
        for index in range(self.plan.header.data_row - 1, len(rows)):
            row = rows[index]
            filled = [cells.text(v) for v in row if not cells.is_blank(v)]
            if _is_footer(filled):
                self.plan.ignored.append((index + 1, "表尾说明"))
            elif all(cells.is_blank(row[i]) for i in self.plan.mapping if i < len(row)):
                continue
            else:
                self.plan.rows.append(self.check(index + 1, row))

    def check(self, number: int, row: list[object]) -> BaseRow:
        value = {f: (row[i] if i < len(row) else None) for i, f in self.plan.mapping.items()}
        out = BaseRow(number, cells.name(value.get("name")))
        try:
            out.member = self._member(out.name, cells.id_text(value.get("id_number")))
            out.base = self._base(out.member, value, out.warnings)
        except ValueError as exc:
            out.reason, out.base = str(exc), None
            return out
        if out.member.id in self.seen:
            out.reason = f"与第{self.seen[out.member.id]}行是同一名党员，同一人不能导入两次"
            out.base = None
            return out
        self.seen[out.member.id] = number
        out.existing = any(b.start_date == out.base.start_date for b in self.bases[out.member.id])
        return out

    def _member(self, name: str, id_text: str) -> Member:
        key = idcard.normalise(id_text) if id_text else ""
        if key:
            found = self.by_id.get(key)
            if found is None:
                raise ValueError("名册中没有这个身份证号的党员")
            if name and found.name != name:
                raise ValueError(f"身份证号属于名册中的“{found.name}”，与姓名不符")
            return found
        if not name:
            raise ValueError("没有姓名或身份证号")
        named = self.by_name.get(name, [])
        on_roll = [m for m in named if m.active] or named
        if not on_roll:
            raise ValueError("名册中没有这名党员")
        if len(on_roll) > 1:
            raise ValueError(f"名册中有 {len(on_roll)} 名党员叫“{name}”，请在表格中填写身份证号以区分")
        return on_roll[0]

    def _base(self, member: Member, value: dict, warnings: list[str]) -> Base:
        year = self.plan.year
        category = self._category(member, value.get("category"), warnings)
        raw = value.get("base")
        base_fen = None if cells.is_blank(raw) else dues.parse_yuan(cells.text(raw))
        if category in dues.RATED and base_fen is None:
            raise ValueError(f"{category}党员须填写计算基数")
        start = f"{year}-01-01"
        if not cells.is_blank(value.get("start_date")):
            start = cells.date_iso(value.get("start_date")) or start
            if not start.startswith(str(year)):
                raise ValueError(f"执行日期 {start} 不在 {year} 年")
        if base_fen is not None and category in dues.RATED and base_fen < 100000:
            warnings.append(f"计算基数 {dues.yuan(base_fen)} 元偏低，请核对是否为月收入")
        note = cells.text(value.get("note"))
        return dues.check_base(Base(member.id, start, category,
                                    base_fen if category in dues.RATED else None, note=note))

    def _category(self, member: Member, raw: object, warnings: list[str]) -> str:
        text = "".join(cells.text(raw).split())
        if text:
            category = dues.CATEGORY_ALIASES.get(text, text)
            if category not in dues.CATEGORIES:
                raise ValueError(f"交纳类别“{text}”无法识别，应为：{'、'.join(dues.CATEGORIES)}")
            return category
        known = self.bases[member.id]
        if known:
            return known[-1].category
        warnings.append("未填写交纳类别，按在职党员计算")
        return dues.WORKING


def apply(db: Database, plan: BasePlan, *, update_existing: bool) -> BaseResult:
    """Write every accepted row in one transaction; refused (ValidationError, nothing written)
    when any row was rejected. A member who already has a base from the same date is updated
    with ``update_existing``, else skipped."""
    ensure_writable(db)
    if plan.rejected:
        raise ValidationError({"rows": _refusal(plan.rejected)})
    result = BaseResult()
    with db.atomic():
        for row in plan.accepted:
            if row.existing and not update_existing:
                result.skipped += 1
                continue
            dues.upsert_base(db, row.base)
            result.updated += row.existing
            result.added += not row.existing
    return result
