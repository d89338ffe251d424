"""Draw BranchDesk's application icon: a red ledger with a gold check mark.

Build-time tool, not imported by the app. Run it after changing the drawing and commit its output:

    QT_QPA_PLATFORM=offscreen python resources/icons/make_icons.py

It writes, next to itself:

- ``branchdesk.svg``        the source drawing (256 x 256 view box, full detail);
- ``branchdesk-small.svg``  the same idea simplified for 16-32 px (no title label, thicker strokes,
                            edges on whole pixels) so the small sizes stay crisp instead of blurry;
- ``branchdesk-<N>.png``    N = 16, 32, 48, 64, 128, 256, rendered from the SVGs with QtSvg;
- ``branchdesk.png``        the 256 px PNG the app loads (``branchdesk.paths.icon_path()``);
- ``branchdesk.ico``        all six sizes in one Windows icon (PNG-compressed entries, Vista+).

The design is original on purpose: the Party emblem (hammer and sickle) and its star layout are
regulated and must not be used as a software icon, so this is a ledger (台账) and a check mark
(不漏项), nothing more. QtSvg is only needed here; the app itself loads the PNG, so the frozen
bundle can leave the SVG plugin out.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (16, 32, 48, 64, 128, 256)
SMALL_MAX = 32  # sizes up to this use the simplified drawing

RED = "#C62828"
DARK_RED = "#8E1515"
PAGES = "#F6ECD6"
PAGE_LINE = "#D9C7A0"
GOLD = "#FFC83D"

# Full detail: pages peeking out at the right and bottom, a darker spine with two bands, a cream
# title label, and a gold check mark over the lower half of the cover.
FULL_SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>BranchDesk 党支部工作台账</title>
  <rect x="58" y="30" width="170" height="210" rx="14" fill="{PAGES}" stroke="{PAGE_LINE}" stroke-width="4"/>
  <path d="M214 60 V222 M200 232 H80" stroke="{PAGE_LINE}" stroke-width="4" fill="none"/>
  <rect x="30" y="16" width="184" height="212" rx="16" fill="{RED}"/>
  <path d="M46 16 H74 V228 H46 A16 16 0 0 1 30 212 V32 A16 16 0 0 1 46 16 Z" fill="{DARK_RED}"/>
  <rect x="30" y="52" width="44" height="10" fill="{RED}" opacity="0.55"/>
  <rect x="30" y="182" width="44" height="10" fill="{RED}" opacity="0.55"/>
  <rect x="98" y="44" width="92" height="46" rx="6" fill="{PAGES}"/>
  <path d="M112 61 H176 M112 74 H160" stroke="{PAGE_LINE}" stroke-width="6" stroke-linecap="round"/>
  <path d="M100 150 L128 178 L186 116" fill="none" stroke="{GOLD}" stroke-width="20"
        stroke-linecap="round" stroke-linejoin="round"/>
</svg>
"""

# 16-32 px: a 32-unit grid, 1 unit = 1 px at 32 px and half a pixel at 16 px, so every edge sits
# on an even coordinate (a whole pixel at both sizes).
SMALL_SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <title>BranchDesk 党支部工作台账</title>
  <rect x="6" y="4" width="24" height="28" rx="2" fill="{PAGES}"/>
  <rect x="2" y="2" width="26" height="28" rx="2" fill="{RED}"/>
  <rect x="2" y="2" width="6" height="28" rx="2" fill="{DARK_RED}"/>
  <path d="M11 17 L15 21 L24 11" fill="none" stroke="{GOLD}" stroke-width="4"
        stroke-linecap="round" stroke-linejoin="round"/>
</svg>
"""


def render(svg_text: str, size: int):
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg_text.encode("utf-8")))
    if not renderer.isValid():
        raise SystemExit("invalid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A .ico holding each PNG as it is (the ICONDIR format; 0 in width/height means 256)."""
    count = len(pngs)
    header = struct.pack("<HHH", 0, 1, count)
    offset = 6 + 16 * count
    entries, blobs = b"", b""
    for size, data in sorted(pngs.items()):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - needed by QtSvg
    (HERE / "branchdesk.svg").write_text(FULL_SVG, encoding="utf-8")
    (HERE / "branchdesk-small.svg").write_text(SMALL_SVG, encoding="utf-8")
    pngs = {}
    for size in SIZES:
        pngs[size] = png_bytes(render(SMALL_SVG if size <= SMALL_MAX else FULL_SVG, size))
        (HERE / f"branchdesk-{size}.png").write_bytes(pngs[size])
    (HERE / "branchdesk.png").write_bytes(pngs[256])
    (HERE / "branchdesk.ico").write_bytes(ico_bytes(pngs))
    print(f"wrote {len(SIZES)} PNGs, branchdesk.png, branchdesk.ico and two SVGs to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
