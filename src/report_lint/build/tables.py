"""Table recognition: find 表二/表三/表四 in the stream and read every cell.

One algorithm serves every format:
1. find the table's region (start phrases from the template data);
2. find row labels (anchors) and header labels in it;
3. read value tokens (numbers, blanks, `/ — 无` …) between them and group them into physical rows;
4. align groups to the template's rows in order (dynamic programming: a label pins a group to its row,
   unlabelled groups fill the gaps — this survives Markdown conversions that separate labels from numbers);
5. turn each group into cells; digits that ran together (`21710000218`) are separated with the table's
   own equations, and the parser says so (a ParseProblem), never silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from ..model import Cell, Location, ParseProblem
from ..templates import ColumnSpec, Equation, RowSpec, TableSpec, Template
from .normalize import BLANK_MARK, label_regex, normalize
from .stream import CELL, ROW, SPACE, Stream, raw_slice

NA_TEXTS = {"/", "\\", "-", "--", "—", "——", "–", "无", "不适用", "/无", "…", "×", "－"}
_NUM = re.compile(r"(增|减|\+|-|−)?(\d{1,64}(?:\.\d{1,16})?)(万元|元|件|项|个|%)?")  # bounded: linear on digit junk
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_SOLUTIONS = 400
MAX_STEPS = 200_000
MAX_PART = 13  # digits of one cell, decimals included: a count or a 万元 amount never needs more


@dataclass
class Token:
    kind: str  # num | blank | na | invalid
    digits: str  # the number's digits with sign and decimal point, e.g. "-185", "75394432.52"
    raw: str  # as written in the source
    start: int
    end: int
    hard: bool  # exactly one source cell: never split
    unit: str = ""


@dataclass
class Group:
    tokens: list[Token]
    label: Optional[str] = None  # row key of the label this group follows
    label_variant: bool = False
    start: int = 0
    end: int = 0
    after_text: bool = False  # narrative text (not labels) stood between this group and the previous


@dataclass
class Anchor:
    key: str
    start: int
    end: int
    variant: bool  # matched through a typo/variant pattern, not the canonical label


@dataclass
class TableResult:
    template: str
    data: dict[str, dict[str, Cell]]
    score: float
    problems: list[ParseProblem] = field(default_factory=list)
    location: Optional[Location] = None
    evidence: str = ""
    span: Optional[tuple[int, int]] = None  # stream positions of the cells read


# ---------------------------------------------------------------------------------------------- labels

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


# ---------------------------------------------------------------------------------------------- tokens

def _cell_token(s: Stream, unit: int, start: int, end: int) -> Optional[Token]:
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


def _signed(sign: Optional[str], digits: str) -> str:
    return ("-" + digits) if sign in ("减", "-", "−") else digits


def tokenize(s: Stream, a: int, b: int, blocked: list[bool], mask: list[bool],
             label_starts: frozenset = frozenset()) -> list[object]:
    """Value tokens and separators in [a, b). Returns a list of Token | "TEXT" | "ROW" | ("LABEL", i).

    blocked[i] marks characters inside labels/headers; mask[i] marks page footers.
    """
    out: list[object] = []
    text = s.text
    i = a
    prev_unit = -1
    while i < b:
        if i > a and s.brk[i] >= ROW:
            out.append("ROW")
        if mask[i]:
            i += 1
            continue
        if blocked[i]:
            out.append(("LABEL", i))
            i += 1
            while i < b and blocked[i]:
                if i in label_starts:  # a row label right after a header word
                    out.append(("LABEL", i))
                i += 1
            continue
        u = s.unit[i]
        if s.unit_is_cell[u] and u != prev_unit and (i == 0 or s.unit[i - 1] != u):
            # whole-cell value?
            j = i
            while j < b and s.unit[j] == u:
                j += 1
            tok = _cell_token(s, u, i, j)
            if tok is not None and not any(blocked[i:j]):
                out.append(tok)
                prev_unit = u
                i = j
                continue
            if not any(blocked[i:j]) and not _CJK.search(text[i:j]) and re.search(r"[0-9A-Za-z]", text[i:j]):
                # a value slot holding something that is not a number ("1O", "2l"): keep its place
                if not re.search(r"\d", text[i:j]) or not _NUM.search(text[i:j]):
                    out.append(Token("invalid", "", s.unit_raw[u].strip(), i, j, True))
                    prev_unit = u
                    i = j
                    continue
        prev_unit = u
        ch = text[i]
        if ch == BLANK_MARK:
            out.append(Token("blank", "", "", i, i + 1, True))
            i += 1
            continue
        m = _NUM.match(text, i)
        if m and m.group(2) and _starts_value(s, text, i, m, blocked, a):
            # digits glued on the left to ordinary CJK text ("数据1", "2019年") are text, not values
            left_glued = i > a and s.brk[i] == 0 and not blocked[i - 1] and not mask[i - 1] \
                and _CJK.match(text[i - 1]) is not None and m.group(1) not in ("增", "减") \
                and not (text[i - 1] in "个件项元" and i > a + 1 and text[i - 2].isdigit())  # "1个246900元"
            end = m.end()
            for k in range(i + 1, m.end()):  # whitespace, labels and footers end a value
                sign_gap = k == m.start(2) and m.group(1) in ("增", "减") and s.brk[k] == SPACE  # "增 78"
                if (s.brk[k] >= SPACE and not sign_gap) or blocked[k] or mask[k]:
                    end = k
                    break
            mm = _NUM.match(text[i:end])
            if mm is None or not mm.group(2):
                out.append("TEXT")
                i += 1
                continue
            end = i + mm.end()
            right_glued = end < b and s.brk[end] == 0 and not blocked[end] and text[end] in "年月日号条款页"
            if right_glued and text[end] == "年" and end - i > 4 and re.fullmatch(r"(?:19|20)\d\d", text[end - 4:end]):
                # "…2000002" + "2025年，我局…": the year that starts the next sentence is not a value
                end -= 4
                mm = _NUM.match(text[i:end])
                right_glued = False
            if left_glued or right_glued:
                out.append("TEXT")
                i = end
                continue
            unit = mm.group(3) or ""
            if not unit and end < b and s.brk[end] == SPACE:  # "20009.5483 万元"
                for u in ("万元", "元"):
                    if text.startswith(u, end):
                        unit, end = u, end + len(u)
                        break
            out.append(Token("num", _signed(mm.group(1), mm.group(2)), raw_slice(s, i, end), i, end, False, unit))
            i = end
            continue
        # stand-alone "not applicable" marks
        for na in ("不适用", "——", "--", "—", "–", "-", "/", "无", "－"):
            if text.startswith(na, i) and (i == a or s.brk[i] >= SPACE or blocked[i - 1]) and \
                    (i + len(na) >= b or s.brk[i + len(na)] >= SPACE or blocked[i + len(na)]):
                out.append(Token("na", "", na, i, i + len(na), True))
                i += len(na)
                break
        else:
            if text[i] == "-" and text.startswith("---", i):  # a Markdown separator row
                while i < b and text[i] == "-":
                    i += 1
                continue
            if text[i] not in ",.:;、。()|#*":
                out.append("TEXT")
            i += 1
    return out


def group_tokens(items: list[object], anchors_at: dict[int, Anchor]) -> list[Group]:
    """Split the token list into physical rows; a group takes the label that precedes it."""
    groups: list[Group] = []
    cur: list[Token] = []
    pending: Optional[Anchor] = None
    saw_text = False

    def close():
        nonlocal cur, pending, saw_text
        if cur:
            g = Group(cur, start=cur[0].start, end=cur[-1].end, after_text=saw_text)
            saw_text = False
            if pending is not None:
                g.label = pending.key
                g.label_variant = pending.variant
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


# ---------------------------------------------------------------------------------------------- splitting

def _valid_part(p: str, first: bool, signed: bool) -> bool:
    body = p[1:] if p.startswith("-") else p
    if not body or body.startswith(".") or body.endswith("."):
        return False
    if p.startswith("-") and not (first and signed):
        return False
    ip = body.split(".")[0]
    return ip == "0" or not ip.startswith("0")


def _to_value(d: str, money: bool):
    if len(d) > 2 * MAX_PART:
        return None  # no table cell holds a number this long: it is invalid, not a value
    if "." in d:
        return float(d) if money else None
    return int(d)


@dataclass
class Layout:
    columns: list[ColumnSpec]
    checks: list[tuple[tuple[int, ...], tuple[int, ...]]]  # (left cells, right cells) equalities


def _sum_groups(layout: Layout, n: int) -> Optional[list[tuple[int, int]]]:
    """When the row's equations say "the last cell of each consecutive group is the sum of the others"
    (表三: 总计 = six applicants; 表四: each group's 总计), return the groups as (first, last) cells."""
    groups = []
    for left, right in layout.checks:
        if len(left) != 1 or not right or list(right) != list(range(min(right), left[0])):
            return None
        groups.append((min(right), left[0]))
    groups.sort()
    pos = 0
    for a, b in groups:
        if a != pos:
            return None
        pos = b + 1
    return groups if groups and pos == n else None


def _split_by_sums(tokens: list[Token], groups: list[tuple[int, int]], limit: int) -> list[list[str]]:
    """Cut plain digit runs group by group: pick each group's total first, then cut the digits before it
    into parts that add up to it (no part can exceed the total). Far fewer tries than cutting blindly."""
    digits = "".join(t.digits for t in tokens)
    forced = set()  # token boundaries are cuts the writer made
    pos = 0
    for t in tokens[:-1]:
        pos += len(t.digits)
        forced.add(pos)
    L = len(digits)
    sols: list[list[str]] = []
    steps = 0

    def ok(part: str) -> bool:
        return part == "0" or not part.startswith("0")

    def no_forced_inside(a: int, b: int) -> bool:
        return not any(a < f < b for f in forced) if forced else True

    def cut_parts(p: int, end: int, k: int, remaining: int, acc: list[str], out: list[list[str]]):
        """Cut digits[p:end] into k parts summing to `remaining`."""
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS or len(out) >= limit:
            return
        if k == 0:
            if p == end and remaining == 0:
                out.append(list(acc))
            return
        left = end - p
        if left < k or left > k * MAX_PART:
            return
        for e in range(p + 1, min(end - (k - 1), p + MAX_PART) + 1):
            part = digits[p:e]
            if not ok(part):
                break
            v = int(part)
            if v > remaining:
                break
            if not no_forced_inside(p, e):
                break
            if e < end and k == 1:
                continue
            acc.append(part)
            cut_parts(e, end, k - 1, remaining - v, acc, out)
            acc.pop()

    def rec(gi: int, p: int, acc: list[str]):
        nonlocal steps
        if len(sols) >= limit or steps > MAX_STEPS:
            return
        if gi == len(groups):
            if p == L:
                sols.append(list(acc))
            return
        a, b = groups[gi]
        q = b - a + 1
        cells_after = sum(y - x + 1 for x, y in groups[gi + 1:])
        for end in range(p + q, min(L - cells_after, p + q * MAX_PART) + 1):
            if L - end > cells_after * MAX_PART:
                continue
            for t in range(max(p + q - 1, end - MAX_PART), end):
                total = digits[t:end]
                if not ok(total) or not no_forced_inside(t, end):
                    continue
                inner: list[list[str]] = []
                cut_parts(p, t, q - 1, int(total), [], inner)
                for parts in inner:
                    rec(gi + 1, end, acc + parts + [total])
                    if len(sols) >= limit:
                        return

    rec(0, 0, [])
    return sols


def split_tokens(tokens: list[Token], layout: Layout, limit: int = MAX_SOLUTIONS) -> list[list[str]]:
    """Every way to cut the tokens into len(layout.columns) values that satisfies the row equations.

    Hard tokens (whole cells) stay whole; soft tokens (text) may be cut between digits.
    """
    n = len(layout.columns)
    groups = _sum_groups(layout, n)
    if groups and all(t.kind == "num" and not t.hard and t.digits.isdigit() for t in tokens):
        return _split_by_sums(tokens, groups, limit)
    sols: list[list[str]] = []
    steps = 0
    # equations indexed by the largest cell they use, so they are checked as soon as possible
    by_last: dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {}
    for eq in layout.checks:
        by_last.setdefault(max(eq[0] + eq[1]), []).append(eq)
    remaining_cap = [0] * (len(tokens) + 1)
    for t in range(len(tokens) - 1, -1, -1):
        tk = tokens[t]
        cap = len(tk.digits.replace("-", "").replace(".", "")) if tk.kind == "num" and not tk.hard else 1
        remaining_cap[t] = remaining_cap[t + 1] + cap

    vals: list[str] = []

    def ok_at(idx: int) -> bool:
        for left, right in by_last.get(idx, ()):
            try:
                lv = sum(_num(vals[i]) for i in left)
                rv = sum(_num(vals[i]) for i in right)
            except ValueError:
                continue
            if abs(lv - rv) > 1e-6:
                return False
        return True

    def rec(t: int):
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS or len(sols) >= limit:
            return
        if t == len(tokens):
            if len(vals) == n:
                sols.append(list(vals))
            return
        need_after = len(tokens) - t - 1  # each later token yields at least one value
        tk = tokens[t]
        if tk.kind != "num" or tk.hard:
            if len(vals) >= n:
                return
            vals.append(tk.digits if tk.kind == "num" else "")
            if ok_at(len(vals) - 1):
                rec(t + 1)
            vals.pop()
            return
        d = tk.digits
        # cut d into k parts, k between 1 and what is left to fill
        max_k = n - len(vals) - need_after
        cut(d, 0, max_k, t, True)

    def cut(d: str, pos: int, max_k: int, t: int, first: bool):
        if max_k <= 0:
            return
        if len(vals) >= n:
            return
        col = len(vals)
        spec = layout.columns[col] if col < n else None
        if len(d) - pos > max_k * MAX_PART:
            return  # what is left cannot fit in the cells left: stop early (keeps long junk linear)
        for e in range(pos + 1, min(len(d), pos + MAX_PART) + 1):
            part = d[pos:e]
            if not _valid_part(part, first and pos == 0, bool(spec and spec.signed)):
                if part.startswith("0") and part not in ("0",) and not part.startswith("0."):
                    break
                continue
            if "." in part and not (spec and spec.money):
                continue
            vals.append(part)
            if ok_at(len(vals) - 1):
                if e == len(d):
                    rec(t + 1)
                else:
                    cut(d, e, max_k - 1, t, False)
            vals.pop()
            if len(sols) >= limit or steps > MAX_STEPS:
                return

    if remaining_cap[0] >= n:
        rec(0)
    return sols


def _num(v: str) -> float:
    if v == "" or v is None:
        return 0.0
    return float(v)


def _balance(sol: list[str]) -> tuple:
    # Prefer cuts that keep parts of similar length ("898989" → 89 89 89), then shorter early parts.
    lens = [len(x.lstrip("-").split(".")[0]) for x in sol]
    return (sum(x * x for x in lens), lens)


# ---------------------------------------------------------------------------------------------- alignment

@dataclass
class RowPlan:
    spec: RowSpec
    columns: tuple[ColumnSpec, ...]


def _feasible(tokens: list[Token], ncols: int) -> bool:
    if len(tokens) == ncols:
        return True
    if len(tokens) > ncols:
        extra = [t for t in tokens if t.kind == "blank"]
        return len(tokens) - len(extra) <= ncols and all(t.kind == "blank" for t in _edges(tokens, ncols))
    cap = _capacity(tokens)
    longest = max((len(t.digits) for t in tokens if t.kind == "num" and not t.hard), default=0)
    return cap >= ncols and longest <= ncols * MAX_PART


def _capacity(tokens: list[Token]) -> int:
    """How many cells the tokens can fill at most (each digit of a run-together number one cell)."""
    return sum(len(t.digits.replace("-", "").replace(".", "")) if (t.kind == "num" and not t.hard) else 1
               for t in tokens)


def _edges(tokens: list[Token], ncols: int) -> list[Token]:
    extra = len(tokens) - ncols
    lead = 0
    while lead < extra and tokens[lead].kind == "blank":
        lead += 1
    return tokens[:lead] + tokens[len(tokens) - (extra - lead):] if extra - lead > 0 else tokens[:lead]


def _trim(tokens: list[Token], ncols: int) -> list[Token]:
    """Drop surplus empty cells at the edges (a blank spacer column beside the label)."""
    while len(tokens) > ncols and tokens[0].kind == "blank":
        tokens = tokens[1:]
    while len(tokens) > ncols and tokens[-1].kind == "blank":
        tokens = tokens[:-1]
    return tokens


def align(groups: list[Group], plans: list[RowPlan]) -> tuple[float, list[tuple[int, list[int]]]]:
    """Best monotone assignment of groups (or two consecutive groups) to template rows.

    Returns (score, [(row index, [group indexes])]).
    """
    m, n = len(groups), len(plans)
    NEG = float("-inf")
    dp = [[NEG] * (n + 1) for _ in range(m + 1)]
    back: dict[tuple[int, int], tuple[int, int, Optional[tuple[int, list[int]]]]] = {}
    dp[0][0] = 0.0

    feasible_cache: dict[tuple[tuple[int, ...], int], bool] = {}

    def feasible(gidx: tuple[int, ...], ncols: int) -> bool:
        key = (gidx, ncols)
        if key not in feasible_cache:
            feasible_cache[key] = _feasible([t for g in gidx for t in groups[g].tokens], ncols)
        return feasible_cache[key]

    def assign_score(gidx: list[int], j: int) -> Optional[float]:
        ncols = len(plans[j].columns)
        if not feasible(tuple(gidx), ncols):
            # a row whose label is there but whose values are too few still is that row (the missing
            # cells are reported), rather than a lost group and a missing row
            g = groups[gidx[0]]
            if len(gidx) == 1 and g.label == plans[j].spec.key and len(g.tokens) < ncols \
                    and _capacity(g.tokens) >= max(2, ncols - 2):
                return 2.0
            return None
        labels = [groups[g].label for g in gidx if groups[g].label]
        sc = 0.0
        if plans[j].spec.key in labels:
            sc += 10.0
        elif labels:
            sc -= 6.0
        if not labels and all(t.kind == "blank" for g in gidx for t in groups[g].tokens):
            sc -= 1.0
        if len(gidx) > 1:
            sc -= 1.0
        return sc

    widths = sorted({len(p.columns) for p in plans})

    def skip_cost(g: int) -> float:
        grp = groups[g]
        if all(t.kind == "blank" for t in grp.tokens):
            return 0.0
        if grp.label:
            return -15.0
        feasible_any = any(feasible((g,), w) for w in widths)
        return -12.0 if feasible_any and len(grp.tokens) > 1 else 0.0

    skip_group = [skip_cost(g) for g in range(m)]  # depends on the group only: once each

    for i in range(m + 1):
        for j in range(n + 1):
            cur = dp[i][j]
            if cur == NEG:
                continue
            if j < n and cur - 20.0 > dp[i][j + 1]:  # row missing
                dp[i][j + 1] = cur - 20.0
                back[(i, j + 1)] = (i, j, None)
            if i < m:
                c = cur + skip_group[i]
                if c > dp[i + 1][j]:
                    dp[i + 1][j] = c
                    back[(i + 1, j)] = (i, j, None)
            if i < m and j < n:
                sc = assign_score([i], j)
                if sc is not None and cur + sc > dp[i + 1][j + 1]:
                    dp[i + 1][j + 1] = cur + sc
                    back[(i + 1, j + 1)] = (i, j, (j, [i]))
                if i + 1 < m and groups[i + 1].label is None and len(groups[i].tokens) < len(plans[j].columns):
                    sc = assign_score([i, i + 1], j)
                    if sc is not None and cur + sc > dp[i + 2][j + 1]:
                        dp[i + 2][j + 1] = cur + sc
                        back[(i + 2, j + 1)] = (i, j, (j, [i, i + 1]))
    # best end: all rows considered; trailing groups skipped already in dp
    score = dp[m][n]
    path = []
    state = (m, n)
    while state != (0, 0):
        pi, pj, act = back[state]
        if act is not None:
            path.append(act)
        state = (pi, pj)
    path.reverse()
    return score, path


# ---------------------------------------------------------------------------------------------- cells

def _row_layout(columns: tuple[ColumnSpec, ...], equations: tuple[Equation, ...],
                prefix: str = "") -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    idx = {c.key: k for k, c in enumerate(columns)}
    out = []
    for eq in equations:
        if eq.kind != "per_row":
            continue
        if all(x in idx for x in eq.left + eq.right):
            out.append((tuple(idx[x] for x in eq.left), tuple(idx[x] for x in eq.right)))
    return out


def make_cell(value: str, tok: Optional[Token], col: ColumnSpec, s: Stream, derived: Optional[str]) -> Cell:
    loc = s.location(tok.start) if tok is not None else None
    if tok is not None and tok.kind == "blank":
        return Cell(value=None, raw="", kind="blank", location=loc)
    if tok is not None and tok.kind == "na":
        return Cell(value=None, raw=tok.raw, kind="not_applicable", location=loc)
    if tok is not None and tok.kind == "invalid":
        return Cell(value=None, raw=tok.raw, kind="invalid", location=loc)
    if value == "":
        return Cell(value=None, raw="", kind="blank", location=loc)
    v = _to_value(value, col.money)
    raw = tok.raw if (tok is not None and derived is None) else value + (tok.unit if tok and col.money else "")
    if v is None:
        return Cell(value=None, raw=raw, kind="invalid", location=loc)
    return Cell(value=v, raw=raw, kind="number", location=loc, derived=derived)


class TableReader:
    """Reads one table (one TableSpec of one template) out of a stream region."""

    def __init__(self, key: str, spec: TableSpec, template: Template, s: Stream, mask: list[bool]):
        self.key = key
        self.spec = spec
        self.template = template
        self.s = s
        self.mask = mask

    # -- shared
    def _prepare(self, a: int, b: int, rows: list[RowSpec]):
        text = self.s.text
        anchors = find_anchors(text, rows, a, b)
        blocked = [False] * len(text)
        anchors_at: dict[int, Anchor] = {}
        for an in anchors:
            for k in range(an.start, an.end):
                blocked[k] = True
            anchors_at[an.start] = an
        headers = [c.label for _, cols in self.spec.row_columns() for c in cols] + \
                  [p.caption for p in self.spec.parts] + list(self.spec.start) + list(self.spec.headers)
        for x, y in header_spans(text, headers, a, b):
            if any(blocked[x:y]):
                continue
            for k in range(x, y):
                blocked[k] = True
        items = tokenize(self.s, a, b, blocked, self.mask, frozenset(anchors_at))
        # tokenize reports a label by its first character; map label starts for anchors only
        return anchors, group_tokens(items, anchors_at)

    def read_rows(self, a: int, b: int) -> TableResult:
        self.region = (a, b)
        plans = [RowPlan(r, cols) for r, cols in self.spec.row_columns()]
        anchors, groups = self._prepare(a, b, [p.spec for p in plans])
        score, path = align(groups, plans)
        # A labelled group that order could not place (a converter moved a sub-table) still belongs
        # to its row when that row is otherwise empty.
        placed_rows = {j for j, _ in path}
        placed_groups = {g for _, gi in path for g in gi}
        for g, grp in enumerate(groups):
            if g in placed_groups or grp.label is None:
                continue
            j = next((k for k, p in enumerate(plans) if p.spec.key == grp.label), None)
            if j is not None and j not in placed_rows and _feasible(grp.tokens, len(plans[j].columns)):
                path.append((j, [g]))
                placed_rows.add(j)
                score += 5.0
        data: dict[str, dict[str, Cell]] = {}
        problems: list[ParseProblem] = []
        per_row_eqs = {p.spec.key: _row_layout(p.columns, self.spec.equations) for p in plans}
        candidates: dict[str, list[list[str]]] = {}
        row_tokens: dict[str, list[Token]] = {}
        used_groups = set()
        split_rows: list = []
        for j, gidx in path:
            plan = plans[j]
            used_groups.update(gidx)
            toks = _trim([t for g in gidx for t in groups[g].tokens], len(plan.columns))
            row_tokens[plan.spec.key] = toks
            if len(toks) == len(plan.columns):
                candidates[plan.spec.key] = [[t.digits if t.kind == "num" else "" for t in toks]]
            else:
                sols = split_tokens(toks, Layout(list(plan.columns), per_row_eqs[plan.spec.key]))
                if not sols:  # the row does not add up by itself: cut without its equation
                    sols = split_tokens(toks, Layout(list(plan.columns), []))
                candidates[plan.spec.key] = sols or [[]]
            for g in gidx:
                if groups[g].label_variant and groups[g].label == plan.spec.key:
                    problems.append(self._problem(
                        "label-variant", plan.spec.key, None, toks[0].start if toks else a, "info",
                        f"{self.spec.title}“{plan.spec.label}”行的标签写法与模板不一致（按已知的错写/变体识别）",
                        f"{self.spec.title} row '{plan.spec.label}': label written differently from the template "
                        f"(recognised as a known variant)"))
        chosen = self._choose(candidates, plans)
        for plan in plans:
            key = plan.spec.key
            if key not in chosen:
                continue
            vals = chosen[key]
            toks = row_tokens[key]
            direct = len(toks) == len(plan.columns)
            if not vals:
                if all(t.kind == "num" and not t.hard and t.digits.isdigit() for t in toks):
                    # fewer digits than cells: each digit is a cell ("0 00000" → 0|0|0|0|0|0|□)
                    toks = [Token("num", ch, ch, t.start + k, t.start + k + 1, True)
                            for t in toks for k, ch in enumerate(t.digits)]
                problems.append(self._problem(
                    "missing-values", key, None, toks[0].start if toks else a, "warning",
                    f"{self.spec.title}“{plan.spec.label}”行只读到 {len(toks)} 个数值，少于应有的 {len(plan.columns)} 个，"
                    f"缺少的单元格按空白处理",
                    f"{self.spec.title} row '{plan.spec.label}': found {len(toks)} values for "
                    f"{len(plan.columns)} cells; the missing cells are treated as blank"))
                vals = [t.digits if t.kind == "num" else "" for t in toks] + [""] * (len(plan.columns) - len(toks))
                cells = {}
                for k, col in enumerate(plan.columns):
                    tk = toks[k] if k < len(toks) else None
                    if tk is None:
                        cells[col.key] = Cell(value=None, raw="", kind="blank", location=None)
                    else:
                        cells[col.key] = make_cell(vals[k], tk, col, self.s, None)
                data[key] = cells
                continue
            cells = {}
            owner = _owners(toks, vals) if not direct else list(range(len(toks)))
            for k, col in enumerate(plan.columns):
                tk = toks[owner[k]] if owner and owner[k] is not None else None
                cells[col.key] = make_cell(vals[k], tk, col, self.s, None if direct else "split")
            data[key] = cells
            if not direct:
                n_alt = len(candidates[key])
                raw = " ".join(t.raw for t in toks)
                if n_alt > 1 and key in self._ambiguous:
                    problems.append(self._problem(
                        "ambiguous-split", key, None, toks[0].start, "warning",
                        f"{self.spec.title}“{plan.spec.label}”行的数字连在一起（“{raw}”），有 {n_alt} 种拆分方式都说得通，"
                        f"暂按 {' | '.join(vals)} 读取，请核对原文",
                        f"{self.spec.title} row '{plan.spec.label}': run-together digits '{raw}' can be split "
                        f"{n_alt} ways; read as {' | '.join(vals)} — please check the source",
                        {"raw": raw, "values": vals, "alternatives": n_alt}))
                else:
                    split_rows.append((plan, raw, vals, toks[0].start))
        if split_rows:
            # one note per table: which rows had run-together digits and how they were read
            first = split_rows[0]
            shown = "；".join(f"“{p.spec.label}”{raw}→{'|'.join(v)}" for p, raw, v, _ in split_rows[:3])
            shown_en = "; ".join(f"'{p.spec.label}' {raw}→{'|'.join(v)}" for p, raw, v, _ in split_rows[:3])
            more = f"等 {len(split_rows)} 行" if len(split_rows) > 3 else ""
            problems.append(self._problem(
                "split-digits", first[0].spec.key, None, first[3], "info",
                f"{self.spec.title}中{len(split_rows)}行的数字连在一起，已按表内勾稽关系拆分（{shown}{more}）",
                f"{self.spec.title}: run-together digits in {len(split_rows)} row(s) were split using the table's "
                f"own equations ({shown_en}{' …' if len(split_rows) > 3 else ''})",
                {"rows": {p.spec.key: {"raw": raw, "values": v} for p, raw, v, _ in split_rows}}))
        for g, grp in enumerate(groups):
            if g in used_groups or all(t.kind == "blank" for t in grp.tokens) or len(grp.tokens) < 2:
                continue
            if any(t.kind == "num" for t in grp.tokens):
                raw = " ".join(t.raw for t in grp.tokens)
                problems.append(self._problem(
                    "unplaced-values", grp.label, None, grp.start, "warning",
                    f"{self.spec.title}中有一组数值（“{raw[:60]}”）无法对应到模板的任何一行",
                    f"{self.spec.title}: a group of values ('{raw[:60]}') could not be placed in any template row",
                    {"raw": raw}))
        header_bonus = self._header_evidence(a, b)
        used = [groups[g] for g in used_groups]
        span = (min(g.start for g in used), max(g.end for g in used)) if used else None
        return TableResult(self.template.id, data, score + header_bonus, problems, self.s.location(a), span=span)

    _ambiguous: set = set()

    def _choose(self, candidates: dict[str, list[list[str]]], plans: list[RowPlan]) -> dict[str, list[str]]:
        """Pick one candidate per row; where several remain, let the column equations decide."""
        self._ambiguous = set()
        chosen = {k: v[0] for k, v in candidates.items() if len(v) == 1}
        hints = self._text_hints(plans, {k for k, v in candidates.items() if len(v) > 1})
        multi = {k: sorted(v, key=lambda c, k=k: (-sum(x in hints.get(k, ()) for x in c), _balance(c)))
                 for k, v in candidates.items() if len(v) > 1}
        if not multi:
            return chosen
        col_eqs = [e for e in self.spec.equations if e.kind == "per_column"]
        cols = {p.spec.key: [c.key for c in p.columns] for p in plans}

        def violations(assign: dict[str, list[str]]) -> int:
            bad = 0
            for eq in col_eqs:
                rows = eq.left + eq.right
                if not all(r in assign and assign[r] for r in rows):
                    continue
                for ci in range(len(cols[eq.left[0]])):
                    lv = sum(_num(assign[r][ci]) for r in eq.left)
                    rv = sum(_num(assign[r][ci]) for r in eq.right)
                    bad += abs(lv - rv) > 1e-6
            return bad

        keys = list(multi)
        total = 1
        for k in keys:
            total *= len(multi[k])
        if total <= 20000:
            best, best_bad, n_best = None, None, 0
            import itertools

            for combo in itertools.product(*(multi[k] for k in keys)):
                assign = dict(chosen)
                assign.update(zip(keys, combo))
                bad = violations(assign)
                if best_bad is None or bad < best_bad:
                    best, best_bad, n_best = combo, bad, 1
                elif bad == best_bad:
                    n_best += 1
            chosen.update(zip(keys, best))
            if n_best > 1:
                # which rows actually differ among the equally good choices? mark them ambiguous
                self._ambiguous = set(keys)
            return chosen
        for k in keys:  # too many combinations: greedy, row by row
            best = min(multi[k], key=lambda c: (violations({**chosen, k: c}), _balance(c)))
            chosen[k] = best
            self._ambiguous.add(k)
        return chosen

    def _text_hints(self, plans: list[RowPlan], keys: set[str]) -> dict[str, set[str]]:
        """Numbers the narrative states next to a row's label ("制发规范性文件34件") — used only to
        choose between cuts of run-together digits that the equations cannot decide."""
        if not keys or not self.region:
            return {}
        text = self.s.text
        a, b = self.region
        narrative = text[:a] + "\n" + text[b:]
        out: dict[str, set[str]] = {}
        for p in plans:
            if p.spec.key not in keys:
                continue
            label = normalize(p.spec.match[-1] if len(p.spec.match) > 1 else p.spec.match[0])
            found = set()
            for m in re.finditer(re.escape(label) + r"[^0-9。；]{0,12}?(\d{1,7})(?:件|项|个|条|次)", narrative):
                found.add(m.group(1))
            for m in re.finditer(r"(\d{1,7})(?:件|项|个|条)" + re.escape(label), narrative):
                found.add(m.group(1))
            if found:
                out[p.spec.key] = found
        return out

    region: Optional[tuple[int, int]] = None

    def _header_evidence(self, a: int, b: int) -> float:
        """Column labels of this template that appear in the region (e.g. 本年制发件数 vs 本年新制作数量)."""
        text = self.s.text[a:b]
        bonus = 0.0
        seen = set()
        for _, cols in self.spec.row_columns():
            for c in cols:
                n = normalize(c.label)
                if n in seen or len(n) < 4:
                    continue
                seen.add(n)
                if re.search(label_regex(c.label), text):
                    bonus += 6.0
        return bonus

    def read_wide(self, a: int, b: int) -> TableResult:
        """表四: all groups' cells in one sequence (15 values)."""
        rows = list(self.spec.rows)
        anchors, groups = self._prepare(a, b, rows)
        cols = list(self.spec.columns)
        # the values run until narrative text follows (split tables are separated by headers only)
        toks: list[Token] = []
        # empty header slots (merged cells a conversion left blank) come before the data: the values
        # start at the first group holding something; a blank form has only blank groups — take the last
        filled = [k for k, g in enumerate(groups) if any(t.kind != "blank" for t in g.tokens)]
        if filled:
            groups = groups[filled[0]:]
        else:
            tail, count = [], 0
            for g in reversed(groups):
                if count >= len(rows) * len(cols):
                    break
                tail.insert(0, g)
                count += len(g.tokens)
            groups = tail
        for g in groups:
            if toks and (g.after_text or len(toks) >= len(rows) * len(cols)):
                if g.after_text or len(toks) > len(rows) * len(cols):
                    break
            toks.extend(g.tokens)
        layout_cols = [c for _ in rows for c in cols]
        n = len(layout_cols)
        checks = []
        for r in range(len(rows)):
            for left, right in _row_layout(tuple(cols), self.spec.equations):
                checks.append((tuple(r * len(cols) + i for i in left), tuple(r * len(cols) + i for i in right)))
        problems: list[ParseProblem] = []
        data: dict[str, dict[str, Cell]] = {}
        if not toks:
            return TableResult(self.template.id, {}, -100.0, [], self.s.location(a))
        toks = _trim(toks, n)
        values: Optional[list[str]] = None
        derived = None
        owner: list[Optional[int]] = []
        if len(toks) == n:
            values = [t.digits if t.kind == "num" else "" for t in toks]
            owner = list(range(n))
        elif len(toks) < n:
            sols = split_tokens(toks, Layout(layout_cols, checks)) or split_tokens(toks, Layout(layout_cols, []))
            if sols:
                sols.sort(key=_balance)
                values = sols[0]
                derived = "split"
                owner = _owners(toks, values)
                raw = " ".join(t.raw for t in toks)
                if len(sols) > 1:
                    problems.append(self._problem(
                        "ambiguous-split", None, None, toks[0].start, "warning",
                        f"{self.spec.title}的数字连在一起（“{raw}”），有 {len(sols)} 种拆分方式，暂按 "
                        f"{' | '.join(values)} 读取，请核对原文",
                        f"{self.spec.title}: run-together digits '{raw}' can be split {len(sols)} ways; read as "
                        f"{' | '.join(values)}", {"raw": raw, "values": values, "alternatives": len(sols)}))
                else:
                    problems.append(self._problem(
                        "split-digits", None, None, toks[0].start, "info",
                        f"{self.spec.title}的数字连在一起（“{raw}”），已按表内勾稽关系拆分为 {' | '.join(values)}",
                        f"{self.spec.title}: run-together digits '{raw}' were split using the table's equations "
                        f"into {' | '.join(values)}", {"raw": raw, "values": values}))
            else:
                problems.append(self._problem(
                    "missing-values", None, None, toks[0].start, "warning",
                    f"{self.spec.title}只读到 {len(toks)} 个数值，应有 {n} 个",
                    f"{self.spec.title}: found {len(toks)} values for {n} cells"))
        else:
            # More values than cells (the seed's 16 for 15): never truncate silently.
            raw = " ".join(t.raw or "□" for t in toks)
            options = set()
            for drop in range(len(toks)):
                rest = toks[:drop] + toks[drop + 1:]
                if len(rest) != n:
                    continue
                vals = [t.digits if t.kind == "num" else "" for t in rest]
                if all(abs(sum(_num(vals[i]) for i in l) - sum(_num(vals[i]) for i in r)) < 1e-6 for l, r in checks):
                    options.add(tuple(vals))
            if len(options) == 1 and len(toks) == n + 1:
                values = list(next(iter(options)))
                owner = list(range(n))
                derived = "extra-dropped"
                note_zh = "多出的一个数值无论去掉哪一个，结果都相同，已据此读取；请删除多余的数值"
                note_en = "whichever extra value is dropped the cells are the same, so they were read that way; " \
                          "remove the extra value"
                toks = toks[:n]
            else:
                note_zh = "无法确定哪个是多余的，表四各单元格按无效处理"
                note_en = "it cannot be told which value is extra, so the 表四 cells are marked invalid"
            problems.append(self._problem(
                "extra-values", None, None, toks[0].start, "error",
                f"{self.spec.title}数据行有 {len(toks) if derived is None else n + 1} 个数值（“{raw}”），"
                f"但表格只有 {n} 个单元格；{note_zh}",
                f"{self.spec.title}: the data row has {len(toks) if derived is None else n + 1} values ('{raw}') "
                f"for {n} cells; {note_en}",
                {"raw": raw, "expected_count": n}))
        for r, row in enumerate(rows):
            cells = {}
            for k, col in enumerate(cols):
                idx = r * len(cols) + k
                if values is None:
                    cells[col.key] = Cell(value=None, raw="", kind="invalid", location=self.s.location(toks[0].start))
                    continue
                tk = toks[owner[idx]] if idx < len(owner) and owner[idx] is not None else None
                cells[col.key] = make_cell(values[idx], tk, col, self.s, derived if derived == "split" else
                                           (derived if derived else None))
            data[row.key] = cells
        # the table is where its values are (the region may start at the part's heading)
        return TableResult(self.template.id, data, 10.0 * len(rows), problems, self.s.location(toks[0].start),
                           span=(toks[0].start, toks[-1].end))

    def _problem(self, code, row, column, pos, severity, zh, en, data=None) -> ParseProblem:
        return ParseProblem(code=code, message=zh, message_en=en, table=self.key, row=row, column=column,
                            location=self.s.location(pos), severity=severity, data=data or {})


def _owners(tokens: list[Token], values: list[str]) -> list[Optional[int]]:
    """Which token each value was cut from (for its source location)."""
    out: list[Optional[int]] = []
    t = 0
    consumed = ""
    for v in values:
        if t >= len(tokens):
            out.append(None)
            continue
        tk = tokens[t]
        out.append(t)
        if tk.kind != "num" or tk.hard:
            t += 1
            consumed = ""
            continue
        consumed += v
        if consumed.replace("-", "") == tk.digits.replace("-", "") or len(consumed) >= len(tk.digits):
            t += 1
            consumed = ""
    return out
