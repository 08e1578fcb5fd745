"""Z family (table arithmetic): each rule fails on a valid report broken in one place, with the right
suggested correction, and is silent on report_lint.testing.valid_report; then the corpus reports
whose own numbers do not add up (r005 表三, r001 表四, r012/r014 blank totals)."""
from __future__ import annotations

from functools import cache, partial

import pytest

from report_lint.checks import zero_sum as Z
from report_lint.engine import runner
from report_lint.engine.types import RuleContext
from report_lint.model import Cell, ParseProblem
from report_lint.testing import num, valid_report
from rule_helpers import load_catalogue, message, parse_or_skip, run_check
from shared_paths import CORPUS

RULES = load_catalogue("zero-sum")
# the grouped finding's message: the same catalogue entries with their `grouped` variant as the message
RULES_VARIANT = {rid: {**meta, **meta.get("variants", {}).get("grouped", {})} for rid, meta in RULES.items()}
IMPLS = {impl.id: impl.check for impl in Z.report_lint_rules()}
render = partial(message, RULES)  # render(hit) -> zh
render_en = partial(message, RULES, lang="en")


def run(report, rule: str, **options):
    return run_check(RULES, IMPLS[rule], report, rule, **options)


def run_all(report):
    return {rule: run(report, rule) for rule in IMPLS}


def zero_all(table) -> None:
    """Every cell of a 表 set to 0, for tests that then fill in the few cells they need."""
    for row in table:
        for c in table[row]:
            table[row][c] = num(0)


def consistent_2019():
    """valid_report("2019") whose random 表二 also meets the T2-6 heuristic (本年新公开 ≤ 对外公开总数)."""
    r = valid_report("2019")
    for row in ("regulations", "normative_documents"):
        cells = r.tables.disclosure[row]
        cells["total_public"] = num(max(cells["published"].value, cells["total_public"].value))
    return r


# --------------------------------------------------------------------------- silence

@pytest.mark.parametrize("template", ["2019", "2021"])
def test_valid_report_is_silent(template):
    r = consistent_2019() if template == "2019" else valid_report(template)
    assert {rule: hits for rule, hits in run_all(r).items() if hits} == {}


def test_every_rule_is_catalogued_and_every_message_renders():
    assert set(IMPLS) <= set(RULES)
    for rule in RULES.values():
        assert rule["family"] == "zero-sum"
        if rule["evidence"] == "M":
            assert rule["severity"] != "error"


# --------------------------------------------------------------------------- T3-1 / T3-2 / T3-3

def run_selected(report, rule: str, selected):
    """The hits of `rule` when only the rules in `selected` run on the file (ctx.selected)."""
    opts = dict(RULES[rule].get("options", {}))
    return list(IMPLS[rule](report, RuleContext(options=opts, settings=None, rule=rule, selected=frozenset(selected))))


def test_wrong_total_cell_breaks_three_equations_and_is_one_finding():
    r = valid_report("2021")
    cell = r.tables.applications["total"]["natural_person"]
    right = cell.value
    cell.value += 6
    hits = run_all(r)
    # its column's T3-1 and T3-2 and its row's T3-3 all break: one root cause, one finding, carried by Z101
    assert not hits["Z102"] and not hits["Z103"]
    [h] = hits["Z101"]
    assert h.variant == "grouped" and h.data["grouped"] is True
    assert [(e["equation"], e["rule"], e["along"]) for e in h.data["equations"]] == [
        ("T3-1", "Z101", "natural_person"), ("T3-2", "Z102", "natural_person"), ("T3-3", "Z103", "total")]
    assert h.data["suggestion"] == {"table": "applications", "row": "total", "column": "natural_person",
                                    "value": right}
    assert h.location.table == "applications" and h.location.row == "total"
    assert h.location.column == "natural_person" and h.location.section == 3
    assert h.expected == right and h.actual == right + 6
    assert h.data["equation"] == "T3-1"  # the carrier's own equation on top ...
    assert [(x["equation"], x["rule"]) for x in h.data["related"]] == [("T3-2", "Z102"), ("T3-3", "Z103")]
    assert h.data["related"][1] == {"section": 3, "table": "applications", "row": "total",  # ... the others related
                                    "message_zh": h.data["related"][1]["message_zh"],
                                    "message_en": h.data["related"][1]["message_en"],
                                    "rule": "Z103", "equation": "T3-3"}
    msg = message(RULES_VARIANT, h)
    assert msg.startswith(f"表三“（七）总计”行“自然人”列为 {right + 6}，应为 {right}，使 3 个等式不成立：①")
    assert "（七）总计等于各项办理结果之和" in msg  # the equation's description from the template data
    assert "改正后所有等式成立；疑似原表填报错误。" in msg
    assert msg.count("改为") == 0  # the value to write is said once
    en = message(RULES_VARIANT, h, "en")
    assert "which breaks 3 equations" in en and "{" not in en and "{" not in msg
    assert h.data["cause"] == "source"


def test_selection_moves_a_grouped_finding_to_the_next_selected_rule():
    r = valid_report("2021")
    r.tables.applications["total"]["natural_person"].value += 6
    everything = set(IMPLS)
    assert [h.rule for h in run_selected(r, "Z101", everything)] == ["Z101"]
    # ignoring Z101 hands the finding to Z102 (whose equation then goes on top); ignoring Z102 changes nothing
    without = everything - {"Z101"}
    assert run_selected(r, "Z101", without) == []
    [h] = run_selected(r, "Z102", without)
    assert h.rule == "Z102" and h.data["equation"] == "T3-2"
    assert {x["equation"] for x in h.data["related"]} == {"T3-1", "T3-3"}
    assert [h.rule for h in run_selected(r, "Z101", everything - {"Z102"})] == ["Z101"]
    assert run_selected(r, "Z102", everything - {"Z102"}) == []
    # and through the engine
    for ignore, carrier in ((["Z101"], "Z102"), (["Z102"], "Z101"), (["Z101", "Z102"], "Z103"), (["Z10"], None)):
        z = [f.rule for f in runner.check_report(r, ignore=ignore).findings if f.family == "zero-sum"]
        assert z == ([carrier] if carrier else []), ignore


def test_issue_draft_total_nine_instead_of_eight():
    """The issue's draft: 表三（七）总计/总计 9 instead of 8, most cells left blank — one finding, short."""
    r = valid_report("2021", seed=11)
    a = r.tables.applications
    for row in a:
        for c in a[row]:
            a[row][c] = Cell(raw="", kind="blank")
    for row, cells in {"new_received": {"natural_person": 6, "other_org": 2, "total": 8},
                       "granted": {"natural_person": 5, "total": 5}, "unavailable_not_held": {"natural_person": 1,
                       "other_org": 2, "total": 3}, "total": {"natural_person": 6, "other_org": 2, "total": 9}}.items():
        for c, v in cells.items():
            a[row][c] = num(v)
    result = runner.check_report(r)
    z = [f for f in result.findings if f.family == "zero-sum" and f.severity == "error"]
    assert [f.rule for f in z] == ["Z101"]
    f = z[0]
    assert f.data["suggestion"] == {"table": "applications", "row": "total", "column": "total", "value": 8}
    assert f.message.startswith("表三“（七）总计”行“总计”列为 9，应为 8，使 3 个等式不成立")
    assert f.message.count("空白") <= 1 and "空白（按0计）" not in f.message
    assert len(f.message) < 400


def test_sides_summarise_zeros_and_blanks():
    r = valid_report("2021", seed=5)
    a = r.tables.applications
    zero_all(a)
    for row in list(a)[5:]:
        a[row]["natural_person"] = Cell(raw="", kind="blank")
    a["granted"]["natural_person"] = num(4)
    _, instances = Z.build_instances(r, "applications")
    inst = next(i for i in instances if i.equation.id == "T3-2" and i.axis == "natural_person")
    values = {t.ref: t.value for t in inst.terms}
    text = Z.side_text(inst.right, values, "zh")
    n = len(inst.right) - 1
    assert text.startswith("（一）予以公开 4，其余 ") and text.endswith(f"其余 {n} 项为 0 或空白")
    assert Z.side_text(inst.right, values, "en").endswith(f", the other {n} terms 0 or blank")
    for row in a:
        a[row]["natural_person"] = num(0)
    _, instances = Z.build_instances(r, "applications")
    inst = next(i for i in instances if i.equation.id == "T3-2" and i.axis == "natural_person")
    assert Z.side_text(inst.right, {t.ref: t.value for t in inst.terms}, "zh") == "各项均为 0"


def test_wrong_result_cell_found_through_its_column_and_row():
    r = valid_report("2021", seed=1)
    cell = r.tables.applications["granted"]["commercial"]
    right = cell.value
    cell.value = right + 3
    hits = run_all(r)
    assert not hits["Z101"]  # 一+二 = 七+四 still holds: only the result row moved
    [h] = hits["Z102"]  # its column's T3-2 and its row's T3-3, one finding
    assert not hits["Z103"] and h.data["rules"] == ["Z102", "Z103"]
    assert h.data["suggestion"] == {"table": "applications", "row": "granted", "column": "commercial",
                                    "value": right}


def test_two_independent_errors_get_two_corrections():
    r = valid_report("2021", seed=2)
    a = r.tables.applications
    a["granted"]["natural_person"].value += 2
    a["carried_forward"]["research"].value += 1
    hits = run_all(r)
    got = {(h.data["suggestion"]["row"], h.data["suggestion"]["column"]) for rule in ("Z101", "Z102", "Z103")
           for h in hits[rule]}
    assert got == {("granted", "natural_person"), ("carried_forward", "research")}


def test_linked_errors_solved_together():
    """A 总计-column cell left at 0 in three rows (a real 平潭 pattern): no single cell fixes it, the
    three totals together do — or zeroing the applicant cells; the data cannot tell, so both are shown."""
    r = valid_report("2021", seed=4)
    a = r.tables.applications
    zero_all(a)
    for row in ("new_received", "unavailable_not_held", "total"):
        a[row]["natural_person"] = num(1)
    hits = run_all(r)
    assert len(hits["Z103"]) == 3 and not hits["Z101"] and not hits["Z102"]
    for h in hits["Z103"]:
        options = h.data["candidates"]
        assert [{"table": "applications", "row": h.data["along"], "column": "total", "value": 1}] in options
        assert [{"table": "applications", "row": h.data["along"], "column": "natural_person", "value": 0}] in options
        assert "数据本身无法判断哪种修改正确" in render(h)


def test_extraction_slip_recognised_from_split_digits():
    r = valid_report("2021", seed=3)
    row = r.tables.applications["total"]
    right = row["natural_person"].value
    wrong = right + 10
    row["natural_person"] = Cell(value=wrong, raw=str(wrong), kind="number", derived="split")
    raw = "".join(str(c.value) for c in row.values()) + str(right)
    r.problems.append(ParseProblem(code="split-digits", message="…", message_en="…", table="applications",
                                   row="total", data={"rows": {"total": {"raw": raw}}}))
    [h] = run(r, "Z101")
    assert h.data["cause"] == "extraction"
    assert "疑似文字提取或转换错误" in message(RULES_VARIANT, h)


def test_extraction_slip_recognised_from_adjacent_digits():
    """（七）总计 reads 10 where the source says 1 next to a 0: a neighbour's digit glued on."""
    r = valid_report("2021", seed=6)
    a = r.tables.applications
    zero_all(a)
    for row in ("new_received", "granted", "total"):
        a[row]["natural_person"] = num(1)
        a[row]["total"] = num(1)
    a["total"]["natural_person"] = num(10)
    [h] = [h for rule in ("Z101", "Z102", "Z103") for h in run(r, rule)]
    assert h.data["suggestion"] == {"table": "applications", "row": "total", "column": "natural_person",
                                    "value": 1}
    assert h.data["cause"] == "extraction"
    assert "像是与相邻单元格的 0 连写" in message(RULES_VARIANT, h)


# --------------------------------------------------------------------------- guessed splits

def _split_row(r, row: str, read: dict, true: dict):
    """Make `row` of 表三 read as `read` from run-together digits that could also be cut as `true`."""
    spec = Z.resolve_table(r, "applications")[1]
    cols = [c.key for c in spec.columns]
    cells = r.tables.applications[row]
    for c in cols:
        v = read.get(c, cells[c].value)
        cells[c] = Cell(value=v, raw=str(v), kind="number", derived="split")
    chosen = [str(cells[c].value) for c in cols]
    other = [str(true.get(c, cells[c].value)) for c in cols]
    r.problems.append(ParseProblem(code="ambiguous-split", message="…", message_en="…", table="applications",
                                   row=row, data={"raw": "".join(chosen), "values": chosen, "alternatives": 2,
                                                  "cuts": [chosen, other]}))


def test_finding_resting_on_a_guessed_split_says_so_and_is_a_warning():
    r = valid_report("2021", seed=9)
    g = r.tables.applications["granted"]
    g["natural_person"], g["commercial"], g["total"] = num(3), num(1), num(g["total"].value + 4)
    t = r.tables.applications["total"]
    t["natural_person"].value += 3
    t["commercial"].value += 1
    t["total"].value += 4
    n = r.tables.applications["new_received"]
    n["natural_person"].value += 3
    n["commercial"].value += 1
    n["total"].value += 4
    assert [h for rule in ("Z101", "Z102", "Z103") for h in run(r, rule)] == []
    _split_row(r, "granted", {"natural_person": 1, "commercial": 3}, {"natural_person": 3, "commercial": 1})
    hits = [h for rule in ("Z101", "Z102", "Z103") for h in run(r, rule)]
    assert sorted(h.data["along"] for h in hits) == ["commercial", "natural_person"]
    for h in hits:
        assert h.severity == "warning" and h.data["cause"] == "extraction-possible"
        assert h.data["guessed_split"]["fits"].startswith("3 | 1 |")
        msg = render(h)
        assert "若读作 3 | 1 |" in msg and "此结论建立在对连写数字的猜测上" in msg


def test_finding_no_cut_can_explain_stays_an_error():
    r = valid_report("2021", seed=9)
    g = r.tables.applications["granted"]
    right = g["natural_person"].value
    g["natural_person"] = num(right + 2)
    g["total"] = num(g["total"].value + 2)
    _split_row(r, "granted", {}, {"natural_person": right + 1, "commercial": g["commercial"].value + 1})
    hits = [h for rule in ("Z101", "Z102", "Z103") for h in run(r, rule)]
    assert hits and all(h.severity is None for h in hits)  # the catalogue's error
    assert all("无论怎样拆分" in message(RULES_VARIANT if h.variant else RULES, h) for h in hits)


# --------------------------------------------------------------------------- the repair search's bounds

def test_repair_search_is_bounded_and_budget_is_per_document():
    r = valid_report("2021", seed=8)
    a = r.tables.applications
    for k, (row, col) in enumerate([("granted", "natural_person"), ("denied_third_party", "commercial"),
                                    ("unavailable_unclear", "other_org")]):
        a[row][col] = num(a[row][col].value + k + 1)
    _, instances = Z.build_instances(r, "applications")
    values = {t.ref: t.value for i in instances for t in i.terms}
    full = Z.Budget()
    assert Z.minimal_solutions(instances, values, budget=full)[1]  # three wrong cells, found
    small = Z.Budget(5)
    violated, solutions = Z.minimal_solutions(instances, values, budget=small)
    assert violated and solutions == [] and small.left < 0  # gave up within its budget, suggesting nothing
    assert Z.MAX_STEPS - full.left < 2_000  # the pruned search needs few steps for this
    # the tables of one report's run share one budget; another run starts afresh
    ctx = RuleContext(options={}, settings=None, memo={})
    memo = Z._memo(ctx)
    Z._drafts(r, "applications", memo)
    assert memo.budget.left < Z.MAX_STEPS
    left = memo.budget.left
    Z._drafts(r, "reviews", memo)
    assert Z._memo(ctx) is memo and memo.budget.left <= left
    assert Z._memo(RuleContext(options={}, settings=None, memo={})).budget.left == Z.MAX_STEPS


def test_a_changed_table_is_checked_again_not_remembered():
    r = valid_report("2021", seed=2)
    assert run(r, "Z101") == []
    r.tables.applications["carried_over"]["natural_person"].value += 1
    assert len(run(r, "Z101")) == 1


# --------------------------------------------------------------------------- blank cells / Z104 / Z106

def test_blank_cell_counted_as_zero_and_said_so():
    r = valid_report("2021", seed=5)
    a = r.tables.applications
    col = next(c for c in a["granted"] if c != "total" and a["granted"][c].value > 0)
    a["granted"][col] = Cell(raw="", kind="blank")
    hits = run_all(r)
    [h] = hits["Z102"]  # T3-2 of its column and T3-3 of its row
    msg = message(RULES_VARIANT, h)
    assert "空白单元格按 0 计" in msg and f"“{Z.column_label(Z.resolve_table(r, 'applications')[1], col)}”列为 空白" in msg
    assert hits["Z106"] and hits["Z106"][0].args["count"] == 1


def test_blank_total_column_is_its_own_finding():
    """SPEC T3-3 note (r014): 总计 left blank while the row has values ⇒ error, not a silent sum."""
    r = valid_report("2021", seed=3)
    a = r.tables.applications
    sums = {}
    for row in ("granted", "partially_granted"):
        sums[row] = a[row]["total"].value
        a[row]["total"] = Cell(raw="", kind="blank")
    hits = run_all(r)
    [h] = hits["Z104"]
    assert h.args["count"] == sum(1 for v in sums.values() if v)
    assert {(c["row"], c["value"]) for c in h.data["cells"]} == {(k, v) for k, v in sums.items() if v}
    # the blank totals are taken as their sums afterwards: no cascade of T3-2 / T3-1 findings
    assert not hits["Z101"] and not hits["Z102"] and not hits["Z103"]
    assert not hits["Z106"]  # those blanks are already reported by Z104


def test_blank_cells_info_silent_when_filled():
    assert run(valid_report("2021"), "Z106") == []


# --------------------------------------------------------------------------- T4-1

def test_reviews_group_total():
    r = valid_report("2021", seed=7)
    rev = r.tables.reviews["litigation_direct"]
    for k, v in {"upheld": 10, "corrected": 1, "other": 0, "pending": 0, "total": 0}.items():
        rev[k] = num(v)
    [h] = run(r, "Z201")
    assert h.data["suggestion"] == {"table": "reviews", "row": "litigation_direct", "column": "total", "value": 11}
    assert "表四“行政诉讼·未经复议直接起诉”" in render(h) and "改为 11" in render(h)
    assert run(valid_report("2021", seed=7), "Z201") == []


def test_reviews_ambiguous_correction_lists_alternatives():
    r = valid_report("2021", seed=7)
    rev = r.tables.reviews["review"]
    for k, v in {"upheld": 5, "corrected": 0, "other": 0, "pending": 0, "total": 0}.items():
        rev[k] = num(v)
    [h] = run(r, "Z201")
    assert "suggestion" not in h.data
    assert len(h.data["candidates"]) == 2
    assert h.data["candidates"][0][0]["column"] == "total"  # filling the 0 total is the likelier fix
    assert h.expected == 5 and h.actual == 0


# --------------------------------------------------------------------------- cell values

@pytest.mark.parametrize(("rule", "table", "row", "col"), [
    ("Z105", "applications", "granted", "natural_person"),
    ("Z202", "reviews", "review", "pending"),
    ("Z301", "disclosure", "licensing", "decisions"),
])
def test_negative_or_invalid_cells(rule, table, row, col):
    r = valid_report("2021")
    assert run(r, rule) == []
    getattr(r.tables, table)[row][col] = Cell(value=-2, raw="-2", kind="number")
    [h] = run(r, rule)
    assert "负数" in render(h) and h.location.row == row and h.location.column == col
    getattr(r.tables, table)[row][col] = Cell(raw="约10", kind="invalid")
    [h] = run(r, rule)
    assert "不是有效数字" in render(h)


def test_a_cell_the_parser_could_not_place_is_not_quoted_as_written():
    """A row with a value too many whose extra value cannot be told (P101): its cells are invalid with
    nothing written. No value rule quotes “”; an equation names the cell as not read."""
    r = valid_report("2021", seed=5)
    a = r.tables.applications
    col = next(c for c in a["granted"] if c != "total" and a["granted"][c].value > 0)
    a["granted"][col] = Cell(raw="", kind="invalid")
    assert run(r, "Z105") == []
    [h] = run(r, "Z102")
    msg = message(RULES_VARIANT, h)
    assert f"“{Z.column_label(Z.resolve_table(r, 'applications')[1], col)}”列为 无法识别，应为" in msg
    assert "“”" not in msg and "列为 0" not in msg
    # and where an equation's side is spelled out, the term says it was not read
    _, instances = Z.build_instances(r, "applications")
    term = next(t for i in instances for t in i.terms if t.state == "invalid")
    assert Z._term_text(term, 0, "zh").endswith("未能读出（按0计）")


def test_disclosure_signed_and_money_columns_follow_the_template_data():
    r = consistent_2019()
    r.tables.disclosure["punishment"]["change"] = Cell(value=-18, raw="-18", kind="number")  # 本年增/减
    r.tables.disclosure["procurement"]["amount"] = Cell(value=20009.5483, raw="20009.5483 万元", kind="number")
    assert run(r, "Z301") == []
    r.tables.disclosure["punishment"]["decisions"] = Cell(value=2.5, raw="2.5", kind="number")
    [h] = run(r, "Z301")
    assert "小数" in render(h)


def test_published_within_total_heuristic():
    r = consistent_2019()
    assert run(r, "Z302") == []
    cells = r.tables.disclosure["normative_documents"]
    cells["published"], cells["total_public"] = num(12), num(10)
    [h] = run(r, "Z302")
    assert h.location.row == "normative_documents" and "12" in render(h)
    assert run(r, "Z302", pairs=[]) == []  # the pairs are configurable


# --------------------------------------------------------------------------- hybrid / template choice

def test_hybrid_table_checked_against_the_template_it_matched():
    """r001/r002: 2021 表二 with the single-row 2019 （六）其他处理: 表三 is checked as 2019."""
    r = valid_report("2019")
    r.meta.template = "hybrid"
    r.table_templates = {"disclosure": "2021", "applications": "2019", "reviews": "2019"}
    r.tables.applications["other_handling"]["natural_person"].value += 1
    hits = run(r, "Z102")
    assert hits and hits[0].data["suggestion"]["row"] == "other_handling"


# --------------------------------------------------------------------------- engine

def test_through_the_engine():
    from report_lint.engine import runner
    r = valid_report("2021")
    r.tables.applications["total"]["natural_person"].value += 6
    result = runner.check_report(r)
    z = [f for f in result.findings if f.family == "zero-sum"]
    assert [f.rule for f in z] == ["Z101"]  # one wrong cell, one finding
    assert z[0].severity == "error" and "改正后所有等式成立" in z[0].message and "使 3 个等式不成立" in z[0].message
    assert z[0].data["suggestion"]["row"] == "total"


# --------------------------------------------------------------------------- real reports

@cache
def parsed(name: str):
    return parse_or_skip(CORPUS / name)


def test_r005_result_rows_do_not_reach_the_total():
    r = parsed("r005.txt")
    hits = run(r, "Z102")
    by_col = {h.data["along"]: h for h in hits}
    assert set(by_col) == {"natural_person", "total"}
    assert by_col["natural_person"].args["left_sum"] == "20" and by_col["natural_person"].args["right_sum"] == "26"
    assert by_col["total"].args["left_sum"] == "21" and by_col["total"].args["right_sum"] == "27"
    assert run(r, "Z101") == []  # 一+二 = 七+四 holds (21 = 21)


def test_r001_review_totals():
    r = parsed("r001.pdf")
    assert r.tables.reviews is not None, "r001 表四 not read"
    hits = {h.data["along"]: h for h in run(r, "Z201")}
    assert set(hits) == {"review", "litigation_after_review"}
    assert hits["review"].data["suggestion"]["value"] == 11  # 10 + 1 + 0 + 0
    assert hits["litigation_after_review"].expected == 5


def test_r012_missing_total_cell():
    r = parsed("r012.md")
    [h] = run(r, "Z104")
    assert [c["row"] for c in h.data["cells"]] == ["carried_forward"]


def test_r014_blank_total_column():
    r = parsed("r014.html")
    [h] = run(r, "Z104")
    assert h.args["count"] >= 5 and all(c["column"] == "total" for c in h.data["cells"])


def test_pingtan_80622_one_row_explains_three_equations():
    """The report whose repair search used to exhaust its budget (1.45 s) and suggest nothing."""
    r = parsed("pingtan/80622.txt")
    hits = [h for rule in ("Z101", "Z102", "Z103") for h in run(r, rule)]
    [h] = hits
    assert h.rule == "Z102" and len(h.data["equations"]) == 3
    assert {(s["row"], s["column"]) for s in h.data["suggestions"]} == {
        ("unavailable_not_held", c) for c in ("natural_person", "other_org", "total")}


@pytest.mark.parametrize("name", ["r002.pdf", "r003.pdf", "r004.txt", "r006.txt"])
def test_balanced_reports_are_silent(name):
    r = parsed(name)
    for rule in ("Z101", "Z102", "Z103", "Z104", "Z201"):
        assert run(r, rule) == [], rule
