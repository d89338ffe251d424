"""已隐藏 must hide: what a masked output shows leaves at least 1,000 valid ID numbers."""

from __future__ import annotations

import calendar
import re
from datetime import date

import openpyxl
import pytest
from hypothesis import given, strategies as st

from branchdesk.core import idcard, masking, members
from branchdesk.core.ledger.roster import export_members

RULE = 1000


def consistent_ids(shown_id: str, birth: str, gender: str) -> int:
    """Brute force: the valid 18-character IDs that agree with every visible cell.

    ``shown_id`` is the masked ID (``*`` unknown; its visible region digits are taken as known),
    ``birth`` the masked birth date as shown, ``gender`` 男/女 or "".
    """
    found = re.fullmatch(r"(\d{4})-(\d{2})", birth)
    assert found, f"birth shown as {birth!r}: more than the year and month"
    year, month = int(found.group(1)), int(found.group(2))
    count = 0
    for day in range(1, calendar.monthrange(year, month)[1] + 1):
        for sequence in range(1000):
            if gender and (sequence % 2 == 1) != (gender == "男"):
                continue
            first17 = shown_id[:6] + f"{year:04d}{month:02d}{day:02d}{sequence:03d}"
            candidate = idcard.make_valid(first17)
            if all(s in ("*", c) for s, c in zip(shown_id, candidate)):
                count += 1
    return count


def _roster_rows(path):
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[3]]
    return [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=4)
            if row[1].value]


def test_every_member_of_a_masked_roster_keeps_a_thousand_ids(fresh_db, tmp_path):
    from testdata import fakedata

    fakedata.populate(fresh_db, "small", today=date(2026, 11, 29))
    rows = _roster_rows(export_members(fresh_db, tmp_path / "m.xlsx", mask=True))
    with_id = [r for r in rows if r["公民身份号码"]]
    assert len(with_id) >= 10
    for row in with_id:
        assert consistent_ids(row["公民身份号码"], str(row["出生日期"]), row["性别"] or "") >= RULE


def test_the_old_mask_with_the_full_birth_date_would_fail_the_rule():
    number = idcard.make_valid("33010619680710900")
    old_mask = number[:6] + "*" * 8 + number[-4:]
    assert consistent_ids(old_mask, "1968-07", "女") < RULE


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


@pytest.mark.parametrize("text, shown", [
    ("浙江省杭州市西湖区文三路100号", "浙江省杭州市西湖区****"),
    ("北京市朝阳区", "北京市朝阳区"),
    ("云南省红河哈尼族彝族自治州屏边苗族自治县新华镇", "云南省红河哈尼族彝族自治州屏边苗族自治县****"),
    ("示例村3组", "****"),
])
def test_addresses_stop_at_the_district(text, shown):
    assert masking.address(text) == shown


@pytest.mark.parametrize("phone, shown", [
    ("13812345678", "138****5678"), ("010-12345678", "010-****5678"),
    ("62345678", "****5678"), ("", "")])
def test_phones(phone, shown):
    assert masking.phone(phone) == shown


def test_ids_keep_only_the_region():
    assert masking.id_number("11010519491231002X") == "110105************"
    assert masking.id_number("110105491231002") == "110105*********"


_ids = st.builds(lambda region, day, seq: idcard.make_valid(
    f"{region}{day:%Y%m%d}{seq:03d}"), st.integers(110000, 659999),
    st.dates(date(1930, 1, 1), date(2008, 12, 31)), st.integers(0, 999))
_mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.sampled_from("3456789"),
                     st.integers(0, 10**9 - 1))
_words = st.text(st.sampled_from("党员谈话会议内容备注，。 的了是在和有"), max_size=12)


@given(st.lists(st.tuples(_words, st.one_of(_ids, _mobiles)), min_size=1, max_size=4), _words)
def test_free_text_masks_every_embedded_id_and_mobile(parts, tail):
    text = "".join(w + n for w, n in parts) + tail
    masked = masking.free_text(text)
    for _, number in parts:
        assert number not in masked
    assert re.sub(r"[\d*Xx]", "", masked) == re.sub(r"[\dXx]", "", text)  # the words stay


@given(st.text(st.characters(blacklist_categories=("Nd",)), max_size=40),
       st.dates(date(2000, 1, 1), date(2030, 12, 31)))
def test_ordinary_text_and_dates_are_untouched(text, day):
    sample = f"{text}{day:%Y-%m-%d}开会，第3次，共12人"
    assert masking.free_text(sample) == sample


def test_meeting_texts_are_masked_for_the_package(fresh_db):
    from branchdesk.core import meetings

    number = idcard.make_valid("33010619680710900")
    meeting = meetings.Meeting(kind="支部党员大会", date="2026-03-05",
                               content=f"张三（身份证 {number}，电话 13812345678）发言")
    shown = masking.record(meeting)
    assert number not in shown.content and "13812345678" not in shown.content
    assert shown.kind == "支部党员大会" and shown.date == "2026-03-05"
