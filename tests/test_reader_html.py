"""HTML reader: hand-written fixtures (tests/fixtures/html) and the real HTML reports of the corpus."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report_lint.document import Paragraph, Table
from report_lint.errors import InputError
from report_lint.readers import detect_format, reader
from report_lint.readers.html import READER

FIXTURES = Path(__file__).parent / "fixtures" / "html"
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"


def read_fixture(name: str):
    path = FIXTURES / name
    return READER.read(path.read_bytes(), str(path))


def read_corpus(rel: str):
    path = CORPUS / rel
    if not path.exists():
        pytest.skip(f"corpus file {path} not available")
    return READER.read(path.read_bytes(), str(path))


def read_html(html: str):
    return READER.read(html.encode("utf-8"), "inline.html")


def paragraphs(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def shape(table: Table) -> tuple[int, int]:
    return len(table.rows), len(table.rows[0])


def row_starting(table: Table, label: str) -> list[str]:
    for row in table.rows:
        if row[0].text.startswith(label):
            return [c.text for c in row]
    raise AssertionError(f"no row starting with {label!r} in {texts(table)}")


def all_text(doc) -> str:
    return doc.plain_text()


# ------------------------------------------------------------------------------------------ registry

def test_registered_and_sniffed():
    assert reader("html") is READER
    assert READER.name == "html"
    assert set(READER.extensions) == {".html", ".htm", ".shtml", ".xhtml"}
    assert READER.sniff(b"<!DOCTYPE html><html>")
    assert READER.sniff(b"\xef\xbb\xbf  <html lang='zh'>")
    assert READER.sniff(b"<p style='text-align: center'>2019\xe5\xb9\xb4</p>")  # r014 is a bare fragment
    assert READER.sniff(b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'>")
    assert not READER.sniff("一、总体情况\n本年度……".encode())
    assert not READER.sniff(b"%PDF-1.7")
    assert detect_format("r014.html", b"<p style='text-align: center'>") == "html"
    assert detect_format("page.txt", b"<!DOCTYPE html><html>") == "html"


# ------------------------------------------------------------------------------------------ encodings

@pytest.mark.parametrize("name", ["gbk_charset.html", "gbk_no_charset.html"])
def test_gbk_page_with_and_without_charset(name):
    doc = read_fixture(name)
    assert doc.format == "html"
    assert paragraphs(doc)[:3] == ["一、总体情况", "本年度主动公开政府信息36条。", "三、收到和处理政府信息公开申请情况"]
    (t,) = tables(doc)
    assert shape(t) == (4, 10)
    assert row_starting(t, "一、本年新收")[3:] == ["5", "1", "0", "0", "0", "0", "6"]
    assert doc.meta["title"][0] == "某某县统计局2021年政府信息公开工作年度报告"
    assert doc.meta["published_on"][:2] == ("2022-01-20", "page-metadata-table")
    assert doc.meta["organ"][0] == "某某县统计局"
    # navigation and footer chrome stay out of the report
    assert "首页" not in all_text(doc) and "版权所有" not in all_text(doc)


# ------------------------------------------------------------------------------------------ grids

def test_rowspan_colspan_grid_inside_layout_table():
    doc = read_fixture("grid.html")
    t2, t4 = tables(doc)
    assert [b.location.table for b in (t2, t4)] == [0, 1]
    assert shape(t2) == (4, 4)
    assert texts(t2)[2] == ["规章", "1", "0", "7"]
    # colspan=4 heading: one origin and three copies carrying its text
    assert [c.origin for c in t2.rows[0]] == [True, False, False, False]
    assert {c.text for c in t2.rows[0]} == {"第二十条第（一）项"}

    assert shape(t4) == (4, 15)
    assert texts(t4)[3] == ["1", "0", "0", "2", "3", "0", "0", "0", "1", "1", "0", "0", "0", "0", "0"]
    # rowspan=2 labels are copied down into row 2 with origin=False
    assert texts(t4)[2][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert not any(c.origin for c in t4.rows[2][:5])
    assert all(c.origin for c in t4.rows[2][5:])
    # every slot knows its grid position; origins and copies alike
    for r, row in enumerate(t4.rows):
        for c, cell in enumerate(row):
            assert (cell.location.table, cell.location.row, cell.location.column) == (1, r, c)
            assert cell.location.line is not None
    # the layout wrapper's own text is emitted as paragraphs around the tables, its sidebar is not
    assert paragraphs(doc) == ["二、主动公开政府信息情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]


def test_layout_table_text_becomes_paragraphs_and_inner_table_a_table():
    doc = read_html(
        "<table><tr><td><p>前言文字</p>说明一行<br>第二行"
        "<table><tr><td>项目</td><td>数量</td></tr><tr><td>规章</td><td>3</td></tr></table>"
        "<p>结尾文字</p></td></tr></table>")
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["paragraph", "paragraph", "paragraph", "table", "paragraph"]
    assert paragraphs(doc) == ["前言文字", "说明一行", "第二行", "结尾文字"]
    assert texts(tables(doc)[0]) == [["项目", "数量"], ["规章", "3"]]
    assert [b.location.paragraph for b in doc.blocks if isinstance(b, Paragraph)] == [0, 1, 2, 3]


def test_ragged_rows_are_padded():
    doc = read_html("<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>1</td></tr></table>")
    t = tables(doc)[0]
    assert texts(t) == [["a", "b", "c"], ["1", "", ""]]
    assert [c.origin for c in t.rows[1]] == [True, False, False]


# ------------------------------------------------------------------------------------------ Word markup

def test_word_markup_spans_join_without_spaces():
    doc = read_fixture("word_spans.html")
    ps = paragraphs(doc)
    assert ps[0] == "三、收到和处理政府信息公开申请情况"
    assert ps[1].startswith("2023年共收到申请12件，")  # “2023”+“年共收到申请”+“12”+“件，”
    (t,) = tables(doc)
    assert texts(t) == [["自然人", "商业 企业", "总计"], ["12", "", "12"]]  # &nbsp; → ""; 　12&nbsp; → "12"
    # <br>-separated lines are separate paragraphs, all on the source line of the <p>
    i = ps.index("落款：某某局")
    assert ps[i:i + 3] == ["落款：某某局", "2024年1月20日", "（此件公开发布）"]
    # script/style text never reaches the document
    assert "var x" not in all_text(doc) and "margin" not in all_text(doc)
    assert doc.meta["published_on"] == ("2024-01-26", "page-meta", "PubDate: 2024/01/26 14:58")
    assert doc.meta["title"][:2] == ("某某局2023年政府信息公开工作年度报告", "page-meta")
    # 成文日期 is the signing date, kept apart from the publication date
    assert doc.meta["signed_on"][:2] == ("2024-01-20", "page-metadata-table")


def test_whitespace_collapses_and_invisible_characters_vanish():
    doc = read_html("<p>自\u200b然\n\n   人\u3000\u3000申请</p><p>&nbsp;&nbsp;</p><p>a\tb</p>")
    assert paragraphs(doc) == ["自然 人 申请", "a b"]


# ------------------------------------------------------------------------------------------ pages

def test_page_with_no_report_still_reads():
    doc = read_fixture("no_report.html")
    assert tables(doc) == []
    assert paragraphs(doc) == ["3月11日，我县召开春季植树造林动员会，部署今年植树造林工作。",
                               "会议要求，各乡镇要压实责任，确保完成年度造林任务。"]
    assert doc.meta["published_on"][0] == "2024-03-12"
    assert doc.meta["title"] == ("我县召开春季植树动员会", "page-title", "我县召开春季植树动员会_某某县人民政府网")


@pytest.mark.parametrize(("name", "code"), [
    ("empty.html", "empty-file"),
    ("blank.html", "empty-file"),
    ("binary.html", "binary-file"),
    ("not_html.html", "not-html"),
    ("no_text.html", "no-text"),
])
def test_unreadable_pages_raise_one_line_input_error(name, code):
    with pytest.raises(InputError) as info:
        read_fixture(name)
    err = info.value
    assert err.code == code
    assert name in err.zh and name in err.en
    assert "\n" not in err.zh and "\n" not in err.en


def test_hidden_duplicate_is_dropped_but_a_hidden_only_copy_is_kept():
    report = "<p>一、总体情况</p><p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>"
    doc = read_html(f"<div id='print' style='display: none'>{report}</div><div class='text'>{report}</div>")
    assert paragraphs(doc) == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
    doc = read_html(f"<div class='viewer'>附件预览</div><div hidden>{report}</div>")
    assert paragraphs(doc) == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]


def test_hidden_styles_any_case_and_folded_letters_but_not_other_none():
    # the hidden-style search runs on the page (then its style values) lower-cased; re.I also folds ſ with s,
    # and a character reference spells a letter the page's text does not show
    report = "<p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
    for style in ("DISPLAY : NONE", "visibility:Hidden", "di\u017fplay:none", "di&#115;play:none"):
        doc = read_html(f"<div style='{style}'>{report}<p>副本</p></div><div>{report}</div>")
        assert paragraphs(doc) == ["一、总体情况", "二、主动公开政府信息情况"], style
    doc = read_html(f"<div style='border:none'>{report}<p style='display:block'>落款</p></div>")
    assert paragraphs(doc) == ["一、总体情况", "二、主动公开政府信息情况", "落款"]


def test_cell_text_breaks_inside_a_cell_are_spaces_at_its_edges_nothing():
    # cells read in one piece (wrappers, no breaks) and cells read break by break agree
    doc = read_html("<table><tr><td><p>甲</p><p>乙</p></td><td> <p> 12 </p> </td><td>x<p>1</p></td></tr>"
                    "<tr><td><span>a<br>b</span></td><td><div><p><b>3</b>4</p></div></td>"
                    "<td><p>5</p>6</td></tr></table>")
    (t,) = tables(doc)
    assert texts(t) == [["甲 乙", "12", "x 1"], ["a b", "34", "5 6"]]


def test_paragraph_line_is_that_of_its_first_text():
    # the line of the element holding the first non-blank text (a tail counts as its element's line)
    doc = read_html("<p>\n<span>\n</span>\n<span>一、总体情况</span></p>\n<p><b></b>\n\n二、主动公开</p>")
    assert [(b.text, b.location.line) for b in doc.blocks] == [("一、总体情况", 4), ("二、主动公开", 5)]


def test_tag_names_compare_lower_cased_kelvin_sign_included():
    # libxml2 lower-cases ASCII only; "lin\u212a" (Kelvin sign) lower-cases to "link", which is dropped
    doc = read_html("<p>一、总体情况</p><lin\u212a>链接</lin\u212a><p>二、主动公开政府信息情况</p>")
    assert "链接" not in all_text(doc)


def test_metadata_in_an_html5_header_and_signing_date_kept_apart():
    doc = read_html(
        "<nav><a>首页</a></nav><article><header><h1>某某镇人民政府2020年政府信息公开工作年度报告</h1>"
        "<p>成文日期：2021-01-10　发布日期：2021年1月29日　信息来源：某某镇人民政府</p></header>"
        "<div><p>一、总体情况</p><p>二、主动公开政府信息情况</p></div></article><footer>来源：本网</footer>")
    assert paragraphs(doc) == ["一、总体情况", "二、主动公开政府信息情况"]
    assert doc.meta["title"] == ("某某镇人民政府2020年政府信息公开工作年度报告", "page-heading",
                                 "某某镇人民政府2020年政府信息公开工作年度报告")
    assert doc.meta["published_on"] == ("2021-01-29", "page-metadata-table", "发布日期：2021年1月29日")
    assert doc.meta["signed_on"][0] == "2021-01-10"
    assert doc.meta["organ"][0] == "某某镇人民政府"
    split_line = read_html("<div><span>发布日期：\n    2020-01-31</span></div><p>一、总体情况</p>")
    assert split_line.meta["published_on"][0] == "2020-01-31"
    only_signed = read_html("<p>成文日期：2021-01-10</p><p>一、总体情况</p>")
    assert "published_on" not in only_signed.meta and only_signed.meta["signed_on"][0] == "2021-01-10"


def test_images_in_the_article_are_reported():
    doc = read_html("<div><p>一、总体情况</p><p>二、主动公开政府信息情况</p><img src='t2.png'></div>")
    assert [w[0] for w in doc.warnings] == ["html-images"]


# ------------------------------------------------------------------------------------------ guard rails

def test_deep_nesting_does_not_hang_and_says_what_was_lost():
    html = "<p>前文</p>" + "<div><span>" * 3000 + "深层" + "</span></div>" * 3000 + "<p>后文</p>"
    start = time.perf_counter()
    doc = read_html(html)
    assert time.perf_counter() - start < 5
    assert paragraphs(doc)[0] == "前文"
    assert [w[0] for w in doc.warnings] == ["html-truncated"]
    with pytest.raises(InputError) as info:
        read_html("<div>" * 5000 + "x" + "</div>" * 5000)
    assert info.value.code == "html-too-deep"


def test_large_page_reads_in_linear_time():
    unit = ("<div><p>段落<span>文字</span>。</p><table><tr><td>规章</td><td>1</td></tr>"
            "<tr><td>规范性文件</td><td>2</td></tr></table></div>")
    start = time.perf_counter()
    doc = read_html("<html><body>" + unit * 3000 + "</body></html>")
    assert time.perf_counter() - start < 10
    assert len(tables(doc)) == 3000 and len(paragraphs(doc)) == 3000


def test_control_characters_in_removed_element_tails():
    # libxml2 keeps \x0b in text, lxml refuses to set it back: removing a <script> must not crash
    doc = read_html("<p>一、总体情况</p><script>x</script>\x0b尾部文字<p>二、主动公开政府信息情况</p>")
    assert "尾部文字" in paragraphs(doc)


_SOUP = ["<p>", "</p>", "<div>", "</div>", "<table>", "</table>", "<tr>", "</tr>", "<td rowspan=2>",
         "<td colspan='3'>", "<td rowspan=0>", "<td colspan=x>", "</td>", "<td>", "<th>", "<tbody>", "<span>",
         "</span>", "<br>", "<o:p>", "</o:p>", "一、总体情况", "发布日期：2021-13-45", "发布日期：2021-01-02",
         "&nbsp;", "\u3000", "数字12", "<nav>", "</nav>", "<script>", "</script>", "<style>", "<!--", "-->",
         "<?xml version='1.0' encoding='gbk'?>", "<meta name=PubDate content='2020-02-30'>", "<h1>", "</h1>",
         "报告", "<caption>表</caption>", "<img src=x>", "<div style='display:none'>", "第二十条", "\x0b", "<", ">",
         "<footer>", "</footer>", "<title>t_报告</title>", "\r"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_SOUP), min_size=1, max_size=60))
def test_tag_soup_reads_or_fails_cleanly(tokens):
    try:
        doc = read_html("".join(tokens))
    except InputError as err:
        assert "\n" not in err.zh and "\n" not in err.en  # noqa: PT017 - an error is one allowed outcome, not the expected one
        return
    for t in tables(doc):
        assert all(len(row) == len(t.rows[0]) for row in t.rows)
    assert all(isinstance(b, (Paragraph, Table)) for b in doc.blocks)


# ------------------------------------------------------------------------------------------ corpus

def test_r014_fragment_no_charset_nbsp_cells():
    doc = read_corpus("r014.html")
    t2, t3, t4 = tables(doc)
    assert shape(t2) == (18, 5)
    assert row_starting(t2, "规章") == ["规章", "13", "13", "13", "524"]  # 本年新公开数量 spans two columns
    assert row_starting(t2, "政府集中采购") == ["政府集中采购", "6", "6", "251000元", "251000元"]
    # 表三: three label columns, then 7 numeric columns; blank (&nbsp;) cells are ""
    assert shape(t3) == (26, 10)
    assert row_starting(t3, "一、本年新收")[3:] == ["821", "35", "", "", "2", "1", "859"]
    assert row_starting(t3, "二、上年结转")[3:] == ["18", "", "", "", "", "", "18"]
    assert row_starting(t3, "四、结转下年度")[3:] == ["72", "", "", "", "", "", "72"]
    seventh = next(row for row in texts(t3) if row[1] == "（七）总计")
    assert seventh[0] == "三、本年度办理结果" and seventh[3:] == ["767", "35", "", "", "2", "1", "805"]
    secret = next(row for row in texts(t3) if row[2] == "1.属于国家秘密")
    assert secret[:4] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "14"]
    assert texts(t3)[2][3:10] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert shape(t4) == (4, 15)
    assert texts(t4)[3][:10] == ["5", "", "", "2", "7", "8", "", "", "1", "9"]
    ps = paragraphs(doc)
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、政府信息公开工作存在的主要问题及改进情况",
                    "六、其他需要报告的事项"):
        assert heading in ps
    assert doc.meta["published_on"] == ("2020-01-31", "page-metadata-table", "发布日期：2020-01-31")
    assert doc.meta["title"][0] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"


def test_r015_full_portal_page_word_markup():
    doc = read_corpus("r015.html")
    t2, t3, t4 = tables(doc)
    assert shape(t2) == (14, 4)
    assert row_starting(t2, "规范性文件") == ["规范性文件", "8", "0", "18"]
    assert shape(t3) == (28, 10)
    assert texts(t3)[1][3] == "自然人"  # “自然”+“人” across spans
    assert row_starting(t3, "一、本年新收")[3:] == ["26", "", "", "", "", "", "26"]
    assert next(r for r in texts(t3) if r[1] == "（一）予以公开")[3:] == ["26", "", "", "", "", "", "26"]
    assert shape(t4) == (4, 15)
    assert texts(t4)[3] == ["0", "0", "0", "1", "1"] + ["0"] * 10
    ps = paragraphs(doc)
    assert "三、收到和处理政府信息公开申请情况" in ps
    assert "五、存在的主要问题及整改措施" in ps
    assert ps[0].startswith("根据《中华人民共和国政府信息公开条例》")
    # the portal chrome, the metadata table and the crawler's wrapper are not part of the report
    body = all_text(doc)
    for chrome in ("繁體版", "走进沭阳", "索引号", "采集时间", "websiteId", "沭阳县发改局"):
        assert chrome not in body
    assert doc.meta["published_on"] == ("2024-01-17", "page-metadata-table", "公开日期：2024-01-17")
    assert doc.meta["organ"][:2] == ("沭阳县发展和改革局", "page-metadata-table")
    assert doc.meta["title"][0] == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert doc.warnings == []


PINGTAN = [
    # file, PubDate, tables, 表三 一、本年新收 row, 表四 data row
    ("80564.html", "2020-01-09", [(18, 4), (26, 10), (4, 15)], ["0"] * 7, ["0"] * 15),
    ("86535.html", "2024-01-26", [(13, 4), (28, 10), (4, 15)], ["1", "0", "0", "0", "0", "0", "1"],
     ["0", "0", "0", "0", "0", "3", "0", "0", "1", "4", "1", "0", "0", "0", "1"]),
    ("104715.html", "2026-01-20", [(13, 4), (28, 10), (4, 15), (2, 3)], ["11", "0", "0", "0", "0", "0", "11"],
     ["0"] * 15),
    ("104906.html", "2026-01-30", [(13, 4), (28, 10), (4, 15)], ["6", "0", "0", "0", "0", "0", "6"], ["0"] * 15),
]


@pytest.mark.parametrize(("name", "pubdate", "shapes", "new_received", "reviews"), PINGTAN)
def test_pingtan_original_pages(name, pubdate, shapes, new_received, reviews):
    doc = read_corpus(f"pingtan/{name}")
    ts = tables(doc)
    assert [shape(t) for t in ts] == shapes
    assert row_starting(ts[1], "一、本年新收")[3:] == new_received
    assert texts(ts[2])[3] == reviews
    assert texts(ts[0])[0][0] == "第二十条第（一）项"
    ps = paragraphs(doc)
    assert "三、收到和处理政府信息公开申请情况" in " ".join(ps)
    assert ps[1] == "一、总体情况"
    assert doc.meta["published_on"][:2] == (pubdate, "page-meta")
    assert doc.meta["title"][1] == "page-meta" and "年度报告" in doc.meta["title"][0]
    # the page's toolbar and share links are chrome
    assert "QQ空间" not in all_text(doc) and "文字版" not in all_text(doc)


def test_pingtan_2019_table_values():
    doc = read_corpus("pingtan/80564.html")
    t2 = tables(doc)[0]
    assert row_starting(t2, "政府集中采购") == ["政府集中采购", "3", "147230元", "147230元"]
    assert texts(t2)[1] == ["信息内容", "本年新 制作数量", "本年新 公开数量", "对外公开总数量"]
    assert row_starting(t2, "其他对外管理服务事项") == ["其他对外管理服务事项", "0", "0", "0"]  # “　&nbsp;…0 &nbsp;”
