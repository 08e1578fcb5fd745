"""CSV for a spreadsheet: one row per report (path, organ, year, template, score, grade, status, the
error or skip reason, counts per severity and per rule family), or with the option `per_finding`
(`--per-finding`) one row per finding. UTF-8; the option `bom` adds a byte-order mark for Excel.
Written as each report is done.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from ..engine.types import FAMILIES, FileResult, RunResult
from . import _common as c

FAMILY_COLUMNS = list(FAMILIES.values())
REPORT_COLUMNS = ["path", "organ", "year", "template", "score", "grade", "status", "problem",
                  "errors", "warnings", "infos", *FAMILY_COLUMNS]
FINDING_COLUMNS = ["path", "organ", "year", "template", "score", "grade", "rule", "name", "family", "severity",
                   "message", "where", "section", "table", "row", "column", "line", "page", "expected", "actual"]


def _line(values: list[Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["" if v is None else v for v in values])
    return buf.getvalue()


def _problem(fr: FileResult) -> str | None:
    if fr.error is not None:
        return f"{fr.error.code}: {fr.error.message}"
    if fr.skipped is not None:
        return f"{fr.skipped.code}: {fr.skipped.message}"
    return None


class Writer:
    def __init__(self, *, lang: str = "zh", options: dict | None = None):
        self.lang = lang
        opts = c.options_of(options)
        self.per_finding = bool(opts.get("per_finding", False))
        self.bom = bool(opts.get("bom", False))

    def begin(self, run: RunResult) -> str:
        return ("\ufeff" if self.bom else "") + _line(FINDING_COLUMNS if self.per_finding else REPORT_COLUMNS)

    def file(self, fr: FileResult) -> str:
        head = [fr.path, c.organ_of(fr), fr.year, fr.template,
                None if fr.score is None else f"{fr.score:.1f}", fr.grade]
        if not self.per_finding:
            n = c.counts(fr.findings)
            fam = dict.fromkeys(FAMILY_COLUMNS, 0)
            for f in fr.findings:
                fam[f.family] = fam.get(f.family, 0) + 1
            return _line([*head, fr.status, _problem(fr), n["error"], n["warning"], n["info"],
                          *(fam[name] for name in FAMILY_COLUMNS)])
        out = []
        for f in fr.findings:
            loc = f.location
            line, page = c.resolve_line_page(f)
            out.append(_line([*head, f.rule, f.name, f.family, f.severity, c.message(f, self.lang),
                              c.logical_where(f, self.lang), loc.section, loc.table, loc.row, loc.column, line, page,
                              _scalar(f.expected), _scalar(f.actual)]))
        return "".join(out)

    def end(self, run: RunResult) -> str:
        return ""


def _scalar(v: Any) -> Any:
    if v is None or isinstance(v, (int, float, str)):
        return v
    import json

    return json.dumps(v, ensure_ascii=False)


def render(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> str:
    w = Writer(lang=lang, options=options)
    return w.begin(run) + "".join(w.file(fr) for fr in run.files) + w.end(run)
