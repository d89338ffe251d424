"""Finding the header row of a roster and mapping its columns to Member fields."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import zip_longest

from openpyxl.utils import get_column_letter

HEADER_SCAN_ROWS = 20

# Importable fields and the label the UI shows for each. "group_name" carries the 党小组 by
# name; the group is created on import if the branch does not have it yet.
FIELDS: dict[str, str] = {
    "name": "姓名", "gender": "性别", "ethnicity": "民族", "id_number": "公民身份号码",
    "birth_date": "出生日期", "native_place": "籍贯", "education": "学历",
    "category": "人员类别", "group_name": "所在党小组", "join_date": "入党日期",
    "full_date": "转正日期", "branch_join_date": "转入本支部日期", "job": "工作岗位/职务",
    "party_post": "党内职务", "phone": "联系电话", "address": "家庭住址",
    "introducers": "入党介绍人", "mobile_destination": "外出流向", "notes": "备注",
}

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名", "名字"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "身份证", "公民身份证号码",
                  "公民身份证号", "身份证件号码", "证件号码"),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "出生时间", "生日"),
    "native_place": ("籍贯",),
    "education": ("学历", "文化程度", "最高学历"),
    "category": ("人员类别", "党员类别", "类别", "党员类型"),
    "group_name": ("党小组", "所在党小组", "所属党小组"),
    "join_date": ("入党日期", "入党时间", "加入党组织日期", "入党年月", "入党年月日"),
    "full_date": ("转正日期", "转为正式党员日期", "转正时间", "转正年月"),
    "branch_join_date": ("转入本支部日期", "转入日期", "转入时间"),
    "job": ("工作岗位", "职务", "工作单位及职务", "工作岗位/职务", "工作单位及职务/岗位",
            "现任职务", "岗位", "单位职务"),
    "party_post": ("党内职务",),
    "phone": ("联系电话", "手机", "手机号", "电话", "手机号码", "联系方式", "电话号码"),
    "address": ("家庭住址", "住址", "家庭地址", "现住址", "居住地址", "现居住地"),
    "introducers": ("入党介绍人", "介绍人"),
    "mobile_destination": ("外出流向",),
    "notes": ("备注",),
}


def normalise_title(text: object) -> str:
    """Header text reduced for matching: full-width to ASCII, no spaces, asterisks or colon."""
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"[\s*]", "", folded).rstrip(":")


def make_lookup(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised header text -> field, for a table of field -> the titles that name it. The
    roster's is the default everywhere; another import (党费基数) passes its own."""
    return {normalise_title(name): f for f, names in synonyms.items() for name in names}


_LOOKUP = make_lookup(_SYNONYMS)


def field_for(title: object, lookup: dict[str, str] | None = None) -> str | None:
    """The Member field a header names, or None. Hints in brackets are ignored:
    “出生日期（YYYY-MM-DD）” is 出生日期."""
    lookup = _LOOKUP if lookup is None else lookup
    key = re.sub(r"\(.*?\)|【.*?】", "", normalise_title(title))
    if key in lookup or not key:
        return lookup.get(key)
    # “手机/电话”: the first part that names a field
    return next((lookup[part] for part in key.split("/") if part in lookup), None)


def guess_mapping(titles: list[str], lookup: dict[str, str] | None = None) -> dict[int, str]:
    """Column index (0-based) -> field, for every recognised title; the first column wins."""
    mapping: dict[int, str] = {}
    for index, title in enumerate(titles):
        found = field_for(title, lookup)
        if found and found not in mapping.values():
            mapping[index] = found
    return mapping


def column_name(index: int) -> str:
    """Excel's letter for a 0-based column index: 0 -> "A"."""
    return get_column_letter(index + 1)


@dataclass(frozen=True)
class Header:
    """Where the header is: ``row`` is the 1-based Excel row of its first line, ``height`` 1 or
    2 lines; ``titles`` holds one display title per column. Data starts at ``data_row``."""

    row: int
    height: int
    titles: list[str]

    @property
    def data_row(self) -> int:
        return self.row + self.height


def header_at(rows: list[list[object]], row: int, height: int = 1,
              lookup: dict[str, str] | None = None) -> Header:
    """The header read from Excel row ``row`` (1-based) spanning ``height`` lines (1 or 2)."""
    top = _cells(rows, row - 1)
    titles = _two_line_titles(top, _cells(rows, row), lookup) if height == 2 else top
    return Header(row, height, titles)


def detect_header(rows: list[list[object]], scan: int = HEADER_SCAN_ROWS,
                  lookup: dict[str, str] | None = None) -> Header | None:
    """The most likely header among the first ``scan`` rows: the one naming the most fields.

    Title rows above and merged cells are passed over. A two-line header (a merged group title
    over sub-titles) is chosen only when it names more fields than either line alone. None when
    no row names at least two fields.
    """
    def rate(header: Header | None) -> int:
        return score(header, lookup)
    singles = [header_at(rows, r) for r in range(1, min(scan, len(rows)) + 1)]
    best = max(singles, key=rate, default=None)
    for first, second in zip(singles, singles[1:]):
        double = header_at(rows, first.row, 2, lookup)
        if rate(double) > max(rate(first), rate(second), rate(best)):
            best = double
    return best if best and rate(best) >= 2 else None


def score(header: Header | None, lookup: dict[str, str] | None = None) -> int:
    """How many distinct fields the header names."""
    return len(guess_mapping(header.titles, lookup)) if header else 0


def _cells(rows: list[list[object]], index: int) -> list[str]:
    values = rows[index] if 0 <= index < len(rows) else []
    return ["" if v is None else str(v).strip() for v in values]


def _two_line_titles(top: list[str], bottom: list[str],
                     lookup: dict[str, str] | None = None) -> list[str]:
    titles, group = [], ""
    for upper, lower in zip_longest(top, bottom, fillvalue=""):
        if not lower:  # a title merged down over both lines, such as 姓名
            group = ""
            titles.append(upper)
            continue
        # A merged group title sits in its first column only; carry it to the right.
        group = upper or group
        titles.append(_pick_title(group, lower, lookup))
    return titles


def _pick_title(group: str, sub: str, lookup: dict[str, str] | None = None) -> str:
    for candidate in (sub, group + sub, group):
        if field_for(candidate, lookup):
            return candidate
    return f"{group}/{sub}" if group else sub
