"""The printed sign-in sheet, checked from the PDF itself (pypdf)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from branchdesk.core import meetings, settings
from branchdesk.core.errors import ExportError
from branchdesk.core.printing import SignInRow, SignInSheet, Tally, signin_sheet
from branchdesk.ui.print.export import export_signin_pdf
from branchdesk.ui.print.signin import write_signin_pdf
from tests.core.test_printing import fictional_names, general_meeting, make_branch

KANGXI = re.compile(r"[\u2E80-\u2EFF\u2F00-\u2FDF]")


def pyside_drops_none_refs() -> bool:
    """True when calling a PySide method that returns void loses a reference to None.

    PySide6 6.12.0 does this on CPython 3.11 (None is immortal only from 3.12; 6.11.3 is
    fine). Painting a sheet makes hundreds of such calls, and the test process then aborts at
    exit with "Fatal Python error: none_dealloc". The app must not ship with that combination.
    """
    from PySide6.QtGui import QFont

    font, before = QFont(), sys.getrefcount(None)
    for _ in range(10):
        font.setBold(True)
    return sys.getrefcount(None) < before


def test_installed_pyside_keeps_none_references(qapp):
    """pyproject.toml pins PySide6 below 6.12 for this; a wrong install must fail loudly."""
    assert not pyside_drops_none_refs()


def page_texts(path: Path) -> list[str]:
    """Each page's extracted text with all whitespace removed (pypdf spacing varies)."""
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(path).pages]


def row_numbers(text: str) -> list[int]:
    """序号 printed on a page: the digits right before each (3-character) name."""
    return [int(n) for n in re.findall(r"(\d+)[\u4e00-\u9fff]{3}第[一二三]党小组", text)]


@pytest.fixture
def big_sheet(qapp, fresh_db):
    roll = make_branch(fresh_db, 60)
    return roll, signin_sheet(fresh_db, general_meeting(fresh_db, leave={3: "出差"}))


@pytest.fixture
def big_pdf(big_sheet, tmp_path):
    path = tmp_path / "签到表.pdf"
    pages = write_signin_pdf(big_sheet[1], path)
    return path, pages


def test_sixty_members_take_three_pages(big_pdf):
    path, pages = big_pdf
    # At most 24 rows fit under the title on page 1 and 27 on later pages (9 mm rows):
    # 60 members + a blank 列席 row + the totals line need three pages whatever the height.
    assert pages == len(PdfReader(path).pages) == 3


def test_rows_run_on_in_order_across_pages(big_pdf):
    texts = page_texts(big_pdf[0])
    numbers = [row_numbers(t) for t in texts]
    assert sum(numbers, []) == list(range(1, 61))
    assert all(len(n) >= 15 for n in numbers[:-1])  # no half-empty page before the last


def test_every_name_is_extractable(big_sheet, big_pdf):
    roll, _ = big_sheet
    text = "".join(page_texts(big_pdf[0]))
    missing = [m.name for m in roll if m.name not in text]
    assert missing == []
    assert not KANGXI.search(text), "Kangxi radicals instead of ideographs in the PDF text"


def test_title_on_first_page_and_header_repeated(big_pdf):
    first, second, last = page_texts(big_pdf[0])
    assert "星河机械厂第一党支部党员大会签到表" in first
    assert "时间：2026年3月15日14:30—16:00" in first and "地点：厂部三楼会议室" in first
    for text in (first, second, last):
        assert all(word in text for word in ("序号", "姓名", "党小组", "签名", "备注"))
    assert "签到表（续）" in second


def test_page_numbers_on_every_page(big_pdf):
    texts = page_texts(big_pdf[0])
    for number, text in enumerate(texts, 1):
        assert f"第{number}页共3页" in text


def test_totals_and_leave_note_where_expected(big_pdf):
    first, _, last = page_texts(big_pdf[0])
    assert "请假：出差" in first
    assert re.search(r"应到60人实到人请假1人缺席人", last)
    assert re.search(r"其中有表决权应到56人有表决权实到人", last)  # 4 预备党员 have no vote
    assert "列席" in last and "应到" not in first


@pytest.mark.parametrize("size, observers, pages", [
    (10, "", 1), (16, "", 1), (16, "宋明", 1), (17, "", 1), (20, "", 1), (30, "", 2), (60, "", 3)])
def test_page_count_by_branch_size(qapp, fresh_db, tmp_path, size, observers, pages):
    """Rows, 列席 rows and totals share page one whenever they fit on it; with a named 列席
    guest a 16-person sheet used to spill one blank row and the totals onto a second page."""
    make_branch(fresh_db, size)
    path = tmp_path / "签到表.pdf"
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db, observers=observers))
    written = write_signin_pdf(sheet, path)
    assert written == len(PdfReader(path).pages) == pages
    texts = page_texts(path)
    assert sum((row_numbers(t) for t in texts), []) == list(range(1, size + 1))
    assert re.search(rf"应到{size}人", texts[-1])
    if observers:
        assert f"{observers}列席" in texts[0]


def sheet_of(size: int) -> SignInSheet:
    """A 支部党员大会 sheet of ``size`` members and three blank 列席 rows, without a database."""
    rows = [SignInRow(str(i), name, "第一党小组") for i, name in enumerate(fictional_names(size), 1)]
    rows += [SignInRow("", "", "列席")] * 3
    return SignInSheet("星河机械厂第一党支部党员大会签到表",
                       [("时间", "2026年3月15日"), ("地点", "厂部三楼会议室"), ("议题", "学习")],
                       "党小组", rows, [Tally("应到", size), Tally("实到", None)])


def test_a_continuation_page_always_carries_signed_rows(qapp, tmp_path):
    """Whatever the size, no page holds only blank 列席 rows and the totals: a page break
    leaves at least three members to sign on the last page, and a larger branch never
    needs fewer pages than a smaller one."""
    previous = 1
    for size in range(12, 72):
        path = tmp_path / f"{size}.pdf"
        pages = write_signin_pdf(sheet_of(size), path)
        numbers = [row_numbers(text) for text in page_texts(path)]
        assert sum(numbers, []) == list(range(1, size + 1)), size
        assert all(len(n) >= 3 for n in numbers), (size, [len(n) for n in numbers])
        assert "应到" in page_texts(path)[-1]
        assert pages >= previous, size
        previous = pages


def test_host_and_recorder_are_printed(qapp, fresh_db, tmp_path):
    roll = make_branch(fresh_db, 12)
    settings.put(fresh_db, {"branch_name": "中共星河机械厂第一支部委员会"})
    meeting = general_meeting(fresh_db, host_id=roll[0].id, recorder_id=roll[2].id)
    write_signin_pdf(signin_sheet(fresh_db, meetings.get(fresh_db, meeting.id)), tmp_path / "a.pdf")
    (text,) = page_texts(tmp_path / "a.pdf")
    assert text.startswith("星河机械厂第一支部党员大会签到表")
    assert f"主持人：{roll[0].name}记录人：{roll[2].name}" in text


def test_committee_of_small_branch_fits_one_page(qapp, fresh_db, tmp_path):
    roll = make_branch(fresh_db, 10)
    on = date(2026, 3, 10)
    meeting = meetings.save(fresh_db, meetings.Meeting(
        kind=meetings.COMMITTEE, date=on.isoformat(), place="党员活动室", topics=["研究季度工作"],
        attendance=meetings.default_attendance(fresh_db, meetings.COMMITTEE, on)), today=on)
    path = tmp_path / "支委会.pdf"
    assert write_signin_pdf(signin_sheet(fresh_db, meeting), path) == 1
    (text,) = page_texts(path)
    assert "党支部委员会会议签到表" in text and "第1页共1页" in text
    assert all(f"{m.name}{role}" in text for m, role in zip(roll, ("书记", "副书记", "组织委员")))


def test_sheet_without_rows_still_prints(qapp, fresh_db, tmp_path):
    sheet = signin_sheet(fresh_db, meetings.Meeting(kind=meetings.GENERAL, date="2026-03-15"),
                         observer_rows=0)
    assert sheet.rows == []
    assert write_signin_pdf(sheet, tmp_path / "empty.pdf") == 1
    assert "应到0人" in page_texts(tmp_path / "empty.pdf")[0]


def test_export_replaces_existing_file_and_leaves_no_temp(qapp, fresh_db, tmp_path):
    make_branch(fresh_db, 12)
    meeting = general_meeting(fresh_db)
    path = tmp_path / "out.pdf"
    path.write_bytes(b"old")
    assert export_signin_pdf(fresh_db, meeting.id, path) == 1
    assert path.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    if os.name == "posix":  # not left private (0600) as the temporary file was
        mask = os.umask(0o022)
        os.umask(mask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_locked_target_gives_chinese_error_and_keeps_old_file(qapp, fresh_db, tmp_path,
                                                              monkeypatch):
    make_branch(fresh_db, 12)
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db))
    path = tmp_path / "out.pdf"
    path.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "being used by another process")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ExportError, match="正在被其他程序.*打开，无法替换。请关闭它后重试"):
        write_signin_pdf(sheet, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_missing_folder_gives_chinese_error(qapp, fresh_db, tmp_path):
    make_branch(fresh_db, 12)
    sheet = signin_sheet(fresh_db, general_meeting(fresh_db))
    with pytest.raises(ExportError, match="不存在.*请重新选择文件夹"):
        write_signin_pdf(sheet, tmp_path / "no such folder" / "out.pdf")


def test_cli_helper_works_without_a_running_app(fresh_db, tmp_path):
    """export_signin_pdf creates its own QGuiApplication (offscreen without a display)."""
    make_branch(fresh_db, 12)
    meeting = general_meeting(fresh_db)
    fresh_db.close()
    out = tmp_path / "cli.pdf"
    code = ("import sys; from branchdesk.core.db import open_db; "
            "from branchdesk.ui.print.export import export_signin_pdf; "
            f"print(export_signin_pdf(open_db(sys.argv[1]), {meeting.id}, sys.argv[2]))")
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([sys.executable, "-c", code, str(fresh_db.path), str(out)],
                            capture_output=True, text=True, env=env, timeout=120,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    assert "星河机械厂第一党支部党员大会签到表" in page_texts(out)[0]
