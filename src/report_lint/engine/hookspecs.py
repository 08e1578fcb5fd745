"""The whole plugin contract. A plugin is a module (or object) with @hookimpl functions, published
under the entry-point group `report_lint`. The built-in rule families use this same route."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .types import RuleImpl, hookspec


@hookspec
def report_lint_rules() -> list[RuleImpl]:
    """Return the checks this plugin contributes (ids must exist in a catalogue)."""


@hookspec
def report_lint_catalogue_paths() -> list[Path]:
    """Return catalogue data files (TOML) with rule metadata: id, name, family, severity, weight,
    basis, messages (zh/en) and docs."""


@hookspec
def report_lint_template_paths() -> list[Path]:
    """Return template data files (TOML): a new report format, or a province's variant."""


@hookspec
def report_lint_config_defaults() -> dict[str, Any]:
    """Return defaults merged under the user's configuration (e.g. a province's deadlines), using the
    same keys as `[tool.report-lint]` (kebab-case or snake_case), e.g.
    {"deadlines": {"provinces": {"湖南": {"department": "01-25"}}}, "rule-options": {"I101": {...}}}."""


@hookspec
def report_lint_reporters() -> dict[str, Any]:
    """Return output formats: {name: render}, where
    `render(run: RunResult, *, lang: str, options: dict) -> str`. A later plugin may replace a name."""
