"""Attachments: content-addressed copies, deduplication, safe removal, the size limit."""

import hashlib
import stat

import pytest

from branchdesk import paths
from branchdesk.core import attachments, files, meetings
from branchdesk.core.attachments import MEETING, AttachmentError
from branchdesk.core.errors import NotFoundError


@pytest.fixture
def meeting_ids(fresh_db):
    made = [meetings.save(fresh_db, meetings.Meeting(kind=meetings.GENERAL, date=f"2025-0{i}-01"))
            for i in (1, 2)]
    return [m.id for m in made]


def make_file(folder, name, content: bytes):
    path = folder / name
    path.write_bytes(content)
    return path


def stored_files(db):
    """The files records use (not those set aside in .removed/)."""
    root = paths.attachments_dir(db.path)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and attachments.REMOVED not in p.relative_to(root).parts)


def test_add_copies_to_content_address(fresh_db, meeting_ids, tmp_path):
    content = "会议签到表扫描件（虚构）".encode()
    src = make_file(tmp_path, "签到表.PDF", content)
    att = attachments.add(fresh_db, MEETING, meeting_ids[0], src, note=" 签到表 ")
    sha = hashlib.sha256(content).hexdigest()
    assert att.sha256 == sha and att.size == len(content) and att.note == "签到表"
    assert att.original_name == "签到表.PDF" and att.stored_name == f"{sha[:2]}/{sha}.pdf"
    assert attachments.path_of(fresh_db, att).read_bytes() == content
    assert attachments.list_for(fresh_db, MEETING, meeting_ids[0]) == [att]
    assert stored_files(fresh_db) == [att.stored_name]  # no temporary file left behind


def test_same_content_is_stored_once(fresh_db, meeting_ids, tmp_path):
    one = attachments.add(fresh_db, MEETING, meeting_ids[0], make_file(tmp_path, "a.jpg", b"x" * 10))
    two = attachments.add(fresh_db, MEETING, meeting_ids[1], make_file(tmp_path, "b.jpg", b"x" * 10))
    assert one.stored_name == two.stored_name
    assert len(stored_files(fresh_db)) == 1


def test_remove_keeps_a_file_another_record_uses(fresh_db, meeting_ids, tmp_path):
    one = attachments.add(fresh_db, MEETING, meeting_ids[0], make_file(tmp_path, "a.jpg", b"same"))
    two = attachments.add(fresh_db, MEETING, meeting_ids[1], make_file(tmp_path, "b.jpg", b"same"))
    attachments.remove(fresh_db, one.id)
    assert attachments.path_of(fresh_db, two).exists()
    attachments.remove(fresh_db, two.id)
    assert stored_files(fresh_db) == []
    with pytest.raises(NotFoundError):
        attachments.get(fresh_db, two.id)


def test_deleting_a_meeting_keeps_files_other_meetings_use(fresh_db, meeting_ids, tmp_path):
    shared = make_file(tmp_path, "合影.png", b"group photo")
    own = make_file(tmp_path, "记录.docx", b"minutes")
    kept = attachments.add(fresh_db, MEETING, meeting_ids[1], shared)
    attachments.add(fresh_db, MEETING, meeting_ids[0], shared)
    gone = attachments.add(fresh_db, MEETING, meeting_ids[0], own)
    meetings.delete(fresh_db, meeting_ids[0])
    assert stored_files(fresh_db) == [kept.stored_name]
    assert not attachments.path_of(fresh_db, gone).exists()


def test_remove_for_deletes_rows_and_unused_files(fresh_db, meeting_ids, tmp_path):
    attachments.add(fresh_db, MEETING, meeting_ids[0], make_file(tmp_path, "a.txt", b"1"))
    attachments.add(fresh_db, MEETING, meeting_ids[0], make_file(tmp_path, "b.txt", b"2"))
    attachments.remove_for(fresh_db, MEETING, meeting_ids[0])
    assert attachments.list_for(fresh_db, MEETING, meeting_ids[0]) == []
    assert stored_files(fresh_db) == []


def test_too_large_file_is_refused_with_a_chinese_message(fresh_db, meeting_ids, tmp_path,
                                                          monkeypatch):
    monkeypatch.setattr(attachments, "MAX_BYTES", 10)
    src = make_file(tmp_path, "录像.mp4", b"0123456789A")
    with pytest.raises(AttachmentError, match="超过 200 MB"):
        attachments.add(fresh_db, MEETING, meeting_ids[0], src)
    assert attachments.list_for(fresh_db, MEETING, meeting_ids[0]) == []


def test_missing_source_file_is_refused(fresh_db, meeting_ids, tmp_path):
    with pytest.raises(AttachmentError, match="找不到文件"):
        attachments.add(fresh_db, MEETING, meeting_ids[0], tmp_path / "nope.jpg")


def test_odd_extensions_are_not_used_in_the_stored_name(fresh_db, meeting_ids, tmp_path):
    att = attachments.add(fresh_db, MEETING, meeting_ids[0], make_file(tmp_path, "说明.备份", b"z"))
    assert att.stored_name == f"{att.sha256[:2]}/{att.sha256}"


def test_viewing_copy_is_read_only_under_the_original_name(fresh_db, meeting_ids, tmp_path):
    att = attachments.add(fresh_db, MEETING, meeting_ids[0], make_file(tmp_path, "照片.jpg", b"p"))
    copy = attachments.viewing_copy(fresh_db, att, tmp_path / "view")
    assert copy.name == "照片.jpg" and copy.read_bytes() == b"p"
    assert not copy.stat().st_mode & stat.S_IWUSR
    again = attachments.viewing_copy(fresh_db, att, tmp_path / "view")  # overwrites the old copy
    assert again == copy


def test_copy_out_of_a_lost_file_says_so(fresh_db, meeting_ids, tmp_path):
    att = attachments.add(fresh_db, MEETING, meeting_ids[0], make_file(tmp_path, "a.jpg", b"q"))
    attachments.path_of(fresh_db, att).unlink()
    with pytest.raises(NotFoundError, match="已丢失"):
        attachments.copy_out(fresh_db, att, tmp_path / "out.jpg")


def test_size_text():
    assert files.size_text(512) == "512 字节"
    assert files.size_text(3 * 1024 * 1024) == "3.0 MB"


def test_restoring_a_backup_finds_the_attachments_removed_since(fresh_db, meeting_ids, tmp_path):
    import os
    from datetime import datetime, timedelta

    from branchdesk.core import backup
    from branchdesk.core.db import open_db

    scan = attachments.add(fresh_db, MEETING, meeting_ids[0],
                           make_file(tmp_path, "签到表.jpg", b"scan of a sign-in sheet"))
    saved = backup.make_backup(fresh_db.path)  # the history still has the meeting's scan
    attachments.remove(fresh_db, scan.id)
    assert stored_files(fresh_db) == []  # out of the way …
    set_aside = paths.attachments_dir(fresh_db.path) / attachments.REMOVED / scan.stored_name
    assert set_aside.exists()  # … but not deleted while a backup refers to it
    path = fresh_db.path
    fresh_db.close()
    backup.restore(saved, path)
    restored = open_db(path)
    again = attachments.list_for(restored, MEETING, meeting_ids[0])[0]
    assert attachments.path_of(restored, again).read_bytes() == b"scan of a sign-in sheet"
    # Once every backup is newer than the removal, the set-aside file goes for good.
    attachments.remove(restored, again.id)
    old = (datetime.now() - timedelta(days=3)).timestamp()
    os.utime(set_aside, (old, old))
    backup.prune(path, backup.Policy())
    assert not set_aside.exists()
    restored.close()
