#!/usr/bin/env python3
"""Writes the seed corpora tests/fuzz/corpus/<target>/ (small valid and edge-case inputs).
Run from the repository root; rerunning rewrites the generated seeds and keeps the rest
(regression inputs from fixed crashes are added by hand as crash-<what>)."""
import io, os, shutil, zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def check_char(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]


def idno(first17):
    return first17 + check_char(first17)


# ---- csv -------------------------------------------------------------------------
data_dir = os.path.join(os.path.dirname(ROOT), "..", "data")
os.makedirs(os.path.join(ROOT, "csv"), exist_ok=True)
for fn in sorted(os.listdir(data_dir)):
    if fn.endswith(".csv"):
        shutil.copyfile(os.path.join(data_dir, fn), os.path.join(ROOT, "csv", fn))
roster = "姓名,性别,身份证号码,入党时间\r\n张三,男,%s,2001-07-01\r\n李四,女,'%s,2010/7/1\r\n" % (
    idno("11010519491231002"), idno("45010219650312011"))
put("csv", "utf8.csv", roster)
put("csv", "utf8-bom.csv", "\ufeff" + roster)
put("csv", "gb18030.csv", roster.encode("gb18030"))
put("csv", "utf16le-bom.csv", b"\xff\xfe" + roster.replace(",", "\t").encode("utf-16-le"))
put("csv", "utf16be-bom.csv", b"\xfe\xff" + roster.encode("utf-16-be"))
put("csv", "semicolon.csv", "a;b;c\n1;2;3\n")
put("csv", "tab.csv", "a\tb\tc\n1\t2\t3\n")
put("csv", "quoted.csv", 'name,note\n"Zhang, San","line one\nline two ""quoted"""\n"unterminated\n')
put("csv", "blank-lines.csv", "\n\n,,,\r\n  a  ,\tb\t,  \r\n\r\n\n,x\n")
put("csv", "cr-only.csv", "a,b\r1,2\r3,4\r")
put("csv", "ole2.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 24)
put("csv", "bad-utf8.csv", b"a,b\n\xe4\xb8,\xc0\xaf\n\xed\xa0\x80,\xf4\x90\x80\x80\n")
put("csv", "empty.csv", b"")
put("csv", "long-cell.csv", "a," + "x" * 5000 + "\n")

# ---- xlsx ------------------------------------------------------------------------
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
sheet = ('<worksheet %s><sheetData>'
         '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>入党时间</t></is></c></row>'
         '<row r="2"><c r="A2" t="inlineStr"><is><r><t>张</t></r><r><t xml:space="preserve">三 </t></r><rPh><t>ZS</t></rPh></is></c>'
         '<c r="B2"><v>110105194912310020</v></c><c r="C2" s="1"><v>37073</v></c><c r="D2" t="b"><v>1</v></c>'
         '<c r="E2" t="e"><v>#N/A</v></c><c r="F2"><v>1.5E-3</v></c><c r="G2" t="str"><f>A1</f><v>x_x000D_y</v></c></row>'
         '<row r="5"><c r="AA5" s="2"><v>0.75</v></c><c r="XFD5"><v>-12.50</v></c></row>'
         '</sheetData></worksheet>') % NS
sst = '<sst %s count="2" uniqueCount="2"><si><t>姓名</t></si><si><r><t>身份证</t></r><r><t>号码</t></r></si></sst>' % NS
styles = ('<styleSheet %s><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
          '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="20"/></cellXfs></styleSheet>') % NS
workbook = ('<workbook %s %s><workbookPr date1904="false"/><sheets><sheet name="隐藏" sheetId="2" state="hidden" r:id="rId4"/>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>') % (NS, R)
wbrels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          '<Relationship Id="rId1" Type="%sworksheet" Target="worksheets/sheet1.xml"/>'
          '<Relationship Id="rId4" Type="%sworksheet" Target="/xl/worksheets/sheet1.xml"/>'
          '<Relationship Id="rId2" Type="%ssharedStrings" Target="sharedStrings.xml"/>'
          '<Relationship Id="rId3" Type="%sstyles" Target="styles.xml"/></Relationships>') % (REL, REL, REL, REL)
rootrels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%sofficeDocument" Target="xl/workbook.xml"/></Relationships>') % REL
types = '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
parts = [sheet, sst, styles, workbook, wbrels, rootrels, types]
names = ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml",
         "xl/_rels/workbook.xml.rels", "_rels/.rels", "[Content_Types].xml"]
# parts mode (the harness packs them): NUL-separated, missing trailing parts get defaults
put("xlsx", "parts-all", "\0".join(parts))
put("xlsx", "parts-sheet-only", sheet)
put("xlsx", "parts-sheet-sst", sheet + "\0" + sst)
put("xlsx", "parts-prefixed",
    '<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:sheetData><x:row><x:c t="s"><x:v>0</x:v></x:c>'
    '<x:c><x:v>3.14159</x:v></x:c></x:row></x:sheetData></x:worksheet>')
put("xlsx", "parts-1904", "\0".join([sheet, sst, styles, workbook.replace('"false"', '"1"')]))
put("xlsx", "parts-bad-xml", '<worksheet><sheetData><row><c t="s"><v>99</v></c></row><row r="0"><c r="A0">')
# whole files, deflated as Excel writes them
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for n, p in zip(names, parts):
        z.writestr(n, p)
put("xlsx", "whole-deflated.xlsx", buf.getvalue())
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
    for n, p in zip(names[:1] + names[3:], [parts[0]] + parts[3:]):
        z.writestr(n, p)
put("xlsx", "whole-stored-no-sst.xlsx", buf.getvalue())

# ---- json_body ---------------------------------------------------------------------
member = ('{"org_id":3,"name":"张三","id_number":"%s","ethnicity":"01","category":"full",'
          '"join_date":"1975-07-01","full_date":"1976-07-01","phone":"138 0013 8000","education":"21",'
          '"person_type":"farmer","lost_contact":false,"floating":false,"address":"某村1号"}') % idno("11010519491231002")
put("json_body", "member-full", member)
put("json_body", "member-probationary",
    '{"org_id":3,"name":"李四","id_number":"%s","gender":"女","ethnicity":"01","category":"probationary",'
    '"join_date":"2025-12-01","phone":"0371-12345678","lost_contact":true,"lost_since":"2026-01-02","group_id":9}'
    % idno("41010219900101002"))
put("json_body", "member-wrong-types", '{"org_id":"3","name":1,"lost_contact":"yes","group_id":null,"version":1.5}')
put("json_body", "duplicate-key", '{"name":"a","name":"b"}')
put("json_body", "unknown-field", '{"org_id":1,"nope":[1,{"a":null}]}')
put("json_body", "nul-escape", '{"name":"a\\u0000b","address":"\\ud83d\\ude00"}')
put("json_body", "not-object", '[1,2,3]')
put("json_body", "bignum", '{"org_id":9223372036854775807,"group_id":-9223372036854775808,"version":1e400}')
put("json_body", "empty", b"")
put("json_body", "long-string", '{"name":"' + "长" * 300 + '"}')

# ---- idcard ------------------------------------------------------------------------
put("idcard", "valid", idno("11010519491231002"))
put("idcard", "valid-x", "11010519491231001X".replace("X", check_char("11010519491231001")))
put("idcard", "lower-x", idno("44052419800101001").lower())
put("idcard", "fullwidth", "".join(chr(ord(c) + 0xFEE0) for c in idno("45010219650312011")))
put("idcard", "apostrophe", "'" + idno("45010219650312011"))
put("idcard", "spaces", "\u3000 " + idno("45010219650312011") + " \t")
put("idcard", "bad-check", "110105194912310021")
put("idcard", "future-birth", idno("11010520990101001"))
put("idcard", "old-15", "110105491231002")
put("idcard", "born-1800s", idno("11010518990101001"))
put("idcard", "mobile", "+86 138-0013-8000")
put("idcard", "landline", "0371-12345678")
put("idcard", "fullwidth-phone", "１３８００１３８０００")

# ---- upload ------------------------------------------------------------------------
png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
put("upload", "meeting-jpeg", "POST /api/v1/meetings/12/attachments\n会议照片.jpg\n".encode() + b"\xff\xd8\xff\xe0\0\x10JFIF\0")
put("upload", "recruit-pdf", "POST /api/v1/recruits/3/attachments\n入党申请书.pdf\n".encode() + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
put("upload", "notice-png", b"POST /api/v1/notices/7/files\nchart.png\n" + png)
put("upload", "mp4", b"POST /api/v1/meetings/1/attachments\nv.mp4\n\0\0\0\x18ftypisom\0\0\x02\0")
put("upload", "photo", b"PUT /api/v1/members/5/photo\nx\n" + png)
put("upload", "import", b"POST /api/v1/import/members\nroster.xlsx\nPK\x03\x04")
put("upload", "bad-name", b"POST /api/v1/meetings/1/attachments\n../etc/passwd\n%PDF-")
put("upload", "dotdot", b"POST /api/v1/meetings/1/attachments\n..\n%PDF-")
put("upload", "ctrl-name", b"POST /api/v1/meetings/1/attachments\na\x01b\n%PDF-")
put("upload", "bad-id", b"POST /api/v1/meetings/0/attachments\na.pdf\n%PDF-")
put("upload", "huge-id", b"POST /api/v1/meetings/9999999999999999999999/attachments\na.pdf\n%PDF-")
put("upload", "wrong-method", b"GET /api/v1/meetings/1/attachments\na.pdf\nGIF89a")

# ---- import (member import, dry run, on a scratch database with branches B1 and B2) ----
HEADER = "姓名,性别,公民身份号码,民族,出生日期,学历,人员类别,所在党支部,入党日期,转为正式党员日期,工作岗位,联系电话,家庭住址,党籍状态,失联,流动党员,人员身份,工作单位,网格\r\n"
good = "张三,男,%s,汉族,1949-12-31,大学本科,正式党员,第一党支部,1975-07-01,1976-07-01,,13800138000,某村1号,正常,否,否,农牧渔民,,一网格\r\n" % idno("11010519491231001")
prob = "李四,女,%s,01,,,预备党员,B2,2025年12月1日,,,0371-12345678,,,是,是,,,\r\n" % idno("41010219900101002")
bad = "王五,男,110105194912310021,汉族,1949.12,博士,党员,第九支部,1960/7/1,,,12345,,,,,,,\r\n"
os.makedirs(os.path.join(ROOT, "import"), exist_ok=True)
for fn in sorted(os.listdir(data_dir)):
    if fn.endswith(".csv"):
        shutil.copyfile(os.path.join(data_dir, fn), os.path.join(ROOT, "import", fn))
put("import", "good.csv", HEADER + good + prob)
put("import", "bad.csv", "党员花名册\r\n填表说明\r\n" + HEADER + good + bad + good)
put("import", "synonyms.csv", "序号,*姓  名,身份证号,党员类别,入党时间,转正时间,手机号码,是否失联\r\n1,赵六,'%s,正式,1988.7,1989.7,139 0771 1234,否\r\n"
    % idno("45010219650312011"))
put("import", "gbk.csv", (HEADER + prob).encode("gb18030"))
buf = io.BytesIO()
sheet_rows = "".join(
    '<row r="%d">%s</row>' % (i + 1, "".join('<c t="inlineStr"><is><t>%s</t></is></c>' % v for v in line.rstrip("\r\n").split(",")))
    for i, line in enumerate([HEADER, good, bad]))
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for n, p in zip(names, ['<worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, sheet_rows), sst, styles,
                            workbook, wbrels, rootrels, types]):
        z.writestr(n, p)
put("import", "rows.xlsx", buf.getvalue())
