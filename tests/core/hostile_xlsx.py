"""Hand-built .xlsx files whose parts are as large as an attacker likes (tests only)."""

import zipfile
CT = '''<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'''
RELS = '''<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'''
WB = '''<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'''
WBRELS = '''<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'''
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
def col(n):
    s = ""
    while n: n, r = divmod(n - 1, 26); s = chr(65 + r) + s
    return s
def write(path, sheet, strings, styles):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT); z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB); z.writestr("xl/_rels/workbook.xml.rels", WBRELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet); z.writestr("xl/sharedStrings.xml", strings)
        z.writestr("xl/styles.xml", styles)
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row>'
def sheet(rows): return f'<?xml version="1.0"?><worksheet {NS}><sheetData>{HEADER}{rows}</sheetData></worksheet>'
EMPTY_SS = f'<?xml version="1.0"?><sst {NS} count="0" uniqueCount="0"></sst>'
STYLES = f'<?xml version="1.0"?><styleSheet {NS}><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellXfs count="1"><xf/></cellXfs></styleSheet>'


def _sized(rows_for, target: int) -> str:
    parts, size, r = [], 0, 2
    while size < target:
        row = rows_for(r)
        parts.append(f'<row r="{r}">{row}</row>')
        size += len(row)
        r += 1
    return "".join(parts)


def wide_sheet(path, target: int):
    """A sheet of 16,000 numeric columns per row, ``target`` bytes of XML."""
    cells = lambda r: "".join(f'<c r="{col(c)}{r}"><v>{c * r}</v></c>' for c in range(1, 16001))
    write(path, sheet(_sized(cells, target)), EMPTY_SS, STYLES)
    return path


def many_strings(path, target: int):
    """A shared-strings table of ``target`` bytes of small distinct strings."""
    n = target // 18
    table = "".join(f"<si><t>{i:x}</t></si>" for i in range(n))
    write(path, sheet('<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
          f'<?xml version="1.0"?><sst {NS}>{table}</sst>', STYLES)
    return path


def many_styles(path, target: int):
    """A styles table of ``target`` bytes of cell formats."""
    n = target // 70
    xfs = "".join(f'<xf numFmtId="{i % 200}" fontId="0" fillId="0" borderId="0" xfId="{i}"/>'
                  for i in range(n))
    styles = (f'<?xml version="1.0"?><styleSheet {NS}><fonts count="1"><font/></fonts>'
              '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
              f'<borders count="1"><border/></borders><cellXfs count="{n}">{xfs}</cellXfs>'
              '</styleSheet>')
    write(path, sheet(""), EMPTY_SS, styles)
    return path
