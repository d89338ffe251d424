"""Light checks of the packaging files: icons, bundle filters, version resource, installer scripts.

The heavy test - building the frozen app and the .deb and running them - is installer/selftest.py,
which CI runs after this suite.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from branchdesk import APP_TITLE, __version__, paths

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256)


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, INSTALLER / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


# ------------------------------------------------------------------------------------ icons

def test_icon_pngs_have_their_sizes():
    for size in SIZES:
        assert png_size(ICONS / f"branchdesk-{size}.png") == (size, size)
    assert png_size(ICONS / "branchdesk.png") == (256, 256)


def test_app_icon_path_is_the_256_png():
    assert paths.icon_path() == ICONS / "branchdesk.png"
    assert paths.icon_path().is_file()


def test_ico_holds_all_sizes_as_png():
    data = (ICONS / "branchdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(SIZES))
    sizes = []
    for i in range(count):
        width, height, _, _, _, bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i: 22 + 16 * i])
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data) and bpp == 32
        sizes.append(width or 256)
    assert sorted(sizes) == list(SIZES)


def test_svg_sources_parse():
    for name in ("branchdesk.svg", "branchdesk-small.svg"):
        root = ET.parse(ICONS / name).getroot()
        assert root.tag.endswith("svg")


def test_icons_are_reproducible_from_the_script(tmp_path, qapp):
    """make_icons.py draws the committed PNGs (so nobody edits a PNG by hand and loses it)."""
    spec = importlib.util.spec_from_file_location("make_icons", ICONS / "make_icons.py")
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    from PySide6.QtGui import QImage

    for size in (16, 256):
        svg = make_icons.SMALL_SVG if size <= make_icons.SMALL_MAX else make_icons.FULL_SVG
        drawn = make_icons.render(svg, size)
        committed = QImage(str(ICONS / f"branchdesk-{size}.png")).convertToFormat(drawn.format())
        # Antialiasing may differ by a shade between Qt versions; the drawing may not.
        differing = sum(
            1 for y in range(size) for x in range(size)
            if max(abs(a - b) for a, b in zip(drawn.pixelColor(x, y).getRgb(),
                                              committed.pixelColor(x, y).getRgb())) > 16)
        assert differing <= size * size // 100


# ------------------------------------------------------------------------------ bundle filter

def test_only_chinese_qt_translations_are_kept():
    bf = load("bundle_filter")
    qm = "PySide6/Qt/translations/{}"
    toc = [(qm.format(n), "/src/" + n, "DATA") for n in
           ("qtbase_zh_CN.qm", "qt_zh_CN.qm", "qtbase_de.qm", "qt_help_zh_CN.qm", "qt_ja.qm")]
    toc.append(("resources/fonts/OFL.txt", "/src/OFL.txt", "DATA"))
    ours = "resources/translations/branchdesk_qtbase_zh_CN.qm"  # what qtbase_zh_CN misses
    toc.append((ours, "/src/" + Path(ours).name, "DATA"))
    kept = {Path(d).name for d, _, _ in bf.filter_datas(toc)}
    assert kept == {"qtbase_zh_CN.qm", "qt_zh_CN.qm", "OFL.txt", Path(ours).name}


@pytest.mark.parametrize("dest, keep", [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6\\plugins\\platforms\\qwindows.dll", True),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
    ("PySide6/Qt/lib/libQt6Network.so.6", True),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6\\plugins\\platforms\\qdirect2d.dll", False),
    ("PySide6\\opengl32sw.dll", False),
    ("PySide6\\Qt6Pdf.dll", False),
    ("PySide6/Qt/lib/libQt6Svg.so.6", True),  # Linux: the Wayland decorations link it
])
def test_plugin_and_file_filter(dest, keep):
    bf = load("bundle_filter")
    assert bf.keep_binary((dest, "/src/x", "BINARY")) is keep


def test_prune_keeps_only_what_is_linked():
    bf = load("bundle_filter")
    toc = [
        ("PySide6/QtGui.abi3.so", "/s/QtGui.abi3.so", "EXTENSION"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/s/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/s/libQt6XcbQpa.so.6", "BINARY"),
        ("libX11.so.6", "/s/libX11.so.6", "BINARY"),
        ("libgtk-orphan.so.0", "/s/libgtk-orphan.so.0", "BINARY"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
    ]
    links = {
        "/s/QtGui.abi3.so": ["libQt6Gui.so.6"],
        "/s/libqxcb.so": ["libQt6XcbQpa.so.6"],
        "/s/libQt6XcbQpa.so.6": ["libQt6Gui.so.6", "libX11.so.6"],
        "/s/libQt6Gui.so.6": ["libc.so.6"],
    }

    def get_imports(src):
        return [(name, None) for name in links.get(src, [])]

    kept = {d for d, _, _ in bf.prune_unreferenced(toc, get_imports)}
    assert "libgtk-orphan.so.0" not in kept
    assert {"PySide6/Qt/lib/libQt6XcbQpa.so.6", "libX11.so.6", "libQt6Gui.so.6"} <= kept


def test_dangling_symlinks_are_dropped():
    bf = load("bundle_filter")
    binaries = [("PySide6/Qt/lib/libQt6Gui.so.6", "/s/a", "BINARY")]
    datas = [("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
             ("libQt6Svg.so.6", "PySide6/Qt/lib/libQt6Svg.so.6", "SYMLINK"),
             ("resources/x.txt", "/s/x.txt", "DATA")]
    kept = [d for d, _, _ in bf.drop_dangling_symlinks(datas, binaries)]
    assert kept == ["libQt6Gui.so.6", "resources/x.txt"]


# ---------------------------------------------------------------------- Windows version info

def test_numeric_version():
    wv = load("winversion")
    assert wv.numeric_version("0.1.0") == (0, 1, 0, 0)
    assert wv.numeric_version("1.2.3rc1") == (1, 2, 3, 1)
    assert wv.numeric_version("2026.11") == (2026, 11, 0, 0)


def test_version_resource_is_chinese():
    # PyInstaller's version-resource module needs pefile, which it only installs on Windows.
    pytest.importorskip("PyInstaller", reason="the build extra is not installed")
    pytest.importorskip("pefile", reason="pefile comes with PyInstaller on Windows only")
    wv = load("winversion")
    raw = wv.version_info(__version__, APP_TITLE, "branchdesk").toRaw()
    assert APP_TITLE.encode("utf-16-le") in raw
    assert "080404B0".encode("utf-16-le") in raw


# ------------------------------------------------------------------------- installer scripts

def test_spec_and_scripts_compile():
    for path in (INSTALLER / "branchdesk.spec", INSTALLER / "bare_window.spec",
                 INSTALLER / "launch.py", INSTALLER / "bare_window.py", INSTALLER / "selftest.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_shell_scripts_parse():
    for script in (INSTALLER / "linux" / "build_deb.sh", ROOT / ".ci" / "run"):
        subprocess.run(["bash", "-n", str(script)], check=True)


def test_inno_script_essentials():
    raw = (INSTALLER / "windows" / "branchdesk.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "ISCC needs the BOM to read the Chinese text"
    text = raw.decode("utf-8-sig")
    for line in ("PrivilegesRequired=lowest", "PrivilegesRequiredOverridesAllowed=dialog",
                 "ChineseSimplified.isl", "{autodesktop}", "{autoprograms}",
                 "procedure CurUninstallStepChanged", "MB_DEFBUTTON2", "UninstallSilent()",
                 "{localappdata}\\BranchDesk"):
        assert line in text, line


def test_selftest_marker_matches_the_app():
    """The line app.py prints under BRANCHDESK_SELFTEST_QUIT_MS is what selftest.py looks for."""
    selftest = load("selftest")
    app_source = (ROOT / "branchdesk" / "ui" / "app.py").read_text(encoding="utf-8")
    assert "BRANCHDESK_SELFTEST_QUIT_MS" in app_source
    sample = "BRANCHDESK_SELFTEST window-shown 1700000000.123 visible=True translators=1"
    assert selftest.MARKER.search(sample).groups() == ("1700000000.123", "True", "1")


def test_selftest_id_numbers_are_valid():
    from branchdesk.core import idcard

    selftest = load("selftest")
    for first17 in ("11010519800101001", "11010519820315002", "44052419900720003"):
        assert selftest.id_number(first17) == idcard.make_valid(first17)


def test_deb_info_template_is_json():
    """The info file written by build_deb.sh is valid JSON once the variables are filled in."""
    script = (INSTALLER / "linux" / "build_deb.sh").read_text(encoding="utf-8")
    start = script.index('cat > "$APPDIR/info" <<EOF') + len('cat > "$APPDIR/info" <<EOF\n')
    body = script[start:script.index("\nEOF", start)]
    for var, value in (("$APPID", "local.branchdesk.app"), ("$NAME_ZH", APP_TITLE),
                       ("$VERSION", "0.1.0.0"), ("$ARCH", "amd64")):
        body = body.replace(var, value)
    info = json.loads(body)
    assert info["appid"] == "local.branchdesk.app" and info["arch"] == ["amd64"]
    assert not any(info["permissions"].values())



def test_guide_goes_into_the_bundle():
    """resources/help (the 使用说明 and its pictures) is bundled; its screenshot script is not."""
    import ast

    spec = (INSTALLER / "branchdesk.spec").read_text(encoding="utf-8")
    [func] = [node for node in ast.parse(spec).body
              if isinstance(node, ast.FunctionDef) and node.name == "resource_datas"]
    scope = {"ROOT": ROOT}
    exec(compile(ast.Module([func], []), "branchdesk.spec", "exec"), scope)
    bundled = [(Path(src).relative_to(ROOT).as_posix(), dest) for src, dest in scope["resource_datas"]()]
    bf = load("bundle_filter")
    kept = {src for src, _ in bundled
            if bf.keep_data((f"{Path(src).parent.as_posix()}/{Path(src).name}", src, "DATA"))}
    pictures = {f"resources/help/{p.name}" for p in (ROOT / "resources" / "help").glob("*.png")}
    assert {"resources/help/index.html", *pictures} <= kept and pictures
    assert ("resources/help/index.html", "resources/help") in bundled
    assert "resources/help/make_screenshots.py" not in kept


# ------------------------------------------------------------------------------ what ships

def test_the_fictional_branch_generator_is_not_shipped():
    """testdata/ (used by tests and bench only) is neither packaged nor imported by the app, so
    pip install and the frozen bundle (collect_submodules("branchdesk")) leave it out."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = project["tool"]["setuptools"]["packages"]
    assert packages and all(p == "branchdesk" or p.startswith("branchdesk.") for p in packages)
    assert not list((ROOT / "branchdesk").rglob("fakedata.py"))
    for source in (ROOT / "branchdesk").rglob("*.py"):
        assert "testdata" not in source.read_text(encoding="utf-8"), source


# ------------------------------------------------------------------------- pip install .

BUILD_WARNINGS = ("would be ignored", "is absent from the `packages` configuration",
                  "deprecated", "BuildBackendWarning", "SetuptoolsDeprecationWarning")


@pytest.mark.slow
def test_pip_install_is_clean_and_carries_the_data(tmp_path):
    """``pip install .`` in a fresh virtualenv: no setuptools warnings (a future setuptools
    would drop what it warns about), and the installed package holds the font and the Qt
    translation that paths.resources_dir() finds beside it."""
    source = tmp_path / "src"
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for folder in ("branchdesk", "resources"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-v", str(source)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0 and "setuptools" in done.stderr and "find" in done.stderr.lower():
        pytest.skip("no package index to fetch setuptools from")
    assert done.returncode == 0, done.stderr[-2000:]
    output = done.stdout + done.stderr
    assert not [w for w in BUILD_WARNINGS if w in output], output[-3000:]
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True).stdout
    resources = Path(site.strip()) / "branchdesk" / "resources"
    for part in ("fonts/BranchDeskSerifSC-Regular.otf", "fonts/OFL.txt",
                 "translations/branchdesk_qtbase_zh_CN.qm", "icons/branchdesk.png",
                 "help/index.html", "help/dashboard.png"):
        assert (resources / part).is_file(), part
    assert (resources / "fonts/BranchDeskSerifSC-Regular.otf").stat().st_size == (
        ROOT / "resources/fonts/BranchDeskSerifSC-Regular.otf").stat().st_size
