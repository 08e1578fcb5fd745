"""Align groups of values to the template's rows in order (dynamic programming): a label pins a group
to its row, unlabelled groups fill the gaps, a missing row costs, two halves of a wrapped row merge."""
from __future__ import annotations

from dataclasses import dataclass

from ..templates import ColumnSpec, RowSpec
from .numbers import MAX_PART, _capacity
from .tokens import Group, Token


@dataclass
class RowPlan:
    spec: RowSpec
    columns: tuple[ColumnSpec, ...]


def _feasible(tokens: list[Token], ncols: int) -> bool:
    if len(tokens) == ncols:
        return True
    if len(tokens) > ncols:
        return len(_trim(tokens, ncols)) == ncols  # only surplus blank cells at the edges
    cap = _capacity(tokens)
    longest = max((len(t.digits) for t in tokens if t.kind == "num" and not t.hard), default=0)
    return cap >= ncols and longest <= ncols * MAX_PART


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
    dp[0][0] = 0.0

    feasible_cache: dict[tuple[tuple[int, ...], int], bool] = {}

    def feasible(gidx: tuple[int, ...], ncols: int) -> bool:
        key = (gidx, ncols)
        if key not in feasible_cache:
            feasible_cache[key] = _feasible([t for g in gidx for t in groups[g].tokens], ncols)
        return feasible_cache[key]

    def assign_score(gidx: list[int], j: int) -> float | None:
        ncols = len(plans[j].columns)
        if not feasible(tuple(gidx), ncols):
            # a row whose label is there but whose values are too few still is that row (the missing
            # cells are reported), rather than a lost group and a missing row
            # (or one too many: the extra value is reported on its row, not the row lost)
            g = groups[gidx[0]]
            if len(gidx) == 1 and g.label == plans[j].spec.key and (
                    (len(g.tokens) < ncols and _capacity(g.tokens) >= max(2, ncols - 2))
                    or len(_trim(g.tokens, ncols)) == ncols + 1):
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
    # What assign_score([i], j) depends on, per group and per row width, worked out once: the DP asks it
    # for every group and row.
    ncols_of = [len(p.columns) for p in plans]
    key_of = [p.spec.key for p in plans]
    fits = [{w: feasible((g,), w) for w in widths} for g in range(m)]
    blank = [all(t.kind == "blank" for t in grp.tokens) for grp in groups]

    def skip_cost(g: int) -> float:
        grp = groups[g]
        if all(t.kind == "blank" for t in grp.tokens):
            return 0.0
        if grp.label:
            return -15.0
        feasible_any = any(fits[g].values())
        return -12.0 if feasible_any and len(grp.tokens) > 1 else 0.0

    skip_group = [skip_cost(g) for g in range(m)]  # depends on the group only: once each

    # back[i][j]: the cell the best way to (i, j) came from and what it did there: 0 skipped a group or
    # a row, 1 gave row j one group, 2 two groups
    back: list[list[tuple[int, int, int] | None]] = [[None] * (n + 1) for _ in range(m + 1)]
    for i in range(m + 1):
        here, back_here = dp[i], back[i]
        if i == m:  # the last line: only a missing row is left to step over
            for j in range(n):
                cur = here[j]
                if cur != NEG and cur - 20.0 > here[j + 1]:
                    here[j + 1] = cur - 20.0
                    back_here[j + 1] = (i, j, 0)
            break
        # assign_score([i], j) for every row: it depends on the row only through its width and key
        fit, label = fits[i], groups[i].label
        scores: list[float | None]
        if not label and all(fit.values()):
            scores = [-1.0 if blank[i] else 0.0] * n  # unlabelled and fitting every row: one score for all
        elif not label:
            own = -1.0 if blank[i] else 0.0
            scores = [own if fit[ncols_of[j]] else assign_score([i], j) for j in range(n)]
        else:
            scores = [(10.0 if label == key_of[j] else -6.0) if fit[ncols_of[j]] else assign_score([i], j)
                      for j in range(n)]
        pair = i + 1 < m and groups[i + 1].label is None
        # the rows this cell writes to, looked up once per group rather than once per move
        nxt, back_nxt, skip, width = dp[i + 1], back[i + 1], skip_group[i], len(groups[i].tokens)
        for j in range(n):
            cur = here[j]
            if cur == NEG:
                continue
            if cur - 20.0 > here[j + 1]:  # row missing
                here[j + 1] = cur - 20.0
                back_here[j + 1] = (i, j, 0)
            c = cur + skip
            if c > nxt[j]:
                nxt[j] = c
                back_nxt[j] = (i, j, 0)
            sc = scores[j]
            if sc is not None and cur + sc > nxt[j + 1]:
                nxt[j + 1] = cur + sc
                back_nxt[j + 1] = (i, j, 1)
            if pair and width < ncols_of[j]:
                sc = assign_score([i, i + 1], j)
                if sc is not None and cur + sc > dp[i + 2][j + 1]:
                    dp[i + 2][j + 1] = cur + sc
                    back[i + 2][j + 1] = (i, j, 2)
        cur = here[n]  # every row considered: only this group can be skipped
        if cur != NEG and cur + skip > nxt[n]:
            nxt[n] = cur + skip
            back_nxt[n] = (i, n, 0)
    # best end: all rows considered; trailing groups skipped already in dp
    score = dp[m][n]
    path: list[tuple[int, list[int]]] = []
    i, j = m, n
    while (i, j) != (0, 0):
        step = back[i][j]
        assert step is not None
        i, j, took = step
        if took:
            path.append((j, [i, i + 1] if took == 2 else [i]))
    path.reverse()
    return score, path
