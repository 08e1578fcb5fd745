"""Locate the declarative data in rules/ (templates and the rule catalogue).

In a wheel the directory ships inside the package (report_lint/rules); in a source checkout or an
editable install it is the repository's top-level rules/.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    for cand in (here / "rules", here.parent.parent / "rules"):
        if (cand / "templates").is_dir():
            return cand
    raise RuntimeError("report-lint data directory rules/ not found (broken installation)")
