"""Y — year over year: this report against the same organ's report for the year before.

The runner supplies the previous report (`ctx.previous`) when the batch holds it or the user names it
with --previous; with no previous report these rules are silent. The continuity equations are SPEC
T3-5 (结转), T2-5 (2019 format 上一年项目数量) and T2-4 (2021 format 现行有效件数); the copy check is
SPEC P5-2 / §8 BOILERPLATE (法治蓝皮书: "与去年的重复率竟达90%").
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from ..engine.types import FindingLocation, Hit, RuleContext, RuleImpl, hookimpl
from ..model import Cell, Report
from ..templates import get_template

APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org",
                     "total")


def _num(cell: Optional[Cell]) -> Optional[float]:
    return cell.value if cell is not None and cell.kind == "number" else None


def _labels(report: Report, table: str) -> tuple[dict[str, str], dict[str, str]]:
    tpl = get_template(report.table_templates.get(table) or report.meta.template) or get_template("2021")
    spec = tpl.table(table)
    rows = {r.key: r.label for r, _ in spec.row_columns()}
    cols = {c.key: c.label for _, cs in spec.row_columns() for c in cs}
    return rows, cols


def _pair(report: Report, ctx: RuleContext) -> Optional[Report]:
    prev = ctx.previous
    if prev is None or report.meta.year is None or prev.meta.year is None:
        return None
    return prev if prev.meta.year == report.meta.year - 1 else None


def _disclosure_pair(report: Report, ctx: RuleContext, template: str) -> Optional[Report]:
    """Last year's report when both years' 表二 follow `template` (the columns being compared exist)."""
    prev = _pair(report, ctx)
    if prev is None or not report.tables.disclosure or not prev.tables.disclosure:
        return None
    def base(r: Report) -> str:
        t = get_template(r.table_templates.get("disclosure", r.meta.template))
        return t.base_id if t else ""
    return prev if base(report) == template and base(prev) == template else None


def check_carry_over(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """Y101: 二、上年结转 (this year) = 四、结转下年度继续办理 (last year), column by column."""
    prev = _pair(report, ctx)
    if prev is None or not report.tables.applications or not prev.tables.applications:
        return
    now = report.tables.applications.get("carried_over") or {}
    before = prev.tables.applications.get("carried_forward") or {}
    _, cols = _labels(report, "applications")
    for col in APPLICANT_COLUMNS:
        a, b = _num(now.get(col)), _num(before.get(col))
        if a is None or b is None or a == b:
            continue
        yield Hit("Y101", args={"column": cols.get(col, col), "year": report.meta.year, "prev_year": prev.meta.year,
                                "actual": _fmt(a), "expected": _fmt(b)},
                  location=FindingLocation(section=3, table="applications", row="carried_over", column=col),
                  expected=b, actual=a, data={"previous": prev.source.path})


def check_item_counts(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """Y102 (2019 format): 上一年项目数量 (Y) = 上一年项目数量 (Y-1) + 本年增/减 (Y-1)."""
    prev = _disclosure_pair(report, ctx, "2019")
    if prev is None:
        return
    rows, _ = _labels(report, "disclosure")
    for row, cells in report.tables.disclosure.items():
        before = prev.tables.disclosure.get(row) or {}
        now_prev, then_prev, then_change = _num(cells.get("prev_items")), _num(before.get("prev_items")), \
            _num(before.get("change"))
        if None in (now_prev, then_prev, then_change):
            continue
        expected = then_prev + then_change
        if now_prev != expected:
            yield Hit("Y102", args={"row": rows.get(row, row), "year": report.meta.year, "prev_year": prev.meta.year,
                                    "actual": _fmt(now_prev), "expected": _fmt(expected),
                                    "then_prev": _fmt(then_prev), "then_change": _fmt(then_change)},
                      location=FindingLocation(section=2, table="disclosure", row=row, column="prev_items"),
                      expected=expected, actual=now_prev, data={"previous": prev.source.path})


def check_documents_in_force(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """Y103 (2021 format, info): 现行有效件数 (Y) ≈ 现行有效件数 (Y-1) + 本年制发件数 − 本年废止件数."""
    prev = _disclosure_pair(report, ctx, "2021")
    if prev is None:
        return
    rows, _ = _labels(report, "disclosure")
    for row in ("regulations", "normative_documents"):
        cells = report.tables.disclosure.get(row) or {}
        before = prev.tables.disclosure.get(row) or {}
        in_force, issued, repealed, then = (_num(cells.get("in_force")), _num(cells.get("issued")),
                                            _num(cells.get("repealed")), _num(before.get("in_force")))
        if None in (in_force, issued, repealed, then):
            continue
        expected = then + issued - repealed
        if in_force != expected:
            yield Hit("Y103", args={"row": rows.get(row, row), "year": report.meta.year, "prev_year": prev.meta.year,
                                    "actual": _fmt(in_force), "expected": _fmt(expected), "then": _fmt(then),
                                    "issued": _fmt(issued), "repealed": _fmt(repealed)},
                      location=FindingLocation(section=2, table="disclosure", row=row, column="in_force"),
                      expected=expected, actual=in_force, data={"previous": prev.source.path})


_NOISE = re.compile(r"[\s\d０-９〇一二三四五六七八九十年月日，。、；：“”（）()《》,.;:%％-]")


def _shingles(text: str, n: int) -> set[str]:
    # Years and figures change every year even in a copied text; compare the wording only.
    t = _NOISE.sub("", text)
    return {t[i:i + n] for i in range(max(0, len(t) - n + 1))}


def similarity(a: str, b: str, n: int = 4) -> float:
    """Jaccard similarity of character n-grams (linear in the text length)."""
    sa, sb = _shingles(a, n), _shingles(b, n)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def check_copied_text(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """Y104: a part (or the whole narrative) nearly identical to last year's report."""
    prev = _pair(report, ctx)
    if prev is None:
        return
    threshold = float(ctx.options.get("threshold", 0.8))
    min_chars = int(ctx.options.get("min_chars", 80))
    numerals = "一二三四五六"
    for number in ctx.options.get("parts", [1, 5]):
        now, before = report.section(number), prev.section(number)
        if not now or not before or not now.present or not before.present:
            continue
        if len(_NOISE.sub("", now.text)) < min_chars:
            continue
        sim = similarity(now.text, before.text)
        if sim >= threshold:
            yield Hit("Y104", args={"part": numerals[number - 1], "title": now.title or "", "percent": f"{sim:.0%}",
                                    "year": report.meta.year, "prev_year": prev.meta.year},
                      location=FindingLocation(section=number, line=now.start.line if now.start else None,
                                               page=now.start.page if now.start else None),
                      actual=round(sim, 3), expected=threshold, data={"previous": prev.source.path})


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


@hookimpl
def report_lint_rules():
    return [RuleImpl("Y101", check_carry_over), RuleImpl("Y102", check_item_counts),
            RuleImpl("Y103", check_documents_in_force), RuleImpl("Y104", check_copied_text)]
