"""C family — completeness: the six parts, their order and numbering, the three tables and every row and
column of the detected template, the title, the 统计期限 sentence, the narrative content that the
条例 and the 2021 format require, and instructions left from the blank format (SPEC.md §2, §6, §7, §10).

What the narrative states (the period, fee statements, 考核/评议/追究, placeholders) comes from
report.facts (recognise/facts.py); no rule here reads the prose for it again.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..engine.types import FindingLocation, Hit, RuleContext, RuleImpl, hookimpl
from ..model import Report, Section
from ..phrasing import rx
from ..templates import TABLE_KEYS, get_template
from .helpers import (
    TITLE_PATTERN,
    TITLE_PHRASE,
    clean_title,
    compact,
    fact_location,
    fact_where,
    facts_of,
    keyword_groups_missing,
    normalize,
    numeral,
    part_en,
    part_title,
    part_zh,
    present_section,
    quote,
    report_template,
    section_text,
    to_finding_location,
)

# ---------------------------------------------------------------------------------------------------
# Parts (PART-1)


def check_parts_missing(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    for spec in report_template(report).sections:
        if present_section(report, spec.number) is None:
            yield Hit("C101", args={"part": numeral(spec.number), "title": part_title(report, spec.number)},
                      location=FindingLocation(section=spec.number))


def check_parts_order(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    found = sorted((s for s in report.sections if s.present and s.order is not None), key=lambda s: s.order or 0)
    highest: Section | None = None
    for s in found:
        if highest is not None and s.number < highest.number:
            yield Hit("C102", args={"part": numeral(s.number), "title": part_title(report, s.number),
                                    "after": numeral(highest.number),
                                    "after_title": part_title(report, highest.number)},
                      location=to_finding_location(s.start, s.number))
        elif highest is None or s.number > highest.number:
            highest = s


def check_parts_numbering(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    for s in report.sections:
        if s.present and s.numbered_as is not None and s.numbered_as != s.number:
            yield Hit("C103", args={"part": numeral(s.number), "title": part_title(report, s.number),
                                    "written": numeral(s.numbered_as), "heading": compact(s.title) or "（无）"},
                      location=to_finding_location(s.start, s.number),
                      expected=s.number, actual=s.numbered_as)


# ---------------------------------------------------------------------------------------------------
# Tables (PART-2, T2-1/T2-2, §4, §5)


def check_tables_missing(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """C104: a table the report does not have. One whose heading the parser found but whose cells it could
    not read (a picture, a layout it does not know) is not called missing: the parser says so (P108)."""
    tpl = report_template(report)
    unread = {p.table for p in report.problems if p.code == "table-not-found" and p.data.get("header_found")}
    for key in TABLE_KEYS:
        if getattr(report.tables, key) is None and key not in unread:
            spec = tpl.table(key)
            yield Hit("C104", args={"table": spec.title, "part": numeral(spec.section),
                                    "part_title": part_title(report, spec.section)},
                      location=FindingLocation(section=spec.section, table=key))


def check_tables_unfilled(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """C114: a table that was found but holds no value at all (the blank form, or a draft not filled in)."""
    tpl = report_template(report)
    for key in TABLE_KEYS:
        table = getattr(report.tables, key)
        if not table:
            continue
        cells = [c for row in table.values() for c in row.values()]
        # every cell empty; cells the parser could not place (P101) or read (“1O”) hold something
        if cells and all(c.kind == "blank" for c in cells):
            spec = tpl.table(key)
            first_row = next(iter(table))
            first_col = next(iter(table[first_row]))
            yield Hit("C114", args={"table": spec.title, "count": len(cells)},
                      location=FindingLocation(section=spec.section, table=key, row=first_row, column=first_col))


def _row_label(part_caption: str | None, label: str) -> str:
    return f"{part_caption}“{label}”" if part_caption else f"“{label}”"


def _table_structure(report: Report) -> Iterator[Hit]:
    """C105 rows, C106 whole columns, C107 single cells absent from a found table, against the
    template that table was recognised as (report.table_templates), so a hybrid is judged per table."""
    for key in TABLE_KEYS:
        data = getattr(report.tables, key)
        if data is None:
            continue
        tpl = get_template(report.table_templates.get(key) or report.meta.template)
        if tpl is None:
            continue  # template unknown: nothing to compare against (V103 says so)
        spec = tpl.table(key)
        loc_of_table = report.table_locations.get(key)
        groups = ([(p.caption, p.columns, p.rows) for p in spec.parts] if spec.parts
                  else [(None, spec.columns, spec.rows)])
        for caption, columns, rows in groups:
            present_rows = [r for r in rows if r.key in data]
            if len(present_rows) == len(rows):
                keys = {c.key for c in columns}
                if all(keys <= data[r.key].keys() for r in rows):
                    continue  # every row with every column (most tables): nothing lacking
            for r in rows:
                if r.key not in data:
                    yield Hit("C105", args={"table": spec.title, "row": _row_label(caption, r.label),
                                            "template": tpl.id},
                              location=to_finding_location(loc_of_table, spec.section, table=key, row=r.key))
            for c in columns:
                lacking = [r for r in present_rows if c.key not in data[r.key]]
                if not lacking:
                    continue
                if len(lacking) == len(present_rows) and len(present_rows) > 1:
                    yield Hit("C106", args={"table": spec.title, "column": c.label,
                                            "part_caption": f"{caption}" if caption else "",
                                            "template": tpl.id},
                              location=to_finding_location(loc_of_table, spec.section, table=key, column=c.key))
                    continue
                for r in lacking:
                    yield Hit("C107", args={"table": spec.title, "row": _row_label(caption, r.label),
                                            "column": c.label},
                              location=to_finding_location(loc_of_table, spec.section, table=key,
                                                           row=r.key, column=c.key))


def _structure_hits(report: Report, ctx: RuleContext) -> list[Hit] | None:
    """_table_structure's findings, worked out once per run (C105, C106 and C107 each take theirs); None
    when working them out failed (each rule then runs it as a generator, keeping what came before)."""
    key = __name__ + ".structure"
    if ctx.memo is not None and key in ctx.memo:
        return ctx.memo[key]
    try:
        hits: list[Hit] | None = list(_table_structure(report))
    except Exception:  # noqa: BLE001 - reported by each rule's own run, as before
        hits = None
    if ctx.memo is not None:
        ctx.memo[key] = hits
    return hits


def _structure(report: Report, ctx: RuleContext, rule: str) -> Iterable[Hit]:
    hits = _structure_hits(report, ctx)
    if hits is None:
        return (h for h in _table_structure(report) if h.rule == rule)
    return [h for h in hits if h.rule == rule]


def check_rows_missing(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    return _structure(report, ctx, "C105")


def check_columns_missing(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    return _structure(report, ctx, "C106")


def check_cells_missing(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    return _structure(report, ctx, "C107")


# ---------------------------------------------------------------------------------------------------
# Title and opening (TITLE-1, OPEN-1)


def check_title(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    title = clean_title(report.meta.title)
    missing_zh: list[str] = []
    missing_en: list[str] = []
    if not title:
        missing_zh, missing_en = ["标题"], ["the title"]
    else:
        m = rx(TITLE_PATTERN).match(title)
        organ = m.group("organ") if m else ""
        if m and not rx(r"[\u4e00-\u9fff]{2,}").search(organ):
            # "2019年上海市人民政府办公厅政府信息公开工作年度报告": the organ follows the year.
            organ = re.split(r"(?:政府|政务)(?:信息)?公开", m.group("rest"))[0]
        if not m:
            missing_zh.append("4位年份（如“2023年”）")
            missing_en.append("a 4-digit year (e.g. 2023年)")
        elif not rx(r"[\u4e00-\u9fff]{2,}").search(organ):
            missing_zh.append("机关名称")
            missing_en.append("the organ's name")
        folded = normalize(title)
        if "年度报告" not in folded or not re.search(r"(政府|政务)(信息)?公开", folded):
            missing_zh.append(f"“{TITLE_PHRASE}”字样")
            missing_en.append(f"the words {TITLE_PHRASE}")
    if not missing_zh:
        return
    prov = report.meta.provenance.get("title")
    organ = report.meta.organ or "××县人民政府"
    example = f"{organ}{report.meta.year or 2023}年{TITLE_PHRASE}"
    yield Hit("C108", args={"title": title or "（未找到）", "missing": "、".join(missing_zh),
                            "missing_en": ", ".join(missing_en), "example": example},
              location=to_finding_location(prov.location if prov else None), expected=example, actual=title or None)


def check_stat_period(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    if any(f.scope not in ("example", "plan") for f in facts_of(report, "statistics_period")):
        return
    year = report.meta.year or "××××"
    yield Hit("C109", args={"example": f"本报告中所列数据的统计期限自{year}年1月1日至{year}年12月31日止"},
              location=FindingLocation(section=1))


# ---------------------------------------------------------------------------------------------------
# Narrative content (PART-3, P6-1, CONT-1, P1-1)


def _body(report: Report, number: int) -> str:
    """A part's text without its heading, without instructions left from the template and without the
    signature under the last part (the organ's name and the date), which is no content of the part."""
    s = report.section(number)
    text = section_text(report, number)
    if s is not None and s.title:
        text = text.replace(s.title, "", 1)
    for f in facts_of(report, "placeholder", "signature_date"):
        if f.section == number:
            text = text.replace(f.text, "")
    organ = compact(report.meta.organ or "")
    return "\n".join(line for line in text.splitlines() if not organ or compact(line) != organ)


def check_part6_empty(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    s = present_section(report, 6)
    if s is None:
        return  # a missing part is C101's
    body = re.sub(r"[\s\W_]+", "", _body(report, 6))
    if not body:
        yield Hit("C110", args={}, location=to_finding_location(s.start, 6))


def _applies_from(report: Report, from_year: int) -> bool:
    if report.meta.year is not None:
        return report.meta.year >= from_year
    t = get_template(report.meta.template)
    return t is not None and t.first_year >= from_year


def check_fee_statement(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    s = present_section(report, 6)
    if s is None or not _applies_from(report, int(ctx.options.get("from_year", 2021))):
        return
    stated = [f for f in facts_of(report, "fees_charged") if f.scope not in ("example", "plan")]
    if any(f.section == 6 for f in stated):
        return
    elsewhere = sorted({f.section for f in stated if f.section})
    note_zh = note_en = ""
    if elsewhere:
        note_zh = f"（{part_zh(report, elsewhere[0])}提到了信息处理费，但格式要求在第六部分报告）"
        note_en = f" ({part_en(report, elsewhere[0])} mentions it, but the format asks for it in part 六)"
    yield Hit("C111", args={"year": report.meta.year or "", "note": note_zh, "note_en": note_en},
              location=to_finding_location(s.start, 6))


TOPICS = {"assessment": "工作考核", "social_review": "社会评议", "accountability": "责任追究"}


def check_government_assessment(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    if report.meta.organ_kind != "government":
        return
    parts = [int(p) for p in ctx.options.get("parts", [1, 5])]
    if not any(present_section(report, p) for p in parts):
        return  # the parts themselves are missing (C101)
    said = {f.kind for f in facts_of(report, *TOPICS) if f.section in parts}
    missing = [name for kind, name in TOPICS.items() if kind not in said]
    if missing:
        yield Hit("C112", args={"missing": "、".join(missing),
                                "parts": "第" + "、".join(numeral(p) for p in parts) + "部分",
                                "parts_en": " or ".join(f"part {numeral(p)}" for p in parts)},
                  location=FindingLocation(section=parts[0]), data={"missing": missing})


def check_part1_topics(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    s = present_section(report, 1)
    if s is None or not _applies_from(report, int(ctx.options.get("from_year", 2021))):
        return
    groups = dict(ctx.options.get("topics", {}))
    missing = keyword_groups_missing(section_text(report, 1), groups)
    if missing:
        yield Hit("C113", args={"missing": "、".join(missing), "count": len(missing)},
                  location=to_finding_location(s.start, 1), data={"missing": missing})


def check_placeholders(report: Report, ctx: RuleContext) -> Iterable[Hit]:
    """C115: instructions and blanks left from the format (（文字描述）, ××县, 20XX年, 共（ ）件)."""
    found = facts_of(report, "placeholder")
    limit = max(1, int(ctx.options.get("max_locations", 5)))
    for i, f in enumerate(found[:limit]):
        where_zh, where_en = fact_where(report, f)
        last = i == limit - 1 and len(found) > limit
        yield Hit("C115", args={"placeholder": f.text, "sentence": quote(f.sentence), "where": where_zh,
                                "where_en": where_en,
                                "more": f"（全文共{len(found)}处，仅列出前{limit}处）" if last else "",
                                "more_en": f" ({len(found)} in all, only the first {limit} listed)" if last else ""},
                  location=fact_location(f), actual=f.text, data={"total": len(found)})


@hookimpl
def report_lint_rules():
    return [
        RuleImpl("C101", check_parts_missing),
        RuleImpl("C102", check_parts_order),
        RuleImpl("C103", check_parts_numbering),
        RuleImpl("C104", check_tables_missing),
        RuleImpl("C105", check_rows_missing),
        RuleImpl("C106", check_columns_missing),
        RuleImpl("C107", check_cells_missing),
        RuleImpl("C108", check_title),
        RuleImpl("C109", check_stat_period),
        RuleImpl("C110", check_part6_empty),
        RuleImpl("C111", check_fee_statement),
        RuleImpl("C112", check_government_assessment),
        RuleImpl("C113", check_part1_topics),
        RuleImpl("C114", check_tables_unfilled),
        RuleImpl("C115", check_placeholders),
    ]
