"""One data row of a roster -> a Member ready to save, or the reason it cannot be imported."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from branchdesk.core import members
from branchdesk.core.dates import add_years
from branchdesk.core.importing import cells
from branchdesk.core.members import LABELS, Member

DATE_FIELDS = ("birth_date", "join_date", "full_date", "branch_join_date")
_READERS = {"name": cells.name, "category": cells.category, "gender": cells.gender,
            "id_number": cells.id_text, **{f: cells.date_iso for f in DATE_FIELDS},
            "birth_date": cells.year_month_iso}  # 出生年月: completed from the ID number
# Shorter labels where the validation messages already use them ("身份证号校验位不正确").
_LABELS = {**LABELS, "group_name": "所在党小组", "id_number": "身份证号"}


@dataclass
class RowResult:
    """The outcome for one data row. ``row`` is the Excel row number the user sees.

    Accepted rows have ``member`` (validated and normalised; it carries the roll's ``id`` when
    ``existing`` is set) and possibly ``warnings``. Rejected rows have ``reason`` instead.
    ``group`` is the 党小组 name given in the file ("" when none).
    """

    row: int
    member: Member | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    existing: Member | None = None
    group: str = ""
    name: str = ""  # the name as the file gives it, also for a row that cannot be imported

    @property
    def accepted(self) -> bool:
        return self.member is not None and not self.reason

    def __str__(self) -> str:
        who = f"（{self.name}）" if self.name else ""
        return f"第{self.row}行{who}：{self.reason or '；'.join(self.warnings) or '可以导入'}"


@dataclass
class RowValues:
    """What a row says, field by field (blank cells left out), and what could not be read."""

    values: dict[str, object]
    errors: dict[str, str]
    raw: dict[str, object]


def read_values(cells_in_row: list[object], mapping: dict[int, str]) -> RowValues:
    """Read the mapped cells of one row; blank cells are left out of ``values``."""
    out = RowValues({}, {}, {})
    for index, name in mapping.items():
        raw = cells_in_row[index] if index < len(cells_in_row) else None
        if cells.is_blank(raw):
            continue
        out.raw[name] = raw
        try:
            value = _READERS.get(name, cells.text)(raw)
        except ValueError as exc:
            out.errors[name] = str(exc)
            continue
        if value not in (None, ""):
            out.values[name] = value
    return out


def build_row(row: int, read: RowValues, existing: Member | None, today: date) -> RowResult:
    """Validate one row with members.prepare(); merge it into ``existing`` when given."""
    values = dict(read.values)
    group = str(values.pop("group_name", ""))
    if existing:
        member, notes = _merged(existing, values)
    else:
        member, notes = _new_member(values, today)
    prepared, issues = members.prepare(member, today)
    errors = {**read.errors, **issues.errors}
    name = cells.text(read.raw["name"]) if "name" in read.raw else ""
    if errors:
        return RowResult(row, reason=_reason(errors, read), existing=existing, group=group,
                         name=name)
    prepared.group_name = group or prepared.group_name
    warnings = notes + [_labelled(k, v) for k, v in issues.warnings.items()]
    return RowResult(row, prepared, warnings=warnings, existing=existing, group=group,
                     name=prepared.name)


def _new_member(values: dict[str, object], today: date) -> tuple[Member, list[str]]:
    if "category" in values:
        return Member(**values), []
    category, note = _guess_category(values, today)
    return Member(**values, category=category), [note]


def _guess_category(values: dict[str, object], today: date) -> tuple[str, str]:
    """Missing 人员类别: 预备党员 when joined within the last year and not yet 转正."""
    join = values.get("join_date")
    if not values.get("full_date") and join and date.fromisoformat(join) > add_years(today, -1):
        return "预备党员", "未填写人员类别：入党未满一年且无转正日期，按预备党员导入"
    return "正式党员", "未填写人员类别，按正式党员导入"


def _merged(existing: Member, values: dict[str, object]) -> tuple[Member, list[str]]:
    """The roll's member with the file's non-blank values laid over it, and what to check.

    Being on the roll is not itself a note: ``RowResult.existing`` says so, and whether the
    row updates or skips is the importer's choice."""
    member = replace(existing, **values)
    notes = []
    if member.name != existing.name:
        notes.append(f"表中姓名“{member.name}”与名册中的“{existing.name}”不同，请核对身份证号")
    if "category" not in values and values.get("full_date") and existing.category == "预备党员":
        member.category = "正式党员"
        notes.append("表中有转正日期，人员类别改为正式党员")
    if not existing.active:
        notes.append(f"名册中此人状态为“{existing.status}”，导入不改变其状态")
    return member, notes


def _reason(errors: dict[str, str], read: RowValues) -> str:
    shown = cells.excel_mangled_id(read.raw.get("id_number"))
    if "id_number" in errors and shown:
        errors = {**errors, "id_number": (
            f"身份证号“{shown}”被 Excel 当成数字保存，末几位已丢失（数字只保留15位有效数字）。"
            "请把该列设为“文本”格式，重新录入完整的18位号码后再导入")}
    return "；".join(_labelled(k, v) for k, v in errors.items())


def _labelled(name: str, message: str) -> str:
    label = _LABELS.get(name, name)
    return message if label in message else f"{label}：{message}"
