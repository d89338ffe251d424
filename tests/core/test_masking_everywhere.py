"""Masking everywhere (core/masking.py, docs/privacy.md): for every masked output of a generated
branch — the roster, every sheet of the ledger, the U盘 package (ledger, printed forms,
attachment names, README, 清单) — at least 1,000 valid ID numbers fit what it shows about each
member (counted exhaustively by id_candidates), and no ID or phone number typed into free text,
nor a street address, comes out whole.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from branchdesk.core import appraisals, attachments, idcard, masking, meetings, members, talks
from branchdesk.core.ledger.roster import export_members
from branchdesk.core.ledger.yearly import export_ledger
from branchdesk.core.package import PdfWriters, write_package
from testdata import fakedata
from tests.core.id_candidates import Visible, count_valid_ids

TODAY = date(2026, 11, 29)
RULE = 1000  # valid IDs that must remain per member
STREET = "浙江省杭州市西湖区文三路90号"
LANDLINE = "0571-88881234"


# ---------------------------------------------------------------- the counting helper itself

def test_the_count_fails_the_old_mask_beside_a_full_birth_date():
    # The example: 330106********9005 next to 出生日期 1968-07-10 is the whole ID.
    number = idcard.make_valid("33010619680710900")
    old = Visible(number[:6] + "*" * 8 + number[-4:], "1968-07-10", "女")
    assert count_valid_ids(old, number[:6], TODAY) == 1


def test_the_count_agrees_with_listing_every_candidate():
    visible = Visible("11" + "*" * 16, "1980-01", "女")
    listed = sum(1 for day in range(1, 32) for seq in range(1000)
                 if seq % 2 == 0 and idcard.parse(idcard.make_valid(
                     f"110105198001{day:02d}{seq:03d}")))
    assert count_valid_ids(visible, "110105", TODAY) == listed == 31 * 500


def test_age_and_year_together_narrow_the_dates():
    # Born in 1968 and 58 on 2026-01-03: born on 1 to 3 January 1968, 1,500 numbers.
    visible = Visible("33" + "*" * 16, "1968年", "男", age=58, as_of=date(2026, 1, 3))
    assert count_valid_ids(visible, "330106", TODAY) == 3 * 500


def test_the_chosen_mask_leaves_15500_numbers():
    number = idcard.make_valid("33010619680710900")
    visible = Visible(masking.id_number(number), masking.birth("1968-07-10"), "女")
    assert count_valid_ids(visible, number[:6], TODAY) == 31 * 500


# ---------------------------------------------------------------- a generated branch

@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    """The small generated branch, with ID and phone numbers typed into every kind of free
    text: 备注, 会议内容, 议题, a leave reason, 列席, 整改措施, 谈话内容, 评议备注 (beside
    letters), an attachment's name and note; and a street address."""
    folder = tmp_path_factory.mktemp("masking")
    db = fakedata.create(folder / "small.sqlite3", "small", today=TODAY)
    people = members.list_members(db)
    a, b, c = people[0], people[1], people[2]
    members.update(db, replace(a, notes=f"原身份证号 {_spaced(b.id_number)}，电话 +86 {b.phone}",
                               address=STREET), today=TODAY)
    found = [s.meeting for s in meetings.list_meetings(db, year=TODAY.year)]
    meeting = next(m for m in found if m.kind == meetings.GENERAL)
    meeting = meetings.get(db, meeting.id)
    meeting.content += f"\n联系人{c.name}，电话{c.phone[:3]}-{c.phone[3:7]}-{c.phone[7:]}，身份证{c.id_number}。"
    meeting.topics.append(f"为{b.name}（{b.id_number}）办理组织关系转接")
    meeting.observers = f"区委联系人（{LANDLINE}）"
    meeting.attendance[0].status = meetings.LEAVE
    meeting.attendance[0].reason = f"出差，电话{b.phone}"
    meetings.save(db, meeting, today=TODAY)
    appraisals.save(db, TODAY.year, {a.id: ("合格", f"sfz{c.id_number}")})
    life = meetings.get(db, next(m for m in found if m.kind == meetings.LIFE).id)
    life.rectifications[0].measure += f"（联系{a.phone}）"
    meetings.save(db, life, today=TODAY)
    talk = talks.list_talks(db, year=TODAY.year)[0]
    talks.save(db, replace(talk, content=f"对象身份证 {a.id_number}，手机 {b.phone}。"), today=TODAY)
    scan = folder / f"{c.id_number}身份证复印件.png"
    scan.write_bytes(b"\x89PNG fictional scan")
    attachments.add(db, attachments.MEETING, meeting.id, scan, note=f"电话 {c.phone}")
    yield db
    db.close()


def _spaced(number: str) -> str:
    return f"{number[:6]} {number[6:14]} {number[14:]}"


def everyone(db) -> list[members.Member]:
    return members.list_members(db, include_left=True)


def assert_no_number_whole(db, text: str) -> None:
    """No member's ID or phone number in ``text``, even with spaces and dashes taken out; no
    ID-shaped run that shows more than the region; no street address, no typed landline."""
    squeezed = re.sub(r"[\s\-]", "", text)
    for m in everyone(db):
        assert m.id_number not in squeezed, f"{m.name}的身份证号"
        assert m.phone not in squeezed, f"{m.name}的电话"
    for token in re.findall(r"[0-9Xx*]{18}", re.sub(r"[ \u3000\-]", "", text)):  # in one line
        assert token.endswith("*" * 12), token
    assert STREET not in text and LANDLINE[5:] not in squeezed


def assert_roster_sheet_keeps_the_rule(db, ws) -> None:
    """Every member row of a masked 党员花名册 sheet leaves ≥ RULE valid IDs."""
    header = [c.value for c in ws[3]]
    people = {m.name: m for m in everyone(db)}
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=4)]
    rows = [r for r in rows if r.get("姓名") in people]
    assert len(rows) >= fakedata.SIZES["small"].members
    for row in rows:
        member = people[row["姓名"]]
        visible = Visible(row["公民身份号码"] or "", row["出生日期"], row["性别"])
        assert count_valid_ids(visible, member.id_number[:6], TODAY) >= RULE, member.name
        assert row["家庭住址"] in ("", None) or not re.search(r"\d", row["家庭住址"])


def workbook_text(path: Path) -> str:
    wb = load_workbook(path)
    return "\n".join([*wb.sheetnames, *(str(c.value) for ws in wb.worksheets
                                        for row in ws.iter_rows() for c in row
                                        if c.value is not None)])


def test_masked_roster_keeps_the_rule(branch, tmp_path):
    path = export_members(branch, tmp_path / "roster.xlsx", as_of=TODAY, mask=True,
                          include_left_since=date(TODAY.year - 1, 1, 1))
    assert_roster_sheet_keeps_the_rule(branch, load_workbook(path)["党员花名册"])
    assert_no_number_whole(branch, workbook_text(path))


def test_masked_ledger_keeps_the_rule_on_every_sheet(branch, tmp_path):
    path = export_ledger(branch, tmp_path / "ledger.xlsx", year=TODAY.year, mask=True,
                         today=TODAY)
    assert_roster_sheet_keeps_the_rule(branch, load_workbook(path)["党员花名册"])
    text = workbook_text(path)
    assert_no_number_whole(branch, text)
    typed = members.list_members(branch)[2].id_number  # in the 会议内容 (see ``branch``)
    assert f"身份证{masking.id_number(typed)}。" in text  # the typed text is there, masked


def test_unmasked_ledger_still_has_the_numbers(branch, tmp_path):
    """The test above can fail: the same text unmasked holds the typed numbers."""
    path = export_ledger(branch, tmp_path / "ledger.xlsx", year=TODAY.year, today=TODAY)
    with pytest.raises(AssertionError):
        assert_no_number_whole(branch, workbook_text(path))


def _text_writers(into: list[str]) -> PdfWriters:
    """PDF painters that keep every string of the laid-out form (what the PDF would print)."""
    def write(layout) -> bytes:
        into.append(repr(layout))
        return b"%PDF-1.4 test"

    return PdfWriters(signin=write, minutes=write)


def test_masked_package_keeps_the_rule_everywhere(branch, tmp_path):
    forms: list[str] = []
    result = write_package(branch, tmp_path, TODAY.year, pdf_writers=_text_writers(forms),
                           today=TODAY)
    ledger = next(result.folder.glob("*.xlsx"))
    assert_roster_sheet_keeps_the_rule(branch, load_workbook(ledger)["党员花名册"])
    names = "\n".join(str(p.relative_to(result.folder)) for p in result.folder.rglob("*"))
    texts = [workbook_text(ledger), names, *forms, result.summary(),
             *(p.read_text(encoding="utf-8-sig") for p in result.folder.glob("*.txt")),
             *(p.read_text(encoding="utf-8-sig") for p in result.folder.glob("*.csv"))]
    assert "身份证复印件" in names
    for text in texts:
        assert_no_number_whole(branch, text)


# ---------------------------------------------------------------- free text

def _valid_ids():
    return st.builds(lambda region, day, seq: idcard.make_valid(f"{region}{day:%Y%m%d}{seq:03d}"),
                     st.sampled_from(["110105", "330106", "440305", "510104"]),
                     st.dates(date(1930, 1, 1), date(2008, 12, 31)), st.integers(0, 999))


def _id_forms(number: str):
    return st.sampled_from([number, number.lower(), _spaced(number),
                            " ".join(number[i:i + 4] for i in range(0, 18, 4))])


def _mobiles():
    return st.builds(lambda second, rest: f"1{second}{rest:09d}", st.integers(3, 9),
                     st.integers(0, 10**9 - 1))


def _mobile_forms(number: str):
    return st.sampled_from([number, f"+86 {number}", f"+86-{number}", f"0086{number}",
                            f"{number[:3]} {number[3:7]} {number[7:]}",
                            f"{number[:3]}-{number[3:7]}-{number[7:]}"])


_WORDS = st.text(st.characters(whitelist_categories=("Lo", "Zs", "Po")), max_size=12)
# Between two numbers at least one character that is neither a digit nor a separator: numbers
# glued together are one long run (masked as such, see the test below).
_BETWEEN = st.text(st.characters(whitelist_categories=("Lo", "Po"), blacklist_characters="-"),
                   min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(_WORDS, _valid_ids().flatmap(_id_forms), _BETWEEN, _mobiles().flatmap(_mobile_forms),
       _WORDS)
def test_ids_and_mobiles_in_free_text_come_out_masked(before, id_form, middle, phone_form,
                                                      after):
    text = f"{before}{id_form}{middle}{phone_form}{after}"
    masked = masking.free_text(text)
    squeezed = re.sub(r"[\s\-]", "", masked)
    number = re.sub(r"\s", "", id_form).upper()
    mobile = re.sub(r"\D", "", phone_form)[-11:]
    assert number[2:] not in squeezed.upper() and mobile not in squeezed
    assert masked.startswith(before) and masked.endswith(after)  # the words around stay
    assert masking.free_text(masked) == masked


def test_an_id_and_a_mobile_run_together_are_masked_as_one_run():
    masked = masking.free_text("11010519800101002X13812345678")
    assert "0101" not in masked and "1234" not in masked


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10**6 - 1).map(lambda n: f"0{n % 900 + 10}-{n % 9000000 + 2000000}"))
def test_landlines_in_free_text_come_out_masked(number):
    masked = masking.free_text(f"办公电话{number}。")
    local = number.split("-")[1]
    assert local not in masked and masked.endswith(local[-4:] + "。")


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1950, 1, 1), date(2035, 12, 31)), _WORDS,
       st.integers(0, 10**7), st.sampled_from(["%Y-%m-%d", "%Y%m%d", "%Y年%m月%d日", "%Y.%m.%d",
                                               "%Y/%m/%d", "%m-%d %H:%M"]))
def test_ordinary_text_dates_and_small_numbers_are_untouched(day, words, amount, form):
    text = f"{words}{day.strftime(form)} 到会{amount % 100}人，经费{amount / 100:.2f}元，第{amount}号"
    assert masking.free_text(text) == text


