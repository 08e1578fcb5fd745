"""Values in a table region: numbers (with 增/减, signs, units), blanks, not-applicable marks and
invalid slots, and their grouping into physical rows that take the label before them."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .. import rxcache
from .labels import Anchor
from .normalize import BLANK_MARK
from .stream import ROW, SPACE, Stream, raw_slice

NA_TEXTS = {"/", "\\", "-", "--", "—", "——", "–", "无", "不适用", "/无", "…", "×", "－"}


# bounded: linear on digit junk
_NUM = rxcache.compile(r"(增|减|\+|-|−)?(\d{1,64}(?:\.\d{1,16})?)(万元|元|件|项|个|%)?")


_NUM_FIRST = frozenset("增减+-−")  # what _NUM can start with besides a digit

_CJK = rxcache.compile(r"[\u4e00-\u9fff]")
_ALNUM = re.compile(r"[0-9A-Za-z]")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(slots=True)
class Token:
    kind: str  # num | blank | na | invalid
    digits: str  # the number's digits with sign and decimal point, e.g. "-185", "75394432.52"
    raw: str  # as written in the source
    start: int
    end: int
    hard: bool  # exactly one source cell: never split
    unit: str = ""


@dataclass(slots=True)
class Group:
    tokens: list[Token]
    label: str | None = None  # row key of the label this group follows
    label_variant: bool = False
    start: int = 0
    end: int = 0
    after_text: bool = False  # narrative text (not labels) stood between this group and the previous
    anchor: tuple[int, int] | None = None  # where the label this group follows is written


def _cell_token(s: Stream, unit: int, start: int, end: int) -> Token | None:
    """A grid cell that is entirely one value becomes one hard token."""
    raw = s.unit_raw[unit]
    norm = s.text[start:end]
    if norm == BLANK_MARK:
        return Token("blank", "", "", start, end, True)
    if norm in NA_TEXTS:
        return Token("na", "", raw.strip(), start, end, True)
    flat = norm.replace(",", "")
    m = _NUM.fullmatch(flat)
    if m:
        return Token("num", _signed(m.group(1), m.group(2)), raw.strip(), start, end, True, m.group(3) or "")
    return None


def _starts_value(s: Stream, text: str, i: int, m: re.Match, blocked: list[bool], a: int) -> bool:
    ch = text[i]
    if ch.isdigit():
        return True
    if m.start(2) != i + 1 and ch not in "增减":
        return False
    if ch in "增减":
        return True
    # a sign: at a boundary, after a label, or right after another value ("2648-18538")
    return i == a or s.brk[i] >= SPACE or blocked[i - 1] or text[i - 1].isdigit()


def _signed(sign: str | None, digits: str) -> str:
    return ("-" + digits) if sign in ("减", "-", "−") else digits


# A stand-alone "not applicable" mark, longest first.
NA_MARKS = ("不适用", "——", "--", "—", "–", "-", "/", "无", "－")
_NA_FIRST = frozenset(m[0] for m in NA_MARKS)
# What can start something other than text besides a digit (str.isdecimal, what \d is): a sign, a
# not-applicable mark, a blank cell. _QUIET: punctuation that does not even count as text.
_NOT_PLAIN = _NUM_FIRST | _NA_FIRST | {BLANK_MARK}
_QUIET = frozenset(",.:;、。()|#*")


class _Tokenizer:
    """One pass over [a, b): at each position, in order, a row break, a page footer, a label, a
    whole grid cell, a blank mark, a number, a not-applicable mark, else text."""

    def __init__(self, s: Stream, a: int, b: int, blocked: list[bool], mask: list[bool], label_starts: frozenset):
        self.s, self.text = s, s.text
        self.a, self.b = a, b
        self.blocked, self.mask, self.label_starts = blocked, mask, label_starts
        self._starts = sorted(label_starts)
        self.out: list[object] = []
        self.prev_unit = -1  # the grid cell last read whole (or looked at), so it is not read twice

    def run(self) -> list[object]:
        i, a, b = self.a, self.a, self.b
        brk, mask, blocked, text, out = self.s.brk, self.mask, self.blocked, self.text, self.out
        unit, is_cell = self.s.unit, self.s.unit_is_cell
        while i < b:
            if i > a and brk[i] >= ROW:
                out.append("ROW")
            if mask[i]:
                i += 1
            elif blocked[i]:
                i = self._label(i)
            elif not (ch := text[i]).isdecimal() and ch not in _NOT_PLAIN and not is_cell[unit[i]]:
                # a character of ordinary text (what _value ends with for it, without trying a cell, a
                # blank, a number or a mark)
                self.prev_unit = unit[i]
                if ch not in _QUIET:
                    out.append("TEXT")
                i += 1
            else:
                i = self._value(i)
        return out

    def _label(self, i: int) -> int:
        """Skip a label or header; a row label right after a header word is reported too."""
        self.out.append(("LABEL", i))
        # the end of the blocked stretch found in C (list.index), not character by character
        try:
            end = self.blocked.index(False, i + 1, self.b)
        except ValueError:
            end = max(i + 1, self.b)
        if self.label_starts:
            starts = self._starts
            for k in range(bisect.bisect_right(starts, i), bisect.bisect_left(starts, end)):
                self.out.append(("LABEL", starts[k]))
        return end

    def _value(self, i: int) -> int:
        u = self.s.unit[i]
        if self.s.unit_is_cell[u] and u != self.prev_unit and (i == 0 or self.s.unit[i - 1] != u):
            end = self._whole_cell(i, u)
            if end is not None:
                return end
        self.prev_unit = u
        if self.text[i] == BLANK_MARK:
            self.out.append(Token("blank", "", "", i, i + 1, True))
            return i + 1
        end = self._number(i)
        if end is not None:
            return end
        return self._mark_or_text(i)

    def _whole_cell(self, i: int, u: int) -> int | None:
        """A grid cell that is one value (or a slot holding something that is not a number, "1O", "2l",
        which keeps its place as invalid) is read whole; returns where reading goes on, or None."""
        s, text, blocked = self.s, self.text, self.blocked
        j = i
        while j < self.b and s.unit[j] == u:
            j += 1
        if any(blocked[i:j]):
            return None
        tok = _cell_token(s, u, i, j)
        if tok is None and not _CJK.search(text[i:j]) and _ALNUM.search(text[i:j]) and \
                (not _DIGIT.search(text[i:j]) or not _NUM.search(text[i:j])):
            tok = Token("invalid", "", s.unit_raw[u].strip(), i, j, True)
        if tok is None:
            return None
        self.out.append(tok)
        self.prev_unit = u
        return j

    def _number(self, i: int) -> int | None:
        """A number starting at i (sign, digits, unit), cut at whitespace, labels and footers; digits
        glued to ordinary text ("数据1", "2019年") are text. Returns where reading goes on, or None."""
        s, text, a, b = self.s, self.text, self.a, self.b
        if not text[i].isdecimal() and text[i] not in _NUM_FIRST:
            return None  # most text characters: no need to try the pattern (\d is what isdecimal() is)
        m = _NUM.match(text, i)
        if not (m and m.group(2) and _starts_value(s, text, i, m, self.blocked, a)):
            return None
        if m.start(2) > i and m.group(1) not in ("增", "减") and s.brk[m.start(2)] >= SPACE:
            return None  # a dash standing alone before a separate number ("-\t0") is a mark, not a sign
        left_glued = i > a and s.brk[i] == 0 and not self.blocked[i - 1] and not self.mask[i - 1] \
            and _CJK.match(text[i - 1]) is not None and m.group(1) not in ("增", "减") \
            and not (text[i - 1] in "个件项元" and i > a + 1 and text[i - 2].isdigit())  # "1个246900元"
        end = m.end()
        for k in range(i + 1, m.end()):  # whitespace, labels and footers end a value
            sign_gap = k == m.start(2) and m.group(1) in ("增", "减") and s.brk[k] == SPACE  # "增 78"
            if (s.brk[k] >= SPACE and not sign_gap) or self.blocked[k] or self.mask[k]:
                end = k
                break
        mm = _NUM.match(text[i:end])
        if mm is None or not mm.group(2):
            self.out.append("TEXT")
            return i + 1
        end = i + mm.end()
        right_glued = end < b and s.brk[end] == 0 and not self.blocked[end] and text[end] in "年月日号条款页"
        if right_glued and text[end] == "年" and end - i > 4 and _YEAR.fullmatch(text[end - 4:end]):
            # "…2000002" + "2025年，我局…": the year that starts the next sentence is not a value
            end -= 4
            mm = _NUM.match(text[i:end]) or mm  # the digits before the year still start the stretch
            right_glued = False
        if left_glued or right_glued:
            self.out.append("TEXT")
            return end
        unit = mm.group(3) or ""
        if not unit and end < b and s.brk[end] == SPACE:  # "20009.5483 万元"
            for u in ("万元", "元"):
                if text.startswith(u, end):
                    unit, end = u, end + len(u)
                    break
        self.out.append(Token("num", _signed(mm.group(1), mm.group(2)), raw_slice(s, i, end), i, end, False, unit))
        return end

    def _mark_or_text(self, i: int) -> int:
        s, text, a, b, blocked = self.s, self.text, self.a, self.b, self.blocked
        for na in NA_MARKS if text[i] in _NA_FIRST else ():
            if text.startswith(na, i) and (i == a or s.brk[i] >= SPACE or blocked[i - 1]) and \
                    (i + len(na) >= b or s.brk[i + len(na)] >= SPACE or blocked[i + len(na)]) and \
                    all(s.brk[k] < SPACE for k in range(i + 1, i + len(na))):  # "-\t-" is two marks
                self.out.append(Token("na", "", na, i, i + len(na), True))
                return i + len(na)
        if text.startswith("---", i):  # a Markdown separator row
            while i < b and text[i] == "-":
                i += 1
            return i
        if text[i] not in _QUIET:
            self.out.append("TEXT")
        return i + 1


def tokenize(s: Stream, a: int, b: int, blocked: list[bool], mask: list[bool],
             label_starts: frozenset = frozenset()) -> list[object]:
    """Value tokens and separators in [a, b). Returns a list of Token | "TEXT" | "ROW" | ("LABEL", i).

    blocked[i] marks characters inside labels/headers; mask[i] marks page footers.
    """
    return _Tokenizer(s, a, b, blocked, mask, label_starts).run()


def group_tokens(items: list[object], anchors_at: dict[int, Anchor]) -> list[Group]:
    """Split the token list into physical rows; a group takes the label that precedes it."""
    groups: list[Group] = []
    cur: list[Token] = []
    pending: Anchor | None = None
    saw_text = False

    def close():
        nonlocal cur, pending, saw_text
        if cur:
            g = Group(cur, start=cur[0].start, end=cur[-1].end, after_text=saw_text)
            saw_text = False
            if pending is not None:
                g.label = pending.key
                g.label_variant = pending.variant
                g.anchor = (pending.start, pending.end)
                pending = None
            groups.append(g)
        cur = []

    for it in items:
        if isinstance(it, Token):
            cur.append(it)
        elif it == "ROW" or it == "TEXT":
            close()
            if it == "TEXT" and groups:
                saw_text = True
        elif isinstance(it, tuple):
            close()
            an = anchors_at.get(it[1])
            if an is not None:
                pending = an
    close()
    return groups
