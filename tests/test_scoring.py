"""The score: formula, weights, grade, rounding, and that docs/scoring.md states the same numbers."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace as F

import pytest

from report_lint.scoring import (CATEGORIES, CATEGORY_OF_FAMILY, GRADES, REPEAT_FACTOR, SCORING_VERSION,
                                 SEVERITY_DEDUCTION, RuleRun, grade, profile, round_score, rule_deduction,
                                 score_file)

ROOT = Path(__file__).resolve().parents[1]
ALL = [RuleRun("C101", "completeness"), RuleRun("Z101", "zero-sum"), RuleRun("Z102", "zero-sum"),
       RuleRun("X101", "text-vs-table"), RuleRun("V101", "template"), RuleRun("T101", "timeliness"),
       RuleRun("I101", "interpretation"), RuleRun("P101", "parse"), RuleRun("F101", "format")]


def test_clean_report_scores_100_a():
    s = score_file([], ALL)
    assert s.score == 100.0 and s.grade == "A"
    assert s.categories == {c: 100.0 for c in CATEGORIES}
    assert list(s.categories) == list(CATEGORIES)  # a fixed, documented order


def test_one_error_costs_a_quarter_of_its_category():
    s = score_file([F(rule="Z101", severity="error")], ALL)
    assert s.categories["consistency"] == 75.0
    assert s.score == round_score(100 - 0.25 * CATEGORIES["consistency"].weight)  # 92.5
    assert s.grade == "B"  # 92.5 would be an A; an error caps the grade at B
    assert s.deductions == {"Z101": 0.25}


def test_error_weighs_five_warnings_and_info_nothing():
    assert rule_deduction(["error"]) == pytest.approx(5 * rule_deduction(["warning"]))
    assert rule_deduction(["info"] * 10) == 0
    s = score_file([F(rule="C101", severity="info")] * 3, ALL)
    assert s.score == 100.0 and s.grade == "A"


def test_repeats_of_one_rule_cost_less_than_distinct_problems():
    same = rule_deduction(["error", "error"])
    assert same == pytest.approx(0.25 + 0.25 * REPEAT_FACTOR)
    distinct = 1 - (1 - 0.25) ** 2
    assert same < distinct
    # repeats saturate: a whole broken table cannot remove more than twice a single finding
    assert rule_deduction(["error"] * 50) <= 2 * SEVERITY_DEDUCTION["error"] + 1e-9
    # worst first: an error then a warning costs more than the reverse order would
    assert rule_deduction(["warning", "error"]) == pytest.approx(0.25 + 0.05 * REPEAT_FACTOR)


def test_weight_multiplies_and_is_capped():
    assert rule_deduction(["error"], weight=2) == 0.5
    assert rule_deduction(["error"] * 5, weight=10) == 1.0
    s = score_file([F(rule="Z101", severity="error")] * 5, [RuleRun("Z101", "zero-sum", 10)])
    assert s.categories == {"consistency": 0.0} and s.score == 0.0 and s.grade == "E"


def test_only_categories_with_rules_that_ran_count():
    s = score_file([F(rule="C101", severity="warning")], [RuleRun("C101", "completeness")])
    assert s.categories == {"completeness": 95.0} and s.score == 95.0
    assert score_file([], []).score == 100.0


def test_custom_category_weights():
    runs = [RuleRun("C101", "completeness"), RuleRun("T101", "timeliness")]
    f = [F(rule="T101", severity="error")]
    assert score_file(f, runs).score == round_score((25 * 100 + 10 * 75) / 35)
    assert score_file(f, runs, {"timeliness": 0}).score == 100.0
    assert score_file(f, runs, {"completeness": 0, "timeliness": 0}).score == 87.5  # all weights 0: plain mean
    assert profile({"timeliness": 0})["version"].endswith("+custom")


def test_parse_problems_weigh_little():
    s = score_file([F(rule="P101", severity="error")], ALL)
    assert s.categories["parse"] == 75.0 and s.score >= 98.5


def test_rounding_half_up_and_grades():
    assert round_score(92.45) == 92.5 and round_score(92.44999) == 92.4 and round_score(None) is None
    assert round_score(89.95) == 90.0
    assert [grade(x) for x in (100, 90, 89.9, 80, 70, 60, 59.9)] == ["A", "A", "B", "B", "C", "D", "E"]
    assert grade(95, has_error=True) == "B" and grade(72, has_error=True) == "C"
    assert grade(None) is None


def test_every_family_has_a_category():
    from report_lint.engine.types import FAMILIES

    assert set(FAMILIES.values()) == set(CATEGORY_OF_FAMILY)


def test_unreadable_file_has_no_score(tmp_path):
    from report_lint.config import Config
    from report_lint.engine.runner import check

    (tmp_path / "x.txt").write_bytes(b"")
    fr = check(tmp_path / "x.txt", config=Config()).files[0]
    assert fr.score is None and fr.grade is None and fr.categories == {}


def test_scoring_doc_states_the_published_numbers():
    doc = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    assert f"`{SCORING_VERSION}`" in doc
    for c in CATEGORIES.values():
        row = re.search(rf"\|\s*{c.zh}\s*\|\s*`{c.key}`\s*\|[^|]*\|\s*{c.weight:g}\s*\|", doc)
        assert row, f"docs/scoring.md does not list {c.key} with weight {c.weight:g}"
    for sev, d in SEVERITY_DEDUCTION.items():
        assert re.search(rf"\|\s*{sev}\s*\|\s*{d:g}\s*\|", doc), f"docs/scoring.md: {sev} deduction {d:g}"
    for threshold, letter in GRADES[:-1]:
        assert f"{letter} ≥ {threshold:g}" in doc


def test_fatal_error_scores_zero_but_keeps_categories():
    runs = [RuleRun("P109", "parse", fatal=True), RuleRun("C101", "completeness")]
    s = score_file([F(rule="P109", severity="error")], runs)
    assert s.score == 0.0 and s.grade == "E" and s.categories == {"completeness": 100.0, "parse": 75.0}
    # downgraded by the user to a warning, the rule is no longer fatal
    assert score_file([F(rule="P109", severity="warning")], runs).score > 0


def test_fatal_needs_error_severity_in_the_catalogue():
    from pydantic import ValidationError

    from report_lint.engine.catalogue import RuleMeta

    base = dict(id="P990", name="x.y", family="parse", evidence="B", message_zh="x", message_en="x", fatal=True)
    assert RuleMeta(severity="error", **base).fatal
    with pytest.raises(ValidationError, match="only an error rule can be fatal"):
        RuleMeta(severity="warning", **base)
