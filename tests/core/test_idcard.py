"""GB 11643-1999 ID numbers: check character, normalisation, legacy numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from branchdesk.core import idcard


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_published_examples_have_a_valid_check_character(number):
    assert idcard.check_char(number[:17]) == number[17]


def test_published_example_parses():
    info = idcard.parse("11010519491231002X")
    assert (info.number, info.birth_date, info.gender, info.legacy) == (
        "11010519491231002X", date(1949, 12, 31), "女", False)


def test_published_1880_example_passes():
    info = idcard.parse("440524188001010014")
    assert (info.birth_date, info.gender) == (date(1880, 1, 1), "男")


def test_lower_case_x_is_accepted():
    assert idcard.parse("11010519491231002x").number == "11010519491231002X"


def test_full_width_digits_and_spaces_are_normalised():
    typed = " １１０１０５ １９４９１２３１ ００２ｘ "
    assert idcard.normalise(typed) == "11010519491231002X"
    assert idcard.parse(typed).number == "11010519491231002X"


def test_legacy_15_digit_number_is_read_as_19xx():
    info = idcard.parse("110105491231002")
    assert info.legacy and info.birth_date == date(1949, 12, 31) and info.gender == "女"


@pytest.mark.parametrize("number, reason", [
    ("110105194912310021", "校验位不正确"),
    ("11010519491231002", "应为18位"),
    ("1101051949123100XX", "应为18位"),
    ("", "应为18位"),
    (idcard.make_valid("11010519490230002"), "出生日期不存在"),
    (idcard.make_valid("11010517991231002"), "出生日期不合理"),
    (idcard.make_valid("11010529991231002"), "出生日期不合理"),
    ("1.10105E+17", "Excel"),
    (1.10105194912310e17, "Excel"),
])
def test_bad_numbers_raise_with_a_reason(number, reason):
    with pytest.raises(ValueError, match=reason):
        idcard.parse(number)


@given(region=st.integers(110000, 659999), sequence=st.integers(0, 999),
       birth=st.dates(min_value=date(1900, 1, 1), max_value=date.today() - timedelta(days=1)))
def test_make_valid_with_a_real_birth_date_always_parses(region, sequence, birth):
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    info = idcard.parse(idcard.make_valid(first17))
    assert info.birth_date == birth
    assert info.gender == ("男" if sequence % 2 else "女")


@given(st.text(alphabet="0123456789", min_size=17, max_size=17),
       st.sampled_from("0123456789X"))
def test_exactly_one_check_character_is_accepted(first17, last):
    number = first17 + last
    try:
        idcard.parse(number)
    except ValueError as exc:
        assert last != idcard.check_char(first17) or "出生日期" in str(exc)
    else:
        assert last == idcard.check_char(first17)
