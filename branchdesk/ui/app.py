"""The QApplication: translations, fonts, excepthook, first run, main window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from branchdesk import APP_NAME, APP_TITLE, paths

log = logging.getLogger(__name__)


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with Chinese Qt dialogs and a font that has Chinese glyphs."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName(APP_NAME)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_translations(app)
    _install_fonts(app)
    from branchdesk.ui.widgets import install_wheel_guard

    install_wheel_guard(app)
    icon = paths.icon_path()
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def install_translations(app: QApplication) -> None:
    if getattr(app, "_branchdesk_translators", None):
        return
    translators = []
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
               str(paths.resources_dir() / "translations")]
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if any(translator.load(name, folder) for folder in folders):
            app.installTranslator(translator)
            translators.append(translator)
    if not translators:
        log.warning("Qt zh_CN translations not found")
    # Installed last, so asked first: Qt strings qtbase_zh_CN does not translate (yet).
    extra = QTranslator(app)
    if extra.load("branchdesk_qtbase_zh_CN", str(paths.resources_dir() / "translations")):
        app.installTranslator(extra)
        translators.append(extra)
    app._branchdesk_translators = translators


def _install_fonts(app: QApplication) -> None:
    try:
        from branchdesk.ui import fonts
    except ImportError:  # pragma: no cover - fonts module always ships
        return
    fonts.install_app_font(app)


def run(db_path: Path | None = None) -> int:
    from branchdesk.ui import single_instance
    from branchdesk.ui.errors import install_excepthook
    from branchdesk.ui.main_window import MainWindow
    from branchdesk.ui.startup import open_start_database

    app = create_app()
    install_excepthook()
    path = Path(db_path) if db_path else paths.default_db_path()
    server = single_instance.claim(path, app)
    if server is None:
        return 0  # another window has this database open and was brought to the front
    db = open_start_database(path)
    if db is None:
        return 0
    window = MainWindow(db)
    server.activate_requested.connect(single_instance.raise_main_window)
    app.aboutToQuit.connect(single_instance.back_up_open_windows)
    from branchdesk.core import keys

    if window.locker.enabled() and not keys.is_encrypted(db.path):
        window.locker.lock()  # an encrypted branch asked for its password just now
    window.show()
    _selftest_hook(app, window)
    return app.exec()


def _selftest_hook(app: QApplication, window) -> None:
    """Hidden, for installer/selftest.py: BRANCHDESK_SELFTEST_QUIT_MS=N prints a line once the
    window is up (with a timestamp, for the start-time measurement) and quits after N ms."""
    quit_ms = os.environ.get("BRANCHDESK_SELFTEST_QUIT_MS")
    if not quit_ms:
        return

    def report():
        translators = len(getattr(app, "_branchdesk_translators", []))
        print(f"BRANCHDESK_SELFTEST window-shown {time.time():.3f} visible={window.isVisible()} "
              f"translators={translators}", flush=True)

    QTimer.singleShot(0, report)  # runs on the first event-loop pass, after the show events
    QTimer.singleShot(int(quit_ms), app.quit)
