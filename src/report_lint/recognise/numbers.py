"""Run-together digits: every way to cut a row's digits into its cells that keeps the row's own
equations (total-first when the last cell of each group is their sum), and the tie-breaks.

The search is bounded twice: each row by ROW_STEPS, and every row of one document together by
DOCUMENT_STEPS (a `DigitSplitter` per document), so a page of digit junk stays a bounded cost. The same row
read against two templates with the same columns and equations is cut once.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from ..model import MAX_CELL_VALUE
from ..templates import ColumnSpec
from .tokens import Token

MAX_SOLUTIONS = 400


ROW_STEPS = 20_000  # one row; a real row needs well under a thousand


DOCUMENT_STEPS = 100_000  # every row of one document together


MAX_PART = 13  # digits of one cell, decimals included: a count or a 万元 amount never needs more


class StepBudget:
    """Search steps left: for one row, within what is left for the whole document."""

    def __init__(self, row_steps: int, document: StepBudget | None = None):
        self.left: int = row_steps if document is None else min(row_steps, max(document.left, 0))
        self.document = document
        self.used = 0

    def take(self) -> bool:
        """Count one step; False once the budget is spent (the search then stops)."""
        self.used += 1
        if self.document is not None:
            self.document.left -= 1
        return self.used <= self.left

    @property
    def spent(self) -> bool:
        return self.used > self.left


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
    if "." in d and not money:
        return None
    v = float(d) if "." in d else int(d)
    return v if abs(v) <= MAX_CELL_VALUE else None  # beyond what any report cell holds (model.Cell)


@dataclass
class Layout:
    columns: list[ColumnSpec]
    checks: list[tuple[tuple[int, ...], tuple[int, ...]]]  # (left cells, right cells) equalities


def _sum_groups(layout: Layout, n: int) -> list[tuple[int, int]] | None:
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


def _split_by_sums(tokens: list[Token], groups: list[tuple[int, int]], limit: int,
                   budget: StepBudget) -> list[list[str]]:
    """Cut plain digit runs group by group: pick each group's total first, then cut the digits before it
    into parts that add up to it (`_parts_summing_to`). Numbers add up only if their digit sums do modulo 9
    (n ≡ its digit sum, mod 9), which rules out most totals before any cutting."""
    digits, forced = _digit_run(tokens)
    L = len(digits)
    digit_sum = [0] * (L + 1)
    for i, ch in enumerate(digits):
        digit_sum[i + 1] = digit_sum[i] + ord(ch) - 48
    values = _part_values(digits, forced)
    sols: list[list[str]] = []

    def rec(gi: int, p: int, acc: list[str]):
        if len(sols) >= limit or budget.spent:
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
                if not _plain(total) or any(t < f < end for f in forced):
                    continue
                value = int(total)
                if (digit_sum[t] - digit_sum[p]) % 9 != value % 9 or not _can_add_up(value, t - p, q - 1):
                    continue
                for parts in _parts_summing_to(digits, values, p, t, q - 1, value, budget):
                    rec(gi + 1, end, acc + parts + [total])
                    if len(sols) >= limit:
                        return

    rec(0, 0, [])
    return sols


def _plain(part: str) -> bool:
    return part == "0" or not part.startswith("0")


def _digit_run(tokens: list[Token]) -> tuple[str, set[int]]:
    """The tokens' digits as one run, and the boundaries between tokens (cuts the writer made)."""
    forced, pos = set(), 0
    for t in tokens[:-1]:
        pos += len(t.digits)
        forced.add(pos)
    return "".join(t.digits for t in tokens), forced


def _free_cuts(tokens: list[Token], n: int, limit: int, budget: StepBudget) -> list[list[str]]:
    """Plain digit runs cut into n cells with no equation to keep, shortest first parts first."""
    digits, forced = _digit_run(tokens)
    values = _part_values(digits, forced)
    L = len(digits)
    sols: list[list[str]] = []
    stack: list[tuple[int, tuple[int, ...]]] = [(0, (0,))]
    while stack and len(sols) < limit and budget.take():
        at, cuts = stack.pop()
        parts_left = n - (len(cuts) - 1)
        if parts_left == 0:
            if at == L:
                sols.append([digits[x:y] for x, y in pairwise(cuts)])
            continue
        # a part leaves the parts after it between one and MAX_PART digits each
        shortest = max(1, L - at - (parts_left - 1) * MAX_PART)
        widths = [w for w in range(shortest, min(MAX_PART, L - at - (parts_left - 1)) + 1) if values[at][w] >= 0]
        for w in reversed(widths):  # the stack pops the shortest first
            stack.append((at + w, (*cuts, at + w)))
    return sols


def _part_values(digits: str, forced: set[int]) -> list[list[int]]:
    """values[x][w]: the number digits[x:x+w] (w = 1..MAX_PART), or -1 where it cannot be one cell
    (a leading zero, or a writer's boundary inside)."""
    out = []
    for x in range(len(digits)):
        row = [-1] * (MAX_PART + 1)
        for w in range(1, min(MAX_PART, len(digits) - x) + 1):
            if w > 1 and (digits[x] == "0" or x + w - 1 in forced):
                break
            row[w] = int(digits[x:x + w])
        out.append(row)
    return out


def _can_add_up(total: int, n_digits: int, parts: int) -> bool:
    """Whether `parts` numbers written with `n_digits` digits in all can add up to `total`: they add up to
    less than 10^(n-r+1) + 10·r (one long part, the others single digits), and to at least 10^(⌈n/r⌉-1)
    (the longest part has ⌈n/r⌉ digits and no leading zero)."""
    if parts == 0:
        return n_digits == 0 and total == 0
    if total < 0 or n_digits < parts:
        return False
    longest = -(-n_digits // parts)
    return (longest == 1 or total >= 10 ** (longest - 1)) and total < 10 ** (n_digits - parts + 1) + 10 * parts


def _parts_summing_to(digits: str, values: list[list[int]], p: int, end: int, k: int, total: int,
                      budget: StepBudget) -> list[list[str]]:
    """Every cut of digits[p:end] into k parts (1..MAX_PART digits, no leading zero, never across a
    writer's boundary) that add up to `total`, shortest first parts first.

    Meet in the middle: the first k//2 parts are cut from the left, the others from the right, and the
    two halves meet where their sums complete `total` — about 2·13^(k/2) tries instead of 13^k. A half is
    not grown where the digits still to cut cannot make up what is missing (`_can_add_up`)."""
    k_left = k // 2

    def halves(start: int, stop: int, n: int, forward: bool) -> dict[int, list[tuple[int, tuple[int, ...]]]]:
        """{meeting point: [(sum, ends of the parts)]} for n parts cut from `start` towards `stop`."""
        out: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        others = k - n if forward else k_left  # parts the other half still needs, one digit at least
        stack: list[tuple[int, int, int, tuple[int, ...]]] = [(start, n, 0, ())]
        while stack:
            at, n_left, acc_sum, cuts = stack.pop()
            if not budget.take():
                return out
            if n_left == 0:
                out.setdefault(at, []).append((acc_sum, cuts))
                continue
            room = min(MAX_PART, abs(stop - at) - (n_left - 1) - others)
            for width in range(1, room + 1):
                x = at if forward else at - width
                v = values[x][width]
                if v < 0:
                    if forward:
                        break  # a longer part keeps the leading zero or the boundary
                    continue
                if acc_sum + v > total:
                    if forward:
                        break
                    continue
                nxt = x + width if forward else x
                if not _can_add_up(total - acc_sum - v, abs(nxt - stop), n_left - 1 + others):
                    continue
                stack.append((nxt, n_left - 1, acc_sum + v, (*cuts, nxt) if forward else (at, *cuts)))
        return out

    left = halves(p, end, k_left, True)
    right: dict[int, dict[int, list[tuple[int, ...]]]] = {}
    for meet, found in halves(end, p, k - k_left, False).items():
        for sum_, cuts in found:
            right.setdefault(meet, {}).setdefault(sum_, []).append(cuts)
    joined = sorted((p, *lc, *rc) for meet, found in left.items() for sum_, lc in found
                    for rc in right.get(meet, {}).get(total - sum_, ()))
    # cut points ascending = shortest first part first, as a left-to-right search finds them
    return [[digits[x:y] for x, y in pairwise(c)] for c in joined]


def split_tokens(tokens: list[Token], layout: Layout, limit: int = MAX_SOLUTIONS,
                 budget: StepBudget | None = None) -> list[list[str]]:
    """Every way to cut the tokens into len(layout.columns) values that satisfies the row equations.

    Hard tokens (whole cells) stay whole; soft tokens (text) may be cut between digits. The search
    stops when `budget` (default: ROW_STEPS) is spent; `budget.spent` then tells the caller.
    """
    budget = budget if budget is not None else StepBudget(ROW_STEPS)
    n = len(layout.columns)
    plain = all(t.kind == "num" and not t.hard and t.digits.isdigit() for t in tokens)
    if plain and not layout.checks:
        return _free_cuts(tokens, n, limit, budget)
    groups = _sum_groups(layout, n)
    if plain and groups:
        return _split_by_sums(tokens, groups, limit, budget)
    sols: list[list[str]] = []
    # equations indexed by the largest cell they use, so they are checked as soon as possible
    by_last: dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {}
    for eq in layout.checks:
        by_last.setdefault(max(eq[0] + eq[1]), []).append(eq)

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
        if not budget.take() or len(sols) >= limit:
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
            if len(sols) >= limit or budget.spent:
                return

    if _capacity(tokens) >= n:
        rec(0)
    return sols


@dataclass
class Cuts:
    """The ways a row's tokens can be cut into its cells; `complete` is False when the step budget ran
    out first (then other cuts may exist, and none can be called the only one)."""

    solutions: list[list[str]]
    complete: bool


class DigitSplitter:
    """Cuts run-together digits for one document. A row is cut once, however many templates read it
    (2019 and 2021 share 表三's columns and equations). The searches for cuts that keep the equations
    share DOCUMENT_STEPS; the fallback without equations (cheap: it stops at MAX_SOLUTIONS) keeps its own
    ROW_STEPS, so a row after a page of junk is still read."""

    def __init__(self, document_steps: int | None = None, row_steps: int | None = None):
        self.budget = StepBudget(DOCUMENT_STEPS if document_steps is None else document_steps)
        self.row_steps = ROW_STEPS if row_steps is None else row_steps
        self._done: dict[tuple, Cuts] = {}

    def split(self, tokens: list[Token], layout: Layout) -> Cuts:
        key = (tuple((t.kind, t.digits, t.hard) for t in tokens),
               tuple((c.signed, c.money) for c in layout.columns), tuple(layout.checks))
        done = self._done.get(key)
        if done is None:
            row = StepBudget(self.row_steps, self.budget if layout.checks else None)
            sols = split_tokens(tokens, layout, budget=row)
            done = self._done[key] = Cuts(sols, not row.spent)
        return Cuts(list(done.solutions), done.complete)

    def split_or_cut_freely(self, tokens: list[Token], layout: Layout) -> Cuts:
        """The cuts that keep the row's equations; when none was found, the cuts without them (the
        row does not add up by itself, yet its digits still have to be read)."""
        cuts = self.split(tokens, layout)
        if cuts.solutions or not layout.checks:
            return cuts
        free = self.split(tokens, Layout(layout.columns, []))
        return Cuts(free.solutions, cuts.complete and free.complete)


def _num(v: str) -> float:
    if v == "" or v is None:
        return 0.0
    return float(v)


def _balance(sol: list[str]) -> tuple:
    # Prefer cuts that keep parts of similar length ("898989" → 89 89 89), then shorter early parts.
    lens = [len(x) if x.isdigit() else len(x.lstrip("-").split(".")[0]) for x in sol]
    return (sum(x * x for x in lens), lens)


def _capacity(tokens: list[Token]) -> int:
    """How many cells the tokens can fill at most (each digit of a run-together number one cell)."""
    return sum(len(t.digits.replace("-", "").replace(".", "")) if (t.kind == "num" and not t.hard) else 1
               for t in tokens)


def _owners(tokens: list[Token], values: list[str]) -> list[int | None]:
    """Which token each value was cut from (for its source location)."""
    out: list[int | None] = []
    t, n = 0, len(tokens)
    consumed = ""
    # the current token's digits without signs, worked out once per token rather than once per value
    target = tokens[0].digits.replace("-", "") if tokens else ""
    for v in values:
        if t >= n:
            out.append(None)
            continue
        tk = tokens[t]
        out.append(t)
        if tk.kind != "num" or tk.hard:
            t += 1
            consumed = ""
            if t < n:
                target = tokens[t].digits.replace("-", "")
            continue
        consumed += v
        if consumed.replace("-", "") == target or len(consumed) >= len(tk.digits):
            t += 1
            consumed = ""
            if t < n:
                target = tokens[t].digits.replace("-", "")
    return out
