"""Line breaking for Chinese text in rich output.

rich breaks lines only at spaces, so a long run of Chinese characters (a whole sentence has no
spaces) jumps to the next line as one "word" and leaves a ragged gap. `Wrapped` breaks between any
two CJK characters, keeps ASCII words and numbers whole, and keeps closing punctuation (，。）” …) off
the start of a line, and opening brackets and quotes (（“ …) off the end of one, as Chinese typesetting does.
"""
from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

_TOKEN = re.compile(r"[A-Za-z0-9_.,\-/%+=@#&'\"\[\]()<>|*^~`$\\!?;:]+|[ \t]+|\n|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…·%,.;:!?)]")
_NO_LINE_END = set("（《「『【〔“‘([")


def break_points(plain: str, width: int) -> list[tuple[int, int]]:
    """(start, end) character spans of each line of `plain` wrapped to `width` cells."""
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    start = 0
    used = 0
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(plain)]
    i = 0

    def close(end: int) -> None:  # a line never carries the blanks it was broken at
        while end > start and plain[end - 1] in " \t":
            end -= 1
        lines.append((start, end))

    while i < len(tokens):
        a, b, tok = tokens[i]
        if tok == "\n":
            close(a)
            start, used = b, 0
            i += 1
            continue
        w = cell_len(tok)
        if tok.isspace():
            if used + w > width:
                close(a)
                start, used = b, 0
            else:
                used += w
            i += 1
            continue
        if used + w <= width:
            used += w
            i += 1
            continue
        if used == 0:  # a single token wider than the line: cut it by characters
            cut = a
            acc = 0
            while cut < b and acc + cell_len(plain[cut]) <= width:
                acc += cell_len(plain[cut])
                cut += 1
            cut = max(cut, a + 1)
            lines.append((start, cut))
            start, used = cut, 0
            tokens[i] = (cut, b, plain[cut:b])
            if cut >= b:
                i += 1
            continue
        # break before this token; closing punctuation takes the previous character down with it, and
        # an opening bracket or quote never ends a line
        brk = a
        if tok[0] in _NO_LINE_START and i > 0 and tokens[i - 1][0] > start and not tokens[i - 1][2].isspace():
            i -= 1
            brk = tokens[i][0]
        while i > 0 and tokens[i - 1][0] > start and tokens[i - 1][2][-1] in _NO_LINE_END:
            i -= 1
            brk = tokens[i][0]
        close(brk)
        start, used = brk, 0
        # skip spaces at the start of the new line
        while i < len(tokens) and tokens[i][2].isspace() and tokens[i][2] != "\n":
            start = tokens[i][1]
            i += 1
    if start < len(plain) or not lines:
        close(len(plain))
    return lines


class Wrapped:
    """A rich renderable: `text` (a rich Text, styles kept) wrapped the Chinese way."""

    def __init__(self, text: Text):
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plain = self.text.plain
        for a, b in break_points(plain, options.max_width):
            line = self.text[a:b]
            line.rstrip()
            line.no_wrap = True
            line.overflow = "crop"
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((cell_len(x) for x in self.text.plain.split("\n")), default=0)
        return Measurement(min(8, longest), longest)
