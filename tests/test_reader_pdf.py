"""PDF reader: the three real PDFs (values read by eye from rendered pages), hand-made PDFs for the
cases the corpus lacks (no ruling lines, blank cells, page numbers, scans, encryption, limits)."""
from __future__ import annotations

import functools
import re
import time

import pytest

from hostile import CJK_FONT
from report_lint.document import Document, Paragraph, Table
from report_lint.errors import InputError
from report_lint.readers import detect_format
from report_lint.readers.pdf import READER
from shared_paths import CORPUS

# --------------------------------------------------------------------------------------------
# Hand-read values: pages rendered to PNG with pypdfium2 and read by eye. Columns of 表三: 自然人,
# 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计. 表四: 行政复议 (维持 纠正 其他 尚未 总计),
# 未经复议直接起诉 (same five), 复议后起诉 (same five). r001's 表四 is printed inconsistent (10 1 0 0 | 0
# and 5 0 0 0 | 0): that is what the page says, and what must come out.

Z = ["0"] * 7


def _row(n: str, *others: str) -> list[str]:
    """A 表三 row with 自然人 = n, the five legal-person columns, and 总计."""
    rest = list(others) or ["0"] * 5
    total = str(int(n) + sum(int(x) for x in rest))
    return [n, *rest, total]


HAND = {
    "r001": {
        "applications": {
            "new_received": _row("21"), "carried_over": Z, "granted": Z, "partially_granted": _row("4"),
            "denied_state_secret": _row("1"), "denied_prohibited_by_law": Z, "denied_three_securities": Z,
            "denied_third_party": Z, "denied_internal_affairs": Z, "denied_process_info": _row("1"),
            "denied_enforcement_file": _row("1"), "denied_admin_inquiry": Z,
            "unavailable_not_held": _row("10"), "unavailable_needs_creation": _row("3"), "unavailable_unclear": Z,
            "not_processed_petition": _row("1"), "not_processed_repeated": Z, "not_processed_publication": Z,
            "not_processed_excessive": Z, "not_processed_confirmation": Z, "other_handling": Z,
            "total": _row("21"), "carried_forward": Z,
        },
        "reviews": ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"],
    },
    "r002": {
        "applications": {
            "new_received": _row("95"), "carried_over": Z, "granted": _row("50"), "partially_granted": _row("9"),
            "denied_state_secret": Z, "denied_prohibited_by_law": Z, "denied_three_securities": _row("1"),
            "denied_third_party": Z, "denied_internal_affairs": Z, "denied_process_info": _row("1"),
            "denied_enforcement_file": _row("1"), "denied_admin_inquiry": Z,
            "unavailable_not_held": _row("31"), "unavailable_needs_creation": _row("1"), "unavailable_unclear": Z,
            "not_processed_petition": _row("1"), "not_processed_repeated": Z, "not_processed_publication": Z,
            "not_processed_excessive": Z, "not_processed_confirmation": Z, "other_handling": Z,
            "total": _row("95"), "carried_forward": Z,
        },
        "reviews": ["1", "1", "0", "0", "2", "1", "0", "0", "0", "1", "2", "0", "1", "0", "3"],
    },
    "r003": {
        "applications": {
            "new_received": ["3001", "53", "0", "0", "61", "4", "3119"],
            "carried_over": _row("34"),
            "granted": ["1288", "21", "0", "0", "50", "3", "1362"],
            "partially_granted": ["447", "7", "0", "0", "0", "0", "454"],
            "denied_state_secret": _row("2"), "denied_prohibited_by_law": _row("30", "1", "0", "0", "0", "0"),
            "denied_three_securities": _row("5"), "denied_third_party": _row("6"),
            "denied_internal_affairs": _row("7", "1", "0", "0", "0", "0"), "denied_process_info": _row("12"),
            "denied_enforcement_file": _row("9"), "denied_admin_inquiry": _row("105"),
            "unavailable_not_held": ["746", "12", "0", "0", "10", "1", "769"],
            "unavailable_needs_creation": _row("11"), "unavailable_unclear": _row("1"),
            "not_processed_petition": _row("56", "6", "0", "0", "0", "0"), "not_processed_repeated": _row("25"),
            "not_processed_publication": Z, "not_processed_excessive": Z, "not_processed_confirmation": _row("1"),
            "other_no_correction": ["67", "3", "0", "0", "1", "0", "71"], "other_unpaid_fee": _row("6"),
            "other_misc": _row("108", "2", "0", "0", "0", "0"),
            "total": ["2932", "53", "0", "0", "61", "4", "3050"], "carried_forward": _row("103"),
        },
        "reviews": ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"],
    },
}

# how each 表三 row is recognised by its innermost label (the rightmost non-empty label cell)
ROW_LABELS = {
    "new_received": "本年新收", "carried_over": "上年结转", "granted": "予以公开", "partially_granted": "部分公开",
    "denied_state_secret": "国家秘密", "denied_prohibited_by_law": "禁止公开|行政止公开",
    "denied_three_securities": "三安全一稳定", "denied_third_party": "第三方合法权益",
    "denied_internal_affairs": "内部事务", "denied_process_info": "过程性信息", "denied_enforcement_file": "执法案卷",
    "denied_admin_inquiry": "查询事项", "unavailable_not_held": "不掌握", "unavailable_needs_creation": "没有现成",
    "unavailable_unclear": "补正后", "not_processed_petition": "信访举报", "not_processed_repeated": "重复申请",
    "not_processed_publication": "出版物", "not_processed_excessive": "大量反复",
    "not_processed_confirmation": "确认或重新出具", "other_handling": r"^（六）其他处理$",
    "other_no_correction": "逾期不补正", "other_unpaid_fee": "收费通知", "other_misc": r"^\d[、.]其他$",
    "total": "（七）总计", "carried_forward": "结转下年度",
}
REVIEW_LEAVES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
FOOTER = re.compile(r"^[-—–]\s*\d+\s*[-—–]$|^第\s*\d+\s*页$")


@functools.cache
def _read(name: str, rulings: bool = True) -> Document:
    path = CORPUS / f"{name}.pdf"
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")
    return READER.read(path.read_bytes(), str(path), rulings=rulings)


def _tables(doc: Document) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def _find_table(doc: Document, text: str) -> Table:
    hits = [t for t in _tables(doc) if any(text in c.text for row in t.rows for c in row)]
    assert len(hits) == 1, f"{len(hits)} tables hold {text!r}"
    return hits[0]


def _innermost_label(row, ndata: int) -> str:
    for cell in reversed(row[:-ndata]):
        if cell.text:
            return cell.text
    return ""


def _applications(doc: Document) -> dict[str, list[str]]:
    t = _find_table(doc, "本年新收")
    out: dict[str, list[str]] = {}
    for key, pattern in ROW_LABELS.items():
        rows = [row for row in t.rows if re.search(pattern, _innermost_label(row, 7))]
        if not rows:
            continue
        assert len(rows) == 1, (key, [_innermost_label(r, 7) for r in rows])
        out[key] = [c.text for c in rows[0][-7:]]
    return out


# --------------------------------------------------------------------------------------------
# the real PDFs: every 表三 / 表四 cell, read through the rulings and (the unruled path) without them

@pytest.mark.parametrize("rulings", [True, False], ids=["ruled", "by-word-position"])
@pytest.mark.parametrize("name", ["r001", "r002", "r003"])
def test_real_pdf_applications_cells(name, rulings):
    got = _applications(_read(name, rulings))
    want = HAND[name]["applications"]
    assert set(got) == set(want)
    for key, cells in want.items():
        assert got[key] == cells, key


@pytest.mark.parametrize("rulings", [True, False], ids=["ruled", "by-word-position"])
@pytest.mark.parametrize("name", ["r001", "r002", "r003"])
def test_real_pdf_reviews_cells(name, rulings):
    t = _find_table(_read(name, rulings), "复议后起诉")
    assert [c.text for c in t.rows[-1][-15:]] == HAND[name]["reviews"]
    # column positions come from the header: the leaf header above each number names its column
    assert [c.text for c in t.rows[-2][-15:]] == REVIEW_LEAVES


def test_real_pdf_applications_header_and_merged_labels():
    doc = _read("r001")
    t = _find_table(doc, "本年新收")
    texts = [[c.text for c in row] for row in t.rows]
    leaf = next(r for r in texts if "商业企业" in r)
    assert leaf[-7:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    # vertical text is one merged label cell, not seven data rows
    vertical = [c for row in t.rows for c in row if c.origin and c.text == "三、本年度办理结果"]
    assert len(vertical) == 1 and vertical[0].rowspan >= 20
    assert not any(_innermost_label(row, 7) in set("三、本年度办理结果") for row in t.rows)
    # the label that wraps around its numbers is one cell of the row holding them
    part = next(row for row in t.rows if "部分公开" in _innermost_label(row, 7))
    assert _innermost_label(part, 7) == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert part[-7].text == "4"
    # 表三 runs over pages 3 and 4 and comes out as one table whose cells keep their own page
    unclear = next(row for row in t.rows if "补正后" in _innermost_label(row, 7))
    assert unclear[-1].location.page == 4 and t.location.page == 3
    # the label cell the page break cut (（四）无法提供 on p3, its empty rest on p4) is one cell again
    held = next(row for row in t.rows if "补正后" in _innermost_label(row, 7))
    assert [c.text for c in held[:2]] == ["三、本年度办理结果", "（四）无法提供"]
    assert not held[1].origin


def test_real_pdf_label_cut_by_page_break_is_joined():
    t = _find_table(_read("r003"), "本年新收")
    assert any(c.origin and c.text == "（四）无法提供" and c.rowspan == 3 for row in t.rows for c in row)


def test_real_pdf_disclosure_table_over_two_pages_is_one_block():
    doc = _read("r001")
    t = _find_table(doc, "第二十条第（一）项")
    texts = [c.text for row in t.rows for c in row if c.origin]
    assert "行政事业性收费" in texts and "7730.28" in texts and "550" in texts
    assert {c.location.page for row in t.rows for c in row} == {2, 3}


@pytest.mark.parametrize("name", ["r001", "r002", "r003"])
def test_real_pdf_paragraphs_headings_and_footers(name):
    doc = _read(name)
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert heading in paras, heading
    # page numbers are gone, from the text and from the tables
    assert not any(FOOTER.match(p) for p in paras)
    assert not any(FOOTER.match(c.text) for t in _tables(doc) for row in t.rows for c in row)
    assert not any(re.search(r"-\s*\d\s*-$", p) for p in paras)
    # lines of one paragraph are joined, also across a page break (r001 p1 → p2: 严格执行“分 / 级审核)
    if name == "r001":
        assert any("严格执行“分级审核、先审后发”程序" in p for p in paras)


@pytest.mark.parametrize(("name", "title"), [("r001", "洪泽区人民政府2023年政府信息公开工作年度报告"),
                                        ("r002", "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"),
                                        ("r003", "淮安市人民政府2024年政府信息公开工作年度报告")])
def test_real_pdf_meta(name, title):
    doc = _read(name)
    assert doc.meta["title"][0] == title
    assert doc.blocks[0].text == title  # the two title lines are one paragraph
    assert "signed_on" not in doc.meta  # none of the three ends with a date
    assert "published_on" not in doc.meta  # CreationDate is when the file was made, not published
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", doc.meta["pdf_created"][0])


def test_real_pdf_locations():
    doc = _read("r003")
    lines = [b.location.line for b in doc.blocks]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)
    for k, t in enumerate(_tables(doc)):
        assert t.location.table == k
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row):
                loc = cell.location
                assert (loc.table, loc.row, loc.column) == (k, r, c)
                assert loc.page is not None and loc.line == t.location.line + r
    assert {b.location.page for b in doc.blocks} == {1, 2, 3, 4, 5, 6}


def test_real_pdf_speed():
    path = CORPUS / "r003.pdf"
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")
    start = time.perf_counter()
    READER.read(path.read_bytes(), str(path))
    assert time.perf_counter() - start < 10.0


# --------------------------------------------------------------------------------------------
# hand-made PDFs: a minimal writer with the standard Chinese font STSong-Light (not embedded: text
# extraction needs only the CMap, which pdfminer ships)

def make_pdf(pages: list[list[tuple]], *, encrypt: bool = False, image_only: bool = False) -> bytes:
    """pages: lists of ('t', x, top, size, text) and ('l', x0, top0, x1, top1), in points from the
    top-left corner of an A4 page."""
    objs: list[bytes] = [*CJK_FONT, b""]  # objects 1-3: the font; 4: the page tree, filled in below

    def add(obj: bytes) -> int:
        objs.append(obj)
        return len(objs)

    height = 842
    kids = []
    for ops in pages:
        out = []
        for op in ops:
            if op[0] == "t":
                _, x, top, size, text = op
                out.append(f"BT /F1 {size} Tf {x} {height - top - size} Td <{text.encode('utf-16-be').hex()}> Tj ET")
            else:
                _, x0, y0, x1, y1 = op
                out.append(f"0.8 w {x0} {height - y0} m {x1} {height - y1} l S")
        content = "\n".join(out).encode()
        resources = b"<< /Font << /F1 1 0 R >> >>"
        if image_only:  # a scan: one image, no text
            img = add(b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                      b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream")
            content = b"q 400 0 0 600 100 100 cm /Im1 Do Q"
            resources = b"<< /XObject << /Im1 %d 0 R >> >>" % img
        c = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        kids.append(add(b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>"
                        % (resources, c)))
    objs[3] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    root = add(b"<< /Type /Catalog /Pages 4 0 R >>")
    extra = b""
    if encrypt:  # standard security handler with a user password we do not know
        enc = add(b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <" + b"11" * 32 + b"> /U <"
                  + b"22" * 32 + b"> >>")
        extra = b" /Encrypt %d 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]" % enc
    buf = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(buf))
        buf += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(buf)
    buf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    buf += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, root, extra, xref)
    return buf


def _num(cx: float, top: float, text: str, size: float = 10) -> tuple:
    """A number centred on cx (latin glyphs are half an em wide in this font)."""
    return ("t", cx - len(text) * size / 4, top, size, text)


def _body(top: float, text: str, indent: bool = False) -> tuple:
    return ("t", 104 if indent else 80, top, 12, text)


# 表三 without ruling lines, over two pages, with a page number between the parts
A_COLS = [320, 355, 390, 425, 460, 495, 530]
# 表四 without ruling lines: 15 columns; one cell left blank in a single data row
R_COLS = [70 + 32 * k for k in range(15)]


def _unruled_report() -> bytes:
    p1 = [("t", 120, 60, 18, "示例县人民政府2023年政府信息公开工作年度报告"),
          ("t", 80, 110, 16, "三、收到和处理政府信息公开申请情况"),
          ("t", 60, 150, 9, "（本列数据的勾稽关系为：第一项加第二项之和，"),
          ("t", 60, 161, 9, "等于第三项加第四项之和）"),
          ("t", 402, 140, 9, "申请人情况"),
          ("t", 392, 160, 9, "法人或其他组织"),
          ("t", 306.5, 185, 9, "自然人")]
    for cx, (a, b) in zip(A_COLS[1:6], [("商业", "企业"), ("科研", "机构"), ("社会", "公益"), ("法律", "服务"), ("", "其他")],
                          strict=True):
        if a:
            p1.append(("t", cx - 9, 180, 9, a))
        p1.append(("t", cx - 9, 191, 9, b))
    p1.append(("t", A_COLS[6] - 9, 185, 9, "总计"))

    def nums(top, values, page):
        for cx, v in zip(A_COLS, values, strict=True):
            if v:
                page.append(_num(cx, top, v))

    p1 += [("t", 60, 220, 10, "一、本年新收政府信息公开申请数量")]
    nums(220, ["21", "1", "0", "0", "0", "0", "22"], p1)
    p1 += [("t", 60, 240, 10, "二、上年结转政府信息公开申请数量")]
    nums(240, ["0"] * 7, p1)
    # vertical text: one character per line, in a column of its own
    p1 += [("t", 66, 262 + 11 * k, 10, ch) for k, ch in enumerate("三、本年度办理结果")]
    p1 += [("t", 90, 262, 10, "（一）予以公开")]
    nums(262, ["5", "0", "0", "0", "0", "0", "5"], p1)
    # a label that wraps around its numbers
    p1 += [("t", 90, 279, 10, "（二）部分公开（区分处理的，只"), ("t", 90, 293, 10, "计这一情形，不计其他情形）")]
    nums(286, ["4", "1", "0", "0", "0", "0", "5"], p1)
    p1 += [("t", 90, 320, 10, "（三）不予公开"), ("t", 170, 310, 10, "1.属于国家秘密"),
           ("t", 170, 330, 10, "2.其他法律行政法规禁止公开")]
    nums(310, ["1", "0", "0", "0", "0", "0", "1"], p1)
    nums(330, ["2", "0", "0", "0", "0", "0", "2"], p1)
    p1 += [("t", 280, 800, 10, "— 1 —")]
    p2 = [("t", 170, 60, 10, "3.危及“三安全一稳定”")]
    nums(60, ["3", "0", "", "0", "0", "0", "3"], p2)  # 科研机构 left blank
    p2 += [("t", 60, 80, 10, "四、结转下年度继续办理")]
    nums(80, ["6", "0", "0", "0", "0", "0", "6"], p2)
    p2 += [("t", 80, 120, 16, "四、政府信息公开行政复议、行政诉讼情况"),
           ("t", R_COLS[2] - 18, 150, 9, "行政复议"), ("t", R_COLS[10] - 18, 150, 9, "行政诉讼"),
           ("t", R_COLS[7] - 36, 165, 9, "未经复议直接起诉"), ("t", R_COLS[12] - 22.5, 165, 9, "复议后起诉")]
    for k, cx in enumerate(R_COLS):
        a, b = [("结果", "维持"), ("结果", "纠正"), ("其他", "结果"), ("尚未", "审结"), ("", "总计")][k % 5]
        if a:
            p2.append(("t", cx - 9, 185, 9, a))
            p2.append(("t", cx - 9, 196, 9, b))
        else:
            p2.append(("t", cx - 9, 190, 9, b))
    values = ["2", "1", "0", "0", "3", "1", "0", "_", "0", "1", "0", "0", "0", "0", "0"]
    p2 += [_num(cx, 225, v) for cx, v in zip(R_COLS, values, strict=True) if v != "_"]
    p2 += [("t", 80, 270, 16, "五、存在的主要问题及改进情况"),
           _body(300, "本年度依申请公开工作仍有不足，答复文书规范性有待提升，下一步将加", indent=True),
           _body(322, "强培训，提升公开质量，做到应公开尽公开，依申请公开答复规范及时准确，"),
           _body(344, "群众满意。"),
           _body(366, "3"),
           ("t", 380, 400, 12, "示例县人民政府"),
           ("t", 380, 422, 12, "二〇二四年一月二十日"),
           ("t", 280, 800, 10, "第 2 页")]
    return make_pdf([p1, p2])


def test_unruled_tables_by_word_position():
    doc = READER.read(_unruled_report(), "hand.pdf")
    t = _find_table(doc, "本年新收")
    assert t.location.page == 1
    got = {}
    for key, pattern in ROW_LABELS.items():
        rows = [row for row in t.rows if re.search(pattern, _innermost_label(row, 7))]
        if rows:
            assert len(rows) == 1, key
            got[key] = [c.text for c in rows[0][-7:]]
    assert got == {
        "new_received": ["21", "1", "0", "0", "0", "0", "22"], "carried_over": ["0"] * 7,
        "granted": ["5", "0", "0", "0", "0", "0", "5"], "partially_granted": ["4", "1", "0", "0", "0", "0", "5"],
        "denied_state_secret": ["1", "0", "0", "0", "0", "0", "1"],
        "denied_prohibited_by_law": ["2", "0", "0", "0", "0", "0", "2"],
        "denied_three_securities": ["3", "0", "", "0", "0", "0", "3"],  # the blank stays in its column
        "carried_forward": ["6", "0", "0", "0", "0", "0", "6"],
    }
    labels = [_innermost_label(row, 7) for row in t.rows]
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels
    assert any(c.origin and c.text == "三、本年度办理结果" for row in t.rows for c in row)
    leaf = next(row for row in t.rows if any(c.text == "商业企业" for c in row))
    assert [c.text for c in leaf[-7:]] == ["自然人", "商业企业", "科研机构", "社会公益", "法律服务", "其他", "总计"]
    # the part on page 2 joined the table, the page number between the parts is gone
    assert {row[-1].location.page for row in t.rows} == {1, 2}
    texts = [c.text for b in _tables(doc) for row in b.rows for c in row] + \
        [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert not any("— 1 —" in x or "第 2 页" in x or x == "—1—" for x in texts)

    r = _find_table(doc, "复议后起诉")
    assert [c.text for c in r.rows[-1]] == "2 1 0 0 3 1 0 _ 0 1 0 0 0 0 0".replace("_", "").split(" ")
    assert [c.text for c in r.rows[-2]] == REVIEW_LEAVES


def test_paragraphs_title_and_signature():
    doc = READER.read(_unruled_report(), "hand.pdf")
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paras[0] == "示例县人民政府2023年政府信息公开工作年度报告"
    assert doc.meta["title"][0] == paras[0]
    assert "三、收到和处理政府信息公开申请情况" in paras
    assert ("本年度依申请公开工作仍有不足，答复文书规范性有待提升，下一步将加强培训，提升公开质量，做到应公开尽公开，"
            "依申请公开答复规范及时准确，群众满意。") in paras
    assert "3" in paras  # a lone number inside the page is text, only the page number at the foot goes
    assert doc.meta["signed_on"][:2] == ("2024-01-20", "signature")
    assert "pdf_created" not in doc.meta  # this file carries no CreationDate


# --------------------------------------------------------------------------------------------
# input that cannot be read

def _error(data: bytes, **kw) -> InputError:
    with pytest.raises(InputError) as exc:
        READER.read(data, "x.pdf", **kw)
    assert exc.value.zh and exc.value.en
    return exc.value


def test_scanned_pdf_has_no_text_layer():
    e = _error(make_pdf([[("t", 80, 80, 12, "扫描")]], image_only=True))
    assert e.code == "scanned-pdf" and "OCR" in e.zh and "文字层" in e.zh and "OCR" in e.en


def test_encrypted_and_corrupt_pdf():
    assert _error(make_pdf([[("t", 80, 80, 12, "加密")]], encrypt=True)).code == "encrypted-pdf"
    assert _error(b"%PDF-1.4\nthis is not a pdf at all\n").code == "corrupt-pdf"
    good = make_pdf([[("t", 80, 80, 12, "正文")]])
    assert _error(good[: len(good) // 2]).code == "corrupt-pdf"


def test_budgets():
    two = make_pdf([[("t", 80, 80, 12, "第一页")], [("t", 80, 80, 12, "第二页")]])
    assert _error(two, max_pages=1).code == "pdf-too-large"
    assert _error(two, time_budget=-1.0).code == "too-slow"
    doc = READER.read(two, "x.pdf")
    assert [b.location.page for b in doc.blocks] == [1] and doc.blocks[0].text == "第一页第二页"


def test_sniff_and_detect():
    head = make_pdf([[("t", 80, 80, 12, "正文")]])[:64]
    assert READER.sniff(head) and not READER.sniff(b"<html>")
    assert detect_format("report.bin", head) == "pdf"
    assert READER.name == "pdf" and READER.extensions == (".pdf",)


# --------------------------------------------------------------------------------------------
# end to end: the model the builder makes from the PDF carries the hand-read cells

APP_COLUMNS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]
REVIEW_KEYS = [(g, c) for g in ("review", "litigation_direct", "litigation_after_review")
               for c in ("upheld", "corrected", "other", "pending", "total")]


@pytest.mark.parametrize("name", ["r001", "r002", "r003"])
def test_real_pdf_model_cells(name):
    path = CORPUS / f"{name}.pdf"
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")
    from report_lint.parsing import parse

    report = parse(path)
    apps = report.tables.applications
    want = HAND[name]["applications"]
    assert set(apps) == set(want)
    for key, cells in want.items():
        assert [apps[key][c].raw for c in APP_COLUMNS] == cells, key
        assert all(apps[key][c].location.page for c in APP_COLUMNS), key
    reviews = report.tables.reviews
    assert [reviews[g][c].raw for g, c in REVIEW_KEYS] == HAND[name]["reviews"]


# --------------------------------------------------------------------------------------------
# PDFium reads the pages (readers/pdf_pdfium.py); pdfminer reads what PDFium cannot. Both must give the
# reader the same characters and rulings, so the same document comes out either way.

def _read_both(data: bytes, rulings: bool = True) -> tuple[Document, Document]:
    from report_lint.readers import pdf

    used = []
    real = pdf._open_pdfium

    def spy(*args):
        got = real(*args)
        used.append(got is not None)
        return got

    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(pdf, "_open_pdfium", spy)
        fast = READER.read(data, "x.pdf", rulings=rulings)
        assert used == [True], "PDFium was not used"
        mp.setattr(pdf, "_open_pdfium", lambda *args: None)
        slow = READER.read(data, "x.pdf", rulings=rulings)
    finally:
        mp.undo()
    return fast, slow


def _pdf_samples() -> list:
    from test_same_model_across_formats import GENERATED

    samples = [pytest.param(_unruled_report, id="hand-unruled"),
               pytest.param(lambda: make_pdf([[("t", 80, 80, 12, "第一页")], [("t", 80, 80, 12, "第二页")]]),
                            id="hand-two-pages")]
    samples += [pytest.param(p.read_bytes, id=p.name) for p in sorted(GENERATED.glob("*.pdf"))]
    samples += [pytest.param((CORPUS / f"{n}.pdf").read_bytes, id=n,
                             marks=pytest.mark.skipif(not (CORPUS / f"{n}.pdf").is_file(), reason="no corpus"))
                for n in ("r001", "r002", "r003")]
    return samples


@pytest.mark.parametrize("rulings", [True, False], ids=["ruled", "unruled"])
@pytest.mark.parametrize("build", _pdf_samples())
def test_pdfium_and_pdfminer_give_the_same_document(build, rulings):
    fast, slow = _read_both(build(), rulings)
    assert fast == slow


def test_pdfium_page_geometry_matches_pdfminer():
    """Character boxes, sizes and ruling segments agree to a thousandth of a point (PDFium computes in
    single precision); a vertical-writing label (r001's 三、本年度办理结果) and LibreOffice's fonts without
    a descent are among them."""
    import io

    import pdfplumber

    from report_lint.readers import pdf, pdf_pdfium

    paths = [p for p in (CORPUS / "r001.pdf",) if p.is_file()]
    from test_same_model_across_formats import GENERATED

    paths += sorted(GENERATED.glob("*.pdf"))[:1]
    for path in paths:
        data = path.read_bytes()
        plumber = pdfplumber.open(io.BytesIO(data))
        with pdf_pdfium.Document(data) as doc:
            descents: dict = {}
            for k, page in enumerate(plumber.pages):
                obj = page.page_obj
                geo = pdf_pdfium.geometry(obj.mediabox, obj.rotate, page.mediabox, page.width, page.height)
                got = doc.page(k, pdf_pdfium.font_descents(obj.resources, descents), geo)
                want = page.chars
                assert [c["text"] for c in got["chars"]] == [c["text"] for c in want], (path.name, k)
                for a, b in zip(got["chars"], want, strict=True):
                    for key in ("x0", "x1", "top", "bottom", "size"):
                        assert abs(a[key] - b[key]) < 1e-3, (path.name, k, b["text"], key, a[key], b[key])
                want_edges = pdf._edges({key: page.objects.get(key, []) for key in ("line", "rect", "curve")})
                got_edges = pdf._edges(got["objects"])
                for g, w in zip(got_edges, want_edges, strict=True):
                    assert len(g) == len(w)
                    assert all(abs(x - y) < 1e-3 for s, t in zip(g, w, strict=True) for x, y in zip(s, t, strict=True))
        plumber.close()


def test_pdfminer_reads_what_pdfium_counts_differently():
    # a page tree whose kids loop: PDFium counts two pages, pdfminer (which keeps a visited set) one;
    # pdfminer's reading stands
    from hostile import all_cases

    data = all_cases()["pdf-kids-loop"][1]()
    from report_lint.readers import pdf

    used = []
    real = pdf._open_pdfium
    mp = pytest.MonkeyPatch()
    mp.setattr(pdf, "_open_pdfium", lambda *args: used.append(real(*args)))
    try:
        doc = READER.read(data, "x.pdf")
    finally:
        mp.undo()
    assert used == [None]
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["正文"]


def test_pypdfium2_is_imported_only_when_a_pdf_is_read():
    import subprocess
    import sys

    code = ("import sys\n"
            "from report_lint.parsing import parse_bytes\n"
            "from report_lint.readers import pdf\n"
            "parse_bytes('一、总体情况'.encode(), 'a.txt')\n"
            "before = 'pypdfium2' in sys.modules\n"
            "pdf.READER.read(sys.stdin.buffer.read(), 'x.pdf')\n"
            "print(before, 'pypdfium2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], input=make_pdf([[("t", 80, 80, 12, "正文")]]),
                         capture_output=True, check=True).stdout
    assert out.decode().strip() == "False True"


def test_pdfium_glyphs_that_map_to_several_characters():
    """A ligature (fl) and a character outside the BMP (𠀀, two UTF-16 halves in the ToUnicode map) are one
    glyph each, as pdfminer reads them; a CID without a ToUnicode entry is decoded through the font's
    character collection (Adobe-GB1 CID 4 is #), where pdfminer gave up with (cid:4)."""
    from hostile import pdf_file, stream

    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def 1 begincodespacerange "
            b"<0000> <FFFF> endcodespacerange 3 beginbfchar <0001> <D840DC00> <0002> <4E00> <0003> <0066006C> "
            b"endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
    objs = [
        (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H /DescendantFonts [2 0 R] "
         b"/ToUnicode 7 0 R >>"),
        *CJK_FONT[1:],
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 1 0 R >> >> "
         b"/Contents 6 0 R >>"),
        stream(b"BT /F1 12 Tf 80 700 Td <000200010002000300020004> Tj ET"),
        stream(cmap),
        b"<< /Type /Catalog /Pages 4 0 R >>",
    ]
    fast, slow = _read_both(pdf_file(objs, 8))
    assert [b.text for b in fast.blocks] == ["一𠀀一fl一#"]
    assert [b.text for b in slow.blocks] == ["一𠀀一fl一(cid:4)"]


def test_pdfium_reads_text_drawn_twice_for_bold_once():
    """Fake bold: the same line drawn twice, 0.3 pt apart. PDFium keeps one copy of a text object drawn
    again at (nearly) the same place; pdfminer read both and doubled every character."""
    from hostile import one_page_pdf, text_ops

    line = "政府信息公开工作年度报告"
    fast, slow = _read_both(one_page_pdf(text_ops(line, 80, 700) + b"\n" + text_ops(line, 80.3, 700)))
    assert [b.text for b in fast.blocks] == [line]
    assert [b.text for b in slow.blocks] == ["".join(ch * 2 for ch in line)]
