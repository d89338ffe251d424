"""The shared sheet look: layout, print settings, and text that can never become a formula."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from branchdesk.core import idcard, masking
from branchdesk.core.ledger import styles
from branchdesk.core.ledger.styles import (DATE, ID, LONG_TEXT, NUMBER, PHONE, TEXT, Column,
                                           Table, add_sheet, new_workbook)

ID_NUMBER = idcard.make_valid("11010519800101002")  # fictional, valid check character
COLUMNS = [Column("序号", NUMBER), Column("姓名", TEXT), Column("出生日期", DATE),
           Column("公民身份号码", ID), Column("联系电话", PHONE), Column("备注", LONG_TEXT)]


def roundtrip(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def one_sheet(rows, columns=COLUMNS, **options):
    wb = new_workbook()
    add_sheet(wb, "测试", Table("示例党支部测试表", "截至 2026年11月29日", columns, rows), **options)
    return roundtrip(wb)["测试"]


@pytest.fixture
def sheet():
    rows = [[1, "张三", date(1980, 1, 1), ID_NUMBER, "13800000000", "备注一"],
            [2, "李四", "1990-02-03", "", "010-12345678", "很长的备注" * 20]]
    return one_sheet(rows)


# ---------------------------------------------------------------- layout

def test_title_is_merged_across_all_columns_and_centred(sheet):
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges}
    title = sheet["A1"]
    assert title.value == "示例党支部测试表"
    assert title.font.name == "SimSun" and title.font.bold and title.font.sz == 16
    assert title.alignment.horizontal == "center"


def test_subtitle_is_the_second_row(sheet):
    assert "A2:F2" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value == "截至 2026年11月29日"


def test_header_row_is_bold_grey_and_bordered(sheet):
    header = [c.value for c in sheet[styles.HEADER_ROW]]
    assert header == ["序号", "姓名", "出生日期", "公民身份号码", "联系电话", "备注"]
    for cell in sheet[styles.HEADER_ROW]:
        assert cell.font.bold and cell.font.name == "SimSun"
        assert cell.fill.fgColor.rgb.endswith("D9D9D9")
        assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"


def test_every_table_cell_is_simsun_bordered_wrapped_and_vertically_centred(sheet):
    for row in sheet.iter_rows(min_row=styles.FIRST_DATA_ROW, max_row=5):
        for cell in row:
            assert cell.font.name == "SimSun"
            assert cell.border.top.style == "thin" and cell.border.right.style == "thin"
            assert cell.alignment.wrap_text and cell.alignment.vertical == "center"


def test_the_default_font_is_simsun_too(sheet):
    assert sheet["Z99"].font.name == "SimSun"  # widths are measured in this font's digits


def test_long_text_is_left_aligned_and_short_text_centred(sheet):
    assert sheet["F4"].alignment.horizontal == "left"
    assert sheet["B4"].alignment.horizontal == "center"


def test_freeze_below_the_header_and_after_frozen_columns():
    assert one_sheet([]).freeze_panes == "A4"
    assert one_sheet([], freeze_columns=2).freeze_panes == "C4"


def test_empty_table_still_has_title_and_header():
    ws = one_sheet([])
    assert ws["A1"].value == "示例党支部测试表"
    assert ws["B3"].value == "姓名"


# ---------------------------------------------------------------- widths and heights

def width(ws, column):
    return ws.column_dimensions[column].width


def test_widths_fit_dates_ids_and_phones_without_hashes(sheet):
    assert width(sheet, "C") >= 10 * 0.95 + 1  # yyyy-mm-dd in SimSun 10 pt
    assert width(sheet, "D") >= 18 * 0.95 + 1
    assert width(sheet, "E") >= 12 * 0.95 + 1


def test_a_chinese_character_counts_double():
    assert styles.display_width("党支部") == 6
    assert styles.display_width("2026-03-15") == 10
    assert styles.display_width("Ａ１") == 4  # full-width forms


def test_text_columns_grow_with_content_up_to_their_cap():
    short = styles.column_width(Column("姓名"), ["张三"])
    longer = styles.column_width(Column("姓名"), ["欧阳娜娜"])
    capped = styles.column_width(Column("姓名", max_width=4), ["很" * 30])
    assert short < longer
    assert capped == styles.column_width(Column("姓名", width=4), [])


def test_long_text_columns_are_wide_but_capped():
    value = styles.column_width(Column("备注", LONG_TEXT), ["很" * 200])
    assert styles.column_width(Column("备注", LONG_TEXT), []) < value <= 16 * 2 * 1.1 + 2


def test_dates_and_numbers_are_never_capped():
    assert styles.column_width(Column("日期", DATE, max_width=2), ["2026-03-15"]) >= 10


def test_a_long_header_may_wrap_onto_two_lines():
    assert styles.column_width(Column("党籍状态"), ["正常"]) < styles.column_width(
        Column("党籍状态"), ["停止党籍"])


def test_wrapped_rows_are_taller(sheet):
    one_line = sheet.row_dimensions[4].height
    wrapped = sheet.row_dimensions[5].height
    assert one_line >= 15
    assert wrapped > 2 * one_line


def test_long_text_columns_widen_to_fill_a_narrow_page(sheet):
    total = sum(sheet.column_dimensions[c].width for c in "ABCDEF")
    assert styles._PAGE_UNITS_LANDSCAPE - 1 <= total <= styles._PAGE_UNITS_LANDSCAPE
    portrait = one_sheet([], landscape=False)
    assert sum(portrait.column_dimensions[c].width for c in "ABCDEF") <= 103


def test_only_automatic_long_text_columns_widen():
    columns = [Column("a"), Column("b", LONG_TEXT, width=10), Column("c", LONG_TEXT)]
    assert styles.fill_page_width([10, 21.8, 13.8], columns, False) == pytest.approx(
        [10, 21.8, 13.8 + 57.4])
    assert styles.fill_page_width([10, 20], [Column("a"), Column("b")], True) == [10, 20]
    assert styles.fill_page_width([100, 100], [Column("a"), Column("b", LONG_TEXT)], True) == [
        100, 100]


def test_line_count_follows_width_and_line_breaks():
    wide = styles.column_width(Column("x", width=10), [])
    assert styles.line_count("一二三四五", wide) == 1
    assert styles.line_count("一" * 25, wide) == 3
    assert styles.line_count("一\n二\n三", wide) == 3


# ---------------------------------------------------------------- values

def test_id_and_phone_are_text_with_text_format(sheet):
    for cell, expected in ((sheet["D4"], ID_NUMBER), (sheet["E4"], "13800000000"),
                           (sheet["E5"], "010-12345678")):
        assert cell.value == expected and isinstance(cell.value, str)
        assert cell.data_type == "s" and cell.number_format == "@"


def test_numbers_given_for_ids_are_written_as_text():
    ws = one_sheet([[1, "", None, 110105198001010023, 13800000000, ""]])
    assert ws["D4"].value == "110105198001010023"
    assert ws["E4"].value == "13800000000"


def test_dates_are_real_dates_with_iso_format(sheet):
    expected_dates = ((sheet["C4"], datetime(1980, 1, 1)), (sheet["C5"], datetime(1990, 2, 3)))
    for cell, expected in expected_dates:
        assert cell.value == expected
        assert cell.number_format == "yyyy-mm-dd"


def test_unreadable_dates_stay_as_text():
    ws = one_sheet([[1, "", "2001年7月", None, None, None]])
    assert ws["C4"].value == "2001年7月" and ws["C4"].data_type == "s"


def test_numbers_stay_numbers(sheet):
    assert sheet["A4"].value == 1 and sheet["A4"].data_type == "n"


def test_empty_values_leave_the_cell_empty(sheet):
    assert sheet["D5"].value is None
    assert sheet["D5"].number_format == "@"  # a number typed in later stays text


def test_short_rows_are_padded_and_long_rows_cut():
    ws = one_sheet([[1, "张三"], [2, "李四", None, None, None, "备注", "多余"]])
    assert ws["F4"].value is None and ws["F5"].value == "备注"
    assert ws["G5"].value is None


def test_masking_shows_each_column_as_core_masking_does():
    columns = [*COLUMNS[:2], Column("出生日期", DATE, private=masking.BIRTH), *COLUMNS[3:],
               Column("入党日期", DATE)]
    ws = one_sheet([[1, "张三", date(1980, 1, 1), ID_NUMBER, "13812345678",
                     f"电话13812345678，身份证{ID_NUMBER}", date(2001, 7, 1)]], columns, mask=True)
    assert ws["C4"].value == "1980-01" and ws["C4"].data_type == "s"
    assert ws["D4"].value == "110105************"
    assert ws["E4"].value == "138****5678"
    assert ws["F4"].value == "电话138****5678，身份证110105************"  # numbers in text
    assert ws["G4"].value == datetime(2001, 7, 1)  # other dates stay whole


def test_masking_cleans_text_before_looking_for_numbers():
    """A control character the cell cannot hold is removed before masking, so it cannot keep
    the two halves of an ID number apart from the masking and join them in the file."""
    ws = one_sheet([[1, "张三", None, None, None, ID_NUMBER[:9] + "\x01" + ID_NUMBER[9:]]],
                   mask=True)
    assert ws["F4"].value == "110105************"


@pytest.mark.parametrize("text", ["=1+1", "=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)",
                                  "＝1+1", "＋1", "－1", "＠x", "#N/A", "=", "-"])
def test_formula_like_text_stays_text(text):
    ws = one_sheet([[1, text, text, text, text, text]])
    for cell in ws[styles.FIRST_DATA_ROW][1:]:
        assert cell.data_type == "s" and cell.value == text


def test_text_starting_like_a_formula_gets_a_quote_prefix():
    ws = one_sheet([[1, "=1+1", None, None, None, "普通"]])
    assert ws["B4"].quotePrefix and not ws["F4"].quotePrefix


def test_formula_like_titles_and_headers_stay_text():
    wb = new_workbook()
    add_sheet(wb, "x", Table("=1+1", "@x", [Column("=A1")], [["-2"]]))
    ws = roundtrip(wb)["x"]
    assert [ws[c].data_type for c in ("A1", "A2", "A3", "A4")] == ["s"] * 4
    assert ws["A1"].value == "=1+1"


def test_control_characters_are_removed_not_fatal():
    ws = one_sheet([[1, "张\x00三\x07", None, None, None, "第一行\r\n第二行\x1b"]])
    assert ws["B4"].value == "张三"
    assert ws["F4"].value == "第一行\n第二行"


def test_booleans_read_as_yes_and_no():
    assert styles.clean_text(True) == "是" and styles.clean_text(False) == "否"


def test_overlong_text_is_cut_to_the_cell_limit():
    assert len(styles.clean_text("长" * 40000)) == styles.MAX_CELL_CHARS


def test_unknown_column_kind_is_refused():
    with pytest.raises(ValueError):
        Column("x", "money")


risky_text = st.one_of(
    st.text(),
    st.builds(lambda start, rest: start + rest, st.sampled_from(styles.FORMULA_STARTS + ("#",)),
              st.text()),
    st.text(alphabet=st.characters(max_codepoint=0x3f)),  # control characters and punctuation
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(risky_text, min_size=1, max_size=8))
def test_any_text_round_trips_as_text_never_a_formula(texts):
    columns = [Column(f"列{i}", kind) for i, kind in enumerate((TEXT, LONG_TEXT, ID, PHONE))]
    rows = [[text] * len(columns) for text in texts]
    ws = one_sheet(rows, columns)
    for text, row in zip(texts, ws.iter_rows(min_row=styles.FIRST_DATA_ROW)):
        expected = styles.clean_text(text) or None
        for cell in row:
            assert cell.data_type != "f"
            assert cell.value == expected


# ---------------------------------------------------------------- printing

def test_print_settings_a4_landscape_one_page_wide(sheet):
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_options.horizontalCentered


def test_header_row_repeats_on_every_page(sheet):
    assert sheet.print_title_rows.replace("$", "") == "3:3"


def test_footer_shows_page_numbers(sheet):
    assert "第 &P 页 共 &N 页" in sheet.oddFooter.center.text


def test_print_area_covers_the_table(sheet):
    assert sheet.print_area.replace("$", "").endswith("A1:F5")


def test_portrait_when_asked():
    assert one_sheet([], landscape=False).page_setup.orientation == "portrait"


def test_margins_are_sensible(sheet):
    margins = sheet.page_margins
    assert 0.2 <= margins.left <= 0.8 and 0.2 <= margins.right <= 0.8
    assert margins.bottom > margins.footer


# ---------------------------------------------------------------- workbooks

def test_new_workbook_has_no_sheets_until_added():
    wb = new_workbook()
    assert wb.sheetnames == []


def test_sheet_names_are_made_valid_and_unique():
    wb = new_workbook()
    assert styles.safe_sheet_name("a/b:c*?[d]", wb) == "a_b_c___d_"
    add_sheet(wb, "很" * 40, Table("t", "", [Column("a")]))
    assert wb.sheetnames == ["很" * 31]
    add_sheet(wb, "很" * 40, Table("t", "", [Column("a")]))
    assert wb.sheetnames[1] == "很" * 28 + "(2)"


def test_sheet_names_differing_only_in_case_are_made_unique():
    wb = new_workbook()
    add_sheet(wb, "Roster", Table("t", "", [Column("a")]))
    assert styles.safe_sheet_name("roster", wb) == "roster(2)"


def test_numbers_that_are_not_finite_are_written_as_text():
    ws = one_sheet([[float("nan"), "张三"], [float("inf"), "李四"]])
    assert ws["A4"].value == "nan" and ws["A4"].data_type == "s"
    assert ws["A5"].value == "inf"
