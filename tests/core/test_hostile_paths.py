"""Issue-16 paths: demo data never replaces a real branch; read-only places; odd files."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from branchdesk import paths
from branchdesk.cli import main
from branchdesk.core import backup, branch, demo, settings
from branchdesk.core.db import open_db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _real_branch(path: Path) -> Path:
    db = open_db(path)
    settings.put(db, {"branch_name": "某某党支部", "setup_done": True})
    branch.ensure_group(db, "第一党小组")
    db.close()
    return path


def test_demo_force_never_replaces_a_real_branch(tmp_path, _home, capsys):
    path = _real_branch(paths.default_db_path())  # BRANCHDESK_HOME, no --db: the real branch
    digest = _digest(path)
    assert main(["demo", "--force"]) != 0
    assert "真实支部" in capsys.readouterr().err
    assert _digest(path) == digest


def test_demo_force_replaces_an_earlier_demo_after_a_backup(tmp_path):
    path = tmp_path / "demo.sqlite3"
    demo.create_demo(path, today=date(2026, 11, 29)).close()
    assert main(["demo", "--force", "--db", str(path)]) == 0
    kept = list(paths.backups_dir(path).glob("demo-before-demo-*.sqlite3"))
    assert len(kept) == 1 and backup.inspect_file(kept[0]).ok
