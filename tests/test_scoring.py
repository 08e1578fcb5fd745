"""The score: formula, weights, grade, rounding, and that docs/scoring.md states the same numbers."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace as F

import pytest

from report_lint.scoring import (
    CATEGORIES,
    CATEGORY_OF_FAMILY,
    GRADES,
    PART_SHARES,
    REPEAT_FACTOR,
    SCORING_VERSION,
    SEVERITY_DEDUCTION,
    RuleRun,
    grade,
    profile,
    round_score,
    rule_deduction,
    score_file,
)

ROOT = Path(__file__).resolve().parents[1]
ALL = [RuleRun("C101", "completeness"), RuleRun("Z101", "zero-sum"), RuleRun("Z102", "zero-sum"),
       RuleRun("X101", "text-vs-table"), RuleRun("V101", "template"), RuleRun("T101", "timeliness"),
       RuleRun("I101", "interpretation"), RuleRun("P101", "parse"), RuleRun("F101", "format")]


def test_clean_report_scores_100_a():
    s = score_file([], ALL)
    assert s.score == 100.0 and s.grade == "A"
    assert s.categories == dict.fromkeys(CATEGORIES, 100.0)
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
    for part, share in PART_SHARES.items():
        numeral = "一二三四五六"[part - 1]
        assert re.search(rf"\|\s*{numeral}\s*\|[^|]*\|\s*{share:g}\s*\|", doc), f"docs/scoring.md: part {numeral} share"


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
    with pytest.raises(ValidationError, match="fatal_outcome applies to a fatal rule only"):
        RuleMeta(severity="error", **{**base, "fatal": False}, fatal_outcome="zero")


# --------------------------------------------------------------------------- what is missing costs its share

from report_lint.engine.runner import check_report  # noqa: E402
from report_lint.model import Cell  # noqa: E402
from report_lint.scoring import coverage, filled_parts  # noqa: E402
from report_lint.testing import valid_report  # noqa: E402


def _blank_tables(r, tables=("disclosure", "applications", "reviews")):
    for key in tables:
        for row in getattr(r.tables, key).values():
            for c in row:
                row[c] = Cell(raw="", kind="blank")


def _instructions_only(r, parts=(1, 5, 6)):
    for s in r.sections:
        if s.number in parts:
            s.text = "（文字描述）"
    r.paragraphs = [p for p in r.paragraphs if p.section not in parts]


def unfilled_form():
    """The official form as downloaded: headings, instructions in brackets, every cell blank."""
    r = valid_report("2021")
    _blank_tables(r)
    _instructions_only(r)
    return r


def _drop_part(r, n):
    r.sections = [s for s in r.sections if s.number != n]
    r.paragraphs = [p for p in r.paragraphs if p.section != n]


def _wrong_cell(r):
    cell = r.tables.applications["total"]["total"]
    r.tables.applications["total"]["total"] = Cell(value=(cell.value or 0) + 1, raw="?", kind="number")


def _late(r):
    from datetime import date

    r.meta.published_on = date(r.meta.year + 1, 6, 30)


DEFECTS = {
    "part 六 missing": lambda r: _drop_part(r, 6),
    "part 一 missing": lambda r: _drop_part(r, 1),
    "表四 missing": lambda r: setattr(r.tables, "reviews", None),
    "表三 unfilled": lambda r: _blank_tables(r, ("applications",)),
    "表三 row deleted": lambda r: r.tables.applications.pop("denied_state_secret"),
    "one wrong cell": _wrong_cell,
    "part 五 only the form's instruction": lambda r: _instructions_only(r, (5,)),
    "published late": _late,
}


def score_of(*defects) -> float:
    r = valid_report("2021")
    for d in defects:
        DEFECTS[d](r)
    return check_report(r).score


def test_unfilled_form_scores_zero_and_a_correct_report_100():
    # K = 0 whatever the findings: S = K × Q is 0 (a file judged "not a report" may instead go unscored)
    assert coverage(filled_parts(unfilled_form())) == 0.0
    fr = check_report(unfilled_form())
    assert fr.score is None or (fr.score == 0.0 and fr.grade == "E" and fr.categories["coverage"] == 0.0)
    assert check_report(valid_report("2021")).score == 100.0


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_every_defect_scores_below_a_correct_report_and_above_the_empty_form(defect):
    clean, blank = score_of(), check_report(unfilled_form()).score or 0.0
    assert blank < score_of(defect) < clean, defect


# blanking 表三 erases a wrong cell or a deleted row in it (the pair is just the unfilled table); one
# inconsistent figure written into the blank 表三 trades "unfilled" (C114) for "does not add up" (Z101)
SUBSUMED = {("one wrong cell", "表三 unfilled"), ("表三 row deleted", "表三 unfilled"),
            ("表三 unfilled", "表三 row deleted"), ("表三 unfilled", "one wrong cell")}


def test_a_second_defect_never_raises_the_score():
    for a in DEFECTS:
        for b in DEFECTS:
            if a == b:
                continue
            both, alone = score_of(a, b), min(score_of(a), score_of(b))
            assert both <= alone if (a, b) in SUBSUMED else both < alone, (a, b)


def test_absence_costs_the_part_share_outright():
    one = score_of("part 六 missing")
    # the part's share of the whole score, before any finding about it is counted
    assert one <= 100 * (1 - PART_SHARES[6] / sum(PART_SHARES.values())) + 1e-9
    r = valid_report("2021")
    _drop_part(r, 6)
    assert filled_parts(r)[6] == 0.0 and coverage(filled_parts(r)) == pytest.approx(0.9)
    assert score_of("表四 missing") <= 100 * (1 - PART_SHARES[4] / 100) + 1e-9


def test_filled_in_share_of_parts_and_tables():
    r = valid_report("2021")
    assert filled_parts(r) == dict.fromkeys(range(1, 7), 1.0)
    r.section(6).text = "无"  # "nothing to report" is content
    r.tables.applications["granted"]["research"] = Cell(raw="", kind="blank")  # a 0 left unwritten (SPEC §0.1)
    r.tables.applications.pop("other_misc")  # a template row the table lacks
    spec_cells = 7 * len([1 for _ in r.tables.applications]) + 7
    parts = filled_parts(r)
    assert parts[6] == 1.0 and parts[3] == pytest.approx(1 - 7 / spec_cells)
    assert filled_parts(unfilled_form()) == dict.fromkeys(range(1, 7), 0.0)


def test_part_shares_are_configurable_and_validated():
    from report_lint.config import Config

    r = valid_report("2021")
    _drop_part(r, 6)
    assert check_report(r, config=Config.model_validate({"score": {"part-shares": {6: 0}}})).categories[
        "coverage"] == 100.0
    assert profile(None, {6: 0})["version"].endswith("+custom")
    assert profile()["part_shares"] == {str(k): v for k, v in PART_SHARES.items()}
    from report_lint.errors import ConfigError

    with pytest.raises((ValueError, ConfigError)):
        Config.model_validate({"score": {"part-shares": {7: 1}}})


# --------------------------------------------------------------------------- the real corpus

from shared_paths import CORPUS, SEED, SPEC, require  # noqa: E402


def _real_reports():
    if not CORPUS.is_dir():
        return []
    top = [p for p in sorted(CORPUS.iterdir()) if p.is_file() and p.suffix in (".pdf", ".txt", ".md", ".html") and p.name != "README.md"]
    return top + sorted(p for p in (CORPUS / "pingtan").iterdir() if p.suffix in (".txt", ".html")) + [SEED]


@pytest.fixture(scope="module")
def corpus_scores():
    require(CORPUS)
    from report_lint.engine.runner import build_engine

    engine = build_engine(None)
    return {str(p.relative_to(p.parents[1] if p.parent.name == "pingtan" else p.parent)): _result(engine, p).score
            for p in _real_reports()}


def _result(engine, path):
    """One file through the engine (no year-over-year pairing), as a single-file check does."""
    from report_lint.engine.runner import parse_file

    return engine.run_report(parse_file(str(path), templates=engine.template_paths), path=str(path))


def test_blank_official_form_scores_below_20_and_below_every_real_report(corpus_scores):
    from report_lint.engine.runner import build_engine

    form = _result(build_engine(None), require(SPEC / "template-2021.docx"))
    assert form.error is None and form.report is not None
    assert coverage(filled_parts(form.report)) == 0.0
    if form.score is None:  # judged "not a report" and left unscored: nothing can rank below it
        return
    assert form.score < 20
    assert all(s is not None and s > form.score for s in corpus_scores.values()), \
        {k: s for k, s in corpus_scores.items() if s is None or s <= form.score}


def test_corpus_ranking_in_the_doc_is_the_current_one(corpus_scores):
    """docs/scoring.md names the top and bottom reports with their scores; they must still be right."""
    doc = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (?:top|bottom) \d \| `([^`]+)` \| ([\d.]+) \|", doc, re.M)
    assert len(rows) == 10
    ranked = sorted(corpus_scores.items(), key=lambda kv: (-kv[1], kv[0]))
    now = f"now: top {ranked[:5]}, bottom {ranked[-5:]} — update the table in docs/scoring.md"
    for name, score in rows:
        assert corpus_scores[name] == float(score), f"{name} {score}; {now}"
    assert {n for n, _ in rows[5:]} == {n for n, _ in ranked[-5:]}, now
    assert all(corpus_scores[n] == ranked[0][1] for n, _ in rows[:5]), now  # the top ones share the best score


def test_worked_examples_of_the_doc():
    assert (score_of("one wrong cell"), score_of("part 五 only the form's instruction"), score_of("part 六 missing"),
            score_of("表四 missing")) == (92.5, 85.0, 84.4, 79.7)
    doc = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    for shown in ("= 92.5 | B", "| 85.0 | B", "= 84.4 | B", "= 79.7 | C", "| 0.0 | E"):
        assert shown in doc, shown
