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
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Iterator, Optional

from ..engine.types import Hit, RuleContext, RuleImpl, hookimpl
from ..model import Cell, Report
from ..templates import Equation, TableSpec
from .helpers import (TABLE_NAMES, cell_where, cell_where_en, column_label, fmt_num, location_for,
                      resolve_table, row_label, short_label, split_source)


# Equation id (template data) -> rule id. An equation a future template adds gets Z190.
EQUATION_RULES = {"T3-1": "Z101", "T3-2": "Z102", "T3-3": "Z103", "T4-1": "Z201"}
GENERIC_EQUATION_RULE = "Z190"
VALUE_RULES = {"applications": "Z105", "reviews": "Z202", "disclosure": "Z301"}
MAX_FIX_CELLS = 3  # a violated set needing more separate corrections gets no suggestion
_EPS = 1e-9



# --------------------------------------------------------------------------- equation instances

@dataclass(frozen=True)
class Ref:
    table: str
    row: str
    column: str


@dataclass
class Term:
    ref: Ref
    label: str
    cell: Optional[Cell]
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


def cell_state(cell: Optional[Cell]) -> tuple[float, str]:
    if cell is None:
        return 0, "missing"
    if cell.kind == "number" and cell.value is not None:
        return cell.value, "number"
    if cell.kind in ("blank", "not_applicable"):
        return 0, cell.kind
    return 0, "invalid"


def _equation_rows(spec: TableSpec) -> list[str]:
    return [r.key for r, _ in spec.row_columns()]


def build_instances(report: Report, table: str) -> tuple[Optional[TableSpec], list[Instance]]:
    resolved = resolve_table(report, table)
    if not resolved:
        return None, []
    _, spec = resolved
    data = getattr(report.tables, table) or {}
    out: list[Instance] = []
    columns = [c.key for c in spec.columns]

    def term(row: str, col: str, label: str) -> Term:
        cell = (data.get(row) or {}).get(col)
        value, state = cell_state(cell)
        return Term(Ref(table, row, col), label, cell, value, state)

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
                    [term(r, col, short_label(row_label(spec, r))) for r in eq.left],
                    [term(r, col, short_label(row_label(spec, r))) for r in eq.right]))
        else:
            for row in _equation_rows(spec):
                if row not in data:
                    continue
                out.append(Instance(
                    table, spec, eq, row,
                    [term(row, c, column_label(spec, c, row)) for c in eq.left],
                    [term(row, c, column_label(spec, c, row)) for c in eq.right]))
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
MAX_SOLVES = 4000  # enough for every real table; a table broken beyond that gets no suggestion


def _solve(cells: tuple, instances: list[Instance], values: dict[Ref, float]) -> Optional[Solution]:
    """New values for `cells` that make every instance touching them hold, when the small linear
    system has exactly one solution and it is a set of non-negative integers, each a real change."""
    touched = [i for i in instances if any(i.coefficient(c) for c in cells)]
    rows = [[Fraction(i.coefficient(c)) for c in cells] + [Fraction(-i.residual(values)).limit_denominator()]
            for i in touched]
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
                rows[k] = [x - f * y for x, y in zip(rows[k], rows[r])]
        pivots.append(col)
        r += 1
    if any(row[n] != 0 for row in rows[r:]):
        return None  # inconsistent: these cells alone cannot satisfy everything they touch
    out: Solution = {}
    for k, col in enumerate(pivots):
        d = rows[k][n]
        new = Fraction(values[cells[col]]).limit_denominator() + d
        # every cell these equations use is a count: a correction is a non-negative integer
        if d == 0 or new < 0 or new.denominator != 1:
            return None
        out[cells[col]] = int(new)
    return out


def minimal_solutions(instances: list[Instance], values: dict[Ref, float],
                      limit: int = MAX_FIX_CELLS) -> tuple[list[Instance], list[Solution]]:
    """The violated instances and every smallest set of cell changes (≤ limit cells) after which
    all equations of the table hold. Each chosen cell must hit a violated instance not yet hit."""
    violated = [i for i in instances if abs(i.residual(values)) > _EPS]
    if not violated:
        return violated, []
    cells_of = {id(i): [t.ref for t in i.terms] for i in violated}
    budget = [MAX_SOLVES]
    for k in range(1, limit + 1):
        found: dict[frozenset, Solution] = {}

        def rec(chosen: tuple):
            if budget[0] <= 0:
                return
            unhit = [i for i in violated if not any(c in chosen for c in cells_of[id(i)])]
            if not unhit:
                key = frozenset(chosen)
                if len(chosen) == k and key not in found:
                    budget[0] -= 1
                    sol = _solve(tuple(sorted(chosen, key=lambda c: (c.row, c.column))), instances, values)
                    if sol is not None:
                        found[key] = sol
                return
            if len(chosen) == k:
                return
            target = min(unhit, key=lambda i: len(cells_of[id(i)]))
            for c in dict.fromkeys(cells_of[id(target)]):
                if c not in chosen:
                    rec(chosen + (c,))

        rec(())
        if budget[0] <= 0:
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
                  new: float) -> Optional[tuple[str, str]]:
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
                    f"the row's digits were run together{(' ' + shown) if shown else ''} and the separation "
                    f"may be wrong")
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
                            f"the actual {a} and the expected {e} look like digits run together with or split "
                            f"from the neighbouring cell's {d}")
    return None


# --------------------------------------------------------------------------- message pieces

def _term_text(t: Term, value: float, lang: str) -> str:
    label = t.label
    if t.state in ("blank", "not_applicable", "missing"):
        return f"{label} 空白（按0计）" if lang == "zh" else f"{label} blank (counted as 0)"
    if t.state == "imputed":
        return (f"{label} 空白（按各项之和 {fmt_num(value)} 计）" if lang == "zh"
                else f"{label} blank (taken as the sum of its terms, {fmt_num(value)})")
    if t.state == "invalid":
        raw = t.cell.raw if t.cell else ""
        return f"{label}“{raw}”无法识别（按0计）" if lang == "zh" else f"{label} “{raw}” unreadable (counted as 0)"
    return f"{label} {fmt_num(value)}"


def side_text(terms: list[Term], values: dict[Ref, float], lang: str) -> str:
    shown = [t for t in terms if t.state != "number" or abs(values[t.ref]) > _EPS]
    if len(terms) == 1:
        return _term_text(terms[0], values[terms[0].ref], lang)
    if not shown:
        return "各项均为 0" if lang == "zh" else "all terms are 0"
    body = " + ".join(_term_text(t, values[t.ref], lang) for t in shown)
    hidden = len(terms) - len(shown)
    if hidden:
        body += "，其余各项为 0" if lang == "zh" else ", the others 0"
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


# --------------------------------------------------------------------------- the checks

_HIT_CACHE: dict[tuple, list[Hit]] = {}


def _equation_hits(report: Report, table: str) -> list[Hit]:
    """All equation findings of one table, computed once per table content: the correction search
    needs every equation at once, and several rule ids share the result."""
    data = getattr(report.tables, table)
    key = (table, report.table_templates.get(table), report.meta.template, report.meta.year,
           repr(data), repr([p for p in report.problems if p.table == table]))
    if key not in _HIT_CACHE:
        if len(_HIT_CACHE) > 32:
            _HIT_CACHE.clear()
        _HIT_CACHE[key] = list(_compute_equation_hits(report, table))
    return _HIT_CACHE[key]


def _compute_equation_hits(report: Report, table: str) -> Iterator[Hit]:
    spec, instances = build_instances(report, table)
    if not spec or not instances:
        return
    data = getattr(report.tables, table) or {}
    missing = impute_missing_totals(instances)
    yield from _missing_total_hits(spec, table, missing)
    values: dict[Ref, float] = {}
    for inst in instances:
        for t in inst.terms:
            values[t.ref] = t.value
    violated, solutions = minimal_solutions(instances, values)
    if not violated:
        return

    def changes_text(changes, lang: str) -> str:
        if lang == "zh":
            return "、".join(f"{cell_where(spec, table, c.row, c.column)}改为 {fmt_num(v)}" for c, v in changes)
        return ", ".join(f"{cell_where_en(spec, table, c.row, c.column)} to {fmt_num(v)}" for c, v in changes)

    def as_dicts(changes):
        return [{"table": table, "row": c.row, "column": c.column, "value": v} for c, v in changes]

    for inst in violated:
        left, right = inst.sums(values)
        rule = EQUATION_RULES.get(inst.equation.id, GENERIC_EQUATION_RULE)
        where_zh, where_en = _where_instance(inst)
        options = list(dict.fromkeys(restrict(sol, inst) for sol in solutions))
        options = [o for o in options if o]
        hint_zh: list[str] = []
        hint_en: list[str] = []
        data_out: dict = {
            "equation": inst.equation.id,
            "description": inst.equation.description,
            "kind": inst.equation.kind,
            "along": inst.axis,
            "left": [{"row": t.ref.row, "column": t.ref.column, "value": values[t.ref], "state": t.state}
                     for t in inst.left],
            "right": [{"row": t.ref.row, "column": t.ref.column, "value": values[t.ref], "state": t.state}
                      for t in inst.right],
            "left_sum": left, "right_sum": right, "difference": left - right,
        }
        cause = "source"
        slips = [next((e for c, v in o if (e := slip_evidence(report, spec, table, data, c, values[c], v))), None)
                 for o in options]
        likely = None
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
                hint_zh.append(f"若将{changes_text(everything, 'zh')}，则所有等式成立")
                hint_en.append(f"changing {changes_text(everything, 'en')} makes every equation hold")
                data_out["suggestions"] = as_dicts(everything)
            else:
                hint_zh.append(f"若将{changes_text(mine, 'zh')}，则此等式成立")
                hint_en.append(f"changing {changes_text(mine, 'en')} makes this equation hold")
                data_out["suggestions"] = as_dicts(mine)
            if likely is not None:
                alts = "；或".join(f"将{changes_text(o, 'zh')}" for o in others[:2])
                hint_zh.append(f"这是最可能的修改（其他也能使等式成立的修改：{alts}）")
                hint_en.append("this is the likeliest correction (others also fit: "
                               + "; or ".join(changes_text(o, "en") for o in others[:2]) + ")")
                data_out["candidates"] = [as_dicts(o) for o in [likely, *others]]
            data_out["suggestion"] = {"table": table, "row": ref.row, "column": ref.column, "value": new}
            slip = slips[0]
            if slip:
                cause = "extraction"
                hint_zh.append(f"疑似文字提取或转换错误：{slip[0]}，请对照原件核实")
                hint_en.append(f"looks like an extraction slip: {slip[1]}; check against the original")
            else:
                hint_zh.append("疑似原表填报错误")
                hint_en.append("looks like an error in the source table")
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
                alts = "；或".join(f"将{changes_text(o, 'zh')}" for o in options[:3])
                hint_zh.append(f"可{alts}（数据本身无法判断哪种修改正确）")
                hint_en.append("several corrections fit: " + "; or ".join(changes_text(o, "en") for o in options[:3]))
                data_out["candidates"] = [as_dicts(o) for o in options]
            else:
                hint_zh.append(f"没有只改 {MAX_FIX_CELLS} 个以内单元格就能使所有等式成立的办法，需核对多处数据")
                hint_en.append(f"no change of up to {MAX_FIX_CELLS} cells makes every equation hold; "
                               f"several figures need checking")
            guessed = sorted({t.ref.row for t in inst.terms if t.cell is not None and t.cell.derived == "split"
                              and split_source(report, table, t.ref.row)[1]})
            if guessed:
                cause = "extraction-possible"
                names = "、".join(f"“{short_label(row_label(spec, r))}”" for r in guessed[:3])
                hint_zh.append(f"{names}行的数字原文连写且有多种拆分方式，也可能是拆分有误，请对照原件核实")
                hint_en.append("some rows' digits were run together and could be separated in several ways; "
                               "check against the original")
        if any(t.state in ("blank", "not_applicable", "missing") for t in inst.terms):
            hint_zh.append("空白单元格按 0 计")
            hint_en.append("blank cells counted as 0")
        data_out["cause"] = cause
        yield Hit(
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
            data=data_out,
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


# One pass computes every equation finding of a table (the fix search needs all of them at once);
# each registered rule id takes its own share, so users can still select/ignore them separately.
def _share(rule_ids: set[str], table: str):
    def check(report: Report, ctx: RuleContext) -> Iterable[Hit]:
        return [h for h in _equation_hits(report, table) if h.rule in rule_ids]
    return check


# --------------------------------------------------------------------------- cell values

def _value_hits(report: Report, table: str) -> Iterator[Hit]:
    resolved = resolve_table(report, table)
    if not resolved:
        return
    _, spec = resolved
    data = getattr(report.tables, table) or {}
    rule = VALUE_RULES[table]
    for row, cols in spec.row_columns():
        for col in cols:
            cell = (data.get(row.key) or {}).get(col.key)
            if cell is None or cell.kind in ("blank", "not_applicable"):
                continue
            where = cell_where(spec, table, row.key, col.key)
            if col.signed:
                need_zh, need_en = "整数（可为负数）", "an integer (may be negative)"
            elif col.money:
                need_zh, need_en = "不小于 0 的金额", "an amount ≥ 0"
            else:
                need_zh, need_en = "不小于 0 的整数", "an integer ≥ 0"
            v = cell.value
            problem = None
            if cell.kind == "invalid" or v is None:
                problem = (f"“{cell.raw}”不是有效数字", f"“{cell.raw}” is not a valid number")
            elif isinstance(v, float) and not math.isfinite(v):
                problem = (f"“{cell.raw}”不是有效数字", f"“{cell.raw}” is not a valid number")
            elif v < 0 and not col.signed:
                problem = (f"实为负数 {fmt_num(v)}", f"it is negative ({fmt_num(v)})")
            elif not col.money and not float(v).is_integer():
                problem = (f"实为小数 {fmt_num(v)}", f"it is a decimal ({fmt_num(v)})")
            if problem:
                yield Hit(rule, args={"where": where, "where_en": cell_where_en(spec, table, row.key, col.key),
                                      "need": need_zh, "need_en": need_en,
                                      "problem": problem[0], "problem_en": problem[1], "raw": cell.raw},
                          location=location_for(spec, table, row.key, col.key),
                          actual=cell.raw if v is None else _plain(v),
                          data={"raw": cell.raw, "kind": cell.kind, "signed": col.signed, "money": col.money})


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
        _, instances = build_instances(report, table)
        already = {m.term.ref for m in impute_missing_totals(instances)}
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


def check_missing_totals(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    return [h for t in ("applications", "reviews") for h in _equation_hits(report, t) if h.rule == "Z104"]


def check_other_equations(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    return [h for t in ("applications", "reviews", "disclosure") for h in _equation_hits(report, t)
            if h.rule == GENERIC_EQUATION_RULE]


@hookimpl
def report_lint_rules():
    return [
        RuleImpl("Z101", _share({"Z101"}, "applications")),
        RuleImpl("Z102", _share({"Z102"}, "applications")),
        RuleImpl("Z103", _share({"Z103"}, "applications")),
        RuleImpl("Z104", check_missing_totals),
        RuleImpl("Z105", check_values_applications),
        RuleImpl("Z106", check_blank_cells),
        RuleImpl("Z190", check_other_equations),
        RuleImpl("Z201", _share({"Z201"}, "reviews")),
        RuleImpl("Z202", check_values_reviews),
        RuleImpl("Z301", check_values_disclosure),
        RuleImpl("Z302", check_disclosure_heuristics),
    ]
