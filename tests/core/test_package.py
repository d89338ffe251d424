"""The USB package: folder layout, names, the manifest, masking, re-running, cancelling, the
real PDF painters and the command line. Fault injection is in test_package_faults.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from branchdesk import cli
from branchdesk.cli import main
from branchdesk.core import meetings, package
from branchdesk.core.package import (MANIFEST, README, UNFINISHED, plan_package, read_manifest,
                                     safe_name, write_package)
from tests.core.package_helpers import (TODAY, YEAR, fake_ledger, fake_writers, make_branch,
                                        sha256, temporaries, tree)

FOLDER = "示例市第一中学教工党支部台账_2026"
LEDGER = "示例市第一中学教工党支部2026年度工作台账.xlsx"
PHOTOS = "附件/03月/支部党员大会"


@pytest.fixture(scope="module")
def branch_db(tmp_path_factory):
    db = make_branch(tmp_path_factory.mktemp("branch"))
    yield db
    db.close()


@pytest.fixture
def stick(tmp_path):
    path = tmp_path / "stick"
    path.mkdir()
    return path


def write(db, stick, **kwargs):
    kwargs.setdefault("pdf_writers", fake_writers())
    return write_package(db, stick, YEAR, today=TODAY, **kwargs)


@pytest.fixture(scope="module")
def written(branch_db, tmp_path_factory):
    """One package written with the real ledger and fake PDFs; tests only read it."""
    stick = tmp_path_factory.mktemp("stick")
    return write(branch_db, stick), stick


def year_meetings(db) -> list[meetings.MeetingSummary]:
    return meetings.list_meetings(db, year=YEAR)


# ---------------------------------------------------------------- layout and names

def test_folder_layout_and_names(written, branch_db):
    result, stick = written
    assert result.folder == stick / FOLDER
    files = tree(result.folder)
    count = len(year_meetings(branch_db))
    assert count == 58  # 三会一课 and 主题党日 of the demo year
    assert LEDGER in files and README in files and MANIFEST in files
    assert len([n for n in files if n.startswith("签到表/")]) == count
    assert len([n for n in files if n.startswith("会议记录/")]) == count
    assert "签到表/2026-03-20_支部党员大会_签到表.pdf" in files
    assert "会议记录/2026-03-20_支部党员大会_会议记录.pdf" in files
    assert "会议记录/2026-03-15_主题党日_活动记录.pdf" in files
    assert "签到表/2026-03-12_第一党小组会_签到表.pdf" in files
    assert UNFINISHED not in files and not temporaries(stick)


def test_every_pdf_is_the_form_of_its_meeting(written):
    files = tree(written[0].folder)
    assert files["签到表/2026-03-20_支部党员大会_签到表.pdf"] == \
        "%PDF-1.4 v1 示例市第一中学教工党支部党员大会签到表".encode()
    assert files["会议记录/2026-03-15_主题党日_活动记录.pdf"] == \
        "%PDF-1.4 v1 示例市第一中学教工党支部主题党日活动记录".encode()


def test_attachments_by_month_and_kind_with_unique_names(written):
    files = tree(written[0].folder)
    attached = {name: data for name, data in files.items() if name.startswith("附件/")}
    assert attached == {
        f"{PHOTOS}/照片.jpg": b"photo one", f"{PHOTOS}/照片_2.jpg": b"photo two",
        f"{PHOTOS}/IMG.JPG": b"upper", f"{PHOTOS}/img_2.jpg": b"lower",
        f"{PHOTOS}/a_b__c_.png": b"odd name", "附件/09月/谈心谈话/谈话记录.pdf": b"talk scan"}
    assert written[0].missing == ["2026-03-20 支部党员大会：丢失.jpg"]


def test_every_name_is_safe_on_windows(written):
    for name in tree(written[0].folder):
        for part in name.split("/"):
            assert not re.search(r'[\\/:*?"<>|]', part) and len(part) <= 80
            assert part == part.strip(" .")


@pytest.mark.parametrize("given, expected", [
    ("a:b?<c>.png", "a_b__c_.png"), ("CON.txt", "_CON.txt"), ("nul", "_nul"),
    ("报告. ", "报告"), ("", "未命名"), ("..", "未命名"), ('会议"记录"|1/2', "会议_记录__1_2"),
    ("x" * 200 + ".jpeg", "x" * 75 + ".jpeg"), ("长" * 100, "长" * 80),
    ("archive.tar.gz", "archive.tar.gz"), (".bashrc", "bashrc")])
def test_safe_name(given, expected):
    assert safe_name(given) == expected


def test_readme_explains_the_contents_in_chinese(written):
    text = (written[0].folder / README).read_bytes()
    assert text.startswith("\ufeff".encode()) and b"\r\n" in text
    readme = text.decode("utf-8-sig")
    for words in (LEDGER, "签到表", "会议记录", "附件", "清单.csv", "SHA-256", "certutil",
                  "sha256sum", "已隐藏关键部分", "2026年11月29日", "丢失.jpg"):
        assert words in readme


def readme_entries(folder: Path) -> set[str]:
    """The files and folders README.txt says the package holds ("签到表\\", "清单.csv" …)."""
    lines = (folder / README).read_text(encoding="utf-8-sig").split("一、文件夹内容")[1]
    lines = lines.split("二、")[0].splitlines()
    return {line.strip().split("：")[0].rstrip("\\") for line in lines if line.strip()}


def test_readme_lists_exactly_what_the_package_holds(written):
    folder = written[0].folder
    assert readme_entries(folder) == {p.name for p in folder.iterdir()}


def test_readme_of_a_year_without_attachments_names_no_attachment_folder(fresh_db, stick,
                                                                        monkeypatch):
    """The README used to name a 附件 folder that a year without attachments does not have."""
    from tests.core.test_printing import general_meeting, make_branch as make_small_branch

    monkeypatch.setattr(package, "ledger_bytes", fake_ledger())
    make_small_branch(fresh_db, 8)
    general_meeting(fresh_db)
    result = write(fresh_db, stick)
    assert readme_entries(result.folder) == {p.name for p in result.folder.iterdir()}
    readme = (result.folder / README).read_text(encoding="utf-8-sig")
    assert "附件" not in readme and not (result.folder / "附件").exists()
    assert "共 1 份" in readme


def test_summary(written):
    text = written[0].summary()
    assert f"已写入 {len(written[0].files)} 个文件" in text and "核对" in text
    assert "已隐藏" in text and "丢失" in text


# ---------------------------------------------------------------- the manifest

def test_manifest_lists_every_file_with_size_and_sha256(written):
    folder = written[0].folder
    files = tree(folder)
    rows = read_manifest(folder / MANIFEST)
    assert {r.name for r in rows} == set(files) - {MANIFEST}
    for row in rows:
        assert row.size == len(files[row.name]) and row.sha256 == sha256(files[row.name])
    assert rows[0].name == LEDGER and rows[0].note == "2026年度工作台账"
    assert (folder / MANIFEST).read_bytes().startswith("\ufeff文件,".encode())


def test_plan_estimates_at_least_the_attachments(branch_db):
    plan = plan_package(branch_db, YEAR)
    assert plan.folder_name == FOLDER
    assert plan.estimated_bytes > sum(len(b) for b in (b"photo one", b"photo two", b"talk scan"))
    assert len(plan.items) == 1 + 2 * 58 + 6 + 6  # ledger, forms, 纪实表, attachments


# ---------------------------------------------------------------- masking

def id_numbers(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT id_number FROM members WHERE id_number != ''")]


def ledger_text(path: Path) -> str:
    wb = load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                     if c.value is not None)


def test_the_ledger_is_masked_by_default(written, branch_db):
    text = ledger_text(written[0].folder / LEDGER)
    numbers = id_numbers(branch_db)
    assert numbers and not [n for n in numbers if n in text]
    assert re.search(r"\d{6}\*{12}", text)  # the masked form is there


def test_unmasked_package_says_so(branch_db, stick):
    result = write(branch_db, stick, mask=False)
    text = ledger_text(result.folder / LEDGER)
    assert any(n in text for n in id_numbers(branch_db))
    assert "完整的身份证号" in (result.folder / README).read_text(encoding="utf-8-sig")
    assert "完整的身份证号" in result.summary()


# ---------------------------------------------------------------- re-running and cancelling

def test_rerun_replaces_every_file_and_keeps_strangers(branch_db, stick, monkeypatch):
    monkeypatch.setattr(package, "ledger_bytes", fake_ledger("v1"))
    first = write(branch_db, stick)
    (first.folder / "我的笔记.txt").write_text("手动放入")
    monkeypatch.setattr(package, "ledger_bytes", fake_ledger("v2"))
    second = write(branch_db, stick, pdf_writers=fake_writers("v2"))
    files = tree(second.folder)
    assert all(b" v2 " in data for name, data in files.items() if name.endswith(".pdf")
               and not name.startswith("附件/"))
    assert files[LEDGER].startswith(b"PK ledger v2")
    assert second.extra == ["我的笔记.txt"] and "1 个不是这次写入的文件" in second.summary()
    rows = read_manifest(second.folder / MANIFEST)
    assert all(r.sha256 == sha256(files[r.name]) for r in rows)
    assert not temporaries(stick)


def test_stale_temporaries_of_a_killed_run_are_removed(branch_db, stick, monkeypatch):
    monkeypatch.setattr(package, "ledger_bytes", fake_ledger())
    left = stick / FOLDER / "签到表" / ".branchdesk-0123456789ab.tmp"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"half")
    write(branch_db, stick)
    assert not temporaries(stick)


@pytest.mark.parametrize("at", [1, 2, 7, 60, 118])
def test_cancel_stops_leaves_no_temporaries_and_marks_the_package(branch_db, stick, monkeypatch,
                                                                  at):
    monkeypatch.setattr(package, "ledger_bytes", fake_ledger())
    calls = []

    def progress(percent, text):
        calls.append((percent, text))
        if len(calls) == at:
            raise KeyboardInterrupt  # what 取消 raises does not matter

    with pytest.raises(KeyboardInterrupt):
        write(branch_db, stick, progress=progress)
    folder = stick / FOLDER
    assert (folder / UNFINISHED).is_file() and not (folder / MANIFEST).exists()
    assert not temporaries(stick)
    assert len([n for n in tree(folder) if n.endswith(".pdf")]) <= at


def test_progress_counts_up_and_names_each_file(branch_db, stick, monkeypatch):
    monkeypatch.setattr(package, "ledger_bytes", fake_ledger())
    calls = []
    write(branch_db, stick, progress=lambda p, t: calls.append((p, t)))
    percents = [p for p, _ in calls]
    assert percents == sorted(percents) and 0 <= percents[0] and percents[-1] < 100
    assert f"正在写入 {LEDGER}…" in [t for _, t in calls]
    assert "正在写入 签到表/2026-03-20_支部党员大会_签到表.pdf…" in [t for _, t in calls]


def test_a_missing_target_folder_is_reported(branch_db, tmp_path):
    with pytest.raises(package.PackageError, match="U盘可能已被拔出，或这个文件夹不存在"):
        write(branch_db, tmp_path / "gone")


# ---------------------------------------------------------------- the real PDF painters

def test_real_pdf_writers(qapp, branch_db, stick):
    from branchdesk.ui.print.minutes import minutes_pdf
    from branchdesk.ui.print.signin import signin_pdf

    writers = package.PdfWriters(signin=signin_pdf, minutes=minutes_pdf)
    result = write(branch_db, stick, pdf_writers=writers)
    pdfs = {n: d for n, d in tree(result.folder).items()
            if n.startswith(("签到表/", "会议记录/"))}
    assert len(pdfs) == 2 * 58
    assert all(data.startswith(b"%PDF") for data in pdfs.values())
    rows = read_manifest(result.folder / MANIFEST)
    assert {r.name: r.sha256 for r in rows if r.name in pdfs} == \
        {n: sha256(d) for n, d in pdfs.items()}


# ---------------------------------------------------------------- command line

def test_cli_export_package(branch_db, stick, capsys, monkeypatch):
    monkeypatch.setattr(package, "ledger_bytes", fake_ledger())
    monkeypatch.setattr(cli, "_pdf_writers", fake_writers)
    code = main(["--db", str(branch_db.path), "export-package", "--year", "2026", "-o",
                 str(stick)])
    out = capsys.readouterr().out
    assert code == 0 and "已写入" in out and "已隐藏" in out
    assert (stick / FOLDER / MANIFEST).is_file()
    assert (stick / FOLDER / LEDGER).read_bytes().endswith(b"mask=True")


def test_cli_no_mask_and_error(branch_db, stick, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(package, "ledger_bytes", fake_ledger())
    monkeypatch.setattr(cli, "_pdf_writers", fake_writers)
    assert main(["--db", str(branch_db.path), "export-package", "--year", "2026", "-o",
                 str(stick), "--no-mask"]) == 0
    assert (stick / FOLDER / LEDGER).read_bytes().endswith(b"mask=False")
    code = main(["--db", str(branch_db.path), "export-package", "-o", str(tmp_path / "无")])
    assert code != 0 and "U盘可能已被拔出" in capsys.readouterr().err

