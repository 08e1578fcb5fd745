"""T family — timeliness: publication against the statutory deadline (条例第四十九条), the years of the
统计期限 and of the report, stale "本年" narrative, and the time limits the text states
(条例第三十、三十三条). SPEC.md §6 (TIME-1, TIME-2, TEXT-TIME-1), §10.1 (TITLE-2), §10.2 (OPEN-1).
What the narrative states (the period, 本年 for another year, time limits, dates) comes from
report.facts (recognise/facts.py).

Deadlines are rule options so users set them per organ kind and per province; working days come from
the official Chinese holiday calendar (chinese_calendar), which covers a limited range of years: outside
it the checks fall back to calendar days and never fail.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from ..engine.types import FindingLocation, Hit, RuleContext, RuleImpl, hookimpl
from ..errors import ConfigError
from ..model import Report
from .helpers import compact, fact_location, fact_number, fact_where, facts_of, to_finding_location

DEFAULT_DEADLINES = {"department": "01-31", "government": "03-31", "township": "03-31"}

KIND_ZH = {"department": "县级以上人民政府部门", "government": "本级人民政府", "township": "乡镇人民政府（街道办事处）"}
KIND_EN = {"department": "a government department", "government": "a people's government (本级政府)",
           "township": "a township government or sub-district office"}

SOURCE_ZH = {"page-meta": "网页元数据的发布日期", "page-metadata-table": "网页信息表的发布日期",
             "crawler-header": "采集记录的发布时间", "signature": "报告落款日期",
             "command-line": "命令行指定的发布日期", "web-form": "自查网页上填写的发布日期"}
SOURCE_EN = {"page-meta": "the page's publication metadata", "page-metadata-table": "the page's metadata table",
             "crawler-header": "the crawler's record", "signature": "the report's signature date",
             "command-line": "the date given on the command line",
             "web-form": "the date entered on the self-check page"}


# ---------------------------------------------------------------------------------------------------
# Working days (lazy import; None when the calendar does not cover the years)


def workdays_between(after: date, until: date) -> int | None:
    """Working days in (after, until], by the official calendar; None outside its years."""
    if until <= after:
        return 0
    try:
        import chinese_calendar

        return len(chinese_calendar.get_workdays(after + timedelta(days=1), until))
    except (ImportError, NotImplementedError):
        return None


@lru_cache(maxsize=1)  # the installed calendar does not change while we run; its years take a walk over it
def calendar_years() -> tuple[int, int] | None:
    """The first and last year the installed holiday calendar knows, or None without one."""
    try:
        from chinese_calendar.constants import holidays
    except ImportError:
        return None
    years = [d.year for d in holidays]
    return (min(years), max(years)) if years else None


@lru_cache(maxsize=256)  # a few deadlines, asked for by every report (the calendar's day test is slow)
def next_workday(day: date) -> date | None:
    """`day` itself if it is a working day, else the next one; None outside the calendar's years."""
    try:
        import chinese_calendar

        while not chinese_calendar.is_workday(day):
            day += timedelta(days=1)
        return day
    except (ImportError, NotImplementedError):
        return None


# ---------------------------------------------------------------------------------------------------
# Deadlines (TIME-1, TIME-2)


def _parse_month_day(value: Any, where: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", str(value))
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        try:
            date(2000, month, day)  # a leap year: 02-29 is accepted (28th in other years)
            return month, day
        except ValueError:
            pass
    raise ConfigError("bad-deadline", f"截止日期配置 {where} = {value!r} 无效，应写成“01-31”形式的月-日",
                      f"invalid deadline {where} = {value!r}; write month-day like \"01-31\"")


def _configured(settings: Any) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Deadlines the user set in `[tool.report-lint.deadlines]` (the run's Config): only the keys
    actually given, so the catalogue defaults of the rule options still apply to the others."""
    d = getattr(settings, "deadlines", None)
    if d is None:
        return {}, {}
    given: set[str] = getattr(d, "model_fields_set", set())
    kinds = {k: getattr(d, k) for k in DEFAULT_DEADLINES if k in given}
    provinces = {}
    for name, override in (getattr(d, "provinces", None) or {}).items():
        provinces[name] = {k: getattr(override, k) for k in DEFAULT_DEADLINES if getattr(override, k, None)}
    return kinds, provinces


def deadline_table(report: Report, options: dict, settings: Any = None) -> tuple[dict[str, str], str | None]:
    """Deadlines per organ kind after the province overlay, and the province applied (if any).

    options (this rule's): {"deadlines": {"department": "01-31", ...}, "provinces": {"湖南":
    {"department": "01-25"}}, "province": "湖南"}. Keys set in the configuration's deadlines table
    (`settings.deadlines`, same shape with provinces inside) take precedence over the options."""
    raw = dict(options.get("deadlines") or {})
    provinces = dict(raw.pop("provinces", None) or {})
    provinces.update(options.get("provinces") or {})
    conf_kinds, conf_provinces = _configured(settings)
    provinces.update(conf_provinces)
    table = {**DEFAULT_DEADLINES, **{k: v for k, v in raw.items() if k in DEFAULT_DEADLINES}, **conf_kinds}
    province = options.get("province") or None
    if not province:
        # The province (or city) named in the organ or title; the longest configured name wins.
        haystack = compact(report.meta.organ) + compact(report.meta.title)
        hits = [p for p in provinces if p and compact(p) in haystack]
        province = max(hits, key=len) if hits else None
    if province and province in provinces:
        table.update({k: v for k, v in dict(provinces[province]).items() if k in DEFAULT_DEADLINES and v})
    elif province:
        raise ConfigError("unknown-province", f"未配置省份“{province}”的截止日期（provinces 中没有该项）",
                          f"no deadlines configured for province {province!r} (not in provinces)")
    return table, province


def _on(year: int, month_day: tuple[int, int]) -> date:
    month, day = month_day
    try:
        return date(year, month, day)
    except ValueError:  # 02-29 in a common year
        return date(year, month, day - 1)


def deadline_for(report: Report, ctx: RuleContext):
    """(effective deadline, statutory date, kind, province) for the report, or None. Public: the self-check
    page shows the same deadline the rules apply."""
    year = report.meta.year
    if year is None:
        return None
    table, province = deadline_table(report, ctx.options, ctx.settings)
    kind = report.meta.organ_kind
    if kind in table:
        statutory = _on(year + 1, _parse_month_day(table[kind], f"deadlines.{kind}"))
    else:
        # Organ kind unknown: the latest configured deadline, so no report is called late wrongly.
        statutory = max(_on(year + 1, _parse_month_day(v, f"deadlines.{k}")) for k, v in table.items())
    effective = statutory
    if ctx.options.get("extend_over_holidays", True):
        # A period ending on a rest day runs to the next working day (the general rule for 期间).
        effective = next_workday(statutory) or statutory
    return effective, statutory, kind, province


def _lateness_hit(report: Report, ctx: RuleContext, rule: str) -> Iterable[Hit]:
    published = report.meta.published_on
    if published is None:
        return
    prov = report.meta.provenance.get("published_on")
    source = prov.kind if prov else ""
    if (source == "signature") != (rule == "T102"):
        return  # T101: a date from the page or the user; T102: only the report's own signature date
    found = deadline_for(report, ctx)
    if found is None:
        return
    effective, statutory, kind, province = found
    if published <= effective:
        return
    late = (published - statutory).days
    wd = workdays_between(effective, published)
    note_zh, note_en = [], []
    if province:
        note_zh.append(f"按{province}的配置")
        note_en.append(f"as configured for {province}")
    if kind not in KIND_ZH:
        note_zh.append("机关类型未识别，按最晚的期限计算")
        note_en.append("organ kind unknown, the latest deadline is used")
    if effective != statutory:
        note_zh.append(f"期限末日为休息日，顺延至{effective.isoformat()}")
        note_en.append(f"the last day is a rest day, extended to {effective.isoformat()}")
    yield Hit(rule, args={
        "published_on": published.isoformat(), "source": SOURCE_ZH.get(source, "未注明来源"),
        "source_en": SOURCE_EN.get(source, "unknown source"),
        "kind": KIND_ZH.get(kind, "该机关"), "kind_en": KIND_EN.get(kind, "this organ"),
        "deadline": f"{statutory.year}年{statutory.month}月{statutory.day}日",
        "deadline_iso": statutory.isoformat(),
        "note": f"（{'；'.join(note_zh)}）" if note_zh else "",
        "note_en": f" ({'; '.join(note_en)})" if note_en else "",
        "late_days": late,
        "workdays": f"，其中工作日{wd}天" if wd is not None else "（该年份超出节假日历范围，未计算工作日）",
        "workdays_en": (f", {wd} of them working days" if wd is not None
                        else " (working days not computed: year outside the holiday calendar)"),
    }, location=to_finding_location(prov.location if prov else None),
        expected=statutory.isoformat(), actual=published.isoformat(),
        data={"late_days": late, "late_workdays": wd, "effective_deadline": effective.isoformat(),
              "organ_kind": kind, "province": province, "date_source": source or None})


def check_late(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    return _lateness_hit(report, ctx, "T101")


def check_late_signature(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    return _lateness_hit(report, ctx, "T102")


def check_calendar_coverage(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """T108: the publication check needs the deadline year's holidays (a deadline on a rest day runs to
    the next working day; lateness is counted in working days) and the installed calendar lacks them."""
    if report.meta.year is None or report.meta.published_on is None:
        return
    needed = report.meta.year + 1
    known = calendar_years()
    if known is not None and known[0] <= needed <= known[1]:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("chinesecalendar")
    except (PackageNotFoundError, OSError):  # not installed, or its metadata unreadable: say so rather than fail
        installed = "未安装" if ctx.lang == "zh" else "not installed"
    span = f"{known[0]}—{known[1]}" if known else "—"
    yield Hit("T108", args={"year": needed, "installed": installed, "span": span},
              location=FindingLocation(),  # about the installation, not a place in the report
              data={"needed_year": needed, "calendar_years": known})


# ---------------------------------------------------------------------------------------------------
# Years (OPEN-1, TITLE-2)


def check_period_year(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    year = report.meta.year
    if year is None:
        return
    for f in facts_of(report, "statistics_period"):
        if f.scope in ("example", "plan"):
            continue
        wrong = sorted(y for y in f.data.get("years", []) if y != year)
        if wrong:
            where_zh, where_en = fact_where(report, f)
            yield Hit("T103", args={"period": compact(f.text), "period_year": wrong[0], "year": year,
                                    "where": where_zh, "where_en": where_en},
                      location=fact_location(f), expected=year, actual=wrong[0])


def check_publication_year(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    year, published = report.meta.year, report.meta.published_on
    if year is None or published is None or published.year == year + 1:
        return
    prov = report.meta.provenance.get("published_on")
    source = prov.kind if prov else ""
    yield Hit("T104", args={"year": year, "published_on": published.isoformat(), "expected_year": year + 1,
                            "source": SOURCE_ZH.get(source, "未注明来源"),
                            "source_en": SOURCE_EN.get(source, "unknown source")},
              location=to_finding_location(prov.location if prov else None), expected=year + 1, actual=published.year,
              # A signature date is the report's own claim: too weak for a warning (SPEC §6).
              severity="info" if source == "signature" else None)


def check_stale_year(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """A sentence that opens on another year ("2022年，…") and then calls something 本年: text carried
    over from last year's report (recognise/facts.py reads it; comparisons are left out there)."""
    year = report.meta.year
    if year is None:
        return
    for f in facts_of(report, "other_year_as_current"):
        if int(fact_number(f)) >= year or f"{year}年" in compact(f.sentence):
            continue
        where_zh, where_en = fact_where(report, f)
        yield Hit("T105", args={"other_year": f.value, "year": year, "excerpt": f.text, "where": where_zh,
                                "where_en": where_en},
                  location=fact_location(f), actual=int(fact_number(f)), expected=year)


# ---------------------------------------------------------------------------------------------------
# Stated time limits (TEXT-TIME-1)

_BASIS = {
    "correction": ("条例第三十条：申请内容不明确的，应自收到申请之日起7个工作日内一次性告知补正",
                   "条例 Art. 30: a request for clarification within 7 working days of receipt"),
    "reply": ("条例第三十三条：应自收到申请之日起20个工作日内答复，延长答复期限最长不得超过20个工作日",
              "条例 Art. 33: reply within 20 working days of receipt, extended by at most 20 working days"),
    "proactive": ("条例第二十六条：主动公开的政府信息应自形成或者变更之日起20个工作日内公开",
                  "条例 Art. 26: proactive disclosure within 20 working days of creation or change"),
}
_STATUTORY = {"correction": 7, "reply": 20, "proactive": 20}


def check_time_limits(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    for f in facts_of(report, "time_limit"):
        kind = f.data.get("limit", "reply")
        stated, statutory = int(fact_number(f)), _STATUTORY[kind]
        if stated == statutory:
            continue
        where_zh, where_en = fact_where(report, f)
        yield Hit("T106", args={"stated": stated, "statutory": statutory, "basis": _BASIS[kind][0],
                                "basis_en": _BASIS[kind][1], "excerpt": f.text, "where": where_zh,
                                "where_en": where_en},
                  location=fact_location(f), expected=statutory, actual=stated, data={"kind": kind})


def _day(parts: dict, year: int | None) -> date | None:
    year = parts.get("year") or year
    if year is None:
        return None  # no year to go by
    try:
        return date(year, parts["month"], parts["day"])
    except (TypeError, ValueError, KeyError):
        return None  # 2月30日


def check_reply_dates(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """A reply the text dates ("3月1日收到…申请，4月20日予以答复") against 20 (+20 if extended)
    working days, counted on the official calendar."""
    for f in facts_of(report, "reply_dates"):
        got, sent = f.data.get("received") or {}, f.data.get("replied") or {}
        base = got.get("year") or report.meta.year
        received = _day(got, base)
        replied = _day(sent, base)
        if received is None or replied is None:
            continue
        if replied < received and not sent.get("year"):
            replied = replied.replace(year=replied.year + 1)
        used = workdays_between(received, replied)
        limit = 40 if f.data.get("extended") else 20
        if used is None or used <= limit:
            continue
        where_zh, where_en = fact_where(report, f)
        yield Hit("T107", args={"received": received.isoformat(), "replied": replied.isoformat(),
                                "workdays": used, "limit": limit, "excerpt": f.text, "where": where_zh,
                                "where_en": where_en},
                  location=fact_location(f), expected=limit, actual=used)


@hookimpl
def report_lint_rules():
    return [
        RuleImpl("T101", check_late),
        RuleImpl("T102", check_late_signature),
        RuleImpl("T103", check_period_year),
        RuleImpl("T104", check_publication_year),
        RuleImpl("T105", check_stale_year),
        RuleImpl("T106", check_time_limits),
        RuleImpl("T107", check_reply_dates),
        RuleImpl("T108", check_calendar_coverage),
    ]
