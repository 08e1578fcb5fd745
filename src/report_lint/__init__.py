"""report-lint: check 政府信息公开工作年度报告 for compliance.

Library use:
    import report_lint
    report = report_lint.parse("report.html")            # -> report_lint.model.Report
    result = report_lint.check("report.html", "reports/") # -> RunResult (files[].score, grade, findings)
    fr = report_lint.check_report(report)                 # -> FileResult for a parsed Report
    fr = report_lint.check_bytes(data, "report.html")     # -> FileResult; a pure function of (bytes, config)

Nothing heavy is imported until one of these is called (`report-lint --version` stays fast).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and help() only
    from .config import Config
    from .engine.types import FileResult, RunResult
    from .model import Report

__version__ = "0.1.0"


def parse(path: str | Path, *, fmt: str | None = None, published_on: date | None = None,
          templates: tuple[str, ...] = ()) -> Report:
    """Read one report file (HTML, PDF, DOCX, Markdown, text, or a model JSON) into the typed model.

    fmt: force a format ("html", "pdf", "docx", "md", "txt", "json") instead of detecting it;
    published_on: the publication date when the file does not carry one; templates: extra template
    data files. Raises report_lint.errors.InputError (one line, zh/en) for unreadable input."""
    from .parsing import parse as _parse

    return _parse(path, fmt=fmt, published_on=published_on, templates=templates)


def check(*paths: str | Path | Report, config: Config | str | Path | dict | None = None,
          **overrides: Any) -> RunResult:
    """Check report files, directories or parsed `Report`s; returns a RunResult.

    config: a Config, a config file path, a dict shaped like [tool.report-lint], or None to discover
    report-lint.toml / pyproject.toml from the first path. overrides: configuration keys (select,
    ignore, severity, lang, fail_under, fail_level, rule_options, …) and run options (published_on,
    previous, jobs, limits, cache, baseline, convert, plugins, blocked_plugins, …); see
    report_lint.engine.runner.check. Raises ConfigError for a bad configuration and ValueError for a
    rule selector that matches no rule; an unreadable file is a FileResult with `error`."""
    from .engine.runner import check as _check

    return _check(*paths, config=config, **overrides)


def check_report(report: Report, config: Config | str | Path | dict | None = None,
                 **overrides: Any) -> FileResult:
    """Run the selected rules on an already-parsed Report (built-in defaults when config is None;
    `previous=` the same organ's previous-year Report or file)."""
    from .engine.runner import check_report as _check_report

    return _check_report(report, config, **overrides)


def check_bytes(data: bytes, name: str, *, config: Config | str | Path | dict | None = None,
                previous: Report | None = None, **overrides: Any) -> FileResult:
    """Check one report given as bytes; `name` gives its format (extension) and the path shown. A pure
    function of (bytes, name, configuration), so it maps over a folder with multiprocessing, Dask or
    Ray (docs/cli.md, "Beyond one machine"). An unreadable input is a FileResult with `error`."""
    from .engine.runner import check_bytes as _check_bytes

    return _check_bytes(data, name, config=config, previous=previous, **overrides)


__all__ = ["__version__", "check", "check_bytes", "check_report", "parse"]
