"""Parser (reader → builder) unit tests on small hand-written inputs."""
from __future__ import annotations

import json

import pytest

from report_lint.errors import InputError
from report_lint.parsing import parse, parse_bytes
from report_lint.recognise.normalize import normalize

APP_ROWS_2019 = [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("（一）予以公开", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("1.属于国家秘密", "denied_state_secret"),
    ("2.其他法律行政法规禁止公开", "denied_prohibited_by_law"),
    ("3.危及“三安全一稳定”", "denied_three_securities"),
    ("4.保护第三方合法权益", "denied_third_party"),
    ("5.属于三类内部事务信息", "denied_internal_affairs"),
    ("6.属于四类过程性信息", "denied_process_info"),
    ("7.属于行政执法案卷", "denied_enforcement_file"),
    ("8.属于行政查询事项", "denied_admin_inquiry"),
    ("1.本机关不掌握相关政府信息", "unavailable_not_held"),
    ("2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    ("3.补正后申请内容仍不明确", "unavailable_unclear"),
    ("1.信访举报投诉类申请", "not_processed_petition"),
    ("2.重复申请", "not_processed_repeated"),
    ("3.要求提供公开出版物", "not_processed_publication"),
    ("4.无正当理由大量反复申请", "not_processed_excessive"),
    ("5.要求行政机关确认或重新出具已获取信息", "not_processed_confirmation"),
    ("（六）其他处理", "other_handling"),
    ("（七）总计", "total"),
    ("四、结转下年度继续办理", "carried_forward"),
]

# A consistent 表三: 自然人 12 new + 1 carried = 10 handled + 3 carried forward; 商业企业 2 + 0 = 2 + 0.
VALUES = {
    "new_received": [12, 2, 0, 0, 0, 0, 14], "carried_over": [1, 0, 0, 0, 0, 0, 1],
    "granted": [6, 1, 0, 0, 0, 0, 7], "unavailable_not_held": [3, 1, 0, 0, 0, 0, 4],
    "not_processed_repeated": [1, 0, 0, 0, 0, 0, 1], "total": [10, 2, 0, 0, 0, 0, 12],
    "carried_forward": [3, 0, 0, 0, 0, 0, 3],
}

DISCLOSURE_2019 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t11\t11\t146
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t154\t增 78\t1162
其他对外管理服务事项\t72\t减 6\t1402
第二十条第（六）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t973\t-79\t411
行政强制\t39\t-20\t18
第二十条第（八）项
信息内容\t上一年项目数量\t本年增/减
行政事业性收费\t4\t-1
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t282\t20009.5483 万元
"""

REVIEWS_HEADER = ("行政复议\t\t\t\t\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
                  "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n")


def app_rows(sep="\t", values=VALUES):
    out = ["三、收到和处理政府信息公开申请情况",
           "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
           "\t自然人\t法人或其他组织\t\t\t\t\t总计",
           "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他"]
    for label, key in APP_ROWS_2019:
        vals = values.get(key, [0] * 7)
        out.append(label + sep + sep.join(str(v) for v in vals))
    return "\n".join(out) + "\n"


def report_text(app=None, reviews="2\t1\t0\t0\t3\t1\t0\t0\t0\t1\t0\t0\t0\t0\t0", six=True, title=True):
    parts = []
    if title:
        parts.append("某某县人民政府2020年政府信息公开工作年度报告\n")
    parts.append("一、总体情况\n本报告中所列数据的统计期限自2020年1月1日至2020年12月31日。\n")
    parts.append(DISCLOSURE_2019)
    parts.append(app if app is not None else app_rows())
    parts.append("四、政府信息公开行政复议、行政诉讼情况\n" + REVIEWS_HEADER + reviews + "\n")
    parts.append("五、存在的主要问题及改进情况\n问题是公开不够及时。下一步将改进。\n")
    if six:
        parts.append("六、其他需要报告的事项\n无。\n")
    parts.append("某某县人民政府办公室\n2021年1月28日\n")
    return "".join(parts)


def parse_text(text: str, name="r.txt"):
    return parse_bytes(text.encode("utf-8"), name)


def values(report, table, row):
    return [c.value for c in getattr(report.tables, table)[row].values()]


def test_tab_separated_report_reads_every_cell():
    r = parse_text(report_text())
    assert r.meta.template == "2019" and r.meta.year == 2020
    assert r.meta.organ == "某某县人民政府" and r.meta.organ_kind == "government"
    for key, vals in VALUES.items():
        assert values(r, "applications", key) == vals, key
    assert values(r, "reviews", "review") == [2, 1, 0, 0, 3]
    assert values(r, "reviews", "litigation_direct") == [1, 0, 0, 0, 1]
    assert r.tables.disclosure["licensing"]["change"].value == 78
    assert r.tables.disclosure["other_services"]["change"].value == -6
    assert r.tables.disclosure["procurement"]["amount"].value == pytest.approx(20009.5483)
    assert r.tables.disclosure["procurement"]["amount"].raw == "20009.5483 万元"
    assert [s.present for s in r.sections] == [True] * 6
    assert r.meta.published_on.isoformat() == "2021-01-28"
    assert r.meta.provenance["published_on"].kind == "signature"
    # cells know their line
    assert r.tables.applications["total"]["natural_person"].location.line is not None
    assert not [p for p in r.problems if p.severity != "info"]


def test_run_together_digits_are_split_with_the_equations_and_reported():
    flat = app_rows(sep="").replace("\n", "")  # one line, digits of adjacent cells run together
    r = parse_text(report_text(app=flat))
    for key, vals in VALUES.items():
        assert values(r, "applications", key) == vals, key
    split = [p for p in r.problems if p.code == "split-digits" and p.table == "applications"]
    assert split and "勾稽关系" in split[0].message
    assert r.tables.applications["new_received"]["natural_person"].derived == "split"


def test_ambiguous_run_together_digits_are_flagged_not_silent():
    # "1111111" in a row whose own equation cannot hold is cut without it — and said so
    vals = dict(VALUES)
    flat = app_rows(sep="", values=vals).replace("\n", "")
    flat = flat.replace("（一）予以公开6100007", "（一）予以公开61100007")
    r = parse_text(report_text(app=flat))
    codes = {p.code for p in r.problems if p.table == "applications"}
    assert codes & {"ambiguous-split", "split-digits", "missing-values"}


def test_page_footers_inside_a_table_are_ignored():
    app = app_rows().replace("（三）", "-3-\n（三）", 1).replace("（五）", "— 5 —\n（五）", 1)
    app = app.replace("1.信访举报投诉类申请", "— 5 —\n1.信访举报投诉类申请")
    r = parse_text(report_text(app=app))
    for key, v in VALUES.items():
        assert values(r, "applications", key) == v


def test_wrapped_label_with_numbers_on_the_next_line():
    app = app_rows().replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t0\t0\t0\t0\t0\t0\t0",
                             "（二）部分公开（区分处理的，只计这一情\n0\t0\t0\t0\t0\t0\t0\n形，不计其他情形）")
    r = parse_text(report_text(app=app))
    assert values(r, "applications", "partially_granted") == [0] * 7
    for key, v in VALUES.items():
        assert values(r, "applications", key) == v


def test_label_variants_traditional_and_fullwidth():
    app = app_rows().replace("7.属于行政执法案卷", "7.属于行政執法案卷").replace("（七）总计\t10", "（七）總計\t１０")
    r = parse_text(report_text(app=app))
    assert values(r, "applications", "total")[0] == 10
    assert values(r, "applications", "denied_enforcement_file") == [0] * 7
    assert not [p for p in r.problems if p.code == "label-variant"]  # §0.1 variations are the label itself
    assert normalize("（三）2．危及“三安全一稳定”") == "(三)2.危及三安全一稳定"


# Typos seen in real reports, read by near spelling (no list of typos in the template data).
OBSERVED_TYPOS = [
    ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开", "denied_prohibited_by_law"),  # 洪泽区 2023/2024, r001, r002
    ("7.属于行政执法案卷", "7.属于行政执法案件", "denied_enforcement_file"),  # pingtan/104786
]


@pytest.mark.parametrize(("label", "written", "row"), OBSERVED_TYPOS)
@pytest.mark.parametrize("sep", ["\t", ""])
def test_observed_label_typos_are_read_by_near_spelling_and_reported(label, written, row, sep):
    vals = dict(VALUES, **{row: [1, 0, 0, 0, 0, 0, 1]}, granted=[5, 1, 0, 0, 0, 0, 6])
    app = app_rows(sep=sep, values=vals).replace(label, written)
    r = parse_text(report_text(app=app.replace("\n", "") if not sep else app))
    for key, v in vals.items():
        assert values(r, "applications", key) == v, key  # the index digit is not read as a value either
    [note] = [p for p in r.problems if p.code == "label-variant"]
    assert note.row == row and note.data["written"] == written and note.severity == "info"
    assert f"标签写作“{written}”" in note.message


def test_near_spelling_is_bounded():
    # one wrong character in four at most, and only for labels of six characters or more
    app = app_rows().replace("2.其他法律行政法规禁止公开", "2.其他规定禁止的信息")
    r = parse_text(report_text(app=app))
    assert not [p for p in r.problems if p.code == "label-variant"]
    app = app_rows().replace("2.重复申请", "2.重复的申请")  # four characters: never near-spelt
    r = parse_text(report_text(app=app))
    assert not [p for p in r.problems if p.code == "label-variant"]


def test_sixteen_values_for_fifteen_cells_is_a_problem_never_truncated():
    r = parse_text(report_text(reviews="\t".join(["0"] * 16)))
    extra = [p for p in r.problems if p.code == "extra-values"]
    assert extra and extra[0].severity == "error" and "16" in extra[0].message
    assert values(r, "reviews", "review") == [0] * 5  # every choice of the extra zero gives the same cells
    # exactly one value can go (the trailing 7): the cells are read, the problem still reported
    r = parse_text(report_text(reviews="\t".join(["1", "0", "0", "0", "1", "2", "0", "0", "0", "2", "0", "0",
                                                   "0", "0", "0", "7"])))
    assert any(p.code == "extra-values" for p in r.problems)
    assert values(r, "reviews", "litigation_direct") == [2, 0, 0, 0, 2]
    # no choice fits: every 表四 cell is marked invalid rather than guessed
    r = parse_text(report_text(reviews="\t".join(["5"] * 16)))
    assert any(p.code == "extra-values" for p in r.problems)
    assert {c.kind for row in r.tables.reviews.values() for c in row.values()} == {"invalid"}


def test_missing_part_and_missing_table_give_a_partial_model():
    text = report_text(six=False).replace(REVIEWS_HEADER, "").replace("2\t1\t0\t0\t3\t1\t0\t0\t0\t1\t0\t0\t0\t0\t0", "")
    r = parse_text(text)
    assert not r.section(6).present
    assert r.tables.reviews is None
    assert not [p for p in r.problems if p.code == "table-not-found"]  # not there: C104's, no parse problem
    assert r.tables.applications is not None


def test_a_table_whose_heading_is_there_but_whose_values_are_not_is_a_parse_problem():
    r = parse_text(report_text().replace("2\t1\t0\t0\t3\t1\t0\t0\t0\t1\t0\t0\t0\t0\t0", ""))
    assert r.tables.reviews is None
    [p] = [p for p in r.problems if p.code == "table-not-found"]
    assert p.table == "reviews" and p.data == {"header_found": True} and p.location.line is not None


def test_hybrid_template_is_detected():
    dis2021 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t0\t0\t0
行政规范性文件\t3\t1\t40
第二十条第（五）项
信息内容\t本年处理决定数量
行政许可\t120
第二十条第（六）项
信息内容\t本年处理决定数量
行政处罚\t30
行政强制\t2
第二十条第（八）项
信息内容\t本年收费金额（单位：万元）
行政事业性收费\t12.5
"""
    r = parse_text(report_text().replace(DISCLOSURE_2019, dis2021))
    assert r.meta.template == "hybrid"
    assert r.table_templates["disclosure"] == "2021" and r.table_templates["applications"] == "2019"
    assert r.tables.disclosure["fees"]["amount"].value == 12.5


def test_misnumbered_heading_is_kept_with_its_numeral():
    r = parse_text(report_text().replace("四、政府信息公开行政复议", "三、政府信息公开行政复议"))
    assert r.section(4).present and r.section(4).numbered_as == 3


def test_crawler_header_gives_publication_date_and_title(tmp_path):
    text = ("标题: 某某局2023年政府信息公开工作年度报告\n发布时间: 2024-01-20 10:00\n原文链接: http://x\n"
            "==================== 正文 ====================\n") + report_text(title=False)
    r = parse_text(text)
    assert r.meta.title == "某某局2023年政府信息公开工作年度报告"
    assert r.meta.organ_kind == "department"
    assert r.meta.published_on.isoformat() == "2024-01-20"
    assert r.meta.provenance["published_on"].kind == "crawler-header"


def test_markdown_pipe_tables(tmp_path):
    md = ["# 某某县2020年政府信息公开工作年度报告", "", "## 三、收到和处理政府信息公开申请情况", "",
          "| 本列数据的勾稽关系 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
          "|---|---|---|---|---|---|---|---|"]
    for label, key in APP_ROWS_2019:
        md.append("| " + label + " | " + " | ".join(str(v) for v in VALUES.get(key, [0] * 7)) + " |")
    p = tmp_path / "r.md"
    p.write_text("\n".join(md), encoding="utf-8")
    r = parse(p)
    assert r.source.format == "md"
    for key, v in VALUES.items():
        assert values(r, "applications", key) == v
    assert r.tables.applications["granted"]["natural_person"].location.table == 0


def test_model_json_round_trip(tmp_path):
    r = parse_text(report_text())
    p = tmp_path / "model.json"
    p.write_text(r.to_json(), encoding="utf-8")
    again = parse(p)
    assert again.source == r.source  # the model keeps where it was first read from
    assert again.tables == r.tables and again.sections == r.sections and again.meta == r.meta
    data = json.loads(r.to_json())
    assert data["schema_version"] == 1
    assert set(data["tables"]) == {"disclosure", "applications", "reviews"}
    cell = data["tables"]["applications"]["total"]["natural_person"]
    assert {"value", "raw", "kind"} <= set(cell)


@pytest.mark.parametrize(("name", "data", "code"), [
    ("empty.txt", b"", "empty-file"),
    ("blank.txt", b"   \n\n", "empty-file"),
    ("x.bin", b"\x00\x01\x02\x03" * 50, "unknown-format"),
    ("bin.txt", b"\x00\x01\x02\x03" * 50, "binary-file"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old-binary-format"),
    ("bad.json", b"{not json", "bad-json"),
    ("other.json", b'{"a": 1}', "not-a-model"),
])
def test_bad_input_is_a_clear_error(name, data, code):
    with pytest.raises(InputError) as e:
        parse_bytes(data, name)
    assert e.value.code == code
    assert e.value.zh and e.value.en and "\n" not in e.value.zh


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputError) as e:
        parse(tmp_path / "nope.txt")
    assert e.value.code == "not-found"


def test_text_without_a_report_is_a_partial_model_with_a_problem():
    r = parse_text("今天天气很好。\n我们去公园散步。\n")
    assert any(p.code == "no-report" for p in r.problems)
    assert r.tables.applications is None


def test_gbk_text_is_decoded():
    r = parse_bytes(report_text().encode("gb18030"), "gbk.txt")
    assert values(r, "applications", "total") == VALUES["total"]


@pytest.mark.parametrize("body", [
    "1234567890" * 20000,          # one endless run of digits
    "1 " * 100000,                 # endless single values
    "本年新收政府信息公开申请数量 " * 20000,  # endless labels
    "（七）总计" * 30000 + "1" * 50,
    "规章 1 " * 50000,
])
def test_junk_input_gives_a_model_not_a_crash_or_hang(body):
    text = "三、收到和处理政府信息公开申请情况 本列数据的勾稽关系 第二十条第（一）项 本年新收政府信息公开申请数量 " + body
    report = parse_text(text)
    assert report.problems  # whatever it read, it says what it could not


def test_scraps_of_labels_without_parts_are_not_a_report():
    text = "说明：表三第一行是“一、本年新收政府信息公开申请数量”，例如 21710000218 表示 217|1|0|0|0|0|218。\n"
    r = parse_text(text)
    assert any(p.code == "no-report" for p in r.problems)


def test_a_disclosure_table_mixing_both_formats_is_hybrid():
    text = report_text().replace("本年新制作数量", "本年制发件数").replace("本年新公开数量", "本年废止件数") \
        .replace("对外公开总数量", "现行有效件数")
    r = parse_text(text)
    assert r.meta.template == "hybrid"
    assert set(r.mixed_labels["disclosure"]) == {"2019", "2021"}
    assert parse_text(report_text()).mixed_labels == {}


# -- run-together digits: one search per row, bounded per row and per document

def _digits_row(text: str):
    from report_lint.recognise.numbers import Layout
    from report_lint.recognise.tables import _row_layout
    from report_lint.recognise.tokens import Token
    from report_lint.templates import get_template

    spec = get_template("2021").table("applications")
    return [Token("num", text, text, 0, len(text), False)], Layout(list(spec.columns), _row_layout(spec.columns, spec.equations))


def test_a_row_is_cut_once_whichever_template_asks():
    from report_lint.recognise.numbers import DigitSplitter

    splitter = DigitSplitter()
    tokens, layout = _digits_row("21710000218")
    first = splitter.split(tokens, layout)
    spent = splitter.budget.left
    again = splitter.split(list(tokens), layout)  # 表三 has the same columns and equations in 2019 and 2021
    assert first.solutions == again.solutions == [["217", "1", "0", "0", "0", "0", "218"]]
    assert first.complete and splitter.budget.left == spent


def test_a_row_of_forty_run_together_digits_is_a_small_bounded_search():
    from report_lint.recognise.numbers import ROW_STEPS, StepBudget, split_tokens

    tokens, layout = _digits_row("8305829476105738291046573829104657382910")
    budget = StepBudget(ROW_STEPS)
    assert split_tokens(tokens, layout, budget=budget) == []  # no cut adds up: the search says so completely
    assert not budget.spent and budget.used < ROW_STEPS // 2
    parts = ["48213", "907", "15", "3318", "66", "12009"]
    tokens, layout = _digits_row("".join(parts) + str(sum(map(int, parts))))
    assert [*parts, str(sum(map(int, parts)))] in split_tokens(tokens, layout)


def test_the_document_budget_is_shared_and_an_unfinished_search_is_never_called_unique():
    from report_lint.recognise.numbers import DigitSplitter

    splitter = DigitSplitter(document_steps=30, row_steps=1000)
    tokens, layout = _digits_row("8305829476105738291046573829104657382910")
    assert not splitter.split(tokens, layout).complete  # the document's 30 steps ran out in this row
    tokens, layout = _digits_row("21710000218")
    assert not splitter.split(tokens, layout).complete and splitter.budget.left <= 0
    # the cut without equations still reads the row, but never as the only possible one
    cut = splitter.split_or_cut_freely(tokens, layout)
    assert cut.solutions and not cut.complete


def test_rows_after_a_page_of_junk_are_read_and_flagged_when_the_budget_is_spent(monkeypatch):
    from report_lint.recognise import numbers

    monkeypatch.setattr(numbers, "DOCUMENT_STEPS", 0)  # as if earlier rows had spent it all
    flat = app_rows(sep="").replace("\n", "")
    r = parse_text(report_text(app=flat))
    assert values(r, "applications", "total") == VALUES["total"]  # read by the cut without equations
    unsure = {p.row for p in r.problems if p.code == "ambiguous-split"}
    assert "total" in unsure and not [p for p in r.problems if p.code == "split-digits"]


def test_forty_run_together_digits_in_a_report_are_read_and_reported():
    junk = "8305829476105738291046573829104657382910"
    flat = app_rows(sep="").replace("\n", "")
    flat = flat.replace("二、上年结转政府信息公开申请数量1000001", "二、上年结转政府信息公开申请数量" + junk)
    r = parse_text(report_text(app=flat))
    assert values(r, "applications", "new_received") == VALUES["new_received"]
    assert values(r, "applications", "total") == VALUES["total"]
    cells = r.tables.applications["carried_over"]
    assert "".join(c.raw for c in cells.values()) == junk  # every digit kept, none invented
    assert {p.code for p in r.problems if p.row == "carried_over" or "carried_over" in p.data.get("rows", {})} \
        & {"split-digits", "ambiguous-split"}


def test_weighing_cuts_depth_first_agrees_with_trying_every_combination():
    """ColumnEquations.best_combination (each equation counted once its last row is chosen) picks the
    same first best combination, with the same number of ties, as trying every combination in order."""
    import itertools
    import random

    from report_lint.recognise.tables import ColumnEquations

    rng = random.Random(7)
    for _ in range(200):
        keys = [f"r{i}" for i in range(rng.randint(1, 4))]
        width = rng.randint(1, 3)
        multi = {k: [[str(rng.randint(0, 3)) for _ in range(width)] for _ in range(rng.randint(2, 4))] for k in keys}
        equations = []
        for _ in range(rng.randint(1, 3)):
            rows = rng.sample(keys, rng.randint(1, len(keys)))
            equations.append(([float(rng.randint(-3, 3)) for _ in range(width)],
                              [(r, rng.choice((1.0, -1.0))) for r in rows]))
        weigh = ColumnEquations(equations, {k: {id(c): [float(v) for v in c] for c in cuts} for k, cuts in multi.items()})
        scores = [(weigh.broken(dict(zip(keys, combo, strict=True))), combo)
                  for combo in itertools.product(*(multi[k] for k in keys))]
        fewest = min(s for s, _ in scores)
        expected = next(list(c) for s, c in scores if s == fewest)
        assert weigh.best_combination(keys, multi) == (expected, sum(s == fewest for s, _ in scores))


def test_traditional_characters_read_as_simplified():
    """SPEC §0.1: a traditional-character mirror (規範性文件) matches the template's simplified labels."""
    assert normalize("行政規範性文件") == normalize("行政规范性文件")
    assert normalize("結轉下年度繼續辦理") == normalize("结转下年度继续办理")
