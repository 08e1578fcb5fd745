"""Rules that read report.facts, on issue 7's cases: 解读率 in any phrasing with and without 表二 (I101,
I102, I103), the statistics period in any wording (C109, T103), a slogan is no count (X101), template
placeholders (C115 with C110/C111), a labelled row without values is blank, not missing (C105),
the organ out of a covering letter's title, contact lines (F102), and no check doing work at import."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from report_lint.checks import completeness as C
from report_lint.checks import format as F
from report_lint.checks import interpretation as I
from report_lint.checks import text_vs_table as X
from report_lint.checks import timeliness as T
from report_lint.testing import num, valid_report, with_facts
from rule_helpers import load_catalogue, message, parse_or_skip, run_check, set_text
from shared_paths import CORPUS, REPO, SHARED

CAT = {name: load_catalogue(name) for name in ("completeness", "interpretation", "timeliness", "text-vs-table",
                                               "format")}
FAMILY = {"C": "completeness", "I": "interpretation", "T": "timeliness", "X": "text-vs-table", "F": "format"}
CHECKS = {impl.id: impl.check for m in (C, I, T, X, F) for impl in m.report_lint_rules()}


def run(report, rule: str, **options):
    return run_check(CAT[FAMILY[rule[0]]], CHECKS[rule], report, rule, **options)


def render(hit, lang="zh"):
    return message(CAT[FAMILY[hit.rule[0]]], hit, lang)


# --------------------------------------------------------------------------- 政策解读 (I101–I103)

def interpretation_report(text: str, table: int | None):
    """A report whose part 一 says `text`; 表二 gives `table` documents issued (None: no 表二)."""
    r = valid_report("2021")
    if table is None:
        r.tables.disclosure = None
    else:
        r.tables.disclosure["regulations"]["issued"] = num(0)
        r.tables.disclosure["normative_documents"]["issued"] = num(table)
    set_text(r, 1, "本年度政府信息公开工作有序推进。" + text)
    return r


# (the sentence, what 表二 says or None when there is no 表二, the rate I101 must report or None)
RATES = [
    ("全年共制发行政规范性文件5件，其中3件同步发布了政策解读材料。", None, "60%"),
    ("全年共制发行政规范性文件5件，其中3件同步发布了政策解读材料。", 0, "60%"),  # 表二 gives 0: the text's own
    ("全年共制发行政规范性文件5件，其中3件同步发布了政策解读材料。", 5, "60%"),
    ("本年度制发规范性文件4件，对其中3份进行了图文解读。", None, "75%"),
    ("本年度制发规范性文件4件，对其中3份进行了图文解读。", 4, "75%"),
    ("我委印发规范性文件8件，6件配发了政策解读。", None, "75%"),
    ("我委印发规范性文件8件，6件配发了政策解读。", 8, "75%"),
    ("本年度制发规范性文件200件。全年发布政策解读117篇。", None, "58.5%"),
    ("全年发布政策解读117篇。", 200, "58.5%"),
    ("规范性文件解读率90%。", None, "90%"),
    ("规范性文件解读率90%。", 11, "90%"),
    ("制发规范性文件十件，同步解读七件。", None, "70%"),
    # 100 %: silent
    ("我局制定规范性文件5件，全部完成图文解读。", None, None),
    ("我局制定规范性文件5件，全部完成图文解读。", 5, None),
    ("政策文件均以至少两种形式解读。", 7, None),
    ("规范性文件解读率100%。", 3, None),
    ("全年共制发行政规范性文件6件，同步公开政策解读12条。", 6, None),
    # not a count of interpretations of the documents: silent
    ("其中：财税金融等政策及解读共2条。", 9, None),
    ("全年累计发布解读类信息21条。", 90, None),
    # next year's plan, another body: silent
    ("下一步，我局将制发规范性文件5件，其中3件同步解读。", None, None),
    ("区财政局制发规范性文件5件，其中3件同步解读。", None, None),
]


@pytest.mark.parametrize(("text", "table", "rate"), RATES)
def test_i101_rate_in_any_phrasing_with_or_without_table(text, table, rate):
    hits = run(interpretation_report(text, table), "I101")
    if rate is None:
        assert hits == []
    else:
        [h] = hits
        assert h.args["rate"] == rate and "{" not in render(h) + render(h, "en")
        assert h.location.section == 1


def test_i101_names_the_documents_it_divides_by():
    [h] = run(interpretation_report("全年共制发行政规范性文件5件，其中3件同步发布了政策解读材料。", None), "I101")
    assert "正文称制发规章和规范性文件 5 件" in render(h)
    [h] = run(interpretation_report("全年发布政策解读117篇。", 200), "I101")
    assert "表二“本年制发件数”共 200 件" in render(h) and "政策解读 117 篇" in render(h)


def test_i102_stated_rate_against_the_texts_own_counts_without_table():
    [h] = run(interpretation_report("制发规范性文件10件，同步解读8件，解读率100%。", None), "I102")
    assert h.args["computed"] == "80%" and h.args["docs_source"] == "正文所述制发件数"
    assert run(interpretation_report("制发规范性文件10件，同步解读8件，解读率80%。", None), "I102") == []


def test_i103_documents_the_text_counts_without_table():
    [h] = run(interpretation_report("全年制发规范性文件5件。", None), "I103")
    assert "正文所述本年制发规章和规范性文件合计 5 件" in render(h)
    assert run(interpretation_report("全年制发规范性文件5件，均同步解读。", None), "I103") == []


# --------------------------------------------------------------------------- 统计期限 (C109, T103)

PERIODS = [
    "本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。",
    "数据统计周期为{y}年1月1日至{y}年12月31日，报告全文通过网站公开。",
    "本报告的统计数据时间段为{y}年1月1日至{y}年12月31日。",
    "报告涵盖{y}年1月1日至{y}年12月31日期间政府信息公开情况。",
    "本年度报告中所列数据统计期限为 {y}\n年 1 月 1 日至 12 月 31 日。",
    "本报告统计期限为{y}年度。",
    "本报告数据统计时间为{y}-01-01至{y}-12-31。",
]


@pytest.mark.parametrize("wording", PERIODS)
def test_c109_silent_and_t103_on_the_year_in_any_wording(wording):
    r = valid_report("2021", year=2023)
    text = "本年度，本机关认真贯彻落实条例。" + wording.format(y=2023)
    r.section(1).text = text
    for p in r.paragraphs:
        if p.section == 1:
            p.text = text.split("\n")[0]
    extra = text.split("\n")[1:]  # a wrapped line is the next paragraph (PDF, Markdown)
    from report_lint.model import Location, Paragraph

    at = next(i for i, p in enumerate(r.paragraphs) if p.section == 1) + 1
    r.paragraphs[at:at] = [Paragraph(text=t, section=1, location=Location(line=12)) for t in extra]
    with_facts(r)
    assert run(r, "C109") == [] and run(r, "T103") == []
    for p in r.paragraphs:
        p.text = p.text.replace("2023", "2022")
    with_facts(r)
    assert run(r, "C109") == []
    [h] = run(r, "T103")
    assert h.actual == 2022 and "2022" in h.args["period"] and "2023" not in h.args["period"]


def test_c109_still_fires_without_a_period():
    r = valid_report("2021")
    set_text(r, 1, "本年度，本机关认真贯彻落实条例。2023年1月1日至2023年12月31日，我局深入推进政务公开。")
    assert len(run(r, "C109")) == 1


@pytest.mark.parametrize("name", ["pingtan/104786.txt", "r013.md"])
def test_corpus_reports_stating_their_period_get_no_c109(name):
    r = parse_or_skip(CORPUS / name)
    assert run(r, "C109") == []
    assert any(f.kind == "statistics_period" for f in r.facts)


# --------------------------------------------------------------------------- X101: a slogan is no count

def test_x101_slogan_is_no_count():
    r = valid_report("2021")
    set_text(r, 1, r.section(1).text + "坚持办结一件申请、解决一个问题、温暖一颗民心。")
    assert run(r, "X101") == []
    total = int(r.tables.applications["total"]["total"].value)
    set_text(r, 1, r.section(1).text + f"全年办结政府信息公开申请{total + 1}件。")
    assert len(run(r, "X101")) == 1


def test_x103_repealed_against_the_2021_table():
    r = valid_report("2021")
    r.tables.disclosure["normative_documents"]["repealed"] = num(2)
    set_text(r, 1, r.section(1).text + "我局废止规范性文件6件。")
    [h] = run(r, "X103")
    assert h.expected == 2 and h.actual == 6 and "本年废止件数" in render(h)
    set_text(r, 1, r.section(1).text.replace("6件", "2件"))
    assert run(r, "X103") == []


# --------------------------------------------------------------------------- C115 placeholders

def test_c115_placeholder_in_a_draft():
    r = valid_report("2021")
    set_text(r, 6, "（文字描述，收取信息处理费情况在此处报告。）")
    [h] = run(r, "C115")
    assert h.location.section == 6 and "（文字描述，收取信息处理费情况在此处报告。）" in render(h)
    assert "placeholder" in render(h, "en")
    assert len(run(r, "C110")) == 1  # the instruction is no content
    assert len(run(r, "C111")) == 1  # …and no fee statement
    assert run(valid_report("2021"), "C115") == []


def test_c115_lists_a_few_and_counts_all():
    r = valid_report("2021")
    set_text(r, 1, "××县人民政府20XX年度共收到申请（ ）件。（文字描述）")
    hits = run(r, "C115", max_locations=2)
    assert len(hits) == 2 and "全文共4处" in render(hits[-1])
    assert run(with_text("申请人王XX申请公开房屋征收信息。"), "C115") == []


def with_text(text: str):
    r = valid_report("2021")
    set_text(r, 4, text)
    return r


def test_blank_template_gets_the_placeholder_error():
    r = parse_or_skip(SHARED / "spec" / "template-2021.docx")
    hits = run(r, "C115")
    assert hits and {h.location.section for h in hits} == {1, 5, 6}
    assert CAT["completeness"]["C115"]["severity"] == "error"
    assert run(r, "C110") and run(r, "C111")  # its instruction is no fee statement


# --------------------------------------------------------------------------- C105: blank, not missing

def test_labelled_row_without_values_is_blank_not_missing(tmp_path: Path):
    sys.path.insert(0, str(REPO / "tests"))
    import report_lint
    from synth.render_text import TextLayout, render_text

    r = valid_report("2021", seed=2)
    for key in ("other_unpaid_fee", "other_misc"):
        for cell in r.tables.applications[key].values():
            cell.value = None
    text = render_text(r, TextLayout(sep="run", flatten=True))
    path = tmp_path / "blank-rows.txt"
    path.write_text(text, "utf-8")
    parsed = report_lint.parse(path)
    row = parsed.tables.applications["other_unpaid_fee"]
    assert {c.kind for c in row.values()} == {"blank"}
    assert run(parsed, "C105") == []
    assert parsed.table_templates["applications"] == "2021"  # not taken for the 2019 single （六） row
    # the row really taken out of the table: not claimed blank (the table then reads as the 2019
    # format's single （六） row, which V102 reports in a 2021 report)
    label = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    assert label in text
    path.write_text(text.replace(label, ""), "utf-8")
    assert "other_unpaid_fee" not in report_lint.parse(path).tables.applications


# --------------------------------------------------------------------------- organ (issue 8)

def test_organ_out_of_a_covering_letters_title(tmp_path: Path):
    import report_lint

    body = "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。\n一、总体情况\n本年度工作有序推进。\n"
    path = tmp_path / "letter.txt"
    path.write_text("标题: 示例市示例片区管理局关于报送2021年度政府信息公开工作年度报告的函\n"
                    "发布时间: 2022-01-20 10:00\n发布机构: 示例市示例片区管理局\n===== 正文 =====\n" + body, "utf-8")
    r = report_lint.parse(path)
    assert r.meta.organ == "示例市示例片区管理局" and r.meta.organ_kind == "department" and r.meta.year == 2021


def test_a_cited_documents_title_is_not_the_reports(tmp_path: Path):
    import report_lint

    path = tmp_path / "cited.txt"
    path.write_text("根据《中华人民共和国政府信息公开条例》和《示例县人民政府办公室关于2021年度政府信息公开工作年度报告"
                    "编制工作的通知》要求，现将2021年度政府信息公开工作情况报告如下：\n一、总体情况\n本年度工作有序推进。\n",
                    "utf-8")
    r = report_lint.parse(path)
    assert r.meta.title is None and r.meta.organ is None  # C108 says the title is missing


@pytest.mark.parametrize(("found", "organ"), [
    ("平潭综合实验区苏平片区管理局关于报送", "平潭综合实验区苏平片区管理局"),
    ("现公布周至县人民政府办公室", "周至县人民政府办公室"),
    ("示例县人民政府", "示例县人民政府"),
    ("编制我单位", None),
])
def test_clean_organ(found, organ):
    from report_lint.recognise.meta import clean_organ

    assert clean_organ(found) == organ


# --------------------------------------------------------------------------- the model JSON

def test_a_model_without_facts_is_read_again_when_loaded(tmp_path: Path):
    import json

    import report_lint

    r = valid_report("2021")
    obj = json.loads(r.to_json())
    assert "statistics_period" in {f["kind"] for f in obj["facts"]}
    del obj["facts"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(obj, ensure_ascii=False), "utf-8")
    loaded = report_lint.parse(path)
    assert [f.kind for f in loaded.facts] == [f.kind for f in r.facts]
    obj["facts"] = []  # an explicit empty list is kept as written
    path.write_text(json.dumps(obj, ensure_ascii=False), "utf-8")
    assert report_lint.parse(path).facts == []


# --------------------------------------------------------------------------- F102: contact lines

def test_f102_leaves_contact_lines_alone():
    r = valid_report("2021")
    set_text(r, 6, "联系地址：示例县人民路1号，联系电话:0591-3163551;传真:0591-23100。")
    assert run(r, "F102") == []
    set_text(r, 6, "本年度未收取信息处理费,无其他需要报告的事项。")
    assert len(run(r, "F102")) == 1


# --------------------------------------------------------------------------- start-up

def test_check_modules_do_no_work_at_import():
    """No regular expression is compiled and no phrasing is loaded when the check modules, the facts
    stage, scoring and the batch runner are imported (start-up time matters)."""
    code = (
        "import re, sys\n"
        "compiled = []\n"
        "orig = re.compile\n"
        "def spy(*a, **k):\n"
        "    compiled.append(sys._getframe(1).f_code.co_filename)\n"
        "    return orig(*a, **k)\n"
        "re.compile = spy\n"
        "import report_lint.checks.completeness, report_lint.checks.interpretation, report_lint.checks.timeliness\n"
        "import report_lint.checks.text_vs_table, report_lint.checks.template, report_lint.checks.format\n"
        "import report_lint.checks.helpers, report_lint.recognise.facts, report_lint.recognise.meta\n"
        "import report_lint.checks.zero_sum, report_lint.checks.year_over_year, report_lint.checks.parse\n"
        "import report_lint.scoring, report_lint.engine.batch, report_lint.reporters._common\n"
        "import report_lint.text, report_lint.phrasing as p\n"
        "assert p.phrasing.cache_info().currsize == 0, 'phrasing loaded at import'\n"
        "mine = ('checks', 'facts.py', 'meta.py', 'text.py', 'phrasing.py', 'scoring.py', 'batch.py', '_common.py')\n"
        "print([f for f in compiled if 'report_lint' in f and f.endswith(mine[1:]) or '/checks/' in f])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", "patterns compiled at import: " + out.stdout
