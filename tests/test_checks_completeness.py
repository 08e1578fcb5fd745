"""C family (completeness): each rule fails on a report broken in one place and is silent on
report_lint.testing.valid_report; plus the seed and corpus reports where the defect is real."""
from __future__ import annotations

from functools import partial

import pytest

from report_lint.checks import completeness as C
from report_lint.testing import valid_report
from rule_helpers import (
    assert_catalogue_loads_in_engine,
    assert_catalogue_matches,
    load_catalogue,
    messages,
    parse_or_skip,
    run_check,
    set_text,
)
from shared_paths import SHARED

RULES = load_catalogue("completeness")
run = partial(run_check, RULES)  # run(check, report, rule, **options) -> hits
render = partial(messages, RULES)  # render(hit) -> (zh, en)


def government(template="2021", **kw):
    r = valid_report(template, **kw)
    set_text(r, 1, r.section(1).text + "本年度开展政务公开工作考核，组织社会评议，未发生责任追究情况。")
    return r


# ---------------------------------------------------------------------------------------------------
# catalogue


def test_catalogue_matches_implementations():
    assert_catalogue_matches(RULES, C.report_lint_rules(), "C", "completeness")


def test_catalogue_loads_in_engine():
    assert_catalogue_loads_in_engine("completeness", RULES)


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("organ", ["示例县教育局", "示例县人民政府"])
def test_valid_reports_are_silent(template, organ):
    report = government(template, organ=organ) if organ.endswith("人民政府") else valid_report(template, organ=organ)
    for impl in C.report_lint_rules():
        assert run(impl.check, report, impl.id) == [], impl.id


# ---------------------------------------------------------------------------------------------------
# parts


def test_c101_missing_part_named():
    r = valid_report("2021")
    r.section(6).present = False
    hits = run(C.check_parts_missing, r, "C101")
    assert len(hits) == 1 and hits[0].location.section == 6
    zh, en = render(hits[0])
    assert "第六部分“其他需要报告的事项”" in zh and "六、其他需要报告的事项" in zh
    assert "Part 六" in en


def test_c101_all_parts_silent():
    assert run(C.check_parts_missing, valid_report("2019"), "C101") == []


def test_c102_order():
    r = valid_report("2021")
    r.section(4).order, r.section(5).order = 4, 3
    hits = run(C.check_parts_order, r, "C102")
    assert [h.args["part"] for h in hits] == ["四"]
    assert "出现在第五部分" in render(hits[0])[0]


def test_c102_in_order_silent():
    assert run(C.check_parts_order, valid_report("2021"), "C102") == []


def test_c103_numbering():
    r = valid_report("2021")
    r.section(4).numbered_as = 3
    r.section(4).title = "三、政府信息公开行政复议、行政诉讼情况"
    hits = run(C.check_parts_numbering, r, "C103")
    assert len(hits) == 1 and hits[0].expected == 4 and hits[0].actual == 3
    zh, _ = render(hits[0])
    assert "编号为“三、”，应为“四、”" in zh


def test_c103_correct_numbering_silent():
    assert run(C.check_parts_numbering, valid_report("2021"), "C103") == []


# ---------------------------------------------------------------------------------------------------
# tables


def test_c104_table_missing():
    r = valid_report("2021")
    r.tables.applications = None
    hits = run(C.check_tables_missing, r, "C104")
    assert len(hits) == 1 and hits[0].location.table == "applications" and hits[0].location.section == 3
    assert "表三" in render(hits[0])[0]


def test_c104_tables_present_silent():
    assert run(C.check_tables_missing, valid_report("2019"), "C104") == []


def test_c105_row_missing_named_from_template():
    r = valid_report("2021")
    del r.tables.applications["denied_admin_inquiry"]
    del r.tables.disclosure["licensing"]
    hits = run(C.check_rows_missing, r, "C105")
    texts = [render(h)[0] for h in hits]
    assert len(hits) == 2
    assert any("“（三）8.属于行政查询事项”" in t for t in texts)
    assert any("第二十条第（五）项“行政许可”" in t for t in texts)


def test_c105_hybrid_table_judged_by_its_own_template():
    # A 2021 report whose 表三 keeps the single 2019 （六）其他处理 row: V102's finding, not C105's.
    r = valid_report("2021")
    r.tables.applications = valid_report("2019").tables.applications
    r.meta.template = "hybrid"
    r.table_templates["applications"] = "2019"
    assert run(C.check_rows_missing, r, "C105") == []


def test_c106_whole_column_missing_once():
    r = valid_report("2021")
    for row in r.tables.applications.values():
        del row["total"]
    hits = run(C.check_columns_missing, r, "C106")
    assert len(hits) == 1 and hits[0].location.column == "total"
    assert "“总计”一栏" in render(hits[0])[0]
    assert run(C.check_cells_missing, r, "C107") == []  # not repeated cell by cell


def test_c106_columns_present_silent():
    assert run(C.check_columns_missing, valid_report("2019"), "C106") == []


def test_c107_single_cell_missing():
    r = valid_report("2021")
    del r.tables.applications["carried_forward"]["total"]
    hits = run(C.check_cells_missing, r, "C107")
    assert len(hits) == 1
    zh, _ = render(hits[0])
    assert "“四、结转下年度继续办理”行缺少“总计”栏" in zh
    assert run(C.check_columns_missing, r, "C106") == []


def test_c107_cells_present_silent():
    assert run(C.check_cells_missing, valid_report("2021"), "C107") == []


# ---------------------------------------------------------------------------------------------------
# title and opening


def test_c108_title_without_organ():
    r = valid_report("2021")
    r.meta.title = "2023年政府信息公开工作年度报告"
    hits = run(C.check_title, r, "C108")
    assert len(hits) == 1 and "机关名称" in hits[0].args["missing"]


def test_c108_no_title():
    r = valid_report("2021")
    r.meta.title = None
    hits = run(C.check_title, r, "C108")
    assert len(hits) == 1 and "示例县人民政府2023年政府信息公开工作年度报告" in render(hits[0])[0]


def test_c108_without_year_or_phrase():
    r = valid_report("2021")
    r.meta.title = "示例县人民政府工作总结"
    zh, en = render(run(C.check_title, r, "C108")[0])
    assert "4位年份" in zh and "政府信息公开工作年度报告" in zh and "4-digit year" in en


@pytest.mark.parametrize("title", [
    "示例县人民政府2023年政府信息公开工作年度报告",
    "鸡东县 2020 年政府信息公开工作年度报告",  # spaced, as in the seed
    "2019年上海市人民政府办公厅政府信息公开工作年度报告",  # organ after the year (r014)
    "示例县人民政府2023年度政府信息公开工作年度报告",
    "沭阳县发展和改革局2023年政府信息公开年度报告",  # wording variant: F103's business
])
def test_c108_acceptable_titles_silent(title):
    r = valid_report("2021")
    r.meta.title = title
    assert run(C.check_title, r, "C108") == []


def test_c109_no_statistics_period():
    r = valid_report("2021")
    set_text(r, 1, "本年度，本机关认真贯彻落实条例。")
    hits = run(C.check_stat_period, r, "C109")
    assert len(hits) == 1 and "2023年1月1日至2023年12月31日" in render(hits[0])[0]


@pytest.mark.parametrize("sentence", [
    "本年度报告中所列数据统计期限从2019年1月1日到12月31日止。",
    "本年度所列统计数据时间范围为2025年1月1日至2025年12月31日。",
    "本年报中所列数据的统计期限为2019年9月1日至2019年12月31日。",
    "本报告中所列数据的统计期限自 2023 年 1 月 1 日至 2023 年 12 月 31 日。",
])
def test_c109_period_wordings_accepted(sentence):
    r = valid_report("2021")
    set_text(r, 1, "本年度，本机关认真贯彻落实条例。" + sentence)
    assert run(C.check_stat_period, r, "C109") == []


# ---------------------------------------------------------------------------------------------------
# narrative content


def test_c110_part6_empty():
    r = valid_report("2019")
    set_text(r, 6, " \n")
    hits = run(C.check_part6_empty, r, "C110")
    assert len(hits) == 1 and hits[0].location.section == 6 and hits[0].location.line == 60


def test_c110_part6_none_is_fine():
    r = valid_report("2019")
    set_text(r, 6, "无。")
    assert run(C.check_part6_empty, r, "C110") == []


def test_c111_fee_statement_missing():
    r = valid_report("2021")
    set_text(r, 6, "无。")
    hits = run(C.check_fee_statement, r, "C111")
    assert len(hits) == 1 and "信息处理费" in render(hits[0])[0]


def test_c111_fee_reported_elsewhere_is_noted():
    r = valid_report("2021")
    set_text(r, 6, "无。")
    set_text(r, 3, "本年度未收取信息处理费。")
    zh, en = render(run(C.check_fee_statement, r, "C111")[0])
    assert "第三部分" in zh and "part 三" in en


def test_c111_not_for_2019_format_years():
    r = valid_report("2019")
    set_text(r, 6, "无。")
    assert run(C.check_fee_statement, r, "C111") == []


def test_c111_stated_silent():
    assert run(C.check_fee_statement, valid_report("2021"), "C111") == []


def test_c112_government_without_assessment():
    r = valid_report("2021", organ="示例县人民政府")
    set_text(r, 1, "本年度政府信息公开工作有序推进。")
    hits = run(C.check_government_assessment, r, "C112")
    assert len(hits) == 1
    assert hits[0].data["missing"] == ["工作考核", "社会评议", "责任追究"]
    assert "第一、五部分未提及工作考核、社会评议、责任追究" in render(hits[0])[0]


def test_c112_partial_mention():
    r = valid_report("2021", organ="示例县人民政府")
    set_text(r, 1, "本年度政府信息公开工作有序推进。")
    set_text(r, 5, r.section(5).text + "严格考核，落实责任追究制。")
    assert run(C.check_government_assessment, r, "C112")[0].data["missing"] == ["社会评议"]


def test_c112_government_with_assessment_and_department_silent():
    assert run(C.check_government_assessment, government("2021"), "C112") == []
    assert run(C.check_government_assessment, valid_report("2021", organ="示例县教育局"), "C112") == []


def test_c113_part1_topics_missing():
    r = valid_report("2021")
    set_text(r, 1, "本年度主动公开政府信息1200条，依申请公开工作规范有序。")
    hits = run(C.check_part1_topics, r, "C113")
    assert len(hits) == 1
    assert hits[0].data["missing"] == ["政府信息管理", "政府信息公开平台建设", "监督保障"]
    assert hits[0].args["count"] == 3


def test_c113_not_for_2019_format_years_and_valid_silent():
    r = valid_report("2019")
    set_text(r, 1, "本年度主动公开政府信息1200条。")
    assert run(C.check_part1_topics, r, "C113") == []
    assert run(C.check_part1_topics, valid_report("2021"), "C113") == []


# ---------------------------------------------------------------------------------------------------
# through the engine


def test_engine_runs_completeness_rules():
    from report_lint.engine import runner
    r = valid_report("2021", organ="示例县教育局")
    r.section(6).present = False
    result = runner.check_report(r)
    c101 = [f for f in result.findings if f.rule == "C101"]
    assert len(c101) == 1 and c101[0].severity == "error" and c101[0].family == "completeness"
    assert "其他需要报告的事项" in c101[0].message_zh and "其他需要报告的事项" in c101[0].message_en
    assert not [f for f in result.findings if f.rule.startswith("C") and f.rule != "C101"]
    assert not result.internal_errors


# ---------------------------------------------------------------------------------------------------
# real reports


def _parse(relative: str):
    return parse_or_skip(SHARED / relative)


def test_seed_lacks_part_six():
    r = _parse("seed/jidong-2020.txt")
    hits = run(C.check_parts_missing, r, "C101")
    assert [h.args["part"] for h in hits] == ["六"]
    assert run(C.check_tables_missing, r, "C104") == []


def test_r012_part_four_numbered_three():
    r = _parse("corpus/r012.md")
    hits = {h.location.section: h for h in run(C.check_parts_numbering, r, "C103")}
    assert 4 in hits and hits[4].args["written"] == "三"


def test_r013_has_no_part_five_heading():
    r = _parse("corpus/r013.md")
    assert [h.args["part"] for h in run(C.check_parts_missing, r, "C101")] == ["五"]


def test_c114_unfilled_table():
    from report_lint.checks.completeness import check_tables_unfilled
    from report_lint.model import Cell

    r = valid_report("2021")
    assert list(check_tables_unfilled(r, None)) == []
    for row in r.tables.reviews.values():
        for col in row:
            row[col] = Cell(value=None, raw="", kind="blank")
    [hit] = check_tables_unfilled(r, None)
    assert hit.rule == "C114" and hit.location.table == "reviews" and hit.args["count"] == 15
