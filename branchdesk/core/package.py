"""The USB package (U盘台账包): one year's ledger, printed forms and attachments in one folder.

Layout of ``<支部名称>台账_<年度>/`` (the name as titles print it, ``branch.title_name``)::

    <支部名称><年度>年度工作台账.xlsx          the ledger (personal data masked by default)
    签到表/2026-03-20_支部党员大会_签到表.pdf   one per meeting and 主题党日 of the year
    会议记录/2026-03-20_支部党员大会_会议记录.pdf (主题党日: …_主题党日_活动记录.pdf)
    发展党员/赵晓明_发展党员全程纪实表.pdf       one per person of the year's 发展党员 sheet
    附件/03月/支部党员大会/<original name>       photos and scans as added (谈心谈话 too), if any
    README.txt                                  what is where, in Chinese
    清单.csv                                    every other file with its size and SHA-256

Names are safe on FAT32/exFAT/NTFS (``files.safe_name``: no \\ / : * ? " < > |, no
reserved device names, at most 80 characters) and unique even where the file system ignores
case (a suffix _2, _3 …).

Writing one file (``install``): the content is first produced on this computer, in memory
(the ledger, the PDFs — each checked as it is made —, README and 清单; nothing is staged on
the local disk, which may be the full one) or as the stored attachment file, then copied with
the checked atomic write (``files.copy_file``) to ``.branchdesk-<random>.tmp`` in the target
folder, fsynced, read back and compared by SHA-256 (on Linux the page cache is dropped first,
so the bytes come from the stick), and only then renamed over the final name. A file under a
final name is therefore always either the old complete one or the new verified one.
Temporary files of an interrupted earlier run are removed at the start of the next.

A file that cannot be produced on this computer (a PDF that fails its check, the ledger when
the system temp folder openpyxl needs is full, an attachment that cannot be read) is skipped:
it is not written, not listed in 清单.csv, the result's ``failed`` and summary name it, and the
unfinished note stays.

Failure or 取消 half-way: the file being written is discarded (its temporary file removed, the
old file untouched); files already written stay, because each is complete and verified. The
package as a whole is then incomplete, and says so: ``未完成-请重新导出.txt`` is written at the
start of every run and removed only after 清单.csv, so a pulled stick or a cancelled run leaves
that note next to an older 清单.csv that may no longer match. Running again completes it. We
chose this over deleting what this run wrote: deleting touches the stick again just after it
failed, and would destroy a previous complete package's files that this run had replaced.
Files in the folder that this run did not write (a meeting deleted since, files put there by
hand) are left alone and listed in the result.

Qt is not imported here: the PDF painters are passed in (``PdfWriters``) by the window or the
command line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from branchdesk.core.db import Database

from branchdesk import APP_TITLE
from branchdesk.core import attachments, branch, files, meetings, talks
from branchdesk.core.attachments import Attachment
from branchdesk.core.dates import long_cn
from branchdesk.core.errors import BranchdeskError, ExportError
from branchdesk.core import masking
from branchdesk.core.files import MAX_NAME, safe_name, size_text
from branchdesk.core.ledger import period as ledger_period
from branchdesk.core.ledger.yearly import ledger_bytes, sheet_names
from branchdesk.core.printing import (SIGNIN_FORM, form_file_name, meeting_name, minutes_page,
                                     record_form, signin_sheet)

Progress = Callable[[int, str], None]

TEMP_PREFIX, TEMP_SUFFIX = files.TEMP_PREFIX, files.TEMP_SUFFIX
MANIFEST = "清单.csv"
README = "README.txt"
UNFINISHED = "未完成-请重新导出.txt"
SIGNIN_DIR, MINUTES_DIR, FILES_DIR = "签到表", "会议记录", "附件"
RECRUITS_DIR = "发展党员"
TALK = "talk"  # attachments.owner_kind of a 谈心谈话 record (core/talks.py)
TALK_LABEL = "谈心谈话"
PDF_ESTIMATE = 60_000  # bytes; the demo's forms average 40 KB
LEDGER_ESTIMATE = 200_000
FILE_WEIGHT = 200_000  # progress: a small file costs about as much as 200 KB (fsync, rename)

CANCELLED_TEXT = (f"已取消。U盘上的台账包不完整：已写好的文件都已核对并保留，正在写的文件已清除。"
                  f"文件夹中的“{UNFINISHED}”提示这一点；重新导出即可补全。")


class PackageError(ExportError):
    title = "导出到U盘未完成"


@dataclass(frozen=True)
class PdfWriters:
    """Painters for the printed forms, each returning a checked PDF's bytes: ``signin(SignInSheet)``
    and ``minutes(MinutesPage)`` (branchdesk.ui.print.signin_pdf / minutes_pdf). They raise a
    BranchdeskError when a PDF does not come out whole."""

    signin: Callable[[Any], bytes]
    minutes: Callable[[Any], bytes]


@dataclass(frozen=True)
class Item:
    """One file of the package: where it goes, what it is, and how to produce it locally."""

    name: str  # path inside the package folder, "/"-separated
    note: str  # what it is, for 清单.csv
    estimate: int  # bytes, for the free-space check
    make: Callable[["_Run", Path], Path | bytes]  # (run, destination) -> a local file or bytes


@dataclass(frozen=True)
class WrittenFile:
    name: str
    size: int
    sha256: str
    note: str = ""


@dataclass
class PackagePlan:
    folder_name: str
    items: list[Item]
    missing: list[str]  # attachments whose stored file is gone: "日期 记录：原文件名"

    @property
    def estimated_bytes(self) -> int:
        return sum(item.estimate for item in self.items) + 20_000  # README, 清单


@dataclass
class PackageResult:
    folder: Path
    files: list[WrittenFile]
    missing: list[str]
    extra: list[str]  # files in the folder that this run did not write
    mask: bool
    failed: list[str] = field(default_factory=list)  # "name：why" of files not produced

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def summary(self) -> str:
        """What the secretary is told at the end."""
        lines = [f"已写入 {len(self.files)} 个文件，共 {size_text(self.total_bytes)}，"
                 "每个文件写入后都已读回核对（SHA-256）无误。", f"位置：{self.folder}"]
        lines.append("台账中的身份证号、出生日期、电话号码和住址已隐藏关键部分。" if self.mask
                     else "注意：台账中含完整的身份证号和电话号码，请妥善保管U盘。")
        if self.missing:
            lines.append(f"有 {len(self.missing)} 个附件的文件在本机已丢失，未能复制（见 README.txt）。")
        if self.failed:
            lines.append(f"有 {len(self.failed)} 个文件未能生成，没有写到U盘上，也不在清单中"
                         f"（文件夹中保留“{UNFINISHED}”）：")
            lines += [f"  {line}" for line in self.failed]
        if self.extra:
            lines.append(f"文件夹中另有 {len(self.extra)} 个不是这次写入的文件（以前导出的或手动放入的），"
                         "未作改动，也不在清单中。")
        return "\n".join(lines)


@dataclass
class _Run:
    db: Database
    year: int
    mask: bool
    writers: PdfWriters
    progress: Progress | None
    today: date
    percent: int = 0

    def report(self, text: str) -> None:
        if self.progress is not None:
            self.progress(self.percent, text)


# ---------------------------------------------------------------- names

class _Names:
    """Hands out unique names per folder, comparing as Windows does (ignoring case)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, folder: str, name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        stem, ext = (stem, dot + ext) if dot and stem else (name, "")
        candidate, n = name, 1
        while f"{folder}/{candidate}".casefold() in self.taken:
            n += 1
            candidate = f"{stem[:MAX_NAME - len(ext) - 4]}_{n}{ext}"
        self.taken.add(f"{folder}/{candidate}".casefold())
        return f"{folder}/{candidate}" if folder else candidate


def folder_name(branch_name: str, year: int) -> str:
    return safe_name(f"{branch_name}台账_{year}")


def ledger_name(branch_name: str, year: int) -> str:
    return safe_name(ledger_period.file_name(branch_name, year=year))


# ---------------------------------------------------------------- planning

def plan_package(db: Database, year: int, *, mask: bool = False) -> PackagePlan:
    """Every file of the package for ``year``, with size estimates (nothing is written).

    With ``mask``, ID and phone numbers in attachment names and notes are masked
    (core/masking.py), as the ledger's are."""
    names, missing = _Names(), []
    title = branch.heading_name(db)
    found = [s.meeting for s in meetings.list_meetings(db, year=year)]
    found.sort(key=lambda m: (m.date, m.id))
    items = [Item(names.claim("", ledger_name(title, year)), f"{year}年度工作台账",
                  LEDGER_ESTIMATE, _make_ledger)]
    for meeting in found:
        items += _form_items(db, meeting, names)
    items += _recruit_items(db, year, names)
    shown = masking.free_text if mask else str
    attached = _attachment_items(db, year, found, names, missing, shown)
    return PackagePlan(folder_name(title, year), items + attached, missing)


def _form_items(db: Database, meeting: meetings.Meeting, names: _Names) -> list[Item]:
    note = f"{meeting.date} {meeting_name(db, meeting)}"
    record = record_form(meeting)
    signin = names.claim(SIGNIN_DIR, form_file_name(db, meeting, SIGNIN_FORM))
    minutes = names.claim(MINUTES_DIR, form_file_name(db, meeting, record))
    return [Item(signin, f"{note} 签到表", PDF_ESTIMATE,
                 _pdf_maker(meeting.id, signin_sheet, lambda w: w.signin)),
            Item(minutes, f"{note} {record}", PDF_ESTIMATE,
                 _pdf_maker(meeting.id, minutes_page, lambda w: w.minutes))]


def _recruit_items(db: Database, year: int, names: _Names) -> list[Item]:
    """A 发展党员全程纪实表 for each person whose record was open during ``year`` (the people on
    the ledger's 发展党员 sheet), laid out when its turn comes, masked as the ledger is."""
    from branchdesk.core import recruitment, recruitment_print
    from branchdesk.core.ledger import recruitment_sheet
    from branchdesk.core.ledger.period import resolve

    period = resolve(year)
    people = [r for r in recruitment.list_recruits(db)
              if recruitment_sheet.in_period(db, r, period)]
    return [Item(names.claim(RECRUITS_DIR, recruitment_print.file_name(r)),
                 f"{r.name} {recruitment_print.FORM_NAME}", PDF_ESTIMATE, _recruit_maker(r.id))
            for r in people]


def _recruit_maker(recruit_id: int) -> Callable[[_Run, Path], bytes]:
    def make(run: _Run, dest: Path) -> bytes:
        from branchdesk.core import recruitment, recruitment_print

        as_of = min(run.today, date(run.year, 12, 31))
        page = recruitment_print.record_page(run.db, recruitment.get(run.db, recruit_id), as_of,
                                             mask=run.mask)
        return run.writers.minutes(page)

    return make


def _attachment_items(db: Database, year: int, found: list[meetings.Meeting], names: _Names,
                      missing: list[str], shown=str) -> list[Item]:
    owners = [(attachments.MEETING, m.id, m.date, meeting_name(db, m)) for m in found]
    owners += [(TALK, t.id, t.date, TALK_LABEL) for t in talks.list_talks(db, year=year)]
    owners.sort(key=lambda owner: (owner[2], owner[3], owner[1]))
    items = []
    for kind, owner_id, day, label in owners:
        for attachment in attachments.list_for(db, kind, owner_id):
            item = _attachment_item(db, attachment, day, label, names, shown)
            if item is None:
                missing.append(f"{day} {label}：{shown(attachment.original_name)}")
            else:
                items.append(item)
    return items


def _attachment_item(db: Database, attachment: Attachment, day: str, label: str,
                     names: _Names, shown=str) -> Item | None:
    source = attachments.path_of(db, attachment)
    if not source.is_file():
        return None
    folder = f"{FILES_DIR}/{day[5:7]}月/{safe_name(label)}"
    name = names.claim(folder, safe_name(shown(attachment.original_name)))
    note = f"{day} {label} 附件" + (f"：{shown(attachment.note)}" if attachment.note else "")
    # a sealed file (encrypted branch) is unsealed in memory when its turn comes
    return Item(name, note, attachment.size,
                lambda run, dest: attachments.content(run.db, attachment))


# ---------------------------------------------------------------- producing content locally

def _make_ledger(run: _Run, dest: Path) -> bytes:
    return ledger_bytes(run.db, dest, year=run.year, mask=run.mask, today=run.today,
                        progress=lambda _percent, text: run.report(text))


def _pdf_maker(meeting_id: int, layout: Callable[[Database, meetings.Meeting], Any],
               writer_of: Callable[[PdfWriters], Callable]) -> Callable[[_Run, Path], bytes]:
    """Lays the form out from the database when its turn comes, then paints it in memory."""
    def make(run: _Run, dest: Path) -> bytes:
        meeting = meetings.get(run.db, meeting_id)
        return writer_of(run.writers)(layout(run.db, masking.record(meeting) if run.mask
                                             else meeting))

    return make


def _produce(run: _Run, dest: Path, item: Item) -> Path | bytes:
    """The item's content: bytes, or a local file; a file that cannot be read is this item's
    failure (files.FileReadError), not the stick's."""
    source = item.make(run, dest)
    if isinstance(source, bytes):
        return source
    try:
        with open(source, "rb"):
            pass
    except OSError as exc:
        raise files.FileReadError(f"无法读取本机上的文件“{source.name}”（{exc.strerror or exc}）。",
                                  detail=str(exc)) from exc
    return source


def _text_bytes(text: str) -> bytes:
    """UTF-8 with a BOM and CRLF lines: Notepad, WPS and Excel all show the Chinese right."""
    return "\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8")


# ---------------------------------------------------------------- writing the package

def write_package(db: Database, target_dir: Path | str, year: int, *, mask: bool = True,
                  pdf_writers: PdfWriters, progress: Progress | None = None,
                  today: date | None = None) -> PackageResult:
    """Write the package for ``year`` into ``target_dir/<支部名称>台账_<年度>/``.

    ``mask`` masks personal data (core.masking) in the ledger, the PDFs, the attachments'
    names and notes, README.txt and 清单.csv (on by default: the stick leaves the office).
    ``progress(percent, "正在写入 …")`` is called before each file and every few MB of a
    large one; an exception it raises (取消) stops the run and propagates.
    Raises PackageError (in Chinese: what happened and what to do) when the target cannot be
    written; see the module docstring for what is then left on the stick.
    """
    plan = plan_package(db, year, mask=mask)
    run = _Run(db, year, mask, pdf_writers, progress, today or date.today())
    folder = Path(target_dir) / plan.folder_name
    written: list[WrittenFile] = []
    failed: list[str] = []
    try:
        _start(folder)
        _write_all(run, folder, plan, written, failed)
        if not failed:
            _finish(folder)
    except PackageError as exc:
        raise _incomplete(exc, written) from exc.__cause__
    return PackageResult(folder, written, plan.missing, _extra(folder, written), mask, failed)


def _write_all(run: _Run, folder: Path, plan: PackagePlan, written: list[WrittenFile],
               failed: list[str]) -> None:
    """The files in plan order, then README.txt, then 清单.csv (which lists the others that
    were written and verified; ``written`` ends with it too). A file that cannot be produced
    locally goes to ``failed`` instead; a failure on the target raises PackageError."""
    weights = [item.estimate + FILE_WEIGHT for item in plan.items] + [FILE_WEIGHT] * 2
    done, total = 0, sum(weights)
    for item, weight in zip(plan.items, weights):
        run.percent = done * 100 // total
        _write_or_note(run, folder, item, written, failed)
        done += weight
    run.percent = done * 100 // total
    written.append(_write_item(run, folder, _readme_item(run, plan)))
    run.percent = (done + FILE_WEIGHT) * 100 // total
    written.append(_write_item(run, folder, _manifest_item(written)))


def _write_or_note(run: _Run, folder: Path, item: Item, written: list[WrittenFile],
                   failed: list[str]) -> None:
    try:
        written.append(_write_item(run, folder, item))
    except PackageError:
        raise
    except BranchdeskError as exc:  # produced locally: this file only, the run goes on
        failed.append(f"{item.name}：{exc}")


def _write_item(run: _Run, folder: Path, item: Item) -> WrittenFile:
    run.report(f"正在写入 {item.name}…")
    dest = folder / item.name
    source = _produce(run, dest, item)
    size, sha = install(source, dest, tick=lambda: run.report(f"正在写入 {item.name}…"))
    return WrittenFile(item.name, size, sha, item.note)


def _start(folder: Path) -> None:
    """Create the folder, clear temporaries of an interrupted run, mark the package unfinished."""
    if not folder.parent.is_dir():
        raise PackageError(f"找不到“{folder.parent}”：U盘可能已被拔出，或这个文件夹不存在。"
                           "请插好U盘或换一个文件夹后重新导出。")
    _guard(lambda: folder.mkdir(exist_ok=True), folder)
    for stale in _guard(lambda: list(folder.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}")), folder):
        with suppress(OSError):
            stale.unlink()
    note = ("这个台账包还没有写完（导出被取消、U盘被拔出或空间不足）。\n"
            "文件夹中已有的文件各自是完整的，但可能缺少文件，清单.csv 也可能与文件不符。\n"
            f"请在“{APP_TITLE}”中重新“导出到U盘”，写完后本文件会自动删除。\n")
    install(_text_bytes(note), folder / UNFINISHED)


def _finish(folder: Path) -> None:
    _guard(lambda: (folder / UNFINISHED).unlink(missing_ok=True), folder / UNFINISHED)
    _guard(lambda: files.fsync_dir(folder), folder)


def _extra(folder: Path, written: list[WrittenFile]) -> list[str]:
    names = {f.name for f in written} | {MANIFEST, UNFINISHED}
    found = (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return sorted(name for name in found if name not in names)


def _incomplete(exc: PackageError, written: list[WrittenFile]) -> PackageError:
    if not written:
        return exc
    tail = (f"\n\n台账包尚未完成：已写好的 {len(written)} 个文件都已核对并保留，没写完的文件已清除，"
            f"U盘上原有的文件都是完整的。文件夹中的“{UNFINISHED}”提示这一点。")
    return PackageError(exc.message + tail, detail=exc.detail)


# ---------------------------------------------------------------- README and 清单

def _readme_item(run: _Run, plan: PackagePlan) -> Item:
    text = readme_text(branch.heading_name(run.db), run.year, run.today, plan, run.mask)
    return Item(README, "说明", 0, lambda _run, _dest: _text_bytes(text))


def _manifest_item(written: list[WrittenFile]) -> Item:
    text = manifest_text(written)
    return Item(MANIFEST, "清单", 0, lambda _run, _dest: _text_bytes(text))


def manifest_text(written: list[WrittenFile]) -> str:
    """清单.csv: 文件, 大小（字节）, SHA-256, 说明 — one row per file, paths with "/"."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["文件", "大小（字节）", "SHA-256", "说明"])
    writer.writerows([_csv_cell(f.name), f.size, f.sha256, _csv_cell(f.note)] for f in written)
    return out.getvalue()


# A cell starting with one of these is a formula when the CSV is opened in Excel/WPS (the file
# names carry the branch's name, which anyone with the app can set): an apostrophe keeps it text.
# The full-width forms too, which the ledger's cells also treat as formula starts.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _csv_cell(text: str) -> str:
    """An apostrophe before a formula start, and before a leading apostrophe, so that
    ``_csv_value`` gives back exactly the text (a file called '=1.pdf stays '=1.pdf)."""
    return "'" + text if text.startswith((*_FORMULA_START, "'")) else text


def _csv_value(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def read_manifest(path: Path | str) -> list[WrittenFile]:
    """The rows of a 清单.csv written by ``manifest_text`` (for checking a package)."""
    text = Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    return [WrittenFile(_csv_value(name), int(size), sha, _csv_value(note))
            for name, size, sha, note in rows]


def readme_text(title: str, year: int, today: date, plan: PackagePlan, mask: bool) -> str:
    """README.txt: what the package holds (exactly the folders and files of ``plan``), what
    personal data it carries, and how to check the files."""
    lines = [f"{title}{year}年度工作台账（U盘版）",
             f"生成日期：{long_cn(today)}　由“{APP_TITLE}”生成", "", "一、文件夹内容",
             *_contents_lines(plan), "",
             "二、个人信息", _mask_line(mask)]
    if _in_folder(plan, FILES_DIR):
        lines.append("  附件按原样复制，其中可能含有个人信息。")
    lines += ["", "三、核对文件是否完好",
             "  Windows：在文件所在文件夹打开命令提示符，运行 certutil -hashfile 文件名 SHA256",
             "  统信UOS、麒麟等：在终端运行 sha256sum 文件名",
             f"  得到的值应与 {MANIFEST} 中的 SHA-256 相同。"]
    return "\n".join(lines + _missing_lines(plan.missing)) + "\n"


def _contents_lines(plan: PackagePlan) -> list[str]:
    """One line for the ledger, each folder the package has, 清单.csv and README.txt."""
    lines = [f"  {plan.items[0].name}：年度工作台账（Excel，可用 WPS 或 Excel 打开），"
             f"共 {len(sheet_names())} 个工作表：{'、'.join(sheet_names())}。"]
    folders = [(SIGNIN_DIR, "每次会议和主题党日的签到表（PDF），共 {n} 份，文件名为“日期_名称_签到表”。"),
               (MINUTES_DIR, "每次会议和主题党日的记录（PDF），共 {n} 份。"),
               (RECRUITS_DIR, "本年度发展党员对象的发展党员全程纪实表（PDF），每人一份，共 {n} 份。"),
               (FILES_DIR, "会议、主题党日和谈心谈话的照片、扫描件等原始文件，按“月份\\类型”存放，共 {n} 个。")]
    for folder, text in folders:
        if count := _in_folder(plan, folder):
            lines.append(f"  {folder}\\：" + text.format(n=count))
    return lines + [f"  {MANIFEST}：全部文件的名称、大小和 SHA-256 校验值。", f"  {README}：本说明。"]


def _in_folder(plan: PackagePlan, folder: str) -> int:
    """How many files of the package go into ``folder``."""
    return sum(1 for item in plan.items if item.name.startswith(f"{folder}/"))


def _mask_line(mask: bool) -> str:
    if mask:
        return ("  台账、签到表、会议记录和文件名中的身份证号、出生日期（只显示年月）、电话号码和住址"
                "（只到区县）已隐藏关键部分。")
    return "  台账中含完整的身份证号和电话号码，请妥善保管，用后及时删除。"


def _missing_lines(missing: list[str]) -> list[str]:
    if not missing:
        return []
    return ["", "四、未能复制的附件（本机上的文件已丢失，可在软件中删除该附件后重新添加）",
            *(f"  {line}" for line in missing)]


# ---------------------------------------------------------------- one verified file

def install(source: Path | bytes, dest: Path,
            tick: Callable[[], None] | None = None) -> tuple[int, str]:
    """Copy ``source`` (a local file, or bytes) to ``dest`` with the checked atomic write (``files.copy_file``: read
    back from the stick and compared by SHA-256); returns (size, SHA-256).

    ``dest`` is at every moment either its old complete content (or absent) or the new
    content, read back and checked. Raises PackageError for the target's errors; an
    exception from ``tick`` (取消) propagates. No temporary file is left either way.
    """
    _guard(lambda: dest.parent.mkdir(parents=True, exist_ok=True), dest)
    try:
        copied = files.copy_file(source, dest, tick=tick)
    except files.FileReadError as exc:
        raise PackageError(exc.message + "然后重新导出。", detail=exc.detail) from exc
    except files.FileWriteError as exc:
        raise PackageError(_MESSAGES[_STICK_KIND[exc.kind]].format(
            name=dest.name, reason=exc.detail or exc.message), detail=exc.detail) from exc
    return copied.size, copied.sha256


# ---------------------------------------------------------------- what went wrong, in Chinese

# files.kind_of's causes, worded for a USB stick (a refused write is mostly a write-protect
# switch there).
_STICK_KIND = {"full": "full", "read_only": "read_only", "denied": "read_only",
               "in_use": "in_use", "gone": "gone", "too_long": "too_long", "too_big": "too_big",
               "is_folder": "is_folder", "broken": "broken", "other": "other"}
_MESSAGES = {
    "full": "U盘空间不足，写入“{name}”时磁盘已满。请删除U盘上不需要的文件或换一个更大的U盘，然后重新导出。",
    "read_only": "U盘不能写入（写入“{name}”时被拒绝）：U盘可能是只读的或打开了写保护开关。"
                 "请关闭写保护或换一个U盘，然后重新导出。",
    "in_use": "文件“{name}”正在被其他程序（如 Excel、WPS 或 PDF 阅读器）打开，"
              "无法替换。请关闭它后重新导出。",
    "gone": "写入“{name}”时找不到U盘（可能已被拔出或接触不良）。请重新插好U盘，然后重新导出。",
    "broken": "写入“{name}”后读回核对不一致，U盘可能有故障。请换一个U盘后重新导出。",
    "too_long": "写入“{name}”失败：U盘上的文件夹路径太长。请导出到U盘的根目录或浅一些的文件夹，"
                "然后重新导出。",
    "too_big": "写入“{name}”失败：文件超过了U盘格式允许的单个文件大小（FAT32 最大 4 GB）。"
               "请换一个 exFAT 或 NTFS 格式的U盘，然后重新导出。",
    "is_folder": "写入“{name}”失败：U盘上已有一个同名的文件夹。请把它删除或改名，然后重新导出。",
    "other": "写入“{name}”失败（{reason}）。请检查U盘后重新导出。",
}


def _guard(action: Callable[[], Any], dest: Path) -> Any:
    """Run ``action``; an OSError becomes a PackageError that says what to do."""
    try:
        return action()
    except OSError as exc:
        raise PackageError(explain(exc, dest), detail=str(exc)) from exc


def explain(exc: OSError, dest: Path) -> str:
    """The Chinese message for an OSError met while writing ``dest`` to the stick."""
    kind = _STICK_KIND[files.kind_of(exc)]
    return _MESSAGES[kind].format(name=dest.name, reason=exc.strerror or exc)
