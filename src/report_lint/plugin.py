"""The public API for rule-pack authors: everything a plugin imports, in one stable place.

    from report_lint.plugin import FindingLocation, Hit, RuleImpl, hookimpl

    def check_title(report, ctx):
        if not report.meta.title:
            yield Hit("C010", location=FindingLocation(line=1))

    @hookimpl
    def report_lint_rules():
        return [RuleImpl("C010", check_title)]

The hooks a plugin may implement are documented in `report_lint.engine.hookspecs` (docs/plugins.md).
"""
from __future__ import annotations

from .engine.types import (
                           FAMILIES,
                           CheckFn,
                           Finding,
                           FindingLocation,
                           Hit,
                           RuleContext,
                           RuleImpl,
                           Severity,
                           hookimpl,
                           hookspec,
)
from .model import Cell, Location, Report
from .testing import valid_report

__all__ = ["FAMILIES", "Cell", "CheckFn", "Finding", "FindingLocation", "Hit", "Location", "Report", "RuleContext",
           "RuleImpl", "Severity", "hookimpl", "hookspec", "valid_report"]
