"""Render a Report as an HTML page: the official tables as <table>s with merged cells.

    from tests.synth.render_html import HtmlLayout, render_html
    data = render_html(report, HtmlLayout(spans=3, nbsp_zero=True, encoding="gbk"))   # bytes

Grids follow the official template (the same layout render_docx writes): 表二 is a 4-column table of
captioned sub-tables; 表三 has the note block (3 columns × 3 rows), 申请人情况 / 自然人 / 法人或其他组织 /
总计 header with rowspan/colspan and the merged group labels (三、本年度办理结果, （三）不予公开 …); 表四 has
its header rows and one 15-cell data row. Layout variants: Word-style <span> runs splitting labels,
`&nbsp;` written for 0 (a parser must then read a blank cell), GBK bytes with or without a declared
charset, a portal page around the article, 表二 as one table per sub-table, a two-row 表四 header.

`grids()` is shared with the Markdown renderer.
"""
from __future__ import annotations

import html as _html
from dataclasses import dataclass
from typing import Literal

from report_lint.model import Report

from .render_text import (
    NOTE,
    ORG_COLUMNS,
    Val,
    applications_data,
    blocks,
    disclosure_parts,
    reviews_values,
    template_of,
)


@dataclass(frozen=True)
class GCell:
    content: str | Val
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


GridRows = list[list[GCell]]  # origin cells only, in source order (as <tr>/<td> write them)


def _disclosure_grid(parts) -> GridRows:
    rows: GridRows = []
    for caption, columns, data in parts:
        rows.append([GCell(caption, colspan=4, header=True)])
        spans = [1] * (len(columns) - 1) + [4 - len(columns)]
        rows.append([GCell("信息内容", header=True)] + [GCell(c, colspan=s, header=True) for c, s in zip(columns, spans, strict=True)])
        for label, vals in data:
            rows.append([GCell(label)] + [GCell(v, colspan=s) for v, s in zip(vals, spans, strict=True)])
    return rows


def _applications_grid(report: Report) -> GridRows:
    rows: GridRows = [
        [GCell(NOTE, rowspan=3, colspan=3, header=True), GCell("申请人情况", colspan=7, header=True)],
        [GCell("自然人", rowspan=2, header=True), GCell("法人或其他组织", colspan=5, header=True),
         GCell("总计", rowspan=2, header=True)],
        [GCell(c, header=True) for c in ORG_COLUMNS],
    ]
    data = applications_data(report)
    spec = template_of(report).tables.applications
    keys = [r.key for r in spec.rows]
    first, last = keys.index("granted"), keys.index("total")
    group_size: dict[str, int] = {}
    current = None
    for i, (lead, _label, _vals) in enumerate(data):
        for part in (lead or "").split():
            if part.startswith("（"):
                current = part
        if first <= i <= last and spec.rows[i].index and current:
            group_size[current] = group_size.get(current, 0) + 1
    current = None
    for i, (lead, label, vals) in enumerate(data):
        row: list[GCell] = []
        grouped = first <= i <= last and bool(spec.rows[i].index)
        for part in (lead or "").split():
            if part == "三、本年度办理结果":
                row.append(GCell(part, rowspan=last - first + 1))
            else:
                current = part
                row.append(GCell(part, rowspan=group_size[part]))
        if not first <= i <= last:
            row.append(GCell(label, colspan=3))
        elif grouped:
            row.append(GCell(label))
        else:
            row.append(GCell(label, colspan=2))
        row.extend(GCell(v) for v in vals)
        rows.append(row)
    return rows


def _reviews_grid(report: Report, header: str) -> GridRows:
    labels = [c.label for c in template_of(report).tables.reviews.columns]
    vals = reviews_values(report)
    if header == "two":
        return [
            [GCell("行政复议", colspan=5, header=True), GCell("未经复议直接起诉", colspan=5, header=True),
             GCell("复议后起诉", colspan=5, header=True)],
            [GCell(c, header=True) for c in labels * 3],
            [GCell(v) for v in vals],
        ]
    return [
        [GCell("行政复议", colspan=5, header=True), GCell("行政诉讼", colspan=10, header=True)],
        [GCell(c, rowspan=2, header=True) for c in labels]
        + [GCell("未经复议直接起诉", colspan=5, header=True), GCell("复议后起诉", colspan=5, header=True)],
        [GCell(c, header=True) for c in labels * 2],
        [GCell(v) for v in vals],
    ]


def grids(report: Report, key: str, disclosure_split: bool = False, reviews_header: str = "three") -> list[GridRows]:
    """The table(s) for one model table, as grids of origin cells."""
    if key == "disclosure":
        parts = disclosure_parts(report)
        return [_disclosure_grid([p]) for p in parts] if disclosure_split else [_disclosure_grid(parts)]
    if key == "applications":
        return [_applications_grid(report)]
    return [_reviews_grid(report, reviews_header)]


@dataclass(frozen=True)
class HtmlLayout:
    spans: int = 0  # Word-style: labels cut into <span> runs of this many characters (0: plain text)
    nbsp_zero: bool = False  # a 0 written as &nbsp; (an empty-looking cell)
    encoding: Literal["utf-8", "gbk"] = "utf-8"
    declare_charset: bool = True
    portal: bool = False  # a portal page: navigation, a metadata line, a footer around the article
    disclosure_split: bool = False
    reviews_header: Literal["three", "two"] = "three"
    headings: Literal["p", "h"] = "p"  # <p><strong>一、…</strong></p> or <h2>


def _text(s: str, layout: HtmlLayout) -> str:
    if not layout.spans or len(s) <= layout.spans:
        return _html.escape(s, quote=False)
    k = layout.spans
    runs = [s[i:i + k] for i in range(0, len(s), k)]
    return "".join(f'<span style="font-family:宋体;font-size:10.5pt">{_html.escape(r, quote=False)}</span>'
                   for r in runs)


def _td(cell: GCell, layout: HtmlLayout) -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if isinstance(cell.content, Val):
        text = cell.content.text
        if layout.nbsp_zero and text in ("0", "0.00"):
            inner = "&nbsp;"
        elif layout.spans:
            inner = f'<p class="MsoNormal" align="center"><span lang="EN-US">{_html.escape(text)}</span></p>'
        else:
            inner = _html.escape(text)
    else:
        inner = _text(cell.content, layout)
        if layout.spans:
            inner = f'<p class="MsoNormal" align="center">{inner}<o:p></o:p></p>'
        if cell.header:
            inner = f"<b>{inner}</b>"
    return f'<td valign="middle"{attrs}>{inner}</td>'


def table_html(grid: GridRows, layout: HtmlLayout) -> str:
    body = "\n".join("<tr>" + "".join(_td(c, layout) for c in row) + "</tr>" for row in grid)
    return f'<table border="1" cellspacing="0" cellpadding="0" width="600">\n<tbody>\n{body}\n</tbody>\n</table>'


def render_body(report: Report, layout: HtmlLayout) -> str:
    out = []
    for kind, text in blocks(report):
        if kind == "title":
            out.append(f'<p align="center"><strong>{_text(text, layout)}</strong></p>' if layout.headings == "p"
                       else f"<h1>{_html.escape(text)}</h1>")
        elif kind == "heading":
            out.append(f"<p><strong>{_text(text, layout)}</strong></p>" if layout.headings == "p"
                       else f"<h2>{_html.escape(text)}</h2>")
        elif kind == "subheading":
            out.append(f"<p><strong>{_text(text, layout)}</strong></p>")
        elif kind == "para":
            out.append(f'<p style="text-indent:2em">{_text(text, layout)}</p>')
        else:
            for grid in grids(report, text, layout.disclosure_split, layout.reviews_header):
                out.append(table_html(grid, layout))
    return "\n".join(out)


def render_html_text(report: Report, layout: HtmlLayout | None = None) -> str:
    layout = layout or HtmlLayout()
    m = report.meta
    charset = {"utf-8": "utf-8", "gbk": "gbk"}[layout.encoding]
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if layout.declare_charset else ""
    body = render_body(report, layout)
    if layout.portal:
        pub = m.published_on.isoformat() if m.published_on else ""
        body = ('<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>\n'
                f'<div class="article"><div class="info">发布时间：{pub}　来源：{_html.escape(m.organ or "")}</div>\n'
                f'<div class="content">{body}</div></div>\n'
                '<div class="footer">主办单位：示例县人民政府办公室　网站标识码：1234567890</div>')
    return (f"<!DOCTYPE html>\n<html>\n<head>{meta}<title>{_html.escape(m.title or '')}</title></head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def render_html(report: Report, layout: HtmlLayout | None = None) -> bytes:
    layout = layout or HtmlLayout()
    return render_html_text(report, layout).encode("gbk" if layout.encoding == "gbk" else "utf-8")


def zero_is_blank(layout: HtmlLayout, text: str) -> bool:
    """Whether the renderer wrote this value as an empty-looking cell."""
    return layout.nbsp_zero and text in ("0", "0.00")


__all__ = ["GCell", "GridRows", "HtmlLayout", "grids", "render_html", "render_html_text", "table_html",
           "zero_is_blank"]
