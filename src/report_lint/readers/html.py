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

import re
from datetime import date

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

_WS = re.compile(r"\s+")  # str patterns: \s covers NBSP (&nbsp;), U+3000 and the other Unicode spaces
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
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
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s*(?<!\d)[-–—]+(?!\d)\s*")
_SHORT = 200  # metadata lines and cells are short; longer elements are content, not metadata


def _norm(s: str) -> str:
    return _WS.sub(" ", s.translate(_INVISIBLE)).strip()


def _tag(el) -> str:
    t = el.tag
    return t.lower() if isinstance(t, str) else ""


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
        root, parse_warnings = _parse(text, path)
        n = sum(1 for _ in root.iter())
        if n > MAX_ELEMENTS:
            raise InputError("too-large-html",
                             f"{path} 网页有 {n:,} 个元素，超过上限 {MAX_ELEMENTS:,} 个，不像是一份年度报告",
                             f"{path} has {n:,} elements, over the limit of {MAX_ELEMENTS:,}: not an annual report")
        meta_tags, title_tag = _head_info(root)
        _remove_all(_outermost(root, lambda el: _tag(el) in _HARD_DROP))
        body = root.find("body")
        if body is None:
            body = root
        stats = _Stats(body)
        if stats.textlen.get(body, 0) == 0:
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
        heading = _heading(body, stats)
        labelled = _labelled(body, stats)
        # Site chrome goes unless it holds the report; then count again on the cleaned tree.
        hidden = set(_hidden(body, stats))
        soft = _outermost(body, lambda el: el in hidden or (_tag(el) in _SOFT_DROP and stats.markers.get(el, 0) == 0))
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


def _parse(text: str, path: str):
    """Return (root, warnings)."""
    from lxml import etree

    # Hand lxml UTF-8 bytes with the encoding fixed: a <meta charset="gbk"> or an XML declaration in
    # the page must not make libxml2 decode our already-decoded text a second time. huge_tree lifts
    # libxml2's nesting cap from 256 to 2048 levels: Word pages with unclosed <font> tags nest deep,
    # and past the cap libxml2 drops the rest of the page.
    # Plain etree elements (not lxml.html's): no per-element class lookup, noticeably faster.
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = etree.fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        raise InputError("no-text", f"{path} 网页中没有可读取的内容（{exc}）",
                         f"{path}: the page has no readable content ({exc})") from None
    if root is None:
        raise InputError("no-text", f"{path} 网页中没有正文文字，无法读取年度报告",
                         f"{path}: the page has no text; no report to read")
    warnings = []
    for err in parser.error_log:
        if err.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in err.message:
            warnings.append((
                "html-truncated",
                f"网页标签嵌套过深，第 {err.line} 行之后的内容未能读取",
                f"the page nests its tags too deeply; content after line {err.line} could not be read"))
            break
    return root, warnings


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


def _outermost(root, hit) -> list:
    """The elements below `root` for which hit(el) holds, leaving out those inside another such element,
    in document order (one pass, no ancestor walks: pages nest 2 000 levels deep)."""
    out = []
    stack = list(reversed(root))
    while stack:
        el = stack.pop()
        if hit(el):
            out.append(el)
        else:
            stack.extend(reversed(el))
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


class _Stats:
    """Per-element totals computed in one bottom-up pass: text length, CJK characters, report
    markers (numbered part headings and report tables) and whether a table holds another table."""

    def __init__(self, root):
        order = [el for el in root.iter() if isinstance(el.tag, str)]
        self.textlen: dict = {}
        self.cjk: dict = {}
        self.markers: dict = {}
        self.table_marks: dict = {}  # the part of `markers` that are report tables
        self.has_table: dict = {}  # element → contains a <table> below it
        self.has_block: dict = {}  # element → contains a block element (p, div, table …) below it
        self.data_table: dict = {}  # table element → is a report-data table (decided below)
        own_text: dict = {}
        for el in order:
            own_text[el] = el.text or ""
        for el in order:
            parent = el.getparent()
            if el.tail and parent is not None and parent in own_text:
                own_text[parent] += el.tail
        for el in order:
            limits.check_time()
            t = own_text[el]
            self.textlen[el] = len(t.strip())
            self.cjk[el] = len(_CJK.findall(t))
            self.markers[el] = 1 if _HEADING_MARK.match(el.text or "") and len(el.text.strip()) <= 60 else 0
            self.table_marks[el] = 0
            self.has_table[el] = False
            self.has_block[el] = False
        for el in reversed(order):
            if _tag(el) == "table" and not self.has_table[el]:
                self.data_table[el] = self._is_data_table(el)
                if self.data_table[el]:
                    # row labels such as 一、本年新收… are not part headings: the table counts once
                    self.markers[el] = self.table_marks[el] = 1 if self._has_table_words(el) else 0
            parent = el.getparent()
            if parent is not None and parent in self.textlen:
                self.textlen[parent] += self.textlen[el]
                self.cjk[parent] += self.cjk[el]
                self.markers[parent] += self.markers[el]
                self.table_marks[parent] += self.table_marks[el]
                if _tag(el) == "table" or self.has_table[el]:
                    self.has_table[parent] = True
                if _tag(el) in _BLOCK or self.has_block[el]:
                    self.has_block[parent] = True
        for el in order:
            if _tag(el) == "table" and el not in self.data_table:
                self.data_table[el] = False  # wraps other tables: layout

    def _is_data_table(self, table) -> bool:
        rows = list(table.iter("tr"))
        if len(rows) < 2:
            return False
        width = 0
        for tr in rows:
            w = 0
            for cell in tr:
                if _tag(cell) in ("td", "th"):
                    if self.cjk.get(cell, 0) > _MAX_DATA_CELL_CJK:
                        return False
                    w += _span(cell, "colspan")
            width = max(width, w)
        return width >= 2

    @staticmethod
    def _has_table_words(table) -> bool:
        text = "".join(table.itertext())
        return any(w in text for w in _TABLE_WORDS)


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _hidden(body, stats: _Stats) -> list:
    """Elements the page hides with inline CSS or the hidden attribute (print copies, pop-ups,
    duplicate text versions). Kept when they hold every report marker: then the visible page is an
    image or PDF viewer and the hidden copy is the only text there is."""
    outer = _outermost(body, lambda el: bool(_tag(el)) and (
        el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))))
    marks = stats.markers.get(body, 0)
    hidden_marks = sum(stats.markers.get(el, 0) for el in outer)
    if marks and hidden_marks >= marks:
        return []
    return outer


def _pick_container(body, stats: _Stats):
    """Walk down from <body> while one child holds the whole report: every marker (numbered part
    heading, report table) below the node and, unless two or more part headings vouch for it, at
    least half its CJK text. With no markers at all (a page with no report), follow the child that
    holds most of the text. Never step into a data table (it must stay a Table block) nor into a
    single paragraph."""
    node = body
    while True:
        kids = [c for c in node if isinstance(c.tag, str) and stats.textlen.get(c, 0) > 0]
        if not kids:
            return node
        marks = stats.markers.get(node, 0)
        if marks:
            best = max(kids, key=lambda c: stats.markers.get(c, 0))
            if stats.markers.get(best, 0) < marks:
                return node
            headings = marks - stats.table_marks.get(best, 0)
            if headings < 2 and stats.cjk.get(best, 0) * 2 < stats.cjk.get(node, 0):
                return node
        else:
            best = max(kids, key=lambda c: stats.cjk.get(c, 0))
            if stats.cjk.get(best, 0) * 2 < stats.cjk.get(node, 0) or stats.cjk.get(best, 0) == 0:
                return node
        if (_tag(best) == "table" and stats.data_table.get(best)) or not stats.has_block.get(best):
            return node  # a data table or a single paragraph is content, not a container
        node = best


_BREAK = object()


class _TableRef:
    __slots__ = ("el",)

    def __init__(self, el):
        self.el = el


def _events(root, stats: _Stats | None):
    """Yield, in document order, (text, line) pieces, _BREAK at block boundaries and <br>, and
    a _TableRef for each data table (when `stats` is given; inside a cell there are none)."""
    stack = [(root, False)]
    while stack:
        limits.check_time()
        node, closing = stack.pop()
        tag = _tag(node)
        if closing:
            if tag in _BLOCK:
                yield _BREAK
            if node is not root and node.tail:
                yield node.tail, node.sourceline
            continue
        if tag == "br":
            yield _BREAK
            if node is not root and node.tail:
                yield node.tail, node.sourceline
            continue
        if tag == "table" and stats is not None and node is not root and stats.data_table.get(node):
            yield _TableRef(node)
            if node.tail:
                yield node.tail, node.sourceline
            continue
        if tag in _BLOCK:
            yield _BREAK
        if node.text:
            yield node.text, node.sourceline
        stack.append((node, True))
        for child in reversed(node):
            if isinstance(child.tag, str):
                stack.append((child, False))
            elif child.tail:  # a leftover comment/PI node: keep the text after it
                stack.append((_TailOnly(child.tail, node.sourceline), True))


class _TailOnly:
    """Stands in for a non-element node so its tail text is yielded in order."""

    tag = None

    def __init__(self, tail, line):
        self.tail = tail
        self.sourceline = line


def _lines(el) -> list[str]:
    """The element's text split at block boundaries and <br>, each line normalised."""
    parts = []
    for ev in _events(el, None):  # U+001E marks a break: source newlines inside a line are just spaces
        parts.append("\x1e" if ev is _BREAK else ev[0].replace("\x1e", " "))
    return [t for t in (_norm(x) for x in "".join(parts).split("\x1e")) if t]


def _cell_text(cell) -> str:
    parts = []
    for ev in _events(cell, None):
        if ev is _BREAK:
            parts.append(" ")
        else:
            parts.append(ev[0])
    return _norm("".join(parts))


def _emit(container, stats: _Stats):
    blocks: list = []
    warnings: list[tuple[str, str, str]] = []
    buf: list[str] = []
    line: list = [None]
    counters = {"paragraph": 0, "table": 0}

    def flush():
        text = _norm("".join(buf))
        if text:
            limits.add_block(len(text))
            blocks.append(Paragraph(text=text, location=Location(line=line[0], paragraph=counters["paragraph"])))
            counters["paragraph"] += 1
        buf.clear()
        line[0] = None

    for ev in _events(container, stats):
        if ev is _BREAK:
            flush()
        elif isinstance(ev, _TableRef):
            flush()
            table_el = ev.el
            caption = table_el.find("caption")
            if caption is not None and _cell_text(caption):
                limits.add_block(0)
                blocks.append(Paragraph(text=_cell_text(caption),
                                        location=Location(line=caption.sourceline, paragraph=counters["paragraph"])))
                counters["paragraph"] += 1
            blocks.append(_table(table_el, counters["table"]))
            counters["table"] += 1
        else:
            text, src_line = ev
            if line[0] is None and text.strip():
                line[0] = src_line
            buf.append(text)
    flush()

    images = sum(1 for _ in container.iter("img"))
    if images:
        warnings.append((
            "html-images",
            f"正文中有 {images} 张图片，图片中的内容（例如以图片形式发布的表格）无法读取",
            f"the article holds {images} image(s); their content (e.g. tables published as images) cannot be read"))
    return blocks, warnings


def _table(table_el, index: int) -> Table:
    raw_rows = []
    for tr in table_el.iter("tr"):
        row = []
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            loc = Location(table=index, line=td.sourceline)
            row.append((_cell_text(td), _span(td, "rowspan"), _span(td, "colspan"), loc))
        raw_rows.append(row)
    table = expand_grid(raw_rows, Location(table=index, line=table_el.sourceline))
    # expand_grid places copies; the origins get their grid position here
    for r, grid_row in enumerate(table.rows):
        for c, cell in enumerate(grid_row):
            if cell.origin:
                cell.location = Location(table=index, row=r, column=c, line=cell.location.line)
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


def _label_pairs(body, stats: _Stats):
    """(label, value) pairs from the portal's metadata: a label cell followed by its value cell,
    and short lines such as “发布日期：2020-01-31”. In document order. Lines are read from the
    largest short elements only, so each piece of text is scanned once."""
    for el in body.iter():
        limits.check_time()
        tag = _tag(el)
        n = stats.textlen.get(el, 0)
        if not tag or n == 0 or n > _SHORT:
            continue
        if tag in ("td", "th"):
            label = _norm("".join(el.itertext())).replace(" ", "").rstrip("：:")
            if label in _ALL_LABELS:
                nxt = el.getnext()
                while nxt is not None and _tag(nxt) not in ("td", "th"):
                    nxt = nxt.getnext()
                if nxt is not None:
                    yield label, _norm("".join(nxt.itertext()))
                continue
        parent = el.getparent()
        if parent is not None and el is not body and stats.textlen.get(parent, 0) <= _SHORT:
            continue  # the parent is short too: it is scanned instead
        for line in _lines(el):
            for m in _LABEL_LINE.finditer(line):
                yield m.group(1), m.group(2)


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


def _heading(body, stats) -> str | None:
    """The article's own heading: an h1–h4, a <ucaptitle> or a *title* classed element that names
    a year's 报告 (the first in document order)."""
    for el in body.iter():
        tag = _tag(el)
        if not tag:
            continue
        cls = ((el.get("class") or "") + " " + (el.get("id") or "")).lower()
        if (tag in ("h1", "h2", "h3", "h4", "ucaptitle") or "title" in cls) and \
                6 <= stats.textlen.get(el, 0) <= 120:
            text = _norm("".join(el.itertext()))
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
