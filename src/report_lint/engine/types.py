"""The public types a rule plugin works with. Kept small and stable: plugins import from here.

A rule's *metadata* (id, name, family, severity, weight, legal basis, messages, docs) lives in the
catalogue data files (rules/catalogue/*.toml, or a plugin's own via `report_lint_catalogue_paths`).
A rule's *check* is a plain function registered through the `report_lint_rules` hook:

    from report_lint.plugin import FindingLocation, Hit, RuleImpl, hookimpl

    def check_title(report, ctx):
        if not report.meta.title:
            yield Hit("C010", location=FindingLocation(line=1))

    @hookimpl
    def report_lint_rules():
        return [RuleImpl("C010", check_title)]

A check sees only the parsed `Report` model (never a file format) and yields `Hit`s; the engine turns
each Hit into a `Finding` using the catalogue (severity, message templates filled from `args`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal, Optional

import pluggy
from pydantic import BaseModel, ConfigDict, Field

from ..model import Report

PROJECT = "report_lint"
hookimpl = pluggy.HookimplMarker(PROJECT)
hookspec = pluggy.HookspecMarker(PROJECT)

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}

FAMILIES = {
    "C": "completeness",
    "Z": "zero-sum",
    "I": "interpretation",
    "T": "timeliness",
    "V": "template",
    "X": "text-vs-table",
    "Y": "year-over-year",
    "F": "format",
    "P": "parse",
}


class FindingLocation(BaseModel):
    """interchange.md §2 `location`. Keys that do not apply are None."""

    model_config = ConfigDict(extra="ignore")
    section: Optional[int] = None
    table: Optional[str] = None  # disclosure | applications | reviews
    row: Optional[str] = None
    column: Optional[str] = None
    line: Optional[int] = None
    page: Optional[int] = None
    # grid coordinates for HTML/DOCX/PDF tables and DOCX paragraphs (so a clerk can find the cell)
    grid_table: Optional[int] = None
    grid_row: Optional[int] = None
    grid_column: Optional[int] = None
    paragraph: Optional[int] = None


@dataclass
class Hit:
    """What a check reports; the engine adds metadata and renders the message.

    args: values for the message templates ({row}, {expected}, … in the catalogue entry).
    expected/actual: the values involved, when a value is involved.
    data: anything else worth exporting (equation, terms, suggested fix, …) — goes into Finding.data.
    severity: only when the check must override the catalogue default (rare; users override via config).
    variant: the name of one of the rule's catalogue message variants ([rules.variants.NAME]) when the
    finding needs a differently shaped message (e.g. one wrong cell breaking several equations).
    """

    rule: str
    args: dict[str, Any] = field(default_factory=dict)
    location: Optional[FindingLocation] = None
    expected: Any = None
    actual: Any = None
    data: dict[str, Any] = field(default_factory=dict)
    severity: Optional[Severity] = None
    variant: Optional[str] = None


@dataclass
class RuleContext:
    """What a check may read besides the report: its options and the run's settings."""

    options: dict[str, Any]  # this rule's options (catalogue defaults merged with user config)
    settings: Any  # the validated Config (deadlines, target rates, …)
    lang: str = "zh"
    rule: Optional[str] = None  # the id being run (one function may serve several RuleImpls)
    # The same organ's report for the year before, when the run has it (a batch that holds both years,
    # or --previous FILE). Year-over-year (Y) rules read it; None means "not known", never "absent".
    previous: Optional[Report] = None
    # The ids of every rule that runs on this file (None: not known, take every rule as selected). A check
    # that reports one root cause under whichever of several related rules is selected reads it.
    selected: Optional[frozenset[str]] = None


CheckFn = Callable[[Report, RuleContext], Iterable[Hit]]


@dataclass
class RuleImpl:
    id: str
    check: CheckFn


class Finding(BaseModel):
    """interchange.md §2 finding. `message` is in the run's language; both languages are kept."""

    model_config = ConfigDict(extra="ignore")
    rule: str
    name: str
    family: str
    severity: Severity
    message: str
    message_zh: str
    message_en: str
    location: FindingLocation = Field(default_factory=FindingLocation)
    expected: Any = None
    actual: Any = None
    weight: float = 1.0
    basis: Optional[str] = None
    help_uri: Optional[str] = None
    data: dict[str, Any] = Field(default_factory=dict)
    # Scoring category (scoring.CATEGORY_OF_FAMILY) and a stable fingerprint of
    # (rule, logical location, message args) — independent of line numbers, for SARIF/baselines.
    category: Optional[str] = None
    fingerprint: Optional[str] = None


class FileError(BaseModel):
    code: str
    message: str


class InternalProblem(BaseModel):
    """A crash inside report-lint or a plugin while handling one file (not a finding about the report).
    rule: the rule whose check raised, or None (parser, scorer)."""

    rule: Optional[str] = None
    message: str
    traceback: Optional[str] = Field(default=None, exclude=True)


class FileResult(BaseModel):
    """interchange.md §2 `files[]` entry."""

    model_config = ConfigDict(extra="ignore")
    path: str
    template: Optional[str] = None
    year: Optional[int] = None
    organ: Optional[str] = None
    score: Optional[float] = None
    grade: Optional[str] = None
    categories: dict[str, float] = Field(default_factory=dict)
    # rule id -> the fraction (0..1) of its category's score that rule removed (docs/scoring.md)
    deductions: dict[str, float] = Field(default_factory=dict)
    error: Optional[FileError] = None
    findings: list[Finding] = Field(default_factory=list)
    internal_errors: list[InternalProblem] = Field(default_factory=list)
    report: Optional[Report] = Field(default=None, exclude=True)  # the parsed model, for reporters


class RunResult(BaseModel):
    schema_version: int = 1
    tool: dict[str, str]
    files: list[FileResult]
    summary: dict[str, Any] = Field(default_factory=dict)


__all__ = [
    "CheckFn", "FAMILIES", "FileError", "FileResult", "Finding", "FindingLocation", "Hit", "InternalProblem",
    "PROJECT",
    "RuleContext", "RuleImpl", "RunResult", "SEVERITY_ORDER", "Severity", "hookimpl", "hookspec",
]
