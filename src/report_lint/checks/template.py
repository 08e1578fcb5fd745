"""V family — template version: the format used must be the one in force for the report year, one
format throughout (SPEC.md §1 VER-1, VER-2). Which format applies to which years is template data
(rules/templates/*.toml: first_year/last_year), read through report_lint.templates."""
from __future__ import annotations

from collections.abc import Iterable

from ..engine.types import FindingLocation, Hit, RuleContext, RuleImpl, hookimpl
from ..model import Report
from ..templates import TABLE_KEYS, Template, get_template, template_for_year
from .helpers import TABLE_ZH


def _years(t: Template) -> str:
    return f"{t.first_year}—{t.last_year}年度" if t.last_year else f"{t.first_year}年度起"


def _years_en(t: Template) -> str:
    return f"report years {t.first_year}–{t.last_year}" if t.last_year else f"report years {t.first_year} on"


def _describe(t: Template) -> str:
    return f"{t.id}年格式《{t.name}》（{t.basis}）"


def _distinguishing_labels(key: str, own: Template, other: Template | None) -> list[str]:
    """Row and column labels of `own`'s table that `other`'s table lacks: what gives the table away."""
    if other is None:
        return []
    theirs = other.table(key)
    their_labels = ({c.label for _, cols in theirs.row_columns() for c in cols}
                    | {r.label for r, _ in theirs.row_columns()})
    out = []
    for r, cols in own.table(key).row_columns():
        out += [c.label for c in cols if c.label not in their_labels and c.label not in out]
        if r.label not in their_labels and r.label not in out:
            out.append(r.label)
    return out


def _shown(report: Report, key: str, own: Template, other: Template | None) -> str | None:
    """A label that gives the table away *and* that recognition found in the report (listed in
    meta.template_evidence): a finding quotes only what the report says."""
    found = report.meta.template_evidence.get(key, "")
    return next((lab for lab in _distinguishing_labels(key, own, other) if lab in found), None)


def check_year_mismatch(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    year, used = report.meta.year, get_template(report.meta.template)
    if year is None or used is None:
        return  # unknown (V103) or hybrid (V102): judged there
    expected = template_for_year(year)
    if expected is None or expected.id == used.base_id:
        return
    evidence = ""
    for key in TABLE_KEYS:
        label = _shown(report, key, used, expected)
        if label and getattr(report.tables, key) is not None:
            evidence = f"{TABLE_ZH[key]}出现“{label}”"
            break
    yield Hit("V101", args={"year": year, "expected": _describe(expected), "expected_years": _years(expected),
                            "expected_years_en": _years_en(expected), "used": _describe(used),
                            "evidence": f"（{evidence}）" if evidence else "",
                            "evidence_en": f" ({evidence})" if evidence else ""},
              expected=expected.id, actual=used.id)


def check_hybrid(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """One report, two formats: a table mixing both formats' labels (SPEC VER-2: 2021 （一） columns with
    2019 （五） columns in one 表二, report.mixed_labels), and tables that each follow another format."""
    if report.meta.template != "hybrid":
        return
    expected = template_for_year(report.meta.year) if report.meta.year else None
    by_table = {k: t for k, v in report.table_templates.items()
                if k in TABLE_KEYS and getattr(report.tables, k) is not None and (t := get_template(v)) is not None}
    mixed = {k: v for k, v in report.mixed_labels.items() if len(v) > 1}
    ids = sorted({t.id for t in by_table.values()})
    parts_zh, parts_en = [], []
    first = None
    for key in TABLE_KEYS:
        if key in mixed:
            found = mixed[key]
            zh = "、".join(f"{tid}年格式的“{labs[0]}”" for tid, labs in sorted(found.items()))
            en = ", ".join(f"'{labs[0]}' of the {tid} format" for tid, labs in sorted(found.items()))
            parts_zh.append(f"{TABLE_ZH[key]}同时有{zh}等栏目")
            parts_en.append(f"{TABLE_ZH[key]} mixes {en}")
            first = first or key
            continue
        t = by_table.get(key)
        if t is None or len(ids) < 2:
            continue
        others = [get_template(i) for i in ids if i != t.id]
        if not _distinguishing_labels(key, t, others[0] if others else None):
            continue  # this table reads the same in every format (表四): it proves nothing
        label = _shown(report, key, t, others[0] if others else None)
        parts_zh.append(f"{TABLE_ZH[key]}按{t.id}年格式" + (f"（如“{label}”）" if label else ""))
        parts_en.append(f"{TABLE_ZH[key]} follows the {t.id} format" + (f" (e.g. '{label}')" if label else ""))
        if first is None and expected is not None and t.id != expected.id:
            first = key
    if not parts_zh or (not mixed and len(parts_zh) < 2):
        return  # the builder said hybrid but the tables name one format: nothing to point at
    if expected is not None:
        target_zh, target_en = f"{report.meta.year}年度报告应统一使用{_describe(expected)}", \
            f"a {report.meta.year} report must use the {expected.id} format ({expected.basis}) throughout"
    else:
        target_zh, target_en = "同一份报告应统一使用一种格式", "one report must use one format throughout"
    yield Hit("V102", args={"tables": "，".join(parts_zh), "tables_en": "; ".join(parts_en),
                            "target": target_zh, "target_en": target_en},
              location=FindingLocation(table=first) if first else None,
              data={"table_templates": {k: t.id for k, t in by_table.items()}, "mixed_labels": mixed})


def check_unknown(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    if report.meta.template == "unknown" or (report.meta.template != "hybrid"
                                             and get_template(report.meta.template) is None):
        expected = template_for_year(report.meta.year) if report.meta.year else None
        hint_zh = f"；{report.meta.year}年度应使用{_describe(expected)}" if expected else ""
        hint_en = f"; a {report.meta.year} report uses the {expected.id} format ({expected.basis})" if expected else ""
        yield Hit("V103", args={"hint": hint_zh, "hint_en": hint_en})


@hookimpl
def report_lint_rules():
    return [
        RuleImpl("V101", check_year_mismatch),
        RuleImpl("V102", check_hybrid),
        RuleImpl("V103", check_unknown),
    ]
