"""Every output format renders a run with findings, an unreadable file and a clean file.

The runs are built by hand (report_lint.testing.valid_report + Findings), so these tests do not depend
on the engine or on any rule.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from report_lint.engine import places
from report_lint.engine.types import FileError, FileResult, Finding, FindingLocation, RunResult
from report_lint.model import Cell, Location, ParseProblem
from report_lint.reporters import FORMATS, report_lint_reporters
from report_lint.testing import valid_report

ANSI = re.compile(r"\x1b\[")


def finding(rule, severity, zh, en, family="zero-sum", name="rule.name", **loc) -> Finding:
    return Finding(rule=rule, name=name, family=family, severity=severity, message=zh, message_zh=zh,
                   message_en=en, location=FindingLocation(**loc))


def make_run() -> RunResult:
    rep = valid_report("2021")
    rep.source.path = "reports/示例县2023.txt"
    rep.tables.applications["total"]["natural_person"] = Cell(value=20, raw="20", kind="number",
                                                              location=Location(line=57))
    rep.tables.applications["carried_forward"]["total"] = Cell(raw="", kind="blank")
    findings = [
        finding("Z102", "error", "表三“（七）总计”行“自然人”列应为 26（各项办理结果之和），实为 20",
                "Table 3 (7) total, individuals: should be 26, is 20", name="applications.total-sum",
                section=3, table="applications", row="total", column="natural_person", line=57),
        finding("C101", "error", "缺少第六部分“六、其他需要报告的事项”", "Part 6 is missing",
                family="completeness", name="parts.missing", section=6),
        finding("F010", "warning", "标题年份[2023]有误: 请核对, 100%", "Title year [2023] is wrong: check, 100%",
                family="format", name="title.year", line=1),
        finding("Z101", "error", "表三“总计”列：第一项+第二项=10，第三项+第四项=12", "Table 3 total column: 10 vs 12",
                name="applications.column-identity", table="applications", column="total", page=3),
        finding("T201", "info", "发布日期 <script>alert(1)</script> & 较晚", "Published <b>late</b> & co",
                family="timeliness", name="deadline.late", section=1, paragraph=2),
    ]
    findings[0].expected, findings[0].actual = 26, 20
    findings[3].data = {"equation": "T3-1"}
    for f in findings:  # what the engine resolves for every finding (engine/places.py)
        f.place = places.place(rep, f.location, f.data)
    with_findings = FileResult(path=rep.source.path, template="2021", year=2023, organ="示例县人民政府", score=72.5,
                               grade="C", categories={"completeness": 80.0, "consistency": 60.0},
                               findings=findings, report=rep)
    unreadable = FileResult(path="reports/坏.pdf", error=FileError(code="empty-file", message="reports/坏.pdf 是空文件"))
    clean = FileResult(path="reports/ok.html", template="2019", year=2020, organ="甲局", score=100.0, grade="A",
                       categories={"completeness": 100.0}, report=valid_report("2019", organ="甲局"))
    return RunResult(tool={"name": "report-lint", "version": "0.1.0"}, files=[with_findings, unreadable, clean])


@pytest.fixture
def run() -> RunResult:
    return make_run()


def render(fmt, run, **kw):
    from importlib import import_module

    return import_module(f"report_lint.reporters.{fmt}").render(run, **kw)


# --- registry -------------------------------------------------------------------------------

def test_hook_lists_every_format_and_renders_lazily(run):
    reporters = report_lint_reporters()
    assert set(reporters) == set(FORMATS) == {"console", "json", "jsonl", "csv", "sarif", "junit", "github",
                                              "markdown", "html"}
    # the CLI calls render(run, lang=..., options=...); the hookspec's older (run, options) form works too
    out = reporters["json"](run, lang="en", options={"indent": None})
    assert json.loads(out)["files"][0]["findings"][0]["message"].startswith("Table 3")
    assert json.loads(reporters["json"](run, {"lang": "en"}))["files"][0]["findings"][0]["message"].startswith("Table 3")


def test_importing_the_registry_loads_no_format_module():
    code = ("import sys, report_lint.reporters as r; r.report_lint_reporters(); "
            "print([m for m in sys.modules if m.startswith('report_lint.reporters.') or m == 'rich'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- console ------------------------------------------------------------------------------

def test_console_zh(run):
    out = render("console", run)
    assert not ANSI.search(out)
    for text in ("reports/示例县2023.txt", "机关：示例县人民政府", "年度：2023", "模板：2021", "得分：72.5",
                 "等级：C", "完整性 80.0", "数据一致性 60.0", "无法读取：reports/坏.pdf 是空文件",
                 "✓ 未发现问题", "【20】", "位置：表三“（七）总计”行“自然人”列 · 第57行"):
        assert text in out, text
    # parts in order, then the findings outside any part
    order = [out.index(t) for t in ("一、总体情况", "三、收到和处理政府信息公开申请情况", "六、其他需要报告的事项", "全文/表格外")]
    assert order == sorted(order)
    assert "标题年份[2023]有误" in out  # a report's brackets are not rich markup
    assert "汇总：共 3 个文件（1 个无法读取）；错误 3，警告 1，提示 1；平均得分 86.2" in out
    # the column finding shows the equation's rows with the column highlighted (blank marked)
    assert "【（空）】" in out and "四、结转下年度" in out
    assert all(line == line.rstrip() for line in out.splitlines())


def test_console_en_and_color(run):
    out = render("console", run, lang="en", options={"width": 120})
    for text in ("Cannot read", "✓ No findings", "Table 3 (7) total, individuals", "Whole document / outside the tables",
                 "3. Applications received and handled", "[20]", "Summary: 3 files (1 unreadable); 3 errors"):
        assert text in out, text
    assert "表三“（七）" not in out
    assert ANSI.search(render("console", run, options={"color": True}))


def test_console_width_is_respected(run):
    from rich.cells import cell_len

    out = render("console", run, options={"width": 72})
    assert max(cell_len(line) for line in out.splitlines()) <= 72


# --- json ---------------------------------------------------------------------------------

def test_json_interchange_fields(run):
    doc = json.loads(render("json", run))
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "report-lint", "version": "0.1.0"}
    assert [f["path"] for f in doc["files"]] == ["reports/示例县2023.txt", "reports/坏.pdf", "reports/ok.html"]
    first, bad, clean = doc["files"]
    for key in ("path", "template", "year", "score", "grade", "categories", "error", "findings"):
        assert key in first and key in bad and key in clean
    assert "report" not in first
    assert first["score"] == 72.5 and first["categories"] == {"completeness": 80.0, "consistency": 60.0}
    f = first["findings"][0]
    for key in ("rule", "family", "severity", "message", "location", "expected", "actual"):
        assert key in f
    assert set(f["location"]) >= {"section", "table", "row", "column", "line", "page"}
    assert f["location"] == {**f["location"], "section": 3, "table": "applications", "row": "total",
                             "column": "natural_person", "line": 57, "page": None}
    assert (f["rule"], f["family"], f["severity"], f["expected"], f["actual"]) == ("Z102", "zero-sum", "error", 26, 20)
    assert f["message"].startswith("表三")
    assert bad["error"] == {"code": "empty-file", "message": "reports/坏.pdf 是空文件"}
    assert bad["score"] is None and bad["findings"] == []
    assert clean["findings"] == [] and clean["error"] is None
    assert doc["summary"]["files"] == 3 and doc["summary"]["findings"] == {"error": 3, "warning": 1, "info": 1}
    en = json.loads(render("json", run, lang="en"))
    assert en["files"][0]["findings"][0]["message"] == "Table 3 (7) total, individuals: should be 26, is 20"


@pytest.mark.parametrize("indent", [2, 4, None])
def test_json_writer_writes_what_json_dumps_writes(indent):
    """The JSON writer encodes with pydantic_core where that gives json.dumps's bytes (and falls back to
    json.dumps where it would not: floats under 1e-4, lone surrogates)."""
    from report_lint.reporters.json import _dumps

    floats = [0.0, -0.0, 1e-4, 9.99e-5, 1e-05, 1.5e-07, 5e-324, 0.1, 1 / 3, 87.5, 1e15, 1e16, 1.2345678901234567e16,
              1e22, 1e300, -2.5e-9, float("nan"), float("inf"), float("-inf")]
    strings = ["中文“引号”", 'a"b\\c', "\n\t\r\b\f\x00\x1f\x7f", "\u2028\u2029", "\U0001F600", "\udcff", "1e-05 0.00001"]
    value = {"floats": floats, "ints": [0, -1, 2**53 + 1, 2**63, -(2**64), 10**30], "strings": strings,
             "nested": {"empty_list": [], "empty_dict": {}, "list": [[], [{}], {"a": [None, True, False]}]},
             "keys": {"1": 1, "中": 2, "": 3}, "bools": [True, False, None]}
    for v in (value, *floats, *strings, {"only": 0.5}, [1e-05], {"x": 0.00012}):
        for level in (0, 1, 2):
            expected = json.dumps(v, ensure_ascii=False, indent=indent)
            if indent is not None and level:
                expected = expected.replace("\n", "\n" + " " * (indent * level))
            assert _dumps(v, indent, level) == expected, v


def test_json_keeps_engine_summary(run):
    run.summary = {"fail_level": "error", "files": 3}
    assert json.loads(render("json", run))["summary"]["fail_level"] == "error"


# --- junit --------------------------------------------------------------------------------

def test_junit_per_finding(run):
    root = ET.fromstring(render("junit", run, options={"rules": []}))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["reports/示例县2023.txt", "reports/坏.pdf", "reports/ok.html"]
    first, bad, clean = suites
    assert first.get("tests") == "5" and first.get("failures") == "4"
    assert len(first.findall("testcase/failure")) == 4
    info = next(tc for tc in first.findall("testcase") if tc.get("name").startswith("T201"))
    assert info.find("failure") is None and "<script>" in info.find("system-out").text
    assert bad.get("errors") == "1" and bad.find("testcase/error").get("type") == "empty-file"
    assert clean.get("tests") == "1" and clean.get("failures") == "0"
    assert root.get("tests") == "7" and root.get("failures") == "4" and root.get("errors") == "1"
    props = {p.get("name"): p.get("value") for p in first.findall("properties/property")}
    assert props["score"] == "72.5" and props["grade"] == "C"


def test_junit_per_rule_with_catalogue(run):
    rules = [{"id": "Z102", "name": "applications.total-sum"}, {"id": "C101", "name": "parts.missing"},
             {"id": "Z103", "name": "reviews.total"}]
    root = ET.fromstring(render("junit", run, options={"rules": rules}))
    first, _, clean = root.findall("testsuite")
    names = [tc.get("name") for tc in first.findall("testcase")]
    # every catalogue rule is a case (Z103 passes); rules outside the catalogue still appear
    assert "Z103 reviews.total" in names and any(n.startswith("F010") for n in names)
    passing = next(tc for tc in first.findall("testcase") if tc.get("name") == "Z103 reviews.total")
    assert passing.find("failure") is None
    assert [tc.get("name") for tc in clean.findall("testcase")] == ["C101 parts.missing", "Z102 applications.total-sum",
                                                                  "Z103 reviews.total"]


def test_junit_drops_xml_illegal_characters(run):
    run.files[0].findings[0].message_zh = "坏字符\x0b在此"
    root = ET.fromstring(render("junit", run, options={"rules": []}))
    assert "坏字符在此" in ET.tostring(root, encoding="unicode")


# --- github -------------------------------------------------------------------------------

def test_github_escaping():
    from report_lint.reporters.github import command, escape_data, escape_property

    assert escape_data("100%\r\nx: y, z") == "100%25%0D%0Ax: y, z"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("error", "m: 1, 2", file="a,b.txt", line=3, title="Z101 t:x") == \
        "::error file=a%2Cb.txt,line=3,title=Z101 t%3Ax::m: 1, 2"


def test_github_annotations_and_summary(run, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    summary = tmp_path / "summary.md"
    out = render("github", run, options={"step_summary": str(summary)})
    lines = out.splitlines()
    assert sum(1 for ln in lines if ln.startswith("::group::")) == sum(1 for ln in lines if ln == "::endgroup::") == 2
    assert "::error file=reports/示例县2023.txt,line=57,title=Z102 applications.total-sum::" in out
    assert "::notice file=reports/示例县2023.txt,line=" in out  # info -> notice
    warning = next(ln for ln in lines if ln.startswith("::warning"))
    assert warning.endswith("标题年份[2023]有误: 请核对, 100%25%0A位置：第1行")
    # a missing part and a page-only finding still get a line
    assert re.search(r"::error file=[^,]+,line=\d+,title=C101", out)
    assert "::error file=reports/坏.pdf,title=无法读取::reports/坏.pdf 是空文件 (empty-file)" in out
    text = summary.read_text(encoding="utf-8")
    assert "| reports/示例县2023.txt | 示例县人民政府 | 2023 | 2021 | 72.5 | C | 3 | 1 |" in text
    render("github", run, options={"step_summary": str(summary)})
    assert summary.read_text(encoding="utf-8").count("## report-lint") == 2  # appended, not overwritten


def test_github_summary_from_environment(run, tmp_path, monkeypatch):
    target = tmp_path / "env-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    render("github", run, lang="en")
    assert "## report-lint results" in target.read_text(encoding="utf-8")
    target.unlink()
    render("github", run, options={"step_summary": False})
    assert not target.exists()


# --- markdown -----------------------------------------------------------------------------

def test_markdown(run):
    run.files[2].path = "reports/a|b.html"
    out = render("markdown", run)
    assert out.startswith("# 政府信息公开工作年度报告检查结果\n")
    assert "| 文件 | 机关 | 年度 | 模板 | 得分 | 等级 | 错误 | 警告 |" in out
    assert "| reports/坏.pdf |  |  |  | 无法读取 |  | 0 | 0 |" in out
    assert "reports/a\\|b.html" in out  # a pipe cannot break the table
    assert "## reports/示例县2023.txt" in out and "### 三、收到和处理政府信息公开申请情况" in out
    assert "标题年份\\[2023\\]有误" in out and "\\<script\\>" in out
    assert "（七）总计：自然人 **20** · 商业企业" in out
    assert "> **无法读取**：reports/坏.pdf 是空文件（empty-file）" in out
    assert "未发现问题。" in out
    en = render("markdown", run, lang="en")
    assert "| File | Organ | Year | Template | Score | Grade | Errors | Warnings |" in en and "No findings." in en


# --- html ---------------------------------------------------------------------------------

EXTERNAL = re.compile(r"""(?:src|href|action|data)\s*=\s*["'](?!#)|https?://|url\(|@import|<script|<link|<iframe""", re.I)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_self_contained_and_well_formed(run, lang):
    out = render("html", run, lang=lang)
    root = ET.fromstring(out.split("\n", 1)[1])  # well-formed (after the doctype line)
    assert root.tag == "html"
    assert not EXTERNAL.search(out), EXTERNAL.search(out)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out or "&lt;b&gt;late&lt;/b&gt;" in out
    assert "@media print" in out
    body = ET.tostring(root, encoding="unicode")
    assert 'class="num hit"' in body and ">20<" in body
    assert "72.5" in body and ('id="file-2"' in body)
    assert 'style="width:80.0%"' in body  # category bar


def test_html_zh_content(run):
    out = render("html", run)
    for text in ("无法读取", "未发现问题。", "三、收到和处理政府信息公开申请情况（2）", "全文/表格外（1）", "完整性",
                 '<html lang="zh-CN">'):
        assert text in out, text


# --- parsed view --------------------------------------------------------------------------

def test_parsed_view_valid_report():
    from report_lint.reporters.parsed_view import render_report

    out = render_report(valid_report("2021"))
    assert not ANSI.search(out)
    assert out.count("✓ 已找到") == 6 and "✗ 缺失" not in out
    for text in ("示例县人民政府", "表二 主动公开政府信息情况", "表三 收到和处理政府信息公开申请情况",
                 "表四 政府信息公开行政复议、行政诉讼情况", "第二十条第（一）项", "行政复议", "无解析问题"):
        assert text in out, text


def test_parsed_view_marks_cells_parts_and_problems():
    from report_lint.model import Provenance
    from report_lint.reporters.parsed_view import render_report

    rep = valid_report("2021")
    rep.meta.provenance["year"] = Provenance(kind="title", text="示例县2023年报告")
    rep.sections = [s for s in rep.sections if s.number != 5]
    rep.tables.reviews = None
    apps = rep.tables.applications
    apps["granted"]["commercial"] = Cell(raw="", kind="blank")
    apps["granted"]["research"] = Cell(raw="/", kind="not_applicable")
    apps["granted"]["social_welfare"] = Cell(raw="十二", kind="invalid")
    apps["granted"]["legal_service"] = Cell(value=7, raw="7", kind="number", derived="split")
    del apps["denied_state_secret"]
    rep.problems.append(ParseProblem(code="split-digits", message="数字连在一起", message_en="digits run together",
                                     table="applications", row="granted", severity="info"))
    out = render_report(rep, width=200)  # wide: assert on unwrapped text
    assert "五、存在的主要问题及改进情况" in out and "✗ 缺失" in out
    assert "未找到该表" in out
    assert "（空）" in out and "⚠ 十二" in out and "7*" in out and "（未找到此行）" in out
    assert "解析问题（1）" in out and "split-digits 数字连在一起" in out and "表三“（一）予以公开”行" in out
    assert "title" in out and "示例县2023年报告" in out
    en = render_report(rep, lang="en", width=200)
    assert "✗ missing" in en and "table not found" in en and "(row not found)" in en and "digits run together" in en
    assert "Individuals" in en


def test_parsed_view_hybrid_uses_2021_labels_and_keeps_foreign_rows():
    from report_lint.reporters.parsed_view import render_report

    rep = valid_report("2021")
    rep.meta.template = "hybrid"
    rep.tables.applications["other_handling"] = {"natural_person": Cell(value=4, raw="4", kind="number")}
    out = render_report(rep, width=140)
    assert "（六）其他处理" in out and "（六）3.其他" in out
    assert out.index("（六）其他处理") < out.index("（七）总计")


# --- shared helpers -----------------------------------------------------------------------

def test_line_fallbacks(run):
    """The engine resolves each finding's line and page once; reporters read them from the finding."""
    from report_lint.reporters import _common as c

    fr = run.files[0]
    by_rule = {f.rule: f for f in fr.findings}
    assert c.resolve_line_page(by_rule["Z102"]) == (57, None)
    assert c.resolve_line_page(by_rule["Z101"]) == (30, 3)  # page-only: the part's start line
    fr.report.sections = [s for s in fr.report.sections if s.number != 6]
    five = fr.report.section(5)  # a missing part points where it belongs: the end of the part before it
    assert places.place(fr.report, by_rule["C101"].location).line == (five.end or five.start).line
    assert c.resolve_line_page(None) == (1, None)
    # a finding built by hand without a place still has a line
    bare = finding("F010", "warning", "x", "x", family="format", line=None)
    assert c.resolve_line_page(bare) == (1, None)


def test_wrap_label():
    from report_lint.reporters._common import wrap_label

    assert wrap_label("社会公益组织") == "社会公益\n组织"
    assert wrap_label("本年收费金额（单位：万元）") == "本年收费\n金额\n（单位：\n万元）"
    assert wrap_label("总计") == "总计" and wrap_label("Legal services") == "Legal services"


def test_internal_errors_are_shown(run):
    from report_lint.engine.types import InternalProblem

    run.files[2].internal_errors = [InternalProblem(rule="Z105", message="ZeroDivisionError: division by zero")]
    assert "内部错误 Z105：ZeroDivisionError" in render("console", run)
    assert json.loads(render("json", run))["files"][2]["internal_errors"] == [
        {"rule": "Z105", "message": "ZeroDivisionError: division by zero"}]
    suite = ET.fromstring(render("junit", run, options={"rules": []})).findall("testsuite")[2]
    assert suite.get("errors") == "1" and suite.find("testcase/error").get("type") == "internal-error"
    assert "ZeroDivisionError" in render("html", run) and "ZeroDivisionError" in render("markdown", run)
    assert "::error file=reports/ok.html,title=内部错误 Z105::ZeroDivisionError" in render("github", run, options={"step_summary": False})
    notes = json.loads(render("sarif", run))["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any(n["descriptor"]["id"] == "internal-error" and n["associatedRule"]["id"] == "Z105" for n in notes)


def test_chinese_line_breaking():
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from rich.cells import cell_len

    from report_lint.reporters._rich import break_points

    def lines(text, width):
        return [text[a:b] for a, b in break_points(text, width)]

    out = lines("表三“（七）总计”行“自然人”列应为 26，实为 20。", 12)
    assert all(cell_len(ln) <= 12 for ln in out)
    assert not any(ln[0] in "，。）”" for ln in out[1:])  # closing punctuation never starts a line
    assert not any(ln[-1] in "（“" for ln in out)  # opening punctuation never ends one
    assert "".join(out).replace(" ", "") == "表三“（七）总计”行“自然人”列应为 26，实为 20。".replace(" ", "")
    assert lines("check the total column value", 12) == ["check the", "total column", "value"]  # words kept whole

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet="表三总计行列，。（）“” ab12\n", max_size=80), st.integers(min_value=2, max_value=30))
    def no_loss_no_overflow(text, width):
        spans = break_points(text, width)
        assert all(cell_len(text[a:b]) <= width for a, b in spans)
        kept = "".join(text[a:b] for a, b in spans)
        assert kept.replace(" ", "") == text.replace(" ", "").replace("\n", "")

    no_loss_no_overflow()
