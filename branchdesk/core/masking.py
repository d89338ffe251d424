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
import unicodedata
from dataclasses import fields, is_dataclass, replace
from datetime import date
from typing import Any, Callable

ID_NUMBER, BIRTH_DATE, PHONE, ADDRESS, TEXT, PLAIN = (
    "id_number", "birth_date", "phone", "address", "text", "plain")
HIDDEN = "*"
HIDDEN_ADDRESS = "（已隐藏）"  # an address in which no district or city can be recognised
# What a masked output hides, for the secretary (README.txt, messages).
SUMMARY = ("身份证号只显示地区和出生年月，出生日期只到月，电话只显示前3位（座机为区号）和后4位，"
           "住址只到区（县），备注、会议内容等文字和文件名中的身份证号、电话同样隐藏")

# The patterns run on an ASCII view of the text (every decimal digit as 0-9, full-width X
# as X, same length), so full-width and other look-alike digits are caught too.
_SPACE = r"\s"  # inside ID numbers: 330106 19680710 9005
_SEP = r"[\s\-‐‑‒–—－]"  # inside phone numbers: 138-1234-5678, 0571 8888 1234
_NOT_AFTER, _NOT_BEFORE = r"(?<![0-9])", r"(?![0-9])"

# A cheap test every pattern below implies: seven digits with at most one separator between
# two of them. Most cells of a ledger fail it and are returned at once.
_MAYBE = re.compile(rf"\d(?:{_SEP}?\d){{6}}")
# ID numbers start with a region code, never with 0 (0086 13812345678 is a phone number).
_ID18 = re.compile(rf"{_NOT_AFTER}[1-9](?:{_SPACE}?[0-9]){{16}}{_SPACE}?[0-9Xx]{_NOT_BEFORE}")
_ID15 = re.compile(rf"{_NOT_AFTER}[1-9](?:{_SPACE}?[0-9]){{14}}{_NOT_BEFORE}")
_MOBILE = re.compile(rf"{_NOT_AFTER}(?P<prefix>(?:[+＋]|00)?86{_SEP}?)?"
                     rf"(?P<number>1[3-9][0-9](?:{_SEP}?[0-9]){{8}}){_NOT_BEFORE}")
_LANDLINE = re.compile(rf"{_NOT_AFTER}(?:[(（]0[0-9]{{2,3}}[)）]{_SEP}?|0[0-9]{{2,3}}{_SEP}?)"
                       rf"[0-9]{{3,4}}{_SEP}?[0-9]{{4}}{_NOT_BEFORE}")
# Any other unbroken number of 12 or more digits (a mistyped or cut-off ID number, a bank
# card); not the twelve digits an ID number keeps (330106196807******). Unbroken only: years
# listed with spaces (2016 2017 2018) are text.
_LONG = re.compile(r"(?<![0-9])(?![0-9]{12}\*)[0-9]{12,}(?![0-9])")
# A number cut off with an ellipsis (a shortened message): what was cut may have been masked.
# Spaces only, so a date cut off (2026-03-15…) stays.
_CUT = re.compile(rf"{_NOT_AFTER}[0-9](?:{_SPACE}?[0-9]){{6,}}(?=…|\.\.\.)")
_PHONE_RUN = re.compile(rf"(?:[+＋]|00)?[0-9](?:{_SEP}?[0-9])*")
_MASKABLE = frozenset("0123456789Xx")
# Zero-width and direction characters: invisible, they could split a number for the patterns
# while it still reads whole.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


class _AsciiDigits(dict):
    """str.translate table: any decimal digit to its ASCII digit, Ｘ/ｘ to X; learnt per
    character as met (a full table would mean scanning all of Unicode at start-up)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        self[code] = str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
        return self[code]


_ASCII = _AsciiDigits({ord("Ｘ"): "X", ord("ｘ"): "x"})


def _view(text: str) -> str:
    """``text`` with every digit in ASCII, character for character."""
    return text if text.isascii() else text.translate(_ASCII)


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
    text = _INVISIBLE.sub("", number.strip())
    length = sum(1 for ch in _view(text) if ch in _MASKABLE)
    head = {18: 12, 15: 10}.get(length, 6 if length > 10 else 2)
    return _hide(text, _view(text), head, 0)


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
    text = _INVISIBLE.sub("", text)
    return _masked(text, ((_PHONE_RUN, _phone_digits),))


def _phone_digits(found: re.Match) -> list[int]:
    """Where the hidden digits of a phone number are: all but a mobile's first three, a
    landline's area code, and the last four."""
    mobile = _MOBILE.fullmatch(found[0])
    if mobile:
        return _mobile_digits(mobile, found.start())
    digits = _digit_places(found[0])
    if len(digits) < 7:
        return []
    head = _area_length(found[0]) if found[0].lstrip("(（+＋")[:1] == "0" else 0
    return _between(digits, head, 4, found.start())


def _mobile_digits(found: re.Match, offset: int = 0) -> list[int]:
    digits = _digit_places(found["number"])
    return _between(digits, 3, 4, offset + found.start("number"))


def _area_length(run: str) -> int:
    """Digits of the area code: as written before a separator, else 3 for 010 and 02x, else 4."""
    first = re.match(r"[(（]?([0-9]+)", run)
    if first and 3 <= len(first[1]) <= 4 and len(first[1]) < len(_digit_places(run)):
        return len(first[1])
    return 3 if run.lstrip("(（")[1:2] in ("1", "2") else 4


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
    as it was (invisible zero-width characters are dropped).

    ID numbers (18 characters, the last may be X; old 15-digit ones; spaces allowed between
    digits; full-width digits too) as ``id_number``; mobile numbers (1[3-9] and 9 more digits,
    optionally after +86, spaced or dashed) and landlines with an area code (0571-88881234,
    (010) 6552 9988) as ``phone``; any other unbroken number of 12 or more digits keeps its
    first six; a number of seven or more digits cut off by "…" keeps its first three.
    Shorter numbers, dates and times are never touched.
    """
    if not text:
        return text
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    if not _MAYBE.search(text):
        return text
    return _masked(text, _FREE_TEXT_RULES)


def _masked(text: str, rules) -> str:
    """``text`` with the digits each rule's pattern finds hidden where the rule says; the
    patterns run one after the other on the ASCII view, each seeing what the last hid."""
    chars, view = list(text), list(_view(text))
    for pattern, places in rules:
        for found in pattern.finditer("".join(view)):
            for i in places(found):
                chars[i] = view[i] = HIDDEN
    return "".join(chars)


def _keeping(head: int, tail: int):
    """A rule's places: the digits of the whole match but its first ``head`` and last ``tail``."""
    return lambda found: _between(_digit_places(found[0]), head, tail, found.start())


def _digit_places(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ch in _MASKABLE]


def _between(places: list[int], head: int, tail: int, offset: int) -> list[int]:
    return [offset + i for i in places[head:len(places) - tail]]


def _hide(text: str, view: str, head: int, tail: int) -> str:
    """``text`` with its digits (and X) after the first ``head`` and before the last ``tail``
    replaced by HIDDEN; separators and other characters stay."""
    chars = list(text)
    for i in _between(_digit_places(view), head, tail, 0):
        chars[i] = HIDDEN
    return "".join(chars)


_FREE_TEXT_RULES = ((_ID18, _keeping(12, 0)), (_ID15, _keeping(10, 0)),
                    (_MOBILE, _mobile_digits), (_LANDLINE, _phone_digits),
                    (_LONG, _keeping(6, 0)), (_CUT, _keeping(3, 0)))
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
