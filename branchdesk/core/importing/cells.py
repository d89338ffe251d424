"""Cell values as the roster means them: text, dates, ID numbers, categories.

Cells arrive as openpyxl gives them (str, int, float, datetime, bool, None); .xls cells are
converted to the same types by the reader.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from branchdesk.core import idcard
from branchdesk.core.dates import month_only, parse_date
from branchdesk.core.text import clean

CATEGORY_ALIASES = {"正式": "正式党员", "正式党员": "正式党员", "预备": "预备党员", "预备党员": "预备党员"}
GENDER_ALIASES = {"男性": "男", "女性": "女"}
_CJK_NAME = re.compile(r"[\u3400-\u9fff·•\s]+")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+")


def is_blank(value: object) -> bool:
    """Nothing shows: None, spaces, or only invisible format characters (core/text.py)."""
    return value is None or (isinstance(value, str) and not clean(value).strip())


def text(value: object) -> str:
    """Trimmed text of a cell. Whole numbers lose Excel's ".0" (13812345678.0 -> "13812345678");
    dates become ISO text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def name(value: object) -> str:
    """A person's name. Chinese names padded to line up (“张  三”) lose the padding."""
    raw = text(value)
    return re.sub(r"\s+", "", raw) if _CJK_NAME.fullmatch(raw) else raw


def category(value: object) -> str:
    """正式/预备 (with or without 党员) as the stored category; anything else kept for validation
    to reject."""
    raw = re.sub(r"\s+", "", text(value))
    return CATEGORY_ALIASES.get(raw, raw)


def gender(value: object) -> str:
    raw = re.sub(r"\s+", "", text(value))
    return GENDER_ALIASES.get(raw, raw)


def date_iso(value: object) -> str | None:
    """A date cell as ISO text, reading every form dates.parse_date reads.

    Also reads a number typed as 2001.07 (year.month), which Excel stores as a float; raises
    ValueError with a Chinese reason for unreadable, ambiguous or year-only values.
    """
    if isinstance(value, bool):
        raise ValueError(f"无法识别的日期“{value}”")
    if isinstance(value, (int, float)) and 1900 <= value < 2100:
        return _year_month(value).isoformat()
    parsed = parse_date(value)
    return parsed.isoformat() if parsed else None


def year_month_iso(value: object) -> str | None:
    """Like date_iso, but a value given only to the month (1970.03, 1975年8月) stays so, as
    YYYY-MM: a 出生年月 is completed from the ID number when they agree (members.normalise)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1900 <= value < 2100:
        return _year_month(value).strftime("%Y-%m")
    if isinstance(value, str) and month_only(value):
        year, month = month_only(value)
        return f"{year:04d}-{month:02d}"
    return date_iso(value)


def _year_month(value: float) -> date:
    if float(value).is_integer():
        raise ValueError(f"日期“{int(value)}”只有年份，请至少写到月份，如 {int(value)}.07")
    hundredths = round(value * 100)
    month = hundredths % 100
    if abs(value * 100 - hundredths) > 1e-6 or not 1 <= month <= 12:
        raise ValueError(f"无法识别的日期“{value}”，请写成 2001-07-01 或 2001年7月1日")
    if month == 10 and value == round(value, 1):
        # Excel drops the trailing zero: 2001.10 is stored as 2001.1, the same as January.
        raise ValueError(f"日期“{value}”可能是{int(value)}年1月，也可能是被 Excel 去掉末尾0的"
                         f"{int(value)}年10月；请改写为 {int(value)}-01 或 {int(value)}-10")
    return date(int(value), month, 1)


def id_text(value: object) -> str:
    """An ID number cell as text: a numeric cell becomes its digits (110105194912310021)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e19:
        return str(int(value))
    return text(value)


def excel_mangled_id(value: object) -> str | None:
    """How the cell shows if Excel stored the ID number as a number, else None.

    A number keeps only 15 significant digits, so an 18-digit ID loses its last three: shown
    as 1.10105E+17, or, once turned back into text, as digits ending in 000.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return f"{value:.6G}"
    normalised = idcard.normalise(value)
    if _SCIENTIFIC.fullmatch(normalised) or re.fullmatch(r"\d{15}000", normalised):
        return normalised
    return None
