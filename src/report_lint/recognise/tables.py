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

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import Optional

from ..model import Cell, Location, ParseProblem
from ..templates import ColumnSpec, Equation, RowSpec, TableSpec, Template
from .align import RowPlan, _feasible, _trim, align
from .labels import Anchor, find_anchors, header_spans
from .normalize import label_regex, normalize
from .numbers import Layout, _balance, _num, _owners, _to_value, split_tokens
from .stream import Stream
from .tokens import Token, group_tokens, tokenize

MAX_CUTS_KEPT = 64  # an ambiguous split's alternative cuts kept in the problem's data (bounded output)


@dataclass
class TableResult:
    template: str
    data: dict[str, dict[str, Cell]]
    score: float
    problems: list[ParseProblem] = field(default_factory=list)
    location: Optional[Location] = None
    span: Optional[tuple[int, int]] = None  # stream positions of the cells read
    region: Optional[tuple[int, int]] = None  # the stream region the table was read from


def _row_layout(columns: tuple[ColumnSpec, ...],
                equations: tuple[Equation, ...]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
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
        self.region: Optional[tuple[int, int]] = None
        self._ambiguous: set[str] = set()  # rows whose cut the equations could not decide

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
                    problems.append(self._ambiguous_split(key, plan.spec.label, raw, vals, candidates[key],
                                                          toks[0].start))
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
        # a blank row is there, not missing (align charged it −20) — scored like a labelled row read
        # short (+2), so a 2021 表三 with blank （六）2/3 is not taken for the 2019 single （六） row
        score += 22.0 * self._keep_blank_rows(plans, anchors, groups, data)
        header_bonus = self._header_evidence(a, b)
        used = [groups[g] for g in used_groups]
        span = (min(g.start for g in used), max(g.end for g in used)) if used else None
        return TableResult(self.template.id, data, score + header_bonus, problems, self.s.location(a), span=span)

    def _keep_blank_rows(self, plans: list[RowPlan], anchors: list[Anchor], groups, data: dict) -> int:
        """A row whose label stands, in the template's order, between the rows before and after it,
        with no value before the next label (a flattened page's “…申请2000002 2.申请人逾期未按收费
        通知…3.其他（七）总计…”), is blank, not missing: keep it as blank cells. Only in a table read for
        the most part, so a table that failed to read stays missing."""
        if len(data) * 2 < len(plans):
            return 0
        kept = 0
        columns = {p.spec.key: p.columns for p in plans}
        index = {p.spec.key: i for i, p in enumerate(plans)}
        starts = sorted(t.start for g in groups for t in g.tokens)
        order = sorted(anchors, key=lambda an: an.start)
        for prev, an, nxt in zip(order, order[1:], order[2:]):
            if an.key in data or an.key not in columns or prev.key not in data:
                continue
            if not index.get(prev.key, len(plans)) < index[an.key] < index.get(nxt.key, -1):
                continue  # labels out of the table's order: narrative, not this table's rows
            k = bisect.bisect_left(starts, an.end)
            if k < len(starts) and starts[k] < nxt.start:
                continue  # values stand between the labels: not a blank row
            loc = self.s.location(an.start)
            data[an.key] = {c.key: Cell(value=None, raw="", kind="blank", location=loc) for c in columns[an.key]}
            kept += 1
        return kept

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
                    problems.append(self._ambiguous_split(None, None, raw, values, sols, toks[0].start))
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

    def _ambiguous_split(self, row: Optional[str], label: Optional[str], raw: str, values: list[str],
                         cuts: list[list[str]], pos: int) -> ParseProblem:
        """Several cuts of run-together digits fit: say which one was read and ask for a check. Every cut
        (up to MAX_CUTS_KEPT) goes into the data, so a check with other evidence can settle it."""
        alternatives = len(cuts)
        where_zh = f"{self.spec.title}“{label}”行" if label else self.spec.title
        where_en = f"{self.spec.title} row '{label}'" if label else self.spec.title
        shown = " | ".join(values)
        return self._problem(
            "ambiguous-split", row, None, pos, "warning",
            f"{where_zh}的数字连在一起（“{raw}”），有 {alternatives} 种拆分方式都说得通，暂按 {shown} 读取，请核对原文",
            f"{where_en}: run-together digits '{raw}' can be split {alternatives} ways; read as {shown} — "
            f"please check the source",
            {"raw": raw, "values": values, "alternatives": alternatives,
             "cuts": [list(c) for c in cuts[:MAX_CUTS_KEPT]]})

    def _problem(self, code, row, column, pos, severity, zh, en, data=None) -> ParseProblem:
        return ParseProblem(code=code, message=zh, message_en=en, table=self.key, row=row, column=column,
                            location=self.s.location(pos), severity=severity, data=data or {})
