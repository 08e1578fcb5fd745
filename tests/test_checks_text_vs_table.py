"""X family (text vs table): counts the narrative states about the reporting organ itself must match
表二/表三/表四 (warning); a figure about another scope — a sub-unit, “代表…”, “全区各单位” — is at most
info (X104), and a 其中 part is silent."""
from __future__ import annotations

from functools import cache, partial
from pathlib import Path

import pytest

from report_lint.checks import text_vs_table as X
from report_lint.testing import num, valid_report
from rule_helpers import load_catalogue, message, parse_or_skip, run_check, set_text
from shared_paths import CORPUS

RULES = load_catalogue("text-vs-table")
IMPLS = {impl.id: impl.check for impl in X.report_lint_rules()}
render = partial(message, RULES)  # render(hit, lang="zh") -> str


def run(report, rule: str):
    return run_check(RULES, IMPLS[rule], report, rule)  # the X rules have no catalogue options


def run_all(report):
    return {rule: run(report, rule) for rule in IMPLS}


def with_text(text: str, organ: str = "示例县人民政府", template: str = "2021", seed: int = 0):
    r = valid_report(template, organ=organ, seed=seed)
    set_text(r, 1, r.section(1).text + text)
    return r


def total(r, row: str, table: str = "applications") -> int:
    return int(getattr(r.tables, table)[row]["total"].value)


def test_valid_report_is_silent():
    for template in ("2019", "2021"):
        assert {k: v for k, v in run_all(valid_report(template)).items() if v} == {}


def test_catalogue():
    assert set(IMPLS) <= set(RULES)
    assert RULES["X104"]["severity"] == "info"
    assert {RULES[r]["severity"] for r in ("X101", "X102", "X103")} == {"warning"}  # SPEC T3-6/T4-3/T2-7


# --------------------------------------------------------------------------- 表三

def test_received_count_contradicts_the_table():
    base = valid_report("2021")
    n = total(base, "new_received")
    r = with_text(f"全年共受理政府信息公开申请 {n + 3} 件，均在法定期限内答复。")
    [h] = run(r, "X101")
    assert h.expected == n and h.actual == n + 3
    assert h.location.section == 1 and h.location.line == 11
    msg = render(h)
    assert f"称收到（受理）政府信息公开申请 {n + 3} 件，但表三“一、本年新收政府信息公开申请数量”总计为 {n}" in msg
    assert "全年共受理政府信息公开申请" in msg and "{" not in render(h, "en")
    assert run(r, "X104") == []


def test_matching_counts_are_silent():
    r0 = valid_report("2021")
    n, c, h, f = (total(r0, k) for k in ("new_received", "carried_over", "total", "carried_forward"))
    r = with_text(f"全年新收政府信息公开申请{n}件，上年结转{c}件，办结{h}件，结转下年度继续办理{f}件。"
                  f"共受理申请{n + c}件（含上年结转）。")
    assert {k: v for k, v in run_all(r).items() if v} == {}


def test_carried_forward_stated_after_the_number():
    r0 = valid_report("2021")
    f = total(r0, "carried_forward")
    r = with_text(f"答复完毕，另有{f + 2}件申请因情况复杂顺延到下年度答复。")
    [h] = run(r, "X101")
    assert h.data["metric"] == "applications_carried_forward" and h.expected == f


def test_outcome_breakdown_checked():
    r0 = valid_report("2021", seed=3)
    g = total(r0, "granted")
    r = with_text(f"全年共受理政府信息公开申请{total(r0, 'new_received')}件，其中予以公开{g + 1}件。", seed=3)
    [h] = run(r, "X101")
    assert h.data["metric"] == "applications_granted" and h.expected == g


def test_zero_statement():
    r = with_text("本年度未收到政府信息公开申请。")
    if total(r, "new_received") == 0:
        r.tables.applications["new_received"]["total"] = num(4)
    [h] = run(r, "X101")
    assert h.actual == 0 and "未收到" in render(h)


# --------------------------------------------------------------------------- scope

def test_other_body_is_not_a_contradiction():
    """r002: “区政府办代表区政府受理…17件” while 表三 says 95 — a different scope."""
    r = with_text("2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。",
                  organ="淮安市洪泽区人民政府")
    assert run(r, "X101") == []
    [h] = run(r, "X104")
    assert h.data["scope"] == "other" and "区政府办代表区政府" in render(h)


@pytest.mark.parametrize("sentence", [
    "全年共受理申请{n}件，其中区财政局受理政府信息公开申请3件。",
    "全年共受理申请{n}件。其中，县财政局受理政府信息公开申请3件。",
])
def test_part_of_the_whole_is_silent(sentence):
    r0 = valid_report("2021")
    r = with_text(sentence.format(n=total(r0, "new_received")))
    assert run(r, "X101") == [] and run(r, "X104") == []


@pytest.mark.parametrize(("sentence", "rule"), [
    ("全县各单位共受理政府信息公开申请 999 件。", "X104"),
    ("县财政局收到政府信息公开申请 999 件，办结 999 件。", "X104"),
    ("我县全年受理政府信息公开申请 999 件。", "X101"),
    ("示例县人民政府全年受理政府信息公开申请 999 件。", "X101"),
    ("全县受理政府信息公开申请 999 件。", "X101"),  # a government's report speaks for its region
    ("按照市政府办公室部署，全年共受理政府信息公开申请 999 件。", "X101"),  # a frame, not a subject
])
def test_scope_of_the_subject(sentence, rule):
    r = with_text(sentence)
    hits = run_all(r)
    assert hits[rule], hits
    other = "X101" if rule == "X104" else "X104"
    assert hits[other] == []


def test_department_report_region_wide_figure_is_other_scope():
    r = with_text("全县受理政府信息公开申请 999 件；我局收到政府信息公开申请 998 件。", organ="示例县财政局")
    assert [h.actual for h in run(r, "X104")] == [999]
    assert [h.actual for h in run(r, "X101")] == [998]


# --------------------------------------------------------------------------- 表四 / 表二

def test_reviews_and_lawsuits():
    r = with_text("")
    rev, d, a = (total(r, g, "reviews") for g in ("review", "litigation_direct", "litigation_after_review"))
    r = with_text(f"全年因政府信息公开被申请行政复议{rev}件，行政诉讼{d + a}件。")
    assert run(r, "X102") == []
    r = with_text(f"行政复议{rev + 1}件，诉讼{d + a}件。")
    [h] = run(r, "X102")
    assert h.data["metric"] == "reviews" and h.expected == rev


def test_no_reviews_statement_against_the_table():
    r = with_text("本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。")
    r.tables.reviews["review"] = {k: num(v) for k, v in
                                  {"upheld": 2, "corrected": 0, "other": 0, "pending": 0, "total": 2}.items()}
    for g in ("litigation_direct", "litigation_after_review"):
        r.tables.reviews[g] = {k: num(0) for k in ("upheld", "corrected", "other", "pending", "total")}
    [h] = run(r, "X102")
    assert h.data["metric"] == "reviews" and h.expected == 2 and h.actual == 0
    # “未发生…被行政复议纠错” denies an outcome, not the cases themselves
    r2 = with_text("全年未发生因依申请公开被行政复议纠错的情况。")
    r2.tables.reviews = r.tables.reviews
    assert run(r2, "X102") == []


def test_documents_issued():
    r = with_text("全年制发行政规范性文件 5 件。")
    r.tables.disclosure["normative_documents"]["issued"] = num(3)
    [h] = run(r, "X103")
    assert h.expected == 3 and "表二“规范性文件”的“本年制发件数”为 3" in render(h)
    r.tables.disclosure["normative_documents"]["issued"] = num(5)
    assert run(r, "X103") == []
    r = with_text("全年制发行政规范性文件约 5 件。")
    r.tables.disclosure["normative_documents"]["issued"] = num(3)
    assert run(r, "X103") == []  # approximate figures are never compared
    r = with_text("梳理历年印发的行政规范性文件 228 件。")
    assert run(r, "X103") == []  # not this year's figure


def test_split_digits_note():
    """When the table figure was separated from run-together digits that hold the stated figure,
    the message says the text may be the right one (平潭 80628: “34089” read as 3|40|89)."""
    from report_lint.model import Cell, ParseProblem

    r = with_text("本年度制发规范性文件34件。")
    r.tables.disclosure["normative_documents"]["issued"] = Cell(value=3, raw="3", kind="number", derived="split")
    r.problems.append(ParseProblem(code="ambiguous-split", message="…", message_en="…", table="disclosure",
                                   row="normative_documents", data={"raw": "34089"}))
    [h] = run(r, "X103")
    assert "拆分有误" in render(h) and "34089" in render(h)


# --------------------------------------------------------------------------- engine + real reports

def test_through_the_engine():
    from report_lint.engine import runner
    n = total(valid_report("2021"), "new_received")
    result = runner.check_report(with_text(f"全年共受理政府信息公开申请 {n + 3} 件。"))
    [f] = [f for f in result.findings if f.family == "text-vs-table"]
    assert f.rule == "X101" and f.severity == "warning" and f.location.line == 11


@cache
def parsed(path: str):
    return parse_or_skip(Path(path))


def test_r002_scope_case_is_no_error():
    r = parsed(str(CORPUS / "r002.pdf"))
    hits = run_all(r)
    assert hits["X101"] == [] and hits["X102"] == [] and hits["X103"] == []
    [h] = hits["X104"]
    assert h.actual == 17 and h.expected == 95


@pytest.mark.parametrize("name", ["r001.pdf", "r003.pdf", "r004.txt", "r005.txt"])
def test_consistent_reports_are_silent(name):
    r = parsed(str(CORPUS / name))
    assert {k: v for k, v in run_all(r).items() if v} == {}


def test_r003_statements_are_read():
    """r003 repeats its tables in the text: the figures must be found (and agree)."""
    r = parsed(str(CORPUS / "r003.pdf"))
    got = {(f.kind, f.value) for f in r.facts if f.scope in ("self", "region")}
    assert {("applications_received", 3119), ("applications_handled", 3050), ("applications_carried_over", 34),
            ("applications_carried_forward", 103), ("reviews", 351), ("lawsuits", 46)} <= got


def test_seed_is_silent(seed_path: Path):
    r = parsed(str(seed_path))
    assert {k: v for k, v in run_all(r).items() if v} == {}
