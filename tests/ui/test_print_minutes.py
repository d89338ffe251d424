"""The printed minutes page, checked from the PDF itself (pypdf)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader

from branchdesk.core import meetings
from branchdesk.core.printing import minutes_page
from branchdesk.ui.print.export import export_minutes_pdf
from branchdesk.ui.print.minutes import write_minutes_pdf
from tests.core.test_printing import general_meeting, make_branch
from tests.ui.test_print_signin import KANGXI, page_texts

PHRASES = ("会议传达学习了上级党委关于加强基层党组织建设的文件精神", "与会党员结合本职工作谈了学习体会",
           "大家一致认为要把学习成果转化为推动工作的实际成效", "支部书记就下一阶段重点工作作了具体部署",
           "组织委员通报了发展党员工作进展情况", "宣传委员介绍了近期理论学习安排")
TITLE = "星河机械厂第一党支部党员大会记录"


def long_content(chars: int = 5000) -> str:
    """Paragraphs of numbered speeches (第N项发言 … 记录编号000N。) of at least ``chars``."""
    paragraphs, number = [], 0
    while sum(map(len, paragraphs)) < chars:
        sentences = []
        for _ in range(4):
            number += 1
            sentences.append(f"第{number}项发言：{PHRASES[number % len(PHRASES)]}，"
                             f"记录编号{number:04d}。")
        paragraphs.append("".join(sentences))
    return "\n".join(paragraphs)


def body_of(text: str, number: int, total: int) -> str:
    """A page's text without the repeated caption and the footer."""
    return text.removeprefix(f"{TITLE}（续）").removesuffix(f"第{number}页共{total}页")


@pytest.fixture
def minutes(qapp, fresh_db):
    roll = make_branch(fresh_db, 60)
    meeting = general_meeting(fresh_db, leave={3: "出差"}, host_id=roll[0].id,
                              recorder_id=roll[2].id, content=long_content(),
                              resolution="经表决，全体到会党员一致同意。", observers="上级党委组织委员 宋明")
    return roll, meeting, minutes_page(fresh_db, meeting)


@pytest.fixture
def minutes_pdf(minutes, tmp_path):
    path = tmp_path / "会议记录.pdf"
    return path, write_minutes_pdf(minutes[2], path)


def test_long_minutes_span_several_pages(minutes_pdf):
    path, pages = minutes_pdf
    assert pages == len(PdfReader(path).pages)
    assert pages >= 4  # 5000 characters at 12 pt with 1.7 line pitch: about 1,300 a page


def test_all_content_extracts_in_order(minutes_pdf):
    path, pages = minutes_pdf
    texts = page_texts(path)
    assert all(f"第{n}页共{pages}页" in t for n, t in enumerate(texts, 1))
    body = "".join(body_of(t, n, pages) for n, t in enumerate(texts, 1))
    content = re.sub(r"\s+", "", long_content())
    assert content in body
    assert not KANGXI.search(body)


def test_distinctive_sentences_in_order(minutes_pdf):
    body = "".join(page_texts(minutes_pdf[0]))
    marks = [body.find(f"记录编号{n:04d}。") for n in (1, 40, 80, 120, 136)]
    assert -1 not in marks and marks == sorted(marks)


def test_header_form_on_first_page(minutes, minutes_pdf):
    roll = minutes[0]
    first = page_texts(minutes_pdf[0])[0]
    assert TITLE in first
    for expected in ("会议类型支部党员大会", "时间2026年3月15日14:30—16:00", "地点厂部三楼会议室",
                     f"主持人{roll[0].name}", f"记录人{roll[2].name}", "应到人数60人",
                     "实到人数59人", "请假人数1人", "缺席人数0人", f"{roll[3].name}（出差）",
                     "列席人员上级党委组织委员宋明", "议题：1.学习传达全会精神2.讨论发展党员", "会议内容："):
        assert expected in first, expected


def test_resolution_and_signatures_on_last_page(minutes_pdf):
    last = page_texts(minutes_pdf[0])[-1]
    assert "决议及表决情况：经表决，全体到会党员一致同意。" in last
    assert "记录人签名：" in last and "主持人签名：" in last  # the 书记 hosted: no third line


def test_short_late_minutes_fit_one_page(qapp, fresh_db, tmp_path):
    make_branch(fresh_db, 10)
    meeting = general_meeting(fresh_db, content="学习了有关文件。")
    late = meetings.save(fresh_db, meetings.Meeting(**{**meeting.__dict__, "id": None}),
                         today=date(2026, 4, 1))
    path = tmp_path / "短.pdf"
    assert export_minutes_pdf(fresh_db, late.id, path) == 1
    (text,) = page_texts(path)
    assert "补录" in text and "学习了有关文件。" in text and "第1页共1页" in text


def test_signatures_never_stand_alone_on_a_page(qapp, fresh_db, tmp_path):
    """Whatever the length of the minutes, the signature line takes the last lines with it."""
    from PySide6.QtGui import QPageSize, QPdfWriter

    from branchdesk.ui.print.layout import Canvas
    from branchdesk.ui.print.minutes import KEEP_WITH_SIGNATURES, minutes_pages

    writer = QPdfWriter(str(tmp_path / "probe.pdf"))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    canvas = Canvas(writer)
    make_branch(fresh_db, 10)
    page_counts = set()
    for lines in range(10, 80, 3):
        content = "\n".join(f"第{i}项：与会党员逐条学习，讨论发言。" for i in range(lines))
        meeting = general_meeting(fresh_db, content=content, resolution="一致同意。")
        pages = minutes_pages(canvas, minutes_page(fresh_db, meeting))
        page_counts.add(len(pages))
        body = [p for p in pages[-1].placed if not p.head]  # not the continuation caption
        assert len(body) >= KEEP_WITH_SIGNATURES + 2, f"{lines} lines: signatures alone"
    assert page_counts >= {1, 2}  # the sweep crossed a page break
