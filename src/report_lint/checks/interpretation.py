"""I family: 政策解读 of 规章 and 行政规范性文件 (SPEC §9, POL-1).

“谁起草、谁解读” and “政策性文件与解读方案、解读材料同步…” are national policy (国办发〔2016〕80号, as
quoted by local rules), but no national numeric 解读率 target exists (SPEC §9), so the target is an
option (default 100%) and a rate below it is only an info finding. A stated 解读率 that its own
counts contradict is a data error in the text (warning).
"""
from __future__ import annotations

from typing import Iterable, Optional

from ..engine.types import FindingLocation, Hit, RuleContext, RuleImpl, hookimpl
from ..model import Report
from .helpers import disclosure_first_part, paragraph_location, quote
from .text_vs_table import (
    Statement, extract_statements, stated_rates,
)

_DOC_WORDS = ("规范性文件", "规章", "政策文件", "文件")


def _pct(rate: float) -> str:
    v = rate * 100
    return f"{v:.0f}%" if abs(v - round(v)) < 0.05 else f"{v:.1f}%"


def issued_in_table(report: Report) -> Optional[tuple[float, dict[str, float], str]]:
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


def _interpretation_count(report: Report) -> Optional[Statement]:
    """The organ's own count of interpretations of documents (not “解读信息发布 7 条” in general)."""
    for st in extract_statements(report):
        if st.metric == "interpretations" and st.scope == "self" and not st.approx \
                and any(w in st.sentence for w in _DOC_WORDS):
            return st
    return None


def _doc_count(report: Report, sentence: Optional[str] = None) -> Optional[int]:
    """Documents issued as the text states them (规章 + 规范性文件), preferring the same sentence."""
    found = [s for s in extract_statements(report)
             if s.metric in ("normative_issued", "regulations_issued") and s.scope == "self" and not s.approx]
    if sentence is not None:
        same = [s for s in found if s.sentence == sentence]
        if same:
            found = same
    if not found:
        return None
    by_metric: dict[str, int] = {}
    for s in found:
        by_metric.setdefault(s.metric, s.value)
    return sum(by_metric.values())


def _table_location(report: Report) -> FindingLocation:
    part, col = disclosure_first_part(report)
    return FindingLocation(section=2, table="disclosure", row="normative_documents", column=col)


def check_rate_below_target(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    target = float(ctx.options.get("target_rate", 1.0))
    table = issued_in_table(report)
    st = _interpretation_count(report)
    if table and table[0] > 0 and st is not None:
        issued, _, label = table
        rate = st.value / issued
        if rate + 1e-9 < target:
            yield Hit("I101", args={"issued": int(issued), "column": label, "interpreted": st.value,
                                    "rate": _pct(rate), "target": _pct(target), "quote": quote(st.sentence),
                                    "basis_zh": f"正文称政策解读 {st.value} 件",
                                    "basis_en": f"the text reports {st.value} interpretations"},
                      location=paragraph_location(st.paragraph, st.paragraph_index),
                      expected=f">= {_pct(target)}", actual=_pct(rate),
                      data={"issued": issued, "interpreted": st.value, "rate": rate, "target": target,
                            "sentence": st.sentence})
        return
    # no count to compute with: a stated rate below the target still says it
    if not table or table[0] <= 0:
        return
    for rate, sent, para, idx in stated_rates(report):
        if rate + 1e-9 < target:
            yield Hit("I101", args={"issued": int(table[0]), "column": table[2], "interpreted": "?", "rate": _pct(rate), "target": _pct(target),
                                    "quote": quote(sent), "basis_zh": f"正文称解读率 {_pct(rate)}",
                                    "basis_en": f"the text states a rate of {_pct(rate)}"},
                      location=paragraph_location(para, idx), expected=f">= {_pct(target)}", actual=_pct(rate),
                      data={"rate": rate, "target": target, "sentence": sent})
            return


def check_stated_rate(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    st = _interpretation_count(report)
    if st is None:
        return
    for rate, sent, para, idx in stated_rates(report):
        docs = _doc_count(report, sent)
        source_zh = "正文所述制发件数"
        if docs is None:
            table = issued_in_table(report)
            if not table:
                continue
            docs, source_zh = int(table[0]), f"表二“{table[2]}”"
        if not docs:
            continue
        computed = min(st.value / docs, 1.0)
        # a stated rate is rounded to whole percent at most
        if abs(computed - rate) > 0.005 + 1e-9:
            yield Hit("I102", args={"stated": _pct(rate), "interpreted": st.value, "docs": docs,
                                    "docs_source": source_zh, "computed": _pct(computed), "quote": quote(sent)},
                      location=paragraph_location(para, idx), expected=_pct(computed), actual=_pct(rate),
                      data={"stated_rate": rate, "computed_rate": computed, "interpreted": st.value,
                            "documents": docs, "sentence": sent})
        return


def check_not_mentioned(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    table = issued_in_table(report)
    if not table or table[0] <= 0:
        return
    texts = [s.text for s in report.sections] + [p.text for p in report.paragraphs]
    if any("解读" in t for t in texts):
        return
    issued, values, label = table
    yield Hit("I103", args={"issued": int(issued), "column": label},
              location=_table_location(report), actual=int(issued),
              data={"issued": values})


@hookimpl
def report_lint_rules():
    return [
        RuleImpl("I101", check_rate_below_target),
        RuleImpl("I102", check_stated_rate),
        RuleImpl("I103", check_not_mentioned),
    ]
