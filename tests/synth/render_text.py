"""Render a Report as plain text, the way reports reach us as .txt: copied from a PDF, extracted by a
converter, or saved by a web crawler.

    from report_lint.testing import valid_report
    from tests.synth.render_text import TextLayout, render_text
    text = render_text(valid_report("2019", seed=1), TextLayout(sep="run", flatten=True))

The whole report is written: title, an opening paragraph with the 统计期限, the six part headings with
some narrative, 表二/表三/表四 with the template's row and column labels, and the signature. Layouts:

- `sep`: cells separated by tabs, by runs of spaces, or not at all ("run": the digits of adjacent
  cells run together, `21710000218`, as in flattened web crawls);
- `wrap`: long row labels broken onto two or more lines, the numbers on the first or the second line
  (PDF text extraction of a narrow label column);
- `footer_every`: a page footer line (`-3-`, `— 5 —`, `第 3 页`) inside the tables every n rows;
- `flatten`: the whole page on one line (a crawler's `page.txt`), optionally with its crawler header.

The logical content (which labels, which values, in which order) is built once here and shared by
the HTML and Markdown renderers (`blocks()`, `table_rows()`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from report_lint.model import Report
from report_lint.templates import Template, get_template

# 表三 group labels that the template data does not carry (it keys rows by their full label)
GROUPS = {"（三）": "（三）不予公开", "（四）": "（四）无法提供", "（五）": "（五）不予处理", "（六）": "（六）其他处理"}
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
ORG_COLUMNS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
SUBHEADINGS = ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障")
FOOTER_STYLES = ("-{n}-", "— {n} —", "第 {n} 页")
TABLE_OF_SECTION = {2: "disclosure", 3: "applications", 4: "reviews"}


@dataclass(frozen=True)
class Val:
    """A value cell: where it belongs in the model and the text written for it."""

    table: str
    row: str
    column: str
    text: str


# A logical row: label/header strings and values, in reading order.
Row = list[str | Val]


def template_of(report: Report) -> Template:
    tpl = get_template(report.meta.template)
    if tpl is None:
        raise ValueError(f"no template {report.meta.template!r}")
    return tpl


def format_value(value, money: bool = False) -> str:
    if value is None:
        return ""
    if money:
        return f"{float(value):.2f}"
    return str(int(value))


def _val(report: Report, table: str, row: str, column: str, money: bool = False) -> Val:
    cell = report.cell(table, row, column)
    return Val(table, row, column, format_value(None if cell is None else cell.value, money))


def split_group(label: str, index: str | None) -> tuple[str | None, str]:
    """“（三）1.属于国家秘密” → (“（三）不予公开”, “1.属于国家秘密”); other labels have no group."""
    if index and label[:3] in GROUPS:
        return GROUPS[label[:3]], label[3:]
    return None, label


# ------------------------------------------------------------------------------------------ logical tables

def disclosure_parts(report: Report) -> list[tuple[str, list[str], list[tuple[str, list[Val]]]]]:
    """表二 as (caption, column labels, [(row label, values)]) per sub-table."""
    tpl = template_of(report)
    out = []
    for part in tpl.tables.disclosure.parts:
        rows = [(r.label, [_val(report, "disclosure", r.key, c.key, c.money) for c in part.columns])
                for r in part.rows]
        out.append((part.caption, [c.label for c in part.columns], rows))
    return out


def applications_data(report: Report) -> list[tuple[str | None, str, list[Val]]]:
    """表三 data rows as (group label written before this row or None, row label, values). The group
    label (三、本年度办理结果, （三）不予公开 …) is given on the first row of its group only."""
    tpl = template_of(report)
    spec = tpl.tables.applications
    out = []
    seen: set[str] = set()
    for row in spec.rows:
        group, label = split_group(row.label, row.index)
        lead = []
        if row.key == "granted":
            lead.append("三、本年度办理结果")
        if group and group not in seen:
            seen.add(group)
            lead.append(group)
        out.append((" ".join(lead) or None, label,
                    [_val(report, "applications", row.key, c.key) for c in spec.columns]))
    return out


def reviews_values(report: Report) -> list[Val]:
    spec = template_of(report).tables.reviews
    return [_val(report, "reviews", r.key, c.key) for r in spec.rows for c in spec.columns]


def table_rows(report: Report, key: str) -> list[Row]:
    """The table as logical rows (header rows, then data rows: labels first, then the values)."""
    tpl = template_of(report)
    rows: list[Row] = []
    if key == "disclosure":
        for caption, columns, data in disclosure_parts(report):
            rows.append([caption])
            rows.append(["信息内容", *columns])
            for label, vals in data:
                rows.append([label, *vals])
    elif key == "applications":
        rows.append([NOTE, "申请人情况"])
        rows.append(["自然人", "法人或其他组织", "总计"])
        rows.append(list(ORG_COLUMNS))
        for lead, label, vals in applications_data(report):
            rows.append(([lead] if lead else []) + [label, *vals])
    else:
        labels = [c.label for c in tpl.tables.reviews.columns]
        rows.append(["行政复议", "行政诉讼"])
        rows.append([" ".join(labels), "未经复议直接起诉", "复议后起诉"])
        rows.append([" ".join(labels * 2)])
        rows.append(reviews_values(report))
    return rows


# ------------------------------------------------------------------------------------------ the whole report

def blocks(report: Report) -> list[tuple[str, str]]:
    """The report in reading order: ("title" | "para" | "heading" | "subheading" | "table", text or
    table key)."""
    tpl = template_of(report)
    m = report.meta
    year = m.year
    out: list[tuple[str, str]] = [("title", m.title or f"{m.organ}{year}年政府信息公开工作年度报告")]
    out.append(("para", (f"本报告依据《中华人民共和国政府信息公开条例》第五十条编制。全文包括总体情况、主动公开政府信息情况、"
                        f"收到和处理政府信息公开申请情况等六个部分。本报告所列数据的统计期限自{year}年1月1日起至"
                        f"{year}年12月31日止。")))
    for spec in tpl.sections:
        out.append(("heading", spec.title))
        section = report.section(spec.number)
        if spec.number == 1:
            for i, sub in enumerate(SUBHEADINGS, 1):
                out.append(("subheading", f"（{'一二三四五'[i - 1]}）{sub}"))
                out.append(("para", f"本年度{sub}工作有序推进，全年开展相关工作{7 * i + 3}次。"))
        elif section is not None and section.text:
            out.append(("para", section.text))
        if spec.number in TABLE_OF_SECTION:
            out.append(("table", TABLE_OF_SECTION[spec.number]))
    out.append(("para", m.organ or ""))
    if m.published_on:
        d = m.published_on
        out.append(("para", f"{d.year}年{d.month}月{d.day}日"))
    return out


@dataclass(frozen=True)
class TextLayout:
    sep: Literal["tab", "spaces", "run"] = "tab"
    wrap: int = 0  # break row labels longer than this many characters onto further lines (0: never)
    numbers_on: Literal["first", "second"] = "first"  # which line of a wrapped label holds the numbers
    footer_every: int = 0  # a page-footer line after every n table rows (0: none)
    footer_style: int = 0  # index into FOOTER_STYLES
    flatten: bool = False  # everything on one line, as a crawler saves a page
    join: Literal["", " "] = " "  # what stands between lines once flattened
    label_gap: Literal["", " "] = " "  # between a row label and its first value (sep="run")
    crawler_header: bool = False  # 标题/发布时间/原文链接 … ===== 正文 ===== before the body


def _join_cells(cells: list[str], values_from: int, layout: TextLayout) -> str:
    """Join one physical line: labels (cells[:values_from]) and values (cells[values_from:])."""
    labels, values = cells[:values_from], cells[values_from:]
    if layout.sep == "tab":
        return "\t".join(cells)
    if layout.sep == "spaces":
        return "  ".join(labels + ([" ".join(values)] if values else []))
    label = " ".join(labels)
    digits = "".join(values)
    if not label:
        return digits
    return label + (layout.label_gap + digits if digits else "")


def _row_lines(row: Row, layout: TextLayout) -> list[str]:
    labels = [c for c in row if isinstance(c, str)]
    values = [c.text for c in row if isinstance(c, Val)]
    if not values:
        return [_join_cells(labels, len(labels), layout)]
    label = labels[-1] if labels else ""
    lead = labels[:-1]
    if layout.wrap and not layout.flatten and len(label) > layout.wrap:
        chunks = [label[i:i + layout.wrap] for i in range(0, len(label), layout.wrap)]
        at = 1 if layout.numbers_on == "second" else 0
        lines = []
        for k, chunk in enumerate(chunks):
            cells = (lead if k == 0 else []) + [chunk]
            if k == at:
                lines.append(_join_cells(cells + values, len(cells), layout))
            else:
                lines.append(_join_cells(cells, len(cells), layout))
        return lines
    cells = lead + ([label] if labels else [])
    return [_join_cells(cells + values, len(cells), layout)]


def render_lines(report: Report, layout: TextLayout) -> list[str]:
    """Physical lines. Once flattened, a page footer keeps a space on each side: glued to a value,
    an ASCII "-2-" would read as a signed value and a not-applicable dash ("0-2-" = 0 | -2 | -)."""
    lines: list[str] = []
    page = 2
    for kind, text in blocks(report):
        if kind != "table":
            lines.append(text)
            continue
        rows = table_rows(report, text)
        for k, row in enumerate(rows):
            lines.extend(_row_lines(row, layout))
            if layout.footer_every and (k + 1) % layout.footer_every == 0 and k + 1 < len(rows):
                footer = FOOTER_STYLES[layout.footer_style % len(FOOTER_STYLES)].format(n=page)
                lines.append(f" {footer} " if layout.flatten else footer)
                page += 1
    return lines


def crawler_header(report: Report) -> list[str]:
    m = report.meta
    pub = m.published_on.isoformat() + " 09:30" if m.published_on else ""
    return [f"标题: {m.title}", f"发布时间: {pub}", "文号: ", f"发布机构: {m.organ or ''}",
            "原文链接: https://www.example.gov.cn/zwgk/nb/t20240120_1.htm", "=" * 20 + " 正文 " + "=" * 20]


def render_text(report: Report, layout: TextLayout | None = None) -> str:
    layout = layout or TextLayout()
    lines = render_lines(report, layout)
    body = layout.join.join(lines) if layout.flatten else "\n".join(lines)
    head = "\n".join(crawler_header(report)) + "\n" if layout.crawler_header else ""
    return head + body + "\n"


__all__ = ["FOOTER_STYLES", "GROUPS", "NOTE", "ORG_COLUMNS", "Row", "TextLayout", "Val", "applications_data",
           "blocks", "disclosure_parts", "format_value", "render_text", "reviews_values", "split_group",
           "table_rows", "template_of"]
