"""What the frozen bundle leaves out, used by ``branchdesk.spec`` (and checked by tests).

PyInstaller's Qt hooks collect every plugin of every plugin type that QtGui/QtWidgets/QtNetwork
might load, every Qt translation in ~40 languages, and, through the plugins, Qt libraries and
system libraries the app never loads (QtSvg through the SVG icon engine, QtPdf through the PDF
image format, the whole GTK/cairo/pango stack through the GTK3 platform theme...). This module
drops them:

1. translations: only ``qt_zh_CN.qm`` and ``qtbase_zh_CN.qm`` (the app is Chinese only);
2. plugins matched by ``DROP_PLUGINS`` (reasons inline);
3. files matched by ``DROP_FILES`` (Windows: software OpenGL and Direct3D shader compiler);
4. Linux: libraries no longer reachable from what is left (see ``prune_unreferenced``), and
   the symbolic links that pointed at them.

``EXCLUDES`` lists the Python modules left out (passed to ``Analysis``). Every entry below is a
PyInstaller TOC tuple ``(dest_name, src_path, typecode)``.
"""

from __future__ import annotations

import fnmatch
import os

# Python modules the app never imports at run time. Only a few hundred KB, but each one that
# stays in is code that could be reached; the self-test proves nothing needed was cut.
EXCLUDES = [
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib",  # no Tk
    "unittest", "doctest", "pdb", "pydoc", "xmlrpc", "lib2to3", "test",  # dev tools
    "distutils", "setuptools", "pkg_resources", "pip", "ensurepip",  # packaging
    # Qt modules the app does not use (it uses QtCore, QtGui, QtWidgets, QtPrintSupport and
    # QtNetwork for local sockets). They are only collected if imported, so this is a guard.
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtSvg", "PySide6.QtSvgWidgets",
    "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSql", "PySide6.QtTest",
    "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtXml",
    "PySide6.QtConcurrent", "PySide6.QtMultimedia", "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets", "PySide6.Qt3DCore",
]

# qtbase_zh_CN has every string of Qt's widgets and dialogs (确定/取消, 打印, 文件名). qt_zh_CN is
# a 99-byte catalogue that only names qtbase_zh_CN, qtmultimedia_zh_CN... as dependencies; it does
# not load from the Essentials wheel (neither frozen nor from source) and is kept only because
# ui/app.py asks for it.
KEEP_TRANSLATIONS = frozenset({"qt_zh_CN.qm", "qtbase_zh_CN.qm"})

# Patterns on the destination path below ``.../plugins/`` (lower case, forward slashes).
DROP_PLUGINS = (
    # The app's icons are PNG. (libQt6Svg itself stays: the Wayland "adwaita" title bars link it.)
    "iconengines/*",
    "imageformats/*qsvg*",
    # PDF pages as images (pulls in QtPdf); Apple, Targa and WAP bitmaps: no office photo uses them.
    "imageformats/*qpdf*", "imageformats/*qicns*", "imageformats/*qtga*", "imageformats/*qwbmp*",
    # Platforms for kiosks and embedded boards. Kept: xcb (X11: UOS, Kylin), wayland, windows,
    # offscreen (the self-test) and minimal.
    "platforms/*qlinuxfb*", "platforms/*qvnc*", "platforms/*qvkkhrdisplay*", "platforms/*qeglfs*",
    "platforms/*qminimalegl*", "platforms/*qdirect2d*",
    "egldeviceintegrations/*",
    # evdev/tslib/TUIO input: only used by the embedded platforms above.
    "generic/*",
    # GTK3 theme: would load the machine's libgtk-3 next to the bundled cairo/pango/glib of the build
    # machine (version clashes), and swaps in GTK file dialogs that ignore our zh_CN Qt translation.
    # Without it Qt draws its own (translated) dialogs; the xdg-desktop-portal theme stays.
    "platformthemes/*gtk3*",
    # HTTPS and network-status backends: the app is offline. (QtNetwork itself stays: local
    # sockets for the single-instance check.)
    "tls/*", "networkinformation/*",
    # Wayland compositor-side and rarely used shells; xdg-shell (every desktop) stays.
    "wayland-graphics-integration-server/*", "wayland-shell-integration/*ivi-shell*",
    "wayland-shell-integration/*fullscreen-shell*", "wayland-shell-integration/*wl-shell*",
)

# Patterns on the file name (lower case), Windows only (Linux gets the same effect from
# prune_unreferenced): software OpenGL and the Direct3D shader compiler are for Qt Quick, a widgets
# app paints with the raster engine; QtSvg and QtPdf were only pulled in by the plugins dropped above.
DROP_FILES = ("opengl32sw.dll", "d3dcompiler_*.dll", "qt6svg.dll", "qt6pdf.dll")


def _norm(dest: str) -> str:
    return _slashes(dest).lower()


def keep_data(entry) -> bool:
    dest = _norm(entry[0])
    if "/translations/" in dest and dest.endswith(".qm") and not dest.startswith("resources/"):
        return os.path.basename(entry[0]) in KEEP_TRANSLATIONS  # Qt's own; ours all stay
    return True


def keep_binary(entry) -> bool:
    dest = _norm(entry[0])
    name = dest.rsplit("/", 1)[-1]
    if any(fnmatch.fnmatch(name, pattern) for pattern in DROP_FILES):
        return False
    if "/plugins/" in dest:
        below = dest.split("/plugins/", 1)[1]
        return not any(fnmatch.fnmatch(below, pattern) for pattern in DROP_PLUGINS)
    return True


def filter_datas(datas):
    return [entry for entry in datas if keep_data(entry)]


def filter_binaries(binaries):
    return [entry for entry in binaries if keep_binary(entry)]


def _is_root(entry) -> bool:
    """Files loaded by name at run time: Python extension modules, Qt plugins, libpython."""
    dest = _norm(entry[0])
    name = dest.rsplit("/", 1)[-1]
    return entry[2] == "EXTENSION" or "/plugins/" in dest or name.startswith("libpython")


def prune_unreferenced(binaries, get_imports):
    """Drop shared libraries that nothing left in the bundle links to (Linux).

    ``get_imports(path)`` returns the ``DT_NEEDED`` names of a file with their resolved paths
    (PyInstaller's ``bindepend.get_imports``). The walk starts from the roots (``_is_root``) and
    follows the needed names; a library whose name is never reached was only there for a plugin
    this module dropped. Libraries that Qt would ``dlopen()`` by name are not affected: those
    (libGL, libEGL, libvulkan, libssl for TLS) are either not bundled or belong to dropped plugins.
    """
    files = [entry for entry in binaries if entry[2] != "SYMLINK"]
    by_name = {os.path.basename(entry[0]): entry for entry in files}
    reached: set[str] = set()
    queue = [entry[1] for entry in files if _is_root(entry)]
    seen_src: set[str] = set()
    while queue:
        src = queue.pop()
        if src in seen_src:
            continue
        seen_src.add(src)
        for name, resolved in get_imports(src):
            name = os.path.basename(name)
            if name in reached:
                continue
            reached.add(name)
            entry = by_name.get(name)
            if entry is not None:
                queue.append(entry[1])
            elif resolved:
                queue.append(resolved)
    links = [entry for entry in binaries if entry[2] == "SYMLINK"]
    return [entry for entry in files
            if _is_root(entry) or os.path.basename(entry[0]) in reached] + links


def drop_dangling_symlinks(toc, *collected):
    """``toc`` without the SYMLINK entries whose target is not in ``toc`` or ``collected``.

    PyInstaller adds top-level links (``libQt6Gui.so.6 -> PySide6/Qt/lib/libQt6Gui.so.6``, in
    ``a.datas``); a link to a library pruned above would be left dangling in the bundle.
    """
    dests = {_slashes(entry[0]) for entries in (toc, *collected) for entry in entries
             if entry[2] != "SYMLINK"}
    return [entry for entry in toc
            if entry[2] != "SYMLINK" or _link_target(entry) in dests]


def _link_target(entry) -> str:
    dest, target, _ = entry
    return _slashes(os.path.normpath(os.path.join(os.path.dirname(dest), target)))


def _slashes(path: str) -> str:
    return path.replace("\\", "/")
