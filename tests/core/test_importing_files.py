"""Files that cannot be imported are refused quickly, clearly, and without touching the data."""

from __future__ import annotations

import os
import random
import time
import zipfile

import openpyxl
import pytest

from branchdesk.core import idcard
from branchdesk.core.errors import ImportFileError
from branchdesk.core.importing import files, plan_file, read_table

ID_A = idcard.make_valid("11010519800101001")


def good_xlsx(path):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "公民身份号码"])
    book.active.append(["张三", ID_A])
    book.save(path)
    return path


def rewrite_zip(path, replace: dict[str, bytes]):
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts.update(replace)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def truncated(path):
    data = good_xlsx(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def random_bytes(path):
    # Seeded: os.urandom once began with bytes that read as the start of an HTML page
    path.write_bytes(random.Random(20261204).randbytes(20_000))
    return path


def empty(path):
    path.write_bytes(b"")
    return path


def csv_renamed(path):
    path.write_bytes("姓名,公民身份号码\n张三,11010519800101001X\n".encode("gb18030"))
    return path


def html_renamed(path):
    path.write_bytes(b"<html><body><table><tr><td>\xe5\xa7\x93\xe5\x90\x8d</td></tr></table>")
    return path


def zip_bomb(path):
    # 64 MB of zeros deflates to about 64 KB: far above the allowed ratio.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * 2**20
            for _ in range(64):
                member.write(chunk)
    return path


def word_document(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path


def ods_document(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def encrypted(path):
    # What Excel writes for a password-protected .xlsx: an OLE compound file whose directory
    # names an "EncryptedPackage" stream. Only the parts the reader looks at are imitated.
    sector = bytearray(512)
    name = "EncryptedPackage".encode("utf-16-le")
    sector[: len(name)] = name
    path.write_bytes(files.OLE_MAGIC + bytes(504) + bytes(sector) + os.urandom(4096))
    return path


def damaged_xml(path):
    return rewrite_zip(good_xlsx(path), {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"})


def huge_dimension(path):
    good_xlsx(path)
    with zipfile.ZipFile(path) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    return rewrite_zip(path, {"xl/worksheets/sheet1.xml":
                              sheet.replace(b'ref="A1:B2"', b'ref="A1:B900000"')})


def xml_entities(path):
    # "Billion laughs": nested entities that expand exponentially; defusedxml refuses them.
    good_xlsx(path)
    with zipfile.ZipFile(path) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    doctype = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
               b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    return rewrite_zip(path, {"xl/worksheets/sheet1.xml":
                              doctype + sheet.replace("张三".encode(), b"&b;")})


@pytest.mark.parametrize("make, name, message", [
    (truncated, "roster.xlsx", "不完整或已损坏"),
    (random_bytes, "roster.xlsx", "不是 Excel 工作簿"),
    (empty, "roster.xlsx", "是空的"),
    (csv_renamed, "roster.xlsx", "文本（CSV）格式"),
    (csv_renamed, "roster.xls", "文本（CSV）格式"),
    (html_renamed, "roster.xls", "网页（HTML）"),
    (zip_bomb, "roster.xlsx", "压缩比异常"),
    (word_document, "roster.xlsx", "Word/PowerPoint"),
    (ods_document, "roster.xlsx", "ODS"),
    (encrypted, "roster.xlsx", "设置了打开密码"),
    (damaged_xml, "roster.xlsx", "不完整或已损坏"),
    (huge_dimension, "roster.xlsx", "远超党员名册的规模"),
    (xml_entities, "roster.xlsx", "不完整或已损坏"),
])
def test_unreadable_file_is_refused_quickly_and_the_database_is_untouched(
        tmp_path, fresh_db, db_path, make, name, message):
    path = make(tmp_path / name)
    before = db_path.read_bytes()
    started = time.monotonic()
    with pytest.raises(ImportFileError, match=message) as caught:
        plan_file(fresh_db, path)
    assert time.monotonic() - started < 5
    assert path.name in str(caught.value) or "工作表" in str(caught.value)
    assert "另存为 .xlsx" in str(caught.value)
    assert db_path.read_bytes() == before


def test_too_large_uncompressed_total_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_UNCOMPRESSED", 10_000)
    path = good_xlsx(tmp_path / "roster.xlsx")
    rewrite_zip(path, {"xl/media/picture.bin": os.urandom(20_000)})
    with pytest.raises(ImportFileError, match="解压后过大"):
        read_table(path)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(ImportFileError, match="找不到文件"):
        read_table(tmp_path / "nowhere.xlsx")


def test_xlsx_renamed_to_xls_is_read_by_content(tmp_path):
    path = good_xlsx(tmp_path / "roster.xlsx").rename(tmp_path / "roster.xls")
    table = read_table(path)
    assert table.rows == [["姓名", "公民身份号码"], ["张三", ID_A]]


def test_unknown_sheet_name_is_reported(tmp_path):
    with pytest.raises(ImportFileError, match="没有名为“别的表”的工作表"):
        read_table(good_xlsx(tmp_path / "roster.xlsx"), sheet="别的表")


def test_formatted_rows_far_below_the_data_are_not_walked(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "EMPTY_RUN_LIMIT", 50)
    book = openpyxl.Workbook()
    book.active.append(["姓名"])
    book.active.append(["张三"])
    book.active.cell(row=5000, column=1, value="远处的杂项")
    book.save(tmp_path / "roster.xlsx")
    assert read_table(tmp_path / "roster.xlsx").rows == [["姓名"], ["张三"]]


def test_too_many_filled_rows_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_DATA_ROWS", 10)
    book = openpyxl.Workbook()
    for index in range(40):
        book.active.append([f"姓名{index}"])
    book.save(tmp_path / "roster.xlsx")
    with pytest.raises(ImportFileError, match="远超党员名册的规模"):
        read_table(tmp_path / "roster.xlsx")


@pytest.mark.parametrize("data_rows, refused", [(10, False), (11, True)])
def test_the_data_row_limit_counts_rows_below_the_header(tmp_path, monkeypatch, fresh_db,
                                                         data_rows, refused):
    from branchdesk.core.importing import plan_file

    monkeypatch.setattr(files, "MAX_DATA_ROWS", 10)
    book = openpyxl.Workbook()
    book.active.append(["党员名册"])
    book.active.append(["姓名", "人员类别"])
    for index in range(data_rows):
        book.active.append([f"张{index}", "正式党员"])
    book.save(tmp_path / "roster.xlsx")
    if refused:
        with pytest.raises(ImportFileError, match="表头下有 11 行数据"):
            plan_file(fresh_db, tmp_path / "roster.xlsx")
    else:
        assert len(plan_file(fresh_db, tmp_path / "roster.xlsx").rows) == 10


def test_wrong_declared_dimension_does_not_hide_rows(tmp_path):
    # Some generators write <dimension ref="A1"/> whatever the size.
    path = good_xlsx(tmp_path / "roster.xlsx")
    with zipfile.ZipFile(path) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    rewrite_zip(path, {"xl/worksheets/sheet1.xml": sheet.replace(b'ref="A1:B2"', b'ref="A1"')})
    assert read_table(path).rows[1] == ["张三", ID_A]


def test_wide_sheets_are_cut_at_the_column_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_COLUMNS", 3)
    book = openpyxl.Workbook()
    book.active.append(["姓名", "性别", "民族", "籍贯", "学历"])
    book.save(tmp_path / "roster.xlsx")
    assert read_table(tmp_path / "roster.xlsx").rows == [["姓名", "性别", "民族"]]


def test_encrypted_legacy_xls_is_reported(tmp_path, monkeypatch):
    import xlrd

    def refuse(**_):
        raise xlrd.XLRDError("Workbook is encrypted")

    monkeypatch.setattr(xlrd, "open_workbook", refuse)
    path = tmp_path / "roster.xls"
    path.write_bytes(files.OLE_MAGIC + os.urandom(2048))
    with pytest.raises(ImportFileError, match="设置了打开密码"):
        read_table(path)


def test_ole_file_that_is_not_a_workbook_is_reported(tmp_path):
    path = tmp_path / "roster.xls"
    path.write_bytes(files.OLE_MAGIC + os.urandom(2048))
    with pytest.raises(ImportFileError):
        read_table(path)


def test_too_many_xml_elements_in_all_parts_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_ELEMENTS", 1_000)
    path = good_xlsx(tmp_path / "roster.xlsx")
    assert read_table(path).rows[1][0] == "张三"  # a roster well within the limit
    rewrite_zip(path, {"xl/sharedStrings.xml": b"<sst>" + b"<si><t>x</t></si>" * 600 + b"</sst>"})
    with pytest.raises(ImportFileError, match="内容太多"):
        read_table(path)


def test_a_sheet_stored_under_another_name_is_bounded_all_the_same(tmp_path, monkeypatch):
    """The relationships, not the part's name, make a part a worksheet."""
    monkeypatch.setattr(files, "MAX_ELEMENTS", 1_000)
    path = good_xlsx(tmp_path / "roster.xlsx")
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    row = b"<row>" + b"<c><v>1</v></c>" * 100 + b"</row>"
    parts["xl/data/s.xml"] = sheet.replace(b"</sheetData>", row * 20 + b"</sheetData>")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"worksheets/sheet1.xml", b"data/s.xml")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"/xl/worksheets/sheet1.xml", b"/xl/data/s.xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(ImportFileError, match="内容太多"):
        read_table(path)


def test_rows_of_invisible_characters_are_empty_rows_not_members(tmp_path, fresh_db):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "公民身份号码"])
    book.active.append(["\u202e三张", ID_A])
    for _ in range(5):
        book.active.append(["\u200b", "\ufeff\u2060"])
    book.save(tmp_path / "roster.xlsx")
    plan = plan_file(fresh_db, tmp_path / "roster.xlsx")
    assert [r.member.name for r in plan.accepted] == ["三张"] and not plan.rejected
