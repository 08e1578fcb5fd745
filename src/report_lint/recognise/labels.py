"""Row labels in the stream: every occurrence of a template row's label, tolerant of the §0.1
variations, of listed typos, of one wrong character, and grown over the label's tail and index as
written so label text is never mistaken for text glued to a value."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ..templates import RowSpec
from .normalize import label_regex, normalize


@dataclass
class Anchor:
    key: str
    start: int
    end: int
    variant: bool  # matched through a typo/variant pattern, not the canonical label


@lru_cache(maxsize=256)
def _compile(patterns: tuple[str, ...], index: Optional[str], required: bool) -> tuple[re.Pattern, ...]:
    exact = [re.compile(label_regex(p, index, required)) for p in patterns]
    return tuple(exact + [_fuzzy(patterns[0], index)] if len(normalize(patterns[0])) >= 6 else exact)


def _fuzzy(label: str, index: Optional[str]) -> re.Pattern:
    """The label with any one character written wrong (行政执法案件 for 行政执法案卷)."""
    core = normalize(label)
    alts = []
    for k in range(len(core)):
        if core[k] in "()、,":
            continue
        alts.append(re.escape(core[:k]) + r"[^\d\s]" + re.escape(core[k + 1:]))
    prefix = f"(?:{re.escape(index)}[.、])?" if index else ""
    return re.compile(prefix + "(?:" + "|".join(alts) + ")")


def find_anchors(text: str, rows: list[RowSpec], a: int, b: int) -> list[Anchor]:
    """All row-label occurrences in text[a:b]; overlapping matches keep the longest."""
    found: list[Anchor] = []
    for row in rows:
        canonical = normalize(row.match[0])
        for k, rx in enumerate(_compile(tuple(row.match), row.index, row.index_required)):
            for m in rx.finditer(text, a, b):
                if m.end() == m.start():
                    continue
                variant = k > 0 and canonical not in normalize(m.group(0)) and not _is_abbrev(row, m.group(0))
                start, end = _extend(text, m, row, a, b)
                found.append(Anchor(row.key, start, end, variant))
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    out: list[Anchor] = []
    for an in found:
        if out and an.start < out[-1].end:
            if an.end - an.start > out[-1].end - out[-1].start:
                out[-1] = an
            continue
        out.append(an)
    return out


_PUNCT = set("、,:;()./·")


def _extend(text: str, m: re.Match, row: RowSpec, a: int, b: int) -> tuple[int, int]:
    """Grow a key-phrase match over the rest of the label as written — forwards over its tail
    ("…行政机关不再受理其政府信息公开申请", two slips allowed) and backwards over its head and index
    ("2.其他法律和行政法规禁止公开") — so label text is never mistaken for text glued to a value."""
    full = normalize(row.label)
    core = m.group(0)
    core = core[2:] if len(core) > 2 and core[0].isdigit() and core[1] in ".、" else core
    p = full.find(core)
    if p < 0:
        return m.start(), m.end()
    end = _walk(text, m.end(), b, full[p + len(core):], +1)
    start = m.start()
    if not text[start].isdigit():
        start = _walk(text, m.start() - 1, a - 1, full[:p][::-1], -1) + 1
    return start, end


def _walk(text: str, j: int, stop: int, rest: str, step: int) -> int:
    """Advance from j (in direction step) while text follows `rest`; return the first position not
    taken. Up to two substituted/inserted/dropped characters are tolerated; digits only as an index
    directly beside its dot."""
    k, budget, last_good = 0, 2, j
    while k < len(rest) and j != stop:
        ch, want = text[j], rest[k]
        if ch.isdigit() and not (ch == want and _index_digit(text, j, step)):
            break
        if ch == want:
            j += step
            k += 1
            last_good = j
        elif want in _PUNCT:
            k += 1
        elif ch in _PUNCT and not ch == ".":
            j += step
        elif budget > 0 and k + 1 < len(rest) and j + step != stop and text[j + step] == rest[k + 1] \
                and not text[j].isdigit():
            j += step  # substitution
            k += 1
            budget -= 1
        elif budget > 0 and j + step != stop and text[j + step] == want and not text[j].isdigit():
            j += step  # an inserted character
            budget -= 1
        elif budget > 0 and k + 1 < len(rest) and ch == rest[k + 1]:
            k += 1  # a dropped character
            budget -= 1
        else:
            break
    return last_good


def _index_digit(text: str, j: int, step: int) -> bool:
    # walking backwards over "2." we meet "." first, then the digit
    return step < 0 and j + 1 < len(text) and text[j + 1] in ".、"


def _is_abbrev(row: RowSpec, matched: str) -> bool:
    # A shorter key phrase of the same label (部分公开 for （二）部分公开…) is not a variant spelling.
    return normalize(matched).lstrip("0123456789.、()") in normalize(row.label)


def header_spans(text: str, labels: list[str], a: int, b: int) -> list[tuple[int, int]]:
    spans = []
    for lab in labels:
        n = normalize(lab)
        if len(n) < 2:
            continue
        for m in re.finditer(label_regex(lab), text[a:b]):
            if m.end() > m.start():
                spans.append((a + m.start(), a + m.end()))
    return spans
