"""T family (timeliness): deadlines per organ kind and province, working days from the official
calendar (and years outside it), 统计期限 and publication years, stale 本年, stated time limits."""
from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from report_lint.checks import timeliness as T
from report_lint.errors import ConfigError
from report_lint.model import Provenance
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

RULES = load_catalogue("timeliness")
run = partial(run_check, RULES)  # run(check, report, rule, settings=None, **options) -> hits
render = partial(messages, RULES)  # render(hit) -> (zh, en)


def published(report, day: date, kind: str = "page-meta"):
    report.meta.published_on = day
    report.meta.provenance["published_on"] = Provenance(kind=kind, text=day.isoformat())
    return report


def department(year=2023, on=None, kind="page-meta", organ="示例县教育局"):
    r = valid_report("2021", year=year, organ=organ)
    return published(r, on, kind) if on else r


def with_text(report, text: str, section: int = 1):
    set_text(report, section, text)
    return report


def test_catalogue_matches_implementations():
    assert_catalogue_matches(RULES, T.report_lint_rules(), "T", "timeliness")


def test_catalogue_loads_in_engine():
    assert_catalogue_loads_in_engine("timeliness", RULES)


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("organ", ["示例县教育局", "示例县人民政府"])
def test_valid_reports_are_silent(template, organ):
    r = valid_report(template, organ=organ)
    for impl in T.report_lint_rules():
        assert run(impl.check, r, impl.id) == [], impl.id


# ---------------------------------------------------------------------------------------------------
# T101 / T102 deadlines


def test_t101_department_late_with_working_days():
    hits = run(T.check_late, department(2023, date(2024, 3, 5)), "T101")
    assert len(hits) == 1
    h = hits[0]
    assert h.args["late_days"] == 34 and h.data["late_workdays"] == 21  # 2024 春节 falls in between
    zh, en = render(h)
    assert "2024年1月31日" in zh and "县级以上人民政府部门" in zh and "其中工作日21天" in zh
    assert "网页元数据" in zh and "21 of them working days" in en


def test_t101_on_time_and_government_deadline_silent():
    assert run(T.check_late, department(2023, date(2024, 1, 20)), "T101") == []
    gov = published(valid_report("2021", year=2023, organ="示例县人民政府"), date(2024, 3, 5))
    assert run(T.check_late, gov, "T101") == []


def test_t101_government_late():
    gov = published(valid_report("2021", year=2022, organ="示例县人民政府"), date(2023, 4, 10))
    hits = run(T.check_late, gov, "T101")
    assert len(hits) == 1 and hits[0].expected == "2023-03-31" and "本级人民政府" in render(hits[0])[0]


def test_t101_deadline_on_a_holiday_runs_to_next_working_day():
    # 2025-01-31 is inside the Spring Festival holiday; the first working day after it is 02-05.
    r = department(2024, date(2025, 2, 5))
    assert run(T.check_late, r, "T101") == []
    hits = run(T.check_late, r, "T101", extend_over_holidays=False)
    assert len(hits) == 1 and hits[0].args["late_days"] == 5
    late = run(T.check_late, department(2024, date(2025, 2, 6)), "T101")
    assert "顺延至2025-02-05" in render(late[0])[0]


def test_t101_township_default_and_unknown_kind():
    r = department(2023, date(2024, 3, 20))
    r.meta.organ_kind = "township"
    assert run(T.check_late, r, "T101") == []
    published(r, date(2024, 4, 2))
    assert len(run(T.check_late, r, "T101")) == 1
    r.meta.organ_kind = "unknown"
    published(r, date(2024, 3, 5))
    assert run(T.check_late, r, "T101") == []  # the latest deadline (03-31) when the kind is unknown
    published(r, date(2024, 4, 8))
    assert "机关类型未识别" in render(run(T.check_late, r, "T101")[0])[0]


def test_t101_province_override_from_options():
    r = department(2021, date(2022, 1, 30), organ="怀化市教育局")
    assert run(T.check_late, r, "T101") == []
    hits = run(T.check_late, r, "T101", provinces={"怀化市": {"department": "01-28"}})
    assert len(hits) == 1 and "按怀化市的配置" in render(hits[0])[0]
    assert hits[0].data["province"] == "怀化市"


def test_t101_deadlines_from_configuration():
    from report_lint import config
    settings = config.validate({"deadlines": {"department": "01-20",
                                              "provinces": {"湖南": {"government": "02-20"}}}})
    r = department(2023, date(2024, 1, 25))
    assert len(run(T.check_late, r, "T101", settings=settings)) == 1
    gov = published(valid_report("2021", year=2023, organ="湖南省示例县人民政府"), date(2024, 3, 1))
    assert len(run(T.check_late, gov, "T101", settings=settings)) == 1
    assert run(T.check_late, gov, "T101") == []


def test_t101_bad_deadline_is_a_config_error():
    with pytest.raises(ConfigError):
        run(T.check_late, department(2023, date(2024, 3, 5)), "T101", deadlines={"department": "13-45"})


def test_t101_year_outside_calendar_does_not_crash():
    r = department(2035, date(2036, 5, 1))
    hits = run(T.check_late, r, "T101")
    assert len(hits) == 1 and hits[0].data["late_workdays"] is None
    assert "未计算工作日" in render(hits[0])[0]


def test_t102_signature_only_is_info_rule():
    r = department(2023, date(2024, 2, 6), kind="signature")
    assert run(T.check_late, r, "T101") == []
    hits = run(T.check_late_signature, r, "T102")
    assert len(hits) == 1 and "落款日期" in render(hits[0])[0]
    assert RULES["T102"]["severity"] == "info"


def test_t102_signature_on_time_silent():
    assert run(T.check_late_signature, department(2023, date(2024, 1, 26), kind="signature"), "T102") == []


# ---------------------------------------------------------------------------------------------------
# T103 / T104 years


def test_t103_period_names_another_year():
    r = with_text(valid_report("2021", year=2023), "本报告中所列数据的统计期限自2022年1月1日至2022年12月31日止。")
    hits = run(T.check_period_year, r, "T103")
    assert len(hits) == 1 and hits[0].actual == 2022 and hits[0].expected == 2023
    assert "第一部分“总体情况”第11行" in render(hits[0])[0]


def test_t103_matching_period_silent():
    assert run(T.check_period_year, valid_report("2021", year=2023), "T103") == []


def test_t104_published_two_years_later():
    hits = run(T.check_publication_year, department(2023, date(2025, 1, 20)), "T104")
    assert len(hits) == 1 and hits[0].severity is None and hits[0].args["expected_year"] == 2024


def test_t104_signature_date_lowers_to_info():
    hits = run(T.check_publication_year, department(2023, date(2023, 12, 20), kind="signature"), "T104")
    assert len(hits) == 1 and hits[0].severity == "info"


def test_t104_following_year_silent():
    assert run(T.check_publication_year, department(2023, date(2024, 1, 10)), "T104") == []


# ---------------------------------------------------------------------------------------------------
# T105 stale 本年


def test_t105_previous_year_called_this_year():
    r = with_text(valid_report("2021", year=2023), "2022年，我局微信公众号发布信息1568条，本年新增关注用户5810人。")
    hits = run(T.check_stale_year, r, "T105")
    assert len(hits) == 1 and hits[0].actual == 2022
    assert "本年新增关注用户" in hits[0].args["excerpt"]


@pytest.mark.parametrize("text", [
    "2023年，我局微信公众号发布信息1568条，本年新增关注用户5810人。",  # the report year itself
    "2022年，全局受理申请10件，本年受理15件，同比增长50%。",  # a comparison
    "2022年，我局编制了本年度报告。",  # 本年度报告 = this report
    "本年新增关注用户5810人，2022年为4000人。",  # does not open with the other year
])
def test_t105_conservative_cases_silent(text):
    assert run(T.check_stale_year, with_text(valid_report("2021", year=2023), text), "T105") == []


# ---------------------------------------------------------------------------------------------------
# T106 / T107 time limits


@pytest.mark.parametrize(("text", "stated", "statutory"), [
    ("对依申请公开事项，均在15个工作日内予以答复。", 15, 20),
    ("需要延长答复期限的，延长答复期限15个工作日。", 15, 20),
    ("对申请内容不明确的，在5个工作日内一次性告知申请人补正。", 5, 7),
])
def test_t106_non_statutory_limits(text, stated, statutory):
    hits = run(T.check_time_limits, with_text(valid_report("2021"), text, 3), "T106")
    assert len(hits) == 1 and (hits[0].actual, hits[0].expected) == (stated, statutory)
    assert "条例第" in render(hits[0])[0]


@pytest.mark.parametrize("text", [
    "收到申请后均在20个工作日内予以答复。",
    "应当自收到申请之日起7个工作日内一次性告知申请人作出补正。",
    "答复期限自收到补正的申请之日起计算，在20个工作日内答复。",
    "第三方应当自收到征求意见书之日起15个工作日内提出意见。",
    "获得用水流程简化为2项、办理时间压缩为8个工作日。",
    "依申请公开平均答复时间为5个工作日。",
])
def test_t106_statutory_or_unrelated_silent(text):
    assert run(T.check_time_limits, with_text(valid_report("2021"), text, 3), "T106") == []


def test_t107_dated_reply_over_the_limit():
    r = with_text(valid_report("2021", year=2023), "3月1日收到张某政府信息公开申请，4月20日予以答复。", 3)
    hits = run(T.check_reply_dates, r, "T107")
    assert len(hits) == 1 and hits[0].actual == 35 and hits[0].expected == 20


def test_t107_within_limit_extended_or_outside_calendar_silent():
    ok = with_text(valid_report("2021", year=2023), "3月1日收到张某政府信息公开申请，3月20日予以答复。", 3)
    assert run(T.check_reply_dates, ok, "T107") == []
    extended = with_text(valid_report("2021", year=2023),
                         "3月1日收到申请，经批准延长答复期限，4月20日予以答复。", 3)
    assert run(T.check_reply_dates, extended, "T107") == []
    future = with_text(valid_report("2021", year=2035), "3月1日收到申请，6月20日予以答复。", 3)
    assert run(T.check_reply_dates, future, "T107") == []


# ---------------------------------------------------------------------------------------------------
# engine and real text


def test_engine_runs_timeliness_rules():
    from report_lint.engine import runner
    result = runner.check_report(department(2023, date(2024, 3, 5)))
    t101 = [f for f in result.findings if f.rule == "T101"]
    assert len(t101) == 1 and t101[0].severity == "warning" and "逾期34天" in t101[0].message_zh
    assert not result.internal_errors


def _seed(**kw):
    return parse_or_skip(SHARED / "seed" / "jidong-2020.txt", **kw)


def test_seed_without_publication_date_is_quiet():
    r = _seed()
    for impl in T.report_lint_rules():
        assert run(impl.check, r, impl.id) == [], impl.id


def test_seed_with_late_command_line_date():
    r = _seed(published_on=date(2021, 4, 2))
    hits = run(T.check_late, r, "T101")
    assert len(hits) == 1 and hits[0].args["late_days"] == 2 and "命令行" in render(hits[0])[0]


def test_t108_holiday_calendar_does_not_know_the_deadline_year():
    first, last = T.calendar_years()
    late = valid_report(year=last, published_on=date(last + 1, 1, 20))  # deadline in a year it lacks
    hits = run_check(RULES, T.check_calendar_coverage, late, "T108")
    assert len(hits) == 1 and hits[0].args["year"] == last + 1
    zh, en = messages(RULES, hits[0])
    assert f"{last + 1} 年" in zh and f"{first}—{last}" in zh and "upgrade chinesecalendar" in en
    known = valid_report(year=last - 1, published_on=date(last, 1, 20))
    assert run_check(RULES, T.check_calendar_coverage, known, "T108") == []
    undated = valid_report(year=last)
    undated.meta.published_on = None
    assert run_check(RULES, T.check_calendar_coverage, undated, "T108") == []
