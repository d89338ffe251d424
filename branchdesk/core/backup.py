"""Verified backups of the database file, a thinned history, restore and recovery from damage.

Writing a backup: SQLite's online backup API copies the file (consistent even while another
connection writes) to ``<final name>.<pid>.partial``; the copy must pass
``PRAGMA integrity_check`` and carry our application_id and a schema we can read; it is flushed
to disk (fsync) and only then renamed to its final name. So a file under a final backup name is
always complete and checked; a crash leaves at most a ``.partial`` file, removed later.

Names: ``<db stem>-YYYYMMDD-HHMMSS.sqlite3`` for ordinary backups and
``<db stem>-<tag>-YYYYMMDD-HHMMSS.sqlite3`` for safety copies (tags: ``before-restore``,
``before-v<N>`` before a schema migration). A damaged file set aside is named
``<db stem>-damaged-YYYYMMDD-HHMMSS.sqlite3`` and stays beside the database, never in the
history.

Change marker: the SHA-256 of the database file's bytes, stored after each automatic backup in
``backups/<db stem>.last-backup.json``. SQLite rewrites the header's change counter on every
committed write (rollback-journal mode), and opening an unchanged file writes nothing
(core/db.py), so the hash changes exactly when the data may have changed. It costs one read of
the file (about 40 ms for 30 MB). ``PRAGMA data_version`` was not usable: it is per connection
and does not survive a restart; max(updated_at) misses deletions and tables without it.
The hash is taken before the copy, so a write landing in between makes one extra backup later,
never a missed one.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from branchdesk import paths
from branchdesk.core.db import (AUTO, APPLICATION_ID, SCHEMA_VERSION, connect_file,
                                connect_read_only, not_ours_message, roll_back_hot_journal,
                                schema_differences)
from branchdesk.core import driver, files, keys
from branchdesk.core.errors import (BackupError, BackupWriteError, BranchdeskError, KeyFileError,
                                    PasswordRequiredError)
from branchdesk.core.files import FileWriteError

log = logging.getLogger(__name__)

SUFFIX = ".sqlite3"
PARTIAL = ".partial"
STAMP = "%Y%m%d-%H%M%S"
BEFORE_RESTORE = "before-restore"
# The newest few are kept whatever their dates: the daily rule alone would keep one backup
# per day, and an automatic backup every 30 minutes would then replace this morning's copy
# with this afternoon's, mistakes included.
KEEP_LAST = 6
# Safety copies (made before a restore or a migration) are kept this many days whatever the
# thinning rules say, so a restore can be undone.
SAFETY_DAYS = 30
# A .partial file older than this belongs to a process that died; younger ones may be in use.
STALE_PARTIAL_SECONDS = 3600
COUNTED_TABLES = {"members": "党员（含已离开）", "meetings": "会议", "talks": "谈话"}
_TAGS = r"before-restore|before-v\d+"
_NAME = re.compile(rf"^(?:(?P<tag>{_TAGS})-)?(?P<stamp>\d{{8}}-\d{{6}})(?:-(?P<seq>\d+))?\.sqlite3$")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BackupInfo:
    """One backup file, described from its name and size (reading nothing inside it)."""

    path: Path
    when: datetime
    size: int
    tag: str = ""
    seq: int = 1  # the -2, -3… of backups written in the same second

    @property
    def label(self) -> str:
        if self.tag == BEFORE_RESTORE:
            return "恢复前自动保存"
        if self.tag.startswith("before-v"):
            return "升级前自动保存"
        return "备份"


@dataclass(frozen=True)
class Policy:
    """How much history the backups folder keeps (the ``backup_*`` settings)."""

    keep_daily: int = 12
    keep_weekly: int = 10
    keep_monthly: int = 9
    max_bytes: int = 500 * 1024 * 1024


@dataclass(frozen=True)
class FileReport:
    """What a check of a database or backup file found. ``problem`` is '' when ``ok``."""

    ok: bool
    problem: str = ""
    version: int = 0
    counts: dict | None = None
    locked: bool = False  # encrypted, and its key not unlocked in this process

    def counts_text(self) -> str:
        counts = self.counts or {}
        return "，".join(f"{label} {counts.get(table, 0)}"
                        for table, label in COUNTED_TABLES.items())


# ---------------------------------------------------------------- checking files

def inspect_file(path: Path | str, *, full: bool = True, allow_newer: bool = False,
                 key=AUTO) -> FileReport:
    """Check a database or backup file read-only; never raises for bad content.

    ``full`` runs integrity_check (also compares indexes with tables), else quick_check.
    ``allow_newer`` accepts a file from a newer BranchDesk (it can be copied, not restored).
    ``key``: the file's own (from its key file) unless given, as for a copy not yet named.
    An encrypted file whose key is not unlocked here is reported ``locked``, not damaged.
    """
    path = Path(path)
    if not path.is_file():
        return FileReport(False, f"找不到文件“{path.name}”。")
    if path.stat().st_size == 0:
        return FileReport(False, f"文件“{path.name}”是空的（0 字节），不是党支部工作台账的数据文件或备份。")
    try:
        conn = connect_read_only(path, key=key)
        try:
            return _report(conn, path, full, allow_newer)
        finally:
            conn.close()
    except PasswordRequiredError:
        return FileReport(False, f"文件“{path.name}”已加密，需要它的密码。", locked=True)
    except KeyFileError as exc:
        return FileReport(False, str(exc))
    except driver.DatabaseError as exc:
        log.warning("check of %s failed: %s", path.name, exc)
        return FileReport(False, f"文件“{path.name}”不是有效的数据库文件，或已损坏。")


def _report(conn: driver.Connection, path: Path, full: bool, allow_newer: bool) -> FileReport:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id != APPLICATION_ID or version < 1:
        return FileReport(False, f"文件“{path.name}”不是党支部工作台账的数据文件或备份。", version)
    if version > SCHEMA_VERSION and not allow_newer:
        return FileReport(False, f"文件“{path.name}”由更新版本的党支部工作台账创建，"
                                 "请先升级本软件再用它恢复。", version)
    pragma = "integrity_check(5)" if full else "quick_check(5)"
    problems = [row[0] for row in conn.execute(f"PRAGMA {pragma}")]
    if problems != ["ok"]:
        log.warning("%s of %s: %s", pragma, path.name, "; ".join(problems))
        return FileReport(False, f"文件“{path.name}”已损坏（完整性检查未通过）。", version)
    foreign = schema_differences(conn, version)
    if foreign:
        log.warning("schema of %s differs: %s", path.name, "; ".join(foreign[:10]))
        return FileReport(False, not_ours_message(path.name), version)
    return FileReport(True, "", version, _counts(conn))


def _counts(conn: driver.Connection) -> dict[str, int]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {t: (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] if t in tables else 0)
            for t in COUNTED_TABLES}


def check_file(path: Path | str, *, key=AUTO) -> FileReport:
    """The full report of a good file; raises BackupError saying what is wrong otherwise
    (PasswordRequiredError for an encrypted file whose key is not unlocked yet)."""
    report = inspect_file(path, key=key)
    if report.locked:
        raise PasswordRequiredError(report.problem)
    if not report.ok:
        raise BackupError(report.problem + "没有用它做任何操作。")
    return report


def record_counts(path: Path | str) -> dict[str, int] | None:
    """Members, meetings and talks in a file (read-only), or None if it cannot be read."""
    try:
        conn = connect_read_only(path)
        try:
            return _counts(conn)
        finally:
            conn.close()
    except (driver.DatabaseError, PasswordRequiredError, KeyFileError):
        return None


# ---------------------------------------------------------------- writing backups

def make_backup(db_path: Path | str, folder: Path | str | None = None, *, tag: str = "",
                now: datetime | None = None) -> Path:
    """Write a verified copy of ``db_path`` into ``folder`` (default: its backups folder).

    Returns the final path. Nothing appears under a final name on a failure: BackupWriteError
    (exit 4) says why the file could not be written (disk full, read-only, stick pulled …),
    BackupError that the data file is missing or its copy failed the integrity check.
    The backup of an encrypted file is encrypted with the same data key and gets a copy of
    the key file (``<backup>.key``), written first: a backup never lacks its key file.
    """
    db_path = Path(db_path)
    folder = Path(folder) if folder is not None else paths.backups_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(folder)
        final = _free_name(folder, db_path.stem, tag, now or datetime.now())
        _write_verified(db_path, final)
    except FileWriteError as exc:
        raise _write_failed(exc) from exc
    except BranchdeskError:
        raise
    except (OSError, driver.Error) as exc:  # the folder itself: making it, listing it
        raise _write_failed(files.write_error(exc, folder / f"{db_path.stem}{SUFFIX}")) from exc
    log.info("backup written: %s", final.name)
    return final


def _write_failed(exc: FileWriteError) -> BackupWriteError:
    return BackupWriteError(f"备份没有完成：{exc.message}原有的数据和备份都没有受影响。",
                            detail=exc.detail)


def _write_verified(source: Path, final: Path) -> None:
    """Copy, check, flush, rename with the checked atomic write (core/files.py): ``final``
    appears only complete and checked (with its key file, for an encrypted source)."""
    partial = final.with_name(f"{final.name}.{os.getpid()}{PARTIAL}")
    key = keys.connection_key(source)
    if key is not None:
        files.write_bytes(keys.key_path(final), keys.key_path(source).read_bytes())
    done = False
    try:
        files.write_with(final, lambda temp: copy_database(source, temp),
                         verify=lambda temp: _check_copy(source, temp, key), temp=partial,
                         keep_mode=True)
        done = True
    finally:
        _remove_with_journal(partial)
        if not done:
            keys.key_path(final).unlink(missing_ok=True)


def _check_copy(source: Path, copy: Path, key: bytes | None) -> None:
    if not inspect_file(copy, allow_newer=True, key=key).ok:
        raise BackupError(f"备份没有完成：复制出的副本没有通过完整性检查，数据文件“{source.name}”"
                          "可能已损坏。原有的备份都没有受影响。")


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` with SQLite's online backup API (source read-only).
    An encrypted source gives a copy encrypted with the same key (the backup API copies
    between two files keyed alike; the copy's salt is its own)."""
    if not Path(source).is_file():
        raise BackupError(f"找不到数据文件“{Path(source).name}”，没有可备份的内容。")
    _remove_with_journal(target)  # leftovers of a killed copy: a stale journal would be replayed
    key = keys.connection_key(source)
    src = connect_read_only(source, key=key)
    try:
        dest = connect_file(target, key=key)
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def _remove_with_journal(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(f"{path}-journal").unlink(missing_ok=True)


def _free_name(folder: Path, stem: str, tag: str, when: datetime) -> Path:
    base = f"{stem}-{tag + '-' if tag else ''}{when.strftime(STAMP)}"
    candidate, counter = folder / f"{base}{SUFFIX}", 1
    while candidate.exists():
        counter += 1
        candidate = folder / f"{base}-{counter}{SUFFIX}"
    return candidate


def remove_stale_partials(folder: Path) -> None:
    """Remove the unfinished copies (and their journals) of backups that were cut off.

    A copy is ``<final>.<pid>.partial``: it is removed at once when that process is gone, and
    after an hour whatever its name says (a PID may have been reused).
    """
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for partial in [*folder.glob(f"*{PARTIAL}"), *folder.glob(f"*{PARTIAL}-journal")]:
        try:
            if not _writer_alive(partial) or partial.stat().st_mtime < cutoff:
                partial.unlink()
        except OSError:
            pass


def _writer_alive(partial: Path) -> bool:
    """Whether the process named in ``partial``'s name may still be writing it."""
    pid_text = partial.name.removesuffix("-journal").removesuffix(PARTIAL).rsplit(".", 1)[-1]
    if not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - no cheap liveness check: rely on the age
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# ---------------------------------------------------------------- listing and thinning

def list_backups(db_path: Path | str, folder: Path | str | None = None) -> list[BackupInfo]:
    """Backups of ``db_path`` in ``folder`` (default: its backups folder), newest first."""
    db_path = Path(db_path)
    folder = Path(folder) if folder is not None else paths.backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = [info for path in folder.glob(f"{db_path.stem}-*{SUFFIX}")
             if (info := parse_name(path, db_path.stem)) is not None]
    return sorted(found, key=lambda b: (b.when, b.seq), reverse=True)


def parse_name(path: Path, stem: str) -> BackupInfo | None:
    """The BackupInfo for a file named like our backups of ``stem``, else None."""
    if not path.name.startswith(f"{stem}-"):
        return None
    match = _NAME.match(path.name[len(stem) + 1:])
    if match is None:
        return None
    try:
        when = datetime.strptime(match["stamp"], STAMP)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return BackupInfo(path, when, size, match["tag"] or "", int(match["seq"] or 1))


def thin(backups: list[BackupInfo], today: date, keep_daily: int, keep_weekly: int,
         keep_monthly: int, max_bytes: int, keep_last: int = KEEP_LAST) -> list[BackupInfo]:
    """The backups to delete: a pure function of the list, the date and the policy.

    Kept: the newest ``keep_last`` (at least the newest one); the newest backup of each of the
    last ``keep_daily`` days that have backups, of the last ``keep_weekly`` ISO weeks and of
    the last ``keep_monthly`` months (the rules are independent, as in restic); safety copies
    younger than SAFETY_DAYS. Counting periods that have backups, not calendar periods, means
    a long pause never wipes the history. Then the oldest kept ones go until the total fits
    ``max_bytes`` (the newest stays, whatever its size).
    """
    ordered = sorted(backups, key=lambda b: (b.when, b.seq), reverse=True)
    kept = _kept_by_rules(ordered, today, keep_last, keep_daily, keep_weekly, keep_monthly)
    kept = _within_size(kept, max_bytes)
    return [b for b in ordered if b not in kept]


def _kept_by_rules(ordered: list[BackupInfo], today: date, last: int, daily: int, weekly: int,
                   monthly: int) -> list[BackupInfo]:
    keep = set(ordered[:max(last, 1)])
    keep |= _newest_per_period(ordered, lambda d: d, daily)
    keep |= _newest_per_period(ordered, lambda d: d.isocalendar()[:2], weekly)
    keep |= _newest_per_period(ordered, lambda d: (d.year, d.month), monthly)
    young = today - timedelta(days=SAFETY_DAYS)
    keep |= {b for b in ordered if b.tag and b.when.date() > young}
    return [b for b in ordered if b in keep]


def _newest_per_period(ordered: list[BackupInfo], period, count: int) -> set[BackupInfo]:
    newest: dict = {}
    for backup in ordered:
        key = period(backup.when.date())
        if key not in newest:
            if len(newest) == count:
                break
            newest[key] = backup
    return set(newest.values())


def _within_size(kept: list[BackupInfo], max_bytes: int) -> list[BackupInfo]:
    result, total = [], 0
    for backup in kept:  # newest first; the newest stays whatever its size
        if result and total + backup.size > max_bytes:
            break
        result.append(backup)
        total += backup.size
    return result


def prune(db_path: Path | str, policy: Policy, today: date | None = None) -> list[Path]:
    """Delete the backups ``thin`` gives up; returns the deleted paths."""
    backups = list_backups(db_path)
    doomed = thin(backups, today or date.today(), policy.keep_daily, policy.keep_weekly,
                  policy.keep_monthly, policy.max_bytes)
    deleted = []
    for backup in doomed:
        try:
            backup.path.unlink()
            deleted.append(backup.path)
            keys.key_path(backup.path).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not delete old backup %s: %s", backup.path.name, exc)
    kept = [b for b in backups if b.path not in deleted]
    if kept:  # attachment files no backup kept can refer to any more
        from branchdesk.core import attachments

        attachments.purge_removed(db_path, min(b.when for b in kept))
    return deleted


def policy_from(values: dict) -> Policy:
    """The Policy from settings values (settings.get_all(db))."""
    return Policy(values["backup_keep_daily"], values["backup_keep_weekly"],
                  values["backup_keep_monthly"], values["backup_max_mb"] * 1024 * 1024)


# ---------------------------------------------------------------- automatic backups

def file_marker(db_path: Path | str) -> str:
    """The change marker: SHA-256 of the file's bytes (see the module docstring)."""
    import hashlib  # OpenSSL (4 MiB): not loaded until a backup is due

    digest = hashlib.sha256()
    with open(db_path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _marker_path(db_path: Path) -> Path:
    return paths.backups_dir(db_path) / f"{db_path.stem}.last-backup.json"


def _last_marker(db_path: Path) -> str | None:
    try:
        data = json.loads(_marker_path(db_path).read_text(encoding="utf-8"))
        if (paths.backups_dir(db_path) / data["file"]).is_file():
            return data["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _save_marker(db_path: Path, marker: str, backup: Path) -> None:
    text = json.dumps({"sha256": marker, "file": backup.name})
    files.write_bytes(_marker_path(db_path), text.encode("utf-8"))


def changed_since_last_backup(db_path: Path | str) -> bool:
    db_path = Path(db_path)
    return file_marker(db_path) != _last_marker(db_path)


def backup_now(db_path: Path | str, policy: Policy, *, now: datetime | None = None) -> Path:
    """Write a backup into the history, remember it as the latest, and thin the history."""
    db_path = Path(db_path)
    marker = file_marker(db_path)
    target = make_backup(db_path, now=now)
    _save_marker(db_path, marker, target)
    prune(db_path, policy, (now or datetime.now()).date())
    return target


def backup_if_changed(db_path: Path | str, policy: Policy, *,
                      now: datetime | None = None) -> Path | None:
    """An automatic backup when the data changed since the last one; else None."""
    if not changed_since_last_backup(db_path):
        return None
    return backup_now(db_path, policy, now=now)


# ---------------------------------------------------------------- restoring

@dataclass(frozen=True)
class RestoreResult:
    """``saved``: where the replaced file went (a before-restore backup, or the damaged file
    set aside when ``damaged``); None when there was no file to replace."""

    saved: Path | None
    damaged: bool
    report: FileReport


def restore(source: Path | str, db_path: Path | str, *,
            now: datetime | None = None) -> RestoreResult:
    """Replace the database at ``db_path`` with the backup ``source``.

    The caller must have closed every connection to ``db_path``. Order: check the backup,
    copy it beside the database and check the copy, save the current file aside (a checked
    before-restore backup; a damaged file is moved aside untouched), then swap the copy in
    with one rename. Any failure before the rename leaves the database as it was.

    The restored file takes the branch's current state: into an encrypted branch it is
    encrypted with the branch's key (a plain backup is encrypted on the way in), into a plain
    one it is plain. An encrypted backup whose key is not unlocked raises
    PasswordRequiredError: unlock it (keys.unlock on the backup) and call again.
    """
    source, db_path = Path(source), Path(db_path)
    check_file(source)
    source_key = keys.connection_key(source)
    target_key = keys.connection_key(db_path)
    partial = db_path.with_name(f"{db_path.name}.restoring{PARTIAL}")
    try:
        if source_key == target_key:
            copy_database(source, partial)
        else:
            from branchdesk.core import encryption

            encryption.rewrite(source, source_key, partial, target_key)
        report = check_file(partial, key=target_key)
        files.fsync_file(partial)
        saved, damaged = _set_current_aside(db_path, now or datetime.now())
        _swap_in(partial, db_path, saved if damaged else None)
    except BranchdeskError:
        raise
    except (OSError, driver.Error) as exc:
        raise BackupError("恢复没有完成，原数据文件保持不变。请确认磁盘没有写满、文件没有被其他程序"
                          "占用，然后重试。", detail=str(exc)) from exc
    finally:
        _remove_with_journal(partial)
    files.fsync_dir(db_path.parent)
    log.info("restored %s from %s", db_path.name, source.name)
    return RestoreResult(saved, damaged, report)


def _swap_in(copy: Path, db_path: Path, moved_away: Path | None) -> None:
    """Rename the checked copy into place; if that fails, a file moved away goes back."""
    try:
        os.replace(copy, db_path)
    except OSError:
        if moved_away is not None:
            os.replace(moved_away, db_path)
        raise


def _set_current_aside(db_path: Path, now: datetime) -> tuple[Path | None, bool]:
    if not db_path.exists():
        return None, False
    if _is_intact(db_path):
        return make_backup(db_path, tag=BEFORE_RESTORE, now=now), False
    return set_damaged_aside(db_path, now), True


def _is_intact(db_path: Path) -> bool:
    try:
        roll_back_hot_journal(db_path)
    except driver.DatabaseError:
        return False
    return inspect_file(db_path, full=False, allow_newer=True).ok


def set_damaged_aside(db_path: Path, now: datetime | None = None) -> Path:
    """Move a damaged database (and its journal, if any) aside unchanged; returns the new path."""
    stamp = (now or datetime.now()).strftime(STAMP)
    target = db_path.with_name(f"{db_path.stem}-damaged-{stamp}{SUFFIX}")
    counter = 1
    while target.exists():
        counter += 1
        target = db_path.with_name(f"{db_path.stem}-damaged-{stamp}-{counter}{SUFFIX}")
    journal = Path(f"{db_path}-journal")
    if keys.is_encrypted(db_path):  # the set-aside copy keeps a key file; the branch keeps its own
        files.write_bytes(keys.key_path(target), keys.key_path(db_path).read_bytes())
    os.replace(db_path, target)
    if journal.exists():
        os.replace(journal, Path(f"{target}-journal"))
    log.warning("damaged database set aside as %s", target.name)
    return target


def newest_good_backup(db_path: Path | str) -> tuple[BackupInfo, FileReport] | None:
    """The newest backup of ``db_path`` that passes the full check, with its report."""
    for info in list_backups(db_path):
        report = inspect_file(info.path)
        if report.ok:
            return info, report
    return None


def recover_from_newest_backup(db_path: Path | str) -> tuple[BackupInfo, RestoreResult]:
    """Put the newest good backup in place of a damaged database (kept aside untouched)."""
    found = newest_good_backup(db_path)
    if found is None:
        raise BackupError("没有找到可用的备份，无法自动恢复。损坏的数据文件仍在原处，没有被修改。"
                          "请联系技术人员。")
    info, _ = found
    return info, restore(info.path, db_path)


# ---------------------------------------------------------------- encrypting the history

def encrypt_backups(db_path: Path | str, data_key: bytes,
                    keyfile: keys.KeyFile) -> tuple[int, tuple[str, ...]]:
    """Encrypt with the branch's (new) data key every copy of it this app keeps that has no
    key of its own: the backups in ``backups/`` (safety copies included) and damaged copies
    set aside beside the database. Each is rewritten checked (encryption.rewrite), gets its
    key file, and replaces the plain file by rename. A copy SQLite cannot read (damaged) is
    sealed whole instead (``seal_unreadable``). Returns how many were encrypted or sealed and
    the names of those that could not be (kept as they were: a file system error)."""
    from branchdesk.core import encryption

    changed, missed = 0, []
    for path in _plain_copies(Path(db_path)):
        partial = path.with_name(f"{path.name}.{os.getpid()}{PARTIAL}")
        try:
            try:
                encryption.rewrite(path, None, partial, data_key)
            except (BranchdeskError, driver.Error) as exc:
                log.warning("%s cannot be read (%s): sealed whole", path.name, exc)
                seal_unreadable(path, data_key)
            else:
                files.write_bytes(keys.key_path(path), keyfile.to_bytes())
                os.replace(partial, path)
            changed += 1
        except (BranchdeskError, OSError, driver.Error) as exc:
            log.warning("could not encrypt %s: %s", path.name, exc)
            missed.append(path.name)
        finally:
            _remove_with_journal(partial)
    return changed, tuple(missed)


SEALED = ".sealed"
_SEAL_LABEL = b"BranchDesk unreadable copies v1"


def seal_unreadable(path: Path, data_key: bytes) -> Path:
    """Replace a copy SQLite cannot read (and its journal) by ``<name>.sealed``: its bytes
    sealed with AES-GCM under a key derived from the data key, as attachments are. No plain
    copy stays; a technician with the 恢复密钥 can unseal it (attachments.unseal)."""
    import hmac

    from branchdesk.core import attachments

    key = hmac.new(data_key, _SEAL_LABEL, "sha256").digest()
    target = path.with_name(path.name + SEALED)
    for plain in (path, Path(f"{path}-journal")):
        if plain.is_file():
            sealed = plain.with_name(plain.name + SEALED)
            files.write_bytes(sealed, attachments.seal(plain.read_bytes(), key))
            plain.unlink()
    return target


def _plain_copies(db_path: Path) -> list[Path]:
    """Our copies of ``db_path`` not encrypted by us (no key file, or a plain header)."""
    folder = paths.backups_dir(db_path)
    found = sorted(folder.glob(f"{db_path.stem}-*{SUFFIX}")) if folder.is_dir() else []
    found += sorted(db_path.parent.glob(f"{db_path.stem}-damaged-*{SUFFIX}"))
    return [path for path in found
            if driver.has_plain_header(path) or not keys.key_path(path).is_file()]


def rewrap_backups(db_path: Path | str, data_key: bytes, keyfile: keys.KeyFile) -> int:
    """Replace the key file of every backup in ``backups/`` encrypted with ``data_key`` by
    ``keyfile`` (after a password change: the old password then opens none of them)."""
    db_path = Path(db_path)
    folder = paths.backups_dir(db_path)
    changed = 0
    kid = keys.key_id(data_key)
    for path in sorted(folder.glob(f"{db_path.stem}-*{SUFFIX}{keys.KEY_SUFFIX}")) \
            if folder.is_dir() else []:
        try:
            if keys.read_key_file(path).key_id == kid:
                files.write_bytes(path, keyfile.to_bytes())
                changed += 1
        except (BranchdeskError, OSError) as exc:
            log.warning("could not rewrap %s: %s", path.name, exc)
    return changed
