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
