"""The findings JSON of interchange.md §2 (a public contract: the field names below never change).

Each finding carries the fixed fields (rule, family, severity, message, location, expected, actual) and
then the extras other tools find useful (name, both-language messages, weight, basis, help_uri, data).
"""
from __future__ import annotations

import json
from typing import Any, Optional

from ..engine.types import FileResult, Finding, RunResult
from . import _common as c

LOCATION_KEYS = ("section", "table", "row", "column", "line", "page",
                 "grid_table", "grid_row", "grid_column", "paragraph")


def finding_dict(f: Finding, lang: str) -> dict[str, Any]:
    d = f.model_dump(mode="json")
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
        "counts": c.counts(fr.findings),
        "findings": [finding_dict(f, lang) for f in fr.findings],
        "internal_errors": [{"rule": p.rule, "message": p.message} for p in getattr(fr, "internal_errors", None) or []],
    }


def run_dict(run: RunResult, lang: str = "zh") -> dict[str, Any]:
    summary = c.run_stats(run)
    summary.update(json.loads(json.dumps(run.summary, ensure_ascii=False, default=str)))  # the engine's own keys win
    return {
        "schema_version": run.schema_version,
        "tool": {"name": run.tool.get("name", "report-lint"), "version": run.tool.get("version", ""),
                 **{k: v for k, v in run.tool.items() if k not in ("name", "version")}},
        "files": [file_dict(fr, lang) for fr in run.files],
        "summary": summary,
    }


def render(run: RunResult, *, lang: str = "zh", options: Optional[dict] = None) -> str:
    opts = c.options_of(options)
    indent = opts.get("indent", 2)
    return json.dumps(run_dict(run, lang), ensure_ascii=False, indent=indent) + "\n"
