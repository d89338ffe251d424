"""导出到U盘: pick a stick (or any folder) and a year; write the package with progress.

The PDF forms are painted in the worker thread of ``run_with_progress``: QPdfWriter and
QPainter may be used off the GUI thread (no widgets or pixmaps are involved), and the print
font is chosen on the GUI thread first (``pdf_writers``), so the worker never registers fonts.
Tried with the demo branch: 116 forms paint in the worker without warnings and the window
stays responsive.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from branchdesk.core import drives, package
from branchdesk.core.files import size_text
from branchdesk.core.drives import Drive
from branchdesk.core.package import CANCELLED_TEXT, PackagePlan, PdfWriters, write_package
from branchdesk.ui.folders import show_done
from branchdesk.ui.errors import confirm, show_error
from branchdesk.ui.tasks import Cancelled, run_with_progress
from branchdesk.ui.widgets import DialogButtons, dialog_buttons

MASK_NOTE = "U盘会带出办公室，建议隐藏。不隐藏时，台账中含完整的身份证号和电话号码。"
NO_DRIVE = "未发现U盘：请插入U盘后点“刷新”，或选择其他文件夹"
WARNING_STYLE = "color: #b00020;"


def pdf_writers() -> PdfWriters:
    """The Qt painters of the printed forms; the print font is chosen here, on the GUI thread,
    before a worker thread paints with it."""
    from branchdesk.ui.print.layout import print_font
    from branchdesk.ui.print.minutes import minutes_pdf
    from branchdesk.ui.print.signin import signin_pdf

    print_font(12)
    return PdfWriters(signin=signin_pdf, minutes=minutes_pdf)


class PackageDialog(QDialog):
    """Writes the U盘台账包; ``result`` is the PackageResult after a successful exec()."""

    def __init__(self, db, parent=None, *, today: date | None = None,
                 find_drives: Callable[[], list[Drive]] = drives.removable_drives):
        super().__init__(parent)
        self.db, self.today, self.find_drives = db, today, find_drives
        self.folders: list[Path] = []  # chosen with 其他文件夹…, kept across 刷新
        self.plans: dict[int, PackagePlan] = {}
        self.result: package.PackageResult | None = None
        self.setWindowTitle("导出到U盘")
        layout = QVBoxLayout(self)
        layout.addLayout(self._form())
        layout.addWidget(self._buttons())
        self.refresh_drives()
        self.resize(640, 0)

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow("写入到：", self._target_row())
        self.year = QSpinBox()
        this_year = (self.today or date.today()).year
        self.year.setRange(2000, this_year + 1)
        self.year.setValue(this_year)
        self.year.setSuffix(" 年")
        self.year.valueChanged.connect(self.update_info)
        form.addRow("年度：", self.year)
        form.addRow("个人信息：", self._mask_box())
        self.folder_label, self.size_label = self._info_label(), self._info_label()
        form.addRow("文件夹：", self.folder_label)
        form.addRow("大小：", self.size_label)
        return form

    def _target_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.targets = QComboBox()
        self.targets.currentIndexChanged.connect(self.update_info)
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh_drives)
        other = QPushButton("其他文件夹…")
        other.clicked.connect(self.choose_folder)
        row.addWidget(self.targets, 1)
        row.addWidget(refresh)
        row.addWidget(other)
        return row

    def _mask_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.mask = QCheckBox("隐藏身份证号、出生日期、电话和住址等个人信息")
        self.mask.setChecked(True)
        note = QLabel(MASK_NOTE)
        note.setWordWrap(True)
        layout.addWidget(self.mask)
        layout.addWidget(note)
        return box

    def _info_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        return label

    def _buttons(self) -> DialogButtons:
        buttons = dialog_buttons(self, "开始导出", "关闭", on_accept=self.start)
        self.start_button = buttons.accept_button
        return buttons

    # ------------------------------------------------------------ targets
    def refresh_drives(self, select: Path | None = None) -> None:
        """List the sticks plugged in now, then the folders chosen before; keep the choice."""
        chosen = select or getattr(self.current_drive(), "path", None)
        found = self.find_drives() + [d for f in self.folders if (d := drives.folder_drive(f))]
        self.targets.blockSignals(True)
        self.targets.clear()
        for drive in found:
            self.targets.addItem(drive.display, drive)
        self.targets.setPlaceholderText("未发现U盘")  # what to do is said once, below
        paths = [drive.path for drive in found]
        self.targets.setCurrentIndex(paths.index(chosen) if chosen in paths else
                                     (0 if paths else -1))
        self.targets.blockSignals(False)
        self.update_info()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择导出到哪个文件夹", str(Path.home()))
        if folder:
            if Path(folder) not in self.folders:
                self.folders.append(Path(folder))
            self.refresh_drives(select=Path(folder))

    def current_drive(self) -> Drive | None:
        index = self.targets.currentIndex()
        return self.targets.itemData(index) if index >= 0 else None

    # ------------------------------------------------------------ what will be written
    def plan(self) -> PackagePlan:
        year = self.year.value()
        if year not in self.plans:
            self.plans[year] = package.plan_package(self.db, year)
        return self.plans[year]

    def update_info(self) -> None:
        drive, plan = self.current_drive(), self.plan()
        self.start_button.setEnabled(drive is not None and not drive.read_only)
        if drive is None:
            self.folder_label.setText(NO_DRIVE)
            self.size_label.setText(f"约 {size_text(plan.estimated_bytes)}")
            return
        self.folder_label.setText(self._folder_text(drive, plan))
        warning = self.space_warning(drive, plan)
        self.size_label.setText(self._size_text(drive, plan) + (f"\n{warning}" if warning else ""))
        self.size_label.setStyleSheet(WARNING_STYLE if warning else "")

    def _folder_text(self, drive: Drive, plan: PackagePlan) -> str:
        folder = drive.path / plan.folder_name
        note = "（已存在：其中的文件将逐个替换，不会留下半个文件）" if folder.exists() else ""
        return f"{folder}{note}"

    def _size_text(self, drive: Drive, plan: PackagePlan) -> str:
        files = len(plan.items) + 2
        return (f"约 {size_text(plan.estimated_bytes)}（{files} 个文件），"
                f"剩余空间 {size_text(drive.free_bytes)}")

    def space_warning(self, drive: Drive, plan: PackagePlan) -> str:
        if drive.read_only:
            return "这个U盘是只读的（可能打开了写保护开关），不能写入。"
        if plan.estimated_bytes > drive.free_bytes + _existing_bytes(drive.path / plan.folder_name):
            return "空间可能不够：请先清理U盘，或换一个更大的U盘。"
        return ""

    # ------------------------------------------------------------ writing
    def start(self) -> None:
        drive = self.current_drive()
        if drive is None:
            return
        if self.space_warning(drive, self.plan()) and not confirm(
                self, "空间可能不够", "U盘的剩余空间可能不够。仍要导出吗？", "仍要导出"):
            return
        try:
            result = run_with_progress(self, "正在导出到U盘…", self.db.path, self._job(drive))
        except Cancelled:
            QMessageBox.information(self, "已取消", CANCELLED_TEXT)
            self.refresh_drives()
            return
        except Exception as exc:  # noqa: BLE001 - shown through the one error path
            show_error(self, exc)
            self.refresh_drives()
            return
        self.result = result
        title = "导出未全部完成" if result.failed else "导出完成"  # the summary names what failed
        show_done(self, title, result.summary(), result.folder)
        self.accept()

    def _job(self, drive: Drive) -> Callable:
        """What the worker thread runs: only plain values cross into it."""
        year, mask, today = self.year.value(), self.mask.isChecked(), self.today
        writers = pdf_writers()
        return lambda db, report: write_package(db, drive.path, year, mask=mask,
                                                pdf_writers=writers, progress=report, today=today)


def _existing_bytes(folder: Path) -> int:
    """An older package is replaced file by file, so its space counts as free."""
    try:
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    except OSError:
        return 0
