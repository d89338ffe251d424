"""A bare PySide6 window, frozen the same way as BranchDesk, as the yardstick for start-up time.

installer/selftest.py starts both with BRANCHDESK_SELFTEST_QUIT_MS set and compares the time from
process start to the window being shown: the ratio says how much of BranchDesk's start is its own
work (fonts, database, tabs) rather than Python + Qt loading, which no code change can remove.
"""

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare window"))
    window.resize(800, 600)
    window.show()
    quit_ms = os.environ.get("BRANCHDESK_SELFTEST_QUIT_MS")
    if quit_ms:  # the same hook and output as branchdesk/ui/app.py
        QTimer.singleShot(0, lambda: print(
            f"BRANCHDESK_SELFTEST window-shown {time.time():.3f} visible={window.isVisible()} "
            "translators=0", flush=True))
        QTimer.singleShot(int(quit_ms), app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
