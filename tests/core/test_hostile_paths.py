"""Issue-16 paths: demo data never replaces a real branch; read-only places; odd files."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

import pytest

from branchdesk import paths
from branchdesk.cli import main
from branchdesk.core import backup, branch, demo, settings
from branchdesk.core.db import open_db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _real_branch(path: Path) -> Path:
    db = open_db(path)
    settings.put(db, {"branch_name": "某某党支部", "setup_done": True})
    branch.ensure_group(db, "第一党小组")
    db.close()
    return path


def test_demo_force_never_replaces_a_real_branch(tmp_path, _home, capsys):
    path = _real_branch(paths.default_db_path())  # BRANCHDESK_HOME, no --db: the real branch
    digest = _digest(path)
    assert main(["demo", "--force"]) == 0  # the demo has a file of its own
    assert str(paths.demo_db_path()) in capsys.readouterr().out
    assert settings.get(open_db(paths.demo_db_path()), "is_demo")
    assert main(["demo", "--force", "--db", str(path)]) != 0  # named: refused
    assert "真实支部" in capsys.readouterr().err
    assert _digest(path) == digest


def test_a_demo_branch_is_replaced_only_once_the_new_one_is_complete(tmp_path, monkeypatch):
    path = tmp_path / "demo.sqlite3"
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    digest = _digest(path)

    def fails(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(demo, "populate", fails)
    with pytest.raises(OSError):
        demo.create_demo(path, overwrite=True)
    assert _digest(path) == digest  # the earlier demo is still there
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_demo_force_replaces_an_earlier_demo_after_a_backup(tmp_path):
    path = tmp_path / "demo.sqlite3"
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    assert main(["demo", "--force", "--db", str(path)]) == 0
    kept = list(paths.backups_dir(path).glob("demo-before-demo-*.sqlite3"))
    assert len(kept) == 1 and backup.inspect_file(kept[0]).ok


def _roster_book():
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    return wb


def _fill(ws, names):
    ws.append(["姓名", "身份证号", "入党日期", "人员类别", "党小组", "联系电话", "学历"])
    for name in names:
        ws.append([name, "", "2001-07-01", "正式党员", "", "", ""])


def test_a_workbook_with_a_chart_sheet_imports_its_roster(tmp_path, capsys):
    from openpyxl.chart import BarChart, Reference

    wb = _roster_book()
    chart_sheet = wb.create_chartsheet("图表")
    ws = wb.create_sheet("花名册")
    _fill(ws, ["张三"])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=2))
    chart_sheet.add_chart(chart)
    wb.save(tmp_path / "r.xlsx")
    assert main(["import-members", str(tmp_path / "r.xlsx"), "--db", str(tmp_path / "b.sqlite3"),
                 "--dry-run"]) == 0
    assert "张三" in capsys.readouterr().out


def test_a_visible_roster_wins_over_a_fuller_hidden_sheet_and_the_user_can_pick(tmp_path, capsys):
    wb = _roster_book()
    hidden = wb.create_sheet("旧名册")
    _fill(hidden, ["李四"])
    hidden.sheet_state = "hidden"
    visible = wb.create_sheet("花名册")
    visible.append(["姓名", "身份证号"])
    visible.append(["张三", ""])
    wb.save(tmp_path / "r.xlsx")
    db = str(tmp_path / "b.sqlite3")
    assert main(["import-members", str(tmp_path / "r.xlsx"), "--db", db, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "张三" in out and "李四" not in out
    assert main(["import-members", str(tmp_path / "r.xlsx"), "--db", db, "--dry-run",
                 "--sheet", "旧名册"]) == 0
    assert "李四" in capsys.readouterr().out


def test_read_commands_work_in_a_read_only_folder(tmp_path, monkeypatch, capsys):
    import os

    path = _real_branch(tmp_path / "b.sqlite3")
    real_open = os.open

    def refuse_lock(name, flags, *args):  # root ignores chmod: simulate a read-only folder
        if str(name).endswith(".lock"):
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", refuse_lock)
    assert main(["meetings", "--db", str(path)]) == 0
    assert main(["verify", "--db", str(path)]) == 0
    assert main(["import-members", str(tmp_path / "none.xlsx"), "--db", str(path)]) == 2
    assert "只读" in capsys.readouterr().err


def test_a_read_only_database_file_is_opened_read_only(tmp_path, monkeypatch, capsys):
    import os

    from branchdesk.core.errors import ReadOnlyDatabaseError

    path = _real_branch(tmp_path / "b.sqlite3")
    digest = _digest(path)
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != path)
    db = open_db(path)
    assert db.read_only
    db.close()
    wb = _roster_book()
    _fill(wb.create_sheet("花名册"), ["张三"])
    wb.save(tmp_path / "r.xlsx")
    assert main(["import-members", str(tmp_path / "r.xlsx"), "--db", str(path)]) == 2
    assert "只读" in capsys.readouterr().err
    assert _digest(path) == digest
    assert issubclass(type(open_db(path).read_only_reason), ReadOnlyDatabaseError)


def test_a_database_with_a_second_hard_link_is_refused(tmp_path):
    import os

    import pytest

    from branchdesk.core.errors import DatabaseError

    path = _real_branch(tmp_path / "b.sqlite3")
    os.link(path, tmp_path / "other-name.sqlite3")
    with pytest.raises(DatabaseError, match="硬链接"):
        open_db(path)
    assert main(["meetings", "--db", str(tmp_path / "other-name.sqlite3")]) == 2


def test_manifest_cells_never_start_a_formula(tmp_path):
    from branchdesk.core.package import WrittenFile, manifest_text, read_manifest

    written = [WrittenFile("=HYPERLINK(\"http://x\")台账.xlsx", 10, "ab" * 32, "-1+1"),
               WrittenFile("签到表/a.pdf", 5, "cd" * 32, "签到表")]
    text = manifest_text(written)
    import csv
    import io

    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    (tmp_path / "清单.csv").write_text(text, encoding="utf-8")
    assert read_manifest(tmp_path / "清单.csv") == written


def test_litter_of_a_killed_backup_is_removed_by_the_next_one(tmp_path):
    path = _real_branch(tmp_path / "b.sqlite3")
    folder = paths.backups_dir(path)
    folder.mkdir(parents=True)
    dead = 2**22 + 12345  # beyond Linux's default pid_max: no such process
    litter = [folder / f"b-20261201-101010.sqlite3.{dead}.partial",
              folder / f"b-20261201-101010.sqlite3.{dead}.partial-journal"]
    for file in litter:
        file.write_bytes(b"x" * 1000)  # just written: younger than the hour-long grace
    alive = folder / f"b-20261201-101011.sqlite3.{os.getpid()}.partial"
    alive.write_bytes(b"x")
    backup.make_backup(path)
    assert not any(file.exists() for file in litter)
    assert alive.exists()  # this process may still be writing it


def test_backup_of_a_file_from_a_newer_version_reports_its_real_counts(tmp_path, capsys):
    import sqlite3

    path = _real_branch(tmp_path / "b.sqlite3")
    db = open_db(path)
    from branchdesk.core import members
    from branchdesk.core.members import Member
    members.add(db, Member(name="张三", category="正式党员"))
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    assert main(["backup", "--db", str(path)]) == 0
    assert "党员（含已离开） 1" in capsys.readouterr().out
