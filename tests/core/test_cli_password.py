"""The command line on an encrypted branch: every command needs the password, and
``branchdesk password set|change|remove|reset`` encrypts, re-keys and decrypts."""

from __future__ import annotations

import hashlib

import pytest

from branchdesk.cli import main
from branchdesk.core import backup, demo, keys, single_writer

PASSWORD = "支部密码2026"
pytestmark = pytest.mark.usefixtures("fast_kdf")


def run(argv) -> int:
    """One command, as its own process would run it: no key unlocked beforehand."""
    keys.forget_all()
    return main([str(a) for a in argv])


@pytest.fixture
def branch(tmp_path):
    path = tmp_path / "branch.sqlite3"
    demo.create_demo(path).close()
    return path


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password.txt"
    path.write_bytes(f"{PASSWORD}\n".encode("utf-8"))  # a trailing newline, as editors write
    return path


@pytest.fixture
def encrypted(branch, password_file, capsys):
    assert run(["password", "set", "--db", branch, "--new-password-file", password_file]) == 0
    out = capsys.readouterr().out
    assert "恢复密钥" in out
    return branch


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


COMMANDS = [
    ["meetings"], ["talks"], ["theme-days"], ["check", "--year", "2026"],
    ["export-members", "-o", "{tmp}/x.xlsx"], ["export-ledger", "-o", "{tmp}/y.xlsx"],
    ["signin-sheet", "1", "-o", "{tmp}/s.pdf"], ["minutes", "1", "-o", "{tmp}/m.pdf"],
    ["backup"], ["verify"], ["demo", "--force"], ["password", "change"], ["password", "remove"],
    ["export-package", "-o", "{tmp}/stick"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_command_refuses_without_the_password(encrypted, tmp_path, capsys, monkeypatch,
                                                    command):
    monkeypatch.delenv("BRANCHDESK_PASSWORD", raising=False)
    before = digest(encrypted)
    argv = [a.format(tmp=tmp_path) for a in command] + ["--db", encrypted]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "已加密，需要密码" in err and "--password-file" in err and "BRANCHDESK_PASSWORD" in err
    monkeypatch.setenv("BRANCHDESK_PASSWORD", "不是这个密码")
    monkeypatch.setenv("BRANCHDESK_NEW_PASSWORD", "新的密码123")
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "密码不正确" in err and "损坏" not in err
    assert digest(encrypted) == before
    assert not (tmp_path / "x.xlsx").exists() and not list(tmp_path.glob("*damaged*"))
    assert backup.list_backups(encrypted) == []


def test_password_file_before_or_after_the_command_and_the_environment(encrypted, tmp_path,
                                                                      password_file, capsys,
                                                                      monkeypatch):
    out = tmp_path / "roster.xlsx"
    assert run(["--password-file", password_file, "export-members", "-o", out,
                "--db", encrypted]) == 0
    assert out.is_file()
    assert run(["meetings", "--db", encrypted, "--password-file", password_file]) == 0
    monkeypatch.setenv("BRANCHDESK_PASSWORD", PASSWORD)
    assert run(["verify", "--db", encrypted]) == 0
    assert "完好" in capsys.readouterr().out


def test_set_change_remove_through_the_command_line(encrypted, tmp_path, password_file, capsys,
                                                    monkeypatch):
    assert not encrypted.read_bytes().startswith(b"SQLite format 3")
    new_file = tmp_path / "new.txt"
    new_file.write_text("新的密码123\r\n", encoding="utf-8")
    assert run(["password", "change", "--db", encrypted, "--password-file", password_file,
                "--new-password-file", new_file]) == 0
    assert run(["meetings", "--db", encrypted, "--password-file", password_file]) == 2
    assert run(["meetings", "--db", encrypted, "--password-file", new_file]) == 0
    assert run(["password", "remove", "--db", encrypted, "--password-file", new_file]) == 0
    assert encrypted.read_bytes().startswith(b"SQLite format 3")
    monkeypatch.delenv("BRANCHDESK_PASSWORD", raising=False)
    assert run(["meetings", "--db", encrypted]) == 0


def test_short_or_missing_new_password_exits_2_and_writes_nothing(branch, tmp_path, capsys,
                                                                  monkeypatch):
    monkeypatch.delenv("BRANCHDESK_NEW_PASSWORD", raising=False)
    before = digest(branch)
    short = tmp_path / "short.txt"
    short.write_text("12345\n", encoding="utf-8")
    assert run(["password", "set", "--db", branch, "--new-password-file", short]) == 2
    assert "至少 6 个字符" in capsys.readouterr().err
    assert run(["password", "set", "--db", branch]) == 2
    assert "需要新密码" in capsys.readouterr().err
    assert run(["password", "set", "--db", branch, "--new-password-file", tmp_path / "none"]) == 2
    assert "无法读取密码文件" in capsys.readouterr().err
    assert digest(branch) == before and not keys.key_path(branch).exists()


def test_password_command_refused_while_the_window_holds_the_file(branch, password_file, capsys):
    window = single_writer.DatabaseLock(branch)
    window.acquire()
    try:
        assert run(["password", "set", "--db", branch, "--new-password-file", password_file]) == 2
    finally:
        window.release()
    assert branch.read_bytes().startswith(b"SQLite format 3")


def test_reset_with_the_recovery_key(encrypted, tmp_path, password_file, capsys, monkeypatch):
    assert run(["password", "change", "--db", encrypted, "--password-file", password_file,
                "--new-password-file", password_file]) == 0
    # the recovery key printed by ``set`` (fixture): make a fresh one to read it back
    keys.forget_all()
    keys.unlock(encrypted, PASSWORD)
    data_key = keys.connection_key(encrypted)
    recovery = tmp_path / "recovery.txt"
    recovery.write_text(keys.recovery_key(data_key) + "\n", encoding="utf-8")
    new_file = tmp_path / "new.txt"
    new_file.write_text("忘了又设的密码\n", encoding="utf-8")
    assert run(["password", "reset", "--db", encrypted, "--recovery-key-file", recovery,
                "--new-password-file", new_file]) == 0
    assert run(["verify", "--db", encrypted, "--password-file", new_file]) == 0
    recovery.write_text("00000-00000-00000-00000-00000-00000-00000-00000-00000-00000-00000\n")
    assert run(["password", "reset", "--db", encrypted, "--recovery-key-file", recovery,
                "--new-password-file", new_file]) == 2
    assert "恢复密钥不正确" in capsys.readouterr().err


def test_restore_into_an_encrypted_branch(encrypted, tmp_path, password_file, capsys):
    assert run(["backup", "--db", encrypted, "--password-file", password_file]) == 0
    saved = backup.list_backups(encrypted)[0].path
    assert keys.key_path(saved).is_file()
    assert run(["restore", saved, "--db", encrypted]) == 2  # no password
    assert run(["restore", saved, "--db", encrypted, "--password-file", password_file]) == 0
    other = tmp_path / "other.sqlite3"
    demo.create_demo(other).close()
    other_pw = tmp_path / "other.txt"
    other_pw.write_text("另一个支部的密码\n", encoding="utf-8")
    assert run(["password", "set", "--db", other, "--new-password-file", other_pw]) == 0
    keys.unlock(other, "另一个支部的密码")
    foreign = backup.make_backup(other, tmp_path / "stick")
    before = digest(encrypted)
    assert run(["restore", foreign, "--db", encrypted, "--password-file", password_file]) == 2
    assert "另一个密码" in capsys.readouterr().err
    assert digest(encrypted) == before
