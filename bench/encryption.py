"""Encryption at rest: opening an encrypted branch against the same branch unencrypted.

For the generated large (and stress) branch, one plain working copy and one encrypted with
``encryption.set_password`` (the real scrypt parameters). Measured in the same run:

* opening (``open_db``: the read-only quick_check of every page, the schema comparison, the
  connection the window keeps) with the key already unlocked, against the plain copy;
* reading the 工作台's data (``rules.report`` for the branch's last year), which reads most
  tables, against the plain copy;
* the KDF on its own: ``keys.unlock`` (scrypt of the password, then AES-GCM unwrap of the data
  key), paid once per start or unlock, whatever the branch's size;
* setting the password once (export → compare every row → swap), for the record.
"""

from __future__ import annotations

from datetime import date

from bench.common import Result, main_for, median_ms, print_results, seconds, working_copy

PASSWORD = "测试密码2026"


def run(repeat: int = 5, stress: bool = True) -> list[Result]:
    results = []
    for size in ("large", "stress") if stress else ("large",):
        results += _measure(size, repeat)
    print_results("Encrypted branch against the same branch unencrypted", results)
    return results


def _measure(size: str, repeat: int) -> list[Result]:
    from branchdesk.core import encryption, keys, rules
    from branchdesk.core.db import open_db

    plain, encrypted = working_copy(size), working_copy(size)
    set_s = seconds(lambda: encryption.set_password(encrypted, PASSWORD))
    year = _last_year(plain)

    def opened(path):
        return lambda: open_db(path).close()

    def report(path):
        def read():
            db = open_db(path)
            rules.report(db, year, date(year, 12, 31))
            db.close()
        return read

    results = [
        Result("encryption", f"open, {size}", median_ms(opened(encrypted), repeat), "ms",
               median_ms(opened(plain), repeat), "plain copy", "≤ 1.5×"),
        Result("encryption", f"open + 工作台 data, {size}", median_ms(report(encrypted), repeat),
               "ms", median_ms(report(plain), repeat), "plain copy", "≤ 1.5×"),
        Result("encryption", "unlock: scrypt + unwrap (any size)",
               median_ms(lambda: keys.unlock(encrypted, PASSWORD), repeat), "ms",
               goal="≤ 1000 ms", note="once per start or unlock"),
        Result("encryption", f"set password (export, compare, swap), {size}", set_s * 1000,
               "ms", goal="(once)", note=f"file {encrypted.stat().st_size / 2**20:.1f} MiB"),
    ]
    return results


def _last_year(path) -> int:
    from branchdesk.core.db import open_db

    db = open_db(path)
    try:
        last = db.execute("SELECT max(date) FROM meetings").fetchone()[0]
    finally:
        db.close()
    return int(last[:4]) if last else date.today().year


if __name__ == "__main__":
    raise SystemExit(main_for(run))
