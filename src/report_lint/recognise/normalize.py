"""Text normalisation for matching labels (SPEC.md §0.1).

Full/half width, spaces inside CJK words, quotes, traditional characters. Matching happens on a
normalised copy of the text that keeps, for every character, where it came from (see stream.py).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

QUOTES = set("“”\"‘’'「」『』〝〞″")
WHITESPACE = set(" \t\u3000\xa0\u2002\u2003\u2009\u200b\ufeff\r")
NEWLINES = set("\n\u2028\u2029\x0b\x0c")
BLANK_MARK = "\u2205"  # stands for an empty table cell in the stream

_trad_converter = None


def _is_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


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


def _simplified(ch: str) -> str:
    # Characters outside GB2312 are mostly traditional forms (規範 → 规范); zhconv knows them. Loaded
    # only when such a character appears, which plain simplified reports never trigger.
    global _trad_converter
    if _trad_converter is None:
        import zhconv

        _trad_converter = zhconv.convert
    out = _trad_converter(ch, "zh-cn")
    return out if len(out) == 1 else ch


def normalize(text: str) -> str:
    """Normalise a short string (labels, headings) the same way the stream does."""
    return "".join(norm_char(c) for c in text if c not in WHITESPACE and c not in NEWLINES)


_OPTIONAL_PUNCT = {"、": "[、,:;]?", ",": "[、,:;]?", ":": "[:、]?", ";": "[;、,]?",
                   "(": r"\(?", ")": r"\)?", "/": "/?", "·": "·?"}


def label_regex(label: str, index: str | None = None, index_required: bool = False) -> str:
    """A regex (on normalised text) that accepts the label with the §0.1 variations."""
    core = normalize(label)
    parts = []
    for ch in core:
        parts.append(_OPTIONAL_PUNCT.get(ch, re.escape(ch)))
    body = "".join(parts)
    if index:
        # The dot is required: a bare digit before a label is usually the previous row's last value.
        prefix = re.escape(index) + "[.、]"
        body = (prefix if index_required else f"(?:{prefix})?") + body
    return body
