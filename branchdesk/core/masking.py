"""Masking (已隐藏): what the screen with 显示 off, the masked roster, ledger and U盘 package show
of members' ID numbers, birth dates, phones, addresses and free text.

The rule (docs/privacy.md): everything a masked output shows about a member, taken together,
leaves at least 1,000 valid ID numbers. A masked ID keeps only its 6-digit region code; the
birth date is shown to the month; 性别 stays. Unknown are then the day of birth (28–31) and the
three sequence digits of the right parity (500), the check digit following from them: at
least 28 × 500 = 14,000 valid numbers, whatever region, 籍贯 or address is shown. Keeping the
last characters of the ID (as 110105********002X did) would leave a handful once the birth
date shows.

One module for the screen and every export, so the rule holds everywhere.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime

# What a value is, for masking. A column of a table (screen or sheet) declares one of these.
ID, BIRTH, PHONE, ADDRESS, FREE = "id", "birth", "phone", "address", "free"

ID_KEPT = 6  # the region code


def id_number(number: str | None) -> str:
    """110105************: the region code and a star for every other character."""
    if not number:
        return ""
    kept = ID_KEPT if len(number) > ID_KEPT + 2 else min(2, len(number))
    return number[:kept] + "*" * (len(number) - kept)


def birth(value: date | datetime | str | None) -> str:
    """1968-07: the birth date to the month (the day stays hidden with the ID's middle)."""
    if not value:
        return ""
    if isinstance(value, (date, datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value)
    found = re.match(r"(\d{4})\D?(\d{1,2})", text)
    return f"{found.group(1)}-{int(found.group(2)):02d}" if found else _stars(text)


def phone(text: str | None) -> str:
    """138****0000 for a mobile, 0571-****5678 for a landline: the middle digits starred."""
    if not text:
        return ""
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if len(digits) < 7:
        return _stars(text)
    hidden = set(digits[3:-4]) if len(digits) == 11 else set(digits[-8:-4])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


_DISTRICT = re.compile(r"^.*?(?:区|县|旗)")
_COUNTY_CITY = re.compile(r"^.*市")  # a county-level city (义乌市) stands for its district


def address(text: str | None) -> str:
    """浙江省杭州市西湖区****: the address up to its district (区/县/旗), the rest starred."""
    if not text:
        return ""
    found = _DISTRICT.match(text) or _COUNTY_CITY.match(text)
    kept = found.group(0) if found else ""
    return kept + "****" if len(kept) < len(text) else kept


# An 18-character ID (17 digits and a digit or X): in groups 6-8-4 with spaces or dashes, or
# with single spaces anywhere (1101 0519 …; not dashes, which dates use); or an old 15-digit one.
# A mobile (+86, spaces or dashes allowed); a landline with its area code, in brackets or not,
# its number in one piece or in two (0571-8888 6666).
_ID_LIKE = re.compile(r"(?<![\dA-Za-z])(\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx]|(?:\d ?){17}[\dXx]"
                      r"|\d{15})(?![\dA-Za-z])")
_MOBILE_LIKE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
_LANDLINE_LIKE = re.compile(r"(?<!\d)(?:[(（]0\d{2,3}[)）]|0\d{2,3})[ -]?(?:\d{7,8}|\d{3,4} \d{4})(?!\d)")
_LONG_DIGITS = re.compile(r"\d{11,}")  # numbers run together: no telling where one ends
_SPACED_DIGITS = re.compile(r"(?<![\dA-Za-z])\d+(?: \d+)+")  # the same, in groups (1101 0519 …)
_MANY_DIGITS = re.compile(r"\d{3}")


def free_text(text: str | None) -> str:
    """Free text (备注, 会议内容, 谈话内容, file names …) with every ID-, mobile- and landline-like
    number in it masked as those columns are."""
    if not text or not _MANY_DIGITS.search(text):
        return text or ""
    text = _ID_LIKE.sub(lambda m: id_number(re.sub(r"[ -]", "", m.group(0))), text)
    text = _MOBILE_LIKE.sub(lambda m: _mobile_in_text(m.group(0)), text)
    text = _LANDLINE_LIKE.sub(lambda m: phone(m.group(0)), text)
    text = _SPACED_DIGITS.sub(lambda m: _long_run(m.group(0)), text)
    return _LONG_DIGITS.sub(lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 7)
                            + m.group(0)[-4:], text)


def _long_run(text: str) -> str:
    """Digit groups with 11 or more digits in all: only the first 3 and last 4 digits kept."""
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if len(digits) < 11:
        return text
    hidden = set(digits[3:-4])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def _mobile_in_text(text: str) -> str:
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    hidden = set(digits[-8:-4])  # the four after 1xx, whatever prefix is written
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def _stars(text: str) -> str:
    return "*" * len(text)


MASKERS = {ID: id_number, BIRTH: birth, PHONE: phone, ADDRESS: address, FREE: free_text}


def value(kind: str | None, original: object) -> object:
    """``original`` as a masked output shows a value of ``kind`` (None: shown as it is)."""
    if kind is None or original is None or original == "":
        return original
    if kind == BIRTH:
        return birth(original)
    return MASKERS[kind](str(original))


def record(item):
    """A copy of the dataclass ``item`` (a meeting, a talk …) whose texts are masked as free text,
    in its own fields and in the dataclasses of its lists (attendance reasons, 整改 items)."""
    changes = {}
    for spec in dataclasses.fields(item):
        current = getattr(item, spec.name)
        if isinstance(current, str):
            changes[spec.name] = free_text(current)
        elif isinstance(current, (list, tuple)) and current and dataclasses.is_dataclass(current[0]):
            changes[spec.name] = type(current)(record(child) for child in current)
    return dataclasses.replace(item, **changes)
