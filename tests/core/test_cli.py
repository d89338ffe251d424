from datetime import date

import openpyxl
import pytest

from branchdesk.core import driver  # the app's SQLite errors (not sqlite3's)
from branchdesk.cli import main
from branchdesk.core import demo, idcard, members
from branchdesk.core.db import open_db


def roster(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "入党日期", "人员类别"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_import_members_all_valid(tmp_path, capsys):
    db_path = tmp_path / "b.sqlite3"
    path = roster(tmp_path / "r.xlsx", [["张三", idcard.make_valid("11010519800101001"), "2001.07", "正式"]])
    assert main(["import-members", str(path), "--db", str(db_path), "--dry-run"]) == 0
    assert members.count(open_db(db_path)) == 0
    assert main(["import-members", str(path), "--db", str(db_path)]) == 0
    assert "新增 1 人" in capsys.readouterr().out
    assert members.count(open_db(db_path)) == 1


def test_import_members_rejects_and_writes_nothing(tmp_path, capsys):
    db_path = tmp_path / "b.sqlite3"
    path = roster(tmp_path / "r.xlsx", [["张三", idcard.make_valid("11010519800101001"), "2001.07", "正式"],
                                        ["李四", "110105198001010020", "2001.07", "正式"]])
    assert main(["import-members", str(path), "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "第3行" in out and "校验位" in out
    assert members.count(open_db(db_path)) == 0


def test_import_unreadable_file_exit_2(tmp_path, capsys):
    bad = tmp_path / "x.xlsx"
    bad.write_text("hello")
    assert main(["import-members", str(bad), "--db", str(tmp_path / "b.sqlite3")]) == 2
    assert "错误" in capsys.readouterr().err


def test_update_existing(tmp_path, capsys):
    db_path = tmp_path / "b.sqlite3"
    number = idcard.make_valid("11010519800101001")
    roster(tmp_path / "a.xlsx", [["张三", number, "2001.07", "正式"]])
    main(["import-members", str(tmp_path / "a.xlsx"), "--db", str(db_path)])
    roster(tmp_path / "b.xlsx", [["张三", number, "2002.07", "正式"]])
    assert main(["import-members", str(tmp_path / "b.xlsx"), "--db", str(db_path)]) == 0
    assert members.list_members(open_db(db_path))[0].join_date == "2001-07-01"
    assert main(["import-members", str(tmp_path / "b.xlsx"), "--db", str(db_path), "--update-existing"]) == 0
    assert members.list_members(open_db(db_path))[0].join_date == "2002-07-01"


def test_export_members_and_meetings_listing(tmp_path, capsys):
    db_path = tmp_path / "d.sqlite3"
    assert main(["demo", "--db", str(db_path)]) == 0
    assert main(["demo", "--db", str(db_path)]) == 1  # refuses to overwrite
    out = tmp_path / "roll.xlsx"
    assert main(["export-members", "--db", str(db_path), "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    headers = [c.value for c in sheet[3]]
    for name in ("姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "人员类别", "党小组",
                 "入党日期", "转正日期", "联系电话"):
        assert name in headers
    capsys.readouterr()
    assert main(["meetings", "--db", str(db_path), "--kind", "支委会"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("共 ") and "支部委员会会议" in lines[0]


def test_bad_database_file_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"garbage" * 200)
    assert main(["meetings", "--db", str(bad)]) == 2
    assert "不是有效的数据库文件" in capsys.readouterr().err


def test_talks_and_theme_days_listing(tmp_path, capsys):
    db_path = tmp_path / "d.sqlite3"
    demo.create_demo(db_path, today=date(2026, 11, 29)).close()
    assert main(["talks", "--db", str(db_path), "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "→" in out and out.splitlines()[-1].startswith("共 ")
    assert main(["theme-days", "--db", str(db_path), "--year", "2026"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "共 10 条" and "2026-01" in lines[0]
    assert main(["meetings", "--db", str(db_path)]) == 0
    assert "\t主题党日\t" not in capsys.readouterr().out


def test_help_and_usage_errors_are_in_chinese(capsys):
    with pytest.raises(SystemExit) as shown:
        main(["--help"])
    out = capsys.readouterr().out
    assert shown.value.code == 0 and out.startswith("用法：branchdesk")
    assert "显示本帮助并退出" in out and "show this help" not in out and "positional" not in out
    with pytest.raises(SystemExit) as failed:
        main(["check", "--year", "明年"])
    assert failed.value.code == 2
    assert "错误：参数 --year：值“明年”无效（应为 整数）" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["minutes"])
    assert "缺少必需的参数：会议编号, -o/--output" in capsys.readouterr().err


def test_every_exit_code_is_documented_in_the_readme():
    from pathlib import Path

    from branchdesk.core import errors

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    codes = {name: value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert len(codes) == 7
    for value in codes.values():
        assert f"\n| {value} | " in readme, value


def test_each_error_kind_has_its_exit_code():
    from branchdesk.core import errors, files

    assert errors.ValidationError({"x": "y"}).exit_code == 1
    assert errors.DamagedDatabaseError("x").exit_code == 2
    assert errors.ImportFileError("x").exit_code == 2
    assert files.FileWriteError("x").exit_code == 4
    assert files.FileReadError("x").exit_code == 2


def test_an_unknown_meeting_is_exit_1(tmp_path, capsys, qapp):
    db_path = tmp_path / "d.sqlite3"
    assert main(["demo", "--db", str(db_path)]) == 0
    assert main(["minutes", "999999", "-o", str(tmp_path / "m.pdf"), "--db", str(db_path)]) == 1
    assert "错误：" in capsys.readouterr().err and not (tmp_path / "m.pdf").exists()


def test_an_unforeseen_database_error_is_words_and_exit_2_not_a_traceback(tmp_path, capsys,
                                                                          monkeypatch):
    from branchdesk.core import meetings

    db_path = tmp_path / "d.sqlite3"
    open_db(db_path).close()

    def fails(*_args, **_kwargs):
        raise driver.OperationalError("disk I/O error")

    monkeypatch.setattr(meetings, "list_meetings", fails)
    assert main(["meetings", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "操作没有完成" in err and "disk I/O error" in err and "Traceback" not in err


def test_each_command_says_what_it_does_in_its_help(capsys):
    from branchdesk.cli import COMMANDS

    for command in COMMANDS:
        with pytest.raises(SystemExit):
            main([command.name, "--help"])
        assert command.help in capsys.readouterr().out, command.name


def test_ctrl_c_in_any_command_exits_130_without_a_traceback(tmp_path, capsys, monkeypatch):
    from branchdesk.core import backup

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    db_path = tmp_path / "d.sqlite3"
    demo.create_demo(db_path, today=date(2026, 11, 29)).close()
    monkeypatch.setattr(backup, "inspect_file", interrupted)
    assert main(["verify", "--db", str(db_path)]) == 130
    assert capsys.readouterr().err == "错误：已中断。\n"


def test_recruits_json_has_the_documented_shape(tmp_path, capsys):
    import json

    from branchdesk.core import recruitment
    from branchdesk.core.recruitment import Recruit, StepRecord

    db_path = tmp_path / "b.sqlite3"
    db = open_db(db_path)
    r = recruitment.add(db, Recruit(name="赵晓明"), "2026-01-05", today=date(2026, 11, 30))
    recruitment.record_step(db, r.id, StepRecord(3, "2026-03-01"), today=date(2026, 11, 30))
    db.close()
    assert main(["recruits", "--json", "--as-of", "2026-11-30", "--db", str(db_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2026-11-30"
    (person,) = out["people"]
    assert person == {"id": r.id, "name": "赵晓明", "stage": "入党积极分子",
                      "steps": {"1": "2026-01-05", "3": "2026-03-01"},
                      "next": {"step": 2, "name": "党组织派人谈话", "due": "2026-02-04"},
                      "overdue": True}
    assert main(["recruits", "--as-of", "2026-11-30", "--db", str(db_path)]) == 0
    assert "赵晓明\t入党积极分子" in capsys.readouterr().out
