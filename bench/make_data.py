"""``python -m bench.make_data SIZE PATH``: write a generated branch (testdata/fakedata.py) to PATH."""

import sys
import time
from pathlib import Path

from testdata import fakedata


def main(size: str, path: str) -> int:
    started = time.perf_counter()
    db = fakedata.create(Path(path), size, overwrite=True)
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("members", "meetings", "attendance", "talks", "attachments")}
    db.close()
    print(f"   {size}: {counts} in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
