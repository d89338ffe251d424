"""Chinese fonts for the screen and for printed sheets / PDFs.

BranchDesk must show and print Chinese on Windows 10/11 (微软雅黑, 宋体 always present), on
统信UOS / 麒麟 (Noto/Source Han CJK, WenQuanYi...) and on a bare Linux with no CJK font at all.
For the last case a subset of Noto Serif CJK SC is bundled in ``resources/fonts`` under its own
family name, "BranchDesk Serif SC" (see ``resources/fonts/README.md`` and ``docs/fonts.md``).

Usage, once a ``QGuiApplication``/``QApplication`` exists::

    from branchdesk.ui import fonts
    fonts.install_app_font(app)          # registers the bundled font, sets the widget font
    painter.setFont(fonts.print_font(10.5))  # 五号 on a printed sheet / PDF

Every family chosen here is checked to really contain Chinese glyphs (a name in the font list is
not enough: fontconfig aliases and GB2312-only legacy fonts exist), and a print family is also
checked to be *PDF-safe*: fonts that draw a Kangxi radical (⼀ U+2F00) and the ideograph (一 U+4E00)
with the same glyph make Qt's PDF writer map that glyph back to the radical, so text copied or
extracted from the PDF reads ⼀⼯⽀ instead of 一工支. Full Noto/Source Han installs do that, so on
such a system the bundled subset (same design, radicals removed from its cmap) prints instead.

Importing this module is cheap: Qt is imported inside the functions, nothing runs at import time.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtGui import QFont, QGuiApplication

log = logging.getLogger(__name__)

BUNDLED_FONT_FILE = "BranchDeskSerifSC-Regular.otf"
BUNDLED_FAMILY = "BranchDesk Serif SC"

#: Widget text: sans-serif UI faces first (Windows, then the Linux desktops), each listed under
#: its English and Chinese names because Qt may report either.
UI_FAMILIES: tuple[str, ...] = (
    # Windows
    "Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑",
    # 统信UOS / deepin, 麒麟 and most other Linux desktops
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "思源黑体",
    "WenQuanYi Micro Hei", "文泉驿微米黑", "WenQuanYi Zen Hei", "文泉驿正黑",
    "HarmonyOS Sans SC", "Droid Sans Fallback",
    # macOS (not a target, but harmless)
    "PingFang SC", "Hiragino Sans GB",
    # Windows fall-backs without YaHei (very old or stripped installs)
    "DengXian", "等线", "SimHei", "黑体", "SimSun", "宋体",
)

#: Printed sheets and PDFs replace paper forms set in 宋体/仿宋: Song (serif) faces first.
PRINT_FAMILIES: tuple[str, ...] = (
    # Windows: SimSun/NSimSun always; FangSong with the Chinese supplemental fonts
    "SimSun", "宋体", "NSimSun", "新宋体", "FangSong", "仿宋",
    # Linux (a full Noto/Source Han install is normally PDF-unsafe; see module docstring)
    "Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC", "Source Han Serif CN", "思源宋体",
    "AR PL UMing CN", "AR PL UMing", "AR PL SungtiL GB",
    # macOS
    "Songti SC", "STSong",
)

#: A family must draw all of these to be chosen: common text plus GBK-only given-name characters
#: (GB2312-only legacy faces such as 仿宋_GB2312 lack 堃 and are skipped).
PROBE_TEXT = "中文张三李四签到表第页共堃喆玥珺犇"

# Kangxi radicals whose NFKC form is the ordinary ideograph; the two must not share a glyph.
_KANGXI = tuple(chr(cp) for cp in range(0x2F00, 0x2FD6))
_RADICAL_PAIRS = tuple(
    (rad, unicodedata.normalize("NFKC", rad)) for rad in _KANGXI + ("\u2E9F", "\u2EF3")
)

_registered: dict[str, object] = {}  # {"app": the QGuiApplication, "families": [...]}
_chosen: dict[str, str] = {}  # "ui" / "print" -> family, for the registered application


def _app():
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        raise RuntimeError("branchdesk.ui.fonts needs a QGuiApplication/QApplication first")
    return app


def register_bundled_fonts() -> list[str]:
    """Register every .otf/.ttf in resources/fonts with Qt (idempotent); return their families."""
    from PySide6.QtGui import QFontDatabase

    app = _app()
    if _registered.get("app") is app:
        return list(_registered["families"])  # type: ignore[call-overload]

    from branchdesk.paths import font_dir

    families: list[str] = []
    folder = font_dir()
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".otf", ".ttf"))
    if not files:
        log.warning("no bundled font in %s; Chinese may show as boxes on a bare system", folder)
    for path in files:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("Qt could not load the bundled font %s", path)
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    _registered.update(app=app, families=families)
    _chosen.clear()
    return list(families)


def bundled_family() -> str | None:
    """The bundled fallback's family name ("BranchDesk Serif SC"), or None if it failed to load."""
    families = register_bundled_fonts()
    if BUNDLED_FAMILY in families:
        return BUNDLED_FAMILY
    return families[0] if families else None


def _strip_foundry(name: str) -> str:
    return re.sub(r"\s*\[[^\]]*\]$", "", name).casefold()


def _installed(candidates: Iterable[str]) -> list[str]:
    """The candidates Qt knows, in preference order, spelled as Qt spells them."""
    from PySide6.QtGui import QFontDatabase

    known: dict[str, str] = {}
    for family in QFontDatabase.families():
        known.setdefault(_strip_foundry(family), family)
    out: list[str] = []
    for name in candidates:
        actual = known.get(name.casefold())
        if actual and actual not in out:
            out.append(actual)
    return out


def _raw_font(family: str):
    from PySide6.QtGui import QFont, QRawFont

    font = QFont(family)
    font.setPixelSize(32)
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    raw = QRawFont.fromFont(font)
    # Only families from QFontDatabase.families() get here, so Qt does not substitute; the raw
    # font's name is not compared because Windows may report 宋体 for SimSun and vice versa.
    return raw if raw.isValid() else None


def has_glyphs(family: str, text: str = PROBE_TEXT) -> bool:
    """True if *family* itself (not a fallback face) has a glyph for every character of *text*."""
    raw = _raw_font(family)
    return raw is not None and all(raw.supportsCharacter(ord(ch)) for ch in text if not ch.isspace())


def is_pdf_safe(family: str) -> bool:
    """False if *family* draws a Kangxi radical and its ideograph with one glyph (see module doc).

    Such a font makes PDFs written by Qt extract as ⼀⼯⽀ instead of 一工支.
    """
    raw = _raw_font(family)
    if raw is None:
        return False
    for radical, ideograph in _RADICAL_PAIRS:
        if not (raw.supportsCharacter(ord(radical)) and raw.supportsCharacter(ord(ideograph))):
            continue
        if raw.glyphIndexesForString(radical) == raw.glyphIndexesForString(ideograph):
            return False
    return True


def _choose(key: str, candidates: Iterable[str], pdf: bool) -> str:
    register_bundled_fonts()
    if key in _chosen:
        return _chosen[key]
    choice = None
    for family in _installed(candidates):
        if has_glyphs(family) and (not pdf or is_pdf_safe(family)):
            choice = family
            break
        log.info("font %r skipped for %s (missing glyphs or not PDF-safe)", family, key)
    if choice is None:
        choice = bundled_family()
    if choice is None:  # the bundled file is gone: let Qt's own fallback do what it can
        from PySide6.QtGui import QFontDatabase

        choice = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
        log.warning("no Chinese font found; using %r", choice)
    _chosen[key] = choice
    return choice


def ui_family() -> str:
    """The family for widget text: 微软雅黑 / Noto Sans CJK SC / 文泉驿 ... else the bundled font."""
    return _choose("ui", UI_FAMILIES, pdf=False)


def print_family() -> str:
    """The family for printed sheets and PDFs: 宋体 / 仿宋 / PDF-safe Song faces, else bundled."""
    return _choose("print", PRINT_FAMILIES, pdf=True)


def _with_fallbacks(primary: str, point_size: float | None) -> QFont:
    from PySide6.QtGui import QFont

    font = QFont()
    families = [primary]
    bundled = bundled_family()
    if bundled and bundled != primary:
        families.append(bundled)  # characters the primary face lacks still come out as Chinese
    font.setFamilies(families)
    if point_size is not None:
        font.setPointSizeF(point_size)
    return font


def ui_font(point_size: float | None = None) -> QFont:
    """A QFont for widgets using ui_family() (platform default size unless *point_size*)."""
    return _with_fallbacks(ui_family(), point_size)


def print_font(point_size: float = 10.5) -> QFont:
    """A QFont for painting on QPdfWriter/QPrinter using print_family(); 10.5 pt = 五号."""
    return _with_fallbacks(print_family(), point_size)


def install_app_font(app: QGuiApplication | None = None) -> QFont:
    """Register the bundled font and make ui_font() the application font; return it.

    Keeps the platform's default point size, so Windows/UOS scaling settings still apply.
    """
    from PySide6.QtGui import QGuiApplication

    app = app or _app()
    size = QGuiApplication.font().pointSizeF()
    font = ui_font(size if size > 0 else None)
    app.setFont(font)
    return font


def reset_cache() -> None:
    """Forget the chosen families so the next call chooses again (tests; new fonts installed).

    The bundled font stays registered: registering the same file twice would only waste memory.
    """
    _chosen.clear()
