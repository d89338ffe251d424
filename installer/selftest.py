"""Frozen self-test: build the one-folder app and the .deb, then use them as a person would.

    python installer/selftest.py              # build everything, test, write dist/selftest-report.json
    python installer/selftest.py --no-build   # reuse dist/branchdesk and dist/bare_window
    python installer/selftest.py --no-deb     # skip the .deb (Windows: build.ps1 runs it so)

Run from the repository root with the project's virtualenv (it needs PyInstaller and openpyxl:
``pip install ".[build]"``). CI runs it after the test suite (see .ci/run).

What it proves, for the frozen bundle and again for the app unpacked from the .deb:
- every headless subcommand runs from the bundle (nothing the code imports lazily was left out):
  demo, import-members (a roster made here with openpyxl), export-members, meetings, check (exit 3
  is expected: the demo branch has findings on purpose), signin-sheet and minutes (real PDFs), and
  export-ledger / talks / theme-days when this version has them;
- the window opens offscreen, the Chinese Qt translation loads, and the app quits cleanly;
- portable mode: with a `data` folder next to the executable the database lands there.
It also measures the bundle size and the start-up time against a bare PySide6 window frozen the
same way (installer/bare_window.spec), and writes the figures to dist/selftest-report.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
MARKER = re.compile(r"BRANCHDESK_SELFTEST window-shown ([\d.]+) visible=(\w+) translators=(\d+)")
GUI_QUIT_MS = 1500
START_RUNS = 5  # start-up time: median of this many warm starts (the first, cold one is reported apart)


class SelfTestError(Exception):
    pass


def step(text: str) -> None:
    print(f"--- {text}", flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestError(message)


# ------------------------------------------------------------------------------------ building

def pyinstaller(spec: str) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(WORK), str(ROOT / "installer" / spec)],
                   cwd=ROOT, check=True)
    return time.monotonic() - started


def build_deb(bundle: Path) -> Path:
    out = subprocess.run(["bash", str(ROOT / "installer" / "linux" / "build_deb.sh"), str(bundle),
                          str(DIST)], cwd=ROOT, check=True, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    return Path(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------- running the app

def base_env(home: Path | None) -> dict:
    """Offscreen Qt, and a data folder in the temp dir: the test never touches the real one."""
    env = {k: v for k, v in os.environ.items() if k not in ("BRANCHDESK_HOME", "DISPLAY",
                                                            "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["LANG"] = env.get("LANG") or "C.UTF-8"
    if home is not None:
        env["BRANCHDESK_HOME"] = str(home)
    return env


def run(exe: Path, *args, env: dict, ok=(0,), timeout: int = 120) -> str:
    result = subprocess.run([str(exe), *map(str, args)], env=env, capture_output=True, timeout=timeout)
    out = result.stdout.decode("utf-8", "replace")
    err = result.stderr.decode("utf-8", "replace")
    if result.returncode not in ok:
        raise SelfTestError(f"{exe.name} {' '.join(map(str, args))} exited {result.returncode}\n"
                            f"stdout:\n{out}\nstderr:\n{err}")
    return out


def non_empty(path: Path, magic: bytes = b"") -> None:
    check(path.is_file() and path.stat().st_size > 0, f"{path} was not written")
    if magic:
        check(path.read_bytes()[:len(magic)] == magic, f"{path} does not start with {magic!r}")


def id_number(first17: str) -> str:
    """GB 11643 check character, so the test roster holds valid (fictional) ID numbers."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


def write_roster(path: Path) -> list[str]:
    import openpyxl

    names = ["测试甲", "测试乙", "测试丙"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "党员名册"
    sheet.append(["某某党支部党员花名册"])  # a title row above the header, as real rosters have
    sheet.append(["序号", "姓名", "性别", "公民身份号码", "人员类别", "所在党小组", "入党日期", "转正日期"])
    sheet.append([1, names[0], "男", id_number("11010519800101001"), "正式", "第一党小组", "2001.07", "2002.07"])
    sheet.append([2, names[1], "女", id_number("11010519820315002"), "正式", "第一党小组", "2005-06-01", "2006-06-01"])
    sheet.append([3, names[2], "男", id_number("44052419900720003"), "预备", "第二党小组", "2026-03-01", None])
    book.save(path)
    return names


def smoke(exe: Path, tmp: Path) -> dict:
    """Every headless subcommand once, with its output checked. Returns what ran."""
    import openpyxl

    env = base_env(tmp / "home")
    help_text = run(exe, "--help", env=env)
    demo = tmp / "demo.sqlite3"
    run(exe, "demo", "--db", demo, env=env)
    non_empty(demo)

    listing = run(exe, "meetings", "--db", demo, env=env)
    ids = re.findall(r"^(\d+)\t", listing, re.M)
    check(bool(ids), f"`meetings` listed no meeting:\n{listing}")
    meeting = ids[0]
    run(exe, "signin-sheet", meeting, "-o", tmp / "s.pdf", "--db", demo, env=env)
    non_empty(tmp / "s.pdf", b"%PDF")
    run(exe, "minutes", meeting, "-o", tmp / "m.pdf", "--db", demo, env=env)
    non_empty(tmp / "m.pdf", b"%PDF")
    # Exit 3 = findings; the demo branch has gaps on purpose.
    report = run(exe, "check", "--db", demo, env=env, ok=(0, 3))
    check("缺项" in report, f"`check` printed no summary:\n{report}")

    branch = tmp / "branch.sqlite3"
    names = write_roster(tmp / "roster.xlsx")
    out = run(exe, "import-members", tmp / "roster.xlsx", "--db", branch, env=env)
    check(f"新增 {len(names)} 人" in out, f"import did not add {len(names)} members:\n{out}")
    run(exe, "export-members", "-o", tmp / "roll.xlsx", "--db", branch, env=env)
    non_empty(tmp / "roll.xlsx", b"PK")
    cells = {c.value for row in openpyxl.load_workbook(tmp / "roll.xlsx").active.iter_rows() for c in row}
    check(set(names) <= cells, "exported roster lacks the imported names")

    ran = ["demo", "meetings", "signin-sheet", "minutes", "check", "import-members", "export-members"]
    # Subcommands other helpers are adding: test them when this build has them.
    if "export-ledger" in help_text:
        year = re.search(r"^\d+\t(\d{4})-", listing, re.M).group(1)
        run(exe, "export-ledger", "--year", year, "-o", tmp / "ledger.xlsx", "--db", demo, env=env)
        non_empty(tmp / "ledger.xlsx", b"PK")
        ran.append("export-ledger")
    for listing_command in ("talks", "theme-days"):
        if re.search(rf"\b{listing_command}\b", help_text):
            run(exe, listing_command, "--db", demo, env=env)
            ran.append(listing_command)
    check(not (tmp / "home" / "branchdesk.sqlite3").exists(), "--db was ignored")
    ran += encrypted(exe, tmp, demo, env)
    return {"subcommands": ran, "demo_db": str(demo)}


def encrypted(exe: Path, tmp: Path, demo: Path, env: dict) -> list[str]:
    """SQLCipher and cryptography work frozen: a copy of the demo branch gets a password, is
    encrypted on disk, opens with the password (file and environment) and refuses a wrong one."""
    branch = tmp / "encrypted.sqlite3"
    shutil.copy(demo, branch)
    password = tmp / "password.txt"
    password.write_text("自测密码2026\n", encoding="utf-8")
    out = run(exe, "password", "set", "--db", branch, "--new-password-file", password, env=env)
    check("恢复密钥" in out, f"`password set` printed no recovery key:\n{out}")
    check(not branch.read_bytes().startswith(b"SQLite format 3"), "the branch was not encrypted")
    check((tmp / "encrypted.sqlite3.key").is_file(), "no key file beside the encrypted branch")
    report = run(exe, "verify", "--db", branch, "--password-file", password, env=env)
    check("完好" in report, f"`verify` of the encrypted branch:\n{report}")
    listing = run(exe, "meetings", "--db", branch, env=dict(env, BRANCHDESK_PASSWORD="自测密码2026"))
    check(re.search(r"^\d+\t", listing, re.M) is not None, "no meeting listed from the encrypted file")
    run(exe, "meetings", "--db", branch, env=dict(env, BRANCHDESK_PASSWORD="wrong"), ok=(2,))
    run(exe, "backup", "--db", branch, "--password-file", password, env=env)
    run(exe, "password", "remove", "--db", branch, "--password-file", password, env=env)
    check(branch.read_bytes().startswith(b"SQLite format 3"), "`password remove` left it encrypted")
    return ["password set", "verify (encrypted)", "meetings (encrypted)", "backup (encrypted)",
            "password remove"]


def guide_files(bundle: Path) -> dict:
    """The 使用说明 (F1) and every picture it shows are in the bundle."""
    folder = next(bundle.rglob("resources/help"), None)
    check(folder is not None and (folder / "index.html").is_file(), "resources/help/index.html missing")
    pictures = re.findall(r'<img src="([^"]+)"', (folder / "index.html").read_text(encoding="utf-8"))
    missing = [name for name in pictures if not (folder / name).is_file()]
    check(pictures and not missing, f"pictures of the guide missing from the bundle: {missing}")
    return {"guide_pictures": len(pictures)}


def start_gui(exe: Path, env: dict, *args) -> tuple[float, int]:
    """Start the window offscreen; it quits itself. Returns (seconds from spawn to window shown,
    number of Qt translators loaded)."""
    env = dict(env, BRANCHDESK_SELFTEST_QUIT_MS=str(GUI_QUIT_MS))
    started = time.time()
    result = subprocess.run([str(exe), *map(str, args)], env=env, capture_output=True, timeout=60)
    out = result.stdout.decode("utf-8", "replace")
    check(result.returncode == 0, f"{exe.name} GUI exited {result.returncode}\n{out}\n"
                                  f"{result.stderr.decode('utf-8', 'replace')}")
    found = MARKER.search(out)
    check(found is not None, f"{exe.name}: the window was never shown\n{out}")
    check(found.group(2) == "True", f"{exe.name}: window not visible")
    return float(found.group(1)) - started, int(found.group(3))


def gui(exe: Path, tmp: Path, demo_db: str) -> dict:
    env = base_env(tmp / "home")
    _, translators = start_gui(exe, env, "--db", demo_db)
    check(translators >= 2, "the Chinese Qt translations (Qt's qtbase_zh_CN and "
                            "resources/translations/branchdesk_qtbase_zh_CN) did not both load")
    return {"window_shown": True, "qt_translators": translators}


def portable(exe: Path, tmp: Path) -> dict:
    """A `data` folder next to the executable takes the database (portable mode on a USB stick)."""
    data = exe.parent / "data"
    check(not data.exists(), f"{data} already exists; remove it")
    data.mkdir()
    try:
        env = base_env(None)
        # Where the per-user folder would be, so a miss shows up here and not in the real home.
        env["XDG_DATA_HOME"] = str(tmp / "xdg")
        run(exe, "demo", env=env)
        non_empty(data / "demo-branch.sqlite3")  # the demo's own file, beside the real one
        check(not (tmp / "xdg" / "BranchDesk").exists(), "portable mode also wrote the user folder")
        check((data / "logs").is_dir(), "portable mode: logs are not in data/")
    finally:
        shutil.rmtree(data)
    return {"portable_data_dir": True}


def start_times(exe: Path, tmp: Path, *args) -> dict:
    env = base_env(tmp / "home")
    times = [start_gui(exe, env, *args)[0] for _ in range(START_RUNS + 1)]
    return {"first_s": round(times[0], 3), "median_s": round(statistics.median(times[1:]), 3),
            "runs_s": [round(t, 3) for t in times]}


# ------------------------------------------------------------------------------------ measuring

def tree_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def biggest(path: Path, count: int = 12) -> list:
    files = [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    files.sort(key=lambda p: p.stat().st_size, reverse=True)
    return [[str(p.relative_to(path)), round(p.stat().st_size / 2**20, 1)] for p in files[:count]]


def size_by_part(bundle: Path) -> dict:
    internal = bundle / "_internal"
    parts = {"Qt libraries (PySide6/Qt/lib)": internal / "PySide6" / "Qt" / "lib",
             "Qt plugins": internal / "PySide6" / "Qt" / "plugins",
             "PySide6/shiboken bindings": None, "resources (font, icons)": internal / "resources",
             "Python stdlib extensions (lib-dynload)": None}
    out = {}
    for name, path in parts.items():
        if path is not None and path.exists():
            out[name] = round(tree_size(path) / 2**20, 1)
    bindings = sum(p.stat().st_size for p in (internal / "PySide6").glob("*.so*")) + sum(
        p.stat().st_size for p in (internal / "shiboken6").glob("*.so*"))
    out["PySide6/shiboken bindings"] = round(bindings / 2**20, 1)
    dynload = next(internal.glob("python3*/lib-dynload"), None)
    if dynload:
        out["Python stdlib extensions (lib-dynload)"] = round(tree_size(dynload) / 2**20, 1)
    return out


# -------------------------------------------------------------------------------------- the .deb

def check_deb(deb: Path, tmp: Path) -> Path:
    info = subprocess.run(["dpkg-deb", "--info", str(deb)], check=True, capture_output=True,
                          text=True).stdout
    contents = subprocess.run(["dpkg-deb", "--contents", str(deb)], check=True,
                              capture_output=True, text=True).stdout
    appid = re.search(r"^ Package: (\S+)", info, re.M).group(1)
    for field in ("Version", "Architecture", "Depends", "Installed-Size"):
        check(f" {field}: " in info, f".deb control has no {field}")
    outside = [line for line in contents.splitlines()
               if not re.search(r" \./(opt/|opt/apps/|opt/apps/%s/.*)?$" % re.escape(appid), line)]
    check(not outside, "UOS layout: files outside /opt/apps/<appid>:\n" + "\n".join(outside[:5]))
    check(all(" root/root " in line for line in contents.splitlines()), "files not owned by root")
    root = tmp / "deb-root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    app = root / "opt" / "apps" / appid
    meta = json.loads((app / "info").read_text(encoding="utf-8"))
    check(meta["appid"] == appid and meta["name"] == "党支部工作台账", f"info: {meta}")
    desktop = (app / "entries" / "applications" / f"{appid}.desktop").read_text(encoding="utf-8")
    check("Name[zh_CN]=党支部工作台账" in desktop, "desktop file lacks Name[zh_CN]")
    check(f"Exec=/opt/apps/{appid}/files/branchdesk" in desktop, "desktop Exec path")
    for size in (16, 32, 48, 64, 128, 256):
        non_empty(app / "entries" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{appid}.png",
                  b"\x89PNG")
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(app / "entries" / "applications" /
                                                     f"{appid}.desktop")], check=True)
    return app / "files" / "branchdesk"


# ------------------------------------------------------------------------------------------ main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="reuse dist/branchdesk")
    parser.add_argument("--no-deb", action="store_true", help="skip building and testing the .deb")
    args = parser.parse_args()
    report: dict = {"platform": sys.platform}
    bundle, bare = DIST / "branchdesk", DIST / "bare_window"
    if not args.no_build:
        step("PyInstaller: branchdesk")
        report["build_s"] = round(pyinstaller("branchdesk.spec"), 1)
        step("PyInstaller: bare window")
        pyinstaller("bare_window.spec")
    # On Windows branchdesk.exe is a GUI program without stdout; its console twin runs the same
    # code and prints, so the test drives that one.
    exe = bundle / ("branchdesk-cli.exe" if sys.platform == "win32" else "branchdesk")
    bare_exe = bare / ("bare_window.exe" if sys.platform == "win32" else "bare_window")

    with tempfile.TemporaryDirectory(prefix="branchdesk-selftest-") as tmp_name:
        tmp = Path(tmp_name)
        step("frozen app: subcommands")
        report["bundle"] = smoke(exe, tmp / "bundle")
        step("frozen app: the 使用说明 and its pictures")
        report["bundle"].update(guide_files(bundle))
        step("frozen app: window")
        report["bundle"].update(gui(exe, tmp / "bundle", report["bundle"]["demo_db"]))
        step("frozen app: portable data folder")
        report["bundle"].update(portable(exe, tmp / "portable"))
        step("start-up time: branchdesk vs bare PySide6 window")
        app_start = start_times(exe, tmp / "bundle", "--db", report["bundle"]["demo_db"])
        bare_start = start_times(bare_exe, tmp / "bundle")
        report["start"] = {"branchdesk": app_start, "bare_window": bare_start,
                           "ratio": round(app_start["median_s"] / bare_start["median_s"], 2)}
        report["size"] = {"bundle_mib": round(tree_size(bundle) / 2**20, 1),
                          "bare_window_mib": round(tree_size(bare) / 2**20, 1),
                          "by_part_mib": size_by_part(bundle), "biggest_files_mib": biggest(bundle)}
        if not args.no_deb:
            step("building the .deb")
            started = time.monotonic()
            deb = build_deb(bundle)
            report["deb"] = {"file": deb.name, "mib": round(deb.stat().st_size / 2**20, 1),
                             "build_s": round(time.monotonic() - started, 1)}
            step(f"checking and unpacking {deb.name}")
            deb_exe = check_deb(deb, tmp)
            step("app from the .deb: subcommands, window, portable folder")
            smoke_deb = smoke(deb_exe, tmp / "deb")
            smoke_deb.update(gui(deb_exe, tmp / "deb", smoke_deb["demo_db"]))
            smoke_deb.update(portable(deb_exe, tmp / "deb-portable"))
            report["deb"]["smoke"] = smoke_deb
    for part in ("bundle", "deb"):
        if isinstance(report.get(part), dict):
            report[part].pop("demo_db", None)
            report[part].get("smoke", {}).pop("demo_db", None)
    (DIST / "selftest-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2),
                                               encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("size", "start", "deb") if k in report},
                     ensure_ascii=False, indent=2))
    print("selftest: all frozen checks passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (SelfTestError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"selftest FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
