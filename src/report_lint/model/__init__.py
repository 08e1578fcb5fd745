"""The typed report model (pydantic v2) and its public JSON (see docs/interchange.md).

Field names that appear in ../shared/spec/interchange.md are a public contract: do not rename them.
"""
from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = 1
# No cell of a report holds more than this (a count, a signed change or a 万元 amount): anything larger
# is a misread or a hostile file, and would overflow the float arithmetic of the checks.
MAX_CELL_VALUE = 10**9
_Index = Annotated[int, Field(ge=0, le=MAX_CELL_VALUE)]  # a line, page, row … number

CellKind = Literal["number", "blank", "not_applicable", "invalid"]
TemplateId = str  # "2019", "2021", "hybrid", "unknown" (a future year is just another data file)
OrganKind = Literal["government", "department", "township", "unknown"]
SourceFormat = Literal["html", "pdf", "docx", "md", "txt", "json"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Location(_Model):
    """Where something sits in the source. Keys that do not apply stay None.

    line: 1-based line in a text/Markdown file (or in the PDF's extracted text); page: 1-based PDF page;
    table/row/column: 0-based indexes of an HTML/DOCX/PDF table grid (after rowspan/colspan expansion);
    paragraph: 0-based block index in a DOCX/HTML body.
    """

    line: _Index | None = None
    page: _Index | None = None
    table: _Index | None = None
    row: _Index | None = None
    column: _Index | None = None
    paragraph: _Index | None = None

    def describe(self, lang: str = "zh") -> str:
        parts = []
        zh = lang == "zh"
        if self.page is not None:
            parts.append(f"第{self.page}页" if zh else f"page {self.page}")
        if self.line is not None:
            parts.append(f"第{self.line}行" if zh else f"line {self.line}")
        if self.table is not None:
            parts.append(f"第{self.table + 1}个表格" if zh else f"table {self.table + 1}")
        if self.row is not None:
            parts.append(f"第{self.row + 1}行" if zh else f"row {self.row + 1}")
        if self.column is not None:
            parts.append(f"第{self.column + 1}列" if zh else f"column {self.column + 1}")
        if self.paragraph is not None and self.line is None:
            parts.append(f"第{self.paragraph + 1}段" if zh else f"paragraph {self.paragraph + 1}")
        return ("，" if zh else ", ").join(parts)


class Cell(_Model):
    """One table cell. Only a "number" cell has a value (a cell read as "invalid" keeps what was written
    in `raw` and no value); the value is finite and within ±MAX_CELL_VALUE. Whether it must be a whole
    number ≥ 0 depends on its column, which the template knows (see Report)."""

    value: StrictInt | StrictFloat | None = None
    raw: str = ""
    kind: CellKind = "blank"
    location: Location | None = None
    # How the value was obtained when it was not read off directly, e.g. "split" when run-together
    # digits were separated using the table's own equations. None when read as written.
    derived: str | None = None

    @field_validator("value")
    @classmethod
    def _finite_and_bounded(cls, v):
        if v is None:
            return v
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError("not a finite number")
        if abs(v) > MAX_CELL_VALUE:
            raise ValueError(f"out of range: no report cell exceeds {MAX_CELL_VALUE:,}")
        return v

    @model_validator(mode="after")
    def _value_matches_kind(self):
        if (self.kind == "number") != (self.value is not None):
            raise ValueError("a number cell needs a value, and only a number cell has one")
        return self


class Source(_Model):
    path: str
    format: SourceFormat
    sha256: str


class Provenance(_Model):
    """Where a metadata value came from, e.g. {"kind": "page-meta", "text": "发布时间: 2020-01-20"}."""

    kind: str
    text: str | None = None
    location: Location | None = None


class Meta(_Model):
    title: str | None = None
    organ: str | None = None
    organ_kind: OrganKind = "unknown"
    year: int | None = Field(default=None, ge=1900, le=2100)
    template: TemplateId = "unknown"
    published_on: date | None = None
    # Beside each value: where it came from (keys: title, organ, year, template, published_on).
    provenance: dict[str, Provenance] = Field(default_factory=dict)
    # Per table, the template it follows and the labels that show it: {"disclosure": "2021（本年制发件数、…）"}.
    template_evidence: dict[str, str] = Field(default_factory=dict)


class Section(_Model):
    number: int = Field(ge=1, le=99)  # 1..6, the canonical part
    title: str | None = None  # the heading as written, or None when absent
    present: bool = False
    numbered_as: _Index | None = None  # the numeral the heading carries (r012 numbers part 4 as 三)
    text: str = ""
    start: Location | None = None
    end: Location | None = None
    order: _Index | None = None  # position among the headings found (0-based), to check ordering


class Paragraph(_Model):
    """A block of narrative text with its location; rules that read prose use these."""

    text: str
    section: int | None = None  # 1..6 or None before the first heading
    location: Location | None = None


class Fact(_Model):
    """Something the narrative states that a rule compares with something else: a count, a rate, the
    statistics period, a fee, a date, a placeholder left from the template (see docs/interchange.md)."""

    kind: str  # stable key, e.g. "normative_issued", "interpretation_rate" (rules/phrasing/*.toml)
    label: str  # Chinese name of the kind
    label_en: str
    value: int | float | str | None = None  # a count, a rate (0..1), ISO date/period text, or None
    unit: str | None = None  # 件, %, 元, 万元, 个工作日 …
    scope: str = "self"  # self | region | other | example | plan (rules/phrasing/scope.toml)
    approx: bool = False  # 约/近/余/多 or a range
    text: str = ""  # the phrase that states it, as written (line breaks of wrapped lines left out)
    sentence: str = ""  # the whole sentence, as written
    section: int | None = None  # part 1..6, None before the first heading
    location: Location | None = None
    data: dict = Field(default_factory=dict)  # kind-specific extras ({"start": …, "end": …}, scope marker …)


class ParseProblem(_Model):
    """Something the parser could not read cleanly. Surfaced by the P-family rules."""

    code: str  # stable short code, e.g. "extra-values", "split-digits", "table-missing"
    message: str  # Chinese
    message_en: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    location: Location | None = None
    severity: Literal["error", "warning", "info"] = "warning"
    data: dict = Field(default_factory=dict)


TableData = dict[str, dict[str, Cell]]


class Tables(_Model):
    disclosure: TableData | None = None  # 表二
    applications: TableData | None = None  # 表三
    reviews: TableData | None = None  # 表四


class Report(_Model):
    schema_version: int = SCHEMA_VERSION
    source: Source
    meta: Meta = Field(default_factory=Meta)
    sections: list[Section] = Field(default_factory=list)
    tables: Tables = Field(default_factory=Tables)
    paragraphs: list[Paragraph] = Field(default_factory=list)
    problems: list[ParseProblem] = Field(default_factory=list)
    # Where each found table starts in the source (key: disclosure/applications/reviews).
    table_locations: dict[str, Location] = Field(default_factory=dict)
    # Which template each table matched best (the per-table detection behind meta.template).
    table_templates: dict[str, str] = Field(default_factory=dict)
    # A table whose own column labels come from more than one template (2021 第二十条第（一）项 columns with
    # 2019 （五） columns, SPEC VER-2): {table: {template id: [labels as found]}}.
    mixed_labels: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    # What the narrative states, read once after the parts are known (recognise/facts.py).
    facts: list[Fact] = Field(default_factory=list)

    @field_validator("tables")
    @classmethod
    def _counts_are_counts(cls, tables: Tables, info: ValidationInfo) -> Tables:
        """A model read from a file (validated with context {"templates": extra template paths}) holds
        only what a report form can: a count is a whole number ≥ 0, an amount is ≥ 0, only a signed
        column (本年增/减) goes below 0. A recognised report is not held to this: a printed -2 in a count
        column is kept, for the value rules to report."""
        if not info.context or "templates" not in info.context:
            return tables
        from ..templates import TABLE_KEYS, templates  # lazy: the model needs the templates only here

        signed: set[tuple[str, str]] = set()
        money: set[tuple[str, str]] = set()
        for tpl in templates(tuple(info.context["templates"])):
            for key in TABLE_KEYS:
                for _, cols in tpl.table(key).row_columns():
                    signed.update((key, c.key) for c in cols if c.signed)
                    money.update((key, c.key) for c in cols if c.money)
        for key in TABLE_KEYS:
            for row, cols in (getattr(tables, key) or {}).items():
                for col, cell in cols.items():
                    v = cell.value
                    if v is None:
                        continue
                    if (key, col) in money:
                        ok, need = v >= 0, "an amount ≥ 0"
                    elif (key, col) in signed:
                        ok, need = float(v).is_integer(), "a whole number"
                    else:
                        ok, need = v >= 0 and float(v).is_integer(), "a whole number ≥ 0"
                    if not ok:
                        raise ValueError(f"{key}.{row}.{col} must be {need}, not {v}")
        return tables

    def section(self, number: int) -> Section | None:
        for s in self.sections:
            if s.number == number:
                return s
        return None

    def cell(self, table: str, row: str, column: str) -> Cell | None:
        t = getattr(self.tables, table)
        if not t:
            return None
        return (t.get(row) or {}).get(column)

    def to_json(self, **kw) -> str:
        return self.model_dump_json(indent=2, exclude_none=False, **kw)


__all__ = [
    "MAX_CELL_VALUE",
    "SCHEMA_VERSION",
    "Cell",
    "CellKind",
    "Fact",
    "Location",
    "Meta",
    "Paragraph",
    "ParseProblem",
    "Provenance",
    "Report",
    "Section",
    "Source",
    "TableData",
    "Tables",
]
