"""The narrative-facts stage (recognise/facts.py) on sentences written the way real reports write them:
each sentence with exactly the facts it must yield — including sentences that must yield nothing the
rules compare (slogans, next year's plans, other bodies' counts, examples) — plus a property that
composes sentences from the phrasing data (rules/phrasing/counts.toml) and checks the figures read."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from report_lint.model import Location, Paragraph
from report_lint.phrasing import phrasing
from report_lint.recognise.facts import extract_facts, tokens
from report_lint.testing import valid_report
from report_lint.text import cn_to_int, fold_map

ORGAN = "示例县人民政府"


def facts(text: str, organ: str = ORGAN, section: int = 1, year: int = 2023):
    """The facts of a report whose narrative is `text` (lines of one part, one paragraph per line)."""
    r = valid_report("2021", organ=organ, year=year)
    r.paragraphs = [Paragraph(text=line, section=section, location=Location(line=i + 1))
                    for i, line in enumerate(text.split("|"))]
    return [f for f in extract_facts(r) if f.kind != "signature_date"]


def got(text: str, **kw) -> set[tuple]:
    return {(f.kind, f.value, f.scope) for f in facts(text, **kw)}


S, R, OT, E, P = "self", "region", "other", "example", "plan"

SENTENCES = [
    # --- 政策解读: counts, share words, stated rates (issue 7's phrasings and variants)
    ("全年共制发行政规范性文件5件，其中3件同步发布了政策解读材料。",
     {("normative_issued", 5, S), ("interpretations", 3, S)}),
    ("我局制定规范性文件5件，全部完成图文解读。", {("normative_issued", 5, S), ("interpretation_share", 1.0, S)}),
    ("政策文件均以至少两种形式解读。", {("interpretation_share", 1.0, S)}),
    ("全年发布政策解读117篇。", {("interpretations", 117, S)}),
    ("其中：财税金融等政策及解读共2条。", {("interpretations", 2, S)}),
    ("本年度制发规范性文件4件，对其中3份进行了图文解读。", {("normative_issued", 4, S), ("interpretations", 3, S)}),
    ("我委印发规范性文件6件，4件配发了政策解读。", {("normative_issued", 6, S), ("interpretations", 4, S)}),
    ("规范性文件解读率100%。", {("interpretation_rate", 1.0, S)}),
    ("全年制发规范性文件十二件，同步解读十件，解读率83%。",
     {("normative_issued", 12, S), ("interpretations", 10, S), ("interpretation_rate", 0.83, S)}),
    ("本年度出台规章两件，均同步发布解读材料。", {("regulations_issued", 2, S), ("interpretation_share", 1.0, S)}),
    ("制定行政规范性文件 8 件，解读率达到百分之百。", {("normative_issued", 8, S), ("interpretation_rate", 1.0, S)}),
    ("出台政策文件3件，实现100%解读。", {("interpretation_rate", 1.0, S)}),
    ("全年累计发布解读类信息21条。", {("interpretations", 21, S)}),
    ("全年共制发行政规范性文件6件，同步公开政策解读12条。",
     {("normative_issued", 6, S), ("interpretations", 12, S)}),
    ("确保政策文件与解读材料同步组织、同步审签、同步发布。", {("interpretation_mention", None, S)}),
    # --- 统计期限, in every wording (and wrapped)
    ("本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
     {("statistics_period", "2024-01-01/2024-12-31", S)}),
    ("数据统计周期为2025年1月1日至2025年12月31日。", {("statistics_period", "2025-01-01/2025-12-31", S)}),
    ("本报告的统计数据时间段为2020年1月1日至2020年12月31日。", {("statistics_period", "2020-01-01/2020-12-31", S)}),
    ("报告涵盖2020年1月1日至2020年12月31日期间政府信息公开情况。",
     {("statistics_period", "2020-01-01/2020-12-31", S)}),
    ("本报告所列数据的统计期限为 2025|年 1 月 1 日至 2025 年 12 月 31 日。",
     {("statistics_period", "2025-01-01/2025-12-31", S)}),
    ("本年度报告中所列数据统计期限从2019年1月1日到12月31日止。",
     {("statistics_period", "2019-01-01/2019-12-31", S)}),
    ("本报告所列数据的统计期限为二〇二三年一月一日至十二月三十一日。",
     {("statistics_period", "2023-01-01/2023-12-31", S)}),
    ("本报告统计期限为2022年度。", {("statistics_period", "2022-01-01/2022-12-31", S)}),
    ("本报告数据统计时间为2023-01-01至2023-12-31。", {("statistics_period", "2023-01-01/2023-12-31", S)}),
    ("2023年1月1日至2023年12月31日，我局共受理申请5件。", {("applications_received", 5, S)}),
    # --- 表三 figures
    ("全年共受理政府信息公开申请21件，办结21件。", {("applications_received", 21, S), ("applications_handled", 21, S)}),
    ("本年度新收政府信息公开申请十一件，上年结转两件。",
     {("applications_received", 11, S), ("applications_carried_over", 2, S)}),
    ("全年受理政府信息公开申请12件。|其中予以公开8件，部分公开3件，不予公开1件。",
     {("applications_received", 12, S), ("applications_granted", 8, S), ("applications_partially_granted", 3, S),
      ("applications_denied", 1, S)}),
    ("对收到的申请，予以公开及部分公开42件。", {("applications_granted_or_partial", 42, S)}),
    ("另有72件申请因情况复杂顺延到下年度答复。", {("applications_carried_forward", 72, S)}),
    ("所有申请中转下一年度办理答复的有1件。", {("applications_carried_forward", 1, S)}),
    ("本年度未收到政府信息公开申请。", {("applications_received", 0, S)}),
    ("受理申请约50件。", {("applications_received", 50, S)}),
    ("全年收到申请10-12件。", {("applications_received", 12, S)}),
    ("按照市政府办公室部署，全年共受理政府信息公开申请20件。", {("applications_received", 20, S)}),
    ("示例县人民政府全年受理政府信息公开申请30件。", {("applications_received", 30, S)}),
    ("全县受理政府信息公开申请300件。", {("applications_received", 300, R)}),
    # --- other bodies' counts: another scope
    ("区财政局受理政府信息公开申请5件。", {("applications_received", 5, OT)}),
    ("全县各单位共受理政府信息公开申请999件。", {("applications_received", 999, OT)}),
    ("区政府办代表区政府受理政府信息公开申请17件。", {("applications_received", 17, OT)}),
    ("共收到申请35件，其中区财政局受理3件。", {("applications_received", 35, S), ("applications_received", 3, OT)}),
    ("其中，县财政局受理政府信息公开申请3件。", {("applications_received", 3, OT)}),
    # --- 表四
    ("全年因政府信息公开被申请行政复议3件，行政诉讼1件。", {("reviews", 3, S), ("lawsuits", 1, S)}),
    ("本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。", {("reviews", 0, S), ("lawsuits", 0, S)}),
    ("行政复议和行政诉讼共4件。", {("reviews_and_lawsuits", 4, S)}),
    ("全年发生行政复议1起、行政诉讼两起。", {("reviews", 1, S), ("lawsuits", 2, S)}),
    # --- 表二 documents
    ("我局废止规范性文件6件，制定规范性文件15件。", {("normative_repealed", 6, S), ("normative_issued", 15, S)}),
    ("截至2023年底，现行有效规范性文件28件。", {("normative_in_force", 28, S)}),
    ("截至2024年1月，现行有效规范性文件28件。", {("normative_in_force", 28, S)}),
    ("本年度制发了11件规范性文件。", {("normative_issued", 11, S)}),
    ("编制《2023年规范性文件清理目录》，制发规范性文件5件。", {("normative_issued", 5, S)}),
    # --- fees
    ("本年度未收取信息处理费。", {("fees_charged", 0, S)}),
    ("全年收取政府信息公开信息处理费3940元。", {("fees_charged", 3940, S)}),
    ("收取信息处理费共计1.5万元。", {("fees_charged", 1.5, S)}),
    ("信息处理费收取情况：无。", {("fees_charged", 0, S)}),
    ("按照《政府信息公开信息处理费管理办法》规定，本年度没有产生信息公开处理费。", {("fees_charged", 0, S)}),
    # --- 考核、评议、追究
    ("本年度开展政务公开工作考核，组织社会评议，未发生责任追究情况。",
     {("assessment", None, S), ("social_review", None, S), ("accountability", None, S)}),
    # --- stated time limits and dates
    ("所有申请均在20个工作日内予以答复。", {("time_limit", 20, S)}),
    ("自收到申请之日起15个工作日内予以答复。", {("time_limit", 15, S)}),
    ("申请内容不明确的，7个工作日内一次性告知申请人补正。", {("time_limit", 7, S)}),
    ("3月1日收到申请，4月20日予以答复。", {("reply_dates", None, S)}),
    ("2022年，我局微信公众号发布信息1568条，本年新增关注用户5810人。", {("other_year_as_current", 2022, S)}),
    # --- template placeholders
    ("（文字描述）", {("placeholder", "（文字描述）", S)}),
    ("（文字描述，收取信息处理费情况在此处报告。）", {("placeholder", "（文字描述，收取信息处理费情况在此处报告。）", S)}),
    ("××县人民政府20XX年政府信息公开工作年度报告", {("placeholder", "××", S), ("placeholder", "20XX", S)}),
    ("本年度共收到申请（ ）件。", {("placeholder", "（ ）", S)}),
    # --- plans and examples: read, never compared
    ("下一步，计划于明年出台规章2件。", {("regulations_issued", 2, P)}),
    ("我局将继续加强规范性文件管理，制发规范性文件3件。", {("normative_issued", 3, P)}),
    ("例如，县财政局受理政府信息公开申请3件。", {("applications_received", 3, E)}),
    ("以县教育局为例，全年收到申请8件。", {("applications_received", 8, E)}),
    # --- sentences that state nothing a rule compares
    ("坚持办结一件申请、解决一个问题、温暖一颗民心。", set()),
    ("努力做到件件有回音、事事有着落。", set()),
    ("报告分为总体情况等六个部分。", set()),
    ("梳理历年印发的行政规范性文件228件。", set()),
    ("历年累计受理政府信息公开申请2000余件。", set()),
    ("全年未发生因依申请公开被行政复议纠错的情况。", set()),
    ("平均答复时间为8个工作日。", set()),
    ("申请人王XX申请公开房屋征收补偿信息。", set()),
    ("2022年，本年新增用户较上年增长10%。", set()),
    ("统一件数口径，规范统计工作。", set()),
    ("2023年1月1日至2023年12月31日，我局深入推进政务公开。", set()),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES, ids=[s for s, _ in SENTENCES])
def test_sentence_yields_exactly_its_facts(text, expected):
    assert got(text) == expected


def test_there_are_enough_real_world_sentences():
    assert len(SENTENCES) >= 60
    assert sum(1 for _, e in SENTENCES if not {x for x in e if x[2] in (S, R)}) >= 15  # yield nothing comparable


def test_a_fact_quotes_the_report_as_written():
    [f] = facts("本报告所列数据的统计期限为 2025|年 1 月 1 日至 2025 年 12 月 31 日。")
    assert f.text == "2025年 1 月 1 日至 2025 年 12 月 31 日"  # the line break of the wrap left out
    assert f.sentence == "本报告所列数据的统计期限为 2025年 1 月 1 日至 2025 年 12 月 31 日。"
    assert f.location.line == 1 and f.section == 1
    assert f.data == {"start": "2025-01-01", "end": "2025-12-31", "years": [2025]}


def test_approximate_and_ranges_are_kept_and_flagged():
    [f] = facts("全年收到申请10-12件。")
    assert f.approx and f.data["range"] == [10, 12]
    [f] = facts("受理申请50件左右。")
    assert f.approx and f.value == 50
    [f] = facts("受理政府信息公开申请21件。")
    assert not f.approx


def test_interpretation_counts_say_what_they_count():
    [f] = [f for f in facts("其中：财税金融等政策及解读共2条。") if f.kind == "interpretations"]
    assert f.data.get("combined") and not f.data["of_documents"]  # policies and interpretations in one figure
    [f] = facts("全年累计发布解读类信息21条。")
    assert not f.data["of_documents"]  # 解读 in general, not of the documents in 表二
    [f] = [f for f in facts("全年共制发行政规范性文件6件，同步公开政策解读12条。") if f.kind == "interpretations"]
    assert f.data["of_documents"]


def test_scope_marker_is_kept():
    [f] = facts("区政府办代表区政府受理政府信息公开申请17件。")
    assert f.data["scope_marker"].startswith("区政府办代表")
    [f] = facts("共收到申请35件，其中区财政局受理3件。")[1:]
    assert f.scope == OT


def test_department_report_region_figure_is_region_scope():
    assert got("全县受理政府信息公开申请 999 件。", organ="示例县财政局") == {("applications_received", 999, R)}


def test_a_later_year_states_plans():
    assert got("2024年，我局计划制发规范性文件3件。", year=2023) == {("normative_issued", 3, P)}
    assert got("2023年，我局制发规范性文件3件。", year=2023) == {("normative_issued", 3, S)}


def test_heading_run_into_the_text_is_no_subject():
    """A flattened page runs the part's heading into its first sentence."""
    r = valid_report("2021")
    r.paragraphs = [Paragraph(text="六、其他需要报告的事项本年度未收取信息处理费。", section=6, location=Location(line=9))]
    r.section(6).title = "六、其他需要报告的事项"
    [f] = [f for f in extract_facts(r) if f.kind == "fees_charged"]
    assert f.text == "本年度未收取信息处理费。" and f.section == 6


def test_bounded_on_hostile_input():
    import time

    from report_lint.recognise.facts import MAX_FACTS

    t0 = time.monotonic()
    assert len(facts("受理政府信息公开申请1件。" * 6000)) == MAX_FACTS  # no more than this, however many
    assert facts("受理政府信息公开申请1件，" * 3000) == []  # one "sentence" of 3000 clauses: not prose
    assert time.monotonic() - t0 < 30


# --------------------------------------------------------------------------- numbers

def test_number_reading():
    toks = tokens(fold_map("制发规范性文件10-12件，另有约5件，统一件，十一件，两件")[0])
    assert [(t.value, t.approx) for t in toks] == [(12, True), (5, True), (11, False), (2, False)]
    assert cn_to_int("两百零三") == 203 and cn_to_int("一万二千") == 12000 and cn_to_int("十") == 10
    assert cn_to_int("三十一") == 31 and cn_to_int("二三") is None and cn_to_int("万") is None


# --------------------------------------------------------------------------- property

def to_chinese(n: int) -> str:
    """0 < n < 100000 as a Chinese numeral (一万二千零三)."""
    digits = "零一二三四五六七八九"
    units = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十")]
    out, zero = "", False
    for value, name in units:
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += ("" if (name == "十" and d == 1 and not out) else digits[d]) + name
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + digits[n]
    return out


def test_to_chinese_is_read_back():
    for n in (1, 10, 11, 20, 101, 110, 203, 1000, 1010, 12000, 99999):
        assert cn_to_int(to_chinese(n)) == n, n


KINDS = [k for k in phrasing()["counts"]["count"] if k.get("examples")]
SUBJECTS = ["", "我局", "本机关", "示例县人民政府"]
TIMES = ["", "全年", "本年度", "2023年，"]


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(KINDS), data=st.data(), n=st.integers(1, 99999), chinese=st.booleans(),
       subject=st.sampled_from(SUBJECTS), when=st.sampled_from(TIMES))
def test_composed_sentences_are_read(kind, data, n, chinese, subject, when):
    """Any example phrase of a kind, then a figure (Arabic or Chinese) in one of its units: the fact
    is read with its value, as the organ's own."""
    phrase = data.draw(st.sampled_from(kind["examples"]))
    unit = data.draw(st.sampled_from(sorted(set(kind["units"]) & set("件篇条份起"))))
    number = to_chinese(n) if chinese else str(n)
    sentence = f"{when}{subject}{phrase}{number}{unit}。"
    assert (kind["kind"], n, S) in got(sentence), sentence


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(KINDS), data=st.data(), n=st.integers(2, 9999),
       marker=st.sampled_from(["约", "近", "逾"]))
def test_composed_approximate_figures_are_flagged(kind, data, n, marker):
    phrase = data.draw(st.sampled_from(kind["examples"]))
    sentence = f"全年{phrase}{marker}{n}件。"
    found = [f for f in facts(sentence) if f.kind == kind["kind"]]
    assert found and all(f.approx and f.value == n for f in found), sentence


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(KINDS), data=st.data(), n=st.integers(1, 9999),
       lead=st.sampled_from(["下一步，", "明年，我局将继续", "例如，", "区财政局"]))
def test_composed_plans_examples_and_other_bodies_are_not_the_organs(kind, data, n, lead):
    phrase = data.draw(st.sampled_from(kind["examples"]))
    sentence = f"{lead}{phrase}{n}件。"
    assert all(f.scope not in (S, R) for f in facts(sentence) if f.kind == kind["kind"]), sentence
