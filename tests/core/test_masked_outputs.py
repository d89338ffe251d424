"""Every masked file of a generated branch keeps the rule of docs/privacy.md: whatever it shows
about a member, taken together, leaves at least 1,000 valid ID numbers (counted by brute
force, tests/id_count.py), and no ID number, phone number, birth date or street address of
anyone appears whole anywhere in it — in cells, free text, PDFs' text, file names, README or
清单. The branch is fictional (testdata/fakedata.py), with ID and phone numbers planted in
备注, 会议内容, 请假 reasons, 列席, 整改措施, 谈话内容, 评议备注 and an attachment's name."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from branchdesk.cli import main
from branchdesk.core import appraisals, attachments, meetings, members, talks
from branchdesk.core.dates import add_years
from branchdesk.core.ledger.yearly import export_ledger
from branchdesk.core.package import MANIFEST, README, PdfWriters, write_package
from testdata import fakedata
from tests.id_count import Shown, count_ids

TODAY = date(2026, 11, 29)
YEAR = 2026
RULE = 1000
STREET = "浙江省杭州市西湖区文三路90号"


def spaced(number: str) -> str:
    return f"{number[:6]} {number[6:14]} {number[14:]}"


def dashed(phone: str) -> str:
    return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("masked")
    db = fakedata.create(folder / "small.sqlite3", "small", today=TODAY)
    plant_private_text(db, folder)
    yield db
    db.close()


def plant_private_text(db, folder: Path) -> None:
    """Numbers of members typed where free text goes, as secretaries do."""
    a, b = members.list_members(db)[:2]
    a.notes, a.address = f"曾用身份证号{b.id_number}，家属电话{b.phone}", STREET
    members.update(db, a, today=TODAY)
    general = meetings.get(db, meetings.list_meetings(db, year=YEAR,
                                                      kinds=(meetings.GENERAL,))[0].meeting.id)
    general.content += f"\n核对{a.name}的身份证号 {spaced(a.id_number)}，电话 {dashed(a.phone)}。"
    general.observers = "区委联系人（0571-88881234）"
    general.attendance[0].status = meetings.LEAVE
    general.attendance[0].reason = f"出差，电话{b.phone}"
    meetings.save(db, general, today=TODAY)
    life = meetings.get(db, meetings.list_meetings(db, year=YEAR,
                                                   kinds=(meetings.LIFE,))[0].meeting.id)
    life.rectifications[0].measure = f"联系{b.phone}落实"
    meetings.save(db, life, today=TODAY)
    talk = talks.get(db, talks.list_talks(db, year=YEAR)[0].id)
    talk.content, talk.feedback = f"谈话对象身份证号{b.id_number}", f"请拨打+86 {b.phone}"
    talks.save(db, talk, today=TODAY)
    appraisals.save(db, YEAR, {a.id: ("合格", f"身份证{b.id_number}")})
    scan = folder / f"{a.name}身份证{a.id_number}.png"
    scan.write_bytes(b"\x89PNG fictional scan")
    attachments.add(db, attachments.MEETING, general.id, scan, note=f"联系电话{a.phone}")


def everyone(db) -> dict[str, members.Member]:
    return {m.name: m for m in members.list_members(db, include_left=True)}


# ---------------------------------------------------------------- reading an output

def sheet_rows(ws) -> list[dict[str, object]]:
    """The table rows of a sheet as {header: value} (header in row 3, data from row 4)."""
    headers = [c.value for c in ws[3]]
    return [dict(zip(headers, (c.value for c in row))) for row in ws.iter_rows(min_row=4)
            if row[1].value]


def workbook_texts(path: Path) -> list[str]:
    """Every cell of every sheet as text (dates as 2026-03-15)."""
    wb = load_workbook(path)
    return [c.value.date().isoformat() if isinstance(c.value, datetime) else str(c.value)
            for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def shown_of(row: dict[str, object]) -> Shown:
    """What a 花名册 row shows that bears on the ID number."""
    joined = row.get("入党日期")
    masked_id = str(row.get("公民身份号码") or "")
    return Shown(masked_id=masked_id, birth=str(row.get("出生日期") or ""),
                 gender=str(row.get("性别") or ""),
                 region_known=bool(row.get("籍贯") or row.get("家庭住址")
                                   or re.search(r"[0-9]", masked_id[:6])),
                 born_by=add_years(joined.date(), -18) if isinstance(joined, datetime) else None)


def count_per_member(rows: list[dict[str, object]], people: dict[str, members.Member]) -> dict:
    return {row["姓名"]: count_ids(shown_of(row), people[row["姓名"]].id_number[:6], TODAY)
            for row in rows}


def assert_rule(counts: dict[str, int], people: dict[str, members.Member]) -> None:
    with_id = {name for name, m in people.items() if m.id_number}
    assert with_id & set(counts)  # the output lists members with ID numbers
    low = {name: n for name, n in counts.items() if n < RULE}
    assert not low, f"fewer than {RULE} ID numbers left: {low}"


def secrets(people: dict[str, members.Member]) -> list[str]:
    """What must never appear whole: ID numbers (also spaced), phones, birth dates in the
    common ways of writing them, and the street part of an address."""
    found = [STREET, "88881234"]
    for m in people.values():
        found += [m.id_number, spaced(m.id_number), m.phone, dashed(m.phone)]
        born = date.fromisoformat(m.birth_date)
        found += [born.isoformat(), f"{born:%Y%m%d}", f"{born.year}年{born.month}月{born.day}日"]
    return [s for s in found if s]


def assert_nothing_whole(texts: list[str], people: dict[str, members.Member]) -> None:
    joined = "\n".join(texts)
    leaked = [s for s in secrets(people) if s in joined]
    assert not leaked, f"shown whole: {leaked}"
    for token in re.findall(r"[0-9Xx*]{18}", joined):  # an ID number's shape
        assert token.endswith("*" * 12), token  # the region code only


# ---------------------------------------------------------------- the outputs

def test_masked_roster_from_the_command_line(branch, tmp_path):
    out = tmp_path / "m.xlsx"
    assert main(["export-members", "--db", str(branch.path), "--mask", "-o", str(out),
                 "--as-of", TODAY.isoformat()]) == 0
    people = everyone(branch)
    rows = sheet_rows(load_workbook(out)["党员花名册"])
    assert_rule(count_per_member(rows, people), people)
    assert_nothing_whole(workbook_texts(out), people)
    assert all(re.fullmatch(r"\d{4}-\d{2}", row["出生日期"]) for row in rows)


def test_masked_ledger_every_sheet(branch, tmp_path):
    path = export_ledger(branch, tmp_path / "台账.xlsx", year=YEAR, mask=True, today=TODAY)
    people = everyone(branch)
    rows = sheet_rows(load_workbook(path)["党员花名册"])
    assert_rule(count_per_member(rows, people), people)
    texts = workbook_texts(path)
    assert_nothing_whole(texts, people)
    assert any("区委联系人（0571-****1234）" in t for t in texts)  # 列席, masked in place
    assert "浙江省杭州市西湖区****" in texts


def test_unmasked_ledger_keeps_everything(branch, tmp_path):
    """The office copy: what the masked one hides is there (so the checks above can fail)."""
    path = export_ledger(branch, tmp_path / "台账.xlsx", year=YEAR, today=TODAY)
    joined = "\n".join(workbook_texts(path))
    people = everyone(branch)
    assert STREET in joined and all(m.id_number in joined for m in people.values()
                                    if m.active and m.id_number)


def capturing_writers(pages: list) -> PdfWriters:
    """PDF painters that keep the layout they are given (what would be painted)."""
    def write(layout, path) -> None:
        pages.append(layout)
        Path(path).write_bytes(b"%PDF-1.4 stand-in")
    return PdfWriters(signin=write, minutes=write)


def layout_texts(layout) -> list[str]:
    return [str(v) for v in _flatten(dataclasses.astuple(layout)) if isinstance(v, str)]


def _flatten(value):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)
    else:
        yield value


def test_usb_package_masked_by_default(branch, tmp_path):
    pages: list = []
    result = write_package(branch, tmp_path, YEAR, pdf_writers=capturing_writers(pages),
                           today=TODAY)
    people = everyone(branch)
    ledger = next(result.folder.glob("*.xlsx"))
    assert_rule(count_per_member(sheet_rows(load_workbook(ledger)["党员花名册"]), people), people)
    names = [p.relative_to(result.folder).as_posix() for p in result.folder.rglob("*")]
    notes = [(result.folder / name).read_text(encoding="utf-8-sig") for name in (README, MANIFEST)]
    printed = [t for page in pages for t in layout_texts(page)]
    assert_nothing_whole(workbook_texts(ledger) + names + notes + printed, people)
    a = members.list_members(branch)[0]
    assert any(f"身份证{a.id_number[:6]}{'_' * 12}.png" in n for n in names)  # no "*" in names
    assert any(f"核对{a.name}的身份证号 {a.id_number[:6]} ******** ****" in t for t in printed)
    assert any("联系电话138****" in n for n in notes)  # the attachment's note in 清单.csv
    assert "已隐藏关键部分" in notes[0] and "已隐藏关键部分" in result.summary()
