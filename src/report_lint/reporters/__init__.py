"""The built-in output formats, registered like any plugin's (entry point "builtin-reporters").

Each format is `render(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> str`; its
module is imported only when that format is used, so `--format json` never loads rich.

A format that can be written one file at a time also has `render.writer(lang=…, options=…)`, an object
with `begin(run) -> str`, `file(fr) -> str` per file and `end(run) -> str` (the run then carries only
the summary): a batch of thousands of reports streams through it without holding the results. The
others get the whole RunResult at the end (its files without their parsed reports).
"""
from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from ..engine.types import RunResult, hookimpl

FORMATS = ("console", "json", "jsonl", "csv", "sarif", "junit", "github", "markdown", "html")
STREAMING = ("console", "json", "jsonl", "csv", "github")


def _lazy(module: str) -> Callable[..., str]:
    def render(run: RunResult, options: dict | None = None, *, lang: str | None = None) -> str:
        opts = dict(options or {})
        lang_ = lang or opts.get("lang") or "zh"
        return import_module(f"{__name__}.{module}").render(run, lang=lang_, options=opts)

    def writer(*, lang: str = "zh", options: dict | None = None) -> Any:
        return import_module(f"{__name__}.{module}").Writer(lang=lang, options=dict(options or {}))

    render.__name__ = f"render_{module}"
    render.__qualname__ = render.__name__
    render.__doc__ = f"Render a RunResult as {module} (lazy wrapper around report_lint.reporters.{module})."
    if module in STREAMING:
        render.writer = writer  # type: ignore[attr-defined]  # a function attribute, which mypy cannot declare
    return render


@hookimpl
def report_lint_reporters() -> dict[str, Any]:
    return {name: _lazy(name) for name in FORMATS}


__all__ = ["FORMATS", "STREAMING", "report_lint_reporters"]
