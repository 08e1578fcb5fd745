"""Run-together digits: every way to cut a row's digits into its cells that keeps the row's own
equations (total-first when the last cell of each group is their sum), and the tie-breaks."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import MAX_CELL_VALUE
from ..templates import ColumnSpec
from .tokens import Token


MAX_SOLUTIONS = 400


MAX_STEPS = 20_000  # per row; the real reports need under 50


MAX_PART = 13  # digits of one cell, decimals included: a count or a 万元 amount never needs more


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


def _capacity(tokens: list[Token]) -> int:
    """How many cells the tokens can fill at most (each digit of a run-together number one cell)."""
    return sum(len(t.digits.replace("-", "").replace(".", "")) if (t.kind == "num" and not t.hard) else 1
               for t in tokens)


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
