"""Masking (已隐藏): what the screen with 显示 off, the import preview, the masked roster, ledger
and U盘 package show of members' ID numbers, birth dates, phones, addresses and free text.

The rule (docs/privacy.md): everything a masked output shows about a member, taken together,
leaves at least 1,000 valid ID numbers. A masked ID keeps only its 6-digit region code; the
birth date is shown to the month; 性别 stays. Unknown are then the day of birth (28–31) and the
three sequence digits of the right parity (500), the check digit following from them: at
least 28 × 500 = 14,000 valid numbers, whatever region, 籍贯 or address is shown. Keeping the
last characters of the ID (as 110105********002X did) would leave a handful once the birth
date shows.

What each kind shows (``value(kind, original)``):

    ID       110105************      the region code
    BIRTH    1968-07                 year and month
    PHONE    138****5678             a mobile's first three and last four digits,
             0571-****1234           a landline's area code and last four
    ADDRESS  浙江省杭州市西湖区****    up to the district (区/县/旗), else the city; "****" for the rest
    FREE     free text, with every ID-like, mobile-like and landline-like number in it masked
             as above, and any other long number too (``free_text``)

No masked output shows an age: beside a birth month, an age on a given day can tell whether
the birthday has passed and so narrow the day. 党费 amounts (the pay base follows from them)
need a kind here when the 党费 ledger comes.

One module for the screen and every export, so the rule holds everywhere. Masked numbers keep
their length and separators (digits become "*"): a width measured on the full text still fits,
and masking what is masked already changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import date, datetime

# What a value is, for masking. A column of a table (screen or sheet) declares one of these.
ID, BIRTH, PHONE, ADDRESS, FREE = "id", "birth", "phone", "address", "free"

ID_KEPT = 6  # the region code
HIDDEN = "*"
HIDDEN_REST = "****"  # stands for the hidden part of an address

# The number patterns run on an ASCII view of the text (every decimal digit as 0-9, a
# full-width Ｘ as X, character for character), so full-width and other look-alike digits are
# caught as well. Only digits count as a number's neighbours: 身份证号sfz330106… is found too.
_SPACE = r"\s"  # between the digits of an ID number: 330106 19680710 9005, 3301 0619 …
_SEP = r"[\s\-‐‑‒–—－]"  # between the digits of a phone number: 138-1234-5678, 0571 8888 1234
_NOT_AFTER, _NOT_BEFORE = r"(?<![0-9])", r"(?![0-9])"

# What every pattern below implies: seven digits with at most one separator between two of
# them. Most cells of a ledger fail this test and come back at once.
_MAYBE = re.compile(rf"\d(?:{_SEP}?\d){{6}}")
# ID numbers start with a region code, never with 0 (0086 13812345678 is a phone number).
_ID18 = re.compile(rf"{_NOT_AFTER}[1-9](?:{_SPACE}?[0-9]){{16}}{_SPACE}?[0-9Xx]{_NOT_BEFORE}")
_ID15 = re.compile(rf"{_NOT_AFTER}[1-9](?:{_SPACE}?[0-9]){{14}}{_NOT_BEFORE}")
_MOBILE = re.compile(rf"{_NOT_AFTER}(?P<prefix>(?:[+＋]|00)?86{_SEP}?)?"
                     rf"(?P<number>1[3-9][0-9](?:{_SEP}?[0-9]){{8}}){_NOT_BEFORE}")
# A bank card in groups of four (6222 0212 3456 7890), before a landline is read out of it.
_CARD = re.compile(rf"{_NOT_AFTER}[0-9]{{4}}(?:[ \u3000][0-9]{{4}}){{3,}}(?:[ \u3000][0-9]{{1,3}})?"
                   rf"{_NOT_BEFORE}")
_LANDLINE = re.compile(rf"{_NOT_AFTER}(?:[(（]0[0-9]{{2,3}}[)）]{_SEP}?|0[0-9]{{2,3}}{_SEP}?)"
                       rf"[0-9]{{3,4}}{_SEP}?[0-9]{{4}}{_NOT_BEFORE}")
# Any other unbroken number of 11 or more digits: numbers run together, a mistyped or cut-off
# ID number, a bank card. Unbroken only: years listed with spaces (2016 2017 2018) are text.
_LONG = re.compile(rf"{_NOT_AFTER}[0-9]{{11,}}{_NOT_BEFORE}")
# A number cut off with an ellipsis (a shortened message): what was cut may have been masked.
# Spaces only, so a date cut off (2026-03-15…) stays.
_CUT = re.compile(rf"{_NOT_AFTER}[0-9](?:{_SPACE}?[0-9]){{6,}}(?=…|\.\.\.)")
# Any other number in a phone cell; not the rest of one masked already (138****5678).
_PHONE_RUN = re.compile(rf"(?<![0-9*])(?:[+＋]|00)?[0-9](?:{_SEP}?[0-9])*(?![0-9*])")
_MASKABLE = frozenset("0123456789Xx")
# Zero-width and direction characters: invisible, they could split a number for the patterns
# while it still reads whole.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


class _AsciiDigits(dict):
    """str.translate table: any decimal digit to its ASCII digit, Ｘ/ｘ to X/x; learnt per
    character as met (a full table would mean scanning all of Unicode at start-up)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        self[code] = str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
        return self[code]


_ASCII = _AsciiDigits({ord("Ｘ"): "X", ord("ｘ"): "x"})


def _view(text: str) -> str:
    """``text`` with every digit in ASCII, character for character."""
    return text if text.isascii() else text.translate(_ASCII)


# ---------------------------------------------------------------- one value

def id_number(number: str | None) -> str:
    """110105************: the region code and a star for every other character."""
    if not number:
        return ""
    kept = ID_KEPT if len(number) > ID_KEPT + 2 else min(2, len(number))
    return number[:kept] + HIDDEN * (len(number) - kept)


def birth(value: date | datetime | str | None) -> str:
    """1968-07: the birth date to the month (the day stays hidden with the ID's middle); text
    that does not start with a year and month is starred."""
    if not value:
        return ""
    if isinstance(value, (date, datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value)
    found = re.match(r"\s*(\d{4})\D{0,2}(\d{1,2})", text)
    if not found or not 1 <= int(found[2]) <= 12:
        return _stars(text)
    return f"{found[1]}-{int(found[2]):02d}"


def phone(text: str | None) -> str:
    """138****5678 for a mobile (+86 138****5678), 0571-****5678 for a landline, ****5678
    without an area code: every number of seven or more digits in ``text`` keeps its last four
    and a mobile's first three or a landline's area code; shorter ones are starred."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", text)
    if len(_digit_places(_view(text))) < 7:
        return _stars(text)
    return _masked(text, _PHONE_RULES)


def _phone_digits(found: re.Match) -> list[int]:
    """Where the hidden digits of a phone number are."""
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
# names a road, a township or a building. Place names containing one (镇江市, 道县) are cut
# short there too: the address then shows less, never more.
_DETAIL = re.compile(r"[0-9０-９A-Za-z\s,，、;；()（）#＃\-－—路街道巷弄号村镇乡屯组栋幢楼室院苑]")
# 区/旗 that name no district: 小区, 社区, 园区 … (a residential compound is finer).
_NOT_DISTRICT = ("小区", "社区", "园区", "校区", "厂区", "街区", "片区", "景区", "营区", "生活区",
                 "住宅区", "宿舍区", "红旗", "自治区", "行政区", "地区")
_UPPER = ("特别行政区", "自治区", "自治州", "省", "市", "州", "盟", "地区")


def address(text: str | None) -> str:
    """浙江省杭州市西湖区****: the address up to its district (区/县/旗), or up to its city
    (示例市, or a county-level 义乌市) when it names no district, "****" for the rest; only
    "****" when neither comes before the street."""
    if not text:
        return ""
    head = _DETAIL.split(text.strip(), maxsplit=1)[0]
    kept = head[:_district_end(head) or _upper_end(head)]
    return kept + HIDDEN_REST if len(kept) < len(text.strip()) else kept


def _district_end(head: str) -> int:
    for found in re.finditer(r"[区县旗]", head):
        end = found.end()
        if end > 1 and not head[:end].endswith(_NOT_DISTRICT):
            return end
    return 0


def _upper_end(head: str) -> int:
    ends = [head.rfind(unit) + len(unit) for unit in _UPPER if head.rfind(unit) > 0]
    return max(ends, default=0)


def free_text(text: str | None) -> str:
    """Free text (备注, 会议内容, 谈话内容, 整改措施, file names …) with the numbers in it that can
    identify a person masked, everything else as it was.

    ID numbers (18 characters, the last may be X; old 15-digit ones; spaces allowed between
    any digits) as ``id_number``; mobile numbers (1[3-9] and 9 more digits, optionally after
    +86, spaced or dashed) and landlines with an area code (0571-88881234, (010) 6552 9988) as
    ``phone``; a bank card in groups of four, and any other unbroken number of 11 or more
    digits, keeps its first three; a number of seven or more digits cut off by "…" keeps its
    first three. Full-width digits count;
    zero-width characters cannot hide a number (they are dropped from a text in which one is
    masked). Shorter numbers, dates and times are never touched.
    """
    if not text:
        return text or ""
    visible = _INVISIBLE.sub("", text) if not text.isascii() else text
    if not _MAYBE.search(visible):
        return text
    masked = _masked(visible, _FREE_TEXT_RULES)
    return text if masked == visible else masked  # invisible characters go only with a number


def _masked(text: str, rules) -> str:
    """``text`` with the digits each rule's pattern finds hidden where the rule says; the
    patterns run one after the other on the ASCII view, each seeing what the last hid."""
    chars, view = list(text), list(_view(text))
    for pattern, places in rules:
        for found in pattern.finditer("".join(view)):
            for i in places(found):
                chars[i] = view[i] = HIDDEN
    return "".join(chars)


def _id_digits(found: re.Match) -> list[int]:
    """An ID number's places: all but the region. Written in groups, no group is longer than
    eight digits (6-8-4, 4-4-4-4-2 …): 13812345678 0571 is a phone number and a bit more."""
    if any(len(group) > 8 for group in found[0].split()) and len(found[0].split()) > 1:
        return []
    return _between(_digit_places(found[0]), ID_KEPT, 0, found.start())


def _keeping(head: int, tail: int):
    """A rule's places: the digits of the whole match but its first ``head`` and last ``tail``."""
    return lambda found: _between(_digit_places(found[0]), head, tail, found.start())


def _digit_places(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ch in _MASKABLE]


def _between(places: list[int], head: int, tail: int, offset: int) -> list[int]:
    return [offset + i for i in places[head:len(places) - tail]]


def _stars(text: str) -> str:
    return HIDDEN * len(text)


_PHONE_RULES = ((_MOBILE, _mobile_digits), (_LANDLINE, _phone_digits),
                (_PHONE_RUN, _phone_digits))
_FREE_TEXT_RULES = ((_ID18, _id_digits), (_ID15, _id_digits),
                    (_MOBILE, _mobile_digits), (_CARD, _keeping(3, 0)),
                    (_LANDLINE, _phone_digits), (_LONG, _keeping(3, 0)), (_CUT, _keeping(3, 0)))

MASKERS = {ID: id_number, BIRTH: birth, PHONE: phone, ADDRESS: address, FREE: free_text}


def value(kind: str | None, original: object) -> object:
    """``original`` as a masked output shows a value of ``kind`` (None: shown as it is)."""
    if kind is None or original is None or original == "":
        return original
    if kind == BIRTH:
        return birth(original)
    return MASKERS[kind](str(original))


# ---------------------------------------------------------------- whole records

def record(item):
    """A copy of the dataclass ``item`` (a meeting, a talk, a printed page …) whose texts are
    masked as free text: its own fields, lists of texts (议题) and the dataclasses in its
    lists (attendance reasons, 整改 items), however deep."""
    if isinstance(item, str):
        return free_text(item)
    if isinstance(item, (list, tuple)):
        return type(item)(record(child) for child in item)
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.replace(item, **{spec.name: record(getattr(item, spec.name))
                                            for spec in dataclasses.fields(item) if spec.init})
    return item
