"""I family (政策解读): rate below a configurable target (info), a stated 解读率 its own counts contradict
(warning), no mention of 解读 while 表二 shows documents issued (info); numbers in Chinese prose."""
from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from report_lint.checks import interpretation as I
from report_lint.testing import num, valid_report
from rule_helpers import load_catalogue, message, run_check, set_text

RULES = load_catalogue("interpretation")
IMPLS = {impl.id: impl.check for impl in I.report_lint_rules()}
render = partial(message, RULES)  # render(hit, lang="zh") -> str


def run(report, rule: str, **options):
    return run_check(RULES, IMPLS[rule], report, rule, **options)


def report_with(text: str, template: str = "2021", regulations: int = 0, normative: int = 11):
    r = valid_report(template)
    col = "issued" if template == "2021" else "made"
    r.tables.disclosure["regulations"][col] = num(regulations)
    r.tables.disclosure["normative_documents"][col] = num(normative)
    set_text(r, 1, "本年度政府信息公开工作有序推进。" + text)  # a part 一 that says nothing of 解读 by itself
    return r


SEED_SENTENCE = ("2020 年共制发规范性文件 11 件，其中鸡政规 9 件，鸡政办规 2 件，公开率 100%，同步组织、同步审签、"
                 "同步公开规范性文件政策解读 11 件，解读率 100%。")


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_matching_counts_are_silent(template):
    r = report_with(SEED_SENTENCE, template)
    assert {rule: run(r, rule) for rule in IMPLS} == {rule: [] for rule in IMPLS}


def test_catalogue():
    assert set(IMPLS) <= set(RULES)
    assert RULES["I101"]["options"]["target_rate"] == 1.0
    assert RULES["I101"]["severity"] == "info"  # no national target (SPEC §9)


def test_rate_below_target():
    r = report_with("全年制发行政规范性文件 11 件，同步发布政策解读 8 篇。", regulations=1, normative=11)
    [h] = run(r, "I101")
    assert h.args["issued"] == 12 and h.args["interpreted"] == 8 and h.args["rate"] == "66.7%"
    assert h.location.section == 1 and h.location.line is not None
    assert "解读率 66.7% 低于目标 100%" in render(h) and "同步发布政策解读 8 篇" in render(h)  # quoted as written
    assert run(r, "I101", target_rate=0.6) == []  # a local target is configurable


def test_stated_rate_alone_below_target():
    r = report_with("规范性文件解读率达到 90%。")
    [h] = run(r, "I101")
    assert h.args["rate"] == "90%" and "{" not in render(h, "en")


def test_stated_rate_contradicted_by_its_counts():
    r = report_with("制发规范性文件 11 件，政策解读 9 件，解读率 100%。")
    [h] = run(r, "I102")
    assert h.args["computed"] == "81.8%" and h.args["stated"] == "100%"
    assert h.expected == "81.8%" and h.actual == "100%"
    assert "正文称解读率 100%" in render(h)
    assert run(report_with("制发规范性文件 11 件，政策解读 9 件，解读率 82%。"), "I102") == []


def test_stated_rate_checked_against_the_table_when_the_text_gives_no_document_count():
    r = report_with("全年发布规范性文件政策解读 9 件，解读率 100%。", normative=11)
    [h] = run(r, "I102")
    assert "表二" in h.args["docs_source"]


def test_chinese_numerals():
    r = report_with("本年度制发规范性文件十一件，同步解读十一件，解读率百分之百。")
    assert run(r, "I101") == [] and run(r, "I102") == []
    r = report_with("本年度制发规范性文件十一件，同步解读九件。")
    [h] = run(r, "I101")
    assert h.args["interpreted"] == 9


def test_interpretation_not_mentioned():
    r = report_with("")
    [h] = run(r, "I103")
    assert h.args["issued"] == 11 and h.location.table == "disclosure"
    assert "未提及政策解读" in render(h)
    assert run(report_with("注重政策解读工作。"), "I103") == []
    assert run(report_with("", normative=0), "I103") == []  # nothing issued, nothing to interpret


def test_general_interpretation_counts_are_not_document_interpretations():
    """r002: “解读信息发布 7 条” is about 解读 in general, not the documents in 表二."""
    r = report_with("公开政府常务会议 7 期，解读信息发布 7 条。", normative=3)
    assert run(r, "I101") == [] and run(r, "I103") == []


def test_seed_report_is_silent(seed_path: Path):
    import report_lint

    r = report_lint.parse(str(seed_path))
    for rule in IMPLS:
        assert run(r, rule) == [], rule


def test_through_the_engine():
    from report_lint.engine import runner
    r = report_with("制发规范性文件 11 件，政策解读 9 件，解读率 100%。")
    result = runner.check_report(r)
    got = {f.rule: f for f in result.findings if f.family == "interpretation"}
    assert set(got) == {"I101", "I102"}
    assert got["I101"].severity == "info" and got["I102"].severity == "warning"
