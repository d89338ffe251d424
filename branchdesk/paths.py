"""Every path the app uses, in one place.

Order of precedence for the data folder:
1. ``--db PATH`` (handled by the caller, which passes the file explicitly);
2. ``BRANCHDESK_HOME`` environment variable;
3. portable mode: a folder named ``data`` next to the frozen executable;
4. the per-user data folder (platformdirs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DB_FILENAME = "branchdesk.sqlite3"
# The fictional demo branch: its own file beside the real one, never the real one.
DEMO_FILENAME = "demo-branch.sqlite3"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def resources_dir() -> Path:
    """The resources/ folder in a source checkout, an installed package or a frozen bundle."""
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    here = Path(__file__).resolve().parent
    installed = here / "resources"
    if installed.is_dir():
        return installed
    return here.parent / "resources"


def portable_data_dir() -> Path | None:
    if not is_frozen():
        return None
    candidate = Path(sys.executable).resolve().parent / "data"
    return candidate if candidate.is_dir() else None


def home_dir() -> Path:
    """The folder holding the database, backups, attachments and logs (created on demand)."""
    env = os.environ.get("BRANCHDESK_HOME")
    if env:
        path = Path(env)
    else:
        path = portable_data_dir() or _user_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("BranchDesk", appauthor=False))


def default_db_path() -> Path:
    return home_dir() / DB_FILENAME


def demo_db_path() -> Path:
    return home_dir() / DEMO_FILENAME


def data_dir_for(db_path: Path) -> Path:
    """Attachments, backups and logs live beside the database file they belong to."""
    return Path(db_path).resolve().parent


def attachments_dir(db_path: Path) -> Path:
    return data_dir_for(db_path) / (Path(db_path).stem + "-attachments")


def backups_dir(db_path: Path) -> Path:
    return data_dir_for(db_path) / "backups"


def log_dir() -> Path:
    path = home_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def font_dir() -> Path:
    return resources_dir() / "fonts"


def icon_path(name: str = "branchdesk.png") -> Path:
    return resources_dir() / "icons" / name
