"""Hostile inputs, generated: one small builder per attack class of issue 9 (and the minimal PDF /
DOCX / OLE writers they need). Used by tests/test_attacks.py, tests/test_fuzz_readers.py and
scripts/fuzz.py; nothing here reads a file.

Every case is a (file name, bytes) pair; `CASES` maps a case id to a zero-argument builder. The sizes are
chosen so that each file is built in well under a second yet crosses the limit it attacks.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

# ----------------------------------------------------------------------------------------------- PDF

CJK_FONT = [  # objects 1-3 of every PDF written here and in test_reader_pdf.py: a CJK font
    (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H "
     b"/DescendantFonts [2 0 R] >>"),
    (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
     b"/Ordering (GB1) /Supplement 2 >> /FontDescriptor 3 0 R /DW 1000 /W [1 95 500] >>"),
    (b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
     b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"),
]


def pdf_file(objs: list[bytes], root: int, trailer_extra: bytes = b"") -> bytes:
    """A PDF whose object i+1 is objs[i], with a correct xref table."""
    buf = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(buf))
        buf += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(buf)
    buf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    buf += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, root, trailer_extra, xref)
    return buf


def stream(data: bytes, extra: bytes = b"", *, flate: bool = False) -> bytes:
    if flate:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def text_ops(text: str, x: float = 80, y: float = 760, size: float = 12) -> bytes:
    return b"BT /F1 %g Tf %g %g Td <%s> Tj ET" % (size, x, y, text.encode("utf-16-be").hex().encode())


def one_page_pdf(content: bytes | None = None, *, page: bytes = b"/MediaBox [0 0 595 842]",
                 resources: bytes = b"<< /Font << /F1 1 0 R >> >>", extra: list[bytes] = (),
                 contents_obj: bytes | None = None) -> bytes:
    """Objects 1-3 font, 4 pages, 5 page, 6 contents, 7… `extra` (so tests can refer to 7 0 R, 8 0 R …)."""
    if contents_obj is None:
        contents_obj = stream(content if content is not None else text_ops("正文"))
    objs = [
        *CJK_FONT,
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 4 0 R %s /Resources %s /Contents 6 0 R >>" % (page, resources),
        contents_obj,
        *extra,
    ]
    objs.append(b"<< /Type /Catalog /Pages 4 0 R >>")
    return pdf_file(objs, len(objs))


def _flate_stream_of(chunk: bytes, total: int) -> bytes:
    """A FlateDecode stream object whose data inflates to `total` bytes of `chunk` repeated (built in
    pieces, so a bomb never exists uncompressed here either)."""
    comp = zlib.compressobj(9)
    out = []
    block = chunk * max(1, (1 << 20) // len(chunk))
    left = total
    while left > 0:
        piece = block[:left]
        out.append(comp.compress(piece))
        left -= len(piece)
    out.append(comp.flush())
    data = b"".join(out)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)


def pdf_cases() -> dict[str, Callable[[], bytes]]:
    ref7 = [b"7 0 R"]
    return {
        # an object that is nothing but a reference to itself, where pdfminer resolves a page attribute
        "pdf-selfref-mediabox": lambda: one_page_pdf(page=b"/MediaBox 7 0 R", extra=ref7),
        "pdf-selfref-resources": lambda: one_page_pdf(page=b"/MediaBox [0 0 595 842]", resources=b"7 0 R",
                                                      extra=ref7),
        "pdf-selfref-contents": _selfref_contents,
        # the same with a comment inside the object, which a scan of the bytes does not take for a reference
        "pdf-selfref-commented": lambda: one_page_pdf(page=b"/MediaBox 7 0 R", extra=[b"7 0 R % itself"]),
        "pdf-selfref-root": _selfref_root,
        "pdf-ref-cycle-two": lambda: one_page_pdf(page=b"/MediaBox 7 0 R", extra=[b"8 0 R", b"7 0 R"]),
        "pdf-selfref-mediabox-item": lambda: one_page_pdf(page=b"/MediaBox [0 0 595 7 0 R]", extra=ref7),
        "pdf-selfref-rotate": lambda: one_page_pdf(page=b"/MediaBox [0 0 595 842] /Rotate 7 0 R", extra=ref7),
        "pdf-kids-loop": _kids_loop,
        "pdf-kids-self": _kids_self,
        "pdf-kids-not-refs": _kids_junk,
        "pdf-parent-loop": _parent_loop,
        "pdf-mediabox-name": lambda: one_page_pdf(page=b"/MediaBox[0 0 595 /X]"),
        "pdf-inflate-text": lambda: one_page_pdf(contents_obj=_flate_stream_of(b"BT /F1 1 Tf (A) Tj ET\n",
                                                                            64 << 20)),
        "pdf-inflate-spaces": lambda: one_page_pdf(contents_obj=_flate_stream_of(b" ", 256 << 20)),
        "pdf-many-glyphs": lambda: one_page_pdf(contents_obj=stream(
            b"BT /F1 1 Tf 10 10 Td <" + "一".encode("utf-16-be").hex().encode() * 1_000_000 + b"> Tj ET", flate=True)),
        "pdf-form-recursion": _form_recursion,
        "pdf-form-fanout": _form_fanout,
        "pdf-form-fanout-wide": lambda: _form_fanout(10, 4),
        # numbers that overflow a float: glyphs at infinity or NaN
        "pdf-font-size-overflow": lambda: one_page_pdf(b"BT /F1 " + _BIG + b" Tf 80 700 Td " + _TEXT + b" Tj ET"),
        "pdf-matrix-overflow": lambda: one_page_pdf(_BIG + b" 0 0 " + _BIG + b" 0 0 cm 0.8 w 0 0 m 9 9 l S BT /F1 12 Tf "
                                                    b"-" + _BIG + b" Tc 80 700 Td " + _TEXT + b" Tj ET"),
        "pdf-deep-array": lambda: one_page_pdf(page=b"/MediaBox [0 0 595 842] /Foo " + b"[" * 50_000
                                               + b"]" * 50_000),
        "pdf-deep-dict": lambda: one_page_pdf(page=b"/MediaBox [0 0 595 842] /Foo " + b"<< /A " * 20_000
                                              + b">> " * 20_000),
        "pdf-huge-number": lambda: one_page_pdf(page=b"/MediaBox [0 0 595 " + b"9" * 5000 + b"]"),
        "pdf-many-pages": lambda: _many_pages(5000),
        "pdf-objstm-bomb": _objstm_bomb,
    }


_BIG = b"1" + b"0" * 400 + b".0"
_TEXT = b"<" + "正文内容".encode("utf-16-be").hex().encode() + b">"


def _selfref_contents() -> bytes:
    objs = [
        *CJK_FONT,
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 1 0 R >> >> "
         b"/Contents 6 0 R >>"),
        b"6 0 R",
        b"<< /Type /Catalog /Pages 4 0 R >>",
    ]
    return pdf_file(objs, len(objs))


def _selfref_root() -> bytes:
    objs = [*CJK_FONT, b"<< /Type /Pages /Kids [] /Count 0 >>", b"5 0 R"]
    return pdf_file(objs, 5)


def _pages_doc(nodes: list[bytes]) -> bytes:
    objs = [*CJK_FONT, stream(text_ops("正文")), *nodes]  # 4 = contents, 5… = nodes
    objs.append(b"<< /Type /Catalog /Pages 5 0 R >>")
    return pdf_file(objs, len(objs))


_LEAF = b"<< /Type /Page /Parent 5 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 1 0 R >> >> /Contents 4 0 R >>"


def _kids_loop() -> bytes:
    return _pages_doc([b"<< /Type /Pages /Kids [6 0 R 7 0 R] /Count 2 >>",
                       b"<< /Type /Pages /Parent 5 0 R /Kids [5 0 R] /Count 1 >>", _LEAF])


def _kids_self() -> bytes:
    return _pages_doc([b"<< /Type /Pages /Kids [5 0 R 6 0 R] /Count 2 >>", _LEAF])


def _kids_junk() -> bytes:
    return _pages_doc([b"<< /Type /Pages /Kids [6 0 R 42 (x) /Name [1 2] << /Type /Page >>] /Count 5 >>", _LEAF])


def _parent_loop() -> bytes:
    # a page whose inherited attributes come from a Parent chain that loops
    return _pages_doc([b"<< /Type /Pages /Kids [6 0 R] /Count 1 /Parent 7 0 R >>",
                       b"<< /Type /Page /Parent 5 0 R /Contents 4 0 R >>",
                       b"<< /Type /Pages /Kids [5 0 R] /Parent 5 0 R /Resources 8 0 R >>", b"8 0 R"])


def _form_recursion() -> bytes:
    form = stream(b"BT /F1 12 Tf 80 700 Td <6b63> Tj ET /X1 Do",
                  b" /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /X1 7 0 R >> "
                  b"/Font << /F1 1 0 R >> >>")
    return one_page_pdf(text_ops("正文") + b" /X1 Do",
                        resources=b"<< /Font << /F1 1 0 R >> /XObject << /X1 7 0 R >> >>", extra=[form])


def _form_fanout(levels: int = 24, calls: int = 2) -> bytes:
    # form k draws form k+1 `calls` times: calls^levels glyph runs from a few hundred bytes
    extra = []
    for k in range(levels):
        obj = 7 + k
        if k == levels - 1:
            body = b"BT /F1 12 Tf 80 700 Td <6b63> Tj ET"
            res = b"<< /Font << /F1 1 0 R >> >>"
        else:
            body = b" ".join([b"/X Do"] * calls)
            res = b"<< /XObject << /X %d 0 R >> >>" % (obj + 1)
        extra.append(stream(body, b" /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + res))
    return one_page_pdf(b"/X Do", resources=b"<< /Font << /F1 1 0 R >> /XObject << /X 7 0 R >> >>", extra=extra)


def _many_pages(n: int) -> bytes:
    objs = [*CJK_FONT, stream(text_ops("正文")), b""]  # 4 contents, 5 pages
    kids = []
    for _ in range(n):
        objs.append(b"<< /Type /Page /Parent 5 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 1 0 R >> >> "
                    b"/Contents 4 0 R >>")
        kids.append(len(objs))
    objs[4] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), n)
    objs.append(b"<< /Type /Catalog /Pages 5 0 R >>")
    return pdf_file(objs, len(objs))


def _objstm_bomb() -> bytes:
    # an object stream (PDF 1.5) that inflates far beyond any real one
    bomb = _flate_stream_of(b"0 0 ", 128 << 20).replace(b"<< /Length", b"<< /Type /ObjStm /N 1 /First 4 /Length", 1)
    return one_page_pdf(extra=[bomb])


# ---------------------------------------------------------------------------------------------- DOCX

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def docx_file(body: str, numbering: str | None = None, *, document: str | None = None) -> bytes:
    """A minimal .docx; `document` replaces the whole document.xml (for depth attacks)."""
    rels = ""
    if numbering is not None:
        rels = ('<Relationship Id="rIdN" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/numbering" Target="numbering.xml"/>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/word/document.xml" ContentType="{_CT}.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", document if document is not None else
                   f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')
        z.writestr("word/_rels/document.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        if numbering is not None:
            z.writestr("word/numbering.xml", f'<?xml version="1.0"?><w:numbering xmlns:w="{W_NS}">{numbering}'
                       '</w:numbering>')
    return buf.getvalue()


def _p(text: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}<w:r><w:t>{text}</w:t></w:r></w:p>"


def _numbered(fmt: str = "upperLetter", start: str = "1", ilvl: str = "0", paragraphs: int = 3) -> bytes:
    numbering = (f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/>'
                 f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    body = "".join(_p(f"第{k}段", f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr>')
                   for k in range(paragraphs))
    return docx_file(body, numbering)


def _start_override(value: str) -> bytes:
    numbering = ('<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                 '<w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
                 f'<w:num w:numId="1"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0">'
                 f'<w:startOverride w:val="{value}"/></w:lvlOverride></w:num>')
    body = _p("一段", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')
    return docx_file(body, numbering)


def _tc(text: str = "x", tcpr: str = "") -> str:
    return f"<w:tc>{f'<w:tcPr>{tcpr}</w:tcPr>' if tcpr else ''}{_p(text)}</w:tc>"


def _nested_tables(depth: int) -> bytes:
    inner = _p("最里面")
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc><w:tc>{_p('旁边')}</w:tc></w:tr></w:tbl>"
    return docx_file(_p("正文") + inner)


def _deep_runs(depth: int) -> bytes:
    inner = "<w:r><w:t>深</w:t></w:r>"
    for _ in range(depth):
        inner = f"<w:hyperlink>{inner}</w:hyperlink>"
    return docx_file(f"<w:p>{inner}</w:p>")


def docx_cases() -> dict[str, Callable[[], bytes]]:
    return {
        "docx-gridbefore": lambda: docx_file(
            _p("正文") + '<w:tbl><w:tr><w:trPr><w:gridBefore w:val="100000000"/></w:trPr>' + _tc() + "</w:tr></w:tbl>"),
        "docx-gridbefore-digits": lambda: docx_file(
            _p("正文") + f'<w:tbl><w:tr><w:trPr><w:gridBefore w:val="{"9" * 5000}"/></w:trPr>' + _tc()
            + "</w:tr></w:tbl>"),
        "docx-gridspan-digits": lambda: docx_file(
            _p("正文") + "<w:tbl><w:tr>" + _tc("x", f'<w:gridSpan w:val="{"9" * 5000}"/>') + "</w:tr></w:tbl>"),
        "docx-gridspan-rows": lambda: docx_file(
            _p("正文") + "<w:tbl>" + "<w:tr>" + _tc("x", '<w:gridSpan w:val="100"/>') * 100 + "</w:tr>"
            + "<w:tr>" + _tc("y", '<w:vMerge/><w:gridSpan w:val="100"/>') * 100 + "</w:tr>" * 1 + "</w:tbl>"),
        "docx-hmerge": lambda: docx_file(
            _p("正文") + "<w:tbl>" + ("<w:tr>" + _tc("x", '<w:gridSpan w:val="100"/>')
                                       + _tc("y", '<w:hMerge/><w:gridSpan w:val="100"/>') * 10 + "</w:tr>") * 2000
            + "</w:tbl>"),
        "docx-vmerge-tall": lambda: docx_file(
            _p("正文") + "<w:tbl>" + "<w:tr>" + _tc("x", '<w:vMerge w:val="restart"/><w:gridSpan w:val="100"/>')
            + "</w:tr>" + ("<w:tr>" + _tc("", '<w:vMerge/><w:gridSpan w:val="100"/>') + "</w:tr>") * 20000
            + "</w:tbl>"),
        # under the zip-bomb ratio check (parts under 4 MB), over the reader's own limits
        "docx-many-paragraphs": lambda: docx_file(_p("年") * 60_000),
        "docx-many-cells": lambda: docx_file(
            _p("正文") + "<w:tbl>" + ("<w:tr>" + _tc("", '<w:gridSpan w:val="5"/>') * 100 + "</w:tr>") * 450
            + "</w:tbl>"),
        "docx-letters-2e9": lambda: _numbered("upperLetter", "2000000000"),
        "docx-letters-1e12": lambda: _numbered("upperLetter", "1000000000000"),
        "docx-start-digits": lambda: _numbered("decimal", "9" * 5000),
        "docx-start-negative-digits": lambda: _numbered("decimal", "-" + "9" * 5000),
        "docx-roman-big": lambda: _numbered("upperRoman", "999999999"),
        "docx-chinese-big": lambda: _numbered("chineseCounting", "99999999999"),
        "docx-fullwidth-big": lambda: _numbered("decimalFullWidth", "9" * 4000),
        "docx-ilvl-x": lambda: _numbered("decimal", "1", "x"),
        "docx-ilvl-digits": lambda: _numbered("decimal", "1", "9" * 5000),
        "docx-ilvl-negative": lambda: _numbered("decimal", "1", "-1"),
        "docx-start-override-digits": lambda: _start_override("9" * 5000),
        "docx-start-override-big": lambda: _start_override("2000000000"),
        "docx-sym-negative": lambda: docx_file('<w:p><w:r><w:sym w:font="Wingdings" w:char="-41"/><w:t>正文</w:t>'
                                               '</w:r></w:p>'),
        "docx-nested-250": lambda: _nested_tables(250),
        "docx-nested-60": lambda: _nested_tables(60),
        "docx-deep-runs": lambda: _deep_runs(5000),
        "docx-old-doc-renamed": lambda: ole_file(["WordDocument", "1Table", "\x05SummaryInformation"]),
        "docx-encrypted": lambda: ole_file(["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"]),
        "docx-ole-other": lambda: ole_file(["Workbook"]),
    }


# ----------------------------------------------------------------------------------------------- OLE

def ole_file(streams: list[str]) -> bytes:
    """A Compound File Binary (the Office 97-2003 container) with empty streams of the given names:
    header, one FAT sector, one directory sector (a red-black tree is not needed to be found by name)."""
    ss = 512
    names = ["Root Entry", *streams]
    assert len(names) <= 4
    header = bytearray(ss)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9)  # minor, major, byte order, sector shift
    struct.pack_into("<H", header, 0x20, 6)  # mini sector shift
    struct.pack_into("<I", header, 0x2C, 1)  # FAT sectors
    struct.pack_into("<I", header, 0x30, 1)  # first directory sector
    struct.pack_into("<I", header, 0x38, 4096)  # mini stream cutoff
    struct.pack_into("<iI", header, 0x3C, -2, 0)  # mini FAT: none
    struct.pack_into("<iI", header, 0x44, -2, 0)  # DIFAT: none beyond the header
    difat = [0] + [-1] * 108
    struct.pack_into("<109i", header, 0x4C, *difat)
    fat = [-3, -2] + [-1] * (ss // 4 - 2)  # sector 0 is the FAT, sector 1 the directory
    fat_sector = struct.pack(f"<{ss // 4}i", *fat)
    directory = bytearray(ss)
    for i, name in enumerate(names):
        e = bytearray(128)
        raw = name.encode("utf-16-le") + b"\x00\x00"
        e[0:len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), 5 if i == 0 else 2, 1)
        left, right = -1, -1
        child = 1 if (i == 0 and len(names) > 1) else -1
        if i and i + 1 < len(names):
            right = i + 1
        struct.pack_into("<iii", e, 68, left, right, child)
        struct.pack_into("<i", e, 116, -2)
        directory[128 * i:128 * (i + 1)] = e
    return bytes(header) + fat_sector + bytes(directory)


# --------------------------------------------------------------------------------------- HTML / MD / TXT

def html_cases() -> dict[str, Callable[[], bytes]]:
    return {
        "html-charset-undefined": lambda: (b'<html><head><meta charset="undefined"></head><body><p>\xd5\xfd\xce\xc4'
                                           b'\xff\xfe\x80</p></body></html>'),
        "html-charset-bogus-http-equiv": lambda: (b'<html><head><meta http-equiv="Content-Type" content="text/html; '
                                                  b'charset=x-no-such-codec"></head><body><p>\xb9\xab\xbf\xaa\x81</p>'
                                                  b'</body></html>'),
        "html-charset-utf7": lambda: b'<html><head><meta charset="utf-7"></head><body><p>+AGE-\xff\xfe</p></body></html>',
        "html-rowspan-digits": lambda: (b"<html><body><p>x</p><table><tr><td rowspan=\"" + b"9" * 5000
                                        + b"\">a</td><td>b</td></tr><tr><td>c</td></tr></table></body></html>"),
        "html-colspan-digits": lambda: (b"<html><body><p>x</p><table><tr><td colspan=\"" + b"9" * 5000
                                        + b"\">a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table></body></html>"),
        "html-rows-200k": lambda: (b"<html><body><p>\xe6\x8a\xa5\xe5\x91\x8a</p><table>"
                                   + b"<tr><td>1</td><td>2</td></tr>" * 200_000 + b"</table></body></html>"),
        "html-rowspan-wall": lambda: (b"<html><body><p>x</p><table>"
                                       b"<tr>" + b"<td rowspan=\"500\" colspan=\"100\">1</td>" * 40 + b"</tr>"
                                      + b"<tr><td>2</td></tr>" * 2000 + b"</table></body></html>"),
        # characters lxml refuses to set as text, next to an element the reader removes
        "html-nonxml-chars": lambda: ("<html><body><p>年度报告a\ufffe<script>x</script>tail&#1;&#xFFFE;</p></body></html>"  # noqa: PLW0108 - lazy: built only when the case runs
                                      .encode()),
        # thousands of elements the reader drops, each with text after it
        "html-many-scripts": lambda: ("<html><body><p>年度报告" + "<script>x</script>尾巴文字" * 40_000  # noqa: PLW0108 - lazy: built only when the case runs
                                      + "</p></body></html>").encode(),
        "html-deep": lambda: b"<html><body>" + b"<div>" * 100_000 + b"\xe6\xb7\xb1" + b"</div>" * 100_000
                             + b"</body></html>",
        "html-rows-60k": lambda: (b"<html><body><p>x</p><table>" + b"<tr><td>1</td><td>2</td></tr>" * 60_000
                                  + b"</table></body></html>"),
        "html-wide-1000": lambda: (b"<html><body><p>x</p><table><tr>" + b"<td>1</td>" * 1000 + b"</tr><tr>"
                                   + b"<td>2</td>" * 1000 + b"</tr></table></body></html>"),
        "html-many-paragraphs": lambda: b"<html><body>" + b"<p>\xe5\xb9\xb4</p>" * 190_000 + b"</body></html>",
        "html-wide": lambda: (b"<html><body><p>x</p><table><tr>" + b"<td>1</td>" * 100_000 + b"</tr><tr>"
                              + b"<td>2</td>" * 100_000 + b"</tr></table></body></html>"),
    }


def text_cases() -> dict[str, Callable[[], bytes]]:
    return {
        "txt-charset-undefined": lambda: '<meta charset="undefined">\n政府信息公开工作年度报告\n'.encode("gbk") + b"\xff\x80",
        "txt-meta-gbk-declared": lambda: '<meta charset="gbk">\n本报告\n'.encode("gbk"),
        "md-wide-10000": lambda: ("| " + " | ".join(["列"] * 10_000) + " |\n"  # noqa: PLW0108 - lazy: built only when the case runs
                                  + "| " + " | ".join(["---"] * 10_000) + " |\n"
                                  + ("| " + " | ".join(["1"] * 10_000) + " |\n") * 30).encode(),
        "md-rows-100k": lambda: ("# 报告\n" + "| 名称 | 数 |\n|---|---|\n" + "| 行 | 1 |\n" * 100_000).encode(),  # noqa: PLW0108 - lazy: built only when the case runs
        "txt-long-line": lambda: ("政府信息公开" * 300_000).encode(),  # noqa: PLW0108 - lazy: built only when the case runs
        "txt-digit-runs": _digit_runs,
        "txt-many-lines": lambda: "年\n".encode() * 8_000_000,
        "txt-many-paragraphs": lambda: "年\n".encode() * 60_000,
        "md-many-tables": lambda: ("| a | b |\n|---|---|\n| 1 | 2 |\n\n" * 45_000).encode(),  # noqa: PLW0108 - lazy: built only when the case runs
    }


def _digit_runs() -> bytes:
    # a 表三 whose every data row is one 40-digit run
    rows = ["三、收到和处理政府信息公开申请情况", "本年新收政府信息公开申请数量 " + "1" * 40,
            "上年结转政府信息公开申请数量 " + "2" * 40, "予以公开 " + "3" * 40, "部分公开 " + "4" * 40,
            "总计 " + "5" * 40, "结转下年度继续办理 " + "6" * 40]
    return ("\n".join(["某县2023年政府信息公开工作年度报告", *rows * 3])).encode()


# ---------------------------------------------------------------------------------------------- JSON

def model_json(value: object) -> bytes:
    """A minimal report-model JSON with one 表三 cell set to `value` (a JSON literal, as text)."""
    head = ('{"schema_version": 1, "source": {"path": "x", "format": "json", "sha256": "0"}, '
            '"meta": {"template": "2021"}, "tables": {"applications": {"granted": {"natural_person": '
            '{"value": ')
    return (head + str(value) + ', "raw": "x", "kind": "number"}}}}}').encode()


def json_cases() -> dict[str, Callable[[], bytes]]:
    return {
        "json-deep-1000": lambda: b'{"meta": {}, "tables": {}, "x": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        "json-deep-100000": lambda: b'{"meta": {}, "tables": {}, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "json-deep-dict": lambda: b'{"meta": {}, "tables": {}, "x": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}",
        "json-deep-in-problem-data": lambda: (b'{"meta": {}, "tables": {}, "source": {"path": "x", "format": "json", '
                                             b'"sha256": "0"}, "problems": [{"code": "c", "message": "m", '
                                             b'"message_en": "m", "data": ' + b"[" * 900 + b"]" * 900 + b"}]}"),
        "json-nan": lambda: model_json("NaN"),
        "json-infinity": lambda: model_json("Infinity"),
        "json-minus-infinity": lambda: model_json("-Infinity"),
        "json-1e400": lambda: model_json("1e400"),
        "json-10pow400": lambda: model_json("1" + "0" * 400),
        "json-digits-5000": lambda: model_json("9" * 5000),
        "json-negative-count": lambda: model_json("-3"),
        "json-fraction-count": lambda: model_json("2.5"),
        "json-bool-count": lambda: model_json("true"),
        "json-invalid-with-value": lambda: model_json("3").replace(b'"kind": "number"', b'"kind": "invalid"'),
        "json-not-utf8": lambda: b'{"meta": {}, "tables": {}, "x": "\xff\xfe"}',
        "json-big-year": lambda: model_json("1").replace(b'"template": "2021"', b'"template": "2021", "year": '
                                                          + b"9" * 5000),
    }


def all_cases() -> dict[str, tuple[str, Callable[[], bytes]]]:
    """case id → (file name, builder)."""
    ext = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "txt": ".txt", "md": ".md", "json": ".json"}
    out = {}
    for group in (pdf_cases(), docx_cases(), html_cases(), text_cases(), json_cases()):
        for cid, build in group.items():
            out[cid] = (cid + ext[cid.split("-")[0]], build)
    return out


__all__ = ["all_cases", "docx_file", "model_json", "ole_file", "one_page_pdf", "pdf_file", "stream", "text_ops"]
