"""GitHub Actions workflow commands: one annotation per finding, each file's annotations inside a
::group::, and a Markdown score table appended to the job's step summary ($GITHUB_STEP_SUMMARY, or
options["step_summary"]; options["step_summary"] = False turns it off).

Escaping follows the runner's rules: in the message %, CR and LF are percent-encoded; in properties
(file, line, title) also ":" and ",".
"""
from __future__ import annotations

import os

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


def _path(fr: FileResult, root: str | None) -> str:
    rel, inside = c.relative_path(fr.path, root)
    return rel if inside else fr.path


def _file_lines(fr: FileResult, lang: str, root: str | None, show_notes: bool = False) -> list[str]:
    zh = c.lang_key(lang) == "zh"
    path = _path(fr, root)
    if fr.error is not None:
        title = "无法读取" if zh else "Cannot read"
        return [command("error", f"{fr.error.message} ({fr.error.code})", file=path, title=title)]
    if fr.skipped is not None:
        return [command("notice", fr.skipped.message, file=path, title="不是年度报告" if zh else "Not a report")]
    shown = c.visible(fr, show_notes)
    head = path
    if fr.score is not None:
        grade = f"（{fr.grade}）" if zh and fr.grade else (f" ({fr.grade})" if fr.grade else "")
        head += f" — 得分 {c.fmt_score(fr.score)}{grade}" if zh else f" — score {c.fmt_score(fr.score)}{grade}"
    n = c.counts(shown)
    head += (f"：错误 {n['error']}，警告 {n['warning']}，提示 {n['info']}" if zh
             else f": {n['error']} errors, {n['warning']} warnings, {n['info']} info")
    out = [f"::group::{escape_data(head)}"]
    for p in getattr(fr, "internal_errors", None) or []:
        out.append(command("error", p.message, file=path,
                           title=(("内部错误 " if zh else "internal error ") + (p.rule or "")).strip()))
    for _part, _title, findings in c.group_by_part(shown, lang):
        for f in findings:
            line, _page = c.resolve_line_page(f)
            text = c.message(f, lang)
            where = c.where(f, lang)
            if where:
                text += f"\n位置：{where}" if zh else f"\nWhere: {where}"
            out.append(command(COMMAND.get(f.severity, "warning"), text, file=path, line=line,
                               title=f"{f.rule} {f.name}".strip()))
    out.append("::endgroup::")
    return out


def _write_summary(target: str, text: str, lang: str) -> str | None:
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as e:
        msg = (f"无法写入 GITHUB_STEP_SUMMARY（{target}）：{e.strerror}" if c.lang_key(lang) == "zh"
               else f"cannot write GITHUB_STEP_SUMMARY ({target}): {e.strerror}")
        return command("warning", msg)
    return None


class Writer:
    """Annotations one file at a time; the closing line and the step summary at the end. Parse notes
    (catalogue tag "parse-note") are left out unless options["show_parse_notes"]."""

    def __init__(self, *, lang: str = "zh", options: dict | None = None):
        self.lang = lang
        self.opts = c.options_of(options)
        self.rows: list[str] = []  # the step summary's table rows (one short line per file)

    def begin(self, run: RunResult) -> str:
        return ""

    def file(self, fr: FileResult) -> str:
        from .markdown import summary_row

        if self._summary_target():
            self.rows.append(summary_row(fr, self.lang))
        return "\n".join(_file_lines(fr, self.lang, self.opts.get("srcroot"),
                                     bool(self.opts.get("show_parse_notes")))) + "\n"

    def _summary_target(self) -> str | None:
        target = self.opts.get("step_summary")
        if target is None:
            target = os.environ.get("GITHUB_STEP_SUMMARY")
        return str(target) if target else None

    def end(self, run: RunResult) -> str:
        s = run.summary if "files_checked" in (run.summary or {}) else None
        stats = c.run_stats(run)
        files = s["files"] if s else stats["files"]
        n = s["by_severity"] if s else stats["findings"]
        mean = s["score"] if s else stats["mean_score"]
        if c.lang_key(self.lang) == "zh":
            lines = [(f"report-lint：共 {files} 个文件，错误 {n['error']}，警告 {n['warning']}，"
                     f"提示 {n['info']}，平均得分 {c.fmt_score(mean)}")]
        else:
            lines = [(f"report-lint: {files} files, {n['error']} errors, {n['warning']} warnings, "
                     f"{n['info']} info, mean score {c.fmt_score(mean)}")]
        target = self._summary_target()
        if target:
            from .markdown import summary_table_from_rows

            title = "## report-lint 检查结果" if c.lang_key(self.lang) == "zh" else "## report-lint results"
            text = f"{title}\n\n{summary_table_from_rows(self.rows, run, self.lang)}\n"
            problem = _write_summary(target, text, self.lang)
            if problem:
                lines.append(problem)
        return "\n".join(lines) + "\n"


def render(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> str:
    w = Writer(lang=lang, options=options)
    return w.begin(run) + "".join(w.file(fr) for fr in run.files) + w.end(run)
