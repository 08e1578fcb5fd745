"""The 0–100 score, its per-category breakdown and the letter grade (see docs/scoring.md).

Profile "2025.1" (bump SCORING_VERSION whenever a number below changes):

    filled share of part p  f_p = 1 if the part has text of its own (一 五 六: more than the form's
                                  bracketed instructions), else 0; for 二 三 四 the share of the
                                  template's table cells the report has in rows holding a figure
    filled in (coverage)    K   = Σ_p s_p · f_p / Σ_p s_p                     s = PART_SHARES
    deduction of rule r     d_r = min(1, w_r · Σ_i D[s_i] · ½^i)              findings i = 0,1,… of r, worst first
    category score          S_c = 100 · Π_r (1 − d_r)                         over the rules of c that ran
    quality                 Q   = Σ_c W_c · S_c / Σ_c W_c                     over categories with ≥1 rule that ran
    overall score           S   = K · Q
    D = {error: 0.25, warning: 0.05, info: 0}                                 (an error weighs 5 warnings, as in Pylint)
    W = {consistency 30, completeness 25, conformity 20, timeliness 10, interpretation 10, parse 5}

Why this shape: findings can only be raised about what is there, so a score made of deductions alone
rewards absence — the blank form broke no equation and scored 87.7. What is missing is therefore
measured on the content itself (K) and gates the whole score: a part or table that is not there costs
its full share of the whole score, and an empty form scores 0 whatever else holds. Q then measures how
compliant the content that is there is. Repeats of one rule cost less and less (½ each time), so one
broken table does not zero a category, while distinct problems multiply. Categories are combined as
Lighthouse combines audits: a weighted mean with published weights.
Grade: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else E; a report with any error finding is at most B (a
SonarQube-style worst-severity cap). An error finding of a rule marked `fatal` in the catalogue (the
file holds no report to assess) makes the score 0 (Pylint's "fatal ⇒ 0"); the categories are still
shown. An unreadable file has no score (None).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, overload

from .phrasing import rx

if TYPE_CHECKING:
    from .model import Report
    from .templates import TableSpec

SCORING_VERSION = "2025.1"
SEVERITY_DEDUCTION = {"error": 0.25, "warning": 0.05, "info": 0.0}
REPEAT_FACTOR = 0.5
# Each part's share of a complete report (条例第五十条's six parts). 表三 carries the statistics the
# regulation is most about (依申请公开); 一 is the narrative the rest is read against; 六 is often
# rightly just "无".
PART_SHARES: dict[int, float] = {1: 20, 2: 15, 3: 25, 4: 15, 5: 15, 6: 10}
COVERAGE = "coverage"


@dataclass(frozen=True)
class Category:
    key: str
    zh: str
    en: str
    families: tuple[str, ...]
    weight: float


CATEGORIES: dict[str, Category] = {c.key: c for c in (
    Category("completeness", "完整性", "Completeness", ("completeness",), 25),
    Category("consistency", "数据一致性", "Data consistency", ("zero-sum", "text-vs-table", "year-over-year"), 30),
    Category("conformity", "规范性", "Conformity", ("template", "format"), 20),
    Category("timeliness", "时效", "Timeliness", ("timeliness",), 10),
    Category("interpretation", "解读", "Interpretation", ("interpretation",), 10),
    Category("parse", "解析质量", "Parse quality", ("parse",), 5),
)}
# Not a weighted category: the share of the form that is filled in, which multiplies the total.
LABELS: dict[str, tuple[str, str]] = {COVERAGE: ("填报率", "Filled in"),
                                      **{k: (c.zh, c.en) for k, c in CATEGORIES.items()}}
CATEGORY_OF_FAMILY: dict[str, str] = {f: c.key for c in CATEGORIES.values() for f in c.families}
GRADES: tuple[tuple[float, str], ...] = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "E"))
ERROR_GRADE_CAP = "B"
TABLE_OF_PART = {2: "disclosure", 3: "applications", 4: "reviews"}
FILLED_KINDS = ("number", "not_applicable", "invalid")  # a cell someone wrote in (invalid: wrongly)


@overload
def round_score(x: float) -> float: ...
@overload
def round_score(x: None) -> None: ...
def round_score(x: float | None) -> float | None:
    """One decimal, half up (the value shown is the value compared with --fail-under)."""
    if x is None:
        return None
    return float(Decimal(repr(float(x))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@overload
def grade(score: float, has_error: bool = False) -> str: ...
@overload
def grade(score: None, has_error: bool = False) -> None: ...
def grade(score: float | None, has_error: bool = False) -> str | None:
    if score is None:
        return None
    letter = next(g for threshold, g in GRADES if score >= threshold)
    if has_error and letter < ERROR_GRADE_CAP:  # "A" < "B": better than the cap
        letter = ERROR_GRADE_CAP
    return letter


@dataclass(frozen=True)
class RuleRun:
    """A rule that ran on the file: its id, family and catalogue weight."""

    id: str
    family: str
    weight: float = 1.0
    fatal: bool = False


@dataclass
class Score:
    score: float
    grade: str
    categories: dict[str, float]
    deductions: dict[str, float] = field(default_factory=dict)  # rule id -> d_r (top contributors)
    version: str = SCORING_VERSION


def rule_deduction(severities: Iterable[str], weight: float = 1.0) -> float:
    ds = sorted((SEVERITY_DEDUCTION.get(s, 0.0) for s in severities), reverse=True)
    total = sum(d * REPEAT_FACTOR ** i for i, d in enumerate(ds))
    return min(1.0, weight * total)


def category_weights(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    w = {k: c.weight for k, c in CATEGORIES.items()}
    w.update(overrides or {})
    return w


def part_shares(overrides: Mapping | None = None) -> dict[int, float]:
    s = dict(PART_SHARES)
    s.update({int(k): float(v) for k, v in (overrides or {}).items()})
    return s


def profile(overrides: Mapping[str, float] | None = None, parts: Mapping | None = None) -> dict:
    """The formula's numbers, for RunResult.summary (so a score can be reproduced)."""
    return {
        "version": SCORING_VERSION if not (overrides or parts) else f"{SCORING_VERSION}+custom",
        "severity_deduction": dict(SEVERITY_DEDUCTION),
        "repeat_factor": REPEAT_FACTOR,
        "category_weights": category_weights(overrides),
        "part_shares": {str(k): v for k, v in part_shares(parts).items()},
    }


# --------------------------------------------------------------------------- filled in (K)

# compiled on first use, not at import
_NOTE = r"（[^（）]*）|\([^()]*\)"
_WORD = r"[\w\u4e00-\u9fff]"


def _own_text(text: str) -> bool:
    """Text beyond the form's bracketed instructions ("（文字描述）"): "无" counts, "（文字描述）" does not."""
    prev = None
    while prev != text:  # nested brackets
        prev, text = text, rx(_NOTE).sub("", text)
    return bool(rx(_WORD).search(text))


def _table_spec(report: Report, table: str, template_paths: tuple[str, ...]) -> TableSpec | None:
    """The template table the report's table is measured against: the declared one, unless another
    template's rows fit what was read strictly better (a hybrid table is not half empty)."""
    from .templates import get_template, once_per_spec, template_for_year, templates

    preferred = []
    for tid in (report.table_templates.get(table), report.meta.template):
        t = get_template(tid, template_paths) if tid else None
        if t is not None and t not in preferred:
            preferred.append(t)
    if report.meta.year:
        t = template_for_year(report.meta.year, template_paths)
        if t is not None and t not in preferred:
            preferred.append(t)
    everything = templates(template_paths)
    preferred += [t for t in reversed(everything) if t not in preferred]  # the newest format by default
    if not preferred:
        return None
    present = set(getattr(report.tables, table) or {})

    def fit(t) -> tuple[int, int]:
        keys = once_per_spec(_layout, t.table(table))[0]
        return (len(keys & present), -len(keys - present))

    best = preferred[0]
    for t in preferred[1:]:
        if fit(t) > fit(best):
            best = t
    return best.table(table)


# Per template table, worked out once: its row keys, and each row's key with its column keys in order and
# as a set (None when a key repeats).
_Layout = tuple[frozenset[str], list[tuple[str, tuple[str, ...], frozenset[str] | None]], int]


def _layout(spec: TableSpec) -> _Layout:
    pairs = spec.row_columns()
    rows = []
    for row, cols in pairs:
        keys = tuple(c.key for c in cols)
        rows.append((row.key, keys, frozenset(keys) if len(set(keys)) == len(keys) else None))
    return frozenset(r.key for r, _ in pairs), rows, sum(len(cols) for _, cols in pairs)


def _filled_share(spec: TableSpec, data: dict) -> float:
    from .templates import once_per_spec

    _, rows, total = once_per_spec(_layout, spec)
    filled = 0
    for key, cols, colset in rows:
        cells = data.get(key)
        if not cells:
            continue
        if colset is not None and cells.keys() <= colset:
            present: Iterable = cells.values()  # the usual row: every cell it holds is one of its columns
            n = len(cells)
        else:
            present = [cell for c in cols if (cell := cells.get(c)) is not None]
            n = len(present)
        # a row with a figure is filled in, its blank cells being 0s left unwritten (SPEC §0.1, Z106);
        # a row with none was not filled in, and a cell the table lacks altogether is missing
        if any(cell.kind in FILLED_KINDS for cell in present):
            filled += n
    return filled / total if total else 0.0


def filled_parts(report: Report, template_paths: tuple[str, ...] = ()) -> dict[int, float]:
    """f_p for the six parts: how much of each is filled in (see the module docstring)."""
    out: dict[int, float] = {}
    for part in sorted(PART_SHARES):
        table = TABLE_OF_PART.get(part)
        if table is None:
            sec = report.section(part)
            out[part] = 1.0 if sec is not None and sec.present and _own_text(sec.text) else 0.0
            continue
        data = getattr(report.tables, table) or {}
        spec = _table_spec(report, table, template_paths) if data else None
        if spec is None:
            out[part] = 0.0
            continue
        out[part] = _filled_share(spec, data)
    return out


def coverage(parts: Mapping[int, float], shares: Mapping[int, float] | None = None) -> float:
    shares = shares or PART_SHARES
    total = sum(shares.get(p, 0.0) for p in parts)
    return sum(shares.get(p, 0.0) * f for p, f in parts.items()) / total if total > 0 else 1.0


# --------------------------------------------------------------------------- the score

def score_file(findings: Iterable, rules_run: Iterable[RuleRun],
               weights: Mapping[str, float] | None = None, *, report: Report | None = None,
               parts: Mapping | None = None, template_paths: tuple[str, ...] = (),
               filled: Mapping[int, float] | None = None) -> Score:
    """Score one file. `findings`: objects with .rule and .severity (engine Findings); `rules_run`: every
    rule that ran (a rule that ran and found nothing counts: its category then has a score); `report`:
    the parsed model, whose filled-in share K multiplies the score (without it K is not measured and
    taken as 1 — the formula on findings alone); `parts`: overrides of PART_SHARES; `filled`: the
    report's filled_parts, when already known (then `report` is not read)."""
    per_rule: dict[str, list[str]] = {}
    has_error = False
    for f in findings:
        per_rule.setdefault(f.rule, []).append(f.severity)
        has_error = has_error or f.severity == "error"
    cat_scores: dict[str, float] = {}
    deductions: dict[str, float] = {}
    fatal = False
    for r in rules_run:
        fatal = fatal or (r.fatal and "error" in per_rule.get(r.id, ()))
        cat = CATEGORY_OF_FAMILY.get(r.family)
        if cat is None:
            continue
        cat_scores.setdefault(cat, 1.0)
        if r.id in per_rule:
            d = rule_deduction(per_rule[r.id], r.weight)
            if d > 0:
                deductions[r.id] = d
            cat_scores[cat] *= 1.0 - d
    w = category_weights(weights)
    total_w = sum(w[c] for c in cat_scores)
    if total_w > 0:
        quality = sum(w[c] * s for c, s in cat_scores.items()) / total_w
    elif cat_scores:  # every category that ran was weighted 0: fall back to the plain mean
        quality = sum(cat_scores.values()) / len(cat_scores)
    else:
        quality = 1.0
    if filled is None:
        filled = filled_parts(report, template_paths) if report is not None else {}
    k = coverage(filled, part_shares(parts)) if filled else 1.0
    shown = 0.0 if fatal else round_score(100.0 * k * quality)
    order = list(CATEGORIES)
    categories = {COVERAGE: round_score(100.0 * k)} if filled else {}
    categories.update({c: round_score(100.0 * cat_scores[c]) for c in sorted(cat_scores, key=order.index)})
    return Score(
        score=shown,
        grade=grade(shown, has_error),
        categories=categories,
        deductions=dict(sorted(deductions.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


__all__ = [
    "CATEGORIES",
    "CATEGORY_OF_FAMILY",
    "COVERAGE",
    "ERROR_GRADE_CAP",
    "GRADES",
    "LABELS",
    "PART_SHARES",
    "REPEAT_FACTOR",
    "SCORING_VERSION",
    "SEVERITY_DEDUCTION",
    "Category",
    "RuleRun",
    "Score",
    "category_weights",
    "coverage",
    "filled_parts",
    "grade",
    "part_shares",
    "profile",
    "round_score",
    "rule_deduction",
    "score_file",
]
