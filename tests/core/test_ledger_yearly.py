"""The yearly ledger: every sheet's contents, print settings, masking, date ranges, safety
against formula text, cancelling, the query count, and the CLI. All people are fictional."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from branchdesk.cli import main
from branchdesk.core import appraisals, branch, demo, idcard, meetings, members, rules, settings, talks
from branchdesk.core.errors import ValidationError
from branchdesk.core.ledger import blocks, yearly
from branchdesk.core.ledger.styles import FORMULA_STARTS, clean_text
from branchdesk.core.ledger.yearly import export_ledger
from branchdesk.core.meetings import (ABSENT, COMMITTEE, GENERAL, GROUP, LEAVE, LECTURE, LIFE,
                                      THEME_DAY, Meeting, Rectification)
from branchdesk.core.members import Member

TODAY = date(2026, 11, 29)
SHEETS = ["封面", "党员花名册", "支部党员大会", "支委会", "党小组会", "党课", "组织生活会", "主题党日",
          "谈心谈话", "民主评议", "转入登记表", "转出登记表", "发展党员", "党费收缴登记表", "党费收缴汇总", "出勤统计", "工作完成情况"]
MINUTES = "一、学习文件。\n二、讨论工作安排，与会党员逐一发言。\n会议最后，书记作了部署。"


def fake_id(birth: str, sequence: str) -> str:
    return idcard.make_valid(f"110105{birth}{sequence}")


def add_member(db, name, group_id, number, **fields) -> Member:
    values = dict(gender="男", ethnicity="汉族", join_date="2000-07-01", full_date="2001-07-01",
                  id_number=fake_id(f"1980010{number}", f"00{number}"),
                  phone=f"1380000000{number}")
    return members.add(db, Member(name=name, group_id=group_id, **{**values, **fields}),
                       today=TODAY)


def add_meeting(db, kind, on, *, marks=None, group_id=None, entered=None, **fields) -> Meeting:
    fields.setdefault("topics", ["学习文件", "研究工作"])
    fields.setdefault("content", MINUTES)
    m = Meeting(kind=kind, date=on, start_time="14:30", end_time="16:00", place="党员活动室",
                host_id=db.people["张三"].id, recorder_id=db.people["李四"].id,
                group_id=group_id, **fields)
    m.attendance = meetings.default_attendance(db, kind, date.fromisoformat(on), group_id,
                                               m.held_as)
    for entry in m.attendance:
        entry.status, entry.reason = (marks or {}).get(entry.name, (entry.status, ""))
    return meetings.save(db, m, today=entered or date.fromisoformat(on))


@pytest.fixture
def db(fresh_db):
    """A branch of five: 张三 (书记) and 李四 (组织委员) in 第一党小组 with 钱七, who left on
    2026-06-30; 王五 and 赵六 (预备党员) in 第二党小组. ``db.people`` and ``db.groups`` by name."""
    settings.put(fresh_db, {"branch_name": "示例中学教工党支部", "parent_org": "中共示例区教育工委"})
    branch.save_groups(fresh_db, ["第一党小组", "第二党小组"])
    groups = {g.name: g.id for g in branch.groups(fresh_db)}
    people = {
        "张三": add_member(fresh_db, "张三", groups["第一党小组"], 1),
        "李四": add_member(fresh_db, "李四", groups["第一党小组"], 2),
        "王五": add_member(fresh_db, "王五", groups["第二党小组"], 3),
        "赵六": add_member(fresh_db, "赵六", groups["第二党小组"], 4, category="预备党员",
                         join_date="2026-02-01", full_date=None),
        "钱七": add_member(fresh_db, "钱七", groups["第一党小组"], 5),
    }
    members.change_status(fresh_db, people["钱七"].id, "转出", date(2026, 6, 30), "调往外单位")
    branch.save_committee(fresh_db, [branch.CommitteeSeat(None, people["张三"].id, "书记"),
                                     branch.CommitteeSeat(None, people["李四"].id, "组织委员")])
    fresh_db.people, fresh_db.groups = people, groups
    return fresh_db


@pytest.fixture
def records(db):
    """A year of records, plus one meeting and one talk of the year before."""
    add_meeting(db, GENERAL, "2025-12-20")
    add_meeting(db, COMMITTEE, "2026-02-05", marks={"李四": (LEAVE, "病假")})
    add_meeting(db, COMMITTEE, "2026-01-05")
    add_meeting(db, GENERAL, "2026-03-20", entered=date(2026, 4, 10), observers="区教育工委 孙督导",
                resolution="全体同意。",
                marks={"王五": (LEAVE, "出差"), "赵六": (ABSENT, "未说明原因")})
    add_meeting(db, GROUP, "2026-02-12", group_id=db.groups["第一党小组"])
    add_meeting(db, LECTURE, "2026-05-25", topics=[], lecturer="张三", lecture_title="坚定理想信念")
    add_meeting(db, LIFE, "2026-11-20", held_as=GENERAL, marks={"王五": (LEAVE, "病假")},
                rectifications=[Rectification("学习不够深入", "制定学习计划", "李四", "2026-12-31")])
    add_meeting(db, THEME_DAY, "2026-03-15", topics=["重温入党誓词"], activity_form="集中学习",
                organiser="支部委员会", outcome="党员意识增强。")
    _talk(db, "2025-06-01", "去年的谈话")
    _talk(db, "2026-04-01", "了解思想状况", entered=date(2026, 4, 10))
    appraisals.save(db, 2026, {db.people["张三"].id: ("优秀", ""),
                                       db.people["李四"].id: ("合格", ""),
                                       db.people["王五"].id: ("合格", "表现良好")})
    return db


def _talk(db, on, topic, entered=None):
    talk = talks.Talk(date=on, place="书记办公室", talker_id=db.people["张三"].id,
                      target_ids=[db.people["王五"].id], occasion="日常", topic=topic,
                      content="交流了思想和工作情况。", feedback="希望多组织学习",
                      follow_up="纳入下季度计划", followed_up=True)
    talks.save(db, talk, today=entered or date.fromisoformat(on))


def export(db, tmp_path, name="台账.xlsx", **options):
    options.setdefault("today", TODAY)
    if not {"start", "end"} & set(options):
        options.setdefault("year", 2026)
    path = export_ledger(db, tmp_path / name, **options)
    return load_workbook(path)


def table(ws) -> list[dict]:
    """The sheet's records (rows whose 序号 is a number) as dicts by header."""
    headers = [c.value for c in ws[3]]
    return [dict(zip(headers, (c.value for c in row))) for row in ws.iter_rows(min_row=4)
            if isinstance(row[0].value, int)]


def texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


# ---------------------------------------------------------------- the workbook

def test_sheets_in_order_and_the_path_is_returned(records, tmp_path):
    path = export_ledger(records, tmp_path / "台账.xlsx", year=2026, today=TODAY)
    assert path == tmp_path / "台账.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS == yearly.sheet_names()
    assert wb.active.title == "封面"


def test_cover(records, tmp_path):
    ws = export(records, tmp_path)["封面"]
    cells = texts(ws)
    assert cells[0] == "示例中学教工党支部工作台账（2026年度）"
    facts = dict(zip(cells[1::2], cells[2::2]))
    assert facts["支部名称"] == "示例中学教工党支部"
    assert facts["上级党组织"] == "中共示例区教育工委"
    assert facts["台账年度"] == "2026年度" and facts["支部书记"] == "张三"
    assert facts["党员人数"].startswith("共 4 人，其中正式党员 3 人、预备党员 1 人")
    assert facts["支部委员会"] == "书记 张三；组织委员 李四"
    assert facts["党小组"] == "第一党小组（2 人）、第二党小组（2 人）"
    assert facts["生成日期"] == "2026年11月29日"
    assert ws["B2"].font.sz == 26 and ws["B2"].alignment.horizontal == "center"


def test_roster_is_as_of_the_year_end_and_marks_who_left(records, tmp_path):
    rows = table(export(records, tmp_path)["党员花名册"])
    assert [r["姓名"] for r in rows] == ["张三", "李四", "王五", "赵六", "钱七"]
    assert rows[-1]["备注"].startswith("2026-06-30 转出") and "调往外单位" in rows[-1]["备注"]


# ---------------------------------------------------------------- meeting sheets

def test_each_meeting_kind_has_its_meetings_of_the_year_in_date_order(records, tmp_path):
    wb = export(records, tmp_path)
    dates = {name: [r["日期"] for r in table(wb[name])] for name in SHEETS[2:8]}
    assert dates == {
        "支部党员大会": [datetime(2026, 3, 20)], "支委会": [datetime(2026, 1, 5), datetime(2026, 2, 5)],
        "党小组会": [datetime(2026, 2, 12)], "党课": [datetime(2026, 5, 25)],
        "组织生活会": [datetime(2026, 11, 20)], "主题党日": [datetime(2026, 3, 15)]}
    assert [r["序号"] for r in table(wb["支委会"])] == [1, 2]


def test_meeting_row_holds_the_whole_record(records, tmp_path):
    ws = export(records, tmp_path)["支部党员大会"]
    row = table(ws)[0]
    assert row["时间"] == "14:30–16:00" and row["地点"] == "党员活动室"
    assert row["主持人"] == "张三" and row["记录人"] == "李四"
    assert (row["应到"], row["实到"]) == (5, 3)
    assert row["请假人员及原因"] == "王五（出差）"
    assert row["缺席人员及原因"] == "赵六（未说明原因）"
    assert row["列席"] == "区教育工委 孙督导"
    assert row["议题"] == "1. 学习文件\n2. 研究工作"
    assert row["会议内容"] == MINUTES and row["决议"] == "全体同意。"
    assert row["补录"] == "补录"
    assert ws["A1"].value == "示例中学教工党支部党员大会记录"
    assert "2026年度" in ws["A2"].value and "共 1 次" in ws["A2"].value


def test_meetings_entered_in_time_are_not_marked(records, tmp_path):
    assert [r["补录"] for r in table(export(records, tmp_path)["支委会"])] == [None, None]


def test_kind_specific_columns(records, tmp_path):
    wb = export(records, tmp_path)
    assert table(wb["党小组会"])[0]["党小组"] == "第一党小组"
    lecture = table(wb["党课"])[0]
    assert lecture["主讲人"] == "张三" and lecture["题目"] == "坚定理想信念"
    life = table(wb["组织生活会"])[0]
    assert life["召开形式"] == GENERAL and (life["应到"], life["实到"]) == (4, 3)
    assert life["整改事项"] == "1. 学习不够深入 → 制定学习计划（责任人：李四；时限：2026-12-31；未完成）"


def test_life_meetings_are_listed_in_the_ledger_of_the_year_they_are_for(records, tmp_path):
    """The 2026年度 组织生活会 held in January 2027 is in the 2026 ledger with its real date,
    and the 2025年度 one held in January 2026 is not."""
    add_meeting(records, LIFE, "2026-01-20", held_as=GENERAL)  # for 2025
    add_meeting(records, LIFE, "2027-01-15", held_as=GENERAL, entered=date(2027, 1, 15))
    wb = export(records, tmp_path, today=date(2027, 2, 1))
    rows = [(r["年度"], r["日期"]) for r in table(wb["组织生活会"])]
    assert rows == [("2026", datetime(2026, 11, 20)), ("2026", datetime(2027, 1, 15))]
    life = [c for c in wb["工作完成情况"].iter_rows(min_row=4, values_only=True)
            if c[0] == "组织生活会"]
    assert life[0][1] == "✓ 2次"
    earlier = export(records, tmp_path, name="2025.xlsx", year=2025, today=date(2027, 2, 1))
    assert [r["日期"] for r in table(earlier["组织生活会"])] == [datetime(2026, 1, 20)]


def test_a_kind_without_meetings_says_so(db, tmp_path):
    ws = export(db, tmp_path)["党课"]
    assert [c.value for c in ws[3]][:3] == ["序号", "日期", "时间"]
    assert ws["A4"].value == blocks.EMPTY_TEXT
    assert f"A4:{get_column_letter(ws.max_column)}4" in {str(r) for r in ws.merged_cells}
    assert table(ws) == []


def test_theme_day_row(records, tmp_path):
    row = table(export(records, tmp_path)["主题党日"])[0]
    assert row["月份"] == "2026年3月" and row["日期"] == datetime(2026, 3, 15)
    assert row["主题"] == "重温入党誓词" and row["形式"] == "集中学习"
    assert row["组织者"] == "支部委员会" and row["地点"] == "党员活动室"
    assert (row["应到"], row["实到"]) == (5, 5)
    assert row["内容"] == MINUTES and row["成效"] == "党员意识增强。"


def test_long_minutes_carry_on_in_merged_rows(db, tmp_path):
    paragraphs = [f"{n}. " + "与会同志逐一发言，开展批评和自我批评。" * 6 for n in range(1, 31)]
    add_meeting(db, COMMITTEE, "2026-03-05", content="\n".join(paragraphs))
    add_meeting(db, COMMITTEE, "2026-04-05")
    ws = export(db, tmp_path)["支委会"]
    column = [c.value for c in ws[3]].index("会议内容") + 1
    block = [ws.cell(r, column).value for r in range(4, ws.max_row + 1)]
    first_rows = [r for r in range(4, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    assert len(first_rows) == 2 and first_rows[1] - first_rows[0] > 1
    assert "\n".join(block[:first_rows[1] - 4]) == "\n".join(paragraphs)
    assert f"A4:A{first_rows[1] - 1}" in {str(r) for r in ws.merged_cells}
    assert all(ws.row_dimensions[r].height <= 409 for r in range(4, ws.max_row + 1))


def test_split_text_breaks_between_lines_and_inside_a_very_long_line():
    text = "\n".join(["一二三四"] * 10)
    assert blocks.split_text(text, 2, max_lines=4) == ["一二三四\n一二三四"] * 5
    assert "".join(blocks.split_text("长" * 100, 5, max_lines=2)) == "长" * 100
    assert blocks.split_text("", 5) == [""]


# ---------------------------------------------------------------- talks and appraisal

def test_talks_of_the_year(records, tmp_path):
    rows = table(export(records, tmp_path)["谈心谈话"])
    assert len(rows) == 1
    row = rows[0]
    assert row["日期"] == datetime(2026, 4, 1) and row["地点"] == "书记办公室"
    assert row["谈话人"] == "张三" and row["谈话对象"] == "王五"
    assert row["形式"] == "个别谈话" and row["缘由"] == "日常" and row["主题"] == "了解思想状况"
    assert row["内容要点"] == "交流了思想和工作情况。"
    assert row["对象意见/反映问题"] == "希望多组织学习" and row["后续措施"] == "纳入下季度计划"
    assert row["是否落实"] == "是" and row["补录"] == "补录"


def test_appraisal_grades_and_summary(records, tmp_path):
    ws = export(records, tmp_path)["民主评议"]
    grades = {r["姓名"]: (r["人员类别"], r["党小组"], r["评议等次"], r["备注"]) for r in table(ws)}
    assert grades == {"张三": ("正式党员", "第一党小组", "优秀", None),
                      "李四": ("正式党员", "第一党小组", "合格", None),
                      "王五": ("正式党员", "第二党小组", "合格", "表现良好"),
                      "赵六": ("预备党员", "第二党小组", appraisals.NOT_GRADED, "预备党员")}
    summary = ws.cell(ws.max_row, 1).value
    assert summary == "2026年度评议结果：优秀 1 人、合格 2 人、基本合格 0 人、不合格 0 人；不参加评议 1 人"


def test_no_appraisal_that_year_says_so(records, tmp_path):
    ws = export(records, tmp_path, start=date(2025, 1, 1), end=date(2025, 12, 31))["民主评议"]
    assert ws["A4"].value == blocks.EMPTY_TEXT


# ---------------------------------------------------------------- attendance statistics

def stats_of(ws, name) -> dict[str, tuple[int, int, int, int]]:
    row = next(r for r in ws.iter_rows(min_row=5) if r[1].value == name)
    figures = [c.value for c in row[4:-1]]
    short = [meetings.SHORT_NAMES[k] for k in meetings.KINDS]
    return {k: tuple(figures[i * 4:i * 4 + 4]) for i, k in enumerate(short)} | {"rate": row[-1]}


def test_attendance_statistics_for_a_member(records, tmp_path):
    ws = export(records, tmp_path)["出勤统计"]
    wang = stats_of(ws, "王五")
    assert wang["党员大会"] == (1, 0, 1, 0)
    assert wang["支委会"] == ("—",) * 4  # not expected at 支委会: a dash, not four zeros
    assert wang["党课"] == (1, 1, 0, 0) and wang["组织生活会"] == (1, 0, 1, 0)
    assert wang["主题党日"] == (1, 1, 0, 0)
    assert wang["rate"].value == 0.5 and wang["rate"].number_format == "0.0%"
    assert stats_of(ws, "李四")["支委会"] == (2, 1, 1, 0)


def test_attendance_sheet_has_two_header_rows_and_the_leavers(records, tmp_path):
    ws = export(records, tmp_path)["出勤统计"]
    assert [ws.cell(3, c).value for c in range(1, 6)] == ["序号", "姓名", "人员类别", "党小组", "党员大会"]
    assert [ws.cell(4, c).value for c in range(5, 9)] == ["应\n参\n加", "出\n席", "请\n假", "缺\n席"]
    assert ws.print_title_rows.replace("$", "") == "3:4" and ws.freeze_panes == "C5"
    names = [r[1].value for r in ws.iter_rows(min_row=5)]
    assert names == ["张三", "李四", "王五", "赵六", "钱七", "合计"]
    assert [r[2].value for r in ws.iter_rows(min_row=9, max_row=9)] == ["已转出"]
    total = stats_of(ws, "合计")
    assert total["支委会"] == (4, 3, 1, 0)


def test_attendance_sheet_says_why_a_member_is_not_held_to_attend(records, tmp_path):
    wang = records.people["王五"]
    members.update(records, wang, today=TODAY, exemptions=[
        members.Exemption("经支部同意长期外出", "2026-03-01", "2026-08-31", "援疆支教一学期")])
    ws = export(records, tmp_path)["出勤统计"]
    notes = [r[0].value for r in ws.iter_rows(min_row=5) if str(r[0].value or "").startswith("注")]
    assert notes == ["注：王五不作硬性要求（经支部同意长期外出，2026-03-01 至 2026-08-31）："
                     "援疆支教一学期"]


def test_statistics_come_from_one_aggregate_query_whatever_the_number_of_meetings(
        records, tmp_path):
    def queries() -> int:
        statements = []
        records.conn.set_trace_callback(statements.append)
        try:
            export(records, tmp_path)
        finally:
            records.conn.set_trace_callback(None)
        return len(statements)

    before = queries()
    for month in range(3, 12):
        add_meeting(records, COMMITTEE, f"2026-{month:02d}-05")
        add_meeting(records, GROUP, f"2026-{month:02d}-12", group_id=records.groups["第二党小组"])
    assert queries() == before


# ---------------------------------------------------------------- 工作完成情况

def test_completion_sheet_shows_the_same_findings_as_the_dashboard(tmp_path):
    path = tmp_path / "demo.sqlite3"
    db = demo.create_demo(path, today=TODAY)
    wb = export(db, tmp_path)
    ws = wb["工作完成情况"]
    expected = [f.message for f in rules.report(db, 2026, as_of=TODAY).findings]
    assert "8月未召开支委会" in expected
    found = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    assert [m for m in found if m in expected] == expected
    grid = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 14)]
            for r in range(4, 14)}
    assert grid["支委会"][7] == "缺" and grid["支委会"][0] == "✓"
    assert grid["支部党员大会"][9] == "待完成" and grid["支委会"][11] is None
    assert "A4:A4" not in {str(r) for r in ws.merged_cells}
    assert "B9:D9" in {str(r) for r in ws.merged_cells}  # a quarter spans three months
    db.close()


def test_completion_sheet_repeats_the_findings_header(tmp_path):
    db = demo.create_demo(tmp_path / "demo.sqlite3", today=TODAY)
    ws = export(db, tmp_path)["工作完成情况"]
    row = int(ws.print_title_rows.replace("$", "").split(":")[0])
    assert [ws.cell(row, c).value for c in (1, 2, 12)] == ["类别", "事项", "期间"]
    db.close()


# ---------------------------------------------------------------- printing and masking

def test_print_settings_on_every_sheet(records, tmp_path):
    for ws in export(records, tmp_path).worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9
        assert int(ws.page_setup.fitToWidth) == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        if ws.title == "封面":  # one page, no page number, nothing to repeat
            assert int(ws.page_setup.fitToHeight) == 1 and not ws.print_title_rows
            continue
        assert int(ws.page_setup.fitToHeight) == 0, ws.title
        assert ws.print_title_rows, ws.title
        assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
        assert ws.freeze_panes and ws.freeze_panes[1:] in ("4", "5"), ws.title


def test_tables_print_at_a_legible_scale(records, tmp_path):
    for ws in export(records, tmp_path).worksheets[2:]:
        total = sum(d.width for d in ws.column_dimensions.values() if d.width)
        # A4 landscape holds ~800 pt between the margins; 1 width unit ≈ 5.25 pt.
        assert total * 5.25 * 0.78 <= 800, ws.title


def test_dates_are_dates_and_columns_wide_enough_for_them(records, tmp_path):
    ws = export(records, tmp_path)["支委会"]
    assert ws["B4"].number_format == "yyyy-mm-dd" and ws["B4"].value == datetime(2026, 1, 5)
    assert ws.column_dimensions["B"].width >= 11.8  # "2026-01-05" never shows as ####


def test_id_numbers_are_text_and_masking_hides_them(records, tmp_path):
    number = records.people["张三"].id_number
    plain = export(records, tmp_path)["党员花名册"]
    cell = plain.cell(4, 6)
    assert cell.value == number and cell.data_type == "s" and cell.number_format == "@"
    wb = export(records, tmp_path, "masked.xlsx", mask=True)
    assert wb["党员花名册"].cell(4, 6).value == number[:6] + "*" * 12
    everything = [t for ws in wb.worksheets for t in texts(ws)]
    assert not any(number in t or "13800000001" in t for t in everything)


# ---------------------------------------------------------------- date ranges

def test_a_date_range_filters_every_record_sheet(records, tmp_path):
    wb = export(records, tmp_path, start=date(2026, 2, 1), end=date(2026, 3, 31))
    assert [r["日期"] for r in table(wb["支委会"])] == [datetime(2026, 2, 5)]
    assert len(table(wb["支部党员大会"])) == 1 and len(table(wb["主题党日"])) == 1
    assert table(wb["党课"]) == [] and table(wb["谈心谈话"]) == []
    assert "2026年2月1日至2026年3月31日" in wb["支委会"]["A2"].value
    assert texts(wb["封面"])[0] == "示例中学教工党支部工作台账（2026年2月1日至2026年3月31日）"
    assert stats_of(wb["出勤统计"], "李四")["支委会"] == (1, 0, 1, 0)


def test_a_range_over_two_years(records, tmp_path):
    wb = export(records, tmp_path, start=date(2025, 12, 1), end=date(2026, 1, 31))
    assert [r["日期"] for r in table(wb["支部党员大会"])] == [datetime(2025, 12, 20)]
    assert len(table(wb["谈心谈话"])) == 0
    assert [c.value for c in wb["民主评议"][3]][:2] == ["序号", "年度"]


def test_reversed_range_is_refused(db, tmp_path):
    with pytest.raises(ValidationError, match="早于开始日期"):
        export_ledger(db, tmp_path / "x.xlsx", start=date(2026, 5, 1), end=date(2026, 4, 1))
    assert not (tmp_path / "x.xlsx").exists()


# ---------------------------------------------------------------- hostile text

_HOSTILE = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(FORMULA_STARTS + ("", " =", "\x01=", "#N/A", "=cmd|' /C calc'!A0")),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\n\r"), max_size=40))


@hsettings(max_examples=20, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=_HOSTILE, topic=_HOSTILE, place=_HOSTILE)
def test_meeting_text_never_becomes_a_formula(db, tmp_path, content, topic, place):
    saved = add_meeting(db, GENERAL, "2026-06-01", topics=[topic, "=SUM(A1)"])
    saved.content, saved.place = content, place
    saved = meetings.save(db, saved, today=TODAY)
    path = export_ledger(db, tmp_path / "台账.xlsx", start=date(2026, 6, 1),
                         end=date(2026, 6, 1), today=TODAY)
    wb = load_workbook(path, read_only=True)  # streams: much faster for a look at every cell
    assert all(c.data_type != "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)
    rows = list(wb["支部党员大会"].iter_rows(min_row=3, values_only=True))
    row = dict(zip(rows[0], rows[1]))
    wb.close()
    assert row["会议内容"] == (clean_text(saved.content) or None)
    assert row["地点"] == (clean_text(saved.place) or None)
    numbered = "\n".join(f"{n}. {t}" for n, t in enumerate(saved.topics, start=1))
    assert row["议题"] == clean_text(numbered)
    meetings.delete(db, saved.id)


# ---------------------------------------------------------------- progress and cancelling

def test_progress_is_reported_before_each_sheet(records, tmp_path):
    calls = []
    export_ledger(records, tmp_path / "a.xlsx", year=2026, today=TODAY,
                  progress=lambda percent, text: calls.append((percent, text)))
    percents = [p for p, _ in calls]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] < 100
    assert len(calls) == len(SHEETS) + 1
    assert "出勤统计" in calls[SHEETS.index("出勤统计")][1] and "保存" in calls[-1][1]


class Cancelled(Exception):
    pass


@pytest.mark.parametrize("at_call", [3, len(SHEETS) + 1])
def test_cancelling_leaves_nothing_behind(records, tmp_path, at_call):
    calls = []

    def progress(percent, text):
        calls.append(percent)
        if len(calls) == at_call:
            raise Cancelled

    with pytest.raises(Cancelled):
        export_ledger(records, tmp_path / "台账.xlsx", year=2026, progress=progress)
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob("*.tmp")) == []


def test_cancelling_keeps_an_earlier_file(records, tmp_path):
    target = tmp_path / "台账.xlsx"
    target.write_bytes(b"earlier")

    def cancel(percent, text):
        raise Cancelled

    with pytest.raises(Cancelled):
        export_ledger(records, target, year=2026, progress=cancel)
    assert target.read_bytes() == b"earlier" and list(tmp_path.glob("*.tmp")) == []


# ---------------------------------------------------------------- command line

def test_cli_exports_the_ledger(tmp_path, capsys):
    db_path = tmp_path / "demo.sqlite3"
    demo.create_demo(db_path, today=TODAY).close()
    out = tmp_path / "台账.xlsx"
    assert main(["export-ledger", "--db", str(db_path), "--year", "2026", "-o", str(out)]) == 0
    assert load_workbook(out).sheetnames == SHEETS
    assert "已导出工作台账" in capsys.readouterr().out


def test_cli_range_and_mask(tmp_path):
    db_path = tmp_path / "demo.sqlite3"
    demo.create_demo(db_path, today=TODAY).close()
    out = tmp_path / "台账.xlsx"
    assert main(["export-ledger", "--db", str(db_path), "--from", "2026-03-01", "--to",
                 "2026-05-31", "--mask", "-o", str(out)]) == 0
    ws = load_workbook(out)["党员花名册"]
    assert "*" in ws.cell(4, 6).value


def test_the_ledger_file_name_for_a_year_and_for_a_range():
    from branchdesk.core.ledger.period import file_name

    assert file_name("示例党支部", year=2026) == "示例党支部2026年度工作台账.xlsx"
    assert file_name("示例党支部", start=date(2026, 3, 1), end=date(2026, 6, 30)) == \
        "示例党支部工作台账_20260301-20260630.xlsx"


def test_a_masked_ledger_masks_numbers_in_an_exemption_reason(records, tmp_path):
    members.update(records, records.people["王五"], today=TODAY, exemptions=[
        members.Exemption("老弱病残", "2026-03-01", None, "住院，家属电话13912345678")])
    ws = export(records, tmp_path, mask=True)["出勤统计"]
    notes = [r[0].value for r in ws.iter_rows(min_row=5) if str(r[0].value or "").startswith("注")]
    assert len(notes) == 1 and "13912345678" not in notes[0] and "住院" in notes[0]
