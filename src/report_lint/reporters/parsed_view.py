"""The readable view of a parsed report (`report-lint parse FILE`): what report-lint understood, so a
clerk can check the parse before trusting the findings.

Shows the metadata with where each value came from, the six parts (found or missing), the three
tables laid out with their template's row and column labels (the report's template, or the 2021
format when unknown/hybrid) with blank / not-applicable / invalid / inferred cells marked, the facts
read from the narrative (what the rules compare with the tables: so a user sees why a rule fired),
and the parse problems.
"""
from __future__ import annotations

import re
from io import StringIO
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..engine import places
from ..engine.types import FindingLocation
from ..model import Cell, Fact, Location, Report
from . import _common as c
from ._rich import Wrapped

_TRAILING = re.compile(r"[ ]+((?:\x1b\[[0-9;]*m)*)$")
TABLE_KEYS = ("disclosure", "applications", "reviews")
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}

_T: dict[str, dict[str, Any]] = {  # label strings, and the nested scope and kind maps
    "zh": {
        "meta": "基本信息", "field": "项目", "value": "内容", "from": "来源",
        "title": "标题", "organ": "机关", "organ_kind": "机关类型", "year": "年度", "template": "模板",
        "published_on": "发布日期", "source": "文件", "format": "格式", "sha256": "SHA-256",
        "parts": "六个部分", "found": "✓ 已找到", "missing": "✗ 缺失", "numbered_as": "编号为“{n}”",
        "chars": "{n} 字", "tables": "表格", "not_found": "未找到该表", "at": "位于", "matched": "匹配模板",
        "problems": "解析问题", "no_problems": "无解析问题", "row": "行",
        "row_missing": "（未找到此行）",
        "legend": "图例：（空）= 空白单元格；/ 等 = 不适用；⚠ = 无法识别为数字；* = 由表内勾稽关系推断；— = 无此单元格",
        "unknown": "未识别", "none": "—", "evidence": "模板判断依据",
        "facts": "正文事实", "no_facts": "正文中未读到可与表格比对的事实", "fact": "事实", "fact_value": "数值",
        "scope": "主体", "where": "位置", "quote": "原文", "approx": "约", "more_facts": "另有 {n} 项未列出",
        "scopes": {"self": "本机关", "region": "本地区", "other": "其他主体", "example": "举例", "plan": "计划"},
        "kinds": {"government": "人民政府", "department": "部门", "township": "乡镇（街道）", "unknown": "未识别"},
    },
    "en": {
        "meta": "Metadata", "field": "Field", "value": "Value", "from": "Source",
        "title": "Title", "organ": "Organ", "organ_kind": "Organ kind", "year": "Year", "template": "Template",
        "published_on": "Published on", "source": "File", "format": "Format", "sha256": "SHA-256",
        "parts": "The six parts", "found": "✓ found", "missing": "✗ missing", "numbered_as": "numbered “{n}”",
        "chars": "{n} chars", "tables": "Tables", "not_found": "table not found", "at": "at", "matched": "template",
        "problems": "Parse problems", "no_problems": "No parse problems", "row": "Row",
        "row_missing": "(row not found)",
        "legend": "Legend: (blank) = empty cell; / etc. = not applicable; ⚠ = not a number; * = inferred from "
                  "the table's own equations; — = no such cell",
        "unknown": "unknown", "none": "—", "evidence": "Template evidence",
        "facts": "Narrative facts", "no_facts": "No fact the rules compare was read from the narrative",
        "fact": "Fact", "fact_value": "Value", "scope": "Scope", "where": "Where", "quote": "As written",
        "approx": "about ", "more_facts": "{n} more not listed",
        "scopes": {"self": "this organ", "region": "the area", "other": "another body", "example": "example",
                   "plan": "plan"},
        "kinds": {"government": "government", "department": "department", "township": "township",
                  "unknown": "unknown"},
    },
}


def _where(loc: Location | None, lang: str) -> str:
    return loc.describe(c.lang_key(lang)) if loc is not None else ""


def _provenance(report: Report, key: str, lang: str) -> Text:
    p = report.meta.provenance.get(key)
    if p is None:
        return Text("")
    out = Text(p.kind, style="dim")
    where = _where(p.location, lang)
    if where:
        out.append(f" @ {where}", style="dim")
    if p.text:
        out.append(f"  “{p.text[:80]}{'…' if len(p.text) > 80 else ''}”", style="dim italic")
    return out


def _meta(report: Report, lang: str) -> Table:
    t = _T[c.lang_key(lang)]
    m = report.meta
    table = Table(title=t["meta"], title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(t["field"], style="dim", no_wrap=True)
    table.add_column(t["value"], overflow="fold")
    table.add_column(t["from"], overflow="fold")
    none = Text(t["none"], style="dim")
    rows = [
        ("title", Text(m.title) if m.title else none),
        ("organ", Text(m.organ) if m.organ else none),
        ("organ_kind", Text(t["kinds"].get(m.organ_kind, m.organ_kind))),
        ("year", Text(str(m.year)) if m.year else none),
        ("template", Text(m.template if m.template != "unknown" else t["unknown"],
                          style="" if m.template not in ("unknown", "hybrid") else "yellow")),
        ("published_on", Text(m.published_on.isoformat()) if m.published_on else none),
    ]
    for key, value in rows:
        table.add_row(t[key], value, _provenance(report, key, lang))
    if m.template_evidence:
        ev = Text()
        for i, (k, v) in enumerate(m.template_evidence.items()):
            if i:
                ev.append("；" if c.lang_key(lang) == "zh" else "; ")
            ev.append(f"{places.table_short(k, lang) if k in TABLE_KEYS else k}: {v}")
        table.add_row(t["evidence"], ev, Text(""))
    table.add_row(t["source"], Text(report.source.path), Text(""))
    table.add_row(t["format"], Text(report.source.format), Text(""))
    table.add_row(t["sha256"], Text(report.source.sha256[:16] + "…", style="dim"), Text(""))
    return table


def _parts(report: Report, lang: str, tpl) -> Table:
    t = _T[c.lang_key(lang)]
    table = Table(title=t["parts"], title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  show_header=False)
    table.add_column("", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("", overflow="fold")
    for n in range(1, 7):
        sec = report.section(n)
        label = Text(places.part_title(n, lang, tpl), style="bold")
        if sec is None or not sec.present:
            table.add_row(label, Text(t["missing"], style="bold red"), Text(""))
            continue
        detail = Text()
        if sec.title:
            detail.append(f"“{sec.title}”")
        if sec.numbered_as is not None and sec.numbered_as != n:
            detail.append("  " + t["numbered_as"].format(n=places.numeral(sec.numbered_as)), style="yellow")
        where = _where(sec.start, lang)
        if where:
            detail.append(f"  {where}", style="dim")
        detail.append("  " + t["chars"].format(n=len(sec.text)), style="dim")
        table.add_row(label, Text(t["found"], style="green"), Wrapped(detail))
    return table


def _cell(cell: Cell | None, lang: str) -> Text:
    text, kind = c.cell_text(cell, lang)
    if kind == "number":
        out = Text(text)
        if cell is not None and cell.derived:
            out.append("*", style="bold cyan")
        return out
    if kind == "invalid" and cell is not None:
        return Text(f"⚠ {(cell.raw or '').strip()}", style="bold red")
    return Text(text, style="dim")


def _grid(report: Report, key: str, lang: str, tpl, rows: list[str], columns: list[tuple[str, str]],
          title: str | None) -> Table:
    t = _T[c.lang_key(lang)]
    data = getattr(report.tables, key) or {}
    table = Table(title=title, title_justify="left", title_style="dim", box=box.SIMPLE_HEAD, show_edge=False,
                  pad_edge=False)
    body = {row: [_cell(cells.get(ck), lang) for ck, _ in columns] for row in rows
            if (cells := data.get(row)) is not None}
    # Value columns get a fixed width (a wrapped number misreads, and rich would crop a table of
    # unbreakable CJK headers); the row labels take what is left and wrap.
    table.add_column(t["row"], overflow="fold")
    for i, (ckey, column_label) in enumerate(columns):
        head = places.column_label(key, ckey, lang, tpl) if c.lang_key(lang) == "en" else c.wrap_label(column_label)
        if c.lang_key(lang) == "en":
            head = "\n".join(head.split(" ")) if cell_len(head) > 10 else head
        widest = max((cell_len(cells[i].plain) for cells in body.values()), default=1)
        table.add_column(head, justify="right", overflow="fold",
                         width=max([widest] + [cell_len(x) for x in head.split("\n")]))
    for row in rows:
        cells = data.get(row)
        label = Text(places.row_label(key, row, lang, tpl))
        if cells is None:
            label.append(" " + t["row_missing"], style="red")
            table.add_row(label, *[Text("—", style="dim") for _ in columns])
            continue
        table.add_row(label, *body[row])
    return table


def _table(report: Report, key: str, lang: str, tpl) -> list:
    t = _T[c.lang_key(lang)]
    head = Text(places.table_title(key, lang, tpl), style="bold")
    data = getattr(report.tables, key)
    if data is None:
        head.append(f"  {t['not_found']}", style="bold red")
        return [head]
    loc = report.table_locations.get(key)
    if loc is not None:
        head.append(f"  {t['at']} {_where(loc, lang)}", style="dim")
    matched = report.table_templates.get(key)
    if matched:
        head.append(f"  {t['matched']} {matched}", style="dim")
    out: list = [head]
    spec = tpl.table(key) if tpl is not None else None
    known: list[str] = []
    if spec is not None and spec.parts:
        for part in spec.parts:
            rows = [r.key for r in part.rows]
            known += rows
            out.append(_grid(report, key, lang, tpl, rows, [(col.key, col.label) for col in part.columns],
                             part.caption))
    elif spec is not None:
        known = [r.key for r in spec.rows]
        columns = [(col.key, col.label) for col in spec.columns]
        extra_cols = [k for cells in data.values() for k in cells if k not in dict(columns)]
        columns += [(k, places.column_label(key, k, "zh", tpl)) for k in dict.fromkeys(extra_cols)]
        rows = list(known)
        # rows of another template (a hybrid's single 2019 （六）其他处理 row) go where they belong: before 总计
        extra = [r for r in data if r not in known]
        if extra:
            at = rows.index("total") if "total" in rows else len(rows)
            rows[at:at] = extra
        out.append(_grid(report, key, lang, tpl, rows, columns, None))
        return out
    extra = [r for r in data if r not in known]
    if extra:  # no template data, or rows the template lacks: show them with whatever columns they carry
        cols = list(dict.fromkeys(k for r in extra for k in data[r]))
        columns = [(k, places.column_label(key, k, "zh", tpl)) for k in cols]
        out.append(_grid(report, key, lang, tpl, extra, columns, None))
    return out


MAX_FACTS_SHOWN = 200


def _fact_value(f: Fact, lang: str) -> str:
    t = _T[c.lang_key(lang)]
    v = f.value
    if v is None:
        return t["none"]
    if f.unit == "%" and isinstance(v, (int, float)):
        text = f"{v * 100:.1f}".rstrip("0").rstrip(".") + "%"
    elif f.kind == "statistics_period" and isinstance(v, str) and "/" in v:
        a, b = v.split("/", 1)
        text = f"{a} 至 {b}" if c.lang_key(lang) == "zh" else f"{a} to {b}"
    elif f.kind == "interpretation_share":
        text = f.data.get("word") or "100%"
    else:
        text = f"{v}{f.unit or ''}"
    return (t["approx"] if f.approx else "") + text


def _facts(report: Report, lang: str, tpl) -> list:
    t = _T[c.lang_key(lang)]
    facts = list(getattr(report, "facts", None) or [])
    head = Text(t["facts"], style="bold")
    if not facts:
        return [head, Text(t["no_facts"], style="dim")]
    head.append(f"（{len(facts)}）" if c.lang_key(lang) == "zh" else f" ({len(facts)})", style="dim")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(t["fact"], overflow="fold", ratio=2)
    table.add_column(t["fact_value"], overflow="fold", ratio=2)
    table.add_column(t["scope"], no_wrap=True)
    table.add_column(t["where"], overflow="fold", ratio=2)
    table.add_column(t["quote"], overflow="fold", ratio=5)
    for f in facts[:MAX_FACTS_SHOWN]:
        label = f.label_en if c.lang_key(lang) == "en" else f.label
        where = " ".join(x for x in (places.part_title(f.section, lang, tpl) if f.section else "",
                                     _where(f.location, lang)) if x)
        scope = Text(t["scopes"].get(f.scope, f.scope), style="" if f.scope in ("self", "region") else "yellow")
        table.add_row(Text(label), Text(_fact_value(f, lang)), scope, Text(where, style="dim"),
                      Text(f"“{f.text}”", style="italic"))
    out: list = [head, table]
    if len(facts) > MAX_FACTS_SHOWN:
        out.append(Text(t["more_facts"].format(n=len(facts) - MAX_FACTS_SHOWN), style="dim"))
    return out


def _problems(report: Report, lang: str, tpl) -> list:
    t = _T[c.lang_key(lang)]
    if not report.problems:
        return [Text(t["no_problems"], style="green")]
    out: list = [Text(f"{t['problems']}（{len(report.problems)}）" if c.lang_key(lang) == "zh"
                      else f"{t['problems']} ({len(report.problems)})", style="bold")]
    for p in report.problems:
        line = Text()
        line.append(c.severity_label(p.severity, lang) + " ", style=SEVERITY_STYLE.get(p.severity, ""))
        line.append(p.code + " ", style="bold")
        line.append(p.message_en if c.lang_key(lang) == "en" else p.message)
        cell = FindingLocation(table=p.table, row=p.row, column=p.column)
        where = [w for w in (places.logical_where(cell, lang, tpl), _where(p.location, lang)) if w]
        if where:
            line.append("  (" + " · ".join(where) + ")", style="dim")
        out.append(Padding(Wrapped(line), (0, 0, 0, 2), expand=False))
    return out


def render_report(report: Report, *, lang: str = "zh", color: bool = False, width: int = 100) -> str:
    t = _T[c.lang_key(lang)]
    buffer = StringIO()
    console = Console(file=buffer, force_terminal=color, color_system="256" if color else None, width=width,
                      highlight=False, emoji=False, legacy_windows=False)
    tpl = places.template_of(report)
    console.rule(Text(report.meta.title or report.source.path, style="bold"), align="left")
    console.print(_meta(report, lang))
    console.print()
    console.print(_parts(report, lang, tpl))
    console.print()
    console.print(Text(t["tables"], style="italic"))
    for key in TABLE_KEYS:
        console.print()
        for block in _table(report, key, lang, tpl):
            console.print(block)
    console.print()
    console.print(Text(t["legend"], style="dim"))
    console.print()
    for block in _facts(report, lang, tpl):
        console.print(block)
    console.print()
    for block in _problems(report, lang, tpl):
        console.print(block)
    return "\n".join(_TRAILING.sub(r"\1", line) for line in buffer.getvalue().split("\n"))
