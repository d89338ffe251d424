"""Roster import: header detection, column mapping, row checks, and the all-or-nothing write.

Every workbook is made here in code; all names and ID numbers are fictional.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from branchdesk.core import branch, idcard, members
from branchdesk.core.errors import ImportFileError, ValidationError
from branchdesk.core.importing import apply, build_plan, cells, plan_file, read_table
from branchdesk.core.importing.headers import field_for
from branchdesk.core.members import Member

TODAY = date(2026, 11, 1)
ID_A = idcard.make_valid("11010519800101001")  # 男
ID_B = idcard.make_valid("11010519820315002")  # 女
ID_C = idcard.make_valid("44052419900720003")
HEADER = ["序号", "姓名", "性别", "公民身份号码", "人员类别", "所在党小组", "入党日期", "转正日期",
          "联系电话"]


def write_xlsx(path, rows, merges=()):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "党员名册"
    for row in rows:
        sheet.append(row)
    for merged in merges:
        sheet.merge_cells(merged)
    book.save(path)
    return path


def roster(tmp_path, *data_rows, header=HEADER, above=(), name="roster.xlsx"):
    return write_xlsx(tmp_path / name, [*above, header, *data_rows])


def person(name="张三", id_number=ID_A, category="正式", group="第一党小组", join="2001.07",
           full="2002.07", phone="13812345678", gender=None):
    return [1, name, gender, id_number, category, group, join, full, phone]


def plan_for(db, path, **options):
    return plan_file(db, path, today=TODAY, **options)


def only_row(plan):
    assert len(plan.rows) == 1, plan.rows
    return plan.rows[0]


# ---------------------------------------------------------------- header and mapping

def test_header_found_below_title_rows_and_merged_cells(tmp_path, fresh_db):
    path = write_xlsx(tmp_path / "r.xlsx", [
        ["某某党支部党员花名册"], [None, None, "填报日期：2026年11月"], [], HEADER, person()],
        merges=["A1:I1", "C2:E2"])
    plan = plan_for(fresh_db, path)
    assert plan.header.row == 4 and plan.header.data_row == 5
    assert plan.mapping == {1: "name", 2: "gender", 3: "id_number", 4: "category",
                            5: "group_name", 6: "join_date", 7: "full_date", 8: "phone"}
    assert plan.unmapped == [0]
    assert only_row(plan).row == 5 and only_row(plan).accepted


@pytest.mark.parametrize("title, field", [
    ("姓 名", "name"), ("身份证号", "id_number"), ("身份证号码", "id_number"),
    ("身份证", "id_number"), ("出生年月", "birth_date"), ("文化程度", "education"),
    ("党员类别", "category"), ("类别", "category"), ("党小组", "group_name"),
    ("入党时间", "join_date"), ("加入党组织日期", "join_date"),
    ("转为正式党员日期", "full_date"), ("转正时间", "full_date"), ("职务", "job"),
    ("工作单位及职务", "job"), ("党内职务", "party_post"), ("手机", "phone"),
    ("手机号", "phone"), ("电话", "phone"), ("住址", "address"), ("家庭住址", "address"),
    ("入党介绍人", "introducers"), ("备注", "notes"), ("籍贯", "native_place"), ("民族", "ethnicity"),
    ("*姓名", "name"), ("姓名：", "name"), ("姓名:", "name"), ("出生\n日期", "birth_date"),
    ("\u3000联系电话\u3000", "phone"), ("身份证号（必填）", "id_number"), ("ＢＯＭ", None),
])
def test_header_synonyms_and_normalisation(title, field):
    assert field_for(title) == field


def test_messy_titles_in_a_file_are_mapped(tmp_path, fresh_db):
    header = ["序 号", "*姓  名", "身份证号码（必填）", "入党\n时间", "联系电话：", "ＰＳ", "手机/电话"]
    plan = plan_for(fresh_db, roster(tmp_path, ["1", "张三", ID_A, "2001.07"], header=header))
    assert plan.mapping == {1: "name", 2: "id_number", 3: "join_date", 4: "phone"}
    assert plan.unmapped == [0, 5, 6]


def test_two_line_header_with_merged_group_titles(tmp_path, fresh_db):
    path = write_xlsx(tmp_path / "r.xlsx", [
        ["党员花名册"],
        ["姓名", "身份证号", "入党", None, "联系方式", None],
        [None, None, "日期", "转正日期", "手机", "住址"],
        ["张三", ID_A, "2001-07-01", "2002-07-01", "13812345678", "北京市某区某路1号"],
    ], merges=["A2:A3", "B2:B3", "C2:D2", "E2:F2"])
    plan = plan_for(fresh_db, path)
    assert (plan.header.row, plan.header.height) == (2, 2)
    assert plan.mapping == {0: "name", 1: "id_number", 2: "join_date", 3: "full_date",
                            4: "phone", 5: "address"}
    member = only_row(plan).member
    assert (member.join_date, member.phone, member.address) == ("2001-07-01", "13812345678",
                                                                "北京市某区某路1号")


def test_mapping_override_is_used(tmp_path, fresh_db):
    header = ["姓名", "号码", "入党日期"]
    table = read_table(roster(tmp_path, ["张三", ID_A, "2001.07"], header=header))
    guessed = build_plan(fresh_db, table, today=TODAY)
    assert guessed.unmapped == [1] and only_row(guessed).member.id_number is None
    chosen = build_plan(fresh_db, table, mapping={0: "name", 1: "id_number"}, today=TODAY)
    member = only_row(chosen).member
    assert member.id_number == ID_A and member.join_date is None


def test_header_row_override(tmp_path, fresh_db):
    table = read_table(write_xlsx(tmp_path / "r.xlsx", [
        ["张三", "男"], ["李四", "女"]]))
    plan = build_plan(fresh_db, table, header_row=1, mapping={0: "name", 1: "gender"},
                      today=TODAY)
    assert [r.row for r in plan.rows] == [2]  # row 1 was declared the header
    assert only_row(plan).member.name == "李四"


@pytest.mark.parametrize("mapping, message", [
    ({0: "name", 1: "name"}, "只能对应一列"),
    ({1: "gender"}, "没有找到“姓名”列"),
])
def test_unusable_mapping_is_refused(tmp_path, fresh_db, mapping, message):
    table = read_table(roster(tmp_path, ["张三", "男"], header=["姓名", "性别"]))
    with pytest.raises(ValidationError, match=message):
        build_plan(fresh_db, table, mapping=mapping)


def test_unknown_field_in_mapping_is_a_programming_error(tmp_path, fresh_db):
    table = read_table(roster(tmp_path, ["张三"], header=["姓名", "性别"]))
    with pytest.raises(ValueError):
        build_plan(fresh_db, table, mapping={0: "name", 1: "salary"})


def test_sheet_without_a_header_is_refused_clearly(tmp_path, fresh_db):
    path = write_xlsx(tmp_path / "r.xlsx", [["一些", "无关", "内容"], [1, 2, 3]])
    with pytest.raises(ImportFileError, match="没有找到表头"):
        plan_for(fresh_db, path)


def test_the_roster_sheet_is_chosen_among_several(tmp_path, fresh_db):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由支部填写"])
    roll = book.create_sheet("名册")
    roll.append(["姓名", "公民身份号码"])
    roll.append(["张三", ID_A])
    book.save(tmp_path / "r.xlsx")
    table = read_table(tmp_path / "r.xlsx")
    assert table.sheet == "名册" and table.sheet_names == ["说明", "名册"]


# ---------------------------------------------------------------- rows passed over

def test_blank_footer_group_title_and_repeated_header_rows_are_skipped(tmp_path, fresh_db):
    path = write_xlsx(tmp_path / "r.xlsx", [
        HEADER,
        ["第一党小组"],
        person("张三", ID_A, group=None),
        [None, "", "  "],
        HEADER,
        ["第二党小组"],
        person("李四", ID_B, group=None),
        [],
        ["填表人：王五", None, None, None, "审核人：赵六"],
        [None, None, None, "注：身份证号请填18位"],
        ["制表日期：2026年11月1日"],
        [], [], [],
    ])
    plan = plan_for(fresh_db, path)
    assert [(r.row, r.member.name, r.member.group_name) for r in plan.rows] == [
        (3, "张三", "第一党小组"), (7, "李四", "第二党小组")]
    assert plan.ignored == [(2, "党小组标题"), (5, "重复的表头"), (6, "党小组标题"),
                            (9, "表尾说明"), (10, "表尾说明"), (11, "表尾说明")]


def test_sequence_numbers_alone_are_blank_rows(tmp_path, fresh_db):
    plan = plan_for(fresh_db, roster(tmp_path, person(), [2], [3], [4]))
    assert len(plan.rows) == 1 and not plan.ignored


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("cell, expected", [
    ("2001.07", "2001-07-01"), ("2001年7月1日", "2001-07-01"), ("2001-7-1", "2001-07-01"),
    ("2001/07/01", "2001-07-01"), (37073, "2001-07-01"), (datetime(2001, 7, 1), "2001-07-01"),
    ("200107", "2001-07-01"), ("20010701", "2001-07-01"), (200107, "2001-07-01"),
    (20010701, "2001-07-01"), ("２００１．０７", "2001-07-01"), ("  2001.07  ", "2001-07-01"),
    ("\u30002001年7月\u3000", "2001-07-01"), (2001.07, "2001-07-01"), (2001.12, "2001-12-01"),
    ("2001.7.1", "2001-07-01"), ("2001-07-01 00:00:00", "2001-07-01"),
    (date(2001, 7, 1), "2001-07-01"),
])
def test_dates_in_the_forms_people_type(tmp_path, fresh_db, cell, expected):
    plan = plan_for(fresh_db, roster(tmp_path, person(join=cell, full=None)))
    assert only_row(plan).member.join_date == expected


@given(st.dates(min_value=date(1920, 1, 1), max_value=date(2026, 10, 31)))
def test_date_cells_read_back_in_every_written_form(value):
    serial = (value - date(1899, 12, 30)).days
    for cell in (value.isoformat(), f"{value.year}年{value.month}月{value.day}日", f"{value:%Y%m%d}",
                 f"{value:%Y/%m/%d}", int(f"{value:%Y%m%d}"), serial,
                 datetime(value.year, value.month, value.day)):
        assert cells.date_iso(cell) == value.isoformat()


@given(st.integers(1920, 2099), st.integers(1, 12))
def test_year_dot_month_numbers_read_as_the_first_of_the_month(year, month):
    number = float(f"{year}.{month:02d}")
    if month == 10:  # stored as 2001.1: the same number as January typed without its zero
        with pytest.raises(ValueError, match="可能是"):
            cells.date_iso(number)
    else:
        assert cells.date_iso(number) == date(year, month, 1).isoformat()


@pytest.mark.parametrize("cell, reason", [
    ("2001.13", "入党日期：无法识别的日期“2001.13”"),
    ("去年", "入党日期：无法识别的日期“去年”"),
    (2001, "只有年份"),
    (2001.1, "可能是2001年1月，也可能是被 Excel 去掉末尾0的2001年10月"),
    ("2099-01-01", "入党日期不能晚于今天"),
])
def test_unreadable_dates_reject_the_row_with_its_reason(tmp_path, fresh_db, cell, reason):
    plan = plan_for(fresh_db, roster(tmp_path, person(join=cell, full=None)))
    row = only_row(plan)
    assert row.row == 2 and not row.accepted and reason in row.reason


# ---------------------------------------------------------------- ID numbers

@pytest.mark.parametrize("cell, shown", [
    (1.10105198001010e17, "1.10105E+17"),
    (110105198001010000, "1.10105E+17"),
    ("1.10105E+17", "1.10105E+17"),
    ("110105198001010000", "110105198001010000"),
])
def test_id_number_turned_into_a_number_by_excel_is_named_for_its_row(tmp_path, fresh_db,
                                                                       cell, shown):
    plan = plan_for(fresh_db, roster(tmp_path, person("张三", ID_B), person("李四", cell)))
    bad = plan.rows[1]
    assert bad.row == 3 and not bad.accepted
    assert f"身份证号“{shown}”被 Excel 当成数字保存" in bad.reason
    assert "文本" in bad.reason and plan.rows[0].accepted


def test_checksum_failure_is_its_own_reason(tmp_path, fresh_db):
    wrong = ID_A[:17] + ("0" if ID_A[17] != "0" else "1")
    row = only_row(plan_for(fresh_db, roster(tmp_path, person(id_number=wrong))))
    assert not row.accepted and "校验位不正确" in row.reason and "Excel" not in row.reason


def test_impossible_birth_date_in_id_is_rejected(tmp_path, fresh_db):
    number = idcard.make_valid("11010519800231001")
    row = only_row(plan_for(fresh_db, roster(tmp_path, person(id_number=number))))
    assert "出生日期不存在" in row.reason


def test_full_width_lower_case_and_spaced_id_numbers_are_normalised(tmp_path, fresh_db):
    number = idcard.make_valid("11010519491231002")
    assert number.endswith("X")
    typed = " " + number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x "
    member = only_row(plan_for(fresh_db, roster(tmp_path, person(id_number=typed)))).member
    assert member.id_number == number
    assert (member.birth_date, member.gender) == ("1949-12-31", "女")


def test_exact_numeric_ids_from_other_software_are_accepted(tmp_path, fresh_db):
    # openpyxl itself writes numbers as floats, so put the exact digits into the XML by hand,
    # as report generators that write integers do.
    path = roster(tmp_path, person(id_number=12345))
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<v>12345</v>", f"<v>{ID_C}</v>".encode())
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert only_row(plan_for(fresh_db, path)).member.id_number == ID_C


def test_legacy_15_digit_number_is_accepted_with_a_warning(tmp_path, fresh_db):
    row = only_row(plan_for(fresh_db, roster(tmp_path, person(id_number=110105800101001))))
    assert row.accepted and row.member.id_number == "110105800101001"
    assert any("15位" in w for w in row.warnings)


def test_duplicate_id_in_file_rejects_the_later_row(tmp_path, fresh_db):
    plan = plan_for(fresh_db, roster(tmp_path, person("张三", ID_A), person("李四", ID_B),
                                     person("张三", ID_A.lower())))
    assert [r.accepted for r in plan.rows] == [True, True, False]
    assert plan.rejected[0].row == 4 and "与第2行重复" in plan.rejected[0].reason
    assert str(plan.rejected[0]).startswith("第4行（张三）：")  # whose row, in the list shown


def test_missing_id_number_is_allowed_with_a_warning(tmp_path, fresh_db):
    members.add(fresh_db, Member(name="张三"), today=TODAY)
    plan = plan_for(fresh_db, roster(tmp_path, person("张三", None), person("李四", None)))
    assert all(r.accepted for r in plan.rows)
    assert "同名党员" in plan.rows[0].warnings[-1] and "身份证号" in plan.rows[1].warnings[-1]


# ---------------------------------------------------------------- other fields

@pytest.mark.parametrize("cell, full, expected", [
    ("正式", "2002.07", "正式党员"), ("正式党员", "2002.07", "正式党员"), (" 预备 ", None, "预备党员"),
    ("预备党员", None, "预备党员"),
])
def test_category_values_are_normalised(tmp_path, fresh_db, cell, full, expected):
    row = only_row(plan_for(fresh_db, roster(tmp_path, person(category=cell, full=full))))
    assert row.member.category == expected and row.warnings == []


@pytest.mark.parametrize("join, full, expected", [
    ("2026.03", None, "预备党员"), ("2025.03", None, "正式党员"), ("2026.03", "2026.10", "正式党员"),
    (None, None, "正式党员"),
])
def test_missing_category_is_inferred_with_a_warning(tmp_path, fresh_db, join, full, expected):
    path = roster(tmp_path, person(category=None, join=join, full=full))
    row = only_row(plan_for(fresh_db, path))
    assert row.member.category == expected
    assert any(f"按{expected}导入" in w for w in row.warnings)


def test_non_member_category_is_rejected(tmp_path, fresh_db):
    row = only_row(plan_for(fresh_db, roster(tmp_path, person(category="入党积极分子", full=None))))
    assert "人员类别应为" in row.reason
    assert row.member is None and row.name  # the name still shows beside the reason


def test_padded_names_numeric_phones_and_gender_words(tmp_path, fresh_db):
    row = only_row(plan_for(fresh_db, roster(
        tmp_path, person(name="张\u3000 三", phone=13812345678.0, gender="男性"))))
    assert (row.member.name, row.member.phone, row.member.gender) == ("张三", "13812345678", "男")


def test_gender_contradicting_the_id_is_a_warning(tmp_path, fresh_db):
    row = only_row(plan_for(fresh_db, roster(tmp_path, person(gender="女"))))
    assert row.accepted and any("性别与身份证号不一致" in w for w in row.warnings)


def test_several_problems_in_one_row_are_all_named(tmp_path, fresh_db):
    row = only_row(plan_for(fresh_db, roster(tmp_path, person(join="不详", phone="123"))))
    assert "入党日期" in row.reason and "联系电话" in row.reason


# ---------------------------------------------------------------- writing

def test_apply_adds_members_and_creates_groups(tmp_path, fresh_db):
    plan = plan_for(fresh_db, roster(tmp_path, person("张三", ID_A, group="第一党小组"),
                                     person("李四", ID_B, group="第二党小组"),
                                     person("王五", ID_C, group="第一党小组")))
    result = apply(fresh_db, plan, update_existing=False, today=TODAY)
    assert (result.added, result.updated, result.skipped, result.rejected) == (3, 0, 0, [])
    assert [g.name for g in branch.groups(fresh_db)] == ["第一党小组", "第二党小组"]
    saved = members.find_by_id_number(fresh_db, ID_B)
    assert (saved.name, saved.group_name, saved.join_date) == ("李四", "第二党小组", "2001-07-01")


def _existing(db):
    group = branch.ensure_group(db, "第一党小组")
    return members.add(db, Member(name="张三", id_number=ID_A, category="预备党员",
                                  join_date="2026-03-01", phone="13900000000",
                                  address="某市某路2号", notes="原有备注", group_id=group),
                       today=TODAY)


def test_existing_member_is_skipped_unless_updating(tmp_path, fresh_db):
    before = _existing(fresh_db)
    plan = plan_for(fresh_db, roster(tmp_path, person("张三", ID_A, join="2025.10", full="2026.10",
                                                      category=None, group="第二党小组"),
                                     person("李四", ID_B)))
    assert plan.rows[0].existing == before and plan.rows[0].member.id == before.id
    result = apply(fresh_db, plan, update_existing=False, today=TODAY)
    assert (result.added, result.updated, result.skipped) == (1, 0, 1)
    assert members.get(fresh_db, before.id) == before


def test_updating_keeps_id_and_fields_not_in_the_file(tmp_path, fresh_db):
    before = _existing(fresh_db)
    header = ["姓名", "公民身份号码", "转正日期", "联系电话", "所在党小组", "备注"]
    plan = plan_for(fresh_db, roster(tmp_path, ["张三", ID_A, "2027.03", "13812345678", "第二党小组"],
                                     header=header))
    assert "不能晚于今天" in only_row(plan).reason  # the file's own dates are still checked
    plan = plan_for(fresh_db, roster(tmp_path, ["张三", ID_A, "2026.10", "13812345678", "第二党小组"],
                                     header=header))
    row = only_row(plan)
    assert any("正式党员" in w for w in row.warnings)
    result = apply(fresh_db, plan, update_existing=True, today=TODAY)
    assert (result.added, result.updated, result.skipped) == (0, 1, 0)
    after = members.get(fresh_db, before.id)
    assert (after.phone, after.group_name, after.full_date, after.category) == (
        "13812345678", "第二党小组", "2026-10-01", "正式党员")
    assert (after.address, after.notes, after.join_date) == ("某市某路2号", "原有备注", "2026-03-01")
    assert {h["kind"] for h in members.history(fresh_db, before.id)} == {"调整党小组", "转正"}
    assert members.count(fresh_db) == 1


def test_plan_with_rejections_writes_nothing_unless_asked(tmp_path, fresh_db):
    plan = plan_for(fresh_db, roster(tmp_path, person("张三", ID_A), person("李四", "1.10105E+17"),
                                     person("王五", ID_C)))
    with pytest.raises(ValidationError, match="有 1 行未通过检查（如第3行（李四）：身份证号"):
        apply(fresh_db, plan, update_existing=True, today=TODAY)
    assert members.count(fresh_db) == 0 and branch.groups(fresh_db) == []
    result = apply(fresh_db, plan, update_existing=True, skip_rejected=True, today=TODAY)
    assert result.added == 2 and [r.row for r in result.rejected] == [3]


def test_failure_mid_apply_leaves_the_database_unchanged(tmp_path, fresh_db, db_path, monkeypatch):
    _existing(fresh_db)
    plan = plan_for(fresh_db, roster(tmp_path, person("李四", ID_B, group="新党小组"),
                                     person("王五", ID_C), person("赵六", None),
                                     person("钱七", None)))
    before_bytes = db_path.read_bytes()
    real_insert, calls = members._insert, []

    def failing_insert(db, member):
        calls.append(member.name)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_insert(db, member)

    monkeypatch.setattr(members, "_insert", failing_insert)
    with pytest.raises(RuntimeError):
        apply(fresh_db, plan, update_existing=True, today=TODAY)
    assert calls == ["李四", "王五", "赵六"]
    assert members.count(fresh_db) == 1
    assert [g.name for g in branch.groups(fresh_db)] == ["第一党小组"]
    assert db_path.read_bytes() == before_bytes


def test_row_that_became_invalid_since_planning_aborts_with_its_row(tmp_path, fresh_db):
    plan = plan_for(fresh_db, roster(tmp_path, person("张三", ID_A), person("李四", ID_B)))
    members.add(fresh_db, Member(name="李四", id_number=ID_B), today=TODAY)
    with pytest.raises(ValidationError, match="第3行：这个身份证号已属于名册中的“李四”"):
        apply(fresh_db, plan, update_existing=True, today=TODAY)
    assert members.count(fresh_db) == 1


def test_read_only_database_is_not_written(tmp_path, fresh_db):
    from branchdesk.core.errors import ReadOnlyDatabaseError

    plan = plan_for(fresh_db, roster(tmp_path, person()))
    fresh_db.read_only, fresh_db.read_only_reason = True, None
    with pytest.raises(ReadOnlyDatabaseError):
        apply(fresh_db, plan, update_existing=True)


# ---------------------------------------------------------------- .xls

def test_legacy_xls_is_read(tmp_path, fresh_db):
    xlwt = pytest.importorskip("xlwt", reason="xlwt (test-only) writes the .xls fixture")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    rows = [["党员花名册"], HEADER, person("张三", ID_A, join=None),
            person("李四", 1.10105198001010e17), ["填表人：王五"]]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is not None:
                sheet.write(r, c, value)
    sheet.write(2, 6, datetime(2001, 7, 1), dated)
    book.save(str(tmp_path / "old.xls"))
    plan = plan_for(fresh_db, tmp_path / "old.xls")
    assert plan.header.row == 2 and plan.ignored == [(5, "表尾说明")]
    first, second = plan.rows
    assert (first.member.name, first.member.join_date, first.member.phone) == (
        "张三", "2001-07-01", "13812345678")
    assert second.row == 4 and "被 Excel 当成数字保存" in second.reason
