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
import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import MAX_CELL_VALUE, Cell, Location, ParseProblem
from ..problems import make_problem
from ..templates import ColumnSpec, Equation, RowSpec, TableSpec, Template, once_per_spec, row_keys
from .align import RowPlan, _feasible, _trim, align
from .labels import Anchor, find_anchors, header_spans, label_pattern, normal
from .numbers import DigitSplitter, Layout, _balance, _num, _owners, _to_value, _valid_part
from .stream import Stream, raw_slice
from .tokens import Group, Token, group_tokens, tokenize

MAX_CUTS_KEPT = 64  # an ambiguous split's alternative cuts kept in the problem's data (bounded output)

@dataclass
class TableResult:
    template: str
    data: dict[str, dict[str, Cell]]
    score: float
    problems: list[ParseProblem] = field(default_factory=list)
    location: Location | None = None
    span: tuple[int, int] | None = None  # stream positions of the cells read
    region: tuple[int, int] | None = None  # the stream region the table was read from
    labelled: frozenset[str] = frozenset()  # rows whose values were found after their own label
    label_spans: tuple[tuple[int, int], ...] = ()  # where the template's labels and headers are written


@dataclass
class Scan:
    """What every table reading of one document shares: the stream, its page-footer mask, and one digit
    splitter (one step budget for the document; a row read against two templates is cut once)."""

    stream: Stream
    mask: list[bool]
    splitter: DigitSplitter = field(default_factory=DigitSplitter)


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


def make_cell(value: str, tok: Token | None, col: ColumnSpec, s: Stream, derived: str | None) -> Cell:
    if tok is not None:
        at, unit = tok.start, s.unit
        loc = s.units[unit[at]] if 0 <= at < len(unit) else s.location(at)  # s.location, inlined: every cell
        kind = tok.kind
        if kind == "blank":
            return Cell(value=None, raw="", kind="blank", location=loc)
        if kind == "na":
            return Cell(value=None, raw=tok.raw, kind="not_applicable", location=loc)
        if kind == "invalid":
            return Cell(value=None, raw=tok.raw, kind="invalid", location=loc)
    else:
        loc = None
    if value == "":
        return Cell(value=None, raw="", kind="blank", location=loc)
    v = _to_value(value, col.money)
    if v is None and not col.money and derived is None and _to_value(value, True) is not None and \
            float(value).is_integer():
        v = int(float(value))  # "0.0" in a count column is 0 written with a decimal; "1.5" stays invalid
    raw = tok.raw if (tok is not None and derived is None) else value + (tok.unit if tok and col.money else "")
    if v is None:
        return Cell(value=None, raw=raw, kind="invalid", location=loc)
    return _number_cell(v, raw, loc, derived)


_new = object.__new__
_set = object.__setattr__


def _number_cell(v: int | float, raw: str, loc: Location | None, derived: str | None) -> Cell:
    """Cell(value=v, raw=raw, kind="number", location=loc, derived=derived), built as
    `Cell.model_construct` builds it once what validation checks holds (a report's ~200 cells: validating
    each cost more than the rest of reading it). Anything else goes through validation as before."""
    t = type(v)
    if (t is int or (t is float and math.isfinite(v))) and abs(v) <= MAX_CELL_VALUE and type(raw) is str \
            and (loc is None or type(loc) is Location) and (derived is None or type(derived) is str):
        cell = _new(Cell)
        _set(cell, "__dict__", {"value": v, "raw": raw, "kind": "number", "location": loc, "derived": derived})
        _set(cell, "__pydantic_fields_set__", {"value", "raw", "kind", "location", "derived"})
        _set(cell, "__pydantic_extra__", None)
        _set(cell, "__pydantic_private__", None)
        return cell
    return Cell(value=v, raw=raw, kind="number", location=loc, derived=derived)


def _one_value(t: Token) -> bool:
    """A token that can stand as one cell as written ("30"; not "00", which is digits run together)."""
    return t.kind != "num" or t.hard or _valid_part(t.digits, True, True)


def _values(tokens: list[Token]) -> list[str]:
    """Each token as one cell's value (blank, not-applicable and invalid slots read as "")."""
    return [t.digits if t.kind == "num" else "" for t in tokens]


@dataclass
class Placement:
    """Which value groups fill which template rows, and how well that fits."""

    groups: list[Group]
    rows: list[tuple[int, list[int]]]  # (plan index, group indexes) in reading order
    score: float


@dataclass
class RowReading:
    """One template row's tokens and every way they can be its cells."""

    plan: RowPlan
    tokens: list[Token]
    cuts: list[list[str]]  # [] inside: no way found; one cut when the tokens are the cells
    complete: bool = True  # False: the digit search ran out of steps, other cuts may exist

    @property
    def direct(self) -> bool:
        return len(self.tokens) == len(self.plan.columns)


# Cuts of one row weighed against the column equations: the likeliest (numbers the narrative states,
# then balanced parts). Real rows have a few dozen at most; a row of digit junk has hundreds, all guesses.
WEIGHED_CUTS = 50


@dataclass
class Choice:
    """The cut taken for each row, and the rows where the equations could not decide."""

    values: dict[str, list[str]]
    ambiguous: set[str]


class TableReader:
    """Reads one table (one TableSpec of one template) out of a stream region."""

    def __init__(self, key: str, spec: TableSpec, template: Template, scan: Scan):
        self.key = key
        self.spec = spec
        self.template = template
        self.scan = scan
        self.s = scan.stream
        # id(columns) -> (columns, their per-row equations): rows share their columns' tuple, and
        # working the equations out again for every row cost more than cutting most rows
        self._checks: dict[int, tuple[tuple[ColumnSpec, ...], list[tuple[tuple[int, ...], tuple[int, ...]]]]] = {}

    # -- shared
    def _groups(self, a: int, b: int, rows: list[RowSpec]) -> tuple[list[Group], list[tuple[int, int]], list[Anchor]]:
        """The region's value tokens grouped into physical rows, each with the row label before it;
        where the labels and headers are written; and the row labels found."""
        text = self.s.text
        anchors = find_anchors(text, rows, a, b)
        blocked = [False] * len(text)
        anchors_at: dict[int, Anchor] = {}
        spans = [(an.start, an.end) for an in anchors]
        for an in anchors:
            blocked[an.start:an.end] = [True] * (an.end - an.start)  # one slice, not a loop per character
            anchors_at[an.start] = an
        for x, y in header_spans(text, list(once_per_spec(_header_labels, self.spec)), a, b):
            if any(blocked[x:y]):
                continue
            spans.append((x, y))
            blocked[x:y] = [True] * (y - x)
        items = tokenize(self.s, a, b, blocked, self.scan.mask, frozenset(anchors_at))
        return group_tokens(items, anchors_at), spans, anchors

    def _problem(self, code: str, row: str | None, pos: int, **data: Any) -> ParseProblem:
        return make_problem(code, self.template, table=self.key, row=row, location=self.s.location(pos), **data)

    def _ambiguous_split(self, row: str | None, raw: str, values: list[str], cuts: list[list[str]],
                         pos: int) -> ParseProblem:
        """Several cuts of run-together digits fit: say which one was read and ask for a check. Every cut
        (up to MAX_CUTS_KEPT) goes into the data, so a check with other evidence (the neighbouring year's
        report) can settle it."""
        return self._problem("ambiguous-split", row, pos, raw=raw, values=values, alternatives=len(cuts),
                             cuts=[list(c) for c in cuts[:MAX_CUTS_KEPT]])

    # -- tables of rows (表二, 表三)
    def read_rows(self, a: int, b: int) -> TableResult:
        plans = [RowPlan(r, cols) for r, cols in self.spec.row_columns()]
        groups, label_spans, anchors = self._groups(a, b, [p.spec for p in plans])
        placement = self._place(groups, plans)
        readings = {plans[j].spec.key: self._cut_row(plans[j], placement.groups, gidx) for j, gidx in placement.rows}
        problems = [p for j, gidx in placement.rows
                    if (p := self._label_variant(plans[j], placement.groups, gidx, readings[plans[j].spec.key], a))]
        choice = self._choose(readings, plans, (a, b))
        data: dict[str, dict[str, Cell]] = {}
        split_rows: list[tuple[RowReading, list[str]]] = []
        for plan in plans:
            key = plan.spec.key
            if key not in choice.values:
                continue
            reading, values = readings[key], choice.values[key]
            if len(reading.tokens) > len(reading.plan.columns):
                data[key], extra = self._long_row(reading)
                problems.append(extra)
                continue
            if not values:
                data[key], missing = self._short_row(reading, a)
                problems.append(missing)
                continue
            data[key] = self._row_cells(reading, values)
            if reading.direct:
                continue
            if key in choice.ambiguous and (len(reading.cuts) > 1 or not reading.complete):
                problems.append(self._ambiguous_split(key, _raw(reading.tokens), values, reading.cuts,
                                                      reading.tokens[0].start))
            else:
                split_rows.append((reading, values))
        if split_rows:
            problems.append(self._split_note(split_rows))
        used_groups = {g for _, gidx in placement.rows for g in gidx}
        problems.extend(self._unplaced(placement.groups, used_groups))
        used = [placement.groups[g] for g in sorted(used_groups)]
        span = (min(g.start for g in used), max(g.end for g in used)) if used else None
        labelled = frozenset(plans[j].spec.key for j, gidx in placement.rows
                             if any(groups[g].label == plans[j].spec.key for g in gidx))
        # a blank row is there, not missing (the alignment charged it −20) — scored like a labelled row read
        # short (+2), so a 2021 表三 with blank （六）2/3 is not taken for the 2019 single （六） row
        kept = self._keep_blank_rows(plans, anchors, placement.groups, data)
        return TableResult(self.template.id, data, placement.score + 22.0 * kept + self._header_evidence(a, b),
                           problems,
                           self.s.location(a), span=span, region=(a, b), labelled=labelled,
                           label_spans=tuple(label_spans))

    def _place(self, groups: list[Group], plans: list[RowPlan]) -> Placement:
        """Align groups to rows in order; then a labelled group that order could not place (a converter
        moved a sub-table) still takes its own row when that row is otherwise empty."""
        score, path = align(groups, plans)
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
        return Placement(groups, path, score)

    def _keep_blank_rows(self, plans: list[RowPlan], anchors: list[Anchor], groups: list[Group], data: dict) -> int:
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
        for prev, an, nxt in zip(order, order[1:], order[2:], strict=False):  # a window of three: shorter tails
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

    def _cut_row(self, plan: RowPlan, groups: list[Group], gidx: list[int]) -> RowReading:
        tokens = _trim([t for g in gidx for t in groups[g].tokens], len(plan.columns))
        if len(tokens) == len(plan.columns):
            return RowReading(plan, tokens, [_values(tokens)])
        if len(tokens) > len(plan.columns):
            return RowReading(plan, tokens, [[]])  # an extra value: nothing to cut (_long_row)
        layout = Layout(list(plan.columns), self._row_checks(plan.columns))
        if layout.checks and len(tokens) == len(plan.columns) - 1 and all(_one_value(t) for t in tokens) \
                and not self.scan.splitter.split(tokens, layout).solutions:
            # One cell short, each token a number of its own, and no cut keeps the row's equations:
            # nothing says two cells ran together, a cell is blank ("30 4 0 1 2 0" with an empty 总计 is
            # not 3|0|4|0|1|2|0)
            return RowReading(plan, tokens, [[]])
        cuts = self.scan.splitter.split_or_cut_freely(tokens, layout)
        return RowReading(plan, tokens, cuts.solutions or [[]], cuts.complete)

    def _row_checks(self, columns: tuple[ColumnSpec, ...]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        got = self._checks.get(id(columns))
        if got is None or got[0] is not columns:
            got = self._checks[id(columns)] = (columns, _row_layout(columns, self.spec.equations))
        return list(got[1])

    def _label_variant(self, plan: RowPlan, groups: list[Group], gidx: list[int], reading: RowReading,
                       a: int) -> ParseProblem | None:
        for g in gidx:
            grp = groups[g]
            if grp.label_variant and grp.label == plan.spec.key and grp.anchor is not None:
                pos = reading.tokens[0].start if reading.tokens else a
                return self._problem("label-variant", plan.spec.key, pos,
                                     written=raw_slice(self.s, grp.anchor[0], grp.anchor[1]))
        return None

    def _short_row(self, reading: RowReading, a: int) -> tuple[dict[str, Cell], ParseProblem]:
        """A row with fewer values than cells: what was read, the rest blank."""
        toks, ncols = reading.tokens, len(reading.plan.columns)
        if all(t.kind == "num" and not t.hard and t.digits.isdigit() for t in toks):
            # a run of zeros is no number: each digit is a cell ("0 00000" → 0|0|0|0|0|0|□)
            toks = [d for t in toks for d in ([Token("num", ch, ch, t.start + k, t.start + k + 1, True)
                                               for k, ch in enumerate(t.digits)] if t.digits.startswith("0") else [t])]
        problem = self._problem("missing-values", reading.plan.spec.key, toks[0].start if toks else a,
                                found=len(toks), expected=ncols, blank=True)
        values = _values(toks) + [""] * (ncols - len(toks))
        cells = {}
        for k, col in enumerate(reading.plan.columns):
            tk = toks[k] if k < len(toks) else None
            cells[col.key] = (Cell(value=None, raw="", kind="blank", location=None) if tk is None
                              else make_cell(values[k], tk, col, self.s, None))
        return cells, problem

    def _long_row(self, reading: RowReading) -> tuple[dict[str, Cell], ParseProblem]:
        """A row with one value more than cells: read when it does not matter which is dropped."""
        toks, cols = reading.tokens, reading.plan.columns
        values = _without_extra(toks, Layout(list(cols), _row_layout(cols, self.spec.equations)))
        problem = self._problem("extra-values", reading.plan.spec.key, toks[0].start, raw=_raw_cells(toks),
                                expected_count=len(cols), found=len(toks), dropped=values is not None)
        if values is None:
            loc = self.s.location(toks[0].start)
            return {c.key: Cell(value=None, raw="", kind="invalid", location=loc) for c in cols}, problem
        return {c.key: make_cell(values[k], toks[k], c, self.s, "extra-dropped") for k, c in enumerate(cols)}, problem

    def _row_cells(self, reading: RowReading, values: list[str]) -> dict[str, Cell]:
        toks = reading.tokens
        direct = reading.direct
        owner: list[int | None] = list(range(len(toks))) if direct else _owners(toks, values)
        derived = None if direct else "split"
        cells = {}
        for k, col in enumerate(reading.plan.columns):
            at = owner[k] if owner else None
            cells[col.key] = make_cell(values[k], toks[at] if at is not None else None, col, self.s, derived)
        return cells

    def _split_note(self, split_rows: list[tuple[RowReading, list[str]]]) -> ParseProblem:
        """One note per table: which rows had run-together digits and how they were read."""
        first = split_rows[0][0]
        rows = {r.plan.spec.key: {"raw": _raw(r.tokens), "values": v} for r, v in split_rows}
        return self._problem("split-digits", first.plan.spec.key, first.tokens[0].start, rows=rows)

    def _unplaced(self, groups: list[Group], used_groups: set[int]) -> list[ParseProblem]:
        out = []
        for g, grp in enumerate(groups):
            if g in used_groups or all(t.kind == "blank" for t in grp.tokens) or len(grp.tokens) < 2:
                continue
            if any(t.kind == "num" for t in grp.tokens):
                out.append(self._problem("unplaced-values", grp.label, grp.start, raw=_raw(grp.tokens)))
        return out

    def _choose(self, readings: dict[str, RowReading], plans: list[RowPlan], region: tuple[int, int]) -> Choice:
        """Pick one cut per row; where several remain, let the column equations decide."""
        candidates = {k: r.cuts for k, r in readings.items()}
        chosen = {k: v[0] for k, v in candidates.items() if len(v) == 1}
        ambiguous = {k for k, r in readings.items() if not r.complete}
        hints = self._text_hints(plans, {k for k, v in candidates.items() if len(v) > 1}, region)

        def likelier(key: str):  # cuts that state numbers the narrative gives for the row, then balanced ones
            stated = hints.get(key)
            return (lambda cut: (-sum(x in stated for x in cut), _balance(cut))) if stated else \
                (lambda cut: (0, _balance(cut)))

        multi = {k: sorted(v, key=likelier(k))[:WEIGHED_CUTS] for k, v in candidates.items() if len(v) > 1}
        if not multi:
            return Choice(chosen, ambiguous)
        weigh = self._column_equations(chosen, multi, plans)
        keys = list(multi)
        total = 1
        for k in keys:
            total *= len(multi[k])
        if total <= 20000:
            best, n_best = weigh.best_combination(keys, multi)
            chosen.update(zip(keys, best, strict=True))
            if n_best > 1:
                # which rows actually differ among the equally good choices? mark them ambiguous
                ambiguous |= set(keys)
            return Choice(chosen, ambiguous)
        for k in keys:  # too many combinations: greedy, row by row
            chosen[k] = min(multi[k], key=lambda c: (weigh.broken({**chosen, k: c}), _balance(c)))
            ambiguous.add(k)
        return Choice(chosen, ambiguous)

    def _column_equations(self, fixed: dict[str, list[str]], multi: dict[str, list[list[str]]],
                          plans: list[RowPlan]) -> ColumnEquations:
        """The column equations that involve a row with several cuts, with the rows already decided
        summed in. The others break the same way whatever is chosen, so leaving them out changes no
        comparison."""
        ncols = {p.spec.key: len(p.columns) for p in plans}
        equations = []
        for eq in self.spec.equations:
            rows = eq.left + eq.right
            if eq.kind != "per_column" or not any(r in multi for r in rows):
                continue
            if not all(r in multi or fixed.get(r) for r in rows):
                continue  # a row of it was not read: the equation cannot be checked
            width = ncols[eq.left[0]]
            base = [sum(_num(fixed[r][c]) for r in eq.left if r not in multi)
                    - sum(_num(fixed[r][c]) for r in eq.right if r not in multi) for c in range(width)]
            signs = [(r, 1.0) for r in eq.left if r in multi] + [(r, -1.0) for r in eq.right if r in multi]
            equations.append((base, signs))
        return ColumnEquations(equations, {k: {id(cut): [_num(v) for v in cut] for cut in cuts}
                                           for k, cuts in multi.items()})

    def _text_hints(self, plans: list[RowPlan], keys: set[str], region: tuple[int, int]) -> dict[str, set[str]]:
        """Numbers the narrative states next to a row's label ("制发规范性文件34件") — used only to
        choose between cuts of run-together digits that the equations cannot decide."""
        if not keys:
            return {}
        text = self.s.text
        a, b = region
        narrative = text[:a] + "\n" + text[b:]
        out: dict[str, set[str]] = {}
        for p in plans:
            if p.spec.key not in keys:
                continue
            label = normal(p.spec.match[-1] if len(p.spec.match) > 1 else p.spec.match[0])
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
        bonus = 0.0
        for label in once_per_spec(_evidence_labels, self.spec):
            if label_pattern(label).search(self.s.text, a, b):
                bonus += 6.0
        return bonus

    # -- the wide table (表四): every group's cells in one sequence
    def read_wide(self, a: int, b: int) -> TableResult:
        rows, cols = list(self.spec.rows), list(self.spec.columns)
        n = len(rows) * len(cols)
        groups, label_spans, _ = self._groups(a, b, rows)
        toks = self._wide_tokens(groups, n)
        if not toks:
            return TableResult(self.template.id, {}, -100.0, [], self.s.location(a), region=(a, b))
        toks = _trim(toks, n)
        layout = Layout([c for _ in rows for c in cols], [
            (tuple(r * len(cols) + i for i in left), tuple(r * len(cols) + i for i in right))
            for r in range(len(rows)) for left, right in _row_layout(tuple(cols), self.spec.equations)])
        if len(toks) == n:
            reading = WideReading(_values(toks), [*range(n)], None, None)
        elif len(toks) < n:
            reading = self._split_wide(toks, layout)
        else:
            reading, toks = self._drop_extra(toks, layout)
        data: dict[str, dict[str, Cell]] = {}
        for r, row in enumerate(rows):
            cells = {}
            for k, col in enumerate(cols):
                idx = r * len(cols) + k
                if reading.values is None:
                    cells[col.key] = Cell(value=None, raw="", kind="invalid", location=self.s.location(toks[0].start))
                    continue
                at = reading.owner[idx] if idx < len(reading.owner) else None
                cells[col.key] = make_cell(reading.values[idx], toks[at] if at is not None else None, col, self.s,
                                           reading.derived)
            data[row.key] = cells
        # the table is where its values are (the region may start at the part's heading)
        return TableResult(self.template.id, data, 10.0 * len(rows), [reading.problem] if reading.problem else [],
                           self.s.location(toks[0].start), span=(toks[0].start, toks[-1].end), region=(a, b),
                           label_spans=tuple(label_spans))

    @staticmethod
    def _wide_tokens(groups: list[Group], n: int) -> list[Token]:
        """The data row's tokens: from the first group holding something (empty header slots come first)
        until narrative text follows; a blank form has only blank groups — take the last n slots."""
        filled = [k for k, g in enumerate(groups) if any(t.kind != "blank" for t in g.tokens)]
        if filled:
            groups = groups[filled[0]:]
        else:
            tail: list[Group] = []
            count = 0
            for g in reversed(groups):
                if count >= n:
                    break
                tail.insert(0, g)
                count += len(g.tokens)
            groups = tail
        toks: list[Token] = []
        for g in groups:
            if toks and (g.after_text or len(toks) > n):
                break
            toks.extend(g.tokens)
        return toks

    def _split_wide(self, toks: list[Token], layout: Layout) -> WideReading:
        """Fewer tokens than cells: cut run-together digits with the groups' equations."""
        sols = sorted(self.scan.splitter.split_or_cut_freely(toks, layout).solutions, key=_balance)
        if not sols:  # no digits to cut: what is there is read in order, the missing cells blank
            n = len(layout.columns)
            return WideReading(_values(toks) + [""] * (n - len(toks)), [*range(len(toks))], None, self._problem(
                "missing-values", None, toks[0].start, found=len(toks), expected=n, blank=True))
        values, raw = sols[0], _raw(toks)
        problem = (self._ambiguous_split(None, raw, values, sols, toks[0].start) if len(sols) > 1
                   else self._problem("split-digits", None, toks[0].start, raw=raw, values=values))
        return WideReading(values, _owners(toks, values), "split", problem)

    def _drop_extra(self, toks: list[Token], layout: Layout) -> tuple[WideReading, list[Token]]:
        """More values than cells (the seed's 16 for 15): never truncate silently. When dropping any
        one of them gives the same cells, read those; otherwise every cell is invalid."""
        n = len(layout.columns)
        raw, found = _raw_cells(toks), len(toks)
        values = _without_extra(toks, layout)
        if values is not None:
            owner: list[int | None] = list(range(n))
            derived: str | None = "extra-dropped"
            toks = toks[:n]
        else:
            owner, derived = [], None
        problem = self._problem("extra-values", None, toks[0].start, raw=raw, expected_count=n, found=found,
                                dropped=values is not None)
        return WideReading(values, owner, derived, problem), toks


@dataclass
class ColumnEquations:
    """Column equations as (what the decided rows leave over per column, the undecided rows with their
    signs), and each candidate cut as numbers."""

    equations: list[tuple[list[float], list[tuple[str, float]]]]
    numbers: dict[str, dict[int, list[float]]]  # row -> id(cut) -> values

    def broken(self, assign: dict[str, list[str]]) -> int:
        """Cells broken by an assignment; equations with a row not assigned yet are left out."""
        bad = 0
        for base, signs in self.equations:
            if any(r not in assign for r, _ in signs):
                continue
            diff = list(base)
            for r, sign in signs:
                vals = self.numbers[r][id(assign[r])]
                for c in range(len(diff)):
                    diff[c] += sign * vals[c]
            bad += sum(abs(d) > 1e-6 for d in diff)
        return bad

    def best_combination(self, keys: list[str], multi: dict[str, list[list[str]]]) -> tuple[list[list[str]], int]:
        """The first combination (rows in `keys` order, each row's cuts in order) that breaks the fewest
        cells, and how many combinations break as few. Depth first, each equation counted once its last
        row is chosen, so a combination costs the equations of its last row, not all of them."""
        depth = {k: d for d, k in enumerate(keys)}
        adds: list[list[tuple[int, float]]] = [[] for _ in keys]
        completes: list[list[int]] = [[] for _ in keys]
        for e, (_, signs) in enumerate(self.equations):
            for r, sign in signs:
                adds[depth[r]].append((e, sign))
            completes[max(depth[r] for r, _ in signs)].append(e)
        vectors = [[self.numbers[k][id(cut)] for cut in multi[k]] for k in keys]
        best: list[int] = []
        best_bad, n_best = -1, 0
        picked = [0] * len(keys)

        def visit(d: int, diffs: list[list[float]], bad: int) -> None:
            nonlocal best, best_bad, n_best
            if d == len(keys):
                if best_bad < 0 or bad < best_bad:
                    best, best_bad, n_best = list(picked), bad, 1
                elif bad == best_bad:
                    n_best += 1
                return
            for i, vec in enumerate(vectors[d]):
                now = list(diffs)
                for e, sign in adds[d]:
                    now[e] = [x + sign * v for x, v in zip(now[e], vec, strict=True)]
                picked[d] = i
                visit(d + 1, now, bad + sum(abs(x) > 1e-6 for e in completes[d] for x in now[e]))

        visit(0, [list(base) for base, _ in self.equations], 0)
        return [multi[k][i] for k, i in zip(keys, best, strict=True)], n_best


def _without_extra(toks: list[Token], layout: Layout) -> list[str] | None:
    """The cells of one value too many when dropping any one of them that keeps the row's equations
    gives the same cells (sixteen zeros for fifteen); None when it matters which value is dropped."""
    if len(toks) != len(layout.columns) + 1:
        return None
    options = set()
    for drop in range(len(toks)):
        vals = _values(toks[:drop] + toks[drop + 1:])
        if all(abs(sum(_num(vals[i]) for i in left) - sum(_num(vals[i]) for i in right)) < 1e-6
               for left, right in layout.checks):
            options.add(tuple(vals))
    return list(next(iter(options))) if len(options) == 1 else None


def _raw_cells(toks: list[Token]) -> str:
    return " ".join(t.raw or "□" for t in toks)


@dataclass
class WideReading:
    """表四's cells as read: the values (None: unreadable, every cell invalid), which token each came
    from, how they were derived, and what the parser has to say about it."""

    values: list[str] | None
    owner: list[int | None]
    derived: str | None
    problem: ParseProblem | None


def _raw(tokens: list[Token]) -> str:
    return " ".join(t.raw for t in tokens)


def settles(first: TableResult, own: TableSpec, other: TableSpec, s: Stream) -> bool:
    """Whether the first reading settles which template the table follows, so `other` need not be read:
    rows or column labels that only `own` has were read, and nothing that only `other` has is written in
    the region (outside the labels and headers the first reading already explained)."""
    if first.region is None:
        return False
    a, b = first.region
    own_rows, other_rows = once_per_spec(row_keys, own), once_per_spec(row_keys, other)
    own_labels, other_labels = once_per_spec(_column_labels, own), once_per_spec(_column_labels, other)
    own_cols = own_labels - other_labels
    other_cols = other_labels - own_labels
    if not (first.labelled & (own_rows - other_rows)) and \
            not any(label_pattern(c).search(s.text, a, b) for c in own_cols):
        return False

    def unexplained(x: int, y: int) -> bool:
        return not any(x < q and p < y for p, q in first.label_spans)

    other_only = [r for r, _ in other.row_columns() if r.key not in own_rows]
    if any(unexplained(an.start, an.end) for an in find_anchors(s.text, other_only, a, b)):
        return False
    return not any(unexplained(m.start(), m.end())
                   for c in other_cols for m in label_pattern(c).finditer(s.text, a, b) if m.end() > m.start())


def _column_labels(spec: TableSpec) -> frozenset[str]:
    """The table's column labels long enough to tell templates apart (本年制发件数, 本年新制作数量)."""
    return frozenset(c.label for _, cols in spec.row_columns() for c in cols if len(normal(c.label)) >= 4)


def _header_labels(spec: TableSpec) -> tuple[str, ...]:
    """Every label that is not a row's, once: column labels (a column label repeats on every row, and a
    repeat's spans would all be blocked), part captions, start phrases, header words."""
    return tuple(dict.fromkeys([c.label for _, cols in spec.row_columns() for c in cols] +
                               [p.caption for p in spec.parts] + list(spec.start) + list(spec.headers)))


def _evidence_labels(spec: TableSpec) -> tuple[str, ...]:
    """The column labels _header_evidence looks for: one per normal form, of four characters or more."""
    seen: set[str] = set()
    out = []
    for _, cols in spec.row_columns():
        for c in cols:
            n = normal(c.label)
            if n in seen or len(n) < 4:
                continue
            seen.add(n)
            out.append(c.label)
    return tuple(out)
