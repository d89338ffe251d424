"""``branchdesk dues`` and ``branchdesk import-dues-base``: output, exit codes, all-or-nothing."""

import json
import subprocess
import sys
from datetime import date

import openpyxl
import pytest

from branchdesk.cli import main
from branchdesk.core import dues, members
from branchdesk.core.db import open_db
from branchdesk.core.dues import Base, Payment
from branchdesk.core.members import Member

ID_A = "110101199003078515"  # fictional, valid check digit


@pytest.fixture
def branch(db_path):
    db = open_db(db_path)
    a = members.add(db, Member(name="张三", id_number=ID_A, join_date="2010-01-01"))
    b = members.add(db, Member(name="李四", join_date="2010-01-01"))
    members.add(db, Member(name="王五", join_date="2010-01-01"))
    members.add(db, Member(name="王五", join_date="2012-01-01"))
    dues.set_base(db, Base(a.id, "2026-01-01", dues.WORKING, 450000))
    dues.set_base(db, Base(b.id, "2026-01-01", dues.STUDENT))
    dues.add_payment(db, Payment(a.id, "2026-02-03", 9000), today=date(2026, 3, 1))
    db.close()
    return db_path


def sheet(path, header, rows, title=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_dues_json_shape(branch, capsys):
    assert main(["dues", "--db", str(branch), "--year", "2026", "--as-of", "2026-03-15",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["year"] == 2026 and out["as_of"] == "2026-03-15"
    zhang = next(m for m in out["members"] if m["name"] == "张三")
    assert set(zhang) == {"member_id", "name", "id_number", "category", "base", "rate", "months",
                          "due_total", "paid_total"}
    assert zhang["id_number"] == ID_A and zhang["category"] == "在职"
    assert zhang["base"] == "4500.00" and zhang["rate"] == "1%"
    assert list(zhang["months"]) == [f"2026-{n:02d}" for n in range(1, 13)]
    assert zhang["months"]["2026-01"] == {"status": "paid", "due": "45.00", "paid": "45.00"}
    assert zhang["months"]["2026-03"] == {"status": "unpaid", "due": "45.00", "paid": None}
    assert zhang["months"]["2026-04"]["status"] == "not_due"
    assert zhang["due_total"] == "135.00" and zhang["paid_total"] == "90.00"
    li = next(m for m in out["members"] if m["name"] == "李四")
    assert li["base"] is None and li["rate"] is None and li["months"]["2026-01"]["due"] == "0.20"
    wang = [m for m in out["members"] if m["name"] == "王五"]
    assert wang[0]["category"] is None and wang[0]["months"]["2026-01"]["due"] is None


def test_dues_mask_hides_id_and_amounts(branch, capsys):
    assert main(["dues", "--db", str(branch), "--year", "2026", "--as-of", "2026-03-15",
                 "--json", "--mask"]) == 0
    text = capsys.readouterr().out
    assert ID_A not in text and "4500" not in text and "45.00" not in text
    zhang = next(m for m in json.loads(text)["members"] if m["name"] == "张三")
    assert zhang["months"]["2026-01"]["status"] == "paid" and zhang["base"] is None


def test_dues_text(branch, capsys):
    assert main(["dues", "--db", str(branch), "--year", "2026", "--as-of", "2026-03-15"]) == 0
    out = capsys.readouterr().out
    assert "张三\t在职\t已交·补\t已交\t待交" in out  # March is under way on 15 March and "2026年2月" in out


def test_import_dues_base_dry_run_then_write(branch, tmp_path, capsys):
    path = sheet(tmp_path / "工资.xlsx", ["序号", "姓名", "身份证号", "月工资收入（税后）", "交纳类别"],
                 [[1, "张三", ID_A, 5200, "在职"], [2, "李四", None, "3000.5", None]],
                 title="2027年党费计算基数")
    assert main(["import-dues-base", str(path), "--year", "2027", "--db", str(branch),
                 "--dry-run"]) == 0
    assert "可导入 2 行" in capsys.readouterr().out
    db = open_db(branch)
    assert [b.start_date for b in dues.bases(db, 1)] == ["2026-01-01"]
    db.close()
    assert main(["import-dues-base", str(path), "--year", "2027", "--db", str(branch)]) == 0
    db = open_db(branch)
    assert [(b.start_date, b.base_fen) for b in dues.bases(db, 1)] == [
        ("2026-01-01", 450000), ("2027-01-01", 520000)]
    # 李四 was 学生: the category is kept and a flat category takes no base
    assert dues.bases(db, 2)[-1] == Base(2, "2027-01-01", dues.STUDENT, None, id=dues.bases(db, 2)[-1].id)
    db.close()
    assert main(["import-dues-base", str(path), "--year", "2027", "--db", str(branch)]) == 0
    assert "跳过已有同日基数的 2 人" in capsys.readouterr().out


def test_import_dues_base_ambiguous_name_rejects_everything(branch, tmp_path, capsys):
    path = sheet(tmp_path / "b.xlsx", ["姓名", "基数"], [["张三", 5000], ["王五", 4000]])
    assert main(["import-dues-base", str(path), "--year", "2027", "--db", str(branch)]) == 1
    out = capsys.readouterr().out
    assert "名册中有 2 名党员叫“王五”" in out and "未写入任何数据" in out
    db = open_db(branch)
    assert len(dues.bases(db, 1)) == 1
    db.close()


@pytest.mark.parametrize("rows, why", [
    ([["赵无", 5000]], "名册中没有这名党员"),
    ([["张三", "五千"]], "不是金额"),
    ([["张三", 5000], ["张三", 5100]], "同一人不能导入两次"),
])
def test_import_dues_base_bad_rows(branch, tmp_path, capsys, rows, why):
    path = sheet(tmp_path / "c.xlsx", ["姓名", "工资收入"], rows)
    assert main(["import-dues-base", str(path), "--year", "2027", "--db", str(branch)]) == 1
    assert why in capsys.readouterr().out


def test_import_dues_base_unreadable_file(branch, tmp_path, capsys):
    bad = tmp_path / "x.xlsx"
    bad.write_text("not excel")
    assert main(["import-dues-base", str(bad), "--year", "2027", "--db", str(branch)]) == 2


HOLD = ("import sys, time\nfrom branchdesk.core.single_writer import DatabaseLock\n"
        "lock = DatabaseLock(sys.argv[1]); lock.acquire()\nprint('held', flush=True)\ntime.sleep(60)\n")


def test_import_dues_base_refused_while_the_window_holds_the_file(branch, tmp_path, capsys):
    path = sheet(tmp_path / "d.xlsx", ["姓名", "基数"], [["张三", 5000]])
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(branch)], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        assert main(["import-dues-base", str(path), "--year", "2027", "--db", str(branch)]) == 2
        assert main(["dues", "--db", str(branch), "--year", "2026"]) == 0  # reading is fine
    finally:
        child.kill()
        child.wait()
