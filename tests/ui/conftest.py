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
