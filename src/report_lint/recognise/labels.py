"""Row labels in the stream: every occurrence of a template row's label, tolerant of the §0.1
variations and — where a label is not written exactly — of a few wrong, missing or extra characters
(bounded fuzzy matching), and grown over the label's tail and index as written so label text is never
mistaken for text glued to a value."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import rxcache
from ..templates import RowSpec, once_per_spec
from .normalize import label_regex, normalize


@dataclass(slots=True)
class Anchor:
    key: str
    start: int
    end: int
    variant: bool  # matched through a typo/variant pattern, not the canonical label


@lru_cache(maxsize=4096)
def normal(text: str) -> str:
    """normalize() of a label or a matched label (the same few hundred strings, in every report)."""
    return normalize(text)


@lru_cache(maxsize=2048)
def label_pattern(label: str) -> re.Pattern:
    """A label's compiled §0.1-tolerant pattern, compiled once per process."""
    return rxcache.compile(label_regex(label))


@lru_cache(maxsize=256)
def _compile(patterns: tuple[str, ...], index: str | None, required: bool) -> tuple[re.Pattern, ...]:
    return tuple(rxcache.compile(label_regex(p, index, required)) for p in patterns)


def _row_patterns(row: RowSpec) -> tuple[str, tuple[re.Pattern, ...]]:
    """A row's canonical label and compiled patterns (through once_per_spec: a report asks for each
    several times, and building _compile's key each time cost more than the lookup)."""
    return normal(row.match[0]), _compile(tuple(row.match), row.index, row.index_required)


FUZZY_MIN = 6  # a shorter label is too easily a near spelling of ordinary words


def _edits_allowed(phrase: str) -> int:
    """Wrong, missing or extra characters tolerated in a label: one in four (其他法律行政止公开 drops 法规禁
    from 其他法律行政法规禁止公开), none below FUZZY_MIN characters."""
    return len(phrase) // 4 if len(phrase) >= FUZZY_MIN else 0


def find_anchors(text: str, rows: list[RowSpec], a: int, b: int) -> list[Anchor]:
    """All row-label occurrences in text[a:b]; overlapping matches keep the longest. A row whose label is
    not written exactly anywhere in the region is looked for by near spelling (`_near_spellings`)."""
    found: list[Anchor] = []
    missing: list[RowSpec] = []
    for row in rows:
        canonical, patterns = once_per_spec(_row_patterns, row)
        hits = 0
        for k, rx in enumerate(patterns):
            for m in rx.finditer(text, a, b):
                if m.end() == m.start():
                    continue
                variant = k > 0 and canonical not in normal(m.group(0)) and not _is_abbrev(row, m.group(0))
                start, end = _extend(text, m.start(), m.end(), row, a, b)
                found.append(Anchor(row.key, start, end, variant))
                hits += 1
        if not hits and _edits_allowed(canonical):
            missing.append(row)
    if missing:
        found.extend(_near_spellings(text, missing, found, a, b))
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    out: list[Anchor] = []
    for an in found:
        if out and an.start < out[-1].end:
            if an.end - an.start > out[-1].end - out[-1].start:
                out[-1] = an
            continue
        out.append(an)
    return out


_NOT_LABEL = re.compile(r"[\d\u2205]+")  # values and blank cells separate the stretches of label text


def _near_spellings(text: str, rows: list[RowSpec], exact: list[Anchor], a: int, b: int) -> list[Anchor]:
    """Occurrences of the rows' canonical labels written with at most `_edits_allowed` wrong, missing or
    extra characters (Levenshtein distance, rapidfuzz), in the stretches of text between values that no
    exact label covers. Per stretch the closest spelling wins. Bounded: a stretch is compared only when it
    holds enough of the label's characters (no library needed to rule most out), then once as a whole
    (rapidfuzz, C++), then window by window only when it comes close."""
    taken = [False] * (b - a)
    for an in exact:
        for i in range(max(an.start, a), min(an.end, b)):
            taken[i - a] = True
    stretches = []
    pos = a
    for m in [*list(_NOT_LABEL.finditer(text, a, b)), None]:
        stop = m.start() if m else b
        run_start = pos
        for i in range(pos, stop + 1):  # split a stretch where an exact label sits
            if i == stop or taken[i - a]:
                if i > run_start:
                    stretches.append((run_start, i))
                run_start = i + 1
        pos = m.end() if m else b
    out = []
    for row in rows:
        phrase = normal(row.match[0])
        k = _edits_allowed(phrase)
        cutoff = 100.0 * (1 - 2 * k / len(phrase))
        for x, y in stretches:
            # k edits leave at least len - k of the label's characters in place
            if y - x < len(phrase) - k or sum(ch in text[x:y] for ch in phrase) < len(phrase) - k:
                continue
            from rapidfuzz import fuzz
            from rapidfuzz.distance import Levenshtein

            if fuzz.partial_ratio(phrase, text[x:y], score_cutoff=cutoff) == 0:
                continue
            best = None  # fewest edits, then the length nearest the label's, then the longer
            for width in range(max(1, len(phrase) - k), min(y - x, len(phrase) + k) + 1):
                for st in range(x, y - width + 1):
                    d = Levenshtein.distance(phrase, text[st:st + width], score_cutoff=k)
                    rank = (d, abs(width - len(phrase)), -width)
                    if d <= k and (best is None or rank < best[0]):
                        best = (rank, st, st + width)
            if best is not None:
                start, end = _extend(text, best[1], best[2], row, a, b, phrase)
                out.append(Anchor(row.key, start, end, True))
    return out


_PUNCT = set("、,:;()./·")


def _extend(text: str, m_start: int, m_end: int, row: RowSpec, a: int, b: int,
            written_for: str | None = None) -> tuple[int, int]:
    """Grow a key-phrase match over the rest of the label as written — forwards over its tail
    ("…行政机关不再受理其政府信息公开申请", two slips allowed) and backwards over its head and index
    ("2.其他法律和行政法规禁止公开") — so label text is never mistaken for text glued to a value.
    A near spelling is grown as the phrase it was `written_for`."""
    full = normal(row.label)
    core = written_for or text[m_start:m_end]
    core = core[2:] if len(core) > 2 and core[0].isdigit() and core[1] in ".、" else core
    p = full.find(core)
    if p < 0:
        return m_start, m_end
    end = _walk(text, m_end, b, full[p + len(core):], +1)
    start = m_start
    if not text[start].isdigit():
        start = _walk(text, m_start - 1, a - 1, full[:p][::-1], -1) + 1
    return start, end


def _walk(text: str, j: int, stop: int, rest: str, step: int) -> int:
    """Advance from j (in direction step) while text follows `rest`; return the first position not
    taken. Up to two substituted/inserted/dropped characters are tolerated; digits only as an index
    directly beside its dot."""
    n = len(rest)
    # the usual case, the rest written exactly (no digit in it), compared at once
    if rest and not _has_digit(rest):
        if step > 0:
            if j + n <= stop and text.startswith(rest, j):
                return j + n
        elif j - n >= stop and text.startswith(rest[::-1], j - n + 1):
            return j - n
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
        elif ch in _PUNCT and ch != ".":
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


@lru_cache(maxsize=4096)
def _has_digit(rest: str) -> bool:
    return any(ch.isdigit() for ch in rest)


def _index_digit(text: str, j: int, step: int) -> bool:
    # walking backwards over "2." we meet "." first, then the digit
    return step < 0 and j + 1 < len(text) and text[j + 1] in ".、"


def _is_abbrev(row: RowSpec, matched: str) -> bool:
    # A shorter key phrase of the same label (部分公开 for （二）部分公开…) is not a variant spelling.
    return normal(matched).lstrip("0123456789.、()") in normal(row.label)


def header_spans(text: str, labels: list[str], a: int, b: int) -> list[tuple[int, int]]:
    spans = []
    for lab in labels:
        if len(normal(lab)) < 2:
            continue
        for m in label_pattern(lab).finditer(text, a, b):
            if m.end() > m.start():
                spans.append((m.start(), m.end()))
    return spans
