"""Shared set-up for the USB package tests: a demo branch with attachments, fake PDF writers,
a deterministic stand-in for the ledger, and a way to read a package folder back."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from branchdesk.core import attachments, demo, meetings, talks
from branchdesk.core.meetings import GENERAL, Meeting
from branchdesk.core.package import TEMP_PREFIX, PdfWriters

TODAY = date(2026, 11, 29)
YEAR = 2026


def fake_writers(tag: str = "v1") -> PdfWriters:
    """PDF painters that return a few bytes naming the form and ``tag``."""
    def write(layout) -> bytes:
        return f"%PDF-1.4 {tag} {layout.title}".encode()

    return PdfWriters(signin=write, minutes=write)


def fake_ledger(tag: str = "v1"):
    """A stand-in for ledger_bytes with fixed bytes (a real .xlsx carries its save time)."""
    def make(db, path, **kwargs) -> bytes:
        if kwargs.get("progress"):
            kwargs["progress"](0, "正在生成“封面”…")
        return f"PK ledger {tag} mask={kwargs.get('mask')}".encode()

    return make


def make_branch(folder: Path) -> Database:
    """The demo branch of 2026-11-29 plus attachments that test the naming rules: two
    "照片.jpg", "IMG.JPG" and "img.jpg" on one 支部党员大会, a name with characters Windows
    forbids, a 谈心谈话 scan, one whose stored file is lost, and one on a 2025 meeting."""
    db = demo.create_demo(folder / "demo.sqlite3", today=TODAY)
    src = folder / "src"
    general = meetings.list_meetings(db, year=YEAR, kinds=(GENERAL,))[-1].meeting  # 2026-03-20
    for sub, name, content in [("a", "照片.jpg", b"photo one"), ("b", "照片.jpg", b"photo two"),
                               ("a", "IMG.JPG", b"upper"), ("a", "img.jpg", b"lower"),
                               ("a", "a:b?<c>.png", b"odd name")]:
        attachments.add(db, attachments.MEETING, general.id, _file(src / sub, name, content))
    talk = talks.list_talks(db, year=YEAR)[0]
    attachments.add(db, "talk", talk.id, _file(src / "a", "谈话记录.pdf", b"talk scan"))
    lost = attachments.add(db, attachments.MEETING, general.id, _file(src / "c", "丢失.jpg", b"x"))
    attachments.path_of(db, lost).unlink()
    old = meetings.save(db, Meeting(kind=GENERAL, date="2025-12-20", topics=["学习"]),
                        today=TODAY)
    attachments.add(db, attachments.MEETING, old.id, _file(src / "d", "去年.jpg", b"last year"))
    return db


def _file(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return folder / name


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its "/"-separated relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(f"{TEMP_PREFIX}*")]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
