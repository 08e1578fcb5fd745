"""The 0–100 score, its per-category breakdown and the letter grade (see docs/scoring.md).

Profile "2024.1" (bump SCORING_VERSION whenever a number below changes):

    deduction of rule r   d_r = min(1, w_r · Σ_i D[s_i] · ½^i)     findings i = 0,1,… of r, worst first
    category score        S_c = 100 · Π_r (1 − d_r)                over the rules of c that ran
    overall score         S   = Σ_c W_c · S_c / Σ_c W_c            over categories with ≥1 rule that ran
    D = {error: 0.25, warning: 0.05, info: 0}                      (an error weighs 5 warnings, as in Pylint)
    W = {consistency 30, completeness 25, conformity 20, timeliness 10, interpretation 10, parse 5}

Why this shape: every report follows the same national template, so Pylint's division by size adds
nothing; what varies is how many things are wrong. Repeats of one rule (7 columns of a broken table)
cost less and less (½ each time), so one broken table does not zero a category, while distinct problems
multiply. Categories are combined as Lighthouse combines audits: a weighted mean with published weights.
Grade: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else E; a report with any error finding is at most B (a
SonarQube-style worst-severity cap). An error finding of a rule marked `fatal` in the catalogue (the
file holds no report to assess) makes the score 0 (Pylint's "fatal ⇒ 0"); the categories are still
shown. An unreadable file has no score (None).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping, Optional

SCORING_VERSION = "2024.1"
SEVERITY_DEDUCTION = {"error": 0.25, "warning": 0.05, "info": 0.0}
REPEAT_FACTOR = 0.5


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
CATEGORY_OF_FAMILY: dict[str, str] = {f: c.key for c in CATEGORIES.values() for f in c.families}
GRADES: tuple[tuple[float, str], ...] = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "E"))
ERROR_GRADE_CAP = "B"


def round_score(x: Optional[float]) -> Optional[float]:
    """One decimal, half up (the value shown is the value compared with --fail-under)."""
    if x is None:
        return None
    return float(Decimal(repr(float(x))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def grade(score: Optional[float], has_error: bool = False) -> Optional[str]:
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


def category_weights(overrides: Optional[Mapping[str, float]] = None) -> dict[str, float]:
    w = {k: c.weight for k, c in CATEGORIES.items()}
    w.update(overrides or {})
    return w


def profile(overrides: Optional[Mapping[str, float]] = None) -> dict:
    """The formula's numbers, for RunResult.summary (so a score can be reproduced)."""
    return {
        "version": SCORING_VERSION if not overrides else f"{SCORING_VERSION}+custom",
        "severity_deduction": dict(SEVERITY_DEDUCTION),
        "repeat_factor": REPEAT_FACTOR,
        "category_weights": category_weights(overrides),
    }


def score_file(findings: Iterable, rules_run: Iterable[RuleRun],
               weights: Optional[Mapping[str, float]] = None) -> Score:
    """Score one file. `findings`: objects with .rule and .severity (engine Findings); `rules_run`: every
    rule that ran (a rule that ran and found nothing counts: its category then has a score)."""
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
        overall = 100.0 * sum(w[c] * s for c, s in cat_scores.items()) / total_w
    elif cat_scores:  # every category that ran was weighted 0: fall back to the plain mean
        overall = 100.0 * sum(cat_scores.values()) / len(cat_scores)
    else:
        overall = 100.0
    shown = 0.0 if fatal else round_score(overall)
    order = list(CATEGORIES)
    return Score(
        score=shown,
        grade=grade(shown, has_error),
        categories={c: round_score(100.0 * cat_scores[c]) for c in sorted(cat_scores, key=order.index)},
        deductions=dict(sorted(deductions.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


__all__ = [
    "CATEGORIES", "CATEGORY_OF_FAMILY", "Category", "ERROR_GRADE_CAP", "GRADES", "REPEAT_FACTOR", "RuleRun",
    "SCORING_VERSION", "SEVERITY_DEDUCTION", "Score", "category_weights", "grade", "profile", "round_score",
    "rule_deduction", "score_file",
]
