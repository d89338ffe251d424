#!/usr/bin/env python3
"""Build the bundled Chinese fallback font, BranchDeskSerifSC-Regular.otf.

Build-time tool only: it needs fontTools (``pip install fonttools``), which is NOT a runtime
dependency of BranchDesk. The output is committed; the app never runs this script.

Source: Noto Serif CJK SC Regular (SIL OFL 1.1), face index 2 of the collection
``NotoSerifCJK-Regular.ttc`` shipped by Debian's ``fonts-noto-cjk`` package
(``apt-get install fonts-noto-cjk``; 1:20220127+repack1-1 in Debian 12, font version 2.001).
Upstream: https://github.com/notofonts/noto-cjk (Serif/OTC/NotoSerifCJK-Regular.ttc).

What the subset keeps (``wanted_codepoints``):

* every character the GBK code page can encode (GB2312 + GBK, ~21 800 characters, so rare given-name
  characters such as 堃 喆 玥 珺 犇 are covered), minus the private-use area;
* the whole CJK Unified Ideographs block U+4E00-U+9FFF that the source covers;
* CJK Extension A U+3400-U+4DBF (unless ``--no-ext-a``), required by GB 18030 and met in some
  rare names;
* ASCII, Latin-1, pinyin tone letters, general punctuation, CJK symbols and punctuation,
  full-width / half-width forms, enclosed numbers (①-⑳ ⑴ ⒈ ㈠), arrows, box drawing, geometric
  shapes (□ ■ ○ ● △ ◇ ★) and ✓.

What it drops on purpose (the "Kangxi pitfall"): Noto/Source Han map the Kangxi radicals
(U+2F00-U+2FD5), many CJK Radicals Supplement characters (U+2E80-U+2EF3) and some CJK compatibility
ideographs to the *same glyph* as the ordinary ideograph (⼀ U+2F00 and 一 U+4E00 share one
glyph). Qt's PDF writer builds each embedded font's ToUnicode map from glyph to the *lowest* code
point that reaches it, so a PDF written with the original font copies/extracts as ⼀⼯⽀ instead of
一工支 (search, copy-paste and screen readers break). The radical blocks are never added, and any
other code point sharing a glyph with a CJK unified ideograph is removed from the cmap, so every
ideograph glyph has exactly one code point. The script fails if such a sharing survives.

Likewise ～ ／ and the ideographic space keep their glyph over the lower-numbered look-alikes
〜 U+301C, ∕ U+2215 and U+2003, so "1月～3月" extracts as typed.

CFF hints are removed unless ``--keep-hints`` (they are ~2 MB and matter only at small screen
sizes; printers ignore them). It also renames the family to "BranchDesk Serif SC" (a Modified
Version under the OFL should not pose as the original, and a distinct name keeps Qt from confusing
this subset with a full system install of Noto Serif CJK SC), drops vertical-writing tables and
features, and writes a single-face CFF-flavoured OpenType file (.otf), which
QFontDatabase.addApplicationFont loads directly (Qt embeds it in PDFs as a CID TrueType subset).

Usage (from the repository root)::

    python resources/fonts/make_subset.py \
        [--source /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc] [--face-index 2] \
        [--output resources/fonts/BranchDeskSerifSC-Regular.otf] [--no-ext-a] [--keep-hints]

The build is deterministic for a given source file and fontTools version (head.modified is pinned
to the source's value).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
DEFAULT_FACE_INDEX = 2  # JP, KR, SC, TC, HK in NotoSerifCJK-Regular.ttc
DEFAULT_OUTPUT = HERE / "BranchDeskSerifSC-Regular.otf"

FAMILY = "BranchDesk Serif SC"
STYLE = "Regular"
PS_NAME = "BranchDeskSerifSC-Regular"

# Code point ranges that must never be in the cmap (see module docstring).
RADICAL_RANGES = [(0x2E80, 0x2EFF), (0x2F00, 0x2FDF)]
PRIVATE_USE = (0xE000, 0xF8FF)

# Kept when they share a glyph with a lower code point, which is then dropped (see wanted_codepoints).
PREFER_IN_SHARED_GLYPH = [0x3000, 0xFF0F, 0xFF5E]  # ideographic space, ／, ～

URO = (0x4E00, 0x9FFF)
EXT_A = (0x3400, 0x4DBF)

EXTRA_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (× ÷ · ° ± §)
    (0x0100, 0x017F),  # Latin Extended-A (pinyin ā ē ī ō ū)
    (0x01CD, 0x01DC),  # pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ
    (0x02C6, 0x02DD),  # modifier letters, ˇ ˉ ˊ ˋ
    (0x2000, 0x206F),  # general punctuation (— ‘ ’ “ ” … ‰ ※)
    (0x2100, 0x214F),  # letterlike (℃ № ℡ ™)
    (0x2150, 0x218F),  # number forms (Ⅰ-Ⅻ ⅰ-ⅹ)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (≤ ≥ ≠ ∶ ∵ ∴)
    (0x2460, 0x24FF),  # enclosed alphanumerics (①-⑳ ⑴ ⒈)
    (0x2500, 0x257F),  # box drawing
    (0x2580, 0x259F),  # block elements
    (0x25A0, 0x25FF),  # geometric shapes (□ ■ ○ ● △ ◇)
    (0x2600, 0x26FF),  # miscellaneous symbols (★ ☆ ☑ where available)
    (0x2713, 0x2718),  # ✓ (✔ ✗ ✘ where available)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〈〉《》「」【】〇)
    (0x3200, 0x32FF),  # enclosed CJK letters and months (㈠-㈩ ㊣)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]

# Characters the app and its tests rely on; the build fails if one of them is missing.
REQUIRED = (
    "中共某某支部委员会一工支人大子小山心日月水火签到表第页共张三李四王五"
    "堃喆玥珺犇昇燚淼赟"
    "0123456789ABCabc，。、；：？！“”‘’（）《》【】—…·①②③④⑤⑥⑦⑧⑨⑩×✓□■○●"
)

DROP_TABLES = ["vhea", "vmtx", "VORG", "BASE"]
# Vertical writing and Hangul jamo features are useless here; "locl" would pull in the Japanese,
# Korean and traditional-Chinese glyph variants (thousands of glyphs) - the SC face's default
# glyphs are already the mainland forms wanted for every language.
DROP_FEATURES = ["vert", "vrt2", "vkrn", "vpal", "vhal", "vchw", "vjmo", "ljmo", "tjmo", "locl"]


def gbk_codepoints() -> set[int]:
    """Every character the GBK (CP936-style) double-byte table maps, minus private use."""
    out: set[int] = set()
    for b1 in range(0x81, 0xFF):
        for b2 in range(0x40, 0xFF):
            try:
                text = bytes((b1, b2)).decode("gbk")
            except UnicodeDecodeError:
                continue
            out.update(ord(ch) for ch in text)
    return {cp for cp in out if not PRIVATE_USE[0] <= cp <= PRIVATE_USE[1]}


def is_unified_ideograph(cp: int) -> bool:
    return URO[0] <= cp <= URO[1] or EXT_A[0] <= cp <= EXT_A[1]


def in_ranges(cp: int, ranges) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def wanted_codepoints(source_cmap: dict[int, str], ext_a: bool) -> set[int]:
    wanted = gbk_codepoints()
    wanted.update(range(URO[0], URO[1] + 1))
    if ext_a:
        wanted.update(range(EXT_A[0], EXT_A[1] + 1))
    for lo, hi in EXTRA_RANGES:
        wanted.update(range(lo, hi + 1))
    wanted = {cp for cp in wanted if cp in source_cmap and not in_ranges(cp, RADICAL_RANGES)}
    wanted = {cp for cp in wanted if not PRIVATE_USE[0] <= cp <= PRIVATE_USE[1]}

    # Any other code point that shares a glyph with a unified ideograph goes (compatibility
    # ideographs, kanbun marks, stroke forms...): one ideograph glyph, one code point.
    by_glyph: dict[str, list[int]] = defaultdict(list)
    for cp in wanted:
        by_glyph[source_cmap[cp]].append(cp)
    for cps in by_glyph.values():
        if len(cps) > 1 and any(is_unified_ideograph(cp) for cp in cps):
            keep = min(cps, key=_ideograph_rank)
            dropped = sorted(cp for cp in cps if cp != keep)
            wanted.difference_update(dropped)
            if any(is_unified_ideograph(cp) for cp in dropped):
                # Two unified ideographs drawn with one glyph (a few in Extension A): only one
                # can own it; the other is left to the system's fallback font.
                print(f"  note: U+{keep:04X} keeps the glyph it shares with "
                      + ", ".join(f"U+{cp:04X}" for cp in dropped), file=sys.stderr)
    # Same idea for a few punctuation marks Chinese text uses all the time: keep the full-width
    # form a Chinese IME types, so "1月～3月" and "2024／2025" come back from a PDF as typed
    # rather than as the lower-numbered look-alike (〜 U+301C, ∕ U+2215, em space U+2003).
    for cp in PREFER_IN_SHARED_GLYPH:
        if cp in wanted:
            for other in by_glyph[source_cmap[cp]]:
                if other < cp:
                    wanted.discard(other)
    return wanted


def _ideograph_rank(cp: int) -> tuple[int, int]:
    """Which of several code points sharing a glyph keeps it: URO, then Extension A, then others."""
    if URO[0] <= cp <= URO[1]:
        return (0, cp)
    if EXT_A[0] <= cp <= EXT_A[1]:
        return (1, cp)
    return (2, cp)


def rename(font) -> None:
    """Give the Modified Version its own names (name table and CFF top dict)."""
    name = font["name"]
    version = name.getDebugName(5) or "Version 2.001"
    original = name.getDebugName(4) or "Noto Serif CJK SC"
    values = {
        1: FAMILY,
        2: STYLE,
        3: f"{PS_NAME};BranchDesk subset of {original}",
        4: f"{FAMILY}",
        5: f"{version}; BranchDesk subset",
        6: PS_NAME,
        16: FAMILY,
        17: STYLE,
    }
    # Localised family names of the original (e.g. 思源宋体 in Chinese) would let Qt list the
    # subset under the original's name: remove every record we do not set explicitly, except the
    # legal/credit ones (copyright, trademark, manufacturer, designer, description, URLs, licence).
    keep = {0, 7, 8, 9, 10, 11, 12, 13, 14}
    name.names = [rec for rec in name.names if rec.nameID in keep]
    for name_id, text in values.items():
        name.setName(text, name_id, 3, 1, 0x409)
        name.setName(text, name_id, 1, 0, 0)
    name.setName(
        f"Subset of {original} ({version}) made for BranchDesk by resources/fonts/make_subset.py: "
        "GBK + CJK Unified Ideographs (+ Extension A) + Latin and CJK punctuation; Kangxi/"
        "radical code points removed from the cmap. Licensed under the SIL Open Font License 1.1.",
        10, 3, 1, 0x409)

    cff = font["CFF "].cff
    cff.fontNames = [PS_NAME]
    top = cff.topDictIndex[0]
    top.FullName = FAMILY
    top.FamilyName = FAMILY
    if hasattr(top, "CIDFontName"):
        top.CIDFontName = PS_NAME
    if hasattr(top, "FDArray"):
        for fd in top.FDArray:
            if hasattr(fd, "FontName"):
                fd.FontName = f"{PS_NAME}-{fd.FontName.split('-')[-1]}"


def check(path: Path) -> None:
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    cmap = font.getBestCmap()
    missing = [ch for ch in REQUIRED if ord(ch) not in cmap]
    if missing:
        raise SystemExit(f"required characters missing: {''.join(missing)}")
    radicals = [cp for cp in cmap if in_ranges(cp, RADICAL_RANGES)]
    if radicals:
        raise SystemExit(f"radical code points left in cmap: {[hex(c) for c in radicals[:10]]}")
    by_glyph: dict[str, list[int]] = defaultdict(list)
    for cp, glyph in cmap.items():
        by_glyph[glyph].append(cp)
    shared = [cps for cps in by_glyph.values() if len(cps) > 1 and any(map(is_unified_ideograph, cps))]
    if shared:
        raise SystemExit(f"ideograph glyphs with several code points: {shared[:10]}")
    others = [cps for cps in by_glyph.values() if len(cps) > 1]
    ideographs = sum(1 for cp in cmap if is_unified_ideograph(cp))
    print(f"{path.name}: {path.stat().st_size:,} bytes, {len(font.getGlyphOrder()):,} glyphs, "
          f"{len(cmap):,} code points ({ideographs:,} unified ideographs)")
    if others:
        print("  non-ideograph code points sharing a glyph (harmless, lowest wins in PDFs):",
              ", ".join("/".join(f"U+{c:04X}" for c in sorted(cps)) for cps in others))
    gb2312 = gb2312_hanzi()
    lacking = sorted(cp for cp in gb2312 if cp not in cmap)
    print(f"  GB2312 hanzi covered: {len(gb2312) - len(lacking)}/{len(gb2312)}")
    if lacking:
        raise SystemExit(f"GB2312 hanzi missing: {''.join(map(chr, lacking))}")


def gb2312_hanzi() -> set[int]:
    """The 6 763 hanzi of GB 2312 (rows 16-87, lead bytes 0xB0-0xF7)."""
    out: set[int] = set()
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes((b1, b2)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return out


def build(source: Path, face_index: int, output: Path, ext_a: bool, keep_hints: bool) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, fontNumber=face_index, lazy=False, recalcTimestamp=False)
    family = font["name"].getDebugName(1)
    if "CJK SC" not in (family or ""):
        raise SystemExit(f"face {face_index} of {source} is {family!r}, expected a CJK SC face")
    modified = font["head"].modified
    source_cmap = font.getBestCmap()
    unicodes = wanted_codepoints(source_cmap, ext_a)

    options = subset.Options()
    options.layout_features = [tag for tag in options.layout_features if tag not in DROP_FEATURES]
    options.drop_tables += DROP_TABLES
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    # CFF stem hints are ~2 MB of a 11 MB subset. They only help small on-screen sizes; the
    # bundled font is mostly a print/PDF fallback (hints are ignored at printer resolutions) and
    # FreeType/DirectWrite render unhinted CFF well, so they go unless --keep-hints.
    options.hinting = keep_hints
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)

    # populate() also keeps glyphs reachable through GSUB; make sure the cmap holds only `unicodes`
    # (the subsetter keeps exactly those, but be explicit against future fontTools changes).
    for table in font["cmap"].tables:
        table.cmap = {cp: g for cp, g in table.cmap.items() if cp in unicodes}

    rename(font)
    font["head"].modified = modified
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(output)
    check(output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--face-index", type=int, default=DEFAULT_FACE_INDEX)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--no-ext-a", dest="ext_a", action="store_false",
                        help="leave out CJK Extension A (U+3400-U+4DBF), about 2.5 MB smaller")
    parser.add_argument("--keep-hints", action="store_true",
                        help="keep the CFF hints (about 2 MB larger)")
    parser.add_argument("--check-only", action="store_true", help="only verify --output")
    args = parser.parse_args(argv)
    if args.check_only:
        check(args.output)
        return 0
    if not args.source.is_file():
        parser.error(f"{args.source} not found (apt-get install fonts-noto-cjk, or pass --source)")
    build(args.source, args.face_index, args.output, args.ext_a, args.keep_hints)
    return 0


if __name__ == "__main__":
    sys.exit(main())
