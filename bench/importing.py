"""Roster import of 2,000 rows: planning (read + check every row) and applying (writing).

The .xlsx is made here, as a secretary's roster looks: a title row, the header, one member a
row with ID numbers as text, dates written in the usual mixed ways (date cells, "2005.07",
"2005年7月1日"), a 党小组 column. The baseline is the least any import must do: openpyxl's
read-only iteration over the same file (``load_workbook(read_only=True)`` and
``iter_rows(values_only=True)``). The goal is ≤ 2× that for planning; writing is compared with
the same baseline to show its weight.
"""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

import openpyxl

from bench.common import Result, main_for, median_ms, print_results, scratch

ROWS = 2000
# Fictional names and places (kept here, so an older checkout under BENCH_CODE can run this).
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["建国", "秀英", "志强", "丽华", "海燕", "明", "静", "伟", "芳", "军", "敏", "磊", "洋", "艳",
         "勇", "娟", "涛", "超", "霞", "平", "刚", "桂英", "晓东", "文博", "思远", "雨桐", "子涵", "佳怡"]
PLACES = ["浙江杭州", "浙江宁波", "江苏苏州", "安徽合肥", "江西南昌", "湖北武汉"]
REGIONS = ["330106", "330102", "320508", "340104", "360102", "110105"]
EDUCATION = ["大学本科", "研究生", "大学专科", "中专"]
JOBS = ["语文教师", "数学教师", "英语教师", "教务处干事", "年级组长", "校医", "图书管理员"]
HEADER = ["序号", "姓名", "性别", "民族", "公民身份号码", "出生日期", "籍贯", "学历", "人员类别", "党小组",
          "入党日期", "转正日期", "工作岗位", "联系电话", "家庭住址", "备注"]


def make_roster(path: Path, rows: int = ROWS, seed: int = 7) -> Path:
    """A fictional roster of ``rows`` members with valid (invented) ID numbers."""
    from branchdesk.core import idcard

    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["示例市教育系统党员花名册（虚构）"])
    sheet.append(HEADER)
    seen = set()
    for number in range(1, rows + 1):
        birth = date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
        female = rng.random() < 0.5
        while True:
            id_number = idcard.make_valid(f"{rng.choice(REGIONS)}{birth:%Y%m%d}"
                                          f"{rng.randint(0, 99):02d}{rng.choice('02468' if female else '13579')}")
            if id_number not in seen:
                seen.add(id_number)
                break
        join = date(birth.year + rng.randint(20, 24), rng.randint(1, 12), 1)
        full = join.replace(year=join.year + 1)
        join_text = [join, f"{join.year}.{join.month:02d}", f"{join.year}年{join.month}月{join.day}日"][number % 3]
        sheet.append([number, rng.choice(SURNAMES) + rng.choice(GIVEN), "女" if female else "男",
                      "汉族", id_number, birth, rng.choice(PLACES), rng.choice(EDUCATION), "正式党员",
                      f"第{number % 12 + 1}党小组", join_text, full, rng.choice(JOBS),
                      f"139{number:08d}", f"示例市文教路{rng.randint(1, 300)}号", ""])
    book.save(path)
    return path


def openpyxl_read(path: Path) -> int:
    """The baseline: every row's values through openpyxl's read-only reader."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def run(repeat: int = 5, stress: bool = True) -> list[Result]:
    from branchdesk.core.db import open_db
    from branchdesk.core.importing import apply, plan_file

    folder = scratch("import")
    roster = make_roster(folder / "花名册.xlsx")
    repeat = max(min(repeat, 3), 1)  # each apply needs a fresh database: keep the run short
    databases = iter(range(10 ** 6))

    def fresh():
        return open_db(folder / f"branch-{next(databases)}.sqlite3")

    baseline = median_ms(lambda: openpyxl_read(roster), repeat)
    db = fresh()
    plans = []
    planning = median_ms(lambda: plans.append(plan_file(db, roster)), repeat)
    plan = plans[-1]
    assert len(plan.accepted) == ROWS, plan.rejected[:3]
    state = {}

    def new_db():
        state["db"] = fresh()
        state["plan"] = plan_file(state["db"], roster)

    applying = median_ms(lambda: apply(state["db"], state["plan"], update_existing=False), repeat,
                         setup=new_db)
    results = [
        Result("import", f"plan {ROWS} rows (read + check)", planning, "ms", baseline, "", "≤ 2×"),
        Result("import", f"apply {ROWS} rows (write)", applying, "ms", baseline, "", "≤ 2×"),
        Result("import", "plan + apply", planning + applying, "ms", baseline, "", "≤ 2×"),
    ]
    print_results(f"Roster import, {ROWS} rows (median of {repeat})", results,
                  "openpyxl read-only iteration of the same file")
    return results


if __name__ == "__main__":
    sys.exit(main_for(run))
