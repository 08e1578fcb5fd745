"""Y family: a report against the same organ's report for the year before."""
from __future__ import annotations

import pytest

from report_lint.checks.year_over_year import (check_carry_over, check_copied_text, check_documents_in_force,
                                               check_item_counts, similarity)
from report_lint.engine.types import RuleContext
from report_lint.engine.runner import check_report, run_paths, build_engine
from report_lint.testing import num, valid_report

from shared_paths import CORPUS


def ctx(previous, **options):
    return RuleContext(options=options, settings=None, previous=previous)


def pair(template="2021", year=2023):
    prev = valid_report(template, year=year - 1, seed=1)
    now = valid_report(template, year=year, seed=2)
    # make the two years agree where the rules compare them
    for col, cell in prev.tables.applications["carried_forward"].items():
        now.tables.applications["carried_over"][col] = num(cell.value)
    if template == "2021":
        for row in ("regulations", "normative_documents"):
            before = prev.tables.disclosure[row]["in_force"].value
            cells = now.tables.disclosure[row]
            cells["in_force"] = num(before + cells["issued"].value - cells["repealed"].value)
    else:
        for row, cells in now.tables.disclosure.items():
            if "prev_items" in cells:
                b = prev.tables.disclosure[row]
                cells["prev_items"] = num(b["prev_items"].value + b["change"].value)
    for n in (1, 5):  # this year's own wording
        now.section(n).text = f"{year}年，本机关结合新情况开展工作，重点推进了第{n}项新的改革任务，成效与问题均与往年不同。"
    return prev, now


def test_consistent_years_are_silent():
    for template in ("2019", "2021"):
        prev, now = pair(template, 2020 if template == "2019" else 2023)
        assert [h for f in (check_carry_over, check_item_counts, check_documents_in_force, check_copied_text)
                for h in f(now, ctx(prev))] == []


def test_no_previous_report_is_silent():
    _, now = pair()
    assert list(check_carry_over(now, ctx(None))) == []
    wrong_year = valid_report("2021", year=2020)
    assert list(check_carry_over(now, ctx(wrong_year))) == []  # not the year before


def test_y101_carried_over_differs_from_last_year():
    prev, now = pair()
    now.tables.applications["carried_over"]["natural_person"] = num(prev.tables.applications["carried_forward"]
                                                                    ["natural_person"].value + 2)
    [hit] = check_carry_over(now, ctx(prev))
    assert hit.rule == "Y101" and hit.location.row == "carried_over" and hit.location.column == "natural_person"
    assert hit.actual == hit.expected + 2


def test_y102_item_counts_do_not_follow_2019_format():
    prev, now = pair("2019", 2020)
    now.tables.disclosure["licensing"]["prev_items"] = num(999)
    [hit] = check_item_counts(now, ctx(prev))
    assert hit.location.row == "licensing" and hit.actual == 999


def test_y103_documents_in_force_jump():
    prev, now = pair("2021", 2023)
    now.tables.disclosure["normative_documents"]["in_force"] = num(
        now.tables.disclosure["normative_documents"]["in_force"].value + 30)
    [hit] = check_documents_in_force(now, ctx(prev))
    assert hit.rule == "Y103" and hit.location.row == "normative_documents"


def test_y104_copied_part_five():
    prev, now = pair()
    text = ("存在的主要问题：一是公开内容的深度有待加强，二是政策解读形式较为单一，三是依申请公开答复规范性有待提升。"
            "改进情况：下一步将加强业务培训，丰富解读形式，规范答复文书，健全工作机制。")
    prev.section(5).text = text.replace("下一步", "2022年")
    now.section(5).text = text.replace("下一步", "2023年")
    [hit] = check_copied_text(now, ctx(prev, threshold=0.8, min_chars=40, parts=[1, 5]))
    assert hit.location.section == 5 and hit.actual >= 0.8
    assert similarity("完全不同的一段文字内容说明本年度工作", text) < 0.2


def test_batch_pairs_reports_of_the_same_organ(tmp_path):
    """Through the engine: the previous year is found in the batch by organ and year."""
    if not (CORPUS / "pingtan").is_dir():
        pytest.skip("corpus absent")
    # 86688 (2023) repeats its 2022 part 五 verbatim (80614 is the same organ's 2022 report)
    files = sorted((CORPUS / "pingtan").glob("*.txt"))
    engine = build_engine(None)
    run = run_paths(engine, [str(p) for p in files])
    y = [(fr.path, f.rule) for fr in run.files for f in fr.findings if f.rule.startswith("Y")]
    assert any(path.endswith("86688.txt") and rule == "Y104" for path, rule in y)
    # a single report with no predecessor in the run: no Y finding
    single = run_paths(engine, [str(CORPUS / "pingtan" / "86688.txt")])
    assert not [f for f in single.files[0].findings if f.rule.startswith("Y")]


def test_check_report_accepts_a_previous_report():
    prev, now = pair()
    now.tables.applications["carried_over"]["commercial"] = num(77)
    result = check_report(now, previous=prev)
    assert any(f.rule == "Y101" for f in result.findings)
    assert not any(f.rule == "Y101" for f in check_report(now).findings)
