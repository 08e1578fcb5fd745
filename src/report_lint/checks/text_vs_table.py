"""X family: counts stated in the narrative versus the tables (SPEC T2-7, T3-6, T4-3).

The figures come from report.facts (recognise/facts.py reads the prose once: Arabic and Chinese
numerals, what each counts, whose figure it is). Here they are compared:
- approximate figures (约、余、近、多, ranges) are never compared, nor plans and examples;
- a figure about the reporting organ itself (or, in a government's report, its whole area) that
  contradicts its table is a warning (X101–X103);
- a figure about another scope — a sub-unit or another body (“区政府办代表区政府受理…”, “其中XX局…”,
  “全区各单位…”) — is at most an info finding (X104), and a 其中 part of a whole is silent.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..engine.types import Hit, RuleContext, RuleImpl, hookimpl
from ..model import Fact, Report
from .helpers import (
    TABLE_NAMES,
    disclosure_first_part,
    fact_location,
    fmt_num,
    is_government,
    quote,
    resolve_table,
    row_label,
    short_label,
    split_source,
)

# --------------------------------------------------------------------------- table values

def _num(cell) -> float | None:
    if cell is None or cell.kind != "number" or cell.value is None:
        return None
    return cell.value


def _row_total(report: Report, table: str, row: str) -> float | None:
    data = getattr(report.tables, table) or {}
    cells = data.get(row)
    if not cells:
        return None
    t = _num(cells.get("total"))
    if t is not None:
        return t
    vals = [v for k, c in cells.items() if k != "total" and (v := _num(c)) is not None]
    return sum(vals) if vals else None


def _group_total(report: Report, prefix: str) -> float | None:
    """Sum of the 表三 outcome rows whose template label starts with （三）, （四）…"""
    resolved = resolve_table(report, "applications")
    if not resolved:
        return None
    _, spec = resolved
    rows = [r.key for r in spec.rows if r.label.startswith(prefix)]
    totals = [v for r in rows if (v := _row_total(report, "applications", r)) is not None]
    if not rows or len(totals) < len(rows):
        return None
    return sum(totals)


def _disclosure(report: Report, row: str, column_pred) -> tuple[float, str, str] | None:
    part, first = disclosure_first_part(report)
    if not part:
        return None
    col = column_pred(part, first)
    if not col:
        return None
    v = _num(((report.tables.disclosure or {}).get(row) or {}).get(col))
    if v is None:
        return None
    label = next(c.label for c in part.columns if c.key == col)
    return v, col, label


def table_values(report: Report, metric: str) -> tuple[list[float], str, dict] | None:
    """The table figure(s) a stated count (a fact kind) may equal, a description, and the location."""
    A = "applications"
    simple = {"applications_received": "new_received", "applications_carried_over": "carried_over",
              "applications_carried_forward": "carried_forward", "applications_handled": "total",
              "applications_granted": "granted", "applications_partially_granted": "partially_granted"}
    if metric in simple:
        row = simple[metric]
        v = _row_total(report, A, row)
        if v is None:
            return None
        accept = [v]
        if metric == "applications_received":  # “共受理 N 件（含上年结转）” counts 一 + 二
            c = _row_total(report, A, "carried_over")
            if c:
                accept.append(v + c)
        return accept, _row_desc(report, A, row), {"table": A, "row": row, "column": "total"}
    if metric == "applications_granted_or_partial":
        a, b = _row_total(report, A, "granted"), _row_total(report, A, "partially_granted")
        if a is None or b is None:
            return None
        return ([a + b], "表三“（一）予以公开”与“（二）部分公开”总计之和",
                {"table": A, "row": "granted", "column": "total"})
    groups = {"applications_denied": ("（三）", "（三）不予公开"),
              "applications_unavailable": ("（四）", "（四）无法提供"),
              "applications_not_processed": ("（五）", "（五）不予处理")}
    if metric in groups:
        prefix, name = groups[metric]
        v = _group_total(report, prefix)
        if v is None:
            return None
        return [v], f"表三“{name}”各项之和", {"table": A, "row": None, "column": "total"}
    R = "reviews"
    if metric == "reviews":
        v = _row_total(report, R, "review")
        return ([v], "表四“行政复议”总计", {"table": R, "row": "review", "column": "total"}) if v is not None else None
    if metric in ("lawsuits", "reviews_and_lawsuits"):
        d = _row_total(report, R, "litigation_direct")
        a = _row_total(report, R, "litigation_after_review")
        if d is None or a is None:
            return None
        if metric == "lawsuits":
            return [d + a, d], "表四“行政诉讼”两组总计之和", {"table": R, "row": "litigation_direct", "column": "total"}
        r = _row_total(report, R, "review")
        if r is None:
            return None
        return [r + d + a], "表四行政复议与行政诉讼总计之和", {"table": R, "row": "review", "column": "total"}
    D = "disclosure"
    if metric in ("normative_issued", "regulations_issued", "normative_repealed", "regulations_repealed"):
        row = "normative_documents" if metric.startswith("normative") else "regulations"
        if metric.endswith("issued"):
            got = _disclosure(report, row, lambda part, first: first)
        else:  # the 2021 format's 本年废止件数 (the 2019 format has no such column)
            got = _disclosure(report, row, lambda part, first: next(
                (c.key for c in part.columns if c.key == "repealed"), None))
        if not got:
            return None
        v, col, label = got
        rl = "规范性文件" if row == "normative_documents" else "规章"
        return [v], f"表二“{rl}”的“{label}”", {"table": D, "row": row, "column": col}
    if metric == "normative_in_force":
        got = _disclosure(report, "normative_documents",
                          lambda part, first: next((c.key for c in part.columns if c.key == "in_force"), None))
        if not got:
            return None
        v, col, label = got
        return [v], f"表二“行政规范性文件”的“{label}”", {"table": D, "row": "normative_documents", "column": col}
    return None


def _row_desc(report: Report, table: str, row: str) -> str:
    resolved = resolve_table(report, table)
    label = short_label(row_label(resolved[1], row)) if resolved else row
    return f"{TABLE_NAMES[table]}“{label}”总计"


# --------------------------------------------------------------------------- findings

RULE_OF = {
    "applications_received": "X101", "applications_carried_over": "X101", "applications_carried_forward": "X101",
    "applications_handled": "X101", "applications_granted": "X101", "applications_partially_granted": "X101",
    "applications_granted_or_partial": "X101", "applications_denied": "X101", "applications_unavailable": "X101",
    "applications_not_processed": "X101",
    "reviews": "X102", "lawsuits": "X102", "reviews_and_lawsuits": "X102",
    "normative_issued": "X103", "regulations_issued": "X103", "normative_in_force": "X103",
    "normative_repealed": "X103", "regulations_repealed": "X103",
}
OTHER_SCOPE_RULE = "X104"
PART_NUMERALS = "一二三四五六"


def _where_text(fact: Fact) -> tuple[str, str]:
    n = fact.section
    if n is None or not 1 <= n <= 6:
        return "正文", "the text"
    return f"第{PART_NUMERALS[n - 1]}部分", f"part {n}"


def _hits(report: Report) -> Iterator[Hit]:
    seen: set[tuple] = set()
    government = is_government(report)
    for f in report.facts:
        rule = RULE_OF.get(f.kind)
        if not rule or f.approx or f.scope in ("plan", "example") or not isinstance(f.value, int):
            continue
        own = f.scope == "self" or (f.scope == "region" and government)
        if not own and f.data.get("part_of"):
            continue  # a part is smaller than its whole by definition: no news
        got = table_values(report, f.kind)
        if not got:
            continue
        accept, desc, loc = got
        if any(abs(f.value - a) < 1e-9 for a in accept):
            continue
        key = (f.kind, f.value, f.sentence, own)
        if key in seen:
            continue
        seen.add(key)
        marker = f.data.get("scope_marker") or ""
        where_zh, where_en = _where_text(f)
        stated = "0 件（“未收到”或“未发生”）" if f.data.get("zero") else f"{f.value} {f.unit or '件'}"
        note_zh, note_en = _split_note(report, loc, f.value)
        args = {"note": note_zh, "note_en": note_en, "part": where_zh, "part_en": where_en, "quote": quote(f.sentence),
                "what": f.label, "what_en": f.label_en, "stated": stated, "stated_value": f.value,
                "table_desc": desc, "table_value": fmt_num(accept[0]), "scope": marker}
        data = {"metric": f.kind, "stated": f.value, "table": accept[0], "scope": "self" if own else "other",
                "scope_marker": marker, "sentence": f.sentence, "table_cell": loc}
        yield Hit(rule if own else OTHER_SCOPE_RULE, args=args, location=fact_location(f),
                  expected=_plain(accept[0]), actual=f.value, data=data)


def _split_note(report: Report, loc: dict, stated: int) -> tuple[str, str]:
    """When the table figure was separated from run-together digits that also hold the stated
    figure, the text may be right and the separation wrong (r80628: “34” read as 3|40)."""

    if not loc.get("row") or not loc.get("column"):
        return "", ""
    cell = report.cell(loc["table"], loc["row"], loc["column"])
    if cell is None or cell.derived != "split":
        return "", ""
    raw, ambiguous = split_source(report, loc["table"], loc["row"])
    digits = re.sub(r"\D", "", raw or "")
    # only when the parser had to guess: a forced separation is no excuse for the table
    if ambiguous and digits and str(stated) in digits:
        return (f"（表格此行数字原文连写为“{raw}”，也可能是表格数字拆分有误，正文的 {stated} 或许才对）",
                (f" (the table row's digits are run together as “{raw}”; the separation may be wrong and the "
                f"text's {stated} right)"))
    return "", ""


def _plain(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _rule(rule: str):
    def check(report: Report, ctx: RuleContext) -> Iterable[Hit]:
        return [h for h in _hits(report) if h.rule == rule]
    check.__name__ = f"check_{rule.lower()}"
    return check


@hookimpl
def report_lint_rules():
    return [RuleImpl(r, _rule(r)) for r in ("X101", "X102", "X103", OTHER_SCOPE_RULE)]
