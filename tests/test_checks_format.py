"""F family (format): 文号 brackets with the corrected form, half-width punctuation (capped), title
wording; on valid_report, the seed (黑政办发 / (2020) 17号 across lines) and corpus reports."""
from __future__ import annotations

from functools import partial

import pytest

from report_lint.checks import format as F
from report_lint.model import Location, Paragraph
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

RULES = load_catalogue("format")
run = partial(run_check, RULES)  # run(check, report, rule, **options) -> hits
render = partial(messages, RULES)  # render(hit) -> (zh, en)


def with_paragraphs(*texts: str, section: int = 1):
    r = valid_report("2021")
    r.paragraphs = [p for p in r.paragraphs if p.section != section]
    for i, t in enumerate(texts):
        r.paragraphs.append(Paragraph(text=t, section=section, location=Location(line=100 + i)))
    return r


def test_catalogue_matches_implementations():
    assert_catalogue_matches(RULES, F.report_lint_rules(), "F", "format")


def test_catalogue_loads_in_engine():
    assert_catalogue_loads_in_engine("format", RULES)


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_valid_reports_are_silent(template):
    r = valid_report(template)
    for impl in F.report_lint_rules():
        assert run(impl.check, r, impl.id) == [], impl.id


# ---------------------------------------------------------------------------------------------------
# F101 文号


@pytest.mark.parametrize(("text", "found"), [
    ("按照《通知》（黑政办发(2020) 17号）要求", "黑政办发(2020)17号"),
    ("按照《通知》（黑政办发（2020）17号）要求", "黑政办发（2020）17号"),
    ("按照《通知》（黑政办发[2020]17号）要求", "黑政办发[2020]17号"),
    ("按照《通知》（黑政办发【2020】17号）要求", "黑政办发【2020】17号"),
    ("根据黑政办发(2020)17号文件要求", "黑政办发(2020)17号"),
    ("根据《格式》(国办公开办函〔202130号)要求", "国办公开办函〔202130号"),
])
def test_f101_wrong_brackets_with_correction(text, found):
    hits = run(F.check_docno_brackets, with_paragraphs(text), "F101")
    assert len(hits) == 1 and hits[0].actual == found
    zh, en = render(hits[0])
    corrected = "国办公开办函〔2021〕30号" if "国办" in found else "黑政办发〔2020〕17号"
    assert f"应写为“{corrected}”" in zh and corrected in en
    assert hits[0].location.line == 100 and hits[0].location.section == 1


def test_f101_number_broken_across_lines():
    # The seed: "…（黑政办发" at the end of one line, "(2020) 17号) 文件要求…" two lines on.
    r = with_paragraphs("一是贯彻落实《实施意见》（黑政办发", "(2020) 17号) 文件要求, 在门户网站上统一规范设置")
    hits = run(F.check_docno_brackets, r, "F101")
    assert len(hits) == 1 and hits[0].expected == "黑政办发〔2020〕17号" and hits[0].location.line == 101


@pytest.mark.parametrize("text", [
    "按照《通知》（国办公开办函〔2021〕30号）要求",
    "见（2020）京01行初17号行政判决书",  # a court case number keeps its round brackets
    "2020年第17号公告",
])
def test_f101_correct_or_other_numbers_silent(text):
    assert run(F.check_docno_brackets, with_paragraphs(text), "F101") == []


# ---------------------------------------------------------------------------------------------------
# F102 half-width punctuation


def test_f102_half_width_comma():
    hits = run(F.check_half_width, with_paragraphs("文件要求, 在门户网站上统一规范设置专栏。"), "F102")
    assert len(hits) == 1 and (hits[0].actual, hits[0].expected) == (",", "，")
    zh, _ = render(hits[0])
    assert "第一部分“总体情况”第100行" in zh and "半角“,”应改为全角“，”" in zh


def test_f102_capped_with_summary():
    text = "一是加强领导,二是完善制度;三是强化监督:四是规范平台?五是注重实效!六是做好宣传,七是抓好落实,八是提升质量。"
    hits = run(F.check_half_width, with_paragraphs(text), "F102")
    assert len(hits) == 5 and hits[0].data["total"] == 7
    assert "全文共7处半角标点，仅列出前5处" in render(hits[-1])[0]
    assert all(h.args["more"] == "" for h in hits[:-1])
    assert len(run(F.check_half_width, with_paragraphs(text), "F102", max_locations=20)) == 7


@pytest.mark.parametrize("text", [
    "全年主动公开信息1,254条。",
    "办公时间为上午9:00至12:00。",
    "网址：http://www.example.gov.cn。",
    "According to the rules, see p.3: done.",
])
def test_f102_numbers_times_urls_silent(text):
    assert run(F.check_half_width, with_paragraphs(text), "F102") == []


# ---------------------------------------------------------------------------------------------------
# F103 title wording


@pytest.mark.parametrize(("title", "variant"), [
    ("沭阳县发展和改革局2023年政府信息公开年度报告", "政府信息公开年度报告"),
    ("漳平市审计局2025年政府信息公开工作的年度报告", "政府信息公开工作的年度报告"),
    ("某县2016年政务信息公开年度报告", "政务信息公开年度报告"),
])
def test_f103_wording_variants(title, variant):
    r = valid_report("2021")
    r.meta.title = title
    hits = run(F.check_title_wording, r, "F103")
    assert len(hits) == 1 and hits[0].args["variant"] == variant
    assert hits[0].expected.endswith("年政府信息公开工作年度报告")


@pytest.mark.parametrize("title", [
    "示例县人民政府2023年度政府信息公开工作年度报告",
    "鸡东县 2020 年政府信息公开工作年度报告",
    "示例县人民政府工作总结",  # not a report title at all: C108's business
])
def test_f103_standard_or_unrelated_silent(title):
    r = valid_report("2021")
    r.meta.title = title
    assert run(F.check_title_wording, r, "F103") == []


# ---------------------------------------------------------------------------------------------------
# engine and real text


def test_engine_runs_format_rules():
    from report_lint.engine import runner
    result = runner.check_report(with_paragraphs("按照《通知》（黑政办发(2020)17号）要求，做好公开工作。"))
    f101 = [f for f in result.findings if f.rule == "F101"]
    assert len(f101) == 1 and "黑政办发〔2020〕17号" in f101[0].message_zh and f101[0].severity == "warning"
    assert not result.internal_errors


def _parse(relative: str):
    return parse_or_skip(SHARED / relative)


def test_seed_document_number_and_punctuation():
    r = _parse("seed/jidong-2020.txt")
    hits = run(F.check_docno_brackets, r, "F101")
    assert [h.expected for h in hits] == ["黑政办发〔2020〕17号"]
    assert hits[0].location.section == 1
    half = run(F.check_half_width, r, "F102")
    assert len(half) == 5 and half[0].data["total"] > 5


def test_corpus_title_variant_and_unclosed_bracket():
    r015 = _parse("corpus/r015.html")
    assert [h.args["variant"] for h in run(F.check_title_wording, r015, "F103")] == ["政府信息公开年度报告"]
    p006 = _parse("corpus/partial/p006.txt")
    assert "国办公开办函〔2021〕30号" in [h.expected for h in run(F.check_docno_brackets, p006, "F101")]
