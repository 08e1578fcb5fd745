"""The findings JSON of interchange.md §2 (a public contract: the field names below never change).

Each finding carries the fixed fields (rule, family, severity, message, location, expected, actual) and
then the extras other tools find useful (name, both-language messages, weight, basis, help_uri, data).
"""
from __future__ import annotations

import json
import re
from typing import Any

from pydantic_core import to_json

from ..engine.types import FileResult, Finding, RunResult
from . import _common as c

LOCATION_KEYS = ("section", "table", "row", "column", "line", "page",
                 "grid_table", "grid_row", "grid_column", "paragraph")


_DUMPED = {"location", "expected", "actual", "data", "category", "fingerprint"}  # not the place: unused here


def finding_dict(f: Finding, lang: str) -> dict[str, Any]:
    d = f.model_dump(mode="json", include=_DUMPED)
    loc = d.get("location") or {}
    return {
        "rule": f.rule,
        "family": f.family,
        "severity": f.severity,
        "message": c.message(f, lang),
        "location": {k: loc.get(k) for k in LOCATION_KEYS},
        "expected": d.get("expected"),
        "actual": d.get("actual"),
        "name": f.name,
        "message_zh": f.message_zh,
        "message_en": f.message_en,
        "weight": f.weight,
        "basis": f.basis,
        "help_uri": f.help_uri,
        "data": d.get("data") or {},
        "category": d.get("category"),
        "fingerprint": d.get("fingerprint"),
    }


def file_dict(fr: FileResult, lang: str) -> dict[str, Any]:
    return {
        "path": fr.path,
        "template": fr.template,
        "year": fr.year,
        "organ": c.organ_of(fr),
        "score": fr.score,
        "grade": fr.grade,
        "categories": dict(fr.categories),
        "error": fr.error.model_dump(mode="json") if fr.error is not None else None,
        "status": fr.status,
        "skipped": fr.skipped.model_dump(mode="json") if fr.skipped is not None else None,
        "counts": c.counts(fr.findings),
        "findings": [finding_dict(f, lang) for f in fr.findings],
        "internal_errors": [{"rule": p.rule, "message": p.message} for p in getattr(fr, "internal_errors", None) or []],
    }


def summary_dict(run: RunResult) -> dict[str, Any]:
    engine = json.loads(json.dumps(run.summary, ensure_ascii=False, default=str))
    if "files_checked" in engine:  # the engine's summary (a streamed run holds no files to count)
        summary = {"files": engine.get("files"), "unreadable": engine.get("files_unreadable"),
                   "skipped": engine.get("files_skipped"), "mean_score": engine.get("score")}
    else:
        summary = c.run_stats(run)
    summary.update(engine)  # the engine's own keys win
    return summary


def tool_dict(run: RunResult) -> dict[str, Any]:
    return {"name": run.tool.get("name", "report-lint"), "version": run.tool.get("version", ""),
            **{k: v for k, v in run.tool.items() if k not in ("name", "version")}}


def run_dict(run: RunResult, lang: str = "zh") -> dict[str, Any]:
    return {
        "schema_version": run.schema_version,
        "tool": tool_dict(run),
        "files": [file_dict(fr, lang) for fr in run.files],
        "summary": summary_dict(run),
    }


# What pydantic_core writes differently from json.dumps: a float under 1e-4 (0.00001 / 1.5e-7 where Python
# writes 1e-05 / 1.5e-07; floats from 1e-4 up, NaN, ±Infinity, integers of any size and the strings come out
# the same, tests/test_reporters.py). _rust_float finds every such number — and, rarely, a string that
# merely looks like one, which then just takes the slower way.


def _rust_float(raw: bytes) -> bool:
    # substring searches first: a regular expression over every byte took three times as long as to_json
    return b"0.0000" in raw or (b"e-" in raw and re.search(rb"[0-9]e-", raw) is not None)


def _dumps(value: Any, indent: int | None, level: int) -> str:
    text = None
    if indent is not None:  # json's indenting encoder is pure Python; the compact one is already C
        try:
            raw = to_json(value, indent=indent)
        except Exception:  # noqa: BLE001 - a lone surrogate, a type json has no form for: json.dumps decides
            raw = None
        if raw is not None and not _rust_float(raw):
            text = raw.decode("utf-8")
    if text is None:
        text = json.dumps(value, ensure_ascii=False, indent=indent)
    if indent is None or level == 0:
        return text
    return text.replace("\n", "\n" + " " * (indent * level))


class Writer:
    """The same JSON document written one file at a time (`begin`, `file`, `end`), so a batch of
    thousands of reports never holds them all: byte for byte what `render` gives."""

    def __init__(self, *, lang: str = "zh", options: dict | None = None):
        self.lang = lang
        opts = c.options_of(options)
        self.indent = opts.get("indent", 2)
        self.n = 0

    def _nl(self, level: int) -> str:
        return "" if self.indent is None else "\n" + " " * (self.indent * level)

    def begin(self, run: RunResult) -> str:
        sep = ", " if self.indent is None else ","
        colon = ": "
        return ("{" + self._nl(1) + f'"schema_version"{colon}{json.dumps(run.schema_version)}{sep}' + self._nl(1)
                + f'"tool"{colon}{_dumps(tool_dict(run), self.indent, 1)}{sep}' + self._nl(1) + f'"files"{colon}[')

    def file(self, fr: FileResult) -> str:
        lead = ("," if self.n else "") + ("" if self.indent is None else "\n" + " " * (self.indent * 2))
        if self.indent is None and self.n:
            lead = ", "
        self.n += 1
        return lead + _dumps(file_dict(fr, self.lang), self.indent, 2)

    def end(self, run: RunResult) -> str:
        sep = ", " if self.indent is None else ","
        close = (self._nl(1) if self.n else "") + "]"
        summary = f'"summary": {_dumps(summary_dict(run), self.indent, 1)}'
        return close + sep + self._nl(1) + summary + self._nl(0) + "}\n"


def render(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> str:
    w = Writer(lang=lang, options=options)
    return w.begin(run) + "".join(w.file(fr) for fr in run.files) + w.end(run)
