"""Label matching on normalised text (SPEC.md §0.1).

The normalisation itself lives in report_lint.text (shared with the checks); matching happens on a
normalised copy of the text that keeps, for every character, where it came from (see stream.py).
"""
from __future__ import annotations

import re

from ..text import NEWLINES, QUOTES, WHITESPACE, norm_char, normalize

BLANK_MARK = "\u2205"  # stands for an empty table cell in the stream


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
        # An optional index is written "(?:IB|B)" rather than "(?:I)?B": the same matches, tried in the same
        # order, but the pattern then starts with one of a few known characters, so re skips ahead to them
        # instead of trying the index at every position (most of reading the labels' time).
        body = prefix + body if index_required else f"(?:{prefix}{body}|{body})"
    return body


__all__ = ["BLANK_MARK", "NEWLINES", "QUOTES", "WHITESPACE", "label_regex", "norm_char", "normalize"]
