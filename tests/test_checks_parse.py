"""P family: every parser problem code surfaces as its own rule, worded by its catalogue template from
the problem's structured data — the same words the recogniser put in Report.problems. A problem the
template cannot word (no data, unknown code) goes to P199 with the parser's words and severity; a
report without problems is silent; the seed's 16-value 表四 row is P101."""
from __future__ import annotations

from pathlib import Path

import pytest

from report_lint import problems as words
from report_lint.checks import parse as P
from report_lint.engine import runner
from report_lint.messages import render_message
from report_lint.model import Location, ParseProblem
from report_lint.problems import make_problem
from report_lint.templates import get_template
from report_lint.testing import valid_report
from rule_helpers import load_catalogue, run_check

RULES = load_catalogue("parse")
IMPLS = {impl.id: impl.check for impl in P.report_lint_rules()}
T2021 = get_template("2021")
LOC = Location(line=57, table=2, row=30, column=1)

# One problem per code the recogniser raises, with the data it records.
MADE = {
    "extra-values": dict(table="reviews", raw="0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1", expected_count=15, found=16,
                         dropped=False),
    "missing-values": dict(table="applications", row="total", found=3, expected=7, blank=True),
    "split-digits": dict(table="applications", row="new_received",
                         rows={"new_received": {"raw": "21710000218", "values": ["217", "1", "0", "0", "0", "0", "218"]}}),
    "ambiguous-split": dict(table="disclosure", row="normative_documents", raw="6034", values=["6", "0", "34"],
                            alternatives=2),
    "unplaced-values": dict(table="applications", raw="3 1 4"),
    "label-variant": dict(table="applications", row="denied_prohibited_by_law", written="2.其他法律行政止公开"),
    "table-not-found": dict(table="reviews", header_found=True),
    "no-report": {},
    "empty-report": dict(report_title="示例县人民政府2023年政府信息公开工作年度报告"),
}
EXPECTED = {
    "extra-values": "表四数据行有 16 个数值（“0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1”），但表格只有 15 个单元格；"
                    "无法确定哪个是多余的，各单元格按无效处理",
    "missing-values": "表三“（七）总计”行只读到 3 个数值，少于应有的 7 个，缺少的单元格按空白处理",
    "split-digits": "表三中 1 行的数字连在一起，已按表内勾稽关系拆分（“一、本年新收政府信息公开申请数量”21710000218→217|1|0|0|0|0|218）",
    "ambiguous-split": "表二“行政规范性文件”行的数字连在一起（“6034”），有 2 种拆分方式都说得通，暂按 6 | 0 | 34 读取，请核对原文",
    "unplaced-values": "表三中有一组数值（“3 1 4”）无法对应到模板的任何一行",
    "label-variant": "表三“（三）2.其他法律行政法规禁止公开”行的标签写作“2.其他法律行政止公开”，与模板不一致，已按相近的写法识别",
    "table-not-found": "找到了表四 政府信息公开行政复议、行政诉讼情况的表头，但未能读出表中的数值，此表的各项核对未能进行",
    "no-report": "文件中没有找到政府信息公开工作年度报告的内容（既无六个部分的标题，也无统计表格）",
    "empty-report": "标题为“示例县人民政府2023年政府信息公开工作年度报告”，但正文中没有年度报告的内容"
                    "（既无六个部分的标题，也无统计表格）；正文可能以图片或附件发布",
}


def run(report, rule: str):
    return run_check(RULES, IMPLS[rule], report, rule)  # the P rules have no catalogue options


def render(hit, lang: str = "zh") -> str:
    """As the engine words a hit (the P templates choose words with `{flag:yes|no}`)."""
    return render_message(RULES[hit.rule][f"message_{lang}"], hit.args, lang)


def made(code: str) -> ParseProblem:
    kw = dict(MADE[code])
    return make_problem(code, T2021, table=kw.pop("table", None), row=kw.pop("row", None), location=LOC, **kw)


def test_valid_report_is_silent():
    r = valid_report("2021")
    assert {rule: run(r, rule) for rule in IMPLS} == {rule: [] for rule in IMPLS}


def test_catalogue_words_every_code():
    assert set(IMPLS) <= set(RULES)
    assert set(words.codes().values()) | {P.GENERIC_RULE} == set(IMPLS)
    for code, rule in words.codes().items():
        assert RULES[rule]["name"] == f"parse.{code}" and RULES[rule]["family"] == "parse"
    assert set(MADE) | {"reader-warning", "other"} == set(words.codes())


@pytest.mark.parametrize("code", sorted(MADE))
def test_each_code_has_its_rule_and_the_problems_words(code):
    p = made(code)
    assert p.message == EXPECTED[code]
    assert p.severity == RULES[words.rule_for(code)]["severity"]  # the catalogue decides, not the parser
    r = valid_report("2021")
    r.problems.append(p)
    rule = words.rule_for(code)
    [h] = run(r, rule)
    assert h.severity is None  # known codes take the catalogue's (user-overridable) severity
    assert h.data["code"] == code
    assert (render(h), render(h, "en")) == (p.message, p.message_en)
    assert "{" not in p.message_en
    loc = h.location
    assert (loc.table, loc.line, loc.grid_table, loc.grid_row, loc.grid_column) == (p.table, 57, 2, 30, 1)
    for other in IMPLS:
        if other != rule:
            assert run(r, other) == []


def test_a_choice_of_words_follows_the_data():
    dropped = make_problem("extra-values", T2021, table="reviews", raw="1", expected_count=15, found=16, dropped=True)
    assert dropped.message.endswith("已据此读取；请删除多余的数值")
    assert dropped.message_en.endswith("remove the extra value")
    invalid = make_problem("missing-values", T2021, table="reviews", found=9, expected=15, blank=False)
    assert invalid.message == "表四只读到 9 个数值，少于应有的 15 个，各单元格按无效处理"


def test_split_note_quotes_three_rows_and_counts_all():
    rows = {k: {"raw": "000", "values": ["0", "0", "0"]} for k in ("regulations", "normative_documents")}
    rows.update({k: {"raw": "11", "values": ["1", "1"]} for k in ("punishment", "coercion")})
    p = make_problem("split-digits", T2021, table="disclosure", row="regulations", rows=rows)
    assert p.message.startswith("表二中 4 行的数字连在一起")
    assert "“规章”000→0|0|0" in p.message and "“行政强制”" not in p.message and p.message.endswith("、…）")


def test_reader_warning_keeps_the_readers_words():
    r = valid_report("2021")
    r.problems.append(ParseProblem(code="reader-warning", message="第2段含修订标记", message_en="tracked changes",
                                   data={"reader_code": "docx-revisions"}))
    [h] = run(r, "P107")
    assert (render(h), render(h, "en")) == ("第2段含修订标记", "tracked changes")


def test_problem_without_its_data_goes_to_the_generic_rule_in_the_parsers_words():
    r = valid_report("2021")
    r.problems.append(ParseProblem(code="extra-values", message="表四有 16 个数值", message_en="16 values",
                                   table="reviews", severity="error"))
    assert run(r, "P101") == []
    [h] = run(r, "P199")
    assert h.severity == "error" and render(h) == "表四：表四有 16 个数值（extra-values）"


def test_unknown_code_goes_to_the_generic_rule_with_the_parsers_severity():
    r = valid_report("2021")
    r.problems.append(ParseProblem(code="future-thing", message="问题", message_en="problem", severity="info"))
    [h] = run(r, "P199")
    assert h.severity == "info" and render(h) == "问题（future-thing）"
    assert all(run(r, rule) == [] for rule in IMPLS if rule != "P199")


def test_informational_rules_are_parse_notes():
    notes = {rid for rid, rule in RULES.items() if "parse-note" in rule.get("tags", ())}
    assert notes == {"P103", "P106"}
    assert all(RULES[rid]["severity"] == "info" for rid in notes)


def test_seed_extra_values_in_reviews(seed_path: Path):
    import report_lint

    r = report_lint.parse(str(seed_path))
    hits = run(r, "P101")
    assert [h.location.table for h in hits] == ["reviews"]
    assert "16" in render(hits[0]) and render(hits[0]) == r.problems[[p.code for p in r.problems].index("extra-values")].message


def test_through_the_engine():
    r = valid_report("2021")
    r.problems.append(made("extra-values"))
    result = runner.check_report(r)
    [f] = [f for f in result.findings if f.family == "parse"]
    assert f.rule == "P101" and f.severity == "error" and f.location.section == 4
    assert f.message == EXPECTED["extra-values"]
