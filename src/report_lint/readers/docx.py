"""DOCX reader (Word / WPS): body paragraphs and tables in order, as the document reads after
accepting all tracked changes.

Works on the package parts with lxml directly (not python-docx) so that the zip is vetted before
anything is decompressed and every XML part goes through one hardened parser. What the word
processor renders but the text does not hold — list numbering such as `一、` or `（一）` — is
computed from numbering.xml. Hidden or unread content (text boxes, tracked changes, hidden text,
images, embedded objects) is reported in `Document.warnings`.
"""
from __future__ import annotations

import io
import posixpath
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Document, GridCell, Paragraph, Table, check_table_size
from ..errors import InputError
from ..model import Location
from . import limits

# Guard rails. A real annual report is well under 10 MB unpacked; these limits only stop hostile or
# broken files (zip bombs, absurd parts) before they are decompressed.
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XML_PART = 64 * 1024 * 1024
MAX_RATIO = 100  # uncompressed/compressed, checked on parts large enough to matter
RATIO_MIN_SIZE = 4 * 1024 * 1024
MAX_ENTRIES = 10_000
CONVERT_TIMEOUT = 180
# libxml2's own nesting limit without XML_PARSE_HUGE; a real document nests ~20 levels (a table in a
# table in a text box stays far below it).
MAX_XML_DEPTH = 256
# List numbering: Word itself caps a list's start value at 32767; a counter past MAX_LETTER_COUNTER
# would be 30 repeated letters (AAAA…), so it is shown in digits; a level's text is a short pattern.
MAX_LIST_START = 32_767
MAX_LETTER_COUNTER = 30 * 26
MAX_LEVEL_TEXT = 255
# Failures of the zip layer on a damaged archive (zipfile raises all of these).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError,
               zlib.error, struct.error, KeyError)

_W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_V = "urn:schemas-microsoft-com:vml"
_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_DML_MAIN = "http://schemas.openxmlformats.org/drawingml/2006/main"

_TITLE_HINT = re.compile(r"年度?报告|年报")


def _bad(path: str, detail_zh: str, detail_en: str, code: str = "docx-corrupt") -> InputError:
    return InputError(code, f"{path} 不是可读取的 Word 文档（.docx）：{detail_zh}",
                      f"{path} is not a readable Word document (.docx): {detail_en}")


# ---------------------------------------------------------------------------------------------
# The package: vetted zip, hardened XML


class _Package:
    def __init__(self, data: bytes, path: str):
        self.path = path
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except _ZIP_ERRORS as e:
            raise _bad(path, "压缩包已损坏", f"damaged zip archive ({e})") from None
        if len(infos) > MAX_ENTRIES:
            raise _bad(path, f"压缩包内文件过多（{len(infos)} 个）", f"too many zip entries ({len(infos)})",
                       "docx-too-large")
        total = 0
        self.names: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            total += info.file_size
            if info.flag_bits & 0x1:
                raise _bad(path, "文档已加密", "the archive is encrypted", "docx-encrypted")
            if info.file_size >= RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _bad(path, f"{info.filename} 的压缩比异常（疑似压缩炸弹）",
                           f"{info.filename} has an abnormal compression ratio (zip bomb?)", "docx-too-large")
            self.names[info.filename] = info
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise _bad(path, f"解压后超过 {MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)} MB（疑似压缩炸弹）",
                       f"more than {MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)} MB uncompressed (zip bomb?)",
                       "docx-too-large")

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        info = self.names[name]
        if info.file_size > MAX_XML_PART:
            raise _bad(self.path, f"{name} 过大（{info.file_size // (1024 * 1024)} MB）",
                       f"{name} is too large ({info.file_size // (1024 * 1024)} MB)", "docx-too-large")
        try:
            # ZipExtFile stops at the declared file_size, so the size checked above is what we get.
            return self.zf.read(info)
        except _ZIP_ERRORS as e:
            raise _bad(self.path, f"{name} 无法解压", f"cannot decompress {name} ({e})") from None

    def xml(self, name: str):
        from lxml import etree

        raw = self.read(name)
        # Word refuses parts with a DTD; so do we (no entity tricks of any kind get parsed).
        if b"<!DOCTYPE" in raw[:4096] or b"<!ENTITY" in raw[:65536]:
            raise _bad(self.path, f"{name} 含有 DTD/实体声明", f"{name} contains a DTD/entity declaration",
                       "docx-unsafe-xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                 remove_comments=True, remove_pis=True)
        try:
            return etree.fromstring(raw, parser)
        except etree.LxmlError as e:
            if "depth" in str(e).lower():  # libxml2: "Excessive depth in document: 256 …"
                raise _bad(self.path,
                           f"{name} 的内容嵌套过深（超过 {MAX_XML_DEPTH} 层，例如表格中层层嵌套表格），无法读取",
                           f"{name} is too deeply nested (over {MAX_XML_DEPTH} levels, e.g. tables inside tables "
                           f"inside tables)", "docx-too-deep") from None
            raise _bad(self.path, f"{name} 的 XML 已损坏", f"{name} is malformed XML ({e})") from None

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationships of `part`: id -> (type, resolved target part name)."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        out: dict[str, tuple[str, str]] = {}
        if not self.has(rels_name):
            return out
        root = self.xml(rels_name)
        for rel in root.iter(f"{{{_REL}}}Relationship", "{http://purl.oclc.org/ooxml/officeDocument/relationships}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id") or ""] = (rel.get("Type") or "", name)
        return out


def _rel_target(rels: dict[str, tuple[str, str]], suffix: str) -> str | None:
    for typ, name in rels.values():
        if typ.endswith(suffix):
            return name
    return None


# ---------------------------------------------------------------------------------------------
# Numbering: what Word renders in front of a list paragraph

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CN_UNITS = ("", "十", "百", "千")
_CN_LEGAL_UNITS = ("", "拾", "佰", "仟")
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _chinese_counting(n: int, legal: bool = False) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 101 → 一百零一 (legal: 壹, 壹拾, …)."""
    digits, units = (_CN_LEGAL, _CN_LEGAL_UNITS) if legal else (_CN_DIGITS, _CN_UNITS)
    if n <= 0 or n >= 100_000_000:
        return str(n)
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        rest = _chinese_counting(low, legal) if low else ""
        if rest and low < 1000:
            rest = digits[0] + rest
        return _chinese_counting(high, legal) + "万" + rest
    out = []
    s = str(n)
    zero = False
    for i, ch in enumerate(s):
        d = int(ch)
        unit = units[len(s) - 1 - i]
        if d == 0:
            zero = True
            continue
        if zero:
            out.append(digits[0])
            zero = False
        out.append(digits[d] + unit)
    text = "".join(out)
    if not legal and 10 <= n < 20:
        text = text[1:]  # 十一, not 一十一
    return text


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    vals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for v, sym in vals:
        while n >= v:
            out += sym
            n -= v
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: 27 → AA, 28 → BB
    if n <= 0 or n > MAX_LETTER_COUNTER:
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """Render counter `n` in Word numFmt `fmt` (ST_NumberFormat)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "japaneseDigitalTenThousand"):
        return _chinese_counting(n)
    if fmt in ("chineseLegalSimplified", "japaneseLegal"):
        return _chinese_counting(n, legal=True)
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join("〇一二三四五六七八九"[int(c)] for c in str(n))
    if fmt == "ideographTraditional":
        return _TIANGAN[n - 1] if 1 <= n <= 10 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[n - 1] if 1 <= n <= 12 else str(n)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(c)) for c in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "none":
        return ""
    return str(n)  # decimal and anything exotic


def _ilvl(text: str | None) -> int | None:
    """A list level 0–8, or None when the value is no level at all."""
    value = limits.small_int(text, -1, -1, 9)
    return value if 0 <= value <= 8 else None


def _start(text: str | None) -> int | None:
    return limits.small_int(text, None, 0, MAX_LIST_START)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # lvlText; None = not given
    restart: int | None = None  # lvlRestart value; None = default (restart after any higher level)
    legal: bool = False  # isLgl: show all levels as decimal
    style: str | None = None  # pStyle linked to this level


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # lvlOverride/startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # lvlOverride/lvl (full replacement)


class _Numbering:
    """numbering.xml plus the running counters. Counters are kept per abstract definition: Word
    continues a list across w:num instances of the same abstractNum unless one overrides its start."""

    def __init__(self, w: str, root, styles: _Styles):
        self.w = w
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.abstract_style_link: dict[str, str] = {}
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.seen: set[str] = set()
        self.styles = styles
        if root is None:
            return
        W = f"{{{w}}}"
        for an in root.iter(W + "abstractNum"):
            limits.check_time()
            aid = an.get(W + "abstractNumId") or ""
            self.abstract[aid] = {ilvl: self._level(lvl) for lvl in an.findall(W + "lvl")
                                  if (ilvl := _ilvl(lvl.get(W + "ilvl") or "0")) is not None}
            link = an.find(W + "numStyleLink")
            if link is not None and link.get(W + "val"):
                self.abstract_style_link[aid] = link.get(W + "val")
        for num in root.iter(W + "num"):
            nid = num.get(W + "numId") or ""
            ref = num.find(W + "abstractNumId")
            n = _Num(abstract=ref.get(W + "val") if ref is not None else "")
            for ov in num.findall(W + "lvlOverride"):
                ilvl = _ilvl(ov.get(W + "ilvl") or "0")
                if ilvl is None:
                    continue
                so = ov.find(W + "startOverride")
                start = _start(so.get(W + "val")) if so is not None else None
                if start is not None:
                    n.starts[ilvl] = start
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    n.levels[ilvl] = self._level(lvl)
            self.nums[nid] = n

    def _level(self, el) -> _Level:
        W = f"{{{self.w}}}"

        def val(tag):
            x = el.find(W + tag)
            return None if x is None else x.get(W + "val")

        lv = _Level()
        start = _start(val("start"))
        if start is not None:
            lv.start = start
        lv.fmt = val("numFmt") or "decimal"
        text = val("lvlText")
        lv.text = text[:MAX_LEVEL_TEXT] if text is not None else None
        lv.restart = limits.small_int(val("lvlRestart"), None, 0, 9)
        is_lgl = el.find(W + "isLgl")
        lv.legal = is_lgl is not None and (is_lgl.get(W + "val") or "true") not in ("0", "false", "off")
        lv.style = val("pStyle")
        return lv

    def _levels(self, num: _Num) -> tuple[str, dict[int, _Level]]:
        aid = num.abstract
        levels = self.abstract.get(aid, {})
        # numStyleLink: the definition lives with the numbering style's own num
        link = self.abstract_style_link.get(aid)
        if link and not levels:
            target = self.styles.num_of(link)
            if target and target[0] in self.nums and self.nums[target[0]].abstract != aid:
                aid = self.nums[target[0]].abstract
                levels = self.abstract.get(aid, {})
        if num.levels:
            levels = {**levels, **num.levels}
        return aid, levels

    def level_for_style(self, num_id: str, style_id: str) -> int | None:
        num = self.nums.get(num_id)
        if num is None:
            return None
        for ilvl, lv in self._levels(num)[1].items():
            if lv.style == style_id:
                return ilvl
        return None

    def render(self, num_id: str, ilvl: int) -> str:
        """Advance the counters for one numbered paragraph and return the rendered number text."""
        num = self.nums.get(num_id)
        if num is None:
            return ""
        aid, levels = self._levels(num)
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.seen:
            self.seen.add(num_id)
            for lvl_i, start in num.starts.items():
                if 0 <= lvl_i < 9:
                    counters[lvl_i] = start - 1
                    for k in range(lvl_i + 1, 9):
                        counters[k] = None
        ilvl = max(0, min(ilvl, 8))
        lv = levels[ilvl]
        # a level used before the levels above it ever were: those count as used at their start value
        # (as Word and LibreOffice render it: 1.1 first, then the next top-level item is 2)
        for k in range(ilvl):
            if counters[k] is None and k in levels:
                counters[k] = levels[k].start
        current = counters[ilvl]
        counters[ilvl] = lv.start if current is None else current + 1
        for k in range(ilvl + 1, 9):
            deeper = levels.get(k)
            restart = deeper.restart if deeper else None
            if restart is None or (restart > 0 and ilvl <= restart - 1):
                counters[k] = None
        if lv.fmt == "bullet" or lv.text is None:
            return ""  # a bullet is not a heading number

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            other = levels.get(k)
            if other is None:
                return ""
            used = counters[k]
            n = used if used is not None else other.start  # a deeper level not yet used
            return format_number(n, "decimal" if (lv.legal and other.fmt != "none") else other.fmt)

        return re.sub(r"%([1-9])", sub, lv.text)


class _Styles:
    """Paragraph styles: inherited numbering (numPr through basedOn) and the default paragraph style."""

    def __init__(self, w: str, root):
        self.w = w
        self.num: dict[str, tuple[str | None, int | None]] = {}
        self.based: dict[str, str] = {}
        self.default: str | None = None
        if root is None:
            return
        W = f"{{{w}}}"
        for st in root.iter(W + "style"):
            sid = st.get(W + "styleId") or ""
            if st.get(W + "type") == "paragraph" and st.get(W + "default") in ("1", "true", "on"):
                self.default = sid
            b = st.find(W + "basedOn")
            if b is not None and b.get(W + "val"):
                self.based[sid] = b.get(W + "val")
            np = st.find(f"{W}pPr/{W}numPr")
            if np is not None:
                nid = np.find(W + "numId")
                il = np.find(W + "ilvl")
                self.num[sid] = (nid.get(W + "val") if nid is not None else None,
                                 _ilvl(il.get(W + "val")) if il is not None else None)

    def num_of(self, sid: str | None) -> tuple[str | None, int | None] | None:
        seen = set()
        while sid and sid not in seen:
            seen.add(sid)
            if sid in self.num:
                return self.num[sid]
            sid = self.based.get(sid)
        return None


# ---------------------------------------------------------------------------------------------
# The body walk


@dataclass
class _Stats:
    revision_places: list[str] = field(default_factory=list)
    textboxes: int = 0
    hidden_runs: int = 0
    images: int = 0
    objects: int = 0
    alt_chunks: int = 0
    nested_tables: int = 0
    covered_merge_text: int = 0

    def revision(self, where: str) -> None:
        if not self.revision_places or self.revision_places[-1] != where:
            self.revision_places.append(where)


class _Walker:
    def __init__(self, w: str, numbering: _Numbering, styles: _Styles):
        self.w = w
        self.W = f"{{{w}}}"
        self.numbering = numbering
        self.styles = styles
        self.stats = _Stats()
        self.blocks: list = []
        self.par_index = 0  # visible body paragraphs so far
        self.table_index = 0
        self.carry = ""  # text of a paragraph whose mark was deleted: it joins the next one
        self.where = ""  # current place, for the tracked-change warning

    # -- inline content ----------------------------------------------------------------------

    def _runs_text(self, el, boxes: list, changed: list[bool]) -> str:
        """Visible text of a paragraph-like element in document order. Text boxes found on the way
        are appended to `boxes` (their content is read separately); `changed[0]` is set on
        tracked insertions/deletions."""
        W = self.W
        out: list[str] = []

        def walk(node, hidden: bool = False):
            for ch in node:
                tag = ch.tag
                if not isinstance(tag, str):
                    continue
                if tag == f"{{{_MC}}}AlternateContent":
                    # Choice and Fallback hold the same content twice (DrawingML and VML): take one.
                    alt = ch.find(f"{{{_MC}}}Choice")
                    if alt is None:
                        alt = ch.find(f"{{{_MC}}}Fallback")
                    if alt is not None:
                        walk(alt, hidden)
                    continue
                if not tag.startswith(W):
                    if tag.endswith("}txbxContent"):
                        continue
                    # DrawingML/VML containers: look for text boxes and pictures inside
                    self._scan_graphic(ch, boxes)
                    continue
                name = tag[len(W):]
                if name in ("del", "moveFrom"):
                    changed[0] = True
                    continue
                if name in ("ins", "moveTo"):
                    changed[0] = True
                    walk(ch, hidden)
                elif name == "r":
                    rpr = ch.find(W + "rPr")
                    run_hidden = hidden
                    if rpr is not None:
                        v = rpr.find(W + "vanish")
                        if v is not None and (v.get(W + "val") or "true") not in ("0", "false", "off"):
                            run_hidden = True
                    if run_hidden:
                        if any(t.text for t in ch.iter(W + "t")):
                            self.stats.hidden_runs += 1
                        continue
                    walk(ch, hidden)
                elif name == "t":
                    out.append(ch.text or "")
                elif name == "tab" or name == "ptab":
                    out.append("\t")
                elif name in ("br", "cr"):
                    if ch.get(W + "type") not in ("page", "column"):
                        out.append("\n")
                elif name == "noBreakHyphen":
                    out.append("-")
                elif name == "sym":
                    code = ch.get(W + "char") or ""
                    if not re.fullmatch(r"[0-9A-Fa-f]{1,6}", code):
                        continue
                    cp = int(code, 16)
                    if cp < 0xE000:  # symbol-font private-use codes carry no text we can name
                        out.append(chr(cp))
                elif name in ("drawing", "pict", "object"):
                    if name == "object":
                        self.stats.objects += 1
                    self._scan_graphic(ch, boxes)
                elif name in ("hyperlink", "smartTag", "customXml", "fldSimple", "sdt", "sdtContent", "dir",
                              "bdo", "rubyBase"):
                    walk(ch, hidden)
                elif name == "ruby":
                    base = ch.find(W + "rubyBase")
                    if base is not None:
                        walk(base, hidden)
                # everything else (rPr, pPr, instrText, delText, footnoteReference, fldChar, …) holds no
                # visible body text

        walk(el)
        return "".join(out)

    def _scan_graphic(self, node, boxes: list) -> None:
        W = self.W
        found_box = False
        for sub in node.iter(W + "txbxContent"):
            # a text box inside a text box is read with its outer box
            if self._inside_box(sub, node):
                continue
            boxes.append(sub)
            found_box = True
        if found_box:
            return
        if any(True for _ in node.iter(f"{{{_PIC}}}pic", f"{{{_V}}}imagedata", f"{{{_DML_MAIN}}}blip")):
            self.stats.images += 1

    def _inside_box(self, el, stop) -> bool:
        for a in el.iterancestors():
            if a is stop:
                return False
            if a.tag == self.W + "txbxContent":
                return True
        return False

    # -- paragraphs ---------------------------------------------------------------------------

    def _paragraph_numbering(self, p) -> str:
        W = self.W
        ppr = p.find(W + "pPr")
        num_id: str | None = None
        ilvl: int | None = None
        style = None
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            style = ps.get(W + "val") if ps is not None else None
            np = ppr.find(W + "numPr")
            if np is not None:
                n = np.find(W + "numId")
                i = np.find(W + "ilvl")
                if n is not None:
                    num_id = n.get(W + "val")
                if i is not None:
                    ilvl = _ilvl(i.get(W + "val"))
        style = style or self.styles.default
        if num_id is None:
            inherited = self.styles.num_of(style)
            if inherited is None:
                return ""
            num_id = inherited[0]
            if ilvl is None:
                ilvl = inherited[1]
        if not num_id or num_id == "0":
            return ""
        if ilvl is None:
            ilvl = self.numbering.level_for_style(num_id, style) if style else None
        return self.numbering.render(num_id, ilvl or 0)

    def _read_paragraph(self, p, boxes: list) -> tuple[str, str, bool]:
        """(numbering, text, mark deleted)"""
        W = self.W
        changed = [False]
        text = self._runs_text(p, boxes, changed)
        mark = p.find(f"{W}pPr/{W}rPr")
        mark_deleted = False
        if mark is not None:
            if mark.find(W + "del") is not None or mark.find(W + "moveFrom") is not None:
                mark_deleted = True
                changed[0] = True
            elif mark.find(W + "ins") is not None or mark.find(W + "moveTo") is not None:
                changed[0] = True
        if changed[0]:
            self.stats.revision(self.where)
        numbering = "" if mark_deleted else self._paragraph_numbering(p)
        return numbering, text, mark_deleted

    def _emit_paragraph(self, p) -> None:
        self.where = f"第{self.par_index + 1}段|paragraph {self.par_index + 1}"
        boxes: list = []
        numbering, text, mark_deleted = self._read_paragraph(p, boxes)
        if mark_deleted:
            # after accepting the change this paragraph's text runs on into the next one
            self.carry += text
        else:
            text = self.carry + text
            self.carry = ""
            if text.strip():
                limits.add_block(len(text) + len(numbering))
                self.blocks.append(Paragraph(text=text.strip(), numbering=numbering,
                                             location=Location(paragraph=self.par_index)))
                self.par_index += 1
        for box in boxes:
            self.stats.textboxes += 1
            self._walk_container(box)

    # -- containers ---------------------------------------------------------------------------

    def _children(self, container) -> Iterator:
        """Block-level p/tbl children, looking through content controls and custom XML."""
        W = self.W
        for ch in container:
            if not isinstance(ch.tag, str):
                continue
            if ch.tag in (W + "p", W + "tbl"):
                yield ch
            elif ch.tag in (W + "sdt",):
                content = ch.find(W + "sdtContent")
                if content is not None:
                    yield from self._children(content)
            elif ch.tag in (W + "customXml", W + "ins", W + "moveTo"):
                yield from self._children(ch)
            elif ch.tag in (W + "del", W + "moveFrom"):
                self.stats.revision(self.where or "正文|body")
            elif ch.tag == W + "altChunk":
                self.stats.alt_chunks += 1
            elif ch.tag == f"{{{_MC}}}AlternateContent":
                choice = ch.find(f"{{{_MC}}}Choice")
                if choice is not None:
                    yield from self._children(choice)

    def _walk_container(self, container) -> None:
        W = self.W
        for el in self._children(container):
            limits.check_time()
            if el.tag == W + "p":
                self._emit_paragraph(el)
            else:
                self._emit_table(el)

    def walk_body(self, body) -> None:
        self._walk_container(body)
        if self.carry.strip():
            self.blocks.append(Paragraph(text=self.carry.strip(), location=Location(paragraph=self.par_index)))
            self.par_index += 1
            self.carry = ""

    # -- tables -------------------------------------------------------------------------------

    def _is_wrapper(self, tbl) -> bool:
        """A 1×1 layout table around real content (common after web → Word copies)."""
        W = self.W
        rows = tbl.findall(W + "tr")
        if len(rows) != 1:
            return False
        cells = rows[0].findall(W + "tc")
        return len(cells) == 1 and cells[0].find(W + "tbl") is not None

    def _cell_text(self, tc, where: str) -> str:
        W = self.W
        parts: list[str] = []
        carry = ""
        for el in self._children(tc):
            if el.tag == W + "tbl":
                self.stats.nested_tables += 1
                parts.append(self._flatten_table(el))
                continue
            boxes: list = []
            self.where = where
            numbering, text, mark_deleted = self._read_paragraph(el, boxes)
            for box in boxes:
                self.stats.textboxes += 1
                box_text = self._cell_text(box, where)
                if box_text:
                    text = (text + "\n" + box_text) if text else box_text
            if mark_deleted:
                carry += text
                continue
            text = carry + text
            carry = ""
            line = (numbering + text).strip()
            if line:
                parts.append(line)
        if carry.strip():
            parts.append(carry.strip())
        return "\n".join(parts)

    def _flatten_table(self, tbl) -> str:
        """Text of a nested table: cells separated by tabs, rows by newlines."""
        W = self.W
        lines = []
        for tr in tbl.findall(W + "tr"):
            cells = [self._cell_text(tc, self.where) for tc in tr.findall(W + "tc")]
            line = "\t".join(c for c in cells if c)
            if line:
                lines.append(line)
        return "\n".join(lines)

    def _emit_table(self, tbl) -> None:
        W = self.W
        if self._is_wrapper(tbl):
            self._walk_container(tbl.find(W + "tr").find(W + "tc"))
            return
        t_index = self.table_index
        self.table_index += 1
        where = f"第{t_index + 1}个表格|table {t_index + 1}"
        self.where = where

        def int_val(el, tag, default):
            x = el.find(tag)
            return limits.small_int(x.get(W + "val") if x is not None else None, default, 0, limits.MAX_COLSPAN)

        # Pass 1: place every w:tc on the grid (row, first grid column, colspan, vMerge state).
        placed: list[list[tuple[int, int, str | None, object]]] = []
        for tr in tbl.findall(W + "tr"):
            limits.check_time()
            trpr = tr.find(W + "trPr")
            if trpr is not None:
                if trpr.find(W + "del") is not None:
                    self.stats.revision(where)
                    continue  # a deleted row is gone once changes are accepted
                if trpr.find(W + "ins") is not None:
                    self.stats.revision(where)
            col = int_val(trpr, W + "gridBefore", 0) if trpr is not None else 0
            row: list[tuple[int, int, str | None, object]] = []
            for tc in self._row_cells(tr):
                tcpr = tc.find(W + "tcPr")
                span = 1
                vmerge = None
                if tcpr is not None:
                    if tcpr.find(W + "cellDel") is not None:
                        self.stats.revision(where)
                        continue
                    span = max(1, min(int_val(tcpr, W + "gridSpan", 1), 100))
                    vm = tcpr.find(W + "vMerge")
                    if vm is not None:
                        vmerge = "restart" if vm.get(W + "val") == "restart" else "continue"
                    hm = tcpr.find(W + "hMerge")  # legacy horizontal merge (old Word/WPS output)
                    if hm is not None and hm.get(W + "val") != "restart" and row:
                        c0, s0, v0, tc0 = row[-1]
                        row[-1] = (c0, s0 + span, v0, tc0)
                        self._note_covered(tc)
                        col += span
                        check_table_size(len(placed) + 1, col, Location(table=t_index))
                        continue
                row.append((col, span, vmerge, tc))
                col += span
                check_table_size(len(placed) + 1, col, Location(table=t_index))
            placed.append(row)

        # Pass 2: vertical spans. A "continue" cell joins the cell above that starts at the same grid
        # column; one with nothing to join (broken files) stands on its own.
        owner: dict[tuple[int, int], list] = {}  # (row, col) -> [origin row, col, rowspan, colspan, tc]
        origins: list[list] = []
        for r, row in enumerate(placed):
            for col, span, vmerge, tc in row:
                above = owner.get((r - 1, col)) if vmerge == "continue" else None
                if above is not None and above[1] == col:
                    above[2] += 1
                    owner[(r, col)] = above
                    self._note_covered(tc)
                    continue
                o = [r, col, 1, span, tc]
                origins.append(o)
                owner[(r, col)] = o

        # Pass 3: fill the grid with expand_grid's semantics (copies origin=False, padding origin=False).
        nrows = len(placed)
        width = max([o[1] + o[3] for o in origins] + [0])
        grid: dict[tuple[int, int], GridCell] = {}
        limits.add_slots(nrows * width)
        for r0, c0, rowspan, colspan, tc in origins:
            limits.check_time()
            text = self._cell_text(tc, where)
            for dr in range(rowspan):
                for dc in range(colspan):
                    slot = (r0 + dr, c0 + dc)
                    if slot in grid:
                        continue
                    first = dr == 0 and dc == 0
                    grid[slot] = GridCell(text=text, location=Location(table=t_index, row=r0 + dr, column=c0 + dc),
                                          origin=first, rowspan=rowspan if first else 1,
                                          colspan=colspan if first else 1)
        rows = [[grid.get((r, c)) or GridCell(text="", location=Location(table=t_index, row=r, column=c), origin=False)
                 for c in range(width)] for r in range(nrows)]
        if rows and width:
            limits.add_block(sum(len(c.text) for row in rows for c in row if c.origin))
            self.blocks.append(Table(rows=rows, location=Location(table=t_index)))

    def _row_cells(self, tr) -> Iterator:
        W = self.W
        for ch in tr:
            if ch.tag == W + "tc":
                yield ch
            elif ch.tag in (W + "sdt",):
                content = ch.find(W + "sdtContent")
                if content is not None:
                    yield from self._row_cells(content)
            elif ch.tag == W + "customXml":
                yield from self._row_cells(ch)

    def _note_covered(self, tc) -> None:
        # Text in a merged-away cell is not shown by Word; say so instead of silently dropping it.
        if any((t.text or "").strip() for t in tc.iter(self.W + "t")):
            self.stats.covered_merge_text += 1


# ---------------------------------------------------------------------------------------------
# Warnings, metadata


def _warnings(stats: _Stats) -> list[tuple[str, str, str]]:
    out = []
    if stats.revision_places:
        places = stats.revision_places
        zh_places = "、".join(p.split("|")[0] for p in places[:5]) + ("等" if len(places) > 5 else "")
        en_places = ", ".join(p.split("|")[1] for p in places[:5]) + (", …" if len(places) > 5 else "")
        out.append(("docx-tracked-changes",
                    (f"{zh_places}含修订标记（共{len(places)}处），已按接受全部修订后的内容读取；"
                     f"发布前请在 Word 中接受或拒绝修订"),
                    (f"tracked changes in {en_places} ({len(places)} in all): read as if all changes were "
                     f"accepted; accept or reject them in Word before publishing")))
    if stats.textboxes:
        out.append(("docx-textbox",
                    f"文本框中的内容（{stats.textboxes}处）已读取，按其所在段落之后的位置排列",
                    f"text-box content ({stats.textboxes}) was read and placed after its anchoring paragraph"))
    if stats.hidden_runs:
        out.append(("docx-hidden-text",
                    f"文档含隐藏文字（{stats.hidden_runs}处），未读取",
                    f"hidden text ({stats.hidden_runs} runs) was not read"))
    if stats.covered_merge_text:
        out.append(("docx-merged-cell-text",
                    f"表格合并单元格中有被遮住的文字（{stats.covered_merge_text}处），Word 不显示，未读取",
                    f"merged-away table cells hold text Word does not show ({stats.covered_merge_text}); not read"))
    if stats.nested_tables:
        out.append(("docx-nested-table",
                    f"表格中嵌套的表格（{stats.nested_tables}个）按文字读入所在单元格",
                    f"nested tables ({stats.nested_tables}) were read as text of their enclosing cell"))
    if stats.images:
        out.append(("docx-images",
                    f"文档含图片（{stats.images}张），图片中的内容未读取；以图片插入的表格无法检查",
                    (f"the document has {stats.images} image(s) whose content was not read; a table inserted "
                     f"as a picture cannot be checked")))
    if stats.objects:
        out.append(("docx-embedded-object",
                    f"文档含嵌入对象（{stats.objects}个，如嵌入的 Excel 表格），其内容未读取",
                    (f"the document has {stats.objects} embedded object(s) (e.g. Excel sheets) whose content "
                     f"was not read")))
    if stats.alt_chunks:
        out.append(("docx-alt-chunk",
                    f"文档含以“导入块”嵌入的其他文件（{stats.alt_chunks}处），其内容未读取",
                    f"the document embeds {stats.alt_chunks} imported file(s) (altChunk) whose content was not read"))
    return out


def _core_meta(pkg: _Package, core_name: str | None, blocks: list) -> dict[str, tuple[str, str, str]]:
    meta: dict[str, tuple[str, str, str]] = {}
    if not core_name or not pkg.has(core_name):
        return meta
    try:
        core = pkg.xml(core_name)
    except InputError:
        return meta  # damaged properties do not make the body unreadable
    title_el = core.find(f"{{{_DC}}}title")
    title = " ".join((title_el.text or "").split()) if title_el is not None else ""
    # The body's own title wins; the file property is often a template name or stale, so use it only
    # when the opening paragraphs carry no title and it looks like one.
    head = [b.text for b in blocks[:6] if isinstance(b, Paragraph)]
    if title and _TITLE_HINT.search(title) and not any(_TITLE_HINT.search(t) for t in head):
        meta["title"] = (title, "docx-core-title", title)
    modified = core.find(f"{{{_DCTERMS}}}modified")
    if modified is not None and (modified.text or "").strip():
        raw = modified.text.strip()
        # Last saved, not published: kept for information only, never as published_on.
        meta["docx_modified"] = (raw[:10], "docx-core-modified", raw)
    return meta


# ---------------------------------------------------------------------------------------------
# The reader


class DocxReader:
    name = "docx"
    extensions = (".docx",)

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"PK\x03\x04") and (b"word/" in head[:8192] or b"[Content_Types].xml" in head[:8192])

    def read(self, data: bytes, path: str) -> Document:
        with limits.guarded(path):
            return self._read(data, path)

    def _read(self, data: bytes, path: str) -> Document:
        pkg = _Package(data, path)
        root_rels = pkg.rels("")
        main = _rel_target(root_rels, "/officeDocument") or "word/document.xml"
        if not pkg.has(main):
            raise _bad(path, "压缩包中没有 word/document.xml（可能是其他 Office 文件）",
                       "no word/document.xml in the archive (another Office file?)", "not-docx")
        doc = pkg.xml(main)
        w = doc.tag[1:].split("}")[0] if doc.tag.startswith("{") else ""
        if w not in (_W_TRANSITIONAL, _W_STRICT):
            raise _bad(path, "主文档不是 WordprocessingML", "the main part is not WordprocessingML", "not-docx")
        body = doc.find(f"{{{w}}}body")
        if body is None:
            raise _bad(path, "文档没有正文", "the document has no body")
        rels = pkg.rels(main)
        styles_name = _rel_target(rels, "/styles")
        numbering_name = _rel_target(rels, "/numbering")
        styles = _Styles(w, pkg.xml(styles_name) if styles_name and pkg.has(styles_name) else None)
        numbering = _Numbering(w, pkg.xml(numbering_name) if numbering_name and pkg.has(numbering_name) else None,
                               styles)
        walker = _Walker(w, numbering, styles)
        walker.walk_body(body)
        if not any(isinstance(b, Paragraph) or any(c.text for row in b.rows for c in row) for b in walker.blocks):
            st = walker.stats
            if st.images or st.objects:
                n = st.images + st.objects
                raise InputError("no-text",
                                 f"{path} 的正文没有文字，只有 {n} 张图片或嵌入对象（可能是扫描件）：无法检查，"
                                 f"请提供可复制文字的 Word 文档",
                                 f"{path} has no text, only {n} image(s) or embedded object(s) (a scan?): nothing "
                                 f"to check; provide a Word document with real text")
            raise InputError("empty-file", f"{path} 是空白的 Word 文档（正文没有文字）",
                             f"{path} is an empty Word document (no text in the body)")
        meta = _core_meta(pkg, _rel_target(root_rels, "/core-properties") or "docProps/core.xml", walker.blocks)
        return Document(blocks=walker.blocks, format="docx", meta=meta, warnings=_warnings(walker.stats))


READER = DocxReader()


def convert_with_libreoffice(path: str) -> bytes:
    """Convert a .doc/.wps (or anything LibreOffice opens) to .docx bytes with headless LibreOffice.

    For the CLI's --convert flag. Raises InputError when LibreOffice is missing or the conversion fails.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise InputError("convert-needs-libreoffice",
                         f"转换 {path} 需要 LibreOffice（未找到 soffice 命令）："
                         f"请安装 LibreOffice，或在 Word/WPS 中另存为 .docx",
                         f"converting {path} needs LibreOffice (no soffice command found): install it, "
                         f"or save the file as .docx in Word/WPS")
    src = Path(path)
    if not src.is_file():
        raise InputError("file-not-found", f"找不到文件：{path}", f"file not found: {path}")
    with tempfile.TemporaryDirectory(prefix="report-lint-convert-") as tmp:
        # A private profile: a user's running LibreOffice (or a stale lock) would otherwise block us.
        profile = Path(tmp, "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", "docx", "--outdir", tmp, str(src.resolve())]
        try:
            # check=False: a failed conversion is reported below from the return code and stderr
            proc = subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT, stdin=subprocess.DEVNULL,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise InputError("convert-failed", f"LibreOffice 转换 {path} 超时（{CONVERT_TIMEOUT} 秒）",
                             f"LibreOffice timed out converting {path} ({CONVERT_TIMEOUT} s)") from None
        except OSError as e:
            raise InputError("convert-failed", f"无法运行 LibreOffice：{e}", f"cannot run LibreOffice: {e}") from None
        out = Path(tmp, src.stem + ".docx")
        if proc.returncode != 0 or not out.is_file():
            detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip().splitlines()
            last = detail[-1] if detail else f"exit {proc.returncode}"
            raise InputError("convert-failed", f"LibreOffice 无法转换 {path}：{last}",
                             f"LibreOffice could not convert {path}: {last}")
        return out.read_bytes()


__all__ = ["READER", "DocxReader", "convert_with_libreoffice", "format_number"]
