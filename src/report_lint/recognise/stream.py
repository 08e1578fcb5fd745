"""Flatten a Document into one normalised character stream that remembers, for every character,
its source block/cell and location, and how strongly it is separated from the previous character.

Every format goes through this: a flattened web-page line, a Markdown pipe table and an HTML grid all
become the same kind of stream, so table recognition is written once (tables.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, starmap

from .. import rxcache
from ..document import Document, Paragraph, Table
from ..model import Location
from ..text import IRREGULAR, NORM_ONE, non_space_runs, space_re, translate_one
from .normalize import BLANK_MARK, NEWLINES, norm_char

# Boundary strength before a character.
NONE, SPACE, CELL, ROW, BLOCK = 0, 1, 2, 3, 4


@dataclass
class Stream:
    chars: list[str] = field(default_factory=list)
    brk: list[int] = field(default_factory=list)  # boundary before char i
    unit: list[int] = field(default_factory=list)  # index into units for char i
    units: list[Location] = field(default_factory=list)  # location of each source unit (line, cell…)
    unit_is_cell: list[bool] = field(default_factory=list)
    unit_raw: list[str] = field(default_factory=list)
    off: list[int] = field(default_factory=list)  # offset of char i in its unit's raw text
    text: str = ""

    def add_unit(self, raw: str, loc: Location, boundary: int, is_cell: bool, blank_mark: bool = False) -> None:
        u = len(self.units)
        self.units.append(loc)
        self.unit_is_cell.append(is_cell)
        self.unit_raw.append(raw)
        chars, brk, off = self.chars, self.brk, self.off
        first = len(chars)
        # NORM_ONE maps every character to exactly one (IRREGULAR where its form is not one character),
        # so a run's own translation is this text's slice: the unit is translated once, not run by run
        normed_all = translate_one(raw, NORM_ONE) if raw else ""
        irregular = IRREGULAR in normed_all
        # the usual cell or line: one run of characters that each normalise to one
        if raw and not irregular and space_re().search(raw) is None:
            normed = normed_all
            n = len(normed)
            brk.append(boundary)
            if n == 1:  # a one-digit cell
                chars.append(normed)
                off.append(0)
                self.unit.append(u)
                return
            chars.extend(normed)
            brk.extend([NONE] * (n - 1))
            off.extend(range(n))
            self.unit.extend([u] * n)
            return
        pending = boundary
        pos = 0
        if not irregular and raw:
            # every character normalises to one: the runs' characters and offsets are added at once, only
            # the boundaries go run by run
            spans = [m.span() for m in non_space_runs(raw)]
            chars.extend("".join([normed_all[a:b] for a, b in spans]))
            off.extend(chain.from_iterable(starmap(range, spans)))
            for a, b in spans:
                if a > pos:
                    gap = raw[pos:a]
                    pending = max(pending, SPACE if gap == " " else _gap_strength(gap))
                brk.append(pending)
                if b - a > 1:
                    brk.extend([NONE] * (b - a - 1))
                pending = NONE
                pos = b
        for m in non_space_runs(raw) if irregular else ():
            a, b = m.span()
            if a > pos:
                gap = raw[pos:a]
                pending = max(pending, SPACE if gap == " " else _gap_strength(gap))
            normed = normed_all[a:b]
            i = 0
            while i < len(normed):
                j = normed.find(IRREGULAR, i)
                if j < 0:
                    j = len(normed)
                if j > i:  # characters that each normalise to one: added at once
                    chars.extend(normed[i:j])
                    brk.append(pending)
                    brk.extend([NONE] * (j - i - 1))
                    off.extend(range(a + i, a + j))
                    pending = NONE
                if j < len(normed):  # a dropped quote, ½ → 1⁄2
                    for c in norm_char(raw[a + j]):
                        chars.append(c)
                        brk.append(pending)
                        off.append(a + j)
                        pending = NONE
                i = j + 1
            pos = b
        if pos < len(raw):
            pending = max(pending, _gap_strength(raw[pos:]))
        if len(chars) == first and blank_mark:
            chars.append(BLANK_MARK)
            brk.append(pending)
            off.append(0)
        self.unit.extend([u] * (len(chars) - first))
        # a boundary that ends the unit is carried by the next unit's own boundary

    def finish(self) -> Stream:
        self.text = "".join(self.chars)
        return self

    def location(self, i: int) -> Location:
        if not self.units:
            return Location()
        i = min(max(i, 0), len(self.unit) - 1) if self.unit else 0
        return self.units[self.unit[i]] if self.unit else Location()


def _gap_strength(space: str) -> int:
    """The boundary a run of whitespace makes: a line break a row, a tab a cell ("0\t—\t5\t—" is four
    cells), other space a space."""
    if not NEWLINES.isdisjoint(space):
        return ROW
    return CELL if "\t" in space else SPACE


def build_stream(doc: Document) -> Stream:
    s = Stream()
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            s.add_unit(block.numbering + block.text, block.location, BLOCK, is_cell=False)
        elif isinstance(block, Table):
            first_row = True
            for row in block.rows:
                first_cell = True
                for cell in row:
                    if not cell.origin:
                        continue
                    b = BLOCK if first_row and first_cell else (ROW if first_cell else CELL)
                    s.add_unit(cell.text, cell.location, b, is_cell=True, blank_mark=True)
                    first_cell = False
                first_row = False
    return s.finish()


# Page footers that converters leave inside tables: "-3-", "— 5 —", "第 3 页", "第3页 共5页".
_FOOTER = rxcache.compile(r"(?:[—–]{1,2}\d{1,3}[—–]{1,2})|(?:-\d{1,3}-)|(?:第\d{1,3}页(?:[,/、]?共\d{1,3}页)?)")


def footer_mask(s: Stream) -> list[bool]:
    """Mark page-footer characters; they are ignored when numbers are read."""
    mask = [False] * len(s.text)
    pos = 0
    while True:
        m = _FOOTER.search(s.text, pos)
        if m is None:
            break
        # a rejected match ("-10-" inside "-1 0 -2-") must not hide a real footer that overlaps it
        pos = m.start() + 1
        a, b = m.start(), m.end()
        before = a == 0 or s.brk[a] >= SPACE
        after = b >= len(s.text) or s.brk[b] >= SPACE
        dashed = m.group(0)[0] in "—–-"
        # An ASCII "-3-" must stand alone (a signed 本年增/减 like "-18" never has a trailing dash).
        units = {s.unit[i] for i in range(a, b)}
        if len(units) > 1 and any(s.unit_is_cell[u] for u in units):
            continue  # "—", "5", "—" in three grid cells are values, not a footer
        if dashed and any(s.brk[i] >= CELL for i in range(a + 1, b)) and not (
                (a == 0 or s.brk[a] >= ROW) and (b >= len(s.text) or s.brk[b] >= ROW)):
            continue  # "0\t-\t0\t-" is cells and marks, not a footer "-0-" (one stands alone on its line)
        if (before and after) or (not dashed) or m.group(0)[0] in "—–":
            for i in range(a, b):
                mask[i] = True
            pos = b
    return mask


def raw_slice(s: Stream, a: int, b: int) -> str:
    """The source text behind stream positions [a, b), unit by unit, as written."""
    if a >= b or not s.unit:
        return ""
    if s.unit[a] == s.unit[b - 1]:  # the usual case, one unit (units follow one another in the stream)
        return s.unit_raw[s.unit[a]][s.off[a]:s.off[b - 1] + 1].strip()
    out = []
    u0 = s.unit[a]
    start_off = s.off[a]
    for i in range(a + 1, b + 1):
        if i == b or s.unit[i] != u0:
            end_off = s.off[i - 1] + 1
            out.append(s.unit_raw[u0][start_off:end_off])
            if i < b:
                u0 = s.unit[i]
                start_off = s.off[i]
    sep = "\n"
    return sep.join(x.strip() for x in out if x.strip())
