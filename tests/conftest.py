import os

import pytest
from hypothesis import settings

# CI runs the same examples every time (a failure there is reproducible); locally they vary.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    """Every test gets its own data folder; nothing is written outside tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("BRANCHDESK_HOME", str(home))
    return home


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "branch.sqlite3"


@pytest.fixture
def fresh_db(db_path):
    from branchdesk.core.db import open_db

    db = open_db(db_path)
    yield db
    db.close()


@pytest.fixture(autouse=True)
def _no_unlocked_keys():
    """Keys unlocked by one test (core/keys.py keeps them per process) never open another's files."""
    yield
    from branchdesk.core import keys

    keys.forget_all()


@pytest.fixture
def fast_kdf(monkeypatch):
    """A cheap scrypt for tests that set many passwords (the real cost: bench/README.md)."""
    from branchdesk.core import keys

    monkeypatch.setattr(keys, "N", 2**10)
