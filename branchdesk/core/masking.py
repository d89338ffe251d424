"""What every output labelled 已隐藏 shows of personal data: one module for all of them.

Used by the roll on screen with 显示 off, the import preview, the masked roster
(``export-members --mask``), every sheet of the masked yearly ledger and the U盘 package
(masked by default: its ledger, PDFs, file names, README.txt and 清单.csv). The rule, and the
count behind each choice below, are in docs/privacy.md:

    Whatever a masked output shows about one member, taken together, leaves at least
    1,000 valid ID numbers possible.

What each kind of field shows (``value(v, field)``):

    ID_NUMBER   330106196807******      region and birth year-month; the day, the sequence
                                        number (and so the sex digit) and the check are hidden
    BIRTH_DATE  1968-07                 year and month
    PHONE       138****5678             a mobile's first three and last four digits;
                0571-****1234           a landline's area code and last four digits
    ADDRESS     浙江省杭州市西湖区        up to the district (区/县/旗), else the city
    TEXT        free text, with every ID-like, mobile-like and landline-like number in it
                masked as above (see ``free_text``)
    PLAIN       as it is: 性别, 籍贯, dates other than the birth date, numbers

No masked output shows an age: beside a birth month, an age on a given day can tell whether
the birthday has passed and so narrow the day. 党费 amounts (the pay base follows from them)
are masked too once the 党费 ledger exists: that needs a MONEY field here.

Masked numbers keep their length and separators (digits become "*"), so a width measured on
the unmasked text still fits; masking what is masked already changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from datetime import date
from typing import Any, Callable

ID_NUMBER, BIRTH_DATE, PHONE, ADDRESS, TEXT, PLAIN = (
    "id_number", "birth_date", "phone", "address", "text", "plain")
HIDDEN = "*"
HIDDEN_ADDRESS = "（已隐藏）"  # an address in which no district or city can be recognised

_DIGIT = r"[0-9０-９]"  # ASCII and full-width: both are typed
_SPACE = r"[ \u3000\u00a0]"  # inside ID numbers: 330106 19680710 9005
_SEP = r"[ \u3000\u00a0\-－]"  # inside phone numbers: 138-1234-5678, 0571 8888 1234
_NOT_AFTER = rf"(?<!{_DIGIT})"
_NOT_BEFORE = rf"(?!{_DIGIT})"

# A cheap test every pattern below implies: seven digits with at most one separator between
# two of them. Most cells of a ledger fail it and are returned at once.
_MAYBE = re.compile(rf"{_DIGIT}(?:[\s\-－]?{_DIGIT}){{6}}")
_ID18 = re.compile(rf"{_NOT_AFTER}{_DIGIT}(?:{_SPACE}?{_DIGIT}){{16}}{_SPACE}?[0-9０-９XxＸｘ]"
                   rf"{_NOT_BEFORE}")
_ID15 = re.compile(rf"{_NOT_AFTER}{_DIGIT}(?:{_SPACE}?{_DIGIT}){{14}}{_NOT_BEFORE}")
_MOBILE = re.compile(rf"{_NOT_AFTER}(?P<prefix>(?:[+＋]|00)?86{_SEP}?)?"
                     rf"(?P<number>[1１][3-9３-９]{_DIGIT}(?:{_SEP}?{_DIGIT}){{8}}){_NOT_BEFORE}")
_LANDLINE = re.compile(rf"{_NOT_AFTER}(?:[(（][0０]{_DIGIT}{{2,3}}[)）]{_SEP}?|[0０]{_DIGIT}{{2,3}}{_SEP}?)"
                       rf"{_DIGIT}{{3,4}}{_SEP}?{_DIGIT}{{4}}{_NOT_BEFORE}")
# Any other long number: a mistyped or cut-off ID number, a bank card.
# Not the twelve characters an ID number keeps (330106196807******).
_LONG = re.compile(rf"(?<![0-9０-９*]){_DIGIT}(?:{_SPACE}?{_DIGIT}){{11,}}(?![0-9０-９XxＸｘ*])")
# A number cut off with an ellipsis (a shortened message): what was cut may have been masked.
_CUT = re.compile(rf"{_NOT_AFTER}{_DIGIT}(?:{_SEP}?{_DIGIT}){{6,}}(?=…|\.\.\.)")
_PHONE_RUN = re.compile(rf"(?:[+＋]|00)?{_DIGIT}(?:{_SEP}?{_DIGIT})*")
_MASKABLE = re.compile(r"[0-9０-９XxＸｘ]")


# ---------------------------------------------------------------- one field

def value(v: Any, field: str) -> Any:
    """``v`` as a masked output shows a field of that kind (see the module docstring).
    Empty values stay empty; anything but text passes unchanged unless it is a birth date."""
    if v is None or v == "":
        return v
    if field == BIRTH_DATE:
        return birth_date(v)
    masker = _MASKERS.get(field)
    return masker(v) if masker and isinstance(v, str) else v


def id_number(number: str) -> str:
    """330106196807******: the region code and the birth year and month of an 18-character
    number (3301066807***** of an old 15-digit one); anything else keeps its first six
    characters, or two of a short one."""
    text = number.strip()
    length = len(_MASKABLE.findall(text))
    head = {18: 12, 15: 10}.get(length, 6 if length > 10 else 2)
    return _hide(text, head, 0)


def birth_date(v: Any) -> str:
    """1968-07 from a date or from text starting with a year and month (1968-07-10,
    1968年7月10日, 19680710); "" when none can be read, so a date is never shown whole."""
    if isinstance(v, date):
        return f"{v.year:04d}-{v.month:02d}"
    found = re.match(r"\s*(\d{4})\D{0,2}(\d{1,2})", str(v))
    if not found or not 1 <= int(found[2]) <= 12:
        return ""
    return f"{found[1]}-{int(found[2]):02d}"


def phone(text: str) -> str:
    """Every number of seven or more digits in ``text`` masked as a phone number: 138****5678,
    +86 138****5678, 0571-****1234, ****1234 (no area code); shorter ones (an extension) stay."""
    return _PHONE_RUN.sub(lambda m: _phone_run(m[0]), text)


def _phone_run(run: str) -> str:
    found = _MOBILE.fullmatch(run)
    if found:
        return _mobile(found)
    digits = _MASKABLE.findall(run)
    if len(digits) < 7:
        return run
    if digits[0] in "0０":
        return _hide(run, _area_length(run), 4)
    return _hide(run, 0, 4)


def _mobile(found: re.Match) -> str:
    return (found["prefix"] or "") + _hide(found["number"], 3, 4)


def _area_length(run: str) -> int:
    """Digits of the area code: as written before a separator, else 3 for 010 and 02x, else 4."""
    first = re.match(rf"[(（]?({_DIGIT}+)", run)
    if first and 3 <= len(first[1]) <= 4 and len(first[1]) < len(_MASKABLE.findall(run)):
        return len(first[1])
    return 3 if run.lstrip("(（")[1:2] in ("1", "2", "１", "２") else 4


# Where the part of an address below the district begins: a number, or a character that
# names a road, a township or a building. Place names containing one (镇江市, 路桥区) are cut
# short there too: the address then shows less, never more.
_DETAIL = re.compile(r"[0-9０-９A-Za-z\s,，、;；()（）#＃\-－—路街道巷弄号村镇乡屯组栋幢楼室院苑]")
# 区 that does not name a district: 小区, 社区, 园区 … (a residential compound is finer).
_NOT_DISTRICT = ("小区", "社区", "园区", "校区", "厂区", "街区", "片区", "景区", "营区", "生活区",
                 "住宅区", "宿舍区", "红旗", "自治区", "行政区", "地区")
_UPPER = ("特别行政区", "自治区", "自治州", "省", "市", "州", "盟", "地区")


def address(text: str) -> str:
    """The address up to its district (浙江省杭州市西湖区), or up to its city (示例市) when it
    names no district; HIDDEN_ADDRESS when neither is found before the street."""
    head = _DETAIL.split(text.strip(), maxsplit=1)[0]
    cut = _district_end(head) or _upper_end(head)
    return head[:cut] if cut else HIDDEN_ADDRESS


def _district_end(head: str) -> int:
    for found in re.finditer(r"[区县旗]", head):
        end = found.end()
        if end > 1 and not head[:end].endswith(_NOT_DISTRICT):
            return end
    return 0


def _upper_end(head: str) -> int:
    ends = [head.rfind(unit) + len(unit) for unit in _UPPER if head.rfind(unit) > 0]
    return max(ends, default=0)


def free_text(text: str) -> str:
    """``text`` with the numbers in it that can identify a person masked, everything else
    as it was.

    ID numbers (18 characters, the last may be X; old 15-digit ones; spaces allowed between
    digits, full-width digits too) as ``id_number``; mobile numbers (1[3-9] and 9 more digits,
    optionally after +86, spaced or dashed) and landlines with an area code (0571-88881234,
    (010) 6552 9988) as ``phone``; any other number of 12 or more digits keeps its first six;
    a number of seven or more digits cut off by "…" keeps its first three. Shorter numbers,
    dates and times are never touched.
    """
    if not text or not _MAYBE.search(text):
        return text
    text = _ID18.sub(lambda m: _hide(m[0], 12, 0), text)
    text = _ID15.sub(lambda m: _hide(m[0], 10, 0), text)
    text = _MOBILE.sub(_mobile, text)
    text = _LANDLINE.sub(lambda m: _phone_run(m[0]), text)
    text = _LONG.sub(lambda m: _hide(m[0], 6, 0), text)
    return _CUT.sub(lambda m: _hide(m[0], 3, 0), text)


def _hide(text: str, head: int, tail: int) -> str:
    """``text`` with its digits (and X) after the first ``head`` and before the last ``tail``
    replaced by HIDDEN; separators and other characters stay."""
    positions = [i for i, ch in enumerate(text) if _MASKABLE.match(ch)]
    hidden = positions[head:len(positions) - tail]
    chars = list(text)
    for i in hidden:
        chars[i] = HIDDEN
    return "".join(chars)


_MASKERS: dict[str, Callable[[str], str]] = {
    ID_NUMBER: id_number, PHONE: phone, ADDRESS: address, TEXT: free_text}


# ---------------------------------------------------------------- whole records

def layout(record: Any) -> Any:
    """A copy of a dataclass (a printed page's layout, e.g. printing.MinutesPage) with every
    text in it, in lists and nested dataclasses too, masked as free text."""
    if isinstance(record, str):
        return free_text(record)
    if isinstance(record, (list, tuple)):
        return type(record)(layout(item) for item in record)
    if is_dataclass(record) and not isinstance(record, type):
        return replace(record, **{f.name: layout(getattr(record, f.name))
                                  for f in fields(record) if f.init})
    return record
