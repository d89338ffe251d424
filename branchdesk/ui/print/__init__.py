"""Printed forms: the 签到表 (sign-in sheet) and the 会议记录 (minutes page).

What goes on them is decided in ``branchdesk.core.printing`` (no Qt); this package paints it
on A4 portrait, on a QPdfWriter (``write_*_pdf``) or a QPrinter (``preview_*``).

* ``layout``  – page geometry, the print font, two-pass pagination, "第 N 页 共 M 页";
* ``signin`` / ``minutes`` – the two forms (``paint_*`` on any paged device, ``write_*_pdf``);
* ``pdf``     – atomic PDF writing with a Chinese ExportError;
* ``preview`` – QPrintPreviewDialog with 打印 and 另存为PDF…;
* ``export``  – meeting id → PDF for the command line (creates a QGuiApplication if needed).
"""

from branchdesk.ui.print.export import export_minutes_pdf, export_signin_pdf  # noqa: E402

__all__ = ["export_minutes_pdf", "export_signin_pdf"]
