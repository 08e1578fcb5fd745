"""V family (template version): a failing and a passing case per rule, the year→format mapping read
from the template data, and the hybrid corpus report r001."""
from __future__ import annotations

from functools import partial

import pytest

from report_lint.checks import template as V
from report_lint.templates import template_for_year
from report_lint.testing import valid_report
from rule_helpers import (
    assert_catalogue_loads_in_engine,
    assert_catalogue_matches,
    load_catalogue,
    messages,
    parse_or_skip,
    run_check,
)
from shared_paths import SHARED

RULES = load_catalogue("template")
run = partial(run_check, RULES)  # run(check, report, rule) -> hits
render = partial(messages, RULES)  # render(hit) -> (zh, en)


def hybrid(year=2023):
    """A 2021-format report whose 表三 keeps the single 2019 （六）其他处理 row (like r001)."""
    r = valid_report("2021", year=year)
    r.tables.applications = valid_report("2019").tables.applications
    r.meta.template = "hybrid"
    r.table_templates["applications"] = "2019"
    # the labels recognition found in the source (a finding may quote only those)
    r.meta.template_evidence = {"disclosure": "2021（本年制发件数、本年废止件数、现行有效件数）",
                                "applications": "2019（（六）其他处理）"}
    return r


def test_catalogue_matches_implementations():
    assert_catalogue_matches(RULES, V.report_lint_rules(), "V", "template")


def test_catalogue_loads_in_engine():
    assert_catalogue_loads_in_engine("template", RULES)


@pytest.mark.parametrize(("template", "year"), [("2019", 2019), ("2019", 2020), ("2021", 2021), ("2021", 2024)])
def test_valid_reports_are_silent(template, year):
    r = valid_report(template, year=year)
    for impl in V.report_lint_rules():
        assert run(impl.check, r, impl.id) == [], impl.id


def test_year_to_format_comes_from_template_data():
    assert template_for_year(2020).id == "2019" and template_for_year(2021).id == "2021"


def test_v101_old_format_for_new_year():
    r = valid_report("2019", year=2022)
    r.meta.template_evidence = {"disclosure": "2019（本年新制作数量、本年新公开数量、对外公开总数量）"}
    hits = run(V.check_year_mismatch, r, "V101")
    assert len(hits) == 1 and hits[0].expected == "2021" and hits[0].actual == "2019"
    zh, en = render(hits[0])
    assert "2022年度" in zh and "国办公开办函〔2021〕30号" in zh and "表二出现“本年新制作数量”" in zh
    assert "report years 2021 on" in en


def test_v101_quotes_only_labels_found_in_the_report():
    r = valid_report("2019", year=2022)  # no evidence recorded: nothing to quote
    [hit] = run(V.check_year_mismatch, r, "V101")
    assert "出现" not in render(hit)[0] and hit.args["evidence"] == ""


def test_v101_new_format_for_old_year():
    hits = run(V.check_year_mismatch, valid_report("2021", year=2020), "V101")
    assert len(hits) == 1 and "2019—2020年度" in render(hits[0])[0]


def test_v101_matching_format_silent():
    assert run(V.check_year_mismatch, valid_report("2019", year=2020), "V101") == []


def test_v102_hybrid_names_each_table():
    hits = run(V.check_hybrid, hybrid(), "V102")
    assert len(hits) == 1
    zh, en = render(hits[0])
    assert "表二按2021年格式（如“本年制发件数”）" in zh
    assert "表三按2019年格式（如“（六）其他处理”）" in zh
    assert "表四" not in zh  # the same in both formats: proves nothing
    assert "2023年度报告应统一使用2021年格式" in zh and "mixes two formats" in en
    assert hits[0].location.table == "applications"


def test_v102_quotes_only_labels_found_in_the_report():
    """Issue 7: after 表二's （一） headings are changed to the 2019 wording, V102 must not cite the
    2021 label that is no longer there, and must report the mix inside 表二."""
    r = hybrid()
    r.meta.template_evidence["disclosure"] = "2021（本年处理决定数量、本年收费金额（单位：万元））"
    r.mixed_labels = {"disclosure": {"2019": ["本年新制作数量", "本年新公开数量"], "2021": ["本年处理决定数量"]}}
    [hit] = run(V.check_hybrid, r, "V102")
    zh, en = render(hit)
    assert "本年制发件数" not in zh
    assert "表二同时有2019年格式的“本年新制作数量”、2021年格式的“本年处理决定数量”等栏目" in zh
    assert "表三按2019年格式（如“（六）其他处理”）" in zh and "mixes" in en
    r.meta.template_evidence = {}
    zh, _ = render(run(V.check_hybrid, r, "V102")[0])
    assert "表三按2019年格式；" in zh  # no recorded evidence: the table is named, nothing is quoted


def test_v102_single_format_silent():
    assert run(V.check_hybrid, valid_report("2021"), "V102") == []


def test_v103_unknown_template():
    r = valid_report("2021")
    r.meta.template = "unknown"
    hits = run(V.check_unknown, r, "V103")
    assert len(hits) == 1 and "2023年度应使用2021年格式" in render(hits[0])[0]
    assert run(V.check_year_mismatch, r, "V101") == []


def test_v103_known_template_silent():
    assert run(V.check_unknown, hybrid(), "V103") == []


def test_engine_runs_template_rules():
    from report_lint.engine import runner
    result = runner.check_report(hybrid())
    v102 = [f for f in result.findings if f.rule == "V102"]
    assert len(v102) == 1 and v102[0].severity == "error" and "表三按2019年格式" in v102[0].message_zh
    assert not result.internal_errors


def _parse(relative: str):
    return parse_or_skip(SHARED / relative)


def test_seed_uses_the_right_format():
    r = _parse("seed/jidong-2020.txt")
    for impl in V.report_lint_rules():
        assert run(impl.check, r, impl.id) == [], impl.id


def test_r001_hybrid():
    r = _parse("corpus/r001.pdf")
    hits = run(V.check_hybrid, r, "V102")
    assert len(hits) == 1
    zh, _ = render(hits[0])
    assert "表二按2021年格式" in zh and "表三按2019年格式" in zh


def test_v102_one_table_mixing_both_formats_columns():
    """SPEC VER-2: 2021 （一） columns together with 2019 （五） columns inside one 表二."""
    from report_lint.checks.template import check_hybrid
    from report_lint.engine.types import RuleContext

    r = valid_report("2019")
    r.meta.template = "hybrid"
    r.mixed_labels = {"disclosure": {"2019": ["上一年项目数量"], "2021": ["本年制发件数"]}}
    [hit] = check_hybrid(r, RuleContext(options={}, settings=None))
    assert hit.rule == "V102" and hit.location.table == "disclosure"
    assert "本年制发件数" in hit.args["tables"] and "上一年项目数量" in hit.args["tables"]
    r.mixed_labels = {}
    r.meta.template = "2019"
    assert list(check_hybrid(r, RuleContext(options={}, settings=None))) == []
