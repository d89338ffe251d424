"""The 发展党员全程纪实表 (core/recruitment_print.py) and its place in the U盘 package."""

from __future__ import annotations

from datetime import date

from branchdesk.core import demo, recruitment as rc, recruitment_print
from branchdesk.core.package import write_package
from tests.core.package_helpers import fake_writers, tree

TODAY = date(2026, 11, 29)


def _demo(tmp_path):
    return demo.create_demo(tmp_path / "demo.sqlite3", today=TODAY)


def test_record_page_shows_every_step_by_stage(tmp_path):
    db = _demo(tmp_path)
    waiting = next(r for r in rc.list_recruits(db) if rc.stage(r) == "待审批")
    page = recruitment_print.record_page(db, waiting, TODAY)
    assert page.title.endswith("发展党员全程纪实表") and page.file_name == f"{waiting.name}_发展党员全程纪实表.pdf"
    stages = page.sections[:5]
    assert [s.heading for s in stages][0] == "一、申请入党"
    lines = "\n".join(s.text for s in stages).splitlines()
    assert len(lines) == 25 and lines[0].startswith("1. 递交入党申请书：")
    assert any(line.startswith("17. 上级党委审批：待办（应于") for line in lines)
    assert any(line.startswith("15. 支部大会讨论：") and "赞成" in line for line in lines)
    assert any(f.value == waiting.id_number for row in page.header for f in row)


def test_masked_record_page_hides_the_id_number_and_birth_day(tmp_path):
    db = _demo(tmp_path)
    r = rc.list_recruits(db)[0]
    page = recruitment_print.record_page(db, r, TODAY, mask=True)
    values = [f.value for row in page.header for f in row]
    assert r.id_number not in values and r.id_number[:6] + "*" * 12 in values
    assert r.birth_date not in values and r.birth_date[:7] in values


def test_package_carries_a_record_per_person(tmp_path):
    db = _demo(tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    result = write_package(db, stick, 2026, today=TODAY, pdf_writers=fake_writers())
    files = tree(result.folder)
    names = {r.name for r in rc.list_recruits(db)}
    assert {n for n in files if n.startswith("发展党员/")} == {
        f"发展党员/{name}_发展党员全程纪实表.pdf" for name in names}
    assert "发展党员\\：" in files["README.txt"].decode("utf-8-sig")
