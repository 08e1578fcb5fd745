"""A Markdown report a supervising office can paste into its own write-up: a table of every file's score
first, then each file's findings grouped by part, with the offending table row written out.
"""
from __future__ import annotations

import re

from ..engine.types import FileResult, RunResult
from . import _common as c

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")

_T = {
    "zh": {
        "title": "政府信息公开工作年度报告检查结果", "path": "文件", "organ": "机关", "year": "年度",
        "template": "模板", "score": "得分", "grade": "等级", "errors": "错误", "warnings": "警告",
        "infos": "提示", "unreadable": "无法读取", "skipped": "非年报，已跳过", "clean": "未发现问题。",
        "where": "位置", "categories": "分项得分", "total": "合计", "mean": "平均",
    },
    "en": {
        "title": "Annual disclosure report check results", "path": "File", "organ": "Organ", "year": "Year",
        "template": "Template", "score": "Score", "grade": "Grade", "errors": "Errors", "warnings": "Warnings",
        "infos": "Info", "unreadable": "cannot read", "skipped": "not a report, skipped", "clean": "No findings.",
        "where": "Where", "categories": "Categories", "total": "Total", "mean": "mean",
    },
}


def md(text: object) -> str:
    """Escape Markdown punctuation and keep the text on one line (safe inside a table cell)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")


def summary_row(fr: FileResult, lang: str = "zh") -> str:
    t = _T[c.lang_key(lang)]
    n = c.counts(fr.findings)
    if fr.error is not None:
        score, grade = f"{t['unreadable']}", ""
    elif fr.skipped is not None:
        score, grade = t["skipped"], ""
    else:
        score, grade = c.fmt_score(fr.score), fr.grade or ""
    row = [md(fr.path), md(c.organ_of(fr) or ""), str(fr.year or ""), md(fr.template or ""),
           md(score), md(grade), str(n["error"]), str(n["warning"])]
    return "| " + " | ".join(row) + " |"


def summary_table_from_rows(rows: list[str], run: RunResult, lang: str = "zh") -> str:
    t = _T[c.lang_key(lang)]
    head = [t["path"], t["organ"], t["year"], t["template"], t["score"], t["grade"], t["errors"], t["warnings"]]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 4 + ["---:", ":---:", "---:", "---:"]) + "|"]
    lines += rows
    s = run.summary if "files_checked" in (run.summary or {}) else None
    stats = c.run_stats(run)
    files = s["files"] if s else stats["files"]
    n = s["by_severity"] if s else stats["findings"]
    mean = c.fmt_score(s["score"] if s else stats["mean_score"])
    lines.append(f"| **{t['total']}**（{files}） | | | | {t['mean']} {mean} | | {n['error']} | {n['warning']} |"
                 if c.lang_key(lang) == "zh" else
                 f"| **{t['total']}** ({files}) | | | | {t['mean']} {mean} | | {n['error']} | {n['warning']} |")
    return "\n".join(lines)


def summary_table(run: RunResult, lang: str = "zh") -> str:
    return summary_table_from_rows([summary_row(fr, lang) for fr in run.files], run, lang)


def _row_text(rv: c.RowView, lang: str) -> str:
    sep = "：" if c.lang_key(lang) == "zh" else ": "
    cells = []
    for cv in rv.cells:
        value = f"**{md(cv.text)}**" if cv.highlight else md(cv.text)
        cells.append(f"{md(cv.label)} {value}")
    return f"{md(rv.label)}{sep}" + " · ".join(cells)


def _file(fr: FileResult, lang: str, level: int, labels: dict | None = None) -> list[str]:
    t = _T[c.lang_key(lang)]
    zh = c.lang_key(lang) == "zh"
    sep = "：" if zh else ": "
    h = "#" * level
    out = [f"{h} {md(fr.path)}", ""]
    if fr.error is not None:
        out += [f"> **{t['unreadable']}**{sep}{md(fr.error.message)}（{md(fr.error.code)}）" if zh else
                f"> **{t['unreadable']}**{sep}{md(fr.error.message)} ({md(fr.error.code)})", ""]
        return out
    if fr.skipped is not None:
        return [*out, f"> {md(fr.skipped.message)}", ""]
    facts = [(t["organ"], c.organ_of(fr)), (t["year"], fr.year), (t["template"], fr.template),
             (t["score"], c.fmt_score(fr.score) if fr.score is not None else None), (t["grade"], fr.grade)]
    out.append(" · ".join(f"{k}{sep}{md(v)}" for k, v in facts if v not in (None, "")))
    if fr.categories:
        cats = ("，" if zh else ", ").join(f"{md(c.category_label(k, lang, labels))} {c.fmt_score(v)}"
                                          for k, v in fr.categories.items())
        out += ["", f"{t['categories']}{sep}{cats}"]
    out.append("")
    for p in getattr(fr, "internal_errors", None) or []:
        out += [f"> {'内部错误' if zh else 'Internal error'}{sep}{md(p.message)}", ""]
    if not fr.findings:
        out += [t["clean"], ""]
        return out
    for _part, title, findings in c.group_by_part(fr.findings, lang):
        out += [f"{h}# {md(title)}", ""]
        for f in findings:
            out.append(f"- **{c.severity_label(f.severity, lang)}** `{f.rule}` {md(c.message(f, lang))}")
            where = c.where(f, lang)
            if where:
                out.append(f"  - {t['where']}{sep}{md(where)}")
            for rv in c.table_rows_for(f, lang):
                out.append(f"  - {_row_text(rv, lang)}")
        out.append("")
    return out


def render(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> str:
    opts = c.options_of(options)
    level = int(opts.get("heading_level", 1))
    t = _T[c.lang_key(lang)]
    out = [f"{'#' * level} {t['title']}", "", summary_table(run, lang), ""]
    labels = (run.summary or {}).get("category_labels")
    for fr in run.files:
        out += _file(fr, lang, level + 1, labels)
    return "\n".join(out).rstrip() + "\n"
