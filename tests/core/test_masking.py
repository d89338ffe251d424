"""已隐藏 must hide: core.masking field by field, and free text with ID and phone numbers in it
(hypothesis builds the text; the expected result is worked out here independently, from the
digits and the way they were written). The outputs themselves are counted in
test_masking_everywhere.py. All numbers are fictional."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from branchdesk.core import idcard, masking, members
from branchdesk.core.ledger.roster import export_members
from branchdesk.core.printing import FormField, MinutesPage, Section
from tests.core.id_candidates import Visible, count_valid_ids

RULE = 1000
TODAY = date(2026, 11, 29)
ID_NUMBER = idcard.make_valid("11010519491231002")  # 11010519491231002X


def consistent_ids(shown_id: str, birth: str, gender: str, age=None) -> int:
    """Valid IDs that agree with a masked ID, 出生日期 and 性别 as shown (region known)."""
    years, on = age or (None, None)
    return count_valid_ids(Visible(shown_id, birth, gender, years, on), shown_id[:6], TODAY)


# ---------------------------------------------------------------- the rule

def _roster_rows(path):
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[3]]
    return [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=4)
            if row[1].value]


def test_every_member_of_a_masked_roster_keeps_a_thousand_ids(fresh_db, tmp_path):
    from testdata import fakedata

    fakedata.populate(fresh_db, "small", today=TODAY)
    rows = _roster_rows(export_members(fresh_db, tmp_path / "m.xlsx", mask=True))
    with_id = [r for r in rows if r["公民身份号码"]]
    assert len(with_id) >= 10
    for row in with_id:
        assert consistent_ids(row["公民身份号码"], str(row["出生日期"]), row["性别"] or "") >= RULE


def test_masks_not_chosen_fail_the_rule_or_pass_narrowly():
    """The figures of docs/privacy.md's table of masks."""
    number = idcard.make_valid("33010619680710900")
    old_mask = number[:6] + "*" * 8 + number[-4:]
    assert consistent_ids(old_mask, "1968-07-10", "女") == 1  # the whole number
    assert consistent_ids(old_mask, "1968-07", "女") == 3
    assert consistent_ids(old_mask, "1968年", "女") == 33
    assert consistent_ids(number[:6] + "*" * 12, "1968-07-10", "女") == 500  # the day alone
    worst_check = min(consistent_ids(f"330106197002*****{c}", "1970-02", g)
                      for c in "0123456789X" for g in "男女")
    assert worst_check == 1272  # the check digit kept: passes, narrowly
    worst_two = min(consistent_ids(f"330106**********{d}{c}", "1968年", "女")
                    for c in "0123456789X" for d in "02468")
    assert worst_two == 3326  # the last two kept, the birth year only
    assert consistent_ids(number[:6] + "*" * 12, "1970-02", "女") == 28 * 500  # chosen


def test_an_exact_age_beside_the_birth_month_would_fail_the_rule():
    """Why no masked output shows an age: on 1 July, 58 tells the birthday was on the 1st."""
    masked = "330106************"
    assert consistent_ids(masked, "1968-07", "女") == 31 * 500
    assert consistent_ids(masked, "1968-07", "女", age=(58, date(2026, 7, 1))) == 500


def test_the_roll_on_screen_with_display_off_keeps_a_thousand_ids(fresh_db):
    from branchdesk.ui.members_tab import member_columns  # no window: the column functions only

    member = members.add(fresh_db, members.Member(
        name="张三", category="正式党员", id_number=idcard.make_valid("33010619680710900"),
        address="浙江省杭州市西湖区文三路100号", phone="13812345678", notes="身份证 330106196807109007"))
    shown = {c.title: c.value(member) for c in member_columns(lambda: False)}
    assert consistent_ids(shown["公民身份号码"], shown["出生日期"], shown["性别"]) >= RULE
    assert shown["家庭住址"] == "浙江省杭州市西湖区****"
    assert shown["联系电话"] == "138****5678"
    assert "330106196807109007" not in shown["备注"]


# ---------------------------------------------------------------- fields

@pytest.mark.parametrize("number, masked", [
    ("11010519491231002X", "110105************"),
    ("110105491231002", "110105*********"),  # an old 15-digit number
    ("11010519491231002", "110105***********"),  # mistyped
    ("12345678", "12******"),
    ("１１０１０５１９４９１２３１００２Ｘ", "１１０１０５************"),
    ("", ""), (None, ""),
])
def test_ids_keep_only_the_region(number, masked):
    assert masking.id_number(number) == masked


@pytest.mark.parametrize("value, masked", [
    ("1949-12-31", "1949-12"), (date(1949, 12, 31), "1949-12"), ("1949年12月31日", "1949-12"),
    ("19491231", "1949-12"), ("1949-12", "1949-12"), ("不详", "**"), ("1949-13-01", "*" * 10),
    ("", "")])
def test_birth_dates_keep_year_and_month(value, masked):
    assert masking.birth(value) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13812345678", "138****5678"), ("138-1234-5678", "138-****-5678"),
    ("+86 138 1234 5678", "+86 138 **** 5678"), ("010-12345678", "010-****5678"),
    ("0571 8888 1234", "0571 **** 1234"), ("057188881234", "0571****1234"),
    ("(010)65529988", "(010)****9988"), ("62345678", "****5678"), ("1234567", "***4567"),
    ("13812345678，0571-88881234转123", "138****5678，0571-****1234转123"), ("12345", "*****"),
    ("13812345678 0571-88881234", "138****5678 0571-****1234"),
    ("", "")])
def test_phones_keep_prefix_or_area_code_and_last_four(phone, masked):
    assert masking.phone(phone) == masked


@pytest.mark.parametrize("address, masked", [
    ("浙江省杭州市西湖区文三路100号", "浙江省杭州市西湖区****"),
    ("北京市朝阳区", "北京市朝阳区"),
    ("北京市朝阳区建国路1号院3号楼", "北京市朝阳区****"),
    ("上海市浦东新区张江镇科苑路88号", "上海市浦东新区****"),
    ("云南省红河哈尼族彝族自治州屏边苗族自治县新华镇", "云南省红河哈尼族彝族自治州屏边苗族自治县****"),
    ("内蒙古自治区呼和浩特市新城区中山路", "内蒙古自治区呼和浩特市新城区****"),
    ("江苏省苏州市昆山市玉山镇", "江苏省苏州市昆山市****"),  # a county-level city
    ("湖南省永州市道县", "湖南省永州市****"),  # a district name with a road word: less, never more
    ("示例市文教路12号", "示例市****"),  # no district named: the city
    ("杭州市翠苑小区3幢", "杭州市****"),  # 小区 is no district
    ("杭州市文三路农贸市场旁", "杭州市****"),  # the 市 of 市场 is no city
    ("杭州市红旗路3号", "杭州市****"),
    ("幸福小区3幢2单元", "****"), ("示例村3组", "****"), ("", ""),
])
def test_addresses_stop_at_the_district(address, masked):
    assert masking.address(address) == masked


def test_value_dispatches_by_kind_and_passes_the_rest():
    assert masking.value(None, "汉族") == "汉族"
    assert masking.value(None, date(2001, 7, 1)) == date(2001, 7, 1)
    assert masking.value(masking.ID, None) is None
    assert masking.value(masking.BIRTH, "") == ""
    assert masking.value(masking.BIRTH, date(1968, 7, 10)) == "1968-07"
    assert masking.value(masking.PHONE, "13812345678") == "138****5678"


def test_a_whole_page_is_masked_for_printing():
    page = MinutesPage("支部党员大会记录", "", [[FormField("列席人员", "王五（13812345678）")]],
                       [Section("会议内容", f"核对了身份证号{ID_NUMBER}。")])
    masked = masking.record(page)
    assert masked.header[0][0].value == "王五（138****5678）"
    assert masked.sections[0].text == "核对了身份证号110105************。"
    assert masked.title == page.title and masked.signatures == page.signatures
    assert page.sections[0].text.endswith(f"{ID_NUMBER}。")  # the page itself is unchanged


def test_meeting_texts_are_masked_for_the_package():
    from branchdesk.core import meetings

    number = idcard.make_valid("33010619680710900")
    meeting = meetings.Meeting(kind="支部党员大会", date="2026-03-05", topics=[f"核对{number}"],
                               content=f"张三（身份证 {number}，电话 13812345678）发言")
    shown = masking.record(meeting)
    assert number not in shown.content and "13812345678" not in shown.content
    assert shown.topics == ["核对330106************"]  # a list of texts too
    assert shown.kind == "支部党员大会" and shown.date == "2026-03-05"


# ---------------------------------------------------------------- free text: examples

@pytest.mark.parametrize("text, masked", [
    (f"身份证号{ID_NUMBER}，电话13812345678。", "身份证号110105************，电话138****5678。"),
    (f"sfz{ID_NUMBER}", "sfz110105************"),  # letters next to it (pinyin 身份证)
    ("身份证 110105 19491231 002x", "身份证 110105 ******** ****"),
    ("身份证 1101 0519 4912 3100 2X", "身份证 1101 05** **** **** **"),
    ("证号3301\u200b06196807109005", "证号330106************"),  # a zero-width space inside
    ("手机１３８１２３４５６７８", "手机１３８****５６７８"),
    ("电话：138—1234—5678", "电话：138—****—5678"),
    ("国际电话0086 13812345678", "国际电话0086 138****5678"),  # 15 digits, but no ID number
    ("电话13812345678 0571-88881234", "电话138****5678 0571-****1234"),  # nor these
    ("座机（0571）88881234", "座机（0571）****1234"),
    ("卡号6222021234567890123", "卡号622****************"),  # any other long number
    ("卡号 6222 0212 3456 7890", "卡号 622* **** **** ****"),  # in groups
    ("问题：身份证号3301061968…", "问题：身份证号330*******…"),  # cut off by a shortened message
])
def test_free_text_examples(text, masked):
    assert masking.free_text(text) == masked


@pytest.mark.parametrize("text", [
    "2026-03-15 14:30—16:00 在党员活动室召开，应到12人，实到11人。",
    "2026年3月15日、20260315、2026.3.15、2026/03/15", "会费 1234.50 元，编号 654321",
    "2016 2017 2018年度", "截至2026-03-15…", "第3、4、5条", "零宽\u200b字符", ""])
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
    """``digits`` in groups of the given sizes joined by ``sep`` (no groups: unbroken)."""
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
    if draw(st.booleans()) and born.year < 2000:  # an old 15-digit number
        digits = f"{region}{born:%y%m%d}{sequence:03d}"
    else:
        digits = idcard.make_valid(f"{region}{born:%Y%m%d}{sequence:03d}")
        digits = digits.lower() if draw(st.booleans()) else digits
    groups = draw(st.sampled_from([(), (6, 8), (4, 4, 4, 4), (3, 3, 4, 4)]))
    sep, wide = draw(st.sampled_from([" ", "\u3000"])), draw(st.booleans())
    hidden = digits[:6] + "*" * (len(digits) - 6)
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


_ids = st.builds(lambda region, day, seq: idcard.make_valid(
    f"{region}{day:%Y%m%d}{seq:03d}"), st.integers(110000, 659999),
    st.dates(date(1930, 1, 1), date(2008, 12, 31)), st.integers(0, 999))
_mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.sampled_from("3456789"),
                     st.integers(0, 10**9 - 1))
_words = st.text(st.sampled_from("党员谈话会议内容备注，。 的了是在和有"), max_size=12)


@given(st.lists(st.tuples(_words, st.one_of(_ids, _mobiles)), min_size=1, max_size=4), _words)
def test_free_text_masks_every_embedded_id_and_mobile(parts, tail):
    """Numbers written straight after one another too: none of them comes out whole."""
    text = "".join(w + n for w, n in parts) + tail
    masked = masking.free_text(text)
    for _, number in parts:
        assert number not in masked
    assert re.sub(r"[\d*Xx]", "", masked) == re.sub(r"[\dXx]", "", text)  # the words stay


@given(st.text(st.characters(blacklist_categories=("Nd",)), max_size=40),
       st.dates(date(2000, 1, 1), date(2030, 12, 31)))
def test_any_text_without_digits_and_dates_is_untouched(text, day):
    sample = f"{text}{day:%Y-%m-%d}开会，第3次，共12人"
    assert masking.free_text(sample) == sample


DIGITS_AND_SEPARATORS = st.text(st.sampled_from("0123456789０１８ -—+X*()…汉\u200b"), max_size=60)


@settings(max_examples=300)
@given(DIGITS_AND_SEPARATORS)
def test_masking_twice_changes_nothing_and_leaves_no_long_number(text):
    once = masking.free_text(text)
    assert masking.free_text(once) == once
    assert not re.search(r"[0-9０１８]{11}", once)  # no eleven digits in a row are left
