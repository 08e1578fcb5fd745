"""Helpers for tests and for plugin authors: build valid reports without parsing a file.

`valid_report()` returns a Report whose tables satisfy every equation of its template and whose six
parts are present, so a rule test can break exactly one thing and assert the finding.
"""
from __future__ import annotations

import random
from datetime import date

from .model import Cell, Location, Meta, Paragraph, Report, Section, Source, Tables
from .templates import Template, get_template

_SECTION_TEXT = {
    1: "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开、依申请公开、政府信息管理、"
       "政府信息公开平台建设、监督保障等工作有序推进，开展政务公开工作考核和社会评议，未发生责任追究情况。制发的规章、规范性文件均同步做好政策解读。本报告中所列数据的统计期限自{year}年1月1日至{year}年12月31日。",
    2: "主动公开政府信息情况见下表。",
    3: "收到和处理政府信息公开申请情况见下表。",
    4: "政府信息公开行政复议、行政诉讼情况见下表。",
    5: "存在的主要问题：公开内容的深度有待加强。改进情况：下一步将加强培训，提升公开质量。",
    6: "本年度未收取信息处理费。无其他需要报告的事项。",
}


def num(value, raw: str | None = None, **loc) -> Cell:
    return Cell(value=value, raw=str(value) if raw is None else raw, kind="number",
                location=Location(**loc) if loc else None)


def _template(template_id: str) -> Template:
    tpl = get_template(template_id)
    if tpl is None:
        raise ValueError(f"unknown template {template_id!r}")
    return tpl


def applications_numbers(template_id: str, rng: random.Random, scale: int = 20) -> dict[str, dict[str, int]]:
    """Random 表三 numbers that satisfy T3-1, T3-2 and T3-3 of the template."""
    spec = _template(template_id).tables.applications
    cols = [c.key for c in spec.columns][:-1]
    results = list(next(e for e in spec.equations if e.id == "T3-2").right)
    rows: dict[str, dict[str, int]] = {}
    for r in results:
        rows[r] = {c: (rng.randint(0, scale) if rng.random() < 0.3 else 0) for c in cols}
    rows["total"] = {c: sum(rows[r][c] for r in results) for c in cols}
    rows["carried_over"] = {c: rng.randint(0, min(3, rows["total"][c])) for c in cols}
    rows["carried_forward"] = {c: rng.randint(0, 3) for c in cols}
    rows["new_received"] = {c: rows["total"][c] + rows["carried_forward"][c] - rows["carried_over"][c] for c in cols}
    for row in rows.values():
        row["total"] = sum(row[c] for c in cols)
    return rows


def reviews_numbers(rng: random.Random) -> dict[str, dict[str, int]]:
    out = {}
    for g in ("review", "litigation_direct", "litigation_after_review"):
        parts = {c: (rng.randint(0, 12) if rng.random() < 0.4 else 0)
                 for c in ("upheld", "corrected", "other", "pending")}
        parts["total"] = sum(parts.values())
        out[g] = parts
    return out


def disclosure_numbers(template_id: str, rng: random.Random) -> dict[str, dict[str, float]]:
    spec = _template(template_id).tables.disclosure
    out: dict[str, dict[str, float]] = {}
    for row, columns in spec.row_columns():
        vals = {}
        for c in columns:
            if c.money:
                vals[c.key] = round(rng.randint(0, 5_000_000) / 100, 2)
            elif c.signed:
                vals[c.key] = rng.randint(-20, 20)
            else:
                vals[c.key] = rng.randint(0, 300)
        if "published" in vals and "total_public" in vals:  # 本年新公开数量 ≤ 对外公开总数量 (SPEC T2-6)
            vals["published"] = min(vals["published"], vals["total_public"])
        out[row.key] = vals
    return out


def valid_report(template: str = "2021", year: int | None = None, seed: int = 0,
                 organ: str = "示例县人民政府", published_on: date | None = None) -> Report:
    """A complete, internally consistent report for `template` (\"2019\" or \"2021\")."""
    rng = random.Random(seed)
    tpl = _template(template)
    year = year or (2020 if template == "2019" else 2023)
    published_on = published_on or date(year + 1, 1, 20)

    def cells(rows):
        return {r: {c: num(v) for c, v in cols.items()} for r, cols in rows.items()}

    sections = [Section(number=s.number, title=s.title, present=True, numbered_as=s.number,
                        text=_SECTION_TEXT[s.number].format(year=year), order=i,
                        start=Location(line=10 * s.number))
                for i, s in enumerate(tpl.sections)]
    paragraphs = [Paragraph(text=s.text, section=s.number, location=Location(line=10 * s.number + 1))
                  for s in sections]
    title = f"{organ}{year}年政府信息公开工作年度报告"
    report = Report(
        source=Source(path="<memory>", format="json", sha256="0" * 64),
        meta=Meta(title=title, organ=organ, organ_kind="government" if organ.endswith("人民政府") else "department",
                  year=year, template=template, published_on=published_on),
        sections=sections,
        paragraphs=paragraphs,
        tables=Tables(
            disclosure=cells(disclosure_numbers(template, rng)),
            applications=cells(applications_numbers(template, rng)),
            reviews=cells(reviews_numbers(rng)),
        ),
        table_templates={"disclosure": template, "applications": template, "reviews": template},
    )
    return with_facts(report)


def with_facts(report: Report) -> Report:
    """The report with its narrative facts read again (after a test or a plugin changed its text)."""
    from .recognise.facts import extract_facts

    report.facts = extract_facts(report)
    return report
