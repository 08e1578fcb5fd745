"""The terminal report (default format): per file a header, findings grouped by part with the offending
table row, and a closing summary. Chinese by default, English with lang="en".

All user text goes through rich `Text` objects, never markup strings, so a report's own brackets
(e.g. "[2023]") are printed as written.
"""
from __future__ import annotations

import re
from io import StringIO
from typing import cast

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
            cell = next((x for x in rv.cells if x.key == key), None)
            cells.append(_cell_text(cell, lang) if cell is not None else Text(""))
        table.add_row(Text(label), *cells)
    return table


def _finding(f: Finding, lang: str) -> Table:
    """Severity and rule id on the left; message, location and table row hang beside them."""
    t = _T[c.lang_key(lang)]
    head = Text()
    head.append(c.severity_label(f.severity, lang), style=SEVERITY_STYLE.get(f.severity, ""))
    head.append(f" {f.rule}", style="bold")
    body: list = [Wrapped(Text(c.message(f, lang)))]
    where = c.where(f, lang)
    if where:
        body.append(Wrapped(Text(f"{t['where']}：{where}" if c.lang_key(lang) == "zh" else f"{t['where']}: {where}",
                                 style="dim")))
    rows = c.table_rows_for(f, lang)
    if rows:
        body.append(Wrapped(_row_line(rows[0], lang)) if len(rows) == 1 else _rows_table(rows, lang))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(head, Group(*body))
    return grid


def _header(fr: FileResult, lang: str, labels: dict | None) -> list:
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
        for i, (category, score) in enumerate(fr.categories.items()):
            if i:
                cats.append("，" if c.lang_key(lang) == "zh" else ", ", style="dim")
            cats.append(f"{c.category_label(category, lang, labels)} {c.fmt_score(score)}")
        out.append(cats)
    return out


class Writer:
    """The console output one file at a time (a batch never holds every result): `begin(run)`,
    `file(fr)` per file, `end(run)` with the run's summary; each returns the text to write."""

    def __init__(self, *, lang: str = "zh", options: dict | None = None):
        self.lang = lang
        self.opts = c.options_of(options)
        self.show_notes = bool(self.opts.get("show_parse_notes", False))
        self.quiet = bool(self.opts.get("quiet", False))
        self.statistics = bool(self.opts.get("statistics", False))
        # unreadable files and internal errors are the CLI's to print (on stderr); a library caller
        # rendering a RunResult gets them here
        self.show_errors = bool(self.opts.get("show_errors", True))
        self.labels: dict | None = None
        self.hidden_notes = 0
        self.count = 0

    def _console(self) -> Console:
        return _console(self.opts)

    @staticmethod
    def _text(console: Console) -> str:
        # rich pads lines to the full width; trailing blanks only get in the way of a diff or a paste
        text = cast(StringIO, console.file).getvalue()  # every console here is made by _console
        return "\n".join(_TRAILING.sub(r"\1", line) for line in text.split("\n"))

    def begin(self, run: RunResult) -> str:
        self.labels = (run.summary or {}).get("category_labels")
        return ""

    def file(self, fr: FileResult) -> str:
        self.count += 1
        shown = c.visible(fr, self.show_notes)
        self.hidden_notes += len(fr.findings) - len(shown)
        if self.quiet or self.statistics:
            return ""
        console = self._console()
        _file(console, fr, shown, self.lang, self.labels, self.show_errors)
        return self._text(console)

    def end(self, run: RunResult) -> str:
        console = self._console()
        if self.statistics:
            _statistics(console, run, self.lang)
        _summary(console, run, self.lang, self.hidden_notes)
        return self._text(console)


def _file(console: Console, fr: FileResult, shown: list[Finding], lang: str, labels: dict | None,
          show_errors: bool) -> None:
    t = _T[c.lang_key(lang)]
    zh = c.lang_key(lang) == "zh"
    if fr.error is not None:
        if show_errors:
            console.rule(Text(fr.path, style="bold"), align="left")
            msg = Text(f"{t['unreadable']}：" if zh else f"{t['unreadable']}: ", style="bold red")
            msg.append(fr.error.message)
            msg.append(f" ({fr.error.code})", style="dim")
            console.print(Wrapped(msg))
            console.print()
        return
    console.rule(Text(fr.path, style="bold"), align="left")
    if fr.skipped is not None:
        console.print(Wrapped(Text(fr.skipped.message, style="yellow")))
        console.print()
        return
    for line in _header(fr, lang, labels):
        console.print(line)
    for p in (getattr(fr, "internal_errors", None) or []) if show_errors else []:
        # a crash inside a check: the file was read, but this rule's verdict is missing
        msg = Text("内部错误" if zh else "Internal error", style="bold red")
        msg.append(f" {p.rule}" if p.rule else "", style="bold")
        msg.append(("：" if zh else ": ") + p.message)
        console.print(Wrapped(msg))
    if not shown:
        console.print(Text(t["clean"], style="green"))
        console.print()
        return
    for _part, title_text, findings in c.group_by_part(shown, lang):
        console.print()
        title = Text(title_text, style="bold underline")
        title.append(f"（{len(findings)}）" if zh else f" ({len(findings)})", style="dim")
        console.print(title)
        for f in findings:
            console.print(Padding(_finding(f, lang), (0, 0, 0, 2), expand=False))
    console.print()


def _summary_data(run: RunResult) -> dict:
    """The engine's summary, or (a RunResult built by hand) one computed from its files."""
    s = run.summary or {}
    if "files_checked" in s:
        return s
    from ..config import Config
    from ..engine.runner import Tally

    tally = Tally(Config())
    for fr in run.files:
        tally.add(fr)
    worst = sorted(tally.worst, reverse=True)
    return {"files": tally.files, "files_checked": tally.checked, "files_unreadable": tally.unreadable,
            "files_skipped": tally.skipped, "by_severity": tally.by_sev, "by_rule": tally.by_rule,
            "rule_names": tally.rule_names,
            "score": round(tally.score_sum / tally.score_n, 1) if tally.score_n else None,
            "min_score": tally.min_score, "score_bands": tally.bands,
            "worst": [{"path": p, "score": -sc} for sc, _, p in worst], "baselined": tally.baselined}


def _statistics(console: Console, run: RunResult, lang: str) -> None:
    """--statistics: how many findings each rule gave, most frequent first."""
    s = _summary_data(run)
    zh = c.lang_key(lang) == "zh"
    by_rule = sorted((s.get("by_rule") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    names = s.get("rule_names") or {}
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("数量" if zh else "Count", justify="right")
    table.add_column("规则" if zh else "Rule")
    table.add_column("名称" if zh else "Name")
    for rid, n in by_rule:
        table.add_row(str(n), rid, names.get(rid, ""))
    console.print(table)


def _summary(console: Console, run: RunResult, lang: str, hidden_notes: int = 0) -> None:
    s = _summary_data(run)
    zh = c.lang_key(lang) == "zh"
    n = {sev: (s.get("by_severity") or {}).get(sev, 0) for sev in c.SEVERITIES}
    files, unreadable, skipped = s.get("files", 0), s.get("files_unreadable", 0), s.get("files_skipped", 0)
    # one layout for both languages: only the words and the punctuation differ
    comma, semi, open_, close = ("，", "；", "（", "）") if zh else (", ", "; ", " (", ")")
    extra = []
    if unreadable:
        extra.append((f"{unreadable} 个无法读取" if zh else f"{unreadable} unreadable", "red"))
    if skipped:
        extra.append((f"{skipped} 个不是年度报告（已跳过）" if zh else f"{skipped} not a report, skipped", "yellow"))
    line = Text()
    line.append("汇总：" if zh else "Summary: ", style="bold")
    line.append(f"共 {files} 个文件" if zh else f"{files} file{'s' if files != 1 else ''}")
    if extra:
        line.append(open_)
        for i, (text, style) in enumerate(extra):
            line.append(comma if i else "")
            line.append(text, style=style)
        line.append(close)
    line.append(semi)
    for i, sev in enumerate(c.SEVERITIES):
        line.append(comma if i else "")
        count = (f"{c.severity_label(sev, lang)} {n[sev]}" if zh
                 else f"{n[sev]} {sev}{'s' if n[sev] != 1 and sev != 'info' else ''}")
        line.append(count, style=SEVERITY_STYLE[sev] if n[sev] else "")
    line.append(f"{semi}平均得分 {c.fmt_score(s.get('score'))}" if zh
                else f"{semi}mean score {c.fmt_score(s.get('score'))}")
    console.print(line)
    notes = []
    if hidden_notes:
        notes.append(f"另有 {hidden_notes} 条解析说明未显示（--show-parse-notes 显示）" if zh
                     else f"{hidden_notes} parse notes not shown (--show-parse-notes shows them)")
    if s.get("baselined"):
        notes.append(f"{s['baselined']} 条问题已在基线中，未显示" if zh
                     else f"{s['baselined']} findings accepted by the baseline, not shown")
    for note in notes:
        console.print(Text(note, style="dim"))
    if files > 1:
        _folder_summary(console, s, lang)


def _folder_summary(console: Console, s: dict, lang: str) -> None:
    """A folder run: the score distribution, the worst reports and the most frequent rules."""
    zh = c.lang_key(lang) == "zh"
    checked = s.get("files_checked", 0)
    if checked:
        bands = s.get("score_bands") or {}
        dist = Text("得分分布：" if zh else "Scores: ", style="bold")
        dist.append(("，" if zh else ", ").join(f"{k} {v}" for k, v in bands.items()))
        if s.get("min_score") is not None:
            dist.append(f"（最低 {c.fmt_score(s['min_score'])}）" if zh else f" (lowest {c.fmt_score(s['min_score'])})")
        console.print(dist)
    worst = s.get("worst") or []
    if len(worst) > 1:
        console.print(Text(f"得分最低的 {len(worst)} 份报告：" if zh else f"The {len(worst)} lowest scores:",
                           style="bold"))
        for w in worst:
            row = Text(f"  {c.fmt_score(w['score']):>5}  ")
            row.append(w["path"])
            console.print(row)
    by_rule = sorted((s.get("by_rule") or {}).items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    if by_rule:
        names = s.get("rule_names") or {}
        console.print(Text("最常见的规则：" if zh else "Most frequent rules:", style="bold"))
        for rid, k in by_rule:
            console.print(Text(f"  {rid}  {k:>5}  {names.get(rid, '')}".rstrip()))


def render(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> str:
    w = Writer(lang=lang, options=options)
    parts = [w.begin(run)] + [w.file(fr) for fr in run.files] + [w.end(run)]
    return "".join(p for p in parts if p)
