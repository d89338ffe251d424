"""Resident identity numbers (公民身份号码), GB 11643-1999."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    gender: str  # '男' or '女'
    legacy: bool  # old 15-digit number without check digit


def normalise(raw: object) -> str:
    """Strip spaces, convert full-width digits and lower-case x; keep everything else."""
    text = str(raw if raw is not None else "").translate(_FULLWIDTH)
    return re.sub(r"\s+", "", text).upper()


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def looks_like_excel_float(raw: object) -> bool:
    """True for what Excel makes of an 18-digit number: 1.10105E+17, or digits ending in 000."""
    if isinstance(raw, float):
        return True
    text = normalise(raw)
    return bool(re.fullmatch(r"\d(\.\d+)?E\+?1[4-7]", text))


def parse(raw: object) -> IdInfo:
    """Validate and decode an ID number. Raises ValueError with a Chinese reason."""
    if looks_like_excel_float(raw):
        raise ValueError("身份证号被 Excel 存成了数字（如 1.10105E+17），末几位已丢失；"
                         "请把该列设为“文本”格式后重新填写")
    number = normalise(raw)
    if re.fullmatch(r"\d{15}", number):
        return IdInfo(number, _birth("19" + number[6:12]), _gender(number[14]), True)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValueError("身份证号应为18位（最后一位可以是X）")
    birth = _birth(number[6:14])
    if check_char(number[:17]) != number[17]:
        raise ValueError("身份证号校验位不正确，请核对是否抄错")
    return IdInfo(number, birth, _gender(number[16]), False)


def _birth(text: str) -> date:
    try:
        value = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ValueError("身份证号中的出生日期不存在") from None
    if value.year < 1800 or value > date.today():  # GB 11643 numbers start in the 1800s
        raise ValueError("身份证号中的出生日期不合理")
    return value


def _gender(digit: str) -> str:
    return "男" if int(digit) % 2 else "女"


def make_valid(first17: str) -> str:
    """Complete a 17-digit prefix with its check character (for fictional demo data)."""
    return first17 + check_char(first17)
