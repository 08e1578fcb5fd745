"""P family: every parser problem code surfaces as its own rule (unknown codes as P199 with the
parser's severity); a report without problems is silent; the seed's 16-value 表四 row is P101."""
from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from report_lint.checks import parse as P
from report_lint.model import Location, ParseProblem
from report_lint.testing import valid_report
from rule_helpers import load_catalogue, message, run_check

RULES = load_catalogue("parse")
IMPLS = {impl.id: impl.check for impl in P.report_lint_rules()}
render = partial(message, RULES)  # render(hit, lang="zh") -> str


def run(report, rule: str):
    return run_check(RULES, IMPLS[rule], report, rule)  # the P rules have no catalogue options


def problem(code, **kw) -> ParseProblem:
    return ParseProblem(code=code, message=kw.pop("message", f"问题 {code}"), message_en=f"problem {code}", **kw)


def test_valid_report_is_silent():
    r = valid_report("2021")
    assert {rule: run(r, rule) for rule in IMPLS} == {rule: [] for rule in IMPLS}


def test_catalogue_covers_every_code():
    assert set(IMPLS) <= set(RULES)
    assert set(P.CODE_RULES.values()) | {P.GENERIC_RULE} == set(IMPLS)
    for rule in RULES.values():
        assert rule["family"] == "parse"


@pytest.mark.parametrize("code,rule", sorted(P.CODE_RULES.items()))
def test_each_code_has_its_rule(code, rule):
    r = valid_report("2021")
    r.problems.append(problem(code, table="applications", row="total", column="natural_person",
                              location=Location(line=57, table=2, row=30, column=1), severity="error",
                              data={"raw": "1 0"}))
    [h] = run(r, rule)
    assert h.severity is None  # known codes take the catalogue's (user-overridable) severity
    assert h.data["code"] == code and h.data["raw"] == "1 0"
    loc = h.location
    assert (loc.section, loc.table, loc.row, loc.column) == (3, "applications", "total", "natural_person")
    assert (loc.line, loc.grid_table, loc.grid_row, loc.grid_column) == (57, 2, 30, 1)
    msg = render(h)
    assert f"问题 {code}" in msg and "{" not in msg and "{" not in render(h, "en")
    if rule not in ("P107", "P109"):
        assert msg.startswith("表三“（七）总计”行“自然人”列：")
    for other in IMPLS:
        if other != rule:
            assert run(r, other) == []


def test_where_not_repeated_when_the_parser_already_says_it():
    r = valid_report("2021")
    r.problems.append(problem("extra-values", table="reviews",
                              message="表四 政府信息公开行政复议、行政诉讼情况数据行有 16 个数值"))
    [h] = run(r, "P101")
    assert render(h) == "表四 政府信息公开行政复议、行政诉讼情况数据行有 16 个数值"


def test_unknown_code_goes_to_the_generic_rule_with_the_parsers_severity():
    r = valid_report("2021")
    r.problems.append(problem("future-thing", severity="info"))
    [h] = run(r, "P199")
    assert h.severity == "info" and "future-thing" in render(h)
    assert all(run(r, rule) == [] for rule in IMPLS if rule != "P199")


def test_seed_extra_values_in_reviews(seed_path: Path):
    import report_lint

    r = report_lint.parse(str(seed_path))
    hits = run(r, "P101")
    assert [h.location.table for h in hits] == ["reviews"]
    assert "16" in render(hits[0])


def test_through_the_engine():
    runner = pytest.importorskip("report_lint.engine.runner")
    r = valid_report("2021")
    r.problems.append(problem("extra-values", table="reviews"))
    result = runner.check_report(r)
    [f] = [f for f in result.findings if f.family == "parse"]
    assert f.rule == "P101" and f.severity == "error" and f.location.section == 4
