"""Qt's own dialogs speak Chinese, including strings qtbase_zh_CN.qm leaves in English."""

from PySide6.QtWidgets import QFileDialog, QLabel


def test_file_dialog_labels_are_chinese(app, qtbot, tmp_path):
    (tmp_path / "子文件夹").mkdir()
    dialog = QFileDialog(None, "导出花名册", str(tmp_path), "Excel 工作簿 (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    # Qt 6.11 writes "&Look in:" (ours translates it), 6.9 "Look in:" (qtbase_zh_CN does)
    assert labels["lookInLabel"] in ("查找范围(&L)：", "查找范围：")
    assert labels["fileTypeLabel"] in ("文件类型(&T)：", "文件类型：")
    assert labels["fileNameLabel"].startswith("文件名称")


def test_folder_type_is_chinese(app):
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "文件夹"
