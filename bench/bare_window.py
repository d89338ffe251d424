"""The start-up baseline: a bare PySide6 window with the app's five (empty) tabs.

Started exactly as the app is (a fresh interpreter, offscreen), it prints the same marker line
as the app's hidden BRANCHDESK_SELFTEST_QUIT_MS hook once shown, and quits after that many ms.
"""

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

TABS = ["工作台", "党员名册", "会议记录", "主题党日", "谈心谈话"]


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    tabs = QTabWidget()
    for title in TABS:
        tabs.addTab(QWidget(), title)
    window.setCentralWidget(tabs)
    window.resize(1280, 780)
    window.show()
    QTimer.singleShot(0, lambda: print(f"BRANCHDESK_SELFTEST window-shown {time.time():.3f} "
                                       f"visible={window.isVisible()}", flush=True))
    QTimer.singleShot(int(os.environ.get("BRANCHDESK_SELFTEST_QUIT_MS", "1000")), app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
