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

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import pluggy
from pydantic import BaseModel, ConfigDict, Field

from ..model import Report

PROJECT = "report_lint"
hookimpl = pluggy.HookimplMarker(PROJECT)
hookspec = pluggy.HookspecMarker(PROJECT)

Severity = Literal["error", "warning", "info"]
PARSE_NOTE = "parse-note"  # catalogue tag: a note on how the parser coped, not a defect of the report
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
    section: int | None = None
    table: str | None = None  # disclosure | applications | reviews
    row: str | None = None
    column: str | None = None
    line: int | None = None
    page: int | None = None
    # grid coordinates for HTML/DOCX/PDF tables and DOCX paragraphs (so a clerk can find the cell)
    grid_table: int | None = None
    grid_row: int | None = None
    grid_column: int | None = None
    paragraph: int | None = None


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
    location: FindingLocation | None = None
    expected: Any = None
    actual: Any = None
    data: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    variant: str | None = None


@dataclass
class RuleContext:
    """What a check may read besides the report: its options and the run's settings."""

    options: dict[str, Any]  # this rule's options (catalogue defaults merged with user config)
    settings: Any  # the validated Config (deadlines, target rates, …)
    lang: str = "zh"
    rule: str | None = None  # the id being run (one function may serve several RuleImpls)
    # The same organ's report for the year before, when the run has it (a batch that holds both years,
    # or --previous FILE). Year-over-year (Y) rules read it; None means "not known", never "absent".
    previous: Report | None = None
    # The ids of every rule that runs on this file (None: not known, take every rule as selected). A check
    # that reports one root cause under whichever of several related rules is selected reads it.
    selected: frozenset[str] | None = None
    # Scratch space of one report's run, shared by every rule that runs on it (None outside the engine):
    # a check family keeps there what several of its rule ids compute from the same tables (zero_sum's
    # equations and their findings), under its own key. A new run of the report starts with a new one.
    memo: dict[str, Any] | None = None


CheckFn = Callable[[Report, RuleContext], Iterable[Hit]]


@dataclass
class RuleImpl:
    id: str
    check: CheckFn
    # A rule that reads ctx.previous may declare the part of a report it (and the places of its findings)
    # reads: a batch then keeps only that part of each report between its two phases (engine/batch.py).
    # None: the whole report is kept.
    year_view: Callable[[Report], Report] | None = None


class Labels(BaseModel):
    """One display name in both languages."""

    zh: str = ""
    en: str = ""

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class CellContext(BaseModel):
    """One cell of a row shown next to a finding: the text as the report has it (a number's digits,
    a not-applicable mark, unreadable text) and its kind (number | blank | not_applicable | invalid |
    missing); reporters add their own marker for blank and missing cells."""

    key: str
    label: Labels
    text: str = ""
    kind: str = "number"
    highlight: bool = False


class RowContext(BaseModel):
    table: str
    row: str
    label: Labels
    cells: list[CellContext] = Field(default_factory=list)


class Place(BaseModel):
    """Where a finding is, resolved once by the engine (engine/places.py) for every output format:
    a physical line (≥ 1) and page to go to, the part (1..6, None = outside the parts), the part's title
    and the logical place (表三“（七）总计”行“自然人”列) in both languages, and the table rows involved."""

    line: int = 1
    page: int | None = None
    part: int | None = None
    part_title: Labels = Field(default_factory=Labels)
    where: Labels = Field(default_factory=Labels)
    rows: list[RowContext] = Field(default_factory=list)


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
    basis: str | None = None
    help_uri: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    # Scoring category (scoring.CATEGORY_OF_FAMILY) and a stable fingerprint of
    # (rule, logical location, message args) — independent of line numbers, for SARIF/baselines.
    category: str | None = None
    fingerprint: str | None = None
    # The catalogue's tags for the rule (e.g. "parse-note": how the parser coped, not a defect; hidden
    # from console and GitHub output unless asked for) and the resolved place (None when a finding was
    # built by hand rather than by the engine).
    tags: list[str] = Field(default_factory=list)
    place: Place | None = None

    @property
    def is_parse_note(self) -> bool:
        return PARSE_NOTE in self.tags


class FileError(BaseModel):
    code: str
    message: str


class Skipped(BaseModel):
    """Why a readable file was not checked: code "not-a-report" (a catalogue rule marked `fatal` — P109 —
    found no annual report in it: a README, meeting minutes, report-lint's own output). Such a file has
    no score and no findings and is left out of the score statistics."""

    code: str
    message: str
    rule: str | None = None


class InternalProblem(BaseModel):
    """A crash inside report-lint or a plugin while handling one file (not a finding about the report).
    rule: the rule whose check raised, or None (parser, scorer)."""

    rule: str | None = None
    message: str
    traceback: str | None = Field(default=None, exclude=True)


class FileResult(BaseModel):
    """interchange.md §2 `files[]` entry."""

    model_config = ConfigDict(extra="ignore")
    path: str
    template: str | None = None
    year: int | None = None
    organ: str | None = None
    score: float | None = None
    grade: str | None = None
    categories: dict[str, float] = Field(default_factory=dict)
    # rule id -> the fraction (0..1) of its category's score that rule removed (docs/scoring.md)
    deductions: dict[str, float] = Field(default_factory=dict)
    error: FileError | None = None
    skipped: Skipped | None = None
    findings: list[Finding] = Field(default_factory=list)
    internal_errors: list[InternalProblem] = Field(default_factory=list)
    sha256: str | None = None  # of the file's bytes
    # findings hidden because a --baseline file accepts them (not part of `findings`)
    baselined: int = 0
    report: Report | None = Field(default=None, exclude=True)  # the parsed model, for library callers

    @property
    def status(self) -> str:
        """checked | unreadable | skipped"""
        if self.error is not None:
            return "unreadable"
        if self.skipped is not None:
            return "skipped"
        return "checked"


class RunResult(BaseModel):
    schema_version: int = 1
    tool: dict[str, str]
    files: list[FileResult]
    summary: dict[str, Any] = Field(default_factory=dict)


__all__ = [
    "FAMILIES",
    "PARSE_NOTE",
    "PROJECT",
    "SEVERITY_ORDER",
    "CellContext",
    "CheckFn",
    "FileError",
    "FileResult",
    "Finding",
    "FindingLocation",
    "Hit",
    "InternalProblem",
    "Labels",
    "Place",
    "RowContext",
    "RuleContext",
    "RuleImpl",
    "RunResult",
    "Severity",
    "Skipped",
    "hookimpl",
    "hookspec",
]
