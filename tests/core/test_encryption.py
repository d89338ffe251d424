"""Encryption at rest: the password encrypts the branch file, its backups and copies.

What a user (or a thief with the file) would notice: the file holds no readable name, ID or
phone; a wrong password is refused and never mistaken for damage; setting, changing and
removing the password keeps every record; the 恢复密钥 opens a file whose password is
forgotten; a kill at any moment leaves the old file or the new one.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from branchdesk.core import backup, demo, encryption, keys, members
from branchdesk.core.db import open_db
from branchdesk.core.errors import (DamagedDatabaseError, KeyFileError, PasswordRequiredError,
                                    ValidationError, WrongPasswordError)

PASSWORD = "支部密码2026"
pytestmark = pytest.mark.usefixtures("fast_kdf")


@pytest.fixture
def demo_path(tmp_path):
    path = tmp_path / "branch.sqlite3"
    demo.create_demo(path).close()
    return path


def contents(path: Path) -> dict[str, str]:
    """Every table's rows, digested (the key must already be unlocked for an encrypted file)."""
    db = open_db(path, create=False)
    try:
        return {t: encryption._digest(db.conn, t) for t in encryption._tables(db.conn)}
    finally:
        db.close()


def secrets_of(path: Path) -> list[bytes]:
    """The members' names, ID numbers and phones as bytes in UTF-8 and UTF-16 (LE and BE).
    Needles shorter than 6 bytes are left out: 4 given bytes turn up by chance in a few
    hundred kilobytes of random data."""
    db = open_db(path, create=False)
    try:
        rows = db.execute("SELECT name, id_number, phone FROM members").fetchall()
    finally:
        db.close()
    texts = {value for row in rows for value in row if value}
    needles = [t.encode(enc) for t in texts for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    return [n for n in needles if len(n) >= 6]


def assert_no_plain_data(path: Path, needles: list[bytes]) -> None:
    data = path.read_bytes()
    assert not data.startswith(b"SQLite format 3"), path.name
    found = [n for n in needles if n in data]
    assert not found, f"{path.name} holds personal data in the clear"


def test_encrypted_file_key_file_and_backups_hold_no_personal_data(demo_path):
    needles = secrets_of(demo_path)
    assert len(needles) > 50 and any(n in demo_path.read_bytes() for n in needles)  # the test can fail
    old = backup.make_backup(demo_path, now=datetime(2026, 11, 1, 9, 0, 0))
    safety = backup.make_backup(demo_path, tag="before-v4", now=datetime(2026, 11, 2, 9, 0, 0))

    done = encryption.set_password(demo_path, PASSWORD)

    assert done.backups_changed == 2 and done.not_reached == ()
    new = backup.make_backup(demo_path)
    for path in (demo_path, keys.key_path(demo_path), old, safety, new, keys.key_path(new)):
        if path.suffix == ".key":
            assert not any(n in path.read_bytes() for n in needles)
        else:
            assert_no_plain_data(path, needles)
    assert keys.key_path(old).is_file() and keys.key_path(safety).is_file()
    assert not list(demo_path.parent.glob("*.partial*"))


def test_wrong_password_is_refused_and_never_taken_for_damage(demo_path):
    encryption.set_password(demo_path, PASSWORD)
    keys.forget_all()
    before = hashlib.sha256(demo_path.read_bytes()).hexdigest()

    with pytest.raises(PasswordRequiredError):
        open_db(demo_path)
    with pytest.raises(WrongPasswordError) as caught:
        keys.unlock(demo_path, "不是这个密码")
    assert not isinstance(caught.value, DamagedDatabaseError)
    report = backup.inspect_file(demo_path)
    assert report.locked and not report.ok
    assert backup.list_backups(demo_path) == []  # nothing set aside, nothing offered
    assert hashlib.sha256(demo_path.read_bytes()).hexdigest() == before
    assert not list(demo_path.parent.glob("*damaged*"))

    keys.unlock(demo_path, PASSWORD)
    db = open_db(demo_path)
    assert members.count(db) == 35
    db.close()


def test_set_change_remove_round_trips_every_record(demo_path):
    original = contents(demo_path)

    encryption.set_password(demo_path, PASSWORD)
    keys.forget_all()
    keys.unlock(demo_path, PASSWORD)
    assert contents(demo_path) == original

    encryption.change_password(demo_path, PASSWORD, "新的密码123")
    keys.forget_all()
    with pytest.raises(WrongPasswordError):
        keys.unlock(demo_path, PASSWORD)
    keys.unlock(demo_path, "新的密码123")
    assert contents(demo_path) == original

    encryption.remove_password(demo_path, "新的密码123")
    keys.forget_all()
    assert demo_path.read_bytes().startswith(b"SQLite format 3")
    assert not keys.key_path(demo_path).exists()
    assert contents(demo_path) == original


def test_lock_password_gives_way_to_the_encryption_password(demo_path):
    from branchdesk.core import screen_lock, settings

    db = open_db(demo_path)
    screen_lock.set_password(db, "1234")
    db.close()
    encryption.set_password(demo_path, PASSWORD)
    encryption.remove_password(demo_path, PASSWORD)
    db = open_db(demo_path)
    assert settings.get(db, "lock_password") == ""  # no old lock password comes back
    db.close()


def test_changing_the_password_rewraps_the_backups(demo_path):
    encryption.set_password(demo_path, PASSWORD)
    saved = backup.make_backup(demo_path)
    encryption.change_password(demo_path, PASSWORD, "新的密码123")
    keys.forget_all()
    with pytest.raises(WrongPasswordError):
        keys.unlock(saved, PASSWORD)
    keys.unlock(saved, "新的密码123")
    assert backup.inspect_file(saved).ok


def test_wrong_old_password_and_short_new_password_write_nothing(demo_path):
    with pytest.raises(ValidationError, match="至少"):
        encryption.set_password(demo_path, "12345")
    assert demo_path.read_bytes().startswith(b"SQLite format 3")
    encryption.set_password(demo_path, PASSWORD)
    key_file = keys.key_path(demo_path).read_bytes()
    data = demo_path.read_bytes()
    with pytest.raises(WrongPasswordError):
        encryption.change_password(demo_path, "错误的旧密码", "新的密码123")
    with pytest.raises(WrongPasswordError):
        encryption.remove_password(demo_path, "错误的旧密码")
    with pytest.raises(ValidationError):
        encryption.change_password(demo_path, PASSWORD, "短")
    assert keys.key_path(demo_path).read_bytes() == key_file and demo_path.read_bytes() == data


def test_recovery_key_opens_a_file_whose_password_is_forgotten(demo_path):
    original = contents(demo_path)
    recovery = encryption.set_password(demo_path, PASSWORD).recovery_key
    saved = backup.make_backup(demo_path)
    keys.forget_all()
    keys.key_path(demo_path).unlink()  # even the key file is lost
    with pytest.raises(DamagedDatabaseError, match="恢复密钥"):
        open_db(demo_path)

    typed = recovery.lower().replace("-", " ").replace("0", "o")  # as someone might type it
    encryption.reset_with_recovery_key(demo_path, typed, "另一个密码456")
    keys.forget_all()
    keys.unlock(demo_path, "另一个密码456")
    assert contents(demo_path) == original
    keys.forget_all()
    keys.unlock(saved, "另一个密码456")  # the backups follow the new password


def test_mistyped_or_foreign_recovery_key_is_refused(demo_path, tmp_path):
    recovery = encryption.set_password(demo_path, PASSWORD).recovery_key
    other = tmp_path / "other.sqlite3"
    demo.create_demo(other).close()
    foreign = encryption.set_password(other, PASSWORD).recovery_key
    keys.forget_all()
    typo = ("1" if recovery[0] != "1" else "2") + recovery[1:]
    with pytest.raises(ValidationError, match="恢复密钥不正确"):
        encryption.reset_with_recovery_key(demo_path, typo, "另一个密码456")
    with pytest.raises(WrongPasswordError, match="不是这个数据文件的"):
        encryption.reset_with_recovery_key(demo_path, foreign, "另一个密码456")
    keys.unlock(demo_path, PASSWORD)  # untouched


def test_recovery_key_round_trips_any_key():
    for _ in range(50):
        data_key = keys.new_data_key()
        text = keys.recovery_key(data_key)
        assert len(text.replace("-", "")) == 55 and len(text.split("-")) == 11
        assert keys.parse_recovery_key(text) == data_key


@pytest.mark.parametrize("damage", [
    b"", b"{}", b"not json", b'{"format": "BranchDesk key file"}',
])
def test_unreadable_key_file_is_refused_cleanly(demo_path, damage):
    encryption.set_password(demo_path, PASSWORD)
    keys.forget_all()
    keys.key_path(demo_path).write_bytes(damage)
    with pytest.raises(KeyFileError, match="钥匙文件"):
        keys.unlock(demo_path, PASSWORD)


def test_tampered_kdf_parameters_are_refused_not_run(demo_path):
    import json

    encryption.set_password(demo_path, PASSWORD)
    keys.forget_all()
    data = json.loads(keys.key_path(demo_path).read_text())
    data["kdf"]["n"] = 2**30  # would take gigabytes and minutes
    keys.key_path(demo_path).write_text(json.dumps(data))
    with pytest.raises(KeyFileError):
        keys.unlock(demo_path, PASSWORD)


def test_restore_follows_the_branch_state(demo_path, tmp_path):
    plain = backup.make_backup(demo_path)
    encryption.set_password(demo_path, PASSWORD)  # encrypts ``plain`` in place too
    outside = tmp_path / "stick"
    outside.mkdir()
    shutil.copy(demo_path, outside / "copy.sqlite3")  # a file made by another branch: its own key
    other = tmp_path / "other.sqlite3"
    demo.create_demo(other).close()
    foreign_plain = backup.make_backup(other, outside)

    backup.restore(foreign_plain, demo_path)  # plain into encrypted: encrypted on the way in
    assert not demo_path.read_bytes().startswith(b"SQLite format 3")
    assert backup.inspect_file(demo_path).ok
    backup.restore(plain, demo_path)
    assert backup.inspect_file(demo_path).ok


def test_restore_of_a_backup_with_another_key_asks_for_its_password(demo_path, tmp_path):
    other = tmp_path / "other.sqlite3"
    demo.create_demo(other).close()
    encryption.set_password(other, "另一个支部的密码")
    foreign = backup.make_backup(other, tmp_path / "stick")
    encryption.set_password(demo_path, PASSWORD)
    keys.forget_all()
    keys.unlock(demo_path, PASSWORD)
    with pytest.raises(PasswordRequiredError):
        backup.restore(foreign, demo_path)
    with pytest.raises(WrongPasswordError):
        keys.unlock(foreign, PASSWORD)
    keys.unlock(foreign, "另一个支部的密码")
    backup.restore(foreign, demo_path)
    keys.forget_all()
    keys.unlock(demo_path, PASSWORD)  # the branch keeps its own password
    assert backup.inspect_file(demo_path).ok


def test_attachments_are_sealed_and_round_trip(demo_path, tmp_path):
    from branchdesk import paths
    from branchdesk.core import attachments

    db = open_db(demo_path)
    meeting_id = db.execute("SELECT id FROM meetings ORDER BY id LIMIT 1").fetchone()[0]
    scan = tmp_path / "签到表扫描.txt"
    secret = "张三 110101199001011234 13800000000".encode("utf-8") * 20
    scan.write_bytes(secret)
    first = attachments.add(db, attachments.MEETING, meeting_id, scan)
    db.close()
    folder = paths.attachments_dir(demo_path)

    encryption.set_password(demo_path, PASSWORD)
    stored = [p for p in folder.rglob("*") if p.is_file()]
    assert stored and all(secret[:20] not in p.read_bytes() for p in stored)
    db = open_db(demo_path)
    later = tmp_path / "会议照片.txt"
    later.write_bytes(b"photo " + secret)
    second = attachments.add(db, attachments.MEETING, meeting_id, later)  # sealed as it is added
    assert secret[:20] not in attachments.path_of(db, second).read_bytes()
    out = attachments.copy_out(db, first, tmp_path / "out" / "a.txt")
    assert out.read_bytes() == secret
    db.close()

    encryption.remove_password(demo_path, PASSWORD)
    db = open_db(demo_path)
    assert attachments.path_of(db, first).read_bytes() == secret
    assert attachments.path_of(db, second).read_bytes() == b"photo " + secret
    db.close()


def test_usb_package_of_an_encrypted_branch_carries_readable_attachments(tmp_path,
                                                                         monkeypatch):
    """The U盘 package leaves the office as the user chose it (masked or not), its attachments
    as they were added: unsealed in memory, never written plain to this PC's disk."""
    from branchdesk.core.package import write_package
    from tests.core.package_helpers import TODAY, YEAR, fake_ledger, fake_writers, make_branch, tree

    (tmp_path / "branch").mkdir()
    db = make_branch(tmp_path / "branch")
    path = db.path
    db.close()
    encryption.set_password(path, PASSWORD)
    db = open_db(path)
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr("branchdesk.core.package.ledger_bytes", fake_ledger())
    write_package(db, stick, YEAR, today=TODAY, pdf_writers=fake_writers())
    db.close()
    stored = [p.read_bytes() for p in (tmp_path / "branch").rglob("*") if "attachments" in str(p)
              and p.is_file()]
    assert stored and not any(b"photo one" in data for data in stored)  # sealed at home
    files = tree(stick)
    photos = {name: data for name, data in files.items() if "附件/03月/支部党员大会" in name}
    assert sorted(photos.values()) == sorted([b"photo one", b"photo two", b"upper", b"lower",
                                              b"odd name"])


def test_a_set_cut_off_after_the_swap_is_finished_later(demo_path, monkeypatch):
    """Killed after the database was swapped but before the backups were encrypted: the next
    open for writing (window or CLI) encrypts what is still plain."""
    old = backup.make_backup(demo_path)
    monkeypatch.setattr(backup, "encrypt_backups", lambda *a: (0, ()))  # as if killed there
    encryption.set_password(demo_path, PASSWORD)
    assert old.read_bytes().startswith(b"SQLite format 3")
    monkeypatch.undo()
    keys.forget_all()
    keys.unlock(demo_path, PASSWORD)
    encryption.finish(demo_path)
    assert not old.read_bytes().startswith(b"SQLite format 3") and backup.inspect_file(old).ok


def test_damaged_copies_are_encrypted_or_sealed_never_left_plain(demo_path):
    """A damaged file set aside beside the database: encrypted if SQLite can still read it,
    else sealed whole; either way no plain copy of the data remains."""
    needles = secrets_of(demo_path)
    readable = demo_path.with_name(f"{demo_path.stem}-damaged-20261101-090000.sqlite3")
    shutil.copy(demo_path, readable)
    broken = demo_path.with_name(f"{demo_path.stem}-damaged-20261102-090000.sqlite3")
    data = bytearray(demo_path.read_bytes())
    data[:100] = b"\0" * 100  # the header gone: SQLite cannot read it, the rows are still there
    broken.write_bytes(bytes(data))
    Path(f"{broken}-journal").write_bytes(bytes(data[:8192]))

    done = encryption.set_password(demo_path, PASSWORD)

    assert done.not_reached == ()
    assert_no_plain_data(readable, needles)
    assert not broken.exists() and not Path(f"{broken}-journal").exists()
    sealed = broken.with_name(broken.name + ".sealed")
    assert_no_plain_data(sealed, needles)
    leftovers = [p for p in demo_path.parent.iterdir() if p.is_file()
                 and not p.name.endswith((".key", ".sealed", ".lock"))
                 and p != demo_path and p != readable]
    assert leftovers == []
