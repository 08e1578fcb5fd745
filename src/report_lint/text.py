"""Text normalisation (SPEC.md §0.1) — the one implementation the recogniser and the checks share.

Full/half width (NFKC), quotes dropped, traditional characters simplified, layout whitespace dropped.
Table labels and headings are matched with `normalize`; narrative text is read with `fold_map`, which
also says where each normalised character came from, so a fact can quote the report exactly.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache

QUOTES = set("“”\"‘’'「」『』〝〞″")
WHITESPACE = set(" \t\u3000\xa0\u2002\u2003\u2009\u200b\ufeff\r")
NEWLINES = set("\n\u2028\u2029\x0b\x0c")


def _is_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


@cache
def _trad_converter() -> Callable[[str], str]:
    # Loaded only when a character outside GB2312 appears, which plain simplified reports never trigger.
    import opencc

    return opencc.OpenCC("t2s").convert


def _simplified(ch: str) -> str:
    # Characters outside GB2312 are mostly traditional forms (規範 → 规范); OpenCC's t2s table knows them.
    out = _trad_converter()(ch)
    return out if len(out) == 1 else ch


@lru_cache(maxsize=8192)
def norm_char(ch: str) -> str:
    """Normalised form of one character: '' to drop it. Whitespace is handled by the caller."""
    if ch in QUOTES:
        return ""
    n = unicodedata.normalize("NFKC", ch)
    if n in QUOTES:
        return ""
    if len(n) == 1 and "\u4e00" <= n <= "\u9fff" and not _is_gb2312(n):
        n = _simplified(n)
    return n


def _is_space(ch: str) -> bool:
    return ch in WHITESPACE or ch in NEWLINES or ch.isspace()


# `_is_space` as a pattern (the same characters: str.isspace is what \s matches, plus two zero-width ones),
# so text is cut into runs of non-space characters in C rather than character by character. Compiled on
# first use, not at import.
_SPACE = r"[\s\u200b\ufeff]+"
_NON_SPACE = r"[^\s\u200b\ufeff]+"


@cache
def space_re() -> re.Pattern[str]:
    """_SPACE compiled (kept for later runs like the other patterns: rxcache)."""
    from . import rxcache

    return rxcache.compile(_SPACE)


def non_space_runs(text: str) -> Iterator[re.Match[str]]:
    """The runs of characters of `text` that are not layout whitespace."""
    return re.finditer(_NON_SPACE, text)

# Stands, in a run translated with a `_CharTable`, for a character whose form is not exactly one character
# (a dropped quote, ½ → 1⁄2): the run is then read character by character.
IRREGULAR = "\U0010ffff"


class _CharTable(dict):
    """A str.translate table filled on first use from a function of one character. Translating a run of
    text in C is what makes the normalisation cheap; per character it is the same function. Bounded: a
    file of every code point cannot grow it past a few thousand entries a report actually uses."""

    def __init__(self, fn: Callable[[str], str | None], one_char: bool):
        super().__init__()
        self.fn, self.one_char = fn, one_char

    def __missing__(self, o: int) -> str:
        n = self.fn(chr(o)) or ""
        if self.one_char and (len(n) != 1 or n == IRREGULAR):
            n = IRREGULAR
        if len(self) < 16384:
            self[o] = n
        return n


def normalize(text: str) -> str:
    """A short string (a label, a heading, a title, a keyword) without layout spaces, width or quote
    differences: what two spellings of the same words have in common."""
    return space_re().sub("", text).translate(_NORM)


def compact(text: str | None) -> str:
    """Text without whitespace, otherwise as written (report lines are often broken or spaced)."""
    return space_re().sub("", text or "")  # the characters _is_space names, in C


def _enclosed(ch: str) -> bool:
    # ① ⑴ ⒈ ❶ ㉑: list markers in prose; NFKC would turn them into digits that look like counts
    o = ord(ch)
    return 0x2460 <= o <= 0x24FF or 0x2776 <= o <= 0x2793 or 0x3251 <= o <= 0x32BF


def fold_map(text: str, keep_newlines: bool = False) -> tuple[str, list[int]]:
    """Narrative text normalised for reading (as `normalize`, list markers kept as they are) and, for
    each character of the result, its offset in `text`. Layout whitespace is dropped, except that one
    space stays between two digits ("10 1" is two numbers, not 101); with `keep_newlines` a line break
    stays as "\\n"."""
    out: list[str] = []
    idx: list[int] = []
    gap = -1  # offset of the whitespace run just passed, or -1
    last = ""  # the last character written
    pos = 0
    # _FOLD_ONE maps every character to exactly one, so a run's translation is a slice of the text's
    # (translated once, not run by run)
    whole = translate_one(text, _FOLD_ONE)
    for m in non_space_runs(text):
        a, b = m.span()
        if a > pos:
            if keep_newlines:
                gap = _gap(text, pos, a, gap, keep_newlines, out, idx)
                last = out[-1][-1] if out else ""
            elif gap < 0:  # _gap without line breaks kept: it writes nothing, `last` stays the last written
                gap = pos
        folded = whole[a:b]
        if IRREGULAR not in folded:  # the usual run: every character folds to one, read at once
            if gap >= 0 and last.isdigit() and folded[0].isdigit():
                out.append(" ")
                idx.append(gap)
            gap = -1
            out.append(folded)
            idx.extend(range(a, b))
            last = folded[-1]
            pos = b
            continue
        i = 0
        while i < len(folded):
            j = folded.find(IRREGULAR, i)
            if j < 0:
                j = len(folded)
            if j > i:  # characters that each fold to one: read at once
                if gap >= 0 and last.isdigit() and folded[i].isdigit():
                    out.append(" ")
                    idx.append(gap)
                gap = -1
                out.append(folded[i:j])
                idx.extend(range(a + i, a + j))
                last = folded[j - 1]
            if j < len(folded):  # a dropped quote, ½ → 1⁄2
                n = _fold_char(text[a + j])
                if n:
                    if gap >= 0 and last.isdigit() and n[0].isdigit():
                        out.append(" ")
                        idx.append(gap)
                    gap = -1
                    out.append(n)
                    idx.extend([a + j] * len(n))
                    last = n[-1]
            i = j + 1
        pos = b
    if keep_newlines and pos < len(text):
        _gap(text, pos, len(text), gap, keep_newlines, out, idx)
    return "".join(out), idx


def _gap(text: str, a: int, b: int, gap: int, keep_newlines: bool, out: list[str], idx: list[int]) -> int:
    """fold_map over the whitespace text[a:b]: line breaks written when kept; the gap offset after it."""
    if keep_newlines and not NEWLINES.isdisjoint(text[a:b]):
        for k in range(a, b):
            if text[k] in NEWLINES:
                out.append("\n")
                idx.append(k)
                gap = -1
            elif gap < 0:
                gap = k
        return gap
    return a if gap < 0 else gap


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str | None:
    """One character as fold_map reads it: None for whitespace, list markers as written, else norm_char."""
    if _is_space(ch):
        return None
    return ch if _enclosed(ch) else norm_char(ch)


_NORM = _CharTable(norm_char, one_char=False)
NORM_ONE = _CharTable(norm_char, one_char=True)
_FOLD_ONE = _CharTable(_fold_char, one_char=True)

# Characters that NORM_ONE and _FOLD_ONE both leave as they are, in text that GB2312 can encode: printable
# ASCII but quotes, and the unified ideographs (GB2312's are simplified, and NFKC leaves ideographs alone).
_SAME_GB = r"\u4e00-\u9fa5!#-&(-~"
LONG_TEXT = 64  # shorter text is translated at once: the checks below would cost more than they save


@cache
def _changed_rx() -> re.Pattern[str]:
    from . import rxcache  # compiled on first use, kept for later runs like the other patterns

    return rxcache.compile(f"[^{_SAME_GB}]")


def translate_one(text: str, table: _CharTable) -> str:
    """text.translate(table) for a table that maps each character to one (NORM_ONE, _FOLD_ONE).

    str.translate looks every character up in the table (~40 ns each, most of reading a report's
    prose); a report's text is mostly characters the tables leave alone. When GB2312 can encode the
    text (checked in C), only the few distinct characters outside those are looked up, each replaced
    at once; any other text, or a replacement that is itself to be replaced, is translated as before."""
    if len(text) < LONG_TEXT:
        return text.translate(table)
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return text.translate(table)
    found = set(_changed_rx().findall(text))
    pairs = [(ch, table[ord(ch)]) for ch in found]
    if any(new != ch and (len(new) != 1 or new in found) for ch, new in pairs):
        return text.translate(table)
    for ch, new in pairs:
        if new != ch:
            text = text.replace(ch, new)
    return text


_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "О": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(s: str) -> int | None:
    """A Chinese numeral as an int: 十一 → 11, 两百零三 → 203, 一万二千 → 12000, 三十一 → 31; None when
    `s` is not one (二三, 万)."""
    if not s or not any(c in _CN_DIGIT or c == "十" for c in s):
        return None
    if "万" in s:
        hi, _, lo = s.partition("万")
        h = cn_to_int(hi) if hi else 1
        low = cn_to_int(lo) if lo else 0
        return None if h is None or low is None else h * 10000 + low
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGIT:
            if digit is not None and digit != 0 and _CN_DIGIT[ch] != 0:
                return None  # 二三 is not a numeral we read
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            total += (digit if digit is not None else 1) * _CN_UNIT[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def cn_year(s: str) -> int | None:
    """A year written digit by digit in Chinese numerals: 二〇二三 → 2023."""
    if len(s) != 4 or any(c not in _CN_DIGIT for c in s):
        return None
    return int("".join(str(_CN_DIGIT[c]) for c in s))


__all__ = ["NEWLINES", "QUOTES", "WHITESPACE", "cn_to_int", "cn_year", "compact", "fold_map", "norm_char",
           "normalize"]
