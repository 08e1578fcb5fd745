"""JSON lines: one object per report, written as each is done, then one summary object — for pipelines
and for batches too large for one JSON document.

    {"type": "file", "path": ..., "organ": ..., "year": ..., "template": ..., "score": ..., "grade": ...,
     "status": "checked|unreadable|skipped", "error": ..., "skipped": ..., "counts": {"error": n, ...},
     "families": {"zero-sum": n, ...}, "findings": [ ...interchange.md §2 findings... ]}
    {"type": "summary", ...the run's summary...}
"""
from __future__ import annotations

import json
from typing import Any

from ..engine.types import FileResult, RunResult
from . import _common as c
from .json import file_dict, summary_dict


def family_counts(fr: FileResult) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in fr.findings:
        out[f.family] = out.get(f.family, 0) + 1
    return dict(sorted(out.items()))


def row(fr: FileResult, lang: str) -> dict[str, Any]:
    d = file_dict(fr, lang)
    return {"type": "file", "path": d["path"], "organ": d["organ"], "year": d["year"], "template": d["template"],
            "score": d["score"], "grade": d["grade"], "status": d["status"], "error": d["error"],
            "skipped": d["skipped"], "counts": d["counts"], "families": family_counts(fr),
            "categories": d["categories"], "findings": d["findings"], "internal_errors": d["internal_errors"]}


class Writer:
    def __init__(self, *, lang: str = "zh", options: dict | None = None):
        self.lang = lang
        self.opts = c.options_of(options)

    def begin(self, run: RunResult) -> str:
        return ""

    def file(self, fr: FileResult) -> str:
        return json.dumps(row(fr, self.lang), ensure_ascii=False) + "\n"

    def end(self, run: RunResult) -> str:
        return json.dumps({"type": "summary", **summary_dict(run)}, ensure_ascii=False) + "\n"


def render(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> str:
    w = Writer(lang=lang, options=options)
    return w.begin(run) + "".join(w.file(fr) for fr in run.files) + w.end(run)
