"""What every output format shares: labels (zh/en), grouping findings by part, describing where a finding
is, and the offending table row. Reporters only *format* a RunResult; nothing here computes findings.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Optional

from ..engine.types import SEVERITY_ORDER, FileResult, Finding, FindingLocation, RunResult
from ..model import Cell, Report

SEVERITIES = ("error", "warning", "info")
NUMERALS = "一二三四五六七八九十"
DEFAULT_TEMPLATE = "2021"  # labels for unknown/hybrid reports: the current national format

SEVERITY_LABEL = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}

TABLE_SHORT = {
    "zh": {"disclosure": "表二", "applications": "表三", "reviews": "表四"},
    "en": {"disclosure": "Table 2", "applications": "Table 3", "reviews": "Table 4"},
}
TABLE_TITLE_EN = {
    "disclosure": "Table 2 — proactive disclosure",
    "applications": "Table 3 — applications received and handled",
    "reviews": "Table 4 — administrative review and litigation",
}
TABLE_SECTION = {"disclosure": 2, "applications": 3, "reviews": 4}  # fallback when no template loads

PART_TITLE_EN = {
    1: "1. Overview",
    2: "2. Proactive disclosure",
    3: "3. Applications received and handled",
    4: "4. Administrative review and litigation",
    5: "5. Main problems and improvements",
    6: "6. Other matters",
}
WHOLE_DOCUMENT = {"zh": "全文/表格外", "en": "Whole document / outside the tables"}

# English labels for the interchange keys (the templates carry the Chinese ones).
ROW_EN: dict[str, dict[str, str]] = {
    "applications": {
        "new_received": "1. New applications this year",
        "carried_over": "2. Carried over from last year",
        "granted": "(1) Disclosed",
        "partially_granted": "(2) Partially disclosed",
        "denied_state_secret": "(3)1 Withheld: state secret",
        "denied_prohibited_by_law": "(3)2 Withheld: barred by other laws",
        "denied_three_securities": "(3)3 Withheld: 'three securities, one stability'",
        "denied_third_party": "(3)4 Withheld: third-party rights",
        "denied_internal_affairs": "(3)5 Withheld: internal affairs",
        "denied_process_info": "(3)6 Withheld: process information",
        "denied_enforcement_file": "(3)7 Withheld: enforcement case file",
        "denied_admin_inquiry": "(3)8 Withheld: administrative inquiry",
        "unavailable_not_held": "(4)1 Unavailable: not held",
        "unavailable_needs_creation": "(4)2 Unavailable: would have to be created",
        "unavailable_unclear": "(4)3 Unavailable: still unclear after correction",
        "not_processed_petition": "(5)1 Not processed: petition or complaint",
        "not_processed_repeated": "(5)2 Not processed: repeated application",
        "not_processed_publication": "(5)3 Not processed: publication requested",
        "not_processed_excessive": "(5)4 Not processed: excessive repeated applications",
        "not_processed_confirmation": "(5)5 Not processed: confirmation or reissue",
        "other_handling": "(6) Other handling",
        "other_no_correction": "(6)1 No correction in time",
        "other_unpaid_fee": "(6)2 Fee not paid in time",
        "other_misc": "(6)3 Other",
        "total": "(7) Total",
        "carried_forward": "4. Carried forward to next year",
    },
    "reviews": {
        "review": "Administrative review",
        "litigation_direct": "Litigation without prior review",
        "litigation_after_review": "Litigation after review",
    },
    "disclosure": {
        "regulations": "Rules (规章)",
        "normative_documents": "Normative documents",
        "licensing": "Administrative licensing",
        "other_services": "Other external services",
        "punishment": "Administrative penalties",
        "coercion": "Administrative coercion",
        "fees": "Administrative fees",
        "procurement": "Centralised procurement",
    },
}
COLUMN_EN: dict[str, dict[str, str]] = {
    "applications": {
        "natural_person": "Individuals",
        "commercial": "Businesses",
        "research": "Research orgs",
        "social_welfare": "Non-profits",
        "legal_service": "Legal services",
        "other_org": "Other",
        "total": "Total",
    },
    "reviews": {
        "upheld": "Upheld",
        "corrected": "Corrected",
        "other": "Other result",
        "pending": "Pending",
        "total": "Total",
    },
    "disclosure": {
        "issued": "Issued this year",
        "repealed": "Repealed this year",
        "in_force": "In force",
        "made": "Made this year",
        "published": "Published this year",
        "total_public": "Total public",
        "prev_items": "Items last year",
        "change": "Change this year",
        "decisions": "Decisions",
        "projects": "Procurement projects",
        "amount": "Amount",
    },
}
CATEGORY_LABEL = {
    "zh": {
        "completeness": "完整性", "consistency": "数据一致性", "arithmetic": "数据一致性",
        "zero-sum": "数据一致性", "conformity": "规范性", "template": "规范性", "format": "规范性",
        "wording": "表述", "timeliness": "时效", "interpretation": "解读", "text-vs-table": "文表一致",
        "year-over-year": "跨年一致", "parse": "解析",
    },
    "en": {
        "completeness": "Completeness", "consistency": "Consistency", "arithmetic": "Consistency",
        "zero-sum": "Consistency", "conformity": "Conformity", "template": "Template", "format": "Format",
        "wording": "Wording", "timeliness": "Timeliness", "interpretation": "Interpretation",
        "text-vs-table": "Text vs tables", "year-over-year": "Year over year", "parse": "Parsing",
    },
}
CELL_KIND_LABEL = {
    "zh": {"blank": "（空）", "not_applicable": "不适用", "invalid": "无效"},
    "en": {"blank": "(blank)", "not_applicable": "n/a", "invalid": "invalid"},
}


def lang_key(lang: Optional[str]) -> str:
    return "en" if (lang or "zh").lower().startswith("en") else "zh"


def options_of(options: Optional[dict]) -> dict:
    """The format's options; kebab-case keys from a TOML config (help-base-uri) read as snake_case."""
    return {(k.replace("-", "_") if isinstance(k, str) else k): v for k, v in (options or {}).items()}


def severity_label(severity: str, lang: str) -> str:
    return SEVERITY_LABEL[lang_key(lang)].get(severity, severity)


def message(f: Finding, lang: str) -> str:
    if lang_key(lang) == "en":
        return f.message_en or f.message or f.message_zh
    return f.message_zh or f.message or f.message_en


def category_label(key: str, lang: str) -> str:
    try:  # the scoring module owns the category names; the table here covers older/other keys
        from ..scoring import LABELS

        label = LABELS.get(key)
        if label is not None:
            return label[1] if lang_key(lang) == "en" else label[0]
    except Exception:
        pass
    return CATEGORY_LABEL[lang_key(lang)].get(key, key)


def numeral(n: int) -> str:
    return NUMERALS[n - 1] if 1 <= n <= len(NUMERALS) else str(n)


def fmt_score(score: Optional[float]) -> str:
    return "—" if score is None else f"{score:.1f}"


# --- templates -------------------------------------------------------------------------------

def _template(template_id: Optional[str]):
    """The template used for labels: the report's own, else the current national one. None if the
    template data cannot be loaded at all (labels then fall back to the keys)."""
    try:
        from ..templates import get_template

        return get_template(template_id or DEFAULT_TEMPLATE) or get_template(DEFAULT_TEMPLATE)
    except Exception:  # a broken data install must not stop a report from being printed
        return None


def _all_templates():
    try:
        from ..templates import templates

        return templates()
    except Exception:
        return ()


def template_for(file: Optional[FileResult] = None, report: Optional[Report] = None):
    report = report if report is not None else (file.report if file is not None else None)
    tid = report.meta.template if report is not None else (file.template if file is not None else None)
    return _template(tid)


def _table_spec(tpl, table: str):
    if tpl is None:
        return None
    try:
        return tpl.table(table)
    except AttributeError:
        return None


def _row_spec(tpl, table: str, row: str):
    """(RowSpec, columns) for a row key, looking in the report's template first, then in the others
    (a hybrid report carries a 2019 row inside a 2021 table)."""
    for t in [tpl, *_all_templates()]:
        spec = _table_spec(t, table)
        if spec is None:
            continue
        for r, cols in spec.row_columns():
            if r.key == row:
                return r, cols
    return None, ()


def table_title(table: str, lang: str, tpl=None) -> str:
    if lang_key(lang) == "en":
        return TABLE_TITLE_EN.get(table, table)
    spec = _table_spec(tpl or _template(None), table)
    return spec.title if spec is not None else TABLE_SHORT["zh"].get(table, table)


def table_short(table: str, lang: str) -> str:
    return TABLE_SHORT[lang_key(lang)].get(table, table)


def row_label(table: str, row: str, lang: str, tpl=None) -> str:
    if lang_key(lang) == "en":
        return ROW_EN.get(table, {}).get(row, row)
    spec, _ = _row_spec(tpl, table, row)
    return spec.label if spec is not None else row


def columns_for(table: str, row: Optional[str], tpl=None) -> list[tuple[str, str]]:
    """(key, Chinese label) of the columns a row carries (表二's parts each have their own)."""
    if row is not None:
        _, cols = _row_spec(tpl, table, row)
        if cols:
            return [(c.key, c.label) for c in cols]
    spec = _table_spec(tpl, table)
    if spec is None:
        return []
    if spec.columns:
        return [(c.key, c.label) for c in spec.columns]
    seen: dict[str, str] = {}
    for _, cols in spec.row_columns():
        for c in cols:
            seen.setdefault(c.key, c.label)
    return list(seen.items())


def column_label(table: str, column: str, lang: str, tpl=None, row: Optional[str] = None) -> str:
    if lang_key(lang) == "en":
        return COLUMN_EN.get(table, {}).get(column, column)
    for key, label in columns_for(table, row, tpl):
        if key == column:
            return label
    for t in _all_templates():
        for key, label in columns_for(table, None, t):
            if key == column:
                return label
    return column


def part_title(number: Optional[int], lang: str, tpl=None) -> str:
    if number is None:
        return WHOLE_DOCUMENT[lang_key(lang)]
    if lang_key(lang) == "en":
        return PART_TITLE_EN.get(number, f"Part {number}")
    if tpl is not None:
        for s in tpl.sections:
            if s.number == number:
                return s.title
    return f"{numeral(number)}、"


# --- findings ------------------------------------------------------------------------------

def part_of(f: Finding, tpl=None) -> Optional[int]:
    """The part (1..6) a finding belongs to: its section, else the section its table sits in."""
    loc = f.location
    if loc.section is not None:
        return loc.section
    if loc.table:
        spec = _table_spec(tpl, loc.table)
        return spec.section if spec is not None else TABLE_SECTION.get(loc.table)
    return None


def sort_key(f: Finding) -> tuple:
    loc = f.location
    return (-SEVERITY_ORDER.get(f.severity, 0), loc.page or 0, loc.line or 0, f.rule)


def group_by_part(findings: Iterable[Finding], tpl=None) -> list[tuple[Optional[int], list[Finding]]]:
    """Findings grouped by part 一…六 in order, then those outside any part ("全文/表格外")."""
    groups: dict[Optional[int], list[Finding]] = {}
    for f in findings:
        groups.setdefault(part_of(f, tpl), []).append(f)
    order = sorted((k for k in groups if k is not None)) + ([None] if None in groups else [])
    return [(k, sorted(groups[k], key=sort_key)) for k in order]


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    out = {s: 0 for s in SEVERITIES}
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


def run_stats(run: RunResult) -> dict[str, Any]:
    """Totals for a summary line: files, unreadable files, findings by severity, mean score."""
    total = {s: 0 for s in SEVERITIES}
    scores = []
    for fr in run.files:
        for s, n in counts(fr.findings).items():
            total[s] = total.get(s, 0) + n
        if fr.score is not None:
            scores.append(fr.score)
    return {
        "files": len(run.files),
        "unreadable": sum(1 for fr in run.files if fr.error is not None),
        "findings": total,
        "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
    }


def organ_of(fr: FileResult) -> Optional[str]:
    if fr.organ:
        return fr.organ
    return fr.report.meta.organ if fr.report is not None else None


def logical_where(loc: FindingLocation, lang: str, tpl=None) -> str:
    """Where in the report's structure: 表三“（七）总计”行“自然人”列 / 第三部分."""
    en = lang_key(lang) == "en"
    if loc.table:
        parts = [table_short(loc.table, lang)]
        if loc.row:
            lbl = row_label(loc.table, loc.row, lang, tpl)
            parts.append(f"row “{lbl}”" if en else f"“{lbl}”行")
        if loc.column:
            lbl = column_label(loc.table, loc.column, lang, tpl, loc.row)
            parts.append(f"column “{lbl}”" if en else f"“{lbl}”列")
        return (", " if en else "").join(parts)
    if loc.section is not None:
        return f"part {loc.section}" if en else f"第{numeral(loc.section)}部分"
    return ""


def physical_where(loc: FindingLocation, lang: str) -> str:
    """Where in the file: page, line, table grid cell, paragraph."""
    en = lang_key(lang) == "en"
    parts = []
    if loc.page is not None:
        parts.append(f"page {loc.page}" if en else f"第{loc.page}页")
    if loc.line is not None:
        parts.append(f"line {loc.line}" if en else f"第{loc.line}行")
    if loc.grid_table is not None:
        cell = f"table {loc.grid_table + 1}" if en else f"第{loc.grid_table + 1}个表格"
        if loc.grid_row is not None:
            cell += f" row {loc.grid_row + 1}" if en else f"第{loc.grid_row + 1}行"
        if loc.grid_column is not None:
            cell += f" column {loc.grid_column + 1}" if en else f"第{loc.grid_column + 1}列"
        parts.append(cell)
    if loc.paragraph is not None and loc.line is None:
        parts.append(f"paragraph {loc.paragraph + 1}" if en else f"第{loc.paragraph + 1}段")
    return (", " if en else "，").join(parts)


def where(loc: FindingLocation, lang: str, tpl=None) -> str:
    pieces = [p for p in (logical_where(loc, lang, tpl), physical_where(loc, lang)) if p]
    return " · ".join(pieces)


# --- the offending table row ----------------------------------------------------------------

@dataclass
class CellView:
    key: str
    label: str
    text: str  # what to print: the raw text, or a marker for blank/not-applicable/invalid
    kind: str
    highlight: bool = False


@dataclass
class RowView:
    table: str
    row: str
    label: str
    cells: list[CellView] = field(default_factory=list)
    highlight: bool = False  # the finding names this row


def cell_text(cell: Optional[Cell], lang: str) -> tuple[str, str]:
    """(text to show, kind). Missing cells show as "—" with kind "missing"."""
    if cell is None:
        return "—", "missing"
    markers = CELL_KIND_LABEL[lang_key(lang)]
    raw = (cell.raw or "").strip()
    if cell.kind == "number":
        return (raw or _number(cell.value)), "number"
    if cell.kind == "blank":
        return markers["blank"], "blank"
    if cell.kind == "not_applicable":
        return (raw or markers["not_applicable"]), "not_applicable"
    return (f"{raw}（{markers['invalid']}）" if lang_key(lang) == "zh" else f"{raw} ({markers['invalid']})"), "invalid"


def _number(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def row_view(report: Report, table: str, row: str, lang: str, tpl=None,
             highlight_column: Optional[str] = None) -> Optional[RowView]:
    data = getattr(report.tables, table, None)
    if not data or row not in data:
        return None
    cells = data[row]
    keys = [k for k, _ in columns_for(table, row, tpl)]
    keys += [k for k in cells if k not in keys]  # columns the template lacks still show
    out = RowView(table=table, row=row, label=row_label(table, row, lang, tpl))
    for k in keys:
        text, kind = cell_text(cells.get(k), lang)
        out.cells.append(CellView(k, column_label(table, k, lang, tpl, row), text, kind, k == highlight_column))
    return out


def _equation_rows(tpl, table: str, eq_id: Any) -> list[str]:
    spec = _table_spec(tpl, table)
    if spec is None or not isinstance(eq_id, str):
        return []
    for eq in spec.equations:
        if eq.id == eq_id and eq.kind == "per_column":
            rows = list(eq.left) + list(eq.right)
            return rows if len(rows) <= 6 else list(eq.left)
    return []


def table_rows_for(f: Finding, report: Optional[Report], lang: str, tpl=None) -> list[RowView]:
    """The table row(s) a finding is about, for showing next to it. A row finding shows its row with
    the cell highlighted; a column finding (e.g. 表三 column identity) shows the rows of its equation."""
    loc = f.location
    if report is None or not loc.table:
        return []
    if loc.row:
        rv = row_view(report, loc.table, loc.row, lang, tpl, loc.column)
        return [rv] if rv else []
    if not loc.column:
        return []
    rows = f.data.get("rows")
    if not (isinstance(rows, list) and all(isinstance(r, str) for r in rows)):
        rows = _equation_rows(tpl, loc.table, f.data.get("equation"))
    out = []
    for r in rows[:8]:
        rv = row_view(report, loc.table, r, lang, tpl, loc.column)
        if rv:
            out.append(rv)
    return out


# --- physical fallbacks (SARIF / GitHub need a line for everything) ---------------------------

def _cell_location(report: Report, loc: FindingLocation):
    if not (loc.table and loc.row):
        return None
    cells = (getattr(report.tables, loc.table, None) or {}).get(loc.row) or {}
    if loc.column and cells.get(loc.column) is not None and cells[loc.column].location is not None:
        return cells[loc.column].location
    for c in cells.values():
        if c.location is not None:
            return c.location
    return None


def resolve_line_page(fr: FileResult, f: Optional[Finding], tpl=None) -> tuple[int, Optional[int]]:
    """(line ≥ 1, page) for a finding: its own line, else the cell's, the table's, the part's start,
    else line 1 — so a missing part or table still points somewhere in the file."""
    loc = f.location if f is not None else FindingLocation()
    line, page = loc.line, loc.page
    report = fr.report
    if report is not None and (line is None or page is None):
        candidates = [_cell_location(report, loc)]
        if loc.table:
            candidates.append(report.table_locations.get(loc.table))
        part = part_of(f, tpl) if f is not None else None
        sec = report.section(part) if part is not None else None
        if sec is not None:
            candidates.append(sec.start)
        for c in candidates:
            if c is None:
                continue
            if line is None and c.line is not None:
                line = c.line
            if page is None and c.page is not None:
                page = c.page
            if line is not None and page is not None:
                break
    return (line if line is not None and line >= 1 else 1), page


def relative_path(path: str, root: Optional[str] = None) -> tuple[str, bool]:
    """(POSIX path relative to root, True) when the file sits under root; else (absolute POSIX, False)."""
    root_p = Path(root or os.getcwd()).resolve()
    p = Path(path)
    absolute = (p if p.is_absolute() else root_p / p).resolve()
    try:
        return PurePosixPath(absolute.relative_to(root_p)).as_posix(), True
    except ValueError:
        return PurePosixPath(absolute).as_posix(), False


# --- metadata from elsewhere (optional: every format works without it) -----------------------

def family_of(rule_id: str) -> str:
    from ..engine.types import FAMILIES

    return FAMILIES.get(rule_id[:1].upper(), "other") if rule_id else "other"


def load_catalogue() -> Optional[list[Any]]:
    """The built-in rule metadata (engine.catalogue), or None when it cannot be loaded — the output
    then describes rules from the findings alone. Plugin rules: the caller passes options["rules"]."""
    try:
        from ..engine.catalogue import cached_catalogue

        return list(cached_catalogue())
    except Exception:  # a broken catalogue is reported by the engine; output must still be written
        return None


def project_url() -> Optional[str]:
    """The project's home page from the installed package metadata ([project.urls]), if declared."""
    try:
        from importlib.metadata import metadata

        md = metadata("report-lint")
    except Exception:
        return None
    urls = {}
    for entry in md.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("homepage", "repository", "source", "documentation"):
        if urls.get(label):
            return urls[label]
    return md.get("Home-page") or None



_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Drop the control characters XML 1.0 forbids (a damaged PDF's text layer can carry them)."""
    return _XML_ILLEGAL.sub("", text)


def wrap_label(text: str, chunk: int = 4) -> str:
    """Break a long Chinese column header into short lines (rich cannot wrap a run of CJK characters
    and would crop the table instead): before a bracket, then every `chunk` characters."""
    if " " in text or len(text) <= chunk + 1:
        return text
    pieces = re.split(r"(?=[（(])", text)
    lines = []
    for piece in pieces:
        lines += [piece[i:i + chunk] for i in range(0, len(piece), chunk)]
    return "\n".join(p for p in lines if p)
