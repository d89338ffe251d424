"""Chinese must show on screen and come back out of our PDFs as the same characters.

These run on whatever fonts the machine has: on a bare Linux (no CJK font at all) every choice
falls to the bundled "BranchDesk Serif SC"; on a desktop with Noto/Source Han installed the PDF
round trip also proves those PDF-unsafe faces are not used for printing.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

from branchdesk import paths

pytest.importorskip("pypdf")

LINE = "中共某某支部委员会一工支人大子小山心日月水火 签到表 第1页 共2页 张三 李四 王五 堃喆玥"
# The ideographs that Noto/Source Han draw with the same glyph as a Kangxi radical.
KANGXI_TWINS = "".join(unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6))


def is_radical(ch: str) -> bool:
    return 0x2E80 <= ord(ch) <= 0x2EFF or 0x2F00 <= ord(ch) <= 0x2FDF


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def fonts(qapp):
    from branchdesk.ui import fonts as module

    module.reset_cache()
    yield module
    module.reset_cache()


def write_pdf(path, font, lines):
    from PySide6.QtGui import QPageSize, QPainter, QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(300)
    painter = QPainter(writer)
    painter.setFont(font)
    y = 200
    for line in lines:
        painter.drawText(100, y, line)
        y += 100
    assert painter.end()
    return path


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_bundled_files_are_there_and_lean():
    folder = paths.font_dir()
    font = folder / "BranchDeskSerifSC-Regular.otf"
    assert font.is_file()
    assert font.stat().st_size < 10 * 1024 * 1024
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "OFL.txt").read_text(encoding="utf-8")
    assert (folder / "README.md").is_file()
    assert (folder / "make_subset.py").is_file()


def test_import_does_not_load_qt():
    code = (
        "import sys, branchdesk.ui; before = set(sys.modules); import branchdesk.ui.fonts; "
        "print(sorted(m for m in set(sys.modules) - before if m.startswith('PySide6')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_needs_an_application_only_when_called(monkeypatch):
    from PySide6.QtGui import QGuiApplication

    from branchdesk.ui import fonts as module

    monkeypatch.setattr(QGuiApplication, "instance", staticmethod(lambda: None))
    with pytest.raises(RuntimeError):
        module.register_bundled_fonts()


def test_registers_the_bundled_font_once(fonts):
    from PySide6.QtGui import QFontDatabase

    assert fonts.register_bundled_fonts() == [fonts.BUNDLED_FAMILY]
    assert fonts.register_bundled_fonts() == [fonts.BUNDLED_FAMILY]
    assert fonts.BUNDLED_FAMILY in QFontDatabase.families()
    assert fonts.bundled_family() == fonts.BUNDLED_FAMILY


@pytest.mark.parametrize("chooser", ["ui_family", "print_family"])
def test_chosen_families_have_chinese_glyphs(fonts, chooser):
    from PySide6.QtGui import QFont, QFontMetrics, QRawFont

    family = getattr(fonts, chooser)()
    assert fonts.has_glyphs(family)
    font = QFont(family, 12)
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    metrics = QFontMetrics(font)
    raw = QRawFont.fromFont(font)
    for ch in "张三" + "签到表堃喆玥":
        assert metrics.inFontUcs4(ord(ch)), (family, ch)
        assert raw.supportsCharacter(ord(ch)), (family, ch)


def test_print_family_is_pdf_safe(fonts):
    assert fonts.is_pdf_safe(fonts.print_family())


def test_bundled_font_has_no_radical_code_points(fonts):
    from PySide6.QtGui import QFont, QRawFont

    font = QFont(fonts.bundled_family(), 12)
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    raw = QRawFont.fromFont(font)
    assert raw.familyName() == fonts.BUNDLED_FAMILY
    radicals = [cp for cp in list(range(0x2E80, 0x2F00)) + list(range(0x2F00, 0x2FE0))
                if raw.supportsCharacter(cp)]
    assert radicals == []
    assert all(raw.supportsCharacter(ord(ch)) for ch in KANGXI_TWINS)
    # GB2312 and the whole unified block (as far as Noto draws it), plus the symbols forms use.
    for ch in "一龥鿪①⑩×✓□■○●，。、（）《》【】“”—…￥ABCxyz0129ā":
        assert raw.supportsCharacter(ord(ch)), ch
    assert fonts.is_pdf_safe(fonts.BUNDLED_FAMILY)


def test_falls_back_to_bundled_without_preferred_fonts(fonts, monkeypatch):
    monkeypatch.setattr(fonts, "UI_FAMILIES", ("No Such Font",))
    monkeypatch.setattr(fonts, "PRINT_FAMILIES", ("No Such Font", "宋体不存在"))
    assert fonts.ui_family() == fonts.BUNDLED_FAMILY
    assert fonts.print_family() == fonts.BUNDLED_FAMILY
    assert fonts.print_font(10.5).families() == [fonts.BUNDLED_FAMILY]


def test_pdf_unsafe_or_glyphless_families_are_skipped(fonts, monkeypatch):
    from PySide6.QtGui import QFontDatabase

    others = [f for f in QFontDatabase.families() if f != fonts.BUNDLED_FAMILY]
    if not others:
        pytest.skip("no system font at all")
    # A system family listed first is passed over when it lacks the glyphs or is not PDF-safe.
    monkeypatch.setattr(fonts, "PRINT_FAMILIES", (others[0], fonts.BUNDLED_FAMILY))
    monkeypatch.setattr(fonts, "is_pdf_safe", lambda family: family == fonts.BUNDLED_FAMILY)
    assert fonts.print_family() == fonts.BUNDLED_FAMILY


def test_print_font_size_and_fallback(fonts):
    font = fonts.print_font(10.5)
    assert font.pointSizeF() == pytest.approx(10.5)
    assert font.families()[0] == fonts.print_family()
    assert fonts.BUNDLED_FAMILY in font.families()


def test_pdf_text_round_trips_without_kangxi_radicals(fonts, tmp_path):
    pdf = write_pdf(tmp_path / "signin.pdf", fonts.print_font(14), [LINE])
    text = pdf_text(pdf)
    assert [ch for ch in text if is_radical(ch)] == []
    assert squeeze(text) == squeeze(LINE)


def test_bundled_font_round_trips_every_kangxi_twin(fonts, tmp_path):
    """All 214 ideographs that share a glyph with a radical in the original Noto font."""
    from PySide6.QtGui import QFont

    font = QFont(fonts.BUNDLED_FAMILY, 12)
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    lines = [KANGXI_TWINS[i:i + 40] for i in range(0, len(KANGXI_TWINS), 40)]
    text = pdf_text(write_pdf(tmp_path / "twins.pdf", font, lines))
    assert [ch for ch in text if is_radical(ch)] == []
    assert squeeze(text) == KANGXI_TWINS


def test_system_noto_would_have_failed(fonts):
    """Documents the pitfall on machines that have a full Noto/Source Han install."""
    from PySide6.QtGui import QFontDatabase

    installed = [f for f in ("Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC")
                 if f in QFontDatabase.families()]
    if not installed:
        pytest.skip("no system Noto/Source Han CJK font here")
    assert not any(fonts.is_pdf_safe(f) for f in installed)
    assert fonts.print_family() not in installed


def test_install_app_font_makes_widgets_show_chinese(fonts, qtbot, tmp_path):
    from PySide6.QtGui import QFontMetrics, QGuiApplication
    from PySide6.QtWidgets import QLabel

    installed = fonts.install_app_font()
    assert QGuiApplication.font().family() == fonts.ui_family() == installed.family()
    label = QLabel("中共某某支部委员会 签到表 张三 堃喆玥")
    qtbot.addWidget(label)
    assert label.font().family() == fonts.ui_family()
    metrics = QFontMetrics(label.font())
    assert all(metrics.inFontUcs4(ord(ch)) for ch in label.text() if not ch.isspace())
    image = label.grab()
    assert not image.isNull() and image.width() > 0
