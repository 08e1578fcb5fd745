"""report-lint: check 政府信息公开工作年度报告 for compliance.

Library use:
    import report_lint
    report = report_lint.parse("report.html")     # -> report_lint.model.Report
    result = report_lint.check("report.html")     # -> report_lint.engine.types.RunResult
"""
from __future__ import annotations

__version__ = "0.1.0"


def parse(path, **kw):
    from .parsing import parse as _parse

    return _parse(path, **kw)


def check(*paths, **kw):
    from .engine.runner import check as _check

    return _check(*paths, **kw)


__all__ = ["__version__", "check", "parse"]
