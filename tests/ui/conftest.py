import pytest


@pytest.fixture
def app(qapp):
    """The real application set-up: zh_CN translations and fonts."""
    from branchdesk.ui.app import create_app

    return create_app()


@pytest.fixture
def demo_db(tmp_path):
    from datetime import date

    from branchdesk.core import demo

    db = demo.create_demo(tmp_path / "demo.sqlite3", today=date(2026, 11, 29))
    yield db
    db.close()


@pytest.fixture
def shown_window(app, demo_db, qtbot):
    """The main window on the demo branch, shown and active (so its keys work)."""
    from PySide6.QtWidgets import QApplication

    from branchdesk.ui.main_window import MainWindow

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


@pytest.fixture(autouse=True)
def _windows_gone_after_each_test(qapp):
    """Every window a test opened is closed and deleted before the next test starts.

    pytest-qt only closes the widgets given to qtbot.addWidget and leaves their deletion to an
    event loop that may never run again; hundreds of leftover windows (each main window with
    its app-wide event filters) then pile up across the suite. Deleting them here, with
    Python's garbage collected at the same point, keeps each test's Qt state its own."""
    yield
    import gc

    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        # the app's own windows and dialogs; not Qt's popups, tooltips and menus it reuses
        if widget.parent() is None and widget.windowType() in (Qt.WindowType.Window,
                                                                Qt.WindowType.Dialog):
            widget.close()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
