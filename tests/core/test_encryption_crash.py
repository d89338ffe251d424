"""Killed (SIGKILL) while setting or removing a password, or mid-write on an encrypted file:
the branch opens afterwards, with the old file or the new one and every record."""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
from pathlib import Path

import pytest

from tests.core.test_crash import run_and_kill

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.name != "posix", reason="SIGKILL and forkserver are POSIX")]

PASSWORD = "支部密码2026"
FAST_N = 2**10
KILLS = 30


@pytest.fixture(scope="module")
def forkserver():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["branchdesk.core.encryption", "branchdesk.core.backup",
                                    "branchdesk.core.meetings", "sqlite_utils", "pypinyin",
                                    "cryptography.hazmat.primitives.ciphers.aead",
                                    "tests.core.test_encryption_crash"])
    return context


def setter(conn, path: str) -> None:
    from branchdesk.core import encryption, keys

    keys.N = FAST_N
    conn.send_bytes(b"ready")
    encryption.set_password(path, PASSWORD)
    conn.send_bytes(b"done")


def remover(conn, path: str) -> None:
    from branchdesk.core import encryption, keys

    keys.N = FAST_N
    conn.send_bytes(b"ready")
    encryption.remove_password(path, PASSWORD)
    conn.send_bytes(b"done")


def writer(conn, path: str) -> None:
    """Add members forever to an encrypted branch, reporting each after its commit."""
    from branchdesk.core import keys, members
    from branchdesk.core.db import open_db

    keys.unlock(path, PASSWORD)
    db = open_db(path)
    conn.send_bytes(b"ready")
    for index in range(10_000):
        member = members.add(db, members.Member(name=f"测试{index}"))
        conn.send_bytes(f"{member.id}".encode())


def _contents(path: Path):
    from tests.core.test_encryption import contents

    return contents(path)


def _state_after_kill(path: Path, original) -> str:
    """'plain' or 'encrypted'; asserts that the file opens with every record."""
    from branchdesk.core import keys

    keys.forget_all()
    encrypted = keys.is_encrypted(path)
    if encrypted:
        keys.unlock(path, PASSWORD)  # its key file is there and opens it
    assert _contents(path) == original
    return "encrypted" if encrypted else "plain"


@pytest.mark.usefixtures("fast_kdf")
def test_kill_during_set_or_remove_leaves_the_old_file_or_the_new_one(forkserver, tmp_path):
    from branchdesk.core import demo, encryption, keys
    from branchdesk.core.db import open_db

    source = tmp_path / "source.sqlite3"
    demo.create_demo(source).close()
    original = _contents(source)
    encrypted = tmp_path / "encrypted.sqlite3"
    shutil.copy(source, encrypted)
    encryption.set_password(encrypted, PASSWORD)
    rng = random.Random(18)
    seen = {"set": set(), "remove": set()}
    for index in range(KILLS):
        for action, start, target in (("set", source, setter), ("remove", encrypted, remover)):
            folder = tmp_path / f"{action}{index}"
            folder.mkdir()
            path = folder / "branch.sqlite3"
            shutil.copy(start, path)
            if keys.key_path(start).exists():
                shutil.copy(keys.key_path(start), keys.key_path(path))
            run_and_kill(forkserver, target, (str(path),), rng.uniform(0, 0.25))
            seen[action].add(_state_after_kill(path, original))
            open_db(path).close()  # the next open for writing removes a killed run's copy
            assert not list(folder.glob("*.partial*"))
    # The kills landed both before and after the swap of each.
    assert seen == {"set": {"plain", "encrypted"}, "remove": {"plain", "encrypted"}}


@pytest.mark.usefixtures("fast_kdf")
def test_hot_journal_of_an_encrypted_file_is_rolled_back_with_its_key(forkserver, tmp_path):
    from branchdesk.core import encryption, keys, members
    from branchdesk.core.db import open_db

    path = tmp_path / "branch.sqlite3"
    open_db(path).close()
    encryption.set_password(path, PASSWORD)
    rng = random.Random(29)
    reported, hot = [], 0
    for _ in range(40):
        reported += run_and_kill(forkserver, writer, (str(path),), rng.uniform(0, 0.05))
        hot += Path(f"{path}-journal").exists()
    print(f"{hot} of 40 kills inside a transaction, {len(reported)} records")
    assert hot >= 5, "the kills should land inside a transaction"
    keys.forget_all()
    keys.unlock(path, PASSWORD)
    db = open_db(path)
    stored = {row[0] for row in db.execute("SELECT id FROM members")}
    assert members.count(db) == len(stored)
    db.close()
    assert {int(r) for r in reported} <= stored
