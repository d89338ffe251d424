"""Command-line front end: no argument opens the window; subcommands do headless work.

Exit codes (core/errors.py; each error carries its own): 0 success; 1 rejected rows /
validation; 2 unreadable file or database problem (also: damaged database, or the database is
in use by the window for a command that writes); 3 compliance findings (``check``); 4 an
output file could not be written (the old one is unchanged); 130 cancelled; 141 the output's
reader went away (``| head``), quietly.

While the window has the database open (core/single_writer.py), commands that write (demo,
import-members, import-dues-base, restore, password) refuse with exit 2; commands that only
read open the file read-only.

An encrypted branch file (core/keys.py) needs its password for every command: from
``--password-file`` (UTF-8, one trailing newline stripped), else ``BRANCHDESK_PASSWORD``, else
a prompt when stdin is a terminal. None of these, a wrong password or (for ``password``) a new
one that is too short: a Chinese message, exit 2, nothing read or written.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from branchdesk import APP_TITLE, __version__, logsetup, paths
from branchdesk.core import driver  # its errors are not sqlite3's (core/driver.py)
from branchdesk.core.errors import (EXIT_BROKEN_PIPE, EXIT_CANCELLED, EXIT_FINDINGS,
                                    EXIT_NOT_WRITTEN, EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE,
                                    BranchdeskError, DamagedDatabaseError, DatabaseError)


# argparse's own words (Python 3.10–3.13), in Chinese: everything the user sees is Chinese.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有“%(value)s”这个命令或选项（可用：%(choices)s）",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "值“%(value)s”无效（应为 %(type)s）",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的值 %r",
}


def _named(convert, name: str):
    """A type for add_argument whose name argparse shows when a value is wrong."""
    def parse(text: str):
        return convert(text)
    parse.__name__ = name
    return parse


_INT = _named(int, "整数")
_DATE = _named(date.fromisoformat, "日期，如 2026-11-30")


def _argparse_in_chinese() -> None:
    argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)


def arg(*flags: str, **options) -> tuple[tuple[str, ...], dict]:
    """One argument of a command, as ``add_argument`` takes it."""
    return flags, options


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, help line, function (args -> exit code) and arguments."""

    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    args: tuple[tuple[tuple[str, ...], dict], ...] = ()


def build_parser() -> argparse.ArgumentParser:
    """The parser for ``COMMANDS`` (each also takes ``--db`` after its name)."""
    _argparse_in_chinese()
    parser = argparse.ArgumentParser(prog="branchdesk", description=f"{APP_TITLE}（BranchDesk）")
    parser.add_argument("--db", type=Path, help="数据文件路径（默认在用户数据目录）")
    parser.add_argument("--password-file", type=Path, metavar="文件",
                        help="从这个文件读取加密数据文件的密码（UTF-8；也可用环境变量 BRANCHDESK_PASSWORD）")
    parser.add_argument("--version", action="version", version=f"BranchDesk {__version__}",
                        help="显示版本号并退出")
    # --db is accepted before or after the subcommand (branchdesk demo --db PATH).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS, help="数据文件路径")
    common.add_argument("--password-file", type=Path, default=argparse.SUPPRESS, metavar="文件",
                        help="从这个文件读取加密数据文件的密码")
    sub = parser.add_subparsers(dest="command", title="命令", metavar="<命令>")
    for command in COMMANDS:
        one = sub.add_parser(command.name, help=command.help, description=command.help,
                             parents=[common])
        for flags, options in command.args:
            one.add_argument(*flags, **options)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (core/errors.py: EXIT_*)."""
    try:
        code = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _run(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    from branchdesk.core import files

    files.remember_umask()  # once, before any thread: reading it elsewhere means changing it
    logsetup.setup()
    if args.command is None:
        _import_core_first()
        from branchdesk.ui.app import run

        return run(args.db)
    try:
        return _BY_NAME[args.command].run(args)
    except BranchdeskError as exc:
        _err(str(exc))
        if isinstance(exc, DamagedDatabaseError):
            _err(f"可用 branchdesk restore <备份文件> 恢复；备份在：{paths.backups_dir(_db_path(args))}")
        return exc.exit_code
    except BrokenPipeError:
        raise  # the reader went away: main() exits quietly with 141
    except (driver.Error, OSError) as exc:  # what no check foresaw: words, never a traceback
        logging.getLogger(__name__).exception("command %s failed", args.command)
        _err(f"操作没有完成：读写文件时出错（{_reason(exc)}）。请确认数据文件和所在文件夹可以读写、"
             "磁盘没有写满、没有其他程序占用，然后重试。详细情况已记入日志。")
        return EXIT_UNREADABLE
    except KeyboardInterrupt:  # Ctrl+C: every writer leaves whole files, so a word suffices
        _err("已中断。")
        return EXIT_CANCELLED
    finally:
        from branchdesk.core import single_writer

        single_writer.release_all()


def _silence_stdout() -> None:
    """The reader went away (``| head``): send what is still buffered nowhere, so Python's
    flush at exit does not print a BrokenPipeError traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _import_core_first() -> None:
    """Import the Qt-free core (and sqlite-utils) before PySide6: once PySide6 is imported it
    reads the source of every module imported after it (its __feature__ check), about 0.1 s
    of the start-up when running from source."""
    from branchdesk.core import db, meetings, members, rules, settings, talks  # noqa: F401


def _reason(exc: BaseException) -> str:
    """A short reason with no personal data: the system's words, or SQLite's first line."""
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _err(text: str) -> None:
    print(f"错误：{text}", file=sys.stderr)


def _db_path(args) -> Path:
    return args.db or paths.default_db_path()


def _open(args, *, create: bool = False):
    """For reading: read-only while the window holds the database, else a normal open."""
    from branchdesk.core.db import open_db
    from branchdesk.core.errors import (DatabaseInUseError, ReadOnlyDatabaseError,
                                        ReadOnlyPlaceError)

    path = _db_path(args)
    try:
        _hold(path)
    except DatabaseInUseError:
        reason = ReadOnlyDatabaseError("党支部工作台账窗口正在使用这个数据文件，命令行只能读取。")
        _unlock(args, path)
        return open_db(path, create=False, read_only=reason)
    except ReadOnlyPlaceError as exc:
        _unlock(args, path)
        return open_db(path, create=False, read_only=exc)
    _unlock(args, path)
    return open_db(path, create=create)


def _open_for_writing(args, *, create: bool = False):
    """For writing: refuses (DatabaseInUseError, exit 2) while the window holds the database."""
    from branchdesk.core.db import open_db

    path = _db_path(args)
    _hold(path)
    _unlock(args, path)
    db = open_db(path, create=create)
    from branchdesk.core import encryption

    encryption.finish(path)  # a ``password set`` cut off half-way: its backups and attachments
    return db


# ---------------------------------------------------------------- passwords

PASSWORD_ENV = "BRANCHDESK_PASSWORD"
NEW_PASSWORD_ENV = "BRANCHDESK_NEW_PASSWORD"
RECOVERY_ENV = "BRANCHDESK_RECOVERY_KEY"


def _unlock(args, path: Path) -> None:
    """Unlock an encrypted file's key with the password the user gave (module docstring);
    nothing to do for a plain file or one already unlocked."""
    from branchdesk.core import keys

    if keys.needs_password(path):
        keys.unlock(path, _current_password(args, path))


def _current_password(args, path: Path) -> str:
    """The password given for this run (asked once: a backup tried with it asks no more)."""
    if getattr(args, "given_password", None) is None:
        args.given_password = _ask_password(args, path)
    return args.given_password


def _ask_password(args, path: Path) -> str:
    return _secret(getattr(args, "password_file", None), PASSWORD_ENV,
                   f"数据文件“{path.name}”的密码：",
                   f"数据文件“{path.name}”已加密，需要密码。请在终端中运行并按提示输入密码，"
                   f"或用 --password-file 文件、环境变量 {PASSWORD_ENV} 提供密码。没有读取或修改任何数据。")


def _secret(file: Path | None, env: str, prompt: str, missing: str) -> str:
    """A secret from ``file``, else the environment variable ``env``, else a prompt on a
    terminal; PasswordRequiredError (exit 2) when there is none of these."""
    from branchdesk.core.errors import PasswordRequiredError

    if file is not None:
        return _read_secret_file(file)
    if env in os.environ:
        return os.environ[env]
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(prompt)
        except EOFError:
            pass
    raise PasswordRequiredError(missing)


def _read_secret_file(file: Path) -> str:
    from branchdesk.core.errors import PasswordError

    try:
        text = Path(file).read_bytes()[:4096].decode("utf-8")
    except OSError as exc:
        raise PasswordError(f"无法读取密码文件“{file}”（{exc.strerror or exc}）。没有读取或修改任何数据。",
                            detail=str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise PasswordError(f"密码文件“{file}”不是 UTF-8 编码的文本。没有读取或修改任何数据。") from exc
    text = text.removeprefix("\ufeff")  # Notepad's BOM
    return text.removesuffix("\n").removesuffix("\r")


def _new_password(args) -> str:
    """The new password: --new-password-file, BRANCHDESK_NEW_PASSWORD, or asked twice."""
    from branchdesk.core import keys
    from branchdesk.core.errors import PasswordError, ValidationError

    file = args.new_password_file
    prompted = file is None and NEW_PASSWORD_ENV not in os.environ
    new = _secret(file, NEW_PASSWORD_ENV, "新密码：",
                  f"需要新密码。请在终端中运行并按提示输入，或用 --new-password-file 文件、"
                  f"环境变量 {NEW_PASSWORD_ENV} 提供。没有修改任何数据。")
    try:
        keys.check_new_password(new)
    except ValidationError as exc:
        raise PasswordError(f"{exc}。没有修改任何数据。") from None
    if prompted and _secret(None, NEW_PASSWORD_ENV, "再输入一次新密码：", "") != new:
        raise PasswordError("两次输入的新密码不一致。没有修改任何数据。")
    return new


def cmd_password(args) -> int:
    from branchdesk.core import encryption
    from branchdesk.core.errors import PasswordError, ValidationError

    path = _db_path(args)
    if not path.is_file():
        raise DatabaseError(f"找不到数据文件：{path}。请确认路径是否正确。")
    _hold(path)
    try:
        if args.action == "set":
            done = encryption.set_password(path, _new_password(args))
            _print_set(done)
        elif args.action == "change":
            current = _current_password(args, path)
            done = encryption.change_password(path, current, _new_password(args))
            print(f"已修改密码（另有 {done.backups_changed} 份备份随之改用新密码）。恢复密钥不变。")
        elif args.action == "remove":
            encryption.remove_password(path, _current_password(args, path))
            print("已取消密码，数据文件不再加密。已有的加密备份仍需原密码或恢复密钥才能打开。")
        else:
            _reset(args, path)
    except ValidationError as exc:  # a short password, a mistyped 恢复密钥: exit 2 as well
        raise PasswordError(f"{exc}。没有修改任何数据。") from None
    return EXIT_OK


def _reset(args, path: Path) -> None:
    from branchdesk.core import encryption

    text = _secret(args.recovery_key_file, RECOVERY_ENV, "恢复密钥：",
                   f"需要恢复密钥。请在终端中运行并按提示输入，或用 --recovery-key-file 文件、"
                   f"环境变量 {RECOVERY_ENV} 提供。没有修改任何数据。")
    encryption.reset_with_recovery_key(path, text, _new_password(args))
    print("已用恢复密钥设置新密码。恢复密钥不变，仍可使用。")


def _print_set(done) -> None:
    print("已设置密码：数据文件已加密" + (f"，backups 文件夹中的 {done.backups_changed} 份备份也已加密。"
                                 if done.backups_changed else "。"))
    print("恢复密钥（只显示这一次；请抄写或打印后锁好，忘记密码时用它打开数据文件）：")
    print(done.recovery_key)
    if done.not_reached:
        _err(f"以下副本没能加密，仍是未加密的：{'、'.join(done.not_reached)}。请确认后删除。")
    print("备份到U盘等其他位置的旧副本没有加密，请删除它们或重新备份。"
          "旧文件在磁盘（尤其是固态硬盘）上占用过的空间无法保证已被擦除。")


def _hold(path: Path) -> None:
    from branchdesk.core import single_writer

    if not path.parent.is_dir():
        raise DatabaseError(f"找不到文件夹“{path.parent}”。请确认路径是否正确。")
    single_writer.hold(path)


def cmd_demo(args) -> int:
    from branchdesk.core import demo

    path = args.db or paths.demo_db_path()  # never the real branch's file unless named
    _hold(path)
    _unlock(args, path)
    demo.create_demo(path, overwrite=args.force).close()
    print(f"已创建演示支部：{path}")
    return 0


def cmd_import(args) -> int:
    from branchdesk.core import importing

    db = _open(args, create=True) if args.dry_run else _open_for_writing(args, create=True)
    plan = importing.plan_file(db, args.file, sheet=args.sheet)
    _print_plan(plan, args.update_existing)
    if plan.rejected:
        print(f"有 {len(plan.rejected)} 行不能导入，本次未写入任何数据。请修改文件后重试。")
        return EXIT_REJECTED
    if args.dry_run:
        print(f"检查通过：可导入 {len(plan.accepted)} 行（--dry-run，未写入）。")
        return 0
    result = importing.apply(db, plan, update_existing=args.update_existing)
    print(f"导入完成：{result.summary()}")
    return 0


def _print_plan(plan, update_existing: bool) -> None:
    print(f"文件：{plan.table.source}　工作表：{plan.table.sheet}　表头在第 {plan.header.row} 行")
    for row in plan.accepted:
        action = ("更新" if update_existing else "跳过（已在名册）") if row.existing else "新增"
        note = f"　提示：{'；'.join(row.warnings)}" if row.warnings else ""
        print(f"第{row.row}行\t{row.member.name}\t{action}{note}")
    for row in plan.rejected:
        print(f"第{row.row}行\t不能导入：{row.reason}")


def cmd_import_dues_base(args) -> int:
    from branchdesk.core import dues
    from branchdesk.core.importing import dues_base

    db = _open(args, create=False) if args.dry_run else _open_for_writing(args)
    plan = dues_base.plan_file(db, args.file, args.year, sheet=args.sheet)
    print(f"文件：{plan.table.source}　工作表：{plan.table.sheet}　表头在第 {plan.header.row} 行"
          f"　{args.year}年党费计算基数")
    for row in plan.accepted:
        action = ("更新" if args.update_existing else "跳过（已有同日基数）") if row.existing else "新增"
        amount = f"{dues.yuan(row.base.base_fen)} 元" if row.base.base_fen is not None else ""
        note = f"　提示：{'；'.join(row.warnings)}" if row.warnings else ""
        print(f"第{row.row}行\t{row.member.name}\t{row.base.category}\t{amount}\t{action}{note}")
    for row in plan.rejected:
        print(f"第{row.row}行\t不能导入：{row.reason}")
    if plan.rejected:
        print(f"有 {len(plan.rejected)} 行不能导入，本次未写入任何数据。请修改文件后重试。")
        return EXIT_REJECTED
    if args.dry_run:
        print(f"检查通过：可导入 {len(plan.accepted)} 行（--dry-run，未写入）。")
        return 0
    result = dues_base.apply(db, plan, update_existing=args.update_existing)
    print(f"导入完成：{result.summary()}")
    return 0


def cmd_dues(args) -> int:
    import json

    from branchdesk.core import dues

    db = _open(args)
    as_of = args.as_of or date.today()
    table = dues.year_table(db, args.year, as_of)
    if args.json:
        print(json.dumps({"year": args.year, "as_of": as_of.isoformat(),
                          "members": [_dues_json(d, args.mask, db) for d in table]},
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{args.year}年党费收缴情况（截至 {as_of.isoformat()}）")
    print("姓名\t交纳类别\t" + "\t".join(f"{n}月" for n in range(1, 13)) + "\t交至\t应交\t已交")
    for d in table:
        marks = "\t".join(m.text or "—" for m in d.months)
        money = "\t".join(["—", "—"] if args.mask else [dues.yuan(d.due_total), dues.yuan(d.paid_total)])
        print(f"{d.member.name}\t{d.category_text() or '未登记'}\t{marks}\t"
              f"{dues.month_label(d.paid_to) if d.paid_to else '—'}\t{money}")
    due, paid = sum(d.due_total for d in table), sum(d.paid_total for d in table)
    print(f"共 {len(table)} 人，应交合计 {dues.yuan(due)} 元，已交合计 {dues.yuan(paid)} 元")
    return EXIT_OK


def _dues_json(d, mask: bool, db) -> dict:
    """One member as ``dues --json`` prints it. ``mask``: the ID number masked, and no base,
    rate or amount of the member (an amount gives the band, and so the income, away)."""
    from branchdesk.core import dues, masking

    from branchdesk.core import settings

    base, rate = dues.base_rate(d.base, settings.get_all(db)) if not mask else (None, None)
    money = (lambda fen: None) if mask else dues.yuan
    return {"member_id": d.member.id, "name": d.member.name,
            "id_number": masking.id_number(d.member.id_number) if mask else d.member.id_number,
            "category": d.category_text() or None, "base": base, "rate": rate,
            "months": {m.month: {"status": m.state, "due": money(m.due),
                                 "paid": money(m.paid) if m.paid else None} for m in d.months},
            "due_total": money(d.due_total), "paid_total": money(d.paid_total)}


def cmd_export(args) -> int:
    from branchdesk.core.ledger.roster import export_members

    db = _open(args)
    path = export_members(db, args.output, as_of=args.as_of, mask=args.mask)
    print(f"已导出党员花名册：{path}")
    return 0


def cmd_export_ledger(args) -> int:
    from branchdesk.core.ledger.yearly import export_ledger

    db = _open(args)
    path = export_ledger(db, args.output, year=args.year, start=args.start, end=args.end,
                         mask=args.mask)
    print(f"已导出工作台账：{path}")
    return 0


def cmd_export_package(args) -> int:
    from branchdesk.core.package import CANCELLED_TEXT, write_package

    db = _open(args)
    try:
        result = write_package(db, args.output, args.year, mask=args.mask,
                               pdf_writers=_pdf_writers())
    except KeyboardInterrupt:
        _err(CANCELLED_TEXT)
        return EXIT_CANCELLED
    print(result.summary())
    if result.failed:
        _err(f"有 {len(result.failed)} 个文件未能生成，台账包不完整。")
        return EXIT_NOT_WRITTEN
    return EXIT_OK


def _pdf_writers():
    """The Qt painters of the printed forms (a QGuiApplication is made if none runs)."""
    from branchdesk.core.package import PdfWriters
    from branchdesk.ui.print.export import ensure_gui_app
    from branchdesk.ui.print.minutes import minutes_pdf
    from branchdesk.ui.print.signin import signin_pdf

    ensure_gui_app()
    return PdfWriters(signin=signin_pdf, minutes=minutes_pdf)


def cmd_meetings(args) -> int:
    from branchdesk.core import meetings

    db = _open(args)
    kinds = _kind_filter(args.kind) or meetings.MEETING_KINDS
    rows = meetings.list_meetings(db, year=args.year, kinds=kinds)
    for s in rows:
        m = s.meeting
        flag = " [补录]" if m.late_entry else ""
        topic = m.lecture_title or "；".join(m.topics)
        print(f"{m.id}\t{m.date}\t{m.title}\t{_counts_text(s)}\t{topic}{flag}")
    print(f"共 {len(rows)} 条")
    return 0


def _counts_text(summary) -> str:
    c = summary.counts
    if not summary.attendance_recorded:
        return f"应到{c.expected} 出勤未登记"
    return f"应到{c.expected} 实到{c.present}"


def cmd_talks(args) -> int:
    from branchdesk.core import talks

    rows = talks.list_talks(_open(args), year=args.year)
    for t in rows:
        flag = " [补录]" if t.late_entry else ""
        print(f"{t.id}\t{t.date}\t{t.talker_name} → {'、'.join(t.target_names)}\t"
              f"{t.form}/{t.occasion}\t{t.topic}{flag}")
    print(f"共 {len(rows)} 条")
    return 0


def cmd_theme_days(args) -> int:
    from branchdesk.core import meetings

    rows = meetings.list_meetings(_open(args), year=args.year, kinds=(meetings.THEME_DAY,))
    for s in sorted(rows, key=lambda s: s.meeting.date):
        m = s.meeting
        flag = " [补录]" if m.late_entry else ""
        print(f"{m.id}\t{m.period}\t{m.date}\t{'；'.join(m.topics)}\t{m.activity_form}\t"
              f"{_counts_text(s)}{flag}")
    print(f"共 {len(rows)} 条")
    return 0


def _kind_filter(text: str | None) -> tuple[str, ...] | None:
    from branchdesk.core import meetings

    if not text:
        return None
    for kind in meetings.KINDS:
        if text in (kind, meetings.SHORT_NAMES[kind]):
            return (kind,)
    raise BranchdeskError(f"未知的会议类型“{text}”，可用：{'、'.join(meetings.KINDS)}")


def cmd_signin(args) -> int:
    from branchdesk.ui.print import export_signin_pdf

    db = _open(args)
    export_signin_pdf(db, args.meeting_id, args.output)
    print(f"已生成签到表：{args.output}")
    return 0


def cmd_minutes(args) -> int:
    from branchdesk.ui.print import export_minutes_pdf

    db = _open(args)
    export_minutes_pdf(db, args.meeting_id, args.output)
    print(f"已生成会议记录：{args.output}")
    return 0


def cmd_check(args) -> int:
    import json

    from branchdesk.core import rules

    db = _open(args)
    report = rules.report(db, args.year, args.as_of)
    if args.json:
        print(json.dumps({"year": report.year, "as_of": report.as_of.isoformat(),
                          "missing": report.has_missing,
                          "findings": [_finding_json(f) for f in report.findings]},
                         ensure_ascii=False, indent=2))
    else:
        _print_findings(report)
    return EXIT_FINDINGS if report.has_missing else EXIT_OK


def cmd_recruits(args) -> int:
    """发展党员: each person's stage, steps done (by the numbers of docs/rules.md), next step
    and its deadline; exit 0 whatever is overdue (``check`` reports the overdue as 缺项)."""
    import json

    from branchdesk.core import recruitment, settings

    db = _open(args)
    as_of = args.as_of or date.today()
    conf = settings.get_all(db)
    people = [recruitment.summary(r, conf, as_of) for r in recruitment.list_recruits(db)]
    if args.json:
        print(json.dumps({"as_of": as_of.isoformat(), "people": people},
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    for p in people:
        nxt = p["next"]
        step = f"下一步：第{nxt['step']}步 {nxt['name']}" if nxt else "无待办步骤"
        due = f"（{nxt['due']}前）" if nxt and nxt["due"] else ""
        print(f"{p['id']}\t{p['name']}\t{p['stage']}\t{step}{due}{' [已逾期]' if p['overdue'] else ''}")
    print(f"共 {len(people)} 人（截至 {as_of.isoformat()}）")
    return EXIT_OK


def _finding_json(finding) -> dict:
    """A finding as ``check --json`` prints it: its target names the record (``record``,
    ``id``) and, as before, the window's ``tab`` that shows it."""
    from branchdesk.ui.places import tab_for  # Qt-free

    return {**finding.as_dict(), "target": {"tab": tab_for(finding.target), **finding.target}}


def _print_findings(report) -> None:
    from branchdesk.core import rules

    print(f"{report.year}年工作检查（截至 {report.as_of.isoformat()}）")
    for finding in report.findings:
        print(f"[{rules.STATUS_TEXT[finding.severity]}] {finding.message}")
    missing = sum(1 for f in report.findings if f.severity == rules.MISSING)
    print(f"共 {len(report.findings)} 项提示，其中缺项 {missing} 项")


def cmd_backup(args) -> int:
    from branchdesk.core import backup, settings

    db = _open(args)
    policy = backup.policy_from(settings.get_all(db))
    db.close()
    if args.output:
        target = backup.make_backup(db.path, args.output)
    else:
        target = backup.backup_now(db.path, policy)
    report = backup.inspect_file(target, allow_newer=True)
    print(f"已备份到：{target}（{report.counts_text() if report.counts else '由更新版本创建的数据文件'}）")
    return 0


def cmd_restore(args) -> int:
    from branchdesk.core import backup
    from branchdesk.core.db import open_db

    path = _db_path(args)
    _hold(path)
    _unlock(args, path)
    _unlock_backup(args, Path(args.file))
    result = backup.restore(args.file, path)
    open_db(path).close()  # migrates an older backup now, with its own safety copy
    print(f"已用“{args.file}”恢复数据文件：{path}（{result.report.counts_text()}）")
    if result.saved:
        what = "已损坏的原文件另存为" if result.damaged else "原数据文件已另存为备份"
        print(f"{what}：{result.saved}")
    return 0


def _unlock_backup(args, source: Path) -> None:
    """An encrypted backup with a key other than the branch's: the same password first (a
    backup of this branch made before the password changed), then its own."""
    from branchdesk.core import keys
    from branchdesk.core.errors import WrongPasswordError

    if not source.is_file() or not keys.needs_password(source):
        return
    try:
        keys.unlock(source, _current_password(args, source))
        return
    except WrongPasswordError:
        if args.password_file is not None or not (sys.stdin and sys.stdin.isatty()):
            raise WrongPasswordError(f"密码打不开备份文件“{source.name}”（它用的是另一个密码）。"
                                     "没有恢复，数据文件没有被修改。") from None
    import getpass

    keys.unlock(source, getpass.getpass(f"备份文件“{source.name}”用的是另一个密码，请输入它的密码："))


def cmd_verify(args) -> int:
    from branchdesk.core import backup
    from branchdesk.core.db import roll_back_hot_journal

    path = _db_path(args)
    if not path.is_file():
        raise DatabaseError(f"找不到数据文件：{path}。请确认路径是否正确。")
    _unlock(args, path)
    try:
        roll_back_hot_journal(path)
    except Exception:  # noqa: BLE001 - the check below reports the file as damaged
        pass
    report = backup.inspect_file(path)
    print(f"数据文件：{path}")
    if not report.ok:
        print(f"检查结果：未通过。{report.problem}")
        return EXIT_UNREADABLE
    print(f"检查结果：完好（结构版本 {report.version}；{report.counts_text()}）")
    _print_latest_backup(path)
    return 0


def _print_latest_backup(path: Path) -> None:
    from branchdesk.core import backup

    backups = backup.list_backups(path)
    if backups:
        print(f"备份：共 {len(backups)} 份，最近一次 {backups[0].when:%Y-%m-%d %H:%M:%S}")
    else:
        print("备份：还没有备份。可运行 branchdesk backup 立即备份。")


_MEETING_ID = arg("meeting_id", type=_INT, metavar="会议编号",
                  help="会议的编号（branchdesk meetings 列出的第一列）")
_PDF_OUT = arg("-o", "--output", type=Path, required=True, metavar="文件", help="写到这个 .pdf 文件")
_XLSX_OUT = arg("-o", "--output", type=Path, required=True, metavar="文件", help="写到这个 .xlsx 文件")
_MASK = arg("--mask", action="store_true", help="隐藏身份证号、出生日期、电话和住址等个人信息")
_ANY_YEAR = arg("--year", type=_INT, help="年度（默认全部）")
_THIS_YEAR = arg("--year", type=_INT, default=date.today().year, help="年度（默认今年）")

COMMANDS = (
    Command("demo", "创建一个虚构的演示支部数据文件（不加 --db 时为数据目录中的 demo-branch.sqlite3，"
            "与真实数据分开）", cmd_demo,
            (arg("--force", action="store_true",
                 help="覆盖以前建立的演示支部（先备份；真实支部的数据文件不会被覆盖）"),)),
    Command("import-members", "从 Excel 花名册导入党员", cmd_import, (
        arg("file", type=Path, metavar="文件", help="花名册 .xlsx 或 .xls 文件"),
        arg("--sheet", metavar="工作表", help="读取这个工作表（默认自动选择最像花名册的可见工作表）"),
        arg("--dry-run", action="store_true", help="只检查，不写入"),
        arg("--update-existing", action="store_true", help="身份证号相同的党员用文件内容更新"))),
    Command("import-dues-base", "从财务部门的 Excel 导入某年的党费计算基数", cmd_import_dues_base, (
        arg("file", type=Path, metavar="文件", help="含姓名和/或身份证号、基数（或工资收入）的 .xlsx 或 .xls 文件"),
        arg("--year", type=_INT, required=True, help="基数所属年度（默认从该年1月1日起执行）"),
        arg("--sheet", metavar="工作表", help="读取这个工作表（默认自动选择）"),
        arg("--dry-run", action="store_true", help="只检查，不写入"),
        arg("--update-existing", action="store_true", help="已有同日基数的党员用文件内容更新"))),
    Command("dues", "列出某年度每名党员每月的党费交纳情况", cmd_dues, (
        _THIS_YEAR, arg("--as-of", type=_DATE, help="截至哪一天 YYYY-MM-DD（默认今天）"),
        arg("--mask", action="store_true", help="隐藏身份证号和每人的基数、金额（只显示已交/未交、交至年月和合计）"),
        arg("--json", action="store_true", help="以 JSON 输出"))),
    Command("export-members", "导出党员花名册 .xlsx", cmd_export, (
        _XLSX_OUT, arg("--as-of", type=_DATE, help="截至日期 YYYY-MM-DD"), _MASK)),
    Command("export-ledger", "导出年度工作台账 .xlsx（封面、花名册、三会一课等）", cmd_export_ledger, (
        arg("--year", type=_INT, help="年度（默认今年）"),
        arg("--from", dest="start", type=_DATE, help="开始日期 YYYY-MM-DD"),
        arg("--to", dest="end", type=_DATE, help="结束日期 YYYY-MM-DD"), _XLSX_OUT, _MASK)),
    Command("export-package", "把一年的台账、签到表、会议记录和附件写到U盘（或任一文件夹）",
            cmd_export_package, (
                _THIS_YEAR, arg("-o", "--output", type=Path, required=True, help="U盘或文件夹"),
                arg("--no-mask", dest="mask", action="store_false",
                    help="不隐藏身份证号、出生日期、电话和住址等个人信息（默认隐藏：U盘会带出办公室）"))),
    Command("meetings", "列出会议记录", cmd_meetings, (
        _ANY_YEAR, arg("--kind", help="会议类型，如 支部党员大会、支委会、党小组会、党课、组织生活会"))),
    Command("talks", "列出谈心谈话记录", cmd_talks, (_ANY_YEAR,)),
    Command("theme-days", "列出主题党日记录", cmd_theme_days, (_ANY_YEAR,)),
    Command("signin-sheet", "把某次会议的签到表写成 PDF", cmd_signin, (_MEETING_ID, _PDF_OUT)),
    Command("minutes", "把某次会议的会议记录写成 PDF", cmd_minutes, (_MEETING_ID, _PDF_OUT)),
    Command("check", "检查某年度各项工作的完成情况", cmd_check, (
        _THIS_YEAR, arg("--as-of", type=_DATE, help="按哪一天检查 YYYY-MM-DD（默认今天）"),
        arg("--json", action="store_true", help="以 JSON 输出"))),
    Command("recruits", "列出发展党员工作：各人所处阶段、下一步及期限", cmd_recruits, (
        arg("--as-of", type=_DATE, help="按哪一天计算期限 YYYY-MM-DD（默认今天）"),
        arg("--json", action="store_true", help="以 JSON 输出"))),
    Command("backup", "备份数据文件（默认写入数据目录下的 backups 文件夹）", cmd_backup,
            (arg("-o", "--output", type=Path, help="备份到这个文件夹（如U盘）"),)),
    Command("restore", "用备份文件恢复数据（原文件先另存为备份）", cmd_restore,
            (arg("file", type=Path, metavar="备份文件", help="要恢复的备份文件"),)),
    Command("verify", "检查数据文件是否完好，并列出记录数", cmd_verify),
    Command("password", "设置、修改或取消密码（设置后数据文件和备份都加密保存）", cmd_password, (
        arg("action", choices=("set", "change", "remove", "reset"), metavar="操作",
            help="set 设置密码，change 修改密码，remove 取消密码，reset 忘记密码时用恢复密钥设置新密码"),
        arg("--new-password-file", type=Path, metavar="文件",
            help=f"从这个文件读取新密码（UTF-8；也可用环境变量 {NEW_PASSWORD_ENV}）"),
        arg("--recovery-key-file", type=Path, metavar="文件",
            help=f"reset：从这个文件读取恢复密钥（也可用环境变量 {RECOVERY_ENV}）"))),
)
_BY_NAME = {command.name: command for command in COMMANDS}
