"""The built-in output formats, registered like any plugin's (entry point "builtin-reporters").

Each format is `render(run: RunResult, *, lang: str = "zh", options: dict | None = None) -> str`; its
module is imported only when that format is used, so `--format json` never loads rich.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any, Callable, Optional

from ..engine.types import RunResult, hookimpl

FORMATS = ("console", "json", "sarif", "junit", "github", "markdown", "html")


def _lazy(module: str) -> Callable[..., str]:
    def render(run: RunResult, options: Optional[dict] = None, *, lang: Optional[str] = None) -> str:
        opts = dict(options or {})
        lang_ = lang or opts.get("lang") or "zh"
        return import_module(f"{__name__}.{module}").render(run, lang=lang_, options=opts)

    render.__name__ = f"render_{module}"
    render.__qualname__ = render.__name__
    render.__doc__ = f"Render a RunResult as {module} (lazy wrapper around report_lint.reporters.{module})."
    return render


@hookimpl
def report_lint_reporters() -> dict[str, Any]:
    return {name: _lazy(name) for name in FORMATS}


__all__ = ["FORMATS", "report_lint_reporters"]
