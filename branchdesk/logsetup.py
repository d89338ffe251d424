"""The log file in the data folder. Never log personal data (names, ID numbers, phones)."""

from __future__ import annotations

import logging
import logging.handlers

from branchdesk import paths


def setup(verbose: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_branchdesk", False) for h in root.handlers):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    try:
        handler = logging.handlers.RotatingFileHandler(
            paths.log_dir() / "branchdesk.log", maxBytes=1_000_000, backupCount=3,
            encoding="utf-8")
    except OSError:  # no writable log folder (a read-only data folder): no log, rather than
        handler = logging.NullHandler()  # English log lines on the user's terminal
    handler._branchdesk = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
