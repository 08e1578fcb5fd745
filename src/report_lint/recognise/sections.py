"""Find the six parts (一 … 六) and cut the narrative into paragraphs with locations."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from .. import rxcache
from ..model import Paragraph, Section
from ..templates import Template
from .normalize import label_regex
from .stream import BLOCK, ROW, Stream, raw_slice

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass
class Heading:
    number: int  # canonical part
    numbered_as: int | None
    start: int
    end: int


@lru_cache(maxsize=64)
def _heading_pattern(match: tuple[str, ...]) -> re.Pattern:
    """A part's heading: a numeral, then any of its phrases (the template's data, built once per process)."""
    pats = "|".join(f"(?:{label_regex(m)})" for m in sorted(match, key=len, reverse=True))
    return rxcache.compile(rf"([一二三四五六七八九十])[、.]?(?:{pats})")


def find_headings(s: Stream, template: Template, exclude: list[tuple[int, int]]) -> list[Heading]:
    text = s.text
    found: list[Heading] = []
    for sec in template.sections:
        for m in _heading_pattern(tuple(sec.match)).finditer(text):
            a = m.start()
            if any(x <= a < y for x, y in exclude):
                continue  # inside a table
            # "（一）总体情况" is a sub-heading, not a part
            if a > 0 and text[a - 1] == "(":
                continue
            found.append(Heading(sec.number, NUMERALS.get(m.group(1)), a, m.end()))
    found.sort(key=lambda h: h.start)
    return found


def choose_headings(found: list[Heading]) -> dict[int, Heading]:
    """One heading per part, in reading order; prefer the one whose numeral matches the part."""
    chosen: dict[int, Heading] = {}
    pos = -1
    for n in range(1, 7):
        cands = [h for h in found if h.number == n]
        after = [h for h in cands if h.start > pos]
        pick = next((h for h in after if h.numbered_as == n), None) or (after[0] if after else None)
        if pick is None and cands:
            pick = next((h for h in cands if h.numbered_as == n), cands[0])
        if pick is not None:
            chosen[n] = pick
            pos = max(pos, pick.start)
    return chosen


def build_sections(s: Stream, chosen: dict[int, Heading], template: Template) -> list[Section]:
    ordered = sorted(chosen.values(), key=lambda h: h.start)
    order_of = {h.number: i for i, h in enumerate(ordered)}
    sections = []
    for spec in template.sections:
        h = chosen.get(spec.number)
        if h is None:
            sections.append(Section(number=spec.number, present=False))
            continue
        nxt = [o.start for o in ordered if o.start > h.start]
        end = nxt[0] if nxt else len(s.text)
        sections.append(Section(
            number=spec.number,
            title=_heading_text(s, h),
            present=True,
            numbered_as=h.numbered_as,
            text=raw_slice(s, h.end, end),
            start=s.location(h.start),
            end=s.location(max(end - 1, h.start)),
            order=order_of[spec.number],
        ))
    return sections


def _heading_text(s: Stream, h: Heading) -> str:
    """The heading as written: the whole line when the heading stands on its own line."""
    u = s.unit[h.start]
    line_start = s.off[h.start] == 0 or s.brk[h.start] >= ROW
    raw = s.unit_raw[u]
    if line_start:
        line = raw[s.off[h.start]:].split("\n", 1)[0].strip()
        if len(line) <= 40:
            return line
    return raw_slice(s, h.start, h.end)


def build_paragraphs(s: Stream, chosen: dict[int, Heading], skip: list[tuple[int, int]]) -> list[Paragraph]:
    """Narrative blocks with their part number. Table regions are left out; a block that holds a
    whole flattened page is cut at the headings so each paragraph belongs to one part."""
    cuts = sorted((h.start, h.number) for h in chosen.values())
    out: list[Paragraph] = []
    if not s.text:
        return out
    bounds = [0] + [c for c, _ in cuts] + [len(s.text)]
    # where a line or block starts (a boundary of ROW or more), found in C over the boundaries as bytes
    line_starts = [m.start() for m in re.finditer(b"[%c-%c]" % (ROW, BLOCK), bytes(s.brk))]
    for k in range(len(bounds) - 1):
        a, b = bounds[k], bounds[k + 1]
        part = None if k == 0 else cuts[k - 1][1]
        i = a
        while i < b:
            # a paragraph ends at a block or line boundary
            n = bisect.bisect_right(line_starts, i)
            j = min(line_starts[n], b) if n < len(line_starts) else b
            if not any(x <= i < y for x, y in skip) and not s.unit_is_cell[s.unit[i]]:
                txt = raw_slice(s, i, j)
                if txt.strip():
                    out.append(Paragraph(text=txt, section=part, location=s.location(i)))
            i = j
    return out


__all__ = ["BLOCK", "Heading", "build_paragraphs", "build_sections", "choose_headings", "find_headings"]
