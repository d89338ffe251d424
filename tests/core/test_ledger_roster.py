"""The 党员花名册 export: contents as of a date, masking, departures, print settings, safe saving."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from branchdesk.core import branch, files, idcard, members, settings
from branchdesk.core.errors import ExportError
from branchdesk.core.ledger import roster
from branchdesk.core.ledger.roster import export_members
from branchdesk.core.members import Member

AS_OF = date(2026, 11, 29)
TODAY = date(2026, 11, 29)
HEADERS = ["序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "籍贯", "学历", "人员类别",
           "党小组", "入党日期", "转正日期", "工作岗位/职务", "党内职务", "联系电话", "家庭住址",
           "党籍状态", "备注"]


def fake_id(birth: str, sequence: str) -> str:
    return idcard.make_valid(f"110105{birth}{sequence}")


@pytest.fixture
def db(fresh_db):
    settings.put(fresh_db, {"branch_name": "示例中学教工党支部"})
    branch.save_groups(fresh_db, ["第一党小组", "第二党小组"])
    return fresh_db


@pytest.fixture
def groups(db):
    return {g.name: g.id for g in branch.groups(db)}


def add(db, **fields) -> Member:
    defaults = dict(gender="男", ethnicity="汉族", education="大学本科", join_date="2000-07-01",
                    full_date="2001-07-01")
    return members.add(db, Member(**{**defaults, **fields}), today=TODAY)


@pytest.fixture
def people(db, groups):
    zhao = add(db, name="赵二", group_id=groups["第二党小组"], id_number=fake_id("19800101", "002"),
               phone="13800000000", birth_date="1980-01-01", native_place="山东济南",
               job="数学教师", party_post="组织委员", address="示例市和平路1号")
    qian = add(db, name="钱一", gender="女", group_id=groups["第一党小组"],
               id_number=fake_id("19900203", "004"), phone="010-12345678",
               category="预备党员", join_date="2026-03-15", full_date=None)
    sun = add(db, name="孙三", group_id=groups["第一党小组"], id_number=fake_id("19751212", "113"),
              mobile=True, mobile_destination="广东省深圳市", lost_contact=True,
              lost_contact_date="2026-01-01", notes="长期在外务工")
    return {"zhao": zhao, "qian": qian, "sun": sun}


def export(db, tmp_path, name="花名册.xlsx", **options):
    options.setdefault("as_of", AS_OF)
    path = export_members(db, tmp_path / name, **options)
    return load_workbook(path)["党员花名册"]


def data_rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=4) if row[1].value]


def by_name(ws):
    return {row[1]: dict(zip(HEADERS, row)) for row in data_rows(ws)}


# ---------------------------------------------------------------- contents

def test_returns_the_written_path(db, people, tmp_path):
    path = export_members(db, tmp_path / "roster.xlsx", as_of=AS_OF)
    assert path == tmp_path / "roster.xlsx" and path.is_file()


def test_title_is_branch_name_and_merged(db, people, tmp_path):
    ws = export(db, tmp_path)
    assert ws["A1"].value == "示例中学教工党支部党员花名册"
    assert "A1:R1" in {str(r) for r in ws.merged_cells.ranges}


def test_subtitle_has_the_date_and_counts(db, people, tmp_path):
    subtitle = export(db, tmp_path)["A2"].value
    assert "截至 2026年11月29日" in subtitle
    assert "共 3 人" in subtitle and "正式党员 2 人" in subtitle and "预备党员 1 人" in subtitle


def test_header_row_holds_every_roster_field(db, people, tmp_path):
    ws = export(db, tmp_path)
    assert [c.value for c in ws[3]] == HEADERS


def test_one_row_per_member_sorted_by_group_then_entry_order(db, people, tmp_path):
    rows = data_rows(export(db, tmp_path))
    assert [r[1] for r in rows] == ["钱一", "孙三", "赵二"]
    assert [r[0] for r in rows] == [1, 2, 3]


def test_row_values(db, people, tmp_path):
    zhao = by_name(export(db, tmp_path))["赵二"]
    assert zhao["性别"] == "男" and zhao["民族"] == "汉族" and zhao["籍贯"] == "山东济南"
    assert zhao["出生日期"] == datetime(1980, 1, 1)
    assert zhao["入党日期"] == datetime(2000, 7, 1) and zhao["转正日期"] == datetime(2001, 7, 1)
    assert zhao["学历"] == "大学本科" and zhao["人员类别"] == "正式党员"
    assert zhao["党小组"] == "第二党小组" and zhao["工作岗位/职务"] == "数学教师"
    assert zhao["党内职务"] == "组织委员" and zhao["家庭住址"] == "示例市和平路1号"
    assert zhao["党籍状态"] == "正常" and zhao["备注"] is None


def test_id_and_phone_are_text_with_all_digits(db, people, tmp_path):
    ws = export(db, tmp_path)
    for row in ws.iter_rows(min_row=4):
        id_cell, phone_cell = row[5], row[14]
        for cell in (id_cell, phone_cell):
            assert cell.number_format == "@"
            assert cell.value is None or isinstance(cell.value, str)
    rows = by_name(ws)
    assert rows["赵二"]["公民身份号码"] == people["zhao"].id_number
    assert len(rows["赵二"]["公民身份号码"]) == 18
    assert rows["钱一"]["联系电话"] == "010-12345678"


def test_dates_are_formatted_as_iso(db, people, tmp_path):
    ws = export(db, tmp_path)
    assert ws["E4"].number_format == "yyyy-mm-dd"
    assert ws["K4"].number_format == "yyyy-mm-dd"


def test_flags_are_folded_into_remarks(db, people, tmp_path):
    remark = by_name(export(db, tmp_path))["孙三"]["备注"]
    assert "流动党员" in remark and "广东省深圳市" in remark
    assert "失联" in remark and "2026-01-01" in remark
    assert remark.endswith("长期在外务工")


def test_probationary_member_has_no_full_date(db, people, tmp_path):
    qian = by_name(export(db, tmp_path))["钱一"]
    assert qian["人员类别"] == "预备党员" and qian["转正日期"] is None


def test_category_and_group_are_as_of_the_date(db, people, groups, tmp_path):
    members.change_status(db, people["qian"].id, "转正", date(2027, 3, 15))
    zhao = members.get(db, people["zhao"].id)
    members.update(db, members.with_changes(zhao, group_id=groups["第一党小组"]),
                   effective=date(2026, 12, 1), today=TODAY)
    before = by_name(export(db, tmp_path, "before.xlsx"))
    assert before["钱一"]["人员类别"] == "预备党员" and before["钱一"]["转正日期"] is None
    assert before["赵二"]["党小组"] == "第二党小组"
    after = by_name(export(db, tmp_path, "after.xlsx", as_of=date(2027, 4, 1)))
    assert after["钱一"]["人员类别"] == "正式党员"
    assert after["钱一"]["转正日期"] == datetime(2027, 3, 15)
    assert after["赵二"]["党小组"] == "第一党小组"


def test_members_not_yet_in_the_branch_are_left_out(db, people, tmp_path):
    add(db, name="周新", branch_join_date="2026-06-01", join_date="2010-01-01",
        full_date="2011-01-01")
    assert "周新" not in by_name(export(db, tmp_path, as_of=date(2026, 5, 31)))
    assert "周新" in by_name(export(db, tmp_path, "later.xlsx"))


def test_suspended_membership_shows_in_status(db, people, tmp_path):
    members.change_status(db, people["sun"].id, "停止党籍", date(2026, 6, 1))
    assert by_name(export(db, tmp_path))["孙三"]["党籍状态"] == "停止党籍"
    earlier = export(db, tmp_path, "earlier.xlsx", as_of=date(2026, 5, 1))
    assert by_name(earlier)["孙三"]["党籍状态"] == "正常"


def test_members_without_group_come_last(db, people, tmp_path):
    add(db, name="吴无组")
    assert data_rows(export(db, tmp_path))[-1][1] == "吴无组"


def test_empty_roster_is_still_a_valid_sheet(db, tmp_path):
    ws = export(db, tmp_path)
    assert ws["A1"].value == "示例中学教工党支部党员花名册"
    assert "共 0 人" in ws["A2"].value
    assert data_rows(ws) == []


def test_formula_like_data_stays_text(db, groups, tmp_path):
    add(db, name="=HYPERLINK(1)", notes="+86 138", address="-3号", job="@所有人")
    ws = export(db, tmp_path)
    row = [c for c in ws[4]]
    assert all(c.data_type != "f" for c in row)
    assert row[1].value == "=HYPERLINK(1)"


# ---------------------------------------------------------------- departures

def test_members_who_left_are_not_on_the_roll(db, people, tmp_path):
    members.change_status(db, people["zhao"].id, "转出", date(2026, 5, 1), "转至示例二中党支部")
    assert "赵二" not in by_name(export(db, tmp_path))


def test_members_who_left_since_a_date_are_listed_last_and_marked(db, people, tmp_path):
    members.change_status(db, people["zhao"].id, "转出", date(2026, 5, 1), "转至示例二中党支部")
    ws = export(db, tmp_path, include_left_since=date(2026, 1, 1))
    rows = data_rows(ws)
    assert rows[-1][1] == "赵二" and rows[-1][0] == 3
    assert rows[-1][17].startswith("2026-05-01 转出")
    assert "转至示例二中党支部" in rows[-1][17]
    assert rows[-1][9] == "第二党小组"  # group before leaving
    assert "共 2 人" in ws["A2"].value and "离开本支部的 1 人" in ws["A2"].value


def test_members_who_left_before_the_since_date_are_not_listed(db, people, tmp_path):
    members.change_status(db, people["zhao"].id, "去世", date(2025, 12, 1))
    ws = export(db, tmp_path, include_left_since=date(2026, 1, 1))
    assert "赵二" not in by_name(ws)
    assert "离开" not in ws["A2"].value


def test_members_who_leave_after_the_date_are_still_on_the_roll(db, people, tmp_path):
    members.change_status(db, people["zhao"].id, "转出", date(2026, 12, 10))
    rows = by_name(export(db, tmp_path, include_left_since=date(2026, 1, 1)))
    assert rows["赵二"]["备注"] is None


# ---------------------------------------------------------------- masking

def test_masking_hides_id_birth_day_phone_and_street(db, people, tmp_path):
    rows = by_name(export(db, tmp_path, mask=True))
    number = people["zhao"].id_number
    assert rows["赵二"]["公民身份号码"] == number[:6] + "*" * 12
    assert rows["赵二"]["出生日期"] == f"{number[6:10]}-{number[10:12]}"  # to the month
    assert rows["赵二"]["联系电话"] == "138****0000"
    assert rows["钱一"]["联系电话"] == "010-****5678"
    assert rows["赵二"]["家庭住址"] == "示例市****"  # no district named: the city
    assert rows["赵二"]["籍贯"] == "山东济南" and rows["赵二"]["入党日期"] == datetime(2000, 7, 1)


def test_without_masking_nothing_is_hidden(db, people, tmp_path):
    ws = export(db, tmp_path)
    assert not any("*" in str(c.value) for row in ws.iter_rows() for c in row if c.value)


# ---------------------------------------------------------------- printing

def test_print_settings(db, people, tmp_path):
    ws = export(db, tmp_path)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows.replace("$", "") == "3:3"
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    assert ws.freeze_panes == "C4"


def test_columns_stay_legible_on_a4_landscape(db, people, tmp_path):
    ws = export(db, tmp_path)
    total = sum(ws.column_dimensions[c].width for c in "ABCDEFGHIJKLMNOPQR")
    # 1 unit is about 7 px = 5.25 pt; A4 landscape holds ~800 pt, so the print scale stays
    # at or above ~70 % (10 pt text prints at 7 pt or larger).
    assert total * 5.25 * 0.70 <= 800


# ---------------------------------------------------------------- saving

def test_file_open_in_excel_gives_a_clear_error_and_keeps_the_old_file(db, people, tmp_path,
                                                                     monkeypatch):
    target = tmp_path / "花名册.xlsx"
    export_members(db, target, as_of=AS_OF)
    before = target.read_bytes()

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ExportError) as raised:
        export_members(db, target, as_of=date(2026, 12, 31))
    assert "正在被其他程序（如 Excel、WPS 或 PDF 阅读器）打开" in str(raised.value)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".xlsx"))] == [
        "花名册.xlsx"]


def test_replaces_an_existing_file(db, people, tmp_path):
    target = tmp_path / "花名册.xlsx"
    target.write_bytes(b"old")
    export_members(db, target, as_of=AS_OF)
    assert load_workbook(target)["党员花名册"]["B4"].value == "钱一"
    assert [p.name for p in tmp_path.glob("*.tmp")] == []


def test_missing_folder_is_an_export_error(db, tmp_path):
    with pytest.raises(ExportError, match="不存在"):
        export_members(db, tmp_path / "没有这个文件夹" / "花名册.xlsx", as_of=AS_OF)


def test_a_failed_write_leaves_no_temporary_file(db, people, tmp_path, monkeypatch):
    def disk_full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "_write_fully", disk_full)
    with pytest.raises(ExportError, match="磁盘空间不足"):
        export_members(db, tmp_path / "花名册.xlsx", as_of=AS_OF)
    assert not any(p.suffix in (".tmp", ".xlsx") for p in tmp_path.iterdir())


def test_remarks_helper_joins_parts_in_order():
    member = Member(name="x", mobile=True, lost_contact=True, notes="备注")
    departure = roster.Departure(date(2026, 5, 1), "转出")
    assert roster.remarks(member, departure) == "2026-05-01 转出；流动党员；失联；备注"


def test_default_date_is_today(db, people, tmp_path):
    path = export_members(db, tmp_path / "today.xlsx")
    subtitle = load_workbook(path)["党员花名册"]["A2"].value
    today = date.today()
    assert f"{today.year}年{today.month}月{today.day}日" in subtitle
    assert os.path.getsize(path) > 0
