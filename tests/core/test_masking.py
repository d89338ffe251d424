"""core.masking: each field as masked outputs show it, and free text with ID and phone numbers
in it (hypothesis builds the text; the expected result is worked out here independently, from
the digits and the way they were written). All numbers are generated and fictional."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from branchdesk.core import idcard, masking
from branchdesk.core.printing import FormField, MinutesPage, Section

ID_NUMBER = idcard.make_valid("11010519491231002")  # 11010519491231002X


# ---------------------------------------------------------------- fields

@pytest.mark.parametrize("number, masked", [
    ("11010519491231002X", "110105194912******"),
    ("110105491231002", "1101054912*****"),  # old 15-digit number: region and YYMM
    ("11010519491231002", "110105***********"),  # mistyped: region only
    ("12345678", "12******"),
    ("１１０１０５１９４９１２３１００２Ｘ", "１１０１０５１９４９１２******"),
])
def test_id_number_keeps_region_and_birth_month(number, masked):
    assert masking.id_number(number) == masked


@pytest.mark.parametrize("value, masked", [
    ("1949-12-31", "1949-12"), (date(1949, 12, 31), "1949-12"), ("1949年12月31日", "1949-12"),
    ("19491231", "1949-12"), ("1949-12", "1949-12"), ("不详", ""), ("1949-13-01", "")])
def test_birth_date_keeps_year_and_month(value, masked):
    assert masking.birth_date(value) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13812345678", "138****5678"), ("138-1234-5678", "138-****-5678"),
    ("+86 138 1234 5678", "+86 138 **** 5678"), ("010-12345678", "010-****5678"),
    ("0571 8888 1234", "0571 **** 1234"), ("057188881234", "0571****1234"),
    ("(010)65529988", "(010)****9988"), ("62345678", "****5678"), ("1234567", "***4567"),
    ("13812345678，0571-88881234转123", "138****5678，0571-****1234转123"), ("", "")])
def test_phone_keeps_prefix_or_area_code_and_last_four(phone, masked):
    assert masking.value(phone, masking.PHONE) == masked


@pytest.mark.parametrize("address, masked", [
    ("浙江省杭州市西湖区文三路90号", "浙江省杭州市西湖区"),
    ("北京市朝阳区建国路1号院3号楼", "北京市朝阳区"),
    ("上海市浦东新区张江镇科苑路88号", "上海市浦东新区"),
    ("内蒙古自治区呼和浩特市新城区中山路", "内蒙古自治区呼和浩特市新城区"),
    ("江苏省苏州市昆山市玉山镇", "江苏省苏州市昆山市"),  # a county-level city
    ("湖南省永州市道县", "湖南省永州市"),  # a district name with a road word: less, never more
    ("示例市文教路12号", "示例市"),  # no district named: the city
    ("杭州市翠苑小区3幢", "杭州市"),  # 小区 is no district
    ("幸福小区3幢2单元", masking.HIDDEN_ADDRESS), ("文三路90号", masking.HIDDEN_ADDRESS),
])
def test_address_stops_at_the_district(address, masked):
    assert masking.address(address) == masked


def test_value_passes_other_fields_and_empty_values():
    assert masking.value("汉族", masking.PLAIN) == "汉族"
    assert masking.value(date(2001, 7, 1), masking.PLAIN) == date(2001, 7, 1)
    assert masking.value(None, masking.ID_NUMBER) is None
    assert masking.value("", masking.BIRTH_DATE) == ""
    assert masking.value(12, masking.TEXT) == 12


def test_layout_masks_every_text_of_a_page():
    page = MinutesPage("支部党员大会记录", "", [[FormField("列席人员", "王五（13812345678）")]],
                       [Section("会议内容", f"核对了身份证号{ID_NUMBER}。")])
    masked = masking.layout(page)
    assert masked.header[0][0].value == "王五（138****5678）"
    assert masked.sections[0].text == "核对了身份证号110105194912******。"
    assert masked.title == page.title and masked.signatures == page.signatures
    assert page.sections[0].text.endswith(f"{ID_NUMBER}。")  # the page itself is unchanged


# ---------------------------------------------------------------- free text: examples

@pytest.mark.parametrize("text, masked", [
    (f"身份证号{ID_NUMBER}，电话13812345678。", "身份证号110105194912******，电话138****5678。"),
    ("身份证 110105 19491231 002x", "身份证 110105 194912** ****"),
    ("国际电话0086 13812345678", "国际电话0086 138****5678"),  # 15 digits, but no ID number
    ("证号3301\u200b06196807109005", "证号330106196807******"),  # a zero-width space inside
    ("手机１３８１２３４５６７８", "手机１３８****５６７８"),
    ("电话：138—1234—5678", "电话：138—****—5678"),
    ("座机（0571）88881234", "座机（0571）****1234"),
    ("卡号6222021234567890123", "卡号622202*************"),  # any other long number
    ("问题：身份证号3301061968…", "问题：身份证号330*******…"),  # cut off by a shortened message
])
def test_free_text_examples(text, masked):
    assert masking.free_text(text) == masked


@pytest.mark.parametrize("text", [
    "2026-03-15 14:30—16:00 在党员活动室召开，应到12人，实到11人。",
    "2026年3月15日、20260315、2026.3.15、2026/03/15", "会费 1234.50 元，编号 654321",
    "2016 2017 2018 2019 年度", "截至2026-03-15…", "第3、4、5条", ""])
def test_ordinary_text_and_dates_are_untouched(text):
    assert masking.free_text(text) == text


# ---------------------------------------------------------------- free text: generated

WORD_CHARS = st.sampled_from("党支部会议学习讨论张三李四的了和在号室楼，。、；：！？“”《》（）()abcXYZ")
WORD = st.text(WORD_CHARS, min_size=1, max_size=8)
DAY = st.dates(date(1900, 1, 1), date(2026, 12, 31))
DATE_TEXT = st.builds(lambda d, f: f.format(d=d, m=d.month, day=d.day), DAY, st.sampled_from(
    ["{d:%Y-%m-%d}", "{d:%Y}年{m}月{day}日", "{d:%Y%m%d}", "{d:%Y.%m.%d}", "{d:%Y}/{m}/{day}",
     "{d:%H}:30"]))
SHORT_NUMBER = st.integers(0, 999_999).map(str)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@st.composite
def ordinary_text(draw) -> str:
    """Words with dates and numbers of up to six digits between them, never two numbers in a row."""
    parts = [draw(WORD)]
    for _ in range(draw(st.integers(0, 6))):
        parts += [draw(st.one_of(DATE_TEXT, SHORT_NUMBER)), draw(WORD)]
    return "".join(parts)


@dataclass(frozen=True)
class Embedded:
    text: str  # as written in the free text
    masked: str  # as it must come out


def written(digits: str, groups: tuple[int, ...], sep: str, full_width: bool) -> str:
    """``digits`` in groups of the given sizes joined by ``sep`` (one group: unbroken)."""
    out, start = [], 0
    for size in groups:
        out.append(digits[start:start + size])
        start += size
    out.append(digits[start:])
    text = sep.join(p for p in out if p)
    return text.translate(FULL_WIDTH) if full_width else text


@st.composite
def id_numbers(draw) -> Embedded:
    region = draw(st.integers(110000, 659999))
    born, sequence = draw(DAY), draw(st.integers(0, 999))
    legacy = draw(st.booleans()) and born.year < 2000
    if legacy:
        digits = f"{region}{born:%y%m%d}{sequence:03d}"
        keep = 10
    else:
        digits = idcard.make_valid(f"{region}{born:%Y%m%d}{sequence:03d}")
        digits = digits.lower() if draw(st.booleans()) else digits
        keep = 12
    groups = draw(st.sampled_from([(), (6, 8), (4, 4, 4, 4), (3, 3, 4, 4)]))
    sep, wide = draw(st.sampled_from([" ", "\u3000"])), draw(st.booleans())
    hidden = digits[:keep] + "*" * (len(digits) - keep)
    return Embedded(written(digits, groups, sep, wide), written(hidden, groups, sep, wide))


@st.composite
def mobiles(draw) -> Embedded:
    digits = f"1{draw(st.integers(3, 9))}{draw(st.integers(0, 999_999_999)):09d}"
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "+86-", "0086 "]))
    groups = draw(st.sampled_from([(), (3, 4)]))  # 13812345678 or 138-1234-5678
    sep, wide = draw(st.sampled_from(["-", " ", "—"])), draw(st.booleans())
    hidden = digits[:3] + "****" + digits[7:]
    return Embedded(prefix + written(digits, groups, sep, wide),
                    prefix + written(hidden, groups, sep, wide))


@st.composite
def landlines(draw) -> Embedded:
    area = draw(st.sampled_from(["010", "021", "0571", "0755", "0931"]))
    local = f"{draw(st.integers(2, 9))}{draw(st.integers(0, 9_999_999)):07d}"
    local = local[:draw(st.sampled_from([7, 8]))]
    hidden = "*" * (len(local) - 4) + local[-4:]
    style = draw(st.sampled_from(["{a}-{n}", "({a}){n}", "（{a}）{n}", "{a} {n}"]))
    return Embedded(style.format(a=area, n=local), style.format(a=area, n=hidden))


@settings(max_examples=300)
@given(ordinary_text())
def test_generated_ordinary_text_is_untouched(text):
    assert masking.free_text(text) == text


@settings(max_examples=300)
@given(st.lists(st.tuples(st.one_of(id_numbers(), mobiles(), landlines()), ordinary_text()),
                min_size=1, max_size=4), ordinary_text())
def test_generated_text_comes_out_with_every_number_masked(pieces, start):
    text = start + "".join(item.text + after for item, after in pieces)
    expected = start + "".join(item.masked + after for item, after in pieces)
    assert masking.free_text(text) == expected


DIGITS_AND_SEPARATORS = st.text(st.sampled_from("0123456789０１８ -—+X*()…汉\u200b"), max_size=60)


@settings(max_examples=300)
@given(DIGITS_AND_SEPARATORS)
def test_masking_twice_changes_nothing_and_leaves_no_long_number(text):
    once = masking.free_text(text)
    assert masking.free_text(once) == once
    view = once.translate(str.maketrans("０１８", "018"))
    for run in re.findall(r"[0-9]{12,}\*?", view):
        assert len(run) == 13 and run.endswith("*")  # only the twelve an ID number keeps
