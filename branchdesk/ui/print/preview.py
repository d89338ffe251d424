"""Print preview with 打印 and 另存为PDF, for any painting function of this package."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtGui import QAction, QPagedPaintDevice
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QToolBar, QWidget

from branchdesk.core.errors import BranchdeskError
from branchdesk.core.printing import MinutesPage, SignInSheet
from branchdesk.ui.folders import documents_dir, show_done
from branchdesk.ui.errors import show_error
from branchdesk.ui.print.layout import a4_portrait
from branchdesk.ui.print.minutes import paint_minutes
from branchdesk.ui.print.pdf import write_pdf
from branchdesk.ui.print.signin import paint_signin
from branchdesk.ui.widgets import fit_to_screen

PaintDevice = Callable[[QPagedPaintDevice], int]
SAVE_PDF = "另存为PDF…"


def preview_signin(parent: QWidget | None, sheet: SignInSheet, folder: Path | None = None) -> None:
    """Preview the sign-in sheet; the user prints it or saves it as a PDF."""
    preview_and_print(parent, lambda device: paint_signin(device, sheet), sheet.title, folder,
                      sheet.file_name)


def preview_minutes(parent: QWidget | None, page: MinutesPage, folder: Path | None = None) -> None:
    """Preview the minutes page; the user prints it or saves it as a PDF."""
    preview_and_print(parent, lambda device: paint_minutes(device, page), page.title, folder,
                      page.file_name)


def preview_and_print(parent: QWidget | None, paint: PaintDevice, title: str,
                      folder: Path | None = None, file_name: str = "") -> None:
    """Open the (modal) print preview of ``paint`` on A4 portrait.

    Its toolbar prints through the system print dialog (Chinese when the app has loaded the
    zh_CN translator) and has an extra 另存为PDF… action that suggests ``file_name`` (default
    ``title``.pdf) in ``folder`` (default: the documents folder) and confirms where it saved.
    """
    dialog = make_preview_dialog(parent, paint, title, folder, file_name)
    dialog.exec()
    dialog.deleteLater()


def make_preview_dialog(parent: QWidget | None, paint: PaintDevice, title: str,
                        folder: Path | None = None, file_name: str = "") -> QPrintPreviewDialog:
    """The preview dialog, not yet shown (tests drive it without exec())."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(a4_portrait())
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.printer_ref = printer  # the dialog does not own the printer; keep it alive
    dialog.setWindowTitle(f"打印预览 — {title}")
    dialog.paintRequested.connect(lambda device: _paint_or_report(dialog, paint, device))
    suggested = (folder or documents_dir()) / (file_name or f"{title}.pdf")
    _add_save_action(dialog, paint, title, suggested)
    fit_to_screen(dialog, 900, 1000)
    return dialog


def _paint_or_report(dialog: QWidget, paint: PaintDevice, device: QPagedPaintDevice) -> None:
    try:
        paint(device)
    except BranchdeskError as err:
        show_error(dialog, err)


def _add_save_action(dialog: QPrintPreviewDialog, paint: PaintDevice, title: str,
                     suggested: Path) -> QAction:
    action = QAction(SAVE_PDF, dialog)
    action.setToolTip("把这份文件保存为PDF，可发送或以后打印")
    action.triggered.connect(lambda: save_pdf_as(dialog, paint, title, suggested))
    toolbar = dialog.findChild(QToolBar)
    if toolbar is not None:
        toolbar.addSeparator()
        toolbar.addAction(action)
    else:  # pragma: no cover - Qt's preview dialog always has its toolbar
        dialog.addAction(action)
    return action


def save_pdf_as(parent: QWidget | None, paint: PaintDevice, title: str,
                suggested: Path) -> Path | None:
    """Ask where to save (starting at ``suggested``), write the PDF and say where it went;
    the path written, or None if cancelled or failed."""
    name, _ = QFileDialog.getSaveFileName(parent, "另存为PDF", str(suggested), "PDF 文件 (*.pdf)")
    if not name:
        return None
    path = Path(name) if name.lower().endswith(".pdf") else Path(name + ".pdf")
    try:
        pages = write_pdf(path, paint, title)
    except BranchdeskError as err:
        show_error(parent, err)
        return None
    show_done(parent, "已保存为PDF", f"已保存（共 {pages} 页）：\n{path}", path.parent)
    return path
