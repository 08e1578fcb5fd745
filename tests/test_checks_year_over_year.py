"""Y family: a report against the same organ's report for the year before."""
from __future__ import annotations

from report_lint.checks.year_over_year import (
    check_carry_over,
    check_copied_text,
    check_documents_in_force,
    check_item_counts,
    similarity,
)
from report_lint.engine.runner import build_engine, check_report, run_paths
from report_lint.engine.types import RuleContext
from report_lint.testing import num, valid_report
from rule_helpers import load_catalogue
from shared_paths import CORPUS, require


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
    require(CORPUS / "pingtan")
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


# --------------------------------------------------------------------------- guessed splits

def _ambiguous(report, table: str, row: str, read: list, cuts: list) -> None:
    """Make a 表二 row read as `read` from run-together digits that could also be cut as the `cuts`."""
    from report_lint.model import Cell, ParseProblem

    keys = list(report.tables.disclosure[row])
    for k, v in zip(keys, read, strict=True):
        report.tables.disclosure[row][k] = Cell(value=v, raw=str(v), kind="number", derived="split")
    strs = [str(v) for v in read]
    report.problems.append(ParseProblem(
        code="ambiguous-split", message="…", message_en="…", table=table, row=row,
        data={"raw": "".join(strs), "values": strs, "alternatives": 1 + len(cuts),
              "cuts": [strs] + [[str(v) for v in c] for c in cuts]}))


def test_y102_neighbouring_year_settles_an_ambiguous_split():
    """pingtan 80563 (2019) writes 行政处罚 2600, read 2|60|0; 80580 (2020) says 上一年项目数量 26: the
    cut 26|0|0 fits both years, so no warning — an info says how the digits read."""
    prev, now = pair("2019", 2020)
    _ambiguous(prev, "disclosure", "punishment", [2, 60, 0], [[26, 0, 0]])
    now.tables.disclosure["punishment"]["prev_items"] = num(26)
    [hit] = check_item_counts(now, ctx(prev))
    assert hit.severity == "info" and hit.variant == "resolved" and hit.data["resolved_split"]
    meta = load_catalogue("year-over-year")["Y102"]
    msg = meta["variants"]["resolved"]["message_zh"].format_map(hit.args)
    assert "2019年度报告原文连写的“2600”应读作 26 | 0 | 0（解析时暂按 2 | 60 | 0）" in msg
    assert "{" not in meta["variants"]["resolved"]["message_en"].format_map(hit.args)


def test_y102_on_a_guess_no_cut_explains_says_so_and_stays_a_warning():
    prev, now = pair("2019", 2020)
    _ambiguous(prev, "disclosure", "punishment", [2, 60, 0], [[26, 0, 0]])
    now.tables.disclosure["punishment"]["prev_items"] = num(40)
    [hit] = check_item_counts(now, ctx(prev))
    assert hit.severity is None and hit.variant is None and hit.data["guessed_split"]  # the catalogue's warning
    meta = load_catalogue("year-over-year")["Y102"]
    assert meta["severity"] == "warning"
    assert "此结论仍建立在解析时猜测的拆分上" in meta["message_zh"].format_map(hit.args)


def test_y103_and_y101_use_other_cuts_too():
    prev, now = pair("2021", 2023)
    cells = now.tables.disclosure["normative_documents"]
    issued, repealed, in_force = cells["issued"].value, cells["repealed"].value, cells["in_force"].value
    _ambiguous(now, "disclosure", "normative_documents", [issued, repealed, in_force + 30],
               [[issued, repealed, in_force]])
    [hit] = check_documents_in_force(now, ctx(prev))
    assert hit.severity == "info" and hit.variant == "resolved"
    # Y101: this year's carried-over row read one way fits, another does not
    from report_lint.model import Cell, ParseProblem

    prev, now = pair()
    row = now.tables.applications["carried_over"]
    keys = list(row)
    right = [prev.tables.applications["carried_forward"][k].value for k in keys]
    wrong = [right[0] + 1, *right[1:-1], right[-1] + 1]
    for k, v in zip(keys, wrong, strict=True):
        row[k] = Cell(value=v, raw=str(v), kind="number", derived="split")
    now.problems.append(ParseProblem(code="ambiguous-split", message="…", message_en="…", table="applications",
                                     row="carried_over", data={"raw": "…", "values": [str(v) for v in wrong],
                                                               "alternatives": 2,
                                                               "cuts": [[str(v) for v in wrong],
                                                                        [str(v) for v in right]]}))
    [hit] = check_carry_over(now, ctx(prev))
    assert hit.severity == "info" and hit.location.row == "carried_over"


def test_pingtan_punishment_2600_is_not_a_warning():
    require(CORPUS / "pingtan" / "80563.txt")
    engine = build_engine(None)
    run = run_paths(engine, [str(CORPUS / "pingtan" / "80563.txt"), str(CORPUS / "pingtan" / "80580.txt")])
    later = next(fr for fr in run.files if fr.path.endswith("80580.txt"))
    y102 = [f for f in later.findings if f.rule == "Y102"]
    assert y102 and all(f.severity == "info" for f in y102)
    assert any("“2600”应读作 26 | 0 | 0" in f.message for f in y102)


def _year_pairs():
    """Pairs on which every Y rule speaks: broken and settled continuity, run-together digits, copied text."""
    from report_lint.model import Cell, ParseProblem

    out = []
    prev, now = pair()
    now.tables.applications["carried_over"]["natural_person"] = num(999)
    now.section(1).text = prev.section(1).text = "本机关认真贯彻落实政府信息公开条例，全面推进决策、执行、管理、服务、结果公开。" * 4
    out.append((prev, now))
    prev, now = pair("2019", 2020)
    _ambiguous(prev, "disclosure", "punishment", [2, 60, 0], [[26, 0, 0]])
    now.tables.disclosure["punishment"]["prev_items"] = num(26)
    now.tables.disclosure["licensing"]["prev_items"] = num(12345)
    out.append((prev, now))
    prev, now = pair("2021", 2023)
    cells = now.tables.disclosure["normative_documents"]
    _ambiguous(now, "disclosure", "normative_documents",
               [cells["issued"].value, cells["repealed"].value, cells["in_force"].value + 30],
               [[cells["issued"].value, cells["repealed"].value, cells["in_force"].value]])
    now.tables.disclosure["regulations"]["in_force"] = num(777)
    row = now.tables.applications["carried_over"]
    right = [prev.tables.applications["carried_forward"][k].value for k in row]
    wrong = [right[0] + 1, *right[1:-1], right[-1] + 1]
    for k, v in zip(list(row), wrong, strict=True):
        row[k] = Cell(value=v, raw=str(v), kind="number", derived="split")
    now.problems.append(ParseProblem(code="ambiguous-split", message="…", message_en="…", table="applications",
                                     row="carried_over", data={"raw": "…", "values": [str(v) for v in wrong],
                                                               "alternatives": 2, "cuts": [[str(v) for v in wrong],
                                                                                           [str(v) for v in right]]}))
    out.append((prev, now))
    return out


def test_year_view_gives_the_findings_of_the_whole_report():
    """A batch keeps only the year view of a report between its phases (engine/batch.py) and concludes
    again from phase 1's findings: the same FileResult as checking the whole report with its previous."""
    from report_lint.checks.year_over_year import year_view

    engine = build_engine(None)
    pairs = _year_pairs()
    if (CORPUS / "pingtan" / "80580.txt").exists():
        pairs.append((engine.parse_or_fail(str(CORPUS / "pingtan" / "80563.txt")),
                      engine.parse_or_fail(str(CORPUS / "pingtan" / "80580.txt"))))
    rules_seen = set()
    for prev, now in pairs:
        whole = engine.run_report(now, previous=prev)
        outcome = engine.evaluate(now)
        view = engine.year_view(outcome)
        assert view is year_view
        first, trace = engine.conclude_traced(now, outcome)
        assert trace is not None
        again = engine.conclude_again(view(now), engine.with_previous(view(now), outcome, view(prev)), trace)
        assert again.model_dump_json() == whole.model_dump_json()
        assert engine.conclude_again(view(now), outcome, trace).model_dump_json() == first.model_dump_json()
        rules_seen |= {f.rule for f in whole.findings if f.rule.startswith("Y")}
    assert rules_seen == {"Y101", "Y102", "Y103", "Y104"}
