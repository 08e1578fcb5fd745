"""PDF reader: text PDFs as WPS/Word export them, read by word coordinates (pdfplumber).

What comes out:
- `Paragraph` blocks: lines of one paragraph are joined (a paragraph ends where a line stops short of
  the right margin, the next line is indented, the font size changes or a big gap opens); the title lines
  at the top of page 1 are one paragraph; headings that stand on their own line stay their own paragraph.
- `Table` blocks, built from the page's ruling lines where they exist (every enclosed area is a cell, so
  merged cells and blank cells keep their place), else from word positions: columns come from the
  header row and the columns of numbers, label text that wraps around a row of numbers is joined into
  that row's label cell, vertical text one character per line becomes one merged label cell.
- A table broken across pages is joined into ONE Table block when the two parts have the same outer
  width (ruled) or the same columns (unruled); a label cell that a page break cut in two is joined again.
- Page numbers (`- 3 -`, `— 5 —`, `第 3 页`) at the top/bottom of a page are dropped.
- Locations: `page` (1-based) and `line`, a running number in reading order where each text line and
  each table row counts one; table cells also carry table/row/column.
- meta: `title` (the big title lines on page 1), `signed_on` (a date line at the very end),
  `pdf_created` (the file's CreationDate: when the PDF was made, not when the report was published).
"""
from __future__ import annotations

import bisect
import contextlib
import io
import logging
import math
import re
import statistics
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TypedDict

from ..document import Block, Document, GridCell, Paragraph, Table
from ..errors import InputError
from ..model import Location
from . import limits, pdf_vet

MAX_PAGES = 300
MAX_CHARS = 500_000  # characters over all pages (a long report has ~100 000)

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2014-\u201f\u2026]")
_NUMERIC = re.compile(r"^[-+−－]?\d[\d,，]*(?:[.．]\d+)?%?$")
_FOOTER = [
    re.compile(r"^[-—–－‒―−~～·•・.\s]*\d{1,4}[-—–－‒―−~～·•・.\s]*$"),
    re.compile(r"^第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I),
]
# An item marker at the start of a label: 一、 （一） 1. 1、 (1)
_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.．、])")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_LINE = re.compile(
    r"^\s*(?P<y>\d{4}|[〇○零ＯO一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*$")


# --------------------------------------------------------------------------- page primitives

@dataclass
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    upright: bool = True
    space_before: bool = False  # an explicit space character stood before it

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Line:
    chars: list[_Char]
    page: int
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    text: str = ""

    def finish(self) -> _Line:
        self.chars.sort(key=lambda c: c.x0)
        self.x0 = min(c.x0 for c in self.chars)
        self.x1 = max(c.x1 for c in self.chars)
        self.top = min(c.top for c in self.chars)
        self.bottom = max(c.bottom for c in self.chars)
        self.size = statistics.median(c.size for c in self.chars)
        self.text = _join_chars(self.chars)
        return self

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def _join_chars(chars: list[_Char]) -> str:
    """Text of one line: no spaces between CJK characters (gaps there are justification or WPS's
    automatic latin/CJK spacing), one space between latin words, and one for a very wide gap."""
    out: list[str] = []
    prev: _Char | None = None
    for c in chars:
        if prev is not None:
            gap = c.x0 - prev.x1
            size = max(min(prev.size, c.size), 1.0)
            cjk_edge = bool(_CJK.match(prev.text[-1]) or _CJK.match(c.text[0]))
            if (not cjk_edge and (c.space_before or gap > 0.25 * size)) or (cjk_edge and gap > 1.5 * size):
                out.append(" ")
        out.append(c.text)
        prev = c
    return "".join(out)


def _group_lines(chars: list[_Char], page: int) -> list[_Line]:
    """Chars into text lines: a char joins a line when their vertical extents overlap by half the
    smaller height. Lines come back top to bottom."""
    lines: list[_Line] = []
    for c in sorted(chars, key=lambda c: (c.top, c.x0)):
        h = max(c.bottom - c.top, 0.1)
        best = None
        for ln in reversed(lines[-4:]):  # only recent lines can overlap (chars are sorted by top)
            ov = min(ln.bottom, c.bottom) - max(ln.top, c.top)
            if ov >= 0.5 * min(h, ln.bottom - ln.top):
                best = ln
                break
        if best is None:
            lines.append(_Line([c], page, top=c.top, bottom=c.bottom))
        else:
            best.chars.append(c)
            # keep the line's band at its first chars' height so a tall char does not swallow neighbours
            best.top = min(best.top, c.top) if c.bottom - c.top <= 1.5 * (best.bottom - best.top) else best.top
            best.bottom = max(best.bottom, c.bottom) if c.bottom - c.top <= 1.5 * (best.bottom - best.top) \
                else best.bottom
    out = [ln.finish() for ln in lines]
    out.sort(key=lambda ln: (ln.top, ln.x0))
    return out


def _segments(line_chars: list[_Char], gap_em: float = 1.0) -> list[list[_Char]]:
    """Split one line's chars (sorted by x) where the gap exceeds gap_em × font size: table cells."""
    segs: list[list[_Char]] = []
    for c in line_chars:
        if segs:
            p = segs[-1][-1]
            if c.x0 - p.x1 > gap_em * max(min(p.size, c.size), 1.0):
                segs.append([c])
                continue
            segs[-1].append(c)
        else:
            segs.append([c])
    return segs


def _is_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text.replace(" ", "")))


def _is_footer(text: str) -> bool:
    t = text.strip()
    return bool(t) and len(t) <= 20 and any(p.match(t) for p in _FOOTER)


# --------------------------------------------------------------------------- grids (both kinds)

@dataclass
class _GCell:
    r0: int
    r1: int  # exclusive
    c0: int
    c1: int  # exclusive
    chars: list[_Char] = field(default_factory=list)
    text: str = ""
    has_top: bool = True  # a ruling closes the cell at the top (meaningful for the first row only)
    page: int = 0


@dataclass
class _Grid:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    xs: list[float]  # column boundaries
    nrows: int
    cells: list[_GCell]
    ruled: bool
    row_pages: list[int] = field(default_factory=list)
    continues: bool = False  # unruled part that reused the previous page's columns
    # unruled grids: the data columns [x0, x1, centre], which a continuation page without a header reuses
    data_cols: list[list[float]] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        return len(self.xs) - 1


def _cell_text(chars: list[_Char], page: int) -> str:
    if not chars:
        return ""
    upright = sum(1 for c in chars if c.upright) * 2 >= len(chars)
    if not upright:
        # rotated text: read columns left to right, each top to bottom
        chars = sorted(chars, key=lambda c: (round(c.x0), c.top))
        return "".join(c.text for c in chars).strip()
    parts: list[str] = []
    for ln in _group_lines(chars, page):
        t = ln.text.strip()
        if not t:
            continue
        # lines of a cell join without a space: CJK text, and numbers a narrow cell wrapped (12/2 is 122);
        # only latin words keep one
        if parts and parts[-1][-1].isascii() and parts[-1][-1].isalpha() and t[0].isascii() and t[0].isalpha():
            parts.append(" ")
        parts.append(t)
    return "".join(parts).strip()


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


# --------------------------------------------------------------------------- ruled tables

def _is_white(color) -> bool:
    if color is None:
        return False
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not color or not all(isinstance(v, (int, float)) for v in color):
        return False
    if len(color) == 1:
        return color[0] >= 0.95
    if len(color) == 3:
        return min(color) >= 0.95
    if len(color) == 4:
        return max(color) <= 0.05
    return False


def _edges(objs: dict) -> tuple[list[tuple], list[tuple]]:
    """Visible ruling segments: horizontal (y, x0, x1) and vertical (x, y0, y1). WPS paints a white,
    unstroked rectangle behind every line of text and every cell; those are not rulings."""
    hs: list[tuple] = []
    vs: list[tuple] = []

    def seg(x0, y0, x1, y1):
        if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
            return  # drawn with numbers that overflow: nowhere on the page
        if abs(y1 - y0) <= 1.0 and abs(x1 - x0) > 1.0:
            hs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= 1.0 and abs(y1 - y0) > 1.0:
            vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))

    for ln in objs.get("line", []):
        if _is_white(ln.get("stroking_color")):
            continue
        seg(ln["x0"], ln["top"], ln["x1"], ln["bottom"])
    for r in objs.get("rect", []):
        x0, x1, top, bottom = r["x0"], r["x1"], r["top"], r["bottom"]
        if r.get("stroke") and not _is_white(r.get("stroking_color")):
            seg(x0, top, x1, top)
            seg(x0, bottom, x1, bottom)
            seg(x0, top, x0, bottom)
            seg(x1, top, x1, bottom)
        elif r.get("fill") and not _is_white(r.get("non_stroking_color")):
            w, h = x1 - x0, bottom - top
            if h <= 2.5 and w > h:  # a border drawn as a thin filled bar
                seg(x0, (top + bottom) / 2, x1, (top + bottom) / 2)
            elif w <= 2.5 and h > w:
                seg((x0 + x1) / 2, top, (x0 + x1) / 2, bottom)
    for cv in objs.get("curve", []):
        if not cv.get("stroke") or _is_white(cv.get("stroking_color")):
            continue
        pts = cv.get("pts") or []
        for (ax, ay), (bx, by) in pairwise(pts):
            seg(ax, ay, bx, by)
    return _merge_segments(hs), _merge_segments(vs)


def _merge_segments(segs: list[tuple], tol: float = 1.5) -> list[tuple]:
    """Snap segments on (nearly) the same line together and join touching ones."""
    out: list[list[float]] = []
    for pos, a, b in sorted(segs):
        for s in reversed(out[-8:]):
            if abs(s[0] - pos) <= tol and a <= s[2] + tol and b >= s[1] - tol:
                s[1], s[2] = min(s[1], a), max(s[2], b)
                break
        else:
            out.append([pos, a, b])
    return [tuple(s) for s in out]


def _ruled_grids(hs: list[tuple], vs: list[tuple], page: int) -> list[_Grid]:
    """Connected groups of crossing rulings become grids; every area enclosed by rulings is a cell."""
    n_h = len(hs)
    edges = [("h", *h) for h in hs] + [("v", *v) for v in vs]
    parent = list(range(len(edges)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tol = 2.0
    for i, (y, hx0, hx1) in enumerate(hs):
        for j, (x, vy0, vy1) in enumerate(vs):
            if hx0 - tol <= x <= hx1 + tol and vy0 - tol <= y <= vy1 + tol:
                a, b = find(i), find(n_h + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, list[int]] = {}
    for i in range(len(edges)):
        groups.setdefault(find(i), []).append(i)
    grids = []
    for members in groups.values():
        gh = [hs[i] for i in members if i < n_h]
        gv = [vs[i - n_h] for i in members if i >= n_h]
        if len(gh) < 2 or len(gv) < 2:
            continue
        g = _grid_from_rulings(gh, gv, page)
        if g is not None:
            grids.append(g)
    return grids


def _covers(segs: list[tuple], pos: float, a: float, b: float, tol: float = 2.0) -> bool:
    """Some segment on line `pos` covers at least half of [a, b]."""
    need = 0.5 * (b - a)
    return any(abs(p - pos) <= tol and min(s1, b) - max(s0, a) >= need for p, s0, s1 in segs)


def _grid_from_rulings(gh: list[tuple], gv: list[tuple], page: int) -> _Grid | None:
    x0 = min([v[0] for v in gv] + [h[1] for h in gh])
    x1 = max([v[0] for v in gv] + [h[2] for h in gh])
    top = min([h[0] for h in gh] + [v[1] for v in gv])
    bottom = max([h[0] for h in gh] + [v[2] for v in gv])
    xs = _cluster([v[0] for v in gv] + [x0, x1], 2.5)
    ys = _cluster([h[0] for h in gh] + [top, bottom], 2.5)
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr < 1 or nc < 1 or nr * nc < 2:
        return None
    parent = list(range(nr * nc))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(nr):
        for j in range(1, nc):
            if not _covers(gv, xs[j], ys[i], ys[i + 1]):
                a, b = find(i * nc + j - 1), find(i * nc + j)
                if a != b:
                    parent[a] = b
    for i in range(1, nr):
        for j in range(nc):
            if not _covers(gh, ys[i], xs[j], xs[j + 1]):
                a, b = find((i - 1) * nc + j), find(i * nc + j)
                if a != b:
                    parent[a] = b
    comps: dict[int, list[int]] = {}
    for k in range(nr * nc):
        comps.setdefault(find(k), []).append(k)
    cells: list[_GCell] = []
    owner = [0] * (nr * nc)
    for fine in comps.values():
        rows = [k // nc for k in fine]
        cols = [k % nc for k in fine]
        r0, r1, c0, c1 = min(rows), max(rows) + 1, min(cols), max(cols) + 1
        if (r1 - r0) * (c1 - c0) == len(fine):
            pieces = [(r0, r1, c0, c1, fine)]
        else:  # not a rectangle: keep each enclosed piece as its own cell
            pieces = [(k // nc, k // nc + 1, k % nc, k % nc + 1, [k]) for k in fine]
        for pr0, pr1, pc0, pc1, ks in pieces:
            cell = _GCell(pr0, pr1, pc0, pc1, page=page)
            if pr0 == 0:
                cell.has_top = _covers(gh, ys[0], xs[pc0], xs[pc1])
            for k in ks:
                owner[k] = len(cells)
            cells.append(cell)
    if len(cells) < 2:
        return None
    g = _Grid(page, x0, x1, top, bottom, xs, nr, cells, ruled=True, row_pages=[page] * nr)
    g._ys = ys  # type: ignore[attr-defined]
    g._owner = owner  # type: ignore[attr-defined]
    return g


def _fill_ruled(g: _Grid, chars: list[_Char]) -> list[_Char]:
    """Put each char whose centre lies inside the grid into its cell; return the others."""
    ys, owner, nc = g._ys, g._owner, g.ncols  # type: ignore[attr-defined]
    rest = []
    for c in chars:
        cx, cy = c.cx, c.cy
        if not (g.x0 - 0.5 <= cx <= g.x1 + 0.5 and g.top - 0.5 <= cy <= g.bottom + 0.5):
            rest.append(c)
            continue
        j = min(max(bisect.bisect_right(g.xs, cx) - 1, 0), nc - 1)
        i = min(max(bisect.bisect_right(ys, cy) - 1, 0), g.nrows - 1)
        g.cells[owner[i * nc + j]].chars.append(c)
    return rest


def _set_texts(g: _Grid) -> None:
    for cell in g.cells:
        cell.text = _cell_text(cell.chars, cell.page)


def _ruled_is_incomplete(g: _Grid) -> bool:
    """A grid whose cells hold several numbers side by side lacks its inner column rulings
    (e.g. only horizontal lines were drawn): read it by word positions instead."""
    for cell in g.cells:
        for ln in _group_lines(cell.chars, g.page) if cell.chars else []:
            segs = _segments(ln.chars)
            nums = sum(1 for s in segs if _is_numeric("".join(c.text for c in s)))
            if nums >= 2:
                return True
    return False


# --------------------------------------------------------------------------- unruled tables

@dataclass
class _Seg:
    chars: list[_Char]
    line: int  # index of its line in the page's line list
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0

    def __post_init__(self):
        self.text = _join_chars(self.chars)
        self.x0 = min(c.x0 for c in self.chars)
        self.x1 = max(c.x1 for c in self.chars)
        self.top = min(c.top for c in self.chars)
        self.bottom = max(c.bottom for c in self.chars)
        self.size = statistics.median(c.size for c in self.chars)

    @property
    def numeric(self) -> bool:
        return _is_numeric(self.text)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Layout:
    """Body metrics of the document: left/right text margins and the body font size."""
    left: float
    right: float
    size: float


def _line_segs(ln: _Line, idx: int) -> list[_Seg]:
    return [_Seg(s, idx) for s in _segments(ln.chars)]


def _is_candidate_row(segs: list[_Seg]) -> bool:
    return len(segs) >= 2 and any(s.numeric for s in segs[1:])


def _breaks_region(ln: _Line, segs: list[_Seg], lay: _Layout, row_size: float) -> bool:
    """A line that cannot be part of a table: a heading, bigger type, or a full narrative line."""
    if ln.size > 1.25 * row_size:
        return True
    t = ln.text.strip()
    if len(segs) == 1 and _HEADING.match(t) and ln.size >= 0.95 * lay.size and not _is_candidate_row(segs):
        return True
    if len(segs) == 1 and ln.x1 >= lay.right - 1.0 * ln.size and ln.x0 <= lay.left + 2.5 * ln.size:
        return True
    return len(segs) == 1 and t.endswith(("。", "；")) and ln.x1 - ln.x0 > 0.5 * (lay.right - lay.left)


def _unruled_regions(lines: list[_Line], lay: _Layout) -> list[tuple[int, int]]:
    """Runs of lines that form a table: rows of label + numbers, the header lines above them and the
    wrapped label lines in between. Returns (first, last) line indexes, inclusive."""
    segs = [_line_segs(ln, i) for i, ln in enumerate(lines)]
    cand = [_is_candidate_row(s) for s in segs]
    regions = []
    i = 0
    n = len(lines)
    while i < n:
        if not cand[i]:
            i += 1
            continue
        start = end = i
        row_size = statistics.median([lines[k].size for k in range(i, i + 1)])
        j = i + 1
        gap_lines = 0
        while j < n:
            if cand[j]:
                end = j
                gap_lines = 0
            else:
                if _breaks_region(lines[j], segs[j], lay, row_size) or gap_lines >= 6:
                    break
                gap_lines += 1
            j += 1
        # wrapped label lines right after the last row
        k = end + 1
        while k < n and k <= end + 2 and not cand[k] and not _breaks_region(lines[k], segs[k], lay, row_size) \
                and lines[k].top - lines[k - 1].bottom <= 1.0 * lines[k].size \
                and not lines[k].text.rstrip().endswith("。"):
            end = k
            k += 1
        # header lines above the first row
        k = start - 1
        while k >= 0 and not cand[k] and not _breaks_region(lines[k], segs[k], lay, row_size) \
                and lines[k + 1].top - lines[k].bottom <= (3.5 if len(segs[k]) >= 2 else 2.0) * max(
                    lines[k].size, lines[k + 1].size) \
                and not lines[k].text.rstrip().endswith(("。", "；", "：", ":")):
            start = k
            k -= 1
        multi = sum(1 for k in range(start, end + 1) if len(segs[k]) >= 2)
        nrows = sum(1 for k in range(start, end + 1) if cand[k])
        if multi >= 2 and (nrows >= 2 or multi >= 3):
            regions.append((start, end))
        i = max(end + 1, i + 1)
    return regions


def _interval_clusters(ivs: list[tuple[float, float]], tol: float = 1.0) -> list[list[float]]:
    out: list[list[float]] = []
    for a, b in sorted(ivs):
        if out and a <= out[-1][1] + tol:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _disjoint_count(segs: list[_Seg]) -> int:
    """The largest number of pairwise non-overlapping fragments (interval scheduling)."""
    n, end = 0, float("-inf")
    for sg in sorted(segs, key=lambda g: g.x1):
        if sg.x0 >= end:
            n, end = n + 1, sg.x1
    return n


def _vertical_stacks(lines: list[_Line], right_limit: float) -> list[list[_Char]]:
    """Vertical text in a merged label cell (三、本年度办理结果 one character per line): runs of at least
    three CJK characters at the same x, set as tightly as lines of text, each standing apart from its
    neighbours on its line."""
    cand: list[_Char] = []
    for ln in lines:
        cs = ln.chars
        for k, c in enumerate(cs):
            if c.x1 > right_limit or not _CJK.match(c.text) or c.text.isdigit():
                continue
            left_gap = c.x0 - cs[k - 1].x1 if k else 1e9
            right_gap = cs[k + 1].x0 - c.x1 if k + 1 < len(cs) else 1e9
            if min(left_gap, right_gap) >= 0.3 * c.size:
                cand.append(c)
    stacks: list[list[_Char]] = []
    for c in sorted(cand, key=lambda c: (round(c.x0), c.top)):
        for st in stacks:
            last = st[-1]
            if abs(last.x0 - c.x0) <= 1.5 and 0 < c.top - last.top <= 3.5 * max(last.size, c.size):
                st.append(c)
                break
        else:
            stacks.append([c])
    out = []
    for st in stacks:
        if len(st) < 3:
            continue
        # a short head on the line above, starting at the same x (三、 over 本 年 度 …)
        pitch = (st[-1].top - st[0].top) / (len(st) - 1)
        for ln in lines:
            if 0 < st[0].top - ln.top <= 1.2 * pitch:
                head = [c for c in ln.chars if c.x0 >= st[0].x0 - 1.5 and c.x1 <= right_limit]
                if head and abs(head[0].x0 - st[0].x0) <= 1.5:
                    run = [head[0]]
                    for c in head[1:]:
                        if c.x0 - run[-1].x1 > 0.3 * c.size or len(run) >= 3:
                            break
                        run.append(c)
                    if len(run) <= 3:
                        st = run + st
                break
        out.append(st)
    return out


# --- an unruled table, in phases: rows → columns of numbers → headers → columns → label area → cells

@dataclass
class _Rows:
    """The lines of one unruled region cut into segments, and which lines are table rows."""
    lines: list[_Line]
    segs: list[list[_Seg]]  # per line
    rows: list[int]  # lines that are table rows (a label and numbers)
    vertical: list[list[_Char]]  # vertical label text (one character per line), taken out of the lines

    @property
    def first(self) -> int:
        return self.rows[0]


def _find_rows(lines: list[_Line]) -> _Rows | None:
    segs = [_line_segs(ln, i) for i, ln in enumerate(lines)]
    candidates = [i for i, ss in enumerate(segs) if _is_candidate_row(ss)]
    vertical: list[list[_Char]] = []
    if candidates:
        first_nums = [sg.x0 for i in candidates for sg in segs[i] if sg.numeric]
        if first_nums:
            vertical = _vertical_stacks(lines[candidates[0]:], min(first_nums))
    if vertical:
        gone = {id(c) for st in vertical for c in st}
        segs = [[_Seg(sg, i) for sg in _segments([c for c in ln.chars if id(c) not in gone])]
                if any(id(c) in gone for c in ln.chars) else segs[i]
                for i, ln in enumerate(lines)]
    rows = [i for i, ss in enumerate(segs) if _is_candidate_row(ss)]
    return _Rows(lines, segs, rows, vertical) if rows else None


@dataclass
class _NumberColumns:
    """Where the numbers of the rows stand: clusters of their x-extents."""
    cols: list[list[float]]  # [x0, x1, centre], left to right
    tol: float  # half the numbers' font size
    spacing: float  # usual distance between two columns' centres
    left: float  # the leftmost number's x0

    @property
    def centres(self) -> list[float]:
        return [c[2] for c in self.cols]


def _number_columns(rows: _Rows) -> _NumberColumns | None:
    nums = [s for i in rows.rows for s in rows.segs[i] if s.numeric]
    if not nums:
        return None
    tol = 0.5 * statistics.median(s.size for s in nums)
    cols = [[a, b, (a + b) / 2] for a, b in _interval_clusters([(s.x0, s.x1) for s in nums])]
    centres = [c[2] for c in cols]
    spacing = statistics.median([b - a for a, b in pairwise(centres)]) if len(centres) >= 2 \
        else 6 * tol
    return _NumberColumns(cols, tol, spacing, min(s.x0 for s in nums))


@dataclass
class _Headers:
    """Header fragments above the first row: over the label column, column names (leaves) and group
    headers that span several columns."""
    segs: list[_Seg]
    label: list[_Seg]
    leaves: list[_Seg]
    groups: list[_Seg]


def _headers(rows: _Rows, nc: _NumberColumns) -> _Headers:
    lines, tol = rows.lines, nc.tol
    segs = [_Seg(sg, i) for i in range(rows.first) for sg in _segments(lines[i].chars, 0.5)]
    # header text over the label column ends where the row labels end
    label_x1 = max([sg.x1 for i in range(rows.first, len(lines)) for sg in rows.segs[i]
                    if sg.x0 < nc.left - tol], default=nc.left - min(nc.spacing / 2, 6 * tol))
    data_head = [s for s in segs if (s.x0 + s.x1) / 2 >= label_x1]
    label_head = [s for s in segs if s not in data_head]
    below_of = {id(f): [g for g in data_head if g is not f and g.top >= f.bottom - tol
                        and min(g.x1, f.x1) - max(g.x0, f.x0) > 0] for f in data_head}
    near_gaps = {id(f): min(g.top for g in b) - f.bottom for f in data_head if (b := below_of[id(f)])}
    wrap_gap = statistics.median(near_gaps.values()) if near_gaps else 0.0
    leaves: list[_Seg] = []
    groups: list[_Seg] = []
    for f in data_head:
        # a group header has other headers under it: several side by side, or one further down than
        # the wrapped next line of the same cell would be
        gap = near_gaps.get(id(f))
        is_group = _disjoint_count(below_of[id(f)]) >= 2 or (
            gap is not None and gap > max(1.5 * wrap_gap, 0.8 * f.size))
        (groups if is_group else leaves).append(f)
    return _Headers(segs, label_head, leaves, groups)


def _data_columns(nc: _NumberColumns, leaves: list[_Seg]) -> list[list[float]]:
    """The columns of numbers, plus a column for each leaf header far from all of them (a column left
    blank in every row); near one, the header names that column."""
    cols = [list(c) for c in nc.cols]
    centres, spacing = nc.centres, nc.spacing
    for a, b in _interval_clusters([(c.x0, c.x1) for f in leaves for c in f.chars], tol=0.3 * nc.tol):
        h = (a + b) / 2
        if abs(min(centres, key=lambda x: abs(x - h)) - h) <= 0.35 * spacing:
            continue
        # only where a whole column fits between the columns of numbers (or beyond the outer ones)
        left = [x for x in centres if x < h]
        right = [x for x in centres if x > h]
        room = (min(right) - max(left) >= 1.6 * spacing) if left and right else \
            (abs((max(left) if left else min(right)) - h) >= 0.6 * spacing)
        if room:
            cols.append([a, b, h])
    cols.sort(key=lambda c: c[2])
    merged: list[list[float]] = []
    for c in cols:
        if merged and c[2] - merged[-1][2] < 0.35 * spacing:
            merged[-1] = [min(merged[-1][0], c[0]), max(merged[-1][1], c[1]), (merged[-1][2] + c[2]) / 2]
        else:
            merged.append(c)
    return merged


@dataclass
class _UnruledGeometry:
    """Column boundaries of an unruled table: label sub-columns (where label fragments start), then the
    data columns."""
    cols: list[list[float]]  # data columns [x0, x1, centre]
    data_x0: float  # where the data area begins
    starts: list[float]  # x where each label sub-column starts
    label_segs: list[_Seg]  # label fragments of the body
    text_rows: list[int]  # body lines with text in the data area but no numbers (captions, sub-headers)

    def __post_init__(self):
        self.bounds = [(self.cols[k][2] + self.cols[k + 1][2]) / 2 for k in range(len(self.cols) - 1)]
        self.lab_bounds = [x - 4.0 for x in self.starts]

    def nlab(self, headers: _Headers) -> int:
        return len(self.starts) if self.starts else (1 if headers.label else 0)

    def data_col(self, c: _Char) -> int:
        return bisect.bisect_right(self.bounds, c.cx)

    def label_col(self, x0: float) -> int:
        return max(bisect.bisect_right(self.lab_bounds, x0) - 1, 0) if self.starts else 0


def _geometry(rows: _Rows, cols: list[list[float]], tol: float) -> _UnruledGeometry:
    data_x0 = min(c[0] for c in cols) - tol
    label_segs: list[_Seg] = []
    text_rows: list[int] = []
    row_set = set(rows.rows)
    for i in range(rows.first, len(rows.lines)):
        ss = rows.segs[i]
        if i in row_set:
            label_segs += [s for s in ss if s.x0 < data_x0]
        elif any(s.x0 >= data_x0 for s in ss):
            text_rows.append(i)
        else:
            label_segs += ss
    vx = [st[0].x0 for st in rows.vertical]
    starts = _cluster([s.x0 for s in label_segs] + vx, 4.0)
    counts = [sum(1 for x0 in [s.x0 for s in label_segs] + vx * 2 if abs(x0 - x) <= 4.0) for x in starts]
    starts = [x for x, n in zip(starts, counts, strict=True) if n >= 2 or x == starts[0]] if starts else []
    return _UnruledGeometry(cols, data_x0, starts, label_segs, text_rows)


class _Placement:
    """Cells placed on the grid; a slot is filled once (later text for a taken slot joins its cell)."""

    def __init__(self, page: int):
        self.page = page
        self.cells: list[_GCell] = []
        self.taken: set[tuple[int, int]] = set()

    def add(self, r0: int, r1: int, c0: int, c1: int, chars) -> None:
        slots = {(r, c) for r in range(r0, r1) for c in range(c0, c1)}
        if slots & self.taken:
            free = [(r, c) for (r, c) in sorted(slots) if (r, c) not in self.taken]
            if not free:
                # the place is taken: add the text to the cell already there
                for cell in self.cells:
                    if cell.r0 <= r0 < cell.r1 and cell.c0 <= c0 < cell.c1:
                        cell.chars += chars
                        return
                return
            r0, c0 = free[0]
            r1, c1 = r0 + 1, c0 + 1
            slots = {(r0, c0)}
        self.taken.update(slots)
        self.cells.append(_GCell(r0, r1, c0, c1, chars=list(chars), page=self.page))


def _place_header(pl: _Placement, hd: _Headers, geo: _UnruledGeometry, nlab: int, bands: list[float],
                  nhead: int) -> None:
    for s in hd.groups:
        band = min(range(len(bands)), key=lambda b: abs(bands[b] - s.top))
        hit = [k for k, c in enumerate(geo.cols) if min(c[1], s.x1) - max(c[0], s.x0) > 0]
        if hit:
            pl.add(band, band + 1, nlab + min(hit), nlab + max(hit) + 1, s.chars)
    if nhead:
        leaf_row = nhead - 1
        for k in range(len(geo.cols)):
            ch = [c for s in hd.leaves for c in s.chars if geo.data_col(c) == k]
            if ch:
                pl.add(leaf_row, leaf_row + 1, nlab + k, nlab + k + 1, ch)
        if hd.label:
            pl.add(0, nhead, 0, nlab, [c for s in hd.label for c in s.chars])


def _place_body(pl: _Placement, rows: _Rows, geo: _UnruledGeometry, nlab: int, ncols: int,
                body_keys: list[tuple[float, str, int]], nhead: int) -> dict[int, int]:
    """Numbers by column, captions and sub-headers by column; returns line → grid row."""
    row_of_line: dict[int, int] = {}
    for r, (_, kind, i) in enumerate(body_keys, start=nhead):
        row_of_line[i] = r
        if kind == "row":
            by_col: dict[int, list[_Char]] = {}
            for c in (c for s in rows.segs[i] if s.x0 >= geo.data_x0 for c in s.chars):
                by_col.setdefault(geo.data_col(c), []).append(c)
            for k, ch in by_col.items():
                pl.add(r, r + 1, nlab + k, nlab + k + 1, ch)
            continue
        ss = rows.segs[i]
        if len(ss) == 1 and ss[0].x0 < geo.data_x0 < ss[0].x1:  # a caption across the table
            pl.add(r, r + 1, 0, ncols, ss[0].chars)
            continue
        by_col = {}
        for s in ss:
            k = nlab + geo.data_col(s.chars[0]) if s.x0 >= geo.data_x0 else geo.label_col(s.x0)
            by_col.setdefault(k, []).extend(s.chars)
        for k, ch in by_col.items():
            pl.add(r, r + 1, k, k + 1, ch)
    return row_of_line


def _place_labels(pl: _Placement, rows: _Rows, geo: _UnruledGeometry, nlab: int,
                  row_of_line: dict[int, int]) -> None:
    """Blocks of tightly set label fragments in one sub-column, placed on the rows they flank."""
    lines = rows.lines
    row_cy = [(lines[i].cy, row_of_line[i]) for i in rows.rows]
    by_sub: dict[int, list[_Seg]] = {}
    for s in geo.label_segs:
        by_sub.setdefault(geo.label_col(s.x0), []).append(s)
    blocks: list[tuple[int, list[_Seg]]] = []
    row_gaps = [lines[b].top - lines[a].bottom for a, b in pairwise(rows.rows)]
    row_gap = statistics.median(row_gaps) if row_gaps else 0.0
    for k, ss in by_sub.items():
        ss.sort(key=lambda s: s.top)
        cur: list[_Seg] = []
        for s in ss:
            if cur and (s.top - cur[-1].bottom > max(0.6 * s.size, 0.6 * row_gap) or _MARKER.match(s.text)):
                blocks.append((k, cur))
                cur = []
            cur.append(s)
        if cur:
            blocks.append((k, cur))
    for st in rows.vertical:
        vs = _Seg(st, -1)
        blocks.append((geo.label_col(vs.x0), [vs]))
    placed = []
    for k, blk in blocks:
        top, bottom = min(s.top for s in blk), max(s.bottom for s in blk)
        inside = [r for cy, r in row_cy if top - 1 <= cy <= bottom + 1]
        if not inside:
            mid = (top + bottom) / 2
            inside = [min(row_cy, key=lambda t: abs(t[0] - mid))[1]]
        x1 = max(s.x1 for s in blk)
        k2 = k
        while k2 + 1 < nlab and geo.starts[k2 + 1] < x1 - 4.0:
            k2 += 1
        placed.append((min(inside), max(inside) + 1, k, k2 + 1, blk))
    placed.sort(key=lambda p: (p[2], p[0]))
    for r0, r1, c0, c1, blk in placed:
        # do not run into the next block of the same sub-column or a filled cell to the right
        nxt = [p[0] for p in placed if p[2] == c0 and p[0] > r0]
        if nxt:
            r1 = min(r1, *nxt)
        while c1 - 1 > c0 and any((r, c1 - 1) in pl.taken for r in range(r0, r1)):
            c1 -= 1
        pl.add(r0, r1, c0, c1, [c for s in blk for c in s.chars])


def _unruled_grid(lines: list[_Line], page: int, carried: _Grid | None) -> _Grid | None:
    """Build a grid from word positions for the lines of one region."""
    rows = _find_rows(lines)
    nc = _number_columns(rows) if rows else None
    if rows is None or nc is None:
        return None
    hd = _headers(rows, nc)
    continues = carried is not None and not hd.leaves and bool(carried.data_cols)
    # a continuation page without its own header takes the columns of the part before
    cols = ([list(c) for c in carried.data_cols] if continues and carried is not None
            else _data_columns(nc, hd.leaves))
    geo = _geometry(rows, cols, nc.tol)
    nlab = geo.nlab(hd)
    # rows: header rows (group bands, then the leaf row), then body rows in order of position
    bands = _cluster([s.top for s in hd.groups], nc.tol)
    nhead = len(bands) + (1 if (hd.leaves or hd.label) else 0)
    body_keys = sorted([(lines[i].cy, "row", i) for i in rows.rows] + [(lines[i].cy, "text", i) for i in geo.text_rows])
    nrows = nhead + len(body_keys)
    ncols = nlab + len(cols)
    lab_xs = (geo.starts if geo.starts else [min(s.x0 for s in hd.label)] if hd.label else [])
    xs = [*lab_xs, geo.data_x0, *geo.bounds, cols[-1][1] + 1]
    pl = _Placement(page)
    _place_header(pl, hd, geo, nlab, bands, nhead)
    row_of_line = _place_body(pl, rows, geo, nlab, ncols, body_keys, nhead)
    _place_labels(pl, rows, geo, nlab, row_of_line)
    top = min(lines[0].top, *(s.top for s in hd.segs)) if hd.segs else lines[0].top
    return _Grid(page, xs[0], xs[-1], top, max(ln.bottom for ln in lines), xs, nrows, pl.cells, ruled=False,
                 row_pages=[page] * nrows, continues=continues, data_cols=cols)


# --------------------------------------------------------------------------- pages → items

@dataclass
class _PageItems:
    page: int
    height: float
    lines: list[_Line]  # free text lines (outside tables), footers removed
    grids: list[_Grid]
    textless: bool = False  # no text layer on this page (a scanned page)


class _RawPage(TypedDict):
    """What pdfplumber gave for one page: its characters and rulings as pdfplumber's dicts."""

    chars: list[dict]
    objects: dict[str, list[dict]]  # "line", "rect", "curve"
    width: float
    height: float


def _page_chars(page_chars: list[dict], width: float, height: float) -> list[_Char]:
    out: list[_Char] = []
    pending_space = False
    for c in page_chars:
        t = c.get("text") or ""
        if not t or t.isspace():
            pending_space = True
            continue
        x0, x1, top, bottom = c["x0"], c["x1"], c["top"], c["bottom"]
        size = float(c.get("size") or (bottom - top))
        if not all(math.isfinite(v) for v in (x0, x1, top, bottom, size)):
            continue  # placed with numbers that overflow (a font size of 10^400): nowhere visible
        if x1 < 0 or x0 > width or bottom < 0 or top > height:
            continue  # off the page: not visible
        if _is_white(c.get("non_stroking_color")) and c.get("non_stroking_color") is not None:
            continue  # white text on white paper
        out.append(_Char(t, x0, x1, top, bottom, size, bool(c.get("upright", True)), pending_space))
        pending_space = False
    return out


def _strip_page_numbers(chars: list[_Char], page: int, height: float, grids: list[_Grid]) -> list[_Char]:
    """Drop page numbers (`- 3 -`, `— 5 —`, `第 3 页`) standing as the first or last lines of the page, in
    its top or bottom margin zone and outside any ruled table."""
    def in_grid(c: _Char) -> bool:
        return any(g.x0 - 1 <= c.cx <= g.x1 + 1 and g.top - 1 <= c.cy <= g.bottom + 1 for g in grids)

    free = [c for c in chars if not in_grid(c)] if grids else chars
    lines = _group_lines(free, page)
    drop: set[int] = set()
    for order, zone in ((lines, lambda ln: ln.bottom <= 0.15 * height),
                        (list(reversed(lines)), lambda ln: ln.top >= 0.75 * height)):
        for ln in order[:2]:
            if zone(ln) and _is_footer(ln.text):
                drop.update(id(c) for c in ln.chars)
            else:
                break
    return [c for c in chars if id(c) not in drop] if drop else chars


def _process_page(pno: int, raw: _RawPage, rulings: bool) -> _PageItems:
    chars = _page_chars(raw["chars"], raw["width"], raw["height"])
    found = _ruled_grids(*_edges(raw["objects"]), pno) if rulings and chars else []
    chars = _strip_page_numbers(chars, pno, raw["height"], found)
    grids: list[_Grid] = []
    found.sort(key=lambda g: (g.x1 - g.x0) * (g.bottom - g.top))  # inner tables take their text first
    for g in found:
        rest = _fill_ruled(g, chars)
        inside = [c for cell in g.cells for c in cell.chars]
        if not inside or _ruled_is_incomplete(g) or g.nrows * g.ncols < 2 or \
                sum(1 for cell in g.cells if cell.chars) < 2:
            for cell in g.cells:
                cell.chars = []
            continue  # a frame or a box around text, or a grid missing its column rulings
        chars = rest
        _set_texts(g)
        grids.append(g)
    lines = _group_lines(chars, pno)
    return _PageItems(pno, raw["height"], lines, grids)


def _layout(pages: list[_PageItems]) -> _Layout:
    sizes: dict[float, int] = {}
    for p in pages:
        for ln in p.lines:
            for c in ln.chars:
                sizes[round(c.size)] = sizes.get(round(c.size), 0) + 1
    size = max(sizes, key=sizes.__getitem__) if sizes else 12.0
    body = [ln for p in pages for ln in p.lines if abs(ln.size - size) <= 1.5 and len(ln.chars) >= 10]
    if not body:
        body = [ln for p in pages for ln in p.lines]
    if not body:
        return _Layout(0.0, 600.0, size)
    lefts: dict[int, int] = {}
    rights: dict[int, int] = {}
    for ln in body:
        lefts[round(ln.x0)] = lefts.get(round(ln.x0), 0) + 1
        rights[round(ln.x1)] = rights.get(round(ln.x1), 0) + 1
    left = min(x for x, n in lefts.items() if n >= max(lefts.values()) * 0.3)
    right = max(x for x, n in rights.items() if n >= max(rights.values()) * 0.3)
    return _Layout(float(left), float(right), float(size))


# --------------------------------------------------------------------------- document assembly

def _merge_grids(a: _Grid, b: _Grid) -> _Grid:
    """Join the part of a table on the next page (b) to the part before (a)."""
    union = _cluster(a.xs + b.xs, 3.0)

    def remap(xs):
        return [min(range(len(union)), key=lambda k: abs(union[k] - x)) for x in xs]

    ma, mb = remap(a.xs), remap(b.xs)
    cells: list[_GCell] = []
    for c in a.cells:
        cells.append(_GCell(c.r0, c.r1, ma[c.c0], ma[c.c1], c.chars, c.text, c.has_top, c.page))
    bottom_cells = {(c.c0, c.c1): c for c in cells if c.r1 == a.nrows}
    first = [c for c in b.cells if c.r0 == 0]
    # a row the page break cut in two: the part on the new page has no numbers and starts no new item,
    # and every piece lines up with a cell of the last row before the break
    row_split = bool(first) and all((mb[c.c0], mb[c.c1]) in bottom_cells for c in first) \
        and any(c.text for c in first) \
        and not any(_is_numeric(c.text) or _MARKER.match(c.text) for c in first if c.text) \
        and all(c.r1 > 1 or not c.text or not _is_numeric(bottom_cells[(mb[c.c0], mb[c.c1])].text)
                for c in first)
    shift = a.nrows - 1 if row_split else a.nrows
    for c in b.cells:
        nc = _GCell(c.r0 + shift, c.r1 + shift, mb[c.c0], mb[c.c1], c.chars, c.text, c.has_top, c.page)
        above = bottom_cells.get((nc.c0, nc.c1)) if c.r0 == 0 else None
        if above is not None and (row_split or _continues_cell(above, nc)):
            above.r1 = max(above.r1, nc.r1)
            above.text = _join_lines([above.text, nc.text])
            continue
        cells.append(nc)
    row_pages = a.row_pages + (b.row_pages[1:] if row_split else b.row_pages)
    return _Grid(a.page, min(a.x0, b.x0), max(a.x1, b.x1), a.top, b.bottom, union, len(row_pages), cells,
                 a.ruled and b.ruled, row_pages, data_cols=b.data_cols)


def _continues_cell(above: _GCell, below: _GCell) -> bool:
    """Is `below` (first row on the new page) the rest of the label cell `above` that the page break cut?
    Only label text continues (never a number); an empty piece or one without a top ruling does, and so
    does text that carries on a wrapped word (it does not start a new item like 2. or （五）)."""
    if not above.text or _is_numeric(above.text) or _is_numeric(below.text):
        return False
    if not below.text:
        return True
    if not below.has_top:
        return not _MARKER.match(below.text)
    if _MARKER.match(below.text):
        return False
    # both closed by rulings: join only when the label above filled its last line (the text wrapped)
    if not above.chars:
        return False
    last = _group_lines(above.chars, above.page)[-1]
    other = _group_lines(below.chars, below.page)[0]
    return above.r1 - above.r0 >= 1 and last.x1 - last.x0 >= other.x1 - other.x0 \
        and len(last.chars) >= 3 and not above.text.endswith(("）", ")", "。"))


def _is_short(ln: _Line, lay: _Layout) -> bool:
    return ln.x1 < lay.right - 1.2 * ln.size


def _is_indented(ln: _Line, lay: _Layout) -> bool:
    return ln.x0 > lay.left + 1.2 * ln.size


def _join_lines(texts: list[str]) -> str:
    out = ""
    for t in texts:
        t = t.strip()
        if not t:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and t[0].isascii() and t[0].isalpha():
            out += " "
        out += t
    return out


def _cn_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 4 or (all(ch in _CN_DIGIT and ch != "十" for ch in s) and len(s) > 1 and "十" not in s):
        return int("".join(str(_CN_DIGIT[ch]) for ch in s))
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_DIGIT.get(a, 1) if a else 1) * 10 + (_CN_DIGIT.get(b, 0) if b else 0)
    return _CN_DIGIT.get(s, 0)


def _find_unruled(pages: list[_PageItems], lay: _Layout) -> None:
    """Second pass, once the body metrics are known: tables without ruling lines, by word positions."""
    carried: _Grid | None = None
    for p in pages:
        regions = _unruled_regions(p.lines, lay)
        if not regions:
            carried = None
            continue
        keep = [True] * len(p.lines)
        found = []
        for s, e in regions:
            # a region at the top of the page may continue the table that ended the page before
            prev = carried if (s == 0 and not any(g.top < p.lines[0].top for g in p.grids)) else None
            g = _unruled_grid(p.lines[s:e + 1], p.page, prev)
            if g is None:
                continue
            _set_texts(g)
            found.append(g)
            for k in range(s, e + 1):
                keep[k] = False
        p.lines = [ln for ln, k in zip(p.lines, keep, strict=True) if k]
        p.grids += found
        last_grid = max(p.grids, key=lambda g: g.bottom, default=None)
        ends_page = last_grid is not None and not last_grid.ruled and \
            not any(ln.top > last_grid.bottom for ln in p.lines)
        carried = last_grid if ends_page else None


def _assemble(pages: list[_PageItems], path: str) -> Document:
    _find_unruled(pages, _layout(pages))
    lay = _layout(pages)  # again, now that table text is out of the body lines
    # reading-order items per page (lines before grids at the same top)
    items: list[_Line | _Grid] = []
    prev_grid_last = False
    for p in pages:
        page_items: list[_Line | _Grid] = sorted([*p.lines, *p.grids], key=lambda it: it.top)
        for k, obj in enumerate(page_items):
            prev = items[-1] if items else None
            # a grid opening the page may continue the grid that closed the page before
            if (isinstance(obj, _Grid) and k == 0 and prev_grid_last and isinstance(prev, _Grid)
                    and prev.row_pages[-1] == p.page - 1 and _compatible(prev, obj)):
                items[-1] = _merge_grids(prev, obj)
                continue
            items.append(obj)
        prev_grid_last = bool(page_items) and isinstance(page_items[-1], _Grid)

    blocks: list[Block] = []
    meta: dict[str, tuple[str, str, str]] = {}
    line_no = 0
    table_no = 0
    para: list[_Line] = []
    para_loc: Location | None = None

    def flush():
        nonlocal para, para_loc
        if para:
            text = _join_lines([ln.text for ln in para])
            limits.add_block(len(text))
            assert para_loc is not None  # set whenever a paragraph's first line is taken
            blocks.append(Paragraph(text=text, location=para_loc))
        para, para_loc = [], None

    # the title: leading lines of page 1 in a bigger type than the body
    title_lines: list[_Line] = []
    for ln in items:
        if not isinstance(ln, _Line) or ln.page != pages[0].page:
            break
        if ln.size >= 1.15 * lay.size and (not title_lines or (
                abs(ln.size - title_lines[0].size) <= 1.0 and ln.top - title_lines[-1].bottom <= 1.5 * ln.size)):
            title_lines.append(ln)
        else:
            break
    if not title_lines:
        # same-size title: centred lines at the top of page 1 that name a report
        mid = (lay.left + lay.right) / 2
        for ln in items:
            if not isinstance(ln, _Line) or ln.page != pages[0].page:
                break
            if ln.x0 > lay.left + 1.5 * ln.size and abs((ln.x0 + ln.x1) / 2 - mid) <= 2 * ln.size:
                title_lines.append(ln)
            else:
                break
        if "报告" not in "".join(ln.text for ln in title_lines):
            title_lines = []
    if title_lines:
        title = _join_lines([ln.text for ln in title_lines])
        meta["title"] = (title, "pdf-title-lines", "\n".join(ln.text for ln in title_lines))

    prev_line: _Line | None = None
    for item in items:
        if isinstance(item, _Grid):
            flush()
            prev_line = None
            line_no += 1
            limits.add_block(sum(len(c.text) for c in item.cells))
            blocks.append(_to_table(item, table_no, line_no))
            line_no += item.nrows - 1
            table_no += 1
            continue
        ln = item
        line_no += 1
        if ln in title_lines:
            if ln is title_lines[0]:
                flush()
                para_loc = Location(page=ln.page, line=line_no)
            para.append(ln)
            if ln is title_lines[-1]:
                flush()
                prev_line = None
            continue
        if prev_line is None or _starts_paragraph(prev_line, ln, lay):
            flush()
            para_loc = Location(page=ln.page, line=line_no)
        para.append(ln)
        prev_line = ln
    flush()

    # a signature date standing alone among the last lines
    tail = [b for b in blocks[-3:] if isinstance(b, Paragraph)]
    for b in reversed(tail):
        m = _DATE_LINE.match(b.text)
        if m:
            y, mo, d = _cn_number(m["y"]), _cn_number(m["m"]), _cn_number(m["d"])
            if 1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31:
                meta["signed_on"] = (f"{y:04d}-{mo:02d}-{d:02d}", "signature", b.text)
            break
    return Document(blocks=blocks, format="pdf", meta=meta)


def _compatible(a: _Grid, b: _Grid) -> bool:
    if a.ruled and b.ruled:
        return abs(a.x0 - b.x0) <= 4.0 and abs(a.x1 - b.x1) <= 4.0
    if not a.ruled and not b.ruled:
        return b.continues or (a.ncols == b.ncols
                               and all(abs(x - y) <= 8.0 for x, y in zip(a.xs[1:], b.xs[1:], strict=True)))
    return False


def _starts_paragraph(prev: _Line, ln: _Line, lay: _Layout) -> bool:
    if _is_short(prev, lay) or _is_indented(ln, lay):
        return True
    if abs(ln.size - prev.size) > 1.5:
        return True
    return ln.page == prev.page and ln.top - prev.bottom > 1.3 * max(ln.size, prev.size)


def _to_table(g: _Grid, table_no: int, first_line: int) -> Table:
    tloc = Location(page=g.page, line=first_line, table=table_no)
    grid: dict[tuple[int, int], GridCell] = {}
    for c in sorted(g.cells, key=lambda c: (c.r0, c.c0)):
        text = c.text
        for r in range(c.r0, c.r1):
            for col in range(c.c0, c.c1):
                if (r, col) in grid:
                    continue
                origin = r == c.r0 and col == c.c0
                loc = Location(page=g.row_pages[r], line=first_line + r, table=table_no, row=r, column=col)
                grid[(r, col)] = GridCell(text=text, location=loc, origin=origin,
                                          rowspan=(c.r1 - c.r0) if origin else 1,
                                          colspan=(c.c1 - c.c0) if origin else 1)
    rows = []
    for r in range(g.nrows):
        row = []
        for col in range(g.ncols):
            cell = grid.get((r, col))
            if cell is None:  # no text was placed here (unruled grids): a blank cell
                cell = GridCell(text="", location=Location(page=g.row_pages[r], line=first_line + r,
                                                           table=table_no, row=r, column=col))
            row.append(cell)
        rows.append(row)
    return Table(rows=rows, location=tloc)


# --------------------------------------------------------------------------- the reader

def _pdf_date(raw) -> str | None:
    if isinstance(raw, bytes):
        raw = raw.decode("latin-1", "replace")
    if not isinstance(raw, str):
        return None
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?", raw.strip())
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


class PdfReader:
    name = "pdf"
    extensions = (".pdf",)

    def sniff(self, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]

    def read(self, data: bytes, path: str, *, max_pages: int = MAX_PAGES, time_budget: float = limits.MAX_SECONDS,
             rulings: bool = True) -> Document:
        """Read a text PDF. `rulings=False` ignores ruling lines and reads every table by word positions
        (used by the tests to exercise the unruled path on real reports)."""
        with limits.guarded(path, time_budget) as budget:
            pages, raw_meta = _read_pages(data, path, max_pages, rulings, budget)
            doc = _assemble(pages, path)
        textless = [p.page for p in pages if p.textless]
        if textless:
            doc.warnings.append((
                "pdf-pages-without-text",
                f"第 {'、'.join(map(str, textless))} 页没有文字层（扫描页），其内容未读取",
                f"page(s) {', '.join(map(str, textless))} have no text layer (scanned) and were not read"))
        created = _pdf_date(raw_meta.get("CreationDate"))
        if created:
            raw_date = raw_meta.get("CreationDate")
            if isinstance(raw_date, bytes):
                raw_date = raw_date.decode("latin-1", "replace")
            doc.meta["pdf_created"] = (created, "pdf-metadata", str(raw_date))
        return doc


def _corrupt(path: str, zh: str = "不是有效的 PDF 文件（文件已损坏或不完整），无法读取",
             en: str = "is not a valid PDF (damaged or truncated) and cannot be read") -> InputError:
    return InputError("corrupt-pdf", f"{path} {zh}", f"{path} {en}")


def _no_text_layer(path: str) -> InputError:
    return InputError(
        "scanned-pdf",
        f"{path} 没有文字层（可能是扫描件或图片转成的 PDF），本工具不支持 OCR 识别：请提供带文字的 PDF、"
        f"Word 或网页版本",
        f"{path} has no text layer (a scanned or image-only PDF) and OCR is not supported: "
        f"provide a text PDF, Word or web version")


def _library_error(e: BaseException, path: str, where_zh: str = "", where_en: str = "") -> InputError:
    """What an exception from pdfminer/pdfplumber says about the file. They raise anything from their own
    PDFSyntaxError to TypeError or IndexError on malformed structure, so every exception out of a library
    call is the file's fault; our own processing runs outside those calls."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
        return InputError("encrypted-pdf", f"{path} 是加密的 PDF，需要密码才能打开：请提供未加密的版本",
                          f"{path} is an encrypted PDF that needs a password: provide an unencrypted copy")
    if isinstance(inner, pdf_vet.RefCycle):
        return _corrupt(path, f"已损坏：{where_zh}有对象引用自身（循环引用），无法读取",
                        f"is damaged: an object {where_en}refers to itself (a reference cycle)")
    if where_zh:
        return _corrupt(path, f"{where_zh}已损坏，无法读取", f"is damaged ({where_en.strip()}) and cannot be read")
    return _corrupt(path)


def _read_pages(data: bytes, path: str, max_pages: int, rulings: bool, budget: limits.Budget):
    """The pages as _PageItems, and the document information dictionary."""
    import pdfplumber

    # pdfminer logs every malformed operator of a damaged file; the reader reports what matters itself
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if pdf_vet.raw_ref_cycle(data):
        raise _corrupt(path, "已损坏：有对象引用自身（循环引用），无法读取", "is damaged: an object refers to itself "
                       "(a reference cycle)")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - a reader boundary: any library failure becomes one InputError
        raise _library_error(e, path) from None
    try:
        try:
            pdf_vet.guard_references(pdf.doc)
            pdf_vet.vet(pdf.doc, path, max_pages)
            npages = len(pdf.pages)
        except (InputError, MemoryError):
            raise
        except Exception as e:  # noqa: BLE001 - a reader boundary: any library failure becomes one InputError
            raise _library_error(e, path, "页面结构", "in the page structure ") from None
        if npages > max_pages:
            raise InputError("pdf-too-large", f"{path} 有 {npages} 页，超过上限 {max_pages} 页，不像是一份年度报告",
                             f"{path} has {npages} pages, over the limit of {max_pages}: not an annual report")
        if npages == 0:
            raise _corrupt(path, "没有任何页面", "has no pages")
        try:
            raw_meta = dict(pdf.metadata or {})
        except Exception:  # noqa: BLE001 - a damaged information dictionary leaves the pages readable
            raw_meta = {}
        pages: list[_PageItems] = []
        n_chars = unmapped = 0
        with contextlib.ExitStack() as stack:
            fast = _open_pdfium(data, npages, stack)
            descents: dict[int, tuple[bytes, float]] = {}
            for k, page in enumerate(pdf.pages, start=1):
                budget.where = f"第 {k} 页|page {k}"
                budget.check()
                raw = _pdfium_page(fast, k, page, descents) if fast is not None else None
                if raw is None:
                    try:
                        raw = {"chars": page.chars, "objects": {key: page.objects.get(key, []) for key in
                                                                 ("line", "rect", "curve")},
                               "width": float(page.width), "height": float(page.height)}
                    except MemoryError:
                        raise
                    except Exception as e:  # noqa: BLE001 - a reader boundary: any library failure becomes one InputError
                        raise _library_error(e, path, f"第 {k} 页", f"on page {k} ") from None
                page_chars = [c for c in raw["chars"] if (c.get("text") or "").strip()]
                n_chars += len(page_chars)
                if n_chars > MAX_CHARS:
                    raise InputError("pdf-too-large", f"{path} 的文字超过 {MAX_CHARS:,} 个字符，不像是一份年度报告",
                                     f"{path} holds more than {MAX_CHARS:,} characters: not an annual report")
                unmapped += sum(1 for c in page_chars if c["text"].startswith("(cid:"))
                items = _process_page(k, raw, rulings)
                items.textless = not page_chars
                pages.append(items)
                page.close()
    finally:
        _close_quietly(pdf)
    if n_chars == 0:
        raise _no_text_layer(path)
    if unmapped > 0.5 * n_chars:
        raise InputError(
            "pdf-no-unicode",
            f"{path} 的文字无法解码（字体缺少字符映射），读不出正文：请提供 Word 或网页版本",
            f"the text of {path} cannot be decoded (fonts without a character map): "
            f"provide a Word or web version")
    return pages, raw_meta


def _open_pdfium(data: bytes, npages: int, stack: contextlib.ExitStack):
    """The file opened in PDFium, which reads the pages' content streams in C (pdfminer took ~90 % of a
    report's time doing it in Python); None when PDFium cannot open it or counts other pages than
    pdfminer (a damaged page tree each repairs its own way): pdfminer then reads every page, as before."""
    from . import pdf_pdfium

    try:
        doc = stack.enter_context(pdf_pdfium.Document(data))
        if doc.page_count() != npages:
            return None
    except pdf_pdfium.PdfiumUnavailable:
        return None
    return doc


def _pdfium_page(doc, number: int, page, descents: dict) -> _RawPage | None:
    """One page through PDFium, in pdfplumber's shape; None (pdfminer reads it) where PDFium cannot load
    it or pdfminer's view of its fonts and boxes fails (pdfminer then reports the damage as before)."""
    from . import pdf_pdfium

    try:
        obj = page.page_obj
        geo = pdf_pdfium.geometry(obj.mediabox, obj.rotate, page.mediabox, page.width, page.height)
        raw = doc.page(number - 1, pdf_pdfium.font_descents(obj.resources, descents), geo)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - whatever fails here, pdfminer's reading of the page decides
        return None
    return raw


def _close_quietly(pdf) -> None:
    """Release the pages read so far. pdfplumber's own close() enumerates every page again, which on a
    damaged file raises and would hide the error that brought us here; the data is in memory anyway."""
    for page in getattr(pdf, "_pages", []):
        page.close()
    pdf.flush_cache()


READER = PdfReader()
