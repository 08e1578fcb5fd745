"""GitHub Actions workflow commands: one annotation per finding, each file's annotations inside a
::group::, and a Markdown score table appended to the job's step summary ($GITHUB_STEP_SUMMARY, or
options["step_summary"]; options["step_summary"] = False turns it off).

Escaping follows the runner's rules: in the message %, CR and LF are percent-encoded; in properties
(file, line, title) also ":" and ",".
"""
from __future__ import annotations

import os
from typing import Optional

from ..engine.types import FileResult, RunResult
from . import _common as c

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props: object) -> str:
    given = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{name}{' ' + given if given else ''}::{escape_data(message)}"


def _path(fr: FileResult, root: Optional[str]) -> str:
    rel, inside = c.relative_path(fr.path, root)
    return rel if inside else fr.path


def _file_lines(fr: FileResult, lang: str, root: Optional[str]) -> list[str]:
    zh = c.lang_key(lang) == "zh"
    path = _path(fr, root)
    if fr.error is not None:
        title = "无法读取" if zh else "Cannot read"
        return [command("error", f"{fr.error.message} ({fr.error.code})", file=path, title=title)]
    head = path
    if fr.score is not None:
        grade = f"（{fr.grade}）" if zh and fr.grade else (f" ({fr.grade})" if fr.grade else "")
        head += f" — 得分 {c.fmt_score(fr.score)}{grade}" if zh else f" — score {c.fmt_score(fr.score)}{grade}"
    n = c.counts(fr.findings)
    head += (f"：错误 {n['error']}，警告 {n['warning']}，提示 {n['info']}" if zh
             else f": {n['error']} errors, {n['warning']} warnings, {n['info']} info")
    out = [f"::group::{escape_data(head)}"]
    tpl = c.template_for(fr)
    for p in getattr(fr, "internal_errors", None) or []:
        out.append(command("error", p.message, file=path, title=(("内部错误 " if zh else "internal error ") + (p.rule or "")).strip()))
    for part, findings in c.group_by_part(fr.findings, tpl):
        for f in findings:
            line, page = c.resolve_line_page(fr, f, tpl)
            text = c.message(f, lang)
            where = c.where(f.location, lang, tpl)
            if where:
                text += f"\n位置：{where}" if zh else f"\nWhere: {where}"
            out.append(command(COMMAND.get(f.severity, "warning"), text, file=path, line=line,
                               title=f"{f.rule} {f.name}".strip()))
    out.append("::endgroup::")
    return out


def step_summary(run: RunResult, lang: str) -> str:
    from .markdown import summary_table

    title = "## report-lint 检查结果" if c.lang_key(lang) == "zh" else "## report-lint results"
    return f"{title}\n\n{summary_table(run, lang)}\n"


def _write_summary(target: str, text: str, lang: str) -> Optional[str]:
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as e:
        msg = (f"无法写入 GITHUB_STEP_SUMMARY（{target}）：{e.strerror}" if c.lang_key(lang) == "zh"
               else f"cannot write GITHUB_STEP_SUMMARY ({target}): {e.strerror}")
        return command("warning", msg)
    return None


def render(run: RunResult, *, lang: str = "zh", options: Optional[dict] = None) -> str:
    opts = c.options_of(options)
    root = opts.get("srcroot")
    lines: list[str] = []
    for fr in run.files:
        lines += _file_lines(fr, lang, root)
    s = c.run_stats(run)
    n = s["findings"]
    if c.lang_key(lang) == "zh":
        lines.append(f"report-lint：共 {s['files']} 个文件，错误 {n['error']}，警告 {n['warning']}，"
                     f"提示 {n['info']}，平均得分 {c.fmt_score(s['mean_score'])}")
    else:
        lines.append(f"report-lint: {s['files']} files, {n['error']} errors, {n['warning']} warnings, "
                     f"{n['info']} info, mean score {c.fmt_score(s['mean_score'])}")
    target = opts.get("step_summary")
    if target is None:
        target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        problem = _write_summary(str(target), step_summary(run, lang), lang)
        if problem:
            lines.append(problem)
    return "\n".join(lines) + "\n"
