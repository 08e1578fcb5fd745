"""I family: 政策解读 of 规章 and 行政规范性文件 (SPEC §9, POL-1).

“谁起草、谁解读” and “政策性文件与解读方案、解读材料同步…” are national policy (国办发〔2016〕80号, as
quoted by local rules), but no national numeric 解读率 target exists (SPEC §9), so the target is an
option (default 100%) and a rate below it is only an info finding. A stated 解读率 that its own
counts contradict is a data error in the text (warning).

The rate comes from what the text states (report.facts): an interpretation count over the documents
issued (表二's count; when 表二 gives none or 0, the text's own — “制发规范性文件5件，其中3件同步解读”),
a share word (全部/均/同步…解读: 100%), or a stated 解读率.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..engine.types import FindingLocation, Hit, RuleContext, RuleImpl, hookimpl
from ..model import Fact, Report
from .helpers import disclosure_first_part, fact_location, fact_number, facts_of, own_scope, quote

_ISSUED = ("regulations_issued", "normative_issued")
_SAID = ("interpretations", "interpretation_share", "interpretation_rate", "interpretation_mention")


def _pct(rate: float) -> str:
    v = rate * 100
    return f"{v:.0f}%" if abs(v - round(v)) < 0.05 else f"{v:.1f}%"


def issued_in_table(report: Report) -> tuple[float, dict[str, float], str] | None:
    """表二 第二十条第（一）项: 规章 + 规范性文件 issued this year (本年制发件数 / 本年新制作数量)."""
    part, col = disclosure_first_part(report)
    data = report.tables.disclosure or {}
    if not part or not data:
        return None
    values: dict[str, float] = {}
    for row in part.rows:
        cell = (data.get(row.key) or {}).get(col)
        if cell is not None and cell.kind == "number" and cell.value is not None:
            values[row.key] = cell.value
    if not values:
        return None
    label = next(c.label for c in part.columns if c.key == col)
    return sum(values.values()), values, label


def _own(report: Report, *kinds: str) -> list[Fact]:
    return [f for f in facts_of(report, *kinds) if own_scope(report, f) and not f.approx]


def _text_issued(facts: list[Fact]) -> int | None:
    """规章 + 规范性文件 as the text counts them (the first figure of each)."""
    first: dict[str, int] = {}
    for f in facts:
        first.setdefault(f.kind, int(fact_number(f)))
    return sum(first.values()) if first else None


class Base:
    """The documents a rate is of, and how a message names them."""

    def __init__(self, count: float, zh: str, en: str, column: str | None = None):
        self.count, self.zh, self.en, self.column = count, zh, en, column


def documents_base(report: Report, sentence: str | None = None) -> Base | None:
    """The documents issued: 表二's count; when 表二 gives none or 0, the text's own count (in
    `sentence` first — 其中3件… counts those — else anywhere)."""
    table = issued_in_table(report)
    if table and table[0] > 0:
        total = int(table[0])
        return Base(total, f"表二“{table[2]}”共 {total} 件（规章与规范性文件）",
                    f"表二 “{table[2]}” totals {total} (regulations and normative documents)", table[2])
    stated = _own(report, *_ISSUED)
    n = (_text_issued([f for f in stated if f.sentence == sentence]) if sentence else None) or _text_issued(stated)
    if n:
        return Base(n, f"正文称制发规章和规范性文件 {n} 件", f"the text reports {n} documents issued")
    return None


def _counts(report: Report) -> list[Fact]:
    """The organ's own counts of interpretations of documents (not 解读类信息发布 21 条 in general, not
    政策及解读共 2 条, which counts two things at once)."""
    return [f for f in _own(report, "interpretations") if f.data.get("of_documents")]


def check_rate_below_target(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    target = float(ctx.options.get("target_rate", 1.0))
    for f in _counts(report):
        base = documents_base(report, f.sentence)
        if base is None or base.count <= 0:
            continue
        rate = fact_number(f) / base.count
        if rate + 1e-9 < target:
            yield Hit("I101", args={"issued": int(base.count), "interpreted": f.value, "rate": _pct(rate),
                                    "target": _pct(target), "quote": quote(f.sentence), "base": base.zh + "，",
                                    "base_en": base.en + "; ",
                                    "basis_zh": f"正文称政策解读 {f.value} {f.unit or '件'}",
                                    "basis_en": f"the text reports {f.value} interpretations"},
                      location=fact_location(f), expected=f">= {_pct(target)}", actual=_pct(rate),
                      data={"issued": base.count, "interpreted": f.value, "rate": rate, "target": target,
                            "sentence": f.sentence})
        return  # the organ's count decides
    if _own(report, "interpretation_share"):
        return  # 全部/均 … 解读: 100%
    for f in _own(report, "interpretation_rate"):
        rate = float(fact_number(f))
        if rate + 1e-9 < target:
            base = documents_base(report, f.sentence)
            yield Hit("I101", args={"issued": int(base.count) if base else "?", "interpreted": "?",
                                    "rate": _pct(rate), "target": _pct(target), "quote": quote(f.sentence),
                                    "base": base.zh + "，" if base else "", "base_en": base.en + "; " if base else "",
                                    "basis_zh": f"正文称解读率 {_pct(rate)}",
                                    "basis_en": f"the text states a rate of {_pct(rate)}"},
                      location=fact_location(f), expected=f">= {_pct(target)}", actual=_pct(rate),
                      data={"rate": rate, "target": target, "sentence": f.sentence})
        return


def check_stated_rate(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    counts = _counts(report)
    for f in _own(report, "interpretation_rate"):
        count = next((c for c in counts if c.sentence == f.sentence), counts[0] if counts else None)
        base = documents_base(report, f.sentence)
        if count is None or base is None or base.count <= 0:
            continue
        rate = float(fact_number(f))
        computed = min(fact_number(count) / base.count, 1.0)
        # a stated rate is rounded to whole percent at most
        if abs(computed - rate) > 0.005 + 1e-9:
            source = "正文所述制发件数" if base.column is None else f"表二“{base.column}”"
            yield Hit("I102", args={"stated": _pct(rate), "interpreted": count.value, "docs": int(base.count),
                                    "docs_source": source, "computed": _pct(computed), "quote": quote(f.sentence)},
                      location=fact_location(f), expected=_pct(computed), actual=_pct(rate),
                      data={"stated_rate": rate, "computed_rate": computed, "interpreted": count.value,
                            "documents": base.count, "sentence": f.sentence})
        return


def check_not_mentioned(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    if facts_of(report, *_SAID):
        return
    table = issued_in_table(report)
    if table and table[0] > 0:
        issued, values, label = table
        _part, col = disclosure_first_part(report)
        yield Hit("I103", args={"issued": int(issued), "column": label, "source": f"表二规章和规范性文件的“{label}”",
                                "source_en": f"表二 “{label}” of regulations and normative documents"},
                  location=FindingLocation(section=2, table="disclosure", row="normative_documents", column=col),
                  actual=int(issued), data={"issued": values})
        return
    stated = _own(report, *_ISSUED)
    n = _text_issued(stated)
    if n:
        yield Hit("I103", args={"issued": n, "column": "", "source": "正文所述本年制发规章和规范性文件",
                                "source_en": "the documents the text says were issued"},
                  location=fact_location(stated[0]), actual=n, data={"issued": {f.kind: f.value for f in stated}})


@hookimpl
def report_lint_rules():
    return [
        RuleImpl("I101", check_rate_below_target),
        RuleImpl("I102", check_stated_rate),
        RuleImpl("I103", check_not_mentioned),
    ]
