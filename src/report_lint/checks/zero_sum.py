"""Z family: the tables' own arithmetic (SPEC §3–§5: T2-3, T2-6, T3-1…T3-4, T4-1, T4-2).

The equations are data (TableSpec.equations in rules/templates/*.toml); nothing here names a row.
Every violated equation instance becomes one finding that shows the equation, every non-zero term,
the expected and the actual value. On top of that the module looks for the smallest set of cells
(one, or up to MAX_FIX_CELLS for independent or linked errors) whose change makes *all* equations
hold — every violated one fixed, no satisfied one broken — by solving the small linear system the
equations touching those cells form; it reports the correction when it is unique (alternatives when
the data cannot decide) and says whether the pattern looks like an extraction slip or a source error.

Blank cells are never silently 0: they are computed as 0 and the message says so; a blank total
whose terms hold numbers is its own finding (Z104, SPEC T3-3 note), and its sum is used afterwards
so one missing total does not cascade into a dozen mismatch findings.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from itertools import repeat
from typing import NamedTuple

from ..engine.types import Hit, RuleContext, RuleImpl, Severity, hookimpl
from ..model import Cell, Report
from ..templates import Equation, TableSpec, once_per_spec
from .helpers import (
    TABLE_NAMES,
    AmbiguousSplit,
    ambiguous_splits,
    cell_where,
    cell_where_en,
    column_label,
    fmt_num,
    location_for,
    resolve_table,
    row_label,
    short_label,
    split_source,
)

# Equation id (template data) -> rule id. An equation a future template adds gets Z190.
EQUATION_RULES = {"T3-1": "Z101", "T3-2": "Z102", "T3-3": "Z103", "T4-1": "Z201"}
GENERIC_EQUATION_RULE = "Z190"
VALUE_RULES = {"applications": "Z105", "reviews": "Z202", "disclosure": "Z301"}
MAX_FIX_CELLS = 3  # a violated set needing more separate corrections gets no suggestion
_EPS = 1e-9



# --------------------------------------------------------------------------- equation instances

class Ref(NamedTuple):  # a tuple: hashed in C (the search and the sums look cells up by it very often)
    table: str
    row: str
    column: str


@dataclass
class Term:
    ref: Ref
    label: str
    cell: Cell | None
    value: float = 0
    state: str = "number"  # number | blank | not_applicable | invalid | missing | imputed


@dataclass
class Instance:
    table: str
    spec: TableSpec
    equation: Equation
    axis: str  # the column (per_column) or row (per_row) the instance runs along
    left: list[Term]
    right: list[Term]

    @property
    def terms(self) -> list[Term]:
        return self.left + self.right

    def coefficient(self, ref: Ref) -> int:
        return sum(1 for t in self.left if t.ref == ref) - sum(1 for t in self.right if t.ref == ref)

    def sums(self, values: dict[Ref, float]) -> tuple[float, float]:
        return (sum(values[t.ref] for t in self.left), sum(values[t.ref] for t in self.right))

    def residual(self, values: dict[Ref, float]) -> float:
        left, right = self.sums(values)
        return left - right

    def key(self) -> tuple:
        return (self.table, self.equation.id, self.axis)


def cell_state(cell: Cell | None) -> tuple[float, str]:
    if cell is None:
        return 0, "missing"
    if cell.kind == "number" and cell.value is not None:
        return cell.value, "number"
    if cell.kind in ("blank", "not_applicable"):
        return 0, cell.kind
    return 0, "invalid"


def _equation_rows(spec: TableSpec) -> list[str]:
    return [r.key for r, _ in spec.row_columns()]


def build_instances(report: Report, table: str) -> tuple[TableSpec | None, list[Instance]]:
    resolved = resolve_table(report, table)
    if not resolved:
        return None, []
    _, spec = resolved
    data = getattr(report.tables, table) or {}
    out: list[Instance] = []
    columns = [c.key for c in spec.columns]

    looked_up: dict[tuple[str, str], tuple[Ref, Cell | None, float, str]] = {}

    def term(row: str, col: str, label: str) -> Term:
        # a cell stands in several equations (its row's and its column's): look it up once. Each Term
        # is still its own object (imputation changes a term's value and state)
        got = looked_up.get((row, col))
        if got is None:
            cell = (data.get(row) or {}).get(col)
            got = looked_up[(row, col)] = (Ref(table, row, col), cell, *cell_state(cell))
        ref, cell, value, state = got
        return Term(ref, label, cell, value, state)

    row_names = {r: short_label(row_label(spec, r)) for r in _equation_rows(spec)}

    for eq in spec.equations:
        if eq.kind == "per_column":
            # a row the report lacks altogether is the completeness family's finding, not ours
            if any(r not in data for r in eq.left + eq.right):
                continue
            for col in columns:
                if not any(col in data[r] for r in eq.left + eq.right):
                    continue
                out.append(Instance(
                    table, spec, eq, col,
                    [term(r, col, row_names.get(r) or r) for r in eq.left],
                    [term(r, col, row_names.get(r) or r) for r in eq.right]))
        else:
            column_names = {c: column_label(spec, c) for c in eq.left + eq.right}  # the same in every row
            for row in _equation_rows(spec):
                if row not in data:
                    continue
                out.append(Instance(
                    table, spec, eq, row,
                    [term(row, c, column_names[c]) for c in eq.left],
                    [term(row, c, column_names[c]) for c in eq.right]))
    return spec, out


# --------------------------------------------------------------------------- missing totals (Z104)

@dataclass
class MissingTotal:
    instance: Instance
    term: Term
    value: float


def impute_missing_totals(instances: list[Instance]) -> list[MissingTotal]:
    """A blank/absent total whose terms hold numbers: record it and use the terms' sum from then
    on. Per-row equations first: a blank 总计 column is the case SPEC T3-3 names."""
    found: list[MissingTotal] = []
    imputed: dict[Ref, float] = {}
    order = sorted(instances, key=lambda i: 0 if i.equation.kind == "per_row" else 1)
    for inst in order:
        for t in inst.terms:
            if t.ref in imputed:
                t.value, t.state = imputed[t.ref], "imputed"
        if len(inst.left) != 1:
            continue
        total = inst.left[0]
        if total.state not in ("blank", "not_applicable", "missing"):
            continue
        s = sum(t.value for t in inst.right)
        if abs(s) > _EPS:
            imputed[total.ref] = s
            total.value, total.state = s, "imputed"
            found.append(MissingTotal(inst, total, s))
    # second pass: instances visited before an imputation must see it too
    for inst in instances:
        for t in inst.terms:
            if t.ref in imputed:
                t.value, t.state = imputed[t.ref], "imputed"
    return found


# --------------------------------------------------------------------------- single-cell fixes

Solution = dict  # Ref -> the new value (int) of each changed cell
# Search steps (candidate sets visited + systems solved) per document: far more than any real table
# needs once the search is pruned; a table broken beyond it gets no suggestion, never a long wait.
MAX_STEPS = 20_000


class Budget:
    """The repair search's steps left for one document (shared by its tables)."""

    def __init__(self, steps: int = MAX_STEPS):
        self.left = steps

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


class _System:
    """The equations of one table indexed by cell: cells numbered, coefficients and residuals computed
    once, so the search only looks up small integers."""

    def __init__(self, instances: list[Instance], values: dict[Ref, float]):
        self.values = values
        self.refs: list[Ref] = []
        ids: dict[Ref, int] = {}
        self.coef: list[dict[int, int]] = []
        for inst in instances:
            c: dict[int, int] = {}
            for side, sign in ((inst.left, 1), (inst.right, -1)):
                for t in side:
                    k = ids.get(t.ref)
                    if k is None:
                        k = ids[t.ref] = len(self.refs)
                        self.refs.append(t.ref)
                    c[k] = c.get(k, 0) + sign
            self.coef.append({k: v for k, v in c.items() if v})
        self.residual = [_exact(inst.residual(values)) for inst in instances]
        self.of_cell: list[list[int]] = [[] for _ in self.refs]
        for i, c in enumerate(self.coef):
            for k in c:
                self.of_cell[k].append(i)
        self.cells: list[list[int]] = [list(c) for c in self.coef]
        self.cell_sets: list[frozenset[int]] = [frozenset(c) for c in self.coef]
        self.violated = [i for i, r in enumerate(self.residual) if abs(r) > _EPS]

    def solve(self, cells: tuple[int, ...]) -> Solution | None:
        """New values for `cells` that make every equation touching them hold, when the small linear
        system has exactly one solution and it is a set of non-negative integers, each a real change."""
        touched = sorted({i for c in cells for i in self.of_cell[c]})
        rows = [[Fraction(self.coef[i].get(c, 0)) for c in cells] + [-self.residual[i]] for i in touched]
        n = len(cells)
        r = 0
        pivots = []
        for col in range(n):
            piv = next((k for k in range(r, len(rows)) if rows[k][col] != 0), None)
            if piv is None:
                return None  # this cell's change is not pinned down: not a unique correction
            rows[r], rows[piv] = rows[piv], rows[r]
            p = rows[r][col]
            rows[r] = [x / p for x in rows[r]]
            for k in range(len(rows)):
                if k != r and rows[k][col] != 0:
                    f = rows[k][col]
                    rows[k] = [x - f * y for x, y in zip(rows[k], rows[r], strict=True)]
            pivots.append(col)
            r += 1
        if any(row[n] != 0 for row in rows[r:]):
            return None  # inconsistent: these cells alone cannot satisfy everything they touch
        out: Solution = {}
        for k, col in enumerate(pivots):
            d = rows[k][n]
            ref = self.refs[cells[col]]
            new = _exact(self.values[ref]) + d
            # every cell these equations use is a count: a correction is a non-negative integer
            if d == 0 or new < 0 or new.denominator != 1:
                return None
            out[ref] = int(new)
        return out


def _exact(v: float) -> Fraction:
    # A float within _EPS of 0 becomes 0: the nearest fraction with a denominator ≤ 10⁶ other than 0 is
    # 10⁻⁶ away. So a residual the floats call 0 is 0 here too.
    return Fraction(v).limit_denominator() if not float(v).is_integer() else Fraction(int(v))


def minimal_solutions(instances: list[Instance], values: dict[Ref, float], limit: int = MAX_FIX_CELLS,
                      budget: Budget | None = None) -> tuple[list[Instance], list[Solution]]:
    """The violated instances and every smallest set of cell changes (≤ limit cells) after which
    all equations of the table hold. Each chosen cell must hit a violated instance not yet hit.

    Pruned without losing a solution: an equation that holds and is touched by exactly one changed
    cell would force that change to 0, so such a set is never solved; the last cell of a set must lie
    in every equation still unhit (or touched once); a set of k cells cannot hit more than k
    violated equations that share no cell."""
    if not any(abs(inst.residual(values)) > _EPS for inst in instances):
        return [], []  # the usual table: every equation holds (as exact fractions too: see _exact)
    system = _System(instances, values)
    violated = [instances[i] for i in system.violated]
    if not violated:
        return violated, []
    budget = budget or Budget()
    cells_of, cell_sets, of_cell = system.cells, system.cell_sets, system.of_cell
    viol = system.violated
    held = [True] * len(instances)
    for i in viol:
        held[i] = False
    count = [0] * len(instances)
    chosen: list[int] = []
    out_of_budget = False

    def disjoint_lower_bound(unhit: list[int]) -> int:
        used: set[int] = set()
        n = 0
        for i in sorted(unhit, key=lambda i: len(cells_of[i])):
            if used.isdisjoint(cell_sets[i]):
                used |= cell_sets[i]
                n += 1
        return n

    def rec(k: int, found: dict[tuple, Solution]) -> None:
        """Collect into found every set of k cells, extending chosen, after which all equations hold."""
        nonlocal out_of_budget
        if out_of_budget or not budget.take():
            out_of_budget = True
            return
        unhit = [i for i in viol if count[i] == 0]
        left = k - len(chosen)
        once = [i for c in chosen for i in of_cell[c] if held[i] and count[i] == 1]
        if not unhit:
            if left == 0 and not once:
                key = tuple(sorted(chosen))
                if key not in found:
                    sol = system.solve(key)
                    if sol is not None:
                        found[key] = sol
            return
        if left == 0:
            return
        target = min(unhit, key=lambda i: len(cells_of[i]))
        if left == 1:
            fits = set(cell_sets[target])
            for i in unhit + once:
                fits &= cell_sets[i]
                if not fits:
                    return
            candidates = [c for c in cells_of[target] if c in fits]
        else:
            if disjoint_lower_bound(unhit) > left:
                return
            candidates = cells_of[target]
        for c in candidates:
            if c in chosen:
                continue
            chosen.append(c)
            for i in of_cell[c]:
                count[i] += 1
            rec(k, found)
            for i in of_cell[c]:
                count[i] -= 1
            chosen.pop()

    for k in range(1, limit + 1):
        found: dict[tuple, Solution] = {}
        rec(k, found)
        if out_of_budget:
            return violated, []
        if found:
            # the likelier correction first: a wrong total rather than several wrong parts, and
            # filling a 0/blank rather than erasing a written figure
            aggregates = {side[0].ref for i in instances for side in (i.left, i.right) if len(side) == 1}
            sols = sorted(found.values(), key=lambda s: (sum(1 for c in s if c not in aggregates),
                                                         sum(1 for c, v in s.items() if v == 0 and values[c] != 0),
                                                         sorted((c.row, c.column) for c in s)))
            return violated, sols
    return violated, []


def restrict(sol: Solution, inst: Instance) -> tuple:
    refs = {t.ref for t in inst.terms}
    return tuple(sorted(((c, v) for c, v in sol.items() if c in refs), key=lambda cv: (cv[0].row, cv[0].column)))


# --------------------------------------------------------------------------- slip or source?

def _digits(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else fmt_num(v)


def slip_evidence(report: Report, inst_spec: TableSpec, table: str, data: dict, ref: Ref, old: float,
                  new: float) -> tuple[str, str] | None:
    """Why a wrong cell looks like a reading slip rather than a wrong figure in the source."""
    cell = (data.get(ref.row) or {}).get(ref.column)
    if cell is not None and cell.derived == "split":
        raw, ambiguous = split_source(report, table, ref.row)
        digits = re.sub(r"\D", "", raw or "")
        # a different separation of the same digits could have produced the right value
        if ambiguous or (digits and _digits(new) in digits):
            shown = f"“{raw}”" if raw else ""
            return (f"该行数字原文连写{shown}，拆分可能有误（正确值 {_digits(new)} 的数字也在原文中）"
                    if not ambiguous else f"该行数字原文连写{shown}，有多种拆分方式，解析时只能猜测",
                    (f"the row's digits were run together{(' ' + shown) if shown else ''} and the separation "
                    f"may be wrong"))
    if cell is not None and len(re.findall(r"\d+(?:\.\d+)?", cell.raw or "")) >= 2:
        return (f"该单元格原文“{cell.raw}”含有两个数字", f"the cell's text “{cell.raw}” holds two numbers")
    cols = [c.key for c in inst_spec.columns] if not inst_spec.parts else []
    if ref.column in cols:
        i = cols.index(ref.column)
        for j in (i - 1, i + 1):
            if 0 <= j < len(cols):
                n = (data.get(ref.row) or {}).get(cols[j])
                if n is None or n.kind != "number" or n.value is None:
                    continue
                a, e, d = _digits(old), _digits(new), _digits(n.value)
                if a in (e + d, d + e) or e in (a + d, d + a):
                    return (f"实际值 {a} 与应有值 {e} 像是与相邻单元格的 {d} 连写或拆开了",
                            (f"the actual {a} and the expected {e} look like digits run together with or split "
                            f"from the neighbouring cell's {d}"))
    return None


# --------------------------------------------------------------------------- message pieces

_EMPTY = ("blank", "not_applicable", "missing")


def _term_text(t: Term, value: float, lang: str) -> str:
    label = t.label
    if t.state in _EMPTY:
        return f"{label} 空白（按0计）" if lang == "zh" else f"{label} blank (counted as 0)"
    if t.state == "imputed":
        return (f"{label} 空白（按各项之和 {fmt_num(value)} 计）" if lang == "zh"
                else f"{label} blank (taken as the sum of its terms, {fmt_num(value)})")
    if t.state == "invalid":
        raw = (t.cell.raw if t.cell else "").strip()
        if not raw:  # nothing written to quote: a row the parser could not place (P101)
            return f"{label} 未能读出（按0计）" if lang == "zh" else f"{label} unread (counted as 0)"
        return f"{label}“{raw}”无法识别（按0计）" if lang == "zh" else f"{label} “{raw}” unreadable (counted as 0)"
    return f"{label} {fmt_num(value)}"


def side_text(terms: list[Term], values: dict[Ref, float], lang: str) -> str:
    """One side of an equation, short: the figures that count are named, the zeros and blanks only
    counted ("其余 17 项为 0 或空白")."""
    if len(terms) == 1:
        return _term_text(terms[0], values[terms[0].ref], lang)
    shown = [t for t in terms if t.state in ("imputed", "invalid")
             or (t.state == "number" and abs(values[t.ref]) > _EPS)]
    rest = len(terms) - len(shown)
    blanks = sum(1 for t in terms if t.state in _EMPTY)
    if blanks and rest > blanks:
        what_zh, what_en = "为 0 或空白", "0 or blank"
    elif blanks:
        what_zh, what_en = "空白（按 0 计）", "blank (counted as 0)"
    else:
        what_zh, what_en = "为 0", "0"
    if not shown:
        return f"各项均{what_zh}" if lang == "zh" else f"all terms are {what_en}"
    body = " + ".join(_term_text(t, values[t.ref], lang) for t in shown)
    if rest:
        body += f"，其余 {rest} 项{what_zh}" if lang == "zh" else f", the other {rest} terms {what_en}"
    return body


def side_desc(terms: list[Term], values: dict[Ref, float], lang: str) -> str:
    text = side_text(terms, values, lang)
    if len(terms) == 1:
        return text
    total = fmt_num(sum(values[t.ref] for t in terms))
    return f"{text}，合计 {total}" if lang == "zh" else f"{text}, in all {total}"


def _where_instance(inst: Instance) -> tuple[str, str]:
    name = TABLE_NAMES.get(inst.table, inst.table)
    if inst.equation.kind == "per_column":
        col = column_label(inst.spec, inst.axis)
        return f"{name}“{col}”列", f"{name} column “{col}”"
    row = row_label(inst.spec, inst.axis)
    if inst.table == "reviews":
        return f"{name}“{row}”", f"{name} “{row}”"
    row = short_label(row)
    return f"{name}“{row}”行", f"{name} row “{row}”"


def _anchor(inst: Instance) -> Term:
    """The cell a finding points at when no fix is known: the total of the equation."""
    for side in (inst.left, inst.right):
        if len(side) == 1:
            return side[0]
    for t in inst.terms:
        if t.ref.row == "total" or t.ref.column == "total":
            return t
    return inst.left[0]


def _rule_of(inst: Instance) -> str:
    return EQUATION_RULES.get(inst.equation.id, GENERIC_EQUATION_RULE)


def _terms_data(terms: list[Term], values: dict[Ref, float]) -> list[dict]:
    return [{"row": t.ref.row, "column": t.ref.column, "value": values[t.ref], "state": t.state} for t in terms]


def _equation_data(inst: Instance, values: dict[Ref, float]) -> dict:
    """What a finding exports about one violated equation (Finding.data)."""
    left, right = inst.sums(values)
    return {"equation": inst.equation.id, "description": inst.equation.description, "kind": inst.equation.kind,
            "along": inst.axis, "left": _terms_data(inst.left, values), "right": _terms_data(inst.right, values),
            "left_sum": left, "right_sum": right, "difference": left - right}


def _equation_place(inst: Instance) -> dict:
    """The column (per-column equation) or row (per-row) an equation runs along, as a finding location."""
    along = {"column": inst.axis} if inst.equation.kind == "per_column" else {"row": inst.axis}
    return {"section": inst.spec.section, "table": inst.table, **along}


# --------------------------------------------------------------------------- guessed splits

def _guessed_fit(splits: list[AmbiguousSplit], insts: list[Instance], values: dict[Ref, float],
                 table: str) -> tuple[AmbiguousSplit, dict] | None:
    """When the cells of `insts` come from run-together digits the parser had to guess how to cut:
    another recorded cut under which every one of these equations holds (the finding then rests on the
    guess), else None. A split whose cuts were not all kept counts as fitting (we cannot rule it out)."""
    refs = {(t.ref.row, t.ref.column) for i in insts for t in i.terms}
    for split in splits:
        if not split.cells & refs:
            continue
        if not split.complete:
            return split, {}
        for reading in split.readings[1:]:
            trial = dict(values)
            for (row, col), v in reading.items():
                ref = Ref(table, row, col)
                if ref in trial:
                    trial[ref] = v or 0
            if all(abs(i.residual(trial)) <= _EPS for i in insts):
                return split, reading
    return None


def _no_cut_fits(spec: TableSpec, splits: list[AmbiguousSplit], insts: list[Instance], many: bool) -> tuple[str, str]:
    """The note for equations on run-together rows that no recorded cut can satisfy ("" when none)."""
    refs = {(t.ref.row, t.ref.column) for i in insts for t in i.terms}
    rows = sorted({r for split in splits if split.cells & refs for r, _ in split.cells & refs})
    if not rows:
        return "", ""
    names = "、".join(f"“{short_label(row_label(spec, r))}”" for r in rows[:3])
    these_zh, these_en = ("这些等式", "these equations") if many else ("此等式", "this equation")
    return (f"{names}行的数字原文连写且有多种拆分方式，但无论怎样拆分{these_zh}都不成立",
            f"some rows' digits were run together and could be cut several ways, but no cut makes {these_en} hold")


def _reading_text(split: AmbiguousSplit, reading: dict) -> str:
    order = list(split.readings[0])
    return " | ".join("" if reading.get(k) is None else fmt_num(reading[k]) for k in order)


def _guess_hints(split: AmbiguousSplit, reading: dict, many: bool) -> tuple[str, str]:
    these_zh, these_en = ("这些等式", "these equations") if many else ("此等式", "this equation")
    if not reading:
        return (f"相关数字原文连写（“{split.raw}”）且有多种拆分方式，解析时只能猜测，此结论可能不成立，请对照原件核实",
                (f"the digits involved were run together ('{split.raw}') and could be cut several ways; the "
                f"parser had to guess, so this may not hold — check against the original"))
    read, fit = _reading_text(split, split.readings[0]), _reading_text(split, reading)
    return ((f"原文连写的“{split.raw}”暂按 {read} 读取，若读作 {fit} 则{these_zh}成立：此结论建立在对连写数字的猜测上，"
            f"请对照原件核实"),
            (f"the run-together '{split.raw}' was read as {read}; read as {fit}, {these_en} would hold — this "
            f"rests on a guessed split, check against the original"))


def _cause_hint(slip: tuple[str, str] | None, hint_zh: list[str], hint_en: list[str]) -> str:
    """The cause of a correction, added to the hints: an extraction slip the digits show, or the source."""
    if slip:
        hint_zh.append(f"疑似文字提取或转换错误：{slip[0]}，请对照原件核实")
        hint_en.append(f"looks like an extraction slip: {slip[1]}; check against the original")
        return "extraction"
    hint_zh.append("疑似原表填报错误")
    hint_en.append("looks like an error in the source table")
    return "source"


def _closing_hints(spec: TableSpec, table: str, splits: list[AmbiguousSplit], insts: list[Instance],
                   values: dict[Ref, float], many: bool, hint_zh: list[str], hint_en: list[str]) -> dict | None:
    """The hints every arithmetic finding ends with: a run-together number that, cut another way, makes
    the equations hold (returned as the finding's `guessed_split`; the finding is then only a possible
    extraction error) or why no cut would; and blank cells counted as 0. `many`: the finding names
    several equations (the wording says "these equations")."""
    guessed = None
    guess = _guessed_fit(splits, insts, values, table)
    if guess:
        split, reading = guess
        z, e = _guess_hints(split, reading, many)
        guessed = {"raw": split.raw, "fits": _reading_text(split, reading) if reading else None}
    else:
        z, e = _no_cut_fits(spec, splits, insts, many)
    if z:
        hint_zh.append(z)
        hint_en.append(e)
    if any(t.state in _EMPTY for i in insts for t in i.terms):
        hint_zh.append("空白单元格按 0 计")
        hint_en.append("blank cells counted as 0")
    return guessed


# --------------------------------------------------------------------------- the checks

@dataclass
class _Draft:
    """A finding before the rule that carries it is known. `members` are the rules of the equations it
    reports, in order of precedence: the first one that runs on the file carries it, so ignoring one
    rule never hides a cause another selected rule reports. `equations` (grouped findings only) are the
    violated equations, each with its rule; the carrier's own goes to the top of Finding.data and the
    others become related locations."""

    hit: Hit
    members: tuple[str, ...]
    equations: list[dict] = field(default_factory=list)

    def carried_by(self, selected: frozenset | None) -> str | None:
        return next((m for m in self.members if selected is None or m in selected), None)

    def finish(self, carrier: str) -> Hit:
        if not self.equations:
            return replace(self.hit, rule=carrier)
        own = next(i for i, e in enumerate(self.equations) if e["rule"] == carrier)
        top = {k: v for k, v in self.equations[own].items() if k not in ("rule", "place", "text_zh", "text_en")}
        related = [{**e["place"], "message_zh": e["text_zh"], "message_en": e["text_en"], "rule": e["rule"],
                    "equation": e["equation"]}
                   for i, e in enumerate(self.equations) if i != own]
        return replace(self.hit, rule=carrier, data={**top, **self.hit.data, "related": related})


class _RunMemo:
    """What this family computes once per report's run (kept in RuleContext.memo): each table's equation
    instances with their missing totals imputed, each table's equation findings (the correction search
    needs every equation at once, and several rule ids share the result), and the search's step budget,
    one per document. A run without a memo (a check called directly) computes afresh each time."""

    def __init__(self) -> None:
        self.budget = Budget()
        self.equations: dict[str, tuple[TableSpec | None, list[Instance], list[MissingTotal]]] = {}
        self.drafts: dict[str, list[_Draft]] = {}


def _memo(ctx: RuleContext) -> _RunMemo:
    if ctx.memo is None:
        return _RunMemo()
    return ctx.memo.setdefault(__name__, _RunMemo())


def _equations(report: Report, table: str, memo: _RunMemo) -> tuple[TableSpec | None, list[Instance],
                                                                     list[MissingTotal]]:
    if table not in memo.equations:
        memo.equations[table] = read_equations(report, table)
    return memo.equations[table]


def read_equations(report: Report, table: str) -> tuple[TableSpec | None, list[Instance], list[MissingTotal]]:
    """A table's equation instances with their missing totals imputed; no instances at all when every
    equation holds and no total is missing (most real tables), which nothing after needs them for."""
    resolved = resolve_table(report, table)
    if not resolved:
        return None, [], []
    spec = resolved[1]
    if _all_hold(once_per_spec(_plan, spec), getattr(report.tables, table) or {}):
        return spec, [], []
    spec2, instances = build_instances(report, table)
    return spec2, instances, impute_missing_totals(instances)


# A table's equations laid out once per template, for _all_hold: per equation whether it runs per column,
# its left and right keys, and per column (or row) it runs along, the cells of each side as (row, column)
# keys.
_Key = tuple[str, str]
_PlanEq = tuple[bool, tuple[str, ...], tuple[str, ...], list[tuple[str, tuple[_Key, ...], tuple[_Key, ...]]]]
_ZEROS = repeat(0)


def _plan(spec: TableSpec) -> list[_PlanEq]:
    """Worked out once per template table (through once_per_spec)."""
    columns = [c.key for c in spec.columns]
    rows = _equation_rows(spec)
    plan: list[_PlanEq] = []
    for eq in spec.equations:
        if eq.kind == "per_column":
            along = [(col, tuple((r, col) for r in eq.left), tuple((r, col) for r in eq.right))
                     for col in columns]
        else:
            along = [(row, tuple((row, c) for c in eq.left), tuple((row, c) for c in eq.right))
                     for row in rows]
        plan.append((eq.kind == "per_column", eq.left, eq.right, along))
    return plan


def _all_hold(plan: list[_PlanEq], data: dict) -> bool:
    """Whether build_instances + impute_missing_totals would impute nothing and minimal_solutions find
    no violated instance: the same instances, the same values (cell_state's) summed in the same order,
    without a Term per cell. False sends the table down the full path."""
    values = {(r, c): cell.value for r, cells in data.items() for c, cell in (cells or {}).items()
              if cell.kind == "number" and cell.value is not None}
    get = values.get
    for per_column, left, right, along in plan:
        if per_column:
            if any(r not in data for r in left) or any(r not in data for r in right):
                continue
            lrows = [data[r] for r in left]
            rrows = [data[r] for r in right]
            for col, lkeys, rkeys in along:
                if not any(col in d for d in lrows) and not any(col in d for d in rrows):
                    continue
                rs = sum(map(get, rkeys, _ZEROS))
                if len(lrows) == 1 and abs(rs) > _EPS:
                    total = lrows[0].get(col)
                    if total is None or total.kind in ("blank", "not_applicable"):
                        return False  # a missing total the terms fill in (Z104)
                if abs(sum(map(get, lkeys, _ZEROS)) - rs) > _EPS:
                    return False
        else:
            for row, lkeys, rkeys in along:
                if row not in data:
                    continue
                rs = sum(map(get, rkeys, _ZEROS))
                if len(left) == 1 and abs(rs) > _EPS:
                    total = (data[row] or {}).get(left[0])
                    if total is None or total.kind in ("blank", "not_applicable"):
                        return False
                if abs(sum(map(get, lkeys, _ZEROS)) - rs) > _EPS:
                    return False
    return True


def _drafts(report: Report, table: str, memo: _RunMemo) -> list[_Draft]:
    """Every equation finding of one table, computed once per run."""
    if table not in memo.drafts:
        memo.drafts[table] = list(_compute_drafts(report, table, memo))
    return memo.drafts[table]


def _components(solution: Solution, instances: list[Instance],
                violated: list[Instance]) -> list[tuple[list[Ref], list[Instance]]]:
    """The solution's changed cells grouped into root causes, each with the violated equations it
    explains: two changed cells belong together when an equation holds both (they must change
    together, e.g. a whole 总计 row left at 0)."""
    cells = list(solution)
    parent = {c: c for c in cells}

    def find(c: Ref) -> Ref:
        while parent[c] != c:
            c = parent[c]
        return c

    for inst in instances:
        inside = [t.ref for t in inst.terms if t.ref in parent]
        for c in inside[1:]:
            parent[find(c)] = find(inside[0])
    groups: dict[Ref, tuple[list[Ref], list[Instance]]] = {}
    for c in sorted(cells, key=lambda c: (c.row, c.column)):
        groups.setdefault(find(c), ([], []))[0].append(c)
    for inst in violated:
        root = next(find(t.ref) for t in inst.terms if t.ref in parent)
        groups[root][1].append(inst)
    return sorted(groups.values(), key=lambda g: min(violated.index(i) for i in g[1]))


def _compute_drafts(report: Report, table: str, memo: _RunMemo) -> Iterator[_Draft]:
    spec, instances, missing = _equations(report, table, memo)
    if not spec or not instances:
        return
    data = getattr(report.tables, table) or {}
    for hit in _missing_total_hits(spec, table, missing):
        yield _Draft(hit, (hit.rule,))
    values: dict[Ref, float] = {}
    for inst in instances:
        for t in inst.terms:
            values[t.ref] = t.value
    violated, solutions = minimal_solutions(instances, values, budget=memo.budget)
    if not violated:
        return
    splits = ambiguous_splits(report, table)
    grouped: set[int] = set()
    if len(solutions) == 1:
        for cells, insts in _components(solutions[0], instances, violated):
            if len(insts) > 1:
                grouped.update(id(i) for i in insts)
                yield _grouped_draft(report, spec, table, data, solutions[0], cells, insts, values, splits)
    for inst in violated:
        if id(inst) not in grouped:
            hit = _single_hit(report, spec, table, data, inst, solutions, values, splits)
            yield _Draft(hit, (hit.rule,))


def _changes_text(spec: TableSpec, table: str, changes, lang: str) -> str:
    if lang == "zh":
        return "、".join(f"{cell_where(spec, table, c.row, c.column)}改为 {fmt_num(v)}" for c, v in changes)
    return ", ".join(f"{cell_where_en(spec, table, c.row, c.column)} to {fmt_num(v)}" for c, v in changes)


def _as_dicts(table: str, changes) -> list[dict]:
    return [{"table": table, "row": c.row, "column": c.column, "value": v} for c, v in changes]


def _cells_text(spec: TableSpec, table: str, changes: list[tuple[Ref, int]], values: dict[Ref, float],
                states: dict[Ref, str]) -> tuple[str, str]:
    """"X is a, should be b" for the cells of one correction; cells of one row named once."""
    def shown(c: Ref, lang: str) -> str:
        if states.get(c) in _EMPTY:
            return "空白" if lang == "zh" else "blank"
        if states.get(c) == "invalid":  # not a 0 the report wrote: unreadable, or not read at all (P101)
            return "无法识别" if lang == "zh" else "unreadable"
        return fmt_num(values[c])

    def joined(vs, sep):
        return sep.join(fmt_num(v) for v in vs)

    rows = {c.row for c, _ in changes}
    if len(changes) > 1 and len(rows) == 1:
        row = changes[0][0].row
        name = TABLE_NAMES.get(table, table)
        label = row_label(spec, row) if table == "reviews" else short_label(row_label(spec, row))
        cols_zh = "".join(f"“{column_label(spec, c.column, row)}”" for c, _ in changes)
        cols_en = ", ".join(f"“{column_label(spec, c.column, row)}”" for c, _ in changes)
        new = [v for _, v in changes]
        old_zh = "、".join(shown(c, "zh") for c, _ in changes)
        old_en = ", ".join(shown(c, "en") for c, _ in changes)
        where_zh = f"{name}“{label}”的{cols_zh}" if table == "reviews" else f"{name}“{label}”行{cols_zh}列"
        return (f"{where_zh}为 {old_zh}，应为 {joined(new, '、')}",
                f"{name} row “{label}”, columns {cols_en} are {old_en}, should be {joined(new, ', ')}")
    return ("；".join(f"{cell_where(spec, table, c.row, c.column)}为 {shown(c, 'zh')}，应为 {fmt_num(v)}"
                     for c, v in changes),
            "; ".join(f"{cell_where_en(spec, table, c.row, c.column)} is {shown(c, 'en')}, should be "
                      f"{fmt_num(v)}" for c, v in changes))


def _grouped_draft(report: Report, spec: TableSpec, table: str, data: dict, solution: Solution, cells: list[Ref],
                   insts: list[Instance], values: dict[Ref, float], splits: list[AmbiguousSplit]) -> _Draft:
    """One finding for one root cause: the cell(s) to correct and every equation they break."""
    order = sorted(range(len(insts)), key=lambda k: (_rule_of(insts[k]), k))
    insts = [insts[k] for k in order]
    changes = [(c, solution[c]) for c in cells]
    marks = "①②③④⑤⑥⑦⑧⑨⑩"
    equations, items_zh, items_en = [], [], []
    for n, inst in enumerate(insts):
        where_zh, where_en = _where_instance(inst)
        left, right = inst.sums(values)
        text_zh = f"{where_zh}“{inst.equation.description}”：{fmt_num(left)} ≠ {fmt_num(right)}"
        text_en = f"{where_en} “{inst.equation.description_en}”: {fmt_num(left)} ≠ {fmt_num(right)}"
        items_zh.append((marks[n] if n < len(marks) else f"({n + 1})") + text_zh)
        items_en.append(f"({n + 1}) {text_en}")
        equations.append({**_equation_data(inst, values), "rule": _rule_of(inst), "place": _equation_place(inst),
                          "text_zh": text_zh, "text_en": text_en})
    whole = len(changes) == len(solution)
    hint_zh = [f"改正后{'所有等式' if whole else '这些等式都'}成立"]
    hint_en = [(f"with {'that correction' if len(changes) == 1 else 'those corrections'} "
               f"{'every equation holds' if whole else 'these equations hold'}")]
    cause = "source"
    slip = (slip_evidence(report, spec, table, data, changes[0][0], values[changes[0][0]], changes[0][1])
            if len(changes) == 1 else None)
    cause = _cause_hint(slip, hint_zh, hint_en)
    severity: Severity | None = None
    extra: dict = {}
    guessed = _closing_hints(spec, table, splits, insts, values, True, hint_zh, hint_en)
    if guessed is not None:
        cause, severity = "extraction-possible", "warning"
        extra["guessed_split"] = guessed
    first, new = changes[0]
    states = {t.ref: t.state for i in insts for t in i.terms}
    cells_zh, cells_en = _cells_text(spec, table, changes, values, states)
    hit = Hit(
        _rule_of(insts[0]),
        args={"cells": cells_zh, "cells_en": cells_en, "count": len(insts),
              "equations": "；".join(items_zh), "equations_en": "; ".join(items_en),
              "hint": "；".join(hint_zh) + "。", "hint_en": _capitalise("; ".join(hint_en)) + ".",
              "cell": cell_where(spec, table, first.row, first.column),
              "expected": fmt_num(new), "actual": fmt_num(values[first])},
        location=location_for(spec, table, first.row, first.column),
        expected=_plain(new), actual=_plain(values[first]),
        data={"grouped": True, "rules": sorted({e["rule"] for e in equations}),
              "equations": [{k: v for k, v in e.items() if k not in ("left", "right", "place")} for e in equations],
              "suggestions": _as_dicts(table, changes),
              "suggestion": {"table": table, "row": first.row, "column": first.column, "value": new},
              "cause": cause, **extra},
        severity=severity, variant="grouped",
    )
    members = tuple(dict.fromkeys(e["rule"] for e in equations))
    return _Draft(hit, members, equations)


def _single_hit(report: Report, spec: TableSpec, table: str, data: dict, inst: Instance, solutions: list[Solution],
                values: dict[Ref, float], splits: list[AmbiguousSplit]) -> Hit:
    """The finding of one violated equation that no single root cause shares with another."""
    left, right = inst.sums(values)
    rule = _rule_of(inst)
    where_zh, where_en = _where_instance(inst)
    options = list(dict.fromkeys(restrict(sol, inst) for sol in solutions))
    options = [o for o in options if o]
    hint_zh: list[str] = []
    hint_en: list[str] = []
    data_out: dict = _equation_data(inst, values)
    cause = "source"
    slips = [next((e for c, v in o if (e := slip_evidence(report, spec, table, data, c, values[c], v))), None)
             for o in options]
    likely = None
    others: list[tuple] = []
    if len(options) > 1 and sum(1 for e in slips if e) == 1:
        # the digits show how the value went wrong: that correction is the likely one
        k = next(i for i, e in enumerate(slips) if e)
        likely = options[k]
        others = [o for i, o in enumerate(options) if i != k]
        options, slips = [likely], [slips[k]]
    if len(options) == 1:
        mine = options[0]
        ref, new = mine[0]
        target = ref
        if len(solutions) == 1:
            everything = sorted(solutions[0].items(), key=lambda cv: (cv[0].row, cv[0].column))
            hint_zh.append(f"若将{_changes_text(spec, table, everything, 'zh')}，则所有等式成立")
            hint_en.append(f"changing {_changes_text(spec, table, everything, 'en')} makes every equation hold")
            data_out["suggestions"] = _as_dicts(table, everything)
        else:
            hint_zh.append(f"若将{_changes_text(spec, table, mine, 'zh')}，则此等式成立")
            hint_en.append(f"changing {_changes_text(spec, table, mine, 'en')} makes this equation hold")
            data_out["suggestions"] = _as_dicts(table, mine)
        if likely is not None:
            alts = "；或".join(f"将{_changes_text(spec, table, o, 'zh')}" for o in others[:2])
            hint_zh.append(f"这是最可能的修改（其他也能使等式成立的修改：{alts}）")
            hint_en.append("this is the likeliest correction (others also fit: "
                           + "; or ".join(_changes_text(spec, table, o, "en") for o in others[:2]) + ")")
            data_out["candidates"] = [_as_dicts(table, o) for o in [likely, *others]]
        data_out["suggestion"] = {"table": table, "row": ref.row, "column": ref.column, "value": new}
        cause = _cause_hint(slips[0], hint_zh, hint_en)
        expected, actual = new, values[ref]
    else:
        anchor = _anchor(inst)
        target = anchor.ref
        a = inst.coefficient(target)
        expected = values[target] - (left - right) / a if a else None
        actual = values[target]
        if expected is not None:
            hint_zh.append(f"按此等式，{cell_where(spec, table, target.row, target.column)}应为 "
                           f"{fmt_num(expected)}，实为 {fmt_num(actual)}")
            hint_en.append(f"by this equation {cell_where_en(spec, table, target.row, target.column)} "
                           f"should be {fmt_num(expected)}, not {fmt_num(actual)}")
        if options:
            alts = "；或".join(f"将{_changes_text(spec, table, o, 'zh')}" for o in options[:3])
            hint_zh.append(f"可{alts}（数据本身无法判断哪种修改正确）")
            hint_en.append("several corrections fit: "
                           + "; or ".join(_changes_text(spec, table, o, "en") for o in options[:3]))
            data_out["candidates"] = [_as_dicts(table, o) for o in options]
        else:
            hint_zh.append(f"没有只改 {MAX_FIX_CELLS} 个以内单元格就能使所有等式成立的办法，需核对多处数据")
            hint_en.append(f"no change of up to {MAX_FIX_CELLS} cells makes every equation hold; "
                           f"several figures need checking")
    severity: Severity | None = None
    guessed = _closing_hints(spec, table, splits, [inst], values, False, hint_zh, hint_en)
    if guessed is not None:
        cause, severity = "extraction-possible", "warning"
        data_out["guessed_split"] = guessed
    data_out["cause"] = cause
    return Hit(
        rule,
        args={
            "where": where_zh, "where_en": where_en,
            "equation": inst.equation.description, "equation_en": inst.equation.description_en,
            "left": side_desc(inst.left, values, "zh"), "left_en": side_desc(inst.left, values, "en"),
            "right": side_desc(inst.right, values, "zh"), "right_en": side_desc(inst.right, values, "en"),
            "left_sum": fmt_num(left), "right_sum": fmt_num(right), "difference": fmt_num(abs(left - right)),
            "hint": "；".join(hint_zh) + "。", "hint_en": _capitalise("; ".join(hint_en)) + ".",
            "cell": cell_where(spec, table, target.row, target.column),
            "expected": fmt_num(expected), "actual": fmt_num(actual),
        },
        location=location_for(spec, table, target.row, target.column),
        expected=_plain(expected), actual=_plain(actual),
        data=data_out, severity=severity,
    )


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plain(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _missing_total_hits(spec: TableSpec, table: str, missing: list[MissingTotal]) -> Iterator[Hit]:
    """One Z104 finding per equation: the totals it leaves blank while their terms hold numbers."""
    by_eq: dict[str, list[MissingTotal]] = {}
    for m in missing:
        by_eq.setdefault(m.instance.equation.id, []).append(m)
    for eq_id, items in by_eq.items():
        first = items[0]
        cells_zh = "；".join(f"{cell_where(spec, table, m.term.ref.row, m.term.ref.column)}应为 {fmt_num(m.value)}"
                            for m in items[:6])
        if len(items) > 6:
            cells_zh += f"；等共 {len(items)} 处"
        yield Hit(
            "Z104",
            args={"table_name": TABLE_NAMES.get(table, table), "count": len(items),
                  "equation": first.instance.equation.description,
                  "equation_en": first.instance.equation.description_en,
                  "cells": cells_zh,
                  "cells_en": "; ".join(f"{cell_where_en(spec, table, m.term.ref.row, m.term.ref.column)} "
                                        f"should be {fmt_num(m.value)}"
                                        for m in items[:6]) + ("…" if len(items) > 6 else "")},
            location=location_for(spec, table, first.term.ref.row, first.term.ref.column),
            expected=_plain(first.value), actual=None,
            data={"equation": eq_id, "cells": [{"table": table, "row": m.term.ref.row,
                                                 "column": m.term.ref.column, "value": _plain(m.value)}
                                                for m in items]},
        )


# One pass computes every equation finding of a table (the fix search needs all of them at once); each
# registered rule id takes the findings it carries, so users can still select/ignore them separately.
def _share(rule_id: str, tables: tuple[str, ...] = ("applications", "reviews", "disclosure")):
    def check(report: Report, ctx: RuleContext) -> Iterable[Hit]:
        memo = _memo(ctx)
        return [d.finish(rule_id) for t in tables for d in _drafts(report, t, memo)
                if rule_id in d.members and d.carried_by(ctx.selected) == rule_id]
    return check


# --------------------------------------------------------------------------- cell values

def _all_plain(data: dict) -> bool:
    """Every cell blank, not applicable or a whole number ≥ 0: fine in any column, so _value_hits has
    nothing to say (most tables); checked without the template's columns."""
    for cells in data.values():
        for cell in (cells or {}).values():
            kind = cell.kind
            if kind == "number":
                v = cell.value
                if type(v) is int and v >= 0:
                    continue
            elif kind in ("blank", "not_applicable"):
                continue
            return False
    return True


def _value_hits(report: Report, table: str) -> Iterator[Hit]:
    data = getattr(report.tables, table) or {}
    if _all_plain(data):
        return
    resolved = resolve_table(report, table)
    if not resolved:
        return
    _, spec = resolved
    rule = VALUE_RULES[table]
    for row, cols in spec.row_columns():
        for col in cols:
            cell = (data.get(row.key) or {}).get(col.key)
            if cell is None or cell.kind in ("blank", "not_applicable"):
                continue
            if cell.kind == "invalid" and not cell.raw.strip():
                continue  # nothing written to quote: the parser could not place the row's values (P101 says so)
            if col.signed:
                need_zh, need_en = "整数（可为负数）", "an integer (may be negative)"
            elif col.money:
                need_zh, need_en = "不小于 0 的金额", "an amount ≥ 0"
            else:
                need_zh, need_en = "不小于 0 的整数", "an integer ≥ 0"
            v = cell.value
            problem = None
            if (cell.kind == "invalid" or v is None) and (d := _decimal(cell.raw)) is not None:
                problem = (f"实为小数 {fmt_num(d)}", f"it is a decimal ({fmt_num(d)})")
            elif cell.kind == "invalid" or v is None or (isinstance(v, float) and not math.isfinite(v)):
                problem = (f"“{cell.raw}”不是有效数字", f"“{cell.raw}” is not a valid number")
            elif v < 0 and not col.signed:
                problem = (f"实为负数 {fmt_num(v)}", f"it is negative ({fmt_num(v)})")
            elif not col.money and not float(v).is_integer():
                problem = (f"实为小数 {fmt_num(v)}", f"it is a decimal ({fmt_num(v)})")
            if problem:
                yield Hit(rule, args={"where": cell_where(spec, table, row.key, col.key),
                                      "where_en": cell_where_en(spec, table, row.key, col.key),
                                      "need": need_zh, "need_en": need_en,
                                      "problem": problem[0], "problem_en": problem[1], "raw": cell.raw},
                          location=location_for(spec, table, row.key, col.key),
                          actual=cell.raw if v is None else _plain(v),
                          data={"raw": cell.raw, "kind": cell.kind, "signed": col.signed, "money": col.money})


def _decimal(raw: str) -> float | None:
    """A count written as a decimal (“1.5”), which the parser keeps as not a count; None otherwise."""
    try:
        v = float(raw.replace(",", "").strip())
    except ValueError:
        return None
    return v if "." in raw and math.isfinite(v) else None


def check_values_applications(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    return _value_hits(report, "applications")


def check_values_reviews(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    return _value_hits(report, "reviews")


def check_values_disclosure(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    return _value_hits(report, "disclosure")


# --------------------------------------------------------------------------- blank cells (info)

def check_blank_cells(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """SPEC §0.1: blank / - / — cells are computed as 0; say so once per table."""
    for table in ("applications", "reviews"):
        resolved = resolve_table(report, table)
        if not resolved:
            continue
        _, spec = resolved
        data = getattr(report.tables, table) or {}
        kinds = {c.kind for row in data.values() for c in row.values()}
        if "number" not in kinds and "not_applicable" not in kinds:
            continue  # nothing filled in at all: the table is unfilled (C114), not a few blanks read as 0
        if "blank" not in kinds and "not_applicable" not in kinds:
            continue  # no blank cell (most tables): nothing to say
        already = {m.term.ref for m in _equations(report, table, _memo(ctx))[2]}
        blanks = []
        for row, cols in spec.row_columns():
            if row.key not in data:
                continue
            for col in cols:
                cell = data[row.key].get(col.key)
                if cell is not None and cell.kind in ("blank", "not_applicable") \
                        and Ref(table, row.key, col.key) not in already:
                    blanks.append((row.key, col.key, cell.raw))
        if not blanks:
            continue
        r, c, raw = blanks[0]
        yield Hit("Z106", args={"table_name": TABLE_NAMES[table], "count": len(blanks),
                                "example": cell_where(spec, table, r, c),
                                "example_en": cell_where_en(spec, table, r, c),
                                "raw_note": f"，原文为“{raw}”" if raw.strip() else "，为空白",
                                "raw_note_en": f", written “{raw}”" if raw.strip() else ", left empty"},
                  location=location_for(spec, table, r, c),
                  data={"cells": [{"row": r, "column": c, "raw": raw} for r, c, raw in blanks]})


# --------------------------------------------------------------------------- T2-6 heuristics

def check_disclosure_heuristics(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """T2-6 (FMT2019): 本年新公开数量 ≤ 对外公开总数量. The pairs are an option so a template with
    other columns can add its own (each pair: [smaller column, larger column])."""
    resolved = resolve_table(report, "disclosure")
    if not resolved:
        return
    _, spec = resolved
    data = report.tables.disclosure or {}
    pairs = ctx.options.get("pairs", [["published", "total_public"]])
    for row, cols in spec.row_columns():
        keys = {c.key for c in cols}
        for small, large in pairs:
            if small not in keys or large not in keys:
                continue
            a = (data.get(row.key) or {}).get(small)
            b = (data.get(row.key) or {}).get(large)
            if not a or not b or a.kind != "number" or b.kind != "number" or a.value is None or b.value is None:
                continue
            if a.value > b.value:
                yield Hit("Z302", args={"row": row.label, "small": column_label(spec, small, row.key),
                                        "large": column_label(spec, large, row.key),
                                        "small_value": fmt_num(a.value), "large_value": fmt_num(b.value)},
                          location=location_for(spec, "disclosure", row.key, small),
                          expected=f"≤ {fmt_num(b.value)}", actual=_plain(a.value))


@hookimpl
def report_lint_rules():
    return [
        RuleImpl("Z101", _share("Z101")),
        RuleImpl("Z102", _share("Z102")),
        RuleImpl("Z103", _share("Z103")),
        RuleImpl("Z104", _share("Z104", ("applications", "reviews"))),
        RuleImpl("Z105", check_values_applications),
        RuleImpl("Z106", check_blank_cells),
        RuleImpl("Z190", _share("Z190")),
        RuleImpl("Z201", _share("Z201")),
        RuleImpl("Z202", check_values_reviews),
        RuleImpl("Z301", check_values_disclosure),
        RuleImpl("Z302", check_disclosure_heuristics),
    ]
