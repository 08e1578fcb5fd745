"""HTML reader: a report as a web page, a page fragment or a full portal page.

Steps: decode (readers/encoding.decode) → lxml parse → drop script/style/form controls and
navigation chrome → pick the article container → emit paragraphs and tables in document order,
and read page metadata (title, publication date, issuing organ) from meta tags and the portal's
metadata table or lines.

Every pass over the tree is iterative (no Python recursion) and linear in its size, so a huge or
deeply nested page cannot hang the reader or blow the stack. libxml2 caps nesting at 2048 levels and
drops what lies deeper; the reader then says so in a warning (or an error when nothing is left).
"""
from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from ..document import Document, Paragraph, Table, expand_grid
from ..errors import InputError
from ..model import Location
from . import limits
from .encoding import decode

# Never report content: dropped with their text (their tail text stays).
_HARD_DROP = frozenset({
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "base", "iframe", "frame",
    "frameset", "object", "embed", "applet", "svg", "math", "canvas", "video", "audio", "map", "select",
    "option", "optgroup", "datalist", "button", "textarea", "input",
})
# Site chrome by HTML5 semantics; dropped unless it holds the report (some sites wrap everything in one).
_SOFT_DROP = frozenset({"nav", "header", "footer", "aside"})
# Elements that start and end a line of text. Everything else (span, font, a, b, o:p, st1:chsdate,
# custom portal tags such as ucaptitle …) is inline: its text joins the neighbours without a space.
_BLOCK = frozenset({
    "html", "body", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "section", "article", "main", "header", "footer", "aside", "nav", "address",
    "center", "figure", "figcaption", "hr", "table", "tr", "td", "th", "caption", "thead", "tbody", "tfoot",
    "form", "fieldset", "legend", "details", "summary", "ucapcontent", "listing", "plaintext", "xmp",
})

_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE_CHARS}]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUNS = re.compile(_CJK.pattern + "+")
_TAG_LIKE = re.compile(r"<\s*(?:[a-zA-Z][a-zA-Z0-9:_-]*|!--|!doctype)[\s>/]", re.I)
_SNIFF = re.compile(
    rb"^\s*<(?:!doctype\s+html|html|head|body|meta|title|p|div|table|span|font|h[1-6]|br|style|script|!--)[\s>/]",
    re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# What lxml refuses to set as text (not XML 1.0 characters), though libxml2 passes it through from the
# page or from character references such as &#1; or &#xFFFE;
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Report markers: a numbered part heading at the start of a text run, and the report's tables.
_HEADING_MARK = re.compile(r"^\s*[一二三四五六]\s*[、.．]\s*\S")
_HEADING_NUMBERS = "一二三四五六"  # what _HEADING_MARK can start with, whitespace aside
_TABLE_WORDS = ("第二十条", "本年新收", "申请人情况", "行政复议", "信息内容", "予以公开", "本年新制作", "本年制发")
# Real report pages have ~2 000 elements (a Word export a few times more); past this it is not a report.
MAX_ELEMENTS = 100_000
# A cell this long is running text: the table around it is page layout, not a report table.
_MAX_DATA_CELL_CJK = 300

_DATE = re.compile(r"((?:19|20)\d\d)\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_PUB_META = ("pubdate", "publishdate", "publish_date", "publish-date", "publishtime", "firstpublishedtime",
             "article:published_time", "dcterms.issued")
# Portal metadata labels, best first. 成文日期 is the signing date, not the publication date.
_PUB_LABELS = ("发布日期", "发布时间", "公开日期")
_SIGNED_LABELS = ("成文日期",)
_ORGAN_LABELS = ("发布机构", "发文机关", "发布单位", "信息来源", "来源")
_TITLE_LABELS = ("名称", "标题", "文章标题")
_ALL_LABELS = _PUB_LABELS + _SIGNED_LABELS + _ORGAN_LABELS + _TITLE_LABELS
_LABELS_RE = "|".join(sorted(_ALL_LABELS, key=len, reverse=True))
# “发布日期：2020-01-31 来源：某局” holds two labels: a value ends where the next label starts.
_LABEL_LINE = re.compile(r"(?<![\u4e00-\u9fff])(" + _LABELS_RE + r")\s*[：:]\s*(.*?)(?=\s*(?:" + _LABELS_RE
                         + r")\s*[：:]|$)")
# A 来源 value names an organ only when it ends like one (not “本网”, not a URL).
_ORGAN_END = re.compile(r"(局|委|办|院|府|会|厅|部|所|中心|室|处|队|街道|镇|乡|区|县|市|站|馆|司|署|组)$")
_ANY_LABEL = re.compile(_LABELS_RE)
_LABEL_CJK = (min(map(len, _ALL_LABELS)), max(map(len, _ALL_LABELS)))
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s*(?<!\d)[-–—]+(?!\d)\s*")
_SHORT = 200  # metadata lines and cells are short; longer elements are content, not metadata


def _norm(s: str) -> str:
    # whitespace runs (NBSP, U+3000 and the other Unicode spaces too) become one space: str.split()
    # splits at exactly the characters a regex \s matches. translate() is slow: only when needed.
    if _INVISIBLE_RE.search(s):
        s = s.translate(_INVISIBLE)
    return " ".join(s.split())


def _span(el, name: str) -> int:
    # a browser reads the leading digits ("2px" → 2); a 5 000-digit span is only "too big"
    return limits.small_int(el.get(name), 1, 1, limits.MAX_ROWSPAN if name == "rowspan" else limits.MAX_COLSPAN,
                            prefix=True)


class _HtmlReader:
    name = "html"
    extensions = (".html", ".htm", ".shtml", ".xhtml")

    def sniff(self, head: bytes) -> bool:
        head = head.lstrip(b"\xef\xbb\xbf")
        if _SNIFF.match(head):
            return True
        low = head[:4096].lower()
        return (low.lstrip().startswith(b"<?xml") and b"<html" in low) or b"<body" in low or b"<table" in low

    def read(self, data: bytes, path: str) -> Document:
        with limits.guarded(path):
            return self._read(data, path)

    def _read(self, data: bytes, path: str) -> Document:
        text = _decode_text(data, path)
        utf8 = text.encode("utf-8", errors="replace")
        root, parse_warnings = _parse(utf8, text, path)
        n = sum(1 for _ in root.iter())
        if n > MAX_ELEMENTS:
            raise InputError("too-large-html",
                             f"{path} 网页有 {n:,} 个元素，超过上限 {MAX_ELEMENTS:,} 个，不像是一份年度报告",
                             f"{path} has {n:,} elements, over the limit of {MAX_ELEMENTS:,}: not an annual report")
        meta_tags, title_tag = _head_info(root)
        _remove_all(_outermost(root, root.iter(*_HARD_DROP)))
        body = root.find("body")
        if body is None:
            body = root
        stats = _Stats(body)
        if stats.textlen(body) == 0:
            if parse_warnings:  # libxml2 gave up before any text: say why instead of "no text"
                raise InputError("html-too-deep", f"{path} 网页标签嵌套过深（超过 2048 层），无法读取",
                                 f"{path}: the page nests its tags too deeply (over 2048 levels) to be read")
            imgs = sum(1 for _ in body.iter("img"))
            raise InputError(
                "no-text",
                f"{path} 网页中没有正文文字" + (f"（只有 {imgs} 张图片）" if imgs else "") + "，无法读取年度报告",
                f"{path}: the page has no text" + (f" (only {imgs} images)" if imgs else "") + "; no report to read")
        # Read before chrome goes: an HTML5 <header> may hold the title, and portals put the
        # publication date in article headers or in hidden elements meant for crawlers.
        # What the page's source rules out spares whole-tree searches (None: nothing ruled out). ASCII
        # lower-casing is all it takes (bytes.lower(), fast): see _FOLDS_LIKE_ASCII
        low = None if b"&#" in utf8 or any(c in text for c in _FOLDS_LIKE_ASCII) else utf8.lower()
        heading = _heading(body, stats, low)
        labelled = _labelled(body, stats)
        # Site chrome goes unless it holds the report; then count again on the cleaned tree.
        may_hide = low is None or (b"display" in low and b"none" in low) or \
            low.count(b"hidden") > sum(low.count(t) for t in _HIDDEN_INPUTS)
        hidden = _hidden(body, stats) if may_hide else []
        soft = _soft_chrome(body, stats, hidden)
        if soft:
            _remove_all(soft)
            stats = _Stats(body)
        container = _pick_container(body, stats)
        blocks, warnings = _emit(container, stats)
        meta = _metadata(meta_tags, title_tag, heading, labelled, blocks)
        return Document(blocks=blocks, format="html", meta=meta, warnings=parse_warnings + warnings)


def _decode_text(data: bytes, path: str) -> str:
    if not data.strip():
        raise InputError("empty-file", f"{path} 是空文件", f"{path} is empty")
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("binary-file", f"{path} 是二进制文件，不是网页（HTML）格式的年度报告",
                         f"{path} is a binary file, not a web-page (HTML) report")
    text, _enc = decode(data, html=True)
    head = text[:8192]
    if head and len(_CONTROL.findall(head)) > len(head) * 0.05:
        raise InputError("binary-file", f"{path} 是二进制文件，不是网页（HTML）格式的年度报告",
                         f"{path} is a binary file, not a web-page (HTML) report")
    if not text.strip():
        raise InputError("empty-file", f"{path} 是空文件", f"{path} is empty")
    if not _TAG_LIKE.search(text[:65536]):
        raise InputError("not-html", f"{path} 不是网页（HTML）文件：其中没有任何 HTML 标签",
                         f"{path} is not an HTML file: it contains no HTML tags")
    return text


def _parse(utf8: bytes, text: str, path: str):
    """Return (root, warnings). `utf8`: `text` encoded."""
    from lxml import etree

    # Hand lxml UTF-8 bytes with the encoding fixed: a <meta charset="gbk"> or an XML declaration in
    # the page must not make libxml2 decode our already-decoded text a second time. huge_tree lifts
    # libxml2's nesting cap from 256 to 2048 levels: Word pages with unclosed <font> tags nest deep,
    # and past the cap libxml2 drops the rest of the page.
    # Plain etree elements (not lxml.html's): no per-element class lookup, noticeably faster.
    global _text_of  # noqa: PLW0603
    _text_of = functools.partial(etree.tostring, method="text", encoding=str, with_tail=False)
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = etree.fromstring(utf8, parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        raise InputError("no-text", f"{path} 网页中没有可读取的内容（{exc}）",
                         f"{path}: the page has no readable content ({exc})") from None
    if root is None:
        raise InputError("no-text", f"{path} 网页中没有正文文字，无法读取年度报告",
                         f"{path}: the page has no text; no report to read")
    if "\u212a" in text:
        _lower_tags(root)
    warnings = []
    for err in parser.error_log:
        if err.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in err.message:
            warnings.append((
                "html-truncated",
                f"网页标签嵌套过深，第 {err.line} 行之后的内容未能读取",
                f"the page nests its tags too deeply; content after line {err.line} could not be read"))
            break
    return root, warnings


def _lower_tags(root) -> None:
    """libxml2 lower-cases ASCII letters in tag names, so the reader compares tags as they are (and lets
    lxml filter them in C). The one other letter str.lower() turns into ASCII is the Kelvin sign (K → k):
    such tags are renamed, as the reader has always lower-cased every tag it looked at."""
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag != tag.lower():
            with contextlib.suppress(ValueError):  # a name lxml refuses stays as it is
                el.tag = tag.lower()


def _head_info(root) -> tuple[dict[str, tuple[str, str]], str]:
    """Meta tags (lower-cased name/property → (content, name as written)) and the first <title>.
    Read before chrome is dropped: portals put meta tags in the body too."""
    metas: dict[str, tuple[str, str]] = {}
    for el in root.iter("meta"):
        name = el.get("name") or el.get("property") or el.get("itemprop")
        content = el.get("content")
        if name and content and content.strip():
            metas.setdefault(name.strip().lower(), (_norm(content), name.strip()))
    title = ""
    for el in root.iter("title"):
        title = _norm("".join(el.itertext()))
        if title:
            break
    return metas, title


def _outermost(root, candidates) -> list:
    """Of `candidates` (elements below `root`, in document order), those not inside another candidate.
    Each candidate walks up to the nearest ancestor already seen, so the walks together stay linear
    even on pages that nest 2 000 levels deep."""
    out = []
    kept: set = set()
    inside: set = set()  # ancestors already known to lie in a kept element
    clear: set = set()  # … and already known not to
    for el in candidates:
        if el is root:
            continue
        path = []
        a = el.getparent()
        hit = False
        while a is not None and a is not root:
            if a in kept or a in inside:
                hit = True
                break
            if a in clear:
                break
            path.append(a)
            a = a.getparent()
        if hit:
            inside.update(path)
            inside.add(el)
        else:
            clear.update(path)
            kept.add(el)
            out.append(el)
    return out


def _remove_all(elements: list) -> None:
    """Remove elements (none inside another) with their subtrees, keeping each one's tail text in place.
    Each parent's text is rebuilt once however many of its children go: removing them one by one and
    appending each tail to the text before it is quadratic (30 s for 40 000 <script>s)."""
    by_parent: dict = {}
    for el in elements:
        by_parent.setdefault(el.getparent(), set()).add(el)
    for parent, gone in by_parent.items():
        before = [parent.text or ""]  # the text the next tail joins: the parent's, then a kept child's tail
        holder, grew = None, False
        for child in list(parent):
            if child in gone:
                if child.tail:
                    before.append(child.tail)
                    grew = True
                parent.remove(child)
                continue
            _set_text(parent, holder, before, grew)
            holder, before, grew = child, [child.tail or ""], False
        _set_text(parent, holder, before, grew)


def _set_text(parent, holder, parts: list[str], grew: bool) -> None:
    if not grew:
        return
    # lxml refuses characters that are not XML, which libxml2 passes through (&#1;, U+FFFE)
    text = _NOT_XML.sub(" ", "".join(parts))
    if holder is None:
        parent.text = text
    else:
        holder.tail = text


# _Stats.info[el] fields: subtree totals of text length, CJK characters, report markers and the part
# of them that are report tables; flags below the element.
_TL, _CJ, _MK, _TM, _FL = range(5)
_HAS_TABLE, _HAS_BLOCK, _HAS_BREAK = 1, 2, 4  # _HAS_BREAK: a block, <br> or non-element node below
_HAS_ODD = 8  # a non-element node below (libxml2 leaves none after dropping comments): text not counted
_SELF_FLAGS = dict.fromkeys(_BLOCK, _HAS_BLOCK | _HAS_BREAK)
_SELF_FLAGS["table"] = _HAS_TABLE | _HAS_BLOCK | _HAS_BREAK
_SELF_FLAGS["br"] = _HAS_BREAK
_EMPTY = (0, 0, 0, 0, 0)


class _Stats:
    """Per-element totals computed in one bottom-up pass: text length, CJK characters, report
    markers (numbered part headings and report tables) and whether a table holds another table.
    One tuple per element (see _TL … _FL): this pass runs over every element of the page."""

    def __init__(self, root):
        from lxml import etree

        info: dict = {}
        self.info = info
        self.data_table: dict = {}  # table element → is a report-data table
        order = list(root.iter(etree.Element))
        # a non-element node (libxml2 leaves none once comments are dropped) makes its parent odd
        odd = {n.getparent() for n in root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity)}
        cjk_findall, cjk_runs_sub = _CJK.findall, _CJK_RUNS.sub
        heading = _HEADING_MARK.match
        self_flags = _SELF_FLAGS
        # Children come before their parent (reversed document order) and add their totals and tails to
        # the parent's entry here: cheaper than iterating each element's children.
        acc: dict = {}
        pop = acc.pop
        for i, el in enumerate(reversed(order)):
            if not i & 1023:
                limits.check_time()
            text = el.text or ""
            a = pop(el, None)
            if a is None:
                tl = cj = mk = tm = fl = 0
                own = text
            else:
                tl, cj, mk, tm, fl, tails = a
                if tails:  # the children's tails, last first
                    tails.append(text)
                    tails.reverse()
                    own = "".join(tails)
                else:
                    own = text
            if odd and el in odd:
                fl |= _HAS_BREAK | _HAS_ODD
            if own:
                tl += len(own.strip())
                if not own.isascii():
                    # findall makes a string per character: on longer text, delete runs and compare
                    cj += len(cjk_findall(own)) if len(own) < 8 else len(own) - len(cjk_runs_sub("", own))
            # el.text, not own: a heading number starts the element's text
            if text and (text[0] in _HEADING_NUMBERS or text[0].isspace()) and heading(text) and \
                    len(text.strip()) <= 60:
                mk += 1
            tag = el.tag
            if tag == "table":
                if fl & _HAS_TABLE:
                    self.data_table[el] = False  # wraps other tables: layout
                else:
                    is_data = self.data_table[el] = self._is_data_table(el)
                    if is_data:
                        # row labels such as 一、本年新收… are not part headings: the table counts once
                        mk = tm = 1 if self._has_table_words(el) else 0
            info[el] = (tl, cj, mk, tm, fl) if tl or cj or mk or tm or fl else _EMPTY
            if el is root:
                break
            parent = el.getparent()
            pa = acc.get(parent)
            if pa is None:
                pa = acc[parent] = [0, 0, 0, 0, 0, []]
            pa[0] += tl
            pa[1] += cj
            pa[2] += mk
            pa[3] += tm
            pa[4] |= fl | self_flags.get(tag, 0)
            tail = el.tail
            if tail:
                pa[5].append(tail)

    # an element without an entry (outside the counted tree) counts as empty
    def textlen(self, el) -> int:
        return self.info.get(el, _EMPTY)[_TL]

    def cjk(self, el) -> int:
        return self.info.get(el, _EMPTY)[_CJ]

    def markers(self, el) -> int:
        return self.info.get(el, _EMPTY)[_MK]

    def table_marks(self, el) -> int:
        return self.info.get(el, _EMPTY)[_TM]

    def has_block(self, el) -> bool:
        return bool(self.info.get(el, _EMPTY)[_FL] & _HAS_BLOCK)

    def _is_data_table(self, table) -> bool:
        rows = list(table.iter("tr"))
        if len(rows) < 2:
            return False
        width = 0
        for tr in rows:
            w = 0
            for cell in tr:
                if cell.tag in ("td", "th"):
                    if self.cjk(cell) > _MAX_DATA_CELL_CJK:
                        return False
                    w += 1 if cell.get("colspan") is None else _span(cell, "colspan")
            width = max(width, w)
        return width >= 2

    @staticmethod
    def _has_table_words(table) -> bool:
        text = _text_of(table)
        return any(w in text for w in _TABLE_WORDS)


def _text_of_first(el) -> str:
    """All text below `el` (not its tail) in document order: "".join(el.itertext()), built in C."""
    from lxml import etree

    return etree.tostring(el, method="text", encoding=str, with_tail=False)


# _parse rebinds it to the bare lxml call, once lxml is imported (it is imported only when a page is read)
_text_of: Callable[[Any], str] = _text_of_first


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# A page's source spells the tree's ASCII letters (libxml2 lower-cases ASCII in tag and attribute names)
# unless a character reference writes one (no named reference yields an ASCII letter but &fjlig;, f and j);
# and only these non-ASCII letters match ASCII ones as str.lower() or re.I see them: İ ı (i), ſ (s),
# K (Kelvin sign, k). Without both, the source lower-cased in ASCII can rule out "hidden" (the attribute,
# visibility:hidden), display:none and "title" in a class or id.
_FOLDS_LIKE_ASCII = "\u0130\u0131\u017f\u212a"
# "hidden" as the value of a type (<input type="hidden">, dropped with its form): neither the hidden
# attribute nor visibility:hidden
_HIDDEN_INPUTS = (b'type="hidden"', b"type='hidden'", b"type=hidden")


def _hidden(body, stats: _Stats) -> list:
    """Elements the page hides with inline CSS or the hidden attribute (print copies, pop-ups,
    duplicate text versions). Kept when they hold every report marker: then the visible page is an
    image or PDF viewer and the hidden copy is the only text there is."""
    if not _may_hide(body):
        return []
    outer = _outermost(body, [el for el in body.xpath("descendant::*[@hidden or @style]")
                              if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or "")])
    marks = stats.markers(body)
    hidden_marks = sum(stats.markers(el) for el in outer)
    if marks and hidden_marks >= marks:
        return []
    return outer


# _HIDDEN_STYLE on lower-cased text: the same matches unless ı, İ (re.I folds them with i) or ſ (with s) occur
_HIDDEN_STYLE_LOWER = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_XPATHS: dict = {}


def _may_hide(body) -> bool:
    """False when no element below `body` has the hidden attribute or a hiding style: a test on the
    attribute values alone, which spares the element-level search on most pages (Word pages put a
    style on every element)."""
    if not _XPATHS:
        from lxml import etree

        _XPATHS["hidden"] = etree.XPath("descendant::*/@hidden", smart_strings=False)
        _XPATHS["styles"] = etree.XPath("descendant::*/@style", smart_strings=False)
    if _XPATHS["hidden"](body):
        return True
    styles = "\x00".join(_XPATHS["styles"](body))  # NUL: no attribute value holds one
    if "\u0130" in styles or "\u0131" in styles or "\u017f" in styles:
        return bool(_HIDDEN_STYLE.search(styles))
    # a regex search of a long string is slow (case-insensitive, or an alternation): look for the words
    # first, then search the lower-cased string
    low = styles.lower()
    if ("none" in low and "display" in low) or ("hidden" in low and "visibility" in low):
        return bool(_HIDDEN_STYLE_LOWER.search(low))
    return False


def _soft_chrome(body, stats: _Stats, hidden: list) -> list:
    """Hidden elements and site chrome (nav, header …) that holds no report marker, outermost only."""
    chrome = [el for el in body.iter(*_SOFT_DROP) if el is not body and stats.markers(el) == 0]
    if not hidden or not chrome:
        cands = hidden or chrome
    else:  # both, in document order
        order = {el: i for i, el in enumerate(body.iter())}
        cands = sorted(set(hidden) | set(chrome), key=order.__getitem__)
    return _outermost(body, cands)


def _pick_container(body, stats: _Stats):
    """Walk down from <body> while one child holds the whole report: every marker (numbered part
    heading, report table) below the node and, unless two or more part headings vouch for it, at
    least half its CJK text. With no markers at all (a page with no report), follow the child that
    holds most of the text. Never step into a data table (it must stay a Table block) nor into a
    single paragraph."""
    node = body
    while True:
        kids = [c for c in node if isinstance(c.tag, str) and stats.textlen(c) > 0]
        if not kids:
            return node
        marks = stats.markers(node)
        if marks:
            best = max(kids, key=stats.markers)
            if stats.markers(best) < marks:
                return node
            headings = marks - stats.table_marks(best)
            if headings < 2 and stats.cjk(best) * 2 < stats.cjk(node):
                return node
        else:
            best = max(kids, key=stats.cjk)
            if stats.cjk(best) * 2 < stats.cjk(node) or stats.cjk(best) == 0:
                return node
        if (best.tag == "table" and stats.data_table.get(best)) or not stats.has_block(best):
            return node  # a data table or a single paragraph is content, not a container
        node = best


def _first_line(node):
    """The source line of the first non-blank piece of text in `node` (a subtree without breaks)."""
    stack = [(node, False)]
    while stack:
        el, closing = stack.pop()
        if closing:
            if el.tail and el.tail.strip():
                return el.sourceline
            continue
        if el.text and el.text.strip():
            return el.sourceline
        if el is not node:
            stack.append((el, True))
        stack.extend((c, False) for c in reversed(el))
    return None


def _joined(root, stats: _Stats, brk: str) -> str:
    """The text of `root` (not its tail) with `brk` at each block boundary and <br>. A subtree with no
    break below (most paragraphs and cells) is read in one C call."""
    info = stats.info
    parts: list[str] = []
    stack = [(root, False)]
    n = 0
    while stack:
        n += 1
        if not n & 1023:
            limits.check_time()
        node, closing = stack.pop()
        tag = node.tag
        if closing:
            if tag in _BLOCK:
                parts.append(brk)
            if node is not root and node.tail:
                parts.append(node.tail)
            continue
        if tag == "br":
            parts.append(brk)
            if node is not root and node.tail:
                parts.append(node.tail)
            continue
        i = info.get(node)
        if i is not None and not i[_FL] & _HAS_BREAK:
            if tag in _BLOCK:
                parts.append(brk)
            parts.append(_text_of(node))
            if tag in _BLOCK:
                parts.append(brk)
            if node is not root and node.tail:
                parts.append(node.tail)
            continue
        if tag in _BLOCK:
            parts.append(brk)
        if node.text:
            parts.append(node.text)
        stack.append((node, True))
        for child in reversed(node):
            if isinstance(child.tag, str):
                stack.append((child, False))
            elif child.tail:  # a leftover comment/PI node: keep the text after it
                stack.append((_TailOnly(child.tail, node.sourceline), True))
    return "".join(parts)


class _TailOnly:
    """Stands in for a non-element node so its tail text is kept in order."""

    tag = None

    def __init__(self, tail, line):
        self.tail = tail
        self.sourceline = line


def _lines(el, stats: _Stats) -> list[str]:
    """The element's text split at block boundaries and <br>, each line normalised."""
    # NUL marks a break: libxml2 text never holds one (source newlines inside a line are just spaces)
    return [t for t in (_norm(x) for x in _joined(el, stats, "\x00").split("\x00")) if t]


def _cell_text(cell, stats: _Stats) -> str:
    """The cell's text, breaks read as spaces, normalised. Breaks only at the edges of the text (the
    cell's own, or a lone wrapper's as in <td><p>…</p></td>) become spaces that _norm strips: then the
    text is read in one C call."""
    info = stats.info
    node = cell
    while True:
        i = info.get(node)
        if i is None:
            break
        if not i[_FL] & _HAS_BREAK:
            return _norm(_text_of(node))
        if len(node) != 1:
            break
        child = node[0]
        if not isinstance(child.tag, str) or child.tag == "br" or (node.text and node.text.strip()) or \
                (child.tail and child.tail.strip()):
            break
        node = child
    return _norm(_joined(node, stats, " "))


def _emit(container, stats: _Stats):
    """Paragraphs and tables of the container in document order: text runs up to each block boundary
    or <br> make a paragraph (located at the line of its first non-blank text), data tables a Table."""
    info = stats.info
    data_table = stats.data_table
    blocks: list = []
    warnings: list[tuple[str, str, str]] = []
    buf: list[str] = []
    line = None
    n_par = n_table = 0

    def flush():
        nonlocal line, n_par
        if buf:
            text = _norm("".join(buf))
            if text:
                limits.add_block(len(text))
                blocks.append(Paragraph(text=text, location=Location(line=line, paragraph=n_par)))
                n_par += 1
            buf.clear()
        line = None

    root = container
    stack = [(root, False)]
    n = 0
    while stack:
        n += 1
        if not n & 1023:
            limits.check_time()
        node, closing = stack.pop()
        tag = node.tag
        if closing:
            if tag in _BLOCK:
                flush()
            tail = node.tail
            if node is not root and tail:
                if line is None and tail.strip():
                    line = node.sourceline
                buf.append(tail)
            continue
        if tag == "br":
            flush()
            tail = node.tail
            if node is not root and tail:
                if tail.strip():
                    line = node.sourceline
                buf.append(tail)
            continue
        if tag == "table" and node is not root and data_table.get(node):
            flush()
            caption = node.find("caption")
            if caption is not None:
                cap = _cell_text(caption, stats)
                if cap:
                    limits.add_block(0)
                    blocks.append(Paragraph(text=cap, location=Location(line=caption.sourceline, paragraph=n_par)))
                    n_par += 1
            blocks.append(_table(node, n_table, stats))
            n_table += 1
            tail = node.tail
            if tail:
                if tail.strip():
                    line = node.sourceline
                buf.append(tail)
            continue
        block = tag in _BLOCK
        if block:
            flush()
        i = info.get(node)
        if i is not None and not i[_FL] & _HAS_BREAK:  # no break below: the whole run in one C call
            text = _text_of(node)
            if text:
                if line is None and text.strip():
                    line = _first_line(node)
                buf.append(text)
            if block:
                flush()
            tail = node.tail
            if node is not root and tail:
                if line is None and tail.strip():
                    line = node.sourceline
                buf.append(tail)
            continue
        text = node.text
        if text:
            if line is None and text.strip():
                line = node.sourceline
            buf.append(text)
        stack.append((node, True))
        for child in reversed(node):
            if isinstance(child.tag, str):
                stack.append((child, False))
            elif child.tail:  # a leftover comment/PI node: keep the text after it
                stack.append((_TailOnly(child.tail, node.sourceline), True))
    flush()

    images = sum(1 for _ in container.iter("img"))
    if images:
        warnings.append((
            "html-images",
            f"正文中有 {images} 张图片，图片中的内容（例如以图片形式发布的表格）无法读取",
            f"the article holds {images} image(s); their content (e.g. tables published as images) cannot be read"))
    return blocks, warnings


def _table(table_el, index: int, stats: _Stats) -> Table:
    # An unmerged cell's location is only a placeholder until its grid position is known (below);
    # a merged one needs its own now, for the copies expand_grid makes of it.
    placeholder = Location(table=index)
    raw_rows = []
    lines = []
    for tr in table_el.iter("tr"):
        row = []
        row_lines = []
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            text = _cell_text(td, stats)
            rs, cs = td.get("rowspan"), td.get("colspan")
            rowspan = 1 if rs is None else _span(td, "rowspan")
            colspan = 1 if cs is None else _span(td, "colspan")
            line = td.sourceline
            loc = placeholder if rowspan == 1 and colspan == 1 else Location(table=index, line=line)
            row.append((text, rowspan, colspan, loc))
            row_lines.append(line)
        raw_rows.append(row)
        lines.append(row_lines)
    table = expand_grid(raw_rows, Location(table=index, line=table_el.sourceline))
    # The origins of grid row r are the cells of source row r, in order: each gets its grid position
    for r, grid_row in enumerate(table.rows):
        row_lines = lines[r]
        k = 0
        for c, cell in enumerate(grid_row):
            if cell.origin:
                cell.location = Location(table=index, row=r, column=c, line=row_lines[k])
                k += 1
    return table


# ---------------------------------------------------------------------------------------------- metadata

def _iso(text: str) -> str | None:
    m = _DATE.search(text[:40])
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _strip_site(title: str) -> str:
    parts = [p for p in _TITLE_SPLIT.split(title) if p.strip()]
    for p in parts:
        if "报告" in p:
            return p.strip()
    return parts[0].strip() if parts else title.strip()


def _organ(value: str) -> str | None:
    value = value.split(" ")[0].strip("：: ")
    if not value or "http" in value.lower() or len(value) > 40 or not _CJK.search(value):
        return None
    return value if _ORGAN_END.search(value) else None


def _cell_label(el) -> str:
    """A cell's text as a metadata label: no spaces or invisible characters, no trailing colon."""
    return "".join(_text_of(el).translate(_INVISIBLE).split()).rstrip("：:")


def _label_pairs(body, stats: _Stats):
    """(label, value) pairs from the portal's metadata: a label cell followed by its value cell,
    and short lines such as “发布日期：2020-01-31”. In document order. Lines are read from the
    largest short elements only, so each piece of text is scanned once: the walk goes down through
    long elements only, and inside a short one looks at nothing but label cells."""
    textlen, info = stats.textlen, stats.info
    lo, hi = _LABEL_CJK

    def label_cell(el):
        # every label is 2–4 CJK characters, and whatever else a label cell holds is not CJK
        i = info.get(el)
        if i is not None and not i[_FL] & _HAS_ODD and not lo <= i[_CJ] <= hi:
            return None
        label = _cell_label(el)
        if label not in _ALL_LABELS:
            return None
        nxt = el.getnext()
        while nxt is not None and nxt.tag not in ("td", "th"):
            nxt = nxt.getnext()
        return (label, _norm(_text_of(nxt))) if nxt is not None else ()

    def short(el):
        """The pairs of a short element none of whose ancestors below <body> is short."""
        pair = label_cell(el) if el.tag in ("td", "th") else None
        if pair is not None:
            if pair:
                yield pair
        else:
            raw = _text_of(el)
            # a label line needs a colon and a label (invisible characters aside): skip the rest unread
            if ("：" in raw or ":" in raw) and _ANY_LABEL.search(
                    raw.translate(_INVISIBLE) if _INVISIBLE_RE.search(raw) else raw):
                for line in _lines(el, stats):
                    for m in _LABEL_LINE.finditer(line):
                        yield m.group(1), m.group(2)
        for cell in el.iter("td", "th"):  # label cells inside: their lines were read with el's
            i = info.get(cell)  # textlen(cell) > 0, and label_cell's own first test, inline: cells are many
            if i is not None and i[_TL] > 0 and (i[_FL] & _HAS_ODD or lo <= i[_CJ] <= hi) and cell is not el:
                pair = label_cell(cell)
                if pair:
                    yield pair

    n = textlen(body)
    if 0 < n <= _SHORT:
        yield from short(body)
        return
    if n == 0:
        return
    stack = list(reversed(body))
    while stack:
        limits.check_time()
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        n = textlen(el)
        if n == 0:
            continue
        if n > _SHORT:
            stack.extend(reversed(el))
        else:
            yield from short(el)


def _labelled(body, stats: _Stats) -> dict[str, tuple[str, str]]:
    """label → (value, raw text) for the first usable value of each portal metadata label."""
    labelled: dict[str, tuple[str, str]] = {}
    for label, value in _label_pairs(body, stats):
        if label in labelled:
            continue
        if label in _PUB_LABELS or label in _SIGNED_LABELS:
            iso = _iso(value)
            if iso:
                labelled[label] = (iso, f"{label}：{value[:40].strip()}")
        elif label in _ORGAN_LABELS:
            organ = _organ(value)
            if organ:
                labelled[label] = (organ, f"{label}：{organ}")
        elif label in _TITLE_LABELS and "报告" in value and len(value) <= 120:
            labelled[label] = (value, f"{label}：{value}")
    return labelled


def _metadata(metas, title_tag, heading, labelled, blocks) -> dict[str, tuple[str, str, str]]:
    meta: dict[str, tuple[str, str, str]] = {}

    # publication date: meta tags first, then the portal's own labels
    for key in _PUB_META:
        if key in metas:
            content, name = metas[key]
            iso = _iso(content)
            if iso:
                meta["published_on"] = (iso, "page-meta", f"{name}: {content}")
                break
    if "published_on" not in meta:
        for label in _PUB_LABELS:
            if label in labelled:
                meta["published_on"] = (labelled[label][0], "page-metadata-table", labelled[label][1])
                break
    for label in _SIGNED_LABELS:
        if label in labelled:
            meta["signed_on"] = (labelled[label][0], "page-metadata-table", labelled[label][1])
            break
    for label in _ORGAN_LABELS:
        if label in labelled:
            meta["organ"] = (labelled[label][0], "page-metadata-table", labelled[label][1])
            break
    if "organ" not in meta and "contentsource" in metas:
        organ = _organ(metas["contentsource"][0])
        if organ:
            meta["organ"] = (organ, "page-meta", f"{metas['contentsource'][1]}: {metas['contentsource'][0]}")

    # title: ArticleTitle meta, the article's heading, the metadata table, then <title>
    if "articletitle" in metas:
        content, name = metas["articletitle"]
        meta["title"] = (_strip_site(content), "page-meta", f"{name}: {content}")
    else:
        heading = heading or _first_paragraph_title(blocks)
        if heading:
            meta["title"] = (heading, "page-heading", heading)
        else:
            for label in _TITLE_LABELS:
                if label in labelled:
                    meta["title"] = (_strip_site(labelled[label][0]), "page-metadata-table", labelled[label][1])
                    break
            else:
                if title_tag:
                    meta["title"] = (_strip_site(title_tag), "page-title", title_tag)
    return meta


def _heading(body, stats, low: bytes | None) -> str | None:
    """The article's own heading: an h1–h4, a <ucaptitle> or a *title* classed element that names
    a year's 报告 (the first in document order). `low`: the page's source (UTF-8) lower-cased, when it
    spells every letter as the tree has it (see _read)."""
    from lxml import etree

    if low is not None and low.count(b"title") == low.count(b"<title") + low.count(b"</title"):
        # "title" only in the <title> tags: no class or id holds it, only the tags can be the heading
        candidates = body.iter("h1", "h2", "h3", "h4", "ucaptitle")
    else:
        candidates = body.iter(etree.Element)
    for el in candidates:
        cls = ((el.get("class") or "") + " " + (el.get("id") or "")).lower()
        if (el.tag in ("h1", "h2", "h3", "h4", "ucaptitle") or "title" in cls) and 6 <= stats.textlen(el) <= 120:
            text = _norm(_text_of(el))
            if "报告" in text and "年" in text:
                return _strip_site(text)
    return None



def _first_paragraph_title(blocks) -> str | None:
    """A fragment without headings (r014) opens with its title as a short paragraph."""
    for b in blocks[:3]:
        if isinstance(b, Paragraph) and len(b.text) <= 120 and "报告" in b.text and "年" in b.text \
                and not _HEADING_MARK.match(b.text):
            return b.text
    return None


READER = _HtmlReader()
