"""The terminal report (default format): per file a header, findings grouped by part with the offending
table row, and a closing summary. Chinese by default, English with lang="en".

All user text goes through rich `Text` objects, never markup strings, so a report's own brackets
(e.g. "[2023]") are printed as written.
"""
from __future__ import annotations

import re
from io import StringIO
from typing import Optional

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..engine.types import FileResult, Finding, RunResult
from . import _common as c
from ._rich import Wrapped

_TRAILING = re.compile(r"[ ]+((?:\x1b\[[0-9;]*m)*)$")
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}

_T = {
    "zh": {
        "organ": "机关", "year": "年度", "template": "模板", "score": "得分", "grade": "等级",
        "categories": "分项得分", "unreadable": "无法读取", "clean": "✓ 未发现问题",
        "where": "位置", "row": "行", "none": "—", "unknown_tpl": "未识别",
    },
    "en": {
        "organ": "Organ", "year": "Year", "template": "Template", "score": "Score", "grade": "Grade",
        "categories": "Categories", "unreadable": "Cannot read", "clean": "✓ No findings",
        "where": "Where", "row": "Row", "none": "—", "unknown_tpl": "unknown",
    },
}


def _console(options: dict) -> Console:
    color = bool(options.get("color", False))
    return Console(
        file=StringIO(),
        force_terminal=color,
        color_system=options.get("color_system", "256") if color else None,
        width=int(options.get("width", 100)),
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )


def _mark(text: str, lang: str) -> str:
    # The highlighted cell must stand out without colour too (piped output, print-outs).
    return f"【{text}】" if c.lang_key(lang) == "zh" else f"[{text}]"


def _cell_text(cv: c.CellView, lang: str) -> Text:
    if cv.highlight:
        return Text(_mark(cv.text, lang), style="bold reverse red")
    return Text(cv.text, style="" if cv.kind == "number" else "dim")


def _row_line(rv: c.RowView, lang: str) -> Text:
    """One row inline ("（七）总计：自然人 【20】 · 商业企业 46 …"): wraps instead of truncating."""
    zh = c.lang_key(lang) == "zh"
    out = Text(rv.label + ("：" if zh else ": "), style="bold")
    for i, cv in enumerate(rv.cells):
        if i:
            out.append(" · ", style="dim")
        out.append(cv.label + " ", style="dim")
        out.append_text(_cell_text(cv, lang))
    return out


def _rows_table(rows: list[c.RowView], lang: str) -> Table:
    """Several rows side by side, one table column per row (the rows are few, the columns many)."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), expand=False)
    table.add_column("", style="dim")
    for rv in rows:
        table.add_column(Text(rv.label), justify="right", overflow="fold", max_width=18)
    keys: list[tuple[str, str]] = []
    for rv in rows:  # union of the rows' columns, in order (表二's parts differ)
        for cv in rv.cells:
            if cv.key not in [k for k, _ in keys]:
                keys.append((cv.key, cv.label))
    for key, label in keys:
        cells = []
        for rv in rows:
            cv = next((x for x in rv.cells if x.key == key), None)
            cells.append(_cell_text(cv, lang) if cv is not None else Text(""))
        table.add_row(Text(label), *cells)
    return table


def _finding(f: Finding, fr: FileResult, lang: str, tpl) -> Table:
    """Severity and rule id on the left; message, location and table row hang beside them."""
    t = _T[c.lang_key(lang)]
    head = Text()
    head.append(c.severity_label(f.severity, lang), style=SEVERITY_STYLE.get(f.severity, ""))
    head.append(f" {f.rule}", style="bold")
    body: list = [Wrapped(Text(c.message(f, lang)))]
    where = c.where(f.location, lang, tpl)
    if where:
        body.append(Wrapped(Text(f"{t['where']}：{where}" if c.lang_key(lang) == "zh" else f"{t['where']}: {where}",
                                 style="dim")))
    rows = c.table_rows_for(f, fr.report, lang, tpl)
    if rows:
        body.append(Wrapped(_row_line(rows[0], lang)) if len(rows) == 1 else _rows_table(rows, lang))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(head, Group(*body))
    return grid


def _header(fr: FileResult, lang: str) -> list:
    t = _T[c.lang_key(lang)]
    sep = "：" if c.lang_key(lang) == "zh" else ": "
    line = Text()
    fields = [
        (t["organ"], c.organ_of(fr) or t["none"]),
        (t["year"], str(fr.year) if fr.year else t["none"]),
        (t["template"], fr.template if fr.template and fr.template != "unknown" else t["unknown_tpl"]),
    ]
    for i, (k, v) in enumerate(fields):
        if i:
            line.append("  ·  ", style="dim")
        line.append(f"{k}{sep}", style="dim")
        line.append(v)
    if fr.score is not None:
        line.append("  ·  ", style="dim")
        line.append(f"{t['score']}{sep}", style="dim")
        line.append(c.fmt_score(fr.score), style="bold")
        if fr.grade:
            line.append("  ·  ", style="dim")
            line.append(f"{t['grade']}{sep}", style="dim")
            line.append(fr.grade, style="bold")
    out = [line]
    if fr.categories:
        cats = Text(f"{t['categories']}{sep}", style="dim")
        for i, (k, v) in enumerate(fr.categories.items()):
            if i:
                cats.append("，" if c.lang_key(lang) == "zh" else ", ", style="dim")
            cats.append(f"{c.category_label(k, lang)} {c.fmt_score(v)}")
        out.append(cats)
    return out


def _file(console: Console, fr: FileResult, lang: str) -> None:
    t = _T[c.lang_key(lang)]
    console.rule(Text(fr.path, style="bold"), align="left")
    if fr.error is not None:
        msg = Text(f"{t['unreadable']}：" if c.lang_key(lang) == "zh" else f"{t['unreadable']}: ", style="bold red")
        msg.append(fr.error.message)
        msg.append(f" ({fr.error.code})", style="dim")
        console.print(Wrapped(msg))
        console.print()
        return
    for line in _header(fr, lang):
        console.print(line)
    for p in getattr(fr, "internal_errors", None) or []:
        # a crash inside a check: the file was read, but this rule's verdict is missing
        msg = Text("内部错误" if c.lang_key(lang) == "zh" else "Internal error", style="bold red")
        msg.append(f" {p.rule}" if p.rule else "", style="bold")
        msg.append(("：" if c.lang_key(lang) == "zh" else ": ") + p.message)
        console.print(Wrapped(msg))
    if not fr.findings:
        console.print(Text(t["clean"], style="green"))
        console.print()
        return
    tpl = c.template_for(fr)
    for part, findings in c.group_by_part(fr.findings, tpl):
        console.print()
        title = Text(c.part_title(part, lang, tpl), style="bold underline")
        title.append(f"（{len(findings)}）" if c.lang_key(lang) == "zh" else f" ({len(findings)})", style="dim")
        console.print(title)
        for f in findings:
            console.print(Padding(_finding(f, fr, lang, tpl), (0, 0, 0, 2), expand=False))
    console.print()


def _summary(console: Console, run: RunResult, lang: str) -> None:
    s = c.run_stats(run)
    n = s["findings"]
    zh = c.lang_key(lang) == "zh"
    line = Text()
    if zh:
        line.append("汇总：", style="bold")
        line.append(f"共 {s['files']} 个文件")
        if s["unreadable"]:
            line.append(f"（{s['unreadable']} 个无法读取）", style="red")
        line.append("；")
        for i, sev in enumerate(c.SEVERITIES):
            if i:
                line.append("，")
            line.append(f"{c.severity_label(sev, lang)} {n[sev]}", style=SEVERITY_STYLE[sev] if n[sev] else "")
        line.append(f"；平均得分 {c.fmt_score(s['mean_score'])}")
    else:
        line.append("Summary: ", style="bold")
        line.append(f"{s['files']} file{'s' if s['files'] != 1 else ''}")
        if s["unreadable"]:
            line.append(f" ({s['unreadable']} unreadable)", style="red")
        line.append("; ")
        for i, sev in enumerate(c.SEVERITIES):
            if i:
                line.append(", ")
            line.append(f"{n[sev]} {sev}{'s' if n[sev] != 1 and sev != 'info' else ''}",
                        style=SEVERITY_STYLE[sev] if n[sev] else "")
        line.append(f"; mean score {c.fmt_score(s['mean_score'])}")
    console.print(line)


def render(run: RunResult, *, lang: str = "zh", options: Optional[dict] = None) -> str:
    opts = c.options_of(options)
    console = _console(opts)
    for fr in run.files:
        _file(console, fr, lang)
    _summary(console, run, lang)
    # rich pads lines to the full width; trailing blanks only get in the way of a diff or a paste
    return "\n".join(_TRAILING.sub(r"\1", line) for line in console.file.getvalue().split("\n"))
